-- No al_ext statement resolves a name through a search_path the caller
-- controls (issue 8, item 1).  A plain role puts a schema of look-alikes
-- first on its search_path: functions, aggregates and operators named like
-- every one al_ext's SQL uses, domains named like the types it casts to, and
-- temporary views named like al_ext's tables.  Each look-alike records that
-- it ran (and as whom) in public.hijack_log and tries to make the attacker a
-- superuser.  Then the attacker calls every al_ext function.  Nothing may be
-- logged, and the attacker must stay a plain role.
-- (pg_temp.try runs under the hostile search_path too: every name in it is
-- qualified, so that whatever runs was reached through al_ext)
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r pg_catalog.text;
BEGIN
	EXECUTE sql INTO r;
	RETURN 'ok';
EXCEPTION WHEN others THEN
	RETURN pg_catalog.concat(SQLSTATE, ': ', SQLERRM);
END $$;

CREATE ROLE al_attacker;
CREATE TABLE public.hijack_log (what text, run_as name, as_superuser boolean);
GRANT INSERT, SELECT ON public.hijack_log TO PUBLIC;
CREATE SCHEMA evil AUTHORIZATION al_attacker;
CREATE SCHEMA attacker_data AUTHORIZATION al_attacker;

SET ROLE al_attacker;

