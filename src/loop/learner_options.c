/*
 * learner_options.c - a learner's strategies and options: parsing the
 * options object of al.create_learner and al.alter_learner (every value
 * checked at the door, 22023), the checks of options that make no sense
 * together, and the JSON the learner stores (defaults filled in).
 *
 * The selection options (batch, candidates, sample, rescore_sample, class_cap, density,
 * explore, eer_*) are those of doc/selection.md; the round reads them in
 * round_select.c.
 */
#include "postgres.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "eer_glue.h"
#include "family.h"
#include "learner_api.h"
#include "round_select.h"
#include "select_eer.h"
#include "sql_args.h"

/* Limits of the selection options (README.md's table). */
#define MAX_CANDIDATES 1000000
#define MAX_SAMPLE 100000000
#define MAX_RESCORE_ROWS 1e12
#define MAX_RANKING_ROWS 10000000
#define MAX_DENSITY_BETA 100
#define MAX_DENSITY_SAMPLE 100000
#define MIN_TEMPERATURE 1e-6
#define MAX_TEMPERATURE 1e6
#define MAX_POWER 100

/* The strategies: every per-item score, random, and expected error reduction. */
static const LearnerStrategy strategies[] = {
	{"least_confidence", false, false, false},
	{"margin_confidence", false, false, false},
	{"ratio_confidence", false, false, false},
	{"entropy", false, false, false},
	{"expected_gradient_length", false, true, false},
	{"vote_entropy", true, false, false},
	{"consensus_entropy", true, false, false},
	{"max_disagreement", true, false, false},
	{"bald", true, false, false},
	{"random", false, false, false},
	{LEARNER_EER_STRATEGY, false, true, true},
};

/* The strategy named name, or NULL. */
const LearnerStrategy *
learner_strategy(const char *name)
{
	size_t		i;

	for (i = 0; i < lengthof(strategies); i++)
		if (strcmp(strategies[i].name, name) == 0)
			return &strategies[i];
	return NULL;
}

/* ERROR (22023) for an option that needs another: 'option "a" needs b'. */
static void
option_needs(const char *key, const char *needs, const char *hint)
{
	if (hint)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" needs %s", key, needs),
				 errhint("%s", hint)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("option \"%s\" needs %s", key, needs)));
}

/*
 * ERROR unless the options make sense together (for the options given in
 * the call just applied: stored defaults never conflict).
 */
