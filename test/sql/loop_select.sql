-- The selection of a learner's round (issue 9, doc/selection.md): options
-- batch, candidates, sample, class_cap, density, explore and the strategy
-- expected_error_reduction, the ranks they write into al.scores, and
-- al.next_batch handing out the lowest unheld ranks first.  Each order is
-- checked against the SQL aggregate over the same candidates, and against
-- an independent plain-SQL computation or a hand-derived answer.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- euclidean distance in double precision (plain SQL, independent of the kernels)
CREATE FUNCTION pg_temp.dist(a real[], b real[]) RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
	SELECT sqrt(sum((a[i] - b[i])::float8 ^ 2)) FROM generate_subscripts(a, 1) i $$;

-- a learner's ranked ids, rank 1 first
CREATE FUNCTION pg_temp.ranks(learner text) RETURNS bigint[] LANGUAGE sql AS $$
	SELECT array_agg(s.item_id::bigint ORDER BY s.rank) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
	WHERE l.name = learner AND s.rank IS NOT NULL $$;

-- the next batch of k items, in the order al.next_batch hands them out
CREATE FUNCTION pg_temp.batch(learner text, k integer, annotator text DEFAULT current_user) RETURNS bigint[]
LANGUAGE sql AS $$
	SELECT array_agg(b.item_id::bigint ORDER BY b.o)
	FROM al.next_batch(learner, k, annotator) WITH ORDINALITY b(item_id, score, predicted, probs, o) $$;

-- a 2-D pool of 40 points in 3 clusters, deterministic; class = i % 3
CREATE TABLE sel_pool AS
SELECT i::bigint AS id,
       ARRAY[(i % 3) * 3 + sin(i * 12.9898) * 1.6, -(i % 3) * 2 + cos(i * 78.233) * 1.6]::real[] AS x,
       (ARRAY['a', 'b', 'c'])[i % 3 + 1] AS truth
FROM generate_series(1, 40) i ORDER BY i;
-- the labeled items of every learner below: two per class
CREATE TABLE sel_labeled AS SELECT id FROM sel_pool WHERE id IN (1, 2, 3, 4, 5, 6);
-- the candidates (unlabeled rows) and the labeled rows of a learner, for the aggregates
CREATE FUNCTION pg_temp.cands(learner text)
RETURNS TABLE (id bigint, x double precision[], score double precision, probs al.probvec, rank integer)
LANGUAGE sql AS $$
	SELECT p.id, p.x::float8[], s.score, s.probs, s.rank
	FROM al.scores s JOIN al.learners l ON l.id = s.learner_id JOIN sel_pool p ON p.id::text = s.item_id
	WHERE l.name = learner $$;

-- 1. batch kcenter ----------------------------------------------------------
SELECT al.create_learner('sel', 'sel_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"batch": "kcenter", "retrain_every": 1, "seed": 7}') > 0 AS created;
SELECT options->>'batch' AS batch, options->>'candidates' AS candidates, options ? 'class_cap' AS has_class_cap
FROM al.learners WHERE name = 'sel';
SELECT count(*) AS labeled FROM (SELECT al.label('sel', p.id, p.truth) FROM sel_pool p JOIN sel_labeled USING (id)) s;
SELECT al.run_learner('sel') AS round;
-- every unlabeled row is a candidate (M 10,000 > 34): ranks 1..34
SELECT count(*) AS scored, count(rank) AS ranked, min(rank) AS first, max(rank) AS last,
       count(DISTINCT rank) AS distinct_ranks
FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'sel';
-- the order is al.kcenter's over the same candidates and labeled rows
SELECT pg_temp.ranks('sel') = (
	SELECT al.kcenter(id, x, 34, labeled) FROM (
		SELECT id, x, false AS labeled FROM pg_temp.cands('sel')
		UNION ALL SELECT p.id, p.x::float8[], true FROM sel_pool p JOIN sel_labeled USING (id)) r
) AS same_as_al_kcenter;
-- and the greedy farthest-first computed in plain SQL (double precision)
WITH RECURSIVE cand AS (SELECT id, x::real[] AS x FROM pg_temp.cands('sel')),
lab AS (SELECT p.x FROM sel_pool p JOIN sel_labeled USING (id)),
pick(n, id, picked) AS (
	SELECT 1, f.id, ARRAY[f.id] FROM (
		SELECT c.id FROM cand c ORDER BY (SELECT min(pg_temp.dist(c.x, l.x)) FROM lab l) DESC, c.id LIMIT 1) f
	UNION ALL
	SELECT n + 1, nx.id, picked || nx.id FROM pick, LATERAL (
		SELECT c.id FROM cand c WHERE c.id <> ALL (picked)
		ORDER BY least((SELECT min(pg_temp.dist(c.x, l.x)) FROM lab l),
		               (SELECT min(pg_temp.dist(c.x, q.x)) FROM cand q WHERE q.id = ANY (picked))) DESC, c.id
		LIMIT 1) nx
	WHERE n < 34)
