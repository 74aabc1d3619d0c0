/*
 * softmax_model.h - softmax (multinomial logistic) regression: trainer,
 * committees, predictors and metrics, in plain C on OpenBLAS.
 *
 * The objective is exactly scikit-learn's
 * LogisticRegression(C=c, multi_class='multinomial') with the intercept
 * not penalized, and with optional sample weights w_i:
 *
 *     f(W, b) = sum_i w_i * CE(y_i, softmax(W x_i + b)) + ||W||_F^2 / (2c)
 *
 * minimized from W = 0, b = 0 by L-BFGS in double precision.  X is float,
 * n x d, row-major, owned by the caller and never written.  Labels are
 * 0..k-1.  See doc/models.md for the design.
 *
 * No PostgreSQL header; no global state (except the BLAS table of
 * al_blas.h); no exit or abort; every buffer is the caller's or comes from
 * the allocator hooks of al_softmax_options.
 */
#ifndef AL_SOFTMAX_MODEL_H
#define AL_SOFTMAX_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* Status codes; al_sm_status_message() gives a lower-case message. */
typedef enum al_sm_status
{
	AL_SM_OK = 0,
	AL_SM_NULL_ARG,				/* a required pointer is NULL */
	AL_SM_NO_BLAS,				/* al_blas_load has not succeeded */
	AL_SM_NO_MEMORY,			/* the allocator returned NULL */
	AL_SM_BAD_C,				/* c is not a finite number > 0 */
	AL_SM_BAD_TOL,				/* tol is not a finite number > 0 */
	AL_SM_BAD_FTOL,				/* ftol is not a finite number >= 0 */
	AL_SM_BAD_MAX_ITER,			/* max_iter < 1 */
	AL_SM_BAD_MEMBERS,			/* members < 1 */
	AL_SM_BAD_MEMBER_INDEX,		/* member not in 0..members-1 */
	AL_SM_BAD_LBFGS_MEMORY,		/* lbfgs_m not in 1..100 */
	AL_SM_BAD_BLOCK_ROWS,		/* block_rows < 0 */
	AL_SM_NO_ROWS,				/* n < 1, or no row has a positive weight */
	AL_SM_BAD_DIM,				/* d < 1 */
	AL_SM_BAD_CLASSES,			/* k < 2 (a single class) */
	AL_SM_TOO_LARGE,			/* k * (d + 1) > INT_MAX / 2 */
	AL_SM_BAD_LABEL,			/* a label outside 0..k-1 */
	AL_SM_BAD_WEIGHT,			/* a sample weight < 0 or not finite */
	AL_SM_NONFINITE_X,			/* a feature value is NaN or infinite */
	AL_SM_ONE_CLASS,			/* the training rows hold fewer than 2 classes */
	AL_SM_MODEL_MISMATCH,		/* model's k or d differs from the data's */
	AL_SM_BAD_FRACTION,			/* holdout fraction not in [0, 1] */
	AL_SM_CANCELLED,			/* the progress callback asked to stop */
	AL_SM_NUMERIC,				/* f or its gradient not finite at the start */
	AL_SM_ABSENT_CLASS			/* al_softmax_refine: a row of positive weight
								 * has a class the model gives probability 0 */
} al_sm_status;

/* A constant message for a status code (never NULL). */
extern const char *al_sm_status_message(al_sm_status status);

/*
 * Progress hook, called once per L-BFGS iteration with the iteration number
 * (0 = the starting point), the objective and the gradient's max-norm.
 * A nonzero return stops the fit with AL_SM_CANCELLED.  If the hook can
 * longjmp (PostgreSQL's CHECK_FOR_INTERRUPTS), use allocator hooks whose
 * memory is reclaimed by that jump (palloc), or the fit's buffers leak.
 */
typedef int (*al_sm_progress_fn) (void *arg, int iter, double f, double gnorm);

