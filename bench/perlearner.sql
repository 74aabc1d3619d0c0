-- bench/perlearner.sql: section perlearner: does one learner's round (and
-- al.next_batch) pay for the other learners' rows of al.scores?  A small
-- learner (15 rows) is timed with 0, 100,000 and 1,000,000 rows of another
-- learner's ranking in al.scores, and that big learner's own round of
-- 1,000,000 rows is timed too.  Pools: 4 random real features, 3 classes,
-- seeded.  Times in the server (clock_timestamp around the call), the
-- median of :runs runs after a warm-up.  Run by bench/run_bench.sh
-- (bench_perlearner); psql -v runs=N.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
\o /dev/null
SELECT setseed(0.12);
SET bench.runs = :runs;

CREATE TABLE bench.perlearner_runs (
	others bigint NOT NULL,		-- the other learner's rows in al.scores
	what text NOT NULL,
	run int NOT NULL,
	ms double precision NOT NULL
);

-- ms of one retrain round of learner name (al.retrain, then al.run_learner)
CREATE FUNCTION bench.perlearner_round(name text) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	r text;
BEGIN
	PERFORM al.retrain(name);
	t0 := clock_timestamp();
	r := al.run_learner(name);
	IF r <> 'retrained' THEN
		RAISE EXCEPTION 'round of % was %', name, r;
	END IF;
	RETURN 1000 * extract(epoch FROM clock_timestamp() - t0);
END
$$;

-- ms of one al.next_batch of 5 items of learner name, undone (a subtransaction
-- rolled back) so that every run hands out the same items
CREATE FUNCTION bench.perlearner_batch(name text) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
	ms double precision;
BEGIN
	BEGIN
		PERFORM count(*) FROM al.next_batch(name, 5, 'bench');
		ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
		RAISE EXCEPTION 'undo';
	EXCEPTION WHEN raise_exception THEN
		NULL;
	END;
	RETURN ms;
END
$$;

-- time the small learner's round and batch :runs times, with others rows of the big one
CREATE FUNCTION bench.perlearner_small(others bigint, runs int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bench.perlearner_round('small'), bench.perlearner_batch('small');	-- warm-up
	FOR r IN 1..runs LOOP
		INSERT INTO bench.perlearner_runs VALUES (others, 'small round', r, bench.perlearner_round('small'));
		INSERT INTO bench.perlearner_runs VALUES (others, 'small next_batch', r, bench.perlearner_batch('small'));
	END LOOP;
END
$$;

CREATE TABLE small_pool (id bigint PRIMARY KEY, x real[] NOT NULL, y int NOT NULL);
INSERT INTO small_pool SELECT g, ARRAY[random(), random(), random(), random()]::real[], g % 3
FROM generate_series(1, 15) g;
SELECT al.create_learner('small', 'small_pool', 'id', 'x', ARRAY['0', '1', '2'], 'entropy',
                         '{"retrain_every": 100000000, "batch_size": 5}') IS NOT NULL AS small;
SELECT count(al.label('small', id, y::text, 'bench')) FROM small_pool WHERE id <= 6;

CREATE TABLE big_pool (id bigint PRIMARY KEY, x real[] NOT NULL, y int NOT NULL);
SELECT al.create_learner('big', 'big_pool', 'id', 'x', ARRAY['0', '1', '2'], 'entropy',
                         '{"retrain_every": 100000000}') IS NOT NULL AS big;

-- 0 other rows
SELECT bench.perlearner_small(0, :runs);

-- 100,000 other rows
INSERT INTO big_pool SELECT g, ARRAY[random(), random(), random(), random()]::real[], g % 3
FROM generate_series(1, 100000) g;
VACUUM ANALYZE big_pool;
SELECT count(al.label('big', id, y::text, 'bench')) FROM big_pool WHERE id <= 100;
SELECT bench.perlearner_round('big') IS NOT NULL AS big_ranked;
VACUUM ANALYZE al.scores;
SELECT count(*) AS "al.scores rows" FROM al.scores;
SELECT bench.perlearner_small(100000, :runs);

-- 1,000,000 other rows; the big learner's own round timed too
INSERT INTO big_pool SELECT g, ARRAY[random(), random(), random(), random()]::real[], g % 3
FROM generate_series(100001, 1000000) g;
VACUUM ANALYZE big_pool;
SELECT bench.perlearner_round('big') IS NOT NULL AS big_ranked;	-- warm-up
DO $$
BEGIN
	FOR r IN 1..current_setting('bench.runs')::int LOOP
		INSERT INTO bench.perlearner_runs VALUES (1000000, 'big round (1M rows)', r, bench.perlearner_round('big'));
	END LOOP;
END $$;
VACUUM ANALYZE al.scores;
SELECT bench.perlearner_small(1000000, :runs);

-- dropping the big learner (its 1,000,000 ranking rows), once
DO $$
DECLARE
	t0 timestamptz := clock_timestamp();
BEGIN
	PERFORM al.drop_learner('big');
	INSERT INTO bench.perlearner_runs VALUES (0, 'al.drop_learner of the big learner', 1,
	                                          1000 * extract(epoch FROM clock_timestamp() - t0));
END $$;

\o
\echo == perlearner: a small learner (15 rows) beside another learner ranking in al.scores, medians
SELECT what, to_char(others, 'FM9,999,999') AS "other rows in al.scores", count(*) AS runs,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS "median ms",
       round(min(ms)::numeric, 1) AS "min ms", round(max(ms)::numeric, 1) AS "max ms"
FROM bench.perlearner_runs GROUP BY what, others ORDER BY what, others;

SELECT al.drop_learner('small');
DROP TABLE small_pool, big_pool;
