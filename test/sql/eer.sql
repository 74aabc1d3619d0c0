-- al.expected_error_reduction: expected error reduction (Roy and McCallum
-- 2001) with a stored model, on the unlabeled rows of a table.  Checked
-- against a hand-checkable symmetric case and against a brute-force full
-- retrain per (candidate, class) written here in SQL with al.train_model;
-- options, privileges and every error with its SQLSTATE.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

SELECT provolatile, proparallel, prosecdef FROM pg_proc WHERE oid = 'al.expected_error_reduction'::regproc;

-- 1. Symmetric 1-D, two classes: labeled -2, -1.5 (a) and 1.5, 2 (b); the
-- pool -1, -0.5, 0, 0.5, 1.  The mirror x -> -x with a <-> b maps the
-- problem onto itself, so p(a | 0) = 1/2, EE(-x) = EE(x), and the middle
-- point is picked first (with either loss).
CREATE TABLE sym (id integer PRIMARY KEY, x real[], label text);
INSERT INTO sym VALUES (1, '{-2}', 'a'), (2, '{-1.5}', 'a'), (3, '{1.5}', 'b'), (4, '{2}', 'b'),
	(10, '{-1}', NULL), (11, '{-0.5}', NULL), (12, '{0}', NULL), (13, '{0.5}', NULL), (14, '{1}', NULL);
SELECT al.train_model('sym', 'sym', 'x', 'label', '{"tol": 1e-8, "max_iter": 1000}') > 0 AS trained;
SELECT abs((al.predict_proba('sym', '{0}'::real[])::real[])[1] - 0.5) < 1e-6 AS p_half_at_zero;
SELECT item_id, rank = 1 AS first, round(expected_error::numeric, 4) AS ee,
       round(reduction::numeric, 4) AS reduction, round(uncertainty::numeric, 4) AS entropy
FROM al.expected_error_reduction('sym', 'sym', 'id', 'x', 'label') ORDER BY item_id;
-- mirror pairs have the same expected error (to rounding)
SELECT bool_and(abs(a.expected_error - b.expected_error) < 1e-6) AS mirror_symmetric
FROM al.expected_error_reduction('sym', 'sym', 'id', 'x', 'label') a
JOIN al.expected_error_reduction('sym', 'sym', 'id', 'x', 'label') b
  ON (a.item_id, b.item_id) IN (('10', '14'), ('11', '13'));
SELECT item_id, rank FROM al.expected_error_reduction('sym', 'sym', 'id', 'x', 'label', '{"loss": "zero_one"}')
WHERE rank = 1;
-- reduction = current error - expected error: the current error is the same
-- for every candidate: the mean entropy of the current model on the pool
SELECT round((reduction + expected_error)::numeric, 6) = round((
	SELECT avg(al.entropy(al.predict_proba('sym', x))) FROM sym WHERE label IS NULL)::numeric, 6) AS current_error,
	count(*) AS candidates
FROM al.expected_error_reduction('sym', 'sym', 'id', 'x', 'label')
GROUP BY 1;

-- 2. A tiny pool against the brute force: for each unlabeled row x and each
-- class y, al.train_model from scratch on the labeled rows plus (x, y),
-- then the mean loss of that model on the pool, weighted by the current
-- model's p(y | x).  The warm-started update picks the same row.
SELECT setseed(0.31);
CREATE TABLE tiny AS
SELECT i AS id,
       ARRAY[(i % 3) * 1.2 + (random() * 2 - 1) * 1.1, (i % 3 = 1)::int * 1.5 + (random() * 2 - 1) * 1.1]::real[] AS x,
       CASE WHEN i <= 9 THEN (ARRAY['r', 'g', 'b'])[i % 3 + 1] END AS label
FROM generate_series(1, 17) i;
SELECT al.train_model('tiny', 'tiny', 'x', 'label', '{"tol": 1e-8, "max_iter": 10000}') > 0 AS trained;
CREATE TABLE tiny_bf (id integer, x real[], label text);
CREATE FUNCTION pg_temp.brute_force(loss text) RETURNS TABLE (id integer, expected_error double precision)
LANGUAGE plpgsql AS $$
DECLARE
	c record;
	cls text;
	classes text[] := ARRAY['b', 'g', 'r'];	-- the model's order (text order)
	p real[];
	ee double precision;
