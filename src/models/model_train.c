/*
 * model_train.c - al.train_model and al.drop_model.
 *
 * The training rows are read with the caller's identity (model_rows.c:
 * table and column privileges and row-level security apply), trained in
 * the core (src/core/softmax_*), and stored as a new version in
 * al.model_store by the store owner.  Nothing is overwritten: each
 * training adds a version; trainings of one name are serialized by the
 * name's lock, and who may add the version is checked under it
 * (model_lock_for_writing).  A new standalone name gets a handle owned by
 * the caller; a learner's versions belong to the learner (model_acl.c).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "tcop/utility.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/regproc.h"

#include "al_blas.h"
#include "al_ext.h"
#include "class_weight.h"
#include "committee_model.h"
#include "eval_metrics.h"
#include "handle.h"
#include "identity.h"
#include "model.h"
#include "ovr_model.h"
#include "ridge.h"
#include "sql_args.h"
#include "train_request.h"

PG_FUNCTION_INFO_V1(al_train_model);
PG_FUNCTION_INFO_V1(al_drop_model);

/* palloc for the core's allocator hook: NULL instead of ERROR when out of memory. */
static void *
core_alloc(size_t size)
{
	return MemoryContextAllocExtended(CurrentMemoryContext, Max(size, 1),
									  MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

/* pfree for the core's allocator hook. */
static void
core_free(void *ptr)
{
	if (ptr)
		pfree(ptr);
}

/* Progress hook: lets a long fit be cancelled. */
static int
core_progress(void *arg, int iter, double f, double gnorm)
{
	CHECK_FOR_INTERRUPTS();
	return 0;
}

/*
 * Give the core palloc (in the current memory context, so a cancelled
 * fit's buffers go with it) and CHECK_FOR_INTERRUPTS at every iteration.
 */
void
model_core_hooks(al_softmax_options *opt)
{
	opt->alloc_fn = core_alloc;
	opt->free_fn = core_free;
	opt->progress = core_progress;
}

/* ERROR for a failed fit, in terms of the SQL call. */
static void
report_fit_error(al_sm_status st)
{
	if (st == AL_SM_ONE_CLASS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the training rows left after the holdout hold a single class"),
				 errhint("Use a smaller holdout or more labels.")));
	if (st == AL_SM_NO_MEMORY)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory while training")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("training failed: %s", al_sm_status_message(st))));
}

/* Name of a stop reason, for the metrics. */
static const char *
stop_name(al_sm_stop stop)
{
	switch (stop)
	{
		case AL_SM_STOP_GTOL:
			return "gtol";
		case AL_SM_STOP_FTOL:
			return "ftol";
		case AL_SM_STOP_MAX_ITER:
			return "max_iter";
		case AL_SM_STOP_LINE_SEARCH:
			return "line_search";
		case AL_SM_STOP_TRIVIAL:
			return "trivial";
	}
	return "unknown";
}

/* Append a double as JSON (null when not finite). */
static void
append_json_double(StringInfo buf, const char *key, double v)
{
	appendStringInfo(buf, "\"%s\": %s", key, isfinite(v) ? float8out_internal(v) : "null");
}

/*
 * Append the members' L-BFGS reports as a JSON array, then the keys
 * converged, objective, grad_norm and iterations (of the first member).
 */
static void
append_member_reports(StringInfo buf, const al_softmax_report *reps, int members)
{
	int			i;
	bool		converged = true;

	appendStringInfoChar(buf, '[');
	for (i = 0; i < members; i++)
	{
		appendStringInfo(buf, "%s{", i ? ", " : "");
		append_json_double(buf, "objective", reps[i].objective);
		appendStringInfoString(buf, ", ");
		append_json_double(buf, "grad_norm", reps[i].grad_inf);
		appendStringInfo(buf, ", \"iterations\": %d, \"evaluations\": %d, \"converged\": %s, \"stop\": \"%s\"}",
						 reps[i].iterations, reps[i].n_evals,
						 reps[i].converged ? "true" : "false", stop_name(reps[i].stop));
		converged &= (reps[i].converged != 0);
	}
	appendStringInfo(buf, "], \"converged\": %s, ", converged ? "true" : "false");
	append_json_double(buf, "objective", reps[0].objective);
	appendStringInfoString(buf, ", ");
	append_json_double(buf, "grad_norm", reps[0].grad_inf);
	appendStringInfo(buf, ", \"iterations\": %d", reps[0].iterations);
}

/* The metrics object: per member, then the committee's holdout figures. */
static char *
metrics_json(const TrainRequest *req, const TrainData *data, const al_softmax_report *reps,
			 int n_train, int n_hold, double hold_acc, double hold_loss,
			 double train_acc, double seconds)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"train_rows\": %d, \"holdout_rows\": %d, \"classes\": %d, \"features\": %d, \"members\": ",
					 n_train, n_hold, data->k, data->d);
	append_member_reports(&buf, reps, req->opt.members);
	appendStringInfoString(&buf, ", ");
	append_json_double(&buf, "train_accuracy", train_acc);
	if (n_hold > 0)
	{
		appendStringInfoString(&buf, ", ");
		append_json_double(&buf, "holdout_accuracy", hold_acc);
		appendStringInfoString(&buf, ", ");
		append_json_double(&buf, "holdout_log_loss", hold_loss);
	}
	appendStringInfoString(&buf, ", ");
	append_json_double(&buf, "seconds", seconds);
	appendStringInfo(&buf, ", \"blas_core\": \"%s\"}", al_blas_corename());
	return buf.data;
}

