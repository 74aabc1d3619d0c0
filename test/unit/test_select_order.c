/*
 * test_select_order.c - unit tests of the selection kernels that order by
 * score or key, and of density (select.h): class-balanced top-k,
 * epsilon-greedy, Gumbel keys, cosine, euclidean and information density.
 * Orders derived by hand in the comments, naive implementations written
 * independently here, O(n^2) densities, sampling laws over many fixed
 * seeds (chi-square bounds), ties, sizes and errors.
 */
#include "unit_select.h"

/* ---- class-balanced top-k ---- */

/*
 * Rows (score, class): 0 (.9 A), 1 (.8 A), 2 (.7 A), 3 (.6 B), 4 (.5 A),
 * 5 (.4 C), 6 (.3 B); cap .5, so a prefix of r rows holds at most
 * ceil(r / 2) of a class.  r = 1 (1 allowed): 0 (A).  r = 2 (1): A is full
 * -> 3 (B).  r = 3 (2): 1 (A).  r = 4 (2): A full, B has 1 -> best of B's
 * 6 (.3) and C's 5 (.4): 5.  r = 5 (3): 2 (A).  r = 6 (3): A full -> 6 (B).
 * r = 7 (4): 4 (A).  Order 0, 3, 1, 5, 2, 6, 4.
 */
static void
check_balanced_by_hand(void)
{
	double		score[] = {.9, .8, .7, .6, .5, .4, .3};
	int			cls[] = {0, 0, 0, 1, 0, 2, 1};
	int			one[] = {0, 0, 0, 0, 0, 0, 0};
	int			want[] = {0, 3, 1, 5, 2, 6, 4};
	int			topk[] = {0, 1, 2, 3, 4, 5, 6};
	int			order[7];

	UNIT_CHECK(al_sel_balanced(score, cls, 7, 3, .5, 7, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 7), "balanced cap .5 by hand: 0, 3, 1, 5, 2, 6, 4");
	UNIT_CHECK(al_sel_balanced(score, cls, 7, 3, 1, 7, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, topk, 7), "balanced cap 1 = top-k");
	UNIT_CHECK(al_sel_balanced(score, one, 7, 1, .5, 7, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, topk, 7), "balanced: a single class relaxes the cap");
	UNIT_CHECK(al_sel_order_desc(score, 7, 7, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, topk, 7), "order_desc: by score");
}

/*
 * cap .07 over 100 picks: 0.07 x 100 is 7.000000000000001 in double, and
 * a plain ceil would allow 8.  Class 0 holds the 200 best rows, classes
 * 1..15 ten rows each below them.  Every prefix r must hold at most
 * ceil(7 r / 100) rows of a class (integer arithmetic), and class 0 exactly
 * 7 of the first 100.
 */
static void
check_balanced_caps(void)
{
	static double score[350];
	static int	cls[350];
	int			order[100],
				count[16] = {0},
				prefix_ok = 1;

	for (int i = 0; i < 350; i++)
	{
		cls[i] = i < 200 ? 0 : 1 + (i - 200) % 15;
		score[i] = 1000 - i;
	}
	UNIT_CHECK(al_sel_balanced(score, cls, 350, 16, .07, 100, order, work, NULL) == AL_SEL_OK,
			   "balanced cap .07 runs");
	for (int r = 1; r <= 100; r++)
	{
		count[cls[order[r - 1]]]++;
		for (int k = 0; k < 16; k++)
			prefix_ok &= count[k] <= (7 * r + 99) / 100;
	}
	UNIT_CHECK(prefix_ok, "balanced: every prefix within ceil(cap r)");
	UNIT_CHECK(count[0] == 7, "balanced: 0.07 x 100 allows 7, not 8");
}

/* ---- epsilon-greedy ---- */

/* The keys of rows with ids 1..m for a seed, as the SQL aggregate makes them. */
static void
keys_for(uint64_t seed, int m, double *key)
{
	for (int i = 0; i < m; i++)
		key[i] = al_sel_key_uniform(seed, (uint64_t) i + 1);
}

