/*
 * family_round.c - the round of a multi-label or regression learner, the
 * same for every family (family.h's LearnerFamily says what differs):
 * read the training labels and their rows, train a version, score the
 * unlabeled pool block by block (predict, score, write al.scores; with
 * option score_in, the pool's query predicts, al._round_outputs), measure
 * the version on labeled items it did not train on (the evaluation sample,
 * else the holdout), record the curve point, publish.  As the softmax
 * round (learner_round.c): inside the caller's transaction, the learner's
 * row and pool locked, the pool read as the learner's owner, al_ext's
 * tables written as their owner.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "al_ext.h"
#include "eval_set.h"
#include "family.h"
#include "identity.h"
#include "round.h"
#include "select_glue.h"
#include "serving.h"
#include "stop_rules.h"
#include "team.h"
#include "toast_batch.h"

/* Labeled rows in memory: features and their labels' targets. */
typedef struct FamilyRows
{
	int			n;
	int			d;
	float	   *x;				/* n x d */
	FamilyTargets t;			/* of the n rows */
} FamilyRows;

/* A scoring of the pool on its way, block by block. */
typedef struct FamilyScoring
{
	const Learner *l;
	const LearnerFamily *f;
	const ModelFit *fit;
	int			d;
	int			width;
	int32		version;
	int			strategy;
	double		mean_labels;
	ItemMap    *labeled;
	int64		scored;
	double		score_sum;
	HotRows    *ranking;		/* option ranking_rows: the best rows so far (outputs), else NULL */
	int			block_rows;		/* rows per block */
	ToastBatch *toast;			/* rows whose features are out of line, or NULL */
	float	   *dx;				/* block_rows x d: the deferred rows read so far */
	char	  **ditems;			/* and their ids */
	int			deferred;		/* how many */
	MemoryContext deferred_cxt; /* their block's context */
} FamilyScoring;

/*
 * The rows of the n items (labels: their labels) that the pool has with
 * usable features of length d (0: the most common length among them),
 * read as the owner, into r.
 */
static void
read_rows(const Learner *l, const LearnerFamily *f, char **items, char **labels, int n, int d,
		  FamilyRows *r)
{
	ItemMap    *index = item_map_create("al_ext family items", n);
	Oid			type = get_array_type(l->id_type);
	Datum		arg = learner_typed_items(l, items, n);
	const char *id = quote_identifier(l->id_column);
	int		   *row_item,
			   *lengths,
			   *order;
	char	  **row_labels,
			  **ids;
	uint64		i;

	for (i = 0; i < n; i++)
		item_map_add(index, items[i], (int) i);
	round_pool_query(l, psprintf("SELECT p.%s::pg_catalog.text, %s FROM %s p WHERE p.%s OPERATOR(pg_catalog.=) ANY ($1)",
								 id, learner_features_sql(l, "p"), learner_pool_name(l), id),
					 1, &type, &arg);
	round_check_features_column(l, 2);
	/* in the order of their ids, not of the pool's storage (round_rows_by_item) */
	order = round_rows_by_item(&ids, (int) SPI_processed);
	row_item = (int *) palloc_extended(sizeof(int) * Max(SPI_processed, 1), MCXT_ALLOC_HUGE);
	lengths = (int *) palloc_extended(sizeof(int) * Max(SPI_processed, 1), MCXT_ALLOC_HUGE);
	r->n = 0;
	for (i = 0; i < SPI_processed; i++)
	{
		int			o = order[i];
		bool		isnull;
		Datum		x = SPI_getbinval(SPI_tuptable->vals[o], SPI_tuptable->tupdesc, 2, &isnull);

		row_item[o] = ids[o] ? item_map_find(index, ids[o]) : -1;
		if (row_item[o] < 0 || pool_read_features(x, isnull, -1, NULL) != FEATURES_OK)
			row_item[o] = -1;
		else
			lengths[r->n++] = (int) ArrayGetNItems(1, ARR_DIMS(DatumGetArrayTypeP(x)));
	}
	r->d = d > 0 ? d : round_most_common_length(lengths, r->n);
	r->x = (float *) palloc_extended(sizeof(float) * Max(r->n, 1) * Max(r->d, 1), MCXT_ALLOC_HUGE);
	row_labels = (char **) palloc_extended(sizeof(char *) * Max(r->n, 1), MCXT_ALLOC_HUGE);
	r->n = 0;
	for (i = 0; i < SPI_processed && r->d > 0; i++)
	{
		int			o = order[i];
		bool		isnull;
		Datum		x = SPI_getbinval(SPI_tuptable->vals[o], SPI_tuptable->tupdesc, 2, &isnull);

		if (row_item[o] >= 0 && pool_read_features(x, isnull, r->d, r->x + (Size) r->n * r->d) == FEATURES_OK)
			row_labels[r->n++] = labels[row_item[o]];
	}
	SPI_freetuptable(SPI_tuptable);
	f->targets(l, row_labels, r->n, &r->t);
}

