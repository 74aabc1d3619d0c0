/*
 * probvec_ingest.c - PostgreSQL glue of the ways into al.probvec from
 * outside predictions: the casts from real[], double precision[], numeric[]
 * and jsonb (strict), al.to_probvec (tolerant: renormalizes values that
 * almost sum to 1; arrays, JSON arrays, JSON objects keyed by class),
 * al.logprobs_to_probvec (label-token log-probabilities), and the checks
 * al.probvec_problem / al.logprobs_problem that return the reason a
 * constructor would raise instead of raising it.
 *
 * Each entry point is "read, then check": the readers below turn the input
 * into doubles (as given) and floats (as they would be stored), reporting a
 * problem of the input's shape (NULL, not a number, unknown key) as an
 * al_pv_error; the core (probvec_ingest.c) checks the values.  A problem of
 * the value is raised or returned, the same text either way
 * (probvec_problem.c); a problem of the call (tolerance, options, class
 * list) is always raised.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/fmgroids.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "probvec.h"
#include "sql_args.h"

PG_FUNCTION_INFO_V1(probvec_from_float4_array);
PG_FUNCTION_INFO_V1(probvec_from_float8_array);
PG_FUNCTION_INFO_V1(probvec_from_numeric_array);
PG_FUNCTION_INFO_V1(probvec_from_jsonb);
PG_FUNCTION_INFO_V1(probvec_to_probvec_array);
PG_FUNCTION_INFO_V1(probvec_to_probvec_jsonb);
PG_FUNCTION_INFO_V1(probvec_to_probvec_keyed);
PG_FUNCTION_INFO_V1(probvec_problem_array);
PG_FUNCTION_INFO_V1(probvec_problem_jsonb);
PG_FUNCTION_INFO_V1(probvec_problem_keyed);
PG_FUNCTION_INFO_V1(probvec_from_logprobs);
PG_FUNCTION_INFO_V1(probvec_logprobs_problem);

/* Values read from an input, before the checks. */
typedef struct IngestValues
{
	int			n;
	double	   *given;			/* as given, for the range checks */
	float	   *rounded;		/* as they would be stored */
} IngestValues;

/* Options of al.to_probvec(values, classes, options) and the logprobs. */
typedef struct IngestOptions
{
	bool		logprobs;		/* which function: logprobs or probabilities */
	double		tolerance;
	bool		ignore_unknown;
	bool		trim;
	al_pv_rest	rest;
	char	   *other;			/* class of the rest, AL_REST_OTHER */
} IngestOptions;

/* Label tokens read from top log-probabilities. */
typedef struct IngestTokens
{
	int			n;
	double	   *logprob;
	int		   *class_of;		/* 0-based class, -1 for no class */
	const char **name;			/* into the jsonb */
	int		   *name_len;
} IngestTokens;

/* The JSON type of a value, for messages: "a string", "an object", ... */
static const char *
json_kind(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "a string";
		case jbvNumeric:
			return "a number";
		case jbvBool:
			return "a boolean";
		case jbvBinary:
			return JsonContainerIsArray(v->val.binary.data) ? "an array" : "an object";
		default:
			return "an object";
	}
}

/* The JSON type of a whole jsonb value. */
static const char *
jsonb_kind(Jsonb *j)
{
	JsonbValue	v;

	if (JB_ROOT_IS_SCALAR(j) && JsonbExtractScalar(&j->root, &v))
		return json_kind(&v);
	return JB_ROOT_IS_ARRAY(j) ? "an array" : "an object";
}

/*
 * A numeric (JSON number or numeric[] element) as a double and as the
 * nearest float, both read from its decimal text, so a float's shortest
 * decimal reads back to the same float (no double rounding through double).
 * Returns true when a finite number overflows double.
 */
static bool
numeric_values(Numeric num, double *d, float *f)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(num)));

	*d = strtod(s, NULL);
	*f = strtof(s, NULL);
	pfree(s);
	return isinf(*d) && !numeric_is_inf(num);
}

