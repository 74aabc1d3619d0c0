/*
 * test_agreement.c - Cohen's kappa against hand-computed values.
 */
#include "agreement.h"
#include "unit.h"

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
	return unit_done();
}
