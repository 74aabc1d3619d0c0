-- Part 2e of the Citus check (bench/citus/check.sh runs it after
-- check_rescore.sql; pool and pool_local come from check_aggregates.sql):
-- option ranking_rows on a distributed pool.  The shards predict every row
-- (score_in "pool") and send ids and probabilities; the coordinator scores
-- them, keeps the best N in memory and writes only those N rows, instead of
-- the whole ranking.  The distributed learner must rank as its twin over
-- the local copy, bit for bit, and hold the first N rows of a full twin's
-- ranking.  Uses same_ranking_v, median from check_rescore.sql.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
SELECT al.drop_learner(name) FROM al.learners WHERE name IN ('rdist', 'rloc', 'rfull', 'rwdist', 'rwloc', 'rwfull');
RESET client_min_messages;
-- rows of limited's ranking that are not among the first n of full's, and back (score, probabilities, version)
CREATE OR REPLACE FUNCTION head_differ(limited text, full_twin text, n bigint) RETURNS bigint LANGUAGE sql AS $$
	WITH h AS (SELECT s.item_id, s.score, s.probs::text AS probs, s.model_version FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
	           WHERE l.name = full_twin ORDER BY s.score DESC, s.item_id LIMIT n),
	     r AS (SELECT s.item_id, s.score, s.probs::text AS probs, s.model_version FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
	           WHERE l.name = limited)
	SELECT (SELECT count(*) FROM (SELECT * FROM r EXCEPT ALL SELECT * FROM h) a)
	     + (SELECT count(*) FROM (SELECT * FROM h EXCEPT ALL SELECT * FROM r) b) $$;
-- full rounds (no retrain: the ranking forgotten, so the round ranks again); milliseconds of each
CREATE OR REPLACE PROCEDURE time_rank(learner text, runs int, INOUT ms float8[] DEFAULT NULL)
LANGUAGE plpgsql AS $$
DECLARE t timestamptz;
BEGIN
	ms := '{}';
	FOR i IN 1..runs LOOP
		DELETE FROM al.ranking_state WHERE learner_id = (SELECT id FROM al.learners WHERE name = learner);
		COMMIT;
		t := clock_timestamp();
		PERFORM al.run_learner(learner);
		COMMIT;
		ms := ms || round(extract(epoch FROM clock_timestamp() - t) * 1000, 1)::float8;
	END LOOP;
END $$;

\echo '== 2e. option ranking_rows on a distributed pool: 8 features, 200,000 rows, the best 1,000 kept'
SELECT al.create_learner('rdist', 'pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 7, "ranking_rows": 1000}') > 0 AS rdist,
       al.create_learner('rloc', 'pool_local', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 7, "ranking_rows": 1000}') > 0 AS rloc,
       al.create_learner('rfull', 'pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 7}') > 0 AS rfull;
SELECT count(al.label(l, id, truth(x))) AS labeled
FROM (SELECT id, x FROM pool_local WHERE id % 3331 = 7 OR id <= 30 ORDER BY id LIMIT 60) s,
     unnest(ARRAY['rdist', 'rloc', 'rfull']) l;
SET client_min_messages = debug1;
SELECT al.retrain('rdist'), al.run_learner('rdist');
RESET client_min_messages;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['rloc', 'rfull']) l;
SELECT (same_ranking_v('rdist', 'rloc')).*, head_differ('rdist', 'rfull', 1000) AS differ_from_full_head,
       (SELECT unlabeled FROM al.learner_status WHERE learner = 'rdist') AS unlabeled_scored;
SELECT (SELECT array_agg(item_id ORDER BY item_id) FROM al.next_batch('rdist', 10))
     = (SELECT array_agg(item_id ORDER BY item_id) FROM al.next_batch('rfull', 10)) AS same_batch;
SELECT al.release(l, ARRAY(SELECT item_id::bigint FROM al.my_batch(l))) FROM unnest(ARRAY['rdist', 'rfull']) l;
\echo '-- rounds that rank the pool: the best 1,000 kept vs the whole ranking, in the shards and locally'
CALL time_rank('rdist', 3, NULL) \gset r_dist_
CALL time_rank('rfull', 3, NULL) \gset r_full_
CALL time_rank('rloc', 3, NULL) \gset r_loc_
SELECT (same_ranking_v('rdist', 'rloc')).*, head_differ('rdist', 'rfull', 1000) AS differ_from_full_head;
SELECT 'ranking_rows 1000, in the shards' AS round_200k_x_8, :'r_dist_ms'::float8[] AS ms, median(:'r_dist_ms'::float8[]) AS median
UNION ALL SELECT 'whole ranking, in the shards', :'r_full_ms'::float8[], median(:'r_full_ms'::float8[])
UNION ALL SELECT 'ranking_rows 1000, local copy', :'r_loc_ms'::float8[], median(:'r_loc_ms'::float8[]);

\echo '== 2e. the same with 768 features, 100,000 rows (TOASTed)'
DROP TABLE IF EXISTS rwide, rwide_local;
CREATE TABLE rwide_local (id bigint PRIMARY KEY, x real[]);
INSERT INTO rwide_local SELECT i, ARRAY(SELECT (random() * 2 - 1 + (i % 3) * (j % 2) * 0.2)::real
                                        FROM generate_series(1, 768) j WHERE i > 0)
FROM generate_series(1, 100000) i;
CREATE TABLE rwide (LIKE rwide_local INCLUDING ALL);
SELECT create_distributed_table('rwide', 'id');
INSERT INTO rwide SELECT * FROM rwide_local;
ANALYZE rwide, rwide_local;
SELECT al.create_learner('rwdist', 'rwide', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 8, "ranking_rows": 1000}') > 0 AS rwdist,
       al.create_learner('rwloc', 'rwide_local', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 8, "ranking_rows": 1000}') > 0 AS rwloc,
       al.create_learner('rwfull', 'rwide', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 8}') > 0 AS rwfull;
SELECT count(al.label(l, id, (ARRAY['a', 'b', 'c'])[id % 3 + 1])) AS labeled
FROM rwide_local, unnest(ARRAY['rwdist', 'rwloc', 'rwfull']) l WHERE id <= 90;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['rwdist', 'rwloc', 'rwfull']) l;
CALL time_rank('rwdist', 3, NULL) \gset w_dist_
CALL time_rank('rwfull', 3, NULL) \gset w_full_
CALL time_rank('rwloc', 3, NULL) \gset w_loc_
SELECT (same_ranking_v('rwdist', 'rwloc')).*, head_differ('rwdist', 'rwfull', 1000) AS differ_from_full_head;
SELECT 'ranking_rows 1000, in the shards' AS round_100k_x_768, :'w_dist_ms'::float8[] AS ms, median(:'w_dist_ms'::float8[]) AS median
UNION ALL SELECT 'whole ranking, in the shards', :'w_full_ms'::float8[], median(:'w_full_ms'::float8[])
UNION ALL SELECT 'ranking_rows 1000, local copy', :'w_loc_ms'::float8[], median(:'w_loc_ms'::float8[]);
SELECT al.drop_learner(l) FROM unnest(ARRAY['rdist', 'rloc', 'rfull', 'rwdist', 'rwloc', 'rwfull']) l;
DROP TABLE rwide, rwide_local;