/* Options; al_softmax_options_init() sets the defaults given here. */
typedef struct al_softmax_options
{
	double		c;				/* inverse regularization strength > 0 (1.0) */
	int			max_iter;		/* L-BFGS iteration limit >= 1 (100) */
	double		tol;			/* stop when max |gradient| <= tol > 0 (1e-4) */
	double		ftol;			/* stop when the relative decrease of f is
								 * <= ftol, >= 0 (64 DBL_EPSILON: no progress
								 * left; scikit-learn 1.2 leaves scipy's
								 * 2.2e-9, which stops earlier) */
	int			members;		/* committee size >= 1 (1) */
	uint64_t	seed;			/* bootstrap seed (0) */
	int			standardize;	/* nonzero: fit on standardized features (0) */
	int			lbfgs_m;		/* L-BFGS memory, 1..100 (10) */
	int			block_rows;		/* rows per BLAS block, 0 = automatic (0) */
	void	   *(*alloc_fn) (size_t size);	/* NULL = malloc */
	void		(*free_fn) (void *ptr); /* NULL = free */
	al_sm_progress_fn progress; /* NULL = none */
	void	   *progress_arg;
} al_softmax_options;

/* Training data: pointers are the caller's and are only read. */
typedef struct al_softmax_data
{
	const float *x;				/* n x d, row-major */
	const int  *y;				/* n labels in 0..k-1 */
	const double *weight;		/* n sample weights >= 0, or NULL (all 1) */
	int			n;				/* rows */
	int			d;				/* features */
	int			k;				/* classes */
} al_softmax_data;

/*
 * A trained model.  The predictor computes, in double,
 *     z = coef * s(x) + intercept,  p = softmax(z)
 * where s(x)_j = (x_j - mean_j) / scale_j when standardized, else x_j.
 * So coef is expressed in the standardized space (al_softmax_to_original
 * gives the original-space equivalent).  A class that had no training row
 * (possible in a bootstrap member) has coef 0 and intercept -INFINITY, so
 * its probability is exactly 0.
 *
 * A model from al_softmax_fit or al_softmax_model_alloc owns one block
 * (release with al_softmax_model_free); the caller may also point the
 * arrays at its own memory (block = NULL) to predict with stored weights.
 */
typedef struct al_softmax_model
{
	int			k;				/* classes */
	int			d;				/* features */
	int			standardized;	/* nonzero: mean and scale are used */
	double	   *coef;			/* k x d, row-major */
	double	   *intercept;		/* k */
	double	   *mean;			/* d (NULL when not standardized) */
	double	   *scale;			/* d, > 0 (NULL when not standardized) */
	void	   *block;			/* the allocation owning the arrays, or NULL */
} al_softmax_model;

/* Why a fit stopped. */
typedef enum al_sm_stop
{
	AL_SM_STOP_GTOL,			/* max |gradient| <= tol: converged */
	AL_SM_STOP_FTOL,			/* no progress: relative decrease <= ftol */
	AL_SM_STOP_MAX_ITER,		/* max_iter iterations done */
	AL_SM_STOP_LINE_SEARCH,		/* the line search found no decrease */
	AL_SM_STOP_TRIVIAL			/* one class present: nothing to fit */
} al_sm_stop;

/* What a fit did. */
typedef struct al_softmax_report
{
	int			iterations;		/* L-BFGS iterations (accepted steps) */
	int			n_evals;		/* objective + gradient evaluations */
	int			converged;		/* stop is GTOL, FTOL or TRIVIAL */
	al_sm_stop	stop;
	double		objective;		/* final f (on the member's weights) */
	double		grad_inf;		/* final max |gradient| component (over the
								 * parameters of the classes present) */
	int			classes_present;	/* classes with positive weight */
	double		total_weight;	/* sum of the member's sample weights */
} al_softmax_report;

/* Set the defaults documented in al_softmax_options. */
extern void al_softmax_options_init(al_softmax_options *opt);

/*
 * Check options and data as a fit would (member index included; opt NULL
 * means the defaults, as in every function taking options).  Returns the
 * first problem found, in this order: NULL pointers, c, tol, ftol,
 * max_iter, members, member index, lbfgs_m, block_rows, n, d, k, sizes,
 * labels, weights, feature values.  A fit also needs BLAS (AL_SM_NO_BLAS)
 * and, for a plain fit, two classes among the rows (AL_SM_ONE_CLASS).
 */
extern al_sm_status al_softmax_validate(const al_softmax_data *data,
										const al_softmax_options *opt,
										int member);

/*
 * Train member `member` of a committee of opt->members.  With members == 1
 * this is the plain fit on all rows (with data->weight); with members > 1,
 * member m fits on a bootstrap resample: as many draws as there are rows of
 * positive weight, uniformly among those rows, from al_rng stream
 * (opt->seed, m); the draw counts multiply data->weight.
 * On success *model owns new arrays (al_softmax_model_free); on error it is
 * left empty.  report may be NULL.  BLAS must be loaded.
 */
