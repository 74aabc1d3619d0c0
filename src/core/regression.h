/*
 * regression.h - plain-C kernels of the regression query scores: committee
 * standard deviation (query by committee for regression) and expected model
 * change maximization (EMCM, Cai, Zhang and Zhou 2013).  They take the
 * numbers as arguments (a main prediction, the members' predictions, the
 * features), so they serve any model, also predictions written by an
 * external service.  No PostgreSQL header; the SQL wrappers
 * (src/scores/regression.c) call these, so each formula exists once.  See
 * doc/scores.md, "Regression scores".
 *
 * Conventions:
 * - Values come as float4 or float8, as stored; they are computed in double.
 * - al_reg_values_check accepts a run of at least 1 finite value; the score
 *   kernels assume runs that passed it (features may be empty).
 * - Positions are 0-based here; the SQL layer adds 1.
 */
#ifndef AL_REGRESSION_H
#define AL_REGRESSION_H

/* A run of numbers, float4 or float8 as stored. */
typedef struct al_reg_values
{
	const float *f4;			/* float4 values, or NULL */
	const double *f8;			/* float8 values, used when f4 is NULL */
	int			n;				/* number of values */
} al_reg_values;

typedef enum al_reg_status
{
	AL_REG_OK = 0,
	AL_REG_EMPTY,				/* no value at all */
	AL_REG_NOT_FINITE			/* a value is NaN or infinite */
} al_reg_status;

extern double al_reg_value(const al_reg_values *v, int i);
extern al_reg_status al_reg_values_check(const al_reg_values *v, int min_n,
										 int *bad);

extern double al_committee_std(const al_reg_values *members);
extern double al_committee_mean_abs_change(const al_reg_values *members,
										   double prediction);
extern double al_norm_with_bias(const al_reg_values *x);
extern double al_emcm(double prediction, const al_reg_values *members,
					  const al_reg_values *x);
extern double al_emcm_of_norm(double prediction, const al_reg_values *members,
							  double norm);

#endif							/* AL_REGRESSION_H */
