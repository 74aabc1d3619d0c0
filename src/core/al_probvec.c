/*
 * al_probvec.c - text parser, text formatter and value checks of probvec.
 *
 * Text form: '[' or '{', numbers separated by commas, the matching ']' or
 * '}', white space anywhere between tokens.  Numbers are read with strtof,
 * so the nearest float4 is kept, exactly as float4in does.
 */
#include "al_probvec.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* White space as PostgreSQL's scanner understands it (C locale). */
static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Skip white space; returns the first other character's position. */
static const char *
skip_space(const char *s)
{
	while (is_space(*s))
		s++;
	return s;
}

/* Record a syntax error at p with a static detail text. */
static al_pv_status
syntax_error(al_pv_error *err, const char *text, const char *p, const char *detail)
{
	err->status = AL_PV_SYNTAX;
	err->offset = (int) (p - text);
	err->length = 1;
	err->detail = detail;
	err->position = 0;
	err->value = 0;
	return AL_PV_SYNTAX;
}

/*
 * An upper bound of the number of values in text (commas + 1), so the caller
 * can size the output buffer before parsing.
 */
int
al_pv_count_bound(const char *text)
{
	int			n = 1;

	for (; *text; text++)
		if (*text == ',')
			n++;
	return n;
}

/*
 * Read one number at p with strtof.  Returns the end of the number, or NULL
 * if there is none.  Overflow, and underflow to zero, are reported as
 * AL_PV_FLOAT_RANGE, as float4in reports them.
 */
static const char *
parse_number(const char *text, const char *p, float *value, al_pv_error *err)
{
	char	   *end;
	float		v;

	/* strtof would skip leading white space itself: refuse it here */
	if (*p == '\0' || is_space(*p))
		return NULL;
	errno = 0;
	v = strtof(p, &end);
	if (end == p)
		return NULL;
	if (errno == ERANGE && (v == 0.0f || isinf(v)))
	{
		err->status = AL_PV_FLOAT_RANGE;
		err->offset = (int) (p - text);
		err->length = (int) (end - p);
		err->detail = NULL;
		err->value = v;
		return NULL;
	}
	*value = v;
	return end;
}

/*
 * Parse text into out (capacity values).  On success *count is the number of
 * values and AL_PV_OK is returned; otherwise err says what and where.  Only
 * the syntax, the float range and the count are checked here: the values
 * are al_pv_check_values()'s job.
 */
al_pv_status
al_pv_parse(const char *text, float *out, int capacity, int *count,
			al_pv_error *err)
{
	const char *p = skip_space(text);
	char		close;
	int			n = 0;

	memset(err, 0, sizeof(*err));
	if (*p != '[' && *p != '{')
		return syntax_error(err, text, p, "Probability vector must start with \"[\" or \"{\".");
	close = (*p == '[') ? ']' : '}';
	p = skip_space(p + 1);
	if (*p != close)
	{
		for (;;)
		{
			float		v;
			const char *end = parse_number(text, p, &v, err);

			if (end == NULL)
				return err->status == AL_PV_FLOAT_RANGE ? AL_PV_FLOAT_RANGE :
					syntax_error(err, text, p, "Expected a number.");
			if (n >= capacity)
			{
				err->status = AL_PV_TOO_MANY;
				err->position = n + 1;
				return AL_PV_TOO_MANY;
			}
			out[n++] = v;
			p = skip_space(end);
			if (*p == close)
				break;
			if (*p != ',')
				return syntax_error(err, text, p, *p == '\0' ?
									"Unexpected end of input: missing closing bracket." :
									"Expected \",\" or a closing bracket.");
			p = skip_space(p + 1);
		}
	}
	p = skip_space(p + 1);
	if (*p != '\0')
		return syntax_error(err, text, p, "Junk after closing bracket.");
	*count = n;
	return al_pv_check_count(n, err);
}

/* Read a big-endian 16-bit field as a signed value. */
static int
read_int16(const unsigned char *p)
{
	return (int16_t) (uint16_t) (p[0] << 8 | p[1]);
}

/*
 * Check the binary form's header (untrusted): at least the 4 header bytes,
 * a class count of 1 .. AL_PROBVEC_MAX_CLASSES, the reserved field 0, and
 * exactly 4 bytes of value per class after it.  On success *count is the
 * class count, so the caller can size the buffer for al_pv_binary_values.
 */
al_pv_status
al_pv_binary_header(const unsigned char *data, size_t len, int *count,
					al_pv_error *err)
{
	int			dim;

	memset(err, 0, sizeof(*err));
	if (len < AL_PROBVEC_BINARY_HEADER)
	{
		err->status = AL_PV_BIN_SHORT;
		err->value = (double) len;
		return err->status;
	}
	dim = read_int16(data);
	err->position = dim;
	if (dim < 1 || dim > AL_PROBVEC_MAX_CLASSES)
		err->status = AL_PV_BIN_COUNT;
	else if (read_int16(data + 2) != 0)
	{
		err->status = AL_PV_BIN_RESERVED;
		err->value = read_int16(data + 2);
	}
	else if (len - AL_PROBVEC_BINARY_HEADER != (size_t) dim * sizeof(float))
	{
		err->status = AL_PV_BIN_LENGTH;
		err->value = (double) (len - AL_PROBVEC_BINARY_HEADER);
	}
	*count = dim;
	return err->status;
}

