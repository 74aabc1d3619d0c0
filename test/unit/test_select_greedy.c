/*
 * test_select_greedy.c - unit tests of the greedy sampling kernels for
 * regression (select.h): GSy (al_sel_greedy_y) and iGS (al_sel_igs), on
 * small pools whose picks are worked by hand in the comments, against
 * naive implementations written independently here (double precision, all
 * pairs, no sorting, no BLAS) on random pools, and every error status.
 * GSx is k-center's kernel, tested in test_select_dist.c.
 */
#include "unit_select.h"

/*
 * GSy.  Candidate predictions f = 1, 5, 2.5, 9, 6 (positions 0..4),
 * labeled targets 3 and 8.  Distances to the nearest target: 2, 2, 0.5,
 * 1, 2.  Pick 1: 0, 1 and 4 tie at 2 -> 0 (f 1); |f - 1| lowers nothing.
 * Pick 2: 1 and 4 tie at 2 -> 1 (f 5); now 4 has |6 - 5| = 1.  Pick 3: 3
 * and 4 tie at 1 -> 3 (f 9).  Pick 4: 4 (1), pick 5: 2 (0.5).
 * Order 0, 1, 3, 4, 2.
 * Cold (no target): the mean prediction is 23.5 / 5 = 4.7, nearest 5 ->
 * 1 first; then |f - 5| = 4, -, 2.5, 4, 1 -> 0 (tie with 3); with 1:
 * 2 has 1.5, 3 has 4 -> 3; then 2 (1.5), 4 (1).  Order 1, 0, 3, 2, 4.
 */
static void
check_gsy_by_hand(void)
{
	double		f[] = {1, 5, 2.5, 9, 6};
	double		yl[] = {8, 3};
	int			want[] = {0, 1, 3, 4, 2};
	int			want_cold[] = {1, 0, 3, 2, 4};
	int			order[5];
	al_sel_pool p = pool_of(NULL, 5, 0, NULL, 2);

	p.score = f;
	p.yl = yl;
	UNIT_CHECK(al_sel_greedy_y_work(&p) < sizeof(work) / sizeof(double), "GSy work fits");
	UNIT_CHECK(al_sel_greedy_y(&p, 5, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 5), "GSy by hand: 0, 1, 3, 4, 2");
	UNIT_CHECK(al_sel_greedy_y(&p, 2, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 2), "GSy: 2 picks are the prefix of 5");
	p.l = 0;
	p.yl = NULL;
	UNIT_CHECK(al_sel_greedy_y(&p, 5, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want_cold, 5), "GSy cold start by hand: 1, 0, 3, 2, 4");
}

/*
 * iGS.  Labeled (0,0) with target 0; candidates A(1,0) f 1, B(4,0) f 0.5,
 * C(0,3) f 2, D(2,2) f 0.  Products distance x |f - y|: A 1, B 2, C 6,
 * D 0.  Pick 1: C.  With C (f 2): A sqrt(10) * 1, B 5 * 1.5, D sqrt(5) * 2:
 * nothing lowers.  Pick 2: B.  With B (f 0.5): A 3 * 0.5 = 1.5, D
 * sqrt(8) * 0.5: nothing lowers.  Order C, B, A, D (k-center would take
 * B first: squared distances A 1, B 16, C 9, D 8).
 * Cold: centroid (1.75, 1.25), squared distances A 2.125, B 6.625,
 * C 6.125, D 0.625 -> D (f 0).  Products with D: A sqrt(5) * 1, B
 * sqrt(8) * 0.5, C sqrt(5) * 2 -> C.  With C (f 2): A sqrt(10) * 1, B
 * 5 * 1.5: nothing lowers -> A (2.236), B (1.414).  Order D, C, A, B.
 */
