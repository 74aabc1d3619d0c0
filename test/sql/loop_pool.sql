-- The loop against pools that change, break or hold unusual ids: every case
-- is a clear error for that learner or a documented behaviour, never a crash.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try
-- the error's hint
CREATE FUNCTION pg_temp.hint(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	h text;
BEGIN
	EXECUTE sql;
	RETURN 'no error';
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
	RETURN h;
END $$;
-- item ids of a learner's ranking, labels, leases
CREATE FUNCTION pg_temp.scored(learner text) RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = learner $$;

-- 1. the pool's columns change under a trained learner (issue 7, defect 3:
-- the round read a bigint as a float array and the backend died)
CREATE TABLE pool_alter AS SELECT i::bigint AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 40) i;
SELECT al.create_learner('alter_me', 'pool_alter', 'id', 'x', ARRAY['even', 'odd'], 'entropy',
                         '{"retrain_every": 2}') > 0 AS created;
SELECT al.label('alter_me', 1, 'odd'), al.label('alter_me', 2, 'even');
SELECT al.run_learner('alter_me') AS round, pg_temp.scored('alter_me') AS scored;
ALTER TABLE pool_alter ALTER COLUMN x TYPE bigint USING 12345;
INSERT INTO pool_alter VALUES (1000, 5);
SELECT pg_temp.try($$SELECT al.run_learner('alter_me')$$) AS round_after_retype;
SELECT pg_temp.hint($$SELECT al.run_learner('alter_me')$$) AS hint;
SELECT pg_temp.try($$SELECT al.retrain('alter_me')$$) AS retrain;
SELECT pg_temp.try($$SELECT al.alter_learner('alter_me', NULL, '{"batch_size": 5}')$$) AS alter;
SELECT pg_temp.try($$SELECT al.label('alter_me', 3, 'odd')$$) AS label;
SELECT pg_temp.try($$SELECT count(*) FROM al.next_batch('alter_me')$$) AS next_batch;
-- the ranking of the old column is still what readers see
SELECT pg_temp.scored('alter_me') AS still_scored;
-- a feature column dropped, then one of the same name added: the round reads it by name
ALTER TABLE pool_alter DROP COLUMN x;
SELECT pg_temp.try($$SELECT al.run_learner('alter_me')$$) AS round_column_dropped;
ALTER TABLE pool_alter ADD COLUMN x double precision[];
UPDATE pool_alter SET x = ARRAY[id % 2, 1];
SELECT al.run_learner('alter_me') AS round_column_back, pg_temp.scored('alter_me') AS scored;
-- an id column of a type the loop cannot read; integer -> bigint is fine
ALTER TABLE pool_alter ALTER COLUMN id TYPE numeric;
SELECT pg_temp.try($$SELECT al.run_learner('alter_me')$$) AS round_numeric_id;
ALTER TABLE pool_alter ALTER COLUMN id TYPE integer;
SELECT al.label('alter_me', 4, 'even');
SELECT al.retrain('alter_me');
SELECT al.run_learner('alter_me') AS round_integer_id, pg_temp.scored('alter_me') AS scored;
SELECT pg_temp.try($$SELECT al.label('alter_me', 'x', 'odd')$$) AS label_integer_id;

-- a text id column retyped to bigint: labels stored as '001' or 'x' name no
-- row any more (they count as unusable), new labels train
CREATE TABLE pool_retype AS SELECT lpad(i::text, 3, '0') AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 20) i;
INSERT INTO pool_retype VALUES ('x', ARRAY[1, 1]);
SELECT al.create_learner('retype', 'pool_retype', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 100}') > 0 AS created;
SELECT al.label('retype', '001', 'odd'), al.label('retype', '002', 'even'), al.label('retype', 'x', 'odd');
DELETE FROM pool_retype WHERE id = 'x';
ALTER TABLE pool_retype ALTER COLUMN id TYPE bigint USING id::bigint;
SELECT al.label('retype', 3, 'odd'), al.label('retype', 4, 'even');
SELECT al.retrain('retype');
SELECT al.run_learner('retype') AS round;
SELECT labels_used, labels_unusable FROM al.learning_curve WHERE learner = 'retype';
SELECT count(*) AS scored, min(item_id) AS first_item FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'retype';

