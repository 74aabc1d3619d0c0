/*
 * multilabel.c - the multi-label score kernels declared in multilabel.h.
 *
 * Each score is one short loop in double over the stored float4 or float8
 * values, with no allocation.  The hinge loss of Li, Wang and Sung (2004) is
 * written on the margin m = 2p - 1 of a label's probability, with the
 * predicted sign y = sign(m) (ties to +1): max(0, 1 - y m) = 1 - |2p - 1|.
 */
#include <math.h>
#include <stddef.h>

#include "multilabel.h"

/* The probability of label l (0-based) as a double. */
double
al_label_prob(const al_label_probs *p, int l)
{
	return p->f4 ? (double) p->f4[l] : p->f8[l];
}

/*
 * AL_ML_OK when p holds at least one label and every value is finite and in
 * [0, 1]; else the status, with *bad the 0-based position of the first
 * offending value (NaN fails both comparisons, so it is caught here too).
 */
al_ml_status
al_label_probs_check(const al_label_probs *p, int *bad)
{
	if (p->n < 1)
		return AL_ML_EMPTY;
	for (int l = 0; l < p->n; l++)
	{
		double		v = al_label_prob(p, l);

		if (!(v >= 0.0 && v <= 1.0))
		{
			*bad = l;
			return AL_ML_OUT_OF_RANGE;
		}
	}
	return AL_ML_OK;
}

/* p ln p with the convention 0 ln 0 = 0. */
static inline double
plogp(double p)
{
	return p > 0.0 ? p * log(p) : 0.0;
}

/*
 * The mean over labels of the binary entropy -p ln p - (1 - p) ln(1 - p),
 * in [0, ln 2] (ln 2 when every label is at 0.5, 0 when every label is 0
 * or 1).  For a float4 p, 1 - p is exact in double.
 */
double
al_mean_binary_entropy(const al_label_probs *p)
{
	double		s = 0.0;

	for (int l = 0; l < p->n; l++)
	{
		double		v = al_label_prob(p, l);

		s += plogp(v) + plogp(1.0 - v);
	}
	/* 0.0 - s: certain labels give +0, not -0 */
	return (0.0 - s) / p->n;
}

/*
 * Brinker's (2006) binary minimum in probability form: 1 - 2 min_l
 * |p_l - 0.5|, in [0, 1]; 1 when some label is at 0.5, 0 when every label
 * is 0 or 1.
 */
double
al_binary_minimum(const al_label_probs *p)
{
	double		closest = 0.5;

	for (int l = 0; l < p->n; l++)
	{
		double		d = fabs(al_label_prob(p, l) - 0.5);

		closest = d < closest ? d : closest;
	}
	return 1.0 - 2.0 * closest;
}

/*
 * The hinge loss of one label at its predicted sign: margin m = 2p - 1,
 * y = +1 when m >= 0 else -1, loss max(0, 1 - y m), in [0, 1].
 */
double
al_label_hinge_loss(double p)
{
	double		m = 2.0 * p - 1.0;
	double		y = m >= 0.0 ? 1.0 : -1.0;
	double		loss = 1.0 - y * m;

	return loss > 0.0 ? loss : 0.0;
}

/* Maximum loss (Li et al. 2004): the largest hinge loss over the labels. */
double
al_max_loss(const al_label_probs *p)
{
	double		worst = 0.0;

	for (int l = 0; l < p->n; l++)
	{
		double		loss = al_label_hinge_loss(al_label_prob(p, l));

		worst = loss > worst ? loss : worst;
	}
	return worst;
}

/* Mean max loss (Li et al. 2004): the mean hinge loss over the labels. */
double
al_mean_max_loss(const al_label_probs *p)
{
	double		s = 0.0;

	for (int l = 0; l < p->n; l++)
		s += al_label_hinge_loss(al_label_prob(p, l));
	return s / p->n;
}

/* The number of labels predicted present: p_l >= AL_ML_THRESHOLD. */
int
al_predicted_cardinality(const al_label_probs *p)
{
	int			c = 0;

	for (int l = 0; l < p->n; l++)
		c += al_label_prob(p, l) >= AL_ML_THRESHOLD;
	return c;
}

/*
 * Label cardinality inconsistency (Li and Guo 2013): how far the predicted
 * label count is from the mean label count observed in the labeled data,
 * |#{l : p_l >= 0.5} - mean_cardinality|.
 */
double
al_label_cardinality_inconsistency(const al_label_probs *p,
								   double mean_cardinality)
{
	return fabs((double) al_predicted_cardinality(p) - mean_cardinality);
}
