/*
 * fuzz_consensus.h - invariants of a parsed al.consensus state form,
 * shared by the two consensus harnesses (fuzz_consensus_text.c,
 * fuzz_consensus_binary.c).
 */
#ifndef AL_FUZZ_CONSENSUS_H
#define AL_FUZZ_CONSENSUS_H

#include "consensus_state.h"
#include "fuzz_topk.h"			/* fuzz_check_rejection: the same error conventions */

/* The class limit of al.probvec (AL_PROBVEC_MAX_CLASSES). */
#define FUZZ_MAX_CLASSES 32767

/*
 * An accepted form is valid (consensus_check_form accepts it again, every
 * sum finite in [0, rows]); a rejection has a known status and a detail.
 */
static inline void
fuzz_consensus_outcome(TopkFormStatus st, const ConsensusForm *f, const TopkFormError *err,
					   int binary)
{
	TopkFormError again;
	int32_t		i;

	if (st == TOPK_FORM_OK)
	{
		FUZZ_CHECK(consensus_check_form(f, FUZZ_MAX_CLASSES, TOPK_FORM_SYNTAX, &again) == TOPK_FORM_OK,
				   "accepted form is valid");
		for (i = 0; i < f->classes; i++)
			FUZZ_CHECK(f->sums[i] >= 0 && f->sums[i] <= (double) f->rows, "sum in range");
		return;
	}
	fuzz_check_rejection(st, err, binary);
}

/* The text form of an accepted form (malloc'd). */
static inline char *
fuzz_consensus_text(const ConsensusForm *f)
{
	size_t		size = consensus_text_size(f->classes);
	char	   *buf = malloc(size);

	FUZZ_CHECK(buf != NULL, "malloc");
	FUZZ_CHECK(consensus_format_text(f, buf, topk_score_shortest) < size, "text fits its bound");
	return buf;
}

/* The binary form of an accepted form (malloc'd), *len set. */
static inline unsigned char *
fuzz_consensus_binary(const ConsensusForm *f, size_t *len)
{
	unsigned char *buf = malloc(consensus_binary_size(f->classes));

	FUZZ_CHECK(buf != NULL, "malloc");
	*len = consensus_format_binary(f, buf);
	FUZZ_CHECK(*len == consensus_binary_size(f->classes), "binary size is exact");
	return buf;
}

/* Two forms hold the same state, bit for bit. */
static inline int
fuzz_consensus_same(const ConsensusForm *a, const ConsensusForm *b)
{
	return a->classes == b->classes && a->rows == b->rows &&
		memcmp(a->sums, b->sums, sizeof(double) * (size_t) a->classes) == 0;
}

#endif							/* AL_FUZZ_CONSENSUS_H */
