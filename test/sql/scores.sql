-- Single-distribution scores and helpers of al_ext.
-- Floats are compared through round(x::numeric, 12) or a tolerance, so the
-- output does not depend on the last bits of a double.  Reference values
-- are either computed by hand (comments) or by an independent plain-SQL
-- formula over unnest(p::double precision[]).

-- errors are shown as "SQLSTATE: message | detail"
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	d text;
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || CASE WHEN d <> '' THEN ' | ' || d ELSE '' END;
END $$;

CREATE TABLE sc_cases (name text PRIMARY KEY, p al.probvec);
INSERT INTO sc_cases VALUES
	('uniform4', '[0.25,0.25,0.25,0.25]'),
	('onehot4', '[0,0,1,0]'),
	('tie_top', '[0.375,0.375,0.25]'),
	('zeros_in', '[0,0.5,0,0.25,0,0.25]'),
	('one_class', '[1]'),
	('two_class', '[0.25,0.75]'),
	('dyadic', '[0.125,0.5,0.25,0.125]');

-- Hand values (all inputs are exact in float4):
-- uniform4: lc 0.75, mc 1, rc 1, H = ln 4 = 1.386294361120, max .25, margin 0, argmax 1
-- onehot4: lc 0, mc 0, rc 0, H 0, max 1, margin 1, argmax 3
-- tie_top: lc .625, mc 1, rc 1, H = -(2 .375 ln .375 + .25 ln .25) = 1.082195530039,
--          margin 0, argmax 1 (tie to the lowest index)
-- zeros_in: lc .5, mc .75, rc .5, H = 1.5 ln 2 = 1.039720770840, argmax 2
-- one_class: lc 0, mc 0 (p(2) = 0), rc 0, H 0, margin 1, argmax 1
-- two_class: lc .25, mc .5, rc 1/3, H = -(.25 ln .25 + .75 ln .75) = 0.562335144619
-- dyadic: lc .5, mc .75, rc .5, H = 1.75 ln 2 = 1.213007565980, argmax 2
SELECT name,
	round(al.least_confidence(p)::numeric, 12) AS lc,
	round(al.margin_confidence(p)::numeric, 12) AS mc,
	round(al.ratio_confidence(p)::numeric, 12) AS rc,
	round(al.entropy(p)::numeric, 12) AS entropy,
	round(al.max_prob(p)::numeric, 12) AS max_prob,
	round(al.margin(p)::numeric, 12) AS margin,
	al.argmax(p), al.num_classes(p)
FROM sc_cases ORDER BY name;

-- the same scores against independent plain-SQL formulas (sorting, unnest + ln)
SELECT c.name,
	abs(al.entropy(c.p) - coalesce((SELECT -sum(v * ln(v)) FROM unnest(c.p::float8[]) v WHERE v > 0), 0)) < 1e-15 AS entropy_ok,
	al.max_prob(c.p) = s.v1 AS max_ok,
	al.least_confidence(c.p) = 1 - s.v1 AS lc_ok,
	al.margin(c.p) = s.v1 - s.v2 AS margin_ok,
	al.margin_confidence(c.p) = 1 - (s.v1 - s.v2) AS mc_ok,
	al.ratio_confidence(c.p) = s.v2 / s.v1 AS rc_ok,
	al.argmax(c.p) = s.i1 AS argmax_ok,
	al.num_classes(c.p) = array_length(c.p::real[], 1) AS n_ok
FROM sc_cases c,
	LATERAL (SELECT max(v) FILTER (WHERE r = 1) AS v1,
					coalesce(max(v) FILTER (WHERE r = 2), 0) AS v2,
					max(i) FILTER (WHERE r = 1) AS i1
			 FROM (SELECT v, i, row_number() OVER (ORDER BY v DESC, i) AS r
				   FROM unnest(c.p::float8[]) WITH ORDINALITY u(v, i)) o) s
ORDER BY c.name;

