
-- ---------------------------------------------------------------------------
-- The background worker: one per database runs the learners' rounds
-- ---------------------------------------------------------------------------
-- start/stop/wake are for administrators: EXECUTE is revoked from PUBLIC, so
-- superusers may call them and may GRANT EXECUTE to other roles.

CREATE FUNCTION al.start_worker() RETURNS integer
	AS 'MODULE_PATHNAME', 'al_start_worker' LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION al.start_worker() FROM PUBLIC;
COMMENT ON FUNCTION al.start_worker() IS
	'start the al_ext worker of the current database (no restart needed); returns its PID. If one already runs, a NOTICE and its PID; never two';

CREATE FUNCTION al.stop_worker() RETURNS boolean
	AS 'MODULE_PATHNAME', 'al_stop_worker' LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION al.stop_worker() FROM PUBLIC;
COMMENT ON FUNCTION al.stop_worker() IS
	'stop the al_ext worker of the current database (SIGTERM; it is not restarted) and wait until it has exited; returns whether one was running';

CREATE FUNCTION al.wake_worker() RETURNS void
	AS 'MODULE_PATHNAME', 'al_wake_worker' LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION al.wake_worker() FROM PUBLIC;
COMMENT ON FUNCTION al.wake_worker() IS
	'make the al_ext worker of the current database look at its learners as soon as this transaction commits, instead of after al_ext.naptime';

CREATE FUNCTION al.worker_processes(OUT pid integer, OUT datid oid) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'al_worker_processes' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION al.worker_processes() IS
	'pid and database of every running al_ext worker (needs no statistics privilege, unlike pg_stat_activity.backend_type)';

CREATE VIEW al.worker_status AS
SELECT w.pid,
       d.datname AS database,
       a.backend_start AS started_at,
       a.state,
       a.query AS activity,
       a.state_change,
       a.wait_event_type,
       a.wait_event
FROM al.worker_processes() w
JOIN pg_catalog.pg_database d ON d.oid = w.datid
LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = w.pid;
GRANT SELECT ON al.worker_status TO PUBLIC;
COMMENT ON VIEW al.worker_status IS
	'the running al_ext workers, one row per database; started_at, state and activity need pg_read_all_stats (the worker runs as the bootstrap superuser)';
