/*
 * ovr_model.c - the one-vs-rest logistic trainer and predictor: every
 * label's binary cross-entropy and L2 penalty, summed, minimized by one
 * L-BFGS run over blocks of rows with cblas_dgemm.  See ovr_model.h and
 * doc/models.md ("Model families").
 */
#include "ovr_model.h"

#include "al_blas.h"
#include "lbfgs.h"

#include <limits.h>
#include <math.h>
#include <string.h>

/* What the objective needs: the rows, the optimized labels, the buffers. */
typedef struct ovr_problem
{
	al_linear_blocks lin;		/* the blocks' evaluation (al_linear_fg) */
	al_row_blocks rb;			/* the rows of positive weight, a block at a time */
	const unsigned char *y;
	int			k;				/* labels of the data */
	int			kk;				/* labels optimized */
	const int  *lab;			/* kk: the data's label of each optimized one */
	double	   *zb;				/* block x kk logits, then residuals */
	double	   *tb;				/* block x kk exp(-|z|) */
} ovr_problem;

/* Scratch of one fit or objective, carved from a single allocation. */
typedef struct ovr_work
{
	void	   *mem;
	double	   *theta;			/* kk (d + 1) */
	double	   *grad;
	double	   *lbfgs;
	double	   *xb;
	double	   *zb;
	double	   *tb;
	double	   *rw;
	double	   *ew;				/* n (committees) */
	double	   *stats;			/* 2d */
	double	   *pw;				/* k: weight of the rows having each label */
	int		   *rows;
	int		   *lab;			/* k */
	int		   *pos;			/* n (committees) */
} ovr_work;

/* Allocate the scratch of a fit (with_fit) or an objective in one block. */
static al_sm_status
work_alloc(ovr_work *w, const al_softmax_options *opt, const al_ovr_data *data,
		   int block, int with_fit)
{
	size_t		n = (size_t) data->n,
				d = (size_t) data->d,
				k = (size_t) data->k,
				b = (size_t) block,
				p = k * (d + 1),
				boot = (with_fit && opt->members > 1) ? n : 0,
				lb = with_fit ? al_lbfgs_work_size(p, opt->lbfgs_m) : 0,
				nd = 2 * p + lb + b * d + 2 * b * k + b + boot + 2 * d + k,
				ni = b + k + boot;
	double	   *dm;
	int		   *im;

	memset(w, 0, sizeof(*w));
	w->mem = al_softmax_alloc(opt, nd * sizeof(double) + ni * sizeof(int));
	if (w->mem == NULL)
		return AL_SM_NO_MEMORY;
	dm = w->mem;
	w->theta = dm;
	w->grad = w->theta + p;
	w->lbfgs = w->grad + p;
	w->xb = w->lbfgs + lb;
	w->zb = w->xb + b * d;
	w->tb = w->zb + b * k;
	w->rw = w->tb + b * k;
	w->ew = boot ? w->rw + b : NULL;
	w->stats = w->rw + b + boot;
	w->pw = w->stats + 2 * d;
	im = (int *) (dm + nd);
	w->rows = im;
	w->lab = im + b;
	w->pos = boot ? im + b + k : NULL;
	return AL_SM_OK;
}

/* See ovr_model.h for the order of the checks. */
al_sm_status
al_ovr_validate(const al_ovr_data *data, const al_softmax_options *opt, int member)
{
	al_softmax_options defaults;
	al_sm_status st;
	size_t		i,
				nk;

	opt = al_softmax_options_or_defaults(opt, &defaults);
	if (data == NULL || data->x == NULL || data->y == NULL)
		return AL_SM_NULL_ARG;
	if ((st = al_softmax_validate_options(opt, member)) != AL_SM_OK)
		return st;
	if (data->n < 1)
		return AL_SM_NO_ROWS;
	if (data->d < 1)
		return AL_SM_BAD_DIM;
	if (data->k < 1)
		return AL_SM_BAD_CLASSES;
	if ((int64_t) data->k * ((int64_t) data->d + 1) > INT_MAX / 2)
		return AL_SM_TOO_LARGE;
	nk = (size_t) data->n * (size_t) data->k;
	for (i = 0; i < nk; i++)
		if (data->y[i] > 1)
			return AL_SM_BAD_LABEL;
	return al_softmax_validate_rows(data->x, data->weight, data->n, data->d);
}

