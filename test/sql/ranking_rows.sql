-- Option ranking_rows: a round keeps only the best N rows of its ranking
-- (by score DESC, then item id in the database's collation, the hand-out
-- order of al.next_batch); the other rows are scored but never written.
-- Each limited learner has a twin without the option over the same pool and
-- labels: its ranking must be, bit for bit, the twin's first N rows in that
-- order (score, predicted class, probabilities, model version), hot rows
-- the first 10,000, through every way a round scores (cursor, rows stored
-- out of line, parallel query, hash buckets, score_in "pool", external
-- predictions, multi-label and regression learners) and with ties at the
-- N-th row.  White box: runs as a
-- superuser, deletes al.ranking_state rows.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try
\set rankings :abs_srcdir '/sql/include/rankings.sql'
\i :rankings
SET extra_float_digits = 3;
SELECT setseed(0.41);

-- the first n rows of a learner's ranking in the hand-out order, bit for bit
CREATE FUNCTION pg_temp.head(learner text, n bigint)
RETURNS TABLE (item_id text, score bytea, predicted text, probs text, outputs text, model_version integer)
LANGUAGE sql AS $$
	SELECT s.item_id, float8send(s.score), s.predicted, s.probs::text, s.outputs::text, s.model_version
	FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = learner
	ORDER BY s.score DESC, s.item_id LIMIT n $$;
-- rows of limited's whole ranking that are not among the first n of full's, and back
CREATE FUNCTION pg_temp.head_differ(limited text, full_twin text, n bigint) RETURNS bigint LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM (SELECT * FROM pg_temp.head(limited, NULL) EXCEPT ALL SELECT * FROM pg_temp.head(full_twin, n)) d)
	+ (SELECT count(*) FROM (SELECT * FROM pg_temp.head(full_twin, n) EXCEPT ALL SELECT * FROM pg_temp.head(limited, NULL)) d) $$;
-- rows, hot rows, and hot rows outside the first 10,000 of the hand-out order
CREATE FUNCTION pg_temp.shape(learner text, OUT rows bigint, OUT hot bigint, OUT hot_misplaced bigint)
LANGUAGE sql AS $$
	SELECT count(*), count(*) FILTER (WHERE hot), count(*) FILTER (WHERE hot <> (pos <= 10000))
	FROM (SELECT s.hot, row_number() OVER (ORDER BY s.score DESC, s.item_id) AS pos
	      FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = learner) r $$;
-- a label from the features
CREATE FUNCTION pg_temp.truth(x real[]) RETURNS text LANGUAGE sql AS $$
	SELECT CASE WHEN x[1] + x[2] > 1 THEN 'a' WHEN x[3] > 0 THEN 'b' ELSE 'c' END $$;

-- 3,000 rows of 8 random features, 400 rows of one feature vector (400
-- equal scores), and rows a round skips
CREATE TABLE rr_pool AS
SELECT i::bigint AS id, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 8) WHERE i > 0)::real[] AS x
FROM generate_series(1, 3000) i;
INSERT INTO rr_pool SELECT i, '{0.3,0.2,-0.1,0.4,0.1,-0.2,0.3,0.1}' FROM generate_series(3001, 3400) i;
INSERT INTO rr_pool VALUES (3401, NULL), (3402, '{1,2,3}'), (3403, '{1,2,3,NaN,5,6,7,8}');
ALTER TABLE rr_pool ADD PRIMARY KEY (id);

