-- A learner's model depends only on its labels, the features, the options
-- and the seed, not on the physical order of the pool's rows (doc/loop.md,
-- "Training order"): twin learners over two pools holding the same rows,
-- inserted in opposite orders (and one pool rewritten by UPDATE and VACUUM
-- FULL between rounds), train bit-identical models and rank identically.
-- Families: softmax (bagged committee of 3), ovr and ridge committees, each
-- with an evaluation sample (whose bootstrap intervals take rows by
-- position too).  al.train_model reads a table in its scan order (README):
-- a view with ORDER BY makes its model a function of the data.
SET extra_float_digits = 3;
-- 120 rows: 3 features, a class, a label set and a number from noisy rules
CREATE TABLE to_src AS
SELECT i AS id, x,
	CASE WHEN x[1] + 0.5 * sin(i * 5.3) > 0.3 THEN 'a' WHEN x[2] > 0 THEN 'b' ELSE 'c' END AS cls,
	ARRAY(SELECT t FROM (VALUES ('a', x[1] + 0.4 * sin(i * 5.3) > 0), ('b', x[2] - x[3] > 0.2)) v(t, on_) WHERE on_) AS tags,
	(3 + 2 * x[1] - x[2] + 0.5 * x[3] + 0.2 * sin(i * 7.7))::float8 AS y
FROM generate_series(1, 120) i,
	LATERAL (SELECT ARRAY[sin(i * 1.3), cos(i * 0.7), (i % 7) / 4.0]::real[] AS x) f;
CREATE TABLE to_fwd (id bigint PRIMARY KEY, x real[], cls text);
CREATE TABLE to_rev (id bigint PRIMARY KEY, x real[], cls text);
INSERT INTO to_fwd SELECT id, x, cls FROM to_src ORDER BY id;
INSERT INTO to_rev SELECT id, x, cls FROM to_src ORDER BY id DESC;
-- the physical orders differ (a sequential scan returns them so)
SELECT (SELECT array_agg(id) FROM (SELECT id FROM to_fwd LIMIT 3) s) AS fwd_first,
	(SELECT array_agg(id) FROM (SELECT id FROM to_rev LIMIT 3) s) AS rev_first;

SELECT count(*) AS created FROM (VALUES
	(al.create_learner('to_sm_fwd', 'to_fwd', 'id', 'x', '{a,b,c}', 'vote_entropy',
		'{"committee": 3, "seed": 7, "retrain_every": 1, "eval_size": 30}')),
	(al.create_learner('to_sm_rev', 'to_rev', 'id', 'x', '{a,b,c}', 'vote_entropy',
		'{"committee": 3, "seed": 7, "retrain_every": 1, "eval_size": 30}')),
	(al.create_learner('to_ovr_fwd', 'to_fwd', 'id', 'x', '{a,b}', 'entropy',
		'{"family": "ovr", "committee": 3, "seed": 7, "retrain_every": 1, "eval_size": 30}')),
	(al.create_learner('to_ovr_rev', 'to_rev', 'id', 'x', '{a,b}', 'entropy',
		'{"family": "ovr", "committee": 3, "seed": 7, "retrain_every": 1, "eval_size": 30}')),
	(al.create_learner('to_rg_fwd', 'to_fwd', 'id', 'x', '{}', 'committee_std',
		'{"family": "ridge", "committee": 3, "seed": 7, "retrain_every": 1, "eval_size": 30}')),
	(al.create_learner('to_rg_rev', 'to_rev', 'id', 'x', '{}', 'committee_std',
		'{"family": "ridge", "committee": 3, "seed": 7, "retrain_every": 1, "eval_size": 30}'))) v(id);

-- label the same items, in the same order, for each twin
CREATE FUNCTION pg_temp.label_twins(lo int, hi int) RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM (
		SELECT al.label('to_sm_' || t, id, cls), al.label('to_ovr_' || t, id, tags::text),
			al.label('to_rg_' || t, id, y::text)
		FROM to_src, (VALUES ('fwd'), ('rev')) v(t) WHERE id % 3 = 0 AND id BETWEEN lo AND hi ORDER BY id, t) s $$;
-- a learner's ranking as text, best first
CREATE FUNCTION pg_temp.twin_ranking(learner text) RETURNS SETOF text LANGUAGE sql AS $$
	SELECT (s.item_id, s.score, s.predicted, s.outputs)::text
	FROM al.scores s JOIN al.learners r ON r.id = s.learner_id AND r.name = learner
	ORDER BY s.score DESC, s.item_id $$;
-- a learner's curve as text (without its name, times and model ids, and
-- without mean_uncertainty: a mean over the pool's unlabeled rows, summed in
-- the order the pool is scanned, may differ in its last bits)
CREATE FUNCTION pg_temp.twin_curve(learner text) RETURNS SETOF text LANGUAGE sql AS $$
	SELECT (c.model_version, c.labels_used, c.eval_labeled, c.eval_accuracy, c.eval_accuracy_low,
		c.eval_accuracy_high, c.eval_macro_f1, c.eval_macro_f1_low, c.eval_macro_f1_high,
		c.eval_log_loss, c.eval_log_loss_low, c.eval_log_loss_high, c.selected_holdout_accuracy,
		c.selected_holdout_log_loss, c.kappa_previous, c.labels_unusable,
		c.stop_set_uncertainty, c.measured_on, c.measured_items, c.micro_f1, c.macro_f1,
		c.hamming_loss, c.subset_accuracy, c.rmse, c.mae, c.r2)::text
	FROM al.learning_curve c WHERE c.learner = twin_curve.learner $$;
