-- The loop's inputs at their limits: class lists, options, item ids of the
-- wrong type, read-only transactions, untyped array literals.  Each is a
-- clear error (message and SQLSTATE, no internal statement shown) or works.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try
-- the context of an error, without the lines of this helper and of try
CREATE FUNCTION pg_temp.context(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	c text;
BEGIN
	EXECUTE sql;
	RETURN 'no error';
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS c = PG_EXCEPTION_CONTEXT;
	RETURN coalesce(nullif(regexp_replace(c, '(^|\n)PL/pgSQL function pg_temp[^\n]*', '', 'g'), ''), '(none)');
END $$;

CREATE TABLE pool_in AS SELECT i::bigint AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 30) i;
ALTER TABLE pool_in ADD PRIMARY KEY (id);
CREATE TABLE pool_int AS SELECT i::integer AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 30) i;
CREATE TABLE pool_uuid AS SELECT md5(i::text)::uuid AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 30) i;

-- 1. class lists (defect 7): up to 32,767 classes, checked in O(n log n)
SELECT al.create_learner('c8000', 'pool_in', 'id', 'x', ARRAY(SELECT 'class ' || i FROM generate_series(1, 8000) i)) > 0 AS created_8000;
SELECT al.create_learner('c32767', 'pool_in', 'id', 'x', ARRAY(SELECT 'c' || i FROM generate_series(1, 32767) i)) > 0 AS created_32767;
SELECT pg_temp.try($$SELECT al.create_learner('c32768', 'pool_in', 'id', 'x', ARRAY(SELECT 'c' || i FROM generate_series(1, 32768) i))$$) AS classes_32768;
SELECT pg_temp.try($$SELECT al.create_learner('crep', 'pool_in', 'id', 'x', ARRAY(SELECT 'c' || i FROM generate_series(1, 8000) i) || ARRAY['c17'])$$) AS repeated_far_apart;
SELECT pg_temp.try($$SELECT al.create_learner('c2d', 'pool_in', 'id', 'x', ARRAY[['a', 'b'], ['c', 'd']])$$) AS two_dimensional;
DO $$ DECLARE d text; BEGIN
	PERFORM al.create_learner('crep', 'pool_in', 'id', 'x', ARRAY(SELECT 'c' || i FROM generate_series(1, 8000) i) || ARRAY['c17']);
EXCEPTION WHEN others THEN GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL; RAISE NOTICE 'detail: %', d; END $$;
SELECT pg_temp.try($$SELECT al.create_learner('crep', 'pool_in', 'id', 'x', ARRAY['b', 'a', 'ab', 'a'])$$) AS repeated;
SELECT pg_temp.try($$SELECT al.create_learner('crep', 'pool_in', 'id', 'x', ARRAY['a', 'a ', 'A']) > 0$$) AS distinct_bytes;
SELECT al.drop_learner('crep');
SELECT array_length(classes, 1) AS classes FROM al.learners WHERE name IN ('c8000', 'c32767') ORDER BY 1;
-- labels are checked against 32,767 classes by lookup; messages list the first 20
SELECT al.label('c32767', 1, 'c32767'), al.label('c32767', 2, 'c1');
SELECT pg_temp.try($$SELECT al.label('c32767', 3, 'c32768')$$) AS not_a_class;
DO $$ DECLARE d text; BEGIN PERFORM al.label('c32767', 3, 'c32768');
EXCEPTION WHEN others THEN GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL; RAISE NOTICE 'detail: %', d; END $$;
SELECT al.retrain('c32767');
SELECT al.run_learner('c32767') AS round_32767_classes;
SELECT count(*) AS scored, min(al.num_classes(probs)) AS classes,
       count(*) FILTER (WHERE s.probs::text <> al.predict_proba('learner/c32767', p.x)::text) AS probs_differ
FROM al.scores s JOIN al.learners l ON l.id = s.learner_id JOIN pool_in p ON p.id::text = s.item_id
WHERE l.name = 'c32767';
SELECT al.drop_learner('c8000'), al.drop_learner('c32767');

