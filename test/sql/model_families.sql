-- Model families in the store (issue 13): one-vs-rest logistic ('ovr',
-- label sets in a text[] column) and ridge regression ('ridge', a number
-- column) trained by al.train_model, their prediction functions, and every
-- error with its SQLSTATE.  Checked against independent computations:
-- ridge against the normal equations of [X 1] solved here in numeric
-- (Gaussian elimination, as test/sql/ridge.sql does); one-vs-rest against
-- the gradient of each label's objective computed in plain SQL at the
-- returned weights, and against al_ext's own binary model: a 2-class
-- softmax of c / 2 reaches the binary logistic of c (derivation below).

-- errors as "SQLSTATE: message"
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- the reference: the normal equations solved in numeric (pg_temp.gauss,
-- pg_temp.ref_ridge, pg_temp.rel_diff), in test/sql/include/ridge_reference.sql
\getenv abs_srcdir PG_ABS_SRCDIR
\set ridge_reference :abs_srcdir '/sql/include/ridge_reference.sql'
\i :ridge_reference

-- 60 rows: 3 features (real), label sets over {a, b, c} from noisy linear
-- rules (some rows have none), a numeric target and a float8 one
CREATE TABLE mf (id int PRIMARY KEY, x real[], tags text[], amount numeric, y float8);
INSERT INTO mf
SELECT i, x,
	ARRAY(SELECT t FROM (VALUES ('a', x[1] + 0.4 * sin(i * 5.3) > 0),
	                            ('b', x[2] - x[3] + 0.5 * cos(i * 3.1) > 0.2),
	                            ('c', x[1] * x[2] + 0.3 * sin(i * 1.9) > 0.1)) v(t, on_)
	      WHERE on_),
	round((3 + 2 * x[1] - x[2] + 0.5 * x[3] + 0.2 * sin(i * 7.7))::numeric, 4),
	1 - x[1] + 0.1 * cos(i)
FROM generate_series(1, 60) i,
	LATERAL (SELECT ARRAY[sin(i * 1.3), cos(i * 0.7), (i % 7) / 4.0]::real[] AS x) f;
SELECT count(*) FILTER (WHERE 'a' = ANY (tags)) AS a, count(*) FILTER (WHERE 'b' = ANY (tags)) AS b,
	count(*) FILTER (WHERE 'c' = ANY (tags)) AS c, count(*) FILTER (WHERE tags = '{}') AS no_label
FROM mf;

-- ==== ridge ====
SELECT al.train_model('mf_ridge', 'mf', 'x', 'amount', '{"family": "ridge", "alpha": 0.5}') > 0 AS trained;
SELECT family, classes, n_features, members, standardized, options, metrics->'train_rows' AS train_rows,
	metrics ? 'train_rmse' AND metrics ? 'train_r2' AS has_fit_figures
FROM al.models WHERE name = 'mf_ridge';
-- against the closed form (the features as the model reads them: real)
SELECT member, class, pg_temp.rel_diff(coef, intercept,
	pg_temp.ref_ridge('SELECT x::float8[] AS x, amount::float8 AS y FROM mf', 0.5, false)) < 1e-10 AS closed_form
FROM al.model_coefficients('mf_ridge');
-- standardized: the penalty on the standardized coefficients, coef in original units
SELECT al.train_model('mf_ridge_std', 'mf', 'x', 'y', '{"family": "ridge", "alpha": 2, "standardize": true}') > 0 AS trained;
SELECT pg_temp.rel_diff(coef, intercept,
	pg_temp.ref_ridge('SELECT x::float8[] AS x, y FROM mf', 2, true)) < 1e-10 AS closed_form_standardized
FROM al.model_coefficients('mf_ridge_std');
-- the same fit as al.ridge_fit on the same rows
SELECT pg_temp.rel_diff(m.coef, m.intercept, f.coef || f.intercept) < 1e-10 AS same_as_ridge_fit
FROM al.model_coefficients('mf_ridge') m, al.ridge_fit('mf', 'x', 'amount', 0.5) f;
-- predictions: intercept + coef . x in SQL, by name and by id, real[] and double precision[]
SELECT count(*) AS rows,
	count(*) FILTER (WHERE abs(al.predict_value('mf_ridge', mf.x) - (c.intercept + (SELECT sum(w * v) FROM unnest(c.coef, mf.x) u(w, v)))) < 1e-9) AS by_name,
	count(*) FILTER (WHERE al.predict_value((SELECT id FROM al.models WHERE name = 'mf_ridge'), mf.x::float8[]) = al.predict_value('mf_ridge', mf.x)) AS by_id,
	count(*) FILTER (WHERE al.predict_value_real('mf_ridge', mf.x) = al.predict_value('mf_ridge', mf.x::float8[])) AS real_twin
