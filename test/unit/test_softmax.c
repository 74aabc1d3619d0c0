/*
 * test_softmax.c - unit tests of the softmax-regression trainer and
 * predictors: gradient checks, convergence, closed-form optima,
 * separability, determinism, committees, predictors, metrics and every
 * validation status.  Reference values are computed here independently
 * (naive loops in double) from the documented formulas.
 */
#include "al_blas.h"
#include "al_rng.h"
#include "softmax_model.h"
#include "softmax_ref.h"
#include "unit.h"

#include <float.h>
#include <limits.h>
#include <stdlib.h>

/* A generated data set (owned by the test). */
typedef struct tdata
{
	float	   *x;
	int		   *y;
	double	   *w;
	al_softmax_data d;
} tdata;

/*
 * Gaussian mixture: k class means with features N(0, sep^2), rows of a
 * uniform class, features = mean + N(0, 1).  Weights (if with_w) are
 * uniform in [0, 3) with about one row in eight of weight 0.
 */
static void
make_mixture(tdata *t, int n, int d, int k, double sep, uint64_t seed,
			 int with_w)
{
	al_rng		r;
	double	   *mu = malloc(sizeof(double) * k * d);
	int			i,
				j;

	al_rng_seed(&r, seed);
	t->x = malloc(sizeof(float) * n * d);
	t->y = malloc(sizeof(int) * n);
	t->w = with_w ? malloc(sizeof(double) * n) : NULL;
	for (i = 0; i < k * d; i++)
		mu[i] = sep * al_rng_normal(&r);
	for (i = 0; i < n; i++)
	{
		t->y[i] = (int) al_rng_below(&r, (uint64_t) k);
		for (j = 0; j < d; j++)
			t->x[i * d + j] = (float) (mu[t->y[i] * d + j] + al_rng_normal(&r));
		if (with_w)
			t->w[i] = al_rng_below(&r, 8) == 0 ? 0.0 : 3.0 * al_rng_uniform(&r);
	}
	free(mu);
	t->d.x = t->x;
	t->d.y = t->y;
	t->d.weight = t->w;
	t->d.n = n;
	t->d.d = d;
	t->d.k = k;
}

/* Free a generated data set. */
static void
free_tdata(tdata *t)
{
	free(t->x);
	free(t->y);
	free(t->w);
}

/*
 * Independent objective sum_i w_i CE_i + ||W||^2 / (2c) and its gradient
 * (coef then intercept), with naive loops in double.
 */
static double
ref_objective(const al_softmax_data *data, const al_softmax_model *m,
			  double c, double *grad)
{
	int			k = data->k,
				d = data->d,
				i,
				j,
				q;
	double		f = 0,
			   *p = malloc(sizeof(double) * k);

	memset(grad, 0, sizeof(double) * k * (d + 1));
	for (i = 0; i < data->n; i++)
	{
		const float *x = data->x + (size_t) i * d;
		double		wi = data->weight ? data->weight[i] : 1.0;

		if (wi == 0)
			continue;
		ref_probs(m, x, p);
		f -= wi * log(p[data->y[i]]);
		for (q = 0; q < k; q++)
		{
			double		r = wi * (p[q] - (q == data->y[i]));

			for (j = 0; j < d; j++)
				grad[q * d + j] += r * std_feature(m, x, j);
			grad[k * d + q] += r;
		}
	}
	for (j = 0; j < k * d; j++)
	{
		f += m->coef[j] * m->coef[j] / (2 * c);
		grad[j] += m->coef[j] / c;
	}
	free(p);
	return f;
}

/* max |v_i| */
static double
max_abs(const double *v, int n)
{
	double		m = 0;
	int			i;

	for (i = 0; i < n; i++)
		m = fmax(m, fabs(v[i]));
	return m;
}

/* A model with random parameters (and a standardization when asked). */
static void
random_model(al_softmax_model *m, int k, int d, int standardized,
			 uint64_t seed)
{
	al_rng		r;
	int			i;

	al_rng_seed(&r, seed);
	al_softmax_model_alloc(m, k, d, standardized, NULL);
	for (i = 0; i < k * d; i++)
		m->coef[i] = 0.7 * al_rng_normal(&r);
	for (i = 0; i < k; i++)
		m->intercept[i] = 0.5 * al_rng_normal(&r);
	for (i = 0; standardized && i < d; i++)
	{
		m->mean[i] = 0.3 * al_rng_normal(&r);
		m->scale[i] = 0.5 + al_rng_uniform(&r);
	}
}

/*
 * Gradient check: the trainer's gradient against central differences of
 * its own objective, and objective and gradient against the independent
 * reference above.
 */
static void
check_gradient(int with_w, int standardized)
{
	tdata		t;
	al_softmax_model m;
	al_softmax_options opt;
	int			k = 3,
				d = 4,
				np = k * (d + 1),
				i;
	double		f,
				fp,
				fm,
				fref,
				g[15],
				gref[15],
				h = 1e-5,
				err_fd = 0,
				err_ref = 0;
	char		name[128];

	make_mixture(&t, 40, d, k, 1.0, 11 + with_w, with_w);
	random_model(&m, k, d, standardized, 5 + standardized);
	al_softmax_options_init(&opt);
	opt.c = 0.7;
	opt.block_rows = 16;		/* several blocks, one partial */
	al_softmax_objective(&t.d, &opt, &m, &f, g);
	for (i = 0; i < np; i++)
	{
		double	   *param = i < k * d ? &m.coef[i] : &m.intercept[i - k * d];
		double		saved = *param;

		*param = saved + h;
		al_softmax_objective(&t.d, &opt, &m, &fp, NULL);
		*param = saved - h;
		al_softmax_objective(&t.d, &opt, &m, &fm, NULL);
		*param = saved;
		err_fd = fmax(err_fd, fabs((fp - fm) / (2 * h) - g[i]) / fmax(1.0, fabs(g[i])));
	}
	fref = ref_objective(&t.d, &m, opt.c, gref);
	for (i = 0; i < np; i++)
		err_ref = fmax(err_ref, fabs(g[i] - gref[i]) / fmax(1.0, fabs(gref[i])));
	snprintf(name, sizeof(name), "gradient = central differences (weights %d, standardized %d)",
			 with_w, standardized);
	UNIT_CHECK(err_fd < 1e-6, name);
	if (err_fd >= 1e-6)
		printf("#   max relative error %g\n", err_fd);
	snprintf(name, sizeof(name), "objective and gradient = naive reference (weights %d, standardized %d)",
			 with_w, standardized);
	UNIT_CHECK(fabs(f - fref) <= 1e-10 * fabs(fref) && err_ref < 1e-10, name);
	al_softmax_model_free(&m, NULL);
	free_tdata(&t);
}

