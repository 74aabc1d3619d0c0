-- bench/checks.sql: do the compared queries select the same items?
-- (run once, serial, after the timings)

DO $$
DECLARE
	s text;
BEGIN
	FOREACH s IN ARRAY ARRAY['least_confidence', 'margin_confidence', 'ratio_confidence', 'entropy'] LOOP
		CALL bench.check(format('al.top_k(id, al.%s(p), 100) = ORDER BY al.%s(p) DESC, id LIMIT 100', s, s),
			ARRAY[format('al.%s(al.probvec)', s), 'al.top_k(bigint,double precision,integer)'],
			format($q$SELECT CASE WHEN (SELECT al.top_k(id, al.%1$s(p), 100) FROM pool)
			                         = ARRAY(SELECT id FROM pool ORDER BY al.%1$s(p) DESC, id LIMIT 100)
			                      THEN 'same 100 ids in the same order' ELSE 'DIFFERENT' END$q$, s));
	END LOOP;
	FOREACH s IN ARRAY ARRAY['vote_entropy', 'consensus_entropy', 'bald', 'max_disagreement'] LOOP
		CALL bench.check(format('al.top_k(id, al.%s(members), 100) = ORDER BY ... DESC, id LIMIT 100', s),
			ARRAY[format('al.%s(al.probvec[])', s), 'al.top_k(bigint,double precision,integer)'],
			format($q$SELECT CASE WHEN (SELECT al.top_k(id, al.%1$s(members), 100) FROM committee)
			                         = ARRAY(SELECT id FROM committee ORDER BY al.%1$s(members) DESC, id LIMIT 100)
			                      THEN 'same 100 ids in the same order' ELSE 'DIFFERENT' END$q$, s));
	END LOOP;
END
$$;

CALL bench.check('al.top_k entropy vs plain SQL entropy top-100 (ids in common)',
	'{"al.entropy(al.probvec)","al.top_k(bigint,double precision,integer)"}',
	$q$SELECT format('%s of 100', count(*))
	   FROM unnest((SELECT al.top_k(id, al.entropy(p), 100) FROM pool)) a(id)
	   JOIN (SELECT id FROM pool_real
	         ORDER BY (SELECT -sum(x * ln(x)) FROM unnest(a) x WHERE x > 0) DESC LIMIT 100) b USING (id)$q$);

CALL bench.check('per-group top-10: al.top_k vs row_number() ((grp, id) pairs in common)',
	'{"al.entropy(al.probvec)","al.top_k(bigint,double precision,integer)"}',
	$q$WITH a AS (SELECT grp, unnest(al.top_k(id, al.entropy(p), 10)) AS id FROM pool GROUP BY grp),
	        b AS (SELECT grp, id FROM (SELECT grp, id, row_number() OVER (PARTITION BY grp ORDER BY al.entropy(p) DESC, id) AS rn
	                                   FROM pool) s WHERE rn <= 10)
	   SELECT format('%s of %s (a: %s pairs)', (SELECT count(*) FROM a JOIN b USING (grp, id)),
	                 (SELECT count(*) FROM b), (SELECT count(*) FROM a))$q$);

CALL bench.check('al.entropy vs stored plain-SQL score (max abs difference over pool)',
	'{"al.entropy(al.probvec)"}',
	$q$SELECT format('%s', max(abs(al.entropy(p) - s.score))) FROM pool JOIN pool_scored s USING (id)$q$);
