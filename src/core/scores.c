/*
 * scores.c - the score kernels declared in scores.h.
 *
 * Every kernel is one short loop in double precision over float4 input, with
 * no allocation, so the SQL wrappers can call it once per row at the cost of
 * reading the row.  See doc/scores.md for the formulas and edge cases.
 */
#include <math.h>
#include <stddef.h>

#include "scores.h"

/* p ln p with the convention 0 ln 0 = 0 (the limit as p -> 0). */
static inline double
plogp(double p)
{
	return p > 0.0 ? p * log(p) : 0.0;
}

/* One term p ln(p / q) of a KL divergence: 0 when p = 0, +inf when q = 0. */
static inline double
kl_term(double p, double q)
{
	if (p <= 0.0)
		return 0.0;
	if (q <= 0.0)
		return INFINITY;
	return p * log(p / q);
}

/*
 * Index of the largest value, ties to the lowest index (only a strictly
 * larger value moves it), so every score that depends on "the predicted
 * class" agrees with al.argmax.
 */
int
al_argmax(const float *p, int n)
{
	int			best = 0;
	float		bv = p[0];

	for (int i = 1; i < n; i++)
	{
		int			up = p[i] > bv;

		/* selects, not branches: the updates are unpredictable */
		best = up ? i : best;
		bv = up ? p[i] : bv;
	}
	return best;
}

/* The largest probability: the model's confidence in its prediction. */
double
al_max_prob(const float *p, int n)
{
	float		best = p[0];

	for (int i = 1; i < n; i++)
		best = p[i] > best ? p[i] : best;
	return (double) best;
}

/*
 * The two largest values p(1) >= p(2) in one pass; a tie between the top
 * classes gives p(1) = p(2).  With a single class p(2) is 0: the second
 * class has probability zero, so the margin is p(1).
 */
void
al_top2(const float *p, int n, double *first, double *second)
{
	float		a = p[0];
	float		b = 0.0f;

	/* b = max(b, min(a, v)), a = max(a, v): branch-free min/max */
	for (int i = 1; i < n; i++)
	{
		float		v = p[i];
		float		lo = v > a ? a : v;

		a = v > a ? v : a;
		b = lo > b ? lo : b;
	}
	*first = a;
	*second = b;
}

/* p(1) - p(2): small when the model hesitates between its top two classes. */
double
al_margin(const float *p, int n)
{
	double		a,
				b;

	al_top2(p, n, &a, &b);
	return a - b;
}

/* 1 - max p: high when the model is unsure of its prediction. */
double
al_least_confidence(const float *p, int n)
{
	return 1.0 - al_max_prob(p, n);
}

/* 1 - (p(1) - p(2)): the margin turned into a "higher = query first" score. */
double
al_margin_confidence(const float *p, int n)
{
	return 1.0 - al_margin(p, n);
}

/*
 * p(2) / p(1), in [0, 1].  p(1) = 0 cannot happen for a valid distribution;
 * should it, every value is 0 and the classes are all tied, so return 1.
 */
double
al_ratio_confidence(const float *p, int n)
{
	double		a,
				b;

	al_top2(p, n, &a, &b);
	return a > 0.0 ? b / a : 1.0;
}

/* Shannon entropy -sum p ln p of float4 values, in nats. */
double
al_entropy(const float *p, int n)
{
	double		s = 0.0;

	for (int i = 0; i < n; i++)
		s += plogp((double) p[i]);
	return 0.0 - s;				/* 0.0 - s: never -0 */
}

/* Shannon entropy of a distribution held in double (a committee mean). */
double
al_entropy_d(const double *q, int n)
{
	double		s = 0.0;

	for (int i = 0; i < n; i++)
		s += plogp(q[i]);
	return 0.0 - s;
}

/*
 * KL(p || q) = sum p ln(p / q): +Infinity as soon as some q_i = 0 < p_i.
 * Computed on the stored values without clamping, so it can be very slightly
 * negative when p and q do not sum exactly to 1.
 */
double
al_kl_divergence(const float *p, const float *q, int n)
{
	double		s = 0.0;

	for (int i = 0; i < n; i++)
		s += kl_term((double) p[i], (double) q[i]);
	return s;
}

/*
 * Jensen-Shannon divergence (KL(p || m) + KL(q || m)) / 2 with m = (p + q) / 2:
 * symmetric, always finite, at most ln 2.  It equals H(m) - (H(p) + H(q)) / 2,
 * which is >= 0 for any non-negative vectors, so a rounding residue below 0
 * is clamped to 0.
 */
