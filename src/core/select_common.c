/*
 * select_common.c - what the selection kernels share: status messages,
 * input checks, squared distances through BLAS, the cold-start pick and the
 * score sort.  See select.h and doc/selection.md.
 */
#include <math.h>
#include <stddef.h>

#include "select_int.h"

/* A constant lower-case message per status (PostgreSQL style). */
const char *
al_sel_status_message(al_sel_status status)
{
	switch (status)
	{
		case AL_SEL_OK:
			return "success";
		case AL_SEL_NULL_ARG:
			return "a required argument is null";
		case AL_SEL_BAD_SIZE:
			return "invalid number of rows, features or classes";
		case AL_SEL_BAD_K:
			return "number of picks out of range";
		case AL_SEL_NONFINITE_X:
			return "feature value is not finite";
		case AL_SEL_X_TOO_LARGE:
			return "feature values are too large";
		case AL_SEL_NONFINITE_SCORE:
			return "score is not finite";
		case AL_SEL_NEGATIVE_SCORE:
			return "score is negative";
		case AL_SEL_BAD_PROB:
			return "probability is not finite or not in [0, 1]";
		case AL_SEL_BAD_CLASS:
			return "class index out of range";
		case AL_SEL_BAD_PARAM:
			return "parameter out of range";
		case AL_SEL_NO_BLAS:
			return "BLAS library not loaded";
		case AL_SEL_CANCELLED:
			return "selection cancelled";
	}
	return "unknown selection status";
}

/* Fill *where (if given). */
void
sel_set_where(al_sel_where *where, int row, int col, int labeled)
{
	if (where == NULL)
		return;
	where->row = row;
	where->col = col;
	where->labeled = labeled;
}

/*
 * Every value of n rows of d features is finite and every row's squared
 * norm is at most AL_SEL_MAX_SQNORM.
 */
al_sel_status
sel_check_rows(const float *x, int n, int d, int labeled, al_sel_where *where)
{
	for (int i = 0; i < n; i++)
	{
		const float *xi = x + (size_t) i * d;
		double		s = 0;

		for (int j = 0; j < d; j++)
		{
			if (!isfinite(xi[j]))
			{
				sel_set_where(where, i, j, labeled);
				return AL_SEL_NONFINITE_X;
			}
			s += (double) xi[j] * xi[j];
		}
		if (s > AL_SEL_MAX_SQNORM)
		{
			sel_set_where(where, i, -1, labeled);
			return AL_SEL_X_TOO_LARGE;
		}
	}
	return AL_SEL_OK;
}

/* Scores and targets finite; probabilities finite and in [0, 1]. */
static al_sel_status
sel_check_values(const al_sel_pool *pool, unsigned needs, al_sel_where *where)
{
	int			m = pool->m;

	if (needs & SEL_NEED_SCORE)
		for (int i = 0; i < m; i++)
			if (!isfinite(pool->score[i]))
			{
				sel_set_where(where, i, -1, 0);
				return AL_SEL_NONFINITE_SCORE;
			}
	if (needs & SEL_NEED_YL)
		for (int j = 0; j < pool->l; j++)
			if (!isfinite(pool->yl[j]))
			{
				sel_set_where(where, j, -1, 1);
				return AL_SEL_NONFINITE_SCORE;
			}
	if (needs & SEL_NEED_P)
		for (size_t t = 0; t < (size_t) m * pool->c; t++)
			if (!(pool->p[t] >= 0.0f && pool->p[t] <= 1.0f))
			{
				sel_set_where(where, (int) (t / pool->c), (int) (t % pool->c), 0);
				return AL_SEL_BAD_PROB;
			}
	return AL_SEL_OK;
}

/*
 * The checks every kernel starts with: pointers, sizes, npick in 0..m, and
 * the values of what the kernel reads (needs: SEL_NEED_*).
 */
al_sel_status
sel_check_pool(const al_sel_pool *pool, unsigned needs, int npick,
			   const int *order, const double *work, al_sel_where *where)
{
	al_sel_status st;

	sel_set_where(where, -1, -1, 0);
	if (pool == NULL)
		return AL_SEL_NULL_ARG;
	if (pool->m < 0 || pool->l < 0 ||
		((needs & SEL_NEED_X) && pool->d < 1) ||
		((needs & SEL_NEED_P) && pool->c < 1))
		return AL_SEL_BAD_SIZE;
	if (npick < 0 || npick > pool->m)
		return AL_SEL_BAD_K;
	if (pool->m == 0)
		return AL_SEL_OK;
	if ((npick > 0 && order == NULL) || work == NULL ||
		((needs & SEL_NEED_X) && (pool->x == NULL ||
								  (pool->l > 0 && pool->xl == NULL))) ||
		((needs & SEL_NEED_SCORE) && pool->score == NULL) ||
		((needs & SEL_NEED_YL) && pool->l > 0 && pool->yl == NULL) ||
		((needs & SEL_NEED_P) && pool->p == NULL))
		return AL_SEL_NULL_ARG;
	if (needs & SEL_NEED_X)
	{
		st = sel_check_rows(pool->x, pool->m, pool->d, 0, where);
		if (st == AL_SEL_OK)
			st = sel_check_rows(pool->xl, pool->l, pool->d, 1, where);
		if (st != AL_SEL_OK)
			return st;
	}
	return sel_check_values(pool, needs, where);
}

/* The caller's tick, if any: nonzero means stop. */
int
sel_tick(const al_sel_pool *pool)
{
	return pool->tick != NULL && pool->tick(pool->tick_arg) != 0;
}

