/*
 * test_seq_scores.c - unit tests of the sequence-level kernels
 * (src/core/seq_scores.c): hand-computed values on short sequences in float4
 * and float8, -Infinity tokens, -0, every rejected value with its position,
 * a sum past double's range, and 10,000-token sums checked against a
 * long double reference (and against the naive double sum they beat);
 * token entropies against -sum p ln p computed from p with log().
 */
#include <float.h>
#include <stdlib.h>

#include "seq_scores.h"
#include "unit.h"

#define LN2 0.69314718055994530942

/* A float8 run of n values. */
static al_logprobs
run8(const double *v, int n)
{
	al_logprobs lp = {NULL, v, n};

	return lp;
}

/* A float4 run of n values. */
static al_logprobs
run4(const float *v, int n)
{
	al_logprobs lp = {v, NULL, n};

	return lp;
}

/* Summarize v, which must be valid. */
static al_seq_summary
summary_of(al_logprobs lp)
{
	al_seq_summary s = {0};
	al_seq_error err;

	if (al_seq_summarize(&lp, &s, &err) != AL_SEQ_OK)
		printf("# unexpected rejection at token %d\n", err.token);
	return s;
}

/* Hand values of the four per-token scores. */
static void
test_sequence_hand(void)
{
	double		half[] = {log(0.5), log(0.5)};
	float		f[] = {-0.5f, -0.25f};
	double		with_zero[] = {-0.1, -INFINITY, -0.2};
	double		zeros[] = {-0.0, 0.0};
	double		tiny[] = {-1e-12};
	al_seq_summary s;

	s = summary_of(run8(half, 2));
	UNIT_CLOSE(al_sequence_least_confidence(&s), 0.75, 1e-15, "1 - 0.5 * 0.5 = 0.75");
	UNIT_CLOSE(al_mnlp(&s), LN2, 1e-15, "mnlp of two halves = ln 2");
	UNIT_CLOSE(al_min_token_probability(&s), 0.5, 1e-15, "min token probability 0.5");
	UNIT_CLOSE(al_token_least_confidence(&s), 0.5, 1e-15, "token least confidence 0.5");

	s = summary_of(run4(f, 2));
	UNIT_CHECK(s.sum == -0.75 && s.min == -0.5 && s.n == 2, "float4: sum -0.75, min -0.5");
	UNIT_CLOSE(al_sequence_least_confidence(&s), 1.0 - exp(-0.75), 1e-16, "float4: 1 - exp(-0.75)");
	UNIT_CLOSE(al_mnlp(&s), 0.375, 0, "float4: mnlp 0.375");
	UNIT_CLOSE(al_min_token_probability(&s), 0.60653065971263342, 1e-16, "float4: exp(-0.5)");
	UNIT_CLOSE(al_token_least_confidence(&s), 0.39346934028736658, 1e-16, "float4: 1 - exp(-0.5)");

	s = summary_of(run8(with_zero, 3));
	UNIT_CHECK(al_sequence_least_confidence(&s) == 1.0, "-Infinity token: sequence least confidence 1");
	UNIT_CHECK(isinf(al_mnlp(&s)) && al_mnlp(&s) > 0, "-Infinity token: mnlp +Infinity");
	UNIT_CHECK(al_min_token_probability(&s) == 0.0, "-Infinity token: min probability 0");
	UNIT_CHECK(al_token_least_confidence(&s) == 1.0, "-Infinity token: token least confidence 1");

	s = summary_of(run8(zeros, 2));
	UNIT_CHECK(al_sequence_least_confidence(&s) == 0.0 && !signbit(al_sequence_least_confidence(&s)),
			   "certain tokens (-0, 0): sequence least confidence +0");
	UNIT_CHECK(al_mnlp(&s) == 0.0 && !signbit(al_mnlp(&s)), "certain tokens: mnlp +0");
	UNIT_CHECK(al_min_token_probability(&s) == 1.0, "certain tokens: min probability 1");
	UNIT_CHECK(al_token_least_confidence(&s) == 0.0 && !signbit(al_token_least_confidence(&s)),
			   "certain tokens: token least confidence +0");

	/* 1 - exp(-1e-12) = 1e-12 - 5e-25 + ...: 1.0 - exp() keeps 4 digits */
	s = summary_of(run8(tiny, 1));
	UNIT_CLOSE(al_sequence_least_confidence(&s), 1e-12 - 5e-25, 1e-27,
			   "nearly certain: 1 - exp(-1e-12) to full precision (expm1)");
}

