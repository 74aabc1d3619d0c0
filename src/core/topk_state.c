/*
 * topk_state.c - the forms of a top-k state: the collector the parsers
 * fill, the canonical order, the formatters (see topk_state.h).  The text
 * parser is in topk_state_text.c, the binary parser here.
 */
#include "topk_state.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topk_state_int.h"

/* Entry slots of a form the parsers start to fill. */
#define TOPK_FORM_INITIAL_SLOTS 64

/* The SQL name of an id type tag (for messages and the text form). */
const char *
topk_idtype_name(int idtype)
{
	switch (idtype)
	{
		case TOPK_IDTYPE_BIGINT:
			return "bigint";
		case TOPK_IDTYPE_TEXT:
			return "text";
		case TOPK_IDTYPE_UUID:
			return "uuid";
	}
	return "unknown";
}

/* An empty form whose arrays the parsers will grow with `grow`. */
void
topk_form_init(TopkForm *f, TopkGrowFn grow)
{
	memset(f, 0, sizeof(*f));
	f->grow = grow;
}

/*
 * Name the collation of a form's text ids (schema and name, each 1 to
 * TOPK_NAME_MAX bytes); 0 if either is empty or too long.
 */
int
topk_form_set_collation(TopkForm *f, const char *schema, const char *name)
{
	size_t		ls = strlen(schema);
	size_t		ln = strlen(name);

	if (ls == 0 || ln == 0 || ls > TOPK_NAME_MAX || ln > TOPK_NAME_MAX)
		return 0;
	memcpy(f->coll_schema, schema, ls + 1);
	memcpy(f->coll_name, name, ln + 1);
	f->has_collation = 1;
	return 1;
}

/* Record an error with a printf-style detail; returns its status. */
TopkFormStatus
topk_form_fail(TopkFormError *err, TopkFormStatus status, const char *fmt,...)
{
	va_list		ap;

	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return status;
}

/* Start a form of this id type and k (both already checked). */
void
topk_form_start(TopkForm *f, int idtype, int32_t k)
{
	f->idtype = idtype;
	f->k = k;
	f->count = 0;
}

/* Make room for `bytes` more id bytes; 0 if the allocator refused. */
int
topk_form_reserve_bytes(TopkForm *f, size_t bytes)
{
	size_t		size;
	char	   *area;

	if (f->area_used + bytes <= f->area_size && f->area != NULL)
		return 1;
	size = f->area_size < 64 ? 64 : f->area_size;
	while (size < f->area_used + bytes)
		size *= 2;
	area = f->grow(f->area, size);
	if (area == NULL)
		return 0;
	f->area = area;
	f->area_size = size;
	return 1;
}

/*
 * A new entry slot at the end (the caller has checked count < k), or NULL
 * if the allocator refused.  The slots grow by doubling, never beyond k.
 */
static TopkEntry *
topk_form_slot(TopkForm *f)
{
	if (f->count == f->alloc)
	{
		int32_t		slots = f->alloc == 0 ? TOPK_FORM_INITIAL_SLOTS :
			(f->alloc > f->k / 2 ? f->k : f->alloc * 2);
		TopkEntry  *entries;

		if (slots > f->k)
			slots = f->k;
		entries = f->grow(f->entries, sizeof(TopkEntry) * (size_t) slots);
		if (entries == NULL)
			return NULL;
		f->entries = entries;
		f->alloc = slots;
	}
	return &f->entries[f->count++];
}

/*
 * Append an entry: score, NULL flag, and the id (ival for bigint, else
 * len bytes, copied into the id area).  The caller has checked count < k.
 * 0 if the allocator refused.
 */
int
topk_form_add(TopkForm *f, double score, int isnull, int64_t ival,
			  const char *bytes, size_t len)
{
	TopkEntry  *e;

	if (!isnull && f->idtype != TOPK_IDTYPE_BIGINT)
	{
		if (!topk_form_reserve_bytes(f, len))
			return 0;
		if (len > 0)
			memcpy(f->area + f->area_used, bytes, len);
		return topk_form_add_placed(f, score, len);
	}
	e = topk_form_slot(f);
	if (e == NULL)
		return 0;
	e->score = score;
	e->flags = isnull ? TOPK_ID_NULL : 0;
	e->len = 0;
	e->id = isnull ? 0 : (uint64_t) ival;
	return 1;
}

