/*
 * test_ovr.c - unit tests of the one-vs-rest logistic trainer
 * (src/core/ovr_model.c) and of ridge over rows in memory with bootstrap
 * counts (al_ridge_fit_rows, src/core/ridge.c).
 *
 * One-vs-rest against independent computations: each label's binary
 * logistic regression fitted here by Newton's method in long double (the
 * exact minimum of BCE + ||w||^2 / (2c), intercept unpenalized), the
 * objective recomputed here with plain loops, and its gradient against
 * central finite differences.  Also: the joint fit equals fits of each
 * label alone, constant labels, committees (a member is the fit on its
 * bootstrap weights), standardization, prediction, and every error status.
 * Ridge from rows: counts equal repeated rows, and the gradient of the
 * objective is zero at the fit.
 */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>

#include "al_blas.h"
#include "ovr_model.h"
#include "ridge.h"
#include "unit.h"
#include "unit_solve.h"

#define N 80
#define D 4
#define K 3

static float xs[N * D];
static unsigned char ys[N * K];

/* A deterministic pseudo-random number in [0, 1). */
static double
urand(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double) (*s >> 11) / 9007199254740992.0;
}

/* Rows with labels drawn from a noisy linear rule per label. */
static void
make_data(void)
{
	uint64_t	s = 42;

	for (int i = 0; i < N; i++)
	{
		for (int j = 0; j < D; j++)
			xs[i * D + j] = (float) (4 * urand(&s) - 2);
		for (int c = 0; c < K; c++)
		{
			double		z = (c + 1) * xs[i * D + c] - 0.5 * xs[i * D + (c + 1) % D] + 0.3 * c;

			ys[i * K + c] = (z + 1.5 * (urand(&s) - 0.5) > 0);
		}
	}
}

/*
 * Reference: the binary logistic fit of label c with row weights w (NULL =
 * 1) by Newton's method in long double: coef (d) and *b.
 */
static void
newton_fit(const float *x, const unsigned char *y, const double *w, int n, int d, int k,
		   int c, double cc, double *coef, double *b)
{
	int			p = d + 1;
	long double th[D + 1] = {0};
	long double m[(D + 1) * (D + 1)];
	long double r[D + 1];

	for (int it = 0; it < 50; it++)
	{
		for (int a = 0; a < p * p; a++)
			m[a] = 0;
		for (int a = 0; a < p; a++)
			r[a] = 0;
		for (int i = 0; i < n; i++)
		{
			long double z = th[d],
						s,
						wi = w ? w[i] : 1.0;

			if (wi == 0)
				continue;
			for (int j = 0; j < d; j++)
				z += th[j] * x[i * d + j];
			s = 1.0L / (1.0L + expl(-z));
			for (int a = 0; a < p; a++)
			{
				long double xa = a < d ? x[i * d + a] : 1.0L;

				r[a] += wi * (s - y[i * k + c]) * xa;
				for (int e = 0; e < p; e++)
					m[a * p + e] += wi * s * (1 - s) * xa * (e < d ? x[i * d + e] : 1.0L);
			}
		}
		for (int j = 0; j < d; j++)
		{
			r[j] += th[j] / cc;
			m[j * p + j] += 1.0L / cc;
		}
		gauss_solve(m, r, p);
		for (int a = 0; a < p; a++)
			th[a] -= r[a];
	}
	for (int j = 0; j < d; j++)
		coef[j] = (double) th[j];
	*b = (double) th[d];
}

/* The objective recomputed with plain loops (labels of finite intercept). */
static double
plain_objective(const al_softmax_model *m, const float *x, const unsigned char *y, int n, double cc)
{
	long double f = 0;

	for (int c = 0; c < m->k; c++)
	{
		if (!isfinite(m->intercept[c]))
			continue;
		for (int i = 0; i < n; i++)
		{
			long double z = m->intercept[c];

			for (int j = 0; j < m->d; j++)
				z += m->coef[c * m->d + j] * (long double) x[i * m->d + j];
			f += log1pl(expl(-fabsl(z))) + (z > 0 ? z : 0) - y[i * m->k + c] * z;
		}
		for (int j = 0; j < m->d; j++)
			f += m->coef[c * m->d + j] * m->coef[c * m->d + j] / (2 * cc);
	}
	return (double) f;
}

