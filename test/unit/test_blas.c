/*
 * test_blas.c - unit tests of al_blas: error paths, lazy single-threaded
 * load, coretype choice against cpuid, and small products checked against
 * naive loops.
 */
#include "al_blas.h"
#include "unit.h"

#include <dirent.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

/* Number of threads of this process, from /proc/self/task. */
static int
thread_count(void)
{
	DIR		   *d = opendir("/proc/self/task");
	struct dirent *e;
	int			n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Small deterministic pseudo-random values in [-1, 1]. */
static double
val(int i)
{
	unsigned	x = (unsigned) i * 2654435761u + 12345u;

	return ((double) (x % 2001) - 1000.0) / 1000.0;
}

/* Independent check of what "auto" should force, from GCC's own cpuid code. */
static const char *
expected_best(void)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
		__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
		__builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2") &&
		__builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2"))
		return "SkylakeX";
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
		__builtin_cpu_supports("bmi2"))
		return __builtin_cpu_is("amd") ? "Zen" : "Haswell";
#endif
	return NULL;
}

/* Errors that must leave the library unloaded. */
static void
test_errors(void)
{
	char		err[256] = "";

	UNIT_CHECK(al_blas_get() == NULL && !al_blas_loaded(), "nothing loaded before al_blas_load");
	UNIT_CHECK(al_blas_load(NULL, "NoSuchCore", err, sizeof(err)) == -1 &&
			   strstr(err, "NoSuchCore") != NULL, "unknown coretype is refused");
	printf("# %s\n", err);
	if (al_blas_cpu_supports("SkylakeX") == 0)
	{
		UNIT_CHECK(al_blas_load(NULL, "SkylakeX", err, sizeof(err)) == -1 &&
				   strstr(err, "lacks") != NULL, "SkylakeX refused on a CPU without AVX512");
		printf("# %s\n", err);
	}
	else
		UNIT_CHECK(al_blas_cpu_supports("SkylakeX") == 1, "SkylakeX supported (AVX512 CPU)");
	UNIT_CHECK(al_blas_load("/nonexistent/libopenblas.so.0", "default", err, sizeof(err)) == -1 &&
			   strstr(err, "could not load") != NULL, "a bad library path is an error");
	UNIT_CHECK(al_blas_load(NULL, "NoSuchCore", NULL, 0) == -1, "errors without an errbuf are safe");
	UNIT_CHECK(al_blas_get() == NULL, "still not loaded after errors");
}

/*
 * In a child process (so the parent can still load with "auto"), an
 * explicit supported coretype is forced and reported by OpenBLAS.
 */
