/*
 * batch.c - al.next_batch and al.release: leased batches of items for
 * annotators.
 *
 * A batch is the first items of the published ranking still open to the
 * annotator, the selector's ranks first, then by score (or, before the
 * first model, a seeded random sample of the pool), leased to the
 * annotator.  An item is open to an annotator who has neither labeled it
 * nor holds it, while it has no adjudication and fewer than overlap labels
 * and live leases together (option overlap, 1 by default: an item nobody
 * labeled or holds).  Several annotators take batches at once: each item
 * is claimed before it is handed out and checked again with a fresh
 * snapshot once claimed (batch_lock.c), so that count cannot be overtaken;
 * the lease key (learner, item, annotator) keeps one lease per annotator
 * and item.  An adjudicator gets the learner's disagreements first
 * (overlap.c), then the evaluation sample's share (eval_set.c), then the
 * ranking (or, before it, the cold start: cold_start.c).
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "al_ext.h"
#include "batch.h"
#include "batch_lock.h"
#include "item_probe.h"
#include "eval_set.h"
#include "identity.h"
#include "learner_acl.h"
#include "locks.h"
#include "overlap.h"
#include "probvec.h"
#include "sql_args.h"

PG_FUNCTION_INFO_V1(al_next_batch);
PG_FUNCTION_INFO_V1(al_release);

/*
 * Rounds of choosing, claiming and checking again before a batch settles
 * for fewer items.  A pass repeats only when other batches took what it
 * chose (they committed between its read and its claims) or held it: on a
 * busy machine a batch can lose that race several times in a row (with 4,
 * a batch of 5 among 4 annotators labeling as fast as they could came back
 * empty, which reads as "nothing left to label").
 */
#define BATCH_PASSES 32
/*
 * The same once a pass read beyond the hot rows (a scan and sort of the
 * ranking) or the cold start's sample of the pool: each such pass costs
 * about a second on a million rows, and 64 annotators past the hot rows
 * kept losing their races for minutes.
 */
#define BATCH_PASSES_COSTLY 4
/* The most extra candidates a pass reads (doubled after each lost race). */
#define BATCH_SLACK_MAX 100000


/*
 * Choose item for the batch if it is new to it and, for a small batch, not
 * claimed by another open batch (then counted as skipped).  The row shown
 * for it (values, nulls: id, score, predicted, probs) waits in b->rows.
 */
bool
batch_take(Batch *b, const char *item, char kind, Datum *values, bool *nulls)
{
	MemoryContext old;

	if (b->n >= b->k || item_map_find(b->chosen, item) >= 0)
		return false;
	if (b->claim && !batch_claim_item(b->l, item))
	{
		b->skipped++;
		return false;
	}
	old = MemoryContextSwitchTo(b->keep);
	if (b->pos == b->cap)
	{
		b->cap *= 2;
		b->items = (char **) repalloc(b->items, sizeof(char *) * b->cap);
		b->kinds = (char *) repalloc(b->kinds, b->cap);
		b->alive = (bool *) repalloc(b->alive, sizeof(bool) * b->cap);
	}
	b->items[b->pos] = pstrdup(item);
	b->kinds[b->pos] = kind;
	b->alive[b->pos] = true;
	item_map_add(b->chosen, item, b->pos);
	values[0] = CStringGetTextDatum(item);
	nulls[0] = false;
	tuplestore_putvalues(b->rows, b->desc, values, nulls);
	pfree(DatumGetPointer(values[0]));
	MemoryContextSwitchTo(old);
	b->pos++;
	b->n++;
	return true;
}

/* Choose item unscored (a cold start, evaluation or adjudication item). */
bool
batch_take_unscored(Batch *b, const char *item, char kind)
{
	Datum		values[4] = {0, 0, 0, 0};
	bool		nulls[4] = {false, true, true, true};

	return batch_take(b, item, kind, values, nulls);
}

/* Choose the first of the n candidate ids (in order) until the batch has want of kind. */
void
batch_take_list(Batch *b, char **ids, int n, char kind, int want)
{
	for (int i = 0; i < n && want > 0 && b->n < b->k; i++)
		if (batch_take_unscored(b, ids[i], kind))
			want--;
}

