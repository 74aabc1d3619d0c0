/*
 * serving.h - which model version a learner serves (serving.c): the serve
 * policy, pins, and the periods each version was served.  Internal to
 * src/loop.  See doc/loop.md, "Which version is served".
 */
#ifndef AL_SERVING_H
#define AL_SERVING_H

#include "postgres.h"

#include "learner_api.h"

/* A version to serve, and why. */
typedef struct ServedChoice
{
	int32		version;		/* 0: none (the learner has no version) */
	int64		model_id;
	const char *reason;			/* latest, best, pinned or rollback */
} ServedChoice;

extern void serving_choose(const Learner *l, ServedChoice *c);
extern bool serving_publish(Learner *l, const ServedChoice *c);
extern void serving_forget(const Learner *l);

/* learner_round.c: rank the pool with the served version now */
extern void round_rank_served(Learner *l);

#endif							/* AL_SERVING_H */