/* Every rejected value, with its 0-based position. */
static void
test_sequence_errors(void)
{
	double		nan_at_2[] = {-0.1, NAN, 0.5};
	double		pinf[] = {INFINITY};
	double		positive[] = {-1.0, -2.0, 1e-300};
	float		fpos[] = {-1.0f, 0.25f};
	al_seq_summary s;
	al_seq_error err = {0};
	al_logprobs lp;

	lp = run8(nan_at_2, 3);
	UNIT_CHECK(al_seq_summarize(&lp, &s, &err) == AL_SEQ_BAD_LOGPROB && err.token == 1
			   && isnan(err.value) && err.alternative == -1, "NaN rejected at token 1 (first culprit)");
	lp = run8(pinf, 1);
	UNIT_CHECK(al_seq_summarize(&lp, &s, &err) == AL_SEQ_BAD_LOGPROB && err.token == 0
			   && isinf(err.value), "+Infinity rejected");
	lp = run8(positive, 3);
	UNIT_CHECK(al_seq_summarize(&lp, &s, &err) == AL_SEQ_BAD_LOGPROB && err.token == 2
			   && err.value == 1e-300, "the tiniest positive value is rejected (no tolerance)");
	lp = run4(fpos, 2);
	UNIT_CHECK(al_seq_summarize(&lp, &s, &err) == AL_SEQ_BAD_LOGPROB && err.token == 1
			   && err.value == 0.25, "float4 positive value rejected at token 1");
	lp = run8(positive, 0);
	UNIT_CHECK(al_seq_summarize(&lp, &s, &err) == AL_SEQ_EMPTY, "empty sequence rejected");
}

/*
 * Sums: past double's range the mean is still right; 10,000 tokens sum to
 * within an ulp of a long double compensated reference in either order.
 */
static void
test_sequence_sums(void)
{
	double		huge[] = {-1e308, -1e308, -1e308};
	static double tenth[10000];
	static double rnd[10000];
	static double rev[10000];
	double		naive = 0.0;
	long double ref = 0.0L,
				c = 0.0L;
	unsigned long long state = 42;
	al_seq_summary s,
				r;

	s = summary_of(run8(huge, 3));
	UNIT_CHECK(isinf(s.sum) && s.sum < 0, "sum of 3 x -1e308 overflows to -Infinity");
	UNIT_CLOSE(al_mnlp(&s), 1e308, 1e293, "its mnlp is still 1e308 (scaled mean)");
	UNIT_CHECK(al_sequence_least_confidence(&s) == 1.0, "and its sequence least confidence 1");

	for (int i = 0; i < 10000; i++)
		tenth[i] = -0.1;
	s = summary_of(run8(tenth, 10000));
	for (int i = 0; i < 10000; i++)
		naive += tenth[i];
	/* exact: 10000 * 0.1000000000000000055511... = 1000.00000000000005551 */
	UNIT_CHECK(s.sum == -1000.0, "10,000 x -0.1 sums to -1000 exactly (rounded)");
	UNIT_CHECK(naive != -1000.0, "where the naive double sum does not");
	printf("# naive sum %.17g, compensated %.17g\n", naive, s.sum);

	for (int i = 0; i < 10000; i++)
	{
		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		rnd[i] = -20.0 * (double) (state >> 11) / 9007199254740992.0;
		rev[9999 - i] = rnd[i];
	}
	for (int i = 0; i < 10000; i++)
	{
		long double y = (long double) rnd[i] - c;
		long double t = ref + y;

		c = (t - ref) - y;
		ref = t;
	}
	s = summary_of(run8(rnd, 10000));
	r = summary_of(run8(rev, 10000));
	UNIT_CLOSE(s.sum, (double) ref, fabs((double) ref) * DBL_EPSILON,
			   "10,000 random tokens: sum within an ulp of the long double reference");
	UNIT_CLOSE(r.sum, (double) ref, fabs((double) ref) * DBL_EPSILON,
			   "the same tokens reversed: within an ulp too");
	UNIT_CLOSE(al_mnlp(&s), -(double) ref / 10000, fabs((double) ref) / 10000 * 2 * DBL_EPSILON,
			   "10,000 random tokens: mnlp = -sum / n");
}

