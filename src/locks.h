/*
 * locks.h - the heavyweight locks al_ext takes on its own objects.
 *
 * They are advisory locks whose fourth tag field is one of the classes
 * below.  SQL's advisory lock functions only ever use 1 and 2 there, so no
 * role can take, hold or wait on these locks from SQL: they serialize
 * al_ext's own work without giving anyone a way to stall it (issue 8,
 * item 6).  pg_locks shows them as locktype 'advisory' with objsubid the
 * class.
 */
#ifndef AL_LOCKS_H
#define AL_LOCKS_H

#include "postgres.h"

#include "storage/lockdefs.h"

#define AL_LOCK_WORKER		16716	/* session lock: the worker of a database */
#define AL_LOCK_BATCH		16717	/* batch hand-outs of one learner (share: small batches) */
#define AL_LOCK_ITEM		16718	/* an item being handed out (learner and item hashed) */
#define AL_LOCK_ANNOTATOR	16719	/* batch hand-outs of one learner to one annotator */
#define AL_LOCK_MODEL_NAME	16720	/* versions of one model name */
#define AL_LOCK_REFILL		16721	/* marking more hot rows of one learner's ranking */
#define AL_LOCK_MARKING		16722	/* the same, while its UPDATE runs (let go when it ends) */

/* Reports that a bounded lock wait ran out after waited_ms: raises an ERROR. */
typedef void (*AlLockTimedOut) (const void *arg, int waited_ms);

extern void al_lock_xact(uint32 lock_class, uint64 key);
extern void al_lock_xact_bounded(uint32 lock_class, uint64 key, LOCKMODE mode, int timeout_ms,
								 AlLockTimedOut timed_out, const void *arg);
extern bool al_lock_held(uint32 lock_class, uint64 key, LOCKMODE mode);
extern bool al_lock_try_xact(uint32 lock_class, uint64 key);
extern bool al_lock_free_now(uint32 lock_class, uint64 key);
extern void al_lock_release(uint32 lock_class, uint64 key);

#endif							/* AL_LOCKS_H */
