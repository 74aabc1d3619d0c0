/*
 * seq_scores.h - plain-C kernels of the sequence-level uncertainty scores of
 * generated answers (text generation, extraction, translation): scores of
 * the per-token log-probabilities of the generated tokens, and token
 * entropies of per-token top-k log-probabilities.  No PostgreSQL header; the
 * SQL wrappers (src/scores/seq_scores.c) call these, and so would any other
 * caller, so each formula exists once.  See doc/scores.md.
 *
 * Conventions:
 * - Log-probabilities are natural logs, each <= 0 (-0 included);
 *   -Infinity is a probability of 0.  NaN, +Infinity and any value above 0
 *   are rejected (no tolerance: log-softmax cannot produce them, and a
 *   positive value most likely means logits or probabilities were given).
 * - Values come as float4 or float8, as stored; they are computed in double.
 * - Positions are 0-based here; the SQL layer adds 1.
 */
#ifndef AL_SEQ_SCORES_H
#define AL_SEQ_SCORES_H

/*
 * Top-k probabilities of one token may sum to more than 1 by this much
 * (rounded log-probabilities); beyond it the input is refused.  The same
 * tolerance as an al.probvec's sum.
 */
#define AL_SEQ_MASS_TOLERANCE 1e-3

/* A run of log-probabilities, float4 or float8 as stored. */
typedef struct al_logprobs
{
	const float *f4;			/* float4 values, or NULL */
	const double *f8;			/* float8 values, used when f4 is NULL */
	int			n;				/* number of values */
} al_logprobs;

typedef enum al_seq_status
{
	AL_SEQ_OK = 0,
	AL_SEQ_EMPTY,				/* no value at all */
	AL_SEQ_BAD_LOGPROB,			/* a value is NaN, +Infinity or above 0 */
	AL_SEQ_MASS_OVER,			/* a token's top-k probabilities sum past 1 */
	AL_SEQ_NO_MASS				/* a token's top-k values are all -Infinity */
} al_seq_status;

/* Where a check failed: token and alternative (0-based), and the value. */
typedef struct al_seq_error
{
	int			token;
	int			alternative;	/* -1 for per-token log-probabilities */
	double		value;			/* the log-probability, or the mass */
} al_seq_error;

/* What the per-token scores need, from one pass over the sequence. */
typedef struct al_seq_summary
{
	double		sum;			/* sum of the log-probabilities */
	double		mean;			/* sum / n, also where the sum overflows */
	double		min;			/* the smallest log-probability */
	int			n;
} al_seq_summary;

extern al_seq_status al_seq_summarize(const al_logprobs *lp,
									  al_seq_summary *out, al_seq_error *err);

extern double al_sequence_least_confidence(const al_seq_summary *s);
extern double al_mnlp(const al_seq_summary *s);
extern double al_min_token_probability(const al_seq_summary *s);
extern double al_token_least_confidence(const al_seq_summary *s);

extern al_seq_status al_token_entropies(const al_logprobs *lp, int k,
										double *mean, double *max,
										al_seq_error *err);

#endif							/* AL_SEQ_SCORES_H */
