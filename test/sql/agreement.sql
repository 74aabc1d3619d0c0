-- Overlap and agreement: the options overlap, label_rule and adjudicator;
-- al.next_batch with several annotators per item; al.adjudicate; the
-- training label rules against al.train_model on hand-built label sets; the
-- agreement views and kappas against hand values and plain-SQL formulas;
-- who may do what.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- 24 items in 3 clusters; the true class of item i is classes[i % 3 + 1]
CREATE TABLE agr_pool AS
SELECT i::bigint AS id, ARRAY[(i % 3) * 2 + (i % 5) * 0.1, -(i % 3) + (i % 7) * 0.1]::real[] AS x,
       (ARRAY['a', 'b', 'c'])[i % 3 + 1] AS truth
FROM generate_series(1, 24) i;
GRANT SELECT ON agr_pool TO PUBLIC;

-- ---- options ----
SELECT al.create_learner('ov', 'agr_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"overlap": 2, "batch_size": 3, "seed": 1}') > 0 AS created;
SELECT options->'overlap' AS overlap, options->'label_rule' AS label_rule, options->'adjudicator' AS adjudicator
FROM al.learners WHERE name = 'ov';
CREATE ROLE regress_agr_seniors;
SELECT al.alter_learner('ov', NULL, '{"label_rule": "latest", "adjudicator": "regress_agr_seniors"}');
SELECT options->'overlap' AS overlap, options->'label_rule' AS label_rule, options->'adjudicator' AS adjudicator
FROM al.learners WHERE name = 'ov';
-- defaults are not stored; null removes the adjudicator
SELECT al.alter_learner('ov', NULL, '{"label_rule": "majority", "adjudicator": null}');
SELECT options ? 'label_rule' AS has_rule, options ? 'adjudicator' AS has_adjudicator FROM al.learners WHERE name = 'ov';
SELECT pg_temp.try($$SELECT al.alter_learner('ov', NULL, '{"overlap": 0}')$$) AS overlap_0;
SELECT pg_temp.try($$SELECT al.alter_learner('ov', NULL, '{"overlap": 101}')$$) AS overlap_101;
SELECT pg_temp.try($$SELECT al.alter_learner('ov', NULL, '{"overlap": 1.5}')$$) AS overlap_fraction;
SELECT pg_temp.try($$SELECT al.alter_learner('ov', NULL, '{"overlap": "2"}')$$) AS overlap_text;
SELECT pg_temp.try($$SELECT al.alter_learner('ov', NULL, '{"label_rule": "median"}')$$) AS rule_unknown;
SELECT pg_temp.try($$SELECT al.alter_learner('ov', NULL, '{"label_rule": 1}')$$) AS rule_number;
SELECT pg_temp.try($$SELECT al.alter_learner('ov', NULL, '{"adjudicator": "regress_agr_nobody"}')$$) AS adjudicator_no_role;
SELECT pg_temp.try($$SELECT al.alter_learner('ov', NULL, '{"adjudicator": ""}')$$) AS adjudicator_empty;
SELECT pg_temp.try($$SELECT al.alter_learner('ov', NULL, '{"adjudicator": 7}')$$) AS adjudicator_number;
SELECT pg_temp.try(format($$SELECT al.alter_learner('ov', NULL, '{"adjudicator": "%s"}')$$, repeat('r', 64))) AS adjudicator_long;
SELECT pg_temp.try($$SELECT al.create_learner('ov2', 'agr_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
                                             '{"adjudicator": "regress_agr_nobody"}')::text$$) AS create_no_role;
-- nothing changed by the failures
SELECT options->'overlap' AS overlap FROM al.learners WHERE name = 'ov';

-- ---- overlap 2: each item goes to two distinct annotators ----
-- (the superuser running this owns the learner, so it may act in any name)
CREATE TABLE handed (n serial, who text, item text);
CREATE FUNCTION pg_temp.take(who text, k integer) RETURNS SETOF text LANGUAGE sql AS $$
	INSERT INTO handed (who, item) SELECT who, item_id FROM al.next_batch('ov', k, who) RETURNING item
