/*
 * labels.c - al.label and al.label_many: validate labels against the
 * learner's classes and pool, then record them.
 *
 * Both go through one path that works on a whole batch with a fixed number
 * of statements, whatever its size: item ids are read in the pool's id
 * type in C (a malformed id is a clean error naming the element), looked up
 * in the pool in one query run as the learner's owner (read block by block through a
 * cursor, so memory holds one block of feature arrays at a time), and
 * recorded in one upsert into al.labels and one delete from al.leases, as
 * the store owner.  A label on an item whose features the round cannot use
 * is recorded, with a WARNING.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "identity.h"
#include "family.h"
#include "item_probe.h"
#include "learner_acl.h"
#include "overlap.h"
#include "sql_args.h"

PG_FUNCTION_INFO_V1(al_label);
PG_FUNCTION_INFO_V1(al_adjudicate);
PG_FUNCTION_INFO_V1(al_label_many);

/* Pool rows read per block when looking labeled items up. */
#define LOOKUP_BLOCK_ROWS 1000

/* A batch of labels on its way in (parallel arrays of n). */
typedef struct LabelBatch
{
	int			n;
	int			capacity;
	bool		many;			/* from al.label_many: messages name the element */
	bool		adjudicated;	/* from al.adjudicate: adjudications */
	char	  **items;			/* as given */
	char	  **labels;
	char	  **annotators;
	char	  **canonical;		/* the pool's text of each item, once found */
	int			first_set;		/* al.label_many: the first element whose label was a JSON array (0: none) */
} LabelBatch;

/* What the lookup found about the items' features. */
typedef struct FeatureReport
{
	int			unusable;		/* labeled items whose features the round skips */
	int			first;			/* 0-based element of the first one */
	const char *problem;		/* what is wrong with it */
} FeatureReport;

/* " (element N of labels)" for a batch from al.label_many, else "". */
static char *
element_text(const LabelBatch *b, int i)
{
	return b->many ? psprintf(" (element %d of labels)", i + 1) : "";
}

/* Append one label to the batch. */
static void
batch_add(LabelBatch *b, char *item, char *label, char *annotator)
{
	if (b->n == b->capacity)
	{
		b->capacity = Max(16, b->capacity * 2);
		b->items = (char **) repalloc_huge(b->items, sizeof(char *) * b->capacity);
		b->labels = (char **) repalloc_huge(b->labels, sizeof(char *) * b->capacity);
		b->annotators = (char **) repalloc_huge(b->annotators, sizeof(char *) * b->capacity);
	}
	b->items[b->n] = item;
	b->labels[b->n] = label;
	b->annotators[b->n] = annotator;
	b->n++;
}

/* An empty batch. */
static void
batch_init(LabelBatch *b, bool many)
{
	b->n = 0;
	b->capacity = 16;
	b->many = many;
	b->adjudicated = false;
	b->items = (char **) palloc(sizeof(char *) * b->capacity);
	b->labels = (char **) palloc(sizeof(char *) * b->capacity);
	b->annotators = (char **) palloc(sizeof(char *) * b->capacity);
	b->canonical = NULL;
	b->first_set = 0;
}

/*
 * ERROR unless every label is a class (a set of classes, a number: the
 * learner's family's label, then written in its canonical text) and every annotator is named, is not
 * a name of the label import (label_import.c: the import overwrites and
 * withdraws the labels of its name), and is the caller, or the caller has
 * the proxy right (labels in others' names).
 */
