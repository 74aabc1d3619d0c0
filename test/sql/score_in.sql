-- Option score_in (issue 12, item 2): a round that predicts in the pool's
-- query.  With "score_in": "pool" the round exports its model as a value and
-- runs ONE query, SELECT id::text, al._round_probs(value, x) FROM pool, so
-- that only ids and each member's probabilities reach the round (on Citus,
-- al._round_probs runs on the shards); the round takes the committee mean
-- and the strategy's score with the serial round's kernels.  Each learner
-- here has a twin with "score_in": "coordinator" (the round that reads the
-- features) over the same pool and labels: their rankings must be equal
-- bit for bit (scores as float8send, probabilities as text, predicted
-- class, hot rows, ranks).  No Citus here: "auto" scores on the coordinator.
-- White box: runs as a superuser, deletes al.ranking_state rows.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try
SET extra_float_digits = 3;
SELECT setseed(0.34);
-- 3,000 rows of 8 real features, then rows a round skips: NULL features, a
-- NULL element, another length, NaN, Infinity, and a NULL id
CREATE TABLE si_pool AS
SELECT i::bigint AS id, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 8) WHERE i > 0)::real[] AS x
FROM generate_series(1, 3000) i;
INSERT INTO si_pool VALUES (3001, NULL), (3002, '{1,2,3,NULL,5,6,7,8}'), (3003, '{1,2,3}'),
	(3004, '{1,2,3,NaN,5,6,7,8}'), (3005, '{1,2,3,Infinity,5,6,7,8}'), (NULL, '{1,1,1,1,1,1,1,1}');
-- the same rows in a partitioned table (three range partitions and a default)
CREATE TABLE si_part (id bigint, x real[]) PARTITION BY RANGE (id);
CREATE TABLE si_part_1 PARTITION OF si_part FOR VALUES FROM (1) TO (1001);
CREATE TABLE si_part_2 PARTITION OF si_part FOR VALUES FROM (1001) TO (2001);
CREATE TABLE si_part_3 PARTITION OF si_part FOR VALUES FROM (2001) TO (4001);
CREATE TABLE si_part_d PARTITION OF si_part DEFAULT;
INSERT INTO si_part SELECT * FROM si_pool;
ANALYZE si_pool, si_part;

\set rankings :abs_srcdir '/sql/include/rankings.sql'
\i :rankings
-- a label from the features
CREATE FUNCTION pg_temp.truth(x real[]) RETURNS text LANGUAGE sql AS $$
	SELECT CASE WHEN x[1] + x[2] > 1 THEN 'a' WHEN x[3] > 0 THEN 'b' ELSE 'c' END $$;

-- twins: entropy; a committee of 3 with bald; random; each in the pool and on the coordinator
SELECT al.create_learner('si_e', 'si_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
	'{"retrain_every": 100000, "seed": 3, "score_in": "pool"}') > 0 AS e,
	al.create_learner('sc_e', 'si_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
	'{"retrain_every": 100000, "seed": 3, "score_in": "coordinator"}') > 0 AS e_twin,
	al.create_learner('si_c', 'si_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'bald',
	'{"retrain_every": 100000, "seed": 4, "committee": 3, "score_in": "pool"}') > 0 AS c,
	al.create_learner('sc_c', 'si_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'bald',
	'{"retrain_every": 100000, "seed": 4, "committee": 3}') > 0 AS c_twin,
	al.create_learner('si_r', 'si_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'random',
	'{"retrain_every": 100000, "seed": 5, "score_in": "pool"}') > 0 AS r,
	al.create_learner('sc_r', 'si_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'random',
	'{"retrain_every": 100000, "seed": 5}') > 0 AS r_twin;
-- the option is stored when not the default ("auto")
SELECT name, options->'score_in' AS score_in FROM al.learners WHERE name IN ('si_e', 'sc_e', 'si_c', 'sc_c', 'si_r', 'sc_r') ORDER BY name;
-- cold start: the same seeded batches
SELECT pg_temp.batch('si_e', 5) = pg_temp.batch('sc_e', 5) AS same_cold_batch;
SELECT count(al.label(l, id, pg_temp.truth(x))) AS labeled
FROM si_pool, unnest(ARRAY['si_e', 'sc_e', 'si_c', 'sc_c', 'si_r', 'sc_r']) l WHERE id <= 60;

