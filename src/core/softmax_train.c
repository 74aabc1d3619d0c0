/*
 * softmax_train.c - the softmax-regression trainer: objective and gradient
 * over blocks of rows with cblas_dgemm, standardization, bootstrap
 * committees, and the L-BFGS driver.  See softmax_model.h and
 * doc/models.md.
 */
#include "softmax_model.h"

#include "al_blas.h"
#include "al_rng.h"
#include "lbfgs.h"

#include <math.h>
#include <string.h>

#define LINE_SEARCH_EVALS 40

/* What the objective needs for one fit (or one objective evaluation). */
typedef struct sm_problem
{
	al_linear_blocks lin;		/* the blocks' evaluation (al_linear_fg) */
	al_row_blocks rb;			/* the rows; rb.rw has 2 block entries: the
								 * row weights, then the y logits */
	const int  *y;
	int			k;				/* classes in the parameter vector */
	const int  *cmap;			/* label -> class index, NULL = identity */
	double	   *zb;				/* block x k logits, then residuals */
	int		   *ry;				/* block class indices */
} sm_problem;

/* Scratch of one fit, carved from a single allocation. */
typedef struct sm_work
{
	void	   *mem;
	double	   *theta;			/* k (d + 1) parameters */
	double	   *grad;			/* k (d + 1) */
	double	   *lbfgs;			/* L-BFGS workspace (fits only) */
	double	   *xb;
	double	   *zb;
	double	   *rw;
	double	   *ew;				/* n member weights (committees only) */
	double	   *cw;				/* k class weights */
	double	   *stats;			/* 2d: per-feature min and max */
	int		   *rows;
	int		   *ry;
	int		   *cmap;			/* k */
	int		   *pos;			/* n rows of positive weight (committees) */
} sm_work;

/* The options to use: opt, or the defaults in *buf when opt is NULL. */
const al_softmax_options *
al_softmax_options_or_defaults(const al_softmax_options *opt, al_softmax_options *buf)
{
	if (opt != NULL)
		return opt;
	al_softmax_options_init(buf);
	return buf;
}

/*
 * The doubles and ints of the scratch block of a fit (with_fit) or of an
 * objective evaluation over n rows of d features and k classes, in blocks
 * of b rows (work_alloc's one allocation).
 */
static void
work_counts(const al_softmax_options *opt, size_t n, size_t d, size_t k, size_t b, int with_fit,
			size_t *nd, size_t *ni)
{
	size_t		p = k * (d + 1),
				boot = (with_fit && opt->members > 1) ? n : 0,
				lb = with_fit ? al_lbfgs_work_size(p, opt->lbfgs_m) : 0;

	*nd = 2 * p + lb + b * d + b * k + 2 * b + boot + k + 2 * d;
	*ni = 2 * b + k + boot;
}

/* Bytes al_softmax_refine allocates for n rows; see softmax_model.h. */
size_t
al_softmax_refine_work_bytes(const al_softmax_options *opt, int n, int d, int k)
{
	al_softmax_options defaults,
				one;
	size_t		nd,
				ni;

	one = *al_softmax_options_or_defaults(opt, &defaults);
	one.members = 1;
	work_counts(&one, (size_t) n, (size_t) d, (size_t) k,
				(size_t) al_softmax_block_rows(one.block_rows, n, d, k), 1, &nd, &ni);
	return nd * sizeof(double) + ni * sizeof(int);
}

/*
 * Allocate every scratch array of a fit (with_fit) or of an objective
 * evaluation in one block: doubles first, then ints.
 */
static al_sm_status
work_alloc(sm_work *w, const al_softmax_options *opt,
		   const al_softmax_data *data, int block, int with_fit)
{
	size_t		n = (size_t) data->n,
				d = (size_t) data->d,
				k = (size_t) data->k,
				b = (size_t) block,
				p = k * (d + 1),
				boot = (with_fit && opt->members > 1) ? n : 0,
				lb = with_fit ? al_lbfgs_work_size(p, opt->lbfgs_m) : 0,
				nd,
				ni;
	double	   *dm;
	int		   *im;

	work_counts(opt, n, d, k, b, with_fit, &nd, &ni);
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
	w->rw = w->zb + b * k;
	w->ew = boot ? w->rw + 2 * b : NULL;
	w->cw = w->rw + 2 * b + boot;
	w->stats = w->cw + k;
	im = (int *) (dm + nd);
	w->rows = im;
	w->ry = im + b;
	w->cmap = im + 2 * b;
	w->pos = boot ? im + 2 * b + k : NULL;
	return AL_SM_OK;
}

