-- Attack on option ranking_rows (a round keeps only the best N rows of its
-- ranking, src/loop/round_hot.c round_hot_create_rows).  Findings, each
-- failing before its fix:
--  1. the heap of whole rows (4 bytes a class a row) was bounded by no
--     setting: a learner of many classes with a large N took the memory of
--     its whole ranking (the background worker runs any owner's learner);
--     now it counts against al_ext.selection_max_memory (53400 past it);
--  2. the items of the evaluation sample took places among the N rows,
--     though al.next_batch never hands them out from the ranking: with a
--     sample of a quarter of the pool, a batch of N got about 3/4 N;
--  3. once the N rows were labeled nothing was handed out until a round
--     ranked again, and none did when N < retrain_every (no more labels
--     could come): the learner stalled for good; now a round ranks again
--     when the N rows are used up.
-- And what held, kept as regression tests: a database whose default
-- collation is ICU "en-US" (ties ordered by id in that collation, not
-- bytewise), uuid and long multibyte ids, N = 1, N = the unlabeled rows and
-- one more, a partitioned pool through the parallel query and its hash
-- buckets.  White box: runs as a superuser, reads al.scores and
-- al.learner_store.
SET extra_float_digits = 3;
SELECT setseed(0.18);
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try
\set rankings :abs_srcdir '/sql/include/rankings.sql'
\i :rankings

-- the first n rows of a learner's ranking in the hand-out order, bit for bit
-- (outside skip: the evaluation sample)
CREATE FUNCTION pg_temp.head(learner text, n bigint, skip text[] DEFAULT '{}')
RETURNS TABLE (item_id text, score bytea, predicted text, probs text, model_version integer)
LANGUAGE sql AS $$
	SELECT s.item_id, float8send(s.score), s.predicted, s.probs::text, s.model_version
	FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = learner
	AND NOT s.item_id = ANY (skip)
	ORDER BY s.score DESC, s.item_id LIMIT n $$;
-- rows of limited's whole ranking that are not among the first n of full's (outside skip), and back
CREATE FUNCTION pg_temp.head_differ(limited text, full_twin text, n bigint, skip text[] DEFAULT '{}') RETURNS bigint
LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM (SELECT * FROM pg_temp.head(limited, NULL) EXCEPT ALL SELECT * FROM pg_temp.head(full_twin, n, skip)) d)
	+ (SELECT count(*) FROM (SELECT * FROM pg_temp.head(full_twin, n, skip) EXCEPT ALL SELECT * FROM pg_temp.head(limited, NULL)) d) $$;
-- rows, hot rows, and hot rows outside the first 10,000 of the hand-out order
CREATE FUNCTION pg_temp.shape(learner text, OUT rows bigint, OUT hot bigint, OUT hot_misplaced bigint)
LANGUAGE sql AS $$
	SELECT count(*), count(*) FILTER (WHERE hot), count(*) FILTER (WHERE hot <> (pos <= 10000))
	FROM (SELECT s.hot, row_number() OVER (ORDER BY s.score DESC, s.item_id) AS pos
	      FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = learner) r $$;

-- ---- 1. the heap's memory counts against al_ext.selection_max_memory ----
-- 3,000 rows of 3 classes: the best 2,000 take about 2,000 x (32 + 12 + id)
-- bytes and their array 2,048 x 24, more than 64kB; the best 100 fit
CREATE TABLE a18_pool AS
SELECT i::bigint AS id, ARRAY[random() * 4 - 2, random() * 4 - 2, random() * 4 - 2]::real[] AS x
FROM generate_series(1, 3000) i;
ALTER TABLE a18_pool ADD PRIMARY KEY (id);
SELECT al.create_learner('a18_full', 'a18_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
	'{"retrain_every": 100000, "seed": 3}') > 0 AS full_twin,
	al.create_learner('a18_top', 'a18_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
	'{"retrain_every": 100000, "seed": 3, "ranking_rows": 100}') > 0 AS top;
