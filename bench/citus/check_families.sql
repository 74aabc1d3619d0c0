-- Part 3b of the Citus check (bench/citus/check.sh runs it after
-- check_learner.sql, on the coordinator, over pool and pool_local of
-- check_aggregates.sql): one-vs-rest and ridge models passed by value
-- (al.model_export) and predicted with on the shards by the model bytea
-- overloads, against the local copy and the functions by name.
\set VERBOSITY verbose
\set SHOW_CONTEXT never
\echo '== 3b. one-vs-rest and ridge models by value on the workers (the model bytea overloads)'
-- trained on the coordinator from 200 rows of the local copy: ovr on label sets (the classes whose
-- feature is positive), ridge on a number; 5-member committees of each
DROP TABLE IF EXISTS fam_train;
CREATE TABLE fam_train AS
SELECT x, ARRAY(SELECT c FROM unnest(ARRAY['a', 'b', 'c'], x[1:3]) u(c, v) WHERE v > 0) AS tags,
       (2 * x[1] - x[2] + 0.5 * x[4] + 0.1 * sin(id * 13))::float8 AS amount
FROM pool_local WHERE id % 997 = 0;
SELECT al.train_model('tags', 'fam_train', 'x', 'tags', '{"family": "ovr"}') > 0 AS tags,
       al.train_model('tags_bag', 'fam_train', 'x', 'tags', '{"family": "ovr", "members": 5, "seed": 3}') > 0 AS tags_bag,
       al.train_model('amount', 'fam_train', 'x', 'amount', '{"family": "ridge"}') > 0 AS amount,
       al.train_model('amount_bag', 'fam_train', 'x', 'amount', '{"family": "ridge", "members": 5, "seed": 3}') > 0 AS amount_bag;
SELECT al.model_export('tags') AS tags, al.model_export('tags_bag') AS tags_bag,
       al.model_export('amount') AS amount, al.model_export('amount_bag') AS amount_bag \gset
SELECT length(:'tags'::bytea) AS tags_bytes, length(:'tags_bag'::bytea) AS tags_bag_bytes,
       length(:'amount'::bytea) AS amount_bytes, length(:'amount_bag'::bytea) AS amount_bag_bytes;
\echo '-- the ridge committee''s disagreement, top 100: distributed by value = local by value = local by name'
EXPLAIN (VERBOSE, COSTS OFF)
SELECT al.top_k(id, al.committee_std(al.predict_committee_values(:'amount_bag'::bytea, x)), 100) FROM pool;
SELECT al.top_k(id, al.committee_std(al.predict_committee_values(:'amount_bag'::bytea, x)), 100) AS std_dist FROM pool \gset
SELECT al.top_k(id, al.committee_std(al.predict_committee_values(:'amount_bag'::bytea, x)), 100) AS std_loc FROM pool_local \gset
SELECT al.top_k(id, al.committee_std(al.predict_committee_values('amount_bag', x)), 100) AS std_name FROM pool_local \gset
-- 3 runs of a query (ms), and their median
CREATE OR REPLACE FUNCTION time_query(q text, runs int DEFAULT 3, OUT ms float8[], OUT median float8) LANGUAGE plpgsql AS $$
DECLARE t timestamptz;
BEGIN
	ms := '{}';
	FOR i IN 1..runs LOOP
		t := clock_timestamp();
		EXECUTE q;
		ms := ms || round(extract(epoch FROM clock_timestamp() - t) * 1000, 1)::float8;
	END LOOP;
	median := (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v) FROM unnest(ms) v);
END $$;
\echo '-- timed, 3 runs each (ms), median'
SELECT v.std_top100, t.* FROM (VALUES
	(1, 'distributed, by value', format('SELECT al.top_k(id, al.committee_std(al.predict_committee_values(%L::bytea, x)), 100) FROM pool', :'amount_bag')),
	(2, 'local copy, by value', format('SELECT al.top_k(id, al.committee_std(al.predict_committee_values(%L::bytea, x)), 100) FROM pool_local', :'amount_bag')),
	(3, 'local copy, by name', 'SELECT al.top_k(id, al.committee_std(al.predict_committee_values(''amount_bag'', x)), 100) FROM pool_local')) v(o, std_top100, q),
	LATERAL time_query(v.q) t ORDER BY v.o;
SELECT :'std_dist'::bigint[] = :'std_loc'::bigint[] AS std_dist_equals_local,
       :'std_dist'::bigint[] = :'std_name'::bigint[] AS std_dist_equals_by_name,
       :'std_dist'::bigint[] = (SELECT array_agg(id ORDER BY s DESC, id) FROM (
           SELECT id, al.committee_std(al.predict_committee_values('amount_bag', x)) AS s
           FROM pool_local ORDER BY 2 DESC, id LIMIT 100) t) AS std_equals_sort_oracle;
