/*
 * learner_status.c - al.learner_status_rows(), the rows of the view
 * al.learner_status: one per learner the caller may view.
 *
 * Reading the view never reads a pool: the pool's code would run in the
 * reader's session (even as the pool's owner it could act on that session,
 * such as releasing its advisory locks, and the count would leave the
 * reader's transaction holding a lock on the pool).  pool_size and
 * unlabeled are what the learner's last round counted (counted_at); what
 * keeps the rounds from reading the pool is found from the catalog alone
 * (`problem`).  The worker's phase comes from the backend status array, so
 * reading it needs no statistics privilege and shows only learners the
 * caller may view.  worker_running says whether an al_ext worker serves
 * the database at all (learner_worker_running), and oldest_waiting_label_age
 * how long the oldest label or withdrawal has waited for a retrain.
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
#include "utils/datum.h"
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
	ST_PHASE, ST_SUGGESTED_STOP, ST_STOP_REASON, ST_PROBLEM, ST_COUNTED_AT,
	ST_WORKER_RUNNING, ST_OLDEST_WAITING, ST_EVAL_ACCURACY, ST_COLUMNS
};

/*
 * What keeps the learner's rounds from reading its pool, from the catalog
 * alone (the pool gone, a column dropped or retyped, the label column
 * gone, the owner no longer allowed to read them), or NULL.  Reading al.learner_status never runs a
 * pool's code nor locks a pool: the counts it shows were taken by the
 * learner's last round.  SPI connected.
 */
static char *
pool_problem(Learner *l)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	char	   *volatile problem = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		PoolColumns cols;

		(void) learner_pool_name(l);
		pool_columns(l->pool, l->id_column, l->features_column, l->name, &cols);
		external_check_column(l->name, l->features_column, cols.features_type, l->strategy,
							  l->options.predictions);
		learner_check_pool_reader(l, l->owner, &cols);
		if (l->options.label_column[0] != '\0')
			learner_check_label_column(l->pool, l->options.label_column, l->name, l->owner);
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
			ReThrowError(edata);
		problem = edata->message;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	return problem;
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
	int64		labeled;
	bool		counted;		/* a round counted the pool: */
	int64		pool_rows;		/* its rows then */
	bool		ranked;			/* a ranking exists (a model): */
	int64		ranked_rows;	/* the unlabeled rows it ranked */
	TimestampTz counted_at;
	int64		leased;
	int64		waiting;
	bool		has_accuracy;
	double		accuracy;		/* on the held-out chosen labels */
	bool		has_eval_accuracy;
	double		eval_accuracy;	/* on the evaluation set */
	bool		has_unusable;
	int32		unusable;		/* of the latest version's training */
	int32		curve_version;	/* the latest version on the curve (0: none) */
	Datum		stop_rules;		/* text[]: the stopping rules that fired at it */
	bool		has_oldest_waiting;
	Datum		oldest_waiting;	/* interval: how long the oldest waiting change has waited */
} LearnerCounts;

