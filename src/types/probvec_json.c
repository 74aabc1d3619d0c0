/*
 * probvec_json.c - JSON output of al.probvec: the casts to json and jsonb
 * (a JSON array of numbers, the digits of the text output, which to_json,
 * to_jsonb and json_build_object use through the cast to json), and
 * al.probvec_to_jsonb(p, classes), an object keyed by class name.
 * The numbers are float4out's shortest exact decimals, so a probvec read
 * back from its JSON (the cast jsonb -> al.probvec) has the same bits.
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"

#include "probvec.h"

PG_FUNCTION_INFO_V1(probvec_to_json);
PG_FUNCTION_INFO_V1(probvec_to_jsonb);
PG_FUNCTION_INFO_V1(probvec_to_jsonb_keyed);

/* The JSON text of argument 0: its text output, which is a JSON array. */
static char *
probvec_json_text(FunctionCallInfo fcinfo)
{
	return DatumGetCString(DirectFunctionCall1(probvec_out, PG_GETARG_DATUM(0)));
}

/* Cast al.probvec -> json: [0.1,0.2,0.7]. */
Datum
probvec_to_json(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(probvec_json_text(fcinfo)));
}

/* Cast al.probvec -> jsonb: [0.1, 0.2, 0.7]. */
Datum
probvec_to_jsonb(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(probvec_json_text(fcinfo)));
}

/*
 * al.probvec_to_jsonb(p, classes): {"class": probability, ...}, one key per
 * class of a class list as long as p (no NULL, no name twice).
 */
Datum
probvec_to_jsonb_keyed(PG_FUNCTION_ARGS)
{
	ProbVecView view;
	ProbVecClasses classes;
	StringInfoData buf;
	int			i;

	probvec_read(PG_GETARG_DATUM(0), &view);
	probvec_read_classes(PG_GETARG_ARRAYTYPE_P(1), &classes);
	if (classes.k != view.dim)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("probvec has %d classes, the class list %d", view.dim, classes.k)));
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (i = 0; i < view.dim; i++)
	{
		char		number[AL_PROBVEC_VALUE_CHARS + 1];
		int			len = probvec_format_float4(view.x[i], number);

		if (i > 0)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, pnstrdup(classes.in_order[i].name, classes.in_order[i].len));
		appendStringInfo(&buf, ": %.*s", len, number);
	}
	appendStringInfoChar(&buf, '}');
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}
