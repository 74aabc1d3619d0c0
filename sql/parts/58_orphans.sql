
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
