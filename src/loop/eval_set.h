/*
 * eval_set.h - a learner's evaluation set (eval_set.c; doc/loop.md "The
 * evaluation set"): a seeded sample of the pool kept out of training and
 * handed out at a rate, or a labeled table; what every version measures on
 * its labeled part.  Internal to src/loop.
 */
#ifndef AL_EVAL_SET_H
#define AL_EVAL_SET_H

#include "postgres.h"

#include "eval_metrics.h"
#include "item_map.h"
#include "learner_api.h"
#include "model.h"

/* The labeled items of a pool's evaluation sample, as round_training_rows found them. */
typedef struct EvalLabels
{
	int			n;
	char	  **items;
	int		   *classes;		/* each item's label (class index) */
} EvalLabels;

extern void eval_table_check_option(LearnerOptions *o, const char *id_column,
									const char *features_column, Oid reader);
extern void eval_choose_items(const Learner *l);
extern Datum eval_items_datum(const Learner *l);
extern ItemMap *eval_item_map(Datum eval);
extern bool learner_has_eval(const Learner *l);
extern void eval_split_labels(const Learner *l, char **items, int *classes, int *n,
							  EvalLabels *eval);
extern bool eval_measure(const Learner *l, const ModelFit *fit, int d, const EvalLabels *eval,
						 al_eval_metrics *out);

#endif							/* AL_EVAL_SET_H */