/*
 * Decode the count big-endian float4 values of a binary form whose header
 * al_pv_binary_header accepted into out (count floats).  The values are
 * al_pv_check_values()'s to check.
 */
void
al_pv_binary_values(const unsigned char *data, int count, float *out)
{
	const unsigned char *p = data + AL_PROBVEC_BINARY_HEADER;
	int			i;

	for (i = 0; i < count; i++, p += 4)
	{
		uint32_t	bits = (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 |
			(uint32_t) p[2] << 8 | p[3];

		memcpy(&out[i], &bits, sizeof(float));
	}
}

/* Check the class count is within 1 .. AL_PROBVEC_MAX_CLASSES. */
al_pv_status
al_pv_check_count(int n, al_pv_error *err)
{
	memset(err, 0, sizeof(*err));
	if (n < 1)
		err->status = AL_PV_EMPTY;
	else if (n > AL_PROBVEC_MAX_CLASSES)
		err->status = AL_PV_TOO_MANY;
	err->position = n;
	return err->status;
}

/*
 * Check one value (given at 1-based position) is finite and within [0, 1].
 * Values are checked in double precision, so a double or numeric input is
 * judged (and named) as given, before it is rounded to float4.
 */
al_pv_status
al_pv_check_value(double v, int position, al_pv_error *err)
{
	if (isfinite(v) && v >= 0.0 && v <= 1.0)
		return AL_PV_OK;
	memset(err, 0, sizeof(*err));
	err->status = isfinite(v) ? AL_PV_OUT_OF_RANGE : AL_PV_NOT_FINITE;
	err->position = position;
	err->value = v;
	return err->status;
}

/* Check a sum of probabilities is within tolerance of 1. */
al_pv_status
al_pv_check_sum(double sum, double tolerance, al_pv_error *err)
{
	if (fabs(sum - 1.0) <= tolerance)
		return AL_PV_OK;
	memset(err, 0, sizeof(*err));
	err->status = AL_PV_BAD_SUM;
	err->value = sum;
	return err->status;
}

/*
 * Accept n values as a probvec: each given value (double, as the caller got
 * it; NULL: the rounded ones) checked for [0, 1], the sum of the
 * float4-rounded values (rounded[i], what would be stored) checked within
 * tolerance of 1.  Into out (n floats; NULL: only check) go the rounded
 * values; with renormalize, divided by their sum when it is
 * off by more than the type allows (AL_PROBVEC_SUM_TOLERANCE): values the
 * type accepts are kept bit for bit.  A tolerance below 1 keeps the sum
 * above 0, and v <= sum keeps v / sum <= 1.
 */
al_pv_status
al_pv_accept(const double *given, const float *rounded, int n, double tolerance,
			 int renormalize, float *out, al_pv_error *err)
{
	double		sum = 0.0;
	int			i;

	if (al_pv_check_count(n, err) != AL_PV_OK)
		return err->status;
	for (i = 0; i < n; i++)
	{
		if (al_pv_check_value(given ? given[i] : rounded[i], i + 1, err) != AL_PV_OK)
			return err->status;
		sum += rounded[i];
	}
	if (al_pv_check_sum(sum, tolerance, err) != AL_PV_OK)
		return err->status;
	renormalize = renormalize && fabs(sum - 1.0) > AL_PROBVEC_SUM_TOLERANCE;
	for (i = 0; out != NULL && i < n; i++)
		out[i] = renormalize ? (float) (rounded[i] / sum) : rounded[i];
	return AL_PV_OK;
}

/*
 * Check every value is finite and within [0, 1] and that the sum, taken in
 * double precision, is within AL_PROBVEC_SUM_TOLERANCE of 1.  The first
 * offending position is reported.
 */
al_pv_status
al_pv_check_values(const float *x, int n, al_pv_error *err)
{
	return al_pv_accept(NULL, x, n, AL_PROBVEC_SUM_TOLERANCE, 0, NULL, err);
}

/*
 * The shortest decimal that strtof reads back to exactly value, in %g style
 * (the portable reference formatter; the server passes float4out's own).
 * Tries 1 to 9 significant digits: 9 always round-trip a float.
 */
int
al_float_shortest(float value, char *buf)
{
	int			prec;
	int			len = 0;

	for (prec = 1; prec <= 9; prec++)
	{
		float		back;

		len = snprintf(buf, 16, "%.*g", prec, (double) value);
		back = strtof(buf, NULL);
		if ((back == value && signbit(back) == signbit(value)) || isnan(value))
			break;
	}
	return len;
}

/*
 * Write "[v1,v2,...]" into buf, which holds at least
 * n * AL_PROBVEC_VALUE_CHARS + 3 bytes.  Returns the length, not counting
 * the terminating zero byte.
 */
size_t
al_pv_format(const float *x, int n, char *buf, al_float_formatter format_value)
{
	char	   *p = buf;
	int			i;

	*p++ = '[';
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			*p++ = ',';
		p += format_value(x[i], p);
	}
	*p++ = ']';
	*p = '\0';
	return (size_t) (p - buf);
}
