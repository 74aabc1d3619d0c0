-- make demo, part 4: an LLM team's loop.  The model lives outside the
-- database and writes its class probabilities into the pool; al_ext ranks by
-- them, hands batches to two experts, records the labels and tells the next
-- fine-tuning run which labels are new.
\set QUIET on
\pset footer off
\echo
\echo '== part 4: the loop of a model that lives outside the database (an LLM team)'
\echo 'The "external model" here is a STAND-IN: an al_ext softmax model trained on the labels the'
\echo 'fine-tuning job pulls, whose probabilities are exported as an API would return them (JSON'
\echo 'keyed by class, rounded to 2 decimals; version 1 as the top-5 log-probabilities of the label'
\echo 'token). al_ext sees only that JSON, as it would see a fine-tuned LLM''s output.'
-- the pool: the digits again, with a column for the model's answer and one
-- for the ingested probabilities; the learner never sees the pixels
CREATE TABLE llm_pool AS
SELECT n AS id, (string_to_array(line, ','))[1:64]::real[] AS pixels, NULL::jsonb AS answer, NULL::al.probvec AS pred
FROM digits_raw;
ALTER TABLE llm_pool ADD PRIMARY KEY (id);
CREATE TABLE llm_truth AS SELECT n AS id, (string_to_array(line, ','))[65] AS digit FROM digits_raw;
-- the team's first fine-tuning set: 30 labeled images chosen at random
CREATE TABLE llm_finetune (id bigint PRIMARY KEY, pixels real[], digit text);
INSERT INTO llm_finetune
SELECT p.id, p.pixels, t.digit FROM llm_pool p JOIN llm_truth t USING (id)
ORDER BY hashtextextended(p.id::text, 7) LIMIT 30;

-- what the stand-in's API returns for each item: version 1 as top-5 label-token log-probabilities
SELECT al.train_model('llm_standin', 'llm_finetune', 'pixels', 'digit', '{"standardize": true}') > 0 AS first_finetune;
UPDATE llm_pool p SET answer = (
	SELECT jsonb_object_agg(c, round(ln(greatest(x, 1e-30))::numeric, 3))
	FROM (SELECT c, x FROM unnest(ARRAY['0','1','2','3','4','5','6','7','8','9'],
	                              al.predict_proba('llm_standin', p.pixels)::real[]) u(c, x)
	      ORDER BY x DESC LIMIT 5) top5);
\echo
\echo 'Version 1 arrives as top-5 log-probabilities of the label token, e.g.:'
SELECT id, answer AS top5_logprobs FROM llm_pool ORDER BY id LIMIT 2;
-- ingestion: the tail the API did not list goes to the classes it did not list
UPDATE llm_pool SET pred = al.logprobs_to_probvec(answer, ARRAY['0','1','2','3','4','5','6','7','8','9'],
                                                  '{"rest": "absent"}');

-- the learner over the predictions: margin sampling, batches of 10, an
-- unbiased evaluation sample of 80 items (30% of what is handed out comes
-- from it until it is labeled), and stop rules
SELECT al.create_learner('llm_digits', 'llm_pool', 'id', 'pred', ARRAY['0','1','2','3','4','5','6','7','8','9'],
                         'margin_confidence', '{"predictions": true, "batch_size": 10, "seed": 3,
                                               "eval_size": 80, "eval_rate": 0.3,
                                               "label_budget": 200, "stop_uncertainty": 0.15,
                                               "stop_plateau": 0.01, "stop_window": 2}') > 0 AS learner_created;
SELECT al.predictions_updated('llm_digits', 'ft-1') AS version \gset
SELECT al.run_learner('llm_digits') IS NOT NULL AS ranked \gset
-- each version's predictions, kept for the report's true accuracy
CREATE TABLE llm_version_preds AS SELECT :version AS version, id, pred AS probs FROM llm_pool;
CREATE TABLE llm_rounds (round int, version text, handed_out int, labeled int, pulled int,
                         strict_cast_refuses int, finetune_size int);
