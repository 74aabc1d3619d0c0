/*
 * test_topk_state.c - unit tests of the text and binary forms of a top-k
 * state (src/core/topk_state.c, topk_state_text.c): what the parsers accept
 * and read, every rejection with its detail, the bytes of the binary form
 * written by hand, round trips, and that memory follows the input, never a
 * k or a count it declares.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "topk_state.h"
#include "unit.h"

/* What the counting allocator has handed out: calls and the largest block. */
static size_t grow_calls;
static size_t grow_largest;
static size_t grow_limit = SIZE_MAX;

/* realloc that counts, and refuses blocks above grow_limit. */
static void *
counting_grow(void *ptr, size_t size)
{
	grow_calls++;
	if (size > grow_largest)
		grow_largest = size;
	if (size > grow_limit)
		return NULL;
	return realloc(ptr, size);
}

/* Free a form's arrays. */
static void
form_free(TopkForm *f)
{
	free(f->entries);
	free(f->area);
	memset(f, 0, sizeof(*f));
}

/* Parse text into f (fresh); returns the status. */
static TopkFormStatus
parse_text(const char *text, TopkForm *f, TopkFormError *err)
{
	topk_form_init(f, counting_grow);
	return topk_parse_text(text, f, err);
}

/* The canonical text form of f (sorted, reference formatter); malloc'd. */
static char *
canonical_text(TopkForm *f)
{
	char	   *buf = malloc(topk_text_size(f));

	topk_form_sort(f);
	topk_format_text(f, buf, topk_score_shortest);
	return buf;
}

/* parse -> sort -> format gives want (and want is then a fixed point). */
static void
check_canonical(const char *text, const char *want)
{
	TopkForm	f;
	TopkFormError err;
	char		name[160];
	char	   *got = NULL;

	snprintf(name, sizeof(name), "\"%s\" reads back as \"%s\"", text, want);
	if (parse_text(text, &f, &err) == TOPK_FORM_OK)
		got = canonical_text(&f);
	UNIT_CHECK(got != NULL && strcmp(got, want) == 0, name);
	if (got == NULL || strcmp(got, want) != 0)
		printf("#   got \"%s\" (%s)\n", got ? got : "", err.detail);
	form_free(&f);
	free(got);
}

/* Accepted text: spellings, white space, escapes, the values read. */
static void
test_text_valid(void)
{
	TopkForm	f;
	TopkFormError err;

	UNIT_CHECK(parse_text("bigint k=3 [(NaN,7),(1.5,42),(-0,NULL)]", &f, &err) == TOPK_FORM_OK,
			   "bigint state parses");
	UNIT_CHECK(f.idtype == TOPK_IDTYPE_BIGINT && f.k == 3 && f.count == 3, "id type, k and count");
	UNIT_CHECK(isnan(f.entries[0].score) && f.entries[0].id == 7 && f.entries[0].flags == 0,
			   "entry 1 is (NaN, 7)");
	UNIT_CHECK(f.entries[1].score == 1.5 && f.entries[1].id == 42, "entry 2 is (1.5, 42)");
	UNIT_CHECK(f.entries[2].score == 0 && signbit(f.entries[2].score) &&
			   f.entries[2].flags == TOPK_ID_NULL, "entry 3 is (-0, NULL)");
	form_free(&f);

	UNIT_CHECK(parse_text(" TEXT K = 4 [ ( inf , \"a\\\"b\" ) , (-INFINITY,\"\\\\\\x\"),(+.5,\"\"),(1E3,\"NULL\")] ",
						  &f, &err) == TOPK_FORM_OK && f.count == 4, "text state with spaces and escapes");
	UNIT_CHECK(isinf(f.entries[0].score) && f.entries[0].score > 0 &&
			   f.entries[0].len == 3 && memcmp(f.area + f.entries[0].id, "a\"b", 3) == 0,
			   "escaped quote unescaped");
	UNIT_CHECK(isinf(f.entries[1].score) && f.entries[1].score < 0 &&
			   f.entries[1].len == 2 && memcmp(f.area + f.entries[1].id, "\\x", 2) == 0,
			   "a backslash escapes any byte");
	UNIT_CHECK(f.entries[2].score == 0.5 && f.entries[2].len == 0 && f.entries[2].flags == 0,
			   "empty text id is not NULL");
	UNIT_CHECK(f.entries[3].score == 1000 && f.entries[3].len == 4 && f.entries[3].flags == 0,
			   "quoted NULL is text");
	form_free(&f);

	UNIT_CHECK(parse_text("uuid k=2 [(1,A0EEBC999C0B4EF8BB6D6BB9BD380A11),(2,00010203-0405-0607-0809-0a0b0c0d0e0f)]",
						  &f, &err) == TOPK_FORM_OK && f.count == 2, "uuids with and without hyphens");
	UNIT_CHECK(f.entries[0].len == 16 && (unsigned char) f.area[f.entries[0].id] == 0xA0 &&
			   (unsigned char) f.area[f.entries[0].id + 15] == 0x11, "uuid bytes");
	form_free(&f);

	UNIT_CHECK(parse_text("bigint k=5 [(1,-9223372036854775808),(1,9223372036854775807)]", &f, &err) == TOPK_FORM_OK &&
			   (int64_t) f.entries[0].id == INT64_MIN && (int64_t) f.entries[1].id == INT64_MAX,
			   "bigint extremes");
	form_free(&f);
	UNIT_CHECK(parse_text("bigint k=2147483647 []", &f, &err) == TOPK_FORM_OK && f.count == 0 &&
			   f.k == TOPK_MAX_K, "empty state with the largest k");
	form_free(&f);
}

