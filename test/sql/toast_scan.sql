-- al_ext.toast_scan (issue 12, item 5): a round defers the rows whose
-- features are stored out of line (their TOAST pointers come with the
-- pool's query, undetoasted) and reads them after the pool's blocks: when
-- they are a good share of their TOAST table (a quarter or more of its
-- bytes), in one sequential scan of it that assembles the wanted values
-- chunk by chunk (other values' chunks are skipped); else one by one, as
-- any detoasting.  Each learner here has a twin whose rounds run with
-- al_ext.toast_scan = off (every value detoasted where the cursor returns
-- it): their rankings must be equal bit for bit.  Which way the values
-- were read is shown by DEBUG1 messages.  White box: runs as a superuser.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try
\set rankings :abs_srcdir '/sql/include/rankings.sql'
\i :rankings
SET extra_float_digits = 3;
-- no JIT messages among the DEBUG1 lines
SET jit = off;
SELECT setseed(0.71);

-- 1,200 rows of 768 random features (3 kB, stored out of line, not
-- compressible), a document column stored out of line in the same TOAST
-- table (its chunks are skipped), then rows a round skips or reads as
-- they come: 10 all-zero rows (compressed inline), NULL features, a NaN
-- and a wrong length (both out of line), a NULL element
CREATE TABLE ts_pool (id bigint, x real[], doc text);
ALTER TABLE ts_pool ALTER COLUMN doc SET STORAGE EXTERNAL;
INSERT INTO ts_pool
SELECT i, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 768) WHERE i > 0),
	CASE WHEN i % 4 = 0 THEN repeat(md5(i::text), 200) END
FROM generate_series(1, 1200) i;
INSERT INTO ts_pool (id, x) SELECT i, array_fill(0::real, ARRAY[768]) FROM generate_series(1201, 1210) i;
INSERT INTO ts_pool (id, x) VALUES (1211, NULL),
	(1212, (SELECT array_agg(CASE WHEN j = 5 THEN 'NaN'::real ELSE j::real END) FROM generate_series(1, 768) j)),
	(1213, (SELECT array_agg(j::real) FROM generate_series(1, 700) j)),
	(1214, (SELECT array_agg(CASE WHEN j = 9 THEN NULL ELSE j::real END) FROM generate_series(1, 768) j));
ANALYZE ts_pool;
-- the storage forms: out of line uncompressed (1,202 arrays and 300
-- documents in the TOAST table), compressed inline (the zeros)
SELECT count(*) FILTER (WHERE pg_column_compression(x) IS NULL
		AND pg_column_size(x) = pg_column_size((x::text)::real[]) - 4) AS out_of_line,
	count(*) FILTER (WHERE pg_column_compression(x) IS NOT NULL) AS compressed
FROM ts_pool WHERE id <= 1210;
\set toasted :abs_srcdir '/sql/include/toasted.sql'
\i :toasted
SELECT pg_temp.toasted_values('ts_pool') AS toasted_values;

CREATE FUNCTION pg_temp.truth(x real[]) RETURNS text LANGUAGE sql AS $$
	SELECT CASE WHEN x[1] + x[2] > 1 THEN 'a' WHEN x[3] > 0 THEN 'b' ELSE 'c' END $$;
-- a learner and its twin ("ts_" -> "tf_"), labeled on ids 1..40
CREATE FUNCTION pg_temp.create_twins(name text, pool regclass, classes text[], strategy text, options jsonb)
RETURNS boolean LANGUAGE sql AS $$
	SELECT al.create_learner(name, pool, 'id', 'x', classes, strategy, options) > 0
	AND al.create_learner('tf_' || substr(name, 4), pool, 'id', 'x', classes, strategy, options) > 0 $$;