static void
check_selection(const char *strategy, const LearnerOptions *o)
{
	bool		eer = strcmp(strategy, LEARNER_EER_STRATEGY) == 0;

	if ((o->given & OPTION_GIVEN_CLASS_CAP) && strcmp(round_batch_name(o->batch), "balanced") != 0)
		option_needs("class_cap", "\"batch\": \"balanced\"", NULL);
	if ((o->given & OPTION_GIVEN_DENSITY_METRIC) && o->density == 0)
		option_needs("density_metric", "option \"density\"", NULL);
	if ((o->given & OPTION_GIVEN_DENSITY_SAMPLE) && !(o->density > 0 && o->density_euclidean))
		option_needs("density_sample", "\"density_metric\": \"euclidean\" and option \"density\"", NULL);
	if (o->explore != EXPLORE_NONE && o->batch != ROUND_BATCH_TOPK)
		option_needs("explore", "\"batch\": \"topk\"",
					 "The other batch methods choose their own order; \"explore\": null turns exploration off.");
	if ((o->given & OPTION_GIVEN_EER) && !eer)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options \"eer_loss\", \"eer_candidates\", \"eer_sample\" and \"eer_steps\" need strategy \"%s\"",
						LEARNER_EER_STRATEGY)));
	if ((o->given & OPTION_GIVEN_COLD_START) && (o->cold_start == COLD_START_QUERY) != (o->cold_start_query != NULL))
		option_needs(o->cold_start == COLD_START_QUERY ? "cold_start" : "cold_start_query",
					 o->cold_start == COLD_START_QUERY ? "option \"cold_start_query\"" : "\"cold_start\": \"query\"",
					 "\"cold_start\": \"query\" hands out the ids of \"cold_start_query\" first; null drops the query.");
	if (o->rescore_sample > 0 &&
		(o->batch != ROUND_BATCH_TOPK || o->explore != EXPLORE_NONE || o->sample > 0 || o->density > 0 ||
		 eer || o->predictions))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"rescore_sample\" needs \"batch\": \"topk\" without \"explore\", \"sample\", \"density\" or \"predictions\", and a strategy other than \"%s\"",
						LEARNER_EER_STRATEGY),
				 errdetail("The rows a round does not rescore keep their scores and have no rank.")));
	if (o->ranking_rows > 0 &&
		(o->batch != ROUND_BATCH_TOPK || o->explore != EXPLORE_NONE || o->sample > 0 || o->density > 0 ||
		 eer || o->rescore_sample > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"ranking_rows\" needs \"batch\": \"topk\" without \"explore\", \"sample\", \"density\" or \"rescore_sample\", and a strategy other than \"%s\"",
						LEARNER_EER_STRATEGY),
				 errdetail("A round keeps the best rows by score only; the others have no row in the ranking.")));
	if (!eer)
		return;
	if (o->batch != ROUND_BATCH_TOPK || o->explore != EXPLORE_NONE || o->density > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("strategy \"%s\" orders its candidates itself", strategy),
				 errdetail("It cannot be combined with options \"batch\" (other than \"topk\"), \"explore\" or \"density\"."),
				 errhint("Set \"batch\": \"topk\", \"explore\": null and \"density\": null.")));
}

/*
 * ERROR unless the evaluation options of the call make sense together:
 * one of eval_size, eval_fraction and eval_table; eval_label_column with
 * eval_table; eval_rate with a sample of the pool.
 */
static void
check_eval(const LearnerOptions *o)
{
	int			chosen = o->given & (OPTION_GIVEN_EVAL_SIZE | OPTION_GIVEN_EVAL_FRACTION |
									 OPTION_GIVEN_EVAL_TABLE);

	if (chosen & (chosen - 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options \"eval_size\", \"eval_fraction\" and \"eval_table\" exclude each other"),
				 errhint("Give one of them: a sample of the pool (a count or a fraction), or a labeled table.")));
	if ((o->given & OPTION_GIVEN_EVAL_LABEL) && o->eval_table == NULL)
		option_needs("eval_label_column", "option \"eval_table\"", NULL);
	if ((o->given & OPTION_GIVEN_EVAL_RATE) && o->eval_size == 0 && o->eval_fraction == 0)
		option_needs("eval_rate", "option \"eval_size\" or \"eval_fraction\"",
					 "The rate is the share of the items handed out that come from the evaluation sample of the pool.");
	/* (whatever the call gave: turning the evaluation set off must not leave the rule) */
	if (o->stop_plateau > 0 && o->eval_size == 0 && o->eval_fraction == 0 && o->eval_table == NULL)
		option_needs("stop_plateau", "an evaluation set",
					 "Give the learner one with option \"eval_size\", \"eval_fraction\" or \"eval_table\".");
}

/*
 * What keeps a round of strategy with options o from scoring in the pool's
 * query (option score_in "pool"), as the JSON of the option or strategy
 * ("\"batch\": \"kcenter\""), or NULL: such a round receives each row's id
 * and its members' probabilities, never its features, so selections that
 * read the features or rank rows together (batch other than topk, explore,
 * sample, density, expected error reduction), expected_gradient_length
 * (reads the features) and external predictions need the round that reads
 * the pool; option rescore_sample's draw is a condition on the ids, which
 * the pool's query applies.  (The ovr and ridge families receive each
 * row's outputs and ||(x, 1)||, all their strategies need; their other
 * conflicts family_check_options refuses anyway.)
 */
