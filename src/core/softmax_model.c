/*
 * softmax_model.c - softmax regression: options, validation, models,
 * predictors, metrics and the holdout split.  The trainer is in
 * softmax_train.c, the optimizer in lbfgs.c.  See softmax_model.h.
 */
#include "softmax_model.h"

#include "al_blas.h"
#include "al_rng.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Features a row may have for the fast per-row predictor (its stack buffer). */
#define PREDICT_STACK_FEATURES 1024

/* Largest block of converted rows: 4M doubles (32 MB). */
#define BLOCK_DOUBLES (4 * 1024 * 1024)
#define BLOCK_MAX_ROWS 2048

/* Status messages, in PostgreSQL's style (lower case, no period). */
const char *
al_sm_status_message(al_sm_status status)
{
	switch (status)
	{
		case AL_SM_OK:
			return "success";
		case AL_SM_NULL_ARG:
			return "a required argument is null";
		case AL_SM_NO_BLAS:
			return "the BLAS library is not loaded";
		case AL_SM_NO_MEMORY:
			return "out of memory";
		case AL_SM_BAD_C:
			return "c must be a finite number greater than zero";
		case AL_SM_BAD_TOL:
			return "tol must be a finite number greater than zero";
		case AL_SM_BAD_FTOL:
			return "ftol must be a finite number not less than zero";
		case AL_SM_BAD_MAX_ITER:
			return "max_iter must be at least 1";
		case AL_SM_BAD_MEMBERS:
			return "members must be at least 1";
		case AL_SM_BAD_MEMBER_INDEX:
			return "member index out of range";
		case AL_SM_BAD_LBFGS_MEMORY:
			return "lbfgs memory must be between 1 and 100";
		case AL_SM_BAD_BLOCK_ROWS:
			return "block_rows must not be negative";
		case AL_SM_NO_ROWS:
			return "no training rows";
		case AL_SM_BAD_DIM:
			return "the number of features must be at least 1";
		case AL_SM_BAD_CLASSES:
			return "the number of classes must be at least 2";
		case AL_SM_TOO_LARGE:
			return "too many features or classes";
		case AL_SM_BAD_LABEL:
			return "a label is out of range";
		case AL_SM_BAD_WEIGHT:
			return "sample weights must be finite and not negative";
		case AL_SM_NONFINITE_X:
			return "feature values must be finite";
		case AL_SM_ONE_CLASS:
			return "the training rows must contain at least two classes";
		case AL_SM_MODEL_MISMATCH:
			return "model dimensions do not match the data";
		case AL_SM_BAD_FRACTION:
			return "holdout fraction must be between 0 and 1";
		case AL_SM_CANCELLED:
			return "training was cancelled";
		case AL_SM_NUMERIC:
			return "the objective is not finite (feature values too large)";
		case AL_SM_ABSENT_CLASS:
			return "a training row has a class the model gives probability 0";
	}
	return "unknown status";
}

/* Defaults: scikit-learn's C=1, tol=1e-4, max_iter=100; one member. */
void
al_softmax_options_init(al_softmax_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->c = 1.0;
	opt->max_iter = 100;
	opt->tol = 1e-4;
	opt->ftol = 64 * DBL_EPSILON;
	opt->members = 1;
	opt->seed = 0;
	opt->standardize = 0;
	opt->lbfgs_m = 10;
	opt->block_rows = 0;
}

/* Allocate with the options' hook (malloc when none); never size 0. */
void *
al_softmax_alloc(const al_softmax_options *opt, size_t size)
{
	if (size == 0)
		size = 1;
	if (opt != NULL && opt->alloc_fn != NULL)
		return opt->alloc_fn(size);
	return malloc(size);
}

/* Free with the options' hook (free when none); NULL is ignored. */
void
al_softmax_free(const al_softmax_options *opt, void *ptr)
{
	if (ptr == NULL)
		return;
	if (opt != NULL && opt->free_fn != NULL)
		opt->free_fn(ptr);
	else
		free(ptr);
}

/*
 * The option checks, in the documented order (also the one-vs-rest
 * trainer's, ovr_model.c).
 */