/*
 * Append an entry whose len id bytes the caller has already written at the
 * end of the id area (after topk_form_reserve_bytes).  0 if the allocator
 * refused.
 */
int
topk_form_add_placed(TopkForm *f, double score, size_t len)
{
	TopkEntry  *e = topk_form_slot(f);

	if (e == NULL)
		return 0;
	e->score = score;
	e->flags = 0;
	e->id = f->area_used;
	e->len = (uint32_t) len;
	f->area_used += len;
	return 1;
}

/*
 * The canonical order of a form's entries: bigint ids numerically, text
 * and uuid ids by their bytes (the C collation).  arg must outlive order.
 */
void
topk_form_order(const TopkForm *f, TopkOrder *order, TopkIdCmpArg *arg)
{
	arg->area = f->area;
	arg->collation = 0;
	order->arg = arg;
	order->id_cmp = f->idtype == TOPK_IDTYPE_BIGINT ?
		topk_cmp_id_int64 : topk_cmp_id_bytes;
}

/* Sort a form's entries best first in the canonical order (in place). */
void
topk_form_sort(TopkForm *f)
{
	TopkOrder	order;
	TopkIdCmpArg arg;

	topk_form_order(f, &order, &arg);
	topk_sort(f->entries, f->count, &order);
}

/* ---------------------------------------------------------------------
 * Binary form
 * --------------------------------------------------------------------- */

/* A cursor over untrusted binary data. */
typedef struct TopkReader
{
	const unsigned char *p;
	size_t		left;
} TopkReader;

/* Take n bytes; NULL if fewer are left. */
static const unsigned char *
topk_take(TopkReader *r, size_t n)
{
	const unsigned char *p = r->p;

	if (r->left < n)
		return NULL;
	r->p += n;
	r->left -= n;
	return p;
}