/* The next rows of positive weight, up to one block; see softmax_model.h. */
int
al_row_blocks_next(al_row_blocks *rb, int *next)
{
	int			nb = 0,
				i = *next;
	double		wi;

	for (; i < rb->n && nb < rb->block; i++)
	{
		wi = rb->w ? rb->w[i] : 1.0;
		if (wi > 0)
		{
			rb->rows[nb] = i;
			rb->rw[nb] = wi;
			nb++;
		}
	}
	*next = i;
	if (nb > 0)
		al_softmax_convert_rows(rb->x, rb->d, rb->w ? rb->rows : NULL,
								rb->rows[0], nb, rb->mean, rb->scale, rb->xb);
	return nb;
}

/* Fill a row source; see softmax_model.h. */
void
al_row_blocks_init(al_row_blocks *rb, const float *x, const double *w, int n, int d,
				   const al_softmax_model *model, int block, double *xb, double *rw, int *rows)
{
	rb->x = x;
	rb->w = w;
	rb->n = n;
	rb->d = d;
	rb->mean = model->standardized ? model->mean : NULL;
	rb->scale = model->standardized ? model->scale : NULL;
	rb->block = block;
	rb->xb = xb;
	rb->rw = rw;
	rb->rows = rows;
}

/*
 * The next rows of positive weight, up to one block (al_row_blocks_next),
 * and their class indices.
 */
static int
gather_block(void *arg, int *next)
{
	sm_problem *p = arg;
	int			nb = al_row_blocks_next(&p->rb, next),
				i;

	for (i = 0; i < nb; i++)
	{
		int			y = p->y[p->rb.rows[i]];

		p->ry[i] = p->cmap ? p->cmap[y] : y;
	}
	return nb;
}

/*
 * Logits in zb (block rows x k) -> weighted residuals w (softmax - onehot)
 * in place.  Returns sum of w * cross-entropy, computed stably as
 * log(sum exp(z - max)) + max - z_y.  The exponentials of the whole block
 * are taken in one vectorized pass.
 */
static double
block_residuals(void *arg, const double *b, int nb)
{
	sm_problem *p = arg;
	int			i,
				c,
				k = p->k;
	double		loss = 0;

	for (i = 0; i < nb; i++)
	{
		double	   *z = p->zb + (size_t) i * k;
		double		m;

		for (c = 0; c < k; c++)
			z[c] += b[c];
		m = z[0];
		for (c = 1; c < k; c++)
			if (z[c] > m)
				m = z[c];
		for (c = 0; c < k; c++)
			z[c] -= m;
		/* -z_y - (-m): the y logit relative to the max, kept before exp */
		p->rb.rw[nb + i] = z[p->ry[i]];
	}
	al_softmax_exp_inplace(p->zb, (size_t) nb * k);
	for (i = 0; i < nb; i++)
	{
		double	   *z = p->zb + (size_t) i * k;
		double		s = 0,
					wi = p->rb.rw[i],
					scale;

		for (c = 0; c < k; c++)
			s += z[c];
		loss += wi * (log(s) - p->rb.rw[nb + i]);
		scale = wi / s;
		for (c = 0; c < k; c++)
			z[c] *= scale;
		z[p->ry[i]] -= wi;
	}
	return loss;
}

/* A linear model's objective over blocks of rows; see softmax_model.h. */
double
al_linear_fg(const al_linear_blocks *lin, const double *theta, double *g)
{
	const al_blas_api *blas = al_blas_get();
	int			k = lin->k,
				d = lin->d,
				next = 0,
				nb,
				i,
				c;
	size_t		kd = (size_t) k * d,
				t;
	const double *W = theta,
			   *b = theta + kd;
	double	   *gW = g,
			   *gb = g + kd;
	double		loss = 0,
				reg = 0;

	memset(g, 0, (kd + k) * sizeof(double));
	while ((nb = lin->gather(lin->arg, &next)) > 0)
	{
		blas->dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nb, k, d, 1.0,
					lin->xb, d, W, d, 0.0, lin->zb, k);
		loss += lin->residuals(lin->arg, b, nb);
		blas->dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, d, nb, 1.0,
					lin->zb, k, lin->xb, d, 1.0, gW, d);
		for (i = 0; i < nb; i++)
			for (c = 0; c < k; c++)
				gb[c] += lin->zb[(size_t) i * k + c];
	}
	for (t = 0; t < kd; t++)
	{
		reg += W[t] * W[t];
		gW[t] += lin->inv_c * W[t];
	}
	return loss + 0.5 * lin->inv_c * reg;
}

