-- Two-level top-k: al.top_k_state(id, score, k) gives the partial state of
-- a part of the rows, al.top_k_merge(state) merges parts, and
-- al.top_k_final_bigint/text/uuid read the result.  Checked against the
-- oracle (array_agg(id ORDER BY score DESC, id) FILTER (WHERE score IS NOT
-- NULL))[1:k] over all rows, computed independently, for splits of the rows
-- into parts, states shipped as text and binary, stored in a table
-- (compressed or TOASTed), merged in parallel and per group; then every
-- error with its SQLSTATE.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- 20,000 rows: 50 distinct scores (heavy ties), ~2% NULL and ~1% NaN
-- scores, -0 beside +0, ~0.5% NULL ids, text ids in mixed case, 7 parts.
CREATE TABLE mrows AS
SELECT i,
	CASE WHEN h1 % 50 = 0 THEN NULL
		WHEN h1 % 100 = 1 THEN 'NaN'::float8
		WHEN h1 % 100 = 3 THEN '-0'::float8
		ELSE ((h1 / 100) % 50)::float8 / 4 - 5 END AS s,
	CASE WHEN h2 % 200 = 0 THEN NULL ELSE (h2 % 30000) - 15000 END::bigint AS b,
	CASE WHEN h2 % 200 = 1 THEN NULL
		WHEN h3 % 2 = 0 THEN upper(substr(md5((h2 % 40000)::text), 1, 1 + h3 % 10))
		ELSE substr(md5((h2 % 40000)::text), 1, 1 + h3 % 10) END AS t,
	CASE WHEN h2 % 200 = 2 THEN NULL ELSE md5((h2 % 35000)::text)::uuid END AS u,
	(h3 % 7)::int AS part
FROM (SELECT i,
		hashint8(i) & 2147483647 AS h1,
		hashint8(i * 3 + 1) & 2147483647 AS h2,
		hashint8(i * 5 + 2) & 2147483647 AS h3
	FROM generate_series(1, 20000) i) x;
SELECT count(*) AS n, count(*) FILTER (WHERE s IS NULL) > 100 AS has_null_s,
	count(*) FILTER (WHERE s = 'NaN') > 100 AS has_nan,
	count(*) FILTER (WHERE s = 0 AND float8send(s) <> float8send(0)) > 100 AS has_minus_zero,
	count(DISTINCT s) AS distinct_s, count(*) FILTER (WHERE b IS NULL) > 50 AS has_null_b,
	count(*) FILTER (WHERE t IS NULL) > 50 AS has_null_t, count(DISTINCT part) AS parts
FROM mrows;

CREATE TABLE mk (k int);
INSERT INTO mk VALUES (1), (10), (1000), (30000);

-- per part and k: the states, kept in a table (large ones are compressed or
-- TOASTed), then merged
CREATE TABLE mstates AS
SELECT k, part, al.top_k_state(b, s, k) AS sb, al.top_k_state(t, s, k) AS st,
	al.top_k_state(u, s, k) AS su
FROM mrows, mk GROUP BY k, part;
SELECT count(*) AS states, max(pg_column_size(st)) < max(octet_length(st::text)) AS stored_smaller
FROM mstates;

-- merged states equal the oracle, and al.top_k over all rows
SELECT k,
	(SELECT al.top_k_final_bigint(al.top_k_merge(sb)) FROM mstates m WHERE m.k = mk.k) IS NOT DISTINCT FROM
		(SELECT (array_agg(b ORDER BY s DESC, b) FILTER (WHERE s IS NOT NULL))[1:mk.k] FROM mrows) AS bigint_ok,
	(SELECT al.top_k_final_text(al.top_k_merge(st)) FROM mstates m WHERE m.k = mk.k) IS NOT DISTINCT FROM
		(SELECT (array_agg(t ORDER BY s DESC, t) FILTER (WHERE s IS NOT NULL))[1:mk.k] FROM mrows) AS text_ok,
	(SELECT al.top_k_final_uuid(al.top_k_merge(su)) FROM mstates m WHERE m.k = mk.k) IS NOT DISTINCT FROM
		(SELECT (array_agg(u ORDER BY s DESC, u) FILTER (WHERE s IS NOT NULL))[1:mk.k] FROM mrows) AS uuid_ok,
	(SELECT al.top_k_final_bigint(al.top_k_merge(sb)) FROM mstates m WHERE m.k = mk.k) IS NOT DISTINCT FROM
		(SELECT al.top_k(b, s, mk.k) FROM mrows) AS equals_top_k,
	(SELECT cardinality(al.top_k_final_text(al.top_k_merge(st))) FROM mstates m WHERE m.k = mk.k) AS n
