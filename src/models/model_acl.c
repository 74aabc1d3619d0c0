/*
 * model_acl.c - who may use a model, and who may add versions to it or
 * drop it.
 *
 * A standalone model (al.train_model) is owned through a handle
 * (src/handle.c): al.model_store.handle names a view in schema al whose
 * owner owns the model.  Its owner (and members of the owner) train new
 * versions and drop it; the SELECT privilege on the handle lets a role use
 * it.  A learner's model (al.model_store.learner_id) belongs to the
 * learner: whoever may view the learner may use it, only the learner's
 * rounds add versions, and it goes with the learner.  See doc/security.md
 * and doc/models.md.
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/snapmgr.h"

#include "handle.h"
#include "model.h"

PG_FUNCTION_INFO_V1(al_model_usable);

/* The learner handle model_learner_usable last read, valid for one snapshot. */
static struct
{
	int64		learner_id;
	SnapshotMark seen;
	Oid			handle;
}			learner_memo;

/*
 * Has the current role the view right on a learner (so it may use the
 * learner's models)?  The learner's handle is read from al.learner_store
 * under the active snapshot and remembered for the snapshot, so a
 * prediction over many rows reads the learner once.
 */
bool
model_learner_usable(int64 learner_id)
{
	SnapshotMark now;

	model_snapshot_mark(&now);
	if (learner_memo.learner_id != learner_id || !model_same_snapshot(&learner_memo.seen, &now))
	{
		SPI_connect();
		learner_memo.handle = model_store_learner_handle(learner_id);
		SPI_finish();
		learner_memo.learner_id = learner_id;
		learner_memo.seen = now;
	}
	return OidIsValid(learner_memo.handle) &&
		al_handle_viewable(learner_memo.handle, ACL_SELECT | ACL_INSERT | ACL_UPDATE);
}

/*
 * May the current role use the standalone model of this handle: has it the
 * privileges of the handle's owner, or SELECT on the handle?  False for a
 * handle dropped since the snapshot that found the model.
 */
static bool
handle_usable(Oid handle)
{
	return al_handle_viewable(handle, ACL_SELECT);
}

/* May the current role use a model owned through handle, or by learner_id? */
bool
model_usable(Oid handle, int64 learner_id)
{
	if (OidIsValid(handle))
		return handle_usable(handle);
	return learner_id != 0 && model_learner_usable(learner_id);
}

/* ERROR unless the current role may use the model (predict, coefficients). */
void
model_check_use(const AlModel *model)
{
	if (model_usable(model->handle, model->learner_id))
		return;
	if (model->learner_id != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for model \"%s\"", model->name),
				 errdetail("Using a learner's model needs the view right on the learner.")));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for model \"%s\"", model->name),
			 errdetail("Using a model needs the privileges of its owner or the SELECT privilege on its handle.")));
}

/*
 * al.model_usable(handle regclass, learner_id bigint) -> boolean: the
 * filter of al.models (the same rule as model_check_use).
 */
Datum
al_model_usable(PG_FUNCTION_ARGS)
{
	Oid			handle = PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0);
	int64		learner_id = PG_ARGISNULL(1) ? 0 : PG_GETARG_INT64(1);

	PG_RETURN_BOOL(model_usable(handle, learner_id));
}

/*
 * ERROR unless the current role may add versions to, or drop, the model
 * name owned as o says: the privileges of the handle's owner (superusers
 * have them).  A learner's models are its rounds' only.  A handle that is
 * gone while its rows stayed (dropped while al_ext's event trigger was
 * disabled) leaves the model to superusers.
 */
void
model_check_owner(const char *name, const ModelOwnership *o)
{
	if (o->learner_id != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("model \"%s\" belongs to a learner", name),
				 errhint("A learner's models are trained by its rounds and dropped with it (al.drop_learner).")));
	if (OidIsValid(o->handle) &&
		!(al_handle_exists(o->handle) ? al_handle_owned_by_me(o->handle) : superuser()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of model \"%s\"", name)));
}

/*
 * Refuse a role that may not change name before any lock or long work, as
 * the active snapshot sees the name (model_lock_for_writing checks again).
 * SPI is connected.
 */
void
model_precheck_owner(const char *name)
{
	ModelOwnership o;

	model_store_owner_of(name, NULL, &o);
	if (o.exists)
		model_check_owner(name, &o);
}

/*
 * Take name's lock (until the end of the transaction), then find who owns
 * it with a snapshot taken after the lock (in READ COMMITTED; in REPEATABLE
 * READ the lock found no change since the transaction's snapshot), and
 * lock its handle against DROP, REASSIGN OWNED and ALTER ... OWNER until
 * the end of the transaction.  So what the caller then checks stays true
 * until it commits, and two roles training a new name one after the other
 * see each other.  A handle dropped meanwhile took the model's rows with it
 * (the event trigger): a fresh snapshot sees the name free.  SPI is
 * connected.
 */
void
model_lock_for_writing(const char *name, ModelOwnership *o)
{
	int			attempt;

	model_store_lock_name(name);
	for (attempt = 0;; attempt++)
	{
		model_store_owner_of(name, GetTransactionSnapshot(), o);
		if (!OidIsValid(o->handle))
			return;
		LockRelationOid(o->handle, AccessShareLock);
		if (al_handle_exists(o->handle) || attempt > 0)
			return;
		if (IsolationUsesXactSnapshot())
			model_store_report_conflict(name);
	}
}
