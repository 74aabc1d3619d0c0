/*
 * fuzz_topk.h - invariants of a parsed top-k state form, shared by the
 * two top-k harnesses (fuzz_topk_text.c, fuzz_topk_binary.c).
 */
#ifndef AL_FUZZ_TOPK_H
#define AL_FUZZ_TOPK_H

#include "fuzz.h"
#include "topk_state.h"

/*
 * A form the parsers accepted is well formed: its id type and k are in
 * range, count <= k, only text ids name a collation (with terminated names
 * of allowed length), every id lies inside the area, and its memory follows
 * the data (slots and area at most twice what is used, beyond a start).
 */
static inline void
fuzz_check_form(const TopkForm *f)
{
	int32_t		i;

	FUZZ_CHECK(f->idtype >= TOPK_IDTYPE_BIGINT && f->idtype <= TOPK_IDTYPE_UUID, "id type");
	FUZZ_CHECK(f->k >= 1, "k in range");
	FUZZ_CHECK(f->count >= 0 && f->count <= f->k && f->count <= f->alloc, "count <= k");
	FUZZ_CHECK(f->alloc <= f->k && (f->alloc <= 64 || f->alloc < 2 * f->count),
			   "entry slots follow the entries");
	FUZZ_CHECK(!f->has_collation ||
			   (f->idtype == TOPK_IDTYPE_TEXT &&
				strnlen(f->coll_schema, TOPK_NAME_MAX + 1) >= 1 &&
				strnlen(f->coll_schema, TOPK_NAME_MAX + 1) <= TOPK_NAME_MAX &&
				strnlen(f->coll_name, TOPK_NAME_MAX + 1) >= 1 &&
				strnlen(f->coll_name, TOPK_NAME_MAX + 1) <= TOPK_NAME_MAX),
			   "only text ids name a collation, of 1 to TOPK_NAME_MAX bytes each");
	FUZZ_CHECK(f->area_used <= f->area_size &&
			   (f->area_size <= 64 || f->area_size < 2 * f->area_used),
			   "id area follows the id bytes");
	for (i = 0; i < f->count; i++)
	{
		const TopkEntry *e = &f->entries[i];

		FUZZ_CHECK((e->flags & ~TOPK_ID_NULL) == 0, "only the NULL flag");
		if ((e->flags & TOPK_ID_NULL) || f->idtype == TOPK_IDTYPE_BIGINT)
		{
			FUZZ_CHECK(e->len == 0, "no id bytes for NULL and bigint ids");
			continue;
		}
		FUZZ_CHECK(e->id + e->len <= f->area_used, "id bytes inside the area");
		FUZZ_CHECK(f->idtype != TOPK_IDTYPE_UUID || e->len == TOPK_UUID_LEN, "uuid is 16 bytes");
	}
}

/* The canonical text of a form (entries sorted first); malloc'd. */
static inline char *
fuzz_topk_text(TopkForm *f)
{
	size_t		size = topk_text_size(f);
	char	   *buf = malloc(size);

	FUZZ_CHECK(buf != NULL, "malloc");
	topk_form_sort(f);
	FUZZ_CHECK(topk_format_text(f, buf, topk_score_shortest) < size, "text fits its bound");
	return buf;
}

/* The binary form of a form in its present order; malloc'd, *len set. */
static inline unsigned char *
fuzz_topk_binary(const TopkForm *f, size_t *len)
{
	size_t		size = topk_binary_size(f);
	unsigned char *buf = malloc(size > 0 ? size : 1);

	FUZZ_CHECK(buf != NULL, "malloc");
	*len = topk_format_binary(f, buf);
	FUZZ_CHECK(*len == size, "binary size is exact");
	return buf;
}

/* Free a form's arrays. */
static inline void
fuzz_topk_free(TopkForm *f)
{
	free(f->entries);
	free(f->area);
}

/* A rejection carries a known status and a terminated, non-empty detail. */
static inline void
fuzz_check_rejection(TopkFormStatus st, const TopkFormError *err, int binary)
{
	FUZZ_CHECK(st == err->status, "status recorded");
	FUZZ_CHECK(binary ? (st == TOPK_FORM_BINARY || st == TOPK_FORM_SHORT) : st == TOPK_FORM_SYNTAX,
			   "known status");
	FUZZ_CHECK(memchr(err->detail, '\0', sizeof(err->detail)) != NULL && err->detail[0] != '\0',
			   "a detail sentence");
}

/*
 * The canonical text of an accepted form is a fixed point: it parses, and
 * writes back the same.  Returns it (malloc'd).
 */
static inline char *
fuzz_topk_text_fixed_point(TopkForm *f)
{
	char	   *text = fuzz_topk_text(f);
	TopkForm	g;
	TopkFormError err;
	char	   *again;

	topk_form_init(&g, fuzz_grow);
	FUZZ_CHECK(topk_parse_text(text, &g, &err) == TOPK_FORM_OK, "canonical text parses");
	fuzz_check_form(&g);
	again = fuzz_topk_text(&g);
	FUZZ_CHECK(strcmp(text, again) == 0, "canonical text is a fixed point");
	free(again);
	fuzz_topk_free(&g);
	return text;
}

#endif							/* AL_FUZZ_TOPK_H */
