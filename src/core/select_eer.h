/*
 * select_eer.h - expected error reduction (Roy and McCallum 2001) for a
 * softmax-regression model, in plain C on OpenBLAS.
 *
 * For each candidate row x, with p = the current model's p(.|x):
 *
 *     EE(x) = sum_y p(y|x) * mean over the sample rows s of L(theta_xy, s)
 *
 * where theta_xy is the model updated with (x, y) added to its labeled
 * rows, and L is the loss the updated model expects on s, from its own
 * prediction q = p(.|s; theta_xy):
 *     zero_one   1 - max_c q_c
 *     log        -sum_c q_c ln q_c   (the entropy: Roy and McCallum's log loss)
 * The update is a warm start, not a retrain: at most `steps` L-BFGS
 * iterations of the training objective (softmax_model.h: the labeled rows
 * with their weights, plus (x, y) with weight 1, and ||W||^2 / (2c)) from
 * the current weights (al_softmax_refine), keeping the model's
 * standardization.  Lower EE is better: the score to query first is the
 * expected error REDUCTION, current error (the same loss of the current
 * model on the sample) minus EE(x); higher = query first.
 *
 * Cost, with M candidates, S sample rows, k classes, d features, n labeled
 * rows and T steps (e evaluations per L-BFGS iteration, about 1.1):
 *     updates      M k T e (n + 1) d k   (two small dgemm per evaluation)
 *     predictions  M k S d k             (sgemm, a block of candidates at
 *                                          a time) + M k S k exponentials
 * Memory: S d floats for the standardized sample, (n + 1) d floats for
 * the labeled rows, a block of logits and one of packed weights of at
 * most block_floats each (4M floats, 16 MB; at least one sample row and
 * one updated model), and one update's L-BFGS work
 * (al_eer_memory_bytes says how many bytes in all).
 * Classes with p(y|x) = 0 (the model's absent classes) are skipped.
 *
 * Deterministic: the same inputs give the same results on the same
 * machine and library.  See doc/selection.md.
 */
#ifndef AL_SELECT_EER_H
#define AL_SELECT_EER_H

#include "softmax_model.h"

/* The loss the updated models expect on the sample. */
typedef enum al_eer_loss
{
	AL_EER_LOSS_ZERO_ONE = 0,	/* 1 - max_c q_c */
	AL_EER_LOSS_LOG = 1			/* entropy of q */
} al_eer_loss;

/* Largest steps accepted (a refine past it is a retrain). */
#define AL_EER_MAX_STEPS 1000

/* The callers' limits on candidates M and sample rows S (README's table). */
#define AL_EER_MAX_CANDIDATES 10000
#define AL_EER_MAX_SAMPLE 100000

/* Status codes; al_eer_status_message() gives a lower-case message. */
typedef enum al_eer_status
{
	AL_EER_OK = 0,
	AL_EER_NULL_ARG,			/* a required pointer is NULL */
	AL_EER_NO_BLAS,				/* al_blas_load has not succeeded */
	AL_EER_NO_MEMORY,			/* the allocator returned NULL */
	AL_EER_BAD_LOSS,			/* loss is not an al_eer_loss */
	AL_EER_BAD_STEPS,			/* steps not in 1..AL_EER_MAX_STEPS */
	AL_EER_BAD_BLOCK,			/* block_floats < 0 */
	AL_EER_NO_CANDIDATES,		/* m < 1 */
	AL_EER_NO_SAMPLE,			/* s < 1 */
	AL_EER_BAD_MODEL,			/* fewer than 2 classes with a finite
								 * intercept, or a weight not finite */
	AL_EER_MODEL_MISMATCH,		/* labeled rows' d or k differ from the
								 * model's */
	AL_EER_NONFINITE_X,			/* a candidate or sample value not finite */
	AL_EER_TRAIN,				/* the labeled rows or training options
								 * are refused, or an update failed:
								 * report->train_status says why */
	AL_EER_CANCELLED,			/* the progress hook asked to stop */
	AL_EER_NUMERIC				/* a model's loss on the sample is not finite
								 * (its float logits overflow: feature values
								 * too large) */
} al_eer_status;

/* A constant message for a status code (never NULL). */
extern const char *al_eer_status_message(al_eer_status status);

