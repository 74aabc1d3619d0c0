-- A session's next batch of a learner reads the hot rows of the ranking from
-- where its last batch found the first open row (src/loop/batch_hint.c), so a
-- batch costs the rows taken since, not every lease of the learner.  The hint
-- may only make a batch skip items, and only until it is forgotten: here
-- every batch is checked against the ORDER BY of the ranking, and every way an
-- item before the hint reopens is tried (rollback, savepoint, release,
-- unlabel, lease expiry), with the DEBUG1 line saying where a batch read from.
-- (al.next_batch refuses REPEATABLE READ, whose snapshot would not move.)
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- 300 text ids, mixed case, with many equal scores (9 distinct probvecs)
CREATE TABLE hint_pool (id text PRIMARY KEY, p al.probvec);
INSERT INTO hint_pool
SELECT (ARRAY['a', 'B', 'b', 'C'])[i % 4 + 1] || lpad((i * 7919 % 1000)::text, 3, '0'),
       ARRAY[0.1 + 0.05 * (i % 9), 0.3, 0.6 - 0.05 * (i % 9)]::float8[]::al.probvec
FROM generate_series(1, 300) i;
SELECT al.create_learner('hint', 'hint_pool', 'id', 'p', '{a,b,c}', 'entropy',
                         '{"predictions": true, "batch_size": 7}') > 0 AS created;
SELECT al.predictions_updated('hint', 'v1');
SELECT al.run_learner('hint') AS round;
SELECT count(*) AS hot_rows, count(DISTINCT score) AS distinct_scores
FROM al.scores WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'hint') AND hot;

-- the hand-out order, and what the batches gave, one batch per transaction
CREATE TABLE hint_order AS
SELECT row_number() OVER (ORDER BY rank, score DESC, item_id) AS pos, item_id
FROM al.scores WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'hint');
CREATE TABLE handed (batch int, item_id text, n bigint GENERATED ALWAYS AS IDENTITY);

-- the first batch reads from the top, the next from its hint
SET client_min_messages = debug1;
INSERT INTO handed (batch, item_id) SELECT 1, item_id FROM al.next_batch('hint', NULL, 'ann');
INSERT INTO handed (batch, item_id) SELECT 2, item_id FROM al.next_batch('hint', NULL, 'ann');
RESET client_min_messages;
SELECT format('INSERT INTO handed (batch, item_id) SELECT %s, item_id FROM al.next_batch(''hint'', NULL, ''ann'')', g)
FROM generate_series(3, 43) g \gexec
-- every item once, in the ranking's order (ties broken by item_id as ORDER BY does)
SELECT count(*) AS handed, count(DISTINCT item_id) AS distinct_items,
       count(*) FILTER (WHERE h.rn <> o.pos) AS out_of_order
FROM (SELECT item_id, row_number() OVER (ORDER BY n) AS rn FROM handed) h JOIN hint_order o USING (item_id);

-- ---- an aborted transaction's leases did not take anything ----
-- (al.release forgets this session's hints: the items come back at once)
SELECT al.release('hint', ARRAY(SELECT item_id FROM al.leases WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'hint')), 'ann') AS released_all;
TRUNCATE handed;
INSERT INTO handed (batch, item_id) SELECT 1, item_id FROM al.next_batch('hint', NULL, 'ann');
BEGIN;
INSERT INTO handed (batch, item_id) SELECT 2, item_id FROM al.next_batch('hint', NULL, 'ann');
-- (this one starts after batch 2's uncommitted leases)
INSERT INTO handed (batch, item_id) SELECT 3, item_id FROM al.next_batch('hint', NULL, 'ann');
ROLLBACK;
INSERT INTO handed (batch, item_id) SELECT 2, item_id FROM al.next_batch('hint', NULL, 'ann');
-- batch 2 again gives the ranking's items 8 to 14 (had the hint found in the
-- aborted transaction been kept, 22 to 28)
SELECT batch, count(*) AS items, min(o.pos) AS first_pos, max(o.pos) AS last_pos
FROM handed JOIN hint_order o USING (item_id) GROUP BY batch ORDER BY batch;
-- the same with a savepoint
BEGIN;
SAVEPOINT s;
SELECT count(*) AS taken FROM al.next_batch('hint', NULL, 'ann');
SELECT count(*) AS taken FROM al.next_batch('hint', NULL, 'ann');
ROLLBACK TO SAVEPOINT s;
INSERT INTO handed (batch, item_id) SELECT 3, item_id FROM al.next_batch('hint', NULL, 'ann');
COMMIT;
SELECT batch, min(o.pos) AS first_pos, max(o.pos) AS last_pos
FROM handed JOIN hint_order o USING (item_id) WHERE batch = 3 GROUP BY batch;

