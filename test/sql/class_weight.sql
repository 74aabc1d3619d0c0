-- The class_weight option of al.train_model and of learners: "balanced"
-- (n / (k n_c) over the training rows) or explicit {"label": weight}
-- weights, which multiply each training row's sample weight.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- 2 rows of class a, 6 of class b (overlapping): balanced weights are
-- 8 / (2 * 2) = 2 and 8 / (2 * 6) = 0.666...
CREATE TABLE cw (id bigint, x real[], y text);
INSERT INTO cw VALUES
	(1, '{1.0, 0.5}', 'a'), (2, '{0.2, 1.5}', 'a'),
	(3, '{0.0, 0.0}', 'b'), (4, '{-1.0, 0.3}', 'b'), (5, '{0.5, -0.5}', 'b'),
	(6, '{0.9, 1.1}', 'b'), (7, '{-0.4, -1.2}', 'b'), (8, '{0.1, 0.7}', 'b');
SELECT 8.0 / (2 * 2) AS w_a, (8::float8 / (2 * 6))::text AS w_b;

SELECT al.train_model('cw_bal', 'cw', 'x', 'y', '{"class_weight": "balanced", "tol": 1e-10, "max_iter": 1000}') > 0 AS trained;
SELECT al.train_model('cw_exp', 'cw', 'x', 'y', '{"class_weight": {"a": 2, "b": 0.6666666666666666}, "tol": 1e-10, "max_iter": 1000}') > 0 AS trained;
SELECT al.train_model('cw_none', 'cw', 'x', 'y', '{"tol": 1e-10, "max_iter": 1000}') > 0 AS trained;
SELECT name, options->'class_weight' AS class_weight, (metrics->>'converged')::boolean AS converged
FROM al.models WHERE name LIKE 'cw%' ORDER BY name;
-- balanced and the same weights given explicitly: the same model, bit for bit
SELECT bool_and(b.intercept = e.intercept AND b.coef = e.coef) AS balanced_equals_explicit,
       bool_or(b.coef <> n.coef) AS differs_from_unweighted
FROM al.model_coefficients('cw_bal') b JOIN al.model_coefficients('cw_exp') e USING (member, class)
     JOIN al.model_coefficients('cw_none') n USING (member, class);
-- committees: the bootstrap counts multiply the class weights the same way
SELECT al.train_model('cw_bal3', 'cw', 'x', 'y', '{"class_weight": "balanced", "members": 3, "seed": 5}') > 0 AS trained;
SELECT al.train_model('cw_exp3', 'cw', 'x', 'y', '{"class_weight": {"a": 2, "b": 0.6666666666666666}, "members": 3, "seed": 5}') > 0 AS trained;
SELECT al.train_model('cw_none3', 'cw', 'x', 'y', '{"members": 3, "seed": 5}') > 0 AS trained;
SELECT count(*) AS rows, bool_and(b.intercept = e.intercept AND b.coef = e.coef) AS committee_balanced_equals_explicit,
       bool_or(b.coef <> n.coef) AS differs_from_unweighted
FROM al.model_coefficients('cw_bal3') b JOIN al.model_coefficients('cw_exp3') e USING (member, class)
     JOIN al.model_coefficients('cw_none3') n USING (member, class);

-- weights 3:1 are the objective of a table where each a-row is there 3 times
CREATE TABLE cw_dup AS
SELECT id, x, y FROM cw, generate_series(1, CASE WHEN y = 'a' THEN 3 ELSE 1 END) r;
SELECT y, count(*) FROM cw_dup GROUP BY y ORDER BY y;
SELECT al.train_model('cw_31', 'cw', 'x', 'y', '{"class_weight": {"a": 3, "b": 1}, "tol": 1e-10, "max_iter": 1000}') > 0 AS trained;
SELECT al.train_model('cw_dup', 'cw_dup', 'x', 'y', '{"tol": 1e-10, "max_iter": 1000}') > 0 AS trained;
SELECT count(*) AS classes,
       max(greatest(abs(w.intercept - d.intercept), abs(w.coef[1] - d.coef[1]), abs(w.coef[2] - d.coef[2]))) < 1e-6 AS weights_equal_duplication
