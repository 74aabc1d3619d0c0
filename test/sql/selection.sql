-- Selection beyond top-k: al.kcenter, al.ranked_batch, al.badge,
-- al.balanced_top_k, al.epsilon_greedy, the density helpers and the
-- exploration keys.  Picks derived by hand (the derivations are in the
-- comments), the same picks recomputed by plain SQL written independently
-- (recursive queries in double precision), sampling frequencies against
-- their exact probabilities over many fixed seeds (chi-square bounds), and
-- every error with its SQLSTATE.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- ---------------------------------------------------------------------------
-- k-center
-- ---------------------------------------------------------------------------
-- Labeled (0,0); candidates 1 A(1,0), 2 B(4,0), 3 C(4,3), 4 D(0,5), 5 E(3,3).
-- Squared distances to (0,0): A 1, B 16, C 25, D 25, E 18.  C and D tie:
-- the lower id (3) wins.  With C: A 1, B min(16, 9) = 9, D min(25, 20) = 20,
-- E min(18, 1) = 1 -> D.  With D: B 9, A 1, E 1 -> B.  Then A and E tie at 1:
-- A (id 1), then E.  Picks 3, 4, 2, 1, 5 (by distance alone: 3, 4, 5, 2, 1).
CREATE TABLE kc (id bigint, x double precision[], labeled boolean);
INSERT INTO kc VALUES (NULL, '{0,0}', true), (1, '{1,0}', false), (2, '{4,0}', false),
	(3, '{4,3}', false), (4, '{0,5}', false), (5, '{3,3}', false);
SELECT al.kcenter(id, x, 5, labeled) AS by_hand,
	al.kcenter(id, x, 2, labeled) AS prefix_2,
	al.kcenter(id, x, 100, labeled) AS k_above_rows
FROM kc;
-- the same whatever order the rows come in
SELECT al.kcenter(id, x, 5, labeled ORDER BY id DESC NULLS FIRST) AS desc_order,
	al.kcenter(id, x, 5, labeled ORDER BY md5(x::text)) AS md5_order
FROM kc;
-- swap the ids of C and D: D now has the lower id and wins the tie at 25;
-- then C (min(25, 20)), B (min(16, 9)), A and E tie at 1 -> A: D C B A E
WITH swapped AS (
	SELECT CASE id WHEN 3 THEN 4 WHEN 4 THEN 3 ELSE id END AS id, x, labeled,
		(ARRAY['A', 'B', 'C', 'D', 'E'])[id] AS name
	FROM kc
)
SELECT string_agg(s.name, ' ' ORDER BY u.r) AS tie_to_lower_id
FROM unnest((SELECT al.kcenter(id, x, 5, labeled) FROM swapped)) WITH ORDINALITY u(id, r)
JOIN swapped s USING (id);
-- no labeled row: the first pick is the row nearest the centroid (2.4, 2.2):
-- squared distances A 6.8, B 7.4, C 3.2, D 13.6, E 1 -> E.  With E(3,3):
-- A 13, B 10, C 1, D 13 -> A (tie with D, lower id).  With A: B 9, C 1,
-- D 13 -> D.  Then B (9), C.  Picks 5, 1, 4, 2, 3.
SELECT al.kcenter(id, x, 5) AS cold_start FROM kc WHERE NOT labeled;
-- int ids and real[] features reach the bigint / double precision[] aggregate
SELECT al.kcenter(id::int, x::real[], 3, labeled) AS int_ids_real_features FROM kc;
-- nothing unlabeled, no rows: NULL (like al.top_k)
SELECT al.kcenter(id, x, 3, labeled) AS only_labeled FROM kc WHERE labeled;
SELECT al.kcenter(id, x, 3) AS no_rows FROM kc WHERE false;
-- labeled rows may repeat ids of candidates (they come from another table)
SELECT al.kcenter(id, x, 5, labeled) AS labeled_copy_of_a_candidate
FROM (SELECT * FROM kc UNION ALL SELECT 3, '{0,0}', true) t;

-- An independent greedy k-center in plain SQL (double precision distances)
-- on a random pool: 80 candidates and 6 labeled rows in 3-D, 15 picks.
SELECT setseed(0.42);
CREATE TABLE kpool AS
SELECT i::bigint AS id, ARRAY[random(), random(), random()] AS x, i > 80 AS labeled
FROM generate_series(1, 86) i;
CREATE FUNCTION pg_temp.sqdist(a double precision[], b double precision[]) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
	SELECT sum((a[i] - b[i]) ^ 2) FROM generate_subscripts(a, 1) i
$$;
WITH RECURSIVE greedy(picked, n) AS (
	SELECT ARRAY[]::bigint[], 0
	UNION ALL
	SELECT picked || (
		SELECT c.id FROM kpool c
		WHERE NOT c.labeled AND c.id <> ALL (picked)
		ORDER BY (SELECT min(pg_temp.sqdist(c.x, o.x)) FROM kpool o
				  WHERE o.labeled OR o.id = ANY (picked)) DESC, c.id
		LIMIT 1), n + 1
	FROM greedy WHERE n < 15
)
SELECT (SELECT picked FROM greedy WHERE n = 15) = (SELECT al.kcenter(id, x, 15, labeled) FROM kpool)
	AS kcenter_equals_plain_sql;

