/*
 * round_parallel.c - scoring a learner's pool with PostgreSQL's parallel
 * workers (GUC al_ext.parallel_rounds).
 *
 * A cursor never gets a parallel plan, so the serial round (round_score.c)
 * reads the pool in one process.  A round that needs only each row's
 * probabilities and score (option batch "topk" without explore, sample,
 * density or rescore_sample; not random, not expected error reduction;
 * softmax learners) can instead run ONE query, planned parallel-safe:
 *
 *   SELECT p.id::text, al._round_row(model_id, strategy, p.features) FROM pool p
 *
 * (with option rescore_sample, WHERE the id's seeded hash draws the row:
 * round_drawn_sql, literals; the receiver checks the draw again)
 *
 * al._round_row (PARALLEL SAFE) loads the model by id (each parallel worker
 * through its own model cache) and predicts and scores one row with the
 * same kernels as the serial round: the committee's members with
 * al_softmax_predict_ws, their mean with round_committee_mean, the score
 * with round_strategy_score.  The leader receives (id, score, probs)
 * through a DestReceiver (no tuple table), keeps those of unlabeled items,
 * and, once the query is done (nothing can be written while the query runs
 * in parallel mode), writes them into al.scores as the serial round does.
 * Memory: each kept row's id, score and probabilities (about 80 + 4k bytes
 * a row); a pool whose rows would take more than al_ext.selection_max_memory
 * is scored in hash buckets of its ids, one query (and one write) each.
 * Under option ranking_rows the receiver hands each row to the round's
 * bounded heap instead (a sink: nothing is written during the query), so
 * one query serves any pool.
 *
 * Option score_in "pool" (and "auto" over a Citus distributed table) runs
 * the same one query with the model as a value instead of an id:
 *
 *   SELECT p.id::text, al._round_probs('\x...'::bytea, p.features) FROM pool p
 *
 * al._round_probs is IMMUTABLE (it reads no table), so Citus ships it, the
 * model a literal, to the shards: only each row's id and its members'
 * probabilities (members x k reals, predicted by al_softmax_predict_ws as
 * al._round_row predicts them) come back, and the leader takes their mean
 * (round_committee_mean) and the strategy's score (round_strategy_score)
 * as the serial round does.  doc/citus.md, "Scoring in the pool".  The
 * rounds of ovr and ridge learners (family_round.c) run their one query
 * with al._round_outputs, built by round_pool_predict_sql too.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "parser/parsetree.h"
#include "rewrite/rewriteHandler.h"
#include "tcop/dest.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/snapmgr.h"
#include "utils/typcache.h"

#include "al_ext.h"
#include "identity.h"
#include "probvec.h"
#include "round.h"
#include "select_glue.h"

PG_FUNCTION_INFO_V1(al_round_row);
PG_FUNCTION_INFO_V1(al_round_probs);

/* GUC al_ext.parallel_rounds. */
static bool parallel_rounds = false;

/* Define al_ext.parallel_rounds (called from _PG_init). */
void
al_round_define_gucs(void)
{
	DefineCustomBoolVariable("al_ext.parallel_rounds",
							 "Whether a learner's round scores its pool with one parallel-safe query.",
							 "Rounds of softmax learners with option batch \"topk\" (no explore, sample, "
							 "density or rescore_sample) and a strategy other than random and "
							 "expected_error_reduction then read the pool with parallel workers, as "
							 "max_parallel_workers_per_gather and the pool's size allow; the ranking is "
							 "the serial round's.",
							 &parallel_rounds, false, PGC_USERSET, 0, NULL, NULL, NULL);
}

/* Whether strategy s scores one row from its probabilities (and features) alone. */
static bool
row_strategy(const char *s)
{
	static const char *const names[] = {"entropy", "least_confidence", "margin_confidence",
		"ratio_confidence", "expected_gradient_length", "vote_entropy", "consensus_entropy",
	"max_disagreement", "bald"};

	for (int i = 0; i < lengthof(names); i++)
		if (strcmp(s, names[i]) == 0)
			return true;
	return false;
}

/*
 * Whether learner l's round scores the pool in parallel: the GUC is on, the
 * round has no selection (sel_needed false), and its strategy scores rows
 * alone.  (Option rescore_sample's draw is a condition of the query.)
 */
