
-- ---------------------------------------------------------------------------
-- Models and learners: a learner's models go with it; al.models
-- ---------------------------------------------------------------------------

-- A learner's rounds store their models under learner/<learner> with the
-- learner's id (model_fit_store); they are dropped with the learner.
ALTER TABLE al.model_store
	ADD CONSTRAINT model_store_learner_id_fkey FOREIGN KEY (learner_id)
	REFERENCES al.learner_store (id) ON DELETE CASCADE;

-- What each role may see of the store: the models it may use (the owner's
-- privileges or SELECT on the handle; for a learner's model, the learner's
-- view right).  A security barrier: the filter runs before any function of
-- the caller's WHERE clause, so no cheap leaky function sees other rows.
-- owner: the handle's owner, or the learner's for a learner's model.
CREATE VIEW al.models WITH (security_barrier) AS
SELECT m.id, m.name, m.version,
       coalesce(h.relowner, lh.relowner)::pg_catalog.regrole AS owner,
       m.handle, l.name AS learner, m.classes, m.n_features, m.members, m.standardized,
       m.options, m.metrics, m.trained_at, pg_catalog.octet_length(m.weights) AS weight_bytes,
       m.family
FROM al.model_store m
LEFT JOIN pg_catalog.pg_class h ON h.oid OPERATOR(pg_catalog.=) m.handle
LEFT JOIN al.learner_store l ON l.id OPERATOR(pg_catalog.=) m.learner_id
LEFT JOIN pg_catalog.pg_class lh ON lh.oid OPERATOR(pg_catalog.=) l.handle
WHERE al.model_usable(m.handle, m.learner_id);
GRANT SELECT ON al.models TO PUBLIC;
COMMENT ON VIEW al.models IS
	'model versions the current role may use: its own (and its roles''), those shared with it (SELECT on the handle), and those of learners it may view';