-- ---------------------------------------------------------------------------
-- ranked batch
-- ---------------------------------------------------------------------------
-- Labeled (0,0); 1 P0 (2,0) score .5, 2 P1 (0,4) .35, 3 P2 (1,0) .9,
-- 4 P3 (6,8) .1.  Similarities 1/(1 + distance): 1/3, 1/5, 1/2, 1/11.
-- alpha = 4/5: .8(1 - s) + .2 score = .633, .71, .58, .747 -> P3 (id 4).
-- alpha = 3/5: .6, .62, .66 -> P2 (id 3); P0 is now at distance 1 (s 1/2).
-- alpha = 2/5: P0 .4(.5) + .6(.5) = .5, P1 .4(.8) + .6(.35) = .53 -> P1.
-- Picks 4, 3, 2, 1 (top-k by score: 3, 1, 2, 4).
CREATE TABLE rb (id bigint, x double precision[], score double precision, labeled boolean);
INSERT INTO rb VALUES (NULL, '{0,0}', NULL, true), (1, '{2,0}', .5, false), (2, '{0,4}', .35, false),
	(3, '{1,0}', .9, false), (4, '{6,8}', .1, false);
SELECT al.ranked_batch(id, x, score, 4, labeled) AS by_hand,
	al.ranked_batch(id, x, score, 3, labeled) AS prefix_3,
	al.top_k(id, score, 4) FILTER (WHERE NOT labeled) AS plain_top_k
FROM rb;
-- no labeled row: first the row nearest the centroid (2.25, 3): P1 (6.06).
-- alpha = 3/4, distances to P1: P0 sqrt 20, P2 sqrt 17, P3 sqrt 52:
-- .738, .829, .684 -> P2.  alpha = 1/2: P0 (now at 1) .5, P3 .489 -> P0, P3.
-- Picks 2, 3, 1, 4.
SELECT al.ranked_batch(id, x, score, 4) AS cold_start FROM rb WHERE NOT labeled;
-- the scores of labeled rows are not used (NULL or NaN is fine there)
SELECT al.ranked_batch(id, x, CASE WHEN labeled THEN 'NaN' ELSE score END, 4, labeled) AS labeled_score_ignored
FROM rb;

-- An independent ranked batch in plain SQL on a random pool: 60 candidates
-- with random scores, 5 labeled rows in 2-D, 12 picks; alpha = (60 - t) / 65.
CREATE TABLE rpool AS
SELECT i::bigint AS id, ARRAY[random(), random()] AS x, random() AS score, i > 60 AS labeled
FROM generate_series(1, 65) i;
WITH RECURSIVE ranked(picked, n) AS (
	SELECT ARRAY[]::bigint[], 0
	UNION ALL
	SELECT picked || (
		SELECT c.id FROM rpool c
		WHERE NOT c.labeled AND c.id <> ALL (picked)
		ORDER BY (60.0 - n) / 65 * (1 - 1 / (1 + sqrt((SELECT min(pg_temp.sqdist(c.x, o.x)) FROM rpool o
												 WHERE o.labeled OR o.id = ANY (picked)))))
				 + (1 - (60.0 - n) / 65) * c.score DESC, c.id
		LIMIT 1), n + 1
	FROM ranked WHERE n < 12
)
SELECT (SELECT picked FROM ranked WHERE n = 12) = (SELECT al.ranked_batch(id, x, score, 12, labeled) FROM rpool)
	AS ranked_equals_plain_sql;

-- ---------------------------------------------------------------------------
-- BADGE
-- ---------------------------------------------------------------------------
-- Gradient embeddings g = (p - e_argmax) (x) (x, 1):
--   1 Q0 x (1,0) p [.9,.1]: |a|^2 .02, |b|^2 2, |g|^2 .04
--   2 Q1 x (0,2) p [.6,.4]: .32 x 5 = 1.6
--   3 Q2 x (2,2) p [.3,.7]: .18 x 9 = 1.62   <- the largest: first pick
--   4 Q3 x (0,0) p [.5,.5]: .5 x 1 = .5
-- Squared distances to Q2 (|g_i|^2 + 1.62 - 2 (a_i.a_2)(b_i.b_2)):
--   Q0 .04 + 1.62 + 2(.06)(3) = 2.02, Q1 1.6 + 1.62 + 2(.24)(5) = 5.62,
--   Q3 .5 + 1.62 + 2(.3)(1) = 2.72: the second pick is Q0, Q1, Q3 with
--   probabilities 2.02, 5.62, 2.72 over 10.36.
CREATE TABLE bq (id bigint, x double precision[], p al.probvec);
INSERT INTO bq VALUES (1, '{1,0}', '[0.9,0.1]'), (2, '{0,2}', '[0.6,0.4]'),
	(3, '{2,2}', '[0.3,0.7]'), (4, '{0,0}', '[0.5,0.5]');
CREATE TEMP TABLE badge_runs AS
SELECT s AS seed, (SELECT al.badge(id, x, p, 4, s) FROM bq) AS picks
FROM generate_series(1, 3000) s;
SELECT bool_and(picks[1] = 3) AS first_is_q2_for_every_seed,
	bool_and(picks @> ARRAY[1, 2, 3, 4]::bigint[]) AS all_four_picked
FROM badge_runs;
-- chi-square with 2 degrees of freedom: P(> 13.82) = 0.001
WITH expected(id, prob) AS (VALUES (1, 2.02 / 10.36), (2, 5.62 / 10.36), (4, 2.72 / 10.36)),
observed AS (SELECT picks[2] AS id, count(*) AS n FROM badge_runs GROUP BY 1)
SELECT sum((coalesce(o.n, 0) - 3000 * e.prob) ^ 2 / (3000 * e.prob)) < 13.82 AS second_pick_matches_d2,
	(SELECT count(*) FROM observed WHERE id = 3) AS q2_again
FROM expected e LEFT JOIN observed o USING (id);
-- the same seed gives the same picks, whatever the row order
SELECT al.badge(id, x, p, 4, 7) = al.badge(id, x, p, 4, 7 ORDER BY id DESC) AS order_independent,
	al.badge(id, x, p, 2, 7) = (al.badge(id, x, p, 4, 7))[1:2] AS prefix