FROM mf, al.model_coefficients('mf_ridge') c;
-- the planner reads a real[] column in place (the _real twin)
EXPLAIN (VERBOSE, COSTS OFF) SELECT al.predict_value('mf_ridge', x) FROM mf;
-- a bagged committee: 3 bootstrap members (seeded), the mean of the members
SELECT al.train_model('mf_ridge3', 'mf', 'x', 'amount', '{"family": "ridge", "members": 3, "seed": 11}') > 0 AS trained;
SELECT count(*) AS member_rows, count(DISTINCT intercept) AS distinct_members, bool_and(class IS NULL) AS no_class
FROM al.model_coefficients('mf_ridge3');
SELECT cardinality(v) AS members,
	abs((SELECT avg(e) FROM unnest(v) e) - al.predict_value('mf_ridge3', x)) < 1e-5 * greatest(1, abs(al.predict_value('mf_ridge3', x))) AS mean_of_members
FROM (SELECT x, al.predict_committee_values('mf_ridge3', x) AS v FROM mf WHERE id = 4) s;
-- member 2 = ridge on its bootstrap: the same seed trains the same members
SELECT al.train_model('mf_ridge3b', 'mf', 'x', 'amount', '{"family": "ridge", "members": 3, "seed": 11}') > 0 AS trained;
SELECT (SELECT array_agg(intercept ORDER BY member) FROM al.model_coefficients('mf_ridge3'))
	= (SELECT array_agg(intercept ORDER BY member) FROM al.model_coefficients('mf_ridge3b')) AS seeded;
-- integer and float8 targets; NULL targets are not training rows
CREATE TABLE mf_int AS SELECT id, x, round(amount)::int AS n FROM mf;
UPDATE mf_int SET n = NULL WHERE id % 4 = 0;
SELECT al.train_model('mf_ridge_int', 'mf_int', 'x', 'n', '{"family": "ridge"}') > 0 AS trained;
SELECT (metrics->>'train_rows')::int AS train_rows, pg_temp.rel_diff(coef, intercept,
	pg_temp.ref_ridge('SELECT x::float8[] AS x, n::float8 AS y FROM mf_int WHERE n IS NOT NULL', 1, false)) < 1e-10 AS closed_form
FROM al.model_coefficients('mf_ridge_int'), al.models WHERE name = 'mf_ridge_int';

-- ==== one-vs-rest ====
SELECT al.train_model('mf_ovr', 'mf', 'x', 'tags', '{"family": "ovr", "c": 1, "tol": 1e-9, "max_iter": 1000}') > 0 AS trained;
SELECT family, classes, members, options, metrics->'classes' AS k, (metrics->>'converged')::bool AS converged,
	metrics ? 'train_subset_accuracy' AND metrics ? 'train_hamming_loss' AS has_fit_figures
