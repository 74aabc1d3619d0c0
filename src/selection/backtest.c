/*
 * backtest.c - al.backtest: replay the active-learning loop on a labeled
 * table for several strategies, batch sizes and seeds, returning the
 * learning curves as rows.  The replay itself is plain C
 * (src/core/backtest_replay.c); this file checks the arguments, reads the
 * table as the caller (model_read_rows: locked, columns checked under the
 * lock, al_become_caller), bounds its memory by
 * al_ext.selection_max_memory, and turns the curves into a result set.
 * See doc/selection.md, "Backtest".
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "al_ext.h"
#include "backtest_replay.h"
#include "eer_glue.h"
#include "model.h"
#include "select_glue.h"
#include "sql_args.h"

/* Bytes a table row takes in memory: its copy plus one replay's buffers. */
#define BT_ROW_FEATURE_BYTES 8
#define BT_ROW_CLASS_BYTES 4
#define BT_ROW_FIXED_BYTES 128
/* At most this many seeds, strategies x batch sizes (a result's size). */
#define BT_MAX_SEEDS 10000
#define BT_MAX_BATCHES 1000

/* The arguments of a backtest, checked. */
typedef struct BtArgs
{
	int			nstrategies;
	int		   *strategies;		/* indexes in the strategy table */
	int			nbatches;
	int		   *batches;
	int			nseeds;
	int64	   *seeds;
	int			budget;			/* -1: the whole pool */
	int			initial;
	double		holdout;
	double		class_cap;
	al_bt_eer	eer;			/* strategy eer's options */
	al_softmax_options model;
} BtArgs;

/* Where a replay's rows go. */
typedef struct BtEmit
{
	ReturnSetInfo *rsinfo;
	const char *strategy;
	int			batch;
	int64		seed;
	double		full_accuracy;
	const int64 *ids;			/* data row -> id */
} BtEmit;

PG_FUNCTION_INFO_V1(al_backtest);

/* palloc for the core (huge allocations allowed). */
static void *
bt_alloc(size_t size)
{
	return MemoryContextAllocHuge(CurrentMemoryContext, size);
}

/* pfree for the core. */
static void
bt_free(void *ptr)
{
	pfree(ptr);
}

/* Cancellation between rounds and inside the kernels. */
static int
bt_tick(void *arg)
{
	CHECK_FOR_INTERRUPTS();
	return 0;
}

/* Cancellation inside the trainer. */
static int
bt_progress(void *arg, int iter, double f, double gnorm)
{
	CHECK_FOR_INTERRUPTS();
	return 0;
}

/* The bytes a row of d features and k classes takes. */
static int64
bt_row_bytes(int d, int k)
{
	return (int64) BT_ROW_FEATURE_BYTES * d + (int64) BT_ROW_CLASS_BYTES * k + BT_ROW_FIXED_BYTES;
}

/* The most rows al_ext.selection_max_memory allows. */
static int64
bt_max_rows(int d, int k)
{
	return sel_max_memory_bytes() / bt_row_bytes(d, k);
}

/* ERROR (53400): the table needs more than al_ext.selection_max_memory. */
static void
bt_refuse(int64 max_rows, int d, int k)
{
	ereport(ERROR,
			(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
			 errmsg("al.backtest needs more than al_ext.selection_max_memory (%s) for its rows",
					GetConfigOptionByName("al_ext.selection_max_memory", NULL, false)),
			 errdetail("A row of %d features and %d classes takes about " INT64_FORMAT
					   " bytes; " INT64_FORMAT " rows fit.", d, k, bt_row_bytes(d, k), max_rows),
			 errhint("Backtest on a sample of the table (a view with TABLESAMPLE or LIMIT) or raise al_ext.selection_max_memory.")));
	pg_unreachable();
}

static const TrainReadLimit bt_limit = {bt_max_rows, bt_refuse};