/* Record a problem of the input's shape at a position or key. */
static bool
shape_problem(al_pv_error *err, al_pv_status status, int position,
			  const char *name, int name_len, const char *kind)
{
	memset(err, 0, sizeof(*err));
	err->status = status;
	err->position = position;
	err->name = name;
	err->name_len = name_len;
	err->kind = kind;
	return false;
}

/* A finite number beyond double's range: out of range (shown as Infinity). */
static bool
overflow_problem(al_pv_error *err, int position, const char *name, int name_len,
				 double d)
{
	shape_problem(err, AL_PV_OUT_OF_RANGE, position, name, name_len, NULL);
	err->value = d;
	return false;
}

/* Allocate n values (at least 1). */
static void
values_alloc(IngestValues *in, int n)
{
	in->n = n;
	in->given = (double *) palloc0(sizeof(double) * Max(n, 1));
	in->rounded = (float *) palloc0(sizeof(float) * Max(n, 1));
}

/*
 * Read a real[], double precision[] or numeric[] (the element type is the
 * array's own): one-dimensional, no NULL.
 */
static bool
read_array(ArrayType *a, IngestValues *in, al_pv_error *err)
{
	Oid			elemtype = ARR_ELEMTYPE(a);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;

	if (ARR_NDIM(a) > 1)
		return shape_problem(err, AL_PV_DIMENSIONS, ARR_NDIM(a), NULL, 0, NULL);
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(a, elemtype, typlen, typbyval, typalign, &elems, &nulls, &n);
	values_alloc(in, n);
	for (i = 0; i < n; i++)
	{
		double	   *d = &in->given[i];

		if (nulls[i])
			return shape_problem(err, AL_PV_NULL, i + 1, NULL, 0, NULL);
		if (elemtype == FLOAT4OID)
			*d = in->rounded[i] = DatumGetFloat4(elems[i]);
		else if (elemtype == FLOAT8OID)
		{
			*d = DatumGetFloat8(elems[i]);
			in->rounded[i] = fabs(*d) <= FLT_MAX ? (float) *d : 0.0f;
		}
		else if (numeric_values(DatumGetNumeric(elems[i]), d, &in->rounded[i]))
			return overflow_problem(err, i + 1, NULL, 0, *d);
	}
	return true;
}

/* Read a JSON array of numbers. */
static bool
read_json_array(Jsonb *j, IngestValues *in, al_pv_error *err)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			i = 0;

	if (!JB_ROOT_IS_ARRAY(j) || JB_ROOT_IS_SCALAR(j))
		return shape_problem(err, AL_PV_NOT_ARRAY, 0, NULL, 0, jsonb_kind(j));
	if (al_pv_check_count(JB_ROOT_COUNT(j), err) == AL_PV_TOO_MANY)
		return false;
	values_alloc(in, JB_ROOT_COUNT(j));
	it = JsonbIteratorInit(&j->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		i++;
		if (v.type == jbvNull)
			return shape_problem(err, AL_PV_NULL, i, NULL, 0, NULL);
		if (v.type != jbvNumeric)
			return shape_problem(err, AL_PV_NOT_NUMBER, i, NULL, 0, json_kind(&v));
		if (numeric_values(v.val.numeric, &in->given[i - 1], &in->rounded[i - 1]))
			return overflow_problem(err, i, NULL, 0, in->given[i - 1]);
	}
	return true;
}

/*
 * Check the values read and build the probvec (renormalized when asked);
 * NULL with err when the values are refused.  names: the class list, to
 * name the class of a refused value (NULL: name its position).
 */
