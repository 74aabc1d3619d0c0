/*
 * select_badge.c - BADGE (Ash et al. 2020): k-means++ seeding over the
 * gradient embeddings of a softmax model, g_i = a_i (x) b_i with
 * a_i = p_i - e_{y_i} (y_i = argmax p_i) and b_i = (x_i, 1), never
 * materialized.  See select.h and doc/selection.md.
 */
#include <math.h>
#include <stddef.h>

#include "al_rng.h"
#include "scores.h"
#include "select_int.h"

/* The workspace of the kernel. */
typedef struct badge_work
{
	double	   *an;				/* m: |a_i|^2 */
	double	   *bn;				/* m: |b_i|^2 = |x_i|^2 + 1 */
	double	   *d2;				/* m: distance to the nearest pick, -1 = picked */
	double	   *tmp;			/* m: distances to the newest pick */
	int		   *cls;			/* m: y_i */
	float	   *dots;			/* m: x_i . x_center */
} badge_work;

size_t
al_sel_badge_work(const al_sel_pool *pool)
{
	size_t		m = pool->m > 0 ? (size_t) pool->m : 0;

	return 4 * m + 2 * SEL_DOUBLES_FOR(m) + 1;
}

/* Point the arrays into work. */
static badge_work
badge_carve(const al_sel_pool *pool, double *work)
{
	badge_work	w;
	size_t		m = (size_t) pool->m;

	w.an = work;
	w.bn = w.an + m;
	w.d2 = w.bn + m;
	w.tmp = w.d2 + m;
	w.cls = (int *) (w.tmp + m);
	w.dots = (float *) (w.tmp + m + SEL_DOUBLES_FOR(m));
	return w;
}

/*
 * a_i . a_j = p_i . p_j - p_i[y_j] - p_j[y_i] + [y_i = y_j], for i = j
 * too, so that identical rows get exactly identical products.
 */
static inline double
badge_adot(const float *pi, const float *pj, int yi, int yj, int c)
{
	return sel_dot(pi, pj, c) - pi[yj] - pj[yi] + (yi == yj ? 1.0 : 0.0);
}

/* y_i, |a_i|^2 and |b_i|^2 = |x_i|^2 + 1 for every row. */
static void
badge_prepare(const al_sel_pool *pool, badge_work *w)
{
	int			c = pool->c;

	for (int i = 0; i < pool->m; i++)
	{
		const float *pi = pool->p + (size_t) i * c;
		const float *xi = pool->x + (size_t) i * pool->d;

		w->cls[i] = al_argmax(pi, c);
		w->an[i] = badge_adot(pi, pi, w->cls[i], w->cls[i], c);
		w->bn[i] = sel_dot(xi, xi, pool->d) + 1.0;
	}
}

/*
 * out[i] = ||g_i - g_center||^2 = |a_i|^2 |b_i|^2 + |a_c|^2 |b_c|^2
 * - 2 (a_i . a_c)(b_i . b_c), with b_i . b_c = x_i . x_c + 1 from sgemv,
 * recomputed in double when the result lost its digits to cancellation
 * (then identical rows give exactly 0).
 */
static void
badge_dist(const al_sel_pool *pool, const al_blas_api *blas,
		   const badge_work *w, int center, double *out)
{
	int			c = pool->c;
	int			d = pool->d;
	const float *pc = pool->p + (size_t) center * c;
	const float *xc = pool->x + (size_t) center * d;
	int			yc = w->cls[center];
	double		gc = w->an[center] * w->bn[center];

	blas->sgemv(CblasRowMajor, CblasNoTrans, pool->m, d, 1.0f, pool->x, d, xc,
				1, 0.0f, w->dots, 1);
	for (int i = 0; i < pool->m; i++)
	{
		double		gi = w->an[i] * w->bn[i];
		double		aa = badge_adot(pool->p + (size_t) i * c, pc, w->cls[i], yc, c);
		double		v = gi + gc - 2.0 * aa * ((double) w->dots[i] + 1.0);

		if (v < SEL_REFINE * (gi + gc))
			v = gi + gc - 2.0 * aa * (sel_dot(pool->x + (size_t) i * d, xc, d) + 1.0);
		out[i] = v > 0 ? v : 0;
	}
}