/* Read a learner's label, lease and curve counts.  SPI connected. */
static LearnerCounts
learner_counts(const Learner *l)
{
	static const char *sql =
		"SELECT (SELECT pg_catalog.count(DISTINCT b.item_id) FROM al.labels b WHERE b.learner_id OPERATOR(pg_catalog.=) $1), "
		" (SELECT r.pool_rows FROM al.ranking_state r WHERE r.learner_id OPERATOR(pg_catalog.=) $1), "
		" (SELECT r.ranked_rows FROM al.ranking_state r WHERE r.learner_id OPERATOR(pg_catalog.=) $1 "
		"  AND r.model_version OPERATOR(pg_catalog.>) 0), "
		" (SELECT r.ranked_at FROM al.ranking_state r WHERE r.learner_id OPERATOR(pg_catalog.=) $1), "
		" (SELECT c.labels_unusable FROM al.curve_store c WHERE c.learner_id OPERATOR(pg_catalog.=) $1 "
		"  ORDER BY c.model_version DESC LIMIT 1), "
		" (SELECT pg_catalog.count(*) FROM al.leases x WHERE x.learner_id OPERATOR(pg_catalog.=) $1 "
		"  AND x.expires_at OPERATOR(pg_catalog.>) pg_catalog.now()), "
		" (SELECT pg_catalog.count(*) FROM al.labels b WHERE b.learner_id OPERATOR(pg_catalog.=) $1 "
		"  AND b.trained_in IS NULL) OPERATOR(pg_catalog.+) "
		" (SELECT pg_catalog.count(*) FROM al.withdrawn_labels w WHERE w.learner_id OPERATOR(pg_catalog.=) $1 "
		"  AND w.retrained_in IS NULL), "
		" (SELECT c.holdout_accuracy FROM al.curve_store c WHERE c.learner_id OPERATOR(pg_catalog.=) $1 "
		"  ORDER BY c.model_version DESC LIMIT 1), "
		" (SELECT c.model_version FROM al.curve_store c WHERE c.learner_id OPERATOR(pg_catalog.=) $1 "
		"  ORDER BY c.model_version DESC LIMIT 1), "
		" (SELECT c.stop_rules FROM al.curve_store c WHERE c.learner_id OPERATOR(pg_catalog.=) $1 "
		"  ORDER BY c.model_version DESC LIMIT 1), "
		" pg_catalog.now() OPERATOR(pg_catalog.-) LEAST("
		"  (SELECT pg_catalog.min(b.labeled_at) FROM al.labels b WHERE b.learner_id OPERATOR(pg_catalog.=) $1 "
		"   AND b.trained_in IS NULL), "
		"  (SELECT pg_catalog.min(w.withdrawn_at) FROM al.withdrawn_labels w "
		"   WHERE w.learner_id OPERATOR(pg_catalog.=) $1 AND w.retrained_in IS NULL)), "
		" (SELECT c.eval_accuracy FROM al.curve_store c WHERE c.learner_id OPERATOR(pg_catalog.=) $1 "
		"  ORDER BY c.model_version DESC LIMIT 1)";
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	HeapTuple	tup;
	TupleDesc	desc;
	LearnerCounts c;
	bool		isnull;

	learner_store_exec(sql, 1, &type, &arg, true, 1);
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	c.labeled = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
	c.pool_rows = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
	c.counted = !isnull;
	c.ranked_rows = DatumGetInt64(SPI_getbinval(tup, desc, 3, &isnull));
	c.ranked = !isnull;
	c.counted_at = DatumGetTimestampTz(SPI_getbinval(tup, desc, 4, &isnull));
	c.unusable = DatumGetInt32(SPI_getbinval(tup, desc, 5, &isnull));
	c.has_unusable = !isnull;
	c.leased = DatumGetInt64(SPI_getbinval(tup, desc, 6, &isnull));
	c.waiting = DatumGetInt64(SPI_getbinval(tup, desc, 7, &isnull));
	c.accuracy = DatumGetFloat8(SPI_getbinval(tup, desc, 8, &isnull));
	c.has_accuracy = !isnull;
	c.curve_version = DatumGetInt32(SPI_getbinval(tup, desc, 9, &isnull));
	if (isnull)
		c.curve_version = 0;
	c.stop_rules = SPI_getbinval(tup, desc, 10, &isnull);
	c.stop_rules = isnull ? (Datum) 0 : datumCopy(c.stop_rules, false, -1);
	c.oldest_waiting = SPI_getbinval(tup, desc, 11, &isnull);
	c.has_oldest_waiting = !isnull;
	if (!isnull)
		c.oldest_waiting = datumCopy(c.oldest_waiting, false, sizeof(Interval));
	c.eval_accuracy = DatumGetFloat8(SPI_getbinval(tup, desc, 12, &isnull));
	c.has_eval_accuracy = !isnull;
	return c;
}

