/*
 * item_probe.c - who holds or labeled an item: a learner's rows of an item
 * in al.leases and al.labels, read straight from their item indexes.
 *
 * al.next_batch asks this for every row of the ranking it walks and every
 * item it claims.  It asked SQL (a correlated count per row), and the
 * planner chose the index: with the statistics of an empty al.labels (a new
 * deployment, or one analyzed before its first labels) it probed
 * al.labels through its (learner_id, serial) index and read every label of
 * the learner for each row: with 4 annotators labeling, batches went from
 * 4 ms to 40 ms as the labels grew to a few thousand, and would to seconds
 * with more.  No statistics decide here: each probe is one descent of the
 * unique index (learner_id, al.item_key(item_id), annotator) of each table,
 * with a fresh snapshot taken per probe set.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/xact.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "item_probe.h"
#include "learner_api.h"

/* One of the two tables, its item index and the columns a probe reads. */
typedef struct ProbeTable
{
	Relation	heap;
	Relation	index;
	TupleTableSlot *slot;
	AttrNumber	item_id;
	AttrNumber	annotator;
	AttrNumber	extra;			/* al.leases: expires_at; al.labels: adjudicated */
} ProbeTable;

struct ItemProbe
{
	ProbeTable	labels;
	ProbeTable	leases;
	Snapshot	snapshot;
	TimestampTz now;			/* a lease is live while it ends after the statement's now() */
};

/* The number of column name of rel, which must be of type typid. */
static AttrNumber
probe_column(Relation rel, const char *name, Oid typid)
{
	AttrNumber	attnum = get_attnum(RelationGetRelid(rel), name);

	if (attnum == InvalidAttrNumber || get_atttype(RelationGetRelid(rel), attnum) != typid)
		elog(ERROR, "al_ext's table %s has no column %s of the expected type", RelationGetRelationName(rel), name);
	return attnum;
}

/*
 * Open al.<table> and its index al.<index>, whose first two columns must be
 * learner_id and an expression (al.item_key(item_id): al_ext made it so).
 */
static void
probe_table_open(ProbeTable *t, const char *table, const char *index, const char *extra, Oid extra_type)
{
	Oid			nsp = get_namespace_oid("al", false);
	Oid			heap_oid = get_relname_relid(table, nsp);
	Oid			index_oid = get_relname_relid(index, nsp);

	if (!OidIsValid(heap_oid) || !OidIsValid(index_oid))
		elog(ERROR, "al_ext's table al.%s or its index al.%s is missing", table, index);
	t->heap = table_open(heap_oid, AccessShareLock);
	t->index = index_open(index_oid, AccessShareLock);
	if (t->index->rd_index->indrelid != heap_oid || t->index->rd_index->indnkeyatts < 2 ||
		t->index->rd_index->indkey.values[0] != probe_column(t->heap, "learner_id", INT8OID) ||
		t->index->rd_index->indkey.values[1] != 0)
		elog(ERROR, "al_ext's index al.%s is not the item index of al.%s", index, table);
	t->item_id = probe_column(t->heap, "item_id", TEXTOID);
	t->annotator = probe_column(t->heap, "annotator", TEXTOID);
	t->extra = probe_column(t->heap, extra, extra_type);
	t->slot = table_slot_create(t->heap, NULL);
}

/* Close what probe_table_open opened (its locks stay to the transaction's end, as PostgreSQL's do). */
static void
probe_table_close(ProbeTable *t)
{
	ExecDropSingleTupleTableSlot(t->slot);
	index_close(t->index, NoLock);
	table_close(t->heap, NoLock);
}

/* Start probing with snapshot (NULL: a fresh one). */
static ItemProbe *
probe_open(Snapshot snapshot)
{
	ItemProbe  *p = (ItemProbe *) palloc0(sizeof(ItemProbe));

	probe_table_open(&p->labels, "labels", "labels_item_annotator", "adjudicated", BOOLOID);
	probe_table_open(&p->leases, "leases", "leases_item", "expires_at", TIMESTAMPTZOID);
	p->now = GetCurrentTransactionStartTimestamp();
	if (snapshot != NULL)
		p->snapshot = RegisterSnapshot(snapshot);
	else
		item_probe_refresh(p);
	return p;
}

/* Start probing (with a fresh snapshot). */
ItemProbe *
item_probe_begin(void)
{
	return probe_open(NULL);
}

/*
 * Take a fresh snapshot: it sees what the other batches committed until now,
 * and what this transaction wrote before.
 */
void
item_probe_refresh(ItemProbe *p)
{
	if (p->snapshot != NULL)
		UnregisterSnapshot(p->snapshot);
	p->snapshot = RegisterSnapshot(GetLatestSnapshot());
}

