-- Section 2c: option score_in "auto" over a VIEW of a distributed table
-- (a view over a view over pool): the round predicts on the shards as over
-- the table, and its ranking equals a twin's that reads the features
-- ("coordinator"); so does a view joining it with a local table.  A view
-- over a local table stays on the coordinator.
-- Needs pool and pool_local from check_aggregates.sql.
\set ON_ERROR_STOP 1
SET citus.log_remote_commands = off;
DROP VIEW IF EXISTS cv_pool, cv_inner, cv_local, cv_join CASCADE;
DROP TABLE IF EXISTS cv_keep;
CREATE VIEW cv_inner AS SELECT id, x FROM pool WHERE id % 5 <> 0;
CREATE VIEW cv_pool AS SELECT id, x FROM cv_inner;
\echo '-- the query of a round over the view: one task per shard, al._round_probs in each (value elided)'
EXPLAIN (VERBOSE, COSTS OFF) SELECT p.id::text, al._round_probs('\x00'::bytea, p.x) FROM cv_pool p;
CREATE TEMP TABLE cv_labels AS
SELECT id, CASE WHEN x[1] + x[2] > 0 THEN 'a' ELSE 'b' END AS y FROM pool_local WHERE id % 5 <> 0 ORDER BY id LIMIT 60;
SELECT al.create_learner('cv_auto', 'cv_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 100000, "seed": 3}') > 0 AS auto,
	al.create_learner('cv_coord', 'cv_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
		'{"retrain_every": 100000, "seed": 3, "score_in": "coordinator"}') > 0 AS coordinator;
SELECT count(al.label(l, id, y)) AS labeled FROM cv_labels, unnest(ARRAY['cv_auto', 'cv_coord']) l;
\echo '-- "auto" over the view predicts in the pool (the DEBUG1 line); the twin reads the features'
SET client_min_messages = debug1;
SELECT al.retrain('cv_auto'), al.run_learner('cv_auto') AS auto_round;
RESET client_min_messages;
SELECT al.retrain('cv_coord'), al.run_learner('cv_coord') AS coordinator_round;
SELECT count(*) AS rows,
	(SELECT count(*) FROM (
		SELECT item_id, float8send(score), probs::text, hot FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'cv_auto'
		EXCEPT ALL
		SELECT item_id, float8send(score), probs::text, hot FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'cv_coord') d) AS rows_differ
FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'cv_auto';
\echo '-- a view joining the distributed pool with a local table: Citus ships the local rows to the'
\echo '-- shards (a distributed subplan), the prediction stays in the shards'' tasks'
CREATE TABLE cv_keep AS SELECT id FROM pool_local WHERE id % 3 = 0;
CREATE VIEW cv_join AS SELECT p.id, p.x FROM pool p JOIN cv_keep k ON k.id = p.id;
EXPLAIN (VERBOSE, COSTS OFF) SELECT p.id::text, al._round_probs('\x00'::bytea, p.x) FROM cv_join p;
SELECT al.create_learner('cj_auto', 'cv_join', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 100000, "seed": 3}') > 0 AS auto,
	al.create_learner('cj_coord', 'cv_join', 'id', 'x', ARRAY['a', 'b'], 'entropy',
		'{"retrain_every": 100000, "seed": 3, "score_in": "coordinator"}') > 0 AS coordinator;
SELECT count(al.label(l, id, CASE WHEN x[1] + x[2] > 0 THEN 'a' ELSE 'b' END)) AS labeled
FROM (SELECT id, x FROM pool_local WHERE id % 3 = 0 ORDER BY id LIMIT 60) s, unnest(ARRAY['cj_auto', 'cj_coord']) l;
SET client_min_messages = debug1;
SELECT al.retrain('cj_auto'), al.run_learner('cj_auto') AS auto_round;
RESET client_min_messages;
SELECT al.retrain('cj_coord'), al.run_learner('cj_coord') AS coordinator_round;
SELECT count(*) AS rows,
	(SELECT count(*) FROM (
		SELECT item_id, float8send(score), probs::text, hot FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'cj_auto'
		EXCEPT ALL
		SELECT item_id, float8send(score), probs::text, hot FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'cj_coord') d) AS rows_differ
FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'cj_auto';

\echo '-- a view over a local table: "auto" reads the features (no DEBUG1 line)'
CREATE VIEW cv_local AS SELECT id, x FROM pool_local;
SELECT al.create_learner('cv_local', 'cv_local', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 100000, "seed": 3}') > 0 AS local;
SELECT count(al.label('cv_local', id, y)) AS labeled FROM cv_labels;
SET client_min_messages = debug1;
SELECT al.retrain('cv_local'), al.run_learner('cv_local') AS local_round;
RESET client_min_messages;
SELECT count(al.drop_learner(n)) AS dropped FROM unnest(ARRAY['cv_auto', 'cv_coord', 'cv_local', 'cj_auto', 'cj_coord']) n;
DROP VIEW cv_pool, cv_inner, cv_local, cv_join;
DROP TABLE cv_keep;
