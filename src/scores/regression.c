/*
 * regression.c - SQL wrappers of the regression scores: al.committee_std
 * and al.emcm (see doc/scores.md, "Regression scores").  They take the
 * numbers as arguments, so they score the predictions of any model, also
 * predictions an external service wrote.
 *
 * As the multi-label scores: each SQL function has a double precision[]
 * signature and a real[] twin (<name>_real, chosen by the planner support
 * function al.real_features_support for a real[] last argument) sharing
 * one C function, which reads the element type from the array.  Arrays are
 * read in place (array_in_place); every value is checked finite before a
 * formula of src/core/regression.c sees it.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "regression.h"
#include "score_args.h"

PG_FUNCTION_INFO_V1(score_committee_std);
PG_FUNCTION_INFO_V1(score_emcm);

/* A rejected value as text: float4 values as float4 prints them. */
static char *
reg_value_text(const al_reg_values *v, int i)
{
	if (v->f4)
		return DatumGetCString(DirectFunctionCall1(float4out,
												   Float4GetDatum(v->f4[i])));
	return float8out_internal(v->f8[i]);
}

/*
 * Argument argno, a real[] or double precision[], read in place into v:
 * ERROR unless it is one-dimensional (or empty), has no NULL, every value
 * finite, and at least min_n values.  what names one value ("member
 * prediction", "feature"); empty_msg is the error for too few.
 */
static void
read_reg_values(FunctionCallInfo fcinfo, int argno, ShortVarlenaBuf *buf,
				const char *what, int min_n, const char *empty_msg,
				al_reg_values *v)
{
	ArrayType  *a = array_in_place(PG_GETARG_DATUM(argno), buf);
	Oid			elemtype = ARR_ELEMTYPE(a);
	int			bad = 0;

	if (elemtype != FLOAT4OID && elemtype != FLOAT8OID)
		elog(ERROR, "unexpected array element type %u", elemtype);
	v->n = check_vector_array(a, elemtype, what);
	v->f4 = elemtype == FLOAT4OID ? (const float *) array_values(a) : NULL;
	v->f8 = elemtype == FLOAT8OID ? (const double *) array_values(a) : NULL;
	switch (al_reg_values_check(v, min_n, &bad))
	{
		case AL_REG_OK:
			break;
		case AL_REG_EMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s", empty_msg)));
			break;
		case AL_REG_NOT_FINITE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s %d is not finite: %s",
							what, bad + 1, reg_value_text(v, bad))));
			break;
	}
}

/*
 * al.committee_std(predictions): the population standard deviation of the
 * committee members' predictions (a non-empty array of finite values).
 */
Datum
score_committee_std(PG_FUNCTION_ARGS)
{
	ShortVarlenaBuf buf;
	al_reg_values members;

	read_reg_values(fcinfo, 0, &buf, "member prediction", 1,
					"committee must have at least one member", &members);
	PG_RETURN_FLOAT8(al_committee_std(&members));
}

/*
 * al.emcm(prediction, member_predictions, x): expected model change of a
 * linear model with bias, ||(x, 1)|| (1/K) sum_k |f_k - f|.  x may be
 * empty (a bias-only model).  ERROR when the result exceeds the double
 * range.
 */
Datum
score_emcm(PG_FUNCTION_ARGS)
{
	ShortVarlenaBuf mbuf,
				xbuf;
	al_reg_values members,
				x;
	float8		prediction = PG_GETARG_FLOAT8(0);
	double		r;

	if (!isfinite(prediction))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("prediction is not finite: %s",
						float8out_internal(prediction))));
	read_reg_values(fcinfo, 1, &mbuf, "member prediction", 1,
					"committee must have at least one member", &members);
	read_reg_values(fcinfo, 2, &xbuf, "feature", 0, "", &x);
	r = al_emcm(prediction, &members, &x);
	if (!isfinite(r))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("expected model change is out of range for type double precision")));
	PG_RETURN_FLOAT8(r);
}