BEGIN
	FOR c IN SELECT t.id, t.x FROM tiny t WHERE t.label IS NULL ORDER BY t.id LOOP
		p := al.predict_proba('tiny', c.x)::real[];
		ee := 0;
		FOR i IN 1..3 LOOP
			TRUNCATE tiny_bf;
			INSERT INTO tiny_bf SELECT t.id, t.x, t.label FROM tiny t WHERE t.label IS NOT NULL;
			INSERT INTO tiny_bf VALUES (c.id, c.x, classes[i]);
			PERFORM al.train_model('tiny_bf', 'tiny_bf', 'x', 'label', '{"tol": 1e-8, "max_iter": 10000}');
			ee := ee + p[i] * (SELECT avg(CASE loss WHEN 'log' THEN al.entropy(al.predict_proba('tiny_bf', t.x))
			                                        ELSE al.least_confidence(al.predict_proba('tiny_bf', t.x)) END)
			                   FROM tiny t WHERE t.label IS NULL);
		END LOOP;
		id := c.id;
		expected_error := ee;
		RETURN NEXT;
	END LOOP;
END $$;
CREATE TABLE tiny_brute AS
SELECT 'log' AS loss, * FROM pg_temp.brute_force('log')
UNION ALL SELECT 'zero_one', * FROM pg_temp.brute_force('zero_one');
-- the pick, and every expected error within 1e-4 of the brute force's
SELECT b.loss,
       (SELECT id FROM tiny_brute WHERE loss = b.loss ORDER BY expected_error LIMIT 1) AS brute_force_pick,
       (SELECT item_id::integer FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label',
                                  jsonb_build_object('loss', b.loss)) WHERE rank = 1) AS eer_pick,
       max(abs(e.expected_error - b.expected_error)) < 1e-4 AS close
FROM tiny_brute b
JOIN LATERAL al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', jsonb_build_object('loss', b.loss)) e
  ON e.item_id::integer = b.id
GROUP BY b.loss ORDER BY b.loss;
-- a single step is not the brute force: the test above can fail
SELECT count(*) FILTER (WHERE abs(e.expected_error - b.expected_error) > 1e-4) > 0 AS one_step_differs
FROM tiny_brute b
JOIN al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"steps": 1}') e ON e.item_id::integer = b.id
WHERE b.loss = 'log';
SELECT al.drop_model('tiny_bf') > 0 AS dropped;

-- 3. Options.  candidates: the M most uncertain rows by the chosen score
-- (ties by the seeded key), so every rank comes from them
SELECT array_agg(item_id::integer ORDER BY item_id::integer) = (
	SELECT array_agg(id ORDER BY id) FROM (
		SELECT id FROM tiny WHERE label IS NULL
		ORDER BY al.entropy(al.predict_proba('tiny', x)) DESC LIMIT 3) s) AS top3_by_entropy,
       count(*) AS rows
FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"candidates": 3}');
SELECT array_agg(item_id::integer ORDER BY item_id::integer) = (
	SELECT array_agg(id ORDER BY id) FROM (
		SELECT id FROM tiny WHERE label IS NULL
		ORDER BY al.margin_confidence(al.predict_proba('tiny', x)) DESC LIMIT 3) s) AS top3_by_margin,
       bool_and(abs(uncertainty - al.margin_confidence(al.predict_proba('tiny', t.x))) < 1e-9) AS margin_reported
FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"candidates": 3, "uncertainty": "margin"}') e
JOIN tiny t ON t.id = e.item_id::integer;
SELECT bool_and(abs(uncertainty - al.least_confidence(al.predict_proba('tiny', t.x))) < 1e-9) AS least_confidence_reported
FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"uncertainty": "least_confidence"}') e
JOIN tiny t ON t.id = e.item_id::integer;
-- sample: a seeded subset; the same seed gives the same result, the whole
-- pool whatever the seed when S >= the pool
SELECT (SELECT array_agg(expected_error ORDER BY item_id) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"sample": 3, "seed": 5}'))
     = (SELECT array_agg(expected_error ORDER BY item_id) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"sample": 3, "seed": 5}')) AS same_seed_same_result,
       (SELECT array_agg(expected_error ORDER BY item_id) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"sample": 3, "seed": 5}'))
     <> (SELECT array_agg(expected_error ORDER BY item_id) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"sample": 3, "seed": 6}')) AS other_seed_other_sample,
       (SELECT array_agg(round(expected_error::numeric, 9) ORDER BY item_id) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"seed": 5}'))
     = (SELECT array_agg(round(expected_error::numeric, 9) ORDER BY item_id) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"seed": 6}')) AS whole_pool_any_seed;
