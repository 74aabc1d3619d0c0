/*
 * seq_scores.c - SQL wrappers of the sequence-level uncertainty scores of
 * generated answers: al.sequence_least_confidence, al.mnlp,
 * al.min_token_probability, al.token_least_confidence (per-token
 * log-probabilities, one-dimensional) and al.mean_token_entropy,
 * al.max_token_entropy (per-token top-k log-probabilities, tokens x k).
 *
 * Each SQL function has a double precision[] signature and a real[] twin
 * (<name>_real, chosen by the planner support function
 * al.real_features_support); both share one C function, which reads the
 * element type from the array.  Arrays are read in place (array_in_place):
 * no copy or palloc per row for a stored array of up to 127 bytes.  The
 * formulas and the checks of each value live in src/core/seq_scores.c;
 * here are the shape checks and the error messages.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "score_args.h"
#include "seq_scores.h"

PG_FUNCTION_INFO_V1(score_sequence_least_confidence);
PG_FUNCTION_INFO_V1(score_mnlp);
PG_FUNCTION_INFO_V1(score_min_token_probability);
PG_FUNCTION_INFO_V1(score_token_least_confidence);
PG_FUNCTION_INFO_V1(score_mean_token_entropy);
PG_FUNCTION_INFO_V1(score_max_token_entropy);

typedef double (*seq_score_fn) (const al_seq_summary *s);

/* What the errors call the array of a one- or two-dimensional input. */
static const char *
array_name(int ndim)
{
	return ndim == 1 ? "token log-probabilities" : "top-k log-probabilities";
}

/*
 * The "log-probability of token T" or "log-probability A of token T" part
 * of a message, 1-based; alternative is -1 for one-dimensional input.
 */
static char *
position_text(int token, int alternative)
{
	if (alternative < 0)
		return psprintf("log-probability of token %d", token + 1);
	return psprintf("log-probability %d of token %d", alternative + 1, token + 1);
}

/*
 * ERROR for the first NULL element of a, an array of n elements, tokens x k
 * (k = 1 for one-dimensional input), if any.
 */
static void
check_no_null(ArrayType *a, int n, int k)
{
	bool		by_alternative = ARR_NDIM(a) == 2;
	bits8	   *nulls = ARR_NULLBITMAP(a);

	if (nulls == NULL)
		return;
	for (int i = 0; i < n; i++)
		if (!(nulls[i / 8] & (1 << (i % 8))))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s is null",
							position_text(i / k, by_alternative ? i % k : -1))));
}

/*
 * Argument 0 as a run of log-probabilities of ndim (1 or 2) dimensions, in
 * place: lp points into the array (or into buf); *k is the length of the
 * second dimension (1 for ndim 1).  ERROR for another dimension count, an
 * empty array or a NULL element.
 */
static void
read_logprobs(FunctionCallInfo fcinfo, int ndim, ShortVarlenaBuf *buf,
			  al_logprobs *lp, int *k)
{
	ArrayType  *a = array_in_place(PG_GETARG_DATUM(0), buf);
	Oid			elemtype = ARR_ELEMTYPE(a);
	int			n;

	if (elemtype != FLOAT4OID && elemtype != FLOAT8OID)
		elog(ERROR, "unexpected array element type %u", elemtype);
	n = ARR_NDIM(a) == 0 ? 0 : ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be empty", array_name(ndim))));
	if (ARR_NDIM(a) != ndim)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg(ndim == 1 ? "%s must be a one-dimensional array"
						: "%s must be a two-dimensional array of tokens by alternatives",
						array_name(ndim)),
				 errdetail_plural("The array has %d dimension.",
								  "The array has %d dimensions.",
								  ARR_NDIM(a), ARR_NDIM(a))));
	*k = ndim == 1 ? 1 : ARR_DIMS(a)[1];
	check_no_null(a, n, *k);
	lp->n = n;
	lp->f4 = elemtype == FLOAT4OID ? (const float *) array_values(a) : NULL;
	lp->f8 = elemtype == FLOAT8OID ? (const double *) array_values(a) : NULL;
}