/* The mean size of the n x k label sets (ovr; 0 for other families). */
static double
mean_set_size(const FamilyTargets *t, int n, int k)
{
	double		sum = 0;

	if (t->sets == NULL || n == 0)
		return 0;
	for (Size i = 0; i < (Size) n * k; i++)
		sum += t->sets[i];
	return sum / n;
}

/* Write a block of scored rows (outputs: rows x width) into al.scores as the store owner. */
static void
write_block(const FamilyScoring *s, char **items, double *scores, char **predicted, double *outputs, int rows)
{
	static const char *sql =
		"INSERT INTO al.scores (learner_id, item_id, model_version, score, predicted, outputs) "
		"SELECT $1, u.i, $3, u.s, u.p, $6[(u.o OPERATOR(pg_catalog.-) 1) OPERATOR(pg_catalog.*) $7 "
		"OPERATOR(pg_catalog.+) 1 : u.o OPERATOR(pg_catalog.*) $7] "
		"FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($4::pg_catalog.float8[]), "
		"pg_catalog.unnest($5::pg_catalog.text[])) WITH ORDINALITY AS u(i, s, p, o)";
	Oid			types[7] = {INT8OID, TEXTARRAYOID, INT4OID, FLOAT8ARRAYOID, TEXTARRAYOID, FLOAT8ARRAYOID, INT4OID};
	Datum		args[7];
	Datum	   *d = (Datum *) palloc(sizeof(Datum) * Max((Size) rows * s->width, 1));
	int			i;

	if (rows == 0)
		return;
	args[0] = Int64GetDatum(s->l->id);
	for (i = 0; i < rows; i++)
		d[i] = CStringGetTextDatum(items[i]);
	args[1] = PointerGetDatum(construct_array(d, rows, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = Int32GetDatum(s->version);
	for (i = 0; i < rows; i++)
		d[i] = Float8GetDatum(scores[i]);
	args[3] = PointerGetDatum(construct_array(d, rows, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	for (i = 0; i < rows; i++)
		d[i] = CStringGetTextDatum(predicted[i]);
	args[4] = PointerGetDatum(construct_array(d, rows, TEXTOID, -1, false, TYPALIGN_INT));
	for (i = 0; i < rows * s->width; i++)
		d[i] = Float8GetDatum(outputs[i]);
	args[5] = PointerGetDatum(construct_array(d, rows * s->width, FLOAT8OID, 8, FLOAT8PASSBYVAL,
											  TYPALIGN_DOUBLE));
	args[6] = Int32GetDatum(s->width);
	learner_store_exec(sql, 7, types, args, false, 0);
}

/*
 * Score rows (outputs: rows x width; norms: the ||(x, 1)|| of their
 * features) with the learner's strategy and write them (under option
 * ranking_rows: offer them to s->ranking): both passes'.
 */
static void
score_rows(FamilyScoring *s, char **items, double *outputs, const double *norms, int rows)
{
	double	   *scores = (double *) palloc(sizeof(double) * Max(rows, 1));
	char	  **predicted = (char **) palloc(sizeof(char *) * Max(rows, 1));

	for (int i = 0; i < rows; i++)
	{
		const double *out = outputs + (Size) i * s->width;

		scores[i] = s->f->strategies[s->strategy].random ?
			round_random_score(items[i], s->l->options.seed) :
			s->f->score(s->strategy, out, s->width, norms[i], s->mean_labels);
		/* (the rows option ranking_rows keeps get theirs when they are written) */
		predicted[i] = s->ranking ? NULL : s->f->predicted(s->l, out, s->width);
		s->score_sum += scores[i];
		if (s->ranking != NULL)
			round_hot_keep(s->ranking, scores[i], items[i], out);
	}
	s->scored += rows;
	if (s->ranking == NULL)
		write_block(s, items, scores, predicted, outputs, rows);
}

/*
 * Write the rows option ranking_rows kept (s->ranking), in the hand-out
 * order, a block at a time (each in a context reset after its write).
 */
static void
write_ranking(FamilyScoring *s)
{
	int			n = round_hot_count(s->ranking);
	int			block = 4096;
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "al_ext ranking block",
											  ALLOCSET_DEFAULT_SIZES);

	round_hot_sort(s->ranking);
	for (int start = 0; start < n; start += block)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);
		int			rows = Min(block, n - start);
		char	  **items = (char **) palloc(sizeof(char *) * rows);
		double	   *scores = (double *) palloc(sizeof(double) * rows);
		char	  **predicted = (char **) palloc(sizeof(char *) * rows);
		double	   *outputs = (double *) palloc(sizeof(double) * rows * s->width);

		for (int i = 0; i < rows; i++)
		{
			HotRow		row;

			round_hot_row(s->ranking, start + i, &row);
			items[i] = row.id;
			scores[i] = row.score;
			memcpy(outputs + (Size) i * s->width, row.p, sizeof(double) * s->width);
			predicted[i] = s->f->predicted(s->l, outputs + (Size) i * s->width, s->width);
		}
		write_block(s, items, scores, predicted, outputs, rows);
		MemoryContextSwitchTo(old);
		MemoryContextReset(cxt);
		CHECK_FOR_INTERRUPTS();
	}
	MemoryContextDelete(cxt);
}

/* Predict, score and write rows of features x (rows x d). */
static void
predict_rows(FamilyScoring *s, const float *x, char **items, int rows)
{
	double	   *outputs = (double *) palloc(sizeof(double) * Max(rows, 1) * s->width);
	double	   *norms = (double *) palloc(sizeof(double) * Max(rows, 1));

	s->f->predict(s->fit, x, rows, s->d, s->width, outputs);
	for (int i = 0; i < rows; i++)
		norms[i] = family_row_norm(x + (Size) i * s->d, s->d);
	score_rows(s, items, outputs, norms, rows);
}

/* Predict, score and write the deferred rows read so far. */
static void
score_deferred(FamilyScoring *s)
{
	MemoryContext old = MemoryContextSwitchTo(s->deferred_cxt);

	predict_rows(s, s->dx, s->ditems, s->deferred);
	MemoryContextSwitchTo(old);
	MemoryContextReset(s->deferred_cxt);
	s->deferred = 0;
}

/* One deferred row's features (toast_batch.c); a full block is scored. */
static void
take_deferred(void *arg, const char *item, Datum value)
{
	FamilyScoring *s = (FamilyScoring *) arg;

	if (pool_read_features(value, false, s->d, s->dx + (Size) s->deferred * s->d) != FEATURES_OK)
		return;
	s->ditems[s->deferred++] = (char *) item;
	if (s->deferred == s->block_rows)
		score_deferred(s);
}

/* Read, score and write the rows deferred so far. */
static void
score_toast_batch(FamilyScoring *s)
{
	toast_batch_read(s->toast, take_deferred, s);
	if (s->deferred > 0)
		score_deferred(s);
	toast_batch_reset(s->toast);
}

/*
 * Predict and score one fetched block of pool rows (id, features; in
 * SPI_tuptable); rows stored out of line are deferred (toast_batch.c).
 * Runs in the block's context.
 */
static void
score_block(void *arg)
{
	FamilyScoring *s = (FamilyScoring *) arg;
	int			cap = (int) SPI_processed;
	float	   *x = (float *) palloc(sizeof(float) * Max(cap, 1) * s->d);
	char	  **items = (char **) palloc(sizeof(char *) * Max(cap, 1));
	int			rows = 0;

	round_check_block(s->l);
	for (int i = 0; i < cap; i++)
	{
		bool		isnull;
		char	   *item = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		Datum		f = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull);

		if (item == NULL || item_map_find(s->labeled, item) >= 0)
			continue;
		if (!isnull && toast_batch_defer(s->toast, f, item))
			continue;
		if (pool_read_features(f, isnull, s->d, x + (Size) rows * s->d) == FEATURES_OK)
			items[rows++] = item;
	}
	predict_rows(s, x, items, rows);
	if (toast_batch_full(s->toast))
		score_toast_batch(s);
}

