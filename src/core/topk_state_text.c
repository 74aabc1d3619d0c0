/*
 * topk_state_text.c - the parser of the text form of a top-k state
 * (untrusted input):
 *
 *	 <idtype> k=<k> [collation=("<schema>","<name>")] [(<score>,<id>),...]
 *
 * White space may stand between tokens; words are case-insensitive; scores
 * are NaN, [+-]Infinity/inf or decimal numbers in double's range; ids are
 * NULL, a decimal bigint, a uuid with or without its hyphens, or a
 * double-quoted text in which a backslash escapes any byte (so are the
 * collation's schema and name, text ids only).  Every error
 * says what is wrong in a detail sentence (see doc/topk.md).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topk_state_int.h"

/* Longest token quoted in an error detail. */
#define TOPK_TOKEN_SHOWN	64

/* White space as PostgreSQL's scanner understands it. */
static int
topk_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* ASCII digit (locale-independent). */
static int
topk_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII letter or digit (locale-independent). */
static int
topk_is_alnum(char c)
{
	return topk_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ASCII lower case of c. */
static char
topk_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

/* Do s and the lower-case word w match, ignoring case, over w's length? */
static int
topk_prefix_ci(const char *s, const char *w)
{
	for (; *w; s++, w++)
		if (topk_lower(*s) != *w)
			return 0;
	return 1;
}

/* Skip white space (shared with the consensus state's parser). */
void
topk_skip_ws(TopkParser *ps)
{
	while (topk_is_space(*ps->p))
		ps->p++;
}

/*
 * Consume the character c after white space, or fail saying what was
 * expected where ("after the id of entry 3" ...).
 */
int
topk_expect(TopkParser *ps, char c, const char *where)
{
	topk_skip_ws(ps);
	if (*ps->p != c)
		return topk_syntax(ps, "Expected \"%c\" %s.", c, where);
	ps->p++;
	return 1;
}

/* Like topk_expect, where the place names the current entry. */
static int
topk_expect_at(TopkParser *ps, char c, const char *where_fmt)
{
	char		where[64];

	snprintf(where, sizeof(where), where_fmt, ps->entry);
	return topk_expect(ps, c, where);
}

/*
 * Does the input continue with the lower-case word w, in any case and not
 * followed by a letter or digit?  Consume it if so.
 */
int
topk_accept_word(TopkParser *ps, const char *w)
{
	size_t		n = strlen(w);

	if (!topk_prefix_ci(ps->p, w) || topk_is_alnum(ps->p[n]))
		return 0;
	ps->p += n;
	return 1;
}

/* Parse an optionally signed decimal integer into *v; 0 on overflow. */
int
topk_parse_int64(TopkParser *ps, int64_t *v)
{
	int			neg = 0;
	int64_t		acc = 0;
	const char *start;

	if (*ps->p == '+' || *ps->p == '-')
		neg = *ps->p++ == '-';
	start = ps->p;
	while (topk_is_digit(*ps->p))
	{
		/* accumulate negatively so that INT64_MIN fits */
		if (__builtin_mul_overflow(acc, 10, &acc) ||
			__builtin_sub_overflow(acc, *ps->p - '0', &acc))
			return 0;
		ps->p++;
	}
	if (ps->p == start || (!neg && acc == INT64_MIN))
		return 0;
	*v = neg ? acc : -acc;
	return 1;
}

/* Is s[0..n) a plain decimal number: [+-]d[.d][e[+-]d]? */
static int
topk_is_decimal(const char *s, size_t n)
{
	const char *end = s + n;
	int			digits = 0;

	if (s < end && (*s == '+' || *s == '-'))
		s++;
	for (; s < end && topk_is_digit(*s); s++)
		digits++;
	if (s < end && *s == '.')
		for (s++; s < end && topk_is_digit(*s); s++)
			digits++;
	if (digits == 0)
		return 0;
	if (s < end && (*s == 'e' || *s == 'E'))
	{
		s++;
		if (s < end && (*s == '+' || *s == '-'))
			s++;
		if (s == end || !topk_is_digit(*s))
			return 0;
		while (s < end && topk_is_digit(*s))
			s++;
	}
	return s == end;
}

/* Is the token s[0..n) the lower-case word w, ignoring case? */
static int
topk_token_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && topk_prefix_ci(s, w);
}

/*
 * Parse a score token tok[0..n): NaN, [+-]Infinity/inf, or a decimal
 * number in the range of double precision (what float8in accepts, minus
 * hex forms).  The token ends at a character that cannot continue a
 * number, so strtod reads exactly the token.
 */
int
topk_parse_score(const char *tok, size_t n, double *v)
{
	const char *word = (n > 0 && (*tok == '+' || *tok == '-')) ? tok + 1 : tok;
	size_t		wn = n - (size_t) (word - tok);
	char	   *end;

	if (topk_token_is(tok, n, "nan"))
		*v = NAN;
	else if (topk_token_is(word, wn, "infinity") || topk_token_is(word, wn, "inf"))
		*v = *tok == '-' ? -INFINITY : INFINITY;
	else
	{
		if (!topk_is_decimal(tok, n))
			return 0;
		errno = 0;
		*v = strtod(tok, &end);
		if (end != tok + n || (errno == ERANGE && (*v == 0.0 || isinf(*v))))
			return 0;
	}
	return 1;
}

