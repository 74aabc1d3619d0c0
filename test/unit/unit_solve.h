/*
 * unit_solve.h - a dense linear solve in long double for the unit tests'
 * independent reference computations (ridge's normal equations, the
 * Newton steps of a reference logistic fit).
 */
#ifndef AL_UNIT_SOLVE_H
#define AL_UNIT_SOLVE_H

#include <math.h>

/*
 * Solve m theta = r by Gaussian elimination with partial pivoting, m
 * (p x p, row-major) and r overwritten; theta into r.
 */
static inline void
gauss_solve(long double *m, long double *r, int p)
{
	for (int c = 0; c < p; c++)
	{
		int			best = c;

		for (int i = c + 1; i < p; i++)
			if (fabsl(m[i * p + c]) > fabsl(m[best * p + c]))
				best = i;
		for (int j = 0; j < p; j++)
		{
			long double t = m[c * p + j];

			m[c * p + j] = m[best * p + j];
			m[best * p + j] = t;
		}
		{
			long double t = r[c];

			r[c] = r[best];
			r[best] = t;
		}
		for (int i = c + 1; i < p; i++)
		{
			long double f = m[i * p + c] / m[c * p + c];

			for (int j = c; j < p; j++)
				m[i * p + j] -= f * m[c * p + j];
			r[i] -= f * r[c];
		}
	}
	for (int i = p - 1; i >= 0; i--)
	{
		long double s = r[i];

		for (int j = i + 1; j < p; j++)
			s -= m[i * p + j] * r[j];
		r[i] = s / m[i * p + i];
	}
}

#endif							/* AL_UNIT_SOLVE_H */
