-- The evaluation set (doc/loop.md "The evaluation set"): a seeded sample of
-- the pool kept out of training and handed out at a rate, or a labeled
-- table; every version's accuracy (Wilson interval), macro-F1 (bootstrap
-- interval) and log-loss (normal interval) on its labeled part, each
-- recomputed here in plain SQL from the model's probabilities.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- 200 items of 3 overlapping classes: the true class of item i is i % 3
SELECT setseed(0.41);
CREATE TABLE ev_pool AS
SELECT i::bigint AS id, ARRAY[(i % 3) + 1.6 * random(), (i % 3 = 1)::int + 1.6 * random()]::real[] AS x,
       (ARRAY['a', 'b', 'c'])[i % 3 + 1] AS truth
FROM generate_series(1, 200) i;

-- ---- options checked at the door ----
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_size": 10, "eval_fraction": 0.1}')$$) AS size_and_fraction;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_size": 10, "eval_table": "ev_pool"}')$$) AS size_and_table;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_size": 200}')$$) AS size_of_the_pool;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_size": 0}')$$) AS size_zero;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_size": 2.5}')$$) AS size_fractional;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_fraction": 1}')$$) AS fraction_one;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_fraction": 0}')$$) AS fraction_zero;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_fraction": 0.999}')$$) AS fraction_leaves_nothing;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_rate": 0.5}')$$) AS rate_without_sample;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_size": 10, "eval_rate": 1.5}')$$) AS rate_above_1;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_label_column": "truth"}')$$) AS label_column_without_table;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_table": 42}')$$) AS table_not_a_name;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_table": "ev_missing"}')$$) AS table_missing;
CREATE TABLE ev_nofeat (id bigint, y real[], label text);
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_table": "ev_nofeat"}')$$) AS table_without_features;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_table": "ev_pool"}')$$) AS table_without_label;
CREATE TABLE ev_intlabel (id bigint, x real[], label integer);
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_table": "ev_intlabel"}')$$) AS integer_label;
CREATE TEMP TABLE ev_temp (id bigint, x real[], label text);
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_table": "ev_temp"}')$$) AS temporary_table;
-- the creator must be able to read it
CREATE ROLE ev_user;
CREATE TABLE ev_secret (id bigint, x real[], label text);
GRANT SELECT ON ev_pool TO ev_user;
SET ROLE ev_user;
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_table": "ev_secret"}')$$) AS unreadable_table;
RESET ROLE;
SELECT count(*) AS no_learner_created FROM al.learners WHERE name = 'ev_bad';

-- ---- a sample of the pool: chosen once, seeded, in hand-out order ----
SELECT al.create_learner('ev', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy',
                         '{"eval_size": 20, "eval_rate": 0.25, "seed": 4, "batch_size": 8, "retrain_every": 1000}') > 0 AS created;
SELECT options->'eval_size' AS eval_size, options->'eval_rate' AS eval_rate FROM al.learners WHERE name = 'ev';
SELECT eval_items = (SELECT array_agg(id::text ORDER BY hashtextextended(id::text, 4), id::text)
                     FROM (SELECT id FROM ev_pool ORDER BY hashtextextended(id::text, 4), id::text LIMIT 20) s) AS seeded_sample
FROM al.learner_store WHERE name = 'ev';
CREATE TABLE ev_items AS
SELECT u.item, u.o FROM al.learner_store l, unnest(l.eval_items) WITH ORDINALITY u(item, o) WHERE l.name = 'ev';

-- cold start, rate 0.25: a batch of 8 takes ceil(0.25 * 8) = 2 sample items
-- first (unscored), then 6 of the seeded random order outside the sample
CREATE TABLE ev_batch1 AS SELECT row_number() OVER () AS pos, b.* FROM al.next_batch('ev') b;
SELECT array_agg(item_id ORDER BY pos) FILTER (WHERE pos <= 2) = (SELECT array_agg(item ORDER BY o) FROM ev_items WHERE o <= 2) AS sample_first,
       count(*) FILTER (WHERE item_id IN (SELECT item FROM ev_items)) AS from_sample,
       array_agg(item_id ORDER BY item_id) FILTER (WHERE pos > 2) = (
           SELECT array_agg(id::text ORDER BY id::text) FROM (
               SELECT id FROM ev_pool WHERE id::text NOT IN (SELECT item FROM ev_items)
               ORDER BY hashtextextended(id::text, 4), id LIMIT 6) s) AS then_cold_start,
       bool_and(score IS NULL) AS unscored
