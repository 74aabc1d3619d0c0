/*
 * fuzz_probvec_text.c - libFuzzer harness of the probvec text parser
 * (src/core/al_probvec.c), driven as probvec_in drives it.
 *
 * Invariants: rejected input gives a known status whose offsets point into
 * the text; accepted input (parsed and checked) formats into the buffer
 * size the glue allocates, and the formatted text parses back to the same
 * float bits and formats to the same text (a fixed point).
 */
#include <math.h>

#include "al_probvec.h"
#include "fuzz.h"

/* Parse text as probvec_in does: capacity from the comma count. */
static al_pv_status
parse(const char *text, float **x, int *n, al_pv_error *err)
{
	int			bound = al_pv_count_bound(text);
	int			capacity = bound < AL_PROBVEC_MAX_CLASSES ? bound : AL_PROBVEC_MAX_CLASSES;
	al_pv_status st;

	*x = malloc(sizeof(float) * (size_t) capacity);
	FUZZ_CHECK(*x != NULL, "malloc");
	*n = 0;
	st = al_pv_parse(text, *x, capacity, n, err);
	if (st == AL_PV_OK)
		st = al_pv_check_values(*x, *n, err);
	return st;
}

/* A rejection must carry a sane status and position. */
static void
check_rejection(const char *text, al_pv_status st, const al_pv_error *err)
{
	size_t		len = strlen(text);

	FUZZ_CHECK(st == err->status, "status recorded");
	FUZZ_CHECK(st >= AL_PV_SYNTAX && st <= AL_PV_BAD_SUM, "known text status");
	if (st == AL_PV_SYNTAX)
		FUZZ_CHECK(err->detail != NULL && err->offset >= 0 && (size_t) err->offset <= len,
				   "syntax error points into the text");
	if (st == AL_PV_FLOAT_RANGE)
		FUZZ_CHECK(err->offset >= 0 && err->length > 0 &&
				   (size_t) err->offset + (size_t) err->length <= len,
				   "range error names a token of the text");
	if (st == AL_PV_NOT_FINITE || st == AL_PV_OUT_OF_RANGE)
		FUZZ_CHECK(err->position >= 1 && err->position <= AL_PROBVEC_MAX_CLASSES,
				   "value error names a class");
}

/* Format as probvec_out does, into the buffer size it allocates. */
static char *
format(const float *x, int n)
{
	size_t		size = (size_t) n * AL_PROBVEC_VALUE_CHARS + 3;
	char	   *buf = malloc(size);
	size_t		len;

	FUZZ_CHECK(buf != NULL, "malloc");
	len = al_pv_format(x, n, buf, al_float_shortest);
	FUZZ_CHECK(len < size && strlen(buf) == len, "formatted text fits its buffer");
	return buf;
}

/* libFuzzer's entry point: one input, checked against the invariants above. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = fuzz_cstring(data, size);
	float	   *x,
			   *y;
	int			n,
				m;
	al_pv_error err;
	al_pv_status st = parse(text, &x, &n, &err);

	if (st != AL_PV_OK)
		check_rejection(text, st, &err);
	else
	{
		char	   *out = format(x, n);
		char	   *again;

		FUZZ_CHECK(n >= 1 && n <= AL_PROBVEC_MAX_CLASSES, "class count in range");
		FUZZ_CHECK(parse(out, &y, &m, &err) == AL_PV_OK, "formatted text is accepted");
		FUZZ_CHECK(m == n && memcmp(x, y, sizeof(float) * (size_t) n) == 0,
				   "formatted text reads back to the same bits");
		again = format(y, m);
		FUZZ_CHECK(strcmp(out, again) == 0, "formatted text is a fixed point");
		free(again);
		free(y);
		free(out);
	}
	free(x);
	free(text);
	return 0;
}