/* Rows of y per block of dot products with m rows of x (1 .. l). */
int
sel_block_rows(int m, int l)
{
	int			b = SEL_BLOCK_FLOATS / (m > 0 ? m : 1);

	if (b < 1)
		b = 1;
	return b < l ? b : (l > 0 ? l : 1);
}

/* a . b in double (the products of floats are exact). */
double
sel_dot(const float *a, const float *b, int d)
{
	double		s = 0;

	for (int j = 0; j < d; j++)
		s += (double) a[j] * b[j];
	return s;
}

/* ||a - b||^2 in double, directly. */
double
sel_exact_sqdist(const float *a, const float *b, int d)
{
	double		s = 0;

	for (int j = 0; j < d; j++)
	{
		double		t = (double) a[j] - b[j];

		s += t * t;
	}
	return s;
}

/*
 * mind[i] = min(mind[i], min_j ||x_i - y_j||^2) for every row i with
 * mind[i] >= 0 (a negative mind marks a row already picked), with
 * ||x - y||^2 = |x|^2 + |y|^2 - 2 x.y, the dot products through BLAS
 * (sgemv for one row of y, sgemm per block of rows); values that lost
 * their digits to cancellation (near rows) are recomputed in double.
 * xn, yn: squared norms; buf: m * sel_block_rows(m, l) floats.  With
 * outputs fx[m] and fy[l] (iGS; both NULL otherwise) the value folded in
 * is the product ||x_i - y_j|| |fx[i] - fy[j]| instead (a distance, not
 * squared, so that it stays in range).  The pool's tick runs before every
 * block after the first (a long pass against many labeled rows can be
 * cancelled); returns AL_SEL_CANCELLED if it says stop.
 */
al_sel_status
sel_min_sqdist(const al_sel_pool *pool, const al_blas_api *blas,
			   const float *x, int m, const double *xn, const float *y, int l,
			   const double *yn, int d, const double *fx, const double *fy,
			   double *mind, float *buf)
{
	int			b = sel_block_rows(m, l);

	for (int j0 = 0; j0 < l; j0 += b)
	{
		int			nb = l - j0 < b ? l - j0 : b;
		const float *yb = y + (size_t) j0 * d;

		if (j0 > 0 && sel_tick(pool))
			return AL_SEL_CANCELLED;
		if (nb == 1)
			blas->sgemv(CblasRowMajor, CblasNoTrans, m, d, 1.0f, x, d, yb, 1,
						0.0f, buf, 1);
		else
			blas->sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, nb, d, 1.0f,
						x, d, yb, d, 0.0f, buf, nb);
		for (int i = 0; i < m; i++)
		{
			const float *dots = buf + (size_t) i * nb;

			if (mind[i] < 0)
				continue;
			for (int jj = 0; jj < nb; jj++)
			{
				double		v = xn[i] + yn[j0 + jj] - 2.0 * (double) dots[jj];

				if (v < SEL_REFINE * (xn[i] + yn[j0 + jj]))
					v = sel_exact_sqdist(x + (size_t) i * d, yb + (size_t) jj * d, d);
				/* v == 0: 0, even when the outputs' difference overflows */
				if (fx != NULL && v > 0)
					v = sqrt(v) * fabs(fx[i] - fy[j0 + jj]);
				if (v < mind[i])
					mind[i] = v;
			}
		}
	}
	return AL_SEL_OK;
}

/*
 * The row nearest (squared euclidean, in double) to the centroid of the m
 * rows, ties to the lowest position: the cold-start pick when nothing is
 * labeled.  It minimizes the mean squared distance to the rows.  mu: d
 * doubles of scratch.
 */
int
sel_nearest_centroid(const float *x, int m, int d, double *mu)
{
	int			best = 0;
	double		bestv = INFINITY;

	for (int j = 0; j < d; j++)
		mu[j] = 0;
	for (int i = 0; i < m; i++)
		for (int j = 0; j < d; j++)
			mu[j] += x[(size_t) i * d + j];
	for (int j = 0; j < d; j++)
		mu[j] /= m;
	for (int i = 0; i < m; i++)
	{
		double		s = 0;

		for (int j = 0; j < d; j++)
		{
			double		t = x[(size_t) i * d + j] - mu[j];

			s += t * t;
		}
		if (s < bestv)
		{
			bestv = s;
			best = i;
		}
	}
	return best;
}

/* Does row a come before row b: higher score, then lower position. */
static inline int
sel_before(const double *score, int a, int b)
{
	return score[a] > score[b] || (score[a] == score[b] && a < b);
}

/*
 * idx[0..m-1] = 0..m-1 ordered by score descending, ties by position
 * (bottom-up merge sort, O(m log m); tmp: m ints).
 */
void
sel_sort_desc(const double *score, int m, int *idx, int *tmp)
{
	int		   *src = idx,
			   *dst = tmp,
			   *t;

	for (int i = 0; i < m; i++)
		idx[i] = i;
	for (int w = 1; w < m; w *= 2)
	{
		for (int lo = 0; lo < m; lo += 2 * w)
		{
			int			mid = lo + w < m ? lo + w : m;
			int			hi = lo + 2 * w < m ? lo + 2 * w : m;
			int			a = lo,
						b = mid,
						o = lo;

			while (a < mid && b < hi)
				dst[o++] = sel_before(score, src[b], src[a]) ? src[b++] : src[a++];
			while (a < mid)
				dst[o++] = src[a++];
			while (b < hi)
				dst[o++] = src[b++];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != idx)
		for (int i = 0; i < m; i++)
			idx[i] = src[i];
}
