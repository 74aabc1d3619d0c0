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
#include "batch_lock.h"
#include "eval_set.h"
#include "identity.h"
#include "learner_acl.h"
#include "locks.h"
#include "overlap.h"
#include "probvec.h"
#include "sql_args.h"

PG_FUNCTION_INFO_V1(al_next_batch);
PG_FUNCTION_INFO_V1(al_release);

/* The probvecs of a block of the ranking read by al.next_batch: about 8 MB. */
#define BATCH_BLOCK_BYTES (8 * 1024 * 1024)

/* Rounds of choosing, claiming and checking again before a batch settles for fewer items. */
#define BATCH_PASSES 4

/* Where a chosen item came from: how it is checked again and shown. */
#define KIND_RANKED		's'		/* the ranking: shown with its score, prediction, probvec */
#define KIND_COLD		'r'		/* the cold start: unscored */
#define KIND_EVAL		'e'		/* the evaluation sample: unscored, held or labeled by nobody */
#define KIND_ADJUDICATE 'a'		/* a disagreement, for an adjudicator: unscored */

/*
 * A batch being chosen.  Every item chosen has a position; those found
 * taken when checked again are not alive and are neither leased nor shown.
 * The rows to show wait in `rows`, in the order of their positions.
 */
typedef struct Batch
{
	const Learner *l;
	const char *annotator;
	int			k;				/* items wanted */
	int			n;				/* items chosen and alive */
	int			pos;			/* items chosen */
	int			cap;			/* room in items, kinds, alive */
	int			checked;		/* positions checked again so far */
	char	  **items;
	char	   *kinds;
	bool	   *alive;
	ItemMap    *chosen;			/* item -> position */
	bool		claim;			/* claim items one by one (a small batch) */
	int			slack;			/* extra candidates each source reads */
	int			skipped;		/* candidates another open batch holds, this pass */
	int			eval_want;		/* items of the evaluation sample it takes (-1: not known yet) */
	Tuplestorestate *rows;
	TupleDesc	desc;
	MemoryContext keep;			/* where the ids and rows go */
} Batch;

/*
 * Choose item for the batch if it is new to it and, for a small batch, not
 * claimed by another open batch (then counted as skipped).  The row shown
 * for it (values, nulls: id, score, predicted, probs) waits in b->rows.
 */
static bool
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
static bool
batch_take_unscored(Batch *b, const char *item, char kind)
{
	Datum		values[4] = {0, 0, 0, 0};
	bool		nulls[4] = {false, true, true, true};

	return batch_take(b, item, kind, values, nulls);
}

/* Choose the first of the n candidate ids (in order) until the batch has want of kind. */
static void
batch_take_list(Batch *b, char **ids, int n, char kind, int want)
{
	for (int i = 0; i < n && want > 0 && b->n < b->k; i++)
		if (batch_take_unscored(b, ids[i], kind))
			want--;
}

/* How many alive items of kind the batch holds. */
static int
batch_count(const Batch *b, char kind)
{
	int			c = 0;

	for (int i = 0; i < b->pos; i++)
		c += (b->alive[i] && b->kinds[i] == kind);
	return c;
}

static void open_items(const Batch *b, char **items, const char *kinds, int m, bool *open);

/* Rows of the ranking read at a time: the first ones are mostly taken by the other annotators. */
#define RANKED_BLOCK_ROWS 128

/*
 * The items of the ranking that may not be open to anyone: those with a
 * live lease, and with a label the ranking may still hold (overlap 1: a
 * label no version up to the ranking's was trained on, as the ranking left
 * out the items labeled before it; overlap > 1: any).  Read with a fresh
 * snapshot; a few rows in steady state, however many labels the learner
 * has.
 */
static ItemMap *
maybe_taken_items(const Batch *b)
{
	static const char *sql =
		"SELECT item_id FROM al.labels WHERE learner_id = $1 "
		"AND ($2 > 1 OR trained_in IS NULL OR trained_in > COALESCE("
		"    (SELECT r.model_version FROM al.ranking_state r WHERE r.learner_id = $1), 0)) "
		"UNION ALL SELECT item_id FROM al.leases WHERE learner_id = $1 AND expires_at > pg_catalog.now()";
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		args[2] = {Int64GetDatum(b->l->id), Int32GetDatum(b->l->options.overlap)};
	ItemMap    *map;

	learner_store_exec(sql, 2, types, args, false, 0);
	map = item_map_create("al_ext taken items", Max((long) SPI_processed, 16));
	for (uint64 r = 0; r < SPI_processed; r++)
		item_map_add(map, SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1), 0);
	return map;
}