/* The elements of an array argument: one-dimensional, not empty, without NULLs. */
static void
bt_array(FunctionCallInfo fcinfo, int arg, const char *what, Oid elemtype,
		 Datum **elems, int *n)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(arg);
	bool	   *nulls;
	int16		typlen;
	bool		byval;
	char		align;
	int			i;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be one-dimensional, not %d-dimensional", what, ARR_NDIM(a))));
	get_typlenbyvalalign(elemtype, &typlen, &byval, &align);
	deconstruct_array(a, elemtype, typlen, byval, align, elems, &nulls, n);
	if (*n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be empty", what)));
	for (i = 0; i < *n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", what)));
}

/* The strategies argument: known names. */
static void
bt_strategies(FunctionCallInfo fcinfo, BtArgs *a)
{
	Datum	   *e;
	int			i;

	bt_array(fcinfo, 4, "strategies", TEXTOID, &e, &a->nstrategies);
	if (a->nstrategies > BT_MAX_BATCHES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("at most %d strategies are supported", BT_MAX_BATCHES)));
	a->strategies = palloc(sizeof(int) * a->nstrategies);
	for (i = 0; i < a->nstrategies; i++)
	{
		char	   *name = TextDatumGetCString(e[i]);
		StringInfoData known;
		int			j;

		a->strategies[i] = al_bt_strategy_find(name);
		if (a->strategies[i] >= 0)
			continue;
		initStringInfo(&known);
		for (j = 0; j < al_bt_strategy_count(); j++)
			appendStringInfo(&known, "%s%s", j ? ", " : "", al_bt_strategy_name(j));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown strategy \"%s\"", name),
				 errhint("Known strategies: %s.", known.data)));
	}
}

/* The batch sizes and seeds arguments. */
static void
bt_batches_and_seeds(FunctionCallInfo fcinfo, BtArgs *a)
{
	Datum	   *e;
	int			i;

	bt_array(fcinfo, 5, "batch_sizes", INT4OID, &e, &a->nbatches);
	if (a->nbatches > BT_MAX_BATCHES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("at most %d batch sizes are supported", BT_MAX_BATCHES)));
	a->batches = palloc(sizeof(int) * a->nbatches);
	for (i = 0; i < a->nbatches; i++)
	{
		a->batches[i] = DatumGetInt32(e[i]);
		if (a->batches[i] < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("batch size must be at least 1: %d", a->batches[i])));
	}
	bt_array(fcinfo, 8, "seeds", INT8OID, &e, &a->nseeds);
	if (a->nseeds > BT_MAX_SEEDS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("at most %d seeds are supported", BT_MAX_SEEDS)));
	a->seeds = palloc(sizeof(int64) * a->nseeds);
	for (i = 0; i < a->nseeds; i++)
		a->seeds[i] = DatumGetInt64(e[i]);
}

/* One option of the options object. */
static void
bt_option(void *ctx, const char *key, JsonbValue *v)
{
	BtArgs	   *a = ctx;

	if (strcmp(key, "c") == 0)
	{
		a->model.c = al_option_number(key, v);
		if (!(a->model.c > 0 && isfinite(a->model.c)))
			al_bad_option(key, "must be a finite number > 0");
	}
	else if (strcmp(key, "max_iter") == 0)
		a->model.max_iter = (int) al_option_integer(key, v, 1, 100000);
	else if (strcmp(key, "tol") == 0)
	{
		a->model.tol = al_option_number(key, v);
		if (!(a->model.tol > 0 && isfinite(a->model.tol)))
			al_bad_option(key, "must be a finite number > 0");
	}
	else if (strcmp(key, "eer_candidates") == 0)
		a->eer.candidates = (int) al_option_integer(key, v, 1, AL_EER_MAX_CANDIDATES);
	else if (strcmp(key, "eer_sample") == 0)
		a->eer.sample = (int) al_option_integer(key, v, 1, AL_EER_MAX_SAMPLE);
	else if (strcmp(key, "eer_steps") == 0)
		a->eer.steps = (int) al_option_integer(key, v, 1, AL_EER_MAX_STEPS);
	else if (strcmp(key, "eer_loss") == 0)
		a->eer.loss = eer_loss_option(key, v);
	else if (strcmp(key, "class_cap") == 0)
	{
		a->class_cap = al_option_number(key, v);
		if (!(a->class_cap > 0 && a->class_cap <= 1))
			al_bad_option(key, "must be in (0, 1]");
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown option \"%s\"", key),
				 errhint("Options of al.backtest: c, max_iter, tol, class_cap, eer_candidates, eer_sample, eer_steps, eer_loss.")));
}

