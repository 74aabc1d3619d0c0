/*
 * toast_batch.c - read a round's out-of-line feature values in one
 * sequential pass over their TOAST table.
 *
 * A 768-float embedding is stored out of line (in the pool's TOAST table,
 * two chunks of about 2 kB).  Detoasting it alone costs a lookup in the
 * TOAST index, two heap fetches and opening and locking the TOAST table
 * and its index: on a 1,000,000 x 768 pool that is four fifths of a round,
 * while a sequential scan of the same TOAST table takes a fifth of the time.
 * So the round defers the values it needs (their TOAST pointers, which it
 * gets from its query without detoasting), and reads them here: when they
 * make up a good share of their TOAST table, by one sequential scan of it
 * that assembles the wanted values chunk by chunk; otherwise, and for
 * anything the scan could not assemble, one by one with detoast_attr().
 *
 * The scan only reads what PostgreSQL's own detoasting would read (the
 * chunks of values whose pointers the round's query returned, with the
 * same TOAST snapshot); other values' chunks are skipped unread.  Any
 * chunk that does not fit its value (number, size, a toasted chunk, a
 * duplicate) sends that value to detoast_attr(), whose checks then decide;
 * a chunk arriving for a value already assembled is data corruption.
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/heapam.h"
#include "access/heaptoast.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/toast_internals.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "toast_batch.h"

/*
 * A sequential scan pays when the wanted values are at least a quarter of
 * their TOAST table: a value fetched alone costs about five times its share
 * of a scan (make bench, section rounds).
 */
#define SCAN_SHARE_DIVISOR 4

/* Most bytes of values assembled at once (their chunks interleaved); beyond it, one by one. */
#define PARTIAL_MAX_BYTES (64 * 1024 * 1024)

static bool toast_scan = true;

typedef enum WantState
{
	WANT_NEW,
	WANT_STARTED,
	WANT_DONE,
	WANT_ALONE					/* read with detoast_attr() */
} WantState;

/* A deferred value: its TOAST pointer and the item it belongs to. */
typedef struct Wanted
{
	struct varatt_external ptr;
	int64		ord;			/* order of deferral: ties of the sort */
	const char *item;
	char	   *buf;			/* while assembled: the varlena */
	uint8	   *seen;			/* and which chunks arrived */
	int32		got;
	WantState	state;
} Wanted;

struct ToastBatch
{
	MemoryContext cxt;			/* item copies, reset after each read */
	Wanted	   *w;
	int64		n;
	int64		cap;
	Size		bytes;			/* counted against max_bytes */
	Size		max_bytes;
	Size		partial;		/* bytes of values being assembled */
};

/* The GUC al_ext.toast_scan. */
void
al_toast_batch_define_gucs(void)
{
	DefineCustomBoolVariable("al_ext.toast_scan",
							 "Whether a round reads many out-of-line features in one pass over their TOAST table.",
							 "When on (the default), a round that needs a good share of a TOAST table's "
							 "values reads them with one sequential scan of it instead of one index lookup "
							 "each; the values, and so the ranking, are the same.",
							 &toast_scan, true, PGC_USERSET, 0, NULL, NULL, NULL);
}

/* A batch that defers values until they take max_bytes (then toast_batch_full). */
ToastBatch *
toast_batch_create(Size max_bytes)
{
	ToastBatch *b = (ToastBatch *) palloc0(sizeof(ToastBatch));

	b->cxt = AllocSetContextCreate(CurrentMemoryContext, "al_ext toast batch", ALLOCSET_DEFAULT_SIZES);
	b->cap = 1024;
	b->w = (Wanted *) palloc(sizeof(Wanted) * b->cap);
	b->max_bytes = max_bytes;
	return b;
}

/*
 * Defer value (item's features) if it is stored out of line on disk and
 * al_ext.toast_scan is on: true if deferred (item is copied), false if the
 * caller reads it now.
 */
