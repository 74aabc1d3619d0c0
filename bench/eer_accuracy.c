/*
 * eer_accuracy.c - how close the warm-started updates of expected error
 * reduction (src/core/select_eer.c) come to the brute force, a full retrain
 * per (candidate, class), on digits, and at what cost, as steps grow.
 *
 * Protocol (seeded): shuffle data/digits.csv (1,797 x 64, 10 classes) with
 * al_rng; the first n rows are labeled; the current model is al_softmax_fit
 * to convergence on them; the candidates are the M unlabeled rows of highest
 * entropy; the sample S unlabeled rows drawn uniformly.  The brute force
 * fits from scratch (to convergence: tol 1e-8, 10,000 iterations) on the
 * labeled rows plus (x, y) for every candidate and class, and averages the
 * loss of each fit on the sample.  For each steps value the kernel's expected
 * errors are compared with the brute force's: the same pick (argmin), the
 * fraction of candidate pairs in the same order (concordance), the largest
 * difference, and the time.
 *
 * `make bench` (section eer, bench/run_bench.sh) builds it and runs
 * `eer_accuracy digits.csv 30 100 1000 2 log`.  By hand, from the
 * repository root:
 *   gcc -O2 -Isrc/core $(pkg-config --cflags openblas) \
 *       -DAL_OPENBLAS_LIB="\"$(pkg-config --variable=libdir openblas)/libopenblas.so.0\"" \
 *       bench/eer_accuracy.c src/core/al_blas.c src/core/al_rng.c src/core/lbfgs.c \
 *       src/core/softmax_model.c src/core/softmax_train.c src/core/select_eer.c \
 *       src/core/scores.c -lm -ldl -o build/eer_accuracy
 *   zcat data/digits.csv.gz > /tmp/digits.csv
 * Usage: eer_accuracy FILE [n M S seed loss]
 *   (defaults 100 100 1000 1 log; loss is log or zero_one).  Raw pixels,
 *   not standardized: the updates keep a model's standardization while a
 *   retrain would recompute it, so only then do both optimize the same
 *   objective.
 */
#include "al_blas.h"
#include "al_rng.h"
#include "scores.h"
#include "select_eer.h"
#include "softmax_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROWS 1797
#define D 64
#define K 10

static float X[ROWS * D];
static int	Y[ROWS];

/* Seconds of a monotonic clock. */
static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* Read digits: 64 pixel counts and the digit per line. */
static int
load(const char *path)
{
	FILE	   *f = fopen(path, "r");
	int			i,
				j,
				v;

	if (f == NULL)
		return 0;
	for (i = 0; i < ROWS; i++)
	{
		for (j = 0; j < D; j++)
		{
			if (fscanf(f, "%d,", &v) != 1)
				return fclose(f), 0;
			X[i * D + j] = (float) v;
		}
		if (fscanf(f, "%d", &Y[i]) != 1)
			return fclose(f), 0;
	}
	fclose(f);
	return 1;
}

/* Mean loss of a model on s rows: 1 - max p, or the entropy. */
static double
mean_loss(const al_softmax_model *m, const float *rows, int s, al_eer_loss loss)
{
	double		total = 0,
				p[K];
	int			i,
				c;

	for (i = 0; i < s; i++)
	{
		double		mx = 0,
					h = 0;

		al_softmax_predict_row(m, rows + (size_t) i * D, p);
		for (c = 0; c < K; c++)
		{
			mx = fmax(mx, p[c]);
			if (p[c] > 0)
				h -= p[c] * log(p[c]);
		}
		total += loss == AL_EER_LOSS_LOG ? h : 1 - mx;
	}
	return total / s;
}

/* The brute force: a fit from scratch per candidate and class. */
static void
brute_force(float *lx, int *ly, int n, const al_softmax_model *cur,
			const al_softmax_options *o, const float *cand, int m,
			const float *smp, int s, al_eer_loss loss, double *ee)
{
	int			i,
				y;

	for (i = 0; i < m; i++)
	{
		double		p[K];

		ee[i] = 0;
		al_softmax_predict_row(cur, cand + (size_t) i * D, p);
		memcpy(lx + (size_t) n * D, cand + (size_t) i * D, sizeof(float) * D);
		for (y = 0; y < K; y++)
		{
			al_softmax_data dd = {lx, ly, NULL, n + 1, D, K};
			al_softmax_model fit;

			if (!(p[y] > 0))
				continue;
			ly[n] = y;
			if (al_softmax_fit(&dd, o, 0, &fit, NULL) != AL_SM_OK)
				exit(1);
			ee[i] += p[y] * mean_loss(&fit, smp, s, loss);
			al_softmax_model_free(&fit, NULL);
		}
	}
}

/* Index of the smallest value. */
static int
argmin(const double *v, int n)
{
	int			b = 0,
				i;

	for (i = 1; i < n; i++)
		if (v[i] < v[b])
			b = i;
	return b;
}

/* Fraction of pairs ordered alike, and the largest difference. */
static double
concordance(const double *a, const double *b, int n, double *maxdiff)
{
	long		same = 0,
				pairs = 0;
	int			i,
				j;

	*maxdiff = 0;
	for (i = 0; i < n; i++)
	{
		*maxdiff = fmax(*maxdiff, fabs(a[i] - b[i]));
		for (j = i + 1; j < n; j++, pairs++)
			same += ((a[i] - a[j]) * (b[i] - b[j]) > 0);
	}
	return pairs ? (double) same / pairs : 1.0;
}

