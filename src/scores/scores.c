/*
 * scores.c - SQL wrappers of the single-distribution scores and helpers:
 * al.least_confidence, al.margin_confidence, al.ratio_confidence,
 * al.entropy, al.expected_gradient_length (real[] and double precision[]
 * features), al.max_prob, al.margin, al.argmax, al.num_classes,
 * al.kl_divergence, al.js_divergence, al.softmax and al.normalize.
 *
 * Each wrapper reads its probvec in place through probvec_read (no detoast
 * copy, no palloc for up to PROBVEC_STACK_CLASSES classes) and calls the
 * one kernel of src/core/scores.c, so a score costs little more than reading
 * the row.  The formulas live in the core, never here.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/float.h"

#include "probvec.h"
#include "score_args.h"
#include "scores.h"

PG_FUNCTION_INFO_V1(score_least_confidence);
PG_FUNCTION_INFO_V1(score_margin_confidence);
PG_FUNCTION_INFO_V1(score_ratio_confidence);
PG_FUNCTION_INFO_V1(score_entropy);
PG_FUNCTION_INFO_V1(score_max_prob);
PG_FUNCTION_INFO_V1(score_margin);
PG_FUNCTION_INFO_V1(score_argmax);
PG_FUNCTION_INFO_V1(score_num_classes);
PG_FUNCTION_INFO_V1(score_kl_divergence);
PG_FUNCTION_INFO_V1(score_js_divergence);
PG_FUNCTION_INFO_V1(score_expected_gradient_length);
PG_FUNCTION_INFO_V1(score_expected_gradient_length_float8);
PG_FUNCTION_INFO_V1(score_softmax);
PG_FUNCTION_INFO_V1(score_normalize);

typedef double (*score_kernel) (const float *p, int n);

/*
 * Apply a single-distribution kernel to argument 0.  Always inlined, so
 * each wrapper compiles to a direct call of its kernel.
 */
static pg_attribute_always_inline Datum
score_probvec(FunctionCallInfo fcinfo, score_kernel kernel)
{
	ProbVecView view;

	probvec_read(PG_GETARG_DATUM(0), &view);
	PG_RETURN_FLOAT8(kernel(view.x, view.dim));
}

/* al.least_confidence(p): 1 - max p. */
Datum
score_least_confidence(PG_FUNCTION_ARGS)
{
	return score_probvec(fcinfo, al_least_confidence);
}

/* al.margin_confidence(p): 1 - (p(1) - p(2)). */
Datum
score_margin_confidence(PG_FUNCTION_ARGS)
{
	return score_probvec(fcinfo, al_margin_confidence);
}

/* al.ratio_confidence(p): p(2) / p(1). */
Datum
score_ratio_confidence(PG_FUNCTION_ARGS)
{
	return score_probvec(fcinfo, al_ratio_confidence);
}

/* al.entropy(p): -sum p ln p. */
Datum
score_entropy(PG_FUNCTION_ARGS)
{
	return score_probvec(fcinfo, al_entropy);
}

/* al.max_prob(p): the largest probability. */
Datum
score_max_prob(PG_FUNCTION_ARGS)
{
	return score_probvec(fcinfo, al_max_prob);
}

/* al.margin(p): p(1) - p(2). */
Datum
score_margin(PG_FUNCTION_ARGS)
{
	return score_probvec(fcinfo, al_margin);
}

/* al.argmax(p): 1-based index of the largest value, ties to the lowest. */
Datum
score_argmax(PG_FUNCTION_ARGS)
{
	ProbVecView view;

	probvec_read(PG_GETARG_DATUM(0), &view);
	PG_RETURN_INT32(al_argmax(view.x, view.dim) + 1);
}

/* al.num_classes(p): the class count. */
Datum
score_num_classes(PG_FUNCTION_ARGS)
{
	ProbVecView view;

	probvec_read(PG_GETARG_DATUM(0), &view);
	PG_RETURN_INT32(view.dim);
}

/* Read arguments 0 and 1 as two distributions over the same classes. */
static void
read_pair(FunctionCallInfo fcinfo, ProbVecView *p, ProbVecView *q)
{
	probvec_read(PG_GETARG_DATUM(0), p);
	probvec_read(PG_GETARG_DATUM(1), q);
	if (p->dim != q->dim)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("distributions must have the same number of classes"),
				 errdetail("The first has %d classes, the second has %d.",
						   p->dim, q->dim)));
}

