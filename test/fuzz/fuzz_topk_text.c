/*
 * fuzz_topk_text.c - libFuzzer harness of the text parser of
 * al.top_k_state (src/core/topk_state_text.c), driven as
 * al_top_k_state_in drives it.
 *
 * Invariants: rejected input is a syntax error with a detail; accepted
 * input is a well-formed form (fuzz_check_form) whose canonical text is a
 * fixed point, and whose binary form parses back to the same canonical
 * text.
 */
#include "fuzz_topk.h"

/* libFuzzer's entry point: one input, checked against the invariants above. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = fuzz_cstring(data, size);
	TopkForm	f,
				b;
	TopkFormError err;
	TopkFormStatus st;
	char	   *canonical,
			   *from_binary;
	unsigned char *bin;
	size_t		len;

	topk_form_init(&f, fuzz_grow);
	st = topk_parse_text(text, &f, &err);
	if (st != TOPK_FORM_OK)
		fuzz_check_rejection(st, &err, 0);
	else
	{
		fuzz_check_form(&f);
		canonical = fuzz_topk_text_fixed_point(&f);
		bin = fuzz_topk_binary(&f, &len);
		topk_form_init(&b, fuzz_grow);
		FUZZ_CHECK(topk_parse_binary(bin, len, &b, &err) == TOPK_FORM_OK,
				   "binary form of accepted text parses");
		fuzz_check_form(&b);
		from_binary = fuzz_topk_text(&b);
		FUZZ_CHECK(strcmp(canonical, from_binary) == 0, "binary form keeps the state");
		free(from_binary);
		free(bin);
		free(canonical);
		fuzz_topk_free(&b);
	}
	fuzz_topk_free(&f);
	free(text);
	return 0;
}