/* The big-endian unsigned integer of n bytes (n <= 8) at p. */
uint64_t
topk_get_uint(const unsigned char *p, size_t n)
{
	uint64_t	v = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Read a big-endian unsigned integer of n bytes (n <= 8) into *v. */
static int
topk_read_uint(TopkReader *r, size_t n, uint64_t *v)
{
	const unsigned char *p = topk_take(r, n);

	if (p == NULL)
		return 0;
	*v = topk_get_uint(p, n);
	return 1;
}

/*
 * Read one collation name of the binary form (int32 length + bytes, 1 to
 * TOPK_NAME_MAX bytes without a zero byte) into buf.
 */
static TopkFormStatus
topk_read_binary_name(TopkReader *r, char *buf, const char *what,
					  TopkFormError *err)
{
	uint64_t	len;
	const unsigned char *bytes;

	if (!topk_read_uint(r, 4, &len))
		return topk_form_fail(err, TOPK_FORM_SHORT, "The data ends early.");
	if (len < 1 || len > TOPK_NAME_MAX)
		return topk_form_fail(err, TOPK_FORM_BINARY,
							  "The collation %s must have 1 to %d bytes.", what, TOPK_NAME_MAX);
	bytes = topk_take(r, (size_t) len);
	if (bytes == NULL)
		return topk_form_fail(err, TOPK_FORM_SHORT, "The data ends early.");
	if (memchr(bytes, 0, (size_t) len) != NULL)
		return topk_form_fail(err, TOPK_FORM_BINARY, "The collation %s contains a zero byte.", what);
	memcpy(buf, bytes, (size_t) len);
	buf[len] = '\0';
	return TOPK_FORM_OK;
}

/*
 * The collation part of the binary form: version 2 has one, and only for
 * text ids; version 1 has none (text ids then mean the database default).
 */
static TopkFormStatus
topk_read_binary_collation(TopkReader *r, uint64_t version, uint64_t idtype,
						   TopkForm *f, TopkFormError *err)
{
	if (version != TOPK_BINARY_VERSION && version != TOPK_BINARY_VERSION_COLL)
		return topk_form_fail(err, TOPK_FORM_BINARY, "Unsupported format version %d.", (int) version);
	if (version == TOPK_BINARY_VERSION)
		return TOPK_FORM_OK;
	if (idtype != TOPK_IDTYPE_TEXT)
		return topk_form_fail(err, TOPK_FORM_BINARY,
							  "Format version 2 is for text ids only.");
	if (topk_read_binary_name(r, f->coll_schema, "schema", err) != TOPK_FORM_OK ||
		topk_read_binary_name(r, f->coll_name, "name", err) != TOPK_FORM_OK)
		return err->status;
	f->has_collation = 1;
	return TOPK_FORM_OK;
}

/* Read one entry of the binary form into f. */
static TopkFormStatus
topk_read_binary_entry(TopkReader *r, TopkForm *f, TopkFormError *err)
{
	uint64_t	bits,
				flag,
				word = 0;
	double		score;
	const unsigned char *id = NULL;
	size_t		len = 0;

	if (!topk_read_uint(r, 8, &bits) || !topk_read_uint(r, 1, &flag))
		return topk_form_fail(err, TOPK_FORM_SHORT, "The data ends early.");
	memcpy(&score, &bits, sizeof(score));
	if (flag > 1)
		return topk_form_fail(err, TOPK_FORM_BINARY, "An entry has an invalid NULL flag.");
	if (flag == 0 && f->idtype == TOPK_IDTYPE_BIGINT)
	{
		if (!topk_read_uint(r, 8, &word))
			return topk_form_fail(err, TOPK_FORM_SHORT, "The data ends early.");
	}
	else if (flag == 0)
	{
		len = TOPK_UUID_LEN;
		if (f->idtype == TOPK_IDTYPE_TEXT)
		{
			if (!topk_read_uint(r, 4, &word))
				return topk_form_fail(err, TOPK_FORM_SHORT, "The data ends early.");
			if (word > r->left)
				return topk_form_fail(err, TOPK_FORM_BINARY, "A text id has an invalid length.");
			len = (size_t) word;
		}
		id = topk_take(r, len);
		if (id == NULL)
			return topk_form_fail(err, TOPK_FORM_SHORT, "The data ends early.");
		/* no text value holds one, and the text form could not show it */
		if (f->idtype == TOPK_IDTYPE_TEXT && len > 0 && memchr(id, 0, len) != NULL)
			return topk_form_fail(err, TOPK_FORM_BINARY, "A text id contains a zero byte.");
	}
	if (!topk_form_add(f, score, flag == 1, (int64_t) word, (const char *) id, len))
		return topk_form_fail(err, TOPK_FORM_NOMEM, "Out of memory.");
	return TOPK_FORM_OK;
}

/*
 * Parse the binary form (untrusted): the version, id type, k and count are
 * checked before anything is allocated, the count also against the bytes
 * left (every entry takes at least 9), then every entry, and no byte may
 * follow the last one.  Text ids are bytes without a zero byte (as in any
 * text value): checking and converting their encoding is the caller's job.
 */
TopkFormStatus
topk_parse_binary(const unsigned char *data, size_t len, TopkForm *f,
				  TopkFormError *err)
{
	TopkReader	r = {data, len};
	uint64_t	version,
				idtype,
				k32,
				count32;
	int32_t		k,
				count;
	int32_t		i;

	memset(err, 0, sizeof(*err));
	if (!topk_read_uint(&r, 1, &version) || !topk_read_uint(&r, 1, &idtype) ||
		!topk_read_uint(&r, 4, &k32) || !topk_read_uint(&r, 4, &count32))
		return topk_form_fail(err, TOPK_FORM_SHORT, "The data ends early.");
	k = (int32_t) (uint32_t) k32;
	count = (int32_t) (uint32_t) count32;
	if (version != TOPK_BINARY_VERSION && version != TOPK_BINARY_VERSION_COLL)
		return topk_form_fail(err, TOPK_FORM_BINARY, "Unsupported format version %d.", (int) version);
	if (idtype < TOPK_IDTYPE_BIGINT || idtype > TOPK_IDTYPE_UUID)
		return topk_form_fail(err, TOPK_FORM_BINARY, "Unknown id type %d.", (int) idtype);
	if (k < 1)
		return topk_form_fail(err, TOPK_FORM_BINARY, "k must be between 1 and %d, not %d.",
							  (int) TOPK_MAX_K, (int) k);
	if (count < 0 || count > k)
		return topk_form_fail(err, TOPK_FORM_BINARY,
							  "The entry count %d is not between 0 and k (%d).",
							  (int) count, (int) k);
	if (topk_read_binary_collation(&r, version, idtype, f, err) != TOPK_FORM_OK)
		return err->status;
	if ((size_t) count * 9 > r.left)
		return topk_form_fail(err, TOPK_FORM_BINARY,
							  "The message is shorter than its entry count says.");
	topk_form_start(f, (int) idtype, k);
	for (i = 0; i < count; i++)
		if (topk_read_binary_entry(&r, f, err) != TOPK_FORM_OK)
			return err->status;
	if (r.left != 0)
		return topk_form_fail(err, TOPK_FORM_BINARY,
							  "There are extra bytes after the last entry.");
	return TOPK_FORM_OK;
}

/* Does a form name a collation (text ids; binary version 2)? */
static int
topk_form_names_collation(const TopkForm *f)
{
	return f->idtype == TOPK_IDTYPE_TEXT && f->has_collation;
}

/* Bytes of a form's binary form (exact). */
size_t
topk_binary_size(const TopkForm *f)
{
	size_t		size = 10;
	int32_t		i;

	if (topk_form_names_collation(f))
		size += 8 + strlen(f->coll_schema) + strlen(f->coll_name);
	for (i = 0; i < f->count; i++)
	{
		size += 9;
		if (f->entries[i].flags & TOPK_ID_NULL)
			continue;
		if (f->idtype == TOPK_IDTYPE_BIGINT)
			size += 8;
		else if (f->idtype == TOPK_IDTYPE_UUID)
			size += TOPK_UUID_LEN;
		else
			size += 4 + (size_t) f->entries[i].len;
	}
	return size;
}

/* Write v big-endian in n bytes at p; returns the end. */
unsigned char *
topk_put_uint(unsigned char *p, uint64_t v, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char) (v >> (8 * (n - 1 - i)));
	return p + n;
}

