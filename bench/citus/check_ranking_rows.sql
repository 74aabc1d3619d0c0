-- Part 2e of the Citus check (bench/citus/check.sh runs it after
-- check_rescore.sql; pool and pool_local come from check_aggregates.sql):
-- option ranking_rows on a distributed pool.  The shards predict every row
-- (score_in "pool") and send ids and probabilities; the coordinator scores
-- them, keeps the best N in memory and writes only those N rows, instead of
-- the whole ranking.  The distributed learner must rank as its twin over
-- the local copy, bit for bit, and hold the first N rows of a full twin's
-- ranking.  Uses same_ranking_v from check_rescore.sql, median and time_rounds
-- from check_learner.sql, and part 2d's 768-feature pool (swide).
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
CALL time_rounds('rdist', NULL, 3, NULL) \gset r_dist_
CALL time_rounds('rfull', NULL, 3, NULL) \gset r_full_
CALL time_rounds('rloc', NULL, 3, NULL) \gset r_loc_
SELECT (same_ranking_v('rdist', 'rloc')).*, head_differ('rdist', 'rfull', 1000) AS differ_from_full_head;
SELECT 'ranking_rows 1000, in the shards' AS round_200k_x_8, :'r_dist_ms'::float8[] AS ms, median(:'r_dist_ms'::float8[]) AS median
UNION ALL SELECT 'whole ranking, in the shards', :'r_full_ms'::float8[], median(:'r_full_ms'::float8[])
UNION ALL SELECT 'ranking_rows 1000, local copy', :'r_loc_ms'::float8[], median(:'r_loc_ms'::float8[]);

\echo '== 2e. the same with 768 features, 100,000 rows (TOASTed)'
-- (swide and swide_local: the pool of part 2d, check_rescore.sql, which leaves them for this part)
SELECT al.create_learner('rwdist', 'swide', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 8, "ranking_rows": 1000}') > 0 AS rwdist,
       al.create_learner('rwloc', 'swide_local', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 8, "ranking_rows": 1000}') > 0 AS rwloc,
       al.create_learner('rwfull', 'swide', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 8}') > 0 AS rwfull;
SELECT count(al.label(l, id, (ARRAY['a', 'b', 'c'])[id % 3 + 1])) AS labeled
FROM swide_local, unnest(ARRAY['rwdist', 'rwloc', 'rwfull']) l WHERE id <= 90;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['rwdist', 'rwloc', 'rwfull']) l;
CALL time_rounds('rwdist', NULL, 3, NULL) \gset w_dist_
CALL time_rounds('rwfull', NULL, 3, NULL) \gset w_full_
CALL time_rounds('rwloc', NULL, 3, NULL) \gset w_loc_
SELECT (same_ranking_v('rwdist', 'rwloc')).*, head_differ('rwdist', 'rwfull', 1000) AS differ_from_full_head;
SELECT 'ranking_rows 1000, in the shards' AS round_100k_x_768, :'w_dist_ms'::float8[] AS ms, median(:'w_dist_ms'::float8[]) AS median
UNION ALL SELECT 'whole ranking, in the shards', :'w_full_ms'::float8[], median(:'w_full_ms'::float8[])
UNION ALL SELECT 'ranking_rows 1000, local copy', :'w_loc_ms'::float8[], median(:'w_loc_ms'::float8[]);
SELECT al.drop_learner(l) FROM unnest(ARRAY['rdist', 'rloc', 'rfull', 'rwdist', 'rwloc', 'rwfull']) l;
DROP TABLE swide, swide_local;
