-- The privilege model of learners (issue 8): rights on a learner, who
-- labels in whose name, ownership through handles (DROP ROLE, REASSIGN
-- OWNED, DROP OWNED), no leaks through views, al.learner_status reading
-- pools only as their owner, and settings a plain role cannot plant.
-- Models: test/sql/model_privileges.sql; the whole matrix:
-- test/t/051_privilege_matrix.pl; sessions: test/t/052_privileges_sessions.pl.
SELECT current_user AS superuser \gset
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try
GRANT EXECUTE ON FUNCTION pg_temp.try(text) TO PUBLIC;

CREATE ROLE pr_owner;
CREATE ROLE pr_heir;
CREATE ROLE pr_ann;
CREATE ROLE pr_app;
CREATE ROLE pr_view;
CREATE ROLE pr_eve LOGIN;
CREATE ROLE pr_team;
GRANT pr_team TO pr_view;
CREATE SCHEMA pr AUTHORIZATION pr_owner;
GRANT USAGE ON SCHEMA pr TO PUBLIC;

SET ROLE pr_owner;
CREATE TABLE pr.pool AS
SELECT i::bigint AS id, ARRAY[(i % 2) * 2 + (i % 5) * 0.1, (i % 3) * 0.3]::real[] AS x
FROM generate_series(1, 40) i;
SELECT al.create_learner('pl', 'pr.pool', 'id', 'x', ARRAY['a', 'b']) > 0 AS created;
-- the learner is owned through its handle, a view named after its id
SELECT owner, handle::text ~ '^al\."learner \d+"$' AS handle_named_by_id,
       (SELECT relowner::regrole FROM pg_class WHERE oid = handle) AS handle_owner,
       channel ~ '^al_ext_[0-9a-f]{32}$' AS channel_unguessable
FROM al.learners WHERE name = 'pl';
-- the handle's comment names no learner (pg_description is public)
SELECT obj_description(handle, 'pg_class') ~ 'pl' AS comment_names_learner FROM al.learners WHERE name = 'pl';

-- 1. rights: view < annotate < proxy, given by the owner only
SELECT al.grant_learner('pl', 'pr_ann', 'annotate'), al.grant_learner('pl', 'pr_app', 'proxy'),
       al.grant_learner('pl', 'pr_team', 'view');
SELECT pg_temp.try($$SELECT al.grant_learner('pl', 'pr_eve', 'admin')$$) AS unknown_right;
SELECT pg_temp.try($$SELECT al.grant_learner('pl', NULL, 'view')$$) AS null_role;
SELECT pg_temp.try($$SELECT al.grant_learner('nope', 'pr_eve', 'view')$$) AS unknown_learner;
SELECT has_table_privilege('pr_ann', handle, 'INSERT') AS ann_insert,
       has_table_privilege('pr_app', handle, 'UPDATE') AS app_update,
       has_table_privilege('pr_view', handle, 'SELECT') AS view_through_group,
       has_table_privilege('pr_eve', handle, 'SELECT') AS eve_select
FROM al.learners WHERE name = 'pl';
RESET ROLE;
SET ROLE pr_ann;
SELECT pg_temp.try($$SELECT al.grant_learner('pl', 'pr_eve', 'view')$$) AS annotator_grants;
SELECT pg_temp.try($$SELECT al.alter_learner('pl', 'margin_confidence')$$) AS annotator_alters;
SELECT pg_temp.try($$SELECT al.drop_learner('pl')$$) AS annotator_drops;
RESET ROLE;
SET ROLE pr_eve;
SELECT pg_temp.try($$SELECT pg_catalog.count(*) FROM al.next_batch('pl')$$) AS stranger_batch;
SELECT count(*) AS stranger_sees FROM al.learners;
RESET ROLE;

-- 2. annotators label in their own name; a proxy in anyone's; each label
-- records who recorded it
SET ROLE pr_ann;
SELECT count(*) AS batch FROM al.next_batch('pl', 3);
SELECT al.label('pl', 1, 'b');
SELECT pg_temp.try($$SELECT al.label('pl', 2, 'a', 'dr_smith')$$) AS annotator_for_another;
SELECT pg_temp.try($$SELECT al.label_many('pl', '[{"item": 2, "label": "a"}, {"item": 3, "label": "b", "annotator": "dr_smith"}]')$$) AS many_for_another;
SELECT pg_temp.try($$SELECT pg_catalog.count(*) FROM al.next_batch('pl', 2, 'dr_smith')$$) AS batch_for_another;
SELECT pg_temp.try($$SELECT al.release('pl', '{1}', 'dr_smith')$$) AS release_for_another;
RESET ROLE;
SET ROLE pr_app;
SELECT al.label('pl', 2, 'a', 'dr_smith'), al.label_many('pl', '[{"item": 3, "label": "b", "annotator": "dr_jones"}]');
SELECT count(*) AS app_batch_for_smith FROM al.next_batch('pl', 2, 'dr_smith');
RESET ROLE;
SET ROLE pr_view;
SELECT pg_temp.try($$SELECT al.label('pl', 4, 'a')$$) AS viewer_labels;
SELECT item_id, annotator, label, recorded_by FROM al.labels ORDER BY item_id::int;
SELECT count(*) AS viewer_sees_leases FROM al.leases;
RESET ROLE;

