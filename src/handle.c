/*
 * handle.c - owning learners and models through a catalog object.
 *
 * A learner (or a standalone model) is owned through a handle: a view in
 * schema al, named "<kind> <id>" (al."learner 3"), whose body is a trivial
 * SELECT of the id and whose PostgreSQL owner is the owner.  al_ext reads
 * only the handle's owner and ACL from pg_class, never its rows.  Because
 * the handle is a real relation, PostgreSQL records its owner and grantees
 * in pg_shdepend: DROP ROLE refuses while a role owns or holds rights on a
 * learner, REASSIGN OWNED and DROP OWNED work, GRANT and REVOKE work, and
 * pg_dump keeps owner and grants.  The extension's sql_drop event trigger
 * deletes what a dropped handle owned.  Why: doc/security.md.
 *
 * Handles are created, re-owned and dropped as the owner of al_ext's tables
 * (who alone may create in schema al), after the caller's rights have been
 * checked in C.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "handle.h"
#include "identity.h"

/*
 * Run a utility statement as the store owner (isolated); ERROR on failure.
 * Handing a handle to another role needs a superuser: the owner of al_ext's
 * tables is one (it created the extension), unless someone demoted it.
 */
static void
handle_ddl(const char *sql)
{
	AlIdentity	save;

	if (!superuser_arg(al_store_owner()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("the owner of al_ext's tables, %s, must be a superuser",
						GetUserNameFromId(al_store_owner(), false)),
				 errhint("Give the role that created the extension SUPERUSER back, or ALTER EXTENSION's objects to a superuser.")));
	al_become_store_owner(&save);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute(sql, false, 0) < 0)
		elog(ERROR, "could not run: %s", sql);
	SPI_finish();
	al_restore(&save);
}

/* The qualified, quoted name of a handle ("al.\"learner 3\""). */
char *
al_handle_name(Oid handle)
{
	char	   *rel = get_rel_name(handle);
	char	   *nsp = rel ? get_namespace_name(get_rel_namespace(handle)) : NULL;

	if (rel == NULL || nsp == NULL)
		elog(ERROR, "al_ext handle %u does not exist", handle);
	return quote_qualified_identifier(nsp, rel);
}

/*
 * Create the handle "<kind> <id>" in schema al, owned by owner, with no
 * rights for anyone else, and a comment saying what it stands for.
 * Returns its oid.  Its column is of the extension's type al.handle_id, so
 * the handle depends on the extension (a dependency pg_dump recreates):
 * DROP EXTENSION refuses while handles exist and drops them with CASCADE,
 * instead of leaving views behind whose names a new installation would
 * reuse.
 */
Oid
al_handle_create(const char *kind, int64 id, Oid owner, const char *comment)
{
	char	   *relname = psprintf("%s " INT64_FORMAT, kind, id);
	char	   *qname = quote_qualified_identifier("al", relname);
	Oid			handle;

	handle_ddl(psprintf("CREATE VIEW %s AS SELECT " INT64_FORMAT "::al.handle_id AS %s_id",
						qname, id, kind));
	handle_ddl(psprintf("REVOKE ALL ON %s FROM PUBLIC", qname));
	handle_ddl(psprintf("COMMENT ON VIEW %s IS %s", qname, quote_literal_cstr(comment)));
	handle_ddl(psprintf("ALTER VIEW %s OWNER TO %s", qname,
						quote_identifier(GetUserNameFromId(owner, false))));
	handle = get_relname_relid(relname, get_namespace_oid("al", false));
	if (!OidIsValid(handle))
		elog(ERROR, "could not create handle %s", qname);
	return handle;
}

/* Does the handle still exist (it may have been dropped directly)? */
bool
al_handle_exists(Oid handle)
{
	return SearchSysCacheExists1(RELOID, ObjectIdGetDatum(handle));
}

/* The owner of a handle: the owner of what it stands for. */
Oid
al_handle_owner(Oid handle)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(handle));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "al_ext handle %u does not exist", handle);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/* Has the current role the privileges of the handle's owner (superusers do)? */
bool
al_handle_owned_by_me(Oid handle)
{
	return has_privs_of_role(GetUserId(), al_handle_owner(handle));
}

/* Does the current role hold any of the privileges in mode on the handle? */
bool
al_handle_allows(Oid handle, AclMode mode)
{
	return pg_class_aclmask(handle, GetUserId(), mode, ACLMASK_ANY) != 0;
}

/*
 * GRANT (grant = true) or REVOKE privileges ("SELECT", "INSERT, UPDATE")
 * on the handle to or from grantee (InvalidOid = PUBLIC), after the caller's
 * right to do so was checked.  Run as the store owner, a superuser, whose
 * grants PostgreSQL records as made by the handle's owner.
 */
void
al_handle_grant(Oid handle, const char *privileges, Oid grantee, bool grant)
{
	const char *who = OidIsValid(grantee) ? quote_identifier(GetUserNameFromId(grantee, false)) : "PUBLIC";

	if (grant)
		handle_ddl(psprintf("GRANT %s ON %s TO %s", privileges, al_handle_name(handle), who));
	else
		handle_ddl(psprintf("REVOKE %s ON %s FROM %s CASCADE", privileges,
							al_handle_name(handle), who));
}

/* Make new_owner the owner of the handle (rights checked by the caller). */
void
al_handle_set_owner(Oid handle, Oid new_owner)
{
	handle_ddl(psprintf("ALTER VIEW %s OWNER TO %s", al_handle_name(handle),
						quote_identifier(GetUserNameFromId(new_owner, false))));
}

/* Drop the handle (what it stands for is deleted by the caller). */
void
al_handle_drop(Oid handle)
{
	if (al_handle_exists(handle))
		handle_ddl(psprintf("DROP VIEW %s", al_handle_name(handle)));
}

/*
 * May the current role use what the handle owns: it exists, and the role
 * has its owner's privileges or any privilege in mode on it.
 */
bool
al_handle_viewable(Oid handle, AclMode mode)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(handle));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		return false;
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return has_privs_of_role(GetUserId(), owner) || al_handle_allows(handle, mode);
}
