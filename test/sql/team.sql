-- Team ergonomics: al.unlabel (withdraw a label, recorded), al.my_batch (an
-- annotator's open leases), and what al.learner_status says about waiting
-- labels and the worker.  Several roles, each with one right.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- 60 items in 3 clusters; the true class of item i is i % 3
SELECT setseed(0.25);
CREATE TABLE team_pool AS
SELECT i::bigint AS id, ARRAY[(i % 3) * 2 + random() - 0.5, -(i % 3) + random() - 0.5]::real[] AS x,
       (ARRAY['red', 'green', 'blue'])[i % 3 + 1] AS truth
FROM generate_series(1, 60) i;

CREATE ROLE regress_team_owner;
CREATE ROLE regress_team_ann;		-- annotate
CREATE ROLE regress_team_ann2;		-- annotate
CREATE ROLE regress_team_proxy;		-- proxy
CREATE ROLE regress_team_viewer;	-- view
CREATE ROLE regress_team_stranger;	-- nothing
GRANT SELECT ON team_pool TO regress_team_owner;
-- the test reads the pool and al_ext's tables as each role
GRANT SELECT ON team_pool TO PUBLIC;

SET ROLE regress_team_owner;
SELECT al.create_learner('team', 'team_pool', 'id', 'x', ARRAY['red', 'green', 'blue'], 'entropy',
                         '{"retrain_every": 3, "batch_size": 4, "seed": 1}') > 0 AS created;
SELECT al.grant_learner('team', 'regress_team_ann', 'annotate'), al.grant_learner('team', 'regress_team_ann2', 'annotate'),
       al.grant_learner('team', 'regress_team_proxy', 'proxy'), al.grant_learner('team', 'regress_team_viewer', 'view');
RESET ROLE;
CREATE VIEW team_labels AS
SELECT b.item_id, b.annotator, b.label, b.recorded_by FROM al.labels b JOIN al.learners l ON l.id = b.learner_id
WHERE l.name = 'team';
CREATE VIEW team_withdrawn AS
SELECT w.item_id, w.annotator, w.label, w.recorded_by, w.withdrawn_by, w.trained_in, w.retrained_in,
       w.label_serial, w.serial > w.label_serial AS serial_after_label, w.withdrawn_at >= w.labeled_at AS withdrawn_after_labeled
FROM al.withdrawn_labels w JOIN al.learners l ON l.id = w.learner_id
WHERE l.name = 'team';
GRANT SELECT ON team_labels, team_withdrawn TO PUBLIC;

-- ---- al.unlabel: one's own label, under the annotate right ----
SET ROLE regress_team_ann;
SELECT al.label('team', 1, 'red');
SELECT al.label('team', 2, 'green'), al.label('team', 2, 'blue', 'regress_team_ann');
SELECT item_id, annotator, label FROM team_labels ORDER BY 1, 2;
SELECT b.serial AS serial_1 FROM al.labels b JOIN al.learners l ON l.id = b.learner_id
WHERE l.name = 'team' AND b.item_id = '1' \gset
SELECT al.unlabel('team', 1) AS withdrawn;
SELECT item_id, annotator, label FROM team_labels ORDER BY 1, 2;
SELECT item_id, annotator, label, recorded_by, withdrawn_by, trained_in, retrained_in, serial_after_label,
       withdrawn_after_labeled
FROM team_withdrawn ORDER BY item_id;
-- the row kept is the label withdrawn, with its serial
SELECT label_serial = :serial_1 AS same_serial FROM team_withdrawn WHERE item_id = '1';
-- no such label: false, nothing recorded
SELECT al.unlabel('team', 1) AS withdrawn_twice, al.unlabel('team', 3) AS never_labeled,
       al.unlabel('team', 2, 'regress_team_ann') AS other_item;
SELECT count(*) AS withdrawals FROM team_withdrawn;
-- ids are read in the learner's id type, as al.label reads them
SELECT al.label('team', 7, 'red');
SELECT al.unlabel('team', ' 007') AS withdrawn_007;
SELECT pg_temp.try($$SELECT al.unlabel('team', 'x9')::text$$) AS malformed_item;
SELECT pg_temp.try($$SELECT al.unlabel('team', '99999999999999999999')::text$$) AS out_of_range_item;
-- another annotator's label: not with the annotate right
SELECT al.label('team', 4, 'red');
RESET ROLE;
SET ROLE regress_team_ann2;
SELECT al.label('team', 4, 'green'), al.label('team', 5, 'blue');
SELECT pg_temp.try($$SELECT al.unlabel('team', 4, 'regress_team_ann')::text$$) AS others_label;
RESET ROLE;
-- the viewer and a stranger may not withdraw anything, not even in their own name
SET ROLE regress_team_viewer;
SELECT pg_temp.try($$SELECT al.unlabel('team', 4)::text$$) AS viewer_own_name;
SELECT pg_temp.try($$SELECT al.unlabel('team', 4, 'regress_team_ann')::text$$) AS viewer_others;
RESET ROLE;
SET ROLE regress_team_stranger;
SELECT pg_temp.try($$SELECT al.unlabel('team', 4, 'regress_team_ann')::text$$) AS stranger;
RESET ROLE;
-- the proxy right: any annotator's label (as it may label in any name)
SET ROLE regress_team_proxy;
SELECT al.unlabel('team', 4, 'regress_team_ann2') AS proxy_withdraws;
RESET ROLE;
-- the owner: any annotator's label
SET ROLE regress_team_owner;
SELECT al.unlabel('team', 5, 'regress_team_ann2') AS owner_withdraws;
RESET ROLE;
SELECT item_id, annotator, label, recorded_by, withdrawn_by FROM team_withdrawn ORDER BY item_id;
SELECT item_id, annotator, label FROM team_labels ORDER BY 1, 2;

-- errors
SELECT pg_temp.try($$SELECT al.unlabel('nope', 1)::text$$) AS unknown_learner;
SELECT pg_temp.try($$SELECT al.unlabel('team', NULL::text)::text$$) AS null_item;
SELECT pg_temp.try($$SELECT al.unlabel(NULL, 1)::text$$) AS null_learner;
SELECT pg_temp.try($$SELECT al.unlabel('team', 1, NULL)::text$$) AS null_annotator;
SELECT pg_temp.try($$SELECT al.unlabel('team', 1, '')::text$$) AS empty_annotator;
BEGIN READ ONLY;
SELECT pg_temp.try($$SELECT al.unlabel('team', 2)::text$$) AS read_only;
ROLLBACK;

-- text and uuid ids
CREATE TABLE team_text AS SELECT 'doc-' || i AS id, ARRAY[i % 2, 1]::float8[] AS x FROM generate_series(1, 6) i;
CREATE TABLE team_uuid AS SELECT md5(i::text)::uuid AS id, ARRAY[i % 2]::real[] AS x FROM generate_series(1, 6) i;
SELECT al.create_learner('team_texts', 'team_text', 'id', 'x', ARRAY['odd', 'even']) > 0 AS created;
SELECT al.create_learner('team_uuids', 'team_uuid', 'id', 'x', ARRAY['odd', 'even']) > 0 AS created;
SELECT al.label('team_texts', 'doc-1', 'odd'), al.label('team_uuids', md5('1')::uuid, 'odd');
SELECT al.unlabel('team_texts', 'doc-1') AS text_id, al.unlabel('team_texts', 'DOC-1') AS text_ids_are_exact,
       al.unlabel('team_uuids', upper(md5('1'))::uuid) AS uuid_id;
SELECT l.name, w.item_id FROM al.withdrawn_labels w JOIN al.learners l ON l.id = w.learner_id
WHERE l.name LIKE 'team\_%' ORDER BY 1;
SELECT pg_temp.try($$SELECT al.unlabel('team_uuids', 'not-a-uuid')::text$$) AS malformed_uuid;
SELECT al.drop_learner('team_texts'), al.drop_learner('team_uuids');
DROP TABLE team_text, team_uuid;

-- ---- withdrawals and training ----
-- a learner of this (superuser) role, which labels in annotators' names
SELECT al.create_learner('team_t', 'team_pool', 'id', 'x', ARRAY['red', 'green', 'blue'], 'entropy',
                         '{"retrain_every": 3, "seed": 1}') > 0 AS created;
CREATE VIEW team_status AS
SELECT labeled, labels_waiting, model_version FROM al.learner_status WHERE learner = 'team_t';
CREATE VIEW team_t_withdrawn AS
SELECT w.* FROM al.withdrawn_labels w JOIN al.learners l ON l.id = w.learner_id WHERE l.name = 'team_t';
-- items 1 to 9 with their true class, then item 10 by three annotators:
-- green, green, then blue last: the majority is green
SELECT count(al.label('team_t', id, truth, 'regress_team_ann')) AS labeled FROM team_pool WHERE id <= 9;
SELECT al.run_learner('team_t') AS round;
SELECT al.label('team_t', 10, 'green', 'regress_team_ann2');
SELECT al.label('team_t', 10, 'green', 'regress_team_ann3');
SELECT al.label('team_t', 10, 'blue', 'regress_team_ann');
SELECT * FROM team_status;
SELECT al.run_learner('team_t') AS round;
SELECT * FROM team_status;
-- ann3 withdraws: green and blue tie, the latest (blue) is the majority now;
-- one withdrawal waits for a retrain, as one new label would
SELECT al.unlabel('team_t', 10, 'regress_team_ann3') AS withdrawn;
SELECT * FROM team_status;
SELECT al.run_learner('team_t') AS round_with_one_change_waiting;
-- item 1's only label goes: it is unlabeled again; item 2's too
SELECT al.unlabel('team_t', 1, 'regress_team_ann') AS withdrawn_1, al.unlabel('team_t', 2, 'regress_team_ann') AS withdrawn_2;
SELECT * FROM team_status;
SELECT al.run_learner('team_t') AS round;
SELECT * FROM team_status;
SELECT item_id, annotator, label, trained_in, retrained_in FROM team_t_withdrawn ORDER BY item_id;
-- the ranking holds the items whose labels were all withdrawn, not item 10
SELECT string_agg(item_id, ',' ORDER BY item_id::int) AS ranked FROM al.scores s
JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'team_t' AND item_id::int <= 10;

-- The model equals one trained with al.train_model on the remaining labels
-- (items 3 to 9 with their true class, item 10 blue), with the learner's
-- options; and differs from one trained on the labels before the
-- withdrawals (items 1 to 9, item 10 green).
CREATE TABLE team_remaining AS
SELECT p.x, CASE WHEN p.id = 10 THEN 'blue' ELSE p.truth END AS y FROM team_pool p WHERE p.id BETWEEN 3 AND 10;
CREATE TABLE team_before AS
SELECT p.x, CASE WHEN p.id = 10 THEN 'green' ELSE p.truth END AS y FROM team_pool p WHERE p.id <= 10;
-- and from one where item 10 kept the old majority (green)
CREATE TABLE team_old_majority AS
SELECT p.x, CASE WHEN p.id = 10 THEN 'green' ELSE p.truth END AS y FROM team_pool p WHERE p.id BETWEEN 3 AND 10;
SELECT al.train_model('team_remaining', 'team_remaining', 'x', 'y', o) > 0 AS trained,
       al.train_model('team_before', 'team_before', 'x', 'y', o) > 0 AS trained_control,
       al.train_model('team_old_majority', 'team_old_majority', 'x', 'y', o) > 0 AS trained_control2
FROM (SELECT jsonb_build_object('c', options->'c', 'max_iter', options->'max_iter', 'seed', options->'seed',
                                'standardize', options->'standardize') AS o
      FROM al.learners WHERE name = 'team_t') s;
CREATE FUNCTION pg_temp.coef_gap(a text, b text) RETURNS float8 LANGUAGE sql AS $$
	SELECT max(greatest(abs(x.intercept - y.intercept),
	                    (SELECT max(abs(u - v)) FROM unnest(x.coef, y.coef) z(u, v))))
	FROM al.model_coefficients(a) x JOIN al.model_coefficients(b) y USING (member, class)
$$;
SELECT (SELECT count(*) FROM al.model_coefficients('learner/team_t') x JOIN al.model_coefficients('team_remaining') y
        USING (member, class)) AS classes_compared,
       pg_temp.coef_gap('learner/team_t', 'team_remaining') < 1e-6 AS equals_remaining,
       pg_temp.coef_gap('learner/team_t', 'team_before') > 0.1 AS differs_from_before,
       pg_temp.coef_gap('learner/team_t', 'team_old_majority') > 0.1 AS differs_from_old_majority;
SELECT al.drop_model('team_remaining'), al.drop_model('team_before'), al.drop_model('team_old_majority');
DROP TABLE team_remaining, team_before, team_old_majority;

-- a label given again after its withdrawal is a new label
SELECT al.label('team_t', 1, 'green', 'regress_team_ann');
SELECT * FROM team_status;

-- ---- al.learner_status: the worker and the oldest waiting label ----
SELECT attname FROM pg_attribute WHERE attrelid = 'al.learner_status'::regclass AND attnum > 0 ORDER BY attnum;
-- no al_ext worker runs in this instance (test/t/090_team_worker.pl starts one)
SELECT learner, worker_running FROM al.learner_status WHERE learner = 'team_t';
-- the age of the oldest waiting change: a label, or a withdrawal
SELECT oldest_waiting_label_age = now() - (SELECT min(labeled_at) FROM al.labels b JOIN al.learners l ON l.id = b.learner_id
                                         WHERE l.name = 'team_t' AND b.trained_in IS NULL) AS age_of_oldest_label
FROM al.learner_status WHERE learner = 'team_t';
SELECT al.unlabel('team_t', 3, 'regress_team_ann');
SELECT oldest_waiting_label_age = now() - least(
	(SELECT min(labeled_at) FROM al.labels b JOIN al.learners l ON l.id = b.learner_id WHERE l.name = 'team_t' AND b.trained_in IS NULL),
	(SELECT min(withdrawn_at) FROM team_t_withdrawn WHERE retrained_in IS NULL)) AS age_of_oldest_change,
       oldest_waiting_label_age >= interval '0' AS not_negative
FROM al.learner_status WHERE learner = 'team_t';
SELECT al.retrain('team_t');
SELECT al.run_learner('team_t') AS round;
SELECT labels_waiting, oldest_waiting_label_age IS NULL AS nothing_waits FROM al.learner_status WHERE learner = 'team_t';
DROP VIEW team_status, team_t_withdrawn;
SELECT al.drop_learner('team_t');

-- ---- al.my_batch: the annotator's open leases ----
SET ROLE regress_team_owner;
SELECT al.create_learner('team_b', 'team_pool', 'id', 'x', ARRAY['red', 'green', 'blue'], 'entropy',
                         '{"batch_size": 4, "seed": 2, "lease": "1 second"}') > 0 AS created;
SELECT al.grant_learner('team_b', 'regress_team_ann', 'annotate'), al.grant_learner('team_b', 'regress_team_ann2', 'annotate'),
       al.grant_learner('team_b', 'regress_team_proxy', 'proxy'), al.grant_learner('team_b', 'regress_team_viewer', 'view');
RESET ROLE;
-- The block below runs in one transaction (role switches included), so its
-- now() is fixed and a one-second lease cannot expire halfway.
SET ROLE regress_team_ann;
BEGIN;
SELECT count(*) AS nothing_held FROM al.my_batch('team_b');
-- cold start: the batch taken, unscored, is what my_batch returns
CREATE TEMP TABLE got AS SELECT * FROM al.next_batch('team_b');
GRANT SELECT ON got TO PUBLIC;
SELECT (SELECT count(*) FROM got) AS leased,
       (SELECT array_agg(b ORDER BY b.item_id) FROM al.my_batch('team_b') b)::text =
       (SELECT array_agg(g ORDER BY g.item_id) FROM got g)::text AS my_batch_is_the_batch,
       (SELECT count(*) FROM al.my_batch('team_b') WHERE score IS NULL) AS unscored;
-- a retry: my_batch again, the same items; next_batch would lease others
SELECT (SELECT array_agg(item_id ORDER BY item_id) FROM al.my_batch('team_b')) =
       (SELECT array_agg(item_id ORDER BY item_id) FROM got) AS retry_same;
-- only in one's own name under the annotate right
SELECT pg_temp.try($$SELECT count(*) FROM al.my_batch('team_b', 'regress_team_ann2')$$) AS others_batch;
-- the other annotator holds nothing; the proxy sees ann's items in ann's name
RESET ROLE;
SET ROLE regress_team_ann2;
SELECT count(*) AS ann2_holds FROM al.my_batch('team_b');
RESET ROLE;
SET ROLE regress_team_proxy;
SELECT count(*) AS proxy_sees_ann FROM al.my_batch('team_b', 'regress_team_ann')
WHERE item_id IN (SELECT item_id FROM got);
COMMIT;
RESET ROLE;
SET ROLE regress_team_viewer;
SELECT pg_temp.try($$SELECT count(*) FROM al.my_batch('team_b')$$) AS viewer;
RESET ROLE;
SET ROLE regress_team_stranger;
SELECT pg_temp.try($$SELECT count(*) FROM al.my_batch('team_b')$$) AS stranger;
RESET ROLE;
SELECT pg_temp.try($$SELECT count(*) FROM al.my_batch('nope')$$) AS unknown_learner;
SELECT pg_temp.try($$SELECT count(*) FROM al.my_batch(NULL)$$) AS null_learner;
SELECT pg_temp.try($$SELECT count(*) FROM al.my_batch('team_b', NULL)$$) AS null_annotator;
SELECT pg_temp.try($$SELECT count(*) FROM al.my_batch('team_b', '')$$) AS empty_annotator;
-- the leases of that transaction have expired (one second) by now
SELECT pg_sleep(1.2);
SET ROLE regress_team_ann;
SELECT count(*) AS after_expiry FROM al.my_batch('team_b');
RESET ROLE;

-- with a model: scores from the ranking; labeling and releasing take items out
SELECT count(al.label('team_b', id, truth, 'regress_team_ann2')) AS labeled FROM team_pool WHERE id <= 12;
SELECT al.run_learner('team_b') AS round;
SELECT al.alter_learner('team_b', NULL, '{"lease": "1 hour"}');
DROP TABLE got;
SET ROLE regress_team_ann;
BEGIN READ WRITE;
CREATE TEMP TABLE got AS SELECT * FROM al.next_batch('team_b', 5);
COMMIT;
-- my_batch works in a read-only transaction
BEGIN READ ONLY;
SELECT (SELECT array_agg(b ORDER BY b.item_id) FROM al.my_batch('team_b') b)::text =
       (SELECT array_agg(g ORDER BY g.item_id) FROM got g)::text AS my_batch_is_the_batch,
       (SELECT count(*) FROM al.my_batch('team_b') WHERE score IS NOT NULL) AS scored;
-- best first, and each value as the ranking has it
SELECT array_agg(item_id) = (SELECT array_agg(item_id ORDER BY score DESC, item_id) FROM got) AS best_first,
       count(*) FILTER (WHERE (m.score, m.predicted, m.probs::text) IS DISTINCT FROM
                              (SELECT (s.score, s.predicted, s.probs::text) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
                               WHERE l.name = 'team_b' AND s.item_id = m.item_id)) AS differ_from_ranking
FROM al.my_batch('team_b') m;
COMMIT;
SELECT al.label('team_b', (SELECT min(item_id) FROM got), 'red');
SELECT al.release('team_b', ARRAY[(SELECT max(item_id) FROM got)]) AS released;
SELECT (SELECT array_agg(item_id ORDER BY item_id) FROM al.my_batch('team_b')) =
       (SELECT array_agg(item_id ORDER BY item_id) FROM got
        WHERE item_id NOT IN ((SELECT min(item_id) FROM got), (SELECT max(item_id) FROM got))) AS labeled_and_released_gone,
       (SELECT count(*) FROM al.my_batch('team_b')) AS left;
-- another annotator's label of a held item ends the lease too (al.label does)
RESET ROLE;
SELECT al.label('team_b', (SELECT min(item_id) FROM al.my_batch('team_b', 'regress_team_ann')), 'blue', 'regress_team_ann2');
SELECT count(*) AS left_after_other_label FROM al.my_batch('team_b', 'regress_team_ann');
DROP TABLE got;

RESET ROLE;
DROP VIEW team_labels, team_withdrawn;
SELECT al.drop_learner('team_b');
SET ROLE regress_team_owner;
SELECT al.drop_learner('team');
RESET ROLE;
SELECT count(*) AS withdrawals_left FROM al.withdrawn_labels;
DROP TABLE team_pool;
DROP ROLE regress_team_owner, regress_team_ann, regress_team_ann2, regress_team_proxy, regress_team_viewer,
          regress_team_stranger;
