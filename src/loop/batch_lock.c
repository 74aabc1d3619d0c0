/*
 * batch_lock.c - the locks that keep al.next_batch from handing an item to
 * more annotators than it may have, while several annotators take batches
 * at once.
 *
 * Leases are rows: another transaction sees them only once the batch's
 * transaction commits.  So an item being handed out is claimed with a
 * transaction lock of its own (learner and item hashed, lock class
 * AL_LOCK_ITEM), taken without waiting: a batch skips the items another
 * open batch holds, as SELECT ... FOR UPDATE SKIP LOCKED skips rows, and
 * checks the items it claimed again with a fresh snapshot (batch.c), which
 * sees the leases of a batch that committed after its candidates were read.
 * Small batches (at most BATCH_CLAIM_MAX items) take the learner's batch
 * lock in share mode and run side by side; a larger batch takes it in
 * exclusive mode, waits for the open small ones and claims nothing (so the
 * shared lock table never holds thousands of claims), and so does a small
 * one once its transaction claimed its share of that table.  One annotator's
 * batches are serialized by its own lock, so its cap (option max_leased)
 * cannot be passed by two sessions at once.  All are held to the end of
 * the transaction; the waits are bounded (al_ext.batch_lock_timeout), and a
 * transaction holding them cannot be prepared.  These locks live in lock
 * classes that no SQL function can reach (locks.h).
 */
#include "postgres.h"

#include <limits.h>

#include "access/xact.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "storage/lock.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/wait_event.h"

#include "al_ext.h"
#include "batch_lock.h"
#include "locks.h"

/* al_ext.batch_lock_timeout: the longest al.next_batch waits for a batch or annotator lock (ms). */
static int	batch_lock_timeout = 5000;

/* A learner whose batch lock this transaction took (for PREPARE TRANSACTION). */
typedef struct BatchLockTaken
{
	int64		id;
	char	   *name;
} BatchLockTaken;

/* The learners whose batch locks this transaction took, in TopTransactionContext. */
static List *batch_locks_taken = NIL;

/*
 * The items this transaction claimed (at most: a rolled back subtransaction
 * released its claims but they still count).  Claims live in the shared lock
 * table, sized max_locks_per_transaction per connection: a transaction that
 * took small batch after small batch (an annotator fetching ahead, a proxy
 * serving a team) filled it, failing every session of the server with "out
 * of shared memory".
 */
static int	claims_taken = 0;

/* Does this transaction hold learner id's batch lock, in either mode? */
static bool
holds_batch_lock(int64 id)
{
	return al_lock_held(AL_LOCK_BATCH, (uint64) id, ShareLock) ||
		al_lock_held(AL_LOCK_BATCH, (uint64) id, ExclusiveLock);
}

/*
 * Refuse to prepare a transaction that holds a batch lock: the prepared
 * transaction would keep it, and its claims, beyond any session, stalling
 * the learner's large batches and hiding its items from every annotator.
 * Forget the list when the transaction ends.
 */
static void
batch_xact_callback(XactEvent event, void *arg)
{
	ListCell   *lc;

	if (event != XACT_EVENT_PRE_PREPARE)
	{
		if (event != XACT_EVENT_PRE_COMMIT && event != XACT_EVENT_PARALLEL_PRE_COMMIT)
		{
			batch_locks_taken = NIL;
			claims_taken = 0;
		}
		return;
	}
	foreach(lc, batch_locks_taken)
	{
		BatchLockTaken *t = (BatchLockTaken *) lfirst(lc);

		/* not if a rolled back subtransaction took it (and its leases) */
		if (holds_batch_lock(t->id))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot PREPARE a transaction that took a batch of learner \"%s\" with al.next_batch",
							t->name),
					 errdetail("The prepared transaction would hold the learner's batch lock and stall its other annotators."),
					 errhint("Commit the batch in its own transaction before preparing other work.")));
	}
}

/* Remember that this transaction took the batch lock of learner l. */
static void
note_batch_lock(const Learner *l)
{
	static bool registered = false;
	MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
	BatchLockTaken *t = (BatchLockTaken *) palloc(sizeof(BatchLockTaken));

	if (!registered)
	{
		RegisterXactCallback(batch_xact_callback, NULL);
		registered = true;
	}
	t->id = l->id;
	t->name = pstrdup(l->name);
	batch_locks_taken = lappend(batch_locks_taken, t);
	MemoryContextSwitchTo(old);
}