/* Write int32 length + len bytes at p; returns the end. */
static unsigned char *
topk_put_bytes(unsigned char *p, const char *bytes, size_t len)
{
	p = topk_put_uint(p, (uint32_t) len, 4);
	if (len > 0)
		memcpy(p, bytes, len);
	return p + len;
}

/*
 * Write the binary form of f, entries in their present order, into buf
 * (topk_binary_size bytes).  Returns the bytes written.
 */
size_t
topk_format_binary(const TopkForm *f, unsigned char *buf)
{
	unsigned char *p = buf;
	int32_t		i;

	p = topk_put_uint(p, topk_form_names_collation(f) ?
					  TOPK_BINARY_VERSION_COLL : TOPK_BINARY_VERSION, 1);
	p = topk_put_uint(p, (uint64_t) f->idtype, 1);
	p = topk_put_uint(p, (uint32_t) f->k, 4);
	p = topk_put_uint(p, (uint32_t) f->count, 4);
	if (topk_form_names_collation(f))
	{
		p = topk_put_bytes(p, f->coll_schema, strlen(f->coll_schema));
		p = topk_put_bytes(p, f->coll_name, strlen(f->coll_name));
	}
	for (i = 0; i < f->count; i++)
	{
		const TopkEntry *e = &f->entries[i];
		uint64_t	bits;

		memcpy(&bits, &e->score, sizeof(bits));
		p = topk_put_uint(p, bits, 8);
		p = topk_put_uint(p, (e->flags & TOPK_ID_NULL) ? 1 : 0, 1);
		if (e->flags & TOPK_ID_NULL)
			continue;
		if (f->idtype == TOPK_IDTYPE_BIGINT)
			p = topk_put_uint(p, e->id, 8);
		else if (f->idtype == TOPK_IDTYPE_TEXT)
			p = topk_put_bytes(p, topk_id_bytes(e, f->area), e->len);
		else
		{
			memcpy(p, topk_id_bytes(e, f->area), e->len);
			p += e->len;
		}
	}
	return (size_t) (p - buf);
}

/* ---------------------------------------------------------------------
 * Text output
 * --------------------------------------------------------------------- */

