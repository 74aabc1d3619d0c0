/*
 * round_score.c - scoring a learner's pool in a round: read the pool (as
 * the learner's owner) block by block through a cursor, predict each block
 * with the committee (BLAS), score it with the strategy's core kernel and
 * insert it into al.scores (as the store owner).
 *
 * Memory holds one block: its rows, its predictions and its scored rows.
 * A block has at most SCORE_BLOCK_ROWS rows, fewer when the rows are wide
 * (many features, many classes, a large committee), so that a block's
 * buffers stay near SCORE_BLOCK_BYTES.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "al_ext.h"
#include "committee_model.h"
#include "eval_set.h"
#include "identity.h"
#include "probvec.h"
#include "round.h"
#include "scores.h"
#include "select_glue.h"
#include "toast_batch.h"

#define SCORE_BLOCK_ROWS 4096
#define SCORE_BLOCK_BYTES (32 * 1024 * 1024)

/* Show what the round is doing in pg_stat_activity. */
void
round_report(const Learner *l, const char *what)
{
	char		buf[256];

	snprintf(buf, sizeof(buf), "learner " INT64_FORMAT " (%s): %s", l->id, l->name, what);
	pgstat_report_activity(STATE_RUNNING, buf);
}

/* Run a read-only query on the pool as the learner's owner. */
void
round_pool_query(const Learner *l, const char *sql, int nargs, Oid *types, Datum *args)
{
	AlIdentity	save;
	int			ret;

	al_become(l->owner, &save);
	ret = SPI_execute_with_args(sql, nargs, types, args, NULL, true, 0);
	al_restore(&save);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "query on the pool of learner \"%s\" failed", l->name);
}

/*
 * A seeded sample of n pool items (text[] of ids, in order): the first by a
 * hash of the id's text seeded with the learner's seed, then by the id's
 * text; the stop set and the evaluation sample.  Read as the owner; the
 * result is in the caller's (upper) context.
 */
Datum
round_seeded_sample(const Learner *l, int64 n)
{
	const char *id = quote_identifier(l->id_column);
	bool		isnull;

	round_pool_query(l, psprintf("SELECT coalesce(pg_catalog.array_agg(i), '{}') FROM ("
								 "SELECT %s::pg_catalog.text AS i FROM %s WHERE %s IS NOT NULL "
								 "ORDER BY pg_catalog.hashtextextended(%s::pg_catalog.text, %d), 1 "
								 "LIMIT " INT64_FORMAT ") s",
								 id, learner_pool_name(l), id, id, l->options.seed, n),
					 0, NULL, NULL);
	return SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull),
							 false, -1);
}

/*
 * ERROR unless column `column` of the SPI result holds features the round
 * can read (the pool is locked and was checked: this guards the reader).
 */
void
round_check_features_column(const Learner *l, int column)
{
	Oid			type = SPI_gettypeid(SPI_tuptable->tupdesc, column);

	if (!pool_features_type_ok(type))
		elog(ERROR, "the pool of learner \"%s\" returned features of type %s",
			 l->name, format_type_be(type));
}

/* The oid of al.probvec. */
Oid
round_probvec_oid(void)
{
	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("probvec"),
						   ObjectIdGetDatum(get_namespace_oid("al", false)));
}

/* A block of scored rows on its way into al.scores. */
typedef struct ScoreBlock
{
	int			n;
	Datum		items[SCORE_BLOCK_ROWS];
	Datum		scores[SCORE_BLOCK_ROWS];
	Datum		predicted[SCORE_BLOCK_ROWS];
	Datum		probs[SCORE_BLOCK_ROWS];
} ScoreBlock;

/*
 * Insert n scored rows into al.scores (round_write.c): their ids, scores,
 * predicted classes (text) and probvecs; hot or not (the first rows of the
 * ranking, round_hot.c).
 */
static void
insert_scores(const Learner *l, int32 version, int n, Datum *items, Datum *scores,
			  Datum *predicted, Datum *probs, bool hot)
{
	round_write_scores(l->id, version, n, items, scores, predicted, probs, hot);
}

/*
 * Insert n scored rows into al.scores (as the store owner), not hot: their
 * ids, scores, predicted classes (text) and probvecs (of type pv_type).
 */
void
round_insert_scores(const Learner *l, int32 version, int n, Datum *items, Datum *scores,
					Datum *predicted, Datum *probs, Oid pv_type)
{
	insert_scores(l, version, n, items, scores, predicted, probs, false);
}