SELECT count(al.label(l, id, CASE WHEN x[1] > 0 THEN 'a' WHEN x[2] > 0 THEN 'b' ELSE 'c' END)) AS labeled
FROM a18_pool, unnest(ARRAY['a18_full', 'a18_top']) l WHERE id % 50 = 0;
SET al_ext.selection_max_memory = '64kB';
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['a18_full', 'a18_top']) l;
SELECT (pg_temp.shape('a18_top')).*, pg_temp.head_differ('a18_top', 'a18_full', 100) AS differ_100;
SELECT al.alter_learner('a18_top', NULL, '{"ranking_rows": 2000}');
-- (the message only: the detail's byte count depends on the ids)
SELECT pg_temp.try($$SELECT al.run_learner('a18_top')$$) AS past_the_bound;
-- the failed round changed nothing: the 100 rows of the last ranking
SELECT (pg_temp.shape('a18_top')).*, pg_temp.head_differ('a18_top', 'a18_full', 100) AS differ_100_still;
-- in parallel rounds too (one query: the heap takes the rows as they come)
SET al_ext.parallel_rounds = on;
SELECT pg_temp.try($$SELECT al.run_learner('a18_top')$$) AS parallel_past_the_bound;
RESET al_ext.parallel_rounds;
-- the bound follows the rows kept, not N: N = 10,000,000 over a 3-row pool
CREATE TABLE a18_tiny (id bigint PRIMARY KEY, x real[]);
INSERT INTO a18_tiny VALUES (1, '{1,0,0}'), (2, '{0,1,0}'), (3, '{0,0,1}');
SELECT al.create_learner('a18_tiny', 'a18_tiny', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
	'{"ranking_rows": 10000000}') > 0 AS tiny;
SELECT count(al.label('a18_tiny', id, (ARRAY['a', 'b'])[id])) AS labeled FROM a18_tiny WHERE id <= 2;
SELECT al.retrain('a18_tiny'), al.run_learner('a18_tiny') AS round;
SELECT (pg_temp.shape('a18_tiny')).*;
RESET al_ext.selection_max_memory;
SELECT al.run_learner('a18_top') AS within_the_default;
SELECT (pg_temp.shape('a18_top')).*, pg_temp.head_differ('a18_top', 'a18_full', 2000) AS differ_2000;
-- an external-prediction learner of 300 classes: its best 60 rows take
-- 60 x 1,200 bytes of probabilities, past 64kB (a whole ranking would
-- have been written a block at a time)
CREATE TABLE a18_ext (id bigint PRIMARY KEY, p al.probvec);
INSERT INTO a18_ext SELECT i, al.normalize(ARRAY(SELECT 1.0 + (i * j) % 7 FROM generate_series(1, 300) j))
FROM generate_series(1, 200) i;
SELECT al.create_learner('a18_ext', 'a18_ext', 'id', 'p', ARRAY(SELECT 'c' || j FROM generate_series(1, 300) j),
	'entropy', '{"predictions": true, "ranking_rows": 60}') > 0 AS e_top;
SELECT al.predictions_updated('a18_ext', 'v1');
SET al_ext.selection_max_memory = '64kB';
SELECT pg_temp.try($$SELECT al.run_learner('a18_ext')$$) AS external_past_the_bound;
SELECT al.alter_learner('a18_ext', NULL, '{"ranking_rows": 20}');
SELECT al.run_learner('a18_ext') AS external_within;
RESET al_ext.selection_max_memory;
SELECT (pg_temp.shape('a18_ext')).*;

-- ---- 2. the evaluation sample takes no place among the N rows ----
CREATE TABLE a18_eval AS
SELECT i::bigint AS id, ARRAY[random() * 4 - 2, random() * 4 - 2]::real[] AS x FROM generate_series(1, 2000) i;
ALTER TABLE a18_eval ADD PRIMARY KEY (id);
SELECT al.create_learner('a18_efull', 'a18_eval', 'id', 'x', ARRAY['a', 'b'], 'entropy',
	'{"retrain_every": 100000, "seed": 5, "eval_size": 500, "eval_rate": 0}') > 0 AS e_full,
	al.create_learner('a18_etop', 'a18_eval', 'id', 'x', ARRAY['a', 'b'], 'entropy',
	'{"retrain_every": 100000, "seed": 5, "eval_size": 500, "eval_rate": 0, "ranking_rows": 100}') > 0 AS e_top;
SELECT eval_items AS a18_eval_items FROM al.learner_store WHERE name = 'a18_etop' \gset
SELECT (SELECT eval_items FROM al.learner_store WHERE name = 'a18_efull') = :'a18_eval_items' AS same_sample,
	cardinality(:'a18_eval_items'::text[]) AS sample_items;
SELECT count(al.label(l, id, CASE WHEN x[1] + x[2] > 0 THEN 'a' ELSE 'b' END)) AS labeled
FROM a18_eval, unnest(ARRAY['a18_efull', 'a18_etop']) l
WHERE id % 20 = 0 OR id::text = ANY ((:'a18_eval_items'::text[])[1:50]);
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['a18_efull', 'a18_etop']) l;
-- the full ranking holds the sample's unlabeled items; the limited one none of them
SELECT (SELECT count(*) FROM pg_temp.head('a18_efull', NULL) WHERE item_id = ANY (:'a18_eval_items'::text[])) AS full_holds_sample,
	(SELECT count(*) FROM pg_temp.head('a18_etop', NULL) WHERE item_id = ANY (:'a18_eval_items'::text[])) AS top_holds_sample;
