-- Regression query strategies: al.committee_std and al.emcm (scores over
-- the numbers of any model), the greedy sampling aggregates
-- al.greedy_sampling_x (GSx, the k-center kernel), al.greedy_sampling_y
-- (GSy) and al.improved_greedy_sampling (iGS).  Values worked by hand (in
-- the comments), the same values recomputed in plain SQL (unnest, sqrt; the
-- picks by recursive queries written independently), every error with its
-- SQLSTATE and message, NULLs, the memory bound.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- ---------------------------------------------------------------------------
-- al.committee_std: the population standard deviation (divide by K)
-- ---------------------------------------------------------------------------
-- (1, 2, 3, 4): mean 2.5, squared deviations 2.25 + .25 + .25 + 2.25 = 5,
-- sqrt(5 / 4) = 1.118033988750; one member: 0; (0.5, 1.5): 0.5;
-- (1e9 + 1, 1e9 + 2, 1e9 + 3): sqrt(2/3) = .816496580928 (no cancellation).
SELECT round(al.committee_std('{1,2,3,4}')::numeric, 12) AS std_1234,
	al.committee_std('{5}') AS one_member,
	al.committee_std('{-2.5,-2.5,-2.5}') AS agree,
	al.committee_std('{0.5,1.5}'::real[]) AS real_members,
	round(al.committee_std('{1000000001,1000000002,1000000003}')::numeric, 12) AS offset_1e9,
	al.committee_std('{1e300,-1e300}') AS huge,
	al.committee_std('{1,2,3}'::integer[]) AS integer_members,
	round(al.committee_std('{1,2,3,4}')::numeric, 12) = round(stddev_pop(v)::numeric, 12) AS equals_stddev_pop
FROM unnest('{1,2,3,4}'::float8[]) v;
-- against PostgreSQL's own stddev_pop on random committees (3 to 9 members)
SELECT setseed(0.13);
CREATE TABLE cmt AS
SELECT i AS id, array_agg((random() * 100 - 50)::real) AS m, (random() * 10 - 5) AS f,
	ARRAY[random() * 4 - 2, random() * 4 - 2, random() * 4 - 2]::real[] AS x
FROM generate_series(1, 200) i, LATERAL generate_series(1, 3 + i % 7) j
GROUP BY i;
SELECT count(*) AS committees,
	max(abs(al.committee_std(m) - (SELECT stddev_pop(v::float8) FROM unnest(m) v))) < 1e-12 AS std_matches_stddev_pop,
	count(*) FILTER (WHERE al.committee_std(m) = al.committee_std(m::float8[])) AS real_equals_widened
FROM cmt;
-- the real[] call is rewritten to al.committee_std_real (read in place)
EXPLAIN (VERBOSE, COSTS OFF) SELECT al.committee_std(m) FROM cmt;

-- ---------------------------------------------------------------------------
-- al.emcm: ||(x, 1)|| times the mean |f_k - f|
-- ---------------------------------------------------------------------------
-- f = 2, members (1, 4, 2): (1 + 2 + 0) / 3 = 1; x = (3, 4): sqrt(26) =
-- 5.099019513593.  Empty x: the bias only, 1.  f = 0.5, members
-- (0.25, 1): .375; x = (2): .375 sqrt(5) = .838525491562.
SELECT round(al.emcm(2, '{1,4,2}', '{3,4}')::numeric, 12) AS emcm_sqrt26,
	round(al.emcm(2, '{1,4,2}', '{3,4}'::real[])::numeric, 12) AS real_x,
	al.emcm(2, '{1,4,2}', '{}') AS empty_x,
	round(al.emcm(0.5, '{0.25,1}', '{2}')::numeric, 12) AS emcm_0375_sqrt5,
	al.emcm(3, '{3,3}', '{1,2}') AS members_agree;
-- against the formula in plain SQL on the random committees
SELECT max(abs(al.emcm(f, m, x) -
	(SELECT avg(abs(v - f)) FROM unnest(m) v) *
	sqrt(1 + (SELECT sum(v::float8 ^ 2) FROM unnest(x) v)))) < 1e-11 AS emcm_matches_plain_sql
FROM cmt;
EXPLAIN (VERBOSE, COSTS OFF) SELECT al.emcm(f, m, x) FROM cmt;

-- errors
SELECT pg_temp.try($$SELECT al.committee_std('{}')$$) AS empty_committee,
	pg_temp.try($$SELECT al.committee_std('{1,NaN}')$$) AS nan_member,
	pg_temp.try($$SELECT al.committee_std('{1,2,-Infinity}'::real[])$$) AS inf_member_real,
	pg_temp.try($$SELECT al.committee_std('{1,NULL}')$$) AS null_member,
	pg_temp.try($$SELECT al.committee_std('{{1,2},{3,4}}')$$) AS two_dimensions;
