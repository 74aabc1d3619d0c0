/*
 * learner.c - the learner API: al.create_learner, al.alter_learner,
 * al.drop_learner, al.retrain, al.run_learner (labels: labels.c; batches:
 * batch.c).
 *
 * Checks run as the caller (who must have the privileges of the learner's
 * owner, and SELECT on the pool to create one); al_ext's own tables are
 * written as their owner through fixed, parameterized statements.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "storage/lmgr.h"
#include "tcop/utility.h"

#include "handle.h"
#include "identity.h"
#include "eval_set.h"
#include "family.h"
#include "learner_acl.h"
#include "scores_partition.h"
#include "sql_args.h"

PG_FUNCTION_INFO_V1(al_create_learner);
PG_FUNCTION_INFO_V1(al_alter_learner);
PG_FUNCTION_INFO_V1(al_drop_learner);
PG_FUNCTION_INFO_V1(al_retrain);
PG_FUNCTION_INFO_V1(al_run_learner);

/* ERROR unless the current role may SELECT column att of relid. */
static void
check_select(Oid relid, AttrNumber att)
{
	if (!pool_column_readable(relid, att, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for table %s", get_rel_name(relid))));
}

/*
 * Check a new learner's pool, locked first: its kind, its id and feature
 * columns (types and SELECT privilege).  Returns the id column's type (and
 * the feature column's in *features_type).
 */
static Oid
check_pool(Oid relid, const char *id_column, const char *features_column, AttrNumber *id_att,
		   Oid *features_type)
{
	PoolColumns cols;

	LockRelationOid(relid, AccessShareLock);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	pool_check_kind(relid);
	pool_columns(relid, id_column, features_column, NULL, &cols);
	check_select(relid, cols.id_att);
	check_select(relid, cols.features_att);
	*id_att = cols.id_att;
	*features_type = cols.features_type;
	return cols.id_type;
}

/* A class name for the duplicate check: its bytes and position. */
typedef struct ClassName
{
	const char *data;
	int			len;
	int			position;
} ClassName;

/* Order class names by their bytes (then by position). */
static int
class_name_cmp(const void *a, const void *b)
{
	const ClassName *x = (const ClassName *) a;
	const ClassName *y = (const ClassName *) b;
	int			c = memcmp(x->data, y->data, Min(x->len, y->len));

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->position - y->position;
}

/*
 * Check the class list: one dimension, 2 to LEARNER_MAX_CLASSES classes, no
 * NULL, empty or repeated class.  Repeats are found by sorting: O(n log n),
 * reading the elements in place.
 */
static void
check_classes(ArrayType *a, int family)
{
	Datum	   *elems;
	bool	   *nulls;
	ClassName  *names;
	int			n,
				i;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("classes must be a one-dimensional array")));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	family_check_classes(family, n);
	if (n > LEARNER_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a learner cannot have more than %d classes, not %d", LEARNER_MAX_CLASSES, n),
				 errdetail("Its class probabilities are a probvec, which holds at most %d classes.",
						   LEARNER_MAX_CLASSES)));
	names = (ClassName *) palloc(sizeof(ClassName) * n);
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("class %d is null", i + 1)));
		names[i].data = VARDATA_ANY(DatumGetPointer(elems[i]));
		names[i].len = VARSIZE_ANY_EXHDR(DatumGetPointer(elems[i]));
		names[i].position = i;
		if (names[i].len == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("class %d is empty", i + 1)));
	}
	qsort(names, n, sizeof(ClassName), class_name_cmp);
	for (i = 1; i < n; i++)
		if (names[i].len == names[i - 1].len && memcmp(names[i].data, names[i - 1].data, names[i].len) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("class \"%s\" is listed twice", pnstrdup(names[i].data, names[i].len)),
					 errdetail("At positions %d and %d.", names[i - 1].position + 1, names[i].position + 1)));
	pfree(names);
}

