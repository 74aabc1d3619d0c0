-- bench/external.sql: an external-prediction learner (issue 11) on a pool of
-- 1,000,000 rows (AL_BENCH_EXT_ROWS) whose al.probvec column an "external
-- model" writes: (a) the time to rank the pool for a new prediction version
-- (al.predictions_updated + al.run_learner, the round the worker would run)
-- beside a bare scan of the column and plain SQL computing the same score;
-- (b) al.next_batch(learner, 10, annotator) per batch, 50 consecutive
-- leased batches, beside a plain SELECT ... ORDER BY score DESC LIMIT 10 on
-- a precomputed score column, with and without a btree index on it.
--
-- `make bench` runs it (section external, bench/run_bench.sh) after loading
-- ext_pool (id, grp, p) and ext_v2 (id, grp, p) with bench/gen_data.c's
-- "pool" streams 3 and 4: the stand-in external model, deterministic
-- softmax(N(0, 2^2) logits) over 10 classes, rounded to float4 (two
-- prediction versions).  Versions 1 and 3 are stream 3, version 2 stream 4;
-- the column is rewritten (not timed) before each version is declared.
-- Timings: in the server (clock_timestamp() around a plpgsql EXECUTE),
-- every case once per version, in turn; each batch in its own transaction.
-- Knob (psql variable): batches (50).
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
\if :{?batches}
\else
\set batches 50
\endif

-- the learner: 10 classes, entropy, batches of 10 (no training: it ranks
-- by the column)
ALTER TABLE ext_pool ADD COLUMN score double precision;
CREATE TABLE ext_v1 AS SELECT id, p FROM ext_pool;
ALTER TABLE ext_v1 ADD PRIMARY KEY (id);
ALTER TABLE ext_v2 ADD PRIMARY KEY (id);
VACUUM (FREEZE, ANALYZE) ext_v1;
VACUUM (FREEZE, ANALYZE) ext_v2;
SELECT al.create_learner('ext', 'ext_pool', 'id', 'p',
                         '{billing,bug,feature,account,refund,login,shipping,spam,praise,other}',
                         'entropy', '{"predictions": true, "batch_size": 10}') > 0 AS learner_created \g /dev/null

CREATE TABLE bench.ext_runs (round integer, what text, ms double precision);

\echo '== external: ranking 3 prediction versions (each case once per version, in this order)'
-- per version: the external model rewrites the column (versions 2 and 3;
-- not timed), VACUUM, then the cases, each statement in its own
-- transaction (\gexec runs them one by one; bench.time_query: bench/bench.sql)
SELECT s FROM generate_series(1, 3) r, LATERAL (VALUES
	(1, CASE WHEN r > 1 THEN format('UPDATE ext_pool e SET p = v.p FROM %I v WHERE v.id = e.id',
	                                CASE r WHEN 2 THEN 'ext_v2' ELSE 'ext_v1' END) END),
	(2, 'VACUUM (ANALYZE) ext_pool'),
	(3, 'VACUUM (ANALYZE) al.scores'),
	(4, format($q$INSERT INTO bench.ext_runs SELECT %s, 'scan', bench.time_query('SELECT sum(al.num_classes(p)) FROM ext_pool')$q$, r)),
	(5, format($q$INSERT INTO bench.ext_runs SELECT %s, 'declare', bench.time_query(%L)$q$, r,
	           format('SELECT al.predictions_updated(%L, %L)', 'ext', 'v' || r))),
	(6, format($q$INSERT INTO bench.ext_runs SELECT %s, 'round', bench.time_query('SELECT al.run_learner(''ext'')')$q$, r)),
	(7, format($q$INSERT INTO bench.ext_runs SELECT %s, 'rank', sum(ms) FROM bench.ext_runs WHERE round = %s AND what IN ('declare', 'round')$q$, r, r)),
	(8, format($q$INSERT INTO bench.ext_runs SELECT %s, 'ctas', bench.time_query('CREATE TABLE ext_ctas AS SELECT id, al.entropy(p) AS score FROM ext_pool')$q$, r)),
	(9, 'DROP TABLE ext_ctas'),
	(10, format($q$INSERT INTO bench.ext_runs SELECT %s, 'update', bench.time_query('UPDATE ext_pool SET score = al.entropy(p)')$q$, r)),
	(11, 'VACUUM (ANALYZE) ext_pool')
) v(o, s) WHERE s IS NOT NULL ORDER BY r, o \gexec

