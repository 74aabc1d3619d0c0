/*
 * eval_set.c - a learner's evaluation set (doc/loop.md "The evaluation
 * set").
 *
 * Either a seeded random sample of the pool (options eval_size or
 * eval_fraction), chosen once when the option is given and stored in
 * al.learner_store.eval_items: its items never train (eval_split_labels),
 * and al.next_batch hands them out only at the rate eval_rate (batch.c);
 * or an existing labeled table (eval_table, eval_label_column), read as the
 * learner's owner and checked under a lock at every version.  Every new
 * version is measured on the labeled part (eval_measure).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "parser/parse_coerce.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"

#include "committee_model.h"
#include "eval_set.h"
#include "feature_cast.h"
#include "identity.h"
#include "round.h"

/* Rows of the evaluation set read per block. */
#define EVAL_BLOCK_ROWS 1000

/* An evaluation table as the catalog has it now (under a lock). */
typedef struct EvalTable
{
	Oid			relid;
	char	   *name;			/* qualified, quoted */
	Oid			features_type;
} EvalTable;

/* ERROR unless relid can be an evaluation table: a relation that outlives the session. */
static void
eval_table_check_kind(Oid relid)
{
	char		kind = get_rel_relkind(relid);

	if ((kind != RELKIND_RELATION && kind != RELKIND_PARTITIONED_TABLE && kind != RELKIND_VIEW &&
		 kind != RELKIND_MATVIEW && kind != RELKIND_FOREIGN_TABLE) ||
		get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("evaluation table \"%s\" must be a table, view, materialized view or foreign table that outlives the session",
						get_rel_name(relid))));
}

/* The qualified, quoted name of relation relid. */
static char *
relation_name(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

/*
 * Check a locked evaluation table: its kind, the learner's id and feature
 * columns, a text label column, and that reader may read the feature and
 * label columns.  Fills t.
 */
static void
eval_table_columns(Oid relid, const char *id_column, const char *features_column,
				   const char *label_column, Oid reader, EvalTable *t)
{
	PoolColumns cols;
	AttrNumber	label_att;
	Oid			label_type;

	eval_table_check_kind(relid);
	t->relid = relid;
	t->name = relation_name(relid);
	pool_columns(relid, id_column, features_column, NULL, &cols);
	label_att = get_attnum(relid, label_column);
	if (label_att == InvalidAttrNumber || label_att < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist", label_column,
						get_rel_name(relid)),
				 errhint("The label column of an evaluation table is option \"eval_label_column\" (default \"label\").")));
	label_type = get_atttype(relid, label_att);
	if (TypeCategory(label_type) != TYPCATEGORY_STRING)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("label column \"%s\" of evaluation table %s must be text, not %s",
						label_column, t->name, format_type_be(label_type))));
	if (!pool_column_readable(relid, cols.features_att, reader) ||
		!pool_column_readable(relid, label_att, reader))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("role \"%s\" may not read evaluation table %s",
						GetUserNameFromId(reader, false), t->name),
				 errdetail("The evaluation table is read as the learner's owner, which needs SELECT on its columns \"%s\" and \"%s\".",
						   features_column, label_column)));
	t->features_type = cols.features_type;
}

/*
 * Check option eval_table as given to al.create_learner or
 * al.alter_learner: resolve the name as the caller would (its search_path),
 * lock the table, check it for reader (the learner's owner), and store its
 * qualified name in o.
 */
void
eval_table_check_option(LearnerOptions *o, const char *id_column, const char *features_column,
						Oid reader)
{
	RangeVar   *rv = makeRangeVarFromNameList(stringToQualifiedNameList(o->eval_table));
	Oid			relid = RangeVarGetRelid(rv, AccessShareLock, false);
	EvalTable	t;

	eval_table_columns(relid, id_column, features_column, o->eval_label_column, reader, &t);
	o->eval_table = t.name;
}

/*
 * The learner's evaluation table, locked and checked as its owner: the
 * table may have been dropped, renamed, changed or its rights revoked
 * since it was given.
 */
static void
eval_table_open(const Learner *l, EvalTable *t)
{
	RangeVar   *rv = makeRangeVarFromNameList(stringToQualifiedNameList(l->options.eval_table));
	AlIdentity	save;
	Oid			relid;

	al_become(l->owner, &save);
	relid = RangeVarGetRelid(rv, AccessShareLock, true);
	al_restore(&save);
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("evaluation table %s of learner \"%s\" does not exist", l->options.eval_table,
						l->name),
				 errhint("Give the learner another one with al.alter_learner (option \"eval_table\"), or null.")));
	eval_table_columns(relid, l->id_column, l->features_column, l->options.eval_label_column,
					   l->owner, t);
}

/* Whether the learner has an evaluation set (a sample of its pool, or a table). */
bool
learner_has_eval(const Learner *l)
{
	return l->options.eval_size > 0 || l->options.eval_fraction > 0 || l->options.eval_table != NULL;
}