/* ERROR unless the option class_weight names only classes of the array. */
static void
check_class_weight_labels(const LearnerOptions *o, ArrayType *classes)
{
	Datum	   *cls;
	char	  **labels;
	int			k,
				i;

	deconstruct_array(classes, TEXTOID, -1, false, TYPALIGN_INT, &cls, NULL, &k);
	labels = (char **) palloc(sizeof(char *) * Max(k, 1));
	for (i = 0; i < k; i++)
		labels[i] = TextDatumGetCString(cls[i]);
	al_class_weight_check_labels(&o->class_weight, labels, k);
}

/* Options from an argument (NULL: none), over the defaults. */
static LearnerOptions
options_from(FunctionCallInfo fcinfo, int n)
{
	LearnerOptions o;

	learner_options_init(&o);
	if (!PG_ARGISNULL(n))
		learner_options_apply(&o, PG_GETARG_JSONB_P(n));
	return o;
}

/*
 * What new options of learner id do at once: check its cold-start query
 * (cold_start.c) and import the labels of its label column
 * (label_import.c).  Its row is read (and locked, as a round locks it) by a
 * statement that sees what this call just wrote.
 */
static void
apply_new_options(int64 id)
{
	Learner    *l = learner_lock_row(id, true);

	if (l == NULL)
		return;
	learner_lock_pool(l);
	learner_check_cold_start(l);
	learner_import_labels(l, true);
}

/*
 * al.create_learner(name, pool, id_column, features_column, classes,
 * strategy, options) -> bigint
 */
Datum
al_create_learner(PG_FUNCTION_ARGS)
{
	static const char *sql =
		"INSERT INTO al.learner_store (name, handle, pool, id_column, features_column, id_type, "
		"classes, strategy, options, id) VALUES ($1, $2::pg_catalog.regclass, $3::pg_catalog.regclass, "
		"$4, $5, $6::pg_catalog.regtype, $7, $8, $9::pg_catalog.jsonb, $10)";
	Oid			types[10] = {TEXTOID, OIDOID, OIDOID, NAMEOID, NAMEOID, OIDOID, TEXTARRAYOID, TEXTOID, TEXTOID,
	INT8OID};
	Datum		args[10];
	char	   *name;
	char	   *strategy;
	LearnerOptions o;
	Oid			id_type;
	Oid			features_type;
	AttrNumber	id_att;
	AlIdentity	save;
	int64		id;

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 1, "pool");
	al_require_arg(fcinfo, 2, "id column");
	al_require_arg(fcinfo, 3, "feature column");
	al_require_arg(fcinfo, 4, "classes");
	al_require_arg(fcinfo, 5, "strategy");
	PreventCommandIfReadOnly("al.create_learner()");
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	learner_check_name(name);
	id_type = check_pool(PG_GETARG_OID(1), NameStr(*PG_GETARG_NAME(2)), NameStr(*PG_GETARG_NAME(3)),
						 &id_att, &features_type);
	o = options_from(fcinfo, 6);
	check_classes(PG_GETARG_ARRAYTYPE_P(4), o.family);
	strategy = text_to_cstring(PG_GETARG_TEXT_PP(5));
	learner_check_strategy(strategy, &o);
	external_check_column(NULL, NameStr(*PG_GETARG_NAME(3)), features_type, strategy, o.predictions);
	check_class_weight_labels(&o, PG_GETARG_ARRAYTYPE_P(4));
	if (o.eval_table != NULL)
		eval_table_check_option(&o, NameStr(*PG_GETARG_NAME(2)), NameStr(*PG_GETARG_NAME(3)), GetUserId());
	if (o.label_column[0] != '\0')
		learner_check_label_column(PG_GETARG_OID(1), o.label_column, name, GetUserId());

	SPI_connect();
	args[0] = CStringGetTextDatum(name);
	learner_store_exec("SELECT 1 FROM al.learner_store WHERE name = $1", 1, types, args, true, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("learner \"%s\" already exists", name)));
	/* the pool as the caller sees it, the way the round will read it */
	al_become_caller(&save);
	pool_check_duplicates(PG_GETARG_OID(1), NameStr(*PG_GETARG_NAME(2)), id_att, NULL);
	al_restore(&save);
	/* the learner's id names its handle, owned by the caller */
	id = learner_store_int8("SELECT pg_catalog.nextval('al.learner_store_id_seq'::pg_catalog.regclass) "
							"WHERE $1 IS NOT NULL", 0, 0);
	/* (pg_description is public: the comment names no learner) */
	args[1] = ObjectIdGetDatum(al_handle_create("learner", id, GetUserId(),
												psprintf("owns the al_ext learner with id " INT64_FORMAT, id)));
	args[2] = PG_GETARG_DATUM(1);
	args[3] = PG_GETARG_DATUM(2);
	args[4] = PG_GETARG_DATUM(3);
	args[5] = ObjectIdGetDatum(id_type);
	args[6] = PG_GETARG_DATUM(4);
	args[7] = CStringGetTextDatum(strategy);
	args[8] = CStringGetTextDatum(learner_options_json(&o, strategy));
	args[9] = Int64GetDatum(id);
	learner_store_exec(sql, 10, types, args, false, 0);
	/* its ranking's partition of al.scores */
	scores_partition(id);
	/* its evaluation sample of the pool, as its owner (the caller); (a read-write
	 * statement, so that it sees the new row) */
	if (o.eval_size > 0 || o.eval_fraction > 0)
		eval_choose_items(learner_lock_row(id, true));
	apply_new_options(id);
	SPI_finish();
	PG_RETURN_INT64(id);
}

