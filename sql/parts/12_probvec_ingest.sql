
-- ---------------------------------------------------------------------------
-- al.probvec from outside predictions (LLM output): JSON in and out, a
-- tolerant constructor, label-token log-probabilities, non-raising checks
-- ---------------------------------------------------------------------------

-- strict cast from a JSON array of numbers (the rules of the array casts)
CREATE FUNCTION al.jsonb_to_probvec(jsonb, integer, boolean) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'probvec_from_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.jsonb_to_probvec(jsonb, integer, boolean) IS
	'cast jsonb to al.probvec: a JSON array of numbers, each in [0, 1], summing to 1 within 1e-3, stored as given (rounded to float4)';
CREATE CAST (jsonb AS al.probvec)
	WITH FUNCTION al.jsonb_to_probvec(jsonb, integer, boolean) AS ASSIGNMENT;

-- JSON output: an array of numbers, the digits of the text output
CREATE FUNCTION al.probvec_to_json(al.probvec) RETURNS json
	AS 'MODULE_PATHNAME', 'probvec_to_json' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.probvec_to_jsonb(al.probvec) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'probvec_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.probvec_to_jsonb(p al.probvec, classes text[]) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'probvec_to_jsonb_keyed' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.probvec_to_json(al.probvec) IS
	'cast al.probvec to json: an array of numbers with the shortest digits that read back to the same float4 (used by to_json and to_jsonb)';
COMMENT ON FUNCTION al.probvec_to_jsonb(al.probvec) IS
	'cast al.probvec to jsonb: an array of numbers with the shortest digits that read back to the same float4';
COMMENT ON FUNCTION al.probvec_to_jsonb(al.probvec, text[]) IS
	'al.probvec as a JSON object keyed by class name, {"class": probability, ...}; one class name per class, no NULL, none twice';
CREATE CAST (al.probvec AS json)
	WITH FUNCTION al.probvec_to_json(al.probvec) AS ASSIGNMENT;
CREATE CAST (al.probvec AS jsonb)
	WITH FUNCTION al.probvec_to_jsonb(al.probvec) AS ASSIGNMENT;

-- tolerant constructors: renormalize values that almost sum to 1
CREATE FUNCTION al.to_probvec(probabilities real[], tolerance double precision DEFAULT 0.05)
	RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'probvec_to_probvec_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.to_probvec(probabilities double precision[], tolerance double precision DEFAULT 0.05)
	RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'probvec_to_probvec_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.to_probvec(probabilities numeric[], tolerance double precision DEFAULT 0.05)
	RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'probvec_to_probvec_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.to_probvec(probabilities jsonb, tolerance double precision DEFAULT 0.05)
	RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'probvec_to_probvec_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.to_probvec(probabilities jsonb, classes text[], options jsonb DEFAULT '{}')
	RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'probvec_to_probvec_keyed' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.to_probvec(real[], double precision) IS
	'probvec from values in [0, 1] whose sum (of the float4 values) is within tolerance (default 0.05) of 1, divided by their sum; an error beyond it names the sum and the value';
COMMENT ON FUNCTION al.to_probvec(double precision[], double precision) IS
	'probvec from values in [0, 1] whose sum (of the float4 values) is within tolerance (default 0.05) of 1, divided by their sum; an error beyond it names the sum and the value';
COMMENT ON FUNCTION al.to_probvec(numeric[], double precision) IS
	'probvec from values in [0, 1] whose sum (of the float4 values) is within tolerance (default 0.05) of 1, divided by their sum; an error beyond it names the sum and the value';
COMMENT ON FUNCTION al.to_probvec(jsonb, double precision) IS
	'probvec from a JSON array of numbers in [0, 1] whose sum is within tolerance (default 0.05) of 1, divided by their sum';
COMMENT ON FUNCTION al.to_probvec(jsonb, text[], jsonb) IS
	'probvec over classes from a JSON object keyed by class name (missing classes 0), renormalized; options: tolerance (0.05), unknown ("error" or "ignore" keys that are no class), trim (white space around keys)';

-- label-token log-probabilities (LLM top logprobs) to a probvec over classes
CREATE FUNCTION al.logprobs_to_probvec(logprobs jsonb, classes text[], options jsonb DEFAULT '{}')
	RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'probvec_from_logprobs' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.logprobs_to_probvec(jsonb, text[], jsonb) IS
	'probvec over classes from label-token log-probabilities, {"token": logprob, ...} or [{"token": ..., "logprob": ...}, ...]; options: rest ("renormalize" over the classes, "other": the rest to class "other", "absent": the unseen tail to classes without a token), other, trim, tolerance (0.05)';

-- non-raising checks: NULL when the constructor accepts the value, else its error message
CREATE FUNCTION al.probvec_problem(probabilities real[], tolerance double precision DEFAULT 0.05)
	RETURNS text
	AS 'MODULE_PATHNAME', 'probvec_problem_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.probvec_problem(probabilities double precision[], tolerance double precision DEFAULT 0.05)
	RETURNS text
	AS 'MODULE_PATHNAME', 'probvec_problem_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.probvec_problem(probabilities numeric[], tolerance double precision DEFAULT 0.05)
	RETURNS text
	AS 'MODULE_PATHNAME', 'probvec_problem_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.probvec_problem(probabilities jsonb, tolerance double precision DEFAULT 0.05)
	RETURNS text
	AS 'MODULE_PATHNAME', 'probvec_problem_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.probvec_problem(probabilities jsonb, classes text[], options jsonb DEFAULT '{}')
	RETURNS text
	AS 'MODULE_PATHNAME', 'probvec_problem_keyed' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.logprobs_problem(logprobs jsonb, classes text[], options jsonb DEFAULT '{}')
	RETURNS text
	AS 'MODULE_PATHNAME', 'probvec_logprobs_problem' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.probvec_problem(real[], double precision) IS
	'NULL when al.to_probvec(probabilities, tolerance) accepts the values, else the message of its error (tolerance 0.001: the cast to al.probvec)';
COMMENT ON FUNCTION al.probvec_problem(double precision[], double precision) IS
	'NULL when al.to_probvec(probabilities, tolerance) accepts the values, else the message of its error (tolerance 0.001: the cast to al.probvec)';
COMMENT ON FUNCTION al.probvec_problem(numeric[], double precision) IS
	'NULL when al.to_probvec(probabilities, tolerance) accepts the values, else the message of its error (tolerance 0.001: the cast to al.probvec)';
COMMENT ON FUNCTION al.probvec_problem(jsonb, double precision) IS
	'NULL when al.to_probvec(probabilities, tolerance) accepts the JSON array, else the message of its error (tolerance 0.001: the cast to al.probvec)';
COMMENT ON FUNCTION al.probvec_problem(jsonb, text[], jsonb) IS
	'NULL when al.to_probvec(probabilities, classes, options) accepts the JSON object, else the message of its error';
COMMENT ON FUNCTION al.logprobs_problem(jsonb, text[], jsonb) IS
	'NULL when al.logprobs_to_probvec(logprobs, classes, options) accepts the log-probabilities, else the message of its error';
