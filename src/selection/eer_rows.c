/*
 * eer_rows.c - one pass over a table for al.expected_error_reduction.
 *
 * The table is locked (AccessShareLock, to the end of the transaction)
 * before its columns are resolved, then read as the caller (table and
 * column privileges and row-level security apply) inside al_become_caller,
 * under the calling statement's snapshot (the function is STABLE: it sees
 * the table as the statement does, and as the model was read), a block of
 * rows at a time:
 *  - a row with a label is a labeled row: kept (features and class);
 *  - a row without is a pool row: the model predicts it (a block at a time,
 *    dgemm), and it is offered to two bounded heaps (src/core/topk.c): the
 *    M most uncertain rows (ties: by the seeded key, then the id) and the S
 *    rows of smallest seeded key (the sample: a uniform random subset that
 *    depends on the seed and the ids only, not on the scan order).
 * Memory: the labeled rows, (M + S) rows, one block; what a block leaves is
 * freed with its memory context, an evicted row's id with the row.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "al_ext.h"
#include "eer_glue.h"
#include "feature_cast.h"
#include "identity.h"
#include "scores.h"
#include "select_glue.h"

/*
 * A block is at most this many rows and about this many bytes of features
 * and probabilities.
 */
#define EER_FETCH_ROWS 1000
#define EER_FETCH_BYTES ((Size) 16 * 1024 * 1024)

/* The table, resolved under its lock, and the pass's block buffers. */
typedef struct EerPass
{
	const AlModel *model;
	const EerSourceSpec *spec;
	char	   *relname;		/* qualified and quoted */
	char	   *id_quoted;
	Oid			ftype;			/* what the features are read as: real[] or double precision[] */
	char	   *features;		/* the features column, read as ftype (maybe a CAST) */
	int		   *by_bytes;		/* class numbers sorted by label bytes */
	int			block;			/* rows per fetch */
	float	   *bx;				/* block x d pool features */
	float	   *bp;				/* block x k their probabilities */
	double	   *work;			/* the predictor's workspace */
	char	  **bid;			/* block ids of the pool rows */
	int			nb;				/* pool rows in the block */
	EerRows    *out;
	MemoryContext keep;			/* where what outlives a block lives */
} EerPass;

/*
 * Count bytes of al.expected_error_reduction against
 * al_ext.selection_max_memory; ERROR (53400) past it, naming what takes
 * them and how to need fewer.
 */
void
eer_charge(EerRows *rows, double bytes, const char *what, const char *hint)
{
	rows->bytes += bytes;
	if (rows->bytes > (double) sel_max_memory_bytes())
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("al.expected_error_reduction needs more than al_ext.selection_max_memory (%s)",
						GetConfigOptionByName("al_ext.selection_max_memory", NULL, false)),
				 errdetail("%s take about %.0f bytes.", what, bytes),
				 errhint("%s", hint)));
}

/*
 * Count the heaps' ids beyond the ROW_HEAP_ID_BYTES each their rows were
 * counted with (long text ids), as they change.
 */
static void
eer_charge_long_ids(EerRows *rows)
{
	Size		now = rows->cand.long_id_bytes + rows->sample.long_id_bytes;

	eer_charge(rows, (double) now - (double) rows->long_ids, "The candidates' and sample's long ids",
			   "Use fewer candidates or a smaller sample.");
	rows->long_ids = now;
}

/* qsort comparator of class numbers by their label's bytes. */
static char **eer_sort_classes;
static int
cmp_class_bytes(const void *a, const void *b)
{
	return strcmp(eer_sort_classes[*(const int *) a], eer_sort_classes[*(const int *) b]);
}

/*
 * Lock the table, check it exists and resolve its columns (the features
 * real[], double precision[] or a type with a cast to real[]); set up the
 * block buffers.
 */
