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