double
al_js_divergence(const float *p, const float *q, int n)
{
	double		s = 0.0;

	for (int i = 0; i < n; i++)
	{
		double		a = p[i];
		double		b = q[i];
		double		m = 0.5 * (a + b);

		s += kl_term(a, m) + kl_term(b, m);
	}
	s *= 0.5;
	return s > 0.0 ? s : 0.0;
}

/* Squared Euclidean norm of a float4 vector, accumulated in double. */
double
al_sqnorm(const float *x, int n)
{
	double		s = 0.0;

	for (int i = 0; i < n; i++)
		s += (double) x[i] * (double) x[i];
	return s;
}

/*
 * sum_y p_y ||p - e_y||: the label-dependent factor of the expected gradient
 * length.  ||p - e_y||^2 = sum p^2 - 2 p_y + 1; rounding can leave a tiny
 * negative value where the true one is 0 (one-hot p), hence the clamp.
 * Classes with p_y = 0 contribute nothing and are skipped.
 */
double
al_egl_label_term(const float *p, int n)
{
	double		s2 = 0.0;
	double		s = 0.0;

	for (int i = 0; i < n; i++)
		s2 += (double) p[i] * (double) p[i];
	for (int i = 0; i < n; i++)
	{
		double		py = p[i];
		double		d2;

		if (py <= 0.0)
			continue;
		d2 = s2 - 2.0 * py + 1.0;
		s += py * sqrt(d2 > 0.0 ? d2 : 0.0);
	}
	return s;
}

/*
 * Expected gradient length of a softmax-regression model with bias: the
 * cross-entropy gradient for label y with respect to (W, b) is the outer
 * product (p - e_y) (x, 1)^T, whose norm is ||p - e_y|| ||(x, 1)||; its
 * expectation over y ~ p is ||(x, 1)|| sum_y p_y ||p - e_y||.  An empty x is
 * a bias-only model: ||(x, 1)|| = 1.
 */
double
al_expected_gradient_length(const float *p, int n, const float *x, int nx)
{
	return sqrt(1.0 + al_sqnorm(x, nx)) * al_egl_label_term(p, n);
}

/*
 * ||(x, 1)|| of double features.  The plain sum of squares unless it
 * overflows; then the sum is taken over x / max |x_i|, so only a norm
 * beyond DBL_MAX is +Infinity.  NaN when some feature is NaN or infinite.
 */
double
al_bias_norm_d(const double *x, int n)
{
	double		s = 0.0;
	double		m = 1.0;

	for (int i = 0; i < n; i++)
		s += x[i] * x[i];
	if (isfinite(s))
		return sqrt(1.0 + s);	/* as al_expected_gradient_length sums */
	for (int i = 0; i < n; i++)
	{
		if (!isfinite(x[i]))
			return NAN;
		if (fabs(x[i]) > m)
			m = fabs(x[i]);
	}
	s = (1.0 / m) * (1.0 / m);
	for (int i = 0; i < n; i++)
		s += (x[i] / m) * (x[i] / m);
	return m * sqrt(s);
}

/*
 * The expected gradient length of al_expected_gradient_length for double
 * features (the values used as given, not rounded to float4).  NaN when a
 * feature is not finite; +Infinity only when the true value exceeds
 * DBL_MAX; 0 for a one-hot p whatever the (finite) norm.
 */
double
al_expected_gradient_length_d(const float *p, int n, const double *x, int nx)
{
	double		norm = al_bias_norm_d(x, nx);
	double		t;

	if (isnan(norm))
		return norm;
	t = al_egl_label_term(p, n);
	return t == 0.0 ? 0.0 : norm * t;
}

/* sums += p: the one accumulation step of every mean of distributions. */
void
al_accumulate(double *sums, const float *p, int n)
{
	for (int i = 0; i < n; i++)
		sums[i] += (double) p[i];
}

/*
 * The mean of count accumulated distributions, sums / count, rounded to
 * float4 (the final step of al.consensus).
 */
void
al_mean_to_float(const double *sums, double count, int n, float *out)
{
	for (int i = 0; i < n; i++)
		out[i] = (float) (sums[i] / count);
}

/* The members' mean distribution, in double, into mean[0..n-1]. */
void
al_committee_mean(const float *m, int members, int n, double *mean)
{
	for (int i = 0; i < n; i++)
		mean[i] = 0.0;
	for (int k = 0; k < members; k++)
		al_accumulate(mean, m + (size_t) k * n, n);
	for (int i = 0; i < n; i++)
		mean[i] /= members;
}

