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
#include "common/hashfn.h"
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
#include "identity.h"
#include "probvec.h"
#include "round.h"
#include "scores.h"

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

/* Deterministic pseudo-random score in [0, 1) of an item, for 'random'. */
double
round_random_score(const char *item, int seed)
{
	uint64		h = hash_bytes_extended((const unsigned char *) item, strlen(item), (uint64) seed);

	return (double) (h >> 11) / 9007199254740992.0;
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
 * Insert n scored rows into al.scores (as the store owner): their ids,
 * scores, predicted classes (text) and probvecs (of type pv_type).
 */
void
round_insert_scores(const Learner *l, int32 version, int n, Datum *items, Datum *scores,
					Datum *predicted, Datum *probs, Oid pv_type)
{
	static const char *sql =
		"INSERT INTO al.scores (learner_id, item_id, model_version, score, predicted, probs) "
		"SELECT $1, pg_catalog.unnest($2::pg_catalog.text[]), $3, pg_catalog.unnest($4::pg_catalog.float8[]), "
		"pg_catalog.unnest($5::pg_catalog.text[]), pg_catalog.unnest($6)";
	Oid			types[6] = {INT8OID, TEXTARRAYOID, INT4OID, FLOAT8ARRAYOID, TEXTARRAYOID,
	get_array_type(pv_type)};
	Datum		args[6];

	if (n == 0)
		return;
	args[0] = Int64GetDatum(l->id);
	args[1] = PointerGetDatum(construct_array(items, n, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = Int32GetDatum(version);
	args[3] = PointerGetDatum(construct_array(scores, n, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[4] = PointerGetDatum(construct_array(predicted, n, TEXTOID, -1, false, TYPALIGN_INT));
	args[5] = PointerGetDatum(construct_array(probs, n, pv_type, -1, false, TYPALIGN_INT));
	learner_store_exec(sql, 6, types, args, false, 0);
}

/* Insert a block of scored rows into al.scores and empty it. */
static void
insert_block(const Learner *l, int32 version, ScoreBlock *b, Oid pv_type)
{
	round_insert_scores(l, version, b->n, b->items, b->scores, b->predicted, b->probs, pv_type);
	b->n = 0;
}

/*
 * The strategy's score of one row (members x k probabilities in m; x: its
 * d features, read by expected_gradient_length only).
 */
double
round_row_score(const Learner *l, const char *item, const float *p, const float *m, int members,
		  const float *x, int d, double *work)
{
	const char *s = l->strategy;

	/* expected error reduction ranks its candidates later: they are the most uncertain */
	if (strcmp(s, "entropy") == 0 || strcmp(s, LEARNER_EER_STRATEGY) == 0)
		return al_entropy(p, l->k);
	if (strcmp(s, "least_confidence") == 0)
		return al_least_confidence(p, l->k);
	if (strcmp(s, "margin_confidence") == 0)
		return al_margin_confidence(p, l->k);
	if (strcmp(s, "ratio_confidence") == 0)
		return al_ratio_confidence(p, l->k);
	if (strcmp(s, "expected_gradient_length") == 0)
		return al_expected_gradient_length(p, l->k, x, d);
	if (strcmp(s, "vote_entropy") == 0)
		return al_vote_entropy(m, members, l->k, work);
	if (strcmp(s, "consensus_entropy") == 0)
		return al_consensus_entropy(m, members, l->k, work);
	if (strcmp(s, "max_disagreement") == 0)
		return al_max_disagreement(m, members, l->k, work);
	if (strcmp(s, "bald") == 0)
		return al_bald(m, members, l->k, work);
	return round_random_score(item, l->options.seed);
}

/* Scoring workspace for one block. */
typedef struct ScoreWork
{
	int			block_rows;		/* rows per block */
	float	   *x;				/* rows x d */
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
static int
score_block_rows(int d, int k, int members)
{
	Size		row_bytes = sizeof(float) * ((Size) d + (Size) k * (members + 1)) + PROBVEC_SIZE(k) +
		sizeof(Datum) * 5;
	Size		rows = SCORE_BLOCK_BYTES / row_bytes;

	return (int) Max(1, Min(rows, SCORE_BLOCK_ROWS));
}

/* Allocate the scoring workspace of a learner's committee. */
static void
score_work_init(ScoreWork *w, const Learner *l, const ModelFit *fit, int d)
{
	w->block_rows = score_block_rows(d, l->k, fit->members);
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

	for (int c = 0; c < k; c++)
	{
		double		sum = 0.0;

		for (int i = 0; i < members; i++)
		{
			w->m[i * k + c] = w->pm[((Size) i * rows + j) * k + c];
			sum += w->m[i * k + c];
		}
		p[c] = (float) (sum / members);
	}
	probvec_check_values(p, k);
	w->score[j] = round_row_score(l, w->items[j], p, w->m, members, w->x + (Size) j * d, d, w->work);
}

/*
 * Predict and score `rows` buffered rows (the selection may wrap their
 * scores and keeps its candidates), appending them to block.
 */
static void
score_rows(const Learner *l, const ModelFit *fit, int d, int rows, ScoreWork *w,
		   RoundSelection *sel, ScoreBlock *block, Oid pv_type, ScoreResult *res)
{
	int			k = l->k;
	int			members = fit->members;
	int			i,
				j;

	for (i = 0; i < members; i++)
		if (al_softmax_predict_ws(&fit->models[i], w->x, rows, w->pm + (Size) i * rows * k,
								  w->pred_work) != AL_SM_OK)
			elog(ERROR, "batch prediction failed for learner \"%s\"", l->name);
	for (j = 0; j < rows; j++)
		score_row(l, fit, d, rows, j, w);
	round_select_block(sel, w->items, w->x, w->p, w->score, rows);
	for (j = 0; j < rows; j++)
	{
		const float *p = w->p + (Size) j * k;
		ProbVec    *pv = (ProbVec *) palloc(PROBVEC_SIZE(k));

		SET_VARSIZE(pv, PROBVEC_SIZE(k));
		pv->dim = (int16) k;
		pv->unused = 0;
		memcpy(pv->x, p, sizeof(float) * k);
		block->items[block->n] = CStringGetTextDatum(w->items[j]);
		block->scores[block->n] = Float8GetDatum(w->score[j]);
		block->predicted[block->n] = CStringGetTextDatum(l->classes[al_argmax(p, k)]);
		block->probs[block->n] = PointerGetDatum(pv);
		block->n++;
		res->entropy_sum += al_entropy(p, k);
	}
	res->scored += rows;
}

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

	learner_store_exec("SELECT item_id FROM al.labels WHERE learner_id = $1 GROUP BY item_id "
					   "HAVING pg_catalog.count(*) FILTER (WHERE NOT adjudicated) >= $2 "
					   "OR pg_catalog.bool_or(adjudicated)",
					   2, types, args, true, 0);
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
 * Buffer the fetched rows that get a score (unlabeled, in the sample, with
 * usable features of length d) into w; returns how many.  A labeled row's
 * features go to the selection if it asks for them.  Runs in the block's
 * context.
 */
static int
buffer_rows(const Learner *l, ItemMap *labeled, int d, ScoreWork *w, RoundSelection *sel)
{
	int			rows = 0;
	uint64		r;

	round_check_block(l);
	for (r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		char	   *item = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
		Datum		f = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);
		float	   *x = w->x + (Size) rows * d;

		if (item == NULL || pool_read_features(f, isnull, d, x) != FEATURES_OK)
			continue;
		if (item_map_find(labeled, item) >= 0)
		{
			if (round_select_wants_labeled(sel))
				round_select_labeled_row(sel, x);
			continue;
		}
		if (round_select_skips(sel, item))
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
} ScoreState;

/*
 * Score one block of pool rows and insert it (everything of the block, its
 * insert included, in the block's context).
 */
static void
score_block(void *arg)
{
	ScoreState *st = (ScoreState *) arg;
	int			rows = buffer_rows(st->l, st->labeled, st->d, &st->w, st->sel);

	st->seen += SPI_processed;
	score_rows(st->l, st->fit, st->d, rows, &st->w, st->sel, st->block, st->pv_type, &st->res);
	insert_block(st->l, st->version, st->block, st->pv_type);
	round_report(st->l, psprintf("scoring " INT64_FORMAT "/" INT64_FORMAT, st->seen, st->pool_size));
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
 * Score every unlabeled pool item with the committee and replace the
 * learner's rows of al.scores with them (same transaction: readers see the
 * old ranking until commit), then rank the selection's candidates
 * (round_select.c; train: the labeled rows, for expected error
 * reduction).  The pool is read as the learner's owner.
 */
ScoreResult
round_score_pool(const Learner *l, const ModelFit *fit, int d, int32 version, int64 pool_size,
				 const RoundLabeled *train)
{
	ScoreState	st;
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);

	/* a round that only rescores may be this backend's first use of BLAS */
	al_blas_ensure();
	st.l = l;
	st.fit = fit;
	st.d = d;
	st.version = version;
	st.pool_size = pool_size;
	st.labeled = round_labeled_items(l);
	st.block = (ScoreBlock *) palloc0(sizeof(ScoreBlock));
	score_work_init(&st.w, l, fit, d);
	st.pv_type = round_probvec_oid();
	st.res.scored = 0;
	st.res.entropy_sum = 0.0;
	st.res.ranked = 0;
	st.seen = 0;
	st.sel = round_select_begin(l, fit, d, pool_size, st.labeled, train);
	learner_store_exec("DELETE FROM al.scores WHERE learner_id = $1", 1, &type, &arg, false, 0);
	learner_query_blocks(l->owner, round_pool_sql(l), 0, NULL, NULL, false, st.w.block_rows,
						 score_block, &st);
	st.res.ranked = round_select_finish(st.sel);
	return st.res;
}