/* Insert a block of scored rows into al.scores (hot or not) and empty it. */
static void
insert_block(const Learner *l, int32 version, ScoreBlock *b, Oid pv_type, bool hot)
{
	insert_scores(l, version, b->n, b->items, b->scores, b->predicted, b->probs, hot);
	b->n = 0;
}

/* Append a scored row (id, score, its k probabilities p) to a block. */
static void
block_append(const Learner *l, ScoreBlock *b, const char *id, double score, const float *p)
{
	int			k = l->k;
	ProbVec    *pv = (ProbVec *) palloc(PROBVEC_SIZE(k));

	SET_VARSIZE(pv, PROBVEC_SIZE(k));
	pv->dim = (int16) k;
	pv->unused = 0;
	memcpy(pv->x, p, sizeof(float) * k);
	b->items[b->n] = CStringGetTextDatum(id);
	b->scores[b->n] = Float8GetDatum(score);
	b->predicted[b->n] = CStringGetTextDatum(l->classes[al_argmax(p, k)]);
	b->probs[b->n] = PointerGetDatum(pv);
	b->n++;
}

/*
 * A strategy's score of one row of k probabilities p (members x k
 * probabilities in m; x: its d features, read by expected_gradient_length
 * only; item and seed: read by random only): the serial round and
 * al._round_row (round_parallel.c) both score with it.  Unknown
 * strategies score as random.
 */
double
round_strategy_score(const char *s, int k, const char *item, int seed, const float *p,
					 const float *m, int members, const float *x, int d, double *work)
{
	/* expected error reduction ranks its candidates later: they are the most uncertain */
	if (strcmp(s, "entropy") == 0 || strcmp(s, LEARNER_EER_STRATEGY) == 0)
		return al_entropy(p, k);
	if (strcmp(s, "least_confidence") == 0)
		return al_least_confidence(p, k);
	if (strcmp(s, "margin_confidence") == 0)
		return al_margin_confidence(p, k);
	if (strcmp(s, "ratio_confidence") == 0)
		return al_ratio_confidence(p, k);
	if (strcmp(s, "expected_gradient_length") == 0)
		return al_expected_gradient_length(p, k, x, d);
	if (strcmp(s, "vote_entropy") == 0)
		return al_vote_entropy(m, members, k, work);
	if (strcmp(s, "consensus_entropy") == 0)
		return al_consensus_entropy(m, members, k, work);
	if (strcmp(s, "max_disagreement") == 0)
		return al_max_disagreement(m, members, k, work);
	if (strcmp(s, "bald") == 0)
		return al_bald(m, members, k, work);
	return round_random_score(item, seed);
}

/*
 * The strategy's score of one row (members x k probabilities in m; x: its
 * d features, read by expected_gradient_length only).
 */
double
round_row_score(const Learner *l, const char *item, const float *p, const float *m, int members,
		  const float *x, int d, double *work)
{
	return round_strategy_score(l->strategy, l->k, item, l->options.seed, p, m, members, x, d, work);
}

/*
 * Row j's committee mean into p (k floats) and its members' rows into m
 * (members x k), from pm (members x rows x k): the mean in double, in
 * member order, rounded to float once.
 */
void
round_committee_mean(const float *pm, int members, int rows, int j, int k, float *m, float *p)
{
	for (int c = 0; c < k; c++)
	{
		double		sum = 0.0;

		for (int i = 0; i < members; i++)
		{
			m[i * k + c] = pm[((Size) i * rows + j) * k + c];
			sum += m[i * k + c];
		}
		p[c] = (float) (sum / members);
	}
}

/* Scoring workspace for one block. */
typedef struct ScoreWork
{
	int			block_rows;		/* rows per block */
	bool		doubles;		/* rows are read into xd, else into x */
	float	   *x;				/* rows x d */
	double	   *xd;				/* rows x d: the exact doubles of the features */
	float	   *pm;				/* members x rows x k */
	float	   *p;				/* rows x k: the committee means */
	double	   *score;			/* rows: the scores */
	float	   *m;				/* members x k of one row */
	double	   *pred_work;
	double	   *work;
	char	   *items[SCORE_BLOCK_ROWS];
} ScoreWork;

/*
 * Rows per block: SCORE_BLOCK_ROWS, or fewer so that a block's features,
 * member predictions and probvecs stay near SCORE_BLOCK_BYTES.
 */