static ProbVec *
accept_values(IngestValues *in, double tolerance, bool renormalize,
			  const ProbVecClasses *names, al_pv_error *err)
{
	float	   *out = (float *) palloc(sizeof(float) * Max(in->n, 1));

	if (al_pv_accept(in->given, in->rounded, in->n, tolerance, renormalize, out, err) != AL_PV_OK)
	{
		if (names != NULL && err->position >= 1 && err->position <= names->k &&
			(err->status == AL_PV_OUT_OF_RANGE || err->status == AL_PV_NOT_FINITE))
		{
			err->name = names->in_order[err->position - 1].name;
			err->name_len = names->in_order[err->position - 1].len;
		}
		return NULL;
	}
	return probvec_from_floats(out, in->n, -1);
}

/* An array's text, for an error's detail. */
static char *
array_text(ArrayType *a)
{
	return OidOutputFunctionCall(F_ARRAY_OUT, PointerGetDatum(a));
}

/* A jsonb's text, for an error's detail. */
static char *
jsonb_text(Jsonb *j)
{
	return JsonbToCString(NULL, &j->root, VARSIZE(j));
}

/* Argument n as a sum tolerance: in [0, 1); ERROR otherwise. */
static double
arg_tolerance(FunctionCallInfo fcinfo, int n)
{
	double		t = PG_GETARG_FLOAT8(n);

	if (!al_pv_tolerance_valid(t))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tolerance must be at least 0 and less than 1, not %s",
						float8out_internal(t))));
	return t;
}

/* Build from an array argument; NULL with err when refused. */
static ProbVec *
build_array(ArrayType *a, double tolerance, bool renormalize, al_pv_error *err)
{
	IngestValues in;

	if (!read_array(a, &in, err))
		return NULL;
	return accept_values(&in, tolerance, renormalize, NULL, err);
}

/* Build from a JSON array argument; NULL with err when refused. */
static ProbVec *
build_json_array(Jsonb *j, double tolerance, bool renormalize, al_pv_error *err)
{
	IngestValues in;

	if (!read_json_array(j, &in, err))
		return NULL;
	return accept_values(&in, tolerance, renormalize, NULL, err);
}

/* The strict casts from arrays: within 1e-3, stored as given. */
static Datum
cast_from_array(FunctionCallInfo fcinfo)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	al_pv_error err;
	ProbVec    *p = build_array(a, AL_PROBVEC_SUM_TOLERANCE, false, &err);

	if (p == NULL)
		probvec_report(&err, false, AL_PROBVEC_SUM_TOLERANCE, array_text(a));
	probvec_check_typmod(p->dim, PG_GETARG_INT32(1));
	PG_RETURN_PROBVEC_P(p);
}

/* Cast real[] -> al.probvec (validating). */
Datum
probvec_from_float4_array(PG_FUNCTION_ARGS)
{
	return cast_from_array(fcinfo);
}

/* Cast double precision[] -> al.probvec (validating). */
Datum
probvec_from_float8_array(PG_FUNCTION_ARGS)
{
	return cast_from_array(fcinfo);
}

/* Cast numeric[] -> al.probvec (validating; numeric NaN is rejected as not finite). */
Datum
probvec_from_numeric_array(PG_FUNCTION_ARGS)
{
	return cast_from_array(fcinfo);
}

/* Cast jsonb -> al.probvec: a JSON array of numbers, validated like the array casts. */
Datum
probvec_from_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *j = PG_GETARG_JSONB_P(0);
	al_pv_error err;
	ProbVec    *p = build_json_array(j, AL_PROBVEC_SUM_TOLERANCE, false, &err);

	if (p == NULL)
		probvec_report(&err, false, AL_PROBVEC_SUM_TOLERANCE, jsonb_text(j));
	probvec_check_typmod(p->dim, PG_GETARG_INT32(1));
	PG_RETURN_PROBVEC_P(p);
}

/* al.to_probvec(values real[] | double precision[] | numeric[], tolerance). */
Datum
probvec_to_probvec_array(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	double		tolerance = arg_tolerance(fcinfo, 1);
	al_pv_error err;
	ProbVec    *p = build_array(a, tolerance, true, &err);

	if (p == NULL)
		probvec_report(&err, false, tolerance, array_text(a));
	PG_RETURN_PROBVEC_P(p);
}

