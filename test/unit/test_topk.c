/*
 * test_topk.c - unit tests of the top-k heap (src/core/topk.c) against a
 * brute-force sort, on many random inputs with heavy ties, NaN, -0,
 * infinities, NULL ids, k = 1 and k > n; plus merging of partial heaps in
 * random order and the compaction of referenced ids.
 *
 * The brute force uses its own comparator (written from the SQL definition
 * ORDER BY score DESC, id ASC NULLS LAST), not topk_rank_cmp.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "topk.h"
#include "unit.h"

#define MAXN	3000

/* xorshift64*: a small deterministic generator. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

/* Next pseudo-random 64-bit value. */
static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

/* A pseudo-random integer in [0, n). */
static int
rnd(int n)
{
	return (int) (rng() % (uint64_t) n);
}

/* Ids as signed integers stored in the id field: compare numerically. */
static int
cmp_int_ids(const TopkEntry *a, const TopkEntry *b, void *arg)
{
	int64_t		x = (int64_t) a->id,
				y = (int64_t) b->id;

	(void) arg;
	return (x > y) - (x < y);
}

/* Ids as byte strings at offset id, length len in the area arg. */
static int
cmp_str_ids(const TopkEntry *a, const TopkEntry *b, void *arg)
{
	const char *area = arg;
	size_t		n = a->len < b->len ? a->len : b->len;
	int			c = memcmp(area + a->id, area + b->id, n);

	if (c != 0)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static const char *brute_area;
static int	brute_strings;

/*
 * The oracle's order, written independently: NaN above all numbers, -0
 * equal to 0, higher score first; then non-NULL ids before NULL ids; then
 * smaller id first (numeric or bytewise).
 */
static int
brute_cmp(const void *pa, const void *pb)
{
	const TopkEntry *a = pa,
			   *b = pb;
	int			an = isnan(a->score),
				bn = isnan(b->score);
	int			anull = a->flags & TOPK_ID_NULL,
				bnull = b->flags & TOPK_ID_NULL;

	if (an != bn)
		return an ? -1 : 1;
	if (!an && a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (anull || bnull)
		return anull ? (bnull ? 0 : 1) : -1;
	if (brute_strings)
	{
		size_t		n = a->len < b->len ? a->len : b->len;
		int			c = memcmp(brute_area + a->id, brute_area + b->id, n);

		if (c != 0)
			return c;
		return (a->len > b->len) - (a->len < b->len);
	}
	if ((int64_t) a->id != (int64_t) b->id)
		return (int64_t) a->id < (int64_t) b->id ? -1 : 1;
	return 0;
}

/* brute_cmp, then the bits of the score: the full order of the heap. */
static int
brute_cmp_bits(const void *pa, const void *pb)
{
	const TopkEntry *a = pa,
			   *b = pb;
	int			c = brute_cmp(pa, pb);
	uint64_t	x,
				y;

	if (c != 0)
		return c;
	memcpy(&x, &a->score, sizeof(x));
	memcpy(&y, &b->score, sizeof(y));
	return (x > y) - (x < y);
}

/* A random score from few distinct values: ties, NaNs, -0, infinities. */
static double
random_score(int distinct)
{
	int			r = rnd(100);

	if (r < 3)
		return NAN;
	if (r < 5)
		return -0.0;
	if (r < 7)
		return 0.0;
	if (r == 7)
		return INFINITY;
	if (r == 8)
		return -INFINITY;
	if (r == 9)
		return -NAN;			/* another NaN bit pattern */
	return (double) (rnd(distinct) - distinct / 2) / 4.0;
}

/* Fill n random entries; ids from a small range, ~5% NULL ids. */
static void
random_entries(TopkEntry *e, int n, int distinct, int idrange)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		e[i].score = random_score(distinct);
		e[i].len = 0;
		e[i].flags = rnd(20) == 0 ? TOPK_ID_NULL : 0;
		e[i].id = (e[i].flags & TOPK_ID_NULL) ? 0 :
			(uint64_t) (int64_t) (rnd(idrange) - idrange / 3);
	}
}

/*
 * Are the first m sorted entries of got and want the same, down to the
 * bits of the scores (so -0 and +0 of one id must be chosen the same way)?
 */
static int
same_ranking(const TopkEntry *got, const TopkEntry *want, int m)
{
	int			i;

	for (i = 0; i < m; i++)
		if (brute_cmp_bits(&got[i], &want[i]) != 0 ||
			memcmp(&got[i].score, &want[i].score, sizeof(double)) != 0)
			return 0;
	return 1;
}

/* Offer every entry to a heap of size k; 0 if the heap order ever broke. */
static int
run_heap(const TopkEntry *in, int n, int k, const TopkOrder *order,
		 TopkEntry *heap, int *count)
{
	int			i,
				ok = 1;

	*count = 0;
	for (i = 0; i < n; i++)
	{
		int			fast = topk_fast_reject(heap, *count, k, in[i].score);
		int			r = topk_offer(heap, count, k, &in[i], order, NULL);

		if (fast && r != -1)
			ok = 0;
		if (i % 97 == 0 && !topk_is_heap(heap, *count, order))
			ok = 0;
	}
	return ok && topk_is_heap(heap, *count, order) && *count == (n < k ? n : k);
}