-- the twin's first 100 rows outside the sample, bit for bit
SELECT (pg_temp.shape('a18_etop')).*, pg_temp.head_differ('a18_etop', 'a18_efull', 100, :'a18_eval_items') AS differ_outside_sample;
-- a batch of 100 takes all of them, in the hand-out order
SELECT array_agg(b.item_id ORDER BY b.o) = (SELECT array_agg(item_id) FROM pg_temp.head('a18_efull', 100, :'a18_eval_items')) AS same_items,
	count(*) AS handed_out
FROM al.next_batch('a18_etop', 100, 'ann') WITH ORDINALITY b(item_id, s, p, q, o);
-- external predictions: the same
CREATE TABLE a18_eext (id bigint PRIMARY KEY, p al.probvec);
INSERT INTO a18_eext SELECT i, al.normalize(ARRAY[1.0 + i % 37, 1.0 + (i * 3) % 41, 5.0]) FROM generate_series(1, 800) i;
SELECT al.create_learner('a18_eefull', 'a18_eext', 'id', 'p', ARRAY['a', 'b', 'c'], 'margin_confidence',
	'{"predictions": true, "eval_size": 200}') > 0 AS ee_full,
	al.create_learner('a18_eetop', 'a18_eext', 'id', 'p', ARRAY['a', 'b', 'c'], 'margin_confidence',
	'{"predictions": true, "eval_size": 200, "ranking_rows": 50}') > 0 AS ee_top;
SELECT eval_items AS a18_eeval_items FROM al.learner_store WHERE name = 'a18_eetop' \gset
SELECT al.predictions_updated(l, 'v1'), al.run_learner(l) FROM unnest(ARRAY['a18_eefull', 'a18_eetop']) l;
SELECT (pg_temp.shape('a18_eetop')).*, pg_temp.head_differ('a18_eetop', 'a18_eefull', 50, :'a18_eeval_items') AS differ_external,
	(SELECT count(*) FROM pg_temp.head('a18_eefull', 50) WHERE item_id = ANY (:'a18_eeval_items'::text[])) > 0 AS full_head_has_sample;

-- ---- 3. a used-up ranking is ranked again ----
-- N = 5 below retrain_every (10, the default): once the 5 rows were labeled
-- no batch had anything to hand out, so no more labels came, no retrain,
-- and no round ranked again: the learner stalled for good
CREATE TABLE a18_stall AS
SELECT i::bigint AS id, ARRAY[random() * 4 - 2, random() * 4 - 2]::real[] AS x FROM generate_series(1, 300) i;
ALTER TABLE a18_stall ADD PRIMARY KEY (id);
SELECT al.create_learner('a18_stall', 'a18_stall', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"ranking_rows": 5}') > 0 AS stall,
	al.create_learner('a18_stall2', 'a18_stall', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"ranking_rows": 5, "overlap": 2, "retrain_every": 100}') > 0 AS stall_overlap;
SELECT options->'retrain_every' AS retrain_every FROM al.learners WHERE name = 'a18_stall';
SELECT count(al.label(l, id, CASE WHEN x[1] > 0 THEN 'a' ELSE 'b' END)) AS labeled
FROM a18_stall, unnest(ARRAY['a18_stall', 'a18_stall2']) l WHERE id <= 12;
SELECT al.run_learner('a18_stall') AS round, al.retrain('a18_stall2'), al.run_learner('a18_stall2') AS round_overlap;
-- the 5 rows handed out and labeled
CREATE FUNCTION pg_temp.label_batch(learner text, annotator text) RETURNS bigint LANGUAGE sql AS $$
	SELECT count(al.label(learner, b.item_id, CASE WHEN p.x[1] > 0 THEN 'a' ELSE 'b' END, annotator))
	FROM al.next_batch(learner, 10, annotator) b JOIN a18_stall p ON p.id::text = b.item_id $$;