$$;
CREATE TEMP TABLE b1 AS SELECT pg_temp.take('ann1', 3) AS item;
CREATE TEMP TABLE b2 AS SELECT pg_temp.take('ann2', 3) AS item;
CREATE TEMP TABLE b3 AS SELECT pg_temp.take('ann3', 3) AS item;
CREATE TEMP TABLE b4 AS SELECT pg_temp.take('ann1', 3) AS item;
-- the second annotator gets the same three items (each had one lease of two),
-- the third the next three, and ann1's second batch is those, never its own
SELECT (SELECT count(*) FROM b1) AS n1,
       (SELECT array_agg(item ORDER BY item) FROM b1) = (SELECT array_agg(item ORDER BY item) FROM b2) AS second_same,
       NOT EXISTS (SELECT FROM b3 JOIN b1 USING (item)) AS third_disjoint,
       (SELECT array_agg(item ORDER BY item) FROM b4) = (SELECT array_agg(item ORDER BY item) FROM b3) AS ann1_second_is_third;
SELECT max(n) AS most_leases_per_item, count(*) AS items_leased
FROM (SELECT x.item_id, count(*) AS n FROM al.leases x JOIN al.learners l ON l.id = x.learner_id
      WHERE l.name = 'ov' GROUP BY 1) s;
