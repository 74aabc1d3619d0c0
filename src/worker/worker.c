/*
 * worker.c - the al_ext background worker: one per database, it runs the
 * rounds of that database's learners (learner_run_round) one transaction per
 * learner, sleeps al_ext.naptime when there is nothing to do, and is woken
 * early by al.label / al.retrain through learner_wake_worker().
 *
 * Started by al.start_worker() (a dynamic worker, no restart needed) or by
 * the postmaster for every database in al_ext.databases when al_ext is in
 * shared_preload_libraries.  See doc/worker.md for the design: uniqueness
 * through a session advisory lock, SIGTERM as a clean stop (exit code 0),
 * crash behaviour, the wake-up mechanism and the GUCs.
 */
#include "postgres.h"

#include <signal.h>
#include <unistd.h>

#include "access/xact.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/varlena.h"
#include "utils/wait_event.h"

#include "al_ext.h"
#include "learner.h"

/* What pg_stat_activity.backend_type shows for the worker. */
#define AL_WORKER_TYPE			"al_ext worker"

/* Seconds before the postmaster restarts a worker that exited with code 1. */
#define AL_WORKER_RESTART_SECS	10

/*
 * locktag_field4 of the session advisory lock (database oid, 0, 0, this)
 * that the worker of a database holds while it runs.  SQL-level advisory
 * locks use 1 and 2 there, so the lock never collides with an application's.
 */
#define AL_WORKER_LOCK_CLASS	16716

/* A failing learner is retried after naptime, doubling, at most this long. */
#define AL_MAX_BACKOFF_MS		60000

/* How long start_worker/stop_worker wait for the worker (ms). */
#define AL_WORKER_WAIT_MS		10000

PGDLLEXPORT void al_worker_main(Datum main_arg);

PG_FUNCTION_INFO_V1(al_start_worker);
PG_FUNCTION_INFO_V1(al_stop_worker);
PG_FUNCTION_INFO_V1(al_wake_worker);
PG_FUNCTION_INFO_V1(al_worker_processes);

/* GUCs */
static int	worker_naptime = 1000;	/* al_ext.naptime, ms */
static char *worker_databases = NULL;	/* al_ext.databases */

/* Worker process state */
static volatile sig_atomic_t got_sigterm = false;
static char worker_dbname[NAMEDATALEN];
static HTAB *backoff_table = NULL;

/* Backend state for the wake-up at commit */
static bool wake_callback_registered = false;
static bool wake_at_commit = false;

/* One learner's failure record in the worker (backoff_table entry). */
typedef struct LearnerBackoff
{
	int64		learner_id;		/* hash key */
	int			failures;		/* consecutive failed rounds */
	TimestampTz retry_at;		/* no round before this time */
} LearnerBackoff;

/* The learners of this database, as listed by one pass. */
typedef struct LearnerList
{
	MemoryContext cxt;			/* where ids lives (survives the transaction) */
	bool		installed;		/* is the extension installed here? */
	int			count;
	int64	   *ids;
} LearnerList;

/* One learner's round: its id in, its result out. */
typedef struct LearnerRound
{
	int64		id;
	LearnerRoundResult result;
} LearnerRound;

typedef void (*WorkerUnitFn) (void *arg);

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
							&worker_naptime, 1000, 10, INT_MAX,
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
static void
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

	if (WaitForBackgroundWorkerStartup(handle, &pid) != BGWH_STARTED)
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
			ereport(NOTICE,
					(errmsg("al_ext worker for database \"%s\" is already running", dbname),
					 errdetail("Its PID is %d.", holder)));
			return holder;
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
	{
		ereport(NOTICE,
				(errmsg("al_ext worker for database \"%s\" is already running", dbname),
				 errdetail("Its PID is %d.", pid)));
		PG_RETURN_INT32(pid);
	}
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

/* ---------------------------------------------------------------------------
 * The worker process
 * ---------------------------------------------------------------------------
 */

/*
 * SIGTERM (al.stop_worker, pg_terminate_backend, shutdown): remember it and
 * cancel the running round at its next CHECK_FOR_INTERRUPTS, like the cancel
 * handler does; the loop then exits with code 0.  (die would exit with code
 * 1 from inside a round, and the postmaster would restart the worker.)
 * Cancels are held off outside a unit of work, so this is safe anywhere.
 */
static void
worker_sigterm(SIGNAL_ARGS)
{
	int			save_errno = errno;

	got_sigterm = true;
	if (!proc_exit_inprogress)
	{
		InterruptPending = true;
		QueryCancelPending = true;
	}
	SetLatch(MyLatch);
	errno = save_errno;
}

