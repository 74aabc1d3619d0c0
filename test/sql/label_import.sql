-- The option label_column: labels the pool already holds are imported in
-- the name of "import:<column>" at creation and at every round; the import
-- mirrors the column (changed values change the label, NULL or a value that
-- is no class withdraws it).  Hostile cases: the column dropped or retyped
-- between rounds, values that are no class, NULLs.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- 30 items on a line: items 1-4 labeled a/b, 5 NULL, 6 'zzz' (no class)
CREATE TABLE imp_pool AS
SELECT i::bigint AS id, ARRAY[i, (i % 2) * 3]::real[] AS x,
       CASE WHEN i <= 4 THEN (ARRAY['a', 'b'])[i % 2 + 1] WHEN i = 6 THEN 'zzz' END AS cat,
       'secret ' || i AS private
FROM generate_series(1, 30) i;
CREATE ROLE regress_imp_owner;
CREATE ROLE regress_imp_narrow;		-- may read id and x, not cat
GRANT SELECT ON imp_pool TO regress_imp_owner;
GRANT SELECT (id, x) ON imp_pool TO regress_imp_narrow;

CREATE VIEW imp_labels AS
SELECT b.item_id::int AS item, b.annotator, b.label, b.recorded_by, b.trained_in, b.serial
FROM al.labels b JOIN al.learner_store l ON l.id = b.learner_id WHERE l.name = 'imp';
CREATE VIEW imp_withdrawn AS
SELECT w.item_id::int AS item, w.annotator, w.label, w.withdrawn_by
FROM al.withdrawn_labels w JOIN al.learner_store l ON l.id = w.learner_id WHERE l.name = 'imp';

SET ROLE regress_imp_owner;
-- at creation: items 1-4 imported; 6 ('zzz') is not a class: a WARNING, not imported
SELECT al.create_learner('imp', 'imp_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
                         '{"label_column": "cat", "retrain_every": 2, "seed": 1}') > 0 AS created;
RESET ROLE;
SELECT item, annotator, label, recorded_by, trained_in FROM imp_labels ORDER BY item;
SELECT options->'label_column' AS label_column FROM al.learners WHERE name = 'imp';
SET ROLE regress_imp_owner;
-- cold start: imported items are labeled, so no batch hands them out
SELECT count(*) FILTER (WHERE item_id::int IN (1, 2, 3, 4)) AS imported_in_batch, count(*) AS batch
FROM al.next_batch('imp', 26);
SELECT al.release('imp', (SELECT array_agg(item_id) FROM al.leases), 'regress_imp_owner') AS released;
-- the first round trains on the 4 imported labels
SELECT al.run_learner('imp') AS round;
SELECT model_version, labels_used FROM al.learning_curve WHERE learner = 'imp';
RESET ROLE;
SELECT item, label, trained_in FROM imp_labels ORDER BY item;
SELECT serial AS serial_3 FROM imp_labels WHERE item = 3 \gset

-- the column changes: 1 b -> a, 2 -> NULL, 9 gets 'a', 3 unchanged, 10 gets
-- 'zzz', and item 4's row leaves the pool; an annotator's lease on 9 ends
-- when 9 is imported
UPDATE imp_pool SET cat = CASE id WHEN 1 THEN 'a' WHEN 2 THEN NULL WHEN 9 THEN 'a' WHEN 10 THEN 'zzz' END
WHERE id IN (1, 2, 9, 10);
DELETE FROM imp_pool WHERE id = 4;
SET ROLE regress_imp_owner;
SELECT count(*) AS leased_9 FROM al.next_batch('imp', 30) WHERE item_id = '9';
SELECT al.run_learner('imp') AS round;
RESET ROLE;
SELECT item, label, trained_in FROM imp_labels ORDER BY item;
SELECT item, annotator, label, withdrawn_by FROM imp_withdrawn ORDER BY item;
SELECT serial = :serial_3 AS unchanged_keeps_its_row FROM imp_labels WHERE item = 3;
SELECT count(*) AS lease_on_9 FROM al.leases x JOIN al.learner_store l ON l.id = x.learner_id
WHERE l.name = 'imp' AND x.item_id = '9';
-- the changes (1 changed, 9 new, 2 and 4 withdrawn: 4 waiting) were trained in this round
SELECT model_version, labels_used FROM al.learning_curve WHERE learner = 'imp' ORDER BY 1;
-- a round with no change imports nothing, does not retrain, and warns no more
SET ROLE regress_imp_owner;
SELECT al.run_learner('imp') AS round;
RESET ROLE;
SELECT count(*) AS labels_waiting FROM imp_labels WHERE trained_in IS NULL;

-- an annotator's own label of an imported item stays beside the import
SET ROLE regress_imp_owner;
SELECT al.label('imp', 1, 'a');
RESET ROLE;
SELECT item, annotator, label FROM imp_labels WHERE item = 1 ORDER BY annotator;

