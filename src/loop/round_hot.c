/*
 * round_hot.c - the hot rows of a ranking (al.scores.hot: the first
 * RANKING_HOT_ROWS rows in the hand-out order, rank, then score DESC, then
 * item_id), known while the pool is scored instead of found afterwards by
 * a scan and sort of the whole ranking.
 *
 * A round without ranks (batch topk without explore: most rounds) hands
 * out by score, then id: its hot rows are the RANKING_HOT_ROWS best of a
 * bounded heap offered every scored row, compared exactly as ORDER BY
 * score DESC, item_id compares them (float8 order, the id's text in the
 * database's default collation, the collation of al.scores.item_id).  The
 * heap keeps whole rows (id, score, probabilities) while they fit in
 * HOT_ROWS_BYTES: the round inserts a row when it leaves the heap, or
 * never enters it, and the heap's rows at the end, hot, so that no row is
 * written twice; otherwise it keeps ids only and the round updates those
 * rows.  A round whose selector ranked at least RANKING_HOT_ROWS rows: its
 * hot rows are ranks 1 .. RANKING_HOT_ROWS.  Between the two (fewer ranks
 * than hot rows), or with option rescore_sample (kept rows compete), the
 * round falls back to a scan and sort of the ranking (learner_round.c).
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/varlena.h"

#include "item_map.h"
#include "round.h"
#include "select_glue.h"

/* The most a heap of whole rows takes (their probabilities), about. */
#define HOT_ROWS_BYTES (64 * 1024 * 1024)

/* A scored row on its way to the hot rows. */
typedef struct HotEntry
{
	double		score;
	char	   *id;
	void	   *p;				/* the row's bytes (whole rows: k probabilities, or a family's outputs), else NULL */
} HotEntry;

/* The hot rows so far: a heap with the worst of them at the root. */
struct HotRows
{
	int			n;
	int			cap;
	Size		row_bytes;		/* bytes of a whole row; 0: ids only */
	bool		drops;			/* the rows it does not keep leave the ranking (ranking_rows) */
	int			limit;			/* drops: the most rows it keeps (the array grows up to it) */
	double		bytes;			/* drops: what its array and rows take, about */
	const char *learner;		/* drops: whose ranking, for the error past the memory bound */
	ItemMap    *skip;			/* drops: items it never keeps (the evaluation sample), or NULL */
	HotEntry   *e;
	MemoryContext cxt;
};

/* What a kept row takes beyond its id's bytes and its probabilities: two chunk headers, about. */
#define HOT_ROW_OVERHEAD 32

/* > 0 if a comes before b in the hand-out order of unranked rows (score DESC, id). */
static int
hot_cmp(const HotEntry *a, const HotEntry *b)
{
	int			c = float8_cmp_internal(a->score, b->score);

	if (c != 0)
		return c;
	return -varstr_cmp(a->id, strlen(a->id), b->id, strlen(b->id), DEFAULT_COLLATION_OID);
}

/* Sift entry i down (toward the leaves) while a child is worse. */
static void
sift_down(HotRows *h, int i)
{
	for (;;)
	{
		int			l = 2 * i + 1,
					worst = i;
		HotEntry	t;

		if (l < h->n && hot_cmp(&h->e[l], &h->e[worst]) < 0)
			worst = l;
		if (l + 1 < h->n && hot_cmp(&h->e[l + 1], &h->e[worst]) < 0)
			worst = l + 1;
		if (worst == i)
			return;
		t = h->e[i];
		h->e[i] = h->e[worst];
		h->e[worst] = t;
		i = worst;
	}
}

/* Sift entry i up (toward the root) while it is worse than its parent. */
static void
sift_up(HotRows *h, int i)
{
	while (i > 0)
	{
		int			parent = (i - 1) / 2;
		HotEntry	t;

		if (hot_cmp(&h->e[i], &h->e[parent]) >= 0)
			return;
		t = h->e[i];
		h->e[i] = h->e[parent];
		h->e[parent] = t;
		i = parent;
	}
}

