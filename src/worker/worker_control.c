/*
 * worker_control.c - the al_ext worker seen from outside: its settings, its
 * registration (static workers of al_ext.databases, dynamic ones from
 * al.start_worker), finding the worker of a database, waking it when labels
 * commit, and the SQL functions al.start_worker, al.stop_worker,
 * al.wake_worker and al.worker_processes.  The process itself is in
 * worker_main.c; the design in doc/worker.md.
 */
#include "postgres.h"

#include <signal.h>
#include <unistd.h>

#include "access/xact.h"
#include "access/xlog.h"
#include "commands/dbcommands.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "postmaster/bgworker.h"
#include "storage/latch.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "utils/guc.h"
#include "utils/varlena.h"
#include "utils/wait_event.h"

#include "al_ext.h"
#include "learner.h"
#include "worker.h"

/* Seconds before the postmaster restarts a worker that exited with code 1. */
#define AL_WORKER_RESTART_SECS	10

/* How long start_worker/stop_worker wait for the worker (ms). */
#define AL_WORKER_WAIT_MS		10000

PG_FUNCTION_INFO_V1(al_start_worker);
PG_FUNCTION_INFO_V1(al_stop_worker);
PG_FUNCTION_INFO_V1(al_wake_worker);
PG_FUNCTION_INFO_V1(al_worker_processes);

/* GUCs */
int			al_worker_naptime = 1000;
int			al_worker_lock_timeout = 5000;
int			al_worker_round_timeout = 30 * 60 * 1000;
static char *worker_databases = NULL;	/* al_ext.databases */

/* Backend state for the wake-up at commit */
static bool wake_callback_registered = false;
static bool wake_at_commit = false;

/* ---------------------------------------------------------------------------
 * GUCs and static workers
 * ---------------------------------------------------------------------------
 */

/* al_ext.databases must be a list of names, as SplitGUCList parses it. */
static bool
check_databases(char **newval, void **extra, GucSource source)
{
	char	   *raw = pstrdup(*newval);
	List	   *names = NIL;
	ListCell   *lc;
	bool		ok = SplitGUCList(raw, ',', &names);

	if (!ok)
		GUC_check_errdetail("List syntax is invalid.");
	foreach(lc, names)
	{
		if (ok && strlen((char *) lfirst(lc)) >= NAMEDATALEN)
		{
			GUC_check_errdetail("Database name \"%s\" is too long.", (char *) lfirst(lc));
			ok = false;
		}
	}
	list_free(names);
	pfree(raw);
	return ok;
}

/*
 * Define al_ext.naptime, and al_ext.databases when preloading: PostgreSQL
 * allows PGC_POSTMASTER variables only then (as pg_prewarm does).
 */
