-- Feature columns of any type with a cast to real[] (issue 11, item 4):
-- domains over real[] and double precision[], and a user type with a cast
-- function to real[] (ft.emb, a composite type standing in for pgvector's
-- vector, whose cast to real[] is also a function: pgvector is not
-- packaged for this platform).  Each is checked against the same values in
-- a real[] column: the same model coefficients (exactly), the same ranking
-- of a learner, the same expected error reduction and backtest.  The cast
-- function belongs to an unprivileged role and logs who runs it: always the
-- reader (the caller, or the learner's owner), never a superuser.
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
	detail text;
BEGIN
	EXECUTE sql INTO r;
	RETURN 'ok: ' || coalesce(r, 'NULL');
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' DETAIL: ' || nullif(detail, ''), '');
END $$;
GRANT EXECUTE ON FUNCTION pg_temp.try(text) TO PUBLIC;

CREATE ROLE ft_typeowner;
CREATE ROLE ft_user;
CREATE TABLE public.cast_log (run_as name, as_superuser boolean);
GRANT INSERT, SELECT ON public.cast_log TO PUBLIC;
CREATE SCHEMA ft AUTHORIZATION ft_typeowner;
CREATE SCHEMA ftu AUTHORIZATION ft_user;
GRANT USAGE ON SCHEMA ft TO PUBLIC;

-- the types, owned by an unprivileged role
SET ROLE ft_typeowner;
CREATE DOMAIN ft.emb4 AS real[] CHECK (pg_catalog.cardinality(VALUE) = 2);
CREATE DOMAIN ft.emb8 AS double precision[] CHECK (VALUE[1] IS NOT NULL);
CREATE TYPE ft.emb AS (v real[]);
CREATE TYPE ft.nocast AS (v real[]);
-- the cast logs its caller and returns the array
CREATE FUNCTION ft.emb_to_real(e ft.emb) RETURNS real[] LANGUAGE plpgsql STRICT
	SET search_path = pg_catalog AS $$
BEGIN
	INSERT INTO public.cast_log
	SELECT current_user, r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user;
	RETURN e.v;
END $$;
CREATE CAST (ft.emb AS real[]) WITH FUNCTION ft.emb_to_real(ft.emb) AS ASSIGNMENT;
RESET ROLE;

-- the same 60 rows in every type; rows 1..30 labeled by cluster (i % 3)
SET ROLE ft_user;
CREATE TABLE ftu.base AS
SELECT i::bigint AS id,
       ARRAY[(i % 3) * 1.5 + (i % 7) * 0.13 - 0.4, -(i % 3) + (i % 5) * 0.21 + (i % 4) * 0.05]::real[] AS x,
       CASE WHEN i <= 30 THEN (ARRAY['a', 'b', 'c'])[i % 3 + 1] END AS y
FROM generate_series(1, 60) i;
ALTER TABLE ftu.base ADD PRIMARY KEY (id);
CREATE TABLE ftu.dom4 AS SELECT id, x::ft.emb4 AS x, y FROM ftu.base;
CREATE TABLE ftu.dom8 AS SELECT id, x::double precision[]::ft.emb8 AS x, y FROM ftu.base;
CREATE TABLE ftu.emb AS SELECT id, ROW(x)::ft.emb AS x, y FROM ftu.base;
CREATE TABLE ftu.txt AS SELECT id, x::text AS x, y FROM ftu.base;
CREATE TABLE ftu.txta AS SELECT id, x::text[] AS x, y FROM ftu.base;
CREATE TABLE ftu.nocast AS SELECT id, ROW(x)::ft.nocast AS x, y FROM ftu.base;
CREATE TABLE ftu.ints AS SELECT id, ARRAY[id, id % 3]::integer[] AS x, y FROM ftu.base;
CREATE TABLE ftu.ints_real AS SELECT id, x::real[] AS x, y FROM ftu.ints;
SELECT pg_catalog.count(*) AS casts_before FROM public.cast_log;

-- 1. training: the same coefficients, exactly, from every readable type
SELECT t, al.train_model('ft_' || t, 'ftu.' || t, 'x', 'y', '{"members": 2, "seed": 5}') > 0 AS trained
FROM unnest(ARRAY['base', 'dom4', 'dom8', 'emb']) t;
SELECT t, (SELECT array_agg(c::text ORDER BY c.member, c.class) FROM al.model_coefficients('ft_' || t) c) =
          (SELECT array_agg(c::text ORDER BY c.member, c.class) FROM al.model_coefficients('ft_base') c) AS same_coefficients
