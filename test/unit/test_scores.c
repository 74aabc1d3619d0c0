/*
 * test_scores.c - unit tests of the score kernels (src/core/scores.c):
 * hand-computed values on small distributions, edge cases (one class, ties,
 * zeros, one-hot, uniform), and random distributions checked against naive
 * reimplementations that take a different route to the same number (sorting
 * instead of scanning, log2 instead of log, explicit difference vectors
 * instead of the sum-of-squares identity, H(m) - mean H instead of KLs).
 */
#include <float.h>
#include <stdlib.h>

#include "scores.h"
#include "unit.h"

#define LN2 0.69314718055994530942

/* ---- deterministic pseudo-random numbers (64-bit LCG) ---- */

static unsigned long long rng_state = 0x2545F4914F6CDD1DULL;

/* A uniform double in [0, 1). */
static double
rnd(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double) (rng_state >> 11) / 9007199254740992.0;
}

/*
 * Fill p with a random distribution of n classes; with kind 1 some values
 * are exactly 0, with kind 2 the two top classes are tied.  positive = 1
 * keeps every value > 0 (for KL denominators).
 */
static void
random_dist(float *p, int n, int kind, int positive)
{
	double		w[64];
	double		s = 0.0;

	for (int i = 0; i < n; i++)
	{
		w[i] = rnd() + (positive ? 0.01 : 0.0);
		if (kind == 1 && !positive && rnd() < 0.3)
			w[i] = 0.0;
	}
	if (kind == 2 && n >= 2)
	{
		int			a = (int) (rnd() * n),
					b = (a + 1 + (int) (rnd() * (n - 1))) % n;

		w[a] = w[b] = 2.0;
	}
	for (int i = 0; i < n; i++)
		s += w[i];
	if (s == 0.0)
		w[0] = s = 1.0;
	for (int i = 0; i < n; i++)
		p[i] = (float) (w[i] / s);
}

/* ---- naive reimplementations ---- */

/* argmax scanning backwards with >=: lands on the lowest of tied indexes. */
static int
naive_argmax(const float *p, int n)
{
	int			best = n - 1;

	for (int i = n - 1; i >= 0; i--)
		if (p[i] >= p[best])
			best = i;
	return best;
}

static int
cmp_desc(const void *a, const void *b)
{
	float		x = *(const float *) a,
				y = *(const float *) b;

	return (x < y) - (x > y);
}

/* The two largest values by sorting a copy. */
static void
naive_top2(const float *p, int n, double *a, double *b)
{
	float		c[64];

	memcpy(c, p, sizeof(float) * n);
	qsort(c, n, sizeof(float), cmp_desc);
	*a = c[0];
	*b = n > 1 ? c[1] : 0.0;
}

/* Entropy through log2. */
static double
naive_entropy(const double *q, int n)
{
	double		h = 0.0;

	for (int i = 0; i < n; i++)
		if (q[i] != 0.0)
			h -= q[i] * log2(q[i]) * LN2;
	return h;
}

static double
naive_entropy_f(const float *p, int n)
{
	double		q[64];

	for (int i = 0; i < n; i++)
		q[i] = p[i];
	return naive_entropy(q, n);
}

/* KL through a difference of logarithms (q > 0 wherever p > 0). */
static double
naive_kl(const float *p, const double *q, int n)
{
	double		s = 0.0;

	for (int i = 0; i < n; i++)
		if (p[i] != 0.0f)
			s += p[i] * (log(p[i]) - log(q[i]));
	return s;
}

/* EGL with explicit gradient factors: ||(x,1)|| * sum_y p_y ||p - e_y||. */
static double
naive_egl(const float *p, int n, const float *x, int nx)
{
	double		xn = 1.0,
				s = 0.0;

	for (int i = 0; i < nx; i++)
		xn += (double) x[i] * x[i];
	for (int y = 0; y < n; y++)
	{
		double		d2 = 0.0;

		for (int i = 0; i < n; i++)
		{
			double		d = (double) p[i] - (i == y ? 1.0 : 0.0);

			d2 += d * d;
		}
		s += p[y] * sqrt(d2);
	}
	return sqrt(xn) * s;
}

