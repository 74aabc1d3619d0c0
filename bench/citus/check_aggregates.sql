-- Part 1 of the Citus check (bench/citus/check.sh runs it on the coordinator):
-- al.top_k and al.consensus over a distributed table, against a local copy.
\set VERBOSITY verbose
\set SHOW_CONTEXT never
SET client_min_messages = warning;
DROP TABLE IF EXISTS pool, pool_local CASCADE;
RESET client_min_messages;
-- 200,000 rows: bigint, uuid and text ids (the text column in an ICU
-- collation), a group, a prediction and 8 features; many tied scores
CREATE TABLE pool_local (id bigint PRIMARY KEY, uid uuid, tid text COLLATE "en-x-icu",
                         grp int, p al.probvec, x real[]);
INSERT INTO pool_local
SELECT i, md5(i::text)::uuid, 'item-' || (i * 7919 % 200000) || CASE WHEN i % 2 = 0 THEN 'A' ELSE 'b' END,
       i % 4,
       al.softmax(ARRAY[round(sin(i)::numeric, 2), round(cos(i * 1.7)::numeric, 2), round(sin(i * 0.3)::numeric, 2)]::float8[]),
       ARRAY[sin(i), cos(i * 1.7), sin(i * 0.3), cos(i * 0.11), sin(i * 2.3), cos(i * 0.77), sin(i * 0.05), 1]::real[]
FROM generate_series(1, 200000) i;
CREATE TABLE pool (LIKE pool_local INCLUDING ALL);
SELECT create_distributed_table('pool', 'id');
INSERT INTO pool SELECT * FROM pool_local;
ANALYZE pool_local; ANALYZE pool;
SELECT count(*) AS shards, count(DISTINCT nodeport) AS nodes FROM citus_shards WHERE table_name = 'pool'::regclass;

\echo '== top_k over bigint ids: plan'
EXPLAIN (VERBOSE, COSTS OFF) SELECT al.top_k(id, al.entropy(p), 1000) FROM pool;
\echo '== top_k bigint / uuid, k = 1, 10, 1000, and per group: distributed = local'
-- (Citus does not join a distributed and a local table directly: results first)
CREATE TEMP TABLE topk_runs (k int, form text, dist text, loc text);
SELECT format($q$INSERT INTO topk_runs SELECT %1$s, 'bigint', (SELECT al.top_k(id, al.entropy(p), %1$s) FROM pool)::text, NULL;
INSERT INTO topk_runs SELECT %1$s, 'uuid', (SELECT al.top_k(uid, al.entropy(p), %1$s) FROM pool)::text, NULL;
INSERT INTO topk_runs SELECT %1$s, 'per group', (SELECT array_agg(t ORDER BY grp) FROM (SELECT grp, al.top_k(id, al.margin_confidence(p), %1$s) t FROM pool GROUP BY grp) s)::text, NULL;
UPDATE topk_runs SET loc = (SELECT al.top_k(id, al.entropy(p), %1$s) FROM pool_local)::text WHERE k = %1$s AND form = 'bigint';
UPDATE topk_runs SET loc = (SELECT al.top_k(uid, al.entropy(p), %1$s) FROM pool_local)::text WHERE k = %1$s AND form = 'uuid';
UPDATE topk_runs SET loc = (SELECT array_agg(t ORDER BY grp) FROM (SELECT grp, al.top_k(id, al.margin_confidence(p), %1$s) t FROM pool_local GROUP BY grp) s)::text WHERE k = %1$s AND form = 'per group';$q$, k)
FROM unnest(ARRAY[1, 10, 1000]) k \gexec
SELECT k, form, dist = loc AS distributed_equals_local, length(dist) AS result_chars FROM topk_runs ORDER BY form, k;
-- and the local result equals the oracle (ties to the smaller id)
SELECT (SELECT al.top_k(id, al.entropy(p), 1000) FROM pool_local)
     = (SELECT (array_agg(id ORDER BY al.entropy(p) DESC, id))[1:1000] FROM pool_local) AS local_equals_oracle,
       (SELECT count(*) - count(DISTINCT al.entropy(p)) FROM pool_local) AS tied_rows;
