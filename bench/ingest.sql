-- bench/ingest.sql: jsonb ingestion throughput (issue 11): al_ext's
-- constructors against the same conversion written with PostgreSQL's own
-- JSON functions, on 1,000,000 rows (AL_BENCH_INGEST_ROWS) of LLM-style
-- output over 10 classes:
--   arr  a JSON array, the float4 values with their shortest digits
--        (what to_jsonb(al.probvec) writes): the cast jsonb::al.probvec
--   arr2 the same rounded to 2 decimals (sums off by up to 0.05):
--        al.to_probvec(jsonb, tolerance)
--   obj  an object keyed by class name, 2 decimals, classes rounded to 0
--        left out ({"billing": 0.63, ...}): al.to_probvec(jsonb, classes, options)
--   lp   the 5 most likely classes' log-probabilities, 4 decimals
--        ({"billing": -0.4620, ...}): al.logprobs_to_probvec(jsonb, classes)
-- Each conversion is consumed by sum(al.num_classes(...)) over the table (no
-- write).  The plain-SQL ways (jsonb_array_elements_text / jsonb_each, the
-- class list's order, renormalizing, the float8[] cast to al.probvec) follow
-- al_ext's documented rules (README "Getting LLM output into al.probvec"):
-- values read as float4, a sum within 1e-3 of 1 kept as is, else divided by
-- it; log-probabilities renormalized over the classes in the log domain.
-- Both give equal probvecs on a sample of 10,000 rows (checked below).
--
-- `make bench` runs it (section ingest, bench/run_bench.sh) after loading
-- ing_src (id, grp, p) with bench/gen_data.c's pool stream 5.  Timings: in
-- the server (bench.time_query, bench/bench.sql), every case once per
-- round, 3 rounds, medians.
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
\set classes '{billing,bug,feature,account,refund,login,shipping,spam,praise,other}'

CREATE TABLE ing AS
SELECT id, p::jsonb AS arr,
       (SELECT jsonb_agg(round(x::numeric, 2) ORDER BY o) FROM unnest(p::real[]) WITH ORDINALITY u(x, o)) AS arr2,
       (SELECT jsonb_object_agg(c, round(x::numeric, 2)) FROM unnest(:'classes'::text[], p::real[]) u(c, x)
        WHERE round(x::numeric, 2) > 0) AS obj,
       (SELECT jsonb_object_agg(c, round(ln(x)::numeric, 4))
        FROM (SELECT c, x FROM unnest(:'classes'::text[], p::real[]) u(c, x) WHERE x > 0 ORDER BY x DESC LIMIT 5) t) AS lp
FROM ing_src;
VACUUM (FREEZE, ANALYZE) ing;
SELECT pg_prewarm('ing') > 0 AS prewarmed \g /dev/null
SELECT count(*) AS json_rows, round(avg(pg_column_size(arr))) AS arr_bytes, round(avg(pg_column_size(arr2))) AS arr2_bytes,
       round(avg(pg_column_size(obj))) AS obj_bytes, round(avg(pg_column_size(lp))) AS lp_bytes,
       (SELECT obj FROM ing ORDER BY id LIMIT 1) AS first_obj
FROM ing;

-- the plain-SQL conversions, as functions of the row's JSON (inlined by the
-- planner: LANGUAGE sql, one SELECT)
CREATE FUNCTION bench.plain_arr(j jsonb) RETURNS al.probvec LANGUAGE sql IMMUTABLE AS $$
	SELECT array_agg(e::real ORDER BY o)::al.probvec FROM jsonb_array_elements_text(j) WITH ORDINALITY a(e, o) $$;
CREATE FUNCTION bench.plain_arr_norm(j jsonb) RETURNS al.probvec LANGUAGE sql IMMUTABLE AS $$
	SELECT array_agg(CASE WHEN abs(s - 1) <= 1e-3 THEN v ELSE v / s END ORDER BY o)::al.probvec
	FROM (SELECT e::real::float8 AS v, o, sum(e::real::float8) OVER () AS s
	      FROM jsonb_array_elements_text(j) WITH ORDINALITY a(e, o)) t $$;
CREATE FUNCTION bench.plain_keyed(j jsonb, classes text[]) RETURNS al.probvec LANGUAGE sql IMMUTABLE AS $$
	SELECT array_agg(CASE WHEN abs(t.s - 1) <= 1e-3 THEN coalesce(e.v, 0) ELSE coalesce(e.v, 0) / t.s END ORDER BY u.o)::al.probvec
	FROM unnest(classes) WITH ORDINALITY u(c, o)
	LEFT JOIN (SELECT key, value::text::real::float8 AS v FROM jsonb_each(j)) e ON e.key = u.c
	CROSS JOIN (SELECT sum(value::text::real::float8) AS s FROM jsonb_each(j)) t $$;
CREATE FUNCTION bench.plain_logprobs(j jsonb, classes text[]) RETURNS al.probvec LANGUAGE sql IMMUTABLE AS $$
	SELECT array_agg(coalesce(exp(e.v - t.m - ln(t.s)), 0) ORDER BY u.o)::al.probvec
	FROM unnest(classes) WITH ORDINALITY u(c, o)
	LEFT JOIN (SELECT key, value::text::float8 AS v FROM jsonb_each(j)) e ON e.key = u.c
	CROSS JOIN (SELECT m, (SELECT sum(exp(w.v - m)) FROM (SELECT value::text::float8 AS v FROM jsonb_each(j)) w
	                       WHERE w.v IS NOT NULL) AS s
	            FROM (SELECT max(value::text::float8) AS m FROM jsonb_each(j)) mm) t $$;

