/*
 * identity.c - acting as another role around a piece of work.
 *
 * Every switch of identity al_ext makes (to the owner of its own tables, to
 * a learner's owner to read the pool) is done as PostgreSQL's maintenance
 * commands do it around user code:
 *  - a security-restricted operation, so code reached through the work
 *    (a view, a function in the pool's definition) can neither change the
 *    session's state nor take over the session's identity;
 *  - a new GUC nest level with search_path pinned to pg_catalog, pg_temp,
 *    so nothing is resolved through a search_path the caller (or a learner
 *    owner) controls, and every setting changed inside is undone at the end.
 * al_restore unwinds both.  On an ERROR, transaction (or subtransaction)
 * abort restores the identity and the GUC nest level by itself.
 *
 * Statements run as the caller (reading a table in the caller's name) go
 * through al_become_caller: the same isolation, the identity unchanged.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "identity.h"

/*
 * Act as role until al_restore: security-restricted, with a fresh GUC nest
 * level whose search_path is pinned.
 */
void
al_become(Oid role, AlIdentity *save)
{
	GetUserIdAndSecContext(&save->saved_userid, &save->saved_sec_context);
	SetUserIdAndSecContext(role, save->saved_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	save->guc_nest_level = NewGUCNestLevel();
	(void) set_config_option("search_path", AL_SAFE_SEARCH_PATH, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

/* The same isolation as al_become, keeping the current identity. */
void
al_become_caller(AlIdentity *save)
{
	al_become(GetUserId(), save);
}

/* Undo al_become: settings changed inside are rolled back, identity restored. */
void
al_restore(const AlIdentity *save)
{
	AtEOXact_GUC(false, save->guc_nest_level);
	SetUserIdAndSecContext(save->saved_userid, save->saved_sec_context);
}

/*
 * The owner of al_ext's own tables (that of al.model_store): the role
 * whose identity reads and writes them.  Looked up in the catalog, not
 * through any search_path.
 */
Oid
al_store_owner(void)
{
	Oid			nsp = get_namespace_oid("al", false);
	Oid			relid = get_relname_relid("model_store", nsp);
	HeapTuple	tup;
	Oid			owner;

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table al.model_store does not exist"),
				 errhint("Is the al_ext extension installed in this database?")));
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/* al_become the owner of al_ext's own tables. */
void
al_become_store_owner(AlIdentity *save)
{
	al_become(al_store_owner(), save);
}
