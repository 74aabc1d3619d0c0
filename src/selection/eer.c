/*
 * eer.c - al.expected_error_reduction(model, data, id_column, features,
 * label, options): which unlabeled rows of a table to label next, by
 * expected error reduction (Roy and McCallum 2001) with a stored softmax
 * model.
 *
 * The model is looked up through the store's access checks
 * (model_get_latest); the table is read as the caller (eer_rows.c), which
 * keeps its labeled rows, the M most uncertain unlabeled rows (the
 * candidates) and a seeded sample of S unlabeled rows; the kernel
 * (src/core/select_eer.c) scores the candidates.  The result is the
 * candidates ranked by expected error reduction, 1 = label first.  See
 * doc/selection.md.
 */
#include "postgres.h"

#include <math.h>

#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "eer_glue.h"
#include "select_eer.h"
#include "sql_args.h"

PG_FUNCTION_INFO_V1(al_expected_error_reduction);

/*
 * Most work of one call, in multiply-adds as al_eer_work_estimate counts
 * them: about 100 s on the benchmark's machine (the defaults on 100 labels
 * of 64 features, 3.8e9, take under a second).
 */
#define EER_MAX_WORK 5e11

/* Everything the call was asked for, with defaults filled in. */
typedef struct EerRequest
{
	al_eer_options opt;			/* loss, steps */
	EerSourceSpec spec;			/* candidates, sample, seed, uncertainty */
} EerRequest;

/* A ranked candidate. */
typedef struct EerRanked
{
	int			pos;			/* position in the uncertainty order */
	double		reduction;
} EerRanked;

/* A string option's value; ERROR unless it is a JSON string. */
static char *
option_string(const char *key, JsonbValue *v)
{
	if (v->type != jbvString)
		al_bad_option(key, "must be a string");
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* The loss named by option key (zero_one or log); ERROR otherwise. */
al_eer_loss
eer_loss_option(const char *key, JsonbValue *v)
{
	char	   *s = option_string(key, v);

	if (strcmp(s, "zero_one") == 0)
		return AL_EER_LOSS_ZERO_ONE;
	if (strcmp(s, "log") != 0)
		al_bad_option(key, psprintf("must be zero_one or log, not \"%s\"", s));
	return AL_EER_LOSS_LOG;
}

/* Apply one option to the request; ERROR for unknown names and bad values. */
static void
apply_option(void *ctx, const char *key, JsonbValue *v)
{
	EerRequest *req = (EerRequest *) ctx;
	char	   *s;

	if (strcmp(key, "loss") == 0)
		req->opt.loss = eer_loss_option(key, v);
	else if (strcmp(key, "candidates") == 0)
		req->spec.candidates = (int) al_option_integer(key, v, 1, AL_EER_MAX_CANDIDATES);
	else if (strcmp(key, "sample") == 0)
		req->spec.sample = (int) al_option_integer(key, v, 1, AL_EER_MAX_SAMPLE);
	else if (strcmp(key, "steps") == 0)
		req->opt.steps = (int) al_option_integer(key, v, 1, AL_EER_MAX_STEPS);
	else if (strcmp(key, "seed") == 0)
		req->spec.seed = (uint64) al_option_integer(key, v, 0, INT64CONST(9007199254740992));
	else if (strcmp(key, "uncertainty") == 0)
	{
		s = option_string(key, v);
		if (strcmp(s, "entropy") == 0)
			req->spec.uncertainty = EER_ENTROPY;
		else if (strcmp(s, "margin") == 0)
			req->spec.uncertainty = EER_MARGIN;
		else if (strcmp(s, "least_confidence") == 0)
			req->spec.uncertainty = EER_LEAST_CONFIDENCE;
		else
			al_bad_option(key, psprintf("must be entropy, margin or least_confidence, not \"%s\"", s));
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown option \"%s\"", key),
				 errhint("Valid options are loss, candidates, sample, steps, seed and uncertainty.")));
}

