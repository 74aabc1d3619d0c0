/*
 * learner_round.c - one round of a learner's work, inside the caller's
 * transaction: retrain when enough labels arrived, score the unlabeled pool
 * in batches through the core kernels, publish the ranking, record the
 * learning-curve point, NOTIFY.  Everything becomes visible at commit, or
 * not at all.
 *
 * The pool is read with the learner owner's identity; al_ext's tables are
 * written as their owner (learner_store_exec).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "agreement.h"
#include "al_ext.h"
#include "committee_model.h"
#include "learner_api.h"
#include "identity.h"
#include "model.h"
#include "probvec.h"
#include "scores.h"

#define SCORE_BLOCK_ROWS 4096
#define STOP_SET_SIZE 1000

/* What scoring the pool produced. */
typedef struct ScoreResult
{
	int64		scored;
	double		entropy_sum;
} ScoreResult;

/* Run a read-only query on the pool as the learner's owner. */
static void
pool_query(const Learner *l, const char *sql, int nargs, Oid *types, Datum *args)
{
	AlIdentity	save;

	al_become(l->owner, &save);
	if (SPI_execute_with_args(sql, nargs, types, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "query on the pool of learner \"%s\" failed", l->name);
	al_restore(&save);
}

/* A single int8 result of a store query. */
static int64
store_count(const char *sql, int64 learner_id)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(learner_id);
	bool		isnull;
	Datum		d;

	learner_store_exec(sql, 1, &type, &arg, true, 0);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? 0 : DatumGetInt64(d);
}

/* Show what the round is doing in pg_stat_activity. */
static void
report(const Learner *l, const char *what)
{
	char		buf[256];

	snprintf(buf, sizeof(buf), "learner " INT64_FORMAT " (%s): %s", l->id, l->name, what);
	pgstat_report_activity(STATE_RUNNING, buf);
}

/* The item-id text -> row index map used to align labels with features. */
typedef struct ItemEntry
{
	char		key[NAMEDATALEN * 2];
	int			index;
} ItemEntry;

