-- External-prediction learners (option "predictions": true; doc/loop.md
-- "External-prediction learners"): the scores come from an al.probvec (or
-- al.probvec[]) column the application rewrites.  Three prediction versions
-- written here, two annotators; every ranking, curve point and stop rule is
-- recomputed in plain SQL from the column and the labels.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- an "external model": version v's distribution of item i, normalized weights
CREATE FUNCTION pg_temp.pv(i bigint, v integer) RETURNS al.probvec LANGUAGE sql AS $$
	SELECT ARRAY[a / (a + b + c), b / (a + b + c), c / (a + b + c)]::float8[]::al.probvec
	FROM (SELECT 1.0 + (i * 37 + v * 11) % 17 AS a, 1.0 + (i * 53 + v * 7) % 19 AS b,
	             1.0 + (i * 29 + v * 13) % 23 AS c) w $$;
-- argmax of a probvec in plain SQL (ties: the first class)
CREATE FUNCTION pg_temp.argmax(p al.probvec) RETURNS text LANGUAGE sql AS $$
	SELECT (ARRAY['a', 'b', 'c'])[i] FROM pg_catalog.unnest(p::real[]) WITH ORDINALITY u(x, i)
	ORDER BY x DESC, i LIMIT 1 $$;

CREATE TABLE ep_pool (id bigint PRIMARY KEY, truth text NOT NULL, x real[], p al.probvec, c al.probvec[]);
INSERT INTO ep_pool (id, truth, x)
SELECT i, (ARRAY['a', 'b', 'c'])[i % 3 + 1], ARRAY[i, 1]::real[] FROM generate_series(1, 30) i;

-- ---- errors at the door ----
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'x', '{a,b,c}', 'entropy', '{"predictions": true}')$$) AS real_column;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'c', '{a,b,c}', 'entropy')$$) AS committee_column_without_option;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'entropy', '{"predictions": 1}')$$) AS option_not_boolean;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'expected_gradient_length', '{"predictions": true}')$$) AS egl;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'expected_error_reduction', '{"predictions": true}')$$) AS eer;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'entropy', '{"predictions": true, "batch": "kcenter"}')$$) AS kcenter;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'entropy', '{"predictions": true, "batch": "badge"}')$$) AS badge;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'entropy', '{"predictions": true, "batch": "ranked"}')$$) AS ranked;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'entropy', '{"predictions": true, "density": 1}')$$) AS density;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'entropy', '{"predictions": true, "cold_start": "kcenter"}')$$) AS cold_start_kcenter;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'entropy', '{"predictions": true, "eval_table": "ep_pool"}')$$) AS eval_table;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'entropy', '{"predictions": true, "committee": 3}')$$) AS committee_option;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'entropy', '{"predictions": true, "explore": {"epsilon": 0.1}}')$$) AS explore;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'entropy', '{"predictions": true, "sample": 10}')$$) AS sample;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'vote_entropy', '{"predictions": true}')$$) AS vote_entropy_on_probvec;
SELECT pg_temp.try($$SELECT al.create_learner('ep_bad', 'ep_pool', 'id', 'p', '{a,b,c}', 'bald', '{"predictions": true}')$$) AS bald_on_probvec;
SELECT count(*) AS no_learner_created FROM al.learners WHERE name = 'ep_bad';

-- ---- a single model's predictions: entropy, a label budget of 12 ----
SELECT al.create_learner('ep', 'ep_pool', 'id', 'p', '{a,b,c}', 'entropy',
                         '{"predictions": true, "batch_size": 4, "label_budget": 12}') > 0 AS created;
