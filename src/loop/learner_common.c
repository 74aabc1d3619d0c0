/*
 * learner_common.c - loading learners and running statements on al_ext's
 * own tables as their owner (options and strategies: learner_options.c).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "learner_api.h"
#include "handle.h"
#include "identity.h"
#include "learner_acl.h"
#include "model.h"
#include "sql_args.h"

/*
 * How many of al_ext's own statements on its tables are running in this
 * backend: al.batch_hints_reopen, the trigger of al.leases and al.labels,
 * tells them from other SQL's changes (an administrator's, or code a
 * maintenance command runs as the tables' owner).
 */
static int	store_dml_depth = 0;

/* Whether one of al_ext's own statements on its tables is running. */
bool
learner_store_dml_running(void)
{
	return store_dml_depth > 0;
}

/*
 * Run plan (or, NULL, sql) through SPI, counted in store_dml_depth; with
 * snapshot (and a plan), under that snapshot instead of a fresh one.
 */
static int
store_spi_run(SPIPlanPtr plan, const char *sql, int nargs, Oid *types, Datum *args, bool read_only,
			  long limit, Snapshot snapshot)
{
	volatile int ret = 0;

	store_dml_depth++;
	PG_TRY();
	{
		if (plan && snapshot)
			ret = SPI_execute_snapshot(plan, args, NULL, snapshot, InvalidSnapshot, read_only, true, limit);
		else if (plan)
			ret = SPI_execute_plan(plan, args, NULL, read_only, limit);
		else
			ret = SPI_execute_with_args(sql, nargs, types, args, NULL, read_only, limit);
	}
	PG_FINALLY();
	{
		store_dml_depth--;
	}
	PG_END_TRY();
	return ret;
}

/* Run a statement on al_ext's tables as their owner; returns SPI's code. */
int
learner_store_exec(const char *sql, int nargs, Oid *types, Datum *args, bool read_only, long limit)
{
	AlIdentity	save;
	int			ret;

	al_become_store_owner(&save);
	ret = store_spi_run(NULL, sql, nargs, types, args, read_only, limit, NULL);
	al_restore(&save);
	if (ret < 0)
		elog(ERROR, "SPI statement failed (%d): %s", ret, sql);
	return ret;
}

/*
 * The same under snapshot, not a fresh one: for a statement that reads
 * rows its caller found with that snapshot (their tids: a row updated
 * since a later snapshot was taken is not at the tid found).
 */
int
learner_store_exec_snapshot(const char *sql, int nargs, Oid *types, Datum *args, Snapshot snapshot)
{
	AlIdentity	save;
	SPIPlanPtr	plan;
	int			ret;

	al_become_store_owner(&save);
	plan = SPI_prepare(sql, nargs, types);
	if (plan == NULL)
		elog(ERROR, "could not prepare SPI statement: %s", sql);
	ret = store_spi_run(plan, sql, nargs, types, args, false, 0, snapshot);
	SPI_freeplan(plan);
	al_restore(&save);
	if (ret < 0)
		elog(ERROR, "SPI statement failed (%d): %s", ret, sql);
	return ret;
}

/*
 * The same for a statement run often (al.next_batch's), whose plan this
 * backend keeps in *plan (a static of the caller, NULL at first): parsed
 * once, then planned by PostgreSQL's plan cache (which may keep a generic
 * plan, and redoes it when the tables change; al_become pins the
 * search_path and the role it was made for).  For key lookups only: the
 * statement is planned with sequential and bitmap scans off, as a generic
 * plan made while al.leases looked empty scanned every lease for each item
 * once they piled up (1.5 to 6 ms a batch over 800 batches) and nothing
 * invalidates it until the next ANALYZE.  sql must be a constant: the plan
 * is kept for the text first given.  Not for al.scores (partitioned: a
 * generic plan keeps, and locks, every partition).
 */