-- 2. the pool is dropped (defect 13): retrain and alter say so, drop works
CREATE TABLE pool_gone AS SELECT i::bigint AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 10) i;
SELECT al.create_learner('gone', 'pool_gone', 'id', 'x', ARRAY['even', 'odd']) > 0 AS created;
DROP TABLE pool_gone;
SELECT pg_temp.try($$SELECT al.retrain('gone')$$) AS retrain;
SELECT pg_temp.hint($$SELECT al.retrain('gone')$$) AS hint;
SELECT pg_temp.try($$SELECT al.alter_learner('gone', 'least_confidence')$$) AS alter;
SELECT pg_temp.try($$SELECT al.run_learner('gone')$$) AS round;
SELECT pg_temp.try($$SELECT al.label('gone', 1, 'odd')$$) AS label;
SELECT strategy, retrain_requested FROM al.learner_store WHERE name = 'gone';
SELECT al.drop_learner('gone');
-- a temporary table cannot be a pool: the learner would outlive it
CREATE TEMP TABLE pool_temp AS SELECT i::bigint AS id, ARRAY[i]::real[] AS x FROM generate_series(1, 5) i;
SELECT pg_temp.try($$SELECT al.create_learner('temp', 'pool_temp', 'id', 'x', ARRAY['a', 'b'])$$) AS temp_pool;
CREATE TEMP VIEW pool_temp_view AS SELECT * FROM pool_temp;
SELECT pg_temp.try($$SELECT al.create_learner('temp', 'pool_temp_view', 'id', 'x', ARRAY['a', 'b'])$$) AS temp_view;
CREATE SEQUENCE not_a_pool;
SELECT pg_temp.try($$SELECT al.create_learner('seq', 'not_a_pool', 'id', 'x', ARRAY['a', 'b'])$$) AS sequence;
DROP SEQUENCE not_a_pool;
-- views are pools like tables
CREATE TABLE pool_base AS SELECT i::bigint AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 20) i;
CREATE VIEW pool_view AS SELECT id, x FROM pool_base WHERE id <= 10;
SELECT al.create_learner('viewed', 'pool_view', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 2}') > 0 AS created;
SELECT al.label('viewed', 1, 'odd'), al.label('viewed', 2, 'even');
SELECT al.run_learner('viewed') AS round, pg_temp.scored('viewed') AS scored;
SELECT al.drop_learner('viewed');

-- 3. long text ids (defect 5: ids were cut to 127 bytes in the round):
-- 200-byte ids sharing their first 190 bytes, then 3,000-byte ids stored
-- out of line
CREATE TABLE pool_long AS
SELECT repeat('p', 190) || lpad(i::text, 10, '0') AS id, ARRAY[i % 2, 1]::real[] AS x, i
FROM generate_series(1, 30) i;
SELECT min(octet_length(id)) AS min_bytes, count(DISTINCT left(id, 128)) AS distinct_128_byte_prefixes FROM pool_long;
SELECT al.create_learner('long', 'pool_long', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 4}') > 0 AS created;
SELECT count(*) AS labeled FROM (
	SELECT al.label('long', id, CASE WHEN i % 2 = 1 THEN 'odd' ELSE 'even' END) FROM pool_long WHERE i <= 4) s;
SELECT al.run_learner('long') AS round;
SELECT labels_used, labels_unusable FROM al.learning_curve WHERE learner = 'long';
-- every unlabeled item ranked once, none of the labeled ones, probabilities aligned with each row's features
SELECT count(*) AS scored, count(DISTINCT s.item_id) AS distinct_items,
       count(*) FILTER (WHERE p.i <= 4) AS labeled_in_ranking,
       count(*) FILTER (WHERE s.probs::text <> al.predict_proba('learner/long', p.x)::text) AS probs_differ,
       count(*) FILTER (WHERE s.predicted <> CASE WHEN p.i % 2 = 1 THEN 'odd' ELSE 'even' END) AS mispredicted
FROM al.scores s JOIN al.learners l ON l.id = s.learner_id JOIN pool_long p ON p.id = s.item_id
WHERE l.name = 'long';
SELECT count(*) AS batch, count(*) FILTER (WHERE octet_length(item_id) = 200) AS full_ids
FROM al.next_batch('long', 5, 'reader');
SELECT al.release('long', (SELECT array_agg(item_id) FROM al.leases WHERE annotator = 'reader'), 'reader') AS released;

CREATE TABLE pool_huge (id text, x real[], i int);
ALTER TABLE pool_huge ALTER COLUMN id SET STORAGE EXTERNAL;
INSERT INTO pool_huge
SELECT (SELECT string_agg(md5(i::text || '-' || j), '') FROM generate_series(1, 94) j) || '-' || i,
       ARRAY[i % 2, 1]::real[], i
FROM generate_series(1, 12) i;
SELECT min(octet_length(id)) AS min_bytes,
       (SELECT count(*) > 0 FROM pg_class c WHERE c.oid = (SELECT reltoastrelid FROM pg_class WHERE relname = 'pool_huge')) AS has_toast