SELECT options->'predictions' AS predictions_option FROM al.learners WHERE name = 'ep';
SELECT pg_temp.try($$SELECT al.alter_learner('ep', NULL, '{"predictions": false}')$$) AS predictions_cannot_change;
SELECT pg_temp.try($$SELECT al.alter_learner('ep', 'max_disagreement')$$) AS committee_strategy_on_probvec;
SELECT pg_temp.try($$SELECT al.alter_learner('ep', 'expected_gradient_length')$$) AS egl_by_alter;
-- no version declared yet: nothing ranked
SELECT al.run_learner('ep') AS round_before_v1;
SELECT model_version, labeled FROM al.learner_status WHERE learner = 'ep';
-- a retrain asked for before any version: nothing to rank, the request is dropped
SELECT al.retrain('ep');
SELECT al.run_learner('ep') AS round_after_retrain;
SELECT retrain_requested FROM al.learner_store WHERE name = 'ep';

-- version 1: no predictions for rows 29 and 30, two classes for row 28 (unusable, counted)
UPDATE ep_pool SET p = pg_temp.pv(id, 1) WHERE id <= 28;
UPDATE ep_pool SET p = '[0.5,0.5]' WHERE id = 28;
SELECT pg_temp.try($$SELECT al.predictions_updated('ep', '')$$) AS empty_version_name;
SELECT pg_temp.try($$SELECT al.predictions_updated('ep', NULL)$$) AS null_version_name;
SELECT pg_temp.try($$SELECT al.predictions_updated('no_such', 'v1')$$) AS no_such_learner;
SELECT al.predictions_updated('ep', 'v1') AS v1;
SELECT pg_temp.try($$SELECT al.predictions_updated('ep', 'v1')$$) AS v1_again;
-- until a round runs, al.next_batch has no ranking (stale until the rescore)
SELECT count(*) AS scores_before_round FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'ep';
SELECT al.run_learner('ep') AS round_v1;
SELECT al.run_learner('ep') AS round_again;
SELECT name, version, rows_ranked, rows_unusable, served FROM al.prediction_versions WHERE learner = 'ep';

-- the ranking is al.entropy of the column, row by row
CREATE FUNCTION pg_temp.check_ranking(learner text, score text) RETURNS TABLE (version integer, ranked bigint, expected bigint, max_diff double precision, predicted_ok boolean)
LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format($q$
		WITH s AS (SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = %L),
		e AS (SELECT p.id::text AS item_id, %s AS score, p.p, p.c FROM ep_pool p
		      WHERE p.id::text NOT IN (SELECT item_id FROM al.labels b JOIN al.learners l ON l.id = b.learner_id WHERE l.name = %L)
		        AND (CASE WHEN %L = 'p' THEN p.p IS NOT NULL AND cardinality(p.p::real[]) = 3 ELSE true END))
		SELECT (SELECT max(model_version) FROM s), (SELECT count(*) FROM s), (SELECT count(*) FROM e WHERE score IS NOT NULL),
		       (SELECT max(abs(s.score - e.score)) FROM s JOIN e USING (item_id)),
		       (SELECT bool_and(s.predicted = pg_temp.argmax(s.probs)) FROM s)$q$,
		learner, score, learner, CASE WHEN score LIKE '%%p.p%%' THEN 'p' ELSE 'c' END);
END $$;
SELECT * FROM pg_temp.check_ranking('ep', 'al.entropy(p.p)');

-- two annotators: each gets the most uncertain items still open, disjoint
CREATE TABLE ep_batches AS SELECT 'ann1'::text AS annotator, b.* FROM al.next_batch('ep', 4, 'ann1') b;
INSERT INTO ep_batches SELECT 'ann2', b.* FROM al.next_batch('ep', 4, 'ann2') b;
SELECT annotator, count(*) FROM ep_batches GROUP BY 1 ORDER BY 1;
SELECT count(DISTINCT item_id) AS distinct_items FROM ep_batches;
-- the 8 handed out are the 8 highest entropies of the column (as a multiset: ties allowed)
SELECT (SELECT array_agg(round(score::numeric, 6) ORDER BY score DESC) FROM ep_batches) =
       (SELECT array_agg(round(e::numeric, 6) ORDER BY e DESC) FROM
          (SELECT al.entropy(p) e FROM ep_pool WHERE id <= 27 ORDER BY 1 DESC LIMIT 8) t) AS top8_by_entropy;