/*
 * The handle of a new standalone model, owned by the caller and named after
 * id, its first version's id.  Its comment does not name the model: every
 * role can read pg_class, while only those who may use a model see its name
 * in al.models.
 */
static Oid
create_model_handle(int64 id)
{
	return al_handle_create("model", id, GetUserId(),
							"an al_ext model: its owner owns the model, SELECT on it lets a role use the model (al.models shows it)");
}

/*
 * Take name's lock and check, under it, that the version may be stored:
 * al.train_model needs the owner's privileges on an existing name (a new
 * one gets a handle owned by the caller); a learner's round stores into a
 * name that is new or its learner's.  Draws the new row's id (after the
 * lock: ids grow with versions) and returns the handle for the new row
 * (InvalidOid for a learner's model).  SPI is connected.
 */
static Oid
claim_name(const TrainRequest *req, int64 *id)
{
	ModelOwnership o;

	model_lock_for_writing(req->name, &o);
	if (req->learner_id == 0)
		model_check_owner(req->name, &o);
	else if (o.exists && o.learner_id != req->learner_id)
		elog(ERROR, "model \"%s\" does not belong to learner " INT64_FORMAT,
			 req->name, req->learner_id);
	*id = model_store_next_id();
	if (req->learner_id != 0)
		return InvalidOid;
	return o.exists ? o.handle : create_model_handle(*id);
}

/*
 * Insert the new version as the store owner, once claim_name allowed it;
 * returns its id.  The statement that reads the latest version runs after
 * the name's lock, with a snapshot that sees the versions of every earlier
 * holder of the lock.  SPI is connected.
 */
