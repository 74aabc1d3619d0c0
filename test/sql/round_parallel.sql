-- A learner's round with al_ext.parallel_rounds (issue 12, item 4): the pool
-- is scored by one parallel-safe query calling al._round_row in parallel
-- workers, and the ranking is the serial round's bit for bit (scores,
-- predicted classes, probabilities, hot rows).  Parallel plans are forced
-- with zero parallel costs.  White box: the suite runs as a superuser,
-- copies al.scores and deletes al.ranking_state rows to make rounds rescore.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET extra_float_digits = 3;
SELECT setseed(0.12);
-- 12,000 rows of 8 real features, a row of NULL features, a row with a NULL
-- element, a row of another length, a row with NaN, a NULL id
CREATE TABLE par_pool AS
SELECT i::bigint AS id, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 8) WHERE i > 0)::real[] AS x
FROM generate_series(1, 12000) i;
INSERT INTO par_pool VALUES (12001, NULL), (12002, '{1,2,3,NULL,5,6,7,8}'), (12003, '{1,2,3}'),
	(12004, '{1,2,3,NaN,5,6,7,8}'), (NULL, '{1,1,1,1,1,1,1,1}');
ANALYZE par_pool;
-- the same rows as double precision[]
CREATE TABLE par_pool8 AS SELECT id, x::float8[] AS x FROM par_pool;
ANALYZE par_pool8;

-- the ranking of a learner as text, bit for bit (float8send / probvec text)
CREATE FUNCTION pg_temp.ranking(learner text)
RETURNS TABLE (item_id text, score bytea, predicted text, probs text, hot boolean, rank integer, model_version integer)
LANGUAGE sql AS $$
	SELECT s.item_id, float8send(s.score), s.predicted, s.probs::text, s.hot, s.rank, s.model_version
	FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = learner $$;
-- rows of two copies of rankings that differ (ignoring the model version)
CREATE FUNCTION pg_temp.differ(a text, b text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
	EXECUTE format('SELECT count(*) FROM (SELECT item_id, score, predicted, probs, hot, rank FROM %I '
		'EXCEPT ALL SELECT item_id, score, predicted, probs, hot, rank FROM %I) d', a, b) INTO n;
	RETURN n;
END $$;
-- rescore a learner in its next round: its ranking state says nothing
CREATE FUNCTION pg_temp.forget_ranking(learner text) RETURNS void LANGUAGE sql AS $$
	DELETE FROM al.ranking_state WHERE learner_id = (SELECT id FROM al.learners WHERE name = learner) $$;

-- three learners: entropy on real[], a committee of 3 with bald, and
-- expected_gradient_length on double precision[]
SELECT al.create_learner('par_e', 'par_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
	'{"retrain_every": 100000, "seed": 3}') > 0 AS created,
	al.create_learner('par_c', 'par_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'bald',
	'{"retrain_every": 100000, "seed": 4, "committee": 3}') > 0 AS created_committee,
	al.create_learner('par_g', 'par_pool8', 'id', 'x', ARRAY['a', 'b', 'c'], 'expected_gradient_length',
	'{"retrain_every": 100000, "seed": 5}') > 0 AS created_egl;
SELECT count(al.label(l, id, CASE WHEN x[1] + x[2] > 1 THEN 'a' WHEN x[3] > 0 THEN 'b' ELSE 'c' END)) AS labeled
FROM par_pool, unnest(ARRAY['par_e', 'par_c', 'par_g']) l WHERE id <= 60;

-- serial rounds: train version 1 and rank
SET al_ext.parallel_rounds = off;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['par_e', 'par_c', 'par_g']) l;
CREATE TABLE par_serial_e AS SELECT * FROM pg_temp.ranking('par_e');
CREATE TABLE par_serial_c AS SELECT * FROM pg_temp.ranking('par_c');
CREATE TABLE par_serial_g AS SELECT * FROM pg_temp.ranking('par_g');
-- 11,940 unlabeled rows with usable features, 10,000 of them hot
SELECT count(*) AS ranked, count(*) FILTER (WHERE hot) AS hot, count(rank) AS with_rank,
	count(DISTINCT score) > 11000 AS distinct_scores
FROM par_serial_e;

-- the round's query gets a parallel plan here
SET al_ext.parallel_rounds = on;
EXPLAIN (COSTS OFF)
SELECT p.id::text, al._round_row(1, 'entropy', p.x) FROM par_pool p;

