
-- ---------------------------------------------------------------------------
-- The loop: learners, labels, leased batches, the published ranking
-- ---------------------------------------------------------------------------
-- Only al_ext's functions write these tables (as their owner, after checking
-- the caller); people and BI tools read the views below.

-- Item ids are kept in their text form, as long as the pool's ids are; a
-- btree holds keys of at most about 2.7 kB, so labels and leases are keyed
-- by this digest of the id (and every lookup also compares the id itself).
CREATE FUNCTION al.item_key(item_id text) RETURNS bytea
	AS 'MODULE_PATHNAME', 'al_item_key' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.item_key(text) IS
	'the key al.labels and al.leases index an item id by: the SHA-256 of its text';

-- A learner is owned through its handle, the view al."learner <id>": the
-- learner's owner is the handle's owner, and the rights on it (view,
-- annotate, proxy) are privileges on the handle (doc/security.md).
CREATE TABLE al.learner_store (
	id bigserial PRIMARY KEY,
	name text NOT NULL UNIQUE CHECK (name <> ''),
	handle regclass NOT NULL UNIQUE,
	-- the secret its NOTIFY channel is derived from (al.learner_channel);
	-- nobody may read it: see the column grants below
	channel_secret text NOT NULL
		DEFAULT pg_catalog.replace(pg_catalog.gen_random_uuid()::pg_catalog.text, '-', ''),
	pool regclass NOT NULL,
	id_column name NOT NULL,
	features_column name NOT NULL,
	id_type regtype NOT NULL,
	classes text[] NOT NULL,
	strategy text NOT NULL,
	options jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	retrain_requested boolean NOT NULL DEFAULT false,
	model_id bigint,					-- the published model version (al.model_store.id)
	model_version integer,
	published_at timestamptz,
	stop_items text[],					-- the fixed stop set (item ids), chosen at the first model
	-- the evaluation sample of the pool (item ids, in hand-out order), chosen
	-- when option eval_size or eval_fraction is given; never trained on
	eval_items text[],
	pinned_version integer				-- al.pin_version / al.rollback: served until al.unpin (NULL: the serve policy)
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
	annotator text NOT NULL,			-- in whose name
	label text NOT NULL,
	labeled_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	recorded_by text NOT NULL,			-- the role that recorded it (an annotator, or a proxy)
	serial bigint NOT NULL DEFAULT pg_catalog.nextval('al.label_serial_seq'::pg_catalog.regclass),
	-- the model version whose training read this label; NULL: waiting for a
	-- retrain (a new or changed label).  Set by the round for exactly the rows
	-- its training read, so a label that commits after a round (whatever its
	-- serial) still waits.
	trained_in integer,
	-- when the annotator's lease of the item began (al.time_to_label); NULL:
	-- labeled without holding a lease
	leased_at timestamptz,
	-- recorded with al.adjudicate: settles a disagreement (label_rule
	-- adjudicated), not a vote of the agreement views
	adjudicated boolean NOT NULL DEFAULT false
);
REVOKE ALL ON al.labels FROM PUBLIC;
-- one label per learner, item and annotator (al.label upserts on it)
CREATE UNIQUE INDEX labels_item_annotator ON al.labels (learner_id, al.item_key(item_id), annotator);
CREATE INDEX ON al.labels (learner_id, serial);
-- what al.learner_status and the round count as waiting
CREATE INDEX labels_waiting ON al.labels (learner_id) WHERE trained_in IS NULL;
SELECT pg_catalog.pg_extension_config_dump('al.labels', '');
COMMENT ON TABLE al.labels IS 'who labeled which item how, and when; one row per learner, item and annotator';

CREATE TABLE al.leases (
	learner_id bigint NOT NULL REFERENCES al.learner_store (id) ON DELETE CASCADE,
	item_id text NOT NULL,
	annotator text NOT NULL,
	leased_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	expires_at timestamptz NOT NULL
);
REVOKE ALL ON al.leases FROM PUBLIC;
-- at most one lease per learner, item and annotator; how many annotators
-- may hold an item (option overlap) al.next_batch counts under its batch lock
CREATE UNIQUE INDEX leases_item ON al.leases (learner_id, al.item_key(item_id), annotator);
SELECT pg_catalog.pg_extension_config_dump('al.leases', '');
COMMENT ON TABLE al.leases IS 'items handed to an annotator until expires_at; one row per item and annotator (up to option overlap annotators per item)';

