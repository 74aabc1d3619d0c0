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
 * labeled or holds).  Batches of a learner are taken one at a time, under
 * its batch lock, so that count cannot be overtaken; the lease key
 * (learner, item, annotator) keeps one lease per annotator and item.  An
 * adjudicator gets the learner's disagreements first (overlap.c).
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

#include "al_ext.h"
#include "eval_set.h"
#include "identity.h"
#include "learner_acl.h"
#include "locks.h"
#include "overlap.h"
#include "probvec.h"
#include "sql_args.h"

PG_FUNCTION_INFO_V1(al_next_batch);
PG_FUNCTION_INFO_V1(al_release);

/* Rows of the ranking read per block by al.next_batch: at most 1,000, and about 8 MB of probvecs. */
#define BATCH_BLOCK_ROWS 1000
#define BATCH_BLOCK_BYTES (8 * 1024 * 1024)

/* What streaming the ranking into a batch fills in, block by block. */
typedef struct BatchState
{
	ReturnSetInfo *rsinfo;
	int			k;
	int			n;				/* items taken so far */
	char	  **items;			/* their ids */
	ItemMap    *seen;
	MemoryContext keep;			/* where the ids go */
} BatchState;

/* Put one block of ranking rows (id, score, predicted, probs) into the result. */
static void
take_batch_block(void *arg)
{
	BatchState *st = (BatchState *) arg;
	TupleDesc	desc = SPI_tuptable->tupdesc;
	uint64		r;

	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};
		char	   *item = SPI_getvalue(tup, desc, 1);

		/* an id twice in the ranking (an old ranking of a pool with duplicates) */
		if (st->n >= st->k || !item_map_add(st->seen, item, st->n))
			continue;
		st->items[st->n++] = MemoryContextStrdup(st->keep, item);
		values[0] = CStringGetTextDatum(item);
		values[1] = SPI_getbinval(tup, desc, 2, &nulls[1]);
		values[2] = SPI_getbinval(tup, desc, 3, &nulls[2]);
		values[3] = SPI_getbinval(tup, desc, 4, &nulls[3]);
		/* the result outlives the rows it came from: no TOAST pointer into al.scores */
		if (!nulls[3])
			values[3] = PointerGetDatum(PG_DETOAST_DATUM(values[3]));
		tuplestore_putvalues(st->rsinfo->setResult, st->rsinfo->setDesc, values, nulls);
	}
}

/*
 * Put up to k candidates for annotator from the published ranking into the
 * result: the first items still open to it (see the head of this file)
 * outside the evaluation sample (eval, text[]), by rank then score (as the
 * store owner), each once.  The rows are read block by block through a
 * cursor and go straight into the result's tuplestore (which spills to
 * disk), so a large batch of many-class probvecs never sits in memory; only
 * the ids stay, in items.  Returns how many.
 */