extern al_sm_status al_softmax_fit(const al_softmax_data *data,
								   const al_softmax_options *opt, int member,
								   al_softmax_model *model,
								   al_softmax_report *report);

/*
 * Train all opt->members members into models[0..members-1] (reports may be
 * NULL, else members entries).  On error, no model is left allocated.
 */
extern al_sm_status al_softmax_fit_committee(const al_softmax_data *data,
											 const al_softmax_options *opt,
											 al_softmax_model *models,
											 al_softmax_report *reports);

/*
 * Continue a fit from the model's own parameters (a warm start): at most
 * opt->max_iter L-BFGS iterations of the same objective on data (with
 * data->weight, opt->c, tol and ftol; members, seed and standardize are
 * ignored), updating the model in place.  The model's standardization is
 * kept as it is (mean and scale are not recomputed from data), and so are
 * its classes: a class with intercept -inf (absent) stays absent, and a
 * row of positive weight of such a class is AL_SM_ABSENT_CLASS; fewer than
 * two present classes is AL_SM_ONE_CLASS.  On an error found before the
 * optimizer runs the model is unchanged; AL_SM_CANCELLED leaves the last
 * iterate.  Used by expected error reduction (select_eer.h) for the
 * updated models.  report may be NULL.  BLAS must be loaded.
 */
extern al_sm_status al_softmax_refine(const al_softmax_data *data,
									  const al_softmax_options *opt,
									  al_softmax_model *model,
									  al_softmax_report *report);

/*
 * The bytes al_softmax_refine allocates (through opt's allocator hooks)
 * for n rows of d features and k classes: its parameters, gradient,
 * L-BFGS history and a block of rows.  opt may be NULL (the defaults).
 */
extern size_t al_softmax_refine_work_bytes(const al_softmax_options *opt, int n, int d, int k);

/*
 * The objective f and (if grad is not NULL) its gradient at a model's
 * parameters, on data (with data->weight, no bootstrap) and opt->c, using
 * the model's standardization.  grad has k*(d+1) entries: d(coef) row-major,
 * then d(intercept).  The same code as the trainer's; BLAS must be loaded.
 */
extern al_sm_status al_softmax_objective(const al_softmax_data *data,
										 const al_softmax_options *opt,
										 const al_softmax_model *model,
										 double *f, double *grad);

/* Allocate a zeroed model (one block, from opt's hooks; opt may be NULL). */
extern al_sm_status al_softmax_model_alloc(al_softmax_model *model, int k,
										   int d, int standardized,
										   const al_softmax_options *opt);

/* Free a model's block (if it owns one) and clear it; opt may be NULL. */
extern void al_softmax_model_free(al_softmax_model *model,
								  const al_softmax_options *opt);

/*
 * Batch prediction: probs (n x k floats) = softmax of each row of x (n x d
 * floats).  Blocks of rows are converted to double and multiplied with
 * cblas_dgemm; the softmax is done in double and rounded to float at the
 * end, so each value is within float rounding (6e-8 relative) of the
 * double-precision softmax.  Needs BLAS; allocates its workspace with
 * malloc (see al_softmax_predict_ws to supply it).
 */
extern al_sm_status al_softmax_predict(const al_softmax_model *model,
									   const float *x, int n, float *probs);

/* Workspace (in doubles) al_softmax_predict_ws needs for n rows. */
extern size_t al_softmax_predict_work_size(const al_softmax_model *model,
										   int n);

/* al_softmax_predict with a caller's workspace of the size above. */
extern al_sm_status al_softmax_predict_ws(const al_softmax_model *model,
										  const float *x, int n, float *probs,
										  double *work);

/*
 * al_softmax_predict_ws on rows already converted to double (xd: n x d,
 * each the exact double of a float feature, not standardized): the same
 * bits, without the conversion pass (standardized models standardize a
 * block at a time into work, others are multiplied where they are).
 */
extern al_sm_status al_softmax_predict_doubles_ws(const al_softmax_model *model,
												  const double *xd, int n,
												  float *probs, double *work);

/*
 * One row, plain loops in double, no BLAS, no allocation: probs gets k
 * doubles.  Non-finite inputs give NaN probabilities, not a crash.
 */