-- 2. options that would make every retrain or batch fail (defect 12)
SELECT pg_temp.try($$SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"holdout": 0.999999}')$$) AS holdout_almost_1;
SELECT pg_temp.try($$SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"holdout": 0.51}')$$) AS holdout_above_half;
SELECT pg_temp.try($$SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"holdout": -0.1}')$$) AS holdout_negative;
SELECT pg_temp.try($$SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"lease": "294270 years"}')$$) AS lease_294270_years;
SELECT pg_temp.try($$SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"lease": "367 days"}')$$) AS lease_367_days;
SELECT pg_temp.try($$SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"lease": "13 mons"}')$$) AS lease_13_months;
SELECT pg_temp.try($$SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"lease": "1 year 7 days"}')$$) AS lease_a_year_and_a_week;
SELECT pg_temp.try($$SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"c": 1e-320}')$$) AS c_denormal;
SELECT pg_temp.try($$SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"c": 1e11}')$$) AS c_huge;
SELECT pg_temp.try($$SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"batch_size": 100001}')$$) AS batch_size_too_big;
SELECT pg_temp.try($$SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['a', 'b'], 'bald', '{"committee": 101}')$$) AS committee_too_big;
SELECT pg_temp.try($$SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"max_iter": 0}')$$) AS max_iter_zero;
SELECT pg_temp.try($$SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 1.5}')$$) AS retrain_every_fraction;
-- the limits themselves are accepted, and work
SELECT al.create_learner('o', 'pool_in', 'id', 'x', ARRAY['even', 'odd'], 'entropy',
                         '{"holdout": 0.5, "lease": "1 year", "c": 1e-10, "retrain_every": 2, "seed": 1}') > 0 AS created_at_limits;
SELECT pg_temp.try($$SELECT al.alter_learner('o', NULL, '{"lease": "294270 years"}')$$) AS alter_lease;
SELECT pg_temp.try($$SELECT al.alter_learner('o', NULL, '{"holdout": 0.999999}')$$) AS alter_holdout;
SELECT al.alter_learner('o', NULL, '{"lease": "366 days"}');
SELECT options->>'lease' AS lease, options->>'holdout' AS holdout FROM al.learners WHERE name = 'o';
SELECT count(*) AS batch FROM al.next_batch('o', 2);
SELECT count(*) AS leases, bool_and(expires_at - leased_at BETWEEN interval '366 days' AND interval '366 days 1 minute') AS leased_366_days
FROM al.leases l JOIN al.learners n ON n.id = l.learner_id WHERE n.name = 'o';
-- a holdout that leaves too few rows (or one class) to train on: the round waits for labels
SELECT al.label('o', 1, 'odd'), al.label('o', 2, 'even');
SELECT al.run_learner('o') AS round_two_labels;
SELECT count(*) AS labeled FROM (SELECT al.label('o', id, CASE WHEN id % 2 = 1 THEN 'odd' ELSE 'even' END) FROM pool_in WHERE id BETWEEN 3 AND 12) s;
SELECT al.run_learner('o') AS round_twelve_labels;
SELECT labels_used, selected_holdout_accuracy IS NOT NULL AS has_holdout_accuracy FROM al.learning_curve WHERE learner = 'o';
SELECT al.drop_learner('o');

