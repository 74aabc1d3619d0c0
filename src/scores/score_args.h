/*
 * score_args.h - reading array arguments of the score functions in place
 * (src/scores/scores.c, src/scores/seq_scores.c): no palloc per row for a
 * stored array, whatever its storage form.
 */
#ifndef AL_SCORE_ARGS_H
#define AL_SCORE_ARGS_H

#include "postgres.h"

#include "utils/array.h"

/*
 * Room for a whole short-header (at most 127-byte) varlena, aligned for
 * float8 elements.
 */
typedef union ShortVarlenaBuf
{
	double		align;
	char		data[VARHDRSZ + 127];
} ShortVarlenaBuf;

/*
 * Address of an array's first element: ARR_DATA_PTR's own expansion trips
 * -Wsign-compare (-Wextra) in PostgreSQL 15's header.
 */
static inline char *
array_values(ArrayType *a)
{
	return (char *) a + (ARR_HASNULL(a) ? (Size) a->dataoffset :
						 ARR_OVERHEAD_NONULLS(ARR_NDIM(a)));
}

extern ArrayType *array_in_place(Datum d, ShortVarlenaBuf *buf);
extern int	check_vector_array(ArrayType *a, Oid elemtype, const char *what);

#endif							/* AL_SCORE_ARGS_H */
