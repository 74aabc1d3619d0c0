/*
 * multilabel.c - SQL wrappers of the multi-label scores:
 * al.mean_binary_entropy, al.binary_minimum, al.max_loss,
 * al.mean_max_loss, al.label_cardinality_inconsistency and the check
 * al.check_label_probs, over a row of independent per-label probabilities
 * held as double precision[] or real[] (see doc/scores.md, "Multi-label
 * scores").
 *
 * As the sequence scores: each SQL function has a double precision[]
 * signature and a real[] twin (<name>_real, chosen by the planner support
 * function al.real_features_support) sharing one C function, which reads
 * the element type from the array.  Arrays are read in place
 * (array_in_place).  One check, read_label_probs, validates every row
 * before any formula of src/core/multilabel.c sees it.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "multilabel.h"
#include "score_args.h"

PG_FUNCTION_INFO_V1(score_check_label_probs);
PG_FUNCTION_INFO_V1(score_mean_binary_entropy);
PG_FUNCTION_INFO_V1(score_binary_minimum);
PG_FUNCTION_INFO_V1(score_max_loss);
PG_FUNCTION_INFO_V1(score_mean_max_loss);
PG_FUNCTION_INFO_V1(score_label_cardinality_inconsistency);

typedef double (*label_score_fn) (const al_label_probs *p);

/* A rejected probability as text: float4 values as float4 prints them. */
static char *
label_prob_text(const al_label_probs *p, int l)
{
	if (p->f4)
		return DatumGetCString(DirectFunctionCall1(float4out,
												   Float4GetDatum(p->f4[l])));
	return float8out_internal(p->f8[l]);
}

/*
 * Argument 0 as a valid row of per-label probabilities, read in place:
 * ERROR unless it is a one-dimensional array of at least one element, none
 * NULL, each finite and in [0, 1].  The one check of the convention.
 */
static void
read_label_probs(FunctionCallInfo fcinfo, ShortVarlenaBuf *buf,
				 al_label_probs *p)
{
	ArrayType  *a = array_in_place(PG_GETARG_DATUM(0), buf);
	Oid			elemtype = ARR_ELEMTYPE(a);
	int			bad = 0;

	if (elemtype != FLOAT4OID && elemtype != FLOAT8OID)
		elog(ERROR, "unexpected array element type %u", elemtype);
	p->n = check_vector_array(a, elemtype, "label probability");
	p->f4 = elemtype == FLOAT4OID ? (const float *) array_values(a) : NULL;
	p->f8 = elemtype == FLOAT8OID ? (const double *) array_values(a) : NULL;
	switch (al_label_probs_check(p, &bad))
	{
		case AL_ML_OK:
			break;
		case AL_ML_EMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("label probabilities must not be empty")));
			break;
		case AL_ML_OUT_OF_RANGE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("label probability %d is out of range [0, 1]: %s",
							bad + 1, label_prob_text(p, bad))));
			break;
	}
}

/*
 * Apply a multi-label score to argument 0.  Always inlined, so each
 * wrapper calls its kernel directly.
 */
static pg_attribute_always_inline Datum
label_score(FunctionCallInfo fcinfo, label_score_fn score)
{
	ShortVarlenaBuf buf;
	al_label_probs p;

	read_label_probs(fcinfo, &buf, &p);
	PG_RETURN_FLOAT8(score(&p));
}

/* al.check_label_probs(p): the label count of a valid row, else ERROR. */
Datum
score_check_label_probs(PG_FUNCTION_ARGS)
{
	ShortVarlenaBuf buf;
	al_label_probs p;

	read_label_probs(fcinfo, &buf, &p);
	PG_RETURN_INT32(p.n);
}

/* al.mean_binary_entropy(p): mean of -p ln p - (1 - p) ln(1 - p). */
Datum
score_mean_binary_entropy(PG_FUNCTION_ARGS)
{
	return label_score(fcinfo, al_mean_binary_entropy);
}

/* al.binary_minimum(p): 1 - 2 min |p - 0.5|. */
Datum
score_binary_minimum(PG_FUNCTION_ARGS)
{
	return label_score(fcinfo, al_binary_minimum);
}

/* al.max_loss(p): the largest hinge loss at the predicted signs. */
Datum
score_max_loss(PG_FUNCTION_ARGS)
{
	return label_score(fcinfo, al_max_loss);
}

/* al.mean_max_loss(p): the mean hinge loss at the predicted signs. */
Datum
score_mean_max_loss(PG_FUNCTION_ARGS)
{
	return label_score(fcinfo, al_mean_max_loss);
}

/*
 * al.label_cardinality_inconsistency(p, mean_cardinality):
 * |#{l : p_l >= 0.5} - mean_cardinality|, the mean a finite number >= 0.
 */
Datum
score_label_cardinality_inconsistency(PG_FUNCTION_ARGS)
{
	ShortVarlenaBuf buf;
	al_label_probs p;
	float8		mean_cardinality = PG_GETARG_FLOAT8(1);

	if (!(mean_cardinality >= 0.0) || isinf(mean_cardinality))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mean cardinality must be a finite number of at least 0, not %s",
						float8out_internal(mean_cardinality))));
	read_label_probs(fcinfo, &buf, &p);
	PG_RETURN_FLOAT8(al_label_cardinality_inconsistency(&p, mean_cardinality));
}