/* al.to_probvec(values jsonb, tolerance): a JSON array of numbers. */
Datum
probvec_to_probvec_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *j = PG_GETARG_JSONB_P(0);
	double		tolerance = arg_tolerance(fcinfo, 1);
	al_pv_error err;
	ProbVec    *p = build_json_array(j, tolerance, true, &err);

	if (p == NULL)
		probvec_report(&err, false, tolerance, jsonb_text(j));
	PG_RETURN_PROBVEC_P(p);
}

/* A problem's message as the text result of a check, or NULL (valid). */
static Datum
problem_result(FunctionCallInfo fcinfo, const al_pv_error *err, bool logprobs,
			   double tolerance)
{
	ProbVecProblem problem;

	probvec_describe(err, logprobs, tolerance, &problem);
	PG_RETURN_TEXT_P(cstring_to_text(problem.message));
}

/* al.probvec_problem(values real[] | double precision[] | numeric[], tolerance). */
Datum
probvec_problem_array(PG_FUNCTION_ARGS)
{
	double		tolerance = arg_tolerance(fcinfo, 1);
	al_pv_error err;

	if (build_array(PG_GETARG_ARRAYTYPE_P(0), tolerance, true, &err) != NULL)
		PG_RETURN_NULL();
	return problem_result(fcinfo, &err, false, tolerance);
}

/* al.probvec_problem(values jsonb, tolerance). */
Datum
probvec_problem_jsonb(PG_FUNCTION_ARGS)
{
	double		tolerance = arg_tolerance(fcinfo, 1);
	al_pv_error err;

	if (build_json_array(PG_GETARG_JSONB_P(0), tolerance, true, &err) != NULL)
		PG_RETURN_NULL();
	return problem_result(fcinfo, &err, false, tolerance);
}

/*
 * Read a class list (text[]): one-dimensional, no NULL, 1 to 32767 names,
 * no name twice; ERROR otherwise (a problem of the call, not of a value).
 */
void
probvec_read_classes(ArrayType *a, ProbVecClasses *classes)
{
	Datum	   *elems;
	bool	   *nulls;
	al_pv_error err;
	int			n;
	int			i;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("class list must be one-dimensional, not %d-dimensional", ARR_NDIM(a))));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (al_pv_check_count(n, &err) != AL_PV_OK)
		probvec_report(&err, false, AL_PROBVEC_SUM_TOLERANCE, NULL);
	classes->k = n;
	classes->in_order = (al_class_name *) palloc(sizeof(al_class_name) * n);
	classes->sorted = (al_class_name *) palloc(sizeof(al_class_name) * n);
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("class %d of the class list is null", i + 1)));
		classes->in_order[i].name = VARDATA_ANY(DatumGetPointer(elems[i]));
		classes->in_order[i].len = VARSIZE_ANY_EXHDR(DatumGetPointer(elems[i]));
		classes->in_order[i].index = i;
	}
	memcpy(classes->sorted, classes->in_order, sizeof(al_class_name) * n);
	if (al_pv_class_names_sort(classes->sorted, n, &err) != AL_PV_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("class \"%.*s\" appears twice in the class list, at positions %d and %d",
						err.name_len, err.name, (int) err.value, err.position)));
}

/* A string option's value; ERROR unless it is one of the choices. */
static const char *
option_choice(const char *key, JsonbValue *v, const char *const *choices)
{
	int			i;

	if (v->type == jbvString)
		for (i = 0; choices[i] != NULL; i++)
			if (strlen(choices[i]) == v->val.string.len &&
				strncmp(choices[i], v->val.string.val, v->val.string.len) == 0)
				return choices[i];
	al_bad_option(key, psprintf("must be one of %s", choices[1] == NULL ? choices[0] :
								psprintf("\"%s\", \"%s\"%s%s%s", choices[0], choices[1],
										 choices[2] ? " or \"" : "", choices[2] ? choices[2] : "",
										 choices[2] ? "\"" : "")));
	return NULL;
}