/* The M unlabeled rows of highest entropy under the current model. */
static void
pick_candidates(const al_softmax_model *cur, const int *perm, int n, int m, float *cand)
{
	int			nu = ROWS - n,
				i,
				j,
			   *taken = calloc(nu, sizeof(int));
	double	   *h = malloc(sizeof(double) * nu),
				p[K];
	float		pf[K];

	for (i = 0; i < nu; i++)
	{
		al_softmax_predict_row(cur, X + (size_t) perm[n + i] * D, p);
		for (j = 0; j < K; j++)
			pf[j] = (float) p[j];
		h[i] = al_entropy(pf, K);
	}
	for (j = 0; j < m; j++)
	{
		int			b = -1;

		for (i = 0; i < nu; i++)
			if (!taken[i] && (b < 0 || h[i] > h[b]))
				b = i;
		taken[b] = 1;
		memcpy(cand + (size_t) j * D, X + (size_t) perm[n + b] * D, sizeof(float) * D);
	}
	free(taken);
	free(h);
}

int
main(int argc, char **argv)
{
	static const int steps[] = {1, 5, 10, 20, 50, 100, 200};
	char		err[256];
	int			n = argc > 2 ? atoi(argv[2]) : 100,
				m = argc > 3 ? atoi(argv[3]) : 100,
				s = argc > 4 ? atoi(argv[4]) : 1000,
				seed = argc > 5 ? atoi(argv[5]) : 1,
				perm[ROWS],
				i,
			   *ly;
	al_eer_loss loss = (argc > 6 && strcmp(argv[6], "zero_one") == 0) ? AL_EER_LOSS_ZERO_ONE : AL_EER_LOSS_LOG;
	al_rng		r;
	al_softmax_options o;
	al_softmax_model cur;
	float	   *lx,
			   *cand,
			   *smp;
	double	   *bf,
			   *ee,
				t0;

	if (argc < 2 || !load(argv[1]) || al_blas_load(NULL, "auto", err, sizeof(err)) != 0)
	{
		fprintf(stderr, "usage: eer_accuracy DIGITS_CSV [n M S seed loss]\n");
		return 1;
	}
	al_rng_seed(&r, (uint64_t) seed);
	for (i = 0; i < ROWS; i++)
		perm[i] = i;
	al_rng_shuffle_int(&r, perm, ROWS);
	lx = malloc(sizeof(float) * (size_t) (n + 1) * D);
	ly = malloc(sizeof(int) * (size_t) (n + 1));
	for (i = 0; i < n; i++)
	{
		memcpy(lx + (size_t) i * D, X + (size_t) perm[i] * D, sizeof(float) * D);
		ly[i] = Y[perm[i]];
	}
	al_softmax_options_init(&o);
	o.max_iter = 10000;
	o.tol = 1e-8;
	{
		al_softmax_data dd = {lx, ly, NULL, n, D, K};

		if (al_softmax_fit(&dd, &o, 0, &cur, NULL) != AL_SM_OK)
			return 1;
	}
	cand = malloc(sizeof(float) * (size_t) m * D);
	smp = malloc(sizeof(float) * (size_t) s * D);
	pick_candidates(&cur, perm, n, m, cand);
	for (i = 0; i < s; i++)
		memcpy(smp + (size_t) i * D, X + (size_t) perm[n + (int) al_rng_below(&r, ROWS - n)] * D,
			   sizeof(float) * D);
	bf = malloc(sizeof(double) * m);
	ee = malloc(sizeof(double) * m);
	t0 = now();
	brute_force(lx, ly, n, &cur, &o, cand, m, smp, s, loss, bf);
	printf("digits, %d labeled, %d candidates, %d sample rows, seed %d, %s loss\n",
		   n, m, s, seed, loss == AL_EER_LOSS_LOG ? "log" : "zero_one");
	printf("brute force (a fit from scratch per candidate and class): %.2f s, pick %d\n",
		   now() - t0, argmin(bf, m));
	printf("%5s %6s %11s %9s %8s %8s %8s\n", "steps", "pick", "concordance", "max diff",
		   "seconds", "updates", "predict");
	for (i = 0; i < (int) (sizeof(steps) / sizeof(steps[0])); i++)
	{
		al_eer_options eo;
		al_softmax_data dd = {lx, ly, NULL, n, D, K};
		al_eer_input in = {&cur, &dd, cand, m, smp, s};
		al_eer_report rep;
		double		maxdiff,
					conc,
					t;

		al_eer_options_init(&eo);
		eo.loss = loss;
		eo.steps = steps[i];
		t0 = now();
		if (al_eer_expected_error(&in, &eo, ee, NULL, &rep) != AL_EER_OK)
			return 1;
		t = now() - t0;
		conc = concordance(ee, bf, m, &maxdiff);
		printf("%5d %3d %-2s %11.3f %9.1e %8.3f %8.3f %8.3f\n", steps[i], argmin(ee, m),
			   argmin(ee, m) == argmin(bf, m) ? "=" : "", conc, maxdiff, t,
			   rep.update_seconds, rep.predict_seconds);
	}
	return 0;
}