SELECT pg_temp.label_batch('a18_stall', 'ann') AS labeled;
SELECT count(*) AS nothing_left FROM al.next_batch('a18_stall', 10, 'ann');
SELECT learner, labels_waiting, unlabeled FROM al.learner_status WHERE learner = 'a18_stall';
-- the round ranks the pool again with the same version: 5 new rows
SELECT al.run_learner('a18_stall') AS round,
	(SELECT model_version FROM al.learners WHERE name = 'a18_stall') AS version,
	(SELECT count(*) FROM pg_temp.head('a18_stall', NULL) h JOIN al.labels b ON b.item_id = h.item_id
	 AND b.learner_id = (SELECT id FROM al.learners WHERE name = 'a18_stall')) AS labeled_in_ranking;
SELECT count(*) AS next_five FROM al.next_batch('a18_stall', 10, 'ann');
-- not while a row is open: a leased row needs its label
SELECT al.run_learner('a18_stall') AS leased_not_used_up;
-- under overlap 2, one annotator's labels leave the rows open to another
SELECT pg_temp.label_batch('a18_stall2', 'ann') AS labeled_once;
SELECT al.run_learner('a18_stall2') AS open_to_another;
SELECT pg_temp.label_batch('a18_stall2', 'ann2') AS labeled_twice;
SELECT al.run_learner('a18_stall2') AS used_up;
-- a ranking that held every unlabeled row (fewer than N) is not ranked again
-- round after round once they are labeled
CREATE TABLE a18_small (id bigint PRIMARY KEY, x real[]);
INSERT INTO a18_small SELECT i, ARRAY[i, -i]::real[] FROM generate_series(1, 8) i;
SELECT al.create_learner('a18_small', 'a18_small', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"ranking_rows": 5, "retrain_every": 100}') > 0 AS small;
SELECT count(al.label('a18_small', id, CASE WHEN id <= 2 THEN 'a' ELSE 'b' END)) AS labeled FROM a18_small WHERE id IN (1, 2, 7, 8, 6);
SELECT al.retrain('a18_small'), al.run_learner('a18_small') AS round;
SELECT count(al.label('a18_small', item_id, 'b')) AS labeled_rest FROM al.next_batch('a18_small', 10);
SELECT al.run_learner('a18_small') AS idle, al.run_learner('a18_small') AS still_idle;
-- an external-prediction learner: ranked again from the same version
CREATE TABLE a18_xstall (id bigint PRIMARY KEY, p al.probvec);
INSERT INTO a18_xstall SELECT i, al.normalize(ARRAY[1.0 + i % 37, 1.0 + (i * 3) % 41]) FROM generate_series(1, 100) i;
SELECT al.create_learner('a18_xstall', 'a18_xstall', 'id', 'p', ARRAY['a', 'b'], 'margin_confidence',
	'{"predictions": true, "ranking_rows": 4}') > 0 AS x_stall;
SELECT al.predictions_updated('a18_xstall', 'v1'), al.run_learner('a18_xstall') AS round;
SELECT count(al.label('a18_xstall', item_id, 'a')) AS labeled FROM al.next_batch('a18_xstall', 10);
SELECT al.run_learner('a18_xstall') AS round;
SELECT count(*) AS next_four FROM al.next_batch('a18_xstall', 10);

-- ---- held: uuid and long multibyte ids, N = 1, N = the unlabeled rows (and one more), ties ----
CREATE TABLE a18_uuid (id uuid PRIMARY KEY, x real[]);
INSERT INTO a18_uuid SELECT md5(i::text)::uuid,
	CASE WHEN i % 3 = 0 THEN '{0.5,0.5,0.5}' ELSE ARRAY[random() * 4 - 2, random() * 4 - 2, random() * 4 - 2] END::real[]
FROM generate_series(1, 600) i;
CREATE TABLE a18_long (id text PRIMARY KEY, x real[]);
INSERT INTO a18_long SELECT repeat(chr(65 + i % 26), 2500) || i || repeat('ü', i % 7),
	CASE WHEN i % 4 = 0 THEN '{0.5,0.5,0.5}' ELSE ARRAY[random() * 4 - 2, random() * 4 - 2, random() * 4 - 2] END::real[]
