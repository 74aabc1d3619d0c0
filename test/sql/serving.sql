-- Deployment policy: the option serve (latest, best by evaluation
-- accuracy), al.pin_version, al.unpin, al.rollback, al.serving_history, and
-- that the ranking (al.scores) and al.next_batch use the served version.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- 90 items in 3 clusters; the true class of item i is i % 3
SELECT setseed(0.5);
CREATE TABLE serve_pool AS
SELECT i::bigint AS id, ARRAY[(i % 3) * 2 + random() - 0.5, -(i % 3) + random() - 0.5]::real[] AS x,
       (ARRAY['red', 'green', 'blue'])[i % 3 + 1] AS truth
FROM generate_series(1, 90) i;

CREATE ROLE regress_serve_owner;
CREATE ROLE regress_serve_ann;			-- annotate
CREATE ROLE regress_serve_viewer;		-- view
CREATE ROLE regress_serve_stranger;		-- nothing
GRANT SELECT ON serve_pool TO PUBLIC;

-- what the ranking holds, checked against the model of the version served:
-- one version in al.scores, that of al.learner_store, and every probvec the
-- one al.predict_proba_real computes with that version's model
CREATE FUNCTION pg_temp.ranking() RETURNS text LANGUAGE sql AS $$
SELECT format('served %s, ranked with %s, %s rows, %s probs differ from the served model',
              l.model_version, string_agg(DISTINCT s.model_version::text, ','), count(*),
              count(*) FILTER (WHERE s.probs::text <> al.predict_proba_real(l.model_id, p.x)::text))
FROM al.learner_store l JOIN al.scores s ON s.learner_id = l.id JOIN serve_pool p ON p.id::text = s.item_id
WHERE l.name = 'dep' GROUP BY l.model_version
$$;
-- label the next n items of a batch with the truth, then run a round
CREATE FUNCTION pg_temp.label_and_round(n int) RETURNS text LANGUAGE sql AS $$
SELECT count(*) FROM (SELECT al.label('dep', b.item_id, p.truth)
                      FROM al.next_batch('dep', n) b JOIN serve_pool p ON p.id = b.item_id::bigint) s;
SELECT al.run_learner('dep');
$$;

SET ROLE regress_serve_owner;
SELECT al.create_learner('dep', 'serve_pool', 'id', 'x', ARRAY['red', 'green', 'blue'], 'entropy',
                         '{"retrain_every": 6, "batch_size": 6, "seed": 2}') > 0 AS created;
SELECT al.grant_learner('dep', 'regress_serve_ann', 'annotate'), al.grant_learner('dep', 'regress_serve_viewer', 'view');
-- ---- serve latest (the default): every new version is served ----
SELECT pg_temp.label_and_round(6) AS v1, pg_temp.label_and_round(6) AS v2, pg_temp.label_and_round(6) AS v3;
SELECT model_version FROM al.learners WHERE name = 'dep';
SELECT pg_temp.ranking();
SELECT model_version, reason, changed_by, current, served_until IS NULL AS open
FROM al.serving_history WHERE learner = 'dep' ORDER BY period;
SELECT model_version, served FROM al.learning_curve WHERE learner = 'dep' ORDER BY 1;

-- ---- al.pin_version: serve version 1, ranked with it at once ----
SELECT al.pin_version('dep', 1) AS pinned;
SELECT model_version, pinned_version FROM al.learner_store WHERE name = 'dep';
SELECT pg_temp.ranking();
SELECT model_version, served FROM al.learning_curve WHERE learner = 'dep' ORDER BY 1;
-- next_batch hands out by version 1's ranking: its best-scored unleased items
SELECT array_agg(item_id ORDER BY score DESC, item_id) = (
	SELECT array_agg(item_id ORDER BY score DESC, item_id) FROM (
		SELECT s.item_id, s.score FROM al.scores s JOIN al.learner_store l ON l.id = s.learner_id
		WHERE l.name = 'dep' AND NOT EXISTS (SELECT 1 FROM al.leases x WHERE x.item_id = s.item_id AND x.learner_id = l.id)
		ORDER BY s.score DESC, s.item_id LIMIT 3) t) AS batch_by_version_1
FROM al.next_batch('dep', 3, 'regress_serve_owner');
SELECT al.release('dep', (SELECT array_agg(item_id) FROM al.leases), 'regress_serve_owner') AS released;
-- a new training records its curve point (version 4) but the pin holds: the
-- ranking is still version 1's (without the items just labeled)
SELECT pg_temp.label_and_round(6) AS v4;
SELECT max(model_version) AS latest_trained FROM al.learning_curve WHERE learner = 'dep';
SELECT pg_temp.ranking();
SELECT count(*) AS labeled_items_ranked FROM al.scores s JOIN al.labels b USING (learner_id, item_id);
-- a round with nothing to do leaves the pin alone
SELECT al.run_learner('dep') AS round;
SELECT model_version AS served FROM al.learners WHERE name = 'dep';

