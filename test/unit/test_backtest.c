/*
 * test_backtest.c - unit tests of the loop replay (backtest_replay.h):
 * margin top-k and k-center replays against replays written independently
 * here (the split and the initial set drawn from the documented al_rng
 * streams, margins computed in double from al_softmax_predict_row,
 * farthest-first distances in double by brute force), the label schedule,
 * determinism, a single-class start, and every error status.
 */
#include "al_blas.h"
#include "al_rng.h"
#include "backtest_replay.h"
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>

#define N 90
#define D 2
#define K 3
#define MAXPTS 200

static float xs[N * D];
static int	ys[N];
static int	pool_rows[N],
			hold_rows[N];

/* One emitted curve. */
typedef struct curve
{
	int			n;
	int			labels[MAXPTS];
	double		accuracy[MAXPTS];
	int			picked[N];		/* all picks, in order */
	int			npicked;
} curve;

/* emit callback: append the point and its picks. */
static void
record(void *arg, int round, int labels, double accuracy, const int *picked, int npicked)
{
	curve	   *c = arg;

	if (c->n < MAXPTS)
	{
		c->labels[c->n] = labels;
		c->accuracy[c->n] = accuracy;
		c->n++;
	}
	for (int i = 0; i < npicked && c->npicked < N; i++)
		c->picked[c->npicked++] = picked[i];
}

/* Three overlapping 2-D blobs around (0,0), (2,0), (1,1.5). */
static void
make_data(void)
{
	static const double cx[K] = {0, 2, 1},
				cy[K] = {0, 0, 1.5};
	al_rng		r;

	al_rng_seed(&r, 7);
	for (int i = 0; i < N; i++)
	{
		ys[i] = i % K;
		xs[i * D] = (float) (cx[ys[i]] + 0.8 * al_rng_normal(&r));
		xs[i * D + 1] = (float) (cy[ys[i]] + 0.8 * al_rng_normal(&r));
	}
}

static al_bt_data
data_of(void)
{
	al_bt_data d = {xs, ys, N, D, K};

	return d;
}

static al_bt_split
split_of(const al_bt_data *data, double holdout, uint64_t seed, al_bt_status *st)
{
	al_bt_split s = {pool_rows, 0, hold_rows, 0, 0};
	al_bt_error err;

	*st = al_bt_split_data(data, holdout, seed, NULL, &s, &err);
	return s;
}

static al_bt_params
params_of(const char *strategy, int batch, int initial, int budget, uint64_t seed)
{
	al_bt_params p = {0};

	p.strategy = al_bt_strategy_find(strategy);
	p.batch = batch;
	p.initial = initial;
	p.budget = budget;
	p.seed = seed;
	p.class_cap = 0.5;
	al_bt_eer_init(&p.eer);
	return p;
}

/* Accuracy on the holdout of a model trained on rows[0..n-1], in double. */
static double
reference_fit(const int *rows, int n, const al_bt_split *s, al_softmax_model *m)
{
	float		x[N * D];
	int			y[N],
				hits = 0;
	al_softmax_data td;
	double		p[K];

	for (int i = 0; i < n; i++)
	{
		x[i * D] = xs[rows[i] * D];
		x[i * D + 1] = xs[rows[i] * D + 1];
		y[i] = ys[rows[i]];
	}
	td = (al_softmax_data) {x, y, NULL, n, D, K};
	if (al_softmax_fit(&td, NULL, 0, m, NULL) != AL_SM_OK)
		return -1;
	for (int i = 0; i < s->n_hold; i++)
	{
		int			best = 0;

		al_softmax_predict_row(m, xs + hold_rows[i] * D, p);
		for (int c = 1; c < K; c++)
			if (p[c] > p[best])
				best = c;
		hits += (best == ys[hold_rows[i]]);
	}
	return (double) hits / s->n_hold;
}

/* The seed's initial set as data rows, increasing (stream 1 of the seed). */
static int
reference_initial(const al_bt_split *s, uint64_t seed, int initial, char *labeled, int *rows)
{
	al_rng		r;
	int			pos[N];
	int			n;

	al_rng_seed_stream(&r, seed, 1);
	n = (int) al_rng_sample(&r, s->n_pool, initial, pos);
	memset(labeled, 0, N);
	for (int i = 0; i < n; i++)
	{
		labeled[pos[i]] = 1;
		rows[i] = s->pool[pos[i]];
	}
	return n;
}

