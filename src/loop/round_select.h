/*
 * round_select.h - the selection of a learner's round (round_select.c):
 * the selectors of option batch, and the candidates a round keeps for them
 * while it scores the pool (round_score.c).  Internal to src/loop.  See
 * doc/selection.md.
 */
#ifndef AL_ROUND_SELECT_H
#define AL_ROUND_SELECT_H

#include "postgres.h"

#include "learner_api.h"
#include "model.h"

/* Option batch "topk", the default: the selector table's first entry. */
#define ROUND_BATCH_TOPK 0

/* The labeled rows a round trained on (expected error reduction updates with them). */
typedef struct RoundLabeled
{
	const float *x;				/* n x d */
	const int  *y;				/* their classes */
	int			n;
	int			d;
} RoundLabeled;

typedef struct RoundSelection RoundSelection;

/* The selectors of option batch (learner_options.c). */
extern int	round_batch_find(const char *name);
extern const char *round_batch_name(int batch);
extern const char *round_batch_names(void);

/* A round's selection; every function accepts NULL (nothing to select). */
extern RoundSelection *round_select_begin(const Learner *l, const ModelFit *fit, int d,
										  int64 pool_size, ItemMap *labeled,
										  const RoundLabeled *train);
extern bool round_select_skips(const RoundSelection *rs, const char *item);
extern bool round_select_ranks(const RoundSelection *rs);
extern bool round_select_wants_labeled(const RoundSelection *rs);
extern void round_select_labeled_row(RoundSelection *rs, const float *x);
extern void round_select_block(RoundSelection *rs, char **items, const float *x, const float *p,
							   double *score, int rows);
extern int	round_select_finish(RoundSelection *rs);

#endif							/* AL_ROUND_SELECT_H */
