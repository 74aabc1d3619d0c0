/*
 * model_predict.c - prediction with stored models, and their coefficients.
 *
 * Per row, plain loops in double (src/core: al_softmax_predict_row through
 * al_committee_predict_row); the model comes from the per-backend cache
 * (by name or id) or from an exported value (al.model_export, any family),
 * unpacked once per call site and kept in its fn_extra.  Each function of
 * a model takes the three: one C body, the argument read by family_model.
 *
 * Each prediction function has one public signature over double precision[]
 * features and a twin named <name>_real over real[] (the same C function:
 * it reads either element type in place).  The planner support function
 * of the public ones, al.real_features_support (src/real_features.c), calls
 * the twin when the argument is really a real[] widened to double
 * precision[], so a real[] column is not copied into a new array per row.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"

#include "committee_model.h"
#include "model.h"
#include "ovr_model.h"
#include "probvec.h"
#include "sql_args.h"

PG_FUNCTION_INFO_V1(al_predict_proba);
PG_FUNCTION_INFO_V1(al_predict_proba_id);
PG_FUNCTION_INFO_V1(al_model_export);
PG_FUNCTION_INFO_V1(al_predict_proba_value);
PG_FUNCTION_INFO_V1(al_predict_by_value);
PG_FUNCTION_INFO_V1(al_predict_committee_by_value);
PG_FUNCTION_INFO_V1(al_predict);
PG_FUNCTION_INFO_V1(al_predict_committee);
PG_FUNCTION_INFO_V1(al_model_coefficients);
PG_FUNCTION_INFO_V1(al_predict_label_probs);
PG_FUNCTION_INFO_V1(al_predict_label_probs_id);
PG_FUNCTION_INFO_V1(al_predict_labels);
PG_FUNCTION_INFO_V1(al_predict_labels_id);
PG_FUNCTION_INFO_V1(al_predict_committee_label_probs);
PG_FUNCTION_INFO_V1(al_predict_committee_label_probs_id);
PG_FUNCTION_INFO_V1(al_predict_value);
PG_FUNCTION_INFO_V1(al_predict_value_id);
PG_FUNCTION_INFO_V1(al_predict_committee_values);
PG_FUNCTION_INFO_V1(al_predict_committee_values_id);
PG_FUNCTION_INFO_V1(al_predict_label_probs_by_value);
PG_FUNCTION_INFO_V1(al_predict_labels_by_value);
PG_FUNCTION_INFO_V1(al_predict_committee_label_probs_by_value);
PG_FUNCTION_INFO_V1(al_predict_value_by_value);
PG_FUNCTION_INFO_V1(al_predict_committee_values_by_value);

/* Features on the stack up to this many, palloc'd beyond. */
#define STACK_FEATURES 256

/* What a prediction function's first argument is. */
typedef enum ModelArg
{
	MODEL_ARG_NAME,				/* text: the model's latest version */
	MODEL_ARG_ID,				/* bigint: a fixed version */
	MODEL_ARG_VALUE				/* bytea: an exported version (al.model_export) */
} ModelArg;

static AlModel *family_model(FunctionCallInfo fcinfo, ModelArg how, ModelFamily family,
							 const char *function);

/* ERROR for feature j (0-based) of value v if the model cannot use it. */
static void
check_feature(int j, double v)
{
	const char *problem = model_feature_problem(v);

	if (problem)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("feature %d %s: %s", j + 1, problem, float8out_internal(v))));
}

/*
 * Read a real[] or double precision[] feature vector for model into x
 * (model->d floats), checking shape, NULLs and values.  The array is read
 * where it lies (a detoasted copy only for what is stored toasted,
 * compressed or with a short header).
 */
