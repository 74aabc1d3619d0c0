/*
 * class_weight.h - the class_weight option of al.train_model and of
 * learners: "balanced" or an object {"label": weight, ...} whose weights
 * multiply the training rows' sample weights.  See doc/models.md.
 */
#ifndef AL_CLASS_WEIGHT_H
#define AL_CLASS_WEIGHT_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

/* A parsed class_weight option (all zero: none). */
typedef struct AlClassWeight
{
	bool		balanced;		/* "balanced": n / (k n_c) over the training rows */
	int			n;				/* explicit weights */
	char	  **labels;			/* their labels */
	double	   *weights;		/* finite, > 0 */
} AlClassWeight;

extern void al_class_weight_parse(const char *key, JsonbValue *v, AlClassWeight *cw);
extern void al_class_weight_check_labels(const AlClassWeight *cw, char **classes, int k);
extern void al_class_weight_apply(const AlClassWeight *cw, char **classes, int k,
								  const int *y, int n, double *weight);
extern void al_class_weight_append_json(StringInfo buf, const AlClassWeight *cw);

#endif							/* AL_CLASS_WEIGHT_H */