SELECT pg_temp.ranks('sel') = (SELECT array_agg(id ORDER BY n) FROM pick) AS same_as_plain_sql;
-- next_batch hands out ranks 1..5, then a second annotator gets 6..10 of the same greedy order
SELECT pg_temp.batch('sel', 5, 'ann1') = (pg_temp.ranks('sel'))[1:5] AS ann1_first_five,
       pg_temp.batch('sel', 5, 'ann2') = (pg_temp.ranks('sel'))[6:10] AS ann2_next_five;
-- an item labeled since the round is skipped: ann1 gets the next unheld ranks
SELECT al.label('sel', (pg_temp.ranks('sel'))[11], 'a');
SELECT pg_temp.batch('sel', 3, 'ann1') = (pg_temp.ranks('sel'))[12:14] AS skips_labeled;
-- k larger than what is left: all that is left (as without a selector), no error
SELECT cardinality(pg_temp.batch('sel', 1000, 'ann3')) AS rest,
       (SELECT count(*) FROM pg_temp.cands('sel')) - 14 AS expected_rest;
DELETE FROM al.leases;

-- 2. a k-center worked out on paper ----------------------------------------
-- points on a line: labeled 0 and 10; unlabeled 1, 5, 9, 20.  Farthest
-- from {0, 10}: 20 (distance 10); then from {0, 10, 20}: 5 (distance 5);
-- then 1 and 9 tie at distance 1: the lower id, 3 (x = 1), then 5 (x = 9).
CREATE TABLE line_pool (id bigint, x real[]);
INSERT INTO line_pool VALUES (1, '{0,0}'), (2, '{10,0}'), (3, '{1,0}'), (4, '{5,0}'), (5, '{9,0}'), (6, '{20,0}');
SELECT al.create_learner('line', 'line_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
                         '{"batch": "kcenter", "retrain_every": 1}') > 0 AS created;
SELECT al.label('line', 1, 'a'), al.label('line', 2, 'b');
SELECT al.run_learner('line') AS round;
SELECT pg_temp.ranks('line') AS kcenter_on_paper, pg_temp.batch('line', 4) AS handed_out;

-- 3. batch ranked (ranked batch) -------------------------------------------
SELECT al.alter_learner('sel', NULL, '{"batch": "ranked"}');
-- (retrains: the label above waits)
SELECT al.run_learner('sel') AS round;
SELECT pg_temp.ranks('sel') = (
	SELECT al.ranked_batch(id, x, score, 33, labeled) FROM (
		SELECT id, x, score, false AS labeled FROM pg_temp.cands('sel')
		UNION ALL SELECT p.id, p.x::float8[], NULL, true
		FROM sel_pool p WHERE p.id::text IN (SELECT item_id FROM al.labels)) r
) AS same_as_al_ranked_batch;
-- plain SQL: each pick maximizes alpha (1 - 1 / (1 + d)) + (1 - alpha) score,
-- d the distance to the nearest labeled-or-picked row, alpha = (|U| - t) / (|U| + |L|)
WITH RECURSIVE cand AS (SELECT id, x::real[] AS x, score FROM pg_temp.cands('sel')),
lab AS (SELECT p.x FROM sel_pool p WHERE p.id::text IN (SELECT item_id FROM al.labels)),
u AS (SELECT count(*)::float8 AS n FROM cand), l AS (SELECT count(*)::float8 AS n FROM lab),
pick(t, id, picked) AS (
	SELECT 1, f.id, ARRAY[f.id] FROM (
		SELECT c.id FROM cand c, u, l
		ORDER BY u.n / (u.n + l.n) * (1 - 1 / (1 + (SELECT min(pg_temp.dist(c.x, b.x)) FROM lab b)))
		         + l.n / (u.n + l.n) * c.score DESC, c.id LIMIT 1) f
	UNION ALL
	SELECT t + 1, nx.id, picked || nx.id FROM pick, u, l, LATERAL (
		SELECT c.id FROM cand c WHERE c.id <> ALL (picked)
		ORDER BY (u.n - t) / (u.n + l.n) * (1 - 1 / (1 + least(
		             (SELECT min(pg_temp.dist(c.x, b.x)) FROM lab b),
		             (SELECT min(pg_temp.dist(c.x, q.x)) FROM cand q WHERE q.id = ANY (picked)))))
		         + (1 - (u.n - t) / (u.n + l.n)) * c.score DESC, c.id
		LIMIT 1) nx
	WHERE t < 33)
