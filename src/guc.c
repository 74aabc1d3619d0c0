/*
 * guc.c - the al_ext.* configuration parameters.
 */
#include "postgres.h"

#include "utils/guc.h"

#include "al_ext.h"

/* Define every al_ext.* GUC (more arrive with models and the worker). */
void
al_define_gucs(void)
{
}