/* Fit with the given options; fails the test (returns -1) on error. */
static int
fit(const al_softmax_data *data, const al_softmax_options *opt, int member,
	al_softmax_model *m, al_softmax_report *rep, const char *what)
{
	al_sm_status st = al_softmax_fit(data, opt, member, m, rep);

	if (st != AL_SM_OK)
	{
		printf("# fit (%s) failed: %s\n", what, al_sm_status_message(st));
		UNIT_CHECK(0, what);
		return -1;
	}
	return 0;
}

/* After a default fit, the gradient's max-norm is below tol. */
static void
check_converged(int n, int d, int k, int with_w, int standardize)
{
	tdata		t;
	al_softmax_model m;
	al_softmax_options opt;
	al_softmax_report rep;
	double		f,
			   *g = malloc(sizeof(double) * k * (d + 1)),
			   *gref = malloc(sizeof(double) * k * (d + 1));
	char		name[160];

	make_mixture(&t, n, d, k, 1.0, (uint64_t) n * 31 + d, with_w);
	al_softmax_options_init(&opt);
	opt.standardize = standardize;
	opt.max_iter = 1000;		/* nearly separable sets need more than 100 */
	snprintf(name, sizeof(name), "n=%d d=%d k=%d weights %d standardize %d", n, d, k,
			 with_w, standardize);
	if (fit(&t.d, &opt, 0, &m, &rep, name) == 0)
	{
		al_softmax_objective(&t.d, &opt, &m, &f, g);
		ref_objective(&t.d, &m, opt.c, gref);
		printf("# %s: %d iterations, %d evaluations, f %.10g, grad %.3g\n", name,
			   rep.iterations, rep.n_evals, rep.objective, rep.grad_inf);
		UNIT_CHECK(rep.converged && rep.stop == AL_SM_STOP_GTOL && rep.grad_inf < opt.tol, name);
		UNIT_CHECK(max_abs(g, k * (d + 1)) < opt.tol && max_abs(gref, k * (d + 1)) < opt.tol,
				   "gradient at the returned weights is below tol (recomputed)");
		UNIT_CLOSE(f, rep.objective, 1e-12 * fabs(f), "reported objective is the objective");
		al_softmax_model_free(&m, NULL);
	}
	free(g);
	free(gref);
	free_tdata(&t);
}

/* Options for exact optima: converge to rounding level. */
static void
tight_options(al_softmax_options *opt)
{
	al_softmax_options_init(opt);
	opt->tol = 1e-10;
	opt->max_iter = 1000;
}

/*
 * Intercept-only: every feature 0 (or constant with standardization), so
 * W = 0 and softmax(b) equals the (weighted) class frequencies.
 */
static void
check_intercept_only(int k, int standardize, int weighted)
{
	static const int counts[3] = {5, 3, 2};
	float		x[10];
	int			y[10],
				i,
				c,
				n = 0;
	double		w[10],
				p[3],
				want[3],
				total = 0;
	al_softmax_data data;
	al_softmax_options opt;
	al_softmax_model m;
	char		name[128];

	for (c = 0; c < k; c++)
		for (i = 0; i < counts[c] + (k == 2 && c == 0 ? 2 : 0); i++, n++)
		{
			y[n] = c;
			x[n] = standardize ? 5.0f : 0.0f;
			w[n] = weighted ? 1.0 + (n % 3) : 1.0;
		}
	for (c = 0; c < k; c++)
		want[c] = 0;
	for (i = 0; i < n; i++)
	{
		want[y[i]] += w[i];
		total += w[i];
	}
	data = (al_softmax_data) {x, y, weighted ? w : NULL, n, 1, k};
	tight_options(&opt);
	opt.standardize = standardize;
	snprintf(name, sizeof(name), "intercept-only K=%d (standardize %d, weights %d): softmax(b) = frequencies",
			 k, standardize, weighted);
	if (fit(&data, &opt, 0, &m, NULL, name) != 0)
		return;
	al_softmax_predict_row(&m, x, p);
	for (c = 0; c < k; c++)
		p[c] -= want[c] / total;
	UNIT_CHECK(max_abs(p, k) < 1e-6 && max_abs(m.coef, k) == 0.0, name);
	if (standardize)
		UNIT_CHECK(m.mean[0] == 5.0 && m.scale[0] == 1.0, "constant feature: mean = value, scale 1");
	al_softmax_model_free(&m, NULL);
}

/* logistic sigmoid */
static double
sigmoid(double t)
{
	return 1.0 / (1.0 + exp(-t));
}

/*
 * Symmetric 1-D case solved by hand: x = +1 with label 1 (a times) and 0
 * (b times), x = -1 mirrored.  By symmetry b0 = b1 and w1 = -w0 = u, and
 * stationarity of f(u) = -2a ln s(2u) - 2b ln s(-2u) + u^2 / c gives
 * 4b s(2u) - 4a s(-2u) + 2u / c = 0, solved here by bisection.  The same
 * data as 4 rows with weights a, b must give the same answer.
 */
