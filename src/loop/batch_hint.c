/*
 * batch_hint.c - where this session's next batch of a learner may start
 * reading the hot rows of its ranking.
 *
 * Under overlap 1 the first rows of a ranking fill up with items that are
 * taken (leased, or labeled since the ranking): after a few thousand
 * batches, thousands of them.  Reading them all again for every batch made
 * a batch cost grow with the leases (6.4 ms a batch after 600 batches of
 * 10, against 1.4 ms for the first ones).  So a batch remembers, for its
 * session, the first row of the hot rows that its fresh snapshot found
 * open (not taken by a committed lease or label): every row before it was
 * taken.  The next batch of the session reads from that row on, in the
 * same order (a keyset on rank, score, item id), skipping the rows taken
 * since (item_probe.c).
 *
 * The hint only ever makes a batch skip items, never hand out a taken one
 * (the claims and the check after them still decide), so a stale hint
 * costs an item's turn, never a duplicate.  Items before the hint reopen
 * when a lease expires or is released or a label is withdrawn, in any
 * session; so a hint is used only for the ranking it was found in (the
 * model version and the al.ranking_state row, rewritten by every round),
 * only before its valid_until (the first expiry of a lease it may hide,
 * and at most BATCH_HINT_MAX_AGE_MS, or BATCH_HINT_SHARED_MAX_AGE_MS when
 * the other sessions' reopenings reach it through batch_hint_shared.c,
 * after the read from the top it came from), only while no reopening of
 * its learner came after it was found, and is forgotten when this session
 * releases or withdraws (batch_hint_reopened) or its (sub)transaction
 * aborts (its own uncommitted leases made rows look taken).  Small batches
 * share at once where their claims end, or, reading from a hint, where
 * the rows they fetched to claim end (batch_hint_share_claimed), large
 * ones their hint when their transaction commits; what this transaction
 * gave back is reopened for the others when it commits, and what its
 * rolled back claims held once its locks are released.
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "batch.h"
#include "learner_api.h"

/* How long a hint may be used without shared memory: what a session may miss of another's releases. */
#define BATCH_HINT_MAX_AGE_MS 1000
/* With it: what may be missed of changes al_ext cannot see (a lease option shortened meanwhile). */
#define BATCH_HINT_SHARED_MAX_AGE_MS 10000
/* Learners whose hints a session keeps (the oldest goes first). */
#define BATCH_HINT_SLOTS 16

typedef struct BatchHintSlot
{
	int64		learner_id;		/* 0: free */
	int64		generation;		/* the ranking's (batch.c, ranking_generation) */
	bool		publish;		/* share it when this transaction commits */
	BatchHint	hint;			/* item_id in TopMemoryContext */
} BatchHintSlot;

static BatchHintSlot hint_slots[BATCH_HINT_SLOTS];
static bool hint_callbacks_registered = false;

/*
 * The learners (ids; 0: any) whose items this transaction gave back
 * (released, withdrew): reopened for the other sessions when it commits.
 * And those of which it told the other sessions to skip its claims: reopened
 * if it or a subtransaction rolls back, once the claims are let go.  Both in
 * TopMemoryContext, freed when the transaction ends.
 */
static List *reopened_in_xact = NIL;
static List *claims_shared_in_xact = NIL;
/* A rollback let claims go: reopen claims_shared_in_xact after the locks (then, at the top, free it). */
static bool reopen_claims_after_locks = false;
static bool free_claims_after_locks = false;

/* Free a slot's hint. */
static void
hint_slot_clear(BatchHintSlot *s)
{
	if (s->hint.item_id != NULL)
		pfree(s->hint.item_id);
	memset(s, 0, sizeof(BatchHintSlot));
}

/* Forget every hint of this session. */
static void
forget_all(void)
{
	for (int i = 0; i < BATCH_HINT_SLOTS; i++)
		if (hint_slots[i].learner_id != 0)
			hint_slot_clear(&hint_slots[i]);
}

/* A learner noted by this transaction, and the (sub)transaction level that did it. */
typedef struct NotedLearner
{
	int64		learner_id;
	int			level;
} NotedLearner;

/* Reopen, for the other sessions, the items of every learner in learners. */
static void
reopen_all(List *learners)
{
	ListCell   *lc;

	foreach(lc, learners)
		batch_hint_reopen(((NotedLearner *) lfirst(lc))->learner_id);
}

/*
 * Add learner_id to *learners (a list in TopMemoryContext), noted at this
 * (sub)transaction's level, unless this level or an outer one noted it.
 */