const char *
learner_score_in_conflict(const char *strategy, const LearnerOptions *o)
{
	if (o->predictions)
		return "\"predictions\": true";
	if (strcmp(strategy, LEARNER_EER_STRATEGY) == 0 || strcmp(strategy, "expected_gradient_length") == 0)
		return psprintf("strategy \"%s\"", strategy);
	if (o->batch != ROUND_BATCH_TOPK)
		return psprintf("\"batch\": \"%s\"", round_batch_name(o->batch));
	if (o->explore != EXPLORE_NONE)
		return "option \"explore\"";
	if (o->sample > 0)
		return "option \"sample\"";
	if (o->density > 0)
		return "option \"density\"";
	return NULL;
}

/* ERROR (0A000) if option score_in is "pool" and the options need the round that reads the pool. */
static void
check_score_in(const char *strategy, const LearnerOptions *o)
{
	const char *conflict;

	if (o->score_in != SCORE_IN_POOL)
		return;
	conflict = learner_score_in_conflict(strategy, o);
	if (conflict)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("option \"score_in\": \"pool\" cannot be combined with %s", conflict),
				 errdetail("A round that scores in the pool's query receives each row's id and class probabilities (or outputs), not its features."),
				 errhint("Set \"score_in\": \"auto\" or \"coordinator\" to score in the round.")));
}

/*
 * ERROR unless strategy exists, the committee size suits it and the
 * options make sense together.
 */
void
learner_check_strategy(const char *strategy, const LearnerOptions *o)
{
	const LearnerStrategy *s = learner_strategy(strategy);

	if (o->family != MODEL_SOFTMAX || s != NULL)
		check_score_in(strategy, o);
	if (o->family != MODEL_SOFTMAX)
	{
		/* a multi-label or regression learner: its own strategies and options */
		family_check_options(strategy, o);
		check_eval(o);
		overlap_check_options(o);
		return;
	}
	if (s == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown strategy \"%s\"", strategy),
				 errhint("Strategies: least_confidence, margin_confidence, ratio_confidence, entropy, expected_gradient_length, vote_entropy, consensus_entropy, max_disagreement, bald, random, expected_error_reduction.")));
	if (o->predictions)
		external_check_options(strategy, o);
	else if (s->needs_committee && o->committee < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("strategy \"%s\" needs a committee", strategy),
				 errhint("Set the option \"committee\" to 2 or more members.")));
	if (s->single_model && o->committee >= 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("strategy \"%s\" needs a single model, not a committee of %d", strategy,
						o->committee),
				 errdetail("It updates the model with each candidate label: a committee has no one model to update."),
				 errhint("Set the option \"committee\" to 0.")));
	check_selection(strategy, o);
	check_eval(o);
	overlap_check_options(o);
}

/* Defaults of every learner option. */
void
learner_options_init(LearnerOptions *o)
{
	memset(o, 0, sizeof(*o));
	o->batch_size = 10;
	o->retrain_every = 10;
	o->committee = 0;
	o->c = 1.0;
	o->seed = 0;
	o->holdout = 0.0;
	o->max_iter = 100;
	o->standardize = false;
	strlcpy(o->lease, "30 minutes", sizeof(o->lease));
	o->max_leased = 0;
	o->overlap = 1;
	o->label_rule = LABEL_RULE_MAJORITY;
	o->adjudicator[0] = '\0';
	o->batch = 0;
	o->candidates = 10000;
	o->sample = 0;
	o->rescore_sample = 0;
	o->ranking_rows = 0;
	o->class_cap = 0.5;
	o->density = 0;
	o->density_euclidean = false;
	o->density_sample = 1000;
	o->explore = EXPLORE_NONE;
	o->eer_zero_one = false;
	o->eer_candidates = 100;
	o->eer_sample = 1000;
	o->eer_steps = 20;
	o->eval_rate = 0.1;
	strlcpy(o->eval_label_column, "label", sizeof(o->eval_label_column));
	o->stop_kappa = 0.99;
	o->stop_window = 3;
	o->stop_set_size = 1000;
	o->family = MODEL_SOFTMAX;
	o->alpha = 1.0;
}