int
round_block_rows(int d, int k, int members)
{
	Size		row_bytes = sizeof(float) * ((Size) d + (Size) k * (members + 1)) + PROBVEC_SIZE(k) +
		sizeof(Datum) * 5;
	Size		rows = SCORE_BLOCK_BYTES / row_bytes;

	return (int) Max(1, Min(rows, SCORE_BLOCK_ROWS));
}

/*
 * Allocate the scoring workspace of a learner's committee.  Rows are read
 * as doubles (the prediction's input, without a float copy and its
 * conversion) unless something reads them as floats: a selection or the
 * expected gradient length; then a block's rows take twice the bytes.
 */
static void
score_work_init(ScoreWork *w, const Learner *l, const ModelFit *fit, int d, bool floats)
{
	w->doubles = !floats && strcmp(l->strategy, "expected_gradient_length") != 0;
	w->block_rows = round_block_rows(w->doubles ? 2 * d : d, l->k, fit->members);
	w->x = NULL;
	w->xd = NULL;
	if (w->doubles)
		w->xd = (double *) palloc_extended(sizeof(double) * w->block_rows * Max(d, 1), MCXT_ALLOC_HUGE);
	else
		w->x = (float *) palloc_extended(sizeof(float) * w->block_rows * Max(d, 1), MCXT_ALLOC_HUGE);
	w->pm = (float *) palloc_extended(sizeof(float) * w->block_rows * l->k * fit->members, MCXT_ALLOC_HUGE);
	w->p = (float *) palloc_extended(sizeof(float) * w->block_rows * l->k, MCXT_ALLOC_HUGE);
	w->score = (double *) palloc(sizeof(double) * w->block_rows);
	w->m = (float *) palloc_extended(sizeof(float) * l->k * fit->members, MCXT_ALLOC_HUGE);
	w->work = (double *) palloc(sizeof(double) * 4 * l->k);
	w->pred_work = (double *) palloc_extended(sizeof(double) *
											  al_softmax_predict_work_size(&fit->models[0], w->block_rows),
											  MCXT_ALLOC_HUGE);
}

/* Row j's committee mean into w->p (row j) and its score into w->score. */
static void
score_row(const Learner *l, const ModelFit *fit, int d, int rows, int j, ScoreWork *w)
{
	int			k = l->k;
	int			members = fit->members;
	float	   *p = w->p + (Size) j * k;

	round_committee_mean(w->pm, members, rows, j, k, w->m, p);
	probvec_check_values(p, k);
	w->score[j] = round_row_score(l, w->items[j], p, w->m, members,
								  w->doubles ? NULL : w->x + (Size) j * d, d, w->work);
}

/* Read one row's features into slot row of w (as doubles or floats); see pool_read_features. */
static FeatureProblem
work_read_row(ScoreWork *w, Datum f, bool isnull, int d, int row)
{
	if (w->doubles)
		return pool_read_features_double(f, isnull, d, w->xd + (Size) row * d);
	return pool_read_features(f, isnull, d, w->x + (Size) row * d);
}

/*
 * A scored row (id, score, its k probabilities p) into the round's
 * results: the mean uncertainty's sum, the hot rows (hot, or NULL), and
 * block unless the hot rows keep it whole (it goes in at the end, hot;
 * the row it replaced goes now).  Under option ranking_rows (hot drops
 * rows) a row goes into the ranking only if it stays in hot to the end.
 */
static void
place_row(const Learner *l, ScoreBlock *block, ScoreResult *res, HotRows *hot, const char *id,
		  double score, const float *p)
{
	HotRow		out;
	HotOffer	offer = HOT_OFFER_OUT;

	res->entropy_sum += al_entropy(p, l->k);
	if (hot != NULL && round_hot_drops(hot))
	{
		/* option ranking_rows: a row the heap does not keep is not written */
		round_hot_keep(hot, score, id, p);
		return;
	}
	if (hot != NULL)
		offer = round_hot_offer(hot, score, id, p, &out);
	if (hot == NULL || !round_hot_keeps_rows(hot) || offer == HOT_OFFER_OUT)
		block_append(l, block, id, score, p);
	else if (offer == HOT_OFFER_REPLACED)
		block_append(l, block, out.id, out.score, out.p);
}

/*
 * Predict and score `rows` buffered rows (the selection may wrap their
 * scores and keeps its candidates), appending them to block.
 */