-- ---- a release and an unlabel in this session reopen items before the hint ----
SELECT count(*) AS next FROM al.next_batch('hint', 7, 'ann');
SELECT al.release('hint', ARRAY(SELECT item_id FROM handed WHERE batch = 1 ORDER BY n LIMIT 2), 'ann') AS released;
SET client_min_messages = debug1;
INSERT INTO handed (batch, item_id) SELECT 4, item_id FROM al.next_batch('hint', 2, 'ann');
RESET client_min_messages;
-- the released items, positions 1 and 2
SELECT o.pos FROM handed JOIN hint_order o USING (item_id) WHERE batch = 4 ORDER BY n;
SELECT al.label('hint', (SELECT item_id FROM handed WHERE batch = 2 ORDER BY n LIMIT 1), 'a', 'ann') AS labeled;
SELECT count(*) AS next FROM al.next_batch('hint', 7, 'ann');
SELECT al.unlabel('hint', (SELECT item_id FROM handed WHERE batch = 2 ORDER BY n LIMIT 1), 'ann') AS unlabeled;
-- the unlabeled item (batch 2's first, position 8), not the next after the hint
SELECT o.pos FROM al.next_batch('hint', 1, 'ann') b JOIN hint_order o USING (item_id);

-- ---- changes made by other SQL than al_ext's (statement trigger al.batch_hints_reopen) ----
-- al_ext's own changes say themselves what they reopen: a label replaces its
-- lease and reopens nothing, so the next batch still reads from the hint
SELECT al.release('hint', ARRAY(SELECT item_id FROM al.leases WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'hint')), 'ann') AS released_all;
TRUNCATE handed;
INSERT INTO handed (batch, item_id) SELECT 5, item_id FROM al.next_batch('hint', 7, 'ann');
SELECT al.label('hint', (SELECT item_id FROM handed WHERE batch = 5 ORDER BY n LIMIT 1), 'a', 'ann') AS labeled;
SET client_min_messages = debug1;
INSERT INTO handed (batch, item_id) SELECT 6, item_id FROM al.next_batch('hint', 7, 'ann');
RESET client_min_messages;
-- an administrator's DELETE of two leases: the next batch reads from the top
-- and gives their items first (positions 2 and 3; the hint would give 15 on)
DELETE FROM al.leases WHERE item_id IN (SELECT item_id FROM handed WHERE batch = 5 ORDER BY n OFFSET 1 LIMIT 2);
SET client_min_messages = debug1;
SELECT o.pos FROM al.next_batch('hint', 2, 'ann') b JOIN hint_order o USING (item_id) ORDER BY o.pos;
RESET client_min_messages;
-- a lease cut short by an UPDATE (position 4); an UPDATE of other columns reopens nothing
SELECT count(*) AS next FROM al.next_batch('hint', 7, 'ann');
UPDATE al.leases SET leased_at = leased_at WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'hint');
SET client_min_messages = debug1;
SELECT count(*) AS taken FROM al.next_batch('hint', 1, 'ann');
RESET client_min_messages;
UPDATE al.leases SET expires_at = now() WHERE item_id = (SELECT item_id FROM handed WHERE batch = 5 ORDER BY n OFFSET 3 LIMIT 1);
SELECT o.pos FROM al.next_batch('hint', 1, 'ann') b JOIN hint_order o USING (item_id);
-- a DELETE of a label (position 1, labeled above)
DELETE FROM al.labels WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'hint');
SELECT o.pos FROM al.next_batch('hint', 1, 'ann') b JOIN hint_order o USING (item_id);
-- the trigger function is for the trigger only (and for al_ext's tables' owner)
SELECT pg_temp.try($$SELECT al.batch_hints_reopen()::text$$) AS called_directly;
SELECT has_function_privilege('public', 'al.batch_hints_reopen()', 'EXECUTE') AS public_may_call;