-- the first rounds: train version 1 and rank; the pool rounds say so at DEBUG1
SET client_min_messages = debug1;
SELECT al.retrain('si_e'), al.run_learner('si_e') AS si_e;
RESET client_min_messages;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['sc_e', 'si_c', 'sc_c', 'si_r', 'sc_r']) l;
-- 2,940 unlabeled rows with usable features, all hot (fewer than 10,000)
SELECT l, (pg_temp.summary(l)).* FROM unnest(ARRAY['si_e', 'si_c', 'si_r']) l;
SELECT pg_temp.differ('si_e', 'sc_e') AS differ_e, pg_temp.differ('si_c', 'sc_c') AS differ_c,
	pg_temp.differ('si_r', 'sc_r') AS differ_r,
	(SELECT count(DISTINCT score) > 2900 FROM pg_temp.ranking('si_e')) AS distinct_scores;
-- the skipped rows are in neither ranking; labeled rows are not either
SELECT count(*) AS skipped_or_labeled FROM pg_temp.ranking('si_e')
WHERE item_id::bigint > 3000 OR item_id::bigint <= 60;
-- the same batches (leases) from both
SELECT pg_temp.batch('si_e', 10) = pg_temp.batch('sc_e', 10) AS same_batch,
	pg_temp.batch('si_c', 10) = pg_temp.batch('sc_c', 10) AS same_batch_c;

-- one row by hand: al._round_probs of the exported version gives each
-- member's probabilities; their mean in double, rounded to real, is the
-- ranking's probabilities, and the entropy of those is the score
SELECT al.model_export('learner/si_c') AS mc, al.model_export('learner/si_e') AS me \gset
SELECT array_length(al._round_probs(:'mc', x), 1) AS members_x_classes,
	(SELECT array_agg(avg::real ORDER BY c)::text FROM (
		SELECT c, avg(v::float8) FROM unnest(al._round_probs(:'mc', x)) WITH ORDINALITY u(v, o),
			LATERAL (SELECT (o - 1) % 3 + 1 AS c) cc GROUP BY c) m) = s.probs::real[]::text AS mean_is_probs
FROM si_pool p, al.scores s JOIN al.learners l ON l.id = s.learner_id
WHERE l.name = 'si_c' AND p.id = 700 AND s.item_id = '700';
SELECT al._round_probs(:'me', x)::text = s.probs::real[]::text AS probs,
	abs(s.score + (SELECT sum(v * ln(v)) FROM unnest(s.probs::float8[]) v)) < 1e-6 AS entropy_by_hand,
	al._round_probs(:'me', x::float8[])::text = al._round_probs(:'me', x)::text AS float8_features
FROM si_pool p, al.scores s JOIN al.learners l ON l.id = s.learner_id
WHERE l.name = 'si_e' AND p.id = 700 AND s.item_id = '700';
-- features a round skips: NULL
SELECT al._round_probs(:'me', '{1,2,3}'::real[]) IS NULL AS other_length,
	al._round_probs(:'me', '{1,2,3,NULL,5,6,7,8}'::real[]) IS NULL AS null_element,
	al._round_probs(:'me', '{1,2,3,NaN,5,6,7,8}'::float8[]) IS NULL AS nan,
	al._round_probs(:'me', '{1,2,3,1e300,5,6,7,8}'::float8[]) IS NULL AS beyond_real,
	al._round_probs(:'me', '{{1,2,3,4},{5,6,7,8}}'::real[]) IS NULL AS two_dimensions,
	al._round_probs(:'me', NULL::real[]) IS NULL AS null_features;