al_sm_status
al_softmax_validate_options(const al_softmax_options *opt, int member)
{
	if (!(opt->c > 0) || !isfinite(opt->c))
		return AL_SM_BAD_C;
	if (!(opt->tol > 0) || !isfinite(opt->tol))
		return AL_SM_BAD_TOL;
	if (!(opt->ftol >= 0) || !isfinite(opt->ftol))
		return AL_SM_BAD_FTOL;
	if (opt->max_iter < 1)
		return AL_SM_BAD_MAX_ITER;
	if (opt->members < 1)
		return AL_SM_BAD_MEMBERS;
	if (member < 0 || member >= opt->members)
		return AL_SM_BAD_MEMBER_INDEX;
	if (opt->lbfgs_m < 1 || opt->lbfgs_m > 100)
		return AL_SM_BAD_LBFGS_MEMORY;
	if (opt->block_rows < 0)
		return AL_SM_BAD_BLOCK_ROWS;
	return AL_SM_OK;
}

/* n, d, k and the sizes derived from them. */
static al_sm_status
validate_shape(const al_softmax_data *data)
{
	if (data->n < 1)
		return AL_SM_NO_ROWS;
	if (data->d < 1)
		return AL_SM_BAD_DIM;
	if (data->k < 2)
		return AL_SM_BAD_CLASSES;
	if ((int64_t) data->k * ((int64_t) data->d + 1) > INT_MAX / 2)
		return AL_SM_TOO_LARGE;
	return AL_SM_OK;
}

/* Weights finite, >= 0, and some > 0; features finite; see softmax_model.h. */
al_sm_status
al_softmax_validate_rows(const float *x, const double *weight, int n, int d)
{
	size_t		i,
				nd = (size_t) n * (size_t) d;
	int			positive = 0;

	if (weight != NULL)
	{
		for (i = 0; i < (size_t) n; i++)
		{
			if (!(weight[i] >= 0) || !isfinite(weight[i]))
				return AL_SM_BAD_WEIGHT;
			positive |= (weight[i] > 0);
		}
		if (!positive)
			return AL_SM_NO_ROWS;
	}
	for (i = 0; i < nd; i++)
		if (!isfinite(x[i]))
			return AL_SM_NONFINITE_X;
	return AL_SM_OK;
}

/* Labels in range, then the rows (al_softmax_validate_rows). */
static al_sm_status
validate_values(const al_softmax_data *data)
{
	int			i;

	for (i = 0; i < data->n; i++)
		if (data->y[i] < 0 || data->y[i] >= data->k)
			return AL_SM_BAD_LABEL;
	return al_softmax_validate_rows(data->x, data->weight, data->n, data->d);
}

/* See softmax_model.h for the order of the checks. */
al_sm_status
al_softmax_validate(const al_softmax_data *data,
					const al_softmax_options *opt, int member)
{
	al_sm_status st;
	al_softmax_options defaults;

	if (opt == NULL)
	{
		al_softmax_options_init(&defaults);
		opt = &defaults;
	}
	if (data == NULL || data->x == NULL || data->y == NULL)
		return AL_SM_NULL_ARG;
	if ((st = al_softmax_validate_options(opt, member)) != AL_SM_OK)
		return st;
	if ((st = validate_shape(data)) != AL_SM_OK)
		return st;
	return validate_values(data);
}

/* One block for coef, intercept and (when standardized) mean and scale. */
al_sm_status
al_softmax_model_alloc(al_softmax_model *model, int k, int d,
					   int standardized, const al_softmax_options *opt)
{
	size_t		cnt = (size_t) k * d + k + (standardized ? 2 * (size_t) d : 0);
	double	   *mem;

	if (model == NULL)
		return AL_SM_NULL_ARG;
	memset(model, 0, sizeof(*model));
	if (k < 1 || d < 1)
		return k < 1 ? AL_SM_BAD_CLASSES : AL_SM_BAD_DIM;
	mem = al_softmax_alloc(opt, cnt * sizeof(double));
	if (mem == NULL)
		return AL_SM_NO_MEMORY;
	memset(mem, 0, cnt * sizeof(double));
	model->k = k;
	model->d = d;
	model->standardized = standardized ? 1 : 0;
	model->coef = mem;
	model->intercept = mem + (size_t) k * d;
	if (standardized)
	{
		model->mean = model->intercept + k;
		model->scale = model->mean + d;
	}
	model->block = mem;
	return AL_SM_OK;
}

/* Release the block a model owns, then clear the struct. */
void
al_softmax_model_free(al_softmax_model *model, const al_softmax_options *opt)
{
	if (model == NULL)
		return;
	al_softmax_free(opt, model->block);
	memset(model, 0, sizeof(*model));
}

