/*
 * guc.c - the al_ext.* configuration parameters: each concern defines its
 * own, all from here.
 */
#include "postgres.h"

#include "utils/guc.h"

#include "al_ext.h"

/* Define every al_ext.* GUC. */
void
al_define_gucs(void)
{
	al_blas_define_gucs();
	al_worker_define_gucs();
	al_selection_define_gucs();
	al_batch_define_gucs();
	al_round_define_gucs();
	al_toast_batch_define_gucs();
}
