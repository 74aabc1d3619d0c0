/*
 * external.c - external-prediction learners (option "predictions": true;
 * doc/loop.md "External-prediction learners"): the scores come from a
 * column of the pool that the application keeps up to date, an al.probvec
 * (one model) or an al.probvec[] (a committee), instead of a model trained
 * here.  A round trains nothing: it ranks the pool from the column (read as
 * the learner's owner, block by block), and at a new prediction version
 * (al.predictions_updated) records its curve point: the agreement of the
 * predictions with the experts' labels and the mean uncertainty.
 * al.labels_since returns the label rows a version's fine-tuning did not
 * use.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/async.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "eval_set.h"
#include "feature_cast.h"
#include "identity.h"
#include "learner_acl.h"
#include "probvec.h"
#include "round.h"
#include "scores.h"
#include "sql_args.h"
#include "stop_rules.h"

PG_FUNCTION_INFO_V1(al_predictions_updated);
PG_FUNCTION_INFO_V1(al_labels_since);

/* Pool rows read per block. */
#define EXTERNAL_BLOCK_ROWS 4096

/* ERROR (22023): what an external-prediction learner cannot do without features. */
static void
needs_feature_column(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s needs a feature column", what),
			 errdetail("An external-prediction learner (option \"predictions\") reads only the application's predictions."),
			 errhint("Create a learner over a feature column for it.")));
}

/*
 * ERROR unless the strategy and options suit a learner over predictions:
 * no strategy or selection that reads features, no training option that
 * needs a model of ours (the committee is the column's members).
 */
void
external_check_options(const char *strategy, const LearnerOptions *o)
{
	const LearnerStrategy *s = learner_strategy(strategy);

	if (s->needs_features || strcmp(strategy, LEARNER_EER_STRATEGY) == 0)
		needs_feature_column(psprintf("strategy \"%s\"", strategy));
	if (o->batch != ROUND_BATCH_TOPK)
		needs_feature_column(psprintf("option \"batch\" (\"%s\")", round_batch_name(o->batch)));
	if (o->density > 0)
		needs_feature_column("option \"density\"");
	if (o->cold_start == COLD_START_KCENTER)
		needs_feature_column("\"cold_start\": \"kcenter\"");
	if (o->eval_table != NULL)
		needs_feature_column("option \"eval_table\"");
	if (o->committee != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"committee\" does not apply to an external-prediction learner"),
				 errhint("Its committee is the members of its al.probvec[] column.")));
	if (o->explore != EXPLORE_NONE || o->sample > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" does not apply to an external-prediction learner",
						o->explore != EXPLORE_NONE ? "explore" : "sample"),
				 errhint("It ranks the whole column by score.")));
}

/* The oid of al.probvec[]. */
static Oid
probvec_array_oid(void)
{
	return get_array_type(round_probvec_oid());
}

/* Whether a column of this type holds predictions: al.probvec or al.probvec[]. */
bool
external_column_type_ok(Oid type)
{
	Oid			pv = round_probvec_oid();

	return OidIsValid(pv) && (type == pv || type == get_array_type(pv));
}

/*
 * ERROR unless a learner's column (of type type, under a lock) suits it:
 * with predictions, an al.probvec or al.probvec[] column, the latter for
 * committee strategies; without, not an al.probvec[] (no features).
 * learner: NULL while it is being created.
 */
void
external_check_column(const char *learner, const char *column, Oid type, const char *strategy,
					  bool predictions)
{
	const LearnerStrategy *s = learner_strategy(strategy);

	if (!predictions)
	{
		if (type == probvec_array_oid())
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("feature column \"%s\" must be %s, not %s", column, AL_FEATURE_TYPES,
							format_type_be(type)),
					 errhint("A learner over a column of predictions needs the option \"predictions\": true.")));
		return;
	}
	if (!external_column_type_ok(type))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 learner ? errmsg("predictions column \"%s\" of the pool of learner \"%s\" must be al.probvec or al.probvec[], not %s",
								  column, learner, format_type_be(type)) :
				 errmsg("predictions column \"%s\" must be al.probvec or al.probvec[], not %s",
						column, format_type_be(type))));
	if (s != NULL && s->needs_committee && type != probvec_array_oid())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("strategy \"%s\" needs a committee: an al.probvec[] predictions column, not al.probvec",
						strategy)));
}