SELECT pg_temp.ranks('sel') = (SELECT array_agg(id ORDER BY t) FROM pick) AS same_as_plain_sql;

-- 4. batch badge ------------------------------------------------------------
SELECT al.alter_learner('sel', NULL, '{"batch": "badge"}');
-- a new selection ranks the pool again, without a retrain
SELECT al.run_learner('sel') AS round;
SELECT pg_temp.ranks('sel') = (SELECT al.badge(id, x, probs, 33, 7) FROM pg_temp.cands('sel')) AS same_as_al_badge;
-- the first pick is the largest gradient embedding, |p - e_argmax|^2 (|x|^2 + 1), in plain SQL
SELECT (pg_temp.ranks('sel'))[1] = (
	SELECT id FROM (
		SELECT id, (SELECT sum((p[j] - CASE WHEN j = al.argmax(probs) THEN 1 ELSE 0 END)::float8 ^ 2)
		            FROM generate_subscripts(p, 1) j) * (1 + (SELECT sum(v ^ 2) FROM unnest(x) v)) AS g
		FROM (SELECT id, x, probs, probs::float8[] AS p FROM pg_temp.cands('sel')) c) e
	ORDER BY g DESC, id LIMIT 1) AS first_is_largest_embedding;
-- another seed, another order (same first pick: it is not random)
SELECT al.alter_learner('sel', NULL, '{"seed": 8}');
SELECT al.run_learner('sel') AS round;
SELECT pg_temp.ranks('sel') = (SELECT al.badge(id, x, probs, 33, 8) FROM pg_temp.cands('sel')) AS seed_8_as_al_badge,
       pg_temp.ranks('sel') <> (SELECT al.badge(id, x, probs, 33, 7) FROM pg_temp.cands('sel')) AS differs_from_seed_7;

-- 5. batch balanced ---------------------------------------------------------
SELECT al.alter_learner('sel', NULL, '{"batch": "balanced", "class_cap": 0.4}');
SELECT options->>'class_cap' AS class_cap FROM al.learners WHERE name = 'sel';
SELECT al.run_learner('sel') AS round;
SELECT pg_temp.ranks('sel') = (SELECT al.balanced_top_k(id, score, probs, 33, 0.4) FROM pg_temp.cands('sel'))
	AS same_as_al_balanced_top_k;
-- no class above ceil(0.4 r) in any prefix of r picks, unless only capped classes remained
WITH o AS (
	SELECT c.rank AS r, al.argmax(c.probs) AS cls FROM pg_temp.cands('sel') c),
prefix AS (
	SELECT r, cls, count(*) OVER (PARTITION BY cls ORDER BY r) AS n_cls FROM o),
over_cap AS (
	SELECT p.r FROM prefix p WHERE p.n_cls > ceil(0.4 * p.r - 1e-9)
	-- allowed only when every class still available at pick r was capped
	AND EXISTS (SELECT 1 FROM o x WHERE x.r > p.r AND x.cls <> p.cls
	            AND (SELECT count(*) FROM o y WHERE y.cls = x.cls AND y.r < p.r) < ceil(0.4 * p.r - 1e-9)))
SELECT count(*) AS prefixes_over_cap,
       (SELECT count(DISTINCT cls) FROM o) AS classes_predicted FROM over_cap;
-- so the first 10 hold at most 4 of a class
SELECT (SELECT max(n) FROM (SELECT count(*) AS n FROM (
        SELECT al.argmax(probs) AS cls FROM pg_temp.cands('sel') WHERE rank <= 10) t GROUP BY cls) m) <= 4
	AS at_most_4_of_a_class_in_10;