/* How many alive items of kind the batch holds. */
int
batch_count(const Batch *b, char kind)
{
	int			c = 0;

	for (int i = 0; i < b->pos; i++)
		c += (b->alive[i] && b->kinds[i] == kind);
	return c;
}

/*
 * The ranking of the learner's published model to take batches from, as a
 * number that changes with every round that publishes one (its
 * al.ranking_state row is rewritten: the version's xmin and ctid, as two
 * rounds in one transaction share the xmin), or 0: none before
 * the first model (cold start), nor after a restore until the next round
 * rebuilds it (al.ranking_state is not dumped): then the batch is the cold
 * start's seeded sample rather than nothing.
 */
static int64
ranking_generation(const Learner *l)
{
	static SPIPlanPtr plan = NULL;
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	bool		isnull;

	if (l->model_id == 0 && !(l->options.predictions && l->model_version > 0))
		return 0;
	learner_store_exec_kept(&plan, "SELECT (r.xmin::pg_catalog.text::pg_catalog.int8 << 32) "
							"+ ((r.ctid::pg_catalog.text::pg_catalog.point)[0]::pg_catalog.int8 << 16) "
							"+ (r.ctid::pg_catalog.text::pg_catalog.point)[1]::pg_catalog.int8 + 1 "
							"FROM al.ranking_state r "
							"WHERE r.learner_id = $1 "
							"AND r.model_version = (SELECT s.model_version FROM al.learner_store s "
							"                       WHERE s.id = $1)", 1, &type, &arg, true, 1);
	if (SPI_processed == 0)
		return 0;
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * Check the items chosen since the last check again, now that they are
 * claimed (a fresh snapshot sees every batch that took them before): those
 * no longer open to the annotator are not alive.  Returns how many were
 * dropped.
 */
static int
batch_check(Batch *b)
{
	int			m = b->pos - b->checked;
	bool	   *open = (bool *) palloc(sizeof(bool) * Max(m, 1));
	int			dropped = 0;

	open_items(b, b->items + b->checked, b->kinds + b->checked, m, open);
	for (int i = 0; i < m; i++)
		if (!open[i])
		{
			b->alive[b->checked + i] = false;
			b->n--;
			dropped++;
		}
	b->checked = b->pos;
	return dropped;
}

/* The number of elements of a text[] datum. */
static int
cardinality_of(Datum a)
{
	ArrayType  *arr = DatumGetArrayTypeP(a);

	return ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
}

/*
 * One pass of choosing: an adjudicator's disagreements first (they are
 * open to no annotator), then the evaluation sample's share, then the
 * ranking (or the cold start); then the check of what it chose.  Returns
 * whether another pass could find more.
 */
static bool
batch_pass(Batch *b, bool adjudicator, Datum eval, ItemMap *eval_map)
{
	b->skipped = 0;
	if (adjudicator)
		take_disagreements(b);
	/* the sample's share of what the disagreements left, once */
	if (b->eval_want < 0)
		b->eval_want = (b->n < b->k && cardinality_of(eval) > 0 && b->l->options.eval_rate > 0) ?
			eval_share(b->l, eval, b->k - b->n) : 0;
	if (b->n < b->k && b->eval_want > 0)
		take_eval(b, eval, b->eval_want);
	if (b->n < b->k)
	{
		b->ranking_gen = ranking_generation(b->l);
		if (b->ranking_gen != 0)
			take_ranked(b, eval_map);
		else
		{
			b->costly = true;
			take_cold_start(b);
		}
	}
	if (batch_check(b) == 0 && b->skipped == 0)
		return false;
	/* items were taken meanwhile: read further next time */
	b->slack = Min(Max(2 * b->slack, b->k + b->skipped), BATCH_SLACK_MAX);
	return b->n < b->k;
}

/*
 * Lease the items to annotator; returns how many were leased (all, normally).
 * A lease runs for the learner's option lease from when the batch is handed
 * out (clock_timestamp): from the transaction's start (now()), a batch taken
 * late in a long transaction came with leases that were over or nearly so,
 * and the hints' end (batch_sources.c) could not bound them.
 */
static int
lease_items(const Learner *l, char **items, int n, const char *annotator)
{
	static const char *sql =
		"INSERT INTO al.leases (learner_id, item_id, annotator, expires_at) "
		"SELECT $1, pg_catalog.unnest($2::pg_catalog.text[]), $3, pg_catalog.clock_timestamp() + $4::pg_catalog.interval "
		"ON CONFLICT (learner_id, (al.item_key(item_id)), annotator) DO UPDATE "
		"SET leased_at = pg_catalog.now(), expires_at = EXCLUDED.expires_at "
		"WHERE al.leases.expires_at <= pg_catalog.now()";
	static SPIPlanPtr plan = NULL;
	Oid			types[4] = {INT8OID, TEXTARRAYOID, TEXTOID, TEXTOID};
	Datum		args[4];

	args[0] = Int64GetDatum(l->id);
	args[1] = learner_text_array(items, n);
	args[2] = CStringGetTextDatum(annotator);
	args[3] = CStringGetTextDatum(l->options.lease);
	learner_store_exec_kept(&plan, sql, 4, types, args, false, 0);
	return (int) SPI_processed;
}

/*
 * Lease the batch's alive items and put their rows into the result, in the
 * order they were chosen.
 */
static void
batch_finish(Batch *b, ReturnSetInfo *rsinfo)
{
	char	  **leased = (char **) palloc(sizeof(char *) * Max(b->n, 1));
	TupleTableSlot *slot = MakeSingleTupleTableSlot(b->desc, &TTSOpsMinimalTuple);
	int			n = 0;

	for (int i = 0; i < b->pos; i++)
		if (b->alive[i])
			leased[n++] = b->items[i];
	if (n > 0 && lease_items(b->l, leased, n, b->annotator) != n)
		elog(ERROR, "batch of learner \"%s\" lost a lease race", b->l->name);
	for (int i = 0; i < b->pos; i++)
	{
		if (!tuplestore_gettupleslot(b->rows, true, false, slot))
			elog(ERROR, "batch of learner \"%s\" lost its rows", b->l->name);
		if (b->alive[i])
			tuplestore_puttupleslot(rsinfo->setResult, slot);
	}
	ExecDropSingleTupleTableSlot(slot);
	if (b->probe != NULL)
		item_probe_end(b->probe);
	tuplestore_end(b->rows);
}

/* Start choosing a batch of k items for annotator (claim: item by item). */
static void
batch_begin(Batch *b, const Learner *l, const char *annotator, int k, bool claim, ReturnSetInfo *rsinfo)
{
	b->l = l;
	b->annotator = annotator;
	b->k = k;
	b->n = b->pos = b->checked = 0;
	b->cap = Min(k, 1024);
	b->keep = CurrentMemoryContext;
	b->items = (char **) palloc(sizeof(char *) * b->cap);
	b->kinds = (char *) palloc(b->cap);
	b->alive = (bool *) palloc(sizeof(bool) * b->cap);
	b->chosen = item_map_create("al_ext batch items", b->cap);
	b->claim = claim;
	/* other annotators take the same first items meanwhile: read beyond k from the start */
	b->slack = b->claim ? 3 * k : 0;
	b->skipped = 0;
	b->eval_want = -1;
	b->ranking_gen = 0;
	b->costly = false;
	b->hint = NULL;
	b->hint_found = false;
	b->frontier = NULL;
	b->refill_waited = false;
	b->reserve = b->reserved = false;
	b->probe = NULL;
	/* the rows wait in a tuplestore (it spills to disk), as the result's do */
	b->desc = rsinfo->setDesc;
	b->rows = tuplestore_begin_heap(false, false, work_mem);
}

/*
 * How many items of learner l annotator holds under a live lease, read with
 * a fresh snapshot (not read-only) under the annotator's lock.
 */
static int64
annotator_leases(const Learner *l, const char *annotator)
{
	Oid			types[2] = {INT8OID, TEXTOID};
	Datum		args[2] = {Int64GetDatum(l->id), CStringGetTextDatum(annotator)};
	bool		isnull;

	learner_store_exec("SELECT pg_catalog.count(*) FROM al.leases WHERE learner_id = $1 "
					   "AND annotator = $2 AND expires_at > pg_catalog.now()",
					   2, types, args, false, 1);
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * The batch size annotator may still take, at most k: the option
 * max_leased caps the items one annotator holds at once, so nobody can
 * lease the whole pool and starve the others.  At the cap: an error saying
 * so (an empty batch would read as "nothing left to label").
 */
static int
cap_batch(const Learner *l, const char *annotator, int k)
{
	int64		held;

	if (l->options.max_leased == 0)
		return k;
	held = annotator_leases(l, annotator);
	if (held >= l->options.max_leased)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("annotator \"%s\" already holds %lld items of learner \"%s\", its limit",
						annotator, (long long) held, l->name),
				 errdetail("The learner's option max_leased is %d.", l->options.max_leased),
				 errhint("Label or release (al.release) the items held, or wait for their leases to expire.")));
	return (int) Min((int64) k, l->options.max_leased - held);
}

