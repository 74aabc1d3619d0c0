/*
 * select_greedy.c - greedy sampling in output space (GSy, Wu, Lin and
 * Huang 2019): farthest-first over the one-dimensional outputs.  mind[i]
 * is the distance of candidate i's prediction to the nearest labeled
 * target or picked prediction; the labeled targets are sorted once, so
 * the first pass is a binary search per candidate instead of m x l
 * differences.  (GSx is k-center and iGS is in select_kcenter.c: both need
 * feature distances.)  See select.h and doc/selection.md.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "select_int.h"

size_t
al_sel_greedy_y_work(const al_sel_pool *pool)
{
	int			m = pool->m > 0 ? pool->m : 0;
	int			l = pool->l > 0 ? pool->l : 0;

	return (size_t) m + l + 1;
}

/* qsort order of doubles (all finite). */
static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/* The distance of v to the nearest of the l > 0 sorted values in ys. */
static double
nearest_sorted(const double *ys, int l, double v)
{
	int			lo = 0,
				hi = l;			/* first index with ys[idx] >= v */
	double		best = INFINITY;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (ys[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < l)
		best = ys[lo] - v;
	if (lo > 0 && v - ys[lo - 1] < best)
		best = v - ys[lo - 1];
	return best;
}

/* The candidate whose prediction is nearest the mean prediction. */
static int
nearest_mean(const double *f, int m)
{
	double		mean = 0.0;
	double		bestv = INFINITY;
	int			best = 0;

	for (int i = 0; i < m; i++)
		mean += f[i] / m;
	for (int i = 0; i < m; i++)
	{
		double		v = fabs(f[i] - mean);

		if (v < bestv)
		{
			bestv = v;
			best = i;
		}
	}
	return best;
}

/*
 * GSy: the next pick is the open candidate with the largest mind (ties to
 * the lowest position); each pick's prediction then joins the reference
 * outputs.  With nothing labeled the first pick is nearest_mean.
 */
al_sel_status
al_sel_greedy_y(const al_sel_pool *pool, int npick, int *order, double *work,
				al_sel_where *where)
{
	al_sel_status st = sel_check_pool(pool, SEL_NEED_SCORE | SEL_NEED_YL,
									  npick, order, work, where);
	const double *f;
	double	   *mind,
			   *ys;
	int			t = 0;

	if (st != AL_SEL_OK || npick == 0)
		return st;
	f = pool->score;
	mind = work;
	ys = work + pool->m;
	for (int j = 0; j < pool->l; j++)
		ys[j] = pool->yl[j];
	qsort(ys, pool->l, sizeof(double), cmp_double);
	for (int i = 0; i < pool->m; i++)
		mind[i] = pool->l > 0 ? nearest_sorted(ys, pool->l, f[i]) : INFINITY;
	for (; t < npick; t++)
	{
		int			best = -1;

		if (sel_tick(pool))
			return AL_SEL_CANCELLED;
		if (t == 0 && pool->l == 0)
			best = nearest_mean(f, pool->m);
		else
			for (int i = 0; i < pool->m; i++)
				if (mind[i] >= 0 && (best < 0 || mind[i] > mind[best]))
					best = i;
		order[t] = best;
		mind[best] = -1;
		for (int i = 0; i < pool->m; i++)
			if (mind[i] >= 0 && fabs(f[i] - f[best]) < mind[i])
				mind[i] = fabs(f[i] - f[best]);
	}
	return AL_SEL_OK;
}
