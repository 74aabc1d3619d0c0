/*
 * select_agg.c - the selection aggregates: al.kcenter, al.ranked_batch,
 * al.badge, al.balanced_top_k, al.epsilon_greedy and the greedy sampling
 * aggregates for regression (al.greedy_sampling_x, al.greedy_sampling_y,
 * al.improved_greedy_sampling).  Each collects its rows
 * (select_rows.c) and its final function runs one kernel of
 * src/core/select.h over them, returning the ids of the picks in order.
 * The state is `internal`.  k-center, ranked batch, BADGE and greedy
 * sampling need all rows
 * at once and have no combine function, so PostgreSQL never splits them
 * across parallel workers; al.balanced_top_k and al.epsilon_greedy keep
 * only the rows they can pick and have combine, serialize and deserialize
 * functions (select_split.c).  See doc/selection.md.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"

#include "al_ext.h"
#include "select_glue.h"

PG_FUNCTION_INFO_V1(al_kcenter_trans);
PG_FUNCTION_INFO_V1(al_kcenter_final);
PG_FUNCTION_INFO_V1(al_ranked_batch_trans);
PG_FUNCTION_INFO_V1(al_ranked_batch_final);
PG_FUNCTION_INFO_V1(al_badge_trans);
PG_FUNCTION_INFO_V1(al_badge_final);
PG_FUNCTION_INFO_V1(al_balanced_top_k_trans);
PG_FUNCTION_INFO_V1(al_balanced_top_k_final);
PG_FUNCTION_INFO_V1(al_balanced_top_k_combine);
PG_FUNCTION_INFO_V1(al_balanced_top_k_serialize);
PG_FUNCTION_INFO_V1(al_balanced_top_k_deserialize);
PG_FUNCTION_INFO_V1(al_epsilon_greedy_trans);
PG_FUNCTION_INFO_V1(al_epsilon_greedy_final);
PG_FUNCTION_INFO_V1(al_epsilon_greedy_combine);
PG_FUNCTION_INFO_V1(al_epsilon_greedy_serialize);
PG_FUNCTION_INFO_V1(al_epsilon_greedy_deserialize);
PG_FUNCTION_INFO_V1(al_greedy_sampling_x_trans);
PG_FUNCTION_INFO_V1(al_greedy_sampling_x_final);
PG_FUNCTION_INFO_V1(al_greedy_sampling_y_trans);
PG_FUNCTION_INFO_V1(al_greedy_sampling_y_final);
PG_FUNCTION_INFO_V1(al_improved_greedy_sampling_trans);
PG_FUNCTION_INFO_V1(al_improved_greedy_sampling_final);

/*
 * Argument positions (0 is the state, 1 the id):
 *   kcenter(id, x, k [, labeled])
 *   ranked_batch(id, x, score, k [, labeled])
 *   badge(id, x, p, k, seed)
 *   balanced_top_k(id, score, p, k, class_cap)
 *   epsilon_greedy(id, score, k, epsilon, seed)
 */
static const SelKind kind_kcenter = {"al.kcenter", 2, -1, -1, 3, 4, -1, NULL, -1,
.label_arg = -1};
static const SelKind kind_ranked = {"al.ranked_batch", 2, 3, -1, 4, 5, -1, NULL, -1,
.label_arg = -1};
static const SelKind kind_badge = {"al.badge", 2, -1, 3, 4, -1, -1, NULL, 5,
.label_arg = -1};
static const SelKind kind_balanced = {"al.balanced_top_k", -1, 2, 3, 4, -1, 5, "class_cap", -1,
.split = true, .class_only = true, .label_arg = -1};
static const SelKind kind_epsilon = {"al.epsilon_greedy", -1, 2, -1, 3, -1, 4, "epsilon", 5,
.split = true, .keyed = true, .label_arg = -1};

/*
 * Greedy sampling for regression (Wu, Lin and Huang 2019):
 *   greedy_sampling_x(id, x, k [, labeled])      k-center's kernel
 *   greedy_sampling_y(id, prediction, label, k)
 *   improved_greedy_sampling(id, x, prediction, label, k)
 * A row whose label is not NULL is labeled; its label is kept where a
 * candidate keeps its prediction (score).
 */
static const SelKind kind_gsx = {"al.greedy_sampling_x", 2, -1, -1, 3, 4, -1, NULL, -1,
.label_arg = -1};
static const SelKind kind_gsy = {"al.greedy_sampling_y", -1, 2, -1, 4, -1, -1, NULL, -1,
.label_arg = 3, .score_name = "prediction"};
static const SelKind kind_igs = {"al.improved_greedy_sampling", 2, 3, -1, 5, -1, -1, NULL, -1,
.label_arg = 4, .score_name = "prediction"};

/*
 * A combine: the rows of the second partial state added to the first (a
 * new state in the aggregate's context if the first is NULL).
 */