-- the ranking is the column's entropy: every unlabeled row, the same score
SELECT count(*) AS ranked_rows,
       (SELECT count(*) FROM ext_pool) AS pool_rows,
       max(abs(s.score - e.score)) AS max_score_diff_vs_plain_sql,
       min(s.model_version) = 3 AND max(s.model_version) = 3 AS all_version_3
FROM al.scores s JOIN al.learners l ON l.id = s.learner_id AND l.name = 'ext'
JOIN ext_pool e ON e.id::text = s.item_id;

\echo '== (a) ranking the pool for a new prediction version: median (min-max) of the 3 versions'
WITH m AS (
	SELECT what, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms, min(ms) AS lo, max(ms) AS hi
	FROM bench.ext_runs GROUP BY what),
ref AS (SELECT ms FROM m WHERE what = 'scan')
SELECT v.i AS "#", v.label AS "case", round(m.ms::numeric) AS "median ms",
       round(m.lo::numeric) || '-' || round(m.hi::numeric) AS "range ms",
       round((m.ms / ref.ms)::numeric, 2) AS "x scan",
       CASE WHEN what <> 'declare' THEN round(((SELECT count(*) FROM ext_pool) / (m.ms / 1000))::numeric, -3) END AS "rows/s"
FROM (VALUES
	(1, 'scan', 'bare scan of the column: SELECT sum(al.num_classes(p)) FROM ext_pool'),
	(2, 'declare', 'al.predictions_updated(''ext'', ''vN'')'),
	(3, 'round', 'al.run_learner(''ext''): rescore every row, replace the ranking'),
	(4, 'rank', 'both: ranking a new version (2 + 3)'),
	(5, 'ctas', 'plain SQL: CREATE TABLE t AS SELECT id, al.entropy(p) AS score FROM ext_pool'),
	(6, 'update', 'plain SQL: UPDATE ext_pool SET score = al.entropy(p)')
) v(i, what, label) JOIN m USING (what), ref
ORDER BY v.i;
WITH m AS (SELECT what, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM bench.ext_runs GROUP BY what)
SELECT round(((SELECT ms FROM m WHERE what = 'rank') / (SELECT ms FROM m WHERE what = 'ctas'))::numeric, 2) AS "ranking / CTAS",
       round(((SELECT ms FROM m WHERE what = 'rank') / (SELECT ms FROM m WHERE what = 'update'))::numeric, 2) AS "ranking / UPDATE",
       round(((SELECT ms FROM m WHERE what = 'rank') / (SELECT ms FROM m WHERE what = 'scan'))::numeric, 2) AS "ranking / scan";

-- ---- (b) batches ----
-- the plain-SQL side: the same score (version 3's entropy, from the last
-- UPDATE) precomputed in a column, with and without a btree index; a taken
-- table each stands for the labels and leases
CREATE TABLE ext_plain (id bigint PRIMARY KEY, score double precision NOT NULL);
INSERT INTO ext_plain SELECT id, score FROM ext_pool;
CREATE TABLE ext_plain_ix (id bigint PRIMARY KEY, score double precision NOT NULL);
INSERT INTO ext_plain_ix SELECT id, score FROM ext_pool;
CREATE INDEX ON ext_plain_ix (score);
CREATE TABLE ext_taken (id bigint PRIMARY KEY);
CREATE TABLE ext_taken_ix (id bigint PRIMARY KEY);
VACUUM (FREEZE, ANALYZE) ext_plain;
VACUUM (FREEZE, ANALYZE) ext_plain_ix;
VACUUM (ANALYZE) al.scores;
CREATE TABLE bench.ext_batches (i integer, what text, ms double precision, n integer);