bool
round_parallel_wanted(const Learner *l, bool sel_needed)
{
	return parallel_rounds && !sel_needed &&
		l->options.family == MODEL_SOFTMAX && row_strategy(l->strategy);
}

/*
 * What al._round_row keeps across the rows of one query (fn_extra): the
 * model, checked once (a version never changes under its id; the model
 * cache frees no entry handed out in the current transaction, and fn_extra
 * does not outlive the query), the strategy, the result's row type and the
 * buffers of one row.
 */
typedef struct RoundRowCache
{
	int64		id;
	AlModel    *m;
	char	   *strategy;
	TupleDesc	desc;
	float	   *x;
	float	   *pm;
	float	   *mm;
	float	   *p;
	double	   *work;
} RoundRowCache;

/* The cache of this call site for model id and strategy, (re)built in fn_mcxt when they change. */
static RoundRowCache *
round_row_cache(FunctionCallInfo fcinfo, int64 id, const char *strategy)
{
	RoundRowCache *c = (RoundRowCache *) fcinfo->flinfo->fn_extra;
	MemoryContext old;
	AlModel    *m;
	TupleDesc	desc;
	int			k;

	if (c != NULL && c->id == id && strcmp(c->strategy, strategy) == 0)
		return c;
	m = model_get_by_id(id);
	if (m->family != MODEL_SOFTMAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model \"%s\" is a %s model", m->name, model_family_name(m->family)),
				 errhint("al._round_row scores with softmax models only.")));
	if (!row_strategy(strategy))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("strategy \"%s\" does not score one row alone", strategy),
				 errhint("Use entropy, least_confidence, margin_confidence, ratio_confidence, "
						 "expected_gradient_length, vote_entropy, consensus_entropy, "
						 "max_disagreement or bald.")));
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "al._round_row must return a record");
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (c == NULL)
		c = (RoundRowCache *) palloc0(sizeof(RoundRowCache));
	else
	{
		pfree(c->strategy);
		pfree(c->x);
		pfree(c->pm);
		pfree(c->mm);
		pfree(c->p);
		pfree(c->work);
	}
	k = m->k;
	c->id = id;
	c->m = m;
	c->strategy = pstrdup(strategy);
	c->desc = BlessTupleDesc(CreateTupleDescCopy(desc));
	c->x = (float *) palloc(sizeof(float) * Max(m->d, 1));
	c->pm = (float *) palloc(sizeof(float) * k * m->members);
	c->mm = (float *) palloc(sizeof(float) * k * m->members);
	c->p = (float *) palloc(sizeof(float) * k);
	c->work = (double *) palloc(sizeof(double) * Max(al_softmax_predict_work_size(&m->m[0], 1), 4 * (Size) k));
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = c;
	return c;
}

/*
 * al._round_row(model_id bigint, strategy text, x real[] | double precision[],
 * OUT score double precision, OUT probs al.probvec): the committee mean of
 * softmax model version model_id on one row of features and the strategy's
 * score of it, exactly as a serial round computes them; NULL when the
 * features are not usable (NULL elements, not finite, another length than
 * the model's), as a round skips such rows.  The round's parallel query
 * calls it; using the model needs the rights al.predict needs (checked
 * once per query and model).
 */
Datum
al_round_row(PG_FUNCTION_ARGS)
{
	char	   *strategy = text_to_cstring(PG_GETARG_TEXT_PP(1));
	RoundRowCache *c = round_row_cache(fcinfo, PG_GETARG_INT64(0), strategy);
	AlModel    *m = c->m;
	int			k = m->k;
	double		score;
	ProbVec    *pv;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	if (pool_read_features(PG_GETARG_DATUM(2), false, m->d, c->x) != FEATURES_OK)
		PG_RETURN_NULL();
	al_blas_ensure();
	for (int i = 0; i < m->members; i++)
		if (al_softmax_predict_ws(&m->m[i], c->x, 1, c->pm + (Size) i * k, c->work) != AL_SM_OK)
			elog(ERROR, "prediction failed for model \"%s\"", m->name);
	round_committee_mean(c->pm, m->members, 1, 0, k, c->mm, c->p);
	probvec_check_values(c->p, k);
	score = round_strategy_score(c->strategy, k, "", 0, c->p, c->mm, m->members, c->x, m->d, c->work);
	pv = (ProbVec *) palloc(PROBVEC_SIZE(k));
	SET_VARSIZE(pv, PROBVEC_SIZE(k));
	pv->dim = (int16) k;
	pv->unused = 0;
	memcpy(pv->x, c->p, sizeof(float) * k);
	values[0] = Float8GetDatum(score);
	values[1] = PointerGetDatum(pv);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(c->desc, values, nulls)));
}

