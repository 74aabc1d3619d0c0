/*
 * test_select.c - unit tests of the selection kernels (select.h): small 2-D
 * pools whose picks are derived by hand in the comments, each kernel
 * against a naive implementation written independently here (double
 * precision, materialized embeddings, O(n^2) densities), sampling
 * frequencies against their exact probabilities on many fixed seeds (a
 * chi-square bound), and every error status.
 */
#include "al_blas.h"
#include "al_rng.h"
#include "select.h"
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>

#define MAXM 512

static double work[1 << 22];

/* A pool of m candidates (and l labeled rows) of d features. */
static al_sel_pool
pool_of(const float *x, int m, int d, const float *xl, int l)
{
	al_sel_pool p = {0};

	p.x = x;
	p.m = m;
	p.d = d;
	p.xl = xl;
	p.l = l;
	return p;
}

/* order[0..n-1] equals want[0..n-1]. */
static int
same_order(const int *order, const int *want, int n)
{
	for (int i = 0; i < n; i++)
		if (order[i] != want[i])
		{
			printf("#   position %d: got %d, want %d\n", i, order[i], want[i]);
			return 0;
		}
	return 1;
}

/* ---- k-center ---- */

/*
 * Labeled L = {(0,0)}; candidates A(1,0) B(4,0) C(4,3) D(0,5) E(3,3) at
 * positions 0..4.  Squared distances to L: A 1, B 16, C 25, D 25, E 18.
 * Pick 1: C and D tie at 25, C has the lower position -> C.
 * With C(4,3): A min(1, 18) = 1, B min(16, 9) = 9, D min(25, 20) = 20,
 * E min(18, 1) = 1.  Pick 2: D (20).  With D(0,5): A 1, B min(9, 41) = 9,
 * E min(1, 13) = 1.  Pick 3: B (9).  With B(4,0): A min(1, 9) = 1,
 * E min(1, 10) = 1.  Pick 4: A and E tie at 1 -> A, pick 5: E.
 * Order C, D, B, A, E (without the updates E (18) would come before B).
 * Swapping C and D's positions makes D win the tie: D(0,5) first, then
 * C min(25, 20) = 20, B min(16, 41) = 16, E min(18, 13) = 13, A 1 -> C;
 * then B min(16, 9) = 9, E min(13, 1) = 1 -> B, then A, E: positions
 * 2, 3, 1, 0, 4 again (D is at 2 now).
 */
static void
check_kcenter_by_hand(void)
{
	float		xl[] = {0, 0};
	float		x[] = {1, 0, 4, 0, 4, 3, 0, 5, 3, 3};
	float		xs[] = {1, 0, 4, 0, 0, 5, 4, 3, 3, 3};	/* C and D swapped */
	int			want[] = {2, 3, 1, 0, 4};
	int			order[5];
	al_sel_pool p = pool_of(x, 5, 2, xl, 1);

	UNIT_CHECK(al_sel_kcenter_work(&p) < sizeof(work) / sizeof(double), "k-center work fits");
	UNIT_CHECK(al_sel_kcenter(&p, 5, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 5), "k-center by hand: C, D, B, A, E");
	UNIT_CHECK(al_sel_kcenter(&p, 2, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 2), "k-center: 2 picks are the prefix of 5");
	p.x = xs;
	UNIT_CHECK(al_sel_kcenter(&p, 5, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 5), "k-center tie goes to the lower position (D first)");
}

/*
 * No labeled row: the same five candidates.  Centroid (12/5, 11/5) =
 * (2.4, 2.2); squared distances A 6.8, B 7.4, C 3.2, D 13.6, E 1.0: first
 * pick E.  With E(3,3): A 13, B 10, C 1, D 13: A and D tie -> A.  With
 * A(1,0): B min(10, 9) = 9, C min(1, 18) = 1, D min(13, 26) = 13 -> D.
 * With D(0,5): B min(9, 41) = 9, C 1 -> B, then C.  Order E, A, D, B, C.
 */
static void
check_kcenter_cold(void)
{
	float		x[] = {1, 0, 4, 0, 4, 3, 0, 5, 3, 3};
	int			want[] = {4, 0, 3, 1, 2};
	int			order[5];
	al_sel_pool p = pool_of(x, 5, 2, NULL, 0);

	UNIT_CHECK(al_sel_kcenter(&p, 5, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 5), "k-center cold start by hand: E, A, D, B, C");
}

static void naive_ranked(const float *x, int m, int d, const float *xl, int l,
						 const double *score, int npick, int *order);

