-- Getting LLM output into al.probvec: the jsonb cast, al.to_probvec (tolerant
-- constructor, arrays, JSON arrays, JSON objects keyed by class),
-- al.logprobs_to_probvec, the checks al.probvec_problem / al.logprobs_problem,
-- and JSON output.  Every value is checked by hand or against a plain-SQL
-- computation; every error with its SQLSTATE and message.
-- try(sql) runs a statement and shows its result, or its SQLSTATE and message
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try
-- the detail of the error of sql (the offending value)
CREATE FUNCTION pg_temp.detail(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	d text;
BEGIN
	EXECUTE sql;
	RETURN 'no error';
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
	RETURN d;
END $$;

-- ---------------------------------------------------------------------------
-- the cast jsonb -> al.probvec: a JSON array, the rules of the array casts
-- ---------------------------------------------------------------------------
SELECT '[0.1, 0.2, 0.7]'::jsonb::al.probvec AS cast,
       '[1]'::jsonb::al.probvec AS one_class,
       '[0.5, 0.4995]'::jsonb::al.probvec AS kept_as_given,
       '[2.5e-1, 0.75]'::jsonb::al.probvec(2) AS typmod;
-- the nearest float4 of each number, as real does
SELECT '[0.1, 0.9]'::jsonb::al.probvec::real[] = ARRAY[0.1::real, 0.9::real] AS same_as_real;
-- assignment cast: a jsonb column into a probvec column
CREATE TABLE pi_assign (p al.probvec(3));
INSERT INTO pi_assign SELECT '[0.2, 0.3, 0.5]'::jsonb;
SELECT p FROM pi_assign;
DROP TABLE pi_assign;
SELECT v AS input, pg_temp.try(format('SELECT %L::jsonb::al.probvec::text', v)) AS cast
FROM unnest(ARRAY[
	'[0.5, 0.4]',				-- sum off by more than 1e-3
	'[0.5, -0.1, 0.6]',			-- negative
	'[1.5, 0]',					-- above 1
	'[1e400, 0]',				-- beyond double precision
	'[0.5, null]',
	'[0.5, "0.5"]',
	'[0.5, [0.5]]',
	'[0.5, {"a": 0.5}]',
	'[true]',
	'[]',
	'{"a": 1}',
	'0.5',
	'"[0.5,0.5]"',
	'null'
]) v;
SELECT pg_temp.try($$SELECT '[0.5, 0.5]'::jsonb::al.probvec(3)::text$$) AS typmod_mismatch;
-- 32767 classes, and 32768
SELECT al.num_classes(('[1' || repeat(', 0', 32766) || ']')::jsonb::al.probvec) AS n32767;
SELECT pg_temp.try($$SELECT ('[1' || repeat(', 0', 32767) || ']')::jsonb::al.probvec::text$$) AS n32768;
-- the error names the value so the row can be found (long values are cut)
SELECT pg_temp.detail($$SELECT '[0.5, 0.4]'::jsonb::al.probvec$$) AS detail;
SELECT pg_temp.detail($$SELECT ('[0.5' || repeat(', 0.0001', 100) || ']')::jsonb::al.probvec$$) AS long_detail;

-- ---------------------------------------------------------------------------
-- JSON output, and round trips probvec -> JSON -> probvec bit for bit
-- ---------------------------------------------------------------------------
SELECT '[0.1,0.2,0.7]'::al.probvec::jsonb AS jsonb, '[0.1,0.2,0.7]'::al.probvec::json AS json,
       to_jsonb('[0.25,0.75]'::al.probvec) AS to_jsonb, to_json('[0.25,0.75]'::al.probvec) AS to_json,
       jsonb_build_object('p', '[0.25,0.75]'::al.probvec) AS in_object,
       to_jsonb(ARRAY['[0.25,0.75]', '[1,0]']::al.probvec[]) AS committee;
SELECT jsonb_typeof(to_jsonb('[0.25,0.75]'::al.probvec)) AS is_array,
       jsonb_typeof(to_jsonb('[0.25,0.75]'::al.probvec) -> 0) AS of_numbers;
-- keyed by class (jsonb orders keys its own way: shorter first)
SELECT al.probvec_to_jsonb('[0.1,0.2,0.7]', ARRAY['billing', 'bug', 'feature request']) AS keyed,
       al.probvec_to_jsonb('[1]', ARRAY['say "hi"']) AS quoted;
SELECT pg_temp.try($$SELECT al.probvec_to_jsonb('[0.5,0.5]', ARRAY['a'])::text$$) AS too_few,
       pg_temp.try($$SELECT al.probvec_to_jsonb('[0.5,0.5]', ARRAY['a', 'a'])::text$$) AS twice,
       pg_temp.try($$SELECT al.probvec_to_jsonb('[0.5,0.5]', ARRAY['a', NULL])::text$$) AS null_class,
       pg_temp.try($$SELECT al.probvec_to_jsonb('[0.5,0.5]', ARRAY[['a'], ['b']])::text$$) AS two_dims,
       pg_temp.try($$SELECT al.probvec_to_jsonb('[0.5,0.5]', '{}'::text[])::text$$) AS no_class;
-- 2,000 random distributions (with values down to 1e-10, and denormals),
-- through jsonb, json, to_jsonb, keyed jsonb and back: the same bytes
SELECT setseed(0.25);
CREATE TABLE pi_rand AS
SELECT i, ARRAY[a / s, b / s, c / s, d / s, 0]::al.probvec AS p
FROM (SELECT i, a, b, c, d, a + b + c + d AS s
      FROM (SELECT i, random() a, random() b, random() c, random() * 1e-6 * random() ^ 4 d
            FROM generate_series(1, 2000) i) r) w;
INSERT INTO pi_rand VALUES (0, '[1,1e-45,1.1754942e-38,0]'), (-1, '[0.99999994,5.9604645e-08]');
SELECT count(*) AS rows,
       count(*) FILTER (WHERE al.probvec_send(p::jsonb::al.probvec) <> al.probvec_send(p)) AS jsonb_diffs,
       count(*) FILTER (WHERE al.probvec_send(p::json::jsonb::al.probvec) <> al.probvec_send(p)) AS json_diffs,
       count(*) FILTER (WHERE al.probvec_send(to_jsonb(p)::al.probvec) <> al.probvec_send(p)) AS to_jsonb_diffs,
       count(*) FILTER (WHERE al.probvec_send(al.to_probvec(p::jsonb)) <> al.probvec_send(p)) AS to_probvec_diffs,
       count(*) FILTER (WHERE al.probvec_send(al.to_probvec(al.probvec_to_jsonb(p, c), c)) <> al.probvec_send(p)) AS keyed_diffs,
       count(*) FILTER (WHERE p::json::text <> p::text) AS json_digits_diffs
FROM (SELECT p, (ARRAY['a', 'b', 'c', 'd', 'e'])[1:al.num_classes(p)] AS c FROM pi_rand) r;
-- the denormals came through
SELECT p, p::jsonb FROM pi_rand WHERE i <= 0 ORDER BY i;
DROP TABLE pi_rand;

-- ---------------------------------------------------------------------------
-- al.to_probvec: values that almost sum to 1 (default tolerance 0.05)
-- ---------------------------------------------------------------------------
-- by hand: 0.33f = 0.33000001311, three of them sum to 0.99000003934; each
-- divided by the sum is 0.33333334 (the float nearest 1/3)
SELECT al.to_probvec(ARRAY[0.33, 0.33, 0.33]) AS numeric_,
       al.to_probvec(ARRAY[0.33, 0.33, 0.33]::real[]) AS real_,
       al.to_probvec(ARRAY[0.33, 0.33, 0.33]::float8[]) AS float8_,
       al.to_probvec('[0.33, 0.33, 0.33]'::jsonb) AS jsonb_;
-- 0.6 + 0.3 = 0.9 is beyond 0.05, within 0.1: [0.6/0.9, 0.3/0.9] = [2/3, 1/3]
SELECT pg_temp.try($$SELECT al.to_probvec(ARRAY[0.6, 0.3])::text$$) AS default_tolerance,
       al.to_probvec(ARRAY[0.6, 0.3], 0.1) AS tolerance_01,
       al.to_probvec(ARRAY[0.6, 0.3], tolerance => 0.1) AS named;
-- a sum within 1e-3 is kept as given (what the cast stores), bit for bit
SELECT al.to_probvec(ARRAY[0.5, 0.4995]) AS kept,
       al.probvec_send(al.to_probvec(ARRAY[0.5, 0.4995])) = al.probvec_send(ARRAY[0.5, 0.4995]::al.probvec) AS same_bits;
-- one class, and 1.03 / 0.97
SELECT al.to_probvec(ARRAY[0.97]) AS one_class, pg_temp.try($$SELECT al.to_probvec(ARRAY[1.03])::text$$) AS above_one;
-- against a plain SQL computation over the JSON elements: each value as
-- real, divided (in double) by the sum of the reals, rounded to real
CREATE TABLE pi_renorm AS
SELECT i, jsonb_agg(round(w / s, 2) ORDER BY j) AS j
FROM (SELECT i, j, w, sum(w) OVER (PARTITION BY i) AS s
      FROM (SELECT i, j, random()::numeric AS w
            FROM generate_series(1, 500) i, generate_series(1, 2 + i % 9) j) r) t
GROUP BY i;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE al.probvec_problem(j, 0.05) IS NULL) AS accepted,
       count(*) FILTER (WHERE al.probvec_problem(j, 0.05) IS NULL
                        AND abs((SELECT sum(e::numeric::real::float8) FROM jsonb_array_elements(j) e) - 1) > 1e-3) AS renormalized,
       count(*) FILTER (WHERE al.probvec_problem(j, 0.05) IS NULL AND al.to_probvec(j)::real[] IS DISTINCT FROM
           CASE WHEN abs(s - 1) > 1e-3
                THEN ARRAY(SELECT (e::numeric::real::float8 / s)::real FROM jsonb_array_elements(j) WITH ORDINALITY a(e, o) ORDER BY o)
                ELSE ARRAY(SELECT e::numeric::real FROM jsonb_array_elements(j) WITH ORDINALITY a(e, o) ORDER BY o) END) AS sql_diffs
