-- bench/round_select.sql: the time of one learner round (train on 100 labels, score, select)
-- on a generated 100,000 x 64 pool for each learner batch option; run by bench/run_bench.sh (backtest).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT setseed(0.1);
DROP TABLE IF EXISTS p100;
CREATE TABLE p100 AS SELECT i AS id, ARRAY(SELECT (random() + (j % 10 = i % 10)::int)::real FROM generate_series(1,64) j WHERE i > 0) x FROM generate_series(1,100000) i;
CREATE TEMP TABLE timing (what text, ms double precision);
DO $$
DECLARE
	cfg record;
	t0 timestamptz;
BEGIN
	FOR cfg IN SELECT * FROM (VALUES
		(1, 'topk', '{"batch": "topk"}'),
		(2, 'kcenter M=10000 (default)', '{"batch": "kcenter"}'),
		(3, 'ranked M=10000', '{"batch": "ranked"}'),
		(4, 'badge M=10000', '{"batch": "badge"}'),
		(5, 'balanced M=10000', '{"batch": "balanced"}'),
		(6, 'kcenter M=2000', '{"batch": "kcenter", "candidates": 2000}')) v(n, what, opts) ORDER BY n
	LOOP
		PERFORM al.create_learner('rc', 'p100', 'id', 'x', ARRAY(SELECT g::text FROM generate_series(0,9) g), 'margin_confidence', cfg.opts::jsonb);
		PERFORM al.label('rc', i::bigint, (i % 10)::text, 'bench') FROM generate_series(1, 100) i;
		t0 := clock_timestamp();
		PERFORM al.run_learner('rc');
		INSERT INTO timing VALUES (cfg.what, 1000 * extract(epoch FROM clock_timestamp() - t0));
		PERFORM al.drop_learner('rc');
	END LOOP;
END $$;
\echo '== one learner round (train on 100 labels, score 100,000 x 64, select), serial, one run each'
SELECT what, round(ms::numeric) AS ms FROM timing;
