/*
 * backtest_replay.c - the loop replayed on labeled data (see
 * backtest_replay.h and doc/selection.md, "Backtest").
 *
 * Every round gathers the pool rows into one buffer, the unlabeled ones
 * (the candidates) first and the labeled ones after, both in pool order;
 * trains on the labeled part, evaluates on the holdout, predicts the
 * candidates, scores them and lets the strategy's selector order them.
 * The models are trained from zero each round, as al.train_model does.
 */
#include "backtest_replay.h"

#include <math.h>
#include <string.h>

#include "al_rng.h"
#include "scores.h"
#include "select_eer.h"

/* al_rng streams of a seed (the holdout split uses 2^64 - 1). */
#define STREAM_INITIAL	1
#define STREAM_SELECT	2

/* One round's candidates, as the selectors see them. */
typedef struct bt_round
{
	al_sel_pool pool;			/* candidates, labeled rows, scores, probs */
	int		   *cls;			/* most probable class per candidate */
	al_rng	   *rng;			/* the replay's selection stream */
	double		class_cap;
	const al_bt_eer *eer;		/* expected error reduction's options */
	const al_softmax_model *model;	/* the round's model */
	const int  *yl;				/* labels of the labeled rows (pool.xl) */
	const al_softmax_options *opt;	/* trainer options and allocator */
} bt_round;

typedef al_bt_status (*bt_select_fn) (const bt_round *r, int npick, int *order,
									  al_bt_error *err);

/* A strategy: a per-row score (or none) and a selector. */
typedef struct bt_strategy
{
	const char *name;
	double		(*score) (const float *p, int n);	/* NULL: no score */
	int			needs_probs;	/* the selector reads probabilities */
	bt_select_fn select;
} bt_strategy;

static al_bt_status sel_random(const bt_round *r, int npick, int *order, al_bt_error *err);
static al_bt_status sel_topk(const bt_round *r, int npick, int *order, al_bt_error *err);
static al_bt_status sel_ranked(const bt_round *r, int npick, int *order, al_bt_error *err);
static al_bt_status sel_kcenter(const bt_round *r, int npick, int *order, al_bt_error *err);
static al_bt_status sel_badge(const bt_round *r, int npick, int *order, al_bt_error *err);
static al_bt_status sel_balanced(const bt_round *r, int npick, int *order, al_bt_error *err);
static al_bt_status sel_eer(const bt_round *r, int npick, int *order, al_bt_error *err);

/*
 * The strategies.  Scores are the kernels of the SQL score functions;
 * ranked batch uses least confidence as modAL's uncertainty_batch_sampling
 * does; expected error reduction prefilters its candidates by entropy, as
 * al.expected_error_reduction does by default.  A new strategy is one line
 * here and one selector.
 */
static const bt_strategy strategies[] = {
	{"random", NULL, 0, sel_random},
	{"entropy", al_entropy, 1, sel_topk},
	{"margin", al_margin_confidence, 1, sel_topk},
	{"least_confidence", al_least_confidence, 1, sel_topk},
	{"ranked_batch", al_least_confidence, 1, sel_ranked},
	{"ranked_margin", al_margin_confidence, 1, sel_ranked},
	{"ranked_entropy", al_entropy, 1, sel_ranked},
	{"kcenter", NULL, 0, sel_kcenter},
	{"badge", NULL, 1, sel_badge},
	{"balanced_margin", al_margin_confidence, 1, sel_balanced},
	{"balanced_entropy", al_entropy, 1, sel_balanced},
	{"eer", al_entropy, 1, sel_eer},
};

#define N_STRATEGIES ((int) (sizeof(strategies) / sizeof(strategies[0])))