FROM al.model_coefficients('cw_31') w JOIN al.model_coefficients('cw_dup') d USING (member, class);

-- the optimum: the gradient of sum_i w_{y_i} CE_i + ||W||^2 / (2c) (c = 1,
-- the intercept not penalized), computed here in double precision from the
-- stored coefficients (softmax in SQL), is below tol; al.predict_proba (a
-- probvec of reals) gives the same probabilities within real's precision
CREATE FUNCTION pg_temp.softmax_rows(model text) RETURNS TABLE (id bigint, class text, p float8) LANGUAGE sql AS $$
	WITH z AS (
		SELECT t.id, c.class, c.intercept + c.coef[1] * t.x[1] + c.coef[2] * t.x[2] AS z
		FROM cw t, al.model_coefficients(model) c
	), e AS (
		SELECT id, class, exp(z - max(z) OVER (PARTITION BY id)) AS e FROM z
	)
	SELECT id, class, e / sum(e) OVER (PARTITION BY id) FROM e
$$;
CREATE FUNCTION pg_temp.weighted_gradient(model text, wa float8, wb float8) RETURNS float8 LANGUAGE sql AS $$
	WITH r AS (
		SELECT c.class, c.coef, j,
		       CASE t.y WHEN 'a' THEN wa ELSE wb END * (s.p - (t.y = c.class)::int) AS resid,
		       CASE WHEN j = 0 THEN 1 ELSE t.x[j] END AS xj
		FROM cw t JOIN pg_temp.softmax_rows(model) s ON s.id = t.id
		     JOIN al.model_coefficients(model) c ON c.class = s.class, generate_series(0, 2) j
	), g AS (
		SELECT class, j, sum(resid * xj) + CASE WHEN j = 0 THEN 0 ELSE min(coef[j]) END AS grad
		FROM r GROUP BY class, j
	)
	SELECT max(abs(grad)) FROM g
$$;
SELECT pg_temp.weighted_gradient('cw_bal', 2, 8::float8 / 12) < 1e-8 AS balanced_at_optimum,
       pg_temp.weighted_gradient('cw_31', 3, 1) < 1e-8 AS explicit_at_optimum,
       pg_temp.weighted_gradient('cw_none', 2, 8::float8 / 12) > 1e-3 AS unweighted_is_not_the_weighted_optimum,
       pg_temp.weighted_gradient('cw_none', 1, 1) < 1e-8 AS unweighted_at_its_optimum;
SELECT count(*) AS probabilities,
       max(abs(s.p - (al.predict_proba('cw_bal', t.x)::float8[])[CASE s.class WHEN 'a' THEN 1 ELSE 2 END])) < 1e-6 AS predict_proba_agrees
FROM pg_temp.softmax_rows('cw_bal') s JOIN cw t USING (id);

-- a class the object does not name has weight 1
SELECT al.train_model('cw_a3', 'cw', 'x', 'y', '{"class_weight": {"a": 3}, "tol": 1e-10, "max_iter": 1000}') > 0 AS trained;
SELECT bool_and(w.intercept = d.intercept AND w.coef = d.coef) AS missing_class_weighs_1
FROM al.model_coefficients('cw_a3') w JOIN al.model_coefficients('cw_31') d USING (member, class);

-- a learner with class_weight balanced trains the model al.train_model
-- trains with the same option on the learner's labeled rows
CREATE TABLE cw_pool AS SELECT id, x FROM cw;
SELECT al.create_learner('cwl', 'cw_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
                         '{"retrain_every": 8, "class_weight": "balanced"}') > 0 AS created;
