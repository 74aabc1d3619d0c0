/*
 * feature_cast.h - which feature column types al_ext reads, and how its
 * statements read them (as real[] or double precision[]).  See
 * src/feature_cast.c.
 */
#ifndef AL_FEATURE_CAST_H
#define AL_FEATURE_CAST_H

#include "postgres.h"

/* What a feature column must be, for messages. */
#define AL_FEATURE_TYPES "real[], double precision[] or a type with a cast to real[]"

extern Oid	al_feature_read_type(Oid type);
extern const char *al_feature_refusal(Oid type);
extern Oid	al_feature_check(const char *column, Oid type);
extern char *al_feature_select(const char *expr, Oid type);

#endif							/* AL_FEATURE_CAST_H */
