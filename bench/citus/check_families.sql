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
SELECT al.drop_model(m) FROM unnest(ARRAY['tags', 'tags_bag', 'amount', 'amount_bag']) m;
DROP TABLE fam_train;
