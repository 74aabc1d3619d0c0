/*
 * al_ext.h - declarations shared by the PostgreSQL glue files.
 */
#ifndef AL_EXT_H
#define AL_EXT_H

/* GUC definitions, one function per concern, all called from _PG_init. */
extern void al_define_gucs(void);

#endif							/* AL_EXT_H */