/* Error context of a unit of work: what the worker was doing. */
static void
unit_error_context(void *arg)
{
	errcontext("al_ext worker: %s", (const char *) arg);
}

/*
 * Run fn(arg) as one unit of work: its own transaction, SPI connected, a
 * snapshot active and pg_stat_activity showing what.  An ERROR is reported,
 * the transaction aborted, and false returned, so the worker goes on.
 * Cancels (SIGINT, and SIGTERM) are honoured only inside a unit.
 */
static bool
run_unit(const char *what, WorkerUnitFn fn, void *arg)
{
	MemoryContext cxt = CurrentMemoryContext;
	volatile bool ok = true;

	QueryCancelPending = false; /* a cancel that came while idle is stale */
	if (got_sigterm)
		return false;
	RESUME_CANCEL_INTERRUPTS();
	PG_TRY();
	{
		ErrorContextCallback errcb;

		errcb.callback = unit_error_context;
		errcb.arg = unconstify(char *, what);
		errcb.previous = error_context_stack;
		error_context_stack = &errcb;
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		SPI_connect();
		PushActiveSnapshot(GetTransactionSnapshot());
		pgstat_report_activity(STATE_RUNNING, what);
		fn(arg);
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		error_context_stack = errcb.previous;
	}
	PG_CATCH();
	{
		HOLD_INTERRUPTS();
		MemoryContextSwitchTo(cxt);
		/* a round cancelled by SIGTERM is no error: the stop is logged */
		if (!(got_sigterm && geterrcode() == ERRCODE_QUERY_CANCELED))
			EmitErrorReport();
		AbortOutOfAnyTransaction();
		FlushErrorState();
		QueryCancelPending = false;
		QueryCancelHoldoffCount = 0;
		RESUME_INTERRUPTS();
		ok = false;
	}
	PG_END_TRY();
	HOLD_CANCEL_INTERRUPTS();
	MemoryContextSwitchTo(cxt);
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);
	return ok;
}

/* Unit of work: list this database's learners into the LearnerList arg. */
static void
list_learners_unit(void *arg)
{
	LearnerList *list = (LearnerList *) arg;
	MemoryContext old;
	uint64		i;

	list->installed = OidIsValid(get_extension_oid("al_ext", true));
	if (!list->installed)
		return;
	if (SPI_execute("SELECT id FROM al.learner_store ORDER BY id", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed listing learners");
	old = MemoryContextSwitchTo(list->cxt);
	list->ids = (int64 *) palloc(sizeof(int64) * (SPI_processed + 1));
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);

		list->ids[list->count++] = DatumGetInt64(d);
	}
	MemoryContextSwitchTo(old);
}

/* Unit of work: one round of one learner (the LearnerRound arg). */
static void
learner_round_unit(void *arg)
{
	LearnerRound *round = (LearnerRound *) arg;

	round->result = learner_run_round(round->id);
}

/* Is this learner waiting out the backoff of a failed round? */
static bool
learner_backing_off(int64 id)
{
	LearnerBackoff *entry = hash_search(backoff_table, &id, HASH_FIND, NULL);

	return entry != NULL && GetCurrentTimestamp() < entry->retry_at;
}

/*
 * Record a round's outcome: success forgets past failures; a failure delays
 * the learner's next round by naptime, doubling with each further failure up
 * to AL_MAX_BACKOFF_MS (or naptime if longer), so a broken learner neither
 * spins nor floods the log while other learners keep the worker busy.
 */
static void
learner_record(int64 id, bool ok)
{
	LearnerBackoff *entry;
	bool		found;
	int64		delay;

	if (ok)
	{
		hash_search(backoff_table, &id, HASH_REMOVE, NULL);
		return;
	}
	entry = hash_search(backoff_table, &id, HASH_ENTER, &found);
	entry->failures = found ? entry->failures + 1 : 1;
	delay = (int64) worker_naptime << Min(entry->failures - 1, 16);
	delay = Min(delay, Max(worker_naptime, AL_MAX_BACKOFF_MS));
	entry->retry_at = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), delay);
}

/*
 * Keep holding the worker lock (a round's code could have released it with
 * pg_advisory_unlock_all); exit if another worker has taken it meanwhile.
 */
