/*
 * batch_sources.c - where al.next_batch's candidates come from, in the
 * order a batch takes them: an adjudicator's disagreements, the evaluation
 * sample's share, then the published ranking (its hot rows from the index
 * al.scores_order, then the rest) or, before it, the cold start; and the
 * check of which items are open to the annotator (open_items), run on a
 * block of the ranking and again on what the batch claimed (batch.c).
 * Every query takes a fresh snapshot: it sees what the batches before
 * committed.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "al_ext.h"
#include "batch.h"
#include "batch_lock.h"
#include "identity.h"
#include "item_probe.h"
#include "overlap.h"
#include "probvec.h"
#include "round.h"
/* The most times a batch waits for other batches' markings of more hot rows (batch_wait_refill). */
#define REFILL_WAITS 16
/* Rows of the ranking read at a time: the first ones are mostly taken by the other annotators. */
#define RANKED_BLOCK_ROWS 128

/*
 * The items of the ranking that may not be open to anyone: those with a
 * live lease, and with a label the ranking may still hold (overlap 1: a
 * label no version up to the ranking's was trained on, as the ranking left
 * out the items labeled before it; overlap > 1: any).  Read with a fresh
 * snapshot; a few rows in steady state, however many labels the learner
 * has.  *first_expiry (when not NULL): the earliest end of those leases
 * (DT_NOEND if none).
 */
static ItemMap *
maybe_taken_items(const Batch *b, TimestampTz *first_expiry)
{
	static const char *sql =
		"SELECT item_id, NULL::pg_catalog.timestamptz FROM al.labels WHERE learner_id = $1 "
		"AND ($2 > 1 OR trained_in IS NULL OR trained_in > COALESCE("
		"    (SELECT r.model_version FROM al.ranking_state r WHERE r.learner_id = $1), 0)) "
		"UNION ALL SELECT item_id, expires_at FROM al.leases "
		"WHERE learner_id = $1 AND expires_at > pg_catalog.now()";
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		args[2] = {Int64GetDatum(b->l->id), Int32GetDatum(b->l->options.overlap)};
	ItemMap    *map;
	TimestampTz first = DT_NOEND;

	learner_store_exec(sql, 2, types, args, false, 0);
	map = item_map_create("al_ext taken items", Max((long) SPI_processed, 16));
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		Datum		expiry = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);

		item_map_add(map, SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1), 0);
		if (!isnull && DatumGetTimestampTz(expiry) < first)
			first = DatumGetTimestampTz(expiry);
	}
	if (first_expiry != NULL)
		*first_expiry = first;
	return map;
}

/*
 * Note the key of the block's row r (id, score, predicted, probs, rank) in
 * hint, as the hot rows' hand-out order has it (the id copied into cxt).
 */
static void
note_row_key(BatchHint *hint, SPITupleTable *rows, uint64 r, const char *item, MemoryContext cxt)
{
	bool		isnull;
	Datum		rank = SPI_getbinval(rows->vals[r], rows->tupdesc, 5, &isnull);

	hint->has_rank = !isnull;
	hint->rank = isnull ? 0 : DatumGetInt32(rank);
	hint->score = DatumGetFloat8(SPI_getbinval(rows->vals[r], rows->tupdesc, 2, &isnull));
	hint->item_id = MemoryContextStrdup(cxt, item);
}

/* The batch's reads of the leases and labels of items (item_probe.c), with a fresh snapshot. */
static void
batch_fresh_probe(Batch *b)
{
	MemoryContext old = MemoryContextSwitchTo(b->keep);

	if (b->probe == NULL)
		b->probe = item_probe_begin();
	else
		item_probe_refresh(b->probe);
	MemoryContextSwitchTo(old);
}

/*
 * Choose the open rows of one block of the ranking (id, score, predicted,
 * probs, rank; in SPI_tuptable), in order, until the batch is full.  Rows
 * of the evaluation sample (eval) or already in the batch are skipped, and
 * so are those that may be taken (in taken, or, when taken is NULL, with a
 * label or a live lease in the probe's fresh snapshot) under overlap 1;
 * under a larger overlap those are checked (open_items).  What the batch
 * takes is checked again once claimed.
 */