SELECT bool_and(b.probs::text = p.p::text) AS batch_probs_are_the_column
FROM ep_batches b JOIN ep_pool p ON p.id::text = b.item_id;
-- leases: ann1 holds its items; a third call hands out none of the 8
SELECT count(*) AS overlap_with_leased FROM al.next_batch('ep', 4, 'ann3') b WHERE b.item_id IN (SELECT item_id FROM ep_batches);
SELECT al.release('ep', (SELECT array_agg(item_id) FROM al.leases WHERE annotator = 'ann3'), 'ann3') AS released_ann3;

-- they label (the truth, but ann2 gets its first item wrong)
SELECT count(al.label('ep', b.item_id, CASE WHEN b.annotator = 'ann2' AND b.item_id = (SELECT min(item_id) FROM ep_batches WHERE annotator = 'ann2')
                                          THEN CASE p.truth WHEN 'a' THEN 'b' ELSE 'a' END ELSE p.truth END, b.annotator)) AS labeled
FROM ep_batches b JOIN ep_pool p ON p.id::text = b.item_id;
SELECT count(*) AS leases_left FROM al.leases l JOIN al.learners n ON n.id = l.learner_id WHERE n.name = 'ep';
SELECT count(*) AS since_v1_before_v2 FROM al.labels_since('ep', 'v1');
SELECT count(*) AS unused_by_any_version FROM al.labels_since('ep');

-- ---- version 2: the application rewrites the column, fine-tuned on those 8 labels ----
UPDATE ep_pool SET p = pg_temp.pv(id, 2) WHERE id <= 27;
-- not declared yet: the round leaves the v1 ranking (documented: stale until al.predictions_updated)
SELECT al.run_learner('ep') AS round_before_declaring;
SELECT DISTINCT s.model_version AS still_v1 FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'ep';
SELECT al.predictions_updated('ep', 'v2', (SELECT array_agg(serial) FROM al.labels_since('ep'))) AS v2;
SELECT al.run_learner('ep') AS round_v2;
SELECT * FROM pg_temp.check_ranking('ep', 'al.entropy(p.p)');
SELECT count(*) AS since_v2 FROM al.labels_since('ep', 'v2');
SELECT count(*) AS since_v1 FROM al.labels_since('ep', 'v1');
-- no version given: the labels no version used (v2 used all 8)
SELECT count(*) AS unused_after_v2 FROM al.labels_since('ep');

-- the curve of v2: agreement of v2's argmax with the 8 training labels, mean entropy of the ranked rows
CREATE FUNCTION pg_temp.expected_curve() RETURNS TABLE (labeled bigint, accuracy double precision, mean_entropy double precision)
LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM al.labels b JOIN al.learners l ON l.id = b.learner_id WHERE l.name = 'ep'),
	       (SELECT avg((pg_temp.argmax(p.p) = b.label)::int)::float8 FROM al.labels b
	        JOIN al.learners l ON l.id = b.learner_id JOIN ep_pool p ON p.id::text = b.item_id
	        WHERE l.name = 'ep' AND p.p IS NOT NULL AND cardinality(p.p::real[]) = 3),
	       (SELECT avg(al.entropy(p.p)) FROM ep_pool p WHERE p.p IS NOT NULL AND cardinality(p.p::real[]) = 3
	        AND p.id::text NOT IN (SELECT item_id FROM al.labels b JOIN al.learners l ON l.id = b.learner_id WHERE l.name = 'ep')) $$;
SELECT c.model_version, c.labels_used = e.labeled AS labels_used_ok,
       abs(c.selected_holdout_accuracy - e.accuracy) < 1e-12 AS accuracy_ok,
       abs(c.mean_uncertainty - e.mean_entropy) < 1e-6 AS mean_entropy_ok, c.stop_rules