static void
read_features(const AlModel *model, ArrayType *a, float *x)
{
	int			n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	int			j;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature vector must be a one-dimensional array")));
	if (n != model->d)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature vector has %d values, model \"%s\" expects %d",
						n, model->name, model->d)));
	if (array_contains_nulls(a))
	{
		bits8	   *bitmap = ARR_NULLBITMAP(a);

		for (j = 0; j < n; j++)
			if (!(bitmap[j / 8] & (1 << (j % 8))))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("feature %d is null", j + 1)));
	}
	if (ARR_ELEMTYPE(a) == FLOAT4OID)
	{
		const float4 *v = (const float4 *) ARR_DATA_PTR(a);

		for (j = 0; j < n; j++)
		{
			if (!isfinite(v[j]))
				check_feature(j, v[j]);
			x[j] = v[j];
		}
	}
	else if (ARR_ELEMTYPE(a) == FLOAT8OID)
	{
		const float8 *v = (const float8 *) ARR_DATA_PTR(a);

		for (j = 0; j < n; j++)
		{
			x[j] = (float) v[j];
			if (!isfinite(x[j]))
				check_feature(j, v[j]);
		}
	}
	else
		elog(ERROR, "unexpected feature array element type %u", ARR_ELEMTYPE(a));
}

/*
 * ERROR (42809, wrong object type) unless model is of family; function
 * names the SQL function refusing it, and the hint the ones that take it.
 */
void
model_check_family(const AlModel *model, ModelFamily family, const char *function)
{
	static const char *const takers[] = {
		"al.predict_proba, al.predict and al.predict_committee",
		"al.predict_label_probs, al.predict_labels and al.predict_committee_label_probs",
		"al.predict_value and al.predict_committee_values"
	};

	if (model->family != family)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" is of family %s; %s takes a model of family %s",
						model->name, model_family_name(model->family), function,
						model_family_name(family)),
				 errhint("A %s model is used by %s.", model_family_name(model->family),
						 takers[model->family])));
}

/* The committee's mean distribution for features a, as float4 values. */
static void
predict_floats(const AlModel *model, ArrayType *a, float4 *out)
{
	float		xbuf[STACK_FEATURES];
	double		pbuf[2 * 64];
	float	   *x = model->d <= STACK_FEATURES ? xbuf : palloc(sizeof(float) * model->d);
	double	   *p = model->k <= 64 ? pbuf : palloc(sizeof(double) * 2 * model->k);
	int			j;

	read_features(model, a, x);
	al_committee_predict_row(model->m, model->members, x, p, p + model->k);
	for (j = 0; j < model->k; j++)
		out[j] = (float4) p[j];
}

/* A probvec for the committee's prediction (validated like any input). */
static ProbVec *
predict_probvec(const AlModel *model, ArrayType *a)
{
	ProbVec    *result = probvec_new(model->k);

	predict_floats(model, a, result->x);
	probvec_check_values(result->x, model->k);
	return result;
}

/* al.predict_proba(model text, x) -> probvec, with the latest version. */
Datum
al_predict_proba(PG_FUNCTION_ARGS)
{
	AlModel    *model = family_model(fcinfo, MODEL_ARG_NAME, MODEL_SOFTMAX, "al.predict_proba");

	PG_RETURN_PROBVEC_P(predict_probvec(model, PG_GETARG_ARRAYTYPE_P(1)));
}

/* al.predict_proba(model_id bigint, x) -> probvec, with a fixed version. */
Datum
al_predict_proba_id(PG_FUNCTION_ARGS)
{
	AlModel    *model = family_model(fcinfo, MODEL_ARG_ID, MODEL_SOFTMAX, "al.predict_proba");

	PG_RETURN_PROBVEC_P(predict_probvec(model, PG_GETARG_ARRAYTYPE_P(1)));
}

/*
 * al.model_export(model text, version integer DEFAULT NULL) -> bytea: a
 * model version (NULL: the latest) of any family as one value that the
 * prediction functions of its family take (al.predict_proba(bytea, ...),
 * al.predict_label_probs(bytea, ...), al.predict_value(bytea, ...), ...)
 * anywhere, e.g. on Citus workers, which have no al.model_store rows
 * (doc/citus.md).  Needs the right to use the model.
 */
Datum
al_model_export(PG_FUNCTION_ARGS)
{
	char	   *name;
	AlModel    *model;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	model = PG_ARGISNULL(1) ? model_get_latest(name) : model_get_version(name, PG_GETARG_INT32(1));
	PG_RETURN_BYTEA_P(model_export_pack(model));
}

/* The exported model a call unpacked last, kept in its fn_extra. */
typedef struct ValueModelCache
{
	char	   *bytes;			/* a copy of the value */
	Size		len;
	bool		constant;		/* the call's first argument is a Const */
	AlModel    *model;			/* unpacked, in a context under fn_mcxt */
} ValueModelCache;

