/*
 * test_multilabel.c - unit tests of the multi-label score kernels
 * (src/core/multilabel.c): hand values on short rows in float8 and float4
 * (values computed by hand, the entropies with Python's math.log), the edge
 * rows (all 0, all 1, a label at 0.5, a single label), every rejected value
 * with its position, and random rows against the formulas written out here
 * a second time.
 */
#include <float.h>
#include <stdlib.h>

#include "multilabel.h"
#include "unit.h"

#define LN2 0.69314718055994530942

/* A float8 row of n labels. */
static al_label_probs
row8(const double *v, int n)
{
	al_label_probs p = {NULL, v, n};

	return p;
}

/* A float4 row of n labels. */
static al_label_probs
row4(const float *v, int n)
{
	al_label_probs p = {v, NULL, n};

	return p;
}

/* Every score of p = (0.2, 0.5, 0.9) and (0.2, 0.9), by hand. */
static void
test_hand_values(void)
{
	double		v[] = {0.2, 0.5, 0.9};
	double		w[] = {0.2, 0.9};
	float		f[] = {0.25f, 0.75f};
	al_label_probs p = row8(v, 3);
	al_label_probs q = row8(w, 2);
	al_label_probs r = row4(f, 2);

	/* (h(.2) + ln 2 + h(.9)) / 3, h(p) = -p ln p - (1 - p) ln(1 - p) */
	UNIT_CLOSE(al_mean_binary_entropy(&p), 0.5062108591631939, 1e-15, "mean binary entropy of (.2, .5, .9)");
	UNIT_CHECK(al_binary_minimum(&p) == 1.0, "binary minimum: a label at 0.5 gives 1");
	/* losses 1 - |2p - 1|: 0.4, 1 (margin 0: sign +1), 0.2 */
	UNIT_CHECK(al_max_loss(&p) == 1.0, "max loss: the label at 0.5 loses 1");
	UNIT_CLOSE(al_mean_max_loss(&p), (0.4 + 1.0 + 0.2) / 3, 1e-15, "mean max loss (0.4 + 1 + 0.2) / 3");
	UNIT_CHECK(al_predicted_cardinality(&p) == 2, "0.5 and 0.9 are predicted: cardinality 2");
	UNIT_CLOSE(al_label_cardinality_inconsistency(&p, 1.25), 0.75, 0, "LCI |2 - 1.25| = 0.75");
	UNIT_CLOSE(al_label_cardinality_inconsistency(&p, 3.5), 1.5, 0, "LCI |2 - 3.5| = 1.5");

	/* closest to 0.5: 0.2, at 0.3 */
	UNIT_CLOSE(al_binary_minimum(&q), 0.4, 1e-15, "binary minimum of (.2, .9): 1 - 2 * 0.3");
	UNIT_CLOSE(al_max_loss(&q), 0.4, 1e-15, "max loss of (.2, .9): 0.4 (margin -0.6, sign -1)");
	UNIT_CLOSE(al_mean_max_loss(&q), 0.3, 1e-15, "mean max loss of (.2, .9): (0.4 + 0.2) / 2");
	UNIT_CLOSE(al_label_hinge_loss(0.9), 0.2, 1e-15, "hinge loss of 0.9: margin 0.8, sign +1");
	UNIT_CLOSE(al_label_hinge_loss(0.1), 0.2, 1e-15, "hinge loss of 0.1: margin -0.8, sign -1");

	UNIT_CLOSE(al_mean_binary_entropy(&r), 0.5623351446188083, 1e-15, "float4 (.25, .75): h(.25)");
	UNIT_CHECK(al_binary_minimum(&r) == 0.5 && al_max_loss(&r) == 0.5 && al_mean_max_loss(&r) == 0.5,
			   "float4 (.25, .75): binary minimum, max loss, mean max loss 0.5");
	UNIT_CHECK(al_predicted_cardinality(&r) == 1, "float4 (.25, .75): cardinality 1");
}

/* Rows of certain labels, a label at 0.5 alone, one label. */
static void
test_edges(void)
{
	double		zeros[] = {0.0, 0.0, 0.0};
	double		ones[] = {1.0, 1.0, 1.0};
	double		half[] = {0.5};
	float		one[] = {0.3f};
	al_label_probs z = row8(zeros, 3);
	al_label_probs o = row8(ones, 3);
	al_label_probs h = row8(half, 1);
	al_label_probs s = row4(one, 1);
	double		e;

	e = al_mean_binary_entropy(&z);
	UNIT_CHECK(e == 0.0 && !signbit(e), "all 0: mean binary entropy +0");
	e = al_mean_binary_entropy(&o);
	UNIT_CHECK(e == 0.0 && !signbit(e), "all 1: mean binary entropy +0");
	UNIT_CHECK(al_binary_minimum(&z) == 0.0 && al_binary_minimum(&o) == 0.0, "all 0, all 1: binary minimum 0");
	UNIT_CHECK(al_max_loss(&z) == 0.0 && al_mean_max_loss(&o) == 0.0, "all 0, all 1: losses 0");
	UNIT_CHECK(al_predicted_cardinality(&z) == 0 && al_predicted_cardinality(&o) == 3, "cardinality 0 and 3");
	UNIT_CHECK(al_label_cardinality_inconsistency(&z, 0) == 0.0, "all 0 against mean 0: LCI 0");
	UNIT_CLOSE(al_label_cardinality_inconsistency(&o, 1.5), 1.5, 0, "all 1 against mean 1.5: LCI 1.5");

	UNIT_CLOSE(al_mean_binary_entropy(&h), LN2, 1e-16, "one label at 0.5: entropy ln 2");
	UNIT_CHECK(al_binary_minimum(&h) == 1.0 && al_max_loss(&h) == 1.0 && al_mean_max_loss(&h) == 1.0,
			   "one label at 0.5: binary minimum and losses 1");
	UNIT_CHECK(al_predicted_cardinality(&h) == 1, "0.5 is predicted present (the threshold is >= 0.5)");

	/* a float4 0.3 is 0.30000001192092896 */
	UNIT_CLOSE(al_binary_minimum(&s), 1.0 - 2.0 * (0.5 - (double) 0.3f), 0, "one float4 label: 1 - 2 |p - 0.5|");
	UNIT_CLOSE(al_mean_max_loss(&s), 2.0 * (double) 0.3f, 1e-16, "one float4 label: loss 2p");
}