-- hostile: the column retyped (integer): no value is a class any more, so
-- every import is withdrawn, with a WARNING (one labeled item is left: too
-- few to train, the round is idle)
ALTER TABLE imp_pool ALTER COLUMN cat TYPE integer USING (CASE cat WHEN 'a' THEN 1 WHEN 'b' THEN 2 END);
SET ROLE regress_imp_owner;
SELECT al.run_learner('imp') AS round;
RESET ROLE;
SELECT item, annotator, label FROM imp_labels ORDER BY item, annotator;
-- retyped back to text with the values: imported again
ALTER TABLE imp_pool ALTER COLUMN cat TYPE text USING (CASE cat WHEN 1 THEN 'a' WHEN 2 THEN 'b' END);
SET ROLE regress_imp_owner;
SELECT al.run_learner('imp') AS round;
RESET ROLE;
SELECT item, annotator, label FROM imp_labels ORDER BY item, annotator;

-- hostile: the column dropped: the round fails (42703) until the option is
-- changed, and nothing of it is left half-done
ALTER TABLE imp_pool DROP COLUMN cat;
SET ROLE regress_imp_owner;
SELECT pg_temp.try($$SELECT al.run_learner('imp')$$) AS round_without_column;
SELECT problem FROM al.learner_status WHERE learner = 'imp';
SELECT pg_temp.try($$SELECT al.alter_learner('imp', NULL, '{"batch_size": 3}')::text$$) AS alter_keeping_it;
SELECT al.alter_learner('imp', NULL, '{"label_column": null}');
SELECT options ? 'label_column' AS has_label_column FROM al.learners WHERE name = 'imp';
SELECT al.run_learner('imp') IS NOT NULL AS round_runs;
SELECT problem IS NULL AS no_problem FROM al.learner_status WHERE learner = 'imp';
RESET ROLE;
-- the labels imported so far stay (the import stopped; nothing withdraws them)
SELECT count(*) AS imported_labels_kept FROM imp_labels WHERE annotator = 'import:cat';
-- a column set later is imported at once, by al.alter_learner
ALTER TABLE imp_pool ADD COLUMN grade text;
UPDATE imp_pool SET grade = 'b' WHERE id IN (20, 21);
SET ROLE regress_imp_owner;
SELECT al.alter_learner('imp', NULL, '{"label_column": "grade"}');
RESET ROLE;
SELECT item, annotator, label FROM imp_labels WHERE annotator = 'import:grade' ORDER BY item;

-- ---- errors ----
SET ROLE regress_imp_owner;
SELECT pg_temp.try($$SELECT al.create_learner('imp2', 'imp_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"label_column": "nope"}')::text$$) AS unknown_column;
SELECT pg_temp.try($$SELECT al.create_learner('imp2', 'imp_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"label_column": 7}')::text$$) AS not_a_name;
SELECT pg_temp.try($$SELECT al.create_learner('imp2', 'imp_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"label_column": ""}')::text$$) AS empty_name;
SELECT pg_temp.try($$SELECT al.alter_learner('imp', NULL, '{"label_column": "nope"}')::text$$) AS alter_unknown_column;
RESET ROLE;
-- the import's annotator name is its own: a role of that name (or a proxy
-- using it) would have its labels overwritten or withdrawn by the next
-- import, and could overwrite the imported ones (42939)
CREATE ROLE "import:grade";
SET ROLE regress_imp_owner;
SELECT al.grant_learner('imp', '"import:grade"', 'annotate');
SELECT pg_temp.try($$SELECT al.label('imp', 29, 'a', 'import:grade')::text$$) AS proxy_as_import;
SELECT pg_temp.try($$SELECT al.label_many('imp', '[{"item": 29, "label": "a", "annotator": "import:cat"}]')::text$$) AS many_as_import;
SET ROLE "import:grade";
SELECT pg_temp.try($$SELECT al.label('imp', 28, 'b')::text$$) AS role_named_import;
RESET ROLE;
SELECT item, annotator, label FROM imp_labels WHERE item IN (28, 29) ORDER BY item;
SET ROLE regress_imp_owner;
SELECT al.revoke_learner('imp', '"import:grade"', 'annotate');
RESET ROLE;
DROP ROLE "import:grade";
-- a creator who may not read the column
SET ROLE regress_imp_narrow;
SELECT pg_temp.try($$SELECT al.create_learner('imp3', 'imp_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"label_column": "grade"}')::text$$) AS column_not_readable;
RESET ROLE;
-- nor can the learner go to a role that may not read the column
GRANT regress_imp_narrow TO regress_imp_owner;
SET ROLE regress_imp_owner;
SELECT pg_temp.try($$SELECT al.alter_learner_owner('imp', 'regress_imp_narrow')::text$$) AS owner_who_cannot_read;
RESET ROLE;
REVOKE regress_imp_narrow FROM regress_imp_owner;
-- the owner loses SELECT on the column: its rounds fail with 42501
REVOKE SELECT ON imp_pool FROM regress_imp_owner;
GRANT SELECT (id, x) ON imp_pool TO regress_imp_owner;
SET ROLE regress_imp_owner;
SELECT pg_temp.try($$SELECT al.run_learner('imp')$$) AS owner_lost_column;
SELECT al.drop_learner('imp');
RESET ROLE;
DROP VIEW imp_labels, imp_withdrawn;
DROP TABLE imp_pool;
DROP ROLE regress_imp_owner, regress_imp_narrow;
