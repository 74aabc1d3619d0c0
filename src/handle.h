/*
 * handle.h - owning learners and models through a catalog object (a
 * "handle": a trivial view in schema al), so that PostgreSQL's own owner
 * and privilege machinery applies to them.  See doc/security.md.
 */
#ifndef AL_HANDLE_H
#define AL_HANDLE_H

#include "postgres.h"

#include "utils/acl.h"

extern Oid	al_handle_create(const char *kind, int64 id, Oid owner, const char *comment);
extern bool al_handle_exists(Oid handle);
extern Oid	al_handle_owner(Oid handle);
extern bool al_handle_owned_by_me(Oid handle);
extern bool al_handle_allows(Oid handle, AclMode mode);
extern void al_handle_grant(Oid handle, const char *privileges, Oid grantee, bool grant);
extern void al_handle_set_owner(Oid handle, Oid new_owner);
extern void al_handle_drop(Oid handle);
extern char *al_handle_name(Oid handle);
extern bool al_handle_viewable(Oid handle, AclMode mode);

#endif							/* AL_HANDLE_H */
