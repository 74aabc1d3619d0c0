-- bench/parallel.sql: section parallel (issue 12, item 4): one learner round
-- (retrain on 100 labels, score the pool, write the ranking) serial and with
-- al_ext.parallel_rounds and 2 parallel workers, on pools of 1,000,000 x 64
-- and 100,000 x 768 real features, beside a plain serial scan of the feature
-- column; and whether both rankings are the same, bit for bit.
-- bench/run_bench.sh (bench_parallel) makes each pool (bench/gen_data.c
-- mixture) and its learner (bench.round_learner, bench/rounds.sql), calls
-- these functions, and prints bench.parallel_report.

-- The rankings' md5 per pool and kind of round (workers: -1 the serial
-- round, 0 and 2 al_ext.parallel_rounds with as many workers per gather);
-- the times go to bench.round_runs (bench/rounds.sql) as 'round, serial',
-- 'round, 0 workers' and 'round, 2 workers'.
CREATE TABLE bench.parallel_rankings (
	pool text NOT NULL,
	workers int NOT NULL,
	ranking text NOT NULL
);

-- The ranking of learner `name` as one md5: ids, scores bit for bit,
-- predicted classes, probabilities, hot marks.
CREATE FUNCTION bench.ranking_md5(name text) RETURNS text
LANGUAGE sql AS $$
	SELECT md5(string_agg(s.item_id || ' ' || float8send(s.score)::text || ' ' || s.predicted || ' ' ||
	                      s.probs::text || ' ' || s.hot::text, ',' ORDER BY s.item_id))
	FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = name
$$;

-- The name of a kind of round in bench.round_runs.
CREATE FUNCTION bench.parallel_what(workers int) RETURNS text
LANGUAGE sql AS $$
	SELECT CASE WHEN workers < 0 THEN 'round, serial' ELSE format('round, %s workers', workers) END
$$;

-- One round (a retrain, bench.time_round) of the serial kind (workers -1)
-- or of one query (al_ext.parallel_rounds) with max_parallel_workers_per_gather
-- = workers: ms; on run 1 also the ranking's md5.
CREATE FUNCTION bench.time_parallel_round(name text, pool regclass, rows bigint, d int, workers int, run int)
RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	ms double precision;
BEGIN
	PERFORM set_config('al_ext.parallel_rounds', CASE WHEN workers >= 0 THEN 'on' ELSE 'off' END, true);
	PERFORM set_config('max_parallel_workers_per_gather', greatest(workers, 0)::text, true);
	ms := bench.time_round(name, pool, rows, d, bench.parallel_what(workers), run);
	IF run = 1 THEN
		INSERT INTO bench.parallel_rankings VALUES (pool::text, workers, bench.ranking_md5(name));
	END IF;
	RETURN ms;
END
$$;

-- Per pool: the median serial scan (bench.time_scan), the median rounds:
-- serial (cursor), the round's query in one process, and with 2 workers;
-- the speed-ups, and whether the rankings are all the same.
CREATE VIEW bench.parallel_report AS
WITH p AS (
	SELECT pool, rows, d, count(*) FILTER (WHERE what = 'round, serial' AND run > 0) AS runs,
	       bench.rounds_median(pool, 'scan') AS scan, bench.rounds_median(pool, 'round, serial') AS serial,
	       bench.rounds_median(pool, 'round, 0 workers') AS query,
	       bench.rounds_median(pool, 'round, 2 workers') AS parallel,
	       (SELECT count(DISTINCT ranking) FROM bench.parallel_rankings r WHERE r.pool = x.pool) AS rankings
	FROM bench.round_runs x WHERE pool IN (SELECT pool FROM bench.parallel_rankings) GROUP BY pool, rows, d)
SELECT to_char(rows, 'FM99,999,999') AS "rows", d AS features, runs,
       round(scan::numeric) AS "scan ms", round(serial::numeric) AS "serial round ms",
       round(query::numeric) AS "query, 0 workers ms", round(parallel::numeric) AS "query, 2 workers ms",
       round((serial / parallel)::numeric, 2) AS "speed-up vs serial",
       round((query / parallel)::numeric, 2) AS "speed-up vs 0 workers",
       round((parallel / scan)::numeric, 2) AS "2 workers / scan",
       CASE WHEN rankings = 1 THEN 'same' ELSE 'DIFFERENT' END AS "rankings"
FROM p ORDER BY p.d, p.rows;
