-- Option score_in for multi-label (ovr) and regression (ridge) learners: a
-- round with "score_in": "pool" exports the version it ranks with and runs
-- ONE query, SELECT id::text, al._round_outputs(value, x) FROM pool, so
-- that only ids and each row's outputs (an ovr committee's mean label
-- probabilities, a ridge committee's member predictions, as the round
-- computes them for a block, then ||(x, 1)|| for emcm) reach the round,
-- which scores them with the family's strategy and writes al.scores.  Each
-- learner here has a twin with "score_in": "coordinator" over the same pool
-- and labels: their rankings must be equal bit for bit (scores as
-- float8send, outputs as exact text, predicted, hot rows, ranks).  No Citus
-- here: "auto" scores on the coordinator.  White box: runs as a superuser,
-- deletes al.ranking_state rows.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try
SET extra_float_digits = 3;
SELECT setseed(0.57);
-- 2,000 rows of 6 real features, then rows a round skips: NULL features, a
-- NULL element, another length, NaN, Infinity, and a NULL id
CREATE TABLE sf_pool AS
SELECT i::bigint AS id, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 6) WHERE i > 0)::real[] AS x
FROM generate_series(1, 2000) i;
INSERT INTO sf_pool VALUES (2001, NULL), (2002, '{1,2,3,NULL,5,6}'), (2003, '{1,2,3}'),
	(2004, '{1,2,3,NaN,5,6}'), (2005, '{1,2,3,Infinity,5,6}'), (NULL, '{1,1,1,1,1,1}');
-- the same rows in a partitioned table (two range partitions and a default)
CREATE TABLE sf_part (id bigint, x real[]) PARTITION BY RANGE (id);
CREATE TABLE sf_part_1 PARTITION OF sf_part FOR VALUES FROM (1) TO (1001);
CREATE TABLE sf_part_2 PARTITION OF sf_part FOR VALUES FROM (1001) TO (3001);
CREATE TABLE sf_part_d PARTITION OF sf_part DEFAULT;
INSERT INTO sf_part SELECT * FROM sf_pool;
ANALYZE sf_pool, sf_part;

\set rankings :abs_srcdir '/sql/include/rankings.sql'
\i :rankings
-- labels from the features: a set of classes, a number
CREATE FUNCTION pg_temp.set_of(x real[]) RETURNS text LANGUAGE sql AS $$
	SELECT ARRAY(SELECT c FROM (VALUES ('a', x[1] > 0), ('b', x[2] + x[3] > 0.5), ('c', x[4] < -1)) v(c, t) WHERE t)::text $$;
CREATE FUNCTION pg_temp.value_of(x real[], id bigint) RETURNS text LANGUAGE sql AS $$
	SELECT (2 * x[1] - x[2] + 0.5 * x[5] + (id % 7) / 10.0)::float8::text $$;
-- the learners of a test, and each one's twin on the coordinator ("si_" -> "sc_")
CREATE FUNCTION pg_temp.twins(VARIADIC names text[]) RETURNS TABLE (l text) LANGUAGE sql AS $$
	SELECT n FROM unnest(names) n UNION ALL SELECT 'sc_' || substr(n, 4) FROM unnest(names) n $$;
-- create a learner in the pool and its twin on the coordinator
CREATE FUNCTION pg_temp.create_twins(name text, pool regclass, classes text[], strategy text, options jsonb)
RETURNS boolean LANGUAGE sql AS $$
	SELECT al.create_learner(name, pool, 'id', 'x', classes, strategy, options || '{"score_in": "pool"}') > 0
	AND al.create_learner('sc_' || substr(name, 4), pool, 'id', 'x', classes, strategy,
		options || '{"score_in": "coordinator"}') > 0 $$;

