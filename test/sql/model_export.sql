-- al.model_export and al.predict_proba(bytea, ...): a model version as one
-- value, scored where al.model_store is not (Citus workers: doc/citus.md;
-- no Citus needed here).  Checked bit for bit against prediction by name
-- and by id, against softmax(x . coef + intercept) computed in plain SQL
-- from al.model_coefficients, the value's length against its layout counted
-- by hand, and every error with its SQLSTATE.

-- errors as "SQLSTATE: message" (pg_temp.try)
\getenv abs_srcdir PG_ABS_SRCDIR
\set try_sql :abs_srcdir '/sql/include/try.sql'
\i :try_sql

-- 90 rows, 3 features, classes from noisy linear rules
CREATE TABLE mx_data (id int PRIMARY KEY, x real[], y text);
INSERT INTO mx_data
SELECT i, ARRAY[sin(i), cos(i * 1.3), (i % 7) - 3]::real[],
       CASE WHEN sin(i) + 0.3 * cos(i * 7) > 0.2 THEN 'up' WHEN cos(i * 1.3) > 0 THEN 'flat' ELSE 'down' END
FROM generate_series(1, 90) i;
SELECT al.train_model('mx', 'mx_data', 'x', 'y') AS mx_v1 \gset
-- a committee of 3 on standardized features, and a second version of mx
SELECT al.train_model('mx_bag', 'mx_data', 'x', 'y', '{"members": 3, "standardize": true, "seed": 5}') > 0 AS bag;
SELECT al.train_model('mx', 'mx_data', 'x', 'y', '{"c": 0.1}') > :mx_v1 AS mx_v2;

-- the layout: "ALX1", family, version, name, number of classes, each class
-- (int32 length + bytes), then the stored weights: "ALM1", k, d, members,
-- flags (20 bytes), mean[d] and scale[d] if standardized, members x (k*d + k)
-- doubles.  mx: name 2 bytes, classes down/flat/up (4+4+2 bytes + 3 x 4)
SELECT length(al.model_export('mx')) AS mx_bytes,
       4 + 4 + 4 + (4 + 2) + 4 + (4 + 4) + (4 + 4) + (4 + 2) + 20 + 8 * (3 * 3 + 3) AS by_hand,
       length(al.model_export('mx_bag')) AS bag_bytes,
       4 + 4 + 4 + (4 + 6) + 4 + (4 + 4) + (4 + 4) + (4 + 2) + 20 + 8 * (2 * 3) + 8 * 3 * (3 * 3 + 3) AS bag_by_hand,
       substr(al.model_export('mx'), 1, 4) = 'ALX1'::bytea AS magic,
       get_byte(al.model_export('mx'), 8) AS latest_version,
       get_byte(al.model_export('mx', 1), 8) AS version_1;

-- equal to prediction by name and by id, bit for bit (as text: probvec
-- elements are real, printed exactly), for real[] and double precision[]
SELECT count(*) AS rows,
       count(*) FILTER (WHERE al.predict_proba(al.model_export('mx'), x)::text = al.predict_proba('mx', x)::text) AS latest_equal,
       count(*) FILTER (WHERE al.predict_proba(al.model_export('mx'), x::float8[])::text = al.predict_proba('mx', x::float8[])::text) AS float8_equal,
       count(*) FILTER (WHERE al.predict_proba(al.model_export('mx', 1), x)::text = al.predict_proba(:mx_v1, x)::text) AS version_1_equal,
       count(*) FILTER (WHERE al.predict_proba(al.model_export('mx_bag'), x)::text = al.predict_proba('mx_bag', x)::text) AS committee_equal,
       count(*) FILTER (WHERE al.predict_proba(al.model_export('mx', 1), x)::text <> al.predict_proba(al.model_export('mx'), x)::text) AS versions_differ
FROM mx_data;

-- al.predict and al.predict_committee take the value too, equal to theirs by name
SELECT count(*) FILTER (WHERE al.predict(al.model_export('mx'), x) = al.predict('mx', x)) AS predict_equal,
       count(*) FILTER (WHERE al.predict(al.model_export('mx_bag'), x::float8[]) = al.predict('mx_bag', x)) AS predict_bag_equal,
       count(*) FILTER (WHERE al.predict_committee(al.model_export('mx_bag'), x)::text = al.predict_committee('mx_bag', x)::text) AS committee_members_equal,
       count(*) FILTER (WHERE al.predict_committee(al.model_export('mx_bag'), x::float8[])::text = al.predict_committee('mx_bag', x)::text) AS committee_float8_equal,
       min(cardinality(al.predict_committee(al.model_export('mx_bag'), x))) AS members,
       count(DISTINCT al.predict(al.model_export('mx'), x)) AS classes_predicted
FROM mx_data;