/* Naive squared distance of candidate i to its nearest labeled row. */
static void
naive_start(const float *x, int m, int d, const float *xl, int l, double *mind)
{
	for (int i = 0; i < m; i++)
	{
		mind[i] = INFINITY;
		for (int j = 0; j < l; j++)
		{
			double		s = 0;

			for (int f = 0; f < d; f++)
				s += ((double) x[i * d + f] - xl[j * d + f]) * ((double) x[i * d + f] - xl[j * d + f]);
			mind[i] = s < mind[i] ? s : mind[i];
		}
	}
}

/* Naive pick: close row best and fold its distances into mind. */
static void
naive_pick(const float *x, int m, int d, int best, double *mind)
{
	mind[best] = -1;
	for (int i = 0; i < m; i++)
	{
		double		s = 0;

		if (mind[i] < 0)
			continue;
		for (int f = 0; f < d; f++)
			s += ((double) x[i * d + f] - x[best * d + f]) * ((double) x[i * d + f] - x[best * d + f]);
		mind[i] = s < mind[i] ? s : mind[i];
	}
}

/* Naive greedy k-center in double, distances computed directly. */
static void
naive_kcenter(const float *x, int m, int d, const float *xl, int l, int npick, int *order)
{
	double		mind[MAXM];

	naive_start(x, m, d, xl, l, mind);
	for (int t = 0; t < npick; t++)
	{
		int			best = -1;

		for (int i = 0; i < m; i++)
			if (mind[i] >= 0 && (best < 0 || mind[i] > mind[best]))
				best = i;
		order[t] = best;
		naive_pick(x, m, d, best, mind);
	}
}

/* Random pool: uniform features in [-1, 1). */
static void
random_rows(al_rng *r, float *x, int n, int d)
{
	for (int i = 0; i < n * d; i++)
		x[i] = (float) (2 * al_rng_uniform(r) - 1);
}

static void
check_kcenter_naive(void)
{
	static float x[300 * 8],
				xl[40 * 8];
	int			order[300],
				want[300];
	al_rng		r;
	al_sel_pool p;

	al_rng_seed(&r, 7);
	random_rows(&r, x, 300, 8);
	random_rows(&r, xl, 40, 8);
	p = pool_of(x, 300, 8, xl, 40);
	naive_kcenter(x, 300, 8, xl, 40, 60, want);
	UNIT_CHECK(al_sel_kcenter(&p, 60, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 60), "k-center (BLAS) = naive k-center, 300 x 8, 40 labeled, 60 picks");
}

/*
 * Rows far from the origin (1000 + [0, 1) in 4-D): the norm expansion in
 * float loses every digit of these distances (|x|^2 ~ 4e6, float keeps 7
 * digits), so the kernels must recompute them (SEL_REFINE) to agree with
 * the naive double computation.
 */
static void
check_far_from_origin(void)
{
	static float x[120 * 4],
				xl[5 * 4];
	double		score[120];
	int			order[30],
				want[30];
	al_rng		r;
	al_sel_pool p;

	al_rng_seed(&r, 21);
	random_rows(&r, x, 120, 4);
	random_rows(&r, xl, 5, 4);
	for (int i = 0; i < 120 * 4; i++)
		x[i] += 1000;
	for (int i = 0; i < 5 * 4; i++)
		xl[i] += 1000;
	for (int i = 0; i < 120; i++)
		score[i] = al_rng_uniform(&r);
	p = pool_of(x, 120, 4, xl, 5);
	p.score = score;
	naive_kcenter(x, 120, 4, xl, 5, 30, want);
	UNIT_CHECK(al_sel_kcenter(&p, 30, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 30), "k-center far from the origin = naive");
	naive_ranked(x, 120, 4, xl, 5, score, 30, want);
	UNIT_CHECK(al_sel_ranked_batch(&p, 30, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 30), "ranked batch far from the origin = naive");
}

/* ---- ranked batch ---- */

/*
 * L = {(0,0)}; P0 (2,0) score .5, P1 (0,4) .35, P2 (1,0) .9, P3 (6,8) .1.
 * Distances to L 2, 4, 1, 10: similarities 1/3, 1/5, 1/2, 1/11.
 * t = 0, alpha = 4 / (4 + 1) = .8: value = .8 (1 - s) + .2 score:
 *   P0 .8(2/3) + .1 = .6333, P1 .8(.8) + .07 = .71, P2 .8(.5) + .18 = .58,
 *   P3 .8(10/11) + .02 = .7473 -> P3.
 *   P3 is farther than 2, 4, 1 from every other point (sqrt 80, sqrt 52,
 *   sqrt 89): no distance changes.
 * t = 1, alpha = 3/5 = .6: P0 .6(2/3) + .4(.5) = .6, P1 .6(.8) + .4(.35)
 *   = .62, P2 .6(.5) + .4(.9) = .66 -> P2.
 *   With P2 (1,0): P0 at distance 1 (s = 1/2); P1 at sqrt 17 > 4.
 * t = 2, alpha = 2/5 = .4: P0 .4(.5) + .6(.5) = .5, P1 .4(.8) + .6(.35) =
 *   .53 -> P1 (without the update P0 would have .4(2/3) + .3 = .567 and win).
 * Order P3, P2, P1, P0 (plain top-k by score: P2, P0, P1, P3).
 * With |U| = 1000 the score hardly counts (alpha >= 997/1001): farthest
 * first, P3 (10), then P1 (4, P0 2, P2 1), then P0 (2) and P2 (1).
 */