/*
 * Naive epsilon-greedy: the same decision stream (al_rng of the seed, one
 * uniform per pick), then an O(m) scan for the best open score or the
 * largest open key, ties to the lowest position.
 */
static void
naive_epsilon(const double *score, const double *key, int m, double eps,
			  uint64_t seed, int npick, int *order)
{
	int			picked[MAXM] = {0};
	al_rng		r;

	al_rng_seed(&r, seed);
	for (int t = 0; t < npick; t++)
	{
		const double *v = al_rng_uniform(&r) < eps ? key : score;
		int			best = -1;

		for (int i = 0; i < m; i++)
			if (!picked[i] && (best < 0 || v[i] > v[best]))
				best = i;
		order[t] = best;
		picked[best] = 1;
	}
}

/*
 * By hand: scores .1 .9 .5 .3, keys .3 .9 .1 .5.  Epsilon 0: by score,
 * 1 2 3 0; epsilon 1: by key, 1 3 0 2 (the scores do not matter).
 */
static void
check_epsilon_by_hand(void)
{
	double		score[] = {.1, .9, .5, .3};
	double		key[] = {.3, .9, .1, .5};
	int			by_score[] = {1, 2, 3, 0},
				by_key[] = {1, 3, 0, 2},
				order[4];

	UNIT_CHECK(al_sel_epsilon_greedy(score, key, 4, 0, 5, 4, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, by_score, 4), "epsilon 0 = top-k by score");
	UNIT_CHECK(al_sel_epsilon_greedy(score, key, 4, 1, 5, 4, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, by_key, 4), "epsilon 1 = order by key");
}

/*
 * Against the naive rule on 300 random rows and 200 seeds at epsilon .3;
 * then keeping only the rows among the 20 best scores or the 20 largest
 * keys (in their order) gives the same 20 picks.
 */
static void
check_epsilon_naive_and_pruned(void)
{
	static double score[300],
				key[300],
				ps[300],
				pk[300];
	int			order[20],
				want[20],
				pruned[20],
				keep[300],
				by_score[300],
				by_key[300],
				tmp[300],
				same = 1,
				prune_same = 1,
				m2;
	al_rng		r;

	al_rng_seed(&r, 17);
	for (int i = 0; i < 300; i++)
		score[i] = floor(al_rng_uniform(&r) * 50) / 50;	/* ties */
	for (uint64_t seed = 1; seed <= 200; seed++)
	{
		keys_for(seed, 300, key);
		naive_epsilon(score, key, 300, .3, seed, 20, want);
		same &= al_sel_epsilon_greedy(score, key, 300, .3, seed, 20, order, work, NULL) == AL_SEL_OK &&
			memcmp(order, want, sizeof(want)) == 0;
		/* the rows of the 20 best scores and the 20 largest keys */
		for (int i = 0; i < 300; i++)
		{
			by_score[i] = by_key[i] = i;
			keep[i] = 0;
		}
		for (int a = 0; a < 20; a++)
			for (int b = a + 1; b < 300; b++)
			{
				if (score[by_score[b]] > score[by_score[a]] ||
					(score[by_score[b]] == score[by_score[a]] && by_score[b] < by_score[a]))
				{
					int			t = by_score[a];

					by_score[a] = by_score[b];
					by_score[b] = t;
				}
				if (key[by_key[b]] > key[by_key[a]])
				{
					int			t = by_key[a];

					by_key[a] = by_key[b];
					by_key[b] = t;
				}
			}
		for (int a = 0; a < 20; a++)
			keep[by_score[a]] = keep[by_key[a]] = 1;
		m2 = 0;
		for (int i = 0; i < 300; i++)
			if (keep[i])
			{
				tmp[m2] = i;
				ps[m2] = score[i];
				pk[m2++] = key[i];
			}
		al_sel_epsilon_greedy(ps, pk, m2, .3, seed, 20, pruned, work, NULL);
		for (int t = 0; t < 20; t++)
			prune_same &= tmp[pruned[t]] == order[t];
	}
	UNIT_CHECK(same, "epsilon-greedy = naive rule, 300 rows with ties, 200 seeds");
	UNIT_CHECK(prune_same, "epsilon-greedy on the 20 best scores and 20 largest keys only: the same picks");
}