/* Committee mean, class by class. */
static void
naive_mean(const float *m, int members, int n, double *mean)
{
	for (int i = 0; i < n; i++)
	{
		double		s = 0.0;

		for (int k = 0; k < members; k++)
			s += m[k * n + i];
		mean[i] = s / members;
	}
}

/* ---- hand values ---- */

static void
test_single_hand(void)
{
	float		p3[] = {0.5f, 0.25f, 0.25f};
	float		dec[] = {0.1f, 0.2f, 0.7f};
	float		hot[] = {0.0f, 1.0f, 0.0f, 0.0f};
	float		tie[] = {0.2f, 0.4f, 0.4f};
	float		one[] = {1.0f};
	float		u4[] = {0.25f, 0.25f, 0.25f, 0.25f};
	double		a,
				b;

	UNIT_CLOSE(al_entropy(p3, 3), 1.5 * LN2, 1e-15, "entropy [.5,.25,.25] = 1.5 ln 2");
	UNIT_CLOSE(al_entropy(dec, 3), 0.80181855254333727, 1e-7, "entropy [.1,.2,.7]");
	UNIT_CLOSE(al_entropy(u4, 4), log(4.0), 1e-15, "entropy uniform 4 = ln 4");
	UNIT_CHECK(al_entropy(hot, 4) == 0.0 && !signbit(al_entropy(hot, 4)), "entropy one-hot = +0");
	UNIT_CHECK(al_entropy(one, 1) == 0.0, "entropy of 1 class = 0");

	UNIT_CLOSE(al_max_prob(dec, 3), 0.7, 1e-7, "max_prob [.1,.2,.7]");
	UNIT_CLOSE(al_least_confidence(dec, 3), 0.3, 1e-7, "least_confidence [.1,.2,.7]");
	UNIT_CLOSE(al_margin(dec, 3), 0.5, 1e-7, "margin [.1,.2,.7]");
	UNIT_CLOSE(al_margin_confidence(dec, 3), 0.5, 1e-7, "margin_confidence [.1,.2,.7]");
	UNIT_CLOSE(al_ratio_confidence(dec, 3), 2.0 / 7.0, 1e-7, "ratio_confidence [.1,.2,.7]");
	UNIT_CHECK(al_argmax(dec, 3) == 2, "argmax [.1,.2,.7] = 2");

	UNIT_CHECK(al_least_confidence(hot, 4) == 0.0, "least_confidence one-hot = 0");
	UNIT_CHECK(al_margin(hot, 4) == 1.0, "margin one-hot = 1");
	UNIT_CHECK(al_margin_confidence(hot, 4) == 0.0, "margin_confidence one-hot = 0");
	UNIT_CHECK(al_ratio_confidence(hot, 4) == 0.0, "ratio_confidence one-hot = 0");
	UNIT_CHECK(al_argmax(hot, 4) == 1, "argmax one-hot");

	UNIT_CHECK(al_argmax(tie, 3) == 1, "argmax tie goes to the lowest index");
	UNIT_CHECK(al_margin(tie, 3) == 0.0, "margin of tied top classes = 0");
	UNIT_CHECK(al_margin_confidence(tie, 3) == 1.0, "margin_confidence of tied top = 1");
	UNIT_CHECK(al_ratio_confidence(tie, 3) == 1.0, "ratio_confidence of tied top = 1");
	UNIT_CHECK(al_argmax(u4, 4) == 0, "argmax uniform = 0");

	al_top2(one, 1, &a, &b);
	UNIT_CHECK(a == 1.0 && b == 0.0, "top2 of 1 class: p(2) = 0");
	UNIT_CHECK(al_margin(one, 1) == 1.0, "margin of 1 class = 1");
	UNIT_CHECK(al_margin_confidence(one, 1) == 0.0, "margin_confidence of 1 class = 0");
	UNIT_CHECK(al_ratio_confidence(one, 1) == 0.0, "ratio_confidence of 1 class = 0");
	UNIT_CHECK(al_least_confidence(one, 1) == 0.0, "least_confidence of 1 class = 0");

	/* top2 where the maximum comes first, and where it comes last */
	{
		float		first[] = {0.6f, 0.1f, 0.3f};
		float		last[] = {0.1f, 0.3f, 0.6f};

		al_top2(first, 3, &a, &b);
		UNIT_CHECK(a == 0.6f && b == 0.3f, "top2 max first");
		al_top2(last, 3, &a, &b);
		UNIT_CHECK(a == 0.6f && b == 0.3f, "top2 max last");
	}
}