/* Apply one option of al.to_probvec(values, classes, options) or the logprobs. */
static void
apply_option(void *ctx, const char *key, JsonbValue *v)
{
	IngestOptions *opt = (IngestOptions *) ctx;
	static const char *const unknown_choices[] = {"error", "ignore", NULL};
	static const char *const rest_choices[] = {"renormalize", "other", "absent", NULL};

	if (strcmp(key, "tolerance") == 0)
	{
		opt->tolerance = al_option_number(key, v);
		if (!al_pv_tolerance_valid(opt->tolerance))
			al_bad_option(key, "must be at least 0 and less than 1");
	}
	else if (strcmp(key, "trim") == 0)
	{
		if (v->type != jbvBool)
			al_bad_option(key, "must be true or false");
		opt->trim = v->val.boolean;
	}
	else if (strcmp(key, "unknown") == 0 && !opt->logprobs)
		opt->ignore_unknown = strcmp(option_choice(key, v, unknown_choices), "ignore") == 0;
	else if (strcmp(key, "rest") == 0 && opt->logprobs)
	{
		const char *rest = option_choice(key, v, rest_choices);

		opt->rest = rest[0] == 'r' ? AL_REST_RENORMALIZE :
			rest[0] == 'o' ? AL_REST_OTHER : AL_REST_ABSENT;
	}
	else if (strcmp(key, "other") == 0 && opt->logprobs)
	{
		if (v->type != jbvString)
			al_bad_option(key, "must be a class name");
		opt->other = pnstrdup(v->val.string.val, v->val.string.len);
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown option \"%s\"", key),
				 errhint(opt->logprobs ? "Valid options are tolerance, trim, rest and other." :
						 "Valid options are tolerance, unknown and trim.")));
}

/* Read the options argument n (defaults: tolerance 0.05, no trim, ...). */
static void
read_options(FunctionCallInfo fcinfo, int n, bool logprobs, IngestOptions *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->logprobs = logprobs;
	opt->tolerance = AL_PROBVEC_LOOSE_TOLERANCE;
	opt->rest = AL_REST_RENORMALIZE;
	opt->other = "other";
	al_options_foreach(PG_GETARG_JSONB_P(n), apply_option, opt);
}

/*
 * Read a JSON object of probabilities keyed by class: each key a class
 * (unless unknown keys are ignored), each value a number in [0, 1];
 * classes without a key get 0; keys of one class (with trim) add up.
 */
static bool
read_json_keyed(Jsonb *j, const ProbVecClasses *classes, const IngestOptions *opt,
				IngestValues *in, al_pv_error *err)
{
	bool	   *seen = (bool *) palloc0(sizeof(bool) * classes->k);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	const char *key = NULL;
	int			key_len = 0;

	if (!JB_ROOT_IS_OBJECT(j))
		return shape_problem(err, AL_PV_NOT_OBJECT, 0, NULL, 0, jsonb_kind(j));
	values_alloc(in, classes->k);
	it = JsonbIteratorInit(&j->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		int			c;
		double		d;
		float		f;

		if (tok == WJB_KEY)
			key = v.val.string.val, key_len = v.val.string.len;
		if (tok != WJB_VALUE)
			continue;
		c = al_pv_class_find(classes->sorted, classes->k, key, key_len, opt->trim);
		if (c < 0 && opt->ignore_unknown)
			continue;
		if (c < 0)
			return shape_problem(err, AL_PV_UNKNOWN_KEY, 0, key, key_len, NULL);
		if (v.type == jbvNull)
			return shape_problem(err, AL_PV_NULL, c + 1, key, key_len, NULL);
		if (v.type != jbvNumeric)
			return shape_problem(err, AL_PV_NOT_NUMBER, c + 1, key, key_len, json_kind(&v));
		if (numeric_values(v.val.numeric, &d, &f))
			return overflow_problem(err, c + 1, key, key_len, d);
		if (al_pv_check_value(d, c + 1, err) != AL_PV_OK)
		{
			err->name = key, err->name_len = key_len;
			return false;
		}
		in->given[c] = seen[c] ? in->given[c] + d : d;
		in->rounded[c] = seen[c] ? (float) in->given[c] : f;
		seen[c] = true;
	}
	return true;
}

