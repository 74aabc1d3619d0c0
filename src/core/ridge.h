/*
 * ridge.h - ridge regression, scikit-learn's Ridge(alpha) objective, in
 * plain C on OpenBLAS:
 *
 *     minimize over w, b:  ||y - X w - b||^2 + alpha ||w||^2
 *
 * the intercept b not penalized (X and y are centered), optionally on
 * standardized features (each feature divided by its population standard
 * deviation, as scikit-learn's StandardScaler; a constant feature keeps
 * scale 1), the coefficients then given back in the original units.
 *
 * The rows stream through an accumulator, a block at a time, so memory is
 * O(d^2) whatever the row count: every row is shifted by the first row (a
 * provisional center, which keeps the sums of squares free of the
 * cancellation a large mean would cause), then X'X (dsyrk) and X'y (dgemv)
 * are summed in double.  The solve centers exactly, adds alpha to the
 * diagonal and factors the d x d system by Cholesky.  See doc/models.md,
 * "Ridge regression".
 *
 * No PostgreSQL header; every buffer comes from the allocator hooks.
 */
#ifndef AL_RIDGE_H
#define AL_RIDGE_H

#include <stddef.h>
#include <stdint.h>

/* The most features a ridge fit takes: its d x d system is 128 MB. */
#define AL_RIDGE_MAX_FEATURES 4096

typedef enum al_ridge_status
{
	AL_RIDGE_OK = 0,
	AL_RIDGE_NO_BLAS,			/* al_blas_load has not succeeded */
	AL_RIDGE_NO_MEMORY,			/* the allocator returned NULL */
	AL_RIDGE_BAD_DIM,			/* d < 1 or d > AL_RIDGE_MAX_FEATURES */
	AL_RIDGE_BAD_ALPHA,			/* alpha not a finite number > 0 */
	AL_RIDGE_TOO_FEW_ROWS,		/* fewer than 2 rows */
	AL_RIDGE_NUMERIC			/* the sums or the solution are not finite */
} al_ridge_status;

/* The sums of the rows seen so far. */
typedef struct al_ridge_acc
{
	int			d;
	int64_t		n;				/* rows added */
	double	   *shift;			/* d: the first row's features */
	double		yshift;			/* the first row's target */
	double	   *sum_x;			/* d: sum of x - shift */
	double		sum_y;			/* sum of y - yshift */
	double	   *gram;			/* d x d: sum of (x - shift)(x - shift)',
								 * upper triangle, row-major */
	double	   *xty;			/* d: sum of (x - shift)(y - yshift) */
	void		(*free_fn) (void *ptr);
	void	   *block;			/* the allocation holding the arrays */
} al_ridge_acc;

/* A fitted model: prediction is intercept + coef . x. */
typedef struct al_ridge_fit
{
	double		intercept;
	double	   *coef;			/* d, the caller's buffer */
} al_ridge_fit;

extern al_ridge_status al_ridge_acc_init(al_ridge_acc *acc, int d,
										 void *(*alloc_fn) (size_t),
										 void (*free_fn) (void *));
extern void al_ridge_acc_free(al_ridge_acc *acc);
extern al_ridge_status al_ridge_acc_add(al_ridge_acc *acc, double *x,
										double *y, int rows);
extern al_ridge_status al_ridge_solve(const al_ridge_acc *acc, double alpha,
									  int standardize, al_ridge_fit *fit,
									  double *work);
extern size_t al_ridge_work_doubles(int d);
/*
 * Ridge on n rows of d float features in memory (a stored model's
 * training rows), row i taken count[i] times (count NULL: once each; a
 * bootstrap member's draw counts): coef gets d doubles, *intercept the
 * intercept, *objective (if not NULL) the objective at them.
 */
extern al_ridge_status al_ridge_fit_rows(const float *x, const double *y,
										 const double *count, int64_t n, int d,
										 double alpha, int standardize,
										 void *(*alloc_fn) (size_t),
										 void (*free_fn) (void *),
										 double *coef, double *intercept,
										 double *objective);
/*
 * sum_i count_i (y_i - coef . x_i - intercept)^2 + alpha sum_j (coef_j
 * scale_j)^2 (count NULL: 1 each; scale NULL: 1 each).
 */
extern double al_ridge_objective(const float *x, const double *y,
								 const double *count, int64_t n, int d,
								 double alpha, const double *scale,
								 const double *coef, double intercept);
extern double al_ridge_predict(const double *coef, double intercept,
							   const double *x, int d);

#endif							/* AL_RIDGE_H */
