-- Committee scores over al.probvec[] and the al.consensus aggregate.
-- Reference values are computed by hand (comments) or by independent
-- plain-SQL formulas over the members' rows.

CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	d text;
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || CASE WHEN d <> '' THEN ' | ' || d ELSE '' END;
END $$;

-- members as rows: committee name, member number, distribution
CREATE TABLE cm_members (c text, k int, p al.probvec, PRIMARY KEY (c, k));
INSERT INTO cm_members VALUES
	-- one member: vote 0, consensus = its entropy 1.5 ln 2 = 1.039720770840, bald 0, maxdis 0
	('single', 1, '[0.5,0.25,0.25]'),
	-- two confident members that disagree: all four = ln 2 = 0.693147180560
	('split2', 1, '[1,0]'), ('split2', 2, '[0,1]'),
	-- tied members all vote class 1 (lowest index): vote 0; mean (.5,.5): consensus ln 2
	('tied', 1, '[0.5,0.5]'), ('tied', 2, '[0.5,0.5]'), ('tied', 3, '[0.5,0.5]');
-- 50 identical members: vote 0, bald 0, maxdis 0,
-- consensus = H(.25,.25,.5) = 1.5 ln 2 = 1.039720770840
INSERT INTO cm_members SELECT 'agree50', k, '[0.25,0.25,0.5]' FROM generate_series(1, 50) k;
-- 50 one-hot members split evenly over 5 classes: all four = ln 5 = 1.609437912434
INSERT INTO cm_members
	SELECT 'split50', k, al.normalize(ARRAY(SELECT (j = k % 5)::int::float8 FROM generate_series(0, 4) j))
	FROM generate_series(1, 50) k;
-- 50 soft members over 2 classes, 25 leaning each way: vote ln 2
INSERT INTO cm_members
	SELECT 'lean50', k, CASE WHEN k % 2 = 0 THEN '[0.75,0.25]'::al.probvec ELSE '[0.25,0.75]' END
	FROM generate_series(1, 50) k;
-- 50 members of 10 classes from deterministic logits: checked against plain SQL only
INSERT INTO cm_members
	SELECT 'mixed50', k, al.softmax(ARRAY(SELECT 2 * sin(k * 1.3 + j * 0.7) + cos(k * j) FROM generate_series(1, 10) j ORDER BY j))
	FROM generate_series(1, 50) k;
-- the same with zeros inside and ties between the top classes
INSERT INTO cm_members
	SELECT 'zeros50', k, al.normalize(ARRAY(SELECT CASE WHEN (k + j) % 3 = 0 THEN 0 ELSE 1 + (k * j) % 4 END FROM generate_series(1, 6) j ORDER BY j)::float8[])
	FROM generate_series(1, 50) k;

CREATE TABLE cm_committees AS
	SELECT c, array_agg(p ORDER BY k) AS m, count(*) AS members FROM cm_members GROUP BY c;

-- hand values (see the comments above); lean50: consensus ln 2,
-- bald = ln 2 - H(.25,.75) = 0.130812035941, maxdis = KL((.75,.25) || (.5,.5)) = the same
SELECT c, members,
	round(al.vote_entropy(m)::numeric, 12) AS vote,
	round(al.consensus_entropy(m)::numeric, 12) AS consensus,
	round(al.bald(m)::numeric, 12) AS bald,
	round(al.max_disagreement(m)::numeric, 12) AS maxdis
FROM cm_committees ORDER BY c;

-- independent plain-SQL formulas over the members' rows:
-- mean per class, H(mean), mean of H(member), max KL(member || mean), hard votes
CREATE TABLE cm_ref AS
WITH v AS (
	SELECT c, k, i, x FROM cm_members, unnest(p::float8[]) WITH ORDINALITY u(x, i)
), mean AS (
	SELECT c, i, avg(x) AS mx FROM v GROUP BY c, i
), h_mean AS (
	SELECT c, -sum(mx * ln(mx)) FILTER (WHERE mx > 0) AS h FROM mean GROUP BY c
), h_member AS (
	SELECT c, avg(h) AS h FROM (SELECT c, k, coalesce(-sum(x * ln(x)) FILTER (WHERE x > 0), 0) AS h FROM v GROUP BY c, k) s GROUP BY c
), kl AS (
	SELECT c, max(d) AS maxkl FROM (
		SELECT v.c, v.k, coalesce(sum(v.x * ln(v.x / mean.mx)) FILTER (WHERE v.x > 0), 0) AS d
		FROM v JOIN mean USING (c, i) GROUP BY v.c, v.k) s GROUP BY c
), votes AS (
	SELECT c, count(*)::float8 / sum(count(*)) OVER (PARTITION BY c) AS share
	FROM (SELECT DISTINCT ON (c, k) c, k, i FROM v ORDER BY c, k, x DESC, i) a
	GROUP BY c, i
)
SELECT c, h_mean.h AS consensus, h_mean.h - h_member.h AS bald, kl.maxkl AS maxdis,
	(SELECT -sum(share * ln(share)) FROM votes WHERE votes.c = h_mean.c) AS vote
