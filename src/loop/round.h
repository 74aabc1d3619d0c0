/*
 * round.h - the parts of a learner's round (learner_round.c: deciding,
 * training, publishing; round_score.c: scoring the pool; round_select.c
 * and round_candidates.c: the selection).  Internal to src/loop.
 */
#ifndef AL_ROUND_H
#define AL_ROUND_H

#include "postgres.h"

#include "learner_api.h"
#include "model.h"
#include "round_select.h"

/* What scoring the pool produced. */
typedef struct ScoreResult
{
	int64		scored;
	double		entropy_sum;
	int			ranked;			/* rows the selector gave a rank */
} ScoreResult;

extern void round_report(const Learner *l, const char *what);
extern void round_pool_query(const Learner *l, const char *sql, int nargs, Oid *types, Datum *args);
extern Datum round_seeded_sample(const Learner *l, int64 n);
extern void round_check_features_column(const Learner *l, int column);
extern char *round_pool_sql(const Learner *l);
extern void round_check_block(const Learner *l);
extern ScoreResult round_score_pool(const Learner *l, const ModelFit *fit, int d, int32 version,
									int64 pool_size, const RoundLabeled *train);

#endif							/* AL_ROUND_H */