-- 6. candidates M below the pool --------------------------------------------
SELECT al.alter_learner('sel', NULL, '{"batch": "kcenter", "candidates": 10}');
SELECT al.run_learner('sel') AS round;
-- only the 10 best by score are ranked (al.top_k), in al.kcenter's order
SELECT count(rank) AS ranked, count(*) AS scored FROM pg_temp.cands('sel');
SELECT (SELECT array_agg(id ORDER BY id) FROM pg_temp.cands('sel') WHERE rank IS NOT NULL)
     = (SELECT array_agg(i ORDER BY i) FROM unnest((SELECT al.top_k(id, score, 10) FROM pg_temp.cands('sel'))) i)
	AS ranked_are_top_10,
       pg_temp.ranks('sel') = (
	SELECT al.kcenter(id, x, 10, labeled) FROM (
		SELECT id, x, false AS labeled FROM pg_temp.cands('sel') WHERE rank IS NOT NULL
		UNION ALL SELECT p.id, p.x::float8[], true FROM sel_pool p WHERE p.id::text IN (SELECT item_id FROM al.labels)) r
) AS same_as_al_kcenter;
-- a batch of 14: the 10 ranked in rank order, then the 4 best unranked by score
SELECT pg_temp.batch('sel', 14) = pg_temp.ranks('sel') || (
	SELECT array_agg(id ORDER BY score DESC, id::text) FROM (
		SELECT id, score FROM pg_temp.cands('sel') WHERE rank IS NULL ORDER BY score DESC, id::text LIMIT 4) t)
	AS ranked_then_by_score;
DELETE FROM al.leases;
-- "all": every unlabeled row is a candidate
SELECT al.alter_learner('sel', NULL, '{"candidates": "all"}');
SELECT options->'candidates' AS candidates FROM al.learners WHERE name = 'sel';
SELECT al.run_learner('sel') AS round;
SELECT count(rank) AS ranked, count(*) AS scored FROM pg_temp.cands('sel');

-- 7. option sample: only N rows scored, the same N every round -------------
SELECT al.alter_learner('sel', NULL, '{"batch": "topk", "candidates": 10000, "sample": 12}');
SELECT al.run_learner('sel') AS round;
-- the 12 unlabeled rows of largest seeded key (seed + 2^32), as in SQL
SELECT (SELECT array_agg(id ORDER BY id) FROM pg_temp.cands('sel'))
     = (SELECT array_agg(id ORDER BY id) FROM (
	SELECT id FROM sel_pool WHERE id::text NOT IN (SELECT item_id FROM al.labels)
	ORDER BY al.gumbel_key(0, 1, 8 + 4294967296, id) DESC LIMIT 12) s) AS sampled_by_seeded_key,
       (SELECT count(*) FROM pg_temp.cands('sel') WHERE rank IS NOT NULL) AS ranked;
CREATE TEMP TABLE sample_before AS SELECT id FROM pg_temp.cands('sel');
SELECT al.retrain('sel');
SELECT al.run_learner('sel') AS round;
SELECT (SELECT array_agg(id ORDER BY id) FROM pg_temp.cands('sel')) = (SELECT array_agg(id ORDER BY id) FROM sample_before)
	AS same_sample_next_round;
SELECT al.alter_learner('sel', NULL, '{"seed": 9}');
SELECT al.run_learner('sel') AS round;
SELECT count(*) AS scored, (SELECT array_agg(id ORDER BY id) FROM pg_temp.cands('sel'))
     <> (SELECT array_agg(id ORDER BY id) FROM sample_before) AS other_seed_other_sample FROM pg_temp.cands('sel');
-- the status counts the rows the ranking holds
SELECT unlabeled FROM al.learner_status WHERE learner = 'sel';
SELECT al.alter_learner('sel', NULL, '{"sample": null, "seed": 7}');
SELECT options ? 'sample' AS has_sample FROM al.learners WHERE name = 'sel';
SELECT al.run_learner('sel') AS round;
SELECT count(*) AS scored_without_sample FROM pg_temp.cands('sel');

-- 8. option density ---------------------------------------------------------
SELECT al.alter_learner('sel', NULL, '{"density": 1.5}');
SELECT options->>'density' AS density, options->>'density_metric' AS metric FROM al.learners WHERE name = 'sel';
SELECT al.run_learner('sel') AS round;
-- score = entropy x cosine_density^1.5, the direction being the unlabeled rows' mean
WITH dir AS (SELECT al.mean_direction(x) AS d FROM pg_temp.cands('sel'))
SELECT count(*) AS scored,
       count(*) FILTER (WHERE abs(c.score - al.information_density(al.entropy(c.probs), al.cosine_density(c.x, dir.d), 1.5)) > 1e-9) AS differ,
       count(*) FILTER (WHERE c.score < al.entropy(c.probs) - 1e-12) AS lowered
FROM pg_temp.cands('sel') c, dir;
-- next_batch follows the wrapped score
SELECT pg_temp.batch('sel', 5) = (SELECT array_agg(id ORDER BY score DESC, id::text) FROM (
	SELECT id, score FROM pg_temp.cands('sel') ORDER BY score DESC, id::text LIMIT 5) t) AS by_density_score;
