-- Learners on partitioned pools (issue 12 item 4): the round reads the
-- partitioned table as one pool; partitions attached later (one with another
-- physical column order and a dropped column), rows moved between
-- partitions and detached partitions are seen by the next round.  Every
-- ranking is recomputed from the learner's model over the parent table.
CREATE TABLE lp (id bigint NOT NULL, region text NOT NULL, x real[]) PARTITION BY LIST (region);
CREATE TABLE lp_eu PARTITION OF lp FOR VALUES IN ('eu');
CREATE TABLE lp_us PARTITION OF lp FOR VALUES IN ('us');
ALTER TABLE lp ADD PRIMARY KEY (id, region);
INSERT INTO lp SELECT i, CASE WHEN i % 2 = 0 THEN 'eu' ELSE 'us' END, ARRAY[sin(i), cos(i * 0.7)]::real[]
FROM generate_series(1, 200) i;
CREATE FUNCTION pg_temp.truth(i bigint) RETURNS text LANGUAGE sql AS $$
	SELECT CASE WHEN sin(i) + 0.3 * cos(i * 0.7) > 0 THEN 'a' ELSE 'b' END $$;

-- a softmax learner and a regression learner over the parent
SELECT al.create_learner('lp_cls', 'lp', 'id', 'x', '{a,b}', 'margin_confidence', '{"retrain_every": 5}') > 0 AS created;
SELECT al.create_learner('lp_reg', 'lp', 'id', 'x', '{}', 'committee_std',
	'{"family": "ridge", "committee": 3, "retrain_every": 5}') > 0 AS created;
SELECT count(al.label('lp_cls', id, pg_temp.truth(id))) AS labeled, count(al.label('lp_reg', id, (sin(id) * 10)::text))
FROM lp WHERE id <= 30;
SELECT al.run_learner('lp_cls'), al.run_learner('lp_reg');

-- the rankings: every unlabeled row of both partitions, scored as the model scores it
CREATE FUNCTION pg_temp.check_rankings() RETURNS TABLE (learner text, ranked bigint, unlabeled bigint, scores_match boolean)
LANGUAGE sql AS $$
	SELECT 'lp_cls', count(*), (SELECT count(*) FROM lp WHERE id > 30),
	       bool_and(abs(s.score - (1 - (SELECT abs(p[1] - p[2]) FROM (SELECT al.predict_proba(l.model_id, x)::real[] AS p) q))) < 1e-6)
	FROM al.scores s JOIN al.learners n ON n.id = s.learner_id AND n.name = 'lp_cls'
	JOIN al.learner_store l ON l.id = n.id JOIN lp ON lp.id::text = s.item_id
	UNION ALL
	SELECT 'lp_reg', count(*), (SELECT count(*) FROM lp WHERE id > 30),
	       bool_and(abs(s.predicted::float8 - al.predict_value(l.model_id, lp.x)) < 1e-5)
	FROM al.scores s JOIN al.learners n ON n.id = s.learner_id AND n.name = 'lp_reg'
	JOIN al.learner_store l ON l.id = n.id JOIN lp ON lp.id::text = s.item_id $$;
SELECT * FROM pg_temp.check_rankings();

-- a partition attached later, whose table has another column order and a dropped column
CREATE TABLE lp_asia (x real[], junk int, id bigint NOT NULL, region text NOT NULL);
ALTER TABLE lp_asia DROP COLUMN junk;
INSERT INTO lp_asia (id, region, x) SELECT i, 'asia', ARRAY[sin(i), cos(i * 0.7)]::real[] FROM generate_series(201, 260) i;
ALTER TABLE lp ATTACH PARTITION lp_asia FOR VALUES IN ('asia');
-- and a partition created later
CREATE TABLE lp_af PARTITION OF lp FOR VALUES IN ('af');
INSERT INTO lp SELECT i, 'af', ARRAY[sin(i), cos(i * 0.7)]::real[] FROM generate_series(261, 280) i;
SELECT al.run_learner('lp_cls') AS cls, al.run_learner('lp_reg') AS reg;
SELECT * FROM pg_temp.check_rankings();
SELECT count(*) FILTER (WHERE item_id::bigint > 200) AS new_rows_handed_out
FROM al.next_batch('lp_cls', 300);

-- rows moved to another partition keep their labels and their place in the pool
UPDATE lp SET region = 'af' WHERE id IN (2, 4, 31, 33);
SELECT al.run_learner('lp_cls') AS cls;
SELECT * FROM pg_temp.check_rankings();
-- a detached partition leaves the pool (its labeled items stay labeled)
ALTER TABLE lp DETACH PARTITION lp_us;
SELECT al.run_learner('lp_cls') AS cls, al.run_learner('lp_reg') AS reg;
SELECT * FROM pg_temp.check_rankings();
SELECT pool_size, labeled FROM al.learner_status WHERE learner = 'lp_cls';

SELECT al.drop_learner('lp_cls'), al.drop_learner('lp_reg');
DROP TABLE lp, lp_us;