/*
 * Read a number token (see topk_parse_score) after white space into *v, or
 * fail with the detail what_fmt (naming ps->entry with its %d) followed by
 * the token, cut to TOPK_TOKEN_SHOWN characters.
 */
int
topk_read_number(TopkParser *ps, const char *what_fmt, double *v)
{
	const char *start;
	size_t		n;
	char		what[64];

	topk_skip_ws(ps);
	start = ps->p;
	while (topk_is_alnum(*ps->p) || *ps->p == '.' || *ps->p == '+' || *ps->p == '-')
		ps->p++;
	n = (size_t) (ps->p - start);
	if (topk_parse_score(start, n, v))
		return 1;
	snprintf(what, sizeof(what), what_fmt, ps->entry);
	return topk_syntax(ps, "%s \"%.*s%s\".", what,
					   (int) (n > TOPK_TOKEN_SHOWN ? TOPK_TOKEN_SHOWN : n), start,
					   n > TOPK_TOKEN_SHOWN ? "..." : "");
}

/* Read the score of the current entry. */
static int
topk_read_score(TopkParser *ps, double *v)
{
	return topk_read_number(ps, "Entry %d has an invalid score", v);
}

/* Value of a hex digit, or -1. */
static int
topk_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse a uuid, 32 hex digits with or without the canonical hyphens. */
static int
topk_parse_uuid(TopkParser *ps, unsigned char *u)
{
	int			hyphens = strnlen(ps->p, 9) == 9 && ps->p[8] == '-';
	int			i;

	for (i = 0; i < TOPK_UUID_LEN; i++)
	{
		int			hi,
					lo;

		if (hyphens && (i == 4 || i == 6 || i == 8 || i == 10))
		{
			if (*ps->p != '-')
				return 0;
			ps->p++;
		}
		hi = topk_hex(ps->p[0]);
		if (hi < 0)
			return 0;
		lo = topk_hex(ps->p[1]);
		if (lo < 0)
			return 0;
		u[i] = (unsigned char) (hi << 4 | lo);
		ps->p += 2;
	}
	return !topk_is_alnum(*ps->p) && *ps->p != '-';
}

/*
 * The unescaped length of the double-quoted text at p (p[0] is '"'), or -1
 * if it is not closed.
 */
static long
topk_quoted_length(const char *p)
{
	long		n = 0;

	for (p++; *p != '"'; p++, n++)
	{
		if (*p == '\\')
			p++;
		if (*p == '\0')
			return -1;
	}
	return n;
}

/*
 * Copy the double-quoted text at ps->p (closed: topk_quoted_length said
 * so) to dst, undoing backslash escapes, and move past it.  Returns the
 * bytes written.
 */
static size_t
topk_unquote(TopkParser *ps, char *dst)
{
	char	   *start = dst;

	for (ps->p++; *ps->p != '"'; ps->p++)
	{
		if (*ps->p == '\\')
			ps->p++;
		*dst++ = *ps->p;
	}
	ps->p++;
	return (size_t) (dst - start);
}

/*
 * Read a double-quoted text id, undoing backslash escapes, straight into
 * the id area, and add the entry.  0 on error.
 */
static int
topk_read_quoted(TopkParser *ps, double score)
{
	long		len = *ps->p == '"' ? topk_quoted_length(ps->p) : -1;
	char	   *dst;

	if (len < 0)
		return topk_syntax(ps, "Entry %d has an invalid text id (it must be double-quoted, with \\\" and \\\\ escaped).",
						   ps->entry);
	if (!topk_form_reserve_bytes(ps->f, (size_t) len))
		return topk_form_fail(ps->err, TOPK_FORM_NOMEM, "Out of memory."), 0;
	dst = ps->f->area + ps->f->area_used;
	topk_unquote(ps, dst);
	if (!topk_form_add_placed(ps->f, score, (size_t) len))
		return topk_form_fail(ps->err, TOPK_FORM_NOMEM, "Out of memory."), 0;
	return 1;
}

/* Read the id of the current entry and add the entry.  0 on error. */
static int
topk_read_id(TopkParser *ps, double score)
{
	TopkForm   *f = ps->f;
	int64_t		ival = 0;
	unsigned char u[TOPK_UUID_LEN];
	int			ok;

	topk_skip_ws(ps);
	if (f->count >= f->k)
		return topk_syntax(ps, "There are more entries than k (%d).", (int) f->k);
	if (topk_accept_word(ps, "null"))
		ok = topk_form_add(f, score, 1, 0, NULL, 0);
	else if (f->idtype == TOPK_IDTYPE_BIGINT)
	{
		if (!topk_parse_int64(ps, &ival))
			return topk_syntax(ps, "Entry %d has an invalid bigint id.", ps->entry);
		ok = topk_form_add(f, score, 0, ival, NULL, 0);
	}
	else if (f->idtype == TOPK_IDTYPE_UUID)
	{
		if (!topk_parse_uuid(ps, u))
			return topk_syntax(ps, "Entry %d has an invalid uuid id.", ps->entry);
		ok = topk_form_add(f, score, 0, 0, (const char *) u, TOPK_UUID_LEN);
	}
	else
		return topk_read_quoted(ps, score);
	if (!ok)
		return topk_form_fail(ps->err, TOPK_FORM_NOMEM, "Out of memory."), 0;
	return 1;
}

