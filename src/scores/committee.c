/*
 * committee.c - SQL wrappers of the committee scores over al.probvec[]
 * (al.vote_entropy, al.consensus_entropy, al.max_disagreement, al.bald) and
 * the al.consensus aggregate.
 *
 * A committee array is copied once into a members x classes float matrix
 * and handed to the kernels of src/core/scores.c.  al.consensus keeps a
 * concrete double precision[] state {row count, sum of class 1, ..., sum of
 * class n}, updated in place when called as an aggregate; it has a combine
 * function, so it runs as Partial/Finalize Aggregate in parallel plans, and
 * its state is an ordinary array whose text form round-trips exactly.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/lsyscache.h"

#include "probvec.h"
#include "scores.h"

PG_FUNCTION_INFO_V1(committee_vote_entropy);
PG_FUNCTION_INFO_V1(committee_consensus_entropy);
PG_FUNCTION_INFO_V1(committee_max_disagreement);
PG_FUNCTION_INFO_V1(committee_bald);
PG_FUNCTION_INFO_V1(consensus_transfn);
PG_FUNCTION_INFO_V1(consensus_combinefn);
PG_FUNCTION_INFO_V1(consensus_finalfn);

/* A committee read into a matrix, plus a scratch row for the kernels. */
typedef struct Committee
{
	int			members;
	int			classes;
	float	   *m;				/* members x classes, row-major */
	double	   *work;			/* classes doubles */
} Committee;

typedef double (*committee_kernel) (const float *m, int members, int n,
									double *work);

/*
 * Read argument 0, an al.probvec[], into c.  Rejects multi-dimensional and
 * empty arrays, NULL members and members of different class counts.  The
 * element type's storage properties are cached in fn_extra.
 */
static void
committee_read(FunctionCallInfo fcinfo, Committee *c)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	ArrayMetaState *meta = (ArrayMetaState *) fcinfo->flinfo->fn_extra;
	ArrayIterator it;
	Datum		d;
	bool		isnull;
	int			k = 0;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("committee must be a one-dimensional array"),
				 errdetail("The array has %d dimensions.", ARR_NDIM(arr))));
	c->members = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	if (c->members == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("committee must have at least one member")));
	if (meta == NULL || meta->element_type != ARR_ELEMTYPE(arr))
	{
		meta = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(ArrayMetaState));
		meta->element_type = ARR_ELEMTYPE(arr);
		get_typlenbyvalalign(meta->element_type, &meta->typlen,
							 &meta->typbyval, &meta->typalign);
		fcinfo->flinfo->fn_extra = meta;
	}

	it = array_create_iterator(arr, 0, meta);
	while (array_iterate(it, &d, &isnull))
	{
		ProbVecView view;

		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("committee member %d is null", k + 1)));
		probvec_read(d, &view);
		if (k == 0)
		{
			c->classes = view.dim;
			c->m = MemoryContextAllocHuge(CurrentMemoryContext,
										  sizeof(float) * (Size) c->members * view.dim);
			c->work = palloc(sizeof(double) * view.dim);
		}
		else if (view.dim != c->classes)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("committee members must have the same number of classes"),
					 errdetail("Member 1 has %d classes, member %d has %d.",
							   c->classes, k + 1, view.dim)));
		memcpy(c->m + (Size) k * c->classes, view.x, sizeof(float) * view.dim);
		k++;
	}
	array_free_iterator(it);
}

/* Read the committee of argument 0 and apply a committee kernel to it. */
static Datum
committee_score(FunctionCallInfo fcinfo, committee_kernel kernel)
{
	Committee	c;

	committee_read(fcinfo, &c);
	PG_RETURN_FLOAT8(kernel(c.m, c.members, c.classes, c.work));
}

/* al.vote_entropy(committee): entropy of the members' hard votes. */
Datum
committee_vote_entropy(PG_FUNCTION_ARGS)
{
	return committee_score(fcinfo, al_vote_entropy);
}

/* al.consensus_entropy(committee): entropy of the members' mean. */
Datum
committee_consensus_entropy(PG_FUNCTION_ARGS)
{
	return committee_score(fcinfo, al_consensus_entropy);
}

/* al.max_disagreement(committee): max over members of KL(member || mean). */
Datum
committee_max_disagreement(PG_FUNCTION_ARGS)
{
	return committee_score(fcinfo, al_max_disagreement);
}