/* Stop probing. */
void
item_probe_end(ItemProbe *p)
{
	UnregisterSnapshot(p->snapshot);
	probe_table_close(&p->labels);
	probe_table_close(&p->leases);
	pfree(p);
}

/* Whether the text datum d is the string s (of length len), byte for byte as text equality is. */
static bool
text_is(Datum d, const char *s, int len)
{
	text	   *t = DatumGetTextPP(d);
	bool		same = VARSIZE_ANY_EXHDR(t) == len && memcmp(VARDATA_ANY(t), s, len) == 0;

	if ((Pointer) t != DatumGetPointer(d))
		pfree(t);
	return same;
}

/* Begin a scan of t's rows of learner and key (an item's al.item_key) through its item index. */
static IndexScanDesc
probe_scan_begin(ItemProbe *p, ProbeTable *t, int64 learner, Datum key)
{
	ScanKeyData keys[2];
	IndexScanDesc scan;

	ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(learner));
	ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_BYTEAEQ, key);
	scan = index_beginscan(t->heap, t->index, p->snapshot, 2, 0);
	index_rescan(scan, keys, 2, NULL, 0);
	return scan;
}

/* The next visible row of the scan that is of item (of length len) into t->slot; false at the end. */
static bool
probe_scan_next(IndexScanDesc scan, ProbeTable *t, const char *item, int len)
{
	while (index_getnext_slot(scan, ForwardScanDirection, t->slot))
	{
		bool		isnull;
		Datum		id = slot_getattr(t->slot, t->item_id, &isnull);

		if (!isnull && text_is(id, item, len))
			return true;
		/* else another id with the same key */
	}
	return false;
}

/*
 * Count t's visible rows of learner and item (key: its al.item_key): *n of
 * them, *mine those of annotator (or, in al.labels, adjudicated ones); in
 * al.leases only the live ones.
 */
static void
probe_table_count(ItemProbe *p, ProbeTable *t, bool leases, int64 learner, Datum key, const char *item,
				  const char *annotator, int *n, int *mine)
{
	IndexScanDesc scan = probe_scan_begin(p, t, learner, key);
	int			item_len = strlen(item);
	int			annotator_len = annotator ? strlen(annotator) : 0;

	*n = *mine = 0;
	while (probe_scan_next(scan, t, item, item_len))
	{
		bool		isnull;
		Datum		extra;
		bool		is_mine;

		extra = slot_getattr(t->slot, t->extra, &isnull);
		if (leases && (isnull || DatumGetTimestampTz(extra) <= p->now))
			continue;			/* an ended lease */
		is_mine = annotator != NULL &&
			text_is(slot_getattr(t->slot, t->annotator, &isnull), annotator, annotator_len);
		if (!leases && !isnull && DatumGetBool(extra))
			is_mine = true;		/* an adjudicated label settles the item for everyone */
		(*n)++;
		(*mine) += is_mine;
	}
	index_endscan(scan);
}

/*
 * Count learner's labels and live leases of item, as the snapshot sees
 * them; "mine" are annotator's (annotator may be NULL), and for labels the
 * adjudicated ones too.
 */
void
item_probe_count(ItemProbe *p, int64 learner, const char *item, const char *annotator, ItemCounts *c)
{
	Datum		key = DirectFunctionCall1(al_item_key, CStringGetTextDatum(item));

	probe_table_count(p, &p->labels, false, learner, key, item, annotator, &c->labels, &c->labels_mine);
	probe_table_count(p, &p->leases, true, learner, key, item, annotator, &c->leases, &c->leases_mine);
	pfree(DatumGetPointer(key));
}