FROM generate_series(1, 400) i;
CREATE TABLE a18_part (id integer, x real[]) PARTITION BY RANGE (id);
CREATE TABLE a18_part1 PARTITION OF a18_part FOR VALUES FROM (0) TO (300);
CREATE TABLE a18_part2 PARTITION OF a18_part FOR VALUES FROM (300) TO (5000);
ALTER TABLE a18_part ADD PRIMARY KEY (id);
INSERT INTO a18_part SELECT i, CASE WHEN i % 5 = 0 THEN '{0.5,0.5,0.5}'
	ELSE ARRAY[random() * 4 - 2, random() * 4 - 2, random() * 4 - 2] END::real[] FROM generate_series(1, 900) i;
SELECT count(*) AS learners FROM (VALUES ('a18_uuid', 'entropy', '{}'), ('a18_long', 'vote_entropy', '{"committee": 3}'),
	('a18_part', 'expected_gradient_length', '{}')) v(p, s, o),
	LATERAL (SELECT al.create_learner(p || '_f', p, 'id', 'x', ARRAY['a', 'b', 'c'], s, '{"retrain_every": 100000, "seed": 2}'::jsonb || o::jsonb),
	                al.create_learner(p || '_t', p, 'id', 'x', ARRAY['a', 'b', 'c'], s, '{"retrain_every": 100000, "seed": 2, "ranking_rows": 1}'::jsonb || o::jsonb)) c;
SELECT count(al.label(l.name, t.id, CASE WHEN t.x[1] > 0 THEN 'a' WHEN t.x[2] > 0 THEN 'b' ELSE 'c' END)) AS labeled
FROM al.learners l, LATERAL (SELECT id::text, x FROM a18_uuid WHERE l.name LIKE 'a18_uuid%' UNION ALL SELECT id, x FROM a18_long WHERE l.name LIKE 'a18_long%'
	UNION ALL SELECT id::text, x FROM a18_part WHERE l.name LIKE 'a18_part%') t
