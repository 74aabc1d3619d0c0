/*
 * scores_partition.c - each learner's ranking in a partition of its own.
 *
 * al.scores is partitioned by list on learner_id (50_loop.sql), one
 * partition al.scores_<id> per learner, so that the statements of a round
 * that name a learner (the DELETE of its ranking, the rank and hot
 * UPDATEs, al.next_batch's read) are pruned to that learner's rows: their
 * time no longer grows with the other learners' rankings (doc/loop.md
 * "One partition per learner").
 *
 * A partition is created by al.create_learner and, when missing (a learner
 * of a restored dump: the partitions, like al.scores' rows, are not
 * dumped), by the learner's next round.  It is created as a table and then
 * attached, which locks al.scores in SHARE UPDATE EXCLUSIVE mode (CREATE
 * TABLE ... PARTITION OF would take ACCESS EXCLUSIVE and wait for every
 * running round), and made a member of the extension, as al.scores is:
 * pg_dump leaves it out, DROP EXTENSION drops it.  It has no grant (the
 * store owner owns it) and row-level security on without a policy, so only
 * the owner reads it directly; everyone else reads through al.scores and
 * its policy.
 *
 * Dropping a partition locks al.scores in ACCESS EXCLUSIVE mode, which
 * would wait for every other learner's round and hold up every
 * al.next_batch meanwhile, and holds it until commit: dropped by
 * al.drop_learner itself, a caller that went on in its transaction (BEGIN,
 * pg_sleep in the same statement, a DO block) would stall every learner of
 * the database for as long as it liked.  So al.drop_learner only notes the
 * partitions to drop (its learner's and those whose learner is gone) and
 * they are dropped at the transaction's pre-commit, after the last user
 * statement, and only when that lock is free: asked without queueing for
 * it (a queued request would hold up every reader behind it), again every
 * 10 ms for at most PRECOMMIT_LOCK_WAIT_MS (a statement that has just
 * ended elsewhere, an autoanalyze of the partition, release it within
 * milliseconds; a round that waited for the learner's row may still be
 * releasing its locks when the drop goes on).  Otherwise (or when the
 * transaction is prepared) they stay, and a later al.drop_learner drops
 * them; al.drop_learner deletes its learner's rows when the lock is busy
 * as it is called.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/wait_event.h"

#include "identity.h"
#include "learner_api.h"
#include "scores_partition.h"

/* The name of learner id's partition, in schema al. */
char *
scores_partition_name(int64 learner_id)
{
	return psprintf("scores_" INT64_FORMAT, learner_id);
}

/* The oid of al.scores. */
static Oid
scores_parent(void)
{
	Oid			relid = get_relname_relid("scores", get_namespace_oid("al", false));

	if (!OidIsValid(relid))
		elog(ERROR, "al_ext's table al.scores is missing");
	return relid;
}

/*
 * The oid of learner_id's partition of al.scores, created (as the store
 * owner) when it does not exist yet.  The caller is connected to SPI.
 */
