/*
 * fuzz_topk_binary.c - libFuzzer harness of the binary parser of
 * al.top_k_state (topk_parse_binary in src/core/topk_state.c), driven as
 * al_top_k_state_recv drives it.
 *
 * Invariants: rejected input is a binary or short-data error with a
 * detail; accepted input is a well-formed form that the binary writer
 * writes back byte for byte (entries in the order read), and whose
 * canonical text is a fixed point that parses back to the same binary form
 * (NaN scores aside: see canonical_nans).
 */
#include <math.h>

#include "fuzz_topk.h"

/*
 * Give every NaN score the bits of the NaN that text input reads (the
 * text form, like float8out, writes any NaN as "NaN": its sign and payload
 * do not survive, and nothing but the binary form can tell them apart),
 * then re-sort.
 */
static void
canonical_nans(TopkForm *f)
{
	int32_t		i;

	for (i = 0; i < f->count; i++)
		if (isnan(f->entries[i].score))
			f->entries[i].score = NAN;
	topk_form_sort(f);
}

/* libFuzzer's entry point: one input, checked against the invariants above. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TopkForm	f,
				t;
	TopkFormError err;
	TopkFormStatus st;
	unsigned char *out,
			   *sorted,
			   *from_text;
	size_t		len,
				sorted_len,
				text_len;
	char	   *canonical;

	topk_form_init(&f, fuzz_grow);
	st = topk_parse_binary(data, size, &f, &err);
	if (st != TOPK_FORM_OK)
		fuzz_check_rejection(st, &err, 1);
	else
	{
		fuzz_check_form(&f);
		out = fuzz_topk_binary(&f, &len);
		FUZZ_CHECK(len == size && memcmp(out, data, size) == 0,
				   "accepted binary input is written back byte for byte");
		canonical = fuzz_topk_text_fixed_point(&f);
		canonical_nans(&f);
		sorted = fuzz_topk_binary(&f, &sorted_len);
		topk_form_init(&t, fuzz_grow);
		FUZZ_CHECK(topk_parse_text(canonical, &t, &err) == TOPK_FORM_OK, "canonical text parses");
		topk_form_sort(&t);
		from_text = fuzz_topk_binary(&t, &text_len);
		FUZZ_CHECK(text_len == sorted_len && memcmp(from_text, sorted, text_len) == 0,
				   "text form keeps the state");
		free(from_text);
		free(sorted);
		free(out);
		free(canonical);
		fuzz_topk_free(&t);
	}
	fuzz_topk_free(&f);
	return 0;
}
