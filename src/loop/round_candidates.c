/*
 * round_candidates.c - what a learner's round keeps for its selection while
 * it scores the pool, in memory bounded by al_ext.selection_max_memory:
 *  - option sample: a first pass picks the N unlabeled rows of largest
 *    seeded key (al.gumbel_key(0, 1, seed + 2^32, id) in SQL); the round
 *    scores only those;
 *  - option density: the same first pass sums the pool's normalized rows
 *    (cosine) or keeps the density sample (euclidean: the density_sample
 *    rows of largest key), and each block's scores are wrapped by
 *    information density;
 *  - the candidates: the top M rows by score (or by Gumbel key), with
 *    what the selector needs (features, probabilities), in a bounded heap;
 *    epsilon-greedy adds the M rows of largest key; kcenter and ranked
 *    batch the labeled rows' features; expected error reduction its own
 *    candidates and sample (the heaps of al.expected_error_reduction).
 * round_select.c orders them when the pass is over.  See doc/selection.md.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

#include "round_candidates.h"
#include "select_glue.h"

/*
 * Bytes a kept row takes besides its floats: the heap entry and row, its
 * id (about), and the kernels' work per candidate.
 */
#define ROW_OVERHEAD_BYTES (ROW_HEAP_ROW_OVERHEAD + 72)

/* The first pass's block of rows: at most this many, and about 32 MB of features. */
#define PREPASS_BLOCK_ROWS 4096
#define PREPASS_BLOCK_BYTES (32 * 1024 * 1024)

/* The sample (options sample, density_sample) draws its keys with seed + 2^32. */
#define SAMPLE_SEED_OFFSET (UINT64CONST(1) << 32)

/*
 * The 64-bit id of an item in the keys (al_sel_key_uniform), as
 * al.gumbel_key takes it: an integer id's value, a hash of a uuid's bytes
 * or of a text's bytes.
 */
uint64
round_item_key(const Learner *l, const char *item)
{
	if (l->id_type == INT8OID || l->id_type == INT4OID)
		return (uint64) pg_strtoint64(item);
	if (l->id_type == UUIDOID)
	{
		pg_uuid_t  *u = DatumGetUUIDP(DirectFunctionCall1(uuid_in, CStringGetDatum(item)));

		return al_sel_hash_bytes(u->data, UUID_LEN);
	}
	return al_sel_hash_bytes(item, strlen(item));
}

/*
 * The key that orders equal scores and the candidates: an integer id's
 * value (shifted to unsigned order), else 0 (then the id's bytes decide).
 */
static uint64
order_key(const Learner *l, const char *item)
{
	if (l->id_type == INT8OID || l->id_type == INT4OID)
		return (uint64) pg_strtoint64(item) ^ (UINT64CONST(1) << 63);
	return 0;
}

/* The sample's key of an item: a uniform draw of (seed + 2^32, id). */
static double
sample_key(const RoundSelection *rs, const char *item)
{
	return al_sel_key_uniform(rs->seed + SAMPLE_SEED_OFFSET, round_item_key(rs->l, item));
}

/*
 * Count bytes against al_ext.selection_max_memory; ERROR (53400) past it,
 * naming what takes them and the option that lowers them.
 */
static void
selection_charge(RoundSelection *rs, double bytes, const char *what, const char *option)
{
	rs->bytes += (int64) Min(bytes, (double) PG_INT64_MAX / 2);
	if (rs->bytes > sel_max_memory_bytes())
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("learner \"%s\" needs more than al_ext.selection_max_memory (%s) to select its batch",
						rs->l->name, GetConfigOptionByName("al_ext.selection_max_memory", NULL, false)),
				 errdetail("%s take about %.0f bytes.", what, bytes),
				 errhint("Lower its option \"%s\", or raise al_ext.selection_max_memory.", option)));
}

/*
 * Count the ids of the heaps beyond the ROW_HEAP_ID_BYTES each their rows
 * were counted with (long text ids), as they change: now is the heaps'
 * long_id_bytes in all.
 */
static void
charge_long_ids(RoundSelection *rs, Size now)
{
	selection_charge(rs, (double) now - (double) rs->long_ids, "The long ids of its kept rows", "candidates");
	rs->long_ids = now;
}

/* The candidates' heaps of a learner's batch (m rows at most). */
static void
init_candidates(RoundSelection *rs, int64 m)
{
	const LearnerOptions *o = &rs->l->options;
	int			width;
	int			heaps = o->explore == EXPLORE_EPSILON ? 2 : 1;

	round_batch_needs(o->batch, &rs->keep_x, &rs->keep_p, &rs->wants_labeled);
	width = (rs->keep_x ? rs->d : 0) + (rs->keep_p ? rs->k : 0);
	/* the heap's floats, and the copy the selector works on (round_select.c, gather) */
	selection_charge(rs, (double) m * heaps * (2 * sizeof(float) * width + ROW_OVERHEAD_BYTES),
		   psprintf("Its " INT64_FORMAT " candidates of %d floats", m, width), "candidates");
	row_heap_init(&rs->cand, (int) m, width, rs->cxt);
	if (o->explore == EXPLORE_EPSILON)
		row_heap_init(&rs->keys, (int) m, 0, rs->cxt);
	rs->scratch = palloc(sizeof(float) * Max(width, 1));
}

