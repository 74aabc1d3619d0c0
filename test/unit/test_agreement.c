/*
 * test_agreement.c - Cohen's and Fleiss' kappa against hand-computed values.
 */
#include "agreement.h"
#include "unit.h"

/*
 * Fleiss' kappa: Wikipedia's worked example (10 subjects, 14 raters, 5
 * categories: P = 0.378, Pe = 0.213, kappa = 4211/20059 = 0.2099, computed
 * exactly with fractions), a hand example with varying raters, and the edge
 * cases.
 */
static void
test_fleiss(void)
{
	double		work[8];
	int			wiki[50] = {0, 0, 0, 0, 14, 0, 2, 6, 4, 2, 0, 0, 3, 5, 6, 0, 3, 9, 2, 0,
		2, 2, 8, 1, 1, 7, 7, 0, 0, 0, 3, 2, 6, 3, 0, 2, 5, 3, 2, 2,
	6, 5, 2, 1, 0, 0, 2, 2, 3, 7};

	/*
	 * rows (2,0) P=1, (1,1) P=0, (2,1) P=2/6, (1,0) left out (one rating):
	 * P = 4/9; p = (5/7, 2/7), Pe = 29/49; kappa = (4/9 - 29/49) / (20/49) =
	 * -13/36
	 */
	int			vary[8] = {2, 0, 1, 1, 2, 1, 1, 0};
	int			same[6] = {3, 0, 0, 3, 3, 0};
	int			one[4] = {4, 0, 2, 0};
	int			single[4] = {1, 0, 0, 1};
	int			negative[4] = {2, -1, 1, 1};

	UNIT_CLOSE(al_fleiss_kappa(wiki, 10, 5, work), 4211.0 / 20059.0, 1e-14, "Fleiss: Wikipedia example 0.2099");
	UNIT_CLOSE(al_fleiss_kappa(vary, 4, 2, work), -13.0 / 36.0, 1e-14, "Fleiss: varying raters -13/36");
	/* full agreement, two categories used: P = 1, Pe = 5/9 */
	UNIT_CLOSE(al_fleiss_kappa(same, 3, 2, work), 1.0, 1e-14, "Fleiss: full agreement 1");
	UNIT_CLOSE(al_fleiss_kappa(one, 2, 2, work), 1.0, 1e-15, "Fleiss: one category everywhere 1");
	UNIT_CHECK(isnan(al_fleiss_kappa(single, 2, 2, work)), "Fleiss: no item with two ratings: NaN");
	UNIT_CHECK(isnan(al_fleiss_kappa(negative, 2, 2, work)), "Fleiss: negative count: NaN");
	UNIT_CHECK(isnan(al_fleiss_kappa(wiki, 0, 5, work)), "Fleiss: no items: NaN");
}

int
main(void)
{
	double		work[20];
	int			a1[4] = {0, 0, 1, 1};
	int			b_same[4] = {0, 0, 1, 1};
	int			b_flip[4] = {1, 1, 0, 0};
	/* 10 items, 2 classes: a = 5 yes/5 no; b agrees on 8 (4 yes, 4 no) */
	int			a2[10] = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
	int			b2[10] = {1, 1, 1, 1, 0, 0, 0, 0, 0, 1};
	int			one[3] = {2, 2, 2};
	int			bad[2] = {0, 5};

	UNIT_CLOSE(al_cohen_kappa(a1, b_same, 4, 2, work), 1.0, 1e-15, "identical labelings: kappa 1");
	UNIT_CLOSE(al_cohen_kappa(a1, b_flip, 4, 2, work), -1.0, 1e-15, "opposite balanced labelings: kappa -1");
	/* po = 0.8, pe = 0.5*0.5 + 0.5*0.5 = 0.5, kappa = 0.3 / 0.5 = 0.6 */
	UNIT_CLOSE(al_cohen_kappa(a2, b2, 10, 2, work), 0.6, 1e-15, "hand example: kappa 0.6");
	UNIT_CLOSE(al_cohen_kappa(one, one, 3, 3, work), 1.0, 1e-15, "one class everywhere, agreeing: 1");
	UNIT_CHECK(isnan(al_cohen_kappa(a1, bad, 2, 2, work)), "label out of range: NaN");
	UNIT_CHECK(isnan(al_cohen_kappa(a1, a1, 0, 2, work)), "no items: NaN");
	test_fleiss();
	return unit_done();
}
