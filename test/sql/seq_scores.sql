-- Sequence-level uncertainty of generated answers: al.sequence_least_confidence,
-- al.mnlp, al.token_least_confidence, al.min_token_probability over per-token
-- log-probabilities, al.mean_token_entropy and al.max_token_entropy over
-- per-token top-k log-probabilities.  Every value is checked against plain
-- SQL computed independently (unnest, exp, sum, ln; exact sums in numeric),
-- every error with its SQLSTATE and message.

-- errors as "SQLSTATE: message | detail"
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
	d text;
BEGIN
	EXECUTE sql INTO r;
	RETURN 'ok: ' || coalesce(r, 'NULL');
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || CASE WHEN d <> '' THEN ' | ' || d ELSE '' END;
END $$;

-- Relative error of a double against an exact numeric reference (0 when
-- both are the same; absolute below 1e-300, where doubles run out).  A
-- double becomes numeric through its shortest round-trip text: the cast
-- float8::numeric keeps only 15 digits.
CREATE FUNCTION pg_temp.relerr(got float8, want numeric) RETURNS float8 LANGUAGE sql AS $$
	SELECT CASE WHEN got::text::numeric = want THEN 0
				ELSE round(abs(got::text::numeric - want) / greatest(abs(want), 1e-300), 40)::float8 END
$$;

-- ---- the four per-token scores on hand-made sequences ----
CREATE TABLE sq (name text PRIMARY KEY, lp float8[]);
INSERT INTO sq VALUES
	('halves', ARRAY[ln(0.5), ln(0.5)]),
	('short', '{-0.1,-0.5,-2.3}'),
	('certain', '{0,-0}'),
	('zero_prob', '{-0.2,-Infinity,-0.1}'),
	('one_token', '{-1.2}'),
	('min_tie', '{-0.7,-1.5,-1.5,-0.2}'),
	('tiny', '{-1e-12,-3e-13}'),
	('far', '{-800,-0.5}');
-- Hand values:
-- halves: 1 - .25 = .75; mnlp ln 2 = .693147180560; min p .5; token lc .5
-- short: sum -2.9, 1 - e^-2.9 = .944976779944; mnlp 2.9 / 3; min p e^-2.3 = .100258843723
-- certain: all 0, min p 1; zero_prob: 1, +Infinity, 0, 1
-- one_token: 1 - e^-1.2 = .698805788088 (= token lc), mnlp 1.2
-- min_tie: sum -3.9, 1 - e^-3.9 = .979758088554, mnlp .975; min -1.5
--   twice: min p e^-1.5 = .223130160148
-- far: mnlp 400.25; min p e^-800 (3.7e-348) is 0 in double
-- tiny: 1 - e^-1.3e-12 = 1.3e-12 - 8.45e-25: shows as 1e-12
SELECT name,
	round(al.sequence_least_confidence(lp)::numeric, 12) AS seq_lc,
	round(al.mnlp(lp)::numeric, 12) AS mnlp,
	round(al.min_token_probability(lp)::numeric, 12) AS min_p,
	round(al.token_least_confidence(lp)::numeric, 12) AS token_lc
FROM sq WHERE name NOT IN ('zero_prob') ORDER BY name;
SELECT al.sequence_least_confidence(lp) AS seq_lc, al.mnlp(lp), al.min_token_probability(lp) AS min_p,
	al.token_least_confidence(lp) AS token_lc
FROM sq WHERE name = 'zero_prob';

-- against plain SQL over the elements, exact in numeric: the sum of the
-- elements' exact decimal forms (shortest round-trip text), 1 - exp(sum),
-- -sum / n, exp(min), to 60 decimals; relative errors of at most 2 ulps
SELECT name,
	pg_temp.relerr(al.sequence_least_confidence(lp), 1 - exp(round(s, 60))) <= 4.5e-16 AS seq_lc_ok,
	pg_temp.relerr(al.mnlp(lp), -a) <= 4.5e-16 AS mnlp_ok,
	pg_temp.relerr(al.min_token_probability(lp), exp(round(m, 60))) <= 4.5e-16 AS min_p_ok,
	pg_temp.relerr(al.token_least_confidence(lp), 1 - exp(round(m, 60))) <= 4.5e-16 AS token_lc_ok