extern void al_softmax_predict_row(const al_softmax_model *model,
								   const float *x, double *probs);

/*
 * The k logits coef * s(x) + intercept of one row of floats (what
 * al_softmax_predict_row takes the softmax of), in double, no BLAS, no
 * allocation.  The one-vs-rest predictor takes their sigmoids.
 */
extern void al_softmax_logits_row(const al_softmax_model *model,
								  const float *x, double *z);

/* The same for a row of doubles. */
extern void al_softmax_predict_row_f64(const al_softmax_model *model,
									   const double *x, double *probs);

/*
 * Metrics on rows[0..n_rows-1] of x/y (rows NULL: rows 0..n_rows-1):
 * accuracy (argmax, ties to the lowest class) and mean log-loss
 * -ln max(p_y, 1e-15) (scikit-learn's clipping).  Either output may be
 * NULL.  No BLAS; scratch from opt's hooks (opt may be NULL).
 */
extern al_sm_status al_softmax_evaluate(const al_softmax_model *model,
										const float *x, const int *y,
										const int *rows, int n_rows,
										const al_softmax_options *opt,
										double *accuracy, double *log_loss);

/*
 * Deterministic split of row indices 0..n-1: round(fraction * n) rows go
 * to the holdout, chosen uniformly from al_rng stream (seed, 2^64 - 1); the
 * rest to train.  Both lists come out increasing.  train_idx has room for
 * n, hold_idx for round(fraction * n) entries (or n).
 */
extern al_sm_status al_softmax_holdout_split(int n, double fraction,
											 uint64_t seed, int *train_idx,
											 int *n_train, int *hold_idx,
											 int *n_hold);

/*
 * The model in the original feature space: coef_out (k x d) and
 * intercept_out (k) such that coef_out x + intercept_out equals the
 * model's logits (up to rounding).  Copies when not standardized.
 */
extern void al_softmax_to_original(const al_softmax_model *model,
								   double *coef_out, double *intercept_out);

/* ---- building blocks shared by the trainer and the predictor ---- */

/* The option checks of al_softmax_validate alone (c to block_rows). */
extern al_sm_status al_softmax_validate_options(const al_softmax_options *opt,
												int member);

/*
 * The weights member `member` trains with: weight (NULL = all 1) itself
 * for a single model; for a committee a bootstrap of the rows of positive
 * weight (as many draws as such rows, from al_rng stream (seed, member)),
 * the draw counts times weight, written to ew (n doubles; pos is n ints of
 * scratch).  Returns the weights to use (weight or ew).
 */
extern const double *al_softmax_member_weights(const double *weight, int n,
											   const al_softmax_options *opt,
											   int member, double *ew,
											   int *pos);

/*
 * Weighted per-feature mean and population standard deviation of the n x d
 * rows x over the rows of positive weight ew (NULL = all 1); a feature
 * constant there gets its value as mean and scale 1.  lo and hi are d
 * doubles of scratch each.
 */
extern void al_softmax_feature_stats(const float *x, int n, int d,
									 const double *ew, double *mean,
									 double *scale, double *lo, double *hi);

/*
 * The objective and gradient of a linear model of k outputs over blocks of
 * rows, shared by the softmax and one-vs-rest trainers: at theta = [W (k x
 * d), b (k)], per block gather() converts the next rows into xb and returns
 * how many (0 at the end), Z = Xb W^T into zb (dgemm), residuals() turns
 * zb into the loss's derivatives in place and returns the block's loss
 * (b: the intercepts), then gW += R^T Xb (dgemm), gb += column sums of R;
 * finally the penalty ||W||^2 / (2c) (inv_c = 1 / c) and its gradient.
 * BLAS must be loaded.
 */
typedef struct al_linear_blocks
{
	int			k;				/* outputs in theta */
	int			d;				/* features */
	double		inv_c;
	double	   *xb;				/* block x d */
	double	   *zb;				/* block x k */
	int			(*gather) (void *arg, int *next);
	double		(*residuals) (void *arg, const double *b, int nb);
	void	   *arg;
} al_linear_blocks;

extern double al_linear_fg(const al_linear_blocks *lin, const double *theta,
						   double *g);

/*
 * The rows a block evaluation reads: those of positive weight w (NULL: all
 * 1) among n rows of d float features x, standardized by mean and scale
 * (NULL: not), block at a time; xb (block x d), rw (block) and rows
 * (block) are the caller's buffers.
 */
