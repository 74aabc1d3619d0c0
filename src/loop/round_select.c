/*
 * round_select.c - the selectors of a learner's round: option batch, one
 * table entry each, turning the round's candidates into an ORDER, written
 * to al.scores.rank (1 = hand out first).  The candidates and the score
 * wrappers (sample, density) are kept in round_candidates.c while the pool
 * is scored; this file runs the kernels of src/core/select.h (and
 * expected error reduction's, src/selection/eer.c) over them once the pass
 * is over.  See doc/selection.md.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "al_ext.h"
#include "round_candidates.h"
#include "scores.h"
#include "select_glue.h"

/* The candidates of a round, sorted by id, as the kernels take them. */
typedef struct RoundCandidates
{
	int			m;
	char	  **ids;
	float	   *x;				/* m x d (selectors with features) */
	float	   *p;				/* m x k (selectors with probabilities) */
	double	   *score;			/* m: the rows' scores */
	double	   *key;			/* m: the heap's order (the Gumbel key with explore) */
} RoundCandidates;

typedef al_sel_status (*RoundOrderFn) (const RoundSelection *rs, const RoundCandidates *c,
									   int npick, int *order, al_sel_where *where);

/* A selector: an option batch, what its candidates keep, and its order. */
typedef struct RoundSelector
{
	const char *name;
	bool		features;		/* keeps the candidates' features */
	bool		probabilities;	/* keeps their class probabilities */
	bool		labeled;		/* needs the labeled rows' features */
	RoundOrderFn order;
} RoundSelector;

/* The kernels' candidate set of c (and rs's labeled rows). */
static al_sel_pool
kernel_pool(const RoundSelection *rs, const RoundCandidates *c)
{
	al_sel_pool pool = {0};

	pool.x = c->x;
	pool.m = c->m;
	pool.d = rs->d;
	pool.xl = rs->xl;
	pool.l = rs->nl;
	pool.score = c->score;
	pool.p = c->p;
	pool.c = rs->k;
	pool.n_unlabeled = Max(rs->scored, c->m);
	pool.tick = sel_tick_interrupts;
	return pool;
}

/*
 * topk: without explore, no ranks (next_batch orders by score).  Epsilon:
 * epsilon-greedy over the best scores and the largest keys; temperature
 * and power: the largest Gumbel keys first.
 */
static al_sel_status
order_topk(const RoundSelection *rs, const RoundCandidates *c, int npick, int *order,
		   al_sel_where *where)
{
	double	   *work = sel_alloc_work(al_sel_order_work(c->m, 0));

	if (rs->l->options.explore != EXPLORE_EPSILON)
		return al_sel_order_desc(c->key, c->m, npick, order, work, where);
	{
		double	   *u = palloc_extended(sizeof(double) * Max(c->m, 1), MCXT_ALLOC_HUGE);

		for (int i = 0; i < c->m; i++)
			u[i] = al_sel_key_uniform(rs->seed, round_item_key(rs->l, c->ids[i]));
		return al_sel_epsilon_greedy(c->score, u, c->m, rs->l->options.explore_value, rs->seed,
									 npick, order, work, where);
	}
}

/* ranked: ranked batch over the candidates and the labeled rows. */
static al_sel_status
order_ranked(const RoundSelection *rs, const RoundCandidates *c, int npick, int *order,
			 al_sel_where *where)
{
	al_sel_pool pool = kernel_pool(rs, c);

	return al_sel_ranked_batch(&pool, npick, order, sel_alloc_work(al_sel_ranked_work(&pool)), where);
}

/* kcenter: greedy k-center over the candidates and the labeled rows. */
static al_sel_status
order_kcenter(const RoundSelection *rs, const RoundCandidates *c, int npick, int *order,
			  al_sel_where *where)
{
	al_sel_pool pool = kernel_pool(rs, c);

	return al_sel_kcenter(&pool, npick, order, sel_alloc_work(al_sel_kcenter_work(&pool)), where);
}

/* badge: k-means++ seeding over the gradient embeddings, seeded. */
static al_sel_status
order_badge(const RoundSelection *rs, const RoundCandidates *c, int npick, int *order,
			al_sel_where *where)
{
	al_sel_pool pool = kernel_pool(rs, c);

	return al_sel_badge(&pool, rs->seed, npick, order, sel_alloc_work(al_sel_badge_work(&pool)), where);
}