-- n consecutive batches of 10 for one annotator, each way in its own
-- transaction, the three ways alternated (the plain ones through EXECUTE:
-- planned each time, as al.next_batch's queries are)
CREATE PROCEDURE bench.ext_batch_run(n integer) LANGUAGE plpgsql AS $$
DECLARE
	t timestamptz;
	k integer;
	way text;
BEGIN
	FOR i IN 1 .. n LOOP
		t := clock_timestamp();
		SELECT count(*) INTO k FROM al.next_batch('ext', 10, 'bench_annotator');
		INSERT INTO bench.ext_batches VALUES (i, 'al', 1000 * extract(epoch FROM clock_timestamp() - t), k);
		COMMIT;
		FOREACH way IN ARRAY ARRAY['plain', 'plain_ix'] LOOP
			t := clock_timestamp();
			EXECUTE format('INSERT INTO %I SELECT id FROM %I WHERE id NOT IN (SELECT id FROM %I) ORDER BY score DESC LIMIT 10',
			               replace('ext_' || way, 'plain', 'taken'), 'ext_' || way, replace('ext_' || way, 'plain', 'taken'));
			GET DIAGNOSTICS k = ROW_COUNT;
			INSERT INTO bench.ext_batches VALUES (i, way, 1000 * extract(epoch FROM clock_timestamp() - t), k);
			COMMIT;
		END LOOP;
	END LOOP;
END $$;
CALL bench.ext_batch_run(:batches);

\echo '== (b) a batch of 10, leased: median and p90 over' :batches 'consecutive batches of one annotator, each in its own transaction'
WITH m AS (
	SELECT what, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS med,
	       percentile_cont(0.9) WITHIN GROUP (ORDER BY ms) AS p90, min(ms) AS lo, max(ms) AS hi,
	       sum(n) AS items
	FROM bench.ext_batches GROUP BY what)
SELECT v.label AS "case", round(m.med::numeric, 2) AS "median ms", round(m.p90::numeric, 2) AS "p90 ms",
       round(m.lo::numeric, 2) || '-' || round(m.hi::numeric, 2) AS "range ms", m.items AS "items handed out",
       round((m.med / (SELECT med FROM m WHERE what = 'plain_ix'))::numeric, 1) AS "x plain (index)",
       round((m.med / (SELECT med FROM m WHERE what = 'plain'))::numeric, 2) AS "x plain (no index)",
       CASE WHEN v.what = 'al' THEN CASE WHEN m.med < 10 THEN 'PASS' ELSE 'MISS' END || ' (issue 12: median < 10 ms)' END AS target
FROM (VALUES
	(1, 'al', 'al.next_batch(''ext'', 10, annotator): ranking in al.scores, leases'),
	(2, 'plain', 'plain SQL, no index: INSERT INTO taken SELECT id ... WHERE id NOT IN (taken) ORDER BY score DESC LIMIT 10'),
	(3, 'plain_ix', 'the same, btree index on score')
) v(i, what, label) JOIN m USING (what)
ORDER BY v.i;
SELECT (SELECT count(*) FROM al.leases x JOIN al.learners l ON l.id = x.learner_id AND l.name = 'ext') AS leased,
       (SELECT count(DISTINCT item_id) FROM al.leases x JOIN al.learners l ON l.id = x.learner_id AND l.name = 'ext') AS distinct_leased,
       (SELECT count(*) FROM al.leases x JOIN al.learners l ON l.id = x.learner_id AND l.name = 'ext'
        JOIN ext_taken_ix t ON t.id::text = x.item_id) AS same_as_plain_sql;

-- where al.next_batch's time goes: it reads the ranking in the order of
-- the index al.scores_order through a fast-start cursor, a block of 128
-- rows at a time (src/loop/batch_sources.c, take_ranked); the first block's read,
-- after those batches
\echo '== where a batch''s time goes: EXPLAIN ANALYZE of the first block al.next_batch reads of the ranking'
SELECT id AS ext_learner_id FROM al.learners WHERE name = 'ext' \gset
EXPLAIN (ANALYZE, COSTS OFF, TIMING ON, SUMMARY ON)
SELECT s.item_id, s.score, s.predicted, s.probs FROM al.scores s WHERE s.learner_id = :ext_learner_id
ORDER BY s.rank, s.score DESC, s.item_id LIMIT 128;
\echo '   the plain query with the index, for comparison:'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT id FROM ext_plain_ix WHERE id NOT IN (SELECT id FROM ext_taken_ix) ORDER BY score DESC LIMIT 10;
