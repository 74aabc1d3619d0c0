-- bench/loop.sql: the loop section (issue 4): a learner over mix_100k or
-- mix_1m (entropy, retrain_every 10, batch_size 10, standardize false), the
-- annotator that answers with the pool's y, the cases of the breakdown.
-- Loaded after bench/bench.sql.  bench/run_bench.sh runs, per pool:
--   bench.loop_learner(name, pool)            create the learner
--   bench/loop_bench.py (or CALL bench.label_and_wait without psycopg2)
--                                             first model, then the latency rounds
--   bench.loop_cases(name, pool, base)        the breakdown cases base+1 ..
--   rr                                        time them round-robin

-- copies of al.scores for the cost of writing a ranking: with its index and
-- a foreign key like al.scores' (learner_id REFERENCES al.learner_store),
-- with the index only, and bare
CREATE TABLE bench.learners_fk (id bigint PRIMARY KEY);
CREATE TABLE bench.scores_fk (LIKE al.scores INCLUDING INDEXES,
	FOREIGN KEY (learner_id) REFERENCES bench.learners_fk (id) ON DELETE CASCADE);
CREATE TABLE bench.scores_idx (LIKE al.scores INCLUDING INDEXES);
CREATE TABLE bench.scores_heap (LIKE al.scores);

-- the latency cases (rows recorded by bench/loop_bench.py); the breakdown
-- cases base+1 .. are made by bench.loop_cases
INSERT INTO bench.cases (id, section, label, query, ref, parallel, client) VALUES
(200, 'loop', 'commit of 10 labels -> NOTIFY of the new version, mix_100k', 'mix_100k', NULL, false, 'listen'),
(240, 'loop', 'commit of 10 labels -> NOTIFY of the new version, mix_1m', 'mix_1m', NULL, false, 'listen');

CREATE FUNCTION bench.loop_learner(name text, pool regclass) RETURNS bigint
LANGUAGE sql AS $$
	SELECT al.create_learner(name, pool, 'id', 'x', ARRAY['0','1','2','3','4','5','6','7','8','9'],
		'entropy', '{"retrain_every": 10, "batch_size": 10, "standardize": false}')
$$;

-- the annotator: lease the next k items (al.next_batch) and answer with the
-- pool's y, as the argument of al.label_many
CREATE FUNCTION bench.labels_for(learner text, pool regclass, k int) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	j jsonb;
BEGIN
	EXECUTE format($q$SELECT jsonb_agg(jsonb_build_object('item', b.item_id, 'label', p.y::text))
	                  FROM al.next_batch($1, $2) b JOIN %s p ON p.id = b.item_id::bigint$q$, pool)
		INTO j USING learner, k;
	RETURN j;
END
$$;

-- the published version of a learner (fresh snapshot per call)
CREATE FUNCTION bench.loop_version(learner text) RETURNS int
LANGUAGE sql VOLATILE AS $$
	SELECT coalesce(model_version, 0) FROM al.learners WHERE name = learner
$$;

-- is the worker of this database asleep (waiting on its latch)?
CREATE FUNCTION bench.worker_asleep() RETURNS boolean
LANGUAGE sql VOLATILE AS $$
	SELECT coalesce(bool_and(wait_event_type = 'Extension' AND wait_event = 'Extension'), false)
	FROM al.worker_status WHERE database = current_database()
$$;

-- Latency without a client library (bench/run_bench.sh uses it when
-- /usr/bin/python3 lacks psycopg2): wait until the worker sleeps, label k
-- items in one transaction, take t0 just before its COMMIT, then poll the
-- published version (a fresh snapshot every 2 ms) until it changes: t1.  The
-- version becomes visible when the worker's transaction commits, which is
-- also when its NOTIFY is delivered.
CREATE PROCEDURE bench.label_and_wait(case_id int, learner text, pool regclass, k int, rnd int,
                                      timeout_s double precision DEFAULT 300)
LANGUAGE plpgsql AS $$
DECLARE
	v0 int;
	t0 timestamptz;
	lab jsonb;
	msg text;
BEGIN
	WHILE NOT bench.worker_asleep() LOOP
		PERFORM pg_sleep(0.01);
	END LOOP;
	lab := bench.labels_for(learner, pool, k);
	COMMIT;
	v0 := bench.loop_version(learner);
	PERFORM al.label_many(learner, lab);
	t0 := clock_timestamp();
	COMMIT;
	LOOP
		IF bench.loop_version(learner) > v0 THEN
			msg := bench.record(case_id, 0, rnd, 1000 * extract(epoch FROM clock_timestamp() - t0)::double precision,
			                    bench.loop_version(learner)::text, 'ok');
			EXIT;
		END IF;
		IF clock_timestamp() - t0 > make_interval(secs => timeout_s) THEN
			msg := bench.record(case_id, 0, rnd, NULL, NULL, format('error: no new version within %s s', timeout_s));
			EXIT;
		END IF;
		COMMIT;
		PERFORM pg_sleep(0.002);
	END LOOP;
	COMMIT;
	RAISE NOTICE '%', msg;
END
$$;