static int
scored_candidates(const Learner *l, const char *annotator, int k, ReturnSetInfo *rsinfo, char **items,
				  Datum eval)
{
	/*
	 * The selector's ranks first (1 = hand out first; NULL, the default
	 * ascending order's last, = not a candidate), then the rest by score.
	 * Every item left out has a label or a lease or is in the evaluation
	 * sample, so the best k + (labels + leases + sample) rows in that order
	 * hold the answer: a bounded sort over one
	 * scan, whatever the planner knows of the freshly replaced ranking.
	 */
	static const char *sql =
		"SELECT s.item_id, s.score, s.predicted, s.probs FROM ("
		"  SELECT * FROM al.scores WHERE learner_id = $1 ORDER BY rank, score DESC, item_id"
		"  LIMIT $2 + (SELECT pg_catalog.count(*) FROM al.labels WHERE learner_id = $1)"
		"           + (SELECT pg_catalog.count(*) FROM al.leases WHERE learner_id = $1)"
		"           + pg_catalog.cardinality($5)) s "
		"WHERE NOT EXISTS (SELECT 1 FROM al.labels b WHERE b.learner_id = $1 "
		"                  AND al.item_key(b.item_id) = al.item_key(s.item_id) AND b.item_id = s.item_id "
		"                  AND (b.annotator = $3 OR b.adjudicated)) "
		"AND NOT EXISTS (SELECT 1 FROM al.leases x WHERE x.learner_id = $1 "
		"                AND al.item_key(x.item_id) = al.item_key(s.item_id) AND x.item_id = s.item_id "
		"                AND x.annotator = $3 AND x.expires_at > pg_catalog.now()) "
		"AND (SELECT pg_catalog.count(*) FROM al.labels b WHERE b.learner_id = $1 "
		"     AND al.item_key(b.item_id) = al.item_key(s.item_id) AND b.item_id = s.item_id) "
		"  + (SELECT pg_catalog.count(*) FROM al.leases x WHERE x.learner_id = $1 "
		"     AND al.item_key(x.item_id) = al.item_key(s.item_id) AND x.item_id = s.item_id "
		"     AND x.expires_at > pg_catalog.now()) < $4 "
		"AND NOT (s.item_id = ANY ($5)) "
		"ORDER BY s.rank, s.score DESC, s.item_id LIMIT $2";
	Oid			types[5] = {INT8OID, INT4OID, TEXTOID, INT4OID, TEXTARRAYOID};
	Datum		args[5] = {Int64GetDatum(l->id), Int32GetDatum(k), CStringGetTextDatum(annotator),
		Int32GetDatum(l->options.overlap), eval};
	BatchState	st = {rsinfo, k, 0, items, item_map_create("al_ext batch items", k), CurrentMemoryContext};

	/* a fresh snapshot sees what the lock's previous holder committed */
	learner_query_blocks(al_store_owner(), sql, 5, types, args, true,
						 Max(1, Min(BATCH_BLOCK_ROWS, BATCH_BLOCK_BYTES / PROBVEC_SIZE(l->k))),
						 take_batch_block, &st);
	return st.n;
}

/*
 * Cold start (no model yet): the option cold_start's first n picks
 * (items[0..n), cold_start.c), then a seeded random sample of the pool,
 * skipping the items not open to annotator (see the head of this file), the
 * evaluation sample and those picks (learner_taken_items), each id once, up
 * to k, put into the result unscored.  The pool is read as the learner's
 * owner.  Returns how many.
 */
static int
random_candidates(const Learner *l, const char *annotator, int k, ReturnSetInfo *rsinfo, char **items,
				  int n)
{
	Oid			types[3] = {INT8OID, TEXTARRAYOID, INT4OID};
	Datum		args[3];
	const char *id = quote_identifier(l->id_column);
	char	   *sql;
	AlIdentity	save;
	ItemMap    *seen = item_map_create("al_ext batch items", k);
	int			ret;
	uint64		i;

	/* the cold start's own picks (cold_start.c), first in the result */
	for (i = 0; i < n; i++)
	{
		Datum		values[4] = {CStringGetTextDatum(items[i]), 0, 0, 0};
		bool		nulls[4] = {false, true, true, true};

		item_map_add(seen, items[i], (int) i);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	if (n >= k)
		return n;
	args[0] = Int64GetDatum(l->id);
	args[1] = learner_taken_items(l, annotator, items, n);
	args[2] = Int32GetDatum(k - n);
	sql = psprintf("SELECT %s::pg_catalog.text FROM %s WHERE %s IS NOT NULL "
				   "AND NOT (%s::pg_catalog.text OPERATOR(pg_catalog.=) ANY ($2)) "
				   "ORDER BY pg_catalog.hashtextextended(%s::pg_catalog.text, %d), %s LIMIT $3",
				   id, learner_pool_name(l), id, id, id, l->options.seed, id);
	/* as the learner's owner, as the round reads it: annotators need no right on the pool */
	al_become(l->owner, &save);
	ret = SPI_execute_with_args(sql, 3, types, args, NULL, false, 0);
	al_restore(&save);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not sample the pool of learner \"%s\"", l->name);
	for (i = 0; i < SPI_processed; i++)
	{
		Datum		values[4] = {0, 0, 0, 0};
		bool		nulls[4] = {false, true, true, true};
		char	   *item = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);

		/* a pool that gained a duplicate id since its last round */
		if (!item_map_add(seen, item, n))
			continue;
		items[n++] = item;
		values[0] = CStringGetTextDatum(item);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return n;
}