FROM pool_huge;
DO $$ DECLARE n bigint; BEGIN
	EXECUTE format('SELECT count(*) FROM %s', (SELECT reltoastrelid::regclass FROM pg_class WHERE relname = 'pool_huge')) INTO n;
	RAISE NOTICE 'toast chunks of pool_huge: %', CASE WHEN n >= 12 THEN 'at least one per id' ELSE n::text END;
END $$;
SELECT al.create_learner('huge', 'pool_huge', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 4}') > 0 AS created;
SELECT al.label_many('huge', (SELECT jsonb_agg(jsonb_build_object('item', id, 'label', CASE WHEN i % 2 = 1 THEN 'odd' ELSE 'even' END))
                              FROM pool_huge WHERE i <= 4)) AS labeled;
SELECT count(*) AS batch, min(octet_length(item_id)) AS id_bytes FROM al.next_batch('huge', 3, 'ann');
-- labeling one of them ends its lease only
SELECT count(*) AS labeled FROM (
	SELECT al.label('huge', item_id, 'odd', 'ann') FROM (SELECT item_id FROM al.leases WHERE annotator = 'ann' ORDER BY item_id LIMIT 1) i) s;
SELECT count(*) AS leases_left FROM al.leases WHERE annotator = 'ann';
SELECT al.run_learner('huge') AS round;
SELECT labels_used, labels_unusable FROM al.learning_curve WHERE learner = 'huge';
SELECT count(*) AS scored, count(*) FILTER (WHERE s.item_id IN (SELECT item_id FROM al.labels)) AS labeled_in_ranking,
       count(*) FILTER (WHERE s.probs::text <> al.predict_proba('learner/huge', p.x)::text) AS probs_differ
FROM al.scores s JOIN al.learners l ON l.id = s.learner_id JOIN pool_huge p ON p.id = s.item_id
WHERE l.name = 'huge';

-- 4. duplicate ids (defect 8: next_batch failed for good)
CREATE TABLE pool_dup AS SELECT (i % 12)::bigint AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 13) i;
SELECT pg_temp.try($$SELECT al.create_learner('dup', 'pool_dup', 'id', 'x', ARRAY['even', 'odd'])$$) AS duplicate_ids;
DELETE FROM pool_dup WHERE ctid = (SELECT max(ctid) FROM pool_dup WHERE id = 1);
SELECT al.create_learner('dup', 'pool_dup', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 2}') > 0 AS created;
INSERT INTO pool_dup VALUES (5, ARRAY[1, 1]);
-- a cold-start batch as large as the pool holds each item once
SELECT count(*) AS batch, count(DISTINCT item_id) AS distinct_items FROM al.next_batch('dup', 20);
SELECT al.release('dup', ARRAY(SELECT id FROM pool_dup)) AS released;
SELECT al.label('dup', 2, 'even'), al.label('dup', 3, 'odd');
SELECT pg_temp.try($$SELECT al.run_learner('dup')$$) AS round_with_duplicate;
SELECT pg_temp.hint($$SELECT al.run_learner('dup')$$) AS hint;
DELETE FROM pool_dup WHERE ctid = (SELECT max(ctid) FROM pool_dup WHERE id = 5);
SELECT al.run_learner('dup') AS round, pg_temp.scored('dup') AS scored;
-- a unique index spares the check
ALTER TABLE pool_dup ADD PRIMARY KEY (id);
SELECT al.retrain('dup');
SELECT al.run_learner('dup') AS round;

-- 5. unusable features (defect 11): labels on them are recorded with a
-- WARNING, counted in al.learner_status.labels_unusable
CREATE TABLE pool_bad (id bigint PRIMARY KEY, x double precision[]);
INSERT INTO pool_bad SELECT i, ARRAY[i % 2, 1] FROM generate_series(1, 20) i;
INSERT INTO pool_bad VALUES (21, NULL), (22, ARRAY[1, 'NaN'::float8]), (23, ARRAY[1, NULL]),
	(24, ARRAY[1, '-Infinity'::float8]), (25, ARRAY[[1, 2], [3, 4]]), (26, ARRAY[1, 1e300]), (27, ARRAY[1, 2, 3]);
SELECT al.create_learner('bad', 'pool_bad', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 100}') > 0 AS created;
SELECT al.label('bad', 21, 'odd');
SELECT al.label('bad', 22, 'odd');
SELECT al.label('bad', 23, 'odd');
SELECT al.label('bad', 24, 'odd');
SELECT al.label('bad', 25, 'odd');
SELECT al.label('bad', 26, 'odd');
-- before a model, any length is usable: no warning for item 27
SELECT al.label('bad', 27, 'odd');
SELECT al.label_many('bad', '[{"item": 1, "label": "odd"}, {"item": 2, "label": "even"}, {"item": 3, "label": "odd"},
                              {"item": 22, "label": "even", "annotator": "ann2"}, {"item": 23, "label": "even", "annotator": "ann2"}]') AS recorded;