FROM bq;
-- duplicates: 1, 2, 3 are the same row (|g|^2 1.5), 4 differs (|g|^2 .8):
-- first 1 (largest, lowest id), then 4 (2 and 3 are at distance 0) for
-- every seed; then 2 or 3 uniformly (every distance is 0)
SELECT count(*) FILTER (WHERE picks[1:2] = '{1,4}') AS first_two_fixed,
	count(*) FILTER (WHERE picks[3] = 2) > 60 AND count(*) FILTER (WHERE picks[3] = 3) > 60 AS third_uniform
FROM (SELECT (SELECT al.badge(id, x, p, 4, s)
			  FROM (VALUES (1, '{1,1}'::float8[], '[0.5,0.5]'::al.probvec), (2, '{1,1}', '[0.5,0.5]'),
						   (3, '{1,1}', '[0.5,0.5]'), (4, '{3,0}', '[0.8,0.2]')) v(id, x, p)) AS picks
	  FROM generate_series(1, 200) s) t;

-- ---------------------------------------------------------------------------
-- class-balanced top-k
-- ---------------------------------------------------------------------------
-- (id, score, class): 1 .9 A, 2 .8 A, 3 .7 A, 4 .6 B, 5 .5 A, 6 .4 C, 7 .3 B;
-- cap .5: a prefix of r picks holds at most ceil(r / 2) of a class.
-- r=1: 1.  r=2 (A full): 4.  r=3: 2.  r=4 (A full, B has 1): 6 (.4 > .3).
-- r=5: 3.  r=6 (A full): 7.  r=7: 5.  Picks 1, 4, 2, 6, 3, 7, 5.
CREATE TABLE bal (id bigint, score double precision, p al.probvec);
INSERT INTO bal VALUES (1, .9, '[0.8,0.1,0.1]'), (2, .8, '[0.7,0.2,0.1]'), (3, .7, '[0.6,0.2,0.2]'),
	(4, .6, '[0.1,0.8,0.1]'), (5, .5, '[0.5,0.3,0.2]'), (6, .4, '[0.1,0.1,0.8]'), (7, .3, '[0.2,0.7,0.1]');
SELECT al.balanced_top_k(id, score, p, 7, 0.5) AS by_hand,
	al.balanced_top_k(id, score, p, 7, 1) = al.top_k(id, score, 7) AS cap_1_is_top_k,
	al.balanced_top_k(id, score, p, 3, 0.5) AS prefix_3
FROM bal;
-- one class only: the cap is relaxed, the order is top-k
SELECT al.balanced_top_k(id, score, '[1,0]', 7, 0.3) AS single_class FROM bal;
-- 350 rows: class 1 holds the 200 best, classes 2..16 ten rows each; cap .07
-- over 100 picks (0.07 * 100 is 7.000000000000001 in double: still 7).
-- Every prefix r holds at most ceil(7 r / 100) of each class (checked in
-- integer arithmetic), class 1 exactly 7 of the 100.
CREATE TABLE bal350 AS
SELECT i::bigint AS id, (1000 - i)::float8 AS score,
	(SELECT array_agg(CASE WHEN c = CASE WHEN i <= 200 THEN 1 ELSE 2 + (i - 201) % 15 END THEN 1 ELSE 0 END
					  ORDER BY c)::float8[]::al.probvec FROM generate_series(1, 16) c) AS p
FROM generate_series(1, 350) i;
WITH picks AS (
	SELECT u.id, u.r, al.argmax(b.p) AS cls
	FROM unnest((SELECT al.balanced_top_k(id, score, p, 100, 0.07) FROM bal350)) WITH ORDINALITY u(id, r)
	JOIN bal350 b USING (id)
), running AS (
	SELECT r, cls, count(*) OVER (PARTITION BY cls ORDER BY r) AS n FROM picks
)
SELECT bool_and(n <= (7 * r + 99) / 100) AS every_prefix_capped,
	(SELECT count(*) FROM picks WHERE cls = 1) AS class_1_picks,
	(SELECT count(*) FROM picks) AS picks
FROM running;

-- ---------------------------------------------------------------------------
-- epsilon-greedy
-- ---------------------------------------------------------------------------
SELECT al.epsilon_greedy(id, score, 7, 0, 1) = al.top_k(id, score, 7) AS epsilon_0_is_top_k FROM bal;
-- epsilon 1: the first pick is uniform over the 7 rows (chi-square, 6 degrees
-- of freedom: P(> 22.46) = 0.001); epsilon .5: the best row comes first with
-- probability .5 + .5 / 7 = .5714 (sd over 7000 seeds: .0059)
CREATE TEMP TABLE eps_runs AS
SELECT s, (SELECT al.epsilon_greedy(id, score, 7, 1, s) FROM bal) AS all_random,
	(SELECT al.epsilon_greedy(id, score, 1, 0.5, s) FROM bal) AS half
FROM generate_series(1, 7000) s;
SELECT sum((n - 1000.0) ^ 2 / 1000) < 22.46 AS first_pick_uniform
FROM (SELECT all_random[1], count(*) AS n FROM eps_runs GROUP BY 1) t;
SELECT abs(avg((half[1] = 1)::int) - (0.5 + 0.5 / 7)) < 4 * 0.0059 AS best_first_rate,
	bool_and(all_random @> ARRAY[1, 2, 3, 4, 5, 6, 7]::bigint[]) AS permutations
FROM eps_runs;

-- ---------------------------------------------------------------------------
-- information density
-- ---------------------------------------------------------------------------
-- cosine: al.cosine_density(x, al.mean_direction(pool)) against the O(n^2)
-- mean of cosine similarities in plain SQL (a zero vector has similarity 0
-- with everything; the density is clamped at 0)
CREATE TABLE dpool AS
SELECT i::bigint AS id, CASE WHEN i = 7 THEN ARRAY[0, 0, 0]::float8[]
	ELSE ARRAY[random() - 0.2, random() - 0.5, random() - 0.5] END AS x
