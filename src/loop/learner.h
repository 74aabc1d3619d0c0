/*
 * learner.h - learners (src/learner.c: SQL API; src/learner_round.c: one
 * round of retraining and rescoring) and the worker (src/worker.c).
 * See doc/loop.md.
 */
#ifndef AL_LEARNER_H
#define AL_LEARNER_H

#include "postgres.h"

/* What one round did for a learner (for logging and tests). */
typedef enum LearnerRoundResult
{
	LEARNER_IDLE,				/* nothing to do */
	LEARNER_RETRAINED,			/* new model version trained and published */
	LEARNER_RESCORED			/* new pool rows scored with the current model */
} LearnerRoundResult;

/*
 * Do one round of work for a learner inside the caller's transaction (SPI
 * connected, a snapshot active): retrain and publish if enough new labels
 * (or a retrain was requested), else score pool rows added since the last
 * publication.  Reads the pool as the learner's owner.  Reports progress
 * with pgstat_report_activity.  ERRORs abort the caller's transaction and
 * leave nothing half-published.
 */
extern LearnerRoundResult learner_run_round(int64 learner_id);

/* Ask this database's worker (if running) to look at the learners soon. */
extern void learner_wake_worker(void);

/* Is an al_ext worker running for this database now? */
extern bool learner_worker_running(void);

#endif							/* AL_LEARNER_H */