static void
note_learner(List **learners, int64 learner_id)
{
	int			level = GetCurrentTransactionNestLevel();
	ListCell   *lc;
	NotedLearner *n;
	MemoryContext old;

	foreach(lc, *learners)
	{
		n = (NotedLearner *) lfirst(lc);
		if (n->learner_id == learner_id && n->level <= level)
			return;
	}
	old = MemoryContextSwitchTo(TopMemoryContext);
	n = (NotedLearner *) palloc(sizeof(NotedLearner));
	n->learner_id = learner_id;
	n->level = level;
	*learners = lappend(*learners, n);
	MemoryContextSwitchTo(old);
}

/*
 * A subtransaction at level ends: committed, what it noted in *learners
 * becomes its parent's; rolled back, it is dropped (what it gave back was
 * not given back).
 */
static void
end_level(List **learners, int level, bool commit)
{
	ListCell   *lc;

	foreach(lc, *learners)
	{
		NotedLearner *n = (NotedLearner *) lfirst(lc);

		if (n->level < level)
			continue;
		if (commit)
			n->level = level - 1;
		else
		{
			*learners = foreach_delete_current(*learners, lc);
			pfree(n);
		}
	}
}

/* Publish this transaction's hints kept to be shared at commit. */
static void
publish_at_commit(void)
{
	for (int i = 0; i < BATCH_HINT_SLOTS; i++)
		if (hint_slots[i].publish)
		{
			batch_hint_shared_put(hint_slots[i].learner_id, hint_slots[i].generation,
								  &hint_slots[i].hint);
			hint_slots[i].publish = false;
		}
}

/*
 * At commit, tell the other sessions what this transaction gave back (now
 * visible to them) and where its large batches found the first open rows
 * (their leases are visible too).  A transaction that gave items back cannot
 * be prepared: COMMIT PREPARED would make them open with no session to say
 * so.  On abort, this transaction's leases and labels are gone: what they
 * hid is open (and a prepared transaction's may still go), and so are the
 * items its small batches claimed (reopened once its locks are released).
 */
static void
hint_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_PRE_PREPARE && reopened_in_xact != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot PREPARE a transaction that gave items of an al_ext learner back"),
				 errdetail("al.release, al.unlabel and changes to al.leases or al.labels reopen items that the other annotators' batches skip; they are told when the transaction commits."),
				 errhint("Commit them in a transaction of their own.")));
	if (event == XACT_EVENT_COMMIT)
	{
		reopen_all(reopened_in_xact);
		publish_at_commit();
	}
	else if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
	{
		reopen_claims_after_locks = claims_shared_in_xact != NIL;
		free_claims_after_locks = true;
		forget_all();
	}
	else if (event == XACT_EVENT_PREPARE)
		forget_all();
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_PREPARE)
	{
		list_free_deep(reopened_in_xact);
		reopened_in_xact = NIL;
		/*
		 * (a prepared transaction holds no claims: a batch refuses PREPARE,
		 * and one rolled back to a savepoint let them go)
		 */
		if (event != XACT_EVENT_ABORT && event != XACT_EVENT_PARALLEL_ABORT)
		{
			list_free_deep(claims_shared_in_xact);
			claims_shared_in_xact = NIL;
		}
	}
}

/*
 * The same for a rolled back subtransaction (its claims go with it, and what
 * it gave back was not); a committed one hands its notes to its parent.
 */
static void
hint_subxact_callback(SubXactEvent event, SubTransactionId mySubid, SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_COMMIT_SUB)
		end_level(&reopened_in_xact, GetCurrentTransactionNestLevel(), true);
	else if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		end_level(&reopened_in_xact, GetCurrentTransactionNestLevel(), false);
		reopen_claims_after_locks = claims_shared_in_xact != NIL;
		forget_all();
	}
}

/*
 * After a rollback's locks are released, its claims are gone: reopen the
 * learners whose batches skipped them.  (Before, a batch could read the
 * clock, still find the claims and skip them with the new clock.)
 */
static void
hint_release_callback(ResourceReleasePhase phase, bool isCommit, bool isTopLevel, void *arg)
{
	if (phase != RESOURCE_RELEASE_AFTER_LOCKS || isCommit)
		return;
	if (reopen_claims_after_locks)
	{
		reopen_claims_after_locks = false;
		reopen_all(claims_shared_in_xact);
	}
	if (isTopLevel && free_claims_after_locks)
	{
		free_claims_after_locks = false;
		list_free_deep(claims_shared_in_xact);
		claims_shared_in_xact = NIL;
	}
}

/* Register the callbacks above once per session. */
static void
register_callbacks(void)
{
	if (hint_callbacks_registered)
		return;
	RegisterXactCallback(hint_xact_callback, NULL);
	RegisterSubXactCallback(hint_subxact_callback, NULL);
	RegisterResourceReleaseCallback(hint_release_callback, NULL);
	hint_callbacks_registered = true;
}

