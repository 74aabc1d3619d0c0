
-- ---------------------------------------------------------------------------
-- In-database models: softmax regression and bagged committees (OpenBLAS)
-- ---------------------------------------------------------------------------

-- Every trained version is a row; nothing is overwritten.  Only al_ext's
-- functions touch this table (as its owner); users read al.models.
-- A model is owned either through a handle (a view in schema al whose
-- owner owns the model: a model trained with al.train_model) or by a
-- learner (its rounds' models, named learner/<learner>): doc/security.md.
CREATE TABLE al.model_store (
	id bigserial PRIMARY KEY,
	name text NOT NULL CHECK (name <> ''),
	version integer NOT NULL CHECK (version >= 1),
	handle regclass,				-- a standalone model's handle, the same on every version
	learner_id bigint,				-- a learner's model: the learner (foreign key: 52_model_learners.sql)
	classes text[] NOT NULL,
	n_features integer NOT NULL CHECK (n_features >= 1),
	members integer NOT NULL CHECK (members >= 1),
	standardized boolean NOT NULL,
	options jsonb NOT NULL,
	metrics jsonb NOT NULL,
	trained_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	weights bytea NOT NULL,
	-- what the model predicts: softmax = one class (probvec), ovr = a set of
	-- classes (independent label probabilities), ridge = a number (no classes)
	family text NOT NULL DEFAULT 'softmax'
		CONSTRAINT model_store_family CHECK (family IN ('softmax', 'ovr', 'ridge')),
	UNIQUE (name, version),
	CONSTRAINT model_store_family_classes
		CHECK ((family = 'ridge') = (pg_catalog.cardinality(classes) = 0)),
	CONSTRAINT model_store_one_owner CHECK ((handle IS NULL) <> (learner_id IS NULL)),
	CONSTRAINT model_store_learner_names
		CHECK ((learner_id IS NOT NULL) = pg_catalog.starts_with(name, 'learner/'))
);
REVOKE ALL ON al.model_store FROM PUBLIC;
-- the sql_drop event trigger (58_orphans.sql) finds a dropped handle's rows by it
CREATE INDEX model_store_handle ON al.model_store (handle);
CREATE INDEX model_store_learner ON al.model_store (learner_id);
-- pg_dump keeps the models (an extension's tables are not dumped otherwise);
-- the handles are ordinary views of schema al, dumped (with owner and
-- grants) before this data, which names them
SELECT pg_catalog.pg_extension_config_dump('al.model_store', '');
SELECT pg_catalog.pg_extension_config_dump('al.model_store_id_seq', '');
COMMENT ON TABLE al.model_store IS
	'every trained model version with its compact weights; read it through al.models';

-- al.models, which shows each role the models it may use, is defined in
-- 52_model_learners.sql (it needs al.learner_store).
CREATE FUNCTION al.model_usable(handle regclass, learner_id bigint) RETURNS boolean
	AS 'MODULE_PATHNAME', 'al_model_usable' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.model_usable(regclass, bigint) IS
	'may the current role use the model of this handle (its owner''s privileges, or SELECT on it) or of this learner (the learner''s view right)?';

CREATE FUNCTION al.train_model(name text, data regclass, features name, label name,
                               options jsonb DEFAULT '{}')
	RETURNS bigint
	AS 'MODULE_PATHNAME', 'al_train_model' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.train_model(text, regclass, name, name, jsonb) IS
	'train a new version of a model (or bagged committee) on the labeled rows of data; returns its id. A new name belongs to the caller (its handle al."model <id>"); adding a version needs the owner''s privileges; names learner/... are the learners''. Options: family (softmax: a class per row; ovr: a text[] set of classes per row; ridge: a number per row), c, max_iter, tol, ftol, members, seed, standardize, holdout, class_weight (softmax), classes (ovr), alpha (ridge)';

CREATE FUNCTION al.drop_model(name text) RETURNS integer
	AS 'MODULE_PATHNAME', 'al_drop_model' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION al.drop_model(text) IS 'delete every version of a model and its handle (needs the owner''s privileges); returns how many';

CREATE FUNCTION al.model_coefficients(model text, version integer DEFAULT NULL)
	RETURNS TABLE (member integer, class text, intercept double precision, coef double precision[])
	AS 'MODULE_PATHNAME', 'al_model_coefficients' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.model_coefficients(text, integer) IS
	'weights of each member and class (ovr: label; ridge: one row, class NULL) in the original feature space (logit, or a ridge prediction, = x . coef + intercept), like scikit-learn''s coef_ and intercept_; version NULL = latest';

-- Prediction has one public signature per model argument (a name: the
-- latest version; an id: a fixed version) over double precision[] features;
-- each has a twin <name>_real over real[] that al.real_features_support
-- (20_scores.sql) calls instead for a real[] argument.  The model rounds
-- every feature to real either way: the same result, without the copy.
CREATE FUNCTION al.predict_proba_real(model text, x real[]) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'al_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_proba_real(model_id bigint, x real[]) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'al_predict_proba_id' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_proba(model text, x double precision[]) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'al_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.predict_proba(model_id bigint, x double precision[]) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'al_predict_proba_id' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
COMMENT ON FUNCTION al.predict_proba(text, double precision[]) IS
	'class probabilities of the latest version of a model (a committee''s mean); features are rounded to real, as in training; real[] features are read in place (al.predict_proba_real)';
COMMENT ON FUNCTION al.predict_proba(bigint, double precision[]) IS
	'class probabilities of a fixed model version, by id; features are rounded to real, as in training; real[] features are read in place (al.predict_proba_real)';
COMMENT ON FUNCTION al.predict_proba_real(text, real[]) IS
	'al.predict_proba for real[] features, read in place; the planner calls it for al.predict_proba on a real[] argument';
COMMENT ON FUNCTION al.predict_proba_real(bigint, real[]) IS
	'al.predict_proba by model id for real[] features, read in place; the planner calls it for al.predict_proba on a real[] argument';

-- A model version as one value, and prediction with it: scoring where
-- al.model_store is not (Citus workers, other servers; doc/citus.md).
CREATE FUNCTION al.model_export(model text, version integer DEFAULT NULL) RETURNS bytea
	AS 'MODULE_PATHNAME', 'al_model_export' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.model_export(text, integer) IS
	'a model version (NULL: the latest; any family) as one bytea value, exact, for the prediction functions of its family that take a bytea (al.predict_proba, al.predict_label_probs, al.predict_value, ...) where the model store is not (Citus workers); needs the right to use the model';
CREATE FUNCTION al.predict_proba_real(model bytea, x real[]) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'al_predict_proba_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_proba(model bytea, x double precision[]) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'al_predict_proba_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
COMMENT ON FUNCTION al.predict_proba(bytea, double precision[]) IS
	'class probabilities of an exported model (al.model_export), equal to al.predict_proba on that version; reads no table, so it runs where the rows are (Citus workers)';
COMMENT ON FUNCTION al.predict_proba_real(bytea, real[]) IS
	'al.predict_proba of an exported model for real[] features, read in place; the planner calls it for al.predict_proba on a real[] argument';

CREATE FUNCTION al.predict_real(model text, x real[]) RETURNS text
	AS 'MODULE_PATHNAME', 'al_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict(model text, x double precision[]) RETURNS text
	AS 'MODULE_PATHNAME', 'al_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
COMMENT ON FUNCTION al.predict(text, double precision[]) IS
	'most probable class of the latest version of a model (ties: the first class); real[] features are read in place (al.predict_real)';
COMMENT ON FUNCTION al.predict_real(text, real[]) IS
	'al.predict for real[] features, read in place; the planner calls it for al.predict on a real[] argument';

CREATE FUNCTION al.predict_committee_real(model text, x real[]) RETURNS al.probvec[]
	AS 'MODULE_PATHNAME', 'al_predict_committee' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_committee(model text, x double precision[]) RETURNS al.probvec[]
	AS 'MODULE_PATHNAME', 'al_predict_committee' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
COMMENT ON FUNCTION al.predict_committee(text, double precision[]) IS
	'each committee member''s class probabilities (latest version); real[] features are read in place (al.predict_committee_real)';
COMMENT ON FUNCTION al.predict_committee_real(text, real[]) IS
	'al.predict_committee for real[] features, read in place; the planner calls it for al.predict_committee on a real[] argument';

-- al.predict and al.predict_committee with an exported model (al.model_export)
CREATE FUNCTION al.predict_real(model bytea, x real[]) RETURNS text
	AS 'MODULE_PATHNAME', 'al_predict_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict(model bytea, x double precision[]) RETURNS text
	AS 'MODULE_PATHNAME', 'al_predict_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.predict_committee_real(model bytea, x real[]) RETURNS al.probvec[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_committee(model bytea, x double precision[]) RETURNS al.probvec[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
COMMENT ON FUNCTION al.predict(bytea, double precision[]) IS
	'most probable class of an exported model (al.model_export), equal to al.predict on that version; reads no table (Citus workers)';
COMMENT ON FUNCTION al.predict_real(bytea, real[]) IS
	'al.predict of an exported model for real[] features, read in place; the planner calls it for al.predict on a real[] argument';
COMMENT ON FUNCTION al.predict_committee(bytea, double precision[]) IS
	'each committee member''s class probabilities of an exported model (al.model_export), equal to al.predict_committee on that version; reads no table (Citus workers)';
COMMENT ON FUNCTION al.predict_committee_real(bytea, real[]) IS
	'al.predict_committee of an exported model for real[] features, read in place; the planner calls it for al.predict_committee on a real[] argument';

CREATE FUNCTION al.blas_info(OUT library text, OUT core text, OUT forced_coretype text, OUT auto_coretype text)
	AS 'MODULE_PATHNAME', 'al_blas_info' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.blas_info() IS
	'the OpenBLAS library, the kernel it runs, the coretype al_ext forced (al_ext.blas_coretype) and what auto picks on this CPU';

-- Ridge regression (scikit-learn's Ridge(alpha) objective, intercept not
-- penalized, optionally on standardized features), fitted on OpenBLAS over
-- the rows of a table read as the caller; not stored: the coefficients are
-- returned, and al.ridge_predict applies them.
CREATE FUNCTION al.ridge_fit(data regclass, features name, target name,
                             alpha double precision DEFAULT 1, standardize boolean DEFAULT false)
	RETURNS TABLE (coef double precision[], intercept double precision)
	AS 'MODULE_PATHNAME', 'sql_ridge_fit' LANGUAGE C STABLE STRICT PARALLEL UNSAFE ROWS 1;
COMMENT ON FUNCTION al.ridge_fit(regclass, name, name, double precision, boolean) IS
	'ridge regression over the rows of data whose target is not NULL, read with the caller''s privileges: one row (coef, intercept) minimizing ||y - X coef - intercept||^2 + alpha ||coef||^2, the intercept not penalized (scikit-learn''s Ridge(alpha)); with standardize the penalty is on the coefficients of the standardized features (population standard deviation, as StandardScaler then Ridge) and coef is given back in the original units; alpha > 0, at least 2 rows, at most 4096 features';
CREATE FUNCTION al.ridge_predict(coef double precision[], intercept double precision, x double precision[])
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'sql_ridge_predict' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.ridge_predict(double precision[], double precision, double precision[]) IS
	'the prediction intercept + coef . x of a ridge fit (al.ridge_fit) for features x';

-- Prediction with one-vs-rest (family ovr) and ridge (family ridge)
-- models, each by name (latest version), by id and by value (an exported
-- version, at the end), with <name>_real twins as above.  A model of
-- another family is an ERROR (42809).

CREATE FUNCTION al.predict_label_probs_real(model text, x real[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_label_probs' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_label_probs_real(model_id bigint, x real[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_label_probs_id' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_label_probs(model text, x double precision[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_label_probs' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.predict_label_probs(model_id bigint, x double precision[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_label_probs_id' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
COMMENT ON FUNCTION al.predict_label_probs(text, double precision[]) IS
	'independent probability of each class of a one-vs-rest model (latest version; a committee''s mean), in the model''s classes order: a real[] as al.check_label_probs takes it; features are rounded to real, as in training';
COMMENT ON FUNCTION al.predict_label_probs(bigint, double precision[]) IS
	'al.predict_label_probs of a fixed model version, by id';
COMMENT ON FUNCTION al.predict_label_probs_real(text, real[]) IS
	'al.predict_label_probs for real[] features, read in place; the planner calls it for al.predict_label_probs on a real[] argument';
COMMENT ON FUNCTION al.predict_label_probs_real(bigint, real[]) IS
	'al.predict_label_probs by model id for real[] features, read in place';

CREATE FUNCTION al.predict_labels_real(model text, x real[]) RETURNS text[]
	AS 'MODULE_PATHNAME', 'al_predict_labels' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_labels_real(model_id bigint, x real[]) RETURNS text[]
	AS 'MODULE_PATHNAME', 'al_predict_labels_id' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_labels(model text, x double precision[]) RETURNS text[]
	AS 'MODULE_PATHNAME', 'al_predict_labels' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.predict_labels(model_id bigint, x double precision[]) RETURNS text[]
	AS 'MODULE_PATHNAME', 'al_predict_labels_id' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
COMMENT ON FUNCTION al.predict_labels(text, double precision[]) IS
	'the predicted set of a one-vs-rest model (latest version): the classes whose al.predict_label_probs is at least 0.5, in the classes order (''{}'' when none)';
COMMENT ON FUNCTION al.predict_labels(bigint, double precision[]) IS
	'al.predict_labels of a fixed model version, by id';
COMMENT ON FUNCTION al.predict_labels_real(text, real[]) IS
	'al.predict_labels for real[] features, read in place; the planner calls it for al.predict_labels on a real[] argument';
COMMENT ON FUNCTION al.predict_labels_real(bigint, real[]) IS
	'al.predict_labels by model id for real[] features, read in place';

CREATE FUNCTION al.predict_committee_label_probs_real(model text, x real[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_label_probs' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_committee_label_probs_real(model_id bigint, x real[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_label_probs_id' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_committee_label_probs(model text, x double precision[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_label_probs' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.predict_committee_label_probs(model_id bigint, x double precision[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_label_probs_id' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
COMMENT ON FUNCTION al.predict_committee_label_probs(text, double precision[]) IS
	'each member''s label probabilities of a one-vs-rest model (latest version): a two-dimensional real[], members x classes, row i = member i';
COMMENT ON FUNCTION al.predict_committee_label_probs(bigint, double precision[]) IS
	'al.predict_committee_label_probs of a fixed model version, by id';
COMMENT ON FUNCTION al.predict_committee_label_probs_real(text, real[]) IS
	'al.predict_committee_label_probs for real[] features, read in place; the planner calls it for al.predict_committee_label_probs on a real[] argument';
COMMENT ON FUNCTION al.predict_committee_label_probs_real(bigint, real[]) IS
	'al.predict_committee_label_probs by model id for real[] features, read in place';

CREATE FUNCTION al.predict_value_real(model text, x real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_predict_value' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_value_real(model_id bigint, x real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_predict_value_id' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_value(model text, x double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_predict_value' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.predict_value(model_id bigint, x double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_predict_value_id' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
COMMENT ON FUNCTION al.predict_value(text, double precision[]) IS
	'the prediction intercept + coef . x of a ridge model (latest version; a committee''s mean); features are rounded to real, as in training';
COMMENT ON FUNCTION al.predict_value(bigint, double precision[]) IS
	'al.predict_value of a fixed model version, by id';
COMMENT ON FUNCTION al.predict_value_real(text, real[]) IS
	'al.predict_value for real[] features, read in place; the planner calls it for al.predict_value on a real[] argument';
COMMENT ON FUNCTION al.predict_value_real(bigint, real[]) IS
	'al.predict_value by model id for real[] features, read in place';

CREATE FUNCTION al.predict_committee_values_real(model text, x real[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_values' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_committee_values_real(model_id bigint, x real[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_values_id' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_committee_values(model text, x double precision[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_values' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.predict_committee_values(model_id bigint, x double precision[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_values_id' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
COMMENT ON FUNCTION al.predict_committee_values(text, double precision[]) IS
	'each member''s prediction of a ridge model (latest version), as a real[] of one value per member';
COMMENT ON FUNCTION al.predict_committee_values(bigint, double precision[]) IS
	'al.predict_committee_values of a fixed model version, by id';
COMMENT ON FUNCTION al.predict_committee_values_real(text, real[]) IS
	'al.predict_committee_values for real[] features, read in place; the planner calls it for al.predict_committee_values on a real[] argument';
COMMENT ON FUNCTION al.predict_committee_values_real(bigint, real[]) IS
	'al.predict_committee_values by model id for real[] features, read in place';

-- The same with an exported model (al.model_export) of family ovr or
-- ridge: they read no table, so they are immutable and run where the rows
-- are (Citus workers); a value of another family is an ERROR (42809).
CREATE FUNCTION al.predict_label_probs_real(model bytea, x real[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_label_probs_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_label_probs(model bytea, x double precision[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_label_probs_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.predict_labels_real(model bytea, x real[]) RETURNS text[]
	AS 'MODULE_PATHNAME', 'al_predict_labels_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_labels(model bytea, x double precision[]) RETURNS text[]
	AS 'MODULE_PATHNAME', 'al_predict_labels_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.predict_committee_label_probs_real(model bytea, x real[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_label_probs_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_committee_label_probs(model bytea, x double precision[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_label_probs_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.predict_value_real(model bytea, x real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_predict_value_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_value(model bytea, x double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_predict_value_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.predict_committee_values_real(model bytea, x real[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_values_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.predict_committee_values(model bytea, x double precision[]) RETURNS real[]
	AS 'MODULE_PATHNAME', 'al_predict_committee_values_by_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
COMMENT ON FUNCTION al.predict_label_probs(bytea, double precision[]) IS
	'al.predict_label_probs of an exported one-vs-rest model (al.model_export), equal to it on that version; reads no table (Citus workers)';
COMMENT ON FUNCTION al.predict_label_probs_real(bytea, real[]) IS
	'al.predict_label_probs of an exported model for real[] features, read in place; the planner calls it for al.predict_label_probs on a real[] argument';
COMMENT ON FUNCTION al.predict_labels(bytea, double precision[]) IS
	'al.predict_labels of an exported one-vs-rest model (al.model_export), equal to it on that version; reads no table (Citus workers)';
COMMENT ON FUNCTION al.predict_labels_real(bytea, real[]) IS
	'al.predict_labels of an exported model for real[] features, read in place; the planner calls it for al.predict_labels on a real[] argument';
COMMENT ON FUNCTION al.predict_committee_label_probs(bytea, double precision[]) IS
	'al.predict_committee_label_probs of an exported one-vs-rest model (al.model_export), equal to it on that version; reads no table (Citus workers)';
COMMENT ON FUNCTION al.predict_committee_label_probs_real(bytea, real[]) IS
	'al.predict_committee_label_probs of an exported model for real[] features, read in place; the planner calls it for al.predict_committee_label_probs on a real[] argument';
COMMENT ON FUNCTION al.predict_value(bytea, double precision[]) IS
	'al.predict_value of an exported ridge model (al.model_export), equal to it on that version; reads no table (Citus workers)';
COMMENT ON FUNCTION al.predict_value_real(bytea, real[]) IS
	'al.predict_value of an exported model for real[] features, read in place; the planner calls it for al.predict_value on a real[] argument';
COMMENT ON FUNCTION al.predict_committee_values(bytea, double precision[]) IS
	'al.predict_committee_values of an exported ridge model (al.model_export), equal to it on that version; reads no table (Citus workers)';
COMMENT ON FUNCTION al.predict_committee_values_real(bytea, real[]) IS
	'al.predict_committee_values of an exported model for real[] features, read in place; the planner calls it for al.predict_committee_values on a real[] argument';
