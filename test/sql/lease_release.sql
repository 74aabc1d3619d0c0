-- Ending leases reads only the leases of the items at hand: al.label_many
-- and al.label (the labeling annotator's lease, and every lease on an item
-- that has its overlap labels now) and al.release.  Their DELETEs joined
-- al.leases with unnest(items); with the statistics of an al.leases
-- analyzed when it had none of the learner's leases (a new deployment)
-- PostgreSQL planned that as a hash join over every lease of the learner:
-- 10 labels cost 11 ms beside 10,000 leases instead of 1.4 ms.  They now
-- read the items' leases by their tids, found through the item index in C
-- (item_probe.c).  The rows a statement read are counted by
-- pg_stat_xact_all_tables (this transaction's counts).  Without the change
-- the label_many check fails (the hash join read all 15,000 leases); the
-- single label and the release happened to be planned with the index here
-- and pass either way.  White box: runs as a superuser.
CREATE TABLE lr_pool AS
SELECT i::bigint AS id, ARRAY[i % 7, i % 5]::real[] AS x FROM generate_series(1, 20000) i;
ALTER TABLE lr_pool ADD PRIMARY KEY (id);
SELECT al.create_learner('lr', 'lr_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
                         '{"retrain_every": 100000, "lease": "1 hour", "overlap": 2}') > 0 AS created;
-- statistics that know none of the learner's leases or labels
ANALYZE al.leases;
ANALYZE al.labels;
-- 100 annotators take 150 items each: 15,000 leases (with overlap 2, an
-- item goes to two annotators); with fewer leases PostgreSQL rightly
-- prefers to read them all (a few pages) to a TID scan
SELECT count(*) AS handed, count(DISTINCT b.item_id) AS items
FROM generate_series(1, 100) g, LATERAL al.next_batch('lr', 150, 'ann' || g) b;
CREATE TEMP VIEW lr_leases AS
SELECT l.item_id, l.annotator FROM al.leases l JOIN al.learners r ON r.id = l.learner_id WHERE r.name = 'lr';
SELECT count(*) AS leases FROM lr_leases;
-- the rows of al.leases this transaction has read so far
CREATE FUNCTION pg_temp.leases_read() RETURNS bigint LANGUAGE sql AS $$
	SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) FROM pg_stat_xact_all_tables
	WHERE relid = 'al.leases'::regclass $$;
-- ten items ann7 holds (ann8 holds them too: overlap 2 hands an item to
-- two annotators)
CREATE TEMP TABLE lr_items AS
SELECT item_id FROM lr_leases WHERE annotator = 'ann7' ORDER BY 1 LIMIT 10;
SELECT count(*) AS items, count(*) FILTER (WHERE item_id IN (SELECT item_id FROM lr_leases WHERE annotator = 'ann8')) AS held_by_ann8
FROM lr_items;

-- a reviewer without a lease labels two of them, then ann7 labels all ten:
-- ann7's 10 leases end, and ann8's on the two items that have their 2
-- labels now
SELECT al.label_many('lr', (SELECT jsonb_agg(jsonb_build_object('item', item_id, 'label', 'b', 'annotator', 'reviewer'))
                            FROM (SELECT item_id FROM lr_items ORDER BY 1 LIMIT 2) s)) AS labeled_reviewer;
BEGIN;
SELECT pg_temp.leases_read() AS before \gset
SELECT al.label_many('lr', (SELECT jsonb_agg(jsonb_build_object('item', item_id, 'label', 'a', 'annotator', 'ann7'))
                            FROM lr_items)) AS labeled_ann7;
SELECT pg_temp.leases_read() - :before < 500 AS few_leases_read;
COMMIT;
SELECT count(*) AS leases, count(*) FILTER (WHERE annotator = 'ann7') AS ann7, count(*) FILTER (WHERE annotator = 'ann8') AS ann8,
       count(*) FILTER (WHERE annotator = 'ann8' AND item_id IN (SELECT item_id FROM lr_items)) AS ann8_on_the_ten
FROM lr_leases;
-- one al.label: the same
SELECT item_id AS ann11_item FROM lr_leases WHERE annotator = 'ann11' ORDER BY 1 LIMIT 1 \gset
BEGIN;
SELECT pg_temp.leases_read() AS before \gset
SELECT al.label('lr', :ann11_item::bigint, 'a', 'ann11') IS NOT NULL AS labeled;
SELECT pg_temp.leases_read() - :before < 500 AS few_leases_read_label;
COMMIT;
SELECT count(*) FILTER (WHERE annotator = 'ann11') AS ann11 FROM lr_leases;

-- al.release of 20 of ann9's items
BEGIN;
SELECT ARRAY(SELECT item_id::bigint FROM lr_leases WHERE annotator = 'ann9' ORDER BY 1 LIMIT 20) AS ann9_items \gset
SELECT pg_temp.leases_read() AS before \gset
SELECT al.release('lr', :'ann9_items'::bigint[], 'ann9') AS released;
SELECT pg_temp.leases_read() - :before < 500 AS few_leases_read_release;
COMMIT;
SELECT count(*) AS leases, count(*) FILTER (WHERE annotator = 'ann9') AS ann9 FROM lr_leases;

SELECT al.drop_learner('lr');
DROP TABLE lr_pool, lr_items;