static void
test_divergence_hand(void)
{
	float		p[] = {0.5f, 0.5f};
	float		q[] = {0.25f, 0.75f};
	float		a[] = {1.0f, 0.0f};
	float		b[] = {0.0f, 1.0f};

	UNIT_CLOSE(al_kl_divergence(p, q, 2), 0.5 * log(4.0 / 3.0), 1e-15, "KL([.5,.5]||[.25,.75]) = ln(4/3)/2");
	UNIT_CHECK(al_kl_divergence(p, p, 2) == 0.0, "KL(p||p) = 0");
	UNIT_CHECK(isinf(al_kl_divergence(p, a, 2)) && al_kl_divergence(p, a, 2) > 0, "KL = +inf when q_i = 0 < p_i");
	UNIT_CHECK(al_kl_divergence(a, p, 2) == LN2, "KL(one-hot||uniform 2) = ln 2");
	UNIT_CHECK(al_js_divergence(a, b, 2) == LN2, "JS of disjoint = ln 2 exactly");
	UNIT_CHECK(al_js_divergence(q, q, 2) == 0.0, "JS(p,p) = 0");
	UNIT_CLOSE(al_js_divergence(p, a, 2), 0.75 * log(4.0 / 3.0), 1e-15, "JS([.5,.5],[1,0]) = 0.75 ln(4/3)");
	UNIT_CLOSE(al_js_divergence(p, a, 2), al_js_divergence(a, p, 2), 0.0, "JS is symmetric");
}

static void
test_egl_hand(void)
{
	float		p[] = {0.5f, 0.5f};
	float		x[] = {3.0f, 4.0f};
	float		hot[] = {0.0f, 0.0f, 1.0f};
	float		u3[] = {1.0f / 3, 1.0f / 3, 1.0f / 3};
	float		one[] = {1.0f};

	UNIT_CLOSE(al_expected_gradient_length(p, 2, x, 2), sqrt(13.0), 1e-14, "EGL([.5,.5], [3,4]) = sqrt(13)");
	UNIT_CLOSE(al_expected_gradient_length(p, 2, x, 0), sqrt(0.5), 1e-15, "EGL with empty x: ||(x,1)|| = 1");
	UNIT_CHECK(al_expected_gradient_length(hot, 3, x, 2) == 0.0, "EGL one-hot = 0");
	UNIT_CHECK(al_expected_gradient_length(one, 1, x, 2) == 0.0, "EGL 1 class = 0");
	UNIT_CLOSE(al_expected_gradient_length(u3, 3, x, 2), sqrt(26.0) * sqrt(2.0 / 3.0), 1e-6, "EGL uniform 3 = sqrt(26) sqrt(1 - 1/3)");
	UNIT_CLOSE(al_sqnorm(x, 2), 25.0, 0.0, "sqnorm [3,4] = 25");
}

