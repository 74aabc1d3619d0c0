/*
 * worker.h - what the two halves of the al_ext background worker share:
 * worker_control.c (GUCs, registration, finding and waking the worker, the
 * SQL functions that start and stop it) and worker_main.c (the worker
 * process itself).  See doc/worker.md.
 */
#ifndef AL_WORKER_H
#define AL_WORKER_H

#include "postgres.h"

#include "postmaster/bgworker.h"
#include "storage/lock.h"

#include "locks.h"

/* What pg_stat_activity.backend_type shows for the worker. */
#define AL_WORKER_TYPE			"al_ext worker"

/*
 * locktag_field4 of the session advisory lock (database oid, 0, 0, this)
 * that the worker of a database holds while it runs (locks.h).
 */
#define AL_WORKER_LOCK_CLASS	AL_LOCK_WORKER

/* Settings (al_ext.*), defined in worker_control.c. */
extern int	al_worker_naptime;		/* ms */
extern int	al_worker_lock_timeout;	/* ms, 0 = PostgreSQL's lock_timeout */
extern int	al_worker_round_timeout;	/* ms, 0 = no limit */

extern void worker_locktag(LOCKTAG *tag, Oid dbid);

/* worker_state.c: what one process of a worker leaves to the next */
extern bool worker_state_begin(Oid dbid, int64 *died_in, int *deaths, bool *killed);
extern void worker_state_round(int64 id, int deaths);
extern void worker_state_end(bool stopped, bool killed);
extern void worker_state_clear_stop(Oid dbid);

PGDLLEXPORT void al_worker_main(Datum main_arg);

#endif							/* AL_WORKER_H */