-- 3. ownership transfer follows ALTER ... OWNER's rule, and the new owner
-- must be able to read the pool (everything reads it as the owner)
SET ROLE pr_owner;
SELECT pg_temp.try($$SELECT al.alter_learner_owner('pl', 'pr_heir')$$) AS not_member_of_heir;
RESET ROLE;
GRANT pr_heir TO pr_owner;
SET ROLE pr_owner;
SELECT pg_temp.try($$SELECT al.alter_learner_owner('pl', 'pr_heir')$$) AS heir_cannot_read_pool;
GRANT SELECT (id, x) ON pr.pool TO pr_heir;
SELECT al.alter_learner_owner('pl', 'pr_heir');
SELECT owner FROM al.learners WHERE name = 'pl';
RESET ROLE;
REVOKE pr_heir FROM pr_owner;
SET ROLE pr_owner;
SELECT pg_temp.try($$SELECT al.retrain('pl')$$) AS old_owner_retrains;
SELECT count(*) AS old_owner_sees FROM al.learners WHERE name = 'pl';
RESET ROLE;
-- the rights given by the old owner stay with the learner
SET ROLE pr_ann;
SELECT al.label('pl', 5, 'b');
RESET ROLE;
-- an owner who loses the right to read the pool: a clear error for everyone
SET ROLE pr_owner;
REVOKE SELECT (x) ON pr.pool FROM pr_heir;
RESET ROLE;
SET ROLE pr_ann;
SELECT pg_temp.try($$SELECT al.label('pl', 5, 'a')$$) AS owner_lost_pool;
RESET ROLE;
SET ROLE pr_owner;
GRANT SELECT (x) ON pr.pool TO pr_heir;
RESET ROLE;

-- 4. revoking a right takes the rights above it too
SET ROLE pr_heir;
SELECT al.revoke_learner('pl', 'pr_app', 'annotate');
RESET ROLE;
SET ROLE pr_app;
SELECT pg_temp.try($$SELECT al.label('pl', 6, 'a', 'dr_smith')$$) AS proxy_revoked;
SELECT count(*) AS app_sees FROM al.learners WHERE name = 'pl';
RESET ROLE;

