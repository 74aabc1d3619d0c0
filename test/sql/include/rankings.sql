-- Rankings of twin learners compared bit for bit (score_in, score_in_families).
-- Load with \getenv abs_srcdir PG_ABS_SRCDIR, then
-- \set rankings :abs_srcdir '/sql/include/rankings.sql' and \i :rankings
-- the ranking of a learner, bit for bit (probs: softmax; outputs: ovr and ridge)
CREATE FUNCTION pg_temp.ranking(learner text)
RETURNS TABLE (item_id text, score bytea, predicted text, probs text, outputs text, hot boolean, rank integer,
	model_version integer)
LANGUAGE sql AS $$
	SELECT s.item_id, float8send(s.score), s.predicted, s.probs::text, s.outputs::text, s.hot, s.rank, s.model_version
	FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = learner $$;
-- rows of the rankings of two learners that the other has not (both ways)
CREATE FUNCTION pg_temp.differ(a text, b text) RETURNS bigint LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM (SELECT * FROM pg_temp.ranking(a) EXCEPT ALL SELECT * FROM pg_temp.ranking(b)) d)
	+ (SELECT count(*) FROM (SELECT * FROM pg_temp.ranking(b) EXCEPT ALL SELECT * FROM pg_temp.ranking(a)) d) $$;
-- what a learner's ranking holds
CREATE FUNCTION pg_temp.summary(learner text, OUT rows bigint, OUT hot bigint, OUT ranked bigint, OUT version integer)
LANGUAGE sql AS $$
	SELECT count(*), count(*) FILTER (WHERE hot), count(rank), max(model_version) FROM pg_temp.ranking(learner) $$;
-- make a learner's next round rescore
CREATE FUNCTION pg_temp.forget_ranking(learner text) RETURNS void LANGUAGE sql AS $$
	DELETE FROM al.ranking_state WHERE learner_id = (SELECT id FROM al.learners WHERE name = learner) $$;
-- the items of a batch, in order
CREATE FUNCTION pg_temp.batch(learner text, n integer) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(item_id, ',' ORDER BY o) FROM al.next_batch(learner, n) WITH ORDINALITY b(item_id, o) $$;
