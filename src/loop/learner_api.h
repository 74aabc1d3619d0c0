/*
 * learner_api.h - learners as the glue sees them (src/loop: learner_common.c,
 * learner_pool.c, learner.c, labels.c, batch.c, learner_round.c,
 * round_score.c).
 */
#ifndef AL_LEARNER_API_H
#define AL_LEARNER_API_H

#include "postgres.h"

#include "access/attnum.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "class_weight.h"
#include "item_map.h"
#include "learner.h"

/* A strategy: which score ranks the pool, and what it needs. */
typedef struct LearnerStrategy
{
	const char *name;
	bool		needs_committee;
	bool		needs_features;
	bool		single_model;	/* refuses a committee (expected error reduction) */
} LearnerStrategy;

/* The strategy that ranks by expected error reduction (round_select.c). */
#define LEARNER_EER_STRATEGY "expected_error_reduction"

/* Option "explore": how a topk batch explores (round_select.c). */
typedef enum LearnerExplore
{
	EXPLORE_NONE,
	EXPLORE_EPSILON,			/* epsilon-greedy */
	EXPLORE_TEMPERATURE,		/* Gumbel keys of score / temperature */
	EXPLORE_POWER				/* Gumbel keys of power ln(score) */
} LearnerExplore;

/* Option "cold_start": the batches before the first model (cold_start.c). */
typedef enum LearnerColdStart
{
	COLD_START_RANDOM,			/* a seeded random sample */
	COLD_START_KCENTER,			/* greedy k-center over the features */
	COLD_START_QUERY			/* the rows of the owner's query, then random */
} LearnerColdStart;

/* Options given in the call being applied (learner_check_options). */
#define OPTION_GIVEN_CLASS_CAP		0x01
#define OPTION_GIVEN_DENSITY_METRIC 0x02
#define OPTION_GIVEN_DENSITY_SAMPLE 0x04
#define OPTION_GIVEN_EER			0x08
#define OPTION_GIVEN_EVAL_SIZE		0x10
#define OPTION_GIVEN_EVAL_FRACTION	0x20
#define OPTION_GIVEN_EVAL_TABLE		0x40
#define OPTION_GIVEN_EVAL_LABEL		0x80
#define OPTION_GIVEN_EVAL_RATE		0x100
#define OPTION_GIVEN_STOP_SET		0x200
/* the options that choose the evaluation set (eval_set.c) */
#define OPTION_GIVEN_EVAL_SET (OPTION_GIVEN_EVAL_SIZE | OPTION_GIVEN_EVAL_FRACTION | \
							   OPTION_GIVEN_EVAL_TABLE | OPTION_GIVEN_EVAL_LABEL)
#define OPTION_GIVEN_LABEL_COLUMN	0x400
#define OPTION_GIVEN_COLD_START		0x800
#define OPTION_GIVEN_PREDICTIONS	0x1000
#define OPTION_GIVEN_STOP_KAPPA		0x2000
#define OPTION_GIVEN_FAMILY		0x4000

