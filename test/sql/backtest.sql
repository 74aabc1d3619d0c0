-- al.backtest and al.backtest_summary: curves replayed in plain SQL with
-- al.train_model, al.predict_proba, the score functions and the selection
-- aggregates (every deterministic strategy), the label schedule,
-- determinism, the summary against an independent query, and every error
-- with its SQLSTATE.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- 40 points of 3 overlapping classes, coordinates multiples of 1/8 (exact
-- in float, so distances are exact), ids not in scan order
CREATE TABLE bt (id bigint, x real[], y text);
INSERT INTO bt
SELECT 1000 - 7 * i, ARRAY[(i % 3) * 1.5 + ((i * 37) % 11) / 8.0, (i % 3 = 2)::int * 1.5 + ((i * 53) % 13) / 8.0]::real[],
	(ARRAY['a', 'b', 'c'])[i % 3 + 1]
FROM generate_series(1, 40) i;

-- The loop replayed in SQL for one (strategy, batch, seed), from the
-- backtest's own round-0 row (the initial set) and its holdout (the rows
-- never picked, with budget = the whole pool): each round trains
-- al.train_model on the labeled rows (in id order), records the holdout
-- accuracy from al.predict, and selects the next batch with the SQL
-- aggregate of the strategy (eer: al.expected_error_reduction over the
-- pool rows with the labels known so far, every unlabeled row a candidate
-- and in the sample, as the backtest's M = 100 and S = 1000 cover them).
CREATE FUNCTION pg_temp.replay(strat text, b integer, s bigint)
RETURNS TABLE (round integer, labels integer, accuracy double precision, picked bigint[])
LANGUAGE plpgsql AS $$
DECLARE
	labeled bigint[];
	pool bigint[];
	next bigint[];
	r integer := 0;
BEGIN
	SELECT t.picked INTO labeled FROM al.backtest('bt', 'id', 'x', 'y', ARRAY[strat], ARRAY[b],
		seeds => ARRAY[s], initial => 4) t WHERE t.round = 0;
	SELECT array_agg(t.id) INTO pool FROM (SELECT DISTINCT unnest(t.picked) AS id
		FROM al.backtest('bt', 'id', 'x', 'y', ARRAY[strat], ARRAY[b], seeds => ARRAY[s], initial => 4) t) t;
	next := labeled;
	LOOP
		DROP TABLE IF EXISTS pg_temp.lab;
		CREATE TEMP TABLE lab AS SELECT bt.* FROM bt WHERE bt.id = ANY (labeled) ORDER BY bt.id;
		PERFORM al.train_model('bt_ref', 'pg_temp.lab', 'x', 'y');
		round := r;
		labels := cardinality(labeled);
		picked := next;
		SELECT avg((al.predict('bt_ref', bt.x) = bt.y)::int) INTO accuracy
		FROM bt WHERE NOT bt.id = ANY (pool);
		RETURN NEXT;
		EXIT WHEN cardinality(labeled) = cardinality(pool);
		DROP TABLE IF EXISTS pg_temp.eer_pool;
		CREATE TEMP TABLE eer_pool AS SELECT bt.id, bt.x, CASE WHEN bt.id = ANY (labeled) THEN bt.y END AS y
			FROM bt WHERE bt.id = ANY (pool);
		WITH c AS (
			SELECT bt.id, bt.x::double precision[] AS x, al.predict_proba('bt_ref', bt.x) AS p,
				bt.id = ANY (labeled) AS is_labeled
			FROM bt WHERE bt.id = ANY (pool)
		)
		SELECT CASE strat
			WHEN 'margin' THEN (SELECT al.top_k(c.id, al.margin_confidence(c.p), b) FROM c WHERE NOT is_labeled)
			WHEN 'entropy' THEN (SELECT al.top_k(c.id, al.entropy(c.p), b) FROM c WHERE NOT is_labeled)
			WHEN 'least_confidence' THEN (SELECT al.top_k(c.id, al.least_confidence(c.p), b) FROM c WHERE NOT is_labeled)
			WHEN 'kcenter' THEN (SELECT al.kcenter(c.id, c.x, b, c.is_labeled) FROM c)
			WHEN 'ranked_batch' THEN (SELECT al.ranked_batch(c.id, c.x, al.least_confidence(c.p), b, c.is_labeled) FROM c)
			WHEN 'ranked_margin' THEN (SELECT al.ranked_batch(c.id, c.x, al.margin_confidence(c.p), b, c.is_labeled) FROM c)
			WHEN 'ranked_entropy' THEN (SELECT al.ranked_batch(c.id, c.x, al.entropy(c.p), b, c.is_labeled) FROM c)
			WHEN 'balanced_margin' THEN (SELECT al.balanced_top_k(c.id, al.margin_confidence(c.p), c.p, b, 0.5) FROM c WHERE NOT is_labeled)
			WHEN 'balanced_entropy' THEN (SELECT al.balanced_top_k(c.id, al.entropy(c.p), c.p, b, 0.5) FROM c WHERE NOT is_labeled)
			WHEN 'eer' THEN (SELECT array_agg(e.item_id::bigint ORDER BY e.rank)
				FROM al.expected_error_reduction('bt_ref', 'pg_temp.eer_pool', 'id', 'x', 'y') e WHERE e.rank <= b)
			END INTO next;
		labeled := labeled || next;
		r := r + 1;
	END LOOP;
	PERFORM al.drop_model('bt_ref');
END $$;

-- every deterministic strategy, batches of 3 and 5: the backtest's rows equal the SQL replay
SELECT st.s AS strategy, b.b AS batch,
	(SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', ARRAY[st.s], ARRAY[b.b], seeds => '{7}', initial => 4)) AS rounds,
	(SELECT count(*) FROM (
		SELECT t.round, t.labels, t.accuracy, t.picked FROM al.backtest('bt', 'id', 'x', 'y', ARRAY[st.s], ARRAY[b.b], seeds => '{7}', initial => 4) t
		EXCEPT SELECT * FROM pg_temp.replay(st.s, b.b, 7)) d) AS rows_differing
FROM unnest(ARRAY['margin', 'entropy', 'least_confidence', 'kcenter', 'ranked_batch', 'ranked_margin', 'ranked_entropy',
	'balanced_margin', 'balanced_entropy', 'eer']) st(s), unnest(ARRAY[3, 5]) b(b)
ORDER BY 1, 2;

-- a control: the replay of another strategy does not match
SELECT count(*) > 0 AS margin_differs_from_entropy FROM (
	SELECT t.round, t.labels, t.accuracy, t.picked FROM al.backtest('bt', 'id', 'x', 'y', ARRAY['margin'], ARRAY[3], seeds => '{7}', initial => 4) t
	EXCEPT SELECT * FROM pg_temp.replay('entropy', 3, 7)) d;

-- the schedule: 40 rows, holdout round(0.3 * 40) = 12, pool 28; initial 4,
-- batches of 5 up to the budget 20: labels 4, 9, 14, 19, 20 (the last batch
-- is cut to the budget); picks are distinct pool rows; round 0 has the
-- initial set, the same for every strategy of a seed
SELECT strategy, array_agg(labels ORDER BY round) AS labels,
	array_agg(cardinality(picked) ORDER BY round) AS picks,
	count(DISTINCT full_accuracy) AS one_full_accuracy
FROM al.backtest('bt', 'id', 'x', 'y', ARRAY['random', 'kcenter', 'badge'], ARRAY[5], budget => 20, seeds => '{3}', initial => 4)
GROUP BY strategy ORDER BY strategy;
SELECT count(DISTINCT picked) AS initial_sets, bool_and(picked <@ (SELECT array_agg(id) FROM bt)) AS table_ids
FROM al.backtest('bt', 'id', 'x', 'y', batch_sizes => ARRAY[5, 7], budget => 20, seeds => '{3}', initial => 4)
WHERE round = 0;
SELECT strategy, count(*) AS picks, count(DISTINCT p) AS distinct_picks
FROM al.backtest('bt', 'id', 'x', 'y', ARRAY['random', 'badge', 'balanced_margin'], ARRAY[4], seeds => '{5}', initial => 4),
	unnest(picked) p
GROUP BY strategy ORDER BY strategy;
-- the full accuracy: a model on the 28 pool rows, evaluated on the 12 others
CREATE TABLE bt_pool AS SELECT bt.* FROM bt WHERE id IN (
	SELECT unnest(picked) FROM al.backtest('bt', 'id', 'x', 'y', ARRAY['random'], ARRAY[10], seeds => '{3}', initial => 4))
	ORDER BY id;
SELECT al.train_model('bt_full', 'bt_pool', 'x', 'y') > 0 AS trained;
SELECT (SELECT avg((al.predict('bt_full', x) = y)::int) FROM bt WHERE id NOT IN (SELECT id FROM bt_pool))
	= (SELECT DISTINCT full_accuracy FROM al.backtest('bt', 'id', 'x', 'y', ARRAY['random'], ARRAY[10], seeds => '{3}', initial => 4))
	AS full_accuracy_matches, (SELECT count(*) FROM bt_pool) AS pool_rows;

-- determinism: the same call gives the same rows; another seed other picks
SELECT count(*) AS differing FROM (
	(SELECT * FROM al.backtest('bt', 'id', 'x', 'y', batch_sizes => '{4}', seeds => '{1,2}', initial => 4)
	 EXCEPT ALL SELECT * FROM al.backtest('bt', 'id', 'x', 'y', batch_sizes => '{4}', seeds => '{1,2}', initial => 4))
	UNION ALL
	(SELECT * FROM al.backtest('bt', 'id', 'x', 'y', batch_sizes => '{4}', seeds => '{1,2}', initial => 4)
	 EXCEPT ALL SELECT * FROM al.backtest('bt', 'id', 'x', 'y', batch_sizes => '{4}', seeds => '{1,2}', initial => 4))) d;
SELECT count(DISTINCT picked) AS initial_sets_of_two_seeds
FROM al.backtest('bt', 'id', 'x', 'y', ARRAY['random'], '{4}', seeds => '{1,2}', initial => 4) WHERE round = 0;

-- the summary against an independent query over the same curves
CREATE TABLE bt_curves AS SELECT * FROM al.backtest('bt', 'id', 'x', 'y', ARRAY['random', 'margin', 'kcenter'], ARRAY[3, 6], seeds => '{1,2,3}', initial => 4);
WITH first_hit AS (
	SELECT strategy, batch_size, seed,
		(SELECT min(c2.labels) FROM bt_curves c2 WHERE (c2.strategy, c2.batch_size, c2.seed) = (c.strategy, c.batch_size, c.seed)
			AND c2.accuracy >= 0.9 * c2.full_accuracy) AS hit,
		max(full_accuracy) AS full_acc, (array_agg(accuracy ORDER BY labels DESC))[1] AS final_acc
	FROM bt_curves c GROUP BY strategy, batch_size, seed
), mine AS (
	SELECT strategy, batch_size, count(*)::int AS runs, count(hit)::int AS reached,
		CASE WHEN count(hit) = count(*) THEN avg(hit) END AS l2t, avg(full_acc) AS full_acc, avg(final_acc) AS final_acc
	FROM first_hit GROUP BY strategy, batch_size
)
SELECT count(*) AS groups,
	count(*) FILTER (WHERE (m.runs, m.reached, m.l2t, m.full_acc, m.final_acc) IS NOT DISTINCT FROM
		(s.runs, s.runs_reached, s.labels_to_target, s.full_accuracy, s.final_accuracy)) AS equal
FROM mine m JOIN al.backtest_summary('bt', 'id', 'x', 'y', ARRAY['random', 'margin', 'kcenter'], ARRAY[3, 6],
	seeds => '{1,2,3}', initial => 4, target => 0.9) s USING (strategy, batch_size);
SELECT strategy, batch_size, runs, runs_reached, labels_to_target IS NOT NULL AS has_l2t
FROM al.backtest_summary('bt', 'id', 'x', 'y', ARRAY['margin'], ARRAY[6], seeds => '{1,2,3}', initial => 4, target => 2);

-- errors
CREATE TABLE bt_one (id int, x real[], y text);
INSERT INTO bt_one VALUES (1, '{1,2}', 'a'), (2, '{2,3}', 'a'), (3, '{3,1}', NULL);
CREATE TABLE bt_nullx (id int, x real[], y text);
INSERT INTO bt_nullx VALUES (1, '{1,2}', 'a'), (2, NULL, 'b');
CREATE TABLE bt_dims (id int, x double precision[], y int);
INSERT INTO bt_dims VALUES (1, '{1,2}', 1), (2, '{1,2,3}', 2);
CREATE TABLE bt_dup (id smallint, x real[], y int);
INSERT INTO bt_dup VALUES (1, '{1,2}', 1), (2, '{2,1}', 2), (1, '{0,0}', 1);
CREATE TABLE bt_nullid (id bigint, x real[], y int);
INSERT INTO bt_nullid VALUES (1, '{1,2}', 1), (NULL, '{2,1}', 2);
CREATE TABLE bt_textid (id text, x real[], y int);
CREATE TABLE bt_empty (id int, x real[], y int);
SELECT c AS call, pg_temp.try(c) AS result FROM (VALUES
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', ARRAY['nope'])$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', ARRAY[]::text[])$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', ARRAY['margin', NULL])$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', batch_sizes => '{5,0}')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', batch_sizes => '{}')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', ARRAY(SELECT 'margin' FROM generate_series(1, 1001)))$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', batch_sizes => ARRAY(SELECT 5 FROM generate_series(1, 1001)))$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', seeds => ARRAY(SELECT i::bigint FROM generate_series(1, 10001) i))$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', seeds => '{}')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', initial => 0)$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', initial => 5, budget => 4)$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', budget => 29)$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', initial => 29)$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', holdout => 0)$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', holdout => 1)$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', holdout => 'NaN')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', holdout => 0.01)$$),
	($$SELECT count(*) FROM al.backtest_summary('bt', 'id', 'x', 'y', ARRAY['margin'], target => NULL)$$),
	($$SELECT count(*) FROM al.backtest_summary('bt', 'id', 'x', 'y', ARRAY['margin'], target => 'NaN')$$),
	($$SELECT count(*) FROM al.backtest_summary('bt', 'id', 'x', 'y', ARRAY['margin'], target => 'Infinity')$$),
	($$SELECT count(*) FROM al.backtest_summary('bt', 'id', 'x', 'y', ARRAY['margin'], target => 0)$$),
	($$SELECT count(*) FROM al.backtest_summary('bt', 'id', 'x', 'y', ARRAY['margin'], target => -0.5)$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', options => '{"c": 0}')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', options => '{"max_iter": 0}')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', options => '{"class_cap": 1.5}')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', options => '{"l2": 1}')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', options => '{"eer_candidates": 0}')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', options => '{"eer_sample": 100001}')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', options => '{"eer_steps": 1001}')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', options => '{"eer_loss": "hinge"}')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', options => '[1]')$$),
	($$SELECT count(*) FROM al.backtest('bt_one', 'id', 'x', 'y')$$),
	($$SELECT count(*) FROM al.backtest('bt_empty', 'id', 'x', 'y')$$),
	($$SELECT count(*) FROM al.backtest('bt_nullx', 'id', 'x', 'y')$$),
	($$SELECT count(*) FROM al.backtest('bt_dims', 'id', 'x', 'y')$$),
	($$SELECT count(*) FROM al.backtest('bt_dup', 'id', 'x', 'y', initial => 1)$$),
	($$SELECT count(*) FROM al.backtest('bt_nullid', 'id', 'x', 'y', initial => 1)$$),
	($$SELECT count(*) FROM al.backtest('bt_textid', 'id', 'x', 'y')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'y', 'x', 'y')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'y', 'y')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'nope', 'x', 'y')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'nope')$$),
	($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', budget => NULL, initial => NULL)$$),
	($$SELECT count(*) FROM al.backtest(NULL, 'id', 'x', 'y')$$)
) v(c);
-- bounded memory: 40 rows of 2 features and 3 classes take 40 x 156 bytes
SET al_ext.selection_max_memory = '64kB';
CREATE TABLE bt_big AS SELECT i AS id, ARRAY[i % 7, i % 5]::real[] AS x, i % 2 AS y FROM generate_series(1, 1000) i;
SELECT pg_temp.try($$SELECT count(*) FROM al.backtest('bt_big', 'id', 'x', 'y', budget => 20)$$) AS over_the_limit;
SELECT pg_temp.try($$SELECT count(*) FROM al.backtest('bt', 'id', 'x', 'y', ARRAY['margin'], budget => 20, seeds => '{1}')$$) AS under_the_limit;
RESET al_ext.selection_max_memory;
-- read as the caller: a role without SELECT on the table is refused
CREATE ROLE bt_nobody;
GRANT USAGE ON SCHEMA al TO bt_nobody;
SET ROLE bt_nobody;
SELECT pg_temp.try($$SELECT count(*) FROM al.backtest('public.bt', 'id', 'x', 'y')$$) AS no_select;
RESET ROLE;
DROP OWNED BY bt_nobody;
DROP ROLE bt_nobody;
-- leave no model behind (later tests count the models)
SELECT al.drop_model('bt_full');