-- a round of the learner (toast_scan on, DEBUG1 shown) and one of its twin (off)
CREATE FUNCTION pg_temp.rounds(name text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	a text;
	b text;
BEGIN
	PERFORM al.retrain(name), al.retrain('tf_' || substr(name, 4));
	PERFORM set_config('client_min_messages', 'debug1', true);
	a := al.run_learner(name);
	PERFORM set_config('client_min_messages', 'notice', true), set_config('al_ext.toast_scan', 'off', true);
	b := al.run_learner('tf_' || substr(name, 4));
	PERFORM set_config('al_ext.toast_scan', 'on', true);
	RETURN a || ', ' || b;
END $$;
-- the rows a round of a learner over ts_pool scores: unlabeled (ids > 40), 768 usable features
CREATE FUNCTION pg_temp.usable(lo bigint, hi bigint) RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM ts_pool WHERE id > 40 AND id BETWEEN lo AND hi AND cardinality(x) = 768
	AND array_position(x, NULL) IS NULL AND NOT 'NaN' = ANY (x) $$;

-- 1. entropy and a bald committee of 3 over the table: one scan
SELECT pg_temp.create_twins('ts_e', 'ts_pool', ARRAY['a', 'b', 'c'], 'entropy',
		'{"retrain_every": 100000, "seed": 3}') AS e,
	pg_temp.create_twins('ts_c', 'ts_pool', ARRAY['a', 'b', 'c'], 'bald',
		'{"retrain_every": 100000, "seed": 4, "committee": 3}') AS c;
SELECT count(al.label(l, id, pg_temp.truth(x))) AS labeled
FROM ts_pool, unnest(ARRAY['ts_e', 'tf_e', 'ts_c', 'tf_c']) l WHERE id <= 40;
-- on by default (the library is loaded now); any role may set it
SHOW al_ext.toast_scan;
SELECT setting, context FROM pg_settings WHERE name = 'al_ext.toast_scan';
SELECT pg_temp.rounds('ts_e') AS e, pg_temp.rounds('ts_c') AS c;
-- 1,170 rows (the 10 zero rows included), equal bit for bit to the twins'
SELECT l, (pg_temp.summary(l)).*, pg_temp.usable(1, 1300) AS usable FROM unnest(ARRAY['ts_e', 'ts_c']) l;
SELECT pg_temp.differ('ts_e', 'tf_e') AS differ_e, pg_temp.differ('ts_c', 'tf_c') AS differ_c,
	(SELECT count(DISTINCT score) > 1100 FROM pg_temp.ranking('ts_e')) AS distinct_scores;
-- one row by hand: its probabilities are al.predict's on the stored features
SELECT bool_and(s.probs::text = al.predict_proba_real('learner/ts_e', p.x)::text) AS probs_by_hand, count(*)
FROM pg_temp.ranking('ts_e') s JOIN ts_pool p ON p.id = s.item_id::bigint WHERE p.id IN (41, 500, 1199, 1205);
-- a later round that only rescores (new rows) reads the same way
INSERT INTO ts_pool (id, x) SELECT i, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 768) WHERE i > 0)
FROM generate_series(1301, 1330) i;
SET client_min_messages = debug1;
SELECT al.run_learner('ts_e') AS rescored;
RESET client_min_messages;
SET al_ext.toast_scan = off;
SELECT al.run_learner('tf_e') AS rescored_twin;
RESET al_ext.toast_scan;
SELECT (pg_temp.summary('ts_e')).rows, pg_temp.differ('ts_e', 'tf_e') AS differ_e;

-- 2. a small share of the TOAST table (a view of 100 unlabeled rows):
-- one by one, the same ranking
CREATE VIEW ts_few AS SELECT id, x FROM ts_pool WHERE id <= 140;
SELECT pg_temp.create_twins('ts_f', 'ts_few', ARRAY['a', 'b', 'c'], 'margin_confidence',
	'{"retrain_every": 100000, "seed": 5}') AS f;
SELECT count(al.label(l, id, pg_temp.truth(x))) AS labeled
FROM ts_pool, unnest(ARRAY['ts_f', 'tf_f']) l WHERE id <= 40;
SELECT pg_temp.rounds('ts_f') AS f;
SELECT (pg_temp.summary('ts_f')).rows, pg_temp.differ('ts_f', 'tf_f') AS differ_f;

-- 3. a view that gives each stored value to two items (UNION ALL): every
-- item is scored once from the one value
CREATE VIEW ts_twice AS SELECT id, x FROM ts_pool WHERE id <= 1210 UNION ALL SELECT id + 100000, x FROM ts_pool WHERE id <= 1210;
SELECT pg_temp.create_twins('ts_u', 'ts_twice', ARRAY['a', 'b', 'c'], 'least_confidence',
	'{"retrain_every": 100000, "seed": 6}') AS u;
SELECT count(al.label(l, id, pg_temp.truth(x))) AS labeled
FROM ts_pool, unnest(ARRAY['ts_u', 'tf_u']) l WHERE id <= 40;
SELECT pg_temp.rounds('ts_u') AS u;
SELECT (pg_temp.summary('ts_u')).rows, pg_temp.differ('ts_u', 'tf_u') AS differ_u,
	(SELECT count(*) FROM pg_temp.ranking('ts_u') a JOIN pg_temp.ranking('ts_u') b
	 ON b.item_id::bigint = a.item_id::bigint + 100000 AND b.score = a.score AND b.probs = a.probs) AS pairs_equal;

