-- al.top_k against the oracle
--   (array_agg(id ORDER BY score DESC, id) FILTER (WHERE score IS NOT NULL))[1:k]
-- on 100,000 deterministic pseudo-random rows, for bigint, text and uuid
-- ids and k = 1, 10, 100, 1000, 5000, in a serial plan and in a forced
-- parallel plan (Partial Aggregate in the workers, Finalize Aggregate
-- combining their states), overall and per group.  Only booleans are
-- printed; every one compares with IS NOT DISTINCT FROM.

-- Scores: 300 distinct values (about 330 rows each), ~1% NULL, ~0.5% NaN,
-- ~0.5% -0 next to about 330 +0.  Ids: bigint with duplicates and negative
-- values, text of 1 to 12 characters in mixed case with duplicates, uuid
-- with duplicates; each ~0.25% NULL.  37 groups.
CREATE TABLE topk_big AS
SELECT i,
	CASE WHEN h1 % 100 = 0 THEN NULL
		WHEN h1 % 200 = 1 THEN 'NaN'::float8
		WHEN h1 % 200 = 3 THEN '-0'::float8
		ELSE ((h1 / 200) % 300)::float8 / 8 - 15 END AS s,
	CASE WHEN h2 % 400 = 0 THEN NULL ELSE (h2 % 60000) - 30000 END::bigint AS b,
	CASE WHEN h2 % 400 = 1 THEN NULL
		WHEN h3 % 3 = 0 THEN upper(substr(md5((h2 % 80000)::text), 1, 1 + h3 % 12))
		ELSE substr(md5((h2 % 80000)::text), 1, 1 + h3 % 12) END AS t,
	CASE WHEN h2 % 400 = 2 THEN NULL ELSE md5((h2 % 70000)::text)::uuid END AS u,
	(h3 % 37)::int AS g
FROM (SELECT i,
		hashint8(i) & 2147483647 AS h1,
		hashint8(i * 3 + 1) & 2147483647 AS h2,
		hashint8(i * 5 + 2) & 2147483647 AS h3
	FROM generate_series(1, 100000) i) x;
ANALYZE topk_big;
-- the data has what the comments promise
SELECT count(*) AS n, count(*) FILTER (WHERE s IS NULL) AS null_s,
	count(*) FILTER (WHERE s = 'NaN') AS nan_s,
	count(*) FILTER (WHERE s = 0 AND float8send(s) <> float8send(0)) AS minus_zero,
	count(*) FILTER (WHERE s = 0 AND float8send(s) = float8send(0)) AS plus_zero,
	count(DISTINCT s) AS distinct_s,
	count(DISTINCT b) AS distinct_b, count(*) FILTER (WHERE b IS NULL) AS null_b,
	count(DISTINCT t) AS distinct_t, count(*) FILTER (WHERE t IS NULL) AS null_t,
	count(DISTINCT u) AS distinct_u, count(*) FILTER (WHERE u IS NULL) AS null_u,
	count(DISTINCT g) AS groups
FROM topk_big;

-- the oracles, computed once (serially): the whole ordered id lists
CREATE TABLE topk_big_oracle AS
SELECT (array_agg(b ORDER BY s DESC, b) FILTER (WHERE s IS NOT NULL)) AS ob,
	(array_agg(t ORDER BY s DESC, t) FILTER (WHERE s IS NOT NULL)) AS ot,
	(array_agg(t COLLATE "C" ORDER BY s DESC, t COLLATE "C") FILTER (WHERE s IS NOT NULL)) AS ot_c,
	(array_agg(t COLLATE "en-x-icu" ORDER BY s DESC, t COLLATE "en-x-icu")
		FILTER (WHERE s IS NOT NULL)) AS ot_en,
	(array_agg(u ORDER BY s DESC, u) FILTER (WHERE s IS NOT NULL)) AS ou,
	(array_agg(b ORDER BY -s DESC, b) FILTER (WHERE s IS NOT NULL)) AS ob_neg
FROM topk_big;
CREATE TABLE topk_big_oracle_g AS
SELECT g, (array_agg(b ORDER BY s DESC, b) FILTER (WHERE s IS NOT NULL)) AS ob,
	(array_agg(t ORDER BY s DESC, t) FILTER (WHERE s IS NOT NULL)) AS ot,
	(array_agg(u ORDER BY s DESC, u) FILTER (WHERE s IS NOT NULL)) AS ou