/*
 * How many items of the evaluation sample (eval, text[]) a batch of k
 * takes: enough that the share of the learner's handed-out items (labeled,
 * or under a live lease) that come from the sample reaches the option
 * eval_rate with this batch (rounded up), at most k.  Over a learner's life
 * the rate holds whatever the batch sizes; 1 hands the sample out first.
 */
static int
eval_share(const Learner *l, Datum eval, int k)
{
	static const char *sql =
		"SELECT pg_catalog.count(*), pg_catalog.count(e.item) FROM ("
		"  SELECT item_id FROM al.labels WHERE learner_id = $1 "
		"  UNION SELECT item_id FROM al.leases WHERE learner_id = $1 AND expires_at > pg_catalog.now()) t "
		"LEFT JOIN (SELECT DISTINCT pg_catalog.unnest($2::pg_catalog.text[]) AS item) e ON e.item = t.item_id";
	Oid			types[2] = {INT8OID, TEXTARRAYOID};
	Datum		args[2] = {Int64GetDatum(l->id), eval};
	bool		isnull;
	int64		handed,
				from_eval;
	double		want;

	/* fresh snapshot (not read-only): see the leases the lock's previous holder made */
	learner_store_exec(sql, 2, types, args, false, 1);
	handed = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	from_eval = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	/* (less a hair: a rate times a count that is whole in decimals stays whole) */
	want = ceil(l->options.eval_rate * (double) (handed + k) - 1e-9) - (double) from_eval;
	return (int) Max(0.0, Min((double) k, want));
}

/*
 * Put up to n items of the evaluation sample (eval, text[]) that are
 * neither labeled nor under a live lease into the result, in the sample's
 * order, unscored: an annotator labels them without the model's guess.
 * Returns how many.
 */
static int
eval_candidates(const Learner *l, Datum eval, int n, ReturnSetInfo *rsinfo, char **items)
{
	static const char *sql =
		"SELECT e.item FROM pg_catalog.unnest($2::pg_catalog.text[]) WITH ORDINALITY e(item, o) "
		"WHERE NOT EXISTS (SELECT 1 FROM al.labels b WHERE b.learner_id = $1 "
		"                  AND al.item_key(b.item_id) = al.item_key(e.item) AND b.item_id = e.item) "
		"AND NOT EXISTS (SELECT 1 FROM al.leases x WHERE x.learner_id = $1 "
		"                AND al.item_key(x.item_id) = al.item_key(e.item) AND x.item_id = e.item "
		"                AND x.expires_at > pg_catalog.now()) "
		"ORDER BY e.o LIMIT $3";
	Oid			types[3] = {INT8OID, TEXTARRAYOID, INT4OID};
	Datum		args[3] = {Int64GetDatum(l->id), eval, Int32GetDatum(n)};
	int			taken = 0;
	uint64		i;

	if (n <= 0)
		return 0;
	/* fresh snapshot, as in eval_share */
	learner_store_exec(sql, 3, types, args, false, 0);
	for (i = 0; i < SPI_processed; i++)
	{
		Datum		values[4] = {0, 0, 0, 0};
		bool		nulls[4] = {false, true, true, true};

		items[taken] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		values[0] = CStringGetTextDatum(items[taken++]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return taken;
}

/*
 * Is there a ranking of the learner's published model to take batches from?
 * Not before the first model (cold start), nor after a restore until the
 * next round rebuilds it (al.ranking_state is not dumped): then the batch is
 * the cold start's seeded sample rather than nothing.
 */
static bool
ranking_published(const Learner *l)
{
	if (l->model_id == 0 && !(l->options.predictions && l->model_version > 0))
		return false;
	return learner_store_int8("SELECT 1 FROM al.ranking_state r WHERE r.learner_id = $1 "
							  "AND r.model_version = (SELECT s.model_version FROM al.learner_store s "
							  "                       WHERE s.id = $1)", l->id, 0) != 0;
}

/* Lease the items to annotator; returns how many were leased (all, normally). */
static int
lease_items(const Learner *l, char **items, int n, const char *annotator)
{
	static const char *sql =
		"INSERT INTO al.leases (learner_id, item_id, annotator, expires_at) "
		"SELECT $1, pg_catalog.unnest($2::pg_catalog.text[]), $3, pg_catalog.now() + $4::pg_catalog.interval "
		"ON CONFLICT (learner_id, (al.item_key(item_id)), annotator) DO UPDATE "
		"SET leased_at = pg_catalog.now(), expires_at = EXCLUDED.expires_at "
		"WHERE al.leases.expires_at <= pg_catalog.now()";
	Oid			types[4] = {INT8OID, TEXTARRAYOID, TEXTOID, TEXTOID};
	Datum		args[4];

	args[0] = Int64GetDatum(l->id);
	args[1] = learner_text_array(items, n);
	args[2] = CStringGetTextDatum(annotator);
	args[3] = CStringGetTextDatum(l->options.lease);
	learner_store_exec(sql, 4, types, args, false, 0);
	return (int) SPI_processed;
}

/* al_ext.batch_lock_timeout: the longest al.next_batch waits for its learner's batch lock (ms). */
static int	batch_lock_timeout = 5000;

/* A learner whose batch lock this transaction took (for PREPARE TRANSACTION). */
typedef struct BatchLockTaken
{
	int64		id;
	char	   *name;
} BatchLockTaken;

/* The learners whose batch locks this transaction took, in TopTransactionContext. */
static List *batch_locks_taken = NIL;

/*
 * Refuse to prepare a transaction that holds a batch lock: the prepared
 * transaction would keep it beyond any session, and every other annotator
 * of the learner would wait for it.  Forget the list when the transaction
 * ends.
 */
static void
batch_xact_callback(XactEvent event, void *arg)
{
	ListCell   *lc;

	if (event != XACT_EVENT_PRE_PREPARE)
	{
		if (event != XACT_EVENT_PRE_COMMIT && event != XACT_EVENT_PARALLEL_PRE_COMMIT)
			batch_locks_taken = NIL;
		return;
	}
	foreach(lc, batch_locks_taken)
	{
		BatchLockTaken *t = (BatchLockTaken *) lfirst(lc);

		/* not if a rolled back subtransaction took it (and its leases) */
		if (al_lock_held(AL_LOCK_BATCH, (uint64) t->id))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot PREPARE a transaction that took a batch of learner \"%s\" with al.next_batch",
							t->name),
					 errdetail("The prepared transaction would hold the learner's batch lock and stall its other annotators."),
					 errhint("Commit the batch in its own transaction before preparing other work.")));
	}
}

