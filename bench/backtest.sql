-- bench/backtest.sql: the backtest section of make bench (bench/run_bench.sh).
-- 1. al.backtest_summary on digits (1797 x 64, 10 classes) with the protocol
--    of issue 9: 70/30 split, 10 initial labels, 10 seeds (1..10), batches of
--    10 and 50, budget 300, softmax defaults (c 1, max_iter 100): labels
--    needed to reach 95% of the full-pool accuracy, mean of the 10 seeds,
--    beside modAL's numbers (scikit-learn LogisticRegression, same protocol,
--    quoted from issue 9), and the time of the whole call.
-- 2. the selection time of each selector on a generated 100,000 x 64 pool
--    (10-class probabilities), batch of 50, one run each, serial.
\set ON_ERROR_STOP on
SET max_parallel_workers_per_gather = 0;
CREATE TABLE IF NOT EXISTS bt_digits AS
	SELECT row_number() OVER (ORDER BY ctid) AS id, x, y FROM digits;
CREATE TEMP TABLE modal_ref (batch_size int, strategy text, modal_labels int);
INSERT INTO modal_ref VALUES
	(50, 'random', 210), (50, 'entropy', 260), (50, 'margin', 160), (50, 'ranked_batch', 160),
	(10, 'random', 220), (10, 'entropy', 160), (10, 'margin', 110), (10, 'ranked_batch', 130);

CREATE TEMP TABLE bt_timing (what text, seconds double precision);
CREATE TEMP TABLE bt_summary AS SELECT * FROM al.backtest_summary('bt_digits', 'id', 'x', 'y') LIMIT 0;
DO $$
DECLARE
	t0 timestamptz := clock_timestamp();
BEGIN
	INSERT INTO bt_summary SELECT * FROM al.backtest_summary('bt_digits', 'id', 'x', 'y',
		ARRAY['random', 'entropy', 'margin', 'least_confidence', 'ranked_batch', 'ranked_margin',
			'kcenter', 'badge', 'balanced_margin', 'balanced_entropy'],
		ARRAY[10, 50], budget => 300, initial => 10, holdout => 0.3);
	INSERT INTO bt_timing VALUES ('digits: 10 strategies x 2 batch sizes x 10 seeds, budget 300',
		extract(epoch FROM clock_timestamp() - t0));
	-- expected error reduction apart (its cost is of another order): the
	-- defaults of al.expected_error_reduction (M 100 by entropy, S 1000,
	-- 20 steps, log loss)
	t0 := clock_timestamp();
	INSERT INTO bt_summary SELECT * FROM al.backtest_summary('bt_digits', 'id', 'x', 'y',
		ARRAY['eer'], ARRAY[10, 50], budget => 300, initial => 10, holdout => 0.3);
	INSERT INTO bt_timing VALUES ('digits: eer x 2 batch sizes x 10 seeds, budget 300',
		extract(epoch FROM clock_timestamp() - t0));
END $$;

\echo '== backtest: digits (1797 x 64), 70/30 split, 10 initial labels, seeds 1..10, budget 300'
\echo '   labels to reach 95% of the full-pool accuracy (mean of 10 seeds; NULL: not every seed got there by 300)'
SELECT s.batch_size AS batch, s.strategy, round(s.labels_to_target::numeric, 1) AS labels_to_95pct,
	s.runs_reached || '/' || s.runs AS reached, m.modal_labels AS "modAL (issue 9)",
	round(s.full_accuracy::numeric, 4) AS full_acc, round(s.final_accuracy::numeric, 4) AS acc_at_300
FROM bt_summary s LEFT JOIN modal_ref m USING (batch_size, strategy)
ORDER BY s.batch_size, s.labels_to_target NULLS LAST, s.strategy;

-- a generated pool: 100,000 x 64 features, 10-class probabilities
SELECT setseed(0.42);
CREATE TABLE IF NOT EXISTS sel_pool AS
SELECT i AS id, x, al.softmax(ARRAY(SELECT 3 * random() FROM generate_series(1, 10) j WHERE i > 0)) AS p
FROM generate_series(1, 100000) i,
	LATERAL (SELECT array_agg(random()::float8) AS x FROM generate_series(1, 64) j WHERE i > 0) f;
VACUUM ANALYZE sel_pool;
DO $$
DECLARE
	q record;
	t0 timestamptz;
	r bigint[];
BEGIN
	FOR q IN SELECT * FROM (VALUES
		(1, 'scan: count(*)', 'SELECT ARRAY[count(*)] FROM sel_pool'),
		(2, 'top-k margin: al.top_k', 'SELECT al.top_k(id, al.margin_confidence(p), 50) FROM sel_pool'),
		(3, 'k-center: al.kcenter', 'SELECT al.kcenter(id, x, 50) FROM sel_pool'),
		(4, 'ranked batch: al.ranked_batch', 'SELECT al.ranked_batch(id, x, al.least_confidence(p), 50) FROM sel_pool'),
		(5, 'BADGE: al.badge', 'SELECT al.badge(id, x, p, 50, 1) FROM sel_pool'),
		(6, 'class-balanced margin: al.balanced_top_k', 'SELECT al.balanced_top_k(id, al.margin_confidence(p), p, 50, 0.5) FROM sel_pool'),
		(7, 'epsilon-greedy: al.epsilon_greedy', 'SELECT al.epsilon_greedy(id, al.margin_confidence(p), 50, 0.1, 1) FROM sel_pool')) v(n, what, sql)
		ORDER BY n
	LOOP
		t0 := clock_timestamp();
		EXECUTE q.sql INTO r;
		INSERT INTO bt_timing VALUES ('100k x 64 pool, batch 50: ' || q.what, extract(epoch FROM clock_timestamp() - t0));
	END LOOP;
END $$;
\echo '== backtest cost and selection time (serial, one run each; the machine is shared: noisy)'
SELECT what, round(seconds::numeric, 3) AS seconds FROM bt_timing;
