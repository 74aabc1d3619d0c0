/*
 * al_blas.h - OpenBLAS opened lazily with dlopen, never linked.
 *
 * The extension's shared library may be loaded into the postmaster
 * (shared_preload_libraries), and a pthread OpenBLAS starts its thread pool
 * when it is loaded, which is unsafe across fork.  OpenBLAS also picks its
 * CPU kernel when it is loaded, from OPENBLAS_CORETYPE, and 0.3.21 falls back
 * to its slowest generic kernel on CPUs it does not know.  So the library is
 * opened on first use, in the backend, single-threaded, with a coretype that
 * cpuid proves the CPU supports.  See doc/models.md.
 *
 * Plain C: no PostgreSQL header.  The only global state of src/core is the
 * function table kept here.
 */
#ifndef AL_BLAS_H
#define AL_BLAS_H

#include <stddef.h>
#include <cblas.h>

/* Library opened when the caller passes no path (the Makefile may override). */
#ifndef AL_OPENBLAS_LIB
#define AL_OPENBLAS_LIB "libopenblas.so.0"
#endif
#define AL_OPENBLAS_DEFAULT_LIB AL_OPENBLAS_LIB

/* The BLAS entry points src/core uses, resolved with dlsym. */
typedef struct al_blas_api
{
	void		(*sgemm) (enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta,
						  enum CBLAS_TRANSPOSE tb, blasint m, blasint n,
						  blasint k, float alpha, const float *a, blasint lda,
						  const float *b, blasint ldb, float beta, float *c,
						  blasint ldc);
	void		(*dgemm) (enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta,
						  enum CBLAS_TRANSPOSE tb, blasint m, blasint n,
						  blasint k, double alpha, const double *a, blasint lda,
						  const double *b, blasint ldb, double beta, double *c,
						  blasint ldc);
	void		(*sgemv) (enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta,
						  blasint m, blasint n, float alpha, const float *a,
						  blasint lda, const float *x, blasint incx,
						  float beta, float *y, blasint incy);
	void		(*dgemv) (enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta,
						  blasint m, blasint n, double alpha, const double *a,
						  blasint lda, const double *x, blasint incx,
						  double beta, double *y, blasint incy);
	void		(*dsyrk) (enum CBLAS_ORDER order, enum CBLAS_UPLO uplo,
						  enum CBLAS_TRANSPOSE trans, blasint n, blasint k,
						  double alpha, const double *a, blasint lda,
						  double beta, double *c, blasint ldc);
	float		(*sdot) (blasint n, const float *x, blasint incx,
						 const float *y, blasint incy);
	double		(*ddot) (blasint n, const double *x, blasint incx,
						 const double *y, blasint incy);
	/* OpenBLAS extensions: NULL when the library does not have them */
	void		(*set_num_threads) (int n);
	char	   *(*get_corename) (void);
	char	   *(*get_config) (void);
} al_blas_api;

/*
 * Open the BLAS library once per process (later calls return 0 at once,
 * whatever their arguments: the first successful call wins).
 *
 * libpath: the shared object to open; NULL or "" means AL_OPENBLAS_LIB.
 * coretype_request: NULL or "auto": when OPENBLAS_CORETYPE is not already
 *   in the environment, force the best coretype the CPU provably supports
 *   (x86_64 only; SkylakeX, Zen or Haswell, else nothing);
 *   "default": leave OpenBLAS's own choice alone;
 *   any other string: a coretype name (case-insensitive) that is forced
 *   only if cpuid shows the CPU has what it needs; unknown names fail.
 * Returns 0, or -1 with a message in errbuf (if errbuf is not NULL).
 * Not thread-safe (a PostgreSQL backend has one thread); it changes the
 * process environment briefly (setenv) and restores it.
 */
extern int	al_blas_load(const char *libpath, const char *coretype_request,
						 char *errbuf, size_t errlen);

/* The function table, or NULL when al_blas_load has not succeeded. */
extern const al_blas_api *al_blas_get(void);

/* 1 when the library is loaded. */
extern int	al_blas_loaded(void);

/* OpenBLAS's own name of the kernel it runs ("unknown" if not told). */
extern const char *al_blas_corename(void);

/* The coretype al_blas set in OPENBLAS_CORETYPE, or NULL if it set none. */
extern const char *al_blas_coretype_forced(void);

/*
 * The coretype "auto" would force on this CPU, or NULL for none (also NULL
 * off x86_64).  Pure cpuid/xgetbv: does not load anything.
 */
extern const char *al_blas_cpu_best_coretype(void);

/*
 * Whether this CPU has the instructions, and the OS the register state,
 * that coretype needs: 1 yes, 0 no, -1 unknown name (or not x86_64).
 */
extern int	al_blas_cpu_supports(const char *coretype);

#endif							/* AL_BLAS_H */
