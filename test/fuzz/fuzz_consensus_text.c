/*
 * fuzz_consensus_text.c - libFuzzer harness of the text parser of
 * al.consensus_state (consensus_parse_text in src/core/consensus_state.c),
 * driven as consensus_state_in drives it.
 *
 * Invariants: rejected input is a syntax error with a detail; accepted
 * input is a valid state whose text form is a fixed point, parses back to
 * the same bits, and whose binary form parses back to the same bits too.
 */
#include "fuzz_consensus.h"

/* libFuzzer's entry point: one input, checked against the invariants above. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = fuzz_cstring(data, size);
	ConsensusForm f,
				g,
				b;
	TopkFormError err;
	TopkFormStatus st;

	st = consensus_parse_text(text, FUZZ_MAX_CLASSES, fuzz_grow, &f, &err);
	fuzz_consensus_outcome(st, &f, &err, 0);
	if (st == TOPK_FORM_OK)
	{
		char	   *canonical = fuzz_consensus_text(&f);
		char	   *again;
		unsigned char *bin;
		size_t		len;

		FUZZ_CHECK(consensus_parse_text(canonical, FUZZ_MAX_CLASSES, fuzz_grow, &g, &err) == TOPK_FORM_OK,
				   "canonical text parses");
		FUZZ_CHECK(fuzz_consensus_same(&f, &g), "canonical text keeps every bit");
		again = fuzz_consensus_text(&g);
		FUZZ_CHECK(strcmp(canonical, again) == 0, "canonical text is a fixed point");
		bin = fuzz_consensus_binary(&f, &len);
		FUZZ_CHECK(consensus_parse_binary(bin, len, FUZZ_MAX_CLASSES, fuzz_grow, &b, &err) == TOPK_FORM_OK,
				   "binary form of accepted text parses");
		FUZZ_CHECK(fuzz_consensus_same(&f, &b), "binary form keeps every bit");
		free(again);
		free(canonical);
		free(bin);
		free(g.sums);
		free(b.sums);
	}
	free(f.sums);
	free(text);
	return 0;
}