-- the first six items are full now: ann4 gets three others
CREATE TEMP TABLE b5 AS SELECT pg_temp.take('ann4', 3) AS item;
SELECT count(*) AS n5, NOT EXISTS (SELECT FROM b5 WHERE item IN (SELECT item FROM b1 UNION SELECT item FROM b3)) AS fresh
FROM b5;
-- ann1 labels its first batch: its leases end, ann2's stay (each item has 1 label + 1 lease)
SELECT count(al.label('ov', item, 'a', 'ann1')) AS labeled FROM b1;
SELECT x.annotator, count(*) FROM al.leases x JOIN al.learners l ON l.id = x.learner_id
WHERE l.name = 'ov' AND x.item_id IN (SELECT item FROM b1) GROUP BY 1 ORDER BY 1;
-- a second label (here without a lease, in ann5's name) completes an item:
-- every lease on it ends, ann2's too
SELECT min(item) AS z FROM b1 \gset
SELECT al.label('ov', :'z', 'b', 'ann5');
SELECT count(*) AS ann2_leases_on_z FROM al.leases x JOIN al.learners l ON l.id = x.learner_id
WHERE l.name = 'ov' AND x.item_id = :'z';
SELECT count(*) AS z_in_ann2_batch FROM al.my_batch('ov', 'ann2') WHERE item_id = :'z';
-- ann2 labels the other two: they are complete, and leave the queue
SELECT count(al.label('ov', item, 'a', 'ann2')) AS labeled FROM b2 WHERE item <> :'z';
-- the annotators label what they hold, then take and label until nothing is left
SELECT count(al.label('ov', m.item_id, p.truth, a)) AS held_labeled
FROM unnest(ARRAY['ann1', 'ann2', 'ann3', 'ann4']) a
CROSS JOIN LATERAL al.my_batch('ov', a) m JOIN agr_pool p ON p.id = m.item_id::bigint;
DO $$
DECLARE
	r record;
	got integer;
BEGIN
	FOR round IN 1..30 LOOP
		got := 0;
		FOR who IN 1..4 LOOP
			FOR r IN SELECT h AS item FROM pg_temp.take('ann' || who, 3) h LOOP
				PERFORM al.label('ov', r.item, p.truth, 'ann' || who) FROM agr_pool p WHERE p.id = r.item::bigint;
				got := got + 1;
			END LOOP;
		END LOOP;
		EXIT WHEN got = 0;
	END LOOP;
END $$;
-- every item has exactly two labels, from two annotators; nobody was
-- handed an item twice; no lease is left; no batch is left
SELECT count(*) AS items, min(n) AS fewest_labels, max(n) AS most_labels
FROM (SELECT b.item_id, count(DISTINCT b.annotator) AS n FROM al.labels b JOIN al.learners l ON l.id = b.learner_id
      WHERE l.name = 'ov' GROUP BY 1) s;
SELECT count(*) AS handed, count(DISTINCT (who, item)) AS distinct_handed FROM handed;
SELECT count(*) AS handed_after_own_label FROM handed h
WHERE EXISTS (SELECT FROM handed e WHERE e.who = h.who AND e.item = h.item AND e.n < h.n);
SELECT count(*) AS leases_left FROM al.leases x JOIN al.learners l ON l.id = x.learner_id WHERE l.name = 'ov';
SELECT count(*) AS batch_when_done FROM al.next_batch('ov', 3, 'ann9');

-- after a model, the ranked queue follows the same rule
SELECT al.alter_learner('ov', NULL, '{"overlap": 3}');
SELECT al.run_learner('ov') AS round;
CREATE TEMP TABLE r1 AS SELECT item_id AS item FROM al.next_batch('ov', 30, 'ann1');
CREATE TEMP TABLE r9 AS SELECT item_id AS item FROM al.next_batch('ov', 30, 'ann9');
-- every item has 2 labels and needs a third: ann1 gets all those it did not
-- label; ann9 (who labeled none) the rest, which ann1 labeled
SELECT count(*) AS ann1_labeled FROM al.labels b JOIN al.learners l ON l.id = b.learner_id
WHERE l.name = 'ov' AND b.annotator = 'ann1';
SELECT (SELECT count(*) FROM r1) AS ann1_items, (SELECT count(*) FROM r9) AS ann9_items,
       NOT EXISTS (SELECT FROM r1 JOIN r9 USING (item)) AS disjoint,
       EXISTS (SELECT FROM r1 JOIN al.labels b ON b.item_id = r1.item AND b.annotator = 'ann1'
               JOIN al.learners l ON l.id = b.learner_id AND l.name = 'ov') AS ann1_got_its_own,
       NOT EXISTS (SELECT FROM r9 LEFT JOIN al.labels b ON b.item_id = r9.item AND b.annotator = 'ann1'
                   AND b.learner_id = (SELECT id FROM al.learners WHERE name = 'ov')
                   WHERE b.item_id IS NULL) AS ann9_got_what_ann1_labeled;
SELECT count(*) AS third_annotator_finds_none FROM al.next_batch('ov', 3, 'ann7');
SELECT al.drop_learner('ov');

-- ---- label rules: the model equals al.train_model on the rule's labels ----
SELECT al.create_learner('lr', 'agr_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 10, "seed": 1}') > 0 AS created;
-- items 1..12 labeled with their true class by ann1 (item 1 is b, item 2 c)
SELECT count(al.label('lr', id, truth, 'ann1')) AS labeled FROM agr_pool WHERE id <= 12;
-- item 1: ann2 c, ann3 c, then ann1 a (changed last): majority c, latest a
-- item 2: ann1 c, then ann2 b: a tie, so majority = latest = b; then an
-- adjudication a (the latest row, but not a vote)
SELECT al.label('lr', 1, 'c', 'ann2'), al.label('lr', 2, 'b', 'ann2');
SELECT al.label('lr', 1, 'c', 'ann3');
SELECT al.label('lr', 1, 'a', 'ann1');
SELECT al.adjudicate('lr', 2, 'a');
SELECT item_id, annotator = current_user AS me, label, adjudicated FROM al.labels b JOIN al.learners l ON l.id = b.learner_id
WHERE l.name = 'lr' AND item_id IN ('1', '2') ORDER BY serial;
CREATE TABLE lr_majority AS
SELECT x, CASE id WHEN 1 THEN 'c' WHEN 2 THEN 'b' ELSE truth END AS y FROM agr_pool WHERE id <= 12;
CREATE TABLE lr_latest AS
SELECT x, CASE id WHEN 1 THEN 'a' WHEN 2 THEN 'b' ELSE truth END AS y FROM agr_pool WHERE id <= 12;
CREATE TABLE lr_adjudicated AS
SELECT x, CASE id WHEN 1 THEN 'c' WHEN 2 THEN 'a' ELSE truth END AS y FROM agr_pool WHERE id <= 12;
SELECT al.train_model('lr_majority', 'lr_majority', 'x', 'y', o) > 0 AS m1,
       al.train_model('lr_latest', 'lr_latest', 'x', 'y', o) > 0 AS m2,
       al.train_model('lr_adjudicated', 'lr_adjudicated', 'x', 'y', o) > 0 AS m3
FROM (SELECT jsonb_build_object('c', options->'c', 'max_iter', options->'max_iter', 'seed', options->'seed',
                                'standardize', options->'standardize') AS o
      FROM al.learners WHERE name = 'lr') s;
CREATE FUNCTION pg_temp.coef_gap(a text, b text) RETURNS float8 LANGUAGE sql AS $$
	SELECT max(greatest(abs(x.intercept - y.intercept),
	                    (SELECT max(abs(u - v)) FROM unnest(x.coef, y.coef) z(u, v))))
	FROM al.model_coefficients(a) x JOIN al.model_coefficients(b) y USING (member, class)
$$;
CREATE FUNCTION pg_temp.closest() RETURNS TABLE (majority boolean, latest boolean, adjudicated boolean)
LANGUAGE sql AS $$
	SELECT pg_temp.coef_gap('learner/lr', 'lr_majority') < 1e-6, pg_temp.coef_gap('learner/lr', 'lr_latest') < 1e-6,
	       pg_temp.coef_gap('learner/lr', 'lr_adjudicated') < 1e-6
$$;
-- the three label sets give three different models
SELECT pg_temp.coef_gap('lr_majority', 'lr_latest') > 1e-3 AS m_l_differ,
       pg_temp.coef_gap('lr_majority', 'lr_adjudicated') > 1e-3 AS m_a_differ,
       pg_temp.coef_gap('lr_latest', 'lr_adjudicated') > 1e-3 AS l_a_differ;
SELECT al.run_learner('lr') AS round;
SELECT * FROM pg_temp.closest();
-- a new rule asks for a retrain
SELECT al.alter_learner('lr', NULL, '{"label_rule": "latest"}');
SELECT al.run_learner('lr') AS round;
SELECT * FROM pg_temp.closest();
SELECT al.alter_learner('lr', NULL, '{"label_rule": "adjudicated"}');
SELECT al.run_learner('lr') AS round;
SELECT * FROM pg_temp.closest();
-- every label row was read by a training (the adjudication too)
SELECT count(*) FILTER (WHERE trained_in IS NULL) AS waiting FROM al.labels b JOIN al.learners l ON l.id = b.learner_id
WHERE l.name = 'lr';
-- a new adjudication waits for a retrain, like a label
SELECT al.adjudicate('lr', 2, 'b');
SELECT labels_waiting FROM al.learner_status WHERE learner = 'lr';
-- withdrawn, it is kept as an adjudication
SELECT al.unlabel('lr', 2) AS withdrawn;
SELECT label, adjudicated FROM al.withdrawn_labels w JOIN al.learners l ON l.id = w.learner_id WHERE l.name = 'lr';
SELECT al.adjudicate('lr', 2, 'b');
-- an adjudicator's plain label of the item replaces its adjudication (one
-- row per annotator and item)
SELECT al.label('lr', 2, 'c', current_user);
SELECT annotator = current_user AS me, label, adjudicated FROM al.labels b JOIN al.learners l ON l.id = b.learner_id
WHERE l.name = 'lr' AND item_id = '2' ORDER BY annotator;
SELECT al.drop_learner('lr');
DROP TABLE lr_majority, lr_latest, lr_adjudicated;
SELECT al.drop_model('lr_majority'), al.drop_model('lr_latest'), al.drop_model('lr_adjudicated');

