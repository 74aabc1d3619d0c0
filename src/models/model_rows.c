/*
 * model_rows.c - reading the labeled rows of a table for al.train_model.
 *
 * The table is locked and its columns checked first (model_source.c), so
 * no ALTER TABLE can change them between the check and the read; the
 * reader still checks the type of what it actually gets.  Rows are read with the caller's identity (table and
 * column privileges and row-level security apply) inside
 * al_become_caller, so al_ext's statements are parsed with a pinned
 * search_path.  A bad row is named by its primary key (or ctid) in the
 * error, as PostgreSQL's own messages name rows.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "feature_cast.h"
#include "identity.h"
#include "model.h"

#define FETCH_ROWS 10000
/* Room for the first rows' features: at most 1024 rows or 64 MB; then doubled. */
#define FIRST_ROWS 1024
#define FIRST_ROWS_BYTES ((Size) 64 * 1024 * 1024)

/*
 * The classes in the rows of the last SPI query (one text column), in
 * their order, into data; ERROR beyond MODEL_MAX_CLASSES.
 */
static void
classes_of_result(TrainData *data)
{
	uint64		i;

	if (SPI_processed > MODEL_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("training data has " UINT64_FORMAT " classes; at most %d are supported",
						SPI_processed, MODEL_MAX_CLASSES)));
	data->k = (int) SPI_processed;
	data->classes = (char **) palloc(sizeof(char *) * data->k);
	for (i = 0; i < SPI_processed; i++)
		data->classes[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
	SPI_freetuptable(SPI_tuptable);
}

/*
 * A one-vs-rest model's classes: the classes option as given, else the
 * distinct non-NULL elements of the label sets in the column's order.
 */
static void
read_set_classes(const TrainSource *src, TrainData *data)
{
	char	   *sql;

	if (src->given_classes != NULL)
	{
		data->k = src->n_given;
		data->classes = src->given_classes;
		return;
	}
	sql = psprintf("SELECT u.e FROM %s AS r, pg_catalog.unnest(r.%s) AS u(e) "
				   "WHERE u.e IS NOT NULL GROUP BY u.e ORDER BY u.e",
				   src->relname, src->label);
	if (SPI_execute(sql, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the labels of %s", src->relname);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the label sets of %s name no class", src->relname),
				 errhint("Label some rows, or give the classes option.")));
	classes_of_result(data);
}

/*
 * ERROR (22004) for a label whose text form is NULL: the label column is
 * read through a cast to text, and a cast of the column's type may return
 * NULL for a value that is not NULL.
 */
static void
check_label_text(const TrainSource *src, const char *text)
{
	if (text == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("label column %s of %s has a value whose text form is NULL", src->label,
						src->relname),
				 errdetail("Labels are read as text: the cast to text of the column's type returned NULL for a value that is not NULL."),
				 errhint("Train on a view that maps the labels to text.")));
}

/*
 * ERROR unless the classes read (the distinct values of the label column,
 * as text) are distinct texts without NULL: a cast to text of the column's
 * type may give two values the same text (21000), which would make two
 * classes of one name.
 */
static void
check_class_texts(const TrainSource *src, const TrainData *data)
{
	char	  **sorted = (char **) palloc(sizeof(char *) * data->k);
	int			i;

	for (i = 0; i < data->k; i++)
	{
		check_label_text(src, data->classes[i]);
		sorted[i] = data->classes[i];
	}
	qsort(sorted, data->k, sizeof(char *), pg_qsort_strcmp);
	for (i = 1; i < data->k; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_CARDINALITY_VIOLATION),
					 errmsg("two values of label column %s of %s have the same text form \"%s\"",
							src->label, src->relname, sorted[i]),
					 errdetail("Labels are read as text: the cast to text of the column's type gives distinct values one text."),
					 errhint("Train on a view that maps the labels to distinct texts.")));
	pfree(sorted);
}

/*
 * The distinct labels in the label type's own order, as text: distinct by
 * value and by the bytes of their text (the rows' labels are matched to the
 * classes by bytes), so values a type or collation deems equal but that
 * print differently ('a' and 'A' under a case-insensitive collation, or
 * citext) are classes of their own, as their rows' labels are.
 */
