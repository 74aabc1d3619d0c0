/*
 * ridge_fit.c - al.ridge_fit and al.ridge_predict: ridge regression
 * (scikit-learn's Ridge(alpha), intercept unpenalized, optionally on
 * standardized features) over the rows of a table, on OpenBLAS.  The fit
 * is not stored: the coefficients are returned (doc/models.md, "Ridge
 * regression").
 *
 * The table is locked and its columns resolved and checked as
 * al.train_model does (model_resolve_source), then read as the caller
 * (al_become_caller) through a cursor, a block of rows at a time, into the
 * streaming accumulator of src/core/ridge.c: memory is O(d^2 + a block),
 * whatever the row count.  Rows whose target is NULL are not training
 * rows; a bad row is named by its primary key (or ctid).
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"

#include "al_blas.h"
#include "al_ext.h"
#include "identity.h"
#include "model.h"
#include "ridge.h"

PG_FUNCTION_INFO_V1(sql_ridge_fit);
PG_FUNCTION_INFO_V1(sql_ridge_predict);

#define RIDGE_FETCH_ROWS 10000
/* Rows per accumulated block: at most 1024, and at most 8 MB of features. */
#define RIDGE_BLOCK_ROWS 1024
#define RIDGE_BLOCK_BYTES ((Size) 8 * 1024 * 1024)

/* The reading state of a fit. */
typedef struct RidgeReader
{
	const TrainSource *src;
	Oid			type;			/* the feature column's type, as read */
	MemoryContext cxt;			/* where the accumulator and the block live */
	al_ridge_acc acc;
	int			d;				/* 0 until the first row */
	double	   *bx;				/* block_rows x d */
	double	   *by;				/* block_rows */
	int			block_rows;
	int			rows;			/* rows in the block */
	char	   *first_row;		/* how errors name the first row */
	int64		position;		/* rows read so far */
} RidgeReader;

/* palloc for the core, huge allowed; NULL when out of memory. */
static void *
ridge_alloc(size_t size)
{
	return palloc_extended(size, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

/* pfree for the core. */
static void
ridge_free(void *ptr)
{
	pfree(ptr);
}

/* ERROR for a failed core call. */
static void
report_ridge_status(al_ridge_status st, const RidgeReader *r)
{
	switch (st)
	{
		case AL_RIDGE_OK:
			return;
		case AL_RIDGE_NO_MEMORY:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory for a ridge regression of %d features", r->d)));
			break;
		case AL_RIDGE_BAD_DIM:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("features of %s have %d values; ridge regression takes at most %d",
							r->first_row, r->d, AL_RIDGE_MAX_FEATURES)));
			break;
		case AL_RIDGE_TOO_FEW_ROWS:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ridge regression needs at least 2 rows with a target in %s, not " INT64_FORMAT,
							r->src->relname, r->position),
					 errdetail("Rows whose target column %s is NULL are not training rows.",
							   r->src->label)));
			break;
		case AL_RIDGE_NUMERIC:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("ridge regression is out of range: its sums or its solution are not finite"),
					 errhint("Scale the features or the target down.")));
			break;
		case AL_RIDGE_NO_BLAS:
		case AL_RIDGE_BAD_ALPHA:
			/* BLAS is loaded and alpha checked before */
			elog(ERROR, "unexpected ridge status %d", (int) st);
			break;
	}
}

/* Add the block's rows to the sums. */
static void
flush_block(void *arg)
{
	RidgeReader *r = (RidgeReader *) arg;

	if (r->rows == 0)
		return;
	report_ridge_status(al_ridge_acc_add(&r->acc, r->bx, r->by, r->rows), r);
	r->rows = 0;
}