/* The longest lease, in days (a month counts 30, as in interval comparisons). */
#define LEASE_MAX_DAYS 366

/* The interval a lease text says (the server parses it: ERROR if it is none). */
static Interval *
lease_interval(const char *text)
{
	return DatumGetIntervalP(DirectFunctionCall3(interval_in, CStringGetDatum(text),
												 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
}

/* The end of a lease of learner options o that begins at start. */
TimestampTz
learner_lease_end(const LearnerOptions *o, TimestampTz start)
{
	return DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval, TimestampTzGetDatum(start),
												   IntervalPGetDatum(lease_interval(o->lease))));
}

/* Check a lease text is a positive interval of at most a year. */
static void
set_lease(LearnerOptions *o, JsonbValue *v)
{
	char	   *text;
	Interval   *iv;

	if (v->type != jbvString)
		al_bad_option("lease", "must be an interval such as \"30 minutes\"");
	text = pnstrdup(v->val.string.val, v->val.string.len);
	if (strlen(text) >= sizeof(o->lease))
		al_bad_option("lease", "is too long");
	iv = lease_interval(text);
	if (iv->month < 0 || iv->day < 0 || iv->time < 0 || (iv->month == 0 && iv->day == 0 && iv->time == 0))
		al_bad_option("lease", "must be a positive interval");
	/* now() + lease must stay a timestamp: a lease is a working reservation */
	if ((double) iv->month * DAYS_PER_MONTH + iv->day + (double) iv->time / USECS_PER_DAY > LEASE_MAX_DAYS)
		al_bad_option("lease", "must be at most 1 year (366 days)");
	strlcpy(o->lease, text, sizeof(o->lease));
}

/* A string option's value, or NULL if v is not a string. */
static char *
string_value(JsonbValue *v)
{
	return v->type == jbvString ? pnstrdup(v->val.string.val, v->val.string.len) : NULL;
}

/* A number option within [lo, hi] (lo excluded with lo_open); ERROR otherwise. */
static double
number_between(const char *key, JsonbValue *v, double lo, bool lo_open, double hi)
{
	double		d = v->type == jbvNumeric ? al_option_number(key, v) : NAN;

	if (!((lo_open ? d > lo : d >= lo) && d <= hi))
		al_bad_option(key, psprintf(lo_open ? "must be a number greater than %s and at most %s"
									: "must be a number between %s and %s",
									float8out_internal(lo), float8out_internal(hi)));
	return d;
}

/* Option serve: "latest" or "best" (doc/loop.md, "Which version is served"). */
static void
set_serve(LearnerOptions *o, JsonbValue *v)
{
	char	   *s = string_value(v);

	if (s && strcmp(s, "latest") == 0)
		o->serve_best = false;
	else if (s && strcmp(s, "best") == 0)
		o->serve_best = true;
	else
		al_bad_option("serve", "must be \"latest\" or \"best\"");
}

/* Option label_column: a column name, or null (no import). */
static void
set_label_column(LearnerOptions *o, JsonbValue *v)
{
	char	   *s = string_value(v);

	if (v->type == jbvNull)
		o->label_column[0] = '\0';
	else if (s == NULL || s[0] == '\0' || strlen(s) >= NAMEDATALEN)
		al_bad_option("label_column", psprintf("must be the name of a column of the pool (at most %d bytes), or null",
											   NAMEDATALEN - 1));
	else
		strlcpy(o->label_column, s, sizeof(o->label_column));
	o->given |= OPTION_GIVEN_LABEL_COLUMN;
}