/*
 * What the loop reads as an external learner's "features" (labels and the
 * cold start check them): a one-element marker array where the row has
 * predictions, NULL where it has none.
 */
char *
external_features_sql(const Learner *l, const char *alias)
{
	const char *column = quote_identifier(l->features_column);

	if (alias)
		column = psprintf("%s.%s", alias, column);
	return psprintf("CASE WHEN %s IS NULL THEN NULL ELSE '{0}'::pg_catalog.float4[] END", column);
}

/* A scan of the pool's predictions for one version, block by block. */
typedef struct ExternalScan
{
	const Learner *l;
	int32		version;
	bool		committee;		/* the column is an al.probvec[] */
	Oid			pv_type;
	int16		pv_len;
	bool		pv_byval;
	char		pv_align;
	ItemMap    *done;			/* items that need no more labels: not ranked */
	ItemMap    *labeled;		/* item -> its index in truth (eval items after the others) */
	int		   *truth;			/* each labeled item's label (class index, -1: not a class) */
	int			n_labeled;		/* labeled items outside the evaluation sample */
	int			n_eval;			/* labeled items of the evaluation sample */
	int		   *eval_pred;		/* predicted class of each eval item (-1: unusable) */
	double	   *eval_p_true;	/* its probability of the true class */
	float	   *p;				/* k: the (mean) distribution of a row */
	float	   *m;				/* members x k */
	int			m_cap;			/* members m holds */
	double	   *work;
	HotRows    *ranking;		/* option ranking_rows: the best rows so far, else NULL */
	/* results */
	int64		scored;
	int64		unusable;		/* unlabeled rows without usable predictions */
	double		entropy_sum;
	int			correct;		/* labeled items outside the evaluation sample: argmax = label */
	int			measured;		/* ... with usable predictions and a class label */
	int			labels_unusable;	/* labeled items without usable predictions */
} ExternalScan;

/* Copy one probvec (of k classes) into st->m as member i; false if it has another length. */
static bool
read_member(ExternalScan *st, Datum d, int i)
{
	ProbVecView view;

	probvec_read(d, &view);
	if (view.dim != st->l->k)
		return false;
	memcpy(st->m + (Size) i * st->l->k, view.x, sizeof(float) * st->l->k);
	return true;
}

/*
 * Read one row's predictions into st->m (and their mean into st->p);
 * returns the members read, 0 if unusable: NULL, an empty or
 * multi-dimensional committee, a NULL member, or a probvec whose length is
 * not the learner's class count.
 */
static int
read_predictions(ExternalScan *st, Datum d, bool isnull)
{
	int			k = st->l->k;
	int			members = 0,
				c,
				i;

	if (isnull)
		return 0;
	if (!st->committee)
		members = read_member(st, d, 0) ? 1 : 0;
	else
	{
		ArrayType  *a = DatumGetArrayTypeP(d);
		Datum	   *elems;
		bool	   *nulls;
		int			n;

		if (ARR_NDIM(a) != 1)
			return 0;
		deconstruct_array(a, st->pv_type, st->pv_len, st->pv_byval, st->pv_align, &elems, &nulls, &n);
		if (n > st->m_cap)
		{
			st->m_cap = n;
			st->m = (float *) repalloc_huge(st->m, sizeof(float) * (Size) n * k);
		}
		for (i = 0; i < n; i++)
			if (nulls[i] || !read_member(st, elems[i], i))
				return 0;
		members = n;
	}
	for (c = 0; c < k && members > 0; c++)
	{
		double		sum = 0.0;

		for (i = 0; i < members; i++)
			sum += st->m[i * k + c];
		st->p[c] = (float) (sum / members);
	}
	return members;
}

