/*
 * consensus_state.h - the text and binary forms of an al.consensus state
 * (plain C, no PostgreSQL header): parsers of untrusted input, the check
 * of a state's values, the formatters.
 *
 * A state is the row count and, per class, the sum of the rows'
 * probabilities (al.consensus is their mean).  Its forms are exact and do
 * not depend on any setting (extra_float_digits, locale), so a state
 * shipped between servers as text (Citus does) or as binary combines to
 * the same bits as a serial run:
 *
 * Text form:   rows=<count> sums=[<sum>,...]   (shortest round-trip decimals)
 * Binary form: int8 version (1), int32 classes, int64 rows, float8 sums[classes],
 *              big-endian.
 *
 * Errors use the conventions of the top-k state forms (TopkFormStatus,
 * TopkFormError: a status and a detail sentence).  See doc/scores.md.
 */
#ifndef AL_CORE_CONSENSUS_STATE_H
#define AL_CORE_CONSENSUS_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "topk_state.h"

/* Binary format version written and accepted. */
#define CONSENSUS_BINARY_VERSION 1
/* Bytes of the binary form before the sums. */
#define CONSENSUS_BINARY_HEADER 13

/* The portable content of a state; sums has `classes` values. */
typedef struct ConsensusForm
{
	int32_t		classes;		/* 1 .. max_classes */
	int64_t		rows;			/* >= 1 */
	double	   *sums;			/* per class, each in [0, rows] */
} ConsensusForm;

extern TopkFormStatus consensus_check_form(const ConsensusForm *f, int32_t max_classes,
										   TopkFormStatus status, TopkFormError *err);
extern TopkFormStatus consensus_parse_text(const char *text, int32_t max_classes,
										   TopkGrowFn grow, ConsensusForm *f,
										   TopkFormError *err);
extern TopkFormStatus consensus_parse_binary(const unsigned char *data, size_t len,
											 int32_t max_classes, TopkGrowFn grow,
											 ConsensusForm *f, TopkFormError *err);
extern size_t consensus_text_size(int32_t classes);
extern size_t consensus_format_text(const ConsensusForm *f, char *buf,
									TopkScoreFormatter format_value);
extern size_t consensus_binary_size(int32_t classes);
extern size_t consensus_format_binary(const ConsensusForm *f, unsigned char *buf);

#endif							/* AL_CORE_CONSENSUS_STATE_H */