FROM h_mean JOIN h_member USING (c) JOIN kl USING (c);

SELECT c,
	abs(al.vote_entropy(m) - r.vote) < 1e-12 AS vote_ok,
	abs(al.consensus_entropy(m) - r.consensus) < 1e-12 AS consensus_ok,
	abs(al.bald(m) - greatest(r.bald, 0)) < 1e-12 AS bald_ok,
	abs(al.max_disagreement(m) - r.maxdis) < 1e-12 AS maxdis_ok,
	al.bald(m) <= al.max_disagreement(m) + 1e-15 AS bald_le_maxdis,
	al.bald(m) <= al.consensus_entropy(m) AS bald_le_consensus
FROM cm_committees JOIN cm_ref r USING (c) ORDER BY c;
SELECT c, round(al.vote_entropy(m)::numeric, 12) AS vote, round(al.consensus_entropy(m)::numeric, 12) AS consensus,
	round(al.bald(m)::numeric, 12) AS bald, round(al.max_disagreement(m)::numeric, 12) AS maxdis
FROM cm_committees WHERE c IN ('mixed50', 'zeros50') ORDER BY c;

-- al.consensus over the members' rows is their mean: its entropy is the
-- consensus entropy up to the float4 rounding of the stored mean
SELECT c, al.num_classes(al.consensus(p)),
	abs(al.entropy(al.consensus(p)) - (SELECT al.consensus_entropy(m) FROM cm_committees cc WHERE cc.c = cm_members.c)) < 1e-6 AS entropy_of_consensus_ok,
	abs(al.entropy(al.consensus(p)) - (SELECT consensus FROM cm_ref r WHERE r.c = cm_members.c)) < 1e-6 AS vs_sql
FROM cm_members GROUP BY c ORDER BY c;
-- and each stored class value is the float4 rounding of the SQL mean
SELECT bool_and(x = mx::real) AS consensus_is_rounded_mean
FROM (SELECT c, al.consensus(p) AS q FROM cm_members GROUP BY c) a,
	unnest(q::float8[]) WITH ORDINALITY u(x, i),
	LATERAL (SELECT avg((p::float8[])[i]) AS mx FROM cm_members m WHERE m.c = a.c) b;

-- NULL rows are skipped; no rows (or only NULL rows) give NULL
SELECT al.consensus(p) FROM (VALUES ('[1,0]'::al.probvec), (NULL), ('[0,1]'), ('[0.5,0.5]')) t(p);
SELECT al.consensus(p) IS NULL AS no_rows FROM cm_members WHERE false;
SELECT al.consensus(p) IS NULL AS only_nulls FROM (VALUES (NULL::al.probvec), (NULL)) t(p);
SELECT al.consensus(p) FROM (VALUES ('[0.2,0.3,0.5]'::al.probvec)) t(p);
-- as a window aggregate (the state is shared between frames: read-only final)
SELECT k, al.consensus(p) OVER (ORDER BY k) FROM cm_members WHERE c = 'split2' ORDER BY k;

-- the support functions called directly (what Citus or a user may do):
-- the state al.consensus_state is {row count, sum of class 1, ...}
SELECT al.consensus_transfn(NULL, '[0.25,0.75]') AS t1,
	al.consensus_transfn('rows=1 sums=[0.25,0.75]', '[0.5,0.5]') AS t2,
	al.consensus_transfn('rows=1 sums=[0.25,0.75]', NULL) AS t3,
	al.consensus_combinefn('rows=2 sums=[0.75,1.25]', 'rows=1 sums=[1,0]') AS c1,
	al.consensus_combinefn(NULL, 'rows=1 sums=[1,0]') AS c2,
	al.consensus_combinefn('rows=1 sums=[1,0]', NULL) AS c3,
	al.consensus_combinefn(NULL, NULL) IS NULL AS c4,
	al.consensus_finalfn('rows=4 sums=[1,3]') AS f1;
