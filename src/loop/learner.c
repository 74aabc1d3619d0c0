/*
 * learner.c - the learner API: al.create_learner, al.alter_learner,
 * al.drop_learner, al.label, al.label_many, al.next_batch, al.release,
 * al.retrain.
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
#include "utils/regproc.h"
#include "access/xact.h"

#include "learner_api.h"
#include "sql_args.h"

PG_FUNCTION_INFO_V1(al_create_learner);
PG_FUNCTION_INFO_V1(al_alter_learner);
PG_FUNCTION_INFO_V1(al_drop_learner);
PG_FUNCTION_INFO_V1(al_label);
PG_FUNCTION_INFO_V1(al_label_many);
PG_FUNCTION_INFO_V1(al_next_batch);
PG_FUNCTION_INFO_V1(al_release);
PG_FUNCTION_INFO_V1(al_retrain);
PG_FUNCTION_INFO_V1(al_run_learner);

/* The attribute number of column name in relid; ERROR if missing. */
static AttrNumber
pool_column(Oid relid, const char *name)
{
	AttrNumber	att = get_attnum(relid, name);

	if (att == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						name, get_rel_name(relid))));
	return att;
}

/* ERROR unless the current role may SELECT column att of relid. */
static void
check_select(Oid relid, AttrNumber att)
{
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
		pg_attribute_aclcheck(relid, att, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for table %s", get_rel_name(relid))));
}

/* Check the pool's id and feature columns: types and SELECT privilege. */
static Oid
check_pool(Oid relid, const char *id_column, const char *features_column)
{
	AttrNumber	id_att = pool_column(relid, id_column);
	AttrNumber	f_att = pool_column(relid, features_column);
	Oid			id_type = get_atttype(relid, id_att);
	Oid			f_type = get_atttype(relid, f_att);

	if (id_type != INT8OID && id_type != INT4OID && id_type != TEXTOID && id_type != UUIDOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("id column \"%s\" must be bigint, integer, text or uuid, not %s",
						id_column, format_type_be(id_type))));
	if (f_type != FLOAT4ARRAYOID && f_type != FLOAT8ARRAYOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("feature column \"%s\" must be real[] or double precision[], not %s",
						features_column, format_type_be(f_type))));
	check_select(relid, id_att);
	check_select(relid, f_att);
	return id_type;
}

/* Check the class list: one dimension, 2 or more, no NULL, empty or repeated class. */
static void
check_classes(ArrayType *a)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i,
				j;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("classes must be a one-dimensional array")));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a learner needs at least 2 classes, not %d", n)));
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("class %d is null", i + 1)));
		if (VARSIZE_ANY_EXHDR(DatumGetPointer(elems[i])) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("class %d is empty", i + 1)));
		for (j = 0; j < i; j++)
			if (!nulls[j] && strcmp(TextDatumGetCString(elems[i]), TextDatumGetCString(elems[j])) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("class \"%s\" is listed twice", TextDatumGetCString(elems[i]))));
	}
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
 * al.create_learner(name, pool, id_column, features_column, classes,
 * strategy, options) -> bigint
 */