Oid
scores_partition(int64 learner_id)
{
	Oid			nsp = get_namespace_oid("al", false);
	char	   *name = scores_partition_name(learner_id);
	const char *q = quote_identifier(name);
	Oid			relid = get_relname_relid(name, nsp);
	ObjectAddress part,
				ext;
	int			nest;

	if (OidIsValid(relid))
		return relid;
	/* one creator at a time (the lock conflicts with itself, not with reads and writes of rows) */
	LockRelationOid(scores_parent(), ShareUpdateExclusiveLock);
	relid = get_relname_relid(name, nsp);
	if (OidIsValid(relid))
		return relid;
	/*
	 * Where and how the store owner makes it is not the caller's to say:
	 * the caller's default_tablespace would put it in a tablespace the
	 * caller may not use, its default_table_access_method make it of
	 * another access method.  The database's default tablespace, heap.
	 */
	nest = NewGUCNestLevel();
	(void) set_config_option("default_tablespace", "", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("default_table_access_method", "heap", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
	learner_store_exec(psprintf("CREATE TABLE al.%s (LIKE al.scores INCLUDING DEFAULTS INCLUDING CONSTRAINTS)", q),
					   0, NULL, NULL, false, 0);
	learner_store_exec(psprintf("REVOKE ALL ON al.%s FROM PUBLIC", q), 0, NULL, NULL, false, 0);
	learner_store_exec(psprintf("ALTER TABLE al.%s ENABLE ROW LEVEL SECURITY", q), 0, NULL, NULL, false, 0);
	/* the partial index al.scores_order comes with the attachment */
	learner_store_exec(psprintf("ALTER TABLE al.scores ATTACH PARTITION al.%s FOR VALUES IN (" INT64_FORMAT ")",
								q, learner_id), 0, NULL, NULL, false, 0);
	AtEOXact_GUC(true, nest);
	relid = get_relname_relid(name, nsp);
	if (!OidIsValid(relid))
		elog(ERROR, "partition al.%s of al.scores was not created", q);
	ObjectAddressSet(part, RelationRelationId, relid);
	ObjectAddressSet(ext, ExtensionRelationId, get_extension_oid("al_ext", false));
	recordDependencyOn(&part, &ext, DEPENDENCY_EXTENSION);
	CommandCounterIncrement();
	return relid;
}

/* A partition to drop at pre-commit, noted in (sub)transaction subid. */
typedef struct PartitionToDrop
{
	Oid			relid;
	NameData	name;
	SubTransactionId subid;
} PartitionToDrop;

/* The partitions this transaction drops at pre-commit (TopTransactionContext). */
static List *partitions_to_drop = NIL;

/* How long pre-commit asks again for a busy lock of al.scores or a partition. */
#define PRECOMMIT_LOCK_WAIT_MS 1000

/*
 * Lock relid ACCESS EXCLUSIVE without queueing for it: asked again every
 * 10 ms for at most PRECOMMIT_LOCK_WAIT_MS; false if still busy.  The waits
 * can be cancelled (pg_cancel_backend; PostgreSQL stops statement_timeout
 * before the commit runs): the COMMIT then fails and the transaction rolls
 * back, the learner not dropped.
 */
static bool
lock_without_queueing(Oid relid)
{
	for (int waited = 0;; waited += 10)
	{
		if (ConditionalLockRelationOid(relid, AccessExclusiveLock))
			return true;
		if (waited >= PRECOMMIT_LOCK_WAIT_MS)
			return false;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 10, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Drop the partitions noted, if al.scores can be locked (without queueing,
 * lock_without_queueing): the lock is then held only from here to the
 * commit, when no user code runs.  Each is checked again (still al.<its
 * name>, a partition; another transaction may have dropped it) and
 * skipped if its own lock stays busy.
 */
static void
drop_noted_partitions(void)
{
	Oid			nsp = get_namespace_oid("al", true);
	Oid			parent = OidIsValid(nsp) ? get_relname_relid("scores", nsp) : InvalidOid;
	ListCell   *lc;

	if (!OidIsValid(parent) || !lock_without_queueing(parent))
		return;
	foreach(lc, partitions_to_drop)
	{
		PartitionToDrop *d = (PartitionToDrop *) lfirst(lc);
		HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(d->relid));
		bool		same;
		ObjectAddress obj;

		if (!HeapTupleIsValid(tup))
			continue;
		same = ((Form_pg_class) GETSTRUCT(tup))->relnamespace == nsp &&
			((Form_pg_class) GETSTRUCT(tup))->relispartition &&
			namestrcmp(&((Form_pg_class) GETSTRUCT(tup))->relname, NameStr(d->name)) == 0;
		ReleaseSysCache(tup);
		if (!same || !lock_without_queueing(d->relid))
			continue;
		/* no longer a member of the extension, so that it may be dropped alone */
		deleteDependencyRecordsForClass(RelationRelationId, d->relid, ExtensionRelationId, DEPENDENCY_EXTENSION);
		CommandCounterIncrement();
		ObjectAddressSet(obj, RelationRelationId, d->relid);
		performDeletion(&obj, DROP_RESTRICT, PERFORM_DELETION_INTERNAL);
		CommandCounterIncrement();
	}
}

/* Drop the noted partitions at pre-commit; forget them at the end of the transaction. */
static void
partition_xact_callback(XactEvent event, void *arg)
{
	if (partitions_to_drop == NIL)
		return;
	if (event == XACT_EVENT_PRE_COMMIT)
		drop_noted_partitions();
	/* a prepared transaction would hold the lock until COMMIT PREPARED: none dropped */
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT || event == XACT_EVENT_PREPARE ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT)
		partitions_to_drop = NIL;
}

/*
 * A subtransaction rolled back: its notes go (its learner is not dropped);
 * one committed: its notes are its parent's.
 */
static void
partition_subxact_callback(SubXactEvent event, SubTransactionId mySubid, SubTransactionId parentSubid,
						   void *arg)
{
	ListCell   *lc;

	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		foreach(lc, partitions_to_drop)
			if (((PartitionToDrop *) lfirst(lc))->subid == mySubid)
				partitions_to_drop = foreach_delete_current(partitions_to_drop, lc);
	}
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		foreach(lc, partitions_to_drop)
			if (((PartitionToDrop *) lfirst(lc))->subid == mySubid)
				((PartitionToDrop *) lfirst(lc))->subid = parentSubid;
	}
}

