
-- ---------------------------------------------------------------------------
-- Privileges: owners, annotators, viewers (doc/security.md)
-- ---------------------------------------------------------------------------
-- A learner (and a model trained with al.train_model) is owned through a
-- handle, a view al."learner <id>" whose PostgreSQL owner is its owner; the
-- rights are privileges on the handle.  So DROP ROLE, REASSIGN OWNED, DROP
-- OWNED, GRANT, REVOKE and pg_dump treat them as they treat tables.

CREATE FUNCTION al.grant_learner(learner text, grantee regrole, "right" text)
	RETURNS void AS 'MODULE_PATHNAME', 'al_grant_learner' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.grant_learner(text, regrole, text) IS
	'give a role a right on a learner: view (status, curve, ranking), annotate (batches and labels in its own name) or proxy (in any annotator''s name); owners only';

CREATE FUNCTION al.revoke_learner(learner text, grantee regrole, "right" text)
	RETURNS void AS 'MODULE_PATHNAME', 'al_revoke_learner' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.revoke_learner(text, regrole, text) IS
	'take a right on a learner, and every right above it, from a role; owners only';

CREATE FUNCTION al.alter_learner_owner(learner text, new_owner regrole)
	RETURNS void AS 'MODULE_PATHNAME', 'al_alter_learner_owner' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.alter_learner_owner(text, regrole) IS
	'give a learner (with its models, labels and rights) to another role; the caller must own it and be a member of the new owner';
