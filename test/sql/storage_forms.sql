-- Every datum a function of al_ext reads can arrive in any storage form:
-- out of line (a TOAST pointer), compressed (inline or out of line) or with
-- a short 1-byte header.  Each function taking a varlena (scores, helpers,
-- committee scores, sequence scores, casts, the al.consensus functions,
-- predictions, the selection aggregates and density functions) is
-- called on values stored in each form, and must give exactly what it gives
-- for the same values written as plain constants.  The forms are proven from
-- pg_column_size, pg_column_compression and the TOAST table's contents.
-- (Issue 7, defect 1: an out-of-line real[] crashed
-- al.expected_gradient_length, which took the TOAST pointer for a short
-- header.)

-- errors as "SQLSTATE: message"
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
BEGIN
	EXECUTE sql INTO r;
	RETURN coalesce(r, 'NULL');
EXCEPTION WHEN others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- The storage form of column col of the one-row table tbl, from its stored
-- size against the size of the same value rebuilt from its text (a plain
-- datum with a 4-byte header): short header = 3 bytes less, out of line
-- (uncompressed; pg_column_size gives the TOAST pointer's data size) = 4
-- bytes less, compressed = pg_column_compression is set.
CREATE FUNCTION pg_temp.form(tbl regclass, col name) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	typ text := (SELECT format_type(atttypid, NULL) FROM pg_attribute
				 WHERE attrelid = tbl AND attname = col);
	comp text;
	stored int;
	plain int;
BEGIN
	EXECUTE format('SELECT pg_column_compression(%1$I), pg_column_size(%1$I), pg_column_size((%1$I::text || '''')::%2$s) FROM %3$s',
				   col, typ, tbl) INTO comp, stored, plain;
	RETURN CASE WHEN comp IS NOT NULL THEN 'compressed'
				WHEN stored = plain - 3 THEN 'short header'
				WHEN stored = plain - 4 THEN 'out of line'
				WHEN stored = plain THEN 'plain'
				ELSE format('unknown: %s of %s bytes', stored, plain) END;
END $$;

\getenv abs_srcdir PG_ABS_SRCDIR
\set toasted :abs_srcdir '/sql/include/toasted.sql'
\i :toasted

-- expr evaluated over the stored row of tbl, and over the same values as
-- constants: 'same' or both results.  Each column's value is written as a
-- literal of its type (text round-trips exactly for every type here).
CREATE FUNCTION pg_temp.same(tbl regclass, expr text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	consts text;
	stored text;
	constant text;
	v text;
	c record;
BEGIN
	consts := '';
	FOR c IN SELECT attname, format_type(atttypid, atttypmod) AS typ FROM pg_attribute
			 WHERE attrelid = tbl AND attnum > 0 AND NOT attisdropped ORDER BY attnum LOOP
		EXECUTE format('SELECT %I::text FROM %s', c.attname, tbl) INTO v;
		consts := consts || CASE WHEN consts = '' THEN '' ELSE ', ' END ||
				  format('%L::%s AS %I', v, c.typ, c.attname);
	END LOOP;
	stored := pg_temp.try(format('SELECT (%s)::text FROM %s', expr, tbl));
	constant := pg_temp.try(format('SELECT (%s)::text FROM (SELECT %s) c', expr, consts));
	IF stored IS NOT DISTINCT FROM constant THEN
		RETURN CASE WHEN stored ~ '^[0-9A-Z]{5}: ' THEN 'same error ' || stored ELSE 'same' END;
	END IF;
	RETURN format('DIFFERENT: stored %s, constant %s', left(stored, 60), left(constant, 60));
END $$;

-- Models to predict with: 4, 768 and 4000 features, 3 classes, trained on
-- 6 rows whose features are sin() patterns.
CREATE TABLE sf_train (d int, y text, x real[]);
INSERT INTO sf_train
SELECT d, (ARRAY['a', 'b', 'c'])[r % 3 + 1],
	   ARRAY(SELECT sin(r * 1.3 + j * 0.7 + (r % 3) * 2)::real FROM generate_series(1, d) j)
FROM (VALUES (4), (768), (4000)) dd(d), generate_series(1, 6) r;
CREATE VIEW sf_train4 AS SELECT y, x FROM sf_train WHERE d = 4;
CREATE VIEW sf_train768 AS SELECT y, x FROM sf_train WHERE d = 768;
CREATE VIEW sf_train4000 AS SELECT y, x FROM sf_train WHERE d = 4000;
SELECT al.train_model('sf_4', 'sf_train4', 'x', 'y') > 0 AS trained,
	   al.train_model('sf_768', 'sf_train768', 'x', 'y', '{"members": 3}') > 0 AS trained_committee,
	   al.train_model('sf_4000', 'sf_train4000', 'x', 'y') > 0 AS trained_big;

-- The same columns in four tables, one row each.  m names the model whose
-- feature count x and xd match (a short text everywhere: it is not counted
-- in the forms).  p, q: distributions; c: a committee; x, xd: features;
-- z: logits; w: weights; pr, pd, pn: p as real[], double precision[] and
-- numeric[]; s: an al.mean_direction state {count, sums}; cs: the
-- al.consensus state of p.
CREATE TABLE sf_external (m text, p al.probvec, q al.probvec, c al.probvec[], x real[],
	xd double precision[], z double precision[], w double precision[], pr real[],
	pd double precision[], pn numeric[], s double precision[], cs al.consensus_state);
CREATE TABLE sf_ext_compressed (LIKE sf_external);
CREATE TABLE sf_compressed (LIKE sf_external);
CREATE TABLE sf_short (LIKE sf_external);
-- out of line, uncompressed: STORAGE EXTERNAL, every value over 2 kB
ALTER TABLE sf_external ALTER p SET STORAGE EXTERNAL, ALTER q SET STORAGE EXTERNAL,
	ALTER c SET STORAGE EXTERNAL, ALTER x SET STORAGE EXTERNAL, ALTER xd SET STORAGE EXTERNAL,
	ALTER z SET STORAGE EXTERNAL, ALTER w SET STORAGE EXTERNAL, ALTER pr SET STORAGE EXTERNAL,
	ALTER pd SET STORAGE EXTERNAL, ALTER pn SET STORAGE EXTERNAL, ALTER s SET STORAGE EXTERNAL,
	ALTER cs SET STORAGE EXTERNAL;
-- compressed, then out of line: STORAGE EXTENDED (al.probvec's own storage
-- is EXTERNAL, never compressed), values compressing to more than 2 kB
ALTER TABLE sf_ext_compressed ALTER p SET STORAGE EXTENDED, ALTER q SET STORAGE EXTENDED;
-- compressed inline: STORAGE MAIN, values compressing to a few bytes
ALTER TABLE sf_compressed ALTER p SET STORAGE MAIN, ALTER q SET STORAGE MAIN,
	ALTER c SET STORAGE MAIN, ALTER x SET STORAGE MAIN, ALTER xd SET STORAGE MAIN,
	ALTER z SET STORAGE MAIN, ALTER w SET STORAGE MAIN, ALTER pr SET STORAGE MAIN,
	ALTER pd SET STORAGE MAIN, ALTER pn SET STORAGE MAIN, ALTER s SET STORAGE MAIN,
	ALTER cs SET STORAGE MAIN;

-- Fill a table from a distribution p, a second one q, the logits z (whose
-- softmax is the committee's second member) and features x.
CREATE FUNCTION pg_temp.fill(tbl regclass, model text, p al.probvec, q al.probvec,
							 z float8[], x real[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('INSERT INTO %s VALUES ($1, $2, $3, ARRAY[$2, al.softmax($4), $3], $5, $5::float8[], '
				   '$4, $2::float8[], $2::real[], $2::float8[], $2::float8[]::numeric[], '
				   'array_prepend(1::float8, $2::float8[]), al.consensus_transfn(NULL, $2))', tbl)
		USING model, p, q, z, x;
END $$;

-- 1,000 classes and 768 features of sin() noise: incompressible
SELECT pg_temp.fill('sf_external', 'sf_768',
	al.softmax(ARRAY(SELECT 4 * sin(i * 2.1) FROM generate_series(1, 1000) i)),
	al.softmax(ARRAY(SELECT 3 * cos(i * 1.7) FROM generate_series(1, 1000) i)),
	ARRAY(SELECT 2 * sin(i * 0.3) FROM generate_series(1, 1000) i),
	ARRAY(SELECT sin(i * 0.9)::real FROM generate_series(1, 768) i));
-- 20,000 classes and 4000 features: long runs of one value, then noise
SELECT pg_temp.fill('sf_ext_compressed', 'sf_4000',
	al.softmax(ARRAY(SELECT CASE WHEN i <= 19000 THEN -1000 ELSE 4 * sin(i * 2.1) END FROM generate_series(1, 20000) i)),
	al.softmax(ARRAY(SELECT CASE WHEN i <= 19000 THEN -1000 ELSE 3 * cos(i * 1.7) END FROM generate_series(1, 20000) i)),
	ARRAY(SELECT CASE WHEN i <= 19000 THEN -1000 ELSE 2 * sin(i * 0.3) END FROM generate_series(1, 20000) i),
	ARRAY(SELECT CASE WHEN i <= 3000 THEN 0 ELSE sin(i * 0.9) END::real FROM generate_series(1, 4000) i));
-- 1,000 classes and 768 features repeating a period of 4 values
SELECT pg_temp.fill('sf_compressed', 'sf_768',
	al.normalize(ARRAY(SELECT (i % 4 + 1)::float8 FROM generate_series(1, 1000) i)),
	al.normalize(ARRAY(SELECT ((i + 1) % 4 + 1)::float8 FROM generate_series(1, 1000) i)),
	ARRAY(SELECT (i % 4)::float8 FROM generate_series(1, 1000) i),
	ARRAY(SELECT (i % 4 - 1.5)::real FROM generate_series(1, 768) i));
-- 2 classes and 4 features: under 127 bytes, stored with a 1-byte header
SELECT pg_temp.fill('sf_short', 'sf_4', '[0.25,0.75]', '[0.5,0.5]', '{1,-1}', '{0.5,-1,2,0.25}');

-- the forms, proven: every column of each table in its form ...
SELECT col,
	pg_temp.form('sf_external', col) AS external,
	pg_temp.form('sf_ext_compressed', col) AS ext_compressed,
	pg_temp.form('sf_compressed', col) AS compressed,
	pg_temp.form('sf_short', col) AS short
FROM unnest(ARRAY['p', 'q', 'c', 'x', 'xd', 'z', 'w', 'pr', 'pd', 'pn', 's', 'cs']::name[]) WITH ORDINALITY u(col, i)
ORDER BY i;
-- ... and how many values each keeps out of line: all 12 (every column
-- but m) in the first two, none in the others
SELECT pg_temp.toasted_values('sf_external') AS external,
	pg_temp.toasted_values('sf_ext_compressed') AS ext_compressed,
	pg_temp.toasted_values('sf_compressed') AS compressed,
	pg_temp.toasted_values('sf_short') AS short;

-- every function over each form, against the same values as constants
SELECT expr,
	pg_temp.same('sf_external', expr) AS external,
	pg_temp.same('sf_ext_compressed', expr) AS ext_compressed,
	pg_temp.same('sf_compressed', expr) AS compressed,
	pg_temp.same('sf_short', expr) AS short
FROM unnest(ARRAY[
	'al.least_confidence(p)',
	'al.margin_confidence(p)',
	'al.ratio_confidence(p)',
	'al.entropy(p)',
	'al.max_prob(p)',
	'al.margin(p)',
	'al.argmax(p)',
	'al.num_classes(p)',
	'al.kl_divergence(p, q)',
	'al.js_divergence(p, q)',
	'al.expected_gradient_length(p, x)',
	'al.expected_gradient_length_real(p, x)',
	'al.expected_gradient_length(p, xd)',
	'al.vote_entropy(c)',
	'al.consensus_entropy(c)',
	'al.max_disagreement(c)',
	'al.bald(c)',
	'al.softmax(z)',
	'al.softmax(z, 2)',
	'al.normalize(w)',
	'al.probvec_out(p)',
	'al.probvec_send(p)',
	'al.probvec(p, al.num_classes(p), false)',
	'p::real[]',
	'p::double precision[]',
	'pr::al.probvec',
	'pd::al.probvec',
	'pn::al.probvec',
	'al.consensus(p)',
	'al.consensus_transfn(cs, p)',
	'al.consensus_combinefn(cs, cs)',
	'al.consensus_combinefn(NULL, cs)',
	'al.consensus_finalfn(cs)',
	'al.consensus_state_send(cs)',
	'al.predict_proba(m, x)',
	'al.predict_proba(m, xd)',
	'al.predict_proba((SELECT id FROM al.models WHERE name = m), x)',
	'al.predict_proba((SELECT id FROM al.models WHERE name = m), xd)',
	'al.predict(m, x)',
	'al.predict(m, xd)',
	'al.predict_committee(m, x)',
	'al.predict_committee(m, xd)',
	'al.predict_proba_real(m, x)',
	'al.predict_proba_real((SELECT id FROM al.models WHERE name = m), x)',
	'al.predict_real(m, x)',
	'al.predict_committee_real(m, x)',
	'al.kcenter(1, xd, 1)',
	'al.kcenter(1, xd, 1, false)',
	'al.ranked_batch(1, xd, al.entropy(p), 1)',
	'al.ranked_batch(1, xd, al.entropy(p), 1, false)',
	'al.badge(1, xd, p, 1, 0)',
	'al.balanced_top_k(1, 0.5, p, 1, 0.5)',
	'al.mean_direction(xd)',
	'al.mean_direction_trans(s, pd)',
	'al.mean_direction_combine(s, s)',
	'al.mean_direction_final(s)',
	'al.cosine_density(xd, al.mean_direction(xd) OVER ())',
	'al.cosine_density(z, pd)',
	'al.euclidean_density(xd, ARRAY[xd])',
	'al.gumbel_key(0.5, 1, 42, m)',
	'al.gumbel_power_key(0.5, 2, 42, m)'
]) WITH ORDINALITY u(expr, i)
ORDER BY i;

-- the values are not trivial: hand-checkable results of the short row
-- (p = [.25,.75], x = (.5,-1,2,.25): EGL = sqrt(1 + 5.3125) * 2 * .25 * .75 * sqrt(2))
SELECT round(al.entropy(p)::numeric, 12) AS h, al.argmax(p),
	round(al.expected_gradient_length(p, x)::numeric, 12) AS egl,
	round((sqrt(6.3125) * 0.375 * sqrt(2))::numeric, 12) AS egl_by_hand,
	al.consensus_transfn(cs, p) AS state
FROM sf_short;
-- and of the out-of-line rows, against plain SQL over their elements
SELECT t, abs(al.entropy(p) - (SELECT -sum(v * ln(v)) FROM unnest(p::float8[]) v WHERE v > 0)) < 1e-10 AS entropy_ok,
	abs(al.expected_gradient_length(p, x) - sqrt(1 + (SELECT sum(v::float8 * v) FROM unnest(x) v))
		* (SELECT sum(py * sqrt(greatest((SELECT sum(pi * pi) FROM unnest(p::float8[]) pi) - 2 * py + 1, 0)))
		   FROM unnest(p::float8[]) py)) < 1e-9 AS egl_ok,
	al.num_classes(p) AS classes
FROM (SELECT 'external' AS t, * FROM sf_external UNION ALL SELECT 'ext_compressed', * FROM sf_ext_compressed) r
ORDER BY t;

-- the selection functions read every value: a row's density to itself is 1
SELECT t, round(al.cosine_density(xd, al.mean_direction(xd) OVER (PARTITION BY t))::numeric, 12) AS cosine_to_itself,
	al.euclidean_density(xd, ARRAY[xd]) AS euclidean_to_itself
FROM (SELECT 'external' AS t, * FROM sf_external UNION ALL SELECT 'ext_compressed', * FROM sf_ext_compressed
	  UNION ALL SELECT 'compressed', * FROM sf_compressed UNION ALL SELECT 'short', * FROM sf_short) r
ORDER BY t;

-- expanded arrays: PL/pgSQL array variables built element by element are
-- passed as expanded objects; each result equals that of the same array
-- rebuilt from its text (a plain datum)
CREATE FUNCTION pg_temp.expanded_same() RETURNS TABLE (fn text, same boolean) LANGUAGE plpgsql AS $$
DECLARE
	x real[] := '{}';
	xd float8[] := '{}';
	w float8[] := '{}';
	c al.probvec[] := '{}';
	p al.probvec := '[0.25,0.75]';
BEGIN
	FOR i IN 1 .. 768 LOOP
		x[i] := sin(i);
		xd[i] := cos(i);
		w[i] := i % 5;
	END LOOP;
	c[1] := p;
	c[2] := '[0.5,0.5]';
	fn := 'expected_gradient_length real[]';
	same := al.expected_gradient_length(p, x) = al.expected_gradient_length(p, x::text::real[]);
	RETURN NEXT;
	fn := 'expected_gradient_length double precision[]';
	same := al.expected_gradient_length(p, xd) = al.expected_gradient_length(p, xd::text::float8[]);
	RETURN NEXT;
	fn := 'softmax, normalize';
	same := al.softmax(xd)::text = al.softmax(xd::text::float8[])::text
		AND al.normalize(w)::text = al.normalize(w::text::float8[])::text;
	RETURN NEXT;
	fn := 'committee scores';
	same := al.bald(c) = al.bald(c::text::al.probvec[]) AND al.vote_entropy(c) = al.vote_entropy(c::text::al.probvec[]);
	RETURN NEXT;
	fn := 'predict_proba real[]';
	same := al.predict_proba('sf_768', x)::text = al.predict_proba('sf_768', x::text::real[])::text;
	RETURN NEXT;
	fn := 'predict_proba double precision[]';
	same := al.predict_proba('sf_768', xd)::text = al.predict_proba('sf_768', xd::text::float8[])::text;
	RETURN NEXT;
	fn := 'predict, predict_committee';
	same := al.predict('sf_768', x) = al.predict('sf_768', x::text::real[])
		AND al.predict('sf_768', xd) = al.predict('sf_768', xd::text::float8[])
		AND al.predict_committee('sf_768', x)::text = al.predict_committee('sf_768', x::text::real[])::text
		AND al.predict_committee('sf_768', xd)::text = al.predict_committee('sf_768', xd::text::float8[])::text;
	RETURN NEXT;
END $$;
SELECT * FROM pg_temp.expanded_same();

-- al.top_k over text ids stored out of line (3 kB each) and compressed
CREATE TABLE sf_ids (id text, score float8);
ALTER TABLE sf_ids ALTER id SET STORAGE EXTERNAL;
INSERT INTO sf_ids
SELECT i || ':' || string_agg(md5(i::text || j::text), '' ORDER BY j), i % 7
FROM generate_series(1, 20) i, generate_series(1, 100) j GROUP BY i;
CREATE TABLE sf_ids_compressed (id text, score float8);
INSERT INTO sf_ids_compressed SELECT i || repeat('x', 5000), i % 7 FROM generate_series(1, 20) i;
SELECT pg_temp.form('sf_ids', 'id') AS ids_form, pg_temp.toasted_values('sf_ids') AS ids_toasted,
	(SELECT pg_column_compression(id) FROM sf_ids_compressed LIMIT 1) AS compressed_form,
	pg_temp.toasted_values('sf_ids_compressed') AS compressed_toasted;
SELECT (SELECT array_agg(left(v, 3)) FROM unnest(al.top_k(id, score, 5)) v) AS top5,
	al.top_k(id, score, 5) = (array_agg(id ORDER BY score DESC, id))[1:5] AS top5_ok
FROM sf_ids;
SELECT (SELECT array_agg(left(v, 3)) FROM unnest(al.top_k(id, score, 5)) v) AS top5,
	al.top_k(id, score, 5) = (array_agg(id ORDER BY score DESC, id))[1:5] AS top5_ok
FROM sf_ids_compressed;

-- exploration keys hash every byte of a text id: the same keys for ids
-- stored out of line or compressed as for the same ids rebuilt in memory
SELECT bool_and(al.gumbel_key(0.5, 1, 42, id) = al.gumbel_key(0.5, 1, 42, id || '')) AS gumbel_keys_same,
	bool_and(al.gumbel_power_key(0.5, 2, 42, id) = al.gumbel_power_key(0.5, 2, 42, id || '')) AS power_keys_same,
	count(DISTINCT al.gumbel_key(0.5, 1, 42, id)) AS distinct_keys
FROM (SELECT id FROM sf_ids UNION ALL SELECT id FROM sf_ids_compressed) t;

-- the sample of al.euclidean_density (a two-dimensional array) in every
-- form: 200 rows of 4 features of sin() noise out of line; 2,000 rows, most
-- of them zeros, compressed out of line; 400 rows repeating a period of 4
-- compressed inline; 1 row with a short header
CREATE TABLE sf_sample_external (s double precision[]);
ALTER TABLE sf_sample_external ALTER s SET STORAGE EXTERNAL;
CREATE TABLE sf_sample_ext_compressed (s double precision[]);
CREATE TABLE sf_sample_compressed (s double precision[]);
ALTER TABLE sf_sample_compressed ALTER s SET STORAGE MAIN;
CREATE TABLE sf_sample_short (s double precision[]);
CREATE FUNCTION pg_temp.sample(n int, f text) RETURNS double precision[] LANGUAGE plpgsql AS $$
DECLARE
	r double precision[];
BEGIN
	EXECUTE format('SELECT array_agg(ARRAY[%1$s, %1$s + 1, %1$s * 2, %1$s - 3] ORDER BY i) FROM generate_series(1, $1) i', f)
		INTO r USING n;
	RETURN r;
END $$;
INSERT INTO sf_sample_external SELECT pg_temp.sample(200, 'sin(i * 0.9)');
INSERT INTO sf_sample_ext_compressed SELECT pg_temp.sample(2000, 'CASE WHEN i <= 1700 THEN 0 ELSE sin(i * 0.9) END');
INSERT INTO sf_sample_compressed SELECT pg_temp.sample(400, '(i % 4)::float8');
-- (a function's result is an expanded array, stored with a 4-byte header:
-- rebuilt from its text it gets the short one)
INSERT INTO sf_sample_short SELECT pg_temp.sample(1, '0.5')::text::float8[];
SELECT pg_temp.form('sf_sample_external', 's') AS external,
	pg_temp.form('sf_sample_ext_compressed', 's') AS ext_compressed,
	pg_temp.form('sf_sample_compressed', 's') AS compressed,
	pg_temp.form('sf_sample_short', 's') AS short,
	pg_temp.toasted_values('sf_sample_external') + pg_temp.toasted_values('sf_sample_ext_compressed') AS out_of_line,
	pg_temp.toasted_values('sf_sample_compressed') + pg_temp.toasted_values('sf_sample_short') AS inline_ones_out_of_line;
SELECT t, pg_temp.same(t, 'al.euclidean_density(ARRAY[0.5, -1, 2, 0.25]::float8[], s)') AS euclidean_density
FROM unnest(ARRAY['sf_sample_external', 'sf_sample_ext_compressed', 'sf_sample_compressed', 'sf_sample_short']::regclass[]) t;
-- and the value, against plain SQL over the stored elements (the kernel
-- reads them as real: 6 digits)
SELECT t, round(al.euclidean_density(ARRAY[0.5, -1, 2, 0.25]::float8[], s)::numeric, 6) AS density,
	round((SELECT avg(1 / (1 + sqrt((s[r][1] - 0.5) ^ 2 + (s[r][2] + 1) ^ 2 + (s[r][3] - 2) ^ 2 + (s[r][4] - 0.25) ^ 2)))
		   FROM generate_subscripts(s, 1) r)::numeric, 6) AS plain_sql
FROM (SELECT 'external' AS t, s FROM sf_sample_external UNION ALL SELECT 'ext_compressed', s FROM sf_sample_ext_compressed
	  UNION ALL SELECT 'compressed', s FROM sf_sample_compressed UNION ALL SELECT 'short', s FROM sf_sample_short) r
ORDER BY t;
DROP TABLE sf_sample_external, sf_sample_ext_compressed, sf_sample_compressed, sf_sample_short;

-- al.expected_error_reduction reads a table's features, ids and labels: the
-- same rows with the features (and ids) in each storage form rank exactly
-- as the same values rebuilt from their text (a view: plain datums).  Rows
-- 1-3 are labeled a, b, c; rows 4-8 are the pool.  sf_eer_768 is a single
-- model over 768 features (al.expected_error_reduction refuses committees).
SELECT al.train_model('sf_eer_768', 'sf_train768', 'x', 'y') > 0 AS trained;
CREATE TABLE sf_eer_external (id text, x real[], label text);
ALTER TABLE sf_eer_external ALTER id SET STORAGE EXTERNAL, ALTER x SET STORAGE EXTERNAL;
CREATE TABLE sf_eer_ext_compressed (LIKE sf_eer_external);
CREATE TABLE sf_eer_compressed (LIKE sf_eer_external);
ALTER TABLE sf_eer_compressed ALTER x SET STORAGE MAIN;
CREATE TABLE sf_eer_short (LIKE sf_eer_external);
-- out of line: 768 features of sin() noise and ids of 3,200 characters
INSERT INTO sf_eer_external
SELECT r || ':' || (SELECT string_agg(md5(r::text || j::text), '' ORDER BY j) FROM generate_series(1, 100) j),
	   ARRAY(SELECT sin(r * 1.3 + j * 0.7)::real FROM generate_series(1, 768) j),
	   (ARRAY['a', 'b', 'c'])[r]
FROM generate_series(1, 8) r;
-- compressed, then out of line: 4000 features, 3000 zeros then noise
INSERT INTO sf_eer_ext_compressed
SELECT 'r' || r, ARRAY(SELECT CASE WHEN j <= 3000 THEN 0 ELSE sin(r * 1.3 + j * 0.9) END::real
					   FROM generate_series(1, 4000) j), (ARRAY['a', 'b', 'c'])[r]
FROM generate_series(1, 8) r;
-- compressed inline: 768 features repeating a period of 4 values
INSERT INTO sf_eer_compressed
SELECT 'r' || r, ARRAY(SELECT ((j + r) % 4 - 1.5)::real FROM generate_series(1, 768) j),
	   (ARRAY['a', 'b', 'c'])[r]
FROM generate_series(1, 8) r;
-- short header: 4 features
INSERT INTO sf_eer_short
SELECT 'r' || r, ARRAY(SELECT sin(r * 1.3 + j * 0.7)::real FROM generate_series(1, 4) j),
	   (ARRAY['a', 'b', 'c'])[r]
FROM generate_series(1, 8) r;
CREATE TABLE sf_eer (tbl text, model text);
INSERT INTO sf_eer VALUES ('sf_eer_external', 'sf_eer_768'), ('sf_eer_ext_compressed', 'sf_4000'),
	('sf_eer_compressed', 'sf_eer_768'), ('sf_eer_short', 'sf_4');
-- the forms, proven (first row), and the values kept out of line
SELECT tbl, pg_temp.form(tbl::regclass, 'x') AS x_form, pg_temp.form(tbl::regclass, 'id') AS id_form,
	   pg_temp.toasted_values(tbl::regclass) AS toasted
FROM sf_eer ORDER BY tbl;
-- the rows rebuilt from their text
DO $$
DECLARE
	t text;
BEGIN
	FOR t IN SELECT tbl FROM sf_eer LOOP
		EXECUTE format('CREATE VIEW %I AS SELECT id::text || %L AS id, x::text::real[] AS x, label FROM %I',
					   t || '_plain', '', t);
	END LOOP;
END $$;
-- the whole ranking (ids, ranks, expected errors, reductions, uncertainties)
CREATE FUNCTION pg_temp.eer_rows(model text, tbl text) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(format('%s %s %s %s %s', left(item_id, 3), rank, expected_error, reduction, uncertainty),
					  '; ' ORDER BY rank)
	FROM al.expected_error_reduction(model, tbl::regclass, 'id', 'x', 'label', '{"steps": 3}')
$$;
SELECT tbl, pg_temp.eer_rows(model, tbl) = pg_temp.eer_rows(model, tbl || '_plain') AS same,
	   (SELECT count(*) FILTER (WHERE expected_error > 0 AND reduction IS NOT NULL)
		FROM al.expected_error_reduction(model, tbl::regclass, 'id', 'x', 'label', '{"steps": 3}')) AS ranked
FROM sf_eer ORDER BY tbl;

-- JSON input (the jsonb cast, al.to_probvec, al.logprobs_to_probvec and
-- their checks) and class lists (text[]) in every form: j a JSON array of
-- probabilities, o the same keyed by class, l log-probabilities keyed by
-- class, c the class list, opt options.  Out of line: 1,000 classes of
-- noise; compressed out of line: 20,000 classes, mostly 0; compressed
-- inline: 200 classes repeating a period of 4 (there opt, the one column
-- not MAIN, is moved out of line first); short: 2 classes.
CREATE TABLE sf_json_external (j jsonb, o jsonb, l jsonb, c text[], opt jsonb);
ALTER TABLE sf_json_external ALTER j SET STORAGE EXTERNAL, ALTER o SET STORAGE EXTERNAL,
	ALTER l SET STORAGE EXTERNAL, ALTER c SET STORAGE EXTERNAL;
CREATE TABLE sf_json_ext_compressed (LIKE sf_json_external);
CREATE TABLE sf_json_compressed (LIKE sf_json_external);
ALTER TABLE sf_json_compressed ALTER j SET STORAGE MAIN, ALTER o SET STORAGE MAIN,
	ALTER l SET STORAGE MAIN, ALTER c SET STORAGE MAIN;
CREATE TABLE sf_json_short (LIKE sf_json_external);
CREATE FUNCTION pg_temp.fill_json(tbl regclass, p al.probvec, names text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('INSERT INTO %s SELECT $1::jsonb, jsonb_object_agg(c, v), '
				   'jsonb_object_agg(c, CASE WHEN v > 0 THEN round(ln(v)::numeric, 6) ELSE -1e400 END), '
				   'array_agg(c ORDER BY o), ''{"rest": "absent", "trim": true}'' '
				   'FROM unnest($1::float8[]) WITH ORDINALITY u(v, o), LATERAL (SELECT format($2, o) AS c) n', tbl)
		USING p, names;
END $$;
SELECT pg_temp.fill_json('sf_json_external',
	al.softmax(ARRAY(SELECT 4 * sin(i * 2.1) FROM generate_series(1, 1000) i)), 'class %s');
SELECT pg_temp.fill_json('sf_json_ext_compressed',
	al.softmax(ARRAY(SELECT CASE WHEN i <= 19000 THEN -1000 ELSE 4 * sin(i * 2.1) END FROM generate_series(1, 20000) i)),
	'a long class name number %s');
SELECT pg_temp.fill_json('sf_json_compressed',
	al.normalize(ARRAY(SELECT (i % 4 + 1)::float8 FROM generate_series(1, 200) i)), 'c%s');
SELECT pg_temp.fill_json('sf_json_short', '[0.25,0.75]', '%s');
SELECT col,
	pg_temp.form('sf_json_external', col) AS external,
	pg_temp.form('sf_json_ext_compressed', col) AS ext_compressed,
	pg_temp.form('sf_json_compressed', col) AS compressed,
	pg_temp.form('sf_json_short', col) AS short
FROM unnest(ARRAY['j', 'o', 'l', 'c', 'opt']::name[]) WITH ORDINALITY u(col, i)
ORDER BY i;
-- values out of line: j, o, l, c in the first two, opt alone in the third
SELECT pg_temp.toasted_values('sf_json_external') AS external,
	pg_temp.toasted_values('sf_json_ext_compressed') AS ext_compressed,
	pg_temp.toasted_values('sf_json_compressed') AS compressed,
	pg_temp.toasted_values('sf_json_short') AS short;
SELECT expr,
	pg_temp.same('sf_json_external', expr) AS external,
	pg_temp.same('sf_json_ext_compressed', expr) AS ext_compressed,
	pg_temp.same('sf_json_compressed', expr) AS compressed,
	pg_temp.same('sf_json_short', expr) AS short
FROM unnest(ARRAY[
	'j::al.probvec',
	'al.jsonb_to_probvec(j, -1, false)',
	'al.to_probvec(j)',
	'al.probvec_problem(j)',
	'al.probvec_problem(j || ''[0.5]'')',
	'al.to_probvec(o, c)',
	'al.to_probvec(o, c, opt - ''rest'')',
	'al.probvec_problem(o, c)',
	'al.probvec_problem(o - c[1], c)',
	'al.logprobs_to_probvec(l, c)',
	'al.logprobs_to_probvec(l, c, opt)',
	'al.logprobs_problem(l, c, opt)',
	'al.logprobs_problem(l || ''{"x": 1}'', c)',
	'al.probvec_to_jsonb(j::al.probvec, c)',
	'al.to_probvec(j)::jsonb = j'
]) WITH ORDINALITY u(expr, i)
ORDER BY i;
-- and the values: j read back is the probvec written; o and l give it too
SELECT t, al.probvec_send(j::al.probvec) = al.probvec_send(al.to_probvec(o, c)) AS keyed_same,
	(SELECT max(abs(a - b)) FROM unnest(j::al.probvec::float8[], al.logprobs_to_probvec(l, c)::float8[]) u(a, b)) < 1e-6 AS logprobs_close,
	al.num_classes(j::al.probvec) AS classes
FROM (SELECT 'external' AS t, * FROM sf_json_external UNION ALL SELECT 'ext_compressed', * FROM sf_json_ext_compressed
	  UNION ALL SELECT 'compressed', * FROM sf_json_compressed UNION ALL SELECT 'short', * FROM sf_json_short) r
ORDER BY t;
DROP TABLE sf_json_external, sf_json_ext_compressed, sf_json_compressed, sf_json_short;

-- Log-probabilities of generated tokens (the sequence scores) in every
-- form: lp real[] and lpd double precision[] per-token log-probabilities,
-- top and topd tokens x 5 top-k log-probabilities.  Out of line: 1,000
-- tokens of noise; compressed out of line: 20,000 tokens, 19,000 of them
-- alike; compressed inline: 1,000 tokens repeating a period of 4; short: 2
-- tokens.
CREATE TABLE sf_seq_external (lp real[], lpd double precision[], top real[], topd double precision[]);
ALTER TABLE sf_seq_external ALTER lp SET STORAGE EXTERNAL, ALTER lpd SET STORAGE EXTERNAL,
	ALTER top SET STORAGE EXTERNAL, ALTER topd SET STORAGE EXTERNAL;
CREATE TABLE sf_seq_ext_compressed (LIKE sf_seq_external);
CREATE TABLE sf_seq_compressed (LIKE sf_seq_external);
ALTER TABLE sf_seq_compressed ALTER lp SET STORAGE MAIN, ALTER lpd SET STORAGE MAIN,
	ALTER top SET STORAGE MAIN, ALTER topd SET STORAGE MAIN;
CREATE TABLE sf_seq_short (LIKE sf_seq_external);
-- token t's log-probability is f(t); its top 5 are f(t) - j (j = 0..4),
-- whose probabilities sum to less than 1 when f(t) <= -0.46
CREATE FUNCTION pg_temp.fill_seq(tbl regclass, tokens int, f text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('INSERT INTO %s SELECT array_agg(v::real ORDER BY t), array_agg(v ORDER BY t), '
				   'array_agg(ARRAY[v, v - 1, v - 2, v - 3, v - 4]::real[] ORDER BY t), '
				   'array_agg(ARRAY[v, v - 1, v - 2, v - 3, v - 4] ORDER BY t) '
				   'FROM generate_series(1, $1) t, LATERAL (SELECT (%s)::float8 AS v) x', tbl, f)
		USING tokens;
END $$;
SELECT pg_temp.fill_seq('sf_seq_external', 1000, '-0.5 - 3 * abs(sin(t * 2.1))');
SELECT pg_temp.fill_seq('sf_seq_ext_compressed', 20000,
	'CASE WHEN t <= 19000 THEN -0.5 ELSE -0.5 - 3 * abs(sin(t * 2.1)) END');
SELECT pg_temp.fill_seq('sf_seq_compressed', 1000, '-0.5 - (t % 4)');
SELECT pg_temp.fill_seq('sf_seq_short', 2, '-0.5 - t');
-- (an aggregate's result is stored with a 4-byte header: rebuilt from its
-- text a short array gets the short one)
UPDATE sf_seq_short SET lp = lp::text::real[], lpd = lpd::text::float8[], top = top::text::real[],
	topd = topd::text::float8[];
SELECT col,
	pg_temp.form('sf_seq_external', col) AS external,
	pg_temp.form('sf_seq_ext_compressed', col) AS ext_compressed,
	pg_temp.form('sf_seq_compressed', col) AS compressed,
	pg_temp.form('sf_seq_short', col) AS short
FROM unnest(ARRAY['lp', 'lpd', 'top', 'topd']::name[]) WITH ORDINALITY u(col, i)
ORDER BY i;
-- all 4 values out of line in the first two tables, none in the others
SELECT pg_temp.toasted_values('sf_seq_external') AS external,
	pg_temp.toasted_values('sf_seq_ext_compressed') AS ext_compressed,
	pg_temp.toasted_values('sf_seq_compressed') AS compressed,
	pg_temp.toasted_values('sf_seq_short') AS short;
-- (on a stored real[] the planner calls the _real twin: the column is read
-- in place; on a constant the real[] is widened first: both must agree)
SELECT expr,
	pg_temp.same('sf_seq_external', expr) AS external,
	pg_temp.same('sf_seq_ext_compressed', expr) AS ext_compressed,
	pg_temp.same('sf_seq_compressed', expr) AS compressed,
	pg_temp.same('sf_seq_short', expr) AS short
FROM unnest(ARRAY[
	'al.sequence_least_confidence(lp)',
	'al.sequence_least_confidence(lpd)',
	'al.sequence_least_confidence_real(lp)',
	'al.mnlp(lp)',
	'al.mnlp(lpd)',
	'al.mnlp_real(lp)',
	'al.token_least_confidence(lp)',
	'al.token_least_confidence(lpd)',
	'al.token_least_confidence_real(lp)',
	'al.min_token_probability(lp)',
	'al.min_token_probability(lpd)',
	'al.min_token_probability_real(lp)',
	'al.mean_token_entropy(top)',
	'al.mean_token_entropy(topd)',
	'al.mean_token_entropy_real(top)',
	'al.max_token_entropy(top)',
	'al.max_token_entropy(topd)',
	'al.max_token_entropy_real(top)'
]) WITH ORDINALITY u(expr, i)
ORDER BY i;
-- and the values, against plain SQL over the stored elements
SELECT t, array_length(lp, 1) AS tokens,
	abs(al.mnlp(lp) + (SELECT avg(v) FROM unnest(lp) v)) < 1e-12 AS mnlp_ok,
	abs(al.mnlp(lpd) + (SELECT avg(v) FROM unnest(lpd) v)) < 1e-12 AS mnlp_double_ok,
	abs(al.token_least_confidence(lpd) - (1 - exp((SELECT min(v) FROM unnest(lpd) v)))) < 1e-15 AS token_lc_ok,
	abs(al.max_token_entropy(topd) - (SELECT max(h) FROM (
		SELECT -sum(exp(topd[r][j]) * topd[r][j]) - (1 - sum(exp(topd[r][j]))) * ln(1 - sum(exp(topd[r][j]))) AS h
		FROM generate_subscripts(topd, 1) r, generate_subscripts(topd, 2) j GROUP BY r) e)) < 1e-12 AS max_entropy_ok
FROM (SELECT 'external' AS t, * FROM sf_seq_external UNION ALL SELECT 'ext_compressed', * FROM sf_seq_ext_compressed
	  UNION ALL SELECT 'compressed', * FROM sf_seq_compressed UNION ALL SELECT 'short', * FROM sf_seq_short) r
ORDER BY t;
-- expanded arrays (PL/pgSQL variables built element by element)
CREATE FUNCTION pg_temp.seq_expanded_same() RETURNS TABLE (fn text, same boolean) LANGUAGE plpgsql AS $$
DECLARE
	lp real[] := '{}';
	lpd float8[] := '{}';
	top float8[];
BEGIN
	FOR i IN 1 .. 500 LOOP
		lp[i] := -0.5 - abs(sin(i));
		lpd[i] := -0.5 - abs(cos(i));
	END LOOP;
	top := array_fill(-3::float8, ARRAY[300, 4]);
	FOR i IN 1 .. 300 LOOP
		top[i][1] := -0.7 - abs(sin(i));
	END LOOP;
	fn := 'per-token scores, real[]';
	same := al.mnlp(lp) = al.mnlp(lp::text::real[])
		AND al.sequence_least_confidence(lp) = al.sequence_least_confidence(lp::text::real[])
		AND al.token_least_confidence(lp) = al.token_least_confidence(lp::text::real[])
		AND al.min_token_probability(lp) = al.min_token_probability(lp::text::real[]);
	RETURN NEXT;
	fn := 'per-token scores, double precision[]';
	same := al.mnlp(lpd) = al.mnlp(lpd::text::float8[])
		AND al.sequence_least_confidence(lpd) = al.sequence_least_confidence(lpd::text::float8[]);
	RETURN NEXT;
	fn := 'token entropies';
	same := al.mean_token_entropy(top) = al.mean_token_entropy(top::text::float8[])
		AND al.max_token_entropy(top) = al.max_token_entropy(top::text::float8[]);
	RETURN NEXT;
END $$;
SELECT * FROM pg_temp.seq_expanded_same();
DROP TABLE sf_seq_external, sf_seq_ext_compressed, sf_seq_compressed, sf_seq_short;

-- Multi-label scores over per-label probabilities (real[] and double
-- precision[]) in each form: 1,000 labels of sin() noise out of line;
-- 20,000 labels, 19,000 of them 0, compressed out of line; 1,000 labels
-- repeating a period of 4 compressed inline; 3 labels with a short header.
CREATE TABLE sf_ml_external (lp real[], lpd double precision[]);
ALTER TABLE sf_ml_external ALTER lp SET STORAGE EXTERNAL, ALTER lpd SET STORAGE EXTERNAL;
CREATE TABLE sf_ml_ext_compressed (LIKE sf_ml_external);
CREATE TABLE sf_ml_compressed (LIKE sf_ml_external);
ALTER TABLE sf_ml_compressed ALTER lp SET STORAGE MAIN, ALTER lpd SET STORAGE MAIN;
CREATE TABLE sf_ml_short (LIKE sf_ml_external);
CREATE FUNCTION pg_temp.fill_ml(tbl regclass, labels int, f text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('INSERT INTO %s SELECT array_agg(v::real ORDER BY l), array_agg(v ORDER BY l) '
				   'FROM generate_series(1, $1) l, LATERAL (SELECT (%s)::float8 AS v) x', tbl, f)
		USING labels;
END $$;
SELECT pg_temp.fill_ml('sf_ml_external', 1000, 'abs(sin(l * 2.1))');
SELECT pg_temp.fill_ml('sf_ml_ext_compressed', 20000, 'CASE WHEN l <= 19000 THEN 0 ELSE abs(sin(l * 2.1)) END');
SELECT pg_temp.fill_ml('sf_ml_compressed', 1000, '(l % 4) / 4.0');
SELECT pg_temp.fill_ml('sf_ml_short', 3, 'l / 4.0');
UPDATE sf_ml_short SET lp = lp::text::real[], lpd = lpd::text::float8[];
SELECT col,
	pg_temp.form('sf_ml_external', col) AS external,
	pg_temp.form('sf_ml_ext_compressed', col) AS ext_compressed,
	pg_temp.form('sf_ml_compressed', col) AS compressed,
	pg_temp.form('sf_ml_short', col) AS short
FROM unnest(ARRAY['lp', 'lpd']::name[]) WITH ORDINALITY u(col, i)
ORDER BY i;
-- both values out of line in the first two tables, none in the others
SELECT pg_temp.toasted_values('sf_ml_external') AS external,
	pg_temp.toasted_values('sf_ml_ext_compressed') AS ext_compressed,
	pg_temp.toasted_values('sf_ml_compressed') AS compressed,
	pg_temp.toasted_values('sf_ml_short') AS short;
SELECT expr,
	pg_temp.same('sf_ml_external', expr) AS external,
	pg_temp.same('sf_ml_ext_compressed', expr) AS ext_compressed,
	pg_temp.same('sf_ml_compressed', expr) AS compressed,
	pg_temp.same('sf_ml_short', expr) AS short
FROM unnest(ARRAY[
	'al.check_label_probs(lp)',
	'al.check_label_probs(lpd)',
	'al.mean_binary_entropy(lp)',
	'al.mean_binary_entropy(lpd)',
	'al.mean_binary_entropy_real(lp)',
	'al.binary_minimum(lp)',
	'al.binary_minimum(lpd)',
	'al.max_loss(lp)',
	'al.max_loss(lpd)',
	'al.mean_max_loss(lp)',
	'al.mean_max_loss(lpd)',
	'al.mean_max_loss_real(lp)',
	'al.label_cardinality_inconsistency(lp, 2)',
	'al.label_cardinality_inconsistency(lpd, 2)',
	-- the regression scores over the same arrays (member predictions, features)
	'al.committee_std(lp)',
	'al.committee_std(lpd)',
	'al.committee_std_real(lp)',
	'al.emcm(0.5, lpd, lp)',
	'al.emcm(0.5, lpd, lpd)',
	'al.emcm_real(0.5, ''{0.25,1}'', lp)'
]) WITH ORDINALITY u(expr, i)
ORDER BY i;
-- and the values, against plain SQL over the stored elements
SELECT t, al.check_label_probs(lpd) AS labels,
	abs(al.mean_binary_entropy(lpd) - (SELECT avg(-CASE WHEN v > 0 THEN v * ln(v) ELSE 0 END
		- CASE WHEN v < 1 THEN (1 - v) * ln(1 - v) ELSE 0 END) FROM unnest(lpd) v)) < 1e-12 AS entropy_ok,
	abs(al.mean_max_loss(lp) - (SELECT avg(1 - abs(2 * v::float8 - 1)) FROM unnest(lp) v)) < 1e-12 AS loss_ok,
	al.label_cardinality_inconsistency(lpd, 2) = abs((SELECT count(*) FROM unnest(lpd) v WHERE v >= 0.5) - 2) AS lci_ok,
	abs(al.committee_std(lp) - (SELECT stddev_pop(v::float8) FROM unnest(lp) v)) < 1e-12 AS std_ok,
	abs(al.emcm(0.5, lpd, lp) - (SELECT avg(abs(v - 0.5)) FROM unnest(lpd) v)
		* sqrt(1 + (SELECT sum(v::float8 ^ 2) FROM unnest(lp) v))) < 1e-9 AS emcm_ok
FROM (SELECT 'external' AS t, * FROM sf_ml_external UNION ALL SELECT 'ext_compressed', * FROM sf_ml_ext_compressed
	  UNION ALL SELECT 'compressed', * FROM sf_ml_compressed UNION ALL SELECT 'short', * FROM sf_ml_short) r
ORDER BY t;
DROP TABLE sf_ml_external, sf_ml_ext_compressed, sf_ml_compressed, sf_ml_short;

SELECT al.drop_model('sf_4') + al.drop_model('sf_768') + al.drop_model('sf_4000')
	   + al.drop_model('sf_eer_768') AS dropped;
DROP TABLE sf_external, sf_ext_compressed, sf_compressed, sf_short, sf_ids, sf_ids_compressed;
DROP VIEW sf_eer_external_plain, sf_eer_ext_compressed_plain, sf_eer_compressed_plain, sf_eer_short_plain;
DROP TABLE sf_eer_external, sf_eer_ext_compressed, sf_eer_compressed, sf_eer_short;
DROP TABLE sf_eer;
DROP TABLE sf_train CASCADE;