static void
take_ranked_block(Batch *b, ItemMap *eval, ItemMap *taken)
{
	SPITupleTable *rows = SPI_tuptable;
	uint64		nrows = SPI_processed;
	char	  **ids = (char **) palloc(sizeof(char *) * nrows);
	char	   *kinds = (char *) palloc(nrows);
	int		   *row_of = (int *) palloc(sizeof(int) * nrows);
	bool	   *open = (bool *) palloc(sizeof(bool) * nrows);
	bool	   *check = (bool *) palloc0(sizeof(bool) * nrows);
	int			m = 0,
				c = 0;

	if (taken == NULL)
		batch_fresh_probe(b);
	for (uint64 r = 0; r < nrows; r++)
	{
		char	   *item = SPI_getvalue(rows->vals[r], rows->tupdesc, 1);
		bool		maybe_taken = taken != NULL ? item_map_find(taken, item) >= 0 :
			item_probe_taken(b->probe, b->l->id, item);

		if (b->hint != NULL && !b->hint_found && !maybe_taken)
		{
			note_row_key(b->hint, rows, r, item, b->keep);
			b->hint_found = true;
		}
		if (item_map_find(eval, item) >= 0 || item_map_find(b->chosen, item) >= 0)
			continue;
		if (maybe_taken)
		{
			if (b->l->options.overlap == 1)
				continue;
			check[m] = true;
			c++;
		}
		ids[m] = item;
		kinds[m] = KIND_RANKED;
		row_of[m++] = (int) r;
	}
	if (c > 0)
		open_items(b, ids, kinds, m, open);
	for (int i = 0; i < m && b->n < b->k; i++)
	{
		HeapTuple	tup = rows->vals[row_of[i]];
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		if (check[i] && !open[i])
			continue;
		values[1] = SPI_getbinval(tup, rows->tupdesc, 2, &nulls[1]);
		values[2] = SPI_getbinval(tup, rows->tupdesc, 3, &nulls[2]);
		values[3] = SPI_getbinval(tup, rows->tupdesc, 4, &nulls[3]);
		/* the result outlives the rows it came from: no TOAST pointer into al.scores */
		if (!nulls[3])
			values[3] = PointerGetDatum(PG_DETOAST_DATUM(values[3]));
		if (batch_take(b, ids[i], KIND_RANKED, values, nulls) && b->frontier != NULL)
			note_row_key(b->frontier, rows, row_of[i], ids[i], b->keep);
	}
	SPI_freetuptable(rows);
}

/*
 * Open a cursor over plan (planned as it opens) that reads the hot rows in
 * order from the index, whatever the statistics say: the planner, told by
 * stale statistics that a learner has a row or two, scanned the partition
 * or sorted every row after the hint (10 ms and more) rather than reading
 * the index in order and sorting only the ties (Incremental Sort on
 * item_id).
 */