static void
read_classes(const TrainSource *src, TrainData *data)
{
	char	   *sql = psprintf("SELECT s.t FROM (SELECT DISTINCT %s AS l, %s::pg_catalog.text COLLATE pg_catalog.\"C\" AS t "
							   "FROM %s WHERE %s IS NOT NULL) s ORDER BY s.l, s.t",
							   src->label, src->label, src->relname, src->label);

	if (SPI_execute(sql, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the labels of %s", src->relname);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no labeled rows to train on in %s", src->relname),
				 errdetail("Rows whose label column %s is NULL are not training rows.", src->label)));
	classes_of_result(data);
	check_class_texts(src, data);
	if (data->k == 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("training data has a single class: \"%s\"", data->classes[0]),
				 errhint("A classifier needs labels of at least two classes.")));
}

/*
 * How an error names row `position` (1-based, scan order) of the current
 * fetch, e.g. "the row with id = 42", "the row with (a, b) = (1, x)",
 * "the row with ctid = (0,17)".  The fetch's columns 3 and on are
 * src->key_list.
 */
char *
model_describe_row(const TrainSource *src, HeapTuple tup, TupleDesc desc, int64 position)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	if (src->key == ROWKEY_PRIMARY)
	{
		appendStringInfoString(&buf, "the row with ");
		for (i = 0; i < src->nkeys; i++)
			appendStringInfo(&buf, "%s%s", i == 0 ? (src->nkeys > 1 ? "(" : "") : ", ", src->keys[i]);
		appendStringInfoString(&buf, src->nkeys > 1 ? ") = (" : " = ");
		for (i = 0; i < src->nkeys; i++)
		{
			char	   *v = SPI_getvalue(tup, desc, 3 + i);

			appendStringInfo(&buf, "%s%s", i ? ", " : "", v ? v : "NULL");
		}
		appendStringInfoString(&buf, src->nkeys > 1 ? ")" : "");
	}
	else if (src->key == ROWKEY_CTID)
	{
		bool		isnull;
		Oid			part = DatumGetObjectId(SPI_getbinval(tup, desc, 4, &isnull));

		appendStringInfo(&buf, "the row with ctid = %s", SPI_getvalue(tup, desc, 3));
		if (part != src->relid)
			appendStringInfo(&buf, " in %s",
							 quote_qualified_identifier(get_namespace_name(get_rel_namespace(part)),
														get_rel_name(part)));
	}
	else
		appendStringInfo(&buf, "row " INT64_FORMAT " as read from %s", position, src->relname);
	return buf.data;
}

/* The reading state of read_rows. */
typedef struct RowReader
{
	const TrainSource *src;
	TrainData  *data;
	Oid			type;			/* the feature column's type, as read */
	int		   *by_bytes;		/* class indexes sorted by their label's bytes */
	int			capacity;		/* rows data->x and data->y have room for */
	int64		max_rows;		/* the limit's, once d is known */
	char	   *first_row;		/* how errors name the first row */
	MemoryContext cxt;			/* where data and first_row live */
	int64		position;		/* rows read so far */
} RowReader;

/* Index of the first NULL element of the n elements of a, or -1. */
static int
first_null(ArrayType *a, int n)
{
	bits8	   *bitmap = ARR_NULLBITMAP(a);
	int			j;

	for (j = 0; bitmap && j < n; j++)
		if (!(bitmap[j / 8] & (1 << (j % 8))))
			return j;
	return -1;
}

/*
 * ERROR unless a row's features, an array of n elements, are one-dimensional
 * and not empty; row names the row.  Also used by al.ridge_fit.
 */
void
model_check_feature_array(ArrayType *a, int n, const char *row)
{
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features of %s must be a one-dimensional array", row)));
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features of %s are an empty array", row)));
}

/* Check the shape of one row's features (the first row sets the count). */
static void
check_feature_shape(RowReader *r, ArrayType *a, int n, const char *row)
{
	model_check_feature_array(a, n, row);
	if (r->data->n == 0)
	{
		if (n > MODEL_MAX_FEATURES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("features of %s have %d values; at most %d are supported",
							row, n, MODEL_MAX_FEATURES)));
		r->data->d = n;
		r->first_row = MemoryContextStrdup(r->cxt, row);
		r->capacity = (int) Max(1, Min(FIRST_ROWS, FIRST_ROWS_BYTES / (sizeof(float) * n)));
		r->max_rows = INT_MAX / 2;
		if (r->src->limit)
			r->max_rows = Min(r->max_rows, r->src->limit->max_rows(n, r->data->k));
		r->capacity = (int) Max(1, Min(r->capacity, r->max_rows));
		r->data->x = repalloc_huge(r->data->x, sizeof(float) * (Size) r->capacity * n);
	}
	if (n != r->data->d)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s has %d features, %s has %d", row, n, r->first_row, r->data->d)));
}