typedef struct al_row_blocks
{
	const float *x;
	const double *w;
	int			n;
	int			d;
	const double *mean;
	const double *scale;
	int			block;
	double	   *xb;				/* block x d converted rows */
	double	   *rw;				/* block row weights */
	int		   *rows;			/* block row numbers */
} al_row_blocks;

/* Fill rb; mean and scale are the model's when it is standardized. */
extern void al_row_blocks_init(al_row_blocks *rb, const float *x, const double *w, int n,
							   int d, const al_softmax_model *model, int block, double *xb,
							   double *rw, int *rows);

/*
 * The next rows (from *next on) of positive weight, up to one block: their
 * numbers and weights, and their converted features in xb; *next moves
 * past them.  Returns how many; 0 at the end.
 */
extern int	al_row_blocks_next(al_row_blocks *rb, int *next);

/* Fill lin for k outputs over d features, penalty 1 / (2c), the given buffers and callbacks. */
extern void al_linear_blocks_init(al_linear_blocks *lin, int k, int d, double c,
								  double *xb, double *zb,
								  int (*gather) (void *arg, int *next),
								  double (*residuals) (void *arg, const double *b, int nb),
								  void *arg);

/* opt, or the defaults written to *buf when opt is NULL. */
extern const al_softmax_options *al_softmax_options_or_defaults(const al_softmax_options *opt,
																al_softmax_options *buf);

/*
 * Train every member m = 0..opt->members-1 of a committee with fit(data,
 * opt, m, &models[m], &reports[m]) (reports may be NULL); on an error free
 * the members trained so far and return it.  The softmax and one-vs-rest
 * committees.
 */
typedef al_sm_status (*al_member_fit_fn) (const void *data, const al_softmax_options *opt,
										  int member, al_softmax_model *model,
										  al_softmax_report *report);
extern al_sm_status al_fit_members(al_member_fit_fn fit, const void *data,
								   const al_softmax_options *opt,
								   al_softmax_model *models,
								   al_softmax_report *reports);

/* L-BFGS parameters from the options (memory, iterations, tol, ftol, progress). */
struct al_lbfgs_params;
extern void al_softmax_lbfgs_params(const al_softmax_options *opt,
									struct al_lbfgs_params *lp);

/*
 * Check n rows of d features x and their weights (NULL = all 1): every
 * weight finite and >= 0 and some > 0 (AL_SM_BAD_WEIGHT, AL_SM_NO_ROWS),
 * every feature finite (AL_SM_NONFINITE_X).
 */
extern al_sm_status al_softmax_validate_rows(const float *x, const double *weight,
											 int n, int d);

/*
 * How an L-BFGS run ended, as a fit report (iterations, evaluations,
 * objective, gradient norm, stop, converged) and a status: AL_SM_OK, or
 * AL_SM_CANCELLED / AL_SM_NUMERIC.  res is a struct al_lbfgs_result.
 */
struct al_lbfgs_result;
extern al_sm_status al_softmax_lbfgs_report(const struct al_lbfgs_result *res,
											al_softmax_report *rep);

/* Allocate/free through opt's hooks (malloc/free when opt or a hook is NULL). */
extern void *al_softmax_alloc(const al_softmax_options *opt, size_t size);
extern void al_softmax_free(const al_softmax_options *opt, void *ptr);

/*
 * Rows per block: block_rows_option if > 0, else as many as fit about 32 MB
 * of converted features and logits (d + k doubles a row), at most 2048;
 * never more than n (when n > 0).
 */
extern int	al_softmax_block_rows(int block_rows_option, int n, int d, int k);

/*
 * Convert count rows of x (d floats each) to doubles in out (count x d),
 * standardized when mean is not NULL.  rows selects the row numbers (NULL:
 * rows first .. first+count-1).
 */
extern void al_softmax_convert_rows(const float *x, int d, const int *rows,
									int first, int count, const double *mean,
									const double *scale, double *out);

/*
 * t[i] = exp(t[i]) for t[i] <= 0, vectorized, relative error within a few
 * ulp; inputs below -708 give 0.  Used for the trainer's softmax.
 */
extern void al_softmax_exp_inplace(double *t, size_t n);

#endif							/* AL_SOFTMAX_MODEL_H */
