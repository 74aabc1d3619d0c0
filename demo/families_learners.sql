-- make demo, part 5: the learners, each strategy with 3 seeds (the cold
-- start's random sample and the committee's bootstrap differ by seed)
\set QUIET on
-- a committee of 5 ridge models (query by committee: their standard
-- deviation) against random sampling; 5 wines a batch
SELECT count(al.create_learner(format('wine_%s_%s', strategy, seed), 'wine_pool', 'id', 'x', '{}', strategy,
                               jsonb_build_object('family', 'ridge', 'committee', 5, 'alpha', 1, 'standardize', true,
                                                  'seed', seed, 'batch_size', 5, 'retrain_every', 5))) AS wine_learners
FROM unnest('{committee_std,random}'::text[]) strategy, generate_series(1, 3) seed;
-- one-vs-rest logistic models (the mean binary entropy; the label closest
-- to 0.5) against random; 10 images a batch
SELECT count(al.create_learner(format('tags_%s_%s', strategy, seed), 'digit_pool', 'id', 'pixels',
                               '{even,prime,large,loop}', strategy,
                               jsonb_build_object('family', 'ovr', 'standardize', true, 'seed', seed,
                                                  'batch_size', 10, 'retrain_every', 10))) AS tag_learners
FROM unnest('{entropy,binary_minimum,random}'::text[]) strategy, generate_series(1, 3) seed;