/* Canonical forms: sorted best first, shortest scores, fixed points. */
static void
test_text_canonical(void)
{
	check_canonical("bigint k=3 [(-0,NULL),(1.5,42),(NaN,7)]", "bigint k=3 [(NaN,7),(1.5,42),(-0,NULL)]");
	check_canonical("bigint k=3 [(NaN,7),(1.5,42),(-0,NULL)]", "bigint k=3 [(NaN,7),(1.5,42),(-0,NULL)]");
	check_canonical("text k=9 [(1,\"b\"),(1,\"B\"),(1,NULL),(1,\"\"),(2,\"a\\\\\\\"\")]",
					"text k=9 [(2,\"a\\\\\\\"\"),(1,\"\"),(1,\"B\"),(1,\"b\"),(1,NULL)]");
	check_canonical("uuid k=1 [(1e-300,A0EEBC999C0B4EF8BB6D6BB9BD380A11)]",
					"uuid k=1 [(1e-300,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11)]");
	check_canonical("bigint k=4 [(-inf,1),(+infinity,2),(0.1,3),(5e-324,4)]",
					"bigint k=4 [(Infinity,2),(0.1,3),(5e-324,4),(-Infinity,1)]");
	check_canonical("bigint k=2 [(1,1),(1,1)]", "bigint k=2 [(1,1),(1,1)]");
	check_canonical(" text k=2 COLLATION = ( \"pg_catalog\" , \"en-x-icu\" ) [(1,\"b\")]",
					"text k=2 collation=(\"pg_catalog\",\"en-x-icu\") [(1,\"b\")]");
	check_canonical("text k=2 collation=(\"s\\\"q\",\"a\\\\b\\c\") []",
					"text k=2 collation=(\"s\\\"q\",\"a\\\\bc\") []");
	check_canonical("text k=2 []", "text k=2 []");
}

/*
 * The collation of text ids: read from the text form into the form's
 * schema and name (escapes undone), absent in old forms; names up to
 * TOPK_NAME_MAX bytes; topk_form_set_collation's limits.
 */
