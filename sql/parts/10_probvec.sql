
-- ---------------------------------------------------------------------------
-- al.probvec: a class-probability distribution
-- ---------------------------------------------------------------------------

CREATE TYPE al.probvec;

CREATE FUNCTION al.probvec_in(cstring, oid, integer) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'probvec_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.probvec_out(al.probvec) RETURNS cstring
	AS 'MODULE_PATHNAME', 'probvec_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.probvec_recv(internal, oid, integer) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'probvec_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.probvec_send(al.probvec) RETURNS bytea
	AS 'MODULE_PATHNAME', 'probvec_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.probvec_typmod_in(cstring[]) RETURNS integer
	AS 'MODULE_PATHNAME', 'probvec_typmod_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.probvec_typmod_out(integer) RETURNS cstring
	AS 'MODULE_PATHNAME', 'probvec_typmod_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE al.probvec (
	INPUT = al.probvec_in,
	OUTPUT = al.probvec_out,
	RECEIVE = al.probvec_recv,
	SEND = al.probvec_send,
	TYPMOD_IN = al.probvec_typmod_in,
	TYPMOD_OUT = al.probvec_typmod_out,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = external
);

COMMENT ON TYPE al.probvec IS
	'class-probability distribution: 1 to 32767 float4 values in [0, 1] summing to 1 (within 1e-3); al.probvec(n) enforces n classes';
COMMENT ON FUNCTION al.probvec_in(cstring, oid, integer) IS 'text input of al.probvec: [p1,...,pn] or {p1,...,pn}, validated';
COMMENT ON FUNCTION al.probvec_out(al.probvec) IS 'text output of al.probvec: shortest exact decimals, so text round-trips bit for bit';
COMMENT ON FUNCTION al.probvec_recv(internal, oid, integer) IS 'binary input of al.probvec: int16 classes, int16 zero, float4 values; validated like text';
COMMENT ON FUNCTION al.probvec_send(al.probvec) IS 'binary output of al.probvec, read back by al.probvec_recv';
COMMENT ON FUNCTION al.probvec_typmod_in(cstring[]) IS 'type modifier input: al.probvec(n) for n classes';
COMMENT ON FUNCTION al.probvec_typmod_out(integer) IS 'type modifier output: (n)';

-- length coercion: al.probvec -> al.probvec(n)
CREATE FUNCTION al.probvec(al.probvec, integer, boolean) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'probvec_coerce' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.probvec(al.probvec, integer, boolean) IS 'checks a probvec against the class count of al.probvec(n)';
CREATE CAST (al.probvec AS al.probvec)
	WITH FUNCTION al.probvec(al.probvec, integer, boolean) AS IMPLICIT;

-- casts from arrays (validating) and to arrays
CREATE FUNCTION al.array_to_probvec(real[], integer, boolean) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'probvec_from_float4_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.array_to_probvec(double precision[], integer, boolean) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'probvec_from_float8_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.array_to_probvec(numeric[], integer, boolean) RETURNS al.probvec
	AS 'MODULE_PATHNAME', 'probvec_from_numeric_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.probvec_to_real(al.probvec) RETURNS real[]
	AS 'MODULE_PATHNAME', 'probvec_to_float4_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.probvec_to_float8(al.probvec) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'probvec_to_float8_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION al.array_to_probvec(real[], integer, boolean) IS 'cast real[] to al.probvec, validating every value and the sum';
COMMENT ON FUNCTION al.array_to_probvec(double precision[], integer, boolean) IS 'cast double precision[] to al.probvec (values rounded to float4), validating every value and the sum';
COMMENT ON FUNCTION al.array_to_probvec(numeric[], integer, boolean) IS 'cast numeric[] to al.probvec (values rounded to float4), validating every value and the sum';
COMMENT ON FUNCTION al.probvec_to_real(al.probvec) IS 'cast al.probvec to real[] (exact)';
COMMENT ON FUNCTION al.probvec_to_float8(al.probvec) IS 'cast al.probvec to double precision[] (exact widening)';

CREATE CAST (real[] AS al.probvec)
	WITH FUNCTION al.array_to_probvec(real[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (double precision[] AS al.probvec)
	WITH FUNCTION al.array_to_probvec(double precision[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (numeric[] AS al.probvec)
	WITH FUNCTION al.array_to_probvec(numeric[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (al.probvec AS real[])
	WITH FUNCTION al.probvec_to_real(al.probvec) AS ASSIGNMENT;
CREATE CAST (al.probvec AS double precision[])
	WITH FUNCTION al.probvec_to_float8(al.probvec) AS ASSIGNMENT;
