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

-- leave nothing behind for the files after this one
SELECT al.drop_model('mx_bag') AS dropped_bag, al.drop_model('mx_ridge') AS dropped_ridge;
DROP TABLE mx_data, mx_saved;