-- twins: ovr with entropy, binary_minimum (committee of 3),
-- label_cardinality_inconsistency and random; ridge committees with
-- committee_std and emcm
SELECT pg_temp.create_twins('si_oe', 'sf_pool', ARRAY['a', 'b', 'c'], 'entropy',
		'{"family": "ovr", "retrain_every": 100000, "seed": 3}') AS oe,
	pg_temp.create_twins('si_ob', 'sf_pool', ARRAY['a', 'b', 'c'], 'binary_minimum',
		'{"family": "ovr", "retrain_every": 100000, "seed": 4, "committee": 3}') AS ob,
	pg_temp.create_twins('si_ol', 'sf_pool', ARRAY['a', 'b', 'c'], 'label_cardinality_inconsistency',
		'{"family": "ovr", "retrain_every": 100000, "seed": 5}') AS ol,
	pg_temp.create_twins('si_or', 'sf_pool', ARRAY['a', 'b', 'c'], 'random',
		'{"family": "ovr", "retrain_every": 100000, "seed": 6}') AS "or",
	pg_temp.create_twins('si_rs', 'sf_pool', '{}', 'committee_std',
		'{"family": "ridge", "retrain_every": 100000, "seed": 7, "committee": 3}') AS rs,
	pg_temp.create_twins('si_rm', 'sf_pool', '{}', 'emcm',
		'{"family": "ridge", "retrain_every": 100000, "seed": 8, "committee": 4, "alpha": 0.5}') AS rm;
SELECT name, options->'score_in' AS score_in, options->'family' AS family FROM al.learners
WHERE name IN (SELECT pg_temp.twins('si_oe', 'si_ob', 'si_ol', 'si_or', 'si_rs', 'si_rm')) ORDER BY name;
SELECT count(al.label(l, id, pg_temp.set_of(x))) AS labeled
FROM sf_pool, pg_temp.twins('si_oe', 'si_ob', 'si_ol', 'si_or') l WHERE id <= 80;
SELECT count(al.label(l, id, pg_temp.value_of(x, id))) AS labeled
FROM sf_pool, pg_temp.twins('si_rs', 'si_rm') l WHERE id <= 80;

-- the calls of al._round_outputs in this transaction (track_functions)
CREATE FUNCTION pg_temp.outputs_calls() RETURNS bigint LANGUAGE sql AS $$
	SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions
	WHERE schemaname = 'al' AND funcname = '_round_outputs' $$;

-- the first rounds: train version 1 and rank; a pool round calls
-- al._round_outputs once for each of the 2,005 rows with non-NULL features
-- (labeled or not: the round drops the labeled ones), its twin never (the
-- counts add up over the transaction)
BEGIN;
SET LOCAL track_functions = 'all';
SELECT al.retrain('si_oe'), al.run_learner('si_oe') AS si_oe, pg_temp.outputs_calls() AS calls;
SELECT al.retrain('sc_oe'), al.run_learner('sc_oe') AS sc_oe, pg_temp.outputs_calls() AS calls;
SELECT al.retrain('si_rm'), al.run_learner('si_rm') AS si_rm, pg_temp.outputs_calls() AS calls;
COMMIT;
SELECT l, al.retrain(l), al.run_learner(l)
FROM pg_temp.twins('si_ob', 'si_ol', 'si_or', 'si_rs') l UNION ALL SELECT 'sc_rm', al.retrain('sc_rm'), al.run_learner('sc_rm');
-- 1,920 unlabeled rows with usable features, all hot (fewer than 10,000)
SELECT l, (pg_temp.summary(l)).* FROM unnest(ARRAY['si_oe', 'si_ob', 'si_ol', 'si_or', 'si_rs', 'si_rm']) l;
-- (LCI scores take a few values: |#labels predicted - the mean label-set size|)
SELECT l, pg_temp.differ(l, 'sc_' || substr(l, 4)) AS differ,
	(SELECT count(DISTINCT score) FROM pg_temp.ranking(l)) > 1000 AS distinct_scores
FROM unnest(ARRAY['si_oe', 'si_ob', 'si_ol', 'si_or', 'si_rs', 'si_rm']) l;
-- the skipped rows are in no ranking; labeled rows are not either
SELECT count(*) AS skipped_or_labeled FROM pg_temp.ranking('si_rm') WHERE item_id::bigint > 2000 OR item_id::bigint <= 80;
-- the same batches (leases) from both
SELECT l, pg_temp.batch(l, 10) = pg_temp.batch('sc_' || substr(l, 4), 10) AS same_batch
FROM unnest(ARRAY['si_oe', 'si_ob', 'si_ol', 'si_rs', 'si_rm']) l;

-- one row by hand: al._round_outputs of the exported version gives the
-- row's outputs, then ||(x, 1)||
SELECT al.model_export('learner/si_ob') AS mo, al.model_export('learner/si_rm') AS mr,
	al.model_export('learner/si_oe') AS me \gset
SELECT array_length(o, 1) AS classes_and_norm, o[1:3]::text = s.outputs::text AS outputs,
	abs(o[4] - sqrt(1 + (SELECT sum(v::float8 * v::float8) FROM unnest(p.x) v))) < 1e-12 AS norm_by_hand,
	(SELECT max(abs(o[c] - q)) FROM unnest(al.predict_label_probs(:'mo'::bytea, p.x)) WITH ORDINALITY u(q, c)) < 1e-6 AS label_probs,
	abs(s.score - (1 - 2 * (SELECT min(abs(v - 0.5)) FROM unnest(o[1:3]) v))) < 1e-12 AS binary_minimum_by_hand,
	al._round_outputs(:'mo', p.x::float8[])::text = o::text AS float8_features
FROM sf_pool p, LATERAL al._round_outputs(:'mo', p.x) o, al.scores s JOIN al.learners l ON l.id = s.learner_id
WHERE l.name = 'si_ob' AND p.id = 700 AND s.item_id = '700';
-- ridge: the members' predictions in double precision (al.predict_committee_values
-- shows them as real), and emcm = ||(x, 1)|| * mean |f_k - mean|
SELECT array_length(o, 1) AS members_and_norm, o[1:4]::text = s.outputs::text AS outputs,
	o[1:4]::real[]::text = al.predict_committee_values(:'mr'::bytea, p.x)::text AS committee_values,
	abs(s.score - o[5] * (SELECT avg(abs(v - (SELECT avg(w) FROM unnest(o[1:4]) w))) FROM unnest(o[1:4]) v)) < 1e-9 AS emcm_by_hand,
	s.predicted::float8 = (o[1] + o[2] + o[3] + o[4]) / 4 AS predicted_is_mean