/* A constant message for a status code. */
const char *
al_bt_status_message(al_bt_status status)
{
	switch (status)
	{
		case AL_BT_OK:
			return "ok";
		case AL_BT_BAD_STRATEGY:
			return "unknown strategy";
		case AL_BT_BAD_BATCH:
			return "batch size must be at least 1";
		case AL_BT_BAD_INITIAL:
			return "initial labels must be between 1 and the budget";
		case AL_BT_BAD_BUDGET:
			return "budget exceeds the pool";
		case AL_BT_BAD_CAP:
			return "class cap must be in (0, 1]";
		case AL_BT_BAD_HOLDOUT:
			return "holdout fraction must be in (0, 1)";
		case AL_BT_EMPTY_PART:
			return "the split leaves the holdout or the pool empty";
		case AL_BT_MODEL:
			return "training failed";
		case AL_BT_SELECT:
			return "selection failed";
		case AL_BT_NO_MEMORY:
			return "out of memory";
		case AL_BT_CANCELLED:
			return "cancelled";
		case AL_BT_BAD_EER:
			return "expected error reduction options out of range";
		case AL_BT_EER:
			return "expected error reduction failed";
	}
	return "unknown status";
}

/* See backtest_replay.h. */
void
al_bt_eer_init(al_bt_eer *eer)
{
	eer->candidates = 100;
	eer->sample = 1000;
	eer->steps = 20;
	eer->loss = AL_EER_LOSS_LOG;
}

/* How many strategies the table has. */
int
al_bt_strategy_count(void)
{
	return N_STRATEGIES;
}

/* The name of a strategy (NULL outside the table). */
const char *
al_bt_strategy_name(int strategy)
{
	return (strategy >= 0 && strategy < N_STRATEGIES) ? strategies[strategy].name : NULL;
}

/* The index of a strategy name, -1 if unknown. */
int
al_bt_strategy_find(const char *name)
{
	int			i;

	for (i = 0; name != NULL && i < N_STRATEGIES; i++)
		if (strcmp(strategies[i].name, name) == 0)
			return i;
	return -1;
}

/* A selection kernel's status as a replay status. */
static al_bt_status
sel_result(al_sel_status st, al_bt_error *err)
{
	if (st == AL_SEL_OK)
		return AL_BT_OK;
	if (st == AL_SEL_CANCELLED)
		return AL_BT_CANCELLED;
	err->sel_status = st;
	return AL_BT_SELECT;
}

/* A uniform sample of npick candidates. */
static al_bt_status
sel_random(const bt_round *r, int npick, int *order, al_bt_error *err)
{
	al_rng_sample(r->rng, (size_t) r->pool.m, (size_t) npick, order);
	return AL_BT_OK;
}

/* The npick best scores. */
static al_bt_status
sel_topk(const bt_round *r, int npick, int *order, al_bt_error *err)
{
	double	   *work = al_softmax_alloc(r->opt, sizeof(double) * (al_sel_order_work(r->pool.m, 0) + 1));
	al_sel_status st;

	if (work == NULL)
		return AL_BT_NO_MEMORY;
	st = al_sel_order_desc(r->pool.score, r->pool.m, npick, order, work, NULL);
	al_softmax_free(r->opt, work);
	return sel_result(st, err);
}

/* Class-balanced top-k over the predicted classes. */
static al_bt_status
sel_balanced(const bt_round *r, int npick, int *order, al_bt_error *err)
{
	double	   *work = al_softmax_alloc(r->opt, sizeof(double) * (al_sel_order_work(r->pool.m, r->pool.c) + 1));
	al_sel_status st;

	if (work == NULL)
		return AL_BT_NO_MEMORY;
	st = al_sel_balanced(r->pool.score, r->cls, r->pool.m, r->pool.c, r->class_cap, npick,
						 order, work, NULL);
	al_softmax_free(r->opt, work);
	return sel_result(st, err);
}

/* Ranked batch (similarity to labeled-or-picked mixed with the score). */
static al_bt_status
sel_ranked(const bt_round *r, int npick, int *order, al_bt_error *err)
{
	double	   *work = al_softmax_alloc(r->opt, sizeof(double) * (al_sel_ranked_work(&r->pool) + 1));
	al_sel_status st;

	if (work == NULL)
		return AL_BT_NO_MEMORY;
	st = al_sel_ranked_batch(&r->pool, npick, order, work, NULL);
	al_softmax_free(r->opt, work);
	return sel_result(st, err);
}