DELETE FROM al.leases;
-- euclidean, on a density sample of all rows, then of 5 rows (the largest seeded keys)
SELECT al.alter_learner('sel', NULL, '{"density_metric": "euclidean", "density_sample": 1000}');
SELECT al.run_learner('sel') AS round;
WITH s AS (SELECT array_agg(x) AS rows FROM pg_temp.cands('sel'))
SELECT count(*) FILTER (WHERE abs(c.score - al.information_density(al.entropy(c.probs), al.euclidean_density(c.x, s.rows), 1.5)) > 1e-9) AS differ_all
FROM pg_temp.cands('sel') c, s;
SELECT al.alter_learner('sel', NULL, '{"density_sample": 5}');
SELECT al.run_learner('sel') AS round;
WITH s AS (SELECT array_agg(x) AS rows FROM (
	SELECT x FROM pg_temp.cands('sel') ORDER BY al.gumbel_key(0, 1, 7 + 4294967296, id) DESC LIMIT 5) t)
SELECT count(*) FILTER (WHERE abs(c.score - al.information_density(al.entropy(c.probs), al.euclidean_density(c.x, s.rows), 1.5)) > 1e-9) AS differ_sample_5
FROM pg_temp.cands('sel') c, s;
SELECT al.alter_learner('sel', NULL, '{"density": null}');
SELECT options ? 'density' AS has_density FROM al.learners WHERE name = 'sel';

-- 9. option explore ---------------------------------------------------------
-- epsilon 0 is top-k: ranks in score order
SELECT al.alter_learner('sel', NULL, '{"explore": {"epsilon": 0}, "candidates": 10}');
SELECT al.run_learner('sel') AS round;
SELECT pg_temp.ranks('sel') = (SELECT array_agg(id ORDER BY score DESC, id) FROM (
	SELECT id, score FROM pg_temp.cands('sel') ORDER BY score DESC, id LIMIT 10) t) AS epsilon_0_is_topk;
-- epsilon 0.5: al.epsilon_greedy over every unlabeled row, with the learner's seed
SELECT al.alter_learner('sel', NULL, '{"explore": {"epsilon": 0.5}}');
SELECT al.run_learner('sel') AS round;
SELECT pg_temp.ranks('sel') = (SELECT al.epsilon_greedy(id, score, 10, 0.5, 7) FROM pg_temp.cands('sel'))
	AS same_as_al_epsilon_greedy,
       pg_temp.ranks('sel') <> (SELECT array_agg(id ORDER BY score DESC, id) FROM (
	SELECT id, score FROM pg_temp.cands('sel') ORDER BY score DESC, id LIMIT 10) t) AS explores;
-- temperature and power: the largest Gumbel keys (al.gumbel_key, al.gumbel_power_key)
SELECT al.alter_learner('sel', NULL, '{"explore": {"temperature": 0.5}}');
SELECT al.run_learner('sel') AS round;
SELECT pg_temp.ranks('sel') = (SELECT array_agg(id ORDER BY k DESC, id) FROM (
	SELECT id, al.gumbel_key(score, 0.5, 7, id) AS k FROM pg_temp.cands('sel') ORDER BY 2 DESC, 1 LIMIT 10) t)
	AS same_as_gumbel_keys;
SELECT al.alter_learner('sel', NULL, '{"explore": {"power": 2}}');
SELECT al.run_learner('sel') AS round;
SELECT pg_temp.ranks('sel') = (SELECT array_agg(id ORDER BY k DESC, id) FROM (
	SELECT id, al.gumbel_power_key(score, 2, 7, id) AS k FROM pg_temp.cands('sel') ORDER BY 2 DESC, 1 LIMIT 10) t)
	AS same_as_gumbel_power_keys;
-- the same seed gives the same batches: a second learner with the same options and labels
SELECT al.create_learner('sel_twin', 'sel_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"explore": {"power": 2}, "candidates": 10, "retrain_every": 1, "seed": 7}') > 0 AS created;
SELECT count(*) AS labeled FROM (
	SELECT al.label('sel_twin', b.item_id, b.label) FROM al.labels b JOIN al.learners l ON l.id = b.learner_id
	WHERE l.name = 'sel') s;
SELECT al.run_learner('sel_twin') AS round;
SELECT pg_temp.ranks('sel_twin') = pg_temp.ranks('sel') AS same_seed_same_ranks,
       pg_temp.batch('sel_twin', 10) = pg_temp.batch('sel', 10) AS same_batches;