/* al.alter_learner(name, strategy, options): change strategy and/or options. */
Datum
al_alter_learner(PG_FUNCTION_ARGS)
{
	Oid			types[5] = {INT8OID, TEXTOID, TEXTOID, BOOLOID, BOOLOID};
	Datum		args[5];
	Learner    *l;
	char	   *strategy;
	bool		new_eval;

	al_require_arg(fcinfo, 0, "learner name");
	PreventCommandIfReadOnly("al.alter_learner()");
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), LEARNER_OWN);
	learner_lock_pool(l);
	strategy = PG_ARGISNULL(1) ? l->strategy : text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (!PG_ARGISNULL(2))
	{
		bool		predictions = l->options.predictions;
		int			family = l->options.family;

		learner_options_apply(&l->options, PG_GETARG_JSONB_P(2));
		if (l->options.predictions != predictions)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"predictions\" of learner \"%s\" cannot change", l->name),
					 errhint("Create another learner over the other column.")));
		if (l->options.family != family)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"family\" of learner \"%s\" cannot change", l->name),
					 errdetail("Its labels are %s.", family_label_kind(family)),
					 errhint("Create another learner of the other family.")));
	}
	learner_check_strategy(strategy, &l->options);
	external_check_column(l->name, l->features_column, l->features_type, strategy,
						  l->options.predictions);
	al_class_weight_check_labels(&l->options.class_weight, l->classes, l->k);
	/* a new evaluation set: checked for the owner, who reads it */
	new_eval = (l->options.given & OPTION_GIVEN_EVAL_SET) != 0;
	if (new_eval && l->options.eval_table != NULL)
		eval_table_check_option(&l->options, l->id_column, l->features_column, l->owner);
	if (l->options.label_column[0] != '\0')
		learner_check_label_column(l->pool, l->options.label_column, l->name, l->owner);
	args[0] = Int64GetDatum(l->id);
	args[1] = CStringGetTextDatum(strategy);
	args[2] = CStringGetTextDatum(learner_options_json(&l->options, strategy));
	args[3] = BoolGetDatum(new_eval);
	args[4] = BoolGetDatum((l->options.given & OPTION_GIVEN_STOP_SET) != 0);
	/*
	 * a new strategy, committee, class weights, label rule or evaluation set need a new
	 * model and ranking; a stop set size, a new stop set at the next version
	 */
	learner_store_exec("UPDATE al.learner_store SET strategy = $2, options = $3::jsonb, "
					   "retrain_requested = retrain_requested OR $4 OR strategy <> $2 "
					   "OR options->'committee' <> ($3::jsonb)->'committee' "
					   "OR options->'class_weight' IS DISTINCT FROM ($3::jsonb)->'class_weight' "
					   "OR options->'label_rule' IS DISTINCT FROM ($3::jsonb)->'label_rule', "
					   "stop_items = CASE WHEN $5 AND (options->'stop_set_size') IS DISTINCT FROM "
					   "                       ($3::jsonb)->'stop_set_size' THEN NULL ELSE stop_items END "
					   "WHERE id = $1",
					   5, types, args, false, 0);
	if (new_eval)
		eval_choose_items(l);
	if (l->options.given & (OPTION_GIVEN_LABEL_COLUMN | OPTION_GIVEN_COLD_START))
		apply_new_options(l->id);
	SPI_finish();
	learner_wake_worker();
	PG_RETURN_VOID();
}