FROM (SELECT i, j, (SELECT sum(e::numeric::real::float8 ORDER BY o) FROM jsonb_array_elements(j) WITH ORDINALITY a(e, o)) AS s
      FROM pi_renorm) t;
DROP TABLE pi_renorm;
-- the boundary is decided by the sum of the float4 values, as stored:
-- 0.7 + 0.29 as reals sum to 0.98999997973, 0.0100000203 off
SELECT (0.7::real::float8 + 0.29::real::float8) AS float_sum,
       pg_temp.try($$SELECT al.to_probvec(ARRAY[0.7, 0.29], 0.01)::text$$) AS at_001,
       al.to_probvec(ARRAY[0.7, 0.29], 0.0101) AS at_00101;
-- the message never shows a sum that looks within the tolerance: 0.5 + 0.45
-- as reals is 0.94999998808, so not "0.95"
SELECT pg_temp.try($$SELECT al.to_probvec(ARRAY[0.5, 0.45])::text$$) AS looks_within;
-- every error, with the value named in the detail
SELECT v AS input, pg_temp.try(format('SELECT al.to_probvec(%s)::text', v)) AS to_probvec
FROM unnest(ARRAY[
	'ARRAY[0.5, 0.3]',
	'ARRAY[0.5, -0.01, 0.51]',
	'ARRAY[0.5, 1.01]',
	'ARRAY[''NaN'', 1]::float8[]',
	'ARRAY[''Infinity'', 0]::real[]',
	'ARRAY[''NaN'', 1]::numeric[]',
	'ARRAY[1e400, 0]',
	'ARRAY[0.5, NULL]',
	'ARRAY[[0.5], [0.5]]',
	'''{}''::float8[]',
	'''[0.5, "x"]''::jsonb',
	'''{"a": 1}''::jsonb',
	'ARRAY[0.5, 0.5], -0.1',
	'ARRAY[0.5, 0.5], 1',
	'ARRAY[0.5, 0.5], ''NaN''',
	'ARRAY[0.5, 0.5], ''Infinity'''
]) v;
SELECT pg_temp.detail($$SELECT al.to_probvec(ARRAY[0.5, 0.3])$$) AS array_detail,
       pg_temp.detail($$SELECT al.to_probvec('[0.5, 0.3]'::jsonb)$$) AS jsonb_detail;
