/*
 * learner_round.c - one round of a learner's work: retrain, rescore, publish.
 * (Being written by the lead; this placeholder does nothing yet.)
 */
#include "postgres.h"

#include "learner.h"

/* Placeholder until the round lands: reports idle. */
LearnerRoundResult
learner_run_round(int64 learner_id)
{
	return LEARNER_IDLE;
}

/* Placeholder (weak): the worker's definition replaces it. */
__attribute__((weak)) void
learner_wake_worker(void)
{
}