/* Report that the batch lock of learner arg stayed busy for waited_ms. */
static void
batch_lock_timed_out(const void *arg, int waited_ms)
{
	const Learner *l = (const Learner *) arg;

	ereport(ERROR,
			(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
			 errmsg("could not take a batch of learner \"%s\": the transaction of another batch of it is still open",
					l->name),
			 errdetail("al.next_batch waited %d ms (al_ext.batch_lock_timeout, or lock_timeout if shorter) for the transaction that took the previous batch to end.",
					   waited_ms),
			 errhint("A transaction left open (or prepared) after al.next_batch blocks the learner's other annotators: commit al.next_batch promptly.")));
}

/*
 * Take learner l's batch lock for this transaction for a batch of k items:
 * share mode for a small batch, exclusive for a large one (see the head of
 * this file), and exclusive too once this transaction's claims and the
 * batch's would pass max_locks_per_transaction (or BATCH_CLAIM_MAX if
 * larger): its share of the lock table.  Returns whether the batch claims
 * its items (not under the exclusive lock).  The wait is bounded; a
 * transaction-wide snapshot (REPEATABLE READ, SERIALIZABLE) could not see
 * the leases of the batches before, hence the error.
 */
bool
batch_lock_learner(const Learner *l, int k)
{
	bool		exclusive = k > BATCH_CLAIM_MAX ||
		(int64) claims_taken + k > Max(BATCH_CLAIM_MAX, max_locks_per_xact);
	LOCKMODE	mode = exclusive ? ExclusiveLock : ShareLock;

	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("al.next_batch cannot run in a REPEATABLE READ or SERIALIZABLE transaction"),
				 errhint("Call it at READ COMMITTED, the default isolation level, so that concurrent annotators never get the same item.")));
	/* a second batch in the same transaction: the lock is ours already */
	if (al_lock_held(AL_LOCK_BATCH, (uint64) l->id, ExclusiveLock))
		return false;
	if (!exclusive && al_lock_held(AL_LOCK_BATCH, (uint64) l->id, ShareLock))
		return true;
	if (!holds_batch_lock(l->id))
		note_batch_lock(l);
	al_lock_xact_bounded(AL_LOCK_BATCH, (uint64) l->id, mode, batch_lock_timeout, batch_lock_timed_out, l);
	return !exclusive;
}

/* What waited for an annotator's lock: for the error. */
typedef struct AnnotatorWait
{
	const Learner *l;
	const char *annotator;
} AnnotatorWait;

/* Report that annotator's lock stayed busy for waited_ms. */
static void
annotator_lock_timed_out(const void *arg, int waited_ms)
{
	const AnnotatorWait *w = (const AnnotatorWait *) arg;

	ereport(ERROR,
			(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
			 errmsg("could not take a batch of learner \"%s\" for annotator \"%s\": another transaction took one for it and is still open",
					w->l->name, w->annotator),
			 errdetail("al.next_batch waited %d ms (al_ext.batch_lock_timeout, or lock_timeout if shorter).",
					   waited_ms),
			 errhint("Commit al.next_batch promptly.")));
}

/* The 64-bit key of a string of learner l (learner and string hashed). */
static uint64
learner_string_key(const Learner *l, const char *s)
{
	return hash_bytes_extended((const unsigned char *) s, (int) strlen(s), (uint64) l->id);
}

/* Serialize the batches of learner l for annotator (bounded wait, to the end of the transaction). */
void
batch_lock_annotator(const Learner *l, const char *annotator)
{
	AnnotatorWait w = {l, annotator};

	al_lock_xact_bounded(AL_LOCK_ANNOTATOR, learner_string_key(l, annotator), ExclusiveLock,
						 batch_lock_timeout, annotator_lock_timed_out, &w);
}

/*
 * Take the lock that lets this batch mark more of learner l's ranking hot
 * (batch_sources.c), to the end of the transaction, without waiting: false
 * if another batch is marking, or a round rewriting the ranking
 * (learner_round.c takes it too).
 */
bool
batch_try_lock_refill(const Learner *l)
{
	return al_lock_try_xact(AL_LOCK_REFILL, (uint64) l->id);
}

/*
 * How long a batch waits for the refill lock while no batch is marking
 * rows: the marking batch's statement ending (its rows are read once it
 * commits), or a round's rewriting of the ranking (a long one, most likely:
 * read the rest of the ranking as before).
 */