-- a whole table: the error names the row's value
CREATE TABLE pi_rows (id int, j jsonb);
INSERT INTO pi_rows VALUES (1, '[0.5, 0.5]'), (2, '[0.34, 0.33, 0.33]'), (3, '[0.7, 0.2]'), (4, '[0.5, 0.49]');
SELECT pg_temp.try($$SELECT count(al.to_probvec(j))::text FROM pi_rows$$) AS over_table,
       pg_temp.detail($$SELECT al.to_probvec(j) FROM pi_rows$$) AS detail;
SELECT id, al.probvec_problem(j) FROM pi_rows WHERE al.probvec_problem(j) IS NOT NULL;
DROP TABLE pi_rows;
-- 32767 classes (0.00003 each sums to 0.98301: renormalized) and 32768
SELECT al.num_classes(p) AS n, round((p::float8[])[1]::numeric * 32767, 5) AS first_times_n
FROM (SELECT al.to_probvec(array_fill(0.00003, ARRAY[32767]), 0.02) AS p) t;
SELECT pg_temp.try($$SELECT al.to_probvec(array_fill(0.00003, ARRAY[32768]), 0.02)::text$$) AS n32768;

-- ---------------------------------------------------------------------------
-- al.to_probvec(object, classes, options): objects keyed by class name
-- ---------------------------------------------------------------------------
SELECT al.to_probvec('{"billing": 0.63, "bug": 0.30, "feature": 0.07}', ARRAY['billing', 'bug', 'feature']) AS all_keys,
       al.to_probvec('{"bug": 0.25, "billing": 0.75}', ARRAY['billing', 'bug', 'feature']) AS missing_is_0,
       al.to_probvec('{"billing": 0.6, "bug": 0.37}', ARRAY['billing', 'bug']) AS renormalized;
-- by hand: 0.6 / 0.97 and 0.37 / 0.97 as reals
SELECT (0.6::real::float8 / (0.6::real::float8 + 0.37::real::float8))::real AS billing,
       (0.37::real::float8 / (0.6::real::float8 + 0.37::real::float8))::real AS bug;
-- options: unknown keys ignored, trim, tolerance
SELECT al.to_probvec('{"billing": 0.5, "bug": 0.5, "spam": 0.2}', ARRAY['billing', 'bug'], '{"unknown": "ignore"}') AS ignore_unknown,
       al.to_probvec('{" billing": 0.5, "bug\n": 0.5}', ARRAY['billing', 'bug'], '{"trim": true}') AS trimmed,
       al.to_probvec('{" bug": 0.25, "bug": 0.25, "billing": 0.5}', ARRAY['billing', 'bug'], '{"trim": true}') AS keys_of_one_class_add,
       al.to_probvec('{"billing": 0.5, "bug": 0.4}', ARRAY['billing', 'bug'], '{"tolerance": 0.1}') AS tolerance;