-- Items handed out or labeled are skipped by the next batches from a hint
-- (src/loop/batch_hint.c); a change that may open them again, made by SQL
-- other than al_ext's own statements (an administrator's DELETE, TRUNCATE,
-- a lease cut short or inserted by hand), tells every session's next batch
-- to read from the top again.
CREATE FUNCTION al.batch_hints_reopen() RETURNS trigger
	AS 'MODULE_PATHNAME', 'al_batch_hints_reopen' LANGUAGE C;
REVOKE ALL ON FUNCTION al.batch_hints_reopen() FROM PUBLIC;
COMMENT ON FUNCTION al.batch_hints_reopen() IS
	'statement trigger of al.leases and al.labels: a change that may reopen items makes the batches forget their hints';
CREATE TRIGGER batch_hints_reopen AFTER INSERT OR UPDATE OF learner_id, item_id, expires_at OR DELETE OR TRUNCATE
	ON al.leases FOR EACH STATEMENT EXECUTE FUNCTION al.batch_hints_reopen();
CREATE TRIGGER batch_hints_reopen AFTER UPDATE OF learner_id, item_id OR DELETE OR TRUNCATE
	ON al.labels FOR EACH STATEMENT EXECUTE FUNCTION al.batch_hints_reopen();
-- (also under session_replication_role = replica: a restore or a replica's
-- apply that deletes leases reopens items all the same)
ALTER TABLE al.leases ENABLE ALWAYS TRIGGER batch_hints_reopen;
ALTER TABLE al.labels ENABLE ALWAYS TRIGGER batch_hints_reopen;

-- No foreign key and no index of every row: a round replaces up to a whole
-- pool of rows, and their upkeep was two thirds of a round's time
-- (bench/README.md); al.drop_learner deletes a learner's rows itself.
-- Partitioned by learner, one partition al.scores_<id> per learner, made by
-- al.create_learner (or the learner's next round when missing) and dropped
-- by al.drop_learner (src/loop/scores_partition.c): a statement that names
-- a learner reads and writes that learner's rows only, so a round and
-- al.next_batch do not grow with the other learners' rankings (doc/loop.md
-- "One partition per learner").  The partitions are members of the
-- extension, not dumped, like the rows.
CREATE TABLE al.scores (
	learner_id bigint NOT NULL,
	item_id text NOT NULL,
	model_version integer NOT NULL,
	score double precision NOT NULL,
	predicted text NOT NULL,		-- a class; a set of classes (family ovr); a number (ridge)
	-- the class probabilities (softmax learners; NULL for the other families)
	probs al.probvec,
	-- family ovr: the label probabilities in the classes' order; ridge: each
	-- committee member's prediction (NULL for softmax learners)
	outputs double precision[],
	-- the selector's order (option batch: 1 = hand out first); NULL: not a
	-- candidate, handed out after the ranked rows, by score
	rank integer CHECK (rank > 0),
	-- one of the first rows of the hand-out order (the round marks them)
	hot boolean NOT NULL DEFAULT false
) PARTITION BY LIST (learner_id);
REVOKE ALL ON al.scores FROM PUBLIC;
-- al.next_batch reads the first rows of a learner's ranking in this order
-- (then by item_id) and stops after the batch: milliseconds on a
-- million-row ranking instead of a scan and sort of it.  Only the first
-- rows (hot, marked by the round) are indexed, so that a round does not pay
-- for maintaining an index of its whole ranking (2 to 3 s a million rows).
-- Every partition gets it.
CREATE INDEX scores_order ON al.scores (learner_id, rank, score DESC) WHERE hot;
COMMENT ON TABLE al.scores IS
	'the published ranking of each learner''s unlabeled items; replaced in one transaction per model version';