static Portal
open_in_index_order(SPIPlanPtr plan, Datum *args)
{
	static const char *const off[] = {"enable_sort", "enable_seqscan", "enable_bitmapscan"};
	int			level = NewGUCNestLevel();
	Portal		portal;

	for (int i = 0; i < lengthof(off); i++)
		(void) set_config_option(off[i], "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	portal = SPI_cursor_open(NULL, plan, args, NULL, false);
	AtEOXact_GUC(true, level);
	return portal;
}

/*
 * How many rows of the ranking a batch fetches next (at most block_rows).
 * A read from the top (taken: the items that may be taken) fetches what
 * the batch still needs and its slack first, as the rows at the top are
 * mostly taken, then whole blocks.  A read from a hint (taken: NULL, the
 * rows probed one by one) fetches only what the batch still needs each
 * time: after a hint few rows are taken, and the batches read from the
 * same hint, so a larger fetch only widened the time between a batch's
 * read and its claims in which another batch takes the same rows (with 4
 * annotators labeling, the batches that lost once fetched more, were
 * slower, lost again, and came back empty after 32 passes).
 */
static long
ranked_fetch(const Batch *b, long block_rows, const ItemMap *taken, bool first)
{
	long		need = (long) (b->k - b->n);

	if (taken == NULL)
		return Min(block_rows, need);
	return first ? Min(block_rows, need + b->slack) : block_rows;
}

/*
 * Tell the other sessions, before this batch claims any of them, that the
 * rows of the block just fetched (SPI_tuptable, read from a hint) are
 * taken or claimed: a small batch reading from a hint fetches what it
 * needs and claims or finds taken every row it fetched.  Shared only once
 * its claims ended, the batches that read the same hint meanwhile fetched
 * the same rows, lost the claims, and walked on through the rows the
 * others claimed: with 64 annotators a batch cost 2.4 ms of CPU against
 * 0.5 for one.  An ERROR before the claims reopens the rows for them, as
 * a rollback of the claims does (batch_hint.c).
 */
static void
reserve_block(Batch *b)
{
	SPITupleTable *rows = SPI_tuptable;
	uint64		last = SPI_processed - 1;
	BatchHint	r;

	memset(&r, 0, sizeof(r));
	note_row_key(&r, rows, last, SPI_getvalue(rows->vals[last], rows->tupdesc, 1), CurrentMemoryContext);
	r.found_at = b->hint->found_at;
	r.valid_until = b->hint->valid_until;
	r.stamp = b->hint->stamp;
	batch_hint_share_claimed(b->l->id, b->ranking_gen, &r);
	b->reserved = true;
}

/*
 * Choose the open rows of the learner's ranking that its read returns (id,
 * score, predicted, probs, rank, in the hand-out order; cond: the read's
 * conditions and order after the learner's, with nargs arguments, $1 the
 * learner), read as the store owner through a cursor planned for its first
 * rows, a block at a time (the first one about what the batch still needs),
 * until the batch is full or the rows run out.  A read of the hot rows
 * (read: not HOT_READS) uses its kept plan of the learner's partition.
 */
static void
take_ranked_rows(Batch *b, HotRead read, const char *cond, int nargs, Oid *types, Datum *args,
				 ItemMap *eval, ItemMap *taken)
{
	/* at most RANKED_BLOCK_ROWS rows, and about BATCH_BLOCK_BYTES of probvecs */
	long		block_rows = Max(1, Min(RANKED_BLOCK_ROWS, BATCH_BLOCK_BYTES / PROBVEC_SIZE(b->l->k)));
	long		fetch;
	MemoryContext block = AllocSetContextCreate(CurrentMemoryContext, "al_ext batch block",
												ALLOCSET_DEFAULT_SIZES);
	SPIPlanPtr	plan;
	bool		kept;
	Portal		portal;
	AlIdentity	save;

	al_become_store_owner(&save);
	plan = read != HOT_READS ? batch_hot_plan(b->l->id, read, cond, nargs, types) : NULL;
	kept = plan != NULL;
	if (!kept)
		plan = SPI_prepare_cursor(psprintf(RANKED_ROWS_FROM "%s", "scores", cond), nargs, types,
								  CURSOR_OPT_FAST_PLAN);
	/* not read-only: a fresh snapshot sees what the batches before committed */
	portal = plan ? open_in_index_order(plan, args) : NULL;
	al_restore(&save);
	if (portal == NULL)
		elog(ERROR, "could not read the ranking of learner \"%s\"", b->l->name);
	for (fetch = ranked_fetch(b, block_rows, taken, true); b->n < b->k;
		 fetch = ranked_fetch(b, block_rows, taken, false))
	{
		MemoryContext old;

		al_become_store_owner(&save);
		SPI_cursor_fetch(portal, true, Max(fetch, 1));
		al_restore(&save);
		if (SPI_processed == 0)
			break;
		/* a block's rows, ids and detoasted probvecs go with it (what is kept is copied) */
		old = MemoryContextSwitchTo(block);
		if (b->reserve && taken == NULL)
			reserve_block(b);
		take_ranked_block(b, eval, taken);
		MemoryContextSwitchTo(old);
		MemoryContextReset(block);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
	if (!kept)
		SPI_freeplan(plan);
	MemoryContextDelete(block);
}

/* The order the batches hand the ranking out in. */
#define HANDOUT_ORDER "ORDER BY s.rank, s.score DESC, s.item_id"
/*
 * The end of the use of a hint whose rows were read from the top at
 * found_at: at the first expiry of the leases that read saw (first_expiry),
 * of those taken since (each at least the learner's lease after found_at,
 * however the option changed meanwhile: see batch_hint.c), and at the
 * longest a hint may be used.
 */
static TimestampTz
hint_valid_until(const Batch *b, TimestampTz found_at, TimestampTz first_expiry)
{
	TimestampTz end = learner_lease_end(&b->l->options, found_at);

	return Min(Min(end, first_expiry), batch_hint_max_valid_until(found_at));
}

/*
 * Under overlap 1, choose from the hot rows, reading from the learner's
 * latest hint on (batch_hint.c) when there is one: its keyset ($2 rank, $3
 * score, $4 item id, inclusive), each row's leases and labels probed
 * (item_probe.c), so a batch reads what was taken since the hint rather
 * than every taken row.  Without a hint, read from the top, skipping the
 * items that may be taken (*taken, read here) as for a larger overlap.
 * Either way, remember the first row found open as the next hint.
 */
static void
take_hot_open(Batch *b, ItemMap *eval, ItemMap **taken)
{
	/* (the clock before the hint is taken and the rows read: what reopens later moves it) */
	uint64		stamp = batch_hint_clock();
	const BatchHint *hint = batch_hint_get(b->l->id, b->ranking_gen);
	Oid			types[4] = {INT8OID, INT4OID, FLOAT8OID, TEXTOID};
	Datum		args[4];
	BatchHint	found;
	BatchHint	frontier;

	memset(&found, 0, sizeof(found));
	memset(&frontier, 0, sizeof(frontier));
	args[0] = Int64GetDatum(b->l->id);
	b->hint = &found;
	b->hint_found = false;
	b->frontier = b->claim ? &frontier : NULL;
	ereport(DEBUG1,
			(errmsg_internal("batch of learner \"%s\" reads its hot rows %s", b->l->name,
							 hint == NULL ? "from the top" : "from a hint")));
	if (hint == NULL)
	{
		TimestampTz first_expiry;

		/* (before the read's snapshot: what reopens later is seen by the next read from the top) */
		found.found_at = GetCurrentTimestamp();
		found.stamp = stamp;
		*taken = maybe_taken_items(b, &first_expiry);
		found.valid_until = hint_valid_until(b, found.found_at, first_expiry);
		take_ranked_rows(b, HOT_FROM_TOP, "AND s.hot " HANDOUT_ORDER, 1, types, args, eval, *taken);
	}
	else
	{
		found.found_at = hint->found_at;
		found.stamp = hint->stamp;
		found.valid_until = Min(hint->valid_until, hint_valid_until(b, hint->found_at, DT_NOEND));
		args[1] = Int32GetDatum(hint->rank);
		args[2] = Float8GetDatum(hint->score);
		args[3] = CStringGetTextDatum(hint->item_id);
		/* (small batches, when the sessions share hints) */
		b->reserve = b->claim && batch_hint_shared();
		if (hint->has_rank)
		{
			take_ranked_rows(b, HOT_FROM_RANK, "AND s.hot AND s.rank >= $2 "
							 "AND (s.rank > $2 OR s.score < $3 OR (s.score = $3 AND s.item_id >= $4)) "
							 HANDOUT_ORDER, 4, types, args, eval, NULL);
			if (b->n < b->k)
				take_ranked_rows(b, HOT_RANKLESS, "AND s.hot AND s.rank IS NULL " HANDOUT_ORDER,
								 1, types, args, eval, NULL);
		}
		else
			take_ranked_rows(b, HOT_FROM_SCORE, "AND s.hot AND s.rank IS NULL AND s.score <= $3 "
							 "AND (s.score < $3 OR s.item_id >= $4) " HANDOUT_ORDER,
							 4, types, args, eval, NULL);
	}
	if (b->hint_found)
		batch_hint_set(b->l->id, b->ranking_gen, &found, !b->claim);
	/* (where its claims end, unless it told where its reads ended before claiming) */
	if (frontier.item_id != NULL && !b->reserved)
	{
		frontier.found_at = found.found_at;
		frontier.valid_until = found.valid_until;
		frontier.stamp = found.stamp;
		batch_hint_share_claimed(b->l->id, b->ranking_gen, &frontier);
	}
	b->hint = NULL;
	b->frontier = NULL;
	b->reserve = b->reserved = false;
}

/* Whether some row of learner l's ranking is not hot (one may be marked). */
static bool
ranking_has_cold_rows(const Learner *l)
{
	return learner_store_int8("SELECT 1 FROM al.scores WHERE learner_id = $1 AND NOT hot LIMIT 1", l->id, 0) != 0;
}

/*
 * Once the hot rows no longer fill a batch (the batches took or hold all of
 * them), mark the next RANKING_HOT_ROWS rows of the ranking hot, in the hand-out
 * order, so that the batches read them from the index rather than each
 * scanning and sorting the ranking (about a second on a million rows)
 * until the next round: 64 annotators of an external-prediction learner,
 * whose rounds wait for its next version, ground the server to a halt.
 * The hot rows stay a prefix of the hand-out order, so the sessions'
 * hints hold.  The caller holds the learner's refill lock, which a round
 * takes too, so no refill marks rows while a round rewrites the ranking;
 * rows locked otherwise (al.drop_learner) are skipped, never waited for.
 * Returns how many rows it marked.
 */
static uint64
mark_more_hot_rows(Batch *b)
{
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		args[2] = {Int64GetDatum(b->l->id), Int32GetDatum(RANKING_HOT_ROWS)};

	/* a scan and sort of the ranking: at most BATCH_PASSES_COSTLY passes of the batch from now on */
	b->costly = true;
	/*
	 * (the rows are chosen first, then locked: FOR UPDATE between the sort
	 * and its LIMIT made the sort a full one, 1.4 s on a million rows rather
	 * than 0.4 s for a top-N heapsort, while every other batch waited)
	 */
	learner_store_exec("UPDATE al.scores SET hot = true WHERE learner_id = $1 AND ctid = ANY (ARRAY("
					   "  SELECT c.ctid FROM al.scores c WHERE c.learner_id = $1 AND NOT c.hot "
					   "  AND c.ctid = ANY (ARRAY("
					   "    SELECT ctid FROM al.scores WHERE learner_id = $1 AND NOT hot "
					   "    ORDER BY rank, score DESC, item_id LIMIT $2)) "
					   "  FOR UPDATE SKIP LOCKED))",
					   2, types, args, false, 0);
	return SPI_processed;
}

/*
 * Under overlap 1, choose from the hot rows (take_hot_open); when they do
 * not fill the batch (near their end, the open ones are held by the other
 * batches: each batch then scanned and sorted the ranking), more of the
 * ranking is marked hot, by one batch at a time (the refill lock, taken
 * without waiting: a batch that finds it busy waits for it to come free,
 * as long as a batch is marking rows, then up to two seconds, and reads
 * the rows marked; still busy, it reads beyond the hot rows as before),
 * and only by a batch outside a transaction block, whose row locks on
 * al.scores last milliseconds (a round would wait for an annotator's open
 * transaction; a plain annotator could rewrite rows in a loop of rolled
 * back batches).
 */
static void
take_hot_or_more(Batch *b, ItemMap *eval, ItemMap **taken)
{
	volatile int64 marked = -1;	/* -1: no marking (the rows another marked filled it) */
	int			level;

	take_hot_open(b, eval, taken);
	if (IsTransactionBlock())
		return;
	for (int waits = 0;; waits++)
	{
		if (b->n >= b->k || !ranking_has_cold_rows(b->l))
			return;
		if (batch_try_lock_refill(b->l))
			break;
		/*
		 * another batch is marking rows: wait for them rather than scan the
		 * ranking, and again if the rows it marked went to the other
		 * batches before this one read them and another marks more (with
		 * 64 annotators taking 6,000 items a second, that is every other
		 * second); a round holding the lock, most likely: read the rest
		 */
		if (waits == REFILL_WAITS || b->refill_waited)
			return;
		/*
		 * (what may be taken was read before the wait: read beyond the hot
		 * rows with it, a batch claimed rows leased meanwhile, dropped
		 * them, and came back empty after four passes that each waited)
		 */
		*taken = NULL;
		if (!batch_wait_refill(b->l))
		{
			b->refill_waited = true;
			return;
		}
		take_hot_open(b, eval, taken);
	}
	/* (the batches waiting for the refill lock wait as long as this one is marking) */
	level = batch_marking_begin(b->l);
	PG_TRY();
	{
		/* the rows another batch marked since this one read, if any */
		take_hot_open(b, eval, taken);
		if (b->n < b->k)
			marked = (int64) mark_more_hot_rows(b);
	}
	PG_CATCH();
	{
		batch_marking_abandon(b->l);
		PG_RE_THROW();
	}
	PG_END_TRY();
	batch_marking_end(b->l, level);
	if (marked >= 0)
		ereport(DEBUG1,
				(errmsg_internal("batch of learner \"%s\" marked %lld more rows of its ranking hot",
								 b->l->name, (long long) marked)));
	if (marked > 0)
		take_hot_open(b, eval, taken);
}

/*
 * Choose from the published ranking until the batch is full: the first
 * items still open to the annotator (see the head of this file) outside
 * the evaluation sample (eval), by rank then score.  The round marked the
 * first rows of the ranking hot and only those are indexed (al.scores_order),
 * so they come in order from the index; under overlap 1 from this
 * session's hint on (take_hot_open), so the cost grows with the rows taken
 * since the session's last batch, not with the leases, the ranking or the
 * labels.  Once the batches took every hot row, more of the ranking is
 * marked hot (take_hot_or_more); under a larger overlap, or past the end
 * of the ranking, the rest is read by a scan and sort.
 */
void
take_ranked(Batch *b, ItemMap *eval)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(b->l->id);
	ItemMap    *taken = NULL;

	if (b->l->options.overlap == 1)
		take_hot_or_more(b, eval, &taken);
	else
	{
		taken = maybe_taken_items(b, NULL);
		take_ranked_rows(b, HOT_FROM_TOP, "AND s.hot " HANDOUT_ORDER, 1, &type, &arg, eval, taken);
	}
	if (b->n < b->k)
	{
		if (taken == NULL)
			taken = maybe_taken_items(b, NULL);
		b->costly = true;
		ereport(DEBUG1,
				(errmsg_internal("batch of learner \"%s\" reads beyond its hot rows", b->l->name)));
		take_ranked_rows(b, HOT_READS, "AND NOT s.hot " HANDOUT_ORDER, 1, &type, &arg, eval, taken);
	}
}

/*
 * Cold start (no model yet): the option cold_start's picks (cold_start.c),
 * then a seeded random sample of the pool, skipping the items not open to
 * annotator (see the head of this file), the evaluation sample and this
 * batch's items (learner_taken_items), unscored.  The pool is read as the
 * learner's owner, need + slack rows, then twice as many each time, until
 * the batch is full or the pool runs out: the rows claimed by other open batches are invisible
 * to the query (they are not leased yet) and come first in the seeded
 * order, so they are left out of the next read (with one fixed read, two
 * open batches of 64 left a batch of 4 empty while thousands of items were
 * open).
 */
void
take_cold_start(Batch *b)
{
	Oid			types[3] = {INT8OID, TEXTARRAYOID, INT4OID};
	Datum		args[3];
	const char *id = quote_identifier(b->l->id_column);
	int			need = b->k - b->n;
	char	  **picks = (char **) palloc(sizeof(char *) * (need + b->slack));
	char	  **seen = NULL;		/* the rows passed over, then the batch's items */
	int			passed = 0,
				cap = 0,
				limit = need + b->slack;
	char	   *sql;

	batch_take_list(b, picks, cold_start_candidates(b->l, b->annotator, need + b->slack, picks),
					KIND_COLD, need);
	sql = psprintf("SELECT %s::pg_catalog.text FROM %s WHERE %s IS NOT NULL "
				   "AND NOT (%s::pg_catalog.text OPERATOR(pg_catalog.=) ANY ($2)) "
				   "ORDER BY pg_catalog.hashtextextended(%s::pg_catalog.text, %d), %s LIMIT $3",
				   id, learner_pool_name(b->l), id, id, id, b->l->options.seed, id);
	/* twice as many rows each time: a few reads however many rows are claimed */
	for (; b->n < b->k; limit = (int) Min((int64) 2 * limit, PG_INT32_MAX / 4))
	{
		AlIdentity	save;
		int			ret;
		uint64		got;

		if (b->pos + passed + 1 > cap)
		{
			cap = 2 * (b->pos + passed + 1);
			seen = seen ? (char **) repalloc(seen, sizeof(char *) * cap) : (char **) palloc(sizeof(char *) * cap);
		}
		for (int i = 0; i < b->pos; i++)
			seen[passed + i] = b->items[i];
		args[0] = Int64GetDatum(b->l->id);
		args[1] = learner_taken_items(b->l, b->annotator, seen, passed + b->pos);
		args[2] = Int32GetDatum(limit);
		/* as the learner's owner, as the round reads it: annotators need no right on the pool */
		al_become(b->l->owner, &save);
		ret = SPI_execute_with_args(sql, 3, types, args, NULL, false, 0);
		al_restore(&save);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "could not sample the pool of learner \"%s\"", b->l->name);
		got = SPI_processed;
		/* (a pool that gained a duplicate id since its last round: batch_take skips it) */
		for (uint64 i = 0; i < got && b->n < b->k; i++)
		{
			char	   *item = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);

			if (batch_take_unscored(b, item, KIND_COLD))
				continue;
			if (passed == cap)
			{
				cap *= 2;
				seen = (char **) repalloc(seen, sizeof(char *) * cap);
			}
			/* (over the copies of the batch's items: made again before the next read) */
			seen[passed++] = item;
		}
		SPI_freetuptable(SPI_tuptable);
		if (got < (uint64) limit)
			break;
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * How many items of the evaluation sample (eval, text[]) a batch of k
 * takes: enough that the share of the learner's handed-out items (labeled,
 * or under a live lease) that come from the sample reaches the option
 * eval_rate with this batch (rounded up), at most k.  Over a learner's life
 * the rate holds whatever the batch sizes (batches taken side by side may
 * each take their share of what committed before them); 1 hands the sample
 * out first.
 */
