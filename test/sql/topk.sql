-- al.top_k: hand-checked cases, every error, the state type's text and
-- binary I/O.  The 100,000-row oracle checks (serial and parallel) are in
-- topk_parallel.sql.

-- Errors are printed as "SQLSTATE: message / detail" so that the expected
-- output shows the code and does not depend on VERBOSITY.
CREATE FUNCTION topk_try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text;
	msg text;
	det text;
	res text;
BEGIN
	EXECUTE q INTO res;
	RETURN 'ok: ' || coalesce(res, 'NULL');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL;
	RETURN st || ': ' || msg || coalesce(' / ' || nullif(det, ''), '');
END $$;

-- Binary input through COPY (FORMAT binary): writes the bytes as one field
-- of a file and reads that field back as al.top_k_state, so recv sees
-- exactly these bytes.  Returns the text form of what was read, or the error.
CREATE FUNCTION topk_recv(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	f text := '/tmp/al_ext_topk_recv_' || current_setting('port') || '.bin';
	st text;
	msg text;
	det text;
	res text;
BEGIN
	EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', bytes, f);
	CREATE TEMP TABLE topk_recv_buf (st al.top_k_state);
	EXECUTE format('COPY topk_recv_buf FROM %L (FORMAT binary)', f);
	SELECT b.st::text INTO res FROM topk_recv_buf b;
	DROP TABLE topk_recv_buf;
	RETURN 'ok: ' || res;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL;
	RETURN st || ': ' || msg || coalesce(' / ' || nullif(det, ''), '');
END $$;

-- Test-only aggregates that return the state itself (no final function).
CREATE AGGREGATE topk_state(bigint, double precision, integer) (
	SFUNC = al.top_k_trans, STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine, PARALLEL = SAFE);
CREATE AGGREGATE topk_state(text, double precision, integer) (
	SFUNC = al.top_k_trans, STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine, PARALLEL = SAFE);
CREATE AGGREGATE topk_state(uuid, double precision, integer) (
	SFUNC = al.top_k_trans, STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine, PARALLEL = SAFE);

-- Ten rows with a score, one without.  By score DESC, id ASC:
--   NaN: 2, 9 | Infinity: 7 | 0.5: 1, 5, NULL | 1e-300: 10 | -0 and 0: 3, 4
--   | -Infinity: 8 ; id 6 has no score.
-- (id 3 has -0 and id 4 has +0: if -0 sorted below 0, 4 would come first.)
CREATE TABLE topk_small (id bigint, s double precision, t text, u uuid, g int);
INSERT INTO topk_small VALUES
	(1, 0.5, 'b', 'ff000000-0000-0000-0000-000000000001', 1),
	(2, 'NaN', 'x2', '00000000-0000-0000-0000-000000000002', 1),
	(3, '-0', 'x3', '00000000-0000-0000-0000-000000000003', 2),
	(4, 0, 'x4', '00000000-0000-0000-0000-000000000004', 2),
	(5, 0.5, 'B', '10000000-0000-0000-0000-000000000005', 1),
	(NULL, 0.5, NULL, NULL, 2),
	(6, NULL, 'x6', '00000000-0000-0000-0000-000000000006', 1),
	(7, 'Infinity', 'x7', '00000000-0000-0000-0000-000000000007', 2),
	(8, '-Infinity', 'x8', '00000000-0000-0000-0000-000000000008', 1),
	(9, 'NaN', 'x9', '00000000-0000-0000-0000-000000000009', 2),
	(10, 1e-300, 'x10', '00000000-0000-0000-0000-00000000000a', 1);

-- the oracle and al.top_k side by side, k = 1, 3, 6, 10, 100
SELECT k, al.top_k(id, s, k) AS top_k,
	(array_agg(id ORDER BY s DESC, id) FILTER (WHERE s IS NOT NULL))[1:k] AS oracle
FROM topk_small, (VALUES (1), (3), (6), (10), (100)) v(k)
GROUP BY k ORDER BY k;

-- text ids: ties at 0.5 between 'b' (id 1), 'B' (id 5) and NULL follow the
-- collation: C puts 'B' first, ICU English puts 'b' first; NULL is last
SELECT al.top_k(t COLLATE "C", s, 6) AS c,
	al.top_k(t COLLATE "en-x-icu", s, 6) AS en,
	(array_agg(t COLLATE "en-x-icu" ORDER BY s DESC, t COLLATE "en-x-icu")
		FILTER (WHERE s IS NOT NULL))[1:6] AS en_oracle
FROM topk_small;

-- uuid ids compare by bytes: 10000000-... (id 5) before ff000000-... (id 1)
SELECT al.top_k(u, s, 5) FROM topk_small;

-- no rows, and rows whose scores are all NULL: NULL, like the oracle
SELECT al.top_k(id, s, 3) AS no_rows,
	(array_agg(id ORDER BY s DESC, id) FILTER (WHERE s IS NOT NULL))[1:3] AS oracle
FROM topk_small WHERE false;
SELECT al.top_k(id, NULL::float8, 3) AS null_scores, al.top_k(t, NULL::float8, 3) AS t,
	al.top_k(u, NULL::float8, 3) AS u
FROM topk_small;
-- a NULL id with a score is kept
SELECT al.top_k(NULL::bigint, 1, 3), al.top_k(NULL::text, 1, 3), al.top_k(NULL::uuid, 1, 3);

-- per-group top-k: group 1 = ids 1, 2, 5, 6, 8, 10; group 2 = 3, 4, NULL, 7, 9
SELECT g, al.top_k(id, s, 2) AS top2, al.top_k(t COLLATE "C", s, 10) AS t_all
FROM topk_small GROUP BY g ORDER BY g;

-- FILTER works as usual: only positive scores (NaN > 0 is true in SQL)
SELECT al.top_k(id, s, 10) FILTER (WHERE s > 0) FROM topk_small;

-- as a window function (running top 2 in id order; the state is reused)
SELECT id, s, al.top_k(id, s, 2) OVER (ORDER BY id NULLS LAST ROWS UNBOUNDED PRECEDING)
FROM topk_small ORDER BY id NULLS LAST;

-- argument types: int and smallint ids resolve to the bigint aggregate
-- (implicit cast), varchar ids to text; numeric and integer scores cast
SELECT pg_typeof(al.top_k(id::int, s, 2)) AS int_ids,
	al.top_k(id::int, s, 2) AS int_result,
	pg_typeof(al.top_k(id::smallint, s, 2)) AS smallint_ids,
	pg_typeof(al.top_k(t::varchar, s, 2)) AS varchar_ids,
	al.top_k(id, id::numeric, 2) AS numeric_scores,
	al.top_k(id, id::int, 2) AS int_scores
FROM topk_small;
SELECT topk_try($$SELECT al.top_k(1.5, 1, 1)::text$$);

-- ---------------------------------------------------------------------
-- errors
-- ---------------------------------------------------------------------
SELECT topk_try($$SELECT al.top_k(id, s, NULL)::text FROM topk_small$$);
SELECT topk_try($$SELECT al.top_k(id, s, 0)::text FROM topk_small$$);
SELECT topk_try($$SELECT al.top_k(t, s, -5)::text FROM topk_small$$);
-- every positive int4 is a valid k (more in topk_limits.sql), and the
-- state grows with the rows, not with k:
-- 10 rows with scores take 16 slots of 24 bytes after a 40-byte header
SELECT al.top_k(id, s, 10000000) AS k_10m, al.top_k(u, s, 2147483647) AS k_max FROM topk_small;
SELECT pg_column_size(topk_state(id, s, 1000000)) AS state_bytes FROM topk_small;
-- k must not change, also on rows without a score
SELECT topk_try($$SELECT al.top_k(id, s, k)::text
	FROM (VALUES (1::bigint, 1.0::float8, 3), (2, 2.0, 4)) v(id, s, k)$$);
SELECT topk_try($$SELECT al.top_k(id, s, k)::text
	FROM (VALUES (1::bigint, 1.0::float8, 3), (2, NULL, 5)) v(id, s, k)$$);
SELECT topk_try($$SELECT al.top_k(id, s, k)::text
	FROM (VALUES ('a', NULL::float8, 2), ('b', 1.0, 1)) v(id, s, k)$$);
-- k is checked on every row, even when the score is NULL
SELECT topk_try($$SELECT al.top_k(id, NULL::float8, 0)::text FROM topk_small$$);
-- combining states of different k or id types
SELECT topk_try($$SELECT al.top_k_combine('bigint k=3 []', 'bigint k=4 []')::text$$);
SELECT topk_try($$SELECT al.top_k_combine('bigint k=3 [(1,1)]', 'text k=3 [(1,"1")]')::text$$);
SELECT topk_try($$SELECT al.top_k_combine('uuid k=3 []', 'text k=3 []')::text$$);
-- state functions applied to a state of another id type
SELECT topk_try($$SELECT al.top_k_trans('text k=2 []', 1::bigint, 1, 2)::text$$);
SELECT topk_try($$SELECT al.top_k_final_bigint('uuid k=2 [(1,00000000-0000-0000-0000-000000000001)]')::text$$);
SELECT topk_try($$SELECT al.top_k_trans('bigint k=2 []', 1::bigint, 1, 3)::text$$);

-- ---------------------------------------------------------------------
-- the state: text form, transition/combine/final called directly
-- ---------------------------------------------------------------------
SELECT al.top_k_trans(al.top_k_trans(al.top_k_trans(NULL, 5::bigint, 1.5, 2),
	7::bigint, '-0', 2), 3::bigint, 'NaN', 2) AS three_offered_k2;
SELECT al.top_k_trans(NULL, NULL::bigint, NULL, 4) AS empty_after_null_score;
SELECT al.top_k_final_bigint(al.top_k_trans(NULL, NULL::bigint, NULL, 4)) AS empty_final;
SELECT topk_state(id, s, 100) FROM topk_small;
SELECT topk_state(t COLLATE "C", s, 100) FROM topk_small;
SELECT topk_state(u, s, 3) FROM topk_small;
-- text ids with characters that need care: quotes, backslashes, the
-- separators, a newline, an empty string, the word NULL, non-ASCII
SELECT topk_state(t, 1, 10) FROM (VALUES ('a"b'), ('c\d'), ('e,f)]'), (E'g\nh'), (''),
	('NULL'), (NULL), ('é'), (' sp ')) v(t);
SELECT topk_state(t, 1, 10)::text::al.top_k_state::text = topk_state(t, 1, 10)::text AS round_trip,
	al.top_k_final_text(topk_state(t, 1, 10)::text::al.top_k_state)
		IS NOT DISTINCT FROM al.top_k(t, 1, 10) AS same_final
FROM (VALUES ('a"b'), ('c\d'), ('e,f)]'), (E'g\nh'), (''), ('NULL'), (NULL), ('é'), (' sp ')) v(t);
-- scores in shortest round-trip form, NaN, infinities and -0 included
SELECT topk_state(id, s, 10) FROM (VALUES (1::bigint, 0.1::float8), (2, 1e300), (3, 5e-324),
	(4, -1.7976931348623157e308), (5, '-0'), (6, 'NaN'), (7, '-Infinity'), (8, 1.0/3)) v(id, s);
SELECT st::text::al.top_k_state::text = st::text AS round_trip FROM (SELECT topk_state(id, s, 10) st
	FROM (VALUES (1::bigint, 0.1::float8), (2, 1e300), (3, 5e-324), (4, -1.7976931348623157e308),
		(5, '-0'), (6, 'NaN'), (7, '-Infinity'), (8, 1.0/3)) v(id, s)) x;
-- every score survives the text round trip bit for bit (send shows the
-- bits): special values, and 20,000 random doubles over the whole range
SELECT bool_and(al.top_k_state_send(st) = al.top_k_state_send(st::text::al.top_k_state)) AS bits_equal,
	count(*)
FROM (SELECT al.top_k_trans(NULL, 1::bigint, a, 1) st
	FROM unnest(ARRAY[0.1, 1e300, 5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
		-1.7976931348623157e308, '-0', '-Infinity', 'Infinity', 'NaN', 1.0/3]::float8[]) a) x;
SELECT setseed(0.5);
SELECT bool_and(al.top_k_state_send(st) = al.top_k_state_send(st::text::al.top_k_state)) AS bits_equal,
	count(*)
FROM (SELECT al.top_k_trans(NULL, 1::bigint,
	(random() - 0.5) * 10 ^ (random() * 600 - 300) * CASE WHEN i % 2 = 0 THEN 1 ELSE 1e-10 END, 1) st
	FROM generate_series(1, 20000) i) x;

-- input: white space, other spellings, NULL words and text "NULL"
SELECT '  bigint   k = 3  [ ( 1 , 2 ) , ( -inf , NULL ) ]  '::al.top_k_state;
SELECT 'bigint k=5 [(+1.5,-9223372036854775808),(.5,9223372036854775807),(5.,1),(1E3,0),(nan,null)]'::al.top_k_state;
SELECT 'uuid k=2 [(1,A0EEBC999C0B4EF8BB6D6BB9BD380A11),(1,null)]'::al.top_k_state;
SELECT 'text k=2 [(1,"NULL"),(1,NULL)]'::al.top_k_state;
SELECT 'text k=2 [(1,"a\b")]'::al.top_k_state AS backslash_escapes_any_byte;
SELECT 'bigint k=1 []'::al.top_k_state, 'text k=2147483647 []'::al.top_k_state;

-- malformed text: 22P02 with a detail saying what is wrong
SELECT topk_try(format('SELECT %L::al.top_k_state::text', x)) FROM (VALUES
	(''), ('int k=3 []'), ('bigint'), ('bigint k3 []'), ('bigint k=0 []'),
	('bigint k=2147483648 []'), ('bigint k=x []'), ('bigint k=3'), ('bigint k=3 ['),
	('bigint k=3 [(1,2)'), ('bigint k=3 [(1,2),]'), ('bigint k=3 [(abc,2)]'),
	('bigint k=3 [(1e999,2)]'), ('bigint k=3 [(1e-999,2)]'), ('bigint k=3 [(0x10,2)]'),
	('bigint k=3 [(,2)]'), ('bigint k=3 [(1 2)]'), ('bigint k=3 [(1,2 3)]'),
	('bigint k=3 [(1,9223372036854775808)]'), ('bigint k=3 [(1,"2")]'),
	('bigint k=1 [(1,2),(3,4)]'), ('bigint k=3 [(1,2)] x'), ('bigint k=3 [] []'),
	('text k=3 [(1,abc)]'), ('text k=3 [(1,"abc)]'), ('text k=3 [(1,"abc\'), ('text k=3 [(1,NULLx)]'),
	('uuid k=3 [(1,not-a-uuid)]'), ('uuid k=3 [(1,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1)]'),
	('uuid k=3 [(1,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111)]'), ('uuid k=3 [(1,a0eebc999c0b-4ef8-bb6d-6bb9bd380a11)]')
) v(x);

-- ---------------------------------------------------------------------
-- combining, including empty states, in both orders
-- ---------------------------------------------------------------------
SELECT al.top_k_combine('bigint k=3 []', 'bigint k=3 []') AS both_empty,
	al.top_k_combine('bigint k=3 []', 'bigint k=3 [(1,5),(2,6)]') AS empty_first,
	al.top_k_combine('bigint k=3 [(1,5),(2,6)]', 'bigint k=3 []') AS empty_second;
SELECT al.top_k_combine('bigint k=3 [(1,5),(2,6)]', 'bigint k=3 [(2,4),(NaN,NULL),(1,5)]') AS ab,
	al.top_k_combine('bigint k=3 [(2,4),(NaN,NULL),(1,5)]', 'bigint k=3 [(1,5),(2,6)]') AS ba;
-- combine and final called directly have no collation (a state is not
-- collatable): text ids follow the state's; a text state that names none
-- (the form written before collations were recorded) has the database
-- default, like ORDER BY.  topk_collation.sql tests collations in depth.
SELECT al.top_k_final_text(al.top_k_combine('text k=2 [(1,"b")]', 'text k=2 [(1,"B"),(1,"a")]'))
	IS NOT DISTINCT FROM (SELECT (array_agg(x ORDER BY x))[1:2] FROM unnest(ARRAY['b', 'B', 'a']) x)
	AS default_collation;
-- -0 and +0 of the same id: the same entry is kept whatever the order
SELECT al.top_k_combine('bigint k=1 [(0,1)]', 'bigint k=1 [(-0,1)]') AS a,
	al.top_k_combine('bigint k=1 [(-0,1)]', 'bigint k=1 [(0,1)]') AS b;
-- a state from text input continues under its own collation (C: 'B' < 'a'
-- < 'b'; English: 'a' < 'b' < 'B'), and refuses another (42P21)
SELECT al.top_k_final_text(al.top_k_trans('text k=2 collation=("pg_catalog","en-x-icu") [(1,"B"),(1,"b")]',
		'a' COLLATE "en-x-icu", 1, 2)) AS en,
	al.top_k_final_text(al.top_k_trans('text k=2 collation=("pg_catalog","C") [(1,"B"),(1,"b")]',
		'a' COLLATE "C", 1, 2)) AS c;
SELECT topk_try($$SELECT al.top_k_trans('text k=2 collation=("pg_catalog","C") [(1,"B"),(1,"b")]',
	'a' COLLATE "en-x-icu", 1, 2)::text$$) AS other_collation;

-- ---------------------------------------------------------------------
-- binary form: send, and recv through COPY (FORMAT binary)
-- ---------------------------------------------------------------------
-- version 1, type 1 (bigint), k 2, count 2; (NaN, NULL id); (1.5, 5)
SELECT al.top_k_state_send('bigint k=2 [(1.5,5),(NaN,NULL)]');
-- text ids: version 2, the collation's schema and name after the header
-- (a text form that names none means the database default, "default")
SELECT al.top_k_state_send('text k=3 [(1,"ab"),(-0,"")]');
SELECT al.top_k_state_send('uuid k=1 [(-Infinity,00010203-0405-0607-0809-0a0b0c0d0e0f)]');
SELECT topk_recv('\x010100000002000000027ff8000000000000013ff8000000000000000000000000000005');
SELECT topk_recv(al.top_k_state_send(x::al.top_k_state)) FROM (VALUES
	('bigint k=3 []'), ('text k=3 [(1,"ab"),(-0,""),(2,NULL)]'), ('text k=1 [(1,"a\"b\\c")]'),
	('uuid k=3 [(5e-324,00010203-0405-0607-0809-0a0b0c0d0e0f),(NaN,NULL)]')) v(x);
-- garbage: 22P03 with a detail, or 08P01 when the data ends early
SELECT topk_recv(b::bytea) FROM (VALUES
	('\x'), ('\x02010000000200000000'), ('\x01090000000200000000'),
	('\x01010000000000000000'), ('\x01018000000000000000'), ('\x010100000002ffffffff'),
	('\x01010000000200000003'), ('\x0101000000020000000100'),
	('\x010100000002000000013ff000000000000002'),
	('\x010200000002000000013ff000000000000000ffffffff'),
	('\x010200000002000000013ff00000000000000000000005616263'),
	('\x010200000002000000013ff00000000000000000000002ff61'),
	('\x010200000002000000013ff00000000000000000000003610062'),
	('\x010100000002000000013ff00000000000000000000000000000000500'),
	('\x010300000002000000013ff00000000000000000010203')
) v(b);

-- the binary round trip of states through a table (COPY out and in)
CREATE TABLE topk_states (name text, st al.top_k_state);
INSERT INTO topk_states
	SELECT 'bigint', topk_state(id, s, 100) FROM topk_small
	UNION ALL SELECT 'text', topk_state(t, s, 100) FROM topk_small
	UNION ALL SELECT 'uuid', topk_state(u, s, 100) FROM topk_small
	UNION ALL SELECT 'empty', topk_state(id, s, 5) FROM topk_small WHERE s IS NULL;
DO $$
BEGIN
	EXECUTE format('COPY topk_states TO %L (FORMAT binary)',
		'/tmp/al_ext_topk_states_' || current_setting('port') || '.bin');
END $$;
CREATE TABLE topk_states2 (LIKE topk_states);
DO $$
BEGIN
	EXECUTE format('COPY topk_states2 FROM %L (FORMAT binary)',
		'/tmp/al_ext_topk_states_' || current_setting('port') || '.bin');
END $$;
SELECT a.name, a.st::text = b.st::text AS text_equal,
	al.top_k_state_send(a.st) = al.top_k_state_send(b.st) AS binary_equal
FROM topk_states a JOIN topk_states2 b USING (name) ORDER BY name;

-- fuzzing: random edits of valid text and binary forms never crash; what
-- is accepted is a valid state whose text form is a fixed point
SELECT setseed(0.25);
CREATE FUNCTION topk_fuzz_text(n int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	seeds text[] := ARRAY['bigint k=3 [(NaN,2),(1.5,-7),(-0,NULL)]',
		'text k=4 collation=("pg_catalog","C") [(Infinity,"a\"b"),(2,"\\"),(1e-300,""),(-1,NULL)]',
		'uuid k=2 [(3,00010203-0405-0607-0809-0a0b0c0d0e0f),(3,NULL)]',
		'text k=4 [(Infinity,"a\"b"),(2,"\\"),(1e-300,""),(-1,NULL)]'];
	chars text := '()[],"\ =k0123456789-.eNaULtxubigdf';
	s text;
	t text;
	pos int;
	accepted int := 0;
	rejected int := 0;
BEGIN
	FOR i IN 1 .. n LOOP
		s := seeds[1 + (i % 4)];
		FOR j IN 0 .. (random() * 3)::int LOOP
			pos := 1 + (random() * (length(s) - 1))::int;
			s := CASE (random() * 2)::int
				WHEN 0 THEN overlay(s placing substr(chars, 1 + (random() * 34)::int, 1) from pos for 1)
				WHEN 1 THEN overlay(s placing '' from pos for 1)
				ELSE overlay(s placing substr(chars, 1 + (random() * 34)::int, 1) from pos for 0) END;
		END LOOP;
		BEGIN
			t := s::al.top_k_state::text;
			IF t::al.top_k_state::text <> t THEN
				RETURN 'not a fixed point: ' || s;
			END IF;
			accepted := accepted + 1;
		EXCEPTION WHEN invalid_text_representation OR character_not_in_repertoire
				OR undefined_object OR invalid_schema_name THEN
			-- the last two: a mutated collation name that does not exist
			rejected := rejected + 1;
		END;
	END LOOP;
	RETURN format('fine: %s', accepted > 0 AND rejected > 0);
END $$;
SELECT topk_fuzz_text(3000);
CREATE FUNCTION topk_fuzz_binary(n int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	seeds bytea[] := ARRAY[al.top_k_state_send('bigint k=3 [(NaN,2),(1.5,-7),(-0,NULL)]'),
		al.top_k_state_send('text k=4 [(Infinity,"a\"b"),(2,"\\"),(1e-300,""),(-1,NULL)]'),
		al.top_k_state_send('uuid k=2 [(3,00010203-0405-0607-0809-0a0b0c0d0e0f),(3,NULL)]'),
		-- the same text state in the version 1 form (no collation: default)
		'\x01020000000400000004'::bytea || substr(al.top_k_state_send('text k=4 [(Infinity,"a\"b"),(2,"\\"),(1e-300,""),(-1,NULL)]'), 36)];
	b bytea;
	r text;
	ok int := 0;
	bad int := 0;
BEGIN
	FOR i IN 1 .. n LOOP
		b := seeds[1 + (i % 4)];
		FOR j IN 0 .. (random() * 2)::int LOOP
			b := set_byte(b, (random() * (length(b) - 1))::int, (random() * 255)::int);
		END LOOP;
		IF i % 7 = 0 THEN
			b := substring(b from 1 for (random() * length(b))::int);
		END IF;
		r := topk_recv(b);
		IF r LIKE 'ok: %' THEN
			IF topk_recv(al.top_k_state_send(substr(r, 5)::al.top_k_state)) <> r THEN
				RETURN 'not a fixed point: ' || r;
			END IF;
			ok := ok + 1;
		ELSIF r LIKE '22P03: %' OR r LIKE '08P01: %' OR r LIKE '22021: %'
				-- a mutated collation name that does not exist
				OR r LIKE '42704: %' OR r LIKE '3F000: %' THEN
			bad := bad + 1;
		ELSE
			RETURN 'unexpected: ' || r;
		END IF;
	END LOOP;
	RETURN format('fine: %s', ok > 0 AND bad > 0);
END $$;
SELECT topk_fuzz_binary(300);

DROP FUNCTION topk_fuzz_text(int);
DROP FUNCTION topk_fuzz_binary(int);
DROP TABLE topk_states, topk_states2;
DROP TABLE topk_small;
DROP AGGREGATE topk_state(bigint, double precision, integer);
DROP AGGREGATE topk_state(text, double precision, integer);
DROP AGGREGATE topk_state(uuid, double precision, integer);
DROP FUNCTION topk_recv(bytea);
DROP FUNCTION topk_try(text);