-- the spy: log, try to escalate, return something plausible
CREATE FUNCTION evil.spy(what text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO public.hijack_log
	SELECT what, current_user, rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user;
	BEGIN
		EXECUTE 'ALTER ROLE al_attacker SUPERUSER';
	EXCEPTION WHEN others THEN NULL;
	END;
	RETURN true;
END $$;

-- look-alike functions (exact argument types, so they win when searched first)
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql
	AS $$ SELECT pg_catalog.now() WHERE evil.spy('now()') $$;
CREATE FUNCTION evil.hashtextextended(text, bigint) RETURNS bigint LANGUAGE sql
	AS $$ SELECT pg_catalog.hashtextextended($1, $2) WHERE evil.spy('hashtextextended') $$;
CREATE FUNCTION evil.pg_notify(text, text) RETURNS void LANGUAGE sql
	AS $$ SELECT pg_catalog.pg_notify($1, $2) WHERE evil.spy('pg_notify') $$;
CREATE FUNCTION evil.pg_advisory_xact_lock(bigint) RETURNS void LANGUAGE sql
	AS $$ SELECT pg_catalog.pg_advisory_xact_lock($1) WHERE evil.spy('pg_advisory_xact_lock') $$;
CREATE FUNCTION evil.unnest(text[]) RETURNS SETOF text LANGUAGE sql
	AS $$ SELECT pg_catalog.unnest($1) WHERE evil.spy('unnest(text[])') $$;
CREATE FUNCTION evil.unnest(double precision[]) RETURNS SETOF double precision LANGUAGE sql
	AS $$ SELECT pg_catalog.unnest($1) WHERE evil.spy('unnest(float8[])') $$;
CREATE FUNCTION evil.unnest(bigint[]) RETURNS SETOF bigint LANGUAGE sql
	AS $$ SELECT pg_catalog.unnest($1) WHERE evil.spy('unnest(int8[])') $$;
CREATE FUNCTION evil.cardinality(real[]) RETURNS integer LANGUAGE sql
	AS $$ SELECT pg_catalog.cardinality($1) WHERE evil.spy('cardinality(real[])') $$;
CREATE FUNCTION evil.cardinality(double precision[]) RETURNS integer LANGUAGE sql
	AS $$ SELECT pg_catalog.cardinality($1) WHERE evil.spy('cardinality(float8[])') $$;
CREATE FUNCTION evil.array_length(anyarray, integer) RETURNS integer LANGUAGE sql
	AS $$ SELECT pg_catalog.array_length($1, $2) WHERE evil.spy('array_length') $$;
CREATE FUNCTION evil.format(text, VARIADIC text[]) RETURNS text LANGUAGE plpgsql
	AS $$ BEGIN PERFORM evil.spy('format'); RETURN $1; END $$;
CREATE FUNCTION evil.jsonb_build_object(VARIADIC text[]) RETURNS jsonb LANGUAGE plpgsql
	AS $$ BEGIN PERFORM evil.spy('jsonb_build_object'); RETURN '{}'; END $$;
CREATE FUNCTION evil.gen_random_uuid() RETURNS uuid LANGUAGE sql
	AS $$ SELECT pg_catalog.gen_random_uuid() WHERE evil.spy('gen_random_uuid') $$;
CREATE FUNCTION evil.nextval(regclass) RETURNS bigint LANGUAGE sql
	AS $$ SELECT pg_catalog.nextval($1) WHERE evil.spy('nextval') $$;
CREATE FUNCTION evil.has_column_privilege(oid, smallint, text) RETURNS boolean LANGUAGE sql
	AS $$ SELECT evil.spy('has_column_privilege') $$;
CREATE FUNCTION evil.pg_has_role(oid, text) RETURNS boolean LANGUAGE sql
	AS $$ SELECT evil.spy('pg_has_role(oid, text)') $$;
CREATE FUNCTION evil.pg_has_role(name, text) RETURNS boolean LANGUAGE sql
	AS $$ SELECT evil.spy('pg_has_role(name, text)') $$;
CREATE FUNCTION evil.current_database() RETURNS name LANGUAGE sql
	AS $$ SELECT pg_catalog.current_database() WHERE evil.spy('current_database') $$;

-- look-alike aggregates
CREATE FUNCTION evil.agg_step(bigint, anyelement) RETURNS bigint LANGUAGE sql
	AS $$ SELECT coalesce($1, 0) + 1 WHERE evil.spy('aggregate step') $$;
CREATE FUNCTION evil.agg_step_star(bigint) RETURNS bigint LANGUAGE sql
	AS $$ SELECT coalesce($1, 0) + 1 WHERE evil.spy('count(*) step') $$;
CREATE AGGREGATE evil.count(*) (sfunc = evil.agg_step_star, stype = bigint, initcond = '0');
CREATE AGGREGATE evil.count(text) (sfunc = evil.agg_step, stype = bigint, initcond = '0');
CREATE AGGREGATE evil.count(bigint) (sfunc = evil.agg_step, stype = bigint, initcond = '0');
CREATE AGGREGATE evil.max(bigint) (sfunc = evil.agg_step, stype = bigint);
CREATE AGGREGATE evil.max(integer) (sfunc = evil.agg_step, stype = bigint);
CREATE AGGREGATE evil.max(timestamptz) (sfunc = evil.agg_step, stype = bigint);
CREATE AGGREGATE evil.min(bigint) (sfunc = evil.agg_step, stype = bigint);
CREATE AGGREGATE evil.sum(bigint) (sfunc = evil.agg_step, stype = bigint);
CREATE AGGREGATE evil.sum(double precision) (sfunc = evil.agg_step, stype = bigint);
CREATE FUNCTION evil.arr_step(text[], text) RETURNS text[] LANGUAGE sql
	AS $$ SELECT $1 || $2 WHERE evil.spy('array_agg(text) step') $$;
CREATE AGGREGATE evil.array_agg(text) (sfunc = evil.arr_step, stype = text[]);
CREATE FUNCTION evil.str_step(text, text, text) RETURNS text LANGUAGE sql
	AS $$ SELECT $2 WHERE evil.spy('string_agg step') $$;
CREATE AGGREGATE evil.string_agg(text, text) (sfunc = evil.str_step, stype = text);
CREATE FUNCTION evil.bool_step(boolean, boolean) RETURNS boolean LANGUAGE sql
	AS $$ SELECT $2 WHERE evil.spy('bool_and step') $$;
CREATE AGGREGATE evil.bool_and(boolean) (sfunc = evil.bool_step, stype = boolean);

-- look-alike operators for every type pair al_ext compares, adds or concatenates
CREATE FUNCTION evil.op_tt(text, text) RETURNS boolean LANGUAGE sql
	AS $$ SELECT evil.spy('text operator') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE FUNCTION evil.op_bb(bigint, bigint) RETURNS boolean LANGUAGE sql
	AS $$ SELECT evil.spy('bigint operator') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE FUNCTION evil.op_ii(integer, integer) RETURNS boolean LANGUAGE sql
	AS $$ SELECT evil.spy('integer operator') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE FUNCTION evil.op_bi(bigint, integer) RETURNS boolean LANGUAGE sql
	AS $$ SELECT evil.spy('bigint-integer operator') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE FUNCTION evil.op_ts(timestamptz, timestamptz) RETURNS boolean LANGUAGE sql
	AS $$ SELECT evil.spy('timestamptz operator') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE FUNCTION evil.op_oo(oid, oid) RETURNS boolean LANGUAGE sql
	AS $$ SELECT evil.spy('oid operator') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE FUNCTION evil.op_ff(double precision, double precision) RETURNS boolean LANGUAGE sql
	AS $$ SELECT evil.spy('float8 operator') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE FUNCTION evil.op_uu(uuid, uuid) RETURNS boolean LANGUAGE sql
	AS $$ SELECT evil.spy('uuid operator') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE FUNCTION evil.op_jj(jsonb, jsonb) RETURNS boolean LANGUAGE sql
	AS $$ SELECT evil.spy('jsonb operator') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE FUNCTION evil.op_jt(jsonb, text) RETURNS jsonb LANGUAGE sql
	AS $$ SELECT $1 OPERATOR(pg_catalog.->) $2 WHERE evil.spy('jsonb -> text') $$;
CREATE FUNCTION evil.op_jtt(jsonb, text) RETURNS text LANGUAGE sql
	AS $$ SELECT $1 OPERATOR(pg_catalog.->>) $2 WHERE evil.spy('jsonb ->> text') $$;
CREATE FUNCTION evil.op_ti(timestamptz, interval) RETURNS timestamptz LANGUAGE sql
	AS $$ SELECT $1 OPERATOR(pg_catalog.+) $2 WHERE evil.spy('timestamptz + interval') $$;
CREATE FUNCTION evil.op_cat(text, text) RETURNS text LANGUAGE sql
	AS $$ SELECT $1 OPERATOR(pg_catalog.||) $2 WHERE evil.spy('text || text') $$;
CREATE FUNCTION evil.op_bplus(bigint, bigint) RETURNS bigint LANGUAGE sql
	AS $$ SELECT $1 OPERATOR(pg_catalog.+) $2 WHERE evil.spy('bigint + bigint') $$;
CREATE FUNCTION evil.op_iplus(integer, integer) RETURNS integer LANGUAGE sql
	AS $$ SELECT $1 OPERATOR(pg_catalog.+) $2 WHERE evil.spy('integer + integer') $$;
CREATE FUNCTION evil.op_biplus(integer, bigint) RETURNS bigint LANGUAGE sql
	AS $$ SELECT $1 OPERATOR(pg_catalog.+) $2 WHERE evil.spy('integer + bigint') $$;
CREATE FUNCTION evil.op_match(text, text) RETURNS boolean LANGUAGE sql
	AS $$ SELECT evil.spy('text ~ text') $$;
DO $$
DECLARE
	op text;
	pair record;
BEGIN
	FOREACH op IN ARRAY ARRAY['=', '<>', '<', '>', '<=', '>='] LOOP
		FOR pair IN SELECT * FROM (VALUES ('text', 'text', 'op_tt'), ('bigint', 'bigint', 'op_bb'),
				('integer', 'integer', 'op_ii'), ('bigint', 'integer', 'op_bi'),
				('timestamptz', 'timestamptz', 'op_ts'), ('oid', 'oid', 'op_oo'),
				('double precision', 'double precision', 'op_ff'), ('uuid', 'uuid', 'op_uu'),
				('jsonb', 'jsonb', 'op_jj')) v(l, r, f) LOOP
			EXECUTE pg_catalog.format('CREATE OPERATOR evil.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = evil.%s)',
			                          op, pair.l, pair.r, pair.f);
		END LOOP;
	END LOOP;
END $$;
CREATE OPERATOR evil.-> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = evil.op_jt);
CREATE OPERATOR evil.->> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = evil.op_jtt);
CREATE OPERATOR evil.+ (LEFTARG = timestamptz, RIGHTARG = interval, FUNCTION = evil.op_ti);
CREATE OPERATOR evil.+ (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.op_bplus);
CREATE OPERATOR evil.+ (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.op_iplus);
CREATE OPERATOR evil.+ (LEFTARG = integer, RIGHTARG = bigint, FUNCTION = evil.op_biplus);
CREATE OPERATOR evil.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.op_cat);
CREATE OPERATOR evil.~ (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.op_match);