/*
 * Plan the batch's queries for a quick answer: no JIT compilation (tens of
 * milliseconds for queries the planner thinks large) and no parallel
 * workers (their start costs more than the few rows read), in a GUC nest
 * level the caller closes (an ERROR closes it with the transaction).
 */
static int
batch_quick_plans(void)
{
	int			level = NewGUCNestLevel();

	(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("max_parallel_workers_per_gather", "0", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return level;
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
	char	   *annotator;
	Datum		eval;
	Batch		b;
	bool		adjudicator;
	ItemMap    *eval_map;
	int			guc_level,
				k;
	bool		claim;

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 2, "annotator");
	/* before its statements can show what they write */
	PreventCommandIfReadOnly("al.next_batch()");
	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	guc_level = batch_quick_plans();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), LEARNER_ANNOTATE);
	annotator = text_to_cstring(PG_GETARG_TEXT_PP(2));
	learner_require_annotator(l, annotator);
	learner_lock_pool(l);
	k = PG_ARGISNULL(1) ? l->options.batch_size : PG_GETARG_INT32(1);
	if (k < 1 || k > 100000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("batch size must be between 1 and 100000, not %d", k)));
	claim = batch_lock_learner(l, k);
	batch_lock_annotator(l, annotator);
	/* (under the annotator's lock: two calls of one annotator cannot both pass the cap) */
	k = cap_batch(l, annotator, k);
	adjudicator = overlap_is_adjudicator(l, annotator);
	eval = eval_items_datum(l);
	if (eval == (Datum) 0)
		eval = PointerGetDatum(construct_empty_array(TEXTOID));
	batch_begin(&b, l, annotator, k, claim, rsinfo);
	eval_map = eval_item_map(eval);
	for (int pass = 1; batch_pass(&b, adjudicator, eval, eval_map); pass++)
		if (pass >= (b.costly ? BATCH_PASSES_COSTLY : BATCH_PASSES))
			break;
	batch_finish(&b, rsinfo);
	AtEOXact_GUC(true, guc_level);
	SPI_finish();
	return (Datum) 0;
}

