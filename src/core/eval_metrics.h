/*
 * eval_metrics.h - metrics of a model on an evaluation set, with 95%
 * confidence intervals (plain C): accuracy with the Wilson score interval,
 * macro-F1 with a seeded percentile bootstrap, log-loss with a normal
 * interval.  See doc/loop.md ("The evaluation set").
 */
#ifndef AL_EVAL_METRICS_H
#define AL_EVAL_METRICS_H

#include <stdint.h>

/* The normal quantile of a two-sided 95% interval. */
#define AL_EVAL_Z95 1.959963984540054

/* Resamples of the macro-F1 bootstrap. */
#define AL_EVAL_BOOTSTRAP 1000

/* The smallest probability a log-loss reads (as the holdout's: -ln 1e-15 at most). */
#define AL_EVAL_MIN_PROB 1e-15

/* A model's metrics on n labeled items; NaN where undefined. */
typedef struct al_eval_metrics
{
	int			n;
	double		accuracy;
	double		accuracy_low;
	double		accuracy_high;
	double		macro_f1;
	double		macro_f1_low;
	double		macro_f1_high;
	double		log_loss;
	double		log_loss_low;
	double		log_loss_high;
} al_eval_metrics;

/* A multi-label model's metrics on n items of k labels (doc/loop.md "Model families of learners"). */
typedef struct al_ml_metrics
{
	double		micro_f1;		/* 2 TP / (2 TP + FP + FN) over all decisions; NaN: no positive at all */
	double		macro_f1;		/* the mean F1 of the labels with a true or predicted positive */
	double		hamming_loss;	/* the share of wrong decisions */
	double		subset_accuracy;	/* the share of items whose whole set is right */
} al_ml_metrics;

/* A regression model's metrics on n items. */
typedef struct al_reg_metrics
{
	double		rmse;
	double		mae;
	double		r2;				/* 1 - SSE / SST; NaN when the targets are all equal */
} al_reg_metrics;

extern void al_eval_multilabel(const unsigned char *truth, const unsigned char *pred, int n, int k,
							   al_ml_metrics *out);
extern void al_eval_regression(const double *truth, const double *pred, int n, al_reg_metrics *out);
extern void al_eval_wilson(int correct, int n, double z, double *low, double *high);
extern double al_eval_macro_f1(const int *truth, const int *pred, int n, int k, int *counts);
extern void al_eval_log_loss(const double *p_true, int n, double *mean, double *low, double *high);
extern void al_eval_macro_f1_bootstrap(const int *truth, const int *pred, int n, int k,
									   uint64_t seed, int *counts, double *boot,
									   double *low, double *high);
extern void al_eval_compute(const int *truth, const int *pred, const double *p_true, int n, int k,
							uint64_t seed, int *counts, double *boot, al_eval_metrics *out);

#endif							/* AL_EVAL_METRICS_H */
