-- Multi-label and regression learners (issue 13; option "family": "ovr" or
-- "ridge"; doc/loop.md "Model families of learners").  Every ranking is
-- recomputed here from the stored outputs with the formulas written in
-- plain SQL, the outputs against al_ext's prediction functions on the
-- learner's model, the curve's metrics from the evaluation items' labels;
-- every error with its SQLSTATE.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- 160 rows: 3 features, label sets over {a, b, c} from noisy rules (some
-- rows have none, c is rare), a number from a noisy linear rule
CREATE TABLE fl (id bigint PRIMARY KEY, x real[], tags text[], y float8);
INSERT INTO fl
SELECT i, x,
	ARRAY(SELECT t FROM (VALUES ('a', x[1] + 0.4 * sin(i * 5.3) > 0),
	                            ('b', x[2] - x[3] + 0.5 * cos(i * 3.1) > 0.2),
	                            ('c', x[1] * x[2] + 0.3 * sin(i * 1.9) > 0.35)) v(t, on_)
	      WHERE on_),
	3 + 2 * x[1] - x[2] + 0.5 * x[3] + 0.2 * sin(i * 7.7)
FROM generate_series(1, 160) i,
	LATERAL (SELECT ARRAY[sin(i * 1.3), cos(i * 0.7), (i % 7) / 4.0]::real[] AS x) f;
SELECT count(*) FILTER (WHERE 'a' = ANY (tags)) AS a, count(*) FILTER (WHERE 'b' = ANY (tags)) AS b,
	count(*) FILTER (WHERE 'c' = ANY (tags)) AS c, count(*) FILTER (WHERE tags = '{}') AS no_label
FROM fl;