FROM mk ORDER BY k;

-- the merged state prints as the state of all rows (the text form is
-- canonical), also when the parts' states went through their text form
SELECT k,
	(SELECT al.top_k_merge(sb)::text FROM mstates m WHERE m.k = mk.k) =
		(SELECT al.top_k_state(b, s, mk.k)::text FROM mrows) AS bigint_state_ok,
	(SELECT al.top_k_merge(st::text::al.top_k_state)::text FROM mstates m WHERE m.k = mk.k) =
		(SELECT al.top_k_state(t, s, mk.k)::text FROM mrows) AS text_state_ok,
	(SELECT al.top_k_merge(su::text::al.top_k_state)::text FROM mstates m WHERE m.k = mk.k) =
		(SELECT al.top_k_state(u, s, mk.k)::text FROM mrows) AS uuid_state_ok
FROM mk ORDER BY k;

-- a small case by hand: parts {(2,'b'),(NaN,'z')} and {(2,'a'),(NULL,'c'),(1,'d')}
SELECT al.top_k_merge(s)::text AS merged, al.top_k_final_text(al.top_k_merge(s)) AS ids
FROM (SELECT al.top_k_state(id, sc, 3) AS s FROM (VALUES ('b', 2::float8, 1), ('z', 'NaN', 1),
		('a', 2, 2), ('c', NULL, 2), ('d', 1, 2)) v(id, sc, part) GROUP BY part) x;

-- non-default collations: the states record theirs, the merge keeps it
-- (the arrays are compared as text in "C": their element collations differ)
SELECT (SELECT al.top_k_final_text(al.top_k_merge(st)) FROM (
		SELECT al.top_k_state(t COLLATE "C", s, 1000) AS st FROM mrows GROUP BY part) p)::text COLLATE "C"
	= (SELECT (array_agg(t COLLATE "C" ORDER BY s DESC, t COLLATE "C")
			  FILTER (WHERE s IS NOT NULL))[1:1000] FROM mrows)::text AS c_ok,
	(SELECT al.top_k_final_text(al.top_k_merge(st)) FROM (
		SELECT al.top_k_state(t COLLATE "en-x-icu", s, 1000) AS st FROM mrows GROUP BY part) p)::text COLLATE "C"
	= (SELECT (array_agg(t COLLATE "en-x-icu" ORDER BY s DESC, t COLLATE "en-x-icu")
			  FILTER (WHERE s IS NOT NULL))[1:1000] FROM mrows)::text AS icu_ok,
	(SELECT (array_agg(t COLLATE "C" ORDER BY s DESC, t COLLATE "C") FILTER (WHERE s IS NOT NULL))[1:1000] FROM mrows)::text COLLATE "C"
	<> (SELECT (array_agg(t COLLATE "en-x-icu" ORDER BY s DESC, t COLLATE "en-x-icu")
			   FILTER (WHERE s IS NOT NULL))[1:1000] FROM mrows)::text AS orders_differ,
	(SELECT al.top_k_merge(st)::text FROM (
		SELECT al.top_k_state(t COLLATE "en-x-icu", s, 2) AS st FROM mrows WHERE i <= 40 GROUP BY part) p) AS icu_state;