-- ---- the option at the door ----
SELECT pg_temp.try($$SELECT al.create_learner('rr_bad', 'rr_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"ranking_rows": 0}')$$) AS zero;
SELECT pg_temp.try($$SELECT al.create_learner('rr_bad', 'rr_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"ranking_rows": -5}')$$) AS negative;
SELECT pg_temp.try($$SELECT al.create_learner('rr_bad', 'rr_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"ranking_rows": 1.5}')$$) AS fraction;
-- integral is checked on the JSON number, not on its double (which is 1)
SELECT pg_temp.try($$SELECT al.create_learner('rr_bad', 'rr_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"ranking_rows": 1.0000000000000000001}')$$) AS almost_one;
SELECT pg_temp.try($$SELECT al.create_learner('rr_bad', 'rr_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"batch_size": 10.00000000000000000001}')$$) AS another_integer_option;
SELECT pg_temp.try($$SELECT al.create_learner('rr_bad', 'rr_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"ranking_rows": 10000001}')$$) AS too_many;
SELECT pg_temp.try($$SELECT al.create_learner('rr_bad', 'rr_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"ranking_rows": "100"}')$$) AS a_string;
SELECT pg_temp.try($$SELECT al.create_learner('rr_bad', 'rr_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"ranking_rows": 100, "batch": "kcenter"}')$$) AS kcenter;
SELECT pg_temp.try($$SELECT al.create_learner('rr_bad', 'rr_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"ranking_rows": 100, "explore": {"epsilon": 0.1}}')$$) AS explore;
SELECT pg_temp.try($$SELECT al.create_learner('rr_bad', 'rr_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"ranking_rows": 100, "sample": 500}')$$) AS sample;
SELECT pg_temp.try($$SELECT al.create_learner('rr_bad', 'rr_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"ranking_rows": 100, "density": 1}')$$) AS density;
SELECT pg_temp.try($$SELECT al.create_learner('rr_bad', 'rr_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"ranking_rows": 100, "rescore_sample": 0.1}')$$) AS rescore_sample;
SELECT pg_temp.try($$SELECT al.create_learner('rr_bad', 'rr_pool', 'id', 'x', '{a,b,c}', 'expected_error_reduction', '{"ranking_rows": 100}')$$) AS eer;
SELECT count(*) AS none_created FROM al.learners WHERE name = 'rr_bad';

-- ---- twins: the cursor round ----
SELECT al.create_learner('rr_full', 'rr_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
	'{"retrain_every": 100000, "seed": 3}') > 0 AS full_twin,
	al.create_learner('rr_top', 'rr_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
	'{"retrain_every": 100000, "seed": 3, "ranking_rows": 1e2}') > 0 AS top,
	al.create_learner('rr_cfull', 'rr_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'bald',
	'{"retrain_every": 100000, "seed": 4, "committee": 3}') > 0 AS committee_twin,
	al.create_learner('rr_ctop', 'rr_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'bald',
	'{"retrain_every": 100000, "seed": 4, "committee": 3, "ranking_rows": 7}') > 0 AS committee_top;
SELECT name, options->'ranking_rows' AS ranking_rows FROM al.learners WHERE name LIKE 'rr\_%' ORDER BY name;
-- options that do not go with it, given later
SELECT pg_temp.try($$SELECT al.alter_learner('rr_top', NULL, '{"rescore_sample": 0.1}')$$) AS later_rescore_sample;
SELECT pg_temp.try($$SELECT al.alter_learner('rr_top', NULL, '{"batch": "badge"}')$$) AS later_badge;
SELECT pg_temp.try($$SELECT al.alter_learner('rr_top', 'expected_error_reduction')$$) AS later_eer;
SELECT options->'ranking_rows' AS still_100, options->'batch' AS still_topk FROM al.learners WHERE name = 'rr_top';
SELECT count(al.label(l, id, pg_temp.truth(x))) AS labeled
FROM rr_pool, unnest(ARRAY['rr_full', 'rr_top', 'rr_cfull', 'rr_ctop']) l WHERE id <= 60;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['rr_full', 'rr_top', 'rr_cfull', 'rr_ctop']) l;
-- 3,340 unlabeled rows with usable features; the limited rankings hold 100 and 7 of them, all hot
SELECT (pg_temp.shape('rr_full')).*;
SELECT l, (pg_temp.shape(l)).* FROM unnest(ARRAY['rr_top', 'rr_ctop']) l;
SELECT pg_temp.head_differ('rr_top', 'rr_full', 100) AS differ_top, pg_temp.head_differ('rr_ctop', 'rr_cfull', 7) AS differ_committee,
	pg_temp.head_differ('rr_top', 'rr_full', 101) AS differ_one_more;
-- al.learner_status counts the unlabeled rows the round scored, not the rows it kept
SELECT learner, unlabeled FROM al.learner_status WHERE learner IN ('rr_full', 'rr_top') ORDER BY learner;
-- the learning curves agree (the mean uncertainty is over every scored row)
SELECT a.model_version, a.mean_uncertainty = b.mean_uncertainty AS same_uncertainty
FROM al.learning_curve a JOIN al.learning_curve b USING (model_version)
WHERE a.learner = 'rr_top' AND b.learner = 'rr_full' ORDER BY 1;

-- ---- ties at the N-th row: N inside the 400 equal scores ----
SELECT min(pos) + 150 AS n_in_ties, min(pos) AS tie_first, max(pos) AS tie_last
FROM (SELECT s.item_id, row_number() OVER (ORDER BY s.score DESC, s.item_id) AS pos
      FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'rr_full') r