static void
pass_init(EerPass *ps, const AlModel *model, const EerSourceSpec *spec, EerRows *out)
{
	int			d = model->d,
				i;
	Oid			ftype;

	memset(ps, 0, sizeof(*ps));
	ps->model = model;
	ps->spec = spec;
	ps->out = out;
	ps->keep = CurrentMemoryContext;
	LockRelationOid(spec->relid, AccessShareLock);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(spec->relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", spec->relid)));
	ps->relname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(spec->relid)),
											 get_rel_name(spec->relid));
	(void) model_column_type(spec->relid, spec->id_column);
	ftype = model_column_type(spec->relid, spec->features);
	ps->ftype = model_check_feature_type(spec->features, ftype);
	ps->features = al_feature_select(quote_identifier(spec->features), ftype);
	(void) model_column_type(spec->relid, spec->label);
	ps->id_quoted = pstrdup(quote_identifier(spec->id_column));
	/* a block's features and probabilities stay within EER_FETCH_BYTES */
	ps->block = (int) Max(1, Min(EER_FETCH_ROWS, EER_FETCH_BYTES / (sizeof(float) * (d + model->k))));
	memset(out, 0, sizeof(*out));
	eer_charge(out, (double) ps->block * (sizeof(float) * (d + model->k) + sizeof(char *) + 64) +
			   sizeof(double) * (double) al_softmax_predict_work_size(&model->m[0], ps->block),
			   "The blocks the table is read in", "Use fewer features.");
	ps->bx = palloc_extended(sizeof(float) * (Size) ps->block * d, MCXT_ALLOC_HUGE);
	ps->bp = palloc(sizeof(float) * (Size) ps->block * model->k);
	ps->work = palloc_extended(sizeof(double) * al_softmax_predict_work_size(&model->m[0], ps->block),
							   MCXT_ALLOC_HUGE);
	ps->bid = palloc(sizeof(char *) * ps->block);
	ps->by_bytes = palloc(sizeof(int) * model->k);
	for (i = 0; i < model->k; i++)
		ps->by_bytes[i] = i;
	eer_sort_classes = model->classes;
	qsort(ps->by_bytes, model->k, sizeof(int), cmp_class_bytes);
	eer_charge(out, (double) spec->candidates * (sizeof(float) * d + ROW_HEAP_ROW_OVERHEAD),
			   psprintf("Its %d candidates of %d features", spec->candidates, d), "Use fewer candidates.");
	eer_charge(out, (double) spec->sample * (sizeof(float) * d + ROW_HEAP_ROW_OVERHEAD),
			   psprintf("Its %d sample rows of %d features", spec->sample, d), "Use a smaller sample.");
	row_heap_init(&out->cand, spec->candidates, d, ps->keep);
	row_heap_init(&out->sample, spec->sample, d, ps->keep);
}

/* "the row with id = 42", for errors. */
static char *
describe_row(const EerPass *ps, const char *id)
{
	return psprintf("the row with %s = %s", ps->id_quoted, id);
}

/* Read one row's feature array into x (model->d floats), checking it. */
static void
read_features(const EerPass *ps, Datum datum, bool isnull, const char *id, float *x)
{
	ArrayType  *a;
	bits8	   *bitmap;
	int			n,
				j,
				d = ps->model->d;

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("features of %s are NULL", describe_row(ps, id))));
	a = DatumGetArrayTypeP(datum);
	if (ARR_ELEMTYPE(a) != (ps->ftype == FLOAT4ARRAYOID ? FLOAT4OID : FLOAT8OID))
		elog(ERROR, "feature array of type %s in a column of type %s",
			 format_type_be(ARR_ELEMTYPE(a)), format_type_be(ps->ftype));
	n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features of %s must be a one-dimensional array", describe_row(ps, id))));
	if (n != d)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features of %s have %d values, model \"%s\" expects %d",
						describe_row(ps, id), n, ps->model->name, d)));
	bitmap = ARR_NULLBITMAP(a);
	for (j = 0; j < n; j++)
	{
		double		v;

		if (bitmap && !(bitmap[j / 8] & (1 << (j % 8))))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("feature %d of %s is NULL", j + 1, describe_row(ps, id))));
		v = (ps->ftype == FLOAT4ARRAYOID) ? ((float4 *) ARR_DATA_PTR(a))[j]
			: ((float8 *) ARR_DATA_PTR(a))[j];
		if (!isfinite(v))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("feature %d of %s is not finite: %s", j + 1,
							describe_row(ps, id), float8out_internal(v))));
		/* the kernel works in float: a double beyond its range would be inf */
		if (fabs(v) > FLT_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("feature %d of %s is out of range for type real: %s", j + 1,
							describe_row(ps, id), float8out_internal(v))));
		x[j] = (float) v;
	}
}

/*
 * The model's number of a labeled row's class; ERROR if the model has no
 * such class, or gives it probability 0 (trained without its rows).
 */
static int
class_of(const EerPass *ps, const char *label, const char *id)
{
	const AlModel *model = ps->model;
	int			lo = 0,
				hi = model->k - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(label, model->classes[ps->by_bytes[mid]]);

		if (c == 0)
		{
			int			cls = ps->by_bytes[mid];

			if (model->m[0].intercept[cls] == -INFINITY)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("model \"%s\" was trained without class \"%s\", the label of %s",
								model->name, label, describe_row(ps, id)),
						 errhint("Train the model again on the labeled rows.")));
			return cls;
		}
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("label \"%s\" of %s is not a class of model \"%s\"",
					label, describe_row(ps, id), model->name)));
	return -1;
}

/* Keep a labeled row (features already checked into x). */
static void
add_labeled(EerPass *ps, const float *x, int cls)
{
	EerRows    *out = ps->out;
	int			d = ps->model->d;

	if (out->n == out->cap)
	{
		/* grow by doubling, within al_ext.selection_max_memory and int */
		int			cap = (int) Min((int64) (out->cap ? 2 * (int64) out->cap : 64), (int64) INT_MAX / 2);

		if (cap <= out->n)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("al.expected_error_reduction cannot keep more than %d labeled rows", out->n)));
		eer_charge(out, (double) (cap - out->cap) * (sizeof(float) * d + sizeof(int)),
				   psprintf("Its labeled rows (%d and more) of %d features", out->n + 1, d),
				   "Read the labeled rows through a view that keeps fewer of them, or use fewer features.");
		out->cap = cap;
		/* in the pass's context: the block's is reset after each block */
		out->lx = out->lx ? repalloc_huge(out->lx, sizeof(float) * (Size) out->cap * d)
			: MemoryContextAllocHuge(ps->keep, sizeof(float) * (Size) out->cap * d);
		out->ly = out->ly ? repalloc_huge(out->ly, sizeof(int) * (Size) out->cap)
			: MemoryContextAllocHuge(ps->keep, sizeof(int) * (Size) out->cap);
	}
	memcpy(out->lx + (Size) out->n * d, x, sizeof(float) * d);
	out->ly[out->n++] = cls;
}

