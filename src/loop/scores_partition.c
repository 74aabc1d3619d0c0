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
 * al.next_batch meanwhile.  So al.drop_learner drops it only when that
 * lock is free at once; otherwise it deletes the learner's rows and leaves
 * the empty partition, and a later al.drop_learner that gets the lock
 * drops it with its own (the partitions whose learner is gone).
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"

#include "identity.h"
#include "learner_api.h"
#include "scores_partition.h"

/* The name of learner id's partition, in schema al. */
static char *
partition_name(int64 learner_id)
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
	char	   *name = partition_name(learner_id);
	const char *q = quote_identifier(name);
	Oid			relid = get_relname_relid(name, nsp);
	ObjectAddress part,
				ext;

	if (OidIsValid(relid))
		return relid;
	/* one creator at a time (the lock conflicts with itself, not with reads and writes of rows) */
	LockRelationOid(scores_parent(), ShareUpdateExclusiveLock);
	relid = get_relname_relid(name, nsp);
	if (OidIsValid(relid))
		return relid;
	learner_store_exec(psprintf("CREATE TABLE al.%s (LIKE al.scores INCLUDING DEFAULTS INCLUDING CONSTRAINTS)", q),
					   0, NULL, NULL, false, 0);
	learner_store_exec(psprintf("REVOKE ALL ON al.%s FROM PUBLIC", q), 0, NULL, NULL, false, 0);
	learner_store_exec(psprintf("ALTER TABLE al.%s ENABLE ROW LEVEL SECURITY", q), 0, NULL, NULL, false, 0);
	/* the partial index al.scores_order comes with the attachment */
	learner_store_exec(psprintf("ALTER TABLE al.scores ATTACH PARTITION al.%s FOR VALUES IN (" INT64_FORMAT ")",
								q, learner_id), 0, NULL, NULL, false, 0);
	relid = get_relname_relid(name, nsp);
	if (!OidIsValid(relid))
		elog(ERROR, "partition al.%s of al.scores was not created", q);
	ObjectAddressSet(part, RelationRelationId, relid);
	ObjectAddressSet(ext, ExtensionRelationId, get_extension_oid("al_ext", false));
	recordDependencyOn(&part, &ext, DEPENDENCY_EXTENSION);
	CommandCounterIncrement();
	return relid;
}

/*
 * Drop learner_id's partition of al.scores, and those whose learner is
 * gone, if al.scores can be locked at once; false (nothing done) if not.
 * The caller holds the learner's row lock and is connected to SPI.
 */
bool
scores_partition_drop(int64 learner_id)
{
	Oid			types[2] = {OIDOID, TEXTOID};
	Datum		args[2];
	int			n;
	Oid		   *oids;
	char	  **names;
	SPIPlanPtr	plan;
	AlIdentity	save;
	int			ret;

	args[0] = ObjectIdGetDatum(scores_parent());
	if (!ConditionalLockRelationOid(DatumGetObjectId(args[0]), AccessExclusiveLock))
		return false;
	args[1] = CStringGetTextDatum(partition_name(learner_id));
	/*
	 * Read with the latest snapshot, whatever the isolation level: a
	 * learner whose creator committed after this statement began has a
	 * partition and must be seen.  Under the lock no creator is in
	 * progress (attaching holds a conflicting lock until commit), and no
	 * drop of a learner either (it wrote al.scores or holds this lock).
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
	oids = (Oid *) palloc(sizeof(Oid) * Max(n, 1));
	names = (char **) palloc(sizeof(char *) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		bool		isnull;

		oids[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
		names[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
	}
	SPI_freetuptable(SPI_tuptable);
	SPI_freeplan(plan);
	for (int i = 0; i < n; i++)
	{
		/* no longer a member of the extension, so that it may be dropped alone */
		deleteDependencyRecordsForClass(RelationRelationId, oids[i], ExtensionRelationId, DEPENDENCY_EXTENSION);
		CommandCounterIncrement();
		learner_store_exec(psprintf("DROP TABLE al.%s", quote_identifier(names[i])), 0, NULL, NULL, false, 0);
	}
	return true;
}
