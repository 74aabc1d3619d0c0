/*
 * test_eer.c - unit tests of expected error reduction (select_eer.c) and of
 * the warm-started refit it uses (al_softmax_refine): closed forms of an
 * intercept-only model, a symmetric 1-D case whose middle point must be
 * picked, agreement with a brute-force full retrain per (candidate, class)
 * on tiny pools, absent classes, blocking, determinism, the allocator and
 * cancellation hooks, and every status.  References are computed here
 * independently: fits from scratch (al_softmax_fit, to convergence) and
 * naive loops in double for the losses.
 */
#include "al_blas.h"
#include "al_rng.h"
#include "select_eer.h"
#include "softmax_model.h"
#include "softmax_ref.h"
#include "unit.h"

#include <float.h>
#include <stdlib.h>

/* A labeled data set, candidates and a sample (owned by the test). */
typedef struct pool
{
	int			d;
	int			k;
	int			n;				/* labeled rows */
	int			m;				/* candidates */
	int			s;				/* sample rows */
	float	   *x;				/* (n + 1) x d: room for one more row */
	int		   *y;				/* n + 1 */
	float	   *cand;			/* m x d */
	float	   *sample;			/* s x d */
} pool;

/* Allocate a pool's arrays. */
static void
pool_alloc(pool *p, int d, int k, int n, int m, int s)
{
	p->d = d;
	p->k = k;
	p->n = n;
	p->m = m;
	p->s = s;
	p->x = calloc((size_t) (n + 1) * d, sizeof(float));
	p->y = calloc((size_t) n + 1, sizeof(int));
	p->cand = calloc((size_t) m * d, sizeof(float));
	p->sample = calloc((size_t) s * d, sizeof(float));
}

/* Free a pool's arrays. */
static void
pool_free(pool *p)
{
	free(p->x);
	free(p->y);
	free(p->cand);
	free(p->sample);
}

/* The labeled rows of a pool as training data. */
static al_softmax_data
labeled_data(const pool *p)
{
	al_softmax_data d = {p->x, p->y, NULL, p->n, p->d, p->k};

	return d;
}

/* Mean loss of a model on the sample: 1 - max p, or the entropy. */
static double
ref_loss(const al_softmax_model *m, const pool *p, al_eer_loss loss)
{
	double		q[16],
				total = 0;
	int			i,
				c;

	for (i = 0; i < p->s; i++)
	{
		double		mx = 0,
					h = 0;

		ref_probs(m, p->sample + (size_t) i * p->d, q);
		for (c = 0; c < m->k; c++)
		{
			mx = fmax(mx, q[c]);
			if (q[c] > 0)
				h -= q[c] * log(q[c]);
		}
		total += (loss == AL_EER_LOSS_ZERO_ONE) ? 1.0 - mx : h;
	}
	return total / p->s;
}

/*
 * Options of a fit to convergence (the brute force): tol 1e-8 with the
 * default ftol, up to 10,000 iterations.
 */
static void
converged_options(al_softmax_options *o)
{
	al_softmax_options_init(o);
	o->max_iter = 10000;
	o->tol = 1e-8;
}

/*
 * Brute force: for each candidate and class, a fit from scratch on the
 * labeled rows plus (x, y), its mean loss on the sample weighted by the
 * current model's p(y|x).  With fixed_std, the rows are first standardized
 * with the model's mean and scale and the fit does not standardize (the
 * objective the warm start works on); otherwise the fit standardizes as
 * the model did (or not).
 */
static void
brute_force(pool *p, const al_softmax_model *model, al_eer_loss loss,
			int fixed_std, double *ee)
{
	al_softmax_options o;
	double		pc[16];
	float	   *xs = malloc(sizeof(float) * (size_t) (p->n + 1) * p->d);
	int			i,
				y,
				r,
				j;

	converged_options(&o);
	o.standardize = model->standardized && !fixed_std;
	for (i = 0; i < p->m; i++)
	{
		ee[i] = 0;
		ref_probs(model, p->cand + (size_t) i * p->d, pc);
		memcpy(p->x + (size_t) p->n * p->d, p->cand + (size_t) i * p->d, sizeof(float) * p->d);
		for (y = 0; y < p->k; y++)
		{
			al_softmax_data dd = {p->x, p->y, NULL, p->n + 1, p->d, p->k};
			al_softmax_model fit;

			if (!(pc[y] > 0))
				continue;
			p->y[p->n] = y;
			if (fixed_std && model->standardized)
			{
				for (r = 0; r <= p->n; r++)
					for (j = 0; j < p->d; j++)
						xs[r * p->d + j] = (float) ((p->x[r * p->d + j] - model->mean[j]) / model->scale[j]);
				dd.x = xs;
			}
			if (al_softmax_fit(&dd, &o, 0, &fit, NULL) != AL_SM_OK)
			{
				UNIT_CHECK(0, "brute-force fit");
				continue;
			}
			if (fixed_std && model->standardized)
			{
				/* predict the sample in the model's standardized space */
				fit.standardized = 1;
				fit.mean = model->mean;
				fit.scale = model->scale;
			}
			ee[i] += pc[y] * ref_loss(&fit, p, loss);
			fit.mean = fit.scale = NULL;
			al_softmax_model_free(&fit, NULL);
		}
	}
	free(xs);
}

/* Index of the smallest value (ties: the first). */
static int
argmin(const double *v, int n)
{
	int			b = 0,
				i;

	for (i = 1; i < n; i++)
		if (v[i] < v[b])
			b = i;
	return b;
}