/*
 * An empty set of hot rows, in the current memory context: of whole rows
 * of k classes if they fit in HOT_ROWS_BYTES (round_hot_keeps_rows), else
 * of ids.
 */
HotRows *
round_hot_create(int k)
{
	HotRows    *h = (HotRows *) palloc0(sizeof(HotRows));

	h->cap = RANKING_HOT_ROWS;
	h->row_bytes = (Size) h->cap * k * sizeof(float) <= HOT_ROWS_BYTES ? sizeof(float) * k : 0;
	h->e = (HotEntry *) palloc0(sizeof(HotEntry) * h->cap);
	h->cxt = CurrentMemoryContext;
	return h;
}

/*
 * An empty heap of at most cap whole rows of row_bytes bytes each (k
 * probabilities as floats, or a family's outputs as doubles), in the
 * current memory context: the ranking of learner's round under option
 * ranking_rows (the rows it does not keep are never written).  cap is
 * bounded by the rows the round scores; the array grows with the rows
 * kept, and the heap's bytes are counted against
 * al_ext.selection_max_memory as they come (hot_charge): a heap of whole
 * rows holds row_bytes a row, so that a learner of many classes with a
 * large option ranking_rows (the background worker runs any owner's
 * learner) would otherwise take gigabytes where a round without the
 * option streams its rows.  skip (or NULL): items it never keeps.
 */
HotRows *
round_hot_create_rows(Size row_bytes, int cap, const char *learner, ItemMap *skip)
{
	HotRows    *h = (HotRows *) palloc0(sizeof(HotRows));

	h->limit = Max(cap, 1);
	h->cap = Min(h->limit, 1024);
	h->row_bytes = row_bytes;
	h->drops = true;
	h->learner = learner;
	h->skip = skip;
	h->e = (HotEntry *) palloc0(sizeof(HotEntry) * h->cap);
	h->cxt = CurrentMemoryContext;
	h->bytes = (double) sizeof(HotEntry) * h->cap;
	return h;
}

/*
 * Count bytes of a heap of option ranking_rows against
 * al_ext.selection_max_memory; ERROR (53400) past it, as a round's
 * selection does (round_candidates.c).
 */
static void
hot_charge(HotRows *h, double bytes)
{
	h->bytes += bytes;
	if (h->bytes > (double) sel_max_memory_bytes())
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("learner \"%s\" needs more than al_ext.selection_max_memory (%s) to keep the best rows of its ranking",
						h->learner, GetConfigOptionByName("al_ext.selection_max_memory", NULL, false)),
				 errdetail("Its %d rows kept so far (option \"ranking_rows\", %zu bytes of probabilities or outputs a row) take about %.0f bytes.",
						   h->n, h->row_bytes, h->bytes),
				 errhint("Lower its option \"ranking_rows\", or raise al_ext.selection_max_memory.")));
}

/* qsort comparator: the hand-out order, the best row first. */
static int
hot_cmp_best_first(const void *a, const void *b)
{
	return hot_cmp((const HotEntry *) b, (const HotEntry *) a);
}

/*
 * Sort h's rows in the hand-out order (score DESC, id), the best first, for
 * round_hot_row; h takes no more offers.
 */
void
round_hot_sort(HotRows *h)
{
	qsort(h->e, h->n, sizeof(HotEntry), hot_cmp_best_first);
	h->cap = h->limit = h->n;
}

/* Whether the rows h does not keep leave the ranking (round_hot_create_rows). */
bool
round_hot_drops(const HotRows *h)
{
	return h->drops;
}

/* Whether h keeps whole rows (the round inserts them at the end). */
bool
round_hot_keeps_rows(const HotRows *h)
{
	return h->row_bytes > 0;
}