/*
 * Expected error reduction: its candidates, its sample, and the labeled
 * rows it updates the model with (the training rows of a class the model
 * has: a class only held out has probability 0 and cannot be updated).
 */
static void
init_eer(RoundSelection *rs, int64 pool_size, const RoundLabeled *train)
{
	const LearnerOptions *o = &rs->l->options;
	const al_softmax_model *model = &rs->fit->models[0];
	int			mc = (int) Min(o->eer_candidates, pool_size);
	int			ms = (int) Min(o->eer_sample, pool_size);
	int			n = (train && train->d == rs->d) ? train->n : 0;

	al_eer_options kernel;

	/*
	 * The heaps' floats and their contiguous copies for the kernel (eer_rank),
	 * the labeled rows, and the kernel's own memory (al_eer_memory_bytes: its
	 * standardized sample and labeled rows, its prediction blocks, an
	 * update's L-BFGS work).
	 */
	al_eer_options_init(&kernel);
	selection_charge(rs, (double) (mc + ms) * (2 * sizeof(float) * rs->d + ROW_OVERHEAD_BYTES) +
		   (double) n * (sizeof(float) * rs->d + sizeof(int)) +
		   (double) al_eer_memory_bytes(&kernel, Max(mc, 1), Max(ms, 1), n, rs->d, rs->k,
										al_eer_present_classes(model), 0),
		   "The candidates, sample and labeled rows of expected error reduction, and its work", "eer_candidates");
	memset(&rs->eer, 0, sizeof(rs->eer));
	row_heap_init(&rs->eer.cand, mc, rs->d, rs->cxt);
	row_heap_init(&rs->eer.sample, ms, rs->d, rs->cxt);
	rs->eer.lx = palloc_extended(sizeof(float) * Max((Size) n * rs->d, 1), MCXT_ALLOC_HUGE);
	rs->eer.ly = palloc_extended(sizeof(int) * Max(n, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < n; i++)
	{
		if (model->intercept[train->y[i]] == -INFINITY)
			continue;
		memcpy(rs->eer.lx + (Size) rs->eer.n * rs->d, train->x + (Size) i * rs->d, sizeof(float) * rs->d);
		rs->eer.ly[rs->eer.n++] = train->y[i];
	}
}

/* The first pass's state. */
typedef struct Prepass
{
	RoundSelection *rs;
	ItemMap    *labeled;
	RowHeap		sample;			/* option sample: ids only */
	RowHeap		dsample;		/* euclidean density: with features */
	double	   *sum;			/* cosine density: sum of x / |x| */
	int64		n;
	float	   *x;
} Prepass;

/* One block of the first pass: each unlabeled row with usable features. */
static void
prepass_block(void *arg)
{
	Prepass    *pp = (Prepass *) arg;
	RoundSelection *rs = pp->rs;
	const LearnerOptions *o = &rs->l->options;

	round_check_block(rs->l);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		char	   *item = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
		Datum		f = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);
		double		key;

		if (item == NULL || item_map_find(pp->labeled, item) >= 0 ||
			pool_read_features(f, isnull, rs->d, pp->x) != FEATURES_OK)
			continue;
		key = sample_key(rs, item);
		if (o->sample > 0)
			row_heap_offer(&pp->sample, key, order_key(rs->l, item), item, NULL, 0);
		if (o->density > 0 && o->density_euclidean)
			row_heap_offer(&pp->dsample, key, order_key(rs->l, item), item, pp->x, 0);
		else if (o->density > 0)
		{
			al_sel_direction_add(pp->x, rs->d, pp->sum);
			pp->n++;
		}
	}
	charge_long_ids(rs, pp->sample.long_id_bytes + pp->dsample.long_id_bytes);
}

/*
 * The first pass (options sample and density): read the pool once as the
 * owner, keep the sample's ids, the pool's mean direction or the density
 * sample.
 */