/*
 * al._round_probs(model bytea, x real[] | double precision[]) -> real[]:
 * each member's class probabilities (members x k, member after member) of
 * an exported softmax model (al.model_export) on one row, predicted as a
 * round predicts (al_softmax_predict_ws, rounded to real); NULL when the
 * features are not usable, as a round skips such rows.  It reads no
 * table, so it is IMMUTABLE and a Citus shard runs it (option score_in).
 */
Datum
al_round_probs(PG_FUNCTION_ARGS)
{
	AlModel    *m = model_value_get(fcinfo, PG_GETARG_BYTEA_PP(0));
	int			k = m->k;
	int			n = k * m->members;
	float	   *x;
	double	   *work;
	ArrayType  *a;

	model_check_family(m, MODEL_SOFTMAX, "al._round_probs");
	x = (float *) palloc(sizeof(float) * Max(m->d, 1));
	if (pool_read_features(PG_GETARG_DATUM(1), false, m->d, x) != FEATURES_OK)
		PG_RETURN_NULL();
	work = (double *) palloc(sizeof(double) * al_softmax_predict_work_size(&m->m[0], 1));
	al_blas_ensure();
	a = (ArrayType *) palloc0(ARR_OVERHEAD_NONULLS(1) + sizeof(float4) * n);
	SET_VARSIZE(a, ARR_OVERHEAD_NONULLS(1) + sizeof(float4) * n);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT4OID;
	ARR_DIMS(a)[0] = n;
	ARR_LBOUND(a)[0] = 1;
	for (int i = 0; i < m->members; i++)
		if (al_softmax_predict_ws(&m->m[i], x, 1, (float *) ARR_DATA_PTR(a) + (Size) i * k,
								  work) != AL_SM_OK)
			elog(ERROR, "prediction failed for model \"%s\"", m->name);
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * Whether learner l's pool is, or is a view that reads (through views, at
 * any depth), a Citus distributed table (of any kind Citus lists in
 * pg_dist_partition; the relations a view reads are those its rewrite rule
 * depends on), asked as the owner; false when Citus is not installed (no
 * such table in pg_catalog).
 */
static bool
citus_distributed(const Learner *l)
{
	Oid			type = REGCLASSOID;
	Datum		arg = ObjectIdGetDatum(l->pool);
	bool		isnull;

	if (!OidIsValid(get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE)))
		return false;
	round_pool_query(l, "WITH RECURSIVE rels(oid) AS ("
					 "  SELECT $1::pg_catalog.oid"
					 "  UNION"
					 "  SELECT d.refobjid FROM rels r"
					 "  JOIN pg_catalog.pg_rewrite w ON w.ev_class OPERATOR(pg_catalog.=) r.oid"
					 "  JOIN pg_catalog.pg_depend d"
					 "    ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
					 "   AND d.objid OPERATOR(pg_catalog.=) w.oid"
					 "   AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass"
					 "   AND d.refobjid OPERATOR(pg_catalog.<>) r.oid) "
					 "SELECT EXISTS (SELECT FROM pg_catalog.pg_dist_partition p JOIN rels "
					 "ON p.logicalrelid OPERATOR(pg_catalog.=) rels.oid)", 1, &type, &arg);
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * Whether learner l's round scores in the pool's query (option score_in):
 * "pool" always (the options were checked with it; a selection that
 * needs the features is refused again here, 0A000), "auto" when the
 * pool is a Citus distributed table and the options allow it (sel_needed:
 * the round has a selection).
 */
bool
round_pushdown_wanted(const Learner *l, bool sel_needed)
{
	const char *conflict;

	if (l->options.score_in == SCORE_IN_COORDINATOR)
		return false;
	conflict = learner_score_in_conflict(l->strategy, &l->options);
	if (conflict == NULL && sel_needed)
		conflict = "a selection";
	if (l->options.score_in == SCORE_IN_POOL && conflict != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("option \"score_in\": \"pool\" of learner \"%s\" cannot be combined with %s",
						l->name, conflict)));
	return l->options.score_in == SCORE_IN_POOL || (conflict == NULL && citus_distributed(l));
}

