-- make demo, part 2: the active-learning loop on the digits data.
\set QUIET on
\pset footer off
\i demo/digits_tables.sql

\echo
\echo 'Optical Recognition of Handwritten Digits, UCI, CC BY 4.0: 1,797 8x8 images, 10 classes'
SELECT (SELECT count(*) FROM digit_pool) AS pool, (SELECT count(*) FROM digit_test) AS test_set;

-- the reference: one model trained on every pool label at once
CREATE TABLE digits_full AS SELECT p.id, p.pixels, t.digit FROM digit_pool p JOIN digit_truth t USING (id);
SELECT al.train_model('digits_all_labels', 'digits_full', 'pixels', 'digit', '{"standardize": true}') > 0 AS reference_trained;
CREATE TABLE demo_reference AS
SELECT avg((al.predict('digits_all_labels', pixels) = digit)::int) AS accuracy FROM digit_test;

-- two learners on the same pool: uncertainty sampling and random sampling.
-- Their evaluation set is the test set (option eval_table): every version's
-- accuracy on it, with a 95% interval, goes into al.learning_curve.  Every
-- stopping rule is configured, to show where each would have stopped.
SELECT al.create_learner(name, 'digit_pool', 'id', 'pixels', ARRAY['0','1','2','3','4','5','6','7','8','9'],
                         strategy, '{"batch_size": 10, "retrain_every": 10, "standardize": true, "seed": 1,
                                     "eval_table": "digit_test", "eval_label_column": "digit",
                                     "stop_kappa": 0.95, "label_budget": 200, "stop_uncertainty": 0.2,
                                     "stop_plateau": 0.005}') > 0 AS created
FROM (VALUES ('digits_entropy', 'entropy'), ('digits_random', 'random')) v(name, strategy);
-- a third, entropy with a holdout of 20% of the labels it chose: the old,
-- biased figure (selected_holdout_accuracy) next to its honest curve
SELECT al.create_learner('digits_entropy_holdout', 'digit_pool', 'id', 'pixels', ARRAY['0','1','2','3','4','5','6','7','8','9'],
                         'entropy', '{"batch_size": 10, "retrain_every": 10, "standardize": true, "seed": 1,
                                      "holdout": 0.2, "eval_table": "digit_test", "eval_label_column": "digit"}') > 0 AS created;
CREATE TABLE demo_curve (learner text, labels int, version int, accuracy float8, seconds_to_publish float8);