static void
prepass(RoundSelection *rs, int64 pool_size, ItemMap *labeled)
{
	const LearnerOptions *o = &rs->l->options;
	Prepass		pp = {0};
	int64		n_sample = Min(o->sample, pool_size);
	int64		n_dsample = (o->density > 0 && o->density_euclidean) ? Min(o->density_sample, pool_size) : 0;
	long		block = Max(1, Min(PREPASS_BLOCK_ROWS, PREPASS_BLOCK_BYTES / (sizeof(float) * (rs->d + 1))));

	selection_charge(rs, (double) n_sample * ROW_OVERHEAD_BYTES, "The ids of its sample", "sample");
	selection_charge(rs, (double) n_dsample * (sizeof(float) * rs->d + ROW_OVERHEAD_BYTES),
		   "Its density sample", "density_sample");
	pp.rs = rs;
	pp.labeled = labeled;
	row_heap_init(&pp.sample, (int) n_sample, 0, rs->cxt);
	row_heap_init(&pp.dsample, (int) n_dsample, rs->d, rs->cxt);
	pp.sum = palloc0(sizeof(double) * rs->d);
	pp.x = palloc(sizeof(float) * rs->d);
	round_report(rs->l, "reading the pool for the sample and density");
	learner_query_blocks(rs->l->owner, round_pool_sql(rs->l), 0, NULL, NULL, false, block,
						 prepass_block, &pp);
	rs->prepass_long_ids = rs->long_ids;
	if (o->sample > 0)
	{
		rs->sampled = item_map_create("al_ext round sample", Max(pp.sample.count, 1));
		for (int i = 0; i < pp.sample.count; i++)
			item_map_add(rs->sampled, pp.sample.rows[pp.sample.heap[i].id].id, 0);
	}
	if (o->density > 0 && !o->density_euclidean)
	{
		rs->direction = pp.sum;
		for (int j = 0; j < rs->d && pp.n > 0; j++)
			rs->direction[j] /= (double) pp.n;
	}
	if (n_dsample > 0)
	{
		rs->ds = pp.dsample.count;
		rs->dsx = row_heap_sorted_x(&pp.dsample);
		rs->dsn = palloc(sizeof(double) * Max(rs->ds, 1));
		al_sel_sqnorms(rs->dsx, rs->ds, rs->d, rs->dsn);
	}
}

/*
 * The selection of a round that scores the pool with fit (d features,
 * pool_size rows counted, labeled: the labeled items; train: the labeled
 * rows with their classes, for expected error reduction), or NULL when
 * the learner needs none (plain top-k by score).  Runs the first pass if
 * options sample or density ask for one.  Lives in the current context.
 */
RoundSelection *
round_select_begin(const Learner *l, const ModelFit *fit, int d, int64 pool_size, ItemMap *labeled,
				   const RoundLabeled *train)
{
	const LearnerOptions *o = &l->options;
	bool		eer = strcmp(l->strategy, LEARNER_EER_STRATEGY) == 0;
	bool		ranks = eer || o->batch != ROUND_BATCH_TOPK || o->explore != EXPLORE_NONE;
	RoundSelection *rs;
	int64		m;

	if (!ranks && o->sample == 0 && o->density == 0)
		return NULL;
	rs = palloc0(sizeof(RoundSelection));
	rs->l = l;
	rs->fit = fit;
	rs->d = d;
	rs->k = l->k;
	rs->seed = (uint64) o->seed;
	rs->ranks = ranks;
	rs->eer_strategy = eer;
	rs->cxt = CurrentMemoryContext;
	/* every heap is bounded by the pool's rows, and by the sample */
	m = Min(o->candidates == 0 ? pool_size : o->candidates, pool_size);
	if (o->sample > 0)
		m = Min(m, o->sample);
	m = Min(m, SEL_MAX_ROWS);
	if (ranks && !eer)
		init_candidates(rs, m);
	if (eer)
		init_eer(rs, pool_size, train);
	if (o->sample > 0 || o->density > 0)
		prepass(rs, pool_size, labeled);
	return rs;
}

/* Whether the selection writes ranks (else the ranking goes by score). */
bool
round_select_ranks(const RoundSelection *rs)
{
	return rs != NULL && rs->ranks;
}

/* Whether the round leaves item out (not in the sample of option sample). */
bool
round_select_skips(const RoundSelection *rs, const char *item)
{
	return rs != NULL && rs->sampled != NULL && item_map_find(rs->sampled, item) < 0;
}

/* Whether the selector needs the labeled rows' features (round_select_labeled_row). */
bool
round_select_wants_labeled(const RoundSelection *rs)
{
	return rs != NULL && rs->wants_labeled;
}

/* Keep a labeled row's features (d floats), growing by doubling. */
void
round_select_labeled_row(RoundSelection *rs, const float *x)
{
	if (rs->nl == rs->capl)
	{
		int			cap = rs->capl ? 2 * rs->capl : 64;

		selection_charge(rs, (double) (cap - rs->capl) * sizeof(float) * rs->d,
			   psprintf("Its %d labeled rows of %d features", cap, rs->d), "candidates");
		rs->xl = rs->xl ? repalloc_huge(rs->xl, sizeof(float) * (Size) cap * rs->d)
			: MemoryContextAllocHuge(rs->cxt, sizeof(float) * (Size) cap * rs->d);
		rs->capl = cap;
	}
	memcpy(rs->xl + (Size) rs->nl++ * rs->d, x, sizeof(float) * rs->d);
}

