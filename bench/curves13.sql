-- make bench, section curves13 (issue 13): learning curves of the regression
-- learner (wine alcohol) and the multi-label learner (digit tags) of make
-- demo part 5, every strategy of each family against random sampling, each
-- the mean of :seeds seeds; measured on the demo's test sets.  Runs in its
-- own database (digits_raw and wine_raw loaded by bench/run_bench.sh).
\set QUIET on
\pset footer off
\i demo/digits_tables.sql
\i demo/families_setup.sql
SELECT set_config('c13.wine_rounds', :'wine_rounds', false), set_config('c13.tag_rounds', :'tag_rounds', false) \g /dev/null
SELECT count(al.create_learner(format('wine_%s_%s', strategy, seed), 'wine_pool', 'id', 'x', '{}', strategy,
                               jsonb_build_object('family', 'ridge', 'committee', 5, 'alpha', 1, 'standardize', true,
                                                  'seed', seed, 'batch_size', 5, 'retrain_every', 5))) AS wine_learners
FROM unnest('{committee_std,emcm,random}'::text[]) strategy, generate_series(1, :seeds) seed;
SELECT count(al.create_learner(format('tags_%s_%s', strategy, seed), 'digit_pool', 'id', 'pixels',
                               '{even,prime,large,loop}', strategy,
                               jsonb_build_object('family', 'ovr', 'standardize', true, 'seed', seed,
                                                  'batch_size', 10, 'retrain_every', 10))) AS tag_learners
FROM unnest('{entropy,binary_minimum,max_loss,mean_max_loss,label_cardinality_inconsistency,random}'::text[]) strategy,
     generate_series(1, :seeds) seed;
CREATE TABLE c13_time (learner text, seconds float8);
DO $$
DECLARE
	l record;
	t timestamptz;
BEGIN
	FOR l IN SELECT name FROM al.learners ORDER BY name LOOP
		t := clock_timestamp();
		IF l.name LIKE 'wine%' THEN
			CALL expert_rounds(l.name, 'wine_truth', current_setting('c13.wine_rounds')::int);
		ELSE
			CALL expert_rounds(l.name, 'tag_truth', current_setting('c13.tag_rounds')::int);
		END IF;
		INSERT INTO c13_time VALUES (l.name, extract(epoch FROM clock_timestamp() - t));
		COMMIT;
	END LOOP;
END $$;

\echo
\echo '== curves13: learning curves against random sampling (make demo part 5''s tasks, bench/curves13.sql)'
SELECT :seeds AS seeds, (SELECT count(*) FROM wine_pool) AS wine_pool, (SELECT count(*) FROM wine_test) AS wine_test,
       (SELECT count(*) FROM digit_pool) AS digit_pool, (SELECT count(*) FROM tag_test) AS digit_test;
\echo 'Regression (ridge committee of 5, batches of 5): test RMSE by labels used, mean over the seeds;'
\echo 'vs_random = the strategy''s mean RMSE over the whole curve / random''s (below 1: better):'
WITH c AS (SELECT strategy, labels, avg(rmse) AS rmse FROM family_curve WHERE learner LIKE 'wine%' GROUP BY 1, 2)
SELECT strategy,
       round(avg(rmse) FILTER (WHERE labels = 10)::numeric, 3) AS at_10,
       round(avg(rmse) FILTER (WHERE labels = 25)::numeric, 3) AS at_25,
       round(avg(rmse) FILTER (WHERE labels = 50)::numeric, 3) AS at_50,
       round(avg(rmse) FILTER (WHERE labels = 75)::numeric, 3) AS at_75,
       round(avg(rmse) FILTER (WHERE labels = 100)::numeric, 3) AS at_100,
       round((avg(rmse) / (SELECT avg(rmse) FROM c WHERE strategy = 'random'))::numeric, 3) AS vs_random
FROM c GROUP BY strategy ORDER BY vs_random;
\echo 'Multi-label (one-vs-rest, batches of 10): test micro-F1 by labels used, mean over the seeds;'
\echo 'vs_random = the strategy''s mean micro-F1 over the whole curve / random''s (above 1: better),'
\echo 'subset_vs_random the same for subset accuracy:'
WITH c AS (SELECT strategy, labels, avg(micro_f1) AS f1, avg(subset_accuracy) AS sub
           FROM family_curve WHERE learner LIKE 'tags%' GROUP BY 1, 2)
SELECT strategy,
       round(avg(f1) FILTER (WHERE labels = 20)::numeric, 3) AS at_20,
       round(avg(f1) FILTER (WHERE labels = 50)::numeric, 3) AS at_50,
       round(avg(f1) FILTER (WHERE labels = 100)::numeric, 3) AS at_100,
       round(avg(f1) FILTER (WHERE labels = 200)::numeric, 3) AS at_200,
       round(avg(f1) FILTER (WHERE labels = 300)::numeric, 3) AS at_300,
       round((avg(f1) / (SELECT avg(f1) FROM c WHERE strategy = 'random'))::numeric, 3) AS vs_random,
       round((avg(sub) / (SELECT avg(sub) FROM c WHERE strategy = 'random'))::numeric, 3) AS subset_vs_random
FROM c GROUP BY strategy ORDER BY vs_random DESC;
\echo 'Time per round (label a batch, retrain, rescore the pool, measure on the test set), mean:'
SELECT split_part(learner, '_', 1) AS task, round((avg(seconds) / CASE WHEN learner LIKE 'wine%' THEN :wine_rounds
                                                                    ELSE :tag_rounds END * 1000)::numeric, 1) AS ms_per_round
FROM c13_time GROUP BY 1, learner LIKE 'wine%' ORDER BY 1;
