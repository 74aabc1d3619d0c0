/*
 * class_weight.c - the class_weight option (class_weight.h): parsed and
 * checked at the door (22023), its labels checked against the classes of
 * the data or the learner, and applied by multiplying each training row's
 * sample weight, so a held-out row (weight 0) stays at 0 and a committee's
 * bootstrap counts multiply it too.
 */
#include "postgres.h"

#include <math.h>
#include <stdlib.h>

#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/numeric.h"

#include "class_weight.h"
#include "sql_args.h"

/* The weight of one label in an explicit object; ERROR unless finite and > 0. */
static double
label_weight(const char *key, const char *label, JsonbValue *v)
{
	double		w;

	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\": the weight of class \"%s\" must be a number", key, label)));
	/* through the decimal text: beyond float8's range it becomes infinite, no overflow ERROR */
	w = strtod(DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric))),
			   NULL);
	if (!(isfinite(w) && w > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\": the weight of class \"%s\" must be a finite number greater than 0",
						key, label),
				 errdetail("It is %s.", float8out_internal(w))));
	return w;
}

/* Read the explicit object {"label": weight, ...} (v is its container). */
static void
parse_object(const char *key, JsonbValue *v, AlClassWeight *cw)
{
	JsonbContainer *obj = v->val.binary.data;
	int			size = JsonContainerSize(obj);
	JsonbIterator *it = JsonbIteratorInit(obj);
	JsonbValue	jv;
	JsonbIteratorToken tok;
	char	   *label = NULL;

	cw->labels = (char **) palloc(sizeof(char *) * Max(size, 1));
	cw->weights = (double *) palloc(sizeof(double) * Max(size, 1));
	while ((tok = JsonbIteratorNext(&it, &jv, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			label = pnstrdup(jv.val.string.val, jv.val.string.len);
		else if (tok == WJB_VALUE)
		{
			cw->weights[cw->n] = label_weight(key, label, &jv);
			cw->labels[cw->n++] = label;
		}
	}
}

/*
 * Parse the option's value into cw: "balanced", an object of weights, or
 * null (none).  ERROR (22023) for anything else.
 */
void
al_class_weight_parse(const char *key, JsonbValue *v, AlClassWeight *cw)
{
	memset(cw, 0, sizeof(*cw));
	if (v->type == jbvNull)
		return;
	if (v->type == jbvString)
	{
		char	   *s = pnstrdup(v->val.string.val, v->val.string.len);

		if (strcmp(s, "balanced") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"%s\" has unknown value \"%s\"", key, s),
					 errhint("Use \"balanced\" or an object {\"class\": weight, ...}.")));
		cw->balanced = true;
		return;
	}
	if (v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data))
	{
		parse_object(key, v, cw);
		return;
	}
	al_bad_option(key, "must be \"balanced\" or an object {\"class\": weight, ...}");
}

/* The index of label in classes, or -1. */
static int
class_index(const char *label, char **classes, int k)
{
	int			c;

	for (c = 0; c < k; c++)
		if (strcmp(classes[c], label) == 0)
			return c;
	return -1;
}

/* ERROR (22023) if an explicit weight names a label that is not a class. */
void
al_class_weight_check_labels(const AlClassWeight *cw, char **classes, int k)
{
	int			i;

	for (i = 0; i < cw->n; i++)
		if (class_index(cw->labels[i], classes, k) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"class_weight\" names unknown class \"%s\"", cw->labels[i])));
}

/*
 * Per-class weights into cw_out (k): "balanced" gives n / (present n_c)
 * over the rows of positive weight (present: the classes they hold), an
 * object its weights (1 for the classes it does not name).
 */
static void
class_weights(const AlClassWeight *cw, char **classes, int k, const int *y, int n,
			  const double *weight, double *cw_out)
{
	int64	   *count = (int64 *) palloc0(sizeof(int64) * k);
	int64		rows = 0;
	int			present = 0;
	int			c,
				i;

	for (c = 0; c < k; c++)
		cw_out[c] = 1.0;
	for (i = 0; i < cw->n; i++)
		cw_out[class_index(cw->labels[i], classes, k)] = cw->weights[i];
	if (cw->balanced)
	{
		for (i = 0; i < n; i++)
			if (weight[i] > 0)
			{
				count[y[i]]++;
				rows++;
			}
		for (c = 0; c < k; c++)
			present += (count[c] > 0);
		for (c = 0; c < k; c++)
			if (count[c] > 0)
				cw_out[c] = (double) rows / ((double) present * (double) count[c]);
	}
	pfree(count);
}

/*
 * Multiply each row's weight by its class's weight (rows of weight 0, the
 * holdout, stay 0).  The labels must have been checked against classes.
 */
void
al_class_weight_apply(const AlClassWeight *cw, char **classes, int k,
					  const int *y, int n, double *weight)
{
	double	   *w;
	int			i;

	if (!cw->balanced && cw->n == 0)
		return;
	al_class_weight_check_labels(cw, classes, k);
	w = (double *) palloc(sizeof(double) * k);
	class_weights(cw, classes, k, y, n, weight, w);
	for (i = 0; i < n; i++)
		weight[i] *= w[y[i]];
	pfree(w);
}

/* Append ", \"class_weight\": ..." to an options object, if the option is set. */
void
al_class_weight_append_json(StringInfo buf, const AlClassWeight *cw)
{
	int			i;

	if (cw->balanced)
		appendStringInfoString(buf, ", \"class_weight\": \"balanced\"");
	if (cw->n == 0)
		return;
	appendStringInfoString(buf, ", \"class_weight\": {");
	for (i = 0; i < cw->n; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, ", ");
		escape_json(buf, cw->labels[i]);
		appendStringInfo(buf, ": %s", float8out_internal(cw->weights[i]));
	}
	appendStringInfoChar(buf, '}');
}
