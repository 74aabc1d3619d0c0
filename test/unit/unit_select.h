/*
 * unit_select.h - what the unit tests of the selection kernels
 * (test_select_dist.c, test_select_order.c) share: a workspace, pools, an
 * order comparison and random rows.
 */
#ifndef AL_UNIT_SELECT_H
#define AL_UNIT_SELECT_H

#include <stdint.h>
#include <stdlib.h>

#include "al_blas.h"
#include "al_rng.h"
#include "select.h"
#include "unit.h"

#define MAXM 512

static double work[1 << 22];

/* A pool of m candidates (and l labeled rows) of d features. */
static inline al_sel_pool
pool_of(const float *x, int m, int d, const float *xl, int l)
{
	al_sel_pool p = {0};

	p.x = x;
	p.m = m;
	p.d = d;
	p.xl = xl;
	p.l = l;
	return p;
}

/* order[0..n-1] equals want[0..n-1]. */
static inline int
same_order(const int *order, const int *want, int n)
{
	for (int i = 0; i < n; i++)
		if (order[i] != want[i])
		{
			printf("#   position %d: got %d, want %d\n", i, order[i], want[i]);
			return 0;
		}
	return 1;
}

/* Random pool: uniform features in [-1, 1). */
static inline void
random_rows(al_rng *r, float *x, int n, int d)
{
	for (int i = 0; i < n * d; i++)
		x[i] = (float) (2 * al_rng_uniform(r) - 1);
}

/* A tick that stops the kernel at its second call (counted in *arg). */
static inline int
stop_now(void *arg)
{
	return ++*(int *) arg >= 2;
}

#endif							/* AL_UNIT_SELECT_H */
