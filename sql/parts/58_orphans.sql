
-- ---------------------------------------------------------------------------
-- Orphans: what a dropped handle owned goes with it
-- ---------------------------------------------------------------------------
-- A handle is dropped by al.drop_model or al.drop_learner, by its owner
-- directly (DROP VIEW), by DROP OWNED BY its owner, or with a schema it was
-- moved to.  This sql_drop trigger then deletes the models or the learner
-- it owned.  It runs after every
-- DROP in the database, so it must be cheap when nothing matches: one probe
-- of pg_extension (DROP EXTENSION al_ext runs it too, after the tables are
-- gone), then one probe of the indexes on the handle columns of al.model_store and
-- al.learner_store per dropped view.
-- It must never fail.
CREATE FUNCTION al.drop_orphans() RETURNS event_trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	dropped pg_catalog.oid;
	lid bigint;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e
	               WHERE e.extname OPERATOR(pg_catalog.=) 'al_ext') THEN
		RETURN;
	END IF;
	-- every handle is a view; a handle's owner may have moved it to another schema
	FOR dropped IN
		SELECT d.objid FROM pg_catalog.pg_event_trigger_dropped_objects() d
		WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
		  AND d.objsubid OPERATOR(pg_catalog.=) 0
		  AND d.object_type OPERATOR(pg_catalog.=) 'view'
	LOOP
		-- a standalone model's handle: its versions go with it
		IF EXISTS (SELECT 1 FROM al.model_store m WHERE m.handle OPERATOR(pg_catalog.=) dropped) THEN
			DELETE FROM al.model_store m WHERE m.handle OPERATOR(pg_catalog.=) dropped;
		END IF;
		-- a learner's handle: the learner goes, with its labels, leases,
		-- curve and models (foreign keys) and its ranking (no key: by hand)
		FOR lid IN SELECT l.id FROM al.learner_store l
		           WHERE l.handle OPERATOR(pg_catalog.=) dropped LOOP
			DELETE FROM al.scores s WHERE s.learner_id OPERATOR(pg_catalog.=) lid;
			DELETE FROM al.learner_store l WHERE l.id OPERATOR(pg_catalog.=) lid;
		END LOOP;
	END LOOP;
END $$;
REVOKE ALL ON FUNCTION al.drop_orphans() FROM PUBLIC;
COMMENT ON FUNCTION al.drop_orphans() IS
	'sql_drop event trigger: deletes the learners and models whose handle was dropped (DROP OWNED, DROP VIEW, DROP SCHEMA ... CASCADE)';

CREATE EVENT TRIGGER al_ext_drop_orphans ON sql_drop EXECUTE FUNCTION al.drop_orphans();
COMMENT ON EVENT TRIGGER al_ext_drop_orphans IS 'deletes what a dropped al_ext handle owned (al.drop_orphans)';

-- Handles stay in schema al.  Their owner may not create there; moved to a
-- schema of her own, a handle could be redefined (CREATE OR REPLACE VIEW)
-- to depend on a temporary function, and would then vanish with her session
-- without any DROP, so without the trigger above, leaving a learner or model
-- that belongs to nobody.  So moving a handle out of al is refused.
CREATE FUNCTION al.keep_handles() RETURNS event_trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	moved record;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e
	               WHERE e.extname OPERATOR(pg_catalog.=) 'al_ext') THEN
		RETURN;
	END IF;
	FOR moved IN
		SELECT d.objid, d.schema_name FROM pg_catalog.pg_event_trigger_ddl_commands() d
		WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
		  AND d.objsubid OPERATOR(pg_catalog.=) 0
		  AND d.schema_name OPERATOR(pg_catalog.<>) 'al'
	LOOP
		IF EXISTS (SELECT 1 FROM al.learner_store l WHERE l.handle OPERATOR(pg_catalog.=) moved.objid)
		   OR EXISTS (SELECT 1 FROM al.model_store m WHERE m.handle OPERATOR(pg_catalog.=) moved.objid) THEN
			RAISE EXCEPTION 'al_ext handles stay in schema al'
				USING ERRCODE = 'insufficient_privilege',
				      DETAIL = pg_catalog.format('%s owns an al_ext learner or model.', moved.objid::pg_catalog.regclass),
				      HINT = 'Drop the learner or model, or give it to another role with al.alter_learner_owner or REASSIGN OWNED.';
		END IF;
	END LOOP;
END $$;
REVOKE ALL ON FUNCTION al.keep_handles() FROM PUBLIC;
COMMENT ON FUNCTION al.keep_handles() IS
	'ddl_command_end event trigger: refuses to move an al_ext handle out of schema al';

CREATE EVENT TRIGGER al_ext_keep_handles ON ddl_command_end
	WHEN TAG IN ('ALTER VIEW', 'ALTER TABLE')
	EXECUTE FUNCTION al.keep_handles();
COMMENT ON EVENT TRIGGER al_ext_keep_handles IS 'keeps al_ext handles in schema al (al.keep_handles)';