-- case-sensitive, byte for byte
SELECT pg_temp.try($$SELECT al.to_probvec('{"Billing": 1}', ARRAY['billing', 'bug'])::text$$) AS case_sensitive,
       pg_temp.try($$SELECT al.to_probvec('{" billing": 1}', ARRAY['billing', 'bug'])::text$$) AS untrimmed;
-- every error of the value, and of the call
SELECT v AS input, pg_temp.try(format('SELECT al.to_probvec(%s)::text', v)) AS keyed
FROM unnest(ARRAY[
	'''{"billing": 0.5, "bugz": 0.5}'', ARRAY[''billing'', ''bug'']',
	'''{"billing": 0.5, "bug": null}'', ARRAY[''billing'', ''bug'']',
	'''{"billing": 0.5, "bug": "0.5"}'', ARRAY[''billing'', ''bug'']',
	'''{"billing": 0.5, "bug": [0.5]}'', ARRAY[''billing'', ''bug'']',
	'''{"billing": 0.5, "bug": -0.5}'', ARRAY[''billing'', ''bug'']',
	'''{"billing": 0.5, "bug": 1e400}'', ARRAY[''billing'', ''bug'']',
	'''{" bug": 0.7, "bug": 0.7}'', ARRAY[''billing'', ''bug''], ''{"trim": true, "tolerance": 0.5}''',
	'''{"billing": 0.5}'', ARRAY[''billing'', ''bug'']',
	'''{}'', ARRAY[''billing'', ''bug'']',
	'''[0.5, 0.5]'', ARRAY[''billing'', ''bug'']',
	'''0.5'', ARRAY[''billing'', ''bug'']',
	'''{"a": 1}'', ARRAY[''a'', ''b'', ''a'']',
	'''{"a": 1}'', ARRAY[''a'', NULL]',
	'''{"a": 1}'', ''{}''::text[]',
	'''{"a": 1}'', ARRAY[[''a''], [''b'']]',
	'''{"a": 1}'', ARRAY[''a''], ''{"tolerance": 1}''',
	'''{"a": 1}'', ARRAY[''a''], ''{"tolerance": "0.1"}''',
	'''{"a": 1}'', ARRAY[''a''], ''{"unknown": "skip"}''',
	'''{"a": 1}'', ARRAY[''a''], ''{"trim": "yes"}''',
	'''{"a": 1}'', ARRAY[''a''], ''{"rest": "other"}''',
	'''{"a": 1}'', ARRAY[''a''], ''[]'''
]) v;
SELECT pg_temp.try($$SELECT al.to_probvec('{"a": 1}', array_fill('x'::text, ARRAY[32768]))::text$$) AS n32768;
SELECT pg_temp.detail($$SELECT al.to_probvec('{"billing": 0.5, "bugz": 0.5}', ARRAY['billing', 'bug'])$$) AS detail;

-- ---------------------------------------------------------------------------
-- al.probvec_problem: NULL exactly when the constructor accepts, else the
-- message of the constructor's error (one check per rule, shared)
-- ---------------------------------------------------------------------------
SELECT al.probvec_problem(ARRAY[0.5, 0.5]) AS valid,
       al.probvec_problem(ARRAY[0.5, 0.4]) AS bad_sum,
       al.probvec_problem(ARRAY[0.5, 0.4], 0.2) AS wider,
       al.probvec_problem(ARRAY[0.5, 0.4995], 0.001) AS as_the_cast,
       al.probvec_problem('[0.5, -0.5]'::jsonb) AS negative,
       al.probvec_problem('{"a": 0.5, "c": 0.5}', ARRAY['a', 'b']) AS unknown_key;
-- the problem functions raise for a bad call, as the constructors do
SELECT pg_temp.try($$SELECT al.probvec_problem(ARRAY[0.5, 0.5], 2)$$) AS bad_tolerance,
       pg_temp.try($$SELECT al.probvec_problem('{"a": 1}', ARRAY['a', 'a'])$$) AS duplicate_class,
       pg_temp.try($$SELECT al.probvec_problem('{"a": 1}', ARRAY['a'], '{"nope": 1}')$$) AS bad_option;