SELECT pg_temp.try($$SELECT al.emcm(1, '{}', '{1}')$$) AS empty_committee,
	pg_temp.try($$SELECT al.emcm('NaN', '{1}', '{1}')$$) AS nan_prediction,
	pg_temp.try($$SELECT al.emcm(1, '{1,Infinity}', '{1}')$$) AS inf_member,
	pg_temp.try($$SELECT al.emcm(1, '{2}', '{1,NaN}')$$) AS nan_feature,
	pg_temp.try($$SELECT al.emcm(1, '{2}', '{1,NULL}'::real[])$$) AS null_feature,
	pg_temp.try($$SELECT al.emcm(1, '{2}', '{{1},{2}}')$$) AS two_dimensions,
	pg_temp.try($$SELECT al.emcm(1e308, '{-1e308}', '{1e308,1e308}')$$) AS out_of_range;
-- STRICT: NULL in, NULL out
SELECT al.committee_std(NULL) IS NULL AS null_std, al.emcm(NULL, '{1}', '{1}') IS NULL AS null_prediction,
	al.emcm(1, NULL, '{1}') IS NULL AS null_members, al.emcm(1, '{1}', NULL) IS NULL AS null_x;

-- ---------------------------------------------------------------------------
-- GSx: al.greedy_sampling_x is al.kcenter under its regression name
-- ---------------------------------------------------------------------------
-- the pool of test/sql/selection.sql: labeled (0,0); 1 A(1,0), 2 B(4,0),
-- 3 C(4,3), 4 D(0,5), 5 E(3,3): picks 3, 4, 2, 1, 5; cold start (no
-- labeled row): the row nearest the centroid (2.4, 2.2), E, then A, D, B, C.
CREATE TABLE kc (id bigint, x double precision[], labeled boolean);
INSERT INTO kc VALUES (NULL, '{0,0}', true), (1, '{1,0}', false), (2, '{4,0}', false),
	(3, '{4,3}', false), (4, '{0,5}', false), (5, '{3,3}', false);
SELECT al.greedy_sampling_x(id, x, 5, labeled) AS gsx,
	al.greedy_sampling_x(id, x, 5, labeled) = al.kcenter(id, x, 5, labeled) AS same_as_kcenter,
	al.greedy_sampling_x(id, x, 5) FILTER (WHERE NOT labeled) AS gsx_cold
FROM kc;
SELECT pg_temp.try($$SELECT al.greedy_sampling_x(id, x, 5) FROM (VALUES (1::bigint, '{1}'::float8[]), (1, '{2}')) v(id, x)$$) AS repeated_id,
	pg_temp.try($$SELECT al.greedy_sampling_x(id, x, 0) FROM kc$$) AS k_zero;

-- ---------------------------------------------------------------------------
-- GSy: farthest-first in output space
-- ---------------------------------------------------------------------------
-- predictions 1 (id 1), 5 (2), 2.5 (3), 9 (4), 6 (5); labels 3 and 8.
-- Distances to the nearest label: 2, 2, .5, 1, 2.  Pick 1: ids 1, 2, 5
-- tie at 2 -> 1 (f 1, lowers nothing).  Pick 2: 2 and 5 tie -> 2 (f 5; 5
-- is now at |6 - 5| = 1).  Pick 3: 4 and 5 tie at 1 -> 4.  Then 5, 3.
-- Cold (labels ignored): the mean prediction 4.7 is nearest 5 (id 2);
-- then |f - 5|: 4, -, 2.5, 4, 1 -> 1; with 1: id 3 at 1.5 -> 4 (4);
-- then 3 (1.5), 5 (1).  Picks 2, 1, 4, 3, 5.
CREATE TABLE gy (id bigint, prediction double precision, label double precision);
INSERT INTO gy VALUES (1, 1, NULL), (2, 5, NULL), (3, 2.5, NULL), (4, 9, NULL), (5, 6, NULL),
	(NULL, NULL, 8), (100, 42, 3);
SELECT al.greedy_sampling_y(id, prediction, label, 5) AS gsy,
	al.greedy_sampling_y(id, prediction, label, 2) AS prefix_2,
	al.greedy_sampling_y(id, prediction, label, 100) AS k_above_rows,
	al.greedy_sampling_y(id, prediction, label, 5 ORDER BY id DESC NULLS FIRST) AS desc_order,
	al.greedy_sampling_y(id, prediction, label, 5) FILTER (WHERE label IS NULL) AS gsy_cold,
	al.greedy_sampling_y(id, prediction, label, 5) FILTER (WHERE label IS NOT NULL) AS only_labeled
FROM gy;

