/*
 * select_eer.c - expected error reduction (Roy and McCallum 2001): the
 * updated models by warm-started L-BFGS (al_softmax_refine), their
 * predictions on the sample by sgemm, a block of updated models at a
 * time.  See select_eer.h and doc/selection.md.
 */
#include "select_eer.h"

#include "al_blas.h"

#include <math.h>
#include <string.h>
#include <time.h>

/* Default floats of logits (and of packed weights) per block: 4M (16 MB). */
#define EER_BLOCK_FLOATS (4 * 1024 * 1024)

/* A count as a double, negative counts as 0. */
#define Max0(v) ((double) ((v) > 0 ? (v) : 0))

/* Everything one call works with, carved from one allocation. */
typedef struct eer_ctx
{
	const al_eer_input *in;
	const al_eer_options *opt;
	const al_blas_api *blas;
	int			d;
	int			k;
	int			kk;				/* present classes */
	int		   *present;		/* kk class numbers with a finite intercept */
	al_softmax_data aug;		/* labeled rows + one candidate row */
	float	   *aug_x;
	int		   *aug_y;
	double	   *aug_w;			/* NULL when the labeled rows have none */
	al_softmax_model upd;		/* the model being updated */
	float	   *xs;				/* s x d standardized sample */
	double	   *pc;				/* k: one candidate's probabilities */
	int			rows;			/* sample rows per prediction block (R) */
	int			slots;			/* updated models per block (Q) */
	int			used;			/* models in the block */
	float	   *wb;				/* slots x kk x d weights (present classes) */
	double	   *bb;				/* slots x kk intercepts */
	int		   *owner;			/* slots: candidate of each model */
	double	   *weight;			/* slots: p(y|x) of each model */
	double	   *loss;			/* slots: summed loss on the sample */
	float	   *logits;			/* rows x slots x kk */
	double	   *row;			/* 2 x slots x kk: one sample row's shifted
								 * logits, then their exponentials */
	void	   *mem;
} eer_ctx;

/* Status messages, in PostgreSQL's style (lower case, no period). */
const char *
al_eer_status_message(al_eer_status status)
{
	switch (status)
	{
		case AL_EER_OK:
			return "success";
		case AL_EER_NULL_ARG:
			return "a required argument is null";
		case AL_EER_NO_BLAS:
			return "the BLAS library is not loaded";
		case AL_EER_NO_MEMORY:
			return "out of memory";
		case AL_EER_BAD_LOSS:
			return "loss must be zero_one or log";
		case AL_EER_BAD_STEPS:
			return "steps must be between 1 and 1000";
		case AL_EER_BAD_BLOCK:
			return "block_floats must not be negative";
		case AL_EER_NO_CANDIDATES:
			return "there must be at least one candidate";
		case AL_EER_NO_SAMPLE:
			return "the sample must have at least one row";
		case AL_EER_BAD_MODEL:
			return "the model needs two classes of finite weights";
		case AL_EER_MODEL_MISMATCH:
			return "model dimensions do not match the labeled rows";
		case AL_EER_NONFINITE_X:
			return "candidate and sample feature values must be finite";
		case AL_EER_TRAIN:
			return "the model cannot be updated on the labeled rows";
		case AL_EER_CANCELLED:
			return "expected error reduction was cancelled";
		case AL_EER_NUMERIC:
			return "the expected errors are not finite (feature values too large)";
	}
	return "unknown status";
}

/* Defaults: log loss, 20 steps, 16 MB blocks, the trainer's defaults. */
void
al_eer_options_init(al_eer_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->loss = AL_EER_LOSS_LOG;
	opt->steps = 20;
	opt->block_floats = 0;
	al_softmax_options_init(&opt->train);
}

/* See select_eer.h. */
int
al_eer_present_classes(const al_softmax_model *model)
{
	int			c,
				kk = 0;

	for (c = 0; c < model->k; c++)
		kk += (model->intercept[c] != -INFINITY);
	return kk;
}

