/*
 * ridge.c - ridge regression declared in ridge.h: a streaming accumulator
 * of the shifted sums (BLAS dsyrk and dgemv), then an exact centering and a
 * Cholesky solve of (C + alpha I) w = c, C and c the centered X'X and X'y.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "al_blas.h"
#include "ridge.h"

/*
 * Allocate the accumulator's arrays (one block) for d features; the sums
 * start at 0.  alloc_fn and free_fn NULL mean malloc and free.
 */
al_ridge_status
al_ridge_acc_init(al_ridge_acc *acc, int d, void *(*alloc_fn) (size_t),
				  void (*free_fn) (void *))
{
	size_t		doubles;

	memset(acc, 0, sizeof(*acc));
	if (d < 1 || d > AL_RIDGE_MAX_FEATURES)
		return AL_RIDGE_BAD_DIM;
	doubles = (size_t) d * d + 3 * (size_t) d;
	acc->block = alloc_fn ? alloc_fn(doubles * sizeof(double)) : malloc(doubles * sizeof(double));
	if (acc->block == NULL)
		return AL_RIDGE_NO_MEMORY;
	memset(acc->block, 0, doubles * sizeof(double));
	acc->d = d;
	acc->free_fn = free_fn ? free_fn : free;
	acc->gram = (double *) acc->block;
	acc->shift = acc->gram + (size_t) d * d;
	acc->sum_x = acc->shift + d;
	acc->xty = acc->sum_x + d;
	return AL_RIDGE_OK;
}

/* Release the accumulator's arrays. */
void
al_ridge_acc_free(al_ridge_acc *acc)
{
	if (acc->block != NULL)
		acc->free_fn(acc->block);
	acc->block = NULL;
}

/*
 * Add `rows` rows: x is rows x d, row-major, y their targets; both are the
 * caller's scratch and are shifted in place (x - shift, y - yshift).  The
 * first row ever added sets the shift.  Values must be finite.
 */
al_ridge_status
al_ridge_acc_add(al_ridge_acc *acc, double *x, double *y, int rows)
{
	const al_blas_api *blas = al_blas_get();
	int			d = acc->d;

	if (blas == NULL)
		return AL_RIDGE_NO_BLAS;
	if (rows < 1)
		return AL_RIDGE_OK;
	if (acc->n == 0)
	{
		memcpy(acc->shift, x, sizeof(double) * d);
		acc->yshift = y[0];
	}
	for (int i = 0; i < rows; i++)
	{
		double	   *row = x + (size_t) i * d;

		for (int j = 0; j < d; j++)
		{
			row[j] -= acc->shift[j];
			acc->sum_x[j] += row[j];
		}
		y[i] -= acc->yshift;
		acc->sum_y += y[i];
	}
	blas->dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d, rows, 1.0, x, d,
				1.0, acc->gram, d);
	blas->dgemv(CblasRowMajor, CblasTrans, rows, d, 1.0, x, d, y, 1,
				1.0, acc->xty, 1);
	acc->n += rows;
	return AL_RIDGE_OK;
}

/* Doubles of work space al_ridge_solve needs for d features. */
size_t
al_ridge_work_doubles(int d)
{
	return (size_t) d * d + 3 * (size_t) d;
}

/*
 * Factor the symmetric positive definite d x d matrix a (upper triangle
 * given, row-major) in place as L L' (L in the lower triangle) and solve
 * L L' v = b in place.  Returns 0, or -1 when a pivot is not positive and
 * finite (the system is not numerically positive definite).
 */