/*
 * Items of learner_id (0: of any learner) may be open again (this session
 * released leases or withdrew labels): its next batches see them at once,
 * the other sessions' once it commits.
 */
void
batch_hint_reopened(int64 learner_id)
{
	register_callbacks();
	forget_all();
	note_learner(&reopened_in_xact, learner_id);
}

/* The longest a hint found now by a read from the top may be used. */
TimestampTz
batch_hint_max_valid_until(TimestampTz found_at)
{
	int			ms = batch_hint_shared() ? BATCH_HINT_SHARED_MAX_AGE_MS : BATCH_HINT_MAX_AGE_MS;

	return TimestampTzPlusMilliseconds(found_at, ms);
}

/* Whether hint of learner_id (of the ranking it is kept for) may still be used. */
static bool
hint_usable(int64 learner_id, const BatchHint *hint)
{
	return hint->stamp >= batch_hint_reopened_at(learner_id) && GetCurrentTimestamp() < hint->valid_until;
}

/*
 * The hint for learner_id in the ranking of generation, or NULL: none, an
 * older ranking's, too old, or found before items reopened.  The latest
 * one the sessions share when there is one, else this session's own.
 * (al.next_batch runs at READ COMMITTED only: each of its reads sees what
 * committed before it.)
 */
const BatchHint *
batch_hint_get(int64 learner_id, int64 generation)
{
	const BatchHint *shared = batch_hint_shared_get(learner_id, generation);

	if (shared != NULL)
		return shared;
	for (int i = 0; i < BATCH_HINT_SLOTS; i++)
	{
		BatchHintSlot *s = &hint_slots[i];

		if (s->learner_id != learner_id)
			continue;
		if (s->generation != generation || !hint_usable(learner_id, &s->hint))
		{
			hint_slot_clear(s);
			return NULL;
		}
		return &s->hint;
	}
	return NULL;
}

/*
 * Remember that in the ranking of generation, every hot row of learner_id
 * before the row hint names was taken (by committed leases, this
 * transaction's, or labels, as a fresh snapshot saw them); with share, the
 * other sessions learn it when this transaction commits.  hint->found_at:
 * when the rows from the top were last read, before that snapshot (a hint
 * found from a hint keeps the first one's time, valid_until and clock).
 */
void
batch_hint_set(int64 learner_id, int64 generation, const BatchHint *hint, bool share)
{
	BatchHintSlot *slot = NULL;

	register_callbacks();
	for (int i = 0; i < BATCH_HINT_SLOTS && slot == NULL; i++)
		if (hint_slots[i].learner_id == learner_id)
			slot = &hint_slots[i];
	for (int i = 0; i < BATCH_HINT_SLOTS && slot == NULL; i++)
		if (hint_slots[i].learner_id == 0)
			slot = &hint_slots[i];
	if (slot == NULL)
	{
		slot = &hint_slots[0];
		for (int i = 1; i < BATCH_HINT_SLOTS; i++)
			if (hint_slots[i].hint.found_at < slot->hint.found_at)
				slot = &hint_slots[i];
	}
	hint_slot_clear(slot);
	slot->learner_id = learner_id;
	slot->generation = generation;
	slot->publish = share;
	slot->hint = *hint;
	slot->hint.item_id = MemoryContextStrdup(TopMemoryContext, hint->item_id);
}

/*
 * Tell the other sessions at once that every hot row of learner_id up to
 * frontier (the last row a small batch of this transaction claimed, or
 * fetched to claim) is taken or claimed by an open batch, which will lease
 * it or, rolled back, advance the clock: their next batches start there
 * rather than walk the rows the open batches hold (with 64 annotators,
 * each batch walked some 600 of them).  The learner is noted first, so an
 * ERROR before the claims reopens its items too.
 */
void
batch_hint_share_claimed(int64 learner_id, int64 generation, const BatchHint *frontier)
{
	register_callbacks();
	note_learner(&claims_shared_in_xact, learner_id);
	batch_hint_shared_put(learner_id, generation, frontier);
}

PG_FUNCTION_INFO_V1(al_batch_hints_reopen);

/*
 * al.batch_hints_reopen(): statement trigger of al.leases and al.labels,
 * enabled always (replicas and session_replication_role too).  A change
 * al_ext's own statements make says what it reopens with
 * batch_hint_reopened, or reopens nothing (a label replacing its lease);
 * any other INSERT (a lease that may end sooner than the learner's),
 * UPDATE, DELETE or TRUNCATE may open items that hints skip, so it counts
 * as a reopening of every learner's.
 */
Datum
al_batch_hints_reopen(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("al.batch_hints_reopen() must be called as a trigger")));
	if (!learner_store_dml_running())
		batch_hint_reopened(0);
	return PointerGetDatum(NULL);
}
