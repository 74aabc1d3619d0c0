
-- ---------------------------------------------------------------------------
-- Overlap and agreement: adjudications, kappas, the agreement views
-- ---------------------------------------------------------------------------
-- (doc/loop.md, "Overlap and agreement")

CREATE FUNCTION al.adjudicate(learner text, item_id text, label text, annotator text DEFAULT current_user)
	RETURNS void AS 'MODULE_PATHNAME', 'al_adjudicate' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION al.adjudicate(learner text, item_id bigint, label text, annotator text DEFAULT current_user)
	RETURNS void LANGUAGE sql VOLATILE PARALLEL UNSAFE
	BEGIN ATOMIC SELECT al.adjudicate(learner, item_id::text, label, annotator); END;
CREATE FUNCTION al.adjudicate(learner text, item_id uuid, label text, annotator text DEFAULT current_user)
	RETURNS void LANGUAGE sql VOLATILE PARALLEL UNSAFE
	BEGIN ATOMIC SELECT al.adjudicate(learner, item_id::text, label, annotator); END;
COMMENT ON FUNCTION al.adjudicate(text, text, text, text) IS
	'record an adjudicator''s label for an item (members of the option adjudicator''s role, or the owner): label_rule adjudicated trains on it';
COMMENT ON FUNCTION al.adjudicate(text, bigint, text, text) IS 'al.adjudicate for integer item ids';
COMMENT ON FUNCTION al.adjudicate(text, uuid, text, text) IS 'al.adjudicate for uuid item ids';

