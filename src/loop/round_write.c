/*
 * round_write.c - writing a block of a ranking's rows into al.scores with
 * table_multi_insert, as COPY FROM does, instead of an INSERT statement
 * through SPI: a round writes a row per unlabeled pool item, and the
 * statement (its arrays, their unnest, the executor's per-row work) was a
 * quarter of a round on 64-feature pools (bench/README.md, section
 * rounds).
 *
 * The rows are formed by column name: learner_id, item_id, model_version,
 * score, predicted, probs and hot; every other column of al.scores gets
 * its default (NULL without one), evaluated per row as INSERT would.  The
 * indexes are maintained (ExecInsertIndexTuples: the partial index
 * al.scores_order takes the hot rows only) and the table's constraints
 * checked.  The rows go into the learner's partition of al.scores
 * (scores_partition.c), which has no trigger and no foreign key; the
 * caller writes as the store owner would (al_ext's own table, no policy
 * on INSERT), so no privilege or row-level security check applies.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_relation.h"
#include "rewrite/rewriteHandler.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "round.h"
#include "scores_partition.h"

/* The columns the round fills, in the order of ScoresRow's fields. */
static const char *const filled_columns[] = {
	"learner_id", "item_id", "model_version", "score", "predicted", "probs", "hot"
};

#define N_FILLED lengthof(filled_columns)

/*
 * Insert n rows into al.scores: learner id, version and hot the same for
 * all, and per row its id (text), score (float8), predicted class (text)
 * and probabilities (al.probvec) as Datums.
 */
void
round_write_scores(int64 learner_id, int32 version, int n, Datum *items, Datum *scores,
				   Datum *predicted, Datum *probs, bool hot)
{
	Relation	rel;
	TupleDesc	desc;
	EState	   *estate;
	ResultRelInfo *rri;
	TupleTableSlot **slots;
	BulkInsertState bistate;
	CommandId	cid;
	int			filled[N_FILLED];
	ExprState **defaults;
	ExprContext *econtext;
	TupleDesc	slot_desc;

	if (n == 0)
		return;
	/* straight into the learner's partition (scores_partition.c): no tuple routing */
	rel = table_open(scores_partition(learner_id), RowExclusiveLock);
	desc = RelationGetDescr(rel);
	estate = CreateExecutorState();
	rri = makeNode(ResultRelInfo);
	InitResultRelInfo(rri, rel, 1, NULL, 0);
	ExecOpenIndices(rri, false);
	econtext = GetPerTupleExprContext(estate);
	for (int c = 0; c < (int) N_FILLED; c++)
	{
		filled[c] = attnameAttNum(rel, filled_columns[c], false);
		if (filled[c] == InvalidAttrNumber)
			elog(ERROR, "al.scores has no column \"%s\"", filled_columns[c]);
	}
	/* the other columns' defaults, as INSERT would give them */
	defaults = (ExprState **) palloc0(sizeof(ExprState *) * desc->natts);
	for (int a = 0; a < desc->natts; a++)
	{
		Node	   *expr;
		bool		mine = false;

		for (int c = 0; c < (int) N_FILLED; c++)
			mine |= filled[c] == a + 1;
		if (mine || TupleDescAttr(desc, a)->attisdropped || TupleDescAttr(desc, a)->attgenerated)
			continue;
		expr = build_column_default(rel, a + 1);
		if (expr != NULL)
			defaults[a] = ExecInitExpr(expression_planner((Expr *) expr), NULL);
	}
	/* an unpinned copy: thousands of slots pinning the relation's would each be a resource owner entry */
	slot_desc = CreateTupleDescCopy(desc);
	slots = (TupleTableSlot **) palloc(sizeof(TupleTableSlot *) * n);
	for (int r = 0; r < n; r++)
	{
		TupleTableSlot *slot = MakeSingleTupleTableSlot(slot_desc, table_slot_callbacks(rel));

		ExecClearTuple(slot);
		for (int a = 0; a < desc->natts; a++)
		{
			slot->tts_isnull[a] = true;
			if (defaults[a] != NULL)
				slot->tts_values[a] = ExecEvalExpr(defaults[a], econtext, &slot->tts_isnull[a]);
		}
		slot->tts_values[filled[0] - 1] = Int64GetDatum(learner_id);
		slot->tts_values[filled[1] - 1] = items[r];
		slot->tts_values[filled[2] - 1] = Int32GetDatum(version);
		slot->tts_values[filled[3] - 1] = scores[r];
		slot->tts_values[filled[4] - 1] = predicted[r];
		slot->tts_values[filled[5] - 1] = probs[r];
		slot->tts_values[filled[6] - 1] = BoolGetDatum(hot);
		for (int c = 0; c < (int) N_FILLED; c++)
			slot->tts_isnull[filled[c] - 1] = false;
		ExecStoreVirtualTuple(slot);
		if (rel->rd_att->constr)
			ExecConstraints(rri, slot, estate);
		slots[r] = slot;
	}
	cid = GetCurrentCommandId(true);
	bistate = GetBulkInsertState();
	table_multi_insert(rel, slots, n, cid, 0, bistate);
	for (int r = 0; r < n; r++)
	{
		if (rri->ri_NumIndices > 0)
		{
			ResetPerTupleExprContext(estate);
			econtext->ecxt_scantuple = slots[r];
			list_free(ExecInsertIndexTuples(rri, slots[r], estate, false, false, NULL, NIL));
		}
		ExecDropSingleTupleTableSlot(slots[r]);
	}
	FreeBulkInsertState(bistate);
	/* the round's next statements (ranks, hot rows) see these rows */
	CommandCounterIncrement();
	ExecCloseIndices(rri);
	FreeExecutorState(estate);
	table_close(rel, NoLock);
	pfree(slots);
	pfree(defaults);
	FreeTupleDesc(slot_desc);
}
