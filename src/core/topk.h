/*
 * topk.h - bounded heap for top-k selection (plain C, no PostgreSQL header).
 *
 * The heap keeps the k best entries seen so far.  "Best" is PostgreSQL's
 * ORDER BY score DESC, id ASC: scores in float8 order (NaN above every other
 * value, -0 equal to +0), ties broken by the id, NULL ids after every
 * non-NULL id.  The heap root is the entry that ranks LAST, so deciding
 * whether a new candidate enters is one comparison with the root, and most
 * candidates are rejected by their score alone (topk_fast_reject).
 *
 * Ids are opaque to the core: an entry carries a 64-bit id field plus a
 * length and flag bits, and the caller supplies the comparator that orders
 * two non-NULL ids (bigint values, or offsets of text/uuid bytes in a
 * caller-owned area).  Flag bit TOPK_ID_NULL belongs to the core; the other
 * bits are free for the caller.
 */
#ifndef AL_CORE_TOPK_H
#define AL_CORE_TOPK_H

#include <stddef.h>
#include <stdint.h>

/*
 * Largest k accepted anywhere: any positive int4.  Memory follows the rows
 * kept, min(k, rows), never k itself (see doc/topk.md).
 */
#define TOPK_MAX_K			2147483647

/* Entry flag owned by the core: the id is NULL (ranks after all others). */
#define TOPK_ID_NULL		0x1u
/*
 * Entry flag owned by the core: the id field holds a pointer to the id's
 * bytes (a candidate whose bytes are still outside any id area), not an
 * offset into the area.
 */
#define TOPK_ID_EXTERNAL	0x2u

/* One candidate: 24 bytes. */
typedef struct TopkEntry
{
	double		score;			/* the score, any double including NaN */
	uint64_t	id;				/* id value, or caller's reference to it */
	uint32_t	len;			/* caller's use: byte length of a referenced id */
	uint32_t	flags;			/* TOPK_ID_NULL | caller's bits */
} TopkEntry;

/* Orders two non-NULL ids: <0, 0, >0 as a sorts before, with, after b. */
typedef int (*TopkIdCmp) (const TopkEntry *a, const TopkEntry *b, void *arg);

/*
 * The argument of the core's id comparators: the id area that entry
 * offsets point into, and a value for the caller's own comparators (the
 * glue keeps the collation there).
 */
typedef struct TopkIdCmpArg
{
	const char *area;
	uint32_t	collation;
} TopkIdCmpArg;

/* The full ranking: a comparator for ids and its argument. */
typedef struct TopkOrder
{
	TopkIdCmp	id_cmp;
	void	   *arg;
} TopkOrder;

/*
 * Compare two scores in PostgreSQL's float8 order (float8_cmp_internal):
 * NaN equals NaN and is greater than everything else; -0 equals +0.
 */
static inline int
topk_score_cmp(double a, double b)
{
	if (a != a)
		return (b != b) ? 0 : 1;
	if (b != b)
		return -1;
	return (a > b) - (a < b);
}

/*
 * The hot path: true when a candidate with this score certainly does not
 * enter a full heap because its score is below the worst kept score.
 * (NaN candidates and ties fall through to topk_accepts.)
 */
static inline int
topk_fast_reject(const TopkEntry *heap, int count, int k, double score)
{
	return count >= k && score < heap[0].score;
}

/* Where an entry's id bytes are: outside any area, or in this area. */
static inline const char *
topk_id_bytes(const TopkEntry *e, const char *area)
{
	if (e->flags & TOPK_ID_EXTERNAL)
		return (const char *) (uintptr_t) e->id;
	return area + e->id;
}

extern int	topk_cmp_id_int64(const TopkEntry *a, const TopkEntry *b, void *arg);
extern int	topk_cmp_id_bytes(const TopkEntry *a, const TopkEntry *b, void *arg);
extern int	topk_rank_cmp(const TopkEntry *a, const TopkEntry *b,
						  const TopkOrder *order);
extern int	topk_accepts(const TopkEntry *heap, int count, int k,
						 const TopkEntry *cand, const TopkOrder *order);
extern int	topk_insert(TopkEntry *heap, int *count, int k,
						const TopkEntry *e, const TopkOrder *order,
						TopkEntry *evicted);
extern int	topk_offer(TopkEntry *heap, int *count, int k,
					   const TopkEntry *cand, const TopkOrder *order,
					   TopkEntry *evicted);
extern void topk_heapify(TopkEntry *heap, int count, const TopkOrder *order);
extern int	topk_is_heap(const TopkEntry *heap, int count,
						 const TopkOrder *order);
extern void topk_sort(TopkEntry *e, int count, const TopkOrder *order);
extern size_t topk_pack_ids(TopkEntry *e, int count, const char *src,
							char *dst);

#endif							/* AL_CORE_TOPK_H */
