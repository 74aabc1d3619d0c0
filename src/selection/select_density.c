/*
 * select_density.c - information density in SQL (Settles and Craven 2008):
 *   al.mean_direction(x)            aggregate: the pool's mean direction
 *                                   (mean of x / |x|), one pass, combinable;
 *   al.cosine_density(x, direction) mean cosine similarity of x to the pool;
 *   al.euclidean_density(x, sample) mean of 1 / (1 + distance) to a sample;
 *   al.information_density(score, density, beta)  score x density^beta.
 * The formulas are the kernels of src/core/select_density.c, the ones the
 * learner's round uses.  See doc/selection.md.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "al_ext.h"
#include "select_glue.h"

PG_FUNCTION_INFO_V1(al_mean_direction_trans);
PG_FUNCTION_INFO_V1(al_mean_direction_combine);
PG_FUNCTION_INFO_V1(al_mean_direction_final);
PG_FUNCTION_INFO_V1(al_cosine_density);
PG_FUNCTION_INFO_V1(al_euclidean_density);
PG_FUNCTION_INFO_V1(al_information_density);

/* Directions may exceed norm 1 by this much (rounding of the mean). */
#define DIRECTION_NORM_SLACK 1e-6

/* First element of a double precision[] without NULLs. */
static inline double *
state_values(ArrayType *a)
{
	return (double *) ARR_DATA_PTR(a);
}

/*
 * A zeroed state {count, sum_1 .. sum_d} (d + 1 doubles), in the current
 * context: the executor copies a new state into the aggregate's context.
 */
static ArrayType *
direction_state_new(int d)
{
	Datum	   *zeros = palloc0(sizeof(Datum) * (d + 1));

	for (int j = 0; j <= d; j++)
		zeros[j] = Float8GetDatum(0.0);
	return construct_array(zeros, d + 1, FLOAT8OID, sizeof(float8),
						   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/* The dimension of a state, after checking its shape (states may come from users). */
static int
direction_state_dim(ArrayType *a)
{
	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID ||
		ARR_DIMS(a)[0] < 2 || !(state_values(a)[0] >= 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid al.mean_direction state"),
				 errdetail("A state is a one-dimensional double precision array without nulls: the row count, then one sum per feature.")));
	return ARR_DIMS(a)[0] - 1;
}

/* ERROR for rows (or partial states) of different lengths. */
static void
direction_dim_mismatch(int have, int got)
{
	ereport(ERROR,
			(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
			 errmsg("features have %d values, earlier rows have %d", got, have)));
}

/*
 * The state argument argno, ready to modify: the aggregate's own value in
 * place, a copy when called directly; NULL if the argument is NULL.
 */
static ArrayType *
direction_state_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		return NULL;
	return AggCheckCallContext(fcinfo, NULL) ? PG_GETARG_ARRAYTYPE_P(argno)
		: PG_GETARG_ARRAYTYPE_P_COPY(argno);
}

/*
 * Transition: add the row's x / |x| (zero rows add nothing but count).
 * NULL rows are skipped, as avg() does.
 */
Datum
al_mean_direction_trans(PG_FUNCTION_ARGS)
{
	ArrayType  *state = direction_state_arg(fcinfo, 0);
	ArrayType  *a;
	float	   *x;
	double	   *s;
	int			d;

	if (PG_ARGISNULL(1))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_ARRAYTYPE_P(state);
	}
	a = PG_GETARG_ARRAYTYPE_P(1);
	d = sel_vector_length(a, "features", NULL);
	if (state == NULL)
		state = direction_state_new(d);
	else if (direction_state_dim(state) != d)
		direction_dim_mismatch(direction_state_dim(state), d);
	x = palloc(sizeof(float) * d);
	sel_vector_floats(a, x, "feature", NULL);
	s = state_values(state);
	s[0] += 1;
	al_sel_direction_add(x, d, s + 1);
	PG_RETURN_ARRAYTYPE_P(state);
}

