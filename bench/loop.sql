-- bench/loop.sql: the loop section (issue 4): a learner over mix_100k or
-- mix_1m (entropy, retrain_every 10, batch_size 10, standardize false), the
-- annotator that answers with the pool's y, the cases of the breakdown.
-- Loaded after bench/bench.sql.  bench/run_bench.sh runs, per pool:
--   bench.loop_learner(name, pool)            create the learner
--   bench/loop_bench.py (or CALL bench.label_and_wait without psycopg2)
--                                             first model, then the latency rounds
--   bench.loop_cases(name, pool, base)        the breakdown cases base+1 ..
--   rr                                        time them round-robin, with
--                                             pg_stat_statements tracking every
--                                             statement of the round

-- a copy of al.scores as installed (columns and indexes; a foreign key is
-- not copied by LIKE), for the cost of writing a ranking's rows again
CREATE TABLE bench.scores_copy (LIKE al.scores INCLUDING INDEXES);

-- Statement by statement: the cluster preloads pg_stat_statements with
-- track = none; during the breakdown the role gets track = all and
-- track_planning = on (bench/run_bench.sh).  A case of client 'pgss' (the
-- round, the idle check) resets the statistics in its setup, runs its query
-- alone in a psql session, then bench.save_statements keeps every statement
-- executed in the database since the reset (the worker is stopped, so these
-- are the query and the statements it ran) with execution + planning time;
-- the run's time is the top-level statement's, measured in the server.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE TABLE bench.stmt_runs (
	case_id int NOT NULL,
	round   int NOT NULL,
	query   text NOT NULL,
	calls   bigint NOT NULL,
	rows    bigint NOT NULL,
	ms      double precision NOT NULL
);

CREATE FUNCTION bench.save_statements(c int, rnd int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	top double precision;
BEGIN
	INSERT INTO bench.stmt_runs
	SELECT c, rnd, s.query, s.calls, s.rows, s.total_exec_time + s.total_plan_time
	FROM pg_stat_statements s
	WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
	  AND NOT s.toplevel AND s.calls > 0;
	SELECT max(s.total_exec_time + s.total_plan_time) INTO top
	FROM pg_stat_statements s
	WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
	  AND s.toplevel AND s.query !~ 'pg_stat_statements_reset';
	IF top IS NULL THEN
		RETURN bench.record(c, 0, rnd, NULL, NULL, 'error: no statement in pg_stat_statements (not preloaded?)');
	END IF;
	RETURN bench.record(c, 0, rnd, top, NULL, 'ok');
END
$$;

-- the latency cases (rows recorded by bench/loop_bench.py); the breakdown
-- cases base+1 .. are made by bench.loop_cases
INSERT INTO bench.cases (id, section, label, query, ref, parallel, client) VALUES
(200, 'loop', 'commit of 10 labels -> NOTIFY of the new version, mix_100k', 'mix_100k', NULL, false, 'listen'),
(240, 'loop', 'commit of 10 labels -> NOTIFY of the new version, mix_1m', 'mix_1m', NULL, false, 'listen'),
(219, 'loop', 'idle worker, learner on mix_100k: CPU ms per second', 'mix_100k', NULL, false, 'listen'),
(259, 'loop', 'idle worker, learner on mix_1m: CPU ms per second', 'mix_1m', NULL, false, 'listen');

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
-- /usr/bin/python3 lacks psycopg2): lease k items, wait until the worker
-- sleeps, label them in one transaction, take t0 just before its COMMIT, then poll the
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
	lab := bench.labels_for(learner, pool, k);
	COMMIT;
	v0 := bench.loop_version(learner);
	WHILE NOT bench.worker_asleep() LOOP
		COMMIT;
		PERFORM pg_sleep(0.005);
	END LOOP;
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
-- latency; base + 19 the idle worker's CPU): the round and the idle check
-- (whose statements pg_stat_statements records), VACUUM, and for
-- comparison training alone, per-row scoring, writing the ranking's rows
-- again, CREATE TABLE AS of the pool.  Literal queries built from the
-- learner's state after the latency rounds.
CREATE FUNCTION bench.loop_cases(learner text, pool regclass, base int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	l        al.learner_store;
	labeled  text[];
	n        bigint;
	lab_tab  text := format('bench.%s_labeled', learner);
	stmts    text := 'SELECT pg_stat_statements_reset()';
BEGIN
	SELECT * INTO STRICT l FROM al.learner_store WHERE name = learner;
	SELECT array_agg(DISTINCT item_id ORDER BY item_id) INTO labeled FROM al.labels WHERE learner_id = l.id;
	EXECUTE format('SELECT count(*) FROM %s', pool) INTO n;
	-- the labeled rows as a table, for training alone
	EXECUTE format('DROP TABLE IF EXISTS %s', lab_tab);
	EXECUTE format($q$CREATE TABLE %s AS SELECT p.x, b.label FROM al.labels b JOIN %s p
	                  ON p.id = b.item_id::bigint WHERE b.learner_id = %s$q$, lab_tab, pool, l.id);
	TRUNCATE bench.scores_copy;
	DELETE FROM bench.cases WHERE id > base AND id < base + 19;
	INSERT INTO bench.cases (id, section, label, query, ref, parallel, client, setup, cleanup) VALUES
	(base + 1, 'loop', 'al.run_learner after al.retrain: the round, synchronous',
		format('SELECT al.run_learner(%L)', learner), base + 12, false, 'pgss',
		format('SELECT al.retrain(%L); %s', learner, stmts), NULL),
	(base + 2, 'loop', 'VACUUM (ANALYZE) al.scores after the round (autovacuum''s share; not in the latency)',
		'VACUUM (ANALYZE) al.scores', NULL, false, 'psql', NULL, NULL),
	(base + 3, 'loop', 'al.run_learner with nothing due: the check of every worker pass',
		format('SELECT al.run_learner(%L)', learner), base + 12, false, 'pgss',
		stmts, NULL),
	(base + 4, 'loop', format('training alone: al.train_model on the %s labeled rows', cardinality(labeled)),
		format('SELECT al.train_model(%L, %L, ''x'', ''label'')', learner || '_alone', lab_tab),
		base + 12, false, NULL, NULL, NULL),
	(base + 5, 'loop', 'per-row scoring: max(al.entropy(al.predict_proba(model, x))) FROM pool',
		format('SELECT max(al.entropy(al.predict_proba(%s::bigint, x))) FROM %s', l.model_id, pool),
		base + 12, false, NULL, NULL, NULL),
	(base + 6, 'loop', format('the ranking''s %s rows again: INSERT INTO a copy of al.scores SELECT',
	                          n - cardinality(labeled)),
		format('INSERT INTO bench.scores_copy SELECT * FROM al.scores WHERE learner_id = %s', l.id),
		base + 12, false, NULL, NULL, 'TRUNCATE bench.scores_copy'),
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
