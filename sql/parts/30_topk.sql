
-- ---------------------------------------------------------------------------
-- Top-k selection: al.top_k(id, score, k) -> id[] for bigint, text and uuid
-- ids, over the concrete state type al.top_k_state (doc/topk.md).
-- ---------------------------------------------------------------------------

CREATE TYPE al.top_k_state;

-- The I/O functions are STABLE, not IMMUTABLE: text states name the
-- collation of their ids, which input looks up and output writes from the
-- catalog (a renamed or dropped collation changes them).

CREATE FUNCTION al.top_k_state_in(cstring) RETURNS al.top_k_state
	AS 'MODULE_PATHNAME', 'al_top_k_state_in'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.top_k_state_in(cstring) IS
	'text input of al.top_k_state: <id type> k=<k> [collation=("<schema>","<name>")] [(<score>,<id>),...]; validates everything';

CREATE FUNCTION al.top_k_state_out(al.top_k_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'al_top_k_state_out'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.top_k_state_out(al.top_k_state) IS
	'text output of al.top_k_state: entries best first, scores in shortest round-trip form';

CREATE FUNCTION al.top_k_state_recv(internal) RETURNS al.top_k_state
	AS 'MODULE_PATHNAME', 'al_top_k_state_recv'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.top_k_state_recv(internal) IS
	'binary input of al.top_k_state; validates everything';

CREATE FUNCTION al.top_k_state_send(al.top_k_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'al_top_k_state_send'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.top_k_state_send(al.top_k_state) IS
	'binary output of al.top_k_state';

CREATE TYPE al.top_k_state (
	INPUT = al.top_k_state_in,
	OUTPUT = al.top_k_state_out,
	RECEIVE = al.top_k_state_recv,
	SEND = al.top_k_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE al.top_k_state IS
	'partial state of al.top_k: k, the id type and the best (score, id) pairs so far';

-- Transition functions: not STRICT, so NULL ids are kept and a NULL or
-- changing k is reported; they skip rows whose score is NULL themselves.
-- Called as an aggregate they update the state in place (as float8_accum
-- does); called directly they never modify their argument.  The final
-- functions only read the state (FINALFUNC_MODIFY = READ_ONLY), so one
-- state may serve several identical aggregate calls and window frames.
CREATE FUNCTION al.top_k_trans(al.top_k_state, bigint, double precision, integer)
	RETURNS al.top_k_state
	AS 'MODULE_PATHNAME', 'al_top_k_trans_bigint'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.top_k_trans(al.top_k_state, bigint, double precision, integer) IS
	'transition function of al.top_k for bigint ids: offers (score, id) to the bounded heap';

CREATE FUNCTION al.top_k_trans(al.top_k_state, text, double precision, integer)
	RETURNS al.top_k_state
	AS 'MODULE_PATHNAME', 'al_top_k_trans_text'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.top_k_trans(al.top_k_state, text, double precision, integer) IS
	'transition function of al.top_k for text ids (ties ordered by the collation of the call, which the state records)';

CREATE FUNCTION al.top_k_trans(al.top_k_state, uuid, double precision, integer)
	RETURNS al.top_k_state
	AS 'MODULE_PATHNAME', 'al_top_k_trans_uuid'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.top_k_trans(al.top_k_state, uuid, double precision, integer) IS
	'transition function of al.top_k for uuid ids';

CREATE FUNCTION al.top_k_combine(al.top_k_state, al.top_k_state)
	RETURNS al.top_k_state
	AS 'MODULE_PATHNAME', 'al_top_k_combine'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.top_k_combine(al.top_k_state, al.top_k_state) IS
	'combine function of al.top_k: merges two partial states of the same id type and k';

CREATE FUNCTION al.top_k_final_bigint(al.top_k_state) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'al_top_k_final_bigint'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.top_k_final_bigint(al.top_k_state) IS
	'final function of al.top_k for bigint ids: ids best first, NULL if no row had a score';

CREATE FUNCTION al.top_k_final_text(al.top_k_state) RETURNS text[]
	AS 'MODULE_PATHNAME', 'al_top_k_final_text'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.top_k_final_text(al.top_k_state) IS
	'final function of al.top_k for text ids: ids best first, NULL if no row had a score';

CREATE FUNCTION al.top_k_final_uuid(al.top_k_state) RETURNS uuid[]
	AS 'MODULE_PATHNAME', 'al_top_k_final_uuid'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.top_k_final_uuid(al.top_k_state) IS
	'final function of al.top_k for uuid ids: ids best first, NULL if no row had a score';

CREATE AGGREGATE al.top_k(bigint, double precision, integer) (
	SFUNC = al.top_k_trans,
	STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine,
	FINALFUNC = al.top_k_final_bigint,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.top_k(bigint, double precision, integer) IS
	'ids of the k highest scores (score DESC, id ASC; NaN first, NULL scores skipped)';

CREATE AGGREGATE al.top_k(text, double precision, integer) (
	SFUNC = al.top_k_trans,
	STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine,
	FINALFUNC = al.top_k_final_text,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.top_k(text, double precision, integer) IS
	'ids of the k highest scores (score DESC, id ASC in the collation of id; NaN first, NULL scores skipped)';

CREATE AGGREGATE al.top_k(uuid, double precision, integer) (
	SFUNC = al.top_k_trans,
	STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine,
	FINALFUNC = al.top_k_final_uuid,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.top_k(uuid, double precision, integer) IS
	'ids of the k highest scores (score DESC, id ASC; NaN first, NULL scores skipped)';

-- Two-level top-k (states computed apart, e.g. one per postgres_fdw shard,
-- then merged): al.top_k_state(id, score, k) is al.top_k without its final
-- function, so it returns the partial state; al.top_k_merge(state) merges
-- states (the combine function as transition: NULL states are skipped);
-- al.top_k_final_bigint/text/uuid read a state.  Both aggregates are
-- shippable by postgres_fdw (`extensions 'al_ext'`).  See doc/topk.md.
CREATE AGGREGATE al.top_k_state(bigint, double precision, integer) (
	SFUNC = al.top_k_trans,
	STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.top_k_state(bigint, double precision, integer) IS
	'the partial state of al.top_k over these rows (bigint ids), to merge with al.top_k_merge and read with al.top_k_final_bigint';

CREATE AGGREGATE al.top_k_state(text, double precision, integer) (
	SFUNC = al.top_k_trans,
	STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.top_k_state(text, double precision, integer) IS
	'the partial state of al.top_k over these rows (text ids; it records the collation of id), to merge with al.top_k_merge and read with al.top_k_final_text';

CREATE AGGREGATE al.top_k_state(uuid, double precision, integer) (
	SFUNC = al.top_k_trans,
	STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.top_k_state(uuid, double precision, integer) IS
	'the partial state of al.top_k over these rows (uuid ids), to merge with al.top_k_merge and read with al.top_k_final_uuid';

CREATE AGGREGATE al.top_k_merge(al.top_k_state) (
	SFUNC = al.top_k_combine,
	STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.top_k_merge(al.top_k_state) IS
	'merges top_k states of one id type, k and collation (NULL states skipped): the state of all their rows';