-- the same text: for every input above, the constructor's error message is
-- the problem (and the constructor succeeds exactly when there is none)
CREATE TABLE pi_inputs (form text, args text);
INSERT INTO pi_inputs
SELECT 'array', v FROM unnest(ARRAY['ARRAY[0.5, 0.5]', 'ARRAY[0.5, 0.3]', 'ARRAY[0.5, -0.01, 0.51]', 'ARRAY[0.5, 1.01]',
	'ARRAY[''NaN'', 1]::float8[]', 'ARRAY[''Infinity'', 0]::real[]', 'ARRAY[''NaN'', 1]::numeric[]', 'ARRAY[1e400, 0]',
	'ARRAY[0.5, NULL]', 'ARRAY[[0.5], [0.5]]', '''{}''::float8[]', 'ARRAY[0.6, 0.3], 0.1', 'ARRAY[0.7, 0.29], 0.01',
	'''[0.5, "x"]''::jsonb', '''{"a": 1}''::jsonb', '''[0.5, 0.45]''::jsonb', '''null''::jsonb', '''[]''::jsonb',
	'''[0.5, 0.5]''::jsonb, 0']) v
UNION ALL
SELECT 'keyed', v FROM unnest(ARRAY['''{"billing": 0.5, "bugz": 0.5}'', ARRAY[''billing'', ''bug'']',
	'''{"billing": 0.5, "bug": null}'', ARRAY[''billing'', ''bug'']', '''{"billing": 0.5, "bug": true}'', ARRAY[''billing'', ''bug'']',
	'''{"billing": 0.5, "bug": -0.5}'', ARRAY[''billing'', ''bug'']', '''{"billing": 0.5}'', ARRAY[''billing'', ''bug'']',
	'''{"billing": 0.5, "bug": 0.5}'', ARRAY[''billing'', ''bug'']', '''[0.5, 0.5]'', ARRAY[''billing'', ''bug'']',
	'''{" bug": 0.7, "bug": 0.7}'', ARRAY[''billing'', ''bug''], ''{"trim": true, "tolerance": 0.5}''']) v;
SELECT form, args,
       pg_temp.try(format('SELECT al.to_probvec(%s)::text', args)) AS constructor,
       pg_temp.try(format('SELECT al.probvec_problem(%s)', args)) AS problem
FROM pi_inputs
WHERE pg_temp.try(format('SELECT al.to_probvec(%s)::text', args)) ~ '^ok'
      IS DISTINCT FROM (pg_temp.try(format('SELECT al.probvec_problem(%s)', args)) = 'ok: NULL')
   OR (pg_temp.try(format('SELECT al.to_probvec(%s)::text', args)) !~ '^ok'
       AND substr(pg_temp.try(format('SELECT al.to_probvec(%s)::text', args)), 8)
           <> substr(pg_temp.try(format('SELECT al.probvec_problem(%s)', args)), 5));
SELECT count(*) AS inputs_checked FROM pi_inputs;
DROP TABLE pi_inputs;

-- 5,000 LLM-like outputs: softmax of random logits over 2 to 8 classes,
-- rounded to two decimals as a model's JSON prints them; one in 25 damaged
-- (a negative, a value above 1, a null, a string, a dropped element).
SELECT setseed(0.11);
CREATE TABLE pi_llm AS
SELECT i, CASE i % 25
       WHEN 1 THEN jsonb_set(j, '{0}', '-0.05')
       WHEN 2 THEN jsonb_set(j, '{0}', '1.2')
       WHEN 3 THEN jsonb_set(j, '{1}', 'null')
       WHEN 4 THEN jsonb_set(j, '{1}', '"0.3"')
       WHEN 5 THEN j - 0
       ELSE j END AS j
FROM (SELECT i, jsonb_agg(round(e / s, 2) ORDER BY k) AS j
      FROM (SELECT i, k, e, sum(e) OVER (PARTITION BY i) AS s
            FROM (SELECT i, k, exp(3 * random())::numeric AS e
                  FROM generate_series(1, 5000) i, generate_series(1, 2 + i % 7) k) r) t
      GROUP BY i) w;
-- the independent predicate: not all numbers, a number outside [0, 1], or a
-- sum of the values as real (what is stored) off by more than the tolerance
CREATE FUNCTION pg_temp.bad(j jsonb, tolerance float8) RETURNS boolean LANGUAGE sql AS $$
	SELECT bool_or(jsonb_typeof(e) <> 'number')
	    OR bool_or(jsonb_typeof(e) = 'number' AND (e::numeric < 0 OR e::numeric > 1))
	    OR abs(sum(CASE WHEN jsonb_typeof(e) = 'number' THEN e::numeric::real::float8 END) - 1) > tolerance
	FROM jsonb_array_elements(j) e
$$;
SELECT t AS tolerance, count(*) AS rows,
       count(*) FILTER (WHERE al.probvec_problem(j, t) IS NOT NULL) AS problems,
       count(*) FILTER (WHERE pg_temp.bad(j, t)) AS by_sql,
       count(*) FILTER (WHERE (al.probvec_problem(j, t) IS NOT NULL) <> pg_temp.bad(j, t)) AS disagree
FROM pi_llm, (VALUES (0.001::float8), (0.02), (0.05)) tt(t)
GROUP BY t ORDER BY t;
-- the reasons, counted (the strict rule of the cast: tolerance 0.001)
SELECT regexp_replace(al.probvec_problem(j, 0.001), '[0-9.e+-]+$|position [0-9]+', '#', 'g') AS reason, count(*)
FROM pi_llm WHERE al.probvec_problem(j, 0.001) IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1;
-- with the default tolerance the problems left are the 800 damaged rows
-- and rows that lost an element (5 mod 25) or whose rounding errs beyond
-- 0.05; the constructor loads the rest
SELECT count(*) FILTER (WHERE al.probvec_problem(j) IS NOT NULL) AS problems,
       count(*) FILTER (WHERE al.probvec_problem(j) IS NOT NULL AND i % 25 NOT IN (1, 2, 3, 4)) AS undamaged_problems,
       (SELECT count(al.to_probvec(j)) FROM pi_llm WHERE al.probvec_problem(j) IS NULL) AS loaded