/*
 * The value of the round's model (al.model_export's form): the committee
 * fit has just trained or loaded, of d features and the learner's classes
 * (its family's: a ridge model has one output and no classes).
 */
bytea *
round_model_value(const Learner *l, const ModelFit *fit, int d)
{
	AlModel		m;

	memset(&m, 0, sizeof(m));
	m.id = fit->id;
	m.name = psprintf("%s%s", LEARNER_MODEL_PREFIX, l->name);
	m.version = fit->version;
	m.learner_id = l->id;
	m.family = (ModelFamily) l->options.family;
	m.k = m.family == MODEL_RIDGE ? 1 : l->k;
	m.d = d;
	m.members = fit->members;
	m.train_c = fit->c;
	m.classes = m.family == MODEL_RIDGE ? NULL : l->classes;
	m.m = fit->models;
	return model_export_pack(&m);
}

/*
 * The query of a round that scores in the pool (option score_in): each
 * pool row's id as text and al.<function>(value, its features), the model
 * value a literal so that Citus ships the call to the shards.
 */
char *
round_pool_predict_sql(const Learner *l, const char *function, bytea *value)
{
	return psprintf("SELECT p.%s::pg_catalog.text, al.%s(%s::pg_catalog.bytea, %s) FROM %s p",
					quote_identifier(l->id_column), function,
					quote_literal_cstr(DatumGetCString(DirectFunctionCall1(byteaout, PointerGetDatum(value)))),
					learner_features_sql(l, "p"), learner_pool_name(l));
}

/* The receiver of the parallel query: keeps the scored rows of unlabeled items. */
typedef struct RowReceiver
{
	DestReceiver pub;
	const Learner *l;
	int			members;		/* scoring in the pool: the committee's members, else 0 */
	float	   *mm;				/* and one row's members x k probabilities */
	float	   *p;				/* its mean */
	double	   *work;			/* the strategy's workspace */
	ItemMap    *labeled;
	const RoundDraw *draw;		/* option rescore_sample's draw */
	MemoryContext cxt;			/* holds the rows kept */
	ParallelRows *rows;
	ParallelRowSink sink;		/* takes each row instead of rows, or NULL */
	void	   *sink_arg;
	TupleDesc	rowdesc;		/* al._round_row's record, looked up at its first row */
	int32		rowtypmod;
} RowReceiver;

/*
 * The score of a row scored in the pool (al._round_probs's members x k
 * reals in value) into *score, its committee mean into r->p: as the
 * serial round computes them.
 */
static void
pool_row_score(RowReceiver *r, const char *item, Datum value, double *score)
{
	const Learner *l = r->l;
	ArrayType  *a = DatumGetArrayTypeP(value);
	int			n = r->members * l->k;

	if (ARR_NDIM(a) != 1 || ARR_ELEMTYPE(a) != FLOAT4OID || ARR_HASNULL(a) || ARR_DIMS(a)[0] != n)
		elog(ERROR, "the pool of learner \"%s\" returned probabilities that are not %d reals",
			 l->name, n);
	round_committee_mean((const float *) ARR_DATA_PTR(a), r->members, 1, 0, l->k, r->mm, r->p);
	probvec_check_values(r->p, l->k);
	*score = round_row_score(l, item, r->p, r->mm, r->members, NULL, 0, r->work);
	if ((Pointer) a != DatumGetPointer(value))
		pfree(a);
}