void
al_worker_define_gucs(void)
{
	DefineCustomIntVariable("al_ext.naptime",
							"Time the al_ext worker sleeps when no learner has work.",
							"Labels and retrain requests wake the worker at once; the "
							"naptime bounds the delay for other work, and is the least "
							"time before a failed round is retried.",
							&al_worker_naptime, 1000, 10, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("al_ext.lock_timeout",
							"Longest wait of the al_ext worker for one lock in a learner's round.",
							"A learner whose pool (or row) stays locked longer fails this "
							"round and is retried later, so one locked pool never stalls "
							"the other learners.  0 leaves PostgreSQL's lock_timeout.",
							&al_worker_lock_timeout, 5000, 0, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("al_ext.round_timeout",
							"Longest time the al_ext worker spends on one learner's round.",
							"The round is cancelled (and the learner backed off) when it "
							"runs longer, whatever the pool's own code does.  0 = no limit.",
							&al_worker_round_timeout, 30 * 60 * 1000, 0, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	if (!process_shared_preload_libraries_in_progress)
		return;
	DefineCustomStringVariable("al_ext.databases",
							   "Databases in which the postmaster starts an al_ext worker.",
							   "Comma-separated database names; needs al_ext in "
							   "shared_preload_libraries.  Names are taken as written "
							   "(double-quote a name that contains a comma).",
							   &worker_databases, "",
							   PGC_POSTMASTER, GUC_LIST_INPUT,
							   check_databases, NULL, NULL);
}

/* Fill in the registration of the worker for database dbname. */
static void
worker_fill(BackgroundWorker *worker, const char *dbname)
{
	memset(worker, 0, sizeof(BackgroundWorker));
	worker->bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker->bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker->bgw_restart_time = AL_WORKER_RESTART_SECS;
	strlcpy(worker->bgw_library_name, "al_ext", BGW_MAXLEN);
	strlcpy(worker->bgw_function_name, "al_worker_main", BGW_MAXLEN);
	snprintf(worker->bgw_name, BGW_MAXLEN, "al_ext worker for database %s", dbname);
	strlcpy(worker->bgw_type, AL_WORKER_TYPE, BGW_MAXLEN);
	strlcpy(worker->bgw_extra, dbname, BGW_EXTRALEN);
}

/*
 * Register one static worker per database named in al_ext.databases (once,
 * each): called from _PG_init while shared_preload_libraries load.
 */
void
al_worker_register_static(void)
{
	char	   *raw = pstrdup(worker_databases ? worker_databases : "");
	List	   *names = NIL;
	List	   *done = NIL;
	ListCell   *lc;

	if (!SplitGUCList(raw, ',', &names))
		return;					/* check_databases reported it */
	foreach(lc, names)
	{
		char	   *name = (char *) lfirst(lc);
		BackgroundWorker worker;

		if (name[0] == '\0' || list_member(done, makeString(name)))
			continue;
		done = lappend(done, makeString(name));
		worker_fill(&worker, name);
		worker.bgw_main_arg = ObjectIdGetDatum(InvalidOid);
		RegisterBackgroundWorker(&worker);
	}
}

/* ---------------------------------------------------------------------------
 * Finding the worker of a database
 * ---------------------------------------------------------------------------
 */

/* The tag of the session lock that the worker of database dbid holds. */
void
worker_locktag(LOCKTAG *tag, Oid dbid)
{
	SET_LOCKTAG_ADVISORY(*tag, dbid, 0, 0, AL_WORKER_LOCK_CLASS);
}

/*
 * Pid of the process holding the worker lock of database dbid (that is, of
 * its running worker), or 0.  Reads the whole lock table: for start and stop,
 * not for hot paths.
 */
static int
worker_lock_holder(Oid dbid)
{
	LOCKTAG		tag;
	LockData   *data = GetLockStatusData();
	int			pid = 0;
	int			i;

	worker_locktag(&tag, dbid);
	for (i = 0; i < data->nelements && pid == 0; i++)
	{
		LockInstanceData *inst = &data->locks[i];

		if (inst->holdMask != 0 && memcmp(&inst->locktag, &tag, sizeof(LOCKTAG)) == 0)
			pid = inst->pid;
	}
	pfree(data->locks);
	pfree(data);
	return pid;
}

/*
 * Is proc (whose pid the caller read once) a running al_ext worker?  Its
 * type comes from the postmaster's registry of background workers.
 */
static bool
is_al_worker(PGPROC *proc, int pid)
{
	const char *type;

	if (pid == 0 || !proc->isBackgroundWorker)
		return false;
	type = GetBackgroundWorkerTypeByPid(pid);
	return type != NULL && strcmp(type, AL_WORKER_TYPE) == 0;
}

/*
 * Set the latch of every al_ext worker connected to database dbid.  Scans
 * the PGPROC array without a lock (a stale entry costs a spurious wake-up at
 * worst).  Takes no heavyweight lock, allocates nothing and never raises an
 * ERROR, so it is safe in a commit callback.
 */
static void
wake_workers_of(Oid dbid)
{
	uint32		i;

	for (i = 0; i < ProcGlobal->allProcCount; i++)
	{
		PGPROC	   *proc = &ProcGlobal->allProcs[i];

		if (proc->databaseId == dbid && is_al_worker(proc, proc->pid))
			SetLatch(&proc->procLatch);
	}
}

/*
 * Is an al_ext worker connected to this database now?  For
 * al.learner_status: labels pile up unseen when none is.  Scans the PGPROC
 * array as wake_workers_of does.
 */
bool
learner_worker_running(void)
{
	uint32		i;

	for (i = 0; i < ProcGlobal->allProcCount; i++)
	{
		PGPROC	   *proc = &ProcGlobal->allProcs[i];

		if (proc->databaseId == MyDatabaseId && is_al_worker(proc, proc->pid))
			return true;
	}
	return false;
}

/*
 * al.worker_processes(): pid and database of every running al_ext worker.
 * Unlike pg_stat_activity.backend_type, needs no statistics privilege, so
 * al.worker_status tells everyone whether a worker runs.
 */
Datum
al_worker_processes(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	uint32		i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < ProcGlobal->allProcCount; i++)
	{
		PGPROC	   *proc = &ProcGlobal->allProcs[i];
		int			pid = proc->pid;
		Oid			dbid = proc->databaseId;
		Datum		values[2] = {Int32GetDatum(pid), ObjectIdGetDatum(dbid)};
		bool		nulls[2] = {false, false};

		if (OidIsValid(dbid) && is_al_worker(proc, pid))
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ---------------------------------------------------------------------------
 * Wake-up from normal backends
 * ---------------------------------------------------------------------------
 */

/* Transaction callback: wake this database's worker once the caller commits. */
static void
wake_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
			if (wake_at_commit)
			{
				wake_at_commit = false;
				wake_workers_of(MyDatabaseId);
			}
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
			wake_at_commit = false;
			break;
		default:
			break;
	}
}

/*
 * Ask this database's worker to look at the learners soon after the current
 * transaction commits (nothing happens if it aborts).  Called by al.label and
 * al.retrain; cheap, and does nothing if no worker runs.
 */
void
learner_wake_worker(void)
{
	if (!wake_callback_registered)
	{
		RegisterXactCallback(wake_xact_callback, NULL);
		wake_callback_registered = true;
	}
	wake_at_commit = true;
}

/* ---------------------------------------------------------------------------
 * The SQL functions
 * ---------------------------------------------------------------------------
 */

/* Wait up to AL_WORKER_WAIT_MS in steps of 10 ms; false once the time is up. */
static bool
wait_a_little(int *waited)
{
	if (*waited >= AL_WORKER_WAIT_MS)
		return false;
	(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					 10, PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
	CHECK_FOR_INTERRUPTS();
	*waited += 10;
	return true;
}

/* The database's worker is already running, as holder: say so, return its pid. */
static int
report_running(const char *dbname, int holder)
{
	ereport(NOTICE,
			(errmsg("al_ext worker for database \"%s\" is already running", dbname),
			 errdetail("Its PID is %d.", holder)));
	return holder;
}

/*
 * Wait until the worker we registered holds the database's worker lock; if it
 * exits first because another worker holds the lock, report that one.
 * Returns the pid of the database's worker.
 */
static int
wait_worker_ready(BackgroundWorkerHandle *handle, const char *dbname)
{
	pid_t		pid;
	pid_t		dummy;
	int			waited = 0;
	BgwHandleStatus status = WaitForBackgroundWorkerStartup(handle, &pid);

	/*
	 * Stopped already: it may have lost the lock to a worker that a
	 * concurrent al.start_worker registered, and exited before we saw it
	 * start (on a loaded machine); then report that one.
	 */
	if (status == BGWH_STOPPED)
	{
		int			holder = worker_lock_holder(MyDatabaseId);

		if (holder != 0)
			return report_running(dbname, holder);
	}
	if (status != BGWH_STARTED)
	{
		TerminateBackgroundWorker(handle);	/* no restart later */
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("could not start the al_ext worker for database \"%s\"", dbname),
				 errhint("More details may be available in the server log.")));
	}
	do
	{
		int			holder = worker_lock_holder(MyDatabaseId);

		if (holder == pid)
			return pid;
		if (GetBackgroundWorkerPid(handle, &dummy) == BGWH_STOPPED)
		{
			if (holder == 0)
			{
				TerminateBackgroundWorker(handle);	/* no restart later */
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("al_ext worker for database \"%s\" exited during startup", dbname),
						 errhint("More details may be available in the server log.")));
			}
			return report_running(dbname, holder);
		}
	} while (wait_a_little(&waited));
	return pid;					/* still starting; it is registered */
}