/*
 * Sampling laws over seeds (keys of ids 1..4 per seed): at epsilon 1 the
 * first pick is uniform and so is the ordered pair of the first two
 * picks (12 pairs); at epsilon .5 the best row comes first with
 * probability (1 - e) + e / 4 = .625.
 */
static void
check_epsilon_laws(void)
{
	double		score[] = {.1, .9, .5, .3},
				key[4];
	int			best_first = 0,
				count[4] = {0},
				pairs[16] = {0},
				order[4],
				perm_ok = 1,
				n = 12000;
	double		chi2 = 0,
				chi_pairs = 0,
				f;

	for (int s = 0; s < n; s++)
	{
		int			seen[4] = {0};

		keys_for((uint64_t) s, 4, key);
		al_sel_epsilon_greedy(score, key, 4, 1, (uint64_t) s, 4, order, work, NULL);
		count[order[0]]++;
		pairs[order[0] * 4 + order[1]]++;
		for (int i = 0; i < 4; i++)
			seen[order[i]]++;
		perm_ok &= seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1;
		al_sel_epsilon_greedy(score, key, 4, .5, (uint64_t) s, 1, order, work, NULL);
		best_first += order[0] == 1;
	}
	UNIT_CHECK(perm_ok, "epsilon-greedy orders are permutations");
	for (int i = 0; i < 4; i++)
		chi2 += (count[i] - n / 4.0) * (count[i] - n / 4.0) / (n / 4.0);
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++)
			if (a != b)
				chi_pairs += (pairs[a * 4 + b] - n / 12.0) * (pairs[a * 4 + b] - n / 12.0) / (n / 12.0);
	printf("# epsilon 1: first pick chi-square %.2f, first two %.2f\n", chi2, chi_pairs);
	/* 3 degrees of freedom: P(chi2 > 16.27) = 0.001; 11: P(> 31.26) = 0.001 */
	UNIT_CHECK(chi2 < 16.27, "epsilon 1: first pick uniform");
	UNIT_CHECK(chi_pairs < 31.26, "epsilon 1: the second pick uniform among the rest");
	/* sd sqrt(.625 .375 / 12000) = .0044 */
	f = (double) best_first / n;
	UNIT_CLOSE(f, .625, 4 * .0044, "epsilon .5: best first with probability .625");
}

/* ---- Gumbel keys ---- */

/*
 * Four ids with scores 1, 2, .5, 0 at temperature t: the id of the largest
 * key over n seeds is distributed as softmax(score / t); the second largest
 * as sum_i P(i) P(j) / (1 - P(i)) (Plackett-Luce).
 */
static void
check_gumbel_frequencies(double t)
{
	double		score[] = {1, 2, .5, 0};
	double		prob[4],
				second[4] = {0},
				z = 0,
				chi1 = 0,
				chi2 = 0;
	int			c1[4] = {0},
				c2[4] = {0},
				n = 20000;
	char		name[80];

	for (int i = 0; i < 4; i++)
		z += (prob[i] = exp(score[i] / t));
	for (int i = 0; i < 4; i++)
		prob[i] /= z;
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			if (j != i)
				second[j] += prob[i] * prob[j] / (1 - prob[i]);
	for (int s = 0; s < n; s++)
	{
		double		key[4];
		int			a = 0,
					b = -1;

		for (int i = 0; i < 4; i++)
			al_sel_gumbel_key(score[i], t, (uint64_t) s, (uint64_t) (i + 1), &key[i]);
		for (int i = 1; i < 4; i++)
			if (key[i] > key[a])
				a = i;
		for (int i = 0; i < 4; i++)
			if (i != a && (b < 0 || key[i] > key[b]))
				b = i;
		c1[a]++;
		c2[b]++;
	}
	for (int i = 0; i < 4; i++)
	{
		chi1 += (c1[i] - n * prob[i]) * (c1[i] - n * prob[i]) / (n * prob[i]);
		chi2 += (c2[i] - n * second[i]) * (c2[i] - n * second[i]) / (n * second[i]);
	}
	printf("# gumbel t = %g: first chi-square %.2f, second %.2f\n", t, chi1, chi2);
	snprintf(name, sizeof(name), "gumbel t = %g: first pick ~ softmax(score / t)", t);
	UNIT_CHECK(chi1 < 16.27, name);
	snprintf(name, sizeof(name), "gumbel t = %g: second pick ~ Plackett-Luce", t);
	UNIT_CHECK(chi2 < 16.27, name);
}

