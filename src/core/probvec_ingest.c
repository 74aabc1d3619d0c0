/*
 * probvec_ingest.c - kernels that turn outside predictions into probvec
 * values (see probvec_ingest.h and doc/probvec.md).
 *
 * Every value check is al_probvec.c's (al_pv_check_count, al_pv_check_value,
 * al_pv_check_sum): the strict casts, the tolerant constructors and the
 * non-raising problem checks all reach the same functions, so a value is
 * refused for the same reason, with the same text, whichever way it comes.
 */
#include "probvec_ingest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A tolerance is valid when finite, at least 0 and below 1. */
int
al_pv_tolerance_valid(double tolerance)
{
	return tolerance >= 0.0 && tolerance < 1.0;
}

/* Order of two byte strings: memcmp order, a prefix first. */
static int
compare_bytes(const char *a, int alen, const char *b, int blen)
{
	int			c = 0;
	int			len = alen < blen ? alen : blen;

	if (len > 0)
		c = memcmp(a, b, (size_t) len);
	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

/* qsort order of class names: by bytes, then by position in the list. */
static int
compare_class_names(const void *a, const void *b)
{
	const al_class_name *x = (const al_class_name *) a;
	const al_class_name *y = (const al_class_name *) b;
	int			c = compare_bytes(x->name, x->len, y->name, y->len);

	if (c != 0)
		return c;
	return (x->index > y->index) - (x->index < y->index);
}

/*
 * Sort a class list (names[i].index set by the caller) for
 * al_pv_class_find, and refuse a name given twice: AL_PV_DUP_CLASS with the
 * name, position = its second 1-based position, value = its first.
 */
al_pv_status
al_pv_class_names_sort(al_class_name *names, int n, al_pv_error *err)
{
	int			i;

	memset(err, 0, sizeof(*err));
	if (n > 1)
		qsort(names, (size_t) n, sizeof(al_class_name), compare_class_names);
	for (i = 1; i < n; i++)
	{
		if (compare_bytes(names[i - 1].name, names[i - 1].len,
						  names[i].name, names[i].len) == 0)
		{
			err->status = AL_PV_DUP_CLASS;
			err->name = names[i].name;
			err->name_len = names[i].len;
			err->position = names[i].index + 1;
			err->value = names[i - 1].index + 1;
			return err->status;
		}
	}
	return AL_PV_OK;
}

/* ASCII white space, as LLM tokens carry it (" billing", "bug\n"). */
static int
is_token_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * The 0-based position in the class list of the class named key (len
 * bytes), or -1.  With trim, ASCII white space at both ends of the key is
 * ignored.  Exact byte comparison otherwise (case-sensitive).
 */
int
al_pv_class_find(const al_class_name *sorted, int n, const char *key, int len,
				 int trim)
{
	int			lo = 0;
	int			hi = n - 1;

	while (trim && len > 0 && is_token_space(key[0]))
		key++, len--;
	while (trim && len > 0 && is_token_space(key[len - 1]))
		len--;
	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = compare_bytes(key, len, sorted[mid].name, sorted[mid].len);

		if (c == 0)
			return sorted[mid].index;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Record a log-probability problem of token t (0-based). */
static al_pv_status
logprob_error(al_pv_error *err, al_pv_status status, int position, double value)
{
	err->status = status;
	err->position = position;
	err->value = value;
	return status;
}

/*
 * out = mass / sum of mass (k classes).  A zero sum is no distribution:
 * AL_PV_NO_CLASS_TOKEN when no token was a class (position = the token
 * count), else AL_PV_ZERO_MASS.
 */
static al_pv_status
normalize_mass(const double *mass, int k, int n_tokens, int n_class_tokens,
			   float *out, al_pv_error *err)
{
	double		sum = 0.0;
	int			c;

	for (c = 0; c < k; c++)
		sum += mass[c];
	if (!(sum > 0.0))
		return logprob_error(err, n_class_tokens == 0 ? AL_PV_NO_CLASS_TOKEN :
							 AL_PV_ZERO_MASS, n_tokens, 0.0);
	for (c = 0; c < k; c++)
		out[c] = (float) (mass[c] / sum);
	return AL_PV_OK;
}

/*
 * Renormalize over the classes in the log domain: p_c proportional to the
 * sum over c's tokens of exp(logprob - max), the max over every class
 * token, so log-probabilities far below exp's range (-1000) still give a
 * distribution.  Classes without a token get 0.
 */
static al_pv_status
logprobs_softmax(const double *logprob, const int *class_of, int n_tokens,
				 int k, int n_class_tokens, double *mass, float *out,
				 al_pv_error *err)
{
	double		top = -INFINITY;
	int			t;

	for (t = 0; t < n_tokens; t++)
		if (class_of[t] >= 0 && logprob[t] > top)
			top = logprob[t];
	memset(mass, 0, sizeof(double) * (size_t) k);
	if (top == -INFINITY)
		return normalize_mass(mass, k, n_tokens, n_class_tokens, out, err);
	for (t = 0; t < n_tokens; t++)
		if (class_of[t] >= 0)
			mass[class_of[t]] += exp(logprob[t] - top);
	return normalize_mass(mass, k, n_tokens, n_class_tokens, out, err);
}

/*
 * Label-token log-probabilities to a distribution over k classes.
 * logprob[t] is token t's natural log-probability (-Infinity allowed: 0
 * probability; NaN or above 0 refused), class_of[t] its 0-based class or -1
 * for a token that is no class; tokens of the same class add up.  rest says
 * where the probability not on a class goes:
 *  - AL_REST_RENORMALIZE: nowhere, the classes are renormalized;
 *  - AL_REST_OTHER: class other gets 1 - the sum of the other classes;
 *  - AL_REST_ABSENT: the unseen tail, 1 - the sum over every token, is
 *    shared equally by the classes that have no token; the probability of
 *    tokens that are no class is dropped.  With no such class, or no tail,
 *    this is AL_REST_RENORMALIZE.
 * The last two read the tokens as probabilities, so the tokens' sum may not
 * exceed 1 + tolerance (AL_PV_MASS_OVER).  mass is k doubles of scratch
 * (-1 marks a class without token), out receives k floats.
 */
al_pv_status
al_pv_from_logprobs(const double *logprob, const int *class_of, int n_tokens,
					int k, al_pv_rest rest, int other, double tolerance,
					double *mass, float *out, al_pv_error *err)
{
	int			n_class_tokens = 0;
	int			n_absent = 0;
	double		total = 0.0;
	double		unseen;
	int			t;
	int			c;

	if (al_pv_check_count(k, err) != AL_PV_OK)
		return err->status;
	for (t = 0; t < n_tokens; t++)
	{
		if (isnan(logprob[t]) || logprob[t] > 0.0)
			return logprob_error(err, AL_PV_LOGPROB_RANGE, t + 1, logprob[t]);
		if (class_of[t] >= 0)
			n_class_tokens++;
	}
	if (rest == AL_REST_RENORMALIZE)
		return logprobs_softmax(logprob, class_of, n_tokens, k, n_class_tokens,
								mass, out, err);
	for (c = 0; c < k; c++)
		mass[c] = -1.0;
	for (t = 0; t < n_tokens; t++)
	{
		double		p = exp(logprob[t]);

		total += p;
		if (class_of[t] >= 0)
			mass[class_of[t]] = fmax(mass[class_of[t]], 0.0) + p;
	}
	if (total > 1.0 + tolerance)
		return logprob_error(err, AL_PV_MASS_OVER, n_tokens, total);
	for (c = 0; c < k; c++)
		n_absent += mass[c] < 0.0;
	if (rest == AL_REST_OTHER)
	{
		double		others = 0.0;

		for (c = 0; c < k; c++)
		{
			mass[c] = fmax(mass[c], 0.0);
			if (c != other)
				others += mass[c];
		}
		mass[other] = fmax(1.0 - others, 0.0);
		return normalize_mass(mass, k, n_tokens, n_class_tokens, out, err);
	}
	unseen = fmax(1.0 - total, 0.0);
	if (n_absent == 0 || unseen == 0.0)
		return logprobs_softmax(logprob, class_of, n_tokens, k, n_class_tokens,
								mass, out, err);
	for (c = 0; c < k; c++)
		if (mass[c] < 0.0)
			mass[c] = unseen / n_absent;
	return normalize_mass(mass, k, n_tokens, n_class_tokens, out, err);
}