/* Rejected rows and the position of the first bad value. */
static void
test_check(void)
{
	double		ok[] = {0.0, -0.0, 1.0, 0.5};
	double		nan_at_2[] = {0.1, 0.2, NAN, 2.0};
	double		over[] = {1.0000000000000002};
	double		under[] = {0.5, -1e-300};
	double		inf[] = {INFINITY};
	float		f_over[] = {0.5f, 0.5f, 1.0000001f};
	al_label_probs p;
	int			bad = -1;

	p = row8(ok, 4);
	UNIT_CHECK(al_label_probs_check(&p, &bad) == AL_ML_OK, "0, -0, 1 and 0.5 are valid");
	p = row8(ok, 0);
	UNIT_CHECK(al_label_probs_check(&p, &bad) == AL_ML_EMPTY, "no label: empty");
	p = row8(nan_at_2, 4);
	UNIT_CHECK(al_label_probs_check(&p, &bad) == AL_ML_OUT_OF_RANGE && bad == 2, "NaN at position 2 (0-based)");
	p = row8(over, 1);
	UNIT_CHECK(al_label_probs_check(&p, &bad) == AL_ML_OUT_OF_RANGE && bad == 0, "1 + ulp is out of range");
	p = row8(under, 2);
	UNIT_CHECK(al_label_probs_check(&p, &bad) == AL_ML_OUT_OF_RANGE && bad == 1, "-1e-300 is out of range");
	p = row8(inf, 1);
	UNIT_CHECK(al_label_probs_check(&p, &bad) == AL_ML_OUT_OF_RANGE && bad == 0, "Infinity is out of range");
	p = row4(f_over, 3);
	UNIT_CHECK(al_label_probs_check(&p, &bad) == AL_ML_OUT_OF_RANGE && bad == 2, "float4 1.0000001 at position 2");
}

/*
 * 1,000 random rows of 1 to 20 labels against the formulas written out
 * again: entropy from log1p, the losses from the distance to 0.5, the
 * cardinality by counting; max loss equals the binary minimum exactly.
 */
static void
test_random_rows(void)
{
	double		v[20];
	int			worst_entropy = 0;
	int			worst_loss = 0;
	int			worst_card = 0;
	int			not_equal = 0;

	srand(7);
	for (int row = 0; row < 1000; row++)
	{
		int			n = 1 + rand() % 20;
		al_label_probs p = row8(v, n);
		double		h = 0.0;
		double		mean_loss = 0.0;
		double		closest = 1.0;
		int			card = 0;

		for (int l = 0; l < n; l++)
		{
			v[l] = rand() % 4 == 0 ? (double) (rand() % 3) / 2.0 : (double) rand() / RAND_MAX;
			h += -(v[l] > 0 ? v[l] * log(v[l]) : 0) - (v[l] < 1 ? (1 - v[l]) * log1p(-v[l]) : 0);
			mean_loss += 1.0 - 2.0 * fabs(v[l] - 0.5);
			closest = fmin(closest, fabs(v[l] - 0.5));
			card += !(v[l] < 0.5);
		}
		worst_entropy += fabs(al_mean_binary_entropy(&p) - h / n) > 1e-14;
		worst_loss += fabs(al_mean_max_loss(&p) - mean_loss / n) > 1e-14
			|| fabs(al_max_loss(&p) - (1.0 - 2.0 * closest)) > 1e-15;
		worst_card += al_predicted_cardinality(&p) != card;
		not_equal += al_max_loss(&p) != al_binary_minimum(&p);
	}
	UNIT_CHECK(worst_entropy == 0, "random rows: mean binary entropy as -p ln p - (1-p) log1p(-p)");
	UNIT_CHECK(worst_loss == 0, "random rows: losses as 1 - 2 |p - 0.5|");
	UNIT_CHECK(worst_card == 0, "random rows: cardinality by counting p >= 0.5");
	UNIT_CHECK(not_equal == 0, "random rows: max loss equals the binary minimum exactly");
}

int
main(void)
{
	test_hand_values();
	test_edges();
	test_check();
	test_random_rows();
	return unit_done();
}