/* The number of rows with an id in the learner's pool, as its owner. */
static int64
pool_id_rows(const Learner *l)
{
	const char *id = quote_identifier(l->id_column);
	bool		isnull;

	round_pool_query(l, psprintf("SELECT pg_catalog.count(*) FROM %s WHERE %s IS NOT NULL",
								 learner_pool_name(l), id), 0, NULL, NULL);
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * Choose and store the learner's evaluation sample of the pool (NULL if it
 * has none): eval_size items, or eval_fraction of the pool's rows rounded
 * up, the first by a hash of the id's text seeded with the learner's seed
 * (as the stop set).  ERROR (22023) if that leaves no row for training.
 * The pool is locked and read as the owner.  SPI connected.
 */
void
eval_choose_items(const Learner *l)
{
	Oid			types[2] = {INT8OID, TEXTARRAYOID};
	Datum		args[2] = {Int64GetDatum(l->id), (Datum) 0};
	char		nulls[2] = {' ', 'n'};
	AlIdentity	save;
	int64		rows,
				size;

	if (l->options.eval_size > 0 || l->options.eval_fraction > 0)
	{
		rows = pool_id_rows(l);
		size = l->options.eval_size > 0 ? l->options.eval_size :
			(int64) ceil(l->options.eval_fraction * rows - 1e-9);
		if (size >= rows)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("an evaluation set of " INT64_FORMAT " items leaves no row of the pool of learner \"%s\" for training",
							size, l->name),
					 errdetail("The pool has " INT64_FORMAT " rows with an id.", rows),
					 errhint("Choose a smaller \"eval_size\" or \"eval_fraction\".")));
		args[1] = round_seeded_sample(l, size);
		nulls[1] = ' ';
	}
	al_become_store_owner(&save);
	if (SPI_execute_with_args("UPDATE al.learner_store SET eval_items = $2 WHERE id = $1",
							  2, types, args, nulls, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not store the evaluation set of learner \"%s\"", l->name);
	al_restore(&save);
}

/* The learner's evaluation sample of the pool (text[]), or 0 if it has none. */
Datum
eval_items_datum(const Learner *l)
{
	static SPIPlanPtr plan = NULL;
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	bool		isnull;
	Datum		d;

	learner_store_exec_kept(&plan, "SELECT eval_items FROM al.learner_store WHERE id = $1", 1, &type, &arg, true, 1);
	if (SPI_processed == 0)
		return (Datum) 0;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? (Datum) 0 : SPI_datumTransfer(d, false, -1);
}

/* The items of the evaluation sample (eval, text[]: eval_items_datum) as a set. */
ItemMap *
eval_item_map(Datum eval)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	ItemMap    *map;

	deconstruct_array(DatumGetArrayTypeP(eval), TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	map = item_map_create("al_ext evaluation items", Max(n, 1));
	for (int i = 0; i < n; i++)
		if (!nulls[i])
			item_map_add(map, TextDatumGetCString(elems[i]), i);
	return map;
}

/*
 * Move the labeled items of the learner's evaluation sample out of
 * items/classes (n of them, compacted in place) into eval: they measure
 * the model and never train it.
 */
void
eval_split_labels(const Learner *l, char **items, int *classes, int *n, EvalLabels *eval)
{
	Datum		d = eval_items_datum(l);
	Datum	   *texts;
	bool	   *nulls;
	ItemMap    *set;
	int			m,
				i,
				kept = 0;

	eval->n = 0;
	eval->items = (char **) palloc_extended(sizeof(char *) * Max(*n, 1), MCXT_ALLOC_HUGE);
	eval->classes = (int *) palloc_extended(sizeof(int) * Max(*n, 1), MCXT_ALLOC_HUGE);
	if (d == (Datum) 0)
		return;
	deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT, &texts, &nulls, &m);
	set = item_map_create("al_ext evaluation items", m);
	for (i = 0; i < m; i++)
		if (!nulls[i])
			item_map_add(set, TextDatumGetCString(texts[i]), i);
	for (i = 0; i < *n; i++)
	{
		if (item_map_find(set, items[i]) >= 0)
		{
			/* (a label that is not a class measures nothing either) */
			if (classes[i] >= 0)
			{
				eval->items[eval->n] = items[i];
				eval->classes[eval->n++] = classes[i];
			}
			continue;
		}
		items[kept] = items[i];
		classes[kept++] = classes[i];
	}
	*n = kept;
}

/* The predictions of a version on the evaluation rows read so far. */
typedef struct EvalState
{
	const Learner *l;
	const ModelFit *fit;
	int			d;
	float	   *x;				/* d */
	double	   *p;				/* 2k: probabilities and scratch */
	int			n;
	int			cap;
	int		   *truth;
	int		   *pred;
	double	   *p_true;			/* probability given to the true class */
} EvalState;