/* Measure a labeled item's predictions (index e of st->labeled; members 0: unusable). */
static void
measure_labeled(ExternalScan *st, int e, int members)
{
	int			truth = st->truth[e];
	int			pred = members > 0 ? al_argmax(st->p, st->l->k) : -1;

	if (members == 0)
		st->labels_unusable++;
	if (e >= st->n_labeled)
	{
		st->eval_pred[e - st->n_labeled] = pred;
		st->eval_p_true[e - st->n_labeled] = (members > 0 && truth >= 0) ? st->p[truth] : 0.0;
		return;
	}
	if (members == 0 || truth < 0)
		return;
	st->measured++;
	st->correct += pred == truth;
}

/*
 * Score one block of (id text, predictions) rows into al.scores (under
 * option ranking_rows: into st->ranking), in the block's context.
 */
static void
external_block(void *arg)
{
	ExternalScan *st = (ExternalScan *) arg;
	const Learner *l = st->l;
	Datum	   *items = (Datum *) palloc(sizeof(Datum) * Max(SPI_processed, 1));
	Datum	   *scores = (Datum *) palloc(sizeof(Datum) * Max(SPI_processed, 1));
	Datum	   *predicted = (Datum *) palloc(sizeof(Datum) * Max(SPI_processed, 1));
	Datum	   *probs = (Datum *) palloc(sizeof(Datum) * Max(SPI_processed, 1));
	int			n = 0;
	uint64		r;

	if (SPI_gettypeid(SPI_tuptable->tupdesc, 1) != TEXTOID ||
		!external_column_type_ok(SPI_gettypeid(SPI_tuptable->tupdesc, 2)) ||
		(SPI_gettypeid(SPI_tuptable->tupdesc, 2) == probvec_array_oid()) != st->committee)
		elog(ERROR, "the pool of learner \"%s\" returned predictions of another type", l->name);
	for (r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		char	   *item = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
		Datum		d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);
		int			members,
					e;

		if (item == NULL)
			continue;
		members = read_predictions(st, d, isnull);
		if ((e = item_map_find(st->labeled, item)) >= 0)
			measure_labeled(st, e, members);
		if (item_map_find(st->done, item) >= 0)
			continue;
		if (members == 0)
		{
			st->unusable++;
			continue;
		}
		scores[n] = Float8GetDatum(round_row_score(l, item, st->p, st->m, members, NULL, 0, st->work));
		st->entropy_sum += al_entropy(st->p, l->k);
		st->scored++;
		if (st->ranking != NULL)
		{
			round_hot_keep(st->ranking, DatumGetFloat8(scores[n]), item, st->p);
			continue;
		}
		items[n] = CStringGetTextDatum(item);
		predicted[n] = CStringGetTextDatum(l->classes[al_argmax(st->p, l->k)]);
		probs[n] = PointerGetDatum(probvec_from_floats(st->p, l->k, -1));
		n++;
	}
	round_insert_scores(l, st->version, n, items, scores, predicted, probs, st->pv_type);
}