/* al.to_probvec(values jsonb, classes, options) or its check; NULL with err. */
static ProbVec *
build_keyed(FunctionCallInfo fcinfo, IngestOptions *opt, al_pv_error *err)
{
	Jsonb	   *j = PG_GETARG_JSONB_P(0);
	ProbVecClasses classes;
	IngestValues in;

	read_options(fcinfo, 2, false, opt);
	probvec_read_classes(PG_GETARG_ARRAYTYPE_P(1), &classes);
	if (!read_json_keyed(j, &classes, opt, &in, err))
		return NULL;
	return accept_values(&in, opt->tolerance, true, &classes, err);
}

/* al.to_probvec(values jsonb, classes text[], options jsonb). */
Datum
probvec_to_probvec_keyed(PG_FUNCTION_ARGS)
{
	IngestOptions opt;
	al_pv_error err;
	ProbVec    *p = build_keyed(fcinfo, &opt, &err);

	if (p == NULL)
		probvec_report(&err, false, opt.tolerance, jsonb_text(PG_GETARG_JSONB_P(0)));
	PG_RETURN_PROBVEC_P(p);
}

/* al.probvec_problem(values jsonb, classes text[], options jsonb). */
Datum
probvec_problem_keyed(PG_FUNCTION_ARGS)
{
	IngestOptions opt;
	al_pv_error err;

	if (build_keyed(fcinfo, &opt, &err) != NULL)
		PG_RETURN_NULL();
	return problem_result(fcinfo, &err, false, opt.tolerance);
}

/* Allocate n tokens. */
static void
tokens_alloc(IngestTokens *tokens, int n)
{
	tokens->n = 0;
	tokens->logprob = (double *) palloc(sizeof(double) * Max(n, 1));
	tokens->class_of = (int *) palloc(sizeof(int) * Max(n, 1));
	tokens->name = (const char **) palloc(sizeof(char *) * Max(n, 1));
	tokens->name_len = (int *) palloc(sizeof(int) * Max(n, 1));
}

/* Add one token (name, JSON value of its log-probability); false on a problem. */
static bool
add_token(IngestTokens *tokens, const ProbVecClasses *classes, bool trim,
		  const char *name, int name_len, const JsonbValue *lp, al_pv_error *err)
{
	int			t = tokens->n;
	float		f;

	if (lp->type == jbvNull)
		return shape_problem(err, AL_PV_NULL, t + 1, name, name_len, NULL);
	if (lp->type != jbvNumeric)
		return shape_problem(err, AL_PV_NOT_NUMBER, t + 1, name, name_len, json_kind(lp));
	(void) numeric_values(lp->val.numeric, &tokens->logprob[t], &f);
	tokens->class_of[t] = al_pv_class_find(classes->sorted, classes->k, name, name_len, trim);
	tokens->name[t] = name;
	tokens->name_len[t] = name_len;
	tokens->n++;
	return true;
}

/*
 * One element of the array form, {"token": "...", "logprob": ...} (other
 * keys, such as "bytes", ignored); false on a problem.
 */
static bool
add_token_object(IngestTokens *tokens, const ProbVecClasses *classes, bool trim,
				 const JsonbValue *elem, int position, al_pv_error *err)
{
	JsonbContainer *c;
	JsonbValue	token;
	JsonbValue	lp;

	if (elem->type != jbvBinary || !JsonContainerIsObject(elem->val.binary.data))
		return shape_problem(err, AL_PV_BAD_TOKEN, position, NULL, 0, NULL);
	c = elem->val.binary.data;
	if (getKeyJsonValueFromContainer(c, "token", 5, &token) == NULL || token.type != jbvString ||
		getKeyJsonValueFromContainer(c, "logprob", 7, &lp) == NULL || lp.type != jbvNumeric)
		return shape_problem(err, AL_PV_BAD_TOKEN, position, NULL, 0, NULL);
	return add_token(tokens, classes, trim, token.val.string.val, token.val.string.len, &lp, err);
}