/*
 * Score the pool through a cursor, a block at a time, the rows whose
 * features are stored out of line after the cursor's blocks (or when they
 * fill their budget) in one pass over their TOAST table.
 */
static void
score_serial(FamilyScoring *s)
{
	s->block_rows = round_block_rows(s->d, s->width, 1);
	s->toast = toast_batch_create((Size) sel_max_memory_bytes());
	s->dx = (float *) palloc_extended(sizeof(float) * s->block_rows * Max(s->d, 1), MCXT_ALLOC_HUGE);
	s->ditems = (char **) palloc(sizeof(char *) * s->block_rows);
	s->deferred_cxt = AllocSetContextCreate(CurrentMemoryContext, "al_ext deferred block",
											ALLOCSET_DEFAULT_SIZES);
	learner_query_blocks(s->l->owner, round_pool_sql(s->l), 0, NULL, NULL, false, s->block_rows,
						 score_block, s);
	score_toast_batch(s);
	toast_batch_free(s->toast);
	MemoryContextDelete(s->deferred_cxt);
	pfree(s->dx);
	pfree(s->ditems);
}

/*
 * Score one fetched block of rows the pool predicted (id, al._round_outputs:
 * width outputs, then the norm; NULL for features a round skips) and write
 * it; runs in the block's context.
 */
