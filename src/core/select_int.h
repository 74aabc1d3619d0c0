/*
 * select_int.h - helpers shared by the selection kernels (select_*.c):
 * input checks, distance updates through BLAS, the score sort.  Internal to
 * src/core; callers use select.h.
 */
#ifndef AL_SELECT_INT_H
#define AL_SELECT_INT_H

#include "al_blas.h"
#include "select.h"

/* What a kernel reads from its al_sel_pool (sel_check_pool). */
#define SEL_NEED_X		1u			/* x (m x d) and xl (l x d) */
#define SEL_NEED_SCORE	2u			/* score[m] */
#define SEL_NEED_P		4u			/* p (m x c) */
#define SEL_NEED_YL		8u			/* yl[l] (greedy sampling targets) */

/* Floats of one block of dot products (a block is m x rows). */
#define SEL_BLOCK_FLOATS (1 << 20)

/*
 * A squared distance from the norm expansion below this fraction of
 * |x|^2 + |y|^2 has lost most of its digits to float cancellation: it is
 * recomputed directly in double (sel_exact_sqdist).
 */
#define SEL_REFINE 1e-3

/* Doubles needed to hold n floats or n ints. */
#define SEL_DOUBLES_FOR(n) (((size_t) (n) + 1) / 2)

extern void sel_set_where(al_sel_where *where, int row, int col, int labeled);
extern al_sel_status sel_check_pool(const al_sel_pool *pool, unsigned needs,
									int npick, const int *order,
									const double *work, al_sel_where *where);
extern al_sel_status sel_check_rows(const float *x, int n, int d, int labeled,
									al_sel_where *where);
extern int	sel_tick(const al_sel_pool *pool);

extern int	sel_block_rows(int m, int l);
extern double sel_exact_sqdist(const float *a, const float *b, int d);
extern double sel_dot(const float *a, const float *b, int d);
extern al_sel_status sel_min_sqdist(const al_sel_pool *pool,
									const al_blas_api *blas, const float *x,
									int m, const double *xn, const float *y,
									int l, const double *yn, int d,
									const double *fx, const double *fy,
									double *mind, float *buf);
extern int	sel_nearest_centroid(const float *x, int m, int d, double *mu);

extern void sel_sort_desc(const double *score, int m, int *idx, int *tmp);

#endif							/* AL_SELECT_INT_H */
