/*
 * committee_model.c - mean prediction and metrics of a committee of softmax
 * models.  Used by the SQL predictor and by training's holdout metrics.
 */
#include "committee_model.h"

#include <math.h>

/*
 * probs (k doubles) = mean over the m members of their softmax of x.
 * scratch holds k doubles.  With m == 1 this is the member's prediction.
 */
void
al_committee_predict_row(const al_softmax_model *members, int m,
						 const float *x, double *probs, double *scratch)
{
	int			k = members[0].k;
	int			i,
				j;

	if (m == 1)
	{
		al_softmax_predict_row(&members[0], x, probs);
		return;
	}
	for (j = 0; j < k; j++)
		probs[j] = 0.0;
	for (i = 0; i < m; i++)
	{
		al_softmax_predict_row(&members[i], x, scratch);
		for (j = 0; j < k; j++)
			probs[j] += scratch[j];
	}
	for (j = 0; j < k; j++)
		probs[j] /= m;
}

/* Index of the largest value, ties to the lowest index. */
static int
argmax_double(const double *p, int k)
{
	int			best = 0;
	int			j;

	for (j = 1; j < k; j++)
		if (p[j] > p[best])
			best = j;
	return best;
}

/*
 * Accuracy (argmax, ties to the lowest class) and mean log-loss
 * -ln max(p_y, 1e-15) of the committee's mean prediction on the rows
 * (rows NULL: 0..n_rows-1).  scratch holds 2k doubles.
 */
al_sm_status
al_committee_evaluate(const al_softmax_model *members, int m, const float *x,
					  const int *y, const int *rows, int n_rows,
					  double *scratch, double *accuracy, double *log_loss)
{
	int			k = members[0].k;
	double		correct = 0.0;
	double		loss = 0.0;
	int			i;

	if (n_rows < 1)
		return AL_SM_NO_ROWS;
	for (i = 0; i < n_rows; i++)
	{
		int			r = rows ? rows[i] : i;

		if (y[r] < 0 || y[r] >= k)
			return AL_SM_BAD_LABEL;
		al_committee_predict_row(members, m, x + (size_t) r * members[0].d,
								 scratch, scratch + k);
		correct += (argmax_double(scratch, k) == y[r]);
		loss -= log(fmax(scratch[y[r]], 1e-15));
	}
	*accuracy = correct / n_rows;
	*log_loss = loss / n_rows;
	return AL_SM_OK;
}
