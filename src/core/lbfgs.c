/*
 * lbfgs.c - L-BFGS (two-loop recursion) with a strong-Wolfe line search
 * (bracketing, then zoom with safeguarded cubic interpolation, as in
 * Nocedal & Wright, Numerical Optimization, algorithms 3.5 and 3.6).
 *
 * Everything is plain loops in a fixed order, so a run is a deterministic
 * function of its inputs.
 */
#include "lbfgs.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define LS_C1 1e-4				/* sufficient decrease */
#define LS_C2 0.9				/* curvature (weak for quasi-Newton) */

/* The minimizer's state: the caller's x plus views into the workspace. */
typedef struct lb_state
{
	size_t		n;
	int			m;
	al_lbfgs_fn fn;
	void	   *arg;
	const al_lbfgs_params *p;
	double	   *x;				/* current point (the caller's array) */
	double	   *g;				/* gradient at x */
	double	   *d;				/* search direction */
	double	   *xt;				/* trial point x + a d */
	double	   *gt;				/* gradient at the trial point */
	double	   *glo;			/* gradient at the best acceptable trial */
	double	   *s;				/* m x n steps (ring) */
	double	   *y;				/* m x n gradient changes (ring) */
	double	   *rho;			/* 1 / (s . y) per pair */
	double	   *alpha;			/* two-loop scratch */
	int			head;			/* slot for the next pair */
	int			count;			/* pairs stored */
	double		f;				/* f(x) */
	int			n_evals;
	int			ls_left;		/* evaluations left in this line search */
} lb_state;

/* One point of the line search: step, f and directional derivative. */
typedef struct ls_point
{
	double		a;
	double		f;
	double		dphi;
} ls_point;

/* Line search outcome. */
typedef enum ls_result
{
	LS_OK,						/* strong Wolfe point in xt/gt */
	LS_DECREASE,				/* only sufficient decrease; point in xt/gt */
	LS_FAILED					/* no acceptable point */
} ls_result;

