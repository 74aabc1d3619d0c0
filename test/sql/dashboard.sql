-- The dashboard views (al.labels_per_day, al.label_distribution,
-- al.leases_per_annotator, al.worker_liveness): each checked against counts
-- made by hand for a fixture built here, and against the same counts
-- computed directly from al_ext's tables; each read by the view role, and
-- by a role with no right (who sees nothing).
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

SET TimeZone = 'UTC';
CREATE TABLE dash_pool AS
SELECT i::bigint AS id, ARRAY[(i % 3)::real, (i % 5)::real]::real[] AS x
FROM generate_series(1, 40) i;

CREATE ROLE regress_dash_owner;
CREATE ROLE regress_dash_ann;		-- annotate
CREATE ROLE regress_dash_ann2;		-- annotate
CREATE ROLE regress_dash_proxy;		-- proxy
CREATE ROLE regress_dash_viewer;	-- view
CREATE ROLE regress_dash_stranger;	-- nothing
GRANT SELECT ON dash_pool TO regress_dash_owner;

SET ROLE regress_dash_owner;
SELECT al.create_learner('dash', 'dash_pool', 'id', 'x', ARRAY['red', 'green', 'blue'], 'entropy',
                         '{"retrain_every": 1000, "batch_size": 3, "seed": 1, "lease": "1 hour"}') > 0 AS created;
SELECT al.create_learner('dash_other', 'dash_pool', 'id', 'x', ARRAY['yes', 'no'], 'entropy',
                         '{"retrain_every": 1000, "seed": 2}') > 0 AS created;
SELECT al.grant_learner('dash', 'regress_dash_ann', 'annotate'), al.grant_learner('dash', 'regress_dash_ann2', 'annotate'),
       al.grant_learner('dash', 'regress_dash_proxy', 'proxy'), al.grant_learner('dash', 'regress_dash_viewer', 'view');
SELECT al.label('dash_other', 1, 'yes', 'someone');
RESET ROLE;

-- ann labels items 1-5 (red, red, green, blue, red); ann2 labels 1-2
-- (green, red); the proxy records item 6 (blue) in ann2's name
SET ROLE regress_dash_ann;
SELECT al.label('dash', i, l) FROM (VALUES (1, 'red'), (2, 'red'), (3, 'green'), (4, 'blue'), (5, 'red')) v(i, l);
SET ROLE regress_dash_ann2;
SELECT al.label('dash', 1, 'green'), al.label('dash', 2, 'red');
SET ROLE regress_dash_proxy;
SELECT al.label('dash', 6, 'blue', 'regress_dash_ann2');
RESET ROLE;
-- spread ann's labels over two days (as the store's owner would see a
-- team's history): items 1-2 on 2026-11-01, the rest on 2026-11-02; ann2's
-- on 2026-11-02
UPDATE al.labels b SET labeled_at = CASE WHEN b.annotator = 'regress_dash_ann' AND b.item_id IN ('1', '2')
                                        THEN timestamptz '2026-11-01 23:30+00'
                                        ELSE timestamptz '2026-11-02 00:30+00' END
FROM al.learner_store l WHERE l.id = b.learner_id AND l.name = 'dash';

-- ---- al.labels_per_day ----
-- by hand: ann 2 on 11-01, 3 on 11-02; ann2 3 on 11-02, one by proxy
SET ROLE regress_dash_viewer;
SELECT learner, annotator, day, labels, by_proxy FROM al.labels_per_day ORDER BY 1, 2, 3;
RESET ROLE;
-- the same counts straight from al.labels
SELECT count(*) AS mismatches FROM (
	(SELECT learner, annotator, day, labels, by_proxy FROM al.labels_per_day
	 EXCEPT
	 SELECT l.name, b.annotator, (b.labeled_at AT TIME ZONE 'UTC')::date, count(*),
	        sum(CASE WHEN b.recorded_by <> b.annotator THEN 1 ELSE 0 END)
	 FROM al.labels b JOIN al.learner_store l ON l.id = b.learner_id GROUP BY 1, 2, 3)
	UNION ALL
	(SELECT l.name, b.annotator, (b.labeled_at AT TIME ZONE 'UTC')::date, count(*),
	        sum(CASE WHEN b.recorded_by <> b.annotator THEN 1 ELSE 0 END)
	 FROM al.labels b JOIN al.learner_store l ON l.id = b.learner_id GROUP BY 1, 2, 3
	 EXCEPT
	 SELECT learner, annotator, day, labels, by_proxy FROM al.labels_per_day)) d;