/* Index of label among the classes (binary search over byte order), or -1. */
static int
find_class(const RowReader *r, const char *label)
{
	int			lo = 0,
				hi = r->data->k - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(label, r->data->classes[r->by_bytes[mid]]);

		if (c == 0)
			return r->by_bytes[mid];
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Index of label among the classes read before (it must be there). */
static int
class_index(const RowReader *r, const char *label)
{
	int			c = find_class(r, label);

	/* both reads share one snapshot: only a cast to text (or a view) that is not stable gets here */
	if (c < 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("label \"%s\" of %s is not among the classes read before", label,
						r->src->relname),
				 errdetail("The text form of label column %s changed between the read of its classes and the read of its rows: the cast to text of its type, or the table, is not stable.",
						   r->src->label),
				 errhint("Train on a view that maps the labels to text.")));
	return c;
}

/*
 * A row's label set (a text[]) into its row of data->sets: ERROR for a
 * NULL element, a class named twice, or (with the classes option) a
 * class not among them.
 */
static void
read_label_set(RowReader *r, Datum v, HeapTuple tup, TupleDesc desc)
{
	ArrayType  *a = DatumGetArrayTypeP(v);
	unsigned char *row = r->data->sets + (Size) r->data->n * r->data->k;
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("labels of %s must be a one-dimensional array",
						model_describe_row(r->src, tup, desc, r->position))));
	memset(row, 0, r->data->k);
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (i = 0; i < n; i++)
	{
		char	   *label;
		int			c;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("label %d of %s is NULL", i + 1,
							model_describe_row(r->src, tup, desc, r->position)),
					 errhint("Labels are a set of classes: '{}' is a row without any.")));
		label = TextDatumGetCString(elems[i]);
		c = r->src->given_classes ? find_class(r, label) : class_index(r, label);
		if (c < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("label \"%s\" of %s is not among the classes given", label,
							model_describe_row(r->src, tup, desc, r->position))));
		if (row[c])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("labels of %s are not a set: \"%s\" appears twice", 
							model_describe_row(r->src, tup, desc, r->position), label)));
		row[c] = 1;
	}
}

/*
 * The target y of a fetched row (al.ridge_fit's, a ridge model's label):
 * ERROR naming the row unless it is finite.
 */
double
model_check_target(const TrainSource *src, double y, HeapTuple tup, TupleDesc desc,
				   int64 position)
{
	if (!isfinite(y))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("target of %s is not finite: %s",
						model_describe_row(src, tup, desc, position), float8out_internal(y))));
	return y;
}

/*
 * Room for more rows: double the arrays, up to the limit's rows; at the
 * limit, the limit's error (or too many training rows).
 */
static void
grow_rows(RowReader *r)
{
	TrainData  *data = r->data;

	if (data->n >= r->max_rows)
	{
		if (r->src->limit)
			r->src->limit->refuse(r->max_rows, data->d, data->k);
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many training rows")));
	}
	r->capacity = (int) Min((int64) r->capacity * 2, r->max_rows);
	data->x = repalloc_huge(data->x, sizeof(float) * (Size) r->capacity * data->d);
	if (data->y)
		data->y = repalloc_huge(data->y, sizeof(int) * (Size) r->capacity);
	if (data->sets)
		data->sets = repalloc_huge(data->sets, (Size) r->capacity * data->k);
	if (data->target)
		data->target = repalloc_huge(data->target, sizeof(double) * (Size) r->capacity);
	if (data->ids)
		data->ids = repalloc_huge(data->ids, sizeof(int64) * (Size) r->capacity);
}

/* The id of a fetched row (the last column); ERROR if NULL. */
static int64
read_id(const TrainSource *src, HeapTuple tup, TupleDesc desc, int64 position)
{
	bool		isnull;
	Datum		v = SPI_getbinval(tup, desc, desc->natts, &isnull);

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("id of %s is NULL", model_describe_row(src, tup, desc, position))));
	return DatumGetInt64(v);
}

