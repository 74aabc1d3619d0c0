/*
 * fuzz.h - what the libFuzzer harnesses of test/fuzz share: the invariant
 * check (a failed check aborts, which libFuzzer reports as a crash and
 * saves the input), and a NUL-terminated copy of the input for the text
 * parsers.
 */
#ifndef AL_FUZZ_H
#define AL_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Abort with a message when an invariant does not hold. */
#define FUZZ_CHECK(cond, what) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "invariant failed at %s:%d: %s (%s)\n", \
					__FILE__, __LINE__, (what), #cond); \
			abort(); \
		} \
	} while (0)

/* The input as a C string (malloc'd): what a cstring input function sees. */
static inline char *
fuzz_cstring(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size + 1);

	FUZZ_CHECK(s != NULL, "malloc");
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* realloc for the parsers' allocator: never refuses (libFuzzer's -rss_limit_mb guards). */
static inline void *
fuzz_grow(void *ptr, size_t size)
{
	return realloc(ptr, size);
}

#endif							/* AL_FUZZ_H */