/* Greedy k-center over the features. */
static al_bt_status
sel_kcenter(const bt_round *r, int npick, int *order, al_bt_error *err)
{
	double	   *work = al_softmax_alloc(r->opt, sizeof(double) * (al_sel_kcenter_work(&r->pool) + 1));
	al_sel_status st;

	if (work == NULL)
		return AL_BT_NO_MEMORY;
	st = al_sel_kcenter(&r->pool, npick, order, work, NULL);
	al_softmax_free(r->opt, work);
	return sel_result(st, err);
}

/* BADGE, with a seed drawn from the replay's stream. */
static al_bt_status
sel_badge(const bt_round *r, int npick, int *order, al_bt_error *err)
{
	double	   *work = al_softmax_alloc(r->opt, sizeof(double) * (al_sel_badge_work(&r->pool) + 1));
	al_sel_status st;

	if (work == NULL)
		return AL_BT_NO_MEMORY;
	st = al_sel_badge(&r->pool, al_rng_next(r->rng), npick, order, work, NULL);
	al_softmax_free(r->opt, work);
	return sel_result(st, err);
}

/*
 * Candidates (slots) of the best max(M, npick) scores (at most m), best
 * first; *mm = how many.
 */
static al_bt_status
eer_prefilter(const bt_round *r, int npick, int **slots, int *mm, al_bt_error *err)
{
	double	   *work;
	al_sel_status st;

	*mm = r->eer->candidates > npick ? r->eer->candidates : npick;
	*mm = *mm < r->pool.m ? *mm : r->pool.m;
	*slots = al_softmax_alloc(r->opt, sizeof(int) * *mm);
	work = al_softmax_alloc(r->opt, sizeof(double) * (al_sel_order_work(r->pool.m, 0) + 1));
	if (*slots == NULL || work == NULL)
	{
		al_softmax_free(r->opt, work);
		return AL_BT_NO_MEMORY;
	}
	st = al_sel_order_desc(r->pool.score, r->pool.m, *mm, *slots, work, NULL);
	al_softmax_free(r->opt, work);
	return sel_result(st, err);
}

/* Copy the given candidate slots' features into a new m x d buffer (NULL: no memory). */
static float *
eer_rows(const bt_round *r, const int *slots, int m)
{
	float	   *x = al_softmax_alloc(r->opt, sizeof(float) * (size_t) m * r->pool.d);
	int			i;

	for (i = 0; x != NULL && i < m; i++)
		memcpy(x + (size_t) i * r->pool.d, r->pool.x + (size_t) slots[i] * r->pool.d,
			   sizeof(float) * r->pool.d);
	return x;
}

/*
 * The expected error of each prefiltered candidate (reduction[i] for
 * cand[i]) over a seeded sample of min(S, m) unlabeled rows.
 */
static al_bt_status
eer_reductions(const bt_round *r, const float *cand, int mm, double *reduction,
			   al_bt_error *err)
{
	al_softmax_data labeled = {r->pool.xl, r->yl, NULL, r->pool.l, r->pool.d, r->pool.c};
	int			s = r->eer->sample < r->pool.m ? r->eer->sample : r->pool.m;
	int		   *sample_slots = al_softmax_alloc(r->opt, sizeof(int) * s);
	double	   *ee = al_softmax_alloc(r->opt, sizeof(double) * mm);
	float	   *sample = NULL;
	al_eer_options eo;
	al_eer_input in;
	al_eer_status st = AL_EER_NO_MEMORY;

	if (sample_slots && ee)
	{
		al_rng_sample(r->rng, (size_t) r->pool.m, (size_t) s, sample_slots);
		sample = eer_rows(r, sample_slots, s);
	}
	if (sample)
	{
		al_eer_options_init(&eo);
		eo.loss = r->eer->loss;
		eo.steps = r->eer->steps;
		if (r->opt)
			eo.train = *r->opt;
		in = (al_eer_input) {r->model, &labeled, cand, mm, sample, s};
		st = al_eer_expected_error(&in, &eo, ee, reduction, NULL);
	}
	al_softmax_free(r->opt, sample_slots);
	al_softmax_free(r->opt, ee);
	al_softmax_free(r->opt, sample);
	if (st == AL_EER_OK)
		return AL_BT_OK;
	if (st == AL_EER_CANCELLED)
		return AL_BT_CANCELLED;
	if (st == AL_EER_NO_MEMORY)
		return AL_BT_NO_MEMORY;
	err->eer_status = st;
	return AL_BT_EER;
}