bool
toast_batch_defer(ToastBatch *b, Datum value, const char *item)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(value);
	Wanted	   *e;

	if (!toast_scan || !VARATT_IS_EXTERNAL_ONDISK(v))
		return false;
	if (b->n == b->cap)
	{
		b->cap *= 2;
		b->w = (Wanted *) repalloc_huge(b->w, sizeof(Wanted) * b->cap);
	}
	e = &b->w[b->n];
	VARATT_EXTERNAL_GET_POINTER(e->ptr, v);
	e->ord = b->n++;
	e->item = MemoryContextStrdup(b->cxt, item);
	e->buf = NULL;
	e->seen = NULL;
	e->got = 0;
	e->state = WANT_NEW;
	b->bytes += sizeof(Wanted) + strlen(item) + 1 + 2 * sizeof(void *);
	return true;
}

/* Whether the deferred values take their budget: read them now. */
bool
toast_batch_full(const ToastBatch *b)
{
	return b->bytes >= b->max_bytes;
}

/* How many values are deferred. */
int64
toast_batch_pending(const ToastBatch *b)
{
	return b->n;
}

/* Order of the reading: by TOAST table, value, then deferral. */
static int
wanted_cmp(const void *pa, const void *pb)
{
	const Wanted *a = (const Wanted *) pa;
	const Wanted *b = (const Wanted *) pb;

	if (a->ptr.va_toastrelid != b->ptr.va_toastrelid)
		return a->ptr.va_toastrelid < b->ptr.va_toastrelid ? -1 : 1;
	if (a->ptr.va_valueid != b->ptr.va_valueid)
		return a->ptr.va_valueid < b->ptr.va_valueid ? -1 : 1;
	return a->ord < b->ord ? -1 : (a->ord > b->ord);
}

/* The stored size of a value (compressed or not) and its number of chunks. */
static int32
value_extsize(const Wanted *e)
{
	return VARATT_EXTERNAL_GET_EXTSIZE(e->ptr);
}

static int32
value_chunks(const Wanted *e)
{
	return (value_extsize(e) - 1) / TOAST_MAX_CHUNK_SIZE + 1;
}

/* Call fn for every item of the run of entries [r, hi) sharing e's value. */
static void
deliver(ToastBatch *b, int64 r, int64 hi, Datum value, ToastValueFn fn, void *arg)
{
	Oid			id = b->w[r].ptr.va_valueid;

	for (int64 i = r; i < hi && b->w[i].ptr.va_valueid == id; i++)
		fn(arg, b->w[i].item, value);
}

/* Read the value of run r alone, as any detoasting does, and deliver it. */
static void
read_alone(ToastBatch *b, int64 r, int64 hi, ToastValueFn fn, void *arg)
{
	char		pointer[VARHDRSZ_EXTERNAL + sizeof(struct varatt_external)];
	struct varlena *v;

	SET_VARTAG_EXTERNAL(pointer, VARTAG_ONDISK);
	memcpy(VARDATA_EXTERNAL(pointer), &b->w[r].ptr, sizeof(struct varatt_external));
	v = detoast_attr((struct varlena *) pointer);
	deliver(b, r, hi, PointerGetDatum(v), fn, arg);
	pfree(v);
}

/* Give up assembling run r: it is read alone after the scan. */
static void
assemble_abandon(ToastBatch *b, Wanted *e)
{
	if (e->buf != NULL)
	{
		pfree(e->buf);
		pfree(e->seen);
		e->buf = NULL;
		e->seen = NULL;
		b->partial -= value_extsize(e);
	}
	e->state = WANT_ALONE;
}

/* The first entry of [lo, hi) whose value is id, or -1. */
static int64
find_run(const ToastBatch *b, int64 lo, int64 hi, Oid id)
{
	int64		end = hi;

	while (lo < hi)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (b->w[mid].ptr.va_valueid < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < end && b->w[lo].ptr.va_valueid == id) ? lo : -1;
}