-- Which model version and pool row count each learner's rows of al.scores
-- were written for.  Like al.scores it is not dumped: after a restore a
-- learner with a published model has no row here, and its next round
-- rebuilds the ranking.
CREATE TABLE al.ranking_state (
	learner_id bigint PRIMARY KEY REFERENCES al.learner_store (id) ON DELETE CASCADE,
	model_version integer NOT NULL,
	pool_rows bigint NOT NULL,
	ranked_rows bigint NOT NULL DEFAULT 0,	-- the unlabeled rows with usable features it ranked
	ranked_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	selection text NOT NULL DEFAULT ''	-- the selection options it was ranked with
);
REVOKE ALL ON al.ranking_state FROM PUBLIC;
COMMENT ON TABLE al.ranking_state IS
	'the model version and pool row count of each learner''s published ranking (derived, not dumped)';

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
	trained_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	labels_unusable integer NOT NULL DEFAULT 0,	-- labeled items the training could not use
	-- on the labeled part of the evaluation set (NULL: the learner has none),
	-- with 95% intervals (doc/loop.md "The evaluation set")
	eval_labeled integer,				-- labeled items measured
	eval_accuracy double precision,
	eval_accuracy_low double precision,		-- Wilson score interval
	eval_accuracy_high double precision,
	eval_macro_f1 double precision,
	eval_macro_f1_low double precision,		-- seeded percentile bootstrap
	eval_macro_f1_high double precision,
	eval_log_loss double precision,
	eval_log_loss_low double precision,		-- mean +- 1.96 s / sqrt(n)
	eval_log_loss_high double precision,
	-- mean normalized entropy of the version's predictions on the stop set
	stop_set_uncertainty double precision,
	-- the stopping rules that fire at this version (doc/loop.md "Stopping rules")
	stop_rules text[] NOT NULL DEFAULT '{}',
	-- multi-label and regression learners (doc/loop.md "Model families of
	-- learners"): measured on 'eval' (the labeled part of the evaluation
	-- sample) or 'holdout' (option holdout), NULL: neither
	measured_on text CHECK (measured_on IN ('eval', 'holdout')),
	measured_items integer,
	micro_f1 double precision,			-- family ovr
	macro_f1 double precision,
	hamming_loss double precision,
	subset_accuracy double precision,
	rmse double precision,				-- family ridge
	mae double precision,
	r2 double precision,
	-- family ovr: the mean size of the label sets the version trained on
	-- (the strategy label_cardinality_inconsistency scores against it)
	label_cardinality double precision,
	PRIMARY KEY (learner_id, model_version)
);
REVOKE ALL ON al.curve_store FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('al.curve_store', '');
COMMENT ON TABLE al.curve_store IS 'one row per model version of a learner: its learning-curve point';

-- Whether the current role may view the learner of a handle (its owner's
-- privileges, or the view, annotate or proxy right): the row-level security
-- of al_ext's tables.
CREATE FUNCTION al.learner_visible(handle regclass) RETURNS boolean
	AS 'MODULE_PATHNAME', 'al_learner_visible' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.learner_visible(regclass) IS
	'whether the current role may view the learner of this handle (owner, or a view, annotate or proxy right); used by row-level security';

-- People and BI tools read through these views; row-level security shows
-- each role the learners it may view.
ALTER TABLE al.learner_store ENABLE ROW LEVEL SECURITY;
ALTER TABLE al.labels ENABLE ROW LEVEL SECURITY;
ALTER TABLE al.leases ENABLE ROW LEVEL SECURITY;
ALTER TABLE al.scores ENABLE ROW LEVEL SECURITY;
ALTER TABLE al.curve_store ENABLE ROW LEVEL SECURITY;
CREATE POLICY learner_visible ON al.learner_store FOR SELECT USING (al.learner_visible(handle));
CREATE POLICY label_visible ON al.labels FOR SELECT
	USING (EXISTS (SELECT 1 FROM al.learner_store l WHERE l.id = learner_id));
CREATE POLICY lease_visible ON al.leases FOR SELECT
	USING (EXISTS (SELECT 1 FROM al.learner_store l WHERE l.id = learner_id));
CREATE POLICY score_visible ON al.scores FOR SELECT
	USING (EXISTS (SELECT 1 FROM al.learner_store l WHERE l.id = learner_id));
CREATE POLICY curve_visible ON al.curve_store FOR SELECT
	USING (EXISTS (SELECT 1 FROM al.learner_store l WHERE l.id = learner_id));
GRANT SELECT ON al.labels, al.leases, al.scores, al.curve_store TO PUBLIC;
-- every column but channel_secret
GRANT SELECT (id, name, handle, pool, id_column, features_column, id_type, classes, strategy, options,
              created_at, retrain_requested, model_id, model_version,
              published_at, stop_items, eval_items, pinned_version)
	ON al.learner_store TO PUBLIC;