FROM topk_big GROUP BY g;

-- Did the last al.top_k query really run in parallel workers?  Runs a
-- query under EXPLAIN ANALYZE and reports whether workers were launched.
CREATE FUNCTION topk_workers_launched(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF) ' || q INTO plan;
	RETURN plan::text ~ '"Workers Launched": [1-9]';
END $$;

-- The checks, as one query per id type (all k at once).  Run once serially
-- and once in parallel below.
CREATE VIEW topk_check_bigint AS
SELECT al.top_k(b, s, 1) IS NOT DISTINCT FROM (SELECT ob[1:1] FROM topk_big_oracle) AS k1,
	al.top_k(b, s, 10) IS NOT DISTINCT FROM (SELECT ob[1:10] FROM topk_big_oracle) AS k10,
	al.top_k(b, s, 100) IS NOT DISTINCT FROM (SELECT ob[1:100] FROM topk_big_oracle) AS k100,
	al.top_k(b, s, 1000) IS NOT DISTINCT FROM (SELECT ob[1:1000] FROM topk_big_oracle) AS k1000,
	al.top_k(b, s, 5000) IS NOT DISTINCT FROM (SELECT ob[1:5000] FROM topk_big_oracle) AS k5000,
	al.top_k(b, -s, 1000) IS NOT DISTINCT FROM (SELECT ob_neg[1:1000] FROM topk_big_oracle) AS neg_k1000,
	al.top_k(b, s, 200000) IS NOT DISTINCT FROM (SELECT ob FROM topk_big_oracle) AS k_all
FROM topk_big;
CREATE VIEW topk_check_text AS
SELECT al.top_k(t, s, 1) IS NOT DISTINCT FROM (SELECT ot[1:1] FROM topk_big_oracle) AS k1,
	al.top_k(t, s, 10) IS NOT DISTINCT FROM (SELECT ot[1:10] FROM topk_big_oracle) AS k10,
	al.top_k(t, s, 100) IS NOT DISTINCT FROM (SELECT ot[1:100] FROM topk_big_oracle) AS k100,
	al.top_k(t, s, 1000) IS NOT DISTINCT FROM (SELECT ot[1:1000] FROM topk_big_oracle) AS k1000,
	al.top_k(t, s, 5000) IS NOT DISTINCT FROM (SELECT ot[1:5000] FROM topk_big_oracle) AS k5000,
	al.top_k(t COLLATE "C", s, 1000) IS NOT DISTINCT FROM (SELECT ot_c[1:1000] FROM topk_big_oracle) AS c_k1000,
	al.top_k(t COLLATE "en-x-icu", s, 1000) IS NOT DISTINCT FROM (SELECT ot_en[1:1000] FROM topk_big_oracle) AS en_k1000
FROM topk_big;
CREATE VIEW topk_check_uuid AS
SELECT al.top_k(u, s, 1) IS NOT DISTINCT FROM (SELECT ou[1:1] FROM topk_big_oracle) AS k1,
	al.top_k(u, s, 10) IS NOT DISTINCT FROM (SELECT ou[1:10] FROM topk_big_oracle) AS k10,
	al.top_k(u, s, 100) IS NOT DISTINCT FROM (SELECT ou[1:100] FROM topk_big_oracle) AS k100,
	al.top_k(u, s, 1000) IS NOT DISTINCT FROM (SELECT ou[1:1000] FROM topk_big_oracle) AS k1000,
	al.top_k(u, s, 5000) IS NOT DISTINCT FROM (SELECT ou[1:5000] FROM topk_big_oracle) AS k5000
FROM topk_big;
-- per group, k = 10 and 100: the number of groups that agree
CREATE VIEW topk_check_groups AS
SELECT count(*) AS groups,
	count(*) FILTER (WHERE r.b10 IS NOT DISTINCT FROM o.ob[1:10]) AS b10,
	count(*) FILTER (WHERE r.b100 IS NOT DISTINCT FROM o.ob[1:100]) AS b100,
	count(*) FILTER (WHERE r.t10 IS NOT DISTINCT FROM o.ot[1:10]) AS t10,
	count(*) FILTER (WHERE r.t100 IS NOT DISTINCT FROM o.ot[1:100]) AS t100,
	count(*) FILTER (WHERE r.u10 IS NOT DISTINCT FROM o.ou[1:10]) AS u10,
	count(*) FILTER (WHERE r.u100 IS NOT DISTINCT FROM o.ou[1:100]) AS u100
