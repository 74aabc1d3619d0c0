/*
 * identity.h - acting as another role around a piece of work, the way
 * PostgreSQL's own maintenance commands (REFRESH MATERIALIZED VIEW, CREATE
 * INDEX) do it around user code.  See src/identity.c.
 */
#ifndef AL_IDENTITY_H
#define AL_IDENTITY_H

#include "postgres.h"

/* What al_become saved, for al_restore. */
typedef struct AlIdentity
{
	Oid			saved_userid;
	int			saved_sec_context;
	int			guc_nest_level;
} AlIdentity;

/* The search_path every statement al_ext runs is parsed and run with. */
#define AL_SAFE_SEARCH_PATH "pg_catalog, pg_temp"

extern void al_become(Oid role, AlIdentity *save);
extern void al_become_caller(AlIdentity *save);
extern void al_restore(const AlIdentity *save);
extern Oid	al_store_owner(void);
extern void al_become_store_owner(AlIdentity *save);

#endif							/* AL_IDENTITY_H */