/* score^power sampling: scores 1, 2, 3, 4 with power 1 -> 1/10 .. 4/10. */
static void
check_gumbel_power(void)
{
	double		score[] = {1, 2, 3, 4, 0};
	int			c[5] = {0},
				n = 20000;
	double		chi2 = 0,
				key;

	for (int s = 0; s < n; s++)
	{
		double		k[5];
		int			a = 0;

		for (int i = 0; i < 5; i++)
			al_sel_gumbel_power_key(score[i], 1, (uint64_t) s, (uint64_t) i, &k[i]);
		for (int i = 1; i < 5; i++)
			if (k[i] > k[a])
				a = i;
		c[a]++;
	}
	for (int i = 0; i < 4; i++)
		chi2 += (c[i] - n * score[i] / 10) * (c[i] - n * score[i] / 10) / (n * score[i] / 10);
	UNIT_CHECK(chi2 < 16.27 && c[4] == 0, "power key: first pick ~ score / sum, zero never first");
	UNIT_CHECK(al_sel_gumbel_power_key(0, 1, 1, 1, &key) == AL_SEL_OK && isinf(key) && key < 0,
			   "power key of a zero score is -infinity");
	UNIT_CHECK(al_sel_gumbel_power_key(0, 0, 1, 1, &key) == AL_SEL_OK && isfinite(key),
			   "power 0: score^0 = 1, a plain Gumbel key");
	UNIT_CHECK(al_sel_gumbel_power_key(-1, 1, 1, 1, &key) == AL_SEL_NEGATIVE_SCORE,
			   "power key: negative score refused");
	UNIT_CHECK(al_sel_gumbel_power_key(1, -1, 1, 1, &key) == AL_SEL_BAD_PARAM,
			   "power key: negative power refused");
	UNIT_CHECK(al_sel_gumbel_key(NAN, 1, 1, 1, &key) == AL_SEL_NONFINITE_SCORE,
			   "gumbel key: NaN score refused");
	UNIT_CHECK(al_sel_gumbel_key(1, 0, 1, 1, &key) == AL_SEL_BAD_PARAM &&
			   al_sel_gumbel_key(1, INFINITY, 1, 1, &key) == AL_SEL_BAD_PARAM &&
			   al_sel_gumbel_key(1e308, 1e-10, 1, 1, &key) == AL_SEL_BAD_PARAM,
			   "gumbel key: temperature 0, infinite, or overflowing score / t refused");
}

/* Keys depend on (seed, id) only; uniforms stay inside (0, 1). */
static void
check_key_determinism(void)
{
	double		a,
				b,
				lo = 1,
				hi = 0;

	al_sel_gumbel_key(.3, .7, 42, 1234, &a);
	al_sel_gumbel_key(.3, .7, 42, 1234, &b);
	UNIT_CHECK(a == b, "gumbel key is deterministic");
	al_sel_gumbel_key(.3, .7, 43, 1234, &b);
	UNIT_CHECK(a != b, "another seed, another key");
	for (uint64_t i = 0; i < 100000; i++)
	{
		double		u = al_sel_key_uniform(i % 7, i);

		lo = u < lo ? u : lo;
		hi = u > hi ? u : hi;
	}
	UNIT_CHECK(lo > 0 && hi < 1 && lo < 1e-3 && hi > 1 - 1e-3, "key uniforms fill (0, 1) strictly inside");
	UNIT_CHECK(al_sel_hash_bytes("abc", 3) == al_sel_hash_bytes("abc", 3) &&
			   al_sel_hash_bytes("abc", 3) != al_sel_hash_bytes("abd", 3),
			   "hash of bytes");
}