/* Rows per block; see softmax_model.h. */
int
al_softmax_block_rows(int block_rows_option, int n, int d, int k)
{
	int64_t		row = (int64_t) (d > 0 ? d : 1) + (k > 0 ? k : 1);
	int			b;

	if (block_rows_option > 0)
		b = block_rows_option;
	else
	{
		b = (int) (BLOCK_DOUBLES / row);
		if (b > BLOCK_MAX_ROWS)
			b = BLOCK_MAX_ROWS;
		if (b < 1)
			b = 1;
	}
	if (n > 0 && b > n)
		b = n;
	return b;
}

/* Two doubles, the SSE2 width every x86_64 has (plain C elsewhere). */
typedef double v2d __attribute__((vector_size(16)));
typedef int64_t v2l __attribute__((vector_size(16)));
typedef float v2f __attribute__((vector_size(8)));

/* Both lanes x. */
static inline v2d
splat2(double x)
{
	v2d			v = {x, x};

	return v;
}

/*
 * exp on two lanes: x = k ln2 + r (k by the 1.5 * 2^52 rounding trick, ln2
 * split in two so that k ln2 is exact), exp(r) by its Taylor series to
 * degree 12 (|r| <= ln2 / 2: truncation error < 2e-16) evaluated by
 * Estrin's scheme (short dependency chains), times 2^k built in the
 * exponent bits.  Lanes below -708 give 0.  Only + - * and bit operations
 * in a fixed order, so every IEEE machine gives the same bits.
 */
static inline v2d
exp2_lanes(v2d x)
{
	const v2d	shifter = splat2(0x1.8p52);
	v2d			v = x * splat2(0x1.71547652b82fep0) + shifter;
	v2d			kf = v - shifter;
	v2l			ki = (v2l) v - (v2l) shifter;
	v2d			r = (x - kf * splat2(0x1.62e42fee00000p-1)) -
		kf * splat2(0x1.a39ef35793c76p-33);
	v2d			r2 = r * r,
				r4 = r2 * r2,
				r8 = r4 * r4;
	v2d			q0 = (splat2(1.0) + r) +
		(splat2(1.0 / 2) + splat2(1.0 / 6) * r) * r2;
	v2d			q1 = (splat2(1.0 / 24) + splat2(1.0 / 120) * r) +
		(splat2(1.0 / 720) + splat2(1.0 / 5040) * r) * r2;
	v2d			q2 = (splat2(1.0 / 40320) + splat2(1.0 / 362880) * r) +
		(splat2(1.0 / 3628800) + splat2(1.0 / 39916800) * r) * r2;
	v2d			p = (q0 + q1 * r4) + (q2 + splat2(1.0 / 479001600) * r4) * r8;
	v2l			keep = (v2l) (x >= splat2(-708.0));

	p = p * (v2d) ((ki + 1023) << 52);
	return (v2d) ((v2l) p & keep);
}

/*
 * t[i] = exp(t[i]) for t[i] <= 0 (relative error a few ulp; < -708 -> 0),
 * four values per step so that two independent chains overlap.
 */
void
al_softmax_exp_inplace(double *t, size_t n)
{
	size_t		i,
				quads = n / 4;
	v2d			a,
				b;

	for (i = 0; i < quads; i++)
	{
		memcpy(&a, t + 4 * i, sizeof(a));
		memcpy(&b, t + 4 * i + 2, sizeof(b));
		a = exp2_lanes(a);
		b = exp2_lanes(b);
		memcpy(t + 4 * i, &a, sizeof(a));
		memcpy(t + 4 * i + 2, &b, sizeof(b));
	}
	for (i = 4 * quads; i < n; i++)
	{
		a = exp2_lanes(splat2(t[i]));
		t[i] = a[0];
	}
}

/*
 * One row of floats to doubles, standardized when mean is not NULL; two
 * features per step (exact conversions and IEEE operations, so the same
 * bits as one at a time).
 */
