/*
 * locks.c - transaction locks on al_ext's own objects (locks.h).
 */
#include "postgres.h"

#include "miscadmin.h"
#include "storage/lock.h"

#include "locks.h"

/*
 * Take the exclusive transaction lock (lock_class, key) of this database,
 * waiting as for any heavyweight lock (deadlock detection, lock_timeout,
 * cancels); released at the end of the transaction.
 */
void
al_lock_xact(uint32 lock_class, uint64 key)
{
	LOCKTAG		tag;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, (uint32) (key >> 32), (uint32) key, lock_class);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);
}