/* ---- density ---- */

/*
 * Cosine density against the O(n^2) mean of cosine similarities (zero
 * vectors have similarity 0 to everything), clamped at 0.
 */
static void
check_cosine_density(void)
{
	static float x[40 * 5];
	double		dir[5] = {0},
				direct,
				maxerr = 0;
	al_rng		r;

	al_rng_seed(&r, 5);
	random_rows(&r, x, 40, 5);
	for (int i = 0; i < 40 * 5; i++)
		x[i] += i % 5 == 0 ? 0.8f : 0.0f;	/* a common direction */
	for (int f = 0; f < 5; f++)
		x[7 * 5 + f] = 0;		/* a zero row */
	for (int i = 0; i < 40; i++)
		al_sel_direction_add(x + i * 5, 5, dir);
	for (int f = 0; f < 5; f++)
		dir[f] /= 40;
	for (int i = 0; i < 40; i++)
	{
		double		sum = 0,
					ni = 0;

		for (int f = 0; f < 5; f++)
			ni += (double) x[i * 5 + f] * x[i * 5 + f];
		ni = sqrt(ni);

		for (int j = 0; j < 40; j++)
		{
			double		nj = 0,
						dot = 0;

			for (int f = 0; f < 5; f++)
			{
				nj += (double) x[j * 5 + f] * x[j * 5 + f];
				dot += (double) x[i * 5 + f] * x[j * 5 + f];
			}
			if (ni > 0 && nj > 0)
				sum += dot / (ni * sqrt(nj));
		}
		direct = sum / 40 > 0 ? sum / 40 : 0;
		if (fabs(al_sel_cosine_density(x + i * 5, 5, dir) - direct) > maxerr)
			maxerr = fabs(al_sel_cosine_density(x + i * 5, 5, dir) - direct);
	}
	UNIT_CLOSE(maxerr, 0, 1e-6, "cosine density = O(n^2) mean cosine similarity");
	UNIT_CHECK(al_sel_cosine_density(x + 7 * 5, 5, dir) == 0, "cosine density of a zero row is 0");
}

/* Euclidean density against direct double distances. */
static void
check_euclidean_density(void)
{
	static float x[50 * 4],
				s[12 * 4];
	double		sn[12],
				out[50],
				maxerr = 0;
	al_rng		r;
	al_sel_where w;

	al_rng_seed(&r, 9);
	random_rows(&r, x, 50, 4);
	random_rows(&r, s, 12, 4);
	memcpy(s, x + 4 * 4, sizeof(float) * 4 * 4);	/* rows 4..7 are in the sample */
	al_sel_sqnorms(s, 12, 4, sn);
	UNIT_CHECK(al_sel_density_work(50, 12, 4) < sizeof(work) / sizeof(double), "density work fits");
	UNIT_CHECK(al_sel_euclidean_density(x, 50, 4, s, 12, sn, out, work, NULL) == AL_SEL_OK,
			   "euclidean density runs");
	for (int i = 0; i < 50; i++)
	{
		double		sum = 0;

		for (int j = 0; j < 12; j++)
		{
			double		dd = 0;

			for (int f = 0; f < 4; f++)
				dd += ((double) x[i * 4 + f] - s[j * 4 + f]) * ((double) x[i * 4 + f] - s[j * 4 + f]);
			sum += 1 / (1 + sqrt(dd));
		}
		maxerr = fmax(maxerr, fabs(out[i] - sum / 12));
	}
	UNIT_CLOSE(maxerr, 0, 1e-7, "euclidean density = direct mean of 1 / (1 + distance), rows in the sample too");
	/* (0,0) against the sample {(3,4), (0,0)}: (1/6 + 1) / 2 */
	UNIT_CHECK(al_sel_euclidean_density((float[2]) {0, 0}, 1, 2, (float[4]) {3, 4, 0, 0}, 2,
										(double[2]) {25, 0}, out, work, NULL) == AL_SEL_OK, "density by hand");
	UNIT_CLOSE(out[0], (1.0 / 6 + 1) / 2, 1e-7, "density of (0,0) against (3,4), (0,0): 7/12");
	x[3] = NAN;
	UNIT_CHECK(al_sel_euclidean_density(x, 50, 4, s, 12, sn, out, work, &w) == AL_SEL_NONFINITE_X &&
			   w.row == 0 && w.col == 3, "euclidean density: NaN feature located");
	UNIT_CHECK(al_sel_euclidean_density(x, 50, 4, s, 0, sn, out, work, NULL) == AL_SEL_BAD_SIZE,
			   "euclidean density: empty sample refused");
}