/* -sum p ln p - r ln r by the other route (log of p, not the given x). */
static double
entropy_by_p(const double *x, int k)
{
	double		h = 0.0,
				m = 0.0;

	for (int j = 0; j < k; j++)
	{
		double		p = exp(x[j]);

		m += p;
		if (p > 0)
			h -= p * log(p);
	}
	if (1.0 - m > 0)
		h -= (1.0 - m) * log(1.0 - m);
	return h;
}

/* Token entropies: hand values, padding, the rest as an outcome, errors. */
static void
test_token_entropies(void)
{
	double		two_halves[] = {log(0.5), log(0.5)};
	double		padded[] = {-0.1, -INFINITY, -1.0, -2.0};
	double		one_hot[] = {0.0, -INFINITY};
	float		f1[] = {-0.5f};
	double		over_tol[] = {0.0, -10.0};
	double		nan_at[] = {-1.0, -2.0, NAN, -0.5};
	double		no_mass[] = {-1.0, -2.0, -INFINITY, -INFINITY};
	double		mass_over[] = {-0.1, -0.2};
	double		mean = -1,
				max = -1;
	al_seq_error err = {0};
	al_logprobs lp;
	double		h0,
				h1,
				pr;

	lp = run8(two_halves, 2);
	UNIT_CHECK(al_token_entropies(&lp, 2, &mean, &max, &err) == AL_SEQ_OK, "two halves accepted");
	UNIT_CLOSE(mean, LN2, 1e-14, "two halves: entropy ln 2");
	UNIT_CLOSE(max, LN2, 1e-14, "two halves: max = mean for one token");

	/* token 1: p = e^-0.1 and padding; token 2: e^-1, e^-2 and the rest */
	lp = run8(padded, 4);
	UNIT_CHECK(al_token_entropies(&lp, 2, &mean, &max, &err) == AL_SEQ_OK, "padded rows accepted");
	h0 = entropy_by_p(padded, 1);
	h1 = entropy_by_p(padded + 2, 2);
	pr = 1 - exp(-0.1);
	UNIT_CLOSE(h0, exp(-0.1) * 0.1 - pr * log(pr), 1e-15, "reference: binary entropy of e^-0.1");
	UNIT_CLOSE(mean, (h0 + h1) / 2, 1e-15, "padded: mean token entropy");
	UNIT_CLOSE(max, h1, 1e-15, "padded: max token entropy is token 2's");
	UNIT_CLOSE(h1, 0.98610, 1e-5, "token 2 by hand: .36788 + .27067 + .49679 * .69960");

	lp = run8(one_hot, 2);
	UNIT_CHECK(al_token_entropies(&lp, 2, &mean, &max, &err) == AL_SEQ_OK && mean == 0.0
			   && !signbit(mean) && max == 0.0, "one-hot token: entropy +0");

	lp = run4(f1, 1);
	UNIT_CHECK(al_token_entropies(&lp, 1, &mean, &max, &err) == AL_SEQ_OK, "float4 k = 1 accepted");
	UNIT_CLOSE(mean, 0.5 * exp(-0.5) - (1 - exp(-0.5)) * log(1 - exp(-0.5)), 1e-15,
			   "float4 k = 1: the token and the rest as two outcomes");

	/* 1 + e^-10 is within the tolerance: no rest, values as given */
	lp = run8(over_tol, 2);
	UNIT_CHECK(al_token_entropies(&lp, 2, &mean, &max, &err) == AL_SEQ_OK, "mass 1 + 4.5e-5 accepted");
	UNIT_CLOSE(mean, 10.0 * exp(-10.0), 1e-18, "mass within tolerance: no rest term");

	lp = run8(nan_at, 4);
	UNIT_CHECK(al_token_entropies(&lp, 2, &mean, &max, &err) == AL_SEQ_BAD_LOGPROB
			   && err.token == 1 && err.alternative == 0 && isnan(err.value),
			   "NaN rejected at token 1, alternative 0");
	lp = run8(no_mass, 4);
	UNIT_CHECK(al_token_entropies(&lp, 2, &mean, &max, &err) == AL_SEQ_NO_MASS && err.token == 1,
			   "a token of only -Infinity rejected");
	lp = run8(mass_over, 2);
	UNIT_CHECK(al_token_entropies(&lp, 2, &mean, &max, &err) == AL_SEQ_MASS_OVER && err.token == 0
			   && fabs(err.value - (exp(-0.1) + exp(-0.2))) < 1e-15, "mass 1.72 rejected with its value");
	lp = run8(mass_over, 0);
	UNIT_CHECK(al_token_entropies(&lp, 2, &mean, &max, &err) == AL_SEQ_EMPTY, "no token rejected");
}

