-- The backtest predicts the learner: a learner run for real (al.label,
-- al.run_learner, al.next_batch) on the backtest's split of a labeled
-- table, from the backtest's initial labels, labels the same items and
-- reaches the same holdout accuracy in every round as al.backtest's replay
-- of its strategy (same seed, same trainer options).
CREATE TABLE btl (id bigint, x real[], y text);
INSERT INTO btl
SELECT 1000 - 7 * i, ARRAY[(i % 3) * 1.5 + ((i * 37) % 11) / 8.0, (i % 3 = 2)::int * 1.5 + ((i * 53) % 13) / 8.0]::real[],
	(ARRAY['a', 'b', 'c'])[i % 3 + 1]
FROM generate_series(1, 60) i;

-- The learner's run as rows like al.backtest's (round, labels, holdout
-- accuracy, the ids labeled before the round, sorted: a batch is a set).
CREATE FUNCTION pg_temp.learner_run(strat text, learner_strategy text, learner_options jsonb,
	b integer, s bigint, budget integer)
RETURNS TABLE (round integer, labels integer, accuracy double precision, picked bigint[])
LANGUAGE plpgsql AS $$
DECLARE
	pool bigint[];
	picks bigint[];
	r integer := 0;
BEGIN
	SELECT array_agg(DISTINCT p) INTO pool
	FROM al.backtest('btl', 'id', 'x', 'y', ARRAY['random'], ARRAY[1000], seeds => ARRAY[s], initial => 4) t,
		unnest(t.picked) p;
	DROP TABLE IF EXISTS btl_pool;
	CREATE TABLE btl_pool AS SELECT btl.id, btl.x FROM btl WHERE btl.id = ANY (pool);
	PERFORM al.create_learner('btl', 'btl_pool', 'id', 'x', ARRAY['a', 'b', 'c'], learner_strategy,
		learner_options || jsonb_build_object('batch_size', b, 'retrain_every', 1, 'seed', s));
	SELECT t.picked INTO picks FROM al.backtest('btl', 'id', 'x', 'y', ARRAY[strat], ARRAY[b],
		seeds => ARRAY[s], initial => 4) t WHERE t.round = 0;
	LOOP
		PERFORM al.label('btl', p, btl.y, 'tester') FROM unnest(picks) p JOIN btl ON btl.id = p;
		PERFORM al.run_learner('btl');
		round := r;
		SELECT count(*)::int INTO labels FROM al.labels l JOIN al.learners v ON v.id = l.learner_id
		WHERE v.name = 'btl';
		SELECT avg((al.predict('learner/btl', btl.x) = btl.y)::int) INTO accuracy
		FROM btl WHERE NOT btl.id = ANY (pool);
		picked := ARRAY(SELECT p FROM unnest(picks) p ORDER BY p);
		RETURN NEXT;
		EXIT WHEN labels >= budget;
		SELECT array_agg(nb.item_id::bigint) INTO picks
		FROM al.next_batch('btl', LEAST(b, budget - labels), 'tester') nb;
		r := r + 1;
	END LOOP;
	PERFORM al.drop_learner('btl');
END $$;

-- the backtest's rows with each batch sorted
CREATE FUNCTION pg_temp.backtest_run(strat text, b integer, s bigint, budget integer)
RETURNS TABLE (round integer, labels integer, accuracy double precision, picked bigint[])
LANGUAGE sql AS $$
	SELECT t.round, t.labels, t.accuracy, ARRAY(SELECT p FROM unnest(t.picked) p ORDER BY p)
	FROM al.backtest('btl', 'id', 'x', 'y', ARRAY[strat], ARRAY[b], budget => budget,
		seeds => ARRAY[s], initial => 4) t
$$;

-- the deterministic strategies (top-k, and the learner options batch
-- ranked, kcenter and balanced), two batch sizes, two seeds: every round equal
SELECT v.strat, b.b AS batch, s.s AS seed,
	(SELECT count(*) FROM pg_temp.backtest_run(v.strat, b.b, s.s, 30)) AS rounds,
	(SELECT count(*) FROM (
		SELECT * FROM pg_temp.backtest_run(v.strat, b.b, s.s, 30)
		EXCEPT SELECT * FROM pg_temp.learner_run(v.strat, v.ls, v.lo, b.b, s.s, 30)) d) AS rows_differing
FROM (VALUES ('margin', 'margin_confidence', '{}'::jsonb), ('entropy', 'entropy', '{}'),
	('least_confidence', 'least_confidence', '{}'),
	('ranked_batch', 'least_confidence', '{"batch": "ranked"}'),
	('ranked_margin', 'margin_confidence', '{"batch": "ranked"}'),
	('kcenter', 'entropy', '{"batch": "kcenter"}'),
	('balanced_margin', 'margin_confidence', '{"batch": "balanced", "class_cap": 0.5}')) v(strat, ls, lo),
	unnest(ARRAY[3, 5]) b(b), unnest(ARRAY[1, 2]::bigint[]) s(s)
ORDER BY 1, 2, 3;

-- controls: a random learner, or one with another c, does not reproduce
-- the margin replay (on these 3 classes entropy and margin pick alike)
SELECT (SELECT count(*) FROM (
		SELECT * FROM pg_temp.backtest_run('margin', 3, 1, 30)
		EXCEPT SELECT * FROM pg_temp.learner_run('margin', 'random', '{}', 3, 1, 30)) d) > 0 AS random_differs,
	(SELECT count(*) FROM (
		SELECT * FROM pg_temp.backtest_run('margin', 3, 1, 30)
		EXCEPT SELECT * FROM pg_temp.learner_run('margin', 'margin_confidence', '{"c": 0.05}', 3, 1, 30)) d) > 0 AS other_c_differs;

DROP TABLE btl_pool;
DROP TABLE btl;
