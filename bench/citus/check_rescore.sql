-- Part 2d of the Citus check (bench/citus/check.sh runs it after
-- check_learner.sql; pool and pool_local come from check_aggregates.sql):
-- option rescore_sample on a distributed pool.  The draw (a seeded hash of
-- each id's text) is a condition of the round's query, so the shards
-- predict only the drawn rows and send only their ids and probabilities;
-- the other rows keep their scores on the coordinator.  Twins over the
-- distributed pool and its local copy must rank the same, bit for bit.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
SELECT al.drop_learner(name) FROM al.learners WHERE name IN ('sdist', 'sloc', 'swdist', 'swloc');
RESET client_min_messages;
CREATE OR REPLACE FUNCTION truth(x real[]) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN x[1] >= x[2] AND x[1] >= x[3] THEN 'a' WHEN x[2] >= x[3] THEN 'b' ELSE 'c' END $$;
-- the rankings of two learners: rows, and rows identical in score, probabilities, rank, hot mark and model version
CREATE OR REPLACE FUNCTION same_ranking_v(a text, b text, OUT rows_a bigint, OUT rows_b bigint, OUT identical bigint)
LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = a),
	       (SELECT count(*) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = b),
	       count(*) FILTER (WHERE d.score = o.score AND d.probs::text = o.probs::text AND d.predicted = o.predicted
	                        AND d.rank IS NOT DISTINCT FROM o.rank AND d.hot = o.hot AND d.model_version = o.model_version)
	FROM (SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = a) d
	JOIN (SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = b) o USING (item_id) $$;
-- the rows of a learner's ranking by model version
CREATE OR REPLACE FUNCTION versions(learner text) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(v || ': ' || n, ', ' ORDER BY v) FROM (
		SELECT s.model_version AS v, count(*) AS n FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
		WHERE l.name = learner GROUP BY 1) c $$;
-- rounds that each retrain (a new version: a new draw) and rescore the drawn
-- rows; with option score_in set first, or a full rescore (rescore_sample
-- off) when full; milliseconds of each run_learner, each in its own transaction
CREATE OR REPLACE PROCEDURE time_sampled(learner text, score_in text, full_round boolean, runs int,
                                         INOUT ms float8[] DEFAULT NULL)
LANGUAGE plpgsql AS $$
DECLARE t timestamptz;
BEGIN
	PERFORM al.alter_learner(learner, NULL, jsonb_build_object('score_in', coalesce(score_in, 'auto')));
	COMMIT;
	ms := '{}';
	FOR i IN 1..runs LOOP
		PERFORM al.retrain(learner);
		IF full_round THEN
			DELETE FROM al.ranking_state WHERE learner_id = (SELECT id FROM al.learners WHERE name = learner);
		END IF;
		COMMIT;
		t := clock_timestamp();
		PERFORM al.run_learner(learner);
		COMMIT;
		ms := ms || round(extract(epoch FROM clock_timestamp() - t) * 1000, 1)::float8;
	END LOOP;
END $$;
CREATE OR REPLACE FUNCTION median(v float8[]) RETURNS float8 LANGUAGE sql AS
$$ SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(v) x $$;

\echo '== 2d. option rescore_sample on a distributed pool: 8 features, 200,000 rows, 10% a round'
SELECT al.create_learner('sdist', 'pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 5, "rescore_sample": 0.1}') > 0 AS sdist,
       al.create_learner('sloc', 'pool_local', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 5, "rescore_sample": 0.1}') > 0 AS sloc;
SELECT count(al.label(l, id, truth(x))) AS labeled
FROM (SELECT id, x FROM pool_local WHERE id % 3331 = 7 OR id <= 30 ORDER BY id LIMIT 60) s, unnest(ARRAY['sdist', 'sloc']) l;
\echo '-- version 1: no earlier ranking, every row'
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['sdist', 'sloc']) l;
SELECT (same_ranking_v('sdist', 'sloc')).*, versions('sdist') AS versions;
\echo '-- version 2: 30 more labels; the distributed round says where it scores (DEBUG1)'
SELECT count(al.label(l, id, truth(x))) AS labeled
FROM (SELECT id, x FROM pool_local WHERE id BETWEEN 31 AND 60) s, unnest(ARRAY['sdist', 'sloc']) l;
SET client_min_messages = debug1;
SELECT al.retrain('sdist'), al.run_learner('sdist');
RESET client_min_messages;
SELECT al.retrain('sloc'), al.run_learner('sloc');
SELECT (same_ranking_v('sdist', 'sloc')).*, versions('sdist') AS versions;
SELECT (SELECT array_agg(item_id ORDER BY item_id) FROM al.next_batch('sdist', 10))
     = (SELECT array_agg(item_id ORDER BY item_id) FROM al.next_batch('sloc', 10)) AS same_batch;
