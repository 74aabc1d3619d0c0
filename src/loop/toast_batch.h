/*
 * toast_batch.h - read many out-of-line feature values in one sequential
 * pass over their TOAST table instead of one index lookup each
 * (src/loop/toast_batch.c).
 */
#ifndef AL_TOAST_BATCH_H
#define AL_TOAST_BATCH_H

#include "postgres.h"

typedef struct ToastBatch ToastBatch;

/* Called once per deferred (item, value): value is a plain in-memory varlena, valid during the call. */
typedef void (*ToastValueFn) (void *arg, const char *item, Datum value);

extern void al_toast_batch_define_gucs(void);
extern ToastBatch *toast_batch_create(Size max_bytes);
extern bool toast_batch_defer(ToastBatch *b, Datum value, const char *item);
extern bool toast_batch_full(const ToastBatch *b);
extern int64 toast_batch_pending(const ToastBatch *b);
extern void toast_batch_read(ToastBatch *b, ToastValueFn fn, void *arg);
extern void toast_batch_reset(ToastBatch *b);
extern void toast_batch_free(ToastBatch *b);

#endif