-- the sample does not depend on the order rows are read in
CREATE TABLE tiny_rev AS SELECT * FROM tiny ORDER BY id DESC;
SELECT (SELECT array_agg(round(expected_error::numeric, 9) ORDER BY item_id) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"sample": 4, "seed": 9}'))
     = (SELECT array_agg(round(expected_error::numeric, 9) ORDER BY item_id) FROM al.expected_error_reduction('tiny', 'tiny_rev', 'id', 'x', 'label', '{"sample": 4, "seed": 9}')) AS order_independent;
-- options are null-tolerant: NULL = defaults
SELECT count(*) AS with_null_options FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', NULL);
-- every kind of id reads as text; a table with no unlabeled row gives no rows
CREATE TABLE tiny_uuid AS SELECT md5(id::text)::uuid AS id, x::double precision[] AS x, label FROM tiny;
SELECT count(*) AS uuid_ids, bool_and(item_id ~ '^[0-9a-f-]{36}$') AS uuid_text
FROM al.expected_error_reduction('tiny', 'tiny_uuid', 'id', 'x', 'label');
CREATE TABLE tiny_all AS SELECT id, x, coalesce(label, 'r') AS label FROM tiny;
SELECT count(*) AS nothing_to_label FROM al.expected_error_reduction('tiny', 'tiny_all', 'id', 'x', 'label');
CREATE TEMP TABLE tiny_temp AS SELECT * FROM tiny;
SELECT count(*) AS temp_table FROM al.expected_error_reduction('tiny', 'tiny_temp', 'id', 'x', 'label');