/* Fill a linear model's block evaluation; see softmax_model.h. */
void
al_linear_blocks_init(al_linear_blocks *lin, int k, int d, double c, double *xb, double *zb,
					  int (*gather) (void *arg, int *next),
					  double (*residuals) (void *arg, const double *b, int nb), void *arg)
{
	lin->k = k;
	lin->d = d;
	lin->inv_c = 1.0 / c;
	lin->xb = xb;
	lin->zb = zb;
	lin->gather = gather;
	lin->residuals = residuals;
	lin->arg = arg;
}

/* The softmax objective: al_linear_fg over the problem's blocks. */
static double
sm_fg(void *arg, const double *theta, double *g)
{
	return al_linear_fg(&((sm_problem *) arg)->lin, theta, g);
}

/* L-BFGS parameters from the options; see softmax_model.h. */
void
al_softmax_lbfgs_params(const al_softmax_options *opt, al_lbfgs_params *lp)
{
	lp->m = opt->lbfgs_m;
	lp->max_iter = opt->max_iter;
	lp->gtol = opt->tol;
	lp->ftol = opt->ftol;
	lp->max_ls = LINE_SEARCH_EVALS;
	lp->progress = opt->progress;
	lp->progress_arg = opt->progress_arg;
}

/* A member's weights (bootstrap for a committee); see softmax_model.h. */
const double *
al_softmax_member_weights(const double *dw, int n, const al_softmax_options *opt,
						  int member, double *ew, int *pos)
{
	al_rng		r;
	int			i,
				npos = 0;

	if (opt->members == 1)
		return dw;
	for (i = 0; i < n; i++)
	{
		ew[i] = 0;
		if (dw == NULL || dw[i] > 0)
			pos[npos++] = i;
	}
	al_rng_seed_stream(&r, opt->seed, (uint64_t) member);
	for (i = 0; i < npos; i++)
		ew[pos[al_rng_below(&r, (uint64_t) npos)]] += 1.0;
	if (dw != NULL)
		for (i = 0; i < n; i++)
			ew[i] *= dw[i];
	return ew;
}

/*
 * Per-class weight totals; cmap[c] numbers the classes of positive weight
 * 0, 1, ... (-1 for absent ones).  Returns the number of present classes
 * and the total weight in *total.
 */
static int
class_map(const al_softmax_data *data, const double *ew, sm_work *w,
		  double *total)
{
	int			i,
				c,
				present = 0;

	for (c = 0; c < data->k; c++)
		w->cw[c] = 0;
	for (i = 0; i < data->n; i++)
		w->cw[data->y[i]] += ew ? ew[i] : 1.0;
	*total = 0;
	for (c = 0; c < data->k; c++)
	{
		*total += w->cw[c];
		w->cmap[c] = (w->cw[c] > 0) ? present++ : -1;
	}
	return present;
}

/*
 * Weighted per-feature mean and population standard deviation over the
 * rows of positive weight (two passes, in double).  A feature constant on
 * those rows gets mean = its value and scale 1, so it standardizes to 0.
 */
void
al_softmax_feature_stats(const float *xs, int n, int d, const double *ew,
						 double *mean, double *scale, double *lo, double *hi)
{
	int			i,
				j;
	double		sw = 0,
				wi,
				v;

	for (j = 0; j < d; j++)
	{
		mean[j] = scale[j] = 0;
		lo[j] = INFINITY;
		hi[j] = -INFINITY;
	}
	for (i = 0; i < n; i++)
	{
		const float *x = xs + (size_t) i * d;

		if ((wi = ew ? ew[i] : 1.0) <= 0)
			continue;
		sw += wi;
		for (j = 0; j < d; j++)
		{
			mean[j] += wi * x[j];
			lo[j] = fmin(lo[j], x[j]);
			hi[j] = fmax(hi[j], x[j]);
		}
	}
	for (j = 0; j < d; j++)
		mean[j] /= sw;
	for (i = 0; i < n; i++)
	{
		const float *x = xs + (size_t) i * d;

		if ((wi = ew ? ew[i] : 1.0) <= 0)
			continue;
		for (j = 0; j < d; j++)
		{
			v = x[j] - mean[j];
			scale[j] += wi * v * v;
		}
	}
	for (j = 0; j < d; j++)
	{
		scale[j] = sqrt(scale[j] / sw);
		if (lo[j] == hi[j])
			mean[j] = lo[j];
		if (lo[j] == hi[j] || !(scale[j] > 0) || !isfinite(scale[j]))
			scale[j] = 1.0;
	}
}