FROM unnest(ARRAY['dom4', 'dom8', 'emb']) t;
-- the cast ran once per labeled row (30), as the caller
SELECT run_as, as_superuser, pg_catalog.count(*) FROM public.cast_log GROUP BY 1, 2;
-- prediction takes real[] (or double precision[]): cast the column
SELECT pg_catalog.count(*) FILTER (WHERE al.predict_proba('ft_emb', e.x::real[])::text = al.predict_proba('ft_base', b.x)::text) AS same_predictions
FROM ftu.emb e JOIN ftu.base b USING (id);
-- a type without a cast to real[]; text, which PostgreSQL converts to
-- real[] by parsing (no declared cast), is refused too, and so is text[];
-- an integer[] is read through its elements' cast
SELECT pg_temp.try($$SELECT al.train_model('ft_nocast', 'ftu.nocast', 'x', 'y')$$) AS no_cast;
SELECT pg_temp.try($$SELECT al.train_model('ft_txt', 'ftu.txt', 'x', 'y')$$) AS text_features,
       pg_temp.try($$SELECT al.train_model('ft_txt', 'ftu.base', 'y', 'x')$$) AS label_as_features;
SELECT pg_temp.try($$SELECT al.create_learner('l_txt', 'ftu.txta', 'id', 'x', ARRAY['a', 'b'])$$) AS text_array_features;
SELECT pg_temp.try($$SELECT al.train_model('ft_id', 'ftu.base', 'id', 'y')$$) AS bigint_features;
SELECT al.train_model('ft_ints', 'ftu.ints', 'x', 'y') > 0 AS integer_array_trained,
       al.train_model('ft_ints_real', 'ftu.ints_real', 'x', 'y') > 0 AS same_as_real_trained;
SELECT (SELECT array_agg(c::text ORDER BY c.member, c.class) FROM al.model_coefficients('ft_ints') c) =
       (SELECT array_agg(c::text ORDER BY c.member, c.class) FROM al.model_coefficients('ft_ints_real') c) AS same_coefficients;

-- 2. expected error reduction (with single models) and backtests: the same results
SELECT t, al.train_model('eer_' || t, 'ftu.' || t, 'x', 'y') > 0 AS trained
FROM unnest(ARRAY['base', 'dom4', 'dom8', 'emb']) t;
SELECT t, (SELECT array_agg(e::text ORDER BY e.item_id) FROM al.expected_error_reduction('eer_' || t, 'ftu.' || t, 'id', 'x', 'y', '{"candidates": 8, "sample": 20}') e) =
          (SELECT array_agg(e::text ORDER BY e.item_id) FROM al.expected_error_reduction('eer_base', 'ftu.base', 'id', 'x', 'y', '{"candidates": 8, "sample": 20}') e) AS same_eer,
       (SELECT pg_catalog.count(*) FROM al.expected_error_reduction('eer_' || t, 'ftu.' || t, 'id', 'x', 'y', '{"candidates": 8, "sample": 20}')) AS ranked
FROM unnest(ARRAY['dom4', 'dom8', 'emb']) t;
SELECT pg_temp.try($$SELECT pg_catalog.count(*) FROM al.expected_error_reduction('eer_base', 'ftu.nocast', 'id', 'x', 'y')$$) AS eer_no_cast;
SELECT t, (SELECT array_agg(b::text ORDER BY b.strategy, b.round) FROM al.backtest('ftu.' || t, 'id', 'x', 'y', ARRAY['entropy', 'kcenter'], ARRAY[4], 16, 4, ARRAY[3]::bigint[]) b) =
          (SELECT array_agg(b::text ORDER BY b.strategy, b.round) FROM al.backtest('ftu.base', 'id', 'x', 'y', ARRAY['entropy', 'kcenter'], ARRAY[4], 16, 4, ARRAY[3]::bigint[]) b) AS same_backtest,
       (SELECT pg_catalog.count(*) FROM al.backtest('ftu.' || t, 'id', 'x', 'y', ARRAY['entropy', 'kcenter'], ARRAY[4], 16, 4, ARRAY[3]::bigint[])) AS rounds
FROM unnest(ARRAY['dom4', 'dom8', 'emb']) t;
SELECT pg_temp.try($$SELECT pg_catalog.count(*) FROM al.backtest('ftu.nocast', 'id', 'x', 'y')$$) AS backtest_no_cast;

-- 3. learners: the same ranking over every readable type
SELECT t, al.create_learner('l_' || t, 'ftu.' || t, 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                            '{"retrain_every": 4, "committee": 2, "seed": 9}') > 0 AS created
FROM unnest(ARRAY['base', 'dom4', 'dom8', 'emb']) t;
SELECT pg_temp.try($$SELECT al.create_learner('l_nocast', 'ftu.nocast', 'id', 'x', ARRAY['a', 'b'])$$) AS learner_no_cast;
SELECT t, (SELECT pg_catalog.count(al.label('l_' || t, b.id, b.y)) FROM ftu.base b WHERE b.id <= 12) AS labeled,
       al.run_learner('l_' || t) AS round
