-- In-database models: training reaches the optimum, is deterministic,
-- predicts what its stored weights say, and every error is reported.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- Gaussian mixtures: k classes, d features, class c centred at sep * (c, -c, c, ...)
CREATE FUNCTION pg_temp.mixture(tab text, n int, d int, k int, sep float8, seed float8) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM setseed(seed);
	EXECUTE format($q$
		CREATE TABLE %I AS
		SELECT i AS id, i %% %s AS y,
		       ARRAY(SELECT (sep * ((i %% %s) * (CASE WHEN j %% 2 = 0 THEN 1 ELSE -1 END))
		                     + sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::real
		             FROM generate_series(1, %s) j) AS x
		FROM generate_series(1, %s) i, (SELECT %s::float8 AS sep) s
		ORDER BY i$q$, tab, k, k, d, n, sep);
END $$;
SELECT pg_temp.mixture('mix3', 600, 4, 3, 1.0, 0.1);
SELECT pg_temp.mixture('mix2', 300, 2, 2, 0.5, 0.2);
SELECT pg_temp.mixture('mix10', 2000, 8, 10, 0.7, 0.3);

-- the optimum: gradient norm below tol on each data set, with and without standardization
SELECT al.train_model('m3', 'mix3', 'x', 'y') > 0 AS trained;
SELECT al.train_model('m2', 'mix2', 'x', 'y', '{"c": 0.1}') > 0 AS trained;
SELECT al.train_model('m10', 'mix10', 'x', 'y', '{"standardize": true, "max_iter": 500}') > 0 AS trained;
SELECT name, version, classes, n_features, members, standardized,
       (metrics->>'converged')::boolean AS converged,
       (metrics->>'grad_norm')::float8 <= (options->>'tol')::float8 AS grad_below_tol,
       (metrics->>'iterations')::int > 0 AS iterated, metrics->'members'->0->>'stop' AS stop
FROM al.models ORDER BY name;

-- a closed form: with x = 0 for every row the weights are 0 and the
-- (unpenalized) intercepts make the probabilities the class frequencies
CREATE TABLE freq AS
SELECT i, ARRAY[0]::real[] AS x, CASE WHEN i <= 30 THEN 'a' WHEN i <= 40 THEN 'b' ELSE 'c' END AS y
FROM generate_series(1, 100) i;
SELECT al.train_model('freq', 'freq', 'x', 'y', '{"tol": 1e-8}') > 0 AS trained;
SELECT al.predict_proba('freq', ARRAY[0]::real[]) AS p,
       abs((al.predict_proba('freq', ARRAY[0]::real[])::float8[])[1] - 0.3) < 1e-6
   AND abs((al.predict_proba('freq', ARRAY[0]::real[])::float8[])[2] - 0.1) < 1e-6
   AND abs((al.predict_proba('freq', ARRAY[0]::real[])::float8[])[3] - 0.6) < 1e-6 AS frequencies;

-- a closed form with a nonzero weight: one feature, x = +1 with 30 rows of
-- class 1 and 10 of class 0, x = -1 mirrored.  By symmetry the intercepts
-- vanish and w1 = -w0 = t/2 where, with c = 1, t solves
--   2 * 10 * s(t) - 2 * 30 * (1 - s(t)) + t / 2 = 0,  s = logistic
-- (solved here by bisection, independently of the trainer)
CREATE TABLE sym AS
SELECT i, ARRAY[CASE WHEN i <= 40 THEN 1 ELSE -1 END]::real[] AS x,
       CASE WHEN (i <= 30) OR (i > 70) THEN 1 ELSE 0 END AS y
FROM generate_series(1, 80) i;
SELECT al.train_model('sym', 'sym', 'x', 'y', '{"c": 1, "tol": 1e-10, "max_iter": 1000}') > 0 AS trained;
CREATE FUNCTION pg_temp.solve_t() RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE lo float8 := 0; hi float8 := 20; mid float8;
BEGIN
	FOR i IN 1..200 LOOP
		mid := (lo + hi) / 2;
		IF 20 / (1 + exp(-mid)) - 60 * (1 - 1 / (1 + exp(-mid))) + mid / 2 > 0 THEN hi := mid; ELSE lo := mid; END IF;
	END LOOP;
	RETURN mid;
END $$;
SELECT round(pg_temp.solve_t()::numeric, 6) AS t;
SELECT class, abs(coef[1] - CASE class WHEN '1' THEN 1 ELSE -1 END * pg_temp.solve_t() / 2) < 1e-6 AS weight_is_closed_form,
       abs(intercept) < 1e-6 AS intercept_is_zero
FROM al.model_coefficients('sym') ORDER BY class;

-- very large c on separable data: every training row right
SELECT pg_temp.mixture('sep', 200, 2, 2, 8.0, 0.4);
SELECT al.train_model('sep', 'sep', 'x', 'y', '{"c": 1e6, "max_iter": 1000}') > 0 AS trained;
SELECT (metrics->>'train_accuracy')::float8 AS train_accuracy FROM al.models WHERE name = 'sep';
SELECT avg((al.predict('sep', x) = y::text)::int) AS accuracy_by_predict FROM sep;

-- predictions equal a softmax computed in SQL from the stored coefficients
-- (with standardization folded into the original-space coefficients)
WITH logits AS (
	SELECT m.id, c.class::int AS class, c.intercept + sum(c.coef[j] * m.x[j]) AS z
	FROM mix10 m, al.model_coefficients('m10') c, generate_series(1, 8) j
	WHERE m.id <= 200
	GROUP BY m.id, c.class, c.intercept
), shifted AS (
	SELECT id, class, exp(z - max(z) OVER (PARTITION BY id)) AS e FROM logits
), soft AS (
	SELECT id, class, e / sum(e) OVER (PARTITION BY id) AS p FROM shifted
)
SELECT count(DISTINCT s.id) AS rows,
       max(abs(s.p - (al.predict_proba('m10', m.x)::float8[])[s.class + 1])) < 1e-6 AS equal_within_1e6
FROM soft s JOIN mix10 m USING (id);
-- predict names the most probable class
SELECT count(*) FILTER (WHERE al.predict('m10', x) <> (al.argmax(al.predict_proba('m10', x)) - 1)::text) AS disagreements
FROM mix10;

-- refitting with the same seed gives bit-identical weights; another seed does not
SELECT al.train_model('bag', 'mix3', 'x', 'y', '{"members": 4, "seed": 7}') > 0 AS v1;
SELECT al.train_model('bag', 'mix3', 'x', 'y', '{"members": 4, "seed": 7}') > 0 AS v2;
SELECT al.train_model('bag', 'mix3', 'x', 'y', '{"members": 4, "seed": 8}') > 0 AS v3;
SELECT (SELECT weights FROM al.model_store WHERE name = 'bag' AND version = 1)
     = (SELECT weights FROM al.model_store WHERE name = 'bag' AND version = 2) AS same_seed_identical,
       (SELECT weights FROM al.model_store WHERE name = 'bag' AND version = 1)
     = (SELECT weights FROM al.model_store WHERE name = 'bag' AND version = 3) AS other_seed_identical;
-- committee members differ from each other
SELECT count(DISTINCT coef) AS distinct_member_weights FROM al.model_coefficients('bag') WHERE class = '0';
-- the committee's probabilities are the mean of its members'
SELECT max(abs((al.predict_proba('bag', x)::float8[])[c]
               - (SELECT avg((m::float8[])[c]) FROM unnest(al.predict_committee('bag', x)) m))) < 1e-6 AS mean_of_members
FROM mix3, generate_series(1, 3) c WHERE id <= 100;
-- consensus entropy of the committee = entropy of the members' mean, computed in SQL
SELECT max(abs(al.consensus_entropy(al.predict_committee('bag', x))
               - (SELECT -sum(m * ln(m)) FILTER (WHERE m > 0)
                  FROM (SELECT avg((p::float8[])[c]) AS m
                        FROM unnest(al.predict_committee('bag', x)) p, generate_series(1, 3) c
                        GROUP BY c) s))) < 1e-12 AS consensus_entropy_matches
FROM mix3 WHERE id <= 100;
SELECT array_length(al.predict_committee('bag', ARRAY[0,0,0,0]::real[]), 1) AS members;

-- versions: nothing is overwritten, the latest predicts, a fixed id keeps predicting the same
SELECT version, (options->>'seed')::int AS seed FROM al.models WHERE name = 'bag' ORDER BY version;
SELECT al.predict_proba('bag', ARRAY[1,1,1,1]::real[])::text
     = al.predict_proba((SELECT id FROM al.models WHERE name = 'bag' AND version = 3), ARRAY[1,1,1,1]::real[])::text AS latest_is_v3,
       al.predict_proba('bag', ARRAY[1,1,1,1]::real[])::text
     <> al.predict_proba((SELECT id FROM al.models WHERE name = 'bag' AND version = 1), ARRAY[1,1,1,1]::real[])::text AS v1_differs;
SELECT count(*) AS rows_v1 FROM al.model_coefficients('bag', 1);

-- ftol: scikit-learn's looser stopping rule stops earlier, at a slightly higher objective
SELECT al.train_model('loose', 'mix10', 'x', 'y', '{"ftol": 2.22e-9}') > 0 AS trained;
SELECT al.train_model('strict', 'mix10', 'x', 'y') > 0 AS trained;
SELECT (SELECT (metrics->>'iterations')::int FROM al.models WHERE name = 'loose')
    <= (SELECT (metrics->>'iterations')::int FROM al.models WHERE name = 'strict') AS loose_not_longer,
       (SELECT (metrics->>'objective')::float8 FROM al.models WHERE name = 'strict')
    <= (SELECT (metrics->>'objective')::float8 FROM al.models WHERE name = 'loose') AS strict_not_higher,
       abs((SELECT (metrics->>'objective')::float8 FROM al.models WHERE name = 'strict')
         / (SELECT (metrics->>'objective')::float8 FROM al.models WHERE name = 'loose') - 1) < 1e-4 AS within_1e4,
       (SELECT options->>'ftol' FROM al.models WHERE name = 'loose') AS ftol;

-- holdout metrics
SELECT al.train_model('held', 'mix3', 'x', 'y', '{"holdout": 0.25, "seed": 1}') > 0 AS trained;
SELECT (metrics->>'train_rows')::int AS train_rows, (metrics->>'holdout_rows')::int AS holdout_rows,
       (metrics->>'holdout_accuracy')::float8 BETWEEN 0.5 AND 1 AS plausible_accuracy,
       (metrics->>'holdout_log_loss')::float8 > 0 AS positive_log_loss
FROM al.models WHERE name = 'held';
-- the classes are the labels in the label type's order (integers: 2 before 10)
CREATE TABLE ordered AS SELECT i, ARRAY[i % 3, i % 5]::real[] AS x, i % 12 AS y FROM generate_series(1, 120) i;
SELECT al.train_model('ordered', 'ordered', 'x', 'y', '{"max_iter": 5}') > 0 AS trained;
SELECT classes FROM al.models WHERE name = 'ordered';
SELECT al.predict('ordered', x) IN (SELECT unnest(classes) FROM al.models WHERE name = 'ordered') AS predicts_a_class
FROM ordered WHERE i = 1;
-- double precision[] features work too, for training and prediction
CREATE TABLE mix3d AS SELECT id, y, x::float8[] AS x FROM mix3;
SELECT al.train_model('m3d', 'mix3d', 'x', 'y') > 0 AS trained;
SELECT al.predict_proba('m3d', ARRAY[0.5,0.5,0.5,0.5]::float8[])::text = al.predict_proba('m3', ARRAY[0.5,0.5,0.5,0.5]::real[])::text AS same_as_real;

-- One public signature per model argument over double precision[] features
-- (issue 7, defect 15): untyped literals (as drivers send parameters), a
-- model id as an integer literal, integer and numeric arrays all resolve
-- (with real[] and double precision[] overloads they were "not unique",
-- 42725).  Each answer equals the call with explicitly typed features.
SELECT al.predict_proba('m3', '{1,-1,0.5,2}')::text = al.predict_proba('m3', ARRAY[1,-1,0.5,2]::float8[])::text AS untyped_literal;
SELECT pg_temp.try(format($$SELECT al.predict_proba(%s, '{1,-1,0.5,2}')::text$$, id))
     = 'ok: ' || al.predict_proba('m3', ARRAY[1,-1,0.5,2]::float8[])::text AS id_as_integer_literal
FROM al.models WHERE name = 'm3';
SELECT pg_temp.try($$SELECT al.predict_proba('m3', ARRAY[1,-1,0,2])::text$$)
     = 'ok: ' || al.predict_proba('m3', ARRAY[1,-1,0,2]::float8[])::text AS integer_array,
       pg_temp.try($$SELECT al.predict_proba('m3', ARRAY[1.5,-1,0.25,2])::text$$)
     = 'ok: ' || al.predict_proba('m3', ARRAY[1.5,-1,0.25,2]::float8[])::text AS numeric_array,
       pg_temp.try($$SELECT al.predict('m3', '{1,-1,0.5,2}')$$)
     = 'ok: ' || al.predict('m3', ARRAY[1,-1,0.5,2]::float8[]) AS predict_untyped,
       pg_temp.try($$SELECT al.predict('m3', ARRAY[1,-1,0,2])$$)
     = 'ok: ' || al.predict('m3', ARRAY[1,-1,0,2]::float8[]) AS predict_integer_array,
       pg_temp.try($$SELECT al.predict_committee('bag', '{1,-1,0.5,2}')::text$$)
     = 'ok: ' || al.predict_committee('bag', ARRAY[1,-1,0.5,2]::float8[])::text AS committee_untyped,
       pg_temp.try($$SELECT al.predict_committee('bag', ARRAY[1,-1,0,2])::text$$)
     = 'ok: ' || al.predict_committee('bag', ARRAY[1,-1,0,2]::float8[])::text AS committee_integer_array;
-- parameters of unspecified type, as a driver prepares them: text and double precision[]
PREPARE untyped_predict AS SELECT al.predict_proba($1, $2)::text, al.predict($1, $2);
SELECT parameter_types FROM pg_prepared_statements WHERE name = 'untyped_predict';
EXECUTE untyped_predict('m3', '{1,-1,0.5,2}');
SELECT al.predict_proba('m3', ARRAY[1,-1,0.5,2]::real[])::text AS expected, al.predict('m3', ARRAY[1,-1,0.5,2]::real[]) AS expected_class;
DEALLOCATE untyped_predict;

-- real[] features reach the double precision[] signature widened (a new
-- array per row); the planner support function calls the real[] twin
-- instead, which reads the array in place.  Rewritten: a real[] column, a
-- real[] parameter, a domain over real[].  Not rewritten: a double
-- precision[] column, a constant (folded to a double precision[] constant).
CREATE DOMAIN pg_temp.feats AS real[];
CREATE TABLE mix3dom AS SELECT id, x::pg_temp.feats AS x FROM mix3;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT al.predict_proba('m3', x), al.predict_proba(1, x), al.predict('m3', x), al.predict_committee('bag', x),
       al.predict_proba('m3', ARRAY[1,2,3,4]::real[])
FROM mix3;
EXPLAIN (VERBOSE, COSTS OFF) SELECT al.predict_proba('m3', x), al.predict('m3', x), al.predict_committee('bag', x) FROM mix3d;
EXPLAIN (VERBOSE, COSTS OFF) SELECT al.predict_proba('m3', x) FROM mix3dom;
PREPARE real_param(real[]) AS SELECT al.predict_proba('m3', $1);
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE real_param('{1,2,3,4}');
RESET plan_cache_mode;
DEALLOCATE real_param;
-- the same results through both paths, on every row: the real[] column
-- (rewritten) against the same values stored as double precision[] (not
-- rewritten), and against the real[] twins called directly
SELECT count(*) AS rows,
       count(*) FILTER (WHERE al.predict_proba('m3', r.x)::text <> al.predict_proba('m3', d.x)::text) AS proba_differ,
       count(*) FILTER (WHERE al.predict_proba(m.id, r.x)::text <> al.predict_proba(m.id, d.x)::text) AS proba_by_id_differ,
       count(*) FILTER (WHERE al.predict('m3', r.x) <> al.predict('m3', d.x)) AS predict_differ,
       count(*) FILTER (WHERE al.predict_committee('bag', r.x)::text <> al.predict_committee('bag', d.x)::text) AS committee_differ,
       count(*) FILTER (WHERE al.predict_proba_real('m3', r.x)::text <> al.predict_proba('m3', d.x)::text
                           OR al.predict_proba_real(m.id, r.x)::text <> al.predict_proba(m.id, d.x)::text
                           OR al.predict_real('m3', r.x) <> al.predict('m3', d.x)
                           OR al.predict_committee_real('bag', r.x)::text <> al.predict_committee('bag', d.x)::text) AS twins_differ,
       count(*) FILTER (WHERE al.predict_proba('m3', dom.x)::text <> al.predict_proba('m3', d.x)::text) AS domain_differs
FROM mix3 r JOIN mix3d d USING (id) JOIN mix3dom dom USING (id), (SELECT id FROM al.models WHERE name = 'm3') m;
DROP TABLE mix3dom;
DROP DOMAIN pg_temp.feats;
-- a double precision feature is rounded to real, as in training; one
-- beyond real's range is an error (it made every probability NaN: 22003
-- "probability ... is not finite" from al.predict_proba, a silently wrong
-- class from al.predict)
SELECT pg_temp.try($$SELECT al.predict_proba('m3', ARRAY[1,2,1e300,4]::float8[])::text$$) AS huge_feature,
       pg_temp.try($$SELECT al.predict('m3', ARRAY[1,2,3,-3.5e38]::float8[])$$) AS huge_feature_predict,
       pg_temp.try($$SELECT al.predict_committee('bag', ARRAY[-1e39,2,3,4]::float8[])::text$$) AS huge_feature_committee,
       pg_temp.try($$SELECT al.predict('m3', ARRAY[1,2,3.4e38,4]::float8[])$$) ~ '^ok: ' AS largest_real_is_fine;