-- ---- expired leases: a hint is used until the first lease it may hide expires ----
SELECT al.alter_learner('hint', NULL, '{"lease": "2 seconds"}') IS NOT NULL AS altered;
SELECT al.release('hint', ARRAY(SELECT item_id FROM al.leases WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'hint')), 'ann') AS released_all;
SELECT min(o.pos) AS first_batch_from, max(o.pos) AS to FROM al.next_batch('hint', 7, 'ann') b JOIN hint_order o USING (item_id);
SELECT pg_sleep(0.3);
SELECT min(o.pos) AS second_batch_from, max(o.pos) AS to FROM al.next_batch('hint', 7, 'ann') b JOIN hint_order o USING (item_id);
SELECT pg_sleep(1.9);
-- the first batch's leases expired and the hint is over 2 s old: positions 1 to
-- 7 again (from the hint: 15 to 21).  (Had the second batch come a second after
-- the first, it would have read from the top, and given 8 to 14 all the same.)
SET client_min_messages = debug1;
SELECT o.pos FROM al.next_batch('hint', 7, 'ann') b JOIN hint_order o USING (item_id) ORDER BY o.pos;
RESET client_min_messages;

-- a lease runs from the hand-out, not from the transaction's start (the
-- batch below comes 1 s into its transaction, with leases of 2 seconds)
BEGIN;
SELECT pg_sleep(1);
SELECT count(*) AS taken FROM al.next_batch('hint', 2, 'late');
SELECT bool_and(expires_at > clock_timestamp() + interval '1.5 seconds') AS lease_from_hand_out
FROM al.leases WHERE annotator = 'late';
COMMIT;

-- ---- a new round: the hint of the old ranking is not used ----
SELECT al.alter_learner('hint', NULL, '{"lease": "1 hour"}') IS NOT NULL AS altered;
SELECT count(*) AS taken FROM al.next_batch('hint', 7, 'ann');
SELECT al.predictions_updated('hint', 'v2');
SELECT al.run_learner('hint') AS round;
SET client_min_messages = debug1;
SELECT count(*) AS taken FROM al.next_batch('hint', 7, 'ann');
RESET client_min_messages;

-- two rounds in one transaction (the al.ranking_state row has one xmin, a new ctid)
BEGIN;
SELECT al.predictions_updated('hint', 'v3');
SELECT al.run_learner('hint') AS round;
SET LOCAL client_min_messages = debug1;
SELECT count(*) AS taken FROM al.next_batch('hint', 7, 'ann');
SELECT count(*) AS taken FROM al.next_batch('hint', 7, 'ann');
RESET client_min_messages;
SELECT al.predictions_updated('hint', 'v4');
SELECT al.run_learner('hint') AS round;
SET LOCAL client_min_messages = debug1;
SELECT count(*) AS taken FROM al.next_batch('hint', 7, 'ann');
COMMIT;

-- ---- a ranked learner: ranks first (keyset on rank), then the unranked hot rows by score ----
CREATE TABLE hint_pool2 (id bigint PRIMARY KEY, x real[]);
INSERT INTO hint_pool2 SELECT i, ARRAY[(i % 17) / 4.0, (i % 5) - 2.0]::real[] FROM generate_series(1, 400) i;
SELECT al.create_learner('hint2', 'hint_pool2', 'id', 'x', '{a,b}', 'margin_confidence',
                         '{"batch": "ranked", "candidates": 60, "batch_size": 9, "retrain_every": 1000}') > 0 AS created;
