/*
 * select_kcenter.c - greedy k-center (core-set, also GSx), ranked batch and
 * improved greedy sampling (iGS): all keep mind[i], the squared distance of
 * candidate i to the nearest labeled or picked row (for iGS the smallest
 * product distance x output distance), updated through BLAS after each
 * pick.  See select.h and doc/selection.md.
 */
#include <math.h>
#include <stddef.h>

#include "select_int.h"

/* The workspace both kernels carve (see dist_work_carve). */
typedef struct dist_work
{
	double	   *xn;				/* m squared norms of the candidates */
	double	   *mind;			/* m: distance to labeled-or-picked, -1 = picked */
	double	   *yn;				/* l squared norms of the labeled rows */
	double	   *mu;				/* d: the centroid (cold start) */
	float	   *buf;			/* m x block dot products */
	const double *fx;			/* iGS: the candidates' outputs, else NULL */
} dist_work;

/* Doubles of the shared workspace. */
static size_t
dist_work_size(const al_sel_pool *pool)
{
	int			m = pool->m > 0 ? pool->m : 0;
	int			l = pool->l > 0 ? pool->l : 0;
	int			d = pool->d > 0 ? pool->d : 0;

	return 2 * (size_t) m + l + d +
		SEL_DOUBLES_FOR((size_t) m * sel_block_rows(m, l > 1 ? l : 1)) + 1;
}

/* Point the workspace's arrays into work. */
static dist_work
dist_work_carve(const al_sel_pool *pool, double *work)
{
	dist_work	w;

	w.xn = work;
	w.mind = w.xn + pool->m;
	w.yn = w.mind + pool->m;
	w.mu = w.yn + pool->l;
	w.buf = (float *) (w.mu + pool->d);
	w.fx = NULL;
	return w;
}

/*
 * Norms, and mind: the squared distance of each candidate to its nearest
 * labeled row (+infinity when there is none).
 */
static al_sel_status
dist_start(const al_sel_pool *pool, const al_blas_api *blas, dist_work *w)
{
	al_sel_sqnorms(pool->x, pool->m, pool->d, w->xn);
	for (int i = 0; i < pool->m; i++)
		w->mind[i] = INFINITY;
	if (pool->l > 0)
	{
		al_sel_sqnorms(pool->xl, pool->l, pool->d, w->yn);
		if (sel_min_sqdist(pool, blas, pool->x, pool->m, w->xn, pool->xl,
						   pool->l, w->yn, pool->d, w->fx,
						   w->fx ? pool->yl : NULL, w->mind,
						   w->buf) != AL_SEL_OK)
			return AL_SEL_CANCELLED;
	}
	return sel_tick(pool) ? AL_SEL_CANCELLED : AL_SEL_OK;
}

/* Record pick t = row i and fold its distances into mind. */
static void
dist_pick(const al_sel_pool *pool, const al_blas_api *blas, dist_work *w,
		  int *order, int t, int i, int npick)
{
	order[t] = i;
	w->mind[i] = -1;
	/* one row of y: a single block, so no tick and no cancellation here */
	if (t + 1 < npick)
		(void) sel_min_sqdist(pool, blas, pool->x, pool->m, w->xn,
							  pool->x + (size_t) i * pool->d, 1, w->xn + i,
							  pool->d, w->fx, w->fx ? w->fx + i : NULL, w->mind,
							  w->buf);
}

/* Checks and setup shared by both kernels; *blas is set on success. */
static al_sel_status
dist_begin(const al_sel_pool *pool, unsigned needs, int npick, int *order,
		   double *work, al_sel_where *where, const al_blas_api **blas,
		   dist_work *w)
{
	al_sel_status st = sel_check_pool(pool, needs, npick, order, work, where);

	if (st != AL_SEL_OK || npick == 0)
		return st;
	*blas = al_blas_get();
	if (*blas == NULL)
		return AL_SEL_NO_BLAS;
	*w = dist_work_carve(pool, work);
	if (needs & SEL_NEED_YL)
		w->fx = pool->score;
	return dist_start(pool, *blas, w);
}

size_t
al_sel_kcenter_work(const al_sel_pool *pool)
{
	return dist_work_size(pool);
}

