-- Part 0 of the Citus check (bench/citus/check.sh runs it first, on the
-- coordinator): the extension dropped and created again (Citus propagates
-- both to the workers), and al.scores' per-learner partitions, which
-- al.create_learner makes by CREATE TABLE + ATTACH PARTITION and records as
-- extension members (src/loop/scores_partition.c) and al.drop_learner drops:
-- does Citus propagate that DDL, refuse it, or leave stray tables on the
-- workers?
\set VERBOSITY verbose
\set SHOW_CONTEXT never
SET client_min_messages = warning;
DROP TABLE IF EXISTS pool, pool_local, ppart, ppart_local CASCADE;
RESET client_min_messages;
-- the partitions (relkind r) of al.scores on a node
CREATE OR REPLACE VIEW scores_parts AS
SELECT c.relname::text AS part, pg_get_expr(c.relpartbound, c.oid) AS bound,
       EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
               AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e') AS ext_member
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('al.scores');
-- the workers' tables named scores_<n> (any schema), and their al.scores
CREATE OR REPLACE FUNCTION workers_scores_tables() RETURNS TABLE (port int, scores_tables text)
LANGUAGE sql AS $$
	SELECT nodeport, result FROM run_command_on_workers(
		$w$SELECT coalesce(string_agg(n.nspname || '.' || c.relname, ', ' ORDER BY c.relname), 'none')
		   || ' (al.scores: ' || coalesce((SELECT pg_get_partkeydef(oid) FROM pg_class WHERE oid = to_regclass('al.scores')), 'missing') || ')'
		   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		   WHERE c.relkind = 'r' AND c.relname ~ '^scores_[0-9]+$'$w$) ORDER BY nodeport $$;

\echo '== 0. the extension and al.scores'' per-learner partitions on the coordinator'
\echo '-- DROP EXTENSION al_ext (propagated to the workers), CREATE EXTENSION al_ext (propagated)'
SET client_min_messages = warning;
DROP EXTENSION al_ext CASCADE;
RESET client_min_messages;
SELECT nodeport, result AS al_ext_installed FROM run_command_on_workers($$SELECT count(*) FROM pg_extension WHERE extname = 'al_ext'$$) ORDER BY nodeport;
CREATE EXTENSION al_ext;
SELECT nodeport, result AS al_ext_version FROM run_command_on_workers($$SELECT extversion FROM pg_extension WHERE extname = 'al_ext'$$) ORDER BY nodeport;
SELECT pg_get_partkeydef('al.scores'::regclass) AS coordinator_scores;
SELECT * FROM workers_scores_tables();

\echo '-- a distributed pool (20,000 rows, 8 features, 32 shards) and its local copy'
CREATE TABLE ppart_local (id bigint PRIMARY KEY, x real[]);
INSERT INTO ppart_local
SELECT i, ARRAY[sin(i), cos(i * 1.7), sin(i * 0.3), cos(i * 0.11), sin(i * 2.3), cos(i * 0.77), sin(i * 0.05), 1]::real[]
FROM generate_series(1, 20000) i;
CREATE TABLE ppart (LIKE ppart_local INCLUDING ALL);
SELECT create_distributed_table('ppart', 'id');
INSERT INTO ppart SELECT * FROM ppart_local;
CREATE OR REPLACE FUNCTION truth(x real[]) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN x[1] >= x[2] AND x[1] >= x[3] THEN 'a' WHEN x[2] >= x[3] THEN 'b' ELSE 'c' END $$;

