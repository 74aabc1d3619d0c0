/*
 * overlap.c - several annotators per item: the learner options overlap
 * (labels per item from distinct annotators), label_rule (which of an
 * item's labels it trains on) and adjudicator (the role whose members
 * settle disagreements), the training labels' query for the rule, who may
 * adjudicate, and the disagreements al.next_batch hands an adjudicator
 * first.  See doc/loop.md, "Overlap and agreement".
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/json.h"

#include "learner_acl.h"
#include "overlap.h"
#include "sql_args.h"

/* The most labels an item may ask for (option overlap). */
#define MAX_OVERLAP 100

/* The label rules by LABEL_RULE_* index. */
static const char *const label_rule_names[] = {"majority", "latest", "adjudicated"};

/*
 * How the (item, label) groups of al.labels are ordered so that an item's
 * training label comes first, by LABEL_RULE_* index: the most common vote
 * (ties: the latest); the latest vote; the latest adjudication, else the
 * majority.  Votes are the labels that are not adjudications (n, last, s
 * count and date them); under majority and latest an adjudication counts
 * only for an item without votes.
 */
static const char *const label_rule_orders[] = {
	"n DESC, last DESC NULLS LAST, s DESC NULLS LAST, adj DESC",
	"last DESC NULLS LAST, s DESC NULLS LAST, adj DESC",
	"adj DESC NULLS LAST, n DESC, last DESC NULLS LAST, s DESC NULLS LAST",
};

/* Set option label_rule from a JSON string; ERROR naming the rules. */
static void
set_label_rule(LearnerOptions *o, JsonbValue *v)
{
	char	   *rule;
	int			i;

	if (v->type != jbvString)
		al_bad_option("label_rule", "must be \"majority\", \"latest\" or \"adjudicated\"");
	rule = pnstrdup(v->val.string.val, v->val.string.len);
	for (i = 0; i < lengthof(label_rule_names); i++)
		if (strcmp(rule, label_rule_names[i]) == 0)
		{
			o->label_rule = i;
			return;
		}
	al_bad_option("label_rule", psprintf("must be \"majority\", \"latest\" or \"adjudicated\", not \"%s\"", rule));
}

/* Set option adjudicator from a JSON string (a role name) or null (none). */
static void
set_adjudicator(LearnerOptions *o, JsonbValue *v)
{
	if (v->type == jbvNull)
	{
		o->adjudicator[0] = '\0';
		return;
	}
	if (v->type != jbvString || v->val.string.len == 0)
		al_bad_option("adjudicator", "must be the name of a role, or null");
	if (v->val.string.len >= NAMEDATALEN)
		al_bad_option("adjudicator", "is too long for a role name");
	memcpy(o->adjudicator, v->val.string.val, v->val.string.len);
	o->adjudicator[v->val.string.len] = '\0';
}

/* Apply one of the options overlap, label_rule, adjudicator; false if key is none of them. */
bool
overlap_apply_option(LearnerOptions *o, const char *key, JsonbValue *v)
{
	if (strcmp(key, "overlap") == 0)
		o->overlap = (int) al_option_integer(key, v, 1, MAX_OVERLAP);
	else if (strcmp(key, "label_rule") == 0)
		set_label_rule(o, v);
	else if (strcmp(key, "adjudicator") == 0)
		set_adjudicator(o, v);
	else
		return false;
	return true;
}

/*
 * ERROR unless the adjudicator role exists: checked when a learner is
 * created or altered, not when it is read (a role dropped since leaves the
 * learner without adjudicators, but working).
 */
void
overlap_check_options(const LearnerOptions *o)
{
	if (o->adjudicator[0] != '\0' && !OidIsValid(get_role_oid(o->adjudicator, true)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role \"%s\" of option \"adjudicator\" does not exist", o->adjudicator),
				 errhint("Name an existing role, or set \"adjudicator\" to null (a role dropped since it was set must be replaced before other options can change).")));
}

/* The options that differ from their defaults, as JSON members (", \"overlap\": 2"). */
void
overlap_append_json(StringInfo buf, const LearnerOptions *o)
{
	if (o->overlap != 1)
		appendStringInfo(buf, ", \"overlap\": %d", o->overlap);
	if (o->label_rule != LABEL_RULE_MAJORITY)
		appendStringInfo(buf, ", \"label_rule\": \"%s\"", label_rule_names[o->label_rule]);
	if (o->adjudicator[0] != '\0')
	{
		appendStringInfoString(buf, ", \"adjudicator\": ");
		escape_json(buf, o->adjudicator);
	}
}

