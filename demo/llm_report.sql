-- make demo, part 4: what the team sees at the end
\set QUIET on
\pset footer off
\echo
\echo 'Each round: items handed out to ann_a and ann_b, labels pulled by the fine-tuning job (the'
\echo 'evaluation sample stays out), answers the strict cast would refuse (off 1 by more than 1e-3,'
\echo 'rounded to 2 decimals) and al.to_probvec renormalized instead:'
SELECT round, version AS declared, handed_out, labeled, pulled AS pulled_for_finetune,
       strict_cast_refuses, finetune_size
FROM llm_rounds ORDER BY round;

\echo
\echo 'No two leases overlapped: items handed to both experts (0 expected), labels per expert:'
SELECT (SELECT count(*) FROM (SELECT item_id FROM al.labels l JOIN al.learners n ON n.id = l.learner_id
                              WHERE n.name = 'llm_digits' GROUP BY item_id HAVING count(*) > 1) d) AS items_labeled_twice,
       (SELECT string_agg(annotator || ' ' || n, ', ' ORDER BY annotator)
        FROM (SELECT annotator, count(*) AS n FROM al.labels l JOIN al.learners n ON n.id = l.learner_id
              WHERE n.name = 'llm_digits' GROUP BY 1) a) AS labels_per_expert;

\echo
\echo 'The curve per prediction version: agreement with the experts on the unbiased evaluation sample'
\echo '(Wilson 95% interval); on the items the loop chose (biased: the stand-in was then fine-tuned on'
\echo 'them); the mean entropy of the unlabeled pool; the stop rules that fire. true_accuracy is the'
\echo 'version''s accuracy on all 1,797 items, known here only because the demo knows every answer:'
SELECT c.model_version AS v, v.name AS version, c.labels_used, c.eval_labeled,
       round(c.eval_accuracy::numeric, 3) AS eval_acc,
       '[' || round(c.eval_accuracy_low::numeric, 2) || ', ' || round(c.eval_accuracy_high::numeric, 2) || ']' AS eval_95,
       round(c.selected_holdout_accuracy::numeric, 3) AS chosen_items_acc,
       round(c.mean_uncertainty::numeric, 3) AS mean_entropy,
       (SELECT round(avg((t.digit = (ARRAY['0','1','2','3','4','5','6','7','8','9'])[al.argmax(s.probs)])::int), 3)
        FROM llm_version_preds s JOIN llm_truth t ON t.id = s.id WHERE s.version = c.model_version) AS true_accuracy,
       c.stop_rules
FROM al.learning_curve c JOIN al.prediction_versions v ON v.learner = c.learner AND v.version = c.model_version
WHERE c.learner = 'llm_digits' ORDER BY c.model_version;

\echo
\echo 'The learner''s status (the stop rule compares versions):'
SELECT model_version, labeled, suggested_stop, stop_reason FROM al.learner_status WHERE learner = 'llm_digits';

\echo
\echo 'What the next fine-tuning run would pull (labels no version used; the evaluation sample''s stay here):'
SELECT count(*) AS labels_since_last_finetune,
       count(*) FILTER (WHERE item_id = ANY ((SELECT eval_items FROM al.learners WHERE name = 'llm_digits')::text[])) AS of_them_eval_sample
FROM al.labels_since('llm_digits');