/* sigmoid(z), computed without overflow. */
double
al_ovr_sigmoid(double z)
{
	double		e;

	if (z >= 0)
		return 1.0 / (1.0 + exp(-z));
	e = exp(z);
	return e / (1.0 + e);
}

/* The next rows of positive weight, up to one block (al_row_blocks_next). */
static int
gather_block(void *arg, int *next)
{
	return al_row_blocks_next(&((ovr_problem *) arg)->rb, next);
}

/*
 * Logits in zb (nb x kk, before the intercepts b) -> weighted residuals
 * w (sigmoid(z) - y) in place.  Returns sum of w * BCE, computed stably as
 * max(z, 0) + log1p(exp(-|z|)) - y z; the exponentials of the block are
 * taken in one vectorized pass.
 */
static double
block_residuals(void *arg, const double *b, int nb)
{
	ovr_problem *p = arg;
	size_t		t,
				nz = (size_t) nb * p->kk;
	double		loss = 0;
	int			i,
				c;

	for (i = 0; i < nb; i++)
		for (c = 0; c < p->kk; c++)
		{
			t = (size_t) i * p->kk + c;
			p->zb[t] += b[c];
			p->tb[t] = -fabs(p->zb[t]);
		}
	al_softmax_exp_inplace(p->tb, nz);
	for (i = 0; i < nb; i++)
	{
		const unsigned char *y = p->y + (size_t) p->rb.rows[i] * p->k;
		double		wi = p->rb.rw[i];

		for (c = 0; c < p->kk; c++)
		{
			double		z,
						e,
						s,
						yc = y[p->lab[c]];

			t = (size_t) i * p->kk + c;
			z = p->zb[t];
			e = p->tb[t];
			s = (z >= 0) ? 1.0 / (1.0 + e) : e / (1.0 + e);
			loss += wi * (fmax(z, 0.0) + log1p(e) - yc * z);
			p->zb[t] = wi * (s - yc);
		}
	}
	return loss;
}

/*
 * The objective and gradient at theta = [W (kk x d), b (kk)]: the blocks'
 * logits and BCE residuals, then each label's penalty ||w_c||^2 / (2c)
 * (al_linear_fg, the softmax trainer's evaluation).
 */
static double
ovr_fg(void *arg, const double *theta, double *g)
{
	return al_linear_fg(&((ovr_problem *) arg)->lin, theta, g);
}

/* Fill the problem for the given weights, optimized labels and model. */
static void
problem_init(ovr_problem *p, const al_ovr_data *data, const al_softmax_options *opt,
			 const double *ew, const int *lab, int kk, const al_softmax_model *model,
			 ovr_work *w, int block)
{
	al_linear_blocks_init(&p->lin, kk, data->d, opt->c, w->xb, w->zb, gather_block,
						  block_residuals, p);
	al_row_blocks_init(&p->rb, data->x, ew, data->n, data->d, model, block, w->xb, w->rw,
					   w->rows);
	p->y = data->y;
	p->k = data->k;
	p->kk = kk;
	p->lab = lab;
	p->zb = w->zb;
	p->tb = w->tb;
}

/*
 * Which labels vary on the rows of positive weight ew: lab gets them in
 * order (returns how many); a label no such row has gets intercept -inf,
 * one every such row has +inf (coef 0 for both; the model's arrays).
 */
