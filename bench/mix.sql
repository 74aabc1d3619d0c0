-- bench/mix.sql: the tables of the models and loop sections.  bench/run_bench.sh
-- fills mix_1m with binary COPY from `gen_data mixture 1000000 64 10 0.35 42`
-- (bench/gen_data.c: bench_train.c's Gaussian mixture, exactly) and digits
-- from data/digits.csv.gz, then runs bench/mix_derive.sql.

CREATE TABLE mix_1m (        -- 1,000,000 rows: the pool of 1M and batch prediction
	id bigint NOT NULL,      -- 1..1,000,000, primary key (mix_derive.sql)
	x  real[] NOT NULL,      -- 64 features: class mean (0.35 N(0,1) per feature) + N(0,1)
	y  int NOT NULL          -- class 0..9 (the truth the loop's annotator answers with)
);

CREATE TABLE digits (        -- data/digits.csv.gz: 1797 x 64 pixel counts 0..16, digit 0..9
	x real[] NOT NULL,
	y int NOT NULL
);
