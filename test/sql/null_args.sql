-- Every function of schema al, called with NULL in each argument in turn and
-- typical valid values in the others, must answer NULL (STRICT), a value or
-- a clear error: never crash the backend.  The functions come from pg_proc,
-- so functions added later are covered without touching this file (their
-- outcomes then show up as a difference to review).  Each call runs in a
-- subtransaction that is always rolled back, so calls that write (training,
-- labels, learners) leave nothing behind.  Outcomes: 'null', 'value',
-- 'N rows' for set-returning functions, or 'SQLSTATE: message'.  The row
-- with position 0 is the call without NULL, showing the sample values work.
-- (Issue 7, defect 2: al.model_coefficients(NULL) crashed with signal 11.)

-- a model 'nm' over 2 features and a learner 'nl' over a bigint pool
CREATE TABLE nm_data (x real[], y text);
INSERT INTO nm_data SELECT ARRAY[i % 3, (i * 7) % 5]::real[], (ARRAY['red', 'green'])[i % 2 + 1]
FROM generate_series(1, 12) i;
SELECT al.train_model('nm', 'nm_data', 'x', 'y') > 0 AS trained;
-- a one-vs-rest model 'nm_ovr' and a ridge model 'nm_ridge' on the same features
CREATE TABLE nm_families AS
SELECT x, CASE WHEN y = 'red' THEN '{red}'::text[] ELSE '{green,blue}'::text[] END AS tags, x[1] + 2 * x[2] AS v
FROM nm_data;
SELECT al.train_model('nm_ovr', 'nm_families', 'x', 'tags', '{"family": "ovr"}') > 0 AS trained_ovr,
	al.train_model('nm_ridge', 'nm_families', 'x', 'v', '{"family": "ridge"}') > 0 AS trained_ridge;
-- an id column and unlabeled rows, for al.expected_error_reduction
ALTER TABLE nm_data ADD COLUMN id integer GENERATED ALWAYS AS IDENTITY;
INSERT INTO nm_data (x, y) SELECT ARRAY[i % 4, i % 3]::real[], NULL FROM generate_series(1, 5) i;
-- the same rows with an id, for al.backtest
CREATE TABLE nb_data AS SELECT row_number() OVER () AS id, x, y FROM nm_data;
CREATE TABLE nl_pool (id bigint, x real[]);
INSERT INTO nl_pool SELECT i, ARRAY[i % 3, (i * 7) % 5]::real[] FROM generate_series(1, 12) i;
SELECT al.create_learner('nl', 'nl_pool', 'id', 'x', ARRAY['red', 'green']) > 0 AS created;
-- and 'nlu' over uuid ids, for the functions that take uuid item ids
CREATE TABLE nlu_pool (id uuid, x real[]);
INSERT INTO nlu_pool SELECT format('00000000-0000-0000-0000-%s', lpad(i::text, 12, '0'))::uuid, x
FROM nl_pool i(i, x);
SELECT al.create_learner('nlu', 'nlu_pool', 'id', 'x', ARRAY['red', 'green']) > 0 AS created;

