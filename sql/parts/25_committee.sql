
-- ---------------------------------------------------------------------------
-- Committee (query-by-committee) scores over al.probvec[] and the
-- al.consensus aggregate.  A committee is a non-empty one-dimensional array
-- of members with the same number of classes and no NULL.
-- ---------------------------------------------------------------------------

CREATE FUNCTION al.vote_entropy(committee al.probvec[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'committee_vote_entropy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.consensus_entropy(committee al.probvec[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'committee_consensus_entropy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.max_disagreement(committee al.probvec[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'committee_max_disagreement' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.bald(committee al.probvec[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'committee_bald' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION al.vote_entropy(al.probvec[]) IS
	'committee score: entropy of the members'' hard votes (each member votes its argmax, ties to the lowest class)';
COMMENT ON FUNCTION al.consensus_entropy(al.probvec[]) IS
	'committee score: entropy of the members'' mean distribution';
COMMENT ON FUNCTION al.max_disagreement(al.probvec[]) IS
	'committee score: the largest KL(member || mean) over the members';
COMMENT ON FUNCTION al.bald(al.probvec[]) IS
	'committee score BALD: mutual information H(mean) - mean of H(member), >= 0';

-- al.consensus: the mean distribution over rows.  Its state is a plain
-- double precision[] {row count, sum of class 1, ..., sum of class n}, so
-- it combines in parallel plans and travels as text between nodes.
CREATE FUNCTION al.consensus_transfn(state double precision[], p al.probvec)
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'consensus_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION al.consensus_combinefn(state1 double precision[], state2 double precision[])
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'consensus_combinefn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION al.consensus_finalfn(state double precision[]) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'consensus_finalfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION al.consensus_transfn(double precision[], al.probvec) IS
	'transition function of al.consensus: counts the row and adds its values to the state {count, sums...}; skips NULL rows';
COMMENT ON FUNCTION al.consensus_combinefn(double precision[], double precision[]) IS
	'combine function of al.consensus: adds two partial states';
COMMENT ON FUNCTION al.consensus_finalfn(double precision[]) IS
	'final function of al.consensus: the mean sums / count as a validated probvec';

CREATE AGGREGATE al.consensus(al.probvec) (
	SFUNC = al.consensus_transfn,
	STYPE = double precision[],
	COMBINEFUNC = al.consensus_combinefn,
	FINALFUNC = al.consensus_finalfn,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE al.consensus(al.probvec) IS
	'the mean distribution of the non-NULL rows (NULL when there are none); all rows must have the same number of classes';
