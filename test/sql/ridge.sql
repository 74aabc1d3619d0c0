-- Ridge regression: al.ridge_fit and al.ridge_predict.  Every fit is
-- checked against the normal equations of the design [X 1] (alpha on the
-- feature diagonal only: the intercept is not penalized) built with plain
-- SQL sums and solved in the test by Gaussian elimination with partial
-- pivoting (PL/pgSQL); standardized fits against the same solve on features
-- standardized in SQL (population standard deviation), converted back.
-- Every error with its SQLSTATE and message.

-- errors as "SQLSTATE: message"
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- the reference: the normal equations solved in numeric (pg_temp.gauss,
-- pg_temp.ref_ridge, pg_temp.rel_diff), in test/sql/include/ridge_reference.sql
\getenv abs_srcdir PG_ABS_SRCDIR
\set ridge_reference :abs_srcdir '/sql/include/ridge_reference.sql'
\i :ridge_reference

-- ---- a hand value ----
-- x = (0, 1, 2), y = (1, 3, 5), alpha 1: w = Sxy / (Sxx + alpha) = 4 / 3,
-- b = mean y - w mean x = 5 / 3; standardized (sd sqrt(2/3)): w = 1.5, b = 1.5
CREATE TABLE rg_hand (id int PRIMARY KEY, x float8[], y float8);
INSERT INTO rg_hand VALUES (1, '{0}', 1), (2, '{1}', 3), (3, '{2}', 5);
SELECT round(coef[1]::numeric, 12) AS w, round(intercept::numeric, 12) AS b,
	round(al.ridge_predict(coef, intercept, '{2}')::numeric, 12) AS at_2
FROM al.ridge_fit('rg_hand', 'x', 'y', 1);
SELECT round(coef[1]::numeric, 12) AS w, round(intercept::numeric, 12) AS b
FROM al.ridge_fit('rg_hand', 'x', 'y', 1, true);
-- the defaults: alpha 1, not standardized
SELECT (SELECT coef FROM al.ridge_fit('rg_hand', 'x', 'y')) = (SELECT coef FROM al.ridge_fit('rg_hand', 'x', 'y', 1, false)) AS defaults;

-- ---- against the reference ----
-- (the kernel shifts every row by the first, then centers: its error stays
-- near what double precision allows: within 1e-12 relative here)
-- 60 rows of 4 features on different scales, one feature around 1000
CREATE TABLE rg (id int PRIMARY KEY, x float8[], xr real[], y float8, yi integer, yn numeric);
INSERT INTO rg
SELECT i, x, x::real[], y, round(y)::int, round(y::numeric, 3)
FROM generate_series(1, 60) i,
	LATERAL (SELECT ARRAY[sin(i * 1.3), 10 * cos(i * 0.7), 1000 + sin(i * 2.9), (i % 5) - 2.0] AS x) a,
	LATERAL (SELECT 4 + 1.5 * x[1] - 0.2 * x[2] + 0.8 * (x[3] - 1000) + 0.5 * x[4] + 0.3 * sin(i * 7.1) AS y) b;
SELECT alpha, standardize,
	pg_temp.rel_diff(f.coef, f.intercept, pg_temp.ref_ridge('SELECT x, y FROM rg', alpha, standardize)) < 1e-12 AS matches
FROM unnest(ARRAY[0.001, 0.1, 1, 10, 1000]) alpha, unnest(ARRAY[false, true]) standardize,
	LATERAL al.ridge_fit('rg', 'x', 'y', alpha, standardize) f