/* Parse the options object (NULL = {}) into req, defaults first. */
static void
parse_options(EerRequest *req, FunctionCallInfo fcinfo, int argno)
{
	memset(req, 0, sizeof(*req));
	al_eer_options_init(&req->opt);
	req->spec.candidates = 100;
	req->spec.sample = 1000;
	req->spec.seed = 0;
	req->spec.uncertainty = EER_ENTROPY;
	if (!PG_ARGISNULL(argno))
		al_options_foreach(PG_GETARG_JSONB_P(argno), apply_option, req);
}

/*
 * ERROR unless the model can be updated: a single model (not a committee)
 * with the c it was trained with.
 */
static void
check_model(const AlModel *model)
{
	if (model->members != 1)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("expected error reduction needs a single model, model \"%s\" is a committee of %d members",
						model->name, model->members),
				 errhint("Train a model with \"members\": 1.")));
	if (!(isfinite(model->train_c) && model->train_c > 0))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored options of model \"%s\" have no valid c", model->name)));
}

/*
 * ERROR (54000) if scoring the candidates read would pass EER_MAX_WORK:
 * checked on the rows actually read (candidates and sample rows are at
 * most the pool's rows), before any update.
 */
static void
check_work(const al_softmax_model *model, int steps, const EerRows *rows)
{
	int			kk = al_eer_present_classes(model);
	double		work = al_eer_work_estimate(rows->cand.count, rows->sample.count, rows->n,
											model->d, kk, steps);

	if (work > EER_MAX_WORK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("expected error reduction would take about %.2g multiply-adds, more than the limit of %.2g",
						work, EER_MAX_WORK),
				 errdetail("%d candidates x %d classes = " INT64_FORMAT " updates of %d steps on %d labeled rows, each predicting %d sample rows of %d features.",
						   rows->cand.count, kk, (int64) rows->cand.count * kk, steps,
						   rows->n, rows->sample.count, model->d),
				 errhint("Use fewer candidates, a smaller sample or fewer steps.")));
}

/* ERROR for a failed kernel call, in terms of the SQL call. */
static void
report_eer_error(al_eer_status st, const al_eer_report *rep)
{
	if (st == AL_EER_NO_MEMORY)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory in expected error reduction")));
	if (st == AL_EER_NUMERIC)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("expected error reduction is out of range: %s", al_eer_status_message(st)),
				 errhint("Scale the features down.")));
	if (st == AL_EER_TRAIN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expected error reduction could not update the model: %s",
						al_sm_status_message(rep->train_status))));
	elog(ERROR, "expected error reduction failed: %s", al_eer_status_message(st));
}

/* qsort comparator: higher reduction first, then the uncertainty order. */
static int
cmp_ranked(const void *a, const void *b)
{
	const EerRanked *x = a;
	const EerRanked *y = b;

	if (x->reduction != y->reduction)
		return x->reduction > y->reduction ? -1 : 1;
	return x->pos - y->pos;
}

/*
 * Rank the candidates of rows (at least one) by expected error reduction
 * with model, a single model trained with c: returns order[m], order[r] =
 * the position (in the candidates' heap order, best uncertainty first:
 * row_heap_row(&rows->cand, pos)) of rank r + 1; expected_error and
 * reduction by position.  Shared by al.expected_error_reduction and a
 * learner's round (src/loop/round_select.c).  ERROR past EER_MAX_WORK.
 */
