-- Randomized input test of al.probvec: 12,000 random and mutated strings to
-- the text input and 3,000 random byte strings to the binary input.  Each is
-- accepted (and then must round-trip exactly) or rejected with an ERROR of
-- an expected SQLSTATE; the server must still be up afterwards.
SELECT setseed(0.42);

-- one random character from a set that builds (almost) probvecs
CREATE FUNCTION pg_temp.rchar() RETURNS text LANGUAGE sql AS $$
	SELECT substr(E'[]{},.-+0123456789eEnaNifIty \t\n01234.,', 1 + floor(random() * 40)::int, 1)
$$;

-- a valid probvec text of 1..12 classes, in random formatting
CREATE FUNCTION pg_temp.valid_text() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n int := 1 + floor(random() * 12)::int;
	w float8[] := ARRAY(SELECT random() FROM generate_series(1, n));
	s float8 := (SELECT sum(x) FROM unnest(w) x);
	parts text[] := ARRAY(SELECT CASE WHEN random() < 0.3 THEN trim(to_char(x / s, '9.99999999EEEE'))
	                                   ELSE ((x / s)::real)::text END
	                      FROM unnest(w) x);
	brackets boolean := random() < 0.5;
BEGIN
	RETURN CASE WHEN brackets THEN '[' ELSE ' {' END
		|| array_to_string(parts, CASE WHEN random() < 0.5 THEN ',' ELSE E' ,\t' END)
		|| CASE WHEN brackets THEN ']' ELSE '} ' END;
END $$;

-- one random edit: delete, insert, replace or duplicate a piece
CREATE FUNCTION pg_temp.mutate(s text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	pos int := 1 + floor(random() * (length(s) + 1))::int;
	op float8 := random();
BEGIN
	IF op < 0.25 THEN RETURN overlay(s PLACING '' FROM pos FOR 1);
	ELSIF op < 0.5 THEN RETURN overlay(s PLACING pg_temp.rchar() FROM pos FOR 0);
	ELSIF op < 0.75 THEN RETURN overlay(s PLACING pg_temp.rchar() FROM pos FOR 1);
	ELSE RETURN s || substr(s, pos, 1 + floor(random() * 6)::int);
	END IF;
END $$;

CREATE TABLE pv_fuzz_log (kind text, outcome text);

DO $$
DECLARE
	s text;
	v al.probvec;
	kind text;
BEGIN
	FOR i IN 1..12000 LOOP
		IF i % 3 = 0 THEN
			kind := 'random';
			s := (SELECT string_agg(pg_temp.rchar(), '')
			      FROM generate_series(1, floor(random() * 30)::int));
			s := coalesce(s, '');
		ELSIF i % 3 = 1 THEN
			kind := 'mutated';
			s := pg_temp.valid_text();
			FOR j IN 1..1 + floor(random() * 3)::int LOOP
				s := pg_temp.mutate(s);
			END LOOP;
		ELSE
			kind := 'valid';
			s := pg_temp.valid_text();
		END IF;
		BEGIN
			v := s::al.probvec;
			-- accepted: the text form must round-trip bit for bit
			IF al.probvec_send(v::text::al.probvec) <> al.probvec_send(v)
			   OR v::text::al.probvec::text <> v::text THEN
				INSERT INTO pv_fuzz_log VALUES (kind, 'ROUND-TRIP MISMATCH: ' || s);
			ELSE
				INSERT INTO pv_fuzz_log VALUES (kind, 'accepted');
			END IF;
		EXCEPTION WHEN others THEN
			INSERT INTO pv_fuzz_log VALUES (kind, 'rejected ' || SQLSTATE);
		END;
	END LOOP;
END $$;

-- every valid text is accepted; the others are accepted or rejected with
-- 22P02 (syntax), 22003 (value or float range) or 22023 (empty, sum)
SELECT kind, outcome ~ '^(accepted|rejected (22P02|22003|22023))$' AS expected_outcome,
       count(*) > 0 AS seen
FROM pv_fuzz_log GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) AS valid_texts, count(*) FILTER (WHERE outcome = 'accepted') AS accepted
FROM pv_fuzz_log WHERE kind = 'valid';
SELECT outcome FROM pv_fuzz_log WHERE outcome !~ '^(accepted|rejected (22P02|22003|22023))$' LIMIT 5;
SELECT count(*) >= 12000 AS all_tried,
       count(*) FILTER (WHERE kind = 'mutated' AND outcome = 'accepted') > 100 AS some_mutants_accepted,
       count(*) FILTER (WHERE kind = 'mutated' AND outcome LIKE 'rejected%') > 1000 AS many_mutants_rejected
FROM pv_fuzz_log;

-- binary input: random bytes (half of them a valid value with bytes flipped)
-- loaded as a probvec field with COPY (FORMAT binary)
CREATE TABLE pv_fuzz_bin (p al.probvec);
TRUNCATE pv_fuzz_log;
DO $$
DECLARE
	f text := current_setting('data_directory') || '/al_probvec_fuzz.bin';
	b bytea;
	sent bytea;
	kind text;
BEGIN
	FOR i IN 1..3000 LOOP
		IF i % 2 = 0 THEN
			kind := 'random';
			b := decode(coalesce((SELECT string_agg(lpad(to_hex(floor(random() * 256)::int), 2, '0'), '')
			                      FROM generate_series(1, floor(random() * 48)::int)), ''), 'hex');
		ELSE
			kind := 'flipped';
			b := al.probvec_send(pg_temp.valid_text()::al.probvec);
			FOR j IN 1..1 + floor(random() * 2)::int LOOP
				b := set_byte(b, floor(random() * length(b))::int, floor(random() * 256)::int);
			END LOOP;
		END IF;
		BEGIN
			EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', b, f);
			TRUNCATE pv_fuzz_bin;
			EXECUTE format('COPY pv_fuzz_bin FROM %L (FORMAT binary)', f);
			-- accepted: sending it back gives exactly the bytes received
			SELECT al.probvec_send(p) INTO sent FROM pv_fuzz_bin;
			INSERT INTO pv_fuzz_log VALUES (kind, CASE WHEN sent = b THEN 'accepted'
			                                           ELSE 'ROUND-TRIP MISMATCH: ' || b::text END);
		EXCEPTION WHEN others THEN
			INSERT INTO pv_fuzz_log VALUES (kind, 'rejected ' || SQLSTATE);
		END;
	END LOOP;
END $$;
-- rejected with 22P03 (bad binary format), 22003 (value) or 22023 (sum)
SELECT kind, outcome ~ '^(accepted|rejected (22P03|22003|22023))$' AS expected_outcome,
       count(*) > 0 AS seen
FROM pv_fuzz_log GROUP BY 1, 2 ORDER BY 1, 2;
SELECT outcome FROM pv_fuzz_log WHERE outcome !~ '^(accepted|rejected (22P03|22003|22023))$' LIMIT 5;
SELECT count(*) = 3000 AS all_tried,
       count(*) FILTER (WHERE kind = 'flipped' AND outcome = 'accepted') > 10 AS some_flips_accepted
FROM pv_fuzz_log;
DROP TABLE pv_fuzz_bin, pv_fuzz_log;

-- and the server is still up
SELECT 1 AS alive;
