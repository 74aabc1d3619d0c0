/*
 * bench_train.c - time the softmax-regression trainer on a deterministic
 * Gaussian mixture (the reference workload of doc/models.md).
 *
 * Data (seed 42 by default, al_rng): k class means, each feature of each
 * mean drawn N(0,1) and multiplied by `sep` (0.35); then each of the n rows
 * takes a class uniformly (al_rng_below) and its features are the class
 * mean plus N(0,1) noise (al_rng_normal), rounded to float.
 *
 * Build from the repository root (no Makefile rule needed):
 *   gcc -O2 -Isrc/core $(pkg-config --cflags openblas) \
 *       -DAL_OPENBLAS_LIB="\"$(pkg-config --variable=libdir openblas)/libopenblas.so.0\"" \
 *       bench/bench_train.c src/core/al_blas.c src/core/al_rng.c \
 *       src/core/lbfgs.c src/core/softmax_model.c src/core/softmax_train.c \
 *       -lm -ldl -o build/bench_train
 * Usage: bench_train [n d k] [--c C] [--tol T] [--max-iter N] [--sep S]
 *        [--ftol F] [--m LBFGS_M] [--block ROWS] [--repeat R] [--seed S] [--members M] [--standardize] [--coretype NAME]
 *        [--dump FILE]   (FILE gets n, d, k as int32, X as float32, y as int32)
 */
#include "al_blas.h"
#include "al_rng.h"
#include "softmax_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Benchmark settings from the command line. */
typedef struct bench_args
{
	int			n,
				d,
				k,
				repeat,
				lbfgs_m,
				block_rows,
				members,
				max_iter,
				standardize;
	double		c,
				tol,
				ftol,
				sep;
	uint64_t	seed;
	const char *coretype;
	const char *dump;
} bench_args;

/* Seconds on the given clock. */
static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Parse the command line into a (defaults: the reference workload). */
static void
parse_args(int argc, char **argv, bench_args *a)
{
	int			i,
				pos = 0;

	*a = (bench_args)
	{
		100000, 64, 10, 1, 10, 0, 1, 200, 0, 1.0, 1e-4, -1, 0.35, 42, "auto", NULL
	};
	for (i = 1; i < argc; i++)
	{
		const char *s = argv[i];
		const char *v = (i + 1 < argc) ? argv[i + 1] : "0";

		if (strcmp(s, "--standardize") == 0)
			a->standardize = 1;
		else if (strcmp(s, "--c") == 0 && ++i)
			a->c = atof(v);
		else if (strcmp(s, "--tol") == 0 && ++i)
			a->tol = atof(v);
		else if (strcmp(s, "--repeat") == 0 && ++i)
			a->repeat = atoi(v);
		else if (strcmp(s, "--m") == 0 && ++i)
			a->lbfgs_m = atoi(v);
		else if (strcmp(s, "--block") == 0 && ++i)
			a->block_rows = atoi(v);
		else if (strcmp(s, "--ftol") == 0 && ++i)
			a->ftol = atof(v);
		else if (strcmp(s, "--max-iter") == 0 && ++i)
			a->max_iter = atoi(v);
		else if (strcmp(s, "--sep") == 0 && ++i)
			a->sep = atof(v);
		else if (strcmp(s, "--seed") == 0 && ++i)
			a->seed = strtoull(v, NULL, 10);
		else if (strcmp(s, "--members") == 0 && ++i)
			a->members = atoi(v);
		else if (strcmp(s, "--coretype") == 0 && ++i)
			a->coretype = v;
		else if (strcmp(s, "--dump") == 0 && ++i)
			a->dump = v;
		else if (pos == 0 && ++pos)
			a->n = atoi(s);
		else if (pos == 1 && ++pos)
			a->d = atoi(s);
		else if (pos == 2 && ++pos)
			a->k = atoi(s);
	}
}

/* The mixture described at the top of this file. */
static void
make_mixture(const bench_args *a, float *x, int *y)
{
	al_rng		r;
	double	   *mu = malloc((size_t) a->k * a->d * sizeof(double));
	size_t		i,
				j;

	al_rng_seed(&r, a->seed);
	for (i = 0; i < (size_t) a->k * a->d; i++)
		mu[i] = a->sep * al_rng_normal(&r);
	for (i = 0; i < (size_t) a->n; i++)
	{
		y[i] = (int) al_rng_below(&r, (uint64_t) a->k);
		for (j = 0; j < (size_t) a->d; j++)
			x[i * a->d + j] = (float) (mu[(size_t) y[i] * a->d + j] + al_rng_normal(&r));
	}
	free(mu);
}

