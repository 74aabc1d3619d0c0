/*
 * model.h - in-database softmax models: the store (al.model_store), the
 * per-backend cache, training and prediction.  See doc/models.md.
 */
#ifndef AL_MODEL_H
#define AL_MODEL_H

#include "postgres.h"

#include <math.h>

#include "access/htup.h"
#include "access/tupdesc.h"
#include "utils/array.h"
#include "utils/portal.h"
#include "utils/snapshot.h"

#include "class_weight.h"
#include "softmax_model.h"

/* A learner's models are named LEARNER_MODEL_PREFIX <learner name>. */
#define LEARNER_MODEL_PREFIX "learner/"

/* What a stored model may have (the store's reader refuses anything else). */
#define MODEL_MAX_CLASSES	32767
#define MODEL_MAX_FEATURES	1000000
#define MODEL_MAX_MEMBERS	1000

/*
 * A stored model's family (al.model_store.family): what its outputs are.
 * All keep their weights as al_softmax_model members: softmax k classes,
 * ovr k labels (sigmoid each), ridge one row of coefficients (k = 1, no
 * classes).  See doc/models.md, "Model families".
 */
typedef enum ModelFamily
{
	MODEL_SOFTMAX = 0,			/* zero: what an unset field means */
	MODEL_OVR,
	MODEL_RIDGE
} ModelFamily;

/*
 * A model version as loaded from al.model_store; immutable once stored.
 * Everything it points to lives in its own memory context, cxt.
 */
typedef struct AlModel
{
	int64		id;
	char	   *name;
	int32		version;
	Oid			handle;			/* a standalone model's handle, else InvalidOid */
	int64		learner_id;		/* a learner's model: the learner, else 0 */
	int			k;				/* classes */
	int			d;				/* features */
	int			members;		/* committee size (1 = plain model) */
	ModelFamily family;
	double		train_c;		/* the c it was trained with (NaN if not stored) */
	char	  **classes;		/* k labels, in the label type's order (ridge: NULL) */
	al_softmax_model *m;		/* members; arrays point into cxt */
	MemoryContext cxt;			/* holds the model and everything above */
} AlModel;

/* What model_fit_store trained and stored. */
typedef struct ModelFit
{
	int64		id;
	int32		version;
	al_softmax_model *models;	/* members, palloc'd */
	int			members;
	double		c;				/* the c it was trained with */
	double		holdout_accuracy;	/* NaN without a holdout */
	double		holdout_log_loss;
} ModelFit;

/* Training rows in memory. */
typedef struct TrainData
{
	float	   *x;				/* n x d */
	int		   *y;				/* n labels, 0..k-1 (softmax) */
	unsigned char *sets;		/* n x k: 1 = the row has label c (ovr) */
	double	   *target;			/* n targets (ridge) */
	int			n;
	int			d;
	char	  **classes;		/* k labels, in the label type's order (ridge: none) */
	int			k;
	int64	   *ids;			/* n ids (model_read_rows with an id), or NULL */
} TrainData;

/* A bound on the rows model_read_rows keeps in memory. */
typedef struct TrainReadLimit
{
	int64		(*max_rows) (int d, int k); /* the most rows of d features */
	void		(*refuse) (int64 max_rows, int d, int k);	/* must ERROR */
} TrainReadLimit;

/*
 * Who owns a model name, as a snapshot sees its versions: a handle (a
 * standalone model), a learner, or nobody yet (a new name).
 */
typedef struct ModelOwnership
{
	bool		exists;			/* the name has versions */
	Oid			handle;			/* a standalone model's handle, else InvalidOid */
	int64		learner_id;		/* a learner's model: the learner, else 0 */
} ModelOwnership;

/*
 * What a snapshot sees.  Two MVCC snapshots with the same xmax see the same
 * set of finished transactions when their lists of running ones have the
 * same length (a list can only lose members while xmax stays); within one
 * (sub)transaction the command id tells which of its own changes they see.
 */
typedef struct SnapshotMark
{
	bool		valid;
	LocalTransactionId lxid;
	SubTransactionId subxid;
	TransactionId xmin;
	TransactionId xmax;
	uint32		xcnt;
	int32		subxcnt;
	bool		suboverflowed;
	CommandId	curcid;
} SnapshotMark;

/*
 * What is wrong with feature value v for a model, NULL if nothing: models
 * compute on float4 features, so v must be finite and, as a double, within
 * float4's range (beyond it, it would become infinite and make every logit
 * and probability NaN).  Training and prediction apply the same rule.
 */
static inline const char *
model_feature_problem(double v)
{
	if (!isfinite(v))
		return "is not finite";
	if (isinf((float) v))
		return "is out of range for type real";
	return NULL;
}

/* How a row of the training table is named in errors. */
typedef enum RowKeyKind
{
	ROWKEY_PRIMARY,				/* its primary key's columns */
	ROWKEY_CTID,				/* its ctid (and the partition, if another) */
	ROWKEY_POSITION				/* its position in the scan (views) */
} RowKeyKind;

