/*
 * probvec.h - the al.probvec type: a class-probability distribution.
 *
 * On-disk layout follows pgvector's: varlena header, int16 class count,
 * int16 reserved (always 0), then the float4 values.  Values are stored as
 * given; every way in (text, binary, casts, aggregate finals) validates them
 * through probvec_check_values().
 */
#ifndef AL_PROBVEC_H
#define AL_PROBVEC_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/array.h"

#include "al_probvec.h"			/* core limits, parser, formatter */
#include "probvec_ingest.h"		/* core tolerant checks, class lists, logprobs */

typedef struct ProbVec
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int16		dim;			/* number of classes */
	int16		unused;			/* reserved, always 0 */
	float4		x[FLEXIBLE_ARRAY_MEMBER];
} ProbVec;

#define PROBVEC_HEADER_SIZE		offsetof(ProbVec, x)
#define PROBVEC_SIZE(dim)		(PROBVEC_HEADER_SIZE + sizeof(float4) * (dim))
#define DatumGetProbVecP(d)		((ProbVec *) PG_DETOAST_DATUM(d))
#define PG_GETARG_PROBVEC_P(n)	DatumGetProbVecP(PG_GETARG_DATUM(n))
#define PG_RETURN_PROBVEC_P(p)	PG_RETURN_POINTER(p)

/* Values kept on the stack by probvec_read() before it falls back to palloc. */
#define PROBVEC_STACK_CLASSES	256

/*
 * A read-only view of a probvec's values, aligned, without detoasting a
 * short-header datum into a fresh copy: the hot path of every score.
 */
typedef struct ProbVecView
{
	int			dim;
	const float4 *x;
	float4		buf[PROBVEC_STACK_CLASSES];
} ProbVecView;

/*
 * Why a value cannot be a probvec: the SQLSTATE, the message (what
 * al.probvec_problem returns) and a hint (or NULL).  probvec_problem.c.
 */
typedef struct ProbVecProblem
{
	int			sqlerrcode;
	char	   *message;
	char	   *hint;
} ProbVecProblem;

extern void probvec_describe(const al_pv_error *err, bool logprobs,
							 double tolerance, ProbVecProblem *problem);
extern void probvec_raise(const ProbVecProblem *problem, const char *input) pg_attribute_noreturn();
extern void probvec_report(const al_pv_error *err, bool logprobs, double tolerance,
						   const char *input) pg_attribute_noreturn();

/* A class list (text[]): names in list order and sorted for lookup. */
typedef struct ProbVecClasses
{
	int			k;
	al_class_name *in_order;	/* names point into the array */
	al_class_name *sorted;
} ProbVecClasses;

extern void probvec_read_classes(ArrayType *a, ProbVecClasses *classes);

extern ProbVec *probvec_new(int dim);
extern int	probvec_format_float4(float value, char *buf);
extern Datum probvec_out(PG_FUNCTION_ARGS);
extern void probvec_check_values(const float4 *x, int dim);
extern void probvec_check_dim(int dim);
extern void probvec_check_typmod(int dim, int32 typmod);
extern void probvec_read(Datum d, ProbVecView *view);
extern ProbVec *probvec_from_floats(const float4 *x, int dim, int32 typmod);

#endif							/* AL_PROBVEC_H */