/* Option cold_start: random, kcenter or query. */
static void
set_cold_start(LearnerOptions *o, JsonbValue *v)
{
	static const char *names[] = {"random", "kcenter", "query"};
	char	   *s = string_value(v);

	for (int i = 0; s != NULL && i < lengthof(names); i++)
		if (strcmp(s, names[i]) == 0)
		{
			o->cold_start = (LearnerColdStart) i;
			o->given |= OPTION_GIVEN_COLD_START;
			return;
		}
	al_bad_option("cold_start", "must be \"random\", \"kcenter\" or \"query\"");
}

/* Option cold_start_query: the SQL text of cold_start "query" (null: none). */
static void
set_cold_start_query(LearnerOptions *o, JsonbValue *v)
{
	char	   *s = string_value(v);

	if (v->type == jbvNull)
		o->cold_start_query = NULL;
	else if (s == NULL || s[0] == '\0')
		al_bad_option("cold_start_query", "must be the text of a query returning the ids to hand out first, or null");
	else
		o->cold_start_query = s;
	o->given |= OPTION_GIVEN_COLD_START;
}

/* Option batch: one of the selectors of round_select.c. */
static void
set_batch(LearnerOptions *o, JsonbValue *v)
{
	char	   *s = string_value(v);
	int			b = s ? round_batch_find(s) : -1;

	if (b < 0)
		al_bad_option("batch", psprintf("must be %s%s%s%s", round_batch_names(),
										s ? ", not \"" : "", s ? s : "", s ? "\"" : ""));
	o->batch = b;
}

/* Option candidates: an integer, or "all". */
static void
set_candidates(LearnerOptions *o, JsonbValue *v)
{
	char	   *s = string_value(v);
	double		d = v->type == jbvNumeric ? al_option_number("candidates", v) : NAN;

	if (s && strcmp(s, "all") == 0)
		o->candidates = 0;
	else if (d == floor(d) && d >= 1 && d <= MAX_CANDIDATES)
		o->candidates = (int) d;
	else
		al_bad_option("candidates", psprintf("must be an integer between 1 and %d, or \"all\"",
											 MAX_CANDIDATES));
}

/* Option density_metric: cosine or euclidean. */
static void
set_density_metric(LearnerOptions *o, JsonbValue *v)
{
	char	   *s = string_value(v);

	if (s && strcmp(s, "cosine") == 0)
		o->density_euclidean = false;
	else if (s && strcmp(s, "euclidean") == 0)
		o->density_euclidean = true;
	else
		al_bad_option("density_metric", "must be \"cosine\" or \"euclidean\"");
	o->given |= OPTION_GIVEN_DENSITY_METRIC;
}

/*
 * Option explore: null (off), or an object with one key, epsilon (in [0,
 * 1]), temperature or power.
 */
static void
set_explore(LearnerOptions *o, JsonbValue *v)
{
	static const char *must = "must be an object with one of \"epsilon\", \"temperature\" or \"power\", or null";
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken tok;
	char	   *key = NULL;
	int			keys = 0;

	if (v->type == jbvNull)
	{
		o->explore = EXPLORE_NONE;
		return;
	}
	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		al_bad_option("explore", must);
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			key = pnstrdup(e.val.string.val, e.val.string.len);
			keys++;
		}
		else if (tok == WJB_VALUE && strcmp(key, "epsilon") == 0)
		{
			o->explore = EXPLORE_EPSILON;
			o->explore_value = number_between("explore.epsilon", &e, 0, false, 1);
		}
		else if (tok == WJB_VALUE && strcmp(key, "temperature") == 0)
		{
			o->explore = EXPLORE_TEMPERATURE;
			o->explore_value = number_between("explore.temperature", &e, MIN_TEMPERATURE, false,
											  MAX_TEMPERATURE);
		}
		else if (tok == WJB_VALUE && strcmp(key, "power") == 0)
		{
			o->explore = EXPLORE_POWER;
			o->explore_value = number_between("explore.power", &e, 0, false, MAX_POWER);
		}
		else if (tok == WJB_VALUE)
			al_bad_option("explore", psprintf("%s, not \"%s\"", must, key));
	}
	if (keys != 1)
		al_bad_option("explore", must);
}