FROM ev_batch1;
SELECT count(*) AS labeled FROM (
	SELECT al.label('ev', b.item_id, p.truth) FROM ev_batch1 b JOIN ev_pool p ON p.id = b.item_id::bigint) s;
-- 8 handed out, 2 from the sample: the next 8 take ceil(0.25 * 16) - 2 = 2
SELECT count(*) FILTER (WHERE item_id IN (SELECT item FROM ev_items)) AS from_sample, count(*) AS batch
FROM al.next_batch('ev', 8, 'ann2');
SELECT al.release('ev', (SELECT array_agg(item_id) FROM al.leases WHERE annotator = 'ann2'
                         AND learner_id = (SELECT id FROM al.learners WHERE name = 'ev')), 'ann2') AS released;

-- labels on 6 more sample items and 40 other items (every label the truth)
SELECT count(*) AS labeled FROM (
	SELECT al.label('ev', p.id, p.truth) FROM ev_pool p JOIN ev_items e ON e.item = p.id::text WHERE e.o BETWEEN 3 AND 8) s;
SELECT count(*) AS labeled FROM (
	SELECT al.label('ev', p.id, p.truth) FROM ev_pool p
	WHERE p.id::text NOT IN (SELECT item FROM ev_items) AND p.id::text NOT IN (SELECT item_id FROM ev_batch1)
	ORDER BY p.id LIMIT 40) s;
SELECT al.retrain('ev');
SELECT al.run_learner('ev') AS round;
-- the curve: 46 training labels, 8 evaluation labels
SELECT model_version, labels_used, eval_labeled, selected_holdout_accuracy IS NULL AS no_holdout
FROM al.learning_curve WHERE learner = 'ev';

