/*
 * regression.c - the regression score kernels declared in regression.h.
 *
 * Committee standard deviation: the population standard deviation (divide
 * by K, numpy's np.std default, which modAL's CommitteeRegressor and
 * scikit-activeml's regression QueryByCommittee use), two passes (the mean,
 * then the squared deviations from it) so that large common offsets do not
 * cancel.
 *
 * EMCM (Cai, Zhang and Zhou 2013): a linear model f(x) = w.x + b trained on
 * the squared loss changes, when (x, y) is added, by its gradient
 * (f(x) - y) (x, 1); y is unknown, so K bootstrap members' predictions
 * f_k(x) stand in for it: EMCM(x) = (1/K) sum_k |f_k(x) - f(x)| ||(x, 1)||.
 * The bias coordinate is included, as in al.expected_gradient_length.
 */
#include <math.h>
#include <stddef.h>

#include "regression.h"

/* Value i (0-based) of v as a double. */
double
al_reg_value(const al_reg_values *v, int i)
{
	return v->f4 ? (double) v->f4[i] : v->f8[i];
}

/*
 * AL_REG_OK when v holds at least min_n values, all finite; else the
 * status, with *bad the 0-based position of the first non-finite value.
 */
al_reg_status
al_reg_values_check(const al_reg_values *v, int min_n, int *bad)
{
	if (v->n < min_n)
		return AL_REG_EMPTY;
	for (int i = 0; i < v->n; i++)
		if (!isfinite(al_reg_value(v, i)))
		{
			*bad = i;
			return AL_REG_NOT_FINITE;
		}
	return AL_REG_OK;
}

/*
 * A power of two above half of every |value| of v (1 when all are below
 * 1), itself finite: dividing by it is exact, and the scaled values are
 * below 2 in magnitude, so their squares and sums of squares stay in range.
 */
static double
reg_scale(const al_reg_values *v)
{
	double		big = 1.0;
	int			e;

	for (int i = 0; i < v->n; i++)
	{
		double		a = fabs(al_reg_value(v, i));

		big = a > big ? a : big;
	}
	(void) frexp(big, &e);		/* big < 2^e */
	return ldexp(1.0, e - 1);
}

/*
 * The population standard deviation of the members' predictions,
 * sqrt((1/K) sum_k (f_k - mean)^2): 0 for one member or a committee that
 * agrees.  Computed on the values divided by a power of two (exact), so it
 * is finite for every finite input.
 */
double
al_committee_std(const al_reg_values *members)
{
	double		scale = reg_scale(members);
	double		mean = 0.0;
	double		s = 0.0;

	for (int k = 0; k < members->n; k++)
		mean += al_reg_value(members, k) / scale;
	mean /= members->n;
	for (int k = 0; k < members->n; k++)
	{
		double		t = al_reg_value(members, k) / scale - mean;

		s += t * t;
	}
	return sqrt(s / members->n) * scale;
}

/* (1/K) sum_k |f_k - prediction|, the members' mean absolute change. */
double
al_committee_mean_abs_change(const al_reg_values *members, double prediction)
{
	double		s = 0.0;

	for (int k = 0; k < members->n; k++)
		s += fabs(al_reg_value(members, k) - prediction);
	return s / members->n;
}

/* ||(x, 1)||, on the values divided by a power of two (exact). */
double
al_norm_with_bias(const al_reg_values *x)
{
	double		scale = reg_scale(x);
	double		s = (1.0 / scale) * (1.0 / scale);

	for (int j = 0; j < x->n; j++)
	{
		double		t = al_reg_value(x, j) / scale;

		s += t * t;
	}
	return sqrt(s) * scale;
}

/*
 * EMCM(x) = (1/K) sum_k || (f_k(x) - f(x)) (x, 1) ||
 *         = ||(x, 1)|| (1/K) sum_k |f_k(x) - f(x)|.
 * Non-finite only when the result exceeds the double range.
 */
double
al_emcm(double prediction, const al_reg_values *members,
		const al_reg_values *x)
{
	return al_emcm_of_norm(prediction, members, al_norm_with_bias(x));
}

/*
 * EMCM of a row whose ||(x, 1)|| is norm (al_norm_with_bias): a round
 * that scored in the pool receives the norm, not the features.
 */
double
al_emcm_of_norm(double prediction, const al_reg_values *members, double norm)
{
	return al_committee_mean_abs_change(members, prediction) * norm;
}
