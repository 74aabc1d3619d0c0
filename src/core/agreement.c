/*
 * agreement.c - Cohen's kappa between two labelings of the same items, used
 * to tell when a learner's predictions stop changing between versions and to
 * compare two annotators; Fleiss' kappa among the annotators of a learner.
 */
#include <stddef.h>

#include "agreement.h"

/*
 * kappa = (po - pe) / (1 - pe), po the observed agreement, pe the agreement
 * expected by chance from both labelings' class frequencies.  Labels are
 * 0..k-1; work holds 2k doubles.  When pe == 1 (both labelings put every
 * item in the same single class) kappa is 1 if they agree everywhere.
 * Returns NaN for n < 1 or labels out of range.
 */
double
al_cohen_kappa(const int *a, const int *b, int n, int k, double *work)
{
	double	   *fa = work;
	double	   *fb = work + k;
	double		agree = 0.0;
	double		pe = 0.0;
	double		po;
	int			i;

	if (n < 1)
		return 0.0 / 0.0;
	for (i = 0; i < 2 * k; i++)
		work[i] = 0.0;
	for (i = 0; i < n; i++)
	{
		if (a[i] < 0 || a[i] >= k || b[i] < 0 || b[i] >= k)
			return 0.0 / 0.0;
		fa[a[i]] += 1.0;
		fb[b[i]] += 1.0;
		agree += (a[i] == b[i]);
	}
	po = agree / n;
	for (i = 0; i < k; i++)
		pe += (fa[i] / n) * (fb[i] / n);
	if (pe >= 1.0)
		return po >= 1.0 ? 1.0 : 0.0;
	return (po - pe) / (1.0 - pe);
}

/*
 * Fleiss' kappa of n_items items rated into k categories: counts is
 * n_items x k (row-major), counts[i*k + j] the raters who put item i in
 * category j.  Raters per item may vary (the generalization for varying
 * raters): P_i = sum_j n_ij (n_ij - 1) / (n_i (n_i - 1)) over the items
 * with n_i >= 2 (items with fewer are left out), P = their mean, p_j the
 * share of all their ratings in category j, Pe = sum_j p_j^2, kappa =
 * (P - Pe) / (1 - Pe).  With the same number of raters on every item this
 * is Fleiss' formula.  work holds k doubles.  When Pe == 1 (every rating in
 * one category) kappa is 1, as for al_cohen_kappa.  Returns NaN when no item
 * has two ratings, or a count is negative.
 */
double
al_fleiss_kappa(const int *counts, int n_items, int k, double *work)
{
	double		p_sum = 0.0;
	double		ratings = 0.0;
	double		pe = 0.0;
	double		p_bar;
	int			items = 0;
	int			i,
				j;

	for (j = 0; j < k; j++)
		work[j] = 0.0;
	for (i = 0; i < n_items; i++)
	{
		const int  *row = counts + (size_t) i * k;
		double		n_i = 0.0;
		double		pairs = 0.0;

		for (j = 0; j < k; j++)
		{
			if (row[j] < 0)
				return 0.0 / 0.0;
			n_i += row[j];
			pairs += (double) row[j] * (row[j] - 1);
		}
		if (n_i < 2)
			continue;
		for (j = 0; j < k; j++)
			work[j] += row[j];
		ratings += n_i;
		p_sum += pairs / (n_i * (n_i - 1));
		items++;
	}
	if (items == 0)
		return 0.0 / 0.0;
	p_bar = p_sum / items;
	for (j = 0; j < k; j++)
		pe += (work[j] / ratings) * (work[j] / ratings);
	if (pe >= 1.0)
		return p_bar >= 1.0 ? 1.0 : 0.0;
	return (p_bar - pe) / (1.0 - pe);
}
