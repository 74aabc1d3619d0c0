-- make demo, part 4, one round (psql variable round): two experts take a
-- batch each, label it; the fine-tuning job pulls the new labels, fine-tunes
-- the stand-in, writes its answers as JSON; al_ext ingests and reranks.
\set QUIET on
\set classes '''{0,1,2,3,4,5,6,7,8,9}''::text[]'
-- the experts (simulated from the true digits; they commit together)
CREATE TEMP TABLE batch AS
SELECT 'ann_a'::text AS annotator, b.item_id FROM al.next_batch('llm_digits', 10, 'ann_a') b
UNION ALL
SELECT 'ann_b', b.item_id FROM al.next_batch('llm_digits', 10, 'ann_b') b;
SELECT count(al.label('llm_digits', b.item_id, t.digit, b.annotator)) AS labeled
FROM batch b JOIN llm_truth t ON t.id = b.item_id::bigint \gset
-- the fine-tuning job: the labels no version has used yet, minus the
-- evaluation sample (it must never train)
CREATE TEMP TABLE pulled AS
SELECT s.item_id, s.label, s.serial FROM al.labels_since('llm_digits') s
WHERE s.item_id <> ALL ((SELECT eval_items FROM al.learners WHERE name = 'llm_digits')::text[]);
INSERT INTO llm_finetune
SELECT p.id, p.pixels, u.label FROM pulled u JOIN llm_pool p ON p.id = u.item_id::bigint
ON CONFLICT (id) DO UPDATE SET digit = excluded.digit;
SELECT al.train_model('llm_standin', 'llm_finetune', 'pixels', 'digit', '{"standardize": true}') > 0 AS finetuned \gset
-- its API's answers: probabilities keyed by class, rounded to 2 decimals
UPDATE llm_pool p SET answer = (
	SELECT jsonb_object_agg(c, round(x::numeric, 2))
	FROM unnest(:classes, al.predict_proba('llm_standin', p.pixels)::real[]) u(c, x));
-- ingestion: the strict cast would refuse the answers that miss 1 by more
-- than 1e-3; al.to_probvec renormalizes within 0.06 (10 classes x 0.005)
INSERT INTO llm_rounds
SELECT :round, 'ft-' || (:round + 1), (SELECT count(*) FROM batch), :labeled, (SELECT count(*) FROM pulled),
       (SELECT count(*) FROM llm_pool WHERE al.probvec_problem(answer, :classes, '{"tolerance": 0.001}') IS NOT NULL),
       (SELECT count(*) FROM llm_finetune);
UPDATE llm_pool SET pred = al.to_probvec(answer, :classes, '{"tolerance": 0.06}');
SELECT al.predictions_updated('llm_digits', 'ft-' || (:round + 1), (SELECT array_agg(serial) FROM pulled)) AS version \gset
SELECT al.run_learner('llm_digits') AS ran \gset
INSERT INTO llm_version_preds SELECT :version, id, pred FROM llm_pool;
