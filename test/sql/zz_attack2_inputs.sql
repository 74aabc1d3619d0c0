-- (named zz_ so that it runs last: the ids it consumes shift no other file's output)
-- Attack (review of main): inputs accepted at the door that break later,
-- or are silently replaced.  Each line is true when al_ext behaves; false
-- (or a wrong message) shows the defect.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

CREATE TABLE atk_pool AS
SELECT i::bigint AS id, ARRAY[(i % 2) + (i % 7) * 0.01, (i % 3) * 0.1]::real[] AS x
FROM generate_series(1, 40) i;

-- 1. A learner name of 9,000 bytes is accepted by al.create_learner, but
-- every round of it fails at publish ("payload string too long": the NOTIFY
-- payload holds the name, at most 8,000 bytes): the learner never gets a
-- model, and the worker retries it for ever.  Either refuse the name at
-- creation with a clear error, or let the round work.
CREATE FUNCTION pg_temp.long_name_round() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	created text := pg_temp.try($q$SELECT al.create_learner(repeat('n', 9000), 'atk_pool', 'id', 'x',
	                              ARRAY['a', 'b'], 'entropy', '{"retrain_every": 1}')::text$q$);
BEGIN
	IF created NOT LIKE 'ok:%' THEN
		RETURN 'refused';
	END IF;
	PERFORM al.label(repeat('n', 9000), 1, 'b'), al.label(repeat('n', 9000), 2, 'a');
	RETURN pg_temp.try($q$SELECT al.run_learner(repeat('n', 9000))$q$);
END $$;
SELECT pg_temp.long_name_round() IN ('refused', 'ok: retrained') AS long_name_usable_or_refused;
SELECT count(al.drop_learner(name)) FROM al.learners WHERE name = repeat('n', 9000) HAVING false;
-- refused with a clear error (test/sql/loop.sql); the longest name works
SELECT pg_temp.try($$SELECT al.create_learner(repeat('n', 9000), 'atk_pool', 'id', 'x', ARRAY['a', 'b'])::text$$) AS name_9000_bytes;
SELECT al.create_learner(repeat('n', 255), 'atk_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 1}') > 0 AS name_255_bytes;
SELECT al.label(repeat('n', 255), 1, 'b'), al.label(repeat('n', 255), 2, 'a');
SELECT al.run_learner(repeat('n', 255)) AS round_255;
SELECT al.drop_learner(repeat('n', 255));
-- a longer name than the bound (one from before it, here set by hand) no
-- longer breaks publishing: the payload leaves it out (test/t/067)
SELECT al.create_learner('m', 'atk_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 1}') > 0 AS created;
UPDATE al.learner_store SET name = repeat('m', 9000) WHERE name = 'm';
SELECT al.label(repeat('m', 9000), 1, 'b'), al.label(repeat('m', 9000), 2, 'a');
SELECT al.run_learner(repeat('m', 9000)) AS round_9000;
SELECT al.drop_learner(repeat('m', 9000));

-- 2. al.label_many: an annotator that is not a string (an object, an
-- array) is silently replaced by the caller: the label is recorded in the
-- caller's name.  It should be an error naming the element, as a missing
-- item or label is.
SELECT al.create_learner('atk', 'atk_pool', 'id', 'x', ARRAY['a', 'b']) > 0 AS created;
SELECT pg_temp.try($$SELECT al.label_many('atk', '[{"item": 3, "label": "a", "annotator": {"name": "ann"}}]')::text$$)
       LIKE '22023: %element 1%' AS object_annotator_refused;
SELECT pg_temp.try($$SELECT al.label_many('atk', '[{"item": 4, "label": "a", "annotator": ["ann"]}]')::text$$)
       LIKE '22023: %element 1%' AS array_annotator_refused;
SELECT count(*) AS labels_recorded_in_callers_name FROM al.labels WHERE item_id IN ('3', '4');

-- 3. al.predict_proba with double precision features beyond real's range:
-- the model reads them as infinities and the error blames the probability
-- ("probability at position 1 is not finite: NaN"), not the feature.  The
-- pool path says "beyond real's range"; prediction should name the feature.
SELECT al.run_learner('atk');
SELECT al.label('atk', 1, 'b'), al.label('atk', 2, 'a');
SELECT al.retrain('atk');
SELECT al.run_learner('atk');
SELECT pg_temp.try($$SELECT al.predict_proba('learner/atk', '{1e300, 1}'::float8[])::text$$)
       LIKE '22003: feature 1 %' AS names_the_feature;
SELECT al.drop_learner('atk');
DROP TABLE atk_pool;
