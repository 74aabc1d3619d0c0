-- al.probvec: text and binary I/O, typmod, casts, and every input error
-- try(sql) runs a statement and shows its result, or its SQLSTATE and message
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- text input: brackets, braces, white space; output is the shortest decimal
SELECT '[0.1,0.2,0.7]'::al.probvec AS brackets,
       '{0.1, 0.2, 0.7}'::al.probvec AS braces,
       E' [\t0.25 ,\n0.75 ] '::al.probvec AS spaces,
       '[1]'::al.probvec AS one_class,
       '[0,1,0]'::al.probvec AS zeros_inside,
       '[2.5e-1,7.5E-1]'::al.probvec AS exponents;
-- values are stored as given (within the sum tolerance), never renormalized
SELECT '[0.3333,0.3333,0.3333]'::al.probvec, '[0.5,0.5005]'::al.probvec;
-- float4 rounding is the nearest float, exactly as real does
SELECT '[0.1,0.9]'::al.probvec::real[] = ARRAY[0.1::real, 0.9::real] AS same_as_real;

-- 10,000 classes (uniform) and the limit of 32767
SELECT array_length(al.probvec_to_real(
         ('[' || string_agg('0.0001', ',') || ']')::al.probvec), 1) AS n10000
FROM generate_series(1, 10000);
SELECT array_length(al.probvec_to_real(
         ('[1' || repeat(',0', 32766) || ']')::al.probvec), 1) AS n32767;
SELECT pg_temp.try($$SELECT ('[1' || repeat(',0', 32767) || ']')::al.probvec::text$$) AS n32768;

-- text output round-trips bit for bit, and agrees with float4out digit for digit
SELECT setseed(0.5);
CREATE TABLE pv_rand AS
SELECT i, ARRAY[a / s, b / s, c / s, d / s, 0]::al.probvec AS p
FROM (SELECT i, a, b, c, d, a + b + c + d AS s
      FROM (SELECT i, random() a, random() b, random() c, random() * 1e-6 d
            FROM generate_series(1, 2000) i) r) w;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE al.probvec_send(p::text::al.probvec) <> al.probvec_send(p)) AS text_trip_diffs,
       count(*) FILTER (WHERE p::text <> translate(p::real[]::text, '{}', '[]')) AS float4out_diffs
FROM pv_rand;
DROP TABLE pv_rand;

-- typmod
CREATE TABLE pv_typmod (p al.probvec(3));
INSERT INTO pv_typmod VALUES ('[0.2,0.3,0.5]');
SELECT p, format_type(atttypid, atttypmod) FROM pv_typmod, pg_attribute
WHERE attrelid = 'pv_typmod'::regclass AND attname = 'p';
SELECT pg_temp.try($$INSERT INTO pv_typmod VALUES ('[0.5,0.5]') RETURNING p::text$$) AS text_into_typmod;
SELECT pg_temp.try($$SELECT '[0.5,0.5]'::al.probvec::al.probvec(3)::text$$) AS coerce;
SELECT pg_temp.try($$SELECT ARRAY[0.5,0.5]::real[]::al.probvec(3)::text$$) AS array_cast;
SELECT pg_temp.try($$SELECT '[1]'::al.probvec(0)::text$$) AS typmod_zero;
SELECT pg_temp.try($$SELECT '[1]'::al.probvec(32768)::text$$) AS typmod_big;
SELECT pg_temp.try($$SELECT '[1]'::al.probvec(1,2)::text$$) AS typmod_two;
DROP TABLE pv_typmod;

-- casts from arrays (validating) and back (exact)
SELECT ARRAY[0.25, 0.75]::numeric[]::al.probvec AS from_numeric,
       ARRAY[0.25, 0.75]::real[]::al.probvec AS from_real,
       ARRAY[0.25, 0.75]::float8[]::al.probvec AS from_float8,
       '[0.25,0.75]'::al.probvec::real[] AS to_real,
       '[0.1,0.9]'::al.probvec::float8[] AS to_float8;
-- assignment casts: a real[] or numeric[] goes straight into a probvec column
CREATE TABLE pv_assign (p al.probvec);
INSERT INTO pv_assign VALUES (ARRAY[0.5, 0.5]), (ARRAY[0.125, 0.875]::real[]);
SELECT p FROM pv_assign ORDER BY p::text;
DROP TABLE pv_assign;
-- double precision values are rounded to the nearest float4
SELECT ARRAY[0.1::float8, 0.9::float8]::al.probvec::real[] = ARRAY[0.1::real, 0.9::real] AS rounded;

-- binary output, checked by hand: 0.25 = 0x3e800000, 0.75 = 0x3f400000
SELECT al.probvec_send('[0.25,0.75]') AS send;

-- binary input goes through COPY (FORMAT binary): recv(bytes) loads raw
-- bytes as a probvec field, shows the value or the SQLSTATE and message
CREATE TABLE pv_recv (p al.probvec);
CREATE TABLE pv_recv3 (p al.probvec(3));
CREATE FUNCTION pg_temp.recv(bytes bytea, target text DEFAULT 'pv_recv') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	f text := current_setting('data_directory') || '/al_probvec_recv.bin';
	r text;
BEGIN
	EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', bytes, f);
	EXECUTE format('TRUNCATE %I', target);
	EXECUTE format('COPY %I FROM %L (FORMAT binary)', target, f);
	EXECUTE format('SELECT p::text FROM %I', target) INTO r;
	RETURN 'ok: ' || r;
