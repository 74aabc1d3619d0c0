\set QUIET on
\pset footer off
\echo
\echo 'Learning curves: accuracy on the 30% test set after each model version the worker published.'
\echo 'Both learners start from the same seeded random batch; then entropy asks for what it is'
\echo 'least sure about, random takes any unlabeled image.'
SELECT e.labels,
       round(e.accuracy::numeric, 3) AS entropy_accuracy,
       round(r.accuracy::numeric, 3) AS random_accuracy,
       round((SELECT accuracy FROM demo_reference)::numeric, 3) AS all_labels_accuracy
FROM demo_curve e JOIN demo_curve r USING (labels)
WHERE e.learner = 'digits_entropy' AND r.learner = 'digits_random'
ORDER BY e.labels;

\echo
\echo 'Labels needed to reach 95% of the accuracy of a model trained on all pool labels:'
SELECT learner,
       (SELECT round(accuracy::numeric, 3) FROM demo_reference) AS full_accuracy,
       round(0.95 * (SELECT accuracy FROM demo_reference)::numeric, 3) AS target,
       min(labels) FILTER (WHERE accuracy >= 0.95 * (SELECT accuracy FROM demo_reference)) AS labels_needed,
       (SELECT count(*) FROM digit_pool) AS pool_size
FROM demo_curve GROUP BY learner ORDER BY learner;

\echo
\echo 'The honest curve: accuracy on the evaluation set (the test set, option eval_table) with its 95%'
\echo 'Wilson interval and the macro-F1, next to the old figure of the same learner (entropy with a'
\echo 'holdout of 20%): accuracy on a holdout of the labels it chose itself, biased because those are'
\echo 'its hardest items.'
SELECT model_version, labels_used, eval_labeled,
       round(eval_accuracy::numeric, 3) AS eval_accuracy,
       '[' || round(eval_accuracy_low::numeric, 3) || ', ' || round(eval_accuracy_high::numeric, 3) || ']' AS eval_accuracy_95,
       round(eval_macro_f1::numeric, 3) AS eval_macro_f1,
       '[' || round(eval_macro_f1_low::numeric, 3) || ', ' || round(eval_macro_f1_high::numeric, 3) || ']' AS eval_macro_f1_95,
       round(selected_holdout_accuracy::numeric, 3) AS selected_holdout_accuracy
FROM al.learning_curve
WHERE learner = 'digits_entropy_holdout' AND model_version IN (1, 2, 3, 5, 10, 15, 20, 25, 30)
ORDER BY model_version;

\echo
\echo 'Where each stopping rule fired first (al.learning_curve.stop_rules; stabilizing: kappa >= 0.95'
\echo 'for 3 versions; budget: 200 labels; uncertainty: mean normalized entropy on the stop set < 0.2;'
\echo 'plateau: evaluation accuracy gained < 0.005 over 3 versions), against the labels a learner'
\echo 'needed to reach 95% of the accuracy of all pool labels:'
SELECT l.learner, r.rule, min(c.model_version) AS first_version, min(c.labels_used) AS labels_used_then,
       (SELECT min(d.labels) FROM demo_curve d WHERE d.learner = l.learner
        AND d.accuracy >= 0.95 * (SELECT accuracy FROM demo_reference)) AS labels_for_95_percent
FROM (VALUES ('digits_entropy'), ('digits_random')) l(learner)
CROSS JOIN (VALUES (1, 'stabilizing_predictions'), (2, 'label_budget'), (3, 'overall_uncertainty'),
                   (4, 'accuracy_plateau')) r(o, rule)
LEFT JOIN al.learning_curve c ON c.learner = l.learner AND r.rule = ANY (c.stop_rules)
GROUP BY l.learner, r.o, r.rule ORDER BY l.learner, r.o;

\echo
\echo 'What an analyst or a BI tool sees (al.learner_status, al.learning_curve):'
SELECT learner, strategy, pool_size, labeled, unlabeled, leased, labels_waiting, model_version,
       round(eval_accuracy::numeric, 3) AS eval_acc,
       round(selected_holdout_accuracy::numeric, 3) AS selected_holdout_acc, phase, suggested_stop, stop_reason
FROM al.learner_status;
SELECT learner, model_version, labels_used, round(mean_uncertainty::numeric, 3) AS mean_entropy,
       round(kappa_previous::numeric, 3) AS kappa_vs_previous
FROM al.learning_curve WHERE learner = 'digits_entropy' ORDER BY model_version DESC LIMIT 5;
\echo
\echo 'A dashboard view (al.label_distribution): the digits each learner asked the expert about.'
\echo 'Random follows the class frequencies (about 30 of each); entropy spends more labels on the digits'
\echo 'it confuses and fewer on those easy to tell apart:'
SELECT e.class AS digit, e.labels AS entropy_labels, r.labels AS random_labels
FROM al.label_distribution e JOIN al.label_distribution r USING (class)
WHERE e.learner = 'digits_entropy' AND r.learner = 'digits_random'
ORDER BY e.class_index;

\echo
\echo 'Time from the expert''s commit until the driver saw the new version (polling every 20 ms through psql), per round:'
SELECT learner, count(*) AS rounds, round(avg(seconds_to_publish)::numeric, 3) AS avg_seconds,
       round(max(seconds_to_publish)::numeric, 3) AS max_seconds
FROM demo_curve WHERE seconds_to_publish IS NOT NULL GROUP BY learner ORDER BY learner;
