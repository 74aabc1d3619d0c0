/*
 * batch.h - a batch being chosen by al.next_batch: batch.c chooses, checks
 * and leases; batch_sources.c reads the candidates (the ranking, the cold
 * start, the evaluation sample, the disagreements) and checks which are
 * open.  Internal to src/loop.
 */
#ifndef AL_BATCH_H
#define AL_BATCH_H

#include "postgres.h"

#include "executor/spi.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "item_map.h"
#include "learner_api.h"

/* The probvecs of a block of the ranking read by al.next_batch: about 8 MB. */
#define BATCH_BLOCK_BYTES (8 * 1024 * 1024)

/* Where a chosen item came from: how it is checked again and shown. */
#define KIND_RANKED		's'		/* the ranking: shown with its score, prediction, probvec */
#define KIND_COLD		'r'		/* the cold start: unscored */
#define KIND_EVAL		'e'		/* the evaluation sample: unscored, held or labeled by nobody */
#define KIND_ADJUDICATE 'a'		/* a disagreement, for an adjudicator: unscored */

/*
 * A batch being chosen.  Every item chosen has a position; those found
 * taken when checked again are not alive and are neither leased nor shown.
 * The rows to show wait in `rows`, in the order of their positions.
 */
typedef struct Batch
{
	const Learner *l;
	const char *annotator;
	int			k;				/* items wanted */
	int			n;				/* items chosen and alive */
	int			pos;			/* items chosen */
	int			cap;			/* room in items, kinds, alive */
	int			checked;		/* positions checked again so far */
	char	  **items;
	char	   *kinds;
	bool	   *alive;
	ItemMap    *chosen;			/* item -> position */
	bool		claim;			/* claim items one by one (a small batch) */
	int			slack;			/* extra candidates each source reads */
	int			skipped;		/* candidates another open batch holds, this pass */
	int			eval_want;		/* items of the evaluation sample it takes (-1: not known yet) */
	int64		ranking_gen;	/* the published ranking read (ranking_generation), 0: none */
	bool		costly;			/* a pass read the pool or beyond the hot rows */
	struct BatchHint *hint;		/* where the hot rows read were first open, when wanted */
	bool		hint_found;		/* hint holds a row */
	struct BatchHint *frontier; /* the last hot row it claimed, when wanted */
	bool		refill_waited;	/* it waited for the refill lock in vain (once per batch) */
	bool		reserve;		/* share each block's last row before claiming from it */
	bool		reserved;		/* it did */
	struct ItemProbe *probe;	/* reads of the leases and labels of items (item_probe.c), or NULL */
	Tuplestorestate *rows;
	TupleDesc	desc;
	MemoryContext keep;			/* where the ids and rows go */
} Batch;

/*
 * Where a session's next batch may start reading a learner's hot rows
 * (batch_hint.c): every row before this one (in the hand-out order: rank,
 * score DESC, item id) was taken when found_at's read from the top began,
 * and stays taken until valid_until unless the reopen clock moves past
 * stamp.
 */
typedef struct BatchHint
{
	bool		has_rank;
	int32		rank;
	double		score;
	char	   *item_id;
	TimestampTz found_at;
	TimestampTz valid_until;	/* no lease it may hide expires before */
	uint64		stamp;			/* the reopen clock before the read from the top */
} BatchHint;

/*
 * The ranking's columns a batch reads from al.<relation> (al.scores or a
 * learner's partition), then the read's conditions and order.
 */
#define RANKED_ROWS_FROM "SELECT s.item_id, s.score, s.predicted, s.probs, s.rank FROM al.%s s " \
	"WHERE s.learner_id = $1 "

/* The reads of the hot rows whose plans are kept (batch_hot_plans.c). */
typedef enum HotRead
{
	HOT_FROM_TOP,				/* every hot row */
	HOT_FROM_RANK,				/* from a hint's rank, score and id */
	HOT_RANKLESS,				/* the unranked hot rows, after the ranked ones */
	HOT_FROM_SCORE,				/* from an unranked hint's score and id */
	HOT_READS
} HotRead;

/* batch.c */
extern bool batch_take(Batch *b, const char *item, char kind, Datum *values, bool *nulls);
extern bool batch_take_unscored(Batch *b, const char *item, char kind);
extern void batch_take_list(Batch *b, char **ids, int n, char kind, int want);
extern int	batch_count(const Batch *b, char kind);

/* batch_sources.c */
extern void open_items(Batch *b, char **items, const char *kinds, int m, bool *open);
extern void take_ranked(Batch *b, ItemMap *eval);
extern void take_cold_start(Batch *b);
extern int	eval_share(const Learner *l, Datum eval, int k);
extern void take_eval(Batch *b, Datum eval, int want);
extern void take_disagreements(Batch *b);

/* batch_hint.c */
extern const BatchHint *batch_hint_get(int64 learner_id, int64 generation);
extern void batch_hint_set(int64 learner_id, int64 generation, const BatchHint *hint, bool share);
extern void batch_hint_share_claimed(int64 learner_id, int64 generation, const BatchHint *frontier);
extern void batch_hint_reopened(int64 learner_id);
extern TimestampTz batch_hint_max_valid_until(TimestampTz found_at);

/* batch_hot_plans.c */
extern SPIPlanPtr batch_hot_plan(int64 learner_id, HotRead read, const char *cond, int nargs, Oid *types);

/* batch_hint_shared.c */
extern bool batch_hint_shared(void);
extern uint64 batch_hint_clock(void);
extern uint64 batch_hint_reopened_at(int64 learner_id);
extern void batch_hint_reopen(int64 learner_id);
extern const BatchHint *batch_hint_shared_get(int64 learner_id, int64 generation);
extern void batch_hint_shared_put(int64 learner_id, int64 generation, const BatchHint *hint);
#endif							/* AL_BATCH_H */