/* Fit the current model on the labeled rows (to convergence). */
static int
fit_current(const pool *p, int standardize, al_softmax_model *m)
{
	al_softmax_options o;
	al_softmax_data d = labeled_data(p);

	converged_options(&o);
	o.standardize = standardize;
	return al_softmax_fit(&d, &o, 0, m, NULL) == AL_SM_OK;
}

/* Run the kernel on a pool with a loss and steps; returns its status. */
static al_eer_status
run_eer(const pool *p, const al_softmax_model *m, al_eer_loss loss, int steps,
		double *ee, double *red, al_eer_report *rep)
{
	al_eer_options o;
	al_softmax_data d = labeled_data(p);
	al_eer_input in = {m, &d, p->cand, p->m, p->sample, p->s};

	al_eer_options_init(&o);
	o.loss = loss;
	o.steps = steps;
	o.train.tol = 1e-8;
	return al_eer_expected_error(&in, &o, ee, red, rep);
}

/* Binary entropy-like helper: -sum q ln q over n values. */
static double
entropy_of(const double *q, int n)
{
	double		h = 0;
	int			i;

	for (i = 0; i < n; i++)
		if (q[i] > 0)
			h -= q[i] * log(q[i]);
	return h;
}

/*
 * Intercept-only: every x is 0, so W stays 0 and the optimum predicts the
 * class frequencies (the intercept is not penalized).  With counts n_c,
 * adding (0, y) gives q = (n + e_y) / (N + 1): closed forms for both
 * losses, the current error and the reduction.
 */
static void
check_intercept_only(int k, const int *counts)
{
	pool		p;
	al_softmax_model m;
	al_eer_report rep;
	double		ee[2],
				red[2],
				want_zo = 0,
				want_log = 0,
				q[8],
				p0[8],
				cur_zo,
				cur_log;
	int			n = 0,
				c,
				y,
				i;
	char		name[128];

	for (c = 0; c < k; c++)
		n += counts[c];
	pool_alloc(&p, 1, k, n, 2, 3);
	for (c = 0, i = 0; c < k; c++)
		for (y = 0; y < counts[c]; y++)
			p.y[i++] = c;
	if (!fit_current(&p, 0, &m))
	{
		UNIT_CHECK(0, "intercept-only fit");
		return;
	}
	for (c = 0; c < k; c++)
		p0[c] = (double) counts[c] / n;
	cur_zo = 1.0;
	for (c = 0; c < k; c++)
		cur_zo = fmin(cur_zo, 1.0 - p0[c]);
	cur_log = entropy_of(p0, k);
	for (y = 0; y < k; y++)
	{
		double		mx = 0;

		for (c = 0; c < k; c++)
			mx = fmax(mx, q[c] = (counts[c] + (c == y)) / (double) (n + 1));
		want_zo += p0[y] * (1.0 - mx);
		want_log += p0[y] * entropy_of(q, k);
	}
	snprintf(name, sizeof(name), "intercept-only k=%d zero_one: EE = sum_y p_y (1 - max q_y)", k);
	UNIT_CHECK(run_eer(&p, &m, AL_EER_LOSS_ZERO_ONE, 100, ee, red, &rep) == AL_EER_OK, name);
	UNIT_CLOSE(ee[0], want_zo, 1e-6, name);
	UNIT_CLOSE(ee[1], want_zo, 1e-6, "intercept-only: the second candidate too");
	UNIT_CLOSE(rep.current_error, cur_zo, 1e-6, "intercept-only zero_one: current error 1 - max p");
	UNIT_CLOSE(red[0], cur_zo - want_zo, 1e-6, "intercept-only zero_one: reduction = current - EE");
	UNIT_CHECK(rep.updates == 2 * k, "intercept-only: one update per candidate and class");
	snprintf(name, sizeof(name), "intercept-only k=%d log: EE = sum_y p_y H(q_y)", k);
	UNIT_CHECK(run_eer(&p, &m, AL_EER_LOSS_LOG, 100, ee, red, &rep) == AL_EER_OK, name);
	UNIT_CLOSE(ee[0], want_log, 1e-6, name);
	UNIT_CLOSE(rep.current_error, cur_log, 1e-6, "intercept-only log: current error H(p)");
	UNIT_CLOSE(red[1], cur_log - want_log, 1e-6, "intercept-only log: reduction = current - EE");
	al_softmax_model_free(&m, NULL);
	pool_free(&p);
}

/*
 * 1-D, two classes, mirror-symmetric: labeled -2, -1.5 (class 0) and 1.5,
 * 2 (class 1); candidates -1, -0.5, 0, 0.5, 1; the sample -3..3 by 0.25.
 * The mirror x -> -x with the classes swapped maps the problem onto
 * itself, so the current model predicts 1/2 at 0 and EE(-a) = EE(a); the
 * middle point is picked, as by the brute force.
 */
