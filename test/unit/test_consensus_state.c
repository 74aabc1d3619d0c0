/*
 * test_consensus_state.c - unit tests of the text and binary forms of an
 * al.consensus state (src/core/consensus_state.c): what the parsers accept
 * and read, every rejection with its detail, the bytes of the binary form
 * written by hand, exact round trips of random doubles, and that memory
 * follows the input, never a class count it declares.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "consensus_state.h"
#include "unit.h"

#define MAX_CLASSES 32767

/* What the counting allocator has handed out: the largest block. */
static size_t grow_largest;
static size_t grow_limit = SIZE_MAX;

/* realloc that counts, and refuses blocks above grow_limit. */
static void *
counting_grow(void *ptr, size_t size)
{
	if (size > grow_largest)
		grow_largest = size;
	if (size > grow_limit)
		return NULL;
	return realloc(ptr, size);
}

/* The text form of f (reference shortest formatter); malloc'd. */
static char *
text_of(const ConsensusForm *f)
{
	char	   *buf = malloc(consensus_text_size(f->classes));

	consensus_format_text(f, buf, topk_score_shortest);
	return buf;
}

/* Accepted text: the values read, spellings and white space. */
static void
test_text_valid(void)
{
	ConsensusForm f;
	TopkFormError err;
	char	   *out;

	UNIT_CHECK(consensus_parse_text("rows=4 sums=[1,3]", MAX_CLASSES, counting_grow, &f, &err)
			   == TOPK_FORM_OK && f.classes == 2 && f.rows == 4 &&
			   f.sums[0] == 1.0 && f.sums[1] == 3.0, "rows=4 sums=[1,3]");
	free(f.sums);
	UNIT_CHECK(consensus_parse_text("  ROWS = +3  Sums = [ 0.5 , 1E0,.25,1.25 ]  ", MAX_CLASSES,
									counting_grow, &f, &err) == TOPK_FORM_OK &&
			   f.classes == 4 && f.rows == 3 && f.sums[2] == 0.25, "white space, case, spellings");
	out = text_of(&f);
	UNIT_CHECK(strcmp(out, "rows=3 sums=[0.5,1,0.25,1.25]") == 0, "canonical text");
	free(out);
	free(f.sums);
	UNIT_CHECK(consensus_parse_text("rows=9223372036854775807 sums=[-0,9e18]", MAX_CLASSES,
									counting_grow, &f, &err) == TOPK_FORM_OK &&
			   f.rows == INT64_MAX && f.sums[1] == 9e18, "the largest row count; -0");
	out = text_of(&f);
	UNIT_CHECK(strcmp(out, "rows=9223372036854775807 sums=[-0,9e+18]") == 0, "-0 kept");
	free(out);
	free(f.sums);
}

/* Every rejected text: the status and the detail. */
static void
test_text_errors(void)
{
	static const struct
	{
		const char *text;
		const char *detail;
	}			cases[] = {
		{"", "The text must start with \"rows=\"."},
		{"{1,0.5,0.5}", "The text must start with \"rows=\"."},
		{"rowsx=1 sums=[1]", "The text must start with \"rows=\"."},
		{"rows 1 sums=[1]", "Expected \"=\" after \"rows\"."},
		{"rows=x sums=[1]", "The row count must be an integer."},
		{"rows=1.5 sums=[1]", "Expected \"sums=\" after the row count."},
		{"rows=99999999999999999999 sums=[1]", "The row count must be an integer."},
		{"rows=0 sums=[0]", "The row count must be at least 1, not 0."},
		{"rows=-3 sums=[0]", "The row count must be at least 1, not -3."},
		{"rows=1 [1]", "Expected \"sums=\" after the row count."},
		{"rows=1 sums [1]", "Expected \"=\" after \"sums\"."},
		{"rows=1 sums=1", "Expected \"[\" before the sums."},
		{"rows=1 sums=[]", "Sum 1 is not a number \"\"."},
		{"rows=1 sums=[0.5,]", "Sum 2 is not a number \"\"."},
		{"rows=1 sums=[0.5", "Expected \",\" or \"]\" after sum 1."},
		{"rows=1 sums=[0.5 0.5]", "Expected \",\" or \"]\" after sum 1."},
		{"rows=1 sums=[0x1p0]", "Sum 1 is not a number \"0x1p0\"."},
		{"rows=1 sums=[1e999]", "Sum 1 is not a number \"1e999\"."},
		{"rows=1 sums=[NaN]", "Sum 1 is not between 0 and the row count (1)."},
		{"rows=1 sums=[0.5,Infinity]", "Sum 2 is not between 0 and the row count (1)."},
		{"rows=1 sums=[-0.5]", "Sum 1 is not between 0 and the row count (1)."},
		{"rows=2 sums=[2.0000000000000004]", "Sum 1 is not between 0 and the row count (2)."},
		{"rows=1 sums=[1] x", "Unexpected text after \"]\"."},
		{"rows=1 sums=[1]]", "Unexpected text after \"]\"."},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		ConsensusForm f;
		TopkFormError err;
		char		name[200];
		TopkFormStatus st = consensus_parse_text(cases[i].text, MAX_CLASSES, counting_grow, &f, &err);

		snprintf(name, sizeof(name), "\"%s\": %s", cases[i].text, cases[i].detail);
		UNIT_CHECK(st == TOPK_FORM_SYNTAX && err.status == st &&
				   strcmp(err.detail, cases[i].detail) == 0, name);
		if (st != TOPK_FORM_SYNTAX || strcmp(err.detail, cases[i].detail) != 0)
			printf("#   got status %d, \"%s\"\n", (int) st, err.detail);
		free(f.sums);
	}
}

