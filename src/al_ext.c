/*
 * al_ext.c - module entry point: the magic block and _PG_init.
 *
 * _PG_init only defines GUCs and reserves the "al_ext." prefix (and, when
 * preloaded, registers the workers of al_ext.databases and asks for the
 * small shared memory of the batches' hints); it loads no BLAS library, so
 * preloading al_ext into the postmaster is cheap and safe.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "al_ext.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Define the module's GUCs once per process. */
void
_PG_init(void)
{
	al_define_gucs();
	MarkGUCPrefixReserved("al_ext");
	if (process_shared_preload_libraries_in_progress)
	{
		al_worker_register_static();
		batch_hint_shared_install();
	}
}
