/*
 * learner_status.c - al.learner_status_rows(), the rows of the view
 * al.learner_status: one per learner the caller may view.
 *
 * A pool is counted only as its learner's owner, isolated (al_become: a
 * security-restricted operation with search_path pinned), inside its own
 * subtransaction: whatever the pool's code does, it runs with its owner's
 * rights only, and a pool that is gone or fails leaves that learner's
 * pool_size NULL with the reason in `problem` instead of failing the view for
 * everyone.  The worker's phase comes from the backend status array, so
 * reading it needs no statistics privilege and shows only learners the
 * caller may view.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "utils/builtins.h"
#include "utils/backend_status.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "identity.h"
#include "learner_acl.h"

PG_FUNCTION_INFO_V1(al_learner_status_rows);

/* The columns of al.learner_status, in order. */
enum
{
	ST_LEARNER, ST_STRATEGY, ST_POOL_SIZE, ST_LABELED, ST_UNLABELED, ST_LEASED,
	ST_WAITING, ST_UNUSABLE, ST_RETRAIN_EVERY, ST_VERSION, ST_TRAINED_AT, ST_ACCURACY,
	ST_PHASE, ST_SUGGESTED_STOP, ST_STOP_REASON, ST_PROBLEM, ST_COLUMNS
};

/* Kappa threshold and window of the stabilizing-predictions stop rule. */
#define STOP_KAPPA		0.99
#define STOP_WINDOW		3

/* What counting a pool found. */
typedef struct PoolCount
{
	int64		rows;			/* -1: could not be counted */
	int64		labeled;		/* rows whose id is among the labeled items */
	char	   *problem;		/* why not, or NULL */
} PoolCount;

/*
 * Count the pool's rows, and those among the labeled items, as the
 * learner's owner in a subtransaction; a pool that cannot be counted gives
 * rows -1 and the reason.  SPI connected.
 */
static PoolCount
pool_count(const Learner *l, Datum labeled_items)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	volatile PoolCount c = {-1, 0, NULL};

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		AlIdentity	save;
		const char *id = quote_identifier(l->id_column);
		char	   *sql = psprintf("SELECT pg_catalog.count(*), pg_catalog.count(*) FILTER "
								   "(WHERE %s::pg_catalog.text OPERATOR(pg_catalog.=) ANY ($1)) FROM %s",
								   id, learner_pool_name(l));
		Oid			type = TEXTARRAYOID;
		bool		isnull;

		al_become(l->owner, &save);
		if (SPI_execute_with_args(sql, 1, &type, &labeled_items, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not count the pool of learner \"%s\"", l->name);
		c.rows = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		c.labeled = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
		al_restore(&save);
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		/* a cancel is not a property of the pool: pass it on */
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
			ReThrowError(edata);
		c.problem = psprintf("cannot count the pool: %s", edata->message);
		c.rows = -1;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	return c;
}

/* What the al_ext worker is doing for learner id now, or NULL. */
static char *
worker_phase(int64 id)
{
	char	   *prefix = psprintf("learner " INT64_FORMAT " (", id);
	size_t		plen = strlen(prefix);
	int			n = pgstat_fetch_stat_numbackends();
	int			i;

	for (i = 1; i <= n; i++)
	{
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);
		PgBackendStatus *be = local ? &local->backendStatus : NULL;
		const char *type;
		const char *phase;

		if (be == NULL || be->st_backendType != B_BG_WORKER ||
			be->st_databaseid != MyDatabaseId || be->st_state != STATE_RUNNING ||
			strncmp(be->st_activity_raw, prefix, plen) != 0)
			continue;
		type = GetBackgroundWorkerTypeByPid(be->st_procpid);
		phase = strstr(be->st_activity_raw + plen, "): ");
		if (type != NULL && strcmp(type, "al_ext worker") == 0 && phase != NULL)
			return pstrdup(phase + 3);
	}
	return NULL;
}

/* The store-side counts of one learner, read as the store owner. */
typedef struct LearnerCounts
{
	Datum		items;			/* the labeled items' ids, text[] */
	int64		labeled;
	int64		leased;
	int64		waiting;
	bool		has_accuracy;
	double		accuracy;
	bool		has_unusable;
	int32		unusable;		/* of the latest version's training */
	int			stable;			/* of the last STOP_WINDOW versions, how many kappa >= STOP_KAPPA */
	int			versions;		/* versions among the last STOP_WINDOW with a kappa */
} LearnerCounts;

