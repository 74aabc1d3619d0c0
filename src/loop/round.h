/*
 * round.h - the parts of a learner's round (learner_round.c: deciding,
 * training, publishing; round_score.c: scoring the pool; round_select.c
 * and round_candidates.c: the selection).  Internal to src/loop.
 */
#ifndef AL_ROUND_H
#define AL_ROUND_H

#include "postgres.h"

#include "learner_api.h"
#include "model.h"
#include "round_select.h"

/* The first rows of a ranking in the hand-out order, indexed for al.next_batch (al.scores.hot). */
#define RANKING_HOT_ROWS 10000

/* What scoring the pool produced. */
typedef struct ScoreResult
{
	int64		scored;
	int64		kept;			/* rows of the earlier ranking kept (option rescore_sample) */
	double		entropy_sum;
	int			ranked;			/* rows the selector gave a rank */
	Datum		hot_ids;		/* text[]: the hot rows of a ranking without ranks, else 0 */
	bool		hot_marked;		/* the hot rows were inserted hot */
} ScoreResult;

/*
 * Option rescore_sample's draw: an item is rescored when its seeded uniform
 * (round_item_drawn) is below fraction; fraction 0 draws every item.
 */
typedef struct RoundDraw
{
	double		fraction;
	uint64		seed;
} RoundDraw;

/*
 * The learner's items that need no more labels ($1 the learner, $2 its
 * overlap): overlap labels from distinct annotators, or an adjudication.
 */
#define LABELED_ITEMS_SQL \
	"SELECT item_id FROM al.labels WHERE learner_id = $1 GROUP BY item_id " \
	"HAVING pg_catalog.count(*) FILTER (WHERE NOT adjudicated) >= $2 " \
	"OR pg_catalog.bool_or(adjudicated)"

/* The hot rows of a ranking, gathered while the pool is scored (round_hot.c). */
typedef struct HotRows HotRows;

/* A row that leaves or stays in the hot rows. */
typedef struct HotRow
{
	double		score;
	char	   *id;
	void	   *p;				/* its bytes (whole rows: probabilities, or a family's outputs), else NULL */
} HotRow;

typedef enum HotOffer
{
	HOT_OFFER_KEPT,				/* kept; nothing leaves */
	HOT_OFFER_OUT,				/* not kept */
	HOT_OFFER_REPLACED			/* kept; the row it replaced leaves */
} HotOffer;

/* What a retrain (or an external learner's curve) read of al.labels. */
typedef struct TrainingLabels
{
	int			n;				/* labeled items */
	char	  **items;
	int		   *classes;		/* each item's training label (class index, -1: not a class) */
	char	  **labels;			/* each item's training label as stored */
	Datum		fresh;			/* bigint[]: serials of the rows read that were waiting */
} TrainingLabels;

extern void round_report(const Learner *l, const char *what);
extern void round_pool_query(const Learner *l, const char *sql, int nargs, Oid *types, Datum *args);
extern Datum round_seeded_sample(const Learner *l, int64 n);
extern void round_check_features_column(const Learner *l, int column);
extern char *round_pool_sql(const Learner *l);
extern void round_check_block(const Learner *l);
extern ScoreResult round_score_pool(const Learner *l, const ModelFit *fit, int d, int32 version,
									int64 pool_size, const RoundLabeled *train);

extern Oid	round_probvec_oid(void);
extern int	round_block_rows(int d, int k, int members);
extern void round_curve_double(Datum *args, char *nulls, int i, double v);
extern double round_random_score(const char *item, int seed);
extern bool round_item_drawn(const RoundDraw *draw, const char *item);
extern char *round_drawn_sql(const char *text_expr, const char *seed, const char *fraction);
extern uint64 round_rescore_seed(const Learner *l, int32 version);
extern double round_rescore_fraction(const Learner *l, int64 pool_size, int64 *kept);
extern int64 round_delete_drawn(const Learner *l, const RoundDraw *draw, int64 kept);
extern double round_row_score(const Learner *l, const char *item, const float *p, const float *m,
							  int members, const float *x, int d, double *work);