-- float4 values are used as stored: 0.7 is 0.699999988079071044921875
SELECT round(al.least_confidence('[0.1,0.2,0.7]')::numeric, 12) AS lc,
	round(al.margin('[0.1,0.2,0.7]')::numeric, 12) AS margin,
	round(al.ratio_confidence('[0.1,0.2,0.7]')::numeric, 12) AS rc;

-- argmax is 1-based, so it indexes a class array
SELECT (ARRAY['cat', 'dog', 'bird'])[al.argmax('[0.2,0.5,0.3]')] AS predicted,
	(ARRAY['cat', 'dog', 'bird'])[al.argmax('[0.4,0.2,0.4]')] AS tie_goes_first;

-- STRICT: NULL in, NULL out
SELECT al.entropy(NULL) IS NULL AS h, al.argmax(NULL) IS NULL AS a,
	al.kl_divergence('[1]', NULL) IS NULL AS kl, al.softmax(NULL) IS NULL AS s,
	al.softmax('{1}', NULL) IS NULL AS st, al.expected_gradient_length('[1]', NULL) IS NULL AS egl;

-- 10,000 classes.  Uniform: 1e-4 is rounded to float4, so H is ln 10000
-- = 9.210340371976 only to ~3e-7, and exactly the plain-SQL value.
CREATE TABLE sc_big (name text, p al.probvec);
INSERT INTO sc_big
	SELECT 'uniform', al.normalize(array_fill(1::float8, ARRAY[10000]))
	UNION ALL
	SELECT 'softmax', al.softmax(array_agg(3 * sin(i * 0.37) + cos(i * 1.3) ORDER BY i))
	FROM generate_series(1, 10000) i;
SELECT name, al.num_classes(p),
	abs(al.entropy(p) - ln(10000)) < 1e-6 AS near_ln_10000,
	abs(al.entropy(p) - (SELECT -sum(v * ln(v)) FROM unnest(p::float8[]) v WHERE v > 0)) < 1e-12 AS entropy_vs_sql,
	al.max_prob(p) = (SELECT max(v) FROM unnest(p::float8[]) v) AS max_vs_sql,
	al.argmax(p) = (SELECT i FROM unnest(p::float8[]) WITH ORDINALITY u(v, i) ORDER BY v DESC, i LIMIT 1) AS argmax_vs_sql
FROM sc_big ORDER BY name;
SELECT round(al.entropy(p)::numeric, 6) AS softmax_entropy FROM sc_big WHERE name = 'softmax';
-- divergences and the other scores over 10,000 classes, against plain SQL
SELECT abs(al.kl_divergence(a.p, b.p) - (SELECT sum(x * ln(x / y)) FROM unnest(a.p::float8[], b.p::float8[]) u(x, y) WHERE x > 0)) < 1e-12 AS kl_ok,
	abs(al.kl_divergence(b.p, a.p) - (SELECT sum(x * ln(x / y)) FROM unnest(b.p::float8[], a.p::float8[]) u(x, y) WHERE x > 0)) < 1e-12 AS kl_reverse_ok,
	abs(al.js_divergence(a.p, b.p) - (SELECT 0.5 * sum(x * ln(2 * x / (x + y))) + 0.5 * sum(y * ln(2 * y / (x + y)))
									  FROM unnest(a.p::float8[], b.p::float8[]) u(x, y))) < 1e-12 AS js_ok,
	al.least_confidence(a.p) = 1 - (SELECT max(x) FROM unnest(a.p::float8[]) x) AS lc_ok,
	al.margin(a.p) = (SELECT max(x) - (SELECT x2 FROM unnest(a.p::float8[]) x2 ORDER BY x2 DESC OFFSET 1 LIMIT 1) FROM unnest(a.p::float8[]) x) AS margin_ok
FROM sc_big a, sc_big b WHERE a.name = 'softmax' AND b.name = 'uniform';