/*
 * Memory follows the input: sums grow by doubling from 16 as they come,
 * more sums than the class limit are refused as soon as they are seen,
 * and a refusing allocator gives TOPK_FORM_NOMEM.
 */
static void
test_text_memory(void)
{
	ConsensusForm f;
	TopkFormError err;
	char		text[400];
	size_t		len;
	int			i;

	grow_largest = 0;
	UNIT_CHECK(consensus_parse_text("rows=1 sums=[1]", MAX_CLASSES, counting_grow, &f, &err) == TOPK_FORM_OK &&
			   grow_largest == 16 * sizeof(double), "one sum: 16 slots");
	free(f.sums);
	len = (size_t) sprintf(text, "rows=1 sums=[");
	for (i = 0; i < 5; i++)
		len += (size_t) sprintf(text + len, "%s0.2", i ? "," : "");
	strcpy(text + len, "]");
	UNIT_CHECK(consensus_parse_text(text, 4, counting_grow, &f, &err) == TOPK_FORM_SYNTAX &&
			   strcmp(err.detail, "There are more than 4 sums.") == 0, "more sums than the limit");
	free(f.sums);
	UNIT_CHECK(consensus_parse_text(text, 5, counting_grow, &f, &err) == TOPK_FORM_OK &&
			   f.classes == 5, "as many sums as the limit");
	free(f.sums);
	grow_limit = 8;
	UNIT_CHECK(consensus_parse_text("rows=1 sums=[1]", MAX_CLASSES, counting_grow, &f, &err)
			   == TOPK_FORM_NOMEM && strcmp(err.detail, "Out of memory.") == 0, "refusing allocator");
	grow_limit = SIZE_MAX;
}

