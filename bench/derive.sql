-- bench/derive.sql: the real[] copies, the stored-score table, statistics,
-- then everything frozen, analyzed and loaded into shared_buffers.

-- the SAME values as real[] (the cast is exact), for the bare scan and the
-- plain-SQL ways
CREATE TABLE pool_real AS SELECT id, grp, p::real[] AS a FROM pool;
CREATE TABLE pool100_real AS SELECT id, grp, p::real[] AS a FROM pool100;

-- entropy precomputed into a float8 column (plain SQL, no al_ext function),
-- as a learner's rescoring would store it
CREATE TABLE pool_scored AS
	SELECT id, grp, (SELECT -sum(x * ln(x)) FROM unnest(a) x WHERE x > 0) AS score
	FROM pool_real;

VACUUM (FREEZE, ANALYZE) pool;
VACUUM (FREEZE, ANALYZE) pool_real;
VACUUM (FREEZE, ANALYZE) pool_scored;
VACUUM (FREEZE, ANALYZE) committee;
VACUUM (FREEZE, ANALYZE) pool100;
VACUUM (FREEZE, ANALYZE) pool100_real;

-- what the data look like
DO $$
DECLARE
	t text;
	n bigint;
BEGIN
	FOREACH t IN ARRAY ARRAY['pool', 'pool_real', 'pool_scored', 'committee', 'pool100', 'pool100_real'] LOOP
		EXECUTE format('SELECT count(*) FROM %I', t) INTO n;
		INSERT INTO bench.info VALUES ('table ' || t,
			format('%s rows, %s', n, pg_size_pretty(pg_table_size(t::regclass))));
	END LOOP;
END
$$;

INSERT INTO bench.info
SELECT 'pool (10 classes)', format('mean max p %s, mean entropy %s nats (uniform: %s), rows with max p > 0.9: %s%%',
	round(avg(m)::numeric, 3), round(avg(h)::numeric, 3), round(ln(10)::numeric, 3),
	round(100 * avg((m > 0.9)::int)::numeric, 1))
FROM (SELECT (SELECT max(x) FROM unnest(a) x) m,
             (SELECT -sum(x * ln(x)) FROM unnest(a) x WHERE x > 0) h
      FROM pool_real WHERE id % 10 = 0) s;

INSERT INTO bench.info
SELECT 'pool100 (100 classes)', format('mean max p %s, mean entropy %s nats (uniform: %s)',
	round(avg(m)::numeric, 3), round(avg(h)::numeric, 3), round(ln(100)::numeric, 3))
FROM (SELECT (SELECT max(x) FROM unnest(a) x) m,
             (SELECT -sum(x * ln(x)) FROM unnest(a) x WHERE x > 0) h
      FROM pool100_real WHERE id % 10 = 0) s;

-- every table into shared_buffers
SELECT sum(pg_prewarm(t::regclass)) AS prewarmed_blocks
FROM unnest(ARRAY['pool', 'pool_real', 'pool_scored', 'committee', 'pool100', 'pool100_real']) t \gset