static int
label_map(const al_ovr_data *data, const double *ew, ovr_work *w,
		  al_softmax_model *model, double *total)
{
	int			i,
				c,
				kk = 0,
				k = data->k;

	for (c = 0; c < k; c++)
		w->pw[c] = 0;
	*total = 0;
	for (i = 0; i < data->n; i++)
	{
		double		wi = ew ? ew[i] : 1.0;
		const unsigned char *y = data->y + (size_t) i * k;

		if (wi <= 0)
			continue;
		*total += wi;
		for (c = 0; c < k; c++)
			if (y[c])
				w->pw[c] += wi;
	}
	memset(model->coef, 0, (size_t) k * data->d * sizeof(double));
	for (c = 0; c < k; c++)
	{
		model->intercept[c] = 0;
		if (w->pw[c] <= 0)
			model->intercept[c] = -INFINITY;
		else if (w->pw[c] >= *total)
			model->intercept[c] = INFINITY;
		else
			w->lab[kk++] = c;
	}
	return kk;
}

/* Copy the optimized labels' parameters into the model. */
static void
expand_params(al_softmax_model *model, const double *theta, const int *lab, int kk)
{
	int			c,
				d = model->d;

	for (c = 0; c < kk; c++)
	{
		memcpy(model->coef + (size_t) lab[c] * d, theta + (size_t) c * d, d * sizeof(double));
		model->intercept[lab[c]] = theta[(size_t) kk * d + c];
	}
}

/* L-BFGS from zero on the kk varying labels; the result into the model. */
static al_sm_status
fit_lbfgs(const al_ovr_data *data, const al_softmax_options *opt, const double *ew,
		  ovr_work *w, int kk, int block, al_softmax_model *model, al_softmax_report *rep)
{
	ovr_problem prob;
	al_lbfgs_params lp;
	al_lbfgs_result res;
	size_t		np = (size_t) kk * ((size_t) data->d + 1);

	problem_init(&prob, data, opt, ew, w->lab, kk, model, w, block);
	memset(w->theta, 0, np * sizeof(double));
	al_softmax_lbfgs_params(opt, &lp);
	al_lbfgs_minimize(np, w->theta, NULL, ovr_fg, &prob, &lp, w->lbfgs, &res);
	expand_params(model, w->theta, w->lab, kk);
	return al_softmax_lbfgs_report(&res, rep);
}

/* Train one member; see ovr_model.h. */
al_sm_status
al_ovr_fit(const al_ovr_data *data, const al_softmax_options *opt, int member,
		   al_softmax_model *model, al_softmax_report *report)
{
	al_softmax_options defaults;
	al_softmax_report rep;
	ovr_work	w;
	const double *ew;
	al_sm_status st;
	int			block,
				kk;

	if (model == NULL)
		return AL_SM_NULL_ARG;
	memset(model, 0, sizeof(*model));
	memset(&rep, 0, sizeof(rep));
	opt = al_softmax_options_or_defaults(opt, &defaults);
	if ((st = al_ovr_validate(data, opt, member)) != AL_SM_OK)
		return st;
	if (al_blas_get() == NULL)
		return AL_SM_NO_BLAS;
	/* per row: d converted features, kk logits and kk exponentials */
	block = al_softmax_block_rows(opt->block_rows, data->n, data->d, 2 * data->k);
	if ((st = work_alloc(&w, opt, data, block, 1)) != AL_SM_OK)
		return st;
	ew = al_softmax_member_weights(data->weight, data->n, opt, member, w.ew, w.pos);
	st = al_softmax_model_alloc(model, data->k, data->d, opt->standardize, opt);
	if (st == AL_SM_OK)
	{
		kk = label_map(data, ew, &w, model, &rep.total_weight);
		rep.classes_present = kk;
		if (opt->standardize)
			al_softmax_feature_stats(data->x, data->n, data->d, ew, model->mean,
									 model->scale, w.stats, w.stats + data->d);
		if (kk == 0)
		{
			rep.stop = AL_SM_STOP_TRIVIAL;
			rep.converged = 1;
		}
		else
			st = fit_lbfgs(data, opt, ew, &w, kk, block, model, &rep);
	}
	if (st != AL_SM_OK)
		al_softmax_model_free(model, opt);
	al_softmax_free(opt, w.mem);
	if (report != NULL)
		*report = rep;
	return st;
}

