/*
 * test_probvec.c - unit tests of the probvec parser, formatter and checks.
 */
#include <stdint.h>
#include <stdlib.h>

#include "al_probvec.h"
#include "unit.h"

/* Parse text; return the status, leaving values in x and the count in n. */
static al_pv_status
parse(const char *text, float *x, int *n, al_pv_error *err)
{
	*n = -1;
	return al_pv_parse(text, x, 16, n, err);
}

/* Valid text forms: brackets, braces, white space, exponents. */
static void
test_parse_valid(void)
{
	float		x[16];
	int			n;
	al_pv_error err;

	UNIT_CHECK(parse("[0.1,0.2,0.7]", x, &n, &err) == AL_PV_OK && n == 3, "brackets parse");
	UNIT_CHECK(x[0] == 0.1f && x[1] == 0.2f && x[2] == 0.7f, "values are the nearest floats");
	UNIT_CHECK(parse(" {\t0.5 ,\n0.5 }  ", x, &n, &err) == AL_PV_OK && n == 2, "braces and white space");
	UNIT_CHECK(parse("[1]", x, &n, &err) == AL_PV_OK && n == 1 && x[0] == 1.0f, "one class");
	UNIT_CHECK(parse("[2.5e-1,75E-2]", x, &n, &err) == AL_PV_OK && x[0] == 0.25f && x[1] == 0.75f, "exponents");
	UNIT_CHECK(parse("[+0.5,.5]", x, &n, &err) == AL_PV_OK && x[1] == 0.5f, "sign and leading dot");
}

/* Each syntax error reports its byte offset. */
static void
test_parse_syntax(void)
{
	static const struct
	{
		const char *text;
		int			offset;
	}			cases[] = {
		{"", 0}, {"0.5", 0}, {"(0.5)", 0}, {"[0.5,0.5", 8}, {"[0.5,0.5}", 8},
		{"{0.5,0.5]", 8}, {"[0.5,,0.5]", 5}, {"[0.5,]", 5}, {"[,0.5]", 1},
		{"[0.5 0.5]", 5}, {"[0.5,0.5]x", 9}, {"[0.5,0.5] ]", 10}, {"[a]", 1},
		{"[0.5;0.5]", 4}, {"[[0.5]]", 1}, {"[0.5,0.5]\n[1]", 10},
	};
	float		x[16];
	int			n;
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		al_pv_error err;
		al_pv_status st = parse(cases[i].text, x, &n, &err);
		char		name[96];

		char	   *c;

		snprintf(name, sizeof(name), "syntax error at %d in \"%s\"", cases[i].offset, cases[i].text);
		for (c = name; *c; c++)
			if (*c == '\n')
				*c = ' ';		/* keep the TAP line whole */
		UNIT_CHECK(st == AL_PV_SYNTAX && err.offset == cases[i].offset && err.detail != NULL, name);
	}
}

/* Empty, too many, and numbers outside float4's range. */
static void
test_parse_limits(void)
{
	float		x[16];
	int			n;
	al_pv_error err;
	char	   *big;
	float	   *many;
	int			i;

	UNIT_CHECK(parse("[]", x, &n, &err) == AL_PV_EMPTY, "empty brackets");
	UNIT_CHECK(parse(" { } ", x, &n, &err) == AL_PV_EMPTY, "empty braces");
	UNIT_CHECK(parse("[1e-50,1]", x, &n, &err) == AL_PV_FLOAT_RANGE && err.offset == 1 && err.length == 5,
			   "underflow to zero is out of float range");
	UNIT_CHECK(parse("[1e40]", x, &n, &err) == AL_PV_FLOAT_RANGE, "overflow is out of float range");
	UNIT_CHECK(parse("[1e-40,1]", x, &n, &err) == AL_PV_OK && x[0] > 0.0f, "a denormal is kept");
	UNIT_CHECK(parse("[nan,1]", x, &n, &err) == AL_PV_OK && isnan(x[0]), "NaN parses (checked later)");
	UNIT_CHECK(parse("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]", x, &n, &err) == AL_PV_TOO_MANY,
			   "more values than capacity");

	big = malloc((size_t) (AL_PROBVEC_MAX_CLASSES + 1) * 2 + 3);
	many = malloc(sizeof(float) * (AL_PROBVEC_MAX_CLASSES + 1));
	big[0] = '[';
	for (i = 0; i <= AL_PROBVEC_MAX_CLASSES; i++)
	{
		big[1 + 2 * i] = '0';
		big[2 + 2 * i] = ',';
	}
	big[2 * AL_PROBVEC_MAX_CLASSES + 2] = ']';
	big[2 * AL_PROBVEC_MAX_CLASSES + 3] = '\0';
	UNIT_CHECK(al_pv_count_bound(big) == AL_PROBVEC_MAX_CLASSES + 1, "count bound is commas + 1");
	UNIT_CHECK(al_pv_parse(big, many, AL_PROBVEC_MAX_CLASSES + 1, &n, &err) == AL_PV_TOO_MANY,
			   "32768 classes are too many");
	free(big);
	free(many);
}

