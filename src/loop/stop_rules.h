/*
 * stop_rules.h - a learner's stop set and stopping rules (stop_rules.c;
 * doc/loop.md "Stopping rules").  Internal to src/loop.
 */
#ifndef AL_STOP_RULES_H
#define AL_STOP_RULES_H

#include "postgres.h"

#include "learner_api.h"
#include "model.h"

/* What a new version measured on the stop set. */
typedef struct StopMeasure
{
	int			n;				/* stop-set items */
	int		   *pred;			/* predicted class of each (-1: unusable features) */
	double		kappa;			/* Cohen's kappa against the previous version (NaN: none) */
	double		uncertainty;	/* mean normalized entropy over the usable items (NaN: none) */
} StopMeasure;

/* What the rules read of a new version besides its stop-set measures. */
typedef struct StopInputs
{
	int32		version;
	int			labeled;		/* items with a label when it trained */
	double		eval_accuracy;	/* NaN: none */
} StopInputs;

extern void stop_measure(const Learner *l, const ModelFit *fit, int d, StopMeasure *m);
extern Datum stop_rules_fired(const Learner *l, const StopMeasure *m, const StopInputs *in);
extern void stop_rules_notify(const Learner *l, int32 version, Datum fired);

#endif							/* AL_STOP_RULES_H */