-- softmax against exp(z / t) / sum exp(z / t) in SQL, within float4 rounding
CREATE TABLE sc_logits (id int, z float8[], t float8);
INSERT INTO sc_logits
	SELECT k, array_agg(5 * sin(k * 7 + i * 1.7) ORDER BY i), t
	FROM generate_series(1, 20) k, generate_series(1, 12) i, (VALUES (1.0::float8), (0.5), (3.0)) tt(t)
	GROUP BY k, t;
SELECT count(*) AS vectors,
	bool_and(ok) AS all_within_float4_rounding
FROM (SELECT l.id, l.t,
			 bool_and(abs(s.v - e.v / e.total) <= 6e-8 * e.v / e.total) AS ok
	  FROM sc_logits l,
		   LATERAL unnest(al.softmax(l.z, l.t)::float8[]) WITH ORDINALITY s(v, i),
		   LATERAL (SELECT exp(l.z[s.i] / l.t) AS v,
						   (SELECT sum(exp(zz / l.t)) FROM unnest(l.z) zz) AS total) e
	  GROUP BY l.id, l.t) x;
-- hand values: softmax(0, ln 3) = (.25, .75); with t = 2 and logits doubled, the same
SELECT al.softmax(ARRAY[0, ln(3)]) AS s1,
	al.softmax(ARRAY[0, 2 * ln(3)], 2) AS s2,
	al.softmax('{5,5,5,5}') AS uniform,
	al.softmax('{1000,1000,-1000}') AS no_overflow,
	al.softmax('{1,2}', 1e-300) AS cold,
	al.softmax('{42}') AS one_class;

-- normalize: w / sum w
SELECT al.normalize('{1,3}') AS n1, al.normalize('{0,2,2,0}') AS n2,
	al.normalize('{1e308,1e308}') AS huge, al.normalize('{-0,5}') AS minus_zero;
SELECT bool_and(abs(v - w / s) <= 6e-8 * w / s) AS normalize_vs_sql
FROM (SELECT a, sum(x) OVER (PARTITION BY a) AS s, x AS w, i
	  FROM (VALUES (ARRAY[3, 1, 4, 1, 5, 9, 2, 6]::float8[]), (ARRAY[0.001, 1000, 0]::float8[])) t(a),
		   unnest(a) WITH ORDINALITY u(x, i)) q,
	LATERAL (SELECT (al.normalize(q.a)::float8[])[q.i] AS v) r;

-- KL and JS against plain SQL over a few pairs
CREATE TABLE sc_pairs (id int, p al.probvec, q al.probvec);
INSERT INTO sc_pairs VALUES
	(1, '[0.5,0.5]', '[0.25,0.75]'),
	(2, '[0.1,0.2,0.7]', '[0.3,0.3,0.4]'),
	(3, '[1,0,0]', '[0.2,0.3,0.5]'),
	(4, '[0,0.5,0.5]', '[0.5,0.5,0]'),
	(5, '[1,0]', '[0,1]'),
	(6, '[0.2,0.3,0.5]', '[0.2,0.3,0.5]');
-- hand: KL(1) = ln(4/3) / 2 = 0.143841036226; KL(3) = -ln(0.2 as float4,
-- 0.20000000298023224) = 1.609437897533 (ln 5 = 1.609437912434);
-- KL(4) = +Infinity (q_3 = 0 < p_3); KL(6) = 0;
-- JS(5) = ln 2 = 0.693147180560; JS(4): m = (.25,.5,.25), (.5 ln 2 + .5 ln 2) / 2 = ln 2 / 2
SELECT id, al.kl_divergence(p, q) = 'Infinity' AS kl_inf,
	CASE WHEN al.kl_divergence(p, q) < 'Infinity' THEN round(al.kl_divergence(p, q)::numeric, 12) END AS kl,
	round(al.js_divergence(p, q)::numeric, 12) AS js,
	al.js_divergence(p, q) = al.js_divergence(q, p) AS js_symmetric