FROM sq, LATERAL (SELECT sum(v::text::numeric) AS s, round(sum(v::text::numeric), 60) / count(*) AS a, min(v::text::numeric) AS m
				  FROM unnest(lp) v) r
WHERE name <> 'zero_prob' ORDER BY name;
-- -0 never comes out: certain tokens give +0
SELECT al.sequence_least_confidence('{-0}')::text AS seq_lc, al.mnlp('{-0,-0}')::text AS mnlp,
	al.token_least_confidence('{-0}')::text AS token_lc;
-- the nearly certain sequence keeps its digits: 1 - exp(-1.3e-12) by
-- expm1, where the plain float8 formula keeps 4
SELECT al.sequence_least_confidence(lp) AS seq_lc,
	1 - exp((SELECT sum(v) FROM unnest(lp) v)) AS plain_float8,
	round((1 - exp(round(-1.3e-12, 60))) * 1e12, 15) AS exact_e12
FROM sq WHERE name = 'tiny';

-- ---- real[] log-probabilities: read in place by the _real twins ----
-- the same values as real[]; references over the widened (exact) values
SELECT name,
	pg_temp.relerr(al.sequence_least_confidence(lp::real[]), 1 - exp(round(s, 60))) <= 4.5e-16 AS seq_lc_ok,
	pg_temp.relerr(al.mnlp(lp::real[]), -a) <= 4.5e-16 AS mnlp_ok,
	pg_temp.relerr(al.min_token_probability(lp::real[]), exp(round(m, 60))) <= 4.5e-16 AS min_p_ok,
	pg_temp.relerr(al.token_least_confidence(lp::real[]), 1 - exp(round(m, 60))) <= 4.5e-16 AS token_lc_ok
FROM sq, LATERAL (SELECT sum(v::float8::text::numeric) AS s, round(sum(v::float8::text::numeric), 60) / count(*) AS a,
						 min(v::float8::text::numeric) AS m
				  FROM unnest(lp::real[]) v) r
WHERE name <> 'zero_prob' ORDER BY name;
CREATE TABLE sqr AS SELECT name, lp::real[] AS lp FROM sq;
-- a real[] column: the planner calls the _real twin on the column itself
EXPLAIN (VERBOSE, COSTS OFF) SELECT al.mnlp(lp), al.sequence_least_confidence(lp),
	al.token_least_confidence(lp), al.min_token_probability(lp) FROM sqr;
-- and gets what the double precision[] function gets on the widened values
SELECT count(*) AS rows,
	count(*) FILTER (WHERE al.mnlp(r.lp) = al.mnlp(r.lp::float8[])
		AND al.sequence_least_confidence(r.lp) = al.sequence_least_confidence(r.lp::float8[])
		AND al.token_least_confidence(r.lp) = al.token_least_confidence(r.lp::float8[])
		AND al.min_token_probability(r.lp) = al.min_token_probability(r.lp::float8[])) AS same
FROM sqr r;
-- untyped literals and numeric arrays resolve to the double precision[] one
SELECT al.mnlp('{-0.5,-1.5}') AS literal, al.mnlp(ARRAY[-0.5, -1.5]) AS numeric_array,
	al.mnlp_real('{-0.5,-1.5}') AS real_twin;

-- ---- long sequences: 10,000 tokens ----
CREATE TABLE sq_long (name text, lp float8[]);
INSERT INTO sq_long
SELECT 'tenth', array_agg(-0.1::float8) FROM generate_series(1, 10000)
UNION ALL
SELECT 'noise', array_agg(-3 * abs(sin(i * 1.7)) - 1e-3 * (i % 7) ORDER BY i) FROM generate_series(1, 10000) i
UNION ALL
SELECT 'confident', array_agg(-1e-9 * (1 + i % 3) ORDER BY i) FROM generate_series(1, 10000) i;
-- the kernel's compensated sum against the exact numeric sum, and the plain
-- float8 sum(v) of SQL against it: the kernel is within 2 ulps, the naive
-- sum is off by many (its relative error shown)
SELECT name, n,
	pg_temp.relerr(al.mnlp(lp), -round(s, 60) / n) <= 4.5e-16 AS mnlp_within_2ulp,
	to_char(pg_temp.relerr(-(naive / n), -round(s, 60) / n), '9.9EEEE') AS naive_relerr,
	pg_temp.relerr(al.sequence_least_confidence(lp), 1 - exp(round(s, 60))) <= 4.5e-16 AS seq_lc_within_2ulp