Datum
al_create_learner(PG_FUNCTION_ARGS)
{
	static const char *sql =
		"INSERT INTO al.learner_store (name, owner, pool, id_column, features_column, id_type, "
		"classes, strategy, options) VALUES ($1, $2::regrole, $3::regclass, $4, $5, $6::regtype, $7, $8, $9::jsonb) "
		"RETURNING id";
	Oid			types[9] = {TEXTOID, OIDOID, OIDOID, NAMEOID, NAMEOID, OIDOID, TEXTARRAYOID, TEXTOID, TEXTOID};
	Datum		args[9];
	char	   *name;
	char	   *strategy;
	LearnerOptions o;
	Oid			id_type;
	bool		isnull;
	int64		id;

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 1, "pool");
	al_require_arg(fcinfo, 2, "id column");
	al_require_arg(fcinfo, 3, "feature column");
	al_require_arg(fcinfo, 4, "classes");
	al_require_arg(fcinfo, 5, "strategy");
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("learner name must not be empty")));
	id_type = check_pool(PG_GETARG_OID(1), NameStr(*PG_GETARG_NAME(2)), NameStr(*PG_GETARG_NAME(3)));
	check_classes(PG_GETARG_ARRAYTYPE_P(4));
	strategy = text_to_cstring(PG_GETARG_TEXT_PP(5));
	o = options_from(fcinfo, 6);
	learner_check_strategy(strategy, o.committee);

	SPI_connect();
	args[0] = CStringGetTextDatum(name);
	learner_store_exec("SELECT 1 FROM al.learner_store WHERE name = $1", 1, types, args, true, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("learner \"%s\" already exists", name)));
	args[1] = ObjectIdGetDatum(GetUserId());
	args[2] = PG_GETARG_DATUM(1);
	args[3] = PG_GETARG_DATUM(2);
	args[4] = PG_GETARG_DATUM(3);
	args[5] = ObjectIdGetDatum(id_type);
	args[6] = PG_GETARG_DATUM(4);
	args[7] = CStringGetTextDatum(strategy);
	args[8] = CStringGetTextDatum(learner_options_json(&o));
	learner_store_exec(sql, 9, types, args, false, 1);
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	PG_RETURN_INT64(id);
}

/* al.alter_learner(name, strategy, options): change strategy and/or options. */
Datum
al_alter_learner(PG_FUNCTION_ARGS)
{
	Oid			types[3] = {INT8OID, TEXTOID, TEXTOID};
	Datum		args[3];
	Learner    *l;
	char	   *strategy;

	al_require_arg(fcinfo, 0, "learner name");
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	strategy = PG_ARGISNULL(1) ? l->strategy : text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (!PG_ARGISNULL(2))
		learner_options_apply(&l->options, PG_GETARG_JSONB_P(2));
	learner_check_strategy(strategy, l->options.committee);
	args[0] = Int64GetDatum(l->id);
	args[1] = CStringGetTextDatum(strategy);
	args[2] = CStringGetTextDatum(learner_options_json(&l->options));
	/* a new strategy or committee needs a new model and ranking */
	learner_store_exec("UPDATE al.learner_store SET strategy = $2, options = $3::jsonb, "
					   "retrain_requested = retrain_requested OR strategy <> $2 "
					   "OR options->'committee' <> ($3::jsonb)->'committee' WHERE id = $1",
					   3, types, args, false, 0);
	SPI_finish();
	learner_wake_worker();
	PG_RETURN_VOID();
}

/* al.drop_learner(name): the learner, its labels, leases, scores and curve. */
Datum
al_drop_learner(PG_FUNCTION_ARGS)
{
	Oid			type = INT8OID;
	Datum		arg;
	Learner    *l;

	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	arg = Int64GetDatum(l->id);
	/* al.scores has no foreign key (see 50_loop.sql): its rows go first */
	learner_store_exec("DELETE FROM al.scores WHERE learner_id = $1", 1, &type, &arg, false, 0);
	learner_store_exec("DELETE FROM al.learner_store WHERE id = $1", 1, &type, &arg, false, 0);
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * The canonical text of an item id of the learner's pool (as the pool's id
 * type prints it); ERROR if the pool has no such item.  Runs as the caller.
 */
static char *
pool_item(const Learner *l, const char *item)
{
	char	   *sql = psprintf("SELECT %s::text FROM %s WHERE %s = $1::%s",
							   quote_identifier(l->id_column), learner_pool_name(l),
							   quote_identifier(l->id_column), format_type_be_qualified(l->id_type));
	Oid			type = TEXTOID;
	Datum		arg = CStringGetTextDatum(item);

	if (SPI_execute_with_args(sql, 1, &type, &arg, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not look up item in %s", learner_pool_name(l));
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("item \"%s\" is not in the pool of learner \"%s\"", item, l->name)));
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/* The learner's classes as one comma-separated line, for messages. */
static char *
classes_text(const Learner *l)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < l->k; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", l->classes[i]);
	return buf.data;
}