/* The first row: its feature count sets d, the accumulator and the block. */
static void
start_rows(RidgeReader *r, int n, const char *row)
{
	MemoryContext old = MemoryContextSwitchTo(r->cxt);

	r->d = n;
	r->first_row = pstrdup(row);
	report_ridge_status(al_ridge_acc_init(&r->acc, n, ridge_alloc, ridge_free), r);
	r->block_rows = (int) Max(1, Min(RIDGE_BLOCK_ROWS, RIDGE_BLOCK_BYTES / (sizeof(double) * n)));
	r->bx = palloc(sizeof(double) * (Size) r->block_rows * n);
	r->by = palloc(sizeof(double) * r->block_rows);
	MemoryContextSwitchTo(old);
}

/* Check the shape of one row's features, a array of n elements. */
static void
check_row_shape(RidgeReader *r, ArrayType *a, int n, const char *row)
{
	model_check_feature_array(a, n, row);
	if (r->d == 0)
		start_rows(r, n, row);
	if (n != r->d)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s has %d features, %s has %d", row, n, r->first_row, r->d)));
}

/* Copy one row's features into the block, checking each value. */
static void
copy_features(RidgeReader *r, ArrayType *a, double *dst, HeapTuple tup, TupleDesc desc)
{
	bits8	   *nulls = ARR_NULLBITMAP(a);

	for (int j = 0; j < r->d; j++)
	{
		double		v;

		if (nulls && !(nulls[j / 8] & (1 << (j % 8))))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("feature %d of %s is NULL", j + 1,
							model_describe_row(r->src, tup, desc, r->position))));
		v = r->type == FLOAT4ARRAYOID ? ((float4 *) ARR_DATA_PTR(a))[j]
			: ((float8 *) ARR_DATA_PTR(a))[j];
		if (!isfinite(v))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("feature %d of %s is not finite: %s", j + 1,
							model_describe_row(r->src, tup, desc, r->position),
							float8out_internal(v))));
		dst[j] = v;
	}
}

/* Append one fetched row (features, target, key columns) to the block. */
static void
ridge_row(void *arg, HeapTuple tup, TupleDesc desc)
{
	RidgeReader *r = (RidgeReader *) arg;
	bool		isnull;
	Datum		f = SPI_getbinval(tup, desc, 1, &isnull);
	double		y;
	ArrayType  *a;
	int			n;

	r->position++;
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("features of %s are NULL",
						model_describe_row(r->src, tup, desc, r->position))));
	a = DatumGetArrayTypeP(f);
	n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	if (ARR_NDIM(a) != 1 || n != r->d)
		check_row_shape(r, a, n, model_describe_row(r->src, tup, desc, r->position));
	y = model_check_target(r->src, DatumGetFloat8(SPI_getbinval(tup, desc, 2, &isnull)),
						   tup, desc, r->position);
	copy_features(r, a, r->bx + (Size) r->rows * r->d, tup, desc);
	r->by[r->rows++] = y;
	if (r->rows == r->block_rows)
		flush_block(r);
}

/*
 * Read every row with a target through a cursor, as the caller, into the
 * reader's sums.
 */