-- ---------------------------------------------------------------------------
-- iGS: farthest-first over distance x output distance
-- ---------------------------------------------------------------------------
-- labeled (0,0) with label 0; 1 A(1,0) f 1, 2 B(4,0) f .5, 3 C(0,3) f 2,
-- 4 D(2,2) f 0.  Products with the label: A 1, B 2, C 6, D 0 -> C.  With C
-- (f 2): A sqrt(10) * 1, B 5 * 1.5, D sqrt(5) * 2 lower nothing -> B.
-- With B (f .5): A 3 * .5, D sqrt(8) * .5 lower nothing -> A, D.
-- Picks 3, 2, 1, 4 (GSx: 2, 3, 4, 1).  Cold: the centroid (1.75, 1.25) is
-- nearest D; products with D: A sqrt(5), B sqrt(8) * .5, C sqrt(5) * 2 ->
-- C; with C nothing lowers -> A, B.  Picks 4, 3, 1, 2.
CREATE TABLE ig (id bigint, x double precision[], prediction double precision, label double precision);
INSERT INTO ig VALUES (NULL, '{0,0}', NULL, 0), (1, '{1,0}', 1, NULL), (2, '{4,0}', .5, NULL),
	(3, '{0,3}', 2, NULL), (4, '{2,2}', 0, NULL);
SELECT al.improved_greedy_sampling(id, x, prediction, label, 4) AS igs,
	al.greedy_sampling_x(id, x, 4, label IS NOT NULL) AS gsx,
	al.improved_greedy_sampling(id, x, prediction, label, 4) FILTER (WHERE label IS NULL) AS igs_cold,
	al.improved_greedy_sampling(id, x::real[], prediction, label, 2) AS real_features
FROM ig;

-- Independent GSy and iGS in plain SQL (recursive queries, double
-- precision) on a random pool: 70 candidates and 6 labeled rows in 2-D,
-- 12 picks; each pick's output is its prediction.
SELECT setseed(0.77);
CREATE TABLE gpool AS
SELECT i::bigint AS id, ARRAY[random(), random()] AS x, random() * 10 AS prediction,
	CASE WHEN i > 70 THEN random() * 10 END AS label
FROM generate_series(1, 76) i;
CREATE FUNCTION pg_temp.dist(a double precision[], b double precision[]) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
	SELECT sqrt(sum((a[i] - b[i]) ^ 2)) FROM generate_subscripts(a, 1) i
$$;
-- the reference rows: labeled ones with their label, picks with their prediction
WITH RECURSIVE gsy(picked, n) AS (
	SELECT ARRAY[]::bigint[], 0
	UNION ALL
	SELECT picked || (
		SELECT c.id FROM gpool c
		WHERE c.label IS NULL AND c.id <> ALL (picked)
		ORDER BY (SELECT min(abs(c.prediction - coalesce(o.label, o.prediction))) FROM gpool o
				  WHERE o.label IS NOT NULL OR o.id = ANY (picked)) DESC, c.id
		LIMIT 1), n + 1
	FROM gsy WHERE n < 12
)
SELECT (SELECT picked FROM gsy WHERE n = 12) = (SELECT al.greedy_sampling_y(id, prediction, label, 12) FROM gpool)
	AS gsy_equals_plain_sql;
WITH RECURSIVE igs(picked, n) AS (
	SELECT ARRAY[]::bigint[], 0
	UNION ALL
	SELECT picked || (
		SELECT c.id FROM gpool c
		WHERE c.label IS NULL AND c.id <> ALL (picked)
		ORDER BY (SELECT min(pg_temp.dist(c.x, o.x) * abs(c.prediction - coalesce(o.label, o.prediction)))
				  FROM gpool o WHERE o.label IS NOT NULL OR o.id = ANY (picked)) DESC, c.id
		LIMIT 1), n + 1
	FROM igs WHERE n < 12
)
SELECT (SELECT picked FROM igs WHERE n = 12) = (SELECT al.improved_greedy_sampling(id, x, prediction, label, 12) FROM gpool)
	AS igs_equals_plain_sql;
-- cold starts in plain SQL: GSy's first pick is the prediction nearest the
-- mean prediction, iGS's the row nearest the centroid
SELECT (SELECT id FROM gpool WHERE label IS NULL
		ORDER BY abs(prediction - (SELECT avg(prediction) FROM gpool WHERE label IS NULL)), id LIMIT 1)
	= (SELECT (al.greedy_sampling_y(id, prediction, label, 1))[1] FROM gpool WHERE label IS NULL) AS gsy_cold_first,
	(SELECT id FROM gpool WHERE label IS NULL
		ORDER BY pg_temp.dist(x, (SELECT ARRAY[avg(x[1]), avg(x[2])] FROM gpool WHERE label IS NULL)), id LIMIT 1)
	= (SELECT (al.improved_greedy_sampling(id, x, prediction, label, 1))[1] FROM gpool WHERE label IS NULL) AS igs_cold_first;