SELECT al.release(l, ARRAY(SELECT item_id::bigint FROM al.my_batch(l))) FROM unnest(ARRAY['sdist', 'sloc']) l;
\echo '-- the round''s query, as the round builds it (the draw of version 3), planned by Citus'
SELECT al.model_export('learner/sdist') AS model \gset
EXPLAIN (VERBOSE, COSTS OFF)
SELECT p.id::pg_catalog.text, al._round_probs(:'model'::pg_catalog.bytea, p.x) FROM public.pool p
WHERE ((pg_catalog.hashtextextended((p.id::pg_catalog.text) COLLATE pg_catalog."C", 12884901893::pg_catalog.int8)
        OPERATOR(pg_catalog.>>) 11 OPERATOR(pg_catalog.&) 9007199254740991)::pg_catalog.float8
       OPERATOR(pg_catalog./) 9007199254740992 OPERATOR(pg_catalog.<) '0.10000000000000001'::pg_catalog.float8);
\echo '-- rounds of 10% (a retrain each): in the shards, on the coordinator, locally; and full rounds in the shards'
CALL time_sampled('sdist', 'pool', false, 3, NULL) \gset s_pool_
CALL time_sampled('sloc', NULL, false, 3, NULL) \gset s_loc_
SELECT (same_ranking_v('sdist', 'sloc')).*, versions('sdist') AS versions;
CALL time_sampled('sdist', 'coordinator', false, 3, NULL) \gset s_coord_
CALL time_sampled('sloc', NULL, false, 3, NULL) \gset s_loc2_
SELECT (same_ranking_v('sdist', 'sloc')).*;
CALL time_sampled('sdist', 'pool', true, 3, NULL) \gset s_full_
SELECT 'sampled, in the shards' AS sdist_round, :'s_pool_ms'::float8[] AS ms, median(:'s_pool_ms'::float8[]) AS median
UNION ALL SELECT 'sampled, on the coordinator', :'s_coord_ms'::float8[], median(:'s_coord_ms'::float8[])
UNION ALL SELECT 'sampled, local copy', :'s_loc_ms'::float8[] || :'s_loc2_ms'::float8[], median(:'s_loc_ms'::float8[] || :'s_loc2_ms'::float8[])
UNION ALL SELECT 'full, in the shards', :'s_full_ms'::float8[], median(:'s_full_ms'::float8[]);

\echo '== 2d. the same with 768 features, 100,000 rows (about 3 kB of features a row, TOASTed), 10% a round'
DROP TABLE IF EXISTS swide, swide_local;
CREATE TABLE swide_local (id bigint PRIMARY KEY, x real[]);
INSERT INTO swide_local SELECT i, ARRAY(SELECT (random() * 2 - 1 + (i % 3) * (j % 2) * 0.2)::real
                                        FROM generate_series(1, 768) j WHERE i > 0)
FROM generate_series(1, 100000) i;
CREATE TABLE swide (LIKE swide_local INCLUDING ALL);
SELECT create_distributed_table('swide', 'id');
INSERT INTO swide SELECT * FROM swide_local;
ANALYZE swide, swide_local;
SELECT al.create_learner('swdist', 'swide', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 6, "rescore_sample": 0.1}') > 0 AS swdist,
       al.create_learner('swloc', 'swide_local', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 6, "rescore_sample": 0.1}') > 0 AS swloc;
SELECT count(al.label(l, id, (ARRAY['a', 'b', 'c'])[id % 3 + 1])) AS labeled
FROM swide_local, unnest(ARRAY['swdist', 'swloc']) l WHERE id <= 90;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['swdist', 'swloc']) l;
CALL time_sampled('swdist', 'pool', false, 3, NULL) \gset w_pool_
CALL time_sampled('swloc', NULL, false, 3, NULL) \gset w_loc_
SELECT (same_ranking_v('swdist', 'swloc')).*, versions('swdist') AS versions;
CALL time_sampled('swdist', 'coordinator', false, 3, NULL) \gset w_coord_
CALL time_sampled('swloc', NULL, false, 3, NULL) \gset w_loc2_
SELECT (same_ranking_v('swdist', 'swloc')).*;
CALL time_sampled('swdist', 'pool', true, 3, NULL) \gset w_full_
SELECT 'sampled, in the shards' AS swdist_round, :'w_pool_ms'::float8[] AS ms, median(:'w_pool_ms'::float8[]) AS median
UNION ALL SELECT 'sampled, on the coordinator', :'w_coord_ms'::float8[], median(:'w_coord_ms'::float8[])
UNION ALL SELECT 'sampled, local copy', :'w_loc_ms'::float8[] || :'w_loc2_ms'::float8[], median(:'w_loc_ms'::float8[] || :'w_loc2_ms'::float8[])
UNION ALL SELECT 'full, in the shards', :'w_full_ms'::float8[], median(:'w_full_ms'::float8[]);
SELECT al.drop_learner(l) FROM unnest(ARRAY['sdist', 'sloc', 'swdist', 'swloc']) l;
-- swide and swide_local stay for part 2e (check_ranking_rows.sql drops them)