/* balanced: top-k with each predicted class capped at class_cap of every prefix. */
static al_sel_status
order_balanced(const RoundSelection *rs, const RoundCandidates *c, int npick, int *order,
			   al_sel_where *where)
{
	int		   *cls = palloc_extended(sizeof(int) * Max(c->m, 1), MCXT_ALLOC_HUGE);

	for (int i = 0; i < c->m; i++)
		cls[i] = al_argmax(c->p + (Size) i * rs->k, rs->k);
	return al_sel_balanced(c->score, cls, c->m, rs->k, rs->l->options.class_cap, npick, order,
						   sel_alloc_work(al_sel_order_work(c->m, rs->k)), where);
}

/* The values of option batch, topk first (ROUND_BATCH_TOPK). */
static const RoundSelector selectors[] = {
	{"topk", false, false, false, order_topk},
	{"ranked", true, false, true, order_ranked},
	{"kcenter", true, false, true, order_kcenter},
	{"badge", true, true, false, order_badge},
	{"balanced", false, true, false, order_balanced},
};

/* The index of the selector named name, or -1. */
int
round_batch_find(const char *name)
{
	for (int i = 0; i < (int) lengthof(selectors); i++)
		if (strcmp(selectors[i].name, name) == 0)
			return i;
	return -1;
}

/* The name of selector batch. */
const char *
round_batch_name(int batch)
{
	Assert(batch >= 0 && batch < (int) lengthof(selectors));
	return selectors[batch].name;
}

/* The selectors' names for messages: "topk, ranked, ... or balanced". */
const char *
round_batch_names(void)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < (int) lengthof(selectors); i++)
		appendStringInfo(&buf, "%s%s", i == 0 ? "" : i + 1 < (int) lengthof(selectors) ? ", " : " or ",
						 selectors[i].name);
	return buf.data;
}

/* What the candidates of a learner's batch keep (round_candidates.c). */
void
round_batch_needs(int batch, bool *features, bool *probabilities, bool *labeled)
{
	*features = selectors[batch].features;
	*probabilities = selectors[batch].probabilities;
	*labeled = selectors[batch].labeled;
}

/* Order two heap rows by id: the key (an integer id's order), then the bytes. */
static int
cmp_by_id(const void *a, const void *b)
{
	const HeapRow *x = *(const HeapRow *const *) a;
	const HeapRow *y = *(const HeapRow *const *) b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->id, y->id);
}

/*
 * Gather the candidates (the heap's rows, plus epsilon's rows of largest
 * key) sorted by id, each id once: the order the SQL aggregates give the
 * kernels, so the same rows and seed give the same picks.
 */
static void
gather(RoundSelection *rs, RoundCandidates *c)
{
	int			n = rs->cand.count + rs->keys.count,
				m = 0;
	HeapRow   **rows = palloc_extended(sizeof(HeapRow *) * Max(n, 1), MCXT_ALLOC_HUGE);
	const RoundSelector *sel = &selectors[rs->l->options.batch];

	for (int i = 0; i < rs->cand.count; i++)
		rows[i] = &rs->cand.rows[rs->cand.heap[i].id];
	for (int i = 0; i < rs->keys.count; i++)
		rows[rs->cand.count + i] = &rs->keys.rows[rs->keys.heap[i].id];
	qsort(rows, n, sizeof(HeapRow *), cmp_by_id);
	c->ids = palloc_extended(sizeof(char *) * Max(n, 1), MCXT_ALLOC_HUGE);
	c->score = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	c->key = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	c->x = sel->features ? palloc_extended(sizeof(float) * Max((Size) n * rs->d, 1), MCXT_ALLOC_HUGE) : NULL;
	c->p = sel->probabilities ? palloc_extended(sizeof(float) * Max((Size) n * rs->k, 1), MCXT_ALLOC_HUGE) : NULL;
	for (int i = 0; i < n; i++)
	{
		const HeapRow *r = rows[i];

		if (m > 0 && strcmp(c->ids[m - 1], r->id) == 0)
			continue;			/* in both heaps */
		c->ids[m] = r->id;
		c->score[m] = r->aux;
		c->key[m] = r->score;
		if (c->x || c->p)
		{
			/* (only epsilon-greedy has a second heap, and it keeps no floats) */
			const float *f = rs->cand.x + (r - rs->cand.rows) * (Size) rs->cand.width;

			if (c->x)
				memcpy(c->x + (Size) m * rs->d, f, sizeof(float) * rs->d);
			if (c->p)
				memcpy(c->p + (Size) m * rs->k, f + (c->x ? rs->d : 0), sizeof(float) * rs->k);
		}
		m++;
	}
	c->m = m;
}

/*
 * ERROR for a kernel's status.  The round checked every feature and
 * probability, so only what the kernels check over whole rows (a norm too
 * large) is expected.
 */
