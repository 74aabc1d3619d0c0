-- The loop's SQL API: learners, labels, leased batches, rounds, views.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- a pool of 300 items in 3 clusters; the true class of item i is i % 3
SELECT setseed(0.7);
CREATE TABLE pool3 AS
SELECT i::bigint AS id, ARRAY[(i % 3) * 2 + random() - 0.5, -(i % 3) + random() - 0.5]::real[] AS x,
       (ARRAY['red', 'green', 'blue'])[i % 3 + 1] AS truth
FROM generate_series(1, 300) i;

SELECT al.create_learner('colors', 'pool3', 'id', 'x', ARRAY['red', 'green', 'blue'], 'entropy',
                         '{"retrain_every": 6, "batch_size": 4, "seed": 3}') > 0 AS created;
SELECT name, owner, pool, id_column, features_column, id_type, classes, strategy, options, model_version
FROM al.learners;

-- cold start: a seeded random sample, the same as ordering by the hash of the id
SELECT array_agg(item_id ORDER BY item_id) = (
	SELECT array_agg(id::text ORDER BY id::text) FROM (
		SELECT id FROM pool3 ORDER BY hashtextextended(id::text, 3), id LIMIT 4) s) AS seeded_sample,
       bool_and(score IS NULL AND predicted IS NULL AND probs IS NULL) AS unscored
FROM al.next_batch('colors');
SELECT count(*) AS leased, count(DISTINCT annotator) AS annotators FROM al.leases;
-- a second batch never repeats a leased item
SELECT count(*) AS second_batch, count(*) FILTER (WHERE item_id IN (SELECT item_id FROM al.leases WHERE annotator = 'ann2')) AS in_own_leases,
       count(*) FILTER (WHERE item_id IN (SELECT item_id FROM al.leases WHERE annotator <> 'ann2')) AS overlap
FROM al.next_batch('colors', 5, 'ann2');
-- release gives leases back
SELECT al.release('colors', (SELECT array_agg(item_id::bigint) FROM al.leases WHERE annotator = 'ann2'), 'ann2') AS released;
SELECT count(*) AS leases_left FROM al.leases;

-- labels: validated, idempotent per annotator, several annotators per item
SELECT al.label('colors', 1, 'green');
SELECT al.label('colors', 1, 'green');
SELECT al.label('colors', '1', 'green', 'ann2');
SELECT item_id, annotator, label, serial > 0 AS has_serial FROM al.labels ORDER BY annotator;
SELECT count(DISTINCT serial) AS serials_after_repeat FROM al.labels;
SELECT al.label('colors', 1, 'blue', 'ann2');
SELECT item_id, annotator, label FROM al.labels ORDER BY annotator;
-- label_many: a batch from an application, all or nothing
SELECT al.label_many('colors', $$[{"item": 2, "label": "blue"}, {"item": "3", "label": "red", "annotator": "ann3"}]$$) AS recorded;
SELECT pg_temp.try($$SELECT al.label_many('colors', '[{"item": 4, "label": "green"}, {"item": 5, "label": "purple"}]')::text$$) AS one_bad_label;
SELECT count(*) FILTER (WHERE item_id = '4') AS item_4_not_recorded FROM al.labels;
-- labeling an item removes its lease
SELECT count(*) AS leases_on_labeled FROM al.leases l JOIN al.labels b USING (learner_id, item_id);

-- a round with too few new labels does nothing
SELECT al.run_learner('colors') AS round;
-- label the first batches with the truth until enough labels arrive
SELECT count(*) AS labeled FROM (
	SELECT al.label('colors', b.item_id, p.truth)
	FROM al.next_batch('colors', 6) b JOIN pool3 p ON p.id = b.item_id::bigint) s;
SELECT labels_waiting >= retrain_every AS due FROM al.learner_status;
SELECT al.run_learner('colors') AS round;
SELECT model_version, labeled, pool_size, unlabeled, labels_waiting, phase FROM al.learner_status;

-- the published ranking: every unlabeled item once, one model version, and
-- each value recomputed independently from the model and the score function
SELECT count(*) AS scored, count(DISTINCT item_id) AS distinct_items, count(DISTINCT model_version) AS versions,
       (SELECT count(*) FROM pool3) - (SELECT count(DISTINCT item_id) FROM al.labels) AS unlabeled
FROM al.scores;
SELECT count(*) FILTER (WHERE s.probs::text <> al.predict_proba('learner/colors', p.x)::text) AS probs_differ,
       count(*) FILTER (WHERE abs(s.score - al.entropy(s.probs)) > 1e-12) AS scores_differ,
       count(*) FILTER (WHERE s.predicted <> (ARRAY['red', 'green', 'blue'])[al.argmax(s.probs)]) AS predictions_differ
