-- Multi-label scores: al.mean_binary_entropy, al.binary_minimum,
-- al.max_loss, al.mean_max_loss, al.label_cardinality_inconsistency and the
-- check al.check_label_probs, over independent per-label probabilities held
-- as double precision[] or real[].  Every value is checked against the
-- formula written out in plain SQL over the elements (unnest, ln, abs), the
-- edge rows by hand, every error with its SQLSTATE and message.  (Storage
-- forms: test/sql/storage_forms.sql.)

-- errors as "SQLSTATE: message"
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- the formulas in plain SQL, one function per score
CREATE FUNCTION pg_temp.mbe(p float8[]) RETURNS float8 LANGUAGE sql AS $$
	SELECT avg(-CASE WHEN v > 0 THEN v * ln(v) ELSE 0 END
			   - CASE WHEN v < 1 THEN (1 - v) * ln(1 - v) ELSE 0 END) FROM unnest(p) v
$$;
CREATE FUNCTION pg_temp.bmin(p float8[]) RETURNS float8 LANGUAGE sql AS $$
	SELECT 1 - 2 * min(abs(v - 0.5)) FROM unnest(p) v
$$;
-- hinge loss of the margin m = 2p - 1 at its predicted sign (+1 when m >= 0)
CREATE FUNCTION pg_temp.losses(p float8[]) RETURNS SETOF float8 LANGUAGE sql AS $$
	SELECT greatest(0, 1 - CASE WHEN 2 * v - 1 >= 0 THEN 1 ELSE -1 END * (2 * v - 1)) FROM unnest(p) v
$$;
CREATE FUNCTION pg_temp.lci(p float8[], mc float8) RETURNS float8 LANGUAGE sql AS $$
	SELECT abs(count(*) FILTER (WHERE v >= 0.5) - mc) FROM unnest(p) v
$$;

-- ---- hand-made rows ----
CREATE TABLE ml (name text PRIMARY KEY, p float8[], mc float8);
INSERT INTO ml VALUES
	('mixed', '{0.2,0.5,0.9}', 1.25),
	('two', '{0.2,0.9}', 1),
	('all_zero', '{0,0,0}', 0),
	('all_one', '{1,1,1,1}', 2.5),
	('half_alone', '{0.5}', 0),
	('one_label', '{0.3}', 1),
	('near_half', '{0.01,0.49,0.51,0.99}', 2),
	('negative_zero', '{-0,1}', 0.5);
-- Hand values:
-- mixed: (h(.2) + ln 2 + h(.9)) / 3 = .506210859163 (h(p) = -p ln p - (1-p) ln(1-p));
--   binary minimum 1 (0.5 is there); losses .4, 1, .2: max 1, mean .533333333333;
--   2 predicted (0.5 counts): |2 - 1.25| = .75
-- two: (h(.2) + h(.9)) / 2 = .412742698465; binary minimum 1 - 2 * .3 = .4;
--   losses .4, .2: max .4, mean .3; |1 - 1| = 0
-- all_zero, all_one: 0 everywhere but LCI: |0 - 0| = 0, |4 - 2.5| = 1.5
-- half_alone: ln 2 = .693147180560, 1, 1, 1, |1 - 0| = 1
-- one_label: h(.3) = .610864302055; 1 - 2 * .2 = .6 = both losses; |0 - 1| = 1
-- near_half: closest .49 and .51 at .01: .98; losses .02, .98, .98, .02: mean .5
-- negative_zero: -0 is a valid 0: 0, 0, 0, 0, |1 - .5| = .5
SELECT name,
	round(al.mean_binary_entropy(p)::numeric, 12) AS mbe,
	round(al.binary_minimum(p)::numeric, 12) AS bmin,
	round(al.max_loss(p)::numeric, 12) AS max_loss,
	round(al.mean_max_loss(p)::numeric, 12) AS mean_max_loss,
	al.label_cardinality_inconsistency(p, mc) AS lci,
	al.check_label_probs(p) AS labels
FROM ml ORDER BY name;

-- against the plain-SQL formulas
SELECT name,
	abs(al.mean_binary_entropy(p) - pg_temp.mbe(p)) < 1e-15 AS mbe_ok,
	abs(al.binary_minimum(p) - pg_temp.bmin(p)) < 1e-15 AS bmin_ok,
	abs(al.max_loss(p) - (SELECT max(l) FROM pg_temp.losses(p) l)) < 1e-15 AS max_loss_ok,
	abs(al.mean_max_loss(p) - (SELECT avg(l) FROM pg_temp.losses(p) l)) < 1e-15 AS mean_max_loss_ok,
	al.label_cardinality_inconsistency(p, mc) = pg_temp.lci(p, mc) AS lci_ok
