-- Limits: the largest distributions (32,767 classes, 10,000 in committees
-- and models), 16,000-dimension features, and one class too many.  Every
-- value is checked against an independent plain-SQL formula; every refusal
-- is a clear error with its SQLSTATE, never a crash.
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
BEGIN
	EXECUTE sql INTO r;
	RETURN 'ok: ' || coalesce(left(r, 40), 'NULL');
EXCEPTION WHEN others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- ---- 32,767 classes, the most a probvec holds ----
-- p: a softmax of sin() logits; q: periodic weights, normalized;
-- x: 16,000 features (as real[] and as double precision[])
CREATE TABLE lim_p AS
SELECT al.softmax(ARRAY(SELECT 3 * sin(i * 0.37) + cos(i * 1.3) FROM generate_series(1, 32767) i)) AS p,
	al.normalize(ARRAY(SELECT (i % 7 + 1)::float8 FROM generate_series(1, 32767) i)) AS q,
	ARRAY(SELECT sin(j * 0.71)::real FROM generate_series(1, 16000) j) AS x,
	ARRAY(SELECT sin(j * 0.71) * 1e-3 + cos(j * 0.2) FROM generate_series(1, 16000) j) AS xd;
-- every single-distribution score and helper against SQL over the elements
SELECT al.num_classes(p) AS classes,
	abs(al.entropy(p) - (SELECT -sum(v * ln(v)) FROM unnest(p::float8[]) v WHERE v > 0)) < 1e-10 AS entropy_ok,
	al.max_prob(p) = s.v1 AS max_prob_ok,
	al.least_confidence(p) = 1 - s.v1 AS least_confidence_ok,
	al.margin(p) = s.v1 - s.v2 AS margin_ok,
	al.margin_confidence(p) = 1 - (s.v1 - s.v2) AS margin_confidence_ok,
	al.ratio_confidence(p) = s.v2 / s.v1 AS ratio_ok,
	al.argmax(p) = s.i1 AS argmax_ok,
	abs(al.kl_divergence(p, q) - (SELECT sum(a * ln(a / b)) FROM unnest(p::float8[], q::float8[]) u(a, b) WHERE a > 0)) < 1e-10 AS kl_ok,
	abs(al.js_divergence(p, q) - (SELECT 0.5 * sum(a * ln(2 * a / (a + b))) FILTER (WHERE a > 0)
									  + 0.5 * sum(b * ln(2 * b / (a + b))) FILTER (WHERE b > 0)
								  FROM unnest(p::float8[], q::float8[]) u(a, b))) < 1e-10 AS js_ok
FROM lim_p,
	LATERAL (SELECT max(v) FILTER (WHERE r = 1) AS v1, max(v) FILTER (WHERE r = 2) AS v2,
					max(i) FILTER (WHERE r = 1) AS i1
			 FROM (SELECT v, i, row_number() OVER (ORDER BY v DESC, i) AS r
				   FROM unnest(p::float8[]) WITH ORDINALITY u(v, i)) o) s;
-- expected gradient length over 32,767 classes and 16,000 features:
-- sqrt(1 + sum x^2) * sum_y p_y sqrt(sum p^2 - 2 p_y + 1)
SELECT abs(al.expected_gradient_length(p, x) - sqrt(1 + (SELECT sum(v::float8 * v) FROM unnest(x) v)) * t.term)
		< 1e-9 * al.expected_gradient_length(p, x) AS egl_real_ok,
	abs(al.expected_gradient_length(p, xd) - sqrt(1 + (SELECT sum(v * v) FROM unnest(xd) v)) * t.term)
		< 1e-9 * al.expected_gradient_length(p, xd) AS egl_double_ok,
	al.expected_gradient_length(p, xd) <> al.expected_gradient_length(p, xd::real[]) AS double_not_rounded
FROM lim_p,
	LATERAL (SELECT sum(py * sqrt(greatest(s2 - 2 * py + 1, 0))) AS term
			 FROM unnest(p::float8[]) py, (SELECT sum(v * v) AS s2 FROM unnest(p::float8[]) v) s) t;
-- casts and text round-trip at 32,767 classes
SELECT (p::real[]::al.probvec)::text = p::text AS real_exact,
	(p::float8[]::al.probvec)::text = p::text AS double_exact,
	(p::float8[]::numeric[]::al.probvec)::text = p::text AS numeric_exact,
	(p::text::al.probvec)::text = p::text AS text_exact,
	al.num_classes(p::al.probvec(32767)) AS typmod_ok,
	length(al.probvec_send(p)) = 4 + 4 * 32767 AS send_size
