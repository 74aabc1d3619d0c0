-- bench/bench.sql: the benchmark's schema, timing functions and the list of
-- measured queries (bench.cases).  Loaded by bench/run_bench.sh before the data.
--
-- Timing: bench.measure(case, workers) runs inside the server.  It sets
-- max_parallel_workers_per_gather for its transaction, runs the query once
-- through EXPLAIN (ANALYZE, TIMING OFF) - a warm-up run that also tells how
-- many parallel workers were really launched - and the case's reference scan
-- once, then 5 times (3 times if the warm-up took more than 1.5 s) the
-- reference scan and the query, alternately, each run timed with
-- clock_timestamp() around plpgsql EXECUTE.  Every run is kept; reports use
-- medians, and a case's ratio to its scan is median(query) / median(scan of
-- the same alternating series), so that the drifts of a shared machine hit
-- both sides alike.  EXECUTE plans the query each time (planning is included,
-- well under 1 ms) and discards the result rows (at most 1,000 rows here).

CREATE SCHEMA IF NOT EXISTS bench;

CREATE TABLE bench.cases (
	id        int PRIMARY KEY,
	section   text NOT NULL,
	label     text NOT NULL,
	query     text NOT NULL,
	ref       int,                 -- the scan this case is divided by
	requires  text[] NOT NULL DEFAULT '{}',  -- functions it needs (regprocedure text)
	parallel  boolean NOT NULL DEFAULT true,  -- false: diagnostic, timed serial only
	-- round-robin cases (models and loop sections, bench/run_bench.sh rr):
	client    text,                -- NULL: query timed in the server by bench.run_case;
	                               -- 'psql': timed by psql's \timing (VACUUM);
	                               -- 'sklearn': a fit timed by bench/sklearn_bench.py;
	                               -- 'pgss': run alone, timed by pg_stat_statements (bench/loop.sql)
	setup     text,                -- run before each run, not timed
	cleanup   text                 -- run after each run, not timed (own transaction)
);

CREATE TABLE bench.results (
	case_id   int NOT NULL,
	workers   int NOT NULL,          -- max_parallel_workers_per_gather
	runs_ms   double precision[],
	median_ms double precision,
	ref_runs_ms   double precision[],  -- the reference scan, alternating with runs_ms
	ref_median_ms double precision,
	launched  int,                   -- parallel workers launched (EXPLAIN ANALYZE)
	status    text NOT NULL DEFAULT 'ok',
	PRIMARY KEY (case_id, workers)
);

CREATE TABLE bench.checks (
	label  text PRIMARY KEY,
	result text NOT NULL
);

CREATE TABLE bench.info (
	key   text PRIMARY KEY,
	value text NOT NULL
);