/* Labeled data rows in pool order. */
static int
labeled_rows(const al_bt_split *s, const char *labeled, int *rows)
{
	int			n = 0;

	for (int i = 0; i < s->n_pool; i++)
		if (labeled[i])
			rows[n++] = s->pool[i];
	return n;
}

/*
 * Margin top-k replayed here: 1 - (p1 - p2) from the double predictor, the
 * best first, ties to the lowest pool position.
 */
static void
check_margin_reference(void)
{
	al_bt_data data = data_of();
	al_bt_status st;
	al_bt_split s = split_of(&data, 0.3, 11, &st);
	al_bt_params prm = params_of("margin", 4, 5, 21, 11);
	curve		got = {0};
	char		labeled[N];
	int			rows[N],
				n,
				ok = 1,
				point = 0,
				next_pick;

	UNIT_CHECK(st == AL_BT_OK && s.n_hold == 27 && s.n_pool == 63, "split: round(0.3 * 90) = 27 held out");
	st = al_bt_replay(&data, &s, &prm, record, &got, NULL);
	UNIT_CHECK(st == AL_BT_OK, "margin replay runs");
	next_pick = reference_initial(&s, 11, 5, labeled, rows);
	UNIT_CHECK(got.npicked >= 5 && memcmp(got.picked, rows, sizeof(int) * 5) == 0,
			   "margin: round 0 reports the seed's initial set");
	for (;;)
	{
		al_softmax_model m;
		double		acc,
					best_score;
		int			best;

		n = labeled_rows(&s, labeled, rows);
		acc = reference_fit(rows, n, &s, &m);
		ok &= (point < got.n && got.labels[point] == n && fabs(got.accuracy[point] - acc) < 1e-12);
		point++;
		if (n >= 21)
		{
			al_softmax_model_free(&m, NULL);
			break;
		}
		for (int t = 0; t < 4 && n + t < 21; t++)
		{
			best = -1;
			best_score = -1;
			for (int i = 0; i < s.n_pool; i++)
			{
				double		p[K],
							a = 0,
							b = 0,
							sc;

				if (labeled[i])
					continue;
				al_softmax_predict_row(&m, xs + s.pool[i] * D, p);
				for (int c = 0; c < K; c++)
				{
					if (p[c] > a)
					{
						b = a;
						a = p[c];
					}
					else if (p[c] > b)
						b = p[c];
				}
				sc = 1 - (a - b);
				/* float probabilities in the replay: compare at float precision */
				if (best < 0 || sc > best_score + 1e-6)
				{
					best = i;
					best_score = sc;
				}
			}
			labeled[best] = 1;
			ok &= (got.picked[next_pick++] == s.pool[best]);
		}
		al_softmax_model_free(&m, NULL);
	}
	UNIT_CHECK(ok && point == got.n, "margin: every point and pick equals the reference replay");
	UNIT_CHECK(got.n == 5 && got.labels[0] == 5 && got.labels[1] == 9 &&
			   got.labels[3] == 17 && got.labels[4] == 21, "margin: labels 5, 9, 13, 17, 21 then stop at the budget");
}

/*
 * k-center replayed here: each pick is the unlabeled pool row farthest (in
 * double) from the labeled rows and the earlier picks of the round.
 */
static void
check_kcenter_reference(void)
{
	al_bt_data data = data_of();
	al_bt_status st;
	al_bt_split s = split_of(&data, 0.25, 3, &st);
	al_bt_params prm = params_of("kcenter", 5, 3, 23, 3);
	curve		got = {0};
	char		labeled[N];
	int			rows[N],
				next_pick,
				ok = 1;

	st = al_bt_replay(&data, &s, &prm, record, &got, NULL);
	UNIT_CHECK(st == AL_BT_OK, "k-center replay runs");
	next_pick = reference_initial(&s, 3, 3, labeled, rows);
	while (next_pick < 23)
	{
		int			best = -1;
		double		best_d = -1;

		for (int i = 0; i < s.n_pool; i++)
		{
			double		near = INFINITY;

			if (labeled[i])
				continue;
			for (int j = 0; j < s.n_pool; j++)
			{
				double		dx,
							dy;

				if (!labeled[j])
					continue;
				dx = (double) xs[s.pool[i] * D] - xs[s.pool[j] * D];
				dy = (double) xs[s.pool[i] * D + 1] - xs[s.pool[j] * D + 1];
				near = fmin(near, dx * dx + dy * dy);
			}
			if (near > best_d)
			{
				best = i;
				best_d = near;
			}
		}
		labeled[best] = 1;
		ok &= (got.picked[next_pick++] == s.pool[best]);
	}
	UNIT_CHECK(ok && got.npicked == 23, "k-center: picks equal brute-force farthest-first");
	UNIT_CHECK(got.n == 5 && got.labels[1] == 8 && got.labels[4] == 23,
			   "k-center: labels 3, 8, 13, 18, 23");
}

