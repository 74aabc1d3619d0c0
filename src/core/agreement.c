/*
 * agreement.c - Cohen's kappa between two labelings of the same items, used
 * to tell when a learner's predictions stop changing between versions.
 */
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