CREATE TABLE bench.ing_cases (i integer, what text, al boolean, q text);
INSERT INTO bench.ing_cases VALUES
	(1, 'scan: sum(jsonb_array_length(arr))', NULL, 'SELECT sum(jsonb_array_length(arr)) FROM ing'),
	(2, 'array: arr::al.probvec (al.jsonb_to_probvec)', true, 'SELECT sum(al.num_classes(arr::al.probvec)) FROM ing'),
	(3, 'array: plain SQL (jsonb_array_elements_text, real[] cast)', false, 'SELECT sum(al.num_classes(bench.plain_arr(arr))) FROM ing'),
	(4, 'array, 2 decimals: al.to_probvec(arr2, 0.1)', true, 'SELECT sum(al.num_classes(al.to_probvec(arr2, 0.1))) FROM ing'),
	(5, 'array, 2 decimals: plain SQL (elements, sum, divide)', false, 'SELECT sum(al.num_classes(bench.plain_arr_norm(arr2))) FROM ing'),
	(6, 'keyed: al.to_probvec(obj, classes, ''{"tolerance": 0.1}'')', true,
	 format('SELECT sum(al.num_classes(al.to_probvec(obj, %L, ''{"tolerance": 0.1}''))) FROM ing', :'classes')),
	(7, 'keyed: plain SQL (jsonb_each joined to the class list)', false,
	 format('SELECT sum(al.num_classes(bench.plain_keyed(obj, %L))) FROM ing', :'classes')),
	(8, 'logprobs: al.logprobs_to_probvec(lp, classes)', true,
	 format('SELECT sum(al.num_classes(al.logprobs_to_probvec(lp, %L))) FROM ing', :'classes')),
	(9, 'logprobs: plain SQL (jsonb_each, exp, renormalize)', false,
	 format('SELECT sum(al.num_classes(bench.plain_logprobs(lp, %L))) FROM ing', :'classes'));
CREATE TABLE bench.ing_runs (round integer, i integer, ms double precision);

\echo '== ingest: each case once per round, 3 rounds'
INSERT INTO bench.ing_runs SELECT 1, i, bench.time_query(q) FROM bench.ing_cases ORDER BY i;
INSERT INTO bench.ing_runs SELECT 2, i, bench.time_query(q) FROM bench.ing_cases ORDER BY i;
INSERT INTO bench.ing_runs SELECT 3, i, bench.time_query(q) FROM bench.ing_cases ORDER BY i;

SELECT count(*) AS ing_rows FROM ing \gset
\echo '== ingest: jsonb to al.probvec over' :ing_rows 'rows, 10 classes: median of 3 rounds (in the server, consumed by sum(al.num_classes(...)))'
WITH m AS (SELECT i, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms, min(ms) AS lo, max(ms) AS hi
           FROM bench.ing_runs GROUP BY i),
n AS (SELECT count(*) AS rows FROM ing)
SELECT c.i AS "#", c.what AS "case", round(m.ms::numeric) AS "median ms",
       round(m.lo::numeric) || '-' || round(m.hi::numeric) AS "range ms",
       round((n.rows / (m.ms / 1000))::numeric, -3) AS "rows/s",
       round((m.ms / (SELECT ms FROM m WHERE i = 1))::numeric, 2) AS "x scan",
       CASE WHEN c.al THEN round(((SELECT ms FROM m WHERE i = c.i + 1) / m.ms)::numeric, 1) END AS "plain SQL / al_ext"
FROM bench.ing_cases c JOIN m USING (i), n ORDER BY c.i;

\echo '== ingest: the two ways give equal probvecs on 10,000 rows (ids 1..10,000): rows equal as float4, largest difference'
WITH s AS (SELECT * FROM ing WHERE id <= 10000),
d AS (
	SELECT 'array' AS form, arr::al.probvec AS a, bench.plain_arr(arr) AS b FROM s
	UNION ALL SELECT 'array, 2 decimals', al.to_probvec(arr2, 0.1), bench.plain_arr_norm(arr2) FROM s
	UNION ALL SELECT 'keyed', al.to_probvec(obj, :'classes', '{"tolerance": 0.1}'), bench.plain_keyed(obj, :'classes') FROM s
	UNION ALL SELECT 'logprobs', al.logprobs_to_probvec(lp, :'classes'), bench.plain_logprobs(lp, :'classes') FROM s)
SELECT form, count(*) AS rows, count(*) FILTER (WHERE a::real[] = b::real[]) AS equal,
       max((SELECT max(abs(x - y)) FROM unnest(a::real[], b::real[]) u(x, y))) AS max_abs_diff,
       CASE WHEN count(*) FILTER (WHERE a::real[] = b::real[]) = count(*) THEN 'equal' ELSE 'DIFFERENT' END AS "check"
FROM d GROUP BY form ORDER BY form;
-- how far the sources are from the generated float4 probabilities (the rounding LLM APIs do)
SELECT max((SELECT max(abs(x - y)) FROM unnest(g.p::real[], i.arr::al.probvec::real[]) u(x, y))) AS arr_vs_source,
       max((SELECT max(abs(x - y)) FROM unnest(g.p::real[], al.to_probvec(i.obj, :'classes', '{"tolerance": 0.1}')::real[]) u(x, y))) AS keyed_vs_source
FROM ing_src g JOIN ing i USING (id) WHERE g.id <= 10000;
