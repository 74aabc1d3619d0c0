/*
 * batch_hint_shared.c - the hints that a learner's sessions share, in shared
 * memory, when al_ext is preloaded (shared_preload_libraries).
 *
 * A session's own hint (batch_hint.c) spares its next batch the rows taken
 * before its last one, but not the rows the other sessions took since: with
 * 16 annotators each batch walked the 150 rows the 15 others took, and
 * those reads were two thirds of the machine's time.  So a small batch
 * publishes here at once where its claims end, or, reading from a hint,
 * where the rows it fetched to claim end, before claiming them (and a
 * large one, when it commits, where it found the first open row); any
 * session's next batch of the learner may start from the latest one, and
 * a publication never replaces a usable one further on.
 *
 * Items before a hint reopen when a lease is released or a label
 * withdrawn, or a batch that claimed them rolls back.  Each reopening of a
 * learner's items, once visible, draws a number from the reopen clock and
 * records it for the learner; a hint records the clock as it was before
 * its rows were read, and is used only while no reopening of its learner
 * came after.  A reopening whose learner is not known (a change to al.leases
 * or al.labels by other SQL than al_ext's) counts for every learner, and so
 * does, for the learners without a slot, the reopenings of a learner whose
 * slot was taken by another (the floor).  Hints found with the clock as it
 * is stay usable until their valid_until (batch_sources.c: the first lease
 * expiry they may hide).
 *
 * Without preloading there is no shared memory: the functions below find no
 * hint, publish nothing and read every clock as 0, and sessions keep to their
 * own hints, used for a second at most (they cannot see the other sessions'
 * releases).
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/float.h"
#include "utils/timestamp.h"
#include "utils/varlena.h"

#include "al_ext.h"
#include "batch.h"

/* Learners the server keeps hints and reopenings of (the least recently used goes first). */
#define SHARED_HINT_SLOTS 64
/* Longest item id a shared hint holds, with its NUL (longer ones stay in the session). */
#define SHARED_HINT_ID_MAX 256

typedef struct SharedHint
{
	Oid			dboid;			/* InvalidOid: free */
	int64		learner_id;
	uint64		reopened;		/* the clock at the learner's last reopening */
	TimestampTz used_at;		/* last publication or reopening */
	bool		has_hint;		/* the fields below hold a hint */
	int64		generation;		/* of the ranking it was found in */
	BatchHint	hint;			/* its hint.item_id is NULL: the id is in item_id */
	char		item_id[SHARED_HINT_ID_MAX];
} SharedHint;

typedef struct SharedHints
{
	LWLock	   *lock;			/* guards floor and slots */
	pg_atomic_uint64 clock;		/* advanced by every reopening */
	uint64		floor;			/* the last reopening of a learner without a slot, or of all */
	SharedHint	slots[SHARED_HINT_SLOTS];
} SharedHints;

static SharedHints *shared = NULL;
static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

/* A shared hint copied out for this session's batch (its item id in buffer). */
static BatchHint copied;
static char copied_id[SHARED_HINT_ID_MAX];

/* Ask for the shared hints' memory and lock while the postmaster starts. */
static void
shared_hints_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(MAXALIGN(sizeof(SharedHints)));
	RequestNamedLWLockTranche("al_ext batch hints", 1);
}

/* Attach to (or, first, set up) the shared hints. */
static void
shared_hints_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	shared = ShmemInitStruct("al_ext batch hints", sizeof(SharedHints), &found);
	if (!found)
	{
		memset(shared, 0, sizeof(SharedHints));
		shared->lock = &(GetNamedLWLockTranche("al_ext batch hints"))->lock;
		pg_atomic_init_u64(&shared->clock, 1);
	}
	LWLockRelease(AddinShmemInitLock);
}

/* Install the hooks that set up the shared hints (from _PG_init, when preloading). */
void
batch_hint_shared_install(void)
{
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = shared_hints_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = shared_hints_startup;
}

/* Whether sessions share hints here (al_ext was preloaded). */
bool
batch_hint_shared(void)
{
	return shared != NULL;
}

/* The reopen clock now (0 without shared memory): read before a batch reads its rows. */
uint64
batch_hint_clock(void)
{
	return shared ? pg_atomic_read_u64(&shared->clock) : 0;
}

/* The slot of learner_id in this database, or NULL (caller holds the lock). */
static SharedHint *
find_slot(int64 learner_id)
{
	for (int i = 0; i < SHARED_HINT_SLOTS; i++)
		if (shared->slots[i].dboid == MyDatabaseId && shared->slots[i].learner_id == learner_id)
			return &shared->slots[i];
	return NULL;
}

/*
 * The slot of learner_id, taken if it has none (the least recently used
 * goes, its reopenings kept in the floor).  Caller holds the lock exclusively.
 */
