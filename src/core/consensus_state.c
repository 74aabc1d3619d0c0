/*
 * consensus_state.c - the text and binary forms of an al.consensus state
 * (see consensus_state.h): parsers of untrusted input (memory follows the
 * input, never a count it claims), the check of a state's values, and the
 * formatters.  The text parser uses the lexer of the top-k state forms
 * (white space, words, integers and number tokens, topk_state_text.c).
 */
#include "consensus_state.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "topk_state_int.h"

/* Sum slots of a text parse before the first growth. */
#define CONSENSUS_INITIAL_SLOTS 16

/*
 * The values of a state: 1 to max_classes classes, a positive row count,
 * and every sum finite and between 0 and the row count (a sum of rows'
 * probabilities, each in [0, 1]).  status: how to report a failure
 * (TOPK_FORM_SYNTAX for text, TOPK_FORM_BINARY for binary).
 */
TopkFormStatus
consensus_check_form(const ConsensusForm *f, int32_t max_classes,
					 TopkFormStatus status, TopkFormError *err)
{
	int32_t		i;

	if (f->classes < 1 || f->classes > max_classes)
		return topk_form_fail(err, status, "The class count %d is not between 1 and %d.",
							  (int) f->classes, (int) max_classes);
	if (f->rows < 1)
		return topk_form_fail(err, status, "The row count must be at least 1, not %lld.",
							  (long long) f->rows);
	for (i = 0; i < f->classes; i++)
		if (!(f->sums[i] >= 0.0 && f->sums[i] <= (double) f->rows))
			return topk_form_fail(err, status,
								  "Sum %d is not between 0 and the row count (%lld).",
								  (int) i + 1, (long long) f->rows);
	return TOPK_FORM_OK;
}

/* Append one sum to the form being parsed, growing its array by doubling. */
static int
consensus_add_sum(ConsensusForm *f, int32_t *slots, TopkGrowFn grow, double v)
{
	if (f->classes == *slots)
	{
		int32_t		n = *slots == 0 ? CONSENSUS_INITIAL_SLOTS : *slots * 2;
		double	   *sums = grow(f->sums, sizeof(double) * (size_t) n);

		if (sums == NULL)
			return 0;
		f->sums = sums;
		*slots = n;
	}
	f->sums[f->classes++] = v;
	return 1;
}

/* Read "rows=<count> sums=[" of the text form.  0 on error. */
static int
consensus_read_header(TopkParser *ps, ConsensusForm *f)
{
	topk_skip_ws(ps);
	if (!topk_accept_word(ps, "rows"))
		return topk_syntax(ps, "The text must start with \"rows=\".");
	if (!topk_expect(ps, '=', "after \"rows\""))
		return 0;
	topk_skip_ws(ps);
	if (!topk_parse_int64(ps, &f->rows))
		return topk_syntax(ps, "The row count must be an integer.");
	topk_skip_ws(ps);
	if (!topk_accept_word(ps, "sums"))
		return topk_syntax(ps, "Expected \"sums=\" after the row count.");
	return topk_expect(ps, '=', "after \"sums\"") &&
		topk_expect(ps, '[', "before the sums");
}

/*
 * Parse the text form (untrusted, NUL-terminated) into f, its sums
 * allocated through grow, and check its values.  More than max_classes
 * sums are refused as soon as they are seen.
 */
TopkFormStatus
consensus_parse_text(const char *text, int32_t max_classes, TopkGrowFn grow,
					 ConsensusForm *f, TopkFormError *err)
{
	TopkParser	ps = {text, NULL, err, 0};
	int32_t		slots = 0;
	double		v;

	memset(err, 0, sizeof(*err));
	memset(f, 0, sizeof(*f));
	if (!consensus_read_header(&ps, f))
		return err->status;
	for (;;)
	{
		ps.entry++;
		if (ps.entry > max_classes)
			return topk_form_fail(err, TOPK_FORM_SYNTAX, "There are more than %d sums.",
								  (int) max_classes);
		if (!topk_read_number(&ps, "Sum %d is not a number", &v))
			return err->status;
		if (!consensus_add_sum(f, &slots, grow, v))
			return topk_form_fail(err, TOPK_FORM_NOMEM, "Out of memory.");
		topk_skip_ws(&ps);
		if (*ps.p == ']')
			break;
		if (*ps.p != ',')
			return topk_form_fail(err, TOPK_FORM_SYNTAX, "Expected \",\" or \"]\" after sum %d.",
								  ps.entry);
		ps.p++;
	}
	ps.p++;
	topk_skip_ws(&ps);
	if (*ps.p != '\0')
		return topk_form_fail(err, TOPK_FORM_SYNTAX, "Unexpected text after \"]\".");
	return consensus_check_form(f, max_classes, TOPK_FORM_SYNTAX, err);
}

