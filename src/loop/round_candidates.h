/*
 * round_candidates.h - what a round's selection keeps while the pool is
 * scored (round_candidates.c) and the selectors run on once it is
 * (round_select.c).  Internal to src/loop.  See doc/selection.md.
 */
#ifndef AL_ROUND_CANDIDATES_H
#define AL_ROUND_CANDIDATES_H

#include "postgres.h"

#include "eer_glue.h"
#include "round.h"
#include "round_select.h"
#include "row_heap.h"

/* A round's selection (round_select.h). */
struct RoundSelection
{
	const Learner *l;
	const ModelFit *fit;
	int			d;				/* features */
	int			k;				/* classes */
	uint64		seed;			/* the learner's seed */
	bool		ranks;			/* keeps candidates and writes ranks */
	bool		eer_strategy;	/* ranks by expected error reduction */
	RowHeap		cand;			/* by score (by Gumbel key with explore temperature or power) */
	RowHeap		keys;			/* explore epsilon: the rows of largest uniform key */
	bool		keep_x;			/* candidates keep their features */
	bool		keep_p;			/* and then their probabilities */
	float	   *scratch;		/* one candidate's floats on their way into the heap */
	bool		wants_labeled;	/* kcenter, ranked: the labeled rows' features */
	float	   *xl;				/* nl x d */
	int			nl;
	int			capl;
	ItemMap    *sampled;		/* option sample: the rows to score; NULL = all */
	double	   *direction;		/* cosine density: the pool's mean direction */
	float	   *dsx;			/* euclidean density: its sample, ds x d */
	double	   *dsn;			/* the sample's squared norms */
	int			ds;
	EerRows		eer;			/* expected error reduction's candidates, sample, labeled rows */
	int64		scored;			/* rows scored: ranked batch's |U| */
	int64		bytes;			/* counted against al_ext.selection_max_memory */
	Size		long_ids;		/* of it, the heaps' long_id_bytes (row_heap.h) */
	Size		prepass_long_ids;	/* of those, the first pass's heaps' */
	MemoryContext cxt;			/* the round's */
};

/* round_candidates.c */
extern uint64 round_item_key(const Learner *l, const char *item);

/* round_select.c */
extern void round_batch_needs(int batch, bool *features, bool *probabilities, bool *labeled);

#endif							/* AL_ROUND_CANDIDATES_H */