-- errors
SELECT pg_temp.try($$SELECT al.predict_proba('nope', ARRAY[1]::real[])::text$$) AS unknown_model;
SELECT pg_temp.try($$SELECT al.predict_proba(999999, ARRAY[1]::real[])::text$$) AS unknown_id;
SELECT pg_temp.try($$SELECT count(*) FROM al.model_coefficients('m3', 7)$$) AS unknown_version;
SELECT pg_temp.try($$SELECT al.predict_proba('m3', ARRAY[1,2,3]::real[])::text$$) AS wrong_length;
SELECT pg_temp.try($$SELECT al.predict_proba('m3', ARRAY[1,'NaN',3,4]::real[])::text$$) AS nan_feature;
SELECT pg_temp.try($$SELECT al.predict_proba('m3', ARRAY[1,2,'Infinity',4]::float8[])::text$$) AS infinite_feature;
SELECT pg_temp.try($$SELECT al.predict_proba('m3', ARRAY[1,NULL,3,4]::real[])::text$$) AS null_feature;
SELECT pg_temp.try($$SELECT al.predict_proba('m3', ARRAY[[1,2],[3,4]]::real[])::text$$) AS two_dims;
CREATE TABLE empty_data (x real[], y int);
INSERT INTO empty_data VALUES (ARRAY[1]::real[], NULL);
SELECT pg_temp.try($$SELECT al.train_model('e', 'empty_data', 'x', 'y')$$) AS empty_training_data;
SELECT pg_temp.try($$SELECT al.train_model('hundred', 'freq', 'x', 'i') > 0$$) AS one_row_per_class_is_fine;
CREATE TABLE one_class AS SELECT ARRAY[i]::real[] AS x, 'same' AS y FROM generate_series(1, 5) i;
SELECT pg_temp.try($$SELECT al.train_model('e', 'one_class', 'x', 'y')$$) AS single_class;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mix3', 'x', 'y', '{"members": 0}')$$) AS members_zero;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mix3', 'x', 'y', '{"memebers": 2}')$$) AS unknown_option;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mix3', 'x', 'y', '{"c": -1}')$$) AS negative_c;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mix3', 'x', 'y', '{"c": "big"}')$$) AS text_c;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mix3', 'x', 'y', '{"max_iter": 1.5}')$$) AS fractional_max_iter;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mix3', 'x', 'y', '{"tol": 0}')$$) AS zero_tol;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mix3', 'x', 'y', '{"ftol": -1}')$$) AS negative_ftol;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mix3', 'x', 'y', '{"standardize": "yes"}')$$) AS text_standardize;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mix3', 'x', 'y', '{"holdout": 1}')$$) AS holdout_one;
-- the holdout takes the only row of class b (seed 1; seed 2 keeps it in training)
CREATE TABLE hs AS SELECT ARRAY[i]::real[] AS x, CASE WHEN i = 4 THEN 'b' ELSE 'a' END AS y FROM generate_series(1, 4) i;
SELECT pg_temp.try($$SELECT al.train_model('hs', 'hs', 'x', 'y', '{"holdout": 0.25, "seed": 1}')$$) AS holdout_left_one_class;
SELECT al.train_model('hs', 'hs', 'x', 'y', '{"holdout": 0.25, "seed": 1}');
SELECT al.train_model('hs', 'hs', 'x', 'y', '{"holdout": 0.25, "seed": 2}') > 0 AS seed_2_trains;
SELECT (metrics->>'train_rows')::int AS train_rows, (metrics->>'holdout_rows')::int AS holdout_rows FROM al.models WHERE name = 'hs';
SELECT al.drop_model('hs');
DROP TABLE hs;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mix3', 'x', 'y', '{"seed": -1}')$$) AS negative_seed;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mix3', 'x', 'y', '[1]')$$) AS options_not_object;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mix3', 'nope', 'y')$$) AS unknown_column;
SELECT pg_temp.try($$SELECT al.train_model('e', 1::regclass, 'x', 'y')$$) AS unknown_table_oid;
SELECT pg_temp.try($$SELECT al.train_model('e', 'mix3', 'id', 'y')$$) AS features_not_array;
SELECT pg_temp.try($$SELECT al.train_model('', 'mix3', 'x', 'y')$$) AS empty_name;
SELECT pg_temp.try($$SELECT al.train_model(NULL, 'mix3', 'x', 'y')$$) AS null_name;
-- a bad training row is named by its primary key (else its ctid), not by
-- its position in the scan
CREATE TABLE bad_rows (id int PRIMARY KEY, x real[], y int);
INSERT INTO bad_rows VALUES (1, ARRAY[1,2], 0), (2, ARRAY[1,2,3], 1);
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_rows', 'x', 'y')$$) AS ragged_features;
UPDATE bad_rows SET x = ARRAY[1,'NaN'::real] WHERE id = 2;
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_rows', 'x', 'y')$$) AS nan_training_feature;
UPDATE bad_rows SET x = ARRAY['-Infinity'::real,2] WHERE id = 2;
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_rows', 'x', 'y')$$) AS infinite_training_feature;
-- a double precision feature beyond real's range (the model computes on
-- real features: it became infinite and failed the training as "feature
-- values must be finite", naming no row)
CREATE TABLE bad_doubles (id int PRIMARY KEY, x float8[], y int);
INSERT INTO bad_doubles VALUES (1, ARRAY[1,2], 0), (2, ARRAY[3.4e38,-1e300], 1), (3, ARRAY[2,1], 1);
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_doubles', 'x', 'y')$$) AS huge_training_feature;
DROP TABLE bad_doubles;
UPDATE bad_rows SET x = NULL WHERE id = 2;
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_rows', 'x', 'y')$$) AS null_training_features;
UPDATE bad_rows SET x = ARRAY[1,NULL] WHERE id = 2;
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_rows', 'x', 'y')$$) AS null_training_feature;
UPDATE bad_rows SET x = ARRAY[[1,2],[3,4]] WHERE id = 2;
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_rows', 'x', 'y')$$) AS two_dimensional_features;
UPDATE bad_rows SET x = '{}' WHERE id = 2;
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_rows', 'x', 'y')$$) AS empty_features;
UPDATE bad_rows SET x = CASE id WHEN 1 THEN '{}' ELSE ARRAY[1,2] END;
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_rows', 'x', 'y')$$) AS empty_first_row;
-- a key of several columns, values as their type prints them
CREATE TABLE bad_keys (a int, "B c" text, x real[], y int, PRIMARY KEY (a, "B c"));
INSERT INTO bad_keys VALUES (1, 'p q', ARRAY[1,2], 0), (1, 'r', NULL, 1);
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_keys', 'x', 'y')$$) AS composite_key;
-- no primary key: the ctid, and the partition it is in
CREATE TABLE bad_heap (x real[], y int);
INSERT INTO bad_heap VALUES (ARRAY[1,2], 0), (ARRAY[1,NULL], 1);
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_heap', 'x', 'y')$$) AS no_key_ctid;
CREATE TABLE bad_parts (x real[], y int) PARTITION BY LIST (y);
CREATE TABLE bad_parts_0 PARTITION OF bad_parts FOR VALUES IN (0);
CREATE TABLE bad_parts_1 PARTITION OF bad_parts FOR VALUES IN (1);
INSERT INTO bad_parts VALUES (ARRAY[1,2], 0), (ARRAY[1,'NaN'::real], 1);
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_parts', 'x', 'y')$$) AS partition_ctid;
-- a view has neither: the row's position in the scan
CREATE VIEW bad_view AS SELECT x, y FROM bad_heap;
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_view', 'x', 'y')$$) AS view_position;
-- limits checked before training: a stored model can always be loaded again
CREATE TABLE wide AS SELECT i, array_fill(0.5::real, ARRAY[1000001]) AS x, i % 2 AS y FROM generate_series(1, 2) i;
SELECT pg_temp.try($$SELECT al.train_model('e', 'wide', 'x', 'y')$$) AS too_many_features;
CREATE TABLE broad AS SELECT i, array_fill(0.5::real, ARRAY[70000]) AS x, i % 2 AS y FROM generate_series(1, 2) i;
SELECT pg_temp.try($$SELECT al.train_model('e', 'broad', 'x', 'y', '{"members": 1000}')$$) AS too_large_to_store;
CREATE TABLE many AS SELECT ARRAY[i % 7]::real[] AS x, i AS y FROM generate_series(1, 32768) i;
SELECT pg_temp.try($$SELECT al.train_model('e', 'many', 'x', 'y')$$) AS too_many_classes;
DROP TABLE wide, broad, many;
SELECT count(*) AS no_failed_model_stored FROM al.models WHERE name = 'e';