/* Options; al_eer_options_init() sets the defaults given here. */
typedef struct al_eer_options
{
	al_eer_loss loss;			/* AL_EER_LOSS_LOG */
	int			steps;			/* L-BFGS iterations per update (20) */
	int			block_floats;	/* floats of logits per prediction block,
								 * >= 0; 0 = 4M (16 MB) */

	/*
	 * The training options of the model: c MUST be the c it was trained
	 * with (1.0 by default); tol and ftol stop an update early, lbfgs_m,
	 * block_rows, the allocator hooks and the progress hook (called at
	 * every iteration of every update, and once per block of predictions)
	 * are used as the trainer uses them.  max_iter, members, seed and
	 * standardize are ignored.
	 */
	al_softmax_options train;
} al_eer_options;

/* What a call did (for the caller's diagnostics and the benchmarks). */
typedef struct al_eer_report
{
	double		current_error;	/* mean loss of the current model on the
								 * sample */
	int			updates;		/* updated models: (candidate, class) pairs
								 * with p(y|x) > 0 */
	long		iterations;		/* L-BFGS iterations over all updates */
	long		evaluations;	/* objective evaluations over all updates */
	al_sm_status train_status;	/* with AL_EER_TRAIN: why */
	double		update_seconds; /* wall-clock time in the updates */
	double		predict_seconds;	/* wall-clock time predicting the sample */
} al_eer_report;

/*
 * The inputs.  Pointers are the caller's and are only read.  The model is
 * one softmax model (a committee member, or a plain model), with the
 * standardization it was trained with; labeled is the data it was fit on
 * (x in the original feature space, y in 0..k-1, optional weights; n may
 * be 0, then x and y may be NULL).  cand (m x d) and sample (s x d) are
 * float rows in the original feature space.
 */
typedef struct al_eer_input
{
	const al_softmax_model *model;
	const al_softmax_data *labeled;
	const float *cand;
	int			m;
	const float *sample;
	int			s;
} al_eer_input;

/*
 * The approximate multiply-adds of a call, for callers that bound its time
 * before running it: M kk (T (2 (n + 1) + 4 lbfgs_m) (d + 1) kk + S d kk),
 * i.e. per update T L-BFGS iterations (a forward and a backward product
 * over the n + 1 rows, and the two-loop recursion), then the update's
 * predictions on the sample; kk = the model's present classes, lbfgs_m =
 * 10 (the trainer's default).  Non-positive arguments count as 0.
 */
extern double al_eer_work_estimate(int m, int s, int n, int d, int kk, int steps);

/*
 * The classes a model gives a positive probability (a finite intercept):
 * the classes an update can move toward.  Fewer than 2: AL_EER_BAD_MODEL.
 */
extern int	al_eer_present_classes(const al_softmax_model *model);

/*
 * The most bytes al_eer_expected_error allocates for m candidates, s
 * sample rows and n labeled rows (weighted or not) of a model of d
 * features, k classes and kk present ones: its one block (the standardized
 * sample, the labeled rows plus a candidate, a block of logits and one of
 * packed weights) and one update's al_softmax_refine work, live together.
 * So that callers can bound a call's memory before making it.
 */
extern size_t al_eer_memory_bytes(const al_eer_options *opt, int m, int s, int n, int d, int k,
								  int kk, int weighted);

/* Set the defaults documented in al_eer_options. */
extern void al_eer_options_init(al_eer_options *opt);

/*
 * Expected error of each candidate: expected_error[0..m-1] gets EE(x_i)
 * (see above), reduction (m entries, may be NULL) gets current error -
 * EE(x_i), the score to query first.  report may be NULL.  Checks, in
 * this order: NULL pointers, loss, steps, block_floats, m, s, the model,
 * the labeled rows' shape against the model, candidate and sample values,
 * the labeled rows and training options (AL_EER_TRAIN, as
 * al_softmax_validate checks them, then a labeled row of an absent class:
 * AL_SM_ABSENT_CLASS); then it needs BLAS.
 */
extern al_eer_status al_eer_expected_error(const al_eer_input *in,
										   const al_eer_options *opt,
										   double *expected_error,
										   double *reduction,
										   al_eer_report *report);

#endif							/* AL_SELECT_EER_H */