\echo '-- every row''s predictions, distributed (computed on the shards) vs local by name, compared as text'
-- (a digest of the rows in id order; the workers print real and double precision in shortest exact form)
CREATE OR REPLACE FUNCTION fam_digest(tab regclass, by_value boolean) RETURNS TABLE (fn text, digest text)
LANGUAGE plpgsql AS $$
DECLARE
	m record;
BEGIN
	FOR m IN SELECT * FROM (VALUES ('predict_label_probs', 'tags_bag'), ('predict_labels', 'tags'),
	                               ('predict_committee_label_probs', 'tags_bag'), ('predict_value', 'amount_bag'),
	                               ('predict_committee_values', 'amount_bag')) v(f, model) LOOP
		fn := m.f;
		EXECUTE format('SELECT md5(string_agg(id || %L || al.%I(%s, x)::text, %L ORDER BY id)) FROM %s',
		               ':', m.f, CASE WHEN by_value THEN quote_literal(al.model_export(m.model)) || '::bytea'
		                              ELSE quote_literal(m.model) END, ',', tab)
			INTO digest;
		RETURN NEXT;
	END LOOP;
END $$;
\timing on
CREATE TEMP TABLE fam_d AS SELECT * FROM fam_digest('pool', true);
CREATE TEMP TABLE fam_l AS SELECT * FROM fam_digest('pool_local', false);
\timing off
SELECT fn, d.digest = l.digest AS distributed_by_value_equals_local_by_name FROM fam_d d JOIN fam_l l USING (fn) ORDER BY fn;
\echo '-- the shard query of a by-value ovr prediction'
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, al.predict_labels(:'tags'::bytea, x) FROM pool WHERE id = 42;
SELECT id, al.predict_labels(:'tags'::bytea, x), al.predict_label_probs(:'tags'::bytea, x),
       al.predict_value(:'amount'::bytea, x) FROM pool WHERE id IN (42, 43) ORDER BY id;
\echo '-- a value of the wrong family is refused on the workers (42809)'
SELECT count(al.predict_value(:'tags'::bytea, x)) FROM pool;

\echo '-- ovr and ridge LEARNERS over the distributed pool ("auto": they predict on the shards, al._round_outputs),'
\echo '-- and a softmax committee (its round predicts on the shards),'
\echo '-- each with a twin over the local copy and the same labels; rankings compared row by row'
SET client_min_messages = warning;
SELECT al.drop_learner(name) FROM al.learners WHERE name IN ('odist', 'oloc', 'rdist', 'rloc', 'cdist', 'cloc');
RESET client_min_messages;
SELECT al.create_learner(n, t, 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy', '{"family": "ovr", "retrain_every": 100000}') > 0 AS ovr_learner
FROM (VALUES ('odist', 'pool'), ('oloc', 'pool_local')) v(n, t);
SELECT al.create_learner(n, t, 'id', 'x', '{}', 'committee_std', '{"family": "ridge", "committee": 4, "seed": 5, "retrain_every": 100000}') > 0 AS ridge_learner
FROM (VALUES ('rdist', 'pool'), ('rloc', 'pool_local')) v(n, t);
-- and a softmax committee (3 bagged members; its bootstrap resamples pick training rows by position)
SELECT al.create_learner(n, t, 'id', 'x', ARRAY['a', 'b', 'c'], 'bald', '{"committee": 3, "seed": 9, "retrain_every": 100000}') > 0 AS committee_learner
FROM (VALUES ('cdist', 'pool'), ('cloc', 'pool_local')) v(n, t);
SELECT count(al.label(l, id, truth(x))) AS committee_labels
FROM (SELECT id, x FROM pool_local WHERE id % 2221 = 5 ORDER BY id) s, unnest(ARRAY['cdist', 'cloc']) l;
-- labels from the local copy (al.label per row of a query over the distributed pool would run on the workers)
SELECT count(al.label(l, id, tags::text)) AS ovr_labels
FROM (SELECT id, ARRAY(SELECT c FROM unnest(ARRAY['a', 'b', 'c'], x[1:3]) u(c, v) WHERE v > 0) AS tags
      FROM pool_local WHERE id % 2221 = 5 ORDER BY id) s, unnest(ARRAY['odist', 'oloc']) l;
SELECT count(al.label(l, id, (2 * x[1] - x[2] + 0.5 * x[4])::text)) AS ridge_labels
FROM (SELECT id, x FROM pool_local WHERE id % 2221 = 5 ORDER BY id) s, unnest(ARRAY['rdist', 'rloc']) l;
SELECT l, al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['odist', 'oloc', 'rdist', 'rloc', 'cdist', 'cloc']) l;
CREATE OR REPLACE FUNCTION fam_same_ranking(a text, b text, OUT rows_a bigint, OUT rows_b bigint, OUT identical bigint)
LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = a),
	       (SELECT count(*) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = b),
	       count(*) FILTER (WHERE d.score = o.score AND d.outputs::text IS NOT DISTINCT FROM o.outputs::text AND d.predicted = o.predicted
	                        AND d.probs::text IS NOT DISTINCT FROM o.probs::text
	                        AND d.rank IS NOT DISTINCT FROM o.rank AND d.hot = o.hot)
	FROM (SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = a) d
	JOIN (SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = b) o USING (item_id) $$;
