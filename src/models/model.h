/*
 * model.h - in-database softmax models: the store (al.model_store), the
 * per-backend cache, training and prediction.  See doc/models.md.
 */
#ifndef AL_MODEL_H
#define AL_MODEL_H

#include "postgres.h"

#include "softmax_model.h"

/* A model version as loaded from al.model_store; immutable once stored. */
typedef struct AlModel
{
	int64		id;
	char	   *name;
	int32		version;
	Oid			owner;
	int			k;				/* classes */
	int			d;				/* features */
	int			members;		/* committee size (1 = plain model) */
	char	  **classes;		/* k labels, in the label type's order */
	al_softmax_model *m;		/* members; arrays point into the cache */
} AlModel;

extern Oid	model_store_relid(void);

/* What model_fit_store trained and stored. */
typedef struct ModelFit
{
	int64		id;
	int32		version;
	al_softmax_model *models;	/* members, palloc'd */
	int			members;
	double		holdout_accuracy;	/* NaN without a holdout */
	double		holdout_log_loss;
} ModelFit;

extern void model_fit_store(const char *name, Oid owner, char **classes, int k, float *x,
							int *y, int n, int d, const al_softmax_options *opt,
							double holdout, ModelFit *fit);
extern bytea *model_weights_pack(const al_softmax_model *members, int m);
extern AlModel *model_get_latest(const char *name);
extern AlModel *model_get_version(const char *name, int32 version);
extern AlModel *model_get_by_id(int64 id);
extern void model_check_write_access(const char *name);
extern void model_store_changed(void);

#endif							/* AL_MODEL_H */
