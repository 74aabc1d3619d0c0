/*
 * multilabel.h - plain-C kernels of the multi-label uncertainty scores: a
 * row of independent per-label probabilities (label l present with
 * probability p_l, no sum constraint), scored as a whole.  No PostgreSQL
 * header; the SQL wrappers (src/scores/multilabel.c) call these, so each
 * formula exists once.  See doc/scores.md, "Multi-label scores".
 *
 * Conventions:
 * - Values come as float4 or float8, as stored; they are computed in double.
 * - al_label_probs_check accepts a run of at least 1 value, each finite and
 *   in [0, 1]; the score kernels assume a run that passed it.
 * - Natural logarithms; 0 ln 0 = 0.
 * - Positions are 0-based here; the SQL layer adds 1.
 */
#ifndef AL_MULTILABEL_H
#define AL_MULTILABEL_H

/* A run of per-label probabilities, float4 or float8 as stored. */
typedef struct al_label_probs
{
	const float *f4;			/* float4 values, or NULL */
	const double *f8;			/* float8 values, used when f4 is NULL */
	int			n;				/* number of labels */
} al_label_probs;

typedef enum al_ml_status
{
	AL_ML_OK = 0,
	AL_ML_EMPTY,				/* no label at all */
	AL_ML_OUT_OF_RANGE			/* a value is NaN, infinite or outside [0, 1] */
} al_ml_status;

/*
 * The threshold of a predicted label: label l is predicted present when
 * p_l >= 0.5 (the sign of the margin 2 p_l - 1, ties to present).
 */
#define AL_ML_THRESHOLD 0.5

extern al_ml_status al_label_probs_check(const al_label_probs *p, int *bad);
extern double al_label_prob(const al_label_probs *p, int l);

extern double al_mean_binary_entropy(const al_label_probs *p);
extern double al_binary_minimum(const al_label_probs *p);
extern double al_label_hinge_loss(double p);
extern double al_max_loss(const al_label_probs *p);
extern double al_mean_max_loss(const al_label_probs *p);
extern int	al_predicted_cardinality(const al_label_probs *p);
extern double al_label_cardinality_inconsistency(const al_label_probs *p,
												 double mean_cardinality);

#endif							/* AL_MULTILABEL_H */