static void
check_symmetric_1d(int as_weights)
{
	const int	a = 7,
				b = 3;
	const double c = 0.5;
	float		x[20];
	int			y[20],
				n = 0,
				i,
				it;
	double		w[20],
				lo = 0,
				hi = 50,
				u;
	al_softmax_data data;
	al_softmax_options opt;
	al_softmax_model m;

	for (i = 0; i < (as_weights ? 1 : a); i++, n++)
	{
		x[n] = 1, y[n] = 1, w[n] = as_weights ? a : 1;
		x[n + 1] = -1, y[n + 1] = 0, w[n + 1] = w[n], n++;
	}
	for (i = 0; i < (as_weights ? 1 : b); i++, n++)
	{
		x[n] = 1, y[n] = 0, w[n] = as_weights ? b : 1;
		x[n + 1] = -1, y[n + 1] = 1, w[n + 1] = w[n], n++;
	}
	for (it = 0; it < 200; it++)
	{
		u = 0.5 * (lo + hi);
		if (4 * b * sigmoid(2 * u) - 4 * a * sigmoid(-2 * u) + 2 * u / c > 0)
			hi = u;
		else
			lo = u;
	}
	data = (al_softmax_data) {x, y, as_weights ? w : NULL, n, 1, 2};
	tight_options(&opt);
	opt.c = c;
	if (fit(&data, &opt, 0, &m, NULL, "symmetric 1-D") != 0)
		return;
	printf("# symmetric 1-D (%s): u = %.12f, fitted w0 %.12f w1 %.12f, b %.3g %.3g\n",
		   as_weights ? "weights" : "copies", u, m.coef[0], m.coef[1],
		   m.intercept[0], m.intercept[1]);
	UNIT_CHECK(fabs(m.coef[1] - u) < 1e-6 && fabs(m.coef[0] + u) < 1e-6 &&
			   fabs(m.intercept[0] - m.intercept[1]) < 1e-6,
			   as_weights ? "symmetric 1-D optimum solved by hand (as weights)"
			   : "symmetric 1-D optimum solved by hand (as copies)");
	al_softmax_model_free(&m, NULL);
}

/* c = 1e6 on linearly separable clusters: 100% training accuracy. */
static void
check_separable(void)
{
	tdata		t;
	al_softmax_options opt;
	al_softmax_model m;
	double		acc = 0;
	int			i;

	make_mixture(&t, 300, 2, 3, 1.0, 77, 0);
	/* three well separated clusters: shift each class far apart */
	for (i = 0; i < 300; i++)
	{
		t.x[2 * i] = (float) (0.3 * t.x[2 * i] + 10.0 * (t.y[i] == 1));
		t.x[2 * i + 1] = (float) (0.3 * t.x[2 * i + 1] + 10.0 * (t.y[i] == 2));
	}
	al_softmax_options_init(&opt);
	opt.c = 1e6;
	if (fit(&t.d, &opt, 0, &m, NULL, "separable c=1e6") == 0)
	{
		al_softmax_evaluate(&m, t.x, t.y, NULL, 300, NULL, &acc, NULL);
		UNIT_CHECK(acc == 1.0, "c=1e6 on separable data: 100% training accuracy");
		al_softmax_model_free(&m, NULL);
	}
	free_tdata(&t);
}

/* Bitwise equality of two models' parameters. */
static int
same_model(const al_softmax_model *a, const al_softmax_model *b)
{
	size_t		kd = (size_t) a->k * a->d;

	if (a->k != b->k || a->d != b->d || a->standardized != b->standardized)
		return 0;
	if (memcmp(a->coef, b->coef, kd * sizeof(double)) != 0 ||
		memcmp(a->intercept, b->intercept, a->k * sizeof(double)) != 0)
		return 0;
	return !a->standardized ||
		(memcmp(a->mean, b->mean, a->d * sizeof(double)) == 0 &&
		 memcmp(a->scale, b->scale, a->d * sizeof(double)) == 0);
}

/* Refits are bit-identical; committee members differ from each other. */
static void
check_determinism(void)
{
	tdata		t;
	al_softmax_options opt;
	al_softmax_model a,
				b,
				ca[5],
				cb[5];
	int			i,
				j,
				same = 1,
				differ = 1;

	make_mixture(&t, 500, 6, 4, 0.8, 123, 0);
	al_softmax_options_init(&opt);
	opt.standardize = 1;
	opt.block_rows = 100;
	if (fit(&t.d, &opt, 0, &a, NULL, "determinism fit 1") ||
		fit(&t.d, &opt, 0, &b, NULL, "determinism fit 2"))
		return;
	UNIT_CHECK(same_model(&a, &b), "refit with the same inputs is bit-identical");
	al_softmax_model_free(&b, NULL);

	/* weights default to 1: all-ones weights give the same bits */
	t.w = malloc(sizeof(double) * 500);
	for (i = 0; i < 500; i++)
		t.w[i] = 1.0;
	t.d.weight = t.w;
	if (fit(&t.d, &opt, 0, &b, NULL, "all-ones weights") == 0)
	{
		UNIT_CHECK(same_model(&a, &b), "weights of 1 = no weights (bitwise)");
		al_softmax_model_free(&b, NULL);
	}
	t.d.weight = NULL;

	/* M = 1 is the plain fit; with M = 2 member 0 is a bootstrap */
	opt.members = 2;
	if (fit(&t.d, &opt, 0, &b, NULL, "member 0 of 2") == 0)
	{
		UNIT_CHECK(!same_model(&a, &b), "member 0 of a committee of 2 is a bootstrap, not the plain fit");
		al_softmax_model_free(&b, NULL);
	}
	al_softmax_model_free(&a, NULL);

	opt.members = 5;
	opt.seed = 2024;
	if (al_softmax_fit_committee(&t.d, &opt, ca, NULL) != AL_SM_OK ||
		al_softmax_fit_committee(&t.d, &opt, cb, NULL) != AL_SM_OK)
	{
		UNIT_CHECK(0, "committee fits");
		return;
	}
	for (i = 0; i < 5; i++)
	{
		same &= same_model(&ca[i], &cb[i]);
		for (j = 0; j < i; j++)
			differ &= !same_model(&ca[i], &ca[j]);
	}
	UNIT_CHECK(same, "committee of 5 refit with the same seed is bit-identical");
	UNIT_CHECK(differ, "committee members differ from each other");

	/* another seed gives other members */
	opt.seed = 2025;
	if (fit(&t.d, &opt, 0, &a, NULL, "other seed") == 0)
	{
		UNIT_CHECK(!same_model(&a, &ca[0]), "another seed gives another member 0");
		al_softmax_model_free(&a, NULL);
	}
	for (i = 0; i < 5; i++)
	{
		al_softmax_model_free(&ca[i], &opt);
		al_softmax_model_free(&cb[i], &opt);
	}
	free_tdata(&t);
}