/* One random trial of the heap against the brute-force sort. */
static int
trial(int n, int k, const TopkOrder *order, const TopkEntry *in)
{
	static TopkEntry sorted[MAXN],
				heap[MAXN];
	int			count;

	if (!run_heap(in, n, k, order, heap, &count))
		return 0;
	memcpy(sorted, in, sizeof(TopkEntry) * n);
	qsort(sorted, n, sizeof(TopkEntry), brute_cmp_bits);
	topk_sort(heap, count, order);
	return same_ranking(heap, sorted, count);
}

/* Many random integer-id trials over sizes, k and tie densities. */
static void
test_random_int_ids(void)
{
	static TopkEntry in[MAXN];
	TopkOrder	order = {cmp_int_ids, NULL};
	static const int ks[] = {1, 2, 3, 7, 10, 64, 100, 1000, 5000};
	int			t,
				bad = 0,
				trials = 0;

	brute_strings = 0;
	for (t = 0; t < 400; t++)
	{
		int			n = rnd(t % 4 == 0 ? 20 : MAXN) + 1;
		int			distinct = 1 + rnd(t % 3 == 0 ? 3 : 300);
		int			idrange = 1 + rnd(t % 5 == 0 ? 5 : 100000);
		size_t		j;

		random_entries(in, n, distinct, idrange);
		for (j = 0; j < sizeof(ks) / sizeof(ks[0]); j++, trials++)
			if (!trial(n, ks[j], &order, in))
				bad++;
	}
	if (bad)
		printf("# %d of %d trials differ\n", bad, trials);
	UNIT_CHECK(bad == 0, "random integer ids: heap equals brute force (k = 1 .. 5000, k > n)");
}

/* Random trials with string ids, NULL ids among them. */
static void
test_random_string_ids(void)
{
	static char area[MAXN * 8];
	static TopkEntry in[MAXN];
	TopkOrder	order = {cmp_str_ids, area};
	int			t,
				bad = 0;

	brute_strings = 1;
	brute_area = area;
	for (t = 0; t < 300; t++)
	{
		int			n = rnd(MAXN) + 1;
		int			k = (t % 4 == 0) ? 1 : rnd(t % 2 ? 50 : 4000) + 1;
		size_t		used = 0;
		int			i;

		random_entries(in, n, 1 + rnd(50), 10);
		for (i = 0; i < n; i++)
		{
			int			len = rnd(5),
						j;

			in[i].id = used;
			in[i].len = (in[i].flags & TOPK_ID_NULL) ? 0 : (uint32_t) len;
			for (j = 0; j < (int) in[i].len; j++)
				area[used++] = "ab\0b"[rnd(4)];
		}
		if (!trial(n, k, &order, in))
			bad++;
	}
	brute_strings = 0;
	UNIT_CHECK(bad == 0, "random string ids (prefixes, NUL bytes, empty): heap equals brute force");
}

/* Partial heaps over random partitions, merged in random order. */
static void
test_merge(void)
{
	static TopkEntry in[MAXN],
				parts[4][MAXN],
				sorted[MAXN];
	TopkOrder	order = {cmp_int_ids, NULL};
	int			t,
				bad = 0;

	brute_strings = 0;
	for (t = 0; t < 200; t++)
	{
		int			n = rnd(MAXN) + 1,
					k = rnd(t % 2 ? 20 : 2000) + 1;
		int			cnt[4] = {0, 0, 0, 0},
					i,
					p;

		random_entries(in, n, 1 + rnd(30), 1 + rnd(50));
		for (i = 0; i < n; i++)
		{
			p = rnd(4);
			topk_offer(parts[p], &cnt[p], k, &in[i], &order, NULL);
		}
		/* merge 3, 1, 2 into 0 (or any order: the result must not care) */
		for (p = 3; p >= 1; p--)
		{
			int			src = (p + t) % 3 + 1;

			for (i = 0; i < cnt[src]; i++)
				topk_offer(parts[0], &cnt[0], k, &parts[src][i], &order, NULL);
		}
		memcpy(sorted, in, sizeof(TopkEntry) * n);
		qsort(sorted, n, sizeof(TopkEntry), brute_cmp_bits);
		topk_sort(parts[0], cnt[0], &order);
		if (cnt[0] != (n < k ? n : k) || !same_ranking(parts[0], sorted, cnt[0]))
			bad++;
	}
	UNIT_CHECK(bad == 0, "partial heaps merged in any order equal brute force");
}