FROM sq_long, LATERAL (SELECT count(*) AS n, sum(v::text::numeric) AS s, sum(v) AS naive FROM unnest(lp) v) r
ORDER BY name;
-- the confident answer (P = 0.99998): 1 - exp(sum(v)) in plain float8
-- loses about 3 digits (the drifting sum, then the subtraction), the
-- kernel's -expm1 of its compensated sum is within an ulp
SELECT to_char(pg_temp.relerr(1 - exp(naive), 1 - exp(round(s, 60))), '9.9EEEE') AS plain_float8_relerr,
	pg_temp.relerr(al.sequence_least_confidence(lp), 1 - exp(round(s, 60))) <= 2.3e-16 AS kernel_within_1ulp
FROM sq_long, LATERAL (SELECT sum(v::text::numeric) AS s, sum(v) AS naive FROM unnest(lp) v) r
WHERE name = 'confident';
-- 10,000 x -0.1 (the double nearest -0.1): the exact sum
-- -1000.00000000000005551... rounds to -1000, so mnlp is 0.1 exactly; the
-- naive float8 sum drifts in the 13th digit
SELECT al.mnlp(lp)::text AS mnlp, (-(SELECT sum(v) FROM unnest(lp) v) / 10000)::text AS naive
FROM sq_long WHERE name = 'tenth';
-- the same tokens in reverse order give the same scores
SELECT name, al.mnlp(lp) = al.mnlp(ARRAY(SELECT v FROM unnest(lp) WITH ORDINALITY u(v, o) ORDER BY o DESC)) AS reversed_same
FROM sq_long ORDER BY name;

-- ---- ranking generated answers ----
CREATE TABLE answers (id bigint, lp real[]);
INSERT INTO answers VALUES
	(1, '{-0.01,-0.02,-0.01}'),       -- confident
	(2, '{-0.01,-3.5,-0.01}'),        -- one doubtful token
	(3, '{-0.7,-0.6,-0.8,-0.7}'),     -- doubtful throughout
	(4, '{-0.3,-0.3,-0.3,-0.3,-0.3,-0.3,-0.3,-0.3,-0.3,-0.3}'),  -- long, mildly unsure
	(5, '{-0.2,-Infinity}');          -- a token of probability 0
-- each score's two answers to ask first: mnlp (per token) favours 5 and 2,
-- the sequence score also the long answer 4, the token score the single
-- doubtful token of 2
SELECT al.top_k(id, al.mnlp(lp), 2) AS by_mnlp,
	al.top_k(id, al.sequence_least_confidence(lp), 3) AS by_sequence,
	al.top_k(id, al.token_least_confidence(lp), 2) AS by_token
FROM answers;
SELECT id, round(al.mnlp(lp)::numeric, 6) AS mnlp, round(al.sequence_least_confidence(lp)::numeric, 6) AS seq_lc,
	round(al.token_least_confidence(lp)::numeric, 6) AS token_lc
FROM answers ORDER BY id;

-- ---- token entropies of top-k log-probabilities ----
CREATE TABLE tk (name text PRIMARY KEY, top float8[]);
INSERT INTO tk VALUES
	('two_halves', ARRAY[[ln(0.5), ln(0.5)]]),
	('padded', '{{-0.1,-Infinity,-Infinity},{-1,-2,-3},{-0.01,-5,-Infinity}}'),
	('one_hot', '{{0,-Infinity}}'),
	('max_tie', ARRAY[[ln(0.25), ln(0.25), ln(0.25), ln(0.25)], [ln(0.25), ln(0.25), ln(0.25), ln(0.25)],
					  [ln(0.9), ln(0.05), '-Infinity', '-Infinity']]),
	('k1', '{{-0.5},{-0.1}}'),
	('rounded_over', '{{0,-10}}');
