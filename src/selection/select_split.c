/*
 * select_split.c - the selection aggregates that split across parallel
 * workers, al.balanced_top_k and al.epsilon_greedy.  Their picks can only
 * come from a few rows, so their state keeps just those (sel_rows_prune)
 * and partial states combine by concatenation and pruning:
 *
 *   al.balanced_top_k takes the rows of each class in the order (score
 *   descending, id ascending), at most k of them: the best k rows of each
 *   class are all it can pick.
 *   al.epsilon_greedy takes each pick from the best score left or from the
 *   largest key left (a key per id and seed, src/core/select_order.c): the
 *   best k scores and the largest k keys are all it can pick.
 *
 * The final function sorts the kept rows by id and runs the kernel, whose
 * ties follow that order, the same order pruning uses: the picks are those
 * of the kernel over all rows, however the rows were split, combined and
 * pruned.  The serialized state (bytea, between a worker and the leader of
 * one server) is a header and the rows' ids, scores and classes or keys.
 * See doc/selection.md.
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "select_glue.h"

/* A state is pruned once it holds at least this many rows. */
#define SPLIT_MIN_PRUNE 1024

/* "selsplt1": the first eight bytes of a serialized state. */
#define SPLIT_MAGIC UINT64CONST(0x73656c73706c7431)

/* The header of a serialized state, followed by ids, scores, classes or keys. */
typedef struct SplitHeader
{
	uint64		magic;
	int64		n;
	int64		seed;
	double		param;
	int32		k;
	int32		c;
} SplitHeader;

/*
 * The rows s may need to keep: k per class (al.balanced_top_k), k by score
 * and k by key (al.epsilon_greedy).
 */
static int64
split_keep(const SelRows *s)
{
	return s->kind->class_only ? (int64) s->k * Max(s->c, 1) : 2 * (int64) s->k;
}

/*
 * The row count at which s is pruned: twice what it keeps (so a prune
 * comes at most once per that many new rows), at least SPLIT_MIN_PRUNE.
 */
int64
sel_split_prune_at(const SelRows *s)
{
	return Max(2 * split_keep(s), SPLIT_MIN_PRUNE);
}

/* -1, 0 or 1 as a comes before, with or after b in descending order. */
static inline int
split_desc(double a, double b)
{
	return a > b ? -1 : (a < b ? 1 : 0);
}

/* -1, 0 or 1 as a comes before, with or after b in ascending order. */
static inline int
split_asc(int64 a, int64 b)
{
	return a < b ? -1 : (a > b ? 1 : 0);
}

/* Row order inside a class: class, score descending, id (balanced). */
static int
split_class_cmp(const void *a, const void *b, void *arg)
{
	const SelRows *s = arg;
	int			i = *(const int *) a;
	int			j = *(const int *) b;
	int			r = split_asc(s->cls[i], s->cls[j]);

	if (r == 0)
		r = split_desc(s->score[i], s->score[j]);
	return r != 0 ? r : split_asc(s->ids[i], s->ids[j]);
}

/* The order of the greedy picks: score descending, id (epsilon-greedy). */
static int
split_score_cmp(const void *a, const void *b, void *arg)
{
	const SelRows *s = arg;
	int			i = *(const int *) a;
	int			j = *(const int *) b;
	int			r = split_desc(s->score[i], s->score[j]);

	return r != 0 ? r : split_asc(s->ids[i], s->ids[j]);
}

/*
 * The order of the random picks: key descending, id, score descending
 * (the order of rows of one id in the final sort).
 */
static int
split_key_cmp(const void *a, const void *b, void *arg)
{
	const SelRows *s = arg;
	int			i = *(const int *) a;
	int			j = *(const int *) b;
	int			r = split_desc(s->key[i], s->key[j]);

	if (r == 0)
		r = split_asc(s->ids[i], s->ids[j]);
	return r != 0 ? r : split_desc(s->score[i], s->score[j]);
}

/* Mark keep[] for the first k rows of each class in the class order. */
static void
split_mark_classes(const SelRows *s, int *idx, bool *keep)
{
	int64		in_class = 0;

	qsort_arg(idx, s->n, sizeof(int), split_class_cmp, (void *) s);
	for (int64 r = 0; r < s->n; r++)
	{
		if (r > 0 && s->cls[idx[r]] != s->cls[idx[r - 1]])
			in_class = 0;
		if (in_class++ < s->k)
			keep[idx[r]] = true;
	}
}

/* Mark keep[] for the first k rows by score and the first k by key. */
static void
split_mark_scores_keys(const SelRows *s, int *idx, bool *keep)
{
	int64		top = Min((int64) s->k, s->n);

	qsort_arg(idx, s->n, sizeof(int), split_score_cmp, (void *) s);
	for (int64 r = 0; r < top; r++)
		keep[idx[r]] = true;
	qsort_arg(idx, s->n, sizeof(int), split_key_cmp, (void *) s);
	for (int64 r = 0; r < top; r++)
		keep[idx[r]] = true;
}

/*
 * Drop the rows s can no longer pick (see the file comment), keeping the
 * others in their order.
 */