/* Remember that this transaction took the batch lock of learner l. */
static void
note_batch_lock(const Learner *l)
{
	static bool registered = false;
	MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
	BatchLockTaken *t = (BatchLockTaken *) palloc(sizeof(BatchLockTaken));

	if (!registered)
	{
		RegisterXactCallback(batch_xact_callback, NULL);
		registered = true;
	}
	t->id = l->id;
	t->name = pstrdup(l->name);
	batch_locks_taken = lappend(batch_locks_taken, t);
	MemoryContextSwitchTo(old);
}

/* Report that the batch lock of learner arg stayed busy for waited_ms. */
static void
batch_lock_timed_out(const void *arg, int waited_ms)
{
	const Learner *l = (const Learner *) arg;

	ereport(ERROR,
			(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
			 errmsg("could not take a batch of learner \"%s\": the transaction of another batch of it is still open",
					l->name),
			 errdetail("al.next_batch waited %d ms (al_ext.batch_lock_timeout, or lock_timeout if shorter) for the transaction that took the previous batch to end.",
					   waited_ms),
			 errhint("A transaction left open (or prepared) after al.next_batch blocks the learner's other annotators: commit al.next_batch promptly.")));
}

/*
 * Serialize batch hand-outs of one learner: a transaction lock that only
 * al_ext can take (locks.h), so no role can hold it from SQL.  Its holder
 * keeps it until its transaction ends, so an annotator who leaves that
 * transaction open would stall the others: the wait is bounded
 * (al_ext.batch_lock_timeout, or lock_timeout if shorter) and then an error
 * says why, and a transaction holding it cannot be prepared.  The queries
 * after it take fresh snapshots, so they see the leases and labels of the
 * lock's previous holder; a transaction-wide snapshot (REPEATABLE READ,
 * SERIALIZABLE) cannot, hence the error.
 */