/* Hand-checked: NaN first, -0 ties with 0 (ids decide), NULL id last. */
static void
test_hand_checked(void)
{
	TopkEntry	in[] = {
		{1.0, 5, 0, 0}, {NAN, 9, 0, 0}, {-0.0, 1, 0, 0}, {0.0, 0, 0, 0},
		{1.0, 0, 0, TOPK_ID_NULL}, {1.0, 3, 0, 0}, {-INFINITY, 2, 0, 0},
		{INFINITY, 7, 0, 0}
	};
	TopkEntry	heap[8];
	TopkOrder	order = {cmp_int_ids, NULL};
	int			count = 0,
				i;
	/* expected ids by rank: NaN 9, Inf 7, 1.0: 3, 5, NULL, then 0: 0, 1, -Inf 2 */
	int64_t		want[] = {9, 7, 3, 5, -1, 0, 1, 2};
	int			ok = 1;

	for (i = 0; i < 8; i++)
		topk_offer(heap, &count, 8, &in[i], &order, NULL);
	topk_sort(heap, count, &order);
	for (i = 0; i < 8; i++)
	{
		int64_t		got = (heap[i].flags & TOPK_ID_NULL) ? -1 : (int64_t) heap[i].id;

		if (got != want[i])
			ok = 0;
	}
	UNIT_CHECK(ok && count == 8, "hand-checked order: NaN, Infinity, ties by id, NULL id last, -0 = 0");

	count = 0;
	for (i = 0; i < 8; i++)
		topk_offer(heap, &count, 3, &in[i], &order, NULL);
	topk_sort(heap, count, &order);
	UNIT_CHECK(count == 3 && heap[0].id == 9 && heap[1].id == 7 && heap[2].id == 3,
			   "hand-checked k = 3");

	count = 0;
	for (i = 0; i < 8; i++)
		topk_offer(heap, &count, 1, &in[i], &order, NULL);
	UNIT_CHECK(count == 1 && isnan(heap[0].score) && heap[0].id == 9, "k = 1 keeps the NaN");
}

/* The eviction report and the tie rule: an equal candidate does not enter. */
static void
test_evict_and_ties(void)
{
	TopkOrder	order = {cmp_int_ids, NULL};
	TopkEntry	heap[2],
				ev;
	TopkEntry	a = {1.0, 10, 0, 0},
				b = {2.0, 20, 0, 0},
				c = {2.0, 15, 0, 0},
				d = {2.0, 20, 0, 0};
	int			count = 0;

	topk_offer(heap, &count, 2, &a, &order, NULL);
	topk_offer(heap, &count, 2, &b, &order, NULL);
	UNIT_CHECK(topk_offer(heap, &count, 2, &c, &order, &ev) == 1 && ev.id == 10,
			   "replacing the root reports the evicted entry");
	UNIT_CHECK(topk_offer(heap, &count, 2, &d, &order, &ev) == -1,
			   "a candidate equal to the worst kept entry is rejected");
	UNIT_CHECK(topk_accepts(heap, count, 2, &(TopkEntry) {2.0, 14, 0, 0}, &order) &&
			   !topk_accepts(heap, count, 2, &(TopkEntry) {2.0, 21, 0, 0}, &order),
			   "ties at the worst score are decided by the id");
	UNIT_CHECK(!topk_accepts(heap, count, 2, &(TopkEntry) {2.0, 0, 0, TOPK_ID_NULL}, &order),
			   "a NULL id loses a score tie");
	UNIT_CHECK(topk_fast_reject(heap, count, 2, 1.5) && !topk_fast_reject(heap, count, 2, NAN) &&
			   !topk_fast_reject(heap, 1, 2, -1e300),
			   "fast reject only below the worst score of a full heap");
}

/* Compaction keeps every id's bytes and drops the garbage. */
static void
test_pack(void)
{
	const char *src = "xxhelloyyworldzz!";
	char		dst[32];
	TopkEntry	e[4] = {
		{1, 9, 5, 0}, {2, 0, 0, TOPK_ID_NULL}, {3, 2, 5, 0}, {4, 16, 1, 0}
	};
	size_t		n = topk_pack_ids(e, 4, src, dst);

	UNIT_CHECK(n == 11 && memcmp(dst, "worldhello!", 11) == 0 &&
			   e[0].id == 0 && e[2].id == 5 && e[3].id == 10 && e[1].len == 0,
			   "topk_pack_ids packs live ids in entry order");
}

/* An empty heap, heapify of sorted input, sort of a single entry. */
static void
test_edges(void)
{
	TopkOrder	order = {cmp_int_ids, NULL};
	TopkEntry	e[5] = {{5, 1, 0, 0}, {4, 2, 0, 0}, {3, 3, 0, 0}, {2, 4, 0, 0}, {1, 5, 0, 0}};

	UNIT_CHECK(topk_is_heap(e, 0, &order) && topk_is_heap(e, 1, &order),
			   "empty and single-entry heaps are heaps");
	UNIT_CHECK(!topk_is_heap(e, 5, &order), "best-first order is not a heap");
	topk_heapify(e, 5, &order);
	UNIT_CHECK(topk_is_heap(e, 5, &order) && e[0].id == 5, "heapify puts the worst at the root");
	topk_sort(e, 5, &order);
	UNIT_CHECK(e[0].id == 1 && e[4].id == 5, "sort gives best first");
}

/* Run every test and print the TAP plan. */
int
main(void)
{
	test_hand_checked();
	test_evict_and_ties();
	test_edges();
	test_pack();
	test_random_int_ids();
	test_random_string_ids();
	test_merge();
	return unit_done();
}
