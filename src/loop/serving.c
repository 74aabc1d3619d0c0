/*
 * serving.c - the deployment policy of a learner: which of its model
 * versions it serves (the version al.scores ranks with and al.next_batch
 * hands out from: al.learner_store.model_id/model_version), and the
 * periods each version was served (al.serving_periods).
 *
 * The option serve picks the version: "latest" (the newest trained), or
 * "best" (the highest eval_accuracy of al.curve_store, ties: the later
 * version; versions without one are not candidates; none: the latest).
 * al.pin_version and al.rollback pin a version until al.unpin.  The round
 * (learner_round.c) asks serving_choose after each training and at each
 * round, so a changed evaluation or option takes effect at the next round;
 * the pin functions switch and rank at once.  See doc/loop.md, "Which
 * version is served".
 *
 * Its reads are not read-only SPI statements: those would use the round's
 * snapshot, taken before the round wrote its new version's curve row.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/async.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"

#include "identity.h"
#include "learner_acl.h"
#include "serving.h"

PG_FUNCTION_INFO_V1(al_pin_version);
PG_FUNCTION_INFO_V1(al_unpin);
PG_FUNCTION_INFO_V1(al_rollback);

/* Column col of SPI result row 0 as a Datum; NULL (no row or a NULL) as 0. */
static Datum
result_value(int col)
{
	bool		isnull = true;
	Datum		d = SPI_processed > 0 ? SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col, &isnull) : 0;

	return isnull ? (Datum) 0 : d;
}

#define result_int4(col) DatumGetInt32(result_value(col))
#define result_int8(col) DatumGetInt64(result_value(col))

/*
 * The version the policy picks among the versions of the curve whose model
 * is still stored: the latest, or with serve "best" the one of highest
 * eval_accuracy (NULL and NaN are no candidates; ties: the later version),
 * the latest if none has one.
 */
static void
policy_choice(const Learner *l, ServedChoice *c)
{
	static const char *best_sql =
		"SELECT c.model_version, c.model_id FROM al.curve_store c "
		"JOIN al.model_store m ON m.id OPERATOR(pg_catalog.=) c.model_id "
		"WHERE c.learner_id = $1 AND c.eval_accuracy IS NOT NULL "
		"AND c.eval_accuracy OPERATOR(pg_catalog.<>) 'NaN'::pg_catalog.float8 "
		"ORDER BY c.eval_accuracy DESC, c.model_version DESC LIMIT 1";
	static const char *latest_sql =
		"SELECT c.model_version, c.model_id FROM al.curve_store c "
		"JOIN al.model_store m ON m.id OPERATOR(pg_catalog.=) c.model_id "
		"WHERE c.learner_id = $1 ORDER BY c.model_version DESC LIMIT 1";
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);

	if (l->options.serve_best)
	{
		learner_store_exec(best_sql, 1, &type, &arg, false, 1);
		if (SPI_processed > 0)
		{
			c->version = result_int4(1);
			c->model_id = result_int8(2);
			c->reason = "best";
			return;
		}
	}
	learner_store_exec(latest_sql, 1, &type, &arg, false, 1);
	c->version = result_int4(1);
	c->model_id = result_int8(2);
	c->reason = "latest";
}

/* The open serving period's version and reason (version 0: none). */
static int32
open_period(const Learner *l, char **reason)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);

	learner_store_exec("SELECT model_version, reason FROM al.serving_periods "
					   "WHERE learner_id = $1 AND served_until IS NULL ORDER BY period DESC LIMIT 1",
					   1, &type, &arg, false, 1);
	*reason = SPI_processed > 0 ? SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2) : NULL;
	return result_int4(1);
}

/* The model id of version of learner l if its curve row and model are stored, else 0. */
static int64
stored_version(const Learner *l, int32 version)
{
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		args[2] = {Int64GetDatum(l->id), Int32GetDatum(version)};

	learner_store_exec("SELECT c.model_id FROM al.curve_store c "
					   "JOIN al.model_store m ON m.id OPERATOR(pg_catalog.=) c.model_id "
					   "WHERE c.learner_id = $1 AND c.model_version = $2",
					   2, types, args, false, 1);
	return result_int8(1);
}