/* Record one label (validated) and drop the item's lease.  SPI connected. */
static void
record_label(const Learner *l, const char *item, const char *label, const char *annotator)
{
	static const char *upsert =
		"INSERT INTO al.labels (learner_id, item_id, annotator, label) VALUES ($1, $2, $3, $4) "
		"ON CONFLICT (learner_id, item_id, annotator) DO UPDATE "
		"SET label = EXCLUDED.label, labeled_at = now(), serial = EXCLUDED.serial "
		"WHERE al.labels.label IS DISTINCT FROM EXCLUDED.label";
	Oid			types[4] = {INT8OID, TEXTOID, TEXTOID, TEXTOID};
	Datum		args[4];
	char	   *canonical;

	if (learner_class_index(l, label) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label \"%s\" is not a class of learner \"%s\"", label, l->name),
				 errdetail("The classes are: %s.", classes_text(l))));
	if (annotator[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("annotator must not be empty")));
	canonical = pool_item(l, item);
	args[0] = Int64GetDatum(l->id);
	args[1] = CStringGetTextDatum(canonical);
	args[2] = CStringGetTextDatum(annotator);
	args[3] = CStringGetTextDatum(label);
	learner_store_exec(upsert, 4, types, args, false, 0);
	learner_store_exec("DELETE FROM al.leases WHERE learner_id = $1 AND item_id = $2",
					   2, types, args, false, 0);
}

/* al.label(learner, item_id text, label, annotator): record a label. */
Datum
al_label(PG_FUNCTION_ARGS)
{
	Learner    *l;

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 1, "item id");
	al_require_arg(fcinfo, 2, "label");
	al_require_arg(fcinfo, 3, "annotator");
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	record_label(l, text_to_cstring(PG_GETARG_TEXT_PP(1)), text_to_cstring(PG_GETARG_TEXT_PP(2)),
				 text_to_cstring(PG_GETARG_TEXT_PP(3)));
	SPI_finish();
	learner_wake_worker();
	PG_RETURN_VOID();
}

/* A scalar JSON value as text (strings unquoted); NULL for null or non-scalars. */
static char *
json_scalar_text(JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			return pnstrdup(v->val.string.val, v->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		default:
			return NULL;
	}
}

/* The field key of a JSON object as scalar text, or NULL. */
static char *
json_field(Jsonb *obj_container, JsonbContainer *c, const char *key)
{
	JsonbValue	k;
	JsonbValue *v;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	v = findJsonbValueFromContainer(c, JB_FOBJECT, &k);
	return v ? json_scalar_text(v) : NULL;
}

/*
 * al.label_many(learner, labels jsonb) -> integer: an array of
 * {"item": ..., "label": ..., "annotator": ...} (annotator optional), all
 * or nothing.
 */
Datum
al_label_many(PG_FUNCTION_ARGS)
{
	Jsonb	   *labels;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	Learner    *l;
	int			n = 0;
	char	   *me = GetUserNameFromId(GetUserId(), false);

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 1, "labels");
	labels = PG_GETARG_JSONB_P(1);
	if (!JB_ROOT_IS_ARRAY(labels) || JB_ROOT_IS_SCALAR(labels))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("labels must be a JSON array of objects like {\"item\": 42, \"label\": \"cat\"}")));
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	it = JsonbIteratorInit(&labels->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *item,
				   *label,
				   *annotator;

		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("element %d of labels is not an object", n + 1)));
		item = json_field(labels, v.val.binary.data, "item");
		label = json_field(labels, v.val.binary.data, "label");
		annotator = json_field(labels, v.val.binary.data, "annotator");
		if (item == NULL || label == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("element %d of labels needs \"item\" and \"label\"", n + 1)));
		record_label(l, item, label, annotator ? annotator : me);
		n++;
	}
	SPI_finish();
	if (n > 0)
		learner_wake_worker();
	PG_RETURN_INT32(n);
}