static void
test_text_collation(void)
{
	TopkForm	f;
	TopkFormError err;
	char		text[700];
	char		name[300];

	UNIT_CHECK(parse_text("text k=2 collation=(\"my \\\"s\\\"\",\"und-u-ks-level2\") [(1,\"a\")]",
						  &f, &err) == TOPK_FORM_OK && f.has_collation &&
			   strcmp(f.coll_schema, "my \"s\"") == 0 &&
			   strcmp(f.coll_name, "und-u-ks-level2") == 0 && f.count == 1,
			   "collation schema and name read, escapes undone");
	form_free(&f);
	UNIT_CHECK(parse_text("text k=2 [(1,\"a\")]", &f, &err) == TOPK_FORM_OK && !f.has_collation,
			   "a text state without a collation (the old form)");
	form_free(&f);

	memset(name, 'x', 255);
	name[255] = '\0';
	snprintf(text, sizeof(text), "text k=1 collation=(\"%s\",\"%s\") []", name, name);
	UNIT_CHECK(parse_text(text, &f, &err) == TOPK_FORM_OK && strlen(f.coll_schema) == 255 &&
			   strlen(f.coll_name) == 255, "names of 255 bytes are read");
	form_free(&f);
	snprintf(text, sizeof(text), "text k=1 collation=(\"a\",\"%sx\") []", name);
	UNIT_CHECK(parse_text(text, &f, &err) == TOPK_FORM_SYNTAX &&
			   strcmp(err.detail, "The collation name must have 1 to 255 bytes.") == 0,
			   "a name of 256 bytes is refused");
	form_free(&f);

	topk_form_init(&f, counting_grow);
	UNIT_CHECK(!topk_form_set_collation(&f, "", "x") && !topk_form_set_collation(&f, "x", "") &&
			   !f.has_collation, "set_collation refuses empty names");
	name[254] = '\0';
	UNIT_CHECK(topk_form_set_collation(&f, name, "n") && f.has_collation &&
			   strcmp(f.coll_schema, name) == 0 && strcmp(f.coll_name, "n") == 0,
			   "set_collation takes 254 bytes");
	name[254] = 'x';
	strcat(name, "yy");
	UNIT_CHECK(!topk_form_set_collation(&f, "s", name), "set_collation refuses 257 bytes");
	form_free(&f);
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
		{"", "The text must start with the id type: bigint, text or uuid."},
		{"int k=3 []", "The text must start with the id type: bigint, text or uuid."},
		{"bigintk=3 []", "The text must start with the id type: bigint, text or uuid."},
		{"bigint", "Expected \"k=\" after the id type."},
		{"bigint k3 []", "Expected \"k=\" after the id type."},
		{"bigint k []", "Expected \"=\" after \"k\"."},
		{"bigint k=0 []", "k must be an integer between 1 and 2147483647."},
		{"bigint k=-1 []", "k must be an integer between 1 and 2147483647."},
		{"bigint k=2147483648 []", "k must be an integer between 1 and 2147483647."},
		{"bigint k=99999999999999999999 []", "k must be an integer between 1 and 2147483647."},
		{"bigint k=3", "Expected \"[\" before the entries."},
		{"bigint k=3 [", "Expected \"(\" at the start of entry 1."},
		{"bigint k=3 [(1,2)", "Expected \",\" or \"]\" after entry 1."},
		{"bigint k=3 [(1,2),]", "Expected \"(\" at the start of entry 2."},
		{"bigint k=3 [(abc,2)]", "Entry 1 has an invalid score \"abc\"."},
		{"bigint k=3 [(1e999,2)]", "Entry 1 has an invalid score \"1e999\"."},
		{"bigint k=3 [(1e-999,2)]", "Entry 1 has an invalid score \"1e-999\"."},
		{"bigint k=3 [(0x10,2)]", "Entry 1 has an invalid score \"0x10\"."},
		{"bigint k=3 [(nan1,2)]", "Entry 1 has an invalid score \"nan1\"."},
		{"bigint k=3 [(-nan,2)]", "Entry 1 has an invalid score \"-nan\"."},
		{"bigint k=3 [(,2)]", "Entry 1 has an invalid score \"\"."},
		{"bigint k=3 [(1 2)]", "Expected \",\" after the score of entry 1."},
		{"bigint k=3 [(1,2 3)]", "Expected \")\" after the id of entry 1."},
		{"bigint k=3 [(1,9223372036854775808)]", "Entry 1 has an invalid bigint id."},
		{"bigint k=3 [(1,\"2\")]", "Entry 1 has an invalid bigint id."},
		{"bigint k=1 [(1,2),(3,4)]", "There are more entries than k (1)."},
		{"bigint k=3 [(1,2)] x", "Unexpected text after \"]\"."},
		{"bigint k=3 [] []", "Unexpected text after \"]\"."},
		{"text k=3 [(1,abc)]", "Entry 1 has an invalid text id (it must be double-quoted, with \\\" and \\\\ escaped)."},
		{"text k=3 [(1,\"abc)]", "Entry 1 has an invalid text id (it must be double-quoted, with \\\" and \\\\ escaped)."},
		{"text k=3 [(1,\"abc\\", "Entry 1 has an invalid text id (it must be double-quoted, with \\\" and \\\\ escaped)."},
		{"text k=3 [(1,NULLx)]", "Entry 1 has an invalid text id (it must be double-quoted, with \\\" and \\\\ escaped)."},
		{"uuid k=3 [(1,not-a-uuid)]", "Entry 1 has an invalid uuid id."},
		{"uuid k=3 [(1,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1)]", "Entry 1 has an invalid uuid id."},
		{"uuid k=3 [(1,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111)]", "Entry 1 has an invalid uuid id."},
		{"uuid k=3 [(1,a0eebc999c0b-4ef8-bb6d-6bb9bd380a11)]", "Entry 1 has an invalid uuid id."},
		{"uuid k=3 [(1,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-)]", "Entry 1 has an invalid uuid id."},
		{"bigint k=3 collation=(\"a\",\"b\") []", "Only text ids have a collation."},
		{"uuid k=3 collation=(\"a\",\"b\") []", "Only text ids have a collation."},
		{"text k=3 collation (\"a\",\"b\") []", "Expected \"=\" after \"collation\"."},
		{"text k=3 collation=\"a\".\"b\" []", "Expected \"(\" after \"collation=\"."},
		{"text k=3 collation=(a,\"b\") []", "The collation schema must be double-quoted, with \\\" and \\\\ escaped."},
		{"text k=3 collation=(\"a\",b) []", "The collation name must be double-quoted, with \\\" and \\\\ escaped."},
		{"text k=3 collation=(\"a\",\"b) []", "The collation name must be double-quoted, with \\\" and \\\\ escaped."},
		{"text k=3 collation=(\"\",\"b\") []", "The collation schema must have 1 to 255 bytes."},
		{"text k=3 collation=(\"a\",\"\") []", "The collation name must have 1 to 255 bytes."},
		{"text k=3 collation=(\"a\" \"b\") []", "Expected \",\" after the collation schema."},
		{"text k=3 collation=(\"a\",\"b\",\"c\") []", "Expected \")\" after the collation name."},
		{"text k=3 collation=(\"a\",\"b\")", "Expected \"[\" before the entries."},
		{"text k=3 [] collation=(\"a\",\"b\")", "Unexpected text after \"]\"."},
		{"text k=3 collationx=(\"a\",\"b\") []", "Expected \"[\" before the entries."},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		TopkForm	f;
		TopkFormError err;
		char		name[200];
		TopkFormStatus st = parse_text(cases[i].text, &f, &err);

		snprintf(name, sizeof(name), "\"%s\": %s", cases[i].text, cases[i].detail);
		UNIT_CHECK(st == TOPK_FORM_SYNTAX && err.status == st &&
				   strcmp(err.detail, cases[i].detail) == 0, name);
		if (st != TOPK_FORM_SYNTAX || strcmp(err.detail, cases[i].detail) != 0)
			printf("#   got status %d, \"%s\"\n", (int) st, err.detail);
		form_free(&f);
	}
}

