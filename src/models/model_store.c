/*
 * model_store.c - reading and writing al.model_store.
 *
 * al.model_store is readable only by its owner (the extension's owner):
 * training and prediction reach it through these functions, which switch
 * to the store owner for the query itself (src/identity.c) after the
 * caller checked that the calling role may use the model.  Stored versions
 * never change; a model name gets new versions and loses them all at once.
 * The per-backend cache of loaded versions is in model_cache.c, who may
 * use and change a model in model_acl.c.
 */
#include "postgres.h"

#include <math.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "storage/lock.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "identity.h"
#include "locks.h"
#include "model.h"

#define MODEL_MAGIC			"ALM1"
#define EXPORT_MAGIC		"ALX1"


/* A read-only query on the store, prepared once per backend. */
typedef struct StorePlan
{
	const char *sql;
	int			nargs;
	Oid			types[2];
	SPIPlanPtr	plan;
} StorePlan;

static StorePlan plan_load = {
	"SELECT name, version, handle::pg_catalog.oid, learner_id, classes, n_features, members, weights, "
	"(options OPERATOR(pg_catalog.->>) 'c')::pg_catalog.float8, family "
	"FROM al.model_store WHERE id OPERATOR(pg_catalog.=) $1", 1, {INT8OID}
};
static StorePlan plan_exists = {
	"SELECT 1 FROM al.model_store WHERE id OPERATOR(pg_catalog.=) $1", 1, {INT8OID}
};
static StorePlan plan_latest = {
	"SELECT id FROM al.model_store WHERE name OPERATOR(pg_catalog.=) $1 "
	"ORDER BY version DESC LIMIT 1", 1, {TEXTOID}
};
static StorePlan plan_version = {
	"SELECT id FROM al.model_store "
	"WHERE name OPERATOR(pg_catalog.=) $1 AND version OPERATOR(pg_catalog.=) $2", 2, {TEXTOID, INT4OID}
};
static StorePlan plan_owner = {
	"SELECT handle::pg_catalog.oid, learner_id FROM al.model_store "
	"WHERE name OPERATOR(pg_catalog.=) $1 ORDER BY version DESC LIMIT 1", 1, {TEXTOID}
};
static StorePlan plan_learner_handle = {
	"SELECT handle::pg_catalog.oid FROM al.learner_store WHERE id OPERATOR(pg_catalog.=) $1",
	1, {INT8OID}
};
static StorePlan plan_state = {
	"SELECT pg_catalog.count(*), coalesce(pg_catalog.max(id), 0) FROM al.model_store "
	"WHERE name OPERATOR(pg_catalog.=) $1", 1, {TEXTOID}
};

/* Append a double in little-endian byte order. */
static void
put_double(StringInfo buf, double v)
{
	uint64		bits;

	memcpy(&bits, &v, sizeof(bits));
#ifdef WORDS_BIGENDIAN
	bits = pg_bswap64(bits);
#endif
	appendBinaryStringInfo(buf, (const char *) &bits, sizeof(bits));
}

/* Read a little-endian double. */
static double
get_double(const char *p)
{
	uint64		bits;
	double		v;

	memcpy(&bits, p, sizeof(bits));
#ifdef WORDS_BIGENDIAN
	bits = pg_bswap64(bits);
#endif
	memcpy(&v, &bits, sizeof(v));
	return v;
}

/* Append an int32 in little-endian byte order. */
static void
put_int32(StringInfo buf, int32 v)
{
	uint32		bits = (uint32) v;

#ifdef WORDS_BIGENDIAN
	bits = pg_bswap32(bits);
#endif
	appendBinaryStringInfo(buf, (const char *) &bits, sizeof(bits));
}

/* Read a little-endian int32. */
static int32
get_int32(const char *p)
{
	uint32		bits;

	memcpy(&bits, p, sizeof(bits));
#ifdef WORDS_BIGENDIAN
	bits = pg_bswap32(bits);
#endif
	return (int32) bits;
}

