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
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
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

/* Start probing (with a fresh snapshot). */
ItemProbe *
item_probe_begin(void)
{
	ItemProbe  *p = (ItemProbe *) palloc0(sizeof(ItemProbe));

	probe_table_open(&p->labels, "labels", "labels_item_annotator", "adjudicated", BOOLOID);
	probe_table_open(&p->leases, "leases", "leases_item", "expires_at", TIMESTAMPTZOID);
	p->now = GetCurrentTransactionStartTimestamp();
	item_probe_refresh(p);
	return p;
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

/*
 * Count t's visible rows of learner and item (key: its al.item_key): *n of
 * them, *mine those of annotator (or, in al.labels, adjudicated ones); in
 * al.leases only the live ones.
 */
static void
probe_table_count(ItemProbe *p, ProbeTable *t, bool leases, int64 learner, Datum key, const char *item,
				  const char *annotator, int *n, int *mine)
{
	ScanKeyData keys[2];
	IndexScanDesc scan;
	int			item_len = strlen(item);
	int			annotator_len = annotator ? strlen(annotator) : 0;

	*n = *mine = 0;
	ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(learner));
	ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_BYTEAEQ, key);
	scan = index_beginscan(t->heap, t->index, p->snapshot, 2, 0);
	index_rescan(scan, keys, 2, NULL, 0);
	while (index_getnext_slot(scan, ForwardScanDirection, t->slot))
	{
		bool		isnull;
		Datum		id = slot_getattr(t->slot, t->item_id, &isnull);
		Datum		extra;
		bool		is_mine;

		if (isnull || !text_is(id, item, item_len))
			continue;			/* another id with the same key */
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

/* Whether item has a label or a live lease of learner (taken, under overlap 1). */
bool
item_probe_taken(ItemProbe *p, int64 learner, const char *item)
{
	ItemCounts	c;

	item_probe_count(p, learner, item, NULL, &c);
	return c.labels + c.leases > 0;
}
