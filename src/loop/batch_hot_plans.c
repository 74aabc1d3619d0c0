/*
 * batch_hot_plans.c - the kept plans of al.next_batch's reads of a
 * learner's hot rows.
 *
 * The reads go to the learner's own partition of al.scores (al.scores_<id>)
 * rather than the partitioned parent: a kept plan of the parent would keep,
 * and lock, every learner's partition, so that read was parsed and planned
 * for every batch (some 15% of a batch's CPU).  A plan of the partition is
 * prepared once per backend and kept (SPI_keepplan); PostgreSQL's plan cache
 * plans it again when the partition, al.leases or al.labels change, and by
 * name, so a partition dropped and made again is found.  The plans are
 * kept for the last HOT_PLAN_LEARNERS learners a backend handed out from,
 * and freed when their learner's slot is taken.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "batch.h"
#include "scores_partition.h"

/* Learners whose plans a backend keeps (the slots are taken in turn). */
#define HOT_PLAN_LEARNERS 16

typedef struct HotPlans
{
	int64		learner_id;		/* 0: free */
	SPIPlanPtr	plan[HOT_READS];
} HotPlans;

static HotPlans hot_plans[HOT_PLAN_LEARNERS];
static int	hot_plans_next = 0;

/* The slot of learner_id, taken (its old plans freed) if it has none. */
static HotPlans *
hot_plans_slot(int64 learner_id)
{
	HotPlans   *slot;

	for (int i = 0; i < HOT_PLAN_LEARNERS; i++)
		if (hot_plans[i].learner_id == learner_id)
			return &hot_plans[i];
	slot = &hot_plans[hot_plans_next];
	hot_plans_next = (hot_plans_next + 1) % HOT_PLAN_LEARNERS;
	for (int r = 0; r < HOT_READS; r++)
		if (slot->plan[r] != NULL)
			SPI_freeplan(slot->plan[r]);
	memset(slot, 0, sizeof(HotPlans));
	slot->learner_id = learner_id;
	return slot;
}

/*
 * The kept plan of read (whose conditions and order, after "WHERE
 * s.learner_id = $1 ", are cond; nargs arguments of types) for learner_id's
 * partition, prepared for a cursor's first rows; NULL if the learner has no
 * partition.  cond must be the same text for the same read.  The caller is
 * connected to SPI, as the store owner.
 */
SPIPlanPtr
batch_hot_plan(int64 learner_id, HotRead read, const char *cond, int nargs, Oid *types)
{
	char	   *name = scores_partition_name(learner_id);
	HotPlans   *slot;
	SPIPlanPtr	plan;

	if (!OidIsValid(get_relname_relid(name, get_namespace_oid("al", false))))
		return NULL;
	slot = hot_plans_slot(learner_id);
	if (slot->plan[read] != NULL)
		return slot->plan[read];
	plan = SPI_prepare_cursor(psprintf(RANKED_ROWS_FROM "%s", quote_identifier(name), cond),
							  nargs, types, CURSOR_OPT_FAST_PLAN);
	if (plan == NULL || SPI_keepplan(plan) != 0)
		elog(ERROR, "could not prepare the read of the ranking of learner " INT64_FORMAT, learner_id);
	slot->plan[read] = plan;
	return plan;
}