/* The score of al._round_row's (score, probs) record rec into *score, its probabilities into r->p. */
static void
record_row_score(RowReceiver *r, Datum rec, double *score)
{
	HeapTupleHeader t = DatumGetHeapTupleHeader(rec);
	HeapTupleData tuple;
	Datum		values[2];
	bool		nulls[2];
	ProbVec    *pv;

	if (r->rowdesc == NULL || HeapTupleHeaderGetTypMod(t) != r->rowtypmod)
	{
		r->rowdesc = lookup_rowtype_tupdesc_copy(HeapTupleHeaderGetTypeId(t), HeapTupleHeaderGetTypMod(t));
		r->rowtypmod = HeapTupleHeaderGetTypMod(t);
		if (r->rowdesc->natts != 2)
			elog(ERROR, "al._round_row returned %d columns", r->rowdesc->natts);
	}
	tuple.t_len = HeapTupleHeaderGetDatumLength(t);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = t;
	heap_deform_tuple(&tuple, r->rowdesc, values, nulls);
	if (nulls[0] || nulls[1])
		elog(ERROR, "al._round_row returned a NULL score or probabilities");
	pv = (ProbVec *) PG_DETOAST_DATUM(values[1]);
	if (pv->dim != r->l->k)
		elog(ERROR, "the parallel scoring of learner \"%s\" returned %d probabilities where %d were expected",
			 r->l->name, pv->dim, r->l->k);
	*score = DatumGetFloat8(values[0]);
	memcpy(r->p, pv->x, sizeof(float) * pv->dim);
	if ((Pointer) pv != DatumGetPointer(values[1]))
		pfree(pv);
}

/*
 * Keep one result row (id text, then al._round_row's (score, probs) record
 * or al._round_probs's probabilities) unless its id is NULL, labeled, not
 * drawn (the query's condition, checked again as the serial round does) or
 * unscored.
 */
static bool
receive_row(TupleTableSlot *slot, DestReceiver *self)
{
	RowReceiver *r = (RowReceiver *) self;
	ParallelRows *rows = r->rows;
	bool		isnull;
	Datum		id = slot_getattr(slot, 1, &isnull);
	Datum		rec;
	double		score;
	const float *p;
	char	   *item;
	MemoryContext old;

	if (isnull)
		return true;
	rec = slot_getattr(slot, 2, &isnull);
	if (isnull)
		return true;			/* features the round does not use */
	old = MemoryContextSwitchTo(r->cxt);
	item = TextDatumGetCString(id);
	if (item_map_find(r->labeled, item) >= 0 || !round_item_drawn(r->draw, item))
	{
		pfree(item);
		MemoryContextSwitchTo(old);
		return true;
	}
	if (r->members > 0)
		pool_row_score(r, item, rec, &score);
	else
		record_row_score(r, rec, &score);
	p = r->p;
	if (r->sink != NULL)
	{
		r->sink(r->sink_arg, item, score, p);
		pfree(item);
		MemoryContextSwitchTo(old);
		return true;
	}
	if (rows->n == rows->cap)
	{
		rows->cap *= 2;
		rows->id = (char **) repalloc_huge(rows->id, sizeof(char *) * rows->cap);
		rows->score = (double *) repalloc_huge(rows->score, sizeof(double) * rows->cap);
		rows->p = (float **) repalloc_huge(rows->p, sizeof(float *) * rows->cap);
	}
	rows->score[rows->n] = score;
	rows->p[rows->n] = (float *) palloc(sizeof(float) * r->l->k);
	memcpy(rows->p[rows->n], p, sizeof(float) * r->l->k);
	rows->id[rows->n] = item;
	rows->n++;
	MemoryContextSwitchTo(old);
	return true;
}

/* Receiver callbacks with nothing to do. */
static void
receive_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
receive_shutdown(DestReceiver *self)
{
}

static void
receive_destroy(DestReceiver *self)
{
}

/* The most buckets a round splits its pool into (each is a scan of the pool's heap). */
#define PARALLEL_MAX_BUCKETS 1024

/*
 * The number of hash buckets (a power of 2) that keeps the rows of one
 * bucket of a pool of pool_size rows and k classes within
 * al_ext.selection_max_memory (about 80 + 4k bytes a row kept, plus its
 * id: id_width, the id column's average width in the pool's statistics,
 * round_pool_id_width, 0 when it has none).
 */
int
round_parallel_buckets(int k, int64 pool_size, int32 id_width)
{
	double		bytes = (double) pool_size * (80.0 + 4.0 * k + Max(id_width, 0));
	int			b = 1;

	while (b < PARALLEL_MAX_BUCKETS && bytes / b > (double) sel_max_memory_bytes())
		b *= 2;
	return b;
}

/* The most views column_width follows down to the table under them. */
#define ID_WIDTH_MAX_VIEWS 8

static int32 column_width(Oid relid, AttrNumber attnum, Oid role, int views);

