-- bench/report_loop.sql: the tables of the loop section (issue 4).
-- Latency: client wall clock from just before the COMMIT of 10 labels to the
-- NOTIFY of the new version (bench/loop_bench.py), the worker running.
-- Breakdown: the same round run synchronously (al.run_learner after
-- al.retrain, worker stopped) and its parts, each timed alone in the server,
-- all interleaved in rounds (bench/run_bench.sh rr); medians.
\pset footer off
\pset null ''

CREATE TEMP VIEW lpools AS
SELECT * FROM (VALUES (200, 'mix_100k', 100000, 500), (240, 'mix_1m', 1000000, 3000))
	AS v(base, pool, rows, target_ms);

CREATE TEMP VIEW lat AS
SELECT p.base, p.pool, p.rows, p.target_ms,
       count(r.ms) FILTER (WHERE r.round >= 1) AS rounds,
       bench.median(array_agg(r.ms) FILTER (WHERE r.round >= 1)) AS med,
       min(r.ms) FILTER (WHERE r.round >= 1) AS lo,
       max(r.ms) FILTER (WHERE r.round >= 1) AS hi,
       min(r.ms) FILTER (WHERE r.round = 0) AS first_ms,
       min(r.status) FILTER (WHERE r.status <> 'ok') AS bad,
       (SELECT median_ms FROM bench.results x WHERE x.case_id = p.base + 1 AND x.workers = 0 AND x.status = 'ok') AS sync_ms
FROM lpools p LEFT JOIN bench.runs r ON r.case_id = p.base
GROUP BY p.base, p.pool, p.rows, p.target_ms;

\echo
\echo '== the loop: from the COMMIT of a batch of 10 labels (al.label_many) to the NOTIFY al_ext of the new version'
\echo '   (background worker running, al_ext.naptime 100ms; strategy entropy, retrain_every 10, batch_size 10, standardize false;'
\echo '   client wall clock; rounds after the first model; VACUUM al.scores between rounds, as autovacuum would)'
SELECT pool, to_char(rows, 'FM9,999,999') AS "rows", rounds,
       to_char(med, 'FM999990.0') AS "median ms", to_char(lo, 'FM999990.0') AS "min ms",
       to_char(hi, 'FM999990.0') AS "max ms",
       to_char(first_ms, 'FM999990.0') AS "first model ms",
       to_char(sync_ms, 'FM999990.0') AS "al.run_learner ms",
       coalesce(bad, CASE WHEN rounds = 0 THEN 'not run' END) AS note
FROM lat WHERE rounds > 0 OR bad IS NOT NULL ORDER BY base;

CREATE TEMP VIEW lparts AS
SELECT p.base, p.pool, c.id, c.id - p.base AS part, c.label, r.status, r.median_ms, r.runs_ms,
       rr.median_ms AS round_ms, ref.median_ms AS ctas_ms
FROM lpools p
JOIN bench.cases c ON c.id > p.base AND c.id < p.base + 20
LEFT JOIN bench.results r ON r.case_id = c.id AND r.workers = 0
LEFT JOIN bench.results rr ON rr.case_id = p.base + 1 AND rr.workers = 0 AND rr.status = 'ok'
LEFT JOIN bench.results ref ON ref.case_id = p.base + 12 AND ref.workers = 0 AND ref.status = 'ok';

-- the parts in the order of the round, with the differences that isolate
-- the foreign key and the index
CREATE TEMP VIEW lrows AS
SELECT base, pool, ord, "#", part, ms, runs FROM (
	SELECT base, pool, CASE part WHEN 1 THEN 1 WHEN 4 THEN 2 WHEN 5 THEN 3 WHEN 3 THEN 4 WHEN 7 THEN 5 WHEN 6 THEN 6
	                             WHEN 9 THEN 7 WHEN 8 THEN 8 WHEN 10 THEN 11 WHEN 11 THEN 12 WHEN 2 THEN 20
	                             WHEN 12 THEN 21 WHEN 13 THEN 22 END AS ord,
	       id::text AS "#", CASE WHEN status <> 'ok' THEN label || ' [' || status || ']' ELSE label END AS part,
	       CASE WHEN status = 'ok' THEN median_ms END AS ms, runs_ms AS runs
	FROM lparts
	UNION ALL
	SELECT base, pool, 9, (base + 8) || '-' || (base + 10),
	       '  of which the foreign key (insert with FK - insert without)',
	       max(median_ms) FILTER (WHERE part = 8) - max(median_ms) FILTER (WHERE part = 10), NULL
	FROM lparts GROUP BY base, pool
	UNION ALL
	SELECT base, pool, 10, (base + 10) || '-' || (base + 11),
	       '  of which the index (insert without FK - bare insert)',
	       max(median_ms) FILTER (WHERE part = 10) - max(median_ms) FILTER (WHERE part = 11), NULL
	FROM lparts GROUP BY base, pool
	UNION ALL
	SELECT base, pool, 13, (base + 3) || '..' || (base + 9),
	       'sum of the parts ' || (base + 3) || '..' || (base + 9) || ' (what the round does, timed apart)',
	       sum(median_ms) FILTER (WHERE part BETWEEN 3 AND 9), NULL
	FROM lparts GROUP BY base, pool
) s;