FROM al.scores s JOIN pool3 p ON p.id::text = s.item_id;
-- next_batch hands out the best-scored unlabeled items first
SELECT array_agg(item_id ORDER BY score DESC, item_id) = (
	SELECT array_agg(item_id ORDER BY score DESC, item_id) FROM (
		SELECT item_id, score FROM al.scores s
		WHERE NOT EXISTS (SELECT 1 FROM al.leases l WHERE l.item_id = s.item_id)
		ORDER BY score DESC, item_id LIMIT 3) t) AS best_first
FROM al.next_batch('colors', 3, 'ann4');
-- the learning curve has the version
SELECT learner, model_version, labels_used, mean_uncertainty > 0 AS uncertain, kappa_previous IS NULL AS first
FROM al.learning_curve;

-- rows added to the pool are scored with the current model, no retrain
INSERT INTO pool3 SELECT i, ARRAY[0, 0]::real[], 'red' FROM generate_series(301, 310) i;
SELECT al.run_learner('colors') AS round;
SELECT count(*) FILTER (WHERE item_id::bigint > 300) AS new_rows_scored, count(DISTINCT model_version) AS versions
FROM al.scores;
SELECT al.run_learner('colors') AS round;

-- a retrain on request, then a second version on the curve with a kappa
SELECT al.retrain('colors');
SELECT al.run_learner('colors') AS round;
SELECT model_version, kappa_previous BETWEEN -1 AND 1 AS kappa_in_range FROM al.learning_curve ORDER BY 1;

-- a committee strategy: the score is the SQL function over the members
SELECT al.create_learner('colors_bald', 'pool3', 'id', 'x', ARRAY['red', 'green', 'blue'], 'bald',
                         '{"committee": 3, "retrain_every": 1, "seed": 5}') > 0 AS created;
SELECT count(*) AS labeled FROM (
	SELECT al.label('colors_bald', id, truth) FROM pool3 WHERE id <= 12) s;
SELECT al.run_learner('colors_bald') AS round;
SELECT count(*) AS scored,
       count(*) FILTER (WHERE abs(s.score - al.bald(al.predict_committee('learner/colors_bald', p.x))) > 1e-6) AS differ
FROM al.scores s JOIN al.learner_store l ON l.id = s.learner_id JOIN pool3 p ON p.id::text = s.item_id
WHERE l.name = 'colors_bald';
-- expected gradient length reads the features too
SELECT al.alter_learner('colors_bald', 'expected_gradient_length');
SELECT strategy, options->>'committee' AS committee FROM al.learners WHERE name = 'colors_bald';
SELECT al.run_learner('colors_bald') AS round;
SELECT count(*) FILTER (WHERE abs(s.score - al.expected_gradient_length(s.probs, p.x)) > 1e-9) AS egl_differ
FROM al.scores s JOIN al.learner_store l ON l.id = s.learner_id JOIN pool3 p ON p.id::text = s.item_id
WHERE l.name = 'colors_bald';

-- text and uuid ids
CREATE TABLE pool_text AS SELECT 'doc-' || i AS id, ARRAY[i % 2, 1]::float8[] AS x FROM generate_series(1, 20) i;
CREATE TABLE pool_uuid AS SELECT md5(i::text)::uuid AS id, ARRAY[i % 2]::real[] AS x FROM generate_series(1, 20) i;
SELECT al.create_learner('texts', 'pool_text', 'id', 'x', ARRAY['odd', 'even'], 'least_confidence', '{"retrain_every": 2}') > 0 AS created;
SELECT al.create_learner('uuids', 'pool_uuid', 'id', 'x', ARRAY['odd', 'even'], 'margin_confidence', '{"retrain_every": 2}') > 0 AS created;
SELECT al.label('texts', 'doc-1', 'odd'), al.label('texts', 'doc-2', 'even');
SELECT al.label('uuids', md5('1')::uuid, 'odd'), al.label('uuids', upper(md5('2')), 'even');
SELECT item_id FROM al.labels b JOIN al.learners l ON l.id = b.learner_id WHERE l.name = 'uuids' ORDER BY 1;
SELECT al.run_learner('texts') AS texts, al.run_learner('uuids') AS uuids;
SELECT l.name, count(*) AS scored FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
WHERE l.name IN ('texts', 'uuids') GROUP BY 1 ORDER BY 1;
SELECT count(*) AS batch FROM al.next_batch('uuids', 3);