FROM (SELECT g, al.top_k(b, s, 10) AS b10, al.top_k(b, s, 100) AS b100,
		al.top_k(t, s, 10) AS t10, al.top_k(t, s, 100) AS t100,
		al.top_k(u, s, 10) AS u10, al.top_k(u, s, 100) AS u100
	FROM topk_big GROUP BY g) r
	JOIN topk_big_oracle_g o USING (g);

-- ---------------------------------------------------------------------
-- serial
-- ---------------------------------------------------------------------
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) SELECT * FROM topk_check_bigint;
SELECT * FROM topk_check_bigint;
SELECT * FROM topk_check_text;
SELECT * FROM topk_check_uuid;
SELECT * FROM topk_check_groups;
-- sorted grouping as well as hashed
SET enable_hashagg = off;
SELECT * FROM topk_check_groups;
RESET enable_hashagg;

-- ---------------------------------------------------------------------
-- parallel: Partial Aggregate in 2 workers (and the leader), states
-- shipped through the tuple queues, Finalize Aggregate combines them
-- ---------------------------------------------------------------------
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
ALTER TABLE topk_big SET (parallel_workers = 2);
EXPLAIN (COSTS OFF) SELECT * FROM topk_check_bigint;
SELECT topk_workers_launched('SELECT * FROM topk_check_bigint') AS workers_launched;
SELECT * FROM topk_check_bigint;
EXPLAIN (COSTS OFF) SELECT * FROM topk_check_text;
SELECT * FROM topk_check_text;
EXPLAIN (COSTS OFF) SELECT * FROM topk_check_uuid;
SELECT * FROM topk_check_uuid;
EXPLAIN (COSTS OFF) SELECT * FROM topk_check_groups;
SELECT topk_workers_launched('SELECT * FROM topk_check_groups') AS workers_launched;
SELECT * FROM topk_check_groups;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT * FROM topk_check_groups;
SELECT * FROM topk_check_groups;
RESET enable_hashagg;

-- ---------------------------------------------------------------------
-- states: built in parallel or serially, the text form is the same (the
-- kept entries do not depend on the order of the rows); text and binary
-- round trips are exact and finalize to the oracle
-- ---------------------------------------------------------------------
CREATE AGGREGATE topk_pstate(bigint, double precision, integer) (
	SFUNC = al.top_k_trans, STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine, PARALLEL = SAFE);
CREATE AGGREGATE topk_pstate(text, double precision, integer) (
	SFUNC = al.top_k_trans, STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine, PARALLEL = SAFE);
CREATE AGGREGATE topk_pstate(uuid, double precision, integer) (
	SFUNC = al.top_k_trans, STYPE = al.top_k_state,
	COMBINEFUNC = al.top_k_combine, PARALLEL = SAFE);
EXPLAIN (COSTS OFF) SELECT topk_pstate(b, s, 1000), topk_pstate(t, s, 1000), topk_pstate(u, s, 1000)
FROM topk_big;
CREATE TABLE topk_big_states AS
SELECT 'parallel' AS how, topk_pstate(b, s, 1000) AS sb, topk_pstate(t, s, 1000) AS st,
	topk_pstate(u, s, 1000) AS su
FROM topk_big;
SET max_parallel_workers_per_gather = 0;
INSERT INTO topk_big_states
SELECT 'serial', topk_pstate(b, s, 1000), topk_pstate(t, s, 1000), topk_pstate(u, s, 1000)
FROM topk_big;
SELECT p.sb::text = s.sb::text AS b_same, p.st::text = s.st::text AS t_same,
	p.su::text = s.su::text AS u_same
FROM topk_big_states p, topk_big_states s WHERE p.how = 'parallel' AND s.how = 'serial';
SELECT how,
	sb::text::al.top_k_state::text = sb::text AS b_text_round_trip,
	st::text::al.top_k_state::text = st::text AS t_text_round_trip,
	su::text::al.top_k_state::text = su::text AS u_text_round_trip,
	al.top_k_final_bigint(sb::text::al.top_k_state) IS NOT DISTINCT FROM o.ob[1:1000] AS b_oracle,
	al.top_k_final_text(st::text::al.top_k_state) IS NOT DISTINCT FROM o.ot[1:1000] AS t_oracle,
	al.top_k_final_uuid(su::text::al.top_k_state) IS NOT DISTINCT FROM o.ou[1:1000] AS u_oracle