/* Index the labeled items (their label-rule label; the evaluation sample's after the others). */
static void
index_labels(ExternalScan *st, EvalLabels *eval)
{
	const Learner *l = st->l;
	TrainingLabels tl;
	int			i;

	round_training_labels(l, &tl);
	eval_split_labels(l, tl.items, tl.classes, &tl.n, eval);
	st->n_labeled = tl.n;
	st->n_eval = eval->n;
	st->labeled = item_map_create("al_ext labeled predictions", tl.n + eval->n);
	st->truth = (int *) palloc_extended(sizeof(int) * Max(tl.n + eval->n, 1), MCXT_ALLOC_HUGE);
	st->eval_pred = (int *) palloc_extended(sizeof(int) * Max(eval->n, 1), MCXT_ALLOC_HUGE);
	st->eval_p_true = (double *) palloc_extended(sizeof(double) * Max(eval->n, 1), MCXT_ALLOC_HUGE);
	for (i = 0; i < tl.n; i++)
	{
		item_map_add(st->labeled, tl.items[i], i);
		st->truth[i] = tl.classes[i];
	}
	for (i = 0; i < eval->n; i++)
	{
		item_map_add(st->labeled, eval->items[i], tl.n + i);
		st->truth[tl.n + i] = eval->classes[i];
		st->eval_pred[i] = -1;
		st->eval_p_true[i] = 0.0;
	}
}

/*
 * Rank the pool from the predictions column as version: replace the
 * learner's rows of al.scores with the unlabeled rows that have usable
 * predictions (under option ranking_rows, the best of them), and measure
 * the labeled ones (into st).
 */
static void
external_scan(const Learner *l, int32 version, int64 pool_size, ExternalScan *st, EvalLabels *eval)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	AlIdentity	save;

	/* an id twice would be ranked twice: refused, as the owner sees the pool */
	al_become(l->owner, &save);
	pool_check_duplicates(l->pool, l->id_column, l->id_att, l->name);
	al_restore(&save);
	memset(st, 0, sizeof(*st));
	st->l = l;
	st->version = version;
	st->committee = l->features_type == probvec_array_oid();
	st->pv_type = round_probvec_oid();
	get_typlenbyvalalign(st->pv_type, &st->pv_len, &st->pv_byval, &st->pv_align);
	st->done = round_labeled_items(l);
	index_labels(st, eval);
	st->p = (float *) palloc(sizeof(float) * l->k);
	st->m_cap = 1;
	st->m = (float *) palloc_extended(sizeof(float) * l->k, MCXT_ALLOC_HUGE);
	st->work = (double *) palloc(sizeof(double) * 4 * l->k);
	st->ranking = round_ranking_rows(l, pool_size, sizeof(float) * l->k);
	learner_store_exec("DELETE FROM al.scores WHERE learner_id = $1", 1, &type, &arg, false, 0);
	learner_query_blocks(l->owner,
						 psprintf("SELECT %s::pg_catalog.text, %s FROM %s", quote_identifier(l->id_column),
								  quote_identifier(l->features_column), learner_pool_name(l)),
						 0, NULL, NULL, false, EXTERNAL_BLOCK_ROWS, external_block, st);
	if (st->ranking != NULL)
		round_insert_ranking(l, version, st->ranking);
}

/* The evaluation metrics of the scan's evaluation items (n -1: the learner has none). */
static void
external_eval(const Learner *l, const ExternalScan *st, al_eval_metrics *e)
{
	int		   *truth = (int *) palloc(sizeof(int) * Max(st->n_eval, 1));
	int		   *pred = (int *) palloc(sizeof(int) * Max(st->n_eval, 1));
	double	   *p_true = (double *) palloc(sizeof(double) * Max(st->n_eval, 1));
	int			n = 0,
				i;

	if (!learner_has_eval(l))
		return;
	/* the measured ones: a class label and usable predictions */
	for (i = 0; i < st->n_eval; i++)
		if (st->truth[st->n_labeled + i] >= 0 && st->eval_pred[i] >= 0)
		{
			truth[n] = st->truth[st->n_labeled + i];
			pred[n] = st->eval_pred[i];
			p_true[n++] = st->eval_p_true[i];
		}
	al_eval_compute(truth, pred, p_true, n, l->k, (uint64) l->options.seed,
					(int *) palloc(sizeof(int) * 3 * l->k),
					(double *) palloc(sizeof(double) * AL_EVAL_BOOTSTRAP), e);
}

/* Set curve parameter i to v (NULL if NaN). */
static void
set_double(Datum *args, char *nulls, int i, double v)
{
	args[i] = Float8GetDatum(v);
	nulls[i] = isnan(v) ? 'n' : ' ';
}