SELECT al.label_many('hint2', (SELECT jsonb_agg(jsonb_build_object('item', i, 'label', CASE WHEN i % 17 < 9 THEN 'a' ELSE 'b' END))
                               FROM generate_series(1, 40) i)) AS labeled;
SELECT al.retrain('hint2');
SELECT al.run_learner('hint2') AS round;
CREATE TABLE hint_order2 AS
SELECT row_number() OVER (ORDER BY rank, score DESC, item_id) AS pos, item_id, rank
FROM al.scores WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'hint2');
SELECT count(*) AS rows, count(rank) AS ranked FROM hint_order2;
TRUNCATE handed;
SELECT format('INSERT INTO handed (batch, item_id) SELECT %s, item_id FROM al.next_batch(''hint2'', NULL, ''ann'')', g)
FROM generate_series(1, 40) g \gexec
SELECT count(*) AS handed, count(DISTINCT item_id) AS distinct_items,
       count(*) FILTER (WHERE h.rn <> o.pos) AS out_of_order
FROM (SELECT item_id, row_number() OVER (ORDER BY n) AS rn FROM handed) h JOIN hint_order2 o USING (item_id);

-- ---- the hot rows run out: a batch marks the next ones hot (one scan of the ranking) ----
CREATE TABLE hint_pool3 (id bigint PRIMARY KEY, p al.probvec);
INSERT INTO hint_pool3 SELECT i, ARRAY[0.3 + (i % 97) / 400.0, 0.7 - (i % 97) / 400.0]::float8[]::al.probvec
FROM generate_series(1, 10050) i;
SELECT al.create_learner('hint3', 'hint_pool3', 'id', 'p', '{a,b}', 'entropy', '{"predictions": true}') > 0 AS created;
SELECT al.predictions_updated('hint3', 'v1');
SELECT al.run_learner('hint3') AS round;
CREATE TABLE hint_order3 AS
SELECT row_number() OVER (ORDER BY rank, score DESC, item_id) AS pos, item_id
FROM al.scores WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'hint3');
SELECT count(*) FILTER (WHERE hot) AS hot_rows, count(*) AS rows
FROM al.scores WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'hint3');
-- every hot row, in one batch
SELECT count(*) AS taken, max(o.pos) AS last_pos FROM al.next_batch('hint3', 10000, 'ann') b JOIN hint_order3 o USING (item_id);
-- none is open; inside a transaction block a batch marks nothing (its row locks
-- would last as long as the annotator's transaction) and reads the rest by a scan
BEGIN;
SET LOCAL client_min_messages = debug1;
SELECT min(o.pos) AS first_pos, max(o.pos) AS last_pos FROM al.next_batch('hint3', 3, 'ann') b JOIN hint_order3 o USING (item_id);
ROLLBACK;
-- outside one, this batch marks the next 50 hot and takes the first 7 of them
SET client_min_messages = debug1;
SELECT min(o.pos) AS first_pos, max(o.pos) AS last_pos FROM al.next_batch('hint3', 7, 'ann') b JOIN hint_order3 o USING (item_id);
RESET client_min_messages;
SELECT count(*) FILTER (WHERE hot) AS hot_rows
FROM al.scores WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'hint3');
SELECT min(o.pos) AS first_pos, max(o.pos) AS last_pos, count(*) AS taken
FROM al.next_batch('hint3', 100, 'ann') b JOIN hint_order3 o USING (item_id);
-- past the end of the ranking: nothing to mark, nothing to hand out
SET client_min_messages = debug1;
SELECT count(*) AS taken FROM al.next_batch('hint3', 5, 'ann');
RESET client_min_messages;
SELECT count(*) AS leased, count(DISTINCT item_id) AS distinct_items
FROM al.leases WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'hint3');

SELECT al.drop_learner('hint');
SELECT al.drop_learner('hint2');
SELECT al.drop_learner('hint3');
DROP TABLE hint_pool, hint_pool2, hint_pool3, hint_order, hint_order2, hint_order3, handed;