static void
score_rows(const Learner *l, const ModelFit *fit, int d, int rows, ScoreWork *w,
		   RoundSelection *sel, ScoreBlock *block, Oid pv_type, ScoreResult *res, HotRows *hot)
{
	int			k = l->k;
	int			members = fit->members;
	int			i,
				j;

	for (i = 0; i < members; i++)
	{
		float	   *pm = w->pm + (Size) i * rows * k;
		al_sm_status st = w->doubles ?
			al_softmax_predict_doubles_ws(&fit->models[i], w->xd, rows, pm, w->pred_work) :
			al_softmax_predict_ws(&fit->models[i], w->x, rows, pm, w->pred_work);

		if (st != AL_SM_OK)
			elog(ERROR, "batch prediction failed for learner \"%s\"", l->name);
	}
	for (j = 0; j < rows; j++)
		score_row(l, fit, d, rows, j, w);
	round_select_block(sel, w->items, w->x, w->p, w->score, rows);
	for (j = 0; j < rows; j++)
		place_row(l, block, res, hot, w->items[j], w->score[j], w->p + (Size) j * k);
	res->scored += rows;
}

/* The ids of learner $1's items that need no more labels ($2: option overlap). */
/*
 * The ids of the learner's items that need no more labels, as a set: those
 * with overlap votes (labels from distinct annotators, 1 by default) or an
 * adjudication.  The ranking holds the others, so that items still short
 * of their overlap labels are handed out again.
 */
ItemMap *
round_labeled_items(const Learner *l)
{
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		args[2] = {Int64GetDatum(l->id), Int32GetDatum(l->options.overlap)};
	ItemMap    *set;
	uint64		i;

	learner_store_exec(LABELED_ITEMS_SQL, 2, types, args, true, 0);
	set = item_map_create("al_ext labeled set", (long) SPI_processed);
	for (i = 0; i < SPI_processed; i++)
		item_map_add(set, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1), 0);
	SPI_freetuptable(SPI_tuptable);
	return set;
}

/* ERROR unless the fetched block has the columns the round reads (id text, features). */
void
round_check_block(const Learner *l)
{
	if (SPI_gettypeid(SPI_tuptable->tupdesc, 1) != TEXTOID)
		elog(ERROR, "the pool of learner \"%s\" returned ids that are not text", l->name);
	round_check_features_column(l, 2);
}

/*
 * Buffer the fetched rows that get a score (unlabeled, in the sample, drawn
 * by option rescore_sample's draw, with
 * usable features of length d) into w; returns how many.  A labeled row's
 * features go to the selection if it asks for them.  The features of a row
 * that gets no score are not read (not detoasted); those stored out of
 * line go to toast (if not NULL), read later in one pass (toast_batch.c).
 * Runs in the block's context.
 */
static int
buffer_rows(const Learner *l, ItemMap *labeled, int d, ScoreWork *w, RoundSelection *sel,
			const RoundDraw *draw, ToastBatch *toast)
{
	int			rows = 0;
	uint64		r;

	round_check_block(l);
	for (r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		char	   *item = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
		Datum		f;

		if (item == NULL)
			continue;
		f = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);
		if (item_map_find(labeled, item) >= 0)
		{
			/* a selection reads rows as floats (score_work_init) */
			float	   *x = w->x + (Size) rows * d;

			if (round_select_wants_labeled(sel) && pool_read_features(f, isnull, d, x) == FEATURES_OK)
				round_select_labeled_row(sel, x);
			continue;
		}
		if (round_select_skips(sel, item) || !round_item_drawn(draw, item))
			continue;
		if (toast != NULL && !isnull && toast_batch_defer(toast, f, item))
			continue;
		if (work_read_row(w, f, isnull, d, rows) != FEATURES_OK)
			continue;
		w->items[rows++] = item;
	}
	return rows;
}

/* A scoring of the pool on its way, block by block. */
typedef struct ScoreState
{
	const Learner *l;
	const ModelFit *fit;
	int			d;
	int32		version;
	int64		pool_size;
	ItemMap    *labeled;
	ScoreBlock *block;
	ScoreWork	w;
	Oid			pv_type;
	ScoreResult res;
	int64		seen;
	RoundSelection *sel;		/* NULL: plain top-k by score */
	HotRows    *hot;			/* the hot rows of a ranking without ranks (round_hot.c), or NULL */
	RoundDraw	draw;			/* option rescore_sample's draw (fraction 0: all rows) */
	ToastBatch *toast;			/* rows whose features are out of line, or NULL */
	int			deferred;		/* rows of those buffered in w */
	MemoryContext deferred_cxt; /* their block's context */
} ScoreState;

