/*
 * select_order.c - orders by score: plain top-k, class-balanced top-k and
 * epsilon-greedy.  See select.h and doc/selection.md.
 */
#include <math.h>
#include <stddef.h>

#include "al_rng.h"
#include "select_int.h"

/* Ints of work per row and per class (see al_sel_order_work). */
#define ORDER_INTS_PER_ROW 4
#define ORDER_INTS_PER_CLASS 3

size_t
al_sel_order_work(int m, int nclasses)
{
	size_t		ints = (size_t) (m > 0 ? m : 0) * ORDER_INTS_PER_ROW +
		(size_t) (nclasses > 0 ? nclasses : 0) * ORDER_INTS_PER_CLASS + 1;

	return SEL_DOUBLES_FOR(ints);
}

/* Checks shared by the score orders: a pool of m scores only. */
static al_sel_status
order_check(const double *score, int m, int npick, int *order, double *work,
			al_sel_where *where)
{
	al_sel_pool pool = {0};

	pool.m = m;
	pool.score = score;
	return sel_check_pool(&pool, SEL_NEED_SCORE, npick, order, work, where);
}

al_sel_status
al_sel_order_desc(const double *score, int m, int npick, int *order,
				  double *work, al_sel_where *where)
{
	al_sel_status st = order_check(score, m, npick, order, work, where);
	int		   *idx = (int *) work;

	if (st != AL_SEL_OK || npick == 0)
		return st;
	sel_sort_desc(score, m, idx, idx + m);
	for (int t = 0; t < npick; t++)
		order[t] = idx[t];
	return AL_SEL_OK;
}

/*
 * ceil(cap r), with a relative tolerance of 1e-9 so that a product that
 * should be an integer (0.3 x 10) is not pushed up by rounding.  >= 1.
 */
static int
balanced_allowed(double cap, int r)
{
	double		v = ceil(cap * r * (1.0 - 1e-9));

	return v < 1 ? 1 : (int) v;
}

/*
 * The class whose best remaining row comes first, among the classes with
 * rows left and (if capped) fewer than `allowed` picks; -1 if none.
 */
static int
balanced_class(const double *score, const int *sorted, const int *head,
			   const int *end, const int *picked, int nclasses, int allowed,
			   int capped)
{
	int			best = -1;

	for (int k = 0; k < nclasses; k++)
	{
		int			a,
					b;

		if (head[k] == end[k] || (capped && picked[k] >= allowed))
			continue;
		if (best < 0)
		{
			best = k;
			continue;
		}
		a = sorted[head[k]];
		b = sorted[head[best]];
		if (score[a] > score[b] || (score[a] == score[b] && a < b))
			best = k;
	}
	return best;
}

/*
 * Rows sorted by score, then bucketed by class (keeping the order): the
 * rows of class k are sorted[start[k] .. start[k + 1] - 1].
 */
static void
balanced_buckets(const double *score, const int *cls, int m, int nclasses,
				 int *sorted, int *start, int *fill, int *tmp)
{
	sel_sort_desc(score, m, tmp, sorted);
	for (int k = 0; k <= nclasses; k++)
		start[k] = 0;
	for (int i = 0; i < m; i++)
		start[cls[i] + 1]++;
	for (int k = 0; k < nclasses; k++)
		start[k + 1] += start[k];
	for (int k = 0; k < nclasses; k++)
		fill[k] = start[k];
	for (int i = 0; i < m; i++)
		sorted[fill[cls[tmp[i]]]++] = tmp[i];
}

al_sel_status
al_sel_balanced(const double *score, const int *cls, int m, int nclasses,
				double cap, int npick, int *order, double *work,
				al_sel_where *where)
{
	al_sel_status st = order_check(score, m, npick, order, work, where);
	int		   *sorted = (int *) work;
	int		   *tmp = sorted + m;
	int		   *start = tmp + m;	/* nclasses + 1 */
	int		   *head = start + nclasses + 1;
	int		   *picked = head + nclasses;

	if (st != AL_SEL_OK)
		return st;
	if (nclasses < 1)
		return AL_SEL_BAD_SIZE;
	if (!(cap > 0 && cap <= 1))
		return AL_SEL_BAD_PARAM;
	if (npick == 0)
		return AL_SEL_OK;
	if (cls == NULL)
		return AL_SEL_NULL_ARG;
	for (int i = 0; i < m; i++)
		if (cls[i] < 0 || cls[i] >= nclasses)
		{
			sel_set_where(where, i, -1, 0);
			return AL_SEL_BAD_CLASS;
		}
	balanced_buckets(score, cls, m, nclasses, sorted, start, head, tmp);
	for (int k = 0; k < nclasses; k++)
	{
		head[k] = start[k];
		picked[k] = 0;
	}
	for (int t = 0; t < npick; t++)
	{
		int			allowed = balanced_allowed(cap, t + 1);
		int			k = balanced_class(score, sorted, head, start + 1, picked,
									   nclasses, allowed, 1);

		if (k < 0)
			k = balanced_class(score, sorted, head, start + 1, picked,
							   nclasses, allowed, 0);
		order[t] = sorted[head[k]++];
		picked[k]++;
	}
	return AL_SEL_OK;
}

/* The first row of sorted[*next ..] not yet picked; advances *next. */
static int
order_next_open(const int *sorted, const unsigned char *picked, int *next)
{
	while (picked[sorted[*next]])
		(*next)++;
	return sorted[*next];
}

/*
 * Epsilon-greedy: the rows sorted by score and by key; one uniform draw
 * per pick decides which of the two orders gives the next open row.
 */
al_sel_status
al_sel_epsilon_greedy(const double *score, const double *key, int m,
					  double epsilon, uint64_t seed, int npick, int *order,
					  double *work, al_sel_where *where)
{
	al_sel_status st = order_check(score, m, npick, order, work, where);
	int		   *by_score = (int *) work;
	int		   *by_key = by_score + m;
	int		   *tmp = by_key + m;
	unsigned char *picked = (unsigned char *) (tmp + m);
	int			next_score = 0,
				next_key = 0;
	al_rng		rng;

	if (st != AL_SEL_OK)
		return st;
	if (!(epsilon >= 0 && epsilon <= 1))
		return AL_SEL_BAD_PARAM;
	if (npick == 0)
		return AL_SEL_OK;
	if (key == NULL)
		return AL_SEL_NULL_ARG;
	for (int i = 0; i < m; i++)
		if (!isfinite(key[i]))
		{
			sel_set_where(where, i, -1, 0);
			return AL_SEL_BAD_PARAM;
		}
	sel_sort_desc(score, m, by_score, tmp);
	sel_sort_desc(key, m, by_key, tmp);
	for (int i = 0; i < m; i++)
		picked[i] = 0;
	al_rng_seed(&rng, seed);
	for (int t = 0; t < npick; t++)
	{
		int			j = al_rng_uniform(&rng) < epsilon
			? order_next_open(by_key, picked, &next_key)
			: order_next_open(by_score, picked, &next_score);

		order[t] = j;
		picked[j] = 1;
	}
	return AL_SEL_OK;
}