/* Options: tight tolerances so fits are close to the exact minimum. */
static void
tight(al_softmax_options *opt, double c)
{
	al_softmax_options_init(opt);
	opt->c = c;
	opt->tol = 1e-7;
	opt->ftol = 0;
	opt->max_iter = 1000;
}

/* The joint fit against per-label Newton fits, the objective and its gradient. */
static void
test_reference(void)
{
	al_ovr_data data = {xs, ys, NULL, N, D, K};
	al_softmax_options opt;
	al_softmax_model m;
	al_softmax_report rep;
	double		coef[D],
				b,
				f,
				grad[K * (D + 1)],
				maxdiff = 0,
				gmax = 0;

	tight(&opt, 0.7);
	UNIT_CHECK(al_ovr_fit(&data, &opt, 0, &m, &rep) == AL_SM_OK, "ovr fit");
	UNIT_CHECK(rep.converged && rep.classes_present == K, "converged on every label");
	for (int c = 0; c < K; c++)
	{
		newton_fit(xs, ys, NULL, N, D, K, c, 0.7, coef, &b);
		for (int j = 0; j < D; j++)
			maxdiff = fmax(maxdiff, fabs(coef[j] - m.coef[c * D + j]));
		maxdiff = fmax(maxdiff, fabs(b - m.intercept[c]));
	}
	UNIT_CLOSE(maxdiff, 0, 1e-6, "each label = its own binary logistic fit (Newton, long double)");
	UNIT_CHECK(al_ovr_objective(&data, &opt, &m, &f, grad) == AL_SM_OK, "objective at the fit");
	UNIT_CLOSE(f, plain_objective(&m, xs, ys, N, 0.7), 1e-9 * fabs(f), "objective = plain loops");
	UNIT_CLOSE(f, rep.objective, 1e-9 * fabs(f), "reported objective");
	for (int t = 0; t < K * (D + 1); t++)
		gmax = fmax(gmax, fabs(grad[t]));
	UNIT_CHECK(gmax <= 1e-7, "gradient ~0 at the fit");

	/* finite differences of the objective at a point away from the minimum */
	{
		double		fd_err = 0;

		for (int t = 0; t < K * D; t++)
			m.coef[t] += 0.1 * ((t % 3) - 1);
		al_ovr_objective(&data, &opt, &m, &f, grad);
		for (int t = 0; t < K * (D + 1); t++)
		{
			double	   *v = t < K * D ? &m.coef[t] : &m.intercept[t - K * D];
			double		save = *v,
						fp,
						fm,
						h = 1e-5;

			*v = save + h;
			al_ovr_objective(&data, &opt, &m, &fp, NULL);
			*v = save - h;
			al_ovr_objective(&data, &opt, &m, &fm, NULL);
			*v = save;
			fd_err = fmax(fd_err, fabs((fp - fm) / (2 * h) - grad[t]));
		}
		UNIT_CLOSE(fd_err, 0, 1e-5, "gradient = central differences");
	}
	al_softmax_model_free(&m, NULL);
}

/* Fitting all labels at once equals fitting each alone. */
static void
test_separable(void)
{
	al_softmax_options opt;
	al_softmax_model all,
				one;
	unsigned char y1[N];
	al_ovr_data data = {xs, ys, NULL, N, D, K};
	al_ovr_data d1 = {xs, y1, NULL, N, D, 1};
	double		maxdiff = 0;

	tight(&opt, 2.0);
	al_ovr_fit(&data, &opt, 0, &all, NULL);
	for (int c = 0; c < K; c++)
	{
		for (int i = 0; i < N; i++)
			y1[i] = ys[i * K + c];
		UNIT_CHECK(al_ovr_fit(&d1, &opt, 0, &one, NULL) == AL_SM_OK, "one label alone");
		for (int j = 0; j < D; j++)
			maxdiff = fmax(maxdiff, fabs(one.coef[j] - all.coef[c * D + j]));
		maxdiff = fmax(maxdiff, fabs(one.intercept[0] - all.intercept[c]));
		al_softmax_model_free(&one, NULL);
	}
	UNIT_CLOSE(maxdiff, 0, 1e-6, "joint fit = per-label fits");
	al_softmax_model_free(&all, NULL);
}