/* Bytes of the compact weights of m members of k classes and d features. */
Size
model_weights_size(int k, int d, int m, bool standardized)
{
	return 20 + sizeof(double) * ((standardized ? 2 * (Size) d : 0) + (Size) m * ((Size) k * d + k));
}

/*
 * The weights of a committee in the store's compact form: "ALM1", int32 k,
 * d, members, flags (1 = standardized), then mean[d] and scale[d] when
 * standardized, then each member's coef[k*d] and intercept[k]; all
 * little-endian, doubles in IEEE 754 binary64.
 */
bytea *
model_weights_pack(const al_softmax_model *members, int m)
{
	StringInfoData buf;
	const al_softmax_model *first = &members[0];
	int			i,
				j;
	bytea	   *result;

	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, MODEL_MAGIC, 4);
	put_int32(&buf, first->k);
	put_int32(&buf, first->d);
	put_int32(&buf, m);
	put_int32(&buf, first->standardized ? 1 : 0);
	for (j = 0; first->standardized && j < first->d; j++)
		put_double(&buf, first->mean[j]);
	for (j = 0; first->standardized && j < first->d; j++)
		put_double(&buf, first->scale[j]);
	for (i = 0; i < m; i++)
	{
		for (j = 0; j < first->k * first->d; j++)
			put_double(&buf, members[i].coef[j]);
		for (j = 0; j < first->k; j++)
			put_double(&buf, members[i].intercept[j]);
	}
	result = (bytea *) palloc(VARHDRSZ + buf.len);
	SET_VARSIZE(result, VARHDRSZ + buf.len);
	memcpy(VARDATA(result), buf.data, buf.len);
	pfree(buf.data);
	return result;
}

/*
 * ERROR for weights that do not fit their header: a stored model's are
 * corrupted (XX001); an exported model's (id 0, al.model_export) are
 * simply invalid input (22P03).
 */
static void
report_corrupt(int64 id, const char *why)
{
	if (id == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid exported model: %s", why)));
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("stored weights of model id " INT64_FORMAT " are corrupted: %s", id, why)));
}

/*
 * ERROR unless the weights are what training stores: finite coefficients,
 * feature means and positive scales; intercepts finite, except that
 * training gives a class without training rows the intercept -Infinity
 * (softmax: probability 0, so some class of each member stays finite) and
 * one-vs-rest also +Infinity to a class every row has.  A crafted exported
 * value would otherwise predict garbage (a NaN weight makes every class
 * "most probable").
 */
static void
check_weight_values(const AlModel *model, const double *vals, int k, int d, int m, int flags)
{
	Size		at = flags ? 2 * (Size) d : 0;

	for (Size i = 0; i < at; i++)
		if (!isfinite(vals[i]) || (i >= (Size) d && !(vals[i] > 0)))
			report_corrupt(model->id, "a feature mean or scale is not finite, or a scale not positive");
	for (int member = 0; member < m; member++)
	{
		bool		some_finite = false;

		for (Size j = 0; j < (Size) k * d; j++)
			if (!isfinite(vals[at++]))
				report_corrupt(model->id, "a coefficient is not finite");
		for (int c = 0; c < k; c++, at++)
		{
			double		b = vals[at];

			some_finite |= isfinite(b);
			if (isnan(b) || (isinf(b) && model->family == MODEL_RIDGE) ||
				(b > 0 && isinf(b) && model->family == MODEL_SOFTMAX))
				report_corrupt(model->id, "an intercept is not finite");
		}
		if (model->family == MODEL_SOFTMAX && !some_finite)
			report_corrupt(model->id, "no intercept of a member is finite");
	}
}