/* Approximate multiply-adds of a call; see select_eer.h. */
double
al_eer_work_estimate(int m, int s, int n, int d, int kk, int steps)
{
	double		M = Max0(m),
				S = Max0(s),
				N = Max0(n),
				D = Max0(d),
				K = Max0(kk),
				T = Max0(steps);

	return M * K * (T * (2 * (N + 1) + 4 * 10) * (D + 1) * K + S * D * K);
}

/* Seconds of a monotonic clock. */
static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* Whether all n values are finite. */
static int
all_finite(const float *x, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

/*
 * A usable model: k >= 2, d >= 1, arrays present, finite weights and
 * positive finite scales, intercepts finite or -inf, two classes present.
 */
static int
model_ok(const al_softmax_model *mdl)
{
	size_t		i;
	int			c,
				present = 0;

	if (mdl->k < 2 || mdl->d < 1 || mdl->coef == NULL || mdl->intercept == NULL ||
		(mdl->standardized && (mdl->mean == NULL || mdl->scale == NULL)))
		return 0;
	for (i = 0; i < (size_t) mdl->k * mdl->d; i++)
		if (!isfinite(mdl->coef[i]))
			return 0;
	for (c = 0; c < mdl->k; c++)
	{
		if (mdl->intercept[c] == -INFINITY)
			continue;
		if (!isfinite(mdl->intercept[c]))
			return 0;
		present++;
	}
	for (i = 0; mdl->standardized && i < (size_t) mdl->d; i++)
		if (!isfinite(mdl->mean[i]) || !(mdl->scale[i] > 0) || !isfinite(mdl->scale[i]))
			return 0;
	return present >= 2;
}

/* The checks that need no allocation, in the documented order. */
static al_eer_status
check_input(const al_eer_input *in, const al_eer_options *opt)
{
	const al_softmax_data *lab = in->labeled;

	if (in->model == NULL || lab == NULL || in->cand == NULL || in->sample == NULL ||
		(lab->n > 0 && (lab->x == NULL || lab->y == NULL)))
		return AL_EER_NULL_ARG;
	if (opt->loss != AL_EER_LOSS_ZERO_ONE && opt->loss != AL_EER_LOSS_LOG)
		return AL_EER_BAD_LOSS;
	if (opt->steps < 1 || opt->steps > AL_EER_MAX_STEPS)
		return AL_EER_BAD_STEPS;
	if (opt->block_floats < 0)
		return AL_EER_BAD_BLOCK;
	if (in->m < 1)
		return AL_EER_NO_CANDIDATES;
	if (in->s < 1)
		return AL_EER_NO_SAMPLE;
	if (!model_ok(in->model))
		return AL_EER_BAD_MODEL;
	if (lab->n < 0 || lab->d != in->model->d || lab->k != in->model->k)
		return AL_EER_MODEL_MISMATCH;
	if (!all_finite(in->cand, (size_t) in->m * in->model->d) ||
		!all_finite(in->sample, (size_t) in->s * in->model->d))
		return AL_EER_NONFINITE_X;
	return AL_EER_OK;
}

/*
 * Block sizes: R sample rows and Q updated models per block, so that the
 * logits (R x Q x kk) and the packed weights (Q x kk x d) each stay within
 * limit floats (at least one row and one model).
 */
static void
eer_blocks(size_t limit, int m, int s, int d, int kk, int *rows, int *slots)
{
	size_t		per_row = (size_t) kk,
				r = limit / per_row,
				q;

	if (r < 1)
		r = 1;
	if (r > (size_t) s)
		r = (size_t) s;
	q = limit / (r * per_row);
	if (q > limit / (per_row * (size_t) d))
		q = limit / (per_row * (size_t) d);
	if (q > (size_t) m * kk)
		q = (size_t) m * kk;
	if (q < 1)
		q = 1;
	*rows = (int) r;
	*slots = (int) q;
}

/* The block sizes of a call (eer_blocks with the options' limit). */
static void
choose_blocks(eer_ctx *cx)
{
	size_t		limit = cx->opt->block_floats > 0 ? (size_t) cx->opt->block_floats : EER_BLOCK_FLOATS;

	eer_blocks(limit, cx->in->m, cx->in->s, cx->d, cx->kk, &cx->rows, &cx->slots);
}

/*
 * The doubles, floats and ints of a context (ctx_alloc's one allocation):
 * n labeled rows (+ 1 candidate row), weighted or not, s sample rows, R
 * rows and Q slots per block.
 */
static void
ctx_counts(int n, int s, int d, int k, int kk, int rows, int slots, int weighted,
		   size_t *nd, size_t *nf, size_t *ni)
{
	size_t		n1 = (size_t) n + 1,
				q = (size_t) slots;

	*nd = (weighted ? n1 : 0) + (size_t) k * d + k + k + q * kk + 2 * q + 2 * q * kk;
	*nf = (size_t) s * d + n1 * d + q * kk * d + (size_t) rows * q * kk;
	*ni = n1 + k + q;
}

/* See select_eer.h. */
size_t
al_eer_memory_bytes(const al_eer_options *opt, int m, int s, int n, int d, int k, int kk,
					int weighted)
{
	size_t		limit = opt->block_floats > 0 ? (size_t) opt->block_floats : EER_BLOCK_FLOATS,
				nd,
				nf,
				ni;
	int			rows,
				slots;

	if (m < 1 || s < 1 || n < 0 || d < 1 || kk < 1 || k < kk)
		return 0;
	eer_blocks(limit, m, s, d, kk, &rows, &slots);
	ctx_counts(n, s, d, k, kk, rows, slots, weighted, &nd, &nf, &ni);
	return nd * sizeof(double) + nf * sizeof(float) + ni * sizeof(int) +
		al_softmax_refine_work_bytes(&opt->train, n + 1, d, k);
}

/* Allocate every array of the context in one block (floats after doubles). */
static al_eer_status
ctx_alloc(eer_ctx *cx)
{
	size_t		n1 = (size_t) cx->in->labeled->n + 1,
				d = (size_t) cx->d,
				k = (size_t) cx->k,
				kk = (size_t) cx->kk,
				q = (size_t) cx->slots,
				nw = cx->in->labeled->weight ? n1 : 0,
				nd,
				nf,
				ni;
	double	   *dm;
	float	   *fm;
	int		   *im;

	ctx_counts(cx->in->labeled->n, cx->in->s, cx->d, cx->k, cx->kk, cx->rows, cx->slots,
			   cx->in->labeled->weight != NULL, &nd, &nf, &ni);
	cx->mem = al_softmax_alloc(&cx->opt->train, nd * sizeof(double) +
							   nf * sizeof(float) + ni * sizeof(int));
	if (cx->mem == NULL)
		return AL_EER_NO_MEMORY;
	dm = cx->mem;
	cx->aug_w = nw ? dm : NULL;
	cx->upd.coef = dm + nw;
	cx->upd.intercept = cx->upd.coef + k * d;
	cx->pc = cx->upd.intercept + k;
	cx->bb = cx->pc + k;
	cx->weight = cx->bb + q * kk;
	cx->loss = cx->weight + q;
	cx->row = cx->loss + q;
	fm = (float *) (dm + nd);
	cx->xs = fm;
	cx->aug_x = cx->xs + (size_t) cx->in->s * d;
	cx->wb = cx->aug_x + n1 * d;
	cx->logits = cx->wb + q * kk * d;
	im = (int *) (fm + nf);
	cx->aug_y = im;
	cx->present = im + n1;
	cx->owner = cx->present + k;
	return AL_EER_OK;
}

/* The labeled rows plus a last row for the candidate (weight 1). */
static void
build_augmented(eer_ctx *cx)
{
	const al_softmax_data *lab = cx->in->labeled;
	size_t		n = (size_t) lab->n;

	if (n > 0)
	{
		memcpy(cx->aug_x, lab->x, n * cx->d * sizeof(float));
		memcpy(cx->aug_y, lab->y, n * sizeof(int));
		if (cx->aug_w)
			memcpy(cx->aug_w, lab->weight, n * sizeof(double));
	}
	memcpy(cx->aug_x + n * cx->d, cx->in->cand, cx->d * sizeof(float));
	cx->aug_y[n] = cx->present[0];
	if (cx->aug_w)
		cx->aug_w[n] = 1.0;
	cx->aug.x = cx->aug_x;
	cx->aug.y = cx->aug_y;
	cx->aug.weight = cx->aug_w;
	cx->aug.n = (int) n + 1;
	cx->aug.d = cx->d;
	cx->aug.k = cx->k;
}

/* The sample in the model's (standardized) space, as floats. */
static void
standardize_sample(eer_ctx *cx)
{
	const al_softmax_model *mdl = cx->in->model;
	size_t		i,
				j,
				d = (size_t) cx->d;

	for (i = 0; i < (size_t) cx->in->s; i++)
		for (j = 0; j < d; j++)
		{
			double		v = cx->in->sample[i * d + j];

			if (mdl->standardized)
				v = (v - mdl->mean[j]) / mdl->scale[j];
			cx->xs[i * d + j] = (float) v;
		}
}

/*
 * Everything that needs no BLAS: the present classes, the augmented rows
 * (whose validation also checks the training options) and the
 * standardized sample.
 */
static al_eer_status
ctx_init(eer_ctx *cx, al_eer_report *rep)
{
	const al_softmax_model *mdl = cx->in->model;
	al_softmax_options one = cx->opt->train;
	int			c,
				i,
				n = cx->in->labeled->n;

	cx->d = mdl->d;
	cx->k = mdl->k;
	cx->kk = al_eer_present_classes(mdl);
	choose_blocks(cx);
	if (ctx_alloc(cx) != AL_EER_OK)
		return AL_EER_NO_MEMORY;
	for (c = 0, i = 0; c < mdl->k; c++)
		if (mdl->intercept[c] != -INFINITY)
			cx->present[i++] = c;
	build_augmented(cx);
	one.members = 1;			/* as al_softmax_refine runs it */
	one.max_iter = cx->opt->steps;	/* the trainer's max_iter is ignored */
	if ((rep->train_status = al_softmax_validate(&cx->aug, &one, 0)) != AL_SM_OK)
		return AL_EER_TRAIN;
	for (i = 0; i < n; i++)
		if (mdl->intercept[cx->aug_y[i]] == -INFINITY && (cx->aug_w == NULL || cx->aug_w[i] > 0))
		{
			rep->train_status = AL_SM_ABSENT_CLASS;
			return AL_EER_TRAIN;
		}
	standardize_sample(cx);
	cx->upd.k = mdl->k;
	cx->upd.d = mdl->d;
	cx->upd.standardized = mdl->standardized;
	cx->upd.mean = mdl->mean;
	cx->upd.scale = mdl->scale;
	cx->upd.block = NULL;
	return AL_EER_OK;
}

/* Append a model's present classes to the block, for candidate `owner`. */
static void
block_add(eer_ctx *cx, const al_softmax_model *mdl, int owner, double weight)
{
	size_t		q = (size_t) cx->used++,
				d = (size_t) cx->d,
				j;
	int			i;

	for (i = 0; i < cx->kk; i++)
	{
		const double *src = mdl->coef + (size_t) cx->present[i] * d;
		float	   *dst = cx->wb + (q * cx->kk + i) * d;

		for (j = 0; j < d; j++)
			dst[j] = (float) src[j];
		cx->bb[q * cx->kk + i] = mdl->intercept[cx->present[i]];
	}
	cx->owner[q] = owner;
	cx->weight[q] = weight;
	cx->loss[q] = 0;
}

/*
 * Add the loss of each of the block's models on sample rows r0..r0+nr-1,
 * whose logits (without intercepts) are in cx->logits: per row, shift
 * every model's logits by their max, one vectorized exp over the row,
 * then 1 - 1/sum (zero_one) or ln(sum) - sum(e t) / sum (the entropy).
 */
static void
add_block_losses(eer_ctx *cx, int nr)
{
	size_t		kk = (size_t) cx->kk,
				width = (size_t) cx->used * kk;
	int			r,
				q;
	size_t		c;

	for (r = 0; r < nr; r++)
	{
		const float *z = cx->logits + (size_t) r * width;

		for (q = 0; q < cx->used; q++)
		{
			double	   *t = cx->row + (size_t) q * kk;
			const double *b = cx->bb + (size_t) q * kk;
			double		mx = -INFINITY;

			for (c = 0; c < kk; c++)
			{
				t[c] = (double) z[q * kk + c] + b[c];
				mx = fmax(mx, t[c]);
			}
			for (c = 0; c < kk; c++)
				t[c] -= mx;
		}
		/* keep the shifted logits: the entropy needs them after exp */
		memcpy(cx->row + width, cx->row, width * sizeof(double));
		al_softmax_exp_inplace(cx->row, width);
		for (q = 0; q < cx->used; q++)
		{
			const double *e = cx->row + (size_t) q * kk,
					   *t = cx->row + width + (size_t) q * kk;
			double		sum = 0,
						et = 0;

			for (c = 0; c < kk; c++)
			{
				sum += e[c];
				et += e[c] * t[c];
			}
			if (cx->opt->loss == AL_EER_LOSS_ZERO_ONE)
				cx->loss[q] += 1.0 - 1.0 / sum;
			else
				cx->loss[q] += log(sum) - et / sum;
		}
	}
}

/*
 * The summed loss of every model of the block on the whole sample: one
 * sgemm per block of sample rows.  Nonzero when cancelled.
 */
static int
predict_block(eer_ctx *cx)
{
	const al_softmax_options *t = &cx->opt->train;
	int			width = cx->used * cx->kk,
				r0;

	for (r0 = 0; r0 < cx->in->s; r0 += cx->rows)
	{
		int			nr = cx->in->s - r0 < cx->rows ? cx->in->s - r0 : cx->rows;

		if (t->progress && t->progress(t->progress_arg, 0, 0, 0))
			return 1;
		cx->blas->sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nr, width, cx->d, 1.0f,
						cx->xs + (size_t) r0 * cx->d, cx->d, cx->wb, cx->d, 0.0f,
						cx->logits, width);
		add_block_losses(cx, nr);
	}
	return 0;
}