/* ERROR for a score a wrapper refused (never expected: scores are checked). */
static void
bad_wrapped_score(const RoundSelection *rs, const char *item, const char *what, al_sel_status st)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s of item \"%s\" of learner \"%s\" failed: %s", what, item, rs->l->name,
					al_sel_status_message(st))));
}

/* Wrap a block's scores by information density: score x density^beta. */
static void
apply_density(RoundSelection *rs, char **items, const float *x, double *score, int rows)
{
	double	   *dens = palloc(sizeof(double) * Max(rows, 1));
	al_sel_where where = {-1, -1, 0};

	if (rs->l->options.density_euclidean)
	{
		al_sel_status st = rows > 0 && rs->ds > 0 ?
			al_sel_euclidean_density(x, rows, rs->d, rs->dsx, rs->ds, rs->dsn, dens,
									 sel_alloc_work(al_sel_density_work(rows, rs->ds, rs->d)), &where)
			: AL_SEL_OK;

		if (st != AL_SEL_OK)
			bad_wrapped_score(rs, where.row >= 0 ? items[where.row] : "?", "euclidean density", st);
	}
	for (int j = 0; j < rows; j++)
	{
		double		v;
		al_sel_status st;

		if (!rs->l->options.density_euclidean)
			dens[j] = al_sel_cosine_density(x + (Size) j * rs->d, rs->d, rs->direction);
		else if (rs->ds == 0)
			dens[j] = 0;
		st = al_sel_information_density(score[j], dens[j], rs->l->options.density, &v);
		if (st != AL_SEL_OK)
			bad_wrapped_score(rs, items[j], "information density", st);
		score[j] = v;
	}
}

/* The key a candidate's heap orders it by: its score, or an exploration key. */
static double
heap_score(const RoundSelection *rs, const char *item, double score)
{
	const LearnerOptions *o = &rs->l->options;
	al_sel_status st = AL_SEL_OK;
	double		key = score;

	if (o->explore == EXPLORE_TEMPERATURE)
		st = al_sel_gumbel_key(score, o->explore_value, rs->seed, round_item_key(rs->l, item), &key);
	else if (o->explore == EXPLORE_POWER)
		st = al_sel_gumbel_power_key(score, o->explore_value, rs->seed, round_item_key(rs->l, item), &key);
	if (st != AL_SEL_OK)
		bad_wrapped_score(rs, item, "the exploration key", st);
	return key;
}

/* Offer one scored row (features x, probabilities p) to the candidates. */
static void
offer(RoundSelection *rs, const char *item, const float *x, const float *p, double score)
{
	if (rs->eer_strategy)
	{
		uint64		key = row_heap_hash_key(item, rs->seed);

		/* the learner's score is the entropy: expected error reduction's prefilter */
		row_heap_offer(&rs->eer.cand, score, key, item, x, 0);
		row_heap_offer(&rs->eer.sample, 0.0, key, item, x, 0);
		rs->eer.pool_rows++;
		return;
	}
	/* features first, then probabilities, as far as the selector keeps them */
	if (rs->keep_x)
		memcpy(rs->scratch, x, sizeof(float) * rs->d);
	if (rs->keep_p)
		memcpy(rs->scratch + (rs->keep_x ? rs->d : 0), p, sizeof(float) * rs->k);
	row_heap_offer(&rs->cand, heap_score(rs, item, score), order_key(rs->l, item), item,
				   rs->scratch, score);
	if (rs->l->options.explore == EXPLORE_EPSILON)
		row_heap_offer(&rs->keys, al_sel_key_uniform(rs->seed, round_item_key(rs->l, item)),
					   order_key(rs->l, item), item, NULL, score);
}

/*
 * A scored block (rows items, their features x, mean probabilities p and
 * scores): wrap the scores by density (in place: the ranking stores the
 * wrapped score) and offer the rows to the candidates.
 */
void
round_select_block(RoundSelection *rs, char **items, const float *x, const float *p, double *score,
				   int rows)
{
	if (rs == NULL)
		return;
	if (rs->l->options.density > 0)
		apply_density(rs, items, x, score, rows);
	rs->scored += rows;
	if (!rs->ranks)
		return;
	for (int j = 0; j < rows; j++)
		offer(rs, items[j], x + (Size) j * rs->d, p + (Size) j * rs->k, score[j]);
	charge_long_ids(rs, rs->prepass_long_ids + rs->cand.long_id_bytes + rs->keys.long_id_bytes +
					rs->eer.cand.long_id_bytes + rs->eer.sample.long_id_bytes);
}