static void
check_ranked_by_hand(void)
{
	float		xl[] = {0, 0};
	float		x[] = {2, 0, 0, 4, 1, 0, 6, 8};
	double		score[] = {.5, .35, .9, .1};
	int			want[] = {3, 2, 1, 0};
	int			want_big_u[] = {3, 1, 0, 2};
	int			order[4];
	al_sel_pool p = pool_of(x, 4, 2, xl, 1);

	p.score = score;
	UNIT_CHECK(al_sel_ranked_batch(&p, 4, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 4), "ranked batch by hand: P3, P2, P1, P0");
	UNIT_CHECK(al_sel_ranked_batch(&p, 3, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 3), "ranked batch: 3 picks are the prefix of 4");
	p.n_unlabeled = 1000;
	UNIT_CHECK(al_sel_ranked_batch(&p, 4, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want_big_u, 4), "ranked batch with |U| = 1000: farthest first");
	p.n_unlabeled = 3;
	UNIT_CHECK(al_sel_ranked_batch(&p, 4, order, work, NULL) == AL_SEL_BAD_PARAM,
			   "ranked batch: n_unlabeled below m is refused");
}

/*
 * No labeled row: P0..P3 as above.  Centroid (9/4, 12/4) = (2.25, 3);
 * squared distances P0 9.0625, P1 6.0625, P2 10.5625, P3 39.0625 -> P1.
 * t = 1, alpha = (4 - 1) / (4 + 0) = .75; distances to P1(0,4): P0 sqrt 20
 *   = 4.4721, P2 sqrt 17 = 4.1231, P3 sqrt 52 = 7.2111:
 *   P0 .75(1 - 1/5.4721) + .25(.5) = .7380, P2 .75(1 - 1/5.1231) + .225 =
 *   .8286, P3 .75(1 - 1/8.2111) + .025 = .6837 -> P2.
 *   With P2(1,0): P0 at 1 (s = .5); P3 at sqrt 89 > sqrt 52.
 * t = 2, alpha = .5: P0 .5(.5) + .5(.5) = .5, P3 .5(.8782) + .05 = .4891
 *   -> P0, then P3.  Order P1, P2, P0, P3.
 */
static void
check_ranked_cold(void)
{
	float		x[] = {2, 0, 0, 4, 1, 0, 6, 8};
	double		score[] = {.5, .35, .9, .1};
	int			want[] = {1, 2, 0, 3};
	int			order[4];
	al_sel_pool p = pool_of(x, 4, 2, NULL, 0);

	p.score = score;
	UNIT_CHECK(al_sel_ranked_batch(&p, 4, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 4), "ranked batch cold start by hand: P1, P2, P0, P3");
}

/* Naive ranked batch in double (modAL's loop without its cold-start quirk). */
static void
naive_ranked(const float *x, int m, int d, const float *xl, int l, const double *score,
			 int npick, int *order)
{
	double		mind[MAXM];

	naive_start(x, m, d, xl, l, mind);
	for (int t = 0; t < npick; t++)
	{
		double		alpha = (double) (m - t) / (m + l),
					bestv = -INFINITY;
		int			best = -1;

		for (int i = 0; i < m; i++)
		{
			double		v;

			if (mind[i] < 0)
				continue;
			v = alpha * (1 - 1 / (1 + sqrt(mind[i]))) + (1 - alpha) * score[i];
			if (best < 0 || v > bestv)
			{
				best = i;
				bestv = v;
			}
		}
		order[t] = best;
		naive_pick(x, m, d, best, mind);
	}
}

static void
check_ranked_naive(void)
{
	static float x[200 * 6],
				xl[30 * 6];
	double		score[200];
	int			order[200],
				want[200];
	al_rng		r;
	al_sel_pool p;

	al_rng_seed(&r, 11);
	random_rows(&r, x, 200, 6);
	random_rows(&r, xl, 30, 6);
	for (int i = 0; i < 200; i++)
		score[i] = al_rng_uniform(&r);
	p = pool_of(x, 200, 6, xl, 30);
	p.score = score;
	naive_ranked(x, 200, 6, xl, 30, score, 50, want);
	UNIT_CHECK(al_sel_ranked_batch(&p, 50, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 50), "ranked batch (BLAS) = naive ranked batch, 200 x 6, 30 labeled");
}

