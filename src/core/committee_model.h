/*
 * committee_model.h - a committee of softmax models as one predictor: its
 * distribution is the mean of the members' distributions (query by
 * bagging).  A plain model is a committee of one.  Plain C.
 */
#ifndef AL_COMMITTEE_MODEL_H
#define AL_COMMITTEE_MODEL_H

#include "softmax_model.h"

extern void al_committee_predict_row(const al_softmax_model *members, int m,
									 const float *x, double *probs,
									 double *scratch);
extern al_sm_status al_committee_evaluate(const al_softmax_model *members,
										  int m, const float *x, const int *y,
										  const int *rows, int n_rows,
										  double *scratch, double *accuracy,
										  double *log_loss);

#endif							/* AL_COMMITTEE_MODEL_H */