/*
 * Option rescore_sample: a row count (an integer, 1 or more) or a fraction
 * of the pool (above 0, below 1); null rescores every row.
 */
static void
set_rescore_sample(LearnerOptions *o, JsonbValue *v)
{
	double		d;

	if (v->type == jbvNull)
	{
		o->rescore_sample = 0;
		return;
	}
	d = al_option_number("rescore_sample", v);
	if (!((d > 0 && d < 1) || (d >= 1 && d <= MAX_RESCORE_ROWS && d == floor(d))))
		al_bad_option("rescore_sample",
					  psprintf("must be a fraction above 0 and below 1 or a row count between 1 and %.0f, not %s",
							   MAX_RESCORE_ROWS, float8out_internal(d)));
	o->rescore_sample = d;
}

/*
 * Apply one selection option; returns false if key is not one.  null
 * turns sample, density and explore off.
 */
static bool
apply_selection_option(LearnerOptions *o, const char *key, JsonbValue *v)
{
	bool		off = v->type == jbvNull;

	if (strcmp(key, "batch") == 0)
		set_batch(o, v);
	else if (strcmp(key, "candidates") == 0)
		set_candidates(o, v);
	else if (strcmp(key, "sample") == 0)
		o->sample = off ? 0 : (int) al_option_integer(key, v, 1, MAX_SAMPLE);
	else if (strcmp(key, "rescore_sample") == 0)
		set_rescore_sample(o, v);
	else if (strcmp(key, "ranking_rows") == 0)
		o->ranking_rows = off ? 0 : (int) al_option_integer(key, v, 1, MAX_RANKING_ROWS);
	else if (strcmp(key, "class_cap") == 0)
	{
		o->class_cap = number_between(key, v, 0, true, 1);
		o->given |= OPTION_GIVEN_CLASS_CAP;
	}
	else if (strcmp(key, "density") == 0)
		o->density = off ? 0 : number_between(key, v, 0, true, MAX_DENSITY_BETA);
	else if (strcmp(key, "density_metric") == 0)
		set_density_metric(o, v);
	else if (strcmp(key, "density_sample") == 0)
	{
		o->density_sample = (int) al_option_integer(key, v, 1, MAX_DENSITY_SAMPLE);
		o->given |= OPTION_GIVEN_DENSITY_SAMPLE;
	}
	else if (strcmp(key, "explore") == 0)
		set_explore(o, v);
	else if (strncmp(key, "eer_", 4) == 0)
	{
		if (strcmp(key, "eer_loss") == 0)
			o->eer_zero_one = (eer_loss_option(key, v) == AL_EER_LOSS_ZERO_ONE);
		else if (strcmp(key, "eer_candidates") == 0)
			o->eer_candidates = (int) al_option_integer(key, v, 1, AL_EER_MAX_CANDIDATES);
		else if (strcmp(key, "eer_sample") == 0)
			o->eer_sample = (int) al_option_integer(key, v, 1, AL_EER_MAX_SAMPLE);
		else if (strcmp(key, "eer_steps") == 0)
			o->eer_steps = (int) al_option_integer(key, v, 1, AL_EER_MAX_STEPS);
		else
			return false;
		o->given |= OPTION_GIVEN_EER;
	}
	else
		return false;
	return true;
}

/* Forget the evaluation set of o (another one is being chosen). */
static void
clear_eval_set(LearnerOptions *o)
{
	o->eval_size = 0;
	o->eval_fraction = 0;
	o->eval_table = NULL;
}

/*
 * Apply one evaluation option (doc/loop.md); returns false if key is not
 * one.  eval_size, eval_fraction and eval_table replace one another; null
 * turns the evaluation set off.
 */
