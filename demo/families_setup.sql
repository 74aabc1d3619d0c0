-- make demo, part 5 (and make bench, section curves13): the data, test
-- sets and simulated expert of a regression task and a multi-label task on
-- real data (data/README.md says how the two tasks are derived).  Needs
-- digit_pool, digit_test, digit_truth (demo part 2, or bench/curves13.sql)
-- and wine_raw (loaded by demo/run_families.sh or bench/run_bench.sh).
\set QUIET on
\pset footer off

-- ==== regression: a wine's alcohol content from its 12 other measurements ====
CREATE TABLE wine AS
SELECT n AS id, v[2:13]::real[] AS x, v[1] AS alcohol
FROM (SELECT n, string_to_array(line, ',')::float8[] AS v FROM wine_raw) s;
ALTER TABLE wine ADD PRIMARY KEY (id);
-- 30% are a test set the learners never see; the rest is the pool
CREATE TABLE wine_test AS SELECT * FROM wine WHERE hashtextextended(id::text, 7) % 10 IN (0, 1, 2);
CREATE TABLE wine_pool AS SELECT id, x FROM wine WHERE id NOT IN (SELECT id FROM wine_test);
ALTER TABLE wine_pool ADD PRIMARY KEY (id);
-- the expert's answers, as the text al.label takes: a number
CREATE TABLE wine_truth AS SELECT id, alcohol::text AS label FROM wine WHERE id IN (SELECT id FROM wine_pool);

-- ==== multi-label: properties of the digit in each image ====
CREATE FUNCTION digit_tags(d text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
	SELECT ARRAY(SELECT t FROM (VALUES ('even', d IN ('0', '2', '4', '6', '8')), ('prime', d IN ('2', '3', '5', '7')),
	                                   ('large', d >= '5'), ('loop', d IN ('0', '6', '8', '9'))) v(t, has)
	             WHERE has) $$;
CREATE TABLE tag_truth AS SELECT id, digit_tags(digit)::text AS label FROM digit_truth;
CREATE TABLE tag_test AS SELECT id, pixels, digit_tags(digit) AS tags FROM digit_test;

\echo
\echo '== part 5: learners whose labels are numbers or sets of labels'
\echo 'Regression: Wine (UCI, CC BY 4.0), 178 wines; the alcohol content predicted from the 12 other'
\echo 'measurements (the data set has no numeric target of its own: alcohol is one of its columns).'
\echo 'Multi-label: the digits images tagged with properties of their digit (even, prime, large = 5 or'
\echo 'more, loop = 0, 6, 8, 9), derived from the digit: as hard as the digit, and not independent.'
SELECT (SELECT count(*) FROM wine_pool) AS wine_pool, (SELECT count(*) FROM wine_test) AS wine_test,
       (SELECT count(*) FROM digit_pool) AS digit_pool, (SELECT count(*) FROM tag_test) AS digit_test,
       (SELECT string_agg(label || ' ' || n, ', ' ORDER BY n DESC, label)
        FROM (SELECT label, count(*) AS n FROM tag_truth GROUP BY label) s) AS tag_sets_in_pool;

-- each learner's name starts with the task (wine_, tags_); its options say
-- its family, strategy and seed.  Each version measured on the test sets, in plain SQL from al_ext's predictions
CREATE TABLE family_curve (learner text, strategy text, seed int, labels int, version int, rmse float8, r2 float8,
                           micro_f1 float8, macro_f1 float8, subset_accuracy float8);
CREATE FUNCTION measure_wine(model_id bigint, OUT rmse float8, OUT r2 float8) LANGUAGE sql AS $$
	SELECT sqrt(avg((alcohol - p) ^ 2)), 1 - sum((alcohol - p) ^ 2) / sum((alcohol - m) ^ 2)
	FROM (SELECT alcohol, al.predict_value(model_id, x) AS p FROM wine_test) s,
	     (SELECT avg(alcohol) AS m FROM wine_test) a $$;
CREATE FUNCTION measure_tags(model_id bigint, OUT micro_f1 float8, OUT macro_f1 float8, OUT subset_accuracy float8)
LANGUAGE sql AS $$
	WITH pred AS (SELECT id, tags, al.predict_labels(model_id, pixels) AS pred FROM tag_test),
	per_tag AS (
		SELECT tag, count(*) FILTER (WHERE tag = ANY (tags) AND tag = ANY (pred)) AS tp,
		       count(*) FILTER (WHERE tag <> ALL (tags) AND tag = ANY (pred)) AS fp,
		       count(*) FILTER (WHERE tag = ANY (tags) AND tag <> ALL (pred)) AS fn
		FROM pred, unnest('{even,prime,large,loop}'::text[]) tag GROUP BY tag)
	SELECT (SELECT 2.0 * sum(tp) / (2 * sum(tp) + sum(fp) + sum(fn)) FROM per_tag),
	       (SELECT avg(2.0 * tp / nullif(2 * tp + fp + fn, 0)) FROM per_tag),
	       (SELECT avg((pred = tags)::int) FROM pred) $$;
CREATE FUNCTION measure_version(learner_name text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v record;
BEGIN
	SELECT c.labels_used, c.model_version, c.model_id, l.strategy, (l.options->>'seed')::int AS seed INTO v
	FROM al.learners l JOIN al.learning_curve c ON c.learner = l.name AND c.model_version = l.model_version
	WHERE l.name = learner_name;
	IF learner_name LIKE 'wine%' THEN
		INSERT INTO family_curve (learner, strategy, seed, labels, version, rmse, r2)
		SELECT learner_name, v.strategy, v.seed, v.labels_used, v.model_version, w.rmse, w.r2
		FROM measure_wine(v.model_id) w;
	ELSE
		INSERT INTO family_curve (learner, strategy, seed, labels, version, micro_f1, macro_f1, subset_accuracy)
		SELECT learner_name, v.strategy, v.seed, v.labels_used, v.model_version, t.micro_f1, t.macro_f1,
		       t.subset_accuracy
		FROM measure_tags(v.model_id) t;
	END IF;
END $$;

-- one round of the simulated expert: take a batch, answer it from the truth
-- table, run the learner's round (as the worker would), measure the version
CREATE PROCEDURE expert_rounds(learner text, truth regclass, rounds int) LANGUAGE plpgsql AS $$
DECLARE
	before int;
BEGIN
	FOR i IN 1 .. rounds LOOP
		EXECUTE format('SELECT al.label_many($1, jsonb_agg(jsonb_build_object(''item'', b.item_id, ''label'', t.label)))
		                FROM al.next_batch($1) b JOIN %s t ON t.id = b.item_id::bigint', truth) USING learner;
		SELECT coalesce(model_version, 0) INTO before FROM al.learners WHERE name = learner;
		PERFORM al.run_learner(learner);
		IF (SELECT coalesce(model_version, 0) FROM al.learners WHERE name = learner) > before THEN
			PERFORM measure_version(learner);
		END IF;
		COMMIT;
	END LOOP;
END $$;