/*
 * The documented bootstrap: member m equals a plain fit whose weights are
 * the draw counts from al_rng stream (seed, m) over the rows of positive
 * weight, times the given weights.
 */
static void
check_bootstrap_contract(void)
{
	tdata		t;
	al_softmax_options opt;
	al_softmax_model member,
				plain;
	al_rng		r;
	int			n = 300,
				i,
				npos = 0,
			   *pos = malloc(sizeof(int) * n);
	double	   *cw = calloc(n, sizeof(double));
	al_softmax_data d2;

	make_mixture(&t, n, 3, 3, 1.0, 9, 1);
	for (i = 0; i < n; i++)
		if (t.w[i] > 0)
			pos[npos++] = i;
	al_rng_seed_stream(&r, 99, 3);
	for (i = 0; i < npos; i++)
		cw[pos[al_rng_below(&r, (uint64_t) npos)]] += 1;
	for (i = 0; i < n; i++)
		cw[i] *= t.w[i];
	al_softmax_options_init(&opt);
	opt.standardize = 1;
	opt.members = 4;
	opt.seed = 99;
	d2 = t.d;
	d2.weight = cw;
	if (fit(&t.d, &opt, 3, &member, NULL, "member 3") == 0)
	{
		opt.members = 1;
		if (fit(&d2, &opt, 0, &plain, NULL, "plain fit with counts") == 0)
		{
			UNIT_CHECK(same_model(&member, &plain),
					   "member m = plain fit weighted by its bootstrap counts (bitwise)");
			al_softmax_model_free(&plain, NULL);
		}
		al_softmax_model_free(&member, NULL);
	}
	free(pos);
	free(cw);
	free_tdata(&t);
}

/*
 * Members that miss classes: an absent class gets intercept -inf and
 * probability 0; a member that saw one class predicts it with certainty.
 */
static void
check_absent_classes(void)
{
	float		x[3] = {0.0f, 1.0f, 2.0f};
	int			y[3] = {0, 1, 2},
				m,
				seen_trivial = 0,
				seen_partial = 0,
				ok = 1;
	al_softmax_data data = {x, y, NULL, 3, 1, 3};
	al_softmax_options opt;
	al_softmax_model model;
	al_softmax_report rep;
	double		p[3];
	float		pf[3];

	al_softmax_options_init(&opt);
	opt.members = 30;
	for (m = 0; m < 30; m++)
	{
		if (fit(&data, &opt, m, &model, &rep, "member with absent classes"))
			return;
		al_softmax_predict_row(&model, &x[0], p);
		al_softmax_predict(&model, &x[0], 1, pf);
		for (int c = 0; c < 3; c++)
		{
			int			present = isfinite(model.intercept[c]);

			if (!present)
				ok &= (p[c] == 0.0 && pf[c] == 0.0f && model.intercept[c] == -INFINITY);
		}
		if (rep.classes_present == 1)
		{
			seen_trivial++;
			ok &= (rep.stop == AL_SM_STOP_TRIVIAL && rep.converged &&
				   fabs(p[0] + p[1] + p[2] - 1.0) < 1e-15 &&
				   (p[0] == 1.0 || p[1] == 1.0 || p[2] == 1.0));
		}
		else if (rep.classes_present == 2)
			seen_partial++;
		al_softmax_model_free(&model, NULL);
	}
	UNIT_CHECK(seen_trivial > 0 && seen_partial > 0, "bootstrap members missing classes occur");
	UNIT_CHECK(ok, "absent classes get probability 0; a one-class member predicts it");
}