/*
 * Record the curve point of a new prediction version: labels_used, the
 * labeled items outside the evaluation sample; holdout_accuracy, the agreement of argmax with the labels
 * outside the evaluation sample; the evaluation metrics; the mean entropy
 * and the mean normalized entropy of the ranked rows; the stopping rules
 * that fire (notified first).
 */
static void
record_version_curve(const Learner *l, const ExternalScan *st)
{
	static const char *sql =
		"INSERT INTO al.curve_store (learner_id, model_version, model_id, labels_used, holdout_accuracy, "
		"mean_uncertainty, stop_predictions, labels_unusable, eval_labeled, eval_accuracy, "
		"eval_accuracy_low, eval_accuracy_high, eval_macro_f1, eval_macro_f1_low, eval_macro_f1_high, "
		"eval_log_loss, eval_log_loss_low, eval_log_loss_high, stop_set_uncertainty, stop_rules) "
		"VALUES ($1, $2, 0, $3, $4, $5, '{}', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";
	Oid			types[18] = {INT8OID, INT4OID, INT4OID, FLOAT8OID, FLOAT8OID, INT4OID, INT4OID,
		FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID,
	FLOAT8OID, FLOAT8OID, TEXTARRAYOID};
	Datum		args[18];
	char		nulls[18];
	al_eval_metrics e = {-1, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
	StopMeasure stop = {0, NULL, NAN, NAN};
	StopInputs	in;
	double		values[9];
	AlIdentity	save;
	int			ret,
				i;

	external_eval(l, st, &e);
	if (st->scored > 0)
		stop.uncertainty = st->entropy_sum / st->scored / log((double) l->k);
	in.version = st->version;
	in.labeled = st->n_labeled + st->n_eval;
	in.eval_accuracy = e.accuracy;
	memset(nulls, ' ', sizeof(nulls));
	args[0] = Int64GetDatum(l->id);
	args[1] = Int32GetDatum(st->version);
	/* as for a trained learner: the evaluation sample's labels are eval_labeled */
	args[2] = Int32GetDatum(st->n_labeled);
	set_double(args, nulls, 3, st->measured > 0 ? (double) st->correct / st->measured : NAN);
	set_double(args, nulls, 4, st->scored > 0 ? st->entropy_sum / st->scored : NAN);
	args[5] = Int32GetDatum(st->labels_unusable);
	args[6] = Int32GetDatum(e.n);
	nulls[6] = e.n < 0 ? 'n' : ' ';
	values[0] = e.accuracy;
	values[1] = e.accuracy_low;
	values[2] = e.accuracy_high;
	values[3] = e.macro_f1;
	values[4] = e.macro_f1_low;
	values[5] = e.macro_f1_high;
	values[6] = e.log_loss;
	values[7] = e.log_loss_low;
	values[8] = e.log_loss_high;
	for (i = 0; i < 9; i++)
		set_double(args, nulls, 7 + i, values[i]);
	set_double(args, nulls, 16, stop.uncertainty);
	args[17] = stop_rules_fired(l, &stop, &in);
	stop_rules_notify(l, st->version, args[17]);
	al_become_store_owner(&save);
	ret = SPI_execute_with_args(sql, 18, types, args, nulls, false, 0);
	al_restore(&save);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "could not record the curve of learner \"%s\"", l->name);
}

/* The learner's latest declared prediction version (0: none yet). */
static int32
latest_version(const Learner *l)
{
	return (int32) learner_store_int8("SELECT pg_catalog.max(version)::pg_catalog.int8 FROM al.prediction_version_store "
									  "WHERE learner_id = $1", l->id, 0);
}