/* Dot product in a fixed order. */
static double
dot(const double *a, const double *b, size_t n)
{
	double		s = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* max_i |v_i| (NaN if any entry is NaN). */
static double
norm_inf(const double *v, size_t n)
{
	double		m = 0;
	size_t		i;

	for (i = 0; i < n; i++)
	{
		if (isnan(v[i]))
			return NAN;
		if (fabs(v[i]) > m)
			m = fabs(v[i]);
	}
	return m;
}

/* Workspace: g, d, xt, gt, glo (5n), the pairs (2mn), rho and alpha (2m). */
size_t
al_lbfgs_work_size(size_t n, int m)
{
	return 5 * n + 2 * (size_t) m * n + 2 * (size_t) m;
}

/* Evaluate at x + a d into xt/gt and fill pt. */
static void
ls_eval(lb_state *st, double a, ls_point *pt)
{
	size_t		i;

	for (i = 0; i < st->n; i++)
		st->xt[i] = st->x[i] + a * st->d[i];
	pt->a = a;
	pt->f = st->fn(st->arg, st->xt, st->gt);
	pt->dphi = dot(st->gt, st->d, st->n);
	if (!isfinite(pt->f) || !isfinite(pt->dphi))
		pt->f = INFINITY;		/* treat as "step too long" */
	st->n_evals++;
	st->ls_left--;
}

/*
 * A trial step strictly inside the bracket [lo, hi]: the minimizer of the
 * cubic through both ends' f and dphi, kept at least 10% of the bracket
 * away from either end; bisection when the cubic is unusable.
 */
static double
ls_interpolate(const ls_point *lo, const ls_point *hi)
{
	double		width = hi->a - lo->a;
	double		mid = lo->a + 0.5 * width;
	double		d1,
				d2sq,
				d2,
				a,
				left,
				right;

	if (!isfinite(hi->f))
		return mid;
	d1 = lo->dphi + hi->dphi - 3.0 * (lo->f - hi->f) / (lo->a - hi->a);
	d2sq = d1 * d1 - lo->dphi * hi->dphi;
	if (!(d2sq >= 0.0) || !isfinite(d2sq))
		return mid;
	d2 = copysign(sqrt(d2sq), width);
	a = hi->a - width * (hi->dphi + d2 - d1) / (hi->dphi - lo->dphi + 2.0 * d2);
	left = fmin(lo->a, hi->a) + 0.1 * fabs(width);
	right = fmax(lo->a, hi->a) - 0.1 * fabs(width);
	if (!isfinite(a) || a < left || a > right)
		return mid;
	return a;
}

/* Put the best acceptable point (lo) back in xt/gt; LS_FAILED if none. */
static ls_result
ls_fallback(lb_state *st, const ls_point *lo)
{
	size_t		i;

	if (lo->a <= 0.0)
		return LS_FAILED;
	for (i = 0; i < st->n; i++)
		st->xt[i] = st->x[i] + lo->a * st->d[i];
	memcpy(st->gt, st->glo, st->n * sizeof(double));
	return LS_DECREASE;
}

/* Remember pt (just evaluated, in gt) as the best acceptable point. */
static void
ls_set_lo(lb_state *st, ls_point *lo, const ls_point *pt)
{
	*lo = *pt;
	memcpy(st->glo, st->gt, st->n * sizeof(double));
}

/*
 * Zoom (N&W 3.6): shrink the bracket [lo, hi], where lo satisfies
 * sufficient decrease with the lowest f so far, until a strong Wolfe point
 * is found or the budget or the bracket runs out.
 */
static ls_result
ls_zoom(lb_state *st, ls_point lo, ls_point hi, const ls_point *p0,
		double *f_out)
{
	ls_point	pt;

	while (st->ls_left > 0 &&
		   fabs(hi.a - lo.a) > DBL_EPSILON * fmax(1.0, fabs(lo.a)))
	{
		ls_eval(st, ls_interpolate(&lo, &hi), &pt);
		if (pt.f > p0->f + LS_C1 * pt.a * p0->dphi || pt.f >= lo.f)
			hi = pt;
		else
		{
			if (fabs(pt.dphi) <= -LS_C2 * p0->dphi)
			{
				*f_out = pt.f;
				return LS_OK;
			}
			if (pt.dphi * (hi.a - lo.a) >= 0)
				hi = lo;
			ls_set_lo(st, &lo, &pt);
		}
	}
	*f_out = lo.f;
	return ls_fallback(st, &lo);
}

/*
 * Strong-Wolfe line search (N&W 3.5) along d from x, first trial step a1.
 * Grows the step (x4) while f keeps decreasing and the slope stays
 * negative, then zooms.  The accepted point is left in xt/gt, its f in
 * *f_out.
 */
static ls_result
line_search(lb_state *st, double dphi0, double a1, double *f_out)
{
	ls_point	p0 = {0.0, st->f, dphi0};
	ls_point	prev = p0;
	ls_point	lo = p0;
	ls_point	pt;
	double		a = a1;
	int			first = 1;

	st->ls_left = st->p->max_ls;
	while (st->ls_left > 0)
	{
		ls_eval(st, a, &pt);
		if (pt.f > p0.f + LS_C1 * a * dphi0 || (!first && pt.f >= prev.f))
			return ls_zoom(st, lo, pt, &p0, f_out);
		if (fabs(pt.dphi) <= -LS_C2 * dphi0)
		{
			*f_out = pt.f;
			return LS_OK;
		}
		ls_set_lo(st, &lo, &pt);
		if (pt.dphi >= 0)
			return ls_zoom(st, lo, prev, &p0, f_out);
		prev = pt;
		a *= 4.0;
		first = 0;
	}
	*f_out = lo.f;
	return ls_fallback(st, &lo);
}

/*
 * d = -H g by the two-loop recursion, H0 = (s.y / y.y) I from the newest
 * pair; d = -g when no pair is stored.
 */
static void
two_loop(lb_state *st)
{
	size_t		n = st->n,
				i;
	int			j,
				slot;
	double		gamma,
				beta;

	for (i = 0; i < n; i++)
		st->d[i] = -st->g[i];
	for (j = 0; j < st->count; j++)
	{
		slot = (st->head - 1 - j + st->m) % st->m;
		st->alpha[slot] = st->rho[slot] * dot(st->s + slot * n, st->d, n);
		for (i = 0; i < n; i++)
			st->d[i] -= st->alpha[slot] * st->y[slot * n + i];
	}
	if (st->count > 0)
	{
		slot = (st->head - 1 + st->m) % st->m;
		gamma = 1.0 / (st->rho[slot] * dot(st->y + slot * n, st->y + slot * n, n));
		for (i = 0; i < n; i++)
			st->d[i] *= gamma;
	}
	for (j = st->count - 1; j >= 0; j--)
	{
		slot = (st->head - 1 - j + st->m) % st->m;
		beta = st->rho[slot] * dot(st->y + slot * n, st->d, n);
		for (i = 0; i < n; i++)
			st->d[i] += (st->alpha[slot] - beta) * st->s[slot * n + i];
	}
}

/*
 * Move to the accepted trial point: store the pair (s, y) when s.y is
 * safely positive (always true after a strong Wolfe step), then x = xt,
 * g = gt.
 */
static void
accept_step(lb_state *st, double f_new)
{
	size_t		n = st->n,
				i;
	double	   *s = st->s + (size_t) st->head * n;
	double	   *y = st->y + (size_t) st->head * n;
	double		sy,
				yy;

	for (i = 0; i < n; i++)
	{
		s[i] = st->xt[i] - st->x[i];
		y[i] = st->gt[i] - st->g[i];
	}
	sy = dot(s, y, n);
	yy = dot(y, y, n);
	if (sy > DBL_EPSILON * yy && sy > 0)
	{
		st->rho[st->head] = 1.0 / sy;
		st->head = (st->head + 1) % st->m;
		if (st->count < st->m)
			st->count++;
	}
	memcpy(st->x, st->xt, n * sizeof(double));
	memcpy(st->g, st->gt, n * sizeof(double));
	st->f = f_new;
}

/* Carve the workspace into the state's arrays. */
static void
lb_setup(lb_state *st, size_t n, double *x, double *work,
		 const al_lbfgs_params *p)
{
	st->n = n;
	st->m = p->m;
	st->p = p;
	st->x = x;
	st->g = work;
	st->d = work + n;
	st->xt = work + 2 * n;
	st->gt = work + 3 * n;
	st->glo = work + 4 * n;
	st->s = work + 5 * n;
	st->y = st->s + (size_t) p->m * n;
	st->rho = st->y + (size_t) p->m * n;
	st->alpha = st->rho + p->m;
	st->head = 0;
	st->count = 0;
	st->n_evals = 0;
}

/*
 * One iteration: direction, line search (retried along -g with a fresh
 * memory if the quasi-Newton direction fails), step.  Returns 0, or -1
 * when no decrease can be found.
 */
static int
iterate(lb_state *st, double *f_new)
{
	double		dphi0,
				a1,
				dnorm;

	two_loop(st);
	dphi0 = dot(st->g, st->d, st->n);
	if (!(dphi0 < 0) && st->count > 0)
	{
		st->count = 0;			/* not a descent direction: forget */
		two_loop(st);
		dphi0 = dot(st->g, st->d, st->n);
	}
	dnorm = sqrt(dot(st->d, st->d, st->n));
	a1 = (st->count == 0) ? fmin(1.0, 1.0 / dnorm) : 1.0;
	if (line_search(st, dphi0, a1, f_new) != LS_FAILED)
		return 0;
	if (st->count == 0)
		return -1;
	st->count = 0;				/* retry along -g */
	return iterate(st, f_new);
}

/* Fill the result and copy out the gradient. */
static void
finish(lb_state *st, double *g, al_lbfgs_stop stop, int iters,
	   al_lbfgs_result *res)
{
	res->iterations = iters;
	res->n_evals = st->n_evals;
	res->f = st->f;
	res->gnorm = norm_inf(st->g, st->n);
	res->stop = stop;
	if (g != NULL)
		memcpy(g, st->g, st->n * sizeof(double));
}

/*
 * One step of the main loop: the stop reason, or -1 to go on.  Called
 * with f and g current; on -1 the step has been taken.
 */
static int
step_or_stop(lb_state *st, int *iter, double *gnorm)
{
	const al_lbfgs_params *p = st->p;
	double		f_new,
				f_old = st->f;

	if (p->progress && p->progress(p->progress_arg, *iter, st->f, *gnorm))
		return AL_LBFGS_CANCELLED;
	if (*gnorm <= p->gtol)
		return AL_LBFGS_GTOL;
	if (*iter >= p->max_iter)
		return AL_LBFGS_MAX_ITER;
	if (iterate(st, &f_new) != 0)
		return AL_LBFGS_LINE_SEARCH;
	accept_step(st, f_new);
	(*iter)++;
	*gnorm = norm_inf(st->g, st->n);
	if (f_old - f_new <= p->ftol * fmax(fmax(fabs(f_old), fabs(f_new)), 1.0))
		return *gnorm <= p->gtol ? AL_LBFGS_GTOL : AL_LBFGS_FTOL;
	return -1;
}

/* The L-BFGS loop; see lbfgs.h. */
void
al_lbfgs_minimize(size_t n, double *x, double *g, al_lbfgs_fn fn, void *arg,
				  const al_lbfgs_params *p, double *work,
				  al_lbfgs_result *res)
{
	lb_state	st;
	int			iter = 0,
				stop;
	double		gnorm;

	lb_setup(&st, n, x, work, p);
	st.fn = fn;
	st.arg = arg;
	st.f = fn(arg, x, st.g);
	st.n_evals = 1;
	gnorm = norm_inf(st.g, n);
	if (!isfinite(st.f) || !isfinite(gnorm))
		stop = AL_LBFGS_NOT_FINITE;
	else
		while ((stop = step_or_stop(&st, &iter, &gnorm)) < 0)
			;
	finish(&st, g, (al_lbfgs_stop) stop, iter, res);
}