static void
score_pool_block(void *arg)
{
	FamilyScoring *s = (FamilyScoring *) arg;
	int			cap = (int) SPI_processed;
	char	  **items = (char **) palloc(sizeof(char *) * Max(cap, 1));
	double	   *outputs = (double *) palloc(sizeof(double) * Max(cap, 1) * s->width);
	double	   *norms = (double *) palloc(sizeof(double) * Max(cap, 1));
	int			rows = 0;

	round_check_block(s->l);
	for (int i = 0; i < cap; i++)
	{
		bool		isnull;
		char	   *item = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		Datum		v = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull);
		ArrayType  *a;

		if (item == NULL || isnull || item_map_find(s->labeled, item) >= 0)
			continue;
		a = DatumGetArrayTypeP(v);
		if (ARR_NDIM(a) != 1 || ARR_ELEMTYPE(a) != FLOAT8OID || ARR_HASNULL(a) ||
			ARR_DIMS(a)[0] != s->width + 1)
			elog(ERROR, "the pool of learner \"%s\" returned outputs that are not %d doubles",
				 s->l->name, s->width + 1);
		memcpy(outputs + (Size) rows * s->width, ARR_DATA_PTR(a), sizeof(double) * s->width);
		norms[rows] = ((const double *) ARR_DATA_PTR(a))[s->width];
		items[rows++] = item;
	}
	score_rows(s, items, outputs, norms, rows);
}

/*
 * Replace the learner's ranking with the unlabeled pool rows scored by
 * fit (d features) as version, and record it; returns the rows scored
 * (*score_sum: the sum of their scores).
 */
static int64
rank_pool(Learner *l, const ModelFit *fit, int d, int32 version, int64 pool_size, double mean_labels,
		  double *score_sum)
{
	FamilyScoring s = {0};
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);

	round_check_duplicates(l);
	al_blas_ensure();
	s.l = l;
	s.f = learner_family(l);
	s.fit = fit;
	s.d = d;
	s.width = s.f->width(l->k, fit);
	s.version = version;
	s.strategy = family_strategy_index(s.f, l->strategy);
	s.mean_labels = mean_labels;
	s.labeled = round_labeled_items(l);
	s.ranking = round_ranking_rows(l, pool_size, sizeof(double) * s.width);
	if (s.strategy < 0)
		elog(ERROR, "learner \"%s\" has strategy \"%s\", not one of its family", l->name, l->strategy);
	learner_store_exec("DELETE FROM al.scores WHERE learner_id = $1", 1, &type, &arg, false, 0);
	/* blocks sized as the softmax round's: wide rows, fewer of them */
	if (round_pushdown_wanted(l, false))
	{
		/* option score_in: the pool predicts (on Citus, the shards); ids and outputs come back */
		elog(DEBUG1, "learner \"%s\": scoring in the pool's query (option score_in)", l->name);
		learner_query_blocks(l->owner, round_pool_predict_sql(l, "_round_outputs", round_model_value(l, fit, d)),
							 0, NULL, NULL, false, round_block_rows(d, s.width, 1), score_pool_block, &s);
	}
	else
		score_serial(&s);
	if (s.ranking != NULL)
		write_ranking(&s);
	round_record_ranking(l, version, pool_size, s.scored, NULL);
	*score_sum = s.score_sum;
	return s.scored;
}

