/*
 * backtest_replay.h - replay of the active-learning loop on a labeled data
 * set, in plain C: which strategy would have reached a good model with the
 * fewest labels?
 *
 * The data are n rows of d float features with labels 0..k-1 (the caller
 * orders them, e.g. by id).  A seed fixes a holdout part (for accuracy) and
 * an initial labeled set drawn from the rest, the pool; then each round
 * trains a softmax model on the labeled pool rows (al_softmax_fit), records
 * the holdout accuracy, scores the unlabeled pool rows with a score kernel
 * of scores.c, selects a batch with a selection kernel of select.h and
 * "labels" it (the labels are known), until the label budget is spent.
 *
 * A strategy is one entry of a table (backtest_replay.c): a name, an
 * optional per-row score and a selector, so a new strategy is one line
 * there and one function.  No PostgreSQL header; memory through the
 * allocator hooks of the model options (the caller's palloc).
 */
#ifndef AL_BACKTEST_REPLAY_H
#define AL_BACKTEST_REPLAY_H

#include <stdint.h>

#include "select.h"
#include "select_eer.h"
#include "softmax_model.h"

/* Status codes; al_bt_status_message() gives a lower-case message. */
typedef enum al_bt_status
{
	AL_BT_OK = 0,
	AL_BT_BAD_STRATEGY,			/* strategy index outside the table */
	AL_BT_BAD_BATCH,			/* batch < 1 */
	AL_BT_BAD_INITIAL,			/* initial < 1 or > budget */
	AL_BT_BAD_BUDGET,			/* budget > the pool's rows */
	AL_BT_BAD_CAP,				/* class_cap outside (0, 1] */
	AL_BT_BAD_HOLDOUT,			/* holdout fraction outside (0, 1) */
	AL_BT_EMPTY_PART,			/* the split leaves the holdout or pool empty */
	AL_BT_MODEL,				/* the trainer failed: see sm_status */
	AL_BT_SELECT,				/* a selection kernel failed: see sel_status */
	AL_BT_NO_MEMORY,			/* the allocator returned NULL */
	AL_BT_CANCELLED,			/* the tick asked to stop */
	AL_BT_BAD_EER,				/* eer options out of range */
	AL_BT_EER					/* the eer kernel failed: see eer_status */
} al_bt_status;

extern const char *al_bt_status_message(al_bt_status status);

/* The labeled data set: rows in the caller's order. */
typedef struct al_bt_data
{
	const float *x;				/* n x d, row-major */
	const int  *y;				/* n labels in 0..k-1 */
	int			n;
	int			d;
	int			k;
} al_bt_data;

/* A seed's split: row numbers of the pool and the holdout, increasing. */
typedef struct al_bt_split
{
	int		   *pool;			/* n_pool rows */
	int			n_pool;
	int		   *hold;			/* n_hold rows */
	int			n_hold;
	double		full_accuracy;	/* holdout accuracy of a model trained on
								 * the whole pool */
} al_bt_split;

/* Strategy eer's options (al.expected_error_reduction's, same defaults). */
typedef struct al_bt_eer
{
	int			candidates;		/* M, 1..AL_EER_MAX_CANDIDATES (100) */
	int			sample;			/* S, 1..AL_EER_MAX_SAMPLE (1000), drawn
								 * from the unlabeled pool each round */
	int			steps;			/* 1..AL_EER_MAX_STEPS (20) */
	al_eer_loss loss;			/* AL_EER_LOSS_LOG */
} al_bt_eer;

/* Set al_bt_eer's defaults. */
extern void al_bt_eer_init(al_bt_eer *eer);

/* One replay. */
typedef struct al_bt_params
{
	int			strategy;		/* index in the strategy table */
	int			batch;			/* picks per round, >= 1 */
	int			initial;		/* initial labels, 1..budget */
	int			budget;			/* labels at the end, initial..n_pool */
	uint64_t	seed;			/* initial set and random choices */
	double		class_cap;		/* balanced strategies: cap in (0, 1] */
	al_bt_eer	eer;			/* strategy eer */
	const al_softmax_options *model;	/* trainer options and allocator */
	al_sel_tick_fn tick;		/* once per round; may be NULL */
	void	   *tick_arg;
} al_bt_params;

/*
 * One point of a curve: after round `round` (0 = the initial set) the
 * model trained on `labels` rows has holdout accuracy `accuracy`;
 * picked[0..npicked-1] are the data rows labeled just before (round 0:
 * the initial set), in pick order.
 */
typedef void (*al_bt_emit_fn) (void *arg, int round, int labels,
							   double accuracy, const int *picked,
							   int npicked);

/* What failed, when a replay returns AL_BT_MODEL or AL_BT_SELECT (err may be NULL). */
typedef struct al_bt_error
{
	al_sm_status sm_status;
	al_sel_status sel_status;
	al_eer_status eer_status;
} al_bt_error;

/* The strategy table: names, and the index of a name (-1 if unknown). */
extern int	al_bt_strategy_count(void);
extern const char *al_bt_strategy_name(int strategy);
extern int	al_bt_strategy_find(const char *name);

/*
 * The split of a seed: round(holdout * n) rows to the holdout (the same
 * draw as al_softmax_holdout_split), the rest to the pool; then the full
 * accuracy.  pool and hold need room for n rows each.
 */
extern al_bt_status al_bt_split_data(const al_bt_data *data, double holdout,
									 uint64_t seed,
									 const al_softmax_options *model,
									 al_bt_split *split, al_bt_error *err);

/*
 * Replay one (strategy, batch, seed) on a split, calling emit once per
 * round.  The initial set depends on the seed only (the same for every
 * strategy and batch size).
 */
extern al_bt_status al_bt_replay(const al_bt_data *data,
								 const al_bt_split *split,
								 const al_bt_params *params,
								 al_bt_emit_fn emit, void *emit_arg,
								 al_bt_error *err);

#endif							/* AL_BACKTEST_REPLAY_H */