/* Predict, score and insert the deferred rows buffered in w. */
static void
score_deferred(ScoreState *st)
{
	MemoryContext old = MemoryContextSwitchTo(st->deferred_cxt);

	score_rows(st->l, st->fit, st->d, st->deferred, &st->w, st->sel, st->block, st->pv_type, &st->res,
			   st->hot);
	insert_block(st->l, st->version, st->block, st->pv_type, false);
	MemoryContextSwitchTo(old);
	MemoryContextReset(st->deferred_cxt);
	st->deferred = 0;
}

/* One deferred row's features (toast_batch.c) into w; a full block is scored. */
static void
take_deferred(void *arg, const char *item, Datum value)
{
	ScoreState *st = (ScoreState *) arg;

	if (work_read_row(&st->w, value, false, st->d, st->deferred) != FEATURES_OK)
		return;
	st->w.items[st->deferred++] = (char *) item;
	if (st->deferred == st->w.block_rows)
		score_deferred(st);
}

/* Read, score and insert the rows deferred so far. */
static void
score_toast_batch(ScoreState *st)
{
	if (toast_batch_pending(st->toast) == 0)
		return;
	round_report(st->l, psprintf("scoring " INT64_FORMAT " rows stored out of line",
								 toast_batch_pending(st->toast)));
	toast_batch_read(st->toast, take_deferred, st);
	if (st->deferred > 0)
		score_deferred(st);
	toast_batch_reset(st->toast);
}

/*
 * Score one block of pool rows and insert it (everything of the block, its
 * insert included, in the block's context).
 */
static void
score_block(void *arg)
{
	ScoreState *st = (ScoreState *) arg;
	int			rows = buffer_rows(st->l, st->labeled, st->d, &st->w, st->sel, &st->draw, st->toast);

	st->seen += SPI_processed;
	score_rows(st->l, st->fit, st->d, rows, &st->w, st->sel, st->block, st->pv_type, &st->res,
			   st->hot);
	insert_block(st->l, st->version, st->block, st->pv_type, false);
	round_report(st->l, psprintf("scoring " INT64_FORMAT "/" INT64_FORMAT, st->seen, st->pool_size));
	if (st->toast != NULL && toast_batch_full(st->toast))
		score_toast_batch(st);
}

/*
 * A row of a parallel scoring under option ranking_rows: into the
 * ranking's heap (place_row writes nothing then; the query is still
 * running in parallel mode).
 */
static void
heap_row(void *arg, const char *id, double score, const float *p)
{
	ScoreState *st = (ScoreState *) arg;

	place_row(st->l, st->block, &st->res, st->hot, id, score, p);
	st->res.scored++;
}

/*
 * Score the pool with one parallel-safe query (round_parallel.c; with
 * value, the model exported, predicting where the rows are) per hash
 * bucket of its ids (one bucket unless the rows would take more than
 * al_ext.selection_max_memory), writing each bucket's rows as score_block
 * does, a block at a time (each block in a context reset after its insert).
 */