static int64
store_model(const TrainRequest *req, const TrainData *data, const al_softmax_model *models,
			const char *options, const char *metrics, int32 *version)
{
	static const char *sql =
		"INSERT INTO al.model_store (id, name, version, handle, learner_id, classes, n_features, members, standardized, options, metrics, weights, family) "
		"SELECT $1, $2, coalesce(pg_catalog.max(version), 0) OPERATOR(pg_catalog.+) 1, $3, $4, "
		"       $5, $6, $7, $8, $9::pg_catalog.jsonb, $10::pg_catalog.jsonb, $11, $12 "
		"FROM al.model_store WHERE name OPERATOR(pg_catalog.=) $2 RETURNING version";
	Oid			types[12] = {INT8OID, TEXTOID, REGCLASSOID, INT8OID, TEXTARRAYOID, INT4OID,
		INT4OID, BOOLOID, TEXTOID, TEXTOID, BYTEAOID, TEXTOID};
	Datum		args[12];
	char		nulls[12];
	Datum	   *labels = (Datum *) palloc(sizeof(Datum) * Max(data->k, 1));
	AlIdentity	save;
	bool		isnull;
	int			i;
	int64		id;
	Oid			handle;

	for (i = 0; i < data->k; i++)
		labels[i] = CStringGetTextDatum(data->classes[i]);
	handle = claim_name(req, &id);
	memset(nulls, ' ', sizeof(nulls));
	args[0] = Int64GetDatum(id);
	args[1] = CStringGetTextDatum(req->name);
	args[2] = ObjectIdGetDatum(handle);
	nulls[2] = OidIsValid(handle) ? ' ' : 'n';
	args[3] = Int64GetDatum(req->learner_id);
	nulls[3] = req->learner_id != 0 ? ' ' : 'n';
	args[4] = PointerGetDatum(construct_array(labels, data->k, TEXTOID, -1, false, TYPALIGN_INT));
	args[5] = Int32GetDatum(data->d);
	args[6] = Int32GetDatum(req->opt.members);
	args[7] = BoolGetDatum(req->opt.standardize != 0);
	args[8] = CStringGetTextDatum(options);
	args[9] = CStringGetTextDatum(metrics);
	args[10] = PointerGetDatum(model_weights_pack(models, req->opt.members));
	args[11] = CStringGetTextDatum(model_family_name(req->family));
	al_become_store_owner(&save);
	if (SPI_execute_with_args(sql, 12, types, args, nulls, false, 1) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "could not store model \"%s\"", req->name);
	al_restore(&save);
	*version = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	return id;
}

/*
 * Holdout split through zero weights (class weights multiply them later,
 * so a held-out row keeps weight 0); fills both row lists.
 */
static void
split_holdout(const TrainRequest *req, const TrainData *data, double *weights,
			  int *train_idx, int *n_train, int *hold_idx, int *n_hold)
{
	int			i;
	al_sm_status st = al_softmax_holdout_split(data->n, req->holdout, req->opt.seed,
											   train_idx, n_train, hold_idx, n_hold);

	if (st != AL_SM_OK)
		report_fit_error(st);
	for (i = 0; i < data->n; i++)
		weights[i] = 1.0;
	for (i = 0; i < *n_hold; i++)
		weights[hold_idx[i]] = 0.0;
}

/*
 * ERROR, before any training, for a model the store could not hold or
 * load back: too many features, or weights over the 1 GB a value can have.
 */
static void
check_storable(const TrainRequest *req, const TrainData *data)
{
	if (data->k > MODEL_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("training data has %d classes; at most %d are supported",
						data->k, MODEL_MAX_CLASSES)));
	if (data->d > MODEL_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("training data has %d features; at most %d are supported",
						data->d, MODEL_MAX_FEATURES)));
	if (model_weights_size(data->k, data->d, req->opt.members, req->opt.standardize != 0) >
		MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a model of %d members, %d classes and %d features is too large to store",
						req->opt.members, data->k, data->d),
				 errhint("Its weights must fit in 1 GB: use fewer members or features.")));
}

/*
 * Fit the committee on data (holdout by zero weights), evaluate it and store
 * it as a new version; fills fit.  SPI is connected.
 */