-- no combine function: never split across parallel workers (Aggregate above the Gather)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT al.improved_greedy_sampling(id, x, prediction, label, 12) FROM gpool;
SELECT al.improved_greedy_sampling(id, x, prediction, label, 12) = (SELECT al.improved_greedy_sampling(id, x, prediction, label, 12) FROM gpool)
	AS parallel_plan_same_picks FROM gpool;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- errors and NULLs
SELECT pg_temp.try($$SELECT al.greedy_sampling_y(id, prediction, label, 0) FROM gy$$) AS k_zero,
	pg_temp.try($$SELECT al.greedy_sampling_y(id, prediction, label, NULL) FROM gy$$) AS k_null,
	pg_temp.try($$SELECT al.greedy_sampling_y(id, prediction, label, (id % 2)::int + 1) FROM gy WHERE id < 10$$) AS k_changes,
	pg_temp.try($$SELECT al.greedy_sampling_y(NULL, 1, NULL, 1)$$) AS null_candidate_id,
	pg_temp.try($$SELECT al.greedy_sampling_y(7, NULL, NULL, 1)$$) AS null_prediction,
	pg_temp.try($$SELECT al.greedy_sampling_y(7, 'NaN', NULL, 1)$$) AS nan_prediction,
	pg_temp.try($$SELECT al.greedy_sampling_y(7, 1, 'Infinity', 1)$$) AS inf_label,
	pg_temp.try($$SELECT al.greedy_sampling_y(id, 1, NULL, 1) FROM (VALUES (3), (3)) v(id)$$) AS repeated_id;
SELECT pg_temp.try($$SELECT al.improved_greedy_sampling(7, '{1,2}', 1, NULL, -1)$$) AS k_negative,
	pg_temp.try($$SELECT al.improved_greedy_sampling(id, x, prediction, label, 2) FROM (VALUES (1, '{1,2}'::float8[], 1, NULL::float8), (2, '{1}', 1, NULL)) v(id, x, prediction, label)$$) AS dimension_mismatch,
	pg_temp.try($$SELECT al.improved_greedy_sampling(id, x, prediction, label, 2) FROM (VALUES (1, '{1,2}'::float8[], 1, NULL::float8), (NULL, '{1}', NULL, 3)) v(id, x, prediction, label)$$) AS labeled_dimension_mismatch,
	pg_temp.try($$SELECT al.improved_greedy_sampling(7, '{1,NaN}', 1, NULL, 1)$$) AS nan_feature,
	pg_temp.try($$SELECT al.improved_greedy_sampling(7, NULL, 1, NULL, 1)$$) AS null_features,
	pg_temp.try($$SELECT al.improved_greedy_sampling(7, '{}', 1, NULL, 1)$$) AS empty_features,
	pg_temp.try($$SELECT al.improved_greedy_sampling(7, '{{1},{2}}', 1, NULL, 1)$$) AS two_dimensions,
	pg_temp.try($$SELECT al.improved_greedy_sampling(NULL, '{1}', NULL, 'NaN', 1)$$) AS nan_label,
	pg_temp.try($$SELECT al.improved_greedy_sampling(7, '{1}', NULL, NULL, 1)$$) AS null_prediction;
-- no rows, or only labeled rows: NULL
SELECT al.greedy_sampling_y(id, prediction, label, 3) IS NULL AS gsy_no_rows,
	al.improved_greedy_sampling(NULL, '{1}', NULL, label, 3) IS NULL AS igs_no_rows
FROM gy WHERE false;
SELECT al.improved_greedy_sampling(NULL, '{1}', NULL, 1, 3) IS NULL AS only_labeled;

-- al_ext.selection_max_memory: a GSy row takes 8 (id) + 2 (flags) + 8
-- (prediction or label) + 72 (work) = 90 bytes: 64 kB hold 728 rows; an
-- iGS row with 2 features 98 bytes: 668 rows.
SET al_ext.selection_max_memory = '64kB';
SELECT pg_temp.try($$SELECT array_length(al.greedy_sampling_y(i, i, NULL, 3), 1) FROM generate_series(1, 728) i$$) AS gsy_728_rows,
	pg_temp.try($$SELECT array_length(al.greedy_sampling_y(i, i, NULL, 3), 1) FROM generate_series(1, 729) i$$) AS gsy_729_rows,
	pg_temp.try($$SELECT array_length(al.improved_greedy_sampling(i, ARRAY[i, 1], i, NULL, 3), 1) FROM generate_series(1, 668) i$$) AS igs_668_rows,
	pg_temp.try($$SELECT array_length(al.improved_greedy_sampling(i, ARRAY[i, 1], i, NULL, 3), 1) FROM generate_series(1, 669) i$$) AS igs_669_rows;
RESET al_ext.selection_max_memory;

DROP TABLE cmt, kc, gy, ig, gpool;