int
learner_store_exec_kept(SPIPlanPtr *plan, const char *sql, int nargs, Oid *types, Datum *args,
						bool read_only, long limit)
{
	AlIdentity	save;
	int			ret,
				level;

	al_become_store_owner(&save);
	if (*plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(sql, nargs, types);

		if (p == NULL || SPI_keepplan(p) != 0)
			elog(ERROR, "could not prepare SPI statement: %s", sql);
		*plan = p;
	}
	level = NewGUCNestLevel();
	(void) set_config_option("enable_seqscan", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("enable_bitmapscan", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	ret = store_spi_run(*plan, sql, nargs, types, args, read_only, limit, NULL);
	AtEOXact_GUC(true, level);
	al_restore(&save);
	if (ret < 0)
		elog(ERROR, "SPI statement failed (%d): %s", ret, sql);
	return ret;
}

/*
 * The bigint result of a read-only store query with one bigint parameter
 * (the first column of its first row); if_none when there is no row or it
 * is NULL.
 */
int64
learner_store_int8(const char *sql, int64 arg, int64 if_none)
{
	Oid			type = INT8OID;
	Datum		value = Int64GetDatum(arg);
	bool		isnull;
	Datum		d;

	learner_store_exec(sql, 1, &type, &value, true, 1);
	if (SPI_processed == 0)
		return if_none;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? if_none : DatumGetInt64(d);
}

/*
 * Run a read-only query through a cursor with role's identity (al_become
 * around the opening and each fetch: that is where the query's code runs)
 * and call fn(arg) for each block of at most block_rows rows, with the
 * block in SPI_tuptable/SPI_processed and, as the current memory context,
 * one reset after each block.  fresh: the cursor takes a new snapshot (it
 * sees what committed since the statement began), else the active one.  fn
 * may run SPI statements once it has read the block; it must not free it.
 */
void
learner_query_blocks(Oid role, const char *sql, int nargs, Oid *types, Datum *args, bool fresh,
					 long block_rows, LearnerBlockFn fn, void *arg)
{
	MemoryContext block = AllocSetContextCreate(CurrentMemoryContext, "al_ext query block",
												ALLOCSET_DEFAULT_SIZES);
	AlIdentity	save;
	Portal		portal;

	al_become(role, &save);
	portal = SPI_cursor_open_with_args(NULL, sql, nargs, types, args, NULL, !fresh, 0);
	al_restore(&save);
	for (;;)
	{
		MemoryContext old;
		SPITupleTable *rows;

		al_become(role, &save);
		SPI_cursor_fetch(portal, true, block_rows);
		al_restore(&save);
		if (SPI_processed == 0)
			break;
		rows = SPI_tuptable;
		old = MemoryContextSwitchTo(block);
		fn(arg);
		MemoryContextSwitchTo(old);
		SPI_freetuptable(rows);
		MemoryContextReset(block);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
	MemoryContextDelete(block);
}

/* Column `col` (1-based) of result row `row` as text (NULL -> NULL). */
static char *
result_text(int row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

/* Column `col` of row `row` as a Datum. */
static Datum
result_datum(int row, int col, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

/* The owner of a learner's handle, or InvalidOid if the handle is gone. */
static Oid
handle_owner(Oid handle)
{
	return al_handle_exists(handle) ? al_handle_owner(handle) : InvalidOid;
}

/* Fill a Learner from result row 0 (copying into the upper context). */
static Learner *
learner_from_result(void)
{
	Learner    *l = (Learner *) SPI_palloc(sizeof(Learner));
	MemoryContext old = MemoryContextSwitchTo(GetMemoryChunkContext(l));
	bool		isnull;
	Datum	   *cls;
	int			i;

	l->id = DatumGetInt64(result_datum(0, 1, &isnull));
	l->name = pstrdup(result_text(0, 2));
	l->handle = DatumGetObjectId(result_datum(0, 3, &isnull));
	l->owner = handle_owner(l->handle);
	l->pool = DatumGetObjectId(result_datum(0, 4, &isnull));
	l->id_column = pstrdup(result_text(0, 5));
	l->features_column = pstrdup(result_text(0, 6));
	l->id_type = DatumGetObjectId(result_datum(0, 7, &isnull));
	deconstruct_array(DatumGetArrayTypeP(result_datum(0, 8, &isnull)), TEXTOID, -1, false,
					  TYPALIGN_INT, &cls, NULL, &l->k);
	l->classes = (char **) palloc(sizeof(char *) * l->k);
	l->class_index = item_map_create("al_ext learner classes", l->k);
	for (i = 0; i < l->k; i++)
	{
		l->classes[i] = TextDatumGetCString(cls[i]);
		item_map_add(l->class_index, l->classes[i], i);
	}
	l->features_type = InvalidOid;
	l->id_att = InvalidAttrNumber;
	l->strategy = pstrdup(result_text(0, 9));
	learner_options_init(&l->options);
	learner_options_apply(&l->options, DatumGetJsonbP(result_datum(0, 10, &isnull)));
	l->options.given = 0;		/* stored options were checked when given */
	l->model_id = DatumGetInt64(result_datum(0, 11, &isnull));
	if (isnull)
		l->model_id = 0;
	l->model_version = DatumGetInt32(result_datum(0, 12, &isnull));
	if (isnull)
		l->model_version = 0;
	l->retrain_requested = DatumGetBool(result_datum(0, 13, &isnull));
	l->channel = pstrdup(result_text(0, 14));
	l->published_at = DatumGetTimestampTz(result_datum(0, 15, &isnull));
	if (isnull)
		l->published_at = 0;
	MemoryContextSwitchTo(old);
	return l;
}

/*
 * The learner of result row 0, or NULL if there is none, or if its handle
 * is gone (dropped while the event trigger that deletes its learner could
 * not run): such a learner no longer exists for anyone.
 */
static Learner *
learner_found(void)
{
	Learner    *l = SPI_processed == 1 ? learner_from_result() : NULL;

	return (l != NULL && OidIsValid(l->owner)) ? l : NULL;
}

#define LEARNER_COLUMNS "id, name, handle::oid, pool::oid, id_column, features_column, id_type::oid, " \
	"classes, strategy, options, model_id, model_version, retrain_requested, " \
	"channel_secret, published_at"

/* Load a learner by name or id (name NULL); NULL if there is none. SPI connected. */
static Learner *
learner_fetch(const char *name, int64 id)
{
	static SPIPlanPtr by_name = NULL;
	static SPIPlanPtr by_id = NULL;
	Oid			type = name ? TEXTOID : INT8OID;
	Datum		arg = name ? CStringGetTextDatum(name) : Int64GetDatum(id);

	if (name)
		learner_store_exec_kept(&by_name, "SELECT " LEARNER_COLUMNS " FROM al.learner_store WHERE name = $1",
								1, &type, &arg, true, 1);
	else
		learner_store_exec_kept(&by_id, "SELECT " LEARNER_COLUMNS " FROM al.learner_store WHERE id = $1",
								1, &type, &arg, true, 1);
	return learner_found();
}

/*
 * Load a learner by id and lock its row of al.learner_store (FOR NO KEY
 * UPDATE, to the end of the transaction) for a round: al.drop_learner,
 * al.alter_learner and al.retrain wait for the round, and a second round of
 * the same learner waits (wait) or skips it.  Returns NULL if the learner is
 * gone (dropped meanwhile) or, without wait, if another transaction holds
 * the row.  The statement takes a fresh snapshot, so it sees what the
 * lock's previous holder committed.  SPI connected.
 */
Learner *
learner_lock_row(int64 id, bool wait)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(id);

	learner_store_exec(wait ? "SELECT " LEARNER_COLUMNS " FROM al.learner_store WHERE id = $1 FOR NO KEY UPDATE"
					   : "SELECT " LEARNER_COLUMNS " FROM al.learner_store WHERE id = $1 FOR NO KEY UPDATE SKIP LOCKED",
					   1, &type, &arg, false, 1);
	return learner_found();
}

/*
 * The learner named name, on which the current role has the right (a
 * LearnerRight, learner_acl.h); ERROR otherwise.  SPI connected.
 */
Learner *
learner_get(const char *name, int right)
{
	Learner    *l = learner_fetch(name, 0);

	if (l == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("learner \"%s\" does not exist", name)));
	learner_require(l, (LearnerRight) right);
	return l;
}

/* A learner by id, without a privilege check (the worker's view); NULL if none. */
Learner *
learner_get_by_id(int64 id)
{
	return learner_fetch(NULL, id);
}

/* The pool's qualified, quoted name; ERROR if the table is gone. */
char *
learner_pool_name(const Learner *l)
{
	char	   *rel = get_rel_name(l->pool);
	char	   *nsp = rel ? get_namespace_name(get_rel_namespace(l->pool)) : NULL;

	if (rel == NULL || nsp == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("the pool of learner \"%s\" no longer exists", l->name),
				 errhint("Drop the learner with al.drop_learner, or create it again on a new pool.")));
	return quote_qualified_identifier(nsp, rel);
}

/* Index of label among the learner's classes, or -1. */
int
learner_class_index(const Learner *l, const char *label)
{
	return item_map_find(l->class_index, label);
}

/* The classes shown in messages: at most this many, then a count. */
#define CLASSES_SHOWN 20

/* The learner's classes as one comma-separated line, for messages. */
char *
learner_classes_text(const Learner *l)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < l->k && i < CLASSES_SHOWN; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", l->classes[i]);
	if (l->k > CLASSES_SHOWN)
		appendStringInfo(&buf, ", ... (%d classes)", l->k);
	return buf.data;
}

/*
 * ERROR unless name can name a learner: not empty, at most
 * LEARNER_MAX_NAME_BYTES bytes (its new versions are announced with it, in
 * a NOTIFY payload of at most 8000 bytes).
 */
void
learner_check_name(const char *name)
{
	size_t		len = strlen(name);

	if (len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("learner name must not be empty")));
	if (len > LEARNER_MAX_NAME_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("learner name must be at most %d bytes, not %zu", LEARNER_MAX_NAME_BYTES, len),
				 errdetail("The name begins \"%s\".", pnstrdup(name, pg_mbcliplen(name, (int) len, 32)))));
}

/*
 * The NOTIFY payload announcing version of learner l:
 * {"learner": name, "learner_id": id, "version": version}.  The name is
 * left out (null) if it is longer than a learner name may be now (a name
 * from before that bound), so the payload always fits NOTIFY's 8000 bytes:
 * the id and version are what a listener needs.
 */
char *
learner_notify_payload(const Learner *l, int32 version)
{
	StringInfoData payload;

	initStringInfo(&payload);
	appendStringInfoString(&payload, "{\"learner\": ");
	if (strlen(l->name) <= LEARNER_MAX_NAME_BYTES)
		escape_json(&payload, l->name);
	else
		appendStringInfoString(&payload, "null");
	appendStringInfo(&payload, ", \"learner_id\": " INT64_FORMAT ", \"version\": %d}", l->id, version);
	return payload.data;
}