static void
convert_row(const float *src, int d, const double *mean, const double *scale,
			double *dst)
{
	int			j,
				pairs = d / 2;
	v2f			f;
	v2d			x,
				m,
				s;

	for (j = 0; j < pairs; j++)
	{
		memcpy(&f, src + 2 * j, sizeof(f));
		x = __builtin_convertvector(f, v2d);
		if (mean != NULL)
		{
			memcpy(&m, mean + 2 * j, sizeof(m));
			memcpy(&s, scale + 2 * j, sizeof(s));
			x = (x - m) / s;
		}
		memcpy(dst + 2 * j, &x, sizeof(x));
	}
	for (j = 2 * pairs; j < d; j++)
		dst[j] = mean ? ((double) src[j] - mean[j]) / scale[j] : (double) src[j];
}

/* float rows to double, standardized as (x - mean) / scale when asked. */
void
al_softmax_convert_rows(const float *x, int d, const int *rows, int first,
						int count, const double *mean, const double *scale,
						double *out)
{
	int			i;

	for (i = 0; i < count; i++)
	{
		size_t		r = rows ? (size_t) rows[i] : (size_t) first + i;

		convert_row(x + r * (size_t) d, d, mean, scale, out + (size_t) i * d);
	}
}

/*
 * z (k logits) -> probabilities in place: subtract the max, exponentiate,
 * normalize.  -inf logits give exactly 0.
 */
static void
softmax_inplace(double *z, int k)
{
	double		m = z[0],
				s = 0;
	int			i;

	for (i = 1; i < k; i++)
		if (z[i] > m)
			m = z[i];
	for (i = 0; i < k; i++)
	{
		z[i] = exp(z[i] - m);
		s += z[i];
	}
	for (i = 0; i < k; i++)
		z[i] /= s;
}

/* Workspace for predict_ws: one block of converted rows and its logits. */
size_t
al_softmax_predict_work_size(const al_softmax_model *model, int n)
{
	size_t		b = (size_t) al_softmax_block_rows(0, n, model->d, model->k);

	return b * ((size_t) model->d + (size_t) model->k);
}

/*
 * One block's logits z (nb x k, from dgemm) to probabilities: add the
 * intercepts, softmax in double, round to float into probs (nb x k).
 */
static void
block_probs(const al_softmax_model *model, double *z, int nb, float *probs)
{
	int			k = model->k;

	for (int i = 0; i < nb; i++)
	{
		double	   *zi = z + (size_t) i * k;
		float	   *pi = probs + (size_t) i * k;

		for (int j = 0; j < k; j++)
			zi[j] += model->intercept[j];
		softmax_inplace(zi, k);
		for (int j = 0; j < k; j++)
			pi[j] = (float) zi[j];
	}
}

/*
 * One row of doubles standardized as (x - mean) / scale: the operations of
 * convert_row on the same values, so the same bits as standardizing the
 * floats they came from.
 */
static void
standardize_row(const double *src, int d, const double *mean, const double *scale,
				double *dst)
{
	int			j,
				pairs = d / 2;
	v2d			x,
				m,
				s;

	for (j = 0; j < pairs; j++)
	{
		memcpy(&x, src + 2 * j, sizeof(x));
		memcpy(&m, mean + 2 * j, sizeof(m));
		memcpy(&s, scale + 2 * j, sizeof(s));
		x = (x - m) / s;
		memcpy(dst + 2 * j, &x, sizeof(x));
	}
	for (j = 2 * pairs; j < d; j++)
		dst[j] = (src[j] - mean[j]) / scale[j];
}

/*
 * The nb rows of a block as dgemm reads them: floats x converted (and
 * standardized) into xb, or doubles xd standardized into xb, or xd itself
 * when the model is not standardized.
 */
static const double *
block_rows(const al_softmax_model *model, const float *x, const double *xd, int start,
		   int nb, double *xb)
{
	int			d = model->d;

	if (x != NULL)
	{
		al_softmax_convert_rows(x, d, NULL, start, nb,
								model->standardized ? model->mean : NULL,
								model->scale, xb);
		return xb;
	}
	if (!model->standardized)
		return xd + (size_t) start * d;
	for (int i = 0; i < nb; i++)
		standardize_row(xd + ((size_t) start + i) * d, d, model->mean, model->scale,
						xb + (size_t) i * d);
	return xb;
}

