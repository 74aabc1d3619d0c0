/*
 * cold_start.c - the option cold_start: which items al.next_batch hands out
 * before a learner's first model.
 *
 *   random   a seeded random sample of the pool (batch.c; the default);
 *   kcenter  greedy k-center over the features (the kernel of
 *            src/core/select_kcenter.c): of up to `candidates` unlabeled,
 *            unleased rows (a seeded sample: the first by
 *            hashtextextended(id::text, seed), then id), each pick is the
 *            row farthest from the labeled and leased items and the picks
 *            before it; with none of those, the first pick is the row
 *            nearest the candidates' centroid;
 *   query    the ids of the owner's query (option cold_start_query), in its
 *            order, that are pool items neither labeled nor leased; then,
 *            when they run out, the random sample.
 *
 * Everything reads as the learner's owner (al_become: a security-restricted
 * operation, search_path pinned), so an annotator calling al.next_batch
 * runs the owner's query with the owner's rights, never more; the query
 * runs read-only (a data-modifying statement is refused) and must be one
 * SELECT returning one column of the pool's id type.  See doc/loop.md,
 * "Cold start".
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

#include "al_ext.h"
#include "identity.h"
#include "learner_api.h"
#include "round.h"
#include "select_glue.h"

/*
 * The items of learner l not open to annotator (batch.c: labeled or held
 * by it, adjudicated, or with overlap labels and live leases together), in
 * its evaluation sample (handed out only at eval_rate, by batch.c), or
 * among chosen[0..n) (a batch's picks so far), as text[], read as the
 * store owner with a fresh snapshot.  For the cold start and batch.c's
 * random sample: neither hands out an evaluation item, and k-center counts
 * these items as centers already.
 */
Datum
learner_taken_items(const Learner *l, const char *annotator, char **chosen, int n)
{
	static const char *sql =
		"SELECT coalesce(pg_catalog.array_agg(item_id), '{}') FROM ("
		"  SELECT item_id FROM ("
		"    SELECT item_id, annotator, adjudicated FROM al.labels WHERE learner_id = $1 "
		"    UNION ALL SELECT item_id, annotator, false FROM al.leases "
		"    WHERE learner_id = $1 AND expires_at > pg_catalog.now()) t "
		"  GROUP BY item_id "
		"  HAVING pg_catalog.bool_or(annotator = $3 OR adjudicated) OR pg_catalog.count(*) >= $4 "
		"  UNION SELECT pg_catalog.unnest(eval_items) FROM al.learner_store WHERE id = $1 "
		"  UNION SELECT pg_catalog.unnest($2::pg_catalog.text[])) u";
	Oid			types[4] = {INT8OID, TEXTARRAYOID, TEXTOID, INT4OID};
	Datum		args[4];
	bool		isnull;

	args[0] = Int64GetDatum(l->id);
	args[1] = learner_text_array(chosen, n);
	args[2] = CStringGetTextDatum(annotator);
	args[3] = Int32GetDatum(l->options.overlap);
	learner_store_exec(sql, 4, types, args, false, 0);
	return SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull),
							 false, -1);
}

/*
 * ERROR unless sql is one SELECT (a syntax error: 42601 from the parser;
 * several statements or another kind: 42601).
 */
static void
check_one_select(const Learner *l, const char *sql)
{
	List	   *stmts = raw_parser(sql, RAW_PARSE_DEFAULT);

	SelectStmt *select;
	ListCell   *lc;

	if (list_length(stmts) != 1 || !IsA(((RawStmt *) linitial(stmts))->stmt, SelectStmt))
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("option \"cold_start_query\" of learner \"%s\" must be one SELECT statement", l->name)));
	/* (the read-only execution refuses deeper ones, with a less clear message) */
	select = (SelectStmt *) ((RawStmt *) linitial(stmts))->stmt;
	foreach(lc, select->withClause ? select->withClause->ctes : NIL)
		if (!IsA(((CommonTableExpr *) lfirst(lc))->ctequery, SelectStmt))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("option \"cold_start_query\" of learner \"%s\" must not modify data", l->name)));
}

/*
 * Run the cold-start query as the owner, read-only, keeping at most limit
 * rows (0: all); ERROR unless it returns one column of the pool's id type
 * (42804).  The rows stay in SPI_tuptable.  Read-only holds for the
 * functions it calls too (transaction_read_only, undone by al_restore): a
 * volatile function may not write (25006), nor call al.next_batch of this
 * learner, which would lease the items this batch hands out again.
 */