/*
 * Read top log-probabilities: an object {"token": logprob, ...} or an
 * array [{"token": "...", "logprob": ...}, ...] (the OpenAI form).
 */
static bool
read_tokens(Jsonb *j, const ProbVecClasses *classes, bool trim,
			IngestTokens *tokens, al_pv_error *err)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	const char *key = NULL;
	int			key_len = 0;
	int			position = 0;

	if (JB_ROOT_IS_SCALAR(j))
		return shape_problem(err, AL_PV_NOT_OBJECT, 0, NULL, 0, jsonb_kind(j));
	tokens_alloc(tokens, JB_ROOT_COUNT(j));
	it = JsonbIteratorInit(&j->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			key = v.val.string.val, key_len = v.val.string.len;
		else if (tok == WJB_VALUE && !add_token(tokens, classes, trim, key, key_len, &v, err))
			return false;
		else if (tok == WJB_ELEM && !add_token_object(tokens, classes, trim, &v, ++position, err))
			return false;
	}
	return true;
}

/* al.logprobs_to_probvec or its check; NULL with err when refused. */
static ProbVec *
build_logprobs(FunctionCallInfo fcinfo, IngestOptions *opt, al_pv_error *err)
{
	Jsonb	   *j = PG_GETARG_JSONB_P(0);
	ProbVecClasses classes;
	IngestTokens tokens;
	int			other = -1;
	double	   *mass;
	ProbVec    *p;

	read_options(fcinfo, 2, true, opt);
	probvec_read_classes(PG_GETARG_ARRAYTYPE_P(1), &classes);
	if (opt->rest == AL_REST_OTHER)
	{
		other = al_pv_class_find(classes.sorted, classes.k, opt->other, strlen(opt->other), false);
		if (other < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the class of the rest, \"%s\", is not in the class list", opt->other),
					 errhint("Add it to the classes, or name another one with the option \"other\".")));
	}
	if (!read_tokens(j, &classes, opt->trim, &tokens, err))
		return NULL;
	mass = (double *) palloc(sizeof(double) * classes.k);
	p = probvec_new(classes.k);
	if (al_pv_from_logprobs(tokens.logprob, tokens.class_of, tokens.n, classes.k, opt->rest,
							other, opt->tolerance, mass, p->x, err) != AL_PV_OK)
	{
		if (err->status == AL_PV_LOGPROB_RANGE)
		{
			err->name = tokens.name[err->position - 1];
			err->name_len = tokens.name_len[err->position - 1];
		}
		return NULL;
	}
	probvec_check_values(p->x, p->dim);
	return p;
}

/* al.logprobs_to_probvec(logprobs jsonb, classes text[], options jsonb). */
Datum
probvec_from_logprobs(PG_FUNCTION_ARGS)
{
	IngestOptions opt;
	al_pv_error err;
	ProbVec    *p = build_logprobs(fcinfo, &opt, &err);

	if (p == NULL)
		probvec_report(&err, true, opt.tolerance, jsonb_text(PG_GETARG_JSONB_P(0)));
	PG_RETURN_PROBVEC_P(p);
}

/* al.logprobs_problem(logprobs jsonb, classes text[], options jsonb). */
Datum
probvec_logprobs_problem(PG_FUNCTION_ARGS)
{
	IngestOptions opt;
	al_pv_error err;

	if (build_logprobs(fcinfo, &opt, &err) != NULL)
		PG_RETURN_NULL();
	return problem_result(fcinfo, &err, true, opt.tolerance);
}
