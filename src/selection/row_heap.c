/*
 * row_heap.c - a bounded heap of rows with their features (row_heap.h),
 * on the top-k heap of src/core/topk.c.  A row evicted from the heap frees
 * its id.
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "row_heap.h"

/* splitmix64's finalizer: a 64-bit mixing function. */
static uint64
mix64(uint64 z)
{
	z += UINT64CONST(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64CONST(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * A seeded key of an id's text: FNV-1a over its bytes from a
 * seed-dependent start, mixed; the same on every platform.  The rows of
 * smallest key are a uniform sample that depends on the seed and the ids
 * only.
 */
uint64
row_heap_hash_key(const char *id, uint64 seed)
{
	uint64		h = mix64(seed);
	const unsigned char *p;

	for (p = (const unsigned char *) id; *p; p++)
		h = (h ^ *p) * UINT64CONST(0x100000001b3);
	return mix64(h);
}

/* Heap order after the score: the key, then the id's bytes. */
static int
row_cmp(const TopkEntry *a, const TopkEntry *b, void *arg)
{
	const HeapRow *rows = arg;
	const HeapRow *x = &rows[a->id];
	const HeapRow *y = &rows[b->id];

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* An empty heap of k rows of width floats, with ids kept in cxt. */
void
row_heap_init(RowHeap *h, int k, int width, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);

	h->k = k;
	h->count = 0;
	h->width = width;
	h->heap = palloc_extended(sizeof(TopkEntry) * Max(k, 1), MCXT_ALLOC_HUGE);
	h->rows = palloc_extended(sizeof(HeapRow) * ((Size) k + 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	h->x = palloc_extended(sizeof(float) * Max((Size) k * width, 1), MCXT_ALLOC_HUGE);
	h->order.id_cmp = row_cmp;
	h->order.arg = h->rows;
	h->cxt = cxt;
	h->long_id_bytes = 0;
	MemoryContextSwitchTo(old);
}

/* The bytes of an id beyond ROW_HEAP_ID_BYTES (its copy's, with the terminator). */
static Size
long_id_excess(const char *id)
{
	Size		len = strlen(id) + 1;

	return len > ROW_HEAP_ID_BYTES ? len - ROW_HEAP_ID_BYTES : 0;
}

/*
 * Offer a row: if it ranks among the k best, keep it in a free slot or in
 * the slot of the row it pushes out (whose id is freed).
 */
void
row_heap_offer(RowHeap *h, double score, uint64 key, const char *id, const float *x, double aux)
{
	TopkEntry	e = {0};
	HeapRow    *slot;

	if (h->k == 0 || topk_fast_reject(h->heap, h->count, h->k, score))
		return;
	h->rows[h->k].key = key;
	h->rows[h->k].id = (char *) id;
	e.score = score;
	e.id = (uint64) h->k;
	if (!topk_accepts(h->heap, h->count, h->k, &e, &h->order))
		return;
	e.id = h->count < h->k ? (uint64) h->count : h->heap[0].id;
	slot = &h->rows[e.id];
	if (h->count == h->k)
	{
		h->long_id_bytes -= long_id_excess(slot->id);
		pfree(slot->id);
	}
	slot->key = key;
	slot->id = MemoryContextStrdup(h->cxt, id);
	h->long_id_bytes += long_id_excess(slot->id);
	slot->score = score;
	slot->aux = aux;
	if (h->width > 0)
		memcpy(h->x + e.id * (Size) h->width, x, sizeof(float) * h->width);
	topk_insert(h->heap, &h->count, h->k, &e, &h->order, NULL);
}

/* Sort the kept rows best first (then row_heap_row(h, 0) is the best). */
void
row_heap_sort(RowHeap *h)
{
	topk_sort(h->heap, h->count, &h->order);
}

/* The floats of the rows in their sorted order, contiguous (sorts h). */
float *
row_heap_sorted_x(RowHeap *h)
{
	float	   *x = palloc_extended(sizeof(float) * Max((Size) h->count * h->width, 1), MCXT_ALLOC_HUGE);
	int			i;

	row_heap_sort(h);
	for (i = 0; i < h->count; i++)
		memcpy(x + (Size) i * h->width, row_heap_x(h, i), sizeof(float) * h->width);
	return x;
}