/*
 * Entropy of the hard-vote distribution: each member votes for its argmax
 * (ties to the lowest class, as al.argmax), the vote shares are counts /
 * members.  work holds the n vote counts.
 */
double
al_vote_entropy(const float *m, int members, int n, double *work)
{
	for (int i = 0; i < n; i++)
		work[i] = 0.0;
	for (int k = 0; k < members; k++)
		work[al_argmax(m + (size_t) k * n, n)] += 1.0;
	for (int i = 0; i < n; i++)
		work[i] /= members;
	return al_entropy_d(work, n);
}

/* Entropy of the members' mean distribution (the committee's consensus). */
double
al_consensus_entropy(const float *m, int members, int n, double *work)
{
	al_committee_mean(m, members, n, work);
	return al_entropy_d(work, n);
}

/*
 * max over members of KL(member || mean).  The mean is positive wherever a
 * member is, so every term is finite.  Their average is the BALD score,
 * which is >= 0, so the maximum is too: a rounding residue below 0 is
 * clamped.
 */
double
al_max_disagreement(const float *m, int members, int n, double *work)
{
	double		best = 0.0;

	al_committee_mean(m, members, n, work);
	for (int k = 0; k < members; k++)
	{
		const float *row = m + (size_t) k * n;
		double		s = 0.0;

		for (int i = 0; i < n; i++)
			s += kl_term((double) row[i], work[i]);
		if (s > best)
			best = s;
	}
	return best;
}

/*
 * BALD, the mutual information between label and member: H(mean) - mean of
 * H(member).  Non-negative since entropy is concave, so a rounding residue
 * below 0 (all members equal) is clamped.
 */
double
al_bald(const float *m, int members, int n, double *work)
{
	double		h = 0.0;
	double		r;

	for (int k = 0; k < members; k++)
		h += al_entropy(m + (size_t) k * n, n);
	r = al_consensus_entropy(m, members, n, work) - h / members;
	return r > 0.0 ? r : 0.0;
}

/*
 * softmax(z / temperature) into float4, computed in double with the maximum
 * subtracted first so no exp() overflows.  exp() is evaluated twice per
 * element (sum, then output) rather than rounding the numerators to float4
 * before dividing.  *bad receives the 0-based index of a non-finite logit.
 */
al_vec_status
al_softmax(const double *z, int n, double temperature, float *out, int *bad)
{
	double		zmax;
	double		sum = 0.0;

	if (!(temperature > 0.0) || isinf(temperature))
		return AL_VEC_BAD_TEMPERATURE;
	if (n < 1)
		return AL_VEC_EMPTY;
	zmax = z[0];
	for (int i = 0; i < n; i++)
	{
		if (!isfinite(z[i]))
		{
			*bad = i;
			return AL_VEC_NOT_FINITE;
		}
		if (z[i] > zmax)
			zmax = z[i];
	}
	for (int i = 0; i < n; i++)
		sum += exp((z[i] - zmax) / temperature);
	for (int i = 0; i < n; i++)
		out[i] = (float) (exp((z[i] - zmax) / temperature) / sum);
	return AL_VEC_OK;
}

/*
 * w / sum w into float4, computed in double.  Weights must be finite and
 * non-negative, and not all zero.  Should the sum overflow, every weight is
 * first divided by the largest one.  A weight of -0 gives +0.
 */
al_vec_status
al_normalize(const double *w, int n, float *out, int *bad)
{
	double		sum = 0.0;
	double		wmax = 0.0;
	double		scale = 1.0;

	if (n < 1)
		return AL_VEC_EMPTY;
	for (int i = 0; i < n; i++)
	{
		*bad = i;
		if (!isfinite(w[i]))
			return AL_VEC_NOT_FINITE;
		if (w[i] < 0.0)
			return AL_VEC_NEGATIVE;
		sum += w[i];
		if (w[i] > wmax)
			wmax = w[i];
	}
	if (sum == 0.0)
		return AL_VEC_ZERO_SUM;
	if (isinf(sum))
	{
		scale = wmax;
		sum = 0.0;
		for (int i = 0; i < n; i++)
			sum += w[i] / scale;
	}
	for (int i = 0; i < n; i++)
		out[i] = w[i] == 0.0 ? 0.0f : (float) ((w[i] / scale) / sum);
	return AL_VEC_OK;
}
