/*
 * test_ridge.c - unit tests of ridge regression (src/core/ridge.c): a hand
 * value, then random problems against the closed form solved here
 * independently: the normal equations of the (d + 1)-column design [X 1]
 * with alpha on the diagonal of the d feature rows only (the intercept
 * unpenalized), built from the raw rows and solved by Gaussian elimination
 * with partial pivoting in long double.  Standardized fits against the same
 * solve on features standardized here (population standard deviation),
 * converted back.  Also: rows in blocks of any size give the same fit, a
 * large offset, a constant feature, and every error status.
 */
#include <float.h>
#include <stdlib.h>

#include "al_blas.h"
#include "ridge.h"
#include "unit.h"
#include "unit_solve.h"

/*
 * The reference fit of n rows x (n x d) and y: normal equations of [X 1]
 * with alpha added to the d feature diagonal entries; coef (d) and *b.
 */
static void
reference_fit(const double *x, const double *y, int n, int d, double alpha,
			  double *coef, double *b)
{
	int			p = d + 1;
	long double *m = calloc((size_t) p * p, sizeof(long double));
	long double *r = calloc(p, sizeof(long double));

	for (int i = 0; i < n; i++)
		for (int j = 0; j < p; j++)
		{
			long double zj = j < d ? x[i * d + j] : 1.0L;

			r[j] += zj * y[i];
			for (int k = 0; k < p; k++)
				m[j * p + k] += zj * (k < d ? x[i * d + k] : 1.0L);
		}
	for (int j = 0; j < d; j++)
		m[j * p + j] += alpha;
	gauss_solve(m, r, p);
	for (int j = 0; j < d; j++)
		coef[j] = (double) r[j];
	*b = (double) r[d];
	free(m);
	free(r);
}

/*
 * Fit with the kernel, the rows added in blocks of block_rows (copied: the
 * kernel shifts its input in place).  Returns the status.
 */
static al_ridge_status
kernel_fit(const double *x, const double *y, int n, int d, double alpha,
		   int standardize, int block_rows, double *coef, double *b)
{
	al_ridge_acc acc;
	al_ridge_fit fit = {0, coef};
	double	   *bx = malloc(sizeof(double) * (size_t) block_rows * d);
	double	   *by = malloc(sizeof(double) * block_rows);
	double	   *work = malloc(sizeof(double) * al_ridge_work_doubles(d));
	al_ridge_status st = al_ridge_acc_init(&acc, d, NULL, NULL);

	for (int i = 0; st == AL_RIDGE_OK && i < n; i += block_rows)
	{
		int			rows = n - i < block_rows ? n - i : block_rows;

		memcpy(bx, x + (size_t) i * d, sizeof(double) * rows * d);
		memcpy(by, y + i, sizeof(double) * rows);
		st = al_ridge_acc_add(&acc, bx, by, rows);
	}
	if (st == AL_RIDGE_OK)
		st = al_ridge_solve(&acc, alpha, standardize, &fit, work);
	*b = fit.intercept;
	al_ridge_acc_free(&acc);
	free(bx);
	free(by);
	free(work);
	return st;
}

/* The largest |a_j - b_j| relative to max(1, |b_j|), intercepts included. */
static double
max_rel_diff(const double *a, double ab, const double *b, double bb, int d)
{
	double		worst = fabs(ab - bb) / fmax(1.0, fabs(bb));

	for (int j = 0; j < d; j++)
		worst = fmax(worst, fabs(a[j] - b[j]) / fmax(1.0, fabs(b[j])));
	return worst;
}