/* Measure fit on rows idx of r (n of them; NULL: the first n; on: where they come from) into m. */
static void
measure(const Learner *l, const ModelFit *fit, const FamilyRows *r, const int *idx, int n,
		const char *on, FamilyMetrics *m)
{
	const LearnerFamily *f = learner_family(l);
	int			width = f->width(l->k, fit);
	int		   *rows = (int *) palloc(sizeof(int) * Max(n, 1));
	float	   *x = (float *) palloc_extended(sizeof(float) * Max(n, 1) * Max(r->d, 1), MCXT_ALLOC_HUGE);
	double	   *out = (double *) palloc_extended(sizeof(double) * Max(n, 1) * width, MCXT_ALLOC_HUGE);

	m->on = on;
	m->n = n;
	if (n == 0)
		return;
	for (int i = 0; i < n; i++)
	{
		rows[i] = idx ? idx[i] : i;
		memcpy(x + (Size) i * r->d, r->x + (Size) rows[i] * r->d, sizeof(float) * r->d);
	}
	f->predict(fit, x, n, r->d, width, out);
	f->measure(l, out, width, &r->t, rows, n, m);
}

/*
 * Record the curve point of version fit, with its metrics, the stopping
 * rules that fire and the mean label-set size it trained on (ovr, else NaN).
 */
static void
record_curve(const Learner *l, const ModelFit *fit, int used, int unusable, int labeled,
			 double mean_uncertainty, const FamilyMetrics *m, double mean_labels)
{
	static const char *sql =
		"INSERT INTO al.curve_store (learner_id, model_version, model_id, labels_used, mean_uncertainty, "
		"stop_predictions, labels_unusable, stop_rules, measured_on, measured_items, micro_f1, "
		"macro_f1, hamming_loss, subset_accuracy, rmse, mae, r2, label_cardinality) "
		"VALUES ($1, $2, $3, $4, $5, '{}', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";
	Oid			types[17] = {INT8OID, INT4OID, INT8OID, INT4OID, FLOAT8OID, INT4OID, TEXTARRAYOID,
		TEXTOID, INT4OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID,
	FLOAT8OID};
	const double values[7] = {m->micro_f1, m->macro_f1, m->hamming_loss, m->subset_accuracy,
	m->rmse, m->mae, m->r2};
	Datum		args[17];
	char		nulls[17];
	StopMeasure stop = {0, NULL, NAN, NAN};
	StopInputs	in = {fit->version, labeled, NAN};
	AlIdentity	save;
	int			ret;

	memset(nulls, ' ', sizeof(nulls));
	args[0] = Int64GetDatum(l->id);
	args[1] = Int32GetDatum(fit->version);
	args[2] = Int64GetDatum(fit->id);
	args[3] = Int32GetDatum(used);
	round_curve_double(args, nulls, 4, mean_uncertainty);
	args[5] = Int32GetDatum(unusable);
	args[6] = stop_rules_fired(l, &stop, &in);
	stop_rules_notify(l, fit->version, args[6]);
	args[7] = m->on ? CStringGetTextDatum(m->on) : (Datum) 0;
	nulls[7] = m->on ? ' ' : 'n';
	args[8] = Int32GetDatum(m->n);
	nulls[8] = m->on ? ' ' : 'n';
	for (int i = 0; i < 7; i++)
		round_curve_double(args, nulls, 9 + i, m->n > 0 ? values[i] : NAN);
	round_curve_double(args, nulls, 16, l->options.family == MODEL_OVR ? mean_labels : NAN);
	al_become_store_owner(&save);
	ret = SPI_execute_with_args(sql, 17, types, args, nulls, false, 0);
	al_restore(&save);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "could not record the curve of learner \"%s\"", l->name);
}

/*
 * Split the training rows into those the version trains on (the first
 * *n_train of order) and the holdout (the rest), by the learner's seeded
 * holdout split; no holdout when the learner has an evaluation sample.
 */