/* Write the data set for an external comparison (e.g. scikit-learn). */
static void
dump(const bench_args *a, const float *x, const int *y)
{
	FILE	   *f = fopen(a->dump, "wb");
	int			hdr[3] = {a->n, a->d, a->k};

	if (f == NULL)
	{
		perror(a->dump);
		return;
	}
	fwrite(hdr, sizeof(int), 3, f);
	fwrite(x, sizeof(float), (size_t) a->n * a->d, f);
	fwrite(y, sizeof(int), (size_t) a->n, f);
	fclose(f);
}

/* Train member `member` once; wall and CPU seconds in *wall, *cpu. */
static al_sm_status
fit_once(const bench_args *a, const al_softmax_data *data, int member,
		 al_softmax_model *model, al_softmax_report *rep, double *wall,
		 double *cpu)
{
	al_softmax_options opt;
	al_sm_status st;
	double		w0,
				c0;

	al_softmax_options_init(&opt);
	opt.c = a->c;
	opt.tol = a->tol;
	opt.max_iter = a->max_iter;
	opt.lbfgs_m = a->lbfgs_m;
	opt.block_rows = a->block_rows;
	if (a->ftol >= 0)
		opt.ftol = a->ftol;
	opt.members = a->members;
	opt.standardize = a->standardize;
	w0 = clock_s(CLOCK_MONOTONIC);
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	st = al_softmax_fit(data, &opt, member, model, rep);
	*wall = clock_s(CLOCK_MONOTONIC) - w0;
	*cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	return st;
}

/* Train one member `repeat` times (best time kept) and report it. */
static int
run(const bench_args *a, const al_softmax_data *data, int member)
{
	al_softmax_model model;
	al_softmax_report rep;
	al_sm_status st = AL_SM_OK;
	double		wall,
				cpu,
				best_wall = 1e300,
				best_cpu = 1e300,
				acc = 0,
				ll = 0;
	int			r;

	for (r = 0; r < (a->repeat > 0 ? a->repeat : 1); r++)
	{
		st = fit_once(a, data, member, &model, &rep, &wall, &cpu);
		if (st != AL_SM_OK)
			break;
		best_wall = wall < best_wall ? wall : best_wall;
		best_cpu = cpu < best_cpu ? cpu : best_cpu;
		if (r + 1 < a->repeat)
			al_softmax_model_free(&model, NULL);
	}
	if (st != AL_SM_OK)
	{
		fprintf(stderr, "fit failed: %s\n", al_sm_status_message(st));
		return 1;
	}
	al_softmax_evaluate(&model, data->x, data->y, NULL, data->n, NULL, &acc, &ll);
	printf("member %d: time %.3f s (cpu %.3f s, %.1f ms per evaluation), "
		   "iterations %d, evaluations %d, objective %.10g, grad_inf %.3g, "
		   "converged %d (stop %d), train accuracy %.4f, log-loss %.5f\n",
		   member, best_wall, best_cpu, 1e3 * best_cpu / rep.n_evals,
		   rep.iterations, rep.n_evals, rep.objective, rep.grad_inf,
		   rep.converged, (int) rep.stop, acc, ll);
	al_softmax_model_free(&model, NULL);
	return 0;
}

/* Generate the data, load BLAS, train each member and report. */
int
main(int argc, char **argv)
{
	bench_args	a;
	al_softmax_data data;
	char		err[256];
	float	   *x;
	int		   *y,
				m,
				rc = 0;

	parse_args(argc, argv, &a);
	if (al_blas_load(NULL, a.coretype, err, sizeof(err)) != 0)
	{
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	x = malloc((size_t) a.n * a.d * sizeof(float));
	y = malloc((size_t) a.n * sizeof(int));
	make_mixture(&a, x, y);
	if (a.dump)
		dump(&a, x, y);
	printf("n %d, d %d, k %d, c %g, tol %g, sep %g, seed %llu, corename %s\n",
		   a.n, a.d, a.k, a.c, a.tol, a.sep, (unsigned long long) a.seed,
		   al_blas_corename());
	data.x = x;
	data.y = y;
	data.weight = NULL;
	data.n = a.n;
	data.d = a.d;
	data.k = a.k;
	for (m = 0; m < a.members && rc == 0; m++)
		rc = run(&a, &data, m);
	free(x);
	free(y);
	return rc;
}