/* Batch = single row = independent softmax, sums to 1. */
static void
check_predict(void)
{
	tdata		t;
	al_softmax_model m;
	al_softmax_options opt;
	int			n = 257,
				k = 4,
				d = 7,
				i,
				c;
	float	   *pb = malloc(sizeof(float) * n * k);
	double		p1[4],
				p2[4],
				pr[4],
				xd[7],
				e_batch = 0,
				e_row = 0,
				e_f64 = 0,
				e_sum = 0;

	make_mixture(&t, n, d, k, 1.0, 5, 0);
	al_softmax_options_init(&opt);
	opt.standardize = 1;
	opt.c = 10;
	if (fit(&t.d, &opt, 0, &m, NULL, "fit for predict") != 0)
		return;
	UNIT_CHECK(al_softmax_predict(&m, t.x, n, pb) == AL_SM_OK, "batch predict ok");
	for (i = 0; i < n; i++)
	{
		double		s = 0;

		ref_probs(&m, t.x + i * d, pr);
		al_softmax_predict_row(&m, t.x + i * d, p1);
		for (c = 0; c < d; c++)
			xd[c] = t.x[i * d + c];
		al_softmax_predict_row_f64(&m, xd, p2);
		for (c = 0; c < k; c++)
		{
			e_batch = fmax(e_batch, fabs(pb[i * k + c] - pr[c]));
			e_row = fmax(e_row, fabs(p1[c] - pr[c]));
			e_f64 = fmax(e_f64, fabs(p2[c] - p1[c]));
			s += pb[i * k + c];
		}
		e_sum = fmax(e_sum, fabs(s - 1.0));
	}
	printf("# predict: max |batch - ref| %.3g, |row - ref| %.3g, |sum - 1| %.3g\n",
		   e_batch, e_row, e_sum);
	UNIT_CHECK(e_batch < 1e-6, "batch predict = independent softmax (1e-6)");
	UNIT_CHECK(e_row < 1e-12, "single-row predict = independent softmax");
	UNIT_CHECK(e_f64 == 0.0, "double-input row predict = float-input row predict");
	UNIT_CHECK(e_sum < 1e-6, "batch probabilities sum to 1 (1e-6)");

	/* non-finite input: garbage out, no crash */
	t.x[0] = NAN;
	t.x[d] = INFINITY;
	al_softmax_predict_row(&m, t.x, p1);
	UNIT_CHECK(al_softmax_predict(&m, t.x, 2, pb) == AL_SM_OK, "non-finite inputs do not crash");
	al_softmax_model_free(&m, NULL);
	free(pb);
	free_tdata(&t);
}

/*
 * al_softmax_predict_doubles_ws on the exact doubles of float rows gives
 * al_softmax_predict_ws's bits, standardized or not, across blocks (n past
 * two blocks of 2,048 rows), and leaves its input alone.
 */
static void
check_predict_doubles(void)
{
	tdata		t;
	al_softmax_options opt;
	int			n = 4500,
				k = 3,
				d = 5;

	make_mixture(&t, n, d, k, 1.0, 11, 0);
	for (int standardize = 0; standardize <= 1; standardize++)
	{
		al_softmax_model m;
		float	   *pf = malloc(sizeof(float) * n * k);
		float	   *pd = malloc(sizeof(float) * n * k);
		double	   *xd = malloc(sizeof(double) * n * d);
		double	   *xcopy = malloc(sizeof(double) * n * d);
		double	   *work;
		int			same = 1;

		al_softmax_options_init(&opt);
		opt.standardize = standardize;
		if (fit(&t.d, &opt, 0, &m, NULL, "fit for predict_doubles") != 0)
			return;
		work = malloc(sizeof(double) * al_softmax_predict_work_size(&m, n));
		for (int i = 0; i < n * d; i++)
			xd[i] = xcopy[i] = t.x[i];
		UNIT_CHECK(al_softmax_predict_ws(&m, t.x, n, pf, work) == AL_SM_OK &&
				   al_softmax_predict_doubles_ws(&m, xd, n, pd, work) == AL_SM_OK,
				   "predict from floats and from doubles ok");
		UNIT_CHECK(memcmp(pf, pd, sizeof(float) * n * k) == 0,
				   standardize ? "doubles: the same bits as floats (standardized)" :
				   "doubles: the same bits as floats (not standardized)");
		for (int i = 0; i < n * d; i++)
			same &= memcmp(&xd[i], &xcopy[i], sizeof(double)) == 0;
		UNIT_CHECK(same, "predict_doubles leaves its rows alone");
		UNIT_CHECK(al_softmax_predict_doubles_ws(&m, NULL, n, pd, work) == AL_SM_NULL_ARG,
				   "predict_doubles: NULL rows refused");
		al_softmax_model_free(&m, NULL);
		free(pf);
		free(pd);
		free(xd);
		free(xcopy);
		free(work);
	}
	free_tdata(&t);
}

/* Original-space weights give the same logits on raw features. */
static void
check_to_original(void)
{
	al_softmax_model m;
	double		coef[12],
				b[3],
				err = 0;
	float		x[4] = {0.5f, -1.25f, 3.0f, 0.0f};
	int			c,
				j;

	random_model(&m, 3, 4, 1, 42);
	al_softmax_to_original(&m, coef, b);
	for (c = 0; c < 3; c++)
	{
		double		z1 = m.intercept[c],
					z2 = b[c];

		for (j = 0; j < 4; j++)
		{
			z1 += m.coef[c * 4 + j] * std_feature(&m, x, j);
			z2 += coef[c * 4 + j] * x[j];
		}
		err = fmax(err, fabs(z1 - z2));
	}
	UNIT_CHECK(err < 1e-12, "original-space weights give the same logits");
	al_softmax_model_free(&m, NULL);
}

/* Standardization statistics are the weighted mean and population std. */
static void
check_stats(void)
{
	tdata		t;
	al_softmax_options opt;
	al_softmax_model m;
	int			n = 200,
				d = 3,
				i,
				j;
	double		err = 0;

	make_mixture(&t, n, d, 2, 2.0, 8, 1);
	al_softmax_options_init(&opt);
	opt.standardize = 1;
	if (fit(&t.d, &opt, 0, &m, NULL, "fit for stats") != 0)
		return;
	for (j = 0; j < d; j++)
	{
		double		sw = 0,
					mu = 0,
					var = 0;

		for (i = 0; i < n; i++)
		{
			sw += t.w[i];
			mu += t.w[i] * t.x[i * d + j];
		}
		mu /= sw;
		for (i = 0; i < n; i++)
			var += t.w[i] * (t.x[i * d + j] - mu) * (t.x[i * d + j] - mu);
		err = fmax(err, fabs(m.mean[j] - mu) + fabs(m.scale[j] - sqrt(var / sw)));
	}
	UNIT_CHECK(err < 1e-12, "standardization: weighted mean and population std");
	al_softmax_model_free(&m, NULL);
	free_tdata(&t);
}