/* Check every argument (before the table is read). */
static void
bt_args(FunctionCallInfo fcinfo, BtArgs *a)
{
	static const char *const names[] = {"data", "id", "features", "label", "strategies",
	"batch_sizes", NULL, "initial", "seeds", "holdout", "options"};
	int			i;

	for (i = 0; i < lengthof(names); i++)
		if (names[i] != NULL)
			al_require_arg(fcinfo, i, names[i]);
	bt_strategies(fcinfo, a);
	bt_batches_and_seeds(fcinfo, a);
	a->budget = PG_ARGISNULL(6) ? -1 : PG_GETARG_INT32(6);
	a->initial = PG_GETARG_INT32(7);
	a->holdout = PG_GETARG_FLOAT8(9);
	if (a->initial < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("initial must be at least 1: %d", a->initial)));
	if (a->budget != -1 && a->budget < a->initial)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("budget %d is below initial %d", a->budget, a->initial)));
	if (!(a->holdout > 0 && a->holdout < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("holdout must be in (0, 1): %s", float8out_internal(a->holdout))));
	al_softmax_options_init(&a->model);
	a->class_cap = 0.5;
	al_bt_eer_init(&a->eer);
	al_options_foreach(PG_GETARG_JSONB_P(10), bt_option, a);
	a->model.alloc_fn = bt_alloc;
	a->model.free_fn = bt_free;
	a->model.progress = bt_progress;
}

/* qsort_arg comparator of row numbers by their id. */
static int
bt_cmp_ids(const void *a, const void *b, void *arg)
{
	const int64 *ids = arg;
	int64		x = ids[*(const int *) a],
				y = ids[*(const int *) b];

	return (x > y) - (x < y);
}

/* Sort the rows by id (x, y and ids together); ERROR on a repeated id. */
static void
bt_sort_by_id(TrainData *t, const char *relname)
{
	int		   *perm = palloc(sizeof(int) * Max(t->n, 1));
	float	   *x = palloc_extended(sizeof(float) * Max((Size) t->n * t->d, 1), MCXT_ALLOC_HUGE);
	int		   *y = palloc(sizeof(int) * Max(t->n, 1));
	int64	   *ids = palloc(sizeof(int64) * Max(t->n, 1));
	int			i;

	for (i = 0; i < t->n; i++)
		perm[i] = i;
	qsort_arg(perm, t->n, sizeof(int), bt_cmp_ids, t->ids);
	for (i = 0; i < t->n; i++)
	{
		memcpy(x + (Size) i * t->d, t->x + (Size) perm[i] * t->d, sizeof(float) * t->d);
		y[i] = t->y[perm[i]];
		ids[i] = t->ids[perm[i]];
		if (i > 0 && ids[i] == ids[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_CARDINALITY_VIOLATION),
					 errmsg("id " INT64_FORMAT " occurs more than once in %s", ids[i], relname)));
	}
	pfree(t->x);
	t->x = x;
	t->y = y;
	t->ids = ids;
}

/* emit callback of the replay: one result row. */
static void
bt_emit(void *arg, int round, int labels, double accuracy, const int *picked, int npicked)
{
	BtEmit	   *e = arg;
	Datum		values[8];
	bool		nulls[8] = {false, false, false, false, false, false, false, false};
	Datum	   *ids = palloc(sizeof(Datum) * Max(npicked, 1));
	int			i;

	for (i = 0; i < npicked; i++)
		ids[i] = Int64GetDatum(e->ids[picked[i]]);
	values[0] = CStringGetTextDatum(e->strategy);
	values[1] = Int32GetDatum(e->batch);
	values[2] = Int64GetDatum(e->seed);
	values[3] = Int32GetDatum(round);
	values[4] = Int32GetDatum(labels);
	values[5] = Float8GetDatum(accuracy);
	values[6] = Float8GetDatum(e->full_accuracy);
	values[7] = PointerGetDatum(construct_array(ids, npicked, INT8OID, sizeof(int64),
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	tuplestore_putvalues(e->rsinfo->setResult, e->rsinfo->setDesc, values, nulls);
}

/* ERROR for a replay status (the arguments were checked before). */
static void
bt_fail(al_bt_status st, const al_bt_error *err, const BtArgs *a, const al_bt_split *split,
		int n)
{
	if (st == AL_BT_BAD_BUDGET)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("budget %d exceeds the %d rows of the pool", a->budget, split->n_pool),
				 errdetail("The pool is the %d rows not held out (holdout %s of %d rows).",
						   split->n_pool, float8out_internal(a->holdout), n)));
	if (st == AL_BT_BAD_INITIAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("initial %d exceeds the %d rows of the pool", a->initial, split->n_pool)));
	if (st == AL_BT_EMPTY_PART)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("holdout %s of %d rows leaves no row to %s", float8out_internal(a->holdout),
						n, split->n_hold == 0 ? "evaluate on" : "label")));
	if (st == AL_BT_MODEL)
		elog(ERROR, "al.backtest: %s", al_sm_status_message(err->sm_status));
	if (st == AL_BT_SELECT && err->sel_status == AL_SEL_X_TOO_LARGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("al.backtest: %s", al_sel_status_message(err->sel_status)),
				 errdetail("The strategy measures distances between rows: the sum of the squares of a row's features must be at most %g.",
						   AL_SEL_MAX_SQNORM),
				 errhint("Scale the features down.")));
	if (st == AL_BT_SELECT)
		elog(ERROR, "al.backtest: %s", al_sel_status_message(err->sel_status));
	if (st == AL_BT_EER && err->eer_status == AL_EER_NUMERIC)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("al.backtest: %s", al_eer_status_message(err->eer_status)),
				 errhint("Scale the features down.")));
	if (st == AL_BT_EER)
		elog(ERROR, "al.backtest: %s", al_eer_status_message(err->eer_status));
	elog(ERROR, "al.backtest: %s", al_bt_status_message(st));
}

