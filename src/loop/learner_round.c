/*
 * learner_round.c - one round of a learner's work, inside the caller's
 * transaction: retrain when enough labels arrived, score the unlabeled pool
 * (round_score.c), publish the ranking, record the learning-curve point,
 * NOTIFY.  Everything becomes visible at commit, or not at all.
 *
 * A round first locks the learner's row of al.learner_store (so a drop or
 * an alter waits for it, and two rounds of one learner never overlap), then
 * the pool (so its columns cannot change under the round), and checks the
 * pool's columns from the catalog under that lock.  The pool is read with
 * the learner owner's identity; al_ext's tables are written as their owner
 * (learner_store_exec).
 */
#include "postgres.h"

#include <math.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/async.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"

#include "eval_set.h"
#include "family.h"
#include "identity.h"
#include "learner_acl.h"
#include "locks.h"
#include "overlap.h"
#include "round.h"
#include "round_training.h"
#include "scores_partition.h"
#include "serving.h"
#include "stop_rules.h"
#include "team.h"

/* Set curve parameter i to the double v (NULL if NaN); the family round's curve too. */
void
round_curve_double(Datum *args, char *nulls, int i, double v)
{
	args[i] = Float8GetDatum(v);
	nulls[i] = isnan(v) ? 'n' : ' ';
}

/* Set the curve parameters from 10 on: the evaluation metrics (NULL without an evaluation set). */
static void
curve_eval(Datum *args, char *nulls, const al_eval_metrics *e)
{
	const double values[9] = {e->accuracy, e->accuracy_low, e->accuracy_high,
		e->macro_f1, e->macro_f1_low, e->macro_f1_high,
	e->log_loss, e->log_loss_low, e->log_loss_high};
	int			i;

	args[10] = Int32GetDatum(e->n);
	nulls[10] = e->n < 0 ? 'n' : ' ';
	for (i = 0; i < 9; i++)
		round_curve_double(args, nulls, 11 + i, values[i]);
}

/*
 * Record the learning-curve point of a new version: e, its metrics on the
 * evaluation set (n -1: the learner has none); stop, its measures on the
 * stop set; and the stopping rules that fire at it (notified first, when
 * they never fired before).
 */
static void
record_curve(const Learner *l, const ModelFit *fit, const TrainingRows *t, double mean_uncertainty,
			 const StopMeasure *stop, const al_eval_metrics *e)
{
	static const char *sql =
		"INSERT INTO al.curve_store (learner_id, model_version, model_id, labels_used, holdout_accuracy, "
		"holdout_log_loss, mean_uncertainty, kappa_previous, stop_predictions, labels_unusable, "
		"eval_labeled, eval_accuracy, eval_accuracy_low, eval_accuracy_high, eval_macro_f1, "
		"eval_macro_f1_low, eval_macro_f1_high, eval_log_loss, eval_log_loss_low, eval_log_loss_high, "
		"stop_set_uncertainty, stop_rules) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
		"$21, $22)";
	Oid			types[22] = {INT8OID, INT4OID, INT8OID, INT4OID, FLOAT8OID, FLOAT8OID, FLOAT8OID,
		FLOAT8OID, INT4ARRAYOID, INT4OID, INT4OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID,
	FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, TEXTARRAYOID};
	Datum		args[22];
	char		nulls[22];
	Datum	   *p = (Datum *) palloc(sizeof(Datum) * Max(stop->n, 1));
	StopInputs	in = {fit->version, t->labeled, e->accuracy};
	AlIdentity	save;
	int			ret;
	int			i;

	for (i = 0; i < stop->n; i++)
		p[i] = Int32GetDatum(stop->pred[i]);
	memset(nulls, ' ', sizeof(nulls));
	args[0] = Int64GetDatum(l->id);
	args[1] = Int32GetDatum(fit->version);
	args[2] = Int64GetDatum(fit->id);
	args[3] = Int32GetDatum(t->n);
	round_curve_double(args, nulls, 4, fit->holdout_accuracy);
	round_curve_double(args, nulls, 5, fit->holdout_log_loss);
	round_curve_double(args, nulls, 6, mean_uncertainty);
	round_curve_double(args, nulls, 7, stop->kappa);
	args[8] = PointerGetDatum(construct_array(p, stop->n, INT4OID, 4, true, TYPALIGN_INT));
	args[9] = Int32GetDatum(t->unusable);
	curve_eval(args, nulls, e);
	round_curve_double(args, nulls, 20, stop->uncertainty);
	args[21] = stop_rules_fired(l, stop, &in);
	stop_rules_notify(l, fit->version, args[21]);
	al_become_store_owner(&save);
	ret = SPI_execute_with_args(sql, 22, types, args, nulls, false, 0);
	al_restore(&save);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "could not record the curve of learner \"%s\"", l->name);
}

