/*
 * unit.h - a minimal TAP-producing harness for the plain-C unit tests of
 * src/core.  Each test binary prints "ok N - name" / "not ok N - name"
 * lines and a final plan, so prove (or test/run_tests.sh) can count them.
 */
#ifndef AL_UNIT_H
#define AL_UNIT_H

#include <math.h>
#include <stdio.h>
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

/* Print the TAP plan and return the process exit status. */
static inline int
unit_done(void)
{
	printf("1..%d\n", unit_count);
	return unit_failed ? 1 : 0;
}

#endif							/* AL_UNIT_H */