FROM generate_series(1, 40) i;
CREATE FUNCTION pg_temp.cosine(a double precision[], b double precision[]) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN na = 0 OR nb = 0 THEN 0 ELSE dot / sqrt(na * nb) END
	FROM (SELECT sum(a[i] * b[i]) AS dot, sum(a[i] ^ 2) AS na, sum(b[i] ^ 2) AS nb
		  FROM generate_subscripts(a, 1) i) s
$$;
WITH dir AS (SELECT al.mean_direction(x) AS m FROM dpool),
direct AS (SELECT a.id, greatest(0, avg(pg_temp.cosine(a.x, b.x))) AS v
		   FROM dpool a, dpool b GROUP BY a.id)
SELECT max(abs(al.cosine_density(p.x, dir.m) - direct.v)) < 1e-6 AS cosine_equals_n2,
	count(*) FILTER (WHERE al.cosine_density(p.x, dir.m) = 0) AS zero_densities
FROM dpool p JOIN direct USING (id), dir;
-- euclidean: against a sample of 10 of the rows, mean of 1 / (1 + distance)
-- (the features are rounded to real; a row's distance to itself is 0)
WITH sample AS (SELECT array_agg(x ORDER BY id) AS s FROM dpool WHERE id % 4 = 0),
direct AS (SELECT a.id, avg(1 / (1 + sqrt(pg_temp.sqdist(a.x, b.x)))) AS v
		   FROM dpool a, dpool b WHERE b.id % 4 = 0 GROUP BY a.id)
SELECT max(abs(al.euclidean_density(p.x, sample.s) - direct.v)) < 1e-6 AS euclidean_equals_direct
FROM dpool p JOIN direct USING (id), sample;
-- by hand: (0,0) against {(3,4), (0,0)}: (1/6 + 1) / 2 = 7/12
SELECT round(al.euclidean_density('{0,0}', '{{3,4},{0,0}}')::numeric, 12) AS seven_twelfths,
	round((7.0 / 12)::numeric, 12) AS want;
-- (1,0) and (0,1) and (1,1): directions (1,0), (0,1), (.7071,.7071); mean
-- (.5690, .5690); the density of (1,0) is .5690 = (1 + 0 + .7071) / 3
SELECT round(al.cosine_density('{1,0}', (SELECT al.mean_direction(x) FROM (VALUES ('{1,0}'::float8[]), ('{0,1}'), ('{1,1}')) v(x)))::numeric, 6) AS cos_by_hand,
	round(((1 + 0 + sqrt(0.5)) / 3)::numeric, 6) AS want;
SELECT al.information_density(0.8, 0.25, 2) AS id_08_025_2, al.information_density(0.8, 0, 0) AS zero_pow_zero;
-- NULL rows are skipped by al.mean_direction; no row gives NULL
SELECT al.mean_direction(x) AS with_null_row FROM (VALUES ('{2,0}'::float8[]), (NULL)) v(x);
SELECT al.mean_direction(x) AS no_rows FROM dpool WHERE false;
-- parallel: partial states combine to the serial result
CREATE TABLE dbig AS SELECT i AS id, ARRAY[sin(i), cos(i * 0.7), 1]::float8[] AS x FROM generate_series(1, 20000) i;
ANALYZE dbig;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT al.mean_direction(x) FROM dbig;
CREATE TEMP TABLE dpar AS SELECT al.mean_direction(x) AS m FROM dbig;
-- the selection aggregates are never split: Aggregate above Gather
EXPLAIN (COSTS OFF) SELECT al.kcenter(id, x, 3) FROM dbig;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT max(abs(a - b)) < 1e-12 AS parallel_equals_serial
FROM (SELECT unnest(m) AS a, unnest((SELECT al.mean_direction(x) FROM dbig)) AS b FROM dpar) t;
RESET max_parallel_workers_per_gather;

-- ---------------------------------------------------------------------------
-- exploration keys
-- ---------------------------------------------------------------------------
-- four ids with scores 1, 2, .5, 0 at temperature .5: over 20,000 seeds the
-- id of the largest key follows softmax(score / .5) and the second largest
-- the Plackett-Luce law sum_i P(i) P(j) / (1 - P(i)) (chi-square, 3 degrees
-- of freedom: P(> 16.27) = 0.001)
CREATE TABLE gk (id bigint, score double precision);
INSERT INTO gk VALUES (1, 1), (2, 2), (3, 0.5), (4, 0);
CREATE TEMP TABLE gk_prob AS
SELECT id, exp(score / 0.5) / (SELECT sum(exp(score / 0.5)) FROM gk) AS p FROM gk;
CREATE TEMP TABLE gk_ranked AS
SELECT s, id, row_number() OVER (PARTITION BY s ORDER BY al.gumbel_key(score, 0.5, s, id) DESC) AS r
FROM gk, generate_series(1, 20000) s;
WITH second(id, p) AS (
	SELECT j.id, sum(i.p * j.p / (1 - i.p)) FROM gk_prob i, gk_prob j WHERE i.id <> j.id GROUP BY j.id
)
SELECT (SELECT sum((n - 20000 * p) ^ 2 / (20000 * p)) FROM gk_prob
		JOIN (SELECT id, count(*) AS n FROM gk_ranked WHERE r = 1 GROUP BY id) o USING (id)) < 16.27 AS first_softmax,
	(SELECT sum((n - 20000 * p) ^ 2 / (20000 * p)) FROM second
		JOIN (SELECT id, count(*) AS n FROM gk_ranked WHERE r = 2 GROUP BY id) o USING (id)) < 16.27 AS second_plackett_luce;
-- power keys: scores 1, 2, .5, 0 with power 2: probabilities 1, 4, .25, 0
-- over 5.25 (chi-square over the three possible ids, 2 degrees of freedom:
-- P(> 13.82) = 0.001); a zero score is never first
WITH firsts AS (
	SELECT DISTINCT ON (s) s, id FROM gk, generate_series(1, 20000) s
	ORDER BY s, al.gumbel_power_key(score, 2, s, id) DESC
), observed AS (SELECT id, count(*) AS n FROM firsts GROUP BY id)
SELECT sum((coalesce(n, 0) - 20000 * w / 5.25) ^ 2 / (20000 * w / 5.25)) FILTER (WHERE w > 0) < 13.82 AS power_matches,
	coalesce(sum(n) FILTER (WHERE w = 0), 0) AS zero_score_first
FROM (SELECT id, score ^ 2 AS w FROM gk) g LEFT JOIN observed USING (id);
-- a key depends on (score, temperature, seed, id) only
SELECT al.gumbel_key(0.3, 1, 42, 7) = al.gumbel_key(0.3, 1, 42, 7) AS same_key,
	al.gumbel_key(0.3, 1, 42, 7) <> al.gumbel_key(0.3, 1, 43, 7) AS other_seed,
	al.gumbel_key(0.3, 1, 42, 'a'::text) = al.gumbel_key(0.3, 1, 42, 'a'::text) AS text_ids,
	al.gumbel_key(0.3, 1, 42, '00000000-0000-0000-0000-000000000001'::uuid)
		<> al.gumbel_key(0.3, 1, 42, '00000000-0000-0000-0000-000000000002'::uuid) AS uuid_ids,
	al.gumbel_power_key(0, 1, 1, 1) AS zero_score_power_key,
	al.gumbel_power_key(5, 0, 1, 1) = al.gumbel_power_key(1, 0, 1, 1) AS power_0_uniform;

-- ---------------------------------------------------------------------------
-- errors
-- ---------------------------------------------------------------------------
SELECT pg_temp.try($$SELECT al.kcenter(id, x, NULL) FROM kc WHERE NOT labeled$$) AS k_null;
SELECT pg_temp.try($$SELECT al.kcenter(id, x, 0) FROM kc WHERE NOT labeled$$) AS k_zero;
SELECT pg_temp.try($$SELECT al.kcenter(id, x, id::int) FROM kc WHERE NOT labeled$$) AS k_changes;
SELECT pg_temp.try($$SELECT al.kcenter(id, x, 2) FROM (VALUES (1, '{1,2}'::float8[]), (2, '{1,2,3}')) v(id, x)$$) AS dimension_mismatch;
SELECT pg_temp.try($$SELECT al.kcenter(id, x, 2) FROM (VALUES (1, '{1,2}'::float8[]), (2, NULL)) v(id, x)$$) AS null_features;
SELECT pg_temp.try($$SELECT al.kcenter(id, x, 2, true) FROM (VALUES (NULL::bigint, NULL::float8[])) v(id, x)$$) AS null_labeled_features;
SELECT pg_temp.try($$SELECT al.kcenter(1, '{1,NULL}', 2)$$) AS null_element;
SELECT pg_temp.try($$SELECT al.kcenter(1, '{1,NaN}', 2)$$) AS nan_feature;
SELECT pg_temp.try($$SELECT al.kcenter(1, '{-Infinity,1}', 2)$$) AS infinite_feature;
SELECT pg_temp.try($$SELECT al.kcenter(1, '{1e300,1}', 2)$$) AS beyond_real;
SELECT pg_temp.try($$SELECT al.kcenter(1, '{}', 2)$$) AS empty_features;
SELECT pg_temp.try($$SELECT al.kcenter(1, '{{1,2},{3,4}}', 2)$$) AS two_dimensional_features;
SELECT pg_temp.try($$SELECT al.kcenter(id, x, 2) FROM (VALUES (1, '{1e16,0}'::float8[]), (2, '{0,0}')) v(id, x)$$) AS features_too_large;
SELECT pg_temp.try($$SELECT al.kcenter(id, x, 2, l) FROM (VALUES (1, '{0,0}'::float8[], false), (NULL, '{3e15,3e15}', true)) v(id, x, l)$$) AS labeled_too_large;
SELECT pg_temp.try($$SELECT al.kcenter(NULL, '{1,2}', 2)$$) AS null_id;
SELECT pg_temp.try($$SELECT al.kcenter(1, '{1,2}', 2, NULL)$$) AS null_labeled;
SELECT pg_temp.try($$SELECT al.kcenter(id, x, 2) FROM (VALUES (5, '{1,2}'::float8[]), (5, '{3,4}')) v(id, x)$$) AS duplicate_id;
SELECT pg_temp.try($$SELECT al.ranked_batch(1, '{1,2}', NULL, 2)$$) AS null_score;
SELECT pg_temp.try($$SELECT al.ranked_batch(1, '{1,2}', 'NaN', 2)$$) AS nan_score;
SELECT pg_temp.try($$SELECT al.ranked_batch(1, '{1,2}', '-Infinity', 2, false)$$) AS infinite_score;
SELECT pg_temp.try($$SELECT al.badge(1, '{1,2}', NULL, 2, 1)$$) AS null_probabilities;
SELECT pg_temp.try($$SELECT al.badge(id, '{1,2}', p, 2, 1) FROM (VALUES (1, '[0.5,0.5]'::al.probvec), (2, '[0.2,0.3,0.5]')) v(id, p)$$) AS class_mismatch;
SELECT pg_temp.try($$SELECT al.badge(1, '{1,2}', '[0.5,0.5]', 2, NULL)$$) AS null_seed;
SELECT pg_temp.try($$SELECT al.badge(id, '{1,2}', '[0.5,0.5]', 2, id) FROM generate_series(1, 2) id$$) AS seed_changes;
SELECT pg_temp.try($$SELECT al.balanced_top_k(1, 0.5, '[0.5,0.5]', 2, 0)$$) AS cap_zero;
SELECT pg_temp.try($$SELECT al.balanced_top_k(1, 0.5, '[0.5,0.5]', 2, 1.5)$$) AS cap_above_1;
SELECT pg_temp.try($$SELECT al.balanced_top_k(1, 0.5, '[0.5,0.5]', 2, 'NaN')$$) AS cap_nan;
SELECT pg_temp.try($$SELECT al.balanced_top_k(1, 0.5, '[0.5,0.5]', 2, NULL)$$) AS cap_null;
SELECT pg_temp.try($$SELECT al.balanced_top_k(id, 0.5, '[0.5,0.5]', 2, 1.0 / id) FROM generate_series(1, 2) id$$) AS cap_changes;
SELECT pg_temp.try($$SELECT al.epsilon_greedy(1, 0.5, 2, -0.1, 1)$$) AS epsilon_negative;
SELECT pg_temp.try($$SELECT al.epsilon_greedy(1, 0.5, 2, 1.1, 1)$$) AS epsilon_above_1;
SELECT pg_temp.try($$SELECT al.cosine_density('{1,2}', '{1,0,0}')$$) AS cosine_mismatch;
SELECT pg_temp.try($$SELECT al.cosine_density('{1,2}', '{1,1}')$$) AS direction_norm_above_1;
SELECT pg_temp.try($$SELECT al.cosine_density('{1,2}', '{NaN,0}')$$) AS direction_nan;
SELECT pg_temp.try($$SELECT al.mean_direction(x) FROM (VALUES ('{1,2}'::float8[]), ('{1}')) v(x)$$) AS direction_rows_mismatch;
SELECT pg_temp.try($$SELECT al.mean_direction_final('{1}')$$) AS bad_direction_state;
SELECT pg_temp.try($$SELECT al.euclidean_density('{1,2}', '{1,2}')$$) AS sample_one_dimensional;
SELECT pg_temp.try($$SELECT al.euclidean_density('{1,2}', '{{1,2,3}}')$$) AS sample_mismatch;
SELECT pg_temp.try($$SELECT al.euclidean_density('{1,2}', '{{1,NULL}}')$$) AS sample_null;
-- squares past 1e30 (the kernels' bound on a row's norm): the row, then a sample row
SELECT pg_temp.try($$SELECT al.euclidean_density('{1e30,0}', '{{1,2}}')$$) AS row_too_large,
	pg_temp.try($$SELECT al.euclidean_density('{1,2}', '{{1,2},{-1e30,0}}')$$) AS sample_row_too_large;
SELECT pg_temp.try($$SELECT al.euclidean_density('{1,2}', '{{1,2},{3,Infinity}}')$$) AS sample_infinite;
SELECT pg_temp.try($$SELECT al.information_density(-0.1, 0.5, 1)$$) AS negative_score;
SELECT pg_temp.try($$SELECT al.information_density(0.5, 1.5, 1)$$) AS density_above_1;
SELECT pg_temp.try($$SELECT al.information_density(0.5, 0.5, -1)$$) AS negative_beta;
SELECT pg_temp.try($$SELECT al.information_density('NaN', 0.5, 1)$$) AS nan_density_score;
SELECT pg_temp.try($$SELECT al.gumbel_key(1, 0, 1, 1)$$) AS temperature_zero;
SELECT pg_temp.try($$SELECT al.gumbel_key(1e308, 1e-10, 1, 1)$$) AS key_overflow;
SELECT pg_temp.try($$SELECT al.gumbel_key('NaN', 1, 1, 1)$$) AS key_nan_score;
SELECT pg_temp.try($$SELECT al.gumbel_power_key(-1, 1, 1, 1)$$) AS power_negative_score;
SELECT pg_temp.try($$SELECT al.gumbel_power_key(1, -1, 1, 1)$$) AS power_negative;

-- ---------------------------------------------------------------------------
-- the examples of README.md, as written there, over a small pool: 40 items
-- in 2-D, the first 5 labeled
-- ---------------------------------------------------------------------------
CREATE TABLE pool AS
SELECT i::bigint AS id, ARRAY[sin(i * 1.7), cos(i * 0.9)]::real[] AS x,
	al.softmax(ARRAY[sin(i * 0.7), cos(i * 1.3), sin(i * 2.9)]) AS p, i <= 5 AS labeled
FROM generate_series(1, 40) i;
SELECT al.kcenter(id, x, 20, labeled) FROM pool;          -- x real[] or double precision[]
SELECT al.kcenter(id, x, 20) FROM pool WHERE NOT labeled; -- nothing labeled: starts near the centroid
SELECT al.ranked_batch(id, x, al.least_confidence(p), 20, labeled) FROM pool;
SELECT al.badge(id, x, p, 20, 42) FROM pool WHERE NOT labeled;
SELECT al.balanced_top_k(id, al.margin_confidence(p), p, 20, 0.5) FROM pool;
SELECT al.epsilon_greedy(id, al.entropy(p), 20, 0.1, 42) FROM pool;
SELECT id FROM pool ORDER BY al.gumbel_key(al.entropy(p), 0.5, 42, id) DESC LIMIT 20;
SELECT id FROM pool ORDER BY al.gumbel_power_key(al.entropy(p), 2, 42, id) DESC LIMIT 20; -- ~ score^2
WITH d AS (SELECT al.mean_direction(x) AS m FROM pool)          -- one pass, parallel
SELECT al.top_k(id, al.information_density(al.entropy(p), al.cosine_density(x, d.m), 1), 20)
FROM pool, d;
-- (one row per item: counted here)
SELECT count(*) AS rows, bool_and(euclidean_density > 0 AND euclidean_density <= 1) AS in_0_1 FROM (
WITH s AS (SELECT array_agg(x) AS rows FROM pool TABLESAMPLE BERNOULLI (1) REPEATABLE (42))
SELECT id, al.euclidean_density(x, s.rows) FROM pool, s        -- mean 1 / (1 + distance) to a sample
) t;
DROP TABLE pool;

-- ---------------------------------------------------------------------------
-- al.balanced_top_k and al.epsilon_greedy split across parallel workers:
-- they keep only the rows they can pick (pruned once they hold 1,024 rows
-- here), so 10,000 rows go through many prunes and combines
-- ---------------------------------------------------------------------------
-- scores with 32 distinct values (ties broken by id), classes 1, 2, 3 for
-- about 5/8, 2/8 and 1/8 of the rows
CREATE TABLE sbig AS
SELECT i::bigint AS id, ((hashint8(i) & 1023) / 32)::float8 AS score,
	(CASE WHEN (hashint8(i * 7) & 7) < 5 THEN '[0.8,0.1,0.1]'
		  WHEN (hashint8(i * 7) & 7) < 7 THEN '[0.1,0.8,0.1]'
		  ELSE '[0.1,0.1,0.8]' END)::al.probvec AS p
FROM generate_series(1, 10000) i;
ANALYZE sbig;
SELECT count(DISTINCT score) AS scores, count(*) FILTER (WHERE al.argmax(p) = 1) AS class_1,
	count(*) FILTER (WHERE al.argmax(p) = 2) AS class_2, count(*) FILTER (WHERE al.argmax(p) = 3) AS class_3
FROM sbig;
-- The class-balanced rule in plain SQL, written independently: pick r + 1
-- is the best row (score, then id) among the classes with fewer than
-- ceil(0.4 (r + 1)) picks, else the best row left; 40 picks.
CREATE TABLE sbig_balanced_ref AS
WITH RECURSIVE b(picked, counts, r) AS (
	SELECT '{}'::bigint[], '{0,0,0}'::int[], 0
	UNION ALL
	SELECT b.picked || n.id, b.counts[:n.c - 1] || (b.counts[n.c] + 1) || b.counts[n.c + 1:], b.r + 1
	FROM b, LATERAL (
		SELECT s.id, al.argmax(s.p) AS c FROM sbig s
		WHERE s.id <> ALL (b.picked)
		ORDER BY b.counts[al.argmax(s.p)] >= greatest(1, ceil(0.4 * (b.r + 1) * (1 - 1e-9))), s.score DESC, s.id
		LIMIT 1) n
	WHERE b.r < 40
)
SELECT picked FROM b WHERE r = 40;
-- a query of both aggregates, against their references: epsilon 1 is the
-- order of the keys, which al.gumbel_key(0, 1, seed, id) gives too (a
-- Gumbel draw of the same uniform); epsilon 0 is al.top_k
CREATE VIEW split_checks AS
SELECT al.balanced_top_k(id, score, p, 40, 0.4) = (SELECT picked FROM sbig_balanced_ref) AS balanced_as_plain_sql,
	al.balanced_top_k(id, score, p, 40, 1) = al.top_k(id, score, 40) AS cap_1_is_top_k,
	al.epsilon_greedy(id, score, 40, 1, 7)
		= (SELECT (array_agg(id ORDER BY al.gumbel_key(0, 1, 7, id) DESC))[1:40] FROM sbig) AS epsilon_1_is_key_order,
	al.epsilon_greedy(id, score, 40, 0, 7) = al.top_k(id, score, 40) AS epsilon_0_is_top_k,
	al.epsilon_greedy(id, score, 40, 0.3, 7) AS epsilon_03,
	al.balanced_top_k(id, score, p, 3000, 0.5) AS balanced_3000
FROM sbig;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE split_serial AS SELECT * FROM split_checks;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT al.balanced_top_k(id, score, p, 40, 0.4), al.epsilon_greedy(id, score, 40, 0.3, 7) FROM sbig;
CREATE FUNCTION pg_temp.workers_launched(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF) ' || q INTO plan;
	RETURN plan::text ~ '"Workers Launched": [1-9]';
END $$;
SELECT pg_temp.workers_launched('SELECT * FROM split_checks') AS parallel;
CREATE TEMP TABLE split_parallel AS SELECT * FROM split_checks;
SELECT s.balanced_as_plain_sql, s.cap_1_is_top_k, s.epsilon_1_is_key_order, s.epsilon_0_is_top_k,
	p.balanced_as_plain_sql AS parallel_balanced_as_plain_sql, p.cap_1_is_top_k AS parallel_cap_1,
	p.epsilon_1_is_key_order AS parallel_epsilon_1, p.epsilon_0_is_top_k AS parallel_epsilon_0,
	p.epsilon_03 = s.epsilon_03 AS epsilon_03_parallel_equals_serial,
	p.balanced_3000 = s.balanced_3000 AS balanced_3000_parallel_equals_serial,
	array_length(s.epsilon_03, 1) AS n_epsilon, array_length(s.balanced_3000, 1) AS n_balanced
FROM split_serial s, split_parallel p;
-- the settings must agree between the workers' states too (the error comes
-- from a worker's rows or from combining two states: the message says
-- which, the SQLSTATE is the same)
SELECT pg_temp.try($$SELECT al.epsilon_greedy(id, score, CASE WHEN id <= 5000 THEN 10 ELSE 11 END, 0.3, 7) FROM sbig$$) AS k_changes_parallel;
SELECT pg_temp.try($q$SELECT al.balanced_top_k(id, score, CASE WHEN id <= 5000 THEN '[0.5,0.5]' ELSE '[0.2,0.3,0.5]' END::al.probvec, 10, 0.5) FROM sbig$q$)
	~ '^2202E: (probabilities have [23] classes in some rows and [23] in others|probabilities of id [0-9]+ have [23] classes, earlier rows have [23])$'
	AS classes_change_parallel;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