/* The pinned version of learner l, 0 if none (as the row locked by the round has it). */
static int32
pinned_version(const Learner *l)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);

	learner_store_exec("SELECT pinned_version FROM al.learner_store WHERE id = $1",
					   1, &type, &arg, false, 1);
	return result_int4(1);
}

/*
 * The version learner l should serve now: its pinned version (reason as
 * the open period has it: pinned or rollback), else the policy's choice.
 * A pin whose version is no longer stored does not hold.
 */
void
serving_choose(const Learner *l, ServedChoice *c)
{
	int32		pin = pinned_version(l);
	int64		model_id = pin > 0 ? stored_version(l, pin) : 0;
	char	   *reason;

	if (model_id == 0)
	{
		policy_choice(l, c);
		return;
	}
	c->version = pin;
	c->model_id = model_id;
	c->reason = "pinned";
	if (open_period(l, &reason) == pin && reason != NULL && strcmp(reason, "rollback") == 0)
		c->reason = "rollback";
}

/* Close learner l's open serving period and open one for c, begun by the current role. */
static void
begin_period(const Learner *l, const ServedChoice *c)
{
	Oid			types[5] = {INT8OID, INT4OID, INT8OID, TEXTOID, TEXTOID};
	Datum		args[5] = {Int64GetDatum(l->id), Int32GetDatum(c->version), Int64GetDatum(c->model_id),
		CStringGetTextDatum(c->reason),
	CStringGetTextDatum(GetUserNameFromId(GetUserId(), false))};

	learner_store_exec("UPDATE al.serving_periods SET served_until = pg_catalog.now() "
					   "WHERE learner_id = $1 AND served_until IS NULL", 1, types, args, false, 0);
	learner_store_exec("INSERT INTO al.serving_periods (learner_id, model_version, model_id, reason, changed_by) "
					   "VALUES ($1, $2, $3, $4, $5)", 5, types, args, false, 0);
}

/*
 * Serve c: a new serving period if the version or the reason changed, and
 * if the version changed, publish it (al.learner_store, l) and tell
 * listeners on the learner's own channel (learner_channel: only roles that
 * may view the learner learn of it; the notification goes out at commit).
 * Returns whether the served version changed: the caller ranks the pool
 * with it.
 */
bool
serving_publish(Learner *l, const ServedChoice *c)
{
	Oid			types[3] = {INT8OID, INT8OID, INT4OID};
	Datum		args[3] = {Int64GetDatum(l->id), Int64GetDatum(c->model_id), Int32GetDatum(c->version)};
	char	   *reason;
	int32		open = open_period(l, &reason);

	if (c->version == 0)
		return false;
	if (open != c->version || reason == NULL || strcmp(reason, c->reason) != 0)
		begin_period(l, c);
	if (c->version == l->model_version && c->model_id == l->model_id)
		return false;
	learner_store_exec("UPDATE al.learner_store SET model_id = $2, model_version = $3, "
					   "published_at = pg_catalog.now() WHERE id = $1",
					   3, types, args, false, 0);
	l->model_id = c->model_id;
	l->model_version = c->version;
	Async_Notify(learner_channel(l), learner_notify_payload(l, c->version));
	return true;
}

/*
 * Forget learner l's pin and serving periods (its models were dropped: the
 * versions they name no longer exist, and the next version is 1 again).
 */
void
serving_forget(const Learner *l)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);

	learner_store_exec("DELETE FROM al.serving_periods WHERE learner_id = $1", 1, &type, &arg, false, 0);
	learner_store_exec("UPDATE al.learner_store SET pinned_version = NULL WHERE id = $1",
					   1, &type, &arg, false, 0);
}

