-- bench/eer.sql: al.expected_error_reduction (issue 9) against plain top-k
-- uncertainty: the time to select a batch of 10 on a 100,000-row x
-- 64-feature pool of 10 classes with 100 labels (target: under 10 s with
-- the defaults), where the time goes, and on digits the call that
-- bench/eer_sklearn.py repeats with scikit-learn (a refit per candidate and
-- class, as modAL does).
--
-- `make bench` runs it (section eer, bench/run_bench.sh) after loading
-- mix_100k (bench_train.c's Gaussian mixture: class means 0.35 N(0,1) per
-- feature, N(0,1) noise) and eer_digits (data/digits.csv.gz with the line
-- number as id).  By hand, in any database with al_ext:
--     psql -X -d DB -f bench/eer.sql
-- without mix_100k it generates the same kind of pool here (about 20 s), and
-- without eer_digits it skips the digits part.  Labels: the 100 pool rows of
-- smallest hash of the id; on digits 3 rows per digit (30 labels, the
-- issue's setting).  Models: al.train_model with the defaults (digits:
-- {"max_iter": 1000}, raw pixels, as scikit-learn's LogisticRegression(C=1,
-- max_iter=1000)).  Timings: median of 3 runs after a warm-up, in this
-- session, result rows discarded.  Leaves eer_digits_ranking (the digits
-- call's ranking) and eer_digits_seconds for bench/eer_sklearn.py.
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
SELECT to_regclass('mix_100k') IS NOT NULL AS have_mix,
       to_regclass('eer_digits') IS NOT NULL AS have_digits \gset

DROP TABLE IF EXISTS eer_pool;
\if :have_mix
CREATE TABLE eer_pool AS SELECT id, x, NULL::integer AS label, y FROM mix_100k;
\else
SELECT setseed(0.42);
CREATE TEMP TABLE eer_means AS
SELECT c, array_agg(0.35 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) ORDER BY j) AS mu
FROM generate_series(0, 9) c, generate_series(1, 64) j GROUP BY c;
CREATE TABLE eer_pool AS
SELECT i::bigint AS id,
       (SELECT array_agg((m.mu[j] + sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::real ORDER BY j)
        FROM generate_series(1, 64) j) AS x,
       NULL::integer AS label, c AS y
FROM (SELECT i, (i * 7919) % 10 AS c FROM generate_series(1, 100000) i) s
JOIN eer_means m USING (c);
\endif
UPDATE eer_pool SET label = y
WHERE id IN (SELECT id FROM eer_pool ORDER BY hashtextextended(id::text, 9), id LIMIT 100);
ALTER TABLE eer_pool ADD PRIMARY KEY (id);
VACUUM (FREEZE, ANALYZE) eer_pool;
SELECT count(*) AS pool_rows, count(label) AS labeled, count(DISTINCT label) AS classes,
       max(cardinality(x)) AS features FROM eer_pool;
SELECT count(al.drop_model(name)) AS old_models_dropped
FROM (SELECT DISTINCT name FROM al.models WHERE name IN ('eer_bench', 'eer_digits')) s \g /dev/null
SELECT al.train_model('eer_bench', 'eer_pool', 'x', 'label') \g /dev/null

-- median of 3 timed runs (after one warm-up) of a query, in seconds
CREATE OR REPLACE FUNCTION pg_temp.median_seconds(q text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
	t timestamptz;
	s numeric[] := '{}';
BEGIN
	EXECUTE q;
	FOR i IN 1..3 LOOP
		t := clock_timestamp();
		EXECUTE q;
		s := s || extract(epoch FROM clock_timestamp() - t)::numeric;
	END LOOP;
	RETURN round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM unnest(s) v)::numeric, 3);
END $$;