/* Holdout split: partition, sizes, order, determinism; metrics by hand. */
static void
check_holdout_and_metrics(void)
{
	int			tr[100],
				ho[100],
				tr2[100],
				ho2[100],
				nt,
				nh,
				nt2,
				nh2,
				seen[100] = {0},
				i,
				ok = 1;
	float		x[4] = {0, 0, 0, 0};
	int			y[4] = {0, 0, 0, 1};
	al_softmax_model m;
	double		acc,
				ll;

	UNIT_CHECK(al_softmax_holdout_split(100, 0.25, 7, tr, &nt, ho, &nh) == AL_SM_OK &&
			   nt == 75 && nh == 25, "holdout 25% of 100");
	for (i = 0; i < nt; i++)
		seen[tr[i]]++, ok &= (i == 0 || tr[i] > tr[i - 1]);
	for (i = 0; i < nh; i++)
		seen[ho[i]]++, ok &= (i == 0 || ho[i] > ho[i - 1]);
	for (i = 0; i < 100; i++)
		ok &= (seen[i] == 1);
	UNIT_CHECK(ok, "train and holdout partition the rows, in increasing order");
	al_softmax_holdout_split(100, 0.25, 7, tr2, &nt2, ho2, &nh2);
	UNIT_CHECK(nh2 == nh && memcmp(ho, ho2, sizeof(int) * nh) == 0, "holdout split is deterministic");
	al_softmax_holdout_split(100, 0.25, 8, tr2, &nt2, ho2, &nh2);
	UNIT_CHECK(memcmp(ho, ho2, sizeof(int) * nh) != 0, "another seed gives another split");
	UNIT_CHECK(al_softmax_holdout_split(10, 0.0, 1, tr, &nt, ho, &nh) == AL_SM_OK && nh == 0 && nt == 10 &&
			   al_softmax_holdout_split(10, 1.0, 1, tr, &nt, ho, &nh) == AL_SM_OK && nh == 10 && nt == 0,
			   "holdout fractions 0 and 1");

	/* a model predicting (0.75, 0.25) everywhere: accuracy 3/4, log-loss by hand */
	al_softmax_model_alloc(&m, 2, 1, 0, NULL);
	m.intercept[0] = log(3.0);
	UNIT_CHECK(al_softmax_evaluate(&m, x, y, NULL, 4, NULL, &acc, &ll) == AL_SM_OK, "evaluate ok");
	UNIT_CLOSE(acc, 0.75, 1e-15, "accuracy");
	UNIT_CLOSE(ll, -(3 * log(0.75) + log(0.25)) / 4, 1e-12, "mean log-loss");
	i = 3;
	al_softmax_evaluate(&m, x, y, &i, 1, NULL, &acc, &ll);
	UNIT_CHECK(acc == 0.0 && fabs(ll + log(0.25)) < 1e-12, "evaluate on a row subset");
	al_softmax_model_free(&m, NULL);
}


/* The hooks are used, balanced, and allocation failure is reported. */
static void
check_allocator(void)
{
	tdata		t;
	al_softmax_options opt;
	al_softmax_model ms[3];
	al_sm_status st;

	make_mixture(&t, 100, 3, 3, 1.0, 4, 0);
	al_softmax_options_init(&opt);
	opt.alloc_fn = count_alloc;
	opt.free_fn = count_free;
	opt.members = 3;
	opt.standardize = 1;
	st = al_softmax_fit_committee(&t.d, &opt, ms, NULL);
	UNIT_CHECK(st == AL_SM_OK && alloc_count > 0, "allocator hooks are used");
	for (int i = 0; i < 3; i++)
		al_softmax_model_free(&ms[i], &opt);
	UNIT_CHECK(alloc_count == free_count, "every allocation is freed");
	alloc_count = free_count = 0;
	alloc_fail_after = 0;
	UNIT_CHECK(al_softmax_fit(&t.d, &opt, 0, &ms[0], NULL) == AL_SM_NO_MEMORY &&
			   ms[0].coef == NULL, "allocation failure -> AL_SM_NO_MEMORY");
	alloc_fail_after = 1;
	UNIT_CHECK(al_softmax_fit(&t.d, &opt, 0, &ms[0], NULL) == AL_SM_NO_MEMORY &&
			   alloc_count == 1, "second allocation failure -> AL_SM_NO_MEMORY");
	UNIT_CHECK(alloc_count == free_count, "nothing leaks after a failed fit");
	alloc_count = free_count = 0;
	alloc_fail_after = 2;		/* the committee's second member fails */
	UNIT_CHECK(al_softmax_fit_committee(&t.d, &opt, ms, NULL) == AL_SM_NO_MEMORY &&
			   alloc_count == free_count, "failed committee frees its members");
	alloc_fail_after = -1;
	free_tdata(&t);
}

/* Cancel at iteration 2. */
static int
cancel_at_2(void *arg, int iter, double f, double gnorm)
{
	int		   *calls = arg;

	(void) f;
	(void) gnorm;
	(*calls)++;
	return iter >= 2;
}

