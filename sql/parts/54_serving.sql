
-- ---------------------------------------------------------------------------
-- Deployment policy: which model version a learner serves, and since when
-- ---------------------------------------------------------------------------
-- (doc/loop.md, "Which version is served")  The served version is
-- al.learner_store.model_id/model_version: what al.scores ranks with and
-- al.next_batch hands out from.  The option serve picks it (latest, or the
-- best by evaluation accuracy); al.pin_version and al.rollback pin one until
-- al.unpin.

CREATE SEQUENCE al.serving_period_seq;
SELECT pg_catalog.pg_extension_config_dump('al.serving_period_seq', '');

-- One row per period a version was served; the open period has no
-- served_until.  A new period begins when the served version or the reason
-- changes.
CREATE TABLE al.serving_periods (
	learner_id bigint NOT NULL REFERENCES al.learner_store (id) ON DELETE CASCADE,
	period bigint NOT NULL DEFAULT pg_catalog.nextval('al.serving_period_seq'::pg_catalog.regclass),
	model_version integer NOT NULL,
	model_id bigint NOT NULL,
	served_from timestamptz NOT NULL DEFAULT pg_catalog.now(),
	served_until timestamptz,
	reason text NOT NULL CHECK (reason IN ('latest', 'best', 'pinned', 'rollback')),
	changed_by text NOT NULL,			-- the role whose call or round began the period
	PRIMARY KEY (learner_id, period)
);
REVOKE ALL ON al.serving_periods FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('al.serving_periods', '');
COMMENT ON TABLE al.serving_periods IS
	'which model version each learner served when, and why (latest, best, pinned, rollback)';
ALTER TABLE al.serving_periods ENABLE ROW LEVEL SECURITY;
CREATE POLICY serving_period_visible ON al.serving_periods FOR SELECT
	USING (EXISTS (SELECT 1 FROM al.learner_store l WHERE l.id = learner_id));
GRANT SELECT ON al.serving_periods TO PUBLIC;

CREATE VIEW al.serving_history WITH (security_invoker = true) AS
SELECT l.name AS learner, p.model_version, p.served_from, p.served_until, p.reason, p.changed_by,
       p.served_until IS NULL AS current, p.period, p.model_id
FROM al.serving_periods p JOIN al.learner_store l ON l.id = p.learner_id;
GRANT SELECT ON al.serving_history TO PUBLIC;
COMMENT ON VIEW al.serving_history IS
	'one row per period a model version of a learner was served: from, until (NULL: now), why (latest, best, pinned, rollback) and who began it';

CREATE FUNCTION al.pin_version(learner text, version integer)
	RETURNS integer AS 'MODULE_PATHNAME', 'al_pin_version' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION al.pin_version(text, integer) IS
	'serve this model version of the learner (ranking and batches) until al.unpin, whatever the serve policy; ranks the pool with it now; returns it';

CREATE FUNCTION al.unpin(learner text)
	RETURNS integer AS 'MODULE_PATHNAME', 'al_unpin' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION al.unpin(text) IS
	'end a pin: serve the version the serve policy picks (ranking the pool with it now if it changes); returns it';

CREATE FUNCTION al.rollback(learner text)
	RETURNS integer AS 'MODULE_PATHNAME', 'al_rollback' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION al.rollback(text) IS
	'pin the version served before the current one (al.serving_history) and rank the pool with it now; returns it';