SELECT count(*) AS labels FROM al.labels b JOIN al.learners l ON l.id = b.learner_id WHERE l.name = 'bad';
SELECT al.retrain('bad');
SELECT al.run_learner('bad') AS round;
-- 10 labeled items: 3 usable (1, 2, 3), 6 with unusable features, and 27 of another length
SELECT labeled, labels_unusable FROM al.learner_status WHERE learner = 'bad';
SELECT labels_used, labels_unusable FROM al.learning_curve WHERE learner = 'bad';
-- with a model of 2 features, a label on a row of 3 is warned about
SELECT al.label('bad', 27, 'even', 'ann2');
SELECT al.label('bad', 4, 'even');
-- an item deleted from the pool: its label counts as unusable at the next training
DELETE FROM pool_bad WHERE id = 3;
SELECT al.retrain('bad');
SELECT al.run_learner('bad') AS round;
SELECT labels_used, labels_unusable FROM al.learning_curve WHERE learner = 'bad' ORDER BY model_version;

-- 6. an emptied pool: the ranking empties, batches are empty, nothing to train on
CREATE TABLE pool_empty AS SELECT i::bigint AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 20) i;
SELECT al.create_learner('empty', 'pool_empty', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 2}') > 0 AS created;
SELECT al.label('empty', 1, 'odd'), al.label('empty', 2, 'even');
SELECT al.run_learner('empty') AS round, pg_temp.scored('empty') AS scored;
DELETE FROM pool_empty;
SELECT al.run_learner('empty') AS round, pg_temp.scored('empty') AS scored;
SELECT al.run_learner('empty') AS round;
SELECT count(*) AS batch FROM al.next_batch('empty');
SELECT al.retrain('empty');
SELECT al.run_learner('empty') AS round_without_rows;
SELECT pool_size, labeled, model_version FROM al.learner_status WHERE learner = 'empty';
SELECT pg_temp.try($$SELECT al.label('empty', 3, 'odd')$$) AS label_gone_item;

-- 7. a published model that is gone (al.drop_model refuses a learner's
-- models; a superuser deletes its rows): the learner starts over (ranking and
-- curve of the dropped versions go), and trains version 1 again
INSERT INTO pool_empty SELECT i, ARRAY[i % 2, 1]::real[] FROM generate_series(1, 20) i;
SELECT al.label('empty', 3, 'odd'), al.label('empty', 4, 'even');
SELECT al.run_learner('empty') AS round, pg_temp.scored('empty') AS scored;
SELECT model_version, labels_used FROM al.learning_curve WHERE learner = 'empty' ORDER BY 1;
SELECT pg_temp.try($$SELECT al.drop_model('learner/empty')$$) AS drop_refused;
WITH d AS (DELETE FROM al.model_store WHERE name = 'learner/empty' RETURNING 1)
SELECT count(*) AS deleted_versions FROM d;
SELECT al.run_learner('empty') AS round, pg_temp.scored('empty') AS scored;
SELECT model_version, labels_used FROM al.learning_curve WHERE learner = 'empty' ORDER BY 1;
SELECT l.model_version, m.version FROM al.learner_store l JOIN al.models m ON m.id = l.model_id WHERE l.name = 'empty';
-- and with too few usable labels left, it is a learner without a model
DELETE FROM pool_empty WHERE id BETWEEN 2 AND 4 OR id > 8;
WITH d AS (DELETE FROM al.model_store WHERE name = 'learner/empty' RETURNING 1)
SELECT count(*) AS deleted_versions FROM d;
SELECT al.run_learner('empty') AS round, pg_temp.scored('empty') AS scored;
SELECT model_version, (SELECT count(*) FROM al.learning_curve WHERE learner = 'empty') AS curve_points
FROM al.learners WHERE name = 'empty';
SELECT count(*) AS cold_batch, count(*) FILTER (WHERE score IS NULL) AS unscored FROM al.next_batch('empty', 5);

SELECT al.drop_learner(name) FROM al.learners ORDER BY name;
SELECT count(*) AS scores, (SELECT count(*) FROM al.ranking_state) AS ranking_states FROM al.scores;
SELECT count(*) AS learner_models_left FROM al.model_store WHERE learner_id IS NOT NULL;
DROP TABLE pool_alter, pool_retype, pool_long, pool_huge, pool_dup, pool_bad, pool_empty, pool_base CASCADE;