/*
 * Expected error reduction: the top M candidates by entropy (at least the
 * batch), ordered by their reduction (ties to the more uncertain).  A model of one class (the
 * initial labels all agree) cannot be updated toward another class: its
 * round falls back to the entropy order, which is then the pool order.
 */
static al_bt_status
sel_eer(const bt_round *r, int npick, int *order, al_bt_error *err)
{
	int		   *slots = NULL;
	float	   *cand = NULL;
	double	   *reduction = NULL,
			   *work = NULL;
	int			mm,
				i;
	al_bt_status st = eer_prefilter(r, npick, &slots, &mm, err);

	if (st == AL_BT_OK && al_eer_present_classes(r->model) < 2)
	{
		memcpy(order, slots, sizeof(int) * npick);
		al_softmax_free(r->opt, slots);
		return AL_BT_OK;
	}
	if (st == AL_BT_OK)
	{
		cand = eer_rows(r, slots, mm);
		reduction = al_softmax_alloc(r->opt, sizeof(double) * mm);
		work = al_softmax_alloc(r->opt, sizeof(double) * (al_sel_order_work(mm, 0) + 1));
		st = (cand && reduction && work) ? eer_reductions(r, cand, mm, reduction, err) : AL_BT_NO_MEMORY;
	}
	if (st == AL_BT_OK)
		st = sel_result(al_sel_order_desc(reduction, mm, npick, order, work, NULL), err);
	for (i = 0; st == AL_BT_OK && i < npick; i++)
		order[i] = slots[order[i]];
	al_softmax_free(r->opt, slots);
	al_softmax_free(r->opt, cand);
	al_softmax_free(r->opt, reduction);
	al_softmax_free(r->opt, work);
	return st;
}

/*
 * Train on n rows of x/y; a single class gives the model that predicts it
 * with probability 1 (what the trainer does for a bootstrap member).
 */
static al_bt_status
train(const float *x, const int *y, int n, int d, int k,
	  const al_softmax_options *opt, al_softmax_model *model, al_bt_error *err)
{
	al_softmax_data td = {x, y, NULL, n, d, k};
	al_sm_status st = al_softmax_fit(&td, opt, 0, model, NULL);
	int			c;

	if (st == AL_SM_ONE_CLASS)
	{
		st = al_softmax_model_alloc(model, k, d, 0, opt);
		for (c = 0; st == AL_SM_OK && c < k; c++)
			model->intercept[c] = (c == y[0]) ? 0.0 : -INFINITY;
	}
	if (st == AL_SM_CANCELLED)
		return AL_BT_CANCELLED;
	if (st != AL_SM_OK)
	{
		err->sm_status = st;
		return AL_BT_MODEL;
	}
	return AL_BT_OK;
}

/* Holdout accuracy of a model. */
static al_bt_status
holdout_accuracy(const al_bt_data *data, const al_bt_split *split,
				 const al_softmax_model *model, const al_softmax_options *opt,
				 double *accuracy, al_bt_error *err)
{
	al_sm_status st = al_softmax_evaluate(model, data->x, data->y, split->hold,
										  split->n_hold, opt, accuracy, NULL);

	if (st != AL_SM_OK)
	{
		err->sm_status = st;
		return AL_BT_MODEL;
	}
	return AL_BT_OK;
}

/* Copy row `row` of data into x/y at slot `slot`. */
static void
copy_row(const al_bt_data *data, int row, float *x, int *y, int slot)
{
	memcpy(x + (size_t) slot * data->d, data->x + (size_t) row * data->d,
		   sizeof(float) * data->d);
	y[slot] = data->y[row];
}