static void
check_symmetric(al_eer_loss loss, int standardize)
{
	static const float labeled[4] = {-2.0f, -1.5f, 1.5f, 2.0f};
	static const float cands[5] = {-1.0f, -0.5f, 0.0f, 0.5f, 1.0f};
	pool		p;
	al_softmax_model m;
	double		ee[5],
				bf[5],
				p0[2];
	int			i;
	char		name[160];
	const char *lname = loss == AL_EER_LOSS_LOG ? "log" : "zero_one";

	pool_alloc(&p, 1, 2, 4, 5, 25);
	memcpy(p.x, labeled, sizeof(labeled));
	p.y[0] = p.y[1] = 0;
	p.y[2] = p.y[3] = 1;
	memcpy(p.cand, cands, sizeof(cands));
	for (i = 0; i < 25; i++)
		p.sample[i] = -3.0f + 0.25f * i;
	if (!fit_current(&p, standardize, &m))
	{
		UNIT_CHECK(0, "symmetric fit");
		return;
	}
	ref_probs(&m, &p.cand[2], p0);
	snprintf(name, sizeof(name), "symmetric 1-D (standardize %d): p(y|0) = 1/2", standardize);
	UNIT_CLOSE(p0[0], 0.5, 1e-6, name);
	snprintf(name, sizeof(name), "symmetric 1-D %s (standardize %d): runs", lname, standardize);
	UNIT_CHECK(run_eer(&p, &m, loss, 20, ee, NULL, NULL) == AL_EER_OK, name);
	snprintf(name, sizeof(name), "symmetric 1-D %s: EE(-1) = EE(1), EE(-0.5) = EE(0.5)", lname);
	UNIT_CHECK(fabs(ee[0] - ee[4]) < 1e-6 && fabs(ee[1] - ee[3]) < 1e-6, name);
	snprintf(name, sizeof(name), "symmetric 1-D %s (standardize %d): the middle point is picked", lname, standardize);
	UNIT_CHECK(argmin(ee, 5) == 2 && ee[2] < ee[1] - 1e-4, name);
	brute_force(&p, &m, loss, 1, bf);
	snprintf(name, sizeof(name), "symmetric 1-D %s (standardize %d): the brute force picks the middle too", lname, standardize);
	UNIT_CHECK(argmin(bf, 5) == 2, name);
	printf("# symmetric %s std %d: EE %.6f %.6f %.6f, brute %.6f %.6f %.6f\n", lname, standardize,
		   ee[0], ee[1], ee[2], bf[0], bf[1], bf[2]);
	al_softmax_model_free(&m, NULL);
	pool_free(&p);
}

/*
 * A tiny random pool: k Gaussian classes in d dimensions, n labeled rows
 * (a few per class), m candidates and s sample rows drawn from the same
 * mixture.
 */
static void
make_tiny_pool(pool *p, int d, int k, int per_class, int m, int s, uint64_t seed)
{
	al_rng		r;
	double		mu[8 * 8];
	int			i,
				j,
				c;

	pool_alloc(p, d, k, per_class * k, m, s);
	al_rng_seed(&r, seed);
	for (i = 0; i < k * d; i++)
		mu[i] = 1.5 * al_rng_normal(&r);
	for (i = 0; i < p->n; i++)
	{
		p->y[i] = i % k;
		for (j = 0; j < d; j++)
			p->x[i * d + j] = (float) (mu[p->y[i] * d + j] + al_rng_normal(&r));
	}
	for (i = 0; i < m + s; i++)
	{
		float	   *dst = i < m ? p->cand + (size_t) i * d : p->sample + (size_t) (i - m) * d;

		c = (int) al_rng_below(&r, (uint64_t) k);
		for (j = 0; j < d; j++)
			dst[j] = (float) (mu[c * d + j] + 1.3 * al_rng_normal(&r));
	}
}

/*
 * On tiny pools the warm-started update (default steps) picks the item
 * the brute-force full retrain picks, and with many steps it gives the
 * brute force's expected errors.
 */
static void
check_brute_force(uint64_t seed, al_eer_loss loss, int standardize)
{
	pool		p;
	al_softmax_model m;
	al_eer_options dflt;
	al_eer_report rep;
	double		ee[8],
				bf[8],
				maxdiff = 0;
	int			i;
	char		name[160];
	const char *lname = loss == AL_EER_LOSS_LOG ? "log" : "zero_one";

	al_eer_options_init(&dflt);
	make_tiny_pool(&p, 2, 3, 3, 8, 40, seed);
	if (!fit_current(&p, standardize, &m))
	{
		UNIT_CHECK(0, "tiny pool fit");
		return;
	}
	brute_force(&p, &m, loss, 1, bf);
	snprintf(name, sizeof(name), "tiny pool %llu %s std %d: default steps pick the brute force's item",
			 (unsigned long long) seed, lname, standardize);
	UNIT_CHECK(run_eer(&p, &m, loss, dflt.steps, ee, NULL, &rep) == AL_EER_OK &&
			   argmin(ee, p.m) == argmin(bf, p.m), name);
	UNIT_CLOSE(rep.current_error, ref_loss(&m, &p, loss), 1e-6, "current error = the model's mean loss on the sample");
	UNIT_CHECK(rep.updates == p.m * p.k && rep.iterations <= (long) dflt.steps * rep.updates &&
			   rep.evaluations >= rep.iterations, "report: updates, iterations within steps, evaluations");
	UNIT_CHECK(run_eer(&p, &m, loss, AL_EER_MAX_STEPS, ee, NULL, NULL) == AL_EER_OK, "many steps run");
	for (i = 0; i < p.m; i++)
		maxdiff = fmax(maxdiff, fabs(ee[i] - bf[i]));
	snprintf(name, sizeof(name), "tiny pool %llu %s std %d: converged updates give the brute force's EE",
			 (unsigned long long) seed, lname, standardize);
	UNIT_CHECK(maxdiff < 1e-5, name);
	if (maxdiff >= 1e-5)
		printf("#   max |EE - brute force| = %g\n", maxdiff);
	al_softmax_model_free(&m, NULL);
	pool_free(&p);
}

