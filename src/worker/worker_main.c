/*
 * worker_main.c - the al_ext background worker process: one per database,
 * it runs the rounds of that database's learners (learner_run_round) one
 * transaction per learner, sleeps al_ext.naptime when there is nothing to
 * do, and is woken early by al.label / al.retrain (worker_control.c).
 *
 * Every unit of work runs with search_path pinned in its own GUC nest level
 * (src/identity.c), so neither the bootstrap superuser's settings nor code a
 * learner owner controls can change how the worker's own statements resolve
 * names; each learner's round runs under al_ext.lock_timeout and is
 * cancelled after al_ext.round_timeout, so no pool can stall the worker.
 * See doc/worker.md.
 */
#include "postgres.h"

#include <signal.h>

#include "access/xact.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lock.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "identity.h"
#include "learner.h"
#include "worker.h"

/* A failing learner is retried after naptime, doubling, at most this long. */
#define AL_MAX_BACKOFF_MS		60000

/*
 * A learner whose round the round timer had to kill is retried after
 * round_timeout, doubling, at most this long: its pool demonstrably holds
 * the worker.
 */
#define AL_MAX_KILLED_BACKOFF_MS	(3600 * 1000)

/* How long a round may ignore the cancel of al_ext.round_timeout before it is killed. */
#define AL_ROUND_KILL_GRACE_MS		2000

/* Worker process state */
static volatile sig_atomic_t got_sigterm = false;
static volatile sig_atomic_t round_timed_out = false;
static volatile sig_atomic_t round_killed = false;
static volatile sig_atomic_t in_round = false;
static TimeoutId round_timeout_id;
static TimeoutId round_kill_id;
static char worker_dbname[NAMEDATALEN];
static HTAB *backoff_table = NULL;

/* One learner's failure record in the worker (backoff_table entry). */
typedef struct LearnerBackoff
{
	int64		learner_id;		/* hash key */
	int			failures;		/* consecutive failed rounds */
	int			deaths;			/* of them, rounds that ended the worker's process */
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
 * The worker process
 * ---------------------------------------------------------------------------
 */

/*
 * SIGTERM (al.stop_worker, pg_terminate_backend, shutdown): remember it.
 * Outside a round the loop then exits with code 0.  Inside a round the
 * process dies at the next CHECK_FOR_INTERRUPTS, as for `die`: the round
 * runs code of the pool's owner, which could catch a mere cancel and keep
 * the worker from stopping.  Such an exit has code 1, so the postmaster
 * starts the worker again; worker_state (the stop is written at exit) makes
 * that new process exit with code 0 at once, so a stopped worker stays
 * stopped.  Cancels are held off outside a unit of work, so this is safe
 * anywhere.
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
		if (in_round)
			ProcDiePending = true;
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
 * Timeout handler of al_ext.round_timeout: cancel the running round at its
 * next CHECK_FOR_INTERRUPTS, as a query cancel does.  Runs in the signal
 * handler; code the pool runs cannot switch it off.
 */
static void
round_timeout_handler(void)
{
	round_timed_out = true;
	InterruptPending = true;
	QueryCancelPending = true;
	SetLatch(MyLatch);
}

/*
 * Timeout handler of the grace after al_ext.round_timeout: the round did not
 * end on the cancel (code in the pool can catch a cancel), so the process
 * dies (FATAL cannot be caught).  The next process backs the learner off
 * (worker_state).
 */
static void
round_kill_handler(void)
{
	if (!in_round)
		return;
	round_killed = true;
	InterruptPending = true;
	ProcDiePending = true;
	SetLatch(MyLatch);
}

/*
 * Isolate a unit of work (inside its transaction): search_path pinned in a
 * new GUC nest level, and for a learner's round al_ext.lock_timeout and the
 * round timer.  Undone by the unit's commit or abort.
 */
static void
unit_isolate(bool round, AlIdentity *save)
{
	al_become_caller(save);
	if (!round)
		return;
	if (al_worker_lock_timeout > 0)
		(void) set_config_option("lock_timeout", psprintf("%d", al_worker_lock_timeout),
								 PGC_SUSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	round_timed_out = false;
	if (al_worker_round_timeout > 0)
	{
		enable_timeout_after(round_timeout_id, al_worker_round_timeout);
		enable_timeout_after(round_kill_id, al_worker_round_timeout + AL_ROUND_KILL_GRACE_MS);
	}
	in_round = true;
}

/* Report an error caught in a unit (a stop by SIGTERM is no error). */
static void
unit_report_error(const char *what)
{
	if (round_timed_out)
		ereport(LOG,
				(errmsg("al_ext worker: %s cancelled after al_ext.round_timeout (%d ms)",
						what, al_worker_round_timeout),
				 errhint("The learner is retried later; raise al_ext.round_timeout for very large pools.")));
	if (!(got_sigterm && geterrcode() == ERRCODE_QUERY_CANCELED))
		EmitErrorReport();
}

/*
 * Run fn(arg) as one unit of work: its own transaction, SPI connected, a
 * snapshot active, isolated (unit_isolate; round = a learner's round) and
 * pg_stat_activity showing what.  An ERROR is reported, the transaction
 * aborted, and false returned, so the worker goes on.  Cancels (SIGINT,
 * SIGTERM, the round timer) are honoured only inside a unit.
 */
static bool
run_unit(const char *what, WorkerUnitFn fn, void *arg, bool round)
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
		AlIdentity	save;

		errcb.callback = unit_error_context;
		errcb.arg = unconstify(char *, what);
		errcb.previous = error_context_stack;
		error_context_stack = &errcb;
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		SPI_connect();
		PushActiveSnapshot(GetTransactionSnapshot());
		pgstat_report_activity(STATE_RUNNING, what);
		unit_isolate(round, &save);
		fn(arg);
		in_round = false;
		al_restore(&save);
		disable_timeout(round_timeout_id, false);
		disable_timeout(round_kill_id, false);
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		error_context_stack = errcb.previous;
	}
	PG_CATCH();
	{
		HOLD_INTERRUPTS();
		in_round = false;
		disable_timeout(round_timeout_id, false);
		disable_timeout(round_kill_id, false);
		MemoryContextSwitchTo(cxt);
		unit_report_error(what);
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
	if (!found)
		entry->deaths = 0;
	delay = (int64) al_worker_naptime << Min(entry->failures - 1, 16);
	delay = Min(delay, Max(al_worker_naptime, AL_MAX_BACKOFF_MS));
	entry->retry_at = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), delay);
}