/* al.release(learner, item_ids text[], annotator) -> integer: give leases back. */
Datum
al_release(PG_FUNCTION_ARGS)
{
	Oid			types[4] = {INT8OID, TEXTARRAYOID, TEXTOID, TIDARRAYOID};
	Datum		args[4];
	Learner    *l;
	int			n;

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 1, "item ids");
	al_require_arg(fcinfo, 2, "annotator");
	PreventCommandIfReadOnly("al.release()");
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), LEARNER_ANNOTATE);
	learner_require_annotator(l, text_to_cstring(PG_GETARG_TEXT_PP(2)));
	args[0] = Int64GetDatum(l->id);
	args[1] = PG_GETARG_DATUM(1);
	args[2] = PG_GETARG_DATUM(2);
	n = (int) item_probe_end_leases(l->id, args[1],
									"DELETE FROM al.leases x USING pg_catalog.unnest($2::pg_catalog.text[]) u(i) "
									"WHERE " LEASE_TIDS_SQL("$4", "$1") " "
									"AND al.item_key(x.item_id) = al.item_key(u.i) "
									"AND x.item_id = u.i AND x.annotator = $3",
									4, types, args);
	/* this session's next batches see the items at once, the others' once it commits (batch_hint.c) */
	if (n > 0)
		batch_hint_reopened(l->id);
	SPI_finish();
	PG_RETURN_INT32(n);
}