/* Bitwise equality of two models' coefficients and intercepts. */
static int
same_weights(const al_softmax_model *a, const al_softmax_model *b)
{
	return a->k == b->k && a->d == b->d &&
		memcmp(a->coef, b->coef, sizeof(double) * a->k * a->d) == 0 &&
		memcmp(a->intercept, b->intercept, sizeof(double) * a->k) == 0;
}

/* A copy of a model in a new block (mean and scale copied too). */
static void
copy_model(const al_softmax_model *src, al_softmax_model *dst)
{
	al_softmax_model_alloc(dst, src->k, src->d, src->standardized, NULL);
	memcpy(dst->coef, src->coef, sizeof(double) * src->k * src->d);
	memcpy(dst->intercept, src->intercept, sizeof(double) * src->k);
	if (src->standardized)
	{
		memcpy(dst->mean, src->mean, sizeof(double) * src->d);
		memcpy(dst->scale, src->scale, sizeof(double) * src->d);
	}
}

/*
 * al_softmax_refine: from zero it is the fit (bitwise); from the optimum
 * it stays there; it keeps the standardization and the absent classes;
 * members are ignored; and its statuses.
 */
static void
check_refine(void)
{
	pool		p;
	al_softmax_options o;
	al_softmax_data d;
	al_softmax_model fit,
				r,
				before;
	al_softmax_report rep;
	double		f0,
				f1;

	make_tiny_pool(&p, 3, 3, 6, 1, 1, 11);
	d = labeled_data(&p);
	al_softmax_options_init(&o);
	al_softmax_fit(&d, &o, 0, &fit, NULL);
	al_softmax_model_alloc(&r, 3, 3, 0, NULL);
	UNIT_CHECK(al_softmax_refine(&d, &o, &r, &rep) == AL_SM_OK && same_weights(&r, &fit),
			   "refine from zero = the fit from scratch (bitwise)");
	o.members = 3;
	al_softmax_model_free(&r, NULL);
	al_softmax_model_alloc(&r, 3, 3, 0, NULL);
	UNIT_CHECK(al_softmax_refine(&d, &o, &r, NULL) == AL_SM_OK && same_weights(&r, &fit),
			   "refine ignores members (no bootstrap)");
	o.members = 1;
	al_softmax_model_free(&fit, NULL);
	al_softmax_model_free(&r, NULL);

	converged_options(&o);
	o.standardize = 1;
	al_softmax_fit(&d, &o, 0, &fit, NULL);
	copy_model(&fit, &r);
	al_softmax_objective(&d, &o, &fit, &f0, NULL);
	o.max_iter = 50;
	UNIT_CHECK(al_softmax_refine(&d, &o, &r, &rep) == AL_SM_OK && rep.converged, "refine from the optimum converges");
	al_softmax_objective(&d, &o, &r, &f1, NULL);
	UNIT_CHECK(f1 <= f0 && rep.iterations <= 2, "refine from the optimum stays there");
	UNIT_CHECK(memcmp(r.mean, fit.mean, sizeof(double) * 3) == 0 &&
			   memcmp(r.scale, fit.scale, sizeof(double) * 3) == 0, "refine keeps the standardization");
	al_softmax_model_free(&r, NULL);

	/* an absent class stays absent; a row of it is refused */
	copy_model(&fit, &r);
	r.intercept[2] = -INFINITY;
	memset(r.coef + 6, 0, sizeof(double) * 3);
	{
		al_softmax_data d2 = d;
		double		w[18];
		int			i;

		for (i = 0; i < 18; i++)
			w[i] = p.y[i] == 2 ? 0.0 : 1.0;
		d2.weight = w;
		UNIT_CHECK(al_softmax_refine(&d2, &o, &r, NULL) == AL_SM_OK && r.intercept[2] == -INFINITY &&
				   r.coef[6] == 0 && r.coef[8] == 0, "refine keeps an absent class absent");
		copy_model(&r, &before);
		UNIT_CHECK(al_softmax_refine(&d, &o, &r, NULL) == AL_SM_ABSENT_CLASS && same_weights(&r, &before),
				   "a row of an absent class -> AL_SM_ABSENT_CLASS, model unchanged");
		r.intercept[1] = -INFINITY;
		for (i = 0; i < 18; i++)
			w[i] = p.y[i] == 0 ? 1.0 : 0.0;
		UNIT_CHECK(al_softmax_refine(&d2, &o, &r, NULL) == AL_SM_ONE_CLASS, "one present class -> AL_SM_ONE_CLASS");
		al_softmax_model_free(&before, NULL);
	}
	d.d = 2;
	UNIT_CHECK(al_softmax_refine(&d, &o, &fit, NULL) == AL_SM_MODEL_MISMATCH, "refine: other d -> AL_SM_MODEL_MISMATCH");
	d.d = 3;
	o.c = -1;
	UNIT_CHECK(al_softmax_refine(&d, &o, &fit, NULL) == AL_SM_BAD_C, "refine validates the options");
	UNIT_CHECK(al_softmax_refine(&d, NULL, NULL, NULL) == AL_SM_NULL_ARG, "refine: no model -> AL_SM_NULL_ARG");
	al_softmax_model_free(&r, NULL);
	al_softmax_model_free(&fit, NULL);
	pool_free(&p);
}

