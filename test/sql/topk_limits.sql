-- al.top_k at its limits: memory follows the rows kept, never k (k of
-- 10,000,000 and 2^31-1); state input that declares huge sizes is refused
-- before anything is allocated; states and text ids in every storage form
-- (short header, compressed inline, out of line, compressed out of line)
-- through the aggregates, serially and in parallel workers.

\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- binary input through COPY (FORMAT binary), as in topk.sql
-- (with the error's detail, which says what is wrong)
CREATE FUNCTION pg_temp.recv(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	f text := '/tmp/al_ext_topk_limits_' || current_setting('port') || '.bin';
	r text;
	det text;
BEGIN
	EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', bytes, f);
	CREATE TEMP TABLE recv_buf (st al.top_k_state);
	EXECUTE format('COPY recv_buf FROM %L (FORMAT binary)', f);
	SELECT st::text INTO r FROM recv_buf;
	DROP TABLE recv_buf;
	RETURN 'ok: ' || r;
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS det = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' / ' || nullif(det, ''), '');
END $$;

-- Did a query run in parallel workers?
CREATE FUNCTION pg_temp.workers_launched(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF) ' || q INTO plan;
	RETURN plan::text ~ '"Workers Launched": [1-9]';
END $$;

-- Test-only aggregates: the state itself (no final function), and the
-- merge of stored states, as a distributed coordinator does (the
-- transition function is the combine function).
CREATE AGGREGATE topk_lim_state(bigint, double precision, integer) (
	SFUNC = al.top_k_trans, STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine, PARALLEL = SAFE);
CREATE AGGREGATE topk_lim_state(text, double precision, integer) (
	SFUNC = al.top_k_trans, STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine, PARALLEL = SAFE);
CREATE AGGREGATE topk_lim_merge_bigint(al.top_k_state) (
	SFUNC = al.top_k_combine, STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine, FINALFUNC = al.top_k_final_bigint, PARALLEL = SAFE);
CREATE AGGREGATE topk_lim_merge_text(al.top_k_state) (
	SFUNC = al.top_k_combine, STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine, FINALFUNC = al.top_k_final_text, PARALLEL = SAFE);

-- ---------------------------------------------------------------------
-- k of 10,000,000 and 2^31-1: the state holds min(k, rows) entries
-- ---------------------------------------------------------------------
-- 100,000 rows, 1,000 groups of 100; scores with ties
CREATE TABLE topk_lim_rows AS
SELECT i::bigint AS id, ((hashint8(i) & 1023) / 8.0)::float8 AS s, (i % 1000)::int AS g
FROM generate_series(1, 100000) i;
ANALYZE topk_lim_rows;
-- A state is a 40-byte header and 24 bytes per entry slot; slots start at
-- 8 and double, never beyond k: 100,000 rows take 8 * 2^14 = 131,072
-- slots when k is larger, exactly k slots when k is smaller.
SELECT k, pg_column_size(topk_lim_state(id, s, k)) AS state_bytes,
	40 + 24 * least(k, 131072) AS by_hand
FROM topk_lim_rows, (VALUES (1000), (100000), (10000000), (2147483647)) v(k)
GROUP BY k ORDER BY k;
-- ten rows with k = 2^31-1: 16 slots
SELECT pg_column_size(topk_lim_state(id, s, 2147483647)) AS state_bytes, 40 + 24 * 16 AS by_hand
FROM topk_lim_rows WHERE id <= 10;
-- the result is every row with a score, in the oracle's order
SELECT al.top_k(id, s, 2147483647) = (SELECT array_agg(id ORDER BY s DESC, id) FROM topk_lim_rows)
	AS k_max_is_all,
	al.top_k(id, s, 10000000) = (SELECT array_agg(id ORDER BY s DESC, id) FROM topk_lim_rows)
	AS k_10m_is_all
FROM topk_lim_rows;
-- per group (1,000 states at once, hashed and sorted grouping): each state
-- holds its 100 rows; a k-sized state each would need 48 GB
SELECT count(*) AS groups,
	count(*) FILTER (WHERE r.top = o.top) AS equal_oracle,
	max(r.bytes) AS largest_state, 40 + 24 * 128 AS by_hand
FROM (SELECT g, al.top_k(id, s, 2147483647) AS top,
		pg_column_size(topk_lim_state(id, s, 2147483647)) AS bytes
	FROM topk_lim_rows GROUP BY g) r
JOIN (SELECT g, array_agg(id ORDER BY s DESC, id) AS top FROM topk_lim_rows GROUP BY g) o USING (g);
SET enable_hashagg = off;
SELECT count(*) FILTER (WHERE r.top = o.top) AS sorted_grouping_equal_oracle
FROM (SELECT g, al.top_k(id, s, 2147483647) AS top FROM topk_lim_rows GROUP BY g) r
JOIN (SELECT g, array_agg(id ORDER BY s DESC, id) AS top FROM topk_lim_rows GROUP BY g) o USING (g);
RESET enable_hashagg;
-- k = 0 and NULL stay errors; every positive int4 is a valid k
SELECT pg_temp.try($$SELECT al.top_k(id, s, 0)::text FROM topk_lim_rows$$) AS k0,
	pg_temp.try($$SELECT al.top_k(id, s, -2147483648)::text FROM topk_lim_rows$$) AS k_min,
	pg_temp.try($$SELECT al.top_k(id, s, NULL)::text FROM topk_lim_rows$$) AS k_null;

-- state input: the largest k is fine with no entry; a larger k, or an
-- entry count the data cannot hold, is refused before any allocation
SELECT 'bigint k=2147483647 []'::al.top_k_state AS text_k_max,
	pg_column_size('text k=2147483647 []'::al.top_k_state) AS empty_state_bytes;
SELECT pg_temp.try($$SELECT 'bigint k=2147483648 []'::al.top_k_state::text$$) AS text_k_too_big;
-- version 1, bigint, k = 2^31-1, count = 2^31-1, then one entry's worth
SELECT pg_temp.recv('\x01017fffffff7fffffff3ff000000000000000000000000000000005') AS count_2g;
SELECT pg_temp.recv('\x0101009896800098968000') AS count_10m;
SELECT pg_temp.recv('\x01017fffffff00000000') AS binary_k_max;
SELECT pg_temp.recv('\x010180000000ffffffff') AS binary_k_negative;

-- ---------------------------------------------------------------------
-- stored states in every storage form, read by every state function and
-- merged by an aggregate, serially and in parallel
-- ---------------------------------------------------------------------
-- Per group g (40 groups) of compressible text ids, states stored four
-- ways: k = 40 (3 to 4 KB) compressed inline; k = 300 (20 to 30 KB) out of
-- line, uncompressed or compressed; k = 1 (bigint ids: 64 bytes; one
-- text id of at most 16 bytes: 80 bytes) with a 1-byte header.  Each table holds one form, so the toaster cannot mix them.
CREATE TABLE topk_lim_src AS
SELECT i, (i % 40)::int AS g, ((hashint8(i) & 255) / 4.0)::float8 AS s,
	repeat(chr(97 + i % 26), 1 + i % 50) || i AS t
FROM generate_series(1, 40000) i;
CREATE VIEW topk_lim_fresh AS
SELECT g, topk_lim_state(t, s, 40) AS s40, topk_lim_state(t, s, 300) AS s300,
	topk_lim_state(i::bigint, s, 1) AS sb,
	topk_lim_state(left(t, 10), s, 1) FILTER (WHERE i <= 40) AS st
FROM topk_lim_src GROUP BY g;
CREATE TABLE topk_lim_inline (g int, st al.top_k_state);
ALTER TABLE topk_lim_inline ALTER st SET STORAGE main;
INSERT INTO topk_lim_inline SELECT g, s40 FROM topk_lim_fresh;
CREATE TABLE topk_lim_outside (g int, st_external al.top_k_state, st_extended al.top_k_state);
ALTER TABLE topk_lim_outside ALTER st_external SET STORAGE external,
	ALTER st_extended SET STORAGE extended;
INSERT INTO topk_lim_outside SELECT g, s300, s300 FROM topk_lim_fresh;
CREATE TABLE topk_lim_small (g int, sb al.top_k_state, st al.top_k_state);
INSERT INTO topk_lim_small SELECT g, sb, st FROM topk_lim_fresh;
-- the storage forms are what they should be: compressed or not, sizes,
-- values in the TOAST table or none, 1-byte headers (3 bytes less)
\set toasted :abs_srcdir '/sql/include/toasted.sql'
\i :toasted
SELECT count(*) AS states,
	count(*) FILTER (WHERE pg_column_compression(st) IS NOT NULL
		AND pg_column_size(st) < 2000) AS compressed_small,
	pg_temp.toasted_values('topk_lim_inline') AS toast_values
FROM topk_lim_inline;
SELECT count(*) AS states,
	count(*) FILTER (WHERE pg_column_compression(st_external) IS NULL
		AND pg_column_size(st_external) > 20000) AS external_uncompressed,
	count(*) FILTER (WHERE pg_column_compression(st_extended) IS NOT NULL
		AND pg_column_size(st_extended) > 2000) AS extended_compressed_big,
	pg_temp.toasted_values('topk_lim_outside') AS toast_values
FROM topk_lim_outside;
SELECT count(*) AS states,
	count(*) FILTER (WHERE pg_column_size(x.sb) = 64 - 3
		AND pg_column_size(x.st) = 80 - 3) AS short_headers,
	pg_temp.toasted_values('topk_lim_small') AS toast_values
FROM topk_lim_small x;
-- every state function reads every form as it reads the fresh state
CREATE FUNCTION pg_temp.same_reading(fresh al.top_k_state, stored al.top_k_state,
	k int) RETURNS boolean LANGUAGE sql AS $$
	SELECT fresh::text = stored::text
		AND al.top_k_state_send(fresh) = al.top_k_state_send(stored)
		AND CASE WHEN fresh::text LIKE 'bigint%'
			THEN al.top_k_final_bigint(fresh) = al.top_k_final_bigint(stored)
				AND al.top_k_trans(fresh, 0::bigint, 1e9, k)::text
					= al.top_k_trans(stored, 0::bigint, 1e9, k)::text
			ELSE al.top_k_final_text(fresh) = al.top_k_final_text(stored)
				AND al.top_k_trans(fresh, 'zzz', 1e9, k)::text
					= al.top_k_trans(stored, 'zzz', 1e9, k)::text END
		AND al.top_k_combine(fresh, fresh)::text = al.top_k_combine(stored, stored)::text
		AND al.top_k_combine(fresh, fresh)::text = al.top_k_combine(fresh, stored)::text
$$;
SELECT count(*) AS groups,
	count(*) FILTER (WHERE pg_temp.same_reading(f.s40, i.st, 40)) AS compressed_inline,
	count(*) FILTER (WHERE pg_temp.same_reading(f.s300, o.st_external, 300)) AS external,
	count(*) FILTER (WHERE pg_temp.same_reading(f.s300, o.st_extended, 300)) AS compressed_external,
	count(*) FILTER (WHERE pg_temp.same_reading(f.sb, m.sb, 1)
		AND pg_temp.same_reading(f.st, m.st, 1)) AS short_header
FROM topk_lim_fresh f JOIN topk_lim_inline i USING (g) JOIN topk_lim_outside o USING (g)
	JOIN topk_lim_small m USING (g);
-- merged by an aggregate, the stored states give the oracle's top k
CREATE TABLE topk_lim_oracle AS
SELECT (array_agg(t ORDER BY s DESC, t))[1:300] AS t300,
	(array_agg(i::bigint ORDER BY s DESC, i))[1:1] AS b1,
	(array_agg(left(t, 10) ORDER BY s DESC, left(t, 10)) FILTER (WHERE i <= 40))[1:1] AS t1
FROM topk_lim_src;
CREATE VIEW topk_lim_check_inline AS
SELECT topk_lim_merge_text(st) = (SELECT t300[1:40] FROM topk_lim_oracle) AS compressed_inline
FROM topk_lim_inline;
CREATE VIEW topk_lim_check_outside AS
SELECT topk_lim_merge_text(st_external) = (SELECT t300 FROM topk_lim_oracle) AS external,
	topk_lim_merge_text(st_extended) = (SELECT t300 FROM topk_lim_oracle) AS compressed_external
FROM topk_lim_outside;
CREATE VIEW topk_lim_check_small AS
SELECT topk_lim_merge_bigint(sb) = (SELECT b1 FROM topk_lim_oracle) AS short_bigint,
	topk_lim_merge_text(st) = (SELECT t1 FROM topk_lim_oracle) AS short_text
FROM topk_lim_small;
SET max_parallel_workers_per_gather = 0;
SELECT * FROM topk_lim_check_inline, topk_lim_check_outside, topk_lim_check_small;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
ALTER TABLE topk_lim_inline SET (parallel_workers = 2);
ALTER TABLE topk_lim_outside SET (parallel_workers = 2);
ALTER TABLE topk_lim_small SET (parallel_workers = 2);
EXPLAIN (COSTS OFF) SELECT * FROM topk_lim_check_outside;
SELECT pg_temp.workers_launched('SELECT * FROM topk_lim_check_inline') AS inline_parallel,
	pg_temp.workers_launched('SELECT * FROM topk_lim_check_outside') AS outside_parallel,
	pg_temp.workers_launched('SELECT * FROM topk_lim_check_small') AS small_parallel;
SELECT * FROM topk_lim_check_inline, topk_lim_check_outside, topk_lim_check_small;
RESET ALL;

-- ---------------------------------------------------------------------
-- text ids of every length and storage form through al.top_k
-- ---------------------------------------------------------------------
-- i % 4 = 0: short (1-byte header); 1: 130 to 630 bytes (4-byte header);
-- 2: 3 to 5 KB of repeats (compressed); 3: about 4 KB of hex digits, too
-- random to compress (out of line, uncompressed).  Scores have many ties,
-- so the ids' order decides.
CREATE TABLE topk_lim_ids AS
SELECT i, (i % 37)::float8 AS s,
	CASE i % 4
		WHEN 0 THEN 'id' || i
		WHEN 1 THEN repeat(md5(i::text), 4 + i % 16) || i
		WHEN 2 THEN repeat(chr(65 + i % 26), 3000 + i % 2000) || i
		ELSE (SELECT string_agg(md5(i::text || '.' || j), '') FROM generate_series(1, 125) j)
	END AS t
FROM generate_series(1, 4000) i;
ANALYZE topk_lim_ids;
SELECT count(*) FILTER (WHERE octet_length(t) < 127) AS short,
	count(*) FILTER (WHERE octet_length(t) BETWEEN 128 AND 2000
		AND pg_column_compression(t) IS NULL) AS long_inline,
	count(*) FILTER (WHERE pg_column_compression(t) IS NOT NULL) AS compressed,
	count(*) FILTER (WHERE octet_length(t) > 3000 AND pg_column_compression(t) IS NULL) AS external,
	pg_temp.toasted_values('topk_lim_ids') >= 1000 AS out_of_line
FROM topk_lim_ids;
CREATE TABLE topk_lim_ids_oracle AS
SELECT array_agg(t ORDER BY s DESC, t) AS o,
	array_agg(t COLLATE "C" ORDER BY s DESC, t COLLATE "C") AS o_c
FROM topk_lim_ids;
CREATE VIEW topk_lim_ids_check AS
SELECT al.top_k(t, s, 1) = (SELECT o[1:1] FROM topk_lim_ids_oracle) AS k1,
	al.top_k(t, s, 10) = (SELECT o[1:10] FROM topk_lim_ids_oracle) AS k10,
	al.top_k(t, s, 300) = (SELECT o[1:300] FROM topk_lim_ids_oracle) AS k300,
	al.top_k(t, s, 2147483647) = (SELECT o FROM topk_lim_ids_oracle) AS k_all,
	al.top_k(t COLLATE "C", s, 300) = (SELECT o_c[1:300] FROM topk_lim_ids_oracle) AS c_k300
FROM topk_lim_ids;
SET max_parallel_workers_per_gather = 0;
SELECT * FROM topk_lim_ids_check;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
ALTER TABLE topk_lim_ids SET (parallel_workers = 2);
EXPLAIN (COSTS OFF) SELECT * FROM topk_lim_ids_check;
SELECT pg_temp.workers_launched('SELECT * FROM topk_lim_ids_check') AS workers_launched;
SELECT * FROM topk_lim_ids_check;
RESET ALL;

DROP VIEW topk_lim_ids_check, topk_lim_check_inline, topk_lim_check_outside,
	topk_lim_check_small, topk_lim_fresh;
DROP TABLE topk_lim_ids, topk_lim_ids_oracle, topk_lim_inline, topk_lim_outside, topk_lim_small,
	topk_lim_src, topk_lim_oracle, topk_lim_rows;
DROP AGGREGATE topk_lim_state(bigint, double precision, integer);
DROP AGGREGATE topk_lim_state(text, double precision, integer);
DROP AGGREGATE topk_lim_merge_bigint(al.top_k_state);
DROP AGGREGATE topk_lim_merge_text(al.top_k_state);