static void
run_query(const Learner *l, long limit)
{
	AlIdentity	save;
	int			ret;
	Oid			type;

	check_one_select(l, l->options.cold_start_query);
	al_become(l->owner, &save);
	(void) set_config_option("transaction_read_only", "on", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	ret = SPI_execute(l->options.cold_start_query, true, limit);
	al_restore(&save);
	if (ret != SPI_OK_SELECT)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("option \"cold_start_query\" of learner \"%s\" must be one SELECT statement", l->name)));
	type = SPI_gettypeid(SPI_tuptable->tupdesc, 1);
	if (SPI_tuptable->tupdesc->natts != 1 || type != l->id_type)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("option \"cold_start_query\" of learner \"%s\" must return one column of type %s, the type of the pool's ids, not %d column%s%s%s",
						l->name, format_type_be(l->id_type), SPI_tuptable->tupdesc->natts,
						SPI_tuptable->tupdesc->natts == 1 ? " of type " : "s",
						SPI_tuptable->tupdesc->natts == 1 ? format_type_be(type) : "", ""),
				 errhint("Select the id column of the pool, e.g. SELECT id FROM pool WHERE ...")));
}

/*
 * ERROR unless learner l's cold start can run: with cold_start "query",
 * its query parses as one SELECT and, run now as the owner, returns one
 * column of the id type.  The pool is locked.  For al.create_learner and
 * al.alter_learner.
 */
void
learner_check_cold_start(const Learner *l)
{
	if (l->options.cold_start == COLD_START_QUERY)
		run_query(l, 1);
}

/*
 * The ids of the query that are pool items, not taken, each once, in the
 * query's order: at most k into items.  Returns how many.
 */
static int
query_candidates(const Learner *l, int k, Datum taken, char **items)
{
	ItemMap    *seen = item_map_create("al_ext cold start items", k);
	Datum	   *ids;
	Oid			types[2] = {get_array_type(l->id_type), TEXTARRAYOID};
	Datum		args[2];
	const char *id = quote_identifier(l->id_column);
	int			n = 0,
				n_ids = 0;
	uint64		r,
				got;

	/* all its rows: ids that are no pool items may come first */
	run_query(l, 0);
	got = SPI_processed;
	ids = (Datum *) palloc(sizeof(Datum) * Max(got, 1));
	for (r = 0; r < got; r++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)			/* a NULL id is no item */
			ids[n_ids++] = SPI_datumTransfer(d, get_typbyval(l->id_type), get_typlen(l->id_type));
	}
	/* in the query's order (o), those in the pool and not taken */
	{
		int16		typlen;
		bool		typbyval;
		char		typalign;

		get_typlenbyvalalign(l->id_type, &typlen, &typbyval, &typalign);
		args[0] = PointerGetDatum(construct_array(ids, n_ids, l->id_type, typlen, typbyval, typalign));
	}
	args[1] = taken;
	round_pool_query(l, psprintf("SELECT q.i::pg_catalog.text FROM pg_catalog.unnest($1) WITH ORDINALITY q(i, o) "
								 "WHERE EXISTS (SELECT 1 FROM %s p WHERE p.%s OPERATOR(pg_catalog.=) q.i) "
								 "AND NOT (q.i::pg_catalog.text OPERATOR(pg_catalog.=) ANY ($2)) ORDER BY q.o",
								 learner_pool_name(l), id),
					 2, types, args);
	for (r = 0; r < SPI_processed && n < k; r++)
	{
		char	   *item = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);

		if (item_map_add(seen, item, n))
			items[n++] = item;
	}
	return n;
}

/* What k-center reads: the candidates' and the centers' features. */
typedef struct KCenterRows
{
	char	  **ids;
	float	   *x;				/* m x d */
	int			m;
	float	   *xl;				/* l x d: labeled and leased items */
	int			l;
	int			d;
} KCenterRows;

/*
 * Read the candidates (up to the option candidates, seeded) and the taken
 * items' rows with usable features of the first usable row's length.
 */
