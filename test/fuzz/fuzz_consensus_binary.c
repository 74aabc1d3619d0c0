/*
 * fuzz_consensus_binary.c - libFuzzer harness of the binary parser of
 * al.consensus_state (consensus_parse_binary in
 * src/core/consensus_state.c), driven as consensus_state_recv drives it.
 *
 * Invariants: rejected input is a binary or short-data error with a
 * detail; accepted input is a valid state that the binary writer writes
 * back byte for byte, and whose text form parses back to the same bits.
 */
#include "fuzz_consensus.h"

/* libFuzzer's entry point: one input, checked against the invariants above. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ConsensusForm f,
				t;
	TopkFormError err;
	TopkFormStatus st;

	st = consensus_parse_binary(data, size, FUZZ_MAX_CLASSES, fuzz_grow, &f, &err);
	fuzz_consensus_outcome(st, &f, &err, 1);
	if (st == TOPK_FORM_OK)
	{
		size_t		len;
		unsigned char *out = fuzz_consensus_binary(&f, &len);
		char	   *text = fuzz_consensus_text(&f);

		FUZZ_CHECK(len == size && memcmp(out, data, size) == 0,
				   "accepted binary input is written back byte for byte");
		FUZZ_CHECK(consensus_parse_text(text, FUZZ_MAX_CLASSES, fuzz_grow, &t, &err) == TOPK_FORM_OK,
				   "text form of accepted binary parses");
		FUZZ_CHECK(fuzz_consensus_same(&f, &t), "text form keeps every bit");
		free(out);
		free(text);
		free(t.sums);
	}
	free(f.sums);
	return 0;
}