#define REFILL_WAIT_MS 2000
/*
 * The longest a batch waits for a batch marking rows: a marking takes
 * 0.4 s on a million rows alone, seconds under load or on ten million; one
 * that takes longer is held up by what al_ext does not control (a lock
 * the store owner took on the ranking, the disk).
 */
#define REFILL_MARKING_MAX_MS 30000

/*
 * Wait, polling every 10 ms, until no other transaction holds learner l's
 * refill lock: true if it came free (another batch marked more rows hot:
 * read them), false if it stayed held for REFILL_WAIT_MS with no batch
 * marking rows.  As long as a batch is marking (its UPDATE can take seconds
 * on a large ranking, the more so on a busy machine), the wait goes on,
 * up to REFILL_MARKING_MAX_MS in all; cancels and statement_timeout end it
 * sooner.  Without the wait, 64 annotators whose hot rows ran out each
 * scanned and sorted the million-row ranking while one of them marked more
 * (832 batches took 69 s instead of 1.5), and with a bound of 2 s on the
 * marking too, they did so whenever a marking under that load passed 2 s
 * (27 to 416 batches/s instead of 850).
 */
bool
batch_wait_refill(const Learner *l)
{
	ereport(DEBUG1,
			(errmsg_internal("batch of learner \"%s\" waits for another batch marking rows of its ranking hot", l->name)));
	for (int idle = 0, waited = 0; idle < REFILL_WAIT_MS && waited < REFILL_MARKING_MAX_MS; idle += 10, waited += 10)
	{
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 10, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		if (al_lock_free_now(AL_LOCK_REFILL, (uint64) l->id))
			return true;
		if (!al_lock_free_now(AL_LOCK_MARKING, (uint64) l->id))
			idle = 0;
	}
	return false;
}

/*
 * Say that this batch, which took learner l's refill lock, is marking rows
 * of its ranking hot now (reading what another marked, then marking more):
 * the batches waiting for the refill lock wait as long as it does
 * (batch_wait_refill).  Nothing may be sent to the client meanwhile: a
 * client that stops reading its socket blocks the backend in the write,
 * which neither a cancel nor statement_timeout interrupts, and with it
 * every batch waiting (a plain annotator's DEBUG1 messages and
 * debug_print_plan dumps did, t/104): so client_min_messages is ERROR in a
 * GUC nest level, returned for batch_marking_end, and an ERROR lets the
 * lock go before it is reported (batch_marking_abandon).
 */
int
batch_marking_begin(const Learner *l)
{
	int			level;

	al_lock_xact(AL_LOCK_MARKING, (uint64) l->id);
	level = NewGUCNestLevel();
	(void) set_config_option("client_min_messages", "error", PGC_SUSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return level;
}

/* The marking is over: let the lock go, restore client_min_messages (GUC nest level). */
void
batch_marking_end(const Learner *l, int level)
{
	al_lock_release(AL_LOCK_MARKING, (uint64) l->id);
	AtEOXact_GUC(true, level);
}

/*
 * The marking failed with an ERROR, not reported yet: let the lock go now,
 * as the report may block on the client (the GUC level goes with the
 * (sub)transaction).
 */
void
batch_marking_abandon(const Learner *l)
{
	al_lock_release(AL_LOCK_MARKING, (uint64) l->id);
}

/*
 * Claim item of learner l for this transaction's batch, without waiting:
 * false if another open batch holds it.  Two items whose keys collide are
 * claimed together (one is skipped while the other is out: harmless).
 */
bool
batch_claim_item(const Learner *l, const char *item)
{
	if (!al_lock_try_xact(AL_LOCK_ITEM, learner_string_key(l, item)))
		return false;
	claims_taken++;
	return true;
}

/* Define al_ext.batch_lock_timeout (called from _PG_init). */
void
al_batch_define_gucs(void)
{
	DefineCustomIntVariable("al_ext.batch_lock_timeout",
							"Longest wait of al.next_batch for the batch lock of its learner.",
							"A large batch waits for the transactions of the open batches, "
							"and every batch for those of open large batches and of the "
							"same annotator; a transaction left open after al.next_batch "
							"would otherwise stall them.  lock_timeout applies if shorter; "
							"0 = no limit of its own.",
							&batch_lock_timeout, 5000, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_MS, NULL, NULL, NULL);
}
