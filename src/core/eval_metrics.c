/*
 * eval_metrics.c - metrics of a model on an evaluation set with 95%
 * confidence intervals (see eval_metrics.h and doc/loop.md).
 */
#include "eval_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "al_rng.h"

/*
 * Wilson score interval of a proportion correct / n at normal quantile z:
 * (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n).  NaN for n 0.
 */
void
al_eval_wilson(int correct, int n, double z, double *low, double *high)
{
	double		p,
				z2n,
				center,
				half;

	if (n <= 0)
	{
		*low = *high = NAN;
		return;
	}
	p = (double) correct / n;
	z2n = z * z / n;
	center = (p + z2n / 2) / (1 + z2n);
	half = z * sqrt(p * (1 - p) / n + z2n / (4.0 * n)) / (1 + z2n);
	*low = fmax(0.0, center - half);
	*high = fmin(1.0, center + half);
}

/* Macro-F1 from the per-class counts (tp, fp, fn at 3c, 3c+1, 3c+2). */
static double
f1_from_counts(const int *counts, int k)
{
	double		sum = 0;
	int			present = 0,
				c;

	for (c = 0; c < k; c++)
	{
		int			denom = 2 * counts[3 * c] + counts[3 * c + 1] + counts[3 * c + 2];

		/* a class neither true nor predicted anywhere is left out of the mean */
		if (denom == 0)
			continue;
		sum += 2.0 * counts[3 * c] / denom;
		present++;
	}
	return present > 0 ? sum / present : NAN;
}

/* Count one (truth, prediction) pair into the per-class counts. */
static void
count_pair(int *counts, int truth, int pred)
{
	if (truth == pred)
		counts[3 * truth]++;
	else
	{
		counts[3 * pred + 1]++;
		counts[3 * truth + 2]++;
	}
}

/*
 * Macro-F1 of pred against truth (classes 0..k-1): the mean over classes of
 * F1 = 2 tp / (2 tp + fp + fn), over the classes that occur in truth or in
 * pred (as scikit-learn's f1_score(average='macro') over the labels
 * present).  NaN for n 0.  counts: 3k ints of scratch.
 */
double
al_eval_macro_f1(const int *truth, const int *pred, int n, int k, int *counts)
{
	int			i;

	memset(counts, 0, sizeof(int) * 3 * k);
	for (i = 0; i < n; i++)
		count_pair(counts, truth[i], pred[i]);
	return f1_from_counts(counts, k);
}