/*
 * al.drop_learner(name): the learner, its labels, leases, ranking and curve.
 * It first locks the learner's row, so it waits for a round of the learner
 * that is running (which locks the row too); the ranking is then deleted
 * with a fresh snapshot that sees everything that round wrote.
 */
Datum
al_drop_learner(PG_FUNCTION_ARGS)
{
	Oid			type = INT8OID;
	Datum		arg;
	Learner    *l;
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PreventCommandIfReadOnly("al.drop_learner()");
	SPI_connect();
	l = learner_get(name, LEARNER_OWN);
	arg = Int64GetDatum(l->id);
	learner_store_exec("SELECT 1 FROM al.learner_store WHERE id = $1 FOR UPDATE", 1, &type, &arg, false, 0);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("learner \"%s\" does not exist", name)));
	learner_store_exec("DELETE FROM al.learner_store WHERE id = $1", 1, &type, &arg, false, 0);
	al_handle_drop(l->handle);
	/*
	 * al.scores has no foreign key (see 50_loop.sql): its partition goes
	 * at pre-commit, so that the lock of al.scores a dropped partition
	 * takes is held by no user statement (scores_partition.c); its rows
	 * go now when al.scores is busy.
	 */
	if (!scores_partition_drop(l->id))
		learner_store_exec("DELETE FROM al.scores WHERE learner_id = $1", 1, &type, &arg, false, 0);
	SPI_finish();
	PG_RETURN_VOID();
}

/* al.retrain(learner): ask for a new model now, whatever the label count. */
Datum
al_retrain(PG_FUNCTION_ARGS)
{
	Oid			type = INT8OID;
	Datum		arg;
	Learner    *l;

	PreventCommandIfReadOnly("al.retrain()");
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), LEARNER_OWN);
	learner_lock_pool(l);
	arg = Int64GetDatum(l->id);
	learner_store_exec("UPDATE al.learner_store SET retrain_requested = true WHERE id = $1",
					   1, &type, &arg, false, 0);
	SPI_finish();
	learner_wake_worker();
	PG_RETURN_VOID();
}

/*
 * al.run_learner(learner) -> text: do one round of the worker's work now,
 * in this transaction ('retrained', 'rescored' or 'idle').  For setups
 * without the background worker (or a scheduler calling it) and for tests.
 */
Datum
al_run_learner(PG_FUNCTION_ARGS)
{
	Learner    *l;
	LearnerRoundResult r;

	PreventCommandIfReadOnly("al.run_learner()");
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), LEARNER_OWN);
	/* wait for a round of the learner that runs elsewhere (the worker's) */
	r = learner_round(l->id, true);
	SPI_finish();
	PG_RETURN_TEXT_P(cstring_to_text(r == LEARNER_RETRAINED ? "retrained" :
									 r == LEARNER_RESCORED ? "rescored" : "idle"));
}