/*
 * Whether the first argument of the call is a Const node: then its value
 * is the same for the life of fn_extra (not so a Param: PL/pgSQL keeps a
 * simple expression's state across calls with other values).
 */
static bool
first_arg_constant(FunctionCallInfo fcinfo)
{
	Node	   *expr = fcinfo->flinfo->fn_expr;

	return expr != NULL && IsA(expr, FuncExpr) && ((FuncExpr *) expr)->args != NIL &&
		IsA(linitial(((FuncExpr *) expr)->args), Const);
}

/*
 * The model of an exported value, unpacked once per query: a call keeps
 * the last value it unpacked and reuses it while the bytes are the same
 * (a column of equal values), or at once when the value is a constant
 * (the model literal of a round's query with option score_in: comparing
 * its bytes on every row cost as much as predicting, a 300 kB model).
 */
AlModel *
model_value_get(FunctionCallInfo fcinfo, bytea *blob)
{
	ValueModelCache *c = (ValueModelCache *) fcinfo->flinfo->fn_extra;
	const char *bytes = VARDATA_ANY(blob);
	Size		len = VARSIZE_ANY_EXHDR(blob);
	AlModel    *model;

	if (c && c->model && (c->constant || (c->len == len && memcmp(c->bytes, bytes, len) == 0)))
		return c->model;
	if (c == NULL)
	{
		c = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ValueModelCache));
		c->constant = first_arg_constant(fcinfo);
	}
	if (c->model)
	{
		MemoryContextDelete(c->model->cxt);
		pfree(c->bytes);
		c->model = NULL;
		c->bytes = NULL;
		c->len = 0;
	}
	model = model_export_unpack(blob, fcinfo->flinfo->fn_mcxt);
	c->bytes = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, Max(len, 1));
	memcpy(c->bytes, bytes, len);
	c->len = len;
	c->model = model;
	return model;
}

/*
 * The model of a prediction function's first argument, checked to be of
 * family: a name (the latest version), an id (a fixed version) or an
 * exported value (al.model_export), as how says.
 */