-- and it launches parallel workers (EXPLAIN ANALYZE of the round's query
-- with the learner's model; the rows each process took vary, so only the
-- workers are shown)
CREATE FUNCTION pg_temp.workers_launched(sql text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || sql LOOP
		IF line ~ 'Workers' THEN
			RETURN NEXT regexp_replace(line, 'Launched: [1-9]', 'Launched: some');
		END IF;
	END LOOP;
END $$;
SELECT pg_temp.workers_launched(format('SELECT p.id::text, al._round_row(%s, %L, p.x) FROM par_pool p',
	(SELECT model_id FROM al.learning_curve WHERE learner = 'par_e'), 'entropy'));

-- parallel rescoring with the same version: the same ranking, bit for bit
SELECT pg_temp.forget_ranking(l), al.run_learner(l) FROM unnest(ARRAY['par_e', 'par_c', 'par_g']) l;
CREATE TABLE par_parallel_e AS SELECT * FROM pg_temp.ranking('par_e');
CREATE TABLE par_parallel_c AS SELECT * FROM pg_temp.ranking('par_c');
CREATE TABLE par_parallel_g AS SELECT * FROM pg_temp.ranking('par_g');
SELECT (SELECT count(*) FROM par_parallel_e) AS rows_e,
	pg_temp.differ('par_serial_e', 'par_parallel_e') AS serial_not_parallel_e,
	pg_temp.differ('par_parallel_e', 'par_serial_e') AS parallel_not_serial_e,
	(SELECT count(*) FROM par_parallel_c) AS rows_c,
	pg_temp.differ('par_serial_c', 'par_parallel_c') + pg_temp.differ('par_parallel_c', 'par_serial_c') AS differ_c,
	(SELECT count(*) FROM par_parallel_g) AS rows_g,
	pg_temp.differ('par_serial_g', 'par_parallel_g') + pg_temp.differ('par_parallel_g', 'par_serial_g') AS differ_g;
-- the hot rows are the first 10,000 in the hand-out order
SELECT count(*) FILTER (WHERE hot) AS hot,
	count(*) FILTER (WHERE hot AND pos <= 10000) AS hot_first
FROM (SELECT s.hot, row_number() OVER (ORDER BY s.rank, s.score DESC, s.item_id) AS pos
	FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'par_e') r;

-- a parallel retrain: the parallel workers score with the version stored in
-- the round's own transaction; the same labels train the same coefficients,
-- so the ranking is again the serial one (version 2)
SELECT al.retrain('par_e'), al.run_learner('par_e');
SELECT min(model_version) AS version, count(*) AS rows,
	(SELECT count(*) FROM (SELECT item_id, score, predicted, probs, hot FROM pg_temp.ranking('par_e')
		EXCEPT ALL SELECT item_id, score, predicted, probs, hot FROM par_serial_e) d) AS differ
FROM pg_temp.ranking('par_e');
-- the learning curve's mean uncertainty: the same sum in another order
SELECT count(*) AS versions, abs(max(mean_uncertainty) - min(mean_uncertainty)) < 1e-12 AS same_mean_uncertainty
FROM al.learning_curve WHERE learner = 'par_e';

-- labels and new rows between rounds: labeled items leave, new rows come in
SELECT al.label('par_e', 100, 'b') IS NOT NULL AS labeled;
INSERT INTO par_pool SELECT i, ARRAY[1, 2, 3, 4, 5, 6, 7, i % 5]::real[] FROM generate_series(12005, 12010) i;
SELECT al.run_learner('par_e');
CREATE TABLE par_parallel_e2 AS SELECT * FROM pg_temp.ranking('par_e');
SET al_ext.parallel_rounds = off;
SELECT pg_temp.forget_ranking('par_e'), al.run_learner('par_e');
CREATE TABLE par_serial_e2 AS SELECT * FROM pg_temp.ranking('par_e');
SELECT (SELECT count(*) FROM par_serial_e2) AS rows,
	(SELECT count(*) FROM par_serial_e2 WHERE item_id = '100') AS labeled_left,
	pg_temp.differ('par_serial_e2', 'par_parallel_e2') + pg_temp.differ('par_parallel_e2', 'par_serial_e2') AS differ;

-- a pool whose rows would take more than al_ext.selection_max_memory is
-- scored in hash buckets of its ids (11,945 rows of 3 classes, about 92
-- bytes each, over 256 kB: 8 buckets), one query each: the same ranking
SET al_ext.parallel_rounds = on;
SET al_ext.selection_max_memory = '256kB';
SET client_min_messages = debug1;
SELECT pg_temp.forget_ranking('par_e'), al.run_learner('par_e');
RESET client_min_messages;
RESET al_ext.selection_max_memory;
CREATE TABLE par_bucketed_e2 AS SELECT * FROM pg_temp.ranking('par_e');
SELECT (SELECT count(*) FROM par_bucketed_e2) AS rows,
	pg_temp.differ('par_serial_e2', 'par_bucketed_e2') + pg_temp.differ('par_bucketed_e2', 'par_serial_e2') AS differ;

-- long ids count in the buckets' size: 3,000 rows of 3 classes with ids of
-- 200 characters (about 92 + 201 bytes a row kept, 879 kB over 256 kB: 4
-- buckets, not the 2 the scores alone would take); the same ranking as a
-- serial round
CREATE TABLE par_long AS
SELECT lpad(i::text, 200, 'x') AS id, ARRAY[(i % 7)::real, (i % 5)::real, (i % 3)::real, (i % 11)::real] AS x
FROM generate_series(1, 3000) i;
ANALYZE par_long;
SELECT al.create_learner('par_l', 'par_long', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
	'{"retrain_every": 100000, "seed": 9}') > 0 AS created;
SELECT count(al.label('par_l', id, CASE WHEN x[1] > 3 THEN 'a' WHEN x[2] > 2 THEN 'b' ELSE 'c' END)) AS labeled
FROM par_long WHERE right(id, 2) = '00';
SET al_ext.parallel_rounds = off;
SELECT al.retrain('par_l'), al.run_learner('par_l');
CREATE TABLE par_serial_l AS SELECT * FROM pg_temp.ranking('par_l');
SET al_ext.parallel_rounds = on;
SET al_ext.selection_max_memory = '256kB';
SET client_min_messages = debug1;
SELECT pg_temp.forget_ranking('par_l'), al.run_learner('par_l');
RESET client_min_messages;
RESET al_ext.selection_max_memory;
CREATE TABLE par_bucketed_l AS SELECT * FROM pg_temp.ranking('par_l');
SELECT (SELECT count(*) FROM par_bucketed_l) AS rows,
	pg_temp.differ('par_serial_l', 'par_bucketed_l') + pg_temp.differ('par_bucketed_l', 'par_serial_l') AS differ;
SELECT al.drop_learner('par_l');

-- option rescore_sample: the parallel query scores only the rows drawn
-- (its condition on the ids' hash, checked again as rows arrive); the
-- others keep their scores.  Twins, serial and parallel, same seed and
-- labels: the same rankings, bit for bit, model versions included, also in
-- hash buckets
\getenv abs_srcdir PG_ABS_SRCDIR
\set drawn :abs_srcdir '/sql/include/drawn.sql'
\i :drawn
SELECT al.create_learner(l, 'par_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
	'{"retrain_every": 100000, "seed": 6, "rescore_sample": 0.3}') > 0 AS created
FROM unnest(ARRAY['par_s1', 'par_s2']) l;
CREATE FUNCTION pg_temp.label_s(lo int, hi int) RETURNS bigint LANGUAGE sql AS $$
	SELECT count(al.label(l, id, CASE WHEN x[1] + x[2] > 1 THEN 'a' WHEN x[3] > 0 THEN 'b' ELSE 'c' END))
	FROM par_pool, unnest(ARRAY['par_s1', 'par_s2']) l WHERE id BETWEEN lo AND hi $$;
CREATE FUNCTION pg_temp.round_s(parallel boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('al_ext.parallel_rounds', parallel::text, false);
	PERFORM al.retrain(CASE WHEN parallel THEN 'par_s2' ELSE 'par_s1' END),
		al.run_learner(CASE WHEN parallel THEN 'par_s2' ELSE 'par_s1' END);
END $$;
CREATE FUNCTION pg_temp.same_s(OUT rows bigint, OUT versions text, OUT differ bigint) LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM pg_temp.ranking('par_s2')),
		(SELECT string_agg(v || ':' || n, ' ' ORDER BY v) FROM (SELECT model_version AS v, count(*) AS n
			FROM pg_temp.ranking('par_s2') GROUP BY 1) c),
		(SELECT count(*) FROM (SELECT * FROM pg_temp.ranking('par_s1') EXCEPT ALL SELECT * FROM pg_temp.ranking('par_s2')) d)
		+ (SELECT count(*) FROM (SELECT * FROM pg_temp.ranking('par_s2') EXCEPT ALL SELECT * FROM pg_temp.ranking('par_s1')) d) $$;
-- version 1: no earlier ranking, every row
SELECT pg_temp.label_s(1, 60) AS labeled;
SELECT pg_temp.round_s(false), pg_temp.round_s(true);
SELECT * FROM pg_temp.same_s();
-- version 2: the drawn rows (about 30%), said at DEBUG1
SELECT pg_temp.label_s(61, 90) AS labeled;
SELECT pg_temp.round_s(false);
SET client_min_messages = debug1;
SELECT pg_temp.round_s(true);
RESET client_min_messages;
SELECT * FROM pg_temp.same_s();
SELECT array_agg(item_id ORDER BY item_id) = (SELECT array_agg(id::text ORDER BY id::text) FROM par_pool
		WHERE id > 90 AND (id <= 12000 OR id >= 12005) AND pg_temp.drawn(id::text, 6, 2, 0.3)) AS version_2_drawn
FROM pg_temp.ranking('par_s2') WHERE model_version = 2;
-- version 3 in hash buckets of the ids, each query with the draw (2
-- buckets: the rows drawn size them, not the pool)
SET al_ext.selection_max_memory = '256kB';
SELECT pg_temp.round_s(false);
SET client_min_messages = debug1;
SELECT pg_temp.round_s(true);
RESET client_min_messages;
RESET al_ext.selection_max_memory;
SELECT * FROM pg_temp.same_s();
-- the query with the draw's condition still gets parallel workers
SELECT pg_temp.workers_launched(format('SELECT p.id::text, al._round_row(%s, %L, p.x) FROM par_pool p '
	'WHERE ((pg_catalog.hashtextextended((p.id::pg_catalog.text) COLLATE pg_catalog."C", 7::pg_catalog.int8) '
	'OPERATOR(pg_catalog.>>) 11 OPERATOR(pg_catalog.&) 9007199254740991)::pg_catalog.float8 '
	'OPERATOR(pg_catalog./) 9007199254740992 OPERATOR(pg_catalog.<) 0.3::pg_catalog.float8)',
	(SELECT model_id FROM al.learning_curve WHERE learner = 'par_s2' AND model_version = 3), 'entropy'));
SELECT al.drop_learner(l) FROM unnest(ARRAY['par_s1', 'par_s2']) l;

-- rounds that need more than each row's score stay serial and unchanged:
-- random scores by id
SET al_ext.parallel_rounds = on;
SELECT al.alter_learner('par_e', 'random', NULL);
SELECT pg_temp.forget_ranking('par_e'), al.run_learner('par_e');
SELECT count(*) AS ranked_random FROM pg_temp.ranking('par_e');

-- al._round_row itself: one row scored as the round scores it
SELECT model_id AS m1 FROM al.learning_curve WHERE learner = 'par_e' AND model_version = 1 \gset
SELECT s.score = float8send(r.score) AS same_score, s.probs::text = r.probs::text AS same_probs,
	abs(r.score + (SELECT sum(p * ln(p)) FROM unnest(r.probs::float8[]) p)) < 1e-6 AS entropy_by_hand
FROM par_pool p, al._round_row(:m1, 'entropy', p.x) r, par_serial_e s
WHERE p.id = 700 AND s.item_id = '700';
-- features a round skips: NULL
SELECT al._round_row(:m1, 'entropy', '{1,2,3}'::real[]) IS NULL AS other_length,
	al._round_row(:m1, 'entropy', '{1,2,3,NULL,5,6,7,8}'::real[]) IS NULL AS null_element,
	al._round_row(:m1, 'entropy', '{1,2,3,Infinity,5,6,7,8}'::float8[]) IS NULL AS not_finite,
	al._round_row(:m1, 'entropy', NULL::real[]) IS NULL AS null_features;
-- errors
\set VERBOSITY sqlstate
SELECT al._round_row(:m1, 'random', '{1,2,3,4,5,6,7,8}'::real[]);
SELECT al._round_row(:m1, 'expected_error_reduction', '{1,2,3,4,5,6,7,8}'::real[]);
SELECT al._round_row(-5, 'entropy', '{1,2,3,4,5,6,7,8}'::real[]);
CREATE TABLE par_ridge AS SELECT x, x[1] + x[2] AS v FROM par_pool WHERE id <= 50;
SELECT al.train_model('par_ridge_m', 'par_ridge', 'x', 'v', '{"family": "ridge"}') > 0 AS trained;
SELECT al._round_row((SELECT id FROM al.models WHERE name = 'par_ridge_m'), 'entropy', '{1,2,3,4,5,6,7,8}'::real[]);
-- a role without the view right on the learner may not use its model
CREATE ROLE par_stranger;
SET ROLE par_stranger;
SELECT al._round_row(:m1, 'entropy', '{1,2,3,4,5,6,7,8}'::real[]);
RESET ROLE;
\set VERBOSITY default
\set VERBOSITY terse
SELECT al._round_row((SELECT id FROM al.models WHERE name = 'par_ridge_m'), 'entropy', '{1,2,3,4,5,6,7,8}'::real[]);
SELECT al._round_row(:m1, 'random', '{1,2,3,4,5,6,7,8}'::real[]);
\set VERBOSITY default
SELECT al.drop_learner(l) FROM unnest(ARRAY['par_e', 'par_c', 'par_g']) l;
SELECT al.drop_model('par_ridge_m');
DROP ROLE par_stranger;
RESET al_ext.parallel_rounds;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