/* Order doubles ascending. */
static int
double_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/* The q-quantile of sorted[0..n-1], interpolated linearly between order statistics. */
static double
quantile_sorted(const double *sorted, int n, double q)
{
	double		h = q * (n - 1);
	int			lo = (int) floor(h);

	if (lo >= n - 1)
		return sorted[n - 1];
	return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

/*
 * 95% percentile-bootstrap interval of the macro-F1: AL_EVAL_BOOTSTRAP
 * resamples of the n pairs with replacement (seeded: the same seed gives the
 * same interval), the 2.5% and 97.5% quantiles of their macro-F1 (a
 * resample's F1 is NaN only if n is 0).  counts: 3k ints; boot:
 * AL_EVAL_BOOTSTRAP doubles.
 */
void
al_eval_macro_f1_bootstrap(const int *truth, const int *pred, int n, int k, uint64_t seed,
						   int *counts, double *boot, double *low, double *high)
{
	al_rng		rng;
	int			b,
				i;

	if (n <= 0)
	{
		*low = *high = NAN;
		return;
	}
	al_rng_seed(&rng, seed);
	for (b = 0; b < AL_EVAL_BOOTSTRAP; b++)
	{
		memset(counts, 0, sizeof(int) * 3 * k);
		for (i = 0; i < n; i++)
		{
			int			j = (int) al_rng_below(&rng, (uint64_t) n);

			count_pair(counts, truth[j], pred[j]);
		}
		boot[b] = f1_from_counts(counts, k);
	}
	qsort(boot, AL_EVAL_BOOTSTRAP, sizeof(double), double_cmp);
	*low = quantile_sorted(boot, AL_EVAL_BOOTSTRAP, 0.025);
	*high = quantile_sorted(boot, AL_EVAL_BOOTSTRAP, 0.975);
}

/*
 * Mean log-loss of the probabilities given to the true classes, -ln
 * max(p, AL_EVAL_MIN_PROB), and its 95% normal interval mean +- z s /
 * sqrt(n) (s: the sample standard deviation of the per-item losses); the
 * interval is NaN below 2 items, everything is NaN for n 0.
 */
void
al_eval_log_loss(const double *p_true, int n, double *mean, double *low, double *high)
{
	double		sum = 0,
				ss = 0,
				m,
				half;
	int			i;

	*mean = *low = *high = NAN;
	if (n <= 0)
		return;
	for (i = 0; i < n; i++)
		sum += -log(fmax(p_true[i], AL_EVAL_MIN_PROB));
	m = sum / n;
	*mean = m;
	if (n < 2)
		return;
	for (i = 0; i < n; i++)
	{
		double		d = -log(fmax(p_true[i], AL_EVAL_MIN_PROB)) - m;

		ss += d * d;
	}
	half = AL_EVAL_Z95 * sqrt(ss / (n - 1)) / sqrt((double) n);
	*low = m - half;
	*high = m + half;
}

/*
 * All the metrics of predictions pred (and the probabilities p_true given
 * to the true classes) against truth, classes 0..k-1.  counts: 3k ints;
 * boot: AL_EVAL_BOOTSTRAP doubles.
 */
void
al_eval_compute(const int *truth, const int *pred, const double *p_true, int n, int k,
				uint64_t seed, int *counts, double *boot, al_eval_metrics *out)
{
	int			correct = 0,
				i;

	for (i = 0; i < n; i++)
		correct += truth[i] == pred[i];
	out->n = n;
	out->accuracy = n > 0 ? (double) correct / n : NAN;
	al_eval_wilson(correct, n, AL_EVAL_Z95, &out->accuracy_low, &out->accuracy_high);
	out->macro_f1 = al_eval_macro_f1(truth, pred, n, k, counts);
	al_eval_macro_f1_bootstrap(truth, pred, n, k, seed, counts, boot,
							   &out->macro_f1_low, &out->macro_f1_high);
	al_eval_log_loss(p_true, n, &out->log_loss, &out->log_loss_low, &out->log_loss_high);
}

/*
 * Multi-label metrics of predicted sets pred against true sets truth (n x k
 * bytes each, nonzero = the label is in the set; n, k > 0).  Each label's
 * F1 is 2 TP / (2 TP + FP + FN); macro F1 averages it over the labels
 * with a true or a predicted positive (a label absent from both is left
 * out, as al_eval_macro_f1 leaves out absent classes; NaN if every label
 * is); micro F1 pools the counts of all labels (NaN when 0 / 0).
 */
void
al_eval_multilabel(const unsigned char *truth, const unsigned char *pred, int n, int k,
				   al_ml_metrics *out)
{
	double		tp_all = 0,
				fp_all = 0,
				fn_all = 0,
				f1_sum = 0,
				exact = 0;
	int			present = 0;

	for (int c = 0; c < k; c++)
	{
		double		tp = 0,
					fp = 0,
					fn = 0;

		for (int i = 0; i < n; i++)
		{
			int			t = truth[(size_t) i * k + c] != 0;
			int			p = pred[(size_t) i * k + c] != 0;

			tp += t && p;
			fp += !t && p;
			fn += t && !p;
		}
		if (2 * tp + fp + fn > 0)
		{
			f1_sum += 2 * tp / (2 * tp + fp + fn);
			present++;
		}
		tp_all += tp;
		fp_all += fp;
		fn_all += fn;
	}
	for (int i = 0; i < n; i++)
	{
		int			same = 1;

		for (int c = 0; c < k && same; c++)
			same = (truth[(size_t) i * k + c] != 0) == (pred[(size_t) i * k + c] != 0);
		exact += same;
	}
	out->micro_f1 = (2 * tp_all + fp_all + fn_all) > 0 ?
		2 * tp_all / (2 * tp_all + fp_all + fn_all) : NAN;
	out->macro_f1 = present > 0 ? f1_sum / present : NAN;
	out->hamming_loss = (fp_all + fn_all) / ((double) n * k);
	out->subset_accuracy = exact / n;
}

/*
 * Regression metrics of predictions pred against targets truth (n > 0):
 * root mean squared error, mean absolute error and R^2 = 1 - SSE / SST
 * (SST about the targets' own mean; NaN when the targets are all equal,
 * SST 0, where scikit-learn returns 1 or 0 by convention: tested on the
 * targets themselves, as their computed mean may round off them and leave
 * a tiny SST that would make R^2 a huge negative number).
 */
void
al_eval_regression(const double *truth, const double *pred, int n, al_reg_metrics *out)
{
	double		mean = 0,
				sse = 0,
				sae = 0,
				sst = 0;
	int			constant = 1;

	for (int i = 0; i < n; i++)
	{
		mean += truth[i];
		constant &= truth[i] == truth[0];
	}
	mean /= n;
	for (int i = 0; i < n; i++)
	{
		double		e = truth[i] - pred[i];

		sse += e * e;
		sae += fabs(e);
		sst += (truth[i] - mean) * (truth[i] - mean);
	}
	out->rmse = sqrt(sse / n);
	out->mae = sae / n;
	out->r2 = !constant && sst > 0 ? 1.0 - sse / sst : NAN;
}