/* al.kl_divergence(p, q): sum p ln(p / q), +Infinity where q = 0 < p. */
Datum
score_kl_divergence(PG_FUNCTION_ARGS)
{
	ProbVecView p;
	ProbVecView q;

	read_pair(fcinfo, &p, &q);
	PG_RETURN_FLOAT8(al_kl_divergence(p.x, q.x, p.dim));
}

/* al.js_divergence(p, q): Jensen-Shannon divergence, in [0, ln 2]. */
Datum
score_js_divergence(PG_FUNCTION_ARGS)
{
	ProbVecView p;
	ProbVecView q;

	read_pair(fcinfo, &p, &q);
	PG_RETURN_FLOAT8(al_js_divergence(p.x, q.x, p.dim));
}

/*
 * An array argument, readable in place.  Out-of-line (TOAST pointer),
 * compressed and expanded arrays are first detoasted; what is left is a
 * plain array used where it lies, or a short-header one, rebuilt with a
 * 4-byte header in buf on the stack (its elements may be unaligned where it
 * lies).  The test for a short header must come after the detoast:
 * VARATT_IS_SHORT is also true of a TOAST pointer.  Keeps a per-row score
 * over stored arrays free of palloc (also used by src/scores/seq_scores.c).
 */
ArrayType *
array_in_place(Datum d, ShortVarlenaBuf *buf)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);

	if (VARATT_IS_SHORT(v))
	{
		Size		len = VARSIZE_SHORT(v) - VARHDRSZ_SHORT;

		SET_VARSIZE(buf->data, len + VARHDRSZ);
		memcpy(buf->data + VARHDRSZ, VARDATA_SHORT(v), len);
		return (ArrayType *) buf->data;
	}
	return (ArrayType *) v;
}

/*
 * Check a one-dimensional array of element type elemtype with no NULL; the
 * errors name elements by their 1-based position as "<what> N".  Returns
 * the element count (0 for an empty array).  Also used by
 * src/scores/multilabel.c.
 */
int
check_vector_array(ArrayType *a, Oid elemtype, const char *what)
{
	int			n;

	if (ARR_ELEMTYPE(a) != elemtype)
		elog(ERROR, "unexpected array element type %u", ARR_ELEMTYPE(a));
	if (ARR_NDIM(a) == 0)
		return 0;
	if (ARR_NDIM(a) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s vector must be a one-dimensional array", what),
				 errdetail("The array has %d dimensions.", ARR_NDIM(a))));
	n = ARR_DIMS(a)[0];
	if (ARR_HASNULL(a))
	{
		bits8	   *nulls = ARR_NULLBITMAP(a);

		for (int i = 0; i < n; i++)
			if (!(nulls[i / 8] & (1 << (i % 8))))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("%s %d is null", what, i + 1)));
	}
	return n;
}

/*
 * ERROR for the first non-finite feature of x[0..n-1], if any; x holds
 * float4 or float8 values as elemtype says.
 */
static void
check_features_finite(const char *x, Oid elemtype, int n)
{
	for (int i = 0; i < n; i++)
	{
		double		v = elemtype == FLOAT4OID ? ((const float4 *) x)[i]
			: ((const float8 *) x)[i];

		if (!isfinite(v))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("feature %d is not finite: %s",
							i + 1, float8out_internal(v))));
	}
}

/*
 * al.expected_gradient_length(p, x) for x real[] or double precision[]
 * (elemtype), the double values used as given.  x may be empty (a bias-only
 * model, ||(x, 1)|| = 1).  Non-finite features make the kernel's result
 * non-finite, so they are looked for only then: no extra pass per row.
 * Always inlined, so each wrapper calls its kernel directly.
 */