/*
 * Predict the block's models on the sample and add p(y|x) * mean loss to
 * their candidates' expected errors; empties the block.  A loss that is
 * not finite (float logits that overflowed) is AL_EER_NUMERIC.
 */
static al_eer_status
flush_block(eer_ctx *cx, double *expected_error, al_eer_report *rep)
{
	double		t0 = now_seconds();
	int			q;

	if (cx->used == 0)
		return AL_EER_OK;
	if (predict_block(cx))
		return AL_EER_CANCELLED;
	for (q = 0; q < cx->used; q++)
	{
		if (!isfinite(cx->loss[q]))
			return AL_EER_NUMERIC;
		expected_error[cx->owner[q]] += cx->weight[q] * (cx->loss[q] / cx->in->s);
	}
	cx->used = 0;
	rep->predict_seconds += now_seconds() - t0;
	return AL_EER_OK;
}

/*
 * Update the model with (candidate i, class y): copy the current weights
 * and run at most `steps` iterations of the objective on the labeled rows
 * plus that row.
 */
static al_eer_status
update_model(eer_ctx *cx, int i, int y, al_eer_report *rep)
{
	const al_softmax_model *mdl = cx->in->model;
	al_softmax_options o = cx->opt->train;
	al_softmax_report r;
	al_sm_status st;
	double		t0 = now_seconds();

	memcpy(cx->upd.coef, mdl->coef, (size_t) cx->k * cx->d * sizeof(double));
	memcpy(cx->upd.intercept, mdl->intercept, (size_t) cx->k * sizeof(double));
	memcpy(cx->aug_x + (size_t) (cx->aug.n - 1) * cx->d, cx->in->cand + (size_t) i * cx->d,
		   cx->d * sizeof(float));
	cx->aug_y[cx->aug.n - 1] = y;
	o.max_iter = cx->opt->steps;
	st = al_softmax_refine(&cx->aug, &o, &cx->upd, &r);
	rep->update_seconds += now_seconds() - t0;
	rep->iterations += r.iterations;
	rep->evaluations += r.n_evals;
	rep->updates++;
	if (st == AL_SM_CANCELLED)
		return AL_EER_CANCELLED;
	if (st != AL_SM_OK)
	{
		rep->train_status = st;
		return st == AL_SM_NO_MEMORY ? AL_EER_NO_MEMORY : AL_EER_TRAIN;
	}
	return AL_EER_OK;
}