static int
cholesky_solve(double *a, double *b, int d)
{
	/* mirror the upper triangle into the lower one */
	for (int i = 0; i < d; i++)
		for (int j = 0; j < i; j++)
			a[(size_t) i * d + j] = a[(size_t) j * d + i];
	for (int j = 0; j < d; j++)
	{
		double	   *rj = a + (size_t) j * d;
		double		pivot = rj[j];

		for (int k = 0; k < j; k++)
			pivot -= rj[k] * rj[k];
		if (!(pivot > 0.0) || !isfinite(pivot))
			return -1;
		pivot = sqrt(pivot);
		rj[j] = pivot;
		for (int i = j + 1; i < d; i++)
		{
			double	   *ri = a + (size_t) i * d;
			double		s = ri[j];

			for (int k = 0; k < j; k++)
				s -= ri[k] * rj[k];
			ri[j] = s / pivot;
		}
	}
	/* forward: L u = b, then backward: L' v = u */
	for (int i = 0; i < d; i++)
	{
		double		s = b[i];

		for (int k = 0; k < i; k++)
			s -= a[(size_t) i * d + k] * b[k];
		b[i] = s / a[(size_t) i * d + i];
	}
	for (int i = d - 1; i >= 0; i--)
	{
		double		s = b[i];

		for (int k = i + 1; k < d; k++)
			s -= a[(size_t) k * d + i] * b[k];
		b[i] = s / a[(size_t) i * d + i];
	}
	return 0;
}

/*
 * The centered system of the accumulated rows: a = C (upper triangle),
 * b = c, mean = the feature means relative to the shift.
 */
static void
centered_system(const al_ridge_acc *acc, double *a, double *b, double *mean)
{
	int			d = acc->d;
	double		n = (double) acc->n;

	for (int j = 0; j < d; j++)
		mean[j] = acc->sum_x[j] / n;
	for (int i = 0; i < d; i++)
	{
		for (int j = i; j < d; j++)
			a[(size_t) i * d + j] = acc->gram[(size_t) i * d + j] - n * mean[i] * mean[j];
		b[i] = acc->xty[i] - mean[i] * acc->sum_y;
	}
}

/*
 * Solve for the rows accumulated in acc: the coefficients (in the original
 * feature units) into fit->coef (d doubles) and the intercept.  work holds
 * al_ridge_work_doubles(d) doubles.  With standardize, the penalty is on
 * the coefficients of the standardized features, scale_j = sqrt(C_jj / n)
 * (1 where that is 0).
 */
al_ridge_status
al_ridge_solve(const al_ridge_acc *acc, double alpha, int standardize,
			   al_ridge_fit *fit, double *work)
{
	int			d = acc->d;
	double	   *a = work;
	double	   *b = a + (size_t) d * d;
	double	   *mean = b + d;
	double	   *scale = mean + d;
	double		intercept;

	if (!(alpha > 0.0) || !isfinite(alpha))
		return AL_RIDGE_BAD_ALPHA;
	if (acc->n < 2)
		return AL_RIDGE_TOO_FEW_ROWS;
	centered_system(acc, a, b, mean);
	for (int j = 0; j < d; j++)
	{
		double		var = a[(size_t) j * d + j] / (double) acc->n;

		scale[j] = standardize && var > 0.0 ? sqrt(var) : 1.0;
	}
	for (int i = 0; i < d; i++)
	{
		for (int j = i; j < d; j++)
			a[(size_t) i * d + j] /= scale[i] * scale[j];
		a[(size_t) i * d + i] += alpha;
		b[i] /= scale[i];
	}
	if (cholesky_solve(a, b, d) != 0)
		return AL_RIDGE_NUMERIC;
	intercept = acc->yshift + acc->sum_y / (double) acc->n;
	for (int j = 0; j < d; j++)
	{
		fit->coef[j] = b[j] / scale[j];
		intercept -= (acc->shift[j] + mean[j]) * fit->coef[j];
	}
	fit->intercept = intercept;
	for (int j = 0; j < d; j++)
		if (!isfinite(fit->coef[j]))
			return AL_RIDGE_NUMERIC;
	return isfinite(intercept) ? AL_RIDGE_OK : AL_RIDGE_NUMERIC;
}

/* A prediction: intercept + coef . x, in double. */
double
al_ridge_predict(const double *coef, double intercept, const double *x, int d)
{
	double		s = intercept;

	for (int j = 0; j < d; j++)
		s += coef[j] * x[j];
	return s;
}