static pg_attribute_always_inline Datum
score_egl(FunctionCallInfo fcinfo, Oid elemtype)
{
	ProbVecView p;
	ShortVarlenaBuf buf;
	ArrayType  *xa;
	const char *x;
	int			nx;
	double		r;

	probvec_read(PG_GETARG_DATUM(0), &p);
	xa = array_in_place(PG_GETARG_DATUM(1), &buf);
	nx = check_vector_array(xa, elemtype, "feature");
	x = array_values(xa);
	if (elemtype == FLOAT4OID)
		r = al_expected_gradient_length(p.x, p.dim, (const float4 *) x, nx);
	else
		r = al_expected_gradient_length_d(p.x, p.dim, (const float8 *) x, nx);
	if (!isfinite(r))
	{
		check_features_finite(x, elemtype, nx);
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("expected gradient length is out of range for type double precision"),
				 errdetail("The norm of the features exceeds the largest double precision value.")));
	}
	PG_RETURN_FLOAT8(r);
}

/*
 * al.expected_gradient_length_real(p, x real[]): the real[] features read
 * in place.  Calls of al.expected_gradient_length on real[] are turned into
 * this one by al.real_features_support (src/real_features.c).
 */
Datum
score_expected_gradient_length(PG_FUNCTION_ARGS)
{
	return score_egl(fcinfo, FLOAT4OID);
}

/*
 * al.expected_gradient_length(p, x double precision[]): the one public
 * signature, so untyped literals and integer or numeric arrays resolve to
 * it without ambiguity; the double values are the features.
 */
Datum
score_expected_gradient_length_float8(PG_FUNCTION_ARGS)
{
	return score_egl(fcinfo, FLOAT8OID);
}

/*
 * The double precision[] argument 0 of softmax and normalize as a C array
 * of n values, n in [1, AL_PROBVEC_MAX_CLASSES]; what names one element.
 */
static const double *
read_class_values(FunctionCallInfo fcinfo, const char *what, const char *plural,
				  int *n)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);

	*n = check_vector_array(a, FLOAT8OID, what);
	if (*n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be empty", plural)));
	if (*n > AL_PROBVEC_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many %s: %d", plural, *n),
				 errdetail("An al.probvec has at most %d classes.",
						   AL_PROBVEC_MAX_CLASSES)));
	return (const double *) array_values(a);
}

/* ERROR for a failed softmax or normalize; bad is the 0-based culprit. */
static void
report_vec_status(al_vec_status st, const char *what, const double *v, int bad)
{
	switch (st)
	{
		case AL_VEC_OK:
			return;
		case AL_VEC_NOT_FINITE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s %d is not finite: %s",
							what, bad + 1, float8out_internal(v[bad]))));
			break;
		case AL_VEC_NEGATIVE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s %d is negative: %s",
							what, bad + 1, float8out_internal(v[bad]))));
			break;
		case AL_VEC_ZERO_SUM:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weights must not all be zero")));
			break;
		case AL_VEC_BAD_TEMPERATURE:
		case AL_VEC_EMPTY:
			/* checked by the callers before the kernel runs */
			elog(ERROR, "unexpected softmax/normalize status %d", (int) st);
			break;
	}
}

/*
 * al.softmax(logits, temperature): exp(z / t) / sum exp(z / t), computed
 * in double with the maximum subtracted, stored as float4.
 */
Datum
score_softmax(PG_FUNCTION_ARGS)
{
	float8		t = PG_GETARG_FLOAT8(1);
	const double *z;
	int			n;
	int			bad = 0;
	al_vec_status st;
	ProbVec    *result;

	if (!(t > 0.0) || isinf(t))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("temperature must be a positive finite number"),
				 errdetail("The temperature is %s.", float8out_internal(t))));
	z = read_class_values(fcinfo, "logit", "logits", &n);
	result = probvec_new(n);
	st = al_softmax(z, n, t, result->x, &bad);
	report_vec_status(st, "logit", z, bad);
	probvec_check_values(result->x, n);
	PG_RETURN_PROBVEC_P(result);
}

/* al.normalize(weights): w / sum w, computed in double, stored as float4. */
Datum
score_normalize(PG_FUNCTION_ARGS)
{
	const double *w;
	int			n;
	int			bad = 0;
	al_vec_status st;
	ProbVec    *result;

	w = read_class_values(fcinfo, "weight", "weights", &n);
	result = probvec_new(n);
	st = al_normalize(w, n, result->x, &bad);
	report_vec_status(st, "weight", w, bad);
	probvec_check_values(result->x, n);
	PG_RETURN_PROBVEC_P(result);
}