/* x = (0, 1, 2), y = (1, 3, 5), alpha 1: w = Sxy / (Sxx + 1) = 4 / 3, b = 3 - w. */
static void
test_hand_value(void)
{
	double		x[] = {0, 1, 2};
	double		y[] = {1, 3, 5};
	double		w,
				b;

	UNIT_CHECK(kernel_fit(x, y, 3, 1, 1.0, 0, 3, &w, &b) == AL_RIDGE_OK, "hand: fits");
	UNIT_CLOSE(w, 4.0 / 3.0, 1e-15, "hand: w = 4 / 3");
	UNIT_CLOSE(b, 5.0 / 3.0, 1e-15, "hand: b = 5 / 3");
	/* standardized, sigma = sqrt(2/3), z = (x - 1) / sigma: Szz = 3, Szy = 4 / sigma,
	 * w_z = Szy / (3 + 1), w = w_z / sigma = 1.5, b = 3 - 1.5 */
	UNIT_CHECK(kernel_fit(x, y, 3, 1, 1.0, 1, 2, &w, &b) == AL_RIDGE_OK, "hand standardized: fits");
	UNIT_CLOSE(w, (4.0 / sqrt(2.0 / 3.0)) / 4.0 / sqrt(2.0 / 3.0), 1e-15, "hand standardized: w = 1.5");
	UNIT_CLOSE(b, 3.0 - 1.5, 1e-15, "hand standardized: b = 1.5");
	UNIT_CLOSE(al_ridge_predict(&w, b, (double[]) {2.0}, 1), 4.5, 1e-15, "predict at x = 2: 4.5");
}

/* Random problems against the reference, raw and standardized. */
static void
test_random(void)
{
	int			sizes[][2] = {{5, 1}, {40, 3}, {200, 8}, {7, 12}, {1000, 30}};
	int			worst_raw = 0,
				worst_std = 0,
				worst_blocks = 0;

	srand(11);
	for (size_t t = 0; t < sizeof(sizes) / sizeof(sizes[0]); t++)
	{
		int			n = sizes[t][0],
					d = sizes[t][1];
		double	   *x = malloc(sizeof(double) * n * d);
		double	   *z = malloc(sizeof(double) * n * d);
		double	   *y = malloc(sizeof(double) * n);
		double	   *w = malloc(sizeof(double) * d);
		double	   *w2 = malloc(sizeof(double) * d);
		double	   *ref = malloc(sizeof(double) * d);
		double		b,
					b2,
					rb;

		for (int i = 0; i < n * d; i++)
			x[i] = (double) rand() / RAND_MAX * (1 + i % d) * 3 - 1 + (i % d) * 10;
		for (int i = 0; i < n; i++)
		{
			y[i] = 2.0 + (double) rand() / RAND_MAX;
			for (int j = 0; j < d; j++)
				y[i] += (j % 3 - 1) * 0.7 * x[i * d + j];
		}
		for (double alpha = 0.01; alpha < 200; alpha *= 31.6)
		{
			reference_fit(x, y, n, d, alpha, ref, &rb);
			kernel_fit(x, y, n, d, alpha, 0, n, w, &b);
			worst_raw += max_rel_diff(w, b, ref, rb, d) > 1e-9;
			kernel_fit(x, y, n, d, alpha, 0, 3, w2, &b2);
			worst_blocks += max_rel_diff(w2, b2, w, b, d) > 1e-10;

			/* standardized: the reference on z = (x - mean) / sd */
			for (int j = 0; j < d; j++)
			{
				long double m = 0,
							v = 0;

				for (int i = 0; i < n; i++)
					m += x[i * d + j];
				m /= n;
				for (int i = 0; i < n; i++)
					v += (x[i * d + j] - m) * (x[i * d + j] - m);
				v = sqrtl(v / n);
				for (int i = 0; i < n; i++)
					z[i * d + j] = (double) ((x[i * d + j] - m) / v);
				ref[j] = (double) m;	/* the mean, for now */
				w2[j] = (double) v; /* the sd */
			}
			{
				double	   *rz = malloc(sizeof(double) * d);
				double		rzb;

				reference_fit(z, y, n, d, alpha, rz, &rzb);
				for (int j = 0; j < d; j++)
				{
					rzb -= rz[j] * ref[j] / w2[j];
					rz[j] /= w2[j];
				}
				kernel_fit(x, y, n, d, alpha, 1, 64, w, &b);
				worst_std += max_rel_diff(w, b, rz, rzb, d) > 1e-9;
				free(rz);
			}
		}
		free(x);
		free(z);
		free(y);
		free(w);
		free(w2);
		free(ref);
	}
	UNIT_CHECK(worst_raw == 0, "random problems: the reference's coefficients and intercept (1e-9)");
	UNIT_CHECK(worst_blocks == 0, "random problems: blocks of 3 rows give the one-block fit (1e-10)");
	UNIT_CHECK(worst_std == 0, "random problems, standardized: the reference on standardized features");
}

/*
 * Features around 1e8 with a spread of 1: the shift keeps the sums exact
 * enough for the reference computed on centered values.
 */