void
sel_rows_prune(SelRows *s)
{
	int		   *idx;
	bool	   *keep;
	int64		w = 0;

	if (s->n <= split_keep(s))
		return;
	idx = palloc_extended(sizeof(int) * s->n, MCXT_ALLOC_HUGE);
	keep = palloc_extended(s->n, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (int64 i = 0; i < s->n; i++)
		idx[i] = (int) i;
	if (s->kind->class_only)
		split_mark_classes(s, idx, keep);
	else
		split_mark_scores_keys(s, idx, keep);
	for (int64 i = 0; i < s->n; i++)
	{
		if (!keep[i])
			continue;
		s->ids[w] = s->ids[i];
		s->id_null[w] = s->id_null[i];
		s->labeled[w] = s->labeled[i];
		s->score[w] = s->score[i];
		if (s->cls)
			s->cls[w] = s->cls[i];
		if (s->key)
			s->key[w] = s->key[i];
		w++;
	}
	s->n = w;
	s->sorted = false;
	pfree(idx);
	pfree(keep);
}

/* Append row i of `from` to `into` (room made, pruning as needed). */
static void
split_push(SelRows *into, const SelRows *from, int64 i)
{
	sel_rows_reserve(into);
	into->ids[into->n] = from->ids[i];
	into->id_null[into->n] = false;
	into->labeled[into->n] = false;
	into->score[into->n] = from->score[i];
	if (into->cls)
		into->cls[into->n] = from->cls[i];
	if (into->key)
		into->key[into->n] = from->key[i];
	into->n++;
	into->sorted = false;
}

/*
 * Add the rows of the partial state `from` to `into` (an empty state takes
 * from's settings; otherwise they must agree).
 */
void
sel_rows_combine(SelRows *into, const SelRows *from)
{
	if (from->n == 0)
		return;
	if (into->n == 0)
	{
		into->k = from->k;
		into->c = from->c;
		into->param = from->param;
		into->seed = from->seed;
	}
	else
		sel_rows_check_same(into, from);
	for (int64 i = 0; i < from->n; i++)
		split_push(into, from, i);
}

/* Bytes of the per-row class or key of a kind. */
static Size
split_extra_bytes(const SelKind *kind)
{
	return kind->class_only ? sizeof(int32) : sizeof(double);
}

/* The state as bytea: the header, then ids, scores, classes or keys. */
bytea *
sel_rows_serialize(const SelRows *s)
{
	SplitHeader h = {SPLIT_MAGIC, s->n, s->seed, s->param, s->k, s->c};
	Size		n = (Size) s->n;
	Size		size = sizeof(h) + n * (sizeof(int64) + sizeof(double) +
										split_extra_bytes(s->kind));
	bytea	   *b = palloc_extended(VARHDRSZ + size, MCXT_ALLOC_HUGE);
	char	   *at = VARDATA(b);

	SET_VARSIZE(b, VARHDRSZ + size);
	memcpy(at, &h, sizeof(h));
	at += sizeof(h);
	memcpy(at, s->ids, n * sizeof(int64));
	at += n * sizeof(int64);
	memcpy(at, s->score, n * sizeof(double));
	at += n * sizeof(double);
	memcpy(at, s->kind->class_only ? (void *) s->cls : (void *) s->key,
		   n * split_extra_bytes(s->kind));
	return b;
}

/*
 * A state of `kind` from its bytea (sel_rows_serialize), in cxt.  The
 * bytes come from a worker of this server, but are checked anyway.
 */
SelRows *
sel_rows_deserialize(const SelKind *kind, bytea *b, MemoryContext cxt)
{
	SelRows    *s = sel_rows_new(kind, cxt);
	const char *at = VARDATA_ANY(b);
	Size		size = VARSIZE_ANY_EXHDR(b);
	Size		row = sizeof(int64) + sizeof(double) + split_extra_bytes(kind);
	SplitHeader h;

	if (size < sizeof(h))
		elog(ERROR, "invalid %s state: %zu bytes", kind->name, size);
	memcpy(&h, at, sizeof(h));
	at += sizeof(h);
	if (h.magic != SPLIT_MAGIC || h.n < 1 || h.n >= SEL_MAX_ROWS || h.k < 1 ||
		(kind->class_only && h.c < 1) || size != sizeof(h) + (Size) h.n * row)
		elog(ERROR, "invalid %s state of %zu bytes", kind->name, size);
	s->k = h.k;
	s->c = h.c;
	s->param = h.param;
	s->seed = h.seed;
	s->n = s->cap = h.n;
	s->ids = MemoryContextAllocHuge(cxt, h.n * sizeof(int64));
	s->id_null = MemoryContextAllocExtended(cxt, h.n, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	s->labeled = MemoryContextAllocExtended(cxt, h.n, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	s->score = MemoryContextAllocHuge(cxt, h.n * sizeof(double));
	memcpy(s->ids, at, h.n * sizeof(int64));
	at += h.n * sizeof(int64);
	memcpy(s->score, at, h.n * sizeof(double));
	at += h.n * sizeof(double);
	if (kind->class_only)
	{
		s->cls = MemoryContextAllocHuge(cxt, h.n * sizeof(int32));
		memcpy(s->cls, at, h.n * sizeof(int32));
	}
	else
	{
		s->key = MemoryContextAllocHuge(cxt, h.n * sizeof(double));
		memcpy(s->key, at, h.n * sizeof(double));
	}
	return s;
}
