-- al.consensus_state, the state of al.consensus: text and binary forms that
-- are exact and independent of extra_float_digits, so a state shipped as
-- text between servers (Citus does: worker_partial_agg, coord_combine_agg)
-- combines to the same bits as one combined in memory; every malformed
-- input refused with its SQLSTATE.  (committee.sql tests al.consensus
-- itself, serial and parallel.)

CREATE FUNCTION cs_try(q text) RETURNS text LANGUAGE plpgsql AS $$
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

-- Binary input through COPY (FORMAT binary): recv sees exactly these bytes.
CREATE TEMP TABLE cs_recv_buf (st al.consensus_state);
CREATE FUNCTION cs_recv(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	f text := '/tmp/al_ext_cs_recv_' || current_setting('port') || '.bin';
	st text;
	msg text;
	det text;
	res text;
BEGIN
	EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', bytes, f);
	TRUNCATE cs_recv_buf;
	EXECUTE format('COPY cs_recv_buf FROM %L (FORMAT binary)', f);
	SELECT encode(al.consensus_state_send(b.st), 'hex') INTO res FROM cs_recv_buf b;
	RETURN 'ok: ' || res;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL;
	RETURN st || ': ' || msg || coalesce(' / ' || nullif(det, ''), '');
END $$;

-- the state alone (no final function), and a merge of states whose
-- transition is the combine function (what Citus's coordinator runs)
CREATE AGGREGATE cs_state(al.probvec) (
	SFUNC = al.consensus_transfn, STYPE = al.consensus_state,
	COMBINEFUNC = al.consensus_combinefn, PARALLEL = SAFE);
CREATE AGGREGATE cs_merge(al.consensus_state) (
	SFUNC = al.consensus_combinefn, STYPE = al.consensus_state);

-- 12,000 rows of 5 classes, general values (their sums use every bit), in
-- 3 shards; d: dyadic values (every sum exact, any order gives the same
-- bits).
CREATE TABLE cs_rows (id int, shard int, p al.probvec, d al.probvec);
INSERT INTO cs_rows
SELECT i, i % 3,
	al.softmax(ARRAY[sin(i), cos(i), sin(2 * i), cos(3 * i), sin(5 * i)]),
	CASE i % 3 WHEN 0 THEN '[0.5,0.25,0.125,0.0625,0.0625]'::al.probvec
		WHEN 1 THEN '[0,0,0,0,1]' ELSE '[0.25,0.25,0.25,0.125,0.125]' END
FROM generate_series(1, 12000) i;

-- by hand: two rows [0.25,0.75] and [0.5,0.5]
SELECT cs_state(p) AS st, al.consensus(p) AS mean
FROM (VALUES ('[0.25,0.75]'::al.probvec), ('[0.5,0.5]')) v(p);

-- ---------------------------------------------------------------------
-- the text form does not depend on extra_float_digits
-- ---------------------------------------------------------------------
-- The state of each shard as text, and its md5, under each setting.
CREATE FUNCTION cs_texts(efd int) RETURNS TABLE (shard int, st text) LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('extra_float_digits', efd::text, true);
	RETURN QUERY SELECT r.shard, cs_state(r.p)::text FROM cs_rows r GROUP BY r.shard;
END $$;
SELECT shard, count(DISTINCT st) AS distinct_texts, count(*) AS settings,
	bool_and(st ~ '^rows=4000 sums=\[[0-9.e+-]+(,[0-9.e+-]+){4}\]$') AS well_formed
FROM (SELECT e, (cs_texts(e)).* FROM unnest(ARRAY[-15, 0, 1, 3]) e) x
GROUP BY shard ORDER BY shard;
SHOW extra_float_digits;
-- A plain double precision[] (the earlier state) printed at 0 or -15 loses
-- bits, the reason for this type: at -15 the text keeps one significant
-- digit, and even the float4 means change.
CREATE FUNCTION cs_float8_lossy(efd int, OUT sums_changed bigint, OUT means_changed bigint)
LANGUAGE plpgsql AS $$
DECLARE
	sums float8[];
	shipped float8[];
BEGIN
	SELECT array_agg(s ORDER BY c) INTO sums
	FROM (SELECT c, sum((p::float8[])[c]) AS s
		FROM cs_rows, generate_series(1, 5) c WHERE shard = 0 GROUP BY c) x;
	PERFORM set_config('extra_float_digits', efd::text, true);
	shipped := (sums::text)::float8[];
	PERFORM set_config('extra_float_digits', '1', true);
	SELECT count(*) FILTER (WHERE a <> b), count(*) FILTER (WHERE (a / 4000)::real <> (b / 4000)::real)
		INTO sums_changed, means_changed
	FROM unnest(sums, shipped) u(a, b);
END $$;
SELECT e AS extra_float_digits, (cs_float8_lossy(e)).* FROM unnest(ARRAY[-15, 0, 1, 3]) e;

-- ---------------------------------------------------------------------
-- as Citus runs it: per-shard states shipped as text (each written under
-- another extra_float_digits), read and merged on the "coordinator" by
-- calls that get no help from any setting, then finalized
-- ---------------------------------------------------------------------
CREATE TEMP TABLE cs_shipped AS
SELECT e, shard, st FROM unnest(ARRAY[-15, 0, 1, 3]) e, LATERAL cs_texts(e);
-- merged after the trip: the same bits as merging the states in memory
SELECT e, al.consensus_state_send(cs_merge(st::al.consensus_state ORDER BY shard))
		= (SELECT al.consensus_state_send(cs_merge(s ORDER BY g))
		   FROM (SELECT shard AS g, cs_state(p) AS s FROM cs_rows GROUP BY shard) m) AS same_bits,
	al.consensus_finalfn(cs_merge(st::al.consensus_state ORDER BY shard))::text
		= (SELECT al.consensus(p)::text FROM cs_rows) AS same_mean_as_serial
FROM cs_shipped GROUP BY e ORDER BY e;
-- dyadic values: the merged state equals a serial run bit for bit
SELECT al.consensus_state_send(cs_merge(st ORDER BY shard))
		= (SELECT al.consensus_state_send(cs_state(d)) FROM cs_rows) AS dyadic_same_bits,
	al.consensus_finalfn(cs_merge(st ORDER BY shard)) AS dyadic_mean
FROM (SELECT shard, cs_state(d)::text::al.consensus_state AS st FROM cs_rows GROUP BY shard) x;
-- combine called directly on text-shipped states, in both orders
SELECT al.consensus_combinefn(a.st::al.consensus_state, b.st::al.consensus_state)::text
		= al.consensus_combinefn(b.st::al.consensus_state, a.st::al.consensus_state)::text AS commutes
FROM cs_shipped a, cs_shipped b WHERE a.e = 0 AND b.e = -15 AND a.shard = 0 AND b.shard = 1;

-- ---------------------------------------------------------------------
-- round trips: text and binary give back every bit
-- ---------------------------------------------------------------------
CREATE TEMP TABLE cs_states AS SELECT shard, cs_state(p) AS st FROM cs_rows GROUP BY shard;
SELECT shard,
	al.consensus_state_send(st::text::al.consensus_state) = al.consensus_state_send(st) AS text_bits,
	cs_recv(al.consensus_state_send(st)) = 'ok: ' || encode(al.consensus_state_send(st), 'hex')
		AS binary_bits
FROM cs_states ORDER BY shard;
-- the binary form by hand: version 1, 2 classes, 4 rows, sums 1.0 and 3.0
SELECT encode(al.consensus_state_send('rows=4 sums=[1,3]'), 'hex') AS bytes;
SELECT cs_recv('\x010000000200000000000000043ff00000000000004008000000000000') AS recv;
-- 32,767 classes, the most al.probvec has
SELECT al.num_classes(al.consensus_finalfn(cs_recv_one)) AS classes
FROM (SELECT ('rows=1 sums=[1' || repeat(',0', 32766) || ']')::al.consensus_state AS cs_recv_one) x;

-- ---------------------------------------------------------------------
-- malformed input: 22P02 (text), 22P03 and 08P01 (binary)
-- ---------------------------------------------------------------------
SELECT cs_try(format('SELECT %L::al.consensus_state::text', x)) FROM (VALUES
	(''), ('{4,1,3}'), ('rows=4'), ('rows=4 sums=[]'), ('rows=4 sums=[1,3'), ('rows=4 sums=[1;3]'),
	('rows=0 sums=[0]'), ('rows=-1 sums=[0]'), ('rows=1e3 sums=[1]'),
	('rows=99999999999999999999 sums=[1]'), ('rows=1 sums=[NaN]'), ('rows=1 sums=[-Infinity]'),
	('rows=1 sums=[-1e-300]'), ('rows=1 sums=[1.0000000000000002]'), ('rows=1 sums=[0x1p0]'),
	('rows=1 sums=[1e400]'), ('rows=1 sums=[1] junk')
) v(x);
-- one sum more than al.probvec's 32,767 classes (the input shown cut)
SELECT regexp_replace(cs_try(format('SELECT %L::al.consensus_state::text',
		'rows=1 sums=[1' || repeat(',0', 32767) || ']')), '"rows=1 sums=\[1,0,0[0,]*\]"', '"rows=1 sums=[1,0,0,...]"')
	AS too_many_sums;
SELECT cs_recv(x::bytea) FROM (VALUES
	('\x'), ('\x01000000020000000000000004'), ('\x010000000200000000000000043ff0000000000000'),
	('\x020000000100000000000000013ff0000000000000'), ('\x010000000000000000000000013ff0000000000000'),
	('\x01000080000000000000000001'), ('\x01ffffffff0000000000000001'),
	('\x010000000100000000000000003ff0000000000000'), ('\x01000000018000000000000000bff0000000000000'),
	('\x010000000100000000000000017ff8000000000000'), ('\x010000000100000000000000014000000000000000'),
	('\x010000000100000000000000013ff000000000000000')
) v(x);
-- states of different class counts, and row counts past int64 (only
-- input states can claim them)
SELECT cs_try($$SELECT al.consensus_combinefn('rows=1 sums=[1]', 'rows=1 sums=[0.5,0.5]')::text$$);
SELECT cs_try($$SELECT al.consensus_combinefn('rows=9223372036854775807 sums=[1]', 'rows=1 sums=[1]')::text$$);
SELECT cs_try($$SELECT al.consensus_transfn('rows=9223372036854775807 sums=[1]', '[1]')::text$$);
-- a state that holds no distribution is refused by the final function
SELECT cs_try($$SELECT al.consensus_finalfn('rows=2 sums=[0.5,0.5]')::text$$);

-- ---------------------------------------------------------------------
-- fuzzing: random mutations of valid text and binary states; everything is
-- rejected with a known SQLSTATE or accepted, and what is accepted is a
-- state whose forms round-trip
-- ---------------------------------------------------------------------
SELECT setseed(0.5);
CREATE FUNCTION cs_fuzz_text(n int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	seeds text[] := ARRAY['rows=4 sums=[1,3]', 'rows=3 sums=[0.5,1,0.25,1.25]',
		'rows=20000 sums=[5000.000000000001,10000,4999.999999999999]'];
	chars text := '[],=.+-eE0123456789 rowsumNaIfxy';
	s text;
	t text;
	pos int;
	accepted int := 0;
	rejected int := 0;
BEGIN
	FOR i IN 1 .. n LOOP
		s := seeds[1 + (i % 3)];
		FOR j IN 0 .. (random() * 3)::int LOOP
			pos := 1 + (random() * (length(s) - 1))::int;
			s := CASE (random() * 2)::int
				WHEN 0 THEN overlay(s placing substr(chars, 1 + (random() * 31)::int, 1) from pos for 1)
				WHEN 1 THEN overlay(s placing '' from pos for 1)
				ELSE overlay(s placing substr(chars, 1 + (random() * 31)::int, 1) from pos for 0) END;
		END LOOP;
		BEGIN
			t := s::al.consensus_state::text;
			IF t::al.consensus_state::text <> t THEN
				RETURN 'not a fixed point: ' || s;
			END IF;
			accepted := accepted + 1;
		EXCEPTION WHEN invalid_text_representation THEN
			rejected := rejected + 1;
		END;
	END LOOP;
	RETURN format('fine: %s', accepted > 0 AND rejected > 0);
END $$;
SELECT cs_fuzz_text(3000);
CREATE FUNCTION cs_fuzz_binary(n int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	seeds bytea[] := ARRAY[al.consensus_state_send('rows=4 sums=[1,3]'),
		al.consensus_state_send('rows=3 sums=[0.5,1,0.25,1.25]'),
		al.consensus_state_send('rows=7 sums=[7]')];
	b bytea;
	r text;
	ok int := 0;
	bad int := 0;
BEGIN
	FOR i IN 1 .. n LOOP
		b := seeds[1 + (i % 3)];
		FOR j IN 0 .. (random() * 2)::int LOOP
			b := set_byte(b, (random() * (length(b) - 1))::int, (random() * 255)::int);
		END LOOP;
		IF i % 7 = 0 THEN
			b := substring(b from 1 for (random() * length(b))::int);
		END IF;
		IF i % 11 = 0 THEN
			b := b || '\x00'::bytea;
		END IF;
		r := cs_recv(b);
		IF r LIKE 'ok: %' THEN
			IF r <> 'ok: ' || encode(b, 'hex') THEN
				RETURN 'not written back byte for byte: ' || r;
			END IF;
			ok := ok + 1;
		ELSIF r LIKE '22P03: %' OR r LIKE '08P01: %' THEN
			bad := bad + 1;
		ELSE
			RETURN 'unexpected: ' || r;
		END IF;
	END LOOP;
	RETURN format('fine: %s', ok > 0 AND bad > 0);
END $$;
SELECT cs_fuzz_binary(600);

DROP TABLE cs_rows;
DROP FUNCTION cs_try(text), cs_recv(bytea), cs_texts(int), cs_float8_lossy(int),
	cs_fuzz_text(int), cs_fuzz_binary(int);
DROP AGGREGATE cs_state(al.probvec);
DROP AGGREGATE cs_merge(al.consensus_state);
