/*
 * al_ext.h - declarations shared by the PostgreSQL glue files.
 */
#ifndef AL_EXT_H
#define AL_EXT_H

/* GUC definitions, one function per concern, all called from _PG_init. */
extern void al_define_gucs(void);
extern void al_blas_define_gucs(void);
extern void al_worker_define_gucs(void);
extern void al_selection_define_gucs(void);
extern void al_batch_define_gucs(void);
extern void al_round_define_gucs(void);
extern void al_toast_batch_define_gucs(void);

/* Register the workers of al_ext.databases (preloading only). */
extern void al_worker_register_static(void);
extern void batch_hint_shared_install(void);

/* Open OpenBLAS in this backend on first use (ERROR if it cannot). */
extern void al_blas_ensure(void);

#endif							/* AL_EXT_H */
