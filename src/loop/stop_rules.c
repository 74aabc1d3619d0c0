/*
 * stop_rules.c - a learner's stop set and stopping rules (doc/loop.md
 * "Stopping rules").
 *
 * The stop set is a fixed seeded sample of the pool (option stop_set_size),
 * chosen at the first model (or again after the option changes): every
 * version predicts it, and the curve keeps those predictions, their Cohen's
 * kappa against the previous version's and their mean normalized entropy.
 * The rules configured in the options are evaluated for each new version
 * and the names of those that fire go on its curve row; the first time a
 * rule fires for the learner, its channel is notified.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "commands/async.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "agreement.h"
#include "committee_model.h"
#include "learner_acl.h"
#include "round.h"
#include "scores.h"
#include "stop_rules.h"

/* The rules, as named in al.learning_curve.stop_rules and al.learner_status.stop_reason. */
#define RULE_STABILIZING "stabilizing_predictions"
#define RULE_BUDGET "label_budget"
#define RULE_UNCERTAINTY "overall_uncertainty"
#define RULE_PLATEAU "accuracy_plateau"

/*
 * Predict every stop-set item: m->pred (the class index, -1 for an item
 * without usable features), m->n, and m->uncertainty, the mean over the
 * usable items of the entropy of the prediction divided by ln k (in [0, 1]).
 */
static void
stop_predictions(const Learner *l, const ModelFit *fit, int d, Datum stop_items, StopMeasure *m)
{
	/*
	 * The ON clause repeats the ids as a filter of the pool alone: a sharded
	 * pool then fetches the stop set's rows only (Citus cannot push a LEFT
	 * JOIN with unnest down, and without it read the whole pool to the
	 * coordinator: doc/citus.md).
	 */
	char	   *sql = psprintf("SELECT s.o, %s FROM pg_catalog.unnest($1) WITH ORDINALITY s(item, o) "
							   "LEFT JOIN %s p ON p.%s OPERATOR(pg_catalog.=) s.item "
							   "AND p.%s OPERATOR(pg_catalog.=) ANY ($1) ORDER BY s.o",
							   learner_features_sql(l, "p"), learner_pool_name(l),
							   quote_identifier(l->id_column), quote_identifier(l->id_column));
	Oid			type = get_array_type(l->id_type);
	Datum	   *texts;
	bool	   *nulls;
	char	  **items;
	int			n_items,
				i;
	Datum		arg;
	float	   *x = (float *) palloc(sizeof(float) * Max(d, 1));
	double	   *p = (double *) palloc(sizeof(double) * 2 * l->k);
	double		entropy = 0;
	int			usable = 0;
	uint64		r;

	deconstruct_array(DatumGetArrayTypeP(stop_items), TEXTOID, -1, false, TYPALIGN_INT,
					  &texts, &nulls, &n_items);
	items = (char **) palloc(sizeof(char *) * Max(n_items, 1));
	for (i = 0; i < n_items; i++)
		items[i] = nulls[i] ? NULL : TextDatumGetCString(texts[i]);
	arg = learner_typed_items(l, items, n_items);
	round_pool_query(l, sql, 1, &type, &arg);
	round_check_features_column(l, 2);
	m->n = (int) SPI_processed;
	m->pred = (int *) palloc(sizeof(int) * Max(m->n, 1));
	for (r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		Datum		f = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);
		int			c,
					best = 0;

		m->pred[r] = -1;
		if (pool_read_features(f, isnull, d, x) != FEATURES_OK)
			continue;
		al_committee_predict_row(fit->models, fit->members, x, p, p + l->k);
		for (c = 1; c < l->k; c++)
			if (p[c] > p[best])
				best = c;
		m->pred[r] = best;
		entropy += al_entropy_d(p, l->k) / log((double) l->k);
		usable++;
	}
	SPI_freetuptable(SPI_tuptable);
	m->uncertainty = usable > 0 ? entropy / usable : NAN;
}

/*
 * The learner's fixed stop set: stop_set_size pool items, the first by a
 * hash of the id's text seeded with the learner's seed, chosen at its first
 * model or when the option changed (al.alter_learner clears it).  *chosen:
 * whether it was chosen now.
 */
static Datum
stop_set(const Learner *l, bool *chosen)
{
	Oid			types[2] = {INT8OID, TEXTARRAYOID};
	Datum		args[2] = {Int64GetDatum(l->id), (Datum) 0};
	bool		isnull;
	Datum		d;

	learner_store_exec("SELECT stop_items FROM al.learner_store WHERE id = $1", 1, types, args, true, 1);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	*chosen = isnull;
	if (!isnull)
		return SPI_datumTransfer(d, false, -1);
	args[1] = round_seeded_sample(l, l->options.stop_set_size);
	learner_store_exec("UPDATE al.learner_store SET stop_items = $2 WHERE id = $1",
					   2, types, args, false, 0);
	return args[1];
}

/* Kappa of pred against the previous version's stop predictions (NaN if none). */
static double
kappa_previous(const Learner *l, const int *pred, int n)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	bool		isnull;
	Datum		d;
	Datum	   *prev;
	int			np,
				i,
				m = 0;
	int		   *a,
			   *b;
	double	   *work;

	learner_store_exec("SELECT stop_predictions FROM al.curve_store WHERE learner_id = $1 "
					   "ORDER BY model_version DESC LIMIT 1", 1, &type, &arg, true, 1);
	if (SPI_processed == 0)
		return NAN;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	deconstruct_array(DatumGetArrayTypeP(d), INT4OID, 4, true, TYPALIGN_INT, &prev, NULL, &np);
	a = (int *) palloc(sizeof(int) * Max(n, 1));
	b = (int *) palloc(sizeof(int) * Max(n, 1));
	for (i = 0; i < n && i < np; i++)
		if (pred[i] >= 0 && DatumGetInt32(prev[i]) >= 0)
		{
			a[m] = pred[i];
			b[m++] = DatumGetInt32(prev[i]);
		}
	work = (double *) palloc(sizeof(double) * 2 * l->k);
	return m > 0 ? al_cohen_kappa(a, b, m, l->k, work) : NAN;
}

