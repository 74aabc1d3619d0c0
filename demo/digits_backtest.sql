-- make demo, part 3: which strategy, which batch size?  al.backtest replays
-- the loop on the labeled digits for several strategies (issue 9), inside
-- the server, and al.backtest_summary says how many labels each needed.
\set QUIET on
\pset footer off
\echo
\echo 'Which strategy for these digits?  al.backtest_summary replays the loop on the labeled table'
\echo '(70/30 split, 10 initial labels, seeds 1..5, up to 300 labels, softmax on the raw pixels) and'
\echo 'counts the labels each strategy needed to reach 95% of the accuracy of a model trained on the'
\echo 'whole pool.  Entropy top-k batches of 50 are redundant (many more labels than at batch 10);'
\echo 'margin, ranked batch over margin and k-center are not:'
SELECT batch_size AS batch, strategy, labels_to_target AS labels_to_95pct,
       runs_reached || '/' || runs AS seeds_reached, round(final_accuracy::numeric, 3) AS accuracy_at_300
FROM al.backtest_summary('digits', 'id', 'pixels', 'digit',
                         ARRAY['random', 'entropy', 'margin', 'ranked_margin', 'kcenter', 'badge', 'balanced_margin'],
                         ARRAY[10, 50], budget => 300, seeds => ARRAY[1, 2, 3, 4, 5]::bigint[])
ORDER BY batch_size, labels_to_target NULLS LAST, strategy;
\echo 'A learner with the same seed and options reproduces these curves (test/sql/backtest_learner.sql):'
\echo 'e.g. al.create_learner(..., ''margin_confidence'', ''{"batch": "ranked", "batch_size": 50}'').'