/* al.bald(committee): H(mean) - mean of H(member). */
Datum
committee_bald(PG_FUNCTION_ARGS)
{
	return committee_score(fcinfo, al_bald);
}

/* ---- al.consensus ---- */

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

/*
 * A zeroed consensus state for n classes (n + 1 doubles).  Allocated in the
 * current (per-call) context even under an aggregate: the executor copies a
 * new state into the aggregate context itself, and later calls update that
 * copy in place.
 */
static ArrayType *
consensus_state_new(int n)
{
	Size		size = ARR_OVERHEAD_NONULLS(1) + sizeof(float8) * (n + 1);
	ArrayType  *a = (ArrayType *) palloc0(size);

	SET_VARSIZE(a, size);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT8OID;
	ARR_DIMS(a)[0] = n + 1;
	ARR_LBOUND(a)[0] = 1;
	return a;
}

/*
 * The class count of a consensus state, after checking its shape: states
 * can also come from a user or, under Citus, from text.
 */
static int
consensus_state_classes(ArrayType *a)
{
	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID ||
		ARR_DIMS(a)[0] < 2 || ARR_DIMS(a)[0] - 1 > AL_PROBVEC_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid al.consensus state"),
				 errdetail("A state is a one-dimensional double precision array without nulls: the row count, then one sum per class.")));
	return ARR_DIMS(a)[0] - 1;
}

/* ERROR for consensus inputs of different class counts. */
static void
consensus_dim_mismatch(int state_dim, int other_dim, const char *other)
{
	ereport(ERROR,
			(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
			 errmsg("al.consensus rows must have the same number of classes"),
			 errdetail("Earlier rows have %d classes, %s has %d.",
					   state_dim, other, other_dim)));
}

/*
 * Transition: count the row and add its values to the sums.  NULL rows are
 * skipped; the first row sizes the state.  Called as an aggregate, the
 * state belongs to the aggregate and is modified in place (as float8_accum
 * does); called directly, a copy is modified.
 */
Datum
consensus_transfn(PG_FUNCTION_ARGS)
{
	bool		in_agg = AggCheckCallContext(fcinfo, NULL) != 0;
	ArrayType  *state;
	ProbVecView p;
	double	   *s;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	probvec_read(PG_GETARG_DATUM(1), &p);
	if (PG_ARGISNULL(0))
		state = consensus_state_new(p.dim);
	else
	{
		state = in_agg ? PG_GETARG_ARRAYTYPE_P(0) : PG_GETARG_ARRAYTYPE_P_COPY(0);
		if (consensus_state_classes(state) != p.dim)
			consensus_dim_mismatch(consensus_state_classes(state), p.dim,
								   "this row");
	}
	s = (double *) array_values(state);
	s[0] += 1.0;
	al_accumulate(s + 1, p.x, p.dim);
	PG_RETURN_ARRAYTYPE_P(state);
}

/*
 * Combine two partial states by adding counts and sums (order-independent
 * up to floating-point rounding).  A NULL state (no row seen) is neutral.
 */
Datum
consensus_combinefn(PG_FUNCTION_ARGS)
{
	bool		in_agg = AggCheckCallContext(fcinfo, NULL) != 0;
	ArrayType  *a;
	ArrayType  *b;
	double	   *sa;
	const double *sb;
	int			n;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = PG_GETARG_ARRAYTYPE_P(1);
	n = consensus_state_classes(b);
	if (PG_ARGISNULL(0))
		a = consensus_state_new(n);
	else
	{
		a = in_agg ? PG_GETARG_ARRAYTYPE_P(0) : PG_GETARG_ARRAYTYPE_P_COPY(0);
		if (consensus_state_classes(a) != n)
			consensus_dim_mismatch(consensus_state_classes(a), n,
								   "another partial state");
	}
	sa = (double *) array_values(a);
	sb = (const double *) array_values(b);
	for (int i = 0; i <= n; i++)
		sa[i] += sb[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * Final: the mean distribution, rounded to float4 and validated like every
 * other way into al.probvec.  Never modifies the state.
 */
Datum
consensus_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	int			n = consensus_state_classes(state);
	const double *s = (const double *) array_values(state);
	ProbVec    *result;

	if (!(s[0] >= 1.0) || isinf(s[0]))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid al.consensus state"),
				 errdetail("The row count is %g.", s[0])));
	result = probvec_new(n);
	al_mean_to_float(s + 1, s[0], n, result->x);
	probvec_check_values(result->x, n);
	PG_RETURN_PROBVEC_P(result);
}
