-- al.next_batch's item claims are bounded per transaction: a transaction that
-- takes small batch after small batch (an annotator fetching ahead, a proxy
-- serving a team) claims no more than its share of the shared lock table
-- (max_locks_per_transaction); it takes the learner's batch lock exclusively
-- instead.  Before, 100 batches of 64 in one transaction filled the lock table
-- of a server with max_locks_per_transaction 64 and 20 connections: "out of
-- shared memory" for every session.
CREATE TABLE claims_pool AS
SELECT i::bigint AS id, ARRAY[i % 7, i % 5]::real[] AS x FROM generate_series(1, 20000) i;
SELECT al.create_learner('claims', 'claims_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
                         '{"retrain_every": 100000, "lease": "1 hour"}') > 0 AS created;
SHOW max_locks_per_transaction;
BEGIN;
-- 150 batches of 64: 9,600 items, far beyond the lock table's 6,400 entries or so
SELECT count(*) AS handed, count(DISTINCT b.item_id) AS distinct_items
FROM generate_series(1, 150) g, LATERAL (SELECT item_id FROM al.next_batch('claims', 64, 'ann' || g)) b;
-- the first batch claimed its 64 items under the shared batch lock; the
-- others took it exclusively and claimed none
SELECT count(*) AS item_claims FROM pg_locks
WHERE locktype = 'advisory' AND objsubid = 16718 AND pid = pg_backend_pid();
SELECT mode FROM pg_locks
WHERE locktype = 'advisory' AND objsubid = 16717 AND pid = pg_backend_pid() ORDER BY mode;
SELECT count(*) AS leases FROM al.leases WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'claims');
ROLLBACK;
-- a new transaction starts from no claims: small batches share the lock again
BEGIN;
SELECT count(*) AS handed FROM al.next_batch('claims', 10, 'ann1');
SELECT count(*) AS handed FROM al.next_batch('claims', 10, 'ann2');
SELECT count(*) AS item_claims FROM pg_locks
WHERE locktype = 'advisory' AND objsubid = 16718 AND pid = pg_backend_pid();
SELECT mode FROM pg_locks
WHERE locktype = 'advisory' AND objsubid = 16717 AND pid = pg_backend_pid() ORDER BY mode;
ROLLBACK;
SELECT al.drop_learner('claims');
DROP TABLE claims_pool;