/* Every status code that options and inputs can produce. */
static void
check_validation(void)
{
	float		x[6] = {0, 1, 2, 3, 4, 5};
	int			y[6] = {0, 1, 2, 0, 1, 2};
	double		w[6] = {1, 1, 1, 1, 1, 1};
	al_softmax_data good = {x, y, w, 6, 1, 3},
				d;
	al_softmax_options o;
	al_softmax_model m,
				mm;
	double		f;
	int			calls = 0,
				tr[6],
				ho[6],
				nt,
				nh;

#define EXPECT(expr, code, what) \
	do { \
		al_sm_status st_ = (expr); \
		UNIT_CHECK(st_ == (code), what); \
		if (st_ != (code)) \
			printf("#   got %d (%s)\n", (int) st_, al_sm_status_message(st_)); \
		if (st_ == AL_SM_OK) \
			al_softmax_model_free(&m, NULL); \
	} while (0)
#define OPT(field, value) (al_softmax_options_init(&o), o.field = (value), &o)

	EXPECT(al_softmax_fit(&good, NULL, 0, &m, NULL), AL_SM_OK, "valid input fits (opt NULL = defaults)");
	EXPECT(al_softmax_fit(NULL, NULL, 0, &m, NULL), AL_SM_NULL_ARG, "data NULL");
	EXPECT(al_softmax_fit(&good, NULL, 0, NULL, NULL), AL_SM_NULL_ARG, "model NULL");
	d = good, d.x = NULL;
	EXPECT(al_softmax_fit(&d, NULL, 0, &m, NULL), AL_SM_NULL_ARG, "x NULL");
	EXPECT(al_softmax_fit(&good, OPT(c, 0.0), 0, &m, NULL), AL_SM_BAD_C, "c = 0");
	EXPECT(al_softmax_fit(&good, OPT(c, -1.0), 0, &m, NULL), AL_SM_BAD_C, "c < 0");
	EXPECT(al_softmax_fit(&good, OPT(c, NAN), 0, &m, NULL), AL_SM_BAD_C, "c NaN");
	EXPECT(al_softmax_fit(&good, OPT(c, INFINITY), 0, &m, NULL), AL_SM_BAD_C, "c infinite");
	EXPECT(al_softmax_fit(&good, OPT(tol, 0.0), 0, &m, NULL), AL_SM_BAD_TOL, "tol = 0");
	EXPECT(al_softmax_fit(&good, OPT(tol, NAN), 0, &m, NULL), AL_SM_BAD_TOL, "tol NaN");
	EXPECT(al_softmax_fit(&good, OPT(ftol, -1e-9), 0, &m, NULL), AL_SM_BAD_FTOL, "ftol < 0");
	EXPECT(al_softmax_fit(&good, OPT(max_iter, 0), 0, &m, NULL), AL_SM_BAD_MAX_ITER, "max_iter = 0");
	EXPECT(al_softmax_fit(&good, OPT(members, 0), 0, &m, NULL), AL_SM_BAD_MEMBERS, "members = 0");
	EXPECT(al_softmax_fit_committee(&good, OPT(members, 0), &m, NULL), AL_SM_BAD_MEMBERS, "committee members = 0");
	EXPECT(al_softmax_fit(&good, OPT(members, 2), 2, &m, NULL), AL_SM_BAD_MEMBER_INDEX, "member = members");
	EXPECT(al_softmax_fit(&good, NULL, -1, &m, NULL), AL_SM_BAD_MEMBER_INDEX, "member < 0");
	EXPECT(al_softmax_fit(&good, OPT(lbfgs_m, 0), 0, &m, NULL), AL_SM_BAD_LBFGS_MEMORY, "lbfgs_m = 0");
	EXPECT(al_softmax_fit(&good, OPT(lbfgs_m, 101), 0, &m, NULL), AL_SM_BAD_LBFGS_MEMORY, "lbfgs_m = 101");
	EXPECT(al_softmax_fit(&good, OPT(block_rows, -1), 0, &m, NULL), AL_SM_BAD_BLOCK_ROWS, "block_rows < 0");
	d = good, d.n = 0;
	EXPECT(al_softmax_fit(&d, NULL, 0, &m, NULL), AL_SM_NO_ROWS, "n = 0");
	d = good, d.d = 0;
	EXPECT(al_softmax_fit(&d, NULL, 0, &m, NULL), AL_SM_BAD_DIM, "d = 0");
	d = good, d.k = 1;
	EXPECT(al_softmax_fit(&d, NULL, 0, &m, NULL), AL_SM_BAD_CLASSES, "k = 1 (single class)");
	d = good, d.d = INT_MAX - 1;
	EXPECT(al_softmax_fit(&d, NULL, 0, &m, NULL), AL_SM_TOO_LARGE, "k (d + 1) too large");
	y[2] = 3;
	EXPECT(al_softmax_fit(&good, NULL, 0, &m, NULL), AL_SM_BAD_LABEL, "label = k");
	y[2] = -1;
	EXPECT(al_softmax_fit(&good, NULL, 0, &m, NULL), AL_SM_BAD_LABEL, "label < 0");
	y[2] = 2;
	w[1] = -1;
	EXPECT(al_softmax_fit(&good, NULL, 0, &m, NULL), AL_SM_BAD_WEIGHT, "negative weight");
	w[1] = NAN;
	EXPECT(al_softmax_fit(&good, NULL, 0, &m, NULL), AL_SM_BAD_WEIGHT, "NaN weight");
	w[1] = INFINITY;
	EXPECT(al_softmax_fit(&good, NULL, 0, &m, NULL), AL_SM_BAD_WEIGHT, "infinite weight");
	memset(w, 0, sizeof(w));
	EXPECT(al_softmax_fit(&good, NULL, 0, &m, NULL), AL_SM_NO_ROWS, "all weights 0");
	w[0] = w[3] = 1;
	EXPECT(al_softmax_fit(&good, NULL, 0, &m, NULL), AL_SM_ONE_CLASS, "weighted rows of one class");
	EXPECT(al_softmax_fit(&good, OPT(members, 3), 0, &m, NULL), AL_SM_OK, "a committee member may see one class");
	for (int i = 0; i < 6; i++)
		w[i] = 1;
	x[4] = NAN;
	EXPECT(al_softmax_fit(&good, NULL, 0, &m, NULL), AL_SM_NONFINITE_X, "NaN feature");
	x[4] = -INFINITY;
	EXPECT(al_softmax_fit(&good, NULL, 0, &m, NULL), AL_SM_NONFINITE_X, "infinite feature");
	x[4] = 4;
	y[0] = y[1] = y[2] = 1;
	y[3] = y[4] = y[5] = 1;
	EXPECT(al_softmax_fit(&good, NULL, 0, &m, NULL), AL_SM_ONE_CLASS, "all rows of one class");
	y[0] = 0, y[2] = 2, y[3] = 0, y[5] = 2;

	al_softmax_model_alloc(&mm, 2, 1, 0, NULL);
	UNIT_CHECK(al_softmax_objective(&good, NULL, &mm, &f, NULL) == AL_SM_MODEL_MISMATCH,
			   "objective with a model of other k -> AL_SM_MODEL_MISMATCH");
	al_softmax_model_free(&mm, NULL);
	UNIT_CHECK(al_softmax_holdout_split(6, 1.5, 0, tr, &nt, ho, &nh) == AL_SM_BAD_FRACTION &&
			   al_softmax_holdout_split(6, NAN, 0, tr, &nt, ho, &nh) == AL_SM_BAD_FRACTION &&
			   al_softmax_holdout_split(6, -0.1, 0, tr, &nt, ho, &nh) == AL_SM_BAD_FRACTION,
			   "holdout fraction outside [0,1] -> AL_SM_BAD_FRACTION");
	UNIT_CHECK(al_softmax_holdout_split(6, 0.5, 0, NULL, &nt, ho, &nh) == AL_SM_NULL_ARG,
			   "holdout NULL output -> AL_SM_NULL_ARG");

	al_softmax_options_init(&o);
	o.progress = cancel_at_2;
	o.progress_arg = &calls;
	EXPECT(al_softmax_fit(&good, &o, 0, &m, NULL), AL_SM_CANCELLED, "progress hook cancels");
	UNIT_CHECK(calls == 3 && m.coef == NULL, "cancelled at iteration 2, no model left");
#undef EXPECT
#undef OPT
}

