/*
 * fuzz_probvec_binary.c - libFuzzer harness of the probvec binary parser
 * (al_pv_binary_header / al_pv_binary_values in src/core/al_probvec.c),
 * driven as probvec_recv drives it.
 *
 * Invariants: rejected input gives a binary status with consistent fields;
 * accepted input (header and values checked) is written back by an
 * independent writer (probvec_send's layout, written here) byte for byte,
 * and its text form reads back to the same float bits.
 */
#include "al_probvec.h"
#include "fuzz.h"

/* probvec_send's layout: int16 count, int16 0, big-endian float4 values. */
static uint8_t *
write_binary(const float *x, int n, size_t *len)
{
	uint8_t    *buf = malloc(4 + 4 * (size_t) n);
	int			i;

	FUZZ_CHECK(buf != NULL, "malloc");
	buf[0] = (uint8_t) (n >> 8);
	buf[1] = (uint8_t) n;
	buf[2] = buf[3] = 0;
	for (i = 0; i < n; i++)
	{
		uint32_t	bits;

		memcpy(&bits, &x[i], 4);
		buf[4 + 4 * i] = (uint8_t) (bits >> 24);
		buf[5 + 4 * i] = (uint8_t) (bits >> 16);
		buf[6 + 4 * i] = (uint8_t) (bits >> 8);
		buf[7 + 4 * i] = (uint8_t) bits;
	}
	*len = 4 + 4 * (size_t) n;
	return buf;
}

/* The text round trip of accepted values: same bits back. */
static void
check_text_round_trip(const float *x, int n)
{
	char	   *text = malloc((size_t) n * AL_PROBVEC_VALUE_CHARS + 3);
	float	   *y = malloc(sizeof(float) * (size_t) n);
	al_pv_error err;
	int			m = 0;

	FUZZ_CHECK(text != NULL && y != NULL, "malloc");
	al_pv_format(x, n, text, al_float_shortest);
	FUZZ_CHECK(al_pv_parse(text, y, n, &m, &err) == AL_PV_OK && m == n,
			   "text form of accepted binary input parses");
	FUZZ_CHECK(memcmp(x, y, sizeof(float) * (size_t) n) == 0,
			   "text form reads back to the same bits");
	free(y);
	free(text);
}

/* libFuzzer's entry point: one input, checked against the invariants above. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	al_pv_error err;
	int			n = -1;
	al_pv_status st = al_pv_binary_header(data, size, &n, &err);
	float	   *x;
	uint8_t    *out;
	size_t		len;

	if (st != AL_PV_OK)
	{
		FUZZ_CHECK(st == err.status && st >= AL_PV_BIN_SHORT && st <= AL_PV_BIN_LENGTH,
				   "known binary status");
		FUZZ_CHECK(st != AL_PV_BIN_SHORT || size < AL_PROBVEC_BINARY_HEADER,
				   "too short only below the header size");
		return 0;
	}
	FUZZ_CHECK(n >= 1 && n <= AL_PROBVEC_MAX_CLASSES && size == 4 + 4 * (size_t) n,
			   "accepted header matches the length");
	x = malloc(sizeof(float) * (size_t) n);
	FUZZ_CHECK(x != NULL, "malloc");
	al_pv_binary_values(data, n, x);
	if (al_pv_check_values(x, n, &err) == AL_PV_OK)
	{
		out = write_binary(x, n, &len);
		FUZZ_CHECK(len == size && memcmp(out, data, size) == 0,
				   "accepted binary input is written back byte for byte");
		free(out);
		check_text_round_trip(x, n);
	}
	free(x);
	return 0;
}