-- every run of a round-robin case (round 0 = warm-up, not in the medians)
CREATE TABLE bench.runs (
	case_id int NOT NULL,
	workers int NOT NULL,
	round   int NOT NULL,
	ms      double precision,
	value   text,                  -- first column of the first row (e.g. a model id)
	status  text NOT NULL DEFAULT 'ok',
	at      timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- the functions of a list that are not installed, or NULL
CREATE FUNCTION bench.missing(req text[]) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT string_agg(r, ', ') FROM unnest(req) r WHERE to_regprocedure(r) IS NULL
$$;

CREATE FUNCTION bench.median(double precision[]) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
	SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest($1) x
$$;

-- wall-clock milliseconds of one run of a query (results discarded)
CREATE FUNCTION bench.time_query(q text) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
BEGIN
	EXECUTE q;
	RETURN 1000 * extract(epoch FROM clock_timestamp() - t0)::double precision;
END
$$;

CREATE PROCEDURE bench.measure(case_id int, workers int)
LANGUAGE plpgsql AS $$
DECLARE
	c       bench.cases;
	refq    text;
	miss    text;
	t0      timestamptz;
	warm    double precision;
	runs    double precision[] := '{}';
	rruns   double precision[];
	plan    json;
	nlaunch int;
	n       int;
BEGIN
	SELECT * INTO STRICT c FROM bench.cases WHERE id = case_id;
	DELETE FROM bench.results r WHERE r.case_id = measure.case_id AND r.workers = measure.workers;
	miss := bench.missing(c.requires);
	IF miss IS NOT NULL THEN
		INSERT INTO bench.results (case_id, workers, status)
			VALUES (case_id, workers, 'skipped: ' || miss || ' not installed');
		RETURN;
	END IF;
	IF c.ref IS NOT NULL AND c.ref <> c.id THEN
		SELECT query INTO STRICT refq FROM bench.cases WHERE id = c.ref;
		rruns := '{}';
	END IF;
	IF workers > 0 AND NOT c.parallel THEN
		INSERT INTO bench.results (case_id, workers, status) VALUES (case_id, workers, 'serial only');
		RETURN;
	END IF;
	PERFORM set_config('max_parallel_workers_per_gather', workers::text, true);
	BEGIN
		-- a plan without a Gather is the serial plan again: not timed twice
		IF workers > 0 THEN
			EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || c.query INTO plan;
			IF NOT jsonb_path_exists(plan::jsonb, 'strict $.**."Workers Planned"') THEN
				INSERT INTO bench.results (case_id, workers, status) VALUES (case_id, workers, 'serial plan');
				RETURN;
			END IF;
		END IF;
		t0 := clock_timestamp();
		EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF, FORMAT JSON) ' || c.query INTO plan;
		warm := 1000 * extract(epoch FROM clock_timestamp() - t0);
		SELECT coalesce(sum(v::text::int), 0) INTO nlaunch
			FROM jsonb_path_query(plan::jsonb, 'strict $.**."Workers Launched"') v;
		IF refq IS NOT NULL THEN
			PERFORM bench.time_query(refq);
		END IF;
		n := CASE WHEN warm > 1500 THEN 3 ELSE 5 END;
		FOR i IN 1 .. n LOOP
			IF refq IS NOT NULL THEN
				rruns := rruns || bench.time_query(refq);
			END IF;
			runs := runs || bench.time_query(c.query);
		END LOOP;
	EXCEPTION WHEN OTHERS THEN
		INSERT INTO bench.results (case_id, workers, status)
			VALUES (case_id, workers, 'error: ' || SQLERRM);
		RETURN;
	END;
	INSERT INTO bench.results (case_id, workers, runs_ms, median_ms, ref_runs_ms, ref_median_ms, launched)
		VALUES (case_id, workers, runs, bench.median(runs), rruns, bench.median(rruns), nlaunch);
END
$$;

-- one progress line for the terminal
CREATE FUNCTION bench.progress(case_id int, workers int) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT format('  %-3s %-62s %s', c.id, left(c.label, 62),
		CASE WHEN r.status <> 'ok' THEN format('%s workers: %s', r.workers, r.status)
		     ELSE format('%s workers: %s ms (median of %s; launched %s)%s', r.workers,
		                 round(r.median_ms::numeric, 1), cardinality(r.runs_ms), r.launched,
		                 CASE WHEN r.ref_median_ms IS NOT NULL
		                      THEN format(', %sx its scan', round((r.median_ms / r.ref_median_ms)::numeric, 2)) ELSE '' END) END)
	FROM bench.cases c JOIN bench.results r ON r.case_id = c.id AND r.workers = progress.workers
	WHERE c.id = progress.case_id
$$;

-- ---------------------------------------------------------------------------
-- Round-robin timing (the models and loop sections).  bench/run_bench.sh's
-- rr() runs a group of cases in rounds: in each round every case once, in
-- order, each in its own psql session and transaction, with the case's setup
-- before and cleanup after (not timed).  A case is timed in the server like
-- bench.time_query (clock_timestamp() around a plpgsql EXECUTE); its first
-- column is kept (a model id, a row count).  bench.summarize() then fills
-- bench.results (median of the rounds >= 1, the case's ref runs of the same
-- rounds), so the report reads every section the same way.
-- ---------------------------------------------------------------------------