static Datum
sel_combine(FunctionCallInfo fcinfo, const SelKind *kind)
{
	MemoryContext aggcxt;
	SelRows    *into;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "%s combine function called in non-aggregate context",
			 kind->name);
	if (PG_ARGISNULL(1))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));	/* NULL too, if both are */
	into = PG_ARGISNULL(0) ? sel_rows_new(kind, aggcxt) : (SelRows *) PG_GETARG_POINTER(0);
	sel_rows_combine(into, (SelRows *) PG_GETARG_POINTER(1));
	PG_RETURN_POINTER(into);
}

/* A serialize function: the partial state as bytea (select_split.c). */
static Datum
sel_serialize(FunctionCallInfo fcinfo, const SelKind *kind)
{
	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "%s serialize function called in non-aggregate context",
			 kind->name);
	PG_RETURN_BYTEA_P(sel_rows_serialize((SelRows *) PG_GETARG_POINTER(0)));
}

/* A deserialize function: the partial state from its bytea. */
static Datum
sel_deserialize(FunctionCallInfo fcinfo, const SelKind *kind)
{
	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "%s deserialize function called in non-aggregate context",
			 kind->name);
	PG_RETURN_POINTER(sel_rows_deserialize(kind, PG_GETARG_BYTEA_PP(0),
										   CurrentMemoryContext));
}

/* A transition: the rows so far (new on the first row) plus this row. */
static Datum
sel_trans(FunctionCallInfo fcinfo, const SelKind *kind)
{
	MemoryContext aggcxt;
	SelRows    *s;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "%s transition function called in non-aggregate context",
			 kind->name);
	s = PG_ARGISNULL(0) ? sel_rows_new(kind, aggcxt) : (SelRows *) PG_GETARG_POINTER(0);
	sel_rows_check_params(s, fcinfo);
	sel_rows_add(s, fcinfo);
	PG_RETURN_POINTER(s);
}

/* The candidate set of the sorted rows: unlabeled first, then labeled. */
static al_sel_pool
sel_pool(const SelRows *s)
{
	al_sel_pool pool = {0};
	int64		m = s->n - s->nlabeled;

	pool.m = (int) m;
	pool.d = s->d;
	pool.c = s->c;
	pool.l = (int) s->nlabeled;
	if (s->x)
	{
		pool.x = s->x;
		pool.xl = s->x + m * s->d;
	}
	pool.score = s->score;
	if (s->score && s->kind->label_arg >= 0)
		pool.yl = s->score + m;
	pool.p = s->p;
	pool.tick = sel_tick_interrupts;
	return pool;
}

/* Run the kernel of s's kind for npick picks into order. */
static al_sel_status
sel_run(const SelRows *s, int npick, int *order, al_sel_where *where)
{
	al_sel_pool pool = sel_pool(s);
	const SelKind *kind = s->kind;

	if (kind == &kind_kcenter || kind == &kind_ranked || kind == &kind_badge ||
		kind == &kind_gsx || kind == &kind_igs)
		al_blas_ensure();
	if (kind == &kind_kcenter || kind == &kind_gsx)
		return al_sel_kcenter(&pool, npick, order,
							  sel_alloc_work(al_sel_kcenter_work(&pool)), where);
	if (kind == &kind_gsy)
		return al_sel_greedy_y(&pool, npick, order,
							   sel_alloc_work(al_sel_greedy_y_work(&pool)), where);
	if (kind == &kind_igs)
		return al_sel_igs(&pool, npick, order,
						  sel_alloc_work(al_sel_igs_work(&pool)), where);
	if (kind == &kind_ranked)
		return al_sel_ranked_batch(&pool, npick, order,
								   sel_alloc_work(al_sel_ranked_work(&pool)), where);
	if (kind == &kind_badge)
		return al_sel_badge(&pool, (uint64) s->seed, npick, order,
							sel_alloc_work(al_sel_badge_work(&pool)), where);
	if (kind == &kind_balanced)
		return al_sel_balanced(s->score, s->cls, pool.m, s->c, s->param, npick,
							   order, sel_alloc_work(al_sel_order_work(pool.m, s->c)),
							   where);
	return al_sel_epsilon_greedy(s->score, s->key, pool.m, s->param,
								 (uint64) s->seed, npick, order,
								 sel_alloc_work(al_sel_order_work(pool.m, 0)), where);
}

/*
 * A final function: the ids of min(k, candidates) picks in order, or NULL
 * when there is no unlabeled row.  The rows are sorted in place first
 * (sel_rows_sort), which leaves the same rows: later transitions (window
 * frames) and other final calls see the same multiset.
 */