static void
check_labels(const Learner *l, LabelBatch *b)
{
	const char *me = GetUserNameFromId(GetUserId(), false);
	bool		proxy = learner_has_right(l, LEARNER_PROXY);
	int			i;

	/* a JSON array is a set of classes: a multi-label learner's label only */
	if (b->first_set > 0 && l->options.family != MODEL_OVR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"label\" of element %d of labels must be a string, number or boolean, not an array",
						b->first_set),
				 errdetail("Learner \"%s\" takes %s; a JSON array is a set of classes, the label of a multi-label learner.",
						   l->name, family_label_kind(l->options.family))));
	for (i = 0; i < b->n; i++)
	{
		/* a label set or a number: checked, and stored in its canonical text */
		if (l->options.family != MODEL_SOFTMAX)
			b->labels[i] = family_canonical_label(l, b->labels[i], element_text(b, i));
		else if (learner_class_index(l, b->labels[i]) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("label \"%s\"%s is not a class of learner \"%s\"",
							b->labels[i], element_text(b, i), l->name),
					 errdetail("The classes are: %s.", learner_classes_text(l))));
		if (b->annotators[i][0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("annotator%s must not be empty", element_text(b, i))));
		if (strncmp(b->annotators[i], LABEL_IMPORT_PREFIX, strlen(LABEL_IMPORT_PREFIX)) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_RESERVED_NAME),
					 errmsg("annotator name \"%s\"%s is reserved for the import of a label column",
							b->annotators[i], element_text(b, i)),
					 errdetail("The option \"label_column\" records its labels in the name \"%s<column>\", and mirrors the column into them.",
							   LABEL_IMPORT_PREFIX)));
		if (!proxy && strcmp(b->annotators[i], me) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to act as annotator \"%s\"%s in learner \"%s\"",
							b->annotators[i], element_text(b, i), l->name),
					 errdetail("Role \"%s\" may label only in its own name; labeling for others needs the proxy right.",
							   me)));
	}
}

/* The item ids read in the pool's id type, as an array of that type. */
static Datum
parsed_items(const Learner *l, const LabelBatch *b)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *values = (Datum *) palloc_extended(sizeof(Datum) * Max(b->n, 1), MCXT_ALLOC_HUGE);
	int			i;

	for (i = 0; i < b->n; i++)
		values[i] = learner_parse_item(l, b->items[i], b->many ? i + 1 : 0);
	get_typlenbyvalalign(l->id_type, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_array(values, b->n, l->id_type, typlen, typbyval, typalign));
}

/* The feature count of the learner's published model, or -1 if none. */
static int
model_dimension(const Learner *l)
{
	if (l->model_id == 0)
		return -1;
	return (int) learner_store_int8("SELECT n_features::pg_catalog.int8 FROM al.model_store WHERE id = $1",
									l->model_id, -1);
}

/* Note what is wrong with the features of element i (keeping the first, in keep). */
static void
note_features(FeatureReport *fr, int i, FeatureProblem problem, int dim, MemoryContext keep)
{
	if (problem == FEATURES_OK)
		return;
	if (fr->unusable++ == 0 || i < fr->first)
	{
		fr->first = i;
		fr->problem = MemoryContextStrdup(keep, pool_feature_problem_text(problem, dim));
	}
}

/* What the pool lookup fills in, block by block. */
typedef struct LookupState
{
	LabelBatch *b;
	MemoryContext keep;			/* where the found ids go */
	int			dim;			/* the model's feature count, or -1 */
	FeatureReport *fr;
} LookupState;

/* Take one block of lookup rows: (element, the pool's id text, features). */
static void
take_lookup_block(void *arg)
{
	LookupState *st = (LookupState *) arg;
	LabelBatch *b = st->b;
	TupleDesc	desc = SPI_tuptable->tupdesc;
	uint64		r;

	if (SPI_gettypeid(desc, 1) != INT8OID || SPI_gettypeid(desc, 2) != TEXTOID ||
		!pool_features_type_ok(SPI_gettypeid(desc, 3)))
		elog(ERROR, "unexpected column types in the pool lookup");
	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		bool		isnull;
		int64		o = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		Datum		f;
		int			i = (int) o - 1;

		if (i < 0 || i >= b->n || b->canonical[i] != NULL)
			continue;			/* a pool holding the id twice: its first row */
		b->canonical[i] = MemoryContextStrdup(st->keep, SPI_getvalue(tup, desc, 2));
		f = SPI_getbinval(tup, desc, 3, &isnull);
		note_features(st->fr, i, pool_read_features(f, isnull, st->dim, NULL), st->dim, st->keep);
	}
}

/*
 * Find every item of the batch in the pool (as the learner's owner, through a
 * cursor): fills b->canonical; ERROR naming the first item that is not
 * there.  Reports unusable features in fr.
 */
