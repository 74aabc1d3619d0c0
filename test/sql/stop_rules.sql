-- The stopping rules (doc/loop.md "Stopping rules"): stabilizing
-- predictions (stop_kappa, stop_window, stop_set_size), label_budget,
-- stop_uncertainty (overall uncertainty) and stop_plateau (evaluation
-- accuracy plateau).  Each is driven to fire, and the versions it fires at
-- are recomputed here in plain SQL from the curve, the labels and the
-- models' predictions.  (The NOTIFY when a rule first fires:
-- test/t/047_stop_notify.pl.)
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

SELECT setseed(0.23);
CREATE TABLE st_pool AS
SELECT i::bigint AS id, ARRAY[(i % 3) + 1.4 * random(), (i % 3 = 1)::int + 1.4 * random()]::real[] AS x,
       (ARRAY['a', 'b', 'c'])[i % 3 + 1] AS truth
FROM generate_series(1, 240) i;

-- ---- options checked at the door ----
SELECT pg_temp.try($$SELECT al.create_learner('st_bad', 'st_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"stop_kappa": 1.5}')$$) AS kappa_above_1;
SELECT pg_temp.try($$SELECT al.create_learner('st_bad', 'st_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"stop_window": 0}')$$) AS window_0;
SELECT pg_temp.try($$SELECT al.create_learner('st_bad', 'st_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"stop_set_size": 0}')$$) AS stop_set_0;
SELECT pg_temp.try($$SELECT al.create_learner('st_bad', 'st_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"label_budget": 0}')$$) AS budget_0;
SELECT pg_temp.try($$SELECT al.create_learner('st_bad', 'st_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"stop_uncertainty": 0}')$$) AS uncertainty_0;
SELECT pg_temp.try($$SELECT al.create_learner('st_bad', 'st_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"stop_uncertainty": 1.5}')$$) AS uncertainty_above_1;
SELECT pg_temp.try($$SELECT al.create_learner('st_bad', 'st_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"stop_plateau": 0.01}')$$) AS plateau_without_eval;
SELECT pg_temp.try($$SELECT al.create_learner('st_bad', 'st_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"stop_plateau": -1, "eval_size": 10}')$$) AS plateau_negative;

-- per version: the curve's stop predictions, kappa and rules
CREATE FUNCTION pg_temp.curve(learner text)
RETURNS TABLE (v integer, pred integer[], kappa double precision, rules text[], acc double precision,
               unc double precision, model_id bigint)
LANGUAGE sql AS $$
	SELECT c.model_version, c.stop_predictions, c.kappa_previous, c.stop_rules, c.eval_accuracy,
	       c.stop_set_uncertainty, c.model_id
	FROM al.curve_store c JOIN al.learners l ON l.id = c.learner_id WHERE l.name = learner
$$;
-- Cohen's kappa of two labelings in plain SQL, over the positions both predicted
CREATE FUNCTION pg_temp.kappa(a integer[], b integer[]) RETURNS double precision LANGUAGE sql AS $$
	WITH p AS (SELECT x, y FROM unnest(a, b) u(x, y) WHERE x >= 0 AND y >= 0),
	n AS (SELECT nullif(count(*), 0)::float8 AS n FROM p),
	po AS (SELECT count(*) FILTER (WHERE x = y) / (SELECT n FROM n) AS po FROM p),
	pe AS (SELECT sum(ca * cb) / (SELECT n FROM n) ^ 2 AS pe FROM
	       (SELECT c, (SELECT count(*) FROM p WHERE x = c) AS ca, (SELECT count(*) FROM p WHERE y = c) AS cb
	        FROM (SELECT x AS c FROM p UNION SELECT y FROM p) cs) t)
	SELECT CASE WHEN pe = 1 THEN 1 ELSE (po - pe) / (1 - pe) END FROM po, pe
$$;

-- ---- stabilizing predictions: kappa >= 0.95 for the last 2 versions, on a stop set of 50 ----
SELECT al.create_learner('st_stab', 'st_pool', 'id', 'x', '{a,b,c}', 'entropy',
                         '{"stop_kappa": 0.95, "stop_window": 2, "stop_set_size": 50, "retrain_every": 1000, "seed": 2}') > 0 AS created;