/* A learner's options, defaults filled in. */
typedef struct LearnerOptions
{
	int			batch_size;		/* items per next_batch (10) */
	int			retrain_every;	/* new labels that trigger a retrain (10) */
	int			committee;		/* bagged members; 0 = a single model (0) */
	double		c;				/* inverse regularization (1.0) */
	int			seed;			/* seed of bootstrap, holdout, cold start and selection (0) */
	double		holdout;		/* fraction of labels held out for accuracy (0) */
	int			max_iter;		/* L-BFGS iterations (100) */
	bool		standardize;	/* standardize features (false) */
	AlClassWeight class_weight; /* class weights of training (none) */
	char		lease[64];		/* how long a batch is held ("30 minutes") */
	int			max_leased;		/* items one annotator may hold at once; 0 = no limit (0) */
	bool		serve_best;		/* serve the best version by evaluation accuracy, else the latest */
	char		label_column[NAMEDATALEN];	/* pool column labels are imported from; "" = none */
	LearnerColdStart cold_start;	/* batches before the first model (COLD_START_RANDOM) */
	char	   *cold_start_query;	/* cold_start "query": its SQL text, else NULL */
	/* overlap and adjudication (doc/loop.md, "Overlap and agreement"; overlap.c) */
	int			overlap;		/* distinct annotators who label each item (1) */
	int			label_rule;		/* LABEL_RULE_*: an item's training label (majority) */
	char		adjudicator[NAMEDATALEN];	/* the role whose members adjudicate; "" = none */
	/* selection (doc/selection.md; round_select.c) */
	int			batch;			/* index of the selector of option batch (0: topk) */
	int			candidates;		/* rows the selector orders; 0 = all (10000) */
	int			sample;			/* rows scored per round; 0 = all (0) */
	double		rescore_sample; /* rows (1 or more) or fraction (below 1) of the pool rescored per round, the rest kept; 0 = all (0) */
	int			ranking_rows;	/* rows of al.scores a round keeps, the best by score; 0 = all (0) */
	double		class_cap;		/* batch balanced: a class's share of a prefix (0.5) */
	double		density;		/* information density's beta; 0 = none (0) */
	bool		density_euclidean;	/* else cosine (false) */
	int			density_sample; /* euclidean density: pool sample rows (1000) */
	LearnerExplore explore;		/* (EXPLORE_NONE) */
	double		explore_value;	/* its epsilon, temperature or power */
	bool		eer_zero_one;	/* expected error reduction: loss zero_one, else log */
	int			eer_candidates; /* (100) */
	int			eer_sample;		/* (1000) */
	int			eer_steps;		/* (20) */
	/* the evaluation set (doc/loop.md; eval_set.c) */
	int			eval_size;		/* pool rows reserved for evaluation; 0 = none (0) */
	double		eval_fraction;	/* or this fraction of the pool's rows; 0 = none (0) */
	double		eval_rate;		/* share of the items handed out drawn from it (0.1) */
	char	   *eval_table;		/* or this labeled table (qualified name); NULL = none */
	char		eval_label_column[NAMEDATALEN]; /* its label column ("label") */
	/* the stopping rules (doc/loop.md; stop_rules.c) */
	double		stop_kappa;		/* stabilizing predictions' kappa; NaN = off (0.99) */
	int			stop_window;	/* versions it (and the plateau) looks back (3) */
	int			stop_set_size;	/* pool items of the stop set (1000) */
	int			label_budget;	/* labeled items; 0 = none (0) */
	double		stop_uncertainty;	/* mean normalized entropy on the stop set; 0 = none (0) */
	double		stop_plateau;	/* evaluation accuracy gain over the window; 0 = none (0) */
	/* external predictions (doc/loop.md "External-prediction learners"; external.c) */
	bool		predictions;	/* scores come from a probvec (or probvec[]) column (false) */
	/* the model family (doc/loop.md "Model families of learners"; family.c) */
	int			family;			/* a ModelFamily (MODEL_SOFTMAX) */
	double		alpha;			/* family ridge: its penalty (1.0) */
	/* where a round predicts (doc/citus.md; round_parallel.c) */
	int			score_in;		/* SCORE_IN_*: auto, coordinator or pool (auto) */
	int			given;			/* OPTION_GIVEN_* of the last learner_options_apply */
} LearnerOptions;

/*
 * Option score_in: where a round predicts.  Pool: one query that predicts
 * where the rows are (al._round_probs; ovr and ridge: al._round_outputs; a
 * Citus distributed table's shards);
 * coordinator: the round reads the features; auto: pool for a Citus
 * distributed pool when the options allow it, else coordinator.
 */
#define SCORE_IN_AUTO 0
#define SCORE_IN_COORDINATOR 1
#define SCORE_IN_POOL 2

/* The training label of an item with several labels (option label_rule). */
#define LABEL_RULE_MAJORITY 0	/* the most common label; ties: the latest */
#define LABEL_RULE_LATEST 1		/* the latest label */
#define LABEL_RULE_ADJUDICATED 2	/* the latest adjudication, else the majority */

/* A learner row of al.learner_store. */
typedef struct Learner
{
	int64		id;
	char	   *name;
	Oid			handle;			/* owns the learner: al."learner <id>" (doc/security.md) */
	Oid			owner;			/* the handle's owner */
	char	   *channel;		/* the secret its NOTIFY channel is derived from (learner_channel) */
	Oid			pool;
	char	   *id_column;
	char	   *features_column;
	Oid			id_type;		/* as recorded; learner_lock_pool sets the current one */
	Oid			features_type;	/* set by learner_lock_pool */
	AttrNumber	id_att;			/* set by learner_lock_pool */
	char	  **classes;
	int			k;
	ItemMap    *class_index;	/* class text -> index in classes */
	char	   *strategy;
	LearnerOptions options;
	int64		model_id;		/* 0 = no model yet */
	int32		model_version;
	bool		retrain_requested;
	TimestampTz published_at;	/* 0 = never */
} Learner;

/* A pool's id and feature columns as the catalog has them now. */
typedef struct PoolColumns
{
	AttrNumber	id_att;
	AttrNumber	features_att;
	Oid			id_type;
	Oid			features_type;
} PoolColumns;

/* Why a pool row's features cannot be used (pool_read_features). */
typedef enum FeatureProblem
{
	FEATURES_OK,
	FEATURES_NULL,
	FEATURES_SHAPE,				/* not one-dimensional */
	FEATURES_LENGTH,			/* not the expected length */
	FEATURES_NULL_ELEMENT,
	FEATURES_NOT_FINITE
} FeatureProblem;