static bool
apply_eval_option(LearnerOptions *o, const char *key, JsonbValue *v)
{
	bool		off = v->type == jbvNull;

	if (strcmp(key, "eval_size") == 0)
	{
		clear_eval_set(o);
		o->eval_size = off ? 0 : (int) al_option_integer(key, v, 1, INT_MAX);
		o->given |= OPTION_GIVEN_EVAL_SIZE;
	}
	else if (strcmp(key, "eval_fraction") == 0)
	{
		clear_eval_set(o);
		o->eval_fraction = off ? 0 : v->type == jbvNumeric ? al_option_number(key, v) : NAN;
		if (!off && !(o->eval_fraction > 0 && o->eval_fraction < 1))
			al_bad_option(key, "must be a number greater than 0 and less than 1");
		o->given |= OPTION_GIVEN_EVAL_FRACTION;
	}
	else if (strcmp(key, "eval_table") == 0)
	{
		clear_eval_set(o);
		if (!off && (o->eval_table = string_value(v)) == NULL)
			al_bad_option(key, "must be the name of a table, or null");
		o->given |= OPTION_GIVEN_EVAL_TABLE;
	}
	else if (strcmp(key, "eval_label_column") == 0)
	{
		char	   *s = string_value(v);

		if (s == NULL || s[0] == '\0' || strlen(s) >= NAMEDATALEN)
			al_bad_option(key, "must be a column name");
		strlcpy(o->eval_label_column, s, sizeof(o->eval_label_column));
		o->given |= OPTION_GIVEN_EVAL_LABEL;
	}
	else if (strcmp(key, "eval_rate") == 0)
	{
		o->eval_rate = number_between(key, v, 0, false, 1);
		o->given |= OPTION_GIVEN_EVAL_RATE;
	}
	else
		return false;
	return true;
}

/* The largest stop set and stop window. */
#define MAX_STOP_SET 1000000
#define MAX_STOP_WINDOW 1000

/*
 * Apply one stopping-rule option (doc/loop.md); returns false if key is not
 * one.  null turns a rule off (stop_kappa: the stabilizing predictions).
 */
static bool
apply_stop_option(LearnerOptions *o, const char *key, JsonbValue *v)
{
	bool		off = v->type == jbvNull;

	if (strcmp(key, "stop_kappa") == 0)
	{
		o->stop_kappa = off ? NAN : number_between(key, v, -1, false, 1);
		o->given |= OPTION_GIVEN_STOP_KAPPA;
	}
	else if (strcmp(key, "stop_window") == 0)
		o->stop_window = (int) al_option_integer(key, v, 1, MAX_STOP_WINDOW);
	else if (strcmp(key, "stop_set_size") == 0)
	{
		o->stop_set_size = (int) al_option_integer(key, v, 1, MAX_STOP_SET);
		o->given |= OPTION_GIVEN_STOP_SET;
	}
	else if (strcmp(key, "label_budget") == 0)
		o->label_budget = off ? 0 : (int) al_option_integer(key, v, 1, INT_MAX);
	else if (strcmp(key, "stop_uncertainty") == 0)
		o->stop_uncertainty = off ? 0 : number_between(key, v, 0, true, 1);
	else if (strcmp(key, "stop_plateau") == 0)
		o->stop_plateau = off ? 0 : number_between(key, v, 0, true, 1);
	else
		return false;
	return true;
}

/* Option score_in: auto, coordinator or pool (where a round predicts). */
static void
set_score_in(LearnerOptions *o, JsonbValue *v)
{
	static const char *const names[] = {"auto", "coordinator", "pool"};
	char	   *s = string_value(v);

	for (int i = 0; s != NULL && i < lengthof(names); i++)
		if (strcmp(s, names[i]) == 0)
		{
			o->score_in = i;
			return;
		}
	al_bad_option("score_in", "must be \"auto\", \"coordinator\" or \"pool\"");
}