-- ---- al.unpin: back to the policy (latest: version 4) ----
SELECT al.unpin('dep') AS unpinned;
SELECT pg_temp.ranking();
-- ---- al.rollback: the version served before the current one (1), pinned ----
SELECT al.rollback('dep') AS rolled_back;
SELECT model_version, pinned_version FROM al.learner_store WHERE name = 'dep';
SELECT pg_temp.ranking();
-- and again: the version served before 1 was 4
SELECT al.rollback('dep') AS rolled_back_again;
-- unpinning the version the policy picks anyway: a new period (reason), no new ranking
SELECT al.unpin('dep') AS unpinned;
SELECT model_version, reason, current FROM al.serving_history WHERE learner = 'dep' ORDER BY period;
-- the periods follow each other: each ends when the next begins
SELECT count(*) FILTER (WHERE served_until IS NULL) AS open_periods,
       count(*) FILTER (WHERE served_until < served_from) AS ends_before_start
FROM al.serving_history WHERE learner = 'dep';
RESET ROLE;

-- ---- serve best: the highest eval_accuracy, ties to the later version ----
-- (eval_accuracy is written by the evaluation set's code; here the test sets
-- it directly, as superuser, to drive the policy)
SET ROLE regress_serve_owner;
SELECT al.alter_learner('dep', options => '{"serve": "best"}');
SELECT options->'serve' AS serve FROM al.learners WHERE name = 'dep';
-- no version has an evaluation accuracy yet: the latest (4)
SELECT al.run_learner('dep') AS round;
SELECT model_version AS served FROM al.learners WHERE name = 'dep';
RESET ROLE;
-- v1 0.70, v2 0.90, v3 0.90, v4 none: the best are v2 and v3, the later wins: 3
UPDATE al.curve_store c SET eval_accuracy = v.a
FROM (VALUES (1, 0.70), (2, 0.90), (3, 0.90), (4, NULL)) v(version, a), al.learner_store l
WHERE l.id = c.learner_id AND l.name = 'dep' AND c.model_version = v.version;
SET ROLE regress_serve_owner;
SELECT al.run_learner('dep') AS round;
SELECT pg_temp.ranking();
SELECT model_version, eval_accuracy, served FROM al.learning_curve WHERE learner = 'dep' ORDER BY 1;
RESET ROLE;
-- v3 NaN (not a candidate): v2
UPDATE al.curve_store c SET eval_accuracy = 'NaN' FROM al.learner_store l
WHERE l.id = c.learner_id AND l.name = 'dep' AND c.model_version = 3;
SET ROLE regress_serve_owner;
SELECT al.run_learner('dep') AS round;
SELECT model_version AS served FROM al.learners WHERE name = 'dep';
SELECT pg_temp.ranking();
RESET ROLE;
-- a version whose model is gone (a superuser deleted its row) can be neither
-- pinned nor rolled back to (v3: the version served before v2), and is no
-- candidate of the policy: v3 0.99 but gone, v2 none: the best stored is v1
DELETE FROM al.model_store WHERE name = 'learner/dep' AND version = 3;
SET ROLE regress_serve_owner;
SELECT pg_temp.try($$SELECT al.pin_version('dep', 3)::text$$) AS pin_dropped_version;
SELECT pg_temp.try($$SELECT al.rollback('dep')::text$$) AS rollback_to_dropped_version;
RESET ROLE;
UPDATE al.curve_store c SET eval_accuracy = v.a
FROM (VALUES (2, NULL), (3, 0.99)) v(version, a), al.learner_store l
WHERE l.id = c.learner_id AND l.name = 'dep' AND c.model_version = v.version;
SET ROLE regress_serve_owner;
SELECT al.run_learner('dep') AS round;
SELECT model_version AS served FROM al.learners WHERE name = 'dep';
SELECT pg_temp.ranking();
RESET ROLE;
-- no stored version with an accuracy: the latest stored (4)
UPDATE al.curve_store c SET eval_accuracy = NULL FROM al.learner_store l WHERE l.id = c.learner_id AND l.name = 'dep';
SET ROLE regress_serve_owner;
SELECT al.run_learner('dep') AS round;
SELECT model_version AS served FROM al.learners WHERE name = 'dep';
SELECT pg_temp.ranking();
SELECT model_version, reason FROM al.serving_history WHERE learner = 'dep' AND period > (
	SELECT max(period) FROM al.serving_history WHERE learner = 'dep' AND reason = 'pinned') ORDER BY period;
-- a pin overrides the policy too
SELECT al.pin_version('dep', 2) AS pinned;
SELECT al.run_learner('dep') AS round;
SELECT model_version AS served FROM al.learners WHERE name = 'dep';
SELECT pg_temp.ranking();
SELECT al.unpin('dep') AS unpinned;