/* The most classes a learner may have: what a probvec can hold. */
#define LEARNER_MAX_CLASSES 32767

/* The longest learner name, in bytes (its NOTIFY payload must stay small). */
#define LEARNER_MAX_NAME_BYTES 255

/* The label import's annotator names: this and the column's name (reserved for it). */
#define LABEL_IMPORT_PREFIX "import:"

extern const LearnerStrategy *learner_strategy(const char *name);
extern void learner_check_strategy(const char *strategy, const LearnerOptions *o);
extern const char *learner_score_in_conflict(const char *strategy, const LearnerOptions *o);
extern void learner_options_init(LearnerOptions *o);
extern void learner_options_apply(LearnerOptions *o, Jsonb *options);
extern TimestampTz learner_lease_end(const LearnerOptions *o, TimestampTz start);
extern char *learner_options_json(const LearnerOptions *o, const char *strategy);
extern char *learner_selection_text(const LearnerOptions *o, const char *strategy);
/* overlap.c: options overlap, label_rule, adjudicator */
extern bool overlap_apply_option(LearnerOptions *o, const char *key, JsonbValue *v);
extern void overlap_check_options(const LearnerOptions *o);
extern void overlap_append_json(StringInfo buf, const LearnerOptions *o);
extern int	learner_store_exec(const char *sql, int nargs, Oid *types, Datum *args,
							   bool read_only, long limit);
extern int	learner_store_exec_snapshot(const char *sql, int nargs, Oid *types, Datum *args,
										Snapshot snapshot);
extern int64 learner_store_int8(const char *sql, int64 arg, int64 if_none);
extern int	learner_store_exec_kept(SPIPlanPtr *plan, const char *sql, int nargs, Oid *types, Datum *args,
									bool read_only, long limit);

/* Called by learner_query_blocks for each block (in SPI_tuptable). */
typedef void (*LearnerBlockFn) (void *arg);
extern void learner_query_blocks(Oid role, const char *sql, int nargs, Oid *types, Datum *args,
								 bool fresh, long block_rows, LearnerBlockFn fn, void *arg);
extern Learner *learner_get(const char *name, int right);
extern Learner *learner_get_by_id(int64 id);
extern Learner *learner_lock_row(int64 id, bool wait);
extern char *learner_pool_name(const Learner *l);
extern int	learner_class_index(const Learner *l, const char *label);
extern char *learner_classes_text(const Learner *l);
extern void learner_check_name(const char *name);
extern char *learner_notify_payload(const Learner *l, int32 version);

/* learner_pool.c */
extern void pool_columns(Oid relid, const char *id_column, const char *features_column,
						 const char *learner, PoolColumns *out);
extern void pool_check_kind(Oid relid);
extern void learner_lock_pool(Learner *l);
extern bool pool_column_readable(Oid relid, AttrNumber att, Oid role);
extern void learner_check_pool_reader(const Learner *l, Oid role, const PoolColumns *cols);
extern bool learner_try_lock_pool(Learner *l);
extern void pool_check_duplicates(Oid relid, const char *id_column, AttrNumber id_att,
								  const char *learner);
extern Datum learner_parse_item(const Learner *l, const char *item, int element);
extern Datum learner_typed_items(const Learner *l, char **items, int n);
extern bool pool_features_type_ok(Oid type);
extern char *learner_features_sql(const Learner *l, const char *alias);
extern FeatureProblem pool_read_features(Datum d, bool isnull, int dim, float *x);
extern FeatureProblem pool_read_features_double(Datum d, bool isnull, int dim, double *xd);
extern const char *pool_feature_problem_text(FeatureProblem problem, int dim);

/* external.c: learners over an application's predictions */
extern void external_check_options(const char *strategy, const LearnerOptions *o);
extern bool external_column_type_ok(Oid type);
extern void external_check_column(const char *learner, const char *column, Oid type,
								  const char *strategy, bool predictions);
extern char *external_features_sql(const Learner *l, const char *alias);

/* label_import.c */
extern bool learner_import_labels(const Learner *l, bool warn_always);
extern void learner_check_label_column(Oid pool, const char *column, const char *learner, Oid role);

/* cold_start.c */
extern void learner_check_cold_start(const Learner *l);
extern int	cold_start_candidates(const Learner *l, const char *annotator, int k, char **items);
extern Datum learner_text_array(char **strings, int n);
extern bool learner_store_dml_running(void);

/* learner_pool.c: al.item_key(text), the key of an item id in the item indexes */
extern Datum al_item_key(PG_FUNCTION_ARGS);
extern Datum learner_taken_items(const Learner *l, const char *annotator, char **chosen, int n);

/* learner_round.c: a round, waiting for (wait) or skipping a busy learner */
extern LearnerRoundResult learner_round(int64 learner_id, bool wait);

#endif							/* AL_LEARNER_API_H */