CREATE FUNCTION al.cohen_kappa(labels_a text[], labels_b text[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_cohen_kappa_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.cohen_kappa(text[], text[]) IS
	'Cohen''s kappa of two labelings of the same items (element i of both: item i); NULL for none';

CREATE FUNCTION al.fleiss_kappa(counts integer[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_fleiss_kappa_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.fleiss_kappa(integer[]) IS
	'Fleiss'' kappa of an items x categories array of rating counts (raters per item may vary; items with fewer than 2 ratings are left out); NULL if none has 2';

-- The votes: every label but adjudications, one per annotator and item.
-- Each view reads al.labels with the reader's rights (row-level security:
-- the learners it may view).

CREATE VIEW al.item_agreement WITH (security_invoker = true) AS
WITH votes AS (
	SELECT b.learner_id, b.item_id, b.label, pg_catalog.count(*) AS n,
	       pg_catalog.max(b.labeled_at) AS last, pg_catalog.max(b.serial) AS s
	FROM al.labels b WHERE NOT b.adjudicated
	GROUP BY b.learner_id, b.item_id, b.label),
ranked AS (
	SELECT v.*, pg_catalog.row_number() OVER w AS r,
	       pg_catalog.sum(v.n) OVER (PARTITION BY v.learner_id, v.item_id) AS total,
	       pg_catalog.count(*) OVER (PARTITION BY v.learner_id, v.item_id) AS kinds
	FROM votes v
	WINDOW w AS (PARTITION BY v.learner_id, v.item_id ORDER BY v.n DESC, v.last DESC, v.s DESC))
SELECT l.name AS learner, r.item_id, r.total::integer AS labels, r.kinds::integer AS distinct_labels,
       r.label AS majority_label, r.n::integer AS majority_count,
       r.n::double precision / r.total::double precision AS agreement,
       (SELECT a.label FROM al.labels a WHERE a.learner_id = r.learner_id AND a.item_id = r.item_id
        AND a.adjudicated ORDER BY a.serial DESC LIMIT 1) AS adjudicated_label
FROM ranked r JOIN al.learner_store l ON l.id = r.learner_id
WHERE r.r = 1;
GRANT SELECT ON al.item_agreement TO PUBLIC;
COMMENT ON VIEW al.item_agreement IS
	'per labeled item: labels (adjudications apart), distinct labels, the majority label (ties: the latest) and its count, the share of labels that agree with it, the adjudicated label if any';

CREATE VIEW al.annotator_agreement WITH (security_invoker = true) AS
WITH votes AS (
	SELECT b.learner_id, b.item_id, b.annotator, b.label FROM al.labels b WHERE NOT b.adjudicated),
others AS (
	SELECT v.learner_id, v.item_id, v.annotator, v.label, o.label AS other_label, pg_catalog.count(*) AS n
	FROM votes v JOIN votes o ON o.learner_id = v.learner_id AND o.item_id = v.item_id
	                           AND o.annotator <> v.annotator
	GROUP BY v.learner_id, v.item_id, v.annotator, v.label, o.label),
tops AS (
	SELECT o.learner_id, o.item_id, o.annotator,
	       pg_catalog.count(*) AS tied, pg_catalog.bool_or(o.other_label = o.label) AS agrees
	FROM (SELECT x.*, pg_catalog.max(x.n) OVER (PARTITION BY x.learner_id, x.item_id, x.annotator) AS top
	      FROM others x) o
	WHERE o.n = o.top
	GROUP BY o.learner_id, o.item_id, o.annotator)
SELECT l.name AS learner, t.annotator,
       pg_catalog.count(*) AS shared_items,
       pg_catalog.count(*) FILTER (WHERE t.tied = 1) AS items_compared,
       pg_catalog.count(*) FILTER (WHERE t.tied = 1 AND t.agrees) AS agreeing,
       (pg_catalog.count(*) FILTER (WHERE t.tied = 1 AND t.agrees))::double precision
       / NULLIF(pg_catalog.count(*) FILTER (WHERE t.tied = 1), 0)::double precision AS agreement
FROM tops t JOIN al.learner_store l ON l.id = t.learner_id
GROUP BY l.name, t.annotator;
GRANT SELECT ON al.annotator_agreement TO PUBLIC;
COMMENT ON VIEW al.annotator_agreement IS
	'per annotator: items it shares with other annotators, those where the others have one majority label (items_compared; ties left out), and the share of them where it gave that label';

CREATE VIEW al.annotator_pairs WITH (security_invoker = true) AS
SELECT l.name AS learner, a.annotator AS annotator_a, b.annotator AS annotator_b,
       pg_catalog.count(*) AS shared_items,
       pg_catalog.count(*) FILTER (WHERE a.label = b.label) AS agreeing,
       (pg_catalog.count(*) FILTER (WHERE a.label = b.label))::double precision
       / pg_catalog.count(*)::double precision AS observed_agreement,
       al.cohen_kappa(pg_catalog.array_agg(a.label ORDER BY a.item_id COLLATE "C"),
                      pg_catalog.array_agg(b.label ORDER BY a.item_id COLLATE "C")) AS kappa
FROM al.labels a
JOIN al.labels b ON b.learner_id = a.learner_id AND b.item_id = a.item_id
                AND a.annotator COLLATE "C" < b.annotator COLLATE "C" AND NOT b.adjudicated
JOIN al.learner_store l ON l.id = a.learner_id
WHERE NOT a.adjudicated
GROUP BY l.name, a.annotator, b.annotator;
GRANT SELECT ON al.annotator_pairs TO PUBLIC;
COMMENT ON VIEW al.annotator_pairs IS
	'per pair of annotators (annotator_a < annotator_b in byte order) with shared items: their count, how many they agree on, and Cohen''s kappa on them';

CREATE VIEW al.learner_agreement WITH (security_invoker = true) AS
WITH counts AS (
	SELECT b.learner_id, b.item_id, b.label, pg_catalog.count(*)::integer AS n
	FROM al.labels b WHERE NOT b.adjudicated
	GROUP BY b.learner_id, b.item_id, b.label),
rated AS (
	SELECT c.learner_id, c.item_id, pg_catalog.sum(c.n)::integer AS total
	FROM counts c GROUP BY c.learner_id, c.item_id HAVING pg_catalog.sum(c.n) >= 2),
-- the items x classes counts of a single-label learner (a multi-label or
-- regression learner's labels are no categories of its classes: no kappa)
matrix AS (
	SELECT r.learner_id, r.item_id,
	       pg_catalog.array_agg(coalesce(c.n, 0) ORDER BY k.o) AS counts
	FROM rated r
	JOIN al.learner_store l ON l.id = r.learner_id
	CROSS JOIN LATERAL pg_catalog.unnest(l.classes) WITH ORDINALITY k(class, o)
	LEFT JOIN counts c ON c.learner_id = r.learner_id AND c.item_id = r.item_id AND c.label = k.class
	WHERE coalesce(l.options ->> 'family', 'softmax') = 'softmax'
	GROUP BY r.learner_id, r.item_id)
SELECT l.name AS learner,
       coalesce(s.items, 0) AS items, coalesce(s.ratings, 0)::bigint AS ratings,
       s.min_ratings, s.max_ratings, k.fleiss_kappa
FROM al.learner_store l
LEFT JOIN (SELECT r.learner_id, pg_catalog.count(*) AS items, pg_catalog.sum(r.total) AS ratings,
                  pg_catalog.min(r.total) AS min_ratings, pg_catalog.max(r.total) AS max_ratings
           FROM rated r GROUP BY r.learner_id) s ON s.learner_id = l.id
LEFT JOIN (SELECT m.learner_id, al.fleiss_kappa(pg_catalog.array_agg(m.counts)) AS fleiss_kappa
           FROM matrix m GROUP BY m.learner_id) k ON k.learner_id = l.id;
GRANT SELECT ON al.learner_agreement TO PUBLIC;
COMMENT ON VIEW al.learner_agreement IS
	'per learner: the items with 2 or more labels (adjudications apart), their ratings (fewest and most per item), and Fleiss'' kappa over them (the generalization for varying raters per item; single-label learners only, NULL for multi-label and regression learners)';
