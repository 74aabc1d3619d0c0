
-- ---------------------------------------------------------------------------
-- Multi-label uncertainty (higher = query first).  A row's independent
-- per-label probabilities are a double precision[] or real[]: one-dimensional,
-- at least one element, no NULL, each finite and in [0, 1], no sum
-- constraint (al.check_label_probs is the one check, run by every function
-- here).  Label l is predicted present when p_l >= 0.5.  As the sequence
-- scores: one public signature over double precision[] and a real[] twin
-- <name>_real that al.real_features_support substitutes for a call on a
-- real[] argument (al.label_cardinality_inconsistency, whose array is not
-- its last argument, widens a real[] instead).  Natural logs.
-- ---------------------------------------------------------------------------

CREATE FUNCTION al.check_label_probs(p double precision[]) RETURNS integer
	AS 'MODULE_PATHNAME', 'score_check_label_probs' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.check_label_probs_real(p real[]) RETURNS integer
	AS 'MODULE_PATHNAME', 'score_check_label_probs' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.mean_binary_entropy(p double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_mean_binary_entropy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.mean_binary_entropy_real(p real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_mean_binary_entropy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.binary_minimum(p double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_binary_minimum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.binary_minimum_real(p real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_binary_minimum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.max_loss(p double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_max_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.max_loss_real(p real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_max_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.mean_max_loss(p double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_mean_max_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.mean_max_loss_real(p real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_mean_max_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.label_cardinality_inconsistency(p double precision[], mean_cardinality double precision)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_label_cardinality_inconsistency' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION al.check_label_probs(double precision[]) IS
	'the number of labels of a valid row of independent per-label probabilities (one-dimensional, at least 1 element, no NULL, each finite and in [0, 1], no sum constraint); an ERROR naming the first offending element otherwise';
COMMENT ON FUNCTION al.check_label_probs_real(real[]) IS
	'al.check_label_probs for real[] label probabilities, read in place; the planner calls it for al.check_label_probs on a real[] argument';
COMMENT ON FUNCTION al.mean_binary_entropy(double precision[]) IS
	'multi-label uncertainty: the mean over labels of the binary entropy -p ln p - (1 - p) ln(1 - p) in nats (0 ln 0 = 0), in [0, ln 2]';
COMMENT ON FUNCTION al.mean_binary_entropy_real(real[]) IS
	'al.mean_binary_entropy for real[] label probabilities, read in place; the planner calls it for al.mean_binary_entropy on a real[] argument';
COMMENT ON FUNCTION al.binary_minimum(double precision[]) IS
	'multi-label uncertainty after Brinker (2006), binary minimum in probability form: 1 - 2 min over labels of |p - 0.5|, in [0, 1], 1 when some label is at 0.5';
COMMENT ON FUNCTION al.binary_minimum_real(real[]) IS
	'al.binary_minimum for real[] label probabilities, read in place; the planner calls it for al.binary_minimum on a real[] argument';
COMMENT ON FUNCTION al.max_loss(double precision[]) IS
	'multi-label uncertainty after Li, Wang and Sung (2004), maximum loss: the largest over labels of the hinge loss max(0, 1 - y m) of the margin m = 2p - 1 at its predicted sign y (+1 when m >= 0, else -1), that is 1 - |2p - 1|; in [0, 1], equal to al.binary_minimum';
COMMENT ON FUNCTION al.max_loss_real(real[]) IS
	'al.max_loss for real[] label probabilities, read in place; the planner calls it for al.max_loss on a real[] argument';
COMMENT ON FUNCTION al.mean_max_loss(double precision[]) IS
	'multi-label uncertainty after Li, Wang and Sung (2004), mean max loss: the mean over labels of the hinge loss max(0, 1 - y m), m = 2p - 1, y its predicted sign (+1 when m >= 0), that is of 1 - |2p - 1|; in [0, 1]';
COMMENT ON FUNCTION al.mean_max_loss_real(real[]) IS
	'al.mean_max_loss for real[] label probabilities, read in place; the planner calls it for al.mean_max_loss on a real[] argument';
COMMENT ON FUNCTION al.label_cardinality_inconsistency(double precision[], double precision) IS
	'multi-label uncertainty after Li and Guo (2013), label cardinality inconsistency: |#{l : p_l >= 0.5} - mean_cardinality|, the predicted label count against the mean label count of the labeled rows (a finite number >= 0)';