FROM al.models WHERE name = 'mf_ovr';
-- the gradient of each label's objective sum_i BCE + ||w||^2 / (2c) at the
-- returned weights, in plain SQL: (sigmoid(z_i) - y_i) x_i summed + w / c,
-- and the intercept's sum_i (sigmoid(z_i) - y_i): ~0
WITH z AS (
	SELECT c.class, c.coef, mf.x, ('{' || c.class || '}')::text[] <@ mf.tags AS y,
		1 / (1 + exp(-(c.intercept + (SELECT sum(w * v) FROM unnest(c.coef, mf.x) u(w, v))))) AS p
	FROM al.model_coefficients('mf_ovr') c, mf
), g AS (
	SELECT class, j, sum((p - y::int) * x[j]) + min(coef[j]) / 1 AS g
	FROM z, generate_series(1, 3) j GROUP BY class, j
	UNION ALL
	SELECT class, 0, sum(p - y::int) FROM z GROUP BY class
)
SELECT class, max(abs(g)) < 1e-5 AS gradient_zero FROM g GROUP BY class ORDER BY class;
-- against al_ext's binary model.  A binary logistic p = sigmoid(w.x + b)
-- with penalty ||w||^2 / (2c) is a 2-class softmax (classes no, yes) with
-- weights W_yes, W_no, since p(yes) = sigmoid((W_yes - W_no).x + b_yes -
-- b_no), if w = W_yes - W_no.  For a given w the softmax penalty
-- (||W_yes||^2 + ||W_no||^2) / (2c') is least at W_yes = -W_no = w / 2,
-- where it is ||w||^2 / (4c'); so the softmax minimum is the binary one
-- when ||w||^2 / (4c') = ||w||^2 / (2c): c' = c / 2.  (Its intercepts are
-- only defined up to a common shift, and b = b_yes - b_no.)
CREATE VIEW mf_binary AS
SELECT id, x, t AS label, CASE WHEN t = ANY (tags) THEN 'yes' ELSE 'no' END AS has
FROM mf, unnest(ARRAY['a', 'b', 'c']) t;
CREATE FUNCTION pg_temp.binary_fit(t text) RETURNS float8[] LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('CREATE TEMP VIEW mf_bin_%s AS SELECT id, x, has FROM mf_binary WHERE label = %L', t, t);
	PERFORM al.train_model('mf_bin_' || t, ('mf_bin_' || t)::regclass, 'x', 'has',
						   '{"c": 0.5, "tol": 1e-9, "max_iter": 1000}');
	RETURN (SELECT array_agg(v ORDER BY j) FROM (
		SELECT j, (SELECT coef[j] FROM al.model_coefficients('mf_bin_' || t) WHERE class = 'yes')
		        - (SELECT coef[j] FROM al.model_coefficients('mf_bin_' || t) WHERE class = 'no') AS v
		FROM generate_series(1, 3) j
		UNION ALL
		SELECT 4, (SELECT intercept FROM al.model_coefficients('mf_bin_' || t) WHERE class = 'yes')
		        - (SELECT intercept FROM al.model_coefficients('mf_bin_' || t) WHERE class = 'no')) s);
END $$;
SELECT c.class, pg_temp.rel_diff(c.coef, c.intercept, pg_temp.binary_fit(c.class)) < 1e-5 AS same_as_binary_softmax
FROM al.model_coefficients('mf_ovr') c ORDER BY c.class;
-- and their probabilities: p(label) = the binary model's p(yes)
SELECT t AS class, max(abs((al.predict_label_probs('mf_ovr', mf.x))[i] - (al.predict_proba('mf_bin_' || t, mf.x)::float8[])[2])) < 1e-5 AS same_probabilities
FROM mf, unnest(ARRAY['a', 'b', 'c']) WITH ORDINALITY u(t, i) GROUP BY t ORDER BY t;
-- predictions: probabilities (a valid independent-label real[]), the set at 0.5
SELECT id, al.check_label_probs(al.predict_label_probs('mf_ovr', x)) AS labels,
	al.predict_labels('mf_ovr', x) AS predicted, tags
FROM mf WHERE id <= 5 ORDER BY id;
SELECT count(*) AS rows,
	count(*) FILTER (WHERE al.predict_labels('mf_ovr', x) = ARRAY(
		SELECT c FROM unnest(al.predict_label_probs('mf_ovr', x), ARRAY['a', 'b', 'c']) WITH ORDINALITY u(p, c, i)
		WHERE p >= 0.5 ORDER BY i)) AS set_at_half,
	count(*) FILTER (WHERE al.predict_label_probs((SELECT id FROM al.models WHERE name = 'mf_ovr'), x::float8[])
		= al.predict_label_probs('mf_ovr', x)) AS by_id,
	count(*) FILTER (WHERE al.predict_labels((SELECT id FROM al.models WHERE name = 'mf_ovr'), x::float8[])
		= al.predict_labels_real('mf_ovr', x)) AS labels_by_id,
	count(*) FILTER (WHERE al.predict_label_probs_real('mf_ovr', x) = al.predict_label_probs('mf_ovr', x::float8[])) AS real_twin
FROM mf;
EXPLAIN (VERBOSE, COSTS OFF) SELECT al.predict_label_probs('mf_ovr', x), al.predict_labels('mf_ovr', x) FROM mf;
-- standardized (the penalty on the standardized coefficients): the
-- probabilities are the sigmoids of the original-space coefficients that
-- al.model_coefficients gives, computed in SQL
SELECT al.train_model('mf_ovr_std', 'mf', 'x', 'tags', '{"family": "ovr", "standardize": true}') > 0 AS trained;
SELECT m.standardized, max(abs((al.predict_label_probs('mf_ovr_std', mf.x))[i]
	- 1 / (1 + exp(-(c.intercept + (SELECT sum(w * v) FROM unnest(c.coef, mf.x) u(w, v))))))) < 1e-6 AS original_space
FROM mf, al.models m, al.model_coefficients('mf_ovr_std') c
	JOIN unnest(ARRAY['a', 'b', 'c']) WITH ORDINALITY u(t, i) ON u.t = c.class
WHERE m.name = 'mf_ovr_std' GROUP BY m.standardized;
-- a committee: members x classes, the mean is al.predict_label_probs
SELECT al.train_model('mf_ovr3', 'mf', 'x', 'tags', '{"family": "ovr", "members": 3, "seed": 5}') > 0 AS trained;
SELECT array_dims(m) AS shape,
	(SELECT max(abs(((m[1][i] + m[2][i] + m[3][i]) / 3) - p[i])) FROM generate_series(1, 3) i) < 1e-6 AS mean_of_members,
	m[1:1][1:3] <> m[2:2][1:3] AS members_differ
FROM (SELECT al.predict_committee_label_probs('mf_ovr3', x) AS m, al.predict_label_probs('mf_ovr3', x) AS p FROM mf WHERE id = 7) s;
SELECT (SELECT al.predict_committee_label_probs((SELECT id FROM al.models WHERE name = 'mf_ovr3'), x::float8[]))
	= al.predict_committee_label_probs_real('mf_ovr3', x) AS by_id FROM mf WHERE id = 7;
SELECT count(*) AS coefficient_rows FROM al.model_coefficients('mf_ovr3');
-- the classes option: its order kept, a class no row has predicts 0, one every row has 1
CREATE TABLE mf_all AS SELECT id, x, tags || '{always}'::text[] AS tags FROM mf;
SELECT al.train_model('mf_ovr_given', 'mf_all', 'x', 'tags',
	'{"family": "ovr", "classes": ["c", "always", "b", "a", "never"]}') > 0 AS trained;
SELECT classes, options->'classes' AS option FROM al.models WHERE name = 'mf_ovr_given';
SELECT (al.predict_label_probs('mf_ovr_given', x))[2] AS always, (al.predict_label_probs('mf_ovr_given', x))[5] AS never,
	abs((al.predict_label_probs('mf_ovr_given', x))[1] - (al.predict_label_probs('mf_ovr', x))[3]) < 1e-3 AS c_as_before
FROM mf WHERE id = 1;
SELECT class, intercept FROM al.model_coefficients('mf_ovr_given') WHERE class IN ('always', 'never') ORDER BY class;
-- NULL label sets are not training rows; '{}' is a row without any label
UPDATE mf_all SET tags = NULL WHERE id > 50;
SELECT al.train_model('mf_ovr_null', 'mf_all', 'x', 'tags', '{"family": "ovr"}') > 0 AS trained;
SELECT metrics->'train_rows' AS train_rows, classes FROM al.models WHERE name = 'mf_ovr_null';

-- ==== softmax unchanged: family default and explicit ====
CREATE TABLE mf_cls AS SELECT id, x, CASE WHEN x[1] > 0 THEN 'pos' ELSE 'neg' END AS y FROM mf;
SELECT al.train_model('mf_soft', 'mf_cls', 'x', 'y') > 0 AS default_family,
	al.train_model('mf_soft', 'mf_cls', 'x', 'y', '{"family": "softmax"}') > 0 AS explicit_family;
SELECT version, family, options ? 'family' AS options_name_family FROM al.models WHERE name = 'mf_soft' ORDER BY version;
SELECT (SELECT array_agg(coef ORDER BY class) FROM al.model_coefficients('mf_soft', 1))
	= (SELECT array_agg(coef ORDER BY class) FROM al.model_coefficients('mf_soft', 2)) AS same_model;

-- ==== errors ====
\set VERBOSITY terse
-- family and options
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'tags', '{"family": "tree"}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'tags', '{"family": 1}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'tags', '{"family": "OVR"}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'tags', '{"family": "ovr", "holdout": 0.2}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'tags', '{"family": "ovr", "class_weight": "balanced"}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'tags', '{"family": "ovr", "alpha": 1}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'amount', '{"family": "ridge", "c": 1}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'amount', '{"family": "ridge", "classes": ["a"]}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_cls', 'x', 'y', '{"alpha": 1}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'amount', '{"family": "ridge", "alpha": 0}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'amount', '{"family": "ridge", "alpha": "1"}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'tags', '{"family": "ovr", "classes": []}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'tags', '{"family": "ovr", "classes": "a"}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'tags', '{"family": "ovr", "classes": ["a", 1]}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'tags', '{"family": "ovr", "classes": ["a", "b", "a"]}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'tags', '{"famly": "ovr"}')$$);
-- wrong label column types
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'amount', '{"family": "ovr"}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_cls', 'x', 'y', '{"family": "ovr"}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf', 'x', 'tags', '{"family": "ridge"}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_cls', 'x', 'y', '{"family": "ridge"}')$$);
-- labels that are not a set, unknown classes
CREATE TABLE mf_bad (id int PRIMARY KEY, x real[], tags text[], v numeric, f float8);
INSERT INTO mf_bad VALUES (1, '{1,2}', '{a}', 1, 1), (2, '{2,1}', '{b,a,b}', 2, 2), (3, '{0,1}', '{a}', 3, 3);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_bad', 'x', 'tags', '{"family": "ovr"}')$$);
UPDATE mf_bad SET tags = '{b,NULL}' WHERE id = 2;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_bad', 'x', 'tags', '{"family": "ovr"}')$$);
UPDATE mf_bad SET tags = '{{a},{b}}' WHERE id = 2;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_bad', 'x', 'tags', '{"family": "ovr"}')$$);
UPDATE mf_bad SET tags = '{b,z}' WHERE id = 2;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_bad', 'x', 'tags', '{"family": "ovr", "classes": ["a", "b"]}')$$);
-- NaN and infinite targets
UPDATE mf_bad SET v = 'NaN' WHERE id = 3;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_bad', 'x', 'v', '{"family": "ridge"}')$$);
UPDATE mf_bad SET f = '-Infinity' WHERE id = 2;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_bad', 'x', 'f', '{"family": "ridge"}')$$);
UPDATE mf_bad SET v = 'Infinity' WHERE id = 3;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_bad', 'x', 'v', '{"family": "ridge"}')$$);
-- empty training sets
UPDATE mf_bad SET tags = NULL, v = NULL;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_bad', 'x', 'tags', '{"family": "ovr"}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_bad', 'x', 'tags', '{"family": "ovr", "classes": ["a"]}')$$);
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_bad', 'x', 'v', '{"family": "ridge"}')$$);
UPDATE mf_bad SET tags = '{}';
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_bad', 'x', 'tags', '{"family": "ovr"}')$$);
UPDATE mf_bad SET v = 1 WHERE id = 1;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mf_bad', 'x', 'v', '{"family": "ridge"}')$$);
SELECT count(*) AS nothing_stored FROM al.models WHERE name = 'e';
-- a prediction function of another family: 42809
SELECT pg_temp.try($$SELECT al.predict_proba('mf_ovr', '{1,2,3}')$$);
SELECT pg_temp.try($$SELECT al.predict('mf_ridge', '{1,2,3}')$$);
SELECT pg_temp.try($$SELECT al.predict_committee('mf_ovr', '{1,2,3}')$$);
SELECT pg_temp.try($$SELECT al.predict_value('mf_ovr', '{1,2,3}')$$);
SELECT pg_temp.try($$SELECT al.predict_committee_values('mf_soft', '{1,2,3}')$$);
SELECT pg_temp.try($$SELECT al.predict_label_probs('mf_ridge', '{1,2,3}')$$);
SELECT pg_temp.try($$SELECT al.predict_labels('mf_soft', '{1,2,3}')$$);
SELECT pg_temp.try($$SELECT al.predict_committee_label_probs('mf_ridge', '{1,2,3}')$$);
SELECT pg_temp.try(format('SELECT al.predict_proba(%s, %L)', (SELECT id FROM al.models WHERE name = 'mf_ridge'), '{1,2,3}'));
SELECT pg_temp.try($$SELECT al.expected_error_reduction('mf_ridge', 'mf', 'id', 'x', 'amount')$$);
-- features and models as for every prediction function
SELECT pg_temp.try($$SELECT al.predict_value('mf_ridge', '{1,2}')$$);
SELECT pg_temp.try($$SELECT al.predict_label_probs('mf_ovr', '{1,NULL,3}')$$);
SELECT pg_temp.try($$SELECT al.predict_labels('mf_ovr', '{1,NaN,3}')$$);
SELECT pg_temp.try($$SELECT al.predict_value('no_such_model', '{1,2,3}')$$);
SELECT pg_temp.try($$SELECT al.predict_value(-1::bigint, '{1,2,3}')$$);
\set VERBOSITY default