static void
check_igs_by_hand(void)
{
	float		x[] = {1, 0, 4, 0, 0, 3, 2, 2};
	float		xl[] = {0, 0};
	double		f[] = {1, 0.5, 2, 0};
	double		yl[] = {0};
	int			want[] = {2, 1, 0, 3};
	int			want_kc[] = {1, 2, 3, 0};
	int			want_cold[] = {3, 2, 0, 1};
	int			order[4];
	al_sel_pool p = pool_of(x, 4, 2, xl, 1);

	p.score = f;
	p.yl = yl;
	UNIT_CHECK(al_sel_igs_work(&p) < sizeof(work) / sizeof(double), "iGS work fits");
	UNIT_CHECK(al_sel_igs(&p, 4, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 4), "iGS by hand: C, B, A, D");
	UNIT_CHECK(al_sel_kcenter(&p, 4, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want_kc, 4), "GSx (k-center) on the same pool: B, C, D, A");
	p.l = 0;
	p.xl = NULL;
	p.yl = NULL;
	UNIT_CHECK(al_sel_igs(&p, 4, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want_cold, 4), "iGS cold start by hand: D, C, A, B");
}

/*
 * Naive GSy / iGS: every pick scans every reference row (labeled, then
 * the picks) in double; igs = 0 for GSy.  Cold start as specified.
 */
static void
naive_greedy(const float *x, const double *f, int m, int d, const float *xl,
			 const double *yl, int l, int igs, int npick, int *order)
{
	int			picked[MAXM] = {0};

	for (int t = 0; t < npick; t++)
	{
		int			best = -1;
		double		bestv = -1;

		if (t == 0 && l == 0)
		{
			double		c[16] = {0},
						mean = 0;

			for (int i = 0; i < m; i++)
			{
				mean += f[i] / m;
				for (int j = 0; j < d; j++)
					c[j] += (double) x[i * d + j] / m;
			}
			for (int i = 0; i < m; i++)
			{
				double		v = 0;

				if (igs)
					for (int j = 0; j < d; j++)
						v += (x[i * d + j] - c[j]) * (x[i * d + j] - c[j]);
				else
					v = fabs(f[i] - mean);
				if (best < 0 || v < bestv)
				{
					best = i;
					bestv = v;
				}
			}
		}
		else
			for (int i = 0; i < m; i++)
			{
				double		v = INFINITY;

				if (picked[i])
					continue;
				for (int r = 0; r < l + t; r++)
				{
					const float *xr = r < l ? xl + r * d : x + order[r - l] * d;
					double		yr = r < l ? yl[r] : f[order[r - l]];
					double		dist = 0;

					for (int j = 0; j < d && igs; j++)
						dist += ((double) x[i * d + j] - xr[j]) * ((double) x[i * d + j] - xr[j]);
					dist = igs ? sqrt(dist) * fabs(f[i] - yr) : fabs(f[i] - yr);
					if (dist < v)
						v = dist;
				}
				if (best < 0 || v > bestv)
				{
					best = i;
					bestv = v;
				}
			}
		order[t] = best;
		picked[best] = 1;
	}
}

/* Random pools (with and without labeled rows) against the naive picks. */
static void
check_naive(void)
{
	static float x[MAXM * 5],
				xl[64 * 5];
	static double f[MAXM],
				yl[64];
	int			order[40],
				want[40],
				bad_y = 0,
				bad_igs = 0;
	al_rng		r;

	al_rng_seed(&r, 21);
	for (int trial = 0; trial < 60; trial++)
	{
		int			m = 40 + trial * 3;
		int			l = trial % 3 == 0 ? 0 : 1 + trial % 17;
		int			d = 1 + trial % 5;
		int			npick = 1 + trial % 40;
		al_sel_pool p;

		random_rows(&r, x, m, d);
		random_rows(&r, xl, l, d);
		for (int i = 0; i < m; i++)
			f[i] = 20 * al_rng_uniform(&r) - 10;
		for (int j = 0; j < l; j++)
			yl[j] = 20 * al_rng_uniform(&r) - 10;
		p = pool_of(x, m, d, l ? xl : NULL, l);
		p.score = f;
		p.yl = l ? yl : NULL;
		naive_greedy(x, f, m, d, xl, yl, l, 0, npick, want);
		if (al_sel_greedy_y(&p, npick, order, work, NULL) != AL_SEL_OK ||
			!same_order(order, want, npick))
			bad_y++;
		naive_greedy(x, f, m, d, xl, yl, l, 1, npick, want);
		if (al_sel_igs(&p, npick, order, work, NULL) != AL_SEL_OK ||
			!same_order(order, want, npick))
			bad_igs++;
	}
	UNIT_CHECK(bad_y == 0, "GSy equals the naive all-pairs picks on 60 random pools");
	UNIT_CHECK(bad_igs == 0, "iGS equals the naive all-pairs picks on 60 random pools");
}

