-- Parts 2 and 3 of the Citus check (bench/citus/check.sh runs it on the
-- coordinator after check_aggregates.sql, which made pool and pool_local):
-- a learner whose pool is a distributed table, and scoring on the workers
-- with an exported model.
\set VERBOSITY verbose
\set SHOW_CONTEXT never
SET client_min_messages = warning;
SELECT al.drop_learner(name) FROM al.learners WHERE name IN ('dist', 'loc');
RESET client_min_messages;

\echo '== 2. a learner over the distributed table pool, and its twin over the local copy'
SELECT al.create_learner('dist', 'pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"batch_size": 10, "retrain_every": 10}') > 0 AS created_dist;
SELECT al.create_learner('loc', 'pool_local', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"batch_size": 10, "retrain_every": 10}') > 0 AS created_loc;
-- the truth of an item: the largest of its first three features
CREATE OR REPLACE FUNCTION truth(x real[]) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN x[1] >= x[2] AND x[1] >= x[3] THEN 'a' WHEN x[2] >= x[3] THEN 'b' ELSE 'c' END $$;
\echo '-- cold start: a batch from the distributed pool (leased), labeled'
SELECT array_agg(item_id ORDER BY item_id) AS cold_batch FROM al.next_batch('dist', 10);
SELECT count(*) AS leases_dist FROM al.leases l JOIN al.learners r ON r.id = l.learner_id WHERE r.name = 'dist';
-- label 60 items in both learners (the same items and labels)
SELECT count(*) FILTER (WHERE al.label('dist', id, truth(x)) IS NOT NULL) AS labeled_dist,
       count(*) FILTER (WHERE al.label('loc', id, truth(x)) IS NOT NULL) AS labeled_loc
FROM (SELECT id, x FROM pool_local WHERE id % 3331 = 7 OR id <= 30 ORDER BY id LIMIT 60) s;
SELECT count(*) AS leases_dist_after_labels FROM al.leases l JOIN al.learners r ON r.id = l.learner_id WHERE r.name = 'dist';
\echo '-- an item that is not in the pool'
SELECT al.label('dist', 999999999, 'a');
\echo '-- one round each (what the worker does), timed'
\timing on
SELECT al.run_learner('dist');
SELECT al.run_learner('loc');
\timing off
SELECT learner, pool_size, unlabeled, labeled, model_version FROM al.learner_status WHERE learner IN ('dist', 'loc') ORDER BY learner;
\echo '-- the two rankings: same rows, same scores, bit for bit'
SELECT count(*) AS rows_dist,
       (SELECT count(*) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'loc') AS rows_loc,
       count(*) FILTER (WHERE d.score = o.score AND d.probs::text = o.probs::text AND d.rank IS NOT DISTINCT FROM o.rank) AS identical
FROM (SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'dist') d
JOIN (SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'loc') o USING (item_id);
\echo '-- batches from the ranking; labels; leases consistent'
SELECT array_agg(item_id ORDER BY item_id) AS batch_dist FROM al.next_batch('dist', 10);
SELECT array_agg(item_id ORDER BY item_id) AS batch_loc FROM al.next_batch('loc', 10);
SELECT al.label_many('dist', (SELECT jsonb_agg(jsonb_build_object('item', b.item_id, 'label', truth(p.x)))
                             FROM al.my_batch('dist') b JOIN pool_local p ON p.id = b.item_id::bigint)) AS label_many_dist;
SELECT (SELECT count(*) FROM al.my_batch('dist')) AS still_held,
       (SELECT count(*) FROM al.leases l JOIN al.learners r ON r.id = l.learner_id WHERE r.name = 'dist') AS leases,
       (SELECT count(DISTINCT item_id) FROM al.labels l JOIN al.learners r ON r.id = l.learner_id WHERE r.name = 'dist') AS labeled_items;
\echo '-- one label, one batch: timed on each pool'
\timing on
SELECT al.label('dist', 5, 'a');
SELECT al.label('loc', 5, 'a');
SELECT count(*) FROM al.next_batch('dist', 10);
SELECT count(*) FROM al.next_batch('loc', 10);
\timing off
SELECT al.release('dist', ARRAY(SELECT item_id::bigint FROM al.my_batch('dist')));
SELECT al.release('loc', ARRAY(SELECT item_id::bigint FROM al.my_batch('loc')));
\echo '-- the background worker runs the distributed learner''s rounds too'
SELECT model_version AS version_before FROM al.learner_status WHERE learner = 'dist' \gset
SELECT al.label('dist', id, truth(x)) IS NOT NULL FROM pool_local WHERE id BETWEEN 1001 AND 1010 \g /dev/null
SELECT al.start_worker() IS NOT NULL AS worker_started;
\o /dev/null
SELECT format('SELECT pg_sleep(0.5) FROM al.learner_status WHERE learner = %L AND model_version = %s', 'dist', :version_before)
FROM generate_series(1, 60) \gexec
\o
SELECT :version_before AS version_before, model_version AS version_after, labels_waiting, problem
FROM al.learner_status WHERE learner = 'dist';
SELECT al.stop_worker();