WHERE item_id::bigint BETWEEN 3001 AND 3400 \gset
SELECT :tie_last - :tie_first = 399 AS ties_adjacent;
-- a change of the option ranks the pool again at the next round (no retrain)
SELECT al.alter_learner('rr_top', NULL, format('{"ranking_rows": %s}', :n_in_ties)::jsonb);
SELECT al.run_learner('rr_top') AS round;
SELECT (pg_temp.shape('rr_top')).rows = :n_in_ties AS rows_n, pg_temp.head_differ('rr_top', 'rr_full', :n_in_ties) AS differ_ties,
	(SELECT count(*) FROM pg_temp.head('rr_top', NULL) WHERE item_id::bigint > 3000) AS tied_rows_kept,
	(SELECT model_version FROM al.learners WHERE name = 'rr_top') AS version;

-- ---- the parallel query, hash buckets, the pool's query ----
SET al_ext.parallel_rounds = on;
SELECT pg_temp.forget_ranking('rr_top'), pg_temp.forget_ranking('rr_ctop');
SELECT al.run_learner('rr_top') AS parallel, al.run_learner('rr_ctop') AS parallel_committee;
SELECT pg_temp.head_differ('rr_top', 'rr_full', :n_in_ties) AS differ_parallel,
	pg_temp.head_differ('rr_ctop', 'rr_cfull', 7) AS differ_parallel_committee;
-- rows that would not fit al_ext.selection_max_memory: one query all the same (the
-- rows go straight into the heap, none is kept), where the full twin splits the
-- pool into hash buckets (DEBUG1 says so)
SET al_ext.selection_max_memory = '256kB';
SET client_min_messages = debug1;
SELECT pg_temp.forget_ranking('rr_top'), al.run_learner('rr_top') AS one_query;
SELECT pg_temp.forget_ranking('rr_full'), al.run_learner('rr_full') AS buckets;
RESET client_min_messages;
SELECT pg_temp.head_differ('rr_top', 'rr_full', :n_in_ties) AS differ_one_query;
RESET al_ext.selection_max_memory;
RESET al_ext.parallel_rounds;
SELECT al.alter_learner('rr_top', NULL, '{"score_in": "pool"}');
SET client_min_messages = debug1;
SELECT pg_temp.forget_ranking('rr_top'), al.run_learner('rr_top') AS in_the_pool;
RESET client_min_messages;
SELECT pg_temp.head_differ('rr_top', 'rr_full', :n_in_ties) AS differ_in_the_pool;

-- ---- more than 10,000 rows: the first 10,000 are hot ----
INSERT INTO rr_pool SELECT i, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 8) WHERE i > 0)::real[]
FROM generate_series(3404, 15000) i;
SELECT al.alter_learner('rr_top', NULL, '{"ranking_rows": 12000, "score_in": "coordinator"}');
SELECT al.run_learner('rr_full') AS full_twin, al.run_learner('rr_top') AS top;
SELECT (pg_temp.shape('rr_top')).*, pg_temp.head_differ('rr_top', 'rr_full', 12000) AS differ_12000;
SET al_ext.parallel_rounds = on;
SELECT pg_temp.forget_ranking('rr_top'), al.run_learner('rr_top') AS parallel;
RESET al_ext.parallel_rounds;
SELECT (pg_temp.shape('rr_top')).*, pg_temp.head_differ('rr_top', 'rr_full', 12000) AS differ_12000_parallel;
-- more than the pool holds: every unlabeled row, as without the option
SELECT al.alter_learner('rr_top', NULL, '{"ranking_rows": 10000000}');
SELECT al.run_learner('rr_top') AS round;
SELECT (pg_temp.shape('rr_top')).*, pg_temp.differ('rr_top', 'rr_full') AS differ_all;
-- null turns it off
SELECT al.alter_learner('rr_top', NULL, '{"ranking_rows": null}');
SELECT options ? 'ranking_rows' AS still_set FROM al.learners WHERE name = 'rr_top';

-- ---- batches come from the kept rows; past them, nothing until a round ranks again ----
SELECT al.alter_learner('rr_ctop', NULL, '{"ranking_rows": 5}');
SELECT al.run_learner('rr_ctop') AS round, al.run_learner('rr_cfull') AS twin_round;
SELECT array_agg(b.item_id ORDER BY b.o) = (SELECT array_agg(item_id) FROM pg_temp.head('rr_cfull', 5)) AS first_five,
	count(*) AS handed_out
