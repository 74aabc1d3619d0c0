
-- ---------------------------------------------------------------------------
-- Sequence-level uncertainty of generated answers (higher = query first):
-- scores of the per-token log-probabilities of the generated tokens (natural
-- logs, each <= 0, -Infinity = probability 0) and token entropies of
-- per-token top-k log-probabilities (tokens x k).  As the functions over
-- features: one public signature over double precision[] (untyped literals,
-- numeric arrays resolve to it), and a real[] twin <name>_real that
-- al.real_features_support substitutes for a call on a real[] argument, so
-- a real[] column is read in place.  Both share one C function.
-- ---------------------------------------------------------------------------

CREATE FUNCTION al.sequence_least_confidence(logprobs double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_sequence_least_confidence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.sequence_least_confidence_real(logprobs real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_sequence_least_confidence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.mnlp(logprobs double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_mnlp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.mnlp_real(logprobs real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_mnlp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.token_least_confidence(logprobs double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_token_least_confidence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.token_least_confidence_real(logprobs real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_token_least_confidence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.min_token_probability(logprobs double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_min_token_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.min_token_probability_real(logprobs real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_min_token_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.mean_token_entropy(top_logprobs double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_mean_token_entropy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.mean_token_entropy_real(top_logprobs real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_mean_token_entropy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.max_token_entropy(top_logprobs double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_max_token_entropy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.max_token_entropy_real(top_logprobs real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_max_token_entropy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION al.sequence_least_confidence(double precision[]) IS
	'uncertainty of a generated sequence from the log-probabilities of its tokens (natural logs, each <= 0): 1 - exp(sum) = 1 - P(sequence), in [0, 1]; the sum is compensated, 1 - exp is computed as -expm1';
COMMENT ON FUNCTION al.sequence_least_confidence_real(real[]) IS
	'al.sequence_least_confidence for real[] log-probabilities, read in place; the planner calls it for al.sequence_least_confidence on a real[] argument';
COMMENT ON FUNCTION al.mnlp(double precision[]) IS
	'uncertainty of a generated sequence after Shen et al. (2017), maximum normalized log-probability, negated so that higher = more uncertain: -(sum / n), the negative mean log-probability per token, in [0, +Infinity]';
COMMENT ON FUNCTION al.mnlp_real(real[]) IS
	'al.mnlp for real[] log-probabilities, read in place; the planner calls it for al.mnlp on a real[] argument';
COMMENT ON FUNCTION al.token_least_confidence(double precision[]) IS
	'uncertainty of a generated sequence by its least likely token: 1 - min over tokens of exp(log-probability), in [0, 1]';
COMMENT ON FUNCTION al.token_least_confidence_real(real[]) IS
	'al.token_least_confidence for real[] log-probabilities, read in place; the planner calls it for al.token_least_confidence on a real[] argument';
COMMENT ON FUNCTION al.min_token_probability(double precision[]) IS
	'the probability of the least likely generated token, exp(min log-probability), in [0, 1] (lower = less sure; the score is al.token_least_confidence)';
COMMENT ON FUNCTION al.min_token_probability_real(real[]) IS
	'al.min_token_probability for real[] log-probabilities, read in place; the planner calls it for al.min_token_probability on a real[] argument';
COMMENT ON FUNCTION al.mean_token_entropy(double precision[]) IS
	'uncertainty of a generated sequence: the mean over tokens of the entropy in nats of each token''s top-k log-probabilities (a tokens x k array, padded with -Infinity), the probability outside the top k counted as one more outcome (a lower bound of the full-vocabulary entropy)';
COMMENT ON FUNCTION al.mean_token_entropy_real(real[]) IS
	'al.mean_token_entropy for real[] top-k log-probabilities, read in place; the planner calls it for al.mean_token_entropy on a real[] argument';
COMMENT ON FUNCTION al.max_token_entropy(double precision[]) IS
	'uncertainty of a generated sequence: the largest token entropy in nats over its tokens'' top-k log-probabilities (a tokens x k array, padded with -Infinity), the probability outside the top k counted as one more outcome';
COMMENT ON FUNCTION al.max_token_entropy_real(real[]) IS
	'al.max_token_entropy for real[] top-k log-probabilities, read in place; the planner calls it for al.max_token_entropy on a real[] argument';