-- ---- the agreement views on a hand-built set ----
-- annotators x, y, z (in that order, so z's labels are the latest):
--   item 1: a a a   item 2: a b a   item 3: b b c   item 4: c c -
--   item 5: a - b   item 6: - c c   item 7: b - -
SELECT al.create_learner('agv', 'agr_pool', 'id', 'x', ARRAY['a', 'b', 'c']) > 0 AS created;
SELECT al.label_many('agv', '[{"item": 1, "label": "a", "annotator": "x"}, {"item": 2, "label": "a", "annotator": "x"},
                              {"item": 3, "label": "b", "annotator": "x"}, {"item": 4, "label": "c", "annotator": "x"},
                              {"item": 5, "label": "a", "annotator": "x"}, {"item": 7, "label": "b", "annotator": "x"}]');
SELECT al.label_many('agv', '[{"item": 1, "label": "a", "annotator": "y"}, {"item": 2, "label": "b", "annotator": "y"},
                              {"item": 3, "label": "b", "annotator": "y"}, {"item": 4, "label": "c", "annotator": "y"},
                              {"item": 6, "label": "c", "annotator": "y"}]');
SELECT al.label_many('agv', '[{"item": 1, "label": "a", "annotator": "z"}, {"item": 2, "label": "a", "annotator": "z"},
                              {"item": 3, "label": "c", "annotator": "z"}, {"item": 5, "label": "b", "annotator": "z"},
                              {"item": 6, "label": "c", "annotator": "z"}]');
-- an adjudication is not a vote: it changes none of the figures below
SELECT al.adjudicate('agv', 3, 'c');
-- by hand: 1: 3 labels, a x3, 1; 2: a 2/3; 3: b 2/3; 4: c 1; 5: a-b tie,
-- the latest (z's b) 1/2; 6: c 1; 7: b 1
SELECT item_id, labels, distinct_labels, majority_label, majority_count, round(agreement::numeric, 4) AS agreement,
       adjudicated_label
FROM al.item_agreement WHERE learner = 'agv' ORDER BY item_id;
-- by hand (majority of the others, ties left out):
--   x: 1 agree, 2 tie, 3 tie, 4 agree, 5 disagree: 2 of 3
--   y: 1 agree, 2 disagree, 3 tie, 4 agree, 6 agree: 3 of 4
--   z: 1 agree, 2 tie, 3 disagree, 5 disagree, 6 agree: 2 of 4
SELECT annotator, shared_items, items_compared, agreeing, agreement FROM al.annotator_agreement
WHERE learner = 'agv' ORDER BY annotator;
-- by hand: x-y po 3/4, pe 5/16, kappa 7/11; x-z po 1/2, pe 7/16, kappa 1/9;
-- y-z po 1/2, pe 4/16, kappa 1/3
SELECT annotator_a, annotator_b, shared_items, agreeing, observed_agreement, round(kappa::numeric, 12) AS kappa,
       abs(kappa - CASE annotator_a || annotator_b WHEN 'xy' THEN 7 / 11.0 WHEN 'xz' THEN 1 / 9.0 ELSE 1 / 3.0 END) < 1e-12
       AS equals_hand
FROM al.annotator_pairs WHERE learner = 'agv' ORDER BY 1, 2;
-- Cohen's kappa from the k x k table in plain SQL, for every pair
WITH v AS (SELECT b.item_id, b.annotator, b.label FROM al.labels b JOIN al.learners l ON l.id = b.learner_id
           WHERE l.name = 'agv' AND NOT b.adjudicated),
pairs AS (SELECT p.annotator AS a, q.annotator AS b, p.label AS la, q.label AS lb
          FROM v p JOIN v q ON q.item_id = p.item_id AND p.annotator < q.annotator),
n AS (SELECT a, b, count(*)::float8 AS n, count(*) FILTER (WHERE la = lb)::float8 AS agree FROM pairs GROUP BY 1, 2),
pe AS (SELECT c.a, c.b, sum(ra.cnt * rb.cnt) AS s
       FROM (SELECT DISTINCT a, b FROM pairs) c CROSS JOIN unnest(ARRAY['a', 'b', 'c']) k(cls)
       CROSS JOIN LATERAL (SELECT count(*)::float8 AS cnt FROM pairs p WHERE p.a = c.a AND p.b = c.b AND p.la = k.cls) ra
       CROSS JOIN LATERAL (SELECT count(*)::float8 AS cnt FROM pairs p WHERE p.a = c.a AND p.b = c.b AND p.lb = k.cls) rb
       GROUP BY 1, 2)
SELECT n.a, n.b, abs((n.agree / n.n - pe.s / (n.n * n.n)) / (1 - pe.s / (n.n * n.n)) - v.kappa) < 1e-12 AS same_as_view
FROM n JOIN pe USING (a, b) JOIN al.annotator_pairs v ON v.learner = 'agv' AND v.annotator_a = n.a AND v.annotator_b = n.b
ORDER BY 1, 2;
-- Fleiss' kappa, by hand: items 1-6 (2 or 3 ratings), P = 11/18,
-- p = (6, 4, 5)/15, Pe = 77/225, kappa = 121/296
SELECT items, ratings, min_ratings, max_ratings, round(fleiss_kappa::numeric, 12) AS fleiss_kappa,
       abs(fleiss_kappa - 121 / 296.0) < 1e-12 AS equals_hand
FROM al.learner_agreement WHERE learner = 'agv';
-- and by its formula in plain SQL (for varying raters)
CREATE FUNCTION pg_temp.fleiss_sql(learner text) RETURNS float8 LANGUAGE sql AS $$
	WITH c AS (SELECT b.item_id, b.label, count(*)::float8 AS n FROM al.labels b JOIN al.learners l ON l.id = b.learner_id
	           WHERE l.name = learner AND NOT b.adjudicated GROUP BY 1, 2),
	i AS (SELECT item_id, sum(n) AS n_i, sum(n * (n - 1)) AS pairs FROM c GROUP BY 1 HAVING sum(n) >= 2),
	p AS (SELECT avg(pairs / (n_i * (n_i - 1))) AS p_bar, sum(n_i) AS total FROM i),
	e AS (SELECT sum((s / p.total) ^ 2) AS pe FROM p,
	      (SELECT c.label, sum(c.n) AS s FROM c JOIN i USING (item_id) GROUP BY 1) k)
	SELECT (p_bar - pe) / (1 - pe) FROM p, e
$$;
SELECT abs(pg_temp.fleiss_sql('agv') - fleiss_kappa) < 1e-12 AS view_equals_sql FROM al.learner_agreement WHERE learner = 'agv';

-- Fleiss' kappa on Wikipedia's worked example: 10 subjects, 14 raters, 5
-- categories; P = 0.378, Pe = 0.213, kappa = 0.210 (exactly 4211/20059)
CREATE TABLE wiki_counts (subject int, counts int[]);
INSERT INTO wiki_counts VALUES
	(1, '{0,0,0,0,14}'), (2, '{0,2,6,4,2}'), (3, '{0,0,3,5,6}'), (4, '{0,3,9,2,0}'), (5, '{2,2,8,1,1}'),
	(6, '{7,7,0,0,0}'), (7, '{3,2,6,3,0}'), (8, '{2,5,3,2,2}'), (9, '{6,5,2,1,0}'), (10, '{0,2,2,3,7}');
SELECT round(al.fleiss_kappa(array_agg(counts ORDER BY subject))::numeric, 4) AS kappa,
       abs(al.fleiss_kappa(array_agg(counts ORDER BY subject)) - 4211 / 20059.0) < 1e-14 AS exact
FROM wiki_counts;
-- the same ratings as labels of a learner, raters r1..r14 filling each
-- subject's categories in order
SELECT al.create_learner('wiki', 'agr_pool', 'id', 'x', ARRAY['1', '2', '3', '4', '5']) > 0 AS created;
SELECT count(al.label('wiki', w.subject, c.cat::text, 'r' || r.rater)) AS ratings
FROM wiki_counts w
CROSS JOIN LATERAL unnest(w.counts) WITH ORDINALITY c(n, cat)
CROSS JOIN LATERAL (SELECT sum(n)::int AS before FROM unnest(w.counts[1:c.cat - 1]) n) b
CROSS JOIN LATERAL generate_series(coalesce(b.before, 0) + 1, coalesce(b.before, 0) + c.n) r(rater);
SELECT items, ratings, min_ratings, max_ratings, round(fleiss_kappa::numeric, 4) AS fleiss_kappa,
       abs(fleiss_kappa - 4211 / 20059.0) < 1e-14 AS exact, abs(pg_temp.fleiss_sql('wiki') - 4211 / 20059.0) < 1e-14 AS sql_exact
FROM al.learner_agreement WHERE learner = 'wiki';
SELECT al.drop_learner('wiki');
DROP TABLE wiki_counts;

-- ---- the kappa functions: edge cases and errors ----
SELECT al.cohen_kappa('{a,b,a,b}', '{a,b,a,b}') AS identical, al.cohen_kappa('{a,b}', '{b,a}') AS opposite,
       al.cohen_kappa('{}', '{}') AS none, al.cohen_kappa('{a,a}', '{a,a}') AS one_class;
SELECT pg_temp.try($$SELECT al.cohen_kappa('{a,b}', '{a}')::text$$) AS lengths;
SELECT pg_temp.try($$SELECT al.cohen_kappa('{a,NULL}', '{a,b}')::text$$) AS null_element;
SELECT pg_temp.try($$SELECT al.cohen_kappa('{{a,b}}', '{{a,b}}')::text$$) AS two_dims;
SELECT al.cohen_kappa(NULL, '{a}') AS null_array;
SELECT al.fleiss_kappa('{{1,0},{0,1}}') AS no_item_with_two, al.fleiss_kappa('{}') AS empty,
       al.fleiss_kappa('{{2,0},{0,2}}') AS full_agreement;
SELECT pg_temp.try($$SELECT al.fleiss_kappa('{1,2}')::text$$) AS one_dim;
SELECT pg_temp.try($$SELECT al.fleiss_kappa('{{{1}}}')::text$$) AS three_dims;
SELECT pg_temp.try($$SELECT al.fleiss_kappa('{{1,NULL}}')::text$$) AS null_count;
SELECT pg_temp.try($$SELECT al.fleiss_kappa('{{2,-1}}')::text$$) AS negative;

-- ---- roles: adjudicators, routing, who sees what ----
CREATE ROLE regress_agr_owner;
CREATE ROLE regress_agr_ann1;
CREATE ROLE regress_agr_ann2;
CREATE ROLE regress_agr_adj1 IN ROLE regress_agr_seniors;
CREATE ROLE regress_agr_adj2 IN ROLE regress_agr_seniors;
CREATE ROLE regress_agr_proxy;
CREATE ROLE regress_agr_viewer;
CREATE ROLE regress_agr_stranger;
SET ROLE regress_agr_owner;
SELECT al.create_learner('rt', 'agr_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"overlap": 2, "batch_size": 2, "seed": 3, "adjudicator": "regress_agr_seniors"}') > 0 AS created;
SELECT al.grant_learner('rt', r, 'annotate')
FROM unnest(ARRAY['regress_agr_ann1', 'regress_agr_ann2', 'regress_agr_adj1', 'regress_agr_adj2']::regrole[]) r;
SELECT al.grant_learner('rt', 'regress_agr_proxy', 'proxy'), al.grant_learner('rt', 'regress_agr_viewer', 'view');
RESET ROLE;
SET ROLE regress_agr_ann1;
CREATE TEMP TABLE rt1 AS SELECT item_id AS item FROM al.next_batch('rt');
GRANT SELECT ON rt1 TO PUBLIC;
SELECT count(al.label('rt', item, 'a')) AS labeled FROM rt1;
RESET ROLE;
SET ROLE regress_agr_ann2;
CREATE TEMP TABLE rt2 AS SELECT item_id AS item FROM al.next_batch('rt');
SELECT (SELECT array_agg(item ORDER BY item) FROM rt1) = (SELECT array_agg(item ORDER BY item) FROM rt2) AS same_items;
-- ann2 disagrees on the first item, agrees on the second
SELECT min(item) AS p, max(item) AS q FROM rt2 \gset
SELECT al.label('rt', :'p', 'b'), al.label('rt', :'q', 'a');
-- not an adjudicator: no disagreement in its batch, and no adjudication
CREATE TEMP TABLE rt3 AS SELECT item_id AS item FROM al.next_batch('rt', 5);
SELECT count(*) AS n, count(*) FILTER (WHERE item IN (:'p', :'q')) AS p_or_q FROM rt3;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', '$$ || :'p' || $$', 'a')$$) AS annotator_adjudicates;
SELECT pg_temp.try($$SELECT al.release('rt', ARRAY(SELECT item FROM rt3))::text$$) AS released;
RESET ROLE;
-- nor to an annotator who did not label them: they have their two labels
SET ROLE regress_agr_proxy;
BEGIN;
SELECT count(*) AS n, count(*) FILTER (WHERE item_id IN (:'p', :'q')) AS p_or_q FROM al.next_batch('rt', 30, 'someone');
ROLLBACK;
RESET ROLE;
-- an adjudicator gets the disagreement first (unscored), then the queue
SET ROLE regress_agr_adj1;
SELECT o, item_id = :'p' AS is_p FROM al.next_batch('rt', 3) WITH ORDINALITY b(item_id, score, predicted, probs, o) ORDER BY o;
RESET ROLE;
-- a second adjudicator does not get the one the first holds
SET ROLE regress_agr_adj2;
SELECT count(*) FILTER (WHERE item_id = :'p') AS p_again FROM al.next_batch('rt', 2);
RESET ROLE;
-- the proxy may adjudicate in an adjudicator's name only
SET ROLE regress_agr_proxy;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', '$$ || :'p' || $$', 'a', 'regress_agr_ann1')$$) AS proxy_for_annotator;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', '$$ || :'p' || $$', 'a', 'not a role')$$) AS proxy_for_nobody;
RESET ROLE;
SET ROLE regress_agr_viewer;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', '$$ || :'p' || $$', 'a')$$) AS viewer_adjudicates;
RESET ROLE;
SET ROLE regress_agr_stranger;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', '$$ || :'p' || $$', 'a')$$) AS stranger_adjudicates;
-- a stranger sees nothing of the learner in the views
SELECT (SELECT count(*) FROM al.item_agreement) AS items, (SELECT count(*) FROM al.annotator_agreement) AS annotators,
       (SELECT count(*) FROM al.annotator_pairs) AS pairs, (SELECT count(*) FROM al.learner_agreement) AS learners;