FROM al.next_batch('rr_ctop', 10, 'ann') WITH ORDINALITY b(item_id, s, p, q, o);
SELECT count(*) AS nothing_left FROM al.next_batch('rr_ctop', 10, 'ann2');
-- a round that keeps fewer rows: the held items it drops stay leased, without a score
SELECT al.alter_learner('rr_ctop', NULL, '{"ranking_rows": 2}');
SELECT al.run_learner('rr_ctop') AS round;
SELECT count(*) AS held, count(score) AS held_with_score FROM al.my_batch('rr_ctop', 'ann');
SELECT count(al.label('rr_ctop', item_id, 'a', 'ann')) AS labeled FROM al.my_batch('rr_ctop', 'ann');
SELECT al.alter_learner('rr_ctop', NULL, '{"ranking_rows": 5}');
SELECT al.retrain('rr_ctop'), al.run_learner('rr_ctop') AS round;
SELECT count(*) AS next_five FROM al.next_batch('rr_ctop', 10, 'ann');

-- ---- features stored out of line and compressed (768 reals) ----
CREATE TABLE rr_wide (id bigint PRIMARY KEY, x real[]);
INSERT INTO rr_wide SELECT i, ARRAY(SELECT (random() * 2 - 1)::real FROM generate_series(1, 768) WHERE i > 0)
FROM generate_series(1, 500) i;
INSERT INTO rr_wide SELECT i, array_fill((i % 7)::real / 10, ARRAY[768]) FROM generate_series(501, 600) i;
SELECT count(*) FILTER (WHERE pg_column_size(x) < 768 * 4) AS compressed_inline,
	count(*) FILTER (WHERE pg_column_size(x) >= 768 * 4) AS out_of_line FROM rr_wide;
SELECT al.create_learner('rr_wfull', 'rr_wide', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 100000, "seed": 5}') > 0 AS w_full,
	al.create_learner('rr_wtop', 'rr_wide', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 100000, "seed": 5, "ranking_rows": 40}') > 0 AS w_top;
SELECT count(al.label(l, id, CASE WHEN x[1] + x[2] > 0 THEN 'a' ELSE 'b' END)) AS labeled
FROM rr_wide, unnest(ARRAY['rr_wfull', 'rr_wtop']) l WHERE id % 20 = 0;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['rr_wfull', 'rr_wtop']) l;
SELECT (pg_temp.shape('rr_wtop')).*, pg_temp.head_differ('rr_wtop', 'rr_wfull', 40) AS differ_wide,
	(SELECT count(*) FROM pg_temp.head('rr_wfull', NULL)) AS full_rows;

-- ---- external predictions, with ties ----
CREATE TABLE rr_ext (id bigint PRIMARY KEY, p al.probvec);
INSERT INTO rr_ext SELECT i, ARRAY[a / (a + b + c), b / (a + b + c), c / (a + b + c)]::float8[]::al.probvec
FROM generate_series(1, 500) i, LATERAL (SELECT 1.0 + i % 37 AS a, 1.0 + (i * 3) % 37 AS b, 5.0 AS c) w;
INSERT INTO rr_ext VALUES (501, NULL), (502, '{0.5,0.5}');
SELECT al.create_learner('rr_efull', 'rr_ext', 'id', 'p', ARRAY['a', 'b', 'c'], 'margin_confidence', '{"predictions": true}') > 0 AS e_full,
	al.create_learner('rr_etop', 'rr_ext', 'id', 'p', ARRAY['a', 'b', 'c'], 'margin_confidence', '{"predictions": true, "ranking_rows": 60}') > 0 AS e_top;
SELECT count(al.label(l, id::text, 'a')) AS labeled FROM rr_ext, unnest(ARRAY['rr_efull', 'rr_etop']) l WHERE id <= 10;
SELECT al.predictions_updated(l, 'v1') FROM unnest(ARRAY['rr_efull', 'rr_etop']) l;
SELECT al.run_learner(l) FROM unnest(ARRAY['rr_efull', 'rr_etop']) l;
SELECT (pg_temp.shape('rr_etop')).*, pg_temp.head_differ('rr_etop', 'rr_efull', 60) AS differ_external,
	(SELECT count(*) FROM pg_temp.head('rr_efull', NULL)) AS full_rows,
	(SELECT (array_agg(score))[60] = (array_agg(score))[61] FROM pg_temp.head('rr_efull', 61)) AS tie_at_60;
SELECT learner, name, rows_ranked FROM al.prediction_versions WHERE learner IN ('rr_efull', 'rr_etop') ORDER BY learner;

