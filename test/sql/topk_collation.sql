-- al.top_k over text ids under collations other than the database default,
-- in every execution form: serial; parallel (Partial Aggregate in workers,
-- Finalize Aggregate combining); and as Citus runs it: one state per shard,
-- shipped as text (or binary), then combined and finalized by calls that
-- carry no collation.  The oracle is PostgreSQL's own
--   (array_agg(id COLLATE x ORDER BY s DESC, id COLLATE x)
--      FILTER (WHERE s IS NOT NULL))[1:k].
-- Needs ICU (Debian's PostgreSQL 15 has it; topk.sql uses "en-x-icu" too).

CREATE FUNCTION tc_try(q text) RETURNS text LANGUAGE plpgsql AS $$
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

-- the state itself (no final function), and a merge of states whose
-- transition is the combine function: its calls carry no collation (the
-- state type is not collatable), as Citus's coord_combine_agg's do
CREATE AGGREGATE tc_state(text, double precision, integer) (
	SFUNC = al.top_k_trans, STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine, PARALLEL = SAFE);
CREATE AGGREGATE tc_merge(al.top_k_state) (
	SFUNC = al.top_k_combine, STYPE = al.top_k_state);

-- A case-insensitive, accent-insensitive ICU collation: nondeterministic
-- (equal strings with different bytes).
CREATE COLLATION tc_ci (provider = icu, locale = 'und-u-ks-level1', deterministic = false);
SELECT 'a' = 'A' COLLATE tc_ci AS ci_equal, 'a' = 'A' COLLATE "en-x-icu" AS en_equal;

-- 20,000 rows: ids of mixed case, accents and digits, 37 distinct scores (so
-- k = 1,000 cuts through a tie of about 540 rows, where the collation
-- decides who stays), duplicate ids, NULL ids and NULL scores; three shards.
CREATE TABLE tc_pool (id text, s double precision, shard int);
INSERT INTO tc_pool
SELECT CASE WHEN i % 997 = 0 THEN NULL
		ELSE translate(substr(md5((i % 15000)::text), 1, 5), 'abcdef', 'aBcDéF') END,
	CASE WHEN i % 101 = 0 THEN NULL ELSE (i % 37)::double precision / 8 END,
	i % 3
FROM generate_series(1, 20000) i;
SELECT count(*) AS rows, count(DISTINCT id) AS ids, count(DISTINCT s) AS scores FROM tc_pool;

-- The collations make a difference here: of the first 1,000 ids in C and
-- in English order, many differ (position by position, and as sets).
WITH o AS (
	SELECT (array_agg(id COLLATE "C" ORDER BY s DESC, id COLLATE "C")
			FILTER (WHERE s IS NOT NULL))[1:1000] AS c,
		(array_agg(id COLLATE "en-x-icu" ORDER BY s DESC, id COLLATE "en-x-icu")
			FILTER (WHERE s IS NOT NULL))[1:1000] AS en
	FROM tc_pool)
SELECT (SELECT count(*) FROM unnest(c, en) u(a, b)
		WHERE a COLLATE "C" IS DISTINCT FROM b COLLATE "C") > 100 AS positions_differ,
	(SELECT count(*) FROM (SELECT unnest(c) COLLATE "C" EXCEPT SELECT unnest(en) COLLATE "C") x) > 10
		AS ids_differ
FROM o;

-- The checks for one collation and k: serial; Citus-like over text states;
-- the same over binary states (COPY FORMAT binary: send, then recv); the
-- text of a state built serially equals the text of the merged one.
CREATE TEMP TABLE tc_shard_states (shard int, st text);
CREATE TEMP TABLE tc_bin_states (shard int, st al.top_k_state);
CREATE FUNCTION tc_check(coll text, k int,
	OUT serial boolean, OUT citus_text boolean, OUT citus_binary boolean,
	OUT same_state boolean, OUT names_collation boolean)
LANGUAGE plpgsql AS $$
DECLARE
	f text := '/tmp/al_ext_tc_' || current_setting('port') || '.bin';
	oracle text[];
	result text[];
	serial_state text;
BEGIN
	EXECUTE format('SELECT (array_agg(id COLLATE %1$I ORDER BY s DESC, id COLLATE %1$I)
			FILTER (WHERE s IS NOT NULL))[1:%2$s] FROM tc_pool', coll, k) INTO oracle;
	EXECUTE format('SELECT al.top_k(id COLLATE %I, s, %s) FROM tc_pool', coll, k) INTO result;
	serial := result IS NOT DISTINCT FROM oracle;
	-- "workers": one state per shard, kept as text
	TRUNCATE tc_shard_states, tc_bin_states;
	EXECUTE format('INSERT INTO tc_shard_states
		SELECT shard, tc_state(id COLLATE %I, s, %s)::text FROM tc_pool GROUP BY shard', coll, k);
	-- "coordinator": text input, combine and final without a collation
	SELECT al.top_k_final_text(tc_merge(st::al.top_k_state)) IS NOT DISTINCT FROM oracle
		INTO citus_text FROM tc_shard_states;
	-- the same through the binary form
	EXECUTE format('COPY (SELECT shard, st::al.top_k_state FROM tc_shard_states) TO %L (FORMAT binary)', f);
	EXECUTE format('COPY tc_bin_states FROM %L (FORMAT binary)', f);
	SELECT al.top_k_final_text(tc_merge(st)) IS NOT DISTINCT FROM oracle
		INTO citus_binary FROM tc_bin_states;
	EXECUTE format('SELECT tc_state(id COLLATE %I, s, %s)::text FROM tc_pool', coll, k)
		INTO serial_state;
	SELECT tc_merge(st::al.top_k_state)::text = serial_state INTO same_state FROM tc_shard_states;
	names_collation := serial_state LIKE format('text k=%s collation=("pg_catalog",%s) [%%', k,
		'"' || coll || '"');
END $$;

SELECT c AS collation, k, (tc_check(c, k)).*
FROM unnest(ARRAY['C', 'POSIX', 'en-x-icu', 'und-x-icu', 'default']) c,
	unnest(ARRAY[1, 10, 1000, 30000]) k
ORDER BY c, k;

-- The same for the nondeterministic collation: the oracle may order equal
-- ids ('aBcD1' and 'ABCD1') either way, so the result must match it up to
-- equality under the collation, and be one fixed answer: the same from
-- every execution form (ids the collation calls equal come by their bytes).
CREATE FUNCTION tc_check_ci(k int, OUT equal_to_oracle boolean, OUT forms_agree boolean,
	OUT ties_by_bytes boolean)
LANGUAGE plpgsql AS $$
DECLARE
	oracle text[];
	serial text[];
	merged text[];
BEGIN
	SELECT (array_agg(id COLLATE tc_ci ORDER BY s DESC, id COLLATE tc_ci)
		FILTER (WHERE s IS NOT NULL))[1:k] INTO oracle FROM tc_pool;
	SELECT al.top_k(id COLLATE tc_ci, s, k) INTO serial FROM tc_pool;
	SELECT al.top_k_final_text(tc_merge(st::text::al.top_k_state)) INTO merged
	FROM (SELECT tc_state(id COLLATE tc_ci, s, k) st FROM tc_pool GROUP BY shard) x;
	SELECT cardinality(serial) = cardinality(oracle) AND count(*) = cardinality(oracle) AND
		bool_and(o.v = r.v COLLATE tc_ci OR (o.v IS NULL AND r.v IS NULL))
		INTO equal_to_oracle
	FROM unnest(oracle) WITH ORDINALITY o(v, n)
		JOIN unnest(serial) WITH ORDINALITY r(v, n) USING (n);
	forms_agree := serial::text = merged::text;
	-- next to each other, ids equal under tc_ci are in byte order
	SELECT coalesce(bool_and(NOT (a = b COLLATE tc_ci) OR a COLLATE "C" <= b), true)
		INTO ties_by_bytes
	FROM (SELECT v AS a, lead(v) OVER (ORDER BY n) AS b
		FROM unnest(serial) WITH ORDINALITY u(v, n)) x WHERE b IS NOT NULL;
END $$;
SELECT k, (tc_check_ci(k)).* FROM unnest(ARRAY[10, 1000, 30000]) k ORDER BY k;
-- by hand: equal score, 'b' < 'B' ... case-insensitively equal pairs by bytes
SELECT al.top_k(id COLLATE tc_ci, 1, 10) AS ci,
	al.top_k(id COLLATE "en-x-icu", 1, 10) AS en,
	al.top_k(id COLLATE "C", 1, 10) AS c
FROM (VALUES ('b'), ('B'), ('a'), ('A'), ('á'), ('c')) v(id);

-- ---------------------------------------------------------------------
-- parallel: Partial Aggregate in the workers, Finalize Aggregate (the
-- combine function gets the aggregate's collation there)
-- ---------------------------------------------------------------------
CREATE FUNCTION tc_workers_launched(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF) ' || q INTO plan;
	RETURN plan::text ~ '"Workers Launched": [1-9]';
END $$;
CREATE VIEW tc_parallel AS
SELECT al.top_k(id COLLATE "en-x-icu", s, 1000) IS NOT DISTINCT FROM
		(SELECT (array_agg(id COLLATE "en-x-icu" ORDER BY s DESC, id COLLATE "en-x-icu")
			FILTER (WHERE s IS NOT NULL))[1:1000] FROM tc_pool) AS en_1000,
	al.top_k(id COLLATE "C", s, 1000) IS NOT DISTINCT FROM
		(SELECT (array_agg(id COLLATE "C" ORDER BY s DESC, id COLLATE "C")
			FILTER (WHERE s IS NOT NULL))[1:1000] FROM tc_pool) AS c_1000,
	tc_state(id COLLATE "en-x-icu", s, 1000)::text AS en_state
FROM tc_pool;
CREATE TEMP TABLE tc_serial AS SELECT * FROM tc_parallel;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
ALTER TABLE tc_pool SET (parallel_workers = 2);
EXPLAIN (COSTS OFF) SELECT al.top_k(id COLLATE "en-x-icu", s, 1000) FROM tc_pool;
SELECT tc_workers_launched('SELECT * FROM tc_parallel') AS workers_launched;
SELECT p.en_1000, p.c_1000, p.en_state = s.en_state AS state_as_serial
FROM tc_parallel p, tc_serial s;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- ---------------------------------------------------------------------
-- where the collation cannot be known: 42P22
-- ---------------------------------------------------------------------
-- Two columns of different implicit collations: their concatenation has
-- none (PostgreSQL leaves it indeterminate), so a transition call gets no
-- collation, as a Citus worker's does.
CREATE TABLE tc_two (a text COLLATE "C", b text COLLATE "en-x-icu", s double precision);
INSERT INTO tc_two VALUES ('x', 'B', 1), ('x', 'b', 1);
SELECT tc_try($$SELECT al.top_k(a || b, s, 1)::text FROM tc_two$$) AS aggregate;
SELECT tc_try($$SELECT al.top_k_trans(NULL, a || b, s, 1)::text FROM tc_two LIMIT 1$$) AS transition;
-- a NULL score still starts a state, so it is refused too
SELECT tc_try($$SELECT al.top_k_trans(NULL, a || b, NULL, 1)::text FROM tc_two LIMIT 1$$) AS null_score;
-- with COLLATE the collation is known again
SELECT al.top_k((a || b) COLLATE "en-x-icu", s, 1) AS en, al.top_k((a || b) COLLATE "C", s, 1) AS c
FROM tc_two;
-- bigint and uuid ids need no collation
SELECT al.top_k(length(a || b)::bigint, s, 1) AS bigint_ids FROM tc_two;
-- a state that already has one keeps using it
SELECT al.top_k_trans('text k=2 collation=("pg_catalog","en-x-icu") [(1,"B")]', a || b, s, 2)::text
	AS existing_state
FROM tc_two LIMIT 1;

-- ---------------------------------------------------------------------
-- collations that disagree: 42P21
-- ---------------------------------------------------------------------
SELECT tc_try($$SELECT al.top_k_combine('text k=2 collation=("pg_catalog","C") [(1,"a")]',
	'text k=2 collation=("pg_catalog","en-x-icu") [(1,"b")]')::text$$) AS combine;
SELECT tc_try($$SELECT al.top_k_combine('text k=2 collation=("pg_catalog","C") [(1,"a")]',
	'text k=2 collation=("pg_catalog","POSIX") []')::text$$) AS combine_empty;
-- a state without a collation (the form before collations were recorded)
-- has the database default, which is not "C"
SELECT tc_try($$SELECT al.top_k_combine('text k=2 [(1,"a")]',
	'text k=2 collation=("pg_catalog","C") [(1,"b")]')::text$$) AS combine_old_form;
SELECT tc_try($$SELECT al.top_k_trans('text k=2 collation=("pg_catalog","C") [(1,"a")]',
	'b' COLLATE "en-x-icu", 1, 2)::text$$) AS transition;
-- an aggregate that combines states of two collations
SELECT tc_try($$SELECT tc_merge(st)::text FROM (VALUES
	('text k=1 collation=("pg_catalog","C") [(1,"a")]'::al.top_k_state),
	('text k=1 collation=("pg_catalog","und-x-icu") [(1,"b")]')) v(st)$$) AS merge;

-- ---------------------------------------------------------------------
-- the collation in the text and binary forms
-- ---------------------------------------------------------------------
-- by schema and name (oids differ between servers); a schema-qualified
-- user collation; quotes and backslashes in names are escaped
CREATE SCHEMA "tc ""s\";
CREATE COLLATION "tc ""s\"."my ""coll\" (provider = icu, locale = 'und-u-kf-upper');
SELECT tc_state(id COLLATE "tc ""s\"."my ""coll\", 1, 5)::text AS user_collation
FROM (VALUES ('b'), ('B'), ('a'), ('A')) v(id);
SELECT al.top_k_final_text(tc_state(id COLLATE "tc ""s\"."my ""coll\", 1, 5)::text::al.top_k_state)
	AS upper_first,
	al.top_k(id COLLATE "tc ""s\"."my ""coll\", 1, 5) AS same_as_aggregate
FROM (VALUES ('b'), ('B'), ('a'), ('A')) v(id);
-- binary: version 2 carries schema and name (hand-checked bytes:
-- 02 | 02 text | k 2 | count 1 | 10 "pg_catalog" | 1 "C" | 1.0 | not NULL | 1 "a")
SELECT al.top_k_state_send('text k=2 collation=("pg_catalog","C") [(1,"a")]')
	= '\x020200000002000000010000000a70675f636174616c6f6700000001433ff0000000000000000000000161'::bytea
	AS send_bytes;
-- recv through COPY (FORMAT binary), round trips
CREATE TEMP TABLE tc_recv (st al.top_k_state);
CREATE FUNCTION tc_recv(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	f text := '/tmp/al_ext_tc_recv_' || current_setting('port') || '.bin';
	st text;
	msg text;
	res text;
BEGIN
	EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', bytes, f);
	TRUNCATE tc_recv;
	EXECUTE format('COPY tc_recv FROM %L (FORMAT binary)', f);
	SELECT r.st::text INTO res FROM tc_recv r;
	RETURN 'ok: ' || res;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN st || ': ' || msg;
END $$;
SELECT tc_recv(al.top_k_state_send(x::al.top_k_state)) = 'ok: ' || x::al.top_k_state::text AS round_trip
FROM (VALUES ('text k=3 collation=("pg_catalog","en-x-icu") [(1,"b"),(1,"B"),(2,NULL)]'),
	('text k=3 collation=("tc \"s\\","my \"coll\\") [(1,"b"),(1,"B")]'),
	('text k=1 collation=("public","tc_ci") []')) v(x);
-- version 1 (written before collations were recorded): the default
SELECT tc_recv('\x010200000002000000013ff0000000000000000000000161') AS version_1;
-- a collation this server does not have: 42704 / 3F000, text and binary
SELECT tc_try($$SELECT 'text k=2 collation=("pg_catalog","no such") []'::al.top_k_state::text$$)
	AS unknown_name;
SELECT tc_try($$SELECT 'text k=2 collation=("no such","C") []'::al.top_k_state::text$$)
	AS unknown_schema;
SELECT tc_recv('\x020200000002000000000000000a70675f636174616c6f67000000017a') AS unknown_binary;
-- a collation name in the wrong encoding (binary: the client encoding)
SELECT tc_try($$SELECT E'text k=2 collation=("pg_catalog","\xff") []'::al.top_k_state::text$$)
	AS bad_encoding;
-- a state kept in a table outlives its collation: a clear error, not a
-- cache lookup failure (the oid in the message is replaced by N)
CREATE COLLATION tc_gone (provider = icu, locale = 'und');
CREATE TABLE tc_kept AS SELECT tc_state(id COLLATE tc_gone, 1, 3) AS st
FROM (VALUES ('a'), ('b')) v(id);
DROP COLLATION tc_gone;
SELECT regexp_replace(tc_try('SELECT st::text FROM tc_kept'), 'collation \d+', 'collation N') AS out,
	regexp_replace(tc_try('SELECT al.top_k_final_text(st)::text FROM tc_kept'),
		'collation \d+', 'collation N') AS final,
	regexp_replace(tc_try('SELECT tc_merge(st)::text FROM tc_kept'), 'collation \d+', 'collation N')
		AS combine;

DROP TABLE tc_kept, tc_two, tc_pool CASCADE;
DROP FUNCTION tc_check(text, int), tc_check_ci(int), tc_workers_launched(text), tc_recv(bytea),
	tc_try(text);
DROP AGGREGATE tc_state(text, double precision, integer);
DROP AGGREGATE tc_merge(al.top_k_state);
DROP COLLATION tc_ci;
DROP SCHEMA "tc ""s\" CASCADE;