-- 4. 5,000 rows of 64 features stored out of line (storage external, a
-- 2,100-byte plain column makes every row long enough to be toasted, and
-- toast_tuple_target 128 moves the array out) and a small budget (al_ext.selection_max_memory =
-- 64kB, about 800 deferred rows): the budget is checked after each block
-- of the pool's cursor (4,096 rows), so the deferred rows are read in two
-- passes, each a scan of the TOAST table
CREATE TABLE ts_narrow (id bigint, x real[], pad text) WITH (toast_tuple_target = 128);
ALTER TABLE ts_narrow ALTER COLUMN x SET STORAGE EXTERNAL, ALTER COLUMN pad SET STORAGE PLAIN;
INSERT INTO ts_narrow SELECT i, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 64) WHERE i > 0),
	repeat('p', 2100)
FROM generate_series(1, 5000) i;
SELECT pg_temp.toasted_values('ts_narrow') AS toasted_values;
SELECT pg_temp.create_twins('ts_n', 'ts_narrow', ARRAY['a', 'b', 'c'], 'entropy',
	'{"retrain_every": 100000, "seed": 11}') AS n;
SELECT count(al.label(l, id, pg_temp.truth(x))) AS labeled
FROM ts_narrow, unnest(ARRAY['ts_n', 'tf_n']) l WHERE id <= 40;
SET al_ext.selection_max_memory = '64kB';
SELECT pg_temp.rounds('ts_n') AS n_small_budget;
RESET al_ext.selection_max_memory;
SELECT (pg_temp.summary('ts_n')).rows, pg_temp.differ('ts_n', 'tf_n') AS differ_n;
-- and in one pass with the default budget
SELECT pg_temp.rounds('ts_n') AS n;
SELECT (pg_temp.summary('ts_n')).rows, pg_temp.differ('ts_n', 'tf_n') AS differ_n;

-- 5. compressed out of line: 2,048 features from {0, 1, ..., 31} (pglz, and
-- lz4 in a second table), then a partitioned pool of both (two TOAST tables)
CREATE TABLE ts_comp (id bigint, x real[]);
INSERT INTO ts_comp SELECT i, ARRAY(SELECT floor(random() * 32)::real FROM generate_series(1, 2048) WHERE i > 0)
FROM generate_series(1, 300) i;
CREATE TABLE ts_lz4 (id bigint, x real[] COMPRESSION lz4);
INSERT INTO ts_lz4 SELECT id + 300, x[1:2048] FROM ts_comp;
SELECT (SELECT count(*) FROM ts_comp WHERE pg_column_compression(x) = 'pglz' AND pg_column_size(x) > 2100) AS pglz_out_of_line,
	(SELECT count(*) FROM ts_lz4 WHERE pg_column_compression(x) = 'lz4' AND pg_column_size(x) > 2100) AS lz4_out_of_line,
	pg_temp.toasted_values('ts_comp') AS pglz_toasted, pg_temp.toasted_values('ts_lz4') AS lz4_toasted;
CREATE TABLE ts_part (id bigint, x real[]) PARTITION BY RANGE (id);
CREATE TABLE ts_part_1 PARTITION OF ts_part FOR VALUES FROM (1) TO (301);
CREATE TABLE ts_part_2 PARTITION OF ts_part FOR VALUES FROM (301) TO (601);
INSERT INTO ts_part_1 SELECT * FROM ts_comp;
ALTER TABLE ts_part_2 ALTER COLUMN x SET COMPRESSION lz4;
INSERT INTO ts_part_2 SELECT id, x[1:2048] FROM ts_lz4;
SELECT pg_temp.toasted_values('ts_part_1') AS toasted_1, pg_temp.toasted_values('ts_part_2') AS toasted_2,
	(SELECT string_agg(DISTINCT pg_column_compression(x), ',') FROM ts_part_1) AS compression_1,
	(SELECT string_agg(DISTINCT pg_column_compression(x), ',') FROM ts_part_2) AS compression_2;
CREATE FUNCTION pg_temp.truth4(x real[]) RETURNS text LANGUAGE sql AS $$
	SELECT CASE WHEN x[1] + x[2] > 31 THEN 'a' ELSE 'b' END $$;
SELECT al.create_learner('ts_p', 'ts_part', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 100000, "seed": 7}') > 0 AS p,
	al.create_learner('tf_p', 'ts_part', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 100000, "seed": 7}') > 0 AS p_twin;