SELECT v.family, r.* FROM (VALUES (1, 'ovr', 'odist', 'oloc'), (2, 'ridge (committee of 4)', 'rdist', 'rloc'),
                                  (3, 'softmax (committee of 3)', 'cdist', 'cloc')) v(o, family, a, b),
       LATERAL fam_same_ranking(v.a, v.b) r ORDER BY v.o;
-- the members' weights, every bit
SELECT v.family, count(*) AS weight_rows,
       count(*) FILTER (WHERE d.intercept::text = o.intercept::text AND d.coef::text = o.coef::text) AS identical
FROM (VALUES (1, 'ovr', 'odist', 'oloc'), (2, 'ridge (committee of 4)', 'rdist', 'rloc'),
             (3, 'softmax (committee of 3)', 'cdist', 'cloc')) v(o, family, a, b),
     LATERAL al.model_coefficients('learner/' || v.a) d
     JOIN LATERAL al.model_coefficients('learner/' || v.b) o ON o.member = d.member AND o.class IS NOT DISTINCT FROM d.class
GROUP BY v.o, v.family ORDER BY v.o;
SELECT (SELECT array_agg(item_id ORDER BY item_id) FROM al.next_batch('odist', 10))
     = (SELECT array_agg(item_id ORDER BY item_id) FROM al.next_batch('oloc', 10)) AS same_batch_ovr,
       (SELECT array_agg(item_id ORDER BY item_id) FROM al.next_batch('rdist', 10))
     = (SELECT array_agg(item_id ORDER BY item_id) FROM al.next_batch('rloc', 10)) AS same_batch_ridge;
\echo '-- the ridge learner''s exported version by value on the shards, against its own ranking''s top 100:'
\echo '-- al.predict_committee_values returns real (float4) member predictions, the round scores double ones,'
\echo '-- so the committee_std of the two differs in the 7th digit and the orders differ (the same on the local copy)'
SELECT al.model_export('learner/rdist') AS rmodel \gset
WITH mine AS MATERIALIZED (SELECT item_id FROM al.labels l JOIN al.learners r ON r.id = l.learner_id WHERE r.name = 'rdist')
SELECT array_agg(DISTINCT item_id::bigint) AS rlabeled FROM mine \gset
SELECT al.top_k(id, al.committee_std(al.predict_committee_values(:'rmodel'::bytea, x)), 100) AS r_on_workers
FROM pool WHERE id <> ALL (:'rlabeled'::bigint[]) \gset
SELECT al.top_k(id, al.committee_std(al.predict_committee_values('learner/rloc', x)), 100) AS r_local
FROM pool_local WHERE id <> ALL (:'rlabeled'::bigint[]) \gset
WITH mine AS MATERIALIZED (SELECT s.item_id, s.score, s.outputs FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
                           WHERE l.name = 'rdist')
SELECT :'r_on_workers'::bigint[] = :'r_local'::bigint[] AS ridge_workers_equal_local,
       :'r_on_workers'::bigint[] = (SELECT array_agg(id ORDER BY score DESC, id)
                                   FROM (SELECT item_id::bigint AS id, score FROM mine ORDER BY score DESC, item_id::bigint LIMIT 100) t)
       AS ridge_workers_equal_learner_ranking,
       (SELECT count(*) FILTER (WHERE score = al.committee_std(outputs)) FROM mine) AS ranking_scores_equal_std_of_outputs,
       (SELECT count(*) FROM mine) AS ranking_rows;
SELECT al.drop_learner(l) FROM unnest(ARRAY['odist', 'oloc', 'rdist', 'rloc', 'cdist', 'cloc']) l;
SELECT al.drop_model(m) FROM unnest(ARRAY['tags', 'tags_bag', 'amount', 'amount_bag']) m;
DROP TABLE fam_train;