/* Fill the problem for the given weights, class map and model. */
static void
problem_init(sm_problem *p, const al_softmax_data *data,
			 const al_softmax_options *opt, const double *ew,
			 const int *cmap, int k, const al_softmax_model *model,
			 sm_work *w, int block)
{
	al_linear_blocks_init(&p->lin, k, data->d, opt->c, w->xb, w->zb, gather_block,
						  block_residuals, p);
	al_row_blocks_init(&p->rb, data->x, ew, data->n, data->d, model, block, w->xb, w->rw,
					   w->rows);
	p->y = data->y;
	p->k = k;
	p->cmap = cmap;
	p->zb = w->zb;
	p->ry = w->ry;
}

/*
 * Copy the fitted parameters of the present classes into the model; an
 * absent class gets coef 0 and intercept -inf (probability exactly 0).
 */
static void
expand_params(al_softmax_model *model, const double *theta, const int *cmap,
			  int kk)
{
	int			c,
				d = model->d;
	const double *b = theta + (size_t) kk * d;

	for (c = 0; c < model->k; c++)
	{
		double	   *row = model->coef + (size_t) c * d;

		if (cmap[c] >= 0)
		{
			memcpy(row, theta + (size_t) cmap[c] * d, d * sizeof(double));
			model->intercept[c] = b[cmap[c]];
		}
		else
		{
			memset(row, 0, d * sizeof(double));
			model->intercept[c] = -INFINITY;
		}
	}
}

/* Map the optimizer's stop to the report and a status. */
al_sm_status
al_softmax_lbfgs_report(const al_lbfgs_result *res, al_softmax_report *rep)
{
	static const al_sm_stop stops[] = {
		AL_SM_STOP_GTOL, AL_SM_STOP_FTOL, AL_SM_STOP_MAX_ITER,
		AL_SM_STOP_LINE_SEARCH, AL_SM_STOP_LINE_SEARCH, AL_SM_STOP_LINE_SEARCH
	};

	rep->iterations = res->iterations;
	rep->n_evals = res->n_evals;
	rep->objective = res->f;
	rep->grad_inf = res->gnorm;
	rep->stop = stops[res->stop];
	rep->converged = (res->stop == AL_LBFGS_GTOL || res->stop == AL_LBFGS_FTOL);
	if (res->stop == AL_LBFGS_CANCELLED)
		return AL_SM_CANCELLED;
	if (res->stop == AL_LBFGS_NOT_FINITE)
		return AL_SM_NUMERIC;
	return AL_SM_OK;
}

/*
 * Run L-BFGS on the kk present classes from the parameters in w->theta
 * and store the result in the model.
 */
static al_sm_status
run_lbfgs(const al_softmax_data *data, const al_softmax_options *opt,
		  const double *ew, sm_work *w, int kk, int block,
		  al_softmax_model *model, al_softmax_report *rep)
{
	sm_problem	prob;
	al_lbfgs_params lp;
	al_lbfgs_result res;
	size_t		np = (size_t) kk * ((size_t) data->d + 1);

	problem_init(&prob, data, opt, ew, w->cmap, kk, model, w, block);
	al_softmax_lbfgs_params(opt, &lp);
	al_lbfgs_minimize(np, w->theta, NULL, sm_fg, &prob, &lp, w->lbfgs, &res);
	expand_params(model, w->theta, w->cmap, kk);
	return al_softmax_lbfgs_report(&res, rep);
}

/* Run L-BFGS from zero (a fit from scratch). */
static al_sm_status
fit_lbfgs(const al_softmax_data *data, const al_softmax_options *opt,
		  const double *ew, sm_work *w, int kk, int block,
		  al_softmax_model *model, al_softmax_report *rep)
{
	memset(w->theta, 0, (size_t) kk * ((size_t) data->d + 1) * sizeof(double));
	return run_lbfgs(data, opt, ew, w, kk, block, model, rep);
}

