/*
 * family_kinds.c - what each model family of learners does in a round
 * (family.h's LearnerFamily): multi-label learners (ovr: labels are sets
 * of the learner's classes; the outputs of a row are its label
 * probabilities) and regression learners (ridge: labels are numbers; the
 * outputs of a row are its committee members' predictions).  The scores
 * and metrics are the core kernels (multilabel.c, regression.c,
 * eval_metrics.c), as the SQL functions of the same names use them.
 * al._round_outputs predicts one row with a family's predict for a round
 * that scores in the pool (option score_in).
 */
#include "postgres.h"

#include <errno.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/float.h"

#include "al_ext.h"
#include "eval_metrics.h"
#include "family.h"
#include "multilabel.h"
#include "ovr_model.h"
#include "regression.h"

PG_FUNCTION_INFO_V1(al_round_outputs);

/* The strategies of multi-label learners ("entropy": the mean binary entropy). */
enum
{
	OVR_ENTROPY, OVR_MEAN_BINARY_ENTROPY, OVR_BINARY_MINIMUM, OVR_MAX_LOSS, OVR_MEAN_MAX_LOSS,
	OVR_LCI, OVR_RANDOM
};
static const FamilyStrategy ovr_strategies[] = {
	{"entropy", false, false},
	{"mean_binary_entropy", false, false},
	{"binary_minimum", false, false},
	{"max_loss", false, false},
	{"mean_max_loss", false, false},
	{"label_cardinality_inconsistency", false, false},
	{"random", false, true},
};

/* The strategies of regression learners. */
enum
{
	RIDGE_COMMITTEE_STD, RIDGE_EMCM, RIDGE_RANDOM
};
static const FamilyStrategy ridge_strategies[] = {
	{"committee_std", true, false},
	{"emcm", true, false},
	{"random", false, true},
};

/* The index of strategy name in f's strategies, or -1. */
int
family_strategy_index(const LearnerFamily *f, const char *name)
{
	for (int s = 0; s < f->n_strategies; s++)
		if (strcmp(f->strategies[s].name, name) == 0)
			return s;
	return -1;
}

/*
 * Read label (a text[] literal) as a set of l's classes into in (k
 * flags), or ERROR: not an array literal, more than one dimension, a
 * NULL, a value that is not a class, a class twice (not a set).
 */
static void
ovr_read_set(const Learner *l, const char *label, const char *where, bool *in)
{
	const char *p = label;
	ArrayType  *a;
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p != '{')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label \"%s\"%s of multi-label learner \"%s\" is not a set of classes", label, where,
						l->name),
				 errhint("Write the set as a text[] literal of its classes, such as '{%s}', or '{}' for none.",
						 l->classes[0])));
	/* (array_in caches in its flinfo: called through an fmgr lookup, not directly) */
	a = DatumGetArrayTypeP(OidInputFunctionCall(F_ARRAY_IN, unconstify(char *, label), TEXTOID, -1));
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label \"%s\"%s of multi-label learner \"%s\" is not a one-dimensional set", label,
						where, l->name)));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	memset(in, 0, sizeof(bool) * l->k);
	for (int i = 0; i < n; i++)
	{
		char	   *c = nulls[i] ? NULL : TextDatumGetCString(elems[i]);
		int			idx = c ? learner_class_index(l, c) : -1;

		if (c == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("label \"%s\"%s of multi-label learner \"%s\" contains a null", label, where,
							l->name)));
		if (idx < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" in label \"%s\"%s is not a class of learner \"%s\"", c, label, where,
							l->name),
					 errdetail("The classes are: %s.", learner_classes_text(l))));
		if (in[idx])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("label \"%s\"%s of multi-label learner \"%s\" is not a set: it lists \"%s\" twice",
							label, where, l->name, c)));
		in[idx] = true;
	}
}

/* The canonical text of a set of classes: a text[] literal in the classes' order. */
static char *
ovr_set_text(const Learner *l, const bool *in)
{
	Datum	   *elems = (Datum *) palloc(sizeof(Datum) * l->k);
	int			n = 0;

	for (int c = 0; c < l->k; c++)
		if (in[c])
			elems[n++] = CStringGetTextDatum(l->classes[c]);
	return OidOutputFunctionCall(F_ARRAY_OUT,
								 PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT)));
}

/* A multi-label label as stored: its classes in the learner's order, each once. */
static char *
ovr_canonical_label(const Learner *l, const char *label, const char *where)
{
	bool	   *in = (bool *) palloc(sizeof(bool) * l->k);

	ovr_read_set(l, label, where, in);
	return ovr_set_text(l, in);
}

/* The label sets of n labels, as n x k flags. */
static void
ovr_targets(const Learner *l, char **labels, int n, FamilyTargets *t)
{
	bool	   *in = (bool *) palloc(sizeof(bool) * l->k);

	t->values = NULL;
	t->sets = (unsigned char *) palloc_extended((Size) Max(n, 1) * l->k, MCXT_ALLOC_HUGE);
	for (int i = 0; i < n; i++)
	{
		ovr_read_set(l, labels[i], "", in);
		for (int c = 0; c < l->k; c++)
			t->sets[(Size) i * l->k + c] = in[c];
	}
}