extern double round_strategy_score(const char *s, int k, const char *item, int seed, const float *p,
								   const float *m, int members, const float *x, int d, double *work);
extern void round_committee_mean(const float *pm, int members, int rows, int j, int k, float *m,
								 float *p);
extern ItemMap *round_labeled_items(const Learner *l);
extern void round_insert_scores(const Learner *l, int32 version, int n, Datum *items, Datum *scores,
								Datum *predicted, Datum *probs, Oid pv_type);
extern HotRows *round_ranking_rows(const Learner *l, int64 pool_size, Size row_bytes);
extern void round_insert_ranking(const Learner *l, int32 version, HotRows *h);
/* round_hot.c */
extern HotRows *round_hot_create(int k);
extern HotRows *round_hot_create_rows(Size row_bytes, int cap, const char *learner, ItemMap *skip);
extern void round_hot_sort(HotRows *h);
extern bool round_hot_drops(const HotRows *h);
extern void round_hot_keep(HotRows *h, double score, const char *id, const void *p);
extern bool round_hot_keeps_rows(const HotRows *h);
extern HotOffer round_hot_offer(HotRows *h, double score, const char *id, const void *p, HotRow *out);
extern int	round_hot_count(const HotRows *h);
extern void round_hot_row(const HotRows *h, int i, HotRow *row);
extern Datum round_hot_ids(const HotRows *h);
/* round_parallel.c: the rows a parallel scoring kept (ids, scores, probabilities) */
typedef struct ParallelRows
{
	MemoryContext cxt;			/* holds the rows (delete it when they are written) */
	int64		n;
	int64		cap;
	char	  **id;
	double	   *score;
	float	  **p;
} ParallelRows;
extern bool round_parallel_wanted(const Learner *l, bool sel_needed);
extern int	round_parallel_buckets(int k, int64 pool_size, int32 id_width);
extern int32 round_pool_id_width(const Learner *l);
/* Takes a row of a parallel scoring instead of keeping it (writes nothing: the query runs in parallel mode). */
typedef void (*ParallelRowSink) (void *arg, const char *id, double score, const float *p);
extern ParallelRows *round_parallel_rows(const Learner *l, int64 model_id, bytea *value, int members,
										 ItemMap *labeled, const RoundDraw *draw, int bucket, int buckets,
										 ParallelRowSink sink, void *sink_arg);
extern bool round_pushdown_wanted(const Learner *l, bool sel_needed);
extern bytea *round_model_value(const Learner *l, const ModelFit *fit, int d);
extern char *round_pool_predict_sql(const Learner *l, const char *function, bytea *value);
/* round_write.c */
extern void round_write_scores(int64 learner_id, int32 version, int n, Datum *items, Datum *scores,
							   Datum *predicted, Datum *probs, bool hot);
/* round_training.c */
extern void round_training_labels(const Learner *l, TrainingLabels *tl);
extern int	round_most_common_length(int *lengths, int n);
extern int *round_rows_by_item(char ***items, int n);
/* learner_round.c */
extern void round_retrain_done(const Learner *l);
extern void round_mark_trained(const Learner *l, int32 version, Datum fresh);
extern al_softmax_options round_fit_options(const Learner *l);
extern void round_check_duplicates(const Learner *l);
extern bool round_reset_if_model_dropped(Learner *l);
extern int64 round_pool_count(const Learner *l);
extern void round_published_model(const Learner *l, ModelFit *fit);
extern bool round_ranking_stale(const Learner *l, int64 pool_size);
extern void round_record_ranking(const Learner *l, int32 version, int64 pool_size, int64 ranked,
								 const ScoreResult *res);
/* external.c: a round of a learner over an application's predictions */
extern LearnerRoundResult external_round(Learner *l, int64 pool_size);

#endif							/* AL_ROUND_H */