/* Every (candidate, present class of p > 0) update, a block at a time. */
static al_eer_status
score_candidates(eer_ctx *cx, double *expected_error, al_eer_report *rep)
{
	al_eer_status st;
	int			i,
				c;

	for (i = 0; i < cx->in->m; i++)
	{
		expected_error[i] = 0;
		al_softmax_predict_row(cx->in->model, cx->in->cand + (size_t) i * cx->d, cx->pc);
		for (c = 0; c < cx->kk; c++)
		{
			int			y = cx->present[c];
			double		p = cx->pc[y];

			if (!(p > 0))
				continue;
			if ((st = update_model(cx, i, y, rep)) != AL_EER_OK)
				return st;
			block_add(cx, &cx->upd, i, p);
			if (cx->used == cx->slots &&
				(st = flush_block(cx, expected_error, rep)) != AL_EER_OK)
				return st;
		}
	}
	return flush_block(cx, expected_error, rep);
}

/* The current model's mean loss on the sample (through the same path). */
static al_eer_status
current_error(eer_ctx *cx, al_eer_report *rep)
{
	double		one = 0;
	al_eer_status st;

	block_add(cx, cx->in->model, 0, 1.0);
	if ((st = flush_block(cx, &one, rep)) != AL_EER_OK)
		return st;
	rep->current_error = one;
	return AL_EER_OK;
}