-- labeled rows spread over many blocks of the read (1,000 rows a block)
-- are all kept: the same result whatever the physical order of the rows
-- (once, labeled rows were lost when their block's memory was reset)
CREATE TABLE many AS
SELECT i AS id, ARRAY[(i % 3) + (i % 7) * 0.05, (i % 3 = 1)::int + (i % 11) * 0.04]::real[] AS x,
       CASE WHEN i % 2 = 0 THEN (ARRAY['r', 'g', 'b'])[i % 3 + 1] END AS label
FROM generate_series(1, 6000) i;
CREATE TABLE many_sorted AS SELECT * FROM many ORDER BY label NULLS LAST, id;
SELECT al.train_model('many', 'many', 'x', 'label') > 0 AS trained;
SELECT (SELECT array_agg(item_id || ':' || round(expected_error::numeric, 8) ORDER BY rank)
        FROM al.expected_error_reduction('many', 'many', 'id', 'x', 'label', '{"candidates": 4, "sample": 2500, "steps": 5}'))
     = (SELECT array_agg(item_id || ':' || round(expected_error::numeric, 8) ORDER BY rank)
        FROM al.expected_error_reduction('many', 'many_sorted', 'id', 'x', 'label', '{"candidates": 4, "sample": 2500, "steps": 5}'))
       AS physical_order_irrelevant;
CREATE FUNCTION pg_temp.try_detail(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
	detail text;
	hint text;
BEGIN
	EXECUTE sql INTO r;
	RETURN 'ok: ' || coalesce(r, 'NULL');
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
	RETURN SQLSTATE || ': ' || SQLERRM || E'\nDETAIL: ' || detail || E'\nHINT: ' || hint;
END $$;
-- memory within al_ext.selection_max_memory (53400 past it), each part
-- counted as it is taken, the detail naming it: the blocks of the read
-- (1,000 rows), the candidates' and the sample's heaps (sized as asked),
-- the labeled rows (3,000 here, kept as they come), then the look-ahead
-- updates' work (al_eer_memory_bytes: the kernel's peak, unit-tested)
SELECT array_agg(item_id ORDER BY rank) AS picks_1gb
FROM al.expected_error_reduction('many', 'many', 'id', 'x', 'label', '{"candidates": 4, "sample": 100, "steps": 5}') \gset
SET al_ext.selection_max_memory = '64kB';
SELECT pg_temp.try_detail($$SELECT count(*) FROM al.expected_error_reduction('many', 'many', 'id', 'x', 'label', '{"candidates": 4, "sample": 100, "steps": 5}')$$);
SET al_ext.selection_max_memory = '512kB';
SELECT pg_temp.try_detail($$SELECT count(*) FROM al.expected_error_reduction('many', 'many', 'id', 'x', 'label', '{"candidates": 5000, "sample": 100, "steps": 5}')$$);
SELECT pg_temp.try_detail($$SELECT count(*) FROM al.expected_error_reduction('many', 'many', 'id', 'x', 'label', '{"candidates": 4, "sample": 5000, "steps": 5}')$$);
SET al_ext.selection_max_memory = '150kB';
SELECT pg_temp.try_detail($$SELECT count(*) FROM al.expected_error_reduction('many', 'many', 'id', 'x', 'label', '{"candidates": 4, "sample": 100, "steps": 5}')$$);
SET al_ext.selection_max_memory = '200kB';
SELECT pg_temp.try_detail($$SELECT count(*) FROM al.expected_error_reduction('many', 'many', 'id', 'x', 'label', '{"candidates": 4, "sample": 100, "steps": 5}')$$);
-- enough: the same picks as with the default 1GB
SET al_ext.selection_max_memory = '400kB';
SELECT array_agg(item_id ORDER BY rank) = :'picks_1gb' AS same_picks
FROM al.expected_error_reduction('many', 'many', 'id', 'x', 'label', '{"candidates": 4, "sample": 100, "steps": 5}');
RESET al_ext.selection_max_memory;
SELECT al.drop_model('many') > 0 AS dropped;
-- long text ids count as the heaps keep them: 40 candidates and 40 sample
-- rows with ids of about 20,000 bytes, 1.6 MB of ids, past 1MB; short ids fit
CREATE TABLE longid AS
SELECT repeat('x', 20000) || i AS id, ARRAY[i % 2, i % 3]::real[] AS x,
       CASE WHEN i <= 20 THEN (ARRAY['a', 'b'])[i % 2 + 1] END AS label
FROM generate_series(1, 120) i;
CREATE TABLE shortid AS SELECT 'x' || substr(id, 20001) AS id, x, label FROM longid;
SELECT al.train_model('longid', 'longid', 'x', 'label') > 0 AS trained;
SET al_ext.selection_max_memory = '1MB';
SELECT pg_temp.try_detail($$SELECT count(*) FROM al.expected_error_reduction('longid', 'longid', 'id', 'x', 'label', '{"candidates": 40, "sample": 40}')$$);
SELECT pg_temp.try_detail($$SELECT count(*) FROM al.expected_error_reduction('longid', 'shortid', 'id', 'x', 'label', '{"candidates": 40, "sample": 40}')$$);
RESET al_ext.selection_max_memory;
SELECT al.drop_model('longid') > 0 AS dropped;
DROP TABLE longid, shortid;

-- 4. Errors, each with its SQLSTATE
SELECT pg_temp.try(q) FROM (VALUES
	($$SELECT count(*) FROM al.expected_error_reduction(NULL, 'tiny', 'id', 'x', 'label')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', NULL, 'id', 'x', 'label')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', NULL, 'x', 'label')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', NULL, 'label')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', NULL)$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '[1]')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"batch": 3}')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"loss": "hinge"}')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"loss": 1}')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"candidates": 0}')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"candidates": 10001}')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"candidates": 2.5}')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"sample": 0}')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"sample": 100001}')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"steps": 0}')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"steps": 1001}')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"seed": -1}')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label', '{"uncertainty": "bald"}')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('no such model', 'tiny', 'id', 'x', 'label')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'nope', 'x', 'label')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'nope', 'label')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'nope')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'label', 'label')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('tiny', 4000000000::oid::regclass, 'id', 'x', 'label')$$),
	($$SELECT count(*) FROM al.expected_error_reduction('sym', 'tiny', 'id', 'x', 'label')$$)
) v(q);

-- bad rows, named by their id
CREATE TABLE bad (id text, x double precision[], label text);
INSERT INTO bad SELECT id::text, x, label FROM tiny;
CREATE FUNCTION pg_temp.eer_bad() RETURNS text LANGUAGE sql
	AS $$ SELECT pg_temp.try($q$SELECT count(*) FROM al.expected_error_reduction('tiny', 'bad', 'id', 'x', 'label')$q$) $$;