ORDER BY alpha, standardize;
-- the fit itself, rounded (alpha 0.1): close to the generating coefficients
SELECT ARRAY(SELECT round(v::numeric, 3) FROM unnest(coef) v) AS coef, round(intercept::numeric, 2) AS intercept
FROM al.ridge_fit('rg', 'x', 'y', 0.1);
-- a larger alpha shrinks the coefficients' norm
SELECT (SELECT sqrt(sum(v * v)) FROM unnest(a.coef) v) > (SELECT sqrt(sum(v * v)) FROM unnest(b.coef) v) AS shrinks
FROM al.ridge_fit('rg', 'x', 'y', 0.1) a, al.ridge_fit('rg', 'x', 'y', 100) b;
-- real[] features: the reference on the same values as real
SELECT pg_temp.rel_diff(f.coef, f.intercept, pg_temp.ref_ridge('SELECT xr::float8[] AS x, y FROM rg', 1, false)) < 1e-12 AS real_features
FROM al.ridge_fit('rg', 'xr', 'y', 1) f;
-- integer and numeric targets
SELECT pg_temp.rel_diff(f.coef, f.intercept, pg_temp.ref_ridge('SELECT x, yi::float8 AS y FROM rg', 1, true)) < 1e-12 AS integer_target
FROM al.ridge_fit('rg', 'x', 'yi', 1, true) f;
SELECT pg_temp.rel_diff(f.coef, f.intercept, pg_temp.ref_ridge('SELECT x, yn::float8 AS y FROM rg', 1, false)) < 1e-12 AS numeric_target
FROM al.ridge_fit('rg', 'x', 'yn', 1) f;
-- rows whose target is NULL are not training rows; a view works as data
UPDATE rg SET yn = NULL WHERE id % 3 = 0;
CREATE VIEW rg_view AS SELECT x, yn FROM rg;
SELECT pg_temp.rel_diff(f.coef, f.intercept, pg_temp.ref_ridge('SELECT x, yn::float8 AS y FROM rg WHERE yn IS NOT NULL', 1, false)) < 1e-12 AS null_targets_skipped
FROM al.ridge_fit('rg_view', 'x', 'yn', 1) f;
-- predictions over the table against the dot product in SQL
SELECT count(*) AS rows,
	count(*) FILTER (WHERE abs(al.ridge_predict(f.coef, f.intercept, rg.x)
		- (f.intercept + (SELECT sum(c * v) FROM unnest(f.coef, rg.x) u(c, v)))) < 1e-12) AS predictions_ok
FROM rg, al.ridge_fit('rg', 'x', 'y', 1) f;
-- features with a large offset (1e8 plus multiples of 1/8, exact in binary
-- and in their shortest decimal text, so the reference sees the very
-- values): the exact reference on the raw rows
CREATE TABLE rg_offset AS SELECT i AS id, ARRAY[1e8 + round(8 * sin(i * 1.7)) / 8, 3 + cos(i)] AS x,
	2 * sin(i * 1.7) + cos(i * 3) AS y
FROM generate_series(1, 40) i;
SELECT pg_temp.rel_diff(f.coef, f.intercept, pg_temp.ref_ridge('SELECT x, y FROM rg_offset', 0.5, false)) < 1e-12 AS offset_ok
FROM al.ridge_fit('rg_offset', 'x', 'y', 0.5) f;
-- a constant feature gets coefficient 0, standardized or not
CREATE TABLE rg_const AS SELECT i AS id, ARRAY[sin(i), 7] AS x, 3 * sin(i) + 1 AS y FROM generate_series(1, 10) i;
SELECT (SELECT coef[2] FROM al.ridge_fit('rg_const', 'x', 'y', 1)) AS raw,
	(SELECT coef[2] FROM al.ridge_fit('rg_const', 'x', 'y', 1, true)) AS standardized;

-- ---- storage forms: features out of line, compressed, short header ----
-- 30 rows of 300 features (2.4 kB: out of line with STORAGE EXTERNAL,
-- compressed inline with STORAGE MAIN when they repeat), and 1-feature rows
-- (short headers); the same fit as from the values rebuilt from text
CREATE TABLE rg_ext (id int PRIMARY KEY, x float8[], y float8);
ALTER TABLE rg_ext ALTER x SET STORAGE EXTERNAL;
INSERT INTO rg_ext SELECT i, ARRAY(SELECT sin(i * 0.37 + j * 1.1) FROM generate_series(1, 300) j), cos(i)
FROM generate_series(1, 30) i;
CREATE TABLE rg_main (id int PRIMARY KEY, x float8[], y float8);
ALTER TABLE rg_main ALTER x SET STORAGE MAIN;
INSERT INTO rg_main SELECT i, ARRAY(SELECT ((i + j) % 4)::float8 FROM generate_series(1, 300) j), i % 5
FROM generate_series(1, 30) i;
CREATE TABLE rg_short (id int PRIMARY KEY, x float8[], y float8);
INSERT INTO rg_short SELECT i, ARRAY[i % 7]::text::float8[], i FROM generate_series(1, 30) i;
CREATE VIEW rg_ext_plain AS SELECT id, x::text::float8[] AS x, y FROM rg_ext;
CREATE VIEW rg_main_plain AS SELECT id, x::text::float8[] AS x, y FROM rg_main;
CREATE VIEW rg_short_plain AS SELECT id, (x::text || '')::float8[] AS x, y FROM rg_short;
-- the forms, proven: rg_ext's 30 values are in its TOAST table, rg_main's
-- are compressed, rg_short's have the 1-byte header (29 bytes, not 32)
\set toasted :abs_srcdir '/sql/include/toasted.sql'
\i :toasted
SELECT pg_temp.toasted_values('rg_ext') AS ext_out_of_line,
	(SELECT pg_column_compression(x) IS NOT NULL FROM rg_main LIMIT 1) AS main_compressed,
	(SELECT pg_column_size(x) = 1 + 20 + 8 FROM rg_short LIMIT 1) AS short_header;