/* EGL over double features: the same values, and no overflow of ||x||^2. */
static void
test_egl_double_hand(void)
{
	float		p[] = {0.5f, 0.5f};
	float		hot[] = {0.0f, 1.0f};
	double		x[] = {3.0, 4.0};
	double		big[] = {1e200, 1e200};
	double		huge[] = {DBL_MAX, DBL_MAX};
	double		nan_x[] = {1.0, NAN};
	double		inf_x[] = {-INFINITY, 1.0};
	double		tiny[] = {0.1, 0.2};
	float		tiny_f[] = {0.1f, 0.2f};

	UNIT_CLOSE(al_expected_gradient_length_d(p, 2, x, 2), sqrt(13.0), 1e-14, "EGL_d([.5,.5], [3,4]) = sqrt(13)");
	UNIT_CLOSE(al_expected_gradient_length_d(p, 2, x, 0), sqrt(0.5), 1e-15, "EGL_d with empty x: ||(x,1)|| = 1");
	UNIT_CLOSE(al_bias_norm_d(x, 2), sqrt(26.0), 0.0, "bias norm [3,4] = sqrt(26)");
	/* ||(1e200, 1e200, 1)|| = sqrt(2) 1e200, times sqrt(.5): 1e200 */
	UNIT_CLOSE(al_bias_norm_d(big, 2), sqrt(2.0) * 1e200, 1e186, "bias norm [1e200,1e200] = sqrt(2) 1e200 (squares overflow)");
	UNIT_CLOSE(al_expected_gradient_length_d(p, 2, big, 2), 1e200, 1e186, "EGL_d([.5,.5], [1e200,1e200]) = 1e200");
	UNIT_CHECK(isinf(al_bias_norm_d(huge, 2)), "bias norm beyond DBL_MAX is +Infinity");
	UNIT_CHECK(isinf(al_expected_gradient_length_d(p, 2, huge, 2)), "EGL_d beyond DBL_MAX is +Infinity");
	UNIT_CHECK(al_expected_gradient_length_d(hot, 2, huge, 2) == 0.0, "EGL_d one-hot = 0 even beyond DBL_MAX");
	UNIT_CHECK(isnan(al_expected_gradient_length_d(p, 2, nan_x, 2)), "EGL_d NaN feature: NaN");
	UNIT_CHECK(isnan(al_expected_gradient_length_d(hot, 2, nan_x, 2)), "EGL_d NaN feature, one-hot p: NaN");
	UNIT_CHECK(isnan(al_expected_gradient_length_d(p, 2, inf_x, 2)), "EGL_d infinite feature: NaN");
	/* 0.1 as a double is not 0.1f: the double values are the features */
	UNIT_CHECK(al_expected_gradient_length_d(p, 2, tiny, 2) != al_expected_gradient_length(p, 2, tiny_f, 2),
			   "EGL_d uses the double values, not float4 roundings");
	UNIT_CLOSE(al_expected_gradient_length_d(p, 2, tiny, 2), sqrt(1.05) * sqrt(0.5), 1e-15,
			   "EGL_d([.5,.5], [.1,.2]) = sqrt(1.05) sqrt(.5)");
}

static void
test_committee_hand(void)
{
	float		split[] = {1, 0, 0, 1};
	float		flat[] = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
	float		agree[] = {0.25f, 0.75f, 0.25f, 0.75f, 0.25f, 0.75f};
	float		one[] = {0.125f, 0.5f, 0.375f};
	float		big[50 * 5];
	double		work[5];

	UNIT_CLOSE(al_vote_entropy(split, 2, 2, work), LN2, 1e-15, "vote entropy of a 1-1 split = ln 2");
	UNIT_CLOSE(al_consensus_entropy(split, 2, 2, work), LN2, 1e-15, "consensus entropy of a 1-1 split = ln 2");
	UNIT_CLOSE(al_bald(split, 2, 2, work), LN2, 1e-15, "BALD of confident disagreement = ln 2");
	UNIT_CLOSE(al_max_disagreement(split, 2, 2, work), LN2, 1e-15, "max disagreement of a 1-1 split = ln 2");

	UNIT_CHECK(al_vote_entropy(flat, 3, 2, work) == 0.0, "vote entropy: tied members all vote class 0");
	UNIT_CLOSE(al_consensus_entropy(flat, 3, 2, work), LN2, 1e-15, "consensus entropy of uniform members = ln 2");
	UNIT_CHECK(al_bald(flat, 3, 2, work) == 0.0, "BALD of identical members = 0");
	UNIT_CHECK(al_max_disagreement(flat, 3, 2, work) == 0.0, "max disagreement of identical members = 0");

	UNIT_CHECK(al_vote_entropy(agree, 3, 2, work) == 0.0, "vote entropy of agreeing committee = 0");
	UNIT_CHECK(al_bald(agree, 3, 2, work) == 0.0, "BALD of agreeing committee = 0");

	UNIT_CHECK(al_vote_entropy(one, 1, 3, work) == 0.0, "vote entropy of 1 member = 0");
	UNIT_CLOSE(al_consensus_entropy(one, 1, 3, work), al_entropy(one, 3), 0.0, "consensus entropy of 1 member = its entropy");
	UNIT_CHECK(al_bald(one, 1, 3, work) == 0.0, "BALD of 1 member = 0");
	UNIT_CHECK(al_max_disagreement(one, 1, 3, work) == 0.0, "max disagreement of 1 member = 0");

	/* 50 one-hot members split evenly over 5 classes */
	memset(big, 0, sizeof(big));
	for (int k = 0; k < 50; k++)
		big[k * 5 + k % 5] = 1.0f;
	UNIT_CLOSE(al_vote_entropy(big, 50, 5, work), log(5.0), 1e-15, "vote entropy 50 members over 5 classes = ln 5");
	UNIT_CLOSE(al_consensus_entropy(big, 50, 5, work), log(5.0), 1e-15, "consensus entropy 50 split = ln 5");
	UNIT_CLOSE(al_bald(big, 50, 5, work), log(5.0), 1e-15, "BALD 50 one-hot split = ln 5");
	UNIT_CLOSE(al_max_disagreement(big, 50, 5, work), log(5.0), 1e-15, "max disagreement 50 one-hot split = ln 5");
	al_committee_mean(big, 50, 5, work);
	UNIT_CHECK(work[0] == 0.2 && work[4] == 0.2, "committee mean of the split = 0.2 each");
	{
		double		sums[3] = {0.0, 0.0, 0.0};
		float		mean[3];

		al_accumulate(sums, one, 3);
		al_accumulate(sums, agree, 2);
		al_accumulate(sums + 1, agree, 2);
		al_mean_to_float(sums, 2.0, 3, mean);
		UNIT_CHECK(sums[0] == 0.375 && sums[1] == 1.5 && sums[2] == 1.125, "accumulate adds rows");
		UNIT_CHECK(mean[0] == 0.1875f && mean[1] == 0.75f && mean[2] == 0.5625f, "mean_to_float = sums / count");
	}
}

