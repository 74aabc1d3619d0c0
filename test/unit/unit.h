/*
 * unit.h - a minimal TAP-producing harness for the plain-C unit tests of
 * src/core.  Each test binary prints "ok N - name" / "not ok N - name"
 * lines and a final plan, so prove (or test/run_tests.sh) can count them.
 */
#ifndef AL_UNIT_H
#define AL_UNIT_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	unit_count = 0;
static int	unit_failed = 0;

/* Report one check; prints the location on failure. */
#define UNIT_CHECK(cond, name) \
	do { \
		unit_count++; \
		if (cond) \
			printf("ok %d - %s\n", unit_count, (name)); \
		else \
		{ \
			unit_failed++; \
			printf("not ok %d - %s\n#   at %s:%d: %s\n", unit_count, (name), \
				   __FILE__, __LINE__, #cond); \
		} \
	} while (0)

/* Check |got - want| <= tol (absolute), printing both values on failure. */
#define UNIT_CLOSE(got, want, tol, name) \
	do { \
		double unit_g_ = (got), unit_w_ = (want); \
		int unit_ok_ = fabs(unit_g_ - unit_w_) <= (tol) || (isnan(unit_g_) && isnan(unit_w_)) || (unit_g_ == unit_w_); \
		UNIT_CHECK(unit_ok_, name); \
		if (!unit_ok_) \
			printf("#   got %.17g, want %.17g (tol %g)\n", unit_g_, unit_w_, (double) (tol)); \
	} while (0)

/*
 * Counting allocator hooks for the core's alloc_fn/free_fn: they count
 * calls, and allocation fails once alloc_fail_after successful calls are
 * spent (-1: never).
 */
static int	alloc_count = 0;
static int	free_count = 0;
static int	alloc_fail_after = -1;

/* Allocate, failing when the budget of successful calls is spent. */
static inline void *
count_alloc(size_t size)
{
	if (alloc_fail_after >= 0 && alloc_count >= alloc_fail_after)
		return NULL;
	alloc_count++;
	return malloc(size);
}

/* Free and count. */
static inline void
count_free(void *ptr)
{
	free_count++;
	free(ptr);
}

/* Decode a hex string into bytes (binary forms written by hand); returns the length. */
static inline size_t
unit_unhex(const char *hex, unsigned char *out)
{
	size_t		n = 0;

	for (; hex[0] && hex[1]; hex += 2)
	{
		unsigned int b;

		sscanf(hex, "%2x", &b);
		out[n++] = (unsigned char) b;
	}
	return n;
}

/* Print the TAP plan and return the process exit status. */
static inline int
unit_done(void)
{
	printf("1..%d\n", unit_count);
	return unit_failed ? 1 : 0;
}

#endif							/* AL_UNIT_H */