/* An upper bound of the bytes of f's text form, the final NUL included. */
size_t
topk_text_size(const TopkForm *f)
{
	size_t		size = 32;		/* "<idtype> k=<k> [" "]" and the NUL */
	int32_t		i;

	if (topk_form_names_collation(f))	/* ' collation=("s","n")' */
		size += 18 + 2 * (strlen(f->coll_schema) + strlen(f->coll_name));
	for (i = 0; i < f->count; i++)
	{
		size += 4 + TOPK_SCORE_CHARS;	/* "(" score "," ")" and a comma */
		if (f->entries[i].flags & TOPK_ID_NULL)
			size += 4;
		else if (f->idtype == TOPK_IDTYPE_BIGINT)
			size += 20;
		else if (f->idtype == TOPK_IDTYPE_UUID)
			size += 36;
		else
			size += 2 + 2 * (size_t) f->entries[i].len;
	}
	return size;
}

/* Write a uuid in canonical lower-case form; returns the end. */
static char *
topk_put_uuid(char *p, const unsigned char *u)
{
	static const char hex[] = "0123456789abcdef";
	int			i;

	for (i = 0; i < TOPK_UUID_LEN; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[u[i] >> 4];
		*p++ = hex[u[i] & 0xF];
	}
	return p;
}

/* Write a text id in double quotes, " and \ escaped; returns the end. */
static char *
topk_put_quoted(char *p, const char *s, uint32_t len)
{
	uint32_t	i;

	*p++ = '"';
	for (i = 0; i < len; i++)
	{
		if (s[i] == '"' || s[i] == '\\')
			*p++ = '\\';
		*p++ = s[i];
	}
	*p++ = '"';
	return p;
}

/* Write one entry as (score,id); returns the end. */
static char *
topk_put_entry(char *p, const TopkForm *f, const TopkEntry *e,
			   TopkScoreFormatter format_score)
{
	*p++ = '(';
	p += format_score(e->score, p);
	*p++ = ',';
	if (e->flags & TOPK_ID_NULL)
	{
		memcpy(p, "NULL", 4);
		p += 4;
	}
	else if (f->idtype == TOPK_IDTYPE_BIGINT)
		p += sprintf(p, "%" PRId64, (int64_t) e->id);
	else if (f->idtype == TOPK_IDTYPE_UUID)
		p = topk_put_uuid(p, (const unsigned char *) topk_id_bytes(e, f->area));
	else
		p = topk_put_quoted(p, topk_id_bytes(e, f->area), e->len);
	*p++ = ')';
	return p;
}

/*
 * Write the text form of f, entries in their present order, into buf
 * (topk_text_size bytes).  Returns the length, the NUL not counted.
 */
size_t
topk_format_text(const TopkForm *f, char *buf, TopkScoreFormatter format_score)
{
	char	   *p = buf;
	int32_t		i;

	p += sprintf(p, "%s k=%d ", topk_idtype_name(f->idtype), (int) f->k);
	if (topk_form_names_collation(f))
	{
		memcpy(p, "collation=(", 11);
		p = topk_put_quoted(p + 11, f->coll_schema, strlen(f->coll_schema));
		*p++ = ',';
		p = topk_put_quoted(p, f->coll_name, strlen(f->coll_name));
		memcpy(p, ") ", 2);
		p += 2;
	}
	*p++ = '[';
	for (i = 0; i < f->count; i++)
	{
		if (i > 0)
			*p++ = ',';
		p = topk_put_entry(p, f, &f->entries[i], format_score);
	}
	*p++ = ']';
	*p = '\0';
	return (size_t) (p - buf);
}

/*
 * The shortest decimal that strtod reads back to exactly score, in %g
 * style, with PostgreSQL's spellings of NaN, Infinity and -0 (the portable
 * reference formatter; the server passes its own ryu-based one, whose
 * choice of fixed or exponent notation may differ).
 */
int
topk_score_shortest(double score, char *buf)
{
	int			prec;
	int			len = 0;

	if (isnan(score))
		return sprintf(buf, "NaN");
	if (isinf(score))
		return sprintf(buf, score > 0 ? "Infinity" : "-Infinity");
	for (prec = 1; prec <= 17; prec++)
	{
		double		back;

		len = snprintf(buf, TOPK_SCORE_CHARS, "%.*g", prec, score);
		back = strtod(buf, NULL);
		if (back == score && signbit(back) == signbit(score))
			break;
	}
	return len;
}