/* Append one fetched row to the reader's data (checking its features). */
static void
append_row(void *arg, HeapTuple tup, TupleDesc desc)
{
	RowReader  *r = (RowReader *) arg;
	int64		position = ++r->position;
	TrainData  *data = r->data;
	bool		isnull;
	Datum		f = SPI_getbinval(tup, desc, 1, &isnull);
	ArrayType  *a;
	float	   *dst;
	int			n,
				j;

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("features of %s are NULL", model_describe_row(r->src, tup, desc, position))));
	a = DatumGetArrayTypeP(f);
	if (ARR_ELEMTYPE(a) != (r->type == FLOAT4ARRAYOID ? FLOAT4OID : FLOAT8OID))
		elog(ERROR, "feature array of type %s in a column of type %s",
			 format_type_be(ARR_ELEMTYPE(a)), format_type_be(r->type));
	n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	if (ARR_NDIM(a) != 1 || n != data->d || data->n == 0)
		check_feature_shape(r, a, n, model_describe_row(r->src, tup, desc, position));
	if ((j = first_null(a, n)) >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("feature %d of %s is NULL", j + 1, model_describe_row(r->src, tup, desc, position))));
	if (data->n == r->capacity)
		grow_rows(r);
	dst = data->x + (Size) data->n * data->d;
	for (j = 0; j < n; j++)
	{
		double		v = (r->type == FLOAT4ARRAYOID) ? ((float4 *) ARR_DATA_PTR(a))[j]
			: ((float8 *) ARR_DATA_PTR(a))[j];
		const char *problem = model_feature_problem(v);

		if (problem)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("feature %d of %s %s: %s", j + 1,
							model_describe_row(r->src, tup, desc, position), problem,
							float8out_internal(v))));
		dst[j] = (float) v;
	}
	if (data->ids)
		data->ids[data->n] = read_id(r->src, tup, desc, position);
	if (r->src->family == MODEL_OVR)
		read_label_set(r, SPI_getbinval(tup, desc, 2, &isnull), tup, desc);
	else if (r->src->family == MODEL_RIDGE)
		data->target[data->n] = model_check_target(r->src,
												   DatumGetFloat8(SPI_getbinval(tup, desc, 2, &isnull)),
												   tup, desc, position);
	else
	{
		char	   *label = SPI_getvalue(tup, desc, 2);

		check_label_text(r->src, label);
		data->y[data->n] = class_index(r, label);
	}
	data->n++;
}

/* qsort comparator of class indexes by their label's bytes. */
static char **sort_classes;
static int
cmp_class_bytes(const void *a, const void *b)
{
	return strcmp(sort_classes[*(const int *) a], sort_classes[*(const int *) b]);
}

/* Class indexes sorted by their label's bytes (for class_index). */
static int *
classes_by_bytes(const TrainData *data)
{
	int		   *by_bytes = (int *) palloc(sizeof(int) * data->k);
	int			i;

	for (i = 0; i < data->k; i++)
		by_bytes[i] = i;
	sort_classes = data->classes;
	qsort(by_bytes, data->k, sizeof(int), cmp_class_bytes);
	return by_bytes;
}

/*
 * Fetch every row of an open cursor, `fetch` rows at a time: row_fn for
 * each row, then block_fn (if any), in a memory context reset after each
 * block, so what a block leaves is freed with it; interrupts are checked
 * between blocks.  cxt_name (a constant string) names the context.
 * Shared by the readers of training rows and of
 * al.expected_error_reduction.
 */
void
model_fetch_blocks(Portal portal, int fetch, model_row_fn row_fn, model_block_fn block_fn,
				   void *arg, const char *cxt_name)
{
	MemoryContext block_cxt = AllocSetContextCreate(CurrentMemoryContext, "al_ext block of rows",
													ALLOCSET_DEFAULT_SIZES);

	MemoryContextSetIdentifier(block_cxt, cxt_name);	/* a constant string */

	for (;;)
	{
		MemoryContext old;
		uint64		i;

		SPI_cursor_fetch(portal, true, fetch);
		if (SPI_processed == 0)
			break;
		old = MemoryContextSwitchTo(block_cxt);
		for (i = 0; i < SPI_processed; i++)
			row_fn(arg, SPI_tuptable->vals[i], SPI_tuptable->tupdesc);
		if (block_fn)
			block_fn(arg);
		MemoryContextSwitchTo(old);
		MemoryContextReset(block_cxt);
		SPI_freetuptable(SPI_tuptable);
		CHECK_FOR_INTERRUPTS();
	}
	MemoryContextDelete(block_cxt);
}

/*
 * Read every labeled row through a cursor into data (whose classes are
 * read), a block of rows at a time; what a block leaves is freed with it.
 */