-- look-alike types: a cast to any of them runs the spy through the CHECK
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['text', 'int8', 'int4', 'float8', 'float4', 'oid', 'jsonb', 'interval',
	                         'regrole', 'regclass', 'regtype', 'name', 'uuid', 'bool', 'bytea',
	                         'timestamptz', 'probvec'] LOOP
		EXECUTE pg_catalog.format('CREATE DOMAIN evil.%I AS pg_catalog.%I CHECK (evil.spy(%L))',
		                          t, CASE t WHEN 'probvec' THEN 'text' ELSE t END, 'cast to ' || t);
	END LOOP;
END $$;

-- look-alike tables: temporary views named like al_ext's tables
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['learner_store', 'labels', 'leases', 'scores', 'curve_store',
	                         'model_store', 'models', 'learners'] LOOP
		EXECUTE pg_catalog.format('CREATE TEMP VIEW %I AS SELECT 1 AS id WHERE evil.spy(%L)',
		                          t, 'temp view ' || t);
	END LOOP;
END $$;

-- the attacker's own data: a pool, a training table
CREATE TABLE attacker_data.pool AS
SELECT i::bigint AS id, ARRAY[(i % 2) * 2 + (i % 7) * 0.1, (i % 3) * 0.5]::real[] AS x,
       (ARRAY['a', 'b'])[i % 2 + 1] AS truth
FROM generate_series(1, 60) i;
CREATE TABLE attacker_data.tpool AS SELECT 'item' || id AS id, x FROM attacker_data.pool;
-- label sets and numeric targets, for the ovr and ridge model families
CREATE TABLE attacker_data.mpool AS
SELECT id, x, CASE WHEN id % 3 = 0 THEN ARRAY[truth, 'c'] ELSE ARRAY[truth] END AS tags,
       (id % 5)::numeric + x[1] AS amount
FROM attacker_data.pool;
CREATE TABLE attacker_data.epool AS
SELECT id, x, CASE WHEN id <= 20 THEN truth END AS truth FROM attacker_data.pool;
-- a type with a cast to real[], as pgvector's vector has: al_ext reads it
-- as CAST(x AS pg_catalog.float4[]), never through evil.float4
CREATE TYPE attacker_data.emb AS (v real[]);
CREATE FUNCTION attacker_data.emb_to_real(attacker_data.emb) RETURNS real[] LANGUAGE sql IMMUTABLE
	AS $$ SELECT ($1).v $$;
CREATE CAST (attacker_data.emb AS real[]) WITH FUNCTION attacker_data.emb_to_real(attacker_data.emb);
CREATE TABLE attacker_data.vpool AS SELECT id, ROW(x)::attacker_data.emb AS x, truth FROM attacker_data.epool;
-- an external model's predictions: one model, and a committee of two
CREATE TABLE attacker_data.ppool AS
SELECT id, ARRAY[0.2 + (id % 5) * 0.1, 0.8 - (id % 5) * 0.1]::float8[]::al.probvec AS p,
       ARRAY[ARRAY[0.3, 0.7]::float8[]::al.probvec, ARRAY[0.6 + (id % 3) * 0.1, 0.4 - (id % 3) * 0.1]::float8[]::al.probvec] AS c
FROM attacker_data.pool;