SELECT count(al.label(l, id, pg_temp.truth4(x))) AS labeled
FROM ts_part, unnest(ARRAY['ts_p', 'tf_p']) l WHERE id % 20 = 0;
SELECT pg_temp.rounds('ts_p') AS p;
SELECT (pg_temp.summary('ts_p')).rows, pg_temp.differ('ts_p', 'tf_p') AS differ_p;

-- 6. one-vs-rest and ridge learners read the same way
CREATE FUNCTION pg_temp.set_of(x real[]) RETURNS text LANGUAGE sql AS $$
	SELECT ARRAY(SELECT c FROM (VALUES ('a', x[1] > 0), ('b', x[2] + x[3] > 0.5), ('c', x[4] < -1)) v(c, t) WHERE t)::text $$;
SELECT pg_temp.create_twins('ts_o', 'ts_pool', ARRAY['a', 'b', 'c'], 'entropy',
		'{"family": "ovr", "retrain_every": 100000, "seed": 8}') AS o,
	pg_temp.create_twins('ts_r', 'ts_pool', '{}', 'emcm',
		'{"family": "ridge", "retrain_every": 100000, "seed": 9, "committee": 3}') AS r;
SELECT count(al.label(l, id, pg_temp.set_of(x))) AS labeled
FROM ts_pool, unnest(ARRAY['ts_o', 'tf_o']) l WHERE id <= 40;
SELECT count(al.label(l, id, (2 * x[1] - x[2])::float8::text)) AS labeled
FROM ts_pool, unnest(ARRAY['ts_r', 'tf_r']) l WHERE id <= 40;
SELECT pg_temp.rounds('ts_o') AS o, pg_temp.rounds('ts_r') AS r;
SELECT l, (pg_temp.summary(l)).rows FROM unnest(ARRAY['ts_o', 'ts_r']) l;
SELECT pg_temp.differ('ts_o', 'tf_o') AS differ_o, pg_temp.differ('ts_r', 'tf_r') AS differ_r;

