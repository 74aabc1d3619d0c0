-- The learner options of issue 10 together: an evaluation sample, overlap
-- (two labels per item), a k-center cold start and an adjudicator.  Each
-- part is tested on its own elsewhere (eval_set, agreement, cold_start);
-- here: they compose.  Evaluation items are handed out only at eval_rate
-- (never by the cold start or the ranking), once each; other items reach
-- up to two annotators, never one annotator twice.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

CREATE TABLE combo_pool AS
SELECT i::bigint AS id, ARRAY[(i % 6)::real, (i / 6)::real]::real[] AS x FROM generate_series(1, 36) i;
CREATE ROLE regress_combo_ann1;
CREATE ROLE regress_combo_ann2;
SELECT al.create_learner('combo', 'combo_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
                         '{"overlap": 2, "eval_size": 4, "eval_rate": 0.25, "cold_start": "kcenter",
                           "batch_size": 4, "seed": 3, "retrain_every": 1000}') > 0 AS created;
SELECT al.grant_learner('combo', 'regress_combo_ann1', 'annotate'), al.grant_learner('combo', 'regress_combo_ann2', 'annotate');
CREATE TABLE combo_eval AS SELECT unnest(eval_items) AS item FROM al.learner_store WHERE name = 'combo';
SELECT count(*) AS eval_items FROM combo_eval;
CREATE TABLE combo_batches (round int, annotator text, item text, scored boolean);
GRANT SELECT, INSERT ON combo_batches TO PUBLIC;

-- ann1: ceil(0.25 x 4) = 1 evaluation item, then 3 k-center picks
SET ROLE regress_combo_ann1;
INSERT INTO combo_batches SELECT 1, current_user, item_id, score IS NOT NULL FROM al.next_batch('combo');
-- ann2: ceil(0.25 x (4 handed out + 4)) - 1 = 1 more evaluation item (not ann1's),
-- then k-center over the items open to it: ann1's picks are (one label or
-- lease of two), and the centers (the evaluation sample) are the same, so
-- the same 3 picks
SET ROLE regress_combo_ann2;
INSERT INTO combo_batches SELECT 1, current_user, item_id, score IS NOT NULL FROM al.next_batch('combo');
-- ann1 again: its own items are not open to it, ann1's and ann2's shared
-- picks have their two leases
SET ROLE regress_combo_ann1;
INSERT INTO combo_batches SELECT 2, current_user, item_id, score IS NOT NULL FROM al.next_batch('combo');
RESET ROLE;

SELECT b.round, b.annotator, count(*) AS items, count(*) FILTER (WHERE e.item IS NOT NULL) AS eval_items,
       bool_or(b.scored) AS any_scored
FROM combo_batches b LEFT JOIN combo_eval e ON e.item = b.item GROUP BY 1, 2 ORDER BY 1, 2;
-- ann2's non-evaluation picks are ann1's first ones
SELECT (SELECT array_agg(item ORDER BY item) FROM combo_batches b WHERE round = 1 AND annotator = 'regress_combo_ann1'
        AND item NOT IN (SELECT item FROM combo_eval))
     = (SELECT array_agg(item ORDER BY item) FROM combo_batches b WHERE round = 1 AND annotator = 'regress_combo_ann2'
        AND item NOT IN (SELECT item FROM combo_eval)) AS same_cold_picks;
-- invariants: an evaluation item to one annotator only; any item to at most
-- two; never one annotator twice
SELECT (SELECT count(*) FROM (SELECT item FROM combo_batches WHERE item IN (SELECT item FROM combo_eval)
                               GROUP BY item HAVING count(*) > 1) x) AS eval_items_twice,
       (SELECT count(*) FROM (SELECT item FROM combo_batches GROUP BY item HAVING count(*) > 2) x) AS items_thrice,
       (SELECT count(*) FROM (SELECT item, annotator FROM combo_batches GROUP BY 1, 2 HAVING count(*) > 1) x) AS annotator_twice,
       (SELECT count(*) FROM al.leases x JOIN al.learner_store l ON l.id = x.learner_id WHERE l.name = 'combo') AS leases;

-- once trained, the ranking's batches keep the same rules: label what is
-- held (ann1 and ann2 disagree on the shared picks), retrain, take more
SET ROLE regress_combo_ann1;
SELECT count(al.label('combo', item, CASE WHEN item::int % 2 = 0 THEN 'a' ELSE 'b' END))
FROM combo_batches WHERE annotator = 'regress_combo_ann1';
SET ROLE regress_combo_ann2;
SELECT count(al.label('combo', item, CASE WHEN item::int % 2 = 0 THEN 'b' ELSE 'a' END))
FROM combo_batches WHERE annotator = 'regress_combo_ann2';
RESET ROLE;
SELECT al.retrain('combo');
SELECT al.run_learner('combo');
SET ROLE regress_combo_ann2;
INSERT INTO combo_batches SELECT 3, current_user, item_id, score IS NOT NULL FROM al.next_batch('combo', 8);
RESET ROLE;
-- ranked batch: 7 scored items from the ranking, none of the sample, and
-- the sample's share: ceil(0.25 x (9 items labeled + 8)) - 3 handed out =
-- 2, capped by the 1 left; no item ann2 labeled, none with two labels
-- already (ann1 and ann2's shared picks)
SELECT count(*) AS items, count(*) FILTER (WHERE item IN (SELECT item FROM combo_eval)) AS eval_items,
       count(*) FILTER (WHERE scored) AS scored
FROM combo_batches WHERE round = 3;
SELECT count(*) AS bad
FROM combo_batches b JOIN al.labels x ON x.item_id = b.item
JOIN al.learner_store l ON l.id = x.learner_id AND l.name = 'combo'
WHERE b.round = 3 AND (x.annotator = 'regress_combo_ann2'
                       OR b.item IN (SELECT item_id FROM al.labels GROUP BY item_id HAVING count(*) >= 2));
-- the model never trained on an evaluation item: its training labels are
-- the labeled items outside the sample
SELECT c.labels_used = (SELECT count(DISTINCT x.item_id) FROM al.labels x JOIN al.learner_store l ON l.id = x.learner_id
                        WHERE l.name = 'combo' AND x.item_id NOT IN (SELECT item FROM combo_eval)) AS trained_outside_sample,
       c.eval_labeled = (SELECT count(DISTINCT x.item_id) FROM al.labels x JOIN al.learner_store l ON l.id = x.learner_id
                         WHERE l.name = 'combo' AND x.item_id IN (SELECT item FROM combo_eval)) AS measured_on_sample
FROM al.learning_curve c WHERE c.learner = 'combo';

SELECT al.drop_learner('combo');
DROP TABLE combo_pool, combo_eval, combo_batches;
DROP ROLE regress_combo_ann1, regress_combo_ann2;