static void
test_builders_hand(void)
{
	double		z[] = {0.0, log(3.0)};
	double		z2[] = {0.0, 2.0 * log(3.0)};
	double		big[] = {1000.0, 1000.0, -1000.0};
	double		bad[] = {1.0, NAN, 2.0};
	double		w[] = {1.0, 3.0};
	double		neg[] = {1.0, -0.5};
	double		inf[] = {1.0, INFINITY};
	double		zero[] = {0.0, 0.0};
	double		huge[] = {DBL_MAX, DBL_MAX, 0.0};
	double		mzero[] = {-0.0, 2.0};
	float		out[3];
	int			at = -1;

	UNIT_CHECK(al_softmax(z, 2, 1.0, out, &at) == AL_VEC_OK, "softmax ok");
	UNIT_CLOSE(out[0], 0.25, 1e-7, "softmax [0, ln 3] -> 0.25");
	UNIT_CLOSE(out[1], 0.75, 1e-7, "softmax [0, ln 3] -> 0.75");
	al_softmax(z2, 2, 2.0, out, &at);
	UNIT_CLOSE(out[1], 0.75, 1e-7, "softmax [0, 2 ln 3] / 2 -> 0.75");
	al_softmax(big, 3, 1.0, out, &at);
	UNIT_CHECK(out[0] == 0.5f && out[1] == 0.5f && out[2] == 0.0f, "softmax does not overflow at 1000");
	UNIT_CHECK(al_softmax(bad, 3, 1.0, out, &at) == AL_VEC_NOT_FINITE && at == 1, "softmax NaN logit at 1");
	UNIT_CHECK(al_softmax(z, 0, 1.0, out, &at) == AL_VEC_EMPTY, "softmax empty");
	UNIT_CHECK(al_softmax(z, 2, 0.0, out, &at) == AL_VEC_BAD_TEMPERATURE, "softmax temperature 0");
	UNIT_CHECK(al_softmax(z, 2, -1.0, out, &at) == AL_VEC_BAD_TEMPERATURE, "softmax temperature -1");
	UNIT_CHECK(al_softmax(z, 2, NAN, out, &at) == AL_VEC_BAD_TEMPERATURE, "softmax temperature NaN");
	UNIT_CHECK(al_softmax(z, 2, INFINITY, out, &at) == AL_VEC_BAD_TEMPERATURE, "softmax temperature inf");
	UNIT_CHECK(al_softmax(z, 2, 1e-300, out, &at) == AL_VEC_OK && out[0] == 0.0f && out[1] == 1.0f, "softmax tiny temperature -> one-hot");

	UNIT_CHECK(al_normalize(w, 2, out, &at) == AL_VEC_OK && out[0] == 0.25f && out[1] == 0.75f, "normalize [1,3]");
	UNIT_CHECK(al_normalize(neg, 2, out, &at) == AL_VEC_NEGATIVE && at == 1, "normalize negative at 1");
	UNIT_CHECK(al_normalize(inf, 2, out, &at) == AL_VEC_NOT_FINITE && at == 1, "normalize inf at 1");
	UNIT_CHECK(al_normalize(zero, 2, out, &at) == AL_VEC_ZERO_SUM, "normalize all zero");
	UNIT_CHECK(al_normalize(w, 0, out, &at) == AL_VEC_EMPTY, "normalize empty");
	UNIT_CHECK(al_normalize(huge, 3, out, &at) == AL_VEC_OK && out[0] == 0.5f && out[1] == 0.5f && out[2] == 0.0f, "normalize overflowing sum");
	UNIT_CHECK(al_normalize(mzero, 2, out, &at) == AL_VEC_OK && out[0] == 0.0f && !signbit(out[0]) && out[1] == 1.0f, "normalize -0 gives +0");
}