/* A hash table of item-id strings (ids longer than the key are hashed whole). */
static HTAB *
item_table(const char *name, long size)
{
	HASHCTL		ctl;

	ctl.keysize = NAMEDATALEN * 2;
	ctl.entrysize = sizeof(ItemEntry);
	ctl.hcxt = CurrentMemoryContext;
	return hash_create(name, Max(size, 16), &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
}

/* Key of an item id for item_table (long ids are truncated: see item_key_ok). */
static void
item_key(const char *item, char *key)
{
	strlcpy(key, item, NAMEDATALEN * 2);
}

/* Training labels: each labeled item's majority label (ties: the latest). */
static int
majority_labels(const Learner *l, char ***items, int **classes)
{
	static const char *sql =
		"SELECT DISTINCT ON (item_id) item_id, label FROM ("
		"  SELECT item_id, label, count(*) AS n, max(labeled_at) AS last, max(serial) AS s"
		"  FROM al.labels WHERE learner_id = $1 GROUP BY item_id, label) v "
		"ORDER BY item_id, n DESC, last DESC, s DESC";
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	int			n,
				i;

	learner_store_exec(sql, 1, &type, &arg, true, 0);
	n = (int) SPI_processed;
	*items = (char **) palloc(sizeof(char *) * Max(n, 1));
	*classes = (int *) palloc(sizeof(int) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		(*items)[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		(*classes)[i] = learner_class_index(l, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2));
	}
	return n;
}

/* Copy one feature array into x (d values); false if it is unusable. */
static bool
copy_features(Datum d, bool isnull, int dim, float *x)
{
	ArrayType  *a;
	int			n,
				j;

	if (isnull)
		return false;
	a = DatumGetArrayTypeP(d);
	n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	if (ARR_NDIM(a) != 1 || n != dim || array_contains_nulls(a))
		return false;
	for (j = 0; j < n; j++)
	{
		double		v = ARR_ELEMTYPE(a) == FLOAT4OID ? ((float4 *) ARR_DATA_PTR(a))[j]
			: ((float8 *) ARR_DATA_PTR(a))[j];

		if (!isfinite(v))
			return false;
		x[j] = (float) v;
	}
	return true;
}

/* The feature count of the pool: that of its first row with features. */
static int
pool_dimension(const Learner *l)
{
	char	   *sql = psprintf("SELECT cardinality(%s) FROM %s WHERE %s IS NOT NULL LIMIT 1",
							   quote_identifier(l->features_column), learner_pool_name(l),
							   quote_identifier(l->features_column));
	bool		isnull;
	Datum		d;

	pool_query(l, sql, 0, NULL, NULL);
	if (SPI_processed == 0)
		return 0;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? 0 : DatumGetInt32(d);
}

/*
 * Training rows: features of the labeled items (as the owner), aligned with
 * their majority labels.  Returns the row count; items gone from the pool
 * or with unusable features are left out.
 */
static int
training_rows(const Learner *l, int d, float **x, int **y)
{
	char	  **items;
	int		   *labels;
	int			n = majority_labels(l, &items, &labels);
	Datum	   *ids = (Datum *) palloc(sizeof(Datum) * Max(n, 1));
	HTAB	   *index = item_table("al_ext labeled items", n);
	char	   *sql;
	Oid			type = TEXTARRAYOID;
	Datum		arg;
	int			rows = 0,
				i;
	uint64		r;

	for (i = 0; i < n; i++)
	{
		ItemEntry  *e;
		char		key[NAMEDATALEN * 2];

		ids[i] = CStringGetTextDatum(items[i]);
		item_key(items[i], key);
		e = (ItemEntry *) hash_search(index, key, HASH_ENTER, NULL);
		e->index = i;
	}
	arg = PointerGetDatum(construct_array(ids, n, TEXTOID, -1, false, TYPALIGN_INT));
	/* compare in the id's own type, so an index on the pool's ids is used */
	sql = psprintf("SELECT %s::text, %s FROM %s WHERE %s = ANY ($1::%s[])",
				   quote_identifier(l->id_column), quote_identifier(l->features_column),
				   learner_pool_name(l), quote_identifier(l->id_column),
				   format_type_be_qualified(l->id_type));
	pool_query(l, sql, 1, &type, &arg);
	*x = (float *) palloc_extended(sizeof(float) * Max(SPI_processed, 1) * d, MCXT_ALLOC_HUGE);
	*y = (int *) palloc(sizeof(int) * Max(SPI_processed, 1));
	for (r = 0; r < SPI_processed; r++)
	{
		char		key[NAMEDATALEN * 2];
		bool		isnull;
		ItemEntry  *e;
		Datum		f = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);

		item_key(SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1), key);
		e = (ItemEntry *) hash_search(index, key, HASH_FIND, NULL);
		if (e == NULL || labels[e->index] < 0 || !copy_features(f, isnull, d, *x + (Size) rows * d))
			continue;
		(*y)[rows++] = labels[e->index];
	}
	return rows;
}

/* Number of distinct classes among n labels. */
static int
distinct_classes(const int *y, int n, int k)
{
	bool	   *seen = (bool *) palloc0(sizeof(bool) * k);
	int			count = 0,
				i;

	for (i = 0; i < n; i++)
		if (!seen[y[i]])
		{
			seen[y[i]] = true;
			count++;
		}
	return count;
}

/* The oid of al.probvec. */
static Oid
probvec_oid(void)
{
	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("probvec"),
						   ObjectIdGetDatum(get_namespace_oid("al", false)));
}

/* Deterministic pseudo-random score in [0, 1) of an item, for 'random'. */
static double
random_score(const char *item, int seed)
{
	uint64		h = hash_bytes_extended((const unsigned char *) item, strlen(item), (uint64) seed);

	return (double) (h >> 11) / 9007199254740992.0;
}

/* A block of scored rows on its way into al.scores. */
typedef struct ScoreBlock
{
	int			n;
	Datum		items[SCORE_BLOCK_ROWS];
	Datum		scores[SCORE_BLOCK_ROWS];
	Datum		predicted[SCORE_BLOCK_ROWS];
	Datum		probs[SCORE_BLOCK_ROWS];
} ScoreBlock;