/* Publish version: the learner serves it, the rescore asked for is done, and its channel hears it. */
static void
publish_version(Learner *l, int32 version, const ExternalScan *st)
{
	Oid			types[4] = {INT8OID, INT4OID, INT8OID, INT8OID};
	Datum		args[4] = {Int64GetDatum(l->id), Int32GetDatum(version), Int64GetDatum(st->scored),
	Int64GetDatum(st->unusable)};

	learner_store_exec("UPDATE al.prediction_version_store SET rows_ranked = $3, rows_unusable = $4, "
					   "ranked_at = pg_catalog.now() WHERE learner_id = $1 AND version = $2",
					   4, types, args, false, 0);
	learner_store_exec("UPDATE al.learner_store SET retrain_requested = false, model_version = $2, "
					   "published_at = CASE WHEN model_version IS DISTINCT FROM $2 THEN pg_catalog.now() "
					   "                    ELSE published_at END WHERE id = $1",
					   2, types, args, false, 0);
	if (l->model_version != version)
		Async_Notify(learner_channel(l), learner_notify_payload(l, version));
	l->model_version = version;
	l->retrain_requested = false;
}

/*
 * A round of an external-prediction learner, its row and pool locked: at a
 * requested rescore (al.predictions_updated, al.retrain), rank the pool
 * from the column as the latest declared version and record its curve
 * point (once per version); else re-rank when the pool's row count or the
 * selection options changed.  Nothing is trained.
 */
LearnerRoundResult
external_round(Learner *l, int64 pool_size)
{
	ExternalScan st;
	EvalLabels	eval;
	int32		version = l->retrain_requested ? latest_version(l) : l->model_version;

	if (l->retrain_requested && version == 0)
	{
		/* (al.retrain or a new strategy before the first version: nothing to rank yet) */
		Oid			type = INT8OID;
		Datum		arg = Int64GetDatum(l->id);

		learner_store_exec("UPDATE al.learner_store SET retrain_requested = false WHERE id = $1",
						   1, &type, &arg, false, 0);
	}
	else if (version > 0 && (l->retrain_requested || round_ranking_stale(l, pool_size)))
	{
		ScoreResult res = {0};

		round_report(l, psprintf("ranking prediction version %d", version));
		external_scan(l, version, pool_size, &st, &eval);
		/* under option ranking_rows the ranking was inserted with its hot rows marked */
		res.hot_marked = st.ranking != NULL;
		round_record_ranking(l, version, pool_size, st.scored, st.ranking != NULL ? &res : NULL);
		/* a version's curve point: at its first ranking, with the labels present then */
		if (l->retrain_requested &&
			learner_store_int8("SELECT pg_catalog.count(*) FROM al.curve_store WHERE learner_id = $1 "
							   "AND model_version = (SELECT pg_catalog.max(version) FROM al.prediction_version_store "
							   "                     WHERE learner_id = $1)", l->id, 0) == 0)
			record_version_curve(l, &st);
		publish_version(l, version, &st);
		return LEARNER_RESCORED;
	}
	if (version == 0 && round_ranking_stale(l, pool_size))
		round_record_ranking(l, 0, pool_size, 0, NULL);
	return LEARNER_IDLE;
}

/* ERROR unless learner l takes predictions. */
static void
require_external(const Learner *l)
{
	if (!l->options.predictions)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("learner \"%s\" does not take external predictions", l->name),
				 errhint("Create the learner with the option \"predictions\": true over a column of al.probvec or al.probvec[].")));
}

/*
 * al.predictions_updated(learner, version, trained_on) -> integer: the
 * application says a new version of its predictions is in the column.
 * Records the version (its number is returned), marks the label rows of
 * serials trained_on as used by it (al.labels_since), and asks for a
 * rescore (the worker's next round, or al.run_learner).
 */