/* Combine: add counts and sums; a NULL state (no row) is neutral. */
Datum
al_mean_direction_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = direction_state_arg(fcinfo, 0);
	ArrayType  *b;
	int			d;

	if (PG_ARGISNULL(1))
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_ARRAYTYPE_P(a);
	}
	b = PG_GETARG_ARRAYTYPE_P(1);
	d = direction_state_dim(b);
	if (a == NULL)
		a = direction_state_new(d);
	else if (direction_state_dim(a) != d)
		direction_dim_mismatch(direction_state_dim(a), d);
	for (int j = 0; j <= d; j++)
		state_values(a)[j] += state_values(b)[j];
	PG_RETURN_ARRAYTYPE_P(a);
}

/* Final: the sums divided by the row count (NULL for no row). */
Datum
al_mean_direction_final(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	int			d = direction_state_dim(state);
	const double *s = state_values(state);
	Datum	   *elems;

	if (!(s[0] >= 1) || isinf(s[0]))
		PG_RETURN_NULL();
	elems = palloc(sizeof(Datum) * d);
	for (int j = 0; j < d; j++)
		elems[j] = Float8GetDatum(s[j + 1] / s[0]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, d, FLOAT8OID, sizeof(float8),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * al.cosine_density(x, direction): max(0, x / |x| . direction), the mean
 * cosine similarity of x to the rows whose mean direction is given.
 */
Datum
al_cosine_density(PG_FUNCTION_ARGS)
{
	ArrayType  *xa = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *da = PG_GETARG_ARRAYTYPE_P(1);
	int			d = sel_vector_length(xa, "features", NULL);
	int			dd = sel_vector_length(da, "direction", NULL);
	float	   *x;
	const double *dir;
	double		norm2 = 0;

	if (dd != d)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features have %d values, direction has %d", d, dd)));
	x = palloc(sizeof(float) * d);
	sel_vector_floats(xa, x, "feature", NULL);
	/* refuses NULL and non-finite values; the values are then read as given */
	sel_vector_floats(da, palloc(sizeof(float) * d), "direction value", NULL);
	if (ARR_ELEMTYPE(da) != FLOAT8OID)
		elog(ERROR, "direction must be double precision[]");
	dir = (const double *) ARR_DATA_PTR(da);
	for (int j = 0; j < d; j++)
		norm2 += dir[j] * dir[j];
	if (sqrt(norm2) > 1 + DIRECTION_NORM_SLACK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("direction must have a norm of at most 1"),
				 errdetail("Its norm is %s; use the result of al.mean_direction.",
						   float8out_internal(sqrt(norm2)))));
	PG_RETURN_FLOAT8(al_sel_cosine_density(x, d, dir));
}

/* The sample of al.euclidean_density as floats, with its norms. */
typedef struct DensitySample
{
	Size		size;			/* bytes of the array it came from */
	char	   *bytes;			/* a copy of that array */
	int			s;				/* rows */
	int			d;				/* features */
	float	   *rows;			/* s x d */
	double	   *sqnorms;		/* s */
} DensitySample;

/* Read and check a sample array: two dimensions (rows x features). */
static void
density_sample_read(ArrayType *a, DensitySample *ds, MemoryContext cxt)
{
	int			n;

	if (ARR_NDIM(a) != 2)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("sample must be a two-dimensional array (one row per sample point)"),
				 errdetail("The array has %d dimensions.", ARR_NDIM(a))));
	ds->s = ARR_DIMS(a)[0];
	ds->d = ARR_DIMS(a)[1];
	n = ds->s * ds->d;
	ds->rows = MemoryContextAllocHuge(cxt, sizeof(float) * n);
	ds->sqnorms = MemoryContextAllocHuge(cxt, sizeof(double) * ds->s);
	/* row-major elements, named by their 1-based position in that order */
	sel_vector_floats(a, ds->rows, "sample value", NULL);
	al_sel_sqnorms(ds->rows, ds->s, ds->d, ds->sqnorms);
	ds->size = VARSIZE(a);
	ds->bytes = MemoryContextAlloc(cxt, ds->size);
	memcpy(ds->bytes, a, ds->size);
}

