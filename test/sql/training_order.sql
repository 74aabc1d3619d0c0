-- A round trains on the labeled rows in the order of their ids, whatever
-- order the pool's query returns them in (src/loop/learner_round.c,
-- src/loop/family_round.c): models that sum over the rows (every family)
-- and committees' bootstrap resamples (which pick rows by position) depend
-- on that order, and a pool's scan order is not fixed (a Citus
-- distributed table returns its shards' rows in the order the shards
-- answer; a heap returns its rows in physical order).  Checked with two
-- pools of the same rows in opposite physical orders, without an index
-- (sequential scans): learners with the same labels over either pool train
-- the same models, bit for bit, and rank the pool the same (before the
-- ORDER BY, no member's weights were equal here, and only the single
-- softmax model's ranking was).
SET client_min_messages = warning;
SELECT setseed(0.31);
CREATE TABLE to_rows AS
SELECT i::bigint AS id, ARRAY[sin(i * 0.7) + (i % 3) * 0.6, cos(i * 1.3), sin(i * 0.11) + random() * 0.3]::real[] AS x,
       (ARRAY['a', 'b', 'c'])[i % 3 + 1] AS y
FROM generate_series(1, 300) i;
-- the same rows, in id order and in reverse id order
CREATE TABLE to_up AS SELECT * FROM to_rows ORDER BY id;
CREATE TABLE to_down AS SELECT * FROM to_rows ORDER BY id DESC;
-- the physical orders differ (no index: a sequential scan reads them)
SELECT (SELECT id FROM to_up LIMIT 1) AS first_up, (SELECT id FROM to_down LIMIT 1) AS first_down;

-- learners over each pool: softmax (one model; a bagged committee of 3), ovr, ridge (a committee of 4)
SELECT al.create_learner(n || '_' || p, 'to_' || p, 'id', 'x', c, s, o::jsonb) > 0 AS created
FROM (VALUES ('sm', ARRAY['a', 'b', 'c'], 'entropy', '{"retrain_every": 1000}'),
             ('smc', ARRAY['a', 'b', 'c'], 'vote_entropy', '{"committee": 3, "seed": 4, "retrain_every": 1000}'),
             ('ovr', ARRAY['a', 'b', 'c'], 'entropy', '{"family": "ovr", "retrain_every": 1000}'),
             ('rdg', '{}'::text[], 'committee_std', '{"family": "ridge", "committee": 4, "seed": 2, "retrain_every": 1000}')) v(n, c, s, o),
     unnest(ARRAY['up', 'down']) p
ORDER BY n, p;
-- the same labels, given in the same order (every 4th row)
SELECT count(*) AS labels FROM (
	SELECT al.label(n || '_' || p, r.id,
	                CASE n WHEN 'ovr' THEN ARRAY(SELECT c FROM unnest(ARRAY['a', 'b', 'c'], r.x) u(c, v) WHERE v > 0)::text
	                       WHEN 'rdg' THEN (2 * r.x[1] - r.x[2] + r.id % 5)::text
	                       ELSE r.y END)
	FROM to_rows r, unnest(ARRAY['sm', 'smc', 'ovr', 'rdg']) n, unnest(ARRAY['up', 'down']) p
	WHERE r.id % 4 = 1 ORDER BY r.id, n, p) s;
SELECT l, al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['sm_up', 'sm_down', 'smc_up', 'smc_down', 'ovr_up', 'ovr_down', 'rdg_up', 'rdg_down']) l;

-- every member's weights equal, as text (float8's shortest exact form: every bit)
SELECT n AS learner, count(*) AS weight_rows,
       count(*) FILTER (WHERE u.intercept::text = d.intercept::text AND u.coef::text = d.coef::text) AS identical
FROM unnest(ARRAY['sm', 'smc', 'ovr', 'rdg']) n,
     LATERAL (SELECT member, class, intercept, coef FROM al.model_coefficients('learner/' || n || '_up')) u
     JOIN LATERAL (SELECT member, class, intercept, coef FROM al.model_coefficients('learner/' || n || '_down')) d
          ON u.member = d.member AND u.class IS NOT DISTINCT FROM d.class
GROUP BY n ORDER BY n;
-- and the rankings: every row's score, prediction, outputs and rank
SELECT n AS learner, count(*) AS ranked,
       count(*) FILTER (WHERE u.score = d.score AND u.predicted = d.predicted
                        AND u.probs::text IS NOT DISTINCT FROM d.probs::text
                        AND u.outputs::text IS NOT DISTINCT FROM d.outputs::text
                        AND u.rank IS NOT DISTINCT FROM d.rank) AS identical
FROM unnest(ARRAY['sm', 'smc', 'ovr', 'rdg']) n,
     LATERAL (SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = n || '_up') u
     JOIN LATERAL (SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = n || '_down') d
          USING (item_id)
GROUP BY n ORDER BY n;

SELECT al.drop_learner(l) FROM al.learners l0, LATERAL (SELECT l0.name AS l) s WHERE l0.name ~ '^(sm|smc|ovr|rdg)_(up|down)$';
DROP TABLE to_rows, to_up, to_down;