static void
fit_and_store(TrainRequest *req, TrainData *data, ModelFit *fit)
{
	al_softmax_data sd;
	al_softmax_model *models;
	al_softmax_report *reps;
	double	   *weights = (double *) palloc_extended(sizeof(double) * data->n, MCXT_ALLOC_HUGE);
	int		   *train_idx = (int *) palloc_extended(sizeof(int) * data->n, MCXT_ALLOC_HUGE);
	int		   *hold_idx = (int *) palloc_extended(sizeof(int) * data->n, MCXT_ALLOC_HUGE);
	double	   *scratch = (double *) palloc(sizeof(double) * 2 * data->k);
	int			n_train,
				n_hold;
	double		train_acc = NAN,
				train_loss;
	instr_time	start,
				elapsed;
	al_sm_status st;

	check_storable(req, data);
	split_holdout(req, data, weights, train_idx, &n_train, hold_idx, &n_hold);
	al_class_weight_apply(&req->class_weight, data->classes, data->k, data->y, data->n, weights);
	sd.x = data->x;
	sd.y = data->y;
	sd.weight = weights;
	sd.n = data->n;
	sd.d = data->d;
	sd.k = data->k;
	models = (al_softmax_model *) palloc0(sizeof(al_softmax_model) * req->opt.members);
	reps = (al_softmax_report *) palloc0(sizeof(al_softmax_report) * req->opt.members);
	al_blas_ensure();
	INSTR_TIME_SET_CURRENT(start);
	st = al_softmax_fit_committee(&sd, &req->opt, models, reps);
	if (st != AL_SM_OK)
		report_fit_error(st);
	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	fit->holdout_accuracy = NAN;
	fit->holdout_log_loss = NAN;
	if (n_hold > 0)
		al_committee_evaluate(models, req->opt.members, data->x, data->y, hold_idx, n_hold,
							  scratch, &fit->holdout_accuracy, &fit->holdout_log_loss);
	al_committee_evaluate(models, req->opt.members, data->x, data->y, train_idx, n_train,
						  scratch, &train_acc, &train_loss);
	fit->models = models;
	fit->members = req->opt.members;
	fit->c = req->opt.c;
	fit->id = store_model(req, data, models, train_options_json(req),
						  metrics_json(req, data, reps, n_train, n_hold, fit->holdout_accuracy,
									   fit->holdout_log_loss, train_acc,
									   INSTR_TIME_GET_DOUBLE(elapsed)), &fit->version);
}

/*
 * The metrics object of a one-vs-rest or ridge model: rows, classes,
 * features, the members' reports (L-BFGS for ovr, the objective for
 * ridge), the training figures (train, already JSON keys) and the time.
 */
static char *
family_metrics_json(const TrainRequest *req, const TrainData *data,
					const al_softmax_report *reps, const char *train, double seconds)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"train_rows\": %d, ", data->n);
	if (req->family == MODEL_OVR)
		appendStringInfo(&buf, "\"classes\": %d, ", data->k);
	appendStringInfo(&buf, "\"features\": %d, \"members\": ", data->d);
	if (req->family == MODEL_OVR)
		append_member_reports(&buf, reps, req->opt.members);
	else
	{
		for (i = 0; i < req->opt.members; i++)
		{
			appendStringInfoString(&buf, i ? ", {" : "[{");
			append_json_double(&buf, "objective", reps[i].objective);
			appendStringInfoChar(&buf, '}');
		}
		appendStringInfoString(&buf, "], ");
		append_json_double(&buf, "objective", reps[0].objective);
	}
	appendStringInfo(&buf, ", %s, ", train);
	append_json_double(&buf, "seconds", seconds);
	appendStringInfo(&buf, ", \"blas_core\": \"%s\"}", al_blas_corename());
	return buf.data;
}

/*
 * Training figures of a one-vs-rest committee (its mean probabilities,
 * threshold 0.5) on its training rows: subset accuracy (the whole set
 * right) and Hamming loss (the share of wrong label decisions).
 */
