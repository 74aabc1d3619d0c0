/*
 * learner_api.h - learners as the glue sees them (src/learner_common.c,
 * src/learner.c, src/learner_round.c).
 */
#ifndef AL_LEARNER_API_H
#define AL_LEARNER_API_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "learner.h"

/* A strategy: which score ranks the pool, and what it needs. */
typedef struct LearnerStrategy
{
	const char *name;
	bool		needs_committee;
	bool		needs_features;
} LearnerStrategy;

/* A learner's options, defaults filled in. */
typedef struct LearnerOptions
{
	int			batch_size;		/* items per next_batch (10) */
	int			retrain_every;	/* new labels that trigger a retrain (10) */
	int			committee;		/* bagged members; 0 = a single model (0) */
	double		c;				/* inverse regularization (1.0) */
	int			seed;			/* seed of bootstrap, holdout and cold start (0) */
	double		holdout;		/* fraction of labels held out for accuracy (0) */
	int			max_iter;		/* L-BFGS iterations (100) */
	bool		standardize;	/* standardize features (false) */
	char		lease[64];		/* how long a batch is held ("30 minutes") */
} LearnerOptions;

/* A learner row of al.learner_store. */
typedef struct Learner
{
	int64		id;
	char	   *name;
	Oid			handle;			/* owns the learner: al."learner <id>" (doc/security.md) */
	Oid			owner;			/* the handle's owner */
	Oid			pool;
	char	   *id_column;
	char	   *features_column;
	Oid			id_type;
	char	  **classes;
	int			k;
	char	   *strategy;
	LearnerOptions options;
	int64		model_id;		/* 0 = no model yet */
	int32		model_version;
	int64		trained_label_serial;
	bool		retrain_requested;
} Learner;

extern const LearnerStrategy *learner_strategy(const char *name);
extern void learner_check_strategy(const char *strategy, int committee);
extern void learner_options_init(LearnerOptions *o);
extern void learner_options_apply(LearnerOptions *o, Jsonb *options);
extern char *learner_options_json(const LearnerOptions *o);
extern int	learner_store_exec(const char *sql, int nargs, Oid *types, Datum *args,
							   bool read_only, long limit);
extern Learner *learner_get(const char *name);
extern Learner *learner_get_by_id(int64 id);
extern char *learner_pool_name(const Learner *l);
extern int	learner_class_index(const Learner *l, const char *label);

#endif							/* AL_LEARNER_API_H */