/* The retrain a learner was asked for (al.retrain, al.alter_learner) is done. */
void
round_retrain_done(const Learner *l)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);

	learner_store_exec("UPDATE al.learner_store SET retrain_requested = false WHERE id = $1",
					   1, &type, &arg, false, 0);
}

/*
 * Mark the label rows the new version's training read (the serials of
 * those that were waiting, t->fresh) as trained in version.  Rows changed
 * since (a new label: a new serial) keep waiting.  A row another
 * transaction is changing right now is skipped rather than waited for (an
 * annotator may leave that transaction open): it waits for the next
 * retrain, which at worst comes one retrain early.
 */
void
round_mark_trained(const Learner *l, int32 version, Datum fresh)
{
	Oid			types[3] = {INT8OID, INT4OID, INT8ARRAYOID};
	Datum		args[3] = {Int64GetDatum(l->id), Int32GetDatum(version), fresh};

	learner_store_exec("UPDATE al.labels SET trained_in = $2 WHERE learner_id = $1 AND serial IN ("
					   "  SELECT serial FROM al.labels WHERE learner_id = $1 "
					   "  AND serial = ANY ($3) AND trained_in IS NULL "
					   "  FOR NO KEY UPDATE SKIP LOCKED)",
					   3, types, args, false, 0);
}

/* The committee options of a learner's model. */
al_softmax_options
round_fit_options(const Learner *l)
{
	al_softmax_options opt;

	al_softmax_options_init(&opt);
	opt.c = l->options.c;
	opt.max_iter = l->options.max_iter;
	opt.members = Max(l->options.committee, 1);
	opt.seed = (uint64) l->options.seed;
	opt.standardize = l->options.standardize;
	return opt;
}

/*
 * The published model version as a ModelFit (for rescoring new rows);
 * ERROR if it is not a model of the learner, its family and its classes (a
 * corrupted or foreign store): never score with a model of another shape.
 */
void
round_published_model(const Learner *l, ModelFit *fit)
{
	AlModel    *m = model_get_by_id(l->model_id);

	/* (a ridge model has one output and no classes; its learner none) */
	if ((m->family != MODEL_RIDGE && m->k != l->k) || m->learner_id != l->id ||
		m->family != (ModelFamily) l->options.family)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the published model of learner \"%s\" (id " INT64_FORMAT ") is not its own",
						l->name, m->id),
				 errdetail("It is a %s model of %d outputs of learner " INT64_FORMAT "; the learner is of family %s with %d classes.",
						   model_family_name(m->family), m->k, m->learner_id,
						   model_family_name((ModelFamily) l->options.family), l->k),
				 errhint("al.retrain trains a new version.")));
	fit->id = m->id;
	fit->version = m->version;
	fit->models = m->m;
	fit->members = m->members;
	fit->c = m->train_c;
	fit->holdout_accuracy = NAN;
	fit->holdout_log_loss = NAN;
}

/*
 * Option ranking_rows: whether the learner's bounded ranking is used up:
 * it holds its N rows (the heap was full: the pool may hold more) and
 * every one of them has the labels it needs (overlap votes or an
 * adjudication, as LABELED_ITEMS_SQL counts them).  al.next_batch then
 * has nothing to hand out; without a new ranking the learner stalled for
 * good whenever N was below retrain_every (N labels, fewer than
 * retrain_every waiting, no retrain, no round ranked again).  The first
 * open row ends the scan (a round inserts the rows in the hand-out order
 * and batches take them from the top, so the labeled ones mostly come
 * first): about as many index probes of al.labels as rows labeled since
 * the ranking.  The count follows only when no row is open.  First, as the
 * worker runs a round of every learner each al_ext.naptime: each of the N
 * rows needs a label row given since the ranking, which no training has
 * read (a training ranks again), so fewer than N label rows waiting for a
 * training (the partial index labels_waiting, at most N read) means some
 * row is still open.
 */