-- errors
SELECT pg_temp.try($$SELECT al.label('nope', 1, 'red')$$) AS unknown_learner;
SELECT pg_temp.try($$SELECT count(*) FROM al.next_batch('nope')$$) AS unknown_learner_batch;
SELECT pg_temp.try($$SELECT al.run_learner('nope')$$) AS unknown_learner_round;
SELECT pg_temp.try($$SELECT al.drop_learner('nope')$$) AS unknown_learner_drop;
SELECT pg_temp.try($$SELECT al.label('colors', 9999, 'red')$$) AS unknown_item;
SELECT pg_temp.try($$SELECT al.label('colors', 'x9', 'red')$$) AS malformed_item;
SELECT pg_temp.try($$SELECT al.label('colors', 5, 'purple')$$) AS label_not_a_class;
DO $$ DECLARE d text; BEGIN PERFORM al.label('colors', 5, 'purple');
EXCEPTION WHEN others THEN GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL; RAISE NOTICE 'detail: %', d; END $$;
SELECT pg_temp.try($$SELECT al.label('colors', 5, 'red', '')$$) AS empty_annotator;
SELECT pg_temp.try($$SELECT al.label('colors', 5, NULL)$$) AS null_label;
SELECT pg_temp.try($$SELECT al.label_many('colors', '{"item": 1}')::text$$) AS labels_not_array;
SELECT pg_temp.try($$SELECT al.label_many('colors', '[{"label": "red"}]')::text$$) AS label_without_item;
SELECT pg_temp.try($$SELECT count(*) FROM al.next_batch('colors', 0)$$) AS batch_zero;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT pg_temp.try($$SELECT count(*) FROM al.next_batch('colors', 1)$$) AS repeatable_read;
ROLLBACK;
SELECT pg_temp.try($$SELECT al.create_learner('colors', 'pool3', 'id', 'x', ARRAY['a', 'b'])$$) AS duplicate;
SELECT pg_temp.try($$SELECT al.create_learner('', 'pool3', 'id', 'x', ARRAY['a', 'b'])$$) AS empty_name;
-- names are bounded in bytes (new versions are announced with the name; NOTIFY payloads are small)
SELECT pg_temp.try($$SELECT al.create_learner(repeat('n', 256), 'pool3', 'id', 'x', ARRAY['a', 'b'])$$) AS name_256_bytes;
SELECT pg_temp.try($$SELECT al.create_learner(repeat('é', 128), 'pool3', 'id', 'x', ARRAY['a', 'b'])$$) AS name_128_two_byte_chars;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'nope', 'x', ARRAY['a', 'b'])$$) AS unknown_column;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'x', 'x', ARRAY['a', 'b'])$$) AS bad_id_type;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'truth', ARRAY['a', 'b'])$$) AS bad_feature_type;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a'])$$) AS one_class;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a', 'a'])$$) AS repeated_class;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a', NULL])$$) AS null_class;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a', ''])$$) AS empty_class;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a', 'b'], 'smartest')$$) AS unknown_strategy;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a', 'b'], 'vote_entropy')$$) AS committee_needed;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a', 'b'], 'bald', '{"committee": 1}')$$) AS committee_of_one;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"batchsize": 5}')$$) AS unknown_option;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"batch_size": 0}')$$) AS batch_size_zero;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": "often"}')$$) AS retrain_every_text;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"lease": "-5 minutes"}')$$) AS negative_lease;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"lease": "soon"}')$$) AS malformed_lease;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"holdout": 1.5}')$$) AS holdout_too_big;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'pool3', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"c": 0}')$$) AS zero_c;
SELECT pg_temp.try($$SELECT al.create_learner(NULL, 'pool3', 'id', 'x', ARRAY['a', 'b'])$$) AS null_name;
SELECT pg_temp.try($$SELECT al.alter_learner('colors', 'bald')$$) AS alter_needs_committee;
SELECT pg_temp.try($$SELECT al.alter_learner('colors', NULL, '{"lease": 5}')$$) AS alter_bad_option;
SELECT count(*) AS no_learner_e FROM al.learners WHERE name = 'e';

-- max_leased: one annotator holds at most that many items at once (so
-- nobody leases the whole pool); clipped batches, then an error at the cap
SELECT al.create_learner('capped', 'pool3', 'id', 'x', ARRAY['red', 'green', 'blue'], 'entropy',
                         '{"max_leased": 5, "batch_size": 4}') > 0 AS created_capped;