/* A rejected log-probability as text: float4 values as float4 prints them. */
static char *
logprob_text(const al_logprobs *lp, double value)
{
	if (lp->f4)
		return DatumGetCString(DirectFunctionCall1(float4out,
												   Float4GetDatum((float4) value)));
	return float8out_internal(value);
}

/* ERROR for a failed kernel; ndim says which input it read. */
static void
report_seq_status(al_seq_status st, const al_seq_error *err,
				  const al_logprobs *lp, int ndim)
{
	switch (st)
	{
		case AL_SEQ_OK:
			return;
		case AL_SEQ_BAD_LOGPROB:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s must be at most 0, not %s",
							position_text(err->token, err->alternative),
							logprob_text(lp, err->value))));
			break;
		case AL_SEQ_MASS_OVER:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("top-k probabilities of token %d sum to %s, more than 1",
							err->token + 1, float8out_internal(err->value)),
					 errdetail("They may exceed 1 by at most %g, for rounding.",
							   AL_SEQ_MASS_TOLERANCE)));
			break;
		case AL_SEQ_NO_MASS:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("top-k log-probabilities of token %d are all -Infinity",
							err->token + 1),
					 errdetail("Each token needs at least one alternative of probability above 0.")));
			break;
		case AL_SEQ_EMPTY:
			/* read_logprobs refuses empty arrays first */
			elog(ERROR, "unexpected empty %s", array_name(ndim));
			break;
	}
}

/*
 * Apply a per-token score to argument 0, real[] or double precision[].
 * Always inlined, so each wrapper calls its formula directly.
 */
static pg_attribute_always_inline Datum
sequence_score(FunctionCallInfo fcinfo, seq_score_fn score)
{
	ShortVarlenaBuf buf;
	al_logprobs lp;
	al_seq_summary s;
	al_seq_error err;
	int			k;

	read_logprobs(fcinfo, 1, &buf, &lp, &k);
	report_seq_status(al_seq_summarize(&lp, &s, &err), &err, &lp, 1);
	PG_RETURN_FLOAT8(score(&s));
}

/* al.sequence_least_confidence(logprobs): 1 - exp(sum). */
Datum
score_sequence_least_confidence(PG_FUNCTION_ARGS)
{
	return sequence_score(fcinfo, al_sequence_least_confidence);
}

/* al.mnlp(logprobs): -(sum / n), the negated MNLP. */
Datum
score_mnlp(PG_FUNCTION_ARGS)
{
	return sequence_score(fcinfo, al_mnlp);
}

/* al.min_token_probability(logprobs): exp(min). */
Datum
score_min_token_probability(PG_FUNCTION_ARGS)
{
	return sequence_score(fcinfo, al_min_token_probability);
}

/* al.token_least_confidence(logprobs): 1 - exp(min). */
Datum
score_token_least_confidence(PG_FUNCTION_ARGS)
{
	return sequence_score(fcinfo, al_token_least_confidence);
}

/*
 * Mean (want_max false) or maximum token entropy of argument 0, a tokens x k
 * real[] or double precision[] of top-k log-probabilities.
 */
static Datum
token_entropy_score(FunctionCallInfo fcinfo, bool want_max)
{
	ShortVarlenaBuf buf;
	al_logprobs lp;
	al_seq_error err;
	double		mean = 0.0;
	double		max = 0.0;
	int			k;

	read_logprobs(fcinfo, 2, &buf, &lp, &k);
	report_seq_status(al_token_entropies(&lp, k, &mean, &max, &err), &err, &lp, 2);
	PG_RETURN_FLOAT8(want_max ? max : mean);
}

/* al.mean_token_entropy(top_logprobs): the mean of the token entropies. */
Datum
score_mean_token_entropy(PG_FUNCTION_ARGS)
{
	return token_entropy_score(fcinfo, false);
}

/* al.max_token_entropy(top_logprobs): the largest token entropy. */
Datum
score_max_token_entropy(PG_FUNCTION_ARGS)
{
	return token_entropy_score(fcinfo, true);
}