/*
 * Farthest-first over mind: the next pick is the open candidate with the
 * largest mind (ties to the lowest position); with nothing labeled the
 * first pick is the candidate nearest the centroid.  k-center (needs
 * SEL_NEED_X) and iGS (also the outputs) differ only in what mind holds.
 */
static al_sel_status
dist_farthest_first(const al_sel_pool *pool, unsigned needs, int npick,
					int *order, double *work, al_sel_where *where)
{
	const al_blas_api *blas = NULL;
	dist_work	w;
	al_sel_status st = dist_begin(pool, needs, npick, order, work, where,
								  &blas, &w);
	int			t = 0;

	if (st != AL_SEL_OK || npick == 0)
		return st;
	if (pool->l == 0)
		dist_pick(pool, blas, &w, order, t++,
				  sel_nearest_centroid(pool->x, pool->m, pool->d, w.mu), npick);
	for (; t < npick; t++)
	{
		int			best = -1;

		if (sel_tick(pool))
			return AL_SEL_CANCELLED;
		for (int i = 0; i < pool->m; i++)
			if (w.mind[i] >= 0 && (best < 0 || w.mind[i] > w.mind[best]))
				best = i;
		dist_pick(pool, blas, &w, order, t, best, npick);
	}
	return AL_SEL_OK;
}

/* Greedy k-center (GSx): farthest-first over squared distances. */
al_sel_status
al_sel_kcenter(const al_sel_pool *pool, int npick, int *order, double *work,
			   al_sel_where *where)
{
	return dist_farthest_first(pool, SEL_NEED_X, npick, order, work, where);
}

size_t
al_sel_igs_work(const al_sel_pool *pool)
{
	return dist_work_size(pool);
}

/*
 * iGS: farthest-first over min_r ||x_i - x_r|| |f_i - y_r|, the labeled
 * rows with their targets, each pick with its prediction.
 */
al_sel_status
al_sel_igs(const al_sel_pool *pool, int npick, int *order, double *work,
		   al_sel_where *where)
{
	return dist_farthest_first(pool, SEL_NEED_X | SEL_NEED_SCORE | SEL_NEED_YL,
							   npick, order, work, where);
}

size_t
al_sel_ranked_work(const al_sel_pool *pool)
{
	return dist_work_size(pool);
}

/*
 * Ranked batch: after t picks, alpha = (U - t) / (U + l) (|U| / (|U| +
 * |L|) with the picks moved from U to L), and the next pick maximizes
 * alpha (1 - 1 / (1 + sqrt(mind))) + (1 - alpha) score, ties to the lowest
 * position.
 */
al_sel_status
al_sel_ranked_batch(const al_sel_pool *pool, int npick, int *order,
					double *work, al_sel_where *where)
{
	const al_blas_api *blas = NULL;
	dist_work	w;
	al_sel_status st;
	int64_t		u;
	int			t = 0;

	if (pool != NULL && pool->n_unlabeled != 0 && pool->n_unlabeled < pool->m)
		return AL_SEL_BAD_PARAM;
	st = dist_begin(pool, SEL_NEED_X | SEL_NEED_SCORE, npick, order, work,
					where, &blas, &w);
	if (st != AL_SEL_OK || npick == 0)
		return st;
	u = pool->n_unlabeled != 0 ? pool->n_unlabeled : pool->m;
	if (pool->l == 0)
		dist_pick(pool, blas, &w, order, t++,
				  sel_nearest_centroid(pool->x, pool->m, pool->d, w.mu), npick);
	for (; t < npick; t++)
	{
		double		alpha = (double) (u - t) / (double) (u + pool->l);
		double		bestv = -INFINITY;
		int			best = -1;

		if (sel_tick(pool))
			return AL_SEL_CANCELLED;
		for (int i = 0; i < pool->m; i++)
		{
			double		v;

			if (w.mind[i] < 0)
				continue;
			v = alpha * (1.0 - 1.0 / (1.0 + sqrt(w.mind[i]))) +
				(1.0 - alpha) * pool->score[i];
			if (best < 0 || v > bestv)
			{
				best = i;
				bestv = v;
			}
		}
		dist_pick(pool, blas, &w, order, t, best, npick);
	}
	return AL_SEL_OK;
}