/* Set entry e to a copy of the row (score, id, p). */
static void
set_entry(HotRows *h, HotEntry *e, double score, const char *id, const void *p)
{
	e->score = score;
	e->id = MemoryContextStrdup(h->cxt, id);
	if (h->row_bytes > 0)
	{
		if (e->p == NULL)
			e->p = MemoryContextAlloc(h->cxt, h->row_bytes);
		memcpy(e->p, p, h->row_bytes);
	}
}

/*
 * Offer a scored row (score, id, and its k probabilities p when h keeps
 * whole rows; the row is copied if it is kept).  Returns what leaves the
 * heap for al.scores' cold rows: the row itself (not kept: HOT_OFFER_OUT),
 * nothing (kept, the heap was not full: HOT_OFFER_KEPT), or the row it
 * replaced, copied into *out in the current memory context
 * (HOT_OFFER_REPLACED).
 */
HotOffer
round_hot_offer(HotRows *h, double score, const char *id, const void *p, HotRow *out)
{
	HotEntry	cand = {score, (char *) id, NULL};
	HotEntry   *root = &h->e[0];

	/* the evaluation sample's items (round_ranking_rows): never kept */
	if (h->skip != NULL && item_map_find(h->skip, id) >= 0)
		return HOT_OFFER_OUT;
	if (h->drops && h->n == h->cap && h->cap < h->limit)
	{
		/* a heap of option ranking_rows grows with the rows it keeps, up to its limit */
		int			cap = (int) Min((int64) h->cap * 2, (int64) h->limit);

		hot_charge(h, (double) sizeof(HotEntry) * (cap - h->cap));
		h->e = (HotEntry *) repalloc(h->e, sizeof(HotEntry) * cap);
		memset(h->e + h->cap, 0, sizeof(HotEntry) * (cap - h->cap));
		h->cap = cap;
		root = &h->e[0];
	}
	if (h->n < h->cap)
	{
		if (h->drops)
			hot_charge(h, (double) strlen(id) + 1 + h->row_bytes + HOT_ROW_OVERHEAD);
		set_entry(h, &h->e[h->n], score, id, p);
		sift_up(h, h->n++);
		return HOT_OFFER_KEPT;
	}
	if (hot_cmp(&cand, root) <= 0)
		return HOT_OFFER_OUT;
	if (h->drops)
		hot_charge(h, (double) strlen(id) - (double) strlen(root->id));
	out->score = root->score;
	out->id = pstrdup(root->id);
	if (h->row_bytes > 0)
	{
		out->p = palloc(h->row_bytes);
		memcpy(out->p, root->p, h->row_bytes);
	}
	pfree(root->id);
	set_entry(h, root, score, id, p);
	sift_down(h, 0);
	return HOT_OFFER_REPLACED;
}

/*
 * Offer a scored row to h and free the row that leaves it, if any: for
 * heaps whose rows that leave are not written (round_hot_create_rows).
 */
void
round_hot_keep(HotRows *h, double score, const char *id, const void *p)
{
	HotRow		out;

	if (round_hot_offer(h, score, id, p, &out) == HOT_OFFER_REPLACED)
	{
		pfree(out.id);
		if (out.p != NULL)
			pfree(out.p);
	}
}

/* Row i of the rows kept (0 .. round_hot_count - 1; in no particular order until round_hot_sort). */
void
round_hot_row(const HotRows *h, int i, HotRow *row)
{
	row->score = h->e[i].score;
	row->id = h->e[i].id;
	row->p = h->e[i].p;
}

/* How many rows h keeps. */
int
round_hot_count(const HotRows *h)
{
	return h->n;
}

/* The ids of the hot rows, as text[] (in no particular order). */
Datum
round_hot_ids(const HotRows *h)
{
	Datum	   *ids = (Datum *) palloc(sizeof(Datum) * Max(h->n, 1));

	for (int i = 0; i < h->n; i++)
		ids[i] = CStringGetTextDatum(h->e[i].id);
	return PointerGetDatum(construct_array(ids, h->n, TEXTOID, -1, false, TYPALIGN_INT));
}