FROM pi_llm;
-- where the decimals sum to exactly 1 - tolerance or 1 + tolerance, the
-- sum of the reals decides, either way (README.md: leave some slack)
SELECT count(*) AS decimal_boundary_rows,
       count(*) FILTER (WHERE al.probvec_problem(j, 0.02) IS NULL) AS accepted_at_002
FROM pi_llm
WHERE i % 25 NOT IN (1, 2, 3, 4)
  AND abs((SELECT sum(e::numeric) FROM jsonb_array_elements(j) e) - 1) = 0.02;
DROP TABLE pi_llm;

-- ---------------------------------------------------------------------------
-- al.logprobs_to_probvec: label-token log-probabilities (top logprobs)
-- ---------------------------------------------------------------------------
-- by hand: e^-0.2 = 0.81873075, e^-2.3 = 0.10025884; renormalized:
-- 0.81873075 / 0.91898959 = 0.89090318, 0.10025884 / 0.91898959 = 0.10909682
SELECT al.logprobs_to_probvec('{"billing": -0.2, "bug": -2.3}', ARRAY['billing', 'bug']) AS renormalize,
       al.logprobs_to_probvec('{"billing": -0.2, "bug": -2.3, "The": -3}', ARRAY['billing', 'bug', 'feature']) AS non_class_dropped;
-- rest "other": the other classes keep exp(logprob), "other" gets the rest:
-- 1 - 0.81873075 - 0.10025884 = 0.08101041
SELECT al.logprobs_to_probvec('{"billing": -0.2, "bug": -2.3, "The": -3}', ARRAY['billing', 'bug', 'other'],
                              '{"rest": "other"}') AS to_other,
       al.logprobs_to_probvec('{"billing": -0.2, "bug": -2.3}', ARRAY['unsure', 'billing', 'bug'],
                              '{"rest": "other", "other": "unsure"}') AS named_other;
-- rest "absent": the unseen tail 1 - e^-0.1 - e^-2.5 = 0.01307758 split by
-- the two classes without a token; "The" (e^-2.5) dropped:
-- billing 0.90483742 / 0.91791500 = 0.98575294, bug = feature = 0.00712353
SELECT al.logprobs_to_probvec('{"billing": -0.1, "The": -2.5}', ARRAY['billing', 'bug', 'feature'],
                              '{"rest": "absent"}') AS absent;
-- the OpenAI form, an array of {"token", "logprob", ...}; leading spaces
-- trimmed; tokens of one class add up: e^-0.5 + e^-1.5 = 0.60653066 +
-- 0.22313016 = 0.82966082; the rest, 0.17033918, to "bug" (its own token
-- e^-3 is part of the rest)
SELECT al.logprobs_to_probvec('[{"token": " billing", "logprob": -0.5, "bytes": [32, 98]},
                                {"token": "billing", "logprob": -1.5, "bytes": [98]},
                                {"token": " bug", "logprob": -3}]', ARRAY['billing', 'bug'],
                              '{"trim": true, "rest": "other", "other": "bug"}') AS openai_form;
-- -Infinity (a number beyond double: -1e400) is probability 0
SELECT al.logprobs_to_probvec('{"billing": -1e400, "bug": -0.1}', ARRAY['billing', 'bug']) AS minus_infinity,
       al.logprobs_to_probvec('{"billing": -1000, "bug": -1001}', ARRAY['billing', 'bug']) AS far_below_exp_range;
-- against exp() and sum() in SQL: 1,000 rows of random top logprobs over
-- classes a..e and non-class tokens, each mode
SELECT setseed(0.7);
CREATE TABLE pi_lp AS
SELECT i, jsonb_object_agg(tok, lp) AS lp
FROM (SELECT DISTINCT ON (i, tok) i, tok, lp
      FROM generate_series(1, 1000) i, generate_series(1, 5) n,
           LATERAL (SELECT (ARRAY['a', 'b', 'c', 'd', 'e', 'x', 'y', 'The'])[1 + floor(random() * 8)::int] || left(n::text, 0) AS tok,
                           round((-0.3 - 5 * random())::numeric, 4) AS lp) t
      ORDER BY i, tok, lp) r
GROUP BY i;
-- exp() of each token's log-probability, per class (NULL: no token)
CREATE FUNCTION pg_temp.class_p(lp jsonb, c text) RETURNS float8 LANGUAGE sql AS $$
	SELECT exp((lp ->> c)::float8)
$$;
CREATE FUNCTION pg_temp.expected(lp jsonb, mode text) RETURNS float8[] LANGUAGE sql AS $$
	WITH p AS (SELECT c, o, pg_temp.class_p(lp, c) AS p FROM unnest(ARRAY['a', 'b', 'c', 'd', 'e']) WITH ORDINALITY u(c, o)),
	     tot AS (SELECT sum(exp(v::text::float8)) AS total FROM jsonb_each(lp) e(k, v)),
	     m AS (SELECT c, o, CASE
	               WHEN mode = 'other' AND c = 'e' THEN greatest(1 - (SELECT coalesce(sum(p), 0) FROM p WHERE c <> 'e'), 0)
	               WHEN mode = 'absent' AND p IS NULL THEN greatest(1 - (SELECT total FROM tot), 0) / (SELECT count(*) FROM p WHERE p IS NULL)
	               ELSE coalesce(p, 0) END AS m FROM p)
	SELECT array_agg(m / nullif((SELECT sum(m) FROM m), 0) ORDER BY o) FROM m
