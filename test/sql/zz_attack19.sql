-- Attack on the parallel round's hash buckets sized with the ids' width
-- (src/loop/round_parallel.c round_parallel_buckets, round_pool_id_width).
-- Finding, failing before its fix: the width came from get_attavgwidth,
-- which reads only a table's own statistics (stainherit = false), so a
-- partitioned pool (whose statistics ANALYZE keeps as the hierarchy's), a
-- parent of inheritance children and a view over a table counted their
-- 200-character ids as 0 bytes: 2 buckets where the table itself takes 4.
-- What held, kept as regression tests: no statistics (0, as before), a view
-- whose id is an expression (0), the same ranking as a serial round.  White box: runs as a superuser, reads
-- al.scores through al.learners.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET extra_float_digits = 3;

-- the ranking of a learner, bit for bit
CREATE FUNCTION pg_temp.ranking(learner text)
RETURNS TABLE (item_id text, score bytea, predicted text, probs text, hot boolean, rank integer)
LANGUAGE sql AS $$
	SELECT s.item_id, float8send(s.score), s.predicted, s.probs::text, s.hot, s.rank
	FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = learner $$;

-- 3,000 rows with ids of 200 characters: a table (4 buckets at 256 kB),
-- the same rows partitioned, under an inheritance parent, and through views
CREATE TABLE a19_table AS
SELECT lpad(i::text, 200, 'x') AS id, ARRAY[(i % 7)::real, (i % 5)::real, (i % 3)::real, (i % 11)::real] AS x
FROM generate_series(1, 3000) i;
CREATE TABLE a19_parted (id text, x real[]) PARTITION BY HASH (id);
CREATE TABLE a19_parted_0 PARTITION OF a19_parted FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE a19_parted_1 PARTITION OF a19_parted FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO a19_parted SELECT * FROM a19_table;
CREATE TABLE a19_parent (id text, x real[]);
CREATE TABLE a19_child () INHERITS (a19_parent);
INSERT INTO a19_child SELECT * FROM a19_table;
CREATE VIEW a19_view AS SELECT * FROM a19_table;
CREATE VIEW a19_view2 AS SELECT x, id FROM a19_view;
CREATE VIEW a19_view_expr AS SELECT id || '' AS id, x FROM a19_table;
CREATE TABLE a19_nostats AS SELECT * FROM a19_table;
ANALYZE a19_table, a19_parted, a19_parent, a19_child;

SELECT n, al.create_learner(n, n, 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
	'{"retrain_every": 100000, "seed": 9}') > 0 AS created
FROM unnest(ARRAY['a19_table', 'a19_parted', 'a19_parent', 'a19_view', 'a19_view2', 'a19_view_expr',
	'a19_nostats']) n ORDER BY n;
SELECT count(al.label(n, id, CASE WHEN x[1] > 3 THEN 'a' WHEN x[2] > 2 THEN 'b' ELSE 'c' END)) AS labeled
FROM a19_table, unnest(ARRAY['a19_table', 'a19_parted', 'a19_parent', 'a19_view', 'a19_view2', 'a19_view_expr',
	'a19_nostats']) n WHERE right(id, 2) = '00';
SET al_ext.parallel_rounds = off;
SELECT al.retrain('a19_table'), al.run_learner('a19_table');
CREATE TABLE a19_serial AS SELECT * FROM pg_temp.ranking('a19_table');

-- the buckets: 4 for the table, the partitioned pool, the inheritance
-- parent and the views of its column; 2 without statistics or for an
-- expression (the scores alone)
SET al_ext.parallel_rounds = on;
SET al_ext.selection_max_memory = '256kB';
SET client_min_messages = debug1;
SELECT al.retrain('a19_table'), al.run_learner('a19_table');
SELECT al.retrain('a19_parted'), al.run_learner('a19_parted');
SELECT al.retrain('a19_parent'), al.run_learner('a19_parent');
SELECT al.retrain('a19_view'), al.run_learner('a19_view');
SELECT al.retrain('a19_view2'), al.run_learner('a19_view2');
SELECT al.retrain('a19_view_expr'), al.run_learner('a19_view_expr');
SELECT al.retrain('a19_nostats'), al.run_learner('a19_nostats');
RESET client_min_messages;
-- the same ranking as the serial round, whatever the buckets
SELECT n, (SELECT count(*) FROM (SELECT * FROM a19_serial EXCEPT ALL SELECT * FROM pg_temp.ranking(n)) d)
	+ (SELECT count(*) FROM (SELECT * FROM pg_temp.ranking(n) EXCEPT ALL SELECT * FROM a19_serial) d) AS differ
FROM unnest(ARRAY['a19_table', 'a19_parted', 'a19_parent', 'a19_view', 'a19_view2', 'a19_view_expr',
	'a19_nostats']) n ORDER BY n;

RESET al_ext.selection_max_memory;
RESET al_ext.parallel_rounds;

SELECT al.drop_learner(n) FROM unnest(ARRAY['a19_table', 'a19_parted', 'a19_parent', 'a19_view', 'a19_view2',
	'a19_view_expr', 'a19_nostats']) n;