/* Insert a block of scored rows into al.scores (as the store owner). */
static void
insert_block(const Learner *l, int32 version, ScoreBlock *b, Oid pv_type)
{
	static const char *sql =
		"INSERT INTO al.scores (learner_id, item_id, model_version, score, predicted, probs) "
		"SELECT $1, unnest($2::text[]), $3, unnest($4::float8[]), unnest($5::text[]), unnest($6)";
	Oid			types[6] = {INT8OID, TEXTARRAYOID, INT4OID, FLOAT8ARRAYOID, TEXTARRAYOID,
	get_array_type(pv_type)};
	Datum		args[6];

	if (b->n == 0)
		return;
	args[0] = Int64GetDatum(l->id);
	args[1] = PointerGetDatum(construct_array(b->items, b->n, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = Int32GetDatum(version);
	args[3] = PointerGetDatum(construct_array(b->scores, b->n, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[4] = PointerGetDatum(construct_array(b->predicted, b->n, TEXTOID, -1, false, TYPALIGN_INT));
	args[5] = PointerGetDatum(construct_array(b->probs, b->n, pv_type, -1, false, TYPALIGN_INT));
	learner_store_exec(sql, 6, types, args, false, 0);
	b->n = 0;
}

/* The strategy's score of one row (members x k probabilities in m). */
static double
row_score(const Learner *l, const char *item, const float *p, const float *m, int members,
		  const float *x, int d, double *work)
{
	const char *s = l->strategy;

	if (strcmp(s, "entropy") == 0)
		return al_entropy(p, l->k);
	if (strcmp(s, "least_confidence") == 0)
		return al_least_confidence(p, l->k);
	if (strcmp(s, "margin_confidence") == 0)
		return al_margin_confidence(p, l->k);
	if (strcmp(s, "ratio_confidence") == 0)
		return al_ratio_confidence(p, l->k);
	if (strcmp(s, "expected_gradient_length") == 0)
		return al_expected_gradient_length(p, l->k, x, d);
	if (strcmp(s, "vote_entropy") == 0)
		return al_vote_entropy(m, members, l->k, work);
	if (strcmp(s, "consensus_entropy") == 0)
		return al_consensus_entropy(m, members, l->k, work);
	if (strcmp(s, "max_disagreement") == 0)
		return al_max_disagreement(m, members, l->k, work);
	if (strcmp(s, "bald") == 0)
		return al_bald(m, members, l->k, work);
	return random_score(item, l->options.seed);
}

/* Scoring workspace for one block. */
typedef struct ScoreWork
{
	float	   *x;				/* rows x d */
	float	   *pm;				/* members x rows x k */
	float	   *p;				/* k: the committee mean of one row */
	float	   *m;				/* members x k of one row */
	double	   *pred_work;
	double	   *work;
	char	   *items[SCORE_BLOCK_ROWS];
} ScoreWork;

/* Predict and score `rows` buffered rows, appending them to block. */
static void
score_rows(const Learner *l, const ModelFit *fit, int d, int rows, ScoreWork *w,
		   ScoreBlock *block, Oid pv_type, ScoreResult *res)
{
	int			k = l->k;
	int			members = fit->members;
	int			i,
				j,
				c;

	for (i = 0; i < members; i++)
		if (al_softmax_predict_ws(&fit->models[i], w->x, rows, w->pm + (Size) i * rows * k,
								  w->pred_work) != AL_SM_OK)
			elog(ERROR, "batch prediction failed for learner \"%s\"", l->name);
	for (j = 0; j < rows; j++)
	{
		ProbVec    *pv = (ProbVec *) palloc(PROBVEC_SIZE(k));

		for (c = 0; c < k; c++)
		{
			double		sum = 0.0;

			for (i = 0; i < members; i++)
			{
				w->m[i * k + c] = w->pm[((Size) i * rows + j) * k + c];
				sum += w->m[i * k + c];
			}
			w->p[c] = (float) (sum / members);
		}
		SET_VARSIZE(pv, PROBVEC_SIZE(k));
		pv->dim = (int16) k;
		pv->unused = 0;
		memcpy(pv->x, w->p, sizeof(float) * k);
		probvec_check_values(pv->x, k);
		block->items[block->n] = CStringGetTextDatum(w->items[j]);
		block->scores[block->n] = Float8GetDatum(row_score(l, w->items[j], w->p, w->m, members,
														   w->x + (Size) j * d, d, w->work));
		block->predicted[block->n] = CStringGetTextDatum(l->classes[al_argmax(w->p, k)]);
		block->probs[block->n] = PointerGetDatum(pv);
		block->n++;
		res->entropy_sum += al_entropy(w->p, k);
	}
	res->scored += rows;
}

/* The labeled item ids of the learner, as a hash set. */
static HTAB *
labeled_items(const Learner *l)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	HTAB	   *set;
	uint64		i;

	learner_store_exec("SELECT DISTINCT item_id FROM al.labels WHERE learner_id = $1",
					   1, &type, &arg, true, 0);
	set = item_table("al_ext labeled set", (long) SPI_processed);
	for (i = 0; i < SPI_processed; i++)
	{
		char		key[NAMEDATALEN * 2];

		item_key(SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1), key);
		hash_search(set, key, HASH_ENTER, NULL);
	}
	return set;
}

/*
 * Score every unlabeled pool item with the committee and replace the
 * learner's rows of al.scores with them (same transaction: readers see the
 * old ranking until commit).
 */
static ScoreResult
score_pool(const Learner *l, const ModelFit *fit, int d, int32 version, int64 pool_size)
{
	char	   *sql = psprintf("SELECT %s::text, %s FROM %s",
							   quote_identifier(l->id_column), quote_identifier(l->features_column),
							   learner_pool_name(l));
	HTAB	   *labeled = labeled_items(l);
	MemoryContext block_cxt = AllocSetContextCreate(CurrentMemoryContext, "al_ext scoring block",
													ALLOCSET_DEFAULT_SIZES);
	ScoreBlock *block = (ScoreBlock *) palloc0(sizeof(ScoreBlock));
	ScoreWork	w;
	ScoreResult res = {0, 0.0};
	Oid			pv_type = probvec_oid();
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	AlIdentity	save;
	Portal		portal;
	int64		seen = 0;

	w.x = (float *) palloc_extended(sizeof(float) * SCORE_BLOCK_ROWS * Max(d, 1), MCXT_ALLOC_HUGE);
	w.pm = (float *) palloc_extended(sizeof(float) * SCORE_BLOCK_ROWS * l->k * fit->members, MCXT_ALLOC_HUGE);
	w.p = (float *) palloc(sizeof(float) * l->k);
	w.m = (float *) palloc(sizeof(float) * l->k * fit->members);
	w.work = (double *) palloc(sizeof(double) * 4 * l->k);
	w.pred_work = (double *) palloc_extended(sizeof(double) *
											 al_softmax_predict_work_size(&fit->models[0], SCORE_BLOCK_ROWS),
											 MCXT_ALLOC_HUGE);
	learner_store_exec("DELETE FROM al.scores WHERE learner_id = $1", 1, &type, &arg, false, 0);
	al_become(l->owner, &save);
	portal = SPI_cursor_open_with_args(NULL, sql, 0, NULL, NULL, NULL, true, 0);
	al_restore(&save);
	for (;;)
	{
		MemoryContext old;
		int			rows = 0;
		uint64		r;

		al_become(l->owner, &save);
		SPI_cursor_fetch(portal, true, SCORE_BLOCK_ROWS);
		al_restore(&save);
		if (SPI_processed == 0)
			break;
		old = MemoryContextSwitchTo(block_cxt);
		for (r = 0; r < SPI_processed; r++)
		{
			char		key[NAMEDATALEN * 2];
			bool		isnull;
			char	   *item = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
			Datum		f = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);

			if (item == NULL)
				continue;
			item_key(item, key);
			if (hash_search(labeled, key, HASH_FIND, NULL) != NULL ||
				!copy_features(f, isnull, d, w.x + (Size) rows * d))
				continue;
			w.items[rows++] = item;
		}
		seen += SPI_processed;
		SPI_freetuptable(SPI_tuptable);
		score_rows(l, fit, d, rows, &w, block, pv_type, &res);
		MemoryContextSwitchTo(old);
		insert_block(l, version, block, pv_type);
		MemoryContextReset(block_cxt);
		report(l, psprintf("scoring " INT64_FORMAT "/" INT64_FORMAT, seen, pool_size));
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
	return res;
}

/* Predicted class index of each stop-set item (-1 if it has no usable features). */
static int *
stop_predictions(const Learner *l, const ModelFit *fit, int d, Datum stop_items, int *n)
{
	char	   *sql = psprintf("SELECT s.item, p.%s FROM unnest($1::text[]) WITH ORDINALITY s(item, o) "
							   "LEFT JOIN %s p ON p.%s = s.item::%s ORDER BY s.o",
							   quote_identifier(l->features_column), learner_pool_name(l),
							   quote_identifier(l->id_column), format_type_be_qualified(l->id_type));
	Oid			type = TEXTARRAYOID;
	float	   *x = (float *) palloc(sizeof(float) * Max(d, 1));
	double	   *p = (double *) palloc(sizeof(double) * 2 * l->k);
	int		   *pred;
	uint64		r;

	pool_query(l, sql, 1, &type, &stop_items);
	*n = (int) SPI_processed;
	pred = (int *) palloc(sizeof(int) * Max(*n, 1));
	for (r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		Datum		f = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);
		int			c,
					best = 0;

		pred[r] = -1;
		if (!copy_features(f, isnull, d, x))
			continue;
		al_committee_predict_row(fit->models, fit->members, x, p, p + l->k);
		for (c = 1; c < l->k; c++)
			if (p[c] > p[best])
				best = c;
		pred[r] = best;
	}
	return pred;
}

/* The learner's fixed stop set, chosen (seeded) at its first model. */
static Datum
stop_set(const Learner *l)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	bool		isnull;
	Datum		d;
	char	   *sql;

	learner_store_exec("SELECT stop_items FROM al.learner_store WHERE id = $1", 1, &type, &arg, true, 1);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
		return SPI_datumTransfer(d, false, -1);
	sql = psprintf("SELECT coalesce(array_agg(i), '{}') FROM (SELECT %s::text AS i FROM %s "
				   "ORDER BY hashtextextended(%s::text, %d), 1 LIMIT %d) s",
				   quote_identifier(l->id_column), learner_pool_name(l),
				   quote_identifier(l->id_column), l->options.seed, STOP_SET_SIZE);
	pool_query(l, sql, 0, NULL, NULL);
	d = SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull),
						  false, -1);
	{
		Oid			types[2] = {INT8OID, TEXTARRAYOID};
		Datum		args[2] = {Int64GetDatum(l->id), d};

		learner_store_exec("UPDATE al.learner_store SET stop_items = $2 WHERE id = $1",
						   2, types, args, false, 0);
	}
	return d;
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

