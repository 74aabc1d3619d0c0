
-- ---------------------------------------------------------------------------
-- Team ergonomics: withdrawn labels, an annotator's open batch
-- ---------------------------------------------------------------------------
-- (doc/loop.md, "Withdrawn labels" and "An annotator's open batch")

-- A withdrawn label leaves al.labels (so everything that reads the current
-- labels, the round included, is unchanged) and is kept here with who
-- withdrew it and when.  A withdrawal waits for a retrain as a new label
-- does: retrained_in is the model version whose training first ran without
-- it, NULL while it waits.
CREATE TABLE al.withdrawn_labels (
	learner_id bigint NOT NULL REFERENCES al.learner_store (id) ON DELETE CASCADE,
	item_id text NOT NULL,
	annotator text NOT NULL,
	label text NOT NULL,
	labeled_at timestamptz NOT NULL,
	recorded_by text NOT NULL,			-- who recorded the label
	label_serial bigint NOT NULL,		-- the label row's serial
	trained_in integer,					-- as the label row had it (NULL: never trained)
	withdrawn_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	withdrawn_by text NOT NULL,			-- the role that withdrew it (the annotator, or a proxy)
	serial bigint NOT NULL DEFAULT pg_catalog.nextval('al.label_serial_seq'::pg_catalog.regclass),
	retrained_in integer,
	adjudicated boolean NOT NULL DEFAULT false	-- as the label row had it (al.adjudicate)
);
REVOKE ALL ON al.withdrawn_labels FROM PUBLIC;
CREATE INDEX ON al.withdrawn_labels (learner_id, serial);
-- what al.learner_status and the round count as waiting
CREATE INDEX withdrawn_labels_waiting ON al.withdrawn_labels (learner_id) WHERE retrained_in IS NULL;
SELECT pg_catalog.pg_extension_config_dump('al.withdrawn_labels', '');
COMMENT ON TABLE al.withdrawn_labels IS
	'labels withdrawn with al.unlabel: the label as it was, who withdrew it and when, and the model version first trained without it';
ALTER TABLE al.withdrawn_labels ENABLE ROW LEVEL SECURITY;
CREATE POLICY withdrawn_label_visible ON al.withdrawn_labels FOR SELECT
	USING (EXISTS (SELECT 1 FROM al.learner_store l WHERE l.id = learner_id));
GRANT SELECT ON al.withdrawn_labels TO PUBLIC;

CREATE FUNCTION al.unlabel(learner text, item_id text, annotator text DEFAULT current_user)
	RETURNS boolean AS 'MODULE_PATHNAME', 'al_unlabel' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION al.unlabel(learner text, item_id bigint, annotator text DEFAULT current_user)
	RETURNS boolean LANGUAGE sql VOLATILE PARALLEL UNSAFE
	BEGIN ATOMIC SELECT al.unlabel(learner, item_id::text, annotator); END;
CREATE FUNCTION al.unlabel(learner text, item_id uuid, annotator text DEFAULT current_user)
	RETURNS boolean LANGUAGE sql VOLATILE PARALLEL UNSAFE
	BEGIN ATOMIC SELECT al.unlabel(learner, item_id::text, annotator); END;
COMMENT ON FUNCTION al.unlabel(text, text, text) IS
	'withdraw the annotator''s label of an item (kept in al.withdrawn_labels; the next retrain goes without it); returns whether there was one';
COMMENT ON FUNCTION al.unlabel(text, bigint, text) IS 'al.unlabel for integer item ids';
COMMENT ON FUNCTION al.unlabel(text, uuid, text) IS 'al.unlabel for uuid item ids';

CREATE FUNCTION al.my_batch(learner text, annotator text DEFAULT current_user)
	RETURNS TABLE (item_id text, score double precision, predicted text, probs al.probvec)
	AS 'MODULE_PATHNAME', 'al_my_batch' LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.my_batch(text, text) IS
	'the items the annotator holds under a live lease and has not labeled, with their current score (call it before al.next_batch, so a retry takes no second batch)';