/* Every strategy runs; the same seed gives the same curve, another seed another. */
static void
check_all_and_determinism(void)
{
	al_bt_data data = data_of();
	al_bt_status st;
	al_bt_split s = split_of(&data, 0.3, 5, &st);

	for (int k = 0; k < al_bt_strategy_count(); k++)
	{
		al_bt_params prm = params_of(al_bt_strategy_name(k), 7, 4, 40, 5);
		curve		a = {0},
					b = {0};
		char		name[96];
		al_bt_status s1 = al_bt_replay(&data, &s, &prm, record, &a, NULL),
					s2 = al_bt_replay(&data, &s, &prm, record, &b, NULL);
		int			distinct = 1;

		for (int i = 0; i < a.npicked; i++)
			for (int j = 0; j < i; j++)
				distinct &= (a.picked[i] != a.picked[j]);
		snprintf(name, sizeof(name), "%s: same seed, same curve and picks; 40 distinct rows",
				 al_bt_strategy_name(k));
		UNIT_CHECK(s1 == AL_BT_OK && s2 == AL_BT_OK && a.n == b.n && a.n == 7 &&
				   memcmp(a.picked, b.picked, sizeof(int) * a.npicked) == 0 &&
				   memcmp(a.accuracy, b.accuracy, sizeof(double) * a.n) == 0 &&
				   a.npicked == 40 && distinct, name);
	}
	{
		al_bt_params p1 = params_of("random", 10, 10, 10, 5),
					p2 = params_of("random", 10, 10, 10, 6);
		curve		a = {0},
					b = {0};

		al_bt_replay(&data, &s, &p1, record, &a, NULL);
		al_bt_replay(&data, &s, &p2, record, &b, NULL);
		UNIT_CHECK(memcmp(a.picked, b.picked, sizeof(int) * 10) != 0,
				   "another seed draws another initial set");
	}
	UNIT_CHECK(s.full_accuracy > 0.5 && s.full_accuracy <= 1, "full accuracy is computed");
}

/*
 * The expected error of candidate row cand by brute force: for each class
 * y, a model fit from scratch on the labeled rows plus (cand, y), its mean
 * loss (entropy, or 1 - max) over the unlabeled rows, weighted by the
 * current model's p(y | cand).
 */
static double
brute_expected_error(const int *lab, int nl, const int *unl, int nu, int cand,
					 const al_softmax_model *current, int zero_one)
{
	float		x[(N + 1) * D];
	int			y[N + 1];
	double		p[K],
				q[K],
				ee = 0;

	for (int i = 0; i < nl; i++)
	{
		memcpy(x + i * D, xs + lab[i] * D, sizeof(float) * D);
		y[i] = ys[lab[i]];
	}
	memcpy(x + nl * D, xs + cand * D, sizeof(float) * D);
	al_softmax_predict_row(current, xs + cand * D, p);
	for (int c = 0; c < K; c++)
	{
		al_softmax_options o;
		al_softmax_data td = {x, y, NULL, nl + 1, D, K};
		al_softmax_model m;
		double		loss = 0;

		al_softmax_options_init(&o);
		o.max_iter = 10000;
		o.tol = 1e-10;
		y[nl] = c;
		if (al_softmax_fit(&td, &o, 0, &m, NULL) != AL_SM_OK)
			return NAN;
		for (int s = 0; s < nu; s++)
		{
			double		best = 0,
						h = 0;

			al_softmax_predict_row(&m, xs + unl[s] * D, q);
			for (int j = 0; j < K; j++)
			{
				best = q[j] > best ? q[j] : best;
				h -= q[j] > 0 ? q[j] * log(q[j]) : 0;
			}
			loss += zero_one ? 1 - best : h;
		}
		al_softmax_model_free(&m, NULL);
		ee += p[c] * loss / nu;
	}
	return ee;
}

/*
 * Strategy eer against the brute force: with M and S covering the pool
 * and enough steps, the first pick is the candidate of least brute-force
 * expected error, for both losses and several seeds.
 */