/* A long bad score is shown cut to 64 characters in the detail. */
static void
test_text_long_token(void)
{
	char		text[400];
	char		want[200];
	TopkForm	f;
	TopkFormError err;

	strcpy(text, "bigint k=1 [(");
	memset(text + 13, '9', 300);
	strcpy(text + 313, "x,1)]");
	snprintf(want, sizeof(want), "Entry 1 has an invalid score \"%.64s...\".", text + 13);
	UNIT_CHECK(parse_text(text, &f, &err) == TOPK_FORM_SYNTAX && strcmp(err.detail, want) == 0,
			   "a long invalid score is cut in the detail");
	form_free(&f);
	/* a long valid decimal is read whole */
	memset(text + 13, '0', 300);
	text[13 + 299] = '5';
	strcpy(text + 313, ",1)]");
	UNIT_CHECK(parse_text(text, &f, &err) == TOPK_FORM_OK && f.entries[0].score == 5.0,
			   "a 300-digit score is read whole");
	form_free(&f);
}

/* The binary form written by the core matches bytes written by hand. */
static void
test_binary_bytes(void)
{
	static const struct
	{
		const char *text;
		const char *hex;
	}			cases[] = {
		/* version 1, bigint, k 2, count 2; (NaN, NULL); (1.5, 5) */
		{"bigint k=2 [(1.5,5),(NaN,NULL)]",
		"010100000002000000027ff8000000000000013ff8000000000000000000000000000005"},
		/* text, k 3, count 2; (1, "ab"); (-0, "") */
		{"text k=3 [(1,\"ab\"),(-0,\"\")]",
		"0102000000030000000" "23ff000000000000000000000026162" "800000000000000000" "00000000"},
		/* uuid, k 1: (-Infinity, 00010203-...) */
		{"uuid k=1 [(-Infinity,00010203-0405-0607-0809-0a0b0c0d0e0f)]",
		"01030000000100000001fff00000000000000000010203040506070809" "0a0b0c0d0e0f"},
		{"bigint k=1 []", "01010000000100000000"},
		/* version 2, text, k 2, count 1, collation ("pg", "C"); (1, "a") */
		{"text k=2 collation=(\"pg\",\"C\") [(1,\"a\")]",
		"020200000002000000010000000270670000000143" "3ff0000000000000" "00" "0000000161"},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		TopkForm	f;
		TopkFormError err;
		unsigned char want[256];
		unsigned char got[256];
		size_t		n = unit_unhex(cases[i].hex, want);
		size_t		m = 0;
		char		name[160];

		if (parse_text(cases[i].text, &f, &err) == TOPK_FORM_OK)
		{
			topk_form_sort(&f);
			UNIT_CHECK(topk_binary_size(&f) == n, "binary size is exact");
			m = topk_format_binary(&f, got);
		}
		snprintf(name, sizeof(name), "binary form of %s", cases[i].text);
		UNIT_CHECK(m == n && memcmp(got, want, n) == 0, name);
		form_free(&f);
	}
}