static char *
ovr_train_figures(const al_softmax_model *models, int members, const TrainData *data)
{
	double	   *p = (double *) palloc(sizeof(double) * 2 * data->k);
	double		exact = 0,
				wrong = 0;
	StringInfoData buf;
	int			i,
				c;

	for (i = 0; i < data->n; i++)
	{
		const unsigned char *y = data->sets + (Size) i * data->k;
		int			row_wrong = 0;

		al_ovr_committee_predict_row(models, members, data->x + (Size) i * data->d, p, p + data->k);
		for (c = 0; c < data->k; c++)
			row_wrong += ((p[c] >= 0.5) != (y[c] != 0));
		wrong += row_wrong;
		exact += (row_wrong == 0);
	}
	initStringInfo(&buf);
	append_json_double(&buf, "train_subset_accuracy", exact / data->n);
	appendStringInfoString(&buf, ", ");
	append_json_double(&buf, "train_hamming_loss", wrong / ((double) data->n * data->k));
	return buf.data;
}

/* Fill fit with the members of a one-vs-rest or ridge version (its id and version come from the store). */
static void
fit_from_members(ModelFit *fit, al_softmax_model *models, const TrainRequest *req)
{
	fit->models = models;
	fit->members = req->opt.members;
	fit->c = req->family == MODEL_RIDGE ? req->alpha : req->opt.c;
	fit->holdout_accuracy = NAN;
	fit->holdout_log_loss = NAN;
}

/*
 * Fit a one-vs-rest committee on data (its label sets) and store it as a
 * new version; fills fit (no holdout figures).  SPI is connected.
 */
static void
fit_store_ovr(TrainRequest *req, TrainData *data, ModelFit *fit)
{
	al_ovr_data od;
	al_softmax_model *models;
	al_softmax_report *reps;
	instr_time	start,
				elapsed;
	al_sm_status st;

	check_storable(req, data);
	od.x = data->x;
	od.y = data->sets;
	od.weight = NULL;
	od.n = data->n;
	od.d = data->d;
	od.k = data->k;
	models = (al_softmax_model *) palloc0(sizeof(al_softmax_model) * req->opt.members);
	reps = (al_softmax_report *) palloc0(sizeof(al_softmax_report) * req->opt.members);
	al_blas_ensure();
	INSTR_TIME_SET_CURRENT(start);
	st = al_ovr_fit_committee(&od, &req->opt, models, reps);
	if (st != AL_SM_OK)
		report_fit_error(st);
	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	fit_from_members(fit, models, req);
	fit->id = store_model(req, data, models, train_options_json(req),
						  family_metrics_json(req, data, reps,
											  ovr_train_figures(models, req->opt.members, data),
											  INSTR_TIME_GET_DOUBLE(elapsed)), &fit->version);
}

/* ERROR for a failed ridge fit of a stored model. */
static void
report_ridge_error(al_ridge_status st, const TrainData *data)
{
	if (st == AL_RIDGE_NO_MEMORY)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory for a ridge regression of %d features", data->d)));
	if (st == AL_RIDGE_BAD_DIM)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("training data has %d features; ridge regression takes at most %d",
						data->d, AL_RIDGE_MAX_FEATURES)));
	if (st == AL_RIDGE_TOO_FEW_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ridge regression needs at least 2 rows with a target, not %d", data->n)));
	if (st == AL_RIDGE_NUMERIC)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("ridge regression is out of range: its sums or its solution are not finite"),
				 errhint("Scale the features or the target down.")));
	elog(ERROR, "unexpected ridge status %d", (int) st);
}

/*
 * Training figures of a ridge committee (the members' mean prediction) on
 * its training rows: root mean squared error and R^2 (al_eval_regression,
 * the learning curve's kernel: R^2 null for constant targets).
 */