/* Value checks: finiteness, range, sum tolerance, first culprit reported. */
static void
test_check_values(void)
{
	float		ok[3] = {0.1f, 0.2f, 0.7f};
	float		neg[3] = {0.5f, -0.25f, 0.75f};
	float		high[2] = {0.0f, 1.5f};
	float		inf[2] = {0.5f, INFINITY};
	float		nan[2] = {NAN, 0.5f};
	float		low_sum[2] = {0.4f, 0.5f};
	float		tol_sum[2] = {0.4995f, 0.5f};
	float		zero_in[4] = {0.0f, 1.0f, 0.0f, 0.0f};
	al_pv_error err;

	UNIT_CHECK(al_pv_check_values(ok, 3, &err) == AL_PV_OK, "valid vector");
	UNIT_CHECK(al_pv_check_values(zero_in, 4, &err) == AL_PV_OK, "zeros inside are valid");
	UNIT_CHECK(al_pv_check_values(neg, 3, &err) == AL_PV_OUT_OF_RANGE && err.position == 2 &&
			   err.value == -0.25, "negative value at position 2");
	UNIT_CHECK(al_pv_check_values(high, 2, &err) == AL_PV_OUT_OF_RANGE && err.position == 2, "value above 1");
	UNIT_CHECK(al_pv_check_values(inf, 2, &err) == AL_PV_NOT_FINITE && err.position == 2, "infinity");
	UNIT_CHECK(al_pv_check_values(nan, 2, &err) == AL_PV_NOT_FINITE && err.position == 1, "NaN");
	UNIT_CHECK(al_pv_check_values(low_sum, 2, &err) == AL_PV_BAD_SUM && fabs(err.value - 0.9) < 1e-6,
			   "sum 0.9 rejected");
	UNIT_CHECK(al_pv_check_values(tol_sum, 2, &err) == AL_PV_OK, "sum 0.9995 within tolerance");
	UNIT_CHECK(al_pv_check_values(ok, 0, &err) == AL_PV_EMPTY, "zero classes");
}

/* Uniform random float in [0, 1] built from random bits (all exponents). */
static float
random_unit_float(unsigned *state)
{
	uint32_t	bits;
	float		f;

	*state = *state * 1103515245u + 12345u;
	bits = *state;
	*state = *state * 1103515245u + 12345u;
	bits = (bits << 16) ^ *state;
	bits &= 0x3fffffffu;		/* exponent <= 127: values in [0, 2) */
	memcpy(&f, &bits, sizeof(f));
	return f > 1.0f ? f - 1.0f : f;
}

