/*
 * sql_args.h - checking SQL arguments and JSON option objects, shared by
 * al.train_model and the learner API.
 */
#ifndef AL_SQL_ARGS_H
#define AL_SQL_ARGS_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/jsonb.h"

typedef void (*al_option_fn) (void *ctx, const char *key, JsonbValue *value);

extern void al_require_arg(FunctionCallInfo fcinfo, int n, const char *what);
extern int32 al_arg_k(FunctionCallInfo fcinfo, int n);
extern void al_bad_option(const char *key, const char *must) pg_attribute_noreturn();
extern double al_option_number(const char *key, JsonbValue *v);
extern int64 al_option_integer(const char *key, JsonbValue *v, int64 lo, int64 hi);
extern void al_options_foreach(Jsonb *options, al_option_fn apply, void *ctx);

#endif							/* AL_SQL_ARGS_H */