FROM sf_pool p, LATERAL al._round_outputs(:'mr', p.x) o, al.scores s JOIN al.learners l ON l.id = s.learner_id
WHERE l.name = 'si_rm' AND p.id = 700 AND s.item_id = '700';
-- features a round skips: NULL
SELECT al._round_outputs(:'mr', '{1,2,3}'::real[]) IS NULL AS other_length,
	al._round_outputs(:'mr', '{1,2,3,NULL,5,6}'::real[]) IS NULL AS null_element,
	al._round_outputs(:'mo', '{1,2,3,NaN,5,6}'::float8[]) IS NULL AS nan,
	al._round_outputs(:'mo', '{1,2,3,1e300,5,6}'::float8[]) IS NULL AS beyond_real,
	al._round_outputs(:'mr', '{{1,2,3},{4,5,6}}'::real[]) IS NULL AS two_dimensions,
	al._round_outputs(:'mr', NULL::real[]) IS NULL AS null_features,
	al._round_outputs(NULL, '{1,2,3,4,5,6}'::real[]) IS NULL AS null_model;

-- between rounds: labels (rows leave), new rows and deleted rows (the pool
-- count changes, so the next round ranks again); no retrain
SELECT count(al.label(l, id, pg_temp.set_of(x))) AS labeled
FROM sf_pool, pg_temp.twins('si_ol', 'si_ob') l WHERE id BETWEEN 81 AND 85;
SELECT count(al.label(l, id, pg_temp.value_of(x, id))) AS labeled
FROM sf_pool, pg_temp.twins('si_rm') l WHERE id BETWEEN 81 AND 85;
INSERT INTO sf_pool SELECT i, ARRAY[1, 2, 3, 4, 5, i % 5]::real[] FROM generate_series(2006, 2012) i;
DELETE FROM sf_pool WHERE id IN (100, 200, 300);
SELECT count(al.run_learner(l)) FROM pg_temp.twins('si_ol', 'si_ob', 'si_rm') l;
SELECT l, (pg_temp.summary(l)).*, pg_temp.differ(l, 'sc_' || substr(l, 4)) AS differ
FROM unnest(ARRAY['si_ol', 'si_ob', 'si_rm']) l;
SELECT count(*) FILTER (WHERE item_id IN ('81', '85', '100', '300')) AS gone,
	count(*) FILTER (WHERE item_id::bigint BETWEEN 2006 AND 2012) AS new_rows