-- 5. DROP ROLE refuses while a role owns a learner or holds a right on one;
-- REASSIGN OWNED hands learners over; DROP OWNED drops them with their
-- labels (the extension's event trigger), and revokes rights
SELECT pg_temp.try($$DROP ROLE pr_heir$$) AS drop_owner;
SELECT pg_temp.try($$DROP ROLE pr_ann$$) AS drop_annotator;
REASSIGN OWNED BY pr_heir TO pr_owner;
SELECT owner FROM al.learners WHERE name = 'pl';
DROP OWNED BY pr_ann;
SELECT has_table_privilege('pr_ann', handle, 'INSERT') AS ann_still_annotates FROM al.learners WHERE name = 'pl';
DROP ROLE pr_ann;
SET ROLE pr_owner;
SELECT al.create_learner('pl2', 'pr.pool', 'id', 'x', ARRAY['a', 'b']) > 0 AS created;
SELECT al.label('pl2', 7, 'a');
RESET ROLE;
SELECT count(*) AS learners, (SELECT count(*) FROM al.labels) AS labels FROM al.learners;
DROP OWNED BY pr_owner;
SELECT count(*) AS learners_left, (SELECT count(*) FROM al.labels) AS labels_left,
       (SELECT count(*) FROM pg_class WHERE relname LIKE 'learner %') AS handles_left
FROM al.learner_store;
-- a learner's own handle dropped directly by its owner: the learner goes
CREATE SCHEMA pr AUTHORIZATION pr_owner;
SET ROLE pr_owner;
CREATE TABLE pr.pool AS SELECT i::bigint AS id, ARRAY[i, 1]::real[] AS x FROM generate_series(1, 10) i;
SELECT al.create_learner('pl3', 'pr.pool', 'id', 'x', ARRAY['a', 'b']) > 0 AS created;
SELECT format('DROP VIEW %s', handle) AS drop_handle FROM al.learners WHERE name = 'pl3' \gset
:drop_handle;
SELECT count(*) AS pl3_left FROM al.learner_store;
RESET ROLE;

-- 6. no leaks: a cheap leaky function sees only the learners the role may view
SET ROLE pr_owner;
SELECT al.create_learner('secret', 'pr.pool', 'id', 'x', ARRAY['a', 'b']) > 0 AS created;
SELECT al.label('secret', 1, 'a'), al.label('secret', 2, 'b'), al.retrain('secret');
SELECT al.run_learner('secret');
SELECT count(*) AS owner_sees_ranking FROM al.scores;
RESET ROLE;
SET ROLE pr_eve;
CREATE FUNCTION pg_temp.leak(text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
	RAISE NOTICE 'leaked: %', $1;
	RETURN true;
END $$;
SELECT count(*) FROM al.learners WHERE pg_temp.leak(name);
SELECT count(*) FROM al.learner_status WHERE pg_temp.leak(learner);
SELECT count(*) FROM al.learning_curve WHERE pg_temp.leak(learner);
SELECT count(*) FROM al.labels WHERE pg_temp.leak(item_id || annotator);
SELECT count(*) FROM al.scores WHERE pg_temp.leak(item_id);
SELECT count(*) FROM al.leases WHERE pg_temp.leak(item_id);
SELECT count(*) FROM al.learner_store WHERE pg_temp.leak(name);
-- nobody reads the secret the channels are derived from
SELECT pg_temp.try($$SELECT pg_catalog.count(channel_secret) FROM al.learner_store$$) AS read_channel_secret;
SELECT count(*) FROM al.curve_store WHERE pg_temp.leak(model_id::text);
SELECT count(*) FROM al.models WHERE pg_temp.leak(name);
-- the worker's phases are no longer a function everyone may call
SELECT to_regprocedure('al.worker_phases()') AS worker_phases;
RESET ROLE;

-- 7. al.learner_status never reads a pool (its counts are those of the last
-- round): a superuser reading it never runs an owner's code at all
SET ROLE pr_owner;
CREATE FUNCTION pr.sneaky(x real[]) RETURNS real[] LANGUAGE plpgsql AS $$
BEGIN
	BEGIN
		EXECUTE 'ALTER ROLE pr_owner SUPERUSER';
	EXCEPTION WHEN others THEN NULL;
	END;
	RETURN x;
END $$;
CREATE VIEW pr.trap AS SELECT id, pr.sneaky(x) AS x FROM pr.pool;
SELECT al.create_learner('trap', 'pr.trap', 'id', 'x', ARRAY['a', 'b']) > 0 AS created;
-- (the status shows what the last round counted; a round reads the pool as its owner)
SELECT al.run_learner('trap');
RESET ROLE;
SELECT learner, pool_size, labeled, unlabeled, problem FROM al.learner_status ORDER BY learner;
SELECT rolsuper AS owner_became_superuser FROM pg_roles WHERE rolname = 'pr_owner';
-- a pool that is gone fails only its own row, with the reason
DROP VIEW pr.trap;
SELECT learner, pool_size, unlabeled, problem FROM al.learner_status ORDER BY learner;
SELECT pg_temp.try($$SELECT al.retrain('trap')$$) AS retrain_gone_pool;
SELECT al.drop_learner('trap');

-- 8. a plain role cannot plant the OpenBLAS library for the session's first
-- use of al_ext (placeholders of superuser settings are dropped on load)
\c - pr_eve
SET al_ext.openblas_library = '/tmp/planted.so';
SET al_ext.blas_coretype = 'Haswell';
SELECT al.entropy('[0.5,0.5]') > 0 AS library_loaded;
SELECT current_setting('al_ext.openblas_library') <> '/tmp/planted.so' AS library_not_planted;
SELECT current_setting('al_ext.blas_coretype') = 'auto' AS coretype_not_planted;
\c - :superuser

-- 9. handles are created by the owner of al_ext's tables, which must be a
-- superuser: an extension created by a superuser later demoted refuses
-- (42501, naming the role) instead of running its DDL with fewer rights
\set regress_db :DBNAME
CREATE DATABASE pr_demoted;
CREATE ROLE pr_founder SUPERUSER LOGIN;
\c pr_demoted pr_founder
CREATE EXTENSION al_ext;
CREATE TABLE t AS SELECT ARRAY[i, i % 3]::real[] AS x, (i % 2)::text AS y FROM generate_series(1, 20) i;
\c - :superuser
ALTER ROLE pr_founder NOSUPERUSER;
\getenv abs_srcdir PG_ABS_SRCDIR
\i :try
SELECT pg_temp.try($$SELECT al.train_model('m', 't', 'x', 'y')$$) AS demoted_owner;
SELECT count(*) AS no_model FROM al.models;
\c :regress_db :superuser
DROP DATABASE pr_demoted;
DROP ROLE pr_founder;

SET client_min_messages = warning;
SELECT al.drop_learner(name) FROM al.learners;
DROP SCHEMA pr CASCADE;
DROP ROLE pr_owner, pr_heir, pr_app, pr_view, pr_eve, pr_team;