FROM sc_pairs ORDER BY id;
-- (kl_vs_sql is NULL where the SQL formula would divide by zero)
SELECT id,
	CASE WHEN al.kl_divergence(p, q) < 'Infinity' THEN
	abs(al.kl_divergence(p, q) - (SELECT coalesce(sum(a * ln(a / b)), 0) FROM unnest(p::float8[], q::float8[]) u(a, b) WHERE a > 0)) < 1e-15 END AS kl_vs_sql,
	abs(al.js_divergence(p, q) - (SELECT 0.5 * coalesce(sum(a * ln(2 * a / (a + b))) FILTER (WHERE a > 0), 0)
											+ 0.5 * coalesce(sum(b * ln(2 * b / (a + b))) FILTER (WHERE b > 0), 0)
								   FROM unnest(p::float8[], q::float8[]) u(a, b))) < 1e-15 AS js_vs_sql,
	al.js_divergence(p, q) BETWEEN 0 AND ln(2) AS js_in_range
FROM sc_pairs ORDER BY id;

-- expected gradient length against the explicit formula in SQL:
-- sqrt(1 + sum x^2) * sum_y p_y sqrt(sum_i (p_i - [i = y])^2)
CREATE TABLE sc_egl (id int, p al.probvec, x real[]);
INSERT INTO sc_egl VALUES
	(1, '[0.5,0.5]', '{3,4}'),			-- sqrt(26) * sqrt(.5) = sqrt(13) = 3.605551275464
	(2, '[0.5,0.5]', '{}'),				-- empty x: sqrt(.5) = 0.707106781187
	(3, '[0,0,1]', '{1,2,3}'),			-- one-hot: 0
	(4, '[1]', '{7}'),					-- one class: 0
	(5, '[0.25,0.25,0.25,0.25]', '{0}'),	-- sqrt(1 - 1/4) = 0.866025403784
	(6, '[0.1,0.2,0.7]', '{-1.5,0.25,2}'),
	(7, '[0,0.5,0,0.25,0,0.25]', '{1,1,1,1}');
SELECT id, round(al.expected_gradient_length(p, x)::numeric, 12) AS egl,
	abs(al.expected_gradient_length(p, x) -
		sqrt(1 + coalesce((SELECT sum(xx::float8 * xx) FROM unnest(x) xx), 0)) *
		(SELECT sum(py * sqrt((SELECT sum((pi - (i = y)::int) ^ 2) FROM unnest(p::float8[]) WITH ORDINALITY u2(pi, i))))
		 FROM unnest(p::float8[]) WITH ORDINALITY u1(py, y))) < 1e-14 AS egl_vs_sql
FROM sc_egl ORDER BY id;
-- any lower bound, one element per feature
SELECT round(al.expected_gradient_length('[0.5,0.5]', '[0:1]={3,4}')::numeric, 12) AS egl_lbound0;

-- real[] features are read in place: the planner calls
-- al.expected_gradient_length_real on them, not a widened copy
EXPLAIN (VERBOSE, COSTS OFF) SELECT al.expected_gradient_length(p, x), al.expected_gradient_length(p, x::float8[]) FROM sc_egl;
-- one public signature: untyped literals, integer and numeric arrays resolve to it
SELECT al.expected_gradient_length('[0.5,0.5]', '{3,4}') AS untyped,
	al.expected_gradient_length('[0.5,0.5]', ARRAY[3, 4]) AS integers,
	al.expected_gradient_length('[0.5,0.5]', ARRAY[3.0, 4.0]) AS numerics,
	al.expected_gradient_length('[0.5,0.5]', '{3,4}'::real[]) AS reals;