-- The breakdown cases of a learner, numbered from base (base itself is the
-- latency): literal queries built from its state after the latency rounds
-- (its labels, stop set and published model), so that each piece reads
-- what the round reads.
CREATE FUNCTION bench.loop_cases(learner text, pool regclass, base int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	l        al.learner_store;
	labeled  text[];
	n        bigint;
	lab_tab  text := format('bench.%s_labeled', learner);
	q        text;
BEGIN
	SELECT * INTO STRICT l FROM al.learner_store WHERE name = learner;
	SELECT array_agg(DISTINCT item_id ORDER BY item_id) INTO labeled FROM al.labels WHERE learner_id = l.id;
	EXECUTE format('SELECT count(*) FROM %s', pool) INTO n;
	-- the labeled rows as a table, for training alone
	EXECUTE format('DROP TABLE IF EXISTS %s', lab_tab);
	EXECUTE format($q$CREATE TABLE %s AS SELECT p.x, b.label FROM al.labels b JOIN %s p
	                  ON p.id = b.item_id::bigint WHERE b.learner_id = %s$q$, lab_tab, pool, l.id);
	INSERT INTO bench.learners_fk VALUES (l.id) ON CONFLICT DO NOTHING;
	TRUNCATE bench.scores_fk, bench.scores_idx, bench.scores_heap;
	DELETE FROM bench.cases WHERE id > base AND id < base + 20;
	INSERT INTO bench.cases (id, section, label, query, ref, parallel, client, setup, cleanup) VALUES
	(base + 1, 'loop', format('al.run_learner after al.retrain: the round, synchronous'),
		format('SELECT al.run_learner(%L)', learner), base + 12, false, NULL,
		format('SELECT al.retrain(%L)', learner), NULL),
	(base + 2, 'loop', 'VACUUM al.scores after the round (autovacuum''s share; not in the latency)',
		'VACUUM al.scores', NULL, false, 'psql', NULL, NULL),
	(base + 3, 'loop', format('training alone: al.train_model on the %s labeled rows', cardinality(labeled)),
		format('SELECT al.train_model(%L, %L, ''x'', ''label'')', learner || '_alone', lab_tab),
		base + 12, false, NULL, NULL, NULL),
	(base + 4, 'loop', 'pool size: SELECT count(*) FROM pool',
		format('SELECT count(*) FROM %s', pool), base + 12, false, NULL, NULL, NULL),
	(base + 5, 'loop', 'training rows: WHERE id::text = ANY(labeled ids)',
		format('SELECT count(x) FROM (SELECT id::text, x FROM %s WHERE id::text = ANY(%L::text[])) s',
		       pool, labeled), base + 12, false, NULL, NULL, NULL),
	(base + 6, 'loop', format('stop set: %s items LEFT JOIN pool ON id::text = item', cardinality(l.stop_items)),
		format('SELECT count(x) FROM (SELECT s.item, p.x FROM unnest(%L::text[]) WITH ORDINALITY s(item, o) '
		       'LEFT JOIN %s p ON p.id::text = s.item ORDER BY s.o) s', l.stop_items, pool),
		base + 12, false, NULL, NULL, NULL),
	(base + 7, 'loop', 'scoring: max(al.entropy(al.predict_proba(model, x))) FROM pool',
		format('SELECT max(al.entropy(al.predict_proba(%s::bigint, x))) FROM %s', l.model_id, pool),
		base + 12, false, NULL, NULL, NULL),
	(base + 8, 'loop', format('insert the ranking (%s rows): al.scores copy, index + FK', n - cardinality(labeled)),
		format('INSERT INTO bench.scores_fk SELECT * FROM al.scores WHERE learner_id = %s', l.id),
		base + 12, false, NULL, NULL, NULL),
	(base + 9, 'loop', 'delete the previous ranking (the same copy)',
		format('DELETE FROM bench.scores_fk WHERE learner_id = %s', l.id),
		base + 12, false, NULL, NULL, 'VACUUM bench.scores_fk'),
	(base + 10, 'loop', 'insert the ranking: copy with the index, no FK',
		format('INSERT INTO bench.scores_idx SELECT * FROM al.scores WHERE learner_id = %s', l.id),
		base + 12, false, NULL, NULL, 'TRUNCATE bench.scores_idx'),
	(base + 11, 'loop', 'insert the ranking: bare copy (no index, no FK)',
		format('INSERT INTO bench.scores_heap SELECT * FROM al.scores WHERE learner_id = %s', l.id),
		base + 12, false, NULL, NULL, 'TRUNCATE bench.scores_heap'),
	(base + 12, 'loop', 'reference: CREATE TABLE t2 AS SELECT id, x FROM pool',
		format('CREATE TABLE bench.t2 AS SELECT id, x FROM %s', pool), base + 12, false, NULL,
		NULL, 'DROP TABLE bench.t2'),
	(base + 13, 'loop', 'reference: CREATE TABLE AS, rows of al.scores'' shape',
		format($f$CREATE TABLE bench.t3 AS SELECT %s::bigint AS learner_id, id::text AS item_id, 1 AS model_version,
		          0::float8 AS score, '0'::text AS predicted,
		          '{0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1}'::al.probvec AS probs FROM %s$f$, l.id, pool),
		base + 12, false, NULL, NULL, 'DROP TABLE bench.t3');
	INSERT INTO bench.info VALUES ('loop ' || learner,
		format('pool %s: %s rows, %s labeled before the breakdown, stop set %s items, published version %s (model id %s)',
		       pool, n, cardinality(labeled), cardinality(l.stop_items), l.model_version, l.model_id))
		ON CONFLICT (key) DO UPDATE SET value = excluded.value;
END
$$;
