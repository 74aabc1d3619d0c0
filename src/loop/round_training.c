/*
 * round_training.c - what a round's retrain trains on: the learner's
 * labels (one class per item, by option label_rule; the label rows waiting
 * for a training), the pool rows of the labeled items (in the order of
 * their ids, of the most common feature length), and whether they can
 * train a model yet.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "al_ext.h"
#include "eval_set.h"
#include "overlap.h"
#include "round.h"
#include "round_training.h"

/* Append the elements of a bigint[] to a growing list of n of capacity *cap; returns the new n. */
static int
append_serials(ArrayType *a, Datum **list, int n, int *cap)
{
	Datum	   *v;
	int			m,
				i;

	deconstruct_array(a, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &v, NULL, &m);
	if (n + m > *cap)
	{
		*cap = Max(n + m, *cap * 2);
		*list = (Datum *) repalloc_huge(*list, sizeof(Datum) * *cap);
	}
	for (i = 0; i < m; i++)
		(*list)[n++] = v[i];
	pfree(v);
	return n;
}

/*
 * Training labels: each labeled item's label by the option label_rule (by
 * default its majority label, ties: the latest; overlap.c),
 * and, from the same statement (so the same snapshot), the serials of the
 * rows read that were waiting for a retrain: exactly those are marked
 * trained when the model is published (mark_trained_labels).
 */