-- as window functions over a growing frame (the final function runs after
-- each row, then more rows come: its sorting and the pruning keep the same
-- rows), against the aggregate over each prefix
WITH w AS (
	SELECT id, al.balanced_top_k(id, score, p, 5, 0.4) OVER (ORDER BY id) AS b,
		al.epsilon_greedy(id, score, 5, 0.3, 7) OVER (ORDER BY id) AS e,
		al.kcenter(id, ARRAY[score, id % 7], 3) OVER (ORDER BY id) AS kc
	FROM sbig WHERE id <= 3000
)
SELECT count(*) AS prefixes_checked,
	bool_and(b = (SELECT al.balanced_top_k(s.id, s.score, s.p, 5, 0.4) FROM sbig s WHERE s.id <= w.id)) AS balanced_running,
	bool_and(e = (SELECT al.epsilon_greedy(s.id, s.score, 5, 0.3, 7) FROM sbig s WHERE s.id <= w.id)) AS epsilon_running,
	bool_and(kc = (SELECT al.kcenter(s.id, ARRAY[s.score, s.id % 7], 3) FROM sbig s WHERE s.id <= w.id)) AS kcenter_running
FROM w WHERE id % 250 = 0 OR id IN (1, 2, 3);
-- an id given twice counts as two rows (these aggregates cannot see every
-- id: like al.top_k); the other three refuse it (below)
SELECT al.balanced_top_k(id, score, p, 4, 1) AS balanced_twice, al.epsilon_greedy(id, score, 4, 0, 1) AS epsilon_twice
FROM (VALUES (1, 0.9, '[0.8,0.2]'::al.probvec), (1, 0.8, '[0.2,0.8]'), (2, 0.5, '[0.8,0.2]')) v(id, score, p);
DROP VIEW split_checks;
DROP TABLE sbig, sbig_balanced_ref;

