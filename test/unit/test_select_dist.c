/*
 * test_select_dist.c - unit tests of the selection kernels that work on
 * distances (select.h): k-center, ranked batch and BADGE.  Small 2-D pools
 * whose picks are derived by hand in the comments, each kernel against a
 * naive implementation written independently here (double precision,
 * materialized embeddings), sampling frequencies against their exact
 * probabilities on many fixed seeds (a chi-square bound), duplicates,
 * cancellation and every error status.
 */
#include "unit_select.h"

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

/* ---- errors ---- */

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
			   al_sel_epsilon_greedy(score, score, 3, .1, 1, 1, order, work, NULL) == AL_SEL_NONFINITE_SCORE,
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
	UNIT_CHECK(al_sel_epsilon_greedy(score, score, 3, 1.5, 1, 1, order, work, NULL) == AL_SEL_BAD_PARAM &&
			   al_sel_epsilon_greedy(score, score, 3, -0.1, 1, 1, order, work, NULL) == AL_SEL_BAD_PARAM,
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

/* A tick that counts its calls in *arg and never stops. */
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
	check_errors();
	check_kcenter_duplicates();
	check_tick_per_block();
	return unit_done();
}