static AlModel *
family_model(FunctionCallInfo fcinfo, ModelArg how, ModelFamily family, const char *function)
{
	AlModel    *model;

	if (how == MODEL_ARG_VALUE)
		model = model_value_get(fcinfo, PG_GETARG_BYTEA_PP(0));
	else if (how == MODEL_ARG_ID)
		model = model_get_by_id(PG_GETARG_INT64(0));
	else
		model = model_get_latest(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	model_check_family(model, family, function);
	return model;
}

/*
 * al.predict_proba(model bytea, x) -> probvec: class probabilities of an
 * exported model (al.model_export), equal to al.predict_proba by name or
 * id on the same version; reads no table, so it is immutable and runs
 * wherever the rows are.
 */
Datum
al_predict_proba_value(PG_FUNCTION_ARGS)
{
	AlModel    *model = family_model(fcinfo, MODEL_ARG_VALUE, MODEL_SOFTMAX, "al.predict_proba");

	PG_RETURN_PROBVEC_P(predict_probvec(model, PG_GETARG_ARRAYTYPE_P(1)));
}

/* The most probable class of model for features a (ties: the first), as text. */
static text *
predict_class(const AlModel *model, ArrayType *a)
{
	float4	   *p = (float4 *) palloc(sizeof(float4) * model->k);
	int			best = 0;
	int			j;

	predict_floats(model, a, p);
	for (j = 1; j < model->k; j++)
		if (p[j] > p[best])
			best = j;
	return cstring_to_text(model->classes[best]);
}

/* al.predict(model text, x) -> text: the most probable class (ties: first). */
Datum
al_predict(PG_FUNCTION_ARGS)
{
	AlModel    *model = family_model(fcinfo, MODEL_ARG_NAME, MODEL_SOFTMAX, "al.predict");

	PG_RETURN_TEXT_P(predict_class(model, PG_GETARG_ARRAYTYPE_P(1)));
}

/* al.predict(model bytea, x) -> text: al.predict with an exported model. */
Datum
al_predict_by_value(PG_FUNCTION_ARGS)
{
	AlModel    *model = family_model(fcinfo, MODEL_ARG_VALUE, MODEL_SOFTMAX, "al.predict");

	PG_RETURN_TEXT_P(predict_class(model, PG_GETARG_ARRAYTYPE_P(1)));
}

/*
 * The oid of al.probvec, from this function's declared al.probvec[] result
 * (in the catalog, so it is known however the function is called).
 */
static Oid
probvec_type_of_array(FunctionCallInfo fcinfo)
{
	Oid			elem = get_element_type(get_func_rettype(fcinfo->flinfo->fn_oid));

	if (!OidIsValid(elem))
		elog(ERROR, "could not determine the result type of al.predict_committee");
	return elem;
}

/* Each member's distribution for features a, as an al.probvec[]. */
static ArrayType *
committee_probvecs(FunctionCallInfo fcinfo, const AlModel *model, ArrayType *a)
{
	float	   *x = (float *) palloc(sizeof(float) * model->d);
	double	   *p = (double *) palloc(sizeof(double) * model->k);
	Datum	   *members = (Datum *) palloc(sizeof(Datum) * model->members);
	int			i,
				j;

	read_features(model, a, x);
	for (i = 0; i < model->members; i++)
	{
		ProbVec    *pv = probvec_new(model->k);

		al_softmax_predict_row(&model->m[i], x, p);
		for (j = 0; j < model->k; j++)
			pv->x[j] = (float4) p[j];
		probvec_check_values(pv->x, model->k);
		members[i] = PointerGetDatum(pv);
	}
	return construct_array(members, model->members, probvec_type_of_array(fcinfo),
						   -1, false, TYPALIGN_INT);
}

/* al.predict_committee(model text, x) -> probvec[]: each member's distribution. */
Datum
al_predict_committee(PG_FUNCTION_ARGS)
{
	AlModel    *model = family_model(fcinfo, MODEL_ARG_NAME, MODEL_SOFTMAX, "al.predict_committee");

	PG_RETURN_ARRAYTYPE_P(committee_probvecs(fcinfo, model, PG_GETARG_ARRAYTYPE_P(1)));
}

/* al.predict_committee(model bytea, x) -> probvec[]: with an exported model. */
Datum
al_predict_committee_by_value(PG_FUNCTION_ARGS)
{
	AlModel    *model = family_model(fcinfo, MODEL_ARG_VALUE, MODEL_SOFTMAX, "al.predict_committee");

	PG_RETURN_ARRAYTYPE_P(committee_probvecs(fcinfo, model, PG_GETARG_ARRAYTYPE_P(1)));
}

/*
 * al.model_coefficients(model text, version integer) -> setof (member, class,
 * intercept, coef): each member's weights in the original feature space
 * (x . coef + intercept is the logit of class), like scikit-learn's coef_
 * and intercept_.  version NULL means the latest, so the function is not
 * STRICT and checks the model name itself.
 */
Datum
al_model_coefficients(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *name;
	AlModel    *model;
	double	   *coef;
	double	   *intercept;
	Datum	   *row;
	int			i,
				c,
				j;

	al_require_arg(fcinfo, 0, "model name");
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	model = PG_ARGISNULL(1) ? model_get_latest(name)
		: model_get_version(name, PG_GETARG_INT32(1));
	coef = (double *) palloc(sizeof(double) * model->k * model->d);
	intercept = (double *) palloc(sizeof(double) * model->k);
	row = (Datum *) palloc(sizeof(Datum) * model->d);
	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < model->members; i++)
	{
		al_softmax_to_original(&model->m[i], coef, intercept);
		for (c = 0; c < model->k; c++)
		{
			Datum		values[4];
			bool		nulls[4] = {false, false, false, false};

			for (j = 0; j < model->d; j++)
				row[j] = Float8GetDatum(coef[c * model->d + j]);
			values[0] = Int32GetDatum(i + 1);
			/* a ridge model's one output has no class */
			nulls[1] = model->classes == NULL;
			values[1] = model->classes ? CStringGetTextDatum(model->classes[c]) : (Datum) 0;
			values[2] = Float8GetDatum(intercept[c]);
			values[3] = PointerGetDatum(construct_array(row, model->d, FLOAT8OID, sizeof(float8),
														FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

/* A one-dimensional real[] of the n values v (rounded to real). */
static ArrayType *
real_array(const double *v, int n)
{
	Datum	   *d = (Datum *) palloc(sizeof(Datum) * Max(n, 1));
	int			j;

	for (j = 0; j < n; j++)
		d[j] = Float4GetDatum((float4) v[j]);
	return construct_array(d, n, FLOAT4OID, sizeof(float4), true, TYPALIGN_INT);
}

/*
 * The label probabilities (the members' mean) of a one-vs-rest model for
 * the features of argument 1, k doubles palloc'd.
 */
static double *
label_probs(FunctionCallInfo fcinfo, ModelArg how, const char *function, AlModel **modelp)
{
	AlModel    *model = family_model(fcinfo, how, MODEL_OVR, function);
	float	   *x = (float *) palloc(sizeof(float) * model->d);
	double	   *p = (double *) palloc(sizeof(double) * 2 * model->k);

	read_features(model, PG_GETARG_ARRAYTYPE_P(1), x);
	al_ovr_committee_predict_row(model->m, model->members, x, p, p + model->k);
	*modelp = model;
	return p;
}

/* The real[] of a one-vs-rest model's label probabilities (its classes' order). */
static Datum
label_probs_datum(FunctionCallInfo fcinfo, ModelArg how)
{
	AlModel    *model;
	double	   *p = label_probs(fcinfo, how, "al.predict_label_probs", &model);

	PG_RETURN_ARRAYTYPE_P(real_array(p, model->k));
}

/* al.predict_label_probs(model text, x) -> real[]: each label's probability. */
Datum
al_predict_label_probs(PG_FUNCTION_ARGS)
{
	return label_probs_datum(fcinfo, MODEL_ARG_NAME);
}

/* al.predict_label_probs(model_id bigint, x) -> real[]. */
Datum
al_predict_label_probs_id(PG_FUNCTION_ARGS)
{
	return label_probs_datum(fcinfo, MODEL_ARG_ID);
}

/*
 * al.predict_label_probs(model bytea, x) -> real[]: with an exported model
 * (al.model_export), equal to the function by name or id on that version.
 */
Datum
al_predict_label_probs_by_value(PG_FUNCTION_ARGS)
{
	return label_probs_datum(fcinfo, MODEL_ARG_VALUE);
}

/*
 * The text[] of the classes whose probability (the members' mean, rounded
 * to real as al.predict_label_probs shows it) is at least 0.5, in the
 * classes' order; '{}' when none is.
 */
static Datum
labels_datum(FunctionCallInfo fcinfo, ModelArg how)
{
	AlModel    *model;
	double	   *p = label_probs(fcinfo, how, "al.predict_labels", &model);
	Datum	   *out = (Datum *) palloc(sizeof(Datum) * model->k);
	int			n = 0,
				c;

	for (c = 0; c < model->k; c++)
		if ((float4) p[c] >= 0.5f)
			out[n++] = CStringGetTextDatum(model->classes[c]);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* al.predict_labels(model text, x) -> text[]: the predicted set. */
Datum
al_predict_labels(PG_FUNCTION_ARGS)
{
	return labels_datum(fcinfo, MODEL_ARG_NAME);
}

/* al.predict_labels(model_id bigint, x) -> text[]. */
Datum
al_predict_labels_id(PG_FUNCTION_ARGS)
{
	return labels_datum(fcinfo, MODEL_ARG_ID);
}

/* al.predict_labels(model bytea, x) -> text[]: with an exported model. */
Datum
al_predict_labels_by_value(PG_FUNCTION_ARGS)
{
	return labels_datum(fcinfo, MODEL_ARG_VALUE);
}

/*
 * The members x labels real[][] of a one-vs-rest committee's label
 * probabilities: row i is member i's al.predict_label_probs.
 */
static Datum
committee_label_probs_datum(FunctionCallInfo fcinfo, ModelArg how)
{
	AlModel    *model = family_model(fcinfo, how, MODEL_OVR, "al.predict_committee_label_probs");
	int			k = model->k,
				dims[2] = {model->members, k},
				lbs[2] = {1, 1},
				i,
				c;
	float	   *x = (float *) palloc(sizeof(float) * model->d);
	double	   *p = (double *) palloc(sizeof(double) * k);
	Datum	   *out = (Datum *) palloc(sizeof(Datum) * (Size) model->members * k);

	read_features(model, PG_GETARG_ARRAYTYPE_P(1), x);
	for (i = 0; i < model->members; i++)
	{
		al_ovr_predict_row(&model->m[i], x, p);
		for (c = 0; c < k; c++)
			out[(Size) i * k + c] = Float4GetDatum((float4) p[c]);
	}
	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, NULL, 2, dims, lbs, FLOAT4OID, sizeof(float4),
											 true, TYPALIGN_INT));
}

/* al.predict_committee_label_probs(model text, x) -> real[][]. */
Datum
al_predict_committee_label_probs(PG_FUNCTION_ARGS)
{
	return committee_label_probs_datum(fcinfo, MODEL_ARG_NAME);
}

/* al.predict_committee_label_probs(model_id bigint, x) -> real[][]. */
Datum
al_predict_committee_label_probs_id(PG_FUNCTION_ARGS)
{
	return committee_label_probs_datum(fcinfo, MODEL_ARG_ID);
}

/* al.predict_committee_label_probs(model bytea, x) -> real[][]: with an exported model. */
Datum
al_predict_committee_label_probs_by_value(PG_FUNCTION_ARGS)
{
	return committee_label_probs_datum(fcinfo, MODEL_ARG_VALUE);
}

/*
 * Each member's prediction intercept + coef . x of a ridge model for the
 * features of argument 1 (members doubles, palloc'd); ERROR if one is not
 * finite (beyond double precision).
 */
static double *
member_values(FunctionCallInfo fcinfo, ModelArg how, const char *function, AlModel **modelp)
{
	AlModel    *model = family_model(fcinfo, how, MODEL_RIDGE, function);
	float	   *x = (float *) palloc(sizeof(float) * model->d);
	double	   *v = (double *) palloc(sizeof(double) * model->members);
	int			i;

	read_features(model, PG_GETARG_ARRAYTYPE_P(1), x);
	for (i = 0; i < model->members; i++)
	{
		al_softmax_logits_row(&model->m[i], x, &v[i]);
		if (!isfinite(v[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("prediction of model \"%s\" is out of range for type double precision",
							model->name)));
	}
	*modelp = model;
	return v;
}

/* The members' mean prediction of a ridge model. */
static Datum
value_datum(FunctionCallInfo fcinfo, ModelArg how)
{
	AlModel    *model;
	double	   *v = member_values(fcinfo, how, "al.predict_value", &model);
	double		sum = 0;
	int			i;

	for (i = 0; i < model->members; i++)
		sum += v[i];
	PG_RETURN_FLOAT8(sum / model->members);
}

/* al.predict_value(model text, x) -> double precision. */
Datum
al_predict_value(PG_FUNCTION_ARGS)
{
	return value_datum(fcinfo, MODEL_ARG_NAME);
}

/* al.predict_value(model_id bigint, x) -> double precision. */
Datum
al_predict_value_id(PG_FUNCTION_ARGS)
{
	return value_datum(fcinfo, MODEL_ARG_ID);
}

/* al.predict_value(model bytea, x) -> double precision: with an exported model. */
Datum
al_predict_value_by_value(PG_FUNCTION_ARGS)
{
	return value_datum(fcinfo, MODEL_ARG_VALUE);
}

/* The real[] of each member's prediction of a ridge committee. */
static Datum
committee_values_datum(FunctionCallInfo fcinfo, ModelArg how)
{
	AlModel    *model;
	double	   *v = member_values(fcinfo, how, "al.predict_committee_values", &model);
	int			i;

	for (i = 0; i < model->members; i++)
		if (isinf((float4) v[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("prediction of model \"%s\" is out of range for type real",
							model->name)));
	PG_RETURN_ARRAYTYPE_P(real_array(v, model->members));
}

/* al.predict_committee_values(model text, x) -> real[]. */
Datum
al_predict_committee_values(PG_FUNCTION_ARGS)
{
	return committee_values_datum(fcinfo, MODEL_ARG_NAME);
}

/* al.predict_committee_values(model_id bigint, x) -> real[]. */
Datum
al_predict_committee_values_id(PG_FUNCTION_ARGS)
{
	return committee_values_datum(fcinfo, MODEL_ARG_ID);
}

/* al.predict_committee_values(model bytea, x) -> real[]: with an exported model. */
Datum
al_predict_committee_values_by_value(PG_FUNCTION_ARGS)
{
	return committee_values_datum(fcinfo, MODEL_ARG_VALUE);
}
