/*
 * lbfgs.h - unconstrained L-BFGS minimizer with a strong-Wolfe line search,
 * in double precision, deterministic, no allocation (caller's workspace).
 *
 * Stopping rules follow scipy's L-BFGS-B as scikit-learn uses it: the
 * gradient's max-norm <= gtol, or a relative decrease of f <= ftol, or
 * max_iter iterations.
 */
#ifndef AL_LBFGS_H
#define AL_LBFGS_H

#include <stddef.h>

/* f(x), with its gradient written to g (n entries). */
typedef double (*al_lbfgs_fn) (void *arg, const double *x, double *g);

typedef struct al_lbfgs_params
{
	int			m;				/* memory (number of correction pairs) */
	int			max_iter;		/* iteration limit */
	double		gtol;			/* stop when max |g_i| <= gtol */
	double		ftol;			/* stop when (f_old - f) / max(|f_old|,|f|,1) <= ftol */
	int			max_ls;			/* evaluations per line search */
	int			(*progress) (void *arg, int iter, double f, double gnorm);
	void	   *progress_arg;	/* progress returns nonzero to cancel */
} al_lbfgs_params;

typedef enum al_lbfgs_stop
{
	AL_LBFGS_GTOL,
	AL_LBFGS_FTOL,
	AL_LBFGS_MAX_ITER,
	AL_LBFGS_LINE_SEARCH,		/* no decrease found, even along -g */
	AL_LBFGS_CANCELLED,
	AL_LBFGS_NOT_FINITE			/* f or g not finite at the starting point */
} al_lbfgs_stop;

typedef struct al_lbfgs_result
{
	int			iterations;
	int			n_evals;
	double		f;
	double		gnorm;			/* max |g_i| */
	al_lbfgs_stop stop;
} al_lbfgs_result;

/* Workspace size in doubles for n variables and memory m. */
extern size_t al_lbfgs_work_size(size_t n, int m);

/*
 * Minimize fn from x (overwritten with the result).  work has
 * al_lbfgs_work_size(n, p->m) doubles.  On return g (n doubles, may be
 * NULL) holds the gradient at x.
 */
extern void al_lbfgs_minimize(size_t n, double *x, double *g, al_lbfgs_fn fn,
							  void *arg, const al_lbfgs_params *p,
							  double *work, al_lbfgs_result *res);

#endif							/* AL_LBFGS_H */