-- one timed run of a query, in seconds
CREATE OR REPLACE FUNCTION pg_temp.once_seconds(q text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
	t timestamptz := clock_timestamp();
BEGIN
	EXECUTE q;
	RETURN round(extract(epoch FROM clock_timestamp() - t)::numeric, 3);
END $$;

-- a batch of 10 by EER with these options (ranks 1-10 of the candidates)
CREATE OR REPLACE FUNCTION pg_temp.eer_batch(options text) RETURNS text LANGUAGE sql AS $$
	SELECT format($q$SELECT array_agg(item_id ORDER BY rank) FROM al.expected_error_reduction('eer_bench', 'eer_pool', 'id', 'x', 'label', %L) WHERE rank <= 10$q$, options)
$$;

CREATE TEMP TABLE eer_times AS
SELECT v.i, v.what, pg_temp.median_seconds(v.q) AS seconds
FROM (VALUES
	(1, 'reference: read the pool (sum of cardinality(x))',
	 $$SELECT sum(cardinality(x)) FROM eer_pool$$),
	(2, 'plain top-k: the 10 unlabeled rows of highest entropy (al.top_k, al.predict_proba)',
	 $$SELECT al.top_k(id, al.entropy(al.predict_proba('eer_bench', x)), 10) FROM eer_pool WHERE label IS NULL$$),
	(3, 'EER, defaults (log loss, M 100, S 1000, 20 steps)', pg_temp.eer_batch('{}')),
	(4, 'EER, zero_one loss', pg_temp.eer_batch('{"loss": "zero_one"}')),
	(5, 'EER, 5 steps', pg_temp.eer_batch('{"steps": 5}')),
	(6, 'EER, 100 steps', pg_temp.eer_batch('{"steps": 100}')),
	(7, 'EER, M 300', pg_temp.eer_batch('{"candidates": 300}')),
	(8, 'EER, S 5000', pg_temp.eer_batch('{"sample": 5000}'))
) v(i, what, q);

\echo '== expected error reduction: a batch of 10 from 100,000 rows x 64 features, 10 classes, 100 labels'
\echo '   (median of 3 runs after a warm-up; x top-k = seconds / those of plain top-k entropy)'
SELECT what, seconds,
       round(seconds / nullif((SELECT seconds FROM eer_times WHERE i = 2), 0), 1) AS "x top-k",
       CASE WHEN i = 3 THEN CASE WHEN seconds < 10 THEN 'PASS (target < 10 s)' ELSE 'MISS (target < 10 s)' END END AS target
FROM eer_times ORDER BY i;

\echo '== where the time of one default call goes (the kernel''s DEBUG line)'
SET client_min_messages = debug1;
SELECT count(*) AS candidates FROM al.expected_error_reduction('eer_bench', 'eer_pool', 'id', 'x', 'label');
SET client_min_messages = warning;
\echo '== the batch of 10 by EER and the batch of 10 by entropy share these rows'
SELECT cardinality(ARRAY(SELECT unnest(e.batch) INTERSECT SELECT unnest(t.batch)::text)) AS shared_rows
FROM (SELECT array_agg(item_id) AS batch FROM al.expected_error_reduction('eer_bench', 'eer_pool', 'id', 'x', 'label') WHERE rank <= 10) e,
     (SELECT al.top_k(id, al.entropy(al.predict_proba('eer_bench', x)), 10) AS batch FROM eer_pool WHERE label IS NULL) t;

\if :have_digits
-- digits: 3 labels per digit, the 100 candidates of highest entropy, the
-- whole unlabeled pool (1,767 rows) as the sample
ALTER TABLE eer_digits ADD COLUMN IF NOT EXISTS label integer;
UPDATE eer_digits SET label = NULL;
UPDATE eer_digits SET label = y
WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY y ORDER BY hashtextextended(id::text, 7), id) r
                             FROM eer_digits) s WHERE r <= 3);
SELECT al.train_model('eer_digits', 'eer_digits', 'x', 'label', '{"max_iter": 1000}') \g /dev/null
DROP TABLE IF EXISTS eer_digits_ranking;
CREATE TABLE eer_digits_ranking AS
SELECT * FROM al.expected_error_reduction('eer_digits', 'eer_digits', 'id', 'x', 'label', '{"candidates": 100, "sample": 2000}');
INSERT INTO eer_times
SELECT 9, 'digits, 30 labels: EER of 100 candidates, the whole pool as the sample (median of 3)',
       pg_temp.median_seconds($$SELECT count(*) FROM al.expected_error_reduction('eer_digits', 'eer_digits', 'id', 'x', 'label', '{"candidates": 100, "sample": 2000}')$$);
-- every unlabeled row a candidate, as modAL's expected_error_reduction does
INSERT INTO eer_times
SELECT 10, 'digits, 30 labels: EER of every unlabeled row (1,767 candidates; one run)',
       pg_temp.once_seconds($$SELECT count(*) FROM al.expected_error_reduction('eer_digits', 'eer_digits', 'id', 'x', 'label', '{"candidates": 2000, "sample": 2000}')$$);
\echo '== digits (1,797 x 64), 30 labels (3 per digit), 10 classes, sample = the 1,767 unlabeled rows'
SELECT what, seconds,
       CASE WHEN i = 9 THEN (SELECT item_id FROM eer_digits_ranking WHERE rank = 1) END AS pick
FROM eer_times WHERE i >= 9 ORDER BY i;
DROP TABLE IF EXISTS eer_digits_seconds;
CREATE TABLE eer_digits_seconds AS SELECT seconds FROM eer_times WHERE i = 9;
\endif

SELECT al.drop_model('eer_bench') \g /dev/null
DROP TABLE eer_pool;