/* Predict n rows, floats x or doubles xd (the other NULL), a block at a time with dgemm. */
static void
predict_rows(const al_blas_api *blas, const al_softmax_model *model, const float *x,
			 const double *xd, int n, float *probs, double *work)
{
	int			d = model->d,
				k = model->k,
				b = al_softmax_block_rows(0, n, d, k),
				nb;
	double	   *z = work + (size_t) b * d;

	for (int start = 0; start < n; start += nb)
	{
		const double *xb;

		nb = (n - start < b) ? n - start : b;
		xb = block_rows(model, x, xd, start, nb, work);
		blas->dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nb, k, d, 1.0,
					xb, d, model->coef, d, 0.0, z, k);
		block_probs(model, z, nb, probs + (size_t) start * k);
	}
}

/* Batch prediction over blocks with dgemm; see softmax_model.h. */
al_sm_status
al_softmax_predict_ws(const al_softmax_model *model, const float *x, int n,
					  float *probs, double *work)
{
	const al_blas_api *blas = al_blas_get();

	if (model == NULL || (n > 0 && (x == NULL || probs == NULL || work == NULL)))
		return AL_SM_NULL_ARG;
	if (blas == NULL)
		return AL_SM_NO_BLAS;
	predict_rows(blas, model, x, NULL, n, probs, work);
	return AL_SM_OK;
}

/* al_softmax_predict_ws on rows already in double; see softmax_model.h. */
al_sm_status
al_softmax_predict_doubles_ws(const al_softmax_model *model, const double *xd, int n,
							  float *probs, double *work)
{
	const al_blas_api *blas = al_blas_get();

	if (model == NULL || (n > 0 && (xd == NULL || probs == NULL || work == NULL)))
		return AL_SM_NULL_ARG;
	if (blas == NULL)
		return AL_SM_NO_BLAS;
	predict_rows(blas, model, NULL, xd, n, probs, work);
	return AL_SM_OK;
}

/* Batch prediction with a malloc'd workspace. */
al_sm_status
al_softmax_predict(const al_softmax_model *model, const float *x, int n,
				   float *probs)
{
	double	   *work;
	al_sm_status st;

	if (model == NULL)
		return AL_SM_NULL_ARG;
	if (n <= 0)
		return AL_SM_OK;
	if (al_blas_get() == NULL)
		return AL_SM_NO_BLAS;
	work = malloc(al_softmax_predict_work_size(model, n) * sizeof(double));
	if (work == NULL)
		return AL_SM_NO_MEMORY;
	st = al_softmax_predict_ws(model, x, n, probs, work);
	free(work);
	return st;
}

/*
 * logits_row for rows too wide for its stack buffer: the same formula,
 * feature by feature (no allocation).
 */
static void
logits_row_wide(const al_softmax_model *model, const float *xf,
				const double *xd, double *probs)
{
	int			d = model->d,
				k = model->k,
				j,
				c;
	double		v;

	for (c = 0; c < k; c++)
		probs[c] = 0;
	for (j = 0; j < d; j++)
	{
		v = xf ? (double) xf[j] : xd[j];
		if (model->standardized)
			v = (v - model->mean[j]) / model->scale[j];
		for (c = 0; c < k; c++)
			probs[c] += model->coef[(size_t) c * d + j] * v;
	}
	for (c = 0; c < k; c++)
		probs[c] += model->intercept[c];
}

/*
 * Logits of one row (of floats xf, or of doubles xd) into probs, feature
 * by feature (each standardized value computed once).
 */
static void
logits_row(const al_softmax_model *model, const float *xf,
		   const double *xd, double *probs)
{
	double		xs[PREDICT_STACK_FEATURES];
	int			d = model->d,
				k = model->k,
				j,
				c;

	if (d > PREDICT_STACK_FEATURES)
	{
		logits_row_wide(model, xf, xd, probs);
		return;
	}
	/* the row once, standardized, in double */
	for (j = 0; j < d; j++)
	{
		double		v = xf ? (double) xf[j] : xd[j];

		xs[j] = model->standardized ? (v - model->mean[j]) / model->scale[j] : v;
	}
	/* one contiguous dot product per class, four partial sums (vectorizable) */
	for (c = 0; c < k; c++)
	{
		const double *w = model->coef + (size_t) c * d;
		double		s0 = 0,
					s1 = 0,
					s2 = 0,
					s3 = 0;

		for (j = 0; j + 4 <= d; j += 4)
		{
			s0 += w[j] * xs[j];
			s1 += w[j + 1] * xs[j + 1];
			s2 += w[j + 2] * xs[j + 2];
			s3 += w[j + 3] * xs[j + 3];
		}
		for (; j < d; j++)
			s0 += w[j] * xs[j];
		probs[c] = ((s0 + s1) + (s2 + s3)) + model->intercept[c];
	}
}