/* Labels never or always present: intercept -inf / +inf, the rest unchanged. */
static void
test_constant_labels(void)
{
	unsigned char y4[N * 4];
	al_ovr_data d4 = {xs, y4, NULL, N, D, 4};
	al_ovr_data d1 = {xs, NULL, NULL, N, D, 1};
	unsigned char y1[N];
	al_softmax_options opt;
	al_softmax_model m,
				one;
	al_softmax_report rep;
	double		p[4];

	for (int i = 0; i < N; i++)
	{
		y4[i * 4 + 0] = 0;
		y4[i * 4 + 1] = ys[i * K + 1];
		y4[i * 4 + 2] = 1;
		y4[i * 4 + 3] = 0;
		y1[i] = ys[i * K + 1];
	}
	d1.y = y1;
	tight(&opt, 1.0);
	UNIT_CHECK(al_ovr_fit(&d4, &opt, 0, &m, &rep) == AL_SM_OK && rep.classes_present == 1,
			   "constant labels: one label optimized");
	UNIT_CHECK(m.intercept[0] == -INFINITY && m.intercept[2] == INFINITY &&
			   m.intercept[3] == -INFINITY, "never: -inf, always: +inf");
	al_ovr_fit(&d1, &opt, 0, &one, NULL);
	UNIT_CLOSE(m.intercept[1], one.intercept[0], 1e-8, "the varying label as if alone");
	al_ovr_predict_row(&m, xs, p);
	UNIT_CHECK(p[0] == 0.0 && p[2] == 1.0 && p[3] == 0.0 && p[1] > 0 && p[1] < 1,
			   "constant labels predict exactly 0 and 1");
	al_softmax_model_free(&one, NULL);
	al_softmax_model_free(&m, NULL);
	/* every label constant: nothing to optimize */
	for (int i = 0; i < N; i++)
		y1[i] = 1;
	UNIT_CHECK(al_ovr_fit(&d1, &opt, 0, &one, &rep) == AL_SM_OK && rep.stop == AL_SM_STOP_TRIVIAL &&
			   one.intercept[0] == INFINITY, "all labels constant: trivial fit");
	al_softmax_model_free(&one, NULL);
}

/* A committee member is the plain fit on its bootstrap weights; prediction is the mean. */
static void
test_committee(void)
{
	al_ovr_data data = {xs, ys, NULL, N, D, K};
	al_softmax_options opt,
				plain;
	al_softmax_model ms[3],
				ref;
	double		ew[N],
				maxdiff = 0,
				p[K],
				q[K],
				scratch[K],
				mean[K] = {0};
	int			pos[N];
	const double *w;

	tight(&opt, 1.0);
	opt.members = 3;
	opt.seed = 7;
	UNIT_CHECK(al_ovr_fit_committee(&data, &opt, ms, NULL) == AL_SM_OK, "committee of 3");
	w = al_softmax_member_weights(NULL, N, &opt, 2, ew, pos);
	plain = opt;
	plain.members = 1;
	data.weight = w;
	al_ovr_fit(&data, &plain, 0, &ref, NULL);
	for (int t = 0; t < K * D; t++)
		maxdiff = fmax(maxdiff, fabs(ref.coef[t] - ms[2].coef[t]));
	UNIT_CLOSE(maxdiff, 0, 1e-7, "member 2 = fit on its bootstrap counts");
	al_ovr_committee_predict_row(ms, 3, xs + 5 * D, p, scratch);
	for (int i = 0; i < 3; i++)
	{
		al_ovr_predict_row(&ms[i], xs + 5 * D, q);
		for (int c = 0; c < K; c++)
			mean[c] += q[c] / 3;
	}
	UNIT_CLOSE(p[0] + p[1] + p[2], mean[0] + mean[1] + mean[2], 1e-12, "committee = members' mean");
	for (int i = 0; i < 3; i++)
		al_softmax_model_free(&ms[i], NULL);
	al_softmax_model_free(&ref, NULL);
}