static void
kcenter_rows(const Learner *l, Datum taken, KCenterRows *kr)
{
	const char *id = quote_identifier(l->id_column);
	Oid			types[2] = {TEXTARRAYOID, INT4OID};
	Datum		args[2] = {taken, Int32GetDatum(l->options.candidates > 0 ? l->options.candidates : INT_MAX)};
	float	   *row = NULL;
	uint64		r;

	round_pool_query(l, psprintf("(SELECT %s::pg_catalog.text, %s, false FROM %s p WHERE p.%s IS NOT NULL "
								 "AND NOT (p.%s::pg_catalog.text OPERATOR(pg_catalog.=) ANY ($1)) "
								 "ORDER BY pg_catalog.hashtextextended(p.%s::pg_catalog.text, %d), p.%s LIMIT $2) "
								 "UNION ALL (SELECT p.%s::pg_catalog.text, %s, true FROM %s p "
								 "WHERE p.%s::pg_catalog.text OPERATOR(pg_catalog.=) ANY ($1))",
								 id, learner_features_sql(l, "p"), learner_pool_name(l), id, id, id,
								 l->options.seed, id, id, learner_features_sql(l, "p"), learner_pool_name(l), id),
					 2, types, args);
	kr->m = kr->l = kr->d = 0;
	kr->x = kr->xl = NULL;
	kr->ids = (char **) palloc_extended(sizeof(char *) * Max(SPI_processed, 1), MCXT_ALLOC_HUGE);
	for (r = 0; r < SPI_processed; r++)
	{
		bool		isnull,
					center;
		Datum		f = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);

		if (pool_read_features(f, isnull, -1, NULL) != FEATURES_OK)
			continue;
		if (kr->d == 0)
		{
			kr->d = (int) ArrayGetNItems(1, ARR_DIMS(DatumGetArrayTypeP(f)));
			kr->x = (float *) palloc_extended(sizeof(float) * Max(SPI_processed, 1) * kr->d, MCXT_ALLOC_HUGE);
			kr->xl = (float *) palloc_extended(sizeof(float) * Max(SPI_processed, 1) * kr->d, MCXT_ALLOC_HUGE);
		}
		center = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 3, &isnull));
		row = center ? kr->xl + (Size) kr->l * kr->d : kr->x + (Size) kr->m * kr->d;
		if (pool_read_features(f, false, kr->d, row) != FEATURES_OK)
			continue;
		if (center)
			kr->l++;
		else
			kr->ids[kr->m++] = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
	}
}

/* Greedy k-center picks of up to k candidates into items; returns how many. */
static int
kcenter_candidates(const Learner *l, int k, Datum taken, char **items)
{
	KCenterRows kr;
	al_sel_pool pool = {0};
	al_sel_where where = {-1, -1, 0};
	al_sel_status st;
	int		   *order;
	int			npick,
				i;

	kcenter_rows(l, taken, &kr);
	npick = Min(k, kr.m);
	if (npick == 0)
		return 0;
	pool.x = kr.x;
	pool.m = kr.m;
	pool.d = kr.d;
	pool.xl = kr.l > 0 ? kr.xl : NULL;
	pool.l = kr.l;
	pool.tick = sel_tick_interrupts;
	al_blas_ensure();
	order = (int *) palloc(sizeof(int) * npick);
	st = al_sel_kcenter(&pool, npick, order, sel_alloc_work(al_sel_kcenter_work(&pool)), &where);
	if (st == AL_SEL_X_TOO_LARGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("features of %s are too large for the k-center cold start of learner \"%s\"",
						where.labeled ? "a labeled or leased item" : psprintf("item \"%s\"", kr.ids[where.row]),
						l->name),
				 errdetail("The sum of their squares exceeds %g.", AL_SEL_MAX_SQNORM),
				 errhint("Scale the features down.")));
	if (st != AL_SEL_OK)
		elog(ERROR, "cold start of learner \"%s\" failed: %s", l->name, al_sel_status_message(st));
	for (i = 0; i < npick; i++)
		items[i] = kr.ids[order[i]];
	return npick;
}

/*
 * The first items of a cold-start batch of learner l (no model yet) by its
 * option cold_start, at most k, into items, among the items open to
 * annotator: none for random (batch.c
 * samples), the k-center picks, or the query's ids.  Returns how many;
 * batch.c fills the rest of the batch with the random sample.
 */
int
cold_start_candidates(const Learner *l, const char *annotator, int k, char **items)
{
	if (l->options.cold_start == COLD_START_RANDOM)
		return 0;
	if (l->options.cold_start == COLD_START_KCENTER)
		return kcenter_candidates(l, k, learner_taken_items(l, annotator, NULL, 0), items);
	return query_candidates(l, k, learner_taken_items(l, annotator, NULL, 0), items);
}