static Datum
sel_final(FunctionCallInfo fcinfo, const SelKind *kind)
{
	SelRows    *s;
	int			m,
				npick;
	int		   *order;
	Datum	   *elems;
	al_sel_status st;
	al_sel_where where = {-1, -1, 0};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (SelRows *) PG_GETARG_POINTER(0);
	Assert(s->kind == kind);
	m = (int) (s->n - s->nlabeled);
	if (m == 0)
		PG_RETURN_NULL();
	sel_rows_sort(s);
	npick = Min(s->k, m);
	elog(DEBUG1, "%s: selecting %d of %d candidates (" INT64_FORMAT " labeled rows)",
		 kind->name, npick, m, s->nlabeled);
	order = palloc_extended(sizeof(int) * npick, MCXT_ALLOC_HUGE);
	st = sel_run(s, npick, order, &where);
	if (st != AL_SEL_OK)
		sel_report(s, st, &where);
	elems = palloc_extended(sizeof(Datum) * npick, MCXT_ALLOC_HUGE);
	for (int t = 0; t < npick; t++)
		elems[t] = Int64GetDatum(s->ids[order[t]]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, npick, INT8OID, sizeof(int64),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* al.kcenter(id, x, k [, labeled]): transition. */
Datum
al_kcenter_trans(PG_FUNCTION_ARGS)
{
	return sel_trans(fcinfo, &kind_kcenter);
}

/* al.kcenter: final (greedy k-center). */
Datum
al_kcenter_final(PG_FUNCTION_ARGS)
{
	return sel_final(fcinfo, &kind_kcenter);
}

/* al.ranked_batch(id, x, score, k [, labeled]): transition. */
Datum
al_ranked_batch_trans(PG_FUNCTION_ARGS)
{
	return sel_trans(fcinfo, &kind_ranked);
}

/* al.ranked_batch: final (ranked batch). */
Datum
al_ranked_batch_final(PG_FUNCTION_ARGS)
{
	return sel_final(fcinfo, &kind_ranked);
}

/* al.badge(id, x, p, k, seed): transition. */
Datum
al_badge_trans(PG_FUNCTION_ARGS)
{
	return sel_trans(fcinfo, &kind_badge);
}

/* al.badge: final (k-means++ over gradient embeddings). */
Datum
al_badge_final(PG_FUNCTION_ARGS)
{
	return sel_final(fcinfo, &kind_badge);
}

/* al.balanced_top_k(id, score, p, k, class_cap): transition. */
Datum
al_balanced_top_k_trans(PG_FUNCTION_ARGS)
{
	return sel_trans(fcinfo, &kind_balanced);
}

/* al.balanced_top_k: final (class-capped top-k). */
Datum
al_balanced_top_k_final(PG_FUNCTION_ARGS)
{
	return sel_final(fcinfo, &kind_balanced);
}

/* al.epsilon_greedy(id, score, k, epsilon, seed): transition. */
Datum
al_epsilon_greedy_trans(PG_FUNCTION_ARGS)
{
	return sel_trans(fcinfo, &kind_epsilon);
}

/* al.epsilon_greedy: final (epsilon-greedy order). */
Datum
al_epsilon_greedy_final(PG_FUNCTION_ARGS)
{
	return sel_final(fcinfo, &kind_epsilon);
}

/* al.balanced_top_k: combine two partial states. */
Datum
al_balanced_top_k_combine(PG_FUNCTION_ARGS)
{
	return sel_combine(fcinfo, &kind_balanced);
}

/* al.balanced_top_k: serialize a partial state. */
Datum
al_balanced_top_k_serialize(PG_FUNCTION_ARGS)
{
	return sel_serialize(fcinfo, &kind_balanced);
}

/* al.balanced_top_k: deserialize a partial state. */
Datum
al_balanced_top_k_deserialize(PG_FUNCTION_ARGS)
{
	return sel_deserialize(fcinfo, &kind_balanced);
}

/* al.epsilon_greedy: combine two partial states. */
Datum
al_epsilon_greedy_combine(PG_FUNCTION_ARGS)
{
	return sel_combine(fcinfo, &kind_epsilon);
}

/* al.epsilon_greedy: serialize a partial state. */
Datum
al_epsilon_greedy_serialize(PG_FUNCTION_ARGS)
{
	return sel_serialize(fcinfo, &kind_epsilon);
}

/* al.epsilon_greedy: deserialize a partial state. */
Datum
al_epsilon_greedy_deserialize(PG_FUNCTION_ARGS)
{
	return sel_deserialize(fcinfo, &kind_epsilon);
}

/* al.greedy_sampling_x(id, x, k [, labeled]): transition. */
Datum
al_greedy_sampling_x_trans(PG_FUNCTION_ARGS)
{
	return sel_trans(fcinfo, &kind_gsx);
}

/* al.greedy_sampling_x: final (GSx, the k-center kernel). */
Datum
al_greedy_sampling_x_final(PG_FUNCTION_ARGS)
{
	return sel_final(fcinfo, &kind_gsx);
}

/* al.greedy_sampling_y(id, prediction, label, k): transition. */
Datum
al_greedy_sampling_y_trans(PG_FUNCTION_ARGS)
{
	return sel_trans(fcinfo, &kind_gsy);
}

/* al.greedy_sampling_y: final (GSy, farthest-first in output space). */
Datum
al_greedy_sampling_y_final(PG_FUNCTION_ARGS)
{
	return sel_final(fcinfo, &kind_gsy);
}

/* al.improved_greedy_sampling(id, x, prediction, label, k): transition. */
Datum
al_improved_greedy_sampling_trans(PG_FUNCTION_ARGS)
{
	return sel_trans(fcinfo, &kind_igs);
}

/* al.improved_greedy_sampling: final (iGS). */
Datum
al_improved_greedy_sampling_final(PG_FUNCTION_ARGS)
{
	return sel_final(fcinfo, &kind_igs);
}