static bool
ranking_used_up(const Learner *l)
{
	int			n = l->options.ranking_rows;

	if (n <= 0)
		return false;
	if (learner_store_int8(psprintf("SELECT pg_catalog.count(*) FROM (SELECT 1 FROM al.labels "
									"WHERE learner_id OPERATOR(pg_catalog.=) $1 AND trained_in IS NULL LIMIT %d) w", n),
						   l->id, 0) < n)
		return false;
	if (learner_store_int8(psprintf("SELECT 1 FROM al.scores s WHERE s.learner_id OPERATOR(pg_catalog.=) $1 "
									"AND NOT EXISTS (SELECT 1 FROM al.labels b "
									"  WHERE b.learner_id OPERATOR(pg_catalog.=) $1 "
									"  AND al.item_key(b.item_id) OPERATOR(pg_catalog.=) al.item_key(s.item_id) "
									"  AND b.item_id OPERATOR(pg_catalog.=) s.item_id "
									"  HAVING pg_catalog.count(*) FILTER (WHERE NOT b.adjudicated) "
									"         OPERATOR(pg_catalog.>=) %d OR pg_catalog.bool_or(b.adjudicated)) "
									"LIMIT 1", l->options.overlap), l->id, 0) != 0)
		return false;
	return learner_store_int8("SELECT pg_catalog.count(*) FROM al.scores WHERE learner_id OPERATOR(pg_catalog.=) $1",
							  l->id, 0) >= n;
}

/*
 * Whether the published ranking is missing or stale: al.ranking_state (not
 * dumped, like al.scores) has no row for the published version (after a
 * restore, or before the first ranking), the pool's row count differs
 * from the one the ranking was written for, the ranking was selected
 * with other selection options (al.alter_learner), or, under option
 * ranking_rows, its N rows are used up (ranking_used_up).  One key lookup
 * (and, under ranking_rows, a scan of the ranking's labeled head).
 */
bool
round_ranking_stale(const Learner *l, int64 pool_size)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	bool		isnull;
	int32		version;
	int64		rows;
	char	   *selection;

	learner_store_exec("SELECT model_version, pool_rows, selection FROM al.ranking_state WHERE learner_id = $1",
					   1, &type, &arg, true, 1);
	if (SPI_processed == 0)
		return true;
	version = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	rows = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	selection = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
	return version != l->model_version || rows != pool_size ||
		strcmp(selection, learner_selection_text(&l->options, l->strategy)) != 0 || ranking_used_up(l);
}

/*
 * Mark the first RANKING_HOT_ROWS rows of the learner's ranking in the
 * hand-out order (rank, then score, then item id) hot: the partial index
 * al.scores_order holds those only, and al.next_batch reads them first.
 * res: what the round's scoring knows of them (round_hot.c), or NULL.
 * The scoring may have inserted them hot already; with ranks on
 * RANKING_HOT_ROWS rows or more, the hot rows are those ranks; without
 * ranks, the ids the scoring kept; else (or NULL) one scan and bounded sort
 * of the ranking finds them.  Then as many updated rows.
 */
static void
mark_hot_rows(const Learner *l, const ScoreResult *res)
{
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		args[2] = {Int64GetDatum(l->id), Int32GetDatum(RANKING_HOT_ROWS)};

	if (res != NULL && res->hot_marked)
		return;
	if (res != NULL && res->ranked >= RANKING_HOT_ROWS)
		learner_store_exec("UPDATE al.scores SET hot = true WHERE learner_id = $1 AND rank <= $2",
						   2, types, args, false, 0);
	else if (res != NULL && res->ranked == 0 && res->hot_ids != (Datum) 0)
	{
		types[1] = TEXTARRAYOID;
		args[1] = res->hot_ids;
		learner_store_exec("UPDATE al.scores SET hot = true WHERE learner_id = $1 "
						   "AND item_id OPERATOR(pg_catalog.=) ANY ($2)",
						   2, types, args, false, 0);
	}
	else
		learner_store_exec("UPDATE al.scores SET hot = true WHERE learner_id = $1 AND ctid = ANY (ARRAY("
						   "  SELECT ctid FROM al.scores WHERE learner_id = $1 "
						   "  ORDER BY rank, score DESC, item_id LIMIT $2))",
						   2, types, args, false, 0);
}

/*
 * Record which version, pool row count and selection options the ranking
 * was written for, and how many rows it ranked (al.learner_status shows
 * these counts: it never reads a pool itself); mark its first rows hot
 * (res: what the scoring knows of them, or NULL).
 */
void
round_record_ranking(const Learner *l, int32 version, int64 pool_size, int64 ranked,
					 const ScoreResult *res)
{
	Oid			types[5] = {INT8OID, INT4OID, INT8OID, INT8OID, TEXTOID};
	Datum		args[5] = {Int64GetDatum(l->id), Int32GetDatum(version), Int64GetDatum(pool_size),
		Int64GetDatum(ranked),
	CStringGetTextDatum(learner_selection_text(&l->options, l->strategy))};

	learner_store_exec("INSERT INTO al.ranking_state (learner_id, model_version, pool_rows, ranked_rows, selection) "
					   "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (learner_id) DO UPDATE "
					   "SET model_version = EXCLUDED.model_version, pool_rows = EXCLUDED.pool_rows, "
					   "ranked_rows = EXCLUDED.ranked_rows, selection = EXCLUDED.selection, "
					   "ranked_at = pg_catalog.now()",
					   5, types, args, false, 0);
	if (ranked > 0)
		mark_hot_rows(l, res);
}