/* ---- random distributions against the naive versions ---- */

static void
test_random(void)
{
	int			bad_argmax = 0,
				bad_top2 = 0,
				bad_entropy = 0,
				bad_kl = 0,
				bad_js = 0,
				bad_egl = 0,
				bad_egl_d = 0,
				bad_range = 0;

	for (int t = 0; t < 3000; t++)
	{
		int			n = 1 + (int) (rnd() * 40);
		float		p[64],
					q[64],
					x[16];
		double		qd[64],
					a,
					b,
					na,
					nb,
					h,
					js;
		int			nx = (int) (rnd() * 16);

		random_dist(p, n, t % 3, 0);
		random_dist(q, n, 0, 1);
		for (int i = 0; i < n; i++)
			qd[i] = q[i];
		for (int i = 0; i < nx; i++)
			x[i] = (float) (rnd() * 20.0 - 10.0);

		if (al_argmax(p, n) != naive_argmax(p, n))
			bad_argmax++;
		al_top2(p, n, &a, &b);
		naive_top2(p, n, &na, &nb);
		if (a != na || b != nb || al_max_prob(p, n) != na)
			bad_top2++;
		h = al_entropy(p, n);
		if (fabs(h - naive_entropy_f(p, n)) > 1e-13)
			bad_entropy++;
		if (fabs(al_kl_divergence(p, q, n) - naive_kl(p, qd, n)) > 1e-13)
			bad_kl++;
		{
			double		m[64],
						hq = naive_entropy_f(q, n);

			for (int i = 0; i < n; i++)
				m[i] = 0.5 * ((double) p[i] + q[i]);
			js = al_js_divergence(p, q, n);
			if (fabs(js - (naive_entropy(m, n) - 0.5 * (naive_entropy_f(p, n) + hq))) > 1e-13)
				bad_js++;
		}
		if (fabs(al_expected_gradient_length(p, n, x, nx) - naive_egl(p, n, x, nx)) >
			1e-12 * (1.0 + naive_egl(p, n, x, nx)))
			bad_egl++;
		{
			double		xd[64];

			for (int i = 0; i < nx; i++)
				xd[i] = x[i];
			if (al_expected_gradient_length_d(p, n, xd, nx) != al_expected_gradient_length(p, n, x, nx))
				bad_egl_d++;
		}
		if (h < 0.0 || h > log((double) n) + 1e-6 || js < 0.0 || js > LN2 + 1e-12 ||
			al_margin(p, n) < 0.0 || al_ratio_confidence(p, n) > 1.0)
			bad_range++;
	}
	UNIT_CHECK(bad_argmax == 0, "random: argmax = naive backward scan");
	UNIT_CHECK(bad_top2 == 0, "random: top2 and max_prob = sorted copy");
	UNIT_CHECK(bad_entropy == 0, "random: entropy = naive log2 entropy");
	UNIT_CHECK(bad_kl == 0, "random: KL = naive log difference");
	UNIT_CHECK(bad_js == 0, "random: JS = H(m) - (H(p) + H(q)) / 2");
	UNIT_CHECK(bad_egl == 0, "random: EGL = explicit gradient norms");
	UNIT_CHECK(bad_egl_d == 0, "random: EGL of double features = EGL of the same float4 values");
	UNIT_CHECK(bad_range == 0, "random: scores within their ranges");
}