SELECT pg_temp.eer_bad() AS all_good;
UPDATE bad SET x = NULL WHERE id = '12';
SELECT pg_temp.eer_bad() AS null_features;
UPDATE bad SET x = '{1,2,3}' WHERE id = '12';
SELECT pg_temp.eer_bad() AS three_features;
UPDATE bad SET x = '{{1,2}}' WHERE id = '12';
SELECT pg_temp.eer_bad() AS two_dimensional;
UPDATE bad SET x = '{1,NULL}' WHERE id = '12';
SELECT pg_temp.eer_bad() AS null_feature;
UPDATE bad SET x = '{1,NaN}' WHERE id = '12';
SELECT pg_temp.eer_bad() AS nan_feature;
UPDATE bad SET x = '{1,1}' WHERE id = '12';
UPDATE bad SET x = '{1,-Infinity}' WHERE id = '3';
SELECT pg_temp.eer_bad() AS infinite_labeled_feature;
UPDATE bad SET x = '{1,1}' WHERE id = '3';
-- a double beyond real's range (the kernel works in float)
UPDATE bad SET x = '{1,1e300}' WHERE id = '12';
SELECT pg_temp.eer_bad() AS beyond_real;
-- features within real's range whose float logits overflow (the sample's
-- predictions): an error, never NaN expected errors
UPDATE bad SET x = '{3e38,3e38}' WHERE id = '12';
SELECT pg_temp.eer_bad() AS overflowing_logits;
UPDATE bad SET x = '{1,1}' WHERE id = '12';
UPDATE bad SET id = NULL WHERE id = '12';
SELECT pg_temp.eer_bad() AS null_id;
UPDATE bad SET id = '12' WHERE id IS NULL;
UPDATE bad SET label = 'purple' WHERE id = '4';
SELECT pg_temp.eer_bad() AS unknown_label;
UPDATE bad SET label = 'g' WHERE id = '4';
SELECT pg_temp.eer_bad() AS good_again;

-- a committee cannot be updated as one model
SELECT al.train_model('tiny_committee', 'tiny', 'x', 'label', '{"members": 3}') > 0 AS trained;
SELECT pg_temp.try($$SELECT count(*) FROM al.expected_error_reduction('tiny_committee', 'tiny', 'id', 'x', 'label')$$);
-- a stored model whose options lost c (only the store's owner or a
-- superuser can write al.model_store) cannot be updated with its own c
SELECT al.train_model('no_c', 'tiny', 'x', 'label') > 0 AS trained;
UPDATE al.model_store SET options = options - 'c' WHERE name = 'no_c';
SELECT pg_temp.try($$SELECT count(*) FROM al.expected_error_reduction('no_c', 'tiny', 'id', 'x', 'label')$$);
SELECT al.drop_model('no_c') AS dropped;
-- a class the model was trained without (its rows all held out) but the
-- labeled rows have
CREATE TABLE heldout AS
SELECT i AS id, ARRAY[i % 2, (i % 5) * 0.3]::real[] AS x,
       CASE WHEN i = 20 THEN 'c' WHEN i < 20 THEN (ARRAY['a', 'b'])[i % 2 + 1] END AS label
FROM generate_series(1, 25) i;
DO $$
BEGIN
	FOR s IN 0..200 LOOP
		PERFORM al.train_model('heldout', 'heldout', 'x', 'label', jsonb_build_object('holdout', 0.5, 'seed', s));
		EXIT WHEN (SELECT intercept = '-Infinity' FROM al.model_coefficients('heldout') WHERE class = 'c');
	END LOOP;
END $$;
SELECT intercept FROM al.model_coefficients('heldout') WHERE class = 'c';
SELECT pg_temp.try($$SELECT count(*) FROM al.expected_error_reduction('heldout', 'heldout', 'id', 'x', 'label')$$);
-- buffers past al_ext.selection_max_memory (1GB) are refused before reading any row
CREATE TABLE wide AS SELECT i AS id, array_fill((i % 2)::real, ARRAY[30000]) AS x,
       CASE WHEN i <= 2 THEN (ARRAY['a', 'b'])[i % 2 + 1] END AS label
