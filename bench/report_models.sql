-- bench/report_models.sql: the tables of the models section (issue 3).
-- Fit times are medians of the rounds (bench/run_bench.sh rr: every case of
-- a data set once per round, in order, so al_ext's and scikit-learn's fits
-- and the reads alternate); x scan divides by the scan reference of the
-- same rounds.  Objectives: "own" is al_ext's metrics; "numpy" is the same
-- formula for every fit (bench/sklearn_bench.py stats).
\pset footer off
\pset null ''

-- every case of the section with its fit figures; model_ms = al_ext's
-- optimizer time alone (metrics.seconds), median over the same runs
CREATE TEMP VIEW mfit AS
SELECT c.id, c.label, c.ref, c.client,
       r.status, r.median_ms, r.runs_ms, r.ref_median_ms,
       CASE WHEN c.ref = c.id THEN 1.0 ELSE r.median_ms / nullif(r.ref_median_ms, 0) END AS x_scan,
       m.id AS model_id, m.metrics,
       coalesce(f.iterations, (m.metrics->>'iterations')::int) AS iterations,
       (m.metrics->>'objective')::float8 AS obj_own,
       (m.metrics->>'grad_norm')::float8 AS grad,
       m.metrics->'members'->0->>'stop' AS stop,
       coalesce(f.accuracy, (m.metrics->>'train_accuracy')::float8) AS accuracy,
       f.objective AS obj_np,
       o.opt_ms
FROM bench.cases c
LEFT JOIN bench.results r ON r.case_id = c.id AND r.workers = 0
LEFT JOIN bench.fit_stats f ON f.case_id = c.id
LEFT JOIN LATERAL (
	SELECT rr.value::bigint AS id FROM bench.runs rr
	WHERE rr.case_id = c.id AND rr.status = 'ok' AND c.client IS NULL AND c.query LIKE '%al.train_model%'
	ORDER BY rr.round DESC LIMIT 1) last ON true
LEFT JOIN al.models m ON m.id = last.id
LEFT JOIN LATERAL (
	SELECT bench.median(array_agg(1000 * (mm.metrics->>'seconds')::float8)) AS opt_ms
	FROM bench.runs rr JOIN al.models mm ON mm.id = rr.value::bigint
	WHERE rr.case_id = c.id AND rr.round >= 1 AND rr.status = 'ok'
	  AND c.client IS NULL AND c.query LIKE '%al.train_model%') o ON true
WHERE c.section = 'models';

CREATE TEMP VIEW mshown AS
SELECT id, id AS "#", label AS "fit / read",
       CASE WHEN status = 'ok' THEN to_char(median_ms, 'FM999990.0') END AS "ms",
       CASE WHEN status = 'ok' THEN to_char(x_scan, 'FM99990.0') END AS "x scan",
       CASE WHEN status = 'ok' AND cardinality(runs_ms) > 1
            THEN to_char(100 * ((SELECT max(x) - min(x) FROM unnest(runs_ms) x) / median_ms), 'FM990') || '%' END AS "spread",
       to_char(opt_ms, 'FM999990.0') AS "optimizer ms",
       iterations AS "iter",
       to_char(obj_own, 'FM9999999990.00000') AS "objective (own)",
       to_char(obj_np, 'FM9999999990.00000') AS "objective (numpy)",
       trim(to_char(grad, '9.9EEEE')) AS "max |grad|",
       to_char(accuracy, 'FM0.0000') AS "train acc",
       stop,
       CASE WHEN status IS NULL THEN 'not run' WHEN status <> 'ok' THEN status END AS "note"
FROM mfit;

\echo
\echo '== models: train100k (100,000 x 64 real[], 10 classes; bench_train.c''s Gaussian mixture), serial, median of 3 rounds'
\echo '   optimizer ms = al_ext''s L-BFGS alone (al.models.metrics.seconds); the rest of train_model reads and converts the'
\echo '   rows, evaluates and stores the model.  scikit-learn: fit() alone on float64 X already in memory, its default BLAS threads.'
SELECT "#", "fit / read", "ms", "x scan", spread, "optimizer ms", iter, "objective (own)", "objective (numpy)",
       "max |grad|", "train acc", stop, note
FROM mshown WHERE id BETWEEN 100 AND 109 ORDER BY id;

\echo '== models: digits (data/digits.csv.gz, 1797 x 64 pixel counts 0..16, 10 classes), serial, median of 5 rounds'
\echo '   objective of the standardized fits: penalty on the standardized weights (coef * scale); scikit-learn''s StandardScaler''d'
\echo '   fit (117) solves the same problem as al_ext''s {"standardize": true} (115); 116 is scikit-learn on the raw pixels.'
SELECT "#", "fit / read", "ms", "x scan", spread, "optimizer ms", iter, "objective (own)", "objective (numpy)",
       "max |grad|", "train acc", stop, note
FROM mshown WHERE id BETWEEN 110 AND 119 ORDER BY id;

-- al_ext fit vs scikit-learn fit: time ratio (medians of the same rounds)
-- and relative objective difference (numpy objectives; < 0: al_ext lower)
CREATE TEMP VIEW mcmp AS
SELECT v.ord, v.what, v.al, v.sk_time, v.sk_obj,
       a.status AS a_status, t.status AS t_status, o.status AS o_status,
       a.median_ms AS a_ms, t.median_ms AS t_ms,
       a.median_ms / nullif(t.median_ms, 0) AS time_ratio,
       (a.obj_np - o.obj_np) / nullif(abs(o.obj_np), 0) AS rel_obj,
       a.iterations AS a_iter, o.iterations AS o_iter