FROM ml ORDER BY name;
-- certain rows give +0, not -0
SELECT al.mean_binary_entropy('{0,1,-0}')::text AS certain_entropy, al.max_loss('{1,0}')::text AS certain_loss;

-- 500 rows of 1 to 30 labels (a quarter of the values exactly 0, 0.5 or 1)
CREATE TABLE ml_many AS
SELECT r, ARRAY(SELECT CASE WHEN (r * 7 + j * 13) % 4 = 0 THEN ((r + j) % 3) / 2.0
							ELSE abs(sin(r * 1.7 + j * 0.31)) END::float8
				FROM generate_series(1, 1 + r % 30) j) AS p,
	(r % 11) / 2.0 AS mc
FROM generate_series(1, 500) r;
SELECT count(*) AS rows,
	count(*) FILTER (WHERE abs(al.mean_binary_entropy(p) - pg_temp.mbe(p)) < 1e-14) AS mbe_ok,
	count(*) FILTER (WHERE abs(al.binary_minimum(p) - pg_temp.bmin(p)) < 1e-15) AS bmin_ok,
	count(*) FILTER (WHERE abs(al.max_loss(p) - (SELECT max(l) FROM pg_temp.losses(p) l)) < 1e-15) AS max_loss_ok,
	count(*) FILTER (WHERE abs(al.mean_max_loss(p) - (SELECT avg(l) FROM pg_temp.losses(p) l)) < 1e-14) AS mean_max_loss_ok,
	count(*) FILTER (WHERE al.label_cardinality_inconsistency(p, mc) = pg_temp.lci(p, mc)) AS lci_ok,
	-- in probability form the maximum loss is the binary minimum, exactly
	count(*) FILTER (WHERE al.max_loss(p) = al.binary_minimum(p)) AS max_loss_is_bmin,
	count(*) FILTER (WHERE al.mean_binary_entropy(p) BETWEEN 0 AND ln(2)) AS mbe_in_range
FROM ml_many;

-- ranking rows: the 3 to ask first by each score
SELECT al.top_k(r::bigint, al.mean_binary_entropy(p), 3) AS by_entropy,
	(array_agg(r::bigint ORDER BY pg_temp.mbe(p) DESC, r))[1:3] AS by_plain_sql
FROM ml_many;

-- ---- real[] and other element types ----
-- a real[] column: the planner calls the _real twins, which read it in place
CREATE TABLE ml_real AS SELECT name, p::real[] AS p, mc FROM ml;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT al.mean_binary_entropy(p), al.binary_minimum(p), al.max_loss(p), al.mean_max_loss(p),
	al.check_label_probs(p), al.label_cardinality_inconsistency(p, mc) FROM ml_real;
-- the same values as the widened array (the widening is exact)
SELECT count(*) AS rows,
	count(*) FILTER (WHERE al.mean_binary_entropy(p) = al.mean_binary_entropy(p::float8[])
		AND al.binary_minimum(p) = al.binary_minimum(p::float8[])
		AND al.max_loss(p) = al.max_loss(p::float8[])
		AND al.mean_max_loss(p) = al.mean_max_loss(p::float8[])
		AND al.check_label_probs(p) = al.check_label_probs(p::float8[])) AS same
FROM ml_real;
-- a real 0.3 is 0.30000001192092896: the real[] twin sees that value
SELECT al.binary_minimum_real('{0.3}') = 1 - 2 * (0.5 - 0.3::real::float8) AS real_value_used,
	al.binary_minimum('{0.3}') = 0.6 AS double_value_used;
-- integer, numeric and untyped arrays resolve to the double precision[] signature
SELECT al.binary_minimum(ARRAY[0, 1]) AS integers, al.mean_max_loss(ARRAY[0.25, 0.5]) AS numerics,
	al.max_loss('{0.75}') AS untyped;
-- expanded arrays (PL/pgSQL variables built element by element) give what
-- the same arrays rebuilt from their text give
CREATE FUNCTION pg_temp.ml_expanded_same() RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	p float8[] := '{}';
	q real[] := '{}';
