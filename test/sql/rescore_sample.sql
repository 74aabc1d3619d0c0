-- Option rescore_sample: a round rescores a seeded random subset of the pool
-- (a fraction, or a row count over the pool's rows) and the other rows keep
-- their earlier scores, with the model version that scored them
-- (al.scores.model_version below the learner's: stale).  White box: the
-- suite runs as a superuser and reads al.scores directly.
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try
-- the draw, independently of the C code (pg_temp.drawn)
\set drawn :abs_srcdir '/sql/include/drawn.sql'
\i :drawn

SELECT setseed(0.27);
CREATE TABLE rs_pool AS
SELECT i::bigint AS id, ARRAY[random() * 4 + i % 3, random() * 4]::real[] AS x FROM generate_series(1, 2000) i;
ALTER TABLE rs_pool ADD PRIMARY KEY (id);
SELECT al.create_learner('rs', 'rs_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 7, "rescore_sample": 0.25}') > 0 AS created;
SELECT options->'rescore_sample' AS rescore_sample FROM al.learners WHERE name = 'rs';
SELECT count(al.label('rs', id, (ARRAY['a', 'b', 'c'])[id % 3 + 1])) AS labeled FROM rs_pool WHERE id <= 30;
-- the first round has no earlier ranking: it scores every unlabeled row
SELECT al.retrain('rs');
SELECT al.run_learner('rs') AS round;
CREATE TABLE rs_v1 AS SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'rs';
SELECT count(*) AS rows, min(model_version) AS min_version, max(model_version) AS max_version FROM rs_v1;

-- version 2: 10 more labels, then a round that rescores about a quarter
SELECT count(al.label('rs', id, (ARRAY['a', 'b', 'c'])[id % 3 + 1])) AS labeled FROM rs_pool WHERE id BETWEEN 31 AND 40;
SELECT al.retrain('rs');
SELECT al.run_learner('rs') AS round;
CREATE VIEW rs_now AS SELECT s.* FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'rs';
SELECT model_version FROM al.learners WHERE name = 'rs';
-- the rescored rows are exactly the unlabeled rows drawn for version 2
SELECT count(*) AS rescored,
       array_agg(item_id ORDER BY item_id) =
       (SELECT array_agg(id::text ORDER BY id::text) FROM rs_pool
        WHERE id > 40 AND pg_temp.drawn(id::text, 7, 2, 0.25)) AS rescored_are_the_drawn_rows
FROM rs_now WHERE model_version = 2;
-- the others kept their version-1 scores, predictions and probabilities
SELECT count(*) AS stale,
       count(*) FILTER (WHERE o.score = n.score AND o.predicted = n.predicted AND o.probs::text = n.probs::text) AS unchanged
FROM rs_now n JOIN rs_v1 o USING (item_id) WHERE n.model_version = 1;
-- every unlabeled row is ranked once; the 10 new labels left the ranking
SELECT count(*) AS ranked, count(DISTINCT item_id) AS items, count(*) FILTER (WHERE item_id::bigint <= 40) AS labeled_in_ranking,
       (SELECT ranked_rows FROM al.ranking_state r JOIN al.learners l ON l.id = r.learner_id WHERE l.name = 'rs') AS ranked_rows
FROM rs_now;
-- the rescored rows' scores are the new model's: al.predict and al.entropy agree
SELECT max(abs(n.score - al.entropy(al.predict_proba_real((SELECT id FROM al.model_store WHERE name = 'learner/rs' AND version = 2), p.x)))) < 1e-6
       AS rescored_by_version_2
FROM rs_now n JOIN rs_pool p ON p.id::text = n.item_id WHERE n.model_version = 2;
-- all 1,960 rows are hot (fewer than 10,000), and batches come by score
SELECT count(*) FILTER (WHERE hot) AS hot FROM rs_now;
SELECT array_agg(b.item_id ORDER BY b.o) = (SELECT array_agg(item_id ORDER BY score DESC, item_id) FROM (
          SELECT item_id, score FROM rs_now ORDER BY score DESC, item_id LIMIT 5) t) AS batch_by_score
FROM al.next_batch('rs', 5, 'ann') WITH ORDINALITY b(item_id, s, p, q, o);

-- version 3: the rows drawn for version 3 are rescored, the rest keep version 1 or 2
CREATE TABLE rs_v2 AS SELECT * FROM rs_now;
SELECT al.retrain('rs');
SELECT al.run_learner('rs') AS round;
SELECT array_agg(item_id ORDER BY item_id) FILTER (WHERE model_version = 3) =
       (SELECT array_agg(id::text ORDER BY id::text) FROM rs_pool
        WHERE id > 40 AND pg_temp.drawn(id::text, 7, 3, 0.25)) AS version_3_drawn,
       count(*) FILTER (WHERE model_version = 3) AS v3, count(*) FILTER (WHERE model_version = 2) AS v2,
       count(*) FILTER (WHERE model_version = 1) AS v1
FROM rs_now;
SELECT count(*) = count(*) FILTER (WHERE o.score = n.score AND o.model_version = n.model_version) AS stale_rows_kept
FROM rs_now n JOIN rs_v2 o USING (item_id) WHERE n.model_version < 3;

-- a row count: 300 of the pool's 2,000 rows is the fraction 0.15; changing
-- the option (a selection option) ranks the whole pool once
SELECT al.alter_learner('rs', NULL, '{"rescore_sample": 300}');
SELECT al.run_learner('rs') AS round;
SELECT count(*) AS rows, min(model_version) AS min_version, max(model_version) AS max_version FROM rs_now;
SELECT al.retrain('rs');
SELECT al.run_learner('rs') AS round;
SELECT array_agg(item_id ORDER BY item_id) FILTER (WHERE model_version = 4) =
       (SELECT array_agg(id::text ORDER BY id::text) FROM rs_pool
        WHERE id > 40 AND pg_temp.drawn(id::text, 7, 4, 0.15)) AS version_4_drawn,
       count(*) FILTER (WHERE model_version = 4) AS v4, count(*) AS rows
FROM rs_now;
-- a count of the pool's size or more rescores every row (the alter's
-- round, then the next version's)
SELECT al.alter_learner('rs', NULL, '{"rescore_sample": 2000}');
SELECT al.run_learner('rs') AS round;
SELECT al.retrain('rs');
SELECT al.run_learner('rs') AS round;
SELECT count(*) AS rows, min(model_version) AS min_version, max(model_version) AS max_version FROM rs_now;
-- null turns it off
SELECT al.alter_learner('rs', NULL, '{"rescore_sample": null}');
SELECT options ? 'rescore_sample' AS still_set FROM al.learners WHERE name = 'rs';

-- text ids under a nondeterministic collation: the draw hashes the ids'
-- bytes in the pool's query as in the delete of the drawn rows (under a
-- case-insensitive collation the pool's query hashed 'Item-7' by its sort
-- key: the rows deleted and those rescored were two different draws, and
-- rows left the ranking)
CREATE COLLATION rs_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
SELECT setseed(0.5);
CREATE TABLE rs_text (id text COLLATE rs_ci PRIMARY KEY, x real[]);
INSERT INTO rs_text SELECT 'Item-' || i, ARRAY[random() * 4 + i % 3, random() * 4]::real[] FROM generate_series(1, 600) i;
SELECT al.create_learner('rs_t', 'rs_text', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
                         '{"retrain_every": 100000, "seed": 11, "rescore_sample": 0.3}') > 0 AS created;
SELECT count(al.label('rs_t', 'Item-' || i, (ARRAY['a', 'b', 'c'])[i % 3 + 1])) AS labeled FROM generate_series(1, 30) i;
SELECT al.retrain('rs_t'), al.run_learner('rs_t') AS round;
SELECT count(al.label('rs_t', 'Item-' || i, (ARRAY['a', 'b', 'c'])[i % 3 + 1])) AS labeled FROM generate_series(31, 60) i;
SELECT al.retrain('rs_t'), al.run_learner('rs_t') AS round;
-- every unlabeled row once; version 2 scored exactly the drawn ones
SELECT count(*) AS ranked, count(DISTINCT item_id) AS items,
       array_agg(item_id ORDER BY item_id COLLATE "C") FILTER (WHERE s.model_version = 2) =
       (SELECT array_agg(id ORDER BY id COLLATE "C") FROM rs_text
        WHERE substr(id, 6)::int > 60 AND pg_temp.drawn(id, 11, 2, 0.3)) AS version_2_drawn,
       count(*) FILTER (WHERE s.model_version = 2) BETWEEN 100 AND 220 AS about_a_third
FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'rs_t';
SELECT al.drop_learner('rs_t');
DROP TABLE rs_text;
DROP COLLATION rs_ci;

-- errors (22023)
SELECT pg_temp.try($$SELECT al.alter_learner('rs', NULL, '{"rescore_sample": 0}')$$) AS zero;
SELECT pg_temp.try($$SELECT al.alter_learner('rs', NULL, '{"rescore_sample": -0.5}')$$) AS negative;
SELECT pg_temp.try($$SELECT al.alter_learner('rs', NULL, '{"rescore_sample": 1.5}')$$) AS not_a_count;
SELECT pg_temp.try($$SELECT al.alter_learner('rs', NULL, '{"rescore_sample": 1e13}')$$) AS too_many;
SELECT pg_temp.try($$SELECT al.alter_learner('rs', NULL, '{"rescore_sample": "10%"}')$$) AS text_value;
SELECT pg_temp.try($$SELECT al.alter_learner('rs', NULL, '{"rescore_sample": 0.5, "batch": "kcenter"}')$$) AS with_kcenter;
SELECT pg_temp.try($$SELECT al.alter_learner('rs', NULL, '{"rescore_sample": 0.5, "explore": {"epsilon": 0.1}}')$$) AS with_explore;
SELECT pg_temp.try($$SELECT al.alter_learner('rs', NULL, '{"rescore_sample": 0.5, "sample": 100}')$$) AS with_sample;
SELECT pg_temp.try($$SELECT al.alter_learner('rs', NULL, '{"rescore_sample": 0.5, "density": 1}')$$) AS with_density;
SELECT pg_temp.try($$SELECT al.create_learner('rs_eer', 'rs_pool', 'id', 'x', ARRAY['a', 'b'], 'expected_error_reduction',
                                              '{"rescore_sample": 0.5}')::text$$) AS with_eer;
-- (and the other way round: a batch option on a learner with the option)
SELECT al.alter_learner('rs', NULL, '{"rescore_sample": 0.5}');
SELECT pg_temp.try($$SELECT al.alter_learner('rs', NULL, '{"batch": "ranked"}')$$) AS batch_later;

SELECT al.drop_learner('rs');
DROP VIEW rs_now;
DROP TABLE rs_v1, rs_v2, rs_pool;