/* A multi-label row's outputs: one probability per class. */
static int
ovr_width(int k, const ModelFit *fit)
{
	return k;
}

/* The committee's mean label probabilities of each row. */
static void
ovr_predict(const ModelFit *fit, const float *x, int rows, int d, int width, double *outputs)
{
	double	   *scratch = (double *) palloc(sizeof(double) * width);

	for (int i = 0; i < rows; i++)
		al_ovr_committee_predict_row(fit->models, fit->members, x + (Size) i * d,
									 outputs + (Size) i * width, scratch);
	pfree(scratch);
}

/* The multi-label score of a row (the kernels of al.mean_binary_entropy and the others). */
static double
ovr_score(int strategy, const double *out, int width, double norm, double mean_labels)
{
	al_label_probs p = {NULL, out, width};

	switch (strategy)
	{
		case OVR_ENTROPY:
		case OVR_MEAN_BINARY_ENTROPY:
			return al_mean_binary_entropy(&p);
		case OVR_BINARY_MINIMUM:
			return al_binary_minimum(&p);
		case OVR_MAX_LOSS:
			return al_max_loss(&p);
		case OVR_MEAN_MAX_LOSS:
			return al_mean_max_loss(&p);
		case OVR_LCI:
			return al_label_cardinality_inconsistency(&p, mean_labels);
	}
	elog(ERROR, "unexpected multi-label strategy %d", strategy);
}

/* A row's predicted set: the classes of probability >= 0.5, as a text[] literal. */
static char *
ovr_predicted(const Learner *l, const double *out, int width)
{
	bool	   *in = (bool *) palloc(sizeof(bool) * width);

	for (int c = 0; c < width; c++)
		in[c] = out[c] >= AL_ML_THRESHOLD;
	return ovr_set_text(l, in);
}

/* Micro and macro F1, Hamming loss and subset accuracy of the predicted sets. */
static void
ovr_measure(const Learner *l, const double *outputs, int width, const FamilyTargets *t,
			const int *idx, int n, FamilyMetrics *m)
{
	unsigned char *truth = (unsigned char *) palloc((Size) n * width);
	unsigned char *pred = (unsigned char *) palloc((Size) n * width);
	al_ml_metrics mm;

	for (int i = 0; i < n; i++)
		for (int c = 0; c < width; c++)
		{
			truth[(Size) i * width + c] = t->sets[(Size) idx[i] * width + c];
			pred[(Size) i * width + c] = outputs[(Size) i * width + c] >= AL_ML_THRESHOLD;
		}
	al_eval_multilabel(truth, pred, n, width, &mm);
	m->micro_f1 = mm.micro_f1;
	m->macro_f1 = mm.macro_f1;
	m->hamming_loss = mm.hamming_loss;
	m->subset_accuracy = mm.subset_accuracy;
}

/* Whether text the float8 reader refused is a number beyond float8's range. */
static bool
label_out_of_range(const char *label)
{
	char	   *end;

	errno = 0;
	(void) strtod(label, &end);
	return end != label && errno == ERANGE;
}

/*
 * A regression label as stored: a finite number in float8's shortest exact
 * text (-0 as 0: equal numbers are equal texts for the label rules), or
 * ERROR naming the label, its element and the learner: not a number
 * (22P02), beyond float8's range (22003), not finite (22023).
 */
static char *
ridge_canonical_label(const Learner *l, const char *label, const char *where)
{
	bool		bad = false;
	double		v = float8in_internal_opt_error(unconstify(char *, label), NULL, "double precision", label,
												&bad);

	if (bad && label_out_of_range(label))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("label \"%s\"%s of regression learner \"%s\" is out of range for type double precision",
						label, where, l->name)));
	if (bad)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("label \"%s\"%s of regression learner \"%s\" is not a number of type double precision",
						label, where, l->name),
				 errhint("A regression learner's label is a number, such as '412.5' or '-1e3'.")));
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label \"%s\"%s of regression learner \"%s\" is not a finite number", label, where,
						l->name)));
	if (v == 0)
		v = 0;
	return float8out_internal(v);
}

/* The numbers of n labels. */
static void
ridge_targets(const Learner *l, char **labels, int n, FamilyTargets *t)
{
	t->sets = NULL;
	t->values = (double *) palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < n; i++)
		t->values[i] = DatumGetFloat8(DirectFunctionCall1(float8in, CStringGetDatum(labels[i])));
}

/* A regression row's outputs: each member's prediction. */
static int
ridge_width(int k, const ModelFit *fit)
{
	return fit->members;
}