/*
 * Read one double-quoted collation schema or name (1 to TOPK_NAME_MAX
 * bytes, backslash escapes undone) into buf.  0 on error.
 */
static int
topk_read_name(TopkParser *ps, char *buf, const char *what)
{
	long		len;

	topk_skip_ws(ps);
	len = *ps->p == '"' ? topk_quoted_length(ps->p) : -1;
	if (len < 0)
		return topk_syntax(ps, "The collation %s must be double-quoted, with \\\" and \\\\ escaped.", what);
	if (len < 1 || len > TOPK_NAME_MAX)
		return topk_syntax(ps, "The collation %s must have 1 to %d bytes.", what, TOPK_NAME_MAX);
	buf[topk_unquote(ps, buf)] = '\0';
	return 1;
}

/*
 * Read the optional collation=("<schema>","<name>") of text ids.  0 on
 * error.
 */
static int
topk_read_collation(TopkParser *ps)
{
	topk_skip_ws(ps);
	if (!topk_accept_word(ps, "collation"))
		return 1;
	if (ps->f->idtype != TOPK_IDTYPE_TEXT)
		return topk_syntax(ps, "Only text ids have a collation.");
	if (!topk_expect(ps, '=', "after \"collation\"") ||
		!topk_expect(ps, '(', "after \"collation=\"") ||
		!topk_read_name(ps, ps->f->coll_schema, "schema") ||
		!topk_expect(ps, ',', "after the collation schema") ||
		!topk_read_name(ps, ps->f->coll_name, "name") ||
		!topk_expect(ps, ')', "after the collation name"))
		return 0;
	ps->f->has_collation = 1;
	return 1;
}

/* Read "<idtype> k=<k>" and start the form.  0 on error. */
static int
topk_read_header(TopkParser *ps)
{
	int			idtype;
	int64_t		k;

	topk_skip_ws(ps);
	if (topk_accept_word(ps, "bigint"))
		idtype = TOPK_IDTYPE_BIGINT;
	else if (topk_accept_word(ps, "text"))
		idtype = TOPK_IDTYPE_TEXT;
	else if (topk_accept_word(ps, "uuid"))
		idtype = TOPK_IDTYPE_UUID;
	else
		return topk_syntax(ps, "The text must start with the id type: bigint, text or uuid.");
	topk_skip_ws(ps);
	if (!topk_accept_word(ps, "k"))
		return topk_syntax(ps, "Expected \"k=\" after the id type.");
	if (!topk_expect(ps, '=', "after \"k\""))
		return 0;
	topk_skip_ws(ps);
	if (!topk_parse_int64(ps, &k) || k < 1 || k > TOPK_MAX_K)
		return topk_syntax(ps, "k must be an integer between 1 and %d.", (int) TOPK_MAX_K);
	topk_form_start(ps->f, idtype, (int32_t) k);
	return 1;
}

/* Read one "(score,id)" entry.  0 on error. */
static int
topk_read_entry(TopkParser *ps)
{
	double		score;

	ps->entry++;
	return topk_expect_at(ps, '(', "at the start of entry %d") &&
		topk_read_score(ps, &score) &&
		topk_expect_at(ps, ',', "after the score of entry %d") &&
		topk_read_id(ps, score) &&
		topk_expect_at(ps, ')', "after the id of entry %d");
}

/* Read "[" entries "]".  0 on error. */
static int
topk_read_entries(TopkParser *ps)
{
	if (!topk_expect(ps, '[', "before the entries"))
		return 0;
	topk_skip_ws(ps);
	if (*ps->p == ']')
	{
		ps->p++;
		return 1;
	}
	for (;;)
	{
		if (!topk_read_entry(ps))
			return 0;
		topk_skip_ws(ps);
		if (*ps->p == ']')
		{
			ps->p++;
			return 1;
		}
		if (!topk_expect_at(ps, ',', "or \"]\" after entry %d"))
			return 0;
	}
}

/*
 * Parse the text form (untrusted, NUL-terminated) into f, entries in the
 * order given (the caller re-establishes any order it needs).  Text ids
 * are taken as bytes: checking their encoding is the caller's job.
 */
TopkFormStatus
topk_parse_text(const char *text, TopkForm *f, TopkFormError *err)
{
	TopkParser	ps = {text, f, err, 0};

	memset(err, 0, sizeof(*err));
	if (!topk_read_header(&ps) || !topk_read_collation(&ps) ||
		!topk_read_entries(&ps))
		return err->status;
	topk_skip_ws(&ps);
	if (*ps.p != '\0')
		return topk_form_fail(err, TOPK_FORM_SYNTAX, "Unexpected text after \"]\".");
	return TOPK_FORM_OK;
}
