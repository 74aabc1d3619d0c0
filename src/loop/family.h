/*
 * family.h - learners of other model families than softmax: multi-label
 * learners (family ovr: labels are sets of classes, a one-vs-rest model)
 * and regression learners (family ridge: labels are numbers, ridge
 * regression).  family.c: the option, its checks and the labels;
 * family_round.c: their round; family_kinds.c: what each family does (the
 * LearnerFamily below).  Internal to src/loop.  See doc/loop.md, "Model
 * families of learners".
 */
#ifndef AL_FAMILY_H
#define AL_FAMILY_H

#include "postgres.h"

#include "lib/stringinfo.h"

#include "learner_api.h"
#include "model.h"

/* A learner's labels as its family reads them. */
typedef struct FamilyTargets
{
	unsigned char *sets;		/* ovr: n x k, 1 = the item has label c */
	double	   *values;			/* ridge: n numbers */
} FamilyTargets;

/* What a version measured on labeled items it did not train on (NaN: not this family's). */
typedef struct FamilyMetrics
{
	const char *on;				/* "eval" (the evaluation sample), "holdout" or NULL (none) */
	int			n;				/* items measured */
	double		micro_f1;
	double		macro_f1;
	double		hamming_loss;
	double		subset_accuracy;
	double		rmse;
	double		mae;
	double		r2;
} FamilyMetrics;

/*
 * What a family does in a round: the round (family_round.c) is the same
 * for every family; these are the parts that differ.  A family trains a
 * version on rows, predicts a block of rows into outputs (width values a
 * row), scores and names each row's prediction, and measures predictions
 * against labels.
 */
/* A strategy of a family. */
typedef struct FamilyStrategy
{
	const char *name;
	bool		committee;		/* needs a committee */
	bool		random;			/* the seeded random order */
} FamilyStrategy;

typedef struct LearnerFamily
{
	ModelFamily family;
	const FamilyStrategy *strategies;
	int			n_strategies;
	/* label as stored (canonical), or ERROR naming what is wrong */
	char	   *(*canonical_label) (const Learner *l, const char *label, const char *where);
	/* the targets of n labels (canonical) */
	void		(*targets) (const Learner *l, char **labels, int n, FamilyTargets *t);
	/* the output values of a row of a version of k classes */
	int			(*width) (int k, const ModelFit *fit);
	/* outputs (rows x width) of rows x (rows x d) */
	void		(*predict) (const ModelFit *fit, const float *x, int rows, int d, int width,
							double *outputs);
	/*
	 * the score of a row (higher: ask first) by strategy (an index into
	 * strategies, not the random one) from its outputs and norm, the
	 * ||(x, 1)|| of its features (family_row_norm; emcm weighs by it: a
	 * round scoring in the pool receives no features); mean_labels: the
	 * mean size of the training label sets (ovr)
	 */
	double		(*score) (int strategy, const double *out, int width, double norm,
						  double mean_labels);
	/* the prediction of a row as al.scores.predicted shows it */
	char	   *(*predicted) (const Learner *l, const double *out, int width);
	/* metrics of predictions (n x width) against targets t of rows idx */
	void		(*measure) (const Learner *l, const double *outputs, int width, const FamilyTargets *t,
							const int *idx, int n, FamilyMetrics *m);
} LearnerFamily;

/* family_kinds.c */
extern const LearnerFamily *learner_family(const Learner *l);
extern const LearnerFamily *family_of(int family);
extern int	family_strategy_index(const LearnerFamily *f, const char *name);
extern double family_row_norm(const float *x, int d);

/* family.c: the option family (and alpha), checked with the strategy */
extern bool family_apply_option(LearnerOptions *o, const char *key, JsonbValue *v);
extern void family_check_options(const char *strategy, const LearnerOptions *o);
extern void family_check_classes(int family, int n);
extern void family_append_json(StringInfo buf, const LearnerOptions *o);
extern const char *family_label_kind(int family);
extern char *family_canonical_label(const Learner *l, const char *label, const char *where);

/* family_round.c */
extern LearnerRoundResult family_round(Learner *l, int64 pool_size);
extern void family_rank_served(Learner *l, int64 pool_size);

#endif							/* AL_FAMILY_H */