/*
 * The sample of this call, converted once per distinct sample: a constant
 * or a scalar subquery gives the same array on every row, recognized by its
 * bytes (kept in fn_extra).
 */
static DensitySample *
density_sample(FunctionCallInfo fcinfo, ArrayType *a)
{
	DensitySample *ds = fcinfo->flinfo->fn_extra;
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;

	if (ds != NULL && ds->size == VARSIZE(a) && memcmp(ds->bytes, a, ds->size) == 0)
		return ds;
	if (ds != NULL)
	{
		pfree(ds->rows);
		pfree(ds->sqnorms);
		pfree(ds->bytes);
	}
	else
		ds = MemoryContextAllocZero(cxt, sizeof(DensitySample));
	fcinfo->flinfo->fn_extra = NULL;
	density_sample_read(a, ds, cxt);
	fcinfo->flinfo->fn_extra = ds;
	return ds;
}

/*
 * al.euclidean_density(x, sample): mean over the sample rows of
 * 1 / (1 + ||x - row||), through BLAS.
 */
Datum
al_euclidean_density(PG_FUNCTION_ARGS)
{
	ArrayType  *xa = PG_GETARG_ARRAYTYPE_P(0);
	int			d = sel_vector_length(xa, "features", NULL);
	DensitySample *ds = density_sample(fcinfo, PG_GETARG_ARRAYTYPE_P(1));
	float	   *x;
	double		out;
	al_sel_status st;
	al_sel_where where;

	if (ds->d != d)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features have %d values, sample rows have %d", d, ds->d)));
	x = palloc(sizeof(float) * d);
	sel_vector_floats(xa, x, "feature", NULL);
	al_blas_ensure();
	st = al_sel_euclidean_density(x, 1, d, ds->rows, ds->s, ds->sqnorms, &out,
								  sel_alloc_work(al_sel_density_work(1, ds->s, d)),
								  &where);
	if (st == AL_SEL_X_TOO_LARGE && where.labeled)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("sample row %d is too large", where.row + 1),
				 errdetail("The sum of its squares exceeds %g.", AL_SEL_MAX_SQNORM)));
	if (st == AL_SEL_X_TOO_LARGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("features are too large"),
				 errdetail("The sum of their squares exceeds %g.", AL_SEL_MAX_SQNORM)));
	if (st != AL_SEL_OK)
		elog(ERROR, "al.euclidean_density failed: %s", al_sel_status_message(st));
	PG_RETURN_FLOAT8(out);
}

/* al.information_density(score, density, beta): score x density^beta. */
Datum
al_information_density(PG_FUNCTION_ARGS)
{
	double		score = PG_GETARG_FLOAT8(0);
	double		density = PG_GETARG_FLOAT8(1);
	double		beta = PG_GETARG_FLOAT8(2);
	double		out;

	switch (al_sel_information_density(score, density, beta, &out))
	{
		case AL_SEL_OK:
			PG_RETURN_FLOAT8(out);
		case AL_SEL_NONFINITE_SCORE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("score is not finite: %s", float8out_internal(score))));
			break;
		case AL_SEL_NEGATIVE_SCORE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("information density needs a score of at least 0"),
					 errdetail("score is %s.", float8out_internal(score))));
			break;
		default:
			if (!(density >= 0 && density <= 1))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("density must be between 0 and 1"),
						 errdetail("density is %s.", float8out_internal(density))));
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("beta must be a finite number of at least 0"),
					 errdetail("beta is %s.", float8out_internal(beta))));
	}
	PG_RETURN_NULL();			/* not reached */
}
