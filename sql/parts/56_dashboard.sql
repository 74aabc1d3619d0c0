
-- ---------------------------------------------------------------------------
-- Views for dashboards (BI tools): labels per annotator and day, the label
-- distribution, leases per annotator, time to label, worker liveness
-- ---------------------------------------------------------------------------
-- (doc/loop.md, "Dashboard views")  Every view is security_invoker over
-- al_ext's tables and views, whose row-level security shows a role the
-- learners it may view: the view right of the privilege model is enough to
-- read them all, and a role sees nothing of a learner it may not view.
-- Days are in the session's TimeZone (set it in the BI tool's connection).

CREATE VIEW al.labels_per_day WITH (security_invoker = true) AS
SELECT l.name AS learner, b.annotator, b.labeled_at::date AS day,
       pg_catalog.count(*) AS labels,
       pg_catalog.count(*) FILTER (WHERE b.recorded_by <> b.annotator) AS by_proxy
FROM al.labels b JOIN al.learner_store l ON l.id = b.learner_id
GROUP BY l.name, b.annotator, b.labeled_at::date;
GRANT SELECT ON al.labels_per_day TO PUBLIC;
COMMENT ON VIEW al.labels_per_day IS
	'per learner, annotator and day (session time zone): the current labels last set that day, and how many of them another role (a proxy) recorded in the annotator''s name';

CREATE VIEW al.label_distribution WITH (security_invoker = true) AS
WITH mentions AS (
	-- a label's classes: the label itself, or each class of a multi-label learner's set
	SELECT b.learner_id, b.item_id, m.class
	FROM al.labels b JOIN al.learner_store s ON s.id = b.learner_id
	CROSS JOIN LATERAL pg_catalog.unnest(CASE WHEN s.options ->> 'family' = 'ovr'
	                                         THEN b.label::pg_catalog.text[]
	                                         ELSE ARRAY[b.label] END) m(class))
SELECT l.name AS learner, c.class, c.ordinal AS class_index,
       pg_catalog.count(b.item_id) AS labels,
       pg_catalog.count(DISTINCT b.item_id) AS items,
       pg_catalog.count(b.item_id)::double precision
           / NULLIF(pg_catalog.sum(pg_catalog.count(b.item_id)) OVER (PARTITION BY l.id), 0) AS share
FROM al.learner_store l
CROSS JOIN LATERAL pg_catalog.unnest(l.classes) WITH ORDINALITY c(class, ordinal)
LEFT JOIN mentions b ON b.learner_id = l.id AND b.class = c.class
GROUP BY l.id, l.name, c.class, c.ordinal;
GRANT SELECT ON al.label_distribution TO PUBLIC;
COMMENT ON VIEW al.label_distribution IS
	'per learner and class (every class, in the learner''s order; class_index from 1): its current labels (of a multi-label learner: the label sets that name it), the items with such a label, and its share of the learner''s labels (of a multi-label learner: of the classes its label sets name)';

CREATE VIEW al.leases_per_annotator WITH (security_invoker = true) AS
SELECT l.name AS learner, x.annotator,
       pg_catalog.count(*) FILTER (WHERE x.expires_at > pg_catalog.now()) AS open,
       pg_catalog.count(*) FILTER (WHERE x.expires_at <= pg_catalog.now()) AS expired,
       pg_catalog.min(x.leased_at) FILTER (WHERE x.expires_at > pg_catalog.now()) AS oldest_open_since,
       pg_catalog.min(x.expires_at) FILTER (WHERE x.expires_at > pg_catalog.now()) AS next_expiry
FROM al.leases x JOIN al.learner_store l ON l.id = x.learner_id
GROUP BY l.name, x.annotator;
GRANT SELECT ON al.leases_per_annotator TO PUBLIC;
COMMENT ON VIEW al.leases_per_annotator IS
	'per learner and annotator: live leases (open), leases that ran out and that nobody has taken over or labeled yet (expired), the oldest open lease and the next expiry';

CREATE VIEW al.time_to_label WITH (security_invoker = true) AS
SELECT l.name AS learner, b.annotator,
       pg_catalog.count(*) AS labels,
       pg_catalog.avg(b.labeled_at - b.leased_at) AS mean,
       pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY b.labeled_at - b.leased_at) AS median,
       pg_catalog.percentile_cont(0.9) WITHIN GROUP (ORDER BY b.labeled_at - b.leased_at) AS p90,
       pg_catalog.max(b.labeled_at - b.leased_at) AS max
FROM al.labels b JOIN al.learner_store l ON l.id = b.learner_id
WHERE b.leased_at IS NOT NULL
GROUP BY l.name, b.annotator;
GRANT SELECT ON al.time_to_label TO PUBLIC;
COMMENT ON VIEW al.time_to_label IS
	'per learner and annotator, over the current labels given under one''s own lease: how many, and the mean, median, 90th percentile and longest time from the lease to the label';

CREATE VIEW al.worker_liveness WITH (security_invoker = true) AS
SELECT s.learner, s.worker_running, s.phase, s.labels_waiting, s.oldest_waiting_label_age,
       s.model_version, l.published_at, s.counted_at AS last_counted_at,
       s.problem
FROM al.learner_status s JOIN al.learner_store l ON l.name = s.learner;
GRANT SELECT ON al.worker_liveness TO PUBLIC;
COMMENT ON VIEW al.worker_liveness IS
	'per learner: whether an al_ext worker serves its database, what it is doing, labels waiting and the age of the oldest, the published version and when, when a round last counted the pool, and what keeps rounds from reading it';
