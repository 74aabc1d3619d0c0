/*
 * family.c - the learner option family (softmax, ovr, ridge) and alpha,
 * which options and strategies a multi-label or regression learner takes,
 * and its labels: a set of its classes written as a text[] literal
 * ('{contract,lease}') or a number ('412.5'), stored in one canonical
 * text form so that equal labels are equal texts (the label rules compare
 * texts).  See doc/loop.md, "Model families of learners".
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"

#include "family.h"
#include "round_select.h"
#include "sql_args.h"

/*
 * The ridge penalties a learner takes: positive (with 0, a round with fewer
 * labeled rows than features would fail on a singular system, again at
 * every round until more labels came), at most al.train_model's largest.
 */
#define MIN_ALPHA 1e-10
#define MAX_ALPHA 1e10

/* Apply option family or alpha; false if key is neither. */
bool
family_apply_option(LearnerOptions *o, const char *key, JsonbValue *v)
{
	if (strcmp(key, "family") == 0)
	{
		ModelFamily f;
		char	   *name;

		if (v->type != jbvString)
			al_bad_option(key, "must be \"softmax\", \"ovr\" or \"ridge\"");
		name = pnstrdup(v->val.string.val, v->val.string.len);
		if (!model_family_lookup(name, &f))
			al_bad_option(key, psprintf("must be \"softmax\", \"ovr\" or \"ridge\", not \"%s\"", name));
		o->family = (int) f;
		o->given |= OPTION_GIVEN_FAMILY;
	}
	else if (strcmp(key, "alpha") == 0)
	{
		o->alpha = al_option_number(key, v);
		if (!(o->alpha >= MIN_ALPHA && o->alpha <= MAX_ALPHA))
			al_bad_option(key, "must be a number between 1e-10 and 1e10");
	}
	else
		return false;
	return true;
}

/* ERROR (0A000): option key does not apply to the learner's family. */
static void
family_refuses(const LearnerOptions *o, const char *key, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("option \"%s\" is not supported by learners of family \"%s\"", key,
					model_family_name((ModelFamily) o->family)),
			 errdetail("%s", why)));
}

/*
 * ERROR unless strategy is one of the family's and the options suit a
 * learner of the family: the selection, evaluation and stopping options
 * that read class probabilities are softmax's only.
 */
void
family_check_options(const char *strategy, const LearnerOptions *o)
{
	const LearnerFamily *f = family_of(o->family);
	int			s = family_strategy_index(f, strategy);

	if (s < 0)
	{
		StringInfoData names;

		initStringInfo(&names);
		for (s = 0; s < f->n_strategies; s++)
			appendStringInfo(&names, "%s%s", s ? ", " : "", f->strategies[s].name);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("strategy \"%s\" is not one of family \"%s\"", strategy,
						model_family_name(f->family)),
				 errhint("Strategies of family \"%s\": %s.", model_family_name(f->family), names.data)));
	}
	if (f->strategies[s].committee && o->committee < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("strategy \"%s\" needs a committee", strategy),
				 errhint("Set the option \"committee\" to 2 or more members.")));
	if (o->predictions)
		family_refuses(o, "predictions", "External-prediction learners take class probabilities.");
	if (o->class_weight.balanced || o->class_weight.n > 0)
		family_refuses(o, "class_weight", "Class weights weigh the classes of a softmax model.");
	if (o->family == MODEL_OVR && o->alpha != 1.0)
		family_refuses(o, "alpha", "It is the ridge penalty; a multi-label learner takes \"c\".");
	if (strcmp(round_batch_name(o->batch), "topk") != 0)
		family_refuses(o, "batch", "Their batch is the top of the ranking (batch \"topk\").");
	if (o->density > 0)
		family_refuses(o, "density", "Their batch is the top of the ranking by the strategy's score.");
	if (o->explore != EXPLORE_NONE)
		family_refuses(o, "explore", "Their batch is the top of the ranking by the strategy's score.");
	if (o->sample > 0)
		family_refuses(o, "sample", "Their round scores the whole pool.");
	if (o->rescore_sample > 0)
		family_refuses(o, "rescore_sample", "Their round rescores the whole pool.");
	if (o->serve_best)
		family_refuses(o, "serve", "They serve their latest version.");
	if (o->eval_table != NULL)
		family_refuses(o, "eval_table", "Their evaluation set is a sample of the pool (\"eval_size\" or \"eval_fraction\").");
	if (o->label_column[0] != '\0')
		family_refuses(o, "label_column", "Their labels are recorded with al.label and al.label_many.");
	if (o->given & OPTION_GIVEN_STOP_KAPPA)
		family_refuses(o, "stop_kappa", "Stabilizing predictions compares class predictions; \"label_budget\" applies.");
	if (o->stop_uncertainty > 0)
		family_refuses(o, "stop_uncertainty", "It reads class probabilities; \"label_budget\" applies.");
	if (o->stop_plateau > 0)
		family_refuses(o, "stop_plateau", "It reads the evaluation accuracy; \"label_budget\" applies.");
}

/* ERROR unless n classes suit a learner of the family. */
void
family_check_classes(int family, int n)
{
	if (family == MODEL_RIDGE && n != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a regression learner takes no classes, not %d", n),
				 errhint("Pass '{}' as its classes: its labels are numbers.")));
	if (family == MODEL_OVR && n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a multi-label learner needs at least 1 class"),
				 errhint("Its classes are the labels an item's set can hold.")));
	if (family == MODEL_SOFTMAX && n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a learner needs at least 2 classes, not %d", n)));
}

/* The options of the family as JSON members: family and alpha when not softmax. */
void
family_append_json(StringInfo buf, const LearnerOptions *o)
{
	if (o->family == MODEL_SOFTMAX)
		return;
	appendStringInfo(buf, ", \"family\": \"%s\"", model_family_name((ModelFamily) o->family));
	if (o->family == MODEL_RIDGE)
		appendStringInfo(buf, ", \"alpha\": %s", float8out_internal(o->alpha));
}

/* What the labels of a family are, for messages. */
const char *
family_label_kind(int family)
{
	if (family == MODEL_OVR)
		return "sets of classes";
	if (family == MODEL_RIDGE)
		return "numbers";
	return "classes";
}

/*
 * A label as learner l stores it, or ERROR (where: " (element n)" in a
 * batch, or "").  Softmax labels are checked elsewhere (labels.c).
 */
char *
family_canonical_label(const Learner *l, const char *label, const char *where)
{
	return learner_family(l)->canonical_label(l, label, where);
}