/*
 * A class absent from the model (intercept -inf, as a fit gives a class
 * without rows) has p(y|x) = 0: it is never an update, and the expected
 * errors are those of the same model without that class.
 */
static void
check_absent_class(void)
{
	pool		p;
	al_softmax_options o;
	al_softmax_data d;
	al_softmax_model m3,
				m2;
	al_eer_report r3,
				r2;
	double		e3[8],
				e2[8];
	int			i,
				same = 1;

	make_tiny_pool(&p, 2, 2, 4, 8, 30, 21);
	d = labeled_data(&p);
	al_softmax_options_init(&o);
	d.k = 3;
	al_softmax_fit(&d, &o, 0, &m3, NULL);
	d.k = 2;
	al_softmax_fit(&d, &o, 0, &m2, NULL);
	UNIT_CHECK(m3.intercept[2] == -INFINITY, "a fit without rows of class 2 makes it absent");
	p.k = 3;
	UNIT_CHECK(run_eer(&p, &m3, AL_EER_LOSS_LOG, 20, e3, NULL, &r3) == AL_EER_OK, "absent class: runs");
	p.k = 2;
	run_eer(&p, &m2, AL_EER_LOSS_LOG, 20, e2, NULL, &r2);
	for (i = 0; i < 8; i++)
		same &= fabs(e3[i] - e2[i]) <= 1e-12;
	UNIT_CHECK(same && r3.updates == 16 && r2.updates == 16,
			   "absent class: no update for it, the expected errors of the model without it");
	p.k = 3;
	p.y[0] = 2;
	UNIT_CHECK(run_eer(&p, &m3, AL_EER_LOSS_LOG, 20, e3, NULL, &r3) == AL_EER_TRAIN &&
			   r3.train_status == AL_SM_ABSENT_CLASS, "a labeled row of an absent class -> AL_EER_TRAIN (absent class)");
	al_softmax_model_free(&m3, NULL);
	al_softmax_model_free(&m2, NULL);
	pool_free(&p);
}

/*
 * Sample weights: a labeled row of weight 0 changes nothing (bitwise),
 * whatever its class; weight 2 is the row twice.
 */
static void
check_weights(void)
{
	pool		p,
				q;
	al_softmax_model m;
	al_eer_options o;
	al_softmax_data d;
	al_eer_input in;
	double		w[13],
				e0[4],
				e1[4],
				e2[4],
				diff = 0;
	int			i;

	make_tiny_pool(&p, 2, 3, 4, 4, 20, 31);
	fit_current(&p, 0, &m);
	run_eer(&p, &m, AL_EER_LOSS_LOG, 20, e0, NULL, NULL);
	/* q = p plus a 13th labeled row, of weight 0 then of weight 2 */
	make_tiny_pool(&q, 2, 3, 4, 4, 20, 31);
	free(q.x);
	free(q.y);
	q.x = calloc(14 * 2, sizeof(float));
	q.y = calloc(14, sizeof(int));
	memcpy(q.x, p.x, sizeof(float) * 24);
	memcpy(q.y, p.y, sizeof(int) * 12);
	q.x[24] = 40.0f;
	q.x[25] = -7.0f;
	q.y[12] = 1;
	q.n = 13;
	for (i = 0; i < 13; i++)
		w[i] = 1.0;
	w[12] = 0.0;
	al_eer_options_init(&o);
	o.train.tol = 1e-8;
	d = labeled_data(&q);
	d.weight = w;
	in = (al_eer_input) {&m, &d, q.cand, q.m, q.sample, q.s};
	UNIT_CHECK(al_eer_expected_error(&in, &o, e1, NULL, NULL) == AL_EER_OK &&
			   memcmp(e0, e1, sizeof(e0)) == 0, "a labeled row of weight 0 changes nothing (bitwise)");
	/* weight 2 on row 0 = row 0 twice */
	memcpy(q.x + 24, p.x, sizeof(float) * 2);
	q.y[12] = p.y[0];
	w[12] = 1.0;
	d.weight = NULL;
	o.steps = AL_EER_MAX_STEPS;
	al_eer_expected_error(&in, &o, e1, NULL, NULL);
	for (i = 0; i < 13; i++)
		w[i] = 1.0;
	w[0] = 2.0;
	d.n = 12;
	d.weight = w;
	al_eer_expected_error(&in, &o, e2, NULL, NULL);
	for (i = 0; i < 4; i++)
		diff = fmax(diff, fabs(e1[i] - e2[i]));
	UNIT_CHECK(diff < 1e-6, "weight 2 on a labeled row = the row twice");
	al_softmax_model_free(&m, NULL);
	pool_free(&p);
	pool_free(&q);
}

/*
 * Blocks change nothing but rounding: one model and one sample row per
 * block, or one candidate per call, give the expected errors of one big
 * block; and a second call is bit-identical.
 */
