
-- ---------------------------------------------------------------------------
-- External-prediction learners (option "predictions": true; doc/loop.md
-- "External-prediction learners"): the scores come from an al.probvec or
-- al.probvec[] column of the pool that the application keeps up to date.
-- ---------------------------------------------------------------------------

-- The prediction versions the application declared (al.predictions_updated);
-- version is the learner's version number (al.learning_curve.model_version).
CREATE TABLE al.prediction_version_store (
	learner_id bigint NOT NULL REFERENCES al.learner_store (id) ON DELETE CASCADE,
	version integer NOT NULL CHECK (version > 0),
	name text NOT NULL CHECK (name <> ''),
	declared_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	declared_by text NOT NULL,
	-- what the last ranking of the version found (NULL: not ranked yet)
	rows_ranked bigint,
	rows_unusable bigint,				-- unlabeled rows without usable predictions
	ranked_at timestamptz,
	PRIMARY KEY (learner_id, version),
	UNIQUE (learner_id, name)
);
REVOKE ALL ON al.prediction_version_store FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('al.prediction_version_store', '');
ALTER TABLE al.prediction_version_store ENABLE ROW LEVEL SECURITY;
CREATE POLICY prediction_version_visible ON al.prediction_version_store FOR SELECT
	USING (EXISTS (SELECT 1 FROM al.learner_store l WHERE l.id = learner_id));
GRANT SELECT ON al.prediction_version_store TO PUBLIC;
COMMENT ON TABLE al.prediction_version_store IS
	'the prediction versions of external-prediction learners, as their applications declared them';

CREATE VIEW al.prediction_versions WITH (security_invoker = true) AS
SELECT l.name AS learner, v.version, v.name, v.declared_at, v.declared_by, v.rows_ranked, v.rows_unusable,
       v.ranked_at, v.version IS NOT DISTINCT FROM l.model_version AS served
FROM al.prediction_version_store v JOIN al.learner_store l ON l.id = v.learner_id;
GRANT SELECT ON al.prediction_versions TO PUBLIC;
COMMENT ON VIEW al.prediction_versions IS
	'per external-prediction learner the caller may view: its declared prediction versions (version: the model_version of al.learning_curve), the rows their last ranking ranked and found unusable, and which one ranks the pool now';

CREATE FUNCTION al.predictions_updated(learner text, version text, trained_on bigint[] DEFAULT NULL)
	RETURNS integer AS 'MODULE_PATHNAME', 'al_predictions_updated' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.predictions_updated(text, text, bigint[]) IS
	'declare that a new version of an external-prediction learner''s predictions is in its column: records it (returns its number), marks the label rows of serials trained_on as used by it (al.labels_since) and asks for a rescore (the worker''s next round, or al.run_learner)';

CREATE FUNCTION al.labels_since(learner text, version text DEFAULT NULL)
	RETURNS TABLE (item_id text, label text, annotator text, labeled_at timestamptz, serial bigint,
	               adjudicated boolean)
	AS 'MODULE_PATHNAME', 'al_labels_since' LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.labels_since(text, text) IS
	'the label rows of an external-prediction learner that the fine-tuning of a prediction version did not use (not in the trained_on of it or an earlier version; version NULL: of none), by serial';