-- every al_ext function, called through the hostile search_path
SET search_path = evil, pg_catalog, public, pg_temp;
-- (the calls name only keywords and qualified names, so any look-alike that
-- runs was reached by al_ext's own SQL)
SELECT v.call, pg_temp.try(v.call) AS result
FROM (VALUES
	('SELECT al.least_confidence(''[0.2,0.8]'')'),
	('SELECT al.margin_confidence(''[0.2,0.8]'')'),
	('SELECT al.ratio_confidence(''[0.2,0.8]'')'),
	('SELECT al.entropy(''[0.2,0.8]''::al.probvec)'),
	('SELECT al.max_prob(''[0.2,0.8]''), al.margin(''[0.2,0.8]''), al.argmax(''[0.2,0.8]''), al.num_classes(''[0.2,0.8]'')'),
	('SELECT al.kl_divergence(''[0.2,0.8]'', ''[0.5,0.5]''), al.js_divergence(''[0.2,0.8]'', ''[0.5,0.5]'')'),
	('SELECT al.softmax(ARRAY[1,2]::double precision[]), al.softmax(ARRAY[1,2]::double precision[], 2), al.normalize(ARRAY[1,3]::double precision[])'),
	('SELECT al.jsonb_to_probvec(''[0.5,0.5]''::pg_catalog.jsonb, -1, false), ''[0.5,0.5]''::pg_catalog.jsonb::al.probvec(2)'),
	('SELECT al.to_probvec(ARRAY[0.33,0.33,0.33]::real[]), al.to_probvec(ARRAY[0.3,0.69]::double precision[]), al.to_probvec(ARRAY[0.5,0.49]::numeric[]), al.to_probvec(''[0.5,0.49]''::pg_catalog.jsonb, 0.02)'),
	('SELECT al.to_probvec(''{"a": 0.5, " b": 0.49, "z": 1}''::pg_catalog.jsonb, ARRAY[''a'', ''b'', ''c''], ''{"trim": true, "unknown": "ignore"}'')'),
	('SELECT al.logprobs_to_probvec(''{"a": -0.1, " b": -3}''::pg_catalog.jsonb, ARRAY[''a'', ''b'', ''c''], ''{"rest": "absent", "trim": true}''), al.logprobs_to_probvec(''[{"token": "a", "logprob": -0.1}]''::pg_catalog.jsonb, ARRAY[''a'', ''other''], ''{"rest": "other"}'')'),
	('SELECT al.probvec_problem(ARRAY[0.5,0.4]::real[]), al.probvec_problem(ARRAY[0.5,0.4]::double precision[]), al.probvec_problem(ARRAY[0.5,0.4]::numeric[], 0.2), al.probvec_problem(''[0.5,0.4]''::pg_catalog.jsonb)'),
	('SELECT al.probvec_problem(''{"a": 0.5}''::pg_catalog.jsonb, ARRAY[''a'', ''b'']), al.logprobs_problem(''{"c": -0.1}''::pg_catalog.jsonb, ARRAY[''a'', ''b''])'),
	('SELECT al.probvec_to_json(''[0.5,0.5]''), al.probvec_to_jsonb(''[0.5,0.5]''), al.probvec_to_jsonb(''[0.5,0.5]'', ARRAY[''a'', ''b'']), pg_catalog.to_jsonb(''[0.5,0.5]''::al.probvec), ''[0.5,0.5]''::al.probvec::pg_catalog.jsonb'),
	('SELECT al.vote_entropy(ARRAY[''[0.2,0.8]'', ''[0.6,0.4]'']::al.probvec[])'),
	('SELECT al.consensus_entropy(ARRAY[''[0.2,0.8]'', ''[0.6,0.4]'']::al.probvec[])'),
	('SELECT al.max_disagreement(ARRAY[''[0.2,0.8]'', ''[0.6,0.4]'']::al.probvec[])'),
	('SELECT al.bald(ARRAY[''[0.2,0.8]'', ''[0.6,0.4]'']::al.probvec[])'),
	('SELECT al.expected_gradient_length(''[0.2,0.8]'', ARRAY[1,2]::real[])'),
	('SELECT al.sequence_least_confidence(''{-0.1,-0.2}''::double precision[]), al.mnlp(''{-0.1,-0.2}''::double precision[]), al.token_least_confidence(''{-0.1,-0.2}''::double precision[]), al.min_token_probability(''{-0.1,-0.2}''::double precision[])'),
	('SELECT al.mean_token_entropy(''{{-0.1,-3}}''::double precision[]), al.max_token_entropy(''{{-0.1,-3}}''::double precision[])'),
	('SELECT al.sequence_least_confidence_real(''{-0.5,-1}''::real[]), al.mnlp_real(''{-0.5,-1}''::real[]), al.token_least_confidence_real(''{-0.5,-1}''::real[]), al.min_token_probability_real(''{-0.5,-1}''::real[])'),
	('SELECT al.mean_token_entropy_real(''{{-0.5,-1}}''::real[]), al.max_token_entropy_real(''{{-0.5,-1}}''::real[])'),
	('SELECT al.check_label_probs(''{0.2,0.9}''::double precision[]), al.mean_binary_entropy(''{0.2,0.9}''::double precision[]), al.binary_minimum(''{0.2,0.9}''::double precision[]), al.max_loss(''{0.2,0.9}''::double precision[]), al.mean_max_loss(''{0.2,0.9}''::double precision[]), al.label_cardinality_inconsistency(''{0.2,0.9}''::double precision[], 1.5)'),
	('SELECT al.check_label_probs_real(''{0.2,0.9}''::real[]), al.mean_binary_entropy_real(''{0.2,0.9}''::real[]), al.binary_minimum_real(''{0.2,0.9}''::real[]), al.max_loss_real(''{0.2,0.9}''::real[]), al.mean_max_loss_real(''{0.2,0.9}''::real[])'),
	('SELECT pg_catalog.count(al.expected_gradient_length(''[0.2,0.8]'', x)) FROM attacker_data.pool'),
	('SELECT al.consensus(p)::pg_catalog.text FROM (VALUES (''[0.2,0.8]''::al.probvec), (''[0.6,0.4]'')) v(p)'),
	('SELECT al.consensus_state_send(''rows=2 sums=[0.5,1.5]''::al.consensus_state), ''rows=1 sums=[1]''::al.consensus_state::pg_catalog.text'),
	('SELECT ARRAY[0.5,0.5]::real[]::al.probvec, ARRAY[0.5,0.5]::double precision[]::al.probvec, ARRAY[0.5,0.5]::numeric[]::al.probvec'),
	('SELECT ''[0.5,0.5]''::al.probvec::real[], ''[0.5,0.5]''::al.probvec::double precision[], ''[0.5,0.5]''::al.probvec(2)'),
	('SELECT al.top_k(i::bigint, i::double precision, 3) FROM generate_series(1, 10) i'),
	('SELECT al.top_k(i::pg_catalog.text, i::double precision, 3) FROM generate_series(1, 10) i'),
	('SELECT al.top_k(md5(i::pg_catalog.text)::pg_catalog.uuid, i::double precision, 3) FROM generate_series(1, 10) i'),
	('SELECT al.top_k_final_bigint(al.top_k_merge(s)) FROM (SELECT al.top_k_state(i::bigint, i::double precision, 3) AS s FROM generate_series(1, 10) i GROUP BY i OPERATOR(pg_catalog.%) 2) t'),
	('SELECT al.top_k_final_text(al.top_k_merge(s::pg_catalog.text::al.top_k_state)) FROM (SELECT al.top_k_state(i::pg_catalog.text, i::double precision, 3) AS s FROM generate_series(1, 10) i GROUP BY i OPERATOR(pg_catalog.%) 2) t'),
	('SELECT al.kcenter(i::bigint, ARRAY[i, 1]::double precision[], 3) FROM generate_series(1, 10) i'),
	('SELECT al.kcenter(i::bigint, ARRAY[i, 1]::double precision[], 3, i OPERATOR(pg_catalog.<) 3) FROM generate_series(1, 10) i'),
	('SELECT al.ranked_batch(i::bigint, ARRAY[i, 1]::double precision[], 0.5, 3) FROM generate_series(1, 10) i'),
	('SELECT al.ranked_batch(i::bigint, ARRAY[i, 1]::double precision[], 0.5, 3, i OPERATOR(pg_catalog.<) 3) FROM generate_series(1, 10) i'),
	('SELECT al.badge(i::bigint, ARRAY[i, 1]::double precision[], ''[0.3,0.7]''::al.probvec, 3, 1) FROM generate_series(1, 10) i'),
	('SELECT al.balanced_top_k(i::bigint, i::double precision, ''[0.3,0.7]''::al.probvec, 3, 0.5) FROM generate_series(1, 10) i'),
	('SELECT al.epsilon_greedy(i::bigint, i::double precision, 3, 0.5, 1) FROM generate_series(1, 10) i'),
	('SELECT al.committee_std(''{1,2,4}''::double precision[]), al.committee_std_real(''{1,2,4}''::real[]), al.emcm(1, ''{1,2}'', ''{3,4}''::double precision[]), al.emcm_real(1, ''{1,2}'', ''{3,4}''::real[])'),
	('SELECT pg_catalog.count(al.committee_std(ARRAY[x[1], x[2]])) FROM attacker_data.pool'),
	('SELECT al.greedy_sampling_x(i::bigint, ARRAY[i, 1]::double precision[], 3, i OPERATOR(pg_catalog.<) 3) FROM generate_series(1, 10) i'),
	('SELECT al.greedy_sampling_x(i::bigint, ARRAY[i, 1]::double precision[], 3) FROM generate_series(1, 10) i'),
	('SELECT al.greedy_sampling_y(i::bigint, i::double precision, CASE WHEN i OPERATOR(pg_catalog.<) 3 THEN 0.5 END, 3) FROM generate_series(1, 10) i'),
	('SELECT al.improved_greedy_sampling(i::bigint, ARRAY[i, 1]::double precision[], i::double precision, CASE WHEN i OPERATOR(pg_catalog.<) 3 THEN 0.5 END, 3) FROM generate_series(1, 10) i'),
	('SELECT al.cosine_density(ARRAY[1, 2]::double precision[], al.mean_direction(ARRAY[i, 1]::double precision[])) FROM generate_series(1, 10) i'),
	('SELECT al.euclidean_density(ARRAY[1, 2]::double precision[], ''{{1,2},{3,4}}''::double precision[]), al.information_density(0.5, 0.5, 2)'),
	('SELECT al.gumbel_key(0.5, 1, 1, 1::bigint), al.gumbel_key(0.5, 1, 1, ''a''::pg_catalog.text), al.gumbel_key(0.5, 1, 1, ''00000000-0000-0000-0000-000000000001''::pg_catalog.uuid)'),
	('SELECT al.gumbel_power_key(0.5, 1, 1, 1::bigint), al.gumbel_power_key(0.5, 1, 1, ''a''::pg_catalog.text), al.gumbel_power_key(0.5, 1, 1, ''00000000-0000-0000-0000-000000000001''::pg_catalog.uuid)'),
	('SELECT al.train_model(''spy_model'', ''attacker_data.pool'', ''x'', ''truth'', ''{"holdout": 0.2, "members": 2}'')'),
	('SELECT pg_catalog.count(*) FROM al.ridge_fit(''attacker_data.pool'', ''x'', ''id'', 1, true) f WHERE al.ridge_predict(f.coef, f.intercept, ARRAY[1, 0.5]::double precision[]) IS NOT NULL'),
	('SELECT al.predict_proba(''spy_model'', ARRAY[1, 0.5]::real[])'),
	('SELECT al.predict_proba(''spy_model'', ARRAY[1, 0.5]::double precision[])'),
	('SELECT al.predict_proba((SELECT pg_catalog.max(id) FROM al.models WHERE name OPERATOR(pg_catalog.=) ''spy_model''), ARRAY[1, 0.5]::real[])'),
	('SELECT al.predict_proba((SELECT pg_catalog.max(id) FROM al.models WHERE name OPERATOR(pg_catalog.=) ''spy_model''), ARRAY[1, 0.5]::double precision[])'),
	('SELECT al.predict(''spy_model'', ARRAY[1, 0.5]::real[]), al.predict(''spy_model'', ARRAY[1, 0.5]::double precision[])'),
	('SELECT al.predict_committee(''spy_model'', ARRAY[1, 0.5]::real[]), al.predict_committee(''spy_model'', ARRAY[1, 0.5]::double precision[])'),
	('SELECT al.predict_proba(''spy_model'', ''{1,0.5}''), al.predict(''spy_model'', ''{1,0.5}''), al.predict_committee(''spy_model'', ''{1,0.5}'')'),
	('SELECT pg_catalog.count(al.predict_proba(''spy_model'', x)) FROM attacker_data.pool'),
	('SELECT pg_catalog.count(al.predict(''spy_model'', x)), pg_catalog.count(al.predict_committee(''spy_model'', x)) FROM attacker_data.pool'),
	('SELECT pg_catalog.count(al.predict_proba(m.id, p.x)) FROM attacker_data.pool p, al.models m WHERE m.name OPERATOR(pg_catalog.=) ''spy_model'''),
	('SELECT pg_catalog.count(*) FROM al.model_coefficients(''spy_model'')'),
	('SELECT al.predict_proba(al.model_export(''spy_model''), ARRAY[1, 0.5]::real[]), al.predict_proba(al.model_export(''spy_model'', 1), ARRAY[1, 0.5]::double precision[])'),
	('SELECT pg_catalog.count(al.predict_proba(al.model_export(''spy_model''), x)) FROM attacker_data.pool'),
	('SELECT pg_catalog.count(al._round_row((SELECT pg_catalog.max(id) FROM al.models WHERE name OPERATOR(pg_catalog.=) ''spy_model''), ''entropy'', x)) FROM attacker_data.pool'),
	('SELECT pg_catalog.count(al._round_probs(al.model_export(''spy_model''), x)) FROM attacker_data.pool'),
	('SELECT al.predict(al.model_export(''spy_model''), ARRAY[1, 0.5]::real[]), al.predict_committee(al.model_export(''spy_model''), ARRAY[1, 0.5]::double precision[])'),
	('SELECT al.train_model(''spy_ovr'', ''attacker_data.mpool'', ''x'', ''tags'', ''{"family": "ovr", "members": 2, "classes": ["a", "b", "c"]}'')'),
	('SELECT al.train_model(''spy_ovr'', ''attacker_data.mpool'', ''x'', ''tags'', ''{"family": "ovr", "standardize": true}'')'),
	('SELECT al.train_model(''spy_ridge'', ''attacker_data.mpool'', ''x'', ''amount'', ''{"family": "ridge", "members": 2, "alpha": 0.5, "standardize": true}'')'),
	('SELECT al.predict_label_probs(''spy_ovr'', ARRAY[1, 0.5]::real[]), al.predict_labels(''spy_ovr'', ARRAY[1, 0.5]::real[]), al.predict_committee_label_probs(''spy_ovr'', ARRAY[1, 0.5]::real[])'),
	('SELECT al.predict_label_probs(''spy_ovr'', ''{1,0.5}''), al.predict_labels(''spy_ovr'', ''{1,0.5}''), al.predict_committee_label_probs(''spy_ovr'', ''{1,0.5}'')'),
	('SELECT al.predict_label_probs(m.id, ARRAY[1, 0.5]::real[]), al.predict_labels(m.id, ARRAY[1, 0.5]::real[]), al.predict_committee_label_probs(m.id, ARRAY[1, 0.5]::double precision[]) FROM al.models m WHERE m.name OPERATOR(pg_catalog.=) ''spy_ovr'''),
	('SELECT al.predict_value(''spy_ridge'', ARRAY[1, 0.5]::real[]), al.predict_committee_values(''spy_ridge'', ARRAY[1, 0.5]::real[]), al.predict_value(''spy_ridge'', ''{1,0.5}''), al.predict_committee_values(''spy_ridge'', ''{1,0.5}'')'),
	('SELECT al.predict_value(m.id, ARRAY[1, 0.5]::real[]), al.predict_committee_values(m.id, ARRAY[1, 0.5]::double precision[]) FROM al.models m WHERE m.name OPERATOR(pg_catalog.=) ''spy_ridge'''),
	('SELECT pg_catalog.count(al.predict_labels(''spy_ovr'', x)), pg_catalog.count(al.predict_value(''spy_ridge'', x)) FROM attacker_data.mpool'),
	('SELECT al.predict_label_probs(al.model_export(''spy_ovr''), ARRAY[1, 0.5]::real[]), al.predict_labels(al.model_export(''spy_ovr'', 1), ARRAY[1, 0.5]::double precision[]), al.predict_committee_label_probs(al.model_export(''spy_ovr''), ARRAY[1, 0.5]::real[])'),
	('SELECT al.predict_value(al.model_export(''spy_ridge''), ARRAY[1, 0.5]::real[]), al.predict_committee_values(al.model_export(''spy_ridge''), ARRAY[1, 0.5]::double precision[])'),
	('SELECT pg_catalog.count(al._round_outputs(al.model_export(''spy_ovr''), x)), pg_catalog.count(al._round_outputs(al.model_export(''spy_ridge''), x::double precision[])) FROM attacker_data.mpool'),
	('SELECT pg_catalog.count(al.predict_labels(al.model_export(''spy_ovr''), x)), pg_catalog.count(al.predict_committee_values(al.model_export(''spy_ridge''), x)) FROM attacker_data.mpool'),
	('SELECT pg_catalog.count(*) FROM al.model_coefficients(''spy_ovr'') a, al.model_coefficients(''spy_ridge'') b'),
	('SELECT al.drop_model(''spy_ovr''), al.drop_model(''spy_ridge'')'),
	('SELECT pg_catalog.count(*) FROM al.backtest(''attacker_data.pool'', ''id'', ''x'', ''truth'', batch_sizes => ARRAY[5], budget => 20, seeds => ARRAY[1]::bigint[], initial => 4)'),
	('SELECT pg_catalog.count(*) FROM al.backtest_summary(''attacker_data.pool'', ''id'', ''x'', ''truth'', ARRAY[''margin''], ARRAY[5], 20, 4, ARRAY[1]::bigint[])'),
	('SELECT pg_catalog.count(*) FROM al.model_coefficients(''spy_model'', 1)'),
	('SELECT pg_catalog.count(*) FROM al.models'),
	('SELECT al.train_model(''spy_single'', ''attacker_data.epool'', ''x'', ''truth'')'),
	('SELECT pg_catalog.count(*) FROM al.expected_error_reduction(''spy_single'', ''attacker_data.epool'', ''id'', ''x'', ''truth'', ''{"candidates": 5, "sample": 10}'')'),
	('SELECT al.drop_model(''spy_single'')'),
	('SELECT al.create_learner(''spy'', ''attacker_data.pool'', ''id'', ''x'', ARRAY[''a'', ''b''], ''entropy'', ''{"retrain_every": 4, "batch_size": 3, "lease": "1 hour"}'')'),
	('SELECT al.create_learner(''spy_text'', ''attacker_data.tpool'', ''id'', ''x'', ARRAY[''a'', ''b''], ''margin_confidence'', ''{"committee": 2}'')'),
	('SELECT pg_catalog.count(*) FROM al.next_batch(''spy'')'),
	('SELECT pg_catalog.count(*) FROM al.next_batch(''spy_text'', 2)'),
	('SELECT al.alter_learner(''spy_text'', NULL, ''{"cold_start": "kcenter"}'')'),
	('SELECT pg_catalog.count(*) FROM al.next_batch(''spy_text'', 2)'),
	('SELECT al.alter_learner(''spy_text'', NULL, ''{"cold_start": "query", "cold_start_query": "SELECT id FROM attacker_data.tpool ORDER BY id DESC"}'')'),
	('SELECT pg_catalog.count(*) FROM al.next_batch(''spy_text'', 2)'),
	('SELECT al.label(''spy'', 1::bigint, ''b''), al.label(''spy'', ''2'', ''a''), al.label(''spy'', 3::bigint, ''b''), al.label(''spy'', 4::bigint, ''a'')'),
	('SELECT al.label(''spy_text'', ''item1'', ''b'')'),
	('SELECT al.label(''spy'', ''00000000-0000-0000-0000-000000000001''::pg_catalog.uuid, ''a'')'),
	('SELECT al.label_many(''spy'', ''[{"item": 5, "label": "b"}, {"item": 6, "label": "a"}]'')'),
	('SELECT al.run_learner(''spy'')'),
	('SELECT al.alter_learner(''spy'', NULL, ''{"score_in": "pool"}''), al.retrain(''spy''), al.run_learner(''spy''), al.alter_learner(''spy'', NULL, ''{"score_in": "auto"}'')'),
	('SELECT al.create_learner(''spy_fam'', ''attacker_data.mpool'', ''id'', ''x'', ''{}'', ''emcm'', ''{"family": "ridge", "committee": 2, "score_in": "pool"}'')'),
	('SELECT pg_catalog.count(al.label(''spy_fam'', id, amount::pg_catalog.text)) FROM attacker_data.mpool WHERE id OPERATOR(pg_catalog.<=) 10'),
	('SELECT al.retrain(''spy_fam''), al.run_learner(''spy_fam''), al.drop_learner(''spy_fam'')'),
	('SELECT al.alter_learner(''spy'', NULL, ''{"batch": "kcenter", "sample": 20}'')'),
	('SELECT al.run_learner(''spy'')'),
	('SELECT al.alter_learner(''spy'', NULL, ''{"batch": "topk", "sample": null, "explore": {"epsilon": 0.5}, "density": 1, "density_metric": "euclidean"}'')'),
	('SELECT al.run_learner(''spy'')'),
	('SELECT al.alter_learner(''spy'', ''expected_error_reduction'', ''{"explore": null, "density": null, "eer_candidates": 3, "eer_sample": 5}'')'),
	('SELECT al.run_learner(''spy'')'),
	('SELECT pg_catalog.count(*) FROM al.next_batch(''spy'', 2)'),
	('SELECT pg_catalog.count(*) FROM al.my_batch(''spy'') a, al.my_batch(''spy'', ''al_attacker'') b'),
	('SELECT al.unlabel(''spy'', 1::bigint), al.unlabel(''spy'', ''2''), al.unlabel(''spy'', 3::bigint, ''al_attacker'')'),
	('SELECT al.unlabel(''spy'', ''00000000-0000-0000-0000-000000000001''::pg_catalog.uuid)'),
	('SELECT al.alter_learner(''spy'', NULL, ''{"overlap": 2, "label_rule": "adjudicated", "adjudicator": "al_attacker"}'')'),
	('SELECT pg_catalog.count(*) FROM al.next_batch(''spy'', 2)'),
	('SELECT al.adjudicate(''spy'', 4::bigint, ''a''), al.adjudicate(''spy'', ''5'', ''a'')'),
	('SELECT al.adjudicate(''spy'', ''00000000-0000-0000-0000-000000000001''::pg_catalog.uuid, ''a'')'),
	('SELECT al.run_learner(''spy'')'),
	('SELECT pg_catalog.count(*) FROM al.item_agreement, al.annotator_agreement, al.annotator_pairs, al.learner_agreement'),
	('SELECT al.cohen_kappa(ARRAY[''a'', ''b''], ARRAY[''a'', ''a'']), al.fleiss_kappa(''{{2,0},{1,1}}''::pg_catalog.int4[])'),
	('SELECT al.alter_learner(''spy'', NULL, ''{"overlap": 1, "label_rule": "majority", "adjudicator": null}'')'),
	('SELECT al.release(''spy'', ARRAY[''7'', ''8'']), al.release(''spy'', ARRAY[7, 8]::bigint[]), al.release(''spy'', ARRAY[''00000000-0000-0000-0000-000000000001'']::pg_catalog.uuid[])'),
	('SELECT al.retrain(''spy'')'),
	('SELECT al.alter_learner(''spy'', ''least_confidence'', ''{"batch_size": 2}'')'),
	('SELECT al.grant_learner(''spy'', ''al_attacker'', ''proxy'')'),
	('SELECT al.label(''spy'', 9::bigint, ''a'', ''expert 1'')'),
	('SELECT al.unlabel(''spy'', 9::bigint, ''expert 1'')'),
	('SELECT al.revoke_learner(''spy'', ''al_attacker'', ''view'')'),
	('SELECT al.alter_learner_owner(''spy'', ''al_attacker'')'),
	('SELECT al.learner_visible(handle) FROM al.learners'),
	('SELECT al.item_key(''x'')'),
	('SELECT pg_catalog.count(al.learner_channel(id)) FROM al.learners'),
	('SELECT al.run_learner(''spy'')'),
	('SELECT al.pin_version(''spy'', 1), al.rollback(''spy''), al.unpin(''spy'')'),
	('SELECT al.alter_learner(''spy'', NULL, ''{"serve": "best"}''), al.run_learner(''spy'')'),
	('SELECT pg_catalog.count(*) FROM al.serving_history'),
	('SELECT al.alter_learner(''spy'', NULL, ''{"label_column": "truth"}''), al.run_learner(''spy''), al.alter_learner(''spy'', NULL, ''{"label_column": null}'')'),
	('SELECT pg_catalog.count(*) FROM al.learners'),
	('SELECT pg_catalog.count(*) FROM al.learner_status'),
	('SELECT pg_catalog.count(*) FROM al.learning_curve'),
	('SELECT pg_catalog.count(*) FROM al.worker_status'),
	('SELECT pg_catalog.count(*) FROM al.worker_processes()'),
	('SELECT pg_catalog.count(*) FROM al.blas_info()'),
	('SELECT al.wake_worker()'),
	('SELECT al.create_learner(''spy_ext'', ''attacker_data.ppool'', ''id'', ''p'', ARRAY[''a'', ''b''], ''entropy'', ''{"predictions": true, "eval_size": 3}'')'),
	('SELECT al.create_learner(''spy_extc'', ''attacker_data.ppool'', ''id'', ''c'', ARRAY[''a'', ''b''], ''bald'', ''{"predictions": true}'')'),
	('SELECT al.label(''spy_ext'', 1::bigint, ''a''), al.label(''spy_ext'', 2::bigint, ''b'')'),
	('SELECT al.predictions_updated(''spy_ext'', ''v1'', ARRAY[1]::bigint[]), al.predictions_updated(''spy_extc'', ''v1'')'),
	('SELECT al.run_learner(''spy_ext''), al.run_learner(''spy_extc'')'),
	('SELECT pg_catalog.count(*) FROM al.next_batch(''spy_ext'', 2) a, al.next_batch(''spy_extc'', 2) b'),
	('SELECT pg_catalog.count(*) FROM al.labels_since(''spy_ext'', ''v1'') a, al.labels_since(''spy_ext'') b'),
	('SELECT pg_catalog.count(*) FROM al.prediction_versions'),
	('SELECT al.drop_learner(''spy_ext''), al.drop_learner(''spy_extc'')'),
	('SELECT al.train_model(''spy_vec'', ''attacker_data.vpool'', ''x'', ''truth'')'),
	('SELECT pg_catalog.count(*) FROM al.expected_error_reduction(''spy_vec'', ''attacker_data.vpool'', ''id'', ''x'', ''truth'', ''{"candidates": 5, "sample": 10}'')'),
	('SELECT pg_catalog.count(*) FROM al.backtest(''attacker_data.vpool'', ''id'', ''x'', ''truth'', ARRAY[''entropy''], ARRAY[5], 12, 4, ARRAY[1]::bigint[])'),
	('SELECT al.create_learner(''spy_vec'', ''attacker_data.vpool'', ''id'', ''x'', ARRAY[''a'', ''b''], ''entropy'', ''{"retrain_every": 2}'')'),
	('SELECT al.label(''spy_vec'', 1::bigint, ''b''), al.label(''spy_vec'', 2::bigint, ''a'')'),
	('SELECT al.run_learner(''spy_vec'')'),
	('SELECT pg_catalog.set_config(''al_ext.parallel_rounds'', ''on'', false), al.retrain(''spy_vec'')'),
	('SELECT al.run_learner(''spy_vec'')'),
	('SELECT pg_catalog.set_config(''al_ext.parallel_rounds'', ''off'', false)'),
	('SELECT al.drop_learner(''spy_vec'')'),
	('SELECT al.drop_model(''spy_vec'')'),
	('SELECT al.drop_learner(''spy_text'')'),
	('SELECT al.drop_model(''spy_model'')')
) v(call);
-- moving a handle out of schema al is refused by the extension's event
-- trigger, which runs under this search_path too
SELECT pg_catalog.format('ALTER VIEW %s SET SCHEMA evil', handle) AS move_handle
FROM al.learners WHERE name OPERATOR(pg_catalog.=) 'spy' \gset
\set VERBOSITY terse
:move_handle;
\set VERBOSITY default
RESET search_path;
RESET ROLE;

-- nothing of the attacker's ran, under any identity
SELECT what, run_as, as_superuser FROM public.hijack_log;
SELECT rolsuper AS attacker_is_superuser FROM pg_roles WHERE rolname = 'al_attacker';

-- every al_ext function is exercised above (a new function must be added)
SELECT array_agg(DISTINCT p.proname ORDER BY p.proname) AS not_exercised
FROM pg_proc p
WHERE p.pronamespace = 'al'::regnamespace
  AND p.proname NOT IN (
	'least_confidence', 'margin_confidence', 'ratio_confidence', 'entropy', 'max_prob', 'margin',
	'argmax', 'num_classes', 'kl_divergence', 'js_divergence', 'softmax', 'normalize',
	'vote_entropy', 'consensus_entropy', 'max_disagreement', 'bald', 'expected_gradient_length',
	'sequence_least_confidence', 'mnlp', 'token_least_confidence', 'min_token_probability',
	'mean_token_entropy', 'max_token_entropy', 'sequence_least_confidence_real', 'mnlp_real',
	'token_least_confidence_real', 'min_token_probability_real', 'mean_token_entropy_real',
	'max_token_entropy_real',
	'check_label_probs', 'mean_binary_entropy', 'binary_minimum', 'max_loss', 'mean_max_loss',
	'label_cardinality_inconsistency', 'check_label_probs_real', 'mean_binary_entropy_real',
	'binary_minimum_real', 'max_loss_real', 'mean_max_loss_real',
	'committee_std', 'committee_std_real', 'emcm', 'emcm_real',
	'greedy_sampling_x', 'greedy_sampling_x_trans', 'greedy_sampling_x_final',
	'greedy_sampling_y', 'greedy_sampling_y_trans', 'greedy_sampling_y_final',
	'improved_greedy_sampling', 'improved_greedy_sampling_trans',
	'improved_greedy_sampling_final',
	'ridge_fit', 'ridge_predict',
	'consensus', 'consensus_transfn', 'consensus_combinefn', 'consensus_finalfn',
	'consensus_state_in', 'consensus_state_out', 'consensus_state_recv', 'consensus_state_send',
	'probvec', 'probvec_in', 'probvec_out', 'probvec_recv', 'probvec_send', 'probvec_typmod_in',
	'probvec_typmod_out', 'array_to_probvec', 'probvec_to_real', 'probvec_to_float',
	'jsonb_to_probvec', 'to_probvec', 'logprobs_to_probvec', 'probvec_problem', 'logprobs_problem',
	'probvec_to_json', 'probvec_to_jsonb',
	'top_k', 'top_k_trans', 'top_k_combine', 'top_k_final_bigint', 'top_k_final_text',
	'top_k_final_uuid', 'top_k_state_in', 'top_k_state_out', 'top_k_state_recv', 'top_k_state_send',
	'top_k_state', 'top_k_merge',
	'train_model', 'predict_proba', 'predict', 'predict_committee', 'model_coefficients', 'drop_model',
	'model_export', '_round_row', '_round_probs', '_round_outputs',
	'create_learner', 'next_batch', 'label', 'label_many', 'run_learner', 'release', 'retrain',
	'alter_learner', 'drop_learner', 'learner_status_rows', 'worker_processes', 'blas_info',
	'wake_worker', 'grant_learner', 'revoke_learner', 'alter_learner_owner', 'learner_visible',
	'item_key', 'learner_channel', 'expected_error_reduction', 'unlabel', 'my_batch',
	'pin_version', 'unpin', 'rollback',
	'adjudicate', 'cohen_kappa', 'fleiss_kappa', 'predictions_updated', 'labels_since',
	'kcenter', 'kcenter_trans', 'kcenter_final', 'ranked_batch', 'ranked_batch_trans',
	'ranked_batch_final', 'badge', 'badge_trans', 'badge_final', 'balanced_top_k',
	'balanced_top_k_trans', 'balanced_top_k_final', 'balanced_top_k_combine',
	'balanced_top_k_serialize', 'balanced_top_k_deserialize', 'epsilon_greedy',
	'epsilon_greedy_trans', 'epsilon_greedy_final', 'epsilon_greedy_combine',
	'epsilon_greedy_serialize', 'epsilon_greedy_deserialize',
	'mean_direction', 'mean_direction_trans', 'mean_direction_combine',
	'mean_direction_final', 'cosine_density', 'euclidean_density', 'information_density',
	'gumbel_key', 'gumbel_power_key', 'backtest', 'backtest_summary',
	-- reached through the calls above: the probvec cast to float8[], the
	-- planner's rewrites of expected_gradient_length and of the predictions
	-- on real[] columns, the filter of al.models, the sql_drop event trigger
	-- (al.drop_learner, al.drop_model)
	'probvec_to_float8', 'real_features_support', 'expected_gradient_length_real',
	'predict_proba_real', 'predict_real', 'predict_committee_real',
	'predict_label_probs', 'predict_labels', 'predict_committee_label_probs', 'predict_value',
	'predict_committee_values', 'predict_label_probs_real', 'predict_labels_real',
	'predict_committee_label_probs_real', 'predict_value_real', 'predict_committee_values_real',
	'model_usable', 'drop_orphans',
	-- an event trigger, reached by ALTER VIEW / ALTER TABLE (below)
	'keep_handles',
	-- the statement trigger of al.leases and al.labels, reached by al.label
	-- (it runs no SQL)
	'batch_hints_reopen',
	-- called by their own tests only: they need a superuser and start or stop processes
	'start_worker', 'stop_worker');

SELECT al.drop_learner('spy');
DROP SCHEMA evil CASCADE;
DROP SCHEMA attacker_data CASCADE;
DROP TABLE public.hijack_log;
DROP ROLE al_attacker;