-- an independent formula: softmax(x . coef + intercept) from the
-- coefficients, in plain SQL (class order: the model's, alphabetical)
WITH logits AS (
	SELECT d.id, c.class, c.intercept + sum(c.coef[j] * d.x[j]) AS z
	FROM mx_data d, al.model_coefficients('mx') c, generate_series(1, 3) j
	GROUP BY d.id, c.class, c.intercept
), shifted AS (
	SELECT id, class, exp(z - max(z) OVER (PARTITION BY id)) AS e FROM logits
), probs AS (
	SELECT id, class, e / sum(e) OVER (PARTITION BY id) AS p FROM shifted
)
SELECT max(abs(p.p - (al.predict_proba(al.model_export('mx'), d.x)::float8[])[array_position(ARRAY['down', 'flat', 'up'], p.class)])) < 1e-6
       AS equals_softmax_of_coefficients
FROM probs p JOIN mx_data d USING (id);

-- the value needs no store: it still predicts after the model is dropped
CREATE TABLE mx_saved AS SELECT al.model_export('mx') AS m, al.predict_proba('mx', ARRAY[0.5, -0.5, 2]::real[])::text AS p;
SELECT al.drop_model('mx') AS dropped;
SELECT al.predict_proba(m, ARRAY[0.5, -0.5, 2]::real[])::text = p AS still_predicts FROM mx_saved;

-- two models in one column: each row scored with its own (the per-call
-- cache keeps the last value unpacked and compares the bytes)
SELECT v.which, al.predict_proba(v.m, d.x)::text = (CASE v.which WHEN 'saved' THEN al.predict_proba(s.m, d.x) ELSE al.predict_proba('mx_bag', d.x) END)::text AS own_model
FROM mx_saved s, (VALUES ('saved', (SELECT m FROM mx_saved)), ('bag', al.model_export('mx_bag')), ('saved', (SELECT m FROM mx_saved))) v(which, m),
     (SELECT x FROM mx_data WHERE id = 17) d;

-- a constant value (a round's model literal, option score_in) is unpacked
-- once per call site and not compared again row after row (a 300 kB
-- model's bytes compared on every row cost 3 times its prediction); a
-- PL/pgSQL variable is no constant: its simple expression keeps one call
-- site across the loop's values, each still scored with its own model
SELECT encode(m, 'hex') AS mx_saved_hex FROM mx_saved \gset
SELECT count(*) AS rows, count(*) FILTER (WHERE al.predict_proba(decode(:'mx_saved_hex', 'hex'), d.x)::text
                                          = al.predict_proba(s.m, d.x)::text) AS constant_value_same
FROM mx_saved s, mx_data d WHERE d.id <= 5;
DO $$
DECLARE
	v bytea;
	want text;
	got text;
	x real[] := (SELECT x FROM mx_data WHERE id = 17);
	n integer := 0;
BEGIN
	FOR v, want IN SELECT t.m, al.predict_proba(t.m, x)::text
	               FROM (VALUES (1, (SELECT m FROM mx_saved)), (2, al.model_export('mx_bag')), (3, (SELECT m FROM mx_saved))) t(i, m)
	               ORDER BY t.i LOOP
		got := al.predict_proba(v, x)::text;
		IF got IS DISTINCT FROM want THEN
			RAISE EXCEPTION 'value % scored with another model: % instead of %', n + 1, got, want;
		END IF;
		n := n + 1;
	END LOOP;
	RAISE NOTICE '% values of a PL/pgSQL variable, each scored with its own model', n;
END $$;

-- a real[] argument is read in place (the support function calls the twin);
-- the value is a constant, so the call is immutable and could be shipped
EXPLAIN (VERBOSE, COSTS OFF) SELECT al.predict_proba(m, d.x), al.predict(m, d.x), al.predict_committee(m, d.x) FROM mx_saved, mx_data d;
SELECT provolatile, proisstrict, proparallel FROM pg_proc
WHERE oid IN ('al.predict_proba(bytea, double precision[])'::regprocedure, 'al.predict_proba_real(bytea, real[])'::regprocedure,
              'al.predict(bytea, double precision[])'::regprocedure, 'al.predict_real(bytea, real[])'::regprocedure,
              'al.predict_committee(bytea, double precision[])'::regprocedure, 'al.predict_committee_real(bytea, real[])'::regprocedure)
   OR oid = 'al.model_export(text, integer)'::regprocedure ORDER BY oid::regprocedure::text;
-- an untyped literal still means a model name (text is preferred), not bytea
SELECT pg_temp.try($$SELECT al.predict_proba('mx_bag', '{1,0.5,2}')$$) LIKE 'ok: [%' AS literal_is_a_name,
       pg_temp.try($$SELECT al.predict('mx_bag', '{1,0.5,2}')$$) AS predict_literal,
       pg_temp.try($$SELECT al.predict_committee('mx_bag', '{1,0.5,2}')$$) LIKE 'ok: {%' AS committee_literal;

-- NULLs
SELECT al.model_export(NULL) IS NULL AS null_name, al.model_export('mx_bag', NULL) = al.model_export('mx_bag') AS null_version_is_latest,
       al.predict_proba(NULL::bytea, ARRAY[1, 2, 3]::real[]) IS NULL AS null_model,
       al.predict(NULL::bytea, ARRAY[1, 2, 3]::real[]) IS NULL AND al.predict_committee(NULL::bytea, ARRAY[1, 2, 3]::real[]) IS NULL AS null_model_others,
       al.predict_proba(al.model_export('mx_bag'), NULL::real[]) IS NULL AS null_features;

-- errors: unknown model or version, no right to use it, the wrong family,
-- the wrong number of features, and malformed values (every field checked)
SELECT al.train_model('mx_ridge', 'mx_data', 'x', 'id', '{"family": "ridge"}') > 0 AS ridge;
CREATE ROLE mx_stranger;
SET ROLE mx_stranger;
SELECT pg_temp.try($$SELECT al.model_export('mx_bag')$$) AS stranger;
RESET ROLE;
DROP ROLE mx_stranger;
SELECT e FROM (VALUES
	(pg_temp.try($$SELECT al.model_export('no_such_model')$$)),
	(pg_temp.try($$SELECT al.model_export('mx_bag', 9)$$)),
	(pg_temp.try($$SELECT al.predict_proba(al.model_export('mx_ridge'), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict(al.model_export('mx_ridge'), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_committee(al.model_export('mx_ridge'), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_committee(al.model_export('mx_bag'), ARRAY[1, 2]::real[])$$)),
	(pg_temp.try($$SELECT al.predict('\x00'::bytea, ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_proba(al.model_export('mx_bag'), ARRAY[1, 2]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_proba(al.model_export('mx_bag'), ARRAY[1, 'NaN', 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_proba('\x'::bytea, ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_proba('\x414c5831'::bytea, ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_proba(overlay(al.model_export('mx_bag') PLACING '\x58'::bytea FROM 1), ARRAY[1, 2, 3]::real[])$$)),
	-- family 7
	(pg_temp.try($$SELECT al.predict_proba(overlay(al.model_export('mx_bag') PLACING '\x07'::bytea FROM 5), ARRAY[1, 2, 3]::real[])$$)),
	-- version 0
	(pg_temp.try($$SELECT al.predict_proba(overlay(al.model_export('mx_bag') PLACING '\x00'::bytea FROM 9), ARRAY[1, 2, 3]::real[])$$)),
	-- a name of length 2^31 - 1
	(pg_temp.try($$SELECT al.predict_proba(overlay(al.model_export('mx_bag') PLACING '\xffffff7f'::bytea FROM 13), ARRAY[1, 2, 3]::real[])$$)),
	-- a name that is not UTF-8
	(pg_temp.try($$SELECT al.predict_proba(overlay(al.model_export('mx_bag') PLACING '\xff'::bytea FROM 17), ARRAY[1, 2, 3]::real[])$$)),
	-- one class only (a softmax model needs 2)
	(pg_temp.try($$SELECT al.predict_proba(overlay(al.model_export('mx_bag') PLACING '\x01'::bytea FROM 23), ARRAY[1, 2, 3]::real[])$$)),
	-- 2 classes: the third class is then read as the weights
	(pg_temp.try($$SELECT al.predict_proba(overlay(al.model_export('mx_bag') PLACING '\x02'::bytea FROM 23), ARRAY[1, 2, 3]::real[])$$)),
	-- a class length beyond the value
	(pg_temp.try($$SELECT al.predict_proba(overlay(al.model_export('mx_bag') PLACING '\x00000001'::bytea FROM 27), ARRAY[1, 2, 3]::real[])$$)),
	-- the weights' k (2, the classes say 3), their magic, a weight missing at the end, a byte too many
	(pg_temp.try($$SELECT al.predict_proba(overlay(al.model_export('mx_bag') PLACING '\x02'::bytea FROM 53), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_proba(overlay(al.model_export('mx_bag') PLACING '\x00'::bytea FROM 49), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_proba(substr(al.model_export('mx_bag'), 1, length(al.model_export('mx_bag')) - 8), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_proba(al.model_export('mx_bag') || '\x00'::bytea, ARRAY[1, 2, 3]::real[])$$)),
	-- the first feature's mean NaN, its scale 0 (the weights' header at byte 49: mean at 69, scale at 93)
	(pg_temp.try($$SELECT al.predict_proba(overlay(al.model_export('mx_bag') PLACING '\x000000000000f87f'::bytea FROM 69), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_proba(overlay(al.model_export('mx_bag') PLACING '\x0000000000000000'::bytea FROM 93), ARRAY[1, 2, 3]::real[])$$)),
	-- the last weight (an intercept) NaN, then +Infinity: refused by every function, never a silent class
	(pg_temp.try($$SELECT al.predict(overlay(al.model_export('mx_bag') PLACING '\x000000000000f87f'::bytea
	                                 FROM length(al.model_export('mx_bag')) - 7), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_committee(overlay(al.model_export('mx_bag') PLACING '\x000000000000f07f'::bytea
	                                           FROM length(al.model_export('mx_bag')) - 7), ARRAY[1, 2, 3]::real[])$$)),
	-- every intercept of the last member -Infinity (training gives -Infinity to a class without rows, never to all)
	(pg_temp.try($$SELECT al.predict(overlay(al.model_export('mx_bag') PLACING '\x000000000000f0ff000000000000f0ff000000000000f0ff'::bytea
	                                 FROM length(al.model_export('mx_bag')) - 23), ARRAY[1, 2, 3]::real[])$$)),
	-- a coefficient NaN (the last member's first: 3 classes x 3 features and 3 intercepts before the end)
	(pg_temp.try($$SELECT al.predict(overlay(al.model_export('mx_bag') PLACING '\x000000000000f87f'::bytea
	                                 FROM length(al.model_export('mx_bag')) - 95), ARRAY[1, 2, 3]::real[])$$))
) t(e);

-- ---------------------------------------------------------------------------
-- One-vs-rest (family ovr) and ridge (family ridge) versions by value: the
-- same value layout (family 1 and 2; a ridge value has no classes and one
-- output), predicted with by the bytea overloads of their functions.  Each
-- is checked bit for bit against the function by name and by id (as text
-- with extra_float_digits 3, float8send for the one double), against
-- sigmoid(x . coef + intercept) per label and x . coef + intercept (the
-- members' mean) computed in plain SQL from al.model_coefficients, and
-- every error with its SQLSTATE.
SET extra_float_digits = 3;
CREATE TABLE mx_fam AS
SELECT id, x,
       array_remove(ARRAY[CASE WHEN sin(id) + 0.3 * cos(id * 7) > 0 THEN 'a' END,
                          CASE WHEN cos(id * 1.3) + 0.2 * sin(id * 5) > 0.3 THEN 'b' END,
                          CASE WHEN (id % 7) - 3 + sin(id * 3) > 0.5 THEN 'c' END], NULL) AS tags,
       2 * sin(id) - cos(id * 1.3) + 0.5 * ((id % 7) - 3) + 0.1 * sin(id * 11) AS v
FROM mx_data;
SELECT al.train_model('mx_ovr', 'mx_fam', 'x', 'tags', '{"family": "ovr"}') AS mx_ovr_v1 \gset
SELECT al.train_model('mx_ovr', 'mx_fam', 'x', 'tags', '{"family": "ovr", "c": 0.2}') > :mx_ovr_v1 AS mx_ovr_v2,
       al.train_model('mx_ovr_bag', 'mx_fam', 'x', 'tags', '{"family": "ovr", "members": 3, "standardize": true, "seed": 7}') > 0 AS ovr_bag;
SELECT al.train_model('mx_rdg', 'mx_fam', 'x', 'v', '{"family": "ridge", "alpha": 0.5}') AS mx_rdg_v1 \gset
SELECT al.train_model('mx_rdg', 'mx_fam', 'x', 'v', '{"family": "ridge", "alpha": 5}') > :mx_rdg_v1 AS mx_rdg_v2,
       al.train_model('mx_rdg_bag', 'mx_fam', 'x', 'v', '{"family": "ridge", "members": 4, "standardize": true, "seed": 3}') > 0 AS rdg_bag;

-- the layout, counted by hand: ovr family 1, classes a, b, c (4 + 1 bytes
-- each), k = 3; ridge family 2, no classes, k = 1, and no mean and scale
-- even when standardized (its coefficients are kept in the original units)
SELECT length(al.model_export('mx_ovr')) AS ovr_bytes,
       4 + 4 + 4 + (4 + 6) + 4 + 3 * (4 + 1) + 20 + 8 * (3 * 3 + 3) AS ovr_by_hand,
       length(al.model_export('mx_ovr_bag')) AS ovr_bag_bytes,
       4 + 4 + 4 + (4 + 10) + 4 + 3 * (4 + 1) + 20 + 8 * (2 * 3) + 8 * 3 * (3 * 3 + 3) AS ovr_bag_by_hand,
       length(al.model_export('mx_rdg')) AS rdg_bytes,
       4 + 4 + 4 + (4 + 6) + 4 + 20 + 8 * (1 * 3 + 1) AS rdg_by_hand,
       length(al.model_export('mx_rdg_bag')) AS rdg_bag_bytes,
       4 + 4 + 4 + (4 + 10) + 4 + 20 + 8 * 4 * (1 * 3 + 1) AS rdg_bag_by_hand,
       get_byte(al.model_export('mx_ovr'), 4) AS ovr_family, get_byte(al.model_export('mx_rdg'), 4) AS ridge_family,
       get_byte(al.model_export('mx_ovr', 1), 8) AS ovr_version_1, get_byte(al.model_export('mx_rdg'), 8) AS rdg_latest;

-- equal to the functions by name and by id, bit for bit, for real[] and
-- double precision[] features, plain models and committees
SELECT count(*) AS rows,
       count(*) FILTER (WHERE al.predict_label_probs(al.model_export('mx_ovr'), x)::text = al.predict_label_probs('mx_ovr', x)::text) AS label_probs_equal,
       count(*) FILTER (WHERE al.predict_label_probs(al.model_export('mx_ovr'), x::float8[])::text = al.predict_label_probs('mx_ovr', x::float8[])::text) AS label_probs_float8_equal,
       count(*) FILTER (WHERE al.predict_label_probs(al.model_export('mx_ovr', 1), x)::text = al.predict_label_probs(:mx_ovr_v1, x)::text) AS label_probs_version_1_equal,
       count(*) FILTER (WHERE al.predict_label_probs(al.model_export('mx_ovr', 1), x)::text <> al.predict_label_probs(al.model_export('mx_ovr'), x)::text) AS ovr_versions_differ,
       count(*) FILTER (WHERE al.predict_label_probs(al.model_export('mx_ovr_bag'), x)::text = al.predict_label_probs('mx_ovr_bag', x)::text) AS label_probs_bag_equal,
       count(*) FILTER (WHERE al.predict_labels(al.model_export('mx_ovr'), x) = al.predict_labels('mx_ovr', x)) AS labels_equal,
       count(*) FILTER (WHERE al.predict_labels(al.model_export('mx_ovr_bag'), x::float8[]) = al.predict_labels('mx_ovr_bag', x)) AS labels_bag_equal,
       count(*) FILTER (WHERE al.predict_labels(al.model_export('mx_ovr', 1), x) = al.predict_labels(:mx_ovr_v1, x)) AS labels_version_1_equal,
       count(*) FILTER (WHERE al.predict_committee_label_probs(al.model_export('mx_ovr_bag'), x)::text = al.predict_committee_label_probs('mx_ovr_bag', x)::text) AS committee_label_probs_equal,
       count(*) FILTER (WHERE al.predict_committee_label_probs(al.model_export('mx_ovr_bag'), x::float8[])::text = al.predict_committee_label_probs('mx_ovr_bag', x)::text) AS committee_label_probs_float8_equal,
       count(*) FILTER (WHERE al.predict_committee_label_probs(al.model_export('mx_ovr'), x)::text = al.predict_committee_label_probs('mx_ovr', x)::text) AS one_member_equal,
       count(DISTINCT al.predict_labels(al.model_export('mx_ovr'), x)) AS label_sets_predicted
FROM mx_fam;
SELECT count(*) FILTER (WHERE float8send(al.predict_value(al.model_export('mx_rdg'), x)) = float8send(al.predict_value('mx_rdg', x))) AS value_equal,
       count(*) FILTER (WHERE float8send(al.predict_value(al.model_export('mx_rdg'), x::float8[])) = float8send(al.predict_value('mx_rdg', x::float8[]))) AS value_float8_equal,
       count(*) FILTER (WHERE float8send(al.predict_value(al.model_export('mx_rdg', 1), x)) = float8send(al.predict_value(:mx_rdg_v1, x))) AS value_version_1_equal,
       count(*) FILTER (WHERE al.predict_value(al.model_export('mx_rdg', 1), x) <> al.predict_value(al.model_export('mx_rdg'), x)) AS rdg_versions_differ,
       count(*) FILTER (WHERE float8send(al.predict_value(al.model_export('mx_rdg_bag'), x)) = float8send(al.predict_value('mx_rdg_bag', x))) AS value_bag_equal,
       count(*) FILTER (WHERE al.predict_committee_values(al.model_export('mx_rdg_bag'), x)::text = al.predict_committee_values('mx_rdg_bag', x)::text) AS committee_values_equal,
       count(*) FILTER (WHERE al.predict_committee_values(al.model_export('mx_rdg_bag'), x::float8[])::text = al.predict_committee_values('mx_rdg_bag', x)::text) AS committee_values_float8_equal,
       count(*) FILTER (WHERE al.predict_committee_values(al.model_export('mx_rdg', 1), x)::text = al.predict_committee_values(:mx_rdg_v1, x)::text) AS committee_values_version_1_equal,
       min(cardinality(al.predict_committee_values(al.model_export('mx_rdg_bag'), x))) AS rdg_members,
       min(array_length(al.predict_committee_label_probs(al.model_export('mx_ovr_bag'), x), 1)) AS ovr_members,
       min(array_length(al.predict_committee_label_probs(al.model_export('mx_ovr_bag'), x), 2)) AS ovr_labels
FROM mx_fam;

-- independent formulas from the coefficients, in plain SQL: each member's
-- sigmoid(x . coef + intercept) per label (al.predict_committee_label_probs),
-- their mean (al.predict_label_probs) and the labels at 0.5 or more
-- (al.predict_labels); each member's x . coef + intercept
-- (al.predict_committee_values) and their mean (al.predict_value)
WITH member_p AS (
	SELECT f.id, m.name, c.member, c.class,
	       1 / (1 + exp(-(c.intercept + sum(c.coef[j] * f.x[j])))) AS p
	FROM mx_fam f, (VALUES ('mx_ovr'), ('mx_ovr_bag')) m(name), al.model_coefficients(m.name) c, generate_series(1, 3) j
	GROUP BY f.id, m.name, c.member, c.class, c.intercept
), mean_p AS (
	SELECT id, name, class, avg(p) AS p FROM member_p GROUP BY id, name, class
), by_value AS (
	SELECT f.id, m.name, al.model_export(m.name) AS v, f.x FROM mx_fam f, (VALUES ('mx_ovr'), ('mx_ovr_bag')) m(name)
)
SELECT (SELECT max(abs(mp.p - (al.predict_label_probs(b.v, b.x))[array_position(ARRAY['a', 'b', 'c'], mp.class)]))
        FROM mean_p mp JOIN by_value b USING (id, name)) < 1e-6 AS label_probs_are_mean_sigmoids,
       (SELECT max(abs(mp.p - (al.predict_committee_label_probs(b.v, b.x))[mp.member][array_position(ARRAY['a', 'b', 'c'], mp.class)]))
        FROM member_p mp JOIN by_value b USING (id, name)) < 1e-6 AS committee_label_probs_are_sigmoids,
       (SELECT count(*) FROM by_value b
        WHERE al.predict_labels(b.v, b.x) = ARRAY(SELECT mp.class FROM mean_p mp WHERE mp.id = b.id AND mp.name = b.name AND mp.p >= 0.5 ORDER BY mp.class)) AS labels_at_half,
       (SELECT count(*) FROM by_value) AS of_rows;
WITH member_v AS (
	SELECT f.id, m.name, c.member, c.class IS NULL AS no_class, c.intercept + sum(c.coef[j] * f.x[j]) AS v
	FROM mx_fam f, (VALUES ('mx_rdg'), ('mx_rdg_bag')) m(name), al.model_coefficients(m.name) c, generate_series(1, 3) j
	GROUP BY f.id, m.name, c.member, c.class, c.intercept
), by_value AS (
	SELECT f.id, m.name, al.model_export(m.name) AS e, f.x FROM mx_fam f, (VALUES ('mx_rdg'), ('mx_rdg_bag')) m(name)
)
SELECT max(abs(mv.v - (al.predict_committee_values(b.e, b.x))[mv.member]) / (1 + abs(mv.v))) < 1e-6 AS committee_values_are_linear,
       bool_and(mv.no_class) AS ridge_has_no_class,
       (SELECT max(abs(a.v - al.predict_value(b.e, b.x)) / (1 + abs(a.v)))
        FROM (SELECT id, name, avg(v) AS v FROM member_v GROUP BY id, name) a JOIN by_value b USING (id, name)) < 1e-12 AS value_is_member_mean
FROM member_v mv JOIN by_value b USING (id, name);

-- the values need no store: they still predict after the models are dropped;
-- two models in one column are each scored with its own (the per-call cache)
CREATE TABLE mx_fam_saved AS
SELECT al.model_export('mx_ovr_bag') AS ovr, al.model_export('mx_rdg_bag') AS rdg,
       al.predict_label_probs('mx_ovr_bag', ARRAY[0.5, -0.5, 2]::real[])::text AS p,
       al.predict_labels('mx_ovr_bag', ARRAY[0.5, -0.5, 2]::real[]) AS l,
       al.predict_committee_label_probs('mx_ovr_bag', ARRAY[0.5, -0.5, 2]::real[])::text AS cp,
       float8send(al.predict_value('mx_rdg_bag', ARRAY[0.5, -0.5, 2]::real[])) AS v,
       al.predict_committee_values('mx_rdg_bag', ARRAY[0.5, -0.5, 2]::real[])::text AS cv;
SELECT al.drop_model('mx_ovr_bag') AS dropped_ovr_bag, al.drop_model('mx_rdg_bag') AS dropped_rdg_bag;
SELECT al.predict_label_probs(ovr, ARRAY[0.5, -0.5, 2]::real[])::text = p AS label_probs_still,
       al.predict_labels(ovr, ARRAY[0.5, -0.5, 2]::real[]) = l AS labels_still,
       al.predict_committee_label_probs(ovr, ARRAY[0.5, -0.5, 2]::real[])::text = cp AS committee_label_probs_still,
       float8send(al.predict_value(rdg, ARRAY[0.5, -0.5, 2]::real[])) = v AS value_still,
       al.predict_committee_values(rdg, ARRAY[0.5, -0.5, 2]::real[])::text = cv AS committee_values_still
FROM mx_fam_saved;
SELECT v.which, al.predict_label_probs(v.m, d.x)::text = (CASE v.which WHEN 'saved' THEN (SELECT p FROM mx_fam_saved) ELSE al.predict_label_probs('mx_ovr', d.x)::text END) AS own_ovr_model
FROM (VALUES (1, 'saved', (SELECT ovr FROM mx_fam_saved)), (2, 'latest', al.model_export('mx_ovr')), (3, 'saved', (SELECT ovr FROM mx_fam_saved))) v(n, which, m),
     (SELECT ARRAY[0.5, -0.5, 2]::real[] AS x) d ORDER BY v.n;
SELECT v.which, float8send(al.predict_value(v.m, d.x)) = (CASE v.which WHEN 'saved' THEN (SELECT s.v FROM mx_fam_saved s) ELSE float8send(al.predict_value('mx_rdg', d.x)) END) AS own_ridge_model
FROM (VALUES (1, 'saved', (SELECT rdg FROM mx_fam_saved)), (2, 'latest', al.model_export('mx_rdg')), (3, 'saved', (SELECT rdg FROM mx_fam_saved))) v(n, which, m),
     (SELECT ARRAY[0.5, -0.5, 2]::real[] AS x) d ORDER BY v.n;

-- stored out of line and compressed: a wide model (3 features and 600
-- zeros, whose weights are zero) in a bytea column, and wide feature rows
CREATE TABLE mx_wide AS
SELECT id, (x || array_fill(0::real, ARRAY[600]))::real[] AS x, tags, v FROM mx_fam;
SELECT al.train_model('mx_wide_ovr', 'mx_wide', 'x', 'tags', '{"family": "ovr", "members": 2, "seed": 1}') > 0 AS wide_ovr,
       al.train_model('mx_wide_rdg', 'mx_wide', 'x', 'v', '{"family": "ridge", "members": 2, "seed": 1}') > 0 AS wide_rdg;
CREATE TABLE mx_wide_values (form text, ovr bytea, rdg bytea);
CREATE TABLE mx_wide_external (LIKE mx_wide_values);
ALTER TABLE mx_wide_external ALTER ovr SET STORAGE EXTERNAL, ALTER rdg SET STORAGE EXTERNAL;
INSERT INTO mx_wide_values SELECT 'compressed', al.model_export('mx_wide_ovr'), al.model_export('mx_wide_rdg');
INSERT INTO mx_wide_external SELECT 'external', al.model_export('mx_wide_ovr'), al.model_export('mx_wide_rdg');
SELECT form, pg_column_compression(ovr) IS NOT NULL AS ovr_compressed, pg_column_size(ovr) < length(ovr) / 2 AS ovr_small,
       pg_column_compression(rdg) IS NOT NULL AS rdg_compressed, pg_column_size(rdg) < length(rdg) / 2 AS rdg_small,
       length(ovr) > 2000 AND length(rdg) > 2000 AS over_2kb
FROM (SELECT * FROM mx_wide_values UNION ALL SELECT * FROM mx_wide_external) t ORDER BY form;
SELECT pg_relation_size(reltoastrelid) > 0 AS external_out_of_line FROM pg_class WHERE oid = 'mx_wide_external'::regclass;
SELECT pg_column_compression(x) IS NOT NULL AS features_compressed FROM mx_wide LIMIT 1;
SELECT t.form, count(*) AS rows,
       count(*) FILTER (WHERE al.predict_label_probs(t.ovr, w.x)::text = al.predict_label_probs('mx_wide_ovr', w.x)::text) AS label_probs_equal,
       count(*) FILTER (WHERE al.predict_labels(t.ovr, w.x) = al.predict_labels('mx_wide_ovr', w.x)) AS labels_equal,
       count(*) FILTER (WHERE al.predict_committee_label_probs(t.ovr, w.x)::text = al.predict_committee_label_probs('mx_wide_ovr', w.x)::text) AS committee_label_probs_equal,
       count(*) FILTER (WHERE float8send(al.predict_value(t.rdg, w.x)) = float8send(al.predict_value('mx_wide_rdg', w.x))) AS value_equal,
       count(*) FILTER (WHERE al.predict_committee_values(t.rdg, w.x)::text = al.predict_committee_values('mx_wide_rdg', w.x)::text) AS committee_values_equal
FROM (SELECT * FROM mx_wide_values UNION ALL SELECT * FROM mx_wide_external) t, mx_wide w
GROUP BY t.form ORDER BY t.form;

-- a real[] argument is read in place (the support function calls the
-- twin); every by-value function is immutable, strict and parallel safe
EXPLAIN (VERBOSE, COSTS OFF)
SELECT al.predict_label_probs(ovr, d.x), al.predict_labels(ovr, d.x), al.predict_committee_label_probs(ovr, d.x),
       al.predict_value(rdg, d.x), al.predict_committee_values(rdg, d.x)
FROM mx_fam_saved, mx_fam d;
SELECT oid::regprocedure AS function, provolatile, proisstrict, proparallel FROM pg_proc
WHERE pronamespace = 'al'::regnamespace AND proargtypes[0] = 'bytea'::regtype
  AND proname ~ '^predict_(label|committee_label|value|committee_values)'
ORDER BY oid::regprocedure::text;
-- an untyped literal still means a model name (text is preferred), not bytea
SELECT pg_temp.try($$SELECT al.predict_label_probs('mx_ovr', '{1,0.5,2}')$$) LIKE 'ok: {%' AS label_probs_literal,
       pg_temp.try($$SELECT al.predict_labels('mx_ovr', '{1,0.5,2}')$$) LIKE 'ok: {%' AS labels_literal,
       pg_temp.try($$SELECT al.predict_committee_label_probs('mx_ovr', '{1,0.5,2}')$$) LIKE 'ok: {{%' AS committee_label_probs_literal,
       pg_temp.try($$SELECT al.predict_value('mx_rdg', '{1,0.5,2}')$$) LIKE 'ok: %' AS value_literal,
       pg_temp.try($$SELECT al.predict_committee_values('mx_rdg', '{1,0.5,2}')$$) LIKE 'ok: {%' AS committee_values_literal;

-- NULLs
SELECT al.predict_label_probs(NULL::bytea, ARRAY[1, 2, 3]::real[]) IS NULL AS null_label_probs,
       al.predict_labels(NULL::bytea, ARRAY[1, 2, 3]::real[]) IS NULL AS null_labels,
       al.predict_committee_label_probs(NULL::bytea, ARRAY[1, 2, 3]::float8[]) IS NULL AS null_committee_label_probs,
       al.predict_value(NULL::bytea, ARRAY[1, 2, 3]::real[]) IS NULL AS null_value,
       al.predict_committee_values(NULL::bytea, ARRAY[1, 2, 3]::float8[]) IS NULL AS null_committee_values,
       al.predict_label_probs(al.model_export('mx_ovr'), NULL::real[]) IS NULL AS null_ovr_features,
       al.predict_value(al.model_export('mx_rdg'), NULL::float8[]) IS NULL AS null_ridge_features;

-- a crafted one-vs-rest value with the last label's intercept +Infinity is
-- valid (training gives it to a label every row has): probability 1
SELECT al.predict_label_probs(overlay(al.model_export('mx_ovr') PLACING '\x000000000000f07f'::bytea
                                      FROM length(al.model_export('mx_ovr')) - 7), ARRAY[1, 2, 3]::real[])::text LIKE '%,1}' AS plus_infinity_is_one,
       'c' = ANY (al.predict_labels(overlay(al.model_export('mx_ovr') PLACING '\x000000000000f07f'::bytea
                                            FROM length(al.model_export('mx_ovr')) - 7), ARRAY[-1, -1, -3]::real[])) AS plus_infinity_label;

-- errors: the wrong family (each way), the wrong number of features, a
-- bad feature, malformed values (cut short, the family changed, NaN and
-- infinite weights edited in), and a prediction beyond double precision
-- (a coefficient edited to the largest double) or real (1e300)
SELECT e FROM (VALUES
	(pg_temp.try($$SELECT al.predict_label_probs(al.model_export('mx_rdg'), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_labels(al.model_export('mx_bag'), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_committee_label_probs(al.model_export('mx_rdg'), ARRAY[1, 2, 3]::float8[])$$)),
	(pg_temp.try($$SELECT al.predict_value(al.model_export('mx_ovr'), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_committee_values(al.model_export('mx_bag'), ARRAY[1, 2, 3]::float8[])$$)),
	(pg_temp.try($$SELECT al.predict_proba(al.model_export('mx_ovr'), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_committee(al.model_export('mx_rdg'), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_label_probs(al.model_export('mx_ovr'), ARRAY[1, 2]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_value(al.model_export('mx_rdg'), ARRAY[1, 2, 3, 4]::float8[])$$)),
	(pg_temp.try($$SELECT al.predict_committee_values(al.model_export('mx_rdg'), ARRAY[[1, 2, 3]]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_labels(al.model_export('mx_ovr'), ARRAY[1, NULL, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_value(al.model_export('mx_rdg'), ARRAY[1, 'NaN', 3]::float8[])$$)),
	(pg_temp.try($$SELECT al.predict_committee_label_probs(al.model_export('mx_ovr'), ARRAY[1, 1e300, 3]::float8[])$$)),
	-- cut short: a weight missing, a header only, nothing
	(pg_temp.try($$SELECT al.predict_label_probs(substr(al.model_export('mx_ovr'), 1, length(al.model_export('mx_ovr')) - 8), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_value(substr(al.model_export('mx_rdg'), 1, 26), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_value(substr(al.model_export('mx_rdg'), 1, 10), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_committee_values('\x'::bytea, ARRAY[1, 2, 3]::real[])$$)),
	-- a ridge value called ovr (no classes), an ovr value called ridge (classes)
	(pg_temp.try($$SELECT al.predict_label_probs(overlay(al.model_export('mx_rdg') PLACING '\x01'::bytea FROM 5), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_value(overlay(al.model_export('mx_ovr') PLACING '\x02'::bytea FROM 5), ARRAY[1, 2, 3]::real[])$$)),
	-- a ridge value whose weights say 2 outputs
	(pg_temp.try($$SELECT al.predict_value(overlay(al.model_export('mx_rdg') PLACING '\x02'::bytea FROM 31), ARRAY[1, 2, 3]::real[])$$)),
	-- a label name that is not UTF-8 (the first class's byte, at 31)
	(pg_temp.try($$SELECT al.predict_labels(overlay(al.model_export('mx_ovr') PLACING '\xff'::bytea FROM 31), ARRAY[1, 2, 3]::real[])$$)),
	-- ovr: the last intercept NaN, the last member's first coefficient NaN
	(pg_temp.try($$SELECT al.predict_labels(overlay(al.model_export('mx_ovr') PLACING '\x000000000000f87f'::bytea
	                                        FROM length(al.model_export('mx_ovr')) - 7), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_committee_label_probs(overlay(al.model_export('mx_ovr') PLACING '\x000000000000f87f'::bytea
	                                                       FROM length(al.model_export('mx_ovr')) - 95), ARRAY[1, 2, 3]::real[])$$)),
	-- ridge: the intercept +Infinity, then NaN; the first coefficient NaN
	(pg_temp.try($$SELECT al.predict_value(overlay(al.model_export('mx_rdg') PLACING '\x000000000000f07f'::bytea
	                                       FROM length(al.model_export('mx_rdg')) - 7), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_committee_values(overlay(al.model_export('mx_rdg') PLACING '\x000000000000f87f'::bytea
	                                                  FROM length(al.model_export('mx_rdg')) - 7), ARRAY[1, 2, 3]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_value(overlay(al.model_export('mx_rdg') PLACING '\x000000000000f87f'::bytea
	                                       FROM length(al.model_export('mx_rdg')) - 31), ARRAY[1, 2, 3]::real[])$$)),
	-- the standardized ovr committee: its first feature's scale 0 (after the
	-- header, name, classes, the weights' header and 3 means)
	(pg_temp.try($$SELECT al.predict_label_probs(overlay(s.ovr PLACING '\x0000000000000000'::bytea FROM 4 + 4 + 4 + (4 + 10) + 4 + 3 * 5 + 20 + 3 * 8 + 1), ARRAY[1, 2, 3]::real[]) FROM mx_fam_saved s$$)),
	-- ridge: the first coefficient the largest double, then 1e300
	(pg_temp.try($$SELECT al.predict_value(overlay(al.model_export('mx_rdg') PLACING '\xffffffffffffef7f'::bytea
	                                       FROM length(al.model_export('mx_rdg')) - 31), ARRAY[1e30, 0, 0]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_committee_values(overlay(al.model_export('mx_rdg') PLACING '\x9c7500883ce4377e'::bytea
	                                                  FROM length(al.model_export('mx_rdg')) - 31), ARRAY[1, 0, 0]::real[])$$)),
	(pg_temp.try($$SELECT al.predict_value(overlay(al.model_export('mx_rdg') PLACING '\x9c7500883ce4377e'::bytea
	                                       FROM length(al.model_export('mx_rdg')) - 31), ARRAY[1, 0, 0]::real[]) > 1e299$$))
) t(e);
RESET extra_float_digits;

SELECT al.drop_model('mx_ovr') + al.drop_model('mx_rdg') + al.drop_model('mx_wide_ovr') + al.drop_model('mx_wide_rdg') AS dropped_family_versions;
DROP TABLE mx_fam, mx_fam_saved, mx_wide, mx_wide_values, mx_wide_external;

-- leave nothing behind for the files after this one
SELECT al.drop_model('mx_bag') AS dropped_bag, al.drop_model('mx_ridge') AS dropped_ridge;
DROP TABLE mx_data, mx_saved;