-- ---- multi-label (ovr) and regression (ridge) learners: outputs kept whole ----
CREATE TABLE rr_fam AS
SELECT i::bigint AS id, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 6) WHERE i > 0)::real[] AS x
FROM generate_series(1, 1500) i;
INSERT INTO rr_fam SELECT i, '{0.5,-0.5,0.25,0,1,-1}' FROM generate_series(1501, 1600) i;
CREATE FUNCTION pg_temp.set_of(x real[]) RETURNS text LANGUAGE sql AS $$
	SELECT ARRAY(SELECT c FROM (VALUES ('a', x[1] > 0), ('b', x[2] + x[3] > 0.5), ('c', x[4] < -1)) v(c, t) WHERE t)::text $$;
SELECT al.create_learner('rr_ofull', 'rr_fam', 'id', 'x', ARRAY['a', 'b', 'c'], 'binary_minimum',
	'{"family": "ovr", "retrain_every": 100000, "seed": 3, "committee": 3}') > 0 AS ovr_full,
	al.create_learner('rr_otop', 'rr_fam', 'id', 'x', ARRAY['a', 'b', 'c'], 'binary_minimum',
	'{"family": "ovr", "retrain_every": 100000, "seed": 3, "committee": 3, "ranking_rows": 150}') > 0 AS ovr_top,
	al.create_learner('rr_rfull', 'rr_fam', 'id', 'x', '{}', 'committee_std',
	'{"family": "ridge", "retrain_every": 100000, "seed": 4, "committee": 3}') > 0 AS ridge_full,
	al.create_learner('rr_rtop', 'rr_fam', 'id', 'x', '{}', 'committee_std',
	'{"family": "ridge", "retrain_every": 100000, "seed": 4, "committee": 3, "ranking_rows": 40, "score_in": "pool"}') > 0 AS ridge_top;
SELECT count(al.label(l, id, pg_temp.set_of(x))) AS labeled FROM rr_fam, unnest(ARRAY['rr_ofull', 'rr_otop']) l WHERE id <= 60;
SELECT count(al.label(l, id, (2 * x[1] - x[2] + (id % 7) / 10.0)::float8::text)) AS labeled
FROM rr_fam, unnest(ARRAY['rr_rfull', 'rr_rtop']) l WHERE id <= 60;
SELECT al.retrain(l), al.run_learner(l) FROM unnest(ARRAY['rr_ofull', 'rr_otop', 'rr_rfull', 'rr_rtop']) l;
-- the 100 equal rows: where they stand in the ovr twin's ranking
SELECT min(pos) AS tie_first, max(pos) AS tie_last
FROM (SELECT s.item_id, row_number() OVER (ORDER BY s.score DESC, s.item_id) AS pos
      FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'rr_ofull') r
WHERE item_id::bigint > 1500 \gset
SELECT :tie_last - :tie_first = 99 AS ties_adjacent;
SELECT al.alter_learner('rr_otop', NULL, format('{"ranking_rows": %s}', :tie_first + 30)::jsonb);
SELECT al.run_learner('rr_otop') AS round;
SELECT l, (pg_temp.shape(l)).* FROM unnest(ARRAY['rr_ofull', 'rr_otop', 'rr_rtop']) l;
SELECT pg_temp.head_differ('rr_otop', 'rr_ofull', :tie_first + 30) AS differ_ovr_ties,
	pg_temp.head_differ('rr_rtop', 'rr_rfull', 40) AS differ_ridge_in_the_pool,
	(SELECT count(*) FROM pg_temp.head('rr_otop', NULL) WHERE outputs IS NULL OR predicted IS NULL) AS without_outputs;
SELECT learner, unlabeled FROM al.learner_status WHERE learner IN ('rr_ofull', 'rr_otop') ORDER BY learner;
SELECT a.model_version, a.mean_uncertainty = b.mean_uncertainty AS same_uncertainty
FROM al.learning_curve a JOIN al.learning_curve b USING (model_version)
WHERE a.learner = 'rr_otop' AND b.learner = 'rr_ofull' ORDER BY 1;
SELECT array_agg(b.item_id ORDER BY b.o) = (SELECT array_agg(item_id) FROM pg_temp.head('rr_ofull', 5)) AS same_batch
FROM al.next_batch('rr_otop', 5, 'ann') WITH ORDINALITY b(item_id, s, p, q, o);

SELECT al.drop_learner(name) FROM al.learners WHERE name LIKE 'rr\_%' ORDER BY name;