-- 7. a plain role's learner over its own pool with row security: the
-- hidden rows' values are in the TOAST table the round scans, but no
-- hidden row reaches the ranking
CREATE ROLE ts_user;
CREATE TABLE ts_secret AS SELECT id, x FROM ts_pool WHERE id <= 600;
ALTER TABLE ts_secret OWNER TO ts_user;
SET ROLE ts_user;
ALTER TABLE ts_secret ENABLE ROW LEVEL SECURITY;
ALTER TABLE ts_secret FORCE ROW LEVEL SECURITY;
CREATE POLICY ts_thirds ON ts_secret USING (id % 3 <> 0);
SELECT al.create_learner('ts_s', 'ts_secret', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy', '{"retrain_every": 100000, "seed": 10}') > 0 AS s,
	al.create_learner('tf_s', 'ts_secret', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy', '{"retrain_every": 100000, "seed": 10}') > 0 AS s_twin;
SELECT count(al.label(l, id, pg_temp.truth(x))) AS labeled
FROM ts_secret, unnest(ARRAY['ts_s', 'tf_s']) l WHERE id <= 60;
SELECT pg_temp.rounds('ts_s') AS s;
SELECT (pg_temp.summary('ts_s')).rows AS rows, pg_temp.differ('ts_s', 'tf_s') AS differ_s,
	(SELECT count(*) FROM pg_temp.ranking('ts_s') WHERE item_id::bigint % 3 = 0) AS hidden_rows;
RESET ROLE;

-- 8. selections that keep the rows' features or wrap their scores (they
-- keep candidates by score and id and order them by id after the pass, so
-- the order in which rows are scored does not matter): kcenter, badge,
-- ranked, cosine and euclidean density, a sample, Gumbel exploration,
-- expected gradient length, expected error reduction
SELECT pg_temp.create_twins('ts_k', 'ts_pool', ARRAY['a', 'b', 'c'], 'entropy',
		'{"batch": "kcenter", "candidates": 200, "retrain_every": 100000, "seed": 12}') AS k,
	pg_temp.create_twins('ts_b', 'ts_pool', ARRAY['a', 'b', 'c'], 'entropy',
		'{"batch": "badge", "candidates": 200, "retrain_every": 100000, "seed": 13}') AS b,
	pg_temp.create_twins('ts_a', 'ts_pool', ARRAY['a', 'b', 'c'], 'margin_confidence',
		'{"batch": "ranked", "candidates": 200, "retrain_every": 100000, "seed": 14}') AS a,
	pg_temp.create_twins('ts_d', 'ts_pool', ARRAY['a', 'b', 'c'], 'entropy',
		'{"density": 1, "retrain_every": 100000, "seed": 15}') AS d,
	pg_temp.create_twins('ts_h', 'ts_pool', ARRAY['a', 'b', 'c'], 'entropy',
		'{"density": 2, "density_metric": "euclidean", "density_sample": 100, "retrain_every": 100000, "seed": 16}') AS h,
	pg_temp.create_twins('ts_m', 'ts_pool', ARRAY['a', 'b', 'c'], 'least_confidence',
		'{"sample": 500, "retrain_every": 100000, "seed": 17}') AS m,
	pg_temp.create_twins('ts_x', 'ts_pool', ARRAY['a', 'b', 'c'], 'entropy',
		'{"explore": {"power": 2}, "candidates": 100, "retrain_every": 100000, "seed": 18}') AS x,
	pg_temp.create_twins('ts_g', 'ts_pool', ARRAY['a', 'b', 'c'], 'expected_gradient_length',
		'{"retrain_every": 100000, "seed": 19}') AS g,
	pg_temp.create_twins('ts_q', 'ts_pool', ARRAY['a', 'b', 'c'], 'expected_error_reduction',
		'{"eer_candidates": 5, "eer_sample": 30, "eer_steps": 5, "retrain_every": 100000, "seed": 20}') AS q;
SELECT count(al.label(l, id, pg_temp.truth(x))) AS labeled
FROM ts_pool, unnest(ARRAY['ts_k', 'tf_k', 'ts_b', 'tf_b', 'ts_a', 'tf_a', 'ts_d', 'tf_d', 'ts_h', 'tf_h',
	'ts_m', 'tf_m', 'ts_x', 'tf_x', 'ts_g', 'tf_g', 'ts_q', 'tf_q']) l WHERE id <= 40;
SELECT l, pg_temp.rounds(l) FROM unnest(ARRAY['ts_k', 'ts_b', 'ts_a', 'ts_d', 'ts_h', 'ts_m', 'ts_x', 'ts_g']) l;
-- (expected error reduction's DEBUG1 line carries timings: its rounds without it)
SELECT al.retrain('ts_q'), al.run_learner('ts_q') AS q;
SET al_ext.toast_scan = off;
SELECT al.retrain('tf_q'), al.run_learner('tf_q') AS q_twin;
RESET al_ext.toast_scan;
SELECT l, (pg_temp.summary(l)).rows, (pg_temp.summary(l)).ranked, pg_temp.differ(l, 'tf_' || substr(l, 4)) AS differ
FROM unnest(ARRAY['ts_k', 'ts_b', 'ts_a', 'ts_d', 'ts_h', 'ts_m', 'ts_x', 'ts_g', 'ts_q']) l;

-- 9. more than 64 MB of values being assembled at once: one array of
-- 20,000,000 floats (80 MB, out of line, uncompressed) whose chunks fill the
-- holes that deleting every other row of a table of 768-float arrays left, so
-- the small values' chunks come while it is being assembled.  Past the cap
-- (64 MB in assembly) they are read alone after the scan ("of them alone");
-- the ranking equals the twin's.  The big row has the wrong length: unusable,
-- not ranked.  (No autovacuum on the table: where the chunks go must not move.)
CREATE TABLE ts_big (id bigint, x real[]) WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false);
ALTER TABLE ts_big ALTER COLUMN x SET STORAGE EXTERNAL;
INSERT INTO ts_big SELECT i, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 768) WHERE i > 0)
FROM generate_series(1, 2000) i;
DELETE FROM ts_big WHERE id % 2 = 0;
VACUUM ts_big;
INSERT INTO ts_big VALUES (0, array_fill(0.5::real, ARRAY[20000000]));
SELECT pg_temp.toasted_values('ts_big') AS toasted_values;
SELECT pg_temp.create_twins('ts_z', 'ts_big', ARRAY['a', 'b', 'c'], 'entropy',
	'{"retrain_every": 100000, "seed": 21}') AS z;
SELECT count(al.label(l, id, pg_temp.truth(x))) AS labeled
FROM ts_big, unnest(ARRAY['ts_z', 'tf_z']) l WHERE id BETWEEN 1 AND 80;
SELECT pg_temp.rounds('ts_z') AS z;
SELECT (pg_temp.summary('ts_z')).rows, pg_temp.differ('ts_z', 'tf_z') AS differ_z,
	(SELECT count(*) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
	 WHERE l.name = 'ts_z' AND s.item_id = '0') AS big_row_ranked;
DROP TABLE ts_big CASCADE;

SELECT count(al.drop_learner(name)) AS dropped FROM al.learners WHERE name LIKE 'ts\_%' OR name LIKE 'tf\_%';
DROP TABLE ts_secret;
DROP ROLE ts_user;