\echo '-- al.create_learner: the partition is made on the coordinator only'
SELECT al.create_learner('part_d', 'ppart', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy') AS part_d_id \gset
SELECT al.create_learner('part_l', 'ppart_local', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy') AS part_l_id \gset
SELECT * FROM scores_parts ORDER BY part;
SELECT count(*) AS citus_tables_in_al FROM pg_dist_partition WHERE logicalrelid::text LIKE 'al.%';
SELECT count(*) AS citus_objects_scores FROM pg_dist_object o JOIN pg_class c ON c.oid = o.objid
WHERE o.classid = 'pg_class'::regclass AND c.relname ~ '^scores(_[0-9]+)?$';
SELECT * FROM workers_scores_tables();
\echo '-- ... in a transaction that has already read the distributed pool (connections to the workers open)'
BEGIN;
SELECT count(*) AS pool_rows FROM ppart;
SELECT al.create_learner('part_tx', 'ppart', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy') > 0 AS created_in_tx;
SELECT part, ext_member FROM scores_parts WHERE part = 'scores_' || (SELECT id FROM al.learners WHERE name = 'part_tx');
COMMIT;
SELECT * FROM workers_scores_tables();

\echo '-- a loop on each: labels, a round ("auto" = pool on ppart), the rankings in the partitions'
SELECT count(al.label(l, id, truth(x))) AS labeled
FROM (SELECT id, x FROM ppart_local WHERE id % 331 = 7 ORDER BY id LIMIT 45) s, unnest(ARRAY['part_d', 'part_l']) l;
SELECT al.run_learner('part_d') IS NOT NULL AS round_d, al.run_learner('part_l') IS NOT NULL AS round_l;
SELECT format('SELECT %L AS part, count(*) AS rows FROM al.%I', 'scores_' || :part_d_id, 'scores_' || :part_d_id)
UNION ALL SELECT format('SELECT %L, count(*) FROM al.%I', 'scores_' || :part_l_id, 'scores_' || :part_l_id) \gexec
SELECT count(*) AS rows_d,
       count(*) FILTER (WHERE d.score = o.score AND d.probs::text = o.probs::text AND d.predicted = o.predicted
                        AND d.rank IS NOT DISTINCT FROM o.rank AND d.hot = o.hot) AS identical
FROM (SELECT * FROM al.scores WHERE learner_id = :part_d_id) d
JOIN (SELECT * FROM al.scores WHERE learner_id = :part_l_id) o USING (item_id);
\echo '-- EXPLAIN of a read of one learner''s ranking: pruned to its partition (a local table, no Citus node)'
EXPLAIN (COSTS OFF) SELECT item_id FROM al.scores WHERE learner_id = :part_d_id AND hot ORDER BY rank LIMIT 10;

\echo '-- a partition that is missing (as after a restore: partitions are not dumped) is made by the next round,'
\echo '-- at the start of a round over the distributed pool, here with citus.use_citus_managed_tables on,'
\echo '-- which adds new coordinator tables to Citus''s metadata: the partition stays a plain local table'
BEGIN;
DELETE FROM pg_depend WHERE classid = 'pg_class'::regclass AND objid = format('al.scores_%s', :part_d_id)::regclass
                        AND refclassid = 'pg_extension'::regclass AND deptype = 'e';
SELECT format('DROP TABLE al.scores_%s', :part_d_id) \gexec
COMMIT;
SELECT count(*) AS part_d_partitions FROM scores_parts WHERE part = 'scores_' || :part_d_id;
DELETE FROM al.ranking_state WHERE learner_id = :part_d_id;
SET citus.use_citus_managed_tables = on;
SELECT al.run_learner('part_d') AS round_d;
RESET citus.use_citus_managed_tables;
SELECT * FROM scores_parts WHERE part = 'scores_' || :part_d_id;
SELECT count(*) AS citus_tables_in_al FROM pg_dist_partition WHERE logicalrelid::text LIKE 'al.%';
SELECT count(*) AS rows_d,
       count(*) FILTER (WHERE d.score = o.score AND d.probs::text = o.probs::text AND d.predicted = o.predicted
                        AND d.rank IS NOT DISTINCT FROM o.rank AND d.hot = o.hot) AS identical
FROM (SELECT * FROM al.scores WHERE learner_id = :part_d_id) d
JOIN (SELECT * FROM al.scores WHERE learner_id = :part_l_id) o USING (item_id);
SELECT * FROM workers_scores_tables();
\echo '-- al.label called per row of a query over the distributed pool runs on the workers (no learner there): 42704'
SELECT count(al.label('part_d', id, truth(x))) FROM ppart WHERE id <= 3;

\echo '-- al.drop_learner: the partition is dropped on the coordinator; nothing on the workers'
SELECT al.drop_learner('part_tx');
SELECT al.drop_learner('part_d');
SELECT * FROM scores_parts ORDER BY part;
SELECT * FROM workers_scores_tables();

\echo '-- DROP EXTENSION with a learner (part_l) and its partition: dropped with the extension, everywhere'
SET client_min_messages = warning;
DROP EXTENSION al_ext CASCADE;
RESET client_min_messages;
SELECT count(*) AS coordinator_scores_tables FROM pg_class WHERE relkind = 'r' AND relname ~ '^scores_[0-9]+$';
SELECT nodeport, result AS al_ext_installed FROM run_command_on_workers($$SELECT count(*) FROM pg_extension WHERE extname = 'al_ext'$$) ORDER BY nodeport;
CREATE EXTENSION al_ext;
SELECT * FROM workers_scores_tables();
\echo '-- and a learner again after the re-CREATE (ids start over at 1: partition scores_1)'
SELECT al.create_learner('part_again', 'ppart', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy') AS again_id \gset
SELECT * FROM scores_parts ORDER BY part;
SELECT al.drop_learner('part_again');
SELECT count(*) AS partitions_left FROM scores_parts;
DROP TABLE ppart, ppart_local;
DROP VIEW scores_parts;
