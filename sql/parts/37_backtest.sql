-- Backtest (issue 9): which strategy for my data?  al.backtest replays the
-- loop on a labeled table (src/selection/backtest.c, src/core/backtest_replay.c);
-- al.backtest_summary turns its curves into labels-to-target per strategy.

CREATE FUNCTION al.backtest(data regclass, id name, features name, label name,
		strategies text[] DEFAULT ARRAY['random', 'entropy', 'margin', 'least_confidence',
			'ranked_batch', 'kcenter', 'badge', 'balanced_margin'],
		batch_sizes integer[] DEFAULT ARRAY[10],
		budget integer DEFAULT NULL,
		initial integer DEFAULT 10,
		seeds bigint[] DEFAULT ARRAY[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]::bigint[],
		holdout double precision DEFAULT 0.3,
		options jsonb DEFAULT '{}')
	RETURNS TABLE (strategy text, batch_size integer, seed bigint, round integer,
		labels integer, accuracy double precision, full_accuracy double precision,
		picked bigint[])
	AS 'MODULE_PATHNAME', 'al_backtest' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION al.backtest(regclass, name, name, name, text[], integer[], integer, integer, bigint[], double precision, jsonb) IS
	'replay the active-learning loop on the labeled rows of data (read as the caller) for each strategy, batch size and seed: a seeded holdout part, a seeded initial set, then rounds of train, score, select and label until the budget (NULL: the whole pool); one row per round with the holdout accuracy, the accuracy of a model trained on the whole pool, and the ids labeled before the round. Strategies: random, entropy, margin, least_confidence, ranked_batch, ranked_margin, ranked_entropy, kcenter, badge, balanced_margin, balanced_entropy, eer (expected error reduction; not in the default list: it costs far more). Options: c, max_iter, tol, class_cap, eer_candidates, eer_sample, eer_steps, eer_loss';

CREATE FUNCTION al.backtest_summary(data regclass, id name, features name, label name,
		strategies text[] DEFAULT ARRAY['random', 'entropy', 'margin', 'least_confidence',
			'ranked_batch', 'kcenter', 'badge', 'balanced_margin'],
		batch_sizes integer[] DEFAULT ARRAY[10],
		budget integer DEFAULT NULL,
		initial integer DEFAULT 10,
		seeds bigint[] DEFAULT ARRAY[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]::bigint[],
		holdout double precision DEFAULT 0.3,
		options jsonb DEFAULT '{}',
		target double precision DEFAULT 0.95)
	RETURNS TABLE (strategy text, batch_size integer, runs integer, runs_reached integer,
		labels_to_target double precision, full_accuracy double precision,
		final_accuracy double precision)
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- (a NULL, NaN or infinite target was reached by no run, silently; 0 or less by all)
	IF target IS NULL THEN
		RAISE EXCEPTION 'target must not be null' USING ERRCODE = '22004';
	END IF;
	IF target OPERATOR(pg_catalog.<=) 0 OR target OPERATOR(pg_catalog.=) 'NaN'::double precision
		OR target OPERATOR(pg_catalog.=) 'Infinity'::double precision THEN
		RAISE EXCEPTION 'target must be a positive fraction of the full-pool accuracy: %', target
			USING ERRCODE = '22023', HINT = 'For 95% of the accuracy of a model trained on the whole pool, pass 0.95.';
	END IF;
	RETURN QUERY
	WITH curve AS (
		SELECT b.strategy, b.batch_size, b.seed, b.labels, b.accuracy, b.full_accuracy,
			pg_catalog.min(b.labels) FILTER (WHERE b.accuracy OPERATOR(pg_catalog.>=)
				(target OPERATOR(pg_catalog.*) b.full_accuracy))
				OVER (PARTITION BY b.strategy, b.batch_size, b.seed) AS reached_at,
			pg_catalog.max(b.labels) OVER (PARTITION BY b.strategy, b.batch_size, b.seed) AS last
		FROM al.backtest(data, id, features, label, strategies, batch_sizes, budget, initial,
			seeds, holdout, options) b
	), per_seed AS (
		SELECT c.strategy, c.batch_size, c.seed, c.reached_at, c.full_accuracy,
			c.accuracy AS final_accuracy
		FROM curve c
		WHERE c.labels OPERATOR(pg_catalog.=) c.last
	)
	SELECT s.strategy, s.batch_size, pg_catalog.count(*)::integer,
		pg_catalog.count(s.reached_at)::integer,
		CASE WHEN pg_catalog.count(s.reached_at) OPERATOR(pg_catalog.=) pg_catalog.count(*)
			THEN pg_catalog.avg(s.reached_at)::double precision END,
		pg_catalog.avg(s.full_accuracy), pg_catalog.avg(s.final_accuracy)
	FROM per_seed s
	GROUP BY s.strategy, s.batch_size
	ORDER BY s.batch_size, s.strategy;
END
$$;
COMMENT ON FUNCTION al.backtest_summary(regclass, name, name, name, text[], integer[], integer, integer, bigint[], double precision, jsonb, double precision) IS
	'labels-to-target per strategy and batch size from al.backtest: the labels at which the holdout accuracy first reaches target x the full-pool accuracy, averaged over the seeds (NULL unless every seed reached it; runs_reached says how many of the runs did), with the mean full-pool and final accuracies';