/* A member that saw one class: that class gets probability 1. */
static void
fit_trivial(al_softmax_model *model, const int *cmap, al_softmax_report *rep)
{
	int			c;

	memset(model->coef, 0, (size_t) model->k * model->d * sizeof(double));
	for (c = 0; c < model->k; c++)
		model->intercept[c] = (cmap[c] >= 0) ? 0.0 : -INFINITY;
	rep->stop = AL_SM_STOP_TRIVIAL;
	rep->converged = 1;
}

/* Train one member; see softmax_model.h. */
al_sm_status
al_softmax_fit(const al_softmax_data *data, const al_softmax_options *opt,
			   int member, al_softmax_model *model, al_softmax_report *report)
{
	al_softmax_options defaults;
	al_softmax_report rep;
	sm_work		w;
	const double *ew;
	al_sm_status st;
	int			block,
				kk;

	if (model == NULL)
		return AL_SM_NULL_ARG;
	memset(model, 0, sizeof(*model));
	memset(&rep, 0, sizeof(rep));
	opt = al_softmax_options_or_defaults(opt, &defaults);
	if ((st = al_softmax_validate(data, opt, member)) != AL_SM_OK)
		return st;
	if (al_blas_get() == NULL)
		return AL_SM_NO_BLAS;
	block = al_softmax_block_rows(opt->block_rows, data->n, data->d, data->k);
	if ((st = work_alloc(&w, opt, data, block, 1)) != AL_SM_OK)
		return st;
	ew = al_softmax_member_weights(data->weight, data->n, opt, member, w.ew, w.pos);
	kk = class_map(data, ew, &w, &rep.total_weight);
	rep.classes_present = kk;
	if (kk < 2 && opt->members == 1)
		st = AL_SM_ONE_CLASS;
	else
		st = al_softmax_model_alloc(model, data->k, data->d, opt->standardize, opt);
	if (st == AL_SM_OK && opt->standardize)
		al_softmax_feature_stats(data->x, data->n, data->d, ew, model->mean, model->scale,
								 w.stats, w.stats + data->d);
	if (st == AL_SM_OK && kk < 2)
		fit_trivial(model, w.cmap, &rep);
	else if (st == AL_SM_OK)
		st = fit_lbfgs(data, opt, ew, &w, kk, block, model, &rep);
	if (st != AL_SM_OK)
		al_softmax_model_free(model, opt);
	al_softmax_free(opt, w.mem);
	if (report != NULL)
		*report = rep;
	return st;
}

/* Train every member of a committee; see softmax_model.h. */
al_sm_status
al_fit_members(al_member_fit_fn fit, const void *data, const al_softmax_options *opt,
			   al_softmax_model *models, al_softmax_report *reports)
{
	al_softmax_options defaults;
	al_sm_status st;
	int			m,
				j;

	opt = al_softmax_options_or_defaults(opt, &defaults);
	if (models == NULL)
		return AL_SM_NULL_ARG;
	if (opt->members < 1)
		return AL_SM_BAD_MEMBERS;
	for (m = 0; m < opt->members; m++)
	{
		st = fit(data, opt, m, &models[m], reports ? &reports[m] : NULL);
		if (st != AL_SM_OK)
		{
			for (j = 0; j < m; j++)
				al_softmax_model_free(&models[j], opt);
			return st;
		}
	}
	return AL_SM_OK;
}

/* al_softmax_fit for al_fit_members. */
static al_sm_status
fit_member(const void *data, const al_softmax_options *opt, int member,
		   al_softmax_model *model, al_softmax_report *report)
{
	return al_softmax_fit((const al_softmax_data *) data, opt, member, model, report);
}

/* Train every member; on error free what was trained. */
al_sm_status
al_softmax_fit_committee(const al_softmax_data *data,
						 const al_softmax_options *opt,
						 al_softmax_model *models, al_softmax_report *reports)
{
	return al_fit_members(fit_member, data, opt, models, reports);
}

/* Pack a model's parameters as [coef, intercept]. */
static void
pack_params(const al_softmax_model *model, double *theta)
{
	size_t		kd = (size_t) model->k * model->d;

	memcpy(theta, model->coef, kd * sizeof(double));
	memcpy(theta + kd, model->intercept, model->k * sizeof(double));
}

