/*
 * softmax_ref.h - an independent softmax predictor for the unit tests:
 * naive loops in double over a model's stored weights, as softmax_model.h
 * documents them (z = coef s(x) + intercept, p = softmax(z)).
 */
#ifndef AL_SOFTMAX_REF_H
#define AL_SOFTMAX_REF_H

#include <math.h>

#include "softmax_model.h"

/* s(x)_j as the model defines it, in double. */
static inline double
std_feature(const al_softmax_model *m, const float *x, int j)
{
	if (!m->standardized)
		return x[j];
	return ((double) x[j] - m->mean[j]) / m->scale[j];
}

/* Independent softmax of one row from the stored weights (naive loops). */
static inline void
ref_probs(const al_softmax_model *m, const float *x, double *p)
{
	double		mx = -INFINITY,
				s = 0;
	int			c,
				j;

	for (c = 0; c < m->k; c++)
	{
		p[c] = m->intercept[c];
		for (j = 0; j < m->d; j++)
			p[c] += m->coef[c * m->d + j] * std_feature(m, x, j);
		mx = fmax(mx, p[c]);
	}
	for (c = 0; c < m->k; c++)
		s += (p[c] = exp(p[c] - mx));
	for (c = 0; c < m->k; c++)
		p[c] /= s;
}

#endif							/* AL_SOFTMAX_REF_H */
