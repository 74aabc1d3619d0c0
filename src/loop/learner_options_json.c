/*
 * learner_options_json.c - the JSON a learner stores for its options
 * (every option, defaults filled in: al.learners.options, what
 * al.learner_status shows) and the text of its selection options (what a
 * ranking depends on besides the model and the pool: a change ranks
 * again).  Parsing and checking the options is learner_options.c.
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"

#include "family.h"
#include "learner_api.h"
#include "round_select.h"

/*
 * The selection options as JSON members (", \"batch\": ..."): batch and
 * candidates always, the others when they apply.  Together with the seed,
 * what a ranking depends on besides the model and the pool.
 */
static void
append_selection(StringInfo buf, const LearnerOptions *o, const char *strategy)
{
	static const char *explore_keys[] = {"", "epsilon", "temperature", "power"};

	appendStringInfo(buf, ", \"batch\": \"%s\"", round_batch_name(o->batch));
	if (o->candidates == 0)
		appendStringInfoString(buf, ", \"candidates\": \"all\"");
	else
		appendStringInfo(buf, ", \"candidates\": %d", o->candidates);
	if (o->sample > 0)
		appendStringInfo(buf, ", \"sample\": %d", o->sample);
	if (o->rescore_sample > 0)
		appendStringInfo(buf, ", \"rescore_sample\": %s", float8out_internal(o->rescore_sample));
	if (o->ranking_rows > 0)
		appendStringInfo(buf, ", \"ranking_rows\": %d", o->ranking_rows);
	if (strcmp(round_batch_name(o->batch), "balanced") == 0)
		appendStringInfo(buf, ", \"class_cap\": %s", float8out_internal(o->class_cap));
	if (o->density > 0)
	{
		appendStringInfo(buf, ", \"density\": %s, \"density_metric\": \"%s\"",
						 float8out_internal(o->density), o->density_euclidean ? "euclidean" : "cosine");
		if (o->density_euclidean)
			appendStringInfo(buf, ", \"density_sample\": %d", o->density_sample);
	}
	if (o->explore != EXPLORE_NONE)
		appendStringInfo(buf, ", \"explore\": {\"%s\": %s}", explore_keys[o->explore],
						 float8out_internal(o->explore_value));
	if (strcmp(strategy, LEARNER_EER_STRATEGY) == 0)
		appendStringInfo(buf, ", \"eer_loss\": \"%s\", \"eer_candidates\": %d, \"eer_sample\": %d, \"eer_steps\": %d",
						 o->eer_zero_one ? "zero_one" : "log", o->eer_candidates, o->eer_sample,
						 o->eer_steps);
}

/* The evaluation options as JSON members, if the learner has an evaluation set. */
static void
append_eval(StringInfo buf, const LearnerOptions *o)
{
	if (o->eval_table != NULL)
	{
		appendStringInfoString(buf, ", \"eval_table\": ");
		escape_json(buf, o->eval_table);
		appendStringInfoString(buf, ", \"eval_label_column\": ");
		escape_json(buf, o->eval_label_column);
		return;
	}
	if (o->eval_size > 0)
		appendStringInfo(buf, ", \"eval_size\": %d", o->eval_size);
	else if (o->eval_fraction > 0)
		appendStringInfo(buf, ", \"eval_fraction\": %s", float8out_internal(o->eval_fraction));
	else
		return;
	appendStringInfo(buf, ", \"eval_rate\": %s", float8out_internal(o->eval_rate));
}

/* The stopping-rule options as JSON members: the stabilizing rule's always, the others when set. */
static void
append_stop(StringInfo buf, const LearnerOptions *o)
{
	/* (the stabilizing rule compares class predictions: softmax learners only) */
	if (isnan(o->stop_kappa) || o->family != MODEL_SOFTMAX)
		appendStringInfoString(buf, ", \"stop_kappa\": null");
	else
		appendStringInfo(buf, ", \"stop_kappa\": %s", float8out_internal(o->stop_kappa));
	appendStringInfo(buf, ", \"stop_window\": %d, \"stop_set_size\": %d", o->stop_window,
					 o->stop_set_size);
	if (o->label_budget > 0)
		appendStringInfo(buf, ", \"label_budget\": %d", o->label_budget);
	if (o->stop_uncertainty > 0)
		appendStringInfo(buf, ", \"stop_uncertainty\": %s", float8out_internal(o->stop_uncertainty));
	if (o->stop_plateau > 0)
		appendStringInfo(buf, ", \"stop_plateau\": %s", float8out_internal(o->stop_plateau));
}

/* The options as the JSON object stored with the learner. */
char *
learner_options_json(const LearnerOptions *o, const char *strategy)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"batch_size\": %d, \"retrain_every\": %d, \"committee\": %d, \"c\": %s, "
					 "\"seed\": %d, \"holdout\": %s, \"max_iter\": %d, \"standardize\": %s, \"lease\": ",
					 o->batch_size, o->retrain_every, o->committee, float8out_internal(o->c),
					 o->seed, float8out_internal(o->holdout), o->max_iter,
					 o->standardize ? "true" : "false");
	escape_json(&buf, o->lease);
	al_class_weight_append_json(&buf, &o->class_weight);
	appendStringInfo(&buf, ", \"max_leased\": %d", o->max_leased);
	/* like class_weight, shown only when not the default ("latest") */
	if (o->serve_best)
		appendStringInfoString(&buf, ", \"serve\": \"best\"");
	if (o->label_column[0] != '\0')
	{
		appendStringInfoString(&buf, ", \"label_column\": ");
		escape_json(&buf, o->label_column);
	}
	if (o->cold_start != COLD_START_RANDOM)
		appendStringInfo(&buf, ", \"cold_start\": \"%s\"",
						 o->cold_start == COLD_START_KCENTER ? "kcenter" : "query");
	if (o->cold_start_query != NULL)
	{
		appendStringInfoString(&buf, ", \"cold_start_query\": ");
		escape_json(&buf, o->cold_start_query);
	}
	if (o->predictions)
		appendStringInfoString(&buf, ", \"predictions\": true");
	/* like serve, shown only when not the default ("auto") */
	if (o->score_in != SCORE_IN_AUTO)
		appendStringInfo(&buf, ", \"score_in\": \"%s\"",
						 o->score_in == SCORE_IN_POOL ? "pool" : "coordinator");
	overlap_append_json(&buf, o);
	family_append_json(&buf, o);
	append_selection(&buf, o, strategy);
	append_eval(&buf, o);
	append_stop(&buf, o);
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/*
 * What a ranking was selected with (al.ranking_state.selection): the
 * selection options and the seed.  A round ranks the pool again when it
 * changes (al.alter_learner).
 */
char *
learner_selection_text(const LearnerOptions *o, const char *strategy)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"seed\": %d", o->seed);
	append_selection(&buf, o, strategy);
	appendStringInfoChar(&buf, '}');
	return buf.data;
}