/* Record the learning-curve point of a new version. */
static void
record_curve(const Learner *l, const ModelFit *fit, int labels_used, double mean_uncertainty,
			 const int *pred, int n_stop)
{
	static const char *sql =
		"INSERT INTO al.curve_store (learner_id, model_version, model_id, labels_used, holdout_accuracy, "
		"holdout_log_loss, mean_uncertainty, kappa_previous, stop_predictions) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
	Oid			types[9] = {INT8OID, INT4OID, INT8OID, INT4OID, FLOAT8OID, FLOAT8OID, FLOAT8OID,
	FLOAT8OID, INT4ARRAYOID};
	Datum		args[9];
	char		nulls[9] = "         ";
	Datum	   *p = (Datum *) palloc(sizeof(Datum) * Max(n_stop, 1));
	double		kappa = kappa_previous(l, pred, n_stop);
	int			i;

	for (i = 0; i < n_stop; i++)
		p[i] = Int32GetDatum(pred[i]);
	args[0] = Int64GetDatum(l->id);
	args[1] = Int32GetDatum(fit->version);
	args[2] = Int64GetDatum(fit->id);
	args[3] = Int32GetDatum(labels_used);
	args[4] = Float8GetDatum(fit->holdout_accuracy);
	nulls[4] = isnan(fit->holdout_accuracy) ? 'n' : ' ';
	args[5] = Float8GetDatum(fit->holdout_log_loss);
	nulls[5] = isnan(fit->holdout_log_loss) ? 'n' : ' ';
	args[6] = Float8GetDatum(mean_uncertainty);
	nulls[6] = isnan(mean_uncertainty) ? 'n' : ' ';
	args[7] = Float8GetDatum(kappa);
	nulls[7] = isnan(kappa) ? 'n' : ' ';
	args[8] = PointerGetDatum(construct_array(p, n_stop, INT4OID, 4, true, TYPALIGN_INT));
	{
		AlIdentity	save;

		al_become_store_owner(&save);
		if (SPI_execute_with_args(sql, 9, types, args, nulls, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not record the curve of learner \"%s\"", l->name);
		al_restore(&save);
	}
}

/* Mark the version published and tell listeners (NOTIFY al_ext). */
static void
publish(const Learner *l, int64 model_id, int32 version, int64 label_serial)
{
	Oid			types[4] = {INT8OID, INT8OID, INT4OID, INT8OID};
	Datum		args[4] = {Int64GetDatum(l->id), Int64GetDatum(model_id), Int32GetDatum(version),
	Int64GetDatum(label_serial)};
	Oid			ntype = TEXTOID;
	Datum		payload;

	learner_store_exec("UPDATE al.learner_store SET model_id = $2, model_version = $3, "
					   "trained_label_serial = greatest(trained_label_serial, $4), "
					   "retrain_requested = false, published_at = now() WHERE id = $1",
					   4, types, args, false, 0);
	{
		StringInfoData buf;

		initStringInfo(&buf);
		appendStringInfoString(&buf, "{\"learner\": ");
		escape_json(&buf, l->name);
		appendStringInfo(&buf, ", \"learner_id\": " INT64_FORMAT ", \"version\": %d}", l->id, version);
		payload = CStringGetTextDatum(buf.data);
	}
	if (SPI_execute_with_args("SELECT pg_notify('al_ext', $1)", 1, &ntype, &payload, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not notify al_ext");
}

/* The committee options of a learner's model. */
static al_softmax_options
learner_fit_options(const Learner *l)
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

/* The published model version as a ModelFit (for rescoring new rows). */
static bool
published_model(const Learner *l, ModelFit *fit)
{
	AlModel    *m;

	if (l->model_id == 0)
		return false;
	m = model_get_by_id(l->model_id);
	fit->id = m->id;
	fit->version = m->version;
	fit->models = m->m;
	fit->members = m->members;
	return true;
}

/*
 * Whether the pool changed since the ranking was written: its row count
 * differs from the one recorded then (one count, no join with the ranking).
 */
static bool
pool_changed(const Learner *l, int64 pool_size)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	bool		isnull;
	Datum		d;

	learner_store_exec("SELECT published_pool_rows FROM al.learner_store WHERE id = $1",
					   1, &type, &arg, true, 1);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull || DatumGetInt64(d) != pool_size;
}

/* Record the pool's row count the ranking was written for. */
static void
record_pool_rows(const Learner *l, int64 pool_size)
{
	Oid			types[2] = {INT8OID, INT8OID};
	Datum		args[2] = {Int64GetDatum(l->id), Int64GetDatum(pool_size)};

	learner_store_exec("UPDATE al.learner_store SET published_pool_rows = $2 WHERE id = $1",
					   2, types, args, false, 0);
}

/* Retrain, rescore, record and publish.  Returns false if it cannot train yet. */
static bool
retrain(Learner *l, int64 pool_size, int64 max_serial)
{
	int			d = pool_dimension(l);
	float	   *x;
	int		   *y;
	int			n;
	ModelFit	fit;
	al_softmax_options opt = learner_fit_options(l);
	ScoreResult res;
	Datum		stop;
	int		   *pred;
	int			n_stop;

	if (d < 1)
		return false;
	report(l, "reading labels");
	n = training_rows(l, d, &x, &y);
	if (n < 2 || distinct_classes(y, n, l->k) < 2)
		return false;
	report(l, psprintf("training on %d labeled items", n));
	model_fit_store(psprintf("learner/%s", l->name), l->id, l->classes, l->k, x, y, n, d,
					&opt, l->options.holdout, &fit);
	res = score_pool(l, &fit, d, fit.version, pool_size);
	record_pool_rows(l, pool_size);
	stop = stop_set(l);
	pred = stop_predictions(l, &fit, d, stop, &n_stop);
	record_curve(l, &fit, n, res.scored ? res.entropy_sum / res.scored : NAN, pred, n_stop);
	publish(l, fit.id, fit.version, max_serial);
	return true;
}

/* The pool's row count, as the owner. */
static int64
pool_count(const Learner *l)
{
	bool		isnull;

	pool_query(l, psprintf("SELECT count(*) FROM %s", learner_pool_name(l)), 0, NULL, NULL);
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* One round for a learner: see learner.h. */
LearnerRoundResult
learner_run_round(int64 learner_id)
{
	Learner    *l = learner_get_by_id(learner_id);
	int64		waiting,
				max_serial,
				pool_size;
	ModelFit	fit;

	if (l == NULL)
		return LEARNER_IDLE;
	report(l, "checking");
	waiting = store_count(psprintf("SELECT count(*) FROM al.labels WHERE learner_id = $1 AND serial > " INT64_FORMAT,
								   l->trained_label_serial), l->id);
	max_serial = store_count("SELECT max(serial) FROM al.labels WHERE learner_id = $1", l->id);
	pool_size = pool_count(l);
	if (l->retrain_requested || waiting >= l->options.retrain_every)
	{
		if (retrain(l, pool_size, max_serial))
			return LEARNER_RETRAINED;
		return LEARNER_IDLE;
	}
	if (published_model(l, &fit) && pool_changed(l, pool_size))
	{
		score_pool(l, &fit, fit.models[0].d, l->model_version, pool_size);
		record_pool_rows(l, pool_size);
		return LEARNER_RESCORED;
	}
	return LEARNER_IDLE;
}