RESET ROLE;
SET ROLE regress_agr_adj1;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', '$$ || :'p' || $$', 'z')$$) AS adjudicator_label_not_a_class;
SELECT al.adjudicate('rt', :'p', 'b');
-- its lease ended; nobody gets the item again
SELECT count(*) AS still_held FROM al.my_batch('rt') WHERE item_id = :'p';
RESET ROLE;
SET ROLE regress_agr_adj2;
SELECT count(*) FILTER (WHERE item_id = :'p') AS p_after FROM al.next_batch('rt', 2);
RESET ROLE;
-- the viewer reads the agreement views (row-level security: learners it may view)
SET ROLE regress_agr_viewer;
SELECT item_id = :'p' AS is_p, labels, distinct_labels, majority_count, agreement, adjudicated_label
FROM al.item_agreement WHERE learner = 'rt' ORDER BY item_id = :'p' DESC;
-- by hand: p is (a, b), q is (a, a): each annotator agrees with the other
-- on 1 of 2; Cohen's kappa: po 1/2, pe 1/2, 0; Fleiss: P = 1/2, p = (3/4,
-- 1/4), Pe = 5/8, kappa = -1/3
SELECT annotator, shared_items, items_compared, agreeing FROM al.annotator_agreement WHERE learner = 'rt' ORDER BY 1;
SELECT annotator_a, annotator_b, shared_items, agreeing, kappa FROM al.annotator_pairs WHERE learner = 'rt';
SELECT learner, items, ratings, fleiss_kappa FROM al.learner_agreement ORDER BY learner;
RESET ROLE;
-- without an adjudicator role only the owner adjudicates
SET ROLE regress_agr_owner;
SELECT al.alter_learner('rt', NULL, '{"adjudicator": null}');
RESET ROLE;
SET ROLE regress_agr_adj1;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', '$$ || :'q' || $$', 'a')$$) AS no_adjudicator_role;
RESET ROLE;
SET ROLE regress_agr_owner;
SELECT al.adjudicate('rt', :'q', 'a');
-- a dropped adjudicator role leaves the learner working, without adjudicators
SELECT al.alter_learner('rt', NULL, '{"adjudicator": "regress_agr_seniors"}');
RESET ROLE;
DROP ROLE regress_agr_seniors;
SET ROLE regress_agr_adj1;
SELECT count(*) >= 0 AS batch_ok FROM al.next_batch('rt', 1);
SELECT pg_temp.try($$SELECT al.adjudicate('rt', '$$ || :'p' || $$', 'a')$$) AS role_dropped;
RESET ROLE;