$$;
SELECT mode,
       count(*) FILTER (WHERE al.logprobs_problem(lp, ARRAY['a', 'b', 'c', 'd', 'e'], jsonb_build_object('rest', mode, 'other', 'e')) IS NULL) AS converted,
       count(*) FILTER (WHERE al.logprobs_problem(lp, ARRAY['a', 'b', 'c', 'd', 'e'], jsonb_build_object('rest', mode, 'other', 'e')) IS NOT NULL) AS refused,
       max((SELECT max(abs(g - w)) FROM unnest(al.logprobs_to_probvec(lp, ARRAY['a', 'b', 'c', 'd', 'e'], jsonb_build_object('rest', mode, 'other', 'e'))::float8[],
                                             pg_temp.expected(lp, mode)) u(g, w)))
           FILTER (WHERE al.logprobs_problem(lp, ARRAY['a', 'b', 'c', 'd', 'e'], jsonb_build_object('rest', mode, 'other', 'e')) IS NULL) < 1e-7 AS within_1e7
FROM pi_lp, unnest(ARRAY['renormalize', 'other', 'absent']) mode
GROUP BY mode ORDER BY mode;
-- the refusals are the rows SQL finds: no class token (renormalize), sum of
-- exp() beyond 1.05 (other, absent)
SELECT count(*) FILTER (WHERE (al.logprobs_problem(lp, ARRAY['a', 'b', 'c', 'd', 'e']) IS NOT NULL)
                              <> NOT (lp ?| ARRAY['a', 'b', 'c', 'd', 'e'])) AS renormalize_disagree,
       count(*) FILTER (WHERE (al.logprobs_problem(lp, ARRAY['a', 'b', 'c', 'd', 'e'], '{"rest": "absent"}') IS NOT NULL)
                              <> ((SELECT sum(exp(v::text::float8)) FROM jsonb_each(lp) e(k, v)) > 1.05
                                  OR (NOT (lp ?| ARRAY['a', 'b', 'c', 'd', 'e'])
                                      AND (SELECT sum(exp(v::text::float8)) FROM jsonb_each(lp) e(k, v)) >= 1))) AS absent_disagree
FROM pi_lp;
DROP TABLE pi_lp;
-- every error, raised and as a problem (the same text)
SELECT v AS input, pg_temp.try(format('SELECT al.logprobs_to_probvec(%s)::text', v)) AS logprobs,
       pg_temp.try(format('SELECT al.logprobs_problem(%s)', v)) AS problem
FROM unnest(ARRAY[
	'''{"billing": -0.2, "bug": 0.3}'', ARRAY[''billing'', ''bug'']',
	'''{"billing": -0.2, "bug": null}'', ARRAY[''billing'', ''bug'']',
	'''{"billing": -0.2, "bug": "-Infinity"}'', ARRAY[''billing'', ''bug'']',
	'''{"billing": -0.2, "bug": 1e400}'', ARRAY[''billing'', ''bug'']',
	'''{"The": -0.2, " billing": -2}'', ARRAY[''billing'', ''bug'']',
	'''{}'', ARRAY[''billing'', ''bug'']',
	'''{"billing": -1e400, "bug": -1e400}'', ARRAY[''billing'', ''bug'']',
	'''{"billing": -0.01, "bug": -0.5}'', ARRAY[''billing'', ''bug'', ''other''], ''{"rest": "other"}''',
	'''{"billing": -0.01, "The": -0.5}'', ARRAY[''billing'', ''bug''], ''{"rest": "absent"}''',
	'''{"The": 0}'', ARRAY[''billing'', ''bug''], ''{"rest": "absent"}''',
	'''[{"token": "billing", "logprob": -0.2}, {"token": "bug"}]'', ARRAY[''billing'', ''bug'']',
	'''[{"token": "billing", "logprob": -0.2}, ["bug", -1]]'', ARRAY[''billing'', ''bug'']',
	'''[{"token": 7, "logprob": -0.2}]'', ARRAY[''billing'', ''bug'']',
	'''-0.5'', ARRAY[''billing'', ''bug'']',
	'''{"a": -0.1}'', ARRAY[''a'', ''b''], ''{"rest": "other"}''',
	'''{"a": -0.1}'', ARRAY[''a'', ''b''], ''{"rest": "other", "other": "c"}''',
	'''{"a": -0.1}'', ARRAY[''a'', ''b''], ''{"rest": "elsewhere"}''',
	'''{"a": -0.1}'', ARRAY[''a'', ''b''], ''{"other": 3}''',
	'''{"a": -0.1}'', ARRAY[''a'', ''b''], ''{"unknown": "ignore"}''',
	'''{"a": -0.1}'', ARRAY[''a'', ''a'']'
]) v;
SELECT pg_temp.detail($$SELECT al.logprobs_to_probvec('{"The": -0.2}', ARRAY['billing', 'bug'])$$) AS detail;
-- 32767 classes
SELECT al.num_classes(al.logprobs_to_probvec('{"c32767": -0.5}', ARRAY(SELECT 'c' || i FROM generate_series(1, 32767) i),
                                             '{"rest": "absent"}')) AS n32767;