/* Read a learner's label, lease and curve counts.  SPI connected. */
static LearnerCounts
learner_counts(const Learner *l)
{
	static const char *sql =
		"SELECT (SELECT pg_catalog.count(DISTINCT b.item_id) FROM al.labels b WHERE b.learner_id OPERATOR(pg_catalog.=) $1), "
		" (SELECT coalesce(pg_catalog.array_agg(DISTINCT b.item_id), '{}') FROM al.labels b "
		"  WHERE b.learner_id OPERATOR(pg_catalog.=) $1), "
		" (SELECT c.labels_unusable FROM al.curve_store c WHERE c.learner_id OPERATOR(pg_catalog.=) $1 "
		"  ORDER BY c.model_version DESC LIMIT 1), "
		" (SELECT pg_catalog.count(*) FROM al.leases x WHERE x.learner_id OPERATOR(pg_catalog.=) $1 "
		"  AND x.expires_at OPERATOR(pg_catalog.>) pg_catalog.now()), "
		" (SELECT pg_catalog.count(*) FROM al.labels b WHERE b.learner_id OPERATOR(pg_catalog.=) $1 "
		"  AND b.trained_in IS NULL), "
		" (SELECT c.holdout_accuracy FROM al.curve_store c WHERE c.learner_id OPERATOR(pg_catalog.=) $1 "
		"  ORDER BY c.model_version DESC LIMIT 1), "
		" (SELECT pg_catalog.count(*) FILTER (WHERE k.kappa_previous OPERATOR(pg_catalog.>=) $2) FROM "
		"  (SELECT c.kappa_previous FROM al.curve_store c WHERE c.learner_id OPERATOR(pg_catalog.=) $1 "
		"   ORDER BY c.model_version DESC LIMIT $3) k), "
		" (SELECT pg_catalog.count(k.kappa_previous) FROM "
		"  (SELECT c.kappa_previous FROM al.curve_store c WHERE c.learner_id OPERATOR(pg_catalog.=) $1 "
		"   ORDER BY c.model_version DESC LIMIT $3) k)";
	Oid			types[3] = {INT8OID, FLOAT8OID, INT4OID};
	Datum		args[3] = {Int64GetDatum(l->id), Float8GetDatum(STOP_KAPPA), Int32GetDatum(STOP_WINDOW)};
	HeapTuple	tup;
	TupleDesc	desc;
	LearnerCounts c;
	bool		isnull;

	learner_store_exec(sql, 3, types, args, true, 1);
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	c.labeled = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
	c.items = SPI_datumTransfer(SPI_getbinval(tup, desc, 2, &isnull), false, -1);
	c.unusable = DatumGetInt32(SPI_getbinval(tup, desc, 3, &isnull));
	c.has_unusable = !isnull;
	c.leased = DatumGetInt64(SPI_getbinval(tup, desc, 4, &isnull));
	c.waiting = DatumGetInt64(SPI_getbinval(tup, desc, 5, &isnull));
	c.accuracy = DatumGetFloat8(SPI_getbinval(tup, desc, 6, &isnull));
	c.has_accuracy = !isnull;
	c.stable = (int) DatumGetInt64(SPI_getbinval(tup, desc, 7, &isnull));
	c.versions = (int) DatumGetInt64(SPI_getbinval(tup, desc, 8, &isnull));
	return c;
}

/* Fill values/nulls with the status row of learner l. */
static void
status_row(const Learner *l, Datum *values, bool *nulls)
{
	LearnerCounts c = learner_counts(l);
	PoolCount	pool = pool_count(l, c.items);
	char	   *phase = worker_phase(l->id);
	bool		stop = c.versions == STOP_WINDOW && c.stable == STOP_WINDOW;

	memset(nulls, 0, sizeof(bool) * ST_COLUMNS);
	values[ST_LEARNER] = CStringGetTextDatum(l->name);
	values[ST_STRATEGY] = CStringGetTextDatum(l->strategy);
	values[ST_POOL_SIZE] = Int64GetDatum(pool.rows);
	nulls[ST_POOL_SIZE] = nulls[ST_UNLABELED] = (pool.rows < 0);
	values[ST_LABELED] = Int64GetDatum(c.labeled);
	/* labeled items no longer in the pool are not subtracted */
	values[ST_UNLABELED] = Int64GetDatum(pool.rows - pool.labeled);
	values[ST_LEASED] = Int64GetDatum(c.leased);
	values[ST_WAITING] = Int64GetDatum(c.waiting);
	values[ST_UNUSABLE] = Int32GetDatum(c.unusable);
	nulls[ST_UNUSABLE] = !c.has_unusable;
	values[ST_RETRAIN_EVERY] = Int32GetDatum(l->options.retrain_every);
	values[ST_VERSION] = Int32GetDatum(l->model_version);
	nulls[ST_VERSION] = (l->model_version == 0);
	values[ST_TRAINED_AT] = TimestampTzGetDatum(l->published_at);
	nulls[ST_TRAINED_AT] = (l->published_at == 0);
	values[ST_ACCURACY] = Float8GetDatum(c.accuracy);
	nulls[ST_ACCURACY] = !c.has_accuracy;
	values[ST_PHASE] = CStringGetTextDatum(phase ? phase : "idle");
	values[ST_SUGGESTED_STOP] = BoolGetDatum(stop);
	values[ST_STOP_REASON] = CStringGetTextDatum(stop ?
												 psprintf("predictions on the stop set stable: kappa >= %g over the last %d versions",
														  STOP_KAPPA, STOP_WINDOW) :
												 psprintf("%d of the last %d versions had kappa >= %g against their predecessor",
														  c.stable, STOP_WINDOW, STOP_KAPPA));
	values[ST_PROBLEM] = pool.problem ? CStringGetTextDatum(pool.problem) : (Datum) 0;
	nulls[ST_PROBLEM] = (pool.problem == NULL);
}

/*
 * al.learner_status_rows() -> setof record: the rows of al.learner_status
 * for every learner the caller may view, by name.
 */
Datum
al_learner_status_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext row_cxt;
	int64	   *ids;
	uint64		n,
				i;

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	learner_store_exec("SELECT id FROM al.learner_store ORDER BY name", 0, NULL, NULL, true, 0);
	n = SPI_processed;
	ids = (int64 *) palloc(sizeof(int64) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		bool		isnull;

		ids[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
	}
	row_cxt = AllocSetContextCreate(CurrentMemoryContext, "al_ext status row", ALLOCSET_DEFAULT_SIZES);
	for (i = 0; i < n; i++)
	{
		MemoryContext old = MemoryContextSwitchTo(row_cxt);
		Learner    *l = learner_get_by_id(ids[i]);
		Datum		values[ST_COLUMNS];
		bool		nulls[ST_COLUMNS];

		if (l != NULL && learner_has_right(l, LEARNER_VIEW))
		{
			status_row(l, values, nulls);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		MemoryContextSwitchTo(old);
		MemoryContextReset(row_cxt);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_finish();
	return (Datum) 0;
}