-- A learner's NOTIFY channel: 'al_ext_' and a digest of its secret, its
-- owner and its rights (the handle's ACL), so it changes whenever the rights
-- change and a role whose right was revoked hears nothing more; NULL for a
-- learner the caller may not view.
CREATE FUNCTION al.learner_channel(learner_id bigint) RETURNS text
	AS 'MODULE_PATHNAME', 'al_learner_channel' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION al.learner_channel(bigint) IS
	'the channel to LISTEN to for new versions of a learner the current role may view (changes with its owner and rights)';

CREATE FUNCTION al.create_learner(name text, pool regclass, id_column name, features_column name,
                                  classes text[], strategy text DEFAULT 'entropy', options jsonb DEFAULT '{}')
	RETURNS bigint AS 'MODULE_PATHNAME', 'al_create_learner' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.create_learner(text, regclass, name, name, text[], text, jsonb) IS
	'create a learner over a pool table (ids bigint, integer, text or uuid; features real[], double precision[] or a type with a cast to real[], such as pgvector''s vector); options: batch_size, retrain_every, committee, c, seed, holdout, max_iter, standardize, lease, max_leased, overlap, label_rule, adjudicator, serve, label_column, cold_start, cold_start_query, batch, candidates, sample, class_cap, density, density_metric, density_sample, explore, eer_loss, eer_candidates, eer_sample, eer_steps, eval_size, eval_fraction, eval_rate, eval_table, eval_label_column, stop_kappa, stop_window, stop_set_size, label_budget, stop_uncertainty, stop_plateau';

CREATE FUNCTION al.alter_learner(name text, strategy text DEFAULT NULL, options jsonb DEFAULT NULL)
	RETURNS void AS 'MODULE_PATHNAME', 'al_alter_learner' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.alter_learner(text, text, jsonb) IS
	'change a learner''s strategy and/or options (merged over the current ones)';

CREATE FUNCTION al.drop_learner(name text)
	RETURNS void AS 'MODULE_PATHNAME', 'al_drop_learner' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION al.drop_learner(text) IS
	'drop a learner with its labels, leases, ranking, curve and model versions';

CREATE FUNCTION al.label(learner text, item_id text, label text, annotator text DEFAULT current_user)
	RETURNS void AS 'MODULE_PATHNAME', 'al_label' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION al.label(learner text, item_id bigint, label text, annotator text DEFAULT current_user)
	RETURNS void LANGUAGE sql VOLATILE PARALLEL UNSAFE
	BEGIN ATOMIC SELECT al.label(learner, item_id::text, label, annotator); END;
CREATE FUNCTION al.label(learner text, item_id uuid, label text, annotator text DEFAULT current_user)
	RETURNS void LANGUAGE sql VOLATILE PARALLEL UNSAFE
	BEGIN ATOMIC SELECT al.label(learner, item_id::text, label, annotator); END;
COMMENT ON FUNCTION al.label(text, text, text, text) IS
	'record an annotator''s label for a pool item (validated); idempotent per annotator';
COMMENT ON FUNCTION al.label(text, bigint, text, text) IS 'al.label for integer item ids';
COMMENT ON FUNCTION al.label(text, uuid, text, text) IS 'al.label for uuid item ids';

CREATE FUNCTION al.label_many(learner text, labels jsonb)
	RETURNS integer AS 'MODULE_PATHNAME', 'al_label_many' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.label_many(text, jsonb) IS
	'record many labels at once: [{"item": 42, "label": "cat", "annotator": "ann"}, ...] (annotator optional); all or nothing';

CREATE FUNCTION al.next_batch(learner text, k integer DEFAULT NULL, annotator text DEFAULT current_user)
	RETURNS TABLE (item_id text, score double precision, predicted text, probs al.probvec)
	AS 'MODULE_PATHNAME', 'al_next_batch' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.next_batch(text, integer, text) IS
	'lease the first k items still open to the annotator (fewer than overlap labels and leases, none of them its own; an adjudicator''s disagreements first), by the selector''s rank then by score (k defaults to batch_size; a seeded random sample before the first model)';

CREATE FUNCTION al.release(learner text, item_ids text[], annotator text DEFAULT current_user)
	RETURNS integer AS 'MODULE_PATHNAME', 'al_release' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION al.release(learner text, item_ids bigint[], annotator text DEFAULT current_user)
	RETURNS integer LANGUAGE sql VOLATILE PARALLEL UNSAFE
	BEGIN ATOMIC SELECT al.release(learner, item_ids::text[], annotator); END;
CREATE FUNCTION al.release(learner text, item_ids uuid[], annotator text DEFAULT current_user)
	RETURNS integer LANGUAGE sql VOLATILE PARALLEL UNSAFE
	BEGIN ATOMIC SELECT al.release(learner, item_ids::text[], annotator); END;
-- An untyped literal ('{1,2}', as drivers send parameters) resolves to this
-- one: text is the preferred category for unknown literals, and no array
-- type is preferred among text[], bigint[] and uuid[].
CREATE FUNCTION al.release(learner text, item_ids text, annotator text DEFAULT current_user)
	RETURNS integer LANGUAGE sql VOLATILE PARALLEL UNSAFE
	BEGIN ATOMIC SELECT al.release(learner, item_ids::text[], annotator); END;
COMMENT ON FUNCTION al.release(text, text[], text) IS 'give back the annotator''s leases on these items; returns how many';
COMMENT ON FUNCTION al.release(text, text, text) IS 'al.release for an array literal such as ''{1,2}'' (an untyped parameter)';
COMMENT ON FUNCTION al.release(text, bigint[], text) IS 'al.release for integer item ids';
COMMENT ON FUNCTION al.release(text, uuid[], text) IS 'al.release for uuid item ids';

CREATE FUNCTION al.retrain(learner text)
	RETURNS void AS 'MODULE_PATHNAME', 'al_retrain' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION al.retrain(text) IS 'ask the worker for a new model and ranking now, whatever the label count';

CREATE FUNCTION al.run_learner(learner text)
	RETURNS text AS 'MODULE_PATHNAME', 'al_run_learner' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION al.run_learner(text) IS
	'do one round of the worker''s work for a learner now, in this transaction: retrain and rescore if due, or score new pool rows; returns retrained, rescored or idle';

-- ---- views for people and BI tools ----

CREATE VIEW al.learners WITH (security_invoker = true) AS
SELECT l.id, l.name, h.relowner::pg_catalog.regrole AS owner, l.pool, l.id_column, l.features_column,
       l.id_type, l.classes, l.strategy, l.options, l.created_at, l.model_version, l.published_at,
       l.handle, al.learner_channel(l.id) AS channel, l.eval_items
FROM al.learner_store l
JOIN pg_catalog.pg_class h ON h.oid OPERATOR(pg_catalog.=) l.handle;
GRANT SELECT ON al.learners TO PUBLIC;
COMMENT ON VIEW al.learners IS
	'the learners the current role may view; handle: the view that owns it (GRANT on it, or al.grant_learner); channel: LISTEN to it for new versions; eval_items: the ids of the evaluation sample (keep them out of training)';

-- One row per learner the caller may view; pools are counted as their
-- learner's owner, isolated (src/loop/learner_status.c).
CREATE FUNCTION al.learner_status_rows()
	RETURNS TABLE (learner text, strategy text, pool_size bigint, labeled bigint, unlabeled bigint,
	               leased bigint, labels_waiting bigint, labels_unusable integer, retrain_every integer,
	               model_version integer, trained_at timestamptz, selected_holdout_accuracy double precision,
	               phase text, suggested_stop boolean, stop_reason text, problem text,
	               counted_at timestamptz, worker_running boolean, oldest_waiting_label_age interval,
	               eval_accuracy double precision)
	AS 'MODULE_PATHNAME', 'al_learner_status_rows' LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.learner_status_rows() IS 'the rows of al.learner_status';

CREATE VIEW al.learner_status AS SELECT * FROM al.learner_status_rows();
GRANT SELECT ON al.learner_status TO PUBLIC;
COMMENT ON VIEW al.learner_status IS
	'per learner the caller may view: pool size and unlabeled rows as the last round counted them (counted_at), labeled, leased, labels waiting for a retrain, labels the latest model could not use, model version, accuracy on the held-out chosen labels (selected_holdout_accuracy, biased) and on the evaluation set (eval_accuracy), worker phase, suggested stop (a configured stopping rule fired at the latest version) and the rules that fired, what keeps its rounds from reading the pool, whether an al_ext worker serves the database, and how long the oldest waiting label has waited';

CREATE VIEW al.learning_curve WITH (security_invoker = true) AS
SELECT l.name AS learner, c.model_version, c.labels_used,
       c.eval_labeled, c.eval_accuracy, c.eval_accuracy_low, c.eval_accuracy_high,
       c.eval_macro_f1, c.eval_macro_f1_low, c.eval_macro_f1_high,
       c.eval_log_loss, c.eval_log_loss_low, c.eval_log_loss_high,
       c.holdout_accuracy AS selected_holdout_accuracy, c.holdout_log_loss AS selected_holdout_log_loss,
       c.mean_uncertainty, c.kappa_previous, c.trained_at, c.model_id, c.labels_unusable,
       c.stop_set_uncertainty, c.stop_rules, c.model_version IS NOT DISTINCT FROM l.model_version AS served,
       c.measured_on, c.measured_items, c.micro_f1, c.macro_f1, c.hamming_loss, c.subset_accuracy,
       c.rmse, c.mae, c.r2
FROM al.curve_store c JOIN al.learner_store l ON l.id = c.learner_id;
GRANT SELECT ON al.learning_curve TO PUBLIC;
COMMENT ON VIEW al.learning_curve IS
	'one row per model version of each learner: labels used; accuracy, macro-F1 and log-loss on the labeled part of the evaluation set with 95% intervals; accuracy and log-loss on a holdout of the learner''s own chosen labels (selected_holdout_*, biased: those items are the hardest); mean entropy of the pool; Cohen''s kappa against the previous version on the stop set; labeled items the training could not use; mean normalized entropy on the stop set; the stopping rules that fire at the version; whether the version is the one served now (al.serving_history: since when); for multi-label learners micro- and macro-F1, Hamming loss and subset accuracy, for regression learners RMSE, MAE and R2, measured_on the evaluation sample (eval) or the holdout';

-- a round's parallel scoring (GUC al_ext.parallel_rounds; src/loop/round_parallel.c)
CREATE FUNCTION al._round_row(model_id bigint, strategy text, x real[],
	OUT score double precision, OUT probs al.probvec)
	AS 'MODULE_PATHNAME', 'al_round_row' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000;
CREATE FUNCTION al._round_row(model_id bigint, strategy text, x double precision[],
	OUT score double precision, OUT probs al.probvec)
	AS 'MODULE_PATHNAME', 'al_round_row' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION al._round_row(bigint, text, real[]) IS
	'internal to a learner''s round with al_ext.parallel_rounds: the committee mean of softmax model version model_id on one row of features and the strategy''s score of it, as a serial round computes them; NULL for features a round skips';
COMMENT ON FUNCTION al._round_row(bigint, text, double precision[]) IS
	'internal to a learner''s round with al_ext.parallel_rounds: al._round_row for double precision[] features';

-- a round that scores in the pool (option score_in; src/loop/round_parallel.c, doc/citus.md)
CREATE FUNCTION al._round_probs(model bytea, x real[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_round_probs' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
CREATE FUNCTION al._round_probs(model bytea, x double precision[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_round_probs' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION al._round_probs(bytea, real[]) IS
	'internal to a learner''s round with option score_in: each member''s class probabilities (members x k reals) of an exported softmax model (al.model_export) on one row, as a round predicts them; NULL for features a round skips; reads no table, so Citus runs it on the shards';
COMMENT ON FUNCTION al._round_probs(bytea, double precision[]) IS
	'internal to a learner''s round with option score_in: al._round_probs for double precision[] features';
CREATE FUNCTION al._round_outputs(model bytea, x real[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'al_round_outputs' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
CREATE FUNCTION al._round_outputs(model bytea, x double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'al_round_outputs' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION al._round_outputs(bytea, real[]) IS
	'internal to the round of a multi-label or regression learner with option score_in: the outputs of one row as the round computes them (an ovr committee''s mean label probabilities, a ridge committee''s member predictions, double precision), then the ||(x, 1)|| of its features, of an exported ovr or ridge model (al.model_export); NULL for features a round skips; reads no table, so Citus runs it on the shards';
COMMENT ON FUNCTION al._round_outputs(bytea, double precision[]) IS
	'internal to the round of a multi-label or regression learner with option score_in: al._round_outputs for double precision[] features';
