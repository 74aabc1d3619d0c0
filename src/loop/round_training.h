/*
 * round_training.h - what a round's retrain trains on (round_training.c).
 * Internal to src/loop.
 */
#ifndef AL_ROUND_TRAINING_H
#define AL_ROUND_TRAINING_H

#include "postgres.h"

#include "eval_set.h"
#include "round.h"

/* What a retrain trains on. */
typedef struct TrainingRows
{
	float	   *x;				/* n x d */
	int		   *y;
	int			n;				/* rows: labeled items with usable features */
	int			d;				/* features per row */
	int			unusable;		/* labeled items left out: gone, or unusable features */
	Datum		fresh;			/* bigint[]: serials of the waiting label rows read */
	EvalLabels	eval;			/* labeled items of the evaluation sample: never trained on */
	int			labeled;		/* items with a label (those of the evaluation sample too) */
} TrainingRows;

extern void round_training_rows(const Learner *l, TrainingRows *t);
extern bool round_can_train(const Learner *l, const TrainingRows *t);

#endif							/* AL_ROUND_TRAINING_H */