SELECT options->'class_weight' AS class_weight FROM al.learners WHERE name = 'cwl';
SELECT count(*) AS labeled FROM (SELECT al.label('cwl', id, y) FROM cw) s;
SELECT al.run_learner('cwl') AS round;
SELECT model_version FROM al.learner_status WHERE learner = 'cwl';
CREATE TABLE cwl_rows AS
SELECT p.x, l.label AS y FROM al.labels l JOIN cw_pool p ON p.id = l.item_id::bigint
WHERE l.learner_id = (SELECT id FROM al.learners WHERE name = 'cwl');
SELECT al.train_model('cw_learner_rows', 'cwl_rows', 'x', 'y', '{"class_weight": "balanced"}') > 0 AS trained;
SELECT count(*) AS classes,
       max(greatest(abs(l.intercept - t.intercept), abs(l.coef[1] - t.coef[1]), abs(l.coef[2] - t.coef[2]))) < 1e-9 AS learner_equals_train_model,
       bool_or(l.coef <> n.coef) AS differs_from_unweighted
FROM al.model_coefficients('learner/cwl') l JOIN al.model_coefficients('cw_learner_rows') t USING (member, class)
     JOIN al.model_coefficients('cw_none') n USING (member, class);
SELECT m.options->'class_weight' AS model_class_weight FROM al.models m WHERE m.name = 'learner/cwl';
-- alter_learner: explicit weights, checked against the learner's classes; null turns them off
SELECT al.alter_learner('cwl', NULL, '{"class_weight": {"b": 0.5}}');
SELECT options->'class_weight' AS class_weight FROM al.learners WHERE name = 'cwl';
SELECT pg_temp.try($$SELECT al.alter_learner('cwl', NULL, '{"class_weight": {"c": 0.5}}')::text$$) AS unknown_class;
SELECT al.alter_learner('cwl', NULL, '{"class_weight": null}');
SELECT options ? 'class_weight' AS has_class_weight FROM al.learners WHERE name = 'cwl';

-- errors
SELECT o AS option, pg_temp.try(format($$SELECT al.train_model('cw_err', 'cw', 'x', 'y', %L)::text$$, o)) AS result
FROM unnest(ARRAY[
	'{"class_weight": 1}', '{"class_weight": [1]}', '{"class_weight": true}', '{"class_weight": "Balanced"}',
	'{"class_weight": {"a": -1}}', '{"class_weight": {"a": 0}}', '{"class_weight": {"a": 1e400}}',
	'{"class_weight": {"a": 1e-400}}', '{"class_weight": {"a": "2"}}', '{"class_weight": {"a": null}}',
	'{"class_weight": {"a": {"x": 1}}}', '{"class_weight": {"c": 1}}', '{"class_weight": {"A": 1}}',
	'{"class_weight": {"a": 1, "b": 0}}']) o;
-- NaN and infinity cannot be JSON numbers: jsonb turns them into strings
SELECT pg_temp.try(format($$SELECT al.train_model('cw_err', 'cw', 'x', 'y', %L)::text$$,
                          jsonb_build_object('class_weight', jsonb_build_object('a', v)))) AS result
FROM unnest(ARRAY['NaN'::float8, 'Infinity', '-Infinity']) v;
SELECT pg_temp.try($$SELECT al.create_learner('cwl2', 'cw_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"class_weight": {"z": 1}}')::text$$) AS unknown_class,
       pg_temp.try($$SELECT al.create_learner('cwl2', 'cw_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"class_weight": "none"}')::text$$) AS unknown_string,
       pg_temp.try($$SELECT al.create_learner('cwl2', 'cw_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"class_weight": {"a": -2}}')::text$$) AS negative;
SELECT count(*) AS nothing_stored FROM al.models WHERE name = 'cw_err';

SELECT al.drop_learner('cwl');
SELECT count(al.drop_model(name)) AS dropped
FROM (SELECT DISTINCT name FROM al.models WHERE name LIKE 'cw%') s;
SELECT count(*) AS models_left FROM al.models;
DROP TABLE cw, cw_dup, cw_pool, cwl_rows;