FROM topk_big_states, topk_big_oracle o ORDER BY how;
-- binary round trip through COPY (FORMAT binary)
DO $$
BEGIN
	EXECUTE format('COPY topk_big_states TO %L (FORMAT binary)',
		'/tmp/al_ext_topk_big_states_' || current_setting('port') || '.bin');
END $$;
CREATE TABLE topk_big_states2 (LIKE topk_big_states);
DO $$
BEGIN
	EXECUTE format('COPY topk_big_states2 FROM %L (FORMAT binary)',
		'/tmp/al_ext_topk_big_states_' || current_setting('port') || '.bin');
END $$;
SELECT a.how, a.sb::text = b.sb::text AND a.st::text = b.st::text AND a.su::text = b.su::text AS text_equal,
	al.top_k_state_send(a.sb) = al.top_k_state_send(b.sb)
	AND al.top_k_state_send(a.st) = al.top_k_state_send(b.st)
	AND al.top_k_state_send(a.su) = al.top_k_state_send(b.su) AS binary_equal
FROM topk_big_states a JOIN topk_big_states2 b USING (how) ORDER BY how;
-- states from text input combine like the originals (order-independent)
SELECT al.top_k_final_bigint(al.top_k_combine(x.s1, x.s2)) IS NOT DISTINCT FROM o.ob[1:100] AS ab,
	al.top_k_final_bigint(al.top_k_combine(x.s2, x.s1)) IS NOT DISTINCT FROM o.ob[1:100] AS ba,
	al.top_k_combine(x.s1, x.s2)::text = al.top_k_combine(x.s2, x.s1)::text AS same_state
FROM (SELECT topk_pstate(b, s, 100) FILTER (WHERE i % 2 = 0)::text::al.top_k_state AS s1,
		topk_pstate(b, s, 100) FILTER (WHERE i % 2 = 1)::text::al.top_k_state AS s2
	FROM topk_big) x, topk_big_oracle o;
SELECT al.top_k_final_text(al.top_k_combine(x.s1, x.s2)) IS NOT DISTINCT FROM o.ot[1:100] AS ab,
	al.top_k_final_text(al.top_k_combine(x.s2, x.s1)) IS NOT DISTINCT FROM o.ot[1:100] AS ba,
	al.top_k_combine(x.s1, x.s2)::text = al.top_k_combine(x.s2, x.s1)::text AS same_state
FROM (SELECT topk_pstate(t, s, 100) FILTER (WHERE i % 3 = 0)::text::al.top_k_state AS s1,
		topk_pstate(t, s, 100) FILTER (WHERE i % 3 <> 0)::text::al.top_k_state AS s2
	FROM topk_big) x, topk_big_oracle o;

-- ---------------------------------------------------------------------
-- long text ids: growth and compaction of the id area, compressed ids
-- ---------------------------------------------------------------------
CREATE TABLE topk_long AS
SELECT i, s, repeat(coalesce(t, 'z'), 1 + i % 40) || i AS t
FROM topk_big WHERE i <= 20000
UNION ALL
SELECT -i, 1000 + i % 3, repeat(md5(i::text), 200 + i) FROM generate_series(1, 5) i;
SELECT count(*) FILTER (WHERE pg_column_size(t) < octet_length(t)) AS compressed FROM topk_long;
SELECT k, al.top_k(t, s, k) IS NOT DISTINCT FROM
	(SELECT (array_agg(t ORDER BY s DESC, t) FILTER (WHERE s IS NOT NULL))[1:k] FROM topk_long) AS ok
FROM topk_long, (VALUES (3), (50), (700)) v(k)
GROUP BY k ORDER BY k;

DROP TABLE topk_long;
DROP TABLE topk_big_states, topk_big_states2;
DROP AGGREGATE topk_pstate(bigint, double precision, integer);
DROP AGGREGATE topk_pstate(text, double precision, integer);
DROP AGGREGATE topk_pstate(uuid, double precision, integer);
DROP VIEW topk_check_bigint, topk_check_text, topk_check_uuid, topk_check_groups;
DROP FUNCTION topk_workers_launched(text);
DROP TABLE topk_big_oracle, topk_big_oracle_g;
DROP TABLE topk_big;
RESET ALL;
