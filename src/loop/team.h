/*
 * team.h - withdrawn labels as the round sees them (src/loop/team.c,
 * doc/loop.md, "Withdrawn labels").  Internal to src/loop.
 */
#ifndef AL_TEAM_H
#define AL_TEAM_H

#include "postgres.h"

#include "learner_api.h"

extern int64 learner_changes_waiting(const Learner *l);
extern Datum learner_withdrawals_read(const Learner *l);
extern void learner_mark_withdrawals(const Learner *l, int32 version, Datum serials);

#endif							/* AL_TEAM_H */
