
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

-- al.consensus: the mean distribution over rows.  Its state is the
-- concrete type al.consensus_state {row count, sum of class 1, ..., sum of
-- class n}, so it combines in parallel plans, and Citus splits it across
-- nodes; its text and binary forms are exact and setting-independent (the
-- sums in shortest round-trip decimal whatever extra_float_digits says), so
-- a state shipped as text combines to the bits of a serial run.
CREATE TYPE al.consensus_state;

CREATE FUNCTION al.consensus_state_in(cstring) RETURNS al.consensus_state
	AS 'MODULE_PATHNAME', 'consensus_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.consensus_state_out(al.consensus_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'consensus_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.consensus_state_recv(internal) RETURNS al.consensus_state
	AS 'MODULE_PATHNAME', 'consensus_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.consensus_state_send(al.consensus_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'consensus_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.consensus_state_in(cstring) IS
	'text input of al.consensus_state: rows=<count> sums=[<sum>,...]; validates everything';
COMMENT ON FUNCTION al.consensus_state_out(al.consensus_state) IS
	'text output of al.consensus_state: sums in shortest round-trip form, whatever extra_float_digits says';
COMMENT ON FUNCTION al.consensus_state_recv(internal) IS
	'binary input of al.consensus_state; validates everything';
COMMENT ON FUNCTION al.consensus_state_send(al.consensus_state) IS
	'binary output of al.consensus_state';

CREATE TYPE al.consensus_state (
	INPUT = al.consensus_state_in,
	OUTPUT = al.consensus_state_out,
	RECEIVE = al.consensus_state_recv,
	SEND = al.consensus_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE al.consensus_state IS
	'partial state of al.consensus: the row count and the per-class sums of the rows'' probabilities';

CREATE FUNCTION al.consensus_transfn(state al.consensus_state, p al.probvec)
	RETURNS al.consensus_state
	AS 'MODULE_PATHNAME', 'consensus_transfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION al.consensus_combinefn(state1 al.consensus_state, state2 al.consensus_state)
	RETURNS al.consensus_state
	AS 'MODULE_PATHNAME', 'consensus_combinefn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION al.consensus_finalfn(state al.consensus_state) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'consensus_finalfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION al.consensus_transfn(al.consensus_state, al.probvec) IS
	'transition function of al.consensus: counts the row and adds its values to the sums; skips NULL rows';
COMMENT ON FUNCTION al.consensus_combinefn(al.consensus_state, al.consensus_state) IS
	'combine function of al.consensus: adds two partial states';
COMMENT ON FUNCTION al.consensus_finalfn(al.consensus_state) IS
	'final function of al.consensus: the mean sums / count as a validated probvec';

CREATE AGGREGATE al.consensus(al.probvec) (
	SFUNC = al.consensus_transfn,
	STYPE = al.consensus_state,
	COMBINEFUNC = al.consensus_combinefn,
	FINALFUNC = al.consensus_finalfn,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE al.consensus(al.probvec) IS
	'the mean distribution of the non-NULL rows (NULL when there are none); all rows must have the same number of classes';