DELETE FROM al.leases;
SELECT al.alter_learner('sel_twin', NULL, '{"seed": 70}');
SELECT al.run_learner('sel_twin') AS round;
SELECT pg_temp.ranks('sel_twin') <> pg_temp.ranks('sel') AS other_seed_other_ranks;
SELECT al.alter_learner('sel', NULL, '{"explore": null, "candidates": 10000}');
SELECT al.run_learner('sel') AS round;
SELECT count(rank) AS ranked_by_plain_topk FROM pg_temp.cands('sel');

-- 10. strategy expected_error_reduction --------------------------------------
SELECT al.create_learner('sel_eer', 'sel_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'expected_error_reduction',
                         '{"eer_candidates": 8, "eer_sample": 20, "eer_steps": 10, "eer_loss": "zero_one", "seed": 2, "retrain_every": 1}') > 0 AS created;
SELECT options->>'eer_loss' AS loss, options->>'eer_candidates' AS m, options->>'eer_sample' AS s, options->>'eer_steps' AS steps
FROM al.learners WHERE name = 'sel_eer';
SELECT count(*) AS labeled FROM (SELECT al.label('sel_eer', p.id, p.truth) FROM sel_pool p JOIN sel_labeled USING (id)) s;
SELECT al.run_learner('sel_eer') AS round;
-- the learner's score is the entropy; its ranks are al.expected_error_reduction's on the same model and rows
CREATE TABLE eer_rows AS
SELECT p.id, p.x, b.label FROM sel_pool p
LEFT JOIN (SELECT b.item_id, b.label FROM al.labels b JOIN al.learners l ON l.id = b.learner_id WHERE l.name = 'sel_eer') b
	ON b.item_id = p.id::text
ORDER BY p.id;
SELECT count(*) FILTER (WHERE abs(c.score - al.entropy(c.probs)) > 1e-12) AS score_not_entropy,
       count(c.rank) AS ranked
FROM al.scores c JOIN al.learners l ON l.id = c.learner_id WHERE l.name = 'sel_eer';
SELECT (SELECT array_agg(s.item_id::bigint ORDER BY s.rank) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
        WHERE l.name = 'sel_eer' AND s.rank IS NOT NULL)
     = (SELECT array_agg(item_id::bigint ORDER BY rank) FROM al.expected_error_reduction(
	'learner/sel_eer', 'eer_rows', 'id', 'x', 'label',
	'{"candidates": 8, "sample": 20, "steps": 10, "loss": "zero_one", "seed": 2}')) AS same_as_sql_function;
-- log loss, rescored without a retrain
SELECT al.alter_learner('sel_eer', NULL, '{"eer_loss": "log"}');
SELECT al.run_learner('sel_eer') AS round;
SELECT (SELECT array_agg(s.item_id::bigint ORDER BY s.rank) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
        WHERE l.name = 'sel_eer' AND s.rank IS NOT NULL)
     = (SELECT array_agg(item_id::bigint ORDER BY rank) FROM al.expected_error_reduction(
	'learner/sel_eer', 'eer_rows', 'id', 'x', 'label',
	'{"candidates": 8, "sample": 20, "steps": 10, "loss": "log", "seed": 2}')) AS log_loss_same_as_sql_function;