-- the twins' latest models and rankings, compared as text
CREATE FUNCTION pg_temp.compare_twins() RETURNS TABLE (family text, version int, members bigint,
	coefficients_equal boolean, ranking_rows bigint, rankings_equal boolean, eval_measured int,
	curves_equal boolean) LANGUAGE sql AS $$
	SELECT f, (SELECT model_version FROM al.learners WHERE name = 'to_' || f || '_fwd'),
		(SELECT count(DISTINCT member) FROM al.model_coefficients('learner/to_' || f || '_fwd')),
		(SELECT array_agg((member, class, intercept, coef)::text ORDER BY member, class)
		 FROM al.model_coefficients('learner/to_' || f || '_fwd'))
		IS NOT DISTINCT FROM
		(SELECT array_agg((member, class, intercept, coef)::text ORDER BY member, class)
		 FROM al.model_coefficients('learner/to_' || f || '_rev')),
		(SELECT count(*) FROM pg_temp.twin_ranking('to_' || f || '_fwd')),
		(SELECT array_agg(r) FROM pg_temp.twin_ranking('to_' || f || '_fwd') r)
		IS NOT DISTINCT FROM
		(SELECT array_agg(r) FROM pg_temp.twin_ranking('to_' || f || '_rev') r),
		(SELECT coalesce(eval_labeled, measured_items) FROM al.learning_curve
		 WHERE learner = 'to_' || f || '_fwd' ORDER BY model_version DESC LIMIT 1),
		(SELECT array_agg(c ORDER BY c) FROM pg_temp.twin_curve('to_' || f || '_fwd') c)
		IS NOT DISTINCT FROM
		(SELECT array_agg(c ORDER BY c) FROM pg_temp.twin_curve('to_' || f || '_rev') c)
	FROM (VALUES ('sm'), ('ovr'), ('rg')) v(f) $$;
-- the twins' mean_uncertainty of their latest version: equal to 12 significant digits
CREATE FUNCTION pg_temp.twin_means() RETURNS TABLE (learner text, close boolean) LANGUAGE sql AS $$
	SELECT f.learner, round(f.mean_uncertainty::numeric, 12) = round(r.mean_uncertainty::numeric, 12)
	FROM al.learning_curve f JOIN al.learning_curve r ON r.learner = replace(f.learner, '_fwd', '_rev')
		AND r.model_version = f.model_version
	WHERE f.learner LIKE 'to\_%\_fwd'
		AND f.model_version = (SELECT max(model_version) FROM al.learning_curve WHERE learner = f.learner)
	ORDER BY 1 $$;

SELECT pg_temp.label_twins(1, 60) AS labeled;
SELECT count(al.run_learner(name)) AS rounds FROM al.learners WHERE name LIKE 'to\_%' ;
SELECT * FROM pg_temp.compare_twins();
SELECT * FROM pg_temp.twin_means();

-- rewrite one pool (every row moves: UPDATE, then VACUUM FULL) and label more
UPDATE to_rev SET x = x WHERE id % 2 = 0;
VACUUM FULL to_rev;
SELECT (SELECT array_agg(id) FROM (SELECT id FROM to_rev LIMIT 3) s) AS rev_first_now;
SELECT pg_temp.label_twins(61, 120) AS labeled;
SELECT count(al.run_learner(name)) AS rounds FROM al.learners WHERE name LIKE 'to\_%';
SELECT * FROM pg_temp.compare_twins();
SELECT * FROM pg_temp.twin_means();

-- al.train_model reads its table in scan order: a committee trained from
-- the two tables differs (another bootstrap); from views that order the
-- rows by id, it is the same
SELECT count(*) AS trained FROM (VALUES
	(al.train_model('to_tm_fwd', 'to_fwd', 'x', 'cls', '{"members": 3, "seed": 7}')),
	(al.train_model('to_tm_rev', 'to_rev', 'x', 'cls', '{"members": 3, "seed": 7}'))) v(id);
CREATE VIEW to_fwd_ordered AS SELECT * FROM to_fwd ORDER BY id;
CREATE VIEW to_rev_ordered AS SELECT * FROM to_rev ORDER BY id;
SELECT count(*) AS trained FROM (VALUES
	(al.train_model('to_tmv_fwd', 'to_fwd_ordered', 'x', 'cls', '{"members": 3, "seed": 7}')),
	(al.train_model('to_tmv_rev', 'to_rev_ordered', 'x', 'cls', '{"members": 3, "seed": 7}'))) v(id);
SELECT m, (SELECT array_agg((member, class, intercept, coef)::text ORDER BY member, class)
	       FROM al.model_coefficients('to_' || m || '_fwd'))
	IS NOT DISTINCT FROM
	(SELECT array_agg((member, class, intercept, coef)::text ORDER BY member, class)
	 FROM al.model_coefficients('to_' || m || '_rev')) AS coefficients_equal
FROM (VALUES ('tm'), ('tmv')) v(m);
SELECT al.drop_model(m) FROM (VALUES ('to_tm_fwd'), ('to_tm_rev'), ('to_tmv_fwd'), ('to_tmv_rev')) v(m);
DROP VIEW to_fwd_ordered, to_rev_ordered;

SELECT count(al.drop_learner(name)) AS dropped FROM al.learners WHERE name LIKE 'to\_%';
DROP TABLE to_src, to_fwd, to_rev;