-- ==== errors at the door ====
SELECT pg_temp.try($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{a}', 'committee_std', '{"family": "ridge", "committee": 2}')$$) AS ridge_with_classes;
SELECT pg_temp.try($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{}', 'entropy', '{"family": "ovr"}')$$) AS ovr_without_classes;
SELECT pg_temp.try($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{a}', 'entropy', '{"family": "softmax"}')$$) AS softmax_one_class;
SELECT pg_temp.try($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{a,b}', 'entropy', '{"family": "tree"}')$$) AS unknown_family;
SELECT pg_temp.try($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{a,b}', 'entropy', '{"family": 1}')$$) AS family_not_text;
SELECT pg_temp.try($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{a,b}', 'margin_confidence', '{"family": "ovr"}')$$) AS softmax_strategy;
SELECT pg_temp.try($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{}', 'entropy', '{"family": "ridge"}')$$) AS ridge_entropy;
SELECT pg_temp.try($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{}', 'committee_std', '{"family": "ridge"}')$$) AS std_without_committee;
SELECT pg_temp.try($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{}', 'emcm', '{"family": "ridge", "committee": 1}')$$) AS emcm_committee_of_one;
SELECT pg_temp.try($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{}', 'random', '{"family": "ridge", "alpha": -1}')$$) AS negative_alpha;
SELECT pg_temp.try($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{}', 'random', '{"family": "ridge", "alpha": 0}')$$) AS zero_alpha;
SELECT pg_temp.try($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{}', 'random', '{"family": "ridge", "alpha": "1"}')$$) AS alpha_not_number;
SELECT pg_temp.try($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{a,b}', 'entropy', '{"family": "ovr", "alpha": 2}')$$) AS ovr_alpha;
SELECT opt, pg_temp.try(format($$SELECT al.create_learner('fl_bad', 'fl', 'id', 'x', '{a,b}', 'entropy', %L)$$,
	'{"family": "ovr"}'::jsonb || o)) AS refused
FROM (VALUES ('batch', '{"batch": "kcenter"}'::jsonb), ('density', '{"density": 1}'), ('explore', '{"explore": {"epsilon": 0.1}}'),
             ('sample', '{"sample": 10}'), ('rescore_sample', '{"rescore_sample": 0.5}'), ('serve', '{"serve": "best"}'), ('class_weight', '{"class_weight": "balanced"}'),
             ('label_column', '{"label_column": "tags"}'), ('stop_kappa', '{"stop_kappa": 0.9}'),
             ('stop_uncertainty', '{"stop_uncertainty": 0.1}'), ('stop_plateau', '{"stop_plateau": 0.01, "eval_size": 10}'),
             ('predictions', '{"predictions": true}'), ('eval_table', '{"eval_table": "fl"}')) v(opt, o);

-- ==== a multi-label learner ====
SELECT al.create_learner('fl_tags', 'fl', 'id', 'x', '{a,b,c}', 'entropy',
	'{"family": "ovr", "retrain_every": 5, "eval_size": 30, "eval_rate": 0.2, "c": 2, "seed": 3}') > 0 AS created;
SELECT strategy, options->>'family' AS family, options->'stop_kappa' AS stop_kappa, options ? 'alpha' AS has_alpha,
	cardinality(eval_items) AS eval_items
FROM al.learners WHERE name = 'fl_tags';
-- the family cannot change; the strategy only to one of the family's
SELECT pg_temp.try($$SELECT al.alter_learner('fl_tags', options => '{"family": "softmax"}')$$) AS family_change;
SELECT pg_temp.try($$SELECT al.alter_learner('fl_tags', 'least_confidence')$$) AS foreign_strategy;

-- labels: a set of classes as a text[] literal, stored in the classes' order, each once
SELECT pg_temp.try(format($$SELECT al.label('fl_tags', 1, %L)$$, l)) AS result, l AS label
FROM (VALUES ('a'), ('{a,a}'), ('{a,z}'), ('{a,NULL}'), ('{{a},{b}}'), ('{a'), ('{"a",b'), ('')) v(l);
SELECT al.label('fl_tags', 1, '{c,"a"}'), al.label('fl_tags', 2, '  {b}'), al.label('fl_tags', 3, '{}');
SELECT item_id, label FROM al.labels l JOIN al.learners r ON r.id = l.learner_id
WHERE r.name = 'fl_tags' ORDER BY item_id;
-- al.label_many takes a set as a JSON array of strings too
SELECT al.label_many('fl_tags', '[{"item": 4, "label": ["b", "a"]}, {"item": 5, "label": []}, {"item": 6, "label": "{c}"}]');
SELECT pg_temp.try($$SELECT al.label_many('fl_tags', '[{"item": 7, "label": ["a", 1]}]')$$) AS array_of_non_strings;
SELECT pg_temp.try($$SELECT al.label_many('fl_tags', '[{"item": 7, "label": ["a", "a"]}]')$$) AS array_not_a_set;
SELECT pg_temp.try($$SELECT al.label_many('fl_tags', '[{"item": 7, "label": {"a": 1}}]')$$) AS object_label;
SELECT item_id, label FROM al.labels l JOIN al.learners r ON r.id = l.learner_id
WHERE r.name = 'fl_tags' AND item_id IN ('4', '5', '6') ORDER BY item_id;

-- label 60 items outside the evaluation sample and 20 inside (their true sets)
SELECT count(al.label('fl_tags', id, tags::text)) AS labeled
FROM (SELECT id, tags FROM fl WHERE id::text NOT IN (SELECT unnest(eval_items) FROM al.learners WHERE name = 'fl_tags')
      ORDER BY id LIMIT 60) s;
SELECT count(al.label('fl_tags', id, tags::text)) AS eval_labeled
FROM (SELECT id, tags FROM fl WHERE id::text IN (SELECT unnest(eval_items) FROM al.learners WHERE name = 'fl_tags')
      ORDER BY id LIMIT 20) s;
SELECT al.run_learner('fl_tags');

-- the version: a one-vs-rest model of the learner, trained on the 60 items
-- outside the sample, equal to al.train_model on exactly those rows, in the
-- order the round takes them (the bytes of their ids: doc/loop.md, "Training order")
SELECT m.family, m.classes, m.members, c.labels_used, c.labels_unusable, c.measured_on, c.measured_items, c.served
FROM al.models m JOIN al.learning_curve c ON c.model_id = m.id WHERE c.learner = 'fl_tags';
CREATE TABLE fl_train AS
SELECT f.id, f.x, f.tags FROM fl f JOIN al.labels l ON l.item_id = f.id::text
JOIN al.learners r ON r.id = l.learner_id AND r.name = 'fl_tags'
WHERE f.id::text <> ALL (r.eval_items)
ORDER BY f.id::text COLLATE "C";
SELECT count(*) AS train_rows FROM fl_train;
SELECT al.train_model('fl_tags_ref', 'fl_train', 'x', 'tags', '{"family": "ovr", "classes": ["a", "b", "c"], "c": 2}') > 0 AS trained;
SELECT bool_and(a.coef = b.coef AND a.intercept = b.intercept) AS same_weights, count(*) AS rows
FROM al.model_coefficients('learner/fl_tags') a JOIN al.model_coefficients('fl_tags_ref') b USING (member, class);

-- the ranking: every unlabeled item; outputs = al.predict_label_probs of
-- the learner's model (computed there in real); score = the mean binary
-- entropy of the outputs, in plain SQL; predicted = the labels of p >= 0.5
CREATE TEMP TABLE fl_rank AS
SELECT s.item_id, s.score, s.predicted, s.probs, s.outputs, f.x, f.tags
FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = 'fl_tags'
JOIN fl f ON f.id::text = s.item_id;
SELECT count(*) AS ranked, count(*) FILTER (WHERE probs IS NULL) AS without_probvec,
	(SELECT count(*) FROM fl) - (SELECT count(DISTINCT item_id) FROM al.labels l JOIN al.learners r
	                             ON r.id = l.learner_id AND r.name = 'fl_tags') AS unlabeled
FROM fl_rank;
SELECT max(abs(o - p)) < 1e-6 AS outputs_are_the_models
FROM fl_rank, LATERAL ROWS FROM (unnest(outputs), unnest(al.predict_label_probs('learner/fl_tags', x))) u(o, p);
SELECT max(abs(score - (SELECT avg(CASE WHEN p IN (0, 1) THEN 0 ELSE -(p * ln(p) + (1 - p) * ln(1 - p)) END)
                        FROM unnest(outputs) p))) < 1e-12 AS score_is_mean_binary_entropy,
	bool_and(predicted = (SELECT coalesce(array_agg(c ORDER BY i), '{}') FROM unnest(outputs, '{a,b,c}'::text[])
	                      WITH ORDINALITY u(p, c, i) WHERE p >= 0.5)::text) AS predicted_is_threshold
FROM fl_rank;
-- al.next_batch hands out the top of the ranking (or evaluation items, at the rate)
SELECT count(*) AS handed, bool_and(b.probs IS NULL) AS no_probvec,
	bool_and(b.score IS NULL OR b.score = r.score) AS scores_match,
	bool_and(b.score IS NULL OR b.predicted = r.predicted) AS predictions_match
FROM al.next_batch('fl_tags', 8) b LEFT JOIN fl_rank r USING (item_id);

-- the curve: on the 20 labeled evaluation items, recomputed in plain SQL from
-- the model's predictions (al.predict_labels) and their labels
CREATE TEMP TABLE fl_eval AS
SELECT f.id, c, c = ANY (f.tags) AS truth, c = ANY (al.predict_labels('learner/fl_tags', f.x)) AS pred
FROM fl f JOIN al.labels l ON l.item_id = f.id::text JOIN al.learners r ON r.id = l.learner_id AND r.name = 'fl_tags',
	unnest('{a,b,c}'::text[]) c
WHERE f.id::text = ANY (r.eval_items);
CREATE TEMP TABLE fl_expect AS
WITH per_label AS (
	SELECT c, count(*) FILTER (WHERE truth AND pred) AS tp, count(*) FILTER (WHERE NOT truth AND pred) AS fp,
		count(*) FILTER (WHERE truth AND NOT pred) AS fn
	FROM fl_eval GROUP BY c)
SELECT (SELECT count(DISTINCT id) FROM fl_eval) AS items,
	(SELECT 2.0 * sum(tp) / nullif(2 * sum(tp) + sum(fp) + sum(fn), 0) FROM per_label)::float8 AS micro_f1,
	(SELECT avg(2.0 * tp / (2 * tp + fp + fn)) FROM per_label WHERE 2 * tp + fp + fn > 0)::float8 AS macro_f1,
	(SELECT avg((truth <> pred)::int) FROM fl_eval)::float8 AS hamming_loss,
	(SELECT avg(ok::int) FROM (SELECT bool_and(truth = pred) AS ok FROM fl_eval GROUP BY id) s)::float8 AS subset_accuracy;
SELECT e.items = c.measured_items AS items, abs(e.micro_f1 - c.micro_f1) < 1e-12 AS micro_f1,
	abs(e.macro_f1 - c.macro_f1) < 1e-12 AS macro_f1, abs(e.hamming_loss - c.hamming_loss) < 1e-12 AS hamming_loss,
	abs(e.subset_accuracy - c.subset_accuracy) < 1e-12 AS subset_accuracy,
	c.rmse IS NULL AND c.mae IS NULL AND c.r2 IS NULL AS no_regression_metrics,
	c.eval_accuracy IS NULL AS no_class_metrics
FROM fl_expect e, al.learning_curve c WHERE c.learner = 'fl_tags';

-- label cardinality inconsistency: |#{p >= 0.5} - the mean set size of the training labels|
SELECT al.alter_learner('fl_tags', 'label_cardinality_inconsistency');
SELECT al.run_learner('fl_tags');
SELECT max(abs(s.score - abs((SELECT count(*) FROM unnest(s.outputs) p WHERE p >= 0.5)
                             - (SELECT avg(cardinality(tags)) FROM fl_train)))) < 1e-12 AS score_is_lci,
	count(*) > 0 AS ranked
FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = 'fl_tags';
-- max loss and mean max loss: 1 - |2p - 1| at the worst label / on average
SELECT al.alter_learner('fl_tags', 'mean_max_loss');
SELECT al.run_learner('fl_tags');
SELECT max(abs(s.score - (SELECT avg(1 - abs(2 * p - 1)) FROM unnest(s.outputs) p))) < 1e-12 AS score_is_mean_max_loss
FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = 'fl_tags';
SELECT al.alter_learner('fl_tags', 'binary_minimum');
SELECT al.run_learner('fl_tags');
SELECT max(abs(s.score - (SELECT max(1 - abs(2 * p - 1)) FROM unnest(s.outputs) p))) < 1e-12 AS score_is_binary_minimum
FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = 'fl_tags';
-- new pool rows are scored by the served version, without retraining
INSERT INTO fl SELECT id + 1000, x, tags, y FROM fl WHERE id <= 5;
SELECT al.run_learner('fl_tags') AS new_rows;
SELECT count(*) FILTER (WHERE s.item_id::bigint > 1000) AS new_rows_ranked, count(DISTINCT s.model_version) AS versions
FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = 'fl_tags';
DELETE FROM fl WHERE id > 1000;

-- ==== a regression learner ====
SELECT al.create_learner('fl_y', 'fl', 'id', 'x', '{}', 'committee_std',
	'{"family": "ridge", "committee": 4, "alpha": 0.5, "retrain_every": 5, "eval_size": 25, "label_budget": 75}') > 0 AS created;
SELECT classes, options->>'family' AS family, options->'alpha' AS alpha FROM al.learners WHERE name = 'fl_y';
SELECT pg_temp.try(format($$SELECT al.label('fl_y', 1, %L)$$, l)) AS result, l AS label
FROM (VALUES ('NaN'), ('Infinity'), ('-inf'), ('abc'), ('{1}'), (''), ('1e400')) v(l);
SELECT al.label('fl_y', 1, ' 1e3 '), al.label('fl_y', 2, '2.50'), al.label('fl_y', 3, '-0.1');
SELECT al.label_many('fl_y', '[{"item": 4, "label": 7.25}]');
SELECT pg_temp.try($$SELECT al.label_many('fl_y', '[{"item": 5, "label": 1}, {"item": 6, "label": ["1"]}]')$$) AS array_for_numbers;
SELECT item_id, label FROM al.labels l JOIN al.learners r ON r.id = l.learner_id
WHERE r.name = 'fl_y' ORDER BY item_id;
SELECT count(al.label('fl_y', id, y::text)) AS labeled
FROM (SELECT id, y FROM fl WHERE id > 4 AND id::text NOT IN (SELECT unnest(eval_items) FROM al.learners WHERE name = 'fl_y')
      ORDER BY id LIMIT 50) s;
SELECT count(al.label('fl_y', id, y::text)) AS eval_labeled
FROM (SELECT id, y FROM fl WHERE id::text IN (SELECT unnest(eval_items) FROM al.learners WHERE name = 'fl_y')
      ORDER BY id LIMIT 16) s;
SELECT al.run_learner('fl_y');
SELECT m.family, m.members, c.labels_used, c.measured_on, c.measured_items, c.stop_rules,
	c.micro_f1 IS NULL AND c.subset_accuracy IS NULL AS no_multilabel_metrics
FROM al.models m JOIN al.learning_curve c ON c.model_id = m.id WHERE c.learner = 'fl_y';
-- outputs: each member's prediction (al.predict_committee_values, real);
-- score: the members' population standard deviation; predicted: their mean
CREATE TEMP TABLE fl_yrank AS
SELECT s.item_id, s.score, s.predicted, s.outputs, f.x
FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = 'fl_y'
JOIN fl f ON f.id::text = s.item_id;
SELECT count(*) AS ranked,
	max(abs(o - p) / greatest(1, abs(o))) < 1e-5 AS outputs_are_the_members
FROM fl_yrank, LATERAL ROWS FROM (unnest(outputs), unnest(al.predict_committee_values('learner/fl_y', x))) u(o, p);
SELECT max(abs(score - (SELECT sqrt(avg((v - m) ^ 2)) FROM unnest(outputs) v,
                        LATERAL (SELECT avg(w) AS m FROM unnest(outputs) w) a))) < 1e-12 AS score_is_committee_std,
	max(abs(predicted::float8 - (SELECT avg(v) FROM unnest(outputs) v))) < 1e-12 AS predicted_is_mean,
	max(abs(predicted::float8 - al.predict_value('learner/fl_y', x))) < 1e-5 AS predicted_is_predict_value
FROM fl_yrank;
-- the curve: RMSE, MAE and R2 of the mean prediction on the 16 labeled evaluation items
WITH e AS (
	SELECT f.y AS t, al.predict_value('learner/fl_y', f.x) AS p
	FROM fl f JOIN al.labels l ON l.item_id = f.id::text JOIN al.learners r ON r.id = l.learner_id AND r.name = 'fl_y'
	WHERE f.id::text = ANY (r.eval_items))
SELECT count(*) = c.measured_items AS items,
	abs(sqrt(avg((t - p) ^ 2)) - c.rmse) < 1e-5 AS rmse, abs(avg(abs(t - p)) - c.mae) < 1e-5 AS mae,
	abs(1 - sum((t - p) ^ 2) / (SELECT sum((t - m) ^ 2) FROM e, (SELECT avg(t) AS m FROM e) a) - c.r2) < 1e-5 AS r2
FROM e, al.learning_curve c WHERE c.learner = 'fl_y' GROUP BY c.measured_items, c.rmse, c.mae, c.r2;
-- EMCM: ||(x, 1)|| times the mean |member - mean|
SELECT al.alter_learner('fl_y', 'emcm');
SELECT al.run_learner('fl_y');
SELECT max(abs(s.score - sqrt(1 + (SELECT sum(v::float8 * v) FROM unnest(f.x) v))
	* (SELECT avg(abs(v - (SELECT avg(w) FROM unnest(s.outputs) w))) FROM unnest(s.outputs) v))) < 1e-9 AS score_is_emcm
FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = 'fl_y' JOIN fl f ON f.id::text = s.item_id;
-- the label budget (75 labeled items, the evaluation sample's too) fires once 75 items have labels
SELECT count(al.label('fl_y', id, y::text)) AS labeled
FROM (SELECT id, y FROM fl WHERE id > 4 AND id::text NOT IN (SELECT unnest(eval_items) FROM al.learners WHERE name = 'fl_y')
      AND id::text NOT IN (SELECT item_id FROM al.labels l JOIN al.learners r ON r.id = l.learner_id AND r.name = 'fl_y')
      ORDER BY id LIMIT 5) s;
SELECT al.run_learner('fl_y');
SELECT model_version, labels_used, stop_rules FROM al.learning_curve WHERE learner = 'fl_y' ORDER BY model_version;

-- holdout instead of an evaluation sample: measured on the held-out labels
SELECT al.create_learner('fl_h', 'fl', 'id', 'x', '{}', 'random', '{"family": "ridge", "holdout": 0.25, "seed": 5}') > 0 AS created;
SELECT count(al.label('fl_h', id, y::text)) FROM fl WHERE id <= 40;
SELECT al.run_learner('fl_h');
SELECT labels_used, measured_on, measured_items, labels_used + measured_items AS labeled, mean_uncertainty,
	rmse > 0 AND mae > 0 AND r2 <= 1 AS metrics
FROM al.learning_curve WHERE learner = 'fl_h';
-- random: a seeded order in [0, 1), the same in another round
CREATE TEMP TABLE fl_random AS SELECT item_id, score FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = 'fl_h';
SELECT al.retrain('fl_h');
SELECT al.run_learner('fl_h');
SELECT count(*) AS ranked, bool_and(s.score >= 0 AND s.score < 1) AS in_unit_interval,
	bool_and(s.score = f.score) AS same_order
FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = 'fl_h' JOIN fl_random f USING (item_id);

-- features stored out of line: 600-float arrays, uncompressed (EXTERNAL) and compressed (MAIN, repetitive)
CREATE TABLE fl_wide (id bigint PRIMARY KEY, x real[], y float8);
ALTER TABLE fl_wide ALTER COLUMN x SET STORAGE EXTERNAL;
INSERT INTO fl_wide SELECT i, array_fill((i % 5)::real, ARRAY[600]) || ARRAY[sin(i)]::real[], i % 5 + sin(i)
FROM generate_series(1, 40) i;
SELECT count(*) FILTER (WHERE pg_column_size(x) < 600 * 4) AS compressed, count(*) AS rows FROM fl_wide;
SELECT al.create_learner('fl_wide', 'fl_wide', 'id', 'x', '{}', 'committee_std', '{"family": "ridge", "committee": 2}') > 0 AS created;
SELECT count(al.label('fl_wide', id, y::text)) FROM fl_wide WHERE id <= 20;
SELECT al.run_learner('fl_wide');
SELECT count(*) AS ranked,
	max(abs(s.predicted::float8 - al.predict_value('learner/fl_wide', w.x))) < 1e-4 AS predicted_is_predict_value
FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = 'fl_wide' JOIN fl_wide w ON w.id::text = s.item_id;
ALTER TABLE fl_wide ALTER COLUMN x SET STORAGE MAIN;
UPDATE fl_wide SET x = x || ARRAY[0]::real[] WHERE id > 20;
UPDATE fl_wide SET x = x[1:601] WHERE id > 20;
SELECT count(*) FILTER (WHERE pg_column_size(x) < 600 * 4) AS compressed FROM fl_wide WHERE id > 20;
SELECT al.retrain('fl_wide');
SELECT al.run_learner('fl_wide');
SELECT count(*) AS ranked,
	max(abs(s.predicted::float8 - al.predict_value('learner/fl_wide', w.x))) < 1e-4 AS predicted_is_predict_value
FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = 'fl_wide' JOIN fl_wide w ON w.id::text = s.item_id;

-- a new pool row: ranked by the served version, without retraining
INSERT INTO fl_wide SELECT 1000, x, y FROM fl_wide WHERE id = 21;
SELECT al.run_learner('fl_wide') AS new_row;
SELECT count(*) AS ranked, count(*) FILTER (WHERE s.predicted = t.predicted) AS same_as_its_twin
FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = 'fl_wide'
LEFT JOIN al.scores t ON t.learner_id = s.learner_id AND t.item_id = '21' AND s.item_id = '1000';
-- a store edited by hand (as a superuser): the round never scores with a
-- version of another learner (a new session: a session's cache keeps the
-- versions it loaded, which al_ext never changes)
UPDATE al.model_store SET learner_id = (SELECT id FROM al.learners WHERE name = 'fl_h') WHERE name = 'learner/fl_wide';
INSERT INTO fl_wide SELECT 1001, x, y FROM fl_wide WHERE id = 1;
\c
\i :try
SELECT regexp_replace(pg_temp.try($$SELECT al.run_learner('fl_wide')$$), 'id \d+', 'id N') AS foreign_version;
UPDATE al.model_store SET learner_id = (SELECT id FROM al.learners WHERE name = 'fl_wide') WHERE name = 'learner/fl_wide';

SELECT al.drop_learner(name) FROM (VALUES ('fl_tags'), ('fl_y'), ('fl_h'), ('fl_wide')) v(name);
SELECT al.drop_model('fl_tags_ref');
DROP TABLE fl, fl_train, fl_wide;