static void
check_information_density(void)
{
	double		v;

	UNIT_CHECK(al_sel_information_density(.8, .25, 2, &v) == AL_SEL_OK, "information density runs");
	UNIT_CLOSE(v, .8 * .0625, 1e-15, "information density .8 x .25^2");
	UNIT_CHECK(al_sel_information_density(.8, 0, 0, &v) == AL_SEL_OK && v == .8, "0^0 = 1");
	UNIT_CHECK(al_sel_information_density(-.1, .5, 1, &v) == AL_SEL_NEGATIVE_SCORE, "negative score refused");
	UNIT_CHECK(al_sel_information_density(NAN, .5, 1, &v) == AL_SEL_NONFINITE_SCORE, "NaN score refused");
	UNIT_CHECK(al_sel_information_density(.5, 1.5, 1, &v) == AL_SEL_BAD_PARAM &&
			   al_sel_information_density(.5, .5, -1, &v) == AL_SEL_BAD_PARAM &&
			   al_sel_information_density(.5, NAN, 1, &v) == AL_SEL_BAD_PARAM,
			   "density outside [0, 1] or negative beta refused");
}

/* ---- ties and sizes ---- */

/*
 * Ties by score go to the lowest position: scores .5, .5, .9, .5 order as
 * 2, 0, 1, 3 in every score order (epsilon 0, any cap of one class).
 */
static void
check_score_ties(void)
{
	double		score[] = {.5, .5, .9, .5};
	int			cls[] = {0, 0, 0, 0};
	int			want[] = {2, 0, 1, 3};
	int			order[4];

	UNIT_CHECK(al_sel_order_desc(score, 4, 4, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 4), "order_desc: ties to the lowest position");
	UNIT_CHECK(al_sel_epsilon_greedy(score, score, 4, 0, 9, 4, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 4), "epsilon 0: ties to the lowest position");
	UNIT_CHECK(al_sel_balanced(score, cls, 4, 1, .25, 4, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 4), "balanced, one class: ties to the lowest position");
}

/*
 * Zero picks and empty pools succeed without touching order; more picks
 * than candidates is AL_SEL_BAD_K in every kernel.
 */