static char *
ridge_train_figures(const al_softmax_model *models, int members, const TrainData *data)
{
	double	   *pred = (double *) palloc_extended(sizeof(double) * Max(data->n, 1), MCXT_ALLOC_HUGE);
	double		z;
	al_reg_metrics rm;
	StringInfoData buf;
	int			i,
				m;

	for (i = 0; i < data->n; i++)
	{
		pred[i] = 0;
		for (m = 0; m < members; m++)
		{
			al_softmax_logits_row(&models[m], data->x + (Size) i * data->d, &z);
			pred[i] += z / members;
		}
	}
	al_eval_regression(data->target, pred, data->n, &rm);
	initStringInfo(&buf);
	append_json_double(&buf, "train_rmse", rm.rmse);
	appendStringInfoString(&buf, ", ");
	append_json_double(&buf, "train_r2", rm.r2);
	return buf.data;
}

/*
 * Fit a ridge committee on data (its targets): member m solves ridge on
 * its bootstrap draw counts (as a softmax committee draws them), each a
 * model of one output with its coefficients in the original units; store
 * it as a new version and fill fit (no holdout figures).  SPI is connected.
 */
static void
fit_store_ridge(TrainRequest *req, TrainData *data, ModelFit *fit)
{
	int			members = req->opt.members,
				m;
	al_softmax_model *models = (al_softmax_model *) palloc0(sizeof(al_softmax_model) * members);
	al_softmax_report *reps = (al_softmax_report *) palloc0(sizeof(al_softmax_report) * members);
	double	   *counts = (double *) palloc_extended(sizeof(double) * data->n, MCXT_ALLOC_HUGE);
	int		   *pos = (int *) palloc_extended(sizeof(int) * data->n, MCXT_ALLOC_HUGE);
	instr_time	start,
				elapsed;

	data->k = 1;				/* one output: the storable size */
	check_storable(req, data);
	data->k = 0;
	al_blas_ensure();
	INSTR_TIME_SET_CURRENT(start);
	for (m = 0; m < members; m++)
	{
		const double *w = al_softmax_member_weights(NULL, data->n, &req->opt, m, counts, pos);
		al_ridge_status st;

		if (al_softmax_model_alloc(&models[m], 1, data->d, 0, &req->opt) != AL_SM_OK)
			report_ridge_error(AL_RIDGE_NO_MEMORY, data);
		st = al_ridge_fit_rows(data->x, data->target, w, data->n, data->d, req->alpha,
							   req->opt.standardize, req->opt.alloc_fn, req->opt.free_fn,
							   models[m].coef, models[m].intercept, &reps[m].objective);
		if (st != AL_RIDGE_OK)
			report_ridge_error(st, data);
		CHECK_FOR_INTERRUPTS();
	}
	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	fit_from_members(fit, models, req);
	fit->id = store_model(req, data, models, train_options_json(req),
						  family_metrics_json(req, data, reps,
											  ridge_train_figures(models, members, data),
											  INSTR_TIME_GET_DOUBLE(elapsed)), &fit->version);
}

/*
 * Train a new version of model `name` of learner learner_id on rows already
 * in memory (the learner's round uses this, after checking the caller may
 * run it); classes are given, in their order, and class_weight names
 * only them.  The version belongs to the
 * learner.  SPI is connected.  ERRORs as al.train_model does.
 */
void
model_fit_store(const char *name, int64 learner_id, char **classes, int k, float *x, int *y,
				int n, int d, const al_softmax_options *opt, double holdout,
				const AlClassWeight *class_weight, ModelFit *fit)
{
	TrainRequest req = {0};
	TrainData	data = {0};

	Assert(learner_id != 0);
	req.name = pstrdup(name);
	req.learner_id = learner_id;
	req.opt = *opt;
	model_core_hooks(&req.opt);
	req.holdout = holdout;
	req.class_weight = *class_weight;
	data.x = x;
	data.y = y;
	data.n = n;
	data.d = d;
	data.classes = classes;
	data.k = k;
	fit_and_store(&req, &data, fit);
}

/*
 * Train a new version of a multi-label (ovr: data->sets over the classes
 * data->classes) or regression (ridge: data->target) model of learner
 * learner_id on rows in memory, as model_fit_store does for softmax; alpha
 * is ridge's penalty.  SPI is connected.
 */