static SharedHint *
take_slot(int64 learner_id)
{
	SharedHint *s = find_slot(learner_id);

	for (int i = 0; i < SHARED_HINT_SLOTS && s == NULL; i++)
		if (shared->slots[i].dboid == InvalidOid)
			s = &shared->slots[i];
	if (s == NULL)
	{
		s = &shared->slots[0];
		for (int i = 1; i < SHARED_HINT_SLOTS; i++)
			if (shared->slots[i].used_at < s->used_at)
				s = &shared->slots[i];
	}
	if (s->dboid != MyDatabaseId || s->learner_id != learner_id)
	{
		shared->floor = Max(shared->floor, s->reopened);
		memset(s, 0, sizeof(SharedHint));
		s->dboid = MyDatabaseId;
		s->learner_id = learner_id;
		s->reopened = shared->floor;
	}
	s->used_at = GetCurrentTimestamp();
	return s;
}

/* The clock at learner_id's last reopening (caller holds the lock). */
static uint64
reopened_locked(int64 learner_id)
{
	SharedHint *s = find_slot(learner_id);

	return s ? s->reopened : shared->floor;
}

/* The clock at learner_id's last reopening (0 without shared memory). */
uint64
batch_hint_reopened_at(int64 learner_id)
{
	uint64		r;

	if (!shared)
		return 0;
	LWLockAcquire(shared->lock, LW_SHARED);
	r = reopened_locked(learner_id);
	LWLockRelease(shared->lock);
	return r;
}

/*
 * Items of learner_id (0: of any learner) before its hints may be open:
 * draw a number from the clock and record it, so that no hint found before
 * is used.  Called once the reopening is visible to the other sessions.
 */
void
batch_hint_reopen(int64 learner_id)
{
	uint64		now;

	if (!shared)
		return;
	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	now = pg_atomic_add_fetch_u64(&shared->clock, 1);
	if (learner_id == 0)
	{
		shared->floor = now;
		for (int i = 0; i < SHARED_HINT_SLOTS; i++)
			shared->slots[i].reopened = now;
	}
	else
		take_slot(learner_id)->reopened = now;
	LWLockRelease(shared->lock);
}

/*
 * Copy the latest hint any session published for learner_id in the
 * ranking of generation into *out (its item id into id_buf, of
 * SHARED_HINT_ID_MAX bytes), if it is still usable: found after the
 * learner's last reopening, before its valid_until.
 */
static bool
copy_usable(int64 learner_id, int64 generation, BatchHint *out, char *id_buf)
{
	SharedHint *s;
	bool		usable;

	LWLockAcquire(shared->lock, LW_SHARED);
	s = find_slot(learner_id);
	usable = s != NULL && s->has_hint && s->generation == generation &&
		s->hint.stamp >= s->reopened && GetCurrentTimestamp() < s->hint.valid_until;
	if (usable)
	{
		*out = s->hint;
		strlcpy(id_buf, s->item_id, SHARED_HINT_ID_MAX);
		out->item_id = id_buf;
	}
	LWLockRelease(shared->lock);
	return usable;
}

/*
 * The latest hint any session published for learner_id in the ranking of
 * generation, if it is still usable, or NULL.  The copy lives until the
 * next call.
 */
const BatchHint *
batch_hint_shared_get(int64 learner_id, int64 generation)
{
	if (!shared || !copy_usable(learner_id, generation, &copied, copied_id))
		return NULL;
	return &copied;
}

/*
 * Whether hint a comes before hint b in the hand-out order (rank, unranked
 * rows last, then score DESC, then item id in the database's collation, as
 * al.scores is read: batch_sources.c, HANDOUT_ORDER).
 */
static bool
handout_before(const BatchHint *a, const BatchHint *b)
{
	int			c;

	if (a->has_rank != b->has_rank)
		return a->has_rank;
	if (a->has_rank && a->rank != b->rank)
		return a->rank < b->rank;
	c = float8_cmp_internal(b->score, a->score);
	if (c != 0)
		return c < 0;
	return varstr_cmp(a->item_id, (int) strlen(a->item_id), b->item_id, (int) strlen(b->item_id),
					  DEFAULT_COLLATION_OID) < 0;
}

/*
 * Publish hint (found in the ranking of generation) as learner_id's latest,
 * unless the learner's items reopened since it was found or its id does
 * not fit, or the latest is usable and further on in the hand-out order:
 * every row before it was taken, so hint would only send the next batches
 * back over them (a session that read an older hint and was slowed down
 * publishes after the others; with 64 annotators, that made a batch cost
 * 2.2 ms of CPU instead of 1.3-1.7).  (Compared outside the lock: two
 * sessions publishing at once may still leave the one behind.)
 */
void
batch_hint_shared_put(int64 learner_id, int64 generation, const BatchHint *hint)
{
	SharedHint *s;
	BatchHint	latest;
	char		latest_id[SHARED_HINT_ID_MAX];

	if (!shared || strlen(hint->item_id) >= SHARED_HINT_ID_MAX)
		return;
	if (copy_usable(learner_id, generation, &latest, latest_id) && handout_before(hint, &latest))
		return;
	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	if (hint->stamp >= reopened_locked(learner_id))
	{
		s = take_slot(learner_id);
		s->has_hint = true;
		s->generation = generation;
		s->hint = *hint;
		s->hint.item_id = NULL;		/* (a pointer into this backend's memory) */
		strlcpy(s->item_id, hint->item_id, sizeof(s->item_id));
	}
	LWLockRelease(shared->lock);
}