static void
check_blocks_and_determinism(void)
{
	pool		p;
	al_softmax_model m;
	al_eer_options o;
	al_softmax_data d;
	al_eer_input in;
	double		e0[8],
				e1[8],
				e2[8],
				e3[8],
				diff1 = 0,
				diff2 = 0;
	int			i;

	make_tiny_pool(&p, 5, 4, 3, 8, 37, 41);
	fit_current(&p, 1, &m);
	al_eer_options_init(&o);
	d = labeled_data(&p);
	in = (al_eer_input) {&m, &d, p.cand, p.m, p.sample, p.s};
	al_eer_expected_error(&in, &o, e0, NULL, NULL);
	al_eer_expected_error(&in, &o, e3, NULL, NULL);
	UNIT_CHECK(memcmp(e0, e3, sizeof(e0)) == 0, "a second call is bit-identical");
	o.block_floats = 1;
	al_eer_expected_error(&in, &o, e1, NULL, NULL);
	o.block_floats = 0;
	in.m = 1;
	for (i = 0; i < 8; i++)
	{
		in.cand = p.cand + i * p.d;
		al_eer_expected_error(&in, &o, &e2[i], NULL, NULL);
	}
	for (i = 0; i < 8; i++)
	{
		diff1 = fmax(diff1, fabs(e1[i] - e0[i]));
		diff2 = fmax(diff2, fabs(e2[i] - e0[i]));
	}
	UNIT_CHECK(diff1 < 1e-6, "one model and one sample row per block: the same expected errors");
	UNIT_CHECK(diff2 < 1e-6, "one candidate per call: the same expected errors");
	al_softmax_model_free(&m, NULL);
	pool_free(&p);
}


/* Stop at the call numbered *arg (counting down). */
static int
cancel_after(void *arg, int iter, double f, double gnorm)
{
	int		   *left = arg;

	(void) iter;
	(void) f;
	(void) gnorm;
	return --(*left) < 0;
}

/* The hooks are used and balanced; failures and cancellation free all. */
static void
check_hooks(void)
{
	pool		p;
	al_softmax_model m;
	al_eer_options o;
	al_softmax_data d;
	al_eer_input in;
	al_eer_report rep;
	double		e[8];
	int			left;

	make_tiny_pool(&p, 2, 3, 3, 8, 20, 51);
	fit_current(&p, 0, &m);
	al_eer_options_init(&o);
	o.train.alloc_fn = count_alloc;
	o.train.free_fn = count_free;
	d = labeled_data(&p);
	in = (al_eer_input) {&m, &d, p.cand, p.m, p.sample, p.s};
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_OK && alloc_count > 1 &&
			   alloc_count == free_count, "allocator hooks are used and balanced");
	alloc_count = free_count = 0;
	alloc_fail_after = 0;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_NO_MEMORY,
			   "first allocation fails -> AL_EER_NO_MEMORY");
	alloc_count = free_count = 0;
	alloc_fail_after = 3;		/* an update's workspace */
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, &rep) == AL_EER_NO_MEMORY &&
			   rep.train_status == AL_SM_NO_MEMORY && alloc_count == free_count,
			   "an update's allocation fails -> AL_EER_NO_MEMORY, nothing leaks");
	alloc_fail_after = -1;
	alloc_count = free_count = 0;
	o.train.progress = cancel_after;
	o.train.progress_arg = &left;
	left = 0;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_CANCELLED &&
			   alloc_count == free_count, "cancelled at once -> AL_EER_CANCELLED, nothing leaks");
	left = 50;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_CANCELLED &&
			   alloc_count == free_count, "cancelled in an update -> AL_EER_CANCELLED, nothing leaks");
	al_softmax_model_free(&m, NULL);
	pool_free(&p);
}

/* Live and peak bytes of the allocations through peak_alloc/peak_free. */
static size_t live_bytes,
			peak_bytes;

/* Allocate with a size header, tracking the peak of live bytes. */
static void *
peak_alloc(size_t size)
{
	size_t	   *h = malloc(size + sizeof(size_t) * 2);

	if (h == NULL)
		return NULL;
	h[0] = size;
	live_bytes += size;
	if (live_bytes > peak_bytes)
		peak_bytes = live_bytes;
	return h + 2;
}

/* Free what peak_alloc allocated. */
static void
peak_free(void *ptr)
{
	size_t	   *h = (size_t *) ptr - 2;

	live_bytes -= h[0];
	free(h);
}

/*
 * al_eer_memory_bytes is the peak of what a call allocates: checked with
 * counting hooks on pools of several shapes, default and tiny blocks,
 * weighted labeled rows or not.
 */
static void
check_memory_bytes(void)
{
	static const int shapes[4][6] = {
		/* d, k, per class, m, s, block_floats */
		{2, 3, 3, 8, 20, 0}, {5, 4, 10, 30, 200, 0}, {3, 3, 6, 12, 50, 7}, {8, 2, 20, 1, 1, 1}
	};
	int			i,
				weighted;

	for (i = 0; i < 4; i++)
		for (weighted = 0; weighted <= 1; weighted++)
		{
			pool		p;
			al_softmax_model m;
			al_eer_options o;
			al_softmax_data d;
			al_eer_input in;
			double		e[64];
			double	   *w;
			size_t		bound;
			al_eer_status st;
			char		name[160];

			make_tiny_pool(&p, shapes[i][0], shapes[i][1], shapes[i][2], shapes[i][3], shapes[i][4],
						   70 + i);
			fit_current(&p, 0, &m);
			al_eer_options_init(&o);
			o.block_floats = shapes[i][5];
			o.train.alloc_fn = peak_alloc;
			o.train.free_fn = peak_free;
			d = labeled_data(&p);
			w = malloc(sizeof(double) * d.n);
			for (int r = 0; r < d.n; r++)
				w[r] = 1.0 + r % 3;
			d.weight = weighted ? w : NULL;
			in = (al_eer_input) {&m, &d, p.cand, p.m, p.sample, p.s};
			live_bytes = peak_bytes = 0;
			bound = al_eer_memory_bytes(&o, p.m, p.s, d.n, d.d, d.k, al_eer_present_classes(&m), weighted);
			st = al_eer_expected_error(&in, &o, e, NULL, NULL);
			snprintf(name, sizeof(name),
					 "memory bound = peak allocation (d %d, k %d, n %d, m %d, s %d, block %d, weighted %d): %zu vs %zu",
					 d.d, d.k, d.n, p.m, p.s, shapes[i][5], weighted, bound, peak_bytes);
			UNIT_CHECK(st == AL_EER_OK && live_bytes == 0 && peak_bytes > 0 && bound == peak_bytes, name);
			free(w);
			al_softmax_model_free(&m, NULL);
			pool_free(&p);
		}
}