CREATE VIEW pg_temp.capped_leases AS
SELECT x.item_id, x.annotator FROM al.leases x JOIN al.learners c ON c.id = x.learner_id
WHERE c.name = 'capped' AND x.expires_at > now();
SELECT count(*) AS first_batch FROM al.next_batch('capped');
SELECT count(*) AS clipped_to_5_minus_4 FROM al.next_batch('capped');
SELECT pg_temp.try($$SELECT count(*) FROM al.next_batch('capped')$$) AS at_the_cap;
SELECT pg_temp.try($$SELECT count(*) FROM al.next_batch('capped', 1, 'ann2')$$) AS caps_are_per_annotator;
SELECT annotator, count(*) FROM pg_temp.capped_leases GROUP BY annotator ORDER BY annotator;
-- releasing and labeling make room: 5 held - 2 released - 1 labeled = 2, so 3 more
SELECT al.release('capped', (SELECT (array_agg(item_id ORDER BY item_id))[1:2] FROM pg_temp.capped_leases
                              WHERE annotator = current_user)) AS released;
SELECT al.label('capped', (SELECT min(item_id) FROM pg_temp.capped_leases WHERE annotator = current_user), 'red') IS NOT NULL AS labeled;
SELECT count(*) AS room_for_3 FROM al.next_batch('capped', 10);
-- leases that expired do not count
UPDATE al.leases SET expires_at = now() - interval '1 second'
WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'capped') AND annotator = current_user;
SELECT count(*) AS expired_do_not_count FROM al.next_batch('capped', 10);
-- two calls in one statement: the second sees the first's leases (a fresh
-- snapshot under the batch lock), so the cap holds: 5, not 4 + 4
UPDATE al.leases SET expires_at = now() - interval '1 second'
WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'capped') AND annotator = current_user;
SELECT count(*) AS one_statement_5_not_8, count(DISTINCT item_id) AS distinct_items
FROM (SELECT item_id FROM al.next_batch('capped', 4) UNION ALL SELECT item_id FROM al.next_batch('capped', 4)) s;
SELECT pg_temp.try($$SELECT al.alter_learner('capped', NULL, '{"max_leased": -1}')$$) AS max_leased_negative;
SELECT pg_temp.try($$SELECT al.alter_learner('capped', NULL, '{"max_leased": "many"}')$$) AS max_leased_text;
-- 0 lifts the cap
SELECT al.alter_learner('capped', NULL, '{"max_leased": 0}');
SELECT options->>'max_leased' AS max_leased FROM al.learners WHERE name = 'capped';
SELECT count(*) AS uncapped FROM al.next_batch('capped', 10);
SELECT al.drop_learner('capped');

-- privileges: creating needs SELECT on the pool; another owner's learner is closed
CREATE ROLE regress_al_carol;
CREATE ROLE regress_al_dave;
GRANT SELECT ON pool3 TO regress_al_carol;
SET ROLE regress_al_dave;
SELECT pg_temp.try($$SELECT al.create_learner('daves', 'pool3', 'id', 'x', ARRAY['a', 'b'])$$) AS no_select_on_pool;
RESET ROLE;
SET ROLE regress_al_carol;
SELECT al.create_learner('carols', 'pool3', 'id', 'x', ARRAY['red', 'green', 'blue']) > 0 AS carol_creates;
SELECT al.label('carols', 7, 'red');
SELECT name FROM al.learners ORDER BY name;
SELECT learner_id IS NOT NULL AS sees_own, count(*) AS labels_she_sees FROM al.labels GROUP BY 1;
SELECT count(*) AS scores_she_sees FROM al.scores;
SELECT pg_temp.try($$SELECT al.label('colors', 7, 'red')$$) AS label_others_learner;
SELECT pg_temp.try($$SELECT count(*) FROM al.next_batch('colors')$$) AS batch_from_others_learner;
SELECT pg_temp.try($$SELECT al.drop_learner('colors')$$) AS drop_others_learner;
SELECT pg_temp.try($$INSERT INTO al.labels (learner_id, item_id, annotator, label) VALUES (1, '1', 'x', 'red') RETURNING 'inserted'$$) AS direct_insert;
SELECT learner FROM al.learner_status;
RESET ROLE;
SELECT al.drop_learner('carols');
DROP OWNED BY regress_al_carol;
DROP ROLE regress_al_carol, regress_al_dave;

-- dropping a learner removes its labels, leases, ranking, curve and models
SELECT count(*) > 0 AS has_models FROM al.models WHERE name = 'learner/colors_bald';
SELECT al.drop_learner('colors_bald');
SELECT (SELECT count(*) FROM al.labels b JOIN al.learners l ON l.id = b.learner_id WHERE l.name = 'colors_bald') AS labels,
       (SELECT count(*) FROM al.models WHERE name = 'learner/colors_bald') AS models;
SELECT al.drop_learner('colors'), al.drop_learner('texts'), al.drop_learner('uuids');
SELECT count(*) AS learners, (SELECT count(*) FROM al.scores) AS scores, (SELECT count(*) FROM al.leases) AS leases FROM al.learners;
SELECT count(*) AS models_left FROM al.models;
DROP TABLE pool3, pool_text, pool_uuid;