-- ---------------------------------------------------------------------------
-- k above the rows: every aggregate returns all its candidates, in its order
-- ---------------------------------------------------------------------------
SELECT (SELECT al.ranked_batch(id, x, score, 100, labeled) FROM rb) AS ranked_all,
	(SELECT al.badge(id, x, p, 100, 7) FROM bq) @> '{1,2,3,4}' AS badge_all,
	(SELECT array_length(al.badge(id, x, p, 100, 7), 1) FROM bq) AS badge_length,
	(SELECT al.balanced_top_k(id, score, p, 100, 0.5) FROM bal) AS balanced_all,
	(SELECT al.epsilon_greedy(id, score, 100, 0, 1) FROM bal) AS epsilon_all;

-- ---------------------------------------------------------------------------
-- bounded memory and cancellation
-- ---------------------------------------------------------------------------
-- al_ext.selection_max_memory bounds what an aggregate holds: a row of
-- al.kcenter with 10 features takes 8 (id) + 2 (flags) + 40 (features) +
-- 72 (the final function's work) = 122 bytes, so 64 kB hold 65536 / 122 =
-- 537 rows and the 538th is refused (53400).
SET al_ext.selection_max_memory = '64kB';
SELECT pg_temp.try($$SELECT array_length(al.kcenter(i, array_fill(i::float8, ARRAY[10]), 3), 1) FROM generate_series(1, 537) i$$) AS kcenter_537_rows;
SELECT pg_temp.try($$SELECT array_length(al.kcenter(i, array_fill(i::float8, ARRAY[10]), 3), 1) FROM generate_series(1, 538) i$$) AS kcenter_538_rows;
-- al.balanced_top_k keeps only the rows it can pick: 100,000 rows of 3
-- classes with k = 3 pass (it keeps 9).  With k = 1000 it may need 3,000:
-- at 8 + 2 + 8 (score) + 4 (class) + 72 = 94 bytes a row 697 fit, and the
-- 698th is refused.  al.epsilon_greedy (8 more for its key: 98 bytes, 668
-- rows) keeps the 1,000 best scores and 1,000 largest keys.
SELECT pg_temp.try($$SELECT al.balanced_top_k(i, i, (ARRAY['[0.2,0.3,0.5]', '[0.5,0.3,0.2]'])[i % 2 + 1]::al.probvec, 3, 0.5) FROM generate_series(1, 100000) i$$) AS balanced_100000_rows_k_3;
SELECT pg_temp.try($$SELECT al.epsilon_greedy(i, i, 3, 0, 1) FROM generate_series(1, 100000) i$$) AS epsilon_100000_rows_k_3;
SELECT pg_temp.try($$SELECT array_length(al.balanced_top_k(i, i, '[0.2,0.3,0.5]', 1000, 0.5), 1) FROM generate_series(1, 697) i$$) AS balanced_697_rows_k_1000;
SELECT pg_temp.try($$SELECT array_length(al.balanced_top_k(i, i, '[0.2,0.3,0.5]', 1000, 0.5), 1) FROM generate_series(1, 698) i$$) AS balanced_698_rows_k_1000;
SELECT pg_temp.try($$SELECT array_length(al.epsilon_greedy(i, i, 1000, 0.5, 1), 1) FROM generate_series(1, 668) i$$) AS epsilon_668_rows_k_1000;
SELECT pg_temp.try($$SELECT array_length(al.epsilon_greedy(i, i, 1000, 0.5, 1), 1) FROM generate_series(1, 669) i$$) AS epsilon_669_rows_k_1000;
-- a single row larger than the limit (20,000 features, 80 kB)
SELECT pg_temp.try($$SELECT al.kcenter(1, array_fill(1::float8, ARRAY[20000]), 1)$$) AS one_row_too_large;
RESET al_ext.selection_max_memory;
SHOW al_ext.selection_max_memory;
SELECT pg_temp.try($$SELECT set_config('al_ext.selection_max_memory', '63kB', false)$$) AS below_minimum;

DROP TABLE kc, kpool, rb, rpool, bq, bal, bal350, dpool, dbig, gk;