-- an adjudication takes an item out of the queue before its k labels, and
-- ends every lease on it
SET ROLE regress_agr_owner;
-- (the adjudicator role dropped above must be replaced first)
\set VERBOSITY default
SELECT al.alter_learner('rt', NULL, '{"overlap": 3}');
SELECT al.alter_learner('rt', NULL, '{"overlap": 3, "adjudicator": null}');
SELECT item_id AS s FROM al.next_batch('rt', 1, 'u1') \gset
SELECT count(*) < 3 AS fewer_than_3_labels FROM al.labels b JOIN al.learners l ON l.id = b.learner_id
WHERE l.name = 'rt' AND b.item_id = :'s';
SELECT count(*) >= 1 AS s_leased FROM al.leases x JOIN al.learners l ON l.id = x.learner_id
WHERE l.name = 'rt' AND x.item_id = :'s';
SELECT al.adjudicate('rt', :'s', 'c');
SELECT count(*) AS leases_on_s FROM al.leases x JOIN al.learners l ON l.id = x.learner_id
WHERE l.name = 'rt' AND x.item_id = :'s';
SELECT count(*) > 0 AS others_left, count(*) FILTER (WHERE item_id = :'s') AS s_again FROM al.next_batch('rt', 30, 'u3');
RESET ROLE;

-- ---- errors of al.adjudicate ----
SELECT pg_temp.try($$SELECT al.adjudicate('nope', 1, 'a')$$) AS unknown_learner;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', 999, 'a')$$) AS not_in_pool;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', 'x1', 'a')$$) AS malformed_item;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', 1, 'z')$$) AS not_a_class;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', 1, 'a', '')$$) AS empty_annotator;
SELECT pg_temp.try($$SELECT al.adjudicate(NULL, 1, 'a')$$) AS null_learner;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', NULL::bigint, 'a')$$) AS null_item;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', 1, NULL)$$) AS null_label;
BEGIN READ ONLY;
SELECT pg_temp.try($$SELECT al.adjudicate('rt', 1, 'a')$$) AS read_only;
ROLLBACK;

SELECT al.drop_learner('rt'), al.drop_learner('agv');
DROP TABLE handed, agr_pool, rt1, rt2, rt3;
DROP ROLE regress_agr_owner, regress_agr_ann1, regress_agr_ann2, regress_agr_adj1, regress_agr_adj2,
          regress_agr_proxy, regress_agr_viewer, regress_agr_stranger;