/* A hand-made model of 2 classes and 1 feature (no BLAS needed). */
static void
tiny_model(al_softmax_model *m, double *coef, double *b)
{
	memset(m, 0, sizeof(*m));
	m->k = 2;
	m->d = 1;
	coef[0] = -1;
	coef[1] = 1;
	b[0] = b[1] = 0;
	m->coef = coef;
	m->intercept = b;
}

/* Every status, in the documented order; run before BLAS is loaded. */
static void
check_statuses(void)
{
	double		coef[2],
				b[2],
				mean = 0,
				scale = 0,
				e[2];
	float		x[2] = {-1, 1},
				cand[2] = {0, 0.5f},
				smp[3] = {-1, 0, 1};
	int			y[2] = {0, 1};
	al_softmax_model m;
	al_softmax_data d = {x, y, NULL, 2, 1, 2};
	al_eer_input in = {&m, &d, cand, 2, smp, 3};
	al_eer_options o;
	al_eer_report rep;

	tiny_model(&m, coef, b);
	al_eer_options_init(&o);
	UNIT_CHECK(al_eer_expected_error(NULL, &o, e, NULL, NULL) == AL_EER_NULL_ARG, "no input -> AL_EER_NULL_ARG");
	UNIT_CHECK(al_eer_expected_error(&in, &o, NULL, NULL, NULL) == AL_EER_NULL_ARG, "no output -> AL_EER_NULL_ARG");
	in.sample = NULL;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_NULL_ARG, "no sample -> AL_EER_NULL_ARG");
	in.sample = smp;
	o.loss = (al_eer_loss) 7;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_BAD_LOSS, "loss 7 -> AL_EER_BAD_LOSS");
	o.loss = AL_EER_LOSS_ZERO_ONE;
	o.steps = 0;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_BAD_STEPS, "steps 0 -> AL_EER_BAD_STEPS");
	o.steps = AL_EER_MAX_STEPS + 1;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_BAD_STEPS, "steps 1001 -> AL_EER_BAD_STEPS");
	o.steps = 1;
	o.block_floats = -1;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_BAD_BLOCK, "block_floats -1 -> AL_EER_BAD_BLOCK");
	o.block_floats = 0;
	in.m = 0;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_NO_CANDIDATES, "m 0 -> AL_EER_NO_CANDIDATES");
	in.m = 2;
	in.s = 0;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_NO_SAMPLE, "s 0 -> AL_EER_NO_SAMPLE");
	in.s = 3;
	b[1] = -INFINITY;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_BAD_MODEL, "one present class -> AL_EER_BAD_MODEL");
	b[1] = NAN;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_BAD_MODEL, "NaN intercept -> AL_EER_BAD_MODEL");
	b[1] = 0;
	coef[0] = INFINITY;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_BAD_MODEL, "infinite coefficient -> AL_EER_BAD_MODEL");
	coef[0] = -1;
	m.standardized = 1;
	m.mean = &mean;
	m.scale = &scale;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_BAD_MODEL, "scale 0 -> AL_EER_BAD_MODEL");
	m.standardized = 0;
	d.k = 3;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_MODEL_MISMATCH, "labeled k 3, model k 2 -> AL_EER_MODEL_MISMATCH");
	d.k = 2;
	cand[1] = NAN;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_NONFINITE_X, "NaN candidate -> AL_EER_NONFINITE_X");
	cand[1] = 0.5f;
	smp[2] = -INFINITY;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_NONFINITE_X, "infinite sample value -> AL_EER_NONFINITE_X");
	smp[2] = 1;
	y[1] = 2;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, &rep) == AL_EER_TRAIN && rep.train_status == AL_SM_BAD_LABEL,
			   "labeled class 2 of 2 -> AL_EER_TRAIN (bad label)");
	y[1] = 1;
	x[0] = NAN;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, &rep) == AL_EER_TRAIN && rep.train_status == AL_SM_NONFINITE_X,
			   "NaN labeled value -> AL_EER_TRAIN (non-finite x)");
	x[0] = -1;
	o.train.c = 0;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, &rep) == AL_EER_TRAIN && rep.train_status == AL_SM_BAD_C,
			   "c 0 -> AL_EER_TRAIN (bad c)");
	o.train.c = 1;
	o.train.max_iter = 0;
	o.train.members = 0;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_NO_BLAS,
			   "without BLAS -> AL_EER_NO_BLAS (the trainer's max_iter and members are ignored)");
	d.n = 0;
	d.x = NULL;
	d.y = NULL;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_NO_BLAS,
			   "no labeled rows are allowed (then only BLAS is missing)");
	UNIT_CHECK(strcmp(al_eer_status_message(AL_EER_BAD_STEPS), "steps must be between 1 and 1000") == 0 &&
			   strcmp(al_eer_status_message((al_eer_status) 99), "unknown status") == 0 &&
			   strcmp(al_sm_status_message(AL_SM_ABSENT_CLASS), "a training row has a class the model gives probability 0") == 0,
			   "status messages");
}