/* The binary form: bytes by hand, and every rejection with its detail. */
static void
test_binary(void)
{
	static const struct
	{
		const char *hex;
		TopkFormStatus status;
		const char *detail;
	}			cases[] = {
		{"", TOPK_FORM_SHORT, "The data ends early."},
		{"01000000020000000000000001", TOPK_FORM_SHORT, "The data ends early."},
		{"0100000002000000000000000100000000000000003ff00000000000", TOPK_FORM_SHORT, "The data ends early."},
		{"02000000020000000000000001", TOPK_FORM_BINARY, "Unsupported format version 2."},
		{"01000000000000000000000001", TOPK_FORM_BINARY, "The class count 0 is not between 1 and 32767."},
		{"01ffffffff0000000000000001", TOPK_FORM_BINARY, "The class count -1 is not between 1 and 32767."},
		{"01000080000000000000000001", TOPK_FORM_BINARY, "The class count 32768 is not between 1 and 32767."},
		{"010000000100000000000000003ff0000000000000", TOPK_FORM_BINARY, "The row count must be at least 1, not 0."},
		{"0100000001ffffffffffffffff3ff0000000000000", TOPK_FORM_BINARY, "The row count must be at least 1, not -1."},
		{"010000000100000000000000017ff8000000000000", TOPK_FORM_BINARY, "Sum 1 is not between 0 and the row count (1)."},
		{"01000000010000000000000001bff0000000000000", TOPK_FORM_BINARY, "Sum 1 is not between 0 and the row count (1)."},
		{"010000000100000000000000014000000000000000", TOPK_FORM_BINARY, "Sum 1 is not between 0 and the row count (1)."},
		{"010000000100000000000000013ff000000000000000", TOPK_FORM_BINARY, "There are extra bytes after the last sum."},
	};
	unsigned char in[64];
	unsigned char out[64];
	size_t		n;
	size_t		i;
	ConsensusForm f;
	TopkFormError err;
	char	   *text;

	/* version 1, 2 classes, 4 rows, sums 1.0 and 3.0 */
	n = unit_unhex("010000000200000000000000043ff00000000000004008000000000000", in);
	UNIT_CHECK(consensus_parse_binary(in, n, MAX_CLASSES, counting_grow, &f, &err) == TOPK_FORM_OK &&
			   f.classes == 2 && f.rows == 4 && f.sums[0] == 1.0 && f.sums[1] == 3.0,
			   "binary form read");
	UNIT_CHECK(consensus_binary_size(2) == n && consensus_format_binary(&f, out) == n &&
			   memcmp(in, out, n) == 0, "binary form written back byte for byte");
	text = text_of(&f);
	UNIT_CHECK(strcmp(text, "rows=4 sums=[1,3]") == 0, "binary and text forms agree");
	free(text);
	free(f.sums);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char		name[200];
		TopkFormStatus st;

		n = unit_unhex(cases[i].hex, in);
		grow_largest = 0;
		st = consensus_parse_binary(in, n, MAX_CLASSES, counting_grow, &f, &err);
		snprintf(name, sizeof(name), "binary %s: %s", cases[i].hex, cases[i].detail);
		UNIT_CHECK(st == cases[i].status && strcmp(err.detail, cases[i].detail) == 0, name);
		if (st != cases[i].status || strcmp(err.detail, cases[i].detail) != 0)
			printf("#   got status %d, \"%s\"\n", (int) st, err.detail);
		free(f.sums);
	}
	/* a class count of 32767 in 13 bytes: refused before any allocation */
	n = unit_unhex("01000007ff0000000000000001", in);
	grow_largest = 0;
	UNIT_CHECK(consensus_parse_binary(in, n, MAX_CLASSES, counting_grow, &f, &err) == TOPK_FORM_SHORT &&
			   grow_largest == 0, "a lying class count allocates nothing");
}

/*
 * Round trips of 20,000 random doubles (all bit patterns of finite,
 * non-negative values up to the row count): text and binary give back the
 * same bits, and the text is a fixed point.
 */
static void
test_round_trips(void)
{
	enum
	{
		CLASSES = 20000
	};
	ConsensusForm f;
	ConsensusForm g;
	ConsensusForm h;
	TopkFormError err;
	double	   *sums = malloc(sizeof(double) * CLASSES);
	unsigned char *bin = malloc(consensus_binary_size(CLASSES));
	char	   *text;
	char	   *again;
	uint64_t	x = 88172645463325252ULL;
	int			i;
	int			ok_text;
	int			ok_bin;

	for (i = 0; i < CLASSES; i++)
	{
		uint64_t	bits;

		do
		{
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			bits = x & 0x7fffffffffffffffULL;	/* sign off */
			memcpy(&sums[i], &bits, sizeof(double));
		} while (!(sums[i] <= 1e15));
	}
	f.classes = CLASSES;
	f.rows = 1000000000000000LL;
	f.sums = sums;
	text = text_of(&f);
	UNIT_CHECK(consensus_parse_text(text, MAX_CLASSES, counting_grow, &g, &err) == TOPK_FORM_OK,
			   "text of 20,000 random sums parses");
	ok_text = g.classes == CLASSES && g.rows == f.rows &&
		memcmp(g.sums, sums, sizeof(double) * CLASSES) == 0;
	UNIT_CHECK(ok_text, "text gives back every bit");
	again = text_of(&g);
	UNIT_CHECK(strcmp(text, again) == 0, "text is a fixed point");
	consensus_format_binary(&f, bin);
	ok_bin = consensus_parse_binary(bin, consensus_binary_size(CLASSES), MAX_CLASSES,
									counting_grow, &h, &err) == TOPK_FORM_OK &&
		memcmp(h.sums, sums, sizeof(double) * CLASSES) == 0 && h.rows == f.rows;
	UNIT_CHECK(ok_bin, "binary gives back every bit");
	free(text);
	free(again);
	free(g.sums);
	free(h.sums);
	free(sums);
	free(bin);
}

int
main(void)
{
	test_text_valid();
	test_text_errors();
	test_text_memory();
	test_binary();
	test_round_trips();
	return unit_done();
}