/* Whether tid is one of the n sorted tids. */
static bool
tid_among(const ItemPointerData *tids, int n, ItemPointer tid)
{
	int			lo = 0,
				hi = n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = ItemPointerCompare((ItemPointer) &tids[mid], tid);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* qsort comparator of tids. */
static int
tid_cmp(const void *a, const void *b)
{
	return ItemPointerCompare((ItemPointer) a, (ItemPointer) b);
}

/*
 * The tids of learner's rows in al.leases of the items (a text[], NULL
 * elements skipped), ended leases too, as snapshot sees them, except the
 * n_skip sorted tids skip; into *out, returns how many.
 */
static int
lease_tids(int64 learner, Datum items, Snapshot snapshot, const ItemPointerData *skip, int n_skip,
		   ItemPointerData **out)
{
	ItemProbe  *p = probe_open(snapshot);
	Datum	   *ids;
	bool	   *nulls;
	int			n;
	int			cap;
	int			found = 0;
	ItemPointerData *tids;

	deconstruct_array(DatumGetArrayTypeP(items), TEXTOID, -1, false, TYPALIGN_INT, &ids, &nulls, &n);
	cap = Max(n, 1);
	tids = (ItemPointerData *) palloc_extended(sizeof(ItemPointerData) * cap, MCXT_ALLOC_HUGE);
	for (int i = 0; i < n; i++)
	{
		char	   *item;
		Datum		key;
		IndexScanDesc scan;

		if (nulls[i])
			continue;
		item = TextDatumGetCString(ids[i]);
		key = DirectFunctionCall1(al_item_key, ids[i]);
		scan = probe_scan_begin(p, &p->leases, learner, key);
		while (probe_scan_next(scan, &p->leases, item, strlen(item)))
		{
			if (tid_among(skip, n_skip, &p->leases.slot->tts_tid))
				continue;
			if (found == cap)
			{
				cap *= 2;
				tids = (ItemPointerData *) repalloc_huge(tids, sizeof(ItemPointerData) * cap);
			}
			tids[found++] = p->leases.slot->tts_tid;
		}
		index_endscan(scan);
		pfree(DatumGetPointer(key));
		pfree(item);
	}
	item_probe_end(p);
	*out = tids;
	return found;
}

/* The n tids as a tid[]. */
static Datum
tid_array(ItemPointerData *tids, int n)
{
	Datum	   *elems = (Datum *) palloc_extended(sizeof(Datum) * Max(n, 1), MCXT_ALLOC_HUGE);

	for (int i = 0; i < n; i++)
		elems[i] = PointerGetDatum(&tids[i]);
	return PointerGetDatum(construct_array(elems, n, TIDOID, sizeof(ItemPointerData), false, TYPALIGN_SHORT));
}

/*
 * End leases: run sql, a DELETE of al.leases whose condition is
 * LEASE_TIDS_SQL with the tids its last parameter (args[nargs - 1], set
 * here), on learner's lease rows of the items (a text[]); returns how many
 * rows it deleted.  The DELETE reads only those rows (a TID scan),
 * rechecking its own conditions: joined with unnest(items), an al.leases
 * whose statistics knew none of the learner's leases (a new deployment, a
 * new learner) was planned as a hash join over every lease of the learner.
 * The tids are found with the DELETE's own snapshot (a lease renewed and
 * committed after a probe's snapshot is not at the tid found then; under
 * REPEATABLE READ the DELETE must see the version it would have joined,
 * and fail to serialize if it was updated).  A lease updated while the
 * DELETE waits for its row (al.next_batch renewing it) has a new tid: a
 * sequential scan's recheck of the ctid condition drops that version, so
 * the rows are probed again with a new snapshot until no tid is new.
 */
int64
item_probe_end_leases(int64 learner, Datum items, const char *sql, int nargs, Oid *types, Datum *args)
{
	ItemPointerData *tried = NULL;
	int			n_tried = 0;
	int64		ended = 0;

	for (;;)
	{
		ItemPointerData *tids;
		int			n;
		Snapshot	snapshot;

		/* the snapshot a DELETE of the store takes: this transaction's writes so far, too */
		CommandCounterIncrement();
		PushCopiedSnapshot(GetTransactionSnapshot());
		UpdateActiveSnapshotCommandId();
		snapshot = GetActiveSnapshot();
		n = lease_tids(learner, items, snapshot, tried, n_tried, &tids);
		if (n > 0)
		{
			args[nargs - 1] = tid_array(tids, n);
			learner_store_exec_snapshot(sql, nargs, types, args, snapshot);
			ended += (int64) SPI_processed;
		}
		PopActiveSnapshot();
		if (n == 0)
			break;
		/* the rows tried stay skipped: they were ended, or their conditions do not hold */
		tried = tried ? (ItemPointerData *) repalloc_huge(tried, sizeof(ItemPointerData) * (n_tried + n)) :
			(ItemPointerData *) palloc_extended(sizeof(ItemPointerData) * n, MCXT_ALLOC_HUGE);
		memcpy(tried + n_tried, tids, sizeof(ItemPointerData) * n);
		n_tried += n;
		qsort(tried, n_tried, sizeof(ItemPointerData), tid_cmp);
		pfree(tids);
	}
	return ended;
}

/* Whether item has a label or a live lease of learner (taken, under overlap 1). */
bool
item_probe_taken(ItemProbe *p, int64 learner, const char *item)
{
	ItemCounts	c;

	item_probe_count(p, learner, item, NULL, &c);
	return c.labels + c.leases > 0;
}
