/*
 * batch_lock.h - the locks of al.next_batch (batch_lock.c): the learner's
 * batch lock (share for small batches, exclusive for large ones), the
 * annotator's lock, and the claims on single items.  Internal to src/loop.
 */
#ifndef AL_BATCH_LOCK_H
#define AL_BATCH_LOCK_H

#include "learner_api.h"

/* Batches of at most this many items claim their items one by one and run side by side. */
#define BATCH_CLAIM_MAX 64

extern bool batch_lock_learner(const Learner *l, int k);
extern void batch_lock_annotator(const Learner *l, const char *annotator);
extern bool batch_try_lock_refill(const Learner *l);
extern bool batch_wait_refill(const Learner *l);
extern int	batch_marking_begin(const Learner *l);
extern void batch_marking_end(const Learner *l, int level);
extern void batch_marking_abandon(const Learner *l);
extern bool batch_claim_item(const Learner *l, const char *item);

#endif							/* AL_BATCH_LOCK_H */