static void
keep_worker_lock(void)
{
	LOCKTAG		tag;

	worker_locktag(&tag, MyDatabaseId);
	if (LockHeldByMe(&tag, ExclusiveLock))
		return;
	if (LockAcquire(&tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)
	{
		ereport(LOG,
				(errmsg("al_ext worker for database \"%s\" exiting: another al_ext worker runs for it",
						worker_dbname)));
		proc_exit(0);
	}
}

/*
 * One pass over the learners: list them, then one round each (skipping those
 * backing off).  Returns true if some round did work, so the caller loops
 * again at once to drain a backlog.  *installed tells whether the extension
 * exists in this database.
 */
static bool
worker_pass(MemoryContext cxt, bool *installed)
{
	LearnerList list = {cxt, false, 0, NULL};
	int			busy = 0;
	int			failed = 0;
	int			i;

	keep_worker_lock();
	if (!run_unit("listing learners", list_learners_unit, &list))
		return false;
	*installed = list.installed;
	for (i = 0; i < list.count && !got_sigterm; i++)
	{
		LearnerRound round = {list.ids[i], LEARNER_IDLE};
		char	   *what;
		bool		ok;

		if (learner_backing_off(round.id))
			continue;
		what = psprintf("learner " INT64_FORMAT ": round", round.id);
		ok = run_unit(what, learner_round_unit, &round);
		learner_record(round.id, ok);
		busy += (ok && round.result != LEARNER_IDLE);
		failed += !ok;
	}
	elog(DEBUG1, "al_ext worker for database \"%s\" checked %d learners: %d did work, %d failed",
		 worker_dbname, list.count, busy, failed);
	return busy > 0;
}

/*
 * Set up the connected worker: its database name, the worker lock (exit
 * with code 0 if another worker of this database holds it), the backoff
 * table.
 */
static void
worker_init(void)
{
	LOCKTAG		tag;
	HASHCTL		ctl;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	strlcpy(worker_dbname, get_database_name(MyDatabaseId), NAMEDATALEN);
	worker_locktag(&tag, MyDatabaseId);
	if (LockAcquire(&tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)
	{
		CommitTransactionCommand();
		ereport(LOG,
				(errmsg("al_ext worker for database \"%s\" not started: another al_ext worker runs for it",
						worker_dbname)));
		proc_exit(0);
	}
	CommitTransactionCommand();

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(LearnerBackoff);
	ctl.hcxt = TopMemoryContext;
	backoff_table = hash_create("al_ext learner backoff", 64, &ctl,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ereport(LOG,
			(errmsg("al_ext worker for database \"%s\" started", worker_dbname)));
}

/*
 * The loop: a pass over the learners, then sleep naptime unless the pass
 * did work, a wake-up or SIGHUP sets the latch; until SIGTERM.  A worker
 * started by al.start_worker also ends when the extension it saw is dropped.
 */
static void
worker_loop(bool dynamic)
{
	MemoryContext cxt = AllocSetContextCreate(TopMemoryContext, "al_ext worker loop",
											  ALLOCSET_DEFAULT_SIZES);
	bool		seen_extension = false;

	while (!got_sigterm)
	{
		bool		installed = seen_extension;
		bool		busy;

		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
		MemoryContextSwitchTo(cxt);
		busy = worker_pass(cxt, &installed);
		MemoryContextSwitchTo(TopMemoryContext);
		MemoryContextReset(cxt);
		if (dynamic && seen_extension && !installed)
		{
			ereport(LOG,
					(errmsg("al_ext worker for database \"%s\" exiting: extension \"al_ext\" was dropped",
							worker_dbname)));
			break;
		}
		seen_extension = installed;
		if (!busy)
			pgstat_report_stat(true);
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 busy ? 0 : worker_naptime, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Entry point of the worker.  main_arg is the database oid (dynamic worker)
 * or InvalidOid, then bgw_extra holds the database name (static worker).
 * Connects as the bootstrap superuser, for its own bookkeeping only: each
 * learner's round switches to the learner owner's identity itself.
 */
void
al_worker_main(Datum main_arg)
{
	Oid			dboid = DatumGetObjectId(main_arg);

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, worker_sigterm);
	HOLD_CANCEL_INTERRUPTS();	/* cancels count only inside a unit of work */
	BackgroundWorkerUnblockSignals();

	if (OidIsValid(dboid))
		BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
	else
		BackgroundWorkerInitializeConnection(MyBgworkerEntry->bgw_extra, NULL, 0);
	SetConfigOption("application_name", MyBgworkerEntry->bgw_name,
					PGC_USERSET, PGC_S_SESSION);

	worker_init();
	worker_loop(OidIsValid(dboid));
	ereport(LOG,
			(errmsg("al_ext worker for database \"%s\" stopped", worker_dbname)));
	proc_exit(0);
}