/*
 * Choose the open rows of one block of the ranking (id, score, predicted,
 * probs; in SPI_tuptable), in order, until the batch is full.  Rows of the
 * evaluation sample (eval) or already in the batch are skipped, and so are
 * those that may be taken (taken) under overlap 1; under a larger overlap
 * those are checked (open_items).  What the batch takes is checked again
 * once claimed.
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

	for (uint64 r = 0; r < nrows; r++)
	{
		char	   *item = SPI_getvalue(rows->vals[r], rows->tupdesc, 1);

		if (item_map_find(eval, item) >= 0 || item_map_find(b->chosen, item) >= 0)
			continue;
		if (item_map_find(taken, item) >= 0)
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
		(void) batch_take(b, ids[i], KIND_RANKED, values, nulls);
	}
	SPI_freetuptable(rows);
}

/*
 * Choose the open rows of the learner's ranking that sql returns (in the
 * hand-out order; $1 the learner), read as the store owner through a
 * cursor planned for its first rows, a block at a time, until the batch is
 * full or the rows run out.
 */
static void
take_ranked_rows(Batch *b, const char *sql, ItemMap *eval, ItemMap *taken)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(b->l->id);
	/* at most RANKED_BLOCK_ROWS rows, and about BATCH_BLOCK_BYTES of probvecs */
	long		block_rows = Max(1, Min(RANKED_BLOCK_ROWS, BATCH_BLOCK_BYTES / PROBVEC_SIZE(b->l->k)));
	MemoryContext block = AllocSetContextCreate(CurrentMemoryContext, "al_ext batch block",
												ALLOCSET_DEFAULT_SIZES);
	SPIPlanPtr	plan;
	Portal		portal;
	AlIdentity	save;

	al_become_store_owner(&save);
	plan = SPI_prepare_cursor(sql, 1, &type, CURSOR_OPT_FAST_PLAN);
	/* not read-only: a fresh snapshot sees what the batches before committed */
	portal = plan ? SPI_cursor_open(NULL, plan, &arg, NULL, false) : NULL;
	al_restore(&save);
	if (portal == NULL)
		elog(ERROR, "could not read the ranking of learner \"%s\"", b->l->name);
	while (b->n < b->k)
	{
		MemoryContext old;

		al_become_store_owner(&save);
		SPI_cursor_fetch(portal, true, block_rows);
		al_restore(&save);
		if (SPI_processed == 0)
			break;
		/* a block's rows, ids and detoasted probvecs go with it (what is kept is copied) */
		old = MemoryContextSwitchTo(block);
		take_ranked_block(b, eval, taken);
		MemoryContextSwitchTo(old);
		MemoryContextReset(block);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
	SPI_freeplan(plan);
	MemoryContextDelete(block);
}

/*
 * Choose from the published ranking until the batch is full: the first
 * items still open to the annotator (see the head of this file) outside
 * the evaluation sample (eval), by rank then score.  The round marked the
 * first rows of the ranking hot and only those are indexed (al.scores_order),
 * so they come in order from the index; the cost grows with the rows taken
 * above the first open ones (skipped by a hash probe), not with the
 * ranking or the labels.  Once the batches took every hot row, the rest
 * of the ranking is read by a scan and sort, until the next round.
 */
