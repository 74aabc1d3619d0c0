-- al.scores is partitioned by learner, one partition al.scores_<id> per
-- learner (src/loop/scores_partition.c, doc/loop.md "One partition per
-- learner"): a round's and al.next_batch's statements on one learner's
-- ranking touch that learner's partition only, the learners' rankings are
-- independent, roles other than the store owner read only through
-- al.scores and its policy, and a missing partition (a restored dump) is
-- made again by the learner's next round.  White box: the suite reads the
-- catalogs and runs the round's statements under EXPLAIN as a superuser.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try
GRANT EXECUTE ON FUNCTION pg_temp.try(text) TO PUBLIC;
SELECT setseed(0.12);
CREATE ROLE sp_a;
CREATE ROLE sp_b;
CREATE SCHEMA sp;
GRANT USAGE ON SCHEMA sp TO PUBLIC;
CREATE TABLE sp.pool_a AS
SELECT i::bigint AS id, ARRAY[(i % 3) * 2 + random(), random()]::real[] AS x, (i % 3)::text AS y
FROM generate_series(1, 40) i;
CREATE TABLE sp.pool_b AS
SELECT i::bigint AS id, ARRAY[(i % 2) * 3 + random(), random()]::real[] AS x, (i % 2)::text AS y
FROM generate_series(1, 60) i;
ALTER TABLE sp.pool_a OWNER TO sp_a;
ALTER TABLE sp.pool_b OWNER TO sp_b;

-- the partition of a learner's ranking, its index and its membership of the extension
CREATE FUNCTION pg_temp.partition_of(learner text) RETURNS TABLE
	(learner_name text, partition_named_by_id boolean, attached_for_its_id boolean, extension_member boolean,
	 hot_index boolean, row_security boolean, no_grant boolean, owner_is_store_owner boolean)
LANGUAGE sql AS $$
	SELECT l.name, c.oid IS NOT NULL,
	       pg_get_expr(c.relpartbound, c.oid) = format('FOR VALUES IN (''%s'')', l.id),
	       EXISTS (SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
	               WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
	                 AND e.extname = 'al_ext'),
	       EXISTS (SELECT 1 FROM pg_index i JOIN pg_inherits h ON h.inhrelid = i.indexrelid
	               WHERE i.indrelid = c.oid AND h.inhparent = 'al.scores_order'::regclass
	                 AND pg_get_expr(i.indpred, i.indrelid) = 'hot'),
	       c.relrowsecurity,
	       NOT EXISTS (SELECT 1 FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner),
	       c.relowner = (SELECT relowner FROM pg_class WHERE oid = 'al.scores'::regclass)
	FROM al.learners l LEFT JOIN pg_class c ON c.oid = to_regclass(format('al.scores_%s', l.id))
	WHERE l.name = learner
$$;
-- the partitions of al.scores, by learner name ('(gone)': no learner)
CREATE VIEW sp_partitions AS
SELECT coalesce(l.name, '(gone)') AS learner, count(*) AS partitions
FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
LEFT JOIN al.learners l ON c.relname = 'scores_' || l.id
WHERE h.inhparent = 'al.scores'::regclass AND (l.name LIKE 'sp%' OR l.name IS NULL)
GROUP BY 1 ORDER BY 1;
-- a plan with the learner's id as N: only its partition is read or written
CREATE FUNCTION pg_temp.plan(learner text, sql text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	lid bigint := (SELECT id FROM al.learners WHERE name = learner);
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || format(sql, lid) LOOP
		RETURN NEXT regexp_replace(line, '(scores_|= )' || lid || '(?![0-9])', '\1N', 'g');
	END LOOP;
END $$;

-- 1. al.create_learner makes the learner's partition
SET ROLE sp_a;
SELECT al.create_learner('spa', 'sp.pool_a', 'id', 'x', ARRAY['0', '1', '2'], 'entropy',
                         '{"retrain_every": 1000, "seed": 3}') > 0 AS created;
SET ROLE sp_b;
SELECT al.create_learner('spb', 'sp.pool_b', 'id', 'x', ARRAY['0', '1'], 'margin_confidence',
                         '{"retrain_every": 1000, "seed": 4}') > 0 AS created;
RESET ROLE;
SELECT * FROM pg_temp.partition_of('spa');
SELECT * FROM pg_temp.partition_of('spb');
SELECT * FROM sp_partitions;

-- 2. both learners ranked: each partition holds its own learner's rows only
SET ROLE sp_a;
SELECT count(al.label('spa', id, y)) AS labeled FROM sp.pool_a WHERE id <= 9;
SELECT al.retrain('spa'), al.run_learner('spa') AS round;
SET ROLE sp_b;
SELECT count(al.label('spb', id, y)) AS labeled FROM sp.pool_b WHERE id <= 8;
SELECT al.retrain('spb'), al.run_learner('spb') AS round;
RESET ROLE;
SELECT l.name, count(*) AS rows, count(DISTINCT s.learner_id) AS learners,
       count(*) = count(*) FILTER (WHERE s.tableoid = to_regclass(format('al.scores_%s', l.id))) AS all_in_its_partition
FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name LIKE 'sp%' GROUP BY l.name ORDER BY 1;
CREATE TABLE sp.ranking_b AS
SELECT s.item_id, s.rank, s.score, s.predicted, s.hot, s.model_version
FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'spb';

-- 3. the round's and al.next_batch's statements on one learner touch its partition only
SELECT pg_temp.plan('spb', 'DELETE FROM al.scores WHERE learner_id = %s');
SELECT pg_temp.plan('spb', 'UPDATE al.scores SET hot = true WHERE learner_id = %s AND rank <= 5');
SELECT pg_temp.plan('spb', 'UPDATE al.scores SET hot = false WHERE learner_id = %s AND hot');
-- the selector's ranks (round_select.c)
SELECT pg_temp.plan('spb', 'UPDATE al.scores s SET rank = u.r FROM ROWS FROM (unnest(''{7,9}''::text[]), '
                           'unnest(''{1,2}''::int4[])) u(i, r) WHERE s.learner_id = %s AND s.item_id = u.i');
SET enable_seqscan = off;
SELECT pg_temp.plan('spb', 'SELECT s.item_id, s.score, s.predicted, s.probs FROM al.scores s '
                           'WHERE s.learner_id = %s AND s.hot ORDER BY s.rank, s.score DESC, s.item_id');
RESET enable_seqscan;
-- a generic plan (a parameter) prunes when it runs: one partition's scan, the others not run
PREPARE sp_rows(bigint) AS SELECT count(*) FROM al.scores WHERE learner_id = $1;
SET plan_cache_mode = force_generic_plan;
SELECT (SELECT id FROM al.learners WHERE name = 'spb') AS spb_id \gset
CREATE FUNCTION pg_temp.pruned(lid bigint) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE format('EXPLAIN (COSTS OFF) EXECUTE sp_rows(%s)', lid) LOOP
		RETURN NEXT regexp_replace(regexp_replace(line, 'scores_\d+', 'scores_N', 'g'),
		                           'Subplans Removed: \d+', 'Subplans Removed: (every other partition)');
	END LOOP;
END $$;
SELECT pg_temp.pruned(:spb_id);
RESET plan_cache_mode;
DEALLOCATE sp_rows;

-- 4. roles other than the store owner read through al.scores and its policy only
SELECT format('al.scores_%s', id) AS part_a FROM al.learners WHERE name = 'spa' \gset
SET ROLE sp_b;
SELECT count(DISTINCT l.name) AS learners_seen, min(l.name) AS learner
FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name LIKE 'sp%';
SELECT regexp_replace(pg_temp.try(format('SELECT count(*) FROM %s', :'part_a')), '_\d+', '_N') AS read_partition;
SELECT regexp_replace(pg_temp.try(format('DELETE FROM %s', :'part_a')), '_\d+', '_N') AS delete_partition;
SELECT regexp_replace(pg_temp.try(format('TRUNCATE %s', :'part_a')), '_\d+', '_N') AS truncate_partition;
SELECT regexp_replace(pg_temp.try(format('DROP TABLE %s', :'part_a')), '_\d+', '_N') AS drop_partition;
SELECT regexp_replace(pg_temp.try(format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', :'part_a')), '_\d+', '_N')
       AS alter_partition;
SELECT pg_temp.try('SELECT count(*) FROM al.scores_order') AS read_index;
RESET ROLE;

-- 5. a learner created and dropped while another has a ranking; dropping a
-- ranked learner: the other's rows and ranks stay as they were
SET ROLE sp_a;
SELECT al.create_learner('spc', 'sp.pool_a', 'id', 'x', ARRAY['0', '1', '2']) > 0 AS created;
SELECT count(al.label('spc', id, y)) AS labeled FROM sp.pool_a WHERE id <= 6;
SELECT al.retrain('spc'), al.run_learner('spc') AS round;
SELECT al.drop_learner('spc');
SELECT al.drop_learner('spa');
RESET ROLE;
SELECT * FROM sp_partitions;
SELECT count(*) AS rows_of_gone_learners FROM al.scores s
WHERE NOT EXISTS (SELECT 1 FROM al.learners l WHERE l.id = s.learner_id);
CREATE VIEW sp_ranking_diff AS
SELECT count(*) AS differing, (SELECT array_agg(DISTINCT model_version) FROM sp.ranking_b) AS version_before,
       (SELECT array_agg(DISTINCT s.model_version) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
        WHERE l.name = 'spb') AS version_now
FROM (
	(SELECT item_id, rank, score, predicted, hot FROM sp.ranking_b
	 EXCEPT SELECT s.item_id, s.rank, s.score, s.predicted, s.hot
	        FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'spb')
	UNION ALL
	(SELECT s.item_id, s.rank, s.score, s.predicted, s.hot
	 FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'spb'
	 EXCEPT SELECT item_id, rank, score, predicted, hot FROM sp.ranking_b)) d;
SELECT * FROM sp_ranking_diff;
-- rounded again, with nothing new: the same rows; retrained on the same
-- labels (same seed): a new version, the same ranks and scores
SET ROLE sp_b;
SELECT al.run_learner('spb') AS round;
RESET ROLE;
SELECT * FROM sp_ranking_diff;
SET ROLE sp_b;
SELECT al.retrain('spb'), al.run_learner('spb') AS round;
RESET ROLE;
SELECT * FROM sp_ranking_diff;
SELECT count(*) AS rows FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'spb';

-- 6. a learner whose handle is dropped (DROP VIEW, DROP OWNED): the event
-- trigger deletes its rows; its empty partition goes with the next
-- al.drop_learner
SET ROLE sp_a;
SELECT al.create_learner('spd', 'sp.pool_a', 'id', 'x', ARRAY['0', '1', '2']) > 0 AS created;
SELECT count(al.label('spd', id, y)) AS labeled FROM sp.pool_a WHERE id <= 6;
SELECT al.retrain('spd'), al.run_learner('spd') AS round;
SELECT al.create_learner('spe', 'sp.pool_a', 'id', 'x', ARRAY['0', '1', '2']) > 0 AS created;
RESET ROLE;
SELECT id AS spd_id FROM al.learners WHERE name = 'spd' \gset
DROP OWNED BY sp_a;
SELECT count(*) AS rows_of_spd FROM al.scores WHERE learner_id = :spd_id;
SELECT to_regclass(format('al.scores_%s', :spd_id)) IS NOT NULL AS spd_partition_left;
SET ROLE sp_b;
SELECT al.create_learner('spf', 'sp.pool_b', 'id', 'x', ARRAY['0', '1']) > 0 AS created;
SELECT al.drop_learner('spf');
RESET ROLE;
SELECT to_regclass(format('al.scores_%s', :spd_id)) IS NOT NULL AS spd_partition_left;
SELECT * FROM sp_partitions;

-- 7. a learner without its partition (as after pg_restore: partitions are
-- not dumped): al.next_batch reads nothing ranked, the next round makes it again
SELECT format('al.scores_%s', :spb_id) AS part_b \gset
DELETE FROM pg_depend WHERE classid = 'pg_class'::regclass AND objid = :'part_b'::regclass AND deptype = 'e';
DROP TABLE :part_b;
SELECT * FROM pg_temp.partition_of('spb');
SET ROLE sp_b;
SELECT count(*) AS batch_items FROM al.next_batch('spb', 3, 'ann');
SELECT al.retrain('spb'), al.run_learner('spb') AS round;
RESET ROLE;
SELECT * FROM pg_temp.partition_of('spb');
SELECT count(*) AS rows, count(*) FILTER (WHERE hot) AS hot FROM al.scores WHERE learner_id = :spb_id;

SET ROLE sp_b;
SELECT al.drop_learner('spb');
RESET ROLE;
SELECT * FROM sp_partitions;

-- 8. al.drop_learner takes no lock of al.scores that would outlive it in
-- the caller's transaction (an ACCESS EXCLUSIVE lock held to commit by a
-- caller that goes on, BEGIN or pg_sleep in the same statement, stalled
-- every learner's round and al.next_batch): the partition is dropped at
-- pre-commit; not when the drop is rolled back to a savepoint
SET ROLE sp_b;
SELECT al.create_learner('spg', 'sp.pool_b', 'id', 'x', ARRAY['0', '1']) > 0 AS created;
SELECT al.create_learner('sph', 'sp.pool_b', 'id', 'x', ARRAY['0', '1']) > 0 AS created;
RESET ROLE;
SELECT id AS spg_id FROM al.learners WHERE name = 'spg' \gset
SELECT id AS sph_id FROM al.learners WHERE name = 'sph' \gset
SET ROLE sp_b;
BEGIN;
SELECT al.drop_learner('spg');
SELECT count(*) AS scores_locked_exclusive FROM pg_locks
WHERE relation = 'al.scores'::regclass AND pid = pg_backend_pid() AND mode = 'AccessExclusiveLock';
SELECT to_regclass(format('al.scores_%s', :spg_id)) IS NOT NULL AS spg_partition_until_commit;
SAVEPOINT s;
SELECT al.drop_learner('sph');
ROLLBACK TO s;
COMMIT;
RESET ROLE;
SELECT to_regclass(format('al.scores_%s', :spg_id)) IS NOT NULL AS spg_partition_left,
	to_regclass(format('al.scores_%s', :sph_id)) IS NOT NULL AS sph_partition_left;
SELECT * FROM pg_temp.partition_of('sph');
SET ROLE sp_b;
BEGIN;
SAVEPOINT s;
SELECT al.drop_learner('sph');
RELEASE s;
SAVEPOINT t;
ROLLBACK TO t;
COMMIT;
RESET ROLE;
SELECT to_regclass(format('al.scores_%s', :sph_id)) IS NOT NULL AS sph_partition_left;
SELECT * FROM sp_partitions;

-- 9. the store owner makes a partition where the store owner says, not
-- where the caller's settings say: a role without CREATE on a tablespace
-- set as its default_tablespace had its learner's partition (and index)
-- made in that tablespace
SET allow_in_place_tablespaces = on;
CREATE TABLESPACE sp_ts LOCATION '';
RESET allow_in_place_tablespaces;
SET ROLE sp_b;
SELECT has_tablespace_privilege('sp_ts', 'CREATE') AS may_create_in_sp_ts;
SET default_tablespace = sp_ts;
SELECT al.create_learner('spi', 'sp.pool_b', 'id', 'x', ARRAY['0', '1']) > 0 AS created;
SHOW default_tablespace;
RESET default_tablespace;
RESET ROLE;
SELECT c.relkind, coalesce(t.spcname, '(database default)') AS tablespace
FROM al.learners l JOIN pg_class c ON c.relname ~ ('^scores_' || l.id || '(_|$)')
LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace
WHERE l.name = 'spi' ORDER BY c.relkind;
SET ROLE sp_b;
SELECT al.drop_learner('spi');
RESET ROLE;
DROP TABLESPACE sp_ts;
DROP VIEW sp_partitions, sp_ranking_diff;
DROP SCHEMA sp CASCADE;
DROP ROLE sp_a, sp_b;