/* Each member's prediction of each row. */
static void
ridge_predict(const ModelFit *fit, const float *x, int rows, int d, int width, double *outputs)
{
	for (int i = 0; i < rows; i++)
		for (int m = 0; m < width; m++)
			al_softmax_logits_row(&fit->models[m], x + (Size) i * d, outputs + (Size) i * width + m);
}

/* The mean of a row's member predictions. */
static double
ridge_mean(const double *out, int width)
{
	double		sum = 0;

	for (int m = 0; m < width; m++)
		sum += out[m];
	return sum / width;
}

/* The regression score of a row (the kernels of al.committee_std and al.emcm). */
static double
ridge_score(int strategy, const double *out, int width, double norm, double mean_labels)
{
	al_reg_values members = {NULL, out, width};

	if (strategy == RIDGE_COMMITTEE_STD)
		return al_committee_std(&members);
	if (strategy == RIDGE_EMCM)
		return al_emcm_of_norm(ridge_mean(out, width), &members, norm);
	elog(ERROR, "unexpected regression strategy %d", strategy);
}

/* A row's prediction: the members' mean, as float8 text. */
static char *
ridge_predicted(const Learner *l, const double *out, int width)
{
	return float8out_internal(ridge_mean(out, width));
}

/* RMSE, MAE and R^2 of the members' mean predictions. */
static void
ridge_measure(const Learner *l, const double *outputs, int width, const FamilyTargets *t,
			  const int *idx, int n, FamilyMetrics *m)
{
	double	   *truth = (double *) palloc(sizeof(double) * n);
	double	   *pred = (double *) palloc(sizeof(double) * n);
	al_reg_metrics rm;

	for (int i = 0; i < n; i++)
	{
		truth[i] = t->values[idx[i]];
		pred[i] = ridge_mean(outputs + (Size) i * width, width);
	}
	al_eval_regression(truth, pred, n, &rm);
	m->rmse = rm.rmse;
	m->mae = rm.mae;
	m->r2 = rm.r2;
}

static const LearnerFamily ovr_family = {
	MODEL_OVR, ovr_strategies, lengthof(ovr_strategies), ovr_canonical_label, ovr_targets,
	ovr_width, ovr_predict, ovr_score, ovr_predicted, ovr_measure
};

static const LearnerFamily ridge_family = {
	MODEL_RIDGE, ridge_strategies, lengthof(ridge_strategies), ridge_canonical_label,
	ridge_targets, ridge_width, ridge_predict, ridge_score, ridge_predicted, ridge_measure
};

/* The family of a ModelFamily other than softmax. */
const LearnerFamily *
family_of(int family)
{
	if (family == MODEL_OVR)
		return &ovr_family;
	if (family == MODEL_RIDGE)
		return &ridge_family;
	elog(ERROR, "softmax learners have no LearnerFamily");
}

/* The family of learner l (not softmax). */
const LearnerFamily *
learner_family(const Learner *l)
{
	return family_of(l->options.family);
}

/* ||(x, 1)|| of a row's d features (the kernel of al.emcm), which a family scores with. */
double
family_row_norm(const float *x, int d)
{
	al_reg_values features = {x, NULL, d};

	return al_norm_with_bias(&features);
}

/*
 * al._round_outputs(model bytea, x real[] | double precision[]) -> double
 * precision[]: the outputs of one row as the round of a multi-label or
 * regression learner computes them for a block (the family's predict: an
 * ovr committee's mean label probabilities, a ridge committee's member
 * predictions, in double precision), then the row's ||(x, 1)||
 * (family_row_norm), of an exported ovr or ridge model (al.model_export);
 * NULL when the features are not usable, as a round skips such rows.  It
 * reads no table, so it is IMMUTABLE and a Citus shard runs it (option
 * score_in); the round scores the row from these alone.
 */
Datum
al_round_outputs(PG_FUNCTION_ARGS)
{
	AlModel    *m = model_value_get(fcinfo, PG_GETARG_BYTEA_PP(0));
	const LearnerFamily *f;
	ModelFit	fit;
	int			width;
	float	   *x;
	double	   *out;
	Datum	   *d;

	if (m->family == MODEL_SOFTMAX)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" is of family softmax; al._round_outputs takes a model of family ovr or ridge",
						m->name),
				 errhint("A round of a softmax learner scores in the pool with al._round_probs.")));
	f = family_of(m->family);
	memset(&fit, 0, sizeof(fit));
	fit.models = m->m;
	fit.members = m->members;
	width = f->width(m->k, &fit);
	x = (float *) palloc(sizeof(float) * Max(m->d, 1));
	if (pool_read_features(PG_GETARG_DATUM(1), false, m->d, x) != FEATURES_OK)
		PG_RETURN_NULL();
	out = (double *) palloc(sizeof(double) * (width + 1));
	al_blas_ensure();
	f->predict(&fit, x, 1, m->d, width, out);
	out[width] = family_row_norm(x, m->d);
	d = (Datum *) palloc(sizeof(Datum) * (width + 1));
	for (int i = 0; i <= width; i++)
		d[i] = Float8GetDatum(out[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, width + 1, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