static void
score_parallel(ScoreState *st, bytea *value)
{
	/* the rows expected: the pool, or the share option rescore_sample draws */
	int64		expected = st->draw.fraction > 0 ? (int64) ceil(st->pool_size * st->draw.fraction) : st->pool_size;
	/* under option ranking_rows the rows go straight into the ranking's heap: one query, nothing kept */
	bool		to_heap = st->hot != NULL && round_hot_drops(st->hot);
	/* (the ids' average width from the pool's statistics, as ANALYZE saw them: long ids fill buckets too) */
	int			buckets = to_heap ? 1 : round_parallel_buckets(st->l->k, expected, round_pool_id_width(st->l));
	MemoryContext block = AllocSetContextCreate(CurrentMemoryContext, "al_ext parallel block",
												ALLOCSET_DEFAULT_SIZES);

	if (value)
		elog(DEBUG1, "learner \"%s\": scoring in the pool's query (option score_in)", st->l->name);
	if (buckets > 1)
		elog(DEBUG1, "learner \"%s\": scoring the pool in %d hash buckets of its ids", st->l->name, buckets);
	if (st->draw.fraction > 0)
		elog(DEBUG1, "learner \"%s\": scoring in one query the rows option rescore_sample draws (%.6g of the pool)",
			 st->l->name, st->draw.fraction);
	for (int b = 0; b < buckets; b++)
	{
		ParallelRows *rows;
		MemoryContext old;

		round_report(st->l, psprintf("scoring " INT64_FORMAT " rows in one query (%s), "
									 "bucket %d of %d", expected,
									 value ? "in the pool" : "al_ext.parallel_rounds", b + 1, buckets));
		rows = round_parallel_rows(st->l, st->fit->id, value, st->fit->members, st->labeled, &st->draw,
								   b, buckets, to_heap ? heap_row : NULL, st);
		old = MemoryContextSwitchTo(block);
		for (int64 i = 0; i < rows->n; i++)
		{
			place_row(st->l, st->block, &st->res, st->hot, rows->id[i], rows->score[i], rows->p[i]);
			if (st->block->n == SCORE_BLOCK_ROWS || i == rows->n - 1)
			{
				insert_block(st->l, st->version, st->block, st->pv_type, false);
				MemoryContextReset(block);
				CHECK_FOR_INTERRUPTS();
			}
		}
		MemoryContextSwitchTo(old);
		st->res.scored += rows->n;
		MemoryContextDelete(rows->cxt);
	}
	MemoryContextDelete(block);
	st->seen = st->pool_size;
}

/*
 * Score the rows of a query on the pool through a cursor, a block at a
 * time; the unlabeled rows whose features are stored out of line are read
 * after the cursor's blocks (or when they fill their budget,
 * al_ext.selection_max_memory) in one pass over their TOAST table
 * (toast_batch.c).  The order in which rows are scored does not change
 * the ranking: the selection keeps its candidates by score and id, and
 * orders them by id once the pass is over (round_candidates.c).
 */
static void
score_serial(ScoreState *st, const char *sql, int nargs, Oid *types, Datum *args)
{
	st->toast = toast_batch_create((Size) sel_max_memory_bytes());
	st->deferred_cxt = AllocSetContextCreate(CurrentMemoryContext, "al_ext deferred block",
											 ALLOCSET_DEFAULT_SIZES);
	learner_query_blocks(st->l->owner, sql, nargs, types, args, false, st->w.block_rows, score_block, st);
	score_toast_batch(st);
	toast_batch_free(st->toast);
	MemoryContextDelete(st->deferred_cxt);
	st->toast = NULL;
}

/* The query that reads a learner's pool: id as text, features. */
char *
round_pool_sql(const Learner *l)
{
	return psprintf("SELECT %s::pg_catalog.text, %s FROM %s",
					quote_identifier(l->id_column), learner_features_sql(l, NULL),
					learner_pool_name(l));
}

/*
 * Score the rows option rescore_sample drew through a cursor (only they
 * leave the executor; buffer_rows checks them again).
 */
static void
score_drawn(ScoreState *st)
{
	Oid			types[2] = {INT8OID, FLOAT8OID};
	Datum		args[2] = {Int64GetDatum((int64) st->draw.seed), Float8GetDatum(st->draw.fraction)};
	char	   *id = psprintf("%s::pg_catalog.text", quote_identifier(st->l->id_column));

	score_serial(st, psprintf("%s WHERE %s", round_pool_sql(st->l), round_drawn_sql(id, "$1", "$2")),
				 2, types, args);
}

/*
 * The ranking of a round under option ranking_rows: a heap of the best
 * rows by score (at most the option's count, and not more than the pool's
 * rows) of row_bytes bytes each, or NULL without the option.  The items
 * of the evaluation sample are never kept: al.next_batch hands them out
 * from the sample, never from the ranking (batch_sources.c), so among the
 * N rows they only took the places of rows it can hand out (a sample of a
 * quarter of the pool left about three quarters of N to hand out).
 */
HotRows *
round_ranking_rows(const Learner *l, int64 pool_size, Size row_bytes)
{
	Datum		eval;

	if (l->options.ranking_rows <= 0)
		return NULL;
	eval = eval_items_datum(l);
	return round_hot_create_rows(row_bytes, (int) Min((int64) l->options.ranking_rows, Max(pool_size, 1)), l->name,
								 eval != (Datum) 0 ? eval_item_map(eval) : NULL);
}