/* Unpack the compact weights into model->m (memory of the current context). */
static void
model_weights_unpack(AlModel *model, bytea *blob)
{
	const char *p = VARDATA_ANY(blob);
	Size		len = VARSIZE_ANY_EXHDR(blob);
	int			k,
				d,
				m,
				flags,
				i;
	Size		doubles;
	double	   *vals;

	if (len < 20 || memcmp(p, MODEL_MAGIC, 4) != 0)
		report_corrupt(model->id, "bad weights header");
	k = get_int32(p + 4);
	d = get_int32(p + 8);
	m = get_int32(p + 12);
	flags = get_int32(p + 16);
	if (k < (model->family == MODEL_SOFTMAX ? 2 : 1) || k > MODEL_MAX_CLASSES || d < 1 || d > MODEL_MAX_FEATURES ||
		m < 1 || m > MODEL_MAX_MEMBERS || (flags & ~1) != 0 ||
		k != model->k || d != model->d || m != model->members)
		report_corrupt(model->id, "header does not match the model row");
	doubles = (flags ? 2 * (Size) d : 0) + (Size) m * ((Size) k * d + k);
	if (len != model_weights_size(k, d, m, flags))
		report_corrupt(model->id, "wrong length");
	vals = (double *) palloc_extended(Max(doubles, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	for (i = 0; i < (int) doubles; i++)
		vals[i] = get_double(p + 20 + (Size) i * sizeof(double));
	check_weight_values(model, vals, k, d, m, flags);
	model->m = (al_softmax_model *) palloc0(sizeof(al_softmax_model) * m);
	for (i = 0; i < m; i++)
	{
		al_softmax_model *mm = &model->m[i];
		double	   *base = vals + (flags ? 2 * d : 0) + (Size) i * ((Size) k * d + k);

		mm->k = k;
		mm->d = d;
		mm->standardized = flags;
		mm->mean = flags ? vals : NULL;
		mm->scale = flags ? vals + d : NULL;
		mm->coef = base;
		mm->intercept = base + (Size) k * d;
		mm->block = NULL;
	}
}

/*
 * Run a read-only store query as the store owner, with the active snapshot
 * or with snap; the plan is prepared on first use and kept.
 */
static void
store_run(StorePlan *p, Datum *args, Snapshot snap)
{
	AlIdentity	save;
	int			ret;

	al_become_store_owner(&save);
	if (p->plan == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare(p->sql, p->nargs, p->types);

		if (plan == NULL || SPI_keepplan(plan) != 0)
			elog(ERROR, "could not prepare a query on al.model_store: %s",
				 SPI_result_code_string(SPI_result));
		p->plan = plan;
	}
	if (snap)
		ret = SPI_execute_snapshot(p->plan, args, NULL, snap, InvalidSnapshot, true, false, 0);
	else
		ret = SPI_execute_plan(p->plan, args, NULL, true, 0);
	al_restore(&save);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "query on al.model_store failed: %s", SPI_result_code_string(ret));
}

/* The int8 in the first column of the first result row, or 0 without rows. */
static int64
first_id(void)
{
	bool		isnull;

	if (SPI_processed == 0)
		return 0;
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* The family named name (the store's CHECK allows no other). */
static ModelFamily
model_family_of(const char *name)
{
	ModelFamily family;

	if (!model_family_lookup(name, &family))
		elog(ERROR, "unknown model family \"%s\" in al.model_store", name);
	return family;
}

/*
 * Copy the store row in SPI_tuptable into a new AlModel, in a new memory
 * context under the current one (the caller moves it where it belongs).
 * Detoasted copies stay in the current context.
 */
static AlModel *
model_from_row(int64 id)
{
	HeapTuple	tup = SPI_tuptable->vals[0];
	TupleDesc	desc = SPI_tuptable->tupdesc;
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "al_ext model",
											  ALLOCSET_SMALL_SIZES);
	ArrayType  *classes;
	bytea	   *weights;
	Datum	   *labels;
	AlModel    *model;
	MemoryContext old;
	bool		isnull;
	int			i;

	classes = DatumGetArrayTypeP(SPI_getbinval(tup, desc, 5, &isnull));
	deconstruct_array(classes, TEXTOID, -1, false, TYPALIGN_INT, &labels, NULL, &i);
	weights = DatumGetByteaPP(SPI_getbinval(tup, desc, 8, &isnull));
	old = MemoryContextSwitchTo(cxt);
	model = (AlModel *) palloc0(sizeof(AlModel));
	model->cxt = cxt;
	model->id = id;
	model->name = TextDatumGetCString(SPI_getbinval(tup, desc, 1, &isnull));
	model->version = DatumGetInt32(SPI_getbinval(tup, desc, 2, &isnull));
	model->handle = DatumGetObjectId(SPI_getbinval(tup, desc, 3, &isnull));
	if (isnull)
		model->handle = InvalidOid;
	model->learner_id = DatumGetInt64(SPI_getbinval(tup, desc, 4, &isnull));
	if (isnull)
		model->learner_id = 0;
	model->family = model_family_of(TextDatumGetCString(SPI_getbinval(tup, desc, 10, &isnull)));
	/* a ridge model has one output and no classes */
	model->k = model->family == MODEL_RIDGE ? 1 : i;
	model->classes = model->family == MODEL_RIDGE ? NULL : (char **) palloc(sizeof(char *) * i);
	for (i = 0; model->classes && i < model->k; i++)
		model->classes[i] = TextDatumGetCString(labels[i]);
	model->d = DatumGetInt32(SPI_getbinval(tup, desc, 6, &isnull));
	model->members = DatumGetInt32(SPI_getbinval(tup, desc, 7, &isnull));
	model->train_c = DatumGetFloat8(SPI_getbinval(tup, desc, 9, &isnull));
	if (isnull)
		model->train_c = NAN;
	model_weights_unpack(model, weights);
	MemoryContextSwitchTo(old);
	MemoryContextCopyAndSetIdentifier(cxt, model->name);
	return model;
}

/*
 * The stored version id as an AlModel in its own new memory context (a
 * child of the current one), or NULL if the current snapshot sees no such
 * row.  SPI is connected.
 */
AlModel *
model_store_load(int64 id)
{
	Datum		arg = Int64GetDatum(id);

	store_run(&plan_load, &arg, NULL);
	if (SPI_processed != 1)
		return NULL;
	return model_from_row(id);
}

/* Whether the current snapshot sees version id in the store. */
bool
model_store_exists(int64 id)
{
	Datum		arg = Int64GetDatum(id);

	store_run(&plan_exists, &arg, NULL);
	return SPI_processed == 1;
}

/* The id of name's latest version, or 0 if there is none. */
int64
model_store_latest_id(const char *name)
{
	Datum		arg = CStringGetTextDatum(name);

	store_run(&plan_latest, &arg, NULL);
	return first_id();
}

/* The id of a given version of name, or 0 if there is none. */
int64
model_store_version_id(const char *name, int32 version)
{
	Datum		args[2] = {CStringGetTextDatum(name), Int32GetDatum(version)};

	store_run(&plan_version, args, NULL);
	return first_id();
}

/*
 * Who owns name, as snap (or the active snapshot) sees its latest version.
 * SPI is connected.
 */
void
model_store_owner_of(const char *name, Snapshot snap, ModelOwnership *o)
{
	Datum		arg = CStringGetTextDatum(name);
	bool		isnull;
	Datum		d;

	memset(o, 0, sizeof(*o));
	store_run(&plan_owner, &arg, snap);
	if (SPI_processed == 0)
		return;
	o->exists = true;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	o->handle = isnull ? InvalidOid : DatumGetObjectId(d);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	o->learner_id = isnull ? 0 : DatumGetInt64(d);
}

/*
 * The handle of a learner as the active snapshot sees it, or InvalidOid if
 * there is no such learner.  SPI is connected.
 */
Oid
model_store_learner_handle(int64 learner_id)
{
	Datum		arg = Int64GetDatum(learner_id);
	bool		isnull;

	store_run(&plan_learner_handle, &arg, NULL);
	if (SPI_processed == 0)
		return InvalidOid;
	return DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* A new id of al.model_store's sequence (the first version's id names a handle). */
int64
model_store_next_id(void)
{
	AlIdentity	save;
	bool		isnull;
	int			ret;

	al_become_store_owner(&save);
	ret = SPI_execute("SELECT pg_catalog.nextval('al.model_store_id_seq'::pg_catalog.regclass)",
					  false, 1);
	al_restore(&save);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not draw a model id: %s", SPI_result_code_string(ret));
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* "count max(id)" of name's versions as snap (or the active snapshot) sees them. */
static char *
name_state(const char *name, Snapshot snap)
{
	Datum		arg = CStringGetTextDatum(name);

	store_run(&plan_state, &arg, snap);
	return psprintf("%s %s", SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1),
					SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2));
}

/*
 * Serialize the writers of one model name until the end of the transaction
 * (training a new version, dropping), before the statement that reads the
 * latest version takes its snapshot.  The lock is one no SQL can take.  In
 * REPEATABLE READ and SERIALIZABLE the transaction's snapshot is older than
 * the lock: if another transaction changed name's versions since, that is
 * a serialization failure, as PostgreSQL reports one for a row changed
 * under a snapshot.  SPI is connected.
 */
void
model_store_lock_name(const char *name)
{
	uint64		h = hash_bytes_extended((const unsigned char *) name, strlen(name), 0);

	/* serializes new versions of one name; no role can take it (locks.h) */
	al_lock_xact(AL_LOCK_MODEL_NAME, h);
	if (IsolationUsesXactSnapshot() &&
		strcmp(name_state(name, NULL), name_state(name, GetLatestSnapshot())) != 0)
		model_store_report_conflict(name);
}

/*
 * ERROR: name's versions changed after the transaction's snapshot (REPEATABLE
 * READ, SERIALIZABLE), as PostgreSQL reports a row changed under one.
 */
void
model_store_report_conflict(const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
			 errmsg("could not serialize access due to a concurrent change of model \"%s\"", name),
			 errhint("Retry the transaction.")));
}