-- days follow the session's time zone: 23:30 UTC on 11-01 is 11-02 in Berlin
SET TimeZone = 'Europe/Berlin';
SELECT annotator, day, labels FROM al.labels_per_day WHERE learner = 'dash' ORDER BY 1, 2;
SET TimeZone = 'UTC';

-- ---- al.label_distribution ----
-- by hand: red 4 labels on 3 items (1, 2 twice, 5), green 2 on 2 items
-- (1, 3), blue 2 on 2 items (4, 6); shares 4/8, 2/8, 2/8; the other
-- learner: yes 1 (share 1), no 0
SET ROLE regress_dash_viewer;
SELECT learner, class, class_index, labels, items, share FROM al.label_distribution ORDER BY 1, 3;
SET ROLE regress_dash_owner;
SELECT learner, class, labels, items, share FROM al.label_distribution ORDER BY 1, 3;
RESET ROLE;

-- ---- al.leases_per_annotator ----
-- ann takes a batch of 3, ann2 one of 2; then one of ann's leases is made
-- to have run out an hour ago
SET ROLE regress_dash_ann;
SELECT count(*) AS ann_leased FROM al.next_batch('dash', 3);
SET ROLE regress_dash_ann2;
SELECT count(*) AS ann2_leased FROM al.next_batch('dash', 2);
RESET ROLE;
UPDATE al.leases x SET leased_at = now() - interval '2 hours', expires_at = now() - interval '1 hour'
WHERE x.item_id = (SELECT min(y.item_id) FROM al.leases y WHERE y.annotator = 'regress_dash_ann');
SET ROLE regress_dash_viewer;
-- by hand: ann 2 open, 1 expired; ann2 2 open, 0 expired
SELECT learner, annotator, open, expired, oldest_open_since IS NOT NULL AS has_open,
       next_expiry > now() + interval '59 minutes' AS expiry_in_an_hour
FROM al.leases_per_annotator ORDER BY 1, 2;
RESET ROLE;
-- the same counts and times straight from al.leases
SELECT count(*) AS mismatches FROM (
	SELECT v.annotator FROM al.leases_per_annotator v
	JOIN (SELECT annotator, count(*) FILTER (WHERE expires_at > now()) AS o,
	             count(*) FILTER (WHERE expires_at <= now()) AS e,
	             min(leased_at) FILTER (WHERE expires_at > now()) AS since,
	             min(expires_at) FILTER (WHERE expires_at > now()) AS nxt
	      FROM al.leases GROUP BY annotator) d ON d.annotator = v.annotator
	WHERE (v.open, v.expired, v.oldest_open_since, v.next_expiry) IS DISTINCT FROM (d.o, d.e, d.since, d.nxt)) m;

-- ---- al.time_to_label ----
-- the leases' start times as they are now; then ann labels her three
-- leased items (one lease ran out: it still counts, it was hers), ann2
-- labels one of hers, and ann labels one of ann2's leased items (not her
-- lease: no time), and item 40 nobody leased
CREATE TABLE lease_starts AS SELECT item_id, annotator, leased_at FROM al.leases;
GRANT SELECT ON lease_starts TO PUBLIC;
SELECT annotator, count(*) FROM lease_starts GROUP BY 1 ORDER BY 1;
SELECT min(item_id) AS ann2_first FROM lease_starts WHERE annotator = 'regress_dash_ann2' \gset
SELECT max(item_id) AS ann2_last FROM lease_starts WHERE annotator = 'regress_dash_ann2' \gset
SET ROLE regress_dash_ann;
SELECT count(al.label('dash', item_id, 'red')) FROM lease_starts WHERE annotator = 'regress_dash_ann';
SELECT al.label('dash', :'ann2_last', 'blue'), al.label('dash', 40, 'green');
SET ROLE regress_dash_ann2;
SELECT al.label('dash', :'ann2_first', 'green');
RESET ROLE;
-- each label under its own lease kept that lease's start; the others none
SELECT b.annotator, s.annotator IS NOT NULL AS own_lease, b.leased_at IS NOT DISTINCT FROM s.leased_at AS kept_start,
       count(*)