/* Parse binary data given in hex into f (fresh). */
static TopkFormStatus
parse_hex(const char *hex, TopkForm *f, TopkFormError *err)
{
	unsigned char buf[512];
	size_t		n = unit_unhex(hex, buf);

	topk_form_init(f, counting_grow);
	return topk_parse_binary(buf, n, f, err);
}

/* Every rejected binary input: the status and the detail. */
static void
test_binary_errors(void)
{
	static const struct
	{
		const char *hex;
		TopkFormStatus status;
		const char *detail;
	}			cases[] = {
		{"", TOPK_FORM_SHORT, "The data ends early."},
		{"0101000000", TOPK_FORM_SHORT, "The data ends early."},
		{"03010000000200000000", TOPK_FORM_BINARY, "Unsupported format version 3."},
		{"00020000000200000000", TOPK_FORM_BINARY, "Unsupported format version 0."},
		{"02010000000200000000", TOPK_FORM_BINARY, "Format version 2 is for text ids only."},
		{"02030000000200000000", TOPK_FORM_BINARY, "Format version 2 is for text ids only."},
		/* version 2 text: schema "s", name "n" (int32 length + bytes each) */
		{"0202000000020000000000000001730000000000", TOPK_FORM_BINARY, "The collation name must have 1 to 255 bytes."},
		{"020200000002000000000000000073", TOPK_FORM_BINARY, "The collation schema must have 1 to 255 bytes."},
		{"0202000000020000000000000100", TOPK_FORM_BINARY, "The collation schema must have 1 to 255 bytes."},
		{"02020000000200000000000000017300000002", TOPK_FORM_SHORT, "The data ends early."},
		{"020200000002000000000000000173000000", TOPK_FORM_SHORT, "The data ends early."},
		{"02020000000200000000000000027300", TOPK_FORM_BINARY, "The collation schema contains a zero byte."},
		{"020200000002000000000000000173000000026e00", TOPK_FORM_BINARY, "The collation name contains a zero byte."},
		{"020200000002000000000000000173000000016e00", TOPK_FORM_BINARY, "There are extra bytes after the last entry."},
		{"020200000002000000010000000173000000016e", TOPK_FORM_BINARY, "The message is shorter than its entry count says."},
		{"01090000000200000000", TOPK_FORM_BINARY, "Unknown id type 9."},
		{"01000000000200000000", TOPK_FORM_BINARY, "Unknown id type 0."},
		{"01010000000000000000", TOPK_FORM_BINARY, "k must be between 1 and 2147483647, not 0."},
		{"0101ffffffff00000000", TOPK_FORM_BINARY, "k must be between 1 and 2147483647, not -1."},
		{"010180000000ffffffff", TOPK_FORM_BINARY, "k must be between 1 and 2147483647, not -2147483648."},
		{"0101000000027fffffff", TOPK_FORM_BINARY, "The entry count 2147483647 is not between 0 and k (2)."},
		{"010100000002ffffffff", TOPK_FORM_BINARY, "The entry count -1 is not between 0 and k (2)."},
		{"01010000000200000003", TOPK_FORM_BINARY, "The entry count 3 is not between 0 and k (2)."},
		{"0101000000020000000100", TOPK_FORM_BINARY, "The message is shorter than its entry count says."},
		{"010100000002000000013ff000000000000002", TOPK_FORM_BINARY, "An entry has an invalid NULL flag."},
		{"010100000002000000013ff0000000000000000000", TOPK_FORM_SHORT, "The data ends early."},
		{"010200000002000000013ff000000000000000ffffffff", TOPK_FORM_BINARY, "A text id has an invalid length."},
		{"010200000002000000013ff00000000000000000000005616263", TOPK_FORM_BINARY, "A text id has an invalid length."},
		{"010200000002000000013ff000000000000000000000", TOPK_FORM_SHORT, "The data ends early."},
		{"010300000002000000013ff00000000000000000010203040506070809", TOPK_FORM_SHORT, "The data ends early."},
		{"010100000002000000013ff00000000000000000000000000000000500", TOPK_FORM_BINARY, "There are extra bytes after the last entry."},
		{"0101000000020000000000", TOPK_FORM_BINARY, "There are extra bytes after the last entry."},
		{"010200000002000000013ff00000000000000000000003610062", TOPK_FORM_BINARY, "A text id contains a zero byte."},
		{"010200000002000000013ff0000000000000000000000100", TOPK_FORM_BINARY, "A text id contains a zero byte."},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		TopkForm	f;
		TopkFormError err;
		char		name[200];
		TopkFormStatus st = parse_hex(cases[i].hex, &f, &err);

		snprintf(name, sizeof(name), "binary %s: %s", cases[i].hex, cases[i].detail);
		UNIT_CHECK(st == cases[i].status && err.status == st &&
				   strcmp(err.detail, cases[i].detail) == 0, name);
		if (st != cases[i].status || strcmp(err.detail, cases[i].detail) != 0)
			printf("#   got status %d, \"%s\"\n", (int) st, err.detail);
		form_free(&f);
	}
}