static void
lock_learner(const Learner *l)
{
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("al.next_batch cannot run in a REPEATABLE READ or SERIALIZABLE transaction"),
				 errhint("Call it at READ COMMITTED, the default isolation level, so that concurrent annotators never get the same item.")));
	/* a second batch in the same transaction: the lock is ours already */
	if (al_lock_held(AL_LOCK_BATCH, (uint64) l->id))
		return;
	al_lock_xact_bounded(AL_LOCK_BATCH, (uint64) l->id, batch_lock_timeout, batch_lock_timed_out, l);
	note_batch_lock(l);
}

/* Define al_ext.batch_lock_timeout (called from _PG_init). */
void
al_batch_define_gucs(void)
{
	DefineCustomIntVariable("al_ext.batch_lock_timeout",
							"Longest wait of al.next_batch for the batch lock of its learner.",
							"The lock is held until the transaction that took the previous "
							"batch ends; a transaction left open after al.next_batch would "
							"otherwise stall the learner's other annotators.  lock_timeout "
							"applies if shorter; 0 = no limit of its own.",
							&batch_lock_timeout, 5000, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_MS, NULL, NULL, NULL);
}

/*
 * How many items of learner l annotator holds under a live lease, read with
 * a fresh snapshot (not read-only) under the batch lock, as in eval_share.
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
 * al.next_batch(learner, k, annotator) -> setof (item_id, score, predicted,
 * probs): the k best unlabeled items no one else holds, leased to annotator.
 */
Datum
al_next_batch(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Learner    *l;
	char	  **items;
	char	   *annotator;
	Datum		eval;
	int			k,
				n;

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 2, "annotator");
	/* before its statements can show what they write */
	PreventCommandIfReadOnly("al.next_batch()");
	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), LEARNER_ANNOTATE);
	annotator = text_to_cstring(PG_GETARG_TEXT_PP(2));
	learner_require_annotator(l, annotator);
	learner_lock_pool(l);
	k = PG_ARGISNULL(1) ? l->options.batch_size : PG_GETARG_INT32(1);
	if (k < 1 || k > 100000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("batch size must be between 1 and 100000, not %d", k)));
	lock_learner(l);
	/* (under the lock: two calls of one annotator cannot both pass the cap) */
	k = cap_batch(l, annotator, k);
	items = (char **) palloc(sizeof(char *) * k);
	/*
	 * An adjudicator's disagreements first (they are open to no annotator),
	 * then the evaluation sample's share, then the ranking (or the cold
	 * start)
	 */
	n = overlap_is_adjudicator(l, annotator) ? overlap_disagreements(l, annotator, k, rsinfo, items) : 0;
	eval = eval_items_datum(l);
	if (eval == (Datum) 0)
		eval = PointerGetDatum(construct_empty_array(TEXTOID));
	else if (n < k && l->options.eval_rate > 0)
		n += eval_candidates(l, eval, eval_share(l, eval, k - n), rsinfo, items + n);
	if (n < k)
		n += ranking_published(l) ? scored_candidates(l, annotator, k - n, rsinfo, items + n, eval)
			: random_candidates(l, annotator, k - n, rsinfo, items + n,
								cold_start_candidates(l, annotator, k - n, items + n));
	if (n > 0 && lease_items(l, items, n, annotator) != n)
		elog(ERROR, "batch of learner \"%s\" lost a lease race", l->name);
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
	PreventCommandIfReadOnly("al.release()");
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), LEARNER_ANNOTATE);
	learner_require_annotator(l, text_to_cstring(PG_GETARG_TEXT_PP(2)));
	args[0] = Int64GetDatum(l->id);
	args[1] = PG_GETARG_DATUM(1);
	args[2] = PG_GETARG_DATUM(2);
	learner_store_exec("DELETE FROM al.leases x USING pg_catalog.unnest($2::pg_catalog.text[]) u(i) "
					   "WHERE x.learner_id = $1 AND al.item_key(x.item_id) = al.item_key(u.i) "
					   "AND x.item_id = u.i AND x.annotator = $3",
					   3, types, args, false, 0);
	n = (int) SPI_processed;
	SPI_finish();
	PG_RETURN_INT32(n);
}