static void
check_eer_brute_force(void)
{
	al_bt_data data = data_of();
	al_bt_status st;
	al_bt_split s = split_of(&data, 0.3, 3, &st);

	for (int zero_one = 0; zero_one <= 1; zero_one++)
		for (uint64_t seed = 1; seed <= 4; seed++)
		{
			al_bt_params prm = params_of("eer", 1, 6, 7, seed);
			curve		got = {0};
			char		labeled[N],
						name[128];
			int			lab[N],
						unl[N],
						nl,
						nu = 0,
						best = -1;
			double		best_ee = INFINITY;
			al_softmax_model current;

			prm.eer.steps = 1000;
			prm.eer.loss = zero_one ? AL_EER_LOSS_ZERO_ONE : AL_EER_LOSS_LOG;
			st = al_bt_replay(&data, &s, &prm, record, &got, NULL);
			reference_initial(&s, seed, 6, labeled, lab);
			nl = labeled_rows(&s, labeled, lab);
			for (int i = 0; i < s.n_pool; i++)
				if (!labeled[i])
					unl[nu++] = s.pool[i];
			if (reference_fit(lab, nl, &s, &current) < 0)
				continue;
			for (int i = 0; i < nu; i++)
			{
				double		ee = brute_expected_error(lab, nl, unl, nu, unl[i], &current, zero_one);

				if (ee < best_ee)
				{
					best_ee = ee;
					best = unl[i];
				}
			}
			al_softmax_model_free(&current, NULL);
			snprintf(name, sizeof(name), "eer (%s loss, seed %d): first pick = brute-force argmin (row %d)",
					 zero_one ? "zero_one" : "log", (int) seed, best);
			UNIT_CHECK(st == AL_BT_OK && got.npicked == 7 && got.picked[6] == best, name);
		}
}

/* An initial set of one class: the model predicts that class everywhere. */
static void
check_one_class_start(void)
{
	al_bt_data data = data_of();
	al_bt_status st;
	al_bt_split s = split_of(&data, 0.3, 9, &st);
	al_bt_params prm = params_of("entropy", 2, 1, 3, 9);
	curve		got = {0};
	int			same = 0;

	st = al_bt_replay(&data, &s, &prm, record, &got, NULL);
	for (int i = 0; i < s.n_hold; i++)
		same += (ys[hold_rows[i]] == ys[got.picked[0]]);
	UNIT_CHECK(st == AL_BT_OK && got.n == 2, "one initial label: the replay runs");
	UNIT_CLOSE(got.accuracy[0], (double) same / s.n_hold, 1e-15,
			   "one class: accuracy = the holdout's share of that class");
}

/* Every error status. */
static void
check_errors(void)
{
	al_bt_data data = data_of();
	al_bt_status st;
	al_bt_split s = split_of(&data, 0.3, 1, &st);
	al_bt_split bad = {pool_rows, 0, hold_rows, 0, 0};
	al_bt_params p;
	curve		c = {0};

	UNIT_CHECK(al_bt_strategy_find("nope") == -1 && al_bt_strategy_find(NULL) == -1 &&
			   al_bt_strategy_name(-1) == NULL && al_bt_strategy_find("badge") >= 0,
			   "strategy names: unknown is -1");
	p = params_of("nope", 1, 1, 2, 1);
	UNIT_CHECK(al_bt_replay(&data, &s, &p, record, &c, NULL) == AL_BT_BAD_STRATEGY, "unknown strategy");
	p = params_of("margin", 0, 1, 2, 1);
	UNIT_CHECK(al_bt_replay(&data, &s, &p, record, &c, NULL) == AL_BT_BAD_BATCH, "batch 0");
	p = params_of("margin", 1, 0, 2, 1);
	UNIT_CHECK(al_bt_replay(&data, &s, &p, record, &c, NULL) == AL_BT_BAD_INITIAL, "initial 0");
	p = params_of("margin", 1, 3, 2, 1);
	UNIT_CHECK(al_bt_replay(&data, &s, &p, record, &c, NULL) == AL_BT_BAD_INITIAL, "initial above budget");
	p = params_of("margin", 1, 1, 64, 1);
	UNIT_CHECK(al_bt_replay(&data, &s, &p, record, &c, NULL) == AL_BT_BAD_BUDGET, "budget above the pool (63)");
	p = params_of("margin", 1, 1, 63, 1);
	p.class_cap = 0;
	UNIT_CHECK(al_bt_replay(&data, &s, &p, record, &c, NULL) == AL_BT_BAD_CAP, "class cap 0");
	UNIT_CHECK(al_bt_split_data(&data, 0, 1, NULL, &bad, NULL) == AL_BT_BAD_HOLDOUT &&
			   al_bt_split_data(&data, 1, 1, NULL, &bad, NULL) == AL_BT_BAD_HOLDOUT &&
			   al_bt_split_data(&data, NAN, 1, NULL, &bad, NULL) == AL_BT_BAD_HOLDOUT,
			   "holdout 0, 1 and NaN");
	data.n = 3;
	UNIT_CHECK(al_bt_split_data(&data, 0.1, 1, NULL, &bad, NULL) == AL_BT_EMPTY_PART,
			   "holdout of round(0.3) = 0 rows");
	p = params_of("eer", 1, 1, 63, 1);
	p.eer.candidates = 0;
	UNIT_CHECK(al_bt_replay(&data, &s, &p, record, &c, NULL) == AL_BT_BAD_EER, "eer candidates 0");
	p = params_of("eer", 1, 1, 63, 1);
	p.eer.sample = AL_EER_MAX_SAMPLE + 1;
	UNIT_CHECK(al_bt_replay(&data, &s, &p, record, &c, NULL) == AL_BT_BAD_EER, "eer sample above its limit");
	p = params_of("eer", 1, 1, 63, 1);
	p.eer.steps = 0;
	UNIT_CHECK(al_bt_replay(&data, &s, &p, record, &c, NULL) == AL_BT_BAD_EER, "eer steps 0");
	p = params_of("eer", 1, 1, 63, 1);
	p.eer.loss = (al_eer_loss) 7;
	UNIT_CHECK(al_bt_replay(&data, &s, &p, record, &c, NULL) == AL_BT_BAD_EER, "eer unknown loss");
	for (int i = 0; i <= AL_BT_EER; i++)
		UNIT_CHECK(strcmp(al_bt_status_message(i), "unknown status") != 0, "status message");
}