FROM generate_series(1, 3) i;
SELECT al.train_model('wide', 'wide', 'x', 'label') > 0 AS trained;
SELECT pg_temp.try($$SELECT count(*) FROM al.expected_error_reduction('wide', 'wide', 'id', 'x', 'label', '{"candidates": 10000}')$$);
SELECT pg_temp.try($$SELECT count(*) FROM al.expected_error_reduction('wide', 'wide', 'id', 'x', 'label', '{"sample": 10000}')$$);
SELECT pg_temp.try($$SELECT count(*) FROM al.expected_error_reduction('wide', 'wide', 'id', 'x', 'label')$$);
-- the work of a call is bounded, on the rows actually read
-- (al_eer_work_estimate: M k (T (2 (n + 1) + 40) (d + 1) k + S d k)
-- multiply-adds, at most 5e11): 40 candidates and 40 sample rows (the
-- whole pool), 10 classes, 1,000 steps on 1,000 labeled rows of 100
-- features = 400 x (1000 x 2042 x 101 x 10 + 40 x 100 x 10) = 8.2e11
CREATE TABLE heavy AS
SELECT i AS id, ARRAY(SELECT sin(i * 0.37 + j * (i % 10 + 1) * 0.11)::real FROM generate_series(1, 100) j) AS x,
       CASE WHEN i <= 1000 THEN (i % 10)::text END AS label
FROM generate_series(1, 1040) i;
SELECT al.train_model('heavy', 'heavy', 'x', 'label', '{"max_iter": 5}') > 0 AS trained;
SELECT pg_temp.try_detail($$SELECT count(*) FROM al.expected_error_reduction('heavy', 'heavy', 'id', 'x', 'label', '{"steps": 1000}')$$);
-- 1,000 candidates asked for, 40 read: the estimate counts the 40
SELECT pg_temp.try_detail($$SELECT count(*) FROM al.expected_error_reduction('heavy', 'heavy', 'id', 'x', 'label', '{"steps": 1000, "candidates": 1000}')$$);
-- 2 candidates, 1 step: 20 x (1 x 2042 x 101 x 10 + 40 x 100 x 10) = 4.2e7
SELECT pg_temp.try_detail($$SELECT count(*) FROM al.expected_error_reduction('heavy', 'heavy', 'id', 'x', 'label', '{"steps": 1, "candidates": 2}')$$);

-- 5. Privileges: the model through the store's checks, the table as the
-- caller (table and column privileges, row-level security)
CREATE ROLE eer_user;
CREATE TABLE secret AS SELECT * FROM tiny;
GRANT SELECT ON tiny TO eer_user;
GRANT SELECT (id, x) ON secret TO eer_user;
SET ROLE eer_user;
SELECT pg_temp.try($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label')$$) AS no_model_right;
RESET ROLE;
DO $$ BEGIN EXECUTE format('GRANT SELECT ON %s TO eer_user', (SELECT handle FROM al.models WHERE name = 'tiny' LIMIT 1)); END $$;
SET ROLE eer_user;
SELECT count(*) AS with_model_right FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label');
SELECT pg_temp.try($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'secret', 'id', 'x', 'label')$$) AS no_label_column;
SELECT pg_temp.try($$SELECT count(*) FROM al.expected_error_reduction('tiny', 'sym', 'id', 'x', 'label')$$) AS no_table_right;
RESET ROLE;
-- row-level security: the caller sees (and so ranks) only its rows
ALTER TABLE tiny ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_odd ON tiny FOR SELECT TO eer_user USING (id % 2 = 1);
SET ROLE eer_user;
SELECT array_agg(item_id::integer ORDER BY item_id::integer) AS odd_rows_only
FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label');
RESET ROLE;
SELECT array_agg(item_id::integer ORDER BY item_id::integer) AS owner_sees_all
FROM al.expected_error_reduction('tiny', 'tiny', 'id', 'x', 'label');
DROP POLICY only_odd ON tiny;
ALTER TABLE tiny DISABLE ROW LEVEL SECURITY;

SELECT al.drop_model(m) FROM unnest(ARRAY['sym', 'tiny', 'tiny_committee', 'heldout', 'wide', 'heavy']) m;
DROP TABLE many, many_sorted, sym, tiny, tiny_bf, tiny_brute, tiny_rev, tiny_uuid, tiny_all, bad, heldout, wide, heavy, secret;
DROP ROLE eer_user;