FROM pg_temp.ranking('si_rm');
-- a retrain (version 2), and the same rankings and batches again
SELECT count(al.retrain(l) || al.run_learner(l)) FROM pg_temp.twins('si_ol', 'si_ob', 'si_rm') l;
SELECT l, (pg_temp.summary(l)).*, pg_temp.differ(l, 'sc_' || substr(l, 4)) AS differ,
	pg_temp.batch(l, 10) = pg_temp.batch('sc_' || substr(l, 4), 10) AS same_batch
FROM unnest(ARRAY['si_ol', 'si_ob', 'si_rm']) l;
-- the learning curves agree (the mean uncertainty is summed in the same order)
SELECT a.learner, a.model_version, a.mean_uncertainty = b.mean_uncertainty AS same_uncertainty,
	a.labels_used = b.labels_used AS same_labels
FROM al.learning_curve a JOIN al.learning_curve b ON b.model_version = a.model_version AND b.learner = 'sc_' || substr(a.learner, 4)
WHERE a.learner IN ('si_ol', 'si_rm') ORDER BY 1, 2;

-- pinned versions (family_rank_served): version 1 ranks, with version 1's
-- label cardinality (LCI); then rollback and unpin
SELECT count(al.pin_version(l, 1)) AS pinned FROM pg_temp.twins('si_ol', 'si_rm') l;
SELECT l, (pg_temp.summary(l)).*, pg_temp.differ(l, 'sc_' || substr(l, 4)) AS differ
FROM unnest(ARRAY['si_ol', 'si_rm']) l;
SELECT count(*) AS ranked, max(abs(s.score - abs((SELECT count(*) FROM unnest(s.outputs) p WHERE p >= 0.5) - c.label_cardinality))) < 1e-12 AS is_lci
FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = 'si_ol'
JOIN al.curve_store c ON c.learner_id = r.id AND c.model_version = 1;
SELECT count(al.unpin(l)) AS unpinned FROM pg_temp.twins('si_ol', 'si_rm') l;
SELECT l, (pg_temp.summary(l)).*, pg_temp.differ(l, 'sc_' || substr(l, 4)) AS differ
FROM unnest(ARRAY['si_ol', 'si_rm']) l;
SELECT count(al.rollback(l)) AS rolled_back FROM pg_temp.twins('si_ol', 'si_rm') l;
SELECT l, (pg_temp.summary(l)).*, pg_temp.differ(l, 'sc_' || substr(l, 4)) AS differ
FROM unnest(ARRAY['si_ol', 'si_rm']) l;
SELECT count(al.unpin(l)) AS unpinned FROM pg_temp.twins('si_ol', 'si_rm') l;

-- a pool of more than 10,000 rows: the hot rows are the first 10,000
INSERT INTO sf_pool SELECT i, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 6) WHERE i > 0)::real[]
FROM generate_series(2013, 11000) i;
SELECT count(al.run_learner(l)) FROM pg_temp.twins('si_rs') l;
SELECT (pg_temp.summary('si_rs')).*, pg_temp.differ('si_rs', 'sc_rs') AS differ_rs;

-- a partitioned pool: twins over sf_part
SELECT pg_temp.create_twins('si_pm', 'sf_part', ARRAY['a', 'b', 'c'], 'max_loss',
		'{"family": "ovr", "retrain_every": 100000, "seed": 9, "committee": 2}') AS pm,
	pg_temp.create_twins('si_pe', 'sf_part', '{}', 'emcm',
		'{"family": "ridge", "retrain_every": 100000, "seed": 10, "committee": 3}') AS pe;
