-- bench/data.sql: the benchmark tables.  bench/run_bench.sh fills pool,
-- committee and pool100 with binary COPY from bench/gen_data.c (see there
-- for the exact formulas), then runs bench/derive.sql.

CREATE TABLE pool (          -- 1,000,000 rows x 10 classes
	id  bigint NOT NULL,
	grp int NOT NULL,        -- id % 100: 100 groups of 10,000
	p   al.probvec NOT NULL
);

CREATE TABLE committee (     -- the same ids, a committee of 5 and 64 features
	id      bigint NOT NULL,
	p       al.probvec NOT NULL,     -- the pool's distribution (same logits)
	members al.probvec[] NOT NULL,   -- 5 members: logits + N(0, 1) noise
	x       real[] NOT NULL          -- 64 features, N(0, 1)
);

CREATE TABLE pool100 (       -- 200,000 rows x 100 classes
	id  bigint NOT NULL,
	grp int NOT NULL,
	p   al.probvec NOT NULL
);