static void
lookup_items(const Learner *l, LabelBatch *b, FeatureReport *fr)
{
	/*
	 * The WHERE repeats what the join implies: a sharded pool (Citus) then
	 * asks only the shards that hold the ids, not every shard (doc/citus.md).
	 */
	char	   *sql = psprintf("SELECT s.o, p.%s::pg_catalog.text, %s "
							   "FROM pg_catalog.unnest($1) WITH ORDINALITY s(i, o) "
							   "JOIN %s p ON p.%s OPERATOR(pg_catalog.=) s.i "
							   "WHERE p.%s OPERATOR(pg_catalog.=) ANY ($1)",
							   quote_identifier(l->id_column), learner_features_sql(l, "p"),
							   learner_pool_name(l), quote_identifier(l->id_column),
							   quote_identifier(l->id_column));
	Oid			type = get_array_type(l->id_type);
	Datum		arg = parsed_items(l, b);
	LookupState st = {b, CurrentMemoryContext, model_dimension(l), fr};
	int			i;

	b->canonical = (char **) palloc_extended(sizeof(char *) * Max(b->n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	/* as the learner's owner: annotators label through the learner, not the pool */
	learner_query_blocks(l->owner, sql, 1, &type, &arg, false, LOOKUP_BLOCK_ROWS,
						 take_lookup_block, &st);
	for (i = 0; i < b->n; i++)
		if (b->canonical[i] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("item \"%s\"%s is not in the pool of learner \"%s\"",
							b->items[i], element_text(b, i), l->name)));
}

/* A text[] of n C strings (labels, batches and the cold start pass item ids so). */
Datum
learner_text_array(char **strings, int n)
{
	Datum	   *d = (Datum *) palloc_extended(sizeof(Datum) * Max(n, 1), MCXT_ALLOC_HUGE);
	int			i;

	for (i = 0; i < n; i++)
		d[i] = CStringGetTextDatum(strings[i]);
	return PointerGetDatum(construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * Record the batch's labels (the last one of an item and annotator wins;
 * adjudications if b->adjudicated) and end leases, as the store owner, in
 * two statements: each labeling annotator's lease on the item, and every
 * lease on an item that has its overlap labels or an adjudication now.  A
 * new or changed label waits for a retrain (trained_in NULL); a label
 * given again unchanged keeps its row.  A label keeps when the
 * annotator's lease of the item began (leased_at, for al.time_to_label;
 * NULL without one).
 */
static void
store_labels(const Learner *l, const LabelBatch *b)
{
	static const char *upsert =
		"INSERT INTO al.labels AS b (learner_id, item_id, annotator, label, recorded_by, adjudicated, leased_at) "
		"SELECT DISTINCT ON (u.i, u.a) $1, u.i, u.a, u.lb, $5, $6, "
		"       (SELECT x.leased_at FROM al.leases x WHERE x.learner_id = $1 "
		"        AND al.item_key(x.item_id) = al.item_key(u.i) AND x.item_id = u.i AND x.annotator = u.a) "
		"FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.text[]), "
		"                pg_catalog.unnest($4::pg_catalog.text[])) WITH ORDINALITY u(i, a, lb, o) "
		"ORDER BY u.i, u.a, u.o DESC "
		"ON CONFLICT (learner_id, (al.item_key(item_id)), annotator) DO UPDATE "
		"SET label = EXCLUDED.label, labeled_at = pg_catalog.now(), serial = EXCLUDED.serial, "
		"    recorded_by = EXCLUDED.recorded_by, trained_in = NULL, adjudicated = EXCLUDED.adjudicated, "
		"    leased_at = EXCLUDED.leased_at "
		"WHERE (b.label, b.adjudicated) IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.adjudicated)";
	static const char *release =
		"DELETE FROM al.leases x USING ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), "
		"                                         pg_catalog.unnest($3::pg_catalog.text[])) u(i, a) "
		"WHERE " LEASE_TIDS_SQL("$8", "$1") " "
		"AND al.item_key(x.item_id) = al.item_key(u.i) AND x.item_id = u.i "
		"AND (x.annotator = u.a "
		"     OR (SELECT pg_catalog.count(*) FILTER (WHERE NOT b.adjudicated) >= $7 OR pg_catalog.bool_or(b.adjudicated) "
		"         FROM al.labels b WHERE b.learner_id = $1 "
		"         AND al.item_key(b.item_id) = al.item_key(u.i) AND b.item_id = u.i))";
	Oid			types[8] = {INT8OID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTOID, BOOLOID, INT4OID,
	TIDARRAYOID};
	Datum		args[8];

	args[0] = Int64GetDatum(l->id);
	args[1] = learner_text_array(b->canonical, b->n);
	args[2] = learner_text_array(b->annotators, b->n);
	args[3] = learner_text_array(b->labels, b->n);
	args[4] = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));
	args[5] = BoolGetDatum(b->adjudicated);
	args[6] = Int32GetDatum(l->options.overlap);
	learner_store_exec(upsert, 6, types, args, false, 0);
	(void) item_probe_end_leases(l->id, args[1], release, 8, types, args);
}