/* Every (strategy, batch size) replay of one seed, into the result. */
static void
bt_run_seed(const BtArgs *a, const al_bt_data *data, const TrainData *t, int64 seed,
			ReturnSetInfo *rsinfo, MemoryContext replay_cxt)
{
	al_bt_split split;
	al_bt_error err;
	al_bt_status st;
	int			i,
				j;

	split.pool = palloc(sizeof(int) * data->n);
	split.hold = palloc(sizeof(int) * data->n);
	st = al_bt_split_data(data, a->holdout, (uint64) seed, &a->model, &split, &err);
	if (st != AL_BT_OK)
		bt_fail(st, &err, a, &split, data->n);
	for (i = 0; i < a->nstrategies; i++)
		for (j = 0; j < a->nbatches; j++)
		{
			MemoryContext old = MemoryContextSwitchTo(replay_cxt);
			BtEmit		e = {rsinfo, al_bt_strategy_name(a->strategies[i]), a->batches[j], seed,
			split.full_accuracy, t->ids};
			al_bt_params p = {0};

			p.strategy = a->strategies[i];
			p.batch = a->batches[j];
			p.initial = a->initial;
			p.budget = a->budget < 0 ? split.n_pool : a->budget;
			p.seed = (uint64) seed;
			p.class_cap = a->class_cap;
			p.eer = a->eer;
			p.model = &a->model;
			p.tick = bt_tick;
			elog(DEBUG1, "al.backtest: replaying %s, batch %d, seed " INT64_FORMAT,
				 e.strategy, e.batch, seed);
			st = al_bt_replay(data, &split, &p, bt_emit, &e, &err);
			if (st != AL_BT_OK)
				bt_fail(st, &err, a, &split, data->n);
			MemoryContextSwitchTo(old);
			MemoryContextReset(replay_cxt);
		}
	pfree(split.pool);
	pfree(split.hold);
}

/*
 * al.backtest(data, id, features, label, strategies, batch_sizes, budget,
 * initial, seeds, holdout, options): the learning curves of every
 * (strategy, batch size, seed) replayed on the labeled rows of data.
 */
Datum
al_backtest(PG_FUNCTION_ARGS)
{
	BtArgs		a = {0};
	TrainData	t = {0};
	al_bt_data	data;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext replay_cxt;
	char	   *relname;
	int			i;

	bt_args(fcinfo, &a);
	InitMaterializedSRF(fcinfo, 0);
	al_blas_ensure();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	model_read_rows(PG_GETARG_OID(0), NameStr(*PG_GETARG_NAME(1)), NameStr(*PG_GETARG_NAME(2)),
					NameStr(*PG_GETARG_NAME(3)), &bt_limit, &t);
	relname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(PG_GETARG_OID(0))),
										 get_rel_name(PG_GETARG_OID(0)));
	bt_sort_by_id(&t, relname);
	data.x = t.x;
	data.y = t.y;
	data.n = t.n;
	data.d = t.d;
	data.k = t.k;
	replay_cxt = AllocSetContextCreate(CurrentMemoryContext, "al.backtest replay",
									   ALLOCSET_DEFAULT_SIZES);
	for (i = 0; i < a.nseeds; i++)
		bt_run_seed(&a, &data, &t, a.seeds[i], rsinfo, replay_cxt);
	MemoryContextDelete(replay_cxt);
	SPI_finish();
	return (Datum) 0;
}