void
model_fit_store_family(const char *name, int64 learner_id, ModelFamily family, TrainData *data,
					   const al_softmax_options *opt, double alpha, ModelFit *fit)
{
	TrainRequest req = {0};

	Assert(learner_id != 0 && family != MODEL_SOFTMAX);
	req.name = pstrdup(name);
	req.learner_id = learner_id;
	req.opt = *opt;
	model_core_hooks(&req.opt);
	req.family = family;
	req.alpha = alpha;
	req.given = family == MODEL_RIDGE ? OPT_ALPHA : OPT_C | OPT_MAX_ITER | OPT_CLASSES;
	if (family == MODEL_OVR)
	{
		req.classes = data->classes;
		req.n_classes = data->k;
		fit_store_ovr(&req, data, fit);
	}
	else
		fit_store_ridge(&req, data, fit);
}

/*
 * ERROR for a name al.train_model may not use: empty, or learner/...,
 * which belong to the learners (their rounds train them).
 */
static void
check_standalone_name(const char *name)
{
	if (name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model name must not be empty")));
	if (strncmp(name, LEARNER_MODEL_PREFIX, strlen(LEARNER_MODEL_PREFIX)) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("model name \"%s\" is reserved for the models of learner \"%s\"",
						name, name + strlen(LEARNER_MODEL_PREFIX)),
				 errhint("A learner's rounds train its models (al.run_learner, al.retrain); choose a name that does not start with \"%s\".",
						 LEARNER_MODEL_PREFIX)));
}

/*
 * al.train_model(name, data regclass, features name, label name,
 * options jsonb) -> bigint: train a new version of a model on the labeled
 * rows of data and return its id.
 */
Datum
al_train_model(PG_FUNCTION_ARGS)
{
	TrainRequest req;
	TrainData	data = {0};
	ModelFit	fit;

	al_require_arg(fcinfo, 0, "model name");
	al_require_arg(fcinfo, 1, "data");
	al_require_arg(fcinfo, 2, "feature column");
	al_require_arg(fcinfo, 3, "label column");
	PreventCommandIfReadOnly("al.train_model()");
	memset(&req, 0, sizeof(req));
	req.name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	check_standalone_name(req.name);
	train_parse_options(&req, PG_ARGISNULL(4) ? DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")))
				  : PG_GETARG_JSONB_P(4));
	SPI_connect();
	model_precheck_owner(req.name);
	if (req.family == MODEL_SOFTMAX)
	{
		model_read_training_data(PG_GETARG_OID(1), NameStr(*PG_GETARG_NAME(2)),
								 NameStr(*PG_GETARG_NAME(3)), &data);
		fit_and_store(&req, &data, &fit);
	}
	else
	{
		model_read_family_data(PG_GETARG_OID(1), NameStr(*PG_GETARG_NAME(2)),
							   NameStr(*PG_GETARG_NAME(3)), req.family, req.classes,
							   req.n_classes, &data);
		if (req.family == MODEL_OVR)
			fit_store_ovr(&req, &data, &fit);
		else
			fit_store_ridge(&req, &data, &fit);
	}
	SPI_finish();
	PG_RETURN_INT64(fit.id);
}

/*
 * al.drop_model(name) -> integer: delete every version and the handle;
 * returns how many versions.  Needs the owner's privileges, checked under
 * the name's lock; a learner's models go only with the learner.
 */
Datum
al_drop_model(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ModelOwnership o;
	uint64		dropped;

	PreventCommandIfReadOnly("al.drop_model()");
	SPI_connect();
	model_precheck_owner(name);
	model_lock_for_writing(name, &o);
	if (!o.exists)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name)));
	model_check_owner(name, &o);
	dropped = model_store_delete(name);
	al_handle_drop(o.handle);
	SPI_finish();
	PG_RETURN_INT32((int32) dropped);
}
