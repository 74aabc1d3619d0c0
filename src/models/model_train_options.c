/*
 * model_train_options.c - the options object of al.train_model (and of a
 * learner's trainings): every option parsed and checked at the door
 * (22023), the options a family does not take refused, and the effective
 * options as the JSON a model version stores (defaults filled in).
 */
#include "postgres.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"

#include "al_ext.h"
#include "class_weight.h"
#include "model.h"
#include "sql_args.h"
#include "train_request.h"

/* The family option: softmax, ovr or ridge. */
static ModelFamily
parse_family(const char *key, JsonbValue *v)
{
	char	   *name;
	ModelFamily family;

	if (v->type != jbvString)
		al_bad_option(key, "must be \"softmax\", \"ovr\" or \"ridge\"");
	name = pnstrdup(v->val.string.val, v->val.string.len);
	if (model_family_lookup(name, &family))
		return family;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown model family \"%s\"", name),
			 errhint("Valid families are softmax, ovr and ridge.")));
	return MODEL_SOFTMAX;
}

/*
 * The classes option of a one-vs-rest model: a non-empty JSON array of
 * distinct strings, kept in its order.
 */
static void
parse_classes(TrainRequest *req, const char *key, JsonbValue *v)
{
	JsonbIterator *it;
	JsonbValue	jv;
	JsonbIteratorToken tok;
	int			n = 0,
				i;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
		JsonContainerSize(v->val.binary.data) == 0)
		al_bad_option(key, "must be a non-empty array of strings");
	if (JsonContainerSize(v->val.binary.data) > MODEL_MAX_CLASSES)
		al_bad_option(key, psprintf("must have at most %d classes", MODEL_MAX_CLASSES));
	req->classes = (char **) palloc(sizeof(char *) * JsonContainerSize(v->val.binary.data));
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &jv, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (jv.type != jbvString)
			al_bad_option(key, "must be a non-empty array of strings");
		req->classes[n] = pnstrdup(jv.val.string.val, jv.val.string.len);
		for (i = 0; i < n; i++)
			if (strcmp(req->classes[i], req->classes[n]) == 0)
				al_bad_option(key, psprintf("names class \"%s\" twice", req->classes[n]));
		n++;
	}
	req->n_classes = n;
}

/* Apply one option to the request; ERROR for unknown names and bad values. */
static void
apply_option(void *ctx, const char *key, JsonbValue *v)
{
	TrainRequest *req = (TrainRequest *) ctx;

	if (strcmp(key, "family") == 0)
		req->family = parse_family(key, v);
	else if (strcmp(key, "alpha") == 0)
	{
		req->given |= OPT_ALPHA;
		req->alpha = al_option_number(key, v);
		if (!(isfinite(req->alpha) && req->alpha > 0))
			al_bad_option(key, "must be a positive number");
	}
	else if (strcmp(key, "classes") == 0)
	{
		req->given |= OPT_CLASSES;
		parse_classes(req, key, v);
	}
	else if (strcmp(key, "c") == 0)
	{
		req->given |= OPT_C;
		req->opt.c = al_option_number(key, v);
		if (!(isfinite(req->opt.c) && req->opt.c > 0))
			al_bad_option(key, "must be a positive number");
	}
	else if (strcmp(key, "max_iter") == 0)
	{
		req->given |= OPT_MAX_ITER;
		req->opt.max_iter = (int) al_option_integer(key, v, 1, 100000);
	}
	else if (strcmp(key, "tol") == 0)
	{
		req->given |= OPT_TOL;
		req->opt.tol = al_option_number(key, v);
		if (!(isfinite(req->opt.tol) && req->opt.tol > 0))
			al_bad_option(key, "must be a positive number");
	}
	else if (strcmp(key, "ftol") == 0)
	{
		req->given |= OPT_FTOL;
		req->opt.ftol = al_option_number(key, v);
		if (!(isfinite(req->opt.ftol) && req->opt.ftol >= 0 && req->opt.ftol < 1))
			al_bad_option(key, "must be a number in [0, 1)");
	}
	else if (strcmp(key, "members") == 0)
		req->opt.members = (int) al_option_integer(key, v, 1, 1000);
	else if (strcmp(key, "seed") == 0)
		req->opt.seed = (uint64_t) al_option_integer(key, v, 0, INT64CONST(9007199254740992));
	else if (strcmp(key, "standardize") == 0)
	{
		if (v->type != jbvBool)
			al_bad_option(key, "must be true or false");
		req->opt.standardize = v->val.boolean;
	}
	else if (strcmp(key, "holdout") == 0)
	{
		req->given |= OPT_HOLDOUT;
		req->holdout = al_option_number(key, v);
		if (!(req->holdout >= 0 && req->holdout < 1))
			al_bad_option(key, "must be a fraction in [0, 1)");
	}
	else if (strcmp(key, "class_weight") == 0)
	{
		req->given |= OPT_CLASS_WEIGHT;
		al_class_weight_parse(key, v, &req->class_weight);
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown option \"%s\"", key),
				 errhint("Valid options are family, c, max_iter, tol, ftol, members, seed, standardize, holdout, class_weight, alpha and classes.")));
}