/* ERROR if the pool holds an id twice, as the owner sees the pool. */
void
round_check_duplicates(const Learner *l)
{
	AlIdentity	save;

	al_become(l->owner, &save);
	pool_check_duplicates(l->pool, l->id_column, l->id_att, l->name);
	al_restore(&save);
}

/*
 * Score the pool with fit as version, select, and record that ranking.
 * t: the rows the model was trained on, or NULL (a rescore: expected
 * error reduction reads them again).
 */
static ScoreResult
rank_pool(Learner *l, const ModelFit *fit, int d, int32 version, int64 pool_size,
		  const TrainingRows *t)
{
	ScoreResult res;
	TrainingRows again;
	RoundLabeled train = {NULL, NULL, 0, 0};

	round_check_duplicates(l);
	if (t == NULL && strcmp(l->strategy, LEARNER_EER_STRATEGY) == 0)
	{
		round_report(l, "reading labels");
		round_training_rows(l, &again);
		t = &again;
	}
	if (t != NULL)
	{
		train.x = t->x;
		train.y = t->y;
		train.n = t->n;
		train.d = t->d;
	}
	res = round_score_pool(l, fit, d, version, pool_size, &train);
	round_record_ranking(l, version, pool_size, res.scored + res.kept, &res);
	return res;
}

/* Retrain, rescore, record and publish.  Returns false if it cannot train yet. */
static bool
retrain(Learner *l, int64 pool_size)
{
	TrainingRows t;
	ModelFit	fit;
	al_softmax_options opt = round_fit_options(l);
	ScoreResult res;
	StopMeasure stop;
	Datum		withdrawn;
	al_eval_metrics eval = {-1, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
	ServedChoice served;

	round_report(l, "reading labels");
	round_training_rows(l, &t);
	/* in the same snapshot as the labels: the withdrawals this training goes without */
	withdrawn = learner_withdrawals_read(l);
	if (!round_can_train(l, &t))
		return false;
	round_check_duplicates(l);
	round_report(l, psprintf("training on %d labeled items", t.n));
	model_fit_store(psprintf("learner/%s", l->name), l->id, l->classes, l->k, t.x, t.y, t.n, t.d,
					&opt, l->options.holdout, &l->options.class_weight, &fit);
	res = rank_pool(l, &fit, t.d, fit.version, pool_size, &t);
	stop_measure(l, &fit, t.d, &stop);
	round_report(l, "measuring on the evaluation set");
	eval_measure(l, &fit, t.d, &t.eval, &eval);
	record_curve(l, &fit, &t, res.scored ? res.entropy_sum / res.scored : NAN, &stop, &eval);
	round_retrain_done(l);
	round_mark_trained(l, fit.version, t.fresh);
	learner_mark_withdrawals(l, fit.version, withdrawn);
	/* the new version is in the curve: serve what the policy or pin says */
	serving_choose(l, &served);
	serving_publish(l, &served);
	if (l->model_version != fit.version)
		round_rank_served(l);
	return true;
}

/* The pool's row count, as the owner. */
int64
round_pool_count(const Learner *l)
{
	bool		isnull;

	round_pool_query(l, psprintf("SELECT pg_catalog.count(*) FROM %s", learner_pool_name(l)), 0, NULL, NULL);
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * Rank the pool with the version learner l serves (serving.c: after a
 * training whose version it does not serve, or when the served version
 * changed).  The learner's row and pool are locked.
 */
void
round_rank_served(Learner *l)
{
	ModelFit	fit;

	if (l->options.family != MODEL_SOFTMAX)
	{
		/* a one-vs-rest or ridge version: its family's ranking */
		family_rank_served(l, round_pool_count(l));
		return;
	}
	round_published_model(l, &fit);
	rank_pool(l, &fit, fit.models[0].d, l->model_version, round_pool_count(l), NULL);
}

/*
 * If the learner's published model version is gone from al.model_store
 * (al.drop_model), start the learner over: its ranking, ranking state and
 * learning curve describe versions that no longer exist (and the next
 * version is numbered 1 again), so they go, the learner has no model, its
 * labels all wait again, and a retrain is requested.  Returns whether it
 * did.
 */
bool
round_reset_if_model_dropped(Learner *l)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);

	if (l->model_id == 0 ||
		learner_store_int8("SELECT pg_catalog.count(*) FROM al.model_store WHERE id = $1", l->model_id, 0) > 0)
		return false;
	learner_store_exec("DELETE FROM al.scores WHERE learner_id = $1", 1, &type, &arg, false, 0);
	learner_store_exec("DELETE FROM al.ranking_state WHERE learner_id = $1", 1, &type, &arg, false, 0);
	learner_store_exec("DELETE FROM al.curve_store WHERE learner_id = $1", 1, &type, &arg, false, 0);
	learner_store_exec("UPDATE al.labels SET trained_in = NULL WHERE learner_id = $1 AND trained_in IS NOT NULL",
					   1, &type, &arg, false, 0);
	serving_forget(l);
	learner_store_exec("UPDATE al.learner_store SET model_id = NULL, model_version = NULL, "
					   "published_at = NULL, retrain_requested = true WHERE id = $1",
					   1, &type, &arg, false, 0);
	l->model_id = 0;
	l->model_version = 0;
	l->retrain_requested = true;
	return true;
}

