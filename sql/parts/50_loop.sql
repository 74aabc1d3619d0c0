
-- ---------------------------------------------------------------------------
-- The loop: learners, labels, leased batches, the published ranking
-- ---------------------------------------------------------------------------
-- Only al_ext's functions write these tables (as their owner, after checking
-- the caller); people and BI tools read the views below.

CREATE TABLE al.learner_store (
	id bigserial PRIMARY KEY,
	name text NOT NULL UNIQUE CHECK (name <> ''),
	owner regrole NOT NULL,
	pool regclass NOT NULL,
	id_column name NOT NULL,
	features_column name NOT NULL,
	id_type regtype NOT NULL,
	classes text[] NOT NULL,
	strategy text NOT NULL,
	options jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	retrain_requested boolean NOT NULL DEFAULT false,
	model_id bigint,					-- the published model version (al.model_store.id)
	model_version integer,
	trained_label_serial bigint NOT NULL DEFAULT 0,	-- labels up to this serial were counted
	published_at timestamptz
);
REVOKE ALL ON al.learner_store FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('al.learner_store', '');
SELECT pg_catalog.pg_extension_config_dump('al.learner_store_id_seq', '');
COMMENT ON TABLE al.learner_store IS 'learners: pool, classes, strategy, options and the published model';

CREATE SEQUENCE al.label_serial_seq;
SELECT pg_catalog.pg_extension_config_dump('al.label_serial_seq', '');

CREATE TABLE al.labels (
	learner_id bigint NOT NULL REFERENCES al.learner_store (id) ON DELETE CASCADE,
	item_id text NOT NULL,
	annotator text NOT NULL,
	label text NOT NULL,
	labeled_at timestamptz NOT NULL DEFAULT now(),
	serial bigint NOT NULL DEFAULT nextval('al.label_serial_seq'),
	PRIMARY KEY (learner_id, item_id, annotator)
);
REVOKE ALL ON al.labels FROM PUBLIC;
CREATE INDEX ON al.labels (learner_id, serial);
SELECT pg_catalog.pg_extension_config_dump('al.labels', '');
COMMENT ON TABLE al.labels IS 'who labeled which item how, and when; one row per learner, item and annotator';

CREATE TABLE al.leases (
	learner_id bigint NOT NULL REFERENCES al.learner_store (id) ON DELETE CASCADE,
	item_id text NOT NULL,
	annotator text NOT NULL,
	leased_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	PRIMARY KEY (learner_id, item_id)
);
REVOKE ALL ON al.leases FROM PUBLIC;
COMMENT ON TABLE al.leases IS 'items handed to an annotator until expires_at; the key makes a live lease unique';

CREATE TABLE al.scores (
	learner_id bigint NOT NULL REFERENCES al.learner_store (id) ON DELETE CASCADE,
	item_id text NOT NULL,
	model_version integer NOT NULL,
	score double precision NOT NULL,
	predicted text NOT NULL,
	probs al.probvec NOT NULL
);
REVOKE ALL ON al.scores FROM PUBLIC;
CREATE INDEX ON al.scores (learner_id, score DESC, item_id);
COMMENT ON TABLE al.scores IS
	'the published ranking of each learner''s unlabeled items; replaced in one transaction per model version';

CREATE TABLE al.curve_store (
	learner_id bigint NOT NULL REFERENCES al.learner_store (id) ON DELETE CASCADE,
	model_version integer NOT NULL,
	model_id bigint NOT NULL,
	labels_used integer NOT NULL,
	holdout_accuracy double precision,
	holdout_log_loss double precision,
	mean_uncertainty double precision,
	kappa_previous double precision,
	stop_predictions integer[] NOT NULL,
	trained_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (learner_id, model_version)
);
REVOKE ALL ON al.curve_store FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('al.curve_store', '');
COMMENT ON TABLE al.curve_store IS 'one row per model version of a learner: its learning-curve point';