/*
 * Measure a new version (fit, d features) on the learner's stop set: its
 * predictions, their kappa against the previous version's (NaN for the
 * first version, and for the first with a newly chosen stop set: the two
 * predicted different items) and their mean normalized entropy.
 */
void
stop_measure(const Learner *l, const ModelFit *fit, int d, StopMeasure *m)
{
	bool		chosen;
	Datum		stop = stop_set(l, &chosen);

	stop_predictions(l, fit, d, stop, m);
	m->kappa = chosen ? NAN : kappa_previous(l, m->pred, m->n);
}

/*
 * Whether the stabilizing-predictions rule fires: kappa >= stop_kappa for
 * this version and each of the stop_window - 1 versions before it (each
 * with a kappa).  Reads the curve before this version's row is written.
 */
static bool
stabilizing_fires(const Learner *l, double kappa)
{
	Oid			types[3] = {INT8OID, FLOAT8OID, INT4OID};
	Datum		args[3] = {Int64GetDatum(l->id), Float8GetDatum(l->options.stop_kappa),
	Int32GetDatum(l->options.stop_window - 1)};
	bool		isnull;

	if (isnan(l->options.stop_kappa) || isnan(kappa) || kappa < l->options.stop_kappa)
		return false;
	if (l->options.stop_window == 1)
		return true;
	learner_store_exec("SELECT pg_catalog.count(*) FILTER (WHERE k.kappa_previous OPERATOR(pg_catalog.>=) $2) "
					   "FROM (SELECT c.kappa_previous FROM al.curve_store c WHERE c.learner_id OPERATOR(pg_catalog.=) $1 "
					   "      ORDER BY c.model_version DESC LIMIT $3) k",
					   3, types, args, true, 1);
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)) ==
		l->options.stop_window - 1;
}

/*
 * Whether the accuracy-plateau rule fires: the evaluation accuracy gained
 * less than stop_plateau since the version stop_window versions before this
 * one (both measured).  Reads the curve before this version's row is
 * written.
 */
static bool
plateau_fires(const Learner *l, double accuracy)
{
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		args[2] = {Int64GetDatum(l->id), Int32GetDatum(l->options.stop_window - 1)};
	bool		isnull;
	Datum		d;

	if (l->options.stop_plateau <= 0 || isnan(accuracy))
		return false;
	learner_store_exec("SELECT c.eval_accuracy FROM al.curve_store c WHERE c.learner_id OPERATOR(pg_catalog.=) $1 "
					   "ORDER BY c.model_version DESC OFFSET $2 LIMIT 1",
					   2, types, args, true, 1);
	if (SPI_processed == 0)
		return false;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return !isnull && accuracy - DatumGetFloat8(d) < l->options.stop_plateau;
}

/*
 * The names of the configured rules that fire at a new version (text[], in
 * a fixed order), evaluated before its curve row is written.
 */
Datum
stop_rules_fired(const Learner *l, const StopMeasure *m, const StopInputs *in)
{
	Datum		names[4];
	int			n = 0;

	if (stabilizing_fires(l, m->kappa))
		names[n++] = CStringGetTextDatum(RULE_STABILIZING);
	if (l->options.label_budget > 0 && in->labeled >= l->options.label_budget)
		names[n++] = CStringGetTextDatum(RULE_BUDGET);
	if (l->options.stop_uncertainty > 0 && !isnan(m->uncertainty) &&
		m->uncertainty < l->options.stop_uncertainty)
		names[n++] = CStringGetTextDatum(RULE_UNCERTAINTY);
	if (plateau_fires(l, in->eval_accuracy))
		names[n++] = CStringGetTextDatum(RULE_PLATEAU);
	return PointerGetDatum(construct_array(names, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * Tell the learner's channel about the rules of fired (text[]: those that
 * fire at version) that never fired at an earlier version, if any:
 * {"learner": ..., "learner_id": ..., "version": ..., "stop_rules": [...]}.
 * Reads the curve before the version's row is written; sent at commit.
 */
void
stop_rules_notify(const Learner *l, int32 version, Datum fired)
{
	Oid			types[2] = {INT8OID, TEXTARRAYOID};
	Datum		args[2] = {Int64GetDatum(l->id), fired};
	StringInfoData payload;
	char	   *base;
	uint64		r;

	learner_store_exec("SELECT f.rule FROM pg_catalog.unnest($2::pg_catalog.text[]) WITH ORDINALITY f(rule, o) "
					   "WHERE NOT EXISTS (SELECT 1 FROM al.curve_store c WHERE c.learner_id OPERATOR(pg_catalog.=) $1 "
					   "                  AND f.rule OPERATOR(pg_catalog.=) ANY (c.stop_rules)) ORDER BY f.o",
					   2, types, args, true, 0);
	if (SPI_processed == 0)
		return;
	/* the version's payload, with the rules added before its closing brace */
	base = learner_notify_payload(l, version);
	initStringInfo(&payload);
	appendBinaryStringInfo(&payload, base, strlen(base) - 1);
	appendStringInfoString(&payload, ", \"stop_rules\": [");
	for (r = 0; r < SPI_processed; r++)
		appendStringInfo(&payload, "%s\"%s\"", r ? ", " : "",
						 SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1));
	appendStringInfoString(&payload, "]}");
	Async_Notify(learner_channel(l), payload.data);
}