/* Output row of next_batch. */
typedef struct BatchItem
{
	char	   *item;
	bool		scored;
	double		score;
	char	   *predicted;
	Datum		probs;
} BatchItem;

/*
 * Up to k candidates for a batch: the best-scored unlabeled items without a
 * live lease, from the published ranking (as the store owner).
 */
static int
scored_candidates(const Learner *l, int k, BatchItem *out)
{
	/*
	 * Every item left out is labeled or leased, so the best k + (labels +
	 * leases) rows by score hold the answer: a bounded sort over one scan,
	 * whatever the planner knows of the freshly replaced ranking.
	 */
	static const char *sql =
		"SELECT s.item_id, s.score, s.predicted, s.probs FROM ("
		"  SELECT * FROM al.scores WHERE learner_id = $1 ORDER BY score DESC, item_id"
		"  LIMIT $2 + (SELECT count(*) FROM al.labels WHERE learner_id = $1)"
		"           + (SELECT count(*) FROM al.leases WHERE learner_id = $1)) s "
		"WHERE NOT EXISTS (SELECT 1 FROM al.labels b WHERE b.learner_id = $1 AND b.item_id = s.item_id) "
		"AND NOT EXISTS (SELECT 1 FROM al.leases x WHERE x.learner_id = $1 AND x.item_id = s.item_id "
		"                AND x.expires_at > now()) "
		"ORDER BY s.score DESC, s.item_id LIMIT $2";
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		args[2] = {Int64GetDatum(l->id), Int32GetDatum(k)};
	uint64		i;

	/* not read-only: a fresh snapshot sees what the lock's previous holder committed */
	learner_store_exec(sql, 2, types, args, false, 0);
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;

		out[i].item = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		out[i].scored = true;
		out[i].score = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));
		out[i].predicted = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3);
		out[i].probs = SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 4, &isnull),
										 false, -1);
	}
	return (int) SPI_processed;
}

/*
 * Cold start (no model yet): a seeded random sample of the pool, skipping
 * labeled and leased items.  The pool is read as the caller.
 */
static int
random_candidates(const Learner *l, int k, BatchItem *out)
{
	static const char *taken_sql =
		"SELECT coalesce(array_agg(item_id), '{}') FROM ("
		"  SELECT item_id FROM al.labels WHERE learner_id = $1 "
		"  UNION SELECT item_id FROM al.leases WHERE learner_id = $1 AND expires_at > now()) t";
	Oid			types[3] = {INT8OID, TEXTARRAYOID, INT4OID};
	Datum		args[3];
	bool		isnull;
	const char *id = quote_identifier(l->id_column);
	char	   *sql;
	uint64		i;

	args[0] = Int64GetDatum(l->id);
	learner_store_exec(taken_sql, 1, types, args, false, 0);
	args[1] = SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull),
								false, -1);
	args[2] = Int32GetDatum(k);
	sql = psprintf("SELECT %s::text FROM %s WHERE %s IS NOT NULL AND NOT (%s::text = ANY ($2)) "
				   "ORDER BY hashtextextended(%s::text, %d), %s LIMIT $3",
				   id, learner_pool_name(l), id, id, id, l->options.seed, id);
	if (SPI_execute_with_args(sql, 3, types, args, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not sample the pool of learner \"%s\"", l->name);
	for (i = 0; i < SPI_processed; i++)
	{
		out[i].item = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		out[i].scored = false;
	}
	return (int) SPI_processed;
}

