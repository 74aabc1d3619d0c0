/*
 * topk_state.h - the text and binary forms of a top-k state (plain C, no
 * PostgreSQL header): parsers of untrusted input and the formatters.
 *
 * A TopkForm is the portable content of an al.top_k_state: the id type, k
 * and the entries, whose text and uuid ids are bytes in an id area
 * (entry.id = offset, entry.len = length).  The parsers fill a TopkForm
 * through the caller's allocator, which grows the arrays as entries come,
 * so memory follows the size of the input, never a count or a k it claims.
 * The formatters write a TopkForm whose entries are in canonical order
 * (topk_form_sort) into a caller-owned buffer of the size they announce.
 *
 * Text form:   <idtype> k=<k> [collation=("<schema>","<name>")]
 *              [(<score>,<id>),...]
 * Binary form: int8 version, int8 id type, int32 k, int32 count, (version
 *              2, text ids) int32 length + schema, int32 length + name of
 *              the collation, then per entry float8 score, int8 isnull, and
 *              unless NULL the id: int64 / 16 bytes / int32 length + bytes;
 *              all big-endian.
 * Text ids are ordered by a collation, which a form names (schema and name,
 * since oids differ between servers); a form of text ids without one (text
 * or version 1 binary written before collations were recorded) means the
 * database default.  See doc/topk.md.
 */
#ifndef AL_CORE_TOPK_STATE_H
#define AL_CORE_TOPK_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "topk.h"

/* Id types: the tag in every state and in its binary form. */
#define TOPK_IDTYPE_BIGINT	1
#define TOPK_IDTYPE_TEXT	2
#define TOPK_IDTYPE_UUID	3

#define TOPK_UUID_LEN		16
/*
 * Binary format versions: 2 adds the collation of text ids; states without
 * one (bigint, uuid) are written as version 1, whose bytes are the same.
 */
#define TOPK_BINARY_VERSION 1
#define TOPK_BINARY_VERSION_COLL 2
/* Longest collation schema or name a form holds, in bytes. */
#define TOPK_NAME_MAX		255
/* Room for one formatted score (shortest round-trip double, NUL included). */
#define TOPK_SCORE_CHARS	32
/* Room for an error detail. */
#define TOPK_DETAIL_LEN		200

typedef enum TopkFormStatus
{
	TOPK_FORM_OK = 0,
	TOPK_FORM_SYNTAX,			/* malformed text */
	TOPK_FORM_BINARY,			/* malformed binary data */
	TOPK_FORM_SHORT,			/* binary data ends before its end */
	TOPK_FORM_NOMEM				/* the allocator returned NULL */
} TopkFormStatus;

/* Why input was rejected: the status and a sentence for the user. */
typedef struct TopkFormError
{
	TopkFormStatus status;
	char		detail[TOPK_DETAIL_LEN];
} TopkFormError;

/* realloc-like: grow ptr (NULL: a new block) to size bytes; NULL if refused. */
typedef void *(*TopkGrowFn) (void *ptr, size_t size);

/* Formats one score into buf (TOPK_SCORE_CHARS bytes); returns its length. */
typedef int (*TopkScoreFormatter) (double score, char *buf);

typedef struct TopkForm
{
	int			idtype;			/* TOPK_IDTYPE_* */
	int32_t		k;				/* 1 .. TOPK_MAX_K */
	int32_t		count;			/* entries */
	int32_t		alloc;			/* entry slots allocated (parsers) */
	TopkEntry  *entries;
	char	   *area;			/* id bytes of text and uuid ids */
	size_t		area_used;
	size_t		area_size;		/* bytes allocated (parsers) */
	TopkGrowFn	grow;			/* the parsers' allocator */
	int			has_collation;	/* text ids: the form names a collation */
	char		coll_schema[TOPK_NAME_MAX + 1];	/* its schema, NUL-terminated */
	char		coll_name[TOPK_NAME_MAX + 1];	/* its name, NUL-terminated */
} TopkForm;

extern const char *topk_idtype_name(int idtype);
extern void topk_form_init(TopkForm *f, TopkGrowFn grow);
extern int	topk_form_set_collation(TopkForm *f, const char *schema,
									const char *name);
extern TopkFormStatus topk_parse_text(const char *text, TopkForm *f,
									  TopkFormError *err);
extern TopkFormStatus topk_parse_binary(const unsigned char *data, size_t len,
										TopkForm *f, TopkFormError *err);
extern void topk_form_order(const TopkForm *f, TopkOrder *order,
							TopkIdCmpArg *arg);
extern void topk_form_sort(TopkForm *f);
extern size_t topk_text_size(const TopkForm *f);
extern size_t topk_format_text(const TopkForm *f, char *buf,
							   TopkScoreFormatter format_score);
extern size_t topk_binary_size(const TopkForm *f);
extern size_t topk_format_binary(const TopkForm *f, unsigned char *buf);
extern int	topk_score_shortest(double score, char *buf);

#endif							/* AL_CORE_TOPK_STATE_H */