-- between rounds: labels (rows leave), new rows and deleted rows (the pool
-- count changes, so the next round ranks again); no retrain
SELECT count(al.label(l, id, pg_temp.truth(x))) AS labeled
FROM si_pool, unnest(ARRAY['si_e', 'sc_e', 'si_c', 'sc_c']) l WHERE id BETWEEN 61 AND 65;
INSERT INTO si_pool SELECT i, ARRAY[1, 2, 3, 4, 5, 6, 7, i % 5]::real[] FROM generate_series(3006, 3012) i;
DELETE FROM si_pool WHERE id IN (100, 200, 300);
SELECT al.run_learner(l) FROM unnest(ARRAY['si_e', 'sc_e', 'si_c', 'sc_c']) l;
SELECT (pg_temp.summary('si_e')).*, pg_temp.differ('si_e', 'sc_e') AS differ_e,
	pg_temp.differ('si_c', 'sc_c') AS differ_c;
SELECT count(*) FILTER (WHERE item_id IN ('61', '65', '100', '300')) AS gone,
	count(*) FILTER (WHERE item_id::bigint BETWEEN 3006 AND 3012) AS new_rows
FROM pg_temp.ranking('si_e');
-- a retrain (version 2), and the same batches again
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['si_e', 'sc_e', 'si_c', 'sc_c']) l;
SELECT (pg_temp.summary('si_e')).*, pg_temp.differ('si_e', 'sc_e') AS differ_e,
	pg_temp.differ('si_c', 'sc_c') AS differ_c;
SELECT pg_temp.batch('si_e', 10) = pg_temp.batch('sc_e', 10) AS same_batch,
	pg_temp.batch('si_c', 10) = pg_temp.batch('sc_c', 10) AS same_batch_c;
-- the learning curves agree (the mean uncertainty is summed in another order)
SELECT a.model_version, abs(a.mean_uncertainty - b.mean_uncertainty) < 1e-12 AS same_uncertainty,
	a.labels_used = b.labels_used AS same_labels
FROM al.learning_curve a JOIN al.learning_curve b USING (model_version)
WHERE a.learner = 'si_e' AND b.learner = 'sc_e' ORDER BY 1;

-- a pool of more than 10,000 rows: the hot rows are the first 10,000
INSERT INTO si_pool SELECT i, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 8) WHERE i > 0)::real[]
FROM generate_series(3013, 12500) i;
SELECT al.run_learner(l) FROM unnest(ARRAY['si_e', 'sc_e']) l;
SELECT (pg_temp.summary('si_e')).*, pg_temp.differ('si_e', 'sc_e') AS differ_e;
SELECT count(*) FILTER (WHERE hot AND pos <= 10000) AS hot_first
FROM (SELECT s.hot, row_number() OVER (ORDER BY s.score DESC, s.item_id) AS pos
	FROM pg_temp.ranking('si_e') s0 JOIN al.scores s ON s.item_id = s0.item_id
	JOIN al.learners l ON l.id = s.learner_id AND l.name = 'si_e') r;
-- scored in hash buckets of the ids when the rows would take more than
-- al_ext.selection_max_memory: the same ranking
SET al_ext.selection_max_memory = '256kB';
SELECT pg_temp.forget_ranking('si_e'), al.run_learner('si_e');
RESET al_ext.selection_max_memory;
SELECT pg_temp.differ('si_e', 'sc_e') AS differ_bucketed;
-- al_ext.parallel_rounds does not change a pool round (its query may be parallel anyway)
SET al_ext.parallel_rounds = on;
SELECT pg_temp.forget_ranking('si_e'), al.run_learner('si_e');
RESET al_ext.parallel_rounds;
SELECT pg_temp.differ('si_e', 'sc_e') AS differ_parallel_rounds;

-- a partitioned pool: twins over si_part
SELECT al.create_learner('si_p', 'si_part', 'id', 'x', ARRAY['a', 'b', 'c'], 'margin_confidence',
	'{"retrain_every": 100000, "seed": 6, "score_in": "pool"}') > 0 AS p,
	al.create_learner('sc_p', 'si_part', 'id', 'x', ARRAY['a', 'b', 'c'], 'margin_confidence',
	'{"retrain_every": 100000, "seed": 6}') > 0 AS p_twin;
