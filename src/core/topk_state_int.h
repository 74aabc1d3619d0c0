/*
 * topk_state_int.h - what the parsers of state forms share (topk_state.c,
 * topk_state_text.c, and the lexer of topk_state_text.c with
 * consensus_state.c); not for the glue.
 */
#ifndef AL_CORE_TOPK_STATE_INT_H
#define AL_CORE_TOPK_STATE_INT_H

#include "topk_state.h"

#if defined(__GNUC__) || defined(__clang__)
#define TOPK_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TOPK_PRINTF(f, a)
#endif

/*
 * The text being parsed, the read position, where results go (the top-k
 * parser's form; NULL for others) and the 1-based number of the entry or
 * value being read, for messages.
 */
typedef struct TopkParser
{
	const char *p;
	TopkForm   *f;
	TopkFormError *err;
	int			entry;
} TopkParser;

/* A syntax error with a printf-style detail; returns 0 for the callers. */
#define topk_syntax(ps, ...) \
	(topk_form_fail((ps)->err, TOPK_FORM_SYNTAX, __VA_ARGS__), 0)

extern TopkFormStatus topk_form_fail(TopkFormError *err, TopkFormStatus status,
									 const char *fmt,...) TOPK_PRINTF(3, 4);
extern void topk_form_start(TopkForm *f, int idtype, int32_t k);
extern int	topk_form_reserve_bytes(TopkForm *f, size_t bytes);
extern int	topk_form_add(TopkForm *f, double score, int isnull, int64_t ival,
						  const char *bytes, size_t len);
extern int	topk_form_add_placed(TopkForm *f, double score, size_t len);

/* Big-endian integers of the binary forms (topk_state.c). */
extern uint64_t topk_get_uint(const unsigned char *p, size_t n);
extern unsigned char *topk_put_uint(unsigned char *p, uint64_t v, size_t n);

/* The lexer of the text forms (topk_state_text.c). */
extern void topk_skip_ws(TopkParser *ps);
extern int	topk_expect(TopkParser *ps, char c, const char *where);
extern int	topk_accept_word(TopkParser *ps, const char *w);
extern int	topk_parse_int64(TopkParser *ps, int64_t *v);
extern int	topk_parse_score(const char *tok, size_t n, double *v);
extern int	topk_read_number(TopkParser *ps, const char *what_fmt, double *v);

#endif							/* AL_CORE_TOPK_STATE_INT_H */