-- Hand values (the rest 1 - sum p is one more outcome):
-- two_halves: ln 2 = .693147180560 (no rest)
-- padded token 1: p = e^-.1 = .904837, rest .095163:
--   .1 p - rest ln rest = .0904837 + .2238398 = .3143236
-- padded token 2: e^-1 + 2 e^-2 + 3 e^-3 = .787911, rest .446999 * .805
--   = .359924: 1.147834 (the max)
-- one_hot: 0; max_tie: tokens 1, 2 ln 4 = 1.386294361120, token 3:
--   -(.9 ln .9 + .05 ln .05 + .05 ln .05) = .394398; max ln 4, mean
--   (2 ln 4 + .394398) / 3 = 1.055662
-- k1: .5 e^-.5 + .393469 * .932752 = .670275 (max); mean with .3143236
--   (the token -0.1) .492298
-- rounded_over: e^0 + e^-10 = 1.0000454 > 1 within the tolerance 0.001:
--   no rest, 10 e^-10 = .000453999
SELECT name,
	round(al.mean_token_entropy(top)::numeric, 12) AS mean_h,
	round(al.max_token_entropy(top)::numeric, 12) AS max_h
FROM tk ORDER BY name;
-- against plain SQL: per token, p = exp(v) of the alternatives, entropy
-- -sum p ln p (ln of p, not v) minus r ln r for the rest r = 1 - sum p
CREATE FUNCTION pg_temp.token_entropies(top float8[]) RETURNS TABLE (t int, h float8) LANGUAGE sql AS $$
	SELECT t, -sum(CASE WHEN p > 0 THEN p * ln(p) ELSE 0 END)
			  - CASE WHEN 1 - sum(p) > 0 THEN (1 - sum(p)) * ln(1 - sum(p)) ELSE 0 END
	FROM generate_subscripts(top, 1) t, generate_subscripts(top, 2) j, LATERAL (SELECT exp(top[t][j]) AS p) e
	GROUP BY t
$$;
SELECT name,
	abs(al.mean_token_entropy(top) - (SELECT avg(h) FROM pg_temp.token_entropies(top))) < 1e-14 AS mean_ok,
	abs(al.max_token_entropy(top) - (SELECT max(h) FROM pg_temp.token_entropies(top))) < 1e-14 AS max_ok,
	abs(al.mean_token_entropy(top::real[]) - (SELECT avg(h) FROM pg_temp.token_entropies(top::real[]::float8[]))) < 1e-14 AS real_mean_ok,
	abs(al.max_token_entropy(top::real[]) - (SELECT max(h) FROM pg_temp.token_entropies(top::real[]::float8[]))) < 1e-14 AS real_max_ok
FROM tk ORDER BY name;
-- 2,000 tokens of top-5 from a model that puts 30-100% of its mass there,
-- some padded: the mean and max against the same plain SQL
CREATE TABLE tk_long AS
SELECT array_agg(row ORDER BY t) AS top FROM (
	SELECT t, ARRAY(SELECT CASE WHEN j = 5 AND t % 4 = 0 THEN '-Infinity'::float8
							   ELSE ln(w[j] / (w[1] + w[2] + w[3] + w[4] + w[5]) * (0.3 + 0.7 * abs(sin(t * 0.77)))) END
					FROM generate_series(1, 5) j) AS row
	FROM generate_series(1, 2000) t,
		 LATERAL (SELECT ARRAY(SELECT 0.05 + abs(sin(t * j * 1.31)) FROM generate_series(1, 5) j) AS w) ww
) s;
SELECT array_length(top, 1) AS tokens, array_length(top, 2) AS k,
	abs(al.mean_token_entropy(top) - (SELECT avg(h) FROM pg_temp.token_entropies(top))) < 1e-12 AS mean_ok,
	abs(al.max_token_entropy(top) - (SELECT max(h) FROM pg_temp.token_entropies(top))) < 1e-12 AS max_ok,
	al.mean_token_entropy(top) < al.max_token_entropy(top) AS mean_below_max
FROM tk_long;
-- the rewrite for real[] columns
CREATE TABLE tkr AS SELECT name, top::real[] AS top FROM tk;
EXPLAIN (VERBOSE, COSTS OFF) SELECT al.mean_token_entropy(top), al.max_token_entropy(top) FROM tkr;
SELECT count(*) FILTER (WHERE al.mean_token_entropy(top) = al.mean_token_entropy(top::float8[])
	AND al.max_token_entropy(top) = al.max_token_entropy(top::float8[])) AS same, count(*) AS rows
FROM tkr;

