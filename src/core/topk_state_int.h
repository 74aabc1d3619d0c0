/*
 * topk_state_int.h - what the two parsers of top-k state forms share
 * (topk_state.c, topk_state_text.c); not for the glue.
 */
#ifndef AL_CORE_TOPK_STATE_INT_H
#define AL_CORE_TOPK_STATE_INT_H

#include "topk_state.h"

#if defined(__GNUC__) || defined(__clang__)
#define TOPK_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TOPK_PRINTF(f, a)
#endif

extern TopkFormStatus topk_form_fail(TopkFormError *err, TopkFormStatus status,
									 const char *fmt,...) TOPK_PRINTF(3, 4);
extern void topk_form_start(TopkForm *f, int idtype, int32_t k);
extern int	topk_form_reserve_bytes(TopkForm *f, size_t bytes);
extern int	topk_form_add(TopkForm *f, double score, int isnull, int64_t ival,
						  const char *bytes, size_t len);
extern int	topk_form_add_placed(TopkForm *f, double score, size_t len);

#endif							/* AL_CORE_TOPK_STATE_INT_H */
