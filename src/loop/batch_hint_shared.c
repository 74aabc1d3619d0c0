/*
 * batch_hint_shared.c - the hints that a learner's sessions share, in shared
 * memory, when al_ext is preloaded (shared_preload_libraries).
 *
 * A session's own hint (batch_hint.c) spares its next batch the rows taken
 * before its last one, but not the rows the other sessions took since: with
 * 16 annotators each batch walked the 150 rows the 15 others took, and
 * those reads were two thirds of the machine's time.  So a batch's hint is
 * also published here when its transaction commits (its own leases are then
 * visible to all), and any session's next batch of the learner may start
 * from the latest one.
 *
 * Items before a hint reopen when a lease is released or a label withdrawn,
 * in any session: every such change, once committed, advances the reopen
 * clock, and a hint found before (with an older clock) is no longer used,
 * by any session.  Hints found with the clock as it is stay usable until
 * their valid_until (batch_sources.c: the first lease expiry they may hide).
 *
 * Without preloading there is no shared memory: the functions below find no
 * hint, publish nothing and read the clock as 0, and sessions keep to their
 * own hints, used for a second at most (they cannot see the other sessions'
 * releases).
 */
#include "postgres.h"

#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/timestamp.h"

#include "al_ext.h"
#include "batch.h"

/* Learners whose hints the server keeps (the least recently published goes first). */
#define SHARED_HINT_SLOTS 64
/* Longest item id a shared hint holds, with its NUL (longer ones stay in the session). */
#define SHARED_HINT_ID_MAX 256

typedef struct SharedHint
{
	Oid			dboid;			/* InvalidOid: free */
	int64		learner_id;
	int64		generation;
	uint64		stamp;			/* the reopen clock it was found with */
	TimestampTz found_at;
	TimestampTz valid_until;
	TimestampTz published_at;
	bool		has_rank;
	int32		rank;
	double		score;
	char		item_id[SHARED_HINT_ID_MAX];
} SharedHint;

typedef struct SharedHints
{
	LWLock	   *lock;			/* guards slots */
	pg_atomic_uint64 clock;		/* advanced by every committed reopening */
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

/* Advance the reopen clock: items before the hints found until now may be open. */
void
batch_hint_advance_clock(void)
{
	if (shared)
		(void) pg_atomic_fetch_add_u64(&shared->clock, 1);
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
 * The latest hint any session published for learner_id in the ranking of
 * generation, if it is still usable (found with the clock as it is, before
 * its valid_until), or NULL.  The copy lives until the next call.
 */
const BatchHint *
batch_hint_shared_get(int64 learner_id, int64 generation)
{
	SharedHint *s;
	bool		usable;

	if (!shared)
		return NULL;
	LWLockAcquire(shared->lock, LW_SHARED);
	s = find_slot(learner_id);
	usable = s != NULL && s->generation == generation &&
		s->stamp == pg_atomic_read_u64(&shared->clock) &&
		GetCurrentTimestamp() < s->valid_until;
	if (usable)
	{
		copied.has_rank = s->has_rank;
		copied.rank = s->rank;
		copied.score = s->score;
		copied.found_at = s->found_at;
		copied.valid_until = s->valid_until;
		copied.stamp = s->stamp;
		strlcpy(copied_id, s->item_id, sizeof(copied_id));
		copied.item_id = copied_id;
	}
	LWLockRelease(shared->lock);
	return usable ? &copied : NULL;
}

/*
 * Publish hint (found by this session in the ranking of generation, its
 * transaction committing) as learner_id's latest, unless the clock moved
 * since it was found or its id does not fit.
 */
void
batch_hint_shared_put(int64 learner_id, int64 generation, const BatchHint *hint)
{
	SharedHint *s;

	if (!shared || strlen(hint->item_id) >= SHARED_HINT_ID_MAX)
		return;
	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	if (hint->stamp == pg_atomic_read_u64(&shared->clock))
	{
		s = find_slot(learner_id);
		for (int i = 0; i < SHARED_HINT_SLOTS && s == NULL; i++)
			if (shared->slots[i].dboid == InvalidOid)
				s = &shared->slots[i];
		if (s == NULL)
		{
			s = &shared->slots[0];
			for (int i = 1; i < SHARED_HINT_SLOTS; i++)
				if (shared->slots[i].published_at < s->published_at)
					s = &shared->slots[i];
		}
		s->dboid = MyDatabaseId;
		s->learner_id = learner_id;
		s->generation = generation;
		s->stamp = hint->stamp;
		s->found_at = hint->found_at;
		s->valid_until = hint->valid_until;
		s->published_at = GetCurrentTimestamp();
		s->has_rank = hint->has_rank;
		s->rank = hint->rank;
		s->score = hint->score;
		strlcpy(s->item_id, hint->item_id, sizeof(s->item_id));
	}
	LWLockRelease(shared->lock);
}