/* A stopping rule's name with its parameters (as configured now), for stop_reason. */
static char *
stop_rule_text(const Learner *l, const char *rule)
{
	const LearnerOptions *o = &l->options;

	if (strcmp(rule, "stabilizing_predictions") == 0)
		return psprintf("%s (kappa >= %g on the stop set for the last %d version%s)", rule,
						o->stop_kappa, o->stop_window, o->stop_window == 1 ? "" : "s");
	if (strcmp(rule, "label_budget") == 0)
		return psprintf("%s (%d labeled items)", rule, o->label_budget);
	if (strcmp(rule, "overall_uncertainty") == 0)
		return psprintf("%s (mean normalized entropy on the stop set below %g)", rule,
						o->stop_uncertainty);
	if (strcmp(rule, "accuracy_plateau") == 0)
		return psprintf("%s (evaluation accuracy gained less than %g over the last %d version%s)", rule,
						o->stop_plateau, o->stop_window, o->stop_window == 1 ? "" : "s");
	return pstrdup(rule);
}

/*
 * stop_reason: the rules that fired at the latest version, with their
 * parameters, or that none did; *fired: whether one did.
 */
static char *
stop_reason(const Learner *l, const LearnerCounts *c, bool *fired)
{
	StringInfoData buf;
	Datum	   *rules;
	int			n = 0,
				i;

	*fired = false;
	if (c->curve_version == 0)
		return pstrdup("no model version yet");
	if (c->stop_rules != (Datum) 0)
		deconstruct_array(DatumGetArrayTypeP(c->stop_rules), TEXTOID, -1, false, TYPALIGN_INT,
						  &rules, NULL, &n);
	if (n == 0)
		return psprintf("no stopping rule fired at version %d", c->curve_version);
	*fired = true;
	initStringInfo(&buf);
	appendStringInfo(&buf, "fired at version %d: ", c->curve_version);
	for (i = 0; i < n; i++)
		appendStringInfo(&buf, "%s%s", i ? "; " : "", stop_rule_text(l, TextDatumGetCString(rules[i])));
	return buf.data;
}

/* Fill values/nulls with the status row of learner l. */
static void
status_row(Learner *l, Datum *values, bool *nulls)
{
	LearnerCounts c = learner_counts(l);
	char	   *problem = pool_problem(l);
	char	   *phase = worker_phase(l->id);
	bool		stop;
	char	   *reason = stop_reason(l, &c, &stop);

	memset(nulls, 0, sizeof(bool) * ST_COLUMNS);
	values[ST_LEARNER] = CStringGetTextDatum(l->name);
	values[ST_STRATEGY] = CStringGetTextDatum(l->strategy);
	/* pool counts as of the last ranking (counted_at) */
	values[ST_POOL_SIZE] = Int64GetDatum(c.pool_rows);
	values[ST_UNLABELED] = Int64GetDatum(c.ranked_rows);
	values[ST_COUNTED_AT] = TimestampTzGetDatum(c.counted_at);
	nulls[ST_POOL_SIZE] = nulls[ST_COUNTED_AT] = !c.counted;
	/* before the first model nothing tells which labeled items are in the pool */
	nulls[ST_UNLABELED] = !c.ranked;
	values[ST_LABELED] = Int64GetDatum(c.labeled);
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
	values[ST_STOP_REASON] = CStringGetTextDatum(reason);
	values[ST_PROBLEM] = problem ? CStringGetTextDatum(problem) : (Datum) 0;
	nulls[ST_PROBLEM] = (problem == NULL);
	values[ST_WORKER_RUNNING] = BoolGetDatum(learner_worker_running());
	values[ST_OLDEST_WAITING] = c.oldest_waiting;
	nulls[ST_OLDEST_WAITING] = !c.has_oldest_waiting;
	values[ST_EVAL_ACCURACY] = Float8GetDatum(c.eval_accuracy);
	nulls[ST_EVAL_ACCURACY] = !c.has_eval_accuracy;
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
