/*
 * scores.h - plain-C kernels of every uncertainty score, committee score and
 * distribution helper of al_ext.  No PostgreSQL header: the SQL wrappers
 * (src/scores.c, src/committee.c), the al.consensus aggregate and the
 * background worker's batch rescoring all call these same functions, so each
 * formula exists exactly once.
 *
 * Conventions:
 * - A distribution is "const float *p, int n" with n >= 1; the kernels assume
 *   it is a valid al.probvec (finite values in [0, 1]) and compute in double.
 *   Stored values are used as given: nothing is renormalized.
 * - Natural logarithms; 0 ln 0 = 0.
 * - A committee is a row-major matrix "const float *m" of `members` rows of
 *   n classes each; kernels that need scratch space take a caller-owned
 *   buffer of n doubles, so they never allocate.
 * - Indexes are 0-based here; the SQL layer adds 1.
 */
#ifndef AL_SCORES_H
#define AL_SCORES_H

/* ---- single-distribution helpers and scores ---- */

extern int	al_argmax(const float *p, int n);
extern double al_max_prob(const float *p, int n);
extern void al_top2(const float *p, int n, double *first, double *second);
extern double al_margin(const float *p, int n);
extern double al_least_confidence(const float *p, int n);
extern double al_margin_confidence(const float *p, int n);
extern double al_ratio_confidence(const float *p, int n);
extern double al_entropy(const float *p, int n);
extern double al_entropy_d(const double *q, int n);

/* ---- divergences between two distributions of n classes ---- */

extern double al_kl_divergence(const float *p, const float *q, int n);
extern double al_js_divergence(const float *p, const float *q, int n);

/* ---- expected gradient length (softmax regression with bias) ---- */

extern double al_sqnorm(const float *x, int n);
extern double al_egl_label_term(const float *p, int n);
extern double al_expected_gradient_length(const float *p, int n,
										  const float *x, int nx);
extern double al_bias_norm_d(const double *x, int n);
extern double al_expected_gradient_length_d(const float *p, int n,
											const double *x, int nx);

/* ---- means of distributions: shared by committees and al.consensus ---- */

extern void al_accumulate(double *sums, const float *p, int n);
extern void al_mean_to_float(const double *sums, double count, int n,
							 float *out);
extern void al_committee_mean(const float *m, int members, int n,
							  double *mean);

/* ---- committee scores over a members x n matrix ---- */

extern double al_vote_entropy(const float *m, int members, int n,
							  double *work);
extern double al_consensus_entropy(const float *m, int members, int n,
								   double *work);
extern double al_max_disagreement(const float *m, int members, int n,
								  double *work);
extern double al_bald(const float *m, int members, int n, double *work);

/* ---- building distributions from logits or weights ---- */

typedef enum al_vec_status
{
	AL_VEC_OK = 0,
	AL_VEC_EMPTY,				/* no element at all */
	AL_VEC_NOT_FINITE,			/* element *bad is NaN or infinite */
	AL_VEC_NEGATIVE,			/* element *bad is below zero */
	AL_VEC_ZERO_SUM,			/* every weight is zero */
	AL_VEC_BAD_TEMPERATURE		/* temperature not positive and finite */
} al_vec_status;

extern al_vec_status al_softmax(const double *z, int n, double temperature,
								float *out, int *bad);
extern al_vec_status al_normalize(const double *w, int n, float *out,
								  int *bad);

#endif							/* AL_SCORES_H */
