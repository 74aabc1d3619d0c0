/*
 * row_heap.h - a bounded heap of table rows with their features: the k best
 * rows of a pass under (score DESC, key ASC, id bytes ASC), each kept with
 * its id, score, an extra value and `width` floats (features, then maybe
 * probabilities).  al.expected_error_reduction keeps its candidates and
 * its sample in two (eer_rows.c), a learner's round its selection
 * candidates (src/loop/round_select.c).  Memory: k rows, never more.
 */
#ifndef AL_ROW_HEAP_H
#define AL_ROW_HEAP_H

#include "postgres.h"

#include "topk.h"

/* A kept row; a heap entry's id is its slot number. */
typedef struct HeapRow
{
	uint64		key;			/* order among equal scores (then the id) */
	char	   *id;				/* the id as text */
	double		score;			/* what the heap orders by */
	double		aux;			/* the caller's value (a round: the row's score) */
} HeapRow;

/* The k best rows; slot k is the scratch slot of the row on offer. */
typedef struct RowHeap
{
	int			k;
	int			count;
	int			width;			/* floats kept per row */
	TopkEntry  *heap;			/* count entries */
	HeapRow    *rows;			/* k + 1 slots */
	float	   *x;				/* k x width floats, by slot */
	Size		long_id_bytes;	/* bytes of the kept ids beyond ROW_HEAP_ID_BYTES
								 * each (what ROW_HEAP_ROW_OVERHEAD leaves out) */
	TopkOrder	order;
	MemoryContext cxt;			/* where kept ids live */
} RowHeap;

/*
 * Bytes a kept row takes besides its floats: its heap entry and slot, and
 * an id of up to ROW_HEAP_ID_BYTES (longer ids: long_id_bytes).
 */
#define ROW_HEAP_ID_BYTES 64
#define ROW_HEAP_ROW_OVERHEAD (sizeof(TopkEntry) + sizeof(HeapRow) + ROW_HEAP_ID_BYTES)

extern uint64 row_heap_hash_key(const char *id, uint64 seed);
extern void row_heap_init(RowHeap *h, int k, int width, MemoryContext cxt);
extern void row_heap_offer(RowHeap *h, double score, uint64 key, const char *id, const float *x,
						   double aux);
extern void row_heap_sort(RowHeap *h);
extern float *row_heap_sorted_x(RowHeap *h);

/* The row of rank i (0 = best) once sorted (row_heap_sort). */
static inline HeapRow *
row_heap_row(const RowHeap *h, int i)
{
	return &h->rows[h->heap[i].id];
}

/* Its floats. */
static inline float *
row_heap_x(const RowHeap *h, int i)
{
	return h->x + h->heap[i].id * (Size) h->width;
}

#endif							/* AL_ROW_HEAP_H */