-- ==== privileges: as al.train_model for softmax ====
CREATE ROLE regress_mf_owner;
CREATE ROLE regress_mf_other;
GRANT SELECT ON mf TO regress_mf_owner;
GRANT SELECT ON mf_int TO regress_mf_other;
SET ROLE regress_mf_other;
-- no SELECT on the table: the rows are read as the caller
SELECT pg_temp.try($$SELECT al.train_model('mf_priv', 'mf', 'x', 'tags', '{"family": "ovr"}')$$);
RESET ROLE;
SET ROLE regress_mf_owner;
SELECT al.train_model('mf_priv', 'mf', 'x', 'tags', '{"family": "ovr"}') > 0 AS owner_trains,
	al.train_model('mf_priv_r', 'mf', 'x', 'amount', '{"family": "ridge"}') > 0 AS owner_trains_ridge;
RESET ROLE;
SELECT name, owner, family FROM al.models WHERE name LIKE 'mf\_priv%' ORDER BY name;
SET ROLE regress_mf_other;
SELECT pg_temp.try($$SELECT al.predict_labels('mf_priv', '{1,2,3}')$$) LIKE '42501%' AS stranger_cannot_predict,
	pg_temp.try($$SELECT al.predict_value('mf_priv_r', '{1,2,3}')$$) LIKE '42501%' AS stranger_cannot_predict_ridge,
	pg_temp.try($$SELECT al.train_model('mf_priv_r', 'mf_int', 'x', 'n', '{"family": "ridge"}')$$) LIKE '42501%' AS stranger_cannot_add_version,
	(SELECT count(*) FROM al.models WHERE name LIKE 'mf\_priv%') AS stranger_lists;
