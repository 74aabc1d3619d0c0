/*
 * topk.c - bounded heap for top-k selection (see topk.h).
 *
 * The heap is an array in the usual implicit binary-tree layout whose root
 * ranks last: every parent ranks after (or equal to) its children under
 * topk_rank_cmp.  Insertion into a non-full heap sifts up, replacement of
 * the root sifts down; both are O(log k).  The final ordering is an in-place
 * heapsort, so no qsort_r and no extra memory is needed.
 */
#include <string.h>

#include "topk.h"

/*
 * Last resort for entries SQL cannot tell apart (equal score, equal id):
 * order them by the bits of the score, so that -0 and +0 (or two NaN
 * payloads) of the same id are kept and printed the same way whatever the
 * order of the input.  Invisible in the result, which holds only ids.
 */
static int
topk_bits_cmp(double a, double b)
{
	uint64_t	x,
				y;

	memcpy(&x, &a, sizeof(x));
	memcpy(&y, &b, sizeof(y));
	return (x > y) - (x < y);
}

/* bigint ids (the id field as a signed 64-bit value): numeric order. */
int
topk_cmp_id_int64(const TopkEntry *a, const TopkEntry *b, void *arg)
{
	int64_t		x = (int64_t) a->id;
	int64_t		y = (int64_t) b->id;

	(void) arg;
	return (x > y) - (x < y);
}

/*
 * Byte-string ids (uuid, text in the C collation): memcmp, a prefix first.
 * arg is a TopkIdCmpArg naming the id area of non-external entries.
 */
int
topk_cmp_id_bytes(const TopkEntry *a, const TopkEntry *b, void *arg)
{
	const char *area = ((const TopkIdCmpArg *) arg)->area;
	uint32_t	n = a->len < b->len ? a->len : b->len;
	int			c = n > 0 ? memcmp(topk_id_bytes(a, area), topk_id_bytes(b, area), n) : 0;

	if (c != 0)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

/*
 * Rank order of two entries: negative when a ranks before b (a higher
 * score, or the same score and a smaller id), positive when after, 0 only
 * when the two are identical.  NULL ids rank after every non-NULL id of the
 * same score, as ORDER BY id ASC (NULLS LAST) does.
 */
int
topk_rank_cmp(const TopkEntry *a, const TopkEntry *b, const TopkOrder *order)
{
	int			c = topk_score_cmp(b->score, a->score);
	int			anull,
				bnull;

	if (c != 0)
		return c;
	anull = (a->flags & TOPK_ID_NULL) != 0;
	bnull = (b->flags & TOPK_ID_NULL) != 0;
	if (anull || bnull)
		c = anull - bnull;
	else
		c = order->id_cmp(a, b, order->arg);
	return c != 0 ? c : topk_bits_cmp(a->score, b->score);
}

/*
 * Would the candidate enter the heap?  Yes while it is not full, otherwise
 * only when it ranks strictly before the root (ties keep the incumbent:
 * indistinguishable entries make the same output either way).
 */
int
topk_accepts(const TopkEntry *heap, int count, int k,
			 const TopkEntry *cand, const TopkOrder *order)
{
	if (count < k)
		return 1;
	if (topk_fast_reject(heap, count, k, cand->score))
		return 0;
	return topk_rank_cmp(cand, &heap[0], order) < 0;
}

/* Move heap[i] up while it ranks after its parent. */
static void
topk_sift_up(TopkEntry *heap, int i, const TopkOrder *order)
{
	TopkEntry	e = heap[i];

	while (i > 0)
	{
		int			parent = (i - 1) / 2;

		if (topk_rank_cmp(&heap[parent], &e, order) >= 0)
			break;
		heap[i] = heap[parent];
		i = parent;
	}
	heap[i] = e;
}

/* Move heap[i] down while a child ranks after it (n = heap size). */
static void
topk_sift_down(TopkEntry *heap, int n, int i, const TopkOrder *order)
{
	TopkEntry	e = heap[i];

	for (;;)
	{
		int			child = 2 * i + 1;

		if (child >= n)
			break;
		if (child + 1 < n &&
			topk_rank_cmp(&heap[child + 1], &heap[child], order) > 0)
			child++;
		if (topk_rank_cmp(&heap[child], &e, order) <= 0)
			break;
		heap[i] = heap[child];
		i = child;
	}
	heap[i] = e;
}

/*
 * Put an entry the caller has already accepted (topk_accepts) into the heap:
 * append it while the heap holds fewer than k entries (the array must have
 * room), else replace the root.  Returns 1 and fills *evicted (if not NULL)
 * when an entry was pushed out, 0 otherwise.
 */
int
topk_insert(TopkEntry *heap, int *count, int k, const TopkEntry *e,
			const TopkOrder *order, TopkEntry *evicted)
{
	if (*count < k)
	{
		heap[*count] = *e;
		topk_sift_up(heap, (*count)++, order);
		return 0;
	}
	if (evicted)
		*evicted = heap[0];
	heap[0] = *e;
	topk_sift_down(heap, *count, 0, order);
	return 1;
}

/*
 * topk_accepts + topk_insert for callers whose ids need no storage.
 * Returns -1 when the candidate was rejected, else topk_insert's result.
 */
int
topk_offer(TopkEntry *heap, int *count, int k, const TopkEntry *cand,
		   const TopkOrder *order, TopkEntry *evicted)
{
	if (!topk_accepts(heap, *count, k, cand, order))
		return -1;
	return topk_insert(heap, count, k, cand, order, evicted);
}

/* Establish the heap order on an arbitrary array in O(count). */
void
topk_heapify(TopkEntry *heap, int count, const TopkOrder *order)
{
	int			i;

	for (i = count / 2 - 1; i >= 0; i--)
		topk_sift_down(heap, count, i, order);
}

/* Check the heap order (for validation and tests): 1 if it holds. */
int
topk_is_heap(const TopkEntry *heap, int count, const TopkOrder *order)
{
	int			i;

	for (i = 1; i < count; i++)
		if (topk_rank_cmp(&heap[(i - 1) / 2], &heap[i], order) < 0)
			return 0;
	return 1;
}

/*
 * Sort entries best first (the result order of top_k) in place:
 * heapify, then repeatedly move the root (the worst left) to the end.
 */
void
topk_sort(TopkEntry *e, int count, const TopkOrder *order)
{
	int			n;

	topk_heapify(e, count, order);
	for (n = count - 1; n > 0; n--)
	{
		TopkEntry	tmp = e[0];

		e[0] = e[n];
		e[n] = tmp;
		topk_sift_down(e, n, 0, order);
	}
}

/*
 * Compaction of referenced ids: copy the bytes of every non-NULL entry
 * (entry.id = offset in src, entry.len = length) to consecutive places in
 * dst and point the entries there.  src and dst must not overlap.  Returns
 * the number of bytes written, the sum of the lengths.
 */
size_t
topk_pack_ids(TopkEntry *e, int count, const char *src, char *dst)
{
	size_t		used = 0;
	int			i;

	for (i = 0; i < count; i++)
	{
		if (e[i].flags & TOPK_ID_NULL)
		{
			e[i].id = 0;
			e[i].len = 0;
			continue;
		}
		if (e[i].len > 0)
			memcpy(dst + used, src + e[i].id, e[i].len);
		e[i].id = used;
		used += e[i].len;
	}
	return used;
}