/* al_ovr_fit for al_fit_members. */
static al_sm_status
fit_member(const void *data, const al_softmax_options *opt, int member,
		   al_softmax_model *model, al_softmax_report *report)
{
	return al_ovr_fit((const al_ovr_data *) data, opt, member, model, report);
}

/* Train every member; on error free what was trained. */
al_sm_status
al_ovr_fit_committee(const al_ovr_data *data, const al_softmax_options *opt,
					 al_softmax_model *models, al_softmax_report *reports)
{
	return al_fit_members(fit_member, data, opt, models, reports);
}

/* The trainer's objective at a model's parameters; see ovr_model.h. */
al_sm_status
al_ovr_objective(const al_ovr_data *data, const al_softmax_options *opt,
				 const al_softmax_model *model, double *f, double *grad)
{
	al_softmax_options defaults,
				one;
	ovr_problem prob;
	ovr_work	w;
	al_sm_status st;
	int			block,
				c,
				kk = 0,
				d;

	opt = al_softmax_options_or_defaults(opt, &defaults);
	one = *opt;
	one.members = 1;
	if (model == NULL || f == NULL)
		return AL_SM_NULL_ARG;
	if ((st = al_ovr_validate(data, &one, 0)) != AL_SM_OK)
		return st;
	if (model->k != data->k || model->d != data->d)
		return AL_SM_MODEL_MISMATCH;
	if (al_blas_get() == NULL)
		return AL_SM_NO_BLAS;
	d = data->d;
	block = al_softmax_block_rows(one.block_rows, data->n, d, 2 * data->k);
	if ((st = work_alloc(&w, &one, data, block, 0)) != AL_SM_OK)
		return st;
	for (c = 0; c < model->k; c++)
		if (isfinite(model->intercept[c]))
		{
			memcpy(w.theta + (size_t) kk * d, model->coef + (size_t) c * d, d * sizeof(double));
			w.lab[kk++] = c;
		}
	for (c = 0; c < kk; c++)
		w.theta[(size_t) kk * d + c] = model->intercept[w.lab[c]];
	problem_init(&prob, data, &one, data->weight, w.lab, kk, model, &w, block);
	*f = kk > 0 ? ovr_fg(&prob, w.theta, w.grad) : 0.0;
	if (grad != NULL)
	{
		memset(grad, 0, (size_t) data->k * (d + 1) * sizeof(double));
		for (c = 0; c < kk; c++)
		{
			memcpy(grad + (size_t) w.lab[c] * d, w.grad + (size_t) c * d, d * sizeof(double));
			grad[(size_t) data->k * d + w.lab[c]] = w.grad[(size_t) kk * d + c];
		}
	}
	al_softmax_free(&one, w.mem);
	return AL_SM_OK;
}

/* Label probabilities of one row: the sigmoid of each logit. */
void
al_ovr_predict_row(const al_softmax_model *model, const float *x, double *probs)
{
	int			c;

	al_softmax_logits_row(model, x, probs);
	for (c = 0; c < model->k; c++)
		probs[c] = al_ovr_sigmoid(probs[c]);
}

/* The members' mean label probabilities; see ovr_model.h. */
void
al_ovr_committee_predict_row(const al_softmax_model *members, int m, const float *x,
							 double *probs, double *scratch)
{
	int			k = members[0].k,
				i,
				c;

	al_ovr_predict_row(&members[0], x, probs);
	for (i = 1; i < m; i++)
	{
		al_ovr_predict_row(&members[i], x, scratch);
		for (c = 0; c < k; c++)
			probs[c] += scratch[c];
	}
	if (m > 1)
		for (c = 0; c < k; c++)
			probs[c] /= m;
}