-- per group, and in a parallel plan (Partial Aggregate of states in the
-- workers, combined by the leader)
CREATE TABLE mstates_many AS
SELECT i % 5 AS g, al.top_k_state(b, s, 50) AS sb
FROM mrows GROUP BY i % 5, i % 400;
ALTER TABLE mstates_many SET (parallel_workers = 2);
ANALYZE mstates_many;
SELECT g, al.top_k_final_bigint(al.top_k_merge(sb)) IS NOT DISTINCT FROM
	(SELECT (array_agg(b ORDER BY s DESC, b) FILTER (WHERE s IS NOT NULL))[1:50] FROM mrows WHERE i % 5 = m.g) AS group_ok
FROM mstates_many m GROUP BY g ORDER BY g;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT al.top_k_merge(sb) FROM mstates_many;
SELECT al.top_k_final_bigint(al.top_k_merge(sb)) IS NOT DISTINCT FROM
	(SELECT (array_agg(b ORDER BY s DESC, b) FILTER (WHERE s IS NOT NULL))[1:50] FROM mrows) AS parallel_ok
FROM mstates_many;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- no rows: a NULL state; rows without a score: an empty state; both merge
-- to a NULL result, as the oracle gives
SELECT al.top_k_state(b, s, 3) IS NULL AS no_rows_null FROM mrows WHERE false;
SELECT al.top_k_state(b, NULL::float8, 3)::text AS no_score_state FROM mrows WHERE i <= 2;
SELECT al.top_k_merge(x)::text AS merged_nulls, al.top_k_final_bigint(al.top_k_merge(x)) AS ids
FROM (VALUES (NULL::al.top_k_state), ('bigint k=3 []'), (NULL)) v(x);
SELECT al.top_k_merge(x) IS NULL AS all_null FROM (VALUES (NULL::al.top_k_state)) v(x);
SELECT al.top_k_final_bigint(al.top_k_merge(x)) AS ids
FROM (VALUES ('bigint k=3 []'::al.top_k_state), ('bigint k=3 [(1,5)]'), ('bigint k=3 [(2,4),(1,6)]')) v(x);

-- errors
SELECT pg_temp.try($$SELECT al.top_k_merge(x)::text FROM (VALUES ('bigint k=3 []'::al.top_k_state), ('bigint k=4 [(1,5)]')) v(x)$$);
SELECT pg_temp.try($$SELECT al.top_k_merge(x)::text FROM (VALUES ('bigint k=3 [(1,5)]'::al.top_k_state), ('text k=3 [(1,"a")]')) v(x)$$);
SELECT pg_temp.try($$SELECT al.top_k_merge(x)::text FROM (VALUES ('text k=3 collation=("pg_catalog","C") [(1,"a")]'::al.top_k_state), ('text k=3 [(1,"b")]')) v(x)$$);
SELECT pg_temp.try($$SELECT al.top_k_final_text(al.top_k_merge(x)) FROM (VALUES ('bigint k=3 [(1,5)]'::al.top_k_state)) v(x)$$);
SELECT pg_temp.try($$SELECT al.top_k_merge(x)::text FROM (VALUES ('bigint k=3 [(1,5)'::al.top_k_state)) v(x)$$);
SELECT pg_temp.try($$SELECT al.top_k_state(b, s, NULL)::text FROM mrows$$);
SELECT pg_temp.try($$SELECT al.top_k_state(b, s, 0)::text FROM mrows$$);
SELECT pg_temp.try($$SELECT al.top_k_state(b, s, (i % 2) + 1)::text FROM mrows$$);
SELECT pg_temp.try($$SELECT al.top_k_state(a.t || b.t, a.s, 2)::text FROM (SELECT t COLLATE "C" AS t, s FROM mrows LIMIT 2) a, (SELECT t COLLATE "en-x-icu" AS t FROM mrows LIMIT 2) b$$);

DROP TABLE mrows, mk, mstates, mstates_many;