static void
split_rows(const Learner *l, int n, int *order, int *n_train)
{
	int			n_hold;

	if (learner_has_eval(l) || l->options.holdout <= 0 ||
		al_softmax_holdout_split(n, l->options.holdout, (uint64) l->options.seed, order, n_train,
								 order + n, &n_hold) != AL_SM_OK)
	{
		for (int i = 0; i < n; i++)
			order[i] = i;
		*n_train = n;
		return;
	}
	memmove(order + *n_train, order + n, sizeof(int) * n_hold);
}

/* The training data of rows idx (n) of r. */
static TrainData
train_data(const Learner *l, const FamilyRows *r, const int *idx, int n)
{
	TrainData	data = {0};

	data.n = n;
	data.d = r->d;
	data.k = l->k;
	data.classes = l->classes;
	data.x = (float *) palloc_extended(sizeof(float) * Max(n, 1) * r->d, MCXT_ALLOC_HUGE);
	if (r->t.sets)
		data.sets = (unsigned char *) palloc_extended((Size) Max(n, 1) * l->k, MCXT_ALLOC_HUGE);
	else
		data.target = (double *) palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < n; i++)
	{
		memcpy(data.x + (Size) i * r->d, r->x + (Size) idx[i] * r->d, sizeof(float) * r->d);
		if (r->t.sets)
			memcpy(data.sets + (Size) i * l->k, r->t.sets + (Size) idx[i] * l->k, l->k);
		else
			data.target[i] = r->t.values[idx[i]];
	}
	return data;
}

/* What a retrain read: the labels, and the rows of the items that have some. */
typedef struct FamilyTraining
{
	TrainingLabels tl;			/* every labeled item (the evaluation sample's too) */
	Datum		withdrawn;		/* the withdrawals this training goes without */
	FamilyRows	rows;			/* the rows of the items outside the evaluation sample */
	FamilyRows	eval;			/* the rows of the labeled items of the evaluation sample */
	int			unusable;		/* items outside the sample without a usable row */
} FamilyTraining;

/*
 * Read the training labels, split off the evaluation sample's items, and
 * read the rows of both (the sample's with the training rows' length).
 */
static void
read_training(const Learner *l, FamilyTraining *tr)
{
	const LearnerFamily *f = learner_family(l);
	TrainingLabels *tl = &tr->tl;
	EvalLabels	eval;
	char	  **labels,
			  **eval_labels;
	int			n,
				i;

	round_training_labels(l, tl);
	tr->withdrawn = learner_withdrawals_read(l);
	/* the split keeps items by their index into tl (as their class) */
	labels = (char **) palloc_extended(sizeof(char *) * Max(tl->n, 1), MCXT_ALLOC_HUGE);
	memcpy(labels, tl->labels, sizeof(char *) * tl->n);
	for (i = 0; i < tl->n; i++)
		tl->classes[i] = i;
	n = tl->n;
	eval_split_labels(l, tl->items, tl->classes, &n, &eval);
	for (i = 0; i < n; i++)
		tl->labels[i] = labels[tl->classes[i]];
	read_rows(l, f, tl->items, tl->labels, n, 0, &tr->rows);
	tr->unusable = n - tr->rows.n;
	tr->eval.n = 0;
	tr->eval.d = tr->rows.d;
	if (eval.n > 0 && tr->rows.d > 0)
	{
		eval_labels = (char **) palloc(sizeof(char *) * eval.n);
		for (i = 0; i < eval.n; i++)
			eval_labels[i] = labels[eval.classes[i]];
		read_rows(l, f, eval.items, eval_labels, eval.n, tr->rows.d, &tr->eval);
	}
}

/* The mean number of labels in the label sets of the learner's training labels (ovr), for LCI. */
static double
training_mean_labels(const Learner *l, const TrainData *data)
{
	FamilyTargets t = {data->sets, NULL};

	return mean_set_size(&t, data->n, l->k);
}

/* The mean score of n rows whose scores sum to sum (NaN: none, or the strategy is random). */
static double
mean_score(const Learner *l, int64 n, double sum)
{
	const LearnerFamily *f = learner_family(l);

	if (n == 0 || f->strategies[family_strategy_index(f, l->strategy)].random)
		return NAN;
	return sum / n;
}