/* Standardized: the same minimum in the standardized space; predictions by sigmoid. */
static void
test_standardize_predict(void)
{
	al_ovr_data data = {xs, ys, NULL, N, D, K};
	al_softmax_options opt;
	al_softmax_model m;
	double		p[K],
				coef[K * D],
				b[K],
				z;
	float		xstd[N * D];

	tight(&opt, 0.5);
	opt.standardize = 1;
	UNIT_CHECK(al_ovr_fit(&data, &opt, 0, &m, NULL) == AL_SM_OK && m.standardized, "standardized fit");
	for (int i = 0; i < N * D; i++)
		xstd[i] = (float) ((xs[i] - m.mean[i % D]) / m.scale[i % D]);
	newton_fit(xstd, ys, NULL, N, D, K, 1, 0.5, coef, b);
	UNIT_CLOSE(m.coef[1 * D + 2], coef[2], 1e-5, "standardized coefficient = Newton on standardized rows");
	al_ovr_predict_row(&m, xs + 3 * D, p);
	al_softmax_to_original(&m, coef, b);
	z = b[0];
	for (int j = 0; j < D; j++)
		z += coef[j] * xs[3 * D + j];
	UNIT_CLOSE(p[0], 1 / (1 + exp(-z)), 1e-12, "prediction = sigmoid of the original-space logit");
	UNIT_CHECK(al_ovr_sigmoid(INFINITY) == 1.0 && al_ovr_sigmoid(-INFINITY) == 0.0 &&
			   al_ovr_sigmoid(-800) >= 0 && al_ovr_sigmoid(0) == 0.5, "sigmoid at the extremes");
	al_softmax_model_free(&m, NULL);
}

/* Every error status of the validator. */
static void
test_errors(void)
{
	unsigned char bad[N * K];
	float		xn[N * D];
	double		w[N];
	al_ovr_data data = {xs, ys, NULL, N, D, K};
	al_softmax_model m;
	al_softmax_options opt;

	UNIT_CHECK(al_ovr_fit(&data, NULL, 0, NULL, NULL) == AL_SM_NULL_ARG, "NULL model");
	data.y = NULL;
	UNIT_CHECK(al_ovr_fit(&data, NULL, 0, &m, NULL) == AL_SM_NULL_ARG, "NULL labels");
	data.y = ys;
	data.k = 0;
	UNIT_CHECK(al_ovr_fit(&data, NULL, 0, &m, NULL) == AL_SM_BAD_CLASSES, "no labels");
	data.k = K;
	data.n = 0;
	UNIT_CHECK(al_ovr_fit(&data, NULL, 0, &m, NULL) == AL_SM_NO_ROWS, "no rows");
	data.n = N;
	memcpy(bad, ys, sizeof(bad));
	bad[7] = 2;
	data.y = bad;
	UNIT_CHECK(al_ovr_fit(&data, NULL, 0, &m, NULL) == AL_SM_BAD_LABEL, "a label not 0/1");
	data.y = ys;
	memcpy(xn, xs, sizeof(xn));
	xn[9] = NAN;
	data.x = xn;
	UNIT_CHECK(al_ovr_fit(&data, NULL, 0, &m, NULL) == AL_SM_NONFINITE_X, "a NaN feature");
	data.x = xs;
	for (int i = 0; i < N; i++)
		w[i] = 0;
	data.weight = w;
	UNIT_CHECK(al_ovr_fit(&data, NULL, 0, &m, NULL) == AL_SM_NO_ROWS, "no positive weight");
	w[0] = -1;
	UNIT_CHECK(al_ovr_fit(&data, NULL, 0, &m, NULL) == AL_SM_BAD_WEIGHT, "a negative weight");
	data.weight = NULL;
	al_softmax_options_init(&opt);
	opt.c = 0;
	UNIT_CHECK(al_ovr_fit(&data, &opt, 0, &m, NULL) == AL_SM_BAD_C, "c = 0");
	al_softmax_options_init(&opt);
	alloc_fail_after = 0;
	opt.alloc_fn = count_alloc;
	opt.free_fn = count_free;
	UNIT_CHECK(al_ovr_fit(&data, &opt, 0, &m, NULL) == AL_SM_NO_MEMORY, "out of memory");
	alloc_fail_after = 1;
	alloc_count = free_count = 0;
	UNIT_CHECK(al_ovr_fit(&data, &opt, 0, &m, NULL) == AL_SM_NO_MEMORY &&
			   alloc_count == free_count, "out of memory later: nothing leaked");
	alloc_fail_after = -1;
}