-- record one run; returns a progress line
CREATE FUNCTION bench.record(case_id int, workers int, round int, ms double precision,
                             value text, status text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO bench.runs (case_id, workers, round, ms, value, status)
		VALUES (case_id, workers, round, ms, value, status);
	RETURN format('  %-4s %-58s %s', case_id,
		left((SELECT label FROM bench.cases c WHERE c.id = case_id), 58),
		CASE WHEN status = 'ok' THEN format('round %s: %s ms%s', round, round(ms::numeric, 1),
		                                    CASE WHEN workers > 0 THEN format(' (%s workers)', workers) ELSE '' END)
		     ELSE status END);
END
$$;

-- one timed run of a case in the server
CREATE FUNCTION bench.run_case(case_id int, workers int, round int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	c    bench.cases;
	miss text;
	t0   timestamptz;
	ms   double precision;
	val  text;
BEGIN
	SELECT * INTO STRICT c FROM bench.cases WHERE id = case_id;
	miss := bench.missing(c.requires);
	IF miss IS NOT NULL THEN
		RETURN bench.record(case_id, workers, round, NULL, NULL, 'skipped: ' || miss || ' not installed');
	END IF;
	PERFORM set_config('max_parallel_workers_per_gather', workers::text, true);
	BEGIN
		t0 := clock_timestamp();
		IF c.query ~* '^\s*(SELECT|WITH)' THEN
			EXECUTE c.query INTO val;
		ELSE
			EXECUTE c.query;
		END IF;
		ms := 1000 * extract(epoch FROM clock_timestamp() - t0)::double precision;
	EXCEPTION WHEN OTHERS THEN
		-- an option al_ext does not have (yet) is a skip, not an error
		RETURN bench.record(case_id, workers, round, NULL, NULL,
			CASE WHEN SQLERRM LIKE 'unknown option%' THEN 'skipped: ' || SQLERRM || ' in this al_ext'
			     ELSE 'error: ' || SQLERRM END);
	END;
	RETURN bench.record(case_id, workers, round, ms, val, 'ok');
END
$$;

-- bench.runs -> bench.results: medians of the rounds >= 1 (a case with a
-- failed or skipped run gets that status), with its ref's runs of the same rounds
CREATE FUNCTION bench.summarize() RETURNS void
LANGUAGE sql AS $$
	DELETE FROM bench.results r USING (SELECT DISTINCT case_id, workers FROM bench.runs) x
	WHERE r.case_id = x.case_id AND r.workers = x.workers;
	INSERT INTO bench.results (case_id, workers, runs_ms, median_ms, ref_runs_ms, ref_median_ms, status)
	SELECT s.case_id, s.workers, s.runs, bench.median(s.runs), rr.runs, bench.median(rr.runs),
	       coalesce(s.bad, 'ok')
	FROM (SELECT case_id, workers,
	             array_agg(ms ORDER BY round) FILTER (WHERE round >= 1 AND status = 'ok') AS runs,
	             min(status) FILTER (WHERE status <> 'ok') AS bad
	      FROM bench.runs GROUP BY case_id, workers) s
	JOIN bench.cases c ON c.id = s.case_id
	LEFT JOIN LATERAL (
		SELECT array_agg(r.ms ORDER BY r.round) AS runs FROM bench.runs r
		WHERE r.case_id = c.ref AND c.ref <> c.id AND r.workers = s.workers
		  AND r.round >= 1 AND r.status = 'ok') rr ON true;
$$;

-- Plain-SQL and PL/pgSQL entropy over real[], the ways without al_ext.
CREATE FUNCTION bench.plpgsql_entropy(a real[]) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	x real;
	h double precision := 0;
BEGIN
	FOREACH x IN ARRAY a LOOP
		IF x > 0 THEN
			h := h - x * ln(x);
		END IF;
	END LOOP;
	RETURN h;
END
$$;

-- ---------------------------------------------------------------------------
-- The cases.  ref = the column-reading scan of the same table (ratio 1.0).
-- ---------------------------------------------------------------------------
INSERT INTO bench.cases (id, section, label, query, ref, requires) VALUES
(1, 'pool', 'count(*) FROM pool',
	'SELECT count(*) FROM pool', 2, '{}'),
(2, 'pool', 'scan reference: sum(array_length(a, 1)) FROM pool_real',
	'SELECT sum(array_length(a, 1)) FROM pool_real', 2, '{}'),
(3, 'pool', 'probvec column fetch: sum(pg_column_size(p)) FROM pool',
	'SELECT sum(pg_column_size(p)) FROM pool', 2, '{}');

-- 3. al.top_k of each single-vector score, 4. the same as ORDER BY ... LIMIT,
-- and max() of the score: the score's own cost without the selection.
INSERT INTO bench.cases (id, section, label, query, ref, requires)
SELECT base + i, 'pool', lab, q, 2, req
FROM unnest(ARRAY['least_confidence', 'margin_confidence', 'ratio_confidence', 'entropy'])
	WITH ORDINALITY AS s(score, i),
LATERAL (VALUES
	(10, format('al.top_k(id, al.%s(p), 100) FROM pool', score),
	     format('SELECT al.top_k(id, al.%s(p), 100) FROM pool', score),
	     ARRAY[format('al.%s(al.probvec)', score), 'al.top_k(bigint,double precision,integer)']),
	(20, format('ORDER BY al.%s(p) DESC LIMIT 100', score),
	     format('SELECT id FROM pool ORDER BY al.%s(p) DESC LIMIT 100', score),
	     ARRAY[format('al.%s(al.probvec)', score)]),
	(30, format('max(al.%s(p)) FROM pool  [score cost alone]', score),
	     format('SELECT max(al.%s(p)) FROM pool', score),
	     ARRAY[format('al.%s(al.probvec)', score)])
) AS v(base, lab, q, req);

INSERT INTO bench.cases (id, section, label, query, ref, requires) VALUES
(40, 'pool', 'plain SQL entropy over real[] (unnest + ln), ORDER BY LIMIT 100',
	'SELECT id FROM pool_real ORDER BY (SELECT -sum(x * ln(x)) FROM unnest(a) x WHERE x > 0) DESC LIMIT 100',
	2, '{}'),
(41, 'pool', 'PL/pgSQL entropy over real[], ORDER BY LIMIT 100',
	'SELECT id FROM pool_real ORDER BY bench.plpgsql_entropy(a) DESC LIMIT 100', 2, '{}'),
(42, 'pool', 'stored float8 score: ORDER BY score DESC LIMIT 100 (pool_scored)',
	'SELECT id FROM pool_scored ORDER BY score DESC LIMIT 100', 2, '{}'),
(43, 'pool', 'stored float8 score: al.top_k(id, score, 100) (pool_scored)',
	'SELECT al.top_k(id, score, 100) FROM pool_scored', 2,
	'{"al.top_k(bigint,double precision,integer)"}'),

-- 6. per-group top-10 over 100 groups
(50, 'groups', 'al.top_k(id, al.entropy(p), 10) GROUP BY grp',
	'SELECT grp, al.top_k(id, al.entropy(p), 10) FROM pool GROUP BY grp', 2,
	'{"al.entropy(al.probvec)","al.top_k(bigint,double precision,integer)"}'),
(51, 'groups', 'row_number() OVER (PARTITION BY grp ORDER BY al.entropy(p) DESC) <= 10',
	'SELECT grp, id FROM (SELECT grp, id, row_number() OVER (PARTITION BY grp ORDER BY al.entropy(p) DESC, id) AS rn FROM pool) s WHERE rn <= 10',
	2, '{"al.entropy(al.probvec)"}'),
(52, 'groups', 'stored score: al.top_k(id, score, 10) GROUP BY grp (pool_scored)',
	'SELECT grp, al.top_k(id, score, 10) FROM pool_scored GROUP BY grp', 2,
	'{"al.top_k(bigint,double precision,integer)"}'),
(53, 'groups', 'stored score: row_number() ... <= 10 (pool_scored)',
	'SELECT grp, id FROM (SELECT grp, id, row_number() OVER (PARTITION BY grp ORDER BY score DESC, id) AS rn FROM pool_scored) s WHERE rn <= 10',
	2, '{}'),

-- 7. committee scores, 8. expected gradient length
(60, 'committee', 'committee scan reference: sum(cardinality(members))',
	'SELECT sum(cardinality(members)) FROM committee', 60, '{}');

INSERT INTO bench.cases (id, section, label, query, ref, requires)
SELECT base + i, 'committee', lab, q, 60, req
FROM unnest(ARRAY['vote_entropy', 'consensus_entropy', 'bald', 'max_disagreement'])
	WITH ORDINALITY AS s(score, i),
LATERAL (VALUES
	(60, format('al.top_k(id, al.%s(members), 100) FROM committee', score),
	     format('SELECT al.top_k(id, al.%s(members), 100) FROM committee', score),
	     ARRAY[format('al.%s(al.probvec[])', score), 'al.top_k(bigint,double precision,integer)']),
	(65, format('max(al.%s(members))  [score cost alone]', score),
	     format('SELECT max(al.%s(members)) FROM committee', score),
	     ARRAY[format('al.%s(al.probvec[])', score)])
) AS v(base, lab, q, req);

INSERT INTO bench.cases (id, section, label, query, ref, requires) VALUES
(70, 'egl', 'features scan reference: sum(array_length(x, 1)) FROM committee',
	'SELECT sum(array_length(x, 1)) FROM committee', 70, '{}'),
(71, 'egl', 'al.top_k(id, al.expected_gradient_length(p, x), 100)',
	'SELECT al.top_k(id, al.expected_gradient_length(p, x), 100) FROM committee', 70,
	'{"al.expected_gradient_length(al.probvec,double precision[])","al.top_k(bigint,double precision,integer)"}'),
(72, 'egl', 'max(al.expected_gradient_length(p, x))  [score cost alone]',
	'SELECT max(al.expected_gradient_length(p, x)) FROM committee', 70,
	'{"al.expected_gradient_length(al.probvec,double precision[])"}'),

-- 9. 100 classes
(80, 'c100', 'scan reference: sum(array_length(a, 1)) FROM pool100_real',
	'SELECT sum(array_length(a, 1)) FROM pool100_real', 80, '{}'),
(81, 'c100', 'al.top_k(id, al.entropy(p), 100) FROM pool100',
	'SELECT al.top_k(id, al.entropy(p), 100) FROM pool100', 80,
	'{"al.entropy(al.probvec)","al.top_k(bigint,double precision,integer)"}'),
(82, 'c100', 'al.top_k(id, al.least_confidence(p), 100) FROM pool100',
	'SELECT al.top_k(id, al.least_confidence(p), 100) FROM pool100', 80,
	'{"al.least_confidence(al.probvec)","al.top_k(bigint,double precision,integer)"}'),
(83, 'c100', 'max(al.entropy(p)) FROM pool100  [score cost alone]',
	'SELECT max(al.entropy(p)) FROM pool100', 80, '{"al.entropy(al.probvec)"}'),
(84, 'c100', 'plain SQL entropy over real[], ORDER BY LIMIT 100',
	'SELECT id FROM pool100_real ORDER BY (SELECT -sum(x * ln(x)) FROM unnest(a) x WHERE x > 0) DESC LIMIT 100',
	80, '{}');

-- the max() rows are diagnostics for reading the serial numbers: serial only
UPDATE bench.cases SET parallel = false WHERE label LIKE '%[score cost alone]%';

-- 10. numpy: filled in by bench/numpy_bench.py (client-side wall clock)
INSERT INTO bench.cases (id, section, label, query, ref, requires) VALUES
(90, 'numpy', 'numpy: binary COPY export of (id, p) FROM pool', '-- client side', 2, '{}'),
(91, 'numpy', 'numpy: parse + entropy + argpartition top-100', '-- client side', 2, '{}'),
(92, 'numpy', 'numpy: total (export + compute)', '-- client side', 2, '{}');

-- ---------------------------------------------------------------------------
-- Consistency checks: the compared queries select the same items.
-- ---------------------------------------------------------------------------
CREATE PROCEDURE bench.check(label text, req text[], q text)
LANGUAGE plpgsql AS $$
DECLARE
	miss text := bench.missing(req);
	res  text;
BEGIN
	IF miss IS NOT NULL THEN
		res := 'skipped: ' || miss || ' not installed';
	ELSE
		BEGIN
			EXECUTE q INTO res;
		EXCEPTION WHEN OTHERS THEN
			res := 'error: ' || SQLERRM;
		END;
	END IF;
	INSERT INTO bench.checks VALUES (label, res)
		ON CONFLICT ON CONSTRAINT checks_pkey DO UPDATE SET result = excluded.result;
END
$$;