/*
 * The width of column attnum of view viewid when it is a plain column of a
 * relation of the view's query (as the planner would estimate it), else 0.
 * The relation under it is read with the rights of the view's owner, or of
 * role for a security_invoker view.
 */
static int32
view_column_width(Oid viewid, AttrNumber attnum, Oid role, int views)
{
	Relation	view = relation_open(viewid, AccessShareLock);
	Query	   *q = get_view_query(view);
	TargetEntry *te = get_tle_by_resno(q->targetList, attnum);
	Oid			reader = RelationHasSecurityInvoker(view) ? role : view->rd_rel->relowner;
	int32		width = 0;

	if (te != NULL && !te->resjunk && IsA(te->expr, Var) && ((Var *) te->expr)->varlevelsup == 0)
	{
		Var		   *v = (Var *) te->expr;
		RangeTblEntry *rte = rt_fetch(v->varno, q->rtable);

		if (rte->rtekind == RTE_RELATION)
			width = column_width(rte->relid, v->varattno, reader, views + 1);
	}
	relation_close(view, AccessShareLock);
	return width;
}

/*
 * The average width of column attnum of relation relid in its statistics,
 * 0 when it has none or role may not read the column (pg_stats would not
 * show them): the whole hierarchy's for a partitioned table or a parent of
 * inheritance children (ANALYZE keeps them apart from the parent's own
 * rows, stainherit), which a query of the relation reads; for a view, its
 * column's (view_column_width, through at most ID_WIDTH_MAX_VIEWS views).
 */
static int32
column_width(Oid relid, AttrNumber attnum, Oid role, int views)
{
	char		relkind = get_rel_relkind(relid);
	HeapTuple	tup;
	int32		width = 0;

	if (attnum <= 0 || views > ID_WIDTH_MAX_VIEWS ||
		(pg_class_aclcheck(relid, role, ACL_SELECT) != ACLCHECK_OK &&
		 pg_attribute_aclcheck(relid, attnum, role, ACL_SELECT) != ACLCHECK_OK))
		return 0;
	if (relkind == RELKIND_VIEW)
		return view_column_width(relid, attnum, role, views);
	tup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid), Int16GetDatum(attnum),
						  BoolGetDatum(relkind == RELKIND_PARTITIONED_TABLE || has_subclass(relid)));
	if (HeapTupleIsValid(tup))
	{
		width = ((Form_pg_statistic) GETSTRUCT(tup))->stawidth;
		ReleaseSysCache(tup);
	}
	return Max(width, 0);
}

/*
 * The average width of learner l's ids in its pool's statistics, as its
 * owner may read them, or 0 (for round_parallel_buckets).  The caller has
 * locked the pool (learner_lock_pool).
 */
int32
round_pool_id_width(const Learner *l)
{
	return column_width(l->pool, l->id_att, l->owner, 0);
}

/*
 * The condition of the rows a round's query scores (quoted id column):
 * those of hash bucket `bucket` of `buckets` (a power of 2), drawn by
 * draw; NULL for every row.  Literals (a one-shot plan of
 * SPI_execute_extended has no parameter types); the fraction printed with
 * 17 digits, which round-trips.
 */
static char *
rows_condition(const char *id, const RoundDraw *draw, int bucket, int buckets)
{
	char	   *text = psprintf("p.%s::pg_catalog.text", id);
	char	   *bucket_cond = NULL;
	char	   *drawn;

	if (buckets > 1)
		bucket_cond = psprintf("(pg_catalog.hashtextextended(%s, 0) OPERATOR(pg_catalog.&) %d::pg_catalog.int8) "
							   "OPERATOR(pg_catalog.=) %d::pg_catalog.int8", text, buckets - 1, bucket);
	if (draw->fraction <= 0)
		return bucket_cond;
	drawn = round_drawn_sql(text, psprintf(INT64_FORMAT "::pg_catalog.int8", (int64) draw->seed),
							psprintf("'%.17g'::pg_catalog.float8", draw->fraction));
	return bucket_cond ? psprintf("%s AND %s", bucket_cond, drawn) : drawn;
}