/*
 * Back off learner id, whose round ended the previous process of the worker
 * (deaths times in a row): killed by the round timer, its pool holds the
 * worker, so it waits round_timeout, doubling, at most an hour; otherwise
 * (a crash) as a failed round.  Either way later passes take it last.
 */
static void
learner_record_death(int64 id, int deaths, bool killed)
{
	LearnerBackoff *entry = hash_search(backoff_table, &id, HASH_ENTER, NULL);
	int64		base = killed ? Max(al_worker_naptime, al_worker_round_timeout) : al_worker_naptime;
	int64		cap = killed ? AL_MAX_KILLED_BACKOFF_MS : Max(al_worker_naptime, AL_MAX_BACKOFF_MS);
	int64		delay = Min(base << Min(deaths - 1, 16), cap);

	entry->failures = deaths;
	entry->deaths = deaths;
	entry->retry_at = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), delay);
	ereport(LOG,
			(errmsg("al_ext worker for database \"%s\": the round of learner " INT64_FORMAT " ended the previous worker process (%s, %d time%s in a row); retried in %lld ms, after the other learners",
					worker_dbname, id, killed ? "killed after al_ext.round_timeout" : "crashed",
					deaths, deaths == 1 ? "" : "s", (long long) delay)));
}

/* How many times in a row learner id's round ended the worker's process. */
static int
learner_deaths(int64 id)
{
	LearnerBackoff *entry = hash_search(backoff_table, &id, HASH_FIND, NULL);

	return entry ? entry->deaths : 0;
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
 * Release the session-level advisory locks that SQL code took in this
 * process (lock classes 1 and 2: pg_advisory_lock and the like).  A round
 * runs code of the pool's owner, which could take such a lock and leave the
 * worker holding it for good, stalling whoever else waits on that key; the
 * worker itself takes none (its own lock is of class AL_WORKER_LOCK_CLASS).
 */
static void
release_sql_advisory_locks(void)
{
	LockData   *data = GetLockStatusData();
	int			i;

	for (i = 0; i < data->nelements; i++)
	{
		LockInstanceData *inst = &data->locks[i];
		LOCKMODE	mode;

		if (inst->pid != MyProcPid || inst->locktag.locktag_type != LOCKTAG_ADVISORY ||
			(inst->locktag.locktag_field4 != 1 && inst->locktag.locktag_field4 != 2))
			continue;
		/* (after the unit's commit, only session locks are left) */
		for (mode = 1; mode <= MaxLockMode; mode++)
			while (LockHeldByMe(&inst->locktag, mode))
				(void) LockRelease(&inst->locktag, mode, true);
	}
	pfree(data->locks);
	pfree(data);
}

/* Whether the last pass found default_transaction_read_only on (and wrote nothing). */
static bool paused_read_only = false;

/*
 * Whether the worker must leave the learners alone: default_transaction_read_only
 * is on for it (a read-only database, or a server a nearly full disk made
 * read-only): every round would write and fail.  Logs once when this starts
 * and once when it ends.
 */
static bool
worker_read_only(void)
{
	if (DefaultXactReadOnly != paused_read_only)
		ereport(LOG,
				(errmsg(DefaultXactReadOnly
						? "al_ext worker for database \"%s\" paused: default_transaction_read_only is on"
						: "al_ext worker for database \"%s\" resumed: default_transaction_read_only is off",
						worker_dbname)));
	paused_read_only = DefaultXactReadOnly;
	return paused_read_only;
}

/*
 * One pass over the learners: list them, then one round each (skipping those
 * backing off; none while default_transaction_read_only is on).  Returns
 * true if some round did work, so the caller loops again at once to drain a
 * backlog.  *installed tells whether the extension exists in this database.
 */
static bool
worker_pass(MemoryContext cxt, bool *installed)
{
	LearnerList list = {cxt, false, 0, NULL};
	int			busy = 0;
	int			failed = 0;
	int			sweep,
				i;

	keep_worker_lock();
	if (!run_unit("listing learners", list_learners_unit, &list, false))
		return false;
	*installed = list.installed;
	if (list.count > 0 && worker_read_only())
		return false;
	/* learners that failed lately go after the others */
	for (sweep = 0; sweep < 2; sweep++)
		for (i = 0; i < list.count && !got_sigterm; i++)
		{
			LearnerRound round = {list.ids[i], LEARNER_IDLE};
			bool		failing = hash_search(backoff_table, &round.id, HASH_FIND, NULL) != NULL;
			char	   *what;
			bool		ok;

			if (failing != (sweep == 1) || learner_backing_off(round.id))
				continue;
			what = psprintf("learner " INT64_FORMAT ": round", round.id);
			/* what the next process must know if this round ends this one */
			worker_state_round(round.id, learner_deaths(round.id));
			ok = run_unit(what, learner_round_unit, &round, true);
			worker_state_round(0, 0);
			release_sql_advisory_locks();
			learner_record(round.id, ok);
			busy += (ok && round.result != LEARNER_IDLE);
			failed += !ok;
		}
	elog(DEBUG1, "al_ext worker for database \"%s\" checked %d learners: %d did work, %d failed",
		 worker_dbname, list.count, busy, failed);
	return busy > 0;
}

static void worker_take_over_state(void);

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
	round_timeout_id = RegisterTimeout(USER_TIMEOUT, round_timeout_handler);
	round_kill_id = RegisterTimeout(USER_TIMEOUT, round_kill_handler);
	worker_take_over_state();
	ereport(LOG,
			(errmsg("al_ext worker for database \"%s\" started", worker_dbname)));
}

/* on_proc_exit: leave the next process a stop, or a killed round (worker_state.c). */
static void
worker_exit_state(int code, Datum arg)
{
	worker_state_end(got_sigterm, round_killed);
}

/*
 * Pick up what the previous process of this worker left: a stop (then exit
 * with code 0, so a stopped worker is not restarted), or the learner whose
 * round ended it (then back it off).
 */
static void
worker_take_over_state(void)
{
	int64		died_in;
	int			deaths;
	bool		killed;

	if (worker_state_begin(MyDatabaseId, &died_in, &deaths, &killed))
	{
		ereport(LOG,
				(errmsg("al_ext worker for database \"%s\" stays stopped", worker_dbname),
				 errdetail("It was stopped during a round; al.start_worker() starts it again.")));
		proc_exit(0);
	}
	on_proc_exit(worker_exit_state, (Datum) 0);
	if (died_in != 0)
		learner_record_death(died_in, deaths, killed);
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
						 busy ? 0 : al_worker_naptime, PG_WAIT_EXTENSION);
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