/* Lease the items to annotator; returns how many were leased (all, normally). */
static int
lease_items(const Learner *l, BatchItem *items, int n, const char *annotator)
{
	static const char *sql =
		"INSERT INTO al.leases (learner_id, item_id, annotator, expires_at) "
		"SELECT $1, unnest($2::text[]), $3, now() + $4::interval "
		"ON CONFLICT (learner_id, item_id) DO UPDATE "
		"SET annotator = EXCLUDED.annotator, leased_at = now(), expires_at = EXCLUDED.expires_at "
		"WHERE al.leases.expires_at <= now()";
	Oid			types[4] = {INT8OID, TEXTARRAYOID, TEXTOID, TEXTOID};
	Datum		args[4];
	Datum	   *ids = (Datum *) palloc(sizeof(Datum) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		ids[i] = CStringGetTextDatum(items[i].item);
	args[0] = Int64GetDatum(l->id);
	args[1] = PointerGetDatum(construct_array(ids, n, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = CStringGetTextDatum(annotator);
	args[3] = CStringGetTextDatum(l->options.lease);
	learner_store_exec(sql, 4, types, args, false, 0);
	return (int) SPI_processed;
}

/*
 * Serialize batch hand-outs of one learner (transaction-level advisory
 * lock).  The queries after it take fresh snapshots, so they see the leases
 * and labels of the lock's previous holder; a transaction-wide snapshot
 * (REPEATABLE READ, SERIALIZABLE) cannot, hence the error.
 */
static void
lock_learner(const Learner *l)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);

	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("al.next_batch cannot run in a REPEATABLE READ or SERIALIZABLE transaction"),
				 errhint("Call it at READ COMMITTED, the default isolation level, so that concurrent annotators never get the same item.")));
	if (SPI_execute_with_args("SELECT pg_advisory_xact_lock(hashtextextended('al_ext.learner', $1))",
							  1, &type, &arg, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not lock learner \"%s\"", l->name);
}

/*
 * al.next_batch(learner, k, annotator) -> setof (item_id, score, predicted,
 * probs): the k best unlabeled items no one else holds, leased to annotator.
 */
Datum
al_next_batch(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Learner    *l;
	BatchItem  *items;
	char	   *annotator;
	int			k,
				n,
				i;

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 2, "annotator");
	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	k = PG_ARGISNULL(1) ? l->options.batch_size : PG_GETARG_INT32(1);
	if (k < 1 || k > 100000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("batch size must be between 1 and 100000, not %d", k)));
	annotator = text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (annotator[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("annotator must not be empty")));
	items = (BatchItem *) palloc0(sizeof(BatchItem) * k);
	lock_learner(l);
	n = l->model_id ? scored_candidates(l, k, items) : random_candidates(l, k, items);
	if (n > 0 && lease_items(l, items, n, annotator) != n)
		elog(ERROR, "batch of learner \"%s\" lost a lease race", l->name);
	for (i = 0; i < n; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, !items[i].scored, !items[i].scored, !items[i].scored};

		values[0] = CStringGetTextDatum(items[i].item);
		values[1] = Float8GetDatum(items[i].score);
		values[2] = items[i].scored ? CStringGetTextDatum(items[i].predicted) : (Datum) 0;
		values[3] = items[i].probs;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}

/* al.release(learner, item_ids text[], annotator) -> integer: give leases back. */
Datum
al_release(PG_FUNCTION_ARGS)
{
	Oid			types[3] = {INT8OID, TEXTARRAYOID, TEXTOID};
	Datum		args[3];
	Learner    *l;
	int			n;

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 1, "item ids");
	al_require_arg(fcinfo, 2, "annotator");
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	args[0] = Int64GetDatum(l->id);
	args[1] = PG_GETARG_DATUM(1);
	args[2] = PG_GETARG_DATUM(2);
	learner_store_exec("DELETE FROM al.leases WHERE learner_id = $1 AND item_id = ANY ($2) AND annotator = $3",
					   3, types, args, false, 0);
	n = (int) SPI_processed;
	SPI_finish();
	PG_RETURN_INT32(n);
}

/* al.retrain(learner): ask for a new model now, whatever the label count. */
Datum
al_retrain(PG_FUNCTION_ARGS)
{
	Oid			type = INT8OID;
	Datum		arg;
	Learner    *l;

	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
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

	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	r = learner_run_round(l->id);
	SPI_finish();
	PG_RETURN_TEXT_P(cstring_to_text(r == LEARNER_RETRAINED ? "retrained" :
									 r == LEARNER_RESCORED ? "rescored" : "idle"));
}