/*
 * Delete every version of name as the store owner (the caller holds the
 * name's lock); how many.  SPI is connected.
 */
uint64
model_store_delete(const char *name)
{
	Oid			type = TEXTOID;
	Datum		arg = CStringGetTextDatum(name);
	AlIdentity	save;

	al_become_store_owner(&save);
	if (SPI_execute_with_args("DELETE FROM al.model_store WHERE name OPERATOR(pg_catalog.=) $1",
							  1, &type, &arg, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not drop model \"%s\"", name);
	al_restore(&save);
	return SPI_processed;
}

/* Append a counted string: int32 length, then its bytes. */
static void
put_string(StringInfo buf, const char *s)
{
	int			len = strlen(s);

	put_int32(buf, len);
	appendBinaryStringInfo(buf, s, len);
}

/*
 * A model version as one value (al.model_export), to score where the store
 * is not (Citus workers, other servers): "ALX1", int32 family, version,
 * the name and each class as counted strings (int32 number of classes
 * first), then the compact weights exactly as stored (model_weights_pack:
 * "ALM1", k, d, members, ...).  All little-endian; doubles bit for bit.
 */
bytea *
model_export_pack(const AlModel *model)
{
	StringInfoData buf;
	bytea	   *weights = model_weights_pack(model->m, model->members);
	int			nclasses = model->family == MODEL_RIDGE ? 0 : model->k;
	int			i;
	bytea	   *result;

	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, EXPORT_MAGIC, 4);
	put_int32(&buf, (int32) model->family);
	put_int32(&buf, model->version);
	put_string(&buf, model->name);
	put_int32(&buf, nclasses);
	for (i = 0; i < nclasses; i++)
		put_string(&buf, model->classes[i]);
	appendBinaryStringInfo(&buf, VARDATA(weights), VARSIZE(weights) - VARHDRSZ);
	result = (bytea *) palloc(VARHDRSZ + buf.len);
	SET_VARSIZE(result, VARHDRSZ + buf.len);
	memcpy(VARDATA(result), buf.data, buf.len);
	pfree(buf.data);
	pfree(weights);
	return result;
}