static void
report_kernel(const RoundSelection *rs, const RoundCandidates *c, al_sel_status st,
			  const al_sel_where *where)
{
	if (st == AL_SEL_X_TOO_LARGE && where->row >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("features of %s are too large for batch \"%s\" of learner \"%s\"",
						where->labeled ? "a labeled item" : psprintf("item \"%s\"", c->ids[where->row]),
						selectors[rs->l->options.batch].name, rs->l->name),
				 errdetail("The sum of their squares exceeds %g.", AL_SEL_MAX_SQNORM),
				 errhint("Scale the features down.")));
	elog(ERROR, "selection of learner \"%s\" failed: %s", rs->l->name, al_sel_status_message(st));
}

/* Write ranks 1..n of the learner's ranking: ids[r] gets rank r + 1. */
static void
write_ranks(const Learner *l, char **ids, int n)
{
	static const char *sql =
		"UPDATE al.scores s SET rank = u.r "
		"FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.int4[])) u(i, r) "
		"WHERE s.learner_id OPERATOR(pg_catalog.=) $1 AND s.item_id OPERATOR(pg_catalog.=) u.i";
	Oid			types[3] = {INT8OID, TEXTARRAYOID, INT4ARRAYOID};
	Datum		args[3];
	Datum	   *items = palloc_extended(sizeof(Datum) * Max(n, 1), MCXT_ALLOC_HUGE);
	Datum	   *ranks = palloc_extended(sizeof(Datum) * Max(n, 1), MCXT_ALLOC_HUGE);

	if (n == 0)
		return;
	for (int r = 0; r < n; r++)
	{
		items[r] = CStringGetTextDatum(ids[r]);
		ranks[r] = Int32GetDatum(r + 1);
	}
	args[0] = Int64GetDatum(l->id);
	args[1] = PointerGetDatum(construct_array(items, n, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = PointerGetDatum(construct_array(ranks, n, INT4OID, 4, true, TYPALIGN_INT));
	learner_store_exec(sql, 3, types, args, false, 0);
	if (SPI_processed != (uint64) n)
		elog(ERROR, "learner \"%s\": " UINT64_FORMAT " rows of its ranking got one of %d ranks",
			 l->name, SPI_processed, n);
}

/* Expected error reduction: its candidates ranked by the reduction. */
static int
finish_eer(RoundSelection *rs)
{
	al_eer_options opt;
	double	   *ee,
			   *red;
	int		   *order;
	char	  **ids;
	int			m = rs->eer.cand.count;

	if (m == 0)
		return 0;
	al_eer_options_init(&opt);
	opt.loss = rs->l->options.eer_zero_one ? AL_EER_LOSS_ZERO_ONE : AL_EER_LOSS_LOG;
	opt.steps = rs->l->options.eer_steps;
	al_blas_ensure();
	order = eer_rank(&rs->fit->models[0], rs->fit->c, &rs->eer, &opt, &ee, &red);
	ids = palloc(sizeof(char *) * m);
	for (int r = 0; r < m; r++)
		ids[r] = row_heap_row(&rs->eer.cand, order[r])->id;
	write_ranks(rs->l, ids, m);
	return m;
}

/*
 * After the pass: run the selector over the candidates and write their
 * ranks (every candidate, or for epsilon-greedy as many as the option
 * candidates); returns how many rows got a rank.
 */
int
round_select_finish(RoundSelection *rs)
{
	RoundCandidates c;
	al_sel_where where = {-1, -1, 0};
	al_sel_status st;
	int		   *order;
	char	  **ids;
	int			npick;

	if (rs == NULL || !rs->ranks)
		return 0;
	if (rs->eer_strategy)
		return finish_eer(rs);
	gather(rs, &c);
	npick = Min(c.m, rs->cand.k);
	if (npick == 0)
		return 0;
	round_report(rs->l, psprintf("selecting %d of %d candidates (%s)", npick, c.m,
								 selectors[rs->l->options.batch].name));
	al_blas_ensure();
	order = palloc_extended(sizeof(int) * npick, MCXT_ALLOC_HUGE);
	st = selectors[rs->l->options.batch].order(rs, &c, npick, order, &where);
	if (st != AL_SEL_OK)
		report_kernel(rs, &c, st, &where);
	ids = palloc_extended(sizeof(char *) * npick, MCXT_ALLOC_HUGE);
	for (int r = 0; r < npick; r++)
		ids[r] = c.ids[order[r]];
	write_ranks(rs->l, ids, npick);
	return npick;
}