/* ---- BADGE ---- */

/* The gradient embedding (p - e_argmax) (x) (x, 1), materialized. */
static void
embedding(const float *x, int d, const float *p, int c, double *g)
{
	int			y = 0;

	for (int k = 1; k < c; k++)
		if (p[k] > p[y])
			y = k;
	for (int k = 0; k < c; k++)
		for (int f = 0; f <= d; f++)
			g[k * (d + 1) + f] = ((double) p[k] - (k == y)) * (f < d ? (double) x[f] : 1.0);
}

static double
sqdist(const double *a, const double *b, int n)
{
	double		s = 0;

	for (int i = 0; i < n; i++)
		s += (a[i] - b[i]) * (a[i] - b[i]);
	return s;
}

/*
 * Q0 x (1,0) p (.9,.1): a = (-.1, .1), |a|^2 = .02, b = (1,0,1), |b|^2 = 2,
 *   |g|^2 = .04;
 * Q1 x (0,2) p (.6,.4): a = (-.4, .4), .32; b = (0,2,1), 5; |g|^2 = 1.6;
 * Q2 x (2,2) p (.3,.7): y = 1, a = (.3, -.3), .18; b = (2,2,1), 9; 1.62;
 * Q3 x (0,0) p (.5,.5): y = 0 (tie to the lower class), a = (-.5, .5), .5;
 *   b = (0,0,1), 1; .5.
 * First pick: Q2, the largest |g|^2 (1.62 > 1.6).
 * Distances to Q2 = |g_i|^2 + 1.62 - 2 (a_i.a_2)(b_i.b_2):
 *   Q0: a.a = -.06, b.b = 3: .04 + 1.62 + .36 = 2.02 (materialized:
 *       g0 - g2 = (-.7, -.6, -.4, .7, .6, .4), squares sum to 2.02);
 *   Q1: a.a = -.24, b.b = 5: 1.6 + 1.62 + 2.4 = 5.62;
 *   Q3: a.a = -.3, b.b = 1: .5 + 1.62 + .6 = 2.72.
 * So the second pick is Q0, Q1, Q3 with probabilities 2.02, 5.62, 2.72
 * over 10.36.
 */
static const float badge_x[] = {1, 0, 0, 2, 2, 2, 0, 0};
static const float badge_p[] = {.9f, .1f, .6f, .4f, .3f, .7f, .5f, .5f};

static void
check_badge_by_hand(void)
{
	al_sel_pool p = pool_of(badge_x, 4, 2, NULL, 0);
	double		d2[4];
	double		want[] = {2.02, 5.62, 0, 2.72};
	double		prob[] = {2.02 / 10.36, 5.62 / 10.36, 0, 2.72 / 10.36};
	int			count[4] = {0, 0, 0, 0};
	int			order[4],
				first_ok = 1;
	int			n = 6000;
	double		chi2 = 0;

	p.p = badge_p;
	p.c = 2;
	UNIT_CHECK(al_sel_badge_distances(&p, 2, d2, work) == AL_SEL_OK, "BADGE distances to Q2");
	for (int i = 0; i < 4; i++)
		UNIT_CLOSE(d2[i], want[i], 1e-5, "BADGE distance to Q2 by hand");
	for (int s = 1; s <= n; s++)
	{
		if (al_sel_badge(&p, (uint64_t) s, 2, order, work, NULL) != AL_SEL_OK)
			first_ok = 0;
		first_ok &= order[0] == 2;
		count[order[1]]++;
	}
	UNIT_CHECK(first_ok, "BADGE first pick is Q2 (largest gradient norm) for every seed");
	UNIT_CHECK(count[2] == 0, "BADGE never picks the first center again");
	for (int i = 0; i < 4; i++)
		if (prob[i] > 0)
			chi2 += (count[i] - n * prob[i]) * (count[i] - n * prob[i]) / (n * prob[i]);
	printf("# BADGE second pick over %d seeds: %d %d %d, chi-square %.2f\n",
		   n, count[0], count[1], count[3], chi2);
	/* 2 degrees of freedom: P(chi2 > 13.82) = 0.001 */
	UNIT_CHECK(chi2 < 13.82, "BADGE second pick frequencies match D^2 / sum D^2");
}

/*
 * R0 = R1 = R2: x (1,1), p (.5,.5): a = (-.5,.5), |a|^2 = .5, b = (1,1,1),
 * 3: |g|^2 = 1.5.  R3: x (3,0), p (.8,.2): a = (-.2,.2), .08; b (3,0,1), 10:
 * .8.  First pick R0 (largest, ties to the lowest position).  R1 and R2
 * are at distance 0 from it, so the second pick is R3 for every seed; then
 * every distance is 0 and the third pick is R1 or R2 uniformly.
 */