/* Apply one option; ERROR naming unknown options and bad values. */
static void
apply_option(void *ctx, const char *key, JsonbValue *v)
{
	LearnerOptions *o = (LearnerOptions *) ctx;

	if (strcmp(key, "batch_size") == 0)
		o->batch_size = (int) al_option_integer(key, v, 1, 100000);
	else if (strcmp(key, "retrain_every") == 0)
		o->retrain_every = (int) al_option_integer(key, v, 1, 100000000);
	else if (strcmp(key, "committee") == 0)
		o->committee = (int) al_option_integer(key, v, 0, 100);
	else if (strcmp(key, "c") == 0)
	{
		o->c = al_option_number(key, v);
		/* outside this range the objective is not finite: every retrain would fail */
		if (!(o->c >= 1e-10 && o->c <= 1e10))
			al_bad_option(key, "must be a number between 1e-10 and 1e10");
	}
	else if (strcmp(key, "seed") == 0)
		o->seed = (int) al_option_integer(key, v, 0, INT_MAX);
	else if (strcmp(key, "holdout") == 0)
	{
		o->holdout = al_option_number(key, v);
		/* more would leave most labels out of training, or all of them */
		if (!(o->holdout >= 0 && o->holdout <= 0.5))
			al_bad_option(key, "must be a fraction between 0 and 0.5");
	}
	else if (strcmp(key, "max_iter") == 0)
		o->max_iter = (int) al_option_integer(key, v, 1, 100000);
	else if (strcmp(key, "standardize") == 0)
	{
		if (v->type != jbvBool)
			al_bad_option(key, "must be true or false");
		o->standardize = v->val.boolean;
	}
	else if (strcmp(key, "class_weight") == 0)
		al_class_weight_parse(key, v, &o->class_weight);
	else if (strcmp(key, "lease") == 0)
		set_lease(o, v);
	else if (strcmp(key, "max_leased") == 0)
		o->max_leased = (int) al_option_integer(key, v, 0, 100000000);
	else if (strcmp(key, "serve") == 0)
		set_serve(o, v);
	else if (strcmp(key, "label_column") == 0)
		set_label_column(o, v);
	else if (strcmp(key, "cold_start") == 0)
		set_cold_start(o, v);
	else if (strcmp(key, "cold_start_query") == 0)
		set_cold_start_query(o, v);
	else if (strcmp(key, "score_in") == 0)
		set_score_in(o, v);
	else if (strcmp(key, "predictions") == 0)
	{
		if (v->type != jbvBool)
			al_bad_option(key, "must be true or false");
		o->predictions = v->val.boolean;
		o->given |= OPTION_GIVEN_PREDICTIONS;
	}
	else if (!overlap_apply_option(o, key, v) && !family_apply_option(o, key, v) &&
			 !apply_selection_option(o, key, v) &&
			 !apply_eval_option(o, key, v) && !apply_stop_option(o, key, v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown learner option \"%s\"", key),
				 errhint("Options: batch_size, retrain_every, committee, c, seed, holdout, max_iter, standardize, class_weight, lease, max_leased, overlap, label_rule, adjudicator, serve, label_column, cold_start, cold_start_query, batch, candidates, sample, rescore_sample, ranking_rows, class_cap, density, density_metric, density_sample, explore, eer_loss, eer_candidates, eer_sample, eer_steps, eval_size, eval_fraction, eval_rate, eval_table, eval_label_column, stop_kappa, stop_window, stop_set_size, label_budget, stop_uncertainty, stop_plateau, predictions, family, alpha, score_in.")));
}

/*
 * Apply a JSON object of options over o; o->given says which of the
 * options checked together were in it.
 */
void
learner_options_apply(LearnerOptions *o, Jsonb *options)
{
	o->given = 0;
	al_options_foreach(options, apply_option, o);
}