FROM (VALUES
	(1, '100k: defaults',                                 102, 104, 104),
	(2, '100k: {"ftol": 2.22e-9}',                        103, 104, 104),
	(3, 'digits: defaults (max_iter 100)',                112, 116, 116),
	(4, 'digits: {"max_iter": 1000}',                     113, 116, 116),
	(5, 'digits: {"ftol": 2.22e-9, "max_iter": 1000}',    114, 116, 116),
	(6, 'digits: {"standardize": true} (time vs 116 unscaled, objective vs 117 scaled)', 115, 116, 117)
) AS v(ord, what, al, sk_time, sk_obj)
JOIN mfit a ON a.id = v.al
JOIN mfit t ON t.id = v.sk_time
JOIN mfit o ON o.id = v.sk_obj;

\echo '== models: targets (reported, not asserted): al_ext fit time <= scikit-learn''s; objective within 1e-4 relative of'
\echo '   scikit-learn''s or lower (relative difference (al_ext - scikit-learn) / scikit-learn, numpy objectives; < 0: al_ext lower)'
SELECT what AS "al_ext fit vs scikit-learn",
       to_char(a_ms, 'FM999990.0') AS "al_ext ms", to_char(t_ms, 'FM999990.0') AS "sklearn ms",
       to_char(time_ratio, 'FM990.00') || 'x' AS "time ratio",
       CASE WHEN coalesce(a_status, 'not run') <> 'ok' OR coalesce(t_status, 'not run') <> 'ok'
            THEN 'SKIPPED (' || regexp_replace(coalesce(nullif(a_status, 'ok'), nullif(t_status, 'ok'), 'not run'), '^skipped: ', '') || ')'
            WHEN time_ratio <= 1 THEN 'PASS' ELSE 'MISS' END AS "time <= 1x",
       a_iter || ' / ' || o_iter AS "iterations al/sk",
       trim(to_char(rel_obj, '9.9EEEE')) AS "objective rel. diff",
       CASE WHEN coalesce(a_status, 'not run') <> 'ok' OR coalesce(o_status, 'not run') <> 'ok' OR rel_obj IS NULL
            THEN 'SKIPPED (' || regexp_replace(coalesce(nullif(a_status, 'ok'), nullif(o_status, 'ok'), 'no numpy objective'), '^skipped: ', '') || ')'
            WHEN rel_obj <= 1e-4 THEN 'PASS' ELSE 'MISS' END AS "objective <= +1e-4"
FROM mcmp ORDER BY ord;

-- batch prediction: bench.measure cases 120-122 (same layout as report.sql)
CREATE TEMP VIEW pshown AS
SELECT c.id AS "#", c.label AS query,
       CASE WHEN s.status = 'ok' THEN to_char(s.median_ms, 'FM999990.0') END AS "serial ms",
       CASE WHEN s.status = 'ok' THEN to_char(s.median_ms / coalesce(s.ref_median_ms, s.median_ms), 'FM9990.00') END AS "x scan",
       CASE WHEN s.status = 'ok' AND cardinality(s.runs_ms) > 1
            THEN to_char(100 * ((SELECT max(x) - min(x) FROM unnest(s.runs_ms) x) / s.median_ms), 'FM990') || '%' END AS "spread",
       CASE WHEN p.status = 'ok' THEN to_char(p.median_ms, 'FM999990.0') END AS "2 workers ms",
       CASE WHEN p.status = 'ok' THEN to_char(p.median_ms / coalesce(p.ref_median_ms, p.median_ms), 'FM9990.00') END AS "x scan ",
       CASE WHEN p.status = 'serial plan' THEN 'serial plan' WHEN p.status = 'ok' THEN p.launched::text END AS "launched",
       CASE WHEN s.status IS NULL THEN 'not run' WHEN s.status <> 'ok' THEN s.status
            WHEN p.status NOT IN ('ok', 'serial plan') THEN '2 workers: ' || p.status END AS note,
       s.status AS s_status, p.status AS p_status,
       s.median_ms / nullif(s.ref_median_ms, 0) AS s_ratio, p.median_ms / nullif(p.ref_median_ms, 0) AS p_ratio
FROM bench.cases c
LEFT JOIN bench.results s ON s.case_id = c.id AND s.workers = 0
LEFT JOIN bench.results p ON p.case_id = c.id AND p.workers = 2
WHERE c.section = 'predict';

\echo '== models: batch prediction over mix_1m (1,000,000 rows x 64 real[]; model ''bench'' = the last train100k fit)'
SELECT "#", query, "serial ms", "x scan", spread, "2 workers ms", "x scan ", launched, note
FROM pshown ORDER BY "#";

\echo '== models: batch prediction target (reported, not asserted): within 3x of the column-reading scan'
SELECT query AS "target", to_char(s_ratio, 'FM9990.00') || 'x' AS "serial", '<= 3x' AS goal,
       CASE WHEN s_status IS DISTINCT FROM 'ok' THEN 'SKIPPED (' || coalesce(s_status, 'not run') || ')'
            WHEN s_ratio <= 3 THEN 'PASS' ELSE 'MISS' END AS result,
       to_char(p_ratio, 'FM9990.00') || 'x' AS "2 workers",
       CASE WHEN p_status IS DISTINCT FROM 'ok' THEN NULL
            WHEN p_ratio <= 3 THEN 'PASS' ELSE 'MISS' END AS "result (2 workers)"
FROM pshown WHERE "#" IN (121, 122) ORDER BY "#";