static void
ridge_read(RidgeReader *r)
{
	const TrainSource *src = r->src;
	char	   *sql = psprintf("SELECT %s, %s::pg_catalog.float8%s FROM %s WHERE %s IS NOT NULL",
							   src->features, src->label, src->key_list, src->relname, src->label);
	SPIPlanPtr	plan;
	Portal		portal;
	AlIdentity	save;

	PushActiveSnapshot(GetTransactionSnapshot());
	al_become_caller(&save);
	plan = SPI_prepare(sql, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "could not read the rows of %s: %s", src->relname,
			 SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	r->type = SPI_gettypeid(portal->tupDesc, 1);
	model_check_read_type(src->read_type, r->type);
	model_fetch_blocks(portal, RIDGE_FETCH_ROWS, ridge_row, flush_block, r, "al_ext ridge rows");
	SPI_cursor_close(portal);
	al_restore(&save);
	PopActiveSnapshot();
}

/* A float8[] of the n values v. */
static ArrayType *
float8_array(const double *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int j = 0; j < n; j++)
		d[j] = Float8GetDatum(v[j]);
	return construct_array(d, n, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/*
 * al.ridge_fit(data regclass, features name, target name, alpha float8,
 * standardize bool): one row (coef float8[], intercept float8) minimizing
 * ||y - X coef - intercept||^2 + alpha ||coef||^2 (coef of the standardized
 * features in the penalty when standardize), coef in the original units.
 */
Datum
sql_ridge_fit(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double		alpha = PG_GETARG_FLOAT8(3);
	bool		standardize = PG_GETARG_BOOL(4);
	TrainSource src = {0};
	RidgeReader r = {0};
	al_ridge_fit fit;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	al_ridge_status st;
	MemoryContext caller_cxt;

	if (!(alpha > 0.0) || isinf(alpha))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("alpha must be a finite number greater than 0, not %s",
						float8out_internal(alpha))));
	InitMaterializedSRF(fcinfo, 0);
	al_blas_ensure();
	/* the coefficients outlive SPI_finish, which frees SPI's memory */
	caller_cxt = CurrentMemoryContext;
	SPI_connect();
	src.family = MODEL_RIDGE;	/* the target column must be a number */
	model_resolve_source(&src, PG_GETARG_OID(0), NULL, NameStr(*PG_GETARG_NAME(1)),
						 NameStr(*PG_GETARG_NAME(2)));
	r.src = &src;
	r.cxt = CurrentMemoryContext;
	ridge_read(&r);
	if (r.d == 0)
		report_ridge_status(AL_RIDGE_TOO_FEW_ROWS, &r);
	fit.coef = MemoryContextAlloc(caller_cxt, sizeof(double) * r.d);
	st = al_ridge_solve(&r.acc, alpha, standardize, &fit,
						palloc_extended(sizeof(double) * al_ridge_work_doubles(r.d), MCXT_ALLOC_HUGE));
	report_ridge_status(st, &r);
	SPI_finish();
	values[0] = PointerGetDatum(float8_array(fit.coef, r.d));
	values[1] = Float8GetDatum(fit.intercept);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

/* ERROR naming the first non-finite of the n values v, if any. */
static void
check_finite(const char *what, const double *v, int n)
{
	for (int j = 0; j < n; j++)
		if (!isfinite(v[j]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s %d is not finite: %s", what, j + 1, float8out_internal(v[j]))));
}

/*
 * al.ridge_predict(coef float8[], intercept float8, x float8[]):
 * intercept + coef . x.
 */
Datum
sql_ridge_predict(PG_FUNCTION_ARGS)
{
	ArrayType  *coef = PG_GETARG_ARRAYTYPE_P(0);
	double		intercept = PG_GETARG_FLOAT8(1);
	ArrayType  *x = PG_GETARG_ARRAYTYPE_P(2);
	int			d = ARR_NDIM(coef) == 0 ? 0 : ArrayGetNItems(ARR_NDIM(coef), ARR_DIMS(coef));
	int			n = ARR_NDIM(x) == 0 ? 0 : ArrayGetNItems(ARR_NDIM(x), ARR_DIMS(x));
	double		p;

	if (ARR_NDIM(coef) > 1 || ARR_NDIM(x) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("coefficients and features must be one-dimensional arrays")));
	if (d != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features have %d values, the coefficients %d", n, d)));
	if (ARR_HASNULL(coef) || ARR_HASNULL(x))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("coefficients and features must not contain NULL")));
	p = al_ridge_predict((const double *) ARR_DATA_PTR(coef), intercept,
						 (const double *) ARR_DATA_PTR(x), d);
	if (!isfinite(p))
	{
		if (!isfinite(intercept))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("intercept is not finite: %s", float8out_internal(intercept))));
		check_finite("coefficient", (const double *) ARR_DATA_PTR(coef), d);
		check_finite("feature", (const double *) ARR_DATA_PTR(x), d);
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("ridge prediction is out of range for type double precision")));
	}
	PG_RETURN_FLOAT8(p);
}