-- 3. item ids of the wrong type (defect 15): a clean error naming the
-- learner's id type, without al_ext's statements in the context
SELECT al.create_learner('ids', 'pool_in', 'id', 'x', ARRAY['even', 'odd']) > 0 AS created;
SELECT al.create_learner('ids_int', 'pool_int', 'id', 'x', ARRAY['even', 'odd']) > 0 AS created;
SELECT al.create_learner('ids_uuid', 'pool_uuid', 'id', 'x', ARRAY['even', 'odd']) > 0 AS created;
SELECT pg_temp.try($$SELECT al.label('ids', 'abc', 'odd')$$) AS bigint_id;
SELECT pg_temp.context($$SELECT al.label('ids', 'abc', 'odd')$$) AS context;
SELECT pg_temp.try($$SELECT al.label('ids_int', '99999999999', 'odd')$$) AS integer_out_of_range;
SELECT pg_temp.try($$SELECT al.label('ids_uuid', 'not-a-uuid', 'odd')$$) AS uuid_id;
SELECT pg_temp.try($$SELECT al.label_many('ids', '[{"item": 1, "label": "odd"}, {"item": "2", "label": "even"}, {"item": "abc", "label": "odd"}]')::text$$) AS label_many_position;
SELECT pg_temp.context($$SELECT al.label_many('ids', '[{"item": 1, "label": "odd"}, {"item": "abc", "label": "odd"}]')$$) AS context;
SELECT pg_temp.try($$SELECT al.label_many('ids', '[{"item": 1, "label": "odd"}, {"item": 999, "label": "odd"}]')::text$$) AS label_many_unknown_item;
SELECT pg_temp.try($$SELECT al.label_many('ids', '[{"item": 1, "label": "odd"}, {"item": 2, "label": "red"}]')::text$$) AS label_many_not_a_class;
SELECT pg_temp.try($$SELECT al.label_many('ids', '[{"item": 1, "label": "odd", "annotator": ""}]')::text$$) AS label_many_empty_annotator;
-- a field that is null, an object or an array is an error naming the element, never dropped
-- (an annotator that is not a string was replaced by the caller's name)
SELECT pg_temp.try($$SELECT al.label_many('ids', '[{"item": 1, "label": "odd"}, {"item": 2, "label": "odd", "annotator": {"name": "ann"}}]')::text$$) AS object_annotator;
SELECT pg_temp.try($$SELECT al.label_many('ids', '[{"item": 1, "label": "odd", "annotator": ["ann"]}]')::text$$) AS array_annotator;
SELECT pg_temp.try($$SELECT al.label_many('ids', '[{"item": 1, "label": "odd", "annotator": null}]')::text$$) AS null_annotator;
SELECT pg_temp.try($$SELECT al.label_many('ids', '[{"item": {"id": 1}, "label": "odd"}]')::text$$) AS object_item;
SELECT pg_temp.try($$SELECT al.label_many('ids', '[{"item": null, "label": "odd"}]')::text$$) AS null_item;
SELECT pg_temp.try($$SELECT al.label_many('ids', '[{"item": 1, "label": ["odd"]}]')::text$$) AS array_label;
SELECT pg_temp.try($$SELECT al.label_many('ids', '[1]')::text$$) AS number_element,
	pg_temp.try($$SELECT al.label_many('ids', '[{"item": 1, "label": "odd"}, ["x"]]')::text$$) AS array_element;
SELECT count(*) AS nothing_recorded FROM al.labels;
-- canonical ids: the pool's text of the id, whatever form was given
SELECT al.label('ids_int', ' 007', 'odd'), al.label('ids_uuid', upper(md5('3')), 'odd');
SELECT item_id FROM al.labels ORDER BY 1;
-- label_many: the last label of an item and annotator wins, as label after label would
SELECT al.label_many('ids', '[{"item": 5, "label": "odd"}, {"item": "5", "label": "even"}, {"item": 5, "label": "odd", "annotator": "ann2"}]') AS recorded;
SELECT item_id, annotator, label FROM al.labels b JOIN al.learners l ON l.id = b.learner_id WHERE l.name = 'ids' ORDER BY 2;
SELECT al.label_many('ids', '[]') AS none;

-- 4. a read-only transaction: a clean error before any statement runs
BEGIN READ ONLY;
SELECT pg_temp.try($$SELECT count(*) FROM al.next_batch('ids', 2)$$) AS next_batch_read_only;
SELECT pg_temp.context($$SELECT count(*) FROM al.next_batch('ids', 2)$$) AS context;
SELECT pg_temp.try($$SELECT al.label('ids', 1, 'odd')$$) AS label_read_only;
SELECT pg_temp.try($$SELECT al.label_many('ids', '[]')::text$$) AS label_many_read_only;
SELECT pg_temp.try($$SELECT al.release('ids', ARRAY[1])::text$$) AS release_read_only;
SELECT pg_temp.try($$SELECT al.retrain('ids')$$) AS retrain_read_only;
SELECT pg_temp.try($$SELECT al.run_learner('ids')$$) AS run_read_only;
SELECT pg_temp.try($$SELECT al.alter_learner('ids', 'least_confidence')$$) AS alter_read_only;
SELECT pg_temp.try($$SELECT al.drop_learner('ids')$$) AS drop_read_only;
SELECT pg_temp.try($$SELECT al.create_learner('ro', 'pool_in', 'id', 'x', ARRAY['a', 'b'])$$) AS create_read_only;
ROLLBACK;

-- 5. release with an untyped array literal (as drivers send parameters), typed arrays, uuids
SELECT count(*) AS leased FROM al.next_batch('ids', 30, 'ann');
SELECT al.release('ids', '{1,2}', 'ann') AS untyped_literal;
SELECT al.release('ids', ARRAY[3, 4], 'ann') AS integer_array;
SELECT al.release('ids', ARRAY['6', '7'], 'ann') AS text_array;
SELECT al.release('ids', ARRAY[8, 9]::bigint[], 'ann') AS bigint_array;
SELECT pg_temp.try($$SELECT al.release('ids', 'x')::text$$) AS not_an_array;
SELECT count(*) AS leased FROM al.next_batch('ids_uuid', 2, 'ann');
SELECT al.release('ids_uuid', (SELECT array_agg(item_id::uuid) FROM al.leases l JOIN al.learners n ON n.id = l.learner_id WHERE n.name = 'ids_uuid'), 'ann') AS uuid_array;
SELECT count(*) AS leases_left FROM al.leases l JOIN al.learners n ON n.id = l.learner_id WHERE n.name = 'ids' AND l.item_id::int < 10;

SELECT al.drop_learner('ids'), al.drop_learner('ids_int'), al.drop_learner('ids_uuid');
SELECT count(*) AS learner_models_left FROM al.model_store WHERE learner_id IS NOT NULL;
DROP TABLE pool_in, pool_int, pool_uuid;