/* WARNING about labels on items whose features the round cannot use. */
static void
warn_unusable(const Learner *l, const LabelBatch *b, const FeatureReport *fr)
{
	if (fr->unusable == 0)
		return;
	if (!b->many)
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("item \"%s\" of learner \"%s\" has no usable features: %s",
						b->canonical[fr->first], l->name, fr->problem),
				 errdetail("The label is recorded, but training skips the item until its features are a finite array of the pool's length."),
				 errhint("al.learner_status counts such labels in labels_unusable.")));
	else
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("%d of the labeled items of learner \"%s\" have no usable features; the first, item \"%s\"%s: %s",
						fr->unusable, l->name, b->canonical[fr->first], element_text(b, fr->first),
						fr->problem),
				 errdetail("The labels are recorded, but training skips those items until their features are finite arrays of the pool's length."),
				 errhint("al.learner_status counts such labels in labels_unusable.")));
}

/*
 * Validate and record a batch of labels for learner name.  SPI connected.
 * Returns whether labels of this learner give its worker something to do:
 * not for an external-prediction learner, whose rounds follow its
 * prediction versions (al.predictions_updated wakes the worker); waking it
 * at each label made it count the pool at each label (doc/loop.md).
 */
static bool
record_labels(const char *name, LabelBatch *b)
{
	Learner    *l = learner_get(name, LEARNER_ANNOTATE);
	FeatureReport fr = {0, 0, NULL};

	check_labels(l, b);
	if (b->adjudicated)
		overlap_require_adjudicator(l, b->annotators[0]);
	if (b->n > 0)
	{
		learner_lock_pool(l);
		lookup_items(l, b, &fr);
		store_labels(l, b);
		warn_unusable(l, b, &fr);
	}
	return !l->options.predictions;
}

/*
 * Record the one label of a call (learner, item_id text, label, annotator)
 * of al.label, or of al.adjudicate (adjudicated).
 */
static void
record_one_label(FunctionCallInfo fcinfo, bool adjudicated, const char *function)
{
	LabelBatch	b;
	bool		wake;

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 1, "item id");
	al_require_arg(fcinfo, 2, "label");
	al_require_arg(fcinfo, 3, "annotator");
	PreventCommandIfReadOnly(function);
	batch_init(&b, false);
	b.adjudicated = adjudicated;
	batch_add(&b, text_to_cstring(PG_GETARG_TEXT_PP(1)), text_to_cstring(PG_GETARG_TEXT_PP(2)),
			  text_to_cstring(PG_GETARG_TEXT_PP(3)));
	SPI_connect();
	wake = record_labels(text_to_cstring(PG_GETARG_TEXT_PP(0)), &b);
	SPI_finish();
	if (wake)
		learner_wake_worker();
}

/* al.label(learner, item_id text, label, annotator): record a label. */
Datum
al_label(PG_FUNCTION_ARGS)
{
	record_one_label(fcinfo, false, "al.label()");
	PG_RETURN_VOID();
}

/*
 * al.adjudicate(learner, item_id text, label, annotator): record the
 * annotator's label of the item as an adjudication (overlap.c says who may
 * adjudicate); it takes the place of the annotator's own label of the item.
 */
Datum
al_adjudicate(PG_FUNCTION_ARGS)
{
	record_one_label(fcinfo, true, "al.adjudicate()");
	PG_RETURN_VOID();
}

/* What a JSON value is, for messages. */
static const char *
json_kind(const JsonbValue *v)
{
	if (v->type == jbvNull)
		return "null";
	if (v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data))
		return "an array";
	return "an object";
}

/*
 * A JSON array of strings (a multi-label learner's label set) as a text[]
 * literal; ERROR naming the element for anything but strings.
 */