static void
test_explicit_in_child(void)
{
	const char *want = al_blas_cpu_supports("Haswell") == 1 ? "haswell" : "prescott";
	pid_t		pid;
	int			status = 0;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
	{
		if (al_blas_load(NULL, want, NULL, 0) != 0)
			_exit(2);
		if (strcasecmp(al_blas_corename(), want) != 0 ||
			strcasecmp(al_blas_coretype_forced(), want) != 0)
			_exit(3);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	UNIT_CHECK(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
			   "explicit coretype is forced and reported (child process)");
}

/* Whether an environment value equals a saved one ("" = unset, "=v" = v). */
static int
same_env(const char *saved, const char *now)
{
	if (now == NULL)
		return saved[0] == '\0';
	return saved[0] == '=' && strcmp(saved + 1, now) == 0;
}

/* Load with "auto": one thread, environment restored, coretype as cpuid says. */
static void
test_load(void)
{
	char		err[256] = "";
	const char *env_before = getenv("OPENBLAS_CORETYPE");
	const char *best = expected_best();
	const char *forced;
	char		threads_before[64] = "";
	const char *t = getenv("OPENBLAS_NUM_THREADS");

	if (t != NULL)
		snprintf(threads_before, sizeof(threads_before), "=%s", t);
	UNIT_CHECK(al_blas_load(NULL, "auto", err, sizeof(err)) == 0, "al_blas_load(auto) succeeds");
	if (err[0])
		printf("# %s\n", err);
	UNIT_CHECK(al_blas_get() != NULL && al_blas_loaded(), "function table available");
	UNIT_CHECK(al_blas_load("/nonexistent", "NoSuchCore", NULL, 0) == 0, "second load is a no-op");
	UNIT_CHECK(thread_count() == 1, "no BLAS thread started");
	UNIT_CHECK(same_env(threads_before, getenv("OPENBLAS_NUM_THREADS")),
			   "environment restored after load (OPENBLAS_NUM_THREADS)");
	UNIT_CHECK((env_before == NULL) == (getenv("OPENBLAS_CORETYPE") == NULL),
			   "environment restored after load (OPENBLAS_CORETYPE)");
	forced = al_blas_coretype_forced();
	printf("# corename: %s, forced: %s, cpuid best: %s\n", al_blas_corename(),
		   forced ? forced : "(none)", best ? best : "(none)");
	if (al_blas_get()->get_config)
		printf("# config: %s\n", al_blas_get()->get_config());
	if (env_before == NULL)
	{
		UNIT_CHECK((forced == NULL && best == NULL) ||
				   (forced != NULL && best != NULL && strcmp(forced, best) == 0),
				   "auto coretype matches an independent cpuid check");
		UNIT_CHECK(best == NULL || al_blas_cpu_supports(best) == 1, "chosen coretype is supported");
		UNIT_CHECK(forced == NULL || strcasecmp(al_blas_corename(), forced) == 0,
				   "OpenBLAS runs the forced coretype");
	}
	else
		UNIT_CHECK(forced == NULL, "auto leaves a preset OPENBLAS_CORETYPE alone");
}

/* C = A B (+ transposes) in float and double against a triple loop. */
static void
test_gemm(void)
{
	const al_blas_api *b = al_blas_get();
	enum
	{
		M = 7, N = 5, K = 9
	};
	float		af[M * K],
				bf[N * K],
				cf[M * N];
	double		ad[M * K],
				bd[N * K],
				cd[M * N],
				ref;
	int			i,
				j,
				k;
	double		errs = 0,
				errd = 0;

	for (i = 0; i < M * K; i++)
		af[i] = (float) (ad[i] = val(i));
	for (i = 0; i < N * K; i++)
		bf[i] = (float) (bd[i] = val(1000 + i));
	/* C (M x N) = A (M x K) * B^T, B stored N x K */
	b->sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, af, K, bf, K, 0.0f, cf, N);
	b->dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0, ad, K, bd, K, 0.0, cd, N);
	for (i = 0; i < M; i++)
		for (j = 0; j < N; j++)
		{
			ref = 0;
			for (k = 0; k < K; k++)
				ref += ad[i * K + k] * bd[j * K + k];
			errs = fmax(errs, fabs(cf[i * N + j] - ref));
			errd = fmax(errd, fabs(cd[i * N + j] - ref));
		}
	UNIT_CHECK(errs < 1e-5, "sgemm A*B^T matches a triple loop");
	UNIT_CHECK(errd < 1e-13, "dgemm A*B^T matches a triple loop");

	/* C (K x K') = A^T A with beta = 1 accumulation: check one path of Trans */
	{
		double		g[K * K],
					err = 0;

		for (i = 0; i < K * K; i++)
			g[i] = 1.0;
		b->dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, K, M, 2.0, ad, K, ad, K, 1.0, g, K);
		for (i = 0; i < K; i++)
			for (j = 0; j < K; j++)
			{
				ref = 1.0;
				for (k = 0; k < M; k++)
					ref += 2.0 * ad[k * K + i] * ad[k * K + j];
				err = fmax(err, fabs(g[i * K + j] - ref));
			}
		UNIT_CHECK(err < 1e-13, "dgemm 2*A^T*A + C matches");
	}
}

/* y = A x in float and double, and dot products. */
static void
test_gemv_dot(void)
{
	const al_blas_api *b = al_blas_get();
	float		af[6 * 4],
				xf[4],
				yf[6];
	double		ad[6 * 4],
				xd[4],
				yd[6],
				ref,
				errs = 0,
				errd = 0;
	int			i,
				j;

	for (i = 0; i < 24; i++)
		af[i] = (float) (ad[i] = val(i + 7));
	for (i = 0; i < 4; i++)
		xf[i] = (float) (xd[i] = val(i + 99));
	b->sgemv(CblasRowMajor, CblasNoTrans, 6, 4, 1.0f, af, 4, xf, 1, 0.0f, yf, 1);
	b->dgemv(CblasRowMajor, CblasNoTrans, 6, 4, 1.0, ad, 4, xd, 1, 0.0, yd, 1);
	for (i = 0; i < 6; i++)
	{
		ref = 0;
		for (j = 0; j < 4; j++)
			ref += ad[i * 4 + j] * xd[j];
		errs = fmax(errs, fabs(yf[i] - ref));
		errd = fmax(errd, fabs(yd[i] - ref));
	}
	UNIT_CHECK(errs < 1e-5 && errd < 1e-14, "sgemv and dgemv match");
	ref = 0;
	for (j = 0; j < 4; j++)
		ref += xd[j] * xd[j];
	UNIT_CLOSE(b->ddot(4, xd, 1, xd, 1), ref, 1e-14, "ddot matches");
	UNIT_CLOSE(b->sdot(4, xf, 1, xf, 1), ref, 1e-5, "sdot matches");
}

/* Error paths first (nothing loaded), then load and use BLAS. */
int
main(void)
{
	test_errors();
	test_explicit_in_child();
	test_load();
	if (al_blas_loaded())
	{
		test_gemm();
		test_gemv_dot();
	}
	return unit_done();
}