/* A chunk's data and length, or NULL if it is itself toasted or compressed. */
static char *
chunk_data(struct varlena *chunk, int32 *size)
{
	if (!VARATT_IS_EXTENDED(chunk))
	{
		*size = VARSIZE(chunk) - VARHDRSZ;
		return VARDATA(chunk);
	}
	if (VARATT_IS_SHORT(chunk))
	{
		*size = VARSIZE_SHORT(chunk) - VARHDRSZ_SHORT;
		return VARDATA_SHORT(chunk);
	}
	return NULL;
}

/* The assembled value of run r is complete: make it a varlena, deliver it, free it. */
static void
assemble_finish(ToastBatch *b, int64 r, int64 hi, ToastValueFn fn, void *arg)
{
	Wanted	   *e = &b->w[r];
	struct varlena *v = (struct varlena *) e->buf;
	struct varlena *plain = v;

	if (VARATT_EXTERNAL_IS_COMPRESSED(e->ptr))
	{
		SET_VARSIZE_COMPRESSED(v, value_extsize(e) + VARHDRSZ);
		plain = detoast_attr(v);
	}
	else
		SET_VARSIZE(v, value_extsize(e) + VARHDRSZ);
	deliver(b, r, hi, PointerGetDatum(plain), fn, arg);
	if (plain != v)
		pfree(plain);
	assemble_abandon(b, e);
	e->state = WANT_DONE;
}

/*
 * One chunk tuple of the TOAST table scanned for the runs [lo, hi): add it
 * to its value if that value is wanted, and deliver the value once whole.
 */
static void
take_chunk(ToastBatch *b, int64 lo, int64 hi, Relation rel, HeapTuple tup, ToastValueFn fn,
		   void *arg)
{
	TupleDesc	desc = RelationGetDescr(rel);
	bool		isnull[3];
	Datum		id = heap_getattr(tup, 1, desc, &isnull[0]);
	Datum		seq;
	Datum		chunk;
	int64		r = isnull[0] ? -1 : find_run(b, lo, hi, DatumGetObjectId(id));
	Wanted	   *e;
	char	   *data;
	int32		size,
				s,
				n;

	if (r < 0 || b->w[r].state == WANT_ALONE)
		return;
	e = &b->w[r];
	if (e->state == WANT_DONE)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg_internal("unexpected chunk for toast value %u in %s",
								 e->ptr.va_valueid, RelationGetRelationName(rel))));
	seq = heap_getattr(tup, 2, desc, &isnull[1]);
	chunk = heap_getattr(tup, 3, desc, &isnull[2]);
	data = (isnull[1] || isnull[2]) ? NULL : chunk_data((struct varlena *) DatumGetPointer(chunk), &size);
	n = value_chunks(e);
	s = isnull[1] ? -1 : DatumGetInt32(seq);
	if (data == NULL || s < 0 || s >= n ||
		size != (s < n - 1 ? (int32) TOAST_MAX_CHUNK_SIZE : value_extsize(e) - (n - 1) * (int32) TOAST_MAX_CHUNK_SIZE))
	{
		assemble_abandon(b, e);
		return;
	}
	if (e->state == WANT_NEW)
	{
		if (b->partial >= PARTIAL_MAX_BYTES)
		{
			e->state = WANT_ALONE;
			return;
		}
		e->buf = MemoryContextAlloc(b->cxt, VARHDRSZ + value_extsize(e));
		e->seen = MemoryContextAllocZero(b->cxt, n / 8 + 1);
		b->partial += value_extsize(e);
		e->state = WANT_STARTED;
	}
	if (e->seen[s / 8] & (1 << (s % 8)))
	{
		assemble_abandon(b, e);
		return;
	}
	e->seen[s / 8] |= 1 << (s % 8);
	memcpy(e->buf + VARHDRSZ + (Size) s * TOAST_MAX_CHUNK_SIZE, data, size);
	if (++e->got == n)
		assemble_finish(b, r, hi, fn, arg);
}