static char *
json_set_text(JsonbValue *v, const char *key, int element)
{
	JsonbIterator *it = JsonbIteratorInit(v->val.binary.data);
	JsonbValue	e;
	JsonbIteratorToken tok;
	Datum	   *texts = (Datum *) palloc(sizeof(Datum) * Max(JsonContainerSize(v->val.binary.data), 1));
	int			n = 0;

	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (e.type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" of element %d of labels must be an array of strings", key, element)));
		texts[n++] = PointerGetDatum(cstring_to_text_with_len(e.val.string.val, e.val.string.len));
	}
	return OidOutputFunctionCall(F_ARRAY_OUT,
								 PointerGetDatum(construct_array(texts, n, TEXTOID, -1, false, TYPALIGN_INT)));
}

/*
 * Field key of label object c (element `element` of labels) as text:
 * a string unquoted, a number or boolean as written, an array of strings
 * as a text[] literal (a label set); NULL if absent.
 * ERROR naming the element if it is null, an object or an array: never
 * silently dropped (an annotator would become the caller).
 */
static char *
json_field(JsonbContainer *c, const char *key, int element, bool *was_array)
{
	JsonbValue	k;
	JsonbValue *v;

	k.type = jbvString;
	k.val.string.val = unconstify(char *, key);
	k.val.string.len = strlen(key);
	v = findJsonbValueFromContainer(c, JB_FOBJECT, &k);
	if (v == NULL)
		return NULL;
	switch (v->type)
	{
		case jbvString:
			return pnstrdup(v->val.string.val, v->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		case jbvBinary:
			if (strcmp(key, "label") == 0 && JsonContainerIsArray(v->val.binary.data))
			{
				*was_array = true;
				return json_set_text(v, key, element);
			}
			/* FALLTHROUGH */
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" of element %d of labels must be a string, number or boolean, not %s",
							key, element, json_kind(v)),
					 strcmp(key, "label") == 0 ? errhint("A multi-label learner's label may also be an array of strings.") : 0));
	}
	return NULL;				/* not reached */
}

/* A copy of s in cxt, or NULL. */
static char *
copy_or_null(MemoryContext cxt, const char *s)
{
	return s ? MemoryContextStrdup(cxt, s) : NULL;
}

/*
 * Read the JSON array of label objects into the batch; ERROR on a bad
 * element.  Each element is read in a scratch context reset per element:
 * only its three strings stay.
 */
static void
batch_from_json(LabelBatch *b, Jsonb *labels)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *me = GetUserNameFromId(GetUserId(), false);
	MemoryContext keep = CurrentMemoryContext;
	MemoryContext scratch = AllocSetContextCreate(CurrentMemoryContext, "al_ext label element",
												  ALLOCSET_SMALL_SIZES);

	if (!JB_ROOT_IS_ARRAY(labels) || JB_ROOT_IS_SCALAR(labels))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("labels must be a JSON array of objects like {\"item\": 42, \"label\": \"cat\"}")));
	it = JsonbIteratorInit(&labels->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *item,
				   *label,
				   *annotator;
		bool		set;

		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("element %d of labels is not an object", b->n + 1)));
		MemoryContextSwitchTo(scratch);
		set = false;
		item = json_field(v.val.binary.data, "item", b->n + 1, &set);
		label = json_field(v.val.binary.data, "label", b->n + 1, &set);
		annotator = json_field(v.val.binary.data, "annotator", b->n + 1, &set);
		if (set && b->first_set == 0)
			b->first_set = b->n + 1;
		MemoryContextSwitchTo(keep);
		if (item == NULL || label == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("element %d of labels needs \"item\" and \"label\"", b->n + 1)));
		batch_add(b, copy_or_null(keep, item), copy_or_null(keep, label),
				  annotator ? copy_or_null(keep, annotator) : me);
		MemoryContextReset(scratch);
	}
	MemoryContextDelete(scratch);
}

/*
 * al.label_many(learner, labels jsonb) -> integer: an array of
 * {"item": ..., "label": ..., "annotator": ...} (annotator optional), all
 * or nothing.
 */
Datum
al_label_many(PG_FUNCTION_ARGS)
{
	LabelBatch	b;
	bool		wake;

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 1, "labels");
	PreventCommandIfReadOnly("al.label_many()");
	batch_init(&b, true);
	batch_from_json(&b, PG_GETARG_JSONB_P(1));
	SPI_connect();
	wake = record_labels(text_to_cstring(PG_GETARG_TEXT_PP(0)), &b);
	SPI_finish();
	if (b.n > 0 && wake)
		learner_wake_worker();
	PG_RETURN_INT32(b.n);
}
