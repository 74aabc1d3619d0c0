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
 * same order (a keyset on rank, score, item id), and lets the executor
 * skip the rows taken since.
 *
 * The hint only ever makes a batch skip items, never hand out a taken one
 * (the claims and the check after them still decide), so a stale hint
 * costs an item's turn, never a duplicate.  Items before the hint reopen
 * when a lease expires or is released or a label is withdrawn, in any
 * session; so a hint is used only for the ranking it was found in (the
 * model version and the al.ranking_state row, rewritten by every round),
 * only before its valid_until (the first expiry of a lease it may hide,
 * and at most BATCH_HINT_MAX_AGE_MS, or BATCH_HINT_SHARED_MAX_AGE_MS when
 * the other sessions' releases advance the reopen clock of
 * batch_hint_shared.c, after the read from the top it came from), only
 * while that clock stays as it was, and is forgotten when this session
 * releases or withdraws (batch_hint_reopened) or its (sub)transaction
 * aborts (its own uncommitted leases made rows look taken).  When its
 * transaction commits, the session's latest hint of each learner is
 * published for the other sessions (batch_hint_shared.c).
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "batch.h"

/* How long a hint may be used without shared memory: what a session may miss of another's releases. */
#define BATCH_HINT_MAX_AGE_MS 1000
/* With it: what may be missed of changes al_ext does not make (a DELETE on al.leases, a shorter lease). */
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
/* This transaction released or withdrew: advance the reopen clock when it commits. */
static bool reopened_in_xact = false;
/* This transaction shared where its claims end: advance the clock if they are let go. */
static bool shared_claims_in_xact = false;

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

/*
 * On commit, tell the other sessions: what this transaction released or
 * withdrew is open (the clock advances once it is visible to them), and
 * where its large batches found the first open rows (its leases are now
 * visible too).  On abort, this transaction's leases and labels are gone:
 * what they hid is open (and a prepared transaction's may still go), and
 * so are the items its small batches claimed, which the other sessions
 * were told to skip (batch_hint_share_claimed).
 */
static void
hint_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT)
	{
		if (reopened_in_xact)
			batch_hint_advance_clock();
		for (int i = 0; i < BATCH_HINT_SLOTS; i++)
			if (hint_slots[i].publish)
			{
				batch_hint_shared_put(hint_slots[i].learner_id, hint_slots[i].generation,
									  &hint_slots[i].hint);
				hint_slots[i].publish = false;
			}
	}
	else if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT ||
			 event == XACT_EVENT_PREPARE)
	{
		if (shared_claims_in_xact)
			batch_hint_advance_clock();
		forget_all();
	}
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_PREPARE)
	{
		reopened_in_xact = false;
		shared_claims_in_xact = false;
	}
}

/* The same for a rolled back subtransaction (its claims go with it). */
static void
hint_subxact_callback(SubXactEvent event, SubTransactionId mySubid, SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		if (shared_claims_in_xact)
			batch_hint_advance_clock();
		forget_all();
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
	hint_callbacks_registered = true;
}

/*
 * Items may be open again (this session released leases or withdrew
 * labels): its next batches see them at once, and the other sessions once
 * it commits.
 */
void
batch_hint_reopened(void)
{
	register_callbacks();
	forget_all();
	reopened_in_xact = true;
}

/* The longest a hint found now by a read from the top may be used. */
TimestampTz
batch_hint_max_valid_until(TimestampTz found_at)
{
	int			ms = batch_hint_shared() ? BATCH_HINT_SHARED_MAX_AGE_MS : BATCH_HINT_MAX_AGE_MS;

	return TimestampTzPlusMilliseconds(found_at, ms);
}

/* Whether hint (of the ranking it is kept for) may still be used. */
static bool
hint_usable(const BatchHint *hint)
{
	return hint->stamp == batch_hint_clock() && GetCurrentTimestamp() < hint->valid_until;
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
		if (s->generation != generation || !hint_usable(&s->hint))
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
 * frontier (the last row a small batch of this transaction claimed) is
 * taken or claimed by an open batch, which will lease it or, rolled back,
 * advance the clock: their next batches start there rather than walk the
 * rows the open batches hold (with 64 annotators, each batch walked some
 * 600 of them).
 */
void
batch_hint_share_claimed(int64 learner_id, int64 generation, const BatchHint *frontier)
{
	register_callbacks();
	shared_claims_in_xact = true;
	batch_hint_shared_put(learner_id, generation, frontier);
}

PG_FUNCTION_INFO_V1(al_batch_hints_reopen);

/*
 * al.batch_hints_reopen(): statement trigger of al.leases and al.labels.  A
 * change al_ext makes itself (as the tables' owner, in a security-restricted
 * operation) says what it reopens with batch_hint_reopened, or reopens
 * nothing (a label replacing its lease); any other UPDATE, DELETE or
 * TRUNCATE may open items that hints skip, so it counts as a reopening.
 */
Datum
al_batch_hints_reopen(PG_FUNCTION_ARGS)
{
	TriggerData *trigger = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("al.batch_hints_reopen() must be called as a trigger")));
	if (!(InSecurityRestrictedOperation() && GetUserId() == trigger->tg_relation->rd_rel->relowner))
		batch_hint_reopened();
	return PointerGetDatum(NULL);
}