-- ---- errors ----
SELECT pg_temp.try($$SELECT al.pin_version('dep', 99)::text$$) AS no_such_version;
SELECT pg_temp.try($$SELECT al.pin_version('dep', 0)::text$$) AS version_0;
SELECT pg_temp.try($$SELECT al.pin_version('dep', -1)::text$$) AS negative_version;
SELECT pg_temp.try($$SELECT al.pin_version('nope', 1)::text$$) AS unknown_learner;
SELECT pg_temp.try($$SELECT al.unpin('nope')::text$$) AS unpin_unknown;
SELECT pg_temp.try($$SELECT al.rollback('nope')::text$$) AS rollback_unknown;
SELECT al.pin_version(NULL, 1) IS NULL AS null_learner, al.pin_version('dep', NULL) IS NULL AS null_version,
       al.unpin(NULL) IS NULL AS unpin_null, al.rollback(NULL) IS NULL AS rollback_null;
SELECT pg_temp.try($$SELECT al.alter_learner('dep', options => '{"serve": "worst"}')::text$$) AS bad_serve;
SELECT pg_temp.try($$SELECT al.alter_learner('dep', options => '{"serve": 1}')::text$$) AS serve_number;
BEGIN READ ONLY;
SELECT pg_temp.try($$SELECT al.pin_version('dep', 1)::text$$) AS read_only;
ROLLBACK;
-- a learner without a model: nothing to pin, roll back or unpin to
SELECT al.create_learner('dep_new', 'serve_pool', 'id', 'x', ARRAY['a', 'b']) > 0 AS created;
SELECT pg_temp.try($$SELECT al.pin_version('dep_new', 1)::text$$) AS pin_without_model;
SELECT pg_temp.try($$SELECT al.rollback('dep_new')::text$$) AS rollback_without_model;
SELECT al.unpin('dep_new') IS NULL AS unpin_without_model;
-- one version served, never another: nothing to roll back to
SELECT al.label('dep_new', 1, 'a'), al.label('dep_new', 2, 'b'), al.retrain('dep_new');
SELECT al.run_learner('dep_new') AS round;
SELECT pg_temp.try($$SELECT al.rollback('dep_new')::text$$) AS rollback_single_version;
SELECT al.drop_learner('dep_new');
RESET ROLE;

-- ---- privileges: only the owner pins, unpins and rolls back ----
SET ROLE regress_serve_ann;
SELECT pg_temp.try($$SELECT al.pin_version('dep', 1)::text$$) AS annotator_pins;
SELECT pg_temp.try($$SELECT al.unpin('dep')::text$$) AS annotator_unpins;
SELECT pg_temp.try($$SELECT al.rollback('dep')::text$$) AS annotator_rolls_back;
RESET ROLE;
SET ROLE regress_serve_stranger;
SELECT pg_temp.try($$SELECT al.pin_version('dep', 1)::text$$) AS stranger_pins;
SELECT pg_temp.try($$SELECT al.rollback('dep')::text$$) AS stranger_rolls_back;
-- the history is visible with the view right only
SELECT count(*) AS stranger_sees_periods FROM al.serving_history;
SELECT count(*) AS stranger_sees_period_rows FROM al.serving_periods;
RESET ROLE;
SET ROLE regress_serve_viewer;
SELECT pg_temp.try($$SELECT al.pin_version('dep', 1)::text$$) AS viewer_pins;
SELECT count(*) > 0 AS viewer_sees_periods FROM al.serving_history WHERE learner = 'dep';
SELECT model_version, served FROM al.learning_curve WHERE learner = 'dep' AND served;
RESET ROLE;
-- nobody writes the periods directly
SET ROLE regress_serve_owner;
SELECT pg_temp.try($$DELETE FROM al.serving_periods RETURNING 1$$) AS owner_deletes_periods;
SELECT pg_temp.try($$UPDATE al.learner_store SET pinned_version = 1 RETURNING 1$$) AS owner_sets_pin;
RESET ROLE;
-- nothing the failed calls changed
SELECT model_version, pinned_version FROM al.learner_store WHERE name = 'dep';

-- ---- the learner's models gone: it starts over, its history and pin go ----
SELECT al.pin_version('dep', 4) AS pinned;
DELETE FROM al.model_store WHERE name = 'learner/dep';
SET ROLE regress_serve_owner;
SELECT pg_temp.try($$SELECT al.pin_version('dep', 4)::text$$) AS pin_after_drop;
SELECT al.run_learner('dep') AS round;
SELECT model_version, reason FROM al.serving_history WHERE learner = 'dep' ORDER BY period;
SELECT model_version, pinned_version FROM al.learner_store WHERE name = 'dep';
SELECT al.drop_learner('dep');
RESET ROLE;
SELECT count(*) AS periods_left FROM al.serving_periods;
DROP TABLE serve_pool;
DROP ROLE regress_serve_owner, regress_serve_ann, regress_serve_viewer, regress_serve_stranger;
