/*
 * al_blas.c - open OpenBLAS with dlopen, single-threaded, with a CPU kernel
 * chosen from cpuid.  See al_blas.h and doc/models.md.
 */
#include "al_blas.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

/* CPU features that decide which OpenBLAS kernels may run. */
#define F_SSE2		(1u << 0)
#define F_SSE3		(1u << 1)
#define F_SSSE3		(1u << 2)
#define F_SSE41		(1u << 3)
#define F_SSE42		(1u << 4)
#define F_AVX		(1u << 5)	/* AVX and the OS saves YMM state */
#define F_FMA		(1u << 6)
#define F_AVX2		(1u << 7)
#define F_BMI2		(1u << 8)
#define F_AVX512	(1u << 9)	/* F+CD+BW+DQ+VL and the OS saves ZMM state */
#define F_BF16		(1u << 10)	/* AVX512_BF16 */

#define NEED_HASWELL (F_AVX | F_AVX2 | F_FMA | F_BMI2 | F_SSE42)
#define NEED_SKYLAKEX (NEED_HASWELL | F_AVX512)

/* A coretype name (OpenBLAS's spelling) and the features it needs. */
typedef struct coretype_req
{
	const char *name;
	unsigned	need;
} coretype_req;

static const coretype_req known_coretypes[] = {
	{"Prescott", F_SSE2 | F_SSE3},
	{"Atom", F_SSE2 | F_SSE3 | F_SSSE3},
	{"Core2", F_SSE2 | F_SSE3 | F_SSSE3},
	{"Penryn", F_SSE2 | F_SSE3 | F_SSSE3 | F_SSE41},
	{"Dunnington", F_SSE2 | F_SSE3 | F_SSSE3 | F_SSE41},
	{"Nehalem", F_SSE2 | F_SSE3 | F_SSSE3 | F_SSE41 | F_SSE42},
	{"Sandybridge", F_SSE2 | F_SSE3 | F_SSSE3 | F_SSE41 | F_SSE42 | F_AVX},
	{"Haswell", NEED_HASWELL},
	{"Zen", NEED_HASWELL},
	{"SkylakeX", NEED_SKYLAKEX},
	{"Cooperlake", NEED_SKYLAKEX | F_BF16},
};

/* The process-wide state: the only global state of src/core. */
static void *blas_handle = NULL;
static al_blas_api blas_api;
static char blas_corename[64] = "unknown";
static const char *blas_forced = NULL;