Datum
al_predictions_updated(PG_FUNCTION_ARGS)
{
	Oid			types[4] = {INT8OID, TEXTOID, TEXTOID, INT8ARRAYOID};
	Datum		args[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	Learner    *l;
	char	   *name;
	int32		version;
	AlIdentity	save;

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 1, "version name");
	PreventCommandIfReadOnly("al.predictions_updated()");
	name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), LEARNER_OWN);
	require_external(l);
	if (name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a prediction version needs a name")));
	/* one declaration at a time per learner: its row, as a round locks it */
	l = learner_lock_row(l->id, true);
	args[0] = Int64GetDatum(l->id);
	args[1] = CStringGetTextDatum(name);
	args[2] = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));
	args[3] = PG_ARGISNULL(2) ? (Datum) 0 : PG_GETARG_DATUM(2);
	nulls[3] = PG_ARGISNULL(2) ? 'n' : ' ';
	/* fresh snapshot: a declaration that held the row lock before us has committed */
	learner_store_exec("SELECT 1 FROM al.prediction_version_store WHERE learner_id = $1 AND name = $2",
					   2, types, args, false, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("prediction version \"%s\" of learner \"%s\" already exists", name, l->name)));
	version = latest_version(l) + 1;
	al_become_store_owner(&save);
	if (SPI_execute_with_args("INSERT INTO al.prediction_version_store (learner_id, version, name, declared_by) "
							  "SELECT $1, (SELECT COALESCE(pg_catalog.max(version), 0) + 1 FROM al.prediction_version_store "
							  "            WHERE learner_id = $1), $2, $3",
							  3, types, args, nulls, false, 0) != SPI_OK_INSERT ||
		SPI_execute_with_args("UPDATE al.labels SET trained_in = (SELECT pg_catalog.max(version) FROM al.prediction_version_store "
							  "                                    WHERE learner_id = $1) "
							  "WHERE learner_id = $1 AND trained_in IS NULL AND serial = ANY ($4)",
							  4, types, args, nulls, false, 0) != SPI_OK_UPDATE ||
		SPI_execute_with_args("UPDATE al.learner_store SET retrain_requested = true WHERE id = $1",
							  1, types, args, nulls, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not record prediction version \"%s\" of learner \"%s\"", name, l->name);
	al_restore(&save);
	SPI_finish();
	learner_wake_worker();
	PG_RETURN_INT32(version);
}

/*
 * al.labels_since(learner, version) -> the label rows that prediction
 * version's fine-tuning did not use: not marked (al.predictions_updated's
 * trained_on) as used by it or an earlier version; version NULL: by no
 * version (trained_in IS NULL).  For whoever may view the learner.
 */
Datum
al_labels_since(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			types[2] = {INT8OID, TEXTOID};
	Datum		args[2];
	Learner    *l;
	int32		version = PG_INT32_MAX;	/* no version: the labels none used */
	bool		isnull;
	uint64		r;

	al_require_arg(fcinfo, 0, "learner name");
	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), LEARNER_VIEW);
	require_external(l);
	args[0] = Int64GetDatum(l->id);
	if (!PG_ARGISNULL(1))
	{
		args[1] = PG_GETARG_DATUM(1);
		learner_store_exec("SELECT version FROM al.prediction_version_store WHERE learner_id = $1 AND name = $2",
						   2, types, args, true, 1);
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("prediction version \"%s\" of learner \"%s\" does not exist",
							text_to_cstring(PG_GETARG_TEXT_PP(1)), l->name)));
		version = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}
	types[1] = INT4OID;
	args[1] = Int32GetDatum(version);
	learner_store_exec("SELECT item_id, label, annotator, labeled_at, serial, adjudicated FROM al.labels "
					   "WHERE learner_id = $1 AND (trained_in IS NULL OR trained_in > $2) ORDER BY serial",
					   2, types, args, true, 0);
	for (r = 0; r < SPI_processed; r++)
	{
		Datum		values[6];
		bool		isnull[6];
		int			c;

		for (c = 0; c < 6; c++)
			values[c] = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, c + 1, &isnull[c]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, isnull);
	}
	SPI_finish();
	return (Datum) 0;
}
