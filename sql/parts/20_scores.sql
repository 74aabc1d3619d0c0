
-- ---------------------------------------------------------------------------
-- Uncertainty scores of one distribution (higher = query first) and helpers.
-- Computed in double precision from the stored float4 values; natural logs.
-- ---------------------------------------------------------------------------

CREATE FUNCTION al.least_confidence(p al.probvec) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_least_confidence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.margin_confidence(p al.probvec) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_margin_confidence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.ratio_confidence(p al.probvec) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_ratio_confidence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.entropy(p al.probvec) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_entropy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- Functions over features (expected gradient length here, the predictions
-- of 40_models.sql) have one public signature, over double precision[], so
-- that untyped literals (as drivers send parameters), integer and numeric
-- arrays resolve without ambiguity.  A real[] argument arrives widened to
-- double precision[] (a new array per row); the planner support function
-- al.real_features_support turns such a call of F into F_real on the real[]
-- itself, read in place (the widening is exact: the same result, no copy).
CREATE FUNCTION al.real_features_support(internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'al_real_features_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.real_features_support(internal) IS
	'planner support of the functions over double precision[] features or log-probabilities (al.expected_gradient_length, al.predict_proba, al.predict, al.predict_committee, the sequence scores of 22_seq_scores.sql, the multi-label scores of 23_multilabel.sql, the regression scores of 26_regression.sql): turns a call F(..., x) on a real[] widened to double precision[] into F_real(..., x real[])';

CREATE FUNCTION al.expected_gradient_length_real(p al.probvec, x real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_expected_gradient_length' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.expected_gradient_length(p al.probvec, x double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_expected_gradient_length_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;

COMMENT ON FUNCTION al.least_confidence(al.probvec) IS
	'uncertainty score 1 - max p: high when the predicted class is unsure';
COMMENT ON FUNCTION al.margin_confidence(al.probvec) IS
	'uncertainty score 1 - (p(1) - p(2)) with p(1) >= p(2) the two largest values (p(2) = 0 for 1 class)';
COMMENT ON FUNCTION al.ratio_confidence(al.probvec) IS
	'uncertainty score p(2) / p(1), in [0, 1]: 1 when the top two classes tie (0 for 1 class)';
COMMENT ON FUNCTION al.entropy(al.probvec) IS
	'uncertainty score -sum p ln p in nats (0 ln 0 = 0), in [0, ln n]';
COMMENT ON FUNCTION al.expected_gradient_length(al.probvec, double precision[]) IS
	'expected norm of the cross-entropy gradient of a softmax-regression model with bias for features x, labels drawn from p: ||(x,1)|| * sum_y p_y ||p - e_y||; an empty x is valid (||(x,1)|| = 1); real[] features are read in place (see al.expected_gradient_length_real)';
COMMENT ON FUNCTION al.expected_gradient_length_real(al.probvec, real[]) IS
	'al.expected_gradient_length for real[] features, read in place; the planner calls it for al.expected_gradient_length on a real[] argument';

CREATE FUNCTION al.max_prob(p al.probvec) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_max_prob' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.margin(p al.probvec) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_margin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.argmax(p al.probvec) RETURNS integer
	AS 'MODULE_PATHNAME', 'score_argmax' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.num_classes(p al.probvec) RETURNS integer
	AS 'MODULE_PATHNAME', 'score_num_classes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.kl_divergence(p al.probvec, q al.probvec) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_kl_divergence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.js_divergence(p al.probvec, q al.probvec) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_js_divergence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.softmax(logits double precision[], temperature double precision DEFAULT 1)
	RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'score_softmax' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.normalize(weights double precision[]) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'score_normalize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION al.max_prob(al.probvec) IS
	'the largest probability: the confidence of the predicted class';
COMMENT ON FUNCTION al.margin(al.probvec) IS
	'p(1) - p(2), the gap between the two largest probabilities (p(1) for 1 class)';
COMMENT ON FUNCTION al.argmax(al.probvec) IS
	'1-based index of the largest probability, ties to the lowest index, so classes[al.argmax(p)] is the predicted class';
COMMENT ON FUNCTION al.num_classes(al.probvec) IS
	'number of classes of the distribution';
COMMENT ON FUNCTION al.kl_divergence(al.probvec, al.probvec) IS
	'Kullback-Leibler divergence sum p ln(p / q) in nats; +Infinity when some q_i = 0 < p_i';
COMMENT ON FUNCTION al.js_divergence(al.probvec, al.probvec) IS
	'Jensen-Shannon divergence (KL(p || m) + KL(q || m)) / 2, m = (p + q) / 2, in nats: symmetric, finite, in [0, ln 2]';
COMMENT ON FUNCTION al.softmax(double precision[], double precision) IS
	'probvec exp(z / temperature) / sum exp(z / temperature), computed in double with the maximum subtracted, stored as float4';
COMMENT ON FUNCTION al.normalize(double precision[]) IS
	'probvec w / sum w of finite non-negative weights, not all zero, computed in double, stored as float4';