\echo '-- a learner whose ids are not the distribution column: text ids (tid, collation en-x-icu)'
SET client_min_messages = warning;
SELECT al.drop_learner(name) FROM al.learners WHERE name IN ('dist_text', 'loc_text');
RESET client_min_messages;
SELECT al.create_learner('dist_text', 'pool', 'tid', 'x', ARRAY['a', 'b', 'c'], 'margin_confidence') > 0 AS created_dist_text,
       al.create_learner('loc_text', 'pool_local', 'tid', 'x', ARRAY['a', 'b', 'c'], 'margin_confidence') > 0 AS created_loc_text;
SELECT count(*) FILTER (WHERE al.label('dist_text', tid, truth(x)) IS NOT NULL) AS labeled_dist_text,
       count(*) FILTER (WHERE al.label('loc_text', tid, truth(x)) IS NOT NULL) AS labeled_loc_text
FROM (SELECT tid, x FROM pool_local WHERE id % 4001 = 3 ORDER BY id LIMIT 40) s;
\timing on
SELECT al.label('dist_text', (SELECT tid FROM pool_local WHERE id = 5), 'a');
SELECT al.label('loc_text', (SELECT tid FROM pool_local WHERE id = 5), 'a');
SELECT al.run_learner('dist_text');
SELECT al.run_learner('loc_text');
\timing off
SELECT count(*) AS rows_text, count(*) FILTER (WHERE d.score = o.score AND d.rank IS NOT DISTINCT FROM o.rank) AS identical_text
FROM (SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'dist_text') d
JOIN (SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'loc_text') o USING (item_id);
SELECT (SELECT array_agg(item_id ORDER BY item_id) FROM al.next_batch('dist_text', 10))
     = (SELECT array_agg(item_id ORDER BY item_id) FROM al.next_batch('loc_text', 10)) AS same_batch_text;

\echo '== 2b. where a round scores (option score_in): on the coordinator, in the pool (the shards), locally'
-- rounds that rescore (the ranking state forgotten), each in a transaction of its own; milliseconds
CREATE OR REPLACE PROCEDURE time_rounds(learner text, score_in text, runs int, INOUT ms float8[] DEFAULT NULL)
LANGUAGE plpgsql AS $$
DECLARE t timestamptz;
BEGIN
	IF score_in IS NOT NULL THEN
		PERFORM al.alter_learner(learner, NULL, jsonb_build_object('score_in', score_in));
	END IF;
	COMMIT;
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
CREATE OR REPLACE FUNCTION median(v float8[]) RETURNS float8 LANGUAGE sql AS
$$ SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(v) x $$;
-- the rankings of two learners: rows, and rows identical in score, probabilities, rank and hot mark
CREATE OR REPLACE FUNCTION same_ranking(a text, b text, OUT rows_a bigint, OUT rows_b bigint, OUT identical bigint)
LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = a),
	       (SELECT count(*) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = b),
	       count(*) FILTER (WHERE d.score = o.score AND d.probs::text = o.probs::text AND d.predicted = o.predicted
	                        AND d.rank IS NOT DISTINCT FROM o.rank AND d.hot = o.hot)
	FROM (SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = a) d
	JOIN (SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = b) o USING (item_id) $$;