-- double precision features: the same score, the double values used as
-- given.  Where real and double values are equal, so is the score; 0.1 is
-- not 0.1::real: EGL([.5,.5], (.1,.2)) = sqrt(1.05) sqrt(.5) = 0.724568837309;
-- squares beyond double precision are rescaled: ||(1e200,1e200,1)|| sqrt(.5) = 1e200;
-- only a norm beyond double precision is an error (below, 22003)
SELECT bool_and(al.expected_gradient_length(p, x::float8[]) = al.expected_gradient_length(p, x)) AS double_same_as_real
FROM sc_egl;
SELECT round(al.expected_gradient_length('[0.5,0.5]', '{0.1,0.2}'::float8[])::numeric, 12) AS egl_double,
	round(al.expected_gradient_length('[0.5,0.5]', '{0.1,0.2}'::real[])::numeric, 12) AS egl_real,
	round(al.expected_gradient_length('[0.5,0.5]', '{}'::float8[])::numeric, 12) AS egl_empty,
	al.expected_gradient_length('[0.5,0.5]', '{1e200,1e200}'::float8[]) / 1e200 BETWEEN 1 - 1e-15 AND 1 + 1e-15 AS egl_1e200,
	al.expected_gradient_length('[0,1]', '{1e308,1e308,1e308}'::float8[]) AS egl_one_hot_huge,
	round(al.expected_gradient_length('[0.5,0.5]', '[3:4]={3,4}'::float8[])::numeric, 12) AS egl_lbound3;

-- errors, with SQLSTATE
SELECT pg_temp.err(q) FROM (VALUES
	($$SELECT al.kl_divergence('[0.5,0.5]', '[0.2,0.3,0.5]')$$),
	($$SELECT al.js_divergence('[1]', '[0.5,0.5]')$$),
	($$SELECT al.expected_gradient_length_real('[0.5,0.5]', '{1,NULL,3}'::real[])$$),
	($$SELECT al.expected_gradient_length_real('[0.5,0.5]', '{1,2,NaN}'::real[])$$),
	($$SELECT al.expected_gradient_length_real('[1,0]', '{Infinity}'::real[])$$),
	($$SELECT al.expected_gradient_length_real('[0.5,0.5]', '{1,-Infinity}'::real[])$$),
	($$SELECT al.expected_gradient_length_real('[0.5,0.5]', '{{1,2},{3,4}}'::real[])$$),
	($$SELECT al.expected_gradient_length('[0.5,0.5]', '{1,NULL,3}'::float8[])$$),
	($$SELECT al.expected_gradient_length('[0.5,0.5]', '{1,2,NaN}'::float8[])$$),
	($$SELECT al.expected_gradient_length('[1,0]', '{Infinity}'::float8[])$$),
	($$SELECT al.expected_gradient_length('[0.5,0.5]', '{1e308,-Infinity}'::float8[])$$),
	($$SELECT al.expected_gradient_length('[0.5,0.5]', '{{1,2},{3,4}}'::float8[])$$),
	($$SELECT al.expected_gradient_length('[0.5,0.5]', '{1.7e308,1.7e308,1.7e308}'::float8[])$$),
	($$SELECT al.softmax('{1,2}', 0)$$),
	($$SELECT al.softmax('{1,2}', -1)$$),
	($$SELECT al.softmax('{1,2}', 'NaN')$$),
	($$SELECT al.softmax('{1,2}', 'Infinity')$$),
	($$SELECT al.softmax('{1,NULL}')$$),
	($$SELECT al.softmax('{1,NaN}')$$),
	($$SELECT al.softmax('{-Infinity,1}')$$),
	($$SELECT al.softmax('{}')$$),
	($$SELECT al.softmax('{{1,2},{3,4}}')$$),
	($$SELECT al.softmax(array_fill(0::float8, ARRAY[32768]))$$),
	($$SELECT al.normalize('{1,-0.5}')$$),
	($$SELECT al.normalize('{1,Infinity}')$$),
	($$SELECT al.normalize('{NaN}')$$),
	($$SELECT al.normalize('{NULL,1}')$$),
	($$SELECT al.normalize('{0,0,0}')$$),
	($$SELECT al.normalize('{}')$$),
	($$SELECT al.normalize('{{1},{1}}')$$),
	($$SELECT al.normalize(array_fill(1::float8, ARRAY[40000]))$$)
) t(q);
-- the largest class count is fine
SELECT al.num_classes(al.softmax(array_fill(0::float8, ARRAY[32767]))) AS max_classes;

DROP TABLE sc_cases, sc_big, sc_logits, sc_pairs, sc_egl;