/* Logits, then the softmax in place. */
static void
predict_row_common(const al_softmax_model *model, const float *xf,
				   const double *xd, double *probs)
{
	logits_row(model, xf, xd, probs);
	softmax_inplace(probs, model->k);
}

/* The k logits of one row of floats, no BLAS; see softmax_model.h. */
void
al_softmax_logits_row(const al_softmax_model *model, const float *x, double *z)
{
	logits_row(model, x, NULL, z);
}

/* Single row of floats, no BLAS. */
void
al_softmax_predict_row(const al_softmax_model *model, const float *x,
					   double *probs)
{
	predict_row_common(model, x, NULL, probs);
}

/* Single row of doubles, no BLAS. */
void
al_softmax_predict_row_f64(const al_softmax_model *model, const double *x,
						   double *probs)
{
	predict_row_common(model, NULL, x, probs);
}

/* Index of the largest value, ties to the lowest index. */
static int
argmax(const double *p, int k)
{
	int			i,
				best = 0;

	for (i = 1; i < k; i++)
		if (p[i] > p[best])
			best = i;
	return best;
}

/* Accuracy and mean log-loss over the chosen rows; see softmax_model.h. */
al_sm_status
al_softmax_evaluate(const al_softmax_model *model, const float *x,
					const int *y, const int *rows, int n_rows,
					const al_softmax_options *opt, double *accuracy,
					double *log_loss)
{
	double	   *p;
	double		correct = 0,
				loss = 0;
	int			i,
				r;

	if (model == NULL || x == NULL || y == NULL)
		return AL_SM_NULL_ARG;
	if (n_rows < 1)
		return AL_SM_NO_ROWS;
	for (i = 0; i < n_rows; i++)
	{
		r = rows ? rows[i] : i;
		if (y[r] < 0 || y[r] >= model->k)
			return AL_SM_BAD_LABEL;
	}
	p = al_softmax_alloc(opt, (size_t) model->k * sizeof(double));
	if (p == NULL)
		return AL_SM_NO_MEMORY;
	for (i = 0; i < n_rows; i++)
	{
		r = rows ? rows[i] : i;
		al_softmax_predict_row(model, x + (size_t) r * model->d, p);
		correct += (argmax(p, model->k) == y[r]);
		loss -= log(fmax(p[y[r]], 1e-15));
	}
	al_softmax_free(opt, p);
	if (accuracy)
		*accuracy = correct / n_rows;
	if (log_loss)
		*log_loss = loss / n_rows;
	return AL_SM_OK;
}

/* Holdout by uniform sampling, train = the complement; both increasing. */
al_sm_status
al_softmax_holdout_split(int n, double fraction, uint64_t seed,
						 int *train_idx, int *n_train, int *hold_idx,
						 int *n_hold)
{
	al_rng		r;
	int			h,
				i,
				t = 0,
				next = 0;

	if (train_idx == NULL || n_train == NULL || hold_idx == NULL || n_hold == NULL)
		return AL_SM_NULL_ARG;
	if (n < 0)
		return AL_SM_NO_ROWS;
	if (!(fraction >= 0 && fraction <= 1))
		return AL_SM_BAD_FRACTION;
	h = (int) floor(fraction * n + 0.5);
	if (h > n)
		h = n;
	al_rng_seed_stream(&r, seed, UINT64_MAX);
	h = (int) al_rng_sample(&r, (size_t) n, (size_t) h, hold_idx);
	for (i = 0; i < n; i++)
	{
		if (next < h && hold_idx[next] == i)
			next++;
		else
			train_idx[t++] = i;
	}
	*n_train = t;
	*n_hold = h;
	return AL_SM_OK;
}

/* Fold the standardization into the weights; see softmax_model.h. */
void
al_softmax_to_original(const al_softmax_model *model, double *coef_out,
					   double *intercept_out)
{
	int			c,
				j,
				d = model->d;

	for (c = 0; c < model->k; c++)
	{
		double		b = model->intercept[c];

		for (j = 0; j < d; j++)
		{
			double		w = model->coef[(size_t) c * d + j];

			if (model->standardized)
			{
				w /= model->scale[j];
				b -= w * model->mean[j];
			}
			coef_out[(size_t) c * d + j] = w;
		}
		intercept_out[c] = b;
	}
}
