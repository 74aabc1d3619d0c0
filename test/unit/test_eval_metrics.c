/*
 * test_eval_metrics.c - evaluation metrics and their intervals against
 * hand-computed values (eval_metrics.c).
 */
#include "al_rng.h"
#include "eval_metrics.h"
#include "unit.h"

/* Order doubles ascending (the test's own sort). */
static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : x > y;
}

/*
 * The bootstrap interval recomputed here: the same seeded resamples, each
 * resample's macro-F1 through al_eval_macro_f1 on copied rows, and the
 * percentiles read by hand from the sorted values (type 7: numpy's default).
 */
static void
bootstrap_by_hand(const int *truth, const int *pred, int n, int k, uint64_t seed,
				  double *low, double *high)
{
	static double boot[AL_EVAL_BOOTSTRAP];
	int			t[64],
				p[64],
				counts[3 * 8];
	al_rng		rng;
	int			b,
				i;
	double		h;

	al_rng_seed(&rng, seed);
	for (b = 0; b < AL_EVAL_BOOTSTRAP; b++)
	{
		for (i = 0; i < n; i++)
		{
			int			j = (int) al_rng_below(&rng, (uint64_t) n);

			t[i] = truth[j];
			p[i] = pred[j];
		}
		boot[b] = al_eval_macro_f1(t, p, n, k, counts);
	}
	qsort(boot, AL_EVAL_BOOTSTRAP, sizeof(double), cmp_double);
	/* 0.025 * 999 = 24.975; 0.975 * 999 = 974.025 */
	h = 24.975;
	*low = boot[24] + (h - 24) * (boot[25] - boot[24]);
	h = 974.025;
	*high = boot[974] + (h - 974) * (boot[975] - boot[974]);
}