/* The formatter round-trips bit for bit and is the shortest such decimal. */
static void
test_format(void)
{
	unsigned	state = 42;
	int			bad_trip = 0;
	int			not_shortest = 0;
	int			i;
	char		buf[64];
	float		x[3] = {0.1f, 0.25f, 1e-5f};

	for (i = 0; i < 200000; i++)
	{
		float		v = random_unit_float(&state);
		int			len = al_float_shortest(v, buf);
		char		shorter[512];
		int			digits = 0;
		const char *c = buf;

		if (strtof(buf, NULL) != v || (size_t) len != strlen(buf))
			bad_trip++;
		/* significant digits: skip leading zeros and the point */
		while (*c == '0' || *c == '.')
			c++;
		for (; *c && *c != 'e'; c++)
			digits += (*c >= '0' && *c <= '9');
		/* with one digit fewer it must no longer round-trip */
		if (digits > 1)
		{
			snprintf(shorter, sizeof(shorter), "%.*g", digits - 1, (double) v);
			if (strtof(shorter, NULL) == v)
				not_shortest++;
		}
	}
	UNIT_CHECK(bad_trip == 0, "200000 random floats round-trip");
	UNIT_CHECK(not_shortest == 0, "formatted decimals are the shortest");
	al_pv_format(x, 3, buf, al_float_shortest);
	UNIT_CHECK(strcmp(buf, "[0.1,0.25,1e-05]") == 0, "vector format");
	al_pv_format(x, 1, buf, al_float_shortest);
	UNIT_CHECK(strcmp(buf, "[0.1]") == 0, "one-value format");
}

/* The binary form's header: each rejection with its fields, then values. */
static void
test_binary(void)
{
	/* 2 classes, reserved 0, 0.25 (3e800000) and 0.75 (3f400000) */
	static const unsigned char ok[] = {0, 2, 0, 0, 0x3e, 0x80, 0, 0, 0x3f, 0x40, 0, 0};
	static const unsigned char zero[] = {0, 0, 0, 0};
	static const unsigned char negative[] = {0x80, 0x00, 0, 0};
	static const unsigned char reserved[] = {0, 1, 0xff, 0xfe, 0x3f, 0x80, 0, 0};
	static const unsigned char long_data[] = {0, 1, 0, 0, 0x3f, 0x80, 0, 0, 0};
	al_pv_error err;
	float		x[2] = {0, 0};
	int			n = -1;

	UNIT_CHECK(al_pv_binary_header(ok, sizeof(ok), &n, &err) == AL_PV_OK && n == 2,
			   "binary header of 2 classes");
	al_pv_binary_values(ok, n, x);
	UNIT_CHECK(x[0] == 0.25f && x[1] == 0.75f, "binary values are big-endian float4");
	UNIT_CHECK(al_pv_binary_header(ok, 3, &n, &err) == AL_PV_BIN_SHORT && err.value == 3,
			   "3 bytes: too short, with the byte count");
	UNIT_CHECK(al_pv_binary_header(ok, 0, &n, &err) == AL_PV_BIN_SHORT && err.value == 0,
			   "no byte: too short");
	UNIT_CHECK(al_pv_binary_header(zero, sizeof(zero), &n, &err) == AL_PV_BIN_COUNT &&
			   err.position == 0, "class count 0");
	UNIT_CHECK(al_pv_binary_header(negative, sizeof(negative), &n, &err) == AL_PV_BIN_COUNT &&
			   err.position == -32768, "class count -32768 (the int16 is signed)");
	UNIT_CHECK(al_pv_binary_header(reserved, sizeof(reserved), &n, &err) == AL_PV_BIN_RESERVED &&
			   err.value == -2, "reserved field -2");
	UNIT_CHECK(al_pv_binary_header(ok, sizeof(ok) - 1, &n, &err) == AL_PV_BIN_LENGTH &&
			   err.position == 2 && err.value == 7, "2 classes in 7 bytes of values");
	UNIT_CHECK(al_pv_binary_header(long_data, sizeof(long_data), &n, &err) == AL_PV_BIN_LENGTH &&
			   err.position == 1 && err.value == 5, "1 class in 5 bytes of values");
}

int
main(void)
{
	test_parse_valid();
	test_parse_syntax();
	test_parse_limits();
	test_check_values();
	test_format();
	test_binary();
	return unit_done();
}
