/*
 * worker_state.c - what one al_ext worker process of a database leaves to
 * the next: a small file in the data directory (al_ext_worker_<db>.state),
 * as pg_prewarm keeps its block list.
 *
 * Why a file: a round runs code the learner's owner controls (the pool), and
 * that code can catch a query cancel; so a round that will not end is ended
 * with FATAL (uncatchable), and the worker's process is gone with all its
 * memory.  The postmaster starts a new one, which must know
 *  - which learner's round was running when the last process ended (it is
 *    then backed off, and for longer when the round timer killed it), so a
 *    pool that never yields costs one restart per backoff, not the worker;
 *  - whether the end was a stop (al.stop_worker, SIGTERM): the new process
 *    then exits with code 0 and is not restarted again, as a stopped worker
 *    should be.  A stop is remembered only for the postmaster's lifetime
 *    (PgStartTime): after a server restart, preloaded workers start again.
 *
 * The file is rewritten whole, a few dozen bytes, without fsync: it is
 * advice, and a lost write only costs a retry.
 */
#include "postgres.h"

#include <fcntl.h>
#include <unistd.h>

#include "miscadmin.h"
#include "postmaster/postmaster.h"
#include "storage/fd.h"
#include "utils/timestamp.h"

#include "worker.h"

/* The state of the worker of one database. */
typedef struct WorkerFileState
{
	TimestampTz stopped;		/* PgStartTime of the stop, 0 = not stopped */
	int64		round;			/* learner whose round is running, 0 = none */
	int			deaths;			/* that learner's rounds that ended the process */
	bool		killed;			/* the last one was ended by the round timer */
} WorkerFileState;

/* The state file of database dbid. */
static char *
state_path(Oid dbid)
{
	return psprintf("%s/al_ext_worker_%u.state", DataDir, dbid);
}

/* Read the state of dbid (all zero when there is none or it is unreadable). */
static WorkerFileState
state_read(Oid dbid)
{
	WorkerFileState st = {0, 0, 0, false};
	char		buf[256];
	int			fd = OpenTransientFile(state_path(dbid), O_RDONLY | PG_BINARY);
	ssize_t		n;
	long long	stopped,
				round;
	int			deaths,
				killed;

	if (fd < 0)
		return st;
	n = read(fd, buf, sizeof(buf) - 1);
	CloseTransientFile(fd);
	if (n <= 0)
		return st;
	buf[n] = '\0';
	if (sscanf(buf, "stopped=%lld round=%lld deaths=%d killed=%d",
			   &stopped, &round, &deaths, &killed) == 4 && round >= 0 && deaths >= 0)
	{
		st.stopped = (TimestampTz) stopped;
		st.round = (int64) round;
		st.deaths = deaths;
		st.killed = (killed != 0);
	}
	return st;
}

/* Write the state of dbid (best effort: a failure is logged, not raised). */
static void
state_write(Oid dbid, const WorkerFileState *st)
{
	char	   *path = state_path(dbid);
	char		buf[256];
	int			len = snprintf(buf, sizeof(buf), "stopped=%lld round=%lld deaths=%d killed=%d\n",
							   (long long) st->stopped, (long long) st->round, st->deaths,
							   st->killed ? 1 : 0);
	int			fd = OpenTransientFile(path, O_WRONLY | O_CREAT | O_TRUNC | PG_BINARY);

	if (fd < 0 || write(fd, buf, len) != len)
		ereport(LOG,
				(errcode_for_file_access(),
				 errmsg("could not write al_ext worker state \"%s\": %m", path)));
	if (fd >= 0)
		CloseTransientFile(fd);
}

/* The state this process keeps and writes. */
static WorkerFileState current;
static Oid	current_db = InvalidOid;

/*
 * At the worker's start: was it stopped during this postmaster's life (then
 * it must exit with code 0)?  Else *died_in is the learner whose round was
 * running when the previous process ended (0 if none), *deaths how many of
 * its rounds in a row ended one, *killed whether the round timer did it.
 */
bool
worker_state_begin(Oid dbid, int64 *died_in, int *deaths, bool *killed)
{
	current = state_read(dbid);
	current_db = dbid;
	if (current.stopped != 0 && current.stopped == PgStartTime)
		return true;
	current.stopped = 0;
	*died_in = current.round;
	*deaths = current.round ? current.deaths + 1 : 0;
	*killed = current.round && current.killed;
	current.deaths = *deaths;
	current.killed = false;
	/* the learner is retried later: until then no round is running */
	current.round = 0;
	state_write(dbid, &current);
	return false;
}

/*
 * A round of learner id starts (id != 0) or ended (id = 0).  deaths: how
 * many rounds of that learner in a row ended the process (kept in the file
 * while its round runs, so a further death counts on).
 */
void
worker_state_round(int64 id, int deaths)
{
	current.round = id;
	current.deaths = id ? deaths : 0;
	state_write(current_db, &current);
}

/*
 * The process is ending (on_proc_exit): remember a stop, or that the round
 * timer killed the running round.
 */
void
worker_state_end(bool stopped, bool killed)
{
	if (!OidIsValid(current_db))
		return;
	if (stopped)
	{
		current.stopped = PgStartTime;
		current.round = 0;
	}
	current.killed = killed;
	state_write(current_db, &current);
}

/* al.start_worker: forget a stop of database dbid, so its new worker runs. */
void
worker_state_clear_stop(Oid dbid)
{
	WorkerFileState st = state_read(dbid);

	if (st.stopped == 0)
		return;
	st.stopped = 0;
	state_write(dbid, &st);
}