SELECT count(al.label(l, id, pg_temp.truth(x))) AS labeled
FROM si_part, unnest(ARRAY['si_p', 'sc_p']) l WHERE id <= 40 OR id BETWEEN 1500 AND 1520;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['si_p', 'sc_p']) l;
SELECT (pg_temp.summary('si_p')).*, pg_temp.differ('si_p', 'sc_p') AS differ_p;
DELETE FROM si_part WHERE id BETWEEN 2500 AND 2509;
INSERT INTO si_part VALUES (5000, '{0,0,0,0,0,0,0,0}');
SELECT al.run_learner(l) FROM unnest(ARRAY['si_p', 'sc_p']) l;
SELECT (pg_temp.summary('si_p')).*, pg_temp.differ('si_p', 'sc_p') AS differ_p,
	pg_temp.batch('si_p', 10) = pg_temp.batch('sc_p', 10) AS same_batch;

-- 768 features, stored out of line: uncompressed (random values) and
-- compressed (repeating values), as real[] and as double precision[]
CREATE TABLE si_wide (id integer, x real[]);
ALTER TABLE si_wide ALTER COLUMN x SET STORAGE EXTERNAL;
INSERT INTO si_wide SELECT i, ARRAY(SELECT (random() * 2 - 1 + (i % 3))::real FROM generate_series(1, 768) WHERE i > 0)
FROM generate_series(1, 150) i;
ALTER TABLE si_wide ALTER COLUMN x SET STORAGE EXTENDED;
INSERT INTO si_wide SELECT i, ARRAY(SELECT ((j % 4) * 0.25 + (i % 3) - 1)::real FROM generate_series(1, 768) j WHERE i > 0)
FROM generate_series(151, 300) i;
INSERT INTO si_wide VALUES (301, array_fill(NULL::real, ARRAY[768])), (302, array_fill(1::real, ARRAY[767]));
CREATE TABLE si_wide8 AS SELECT id, x::float8[] AS x FROM si_wide;
SELECT count(*) FILTER (WHERE pg_column_compression(x) IS NULL AND pg_column_size(x) > 3000) AS out_of_line_plain,
	count(*) FILTER (WHERE pg_column_compression(x) IS NOT NULL) AS compressed
FROM si_wide;
SELECT al.create_learner('si_w', 'si_wide', 'id', 'x', ARRAY['a', 'b', 'c'], 'least_confidence',
	'{"retrain_every": 100000, "seed": 7, "score_in": "pool"}') > 0 AS w,
	al.create_learner('sc_w', 'si_wide', 'id', 'x', ARRAY['a', 'b', 'c'], 'least_confidence',
	'{"retrain_every": 100000, "seed": 7}') > 0 AS w_twin,
	al.create_learner('si_w8', 'si_wide8', 'id', 'x', ARRAY['a', 'b', 'c'], 'ratio_confidence',
	'{"retrain_every": 100000, "seed": 8, "committee": 2, "score_in": "pool"}') > 0 AS w8,
	al.create_learner('sc_w8', 'si_wide8', 'id', 'x', ARRAY['a', 'b', 'c'], 'ratio_confidence',
	'{"retrain_every": 100000, "seed": 8, "committee": 2}') > 0 AS w8_twin;
SELECT count(al.label(l, id, (ARRAY['a', 'b', 'c'])[id % 3 + 1])) AS labeled
FROM si_wide, unnest(ARRAY['si_w', 'sc_w', 'si_w8', 'sc_w8']) l WHERE id % 25 < 2;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['si_w', 'sc_w', 'si_w8', 'sc_w8']) l;
SELECT (pg_temp.summary('si_w')).*, pg_temp.differ('si_w', 'sc_w') AS differ_w,
	(pg_temp.summary('si_w8')).rows AS rows_w8, pg_temp.differ('si_w8', 'sc_w8') AS differ_w8;