/* Ridge over rows with bootstrap counts. */
static void
test_ridge_rows(void)
{
	double		y[N],
				cnt[N],
				yrep[3 * N],
				coef[D],
				coef2[D],
				b,
				b2,
				f,
				f2,
				g[D + 1] = {0};
	float		xrep[3 * N * D];
	int			nrep = 0;
	uint64_t	s = 9;

	for (int i = 0; i < N; i++)
	{
		y[i] = 1.5 * xs[i * D] - 2 * xs[i * D + 3] + 0.25 + (urand(&s) - 0.5);
		cnt[i] = (double) (i % 3);
		for (int t = 0; t < i % 3; t++, nrep++)
		{
			memcpy(xrep + nrep * D, xs + i * D, D * sizeof(float));
			yrep[nrep] = y[i];
		}
	}
	UNIT_CHECK(al_ridge_fit_rows(xs, y, cnt, N, D, 0.8, 0, NULL, NULL, coef, &b, &f) == AL_RIDGE_OK,
			   "ridge on counted rows");
	al_ridge_fit_rows(xrep, yrep, NULL, nrep, D, 0.8, 0, NULL, NULL, coef2, &b2, &f2);
	UNIT_CLOSE(coef[0], coef2[0], 1e-10, "counts = repeated rows (coef)");
	UNIT_CLOSE(b, b2, 1e-10, "counts = repeated rows (intercept)");
	UNIT_CLOSE(f, f2, 1e-9 * f2, "counts = repeated rows (objective)");
	/* the gradient of the objective, in long double, vanishes at the fit */
	for (int i = 0; i < nrep; i++)
	{
		long double r = yrep[i] - b;

		for (int j = 0; j < D; j++)
			r -= coef[j] * (long double) xrep[i * D + j];
		for (int j = 0; j < D; j++)
			g[j] += (double) (-2 * r * xrep[i * D + j]);
		g[D] += (double) (-2 * r);
	}
	for (int j = 0; j < D; j++)
		g[j] += 2 * 0.8 * coef[j];
	UNIT_CLOSE(fabs(g[0]) + fabs(g[1]) + fabs(g[2]) + fabs(g[3]) + fabs(g[4]), 0, 1e-8,
			   "ridge gradient ~0 at the fit");
	UNIT_CHECK(al_ridge_fit_rows(xs, y, NULL, 1, D, 0.8, 0, NULL, NULL, coef, &b, NULL) ==
			   AL_RIDGE_TOO_FEW_ROWS, "one row: too few");
}

int
main(void)
{
	char		err[256];
	al_ovr_data data = {xs, ys, NULL, N, D, K};
	al_softmax_model m;

	make_data();
	UNIT_CHECK(al_ovr_fit(&data, NULL, 0, &m, NULL) == AL_SM_NO_BLAS, "no BLAS loaded: refused");
	if (al_blas_load(NULL, "auto", err, sizeof(err)) != 0)
	{
		printf("not ok - BLAS loads: %s\n", err);
		return unit_done() | 1;
	}
	test_reference();
	test_separable();
	test_constant_labels();
	test_committee();
	test_standardize_predict();
	test_errors();
	test_ridge_rows();
	return unit_done();
}