static void
read_rows(const TrainSource *src, TrainData *data)
{
	static const char *const label_cast[] = {"::pg_catalog.text", "", "::pg_catalog.float8"};
	char	   *sql = psprintf("SELECT %s, %s%s%s%s%s%s FROM %s WHERE %s IS NOT NULL",
							   src->features, src->label, label_cast[src->family], src->key_list,
							   src->id ? ", " : "", src->id ? src->id : "",
							   src->id ? "::pg_catalog.int8" : "",
							   src->relname, src->label);
	SPIPlanPtr	plan = SPI_prepare(sql, 0, NULL);
	RowReader	r = {0};
	Portal		portal;

	if (plan == NULL)
		elog(ERROR, "could not read the rows of %s: %s", src->relname,
			 SPI_result_code_string(SPI_result));
	r.src = src;
	r.data = data;
	r.cxt = CurrentMemoryContext;
	r.capacity = FIRST_ROWS;
	r.by_bytes = data->k > 0 ? classes_by_bytes(data) : NULL;
	data->x = palloc_extended(sizeof(float) * r.capacity, MCXT_ALLOC_HUGE);
	data->y = NULL;
	data->sets = NULL;
	data->target = NULL;
	if (src->family == MODEL_SOFTMAX)
		data->y = palloc_extended(sizeof(int) * r.capacity, MCXT_ALLOC_HUGE);
	else if (src->family == MODEL_OVR)
		data->sets = palloc_extended((Size) r.capacity * data->k, MCXT_ALLOC_HUGE);
	else
		data->target = palloc_extended(sizeof(double) * r.capacity, MCXT_ALLOC_HUGE);
	data->ids = src->id ? palloc_extended(sizeof(int64) * r.capacity, MCXT_ALLOC_HUGE) : NULL;
	data->n = 0;
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	r.type = SPI_gettypeid(portal->tupDesc, 1);
	model_check_read_type(src->read_type, r.type);
	model_fetch_blocks(portal, FETCH_ROWS, append_row, NULL, &r, "al_ext training rows");
	SPI_cursor_close(portal);
}

/*
 * Resolve src (its family and classes option set) under the table's lock,
 * then read the classes and the rows as the caller (isolated:
 * al_become_caller), both with one snapshot taken after the lock.
 */
static void
read_source(TrainSource *src, Oid relid, const char *id, const char *features,
			const char *label, TrainData *data)
{
	AlIdentity	save;

	model_resolve_source(src, relid, id, features, label);
	/* a snapshot taken under the lock sees the rows of the columns checked */
	PushActiveSnapshot(GetTransactionSnapshot());
	al_become_caller(&save);
	if (src->family == MODEL_SOFTMAX)
		read_classes(src, data);
	else if (src->family == MODEL_OVR)
		read_set_classes(src, data);
	read_rows(src, data);
	al_restore(&save);
	PopActiveSnapshot();
}

/*
 * Read the labeled rows of relid for training: lock the table, check the
 * columns, then read the classes and the rows as the caller (isolated:
 * al_become_caller), both with one snapshot taken after the lock (in READ
 * COMMITTED a fresh one, so the rows match the columns just checked).  SPI
 * is connected; data lives in its context.
 */
void
model_read_training_data(Oid relid, const char *features, const char *label, TrainData *data)
{
	model_read_rows(relid, NULL, features, label, NULL, data);
}

/* The families' names, as al.model_store.family and the options spell them. */
static const char *const family_names[] = {"softmax", "ovr", "ridge"};

/* The name of a family. */
const char *
model_family_name(ModelFamily family)
{
	return family_names[family];
}

/* The family named name into *family; false if there is none. */
bool
model_family_lookup(const char *name, ModelFamily *family)
{
	int			f;

	for (f = 0; f < lengthof(family_names); f++)
		if (strcmp(name, family_names[f]) == 0)
		{
			*family = (ModelFamily) f;
			return true;
		}
	return false;
}

/*
 * Read the training rows of a model of any family: labels as classes
 * (softmax), sets of classes (ovr: a text[] column; classes the classes
 * option when not NULL) or numbers (ridge).  As model_read_training_data
 * otherwise; ERROR when no row has a label.
 */
void
model_read_family_data(Oid relid, const char *features, const char *label, ModelFamily family,
					   char **classes, int n_classes, TrainData *data)
{
	TrainSource src = {0};

	src.family = family;
	src.given_classes = classes;
	src.n_given = n_classes;
	read_source(&src, relid, NULL, features, label, data);
	if (data->n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no labeled rows to train on in %s", src.relname),
				 errdetail("Rows whose label column %s is NULL are not training rows.", src.label)));
}

/*
 * model_read_training_data, also reading an integer id column (id not
 * NULL: data->ids) and refusing more rows than limit allows (not NULL).
 */
void
model_read_rows(Oid relid, const char *id, const char *features, const char *label,
				const TrainReadLimit *limit, TrainData *data)
{
	TrainSource src = {0};

	src.limit = limit;
	read_source(&src, relid, id, features, label, data);
}