/* The trainer's objective at a model's parameters; see softmax_model.h. */
al_sm_status
al_softmax_objective(const al_softmax_data *data,
					 const al_softmax_options *opt,
					 const al_softmax_model *model, double *f, double *grad)
{
	al_softmax_options defaults;
	sm_problem	prob;
	sm_work		w;
	al_sm_status st;
	int			block;

	opt = al_softmax_options_or_defaults(opt, &defaults);
	if (model == NULL || f == NULL)
		return AL_SM_NULL_ARG;
	if ((st = al_softmax_validate(data, opt, 0)) != AL_SM_OK)
		return st;
	if (model->k != data->k || model->d != data->d)
		return AL_SM_MODEL_MISMATCH;
	if (al_blas_get() == NULL)
		return AL_SM_NO_BLAS;
	block = al_softmax_block_rows(opt->block_rows, data->n, data->d, data->k);
	if ((st = work_alloc(&w, opt, data, block, 0)) != AL_SM_OK)
		return st;
	problem_init(&prob, data, opt, data->weight, NULL, data->k, model, &w, block);
	pack_params(model, w.theta);
	*f = sm_fg(&prob, w.theta, w.grad);
	if (grad != NULL)
		memcpy(grad, w.grad, (size_t) data->k * (data->d + 1) * sizeof(double));
	al_softmax_free(opt, w.mem);
	return AL_SM_OK;
}

/*
 * The model's classes for the optimizer: cmap[c] numbers the classes with
 * a finite intercept 0, 1, ... and is -1 for an absent one (intercept
 * -inf).  Returns how many are present, or -1 when a row of positive
 * weight has an absent class.  *total gets the total weight.
 */
static int
model_class_map(const al_softmax_model *model, const al_softmax_data *data,
				int *cmap, double *total)
{
	int			c,
				i,
				present = 0;

	for (c = 0; c < model->k; c++)
		cmap[c] = (model->intercept[c] == -INFINITY) ? -1 : present++;
	*total = 0;
	for (i = 0; i < data->n; i++)
	{
		double		wi = data->weight ? data->weight[i] : 1.0;

		if (wi > 0 && cmap[data->y[i]] < 0)
			return -1;
		*total += wi;
	}
	return present;
}

/* Pack the present classes' parameters as [coef rows, intercepts]. */
static void
pack_present(const al_softmax_model *model, const int *cmap, int kk,
			 double *theta)
{
	int			c,
				d = model->d;

	for (c = 0; c < model->k; c++)
	{
		if (cmap[c] < 0)
			continue;
		memcpy(theta + (size_t) cmap[c] * d, model->coef + (size_t) c * d,
			   d * sizeof(double));
		theta[(size_t) kk * d + cmap[c]] = model->intercept[c];
	}
}

/* A warm-started fit from the model's parameters; see softmax_model.h. */
al_sm_status
al_softmax_refine(const al_softmax_data *data, const al_softmax_options *opt,
				  al_softmax_model *model, al_softmax_report *report)
{
	al_softmax_options defaults,
				one;
	al_softmax_report rep;
	sm_work		w;
	al_sm_status st;
	int			block,
				kk;

	memset(&rep, 0, sizeof(rep));
	opt = al_softmax_options_or_defaults(opt, &defaults);
	if (model == NULL || model->coef == NULL || model->intercept == NULL ||
		(model->standardized && (model->mean == NULL || model->scale == NULL)))
		return AL_SM_NULL_ARG;
	one = *opt;
	one.members = 1;			/* never a bootstrap */
	if ((st = al_softmax_validate(data, &one, 0)) != AL_SM_OK)
		return st;
	if (model->k != data->k || model->d != data->d)
		return AL_SM_MODEL_MISMATCH;
	if (al_blas_get() == NULL)
		return AL_SM_NO_BLAS;
	block = al_softmax_block_rows(one.block_rows, data->n, data->d, data->k);
	if ((st = work_alloc(&w, &one, data, block, 1)) != AL_SM_OK)
		return st;
	kk = model_class_map(model, data, w.cmap, &rep.total_weight);
	rep.classes_present = kk < 0 ? 0 : kk;
	if (kk < 0)
		st = AL_SM_ABSENT_CLASS;
	else if (kk < 2)
		st = AL_SM_ONE_CLASS;
	else
	{
		pack_present(model, w.cmap, kk, w.theta);
		st = run_lbfgs(data, &one, data->weight, &w, kk, block, model, &rep);
	}
	al_softmax_free(&one, w.mem);
	if (report != NULL)
		*report = rep;
	return st;
}