FROM al.learning_curve c, pg_temp.expected_curve() e WHERE c.learner = 'ep' AND c.model_version = 2;

-- more batches, more labels (after v2)
TRUNCATE ep_batches;
INSERT INTO ep_batches SELECT 'ann1', b.* FROM al.next_batch('ep', 4, 'ann1') b;
INSERT INTO ep_batches SELECT 'ann2', b.* FROM al.next_batch('ep', 4, 'ann2') b;
SELECT (SELECT array_agg(round(score::numeric, 6) ORDER BY score DESC) FROM ep_batches) =
       (SELECT array_agg(round(e::numeric, 6) ORDER BY e DESC) FROM
          (SELECT al.entropy(p) e FROM ep_pool WHERE id <= 27 AND id::text NOT IN (SELECT item_id FROM al.labels)
           ORDER BY 1 DESC LIMIT 8) t) AS top8_of_v2;
SELECT count(al.label('ep', b.item_id, p.truth, b.annotator)) AS labeled
FROM ep_batches b JOIN ep_pool p ON p.id::text = b.item_id;
-- exactly the new labels since v2, for the next fine-tuning
SELECT (SELECT array_agg(item_id ORDER BY item_id) FROM al.labels_since('ep', 'v2')) =
       (SELECT array_agg(item_id ORDER BY item_id) FROM ep_batches) AS since_v2_is_the_new_batch;
SELECT (SELECT array_agg(item_id ORDER BY item_id) FROM al.labels_since('ep')) =
       (SELECT array_agg(item_id ORDER BY item_id) FROM ep_batches) AS unused_by_any_is_the_new_batch;
SELECT labels_waiting FROM al.learner_status WHERE learner = 'ep';

-- ---- version 3: the stop rule (label budget 12) fires ----
UPDATE ep_pool SET p = pg_temp.pv(id, 3) WHERE id <= 27;
SELECT al.predictions_updated('ep', 'v3', (SELECT array_agg(serial) FROM al.labels_since('ep', 'v2'))) AS v3;
SELECT al.run_learner('ep') AS round_v3;
SELECT * FROM pg_temp.check_ranking('ep', 'al.entropy(p.p)');
SELECT c.model_version, c.labels_used = e.labeled AS labels_used_ok,
       abs(c.selected_holdout_accuracy - e.accuracy) < 1e-12 AS accuracy_ok,
       abs(c.mean_uncertainty - e.mean_entropy) < 1e-6 AS mean_entropy_ok, c.stop_rules
FROM al.learning_curve c, pg_temp.expected_curve() e WHERE c.learner = 'ep' AND c.model_version = 3;
SELECT model_version, labels_used, selected_holdout_accuracy IS NULL AS v1_had_no_labels, stop_rules, served
FROM al.learning_curve WHERE learner = 'ep' ORDER BY model_version;
SELECT model_version, labeled, labels_waiting, suggested_stop, stop_reason FROM al.learner_status WHERE learner = 'ep';
SELECT count(*) AS since_v3 FROM al.labels_since('ep', 'v3');
-- a changed label (a new serial) is new again for the next fine-tuning
SELECT al.label('ep', b.item_id, CASE b.label WHEN 'a' THEN 'b' ELSE 'a' END, b.annotator)
FROM al.labels_since('ep', 'v1') b ORDER BY b.serial LIMIT 1;
SELECT count(*) AS since_v3_after_change, count(*) FILTER (WHERE serial > (SELECT max(serial) - 1 FROM al.labels)) AS the_new_serial
FROM al.labels_since('ep', 'v3');
SELECT pg_temp.try($$SELECT count(*) FROM al.labels_since('ep', 'v9')$$) AS unknown_version;

