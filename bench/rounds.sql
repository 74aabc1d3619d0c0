-- bench/rounds.sql: section rounds (issue 12, item 5): the time of one
-- learner round (retrain on 100 labels, score the pool, write the ranking)
-- against the time of one plain scan of the pool's feature column that
-- detoasts every array, for pools of 100,000 to 10,000,000 rows of 64 or
-- 768 real features; then the round with option rescore_sample.
-- bench/run_bench.sh (bench_rounds) makes each pool (bench/gen_data.c
-- mixture: id bigint, x real[], y int), calls these functions, and prints
-- bench.rounds_report.

CREATE TABLE bench.round_runs (
	pool text NOT NULL,
	rows bigint NOT NULL,
	d    int NOT NULL,
	what text NOT NULL,          -- 'scan', 'round', 'round, rescore_sample 0.1'
	run  int NOT NULL,
	ms   double precision NOT NULL
);

-- A learner over a pool: entropy, topk, 100 labels (ids 1..100, answered
-- with y), trained only when asked (al.retrain).
CREATE FUNCTION bench.round_learner(name text, pool regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM al.create_learner(name, pool, 'id', 'x', ARRAY['0','1','2','3','4','5','6','7','8','9'],
		'entropy', '{"retrain_every": 100000000, "standardize": false, "seed": 1}');
	EXECUTE format('SELECT count(al.label(%L, id, y::text, %L)) FROM %s WHERE id <= 100', name, 'bench', pool);
	PERFORM al.retrain(name);
END
$$;

-- One plain scan of the feature column, detoasting every array: ms.
CREATE FUNCTION bench.time_scan(pool regclass, rows bigint, d int, run int) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
	ms double precision;
BEGIN
	EXECUTE format('SELECT sum(cardinality(x)) FROM %s', pool);
	ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
	INSERT INTO bench.round_runs VALUES (pool::text, rows, d, 'scan', run, ms);
	RETURN ms;
END
$$;

-- One sequential scan of the pool's TOAST table (every chunk, not
-- assembled): the cheapest read of out-of-line features, which a round
-- with al_ext.toast_scan on (the default) does instead of detoasting each
-- row's array alone; ms.  Pools without a TOAST table (or an empty one)
-- record nothing.
CREATE FUNCTION bench.time_toast_scan(pool regclass, rows bigint, d int, run int) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
	toast regclass := (SELECT NULLIF(reltoastrelid, 0)::regclass FROM pg_class WHERE oid = pool);
	n bigint;
	ms double precision;
BEGIN
	IF toast IS NULL THEN
		RETURN NULL;
	END IF;
	EXECUTE format('SELECT count(*) FROM %s', toast) INTO n;
	IF n = 0 THEN
		RETURN NULL;
	END IF;
	t0 := clock_timestamp();
	EXECUTE format('SELECT sum(pg_catalog.length(chunk_data)) FROM %s', toast);
	ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
	INSERT INTO bench.round_runs VALUES (pool::text, rows, d, 'toast scan', run, ms);
	RETURN ms;
END
$$;

-- One round (a retrain: train on the 100 labels, score every unlabeled
-- row, write and mark the ranking): ms, recorded as `what`.
CREATE FUNCTION bench.time_round(name text, pool regclass, rows bigint, d int, what text, run int)
RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	ms double precision;
	r text;
BEGIN
	PERFORM al.retrain(name);
	t0 := clock_timestamp();
	r := al.run_learner(name);
	ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
	IF r <> 'retrained' THEN
		RAISE EXCEPTION 'round of % was %', name, r;
	END IF;
	INSERT INTO bench.round_runs VALUES (pool::text, rows, d, what, run, ms);
	RETURN ms;
END
$$;

-- the median of the timed runs (run 0, the warm-up scan, is not one)
CREATE FUNCTION bench.rounds_median(p text, w text) RETURNS double precision
LANGUAGE sql AS $$
	SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM bench.round_runs
	WHERE pool = p AND what = w AND run > 0
$$;

-- The table: per pool the median scan and round, their ratio, the round
-- per 1,000 rows, the round with rescore_sample 0.1 (serial, and with
-- al_ext.parallel_rounds and 2 workers), and the round with ranking_rows
-- 10000 (every row scored, the best 10,000 written).
CREATE VIEW bench.rounds_report AS
WITH p AS (
	SELECT pool, rows, d, count(*) FILTER (WHERE what = 'round') AS runs,
	       bench.rounds_median(pool, 'scan') AS scan, bench.rounds_median(pool, 'round') AS round,
	       bench.rounds_median(pool, 'round, rescore_sample 0.1') AS sampled,
	       bench.rounds_median(pool, 'round, rescore_sample 0.1, 2 workers') AS sampled2,
	       bench.rounds_median(pool, 'round, ranking_rows 10000') AS kept,
	       bench.rounds_median(pool, 'toast scan') AS toast
	FROM bench.round_runs GROUP BY pool, rows, d)
SELECT to_char(rows, 'FM99,999,999') AS "rows", d AS features, runs,
       round(scan::numeric) AS "scan ms", round(toast::numeric) AS "TOAST scan ms", round(round::numeric) AS "round ms",
       round((round / scan)::numeric, 2) AS "round / scan", round((round / toast)::numeric, 2) AS "round / TOAST scan",
       round((1000 * round / rows)::numeric, 3) AS "round ms / 1000 rows",
       round(sampled::numeric) AS "rescore 10% ms", round((sampled / scan)::numeric, 2) AS "10% / scan",
       round(sampled2::numeric) AS "10%, 2 workers ms",
       round(kept::numeric) AS "best 10,000 kept ms", round((kept / scan)::numeric, 2) AS "kept / scan",
       CASE WHEN d = 768 AND rows = 1000000 THEN
            CASE WHEN round <= 1.5 * scan THEN 'PASS' ELSE 'MISS' END || ' (round <= 1.5 x scan)' END AS "issue 12 target"
FROM p ORDER BY p.d, p.rows;

-- Linearity: for each feature count, the round's time per row at each
-- size over its time per row at the smallest size (1.00 = linear).
CREATE VIEW bench.rounds_linearity AS
WITH p AS (
	SELECT d, rows, bench.rounds_median(pool, 'round') / rows AS per_row,
	       bench.rounds_median(pool, 'scan') / rows AS scan_per_row
	FROM bench.round_runs GROUP BY pool, rows, d)
SELECT d AS features, to_char(rows, 'FM99,999,999') AS "rows",
       round((per_row / first_value(per_row) OVER w)::numeric, 2) AS "round per row / smallest pool's",
       round((scan_per_row / first_value(scan_per_row) OVER w)::numeric, 2) AS "scan per row / smallest pool's"
FROM p WINDOW w AS (PARTITION BY d ORDER BY rows) ORDER BY p.d, p.rows;