static void
check_badge_duplicates(void)
{
	float		x[] = {1, 1, 1, 1, 1, 1, 3, 0};
	float		pr[] = {.5f, .5f, .5f, .5f, .5f, .5f, .8f, .2f};
	al_sel_pool p = pool_of(x, 4, 2, NULL, 0);
	int			order[4],
				fixed = 1,
				third[4] = {0, 0, 0, 0};

	p.p = pr;
	p.c = 2;
	for (int s = 0; s < 200; s++)
	{
		fixed &= al_sel_badge(&p, (uint64_t) s, 4, order, work, NULL) == AL_SEL_OK &&
			order[0] == 0 && order[1] == 3;
		third[order[2]]++;
	}
	UNIT_CHECK(fixed, "BADGE duplicates: R0 then R3 for every seed");
	UNIT_CHECK(third[1] > 60 && third[2] > 60 && third[1] + third[2] == 200,
			   "BADGE all-zero distances: uniform among the rest");
}

/*
 * The kernel against a naive k-means++ over materialized embeddings that
 * draws with the same generator and the same cumulative scan.
 */
static void
naive_badge(const float *x, int m, int d, const float *pr, int c, uint64_t seed,
			int npick, int *order)
{
	static double g[MAXM * 64];
	static const double zero[64];
	double		d2[MAXM];
	int			e = c * (d + 1),
				best = 0;
	al_rng		r;

	al_rng_seed(&r, seed);
	for (int i = 0; i < m; i++)
		embedding(x + i * d, d, pr + i * c, c, g + i * e);
	for (int i = 0; i < m; i++)
	{
		d2[i] = INFINITY;
		if (sqdist(g + i * e, zero, e) > sqdist(g + best * e, zero, e))
			best = i;
	}
	for (int t = 0; t < npick; t++)
	{
		if (t > 0)
		{
			double		total = 0,
						u,
						cum = 0;

			for (int i = 0; i < m; i++)
				total += d2[i] > 0 ? d2[i] : 0;
			u = al_rng_uniform(&r) * total;
			for (int i = 0; i < m; i++)
				if (d2[i] > 0 && (cum += d2[i]) > u)
				{
					best = i;
					break;
				}
		}
		order[t] = best;
		d2[best] = -1;
		for (int i = 0; i < m; i++)
		{
			double		v = sqdist(g + i * e, g + best * e, e);

			if (d2[i] >= 0 && v < d2[i])
				d2[i] = v;
		}
	}
}

static void
check_badge_naive(void)
{
	static float x[150 * 5],
				pr[150 * 4];
	int			order[40],
				want[40],
				dist_ok = 1;
	double		d2[150];
	static double g[150 * 24];
	al_rng		r;
	al_sel_pool p;

	al_rng_seed(&r, 3);
	random_rows(&r, x, 150, 5);
	for (int i = 0; i < 150; i++)
	{
		double		s = 0,
					w[4];

		for (int k = 0; k < 4; k++)
			s += (w[k] = al_rng_uniform(&r) + 0.01);
		for (int k = 0; k < 4; k++)
			pr[i * 4 + k] = (float) (w[k] / s);
	}
	p = pool_of(x, 150, 5, NULL, 0);
	p.p = pr;
	p.c = 4;
	for (int i = 0; i < 150; i++)
		embedding(x + i * 5, 5, pr + i * 4, 4, g + i * 24);
	al_sel_badge_distances(&p, 17, d2, work);
	for (int i = 0; i < 150; i++)
		dist_ok &= fabs(d2[i] - sqdist(g + i * 24, g + 17 * 24, 24)) <= 1e-5 * (1 + d2[i]);
	UNIT_CHECK(dist_ok, "BADGE distances without embeddings = materialized distances (150 x 5, 4 classes)");
	naive_badge(x, 150, 5, pr, 4, 99, 40, want);
	UNIT_CHECK(al_sel_badge(&p, 99, 40, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 40), "BADGE = naive k-means++ over materialized embeddings, seed 99");
}

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