FROM lim_p;
-- softmax and normalize at 32,767 classes against SQL, within float4 rounding
WITH z AS (SELECT ARRAY(SELECT 3 * sin(i * 0.37) + cos(i * 1.3) FROM generate_series(1, 32767) i) AS z),
	 e AS (SELECT i, exp(v - (SELECT max(v2) FROM z, unnest(z) v2)) AS e FROM z, unnest(z) WITH ORDINALITY u(v, i)),
	 tot AS (SELECT sum(e) AS tot FROM e)
SELECT bool_and(abs(s - e / tot) <= 6e-8 * e / tot) AS softmax_ok
FROM z, unnest(al.softmax(z)::float8[]) WITH ORDINALITY u(s, i) JOIN e USING (i), tot;
SELECT bool_and(abs(n - (i % 7 + 1) / tot) <= 6e-8 * (i % 7 + 1) / tot) AS normalize_ok
FROM lim_p, unnest(q::float8[]) WITH ORDINALITY u(n, i),
	(SELECT sum(i % 7 + 1)::float8 AS tot FROM generate_series(1, 32767) i) t;

-- ---- committees: 3 members of 10,000 classes, 2 members of 32,767 ----
CREATE TABLE lim_members AS
SELECT 10000 AS n, k, al.softmax(ARRAY(SELECT 2 * sin(i * 0.11 * k) + k * cos(i * 0.7) FROM generate_series(1, 10000) i)) AS p
FROM generate_series(1, 3) k
UNION ALL
SELECT 32767, k, al.softmax(ARRAY(SELECT 2 * sin(i * 0.13 * k) + k * cos(i * 0.5) FROM generate_series(1, 32767) i))
FROM generate_series(1, 2) k;
CREATE TABLE lim_ref AS
WITH v AS (
	SELECT n, k, i, x FROM lim_members, unnest(p::float8[]) WITH ORDINALITY u(x, i)
), mean AS (
	SELECT n, i, avg(x) AS mx FROM v GROUP BY n, i
), h_mean AS (
	SELECT n, -sum(mx * ln(mx)) FILTER (WHERE mx > 0) AS h FROM mean GROUP BY n
), h_member AS (
	SELECT n, avg(h) AS h FROM (SELECT n, k, -sum(x * ln(x)) FILTER (WHERE x > 0) AS h FROM v GROUP BY n, k) s GROUP BY n
), kl AS (
	SELECT n, max(d) AS maxkl FROM (
		SELECT v.n, v.k, sum(v.x * ln(v.x / mean.mx)) FILTER (WHERE v.x > 0) AS d
		FROM v JOIN mean USING (n, i) GROUP BY v.n, v.k) s GROUP BY n
), votes AS (
	SELECT n, count(*)::float8 / sum(count(*)) OVER (PARTITION BY n) AS share
	FROM (SELECT DISTINCT ON (n, k) n, k, i FROM v ORDER BY n, k, x DESC, i) a
	GROUP BY n, i
)
SELECT n, h_mean.h AS consensus, h_mean.h - h_member.h AS bald, kl.maxkl AS maxdis,
	(SELECT -sum(share * ln(share)) FROM votes WHERE votes.n = h_mean.n) AS vote
FROM h_mean JOIN h_member USING (n) JOIN kl USING (n);
SELECT n, count(*) AS members,
	abs(al.vote_entropy(array_agg(p ORDER BY k)) - r.vote) < 1e-12 AS vote_ok,
	abs(al.consensus_entropy(array_agg(p ORDER BY k)) - r.consensus) < 1e-10 AS consensus_ok,
	abs(al.bald(array_agg(p ORDER BY k)) - r.bald) < 1e-10 AS bald_ok,
	abs(al.max_disagreement(array_agg(p ORDER BY k)) - r.maxdis) < 1e-10 AS maxdis_ok,
	-- al.consensus: each class the float4 rounding of the SQL mean
	(SELECT bool_and(x = mx::real) FROM unnest(al.consensus(p)::float8[]) WITH ORDINALITY u(x, i)
		JOIN (SELECT i, avg(x) AS mx FROM lim_members m2, unnest(m2.p::float8[]) WITH ORDINALITY u2(x, i)
			  WHERE m2.n = lim_members.n GROUP BY i) a USING (i)) AS consensus_mean_ok
FROM lim_members JOIN lim_ref r USING (n) GROUP BY n, r.vote, r.consensus, r.bald, r.maxdis ORDER BY n;