/*
 * The work of a round on a learner whose row is locked; see learner_round.
 * Without wait, a pool locked by another transaction is skipped.
 */
static LearnerRoundResult
round_locked(Learner *l, bool wait)
{
	int64		waiting,
				pool_size;
	ModelFit	fit;

	round_report(l, "checking");
	if (wait)
		learner_lock_pool(l);
	else if (!learner_try_lock_pool(l))
		return LEARNER_IDLE;	/* e.g. an ALTER TABLE of the pool in progress */
	/* the partition of its ranking: missing for a learner of a restored dump */
	scores_partition(l->id);
	if (learner_import_labels(l, false))
	{
		/* the round's snapshot (read-only statements) sees the labels imported */
		CommandCounterIncrement();
		UpdateActiveSnapshotCommandId();
	}
	pool_size = round_pool_count(l);
	if (l->options.predictions)
		return external_round(l, pool_size);
	if (l->options.family != MODEL_SOFTMAX)
		return family_round(l, pool_size);
	waiting = learner_changes_waiting(l);
	round_reset_if_model_dropped(l);
	if (l->retrain_requested || waiting >= l->options.retrain_every)
	{
		if (retrain(l, pool_size))
			return LEARNER_RETRAINED;
		return LEARNER_IDLE;
	}
	if (l->model_id != 0)
	{
		ServedChoice served;

		/* a pin, the option serve or an evaluation changed since */
		serving_choose(l, &served);
		if (serving_publish(l, &served))
		{
			round_rank_served(l);
			return LEARNER_RESCORED;
		}
	}
	if (l->model_id != 0 && round_ranking_stale(l, pool_size))
	{
		round_published_model(l, &fit);
		rank_pool(l, &fit, fit.models[0].d, l->model_version, pool_size, NULL);
		return LEARNER_RESCORED;
	}
	/* a learner without a model: keep its pool count for al.learner_status */
	if (l->model_id == 0 && round_ranking_stale(l, pool_size))
		round_record_ranking(l, 0, pool_size, 0, NULL);
	return LEARNER_IDLE;
}

/*
 * One round for a learner (see learner.h): with wait, wait for a round of
 * the same learner running elsewhere, or for a lock on its pool; without,
 * skip the learner then (the worker: it never waits on one learner's locks).
 * Once the row is locked, the round reads with a snapshot taken after the
 * lock, so it sees all that the lock's previous holder committed (its model
 * version, its ranking), not only the row.
 */
LearnerRoundResult
learner_round(int64 learner_id, bool wait)
{
	Learner    *l = learner_lock_row(learner_id, wait);
	LearnerRoundResult result;

	if (l == NULL)
		return LEARNER_IDLE;	/* dropped, or busy in another transaction */
	/* no batch marks more of the ranking hot while the round rewrites it (batch_sources.c) */
	if (wait)
		al_lock_xact(AL_LOCK_REFILL, (uint64) l->id);
	else if (!al_lock_try_xact(AL_LOCK_REFILL, (uint64) l->id))
		return LEARNER_IDLE;	/* a batch is marking: the next pass */
	PushActiveSnapshot(GetTransactionSnapshot());
	result = round_locked(l, wait);
	PopActiveSnapshot();
	return result;
}

/* One round for the worker: a learner busy elsewhere is skipped (see learner.h). */
LearnerRoundResult
learner_run_round(int64 learner_id)
{
	return learner_round(learner_id, false);
}