/* The training table, resolved under its lock. */
typedef struct TrainSource
{
	Oid			relid;
	char	   *relname;		/* qualified and quoted */
	char	   *features;		/* quoted, read as read_type (maybe a CAST) */
	Oid			read_type;		/* real[] or double precision[] */
	char	   *label;			/* quoted */
	char	   *id;				/* quoted id column, or NULL */
	const TrainReadLimit *limit;	/* or NULL */
	ModelFamily family;			/* how the label column is read */
	char	  **given_classes;	/* ovr: the classes option, or NULL */
	int			n_given;
	RowKeyKind key;
	int			nkeys;			/* primary key columns */
	char	  **keys;			/* their quoted names */
	char	   *key_list;		/* ", a, b" / ", ctid, tableoid" / "" */
} TrainSource;

/* reading a table's labeled rows (model_rows.c) */
extern void model_resolve_source(TrainSource *src, Oid relid, const char *id,
								 const char *features, const char *label);
extern char *model_describe_row(const TrainSource *src, HeapTuple tup, TupleDesc desc,
								int64 position);
extern void model_check_feature_array(ArrayType *a, int n, const char *row);
extern Oid	model_column_type(Oid relid, const char *colname);
extern Oid	model_check_feature_type(const char *column, Oid type);
extern void model_check_read_type(Oid read_type, Oid got);
typedef void (*model_row_fn) (void *arg, HeapTuple tup, TupleDesc desc);
typedef void (*model_block_fn) (void *arg);
extern void model_fetch_blocks(Portal portal, int fetch, model_row_fn row_fn,
							   model_block_fn block_fn, void *arg, const char *cxt_name);
extern void model_read_training_data(Oid relid, const char *features, const char *label,
									 TrainData *data);
extern void model_read_family_data(Oid relid, const char *features, const char *label,
								   ModelFamily family, char **classes, int n_classes,
								   TrainData *data);
extern void model_check_target_type(const char *column, Oid type);
extern double model_check_target(const TrainSource *src, double y, HeapTuple tup,
								 TupleDesc desc, int64 position);
extern const char *model_family_name(ModelFamily family);
extern bool model_family_lookup(const char *name, ModelFamily *family);
extern void model_read_rows(Oid relid, const char *id, const char *features, const char *label,
							const TrainReadLimit *limit, TrainData *data);

/* training (model_train.c) */
extern void model_core_hooks(al_softmax_options *opt);
extern void model_fit_store(const char *name, int64 learner_id, char **classes, int k, float *x,
							int *y, int n, int d, const al_softmax_options *opt,
							double holdout, const AlClassWeight *class_weight,
							ModelFit *fit);
extern void model_fit_store_family(const char *name, int64 learner_id, ModelFamily family,
								   TrainData *data, const al_softmax_options *opt, double alpha,
								   ModelFit *fit);

/*
 * The cache (model_cache.c).  A model returned by model_get_* stays valid
 * until the end of the current transaction, whatever else is looked up
 * meanwhile; every lookup sees the store as the current snapshot does.
 */
extern AlModel *model_get_latest(const char *name);
extern AlModel *model_get_version(const char *name, int32 version);
extern AlModel *model_get_by_id(int64 id);
extern void model_snapshot_mark(SnapshotMark *m);
extern bool model_same_snapshot(const SnapshotMark *a, const SnapshotMark *b);

/* Who may use and change models (model_acl.c).  SPI is connected. */
extern bool model_learner_usable(int64 learner_id);
extern bool model_usable(Oid handle, int64 learner_id);
extern void model_check_use(const AlModel *model);

/* prediction (model_predict.c): ERROR 42809 unless model is of family */
extern void model_check_family(const AlModel *model, ModelFamily family, const char *function);
extern void model_precheck_owner(const char *name);
extern void model_lock_for_writing(const char *name, ModelOwnership *o);
extern void model_check_owner(const char *name, const ModelOwnership *o);

/* The store (model_store.c); SPI must be connected for the queries. */
extern Size model_weights_size(int k, int d, int m, bool standardized);
extern bytea *model_weights_pack(const al_softmax_model *members, int m);
extern AlModel *model_store_load(int64 id);
extern bool model_store_exists(int64 id);
extern int64 model_store_latest_id(const char *name);
extern int64 model_store_version_id(const char *name, int32 version);
extern void model_store_owner_of(const char *name, Snapshot snap, ModelOwnership *o);
extern Oid	model_store_learner_handle(int64 learner_id);
extern int64 model_store_next_id(void);
extern void model_store_lock_name(const char *name);
extern void model_store_report_conflict(const char *name) pg_attribute_noreturn();
extern uint64 model_store_delete(const char *name);
/* a model version as a value (al.model_export), and back; no SPI */
extern bytea *model_export_pack(const AlModel *model);
extern AlModel *model_export_unpack(bytea *blob, MemoryContext parent);
/* the model of an exported value argument, unpacked once per call site while the bytes stay the same (fn_extra) */
extern AlModel *model_value_get(FunctionCallInfo fcinfo, bytea *blob);

#endif							/* AL_MODEL_H */