BEGIN
	FOR i IN 1 .. 300 LOOP
		p[i] := abs(sin(i));
		q[i] := abs(cos(i));
	END LOOP;
	RETURN al.mean_binary_entropy(p) = al.mean_binary_entropy(p::text::float8[])
		AND al.mean_max_loss(q) = al.mean_max_loss(q::text::real[])
		AND al.binary_minimum(q) = al.binary_minimum(q::text::real[])
		AND al.label_cardinality_inconsistency(p, 3) = al.label_cardinality_inconsistency(p::text::float8[], 3);
END $$;
SELECT pg_temp.ml_expanded_same() AS expanded_same;
-- positions are ordinals, whatever the lower bound
SELECT al.check_label_probs('[5:7]={0.1,0.2,0.3}') AS labels;

-- ---- NULL ----
SELECT al.mean_binary_entropy(NULL) IS NULL AS mbe, al.binary_minimum(NULL) IS NULL AS bmin,
	al.max_loss(NULL) IS NULL AS max_loss, al.mean_max_loss(NULL) IS NULL AS mean_max_loss,
	al.check_label_probs(NULL) IS NULL AS checked,
	al.label_cardinality_inconsistency(NULL, 1) IS NULL AS lci_p,
	al.label_cardinality_inconsistency('{0.5}', NULL) IS NULL AS lci_mean;

-- ---- errors ----
SELECT f, a AS argument, pg_temp.try(format('SELECT al.%s(%s)::text', f, a)) AS result
FROM unnest(ARRAY['check_label_probs', 'mean_binary_entropy', 'binary_minimum', 'max_loss', 'mean_max_loss']) f,
	(VALUES (1, '''{}''::float8[]'),
			(2, '''{{0.1,0.2},{0.3,0.4}}''::float8[]'),
			(3, '''{0.1,NULL,0.5}''::float8[]'),
			(4, '''{0.1,NaN}''::float8[]'),
			(5, '''{0.1,0.2,1.5}''::float8[]'),
			(6, '''{-0.1}''::float8[]'),
			(7, '''{Infinity}''::float8[]'),
			(8, '''{-Infinity}''::float8[]'),
			(9, '''{1.0000000000000002}''::float8[]'),
			(10, '''[0:2]={0.1,0.2,2}''::float8[]')) v(i, a)
ORDER BY f, i;
-- the real[] twins and a real[] column give the same errors, a real value
-- shown as real prints it
CREATE TABLE ml_bad (p real[]);
INSERT INTO ml_bad VALUES ('{0.5,1.1}');
SELECT pg_temp.try($$SELECT al.mean_binary_entropy(p)::text FROM ml_bad$$) AS real_column,
	pg_temp.try($$SELECT al.binary_minimum_real('{0.5,1.1}')::text$$) AS out_of_range,
	pg_temp.try($$SELECT al.max_loss_real('{}')::text$$) AS empty,
	pg_temp.try($$SELECT al.mean_max_loss_real('{{0.5}}')::text$$) AS two_dims,
	pg_temp.try($$SELECT al.check_label_probs_real('{NaN}')::text$$) AS nan,
	pg_temp.try($$SELECT al.mean_binary_entropy_real('{0.5,NULL}')::text$$) AS null_element;
SELECT a AS arguments, pg_temp.try(format('SELECT al.label_cardinality_inconsistency(%s)::text', a)) AS result
FROM (VALUES (1, '''{0.5}'', -1'),
			 (2, '''{0.5}'', ''NaN'''),
			 (3, '''{0.5}'', ''Infinity'''),
			 (4, '''{0.5,-0.5}'', 1'),
			 (5, '''{}'', 1'),
			 (6, '''{NULL}''::float8[], 1'),
			 (7, '''{0.5}'', ''-0''::float8')) v(i, a)
ORDER BY i;

-- ---- every function: IMMUTABLE STRICT PARALLEL SAFE, commented ----
SELECT p.oid::regprocedure AS function, p.provolatile AS volatile, p.proisstrict AS strict,
	p.proparallel AS parallel, obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented
FROM pg_proc p
WHERE p.pronamespace = 'al'::regnamespace
  AND p.proname ~ '^(check_label_probs|mean_binary_entropy|binary_minimum|max_loss|mean_max_loss|label_cardinality_inconsistency)'
ORDER BY p.oid::regprocedure::text;

DROP TABLE ml, ml_many, ml_real, ml_bad;