-- privileges: no SELECT on the data, another owner's model
CREATE ROLE regress_al_alice;
CREATE ROLE regress_al_bob;
GRANT SELECT ON mix3 TO regress_al_alice;
SET ROLE regress_al_bob;
SELECT pg_temp.try($$SELECT al.train_model('bobs', 'mix3', 'x', 'y')$$) AS no_select_privilege;
RESET ROLE;
-- m2 is shared with alice (SELECT on its handle); m3 is not
DO $$ BEGIN EXECUTE format('GRANT SELECT ON %s TO regress_al_alice',
                           (SELECT handle FROM al.models WHERE name = 'm2')); END $$;
SET ROLE regress_al_alice;
SELECT al.train_model('alices', 'mix3', 'x', 'y') > 0 AS alice_trains;
SELECT name, owner = 'regress_al_alice'::regrole AS hers FROM al.models ORDER BY name;
SELECT pg_temp.try($$SELECT al.predict('alices', ARRAY[0,0,0,0]::real[])$$) AS alice_predicts;
SELECT pg_temp.try($$SELECT al.predict('m2', ARRAY[0,0]::real[])$$) AS shared_with_her;
SELECT pg_temp.try($$SELECT al.predict('m3', ARRAY[0,0,0,0]::real[])$$) AS not_her_model;
SELECT pg_temp.try($$SELECT al.drop_model('m3')::text$$) AS cannot_drop;
SELECT pg_temp.try($$SELECT al.train_model('m3', 'mix3', 'x', 'y')::text$$) AS cannot_add_version;
SELECT pg_temp.try($$SELECT count(*) FROM al.model_store$$) AS store_is_private;
-- al.models is a security barrier: a cheap function in the caller's WHERE
-- clause sees the rows of the caller's models and of those shared with her only
CREATE FUNCTION pg_temp.leak(v text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001
	AS $$BEGIN RAISE NOTICE 'leak name: %', v; RETURN true; END$$;
CREATE FUNCTION pg_temp.leak(v text[]) RETURNS boolean LANGUAGE plpgsql COST 0.0000001
	AS $$BEGIN RAISE NOTICE 'leak classes: %', v; RETURN true; END$$;
CREATE FUNCTION pg_temp.leak(v jsonb) RETURNS boolean LANGUAGE plpgsql COST 0.0000001
	AS $$BEGIN RAISE NOTICE 'leak metrics: % training rows', v->'train_rows'; RETURN true; END$$;
SELECT name FROM al.models WHERE pg_temp.leak(name) AND pg_temp.leak(classes) AND pg_temp.leak(metrics);
RESET ROLE;
-- with SELECT on the feature and label columns only, rows are named by their position
CREATE TABLE bad_cols (id int PRIMARY KEY, x real[], y int);
INSERT INTO bad_cols VALUES (1, ARRAY[1,2], 0), (2, ARRAY[1,'NaN'::real], 1);
GRANT SELECT (x, y) ON bad_cols TO regress_al_alice;
SET ROLE regress_al_alice;
SELECT pg_temp.try($$SELECT al.train_model('e', 'bad_cols', 'x', 'y')$$) AS key_not_readable;
RESET ROLE;
SELECT al.drop_model('alices') AS dropped;
DROP OWNED BY regress_al_alice;
DROP ROLE regress_al_alice, regress_al_bob;

-- drop_model removes every version
SELECT al.drop_model('bag') AS dropped;
SELECT pg_temp.try($$SELECT al.predict('bag', ARRAY[0,0,0,0]::real[])$$) AS after_drop;
SELECT pg_temp.try($$SELECT al.drop_model('bag')::text$$) AS drop_again;

DROP VIEW bad_view;
DROP TABLE mix3, mix2, mix10, freq, sym, sep, mix3d, empty_data, one_class, ordered, bad_rows, bad_keys, bad_heap, bad_parts, bad_cols;
SELECT al.drop_model(name) FROM (SELECT DISTINCT name FROM al.models) s ORDER BY name;