/* Binary round trips: what recv accepts, send writes back the same. */
static void
test_binary_round_trip(void)
{
	TopkForm	f;
	TopkFormError err;
	unsigned char in[64];
	unsigned char out[64];
	size_t		n = unit_unhex("010200000005000000023ff00000000000000000000003" "61ff62" "0000000000000000" "01", in);
	size_t		m;

	topk_form_init(&f, counting_grow);
	UNIT_CHECK(topk_parse_binary(in, n, &f, &err) == TOPK_FORM_OK && f.count == 2 &&
			   f.entries[0].len == 3 && memcmp(f.area + f.entries[0].id, "a\xff" "b", 3) == 0,
			   "binary text ids are bytes (encoding is the glue's job)");
	m = topk_format_binary(&f, out);
	UNIT_CHECK(m == n && memcmp(in, out, n) == 0, "binary form round-trips in entry order");
	form_free(&f);

	/* version 2: the collation comes back byte for byte */
	n = unit_unhex("0202000000050000000100000002706700000001433ff0000000000000000000000161", in);
	topk_form_init(&f, counting_grow);
	UNIT_CHECK(topk_parse_binary(in, n, &f, &err) == TOPK_FORM_OK && f.has_collation &&
			   strcmp(f.coll_schema, "pg") == 0 && strcmp(f.coll_name, "C") == 0,
			   "version 2 binary names the collation");
	m = topk_format_binary(&f, out);
	UNIT_CHECK(m == n && memcmp(in, out, n) == 0, "version 2 binary round-trips");
	form_free(&f);
}