static void
take_ranked(Batch *b, ItemMap *eval)
{
	ItemMap    *taken = maybe_taken_items(b);

	take_ranked_rows(b, "SELECT s.item_id, s.score, s.predicted, s.probs FROM al.scores s "
					 "WHERE s.learner_id = $1 AND s.hot ORDER BY s.rank, s.score DESC, s.item_id",
					 eval, taken);
	if (b->n < b->k)
		take_ranked_rows(b, "SELECT s.item_id, s.score, s.predicted, s.probs FROM al.scores s "
						 "WHERE s.learner_id = $1 AND NOT s.hot ORDER BY s.rank, s.score DESC, s.item_id",
						 eval, taken);
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
static void
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
static void
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
static void
take_disagreements(Batch *b)
{
	int			limit = b->k - b->n + b->slack;
	char	  **ids = (char **) palloc(sizeof(char *) * limit);

	batch_take_list(b, ids, overlap_disagreements(b->l, b->annotator, limit, ids), KIND_ADJUDICATE,
					b->k - b->n);
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

/*
 * Which of the m items (kinds: where they come from) are open to the
 * batch's annotator, read with a fresh snapshot: an evaluation item or a
 * disagreement that nobody holds and that has no label of the annotator's
 * (an evaluation item: none at all) and no adjudication; any other that
 * the annotator neither labeled nor holds, without an adjudication, with
 * fewer than overlap labels and live leases together.
 */
static void
open_items(const Batch *b, char **items, const char *kinds, int m, bool *open)
{
	static const char *sql =
		"SELECT u.o FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), "
		"                           pg_catalog.unnest($3::pg_catalog.text[])) WITH ORDINALITY u(item, kind, o), "
		"  LATERAL (SELECT al.item_key(u.item) AS key) k "
		"WHERE CASE WHEN u.kind IN ('e', 'a') THEN "
		"  NOT EXISTS (SELECT 1 FROM al.leases x WHERE x.learner_id = $1 "
		"              AND al.item_key(x.item_id) = k.key AND x.item_id = u.item "
		"              AND x.expires_at > pg_catalog.now()) "
		"  AND NOT EXISTS (SELECT 1 FROM al.labels b WHERE b.learner_id = $1 "
		"                  AND al.item_key(b.item_id) = k.key AND b.item_id = u.item "
		"                  AND (u.kind = 'e' OR b.adjudicated OR b.annotator = $4)) "
		"ELSE "
		"  NOT EXISTS (SELECT 1 FROM al.labels b WHERE b.learner_id = $1 "
		"              AND al.item_key(b.item_id) = k.key AND b.item_id = u.item "
		"              AND (b.annotator = $4 OR b.adjudicated)) "
		"  AND NOT EXISTS (SELECT 1 FROM al.leases x WHERE x.learner_id = $1 "
		"                  AND al.item_key(x.item_id) = k.key AND x.item_id = u.item "
		"                  AND x.annotator = $4 AND x.expires_at > pg_catalog.now()) "
		"  AND (SELECT pg_catalog.count(*) FROM al.labels b WHERE b.learner_id = $1 "
		"       AND al.item_key(b.item_id) = k.key AND b.item_id = u.item) "
		"    + (SELECT pg_catalog.count(*) FROM al.leases x WHERE x.learner_id = $1 "
		"       AND al.item_key(x.item_id) = k.key AND x.item_id = u.item "
		"       AND x.expires_at > pg_catalog.now()) < $5 "
		"END";
	Oid			types[5] = {INT8OID, TEXTARRAYOID, TEXTARRAYOID, TEXTOID, INT4OID};
	Datum		args[5];
	char	  **kind_texts = (char **) palloc(sizeof(char *) * Max(m, 1));

	memset(open, 0, sizeof(bool) * m);
	if (m == 0)
		return;
	for (int i = 0; i < m; i++)
		kind_texts[i] = psprintf("%c", kinds[i]);
	args[0] = Int64GetDatum(b->l->id);
	args[1] = learner_text_array(items, m);
	args[2] = learner_text_array(kind_texts, m);
	args[3] = CStringGetTextDatum(b->annotator);
	args[4] = Int32GetDatum(b->l->options.overlap);
	learner_store_exec(sql, 5, types, args, false, 0);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;

		open[DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull)) - 1] = true;
	}
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

/* The items of the evaluation sample (eval, text[]) as a set. */
static ItemMap *
eval_item_map(Datum eval)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	ItemMap    *map;

	deconstruct_array(DatumGetArrayTypeP(eval), TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	map = item_map_create("al_ext evaluation items", Max(n, 1));
	for (int i = 0; i < n; i++)
		if (!nulls[i])
			item_map_add(map, TextDatumGetCString(elems[i]), i);
	return map;
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
		if (ranking_published(b->l))
			take_ranked(b, eval_map);
		else
			take_cold_start(b);
	}
	if (batch_check(b) == 0 && b->skipped == 0)
		return false;
	/* items were taken meanwhile: read further next time */
	b->slack = Max(2 * b->slack, b->k + b->skipped);
	return b->n < b->k;
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
	for (int pass = 0; pass < BATCH_PASSES && batch_pass(&b, adjudicator, eval, eval_map); pass++)
		;
	batch_finish(&b, rsinfo);
	AtEOXact_GUC(true, guc_level);
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