int
main(void)
{
	int			counts[3 * 8];
	double		boot[AL_EVAL_BOOTSTRAP];
	double		lo,
				hi,
				m,
				want_lo,
				want_hi;
	int			truth[5] = {0, 0, 1, 1, 2};
	int			pred[5] = {0, 1, 1, 1, 0};
	int			t12[12] = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 0, 1};
	int			p12[12] = {0, 1, 2, 1, 1, 0, 0, 2, 2, 0, 1, 1};
	double		probs[2] = {0.5, 0.25};
	double		certain[3] = {1.0, 1.0, 0.0};
	double		p_true[5] = {0.9, 0.3, 0.8, 0.6, 0.1};
	al_eval_metrics e;

	/* Wilson: 8 of 10 at z 1.96 (hand: center 0.71674, half 0.22658) */
	al_eval_wilson(8, 10, AL_EVAL_Z95, &lo, &hi);
	UNIT_CLOSE(lo, 0.49016247153664183, 1e-12, "wilson 8/10 low");
	UNIT_CLOSE(hi, 0.9433178485456247, 1e-12, "wilson 8/10 high");
	/* 0 of 5: low 0, high z^2/(n + z^2) */
	al_eval_wilson(0, 5, AL_EVAL_Z95, &lo, &hi);
	UNIT_CLOSE(lo, 0.0, 1e-15, "wilson 0/5 low is 0");
	UNIT_CLOSE(hi, AL_EVAL_Z95 * AL_EVAL_Z95 / (5 + AL_EVAL_Z95 * AL_EVAL_Z95), 1e-12, "wilson 0/5 high");
	al_eval_wilson(0, 0, AL_EVAL_Z95, &lo, &hi);
	UNIT_CHECK(isnan(lo) && isnan(hi), "wilson of no items: NaN");

	/*
	 * macro-F1: class 0 tp 1 fp 1 fn 1 -> 0.5; class 1 tp 2 fp 1 fn 0 -> 0.8;
	 * class 2 tp 0 fp 0 fn 1 -> 0; class 3 absent from both: left out.
	 */
	UNIT_CLOSE(al_eval_macro_f1(truth, pred, 5, 4, counts), 1.3 / 3, 1e-15, "macro-F1 by hand, absent class left out");
	UNIT_CLOSE(al_eval_macro_f1(truth, truth, 5, 3, counts), 1.0, 1e-15, "macro-F1 of a perfect prediction");
	UNIT_CHECK(isnan(al_eval_macro_f1(truth, pred, 0, 3, counts)), "macro-F1 of no items: NaN");

	/* log-loss: ln 2 and ln 4; s = ln 2 / sqrt 2; half = z s / sqrt 2 */
	al_eval_log_loss(probs, 2, &m, &lo, &hi);
	UNIT_CLOSE(m, 1.0397207708399179, 1e-12, "log-loss mean by hand");
	UNIT_CLOSE(lo, 0.3604490158984306, 1e-12, "log-loss low by hand");
	UNIT_CLOSE(hi, 1.7189925257814052, 1e-12, "log-loss high by hand");
	al_eval_log_loss(probs, 1, &m, &lo, &hi);
	UNIT_CHECK(fabs(m - log(2)) < 1e-15 && isnan(lo) && isnan(hi), "log-loss of one item: no interval");
	al_eval_log_loss(certain, 3, &m, &lo, &hi);
	UNIT_CLOSE(m, -log(1e-15) / 3, 1e-12, "a zero probability counts as 1e-15");

	/* bootstrap: a perfect prediction gives [1, 1]; otherwise as recomputed by hand */
	al_eval_macro_f1_bootstrap(t12, t12, 12, 3, 7, counts, boot, &lo, &hi);
	UNIT_CHECK(lo == 1.0 && hi == 1.0, "bootstrap of a perfect prediction: [1, 1]");
	al_eval_macro_f1_bootstrap(t12, p12, 12, 3, 7, counts, boot, &lo, &hi);
	bootstrap_by_hand(t12, p12, 12, 3, 7, &want_lo, &want_hi);
	UNIT_CLOSE(lo, want_lo, 1e-15, "bootstrap low as recomputed");
	UNIT_CLOSE(hi, want_hi, 1e-15, "bootstrap high as recomputed");
	UNIT_CHECK(lo < al_eval_macro_f1(t12, p12, 12, 3, counts) && hi > al_eval_macro_f1(t12, p12, 12, 3, counts),
			   "bootstrap interval around the estimate");
	al_eval_macro_f1_bootstrap(t12, p12, 12, 3, 8, counts, boot, &m, &hi);
	UNIT_CHECK(m != lo || hi != want_hi, "another seed, other resamples");

	/*
	 * multi-label, 4 items x 3 labels (hand): label 0 tp 2 fp 1 fn 0 -> 0.8;
	 * label 1 tp 1 fp 0 fn 1 -> 2/3; label 2 absent from both: left out.
	 * micro: tp 3 fp 1 fn 1 -> 0.75; Hamming: item 2's 2 wrong of 12;
	 * subset: items 0, 1 and 3 right -> 0.75.
	 */
	{
		unsigned char st[12] = {1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0};
		unsigned char sp[12] = {1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0};
		unsigned char none[3] = {0, 0, 0};
		al_ml_metrics ml;
		al_reg_metrics rm;
		double		yt[4] = {1, 2, 3, 4};
		double		yp[4] = {1.5, 2, 2, 4};
		double		flat[3] = {2, 2, 2};
		double		tenths[3] = {0.1, 0.1, 0.1};	/* their computed mean is not 0.1 */
		double		near[3] = {0.1 + 1e-9, 0.1 + 1e-9, 0.1 + 1e-9};

		al_eval_multilabel(st, sp, 4, 3, &ml);
		UNIT_CLOSE(ml.macro_f1, (0.8 + 2.0 / 3) / 2, 1e-15, "multi-label macro-F1 by hand, absent label left out");
		UNIT_CLOSE(ml.micro_f1, 0.75, 1e-15, "multi-label micro-F1 by hand");
		UNIT_CLOSE(ml.hamming_loss, 2.0 / 12, 1e-15, "Hamming loss by hand");
		UNIT_CLOSE(ml.subset_accuracy, 0.75, 1e-15, "subset accuracy by hand");
		al_eval_multilabel(none, none, 1, 3, &ml);
		UNIT_CHECK(isnan(ml.micro_f1) && isnan(ml.macro_f1) && ml.hamming_loss == 0 && ml.subset_accuracy == 1,
				   "multi-label: no positive anywhere: F1s NaN, nothing wrong");

		/* regression: errors 0.5, 0, 1, 0; SST 5 */
		al_eval_regression(yt, yp, 4, &rm);
		UNIT_CLOSE(rm.rmse, sqrt(1.25 / 4), 1e-15, "RMSE by hand");
		UNIT_CLOSE(rm.mae, 1.5 / 4, 1e-15, "MAE by hand");
		UNIT_CLOSE(rm.r2, 1 - 1.25 / 5, 1e-15, "R2 by hand");
		al_eval_regression(flat, flat, 3, &rm);
		UNIT_CHECK(rm.rmse == 0 && rm.mae == 0 && isnan(rm.r2), "R2 of constant targets: NaN");
		al_eval_regression(tenths, near, 3, &rm);
		UNIT_CHECK(isnan(rm.r2), "R2 of constant targets whose mean rounds off them: NaN, not huge");
	}

	/* everything together */
	al_eval_compute(truth, pred, p_true, 5, 4, 1, counts, boot, &e);
	UNIT_CHECK(e.n == 5, "compute: n");
	UNIT_CLOSE(e.accuracy, 0.6, 1e-15, "compute: accuracy 3/5");
	al_eval_wilson(3, 5, AL_EVAL_Z95, &lo, &hi);
	UNIT_CHECK(e.accuracy_low == lo && e.accuracy_high == hi, "compute: the wilson interval of 3/5");
	UNIT_CLOSE(e.macro_f1, 1.3 / 3, 1e-15, "compute: macro-F1");
	UNIT_CLOSE(e.log_loss, -(log(0.9) + log(0.3) + log(0.8) + log(0.6) + log(0.1)) / 5, 1e-12, "compute: log-loss");
	return unit_done();
}
