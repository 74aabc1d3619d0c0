/*
 * locks.c - transaction locks on al_ext's own objects (locks.h).
 */
#include "postgres.h"

#include "miscadmin.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "utils/guc.h"

#include "locks.h"

/* The lock tag of (lock_class, key) in this database. */
static LOCKTAG
al_lock_tag(uint32 lock_class, uint64 key)
{
	LOCKTAG		tag;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, (uint32) (key >> 32), (uint32) key, lock_class);
	return tag;
}

/*
 * Take the exclusive transaction lock (lock_class, key) of this database,
 * waiting as for any heavyweight lock (deadlock detection, lock_timeout,
 * cancels); released at the end of the transaction.
 */
void
al_lock_xact(uint32 lock_class, uint64 key)
{
	LOCKTAG		tag = al_lock_tag(lock_class, key);

	(void) LockAcquire(&tag, ExclusiveLock, false, false);
}

/* The shorter of two timeouts in ms, where 0 means none. */
static int
shorter_timeout(int a, int b)
{
	if (a <= 0)
		return b;
	if (b <= 0)
		return a;
	return Min(a, b);
}

/*
 * Take the transaction lock (lock_class, key) in mode (ShareLock or
 * ExclusiveLock), waiting in the lock's queue (first come, first served, with deadlock detection) at most
 * timeout_ms, or lock_timeout if that is shorter (0: no limit of its own).
 * If the wait runs out, timed_out(arg, the bound) reports it: it must raise
 * an ERROR, which replaces the lock timeout's own.  The bound is enforced
 * by lock_timeout, set in a GUC nest level for the wait only (an ERROR
 * unwinds that level with the (sub)transaction); other errors of the wait
 * (deadlock, cancel, statement_timeout) pass through unchanged.
 */
void
al_lock_xact_bounded(uint32 lock_class, uint64 key, LOCKMODE mode, int timeout_ms,
					 AlLockTimedOut timed_out, const void *arg)
{
	LOCKTAG		tag = al_lock_tag(lock_class, key);
	MemoryContext cxt = CurrentMemoryContext;
	int			bound = shorter_timeout(timeout_ms, LockTimeout);
	int			nest_level;

	/* free: no wait, no timer */
	if (LockAcquire(&tag, mode, false, true) != LOCKACQUIRE_NOT_AVAIL)
		return;
	nest_level = NewGUCNestLevel();
	if (bound != LockTimeout)
		(void) set_config_option("lock_timeout", psprintf("%d", bound), PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	PG_TRY();
	{
		(void) LockAcquire(&tag, mode, false, false);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE)
			PG_RE_THROW();
		FlushErrorState();
		timed_out(arg, bound);
		elog(ERROR, "lock wait timed out");	/* timed_out must not return */
	}
	PG_END_TRY();
	AtEOXact_GUC(false, nest_level);
}

/* Whether this transaction holds the lock (lock_class, key) in mode. */
bool
al_lock_held(uint32 lock_class, uint64 key, LOCKMODE mode)
{
	LOCKTAG		tag = al_lock_tag(lock_class, key);

	return LockHeldByMe(&tag, mode);
}

/*
 * Take the exclusive transaction lock (lock_class, key) if nobody else
 * holds it, without waiting; returns whether this transaction holds it now
 * (as SKIP LOCKED does for rows).
 */
bool
al_lock_try_xact(uint32 lock_class, uint64 key)
{
	LOCKTAG		tag = al_lock_tag(lock_class, key);

	return LockAcquire(&tag, ExclusiveLock, false, true) != LOCKACQUIRE_NOT_AVAIL;
}

/*
 * Whether no other transaction holds the exclusive lock (lock_class, key)
 * now: taken without waiting and let go at once (one hold of this
 * transaction's own is undone, the others kept).
 */
bool
al_lock_free_now(uint32 lock_class, uint64 key)
{
	LOCKTAG		tag = al_lock_tag(lock_class, key);

	if (LockAcquire(&tag, ExclusiveLock, false, true) == LOCKACQUIRE_NOT_AVAIL)
		return false;
	LockRelease(&tag, ExclusiveLock, false);
	return true;
}

/*
 * Let go of the exclusive transaction lock (lock_class, key) before the
 * transaction ends: for a lock that says what is being done now, not
 * what the transaction did (an ERROR before this lets it go at the abort).
 */
void
al_lock_release(uint32 lock_class, uint64 key)
{
	LOCKTAG		tag = al_lock_tag(lock_class, key);

	LockRelease(&tag, ExclusiveLock, false);
}