static void
test_random_committee(void)
{
	int			bad_mean = 0,
				bad_vote = 0,
				bad_cons = 0,
				bad_bald = 0,
				bad_maxd = 0;

	for (int t = 0; t < 500; t++)
	{
		int			n = 1 + (int) (rnd() * 12);
		int			members = 1 + (int) (rnd() * 30);
		float		m[30 * 16];
		double		work[16],
					mean[16],
					votes[16] = {0},
					hsum = 0.0,
					maxd = 0.0;

		for (int k = 0; k < members; k++)
			random_dist(m + k * n, n, t % 3, 0);
		naive_mean(m, members, n, mean);
		al_committee_mean(m, members, n, work);
		for (int i = 0; i < n; i++)
			if (fabs(work[i] - mean[i]) > 1e-15)
				bad_mean++;
		for (int k = 0; k < members; k++)
		{
			double		kl = naive_kl(m + k * n, mean, n);

			votes[naive_argmax(m + k * n, n)] += 1.0 / members;
			hsum += naive_entropy_f(m + k * n, n);
			if (kl > maxd)
				maxd = kl;
		}
		if (fabs(al_vote_entropy(m, members, n, work) - naive_entropy(votes, n)) > 1e-13)
			bad_vote++;
		if (fabs(al_consensus_entropy(m, members, n, work) - naive_entropy(mean, n)) > 1e-13)
			bad_cons++;
		if (fabs(al_bald(m, members, n, work) - fmax(0.0, naive_entropy(mean, n) - hsum / members)) > 1e-13)
			bad_bald++;
		if (fabs(al_max_disagreement(m, members, n, work) - maxd) > 1e-13)
			bad_maxd++;
	}
	UNIT_CHECK(bad_mean == 0, "random committees: mean = class-by-class mean");
	UNIT_CHECK(bad_vote == 0, "random committees: vote entropy = naive");
	UNIT_CHECK(bad_cons == 0, "random committees: consensus entropy = naive");
	UNIT_CHECK(bad_bald == 0, "random committees: BALD = H(mean) - mean H");
	UNIT_CHECK(bad_maxd == 0, "random committees: max disagreement = naive max KL");
}

static void
test_random_builders(void)
{
	int			bad_softmax = 0,
				bad_norm = 0;

	for (int t = 0; t < 1000; t++)
	{
		int			n = 1 + (int) (rnd() * 30);
		double		z[32],
					e[32],
					s = 0.0,
					temp = 0.25 + rnd() * 4.0;
		float		out[32];
		int			at;

		for (int i = 0; i < n; i++)
		{
			z[i] = rnd() * 20.0 - 10.0;
			e[i] = exp(z[i] / temp);
			s += e[i];
		}
		if (al_softmax(z, n, temp, out, &at) != AL_VEC_OK)
			bad_softmax++;
		for (int i = 0; i < n; i++)
			if (fabs(out[i] - e[i] / s) > 1e-7 * (e[i] / s) + 1e-30)
				bad_softmax++;

		s = 0.0;
		for (int i = 0; i < n; i++)
			s += (z[i] = rnd() < 0.2 ? 0.0 : rnd() * 100.0);
		if (s == 0.0)
			s += (z[0] = 1.0);
		if (al_normalize(z, n, out, &at) != AL_VEC_OK)
			bad_norm++;
		for (int i = 0; i < n; i++)
			if (out[i] != (float) (z[i] / s))
				bad_norm++;
	}
	UNIT_CHECK(bad_softmax == 0, "random: softmax = exp(z/t) / sum exp(z/t) within float4 rounding");
	UNIT_CHECK(bad_norm == 0, "random: normalize = (float) (w / sum w)");
}

int
main(void)
{
	test_single_hand();
	test_divergence_hand();
	test_egl_hand();
	test_egl_double_hand();
	test_committee_hand();
	test_builders_hand();
	test_random();
	test_random_committee();
	test_random_builders();
	return unit_done();
}