-- Sample argument values: by argument name and type, else by type.
CREATE TABLE pg_temp.sample (argname text, argtype regtype, value text);
INSERT INTO pg_temp.sample VALUES
	('', 'al.probvec', $$'[0.25,0.75]'::al.probvec$$),
	('', 'al.probvec[]', $$ARRAY['[0.25,0.75]', '[0.5,0.5]']::al.probvec[]$$),
	('', 'real[]', $$'{0.25,0.75}'::real[]$$),
	('', 'double precision[]', $$'{0.25,0.75}'::float8[]$$),
	('', 'numeric[]', $$'{0.25,0.75}'::numeric[]$$),
	('', 'double precision', $$0.5::float8$$),
	('', 'integer', $$2$$),
	('', 'bigint', $$1::bigint$$),
	('', 'boolean', $$false$$),
	('', 'oid', $$0::oid$$),
	('', 'text', $$'a'::text$$),
	('', 'uuid', $$'00000000-0000-0000-0000-000000000001'::uuid$$),
	('', 'cstring', $$'[0.25,0.75]'::cstring$$),
	('', 'cstring[]', $$'{2}'::cstring[]$$),
	('', 'jsonb', $$'{}'::jsonb$$),
	('', 'regclass', $$'nm_data'::regclass$$),
	('', 'regrole', $$current_user::regrole$$),
	('', 'name', $$'x'::name$$),
	('', 'al.top_k_state', $$al.top_k_trans(NULL, 1::bigint, 0.5::float8, 2)$$),
	('text ids', 'al.top_k_state', $$al.top_k_trans(NULL, 'a'::text, 0.5::float8, 2)$$),
	('uuid ids', 'al.top_k_state', $$al.top_k_trans(NULL, '00000000-0000-0000-0000-000000000001'::uuid, 0.5::float8, 2)$$),
	('', 'al.consensus_state', $$'rows=2 sums=[0.5,1.5]'::al.consensus_state$$),
	('state', 'double precision[]', $$'{1,0.25,0.75}'::float8[]$$),
	('state1', 'double precision[]', $$'{1,0.25,0.75}'::float8[]$$),
	('state2', 'double precision[]', $$'{2,1,1}'::float8[]$$),
	('model', 'text', $$'nm'::text$$),
	('model', 'bytea', $$al.model_export('nm')$$),
	('model_id', 'bigint', $$(SELECT max(id) FROM al.models WHERE name = 'nm')$$),
	('version', 'integer', $$1$$),
	('version', 'text', $$'v1'::text$$),
	('trained_on', 'bigint[]', $$'{1}'::bigint[]$$),
	('data', 'regclass', $$'nm_data'::regclass$$),
	('features', 'name', $$'x'::name$$),
	('label', 'name', $$'y'::name$$),
	('learner', 'text', $$'nl'::text$$),
	('learner_id', 'bigint', $$(SELECT id FROM al.learners WHERE name = 'nl')$$),
	('pool', 'regclass', $$'nl_pool'::regclass$$),
	('id_column', 'name', $$'id'::name$$),
	('features_column', 'name', $$'x'::name$$),
	('classes', 'text[]', $$ARRAY['red', 'green']$$),
	('strategy', 'text', $$'margin_confidence'::text$$),
	('item_id', 'text', $$'3'::text$$),
	('item_id', 'bigint', $$3::bigint$$),
	('item_ids', 'text[]', $$'{3}'::text[]$$),
	('item_ids', 'bigint[]', $$'{3}'::bigint[]$$),
	('item_ids', 'uuid[]', $$'{00000000-0000-0000-0000-000000000001}'::uuid[]$$),
	('label', 'text', $$'red'::text$$),
	('annotator', 'text', $$'ann'::text$$),
	('labels', 'jsonb', $$'[{"item": 3, "label": "red"}]'::jsonb$$),
	('options', 'jsonb', $$'{}'::jsonb$$),
	('probabilities', 'jsonb', $$'[0.25,0.75]'::jsonb$$),
	('keyed', 'jsonb', $$'{"red": 0.25, "green": 0.75}'::jsonb$$),
	('logprobs', 'jsonb', $$'{"red": -0.1, "green": -2.5}'::jsonb$$),
	('logprobs', 'double precision[]', $$'{-0.25,-1.5}'::float8[]$$),
	('logprobs', 'real[]', $$'{-0.25,-1.5}'::real[]$$),
	('top_logprobs', 'double precision[]', $$'{{-0.5,-1.5},{-0.1,-3}}'::float8[]$$),
	('top_logprobs', 'real[]', $$'{{-0.5,-1.5},{-0.1,-3}}'::real[]$$),
	('id', 'name', $$'id'::name$$),
	('strategies', 'text[]', $$ARRAY['margin', 'kcenter']$$),
	('batch_sizes', 'integer[]', $$'{2}'::integer[]$$),
	('seeds', 'bigint[]', $$'{1}'::bigint[]$$),
	('labels_a', 'text[]', $$ARRAY['x', 'y']$$),
	('labels_b', 'text[]', $$ARRAY['x', 'x']$$),
	('counts', 'integer[]', $$'{{2,0},{1,1}}'::integer[]$$);
-- Where the function matters: 'name' is a model's for model functions, a
-- new learner's for al.create_learner, the learner 'nl' for the other
-- learner functions; the learner is 'nlu' for functions taking uuid ids;
-- a top_k state holds ids of the function's id type; top_k_state_in and
-- consensus_state_in read a state's text.
CREATE FUNCTION pg_temp.sample_value(p pg_proc, argname text, argtype regtype) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	types regtype[] := p.proargtypes::regtype[];
	key text := argname;