/* Note partition relid, named name, to be dropped at pre-commit. */
static void
note_partition_drop(Oid relid, const char *name)
{
	static bool registered = false;
	MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
	PartitionToDrop *d = (PartitionToDrop *) palloc0(sizeof(PartitionToDrop));

	if (!registered)
	{
		RegisterXactCallback(partition_xact_callback, NULL);
		RegisterSubXactCallback(partition_subxact_callback, NULL);
		registered = true;
	}
	d->relid = relid;
	namestrcpy(&d->name, name);
	d->subid = GetCurrentSubTransactionId();
	partitions_to_drop = lappend(partitions_to_drop, d);
	MemoryContextSwitchTo(old);
}

/*
 * Note learner_id's partition of al.scores, and those whose learner is
 * gone, to be dropped at pre-commit (see the head of this file); false if
 * al.scores cannot be locked at once now (the caller then deletes the
 * learner's rows).  The caller holds the learner's row lock and is
 * connected to SPI.
 */
bool
scores_partition_drop(int64 learner_id)
{
	Oid			types[2] = {OIDOID, TEXTOID};
	Datum		args[2];
	int			n;
	SPIPlanPtr	plan;
	AlIdentity	save;
	int			ret;
	LOCKTAG		tag;
	int			holders;
	bool		free_now;

	args[0] = ObjectIdGetDatum(scores_parent());
	/*
	 * Whether the lock is free now, asked without taking it: it is taken
	 * at pre-commit, not here (taken and released, it would still be held
	 * on a hot standby until this transaction ends: an ACCESS EXCLUSIVE
	 * lock is WAL-logged when taken, released there at commit).
	 */
	SET_LOCKTAG_RELATION(tag, MyDatabaseId, DatumGetObjectId(args[0]));
	(void) GetLockConflicts(&tag, AccessExclusiveLock, &holders);
	free_now = holders == 0;
	args[1] = CStringGetTextDatum(scores_partition_name(learner_id));
	/*
	 * Read with the latest snapshot, whatever the isolation level: a
	 * learner and its partition are committed together (al.create_learner),
	 * so a partition seen here whose learner is not is one whose learner is
	 * gone; a learner a concurrent drop has not committed is still seen.
	 */
	al_become_store_owner(&save);
	plan = SPI_prepare("SELECT c.oid, c.relname::pg_catalog.text FROM pg_catalog.pg_inherits i "
					   "JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid "
					   "WHERE i.inhparent = $1 AND (c.relname = $2 OR NOT EXISTS ("
					   "  SELECT 1 FROM al.learner_store l WHERE l.id = CASE "
					   "    WHEN c.relname OPERATOR(pg_catalog.~) '^scores_[0-9]{1,18}$' "
					   "    THEN pg_catalog.substr(c.relname, 8)::pg_catalog.int8 END))",
					   2, types);
	ret = plan ? SPI_execute_snapshot(plan, args, NULL, GetLatestSnapshot(), InvalidSnapshot, true, false, 0) : -1;
	al_restore(&save);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read the partitions of al.scores (%d)", ret);
	n = (int) SPI_processed;
	for (int i = 0; i < n; i++)
	{
		bool		isnull;

		note_partition_drop(DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull)),
							SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2));
	}
	SPI_freetuptable(SPI_tuptable);
	SPI_freeplan(plan);
	return free_now;
}