SELECT t, (SELECT coef || intercept FROM al.ridge_fit(t, 'x', 'y', 0.5, true))
	= (SELECT coef || intercept FROM al.ridge_fit((t::text || '_plain')::regclass, 'x', 'y', 0.5, true)) AS same_fit
FROM unnest(ARRAY['rg_ext', 'rg_main', 'rg_short']::regclass[]) t;
-- coefficients stored out of line, given to al.ridge_predict
CREATE TABLE rg_coef (coef float8[], intercept float8);
ALTER TABLE rg_coef ALTER coef SET STORAGE EXTERNAL;
INSERT INTO rg_coef SELECT coef, intercept FROM al.ridge_fit('rg_ext', 'x', 'y', 0.5);
SELECT count(*) FILTER (WHERE al.ridge_predict(c.coef, c.intercept, e.x) = al.ridge_predict(c.coef::text::float8[], c.intercept, e.x::text::float8[])) AS same_predictions,
	count(*) AS rows
FROM rg_coef c, rg_ext e;
DROP VIEW rg_ext_plain, rg_main_plain, rg_short_plain;
DROP TABLE rg_ext, rg_main, rg_short, rg_coef;

-- ---- NULL arguments: STRICT, no row ----
SELECT count(*) AS rows FROM al.ridge_fit(NULL, 'x', 'y', 1, false);
SELECT count(*) AS rows FROM al.ridge_fit('rg', 'x', 'y', NULL, false);
SELECT al.ridge_predict(NULL, 1, '{1}') IS NULL AS predict_null;