FROM unnest(ARRAY['base', 'dom4', 'dom8', 'emb']) t;
SELECT t, (SELECT array_agg(ROW(s.item_id, s.model_version, s.score, s.predicted, s.probs, s.rank)::text ORDER BY s.item_id)
           FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'l_' || t) =
          (SELECT array_agg(ROW(s.item_id, s.model_version, s.score, s.predicted, s.probs, s.rank)::text ORDER BY s.item_id)
           FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'l_base') AS same_scores,
       (SELECT pg_catalog.count(*) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'l_' || t) AS scored
FROM unnest(ARRAY['dom4', 'dom8', 'emb']) t;
RESET ROLE;

-- 4. a superuser labels and runs ft_user's learner: the cast runs as ft_user
TRUNCATE public.cast_log;
SELECT pg_catalog.count(al.label('l_emb', b.id, b.y)) AS labeled_by_superuser FROM ftu.base b WHERE b.id BETWEEN 13 AND 16;
SELECT al.run_learner('l_emb') AS round_by_superuser;
SELECT run_as, as_superuser, pg_catalog.count(*) > 60 AS casts FROM public.cast_log GROUP BY 1, 2;

-- 5. each round checks the column's type again: without the cast, the
-- learner's round fails cleanly (and works again with it)
SET ROLE ft_typeowner;
DROP CAST (ft.emb AS real[]);
RESET ROLE;
SET ROLE ft_user;
SELECT pg_temp.try($$SELECT al.run_learner('l_emb')$$) AS round_without_cast;
SELECT learner, problem FROM al.learner_status WHERE learner = 'l_emb';
SELECT pg_temp.try($$SELECT al.label('l_emb', 17, 'c')$$) AS label_without_cast;
SELECT pg_temp.try($$SELECT al.train_model('ft_emb', 'ftu.emb', 'x', 'y')$$) AS train_without_cast;
RESET ROLE;
SET ROLE ft_typeowner;
CREATE CAST (ft.emb AS real[]) WITH FUNCTION ft.emb_to_real(ft.emb) AS ASSIGNMENT;
RESET ROLE;
SET ROLE ft_user;
SELECT al.label('l_emb', 17, 'c') IS NOT NULL AS labeled_again;
SELECT al.retrain('l_emb');
SELECT al.run_learner('l_emb') AS round_with_cast_again;
RESET ROLE;

-- 6. a binary-coercible cast (WITHOUT FUNCTION) from a type that is not an
-- array of floats is refused: it would reinterpret the type's bytes as an
-- array.  CREATE CAST refuses to make one to an array type, so only a
-- superuser's edit of pg_cast can; make one by hand, then remove it.
CREATE TABLE ftu.blob AS SELECT id, pg_catalog.decode('00', 'hex') AS x, y FROM ftu.base;
SELECT pg_temp.try($$SELECT al.train_model('ft_blob', 'ftu.blob', 'x', 'y')$$) AS no_cast_yet;
INSERT INTO pg_cast (oid, castsource, casttarget, castfunc, castcontext, castmethod)
SELECT (SELECT max(oid::bigint) + 1 FROM pg_cast)::oid, 'bytea'::regtype, 'real[]'::regtype, 0, 'e', 'b';
SELECT pg_temp.try($$SELECT al.train_model('ft_blob', 'ftu.blob', 'x', 'y')$$) AS binary_cast;
SELECT pg_temp.try($$SELECT al.create_learner('l_blob', 'ftu.blob', 'id', 'x', ARRAY['a', 'b'])$$) AS binary_cast_learner;
DELETE FROM pg_cast WHERE castsource = 'bytea'::regtype AND casttarget = 'real[]'::regtype;
DROP TABLE ftu.blob;

-- no superuser ever ran the cast
SELECT pg_catalog.count(*) FILTER (WHERE as_superuser) AS superuser_casts FROM public.cast_log;

SELECT pg_catalog.count(al.drop_learner('l_' || t)) AS dropped FROM unnest(ARRAY['base', 'dom4', 'dom8', 'emb']) t;
SELECT pg_catalog.sum(al.drop_model(m)) AS dropped
FROM unnest(ARRAY['ft_base', 'ft_dom4', 'ft_dom8', 'ft_emb', 'ft_ints', 'ft_ints_real',
                  'eer_base', 'eer_dom4', 'eer_dom8', 'eer_emb']) m;
DROP SCHEMA ftu CASCADE;
DROP SCHEMA ft CASCADE;
DROP TABLE public.cast_log;
DROP ROLE ft_user;
DROP ROLE ft_typeowner;
