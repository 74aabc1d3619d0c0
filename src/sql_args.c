/*
 * sql_args.c - checking SQL arguments and JSON option objects, shared by
 * al.train_model and the learner API, so both report the same way.
 */
#include "postgres.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/numeric.h"

#include "sql_args.h"

/* ERROR (22004) if argument n is NULL, naming what it is. */
void
al_require_arg(FunctionCallInfo fcinfo, int n, const char *what)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
}

/*
 * The batch size k of an aggregate (argument n), checked: not NULL (22023,
 * as k is a parameter of the whole aggregate), at least 1.  Any larger int4
 * is fine: the aggregates' memory grows with the rows, never with k.
 */
int32
al_arg_k(FunctionCallInfo fcinfo, int n)
{
	int32		k;

	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must not be null")));
	k = PG_GETARG_INT32(n);
	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be at least 1"),
				 errdetail("k is %d.", k)));
	return k;
}

/* ERROR (22023) for an option with a bad value: 'option "key" <must>'. */
void
al_bad_option(const char *key, const char *must)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("option \"%s\" %s", key, must)));
	pg_unreachable();
}

/* A numeric option's value; ERROR unless it is a JSON number. */
double
al_option_number(const char *key, JsonbValue *v)
{
	if (v->type != jbvNumeric)
		al_bad_option(key, "must be a number");
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

/*
 * An integer option within [lo, hi]; ERROR otherwise.  Integral is checked
 * on the JSON number itself: as a double, 1.0000000000000000001 would pass
 * for 1.
 */
int64
al_option_integer(const char *key, JsonbValue *v, int64 lo, int64 hi)
{
	double		d = al_option_number(key, v);
	Datum		n = NumericGetDatum(v->val.numeric);
	bool		integral = DatumGetBool(DirectFunctionCall2(numeric_eq, n,
															DirectFunctionCall1(numeric_floor, n)));

	if (!integral || d < (double) lo || d > (double) hi)
		al_bad_option(key, psprintf("must be an integer between " INT64_FORMAT " and " INT64_FORMAT,
									lo, hi));
	return (int64) d;
}

/* Call apply for each key of a JSON object; ERROR if options is not an object. */
void
al_options_foreach(Jsonb *options, al_option_fn apply, void *ctx)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;

	if (!JB_ROOT_IS_OBJECT(options))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options must be a JSON object")));
	it = JsonbIteratorInit(&options->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			key = pnstrdup(v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE)
			apply(ctx, key, &v);
	}
}