/* See backtest_replay.h. */
al_bt_status
al_bt_split_data(const al_bt_data *data, double holdout, uint64_t seed,
				 const al_softmax_options *opt, al_bt_split *split, al_bt_error *err)
{
	al_softmax_model model;
	float	   *x;
	int		   *y;
	al_bt_status st;
	al_bt_error ignored;
	int			i;

	if (err == NULL)
		err = &ignored;
	if (!(holdout > 0.0 && holdout < 1.0))
		return AL_BT_BAD_HOLDOUT;
	if (al_softmax_holdout_split(data->n, holdout, seed, split->pool, &split->n_pool,
								 split->hold, &split->n_hold) != AL_SM_OK)
		return AL_BT_BAD_HOLDOUT;
	if (split->n_pool == 0 || split->n_hold == 0)
		return AL_BT_EMPTY_PART;
	x = al_softmax_alloc(opt, sizeof(float) * (size_t) split->n_pool * data->d);
	y = al_softmax_alloc(opt, sizeof(int) * (size_t) split->n_pool);
	if (x == NULL || y == NULL)
	{
		al_softmax_free(opt, x);
		al_softmax_free(opt, y);
		return AL_BT_NO_MEMORY;
	}
	for (i = 0; i < split->n_pool; i++)
		copy_row(data, split->pool[i], x, y, i);
	st = train(x, y, split->n_pool, data->d, data->k, opt, &model, err);
	al_softmax_free(opt, x);
	al_softmax_free(opt, y);
	if (st != AL_BT_OK)
		return st;
	st = holdout_accuracy(data, split, &model, opt, &split->full_accuracy, err);
	al_softmax_model_free(&model, opt);
	return st;
}

/* A replay's buffers (over the pool's rows). */
typedef struct bt_state
{
	char	   *labeled;		/* per pool position */
	int		   *slot_pos;		/* pool position of each gathered slot */
	float	   *x;				/* n_pool x d: candidates, then labeled */
	int		   *y;				/* labels of the slots */
	float	   *p;				/* candidates x k probabilities */
	double	   *score;			/* candidates */
	int		   *cls;			/* candidates' predicted class */
	int		   *order;			/* a round's picks (candidate slots) */
	int		   *picked;			/* data rows labeled last */
	int			npicked;
	int			m;				/* candidates gathered */
	int			l;				/* labeled rows gathered */
} bt_state;

/* Allocate a replay's buffers; nonzero on success. */
static int
state_alloc(bt_state *s, const al_bt_data *data, int n_pool, int room,
			const al_softmax_options *opt)
{
	s->labeled = al_softmax_alloc(opt, n_pool);
	s->slot_pos = al_softmax_alloc(opt, sizeof(int) * n_pool);
	s->x = al_softmax_alloc(opt, sizeof(float) * (size_t) n_pool * data->d);
	s->y = al_softmax_alloc(opt, sizeof(int) * n_pool);
	s->p = al_softmax_alloc(opt, sizeof(float) * (size_t) n_pool * data->k);
	s->score = al_softmax_alloc(opt, sizeof(double) * n_pool);
	s->cls = al_softmax_alloc(opt, sizeof(int) * n_pool);
	s->order = al_softmax_alloc(opt, sizeof(int) * room);
	s->picked = al_softmax_alloc(opt, sizeof(int) * room);
	if (s->labeled)
		memset(s->labeled, 0, n_pool);
	return s->labeled && s->slot_pos && s->x && s->y && s->p && s->score &&
		s->cls && s->order && s->picked;
}

/* Free what state_alloc allocated. */
static void
state_free(bt_state *s, const al_softmax_options *opt)
{
	al_softmax_free(opt, s->labeled);
	al_softmax_free(opt, s->slot_pos);
	al_softmax_free(opt, s->x);
	al_softmax_free(opt, s->y);
	al_softmax_free(opt, s->p);
	al_softmax_free(opt, s->score);
	al_softmax_free(opt, s->cls);
	al_softmax_free(opt, s->order);
	al_softmax_free(opt, s->picked);
}