al_sel_status
al_sel_badge_distances(const al_sel_pool *pool, int center, double *out,
					   double *work)
{
	al_sel_status st = sel_check_pool(pool, SEL_NEED_X | SEL_NEED_P, 0, NULL,
									  work, NULL);
	const al_blas_api *blas = al_blas_get();
	badge_work	w;

	if (st != AL_SEL_OK)
		return st;
	if (out == NULL)
		return AL_SEL_NULL_ARG;
	if (center < 0 || center >= pool->m)
		return AL_SEL_BAD_PARAM;
	if (blas == NULL)
		return AL_SEL_NO_BLAS;
	w = badge_carve(pool, work);
	badge_prepare(pool, &w);
	badge_dist(pool, blas, &w, center, out);
	return AL_SEL_OK;
}

/* The open row with the largest |g_i|^2 (ties to the lowest position). */
static int
badge_first(const al_sel_pool *pool, const badge_work *w)
{
	int			best = 0;

	for (int i = 1; i < pool->m; i++)
		if (w->an[i] * w->bn[i] > w->an[best] * w->bn[best])
			best = i;
	return best;
}

/*
 * Draw an open row with probability d2[i] / sum(d2) (k-means++), or
 * uniformly among the `open` open rows when every d2 is zero.
 */
static int
badge_draw(const double *d2, int m, int open, al_rng *rng)
{
	double		total = 0,
				u,
				cum = 0;
	int			last = -1;
	uint64_t	r;

	for (int i = 0; i < m; i++)
		if (d2[i] > 0)
			total += d2[i];
	if (total > 0)
	{
		u = al_rng_uniform(rng) * total;
		for (int i = 0; i < m; i++)
		{
			if (!(d2[i] > 0))
				continue;
			cum += d2[i];
			last = i;
			if (cum > u)
				return i;
		}
		return last;			/* u rounded up to total */
	}
	r = al_rng_below(rng, (uint64_t) open);
	for (int i = 0; i < m; i++)
		if (d2[i] >= 0 && r-- == 0)
			return i;
	return -1;					/* not reached: open counts the open rows */
}

/* Pick row i: order it, close it, and fold its distances into d2. */
static void
badge_pick(const al_sel_pool *pool, const al_blas_api *blas, badge_work *w,
		   int i, int last)
{
	w->d2[i] = -1;
	if (last)
		return;
	badge_dist(pool, blas, w, i, w->tmp);
	for (int j = 0; j < pool->m; j++)
		if (w->d2[j] >= 0 && w->tmp[j] < w->d2[j])
			w->d2[j] = w->tmp[j];
}

al_sel_status
al_sel_badge(const al_sel_pool *pool, uint64_t seed, int npick, int *order,
			 double *work, al_sel_where *where)
{
	al_sel_status st = sel_check_pool(pool, SEL_NEED_X | SEL_NEED_P, npick,
									  order, work, where);
	const al_blas_api *blas;
	badge_work	w;
	al_rng		rng;

	if (st != AL_SEL_OK || npick == 0)
		return st;
	blas = al_blas_get();
	if (blas == NULL)
		return AL_SEL_NO_BLAS;
	w = badge_carve(pool, work);
	badge_prepare(pool, &w);
	al_rng_seed(&rng, seed);
	for (int i = 0; i < pool->m; i++)
		w.d2[i] = INFINITY;
	for (int t = 0; t < npick; t++)
	{
		if (sel_tick(pool))
			return AL_SEL_CANCELLED;
		order[t] = t == 0 ? badge_first(pool, &w)
			: badge_draw(w.d2, pool->m, pool->m - t, &rng);
		badge_pick(pool, blas, &w, order[t], t + 1 == npick);
	}
	return AL_SEL_OK;
}
