-- bench/backtest_learner.sql: does al.backtest predict what a real learner
-- does?  For each strategy and seed, the backtest's replay on digits and a
-- learner run for real on the same split: a pool table of the backtest's
-- pool rows, the backtest's initial labels given through al.label, then
-- rounds of al.run_learner (retrain), the learner's model evaluated on the
-- backtest's holdout rows with al.predict, al.next_batch, and al.label with
-- the true digits, until the same budget.  Prints both curves side by side
-- and how many picks agree.  Run by bench/run_bench.sh (section
-- backtest_learner) after bench/backtest.sql's data (table bt_digits).
-- Deterministic strategies must agree exactly; badge (the learner draws
-- its k-means++ seed from its own stream), random and eer (the learner's
-- sample is drawn by hashed ids, the backtest's by its stream) only
-- within noise.
\set ON_ERROR_STOP on
SET max_parallel_workers_per_gather = 0;
SET client_min_messages = warning;

CREATE TEMP TABLE bl_curve (strategy text, batch integer, seed bigint, round integer, labels integer,
	backtest_accuracy double precision, learner_accuracy double precision,
	same_picks integer, picks integer);

-- The learner's strategy and options for a backtest strategy name.
CREATE FUNCTION pg_temp.learner_setup(strat text, OUT strategy text, OUT options jsonb)
LANGUAGE sql AS $$
	SELECT CASE strat WHEN 'margin' THEN 'margin_confidence' WHEN 'ranked_margin' THEN 'margin_confidence'
			WHEN 'balanced_margin' THEN 'margin_confidence' WHEN 'ranked_batch' THEN 'least_confidence'
			WHEN 'kcenter' THEN 'entropy' WHEN 'badge' THEN 'entropy' WHEN 'ranked_entropy' THEN 'entropy'
			WHEN 'balanced_entropy' THEN 'entropy' WHEN 'eer' THEN 'expected_error_reduction' ELSE strat END,
		CASE WHEN strat LIKE 'ranked%' THEN '{"batch": "ranked"}'
			WHEN strat LIKE 'balanced%' THEN '{"batch": "balanced", "class_cap": 0.5}'
			WHEN strat IN ('kcenter', 'badge') THEN jsonb_build_object('batch', strat)
			ELSE '{}' END::jsonb
$$;

CREATE FUNCTION pg_temp.run_pair(strat text, b integer, s bigint, budget integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	pool bigint[];
	curve record;
	setup record;
	labeled integer;
	acc double precision;
	picks bigint[];
	r integer := 0;
BEGIN
	-- the seed's pool: the initial set and everything a batch of the whole pool picks
	SELECT array_agg(DISTINCT p) INTO pool
	FROM al.backtest('bt_digits', 'id', 'x', 'y', ARRAY['random'], ARRAY[100000], seeds => ARRAY[s]) t,
		unnest(t.picked) p;
	DROP TABLE IF EXISTS public.bl_pool;
	CREATE TABLE public.bl_pool AS SELECT id, x FROM bt_digits WHERE id = ANY (pool);
	CREATE TEMP TABLE bl_hold AS SELECT id, x, y FROM bt_digits WHERE NOT id = ANY (pool);
	setup := pg_temp.learner_setup(strat);
	PERFORM al.create_learner('bl', 'public.bl_pool', 'id', 'x',
		ARRAY(SELECT g::text FROM generate_series(0, 9) g), setup.strategy,
		setup.options || jsonb_build_object('batch_size', b, 'retrain_every', 1, 'seed', s));
	FOR curve IN SELECT * FROM al.backtest('bt_digits', 'id', 'x', 'y', ARRAY[strat], ARRAY[b],
			budget => budget, seeds => ARRAY[s]) ORDER BY round
	LOOP
		-- round 0: the backtest's initial set; later: the learner's own picks
		IF curve.round = 0 THEN
			picks := curve.picked;
		END IF;
		PERFORM al.label('bl', p, d.y::text, 'bench') FROM unnest(picks) p JOIN bt_digits d ON d.id = p;
		PERFORM al.run_learner('bl');
		SELECT avg((al.predict('learner/bl', h.x) = h.y::text)::int) INTO acc FROM bl_hold h;
		SELECT count(*) INTO labeled FROM al.labels l JOIN al.learners v ON v.id = l.learner_id WHERE v.name = 'bl';
		INSERT INTO bl_curve VALUES (strat, b, s, curve.round, labeled, curve.accuracy, acc,
			(SELECT count(*) FROM unnest(picks) p WHERE p = ANY (curve.picked)), cardinality(picks));
		EXIT WHEN labeled >= budget;
		SELECT array_agg(nb.item_id::bigint) INTO picks FROM al.next_batch('bl', LEAST(b, budget - labeled), 'bench') nb;
	END LOOP;
	PERFORM al.drop_learner('bl');
	DROP TABLE bl_hold;
END $$;

DO $$
DECLARE
	s bigint;
	st text;
BEGIN
	FOREACH st IN ARRAY string_to_array(current_setting('bl.strategies'), ',') LOOP
		FOR s IN 1..current_setting('bl.seeds')::int LOOP
			PERFORM pg_temp.run_pair(st, current_setting('bl.batch')::int, s, current_setting('bl.budget')::int);
		END LOOP;
	END LOOP;
END $$;

\echo '== backtest against a real learner on the same split (digits; learner: al.label, al.run_learner, al.next_batch)'
\echo '   over all rounds and seeds: rounds compared, mean and largest |accuracy difference|, share of picks that agree'
SELECT strategy, batch, count(*) AS rounds, count(DISTINCT seed) AS seeds,
	round(avg(abs(backtest_accuracy - learner_accuracy))::numeric, 4) AS mean_abs_diff,
	round(max(abs(backtest_accuracy - learner_accuracy))::numeric, 4) AS max_abs_diff,
	round(sum(same_picks)::numeric / nullif(sum(picks), 0), 3) AS picks_agreeing
FROM bl_curve GROUP BY strategy, batch ORDER BY strategy, batch;
\echo '   the mean curves at a few label counts'
SELECT strategy, batch, labels, round(avg(backtest_accuracy)::numeric, 4) AS backtest_acc,
	round(avg(learner_accuracy)::numeric, 4) AS learner_acc
FROM bl_curve WHERE labels IN (20, 50, 100, 150, 200, 300)
GROUP BY strategy, batch, labels ORDER BY strategy, batch, labels;