/* Expected error of each candidate; see select_eer.h. */
al_eer_status
al_eer_expected_error(const al_eer_input *in, const al_eer_options *opt,
					  double *expected_error, double *reduction,
					  al_eer_report *report)
{
	al_eer_options defaults;
	al_eer_report rep;
	eer_ctx		cx;
	al_eer_status st;
	int			i;

	memset(&rep, 0, sizeof(rep));
	memset(&cx, 0, sizeof(cx));
	if (opt == NULL)
	{
		al_eer_options_init(&defaults);
		opt = &defaults;
	}
	if (in == NULL || expected_error == NULL)
		st = AL_EER_NULL_ARG;
	else
		st = check_input(in, opt);
	cx.in = in;
	cx.opt = opt;
	if (st == AL_EER_OK)
		st = ctx_init(&cx, &rep);
	if (st == AL_EER_OK && (cx.blas = al_blas_get()) == NULL)
		st = AL_EER_NO_BLAS;
	if (st == AL_EER_OK)
		st = current_error(&cx, &rep);
	if (st == AL_EER_OK)
		st = score_candidates(&cx, expected_error, &rep);
	for (i = 0; st == AL_EER_OK && reduction != NULL && i < in->m; i++)
		reduction[i] = rep.current_error - expected_error[i];
	al_softmax_free(&opt->train, cx.mem);
	if (report != NULL)
		*report = rep;
	return st;
}