-- a direct call does not modify its argument
WITH s(st) AS (SELECT 'rows=1 sums=[0.5,0.5]'::al.consensus_state)
SELECT al.consensus_transfn(st, '[1,0]'), al.consensus_combinefn(st, st), st FROM s;
-- the state's text form round-trips exactly (consensus_state.sql tests the
-- forms in depth)
SELECT s::text::al.consensus_state::text = s::text AS state_text_roundtrip, s
FROM (SELECT al.consensus_transfn(al.consensus_transfn(NULL, '[0.1,0.2,0.7]'), '[0.3,0.3,0.4]') AS s) t;

-- parallel aggregation: forced parallel plan, same result as serial
CREATE TABLE cm_par (id int, p al.probvec, q al.probvec);
-- p: dyadic values (every sum exact, so the result is bit-identical in any
-- order); q: general values (equal to the serial result within rounding)
INSERT INTO cm_par
	SELECT i,
		CASE i % 4 WHEN 0 THEN '[0.5,0.25,0.125,0.125]'::al.probvec WHEN 1 THEN '[0,0,0,1]'
			WHEN 2 THEN '[0.25,0.25,0.25,0.25]' ELSE '[0.125,0.375,0.5,0]' END,
		al.softmax(ARRAY[sin(i), cos(i), sin(2 * i), cos(3 * i)])
	FROM generate_series(1, 20000) i;
ANALYZE cm_par;
CREATE TABLE cm_serial AS SELECT al.consensus(p) AS p, al.consensus(q) AS q FROM cm_par;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT al.consensus(p), al.consensus(q) FROM cm_par;
CREATE TABLE cm_parallel AS SELECT al.consensus(p) AS p, al.consensus(q) AS q FROM cm_par;
SELECT s.p AS serial_p, s.p::text = par.p::text AS p_identical,
	(SELECT bool_and(abs(a - b) <= 1e-7) FROM unnest(s.q::float8[], par.q::float8[]) u(a, b)) AS q_equal
FROM cm_serial s, cm_parallel par;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- grouped: group g = id % 3 holds pattern j = id % 4 either 1666 or 1667
-- times (ids 19993..20000 are the extra ones).  g = 0 has 6666 rows, extra
-- ids 19995 and 19998 (patterns 3 and 2), so class 1 = (1666 * 0.5
-- + 1666 * 0 + 1667 * 0.25 + 1667 * 0.125) / 6666 = 0.218740624...
SELECT id % 3 AS g, count(*), al.consensus(p) FROM cm_par GROUP BY 1 ORDER BY 1;

-- errors, with SQLSTATE
SELECT pg_temp.err(q) FROM (VALUES
	($$SELECT al.vote_entropy(ARRAY['[0.5,0.5]', '[0.2,0.3,0.5]']::al.probvec[])$$),
	($$SELECT al.bald(ARRAY['[1]', '[1]', '[0.5,0.5]']::al.probvec[])$$),
	($$SELECT al.consensus_entropy('{}'::al.probvec[])$$),
	($$SELECT al.max_disagreement('{}'::al.probvec[])$$),
	($$SELECT al.vote_entropy(ARRAY['[1,0]', NULL]::al.probvec[])$$),
	($$SELECT al.bald(ARRAY[NULL, '[1,0]']::al.probvec[])$$),
	($$SELECT al.consensus_entropy(ARRAY[ARRAY['[1]', '[1]'], ARRAY['[1]', '[1]']]::al.probvec[])$$),
	($$SELECT al.consensus(p) FROM (VALUES ('[1,0]'::al.probvec), ('[0.5,0.25,0.25]')) t(p)$$),
	($$SELECT al.consensus_transfn('rows=1 sums=[0.5,0.5]', '[1]')$$),
	($$SELECT al.consensus_combinefn('rows=1 sums=[0.5,0.5]', 'rows=1 sums=[1]')$$),
	($$SELECT al.consensus_finalfn('rows=1 sums=[0.5,0.2]')$$),
	($$SELECT al.consensus_transfn('rows=9223372036854775807 sums=[1]', '[1]')$$),
	($$SELECT al.consensus_combinefn('rows=9223372036854775807 sums=[1]', 'rows=1 sums=[1]')$$)
) t(q);

DROP TABLE cm_members, cm_committees, cm_ref, cm_par, cm_serial, cm_parallel;