-- a new pool row is ranked at the next round (pool count changed), without a new version
INSERT INTO ep_pool (id, truth, p) VALUES (31, 'a', '[0.34,0.33,0.33]');
SELECT al.run_learner('ep') AS round_new_row;
SELECT s.model_version, abs(s.score - al.entropy('[0.34,0.33,0.33]'::al.probvec)) < 1e-12 AS new_row_scored
FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'ep' AND s.item_id = '31';
DELETE FROM ep_pool WHERE id = 31;

-- a pool (here a view) that shows an id twice is refused at the round
CREATE TABLE ep_extra (id bigint, p al.probvec);
CREATE VIEW ep_twice AS SELECT id, p FROM ep_pool UNION ALL SELECT id, p FROM ep_extra;
SELECT al.create_learner('ep_twice', 'ep_twice', 'id', 'p', '{a,b,c}', 'entropy', '{"predictions": true}') > 0 AS created;
INSERT INTO ep_extra SELECT id, p FROM ep_pool WHERE id = 7;
SELECT al.predictions_updated('ep_twice', 'v1') AS v1;
SELECT pg_temp.try($$SELECT al.run_learner('ep_twice')$$) AS id_twice;
SELECT al.drop_learner('ep_twice');
DROP VIEW ep_twice;
DROP TABLE ep_extra;

-- the column's type is checked under lock at every round
ALTER TABLE ep_pool ALTER COLUMN p TYPE real[] USING p::real[];
SELECT pg_temp.try($$SELECT al.run_learner('ep')$$) AS column_became_real;
SELECT problem FROM al.learner_status WHERE learner = 'ep';
ALTER TABLE ep_pool ALTER COLUMN p TYPE al.probvec USING p::al.probvec;
SELECT al.run_learner('ep') AS round_after_restore;

-- a learner over features does not take predictions
SELECT al.create_learner('ep_feat', 'ep_pool', 'id', 'x', '{a,b,c}') > 0 AS feature_learner;
SELECT pg_temp.try($$SELECT al.predictions_updated('ep_feat', 'v1')$$) AS not_external;
SELECT pg_temp.try($$SELECT count(*) FROM al.labels_since('ep_feat')$$) AS not_external_since;

-- ---- a committee (three prompts): probvec[] column, committee strategies ----
UPDATE ep_pool SET c = ARRAY[pg_temp.pv(id, 1), pg_temp.pv(id, 2), pg_temp.pv(id, 3)];
UPDATE ep_pool SET c = NULL WHERE id = 1;
UPDATE ep_pool SET c = '{}' WHERE id = 2;
UPDATE ep_pool SET c = ARRAY[pg_temp.pv(id, 1), '[0.5,0.5]'::al.probvec] WHERE id = 3;
UPDATE ep_pool SET c = ARRAY[pg_temp.pv(id, 1), NULL] WHERE id = 4;
UPDATE ep_pool SET c = ARRAY[pg_temp.pv(id, 5)] WHERE id = 5;
SELECT al.create_learner('epc', 'ep_pool', 'id', 'c', '{a,b,c}', 'vote_entropy', '{"predictions": true}') > 0 AS committee_learner;
SELECT al.predictions_updated('epc', 'prompts-1') AS v1;
SELECT al.run_learner('epc') AS round;
SELECT rows_ranked, rows_unusable FROM al.prediction_versions WHERE learner = 'epc';
CREATE FUNCTION pg_temp.check_committee(s text) RETURNS TABLE (strategy text, ranked bigint, max_diff double precision, consensus_ok boolean)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM al.alter_learner('epc', s);
	PERFORM al.run_learner('epc');
	RETURN QUERY EXECUTE format($q$
		SELECT %L::text, count(*), max(abs(s.score - al.%s(%s))),
		       bool_and(abs(al.entropy(s.probs) - al.consensus_entropy(p.c)) < 1e-6)
		FROM al.scores s JOIN al.learners l ON l.id = s.learner_id JOIN ep_pool p ON p.id::text = s.item_id
		CROSS JOIN LATERAL (SELECT (SELECT array_agg(x ORDER BY j) FROM (SELECT j, avg(x) AS x FROM pg_catalog.unnest(p.c) m(pv),
		                      pg_catalog.unnest(m.pv::float8[]) WITH ORDINALITY v(x, j) GROUP BY j) t)::al.probvec AS mean) m
		WHERE l.name = 'epc'$q$, s, s,
		CASE WHEN s IN ('vote_entropy', 'consensus_entropy', 'max_disagreement', 'bald') THEN 'p.c' ELSE 'm.mean' END);
