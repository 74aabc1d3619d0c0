/*
 * probvec_problem.c - the one text of every reason a value cannot become a
 * probvec.  The constructors raise it (probvec_raise), the checks
 * al.probvec_problem and al.logprobs_problem return its message, so both
 * always say the same thing (see doc/probvec.md).
 */
#include "postgres.h"

#include <math.h>

#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "probvec.h"

/* Characters of an input shown in an error's detail. */
#define PROBVEC_INPUT_EXCERPT	200

/* float4out's text of a value (palloc'd). */
static char *
float4_text(float4 v)
{
	return DatumGetCString(DirectFunctionCall1(float4out, Float4GetDatum(v)));
}

/*
 * The shortest decimal of an offending value: as float4out writes it when
 * the value is a float4 (text, real[] and binary input), as float8out does
 * otherwise (double precision[], numeric[] and JSON input).
 */
static char *
value_text(double v)
{
	if (!isfinite(v) || (double) (float4) v == v)
		return float4_text((float4) v);
	return float8out_internal(v);
}

/*
 * The text of a sum in a message: float4's short digits, unless read back
 * they would look within the tolerance (0.95 for a float sum of
 * 0.94999998808 refused at 0.05): then double's.
 */
static char *
sum_text(double sum, double tolerance)
{
	char	   *text = float4_text((float4) sum);

	/* read as a decimal: 0.95 is within 0.05, though not in double */
	if (isfinite(sum) && fabs(strtod(text, NULL) - 1.0) <= tolerance + 1e-12)
		return float8out_internal(sum);
	return text;
}

/* Where a value is: 'at position 2', 'of class "bug"' or 'of token " bug"'. */
static char *
where_text(const al_pv_error *err, bool logprobs)
{
	if (err->name == NULL)
		return psprintf("at position %d", err->position);
	return psprintf("of %s \"%.*s\"", logprobs ? "token" : "class",
					err->name_len, err->name);
}

/* Fill a problem. */
static void
set_problem(ProbVecProblem *problem, int sqlerrcode, char *message, char *hint)
{
	problem->sqlerrcode = sqlerrcode;
	problem->message = message;
	problem->hint = hint;
}

/* The problems of a value: count, range, sum (the type's own rules). */
static bool
describe_value(const al_pv_error *err, const char *what, const char *where,
			   double tolerance, ProbVecProblem *p)
{
	switch (err->status)
	{
		case AL_PV_EMPTY:
			set_problem(p, ERRCODE_INVALID_PARAMETER_VALUE,
						pstrdup("probvec must have at least 1 class"), NULL);
			return true;
		case AL_PV_TOO_MANY:
			set_problem(p, ERRCODE_PROGRAM_LIMIT_EXCEEDED,
						psprintf("probvec cannot have more than %d classes",
								 AL_PROBVEC_MAX_CLASSES), NULL);
			return true;
		case AL_PV_NOT_FINITE:
			set_problem(p, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
						psprintf("%s %s is not finite: %s", what, where,
								 value_text(err->value)), NULL);
			return true;
		case AL_PV_OUT_OF_RANGE:
			set_problem(p, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
						psprintf("%s %s is out of range [0, 1]: %s", what, where,
								 value_text(err->value)), NULL);
			return true;
		case AL_PV_BAD_SUM:
			set_problem(p, ERRCODE_INVALID_PARAMETER_VALUE,
						psprintf("probabilities must sum to 1, not %s",
								 sum_text(err->value, tolerance)),
						tolerance == AL_PROBVEC_SUM_TOLERANCE ?
						psprintf("The sum may differ from 1 by at most %g; al.to_probvec() renormalizes values that almost sum to 1, al.normalize() rescales weights.",
								 tolerance) :
						psprintf("The sum may differ from 1 by at most the tolerance, %g.",
								 tolerance));
			return true;
		default:
			return false;
	}
}