BEGIN
	IF argname = 'name' AND p.proname IN ('train_model', 'drop_model') THEN
		RETURN $q$'nm'::text$q$;
	ELSIF argname = 'name' AND p.proname = 'create_learner' THEN
		RETURN $q$'nl_new'::text$q$;
	ELSIF argname IN ('name', 'learner') AND ('uuid'::regtype = ANY (types) OR 'uuid[]'::regtype = ANY (types)) THEN
		RETURN $q$'nlu'::text$q$;
	ELSIF argname = 'name' THEN
		RETURN $q$'nl'::text$q$;
	ELSIF argname IN ('model', 'model_id') AND p.proname LIKE ANY (ARRAY['predict\_label%', 'predict\_committee\_label%']) THEN
		RETURN CASE WHEN argtype = 'bytea'::regtype THEN $q$al.model_export('nm_ovr')$q$
			WHEN argname = 'model' THEN $q$'nm_ovr'::text$q$
			ELSE $q$(SELECT max(id) FROM al.models WHERE name = 'nm_ovr')$q$ END;
	ELSIF argname IN ('model', 'model_id') AND p.proname LIKE ANY (ARRAY['predict\_value%', 'predict\_committee\_values%', '\_round\_outputs']) THEN
		RETURN CASE WHEN argtype = 'bytea'::regtype THEN $q$al.model_export('nm_ridge')$q$
			WHEN argname = 'model' THEN $q$'nm_ridge'::text$q$
			ELSE $q$(SELECT max(id) FROM al.models WHERE name = 'nm_ridge')$q$ END;
	ELSIF argname = 'data' AND p.proname LIKE 'backtest%' THEN
		RETURN $q$'nb_data'::regclass$q$;
	ELSIF argname = 'probabilities' AND argtype = 'jsonb'::regtype AND 'text[]'::regtype = ANY (types) THEN
		key := 'keyed';
	ELSIF p.proname = 'top_k_state_in' THEN
		RETURN $q$al.top_k_trans(NULL, 1::bigint, 0.5::float8, 2)::text::cstring$q$;
	ELSIF p.proname = 'consensus_state_in' THEN
		RETURN $q$'rows=2 sums=[0.5,1.5]'::cstring$q$;
	ELSIF argtype = 'al.top_k_state'::regtype AND (p.proname LIKE '%\_text' OR 'text'::regtype = ANY (types)) THEN
		key := 'text ids';
	ELSIF argtype = 'al.top_k_state'::regtype AND (p.proname LIKE '%\_uuid' OR 'uuid'::regtype = ANY (types)) THEN
		key := 'uuid ids';
	END IF;
	RETURN coalesce((SELECT value FROM pg_temp.sample s WHERE s.argname = key AND s.argtype = $3),
					(SELECT value FROM pg_temp.sample s WHERE s.argname = '' AND s.argtype = $3),
					'no sample for ' || $3);
END $$;