-- option rescore_sample in the pool's query: the draw's condition on the
-- ids' hash goes into the query (on Citus, to the shards), so only the
-- drawn rows are predicted and sent; the twin that reads the features
-- ranks the same, bit for bit, model versions included
\set drawn :abs_srcdir '/sql/include/drawn.sql'
\i :drawn
SELECT al.create_learner('si_s', 'si_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'bald',
	'{"retrain_every": 100000, "seed": 9, "committee": 2, "rescore_sample": 0.3, "score_in": "pool"}') > 0 AS s,
	al.create_learner('sc_s', 'si_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'bald',
	'{"retrain_every": 100000, "seed": 9, "committee": 2, "rescore_sample": 0.3, "score_in": "coordinator"}') > 0 AS s_twin;
SELECT count(al.label(l, id, pg_temp.truth(x))) AS labeled
FROM si_pool, unnest(ARRAY['si_s', 'sc_s']) l WHERE id <= 60;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['si_s', 'sc_s']) l;
SELECT (pg_temp.summary('si_s')).*, pg_temp.differ('si_s', 'sc_s') AS differ_v1;
SELECT count(al.label(l, id, pg_temp.truth(x))) AS labeled
FROM si_pool, unnest(ARRAY['si_s', 'sc_s']) l WHERE id BETWEEN 61 AND 90;
SET client_min_messages = debug1;
SELECT al.retrain('si_s'), al.run_learner('si_s');
RESET client_min_messages;
SELECT al.retrain('sc_s'), al.run_learner('sc_s');
SELECT (pg_temp.summary('si_s')).*, pg_temp.differ('si_s', 'sc_s') AS differ_v2,
	(SELECT count(*) FROM pg_temp.ranking('si_s') WHERE item_id::bigint <= 90) AS labeled_in_ranking,
	(SELECT count(*) FILTER (WHERE model_version = 2) FROM pg_temp.ranking('si_s')) AS v2,
	(SELECT bool_and((model_version = 2) = pg_temp.drawn(item_id, 9, 2, 0.3)) FROM pg_temp.ranking('si_s')) AS v2_are_drawn;
SELECT pg_temp.batch('si_s', 10) = pg_temp.batch('sc_s', 10) AS same_batch_s;

-- "auto" without Citus: the round reads the pool (no DEBUG1 line)
SELECT al.alter_learner('si_e', NULL, '{"score_in": "auto"}');
SELECT options ? 'score_in' AS shown FROM al.learners WHERE name = 'si_e';
SET client_min_messages = debug1;
SELECT pg_temp.forget_ranking('si_e'), al.run_learner('si_e');
RESET client_min_messages;
SELECT pg_temp.differ('si_e', 'sc_e') AS differ_auto;

-- errors: bad values (22023)
SELECT v, pg_temp.try(format('SELECT al.alter_learner(%L, NULL, %L)', 'si_e', format('{"score_in": %s}', v)))
FROM unnest(ARRAY['"nowhere"', '1', 'null', '"POOL"', 'true', '["pool"]']) v;
-- what needs the round that reads the features: refused with "pool" (0A000)
SELECT pg_temp.try(format('SELECT al.alter_learner(%L, %L, %L)', 'si_e', st, o)) AS refused
FROM (VALUES (NULL, '{"score_in": "pool", "batch": "kcenter"}'), (NULL, '{"score_in": "pool", "batch": "badge"}'),
	(NULL, '{"score_in": "pool", "batch": "ranked"}'), (NULL, '{"score_in": "pool", "batch": "balanced"}'),
	(NULL, '{"score_in": "pool", "explore": {"epsilon": 0.1}}'), (NULL, '{"score_in": "pool", "sample": 100}'),
	(NULL, '{"score_in": "pool", "density": 1}'),
	('expected_gradient_length', '{"score_in": "pool"}'), ('expected_error_reduction', '{"score_in": "pool"}')) t(st, o);