static void
check_epsilon(void)
{
	double		score[] = {.1, .9, .5, .3};
	int			best_first = 0,
				count[4] = {0},
				order[4],
				want[] = {1, 2, 3, 0},
				perm_ok = 1,
				n = 8000;
	double		chi2 = 0,
				f;

	UNIT_CHECK(al_sel_epsilon_greedy(score, 4, 0, 5, 4, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 4), "epsilon 0 = top-k");
	for (int s = 0; s < n; s++)
	{
		int			seen[4] = {0};

		al_sel_epsilon_greedy(score, 4, 1, (uint64_t) s, 4, order, work, NULL);
		count[order[0]]++;
		for (int i = 0; i < 4; i++)
			seen[order[i]]++;
		perm_ok &= seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1;
		al_sel_epsilon_greedy(score, 4, .5, (uint64_t) s, 1, order, work, NULL);
		best_first += order[0] == 1;
	}
	UNIT_CHECK(perm_ok, "epsilon-greedy orders are permutations");
	for (int i = 0; i < 4; i++)
		chi2 += (count[i] - n / 4.0) * (count[i] - n / 4.0) / (n / 4.0);
	/* 3 degrees of freedom: P(chi2 > 16.27) = 0.001 */
	UNIT_CHECK(chi2 < 16.27, "epsilon 1: first pick uniform");
	/* P(first = best) = (1 - e) + e / 4 = .625; sd sqrt(.625 .375 / 8000) = .0054 */
	f = (double) best_first / n;
	UNIT_CLOSE(f, .625, 4 * .0054, "epsilon .5: best first with probability .625");
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

/* ---- errors ---- */

static int
stop_now(void *arg)
{
	return ++*(int *) arg >= 2;
}

static void
check_errors(void)
{
	float		x[] = {1, 0, 4, 0, 4, 3};
	float		xl[] = {0, 0};
	double		score[] = {.1, .2, .3};
	float		pr[] = {.5f, .5f, .2f, .8f, 1, 0};
	int			order[3],
				cls[] = {0, 1, 2},
				ticks = 0;
	al_sel_pool p = pool_of(x, 3, 2, xl, 1);
	al_sel_where w;

	p.score = score;
	p.p = pr;
	p.c = 2;
	UNIT_CHECK(al_sel_kcenter(&p, 4, order, work, NULL) == AL_SEL_BAD_K &&
			   al_sel_kcenter(&p, -1, order, work, NULL) == AL_SEL_BAD_K, "npick outside 0..m");
	UNIT_CHECK(al_sel_kcenter(NULL, 1, order, work, NULL) == AL_SEL_NULL_ARG &&
			   al_sel_kcenter(&p, 1, NULL, work, NULL) == AL_SEL_NULL_ARG &&
			   al_sel_kcenter(&p, 1, order, NULL, NULL) == AL_SEL_NULL_ARG, "null pointers");
	UNIT_CHECK(al_sel_kcenter(&p, 0, order, work, NULL) == AL_SEL_OK, "zero picks");
	x[3] = NAN;
	UNIT_CHECK(al_sel_kcenter(&p, 1, order, work, &w) == AL_SEL_NONFINITE_X &&
			   w.row == 1 && w.col == 1 && !w.labeled, "NaN feature located");
	x[3] = 0;
	xl[0] = INFINITY;
	UNIT_CHECK(al_sel_ranked_batch(&p, 1, order, work, &w) == AL_SEL_NONFINITE_X &&
			   w.row == 0 && w.col == 0 && w.labeled, "infinite labeled feature located");
	xl[0] = 0;
	x[4] = 2e15f;
	UNIT_CHECK(al_sel_kcenter(&p, 1, order, work, &w) == AL_SEL_X_TOO_LARGE && w.row == 2,
			   "row norm above 1e15 refused");
	x[4] = 4;
	score[1] = NAN;
	UNIT_CHECK(al_sel_ranked_batch(&p, 1, order, work, &w) == AL_SEL_NONFINITE_SCORE && w.row == 1,
			   "NaN score located (ranked)");
	UNIT_CHECK(al_sel_order_desc(score, 3, 1, order, work, &w) == AL_SEL_NONFINITE_SCORE &&
			   al_sel_balanced(score, cls, 3, 3, .5, 1, order, work, NULL) == AL_SEL_NONFINITE_SCORE &&
			   al_sel_epsilon_greedy(score, 3, .1, 1, 1, order, work, NULL) == AL_SEL_NONFINITE_SCORE,
			   "NaN score refused by the score orders");
	score[1] = .2;
	pr[3] = NAN;
	UNIT_CHECK(al_sel_badge(&p, 1, 1, order, work, &w) == AL_SEL_BAD_PROB && w.row == 1 && w.col == 1,
			   "NaN probability located");
	pr[3] = .8f;
	p.c = 0;
	UNIT_CHECK(al_sel_badge(&p, 1, 1, order, work, NULL) == AL_SEL_BAD_SIZE, "zero classes");
	p.c = 2;
	p.d = 0;
	UNIT_CHECK(al_sel_kcenter(&p, 1, order, work, NULL) == AL_SEL_BAD_SIZE, "zero features");
	p.d = 2;
	cls[2] = 3;
	UNIT_CHECK(al_sel_balanced(score, cls, 3, 3, .5, 1, order, work, &w) == AL_SEL_BAD_CLASS && w.row == 2,
			   "class out of range located");
	cls[2] = 2;
	UNIT_CHECK(al_sel_balanced(score, cls, 3, 3, 0, 1, order, work, NULL) == AL_SEL_BAD_PARAM &&
			   al_sel_balanced(score, cls, 3, 3, 1.01, 1, order, work, NULL) == AL_SEL_BAD_PARAM &&
			   al_sel_balanced(score, cls, 3, 3, NAN, 1, order, work, NULL) == AL_SEL_BAD_PARAM,
			   "class cap outside (0, 1] refused");
	UNIT_CHECK(al_sel_epsilon_greedy(score, 3, 1.5, 1, 1, order, work, NULL) == AL_SEL_BAD_PARAM &&
			   al_sel_epsilon_greedy(score, 3, -0.1, 1, 1, order, work, NULL) == AL_SEL_BAD_PARAM,
			   "epsilon outside [0, 1] refused");
	p.tick = stop_now;
	p.tick_arg = &ticks;
	UNIT_CHECK(al_sel_kcenter(&p, 3, order, work, NULL) == AL_SEL_CANCELLED, "tick cancels k-center");
	ticks = 0;
	UNIT_CHECK(al_sel_badge(&p, 1, 3, order, work, NULL) == AL_SEL_CANCELLED, "tick cancels BADGE");
	for (int s = AL_SEL_OK; s <= AL_SEL_CANCELLED; s++)
		UNIT_CHECK(al_sel_status_message((al_sel_status) s)[0] != '\0' &&
				   strcmp(al_sel_status_message((al_sel_status) s), "unknown selection status") != 0,
				   "every status has a message");
}

/* ---- edge cases ---- */

/*
 * Duplicates are at distance exactly 0.  Labeled L = (0, 0); P0 = L,
 * P1 = (1003.1, 1004.3), P2 = P1.  Pick 1: P1 (the only row away from L).
 * Then P0 and P2 are both at distance 0 and P0 (lower position) comes
 * first: order P1, P0, P2.  Through the norm expansion alone, P2's
 * distance to P1 would be 2 |P1|^2 (exact in double) - 2 float(P1 . P1):
 * a residue of about 0.053 that would put P2 before P0.
 */
static void
check_kcenter_duplicates(void)
{
	float		xl[] = {0, 0};
	float		x[] = {0, 0, 1003.1f, 1004.3f, 1003.1f, 1004.3f};
	float		same[] = {2, 7, 2, 7, 2, 7};
	int			want[] = {1, 0, 2};
	int			in_order[] = {0, 1, 2};
	int			order[3];
	double		score[] = {.2, .2, .2};
	al_sel_pool p = pool_of(x, 3, 2, xl, 1);

	UNIT_CHECK(al_sel_kcenter(&p, 3, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 3), "k-center: a duplicate of a pick is at distance exactly 0");
	p = pool_of(same, 3, 2, NULL, 0);
	UNIT_CHECK(al_sel_kcenter(&p, 3, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, in_order, 3), "k-center: identical candidates come in position order");
	p.score = score;
	UNIT_CHECK(al_sel_ranked_batch(&p, 3, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, in_order, 3), "ranked batch: identical candidates and scores in position order");
	p = pool_of(same, 1, 2, NULL, 0);
	UNIT_CHECK(al_sel_kcenter(&p, 1, order, work, NULL) == AL_SEL_OK && order[0] == 0,
			   "k-center: one candidate, no labeled row");
}

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
	UNIT_CHECK(al_sel_epsilon_greedy(score, 4, 0, 9, 4, order, work, NULL) == AL_SEL_OK &&
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
		al_sel_epsilon_greedy(score, 2, .5, 1, 0, NULL, work, NULL) == AL_SEL_OK;
	UNIT_CHECK(zero_ok, "zero picks: every kernel succeeds (order may be NULL)");
	empty_ok = al_sel_kcenter(&empty, 0, order, work, NULL) == AL_SEL_OK &&
		al_sel_ranked_batch(&empty, 0, order, work, NULL) == AL_SEL_OK &&
		al_sel_badge(&empty, 1, 0, order, work, NULL) == AL_SEL_OK &&
		al_sel_order_desc(NULL, 0, 0, order, work, NULL) == AL_SEL_OK &&
		al_sel_balanced(NULL, NULL, 0, 2, .5, 0, order, work, NULL) == AL_SEL_OK &&
		al_sel_epsilon_greedy(NULL, 0, .5, 1, 0, order, work, NULL) == AL_SEL_OK;
	UNIT_CHECK(empty_ok && order[0] == -7, "empty pool: every kernel succeeds and writes nothing");
	too_many = al_sel_kcenter(&p, 3, order, work, NULL) == AL_SEL_BAD_K &&
		al_sel_ranked_batch(&p, 3, order, work, NULL) == AL_SEL_BAD_K &&
		al_sel_badge(&p, 1, 3, order, work, NULL) == AL_SEL_BAD_K &&
		al_sel_order_desc(score, 2, 3, order, work, NULL) == AL_SEL_BAD_K &&
		al_sel_balanced(score, cls, 2, 2, .5, 3, order, work, NULL) == AL_SEL_BAD_K &&
		al_sel_epsilon_greedy(score, 2, .5, 1, 3, order, work, NULL) == AL_SEL_BAD_K;
	UNIT_CHECK(too_many && order[0] == -7, "more picks than candidates: AL_SEL_BAD_K everywhere");
	UNIT_CHECK(al_sel_order_desc(NULL, 2, 1, order, work, NULL) == AL_SEL_NULL_ARG &&
			   al_sel_balanced(score, NULL, 2, 2, .5, 1, order, work, NULL) == AL_SEL_NULL_ARG &&
			   al_sel_epsilon_greedy(score, 2, .5, 1, 1, order, NULL, NULL) == AL_SEL_NULL_ARG,
			   "score orders: NULL scores, classes or work refused");
	p.p = NULL;
	UNIT_CHECK(al_sel_badge(&p, 1, 1, order, work, NULL) == AL_SEL_NULL_ARG,
			   "BADGE: NULL probabilities refused");
	p.p = pr;
	p.score = NULL;
	UNIT_CHECK(al_sel_ranked_batch(&p, 1, order, work, NULL) == AL_SEL_NULL_ARG,
			   "ranked batch: NULL scores refused");
}

static int
count_ticks(void *arg)
{
	++*(int *) arg;
	return 0;
}

/*
 * The pass against the labeled rows ticks once per block after the first:
 * 1024 candidates make blocks of 2^20 / 1024 = 1024 labeled rows, so 3000
 * labeled rows are 3 blocks: 2 ticks, then 1 after the pass and 1 for the
 * pick.  A tick that stops at its first call cancels inside the pass.
 */
static void
check_tick_per_block(void)
{
	static float x[1024 * 4],
				xl[3000 * 4];
	int			order[1],
				ticks = 0;
	al_rng		r;
	al_sel_pool p;

	al_rng_seed(&r, 4);
	random_rows(&r, x, 1024, 4);
	random_rows(&r, xl, 3000, 4);
	p = pool_of(x, 1024, 4, xl, 3000);
	p.tick = count_ticks;
	p.tick_arg = &ticks;
	UNIT_CHECK(al_sel_kcenter_work(&p) < sizeof(work) / sizeof(double), "3-block work fits");
	UNIT_CHECK(al_sel_kcenter(&p, 1, order, work, NULL) == AL_SEL_OK && ticks == 4,
			   "k-center ticks per block of labeled rows (4 ticks)");
	p.tick = stop_now;
	ticks = 1;
	UNIT_CHECK(al_sel_kcenter(&p, 1, order, work, NULL) == AL_SEL_CANCELLED && ticks == 2,
			   "a tick in the labeled pass cancels it");
}

/* Without BLAS the BLAS kernels say so; the score orders still run. */
static void
check_no_blas(void)
{
	float		x[] = {1, 0, 4, 0};
	double		score[] = {.1, .2};
	int			order[2];
	al_sel_pool p = pool_of(x, 2, 2, NULL, 0);

	p.score = score;
	UNIT_CHECK(al_sel_kcenter(&p, 1, order, work, NULL) == AL_SEL_NO_BLAS, "k-center without BLAS");
	UNIT_CHECK(al_sel_ranked_batch(&p, 1, order, work, NULL) == AL_SEL_NO_BLAS, "ranked without BLAS");
	UNIT_CHECK(al_sel_order_desc(score, 2, 2, order, work, NULL) == AL_SEL_OK && order[0] == 1,
			   "order_desc needs no BLAS");
}

int
main(void)
{
	char		err[256];

	check_no_blas();
	if (al_blas_load(NULL, "auto", err, sizeof(err)) != 0)
	{
		printf("not ok 1 - BLAS loads: %s\n1..1\n", err);
		return 1;
	}
	check_kcenter_by_hand();
	check_kcenter_cold();
	check_kcenter_naive();
	check_ranked_by_hand();
	check_ranked_cold();
	check_ranked_naive();
	check_far_from_origin();
	check_badge_by_hand();
	check_badge_duplicates();
	check_badge_naive();
	check_balanced_by_hand();
	check_balanced_caps();
	check_epsilon();
	check_gumbel_frequencies(1);
	check_gumbel_frequencies(.5);
	check_gumbel_power();
	check_key_determinism();
	check_cosine_density();
	check_euclidean_density();
	check_information_density();
	check_errors();
	check_kcenter_duplicates();
	check_score_ties();
	check_sizes();
	check_tick_per_block();
	return unit_done();
}