/* A reader of an exported model: position and bytes left. */
typedef struct ExportReader
{
	const char *p;
	Size		left;
} ExportReader;

/* The next int32 of an exported model; ERROR (22P03) past its end. */
static int32
export_int32(ExportReader *r)
{
	int32		v;

	if (r->left < 4)
		report_corrupt(0, "too short");
	v = get_int32(r->p);
	r->p += 4;
	r->left -= 4;
	return v;
}

/*
 * The next counted string of an exported model, copied (current context)
 * and checked to be valid text of the server encoding (22021 otherwise).
 */
static char *
export_string(ExportReader *r)
{
	int32		len = export_int32(r);
	char	   *s;

	if (len < 0 || (Size) len > r->left)
		report_corrupt(0, "string length out of range");
	pg_verifymbstr(r->p, len, false);
	s = pnstrdup(r->p, len);
	r->p += len;
	r->left -= len;
	return s;
}

/*
 * An exported model (model_export_pack) as an AlModel in a new memory
 * context under parent; every field is checked as al.model_store's CHECKs
 * and the weights' header would check it, so a crafted value is refused
 * (22P03, 22021) and never read out of bounds.  Its id is 0: it is in no
 * store, and needs no privilege (whoever has the value has the weights).
 */
AlModel *
model_export_unpack(bytea *blob, MemoryContext parent)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "al_ext exported model",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	ExportReader r = {VARDATA_ANY(blob), VARSIZE_ANY_EXHDR(blob)};
	AlModel    *model = (AlModel *) palloc0(sizeof(AlModel));
	int32		family,
				nclasses;
	int			i;
	bytea	   *weights;

	model->cxt = cxt;
	model->handle = InvalidOid;
	model->train_c = NAN;
	if (r.left < 4 || memcmp(r.p, EXPORT_MAGIC, 4) != 0)
		report_corrupt(0, "bad header");
	r.p += 4;
	r.left -= 4;
	family = export_int32(&r);
	if (family < MODEL_SOFTMAX || family > MODEL_RIDGE)
		report_corrupt(0, "unknown family");
	model->family = (ModelFamily) family;
	model->version = export_int32(&r);
	if (model->version < 1)
		report_corrupt(0, "version out of range");
	model->name = export_string(&r);
	nclasses = export_int32(&r);
	if (model->family == MODEL_RIDGE ? nclasses != 0
		: nclasses < (model->family == MODEL_SOFTMAX ? 2 : 1) || nclasses > MODEL_MAX_CLASSES)
		report_corrupt(0, "number of classes out of range");
	if ((Size) nclasses > r.left / 4)
		report_corrupt(0, "too short");
	model->k = model->family == MODEL_RIDGE ? 1 : nclasses;
	model->classes = nclasses > 0 ? (char **) palloc(sizeof(char *) * nclasses) : NULL;
	for (i = 0; i < nclasses; i++)
		model->classes[i] = export_string(&r);
	/* the weights' header names d and members; model_weights_unpack checks the rest */
	if (r.left < 20)
		report_corrupt(0, "too short");
	model->d = get_int32(r.p + 8);
	model->members = get_int32(r.p + 12);
	weights = (bytea *) palloc(VARHDRSZ + r.left);
	SET_VARSIZE(weights, VARHDRSZ + r.left);
	memcpy(VARDATA(weights), r.p, r.left);
	model_weights_unpack(model, weights);
	pfree(weights);
	MemoryContextSwitchTo(old);
	return model;
}