/* A tick that cancels at its second call. */
static int
cancel_second(void *arg)
{
	return ++*(int *) arg >= 2;
}

static void
check_cancel(void)
{
	al_bt_data data = data_of();
	al_bt_status st;
	al_bt_split s = split_of(&data, 0.3, 1, &st);
	al_bt_params p = params_of("random", 1, 1, 30, 1);
	curve		c = {0};
	int			calls = 0;

	p.tick = cancel_second;
	p.tick_arg = &calls;
	UNIT_CHECK(al_bt_replay(&data, &s, &p, record, &c, NULL) == AL_BT_CANCELLED && c.n == 2,
			   "the tick cancels between rounds");
}

/* The largest allocation the replay asked for (a tracking allocator). */
static size_t largest_alloc;

static void *
track_alloc(size_t size)
{
	if (size > largest_alloc)
		largest_alloc = size;
	return malloc(size);
}

/*
 * A batch size far beyond the pool picks the whole pool at once, and the
 * replay's buffers are bounded by the pool, not by the batch size asked
 * for (al.backtest's memory bound counts rows, not batch sizes).
 */
static void
check_huge_batch(void)
{
	al_bt_data data = data_of();
	al_bt_status st;
	al_bt_split s = split_of(&data, 0.3, 1, &st);
	al_bt_params p = params_of("margin", 2147483647, 3, s.n_pool, 1);
	al_softmax_options opt;
	curve		c = {0};

	al_softmax_options_init(&opt);
	opt.alloc_fn = track_alloc;
	opt.free_fn = free;
	p.model = &opt;
	largest_alloc = 0;
	UNIT_CHECK(al_bt_replay(&data, &s, &p, record, &c, NULL) == AL_BT_OK && c.n == 2 &&
			   c.labels[0] == 3 && c.labels[1] == s.n_pool,
			   "a batch beyond the pool labels the rest of the pool in one round");
	UNIT_CHECK(largest_alloc <= sizeof(double) * 64 * (size_t) N,
			   "the replay's allocations are bounded by the pool, not the batch size");
	if (largest_alloc > sizeof(double) * 64 * (size_t) N)
		printf("#   largest allocation %zu bytes\n", largest_alloc);
}

int
main(void)
{
	char		err[256];

	if (al_blas_load(NULL, "auto", err, sizeof(err)) != 0)
	{
		printf("not ok 1 - BLAS loads: %s\n1..1\n", err);
		return 1;
	}
	make_data();
	check_margin_reference();
	check_kcenter_reference();
	check_eer_brute_force();
	check_all_and_determinism();
	check_one_class_start();
	check_errors();
	check_cancel();
	check_huge_batch();
	return unit_done();
}