WHERE hashtext(t.id) % 10 = 0;
SELECT l, al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['a18_uuid_f', 'a18_uuid_t', 'a18_long_f', 'a18_long_t', 'a18_part_f', 'a18_part_t']) l;
CREATE TEMP TABLE a18_res (learner text, n text, mode text, rows bigint, hot bigint, misplaced bigint, differ bigint, ties_at_n boolean);
-- pattern: of the limited learners' names; all_n: also N = the unlabeled rows and one more
CREATE FUNCTION pg_temp.check(mode text, pattern text, all_n boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	r record;
	n bigint;
	unl bigint;
	tie_first bigint;
BEGIN
	FOR r IN SELECT name, left(name, -1) || 'f' AS twin FROM al.learners WHERE name ~ pattern ORDER BY name LOOP
		SELECT count(*) INTO unl FROM pg_temp.head(r.twin, NULL);
		-- the first row of the equal scores (0.5,0.5,0.5): N there + 5 cuts the ties
		SELECT min(pos) INTO tie_first FROM (SELECT row_number() OVER (ORDER BY h.score DESC, h.item_id) AS pos, h.score
			FROM pg_temp.head(r.twin, NULL) h) p GROUP BY score HAVING count(*) > 20;
		FOREACH n IN ARRAY CASE WHEN all_n THEN ARRAY[1, tie_first + 5, unl, unl + 1] ELSE ARRAY[1, tie_first + 5] END LOOP
			PERFORM al.alter_learner(r.name, NULL, jsonb_build_object('ranking_rows', n));
			PERFORM al.run_learner(r.name);
			INSERT INTO a18_res SELECT r.name, CASE n WHEN 1 THEN '1' WHEN tie_first + 5 THEN 'in ties' WHEN unl THEN 'unlabeled'
				ELSE 'unlabeled + 1' END, mode, s.*, pg_temp.head_differ(r.name, r.twin, n),
				(SELECT (array_agg(score))[n] = (array_agg(score))[n + 1] FROM pg_temp.head(r.twin, n + 1))
			FROM pg_temp.shape(r.name) s;
		END LOOP;
	END LOOP;
END $$;
SELECT pg_temp.check('cursor', '^a18_(uuid|long|part)_t$', true);
SET al_ext.parallel_rounds = on;
SELECT pg_temp.check('parallel', '^a18_(uuid|long|part)_t$', true);
-- 900 x 92 bytes over 64kB would be 2 hash buckets of the 900-row pool
-- without the option; under it one query (no DEBUG1 of buckets): its best
-- 462 rows fit in 64kB, the 813 unlabeled ones not (part 1)
SET al_ext.selection_max_memory = '64kB';
SET client_min_messages = debug1;
SELECT al.alter_learner('a18_part_t', NULL, '{"ranking_rows": 1}'),
	pg_temp.forget_ranking('a18_part_t'), al.run_learner('a18_part_t') AS one_query;
RESET client_min_messages;
SELECT pg_temp.check('buckets', '^a18_part_t$', false);
RESET al_ext.selection_max_memory;
RESET al_ext.parallel_rounds;
SELECT learner, n, string_agg(mode || ' ' || rows || '/' || hot || '/' || misplaced || '/' || differ, ', ' ORDER BY mode) AS rows_hot_misplaced_differ,
	bool_and(ties_at_n) AS ties_at_n
FROM a18_res GROUP BY 1, 2 ORDER BY 1, 2;

SELECT al.drop_learner(name) FROM al.learners WHERE name LIKE 'a18\_%' ORDER BY name;

-- ---- held: a database whose default collation is ICU en-US ----
-- al.scores.item_id and the heap (varstr_cmp with DEFAULT_COLLATION_OID)
-- both order ties by the database's collation: 'é' sorts with 'e' there,
-- after 'z' bytewise.  All unlabeled rows have one score: the N rows kept
-- must be the first N ids in that collation.
\set a18_home :DBNAME
CREATE DATABASE a18_icu TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8';
\c a18_icu
SET client_min_messages = warning;
CREATE EXTENSION al_ext;
RESET client_min_messages;
SET extra_float_digits = 3;
CREATE TABLE ic_pool (id text COLLATE "C" PRIMARY KEY, x real[]);
INSERT INTO ic_pool SELECT w || i, '{0.1,0.2}' FROM generate_series(1, 300) i,
	LATERAL (SELECT (ARRAY['a', 'B', 'é', 'É', '-x', 'z', 'Ä', '_q', 'ß', 'ǅ', 'b', 'A', 'e'])[1 + i % 13] AS w) s;
INSERT INTO ic_pool VALUES ('lab1', '{2,2}'), ('lab2', '{-2,-2}');
SELECT al.create_learner('ic_full', 'ic_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 100000}') > 0 AS full_twin,
	al.create_learner('ic_top', 'ic_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 100000, "ranking_rows": 40}') > 0 AS top;
SELECT count(al.label(l, i, CASE i WHEN 'lab1' THEN 'a' ELSE 'b' END)) AS labeled FROM unnest(ARRAY['ic_full', 'ic_top']) l, unnest(ARRAY['lab1', 'lab2']) i;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['ic_full', 'ic_top']) l;
SELECT count(DISTINCT s.score) AS one_score FROM al.scores s;
SELECT (SELECT array_agg(s.item_id ORDER BY s.item_id) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'ic_top')
	= (SELECT array_agg(id ORDER BY id COLLATE "default") FROM (SELECT id FROM ic_pool WHERE id NOT LIKE 'lab%' ORDER BY id COLLATE "default" LIMIT 40) f)
	AS first_40_in_en_us,
	(SELECT array_agg(s.item_id ORDER BY s.item_id) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'ic_top')
	= (SELECT array_agg(id ORDER BY id COLLATE "default") FROM (SELECT id FROM ic_pool WHERE id NOT LIKE 'lab%' ORDER BY id COLLATE "C" LIMIT 40) f)
	AS first_40_bytewise,
	(SELECT count(*) FROM (SELECT s.item_id, s.score, s.probs::text, s.hot FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'ic_top'
	 EXCEPT (SELECT s.item_id, s.score, s.probs::text, s.hot FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'ic_full'
	 ORDER BY s.score DESC, s.item_id LIMIT 40)) d) AS differ_40;
SET al_ext.parallel_rounds = on;
DELETE FROM al.ranking_state WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'ic_top');
SELECT al.run_learner('ic_top') AS parallel;
SELECT count(*) AS differ_40_parallel FROM (SELECT s.item_id, s.score, s.probs::text, s.hot FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'ic_top'
	 EXCEPT (SELECT s.item_id, s.score, s.probs::text, s.hot FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'ic_full'
	 ORDER BY s.score DESC, s.item_id LIMIT 40)) d;
\c :a18_home
DROP DATABASE a18_icu;