-- ---- errors ----
CREATE TABLE rg_bad (id int PRIMARY KEY, x float8[], y float8, t text, yn numeric);
INSERT INTO rg_bad VALUES (1, '{1,2}', 1, 'a', 1), (2, '{2,3}', 2, 'b', 2), (3, '{4,1}', 'NaN', 'c', 'NaN');
CREATE TABLE rg_one (x float8[], y float8);
INSERT INTO rg_one VALUES ('{1}', 1), ('{2}', NULL);
CREATE TABLE rg_shape (id int PRIMARY KEY, x float8[], y float8);
INSERT INTO rg_shape VALUES (1, '{1,2}', 1), (2, '{1}', 2);
CREATE TABLE rg_nulls (id int PRIMARY KEY, x float8[], y float8);
INSERT INTO rg_nulls VALUES (1, '{1,2}', 1), (2, '{1,NULL}', 2);
CREATE TABLE rg_nullx (id int PRIMARY KEY, x float8[], y float8);
INSERT INTO rg_nullx VALUES (1, '{1,2}', 1), (2, NULL, 2);
CREATE TABLE rg_inf (id int PRIMARY KEY, x float8[], y float8);
INSERT INTO rg_inf VALUES (1, '{1,2}', 1), (2, '{Infinity,1}', 2);
CREATE TABLE rg_huge (id int PRIMARY KEY, x float8[], y float8);
INSERT INTO rg_huge VALUES (1, '{1e200}', 1), (2, '{-1e200}', 2), (3, '{3e200}', 1);
CREATE TABLE rg_wide (x float8[], y float8);
INSERT INTO rg_wide SELECT array_fill(1::float8, ARRAY[4097]), 1;
CREATE TABLE rg_empty (id int PRIMARY KEY, x float8[], y float8);
INSERT INTO rg_empty VALUES (1, '{}', 1);
CREATE TABLE rg_2d (id int PRIMARY KEY, x float8[], y float8);
INSERT INTO rg_2d VALUES (1, '{{1,2}}', 1);
SELECT call, pg_temp.try(call) AS result
FROM unnest(ARRAY[
	$$SELECT coef FROM al.ridge_fit('rg_bad', 'x', 'y', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_bad', 'x', 'yn', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_bad', 'x', 't', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_bad', 'x', 'nope', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_bad', 'nope', 'y', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_bad', 't', 'y', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_bad', 'x', 'y', 0)$$,
	$$SELECT coef FROM al.ridge_fit('rg_bad', 'x', 'y', -1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_bad', 'x', 'y', 'NaN')$$,
	$$SELECT coef FROM al.ridge_fit('rg_bad', 'x', 'y', 'Infinity')$$,
	$$SELECT coef FROM al.ridge_fit('rg_one', 'x', 'y', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_one', 'x', 'y', 1) WHERE false$$,
	$$SELECT coef FROM al.ridge_fit('rg_shape', 'x', 'y', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_nulls', 'x', 'y', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_nullx', 'x', 'y', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_inf', 'x', 'y', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_huge', 'x', 'y', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_wide', 'x', 'y', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_empty', 'x', 'y', 1)$$,
	$$SELECT coef FROM al.ridge_fit('rg_2d', 'x', 'y', 1)$$,
	$$SELECT al.ridge_predict('{1,2}', 0, '{1}')$$,
	$$SELECT al.ridge_predict('{1,2}', 0, '{{1,2}}')$$,
	$$SELECT al.ridge_predict('{1,NULL}', 0, '{1,2}')$$,
	$$SELECT al.ridge_predict('{1,2}', 'NaN', '{1,2}')$$,
	$$SELECT al.ridge_predict('{1,2}', 0, '{1,Infinity}')$$,
	$$SELECT al.ridge_predict('{1e300,2}', 0, '{1e300,2}')$$
]) WITH ORDINALITY u(call, i)
ORDER BY i;
-- rows of no target at all
DELETE FROM rg_one WHERE y IS NOT NULL;
SELECT pg_temp.try($$SELECT coef FROM al.ridge_fit('rg_one', 'x', 'y', 1)$$) AS no_rows;

-- ---- the table is read with the caller's privileges ----
CREATE ROLE rg_stranger;
SET ROLE rg_stranger;
SELECT pg_temp.try($$SELECT coef FROM al.ridge_fit('rg', 'x', 'y', 1)$$) AS stranger;
RESET ROLE;
GRANT SELECT (x, y) ON rg TO rg_stranger;
SET ROLE rg_stranger;
SELECT pg_temp.try($$SELECT coef = (SELECT coef FROM al.ridge_fit('rg', 'x', 'y', 1)) FROM al.ridge_fit('rg', 'x', 'y', 1)$$) AS with_column_grant;
RESET ROLE;
-- row-level security applies: the stranger sees the rows with id <= 30 only
ALTER TABLE rg ENABLE ROW LEVEL SECURITY;
CREATE POLICY rg_half ON rg FOR SELECT TO rg_stranger USING (id <= 30);
GRANT SELECT (id) ON rg TO rg_stranger;
SET ROLE rg_stranger;
SELECT (SELECT count(*) FROM rg) AS visible_rows, pg_temp.rel_diff(f.coef, f.intercept, r) < 1e-12 AS policy_rows_only
FROM al.ridge_fit('rg', 'x', 'y', 1) f, (SELECT pg_temp.ref_ridge('SELECT x, y FROM rg', 1, false) AS r) ref;
RESET ROLE;
-- (the superuser running this file is not subject to the policy)
SELECT pg_temp.rel_diff(f.coef, f.intercept, pg_temp.ref_ridge('SELECT x, y FROM rg WHERE id <= 30', 1, false)) < 1e-12 AS superuser_fit_is_half,
	pg_temp.rel_diff(f.coef, f.intercept, pg_temp.ref_ridge('SELECT x, y FROM rg', 1, false)) < 1e-12 AS owner_sees_all
FROM al.ridge_fit('rg', 'x', 'y', 1) f;
DROP POLICY rg_half ON rg;
ALTER TABLE rg DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON rg FROM rg_stranger;
DROP ROLE rg_stranger;

-- ---- the functions: volatility, strictness, parallel safety, comments ----
SELECT p.oid::regprocedure AS function, p.provolatile AS volatile, p.proisstrict AS strict,
	p.proparallel AS parallel, obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented
FROM pg_proc p
WHERE p.pronamespace = 'al'::regnamespace AND p.proname IN ('ridge_fit', 'ridge_predict')
ORDER BY p.oid::regprocedure::text;

DROP VIEW rg_view;
DROP TABLE rg_hand, rg, rg_offset, rg_const, rg_bad, rg_one, rg_shape, rg_nulls, rg_nullx, rg_inf, rg_huge,
	rg_wide, rg_empty, rg_2d;