SELECT count(al.label(l, id, pg_temp.set_of(x))) AS labeled
FROM sf_part, pg_temp.twins('si_pm') l WHERE id <= 40 OR id BETWEEN 1500 AND 1520;
SELECT count(al.label(l, id, pg_temp.value_of(x, id))) AS labeled
FROM sf_part, pg_temp.twins('si_pe') l WHERE id <= 40 OR id BETWEEN 1500 AND 1520;
SELECT count(al.retrain(l) || al.run_learner(l)) FROM pg_temp.twins('si_pm', 'si_pe') l;
SELECT l, (pg_temp.summary(l)).*, pg_temp.differ(l, 'sc_' || substr(l, 4)) AS differ
FROM unnest(ARRAY['si_pm', 'si_pe']) l;
DELETE FROM sf_part WHERE id BETWEEN 1700 AND 1709;
INSERT INTO sf_part VALUES (5000, '{0,0,0,0,0,0}');
SELECT count(al.run_learner(l)) FROM pg_temp.twins('si_pm', 'si_pe') l;
SELECT l, (pg_temp.summary(l)).*, pg_temp.differ(l, 'sc_' || substr(l, 4)) AS differ,
	pg_temp.batch(l, 10) = pg_temp.batch('sc_' || substr(l, 4), 10) AS same_batch
FROM unnest(ARRAY['si_pm', 'si_pe']) l;

-- 768 features, stored out of line: uncompressed (random values) and
-- compressed (repeating values), as real[] and as double precision[]
CREATE TABLE sf_wide (id integer, x real[]);
ALTER TABLE sf_wide ALTER COLUMN x SET STORAGE EXTERNAL;
INSERT INTO sf_wide SELECT i, ARRAY(SELECT (random() * 2 - 1 + (i % 3))::real FROM generate_series(1, 768) WHERE i > 0)
FROM generate_series(1, 150) i;
ALTER TABLE sf_wide ALTER COLUMN x SET STORAGE EXTENDED;
INSERT INTO sf_wide SELECT i, ARRAY(SELECT ((j % 4) * 0.25 + (i % 3) - 1)::real FROM generate_series(1, 768) j WHERE i > 0)
FROM generate_series(151, 300) i;
INSERT INTO sf_wide VALUES (301, array_fill(NULL::real, ARRAY[768])), (302, array_fill(1::real, ARRAY[767]));
CREATE TABLE sf_wide8 AS SELECT id, x::float8[] AS x FROM sf_wide;
SELECT count(*) FILTER (WHERE pg_column_compression(x) IS NULL AND pg_column_size(x) > 3000) AS out_of_line_plain,
	count(*) FILTER (WHERE pg_column_compression(x) IS NOT NULL) AS compressed
FROM sf_wide;
SELECT pg_temp.create_twins('si_wo', 'sf_wide', ARRAY['a', 'b'], 'mean_max_loss',
		'{"family": "ovr", "retrain_every": 100000, "seed": 11}') AS wo,
	pg_temp.create_twins('si_wr', 'sf_wide8', '{}', 'committee_std',
		'{"family": "ridge", "retrain_every": 100000, "seed": 12, "committee": 2}') AS wr;
SELECT count(al.label(l, id, (ARRAY['{a}', '{b}', '{a,b}'])[id % 3 + 1])) AS labeled
FROM sf_wide, pg_temp.twins('si_wo') l WHERE id % 25 < 2 AND id <= 300;
SELECT count(al.label(l, id, (id % 3 + x[1])::float8::text)) AS labeled
FROM sf_wide, pg_temp.twins('si_wr') l WHERE id % 25 < 2 AND id <= 300;
SELECT count(al.retrain(l) || al.run_learner(l)) FROM pg_temp.twins('si_wo', 'si_wr') l;
SELECT l, (pg_temp.summary(l)).*, pg_temp.differ(l, 'sc_' || substr(l, 4)) AS differ
FROM unnest(ARRAY['si_wo', 'si_wr']) l;

-- "auto" without Citus: the round reads the pool (no al._round_outputs call)
SELECT al.alter_learner('si_rm', NULL, '{"score_in": "auto"}');
SELECT al.run_learner('sc_rm');
BEGIN;
SET LOCAL track_functions = 'all';
SELECT pg_temp.forget_ranking('si_rm'), al.run_learner('si_rm'), pg_temp.outputs_calls() AS calls;
COMMIT;
SELECT pg_temp.differ('si_rm', 'sc_rm') AS differ_auto;