/*
 * The ridge objective sum_i count_i (y_i - coef . x_i - b)^2
 * + alpha sum_j (coef_j scale_j)^2 of n float rows (count NULL: 1 each;
 * scale NULL: 1, else the standardized penalty), in double.
 */
double
al_ridge_objective(const float *x, const double *y, const double *count, int64_t n, int d,
				   double alpha, const double *scale, const double *coef, double intercept)
{
	double		sse = 0,
				pen = 0;

	for (int64_t i = 0; i < n; i++)
	{
		double		r = y[i] - intercept;

		if (count != NULL && count[i] == 0)
			continue;
		for (int j = 0; j < d; j++)
			r -= coef[j] * (double) x[(size_t) i * d + j];
		sse += (count ? count[i] : 1.0) * r * r;
	}
	for (int j = 0; j < d; j++)
	{
		double		c = coef[j] * (scale ? scale[j] : 1.0);

		pen += c * c;
	}
	return sse + alpha * pen;
}

/* Rows per block of al_ridge_fit_rows: at most 1024 and 8 MB of features. */
static int
fit_rows_block(int d)
{
	size_t		b = ((size_t) 8 << 20) / (sizeof(double) * (size_t) d);

	return (int) (b < 1 ? 1 : (b > 1024 ? 1024 : b));
}

/*
 * Ridge on n rows of d float features in memory, each row taken count[i]
 * times (count NULL: once; a bootstrap member's draw counts otherwise):
 * the rows stream through the accumulator a block at a time, then
 * al_ridge_solve.  coef gets d doubles; objective (if not NULL) the
 * value ||y - X coef - b||^2 + alpha ||coef||^2 (the standardized
 * coefficients' norm with standardize) over the counted rows.
 */
al_ridge_status
al_ridge_fit_rows(const float *x, const double *y, const double *count, int64_t n, int d,
				  double alpha, int standardize, void *(*alloc_fn) (size_t),
				  void (*free_fn) (void *), double *coef, double *intercept,
				  double *objective)
{
	al_ridge_acc acc;
	al_ridge_fit fit;
	al_ridge_status st;
	int			block = fit_rows_block(d),
				nb = 0;
	double	   *bx,
			   *by,
			   *work;

	if ((st = al_ridge_acc_init(&acc, d, alloc_fn, free_fn)) != AL_RIDGE_OK)
		return st;
	bx = (alloc_fn ? alloc_fn : malloc) (sizeof(double) * ((size_t) block * (d + 1) +
														  al_ridge_work_doubles(d)));
	if (bx == NULL)
	{
		al_ridge_acc_free(&acc);
		return AL_RIDGE_NO_MEMORY;
	}
	by = bx + (size_t) block * d;
	work = by + block;
	for (int64_t i = 0; i < n && st == AL_RIDGE_OK; i++)
	{
		int64_t		times = count ? (int64_t) count[i] : 1;

		for (int64_t t = 0; t < times && st == AL_RIDGE_OK; t++)
		{
			for (int j = 0; j < d; j++)
				bx[(size_t) nb * d + j] = x[(size_t) i * d + j];
			by[nb++] = y[i];
			if (nb == block)
			{
				st = al_ridge_acc_add(&acc, bx, by, nb);
				nb = 0;
			}
		}
	}
	if (st == AL_RIDGE_OK && nb > 0)
		st = al_ridge_acc_add(&acc, bx, by, nb);
	fit.coef = coef;
	if (st == AL_RIDGE_OK)
		st = al_ridge_solve(&acc, alpha, standardize, &fit, work);
	if (st == AL_RIDGE_OK)
	{
		*intercept = fit.intercept;
		if (objective != NULL)
			*objective = al_ridge_objective(x, y, count, n, d, alpha,
											standardize ? work + (size_t) d * d + 2 * (size_t) d : NULL,
											coef, fit.intercept);
	}
	(free_fn ? free_fn : free) (bx);
	al_ridge_acc_free(&acc);
	return st;
}