SELECT EXISTS (SELECT 1 FROM bench.results WHERE case_id = 201) AS have_100k,
       EXISTS (SELECT 1 FROM bench.results WHERE case_id = 241) AS have_1m \gset
\if :have_100k
\echo '== the loop, pool mix_100k: where the time of a round goes (worker stopped; each part alone, interleaved, median of 5 rounds)'
\echo '   % = share of the synchronous round (al.run_learner); x CTAS = ms / CREATE TABLE t2 AS SELECT id, x FROM pool'
SELECT l."#", l.part, to_char(l.ms, 'FM999990.0') AS "ms",
       to_char(100 * l.ms / nullif(p.round_ms, 0), 'FM990.0') || '%' AS "% of round",
       to_char(l.ms / nullif(p.ctas_ms, 0), 'FM990.00') AS "x CTAS",
       CASE WHEN cardinality(l.runs) > 1
            THEN to_char(100 * ((SELECT max(x) - min(x) FROM unnest(l.runs) x) / l.ms), 'FM990') || '%' END AS spread
FROM lrows l JOIN (SELECT DISTINCT base, round_ms, ctas_ms FROM lparts) p USING (base)
WHERE l.base = 200 ORDER BY l.ord;
\endif

\if :have_1m
\echo '== the loop, pool mix_1m: where the time of a round goes (the same, median of 3 rounds)'
SELECT l."#", l.part, to_char(l.ms, 'FM999990.0') AS "ms",
       to_char(100 * l.ms / nullif(p.round_ms, 0), 'FM990.0') || '%' AS "% of round",
       to_char(l.ms / nullif(p.ctas_ms, 0), 'FM990.00') AS "x CTAS",
       CASE WHEN cardinality(l.runs) > 1
            THEN to_char(100 * ((SELECT max(x) - min(x) FROM unnest(l.runs) x) / l.ms), 'FM990') || '%' END AS spread
FROM lrows l JOIN (SELECT DISTINCT base, round_ms, ctas_ms FROM lparts) p USING (base)
WHERE l.base = 240 ORDER BY l.ord;
\endif

\echo '== the loop: rescoring throughput (pool rows per second of the synchronous round) and references'
SELECT p.pool,
       to_char(p.rows / (r.median_ms / 1000), 'FM9,999,999') AS "round rows/s",
       to_char(p.rows / (c2.median_ms / 1000), 'FM99,999,999') AS "CTAS id, x rows/s",
       to_char(r.median_ms / c2.median_ms, 'FM990.0') || 'x' AS "round / CTAS id, x",
       to_char(p.rows / (c3.median_ms / 1000), 'FM99,999,999') AS "CTAS scores shape rows/s",
       to_char(r.median_ms / c3.median_ms, 'FM990.0') || 'x' AS "round / CTAS scores shape"
FROM lpools p
JOIN bench.results r ON r.case_id = p.base + 1 AND r.workers = 0 AND r.status = 'ok'
LEFT JOIN bench.results c2 ON c2.case_id = p.base + 12 AND c2.workers = 0 AND c2.status = 'ok'
LEFT JOIN bench.results c3 ON c3.case_id = p.base + 13 AND c3.workers = 0 AND c3.status = 'ok'
ORDER BY p.base;

\echo '== the loop: targets (reported, not asserted; the issue''s figures; modAL''s query + teach round in memory: 0.08 s / 0.79 s)'
SELECT format('commit -> NOTIFY, %s rows (median)', to_char(rows, 'FM9,999,999')) AS "target",
       to_char(med, 'FM999990') || ' ms' AS "measured", '<= ' || target_ms || ' ms' AS goal,
       CASE WHEN med IS NULL THEN 'SKIPPED (' || coalesce(bad, 'not run') || ')'
            WHEN med <= target_ms THEN 'PASS' ELSE 'MISS' END AS result,
       to_char(med / target_ms, 'FM990.0') || 'x the goal' AS "info",
       to_char(sync_ms, 'FM999990') || ' ms' AS "al.run_learner (info)"
FROM lat WHERE rounds > 0 OR bad IS NOT NULL ORDER BY base;
