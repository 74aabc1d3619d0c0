-- The per-backend model cache frees what it evicts (issue 7 defect 6):
-- 17 models used in turn over and over (each call misses a 16-model cache)
-- keep the cache's memory within a bound computed from the models' sizes.
CREATE TABLE cache_data AS
SELECT i, ARRAY(SELECT ((i * j) % 11)::real FROM generate_series(1, 400) j) AS x, i % 2 AS y
FROM generate_series(1, 20) i;
SELECT count(al.train_model('cache_' || m, 'cache_data', 'x', 'y', '{"max_iter": 3}')) AS trained
FROM generate_series(1, 17) m;

-- the memory of the cache: its context and one child per cached model
CREATE FUNCTION pg_temp.cache_bytes() RETURNS bigint LANGUAGE sql AS $$
	SELECT coalesce(sum(total_bytes), 0)::bigint FROM pg_backend_memory_contexts
	WHERE name = 'al_ext model cache' OR parent = 'al_ext model cache' $$;
CREATE FUNCTION pg_temp.cached_models() RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM pg_backend_memory_contexts WHERE parent = 'al_ext model cache' $$;
-- what n loaded models may take: their unpacked weights (the stored form
-- less its 20-byte header), classes and name, plus 8 kB of context and
-- bookkeeping each, and 16 kB for the cache itself
CREATE FUNCTION pg_temp.bound(n int) RETURNS bigint LANGUAGE sql AS $$
	SELECT 16384 + n * (max(weight_bytes) - 20 + 8192) FROM al.models WHERE name LIKE 'cache\_%' $$;

-- 340 calls, 17 models in turn, in one statement: the statement keeps the
-- 17 models it uses (a caller may hold any of them until it ends)
SELECT count(al.predict('cache_' || (n % 17 + 1), x)) AS calls
FROM cache_data, generate_series(0, 339) n WHERE cache_data.i = 1;
SELECT pg_temp.cached_models() AS cached, pg_temp.cache_bytes() <= pg_temp.bound(17) AS within_bound;
-- the same in 340 transactions: a transaction gives back what the previous
-- one held beyond 16 models
DO $$
BEGIN
	FOR n IN 0..339 LOOP
		PERFORM al.predict('cache_' || (n % 17 + 1), x) FROM cache_data WHERE cache_data.i = 1;
		COMMIT;
	END LOOP;
END $$;
SELECT pg_temp.cached_models() AS cached, pg_temp.cache_bytes() <= pg_temp.bound(16) AS within_bound;

DROP TABLE cache_data;
SELECT count(al.drop_model('cache_' || m)) AS dropped FROM generate_series(1, 17) m;