/*
 * Parse the binary form (untrusted) into f and check its values: the
 * version and class count first, the length against the class count
 * before anything is allocated (short: TOPK_FORM_SHORT; longer:
 * TOPK_FORM_BINARY).
 */
TopkFormStatus
consensus_parse_binary(const unsigned char *data, size_t len, int32_t max_classes,
					   TopkGrowFn grow, ConsensusForm *f, TopkFormError *err)
{
	uint64_t	version;
	int32_t		i;

	memset(err, 0, sizeof(*err));
	memset(f, 0, sizeof(*f));
	if (len < CONSENSUS_BINARY_HEADER)
		return topk_form_fail(err, TOPK_FORM_SHORT, "The data ends early.");
	version = topk_get_uint(data, 1);
	if (version != CONSENSUS_BINARY_VERSION)
		return topk_form_fail(err, TOPK_FORM_BINARY, "Unsupported format version %d.", (int) version);
	f->classes = (int32_t) (uint32_t) topk_get_uint(data + 1, 4);
	f->rows = (int64_t) topk_get_uint(data + 5, 8);
	if (f->classes < 1 || f->classes > max_classes)
		return topk_form_fail(err, TOPK_FORM_BINARY, "The class count %d is not between 1 and %d.",
							  (int) f->classes, (int) max_classes);
	if (len - CONSENSUS_BINARY_HEADER < 8 * (size_t) f->classes)
		return topk_form_fail(err, TOPK_FORM_SHORT, "The data ends early.");
	if (len - CONSENSUS_BINARY_HEADER > 8 * (size_t) f->classes)
		return topk_form_fail(err, TOPK_FORM_BINARY, "There are extra bytes after the last sum.");
	f->sums = grow(NULL, sizeof(double) * (size_t) f->classes);
	if (f->sums == NULL)
		return topk_form_fail(err, TOPK_FORM_NOMEM, "Out of memory.");
	for (i = 0; i < f->classes; i++)
	{
		uint64_t	bits = topk_get_uint(data + CONSENSUS_BINARY_HEADER + 8 * (size_t) i, 8);

		memcpy(&f->sums[i], &bits, sizeof(double));
	}
	return consensus_check_form(f, max_classes, TOPK_FORM_BINARY, err);
}

/* An upper bound of the bytes of the text form, the final NUL included. */
size_t
consensus_text_size(int32_t classes)
{
	/* "rows=" 20 digits " sums=[" "]" NUL, and per sum a value and a comma */
	return 40 + (size_t) classes * (TOPK_SCORE_CHARS + 1);
}

/*
 * Write the text form of f into buf (consensus_text_size bytes), each sum
 * by format_value (a shortest round-trip formatter).  Returns the length,
 * the NUL not counted.
 */
size_t
consensus_format_text(const ConsensusForm *f, char *buf, TopkScoreFormatter format_value)
{
	char	   *p = buf;
	int32_t		i;

	p += sprintf(p, "rows=%lld sums=[", (long long) f->rows);
	for (i = 0; i < f->classes; i++)
	{
		if (i > 0)
			*p++ = ',';
		p += format_value(f->sums[i], p);
	}
	*p++ = ']';
	*p = '\0';
	return (size_t) (p - buf);
}

/* Bytes of the binary form (exact). */
size_t
consensus_binary_size(int32_t classes)
{
	return CONSENSUS_BINARY_HEADER + 8 * (size_t) classes;
}

/* Write the binary form of f into buf (consensus_binary_size bytes). */
size_t
consensus_format_binary(const ConsensusForm *f, unsigned char *buf)
{
	unsigned char *p = buf;
	int32_t		i;

	p = topk_put_uint(p, CONSENSUS_BINARY_VERSION, 1);
	p = topk_put_uint(p, (uint32_t) f->classes, 4);
	p = topk_put_uint(p, (uint64_t) f->rows, 8);
	for (i = 0; i < f->classes; i++)
	{
		uint64_t	bits;

		memcpy(&bits, &f->sums[i], sizeof(bits));
		p = topk_put_uint(p, bits, 8);
	}
	return (size_t) (p - buf);
}