/* Whether scanning rel (a TOAST table) pays for wanted bytes of its values, and is possible. */
static bool
scan_pays(Relation rel, double wanted)
{
	return rel->rd_rel->relkind == RELKIND_TOASTVALUE &&
		rel->rd_rel->relam == HEAP_TABLE_AM_OID &&
		RelationGetDescr(rel)->natts == 3 &&
		wanted * SCAN_SHARE_DIVISOR >= (double) RelationGetNumberOfBlocks(rel) * BLCKSZ;
}

/* One sequential scan of rel (a heap TOAST table) for the values of [lo, hi). */
static void
scan_toast(ToastBatch *b, int64 lo, int64 hi, Relation rel, ToastValueFn fn, void *arg)
{
	SnapshotData snapshot;
	TableScanDesc scan;
	HeapTuple	tup;
	uint64		seen = 0;

	init_toast_snapshot(&snapshot);
	/* a bulk-read ring (no eviction of shared buffers), from block 0 */
	scan = table_beginscan_strat(rel, &snapshot, 0, NULL, true, false);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		take_chunk(b, lo, hi, rel, tup, fn, arg);
		if (++seen % 4096 == 0)
			CHECK_FOR_INTERRUPTS();
	}
	table_endscan(scan);
}

/* Read the values of [lo, hi), all in one TOAST table. */
static void
read_group(ToastBatch *b, int64 lo, int64 hi, ToastValueFn fn, void *arg)
{
	Relation	rel = table_open(b->w[lo].ptr.va_toastrelid, AccessShareLock);
	double		wanted = 0;
	int64		values = 0,
				alone = 0;
	bool		scanned = false;

	for (int64 i = lo; i < hi; i++)
		if (i == lo || b->w[i].ptr.va_valueid != b->w[i - 1].ptr.va_valueid)
		{
			wanted += value_extsize(&b->w[i]);
			values++;
		}
	if (scan_pays(rel, wanted))
	{
		scan_toast(b, lo, hi, rel, fn, arg);
		scanned = true;
	}
	for (int64 i = lo; i < hi; i++)
	{
		if (i > lo && b->w[i].ptr.va_valueid == b->w[i - 1].ptr.va_valueid)
			continue;
		if (b->w[i].state != WANT_DONE)
		{
			assemble_abandon(b, &b->w[i]);
			read_alone(b, i, hi, fn, arg);
			alone++;
			CHECK_FOR_INTERRUPTS();
		}
	}
	table_close(rel, AccessShareLock);
	if (scanned)
		elog(DEBUG1, "read " INT64_FORMAT " out-of-line values in one scan of their TOAST table, "
			 INT64_FORMAT " of them alone", values, alone);
	else
		elog(DEBUG1, "read " INT64_FORMAT " out-of-line values one by one", values);
}

/*
 * Read every deferred value and call fn(arg, item, value) for each
 * deferred item (in an order of their TOAST tables and values).  The items
 * stay valid until toast_batch_reset.
 */
void
toast_batch_read(ToastBatch *b, ToastValueFn fn, void *arg)
{
	int64		lo = 0;

	qsort(b->w, b->n, sizeof(Wanted), wanted_cmp);
	while (lo < b->n)
	{
		int64		hi = lo + 1;

		while (hi < b->n && b->w[hi].ptr.va_toastrelid == b->w[lo].ptr.va_toastrelid)
			hi++;
		read_group(b, lo, hi, fn, arg);
		lo = hi;
	}
}

/* Empty the batch (its items are freed). */
void
toast_batch_reset(ToastBatch *b)
{
	b->n = 0;
	b->bytes = 0;
	b->partial = 0;
	MemoryContextReset(b->cxt);
}

/* Free a batch. */
void
toast_batch_free(ToastBatch *b)
{
	MemoryContextDelete(b->cxt);
	pfree(b->w);
	pfree(b);
}