int *
eer_rank(const al_softmax_model *model, double c, EerRows *rows, al_eer_options *opt,
		 double **expected_error, double **reduction)
{
	al_softmax_data labeled = {rows->lx, rows->ly, NULL, rows->n, model->d, model->k};
	al_eer_input in;
	al_eer_report rep;
	al_eer_status st;
	int			m = rows->cand.count;
	double	   *ee = palloc(sizeof(double) * m);
	double	   *red = palloc(sizeof(double) * m);
	EerRanked  *r = palloc(sizeof(EerRanked) * m);
	int		   *order = palloc(sizeof(int) * m);

	check_work(model, opt->steps, rows);
	in.model = model;
	in.labeled = &labeled;
	in.cand = row_heap_sorted_x(&rows->cand);
	in.m = m;
	in.sample = row_heap_sorted_x(&rows->sample);
	in.s = rows->sample.count;
	opt->train.c = c;
	model_core_hooks(&opt->train);
	st = al_eer_expected_error(&in, opt, ee, red, &rep);
	if (st != AL_EER_OK)
		report_eer_error(st, &rep);
	elog(DEBUG1, "expected error reduction: %d labeled, " INT64_FORMAT " pool rows, %d candidates, %d sample rows; %d updates, %ld iterations, %ld evaluations; updates %.3f s, predictions %.3f s",
		 rows->n, rows->pool_rows, in.m, in.s, rep.updates, rep.iterations, rep.evaluations,
		 rep.update_seconds, rep.predict_seconds);
	for (int i = 0; i < m; i++)
	{
		r[i].pos = i;
		r[i].reduction = red[i];
	}
	qsort(r, m, sizeof(EerRanked), cmp_ranked);
	for (int i = 0; i < m; i++)
		order[i] = r[i].pos;
	*expected_error = ee;
	*reduction = red;
	return order;
}

/* Put one result row per candidate, in rank order. */
static void
emit_ranked(FunctionCallInfo fcinfo, const EerRows *rows, const int *order, const double *ee,
			const double *red)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	for (int i = 0; i < rows->cand.count; i++)
	{
		const HeapRow *row = row_heap_row(&rows->cand, order[i]);
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = CStringGetTextDatum(row->id);
		values[1] = Int32GetDatum(i + 1);
		values[2] = Float8GetDatum(ee[order[i]]);
		values[3] = Float8GetDatum(red[order[i]]);
		values[4] = Float8GetDatum(row->score);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * al.expected_error_reduction(model text, data regclass, id_column name,
 * features name, label name, options jsonb) -> setof (item_id text, rank
 * integer, expected_error, reduction, uncertainty): the candidates ranked
 * by expected error reduction (rank 1 = label first).
 */
Datum
al_expected_error_reduction(PG_FUNCTION_ARGS)
{
	EerRequest	req;
	AlModel    *model;
	EerRows		rows;

	al_require_arg(fcinfo, 0, "model name");
	al_require_arg(fcinfo, 1, "data");
	al_require_arg(fcinfo, 2, "id column");
	al_require_arg(fcinfo, 3, "feature column");
	al_require_arg(fcinfo, 4, "label column");
	parse_options(&req, fcinfo, 5);
	model = model_get_latest(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	model_check_family(model, MODEL_SOFTMAX, "al.expected_error_reduction");
	check_model(model);
	InitMaterializedSRF(fcinfo, 0);
	req.spec.relid = PG_GETARG_OID(1);
	req.spec.id_column = NameStr(*PG_GETARG_NAME(2));
	req.spec.features = NameStr(*PG_GETARG_NAME(3));
	req.spec.label = NameStr(*PG_GETARG_NAME(4));
	SPI_connect();
	eer_read_rows(model, &req.spec, &rows);
	if (rows.cand.count > 0)
	{
		double	   *ee,
				   *red;
		int		   *order;

		/* the heaps' contiguous copies (eer_rank), and the kernel's own memory */
		eer_charge(&rows, (double) (rows.cand.count + rows.sample.count) * sizeof(float) * model->d +
				   (double) al_eer_memory_bytes(&req.opt, rows.cand.count, rows.sample.count, rows.n,
												model->d, model->k, al_eer_present_classes(&model->m[0]), 0),
				   "The look-ahead updates and their predictions", "Use fewer candidates or a smaller sample.");
		order = eer_rank(&model->m[0], model->train_c, &rows, &req.opt, &ee, &red);

		emit_ranked(fcinfo, &rows, order, ee, red);
	}
	SPI_finish();
	return (Datum) 0;
}
