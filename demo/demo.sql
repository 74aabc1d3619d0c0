-- make demo: the first round of active learning on the breast-cancer data.
\pset footer off
\set QUIET on

-- 569 biopsies: 30 measurements each, and the diagnosis an expert would give
CREATE TABLE biopsy AS
SELECT n AS id,
       (string_to_array(line, ','))[1:30]::real[] AS features,
       CASE (string_to_array(line, ','))[31] WHEN '0' THEN 'malignant' ELSE 'benign' END AS diagnosis
FROM biopsy_raw;
ALTER TABLE biopsy ADD PRIMARY KEY (id);
\echo
\echo 'Breast Cancer Wisconsin (Diagnostic), UCI, CC BY 4.0: 569 biopsies, 30 features, 2 classes'
SELECT count(*) AS biopsies,
       count(*) FILTER (WHERE diagnosis = 'malignant') AS malignant,
       count(*) FILTER (WHERE diagnosis = 'benign') AS benign
FROM biopsy;

-- The model: an expert has labeled 30 biopsies (a seeded sample); al_ext
-- trains a bagged committee of five softmax-regression models on them in
-- the database, and its class probabilities become al.probvec values
-- [p(benign), p(malignant)] for the 539 others - as any model's or an LLM's would.
CREATE TABLE labeled AS
SELECT id, features, diagnosis FROM biopsy ORDER BY hashtextextended(id::text, 7) LIMIT 30;
SELECT al.train_model('biopsy_model', 'labeled', 'features', 'diagnosis',
                      '{"members": 5, "standardize": true, "seed": 7}') > 0 AS trained;

CREATE TABLE feature_stats AS
SELECT i, avg(f[i]) AS mean, stddev_pop(f[i]) AS sd
FROM biopsy, LATERAL (SELECT features) s(f), generate_series(1, 30) i
GROUP BY i;

CREATE TABLE scored AS
SELECT b.id,
       al.predict_proba('biopsy_model', b.features) AS p,
       al.predict_committee('biopsy_model', b.features) AS members,
       (SELECT array_agg(((b.features[s.i] - s.mean) / s.sd)::real ORDER BY s.i) FROM feature_stats s) AS z
FROM biopsy b WHERE b.id NOT IN (SELECT id FROM labeled);

\echo
\echo 'The committee, trained on 30 labels, on the 539 biopsies it has not seen:'
SELECT (SELECT classes FROM al.models WHERE name = 'biopsy_model') AS classes,
       round(avg(((SELECT classes FROM al.models WHERE name = 'biopsy_model')[al.argmax(s.p)] = b.diagnosis)::int), 3) AS accuracy,
       count(*) AS biopsies
FROM scored s JOIN biopsy b USING (id);

\echo
\echo 'The ten biopsies to label next under each score (biopsy id, and its score).'
\echo 'Uncertainty scores read p; committee scores read the five members; EGL also reads the (standardized) features.'
WITH picks AS (
	SELECT 'least_confidence' AS score, al.top_k(id, al.least_confidence(p), 10) AS ids FROM scored
	UNION ALL SELECT 'margin_confidence', al.top_k(id, al.margin_confidence(p), 10) FROM scored
	UNION ALL SELECT 'ratio_confidence', al.top_k(id, al.ratio_confidence(p), 10) FROM scored
	UNION ALL SELECT 'entropy', al.top_k(id, al.entropy(p), 10) FROM scored
	UNION ALL SELECT 'vote_entropy', al.top_k(id, al.vote_entropy(members), 10) FROM scored
	UNION ALL SELECT 'consensus_entropy', al.top_k(id, al.consensus_entropy(members), 10) FROM scored
	UNION ALL SELECT 'bald', al.top_k(id, al.bald(members), 10) FROM scored
	UNION ALL SELECT 'max_disagreement', al.top_k(id, al.max_disagreement(members), 10) FROM scored
	UNION ALL SELECT 'expected_gradient_length', al.top_k(id, al.expected_gradient_length(p, z), 10) FROM scored
)
SELECT r AS rank,
       max(id) FILTER (WHERE score = 'least_confidence') AS least_conf,
       max(id) FILTER (WHERE score = 'margin_confidence') AS margin_conf,
       max(id) FILTER (WHERE score = 'ratio_confidence') AS ratio_conf,
       max(id) FILTER (WHERE score = 'entropy') AS entropy,
       max(id) FILTER (WHERE score = 'expected_gradient_length') AS egl,
       max(id) FILTER (WHERE score = 'vote_entropy') AS vote_ent,
       max(id) FILTER (WHERE score = 'consensus_entropy') AS consensus,
       max(id) FILTER (WHERE score = 'bald') AS bald,
       max(id) FILTER (WHERE score = 'max_disagreement') AS max_disagr
FROM picks, unnest(ids) WITH ORDINALITY AS u(id, r)
GROUP BY r ORDER BY r;

\echo
\echo 'The entropy picks in detail: what the model believes, and what the expert will say.'
SELECT u.r AS rank, s.id AS biopsy,
       round(al.entropy(s.p)::numeric, 4) AS entropy,
       round((s.p::float8[])[2]::numeric, 3) AS p_malignant,
       round(al.vote_entropy(s.members)::numeric, 3) AS committee_vote_entropy,
       b.diagnosis AS true_diagnosis
FROM (SELECT al.top_k(id, al.entropy(p), 10) AS ids FROM scored) t,
     unnest(t.ids) WITH ORDINALITY AS u(id, r)
JOIN scored s ON s.id = u.id JOIN biopsy b ON b.id = u.id
ORDER BY u.r;

\echo
\echo 'Near p = 0.5 the model is least sure: those biopsies teach it the most.  The same pick as'
\echo 'plain SQL (ORDER BY ... LIMIT 10) agrees with al.top_k:'
SELECT (SELECT al.top_k(id, al.entropy(p), 10) FROM scored)
     = (SELECT array_agg(id::bigint) FROM (SELECT id FROM scored ORDER BY al.entropy(p) DESC, id LIMIT 10) q)
       AS top_k_equals_order_by;