FROM al.labels b JOIN al.learner_store l ON l.id = b.learner_id AND l.name = 'dash'
LEFT JOIN lease_starts s ON s.item_id = b.item_id AND s.annotator = b.annotator
WHERE b.item_id IN (SELECT item_id FROM lease_starts) OR b.item_id = '40'
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
-- give the timed labels known durations: ann 2, 4 and 12 minutes, ann2 5
WITH timed AS (
	SELECT b.item_id, b.annotator, row_number() OVER (PARTITION BY b.annotator ORDER BY b.item_id) AS n
	FROM al.labels b JOIN al.learner_store l ON l.id = b.learner_id AND l.name = 'dash'
	WHERE b.leased_at IS NOT NULL)
UPDATE al.labels b SET labeled_at = b.leased_at + CASE WHEN t.annotator = 'regress_dash_ann2' THEN interval '5 minutes'
                                                        ELSE (ARRAY[interval '2 minutes', '4 minutes', '12 minutes'])[t.n] END
FROM timed t WHERE t.item_id = b.item_id AND t.annotator = b.annotator;
-- by hand: ann 3 labels, mean 6 min, median 4 min, p90 = 4 + 0.8 x 8 = 10.4 min, max 12;
-- ann2 1 label of 5 minutes
SET ROLE regress_dash_viewer;
SELECT learner, annotator, labels, mean, median, p90, max FROM al.time_to_label ORDER BY 1, 2;
RESET ROLE;

-- ---- al.worker_liveness ----
-- no worker serves the regression database; 14 labels of dash wait (8
-- above, 6 just now), the oldest since 2026-11-01; no model yet
SET ROLE regress_dash_viewer;
SELECT learner, worker_running, phase, labels_waiting, oldest_waiting_label_age > interval '1 day' AS waited_a_day,
       model_version, published_at
FROM al.worker_liveness ORDER BY 1;
RESET ROLE;
SELECT count(*) AS mismatches
FROM al.worker_liveness w JOIN al.learner_status s ON s.learner = w.learner
WHERE (w.worker_running, w.phase, w.labels_waiting, w.model_version, w.last_counted_at, w.problem)
      IS DISTINCT FROM (s.worker_running, s.phase, s.labels_waiting, s.model_version, s.counted_at, s.problem);

-- ---- a role with no right sees nothing; PUBLIC may select ----
SET ROLE regress_dash_stranger;
SELECT (SELECT count(*) FROM al.labels_per_day) AS per_day, (SELECT count(*) FROM al.label_distribution) AS distribution,
       (SELECT count(*) FROM al.leases_per_annotator) AS leases, (SELECT count(*) FROM al.time_to_label) AS times,
       (SELECT count(*) FROM al.worker_liveness) AS liveness;
-- the views run as the caller: no writes through them
SELECT pg_temp.try($$DELETE FROM al.labels_per_day$$);
RESET ROLE;
SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'al' AND c.relname IN ('labels_per_day', 'label_distribution', 'leases_per_annotator', 'time_to_label',
                                         'worker_liveness')
ORDER BY 1;

SET ROLE regress_dash_owner;
SELECT al.drop_learner('dash'), al.drop_learner('dash_other');
RESET ROLE;
DROP TABLE dash_pool, lease_starts;
DROP ROLE regress_dash_owner, regress_dash_ann, regress_dash_ann2, regress_dash_proxy, regress_dash_viewer,
          regress_dash_stranger;