EXCEPTION WHEN others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT pg_temp.recv('\x000200003e8000003f400000') AS valid;
SELECT pg_temp.recv(al.probvec_send('[0.1,0.2,0.7]')) AS sent_and_received;
SELECT pg_temp.recv(al.probvec_send('[0.5,0.5]'), 'pv_recv3') AS typmod;
SELECT pg_temp.recv('\x') AS no_bytes;
SELECT pg_temp.recv('\x0001') AS half_header;
SELECT pg_temp.recv('\x0000000000') AS zero_classes;
SELECT pg_temp.recv('\xffff0000') AS negative_classes;
SELECT pg_temp.recv('\x000200013e8000003f400000') AS reserved_set;
SELECT pg_temp.recv('\x000200003e800000') AS short_values;
SELECT pg_temp.recv('\x000200003e8000003f40000000') AS trailing_byte;
SELECT pg_temp.recv('\x000200007fc000003f400000') AS nan;
SELECT pg_temp.recv('\x000200007f8000003f400000') AS infinity;
SELECT pg_temp.recv('\x00020000be8000003fa00000') AS negative;
SELECT pg_temp.recv('\x000200003e8000003e800000') AS bad_sum;
DROP TABLE pv_recv, pv_recv3;

-- malformed text
SELECT pg_temp.try($$SELECT ''::al.probvec::text$$) AS empty_string;
SELECT pg_temp.try($$SELECT '0.5,0.5'::al.probvec::text$$) AS no_bracket;
SELECT pg_temp.try($$SELECT '[0.5,0.5'::al.probvec::text$$) AS unclosed;
SELECT pg_temp.try($$SELECT '[0.5,0.5}'::al.probvec::text$$) AS mismatched;
SELECT pg_temp.try($$SELECT '[0.5,,0.5]'::al.probvec::text$$) AS double_comma;
SELECT pg_temp.try($$SELECT '[0.5,]'::al.probvec::text$$) AS trailing_comma;
SELECT pg_temp.try($$SELECT '[0.5 0.5]'::al.probvec::text$$) AS missing_comma;
SELECT pg_temp.try($$SELECT '[abc]'::al.probvec::text$$) AS not_a_number;
SELECT pg_temp.try($$SELECT '[0.5,0.5]x'::al.probvec::text$$) AS junk_after_bracket;
SELECT pg_temp.try($$SELECT '[0.5,0.5] ]'::al.probvec::text$$) AS second_bracket;
-- the detail names the character
DO $$ DECLARE d text; BEGIN PERFORM '[0.5,0.5]x'::al.probvec;
EXCEPTION WHEN others THEN GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL; RAISE NOTICE 'detail: %', d; END $$;
DO $$ DECLARE d text; BEGIN PERFORM '[0.5;0.5]'::al.probvec;
EXCEPTION WHEN others THEN GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL; RAISE NOTICE 'detail: %', d; END $$;

-- invalid values, from text and from each array type
SELECT pg_temp.try($$SELECT '[]'::al.probvec::text$$) AS empty_vector;
SELECT pg_temp.try($$SELECT '{}'::real[]::al.probvec::text$$) AS empty_array;
SELECT pg_temp.try($$SELECT '[NaN,1]'::al.probvec::text$$) AS nan;
SELECT pg_temp.try($$SELECT '[0.5,Infinity]'::al.probvec::text$$) AS infinity;
SELECT pg_temp.try($$SELECT '[-inf,1]'::al.probvec::text$$) AS minus_infinity;
SELECT pg_temp.try($$SELECT '[0.5,-0.1,0.6]'::al.probvec::text$$) AS negative;
SELECT pg_temp.try($$SELECT '[1.5,0]'::al.probvec::text$$) AS above_one;
SELECT pg_temp.try($$SELECT '[0.5,0.4]'::al.probvec::text$$) AS sum_low;
SELECT pg_temp.try($$SELECT '[0.5,0.5011]'::al.probvec::text$$) AS sum_high;
SELECT pg_temp.try($$SELECT '[1e-50,1]'::al.probvec::text$$) AS underflow;
SELECT pg_temp.try($$SELECT '[1e39,1]'::al.probvec::text$$) AS overflow;
SELECT pg_temp.try($$SELECT ARRAY[0.5, NULL, 0.5]::real[]::al.probvec::text$$) AS null_element;
SELECT pg_temp.try($$SELECT ARRAY[[0.5,0.5],[0.5,0.5]]::real[]::al.probvec::text$$) AS two_dims;
SELECT pg_temp.try($$SELECT ARRAY['NaN'::float8, 1]::al.probvec::text$$) AS float8_nan;
SELECT pg_temp.try($$SELECT ARRAY[1.00000001::float8, 0]::al.probvec::text$$) AS float8_above_one;
SELECT pg_temp.try($$SELECT ARRAY['NaN'::numeric, 1]::al.probvec::text$$) AS numeric_nan;
SELECT pg_temp.try($$SELECT ARRAY[0.5, -0.5, 1]::numeric[]::al.probvec::text$$) AS numeric_negative;
SELECT pg_temp.try($$SELECT ARRAY[2e40::numeric]::al.probvec::text$$) AS numeric_huge;
SELECT pg_temp.try($$SELECT ARRAY[0.2, 0.2]::numeric[]::al.probvec::text$$) AS numeric_sum;
-- the hint says how far the sum may be off
DO $$ DECLARE h text; BEGIN PERFORM '[0.5,0.4]'::al.probvec;
EXCEPTION WHEN others THEN GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT; RAISE NOTICE 'hint: %', h; END $$;
