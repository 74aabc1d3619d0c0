-- The first 10,000 rows of a ranking in the hand-out order (rank, score,
-- item id) are marked hot by the round and only they are indexed
-- (al.scores_order); al.next_batch reads them first and, once batches took
-- every hot row, the rest in the same order.  White box: the suite runs as
-- a superuser and reads and changes al.scores directly.
SELECT setseed(0.41);
CREATE TABLE hot_pool AS
SELECT i::bigint AS id, ARRAY[random() * 4, random() * 4]::real[] AS x FROM generate_series(1, 10050) i;
ALTER TABLE hot_pool ADD PRIMARY KEY (id);
SELECT al.create_learner('hot', 'hot_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 5}') > 0 AS created;
SELECT count(al.label('hot', id, (ARRAY['a', 'b', 'c'])[id % 3 + 1])) AS labeled FROM hot_pool WHERE id <= 30;
SELECT al.retrain('hot');
SELECT al.run_learner('hot') AS round;
CREATE VIEW hot_order AS
SELECT s.item_id, s.hot, row_number() OVER (ORDER BY s.rank, s.score DESC, s.item_id) AS pos
FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'hot';
-- 10,020 ranked rows: the first 10,000 in the hand-out order are hot, the others not
SELECT count(*) AS ranked, count(*) FILTER (WHERE hot) AS hot,
       count(*) FILTER (WHERE hot AND pos <= 10000) AS hot_first, max(pos) FILTER (WHERE hot) AS last_hot_pos
FROM hot_order;
-- the index holds the hot rows only
SELECT indexdef FROM pg_indexes WHERE schemaname = 'al' AND indexname = 'scores_order';
-- batches come in the hand-out order
SELECT array_agg(b.item_id ORDER BY b.o) = (SELECT array_agg(item_id ORDER BY pos) FROM hot_order WHERE pos <= 7)
       AS first_batch_in_order
FROM al.next_batch('hot', 7, 'ann1') WITH ORDINALITY b(item_id, s, p, q, o);
-- as if the batches had taken every hot row but the 7 leased and 3 more:
-- the next batch takes those 3, then goes on with the rest of the ranking
UPDATE al.scores s SET hot = false FROM hot_order h
WHERE s.learner_id = (SELECT id FROM al.learners WHERE name = 'hot') AND s.item_id = h.item_id AND h.pos > 10;
SELECT count(*) FILTER (WHERE hot) AS hot_left FROM hot_order;
SELECT array_agg(b.item_id ORDER BY b.o) = (SELECT array_agg(item_id ORDER BY pos) FROM hot_order WHERE pos BETWEEN 8 AND 15)
       AS next_batch_crosses_into_the_rest
FROM al.next_batch('hot', 8, 'ann2') WITH ORDINALITY b(item_id, s, p, q, o);
-- the next round marks the first 10,000 again
SELECT al.retrain('hot');
SELECT al.run_learner('hot') AS round;
SELECT count(*) AS ranked, count(*) FILTER (WHERE hot) AS hot, count(*) FILTER (WHERE hot AND pos <= 10000) AS hot_first
FROM hot_order;
-- The round knows its hot rows while it scores (src/loop/round_hot.c): ties
-- at the boundary go by the id's text, as the ORDER BY does ('10000' before
-- '9999'): every row has the same features, so the same score
UPDATE hot_pool SET x = '{1,1}';
SELECT al.retrain('hot');
SELECT al.run_learner('hot') AS round;
SELECT count(DISTINCT s.score) AS scores, count(*) AS ranked, count(*) FILTER (WHERE h.hot) AS hot,
       count(*) FILTER (WHERE h.hot AND h.pos <= 10000) AS hot_first
FROM hot_order h JOIN al.scores s ON s.item_id = h.item_id
WHERE s.learner_id = (SELECT id FROM al.learners WHERE name = 'hot');
-- the hot rows, independently: the 10,000 first ids of the ranking in text order
SELECT array_agg(item_id ORDER BY item_id) FILTER (WHERE hot) =
       (SELECT array_agg(i ORDER BY i) FROM (SELECT item_id AS i FROM hot_order ORDER BY item_id LIMIT 10000) f)
       AS hot_are_first_ids
FROM hot_order;
-- ranks on 10,000 rows (explore: the Gumbel keys rank the 10,000 candidates):
-- the hot rows are ranks 1 to 10,000
UPDATE hot_pool SET x = ARRAY[(id % 7)::real, (id % 11)::real];
SELECT al.alter_learner('hot', NULL, '{"explore": {"temperature": 0.5}}');
SELECT al.retrain('hot');
SELECT al.run_learner('hot') AS round;
SELECT count(*) FILTER (WHERE s.rank IS NOT NULL) AS with_rank, count(*) FILTER (WHERE s.hot) AS hot,
       count(*) FILTER (WHERE s.hot AND s.rank <= 10000) AS hot_ranked, count(*) FILTER (WHERE h.hot AND h.pos <= 10000) AS hot_first
FROM hot_order h JOIN al.scores s ON s.item_id = h.item_id
WHERE s.learner_id = (SELECT id FROM al.learners WHERE name = 'hot');
-- ranks on fewer rows than the hot rows (100 candidates): the ranked rows,
-- then the best scores of the others
SELECT al.alter_learner('hot', NULL, '{"candidates": 100}');
SELECT al.retrain('hot');
SELECT al.run_learner('hot') AS round;
SELECT count(*) FILTER (WHERE s.rank IS NOT NULL) AS with_rank, count(*) FILTER (WHERE s.hot) AS hot,
       count(*) FILTER (WHERE h.hot AND h.pos <= 10000) AS hot_first
FROM hot_order h JOIN al.scores s ON s.item_id = h.item_id
WHERE s.learner_id = (SELECT id FROM al.learners WHERE name = 'hot');
SELECT al.drop_learner('hot');
DROP VIEW hot_order;
DROP TABLE hot_pool;
