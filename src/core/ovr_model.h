/*
 * ovr_model.h - one-vs-rest logistic regression: k independent sigmoid
 * outputs (multi-label), fitted together by one L-BFGS run on OpenBLAS.
 *
 * Each label c has its own objective, exactly scikit-learn's
 * LogisticRegression(C=c) on the binary task "has label c" (intercept not
 * penalized), with optional sample weights w_i:
 *
 *     f_c(w_c, b_c) = sum_i w_i * BCE(y_ic, sigmoid(w_c . x_i + b_c))
 *                     + ||w_c||^2 / (2c)
 *
 * and the fit minimizes f = sum_c f_c over all labels at once: the labels
 * share no parameter, so the joint minimum is every label's own minimum
 * (what OneVsRestClassifier(LogisticRegression(C=c)) reaches), while the
 * rows are read once per evaluation for all labels (one dgemm).  A label
 * constant on the rows of positive weight (never or always present) has
 * no finite minimum: like scikit-learn's constant predictor it gets coef 0
 * and intercept -inf (probability 0) or +inf (probability 1) and is left
 * out of the optimization.
 *
 * Models are al_softmax_model values (k labels x d coefficients,
 * intercepts, standardization), so the store keeps them in the same
 * compact form; the options, bootstrap committees, standardization and
 * the stopping rules are the softmax trainer's (softmax_model.h).
 * No PostgreSQL header.
 */
#ifndef AL_OVR_MODEL_H
#define AL_OVR_MODEL_H

#include "softmax_model.h"

/* Training data: pointers are the caller's and are only read. */
typedef struct al_ovr_data
{
	const float *x;				/* n x d, row-major */
	const unsigned char *y;		/* n x k, 1 = the row has the label, else 0 */
	const double *weight;		/* n sample weights >= 0, or NULL (all 1) */
	int			n;				/* rows */
	int			d;				/* features */
	int			k;				/* labels >= 1 */
} al_ovr_data;

/*
 * Check options and data as a fit would: NULL pointers, the options (as
 * al_softmax_validate), n, d, k >= 1, sizes, labels 0/1, weights,
 * feature values.
 */
extern al_sm_status al_ovr_validate(const al_ovr_data *data,
									const al_softmax_options *opt, int member);

/*
 * Train member `member` of a committee of opt->members (members > 1: a
 * bootstrap resample as al_softmax_fit draws it).  report->classes_present
 * counts the labels that were optimized (not constant).  On success *model
 * owns new arrays (al_softmax_model_free).  BLAS must be loaded.
 */
extern al_sm_status al_ovr_fit(const al_ovr_data *data,
							   const al_softmax_options *opt, int member,
							   al_softmax_model *model,
							   al_softmax_report *report);

/* Train all opt->members members; on error no model is left allocated. */
extern al_sm_status al_ovr_fit_committee(const al_ovr_data *data,
										 const al_softmax_options *opt,
										 al_softmax_model *models,
										 al_softmax_report *reports);

/*
 * The objective f (over the labels with a finite intercept) and, if grad
 * is not NULL, its gradient (k*(d+1): coef rows, then intercepts; 0 for a
 * constant label) at a model's parameters on data (data->weight, no
 * bootstrap).  The trainer's own code.  BLAS must be loaded.
 */
extern al_sm_status al_ovr_objective(const al_ovr_data *data,
									 const al_softmax_options *opt,
									 const al_softmax_model *model,
									 double *f, double *grad);

/* probs (k doubles) = the sigmoid of each label's logit for one row; no BLAS. */
extern void al_ovr_predict_row(const al_softmax_model *model, const float *x,
							   double *probs);

/*
 * The mean over m members of their label probabilities (scratch: k
 * doubles); a plain model is a committee of one.
 */
extern void al_ovr_committee_predict_row(const al_softmax_model *members,
										 int m, const float *x, double *probs,
										 double *scratch);

/* sigmoid(z) in double, exact at +-inf. */
extern double al_ovr_sigmoid(double z);

#endif							/* AL_OVR_MODEL_H */