\echo '-- twins with the same 60 labels: pdist over the distributed pool, ploc over the local copy'
\echo '-- (both "auto", the default: on a Citus distributed pool that is "pool", the round of dist above ran that way)'
SET client_min_messages = warning;
SELECT al.drop_learner(name) FROM al.learners WHERE name IN ('pdist', 'ploc');
RESET client_min_messages;
SELECT al.create_learner('pdist', 'pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy', '{"retrain_every": 100000}') > 0 AS pdist,
       al.create_learner('ploc', 'pool_local', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy', '{"retrain_every": 100000}') > 0 AS ploc;
SELECT count(al.label(l, id, truth(x))) AS labeled
FROM (SELECT id, x FROM pool_local WHERE id % 3331 = 7 OR id <= 30 ORDER BY id LIMIT 60) s, unnest(ARRAY['pdist', 'ploc']) l;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['pdist', 'ploc']) l;
SELECT (same_ranking('pdist', 'ploc')).*;
\echo '-- 8 features, 200,000 rows: 3 rescoring rounds each (ms), median'
CALL time_rounds('pdist', 'coordinator', 3, NULL) \gset dist_coord_
SELECT (same_ranking('pdist', 'ploc')).*;
CALL time_rounds('pdist', 'pool', 3, NULL) \gset dist_pool_
SELECT (same_ranking('pdist', 'ploc')).*;
CALL time_rounds('ploc', NULL, 3, NULL) \gset loc_
SELECT 'coordinator' AS dist_round, :'dist_coord_ms' AS ms, median(:'dist_coord_ms'::float8[]) AS median
UNION ALL SELECT 'pool (shards)', :'dist_pool_ms', median(:'dist_pool_ms'::float8[])
UNION ALL SELECT 'local copy', :'loc_ms', median(:'loc_ms'::float8[]);
SELECT al.alter_learner('pdist', NULL, '{"score_in": "auto"}');
\echo '-- the round''s query, as the round builds it, planned by Citus: the prediction is in each shard''s task'
SELECT al.model_export('learner/pdist') AS model \gset
SELECT length(:'model'::bytea) AS model_bytes;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT p.id::pg_catalog.text, al._round_probs(:'model'::pg_catalog.bytea, p.x) FROM public.pool p;
\echo '-- a pool round refuses options that need the features (0A000), on Citus as anywhere'
SELECT al.alter_learner('pdist', NULL, '{"score_in": "pool", "batch": "kcenter"}');
\echo '-- "auto" with such options: the round reads the features (coordinator), as before'
SELECT al.alter_learner('pdist', NULL, '{"batch": "kcenter"}');
CALL time_rounds('pdist', NULL, 1, NULL);
SELECT al.alter_learner('pdist', NULL, '{"batch": "topk"}');

\echo '-- 768 features, 20,000 rows (about 3 kB of features a row, TOASTed): distributed and local'
DROP TABLE IF EXISTS wide, wide_local;
CREATE TABLE wide_local (id bigint PRIMARY KEY, x real[]);
INSERT INTO wide_local SELECT i, ARRAY(SELECT (random() * 2 - 1 + (i % 3) * (j % 2) * 0.2)::real
                                       FROM generate_series(1, 768) j WHERE i > 0)