/* Random top-5 rows, some padded: against entropy_by_p, in float4 too. */
static void
test_token_entropies_random(void)
{
	static double x[2000 * 5];
	static float xf[2000 * 5];
	unsigned long long state = 7;
	double		mean,
				max,
				ref_sum = 0.0,
				ref_max = 0.0,
				meanf,
				maxf;
	al_seq_error err;
	al_logprobs lp;

	/* each row: 5 weights scaled to a mass in [0.3, 1), some padded */
	for (int t = 0; t < 2000; t++)
	{
		double		w[6],
					sum = 0.0;

		for (int j = 0; j < 6; j++)
		{
			state = state * 6364136223846793005ULL + 1442695040888963407ULL;
			w[j] = (double) (state >> 11) / 9007199254740992.0;
			sum += j < 5 ? w[j] : 0.0;
		}
		for (int j = 0; j < 5; j++)
		{
			x[5 * t + j] = log(w[j] / sum * (0.3 + 0.7 * w[5]));
			if (j == 4 && (state >> 60) < 4)
				x[5 * t + j] = -INFINITY;
			xf[5 * t + j] = (float) x[5 * t + j];
		}
	}
	for (int t = 0; t < 2000; t++)
	{
		double		h = entropy_by_p(x + 5 * t, 5);

		ref_sum += h;
		ref_max = h > ref_max ? h : ref_max;
	}
	lp = run8(x, 2000 * 5);
	UNIT_CHECK(al_token_entropies(&lp, 5, &mean, &max, &err) == AL_SEQ_OK, "2,000 random top-5 rows");
	UNIT_CLOSE(mean, ref_sum / 2000, 1e-12, "random: mean token entropy");
	UNIT_CLOSE(max, ref_max, 1e-13, "random: max token entropy");
	lp = run4(xf, 2000 * 5);
	UNIT_CHECK(al_token_entropies(&lp, 5, &meanf, &maxf, &err) == AL_SEQ_OK, "the same rows in float4");
	UNIT_CLOSE(meanf, mean, 1e-6, "float4 rows: close to the float8 result");
}

int
main(void)
{
	test_sequence_hand();
	test_sequence_errors();
	test_sequence_sums();
	test_token_entropies();
	test_token_entropies_random();
	return unit_done();
}