/* The uncertainty score of a distribution (also a learner's, round_select.c). */
double
eer_uncertainty(EerUncertainty u, const float *p, int k)
{
	switch (u)
	{
		case EER_MARGIN:
			return al_margin_confidence(p, k);
		case EER_LEAST_CONFIDENCE:
			return al_least_confidence(p, k);
		case EER_ENTROPY:
			break;
	}
	return al_entropy(p, k);
}

/*
 * Predict the block's pool rows and offer each to the candidates (by its
 * uncertainty) and to the sample (by its key); empties the block.
 */
static void
flush_pool_block(void *arg)
{
	EerPass    *ps = (EerPass *) arg;
	const AlModel *model = ps->model;
	int			i,
				d = model->d;
	al_sm_status st;

	if (ps->nb == 0)
		return;
	st = al_softmax_predict_ws(&model->m[0], ps->bx, ps->nb, ps->bp, ps->work);
	if (st != AL_SM_OK)
		elog(ERROR, "prediction failed: %s", al_sm_status_message(st));
	for (i = 0; i < ps->nb; i++)
	{
		const float *x = ps->bx + (Size) i * d;
		uint64		key = row_heap_hash_key(ps->bid[i], ps->spec->seed);

		row_heap_offer(&ps->out->cand, eer_uncertainty(ps->spec->uncertainty, ps->bp + (Size) i * model->k, model->k),
					   key, ps->bid[i], x, 0);
		row_heap_offer(&ps->out->sample, 0.0, key, ps->bid[i], x, 0);
	}
	ps->out->pool_rows += ps->nb;
	ps->nb = 0;
	eer_charge_long_ids(ps->out);
}

/* Take one fetched row: a labeled row is kept, a pool row goes to the block. */
static void
take_row(void *arg, HeapTuple tup, TupleDesc desc)
{
	EerPass    *ps = (EerPass *) arg;
	bool		isnull;
	char	   *id = SPI_getvalue(tup, desc, 1);
	char	   *label = SPI_getvalue(tup, desc, 3);
	Datum		f = SPI_getbinval(tup, desc, 2, &isnull);

	if (id == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("id column \"%s\" is NULL in a row of %s", ps->spec->id_column, ps->relname),
				 errdetail("The id column names the rows to label: every row needs one.")));
	if (label != NULL)
	{
		float	   *x = palloc(sizeof(float) * ps->model->d);

		read_features(ps, f, isnull, id, x);
		add_labeled(ps, x, class_of(ps, label, id));
		return;
	}
	read_features(ps, f, isnull, id, ps->bx + (Size) ps->nb * ps->model->d);
	ps->bid[ps->nb++] = id;
}

/*
 * Fetch every row through a cursor, a block at a time; a block's pool rows
 * are scored and offered before its memory context is reset (labeled rows
 * and kept pool rows are copied to the pass's context).
 */
static void
read_all(EerPass *ps)
{
	char	   *sql = psprintf("SELECT %s::pg_catalog.text, %s, %s::pg_catalog.text FROM %s",
							   ps->id_quoted, ps->features,
							   quote_identifier(ps->spec->label), ps->relname);
	SPIPlanPtr	plan = SPI_prepare(sql, 0, NULL);
	Portal		portal;

	if (plan == NULL)
		elog(ERROR, "could not read the rows of %s: %s", ps->relname,
			 SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	model_check_read_type(ps->ftype, SPI_gettypeid(portal->tupDesc, 2));
	model_fetch_blocks(portal, ps->block, take_row, flush_pool_block, ps,
					   "al_ext expected error reduction rows");
	SPI_cursor_close(portal);
}

/*
 * Read the table for expected error reduction with model (a single
 * model): lock, resolve, then one pass as the caller (isolated) under the
 * active snapshot, the calling statement's (a transaction snapshot only
 * when none is active).  A row committed after the statement began is not
 * read, even when the lock waited for its transaction: as STABLE
 * promises, two calls of one statement see the same rows.  SPI is
 * connected; out lives in the current memory context.
 */
void
eer_read_rows(const AlModel *model, const EerSourceSpec *spec, EerRows *out)
{
	EerPass		ps;
	AlIdentity	save;
	bool		pushed = false;

	pass_init(&ps, model, spec, out);
	al_blas_ensure();
	if (!ActiveSnapshotSet())
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		pushed = true;
	}
	al_become_caller(&save);
	read_all(&ps);
	al_restore(&save);
	if (pushed)
		PopActiveSnapshot();
}