-- 11. errors ----------------------------------------------------------------
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"batch": "diverse"}')$$) AS bad_batch;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"batch": 2}')$$) AS batch_not_text;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"candidates": 0}')$$) AS candidates_0;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"candidates": 1000001}')$$) AS candidates_too_many;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"candidates": "many"}')$$) AS candidates_text;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"sample": 0}')$$) AS sample_0;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"sample": 2.5}')$$) AS sample_fraction;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"sample": 100000001}')$$) AS sample_too_many;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"batch": "balanced", "class_cap": 0}')$$) AS class_cap_0;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"batch": "balanced", "class_cap": 1.5}')$$) AS class_cap_above_1;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"class_cap": 0.5}')$$) AS class_cap_without_balanced;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"density": 0}')$$) AS density_0;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"density": 101}')$$) AS density_too_high;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"density": 1, "density_metric": "manhattan"}')$$) AS bad_metric;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"density_metric": "euclidean"}')$$) AS metric_without_density;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"density": 1, "density_sample": 10}')$$) AS density_sample_with_cosine;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"density": 1, "density_metric": "euclidean", "density_sample": 0}')$$) AS density_sample_0;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"explore": {"epsilon": 1.5}}')$$) AS epsilon_above_1;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"explore": {"temperature": 0}}')$$) AS temperature_0;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"explore": {"power": -1}}')$$) AS power_negative;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"explore": {"greed": 1}}')$$) AS explore_unknown;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"explore": {"epsilon": 0.1, "power": 1}}')$$) AS explore_two_keys;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"explore": 0.1}')$$) AS explore_not_object;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"explore": {"epsilon": 0.1}, "batch": "kcenter"}')$$) AS explore_with_kcenter;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'expected_error_reduction', '{"eer_steps": 0}')$$) AS eer_steps_0;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'expected_error_reduction', '{"eer_steps": 1001}')$$) AS eer_steps_too_many;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'expected_error_reduction', '{"eer_candidates": 10001}')$$) AS eer_candidates_too_many;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'expected_error_reduction', '{"eer_sample": 0}')$$) AS eer_sample_0;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'expected_error_reduction', '{"eer_loss": "hinge"}')$$) AS eer_bad_loss;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"eer_loss": "log"}')$$) AS eer_option_without_eer;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'expected_error_reduction', '{"committee": 3}')$$) AS eer_committee;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'expected_error_reduction', '{"batch": "kcenter"}')$$) AS eer_with_batch;
SELECT pg_temp.try($$SELECT al.create_learner('e', 'sel_pool', 'id', 'x', ARRAY['a', 'b'], 'expected_error_reduction', '{"density": 1}')$$) AS eer_with_density;
SELECT pg_temp.try($$SELECT al.alter_learner('sel_eer', NULL, '{"committee": 3}')$$) AS alter_eer_to_committee;
SELECT pg_temp.try($$SELECT al.alter_learner('sel', 'expected_error_reduction', '{"batch": "badge"}')$$) AS alter_to_eer_with_badge;
SELECT pg_temp.try($$SELECT al.alter_learner('sel', NULL, '{"batch": "kcenter", "explore": {"epsilon": 0.2}}')$$) AS alter_explore_with_kcenter;
SELECT count(*) AS learner_e_never_created FROM al.learners WHERE name = 'e';
-- failed alters changed nothing
SELECT strategy, options->>'batch' AS batch, options ? 'explore' AS has_explore FROM al.learners WHERE name = 'sel';
-- from expected error reduction back to entropy: its eer_* options are dropped
SELECT al.alter_learner('sel_eer', 'entropy');
SELECT options ? 'eer_loss' AS has_eer_loss FROM al.learners WHERE name = 'sel_eer';

-- 12. bounded memory: the candidates of a round past al_ext.selection_max_memory (53400)
CREATE TABLE wide_pool AS SELECT i::bigint AS id, array_fill((i % 2)::real + i / 1000.0, ARRAY[200])::real[] AS x
FROM generate_series(1, 300) i;
SELECT al.create_learner('wide', 'wide_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
                         '{"batch": "badge", "retrain_every": 1}') > 0 AS created;
SELECT al.label('wide', 1, 'b'), al.label('wide', 2, 'a');
SET al_ext.selection_max_memory = '64kB';
SELECT pg_temp.try($$SELECT al.run_learner('wide')$$) AS over_selection_max_memory;
-- fewer candidates fit
SELECT al.alter_learner('wide', NULL, '{"candidates": 20}');
SELECT al.run_learner('wide') AS round;
RESET al_ext.selection_max_memory;
SELECT count(rank) AS ranked FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'wide';
-- The selector works on a contiguous copy of the candidates (features, then
-- probabilities), beside the heap that kept them: 50 badge candidates of
-- 200 + 2 floats hold 2 x 50 x 202 x 4 = 80,800 bytes of floats, past 64kB,
-- though the heap alone (40,400 bytes and its overhead) would fit.
SELECT al.alter_learner('wide', NULL, '{"candidates": 50}');
SET al_ext.selection_max_memory = '64kB';
SELECT pg_temp.try($$SELECT al.run_learner('wide')$$) AS copy_counted;
-- Expected error reduction copies its candidates and sample for the kernel,
-- which standardizes the sample and keeps the labeled rows: with 20
-- candidates, 30 sample rows and 2 labeled rows of 200 floats, 2 x 50 x 800
-- + (30 + 2 + 1) x 800 + 2 x 800 = 108,000 bytes of floats, past 64kB.
SELECT al.alter_learner('wide', 'expected_error_reduction', '{"batch": "topk", "eer_candidates": 20, "eer_sample": 30}');
SELECT pg_temp.try($$SELECT al.run_learner('wide')$$) AS eer_copies_counted;
RESET al_ext.selection_max_memory;
-- Long text ids count as they are kept: 40 k-center candidates with ids of
-- about 20,000 bytes hold 800,000 bytes of ids, past 256kB, though their
-- rows (2 floats each) are small; the same pool with short ids fits
CREATE TABLE longid_pool AS SELECT repeat('x', 20000) || i AS id, ARRAY[i % 2, i % 3]::real[] AS x
FROM generate_series(1, 60) i;
CREATE TABLE shortid_pool AS SELECT 'x' || i AS id, ARRAY[i % 2, i % 3]::real[] AS x FROM generate_series(1, 60) i;
SELECT al.create_learner(n, p, 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"batch": "kcenter", "candidates": 40, "retrain_every": 1}') > 0
FROM (VALUES ('longids', 'longid_pool'), ('shortids', 'shortid_pool')) v(n, p);
SELECT al.label('longids', repeat('x', 20000) || '1', 'b'), al.label('longids', repeat('x', 20000) || '2', 'a'),
       al.label('shortids', 'x1', 'b'), al.label('shortids', 'x2', 'a');