-- errors: what needs the round that reads the features is refused with "pool" (0A000);
-- rescore_sample goes with "pool", but these families do not take it (0A000)
SELECT pg_temp.try(format('SELECT al.alter_learner(%L, NULL, %L)', l, o)) AS refused
FROM (VALUES ('si_ob', '{"score_in": "pool", "batch": "kcenter"}'), ('si_rs', '{"score_in": "pool", "sample": 100}'),
	('si_rs', '{"score_in": "pool", "rescore_sample": 0.5}'), ('si_oe', '{"score_in": "pool", "explore": {"epsilon": 0.1}}')) t(l, o);
-- a family's own refusals stay
SELECT pg_temp.try($$SELECT al.create_learner('sf_bad', 'sf_pool', 'id', 'x', '{}', 'committee_std', '{"score_in": "pool", "family": "ridge"}')$$) AS no_committee,
	pg_temp.try($$SELECT al.create_learner('sf_bad', 'sf_pool', 'id', 'x', ARRAY['a'], 'margin_confidence', '{"score_in": "pool", "family": "ovr"}')$$) AS softmax_strategy;
-- al._round_outputs with a malformed value or a softmax model (42809)
CREATE TABLE sf_soft AS SELECT x, CASE WHEN x[1] > 0 THEN 'a' ELSE 'b' END AS y FROM sf_pool WHERE id <= 50;
SELECT al.train_model('sf_soft_m', 'sf_soft', 'x', 'y') > 0 AS trained;
SELECT pg_temp.try($$SELECT al._round_outputs('\x00'::bytea, '{1,2}'::real[])$$) AS short,
	pg_temp.try(format('SELECT al._round_outputs(%L::bytea || %L::bytea, %L::real[])', :'mr', '\x00', '{1,2}')) AS trailing;
SELECT pg_temp.try($$SELECT al._round_outputs(al.model_export('sf_soft_m'), '{1,2,3,4,5,6}'::real[])$$) AS softmax;
SELECT pg_temp.try(format('SELECT al._round_probs(%L::bytea, %L::real[])', :'mr', '{1,2,3,4,5,6}')) AS probs_of_ridge;

-- a regression learner owned by a plain role: its rounds read the pool as
-- the owner, whoever runs them (a superuser here)
CREATE ROLE sf_owner;
CREATE ROLE sf_annotator;
GRANT SELECT (id, x) ON sf_pool TO sf_owner;
SET ROLE sf_owner;
SELECT pg_temp.create_twins('si_own', 'sf_pool', '{}', 'emcm',
	'{"family": "ridge", "retrain_every": 100000, "seed": 8, "committee": 4, "alpha": 0.5}') AS created;
SELECT al.grant_learner(l, 'sf_annotator', 'annotate') FROM pg_temp.twins('si_own') l;
RESET ROLE;
SET ROLE sf_annotator;
SELECT count(al.label(l, i::bigint, (i % 5)::text)) AS labeled FROM generate_series(1, 60) i, pg_temp.twins('si_own') l;
RESET ROLE;
SET ROLE sf_owner;
SELECT l, al.retrain(l), al.run_learner(l) FROM pg_temp.twins('si_own') l;
SELECT (pg_temp.summary('si_own')).*, pg_temp.differ('si_own', 'sc_own') AS differ;
RESET ROLE;
SET ROLE sf_annotator;
SELECT count(*) AS batch FROM al.next_batch('si_own', 5);
RESET ROLE;
-- the owner loses the right to read the features: a superuser's round fails
REVOKE SELECT (x) ON sf_pool FROM sf_owner;
SELECT pg_temp.try($$SELECT al.retrain('si_own') || al.run_learner('si_own')$$) AS without_right;
GRANT SELECT (x) ON sf_pool TO sf_owner;
SELECT al.retrain('si_own'), al.run_learner('si_own');
SELECT (pg_temp.summary('si_own')).rows;

SELECT count(al.drop_learner(name)) AS dropped FROM al.learners
WHERE name IN (SELECT pg_temp.twins('si_oe', 'si_ob', 'si_ol', 'si_or', 'si_rs', 'si_rm', 'si_pm', 'si_pe', 'si_wo', 'si_wr'))
	OR name IN ('si_own', 'sc_own');
SELECT al.drop_model('sf_soft_m');
DROP TABLE sf_pool, sf_part, sf_wide, sf_wide8, sf_soft;
DROP ROLE sf_owner;
DROP ROLE sf_annotator;
