/*
 * test_regression.c - unit tests of the regression score kernels
 * (src/core/regression.c): committee standard deviation and EMCM on hand
 * values in float8 and float4, edge rows (one member, a committee that
 * agrees, an empty x, values near the double range, a large common
 * offset), the value checks with their positions, and random rows against
 * the formulas written out here a second time (long double).
 */
#include <float.h>
#include <stdlib.h>

#include "al_rng.h"
#include "regression.h"
#include "unit.h"

/* A float8 run of n values. */
static al_reg_values
run8(const double *v, int n)
{
	al_reg_values r = {NULL, v, n};

	return r;
}

/* A float4 run of n values. */
static al_reg_values
run4(const float *v, int n)
{
	al_reg_values r = {v, NULL, n};

	return r;
}

/* Committee standard deviations worked by hand. */
static void
test_committee_std_hand(void)
{
	double		a[] = {1, 2, 3, 4};
	double		one[] = {5};
	double		same[] = {-2.5, -2.5, -2.5};
	float		f[] = {0.5f, 1.5f};
	double		offset[] = {1e9 + 1, 1e9 + 2, 1e9 + 3};
	double		huge[] = {1e300, -1e300};
	double		top[] = {DBL_MAX, -DBL_MAX};
	al_reg_values r;

	/* mean 2.5, squared deviations 2.25 + .25 + .25 + 2.25 = 5, / 4 */
	r = run8(a, 4);
	UNIT_CLOSE(al_committee_std(&r), sqrt(1.25), 1e-15, "std of (1, 2, 3, 4) = sqrt(5/4) (population)");
	r = run8(one, 1);
	UNIT_CHECK(al_committee_std(&r) == 0.0, "one member: std 0");
	r = run8(same, 3);
	UNIT_CHECK(al_committee_std(&r) == 0.0, "a committee that agrees: std 0");
	r = run4(f, 2);
	UNIT_CHECK(al_committee_std(&r) == 0.5, "float4 (0.5, 1.5): std 0.5");
	/* deviations -1, 0, 1 from an exact mean: sqrt(2/3) */
	r = run8(offset, 3);
	UNIT_CLOSE(al_committee_std(&r), sqrt(2.0 / 3.0), 1e-15, "offset 1e9 does not cancel: sqrt(2/3)");
	r = run8(huge, 2);
	UNIT_CLOSE(al_committee_std(&r) / 1e300, 1.0, 1e-15, "(1e300, -1e300): std 1e300, squares not overflowed");
	r = run8(top, 2);
	UNIT_CHECK(al_committee_std(&r) == DBL_MAX, "(DBL_MAX, -DBL_MAX): std DBL_MAX, finite");
}

/* EMCM worked by hand. */
static void
test_emcm_hand(void)
{
	double		m[] = {1, 4, 2};
	double		x[] = {3, 4};
	float		x4[] = {3, 4};
	double		m2[] = {0.25, 1.0};
	double		x2[] = {2};
	al_reg_values mr = run8(m, 3);
	al_reg_values xr = run8(x, 2);
	al_reg_values x4r = run4(x4, 2);
	al_reg_values empty = run8(NULL, 0);
	al_reg_values m2r = run8(m2, 2);
	al_reg_values x2r = run8(x2, 1);

	/* |1 - 2| + |4 - 2| + |2 - 2| = 3, / 3 = 1; ||(3, 4, 1)|| = sqrt(26) */
	UNIT_CLOSE(al_committee_mean_abs_change(&mr, 2), 1.0, 1e-15, "mean |f_k - f| of (1, 4, 2) at 2: 1");
	UNIT_CLOSE(al_norm_with_bias(&xr), sqrt(26.0), 1e-15, "||(3, 4, 1)|| = sqrt(26)");
	UNIT_CLOSE(al_emcm(2, &mr, &xr), sqrt(26.0), 1e-14, "EMCM = 1 * sqrt(26)");
	UNIT_CLOSE(al_emcm(2, &mr, &x4r), sqrt(26.0), 1e-14, "EMCM with float4 features");
	UNIT_CLOSE(al_emcm(2, &mr, &empty), 1.0, 1e-15, "EMCM of an empty x: the bias only, ||(1)|| = 1");
	/* (0.25 + 0.5) / 2 = 0.375; ||(2, 1)|| = sqrt(5) */
	UNIT_CLOSE(al_emcm(0.5, &m2r, &x2r), 0.375 * sqrt(5.0), 1e-15, "EMCM = 0.375 sqrt(5)");
	UNIT_CHECK(al_emcm(1, &mr, &xr) > al_emcm(2, &mr, &xr), "EMCM grows with the distance of f to the members");
	{
		double		xb[] = {1e200, 1e200};

		xr = run8(xb, 2);
		UNIT_CLOSE(al_norm_with_bias(&xr) / 1e200, sqrt(2.0), 1e-15, "||(1e200, 1e200, 1)||: no overflow of the squares");
	}
}

/* The checks: empty runs, non-finite values with their positions. */
static void
test_checks(void)
{
	double		ok[] = {1, 2};
	double		bad[] = {1, NAN, INFINITY};
	float		bad4[] = {0, 0, -INFINITY};
	al_reg_values r;
	int			pos = -1;

	r = run8(ok, 2);
	UNIT_CHECK(al_reg_values_check(&r, 1, &pos) == AL_REG_OK, "finite values pass");
	r = run8(NULL, 0);
	UNIT_CHECK(al_reg_values_check(&r, 1, &pos) == AL_REG_EMPTY, "an empty committee is refused");
	UNIT_CHECK(al_reg_values_check(&r, 0, &pos) == AL_REG_OK, "empty features pass (min 0)");
	r = run8(bad, 3);
	UNIT_CHECK(al_reg_values_check(&r, 1, &pos) == AL_REG_NOT_FINITE && pos == 1, "NaN found at position 1");
	r = run4(bad4, 3);
	UNIT_CHECK(al_reg_values_check(&r, 1, &pos) == AL_REG_NOT_FINITE && pos == 2, "-Infinity (float4) found at position 2");
}

/* Random committees against the formulas in long double. */
static void
test_random(void)
{
	al_rng		rng;
	double		m[16],
				x[8];
	int			bad = 0;

	al_rng_seed(&rng, 13);
	for (int t = 0; t < 2000; t++)
	{
		int			k = 1 + t % 16;
		int			d = t % 8;
		double		f = 10 * al_rng_uniform(&rng) - 5;
		long double mean = 0,
					ss = 0,
					mad = 0,
					nx = 1;
		al_reg_values mr,
					xr;

		for (int i = 0; i < k; i++)
		{
			m[i] = 100 * al_rng_uniform(&rng) - 50;
			mean += m[i];
		}
		mean /= k;
		for (int i = 0; i < k; i++)
		{
			ss += (m[i] - mean) * (m[i] - mean);
			mad += fabsl(m[i] - f);
		}
		for (int j = 0; j < d; j++)
		{
			x[j] = 4 * al_rng_uniform(&rng) - 2;
			nx += (long double) x[j] * x[j];
		}
		mr = run8(m, k);
		xr = run8(x, d);
		if (fabs(al_committee_std(&mr) - (double) sqrtl(ss / k)) > 1e-12 ||
			fabs(al_emcm(f, &mr, &xr) - (double) (mad / k * sqrtl(nx))) > 1e-11)
			bad++;
	}
	UNIT_CHECK(bad == 0, "2000 random committees: std and EMCM match the long double formulas");
}

int
main(void)
{
	test_committee_std_hand();
	test_emcm_hand();
	test_checks();
	test_random();
	return unit_done();
}