/* Gather the candidates (slots 0..m-1) and the labeled rows after them. */
static void
gather(bt_state *s, const al_bt_data *data, const al_bt_split *split)
{
	int			i,
				slot;

	s->m = 0;
	for (i = 0; i < split->n_pool; i++)
		s->m += !s->labeled[i];
	s->l = split->n_pool - s->m;
	for (i = 0, slot = 0; i < split->n_pool; i++)
		if (!s->labeled[i])
			s->slot_pos[slot++] = i;
	for (i = 0; i < split->n_pool; i++)
		if (s->labeled[i])
			s->slot_pos[slot++] = i;
	for (slot = 0; slot < split->n_pool; slot++)
		copy_row(data, split->pool[s->slot_pos[slot]], s->x, s->y, slot);
}

/* Probabilities, scores and classes of the candidates. */
static al_bt_status
predict_candidates(bt_state *s, const bt_strategy *strat, const al_softmax_model *model,
				   int k, const al_softmax_options *opt, al_bt_error *err)
{
	double	   *work;
	al_sm_status st;
	int			i;

	if (!strat->needs_probs)
		return AL_BT_OK;
	work = al_softmax_alloc(opt, sizeof(double) * (al_softmax_predict_work_size(model, s->m) + 1));
	if (work == NULL)
		return AL_BT_NO_MEMORY;
	st = al_softmax_predict_ws(model, s->x, s->m, s->p, work);
	al_softmax_free(opt, work);
	if (st != AL_SM_OK)
	{
		err->sm_status = st;
		return AL_BT_MODEL;
	}
	for (i = 0; i < s->m; i++)
	{
		const float *p = s->p + (size_t) i * k;

		s->score[i] = strat->score ? strat->score(p, k) : 0.0;
		s->cls[i] = al_argmax(p, k);
	}
	return AL_BT_OK;
}

/* Select and label one round's picks (npick of the m candidates). */
static al_bt_status
select_round(bt_state *s, const al_bt_data *data, const al_bt_split *split,
			 const al_bt_params *prm, const al_softmax_model *model, al_rng *rng,
			 int npick, al_bt_error *err)
{
	const bt_strategy *strat = &strategies[prm->strategy];
	bt_round	r;
	al_bt_status st;
	int			i;

	memset(&r, 0, sizeof(r));
	r.pool.x = s->x;
	r.pool.m = s->m;
	r.pool.d = data->d;
	r.pool.xl = s->x + (size_t) s->m * data->d;
	r.pool.l = s->l;
	r.pool.score = s->score;
	r.pool.p = s->p;
	r.pool.c = data->k;
	r.pool.tick = prm->tick;
	r.pool.tick_arg = prm->tick_arg;
	r.cls = s->cls;
	r.rng = rng;
	r.class_cap = prm->class_cap;
	r.eer = &prm->eer;
	r.model = model;
	r.yl = s->y + s->m;
	r.opt = prm->model;
	if ((st = strat->select(&r, npick, s->order, err)) != AL_BT_OK)
		return st;
	for (i = 0; i < npick; i++)
	{
		int			pos = s->slot_pos[s->order[i]];

		s->labeled[pos] = 1;
		s->picked[i] = split->pool[pos];
	}
	s->npicked = npick;
	return AL_BT_OK;
}