-- ---- one class too many: a clear error (54000, 22023 or 22P02), never a crash ----
CREATE TABLE lim_classes AS SELECT ARRAY[i]::real[] AS x, i::text AS y FROM generate_series(1, 32768) i;
-- (a consensus state's input, echoed in its error, is shown cut)
SELECT q, regexp_replace(pg_temp.try(q), 'sums=\[[0-9,]{100,}\]', 'sums=[0,0,...,1]') AS outcome FROM unnest(ARRAY[
	$$SELECT ('[' || array_to_string(array_fill('0'::text, ARRAY[32767]), ',') || ',1]')::al.probvec::text$$,
	$$SELECT array_fill(0::real, ARRAY[32768])::al.probvec::text$$,
	$$SELECT array_fill(0::float8, ARRAY[32768])::al.probvec::text$$,
	$$SELECT array_fill(0::numeric, ARRAY[32768])::al.probvec::text$$,
	$$SELECT al.softmax(array_fill(0::float8, ARRAY[32768]))::text$$,
	$$SELECT al.normalize(array_fill(1::float8, ARRAY[32768]))::text$$,
	$$SELECT '[1]'::al.probvec(32768)::text$$,
	$$SELECT ('rows=1 sums=[' || array_to_string(array_fill('0'::text, ARRAY[32767]), ',') || ',1]')::al.consensus_state::text$$,
	$$SELECT al.train_model('lim_too_many', 'lim_classes', 'x', 'y')::text$$
]) q;

-- ---- 16,000 features: train on 3 rows, predict ----
CREATE TABLE lim_wide AS
SELECT r, (ARRAY['a', 'b', 'c'])[r] AS y,
	ARRAY(SELECT sin(r * 1.7 + j * 0.37)::real FROM generate_series(1, 16000) j) AS x
FROM generate_series(1, 3) r;
SELECT al.train_model('lim_wide', 'lim_wide', 'x', 'y', '{"tol": 1e-8}') > 0 AS trained,
	al.train_model('lim_wide_committee', 'lim_wide', 'x', 'y', '{"members": 2, "seed": 5}') > 0 AS trained_committee;
SELECT name, n_features, members, classes FROM al.models WHERE name LIKE 'lim\_wide%' ORDER BY name;
-- the logits x . coef + intercept of every member in SQL, from the stored
-- coefficients in the original feature space
CREATE TABLE lim_wide_logits AS
SELECT m.name, w.r, c.member, c.class, c.intercept + (SELECT sum(a::float8 * b) FROM unnest(w.x, c.coef) u(a, b)) AS z
FROM (VALUES ('lim_wide'), ('lim_wide_committee')) m(name), lim_wide w, al.model_coefficients(m.name) c;
CREATE TABLE lim_wide_probs AS
SELECT name, r, member, class, e / sum(e) OVER (PARTITION BY name, r, member) AS p
FROM (SELECT *, exp(z - max(z) OVER (PARTITION BY name, r, member)) AS e FROM lim_wide_logits) l;
-- the optimum (c = 1, not standardized): the gradient of
-- sum CE + ||W||^2 / 2 vanishes, in SQL: for every class and feature
-- sum_i (p_ic - [y_i = c]) x_ij + W_cj, for the intercepts
-- sum_i (p_ic - [y_i = c]); the weights themselves are some 1e-3
WITH xs AS (SELECT w.r, w.y, v.j, v.xv FROM lim_wide w, unnest(w.x) WITH ORDINALITY v(xv, j)),
	 cs AS (SELECT c.class, u.j, u.cj FROM al.model_coefficients('lim_wide') c, unnest(c.coef) WITH ORDINALITY u(cj, j))
SELECT (SELECT standardized FROM al.models WHERE name = 'lim_wide') AS standardized,
	max(abs(g)) < 1e-7 AS gradient_vanishes, max(abs(cj)) > 1e-4 AS weights_not_zero,
	(SELECT max(abs(s)) < 1e-7 FROM (SELECT sum(p.p - (w.y = p.class)::int) AS s FROM lim_wide_probs p
		JOIN lim_wide w USING (r) WHERE p.name = 'lim_wide' GROUP BY p.class) i) AS intercept_gradient_vanishes
FROM (SELECT cs.class, cs.j, cs.cj, cs.cj + sum((p.p - (xs.y = cs.class)::int) * xs.xv) AS g
	  FROM cs JOIN xs USING (j) JOIN lim_wide_probs p ON p.name = 'lim_wide' AND p.r = xs.r AND p.class = cs.class
	  GROUP BY cs.class, cs.j, cs.cj) g;
-- predictions against the SQL probabilities, from real[] and double precision[]
SELECT w.r, al.predict('lim_wide', w.x) AS predicted, al.predict('lim_wide', w.x::float8[]) AS predicted_double,
	(SELECT bool_and(abs(v - p.p) < 1e-6)
	 FROM unnest(al.predict_proba('lim_wide', w.x)::float8[]) WITH ORDINALITY u(v, i)
	 JOIN lim_wide_probs p ON p.name = 'lim_wide' AND p.r = w.r AND p.member = 1 AND p.class = (ARRAY['a', 'b', 'c'])[u.i]) AS proba_ok,
	al.predict_proba('lim_wide', w.x)::text = al.predict_proba('lim_wide', w.x::float8[])::text AS double_same,
	al.predict_proba('lim_wide', w.x)::text = al.predict_proba((SELECT id FROM al.models WHERE name = 'lim_wide'), w.x)::text AS by_id_same,
	(SELECT bool_and(abs(v - p.p) < 1e-6)
	 FROM unnest(al.predict_committee('lim_wide_committee', w.x)) WITH ORDINALITY m(pv, member)
		  CROSS JOIN LATERAL unnest(m.pv::float8[]) WITH ORDINALITY u(v, i)
	 JOIN lim_wide_probs p ON p.name = 'lim_wide_committee' AND p.r = w.r AND p.member = m.member
		  AND p.class = (ARRAY['a', 'b', 'c'])[u.i]) AS committee_ok
FROM lim_wide w ORDER BY w.r;
-- a feature vector one value short, and one too long
SELECT pg_temp.try($$SELECT al.predict_proba('lim_wide', array_fill(0::real, ARRAY[15999]))::text$$) AS short_vector,
	pg_temp.try($$SELECT al.predict_proba('lim_wide', array_fill(0::real, ARRAY[16001]))::text$$) AS long_vector;

-- ---- 10,000 classes: a model over 10,000 rows of 10,000 labels ----
-- (one iteration: each evaluation of the objective costs rows x classes
-- exponentials; the check is that prediction matches the stored weights)
CREATE TABLE lim_10k AS
SELECT i, 'c' || lpad(i::text, 5, '0') AS y, ARRAY[sin(i * 0.1), cos(i * 0.3)]::real[] AS x
FROM generate_series(1, 10000) i;
SELECT al.train_model('lim_10k', 'lim_10k', 'x', 'y', '{"max_iter": 1}') > 0 AS trained;
SELECT n_features, cardinality(classes) AS classes FROM al.models WHERE name = 'lim_10k';
-- softmax of the stored weights in SQL, for three rows
CREATE TABLE lim_10k_probs AS
SELECT i, class, e / sum(e) OVER (PARTITION BY i) AS p
FROM (SELECT i, class, exp(z - max(z) OVER (PARTITION BY i)) AS e
	  FROM (SELECT t.i, c.class, c.intercept + c.coef[1] * t.x[1] + c.coef[2] * t.x[2] AS z
			FROM lim_10k t, al.model_coefficients('lim_10k') c
			WHERE t.i IN (1, 5000, 10000)) z) e;
SELECT t.i, al.num_classes(al.predict_proba('lim_10k', t.x)) AS classes,
	al.predict('lim_10k', t.x) = 'c' || lpad(al.argmax(al.predict_proba('lim_10k', t.x))::text, 5, '0') AS predict_is_argmax,
	(SELECT max(abs(v - r.p) / r.p) FROM unnest(al.predict_proba('lim_10k', t.x)::float8[]) WITH ORDINALITY u(v, k)
	 JOIN lim_10k_probs r ON r.i = t.i AND r.class = 'c' || lpad(u.k::text, 5, '0')) < 1e-5 AS proba_ok,
	(SELECT max(p) / min(p) FROM lim_10k_probs r WHERE r.i = t.i) > 1.001 AS not_uniform
FROM lim_10k t WHERE t.i IN (1, 5000, 10000) ORDER BY t.i;

SELECT al.drop_model('lim_wide') + al.drop_model('lim_wide_committee') + al.drop_model('lim_10k') AS dropped;
DROP TABLE lim_p, lim_members, lim_ref, lim_classes, lim_wide, lim_wide_logits, lim_wide_probs, lim_10k, lim_10k_probs;