/*
 * Outputs near the double range: a candidate on a reference row is at
 * product 0 even when |f - y| overflows to Infinity (0 x Infinity would be
 * NaN), so it is picked last; GSy's differences overflow to Infinity, not
 * NaN.
 */
static void
check_huge_outputs(void)
{
	float		x[] = {0, 0, 1, 0, 2, 0};
	float		xl[] = {0, 0};
	double		f[] = {1.5e308, 1, 2};
	double		yl[] = {-1.5e308};
	int			want[] = {2, 1, 0};
	int			want_y[] = {0, 1, 2};
	int			order[3];
	al_sel_pool p = pool_of(x, 3, 2, xl, 1);

	p.score = f;
	p.yl = yl;
	UNIT_CHECK(al_sel_igs(&p, 3, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want, 3), "iGS: a candidate on a labeled row comes last, whatever its output");
	UNIT_CHECK(al_sel_greedy_y(&p, 3, order, work, NULL) == AL_SEL_OK &&
			   same_order(order, want_y, 3), "GSy: an overflowing difference is Infinity, picked first");
}

/* Every error status, and cancellation. */
static void
check_errors(void)
{
	float		x[] = {1, 0, 4, 0};
	float		xl[] = {0, 0};
	double		f[] = {1, 2};
	double		fbad[] = {1, NAN};
	double		yl[] = {0};
	double		ylbad[] = {INFINITY};
	int			order[2],
				ticks = 1;
	al_sel_where where;
	al_sel_pool p = pool_of(x, 2, 2, xl, 1);

	p.score = f;
	p.yl = yl;
	UNIT_CHECK(al_sel_greedy_y(&p, 3, order, work, NULL) == AL_SEL_BAD_K, "GSy: k above m");
	UNIT_CHECK(al_sel_igs(&p, -1, order, work, NULL) == AL_SEL_BAD_K, "iGS: negative k");
	UNIT_CHECK(al_sel_greedy_y(&p, 0, order, work, NULL) == AL_SEL_OK, "GSy: 0 picks");
	p.yl = NULL;
	UNIT_CHECK(al_sel_greedy_y(&p, 1, order, work, NULL) == AL_SEL_NULL_ARG, "GSy: labeled rows without targets");
	UNIT_CHECK(al_sel_igs(&p, 1, order, work, NULL) == AL_SEL_NULL_ARG, "iGS: labeled rows without targets");
	p.yl = ylbad;
	UNIT_CHECK(al_sel_greedy_y(&p, 1, order, work, &where) == AL_SEL_NONFINITE_SCORE &&
			   where.row == 0 && where.labeled == 1, "GSy: a non-finite target, labeled row 0");
	UNIT_CHECK(al_sel_igs(&p, 1, order, work, &where) == AL_SEL_NONFINITE_SCORE &&
			   where.labeled == 1, "iGS: a non-finite target");
	p.yl = yl;
	p.score = fbad;
	UNIT_CHECK(al_sel_greedy_y(&p, 1, order, work, &where) == AL_SEL_NONFINITE_SCORE &&
			   where.row == 1 && where.labeled == 0, "GSy: a non-finite prediction, candidate 1");
	p.score = NULL;
	UNIT_CHECK(al_sel_igs(&p, 1, order, work, NULL) == AL_SEL_NULL_ARG, "iGS: no predictions");
	p.score = f;
	p.d = 0;
	UNIT_CHECK(al_sel_igs(&p, 1, order, work, NULL) == AL_SEL_BAD_SIZE, "iGS: no features");
	UNIT_CHECK(al_sel_greedy_y(&p, 2, order, work, NULL) == AL_SEL_OK, "GSy needs no features");
	p.d = 2;
	p.tick = stop_now;
	p.tick_arg = &ticks;
	UNIT_CHECK(al_sel_greedy_y(&p, 2, order, work, NULL) == AL_SEL_CANCELLED, "GSy: the tick cancels");
	ticks = 1;
	UNIT_CHECK(al_sel_igs(&p, 2, order, work, NULL) == AL_SEL_CANCELLED, "iGS: the tick cancels");
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
	check_gsy_by_hand();
	check_igs_by_hand();
	check_naive();
	check_huge_outputs();
	check_errors();
	return unit_done();
}