/* Set (version > 0) or clear (0) learner l's pin. */
static void
set_pin(const Learner *l, int32 version)
{
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		args[2] = {Int64GetDatum(l->id), Int32GetDatum(version)};
	char		nulls[2] = {' ', version > 0 ? ' ' : 'n'};
	AlIdentity	save;
	int			ret;

	al_become_store_owner(&save);
	ret = SPI_execute_with_args("UPDATE al.learner_store SET pinned_version = $2 WHERE id = $1",
								2, types, args, nulls, false, 0);
	al_restore(&save);
	if (ret != SPI_OK_UPDATE)
		elog(ERROR, "could not pin a version of learner \"%s\"", l->name);
}

/*
 * The learner named by argument 0, which the caller must own, with its row
 * locked as a round locks it (a round of it running elsewhere is waited
 * for) and its pool locked and checked.  SPI connected, a snapshot pushed
 * (taken after the lock, so it sees what the lock's previous holder
 * committed).
 */
static Learner *
lock_owned_learner(FunctionCallInfo fcinfo, const char *what)
{
	Learner    *l;
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PreventCommandIfReadOnly(what);
	SPI_connect();
	l = learner_get(name, LEARNER_OWN);
	l = learner_lock_row(l->id, true);
	if (l == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("learner \"%s\" does not exist", name)));
	PushActiveSnapshot(GetTransactionSnapshot());
	learner_lock_pool(l);
	return l;
}

/* Serve c now: publish it and, if the served version changed, rank the pool with it. */
static void
serve_now(Learner *l, const ServedChoice *c)
{
	if (serving_publish(l, c))
		round_rank_served(l);
	PopActiveSnapshot();
	SPI_finish();
}

/* Pin version of learner l (reason pinned or rollback) and serve it now. */
static void
pin(Learner *l, int32 version, const char *reason)
{
	ServedChoice c;

	c.version = version;
	c.model_id = stored_version(l, version);
	c.reason = reason;
	if (c.model_id == 0)
	{
		if (version >= 1 && version <= learner_store_int8("SELECT pg_catalog.max(model_version) FROM al.curve_store "
														  "WHERE learner_id = $1", l->id, 0))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("model version %d of learner \"%s\" was dropped", version, l->name),
					 errhint("al.models lists the stored versions of model \"learner/%s\".", l->name)));
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("learner \"%s\" has no model version %d", l->name, version),
				 errhint("al.learning_curve lists its versions.")));
	}
	set_pin(l, version);
	serve_now(l, &c);
}

/* al.pin_version(learner, version) -> integer: serve that version until al.unpin. */
Datum
al_pin_version(PG_FUNCTION_ARGS)
{
	Learner    *l = lock_owned_learner(fcinfo, "al.pin_version()");
	int32		version = PG_GETARG_INT32(1);

	pin(l, version, "pinned");
	PG_RETURN_INT32(version);
}

/* al.unpin(learner) -> integer: back to the serve policy; returns the version served (NULL: none). */
Datum
al_unpin(PG_FUNCTION_ARGS)
{
	Learner    *l = lock_owned_learner(fcinfo, "al.unpin()");
	ServedChoice c;

	set_pin(l, 0);
	policy_choice(l, &c);
	serve_now(l, &c);
	if (c.version == 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(c.version);
}

/*
 * al.rollback(learner) -> integer: pin the version served before the
 * current one (the latest serving period of another version).
 */
Datum
al_rollback(PG_FUNCTION_ARGS)
{
	Learner    *l = lock_owned_learner(fcinfo, "al.rollback()");
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		args[2];
	int32		previous;

	args[0] = Int64GetDatum(l->id);
	args[1] = Int32GetDatum(l->model_version);
	learner_store_exec("SELECT model_version FROM al.serving_periods WHERE learner_id = $1 "
					   "AND model_version <> $2 ORDER BY period DESC LIMIT 1",
					   2, types, args, false, 1);
	previous = result_int4(1);
	if (previous == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("learner \"%s\" has served no other version to roll back to", l->name),
				 errhint("al.serving_history lists the versions it served.")));
	pin(l, previous, "rollback");
	PG_RETURN_INT32(previous);
}