int
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

	/* fresh snapshot (not read-only): see the leases of the batches before */
	learner_store_exec(sql, 2, types, args, false, 1);
	handed = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	from_eval = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	/* (less a hair: a rate times a count that is whole in decimals stays whole) */
	want = ceil(l->options.eval_rate * (double) (handed + k) - 1e-9) - (double) from_eval;
	return (int) Max(0.0, Min((double) k, want));
}

/*
 * Choose items of the evaluation sample (eval, text[]) that are neither
 * labeled nor under a live lease, in the sample's order, until the batch
 * holds want of them: an annotator labels them without the model's guess.
 */
void
take_eval(Batch *b, Datum eval, int want)
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
	Datum		args[3];

	want -= batch_count(b, KIND_EVAL);
	if (want <= 0)
		return;
	args[0] = Int64GetDatum(b->l->id);
	args[1] = eval;
	args[2] = Int32GetDatum(want + b->slack);
	/* fresh snapshot, as in eval_share */
	learner_store_exec(sql, 3, types, args, false, 0);
	for (uint64 i = 0; i < SPI_processed && want > 0; i++)
		if (batch_take_unscored(b, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1), KIND_EVAL))
			want--;
}

/* Choose the learner's disagreements for an adjudicator, the longest waiting first. */
void
take_disagreements(Batch *b)
{
	int			limit = b->k - b->n + b->slack;
	char	  **ids = (char **) palloc(sizeof(char *) * limit);

	batch_take_list(b, ids, overlap_disagreements(b->l, b->annotator, limit, ids), KIND_ADJUDICATE,
					b->k - b->n);
}

/*
 * Which of the m items (kinds: where they come from) are open to the
 * batch's annotator, read with a fresh snapshot: an evaluation item that
 * nobody holds and nobody labeled; a disagreement that nobody holds, with
 * no label of the annotator's and no adjudication; any other that the
 * annotator neither labeled nor holds, without an adjudication, with fewer
 * than overlap labels and live leases together.  Each item's labels and
 * leases are counted by one descent of each table's item index
 * (item_probe.c), not by SQL whose plan the statistics decide.
 */
void
open_items(Batch *b, char **items, const char *kinds, int m, bool *open)
{
	if (m == 0)
		return;
	batch_fresh_probe(b);
	for (int i = 0; i < m; i++)
	{
		ItemCounts	c;

		item_probe_count(b->probe, b->l->id, items[i], b->annotator, &c);
		if (kinds[i] == KIND_EVAL)
			open[i] = c.leases == 0 && c.labels == 0;
		else if (kinds[i] == KIND_ADJUDICATE)
			open[i] = c.leases == 0 && c.labels_mine == 0;
		else
			open[i] = c.labels_mine == 0 && c.leases_mine == 0 &&
				c.labels + c.leases < b->l->options.overlap;
	}
}