-- the evaluation set never trains: the model is al.train_model's on the
-- labeled rows outside it (in the pool's order, as the round reads them)
CREATE TABLE ev_train AS
SELECT p.x, l.label FROM al.labels l JOIN ev_pool p ON p.id = l.item_id::bigint
WHERE l.learner_id = (SELECT id FROM al.learners WHERE name = 'ev') AND l.item_id NOT IN (SELECT item FROM ev_items)
ORDER BY p.id;
SELECT count(*) AS training_rows FROM ev_train;
SELECT al.train_model('ev_ref', 'ev_train', 'x', 'label') > 0 AS trained;
SELECT count(*) AS coefficients,
       max(greatest(abs(l.intercept - t.intercept), abs(l.coef[1] - t.coef[1]), abs(l.coef[2] - t.coef[2]))) < 1e-9 AS learner_equals_train_model
FROM al.model_coefficients('learner/ev') l JOIN al.model_coefficients('ev_ref') t USING (member, class);
-- (and the sample's labels would change it: a learner without an evaluation
-- set, given the same labels, trains another model)
SELECT al.create_learner('ev_noeval', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"seed": 4}') > 0 AS created;
SELECT count(*) AS labeled FROM (
	SELECT al.label('ev_noeval', l.item_id, l.label) FROM al.labels l
	WHERE l.learner_id = (SELECT id FROM al.learners WHERE name = 'ev')) s;
SELECT al.run_learner('ev_noeval') AS round;
SELECT max(greatest(abs(l.intercept - t.intercept), abs(l.coef[1] - t.coef[1]))) > 1e-6 AS eval_labels_would_change_the_model
FROM al.model_coefficients('learner/ev_noeval') l JOIN al.model_coefficients('ev_ref') t USING (member, class);

-- every metric recomputed from the version's probabilities and the labels
-- (al.predict_proba_real's probvec holds single precision: log-losses agree to 1e-6)
CREATE FUNCTION pg_temp.eval_rows(learner text, version integer)
RETURNS TABLE (truth text, pred text, p_true double precision) LANGUAGE sql AS $$
	SELECT e.label, c.classes[al.argmax(e.probs)], (e.probs::float8[])[array_position(c.classes, e.label)]
	FROM (SELECT l.label, al.predict_proba_real(v.model_id, p.x) AS probs
	      FROM al.labels l JOIN ev_pool p ON p.id = l.item_id::bigint
	      JOIN al.learner_store s ON s.id = l.learner_id
	      JOIN al.learning_curve v ON v.learner = s.name AND v.model_version = version
	      WHERE s.name = learner AND l.item_id = ANY (s.eval_items)) e,
	     (SELECT classes FROM al.learners WHERE name = learner) c
$$;
CREATE FUNCTION pg_temp.metrics(rows_sql text)
RETURNS TABLE (n bigint, accuracy double precision, acc_low double precision, acc_high double precision,
               macro_f1 double precision, log_loss double precision, ll_low double precision, ll_high double precision)
LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format($q$
	WITH r AS (%s),
	a AS (SELECT count(*) AS n, avg((truth = pred)::int::float8) AS p, 1.959963984540054 AS z,
	             avg(-ln(greatest(p_true, 1e-15))) AS ll, stddev_samp(-ln(greatest(p_true, 1e-15))) AS s FROM r),
	f AS (SELECT c, count(*) FILTER (WHERE truth = c AND pred = c) AS tp,
	             count(*) FILTER (WHERE pred = c AND truth <> c) AS fp,
	             count(*) FILTER (WHERE truth = c AND pred <> c) AS fn
	      FROM r, (SELECT truth AS c FROM r UNION SELECT pred FROM r) cs GROUP BY c)
	SELECT a.n, a.p,
	       (a.p + a.z ^ 2 / (2 * a.n) - a.z * sqrt(a.p * (1 - a.p) / a.n + a.z ^ 2 / (4 * a.n ^ 2))) / (1 + a.z ^ 2 / a.n),
	       (a.p + a.z ^ 2 / (2 * a.n) + a.z * sqrt(a.p * (1 - a.p) / a.n + a.z ^ 2 / (4 * a.n ^ 2))) / (1 + a.z ^ 2 / a.n),
	       (SELECT avg(2.0 * tp / (2 * tp + fp + fn))::float8 FROM f),
	       a.ll, a.ll - a.z * a.s / sqrt(a.n), a.ll + a.z * a.s / sqrt(a.n)
	FROM a$q$, rows_sql);
END $$;
CREATE FUNCTION pg_temp.check_curve(learner text, version integer, rows_sql text)
RETURNS TABLE (n bigint, accuracy numeric, accuracy_ok boolean, wilson_ok boolean, macro_f1_ok boolean,
               bootstrap_around boolean, log_loss_ok boolean, log_loss_interval_ok boolean)
LANGUAGE sql AS $$
	SELECT m.n, round(m.accuracy::numeric, 3), abs(c.eval_accuracy - m.accuracy) < 1e-12,
	       abs(c.eval_accuracy_low - m.acc_low) < 1e-12 AND abs(c.eval_accuracy_high - m.acc_high) < 1e-12,
	       abs(c.eval_macro_f1 - m.macro_f1) < 1e-12,
	       c.eval_macro_f1_low <= c.eval_macro_f1 AND c.eval_macro_f1 <= c.eval_macro_f1_high
	       AND c.eval_macro_f1_low >= 0 AND c.eval_macro_f1_high <= 1 AND c.eval_macro_f1_low < c.eval_macro_f1_high,
	       abs(c.eval_log_loss - m.log_loss) < 1e-6,
	       abs(c.eval_log_loss_low - m.ll_low) < 1e-6 AND abs(c.eval_log_loss_high - m.ll_high) < 1e-6
	FROM pg_temp.metrics(rows_sql) m, al.learning_curve c
	WHERE c.learner = check_curve.learner AND c.model_version = version AND c.eval_labeled = m.n
$$;
SELECT * FROM pg_temp.check_curve('ev', 1, $$SELECT * FROM pg_temp.eval_rows('ev', 1)$$);
-- the predictions are not all right (the intervals are not degenerate)
SELECT count(*) FILTER (WHERE truth <> pred) > 0 AS some_wrong FROM pg_temp.eval_rows('ev', 1);
-- al.learner_status: the latest version's figures under their names
SELECT s.eval_accuracy = c.eval_accuracy AS status_eval_accuracy, s.selected_holdout_accuracy IS NULL AS no_holdout
FROM al.learner_status s JOIN al.learning_curve c ON c.learner = s.learner AND c.model_version = s.model_version
WHERE s.learner = 'ev';

-- with a model: the ranking never hands out a sample item (rate 0) ...
SELECT al.alter_learner('ev', options => '{"eval_rate": 0}');
SELECT count(*) AS batch, count(*) FILTER (WHERE item_id IN (SELECT item FROM ev_items)) AS from_sample,
       array_agg(item_id ORDER BY item_id) = (
           SELECT array_agg(item_id ORDER BY item_id) FROM (
               SELECT s.item_id FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
               WHERE l.name = 'ev' AND s.item_id NOT IN (SELECT item FROM ev_items)
               AND s.item_id NOT IN (SELECT item_id FROM al.labels WHERE learner_id = l.id)
               ORDER BY s.rank, s.score DESC, s.item_id LIMIT 30) t) AS best_outside_the_sample
FROM al.next_batch('ev', 30, 'ann3');
SELECT count(*) AS ranked_sample_items_skipped FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
WHERE l.name = 'ev' AND s.item_id IN (SELECT item FROM ev_items);
-- ... and rate 1 hands out the rest of the sample first
SELECT al.alter_learner('ev', options => '{"eval_rate": 1}');
SELECT count(*) AS batch, array_agg(item_id ORDER BY item_id) FILTER (WHERE item_id IN (SELECT item FROM ev_items))
       = (SELECT array_agg(item ORDER BY item) FROM ev_items WHERE o > 8) AS rest_of_the_sample
FROM al.next_batch('ev', 15, 'ann4');
SELECT count(*) AS labeled FROM (
	SELECT al.label('ev', p.id, p.truth, x.annotator) FROM al.leases x JOIN ev_pool p ON p.id = x.item_id::bigint
	WHERE x.learner_id = (SELECT id FROM al.learners WHERE name = 'ev') AND x.annotator = 'ann4') s;
SELECT al.retrain('ev');
SELECT al.run_learner('ev') AS round;
SELECT model_version, labels_used, eval_labeled FROM al.learning_curve WHERE learner = 'ev' ORDER BY 1;
SELECT * FROM pg_temp.check_curve('ev', 2, $$SELECT * FROM pg_temp.eval_rows('ev', 2)$$);

-- a new sample size chooses the sample again (the same seeded order) and asks for a retrain
SELECT al.alter_learner('ev', options => '{"eval_fraction": 0.101}');
SELECT cardinality(eval_items) AS items_ceil_20_2, eval_items[1:20] = (SELECT array_agg(item ORDER BY o) FROM ev_items) AS same_order,
       retrain_requested, options ? 'eval_size' AS size_kept
FROM al.learner_store WHERE name = 'ev';
SELECT pg_temp.try($$SELECT al.alter_learner('ev', options => '{"eval_size": 5, "eval_fraction": 0.1}')::text$$) AS alter_both;

-- two annotators in one statement: the second call sees the sample items
-- the first leased (a fresh snapshot under the batch lock), so nobody gets
-- an item twice and each batch takes its share: 3 of 6, then 3 more
SELECT al.create_learner('ev_two', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy',
                         '{"eval_size": 10, "eval_rate": 0.5}') > 0 AS created;
SELECT (SELECT eval_items FROM al.learners WHERE name = 'ev_two')
       = (SELECT eval_items FROM al.learner_store WHERE name = 'ev_two') AS learners_view_shows_eval_items;
CREATE TEMP TABLE ev_two_batches AS
SELECT 'ann_a'::text AS annotator, b.item_id FROM al.next_batch('ev_two', 6, 'ann_a') b
UNION ALL SELECT 'ann_b', b.item_id FROM al.next_batch('ev_two', 6, 'ann_b') b;
SELECT annotator, count(*) AS items,
       count(*) FILTER (WHERE item_id = ANY ((SELECT eval_items FROM al.learners WHERE name = 'ev_two')::text[])) AS from_sample
FROM ev_two_batches GROUP BY 1 ORDER BY 1;
SELECT count(*) AS items_handed_twice FROM (SELECT item_id FROM ev_two_batches GROUP BY 1 HAVING count(*) > 1) d;
SELECT al.drop_learner('ev_two');

-- ---- an existing labeled table as the evaluation set ----
SELECT setseed(0.17);
CREATE TABLE ev_test AS
SELECT i::bigint AS id, ARRAY[(i % 3) + 1.6 * random(), (i % 3 = 1)::int + 1.6 * random()]::real[] AS x,
       (ARRAY['a', 'b', 'c'])[i % 3 + 1]::varchar AS gold
FROM generate_series(1, 60) i;
-- rows that measure nothing: no label, a label that is not a class, no features
INSERT INTO ev_test VALUES (61, '{1,1}', NULL), (62, '{1,1}', 'purple'), (63, NULL, 'a');
SELECT pg_temp.try($$SELECT al.create_learner('ev_bad', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"eval_table": "ev_test"}')$$) AS default_label_column_missing;
SELECT al.create_learner('ev_tab', 'ev_pool', 'id', 'x', '{a,b,c}', 'entropy',
                         '{"eval_table": "ev_test", "eval_label_column": "gold", "retrain_every": 30}') > 0 AS created;
SELECT options->'eval_table' AS eval_table, options->'eval_label_column' AS label_column
FROM al.learners WHERE name = 'ev_tab';
SELECT count(*) AS labeled FROM (SELECT al.label('ev_tab', id, truth) FROM ev_pool WHERE id <= 30) s;
SELECT al.run_learner('ev_tab') AS round;
SELECT labels_used, eval_labeled FROM al.learning_curve WHERE learner = 'ev_tab';
SELECT * FROM pg_temp.check_curve('ev_tab', 1, $$
	SELECT t.gold::text AS truth, (ARRAY['a', 'b', 'c'])[al.argmax(q.probs)] AS pred,
	       (q.probs::float8[])[array_position(ARRAY['a', 'b', 'c'], t.gold::text)] AS p_true
	FROM ev_test t, LATERAL (SELECT al.predict_proba_real((SELECT model_id FROM al.learning_curve WHERE learner = 'ev_tab'), t.x) AS probs) q
	WHERE t.gold IN ('a', 'b', 'c') AND t.x IS NOT NULL$$);
-- the table is checked again at every version, under a lock, as the owner
ALTER TABLE ev_test RENAME COLUMN gold TO gold2;
SELECT al.retrain('ev_tab');
SELECT pg_temp.try($$SELECT al.run_learner('ev_tab')$$) AS label_column_renamed;
ALTER TABLE ev_test RENAME COLUMN gold2 TO gold;
DROP TABLE ev_test;
SELECT pg_temp.try($$SELECT al.run_learner('ev_tab')$$) AS table_dropped;
SELECT al.alter_learner('ev_tab', options => '{"eval_table": null}');
SELECT al.run_learner('ev_tab') AS round;
SELECT model_version, eval_labeled, eval_accuracy FROM al.learning_curve WHERE learner = 'ev_tab' ORDER BY 1;
SELECT options ? 'eval_table' AS has_eval_table FROM al.learners WHERE name = 'ev_tab';
-- al.alter_learner checks the table for the learner's owner, not the caller
SET ROLE ev_user;
SELECT al.create_learner('ev_user_l', 'ev_pool', 'id', 'x', '{a,b,c}') > 0 AS created;
RESET ROLE;
SELECT pg_temp.try($$SELECT al.alter_learner('ev_user_l', options => '{"eval_table": "ev_secret"}')::text$$) AS unreadable_by_owner;
GRANT SELECT ON ev_secret TO ev_user;
SELECT al.alter_learner('ev_user_l', options => '{"eval_table": "ev_secret"}');
SELECT options->'eval_table' AS eval_table FROM al.learners WHERE name = 'ev_user_l';
-- and again at every version: a revoked right stops the round
REVOKE SELECT ON ev_secret FROM ev_user;
SELECT count(*) AS labeled FROM (SELECT al.label('ev_user_l', id, truth) FROM ev_pool WHERE id <= 10) s;
SELECT pg_temp.try($$SELECT al.run_learner('ev_user_l')$$) AS revoked;
-- and for a new owner, as for a label column: one that may not read it
-- would stop every round
CREATE ROLE ev_heir;
GRANT SELECT ON ev_pool TO ev_heir;
SELECT pg_temp.try($$SELECT al.alter_learner_owner('ev_user_l', 'ev_heir')::text$$) AS heir_cannot_read;
SELECT pg_temp.try($$SELECT owner::text FROM al.learners WHERE name = 'ev_user_l'$$) AS owner_kept;

SELECT al.drop_learner(name) FROM al.learners WHERE name LIKE 'ev%';
DROP TABLE ev_pool, ev_nofeat, ev_intlabel, ev_secret, ev_items, ev_batch1, ev_train;
SELECT al.drop_model('ev_ref');
DROP ROLE ev_user, ev_heir;