-- ---- errors ----
SELECT f, a AS argument, pg_temp.try(format('SELECT al.%s(%s)::text', f, a)) AS result
FROM unnest(ARRAY['sequence_least_confidence', 'mnlp', 'token_least_confidence', 'min_token_probability']) f,
	(VALUES (1, '''{-0.1,-0.2,0.5}''::float8[]'),            -- positive
			(2, '''{-0.1,1e-300}''::float8[]'),              -- the tiniest positive: no tolerance
			(3, '''{-0.1,NaN}''::float8[]'),
			(4, '''{Infinity}''::float8[]'),
			(5, '''[0:2]={-0.1,-0.2,0.3}''::float8[]'),      -- positions are ordinals
			(6, '''{}''::float8[]'),
			(7, '''{{-0.1,-0.2},{-0.3,-0.4}}''::float8[]'),
			(8, '''{-0.1,NULL,0.5}''::float8[]'),             -- NULL first, whatever follows
			(9, '''{-0.1,NULL}''::real[]'),
			-- a real[] constant is widened to double precision before the
			-- call (constant folding): its value shows as the double it is
			(10, '''{-0.1,0.1}''::real[]')) v(i, a)
ORDER BY f, i;
-- the real[] twins (called directly, or for a real[] column) give the same
-- errors, a real value shown as real prints it
CREATE TABLE sq_bad (lp real[]);
INSERT INTO sq_bad VALUES ('{-0.5,0.1}');
SELECT pg_temp.try($$SELECT al.mnlp(lp)::text FROM sq_bad$$) AS real_column,
	pg_temp.try($$SELECT al.mnlp_real('{-0.1,0.1}')::text$$) AS positive,
	pg_temp.try($$SELECT al.sequence_least_confidence_real('{}')::text$$) AS empty,
	pg_temp.try($$SELECT al.token_least_confidence_real('{{-1}}')::text$$) AS two_dims,
	pg_temp.try($$SELECT al.min_token_probability_real('{NaN}')::text$$) AS nan;
SELECT f, a AS argument, pg_temp.try(format('SELECT al.%s(%s)::text', f, a)) AS result
FROM unnest(ARRAY['mean_token_entropy', 'max_token_entropy']) f,
	(VALUES (1, '''{-0.1,-0.2}''::float8[]'),                     -- one dimension
			(2, '''{{{-0.1}}}''::float8[]'),                      -- three
			(3, '''{}''::float8[]'),
			(4, '''{{-0.1,-1},{-2,NULL}}''::float8[]'),
			(5, '''{{-0.1,-1},{-2,0.5}}''::float8[]'),            -- alternative 2 of token 2
			(6, '''{{-0.1,NaN}}''::float8[]'),
			(7, '''{{Infinity,-1}}''::real[]'),
			(8, '''{{-1,-2},{-0.1,-0.2}}''::float8[]'),           -- e^-.1 + e^-.2 = 1.72
			(9, '''{{-0.001,-7}}''::float8[]'),                   -- 1.0000128: within tolerance
			(10, '''{{0,-6.5}}''::float8[]'),                     -- 1.0015: beyond it
			(11, '''{{-1,-2},{-Infinity,-Infinity}}''::float8[]'),
			(12, '''[0:1][5:6]={{-1,-2},{-0.5,1}}''::real[]')) v(i, a)
ORDER BY f, i;
CREATE TABLE tk_bad (top real[]);
INSERT INTO tk_bad VALUES ('{{-0.5,-1},{-0.25,0.1}}');
SELECT pg_temp.try($$SELECT al.max_token_entropy(top)::text FROM tk_bad$$) AS real_column,
	pg_temp.try($$SELECT al.mean_token_entropy_real('{{-1},{NULL}}')::text$$) AS real_twin_null;

-- ---- every function: IMMUTABLE STRICT PARALLEL SAFE, commented ----
SELECT p.oid::regprocedure AS function, p.provolatile AS volatile, p.proisstrict AS strict,
	p.proparallel AS parallel, obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented
FROM pg_proc p
WHERE p.pronamespace = 'al'::regnamespace
  AND p.proname ~ '^(sequence_least_confidence|mnlp|token_least_confidence|min_token_probability|mean_token_entropy|max_token_entropy)'
ORDER BY 1::text;

DROP TABLE sq, sqr, sq_bad, sq_long, answers, tk, tk_long, tkr, tk_bad;
