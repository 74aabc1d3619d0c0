/*
 * real_features.c - al.real_features_support, the planner support function
 * of every function that takes features (or log-probabilities) as double
 * precision[] and has a real[] twin: al.expected_gradient_length,
 * al.predict_proba, al.predict, al.predict_committee and the sequence scores
 * (al.sequence_least_confidence, al.mnlp, al.token_least_confidence,
 * al.min_token_probability, al.mean_token_entropy, al.max_token_entropy)
 * the one-argument multi-label scores (al.check_label_probs,
 * al.mean_binary_entropy, al.binary_minimum, al.max_loss, al.mean_max_loss)
 * and the regression scores (al.committee_std, al.emcm).
 *
 * Each such function has one public signature over double precision[], so
 * that untyped literals (as drivers send parameters), integer and numeric
 * arrays resolve to it without ambiguity.  A real[] argument reaches it
 * through PostgreSQL's implicit widening, an ArrayCoerceExpr that builds a
 * new double precision[] on every row.  The support function undoes that:
 * F(..., x) becomes F_real(..., x) on the real[] itself, which the C code
 * reads in place.  The widening is exact, so the result is the same.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "parser/parse_func.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(al_real_features_support);

/*
 * The features of call (its last argument) when they are a real[] (or a
 * domain over real[]) widened to double precision[]: an ArrayCoerceExpr over
 * a real[] expression, returned as a real[].  NULL when the features are
 * anything else (a double precision[] column, a constant already folded).
 */
static Expr *
widened_real_features(FuncExpr *call)
{
	ArrayCoerceExpr *widen;
	Oid			type;

	if (call->args == NIL || !IsA(llast(call->args), ArrayCoerceExpr))
		return NULL;
	widen = (ArrayCoerceExpr *) llast(call->args);
	type = exprType((Node *) widen->arg);
	if (widen->resulttype != FLOAT8ARRAYOID || getBaseType(type) != FLOAT4ARRAYOID)
		return NULL;
	if (type == FLOAT4ARRAYOID)
		return widen->arg;
	return (Expr *) makeRelabelType(widen->arg, FLOAT4ARRAYOID, -1, InvalidOid,
									COERCE_IMPLICIT_CAST);
}

/*
 * The function <name>_real of fn's schema whose arguments are fn's with a
 * real[] last, returning what fn returns; InvalidOid if there is none.  The
 * name is qualified, so no search_path is involved (only superusers create
 * functions in schema al, or attach a support function anywhere).
 */
static Oid
real_features_twin(Oid fn)
{
	Oid		   *argtypes;
	int			nargs;
	Oid			twin;
	char	   *schema = get_namespace_name(get_func_namespace(fn));
	char	   *name = psprintf("%s_real", get_func_name(fn));

	get_func_signature(fn, &argtypes, &nargs);
	argtypes[nargs - 1] = FLOAT4ARRAYOID;
	twin = LookupFuncName(list_make2(makeString(schema), makeString(name)),
						  nargs, argtypes, true);
	if (OidIsValid(twin) && get_func_rettype(twin) != get_func_rettype(fn))
		return InvalidOid;
	return twin;
}

/*
 * al.real_features_support(internal): for a call F(..., x double
 * precision[]) whose x is a widened real[], the call F_real(..., x) on the
 * real[] itself; NULL (no change) otherwise.  EXPLAIN VERBOSE shows the
 * rewrite.
 */
Datum
al_real_features_support(PG_FUNCTION_ARGS)
{
	Node	   *req = (Node *) PG_GETARG_POINTER(0);
	FuncExpr   *call;
	Expr	   *features;
	Oid			twin;

	if (!IsA(req, SupportRequestSimplify))
		PG_RETURN_POINTER(NULL);
	call = ((SupportRequestSimplify *) req)->fcall;
	features = widened_real_features(call);
	if (features == NULL)
		PG_RETURN_POINTER(NULL);
	twin = real_features_twin(call->funcid);
	if (!OidIsValid(twin))
		PG_RETURN_POINTER(NULL);
	call = (FuncExpr *) copyObject(call);
	call->funcid = twin;
	llast(call->args) = features;
	PG_RETURN_POINTER(call);
}