/*
 * The query of learner l's training labels: one row per (item, label) with
 * the serials of its rows waiting for a retrain, an item's rows adjacent
 * and its training label (option label_rule) first.
 */
const char *
overlap_training_labels_sql(const Learner *l)
{
	return psprintf("SELECT item_id, label, fresh FROM ("
					"  SELECT item_id, label, pg_catalog.count(*) FILTER (WHERE NOT adjudicated) AS n,"
					"         pg_catalog.max(labeled_at) FILTER (WHERE NOT adjudicated) AS last,"
					"         pg_catalog.max(serial) FILTER (WHERE NOT adjudicated) AS s,"
					"         pg_catalog.max(serial) FILTER (WHERE adjudicated) AS adj,"
					"         pg_catalog.array_agg(serial) FILTER (WHERE trained_in IS NULL) AS fresh"
					"  FROM al.labels WHERE learner_id = $1 GROUP BY item_id, label) v "
					"ORDER BY item_id, %s", label_rule_orders[l->options.label_rule]);
}

/* Is role a member of the learner's adjudicator role (one that exists)? */
static bool
in_adjudicator_role(const Learner *l, Oid role)
{
	Oid			adjudicator;

	if (l->options.adjudicator[0] == '\0')
		return false;
	adjudicator = get_role_oid(l->options.adjudicator, true);
	return OidIsValid(adjudicator) && has_privs_of_role(role, adjudicator);
}

/* Does al.next_batch hand annotator the learner's disagreements first? */
bool
overlap_is_adjudicator(const Learner *l, const char *annotator)
{
	Oid			role = get_role_oid(annotator, true);

	return OidIsValid(role) && in_adjudicator_role(l, role);
}

/*
 * ERROR (42501) unless annotator may adjudicate: a role with the
 * privileges of the learner's adjudicator role, or of its owner.  (The
 * caller's right to act as annotator is checked with the labels.)
 */
void
overlap_require_adjudicator(const Learner *l, const char *annotator)
{
	Oid			role = get_role_oid(annotator, true);

	if (OidIsValid(role) && (has_privs_of_role(role, l->owner) || in_adjudicator_role(l, role)))
		return;
	if (l->options.adjudicator[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for \"%s\" to adjudicate in learner \"%s\"", annotator, l->name),
				 errdetail("The learner has no adjudicator role: only its owner adjudicates."),
				 errhint("Its owner can name one with al.alter_learner(..., options => '{\"adjudicator\": \"role\"}').")));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for \"%s\" to adjudicate in learner \"%s\"", annotator, l->name),
			 errdetail("Only members of role \"%s\" (option adjudicator) and the learner's owner adjudicate.",
					   l->options.adjudicator)));
}

/*
 * Up to k of learner l's disagreements, for al.next_batch to claim: the
 * items without an adjudication whose labels (at least overlap of them,
 * and two) differ, that annotator has not labeled and nobody holds, the
 * longest waiting first.  Returns how many; their ids go into items.
 */
int
overlap_disagreements(const Learner *l, const char *annotator, int k, char **items)
{
	static const char *sql =
		"SELECT b.item_id FROM al.labels b WHERE b.learner_id = $1 GROUP BY b.item_id "
		"HAVING NOT pg_catalog.bool_or(b.adjudicated OR b.annotator = $2) "
		"AND pg_catalog.count(*) >= GREATEST($3, 2) AND pg_catalog.count(DISTINCT b.label) > 1 "
		"AND NOT EXISTS (SELECT 1 FROM al.leases x WHERE x.learner_id = $1 "
		"                AND al.item_key(x.item_id) = al.item_key(b.item_id) AND x.item_id = b.item_id "
		"                AND x.expires_at > pg_catalog.now()) "
		"ORDER BY pg_catalog.max(b.serial), b.item_id LIMIT $4";
	Oid			types[4] = {INT8OID, TEXTOID, INT4OID, INT4OID};
	Datum		args[4];
	uint64		i;

	args[0] = Int64GetDatum(l->id);
	args[1] = CStringGetTextDatum(annotator);
	args[2] = Int32GetDatum(l->options.overlap);
	args[3] = Int32GetDatum(k);
	/* a fresh snapshot: the leases of the batches before */
	learner_store_exec(sql, 4, types, args, false, 0);
	for (i = 0; i < SPI_processed; i++)
		items[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
	return (int) SPI_processed;
}