/*
 * Memory follows the input: a declared k or count allocates nothing by
 * itself, and an allocator that refuses gives TOPK_FORM_NOMEM.
 */
static void
test_memory_bounds(void)
{
	TopkForm	f;
	TopkFormError err;
	char		text[4096];
	int			i;
	size_t		len;

	grow_calls = grow_largest = 0;
	UNIT_CHECK(parse_hex("0101009896800098968000", &f, &err) == TOPK_FORM_BINARY && grow_calls == 0,
			   "count = k = 10,000,000 in 11 bytes: rejected before any allocation");
	form_free(&f);
	grow_calls = grow_largest = 0;
	UNIT_CHECK(parse_hex("01017fffffff7fffffff00", &f, &err) == TOPK_FORM_BINARY && grow_calls == 0,
			   "count = k = 2^31-1 in 11 bytes: rejected before any allocation");
	form_free(&f);
	grow_calls = grow_largest = 0;
	UNIT_CHECK(parse_text("bigint k=10000000 [(1,1),(2,2),(3,3)]", &f, &err) == TOPK_FORM_OK &&
			   grow_largest <= 64 * sizeof(TopkEntry), "k = 10,000,000 with 3 entries: 64 slots at most");
	form_free(&f);
	grow_calls = grow_largest = 0;
	UNIT_CHECK(parse_text("text k=2147483647 [(1,\"a\"),(2,NULL)]", &f, &err) == TOPK_FORM_OK &&
			   grow_largest <= 64 * sizeof(TopkEntry), "k = 2^31-1 with 2 entries: 64 slots at most");
	form_free(&f);

	/* 150 entries: slots 64 -> 128 -> 150 (k), never more than k */
	len = (size_t) sprintf(text, "bigint k=150 [");
	for (i = 0; i < 150; i++)
		len += (size_t) sprintf(text + len, "%s(%d,%d)", i ? "," : "", i, i);
	strcpy(text + len, "]");
	grow_largest = 0;
	UNIT_CHECK(parse_text(text, &f, &err) == TOPK_FORM_OK && f.count == 150 && f.alloc == 150 &&
			   grow_largest == 150 * sizeof(TopkEntry), "entry slots grow to k, not beyond");
	form_free(&f);

	grow_limit = 100;
	UNIT_CHECK(parse_text("bigint k=5 [(1,1)]", &f, &err) == TOPK_FORM_NOMEM &&
			   strcmp(err.detail, "Out of memory.") == 0, "a refusing allocator: NOMEM");
	form_free(&f);
	UNIT_CHECK(parse_hex("0101000000050000000100000000000000000100", &f, &err) == TOPK_FORM_NOMEM,
			   "a refusing allocator: NOMEM (binary)");
	form_free(&f);
	grow_limit = SIZE_MAX;
}

/* The text size bound holds on every canonical form written here. */
static void
test_text_size_bound(void)
{
	static const char *texts[] = {
		"bigint k=3 [(-1.7976931348623157e308,-9223372036854775808),(2.2250738585072014e-308,NULL)]",
		"text k=2 [(NaN,\"\\\"\\\"\\\"\\\\\"),(-Infinity,NULL)]",
		"uuid k=10000000 [(-4.9406564584124654e-324,00010203-0405-0607-0809-0a0b0c0d0e0f)]",
		"text k=1 collation=(\"\\\"\\\"\\\\\",\"\\\\\\\\\") []",
	};
	size_t		i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
	{
		TopkForm	f;
		TopkFormError err;
		char	   *out;

		if (parse_text(texts[i], &f, &err) != TOPK_FORM_OK)
		{
			UNIT_CHECK(0, "size bound input parses");
			continue;
		}
		out = canonical_text(&f);
		UNIT_CHECK(strlen(out) < topk_text_size(&f), "text size bound holds");
		free(out);
		form_free(&f);
	}
}

int
main(void)
{
	test_text_valid();
	test_text_canonical();
	test_text_collation();
	test_text_errors();
	test_text_long_token();
	test_binary_bytes();
	test_binary_errors();
	test_binary_round_trip();
	test_memory_bounds();
	test_text_size_bound();
	return unit_done();
}
