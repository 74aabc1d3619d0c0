-- bench/models13.sql: the tables of the models13 section (issue 13: model
-- families).  bench/run_bench.sh fills m13_src with binary COPY from
-- `gen_data mixture N 64 10 0.35 13` (bench/gen_data.c's Gaussian mixture),
-- then runs this file with psql variables ovr_rows and ridge_rows.
--
-- m13_ovr:   the first ovr_rows rows; label set = the row's class plus every
--            label c whose two features x[c + 1] + 0.5 x[c + 33] exceed 1
--            (about 1.6 labels a row); mask = the same set as bits (for
--            scikit-learn's indicator matrix)
-- m13_ridge: the first ridge_rows rows; target = a fixed linear function of
--            six features plus the class plus a deterministic wiggle

CREATE TABLE m13_ovr AS
SELECT id, x,
	ARRAY(SELECT 'l' || c FROM generate_series(0, 9) c
	      WHERE c = y OR x[c + 1] + 0.5 * x[c + 33] > 1 ORDER BY c) AS tags,
	(SELECT sum(1 << c)::int FROM generate_series(0, 9) c
	 WHERE c = y OR x[c + 1] + 0.5 * x[c + 33] > 1) AS mask
FROM m13_src WHERE id <= :ovr_rows;
ALTER TABLE m13_ovr ADD PRIMARY KEY (id);

CREATE TABLE m13_ridge AS
SELECT id, x,
	2 * x[1] - x[2] + 0.5 * x[3] + 0.25 * x[10] - 0.75 * x[33] + 1.5 * x[64] + y
	+ 0.3 * sin(id * 12.9898) AS target
FROM m13_src WHERE id <= :ridge_rows;
ALTER TABLE m13_ridge ADD PRIMARY KEY (id);
VACUUM ANALYZE m13_ovr, m13_ridge;