RESET ROLE;
DO $$ BEGIN EXECUTE format('GRANT SELECT ON %s TO regress_mf_other', (SELECT handle FROM al.models WHERE name = 'mf_priv_r')); END $$;
SET ROLE regress_mf_other;
SELECT al.predict_value('mf_priv_r', '{1,2,3}') IS NOT NULL AS grantee_predicts,
	pg_temp.try($$SELECT al.predict_labels('mf_priv', '{1,2,3}')$$) LIKE '42501%' AS not_the_other_model;
RESET ROLE;
SET ROLE regress_mf_owner;
SELECT al.drop_model('mf_priv') AS dropped, al.drop_model('mf_priv_r') AS dropped_r;
RESET ROLE;
DROP OWNED BY regress_mf_owner, regress_mf_other;
DROP ROLE regress_mf_owner;
DROP ROLE regress_mf_other;

-- the store's CHECKs: a family it does not know, a ridge model with classes
SELECT pg_temp.try($$UPDATE al.model_store SET family = 'tree' WHERE name = 'mf_ovr'$$);
SELECT pg_temp.try($$UPDATE al.model_store SET family = 'ridge' WHERE name = 'mf_ovr'$$);

-- clean up: later suites count the models
SELECT sum(al.drop_model(name)) AS dropped
FROM (SELECT DISTINCT name FROM al.models WHERE name LIKE 'mf\_%') s;