/*
 * ERROR for an option the chosen family does not take: alpha is ridge's,
 * classes ovr's, holdout and class_weight softmax's, the L-BFGS options
 * (c, max_iter, tol, ftol) not ridge's.
 */
static void
check_family_options(const TrainRequest *req)
{
	static const int allowed[] = {
		OPT_LBFGS | OPT_HOLDOUT | OPT_CLASS_WEIGHT, /* softmax */
		OPT_LBFGS | OPT_CLASSES,	/* ovr */
		OPT_ALPHA				/* ridge */
	};
	static const char *const names[] = {"c", "max_iter", "tol", "ftol", "holdout",
	"class_weight", "alpha", "classes"};
	int			bad = req->given & ~allowed[req->family];
	int			i;

	for (i = 0; bad != 0 && i < lengthof(names); i++)
		if (bad & (1 << i))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"%s\" does not apply to a model of family %s",
							names[i], model_family_name(req->family)),
					 errhint("Softmax takes c, max_iter, tol, ftol, holdout and class_weight; ovr c, max_iter, tol, ftol and classes; ridge alpha; all take members, seed and standardize.")));
}

/* Parse the options object into req (defaults first). */
void
train_parse_options(TrainRequest *req, Jsonb *options)
{
	al_softmax_options_init(&req->opt);
	req->holdout = 0;
	req->alpha = 1.0;
	al_options_foreach(options, apply_option, req);
	check_family_options(req);
	model_core_hooks(&req->opt);
}

/*
 * The effective options of a one-vs-rest or ridge model as a JSON object
 * (the family first, then what that family takes).
 */
static char *
family_options_json(const TrainRequest *req)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"family\": \"%s\"", model_family_name(req->family));
	if (req->family == MODEL_RIDGE)
		appendStringInfo(&buf, ", \"alpha\": %s", float8out_internal(req->alpha));
	else
		appendStringInfo(&buf, ", \"c\": %s, \"max_iter\": %d, \"tol\": %s, \"ftol\": %s",
						 float8out_internal(req->opt.c), req->opt.max_iter,
						 float8out_internal(req->opt.tol), float8out_internal(req->opt.ftol));
	appendStringInfo(&buf, ", \"members\": %d, \"seed\": " UINT64_FORMAT ", \"standardize\": %s",
					 req->opt.members, (uint64) req->opt.seed,
					 req->opt.standardize ? "true" : "false");
	if (req->classes != NULL)
	{
		appendStringInfoString(&buf, ", \"classes\": [");
		for (i = 0; i < req->n_classes; i++)
		{
			if (i > 0)
				appendStringInfoString(&buf, ", ");
			escape_json(&buf, req->classes[i]);
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/* The effective options as a JSON object. */
char *
train_options_json(const TrainRequest *req)
{
	StringInfoData buf;

	if (req->family != MODEL_SOFTMAX)
		return family_options_json(req);
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"c\": %s, \"max_iter\": %d, \"tol\": %s, \"ftol\": %s, \"members\": %d, \"seed\": " UINT64_FORMAT ", \"standardize\": %s, \"holdout\": %s",
					 float8out_internal(req->opt.c), req->opt.max_iter,
					 float8out_internal(req->opt.tol), float8out_internal(req->opt.ftol), req->opt.members,
					 (uint64) req->opt.seed, req->opt.standardize ? "true" : "false",
					 float8out_internal(req->holdout));
	al_class_weight_append_json(&buf, &req->class_weight);
	appendStringInfoChar(&buf, '}');
	return buf.data;
}