/*
 * The work estimate, against the formula worked out by hand: 100
 * candidates, 1,000 sample rows, 100 labeled rows, 64 features, 10
 * classes, 20 steps: 100 x 10 x (20 x (2 x 101 + 40) x 65 x 10 + 1000 x 64
 * x 10) = 1000 x (3,146,000 + 640,000).
 */
static void
check_work_estimate(void)
{
	double		big;

	UNIT_CLOSE(al_eer_work_estimate(100, 1000, 100, 64, 10, 20), 3.786e9, 1e-6,
			   "work estimate: the defaults on 100 labels of 64 features, 10 classes");
	UNIT_CLOSE(al_eer_work_estimate(1, 1, 0, 1, 2, 1), 2 * (1 * 42 * 2 * 2 + 1 * 1 * 2), 1e-12,
			   "work estimate: one candidate, one sample row, no labeled row");
	UNIT_CHECK(al_eer_work_estimate(-5, 1000, 100, 64, 10, 20) == 0 &&
			   al_eer_work_estimate(100, 1000, 100, 64, 0, 20) == 0,
			   "work estimate: no candidates or no classes, no work");
	big = 1e4 * 32767.0 * (1000.0 * (2 * 1000001.0 + 40) * 30001 * 32767 + 1e5 * 30000.0 * 32767);
	UNIT_CHECK(fabs(al_eer_work_estimate(10000, 100000, 1000000, 30000, 32767, 1000) / big - 1) < 1e-12,
			   "work estimate: no overflow at the limits (doubles, relative 1e-12)");
}

/*
 * No labeled rows: each update fits the candidate's row alone from the
 * current weights; the expected errors are finite, within [0, ln k] for
 * the log loss, and the report counts one update per candidate and class.
 */
static void
check_no_labeled_rows(void)
{
	pool		p;
	al_softmax_model m;
	al_eer_report rep;
	double		ee[6];
	int			i,
				ok = 1;

	make_tiny_pool(&p, 2, 3, 3, 6, 25, 61);
	fit_current(&p, 1, &m);
	p.n = 0;
	UNIT_CHECK(run_eer(&p, &m, AL_EER_LOSS_LOG, 20, ee, NULL, &rep) == AL_EER_OK,
			   "no labeled rows (with BLAS): runs");
	for (i = 0; i < 6; i++)
		ok &= isfinite(ee[i]) && ee[i] >= 0 && ee[i] <= log(3.0) + 1e-9;
	UNIT_CHECK(ok && rep.updates == 18, "no labeled rows: finite expected errors in [0, ln 3], 18 updates");
	al_softmax_model_free(&m, NULL);
	pool_free(&p);
}

/*
 * A sample row whose float logits overflow (two features of 3e38 under
 * weights of 1): AL_EER_NUMERIC, never a NaN expected error; the same
 * call without that row runs.
 */
static void
check_numeric(void)
{
	double		coef[4] = {-1, -1, 1, 1},
				b[2] = {0, 0},
				e[2];
	float		cand[4] = {0.5f, 0.5f, -0.5f, 0.25f},
				smp[4] = {1, -1, 3e38f, 3e38f};
	al_softmax_model m;
	al_softmax_data d = {NULL, NULL, NULL, 0, 2, 2};
	al_eer_input in = {&m, &d, cand, 2, smp, 2};
	al_eer_options o;

	memset(&m, 0, sizeof(m));
	m.k = 2;
	m.d = 2;
	m.coef = coef;
	m.intercept = b;
	al_eer_options_init(&o);
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_NUMERIC,
			   "a sample row whose logits overflow -> AL_EER_NUMERIC");
	in.s = 1;
	UNIT_CHECK(al_eer_expected_error(&in, &o, e, NULL, NULL) == AL_EER_OK && isfinite(e[0]) && isfinite(e[1]),
			   "without it: finite expected errors");
	UNIT_CHECK(strcmp(al_eer_status_message(AL_EER_NUMERIC),
					  "the expected errors are not finite (feature values too large)") == 0,
			   "AL_EER_NUMERIC's message");
}

/* No-BLAS checks first, then load BLAS and run everything else. */
int
main(void)
{
	char		err[256];
	static const int c2[2] = {3, 1};
	static const int c3[3] = {2, 1, 1};
	uint64_t	seed;

	check_statuses();
	check_work_estimate();
	if (al_blas_load(NULL, "auto", err, sizeof(err)) != 0)
	{
		printf("not ok 1 - BLAS loads: %s\n1..1\n", err);
		return 1;
	}
	check_intercept_only(2, c2);
	check_intercept_only(3, c3);
	check_symmetric(AL_EER_LOSS_LOG, 0);
	check_symmetric(AL_EER_LOSS_ZERO_ONE, 0);
	check_symmetric(AL_EER_LOSS_LOG, 1);
	for (seed = 1; seed <= 6; seed++)
	{
		check_brute_force(seed, AL_EER_LOSS_LOG, 0);
		check_brute_force(seed, AL_EER_LOSS_ZERO_ONE, 0);
		check_brute_force(seed, AL_EER_LOSS_LOG, 1);
	}
	check_refine();
	check_absent_class();
	check_weights();
	check_blocks_and_determinism();
	check_hooks();
	check_memory_bytes();
	check_no_labeled_rows();
	check_numeric();
	return unit_done();
}