/* Every status has its own message. */
static void
check_messages(void)
{
	int			s,
				t,
				ok = 1;

	for (s = AL_SM_OK; s <= AL_SM_NUMERIC; s++)
	{
		const char *ms = al_sm_status_message((al_sm_status) s);

		ok &= (ms != NULL && strcmp(ms, "unknown status") != 0);
		for (t = AL_SM_OK; t < s; t++)
			ok &= (strcmp(ms, al_sm_status_message((al_sm_status) t)) != 0);
	}
	UNIT_CHECK(ok, "every status code has a distinct message");
}

/* Before BLAS is loaded, the BLAS users refuse politely. */
static void
check_no_blas(void)
{
	float		x[4] = {0, 1, 2, 3},
				pf[8];
	int			y[4] = {0, 1, 0, 1};
	al_softmax_data data = {x, y, NULL, 4, 1, 2};
	al_softmax_model m;
	double		p[2];

	UNIT_CHECK(al_softmax_fit(&data, NULL, 0, &m, NULL) == AL_SM_NO_BLAS, "fit without BLAS -> AL_SM_NO_BLAS");
	al_softmax_model_alloc(&m, 2, 1, 0, NULL);
	UNIT_CHECK(al_softmax_predict(&m, x, 4, pf) == AL_SM_NO_BLAS, "batch predict without BLAS -> AL_SM_NO_BLAS");
	al_softmax_predict_row(&m, x, p);
	UNIT_CHECK(p[0] == 0.5 && p[1] == 0.5, "single-row predict works without BLAS");
	al_softmax_model_free(&m, NULL);
}

/* Accuracy of the vectorized exp against libm. */
static void
check_exp(void)
{
	double		t[1003],
				maxrel = 0;
	int			i,
				zero_below = 1;

	for (i = 0; i < 1003; i++)
		t[i] = -800.0 * i / 1002.0;
	t[1] = -1e-300;
	t[2] = -0.5 * M_LN2;
	al_softmax_exp_inplace(t, 1003);
	for (i = 0; i < 1003; i++)
	{
		double		x = (i == 1) ? -1e-300 : (i == 2) ? -0.5 * M_LN2 : -800.0 * i / 1002.0;

		if (x >= -708)
			maxrel = fmax(maxrel, fabs(t[i] - exp(x)) / exp(x));
		else
			zero_below &= (t[i] == 0.0);
	}
	printf("# exp: max relative error %.3g\n", maxrel);
	UNIT_CHECK(maxrel < 4 * DBL_EPSILON, "vectorized exp within 4 ulp of libm");
	UNIT_CHECK(zero_below, "exp below -708 is 0");
}

/* No-BLAS checks first, then load BLAS and run everything else. */
int
main(void)
{
	char		err[256];

	check_no_blas();
	if (al_blas_load(NULL, "auto", err, sizeof(err)) != 0)
	{
		printf("not ok 1 - BLAS loads: %s\n1..1\n", err);
		return 1;
	}
	printf("# BLAS corename %s\n", al_blas_corename());
	check_messages();
	check_exp();
	check_gradient(0, 0);
	check_gradient(1, 0);
	check_gradient(0, 1);
	check_gradient(1, 1);
	check_converged(200, 5, 3, 0, 0);
	check_converged(1000, 20, 10, 0, 0);
	check_converged(50, 2, 2, 0, 0);
	check_converged(400, 8, 4, 1, 1);
	check_intercept_only(2, 0, 0);
	check_intercept_only(3, 0, 0);
	check_intercept_only(3, 1, 0);
	check_intercept_only(3, 0, 1);
	check_symmetric_1d(0);
	check_symmetric_1d(1);
	check_separable();
	check_determinism();
	check_bootstrap_contract();
	check_absent_classes();
	check_predict();
	check_predict_doubles();
	check_to_original();
	check_stats();
	check_holdout_and_metrics();
	check_allocator();
	check_validation();
	return unit_done();
}