END $$;
SELECT * FROM pg_temp.check_committee('vote_entropy');
SELECT * FROM pg_temp.check_committee('consensus_entropy');
SELECT * FROM pg_temp.check_committee('max_disagreement');
SELECT * FROM pg_temp.check_committee('bald');
SELECT * FROM pg_temp.check_committee('margin_confidence');
-- an uncertainty strategy over a committee scores the members' mean
SELECT * FROM pg_temp.check_committee('least_confidence');
SELECT * FROM pg_temp.check_committee('entropy');
-- NULL, empty, a member of another length or a NULL member: unusable (ids 1-4); one member is usable (5)
SELECT array_agg(p.id ORDER BY p.id) AS unranked FROM ep_pool p
WHERE p.id::text NOT IN (SELECT item_id FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'epc');

-- ---- the evaluation sample: unbiased agreement of each version ----
SELECT al.create_learner('epe', 'ep_pool', 'id', 'p', '{a,b,c}', 'least_confidence',
                         '{"predictions": true, "eval_size": 6, "seed": 3}') > 0 AS eval_learner;
SELECT count(al.label('epe', e, (SELECT truth FROM ep_pool WHERE id::text = e), 'ann1')) AS eval_labeled
FROM al.learners l, unnest((SELECT eval_items FROM al.learner_store WHERE name = 'epe')) e WHERE l.name = 'epe';
SELECT al.predictions_updated('epe', 'v3') AS v1;
SELECT al.run_learner('epe') AS round;
SELECT * FROM pg_temp.check_ranking('epe', 'al.least_confidence(p.p)');
-- labels_used counts the labels outside the sample (none here), as for a trained learner
SELECT c.labels_used, c.eval_labeled, abs(c.eval_accuracy - e.acc) < 1e-12 AS eval_accuracy_ok, c.eval_accuracy_low <= c.eval_accuracy AS interval_ok
FROM al.learning_curve c,
     (SELECT avg((pg_temp.argmax(p.p) = p.truth)::int)::float8 AS acc FROM ep_pool p
      WHERE p.id::text = ANY ((SELECT eval_items FROM al.learner_store WHERE name = 'epe')::text[])
        AND cardinality(p.p::real[]) = 3) e
WHERE c.learner = 'epe';

-- ---- privileges: the pool is read as the learner's owner ----
CREATE ROLE ep_plain;
GRANT SELECT (id, truth, x) ON ep_pool TO ep_plain;
GRANT USAGE ON SCHEMA public TO ep_plain;
SET ROLE ep_plain;
SELECT pg_temp.try($$SELECT al.create_learner('ep_sneak', 'ep_pool', 'id', 'p', '{a,b,c}', 'entropy', '{"predictions": true}')$$) AS predictions_not_readable;
SELECT pg_temp.try($$SELECT al.predictions_updated('ep', 'v4')$$) AS not_the_owner;
SELECT pg_temp.try($$SELECT count(*) FROM al.labels_since('ep')$$) AS cannot_view;
RESET ROLE;
REVOKE ALL ON ep_pool FROM ep_plain;
REVOKE USAGE ON SCHEMA public FROM ep_plain;
DROP ROLE ep_plain;

SELECT al.drop_learner('ep');
SELECT al.drop_learner('epc');
SELECT al.drop_learner('epe');
SELECT al.drop_learner('ep_feat');
SELECT count(*) AS versions_left FROM al.prediction_version_store;
DROP TABLE ep_pool, ep_batches;
