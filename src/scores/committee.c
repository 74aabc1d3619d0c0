/*
 * committee.c - SQL wrappers of the committee scores over al.probvec[]
 * (al.vote_entropy, al.consensus_entropy, al.max_disagreement, al.bald);
 * the al.consensus aggregate is in consensus.c.
 *
 * A committee array is copied once into a members x classes float matrix
 * and handed to the kernels of src/core/scores.c.
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