static void
test_offset_and_constant(void)
{
	double		x[60],
				xc[60],
				y[30],
				w[2],
				ref[2],
				b,
				rb;

	for (int i = 0; i < 30; i++)
	{
		x[2 * i] = 1e8 + sin(i * 1.7);
		x[2 * i + 1] = 5.0;		/* constant */
		xc[2 * i] = sin(i * 1.7);
		xc[2 * i + 1] = 0.0;
		y[i] = 3 * sin(i * 1.7) + cos(i);
	}
	UNIT_CHECK(kernel_fit(x, y, 30, 2, 0.5, 0, 7, w, &b) == AL_RIDGE_OK, "offset 1e8: fits");
	reference_fit(xc, y, 30, 2, 0.5, ref, &rb);
	UNIT_CLOSE(w[0], ref[0], 1e-9, "offset 1e8: the slope of the centered problem");
	UNIT_CHECK(w[1] == 0.0, "a constant feature gets coefficient 0");
	UNIT_CLOSE(b + w[0] * 1e8, rb, 1e-6, "offset 1e8: the intercept moves with the offset");
	UNIT_CHECK(kernel_fit(x, y, 30, 2, 0.5, 1, 30, w, &b) == AL_RIDGE_OK && w[1] == 0.0,
			   "standardized: a constant feature keeps scale 1 and coefficient 0");
}

/* Every status. */
static void
test_errors(void)
{
	double		x[4] = {1, 2, 3, 4},
				y[4] = {1, 2, 3, 5},
				w[2],
				b;
	double		big[4] = {1e200, -1e200, 3e200, 1},
				bigy[2] = {1, 2};
	al_ridge_acc acc;

	UNIT_CHECK(al_ridge_acc_init(&acc, 0, NULL, NULL) == AL_RIDGE_BAD_DIM, "d = 0");
	UNIT_CHECK(al_ridge_acc_init(&acc, AL_RIDGE_MAX_FEATURES + 1, NULL, NULL) == AL_RIDGE_BAD_DIM,
			   "d above the maximum");
	alloc_fail_after = 0;
	UNIT_CHECK(al_ridge_acc_init(&acc, 2, count_alloc, count_free) == AL_RIDGE_NO_MEMORY, "allocation fails");
	alloc_fail_after = -1;
	UNIT_CHECK(kernel_fit(x, y, 4, 1, 0.0, 0, 4, w, &b) == AL_RIDGE_BAD_ALPHA, "alpha 0");
	UNIT_CHECK(kernel_fit(x, y, 4, 1, -1.0, 0, 4, w, &b) == AL_RIDGE_BAD_ALPHA, "alpha -1");
	UNIT_CHECK(kernel_fit(x, y, 4, 1, NAN, 0, 4, w, &b) == AL_RIDGE_BAD_ALPHA, "alpha NaN");
	UNIT_CHECK(kernel_fit(x, y, 4, 1, INFINITY, 0, 4, w, &b) == AL_RIDGE_BAD_ALPHA, "alpha Infinity");
	UNIT_CHECK(kernel_fit(x, y, 1, 1, 1.0, 0, 1, w, &b) == AL_RIDGE_TOO_FEW_ROWS, "one row");
	UNIT_CHECK(kernel_fit(x, y, 0, 1, 1.0, 0, 1, w, &b) == AL_RIDGE_TOO_FEW_ROWS, "no row");
	UNIT_CHECK(kernel_fit(big, bigy, 2, 2, 1.0, 0, 2, w, &b) == AL_RIDGE_NUMERIC,
			   "sums past double's range: numeric");
}

int
main(void)
{
	char		err[256];
	al_ridge_acc acc;
	double		x[2] = {1, 2},
				y[2] = {1, 2};

	UNIT_CHECK(al_ridge_acc_init(&acc, 1, NULL, NULL) == AL_RIDGE_OK &&
			   al_ridge_acc_add(&acc, x, y, 2) == AL_RIDGE_NO_BLAS, "no BLAS loaded: refused");
	al_ridge_acc_free(&acc);
	if (al_blas_load(NULL, "auto", err, sizeof(err)) != 0)
	{
		printf("not ok - BLAS loads: %s\n", err);
		return unit_done() | 1;
	}
	test_hand_value();
	test_random();
	test_offset_and_constant();
	test_errors();
	return unit_done();
}
