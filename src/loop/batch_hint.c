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
 * session; so a hint is used for at most BATCH_HINT_MAX_AGE_MS after it was
 * found, only for the ranking it was found in (the model version and the
 * al.ranking_state row, rewritten by every round), and is forgotten
 * when this session releases or withdraws (batch_hint_forget_all) or its
 * (sub)transaction aborts (its own uncommitted leases made rows look
 * taken).
 */
#include "postgres.h"

#include "access/xact.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "batch.h"

/* How long a hint may be used: what a session may miss of another's releases. */
#define BATCH_HINT_MAX_AGE_MS 1000
/* Learners whose hints a session keeps (the oldest goes first). */
#define BATCH_HINT_SLOTS 16

typedef struct BatchHintSlot
{
	int64		learner_id;		/* 0: free */
	int64		generation;		/* the ranking's (batch.c, ranking_generation) */
	BatchHint	hint;			/* item_id in TopMemoryContext */
} BatchHintSlot;

static BatchHintSlot hint_slots[BATCH_HINT_SLOTS];
static bool hint_callbacks_registered = false;

/* Free a slot's hint. */
static void
hint_slot_clear(BatchHintSlot *s)
{
	if (s->hint.item_id != NULL)
		pfree(s->hint.item_id);
	memset(s, 0, sizeof(BatchHintSlot));
}

/* Forget every hint of this session (what its own leases hid may reopen). */
void
batch_hint_forget_all(void)
{
	for (int i = 0; i < BATCH_HINT_SLOTS; i++)
		if (hint_slots[i].learner_id != 0)
			hint_slot_clear(&hint_slots[i]);
}

/* On abort: this transaction's leases and labels are gone, what they hid is open. */
static void
hint_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		batch_hint_forget_all();
}

/* The same for a rolled back subtransaction. */
static void
hint_subxact_callback(SubXactEvent event, SubTransactionId mySubid, SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		batch_hint_forget_all();
}

/*
 * The hint for learner_id in the ranking of generation, or NULL: none, an
 * older ranking's, or too old.  (al.next_batch runs at READ COMMITTED only:
 * each of its reads sees what committed before it.)
 */
const BatchHint *
batch_hint_get(int64 learner_id, int64 generation)
{
	for (int i = 0; i < BATCH_HINT_SLOTS; i++)
	{
		BatchHintSlot *s = &hint_slots[i];

		if (s->learner_id != learner_id)
			continue;
		if (s->generation != generation ||
			TimestampDifferenceExceeds(s->hint.found_at, GetCurrentTimestamp(), BATCH_HINT_MAX_AGE_MS))
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
 * before the row hint names was taken (by committed leases or labels, as a
 * fresh snapshot saw them).  hint->found_at: when the rows from the top
 * were last read, before that snapshot (a hint found from a hint keeps the
 * first one's time: what reopened before it stays unseen until a read from
 * the top).
 */
void
batch_hint_set(int64 learner_id, int64 generation, const BatchHint *hint)
{
	BatchHintSlot *slot = NULL;

	if (!hint_callbacks_registered)
	{
		RegisterXactCallback(hint_xact_callback, NULL);
		RegisterSubXactCallback(hint_subxact_callback, NULL);
		hint_callbacks_registered = true;
	}
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
	slot->hint = *hint;
	slot->hint.item_id = MemoryContextStrdup(TopMemoryContext, hint->item_id);
}