SET al_ext.selection_max_memory = '256kB';
CREATE FUNCTION pg_temp.try_detail(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
	detail text;
BEGIN
	EXECUTE sql INTO r;
	RETURN 'ok: ' || coalesce(r, 'NULL');
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || E'\nDETAIL: ' || detail;
END $$;
SELECT pg_temp.try_detail($$SELECT al.run_learner('longids')$$) AS long_ids_counted;
SELECT pg_temp.try_detail($$SELECT al.run_learner('shortids')$$) AS short_ids_fit;
RESET al_ext.selection_max_memory;
SELECT al.drop_learner('longids'), al.drop_learner('shortids');
DROP TABLE longid_pool, shortid_pool;

-- 13. text and uuid ids ------------------------------------------------------
-- text ids: k-center orders the same points as al.kcenter over their numbers
CREATE TABLE text_pool AS SELECT 'doc-' || id AS id, x FROM sel_pool;
SELECT al.create_learner('texts', 'text_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"batch": "kcenter", "retrain_every": 1}') > 0 AS created;
SELECT count(*) AS labeled FROM (SELECT al.label('texts', 'doc-' || p.id, p.truth) FROM sel_pool p JOIN sel_labeled USING (id)) s;
SELECT al.run_learner('texts') AS round;
SELECT (SELECT array_agg(substr(s.item_id, 5)::bigint ORDER BY s.rank) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
        WHERE l.name = 'texts')
     = (SELECT al.kcenter(id, x::float8[], 34, id IN (SELECT id FROM sel_labeled)) FROM sel_pool) AS text_ids_as_al_kcenter;
-- uuid ids: the Gumbel keys of al.gumbel_key(score, t, seed, id uuid)
CREATE TABLE uuid_pool AS SELECT md5(id::text)::uuid AS id, x, id AS n FROM sel_pool;
SELECT al.create_learner('uuids', 'uuid_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"explore": {"temperature": 0.3}, "candidates": 8, "seed": 5, "retrain_every": 1}') > 0 AS created;
SELECT count(*) AS labeled FROM (SELECT al.label('uuids', u.id, p.truth) FROM uuid_pool u JOIN sel_pool p ON p.id = u.n
                                 WHERE u.n IN (SELECT id FROM sel_labeled)) s;
SELECT al.run_learner('uuids') AS round;
SELECT (SELECT array_agg(s.item_id::uuid ORDER BY s.rank) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
        WHERE l.name = 'uuids' AND s.rank IS NOT NULL)
     = (SELECT array_agg(id ORDER BY k DESC, id) FROM (
	SELECT s.item_id::uuid AS id, al.gumbel_key(s.score, 0.3, 5, s.item_id::uuid) AS k
	FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'uuids'
	ORDER BY 2 DESC, 1 LIMIT 8) t) AS uuid_ids_as_gumbel_keys;

-- features whose squares pass 1e30: batch kcenter's round names the item (22003)
CREATE TABLE sel_huge AS SELECT id, CASE WHEN id = 20 THEN '{1e30,-1e30}'::real[] ELSE x END AS x, truth FROM sel_pool;
SELECT al.create_learner('huge', 'sel_huge', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"batch": "kcenter", "retrain_every": 1, "seed": 7}') > 0 AS created;
SELECT count(*) AS labeled FROM (SELECT al.label('huge', p.id, p.truth) FROM sel_huge p JOIN sel_labeled USING (id)) s;
SELECT pg_temp.try($$SELECT al.run_learner('huge')$$) AS too_large;
SELECT al.drop_learner('huge');
DROP TABLE sel_huge;

SELECT al.drop_learner(name) FROM al.learners WHERE name IN ('sel', 'sel_twin', 'sel_eer', 'line', 'wide', 'texts', 'uuids');