/*
 * Insert the rows a heap kept whole (h: the hot rows of round_hot_create,
 * at most RANKING_HOT_ROWS, or a ranking under option ranking_rows from
 * round_ranking_rows) in the hand-out order, the first RANKING_HOT_ROWS
 * hot, a block at a time (each block in a context reset after its insert).
 */
void
round_insert_ranking(const Learner *l, int32 version, HotRows *h)
{
	ScoreBlock *block = (ScoreBlock *) palloc0(sizeof(ScoreBlock));
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "al_ext ranking block",
											  ALLOCSET_DEFAULT_SIZES);
	Oid			pv_type = round_probvec_oid();
	int			n = round_hot_count(h);

	round_hot_sort(h);
	for (int i = 0; i < n; i++)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);
		HotRow		row;

		round_hot_row(h, i, &row);
		block_append(l, block, row.id, row.score, row.p);
		if (block->n == SCORE_BLOCK_ROWS || i == n - 1 || i == RANKING_HOT_ROWS - 1)
		{
			insert_block(l, version, block, pv_type, i < RANKING_HOT_ROWS);
			MemoryContextReset(cxt);
			CHECK_FOR_INTERRUPTS();
		}
		MemoryContextSwitchTo(old);
	}
	MemoryContextDelete(cxt);
	pfree(block);
}

/*
 * Score every unlabeled pool item with the committee and replace the
 * learner's rows of al.scores with them (same transaction: readers see the
 * old ranking until commit), then rank the selection's candidates
 * (round_select.c; train: the labeled rows, for expected error
 * reduction).  With option rescore_sample and an earlier ranking, only the
 * drawn rows are scored and replaced; the others keep theirs (res.kept).
 * The pool is read as the learner's owner.
 */
ScoreResult
round_score_pool(const Learner *l, const ModelFit *fit, int d, int32 version, int64 pool_size,
				 const RoundLabeled *train)
{
	ScoreState	st;
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	int64		kept;

	/* a round that only rescores may be this backend's first use of BLAS */
	al_blas_ensure();
	st.l = l;
	st.fit = fit;
	st.d = d;
	st.version = version;
	st.pool_size = pool_size;
	st.labeled = round_labeled_items(l);
	st.block = (ScoreBlock *) palloc0(sizeof(ScoreBlock));
	st.pv_type = round_probvec_oid();
	st.res.scored = 0;
	st.res.kept = 0;
	st.res.entropy_sum = 0.0;
	st.res.ranked = 0;
	st.res.hot_ids = (Datum) 0;
	st.res.hot_marked = false;
	st.seen = 0;
	st.sel = round_select_begin(l, fit, d, pool_size, st.labeled, train);
	score_work_init(&st.w, l, fit, d, st.sel != NULL);
	st.draw.fraction = round_rescore_fraction(l, pool_size, &kept);
	st.draw.seed = round_rescore_seed(l, version);
	/* without ranks or kept rows, the hot rows are the best scores of the pass */
	if (round_select_ranks(st.sel) || st.draw.fraction > 0)
		st.hot = NULL;
	else if (l->options.ranking_rows > 0)
		st.hot = round_ranking_rows(l, pool_size, sizeof(float) * l->k);	/* the ranking is the best rows of the pass */
	else
		st.hot = round_hot_create(l->k);
	st.toast = NULL;
	st.deferred = 0;
	st.deferred_cxt = NULL;
	if (st.draw.fraction > 0)
		st.res.kept = round_delete_drawn(l, &st.draw, kept);
	else
		learner_store_exec("DELETE FROM al.scores WHERE learner_id = $1", 1, &type, &arg, false, 0);
	if (round_pushdown_wanted(l, st.sel != NULL))
		score_parallel(&st, round_model_value(l, fit, d));
	else if (round_parallel_wanted(l, st.sel != NULL))
		score_parallel(&st, NULL);
	else if (st.draw.fraction > 0)
		score_drawn(&st);
	else
		score_serial(&st, round_pool_sql(l), 0, NULL, NULL);
	/* the rows kept whole (the hot rows, or option ranking_rows' ranking) go in now, hot first */
	if (st.hot != NULL && round_hot_keeps_rows(st.hot))
	{
		round_insert_ranking(l, version, st.hot);
		st.res.hot_marked = true;
	}
	else if (st.hot != NULL)
		st.res.hot_ids = round_hot_ids(st.hot);
	st.res.ranked = round_select_finish(st.sel);
	return st.res;
}
