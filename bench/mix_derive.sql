-- bench/mix_derive.sql: keys, the 100,000-row tables, statistics, prewarm.

ALTER TABLE mix_1m ADD PRIMARY KEY (id);

-- the pool of 100,000: the first 100,000 rows (the generator is one stream,
-- so these are exactly bench_train.c's reference data set)
CREATE TABLE mix_100k AS SELECT id, x, y FROM mix_1m WHERE id <= 100000 ORDER BY id;
ALTER TABLE mix_100k ADD PRIMARY KEY (id);

-- the training table of the models section: the same 100,000 rows
CREATE TABLE train100k AS SELECT x, y FROM mix_1m WHERE id <= 100000 ORDER BY id;

VACUUM (FREEZE, ANALYZE) mix_1m;
VACUUM (FREEZE, ANALYZE) mix_100k;
VACUUM (FREEZE, ANALYZE) train100k;
VACUUM (FREEZE, ANALYZE) digits;

DO $$
DECLARE
	t text;
	n bigint;
BEGIN
	FOREACH t IN ARRAY ARRAY['mix_1m', 'mix_100k', 'train100k', 'digits'] LOOP
		EXECUTE format('SELECT count(*) FROM %I', t) INTO n;
		INSERT INTO bench.info VALUES ('table ' || t,
			format('%s rows, %s', n, pg_size_pretty(pg_table_size(t::regclass))));
	END LOOP;
END
$$;

INSERT INTO bench.info
SELECT 'mix_1m (models, loop)', format('64 features, 10 classes (gen_data mixture 1000000 64 10 0.35 42; rows 1..100000 = bench_train.c''s data), class counts %s',
	(SELECT string_agg(n::text, '/' ORDER BY y) FROM (SELECT y, count(*) n FROM mix_1m GROUP BY y) s));

SELECT sum(pg_prewarm(t::regclass)) AS prewarmed_blocks
FROM unnest(ARRAY['mix_1m', 'mix_100k', 'train100k', 'digits']) t \gset