\echo '== top_k over text ids: refused on Citus (ICU column, explicit C, database default)'
SELECT al.top_k(tid, al.entropy(p), 1000) FROM pool;
SELECT al.top_k(tid COLLATE "C", al.entropy(p), 1000) FROM pool;
SELECT al.top_k(tid COLLATE "default", al.entropy(p), 1000) FROM pool;
\echo '== text ids the right way on Citus: rows gathered to the coordinator (a materialized CTE), aggregated there'
EXPLAIN (COSTS OFF) WITH r AS MATERIALIZED (SELECT tid, al.entropy(p) AS s FROM pool)
SELECT al.top_k(tid, s, 1000) FROM r;
WITH r AS MATERIALIZED (SELECT tid, al.entropy(p) AS s FROM pool)
SELECT (SELECT al.top_k(tid, s, 1000) FROM r) = (SELECT al.top_k(tid, al.entropy(p), 1000) FROM pool_local) AS text_icu_equal,
       (SELECT al.top_k(tid, s, 1000) FROM r)
     = (SELECT (array_agg(tid ORDER BY al.entropy(p) DESC, tid ASC))[1:1000] FROM pool_local) AS oracle_equal;

\echo '== consensus: plan, and distributed = local (bit for bit, as text) at every extra_float_digits of the workers'
EXPLAIN (VERBOSE, COSTS OFF) SELECT grp, al.consensus(p) FROM pool GROUP BY grp;
CREATE TEMP TABLE consensus_local AS SELECT grp, al.consensus(p)::text AS c FROM pool_local GROUP BY grp;
CREATE TEMP TABLE consensus_runs (efd int, grp int, c text);
CREATE TEMP TABLE efd_seen (efd int, seen text);
SET citus.max_cached_conns_per_worker = 0;   -- new worker connections pick up the setting
\o /dev/null
SELECT format('SELECT run_command_on_workers(%L); SELECT run_command_on_workers(%L);
INSERT INTO consensus_runs SELECT %s, grp, al.consensus(p)::text FROM pool GROUP BY grp;
INSERT INTO efd_seen SELECT DISTINCT %s, current_setting(%L) FROM pool;',
              format('ALTER SYSTEM SET extra_float_digits = %s', e), 'SELECT pg_reload_conf()', e, e, 'extra_float_digits')
FROM generate_series(-15, 3) e \gexec
SELECT run_command_on_workers('ALTER SYSTEM RESET extra_float_digits');
SELECT run_command_on_workers('SELECT pg_reload_conf()');
\o
-- what the workers' backends ran with (current_setting evaluated in the shard queries)
SELECT efd AS set_on_workers, array_agg(DISTINCT seen) AS seen_by_shard_queries FROM efd_seen GROUP BY efd ORDER BY efd;
SELECT min(efd) AS from_efd, max(efd) AS to_efd, count(*) AS runs,
       count(*) FILTER (WHERE r.c = l.c) AS equal_to_local
FROM consensus_runs r JOIN consensus_local l USING (grp);
SELECT * FROM consensus_local ORDER BY grp LIMIT 1;

\echo '== timings: local vs distributed (3 runs each)'
\timing on
SELECT cardinality(al.top_k(id, al.entropy(p), 1000)) FROM pool_local;
SELECT cardinality(al.top_k(id, al.entropy(p), 1000)) FROM pool_local;
SELECT cardinality(al.top_k(id, al.entropy(p), 1000)) FROM pool_local;
SELECT cardinality(al.top_k(id, al.entropy(p), 1000)) FROM pool;
SELECT cardinality(al.top_k(id, al.entropy(p), 1000)) FROM pool;
SELECT cardinality(al.top_k(id, al.entropy(p), 1000)) FROM pool;
SELECT count(*) FROM pool_local WHERE al.entropy(p) > 0;
SELECT count(*) FROM pool WHERE al.entropy(p) > 0;
SELECT count(*) FROM pool WHERE al.entropy(p) > 0;
\timing off