void
round_training_labels(const Learner *l, TrainingLabels *tl)
{
	const char *sql = overlap_training_labels_sql(l);
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	Datum	   *fresh;
	int			n_fresh = 0,
				cap = 16;
	uint64		r;

	learner_store_exec(sql, 1, &type, &arg, true, 0);
	tl->n = 0;
	tl->items = (char **) palloc_extended(sizeof(char *) * Max(SPI_processed, 1), MCXT_ALLOC_HUGE);
	tl->classes = (int *) palloc_extended(sizeof(int) * Max(SPI_processed, 1), MCXT_ALLOC_HUGE);
	tl->labels = (char **) palloc_extended(sizeof(char *) * Max(SPI_processed, 1), MCXT_ALLOC_HUGE);
	fresh = (Datum *) palloc(sizeof(Datum) * cap);
	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		char	   *item = SPI_getvalue(tup, SPI_tuptable->tupdesc, 1);
		bool		isnull;
		Datum		d = SPI_getbinval(tup, SPI_tuptable->tupdesc, 3, &isnull);

		if (!isnull)
			n_fresh = append_serials(DatumGetArrayTypeP(d), &fresh, n_fresh, &cap);
		/* an item's rows are adjacent, its training label first */
		if (tl->n > 0 && strcmp(tl->items[tl->n - 1], item) == 0)
		{
			pfree(item);
			continue;
		}
		tl->items[tl->n] = item;
		tl->labels[tl->n] = SPI_getvalue(tup, SPI_tuptable->tupdesc, 2);
		tl->classes[tl->n] = learner_class_index(l, tl->labels[tl->n]);
		tl->n++;
	}
	SPI_freetuptable(SPI_tuptable);
	tl->fresh = PointerGetDatum(construct_array(fresh, n_fresh, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	pfree(fresh);
}

/* Order ints ascending (for the most common feature count). */
static int
int_cmp(const void *a, const void *b)
{
	int			x = *(const int *) a;
	int			y = *(const int *) b;

	return (x > y) - (x < y);
}

/* The most common of n lengths (ties: the smallest); 0 if n is 0. */
int
round_most_common_length(int *lengths, int n)
{
	int			best = 0,
				best_count = 0,
				i,
				run = 0;

	qsort(lengths, n, sizeof(int), int_cmp);
	for (i = 0; i < n; i++)
	{
		run = (i > 0 && lengths[i] == lengths[i - 1]) ? run + 1 : 1;
		if (run > best_count)
		{
			best_count = run;
			best = lengths[i];
		}
	}
	return best;
}

/* qsort_arg comparator of row numbers by their item id's bytes, then by row number. */
static int
cmp_row_items(const void *a, const void *b, void *arg)
{
	char	  **items = (char **) arg;
	int			x = *(const int *) a,
				y = *(const int *) b;
	int			c;

	if (items[x] == NULL || items[y] == NULL)
		c = (items[x] == NULL) - (items[y] == NULL);
	else
		c = strcmp(items[x], items[y]);

	return c != 0 ? c : (x > y) - (x < y);
}

/*
 * The order in which to take the n rows of SPI_tuptable whose column 1 is
 * an item id (*items: those ids, as text): by the bytes of the id (strcmp,
 * no collation), a row without an id last.  A round takes its training
 * rows in this order, so the model is a function of the labels, the
 * features, the options and the seed, not of the pool's physical order
 * (heap order after an UPDATE or VACUUM FULL, partitions, Citus shards):
 * the seeded holdout split and bootstrap take rows by position, and the
 * gradient sums add them in order.  Only an id the pool holds twice keeps
 * its rows in the order read (round_check_duplicates refuses that pool).
 */
int *
round_rows_by_item(char ***items, int n)
{
	int		   *order = (int *) palloc_extended(sizeof(int) * Max(n, 1), MCXT_ALLOC_HUGE);
	char	  **ids = (char **) palloc_extended(sizeof(char *) * Max(n, 1), MCXT_ALLOC_HUGE);

	for (int r = 0; r < n; r++)
	{
		ids[r] = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
		order[r] = r;
	}
	qsort_arg(order, n, sizeof(int), cmp_row_items, ids);
	*items = ids;
	return order;
}

/*
 * The labeled rows of the pool (as the owner) that the training can use:
 * the row of each labeled item whose label is a class, whose features are
 * a finite array without NULL, of the most common length among them.  The
 * labeled items of the evaluation sample go to t->eval instead: they never
 * train.
 */
void
round_training_rows(const Learner *l, TrainingRows *t)
{
	TrainingLabels tl;
	ItemMap    *index;
	bool	   *used;
	int		   *labels;
	int		   *row_label;
	int		   *lengths;
	int		   *order;
	char	  **ids;
	int			usable = 0,
				classed = 0,
				i;
	Oid			type = get_array_type(l->id_type);
	Datum		arg;
	const char *id = quote_identifier(l->id_column);
	char	   *sql;

	round_training_labels(l, &tl);
	t->labeled = tl.n;
	eval_split_labels(l, tl.items, tl.classes, &tl.n, &t->eval);
	t->fresh = tl.fresh;
	labels = tl.classes;
	index = item_map_create("al_ext labeled items", tl.n);
	used = (bool *) palloc_extended(sizeof(bool) * Max(tl.n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	arg = learner_typed_items(l, tl.items, tl.n);
	for (i = 0; i < tl.n; i++)
	{
		item_map_add(index, tl.items[i], i);
		classed += labels[i] >= 0;
	}
	/*
	 * compared in the id's own type, so an index on the pool's ids serves;
	 * taken in the order of their ids below (round_rows_by_item), so the
	 * model does not depend on the order the pool returns its rows in
	 */
	sql = psprintf("SELECT p.%s::pg_catalog.text, %s FROM %s p WHERE p.%s OPERATOR(pg_catalog.=) ANY ($1)",
				   id, learner_features_sql(l, "p"), learner_pool_name(l), id);
	round_pool_query(l, sql, 1, &type, &arg);
	round_check_features_column(l, 2);
	order = round_rows_by_item(&ids, (int) SPI_processed);
	/* first pass: which rows are usable, and their lengths */
	row_label = (int *) palloc_extended(sizeof(int) * Max(SPI_processed, 1), MCXT_ALLOC_HUGE);
	lengths = (int *) palloc_extended(sizeof(int) * Max(SPI_processed, 1), MCXT_ALLOC_HUGE);
	for (i = 0; i < (int) SPI_processed; i++)
	{
		int			r = order[i];
		bool		isnull;
		Datum		f = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);
		int			e = ids[r] ? item_map_find(index, ids[r]) : -1;

		row_label[r] = -1;
		if (e < 0 || labels[e] < 0 || used[e] ||
			pool_read_features(f, isnull, -1, NULL) != FEATURES_OK)
			continue;
		used[e] = true;
		row_label[r] = labels[e];
		lengths[usable++] = (int) ArrayGetNItems(1, ARR_DIMS(DatumGetArrayTypeP(f)));
	}
	t->d = round_most_common_length(lengths, usable);
	/* second pass: copy the rows of that length, in the order of their ids */
	t->x = (float *) palloc_extended(sizeof(float) * Max(usable, 1) * Max(t->d, 1), MCXT_ALLOC_HUGE);
	t->y = (int *) palloc_extended(sizeof(int) * Max(usable, 1), MCXT_ALLOC_HUGE);
	t->n = 0;
	for (i = 0; i < (int) SPI_processed && t->d > 0; i++)
	{
		int			r = order[i];
		bool		isnull;
		Datum		f = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);

		if (row_label[r] >= 0 &&
			pool_read_features(f, isnull, t->d, t->x + (Size) t->n * t->d) == FEATURES_OK)
			t->y[t->n++] = row_label[r];
	}
	SPI_freetuptable(SPI_tuptable);
	t->unusable = classed - t->n;
}

/* Number of distinct classes among the rows idx (all n rows if idx is NULL). */
static int
distinct_classes(const int *y, const int *idx, int n, int k)
{
	bool	   *seen = (bool *) palloc0(sizeof(bool) * k);
	int			count = 0,
				i;

	for (i = 0; i < n; i++)
	{
		int			c = y[idx ? idx[i] : i];

		if (!seen[c])
		{
			seen[c] = true;
			count++;
		}
	}
	pfree(seen);
	return count;
}

/*
 * Whether the rows can train a model: 2 or more rows of 2 or more classes
 * left for training once the holdout (the same seeded split the training
 * makes) is set aside.  Otherwise the learner waits for more labels.
 */
bool
round_can_train(const Learner *l, const TrainingRows *t)
{
	int		   *train_idx,
			   *hold_idx;
	int			n_train,
				n_hold;

	if (t->n < 2 || t->d < 1)
		return false;
	train_idx = (int *) palloc_extended(sizeof(int) * t->n, MCXT_ALLOC_HUGE);
	hold_idx = (int *) palloc_extended(sizeof(int) * t->n, MCXT_ALLOC_HUGE);
	if (al_softmax_holdout_split(t->n, l->options.holdout, (uint64) l->options.seed,
								 train_idx, &n_train, hold_idx, &n_hold) != AL_SM_OK)
		return false;
	return n_train >= 2 && distinct_classes(t->y, train_idx, n_train, l->k) >= 2;
}