/* Retrain, rescore, measure, record and publish.  Returns false if it cannot train yet. */
static bool
retrain(Learner *l, int64 pool_size)
{
	FamilyTraining tr;
	FamilyMetrics m = {NULL, 0, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
	TrainData	data;
	ModelFit	fit;
	al_softmax_options opt = round_fit_options(l);
	int		   *order;
	int			n_train;
	double		score_sum;
	int64		scored;
	double		mean_labels;
	ServedChoice served;

	round_report(l, "reading labels");
	read_training(l, &tr);
	order = (int *) palloc_extended(sizeof(int) * 2 * Max(tr.rows.n, 1), MCXT_ALLOC_HUGE);
	split_rows(l, tr.rows.n, order, &n_train);
	if (n_train < 2 || tr.rows.d < 1)
		return false;
	round_check_duplicates(l);
	round_report(l, psprintf("training on %d labeled items", n_train));
	data = train_data(l, &tr.rows, order, n_train);
	model_fit_store_family(psprintf(LEARNER_MODEL_PREFIX "%s", l->name), l->id,
						   (ModelFamily) l->options.family, &data, &opt, l->options.alpha, &fit);
	mean_labels = training_mean_labels(l, &data);
	scored = rank_pool(l, &fit, tr.rows.d, fit.version, pool_size, mean_labels, &score_sum);
	round_report(l, "measuring");
	if (learner_has_eval(l))
		measure(l, &fit, &tr.eval, NULL, tr.eval.n, "eval", &m);
	else if (n_train < tr.rows.n)
		measure(l, &fit, &tr.rows, order + n_train, tr.rows.n - n_train, "holdout", &m);
	record_curve(l, &fit, n_train, tr.unusable, tr.tl.n, mean_score(l, scored, score_sum), &m,
				 mean_labels);
	round_retrain_done(l);
	round_mark_trained(l, fit.version, tr.tl.fresh);
	learner_mark_withdrawals(l, fit.version, tr.withdrawn);
	serving_choose(l, &served);
	serving_publish(l, &served);
	if (l->model_version != fit.version)
		family_rank_served(l, pool_size);
	return true;
}

/*
 * The mean label-set size the served version trained on (ovr; for LCI
 * when rescoring: the version's ranking does not move with labels it did
 * not train on, nor with its holdout), as its curve point recorded it.
 */
static double
served_mean_labels(const Learner *l)
{
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		args[2] = {Int64GetDatum(l->id), Int32GetDatum(l->model_version)};
	bool		isnull = true;
	Datum		v = (Datum) 0;

	if (l->options.family != MODEL_OVR)
		return 0;
	learner_store_exec("SELECT c.label_cardinality FROM al.curve_store c "
					   "WHERE c.learner_id OPERATOR(pg_catalog.=) $1 "
					   "AND c.model_version OPERATOR(pg_catalog.=) $2",
					   2, types, args, true, 1);
	if (SPI_processed == 1)
		v = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("version %d of learner \"%s\" has no recorded label cardinality", l->model_version,
						l->name),
				 errhint("al.retrain trains a new version.")));
	return DatumGetFloat8(v);
}

/*
 * Rank the pool with the version the learner serves (after a retrain whose
 * version it does not serve, a round, or al.pin_version, al.unpin and
 * al.rollback through round_rank_served).
 */
void
family_rank_served(Learner *l, int64 pool_size)
{
	ModelFit	fit;
	double		score_sum;

	round_published_model(l, &fit);
	rank_pool(l, &fit, fit.models[0].d, l->model_version, pool_size, served_mean_labels(l), &score_sum);
}

/*
 * The work of a round on a multi-label or regression learner whose row and
 * pool are locked (learner_round.c's round_locked calls it): retrain when
 * enough labels changed, else rank again when the served version or the
 * pool changed.
 */
LearnerRoundResult
family_round(Learner *l, int64 pool_size)
{
	int64		waiting = learner_changes_waiting(l);
	ServedChoice served;

	round_reset_if_model_dropped(l);
	if (l->retrain_requested || waiting >= l->options.retrain_every)
		return retrain(l, pool_size) ? LEARNER_RETRAINED : LEARNER_IDLE;
	if (l->model_id != 0)
	{
		serving_choose(l, &served);
		if (serving_publish(l, &served) || round_ranking_stale(l, pool_size))
		{
			family_rank_served(l, pool_size);
			return LEARNER_RESCORED;
		}
	}
	else if (round_ranking_stale(l, pool_size))
		round_record_ranking(l, 0, pool_size, 0, NULL);
	return LEARNER_IDLE;
}