FROM generate_series(1, 20000) i;
CREATE TABLE wide (LIKE wide_local INCLUDING ALL);
SELECT create_distributed_table('wide', 'id');
INSERT INTO wide SELECT * FROM wide_local;
ANALYZE wide, wide_local;
SELECT pg_size_pretty(citus_total_relation_size('wide')) AS wide_size, pg_size_pretty(pg_total_relation_size('wide_local')) AS local_size;
SET client_min_messages = warning;
SELECT al.drop_learner(name) FROM al.learners WHERE name IN ('wdist', 'wloc');
RESET client_min_messages;
SELECT al.create_learner('wdist', 'wide', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy', '{"retrain_every": 100000}') > 0 AS wdist,
       al.create_learner('wloc', 'wide_local', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy', '{"retrain_every": 100000}') > 0 AS wloc;
SELECT count(al.label(l, id, (ARRAY['a', 'b', 'c'])[id % 3 + 1])) AS labeled
FROM wide_local, unnest(ARRAY['wdist', 'wloc']) l WHERE id <= 90;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['wdist', 'wloc']) l;
CALL time_rounds('wdist', 'coordinator', 3, NULL) \gset wdist_coord_
SELECT (same_ranking('wdist', 'wloc')).*;
CALL time_rounds('wdist', 'pool', 3, NULL) \gset wdist_pool_
SELECT (same_ranking('wdist', 'wloc')).*;
CALL time_rounds('wloc', NULL, 3, NULL) \gset wloc_
SELECT 'coordinator' AS wdist_round, :'wdist_coord_ms' AS ms, median(:'wdist_coord_ms'::float8[]) AS median
UNION ALL SELECT 'pool (shards)', :'wdist_pool_ms', median(:'wdist_pool_ms'::float8[])
UNION ALL SELECT 'local copy', :'wloc_ms', median(:'wloc_ms'::float8[]);
SELECT (SELECT array_agg(item_id ORDER BY item_id) FROM al.next_batch('wdist', 10))
     = (SELECT array_agg(item_id ORDER BY item_id) FROM al.next_batch('wloc', 10)) AS same_batch_wide;
SELECT al.drop_learner(l) FROM unnest(ARRAY['wdist', 'wloc', 'pdist', 'ploc']) l;
DROP TABLE wide, wide_local;

\echo '== 3. scoring on the workers: the learner''s model as a value'
\echo '-- al.model_export on a worker: the store is empty there'
SELECT result FROM run_command_on_workers($$SELECT al.model_export('learner/dist')$$) LIMIT 1;
\echo '-- al.model_export in the distributed query itself: planned to the workers, fails there'
SELECT al.top_k(id, al.entropy(al.predict_proba(al.model_export('learner/dist'), x)), 10) FROM pool;
\echo '-- the value fetched first (psql \gset; an application binds it as a parameter)'
SELECT al.model_export('learner/dist') AS model \gset
SELECT length(:'model'::bytea) AS model_bytes;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT al.top_k(id, al.entropy(al.predict_proba(:'model'::bytea, x)), 100) FROM pool;
-- the rows already labeled are left out (a constant list from the coordinator's al.labels)
-- (the learner's rows first: al.labels and al.scores also hold the text-id learner's, which do not cast to bigint)
WITH mine AS MATERIALIZED (SELECT item_id FROM al.labels l JOIN al.learners r ON r.id = l.learner_id WHERE r.name = 'dist')
SELECT array_agg(DISTINCT item_id::bigint) AS labeled FROM mine \gset
\timing on
\echo '-- timed: the distributed pool, the model by value (scored on the workers)'
SELECT al.top_k(id, al.entropy(al.predict_proba(:'model'::bytea, x)), 100) AS on_workers
FROM pool WHERE id <> ALL (:'labeled'::bigint[]) \gset
\echo '-- timed: the local copy, the model by value'
SELECT al.top_k(id, al.entropy(al.predict_proba(:'model'::bytea, x)), 100) AS on_coordinator
FROM pool_local WHERE id <> ALL (:'labeled'::bigint[]) \gset
\echo '-- timed: the local copy, the model by name'
SELECT al.top_k(id, al.entropy(al.predict_proba('learner/dist', x)), 100) AS by_name
FROM pool_local WHERE id <> ALL (:'labeled'::bigint[]) \gset
\timing off
SELECT :'on_workers'::bigint[] = :'on_coordinator'::bigint[] AS workers_equal_local,
       :'on_workers'::bigint[] = :'by_name'::bigint[] AS value_equals_by_name,
       :'on_workers'::bigint[] = (WITH mine AS MATERIALIZED (SELECT s.item_id, s.score FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
                                                             WHERE l.name = 'dist')
                                  SELECT array_agg(id ORDER BY score DESC, id)
                                  FROM (SELECT item_id::bigint AS id, score FROM mine
                                        WHERE item_id::bigint <> ALL (:'labeled'::bigint[])
                                        ORDER BY score DESC, item_id::bigint LIMIT 100) t) AS equals_learner_ranking;
\echo '-- a committee (5 bagged members, al.train_model on the coordinator): vote entropy on the workers'
DROP TABLE IF EXISTS bag_train;
CREATE TABLE bag_train AS SELECT x, truth(x) AS y FROM pool_local WHERE id % 997 = 0;
SELECT al.train_model('bag', 'bag_train', 'x', 'y', '{"members": 5, "seed": 3}') > 0 AS trained_bag;
SELECT al.model_export('bag') AS bag \gset
\timing on
SELECT al.top_k(id, al.vote_entropy(al.predict_committee(:'bag'::bytea, x)), 100) AS bag_on_workers FROM pool \gset
SELECT al.top_k(id, al.vote_entropy(al.predict_committee('bag', x)), 100) AS bag_local FROM pool_local \gset
\timing off
SELECT :'bag_on_workers'::bigint[] = :'bag_local'::bigint[] AS committee_workers_equal_local,
       (SELECT count(*) FROM pool_local WHERE al.predict(:'bag'::bytea, x) = truth(x)) AS bag_correct_of_200000;
\echo '-- a model by value through a prepared statement (the parameter travels to the workers)'
PREPARE ranked(bytea, int) AS SELECT al.top_k(id, al.entropy(al.predict_proba($1, x)), $2) FROM pool;
EXECUTE ranked(:'model', 5);
\echo '-- a corrupted value is refused on the workers'
SELECT al.top_k(id, al.entropy(al.predict_proba(overlay(:'model'::bytea PLACING '\xff'::bytea FROM 1), x)), 5) FROM pool;