/* Check a replay's parameters against the split. */
static al_bt_status
check_params(const al_bt_split *split, const al_bt_params *prm)
{
	if (prm->strategy < 0 || prm->strategy >= N_STRATEGIES)
		return AL_BT_BAD_STRATEGY;
	if (prm->batch < 1)
		return AL_BT_BAD_BATCH;
	if (prm->budget > split->n_pool)
		return AL_BT_BAD_BUDGET;
	if (prm->initial < 1 || prm->initial > prm->budget)
		return AL_BT_BAD_INITIAL;
	if (!(prm->class_cap > 0.0 && prm->class_cap <= 1.0))
		return AL_BT_BAD_CAP;
	if (prm->eer.candidates < 1 || prm->eer.candidates > AL_EER_MAX_CANDIDATES ||
		prm->eer.sample < 1 || prm->eer.sample > AL_EER_MAX_SAMPLE ||
		prm->eer.steps < 1 || prm->eer.steps > AL_EER_MAX_STEPS ||
		(prm->eer.loss != AL_EER_LOSS_ZERO_ONE && prm->eer.loss != AL_EER_LOSS_LOG))
		return AL_BT_BAD_EER;
	return AL_BT_OK;
}

/* Label the seed's initial set (the same for every strategy). */
static void
label_initial(bt_state *s, const al_bt_split *split, const al_bt_params *prm)
{
	al_rng		rng;
	int			i;

	al_rng_seed_stream(&rng, prm->seed, STREAM_INITIAL);
	s->npicked = (int) al_rng_sample(&rng, split->n_pool, prm->initial, s->picked);
	for (i = 0; i < s->npicked; i++)
	{
		s->labeled[s->picked[i]] = 1;
		s->picked[i] = split->pool[s->picked[i]];
	}
}

/* One round: train, evaluate, emit, then select unless the budget is spent. */
static al_bt_status
run_round(bt_state *s, const al_bt_data *data, const al_bt_split *split,
		  const al_bt_params *prm, al_rng *rng, int round,
		  al_bt_emit_fn emit, void *emit_arg, int *done, al_bt_error *err)
{
	const al_softmax_options *opt = prm->model;
	al_softmax_model model;
	double		accuracy;
	al_bt_status st;
	int			npick;

	gather(s, data, split);
	st = train(s->x + (size_t) s->m * data->d, s->y + s->m, s->l, data->d, data->k, opt,
			   &model, err);
	if (st != AL_BT_OK)
		return st;
	st = holdout_accuracy(data, split, &model, opt, &accuracy, err);
	if (st == AL_BT_OK)
		emit(emit_arg, round, s->l, accuracy, s->picked, s->npicked);
	*done = (s->l >= prm->budget || s->m == 0);
	npick = prm->budget - s->l;
	npick = npick < prm->batch ? npick : prm->batch;
	npick = npick < s->m ? npick : s->m;
	if (st == AL_BT_OK && !*done)
		st = predict_candidates(s, &strategies[prm->strategy], &model, data->k, opt, err);
	if (st == AL_BT_OK && !*done)
		st = select_round(s, data, split, prm, &model, rng, npick, err);
	al_softmax_model_free(&model, opt);
	return st;
}

/* See backtest_replay.h. */
al_bt_status
al_bt_replay(const al_bt_data *data, const al_bt_split *split,
			 const al_bt_params *prm, al_bt_emit_fn emit, void *emit_arg,
			 al_bt_error *err)
{
	bt_state	s;
	al_rng		rng;
	al_bt_error ignored;
	al_bt_status st;
	int			round,
				room,
				done = 0;

	if (err == NULL)
		err = &ignored;
	if ((st = check_params(split, prm)) != AL_BT_OK)
		return st;
	memset(&s, 0, sizeof(s));
	/* a round picks at most the pool (initial <= budget <= pool is checked) */
	room = prm->initial > prm->batch ? prm->initial : prm->batch;
	room = room < split->n_pool ? room : split->n_pool;
	if (!state_alloc(&s, data, split->n_pool, room, prm->model))
	{
		state_free(&s, prm->model);
		return AL_BT_NO_MEMORY;
	}
	label_initial(&s, split, prm);
	al_rng_seed_stream(&rng, prm->seed, STREAM_SELECT);
	for (round = 0; st == AL_BT_OK && !done; round++)
	{
		st = run_round(&s, data, split, prm, &rng, round, emit, emit_arg, &done, err);
		if (st == AL_BT_OK && prm->tick && prm->tick(prm->tick_arg))
			st = AL_BT_CANCELLED;
	}
	state_free(&s, prm->model);
	return st;
}