-- The outcome of a query that yields one text value, in a subtransaction
-- that is rolled back whatever happens.
CREATE FUNCTION pg_temp.outcome(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
BEGIN
	BEGIN
		EXECUTE q INTO r;
		RAISE EXCEPTION 'al_ext null_args rollback' USING ERRCODE = 'ZX999';
	EXCEPTION WHEN SQLSTATE 'ZX999' THEN
		RETURN r;
	WHEN others THEN
		RETURN SQLSTATE || ': ' || SQLERRM;
	END;
END $$;

-- The name of input argument i (1-based) of function p, '' if unnamed.
CREATE FUNCTION pg_temp.in_arg_name(p pg_proc, i int) RETURNS text LANGUAGE sql AS $$
	SELECT coalesce((SELECT n FROM unnest(p.proargnames, p.proargmodes) WITH ORDINALITY u(n, m, o)
					 WHERE coalesce(m, 'i') IN ('i', 'b', 'v') ORDER BY o OFFSET i - 1 LIMIT 1), '')
$$;

-- The call of function f (regular or set-returning) with NULL at position
-- null_at (0: none), as a query for pg_temp.outcome.
CREATE FUNCTION pg_temp.call_query(f regprocedure, null_at int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	p pg_proc;
	args text := '';
BEGIN
	SELECT * INTO p FROM pg_proc WHERE oid = f;
	FOR i IN 1 .. p.pronargs LOOP
		args := args || CASE WHEN i > 1 THEN ', ' ELSE '' END ||
			CASE WHEN i = null_at THEN format('NULL::%s', format_type(p.proargtypes[i - 1], NULL))
				 ELSE pg_temp.sample_value(p, pg_temp.in_arg_name(p, i),
										   p.proargtypes[i - 1]::regtype) END;
	END LOOP;
	IF p.proretset THEN
		RETURN format('SELECT count(*) || '' rows'' FROM %s.%I(%s)', 'al', p.proname, args);
	END IF;
	RETURN format('SELECT CASE WHEN v IS NULL THEN ''null'' ELSE ''value'' END FROM (SELECT %s.%I(%s) AS v) s',
				  'al', p.proname, args);
END $$;

-- every plain function with arguments: no NULL, then NULL at each position
SELECT f.oid::regprocedure AS function, f.proisstrict AS strict, pos,
	CASE WHEN 'internal'::regtype = ANY (f.proargtypes::regtype[])
		 THEN 'not callable from SQL (internal argument)'
		 ELSE pg_temp.outcome(pg_temp.call_query(f.oid, pos)) END AS outcome
FROM pg_proc f, generate_series(0, f.pronargs) pos
WHERE f.pronamespace = 'al'::regnamespace AND f.prokind = 'f' AND f.pronargs > 0
ORDER BY f.oid::regprocedure::text, pos;

-- every aggregate over two rows (a bigint first argument, an id, is 1 and
-- 2), with NULL at each position in both rows, and with every argument NULL
CREATE FUNCTION pg_temp.agg_query(f regprocedure, null_at int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	p pg_proc;
	cols text := '';
	args text := '';
BEGIN
	SELECT * INTO p FROM pg_proc WHERE oid = f;
	FOR i IN 1 .. p.pronargs LOOP
		cols := cols || CASE WHEN i > 1 THEN ', ' ELSE '' END ||
			CASE WHEN i = null_at OR null_at < 0 THEN format('NULL::%s', format_type(p.proargtypes[i - 1], NULL))
				 -- a bigint first argument is an id: distinct on the two rows
				 WHEN i = 1 AND p.proargtypes[0] = 'bigint'::regtype THEN 'g::bigint'
				 ELSE pg_temp.sample_value(p, '', p.proargtypes[i - 1]::regtype) END ||
			format(' AS a%s', i);
		args := args || CASE WHEN i > 1 THEN ', ' ELSE '' END || format('a%s', i);
	END LOOP;
	RETURN format('SELECT CASE WHEN v IS NULL THEN ''null'' ELSE ''value'' END FROM '
				  '(SELECT %s.%I(%s) AS v FROM (SELECT %s FROM generate_series(1, 2) g) t) s',
				  'al', p.proname, args, cols);
END $$;
SELECT f.oid::regprocedure AS aggregate, CASE WHEN pos < 0 THEN 'all' ELSE pos::text END AS null_at,
	pg_temp.outcome(pg_temp.agg_query(f.oid, pos)) AS outcome
FROM pg_proc f, generate_series(-1, f.pronargs) pos
WHERE f.pronamespace = 'al'::regnamespace AND f.prokind = 'a'
ORDER BY f.oid::regprocedure::text, pos;

-- the calls wrote nothing: one model version, two learners without labels
SELECT (SELECT count(*) FROM al.models WHERE name = 'nm') AS nm_versions,
	(SELECT count(*) FROM al.learners) AS learners,
	(SELECT count(*) FROM al.labels) AS labels;

-- the defect itself, by name
SELECT * FROM al.model_coefficients(NULL);

SELECT al.drop_learner('nl'), al.drop_learner('nlu');
SELECT al.drop_model('nm') AS dropped;
DROP TABLE nm_data, nl_pool, nlu_pool;

-- the family models go: later suites count the models
SELECT al.drop_model('nm_ovr') + al.drop_model('nm_ridge') AS dropped_family_models;