/* Predict one block of (label text, features) rows and keep (truth, prediction, p_true). */
static void
eval_block(void *arg)
{
	EvalState  *st = (EvalState *) arg;
	int			k = st->l->k;
	uint64		r;

	round_check_features_column(st->l, 2);
	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		char	   *label = SPI_getvalue(tup, SPI_tuptable->tupdesc, 1);
		int			truth = label ? learner_class_index(st->l, label) : -1;
		bool		isnull;
		Datum		f = SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &isnull);
		int			c,
					best = 0;

		/* rows whose label is not a class, or whose features are unusable, are not measured */
		if (truth < 0 || pool_read_features(f, isnull, st->d, st->x) != FEATURES_OK)
			continue;
		al_committee_predict_row(st->fit->models, st->fit->members, st->x, st->p, st->p + k);
		for (c = 1; c < k; c++)
			if (st->p[c] > st->p[best])
				best = c;
		if (st->n == st->cap)
		{
			st->cap *= 2;
			st->truth = (int *) repalloc_huge(st->truth, sizeof(int) * st->cap);
			st->pred = (int *) repalloc_huge(st->pred, sizeof(int) * st->cap);
			st->p_true = (double *) repalloc_huge(st->p_true, sizeof(double) * st->cap);
		}
		st->truth[st->n] = truth;
		st->pred[st->n] = best;
		st->p_true[st->n++] = st->p[truth];
	}
}

/*
 * The query that reads the evaluation rows (label text, features) and its
 * parameters: the labeled items of the pool's sample joined to the pool,
 * or every row of the evaluation table.
 */
static char *
eval_query(const Learner *l, const EvalLabels *eval, Oid *types, Datum *args, int *nargs)
{
	EvalTable	t;
	Datum	   *labels;
	int			i;

	if (l->options.eval_table != NULL)
	{
		eval_table_open(l, &t);
		*nargs = 0;
		return psprintf("SELECT t.%s::pg_catalog.text, %s FROM %s t",
						quote_identifier(l->options.eval_label_column),
						al_feature_select(psprintf("t.%s", quote_identifier(l->features_column)),
										  t.features_type), t.name);
	}
	labels = (Datum *) palloc_extended(sizeof(Datum) * Max(eval->n, 1), MCXT_ALLOC_HUGE);
	for (i = 0; i < eval->n; i++)
		labels[i] = CStringGetTextDatum(l->classes[eval->classes[i]]);
	types[0] = get_array_type(l->id_type);
	types[1] = TEXTARRAYOID;
	args[0] = learner_typed_items(l, eval->items, eval->n);
	args[1] = PointerGetDatum(construct_array(labels, eval->n, TEXTOID, -1, false, TYPALIGN_INT));
	*nargs = 2;
	/* in the bytes' order of the ids, not the pool's: the bootstrap takes the rows by position */
	return psprintf("SELECT s.label, %s FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2)) s(item, label) "
					"JOIN %s p ON p.%s OPERATOR(pg_catalog.=) s.item "
					"ORDER BY p.%s::pg_catalog.text COLLATE pg_catalog.\"C\"",
					learner_features_sql(l, "p"), learner_pool_name(l),
					quote_identifier(l->id_column), quote_identifier(l->id_column));
}

/*
 * Measure version fit (d features) on the labeled part of the learner's
 * evaluation set: eval (the labeled items of its pool sample, from
 * eval_split_labels) or its evaluation table.  false if the learner has no
 * evaluation set.  The pool and the table are read as the owner.
 */
bool
eval_measure(const Learner *l, const ModelFit *fit, int d, const EvalLabels *eval,
			 al_eval_metrics *out)
{
	EvalState	st;
	Oid			types[2];
	Datum		args[2];
	int			nargs;
	char	   *sql;
	int		   *counts;
	double	   *boot;

	if (!learner_has_eval(l))
		return false;
	sql = eval_query(l, eval, types, args, &nargs);
	st.l = l;
	st.fit = fit;
	st.d = d;
	st.x = (float *) palloc(sizeof(float) * Max(d, 1));
	st.p = (double *) palloc(sizeof(double) * 2 * l->k);
	st.n = 0;
	st.cap = 64;
	st.truth = (int *) palloc(sizeof(int) * st.cap);
	st.pred = (int *) palloc(sizeof(int) * st.cap);
	st.p_true = (double *) palloc(sizeof(double) * st.cap);
	learner_query_blocks(l->owner, sql, nargs, types, args, false, EVAL_BLOCK_ROWS, eval_block, &st);
	counts = (int *) palloc(sizeof(int) * 3 * l->k);
	boot = (double *) palloc(sizeof(double) * AL_EVAL_BOOTSTRAP);
	al_eval_compute(st.truth, st.pred, st.p_true, st.n, l->k, (uint64) l->options.seed, counts, boot, out);
	pfree(counts);
	pfree(boot);
	return true;
}