CREATE TABLE si_ppool (id integer, p al.probvec);
-- (multi-label and regression learners score in the pool: score_in_families)
SELECT pg_temp.try($$SELECT al.create_learner('si_bad', 'si_ppool', 'id', 'p', ARRAY['a', 'b'], 'entropy', '{"score_in": "pool", "predictions": true}')$$) AS predictions;
-- and the other way round: a pool learner cannot be given such options
SELECT pg_temp.try($$SELECT al.alter_learner('si_c', NULL, '{"sample": 100}')$$) AS sample,
	pg_temp.try($$SELECT al.alter_learner('si_r', 'expected_gradient_length', NULL)$$) AS egl;
-- one in full (detail and hint)
SELECT al.alter_learner('si_c', NULL, '{"batch": "kcenter"}');
-- "auto" and "coordinator" take them
SELECT pg_temp.try($$SELECT al.alter_learner('si_e', NULL, '{"batch": "kcenter"}')$$) AS auto_kcenter,
	pg_temp.try($$SELECT al.alter_learner('si_e', NULL, '{"score_in": "coordinator", "batch": "topk"}')$$) AS coordinator;
-- al._round_probs with a malformed value or a model of another family
CREATE TABLE si_ridge AS SELECT x, x[1] + x[2] AS v FROM si_pool WHERE id <= 50;
SELECT al.train_model('si_ridge_m', 'si_ridge', 'x', 'v', '{"family": "ridge"}') > 0 AS trained;
SELECT pg_temp.try($$SELECT al._round_probs('\x00'::bytea, '{1,2}'::real[])$$) AS short,
	pg_temp.try(format('SELECT al._round_probs(%L::bytea || %L::bytea, %L::real[])', :'me', '\x00', '{1,2}')) AS trailing;
SELECT pg_temp.try($$SELECT al._round_probs(al.model_export('si_ridge_m'), '{1,2,3,4,5,6,7,8}'::real[])$$) AS ridge;

-- a learner owned by a plain role: its rounds read the pool as the owner,
-- whoever runs them (a superuser here), and the annotator needs no right
-- on the pool
CREATE ROLE si_owner;
CREATE ROLE si_annotator;
GRANT SELECT (id, x) ON si_pool TO si_owner;
SET ROLE si_owner;
SELECT al.create_learner('si_o', 'si_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
	'{"retrain_every": 100000, "seed": 3, "score_in": "pool"}') > 0 AS created;
SELECT al.grant_learner('si_o', 'si_annotator', 'annotate');
RESET ROLE;
SET ROLE si_annotator;
SELECT count(al.label('si_o', i::bigint, (ARRAY['a', 'b', 'c'])[i % 3 + 1])) AS labeled FROM generate_series(1, 60) i;
RESET ROLE;
SET ROLE si_owner;
SELECT al.retrain('si_o'), al.run_learner('si_o');
SELECT count(*) AS ranked FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'si_o';
RESET ROLE;
SET ROLE si_annotator;
SELECT count(*) AS batch FROM al.next_batch('si_o', 5);
SELECT pg_temp.try($$SELECT al.run_learner('si_o')$$) AS annotator_runs;
RESET ROLE;
-- the owner loses the right to read the features: a superuser's round fails
REVOKE SELECT (x) ON si_pool FROM si_owner;
SELECT pg_temp.try($$SELECT al.retrain('si_o') || al.run_learner('si_o')$$) AS without_right;
GRANT SELECT (x) ON si_pool TO si_owner;
SELECT al.retrain('si_o'), al.run_learner('si_o');
SELECT (pg_temp.summary('si_o')).rows;

SELECT count(al.drop_learner(name)) AS dropped FROM al.learners
WHERE name IN ('si_e', 'sc_e', 'si_c', 'sc_c', 'si_r', 'sc_r', 'si_p', 'sc_p', 'si_w', 'sc_w', 'si_w8', 'sc_w8', 'si_o',
	'si_s', 'sc_s');
SELECT al.drop_model('si_ridge_m');
DROP TABLE si_pool, si_part, si_wide, si_wide8, si_ppool, si_ridge;
DROP ROLE si_owner;
DROP ROLE si_annotator;