/* The problems of the shape of the input: NULLs, JSON types, keys. */
static bool
describe_shape(const al_pv_error *err, const char *what, const char *where,
			   ProbVecProblem *p)
{
	switch (err->status)
	{
		case AL_PV_NULL:
			set_problem(p, ERRCODE_NULL_VALUE_NOT_ALLOWED,
						psprintf("%s %s is null", what, where), NULL);
			return true;
		case AL_PV_NOT_NUMBER:
			set_problem(p, ERRCODE_INVALID_PARAMETER_VALUE,
						psprintf("%s %s must be a number, not %s", what, where, err->kind), NULL);
			return true;
		case AL_PV_NOT_ARRAY:
			set_problem(p, ERRCODE_INVALID_PARAMETER_VALUE,
						psprintf("JSON probabilities must be an array, not %s", err->kind),
						pstrdup("An object keyed by class name needs the class list: al.to_probvec(value, classes)."));
			return true;
		case AL_PV_NOT_OBJECT:
			set_problem(p, ERRCODE_INVALID_PARAMETER_VALUE,
						psprintf("%s must be a JSON object, not %s",
								 strcmp(what, "probability") == 0 ? "probabilities keyed by class" :
								 "top log-probabilities", err->kind),
						strcmp(what, "probability") == 0 ? NULL :
						pstrdup("Give an object {\"token\": logprob, ...} or an array [{\"token\": \"...\", \"logprob\": ...}, ...]."));
			return true;
		case AL_PV_DIMENSIONS:
			set_problem(p, ERRCODE_ARRAY_SUBSCRIPT_ERROR,
						psprintf("probability array must be one-dimensional, not %d-dimensional",
								 err->position), NULL);
			return true;
		case AL_PV_UNKNOWN_KEY:
			set_problem(p, ERRCODE_INVALID_PARAMETER_VALUE,
						psprintf("key \"%.*s\" is not a class", err->name_len, err->name),
						pstrdup("Keys must equal a class name byte for byte; the option {\"unknown\": \"ignore\"} skips the others."));
			return true;
		default:
			return false;
	}
}

/* The problems of label-token log-probabilities. */
static bool
describe_logprobs(const al_pv_error *err, const char *where, double tolerance,
				  ProbVecProblem *p)
{
	switch (err->status)
	{
		case AL_PV_BAD_TOKEN:
			set_problem(p, ERRCODE_INVALID_PARAMETER_VALUE,
						psprintf("element %d of the top log-probabilities must be an object with a string \"token\" and a number \"logprob\"",
								 err->position), NULL);
			return true;
		case AL_PV_LOGPROB_RANGE:
			set_problem(p, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
						psprintf("log-probability %s must be at most 0, not %s", where,
								 float8out_internal(err->value)), NULL);
			return true;
		case AL_PV_NO_CLASS_TOKEN:
			set_problem(p, ERRCODE_INVALID_PARAMETER_VALUE,
						psprintf("none of the %d tokens is a class", err->position),
						pstrdup("Tokens must equal a class name byte for byte; the option {\"trim\": true} ignores white space around them."));
			return true;
		case AL_PV_ZERO_MASS:
			set_problem(p, ERRCODE_INVALID_PARAMETER_VALUE,
						pstrdup("the probabilities of all classes are 0"),
						pstrdup("Every token of a class has log-probability -Infinity (or too small to count)."));
			return true;
		case AL_PV_MASS_OVER:
			set_problem(p, ERRCODE_INVALID_PARAMETER_VALUE,
						psprintf("token probabilities sum to %s, more than 1",
								 float8out_internal(err->value)),
						psprintf("With the option \"rest\" \"other\" or \"absent\", the exp() of the log-probabilities may sum to at most 1 + the tolerance, %g.",
								 tolerance));
			return true;
		default:
			return false;
	}
}

/*
 * The reason err (a failed check of the core or of the glue's readers)
 * gives, with its SQLSTATE and hint.  logprobs: the value is label-token
 * log-probabilities (names are tokens, values log-probabilities).
 * tolerance: the sum tolerance that was applied.
 */
void
probvec_describe(const al_pv_error *err, bool logprobs, double tolerance,
				 ProbVecProblem *problem)
{
	const char *what = logprobs ? "log-probability" : "probability";
	char	   *where = where_text(err, logprobs);

	if (describe_value(err, "probability", where, tolerance, problem) ||
		describe_shape(err, what, where, problem) ||
		describe_logprobs(err, where, tolerance, problem))
		return;
	elog(ERROR, "unexpected probvec check status %d", (int) err->status);
}

/*
 * The input's text for an error's detail, cut to PROBVEC_INPUT_EXCERPT
 * characters (whole characters) so a long vector does not flood the log.
 */
static char *
input_excerpt(const char *input)
{
	int			len = strlen(input);
	int			cut;

	if (len <= PROBVEC_INPUT_EXCERPT)
		return pstrdup(input);
	cut = pg_mbcliplen(input, len, PROBVEC_INPUT_EXCERPT);
	return psprintf("%.*s... (%d bytes)", cut, input, len);
}

/*
 * ERROR with a problem; input (may be NULL) is the offending value's text,
 * named in the detail so the row can be found.
 */
void
probvec_raise(const ProbVecProblem *problem, const char *input)
{
	ereport(ERROR,
			(errcode(problem->sqlerrcode),
			 errmsg_internal("%s", problem->message),
			 input ? errdetail("The value is %s.", input_excerpt(input)) : 0,
			 problem->hint ? errhint("%s", problem->hint) : 0));
	pg_unreachable();
}

/* ERROR for a core check failure: describe, then raise. */
void
probvec_report(const al_pv_error *err, bool logprobs, double tolerance,
			   const char *input)
{
	ProbVecProblem problem;

	probvec_describe(err, logprobs, tolerance, &problem);
	probvec_raise(&problem, input);
}