static void set_error(char *errbuf, size_t errlen, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

/* Format a message into the caller's buffer (if any). */
static void
set_error(char *errbuf, size_t errlen, const char *fmt,...)
{
	va_list		ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

#if defined(__x86_64__)

/* Read XCR0 (which register states the OS saves); needs OSXSAVE. */
static uint64_t
read_xcr0(void)
{
	uint32_t	eax,
				edx;

	__asm__ __volatile__("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
	return ((uint64_t) edx << 32) | eax;
}

/* Collect the F_* feature bits of this CPU from cpuid and xgetbv. */
static unsigned
cpu_features(void)
{
	unsigned	eax,
				ebx,
				ecx,
				edx,
				f = 0,
				max_leaf;
	uint64_t	xcr0 = 0;

	max_leaf = __get_cpuid_max(0, NULL);
	if (max_leaf < 1 || !__get_cpuid(1, &eax, &ebx, &ecx, &edx))
		return 0;
	if (edx & (1u << 26))
		f |= F_SSE2;
	if (ecx & (1u << 0))
		f |= F_SSE3;
	if (ecx & (1u << 9))
		f |= F_SSSE3;
	if (ecx & (1u << 19))
		f |= F_SSE41;
	if (ecx & (1u << 20))
		f |= F_SSE42;
	if (ecx & (1u << 27))		/* OSXSAVE: xgetbv is usable */
		xcr0 = read_xcr0();
	/* AVX: instruction set present and XMM+YMM state enabled by the OS */
	if ((ecx & (1u << 28)) && (xcr0 & 0x6) == 0x6)
		f |= F_AVX;
	if ((f & F_AVX) && (ecx & (1u << 12)))
		f |= F_FMA;
	if (max_leaf < 7)
		return f;
	__cpuid_count(7, 0, eax, ebx, ecx, edx);
	if ((f & F_AVX) && (ebx & (1u << 5)))
		f |= F_AVX2;
	if (ebx & (1u << 8))
		f |= F_BMI2;
	/* AVX512 F(16) DQ(17) CD(28) BW(30) VL(31), opmask+ZMM state (5,6,7) */
	if ((f & F_AVX) &&
		(ebx & 0xD0030000u) == 0xD0030000u &&
		(xcr0 & 0xE6) == 0xE6)
		f |= F_AVX512;
	if (f & F_AVX512)
	{
		__cpuid_count(7, 1, eax, ebx, ecx, edx);
		if (eax & (1u << 5))
			f |= F_BF16;
	}
	return f;
}

/* 1 when cpuid leaf 0 says AuthenticAMD. */
static int
cpu_is_amd(void)
{
	unsigned	eax,
				ebx,
				ecx,
				edx;

	__cpuid(0, eax, ebx, ecx, edx);
	(void) eax;
	/* "Auth" "enti" "cAMD" in ebx, edx, ecx */
	return ebx == 0x68747541u && edx == 0x69746e65u && ecx == 0x444d4163u;
}

#else							/* not x86_64: nothing is provable */

/* No feature can be checked here. */
static unsigned
cpu_features(void)
{
	return 0;
}

/* Vendor unknown here. */
static int
cpu_is_amd(void)
{
	return 0;
}

#endif

/* The table entry of a coretype name (case-insensitive), or NULL. */
static const coretype_req *
find_coretype(const char *name)
{
	size_t		i;

	for (i = 0; i < sizeof(known_coretypes) / sizeof(known_coretypes[0]); i++)
		if (strcasecmp(name, known_coretypes[i].name) == 0)
			return &known_coretypes[i];
	return NULL;
}

/*
 * Whether the CPU can run coretype's kernels.  Off x86_64 nothing can be
 * checked, so every name is "unknown" there.
 */
int
al_blas_cpu_supports(const char *coretype)
{
	const coretype_req *req;
	unsigned	f;

	if (coretype == NULL)
		return -1;
	req = find_coretype(coretype);
#if !defined(__x86_64__)
	req = NULL;
#endif
	if (req == NULL)
		return -1;
	f = cpu_features();
	return (f & req->need) == req->need;
}

/*
 * The best coretype that cpuid proves safe: SkylakeX with AVX512, else Zen
 * (AMD) or Haswell with AVX2+FMA, else none (OpenBLAS's own detection is
 * then as good as ours).
 */
const char *
al_blas_cpu_best_coretype(void)
{
	unsigned	f = cpu_features();

	if ((f & NEED_SKYLAKEX) == NEED_SKYLAKEX)
		return "SkylakeX";
	if ((f & NEED_HASWELL) == NEED_HASWELL)
		return cpu_is_amd() ? "Zen" : "Haswell";
	return NULL;
}

/*
 * Decide which coretype to force from the request; *out gets the name or
 * NULL.  Returns -1 (with a message) for an unknown or unsupported name.
 */
static int
choose_coretype(const char *request, const char **out,
				char *errbuf, size_t errlen)
{
	const coretype_req *req;
	const char *env;

	*out = NULL;
	if (request == NULL || request[0] == '\0' ||
		strcasecmp(request, "auto") == 0)
	{
		env = getenv("OPENBLAS_CORETYPE");
		if (env == NULL || env[0] == '\0')
			*out = al_blas_cpu_best_coretype();
		return 0;
	}
	if (strcasecmp(request, "default") == 0)
		return 0;
	req = find_coretype(request);
	if (req == NULL)
	{
		set_error(errbuf, errlen, "unknown OpenBLAS coretype \"%s\"", request);
		return -1;
	}
	if (al_blas_cpu_supports(request) < 0)
	{
		set_error(errbuf, errlen,
				  "OpenBLAS coretype \"%s\" can only be checked and forced on x86_64",
				  req->name);
		return -1;
	}
	if (!al_blas_cpu_supports(request))
	{
		set_error(errbuf, errlen,
				  "this CPU lacks the instructions OpenBLAS coretype \"%s\" needs",
				  req->name);
		return -1;
	}
	*out = req->name;
	return 0;
}

/* A saved environment variable, to put back after dlopen. */
typedef struct saved_env
{
	const char *name;
	char	   *value;			/* malloc'd copy, NULL if it was unset */
	int			failed;			/* malloc failed: leave the variable as set */
} saved_env;

/* Remember name's current value and set it to value. */
static void
env_push(saved_env *s, const char *name, const char *value)
{
	const char *old = getenv(name);

	s->name = name;
	s->value = NULL;
	s->failed = 0;
	if (old != NULL)
	{
		s->value = strdup(old);
		s->failed = (s->value == NULL);
	}
	setenv(name, value, 1);
}

/* Restore what env_push saved. */
static void
env_pop(saved_env *s)
{
	if (s->failed)
		return;
	if (s->value != NULL)
	{
		setenv(s->name, s->value, 1);
		free(s->value);
	}
	else
		unsetenv(s->name);
}

/*
 * Look up one symbol and store it in a function-pointer slot of blas_api
 * (memcpy, the portable way to turn dlsym's void * into a function pointer).
 * A missing required symbol fails with a message.
 */
#define RESOLVE(field, symname, required) \
	do { \
		void	   *p_ = dlsym(h, (symname)); \
		if (p_ == NULL && (required)) \
		{ \
			set_error(errbuf, errlen, "BLAS library has no symbol %s", (symname)); \
			return -1; \
		} \
		memcpy(&blas_api.field, &p_, sizeof(p_)); \
	} while (0)

/* Fill blas_api from the opened library; -1 if a cblas symbol is missing. */
static int
resolve_all(void *h, char *errbuf, size_t errlen)
{
	RESOLVE(sgemm, "cblas_sgemm", 1);
	RESOLVE(dgemm, "cblas_dgemm", 1);
	RESOLVE(sgemv, "cblas_sgemv", 1);
	RESOLVE(dgemv, "cblas_dgemv", 1);
	RESOLVE(dsyrk, "cblas_dsyrk", 1);
	RESOLVE(sdot, "cblas_sdot", 1);
	RESOLVE(ddot, "cblas_ddot", 1);
	RESOLVE(set_num_threads, "openblas_set_num_threads", 0);
	RESOLVE(get_corename, "openblas_get_corename", 0);
	RESOLVE(get_config, "openblas_get_config", 0);
	return 0;
}

/*
 * dlopen the library with the thread-count variables set to 1 (so that no
 * thread pool starts) and OPENBLAS_CORETYPE set to forced (if any); the
 * environment is restored afterwards, as OpenBLAS reads it only at load.
 */
static void *
open_library(const char *path, const char *forced)
{
	saved_env	env[4];
	int			n = 0,
				i;
	void	   *h;

	env_push(&env[n++], "OPENBLAS_NUM_THREADS", "1");
	env_push(&env[n++], "GOTO_NUM_THREADS", "1");
	env_push(&env[n++], "OMP_NUM_THREADS", "1");
	if (forced != NULL)
		env_push(&env[n++], "OPENBLAS_CORETYPE", forced);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	for (i = n - 1; i >= 0; i--)
		env_pop(&env[i]);
	return h;
}

/* Load the library once; see al_blas.h. */
int
al_blas_load(const char *libpath, const char *coretype_request,
			 char *errbuf, size_t errlen)
{
	const char *forced;
	const char *path;
	void	   *h;

	if (blas_handle != NULL)
		return 0;
	if (choose_coretype(coretype_request, &forced, errbuf, errlen) != 0)
		return -1;
	path = (libpath != NULL && libpath[0] != '\0') ? libpath : AL_OPENBLAS_LIB;
	h = open_library(path, forced);
	if (h == NULL)
	{
		const char *msg = dlerror();

		set_error(errbuf, errlen, "could not load BLAS library \"%s\": %s",
				  path, msg ? msg : "unknown error");
		return -1;
	}
	if (resolve_all(h, errbuf, errlen) != 0)
	{
		memset(&blas_api, 0, sizeof(blas_api));
		dlclose(h);
		return -1;
	}
	if (blas_api.set_num_threads != NULL)
		blas_api.set_num_threads(1);
	if (blas_api.get_corename != NULL && blas_api.get_corename() != NULL)
		snprintf(blas_corename, sizeof(blas_corename), "%s",
				 blas_api.get_corename());
	blas_forced = forced;
	blas_handle = h;
	return 0;
}

/* The function table, NULL until loaded. */
const al_blas_api *
al_blas_get(void)
{
	return blas_handle != NULL ? &blas_api : NULL;
}

/* 1 when loaded. */
int
al_blas_loaded(void)
{
	return blas_handle != NULL;
}

/* OpenBLAS's name for the kernel in use. */
const char *
al_blas_corename(void)
{
	return blas_corename;
}

/* The coretype we forced, or NULL. */
const char *
al_blas_coretype_forced(void)
{
	return blas_forced;
}
