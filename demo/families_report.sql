-- make demo, part 5: the learning curves of the regression and multi-label
-- learners, each figure the mean over their 3 seeds
\set QUIET on
\pset footer off
\echo
\echo 'Regression, alcohol of the test wines (its standard deviation there: the RMSE of always'
\echo 'predicting the mean): test RMSE and R2 by labels used, mean of 3 seeds:'
SELECT labels,
       round(avg(rmse) FILTER (WHERE strategy = 'committee_std')::numeric, 3) AS committee_std_rmse,
       round(avg(rmse) FILTER (WHERE strategy = 'random')::numeric, 3) AS random_rmse,
       round(avg(r2) FILTER (WHERE strategy = 'committee_std')::numeric, 3) AS committee_std_r2,
       round(avg(r2) FILTER (WHERE strategy = 'random')::numeric, 3) AS random_r2
FROM family_curve WHERE learner LIKE 'wine%' GROUP BY labels ORDER BY labels;
SELECT round(stddev_pop(alcohol)::numeric, 3) AS test_set_sd FROM wine_test;

\echo
\echo 'Multi-label, tags of the test images: micro-F1 and subset accuracy (every tag right) by labels'
\echo 'used, mean of 3 seeds (binary_minimum asks for the image whose least certain tag is closest to 0.5):'
SELECT labels,
       round(avg(micro_f1) FILTER (WHERE strategy = 'entropy')::numeric, 3) AS entropy_micro_f1,
       round(avg(micro_f1) FILTER (WHERE strategy = 'binary_minimum')::numeric, 3) AS binmin_micro_f1,
       round(avg(micro_f1) FILTER (WHERE strategy = 'random')::numeric, 3) AS random_micro_f1,
       round(avg(subset_accuracy) FILTER (WHERE strategy = 'entropy')::numeric, 3) AS entropy_subset,
       round(avg(subset_accuracy) FILTER (WHERE strategy = 'binary_minimum')::numeric, 3) AS binmin_subset,
       round(avg(subset_accuracy) FILTER (WHERE strategy = 'random')::numeric, 3) AS random_subset
FROM family_curve WHERE learner LIKE 'tags%' AND labels % 30 = 0 GROUP BY labels ORDER BY labels;

\echo
\echo 'At the last label count, each strategy against random sampling (mean of the 3 seeds; lower RMSE,'
\echo 'higher micro-F1 is better; within 0.005 counts as random''s). A strategy is worth its rounds only'
\echo 'where it beats random on the team''s own data; make bench (section curves13) repeats this over'
\echo '10 seeds and every strategy:'
WITH last AS (
	SELECT CASE WHEN learner LIKE 'wine%' THEN 'wine alcohol, test RMSE' ELSE 'digit tags, test micro-F1' END AS task,
	       strategy, labels, CASE WHEN learner LIKE 'wine%' THEN rmse ELSE micro_f1 END AS metric,
	       learner LIKE 'wine%' AS lower_is_better
	FROM family_curve f
	WHERE labels = (SELECT max(labels) FROM family_curve g WHERE left(g.learner, 4) = left(f.learner, 4))),
m AS (SELECT task, strategy, labels, lower_is_better, avg(metric) AS metric FROM last GROUP BY 1, 2, 3, 4)
SELECT s.task, s.labels, s.strategy, round(s.metric::numeric, 3) AS strategy_value, round(r.metric::numeric, 3) AS random_value,
       CASE WHEN abs(s.metric - r.metric) < 0.005 THEN 'as random'
            WHEN (s.metric < r.metric) = s.lower_is_better THEN 'better than random'
            ELSE 'worse than random' END AS verdict
FROM m s JOIN m r ON r.task = s.task AND r.strategy = 'random'
WHERE s.strategy <> 'random' ORDER BY s.task DESC, s.strategy;

\echo
\echo 'The learners'' own curve (al.learning_curve) of one of them: with no evaluation sample or holdout'
\echo 'configured it measures nothing (measured_on NULL); the demo measures on its test sets above.'
SELECT learner, model_version, labels_used, round(mean_uncertainty::numeric, 4) AS mean_score, measured_on, stop_rules
FROM al.learning_curve WHERE learner = 'wine_committee_std_1' ORDER BY model_version DESC LIMIT 2;

\echo
\echo 'What an analyst reads: the top of two rankings (outputs: the committee''s 5 predictions; the'
\echo 'tag probabilities in the order even, prime, large, loop):'
SELECT l.name AS learner, s.item_id, round(s.score::numeric, 4) AS score, s.predicted,
       (SELECT array_agg(round(o::numeric, 2)) FROM unnest(s.outputs) o) AS outputs
FROM al.learners l,
     LATERAL (SELECT * FROM al.scores s WHERE s.learner_id = l.id ORDER BY s.score DESC, s.item_id LIMIT 2) s
WHERE l.name IN ('wine_committee_std_1', 'tags_entropy_1') ORDER BY l.name, s.score DESC;
