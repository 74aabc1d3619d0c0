/*
 * seq_scores.c - the sequence-level uncertainty kernels declared in
 * seq_scores.h.
 *
 * The per-token scores are functions of one summary (sum, mean and minimum
 * of the log-probabilities), taken in a single pass that also validates
 * every value.  Sums are compensated (Neumaier), so a 10,000-token sequence
 * sums to within an ulp or two of the exact value whatever the order.  No
 * allocation anywhere.  See doc/scores.md for the formulas and decisions.
 */
#include <math.h>
#include <stddef.h>

#include "seq_scores.h"

/* A compensated (Neumaier) running sum. */
typedef struct comp_sum
{
	double		s;
	double		c;				/* the low-order bits lost so far */
} comp_sum;

/* Add x to a compensated sum. */
static inline void
comp_add(comp_sum *a, double x)
{
	double		t = a->s + x;

	if (fabs(a->s) >= fabs(x))
		a->c += (a->s - t) + x;
	else
		a->c += (x - t) + a->s;
	a->s = t;
}

/*
 * The value of a compensated sum.  Once the running sum is infinite the
 * correction is meaningless (inf - inf): the sum is that infinity.
 */
static inline double
comp_value(const comp_sum *a)
{
	return isfinite(a->s) ? a->s + a->c : a->s;
}

/* Value i of a run of log-probabilities, in double. */
static inline double
lp_at(const al_logprobs *lp, int i)
{
	return lp->f4 ? (double) lp->f4[i] : lp->f8[i];
}

/*
 * Is x a log-probability: at most 0 (-0 and -Infinity included), not NaN?
 * One comparison: NaN compares false.
 */
static inline int
is_logprob(double x)
{
	return x <= 0.0;
}

/* Fill err and return status. */
static al_seq_status
seq_fail(al_seq_error *err, al_seq_status status, int token, int alternative,
		 double value)
{
	err->token = token;
	err->alternative = alternative;
	err->value = value;
	return status;
}

/*
 * The mean of n finite log-probabilities whose sum overflowed double:
 * summed as x / n, which cannot overflow (n >= 2 when a sum of values of
 * at most DBL_MAX in magnitude overflows).
 */
static double
scaled_mean(const al_logprobs *lp)
{
	comp_sum	acc = {0.0, 0.0};

	for (int i = 0; i < lp->n; i++)
		comp_add(&acc, lp_at(lp, i) / lp->n);
	return comp_value(&acc);
}

/*
 * One pass over the per-token log-probabilities of a sequence: checks every
 * value and returns their compensated sum, mean and minimum.  -Infinity
 * tokens make the sum, mean and minimum -Infinity; they are kept out of the
 * compensated sum, whose correction they would turn into NaN.
 */
al_seq_status
al_seq_summarize(const al_logprobs *lp, al_seq_summary *out, al_seq_error *err)
{
	comp_sum	acc = {0.0, 0.0};
	double		min = 0.0;
	int			zero_prob = 0;

	if (lp->n < 1)
		return seq_fail(err, AL_SEQ_EMPTY, 0, -1, 0.0);
	for (int i = 0; i < lp->n; i++)
	{
		double		x = lp_at(lp, i);

		if (!is_logprob(x))
			return seq_fail(err, AL_SEQ_BAD_LOGPROB, i, -1, x);
		min = x < min ? x : min;
		if (isinf(x))
			zero_prob = 1;
		else
			comp_add(&acc, x);
	}
	out->n = lp->n;
	out->min = min;
	out->sum = zero_prob ? -INFINITY : comp_value(&acc);
	out->mean = out->sum / lp->n;
	if (isinf(out->sum) && !zero_prob)
		out->mean = scaled_mean(lp);
	return AL_SEQ_OK;
}

/*
 * 1 - P(sequence) = 1 - exp(sum), written -expm1(sum) so that a nearly
 * certain sequence keeps its digits (1 - exp(-1e-12) would lose most).
 */
double
al_sequence_least_confidence(const al_seq_summary *s)
{
	return 0.0 - expm1(s->sum);		/* 0.0 - x: never -0 */
}

/*
 * The negated maximum normalized log-probability of Shen et al. (2017):
 * -(sum / n), the negative mean log-probability per token, in [0, +inf].
 * Negated so that, like every al score, higher = more uncertain.
 */
double
al_mnlp(const al_seq_summary *s)
{
	return 0.0 - s->mean;
}

/* The probability of the least likely generated token: exp(min). */
double
al_min_token_probability(const al_seq_summary *s)
{
	return exp(s->min);
}

/* 1 - the probability of the least likely token: -expm1(min). */
double
al_token_least_confidence(const al_seq_summary *s)
{
	return 0.0 - expm1(s->min);
}

/*
 * Entropy in nats of one token's top-k log-probabilities x[0..k-1]
 * (-Infinity = padding, probability 0), with the probability missing from
 * the top k, 1 - sum exp(x), counted as one more outcome.  That is a lower
 * bound of the entropy over the whole vocabulary: merging outcomes never
 * raises an entropy.  Each term -p ln p is -exp(x) x, with no log.
 */
static al_seq_status
token_entropy(const al_logprobs *lp, int token, int k, double *h,
			  al_seq_error *err)
{
	double		mass = 0.0;
	double		e = 0.0;
	double		rest;

	for (int j = 0; j < k; j++)
	{
		double		x = lp_at(lp, token * k + j);
		double		p;

		if (!is_logprob(x))
			return seq_fail(err, AL_SEQ_BAD_LOGPROB, token, j, x);
		if (isinf(x))
			continue;
		p = exp(x);
		mass += p;
		e -= p * x;
	}
	if (mass == 0.0)
		return seq_fail(err, AL_SEQ_NO_MASS, token, -1, mass);
	if (mass > 1.0 + AL_SEQ_MASS_TOLERANCE)
		return seq_fail(err, AL_SEQ_MASS_OVER, token, -1, mass);
	rest = 1.0 - mass;
	if (rest > 0.0)
		e -= rest * log(rest);
	*h = 0.0 + e;				/* 0.0 + e: a one-hot row gives +0 */
	return AL_SEQ_OK;
}

/*
 * Mean and maximum token entropy of a tokens x k row-major matrix of top-k
 * log-probabilities (lp->n = tokens * k values), checking every value.
 */
al_seq_status
al_token_entropies(const al_logprobs *lp, int k, double *mean, double *max,
				   al_seq_error *err)
{
	comp_sum	acc = {0.0, 0.0};
	int			tokens;
	double		top = 0.0;

	if (lp->n < 1 || k < 1)
		return seq_fail(err, AL_SEQ_EMPTY, 0, -1, 0.0);
	tokens = lp->n / k;
	for (int t = 0; t < tokens; t++)
	{
		double		h = 0.0;
		al_seq_status st = token_entropy(lp, t, k, &h, err);

		if (st != AL_SEQ_OK)
			return st;
		comp_add(&acc, h);
		top = h > top ? h : top;
	}
	*mean = comp_value(&acc) / tokens;
	*max = top;
	return AL_SEQ_OK;
}