SELECT options->'stop_kappa' AS stop_kappa, options->'stop_window' AS stop_window, options->'stop_set_size' AS stop_set_size
FROM al.learners WHERE name = 'st_stab';
SELECT count(*) AS labeled FROM (SELECT al.label('st_stab', id, truth) FROM st_pool WHERE id <= 12) s;
SELECT al.retrain('st_stab'), al.run_learner('st_stab') AS round;
SELECT count(*) AS labeled FROM (SELECT al.label('st_stab', id, truth) FROM st_pool WHERE id BETWEEN 13 AND 40) s;
SELECT al.retrain('st_stab'), al.run_learner('st_stab') AS round;
-- the same labels again: the same model, kappa 1
SELECT al.retrain('st_stab'), al.run_learner('st_stab') AS round;
SELECT al.retrain('st_stab'), al.run_learner('st_stab') AS round;
SELECT cardinality(stop_items) AS stop_set,
       stop_items = (SELECT array_agg(id::text ORDER BY hashtextextended(id::text, 2), id::text)
                     FROM (SELECT id FROM st_pool ORDER BY hashtextextended(id::text, 2), id::text LIMIT 50) s) AS seeded
FROM al.learner_store WHERE name = 'st_stab';
-- kappa recomputed, and the rule fires exactly where the last 2 kappas are >= 0.95
WITH c AS (SELECT v, kappa, rules, pg_temp.kappa(pred, lag(pred) OVER (ORDER BY v)) AS sql_kappa
           FROM pg_temp.curve('st_stab')),
w AS (SELECT *, lag(sql_kappa) OVER (ORDER BY v) AS prev_kappa FROM c)
SELECT v, round(sql_kappa::numeric, 3) AS kappa,
       (kappa IS NULL AND sql_kappa IS NULL) OR abs(kappa - sql_kappa) < 1e-12 AS kappa_agrees,
       'stabilizing_predictions' = ANY (rules) AS fires,
       coalesce(sql_kappa >= 0.95 AND prev_kappa >= 0.95, false) AS should_fire
FROM w ORDER BY v;
SELECT suggested_stop, stop_reason FROM al.learner_status WHERE learner = 'st_stab';
-- a new stop set size: a new stop set at the next version, whose kappa compares nothing
SELECT al.alter_learner('st_stab', options => '{"stop_set_size": 60}');
SELECT stop_items IS NULL AS stop_set_cleared FROM al.learner_store WHERE name = 'st_stab';
SELECT al.retrain('st_stab'), al.run_learner('st_stab') AS round;
SELECT al.retrain('st_stab'), al.run_learner('st_stab') AS round;
SELECT v, cardinality(pred) AS stop_set, kappa, rules FROM pg_temp.curve('st_stab') WHERE v >= 5 ORDER BY v;
-- null turns the rule off
SELECT al.alter_learner('st_stab', options => '{"stop_kappa": null}');
SELECT al.retrain('st_stab'), al.run_learner('st_stab') AS round;
SELECT v, kappa, rules FROM pg_temp.curve('st_stab') WHERE v = 7;
SELECT options->'stop_kappa' AS stop_kappa FROM al.learners WHERE name = 'st_stab';
SELECT suggested_stop, stop_reason FROM al.learner_status WHERE learner = 'st_stab';

-- ---- label budget: 25 labeled items ----
SELECT al.create_learner('st_budget', 'st_pool', 'id', 'x', '{a,b,c}', 'entropy',
                         '{"label_budget": 25, "stop_kappa": null, "retrain_every": 1000}') > 0 AS created;