-- ---------------------------------------------------------------------------
-- random JSON never crashes, and problem and constructor always agree
-- ---------------------------------------------------------------------------
SELECT setseed(0.3);
CREATE FUNCTION pg_temp.rjson(depth int) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	r float8 := random();
BEGIN
	IF depth > 2 OR r < 0.45 THEN
		RETURN (ARRAY['0', '1', '0.5', '-0.5', '0.25', '1e400', '-1e400', '1e-50', '-0', '2', 'null', 'true',
		              '"a"', '"b"', '" a"', '""', '0.333', '-3'])[1 + floor(random() * 18)::int]::jsonb;
	ELSIF r < 0.75 THEN
		RETURN coalesce((SELECT jsonb_agg(pg_temp.rjson(depth + 1)) FROM generate_series(1, floor(random() * 5)::int)), '[]');
	ELSE
		RETURN coalesce((SELECT jsonb_object_agg((ARRAY['a', 'b', ' a', 'c', 'token', 'logprob', ''])[1 + floor(random() * 7)::int],
		                                         pg_temp.rjson(depth + 1))
		                 FROM generate_series(1, floor(random() * 5)::int)), '{}');
	END IF;
END $$;
-- and (almost) valid ones: 2 to 4 numbers of a few, as an array or keyed
CREATE FUNCTION pg_temp.near(keyed boolean) RETURNS jsonb LANGUAGE sql AS $$
	SELECT CASE WHEN keyed THEN jsonb_object_agg((ARRAY['a', 'b', ' a', 'c', 'b '])[1 + floor(random() * 5)::int], v)
	            ELSE jsonb_agg(v) END
	FROM (SELECT (ARRAY['0.5', '0.25', '0.49', '0.51', '0.333', '0.334', '0', '1', '0.2', '-0.0', '-0.1', '-2', '-1e400', '0.02'])
	             [1 + floor(random() * 14)::int]::jsonb AS v
	      FROM generate_series(1, 2 + floor(random() * 3)::int)) n
$$;
CREATE TABLE pi_fuzz AS
SELECT i, CASE i % 3 WHEN 0 THEN pg_temp.rjson(0) ELSE pg_temp.near(i % 3 = 2) END AS j
FROM generate_series(1, 3000) i;
CREATE TABLE pi_fuzz_calls AS
SELECT i, f, format(f, quote_literal(j::text) || '::jsonb') AS call,
       format(replace(replace(f, 'to_probvec', 'probvec_problem'), 'logprobs_probvec_problem', 'logprobs_problem'),
              quote_literal(j::text) || '::jsonb') AS check_call
FROM pi_fuzz, unnest(ARRAY['SELECT al.to_probvec(%s)::text', 'SELECT %s::al.probvec::text',
	'SELECT al.to_probvec(%s, ARRAY[''a'', ''b'', ''c''], ''{"trim": true}'')::text',
	'SELECT al.to_probvec(%s, ARRAY[''a'', ''b''], ''{"unknown": "ignore"}'')::text',
	'SELECT al.logprobs_to_probvec(%s, ARRAY[''a'', ''b''])::text',
	'SELECT al.logprobs_to_probvec(%s, ARRAY[''a'', ''b'', ''c''], ''{"rest": "absent", "trim": true}'')::text',
	'SELECT al.logprobs_to_probvec(%s, ARRAY[''a'', ''b''], ''{"rest": "other", "other": "b"}'')::text']) f;
-- the cast has no problem function: al.probvec_problem(j, 0.001) stands for it
UPDATE pi_fuzz_calls SET check_call = format('SELECT al.probvec_problem(%s, 0.001)', quote_literal(j::text) || '::jsonb')
FROM pi_fuzz WHERE pi_fuzz.i = pi_fuzz_calls.i AND f LIKE '%::al.probvec%';
CREATE TABLE pi_fuzz_out AS
SELECT f, pg_temp.try(call) AS made, pg_temp.try(check_call) AS problem FROM pi_fuzz_calls;
SELECT regexp_replace(f, 'SELECT |::text', '', 'g') AS call, count(*) AS inputs,
       count(*) FILTER (WHERE made ~ '^ok') AS accepted,
       count(*) FILTER (WHERE (made ~ '^ok') <> (problem = 'ok: NULL')
                           OR (made !~ '^ok' AND substr(made, 8) <> substr(problem, 5))) AS disagree,
       array_agg(DISTINCT substr(made, 1, 5)) FILTER (WHERE made !~ '^ok') AS sqlstates
FROM pi_fuzz_out GROUP BY f ORDER BY f;
DROP TABLE pi_fuzz, pi_fuzz_calls, pi_fuzz_out;
SELECT 'still up' AS server;