/*
 * al.start_worker(): start the worker for the current database unless one
 * runs (then a NOTICE); returns the worker's pid.  EXECUTE is revoked from
 * PUBLIC in the install script.
 */
Datum
al_start_worker(PG_FUNCTION_ARGS)
{
	char	   *dbname = get_database_name(MyDatabaseId);
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;
	int			pid;

	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot start the al_ext worker during recovery")));
	pid = worker_lock_holder(MyDatabaseId);
	if (pid != 0)
		PG_RETURN_INT32(report_running(dbname, pid));
	/* a worker stopped in a round left a stop for its restart: start anew */
	worker_state_clear_stop(MyDatabaseId);
	worker_fill(&worker, dbname);
	worker.bgw_main_arg = ObjectIdGetDatum(MyDatabaseId);
	worker.bgw_notify_pid = MyProcPid;
	if (!RegisterDynamicBackgroundWorker(&worker, &handle))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not register the al_ext worker for database \"%s\"", dbname),
				 errhint("You might need to increase %s.", "max_worker_processes")));
	PG_RETURN_INT32(wait_worker_ready(handle, dbname));
}

/*
 * al.stop_worker(): send SIGTERM to the current database's worker and wait
 * until it has gone; returns whether one was running.  SIGTERM makes the
 * worker exit with code 0, so the postmaster does not restart it.
 */
Datum
al_stop_worker(PG_FUNCTION_ARGS)
{
	int			pid = worker_lock_holder(MyDatabaseId);
	int			waited = 0;

	if (pid == 0)
		PG_RETURN_BOOL(false);
	if (kill(pid, SIGTERM) != 0)
	{
		if (errno == ESRCH)
			PG_RETURN_BOOL(false);	/* it just exited */
		ereport(ERROR,
				(errmsg("could not send signal to the al_ext worker (PID %d): %m", pid)));
	}
	while (BackendPidGetProc(pid) != NULL)
	{
		if (!wait_a_little(&waited))
		{
			ereport(WARNING,
					(errmsg("al_ext worker (PID %d) has not exited yet", pid)));
			break;
		}
	}
	PG_RETURN_BOOL(true);
}

/* al.wake_worker(): wake this database's worker when the transaction commits. */
Datum
al_wake_worker(PG_FUNCTION_ARGS)
{
	learner_wake_worker();
	PG_RETURN_VOID();
}