SELECT count(*) AS labeled FROM (SELECT al.label('st_budget', id, truth) FROM st_pool WHERE id <= 20) s;
SELECT al.retrain('st_budget'), al.run_learner('st_budget') AS round;
SELECT suggested_stop, stop_reason FROM al.learner_status WHERE learner = 'st_budget';
SELECT count(*) AS labeled FROM (SELECT al.label('st_budget', id, truth) FROM st_pool WHERE id BETWEEN 21 AND 25) s;
SELECT al.retrain('st_budget'), al.run_learner('st_budget') AS round;
-- the labeled items each version trained with (its labels and its predecessors')
SELECT c.v, count(DISTINCT b.item_id) AS labeled_items, c.rules,
       ('label_budget' = ANY (c.rules)) = (count(DISTINCT b.item_id) >= 25) AS as_computed
FROM pg_temp.curve('st_budget') c
JOIN al.labels b ON b.learner_id = (SELECT id FROM al.learners WHERE name = 'st_budget') AND b.trained_in <= c.v
GROUP BY c.v, c.rules ORDER BY c.v;
SELECT suggested_stop, stop_reason FROM al.learner_status WHERE learner = 'st_budget';

-- ---- overall uncertainty: mean normalized entropy on the stop set below 0.3 ----
SELECT al.create_learner('st_unc', 'st_pool', 'id', 'x', '{a,b,c}', 'entropy',
                         '{"stop_uncertainty": 0.3, "stop_kappa": null, "retrain_every": 1000, "stop_set_size": 80, "c": 10}') > 0 AS created;
SELECT count(*) AS labeled FROM (SELECT al.label('st_unc', id, truth) FROM st_pool WHERE id <= 4) s;
SELECT al.retrain('st_unc'), al.run_learner('st_unc') AS round;
SELECT count(*) AS labeled FROM (SELECT al.label('st_unc', id, truth) FROM st_pool WHERE id BETWEEN 5 AND 30) s;
SELECT al.retrain('st_unc'), al.run_learner('st_unc') AS round;
SELECT count(*) AS labeled FROM (SELECT al.label('st_unc', id, truth) FROM st_pool WHERE id BETWEEN 31 AND 150) s;
SELECT al.retrain('st_unc'), al.run_learner('st_unc') AS round;
-- the mean of entropy / ln 3 of each version's probabilities on the stop set
-- (al.predict_proba_real's probvec holds single precision: agreement to 1e-6)
WITH u AS (
	SELECT c.v, c.unc, c.rules,
	       (SELECT avg(al.entropy(al.predict_proba_real(c.model_id, p.x)) / ln(3))
	        FROM al.learner_store s, unnest(s.stop_items) i JOIN st_pool p ON p.id::text = i
	        WHERE s.name = 'st_unc') AS sql_unc
	FROM pg_temp.curve('st_unc') c)
SELECT v, round(sql_unc::numeric, 3) AS mean_normalized_entropy, abs(unc - sql_unc) < 1e-6 AS agrees,
       'overall_uncertainty' = ANY (rules) AS fires, sql_unc < 0.3 AS should_fire
FROM u ORDER BY v;
SELECT suggested_stop, stop_reason FROM al.learner_status WHERE learner = 'st_unc';

-- ---- accuracy plateau: evaluation accuracy gained less than 0.02 over 1 version ----
SELECT al.create_learner('st_plat', 'st_pool', 'id', 'x', '{a,b,c}', 'entropy',
                         '{"stop_plateau": 0.02, "stop_window": 1, "stop_kappa": null, "eval_size": 40, "eval_rate": 0, "retrain_every": 1000}') > 0 AS created;
SELECT count(*) AS labeled FROM (
	SELECT al.label('st_plat', p.id, p.truth) FROM st_pool p, al.learner_store s
	WHERE s.name = 'st_plat' AND p.id::text = ANY (s.eval_items)) s;
SELECT count(*) AS labeled FROM (
	SELECT al.label('st_plat', p.id, p.truth) FROM st_pool p, al.learner_store s
	WHERE s.name = 'st_plat' AND NOT p.id::text = ANY (s.eval_items) AND p.id <= 20) s;
SELECT al.retrain('st_plat'), al.run_learner('st_plat') AS round;
SELECT count(*) AS labeled FROM (
	SELECT al.label('st_plat', p.id, p.truth) FROM st_pool p, al.learner_store s
	WHERE s.name = 'st_plat' AND NOT p.id::text = ANY (s.eval_items) AND p.id BETWEEN 21 AND 200) s;
SELECT al.retrain('st_plat'), al.run_learner('st_plat') AS round;
SELECT al.retrain('st_plat'), al.run_learner('st_plat') AS round;
SELECT v, round(acc::numeric, 3) AS eval_accuracy, round((acc - lag(acc) OVER (ORDER BY v))::numeric, 3) AS gain,
       'accuracy_plateau' = ANY (rules) AS fires,
       coalesce(acc - lag(acc) OVER (ORDER BY v) < 0.02, false) AS should_fire
FROM pg_temp.curve('st_plat') ORDER BY v;
SELECT suggested_stop, stop_reason FROM al.learner_status WHERE learner = 'st_plat';
-- the evaluation set cannot go while the rule needs it
SELECT pg_temp.try($$SELECT al.alter_learner('st_plat', options => '{"eval_size": null}')::text$$) AS eval_set_off;
SELECT al.alter_learner('st_plat', options => '{"eval_size": null, "stop_plateau": null}');
SELECT options ? 'stop_plateau' AS has_plateau, options ? 'eval_size' AS has_eval FROM al.learners WHERE name = 'st_plat';

-- several rules at one version, in al.learning_curve
SELECT al.alter_learner('st_budget', options => '{"stop_kappa": 0.5, "stop_window": 1, "stop_uncertainty": 1}');
SELECT al.retrain('st_budget'), al.run_learner('st_budget') AS round;
SELECT model_version, stop_rules FROM al.learning_curve WHERE learner = 'st_budget' ORDER BY model_version;
SELECT suggested_stop, stop_reason FROM al.learner_status WHERE learner = 'st_budget';

SELECT al.drop_learner(name) FROM al.learners WHERE name LIKE 'st\_%';
DROP TABLE st_pool;