static void
check_sizes(void)
{
	float		x[] = {1, 0, 4, 0};
	float		pr[] = {.5f, .5f, .2f, .8f};
	double		score[] = {.1, .2};
	int			cls[] = {0, 1};
	int			order[3] = {-7, -7, -7};
	al_sel_pool p = pool_of(x, 2, 2, NULL, 0);
	al_sel_pool empty = pool_of(NULL, 0, 2, NULL, 0);
	int			zero_ok,
				empty_ok,
				too_many;

	p.score = score;
	p.p = pr;
	p.c = 2;
	empty.c = 2;
	zero_ok = al_sel_kcenter(&p, 0, NULL, work, NULL) == AL_SEL_OK &&
		al_sel_ranked_batch(&p, 0, NULL, work, NULL) == AL_SEL_OK &&
		al_sel_badge(&p, 1, 0, NULL, work, NULL) == AL_SEL_OK &&
		al_sel_order_desc(score, 2, 0, NULL, work, NULL) == AL_SEL_OK &&
		al_sel_balanced(score, cls, 2, 2, .5, 0, NULL, work, NULL) == AL_SEL_OK &&
		al_sel_epsilon_greedy(score, score, 2, .5, 1, 0, NULL, work, NULL) == AL_SEL_OK;
	UNIT_CHECK(zero_ok, "zero picks: every kernel succeeds (order may be NULL)");
	empty_ok = al_sel_kcenter(&empty, 0, order, work, NULL) == AL_SEL_OK &&
		al_sel_ranked_batch(&empty, 0, order, work, NULL) == AL_SEL_OK &&
		al_sel_badge(&empty, 1, 0, order, work, NULL) == AL_SEL_OK &&
		al_sel_order_desc(NULL, 0, 0, order, work, NULL) == AL_SEL_OK &&
		al_sel_balanced(NULL, NULL, 0, 2, .5, 0, order, work, NULL) == AL_SEL_OK &&
		al_sel_epsilon_greedy(NULL, NULL, 0, .5, 1, 0, order, work, NULL) == AL_SEL_OK;
	UNIT_CHECK(empty_ok && order[0] == -7, "empty pool: every kernel succeeds and writes nothing");
	too_many = al_sel_kcenter(&p, 3, order, work, NULL) == AL_SEL_BAD_K &&
		al_sel_ranked_batch(&p, 3, order, work, NULL) == AL_SEL_BAD_K &&
		al_sel_badge(&p, 1, 3, order, work, NULL) == AL_SEL_BAD_K &&
		al_sel_order_desc(score, 2, 3, order, work, NULL) == AL_SEL_BAD_K &&
		al_sel_balanced(score, cls, 2, 2, .5, 3, order, work, NULL) == AL_SEL_BAD_K &&
		al_sel_epsilon_greedy(score, score, 2, .5, 1, 3, order, work, NULL) == AL_SEL_BAD_K;
	UNIT_CHECK(too_many && order[0] == -7, "more picks than candidates: AL_SEL_BAD_K everywhere");
	UNIT_CHECK(al_sel_order_desc(NULL, 2, 1, order, work, NULL) == AL_SEL_NULL_ARG &&
			   al_sel_balanced(score, NULL, 2, 2, .5, 1, order, work, NULL) == AL_SEL_NULL_ARG &&
			   al_sel_epsilon_greedy(score, score, 2, .5, 1, 1, order, NULL, NULL) == AL_SEL_NULL_ARG &&
			   al_sel_epsilon_greedy(score, NULL, 2, .5, 1, 1, order, work, NULL) == AL_SEL_NULL_ARG,
			   "score orders: NULL scores, classes, keys or work refused");
	{
		double		bad_key[] = {.5, NAN};
		al_sel_where w;

		UNIT_CHECK(al_sel_epsilon_greedy(score, bad_key, 2, .5, 1, 1, order, work, &w) == AL_SEL_BAD_PARAM &&
				   w.row == 1, "epsilon-greedy: a NaN key located");
	}
	p.p = NULL;
	UNIT_CHECK(al_sel_badge(&p, 1, 1, order, work, NULL) == AL_SEL_NULL_ARG,
			   "BADGE: NULL probabilities refused");
	p.p = pr;
	p.score = NULL;
	UNIT_CHECK(al_sel_ranked_batch(&p, 1, order, work, NULL) == AL_SEL_NULL_ARG,
			   "ranked batch: NULL scores refused");
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
	check_balanced_by_hand();
	check_balanced_caps();
	check_epsilon_by_hand();
	check_epsilon_naive_and_pruned();
	check_epsilon_laws();
	check_gumbel_frequencies(1);
	check_gumbel_frequencies(.5);
	check_gumbel_power();
	check_key_determinism();
	check_cosine_density();
	check_euclidean_density();
	check_information_density();
	check_score_ties();
	check_sizes();
	return unit_done();
}