/*
 * Score learner l's pool with model version model_id in one parallel-safe
 * query (as the owner, with the round's snapshot and the round's own
 * writes: a model stored in this round) and return the scored rows of the
 * items not in labeled, in no particular order, in a context of their own
 * (rows->cxt, a child of the current one).  Of `buckets` (a power of 2)
 * hash buckets of the ids' text, only the rows of bucket `bucket` are
 * scored (the others' features are not even detoasted), and of those only
 * the rows draw takes (option rescore_sample).  With value (the
 * model as round_model_value made it, of `members` members), the query
 * predicts with al._round_probs and the score is computed here (option
 * score_in).  With sink, each scored row goes to sink (with sink_arg)
 * instead, and the rows returned are none.
 */
ParallelRows *
round_parallel_rows(const Learner *l, int64 model_id, bytea *value, int members, ItemMap *labeled,
					const RoundDraw *draw, int bucket, int buckets, ParallelRowSink sink, void *sink_arg)
{
	RowReceiver r;
	SPIExecuteOptions opt;
	AlIdentity	save;
	const char *id = quote_identifier(l->id_column);
	char	   *sql;
	char	   *cond;
	int			ret,
				nest;
	MemoryContext old;

	memset(&r, 0, sizeof(r));
	r.pub.receiveSlot = receive_row;
	r.pub.rStartup = receive_startup;
	r.pub.rShutdown = receive_shutdown;
	r.pub.rDestroy = receive_destroy;
	r.pub.mydest = DestNone;
	r.l = l;
	r.labeled = labeled;
	r.draw = draw;
	r.sink = sink;
	r.sink_arg = sink_arg;
	r.cxt = AllocSetContextCreate(CurrentMemoryContext, "al_ext parallel round rows", ALLOCSET_DEFAULT_SIZES);
	r.members = value ? members : 0;
	r.p = (float *) palloc(sizeof(float) * l->k);
	r.mm = (float *) palloc(sizeof(float) * l->k * Max(members, 1));
	r.work = (double *) palloc(sizeof(double) * 4 * l->k);
	old = MemoryContextSwitchTo(r.cxt);
	r.rows = (ParallelRows *) palloc0(sizeof(ParallelRows));
	r.rows->cxt = r.cxt;
	r.rows->cap = 1024;
	r.rows->id = (char **) palloc(sizeof(char *) * r.rows->cap);
	r.rows->score = (double *) palloc(sizeof(double) * r.rows->cap);
	r.rows->p = (float **) palloc(sizeof(float *) * r.rows->cap);
	MemoryContextSwitchTo(old);
	/* literals, not parameters: a one-shot plan of SPI_execute_extended has no parameter types */
	if (value)
		sql = round_pool_predict_sql(l, "_round_probs", value);
	else
		sql = psprintf("SELECT p.%s::pg_catalog.text, al._round_row(" INT64_FORMAT "::pg_catalog.int8, "
					   "%s::pg_catalog.text, %s) FROM %s p",
					   id, model_id, quote_literal_cstr(l->strategy),
					   learner_features_sql(l, "p"), learner_pool_name(l));
	cond = rows_condition(id, draw, bucket, buckets);
	if (cond)
		sql = psprintf("%s WHERE %s", sql, cond);
	memset(&opt, 0, sizeof(opt));
	opt.read_only = true;
	opt.dest = (DestReceiver *) &r;
	/* the round's snapshot, seeing the round's own writes (the model it stored) */
	CommandCounterIncrement();
	PushCopiedSnapshot(GetActiveSnapshot());
	UpdateActiveSnapshotCommandId();
	/*
	 * The planner sizes a parallel scan by the table's main fork only;
	 * wide features live in TOAST, so a pool of 768-feature rows looks
	 * small.  The round's query is planned as if the pool were large
	 * enough for max_parallel_workers_per_gather workers (al._round_row's
	 * cost decides whether a Gather pays).
	 */
	nest = NewGUCNestLevel();
	(void) set_config_option("min_parallel_table_scan_size", "0", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	al_become(l->owner, &save);
	ret = SPI_execute_extended(sql, &opt);
	al_restore(&save);
	AtEOXact_GUC(true, nest);
	PopActiveSnapshot();
	/* (a SELECT into a receiver of its own answers SPI_OK_UTILITY) */
	if (ret < 0)
		elog(ERROR, "the parallel scoring of the pool of learner \"%s\" failed", l->name);
	return r.rows;
}
