/*
 * model_store.c - reading and writing al.model_store, and the per-backend
 * model cache.
 *
 * al.model_store is readable only by its owner (the extension's owner):
 * training and prediction reach it through these functions, which switch
 * to the store owner for the query itself, after checking that the calling
 * role may use the model (it has the privileges of the model's owner).
 * Stored versions never change, so a version is cached by id for the life
 * of the backend; which id is the latest version of a name is re-read after
 * every change of the store, signalled by a relcache invalidation of
 * al.model_store that training and drop_model send on commit.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "identity.h"
#include "model.h"

#define MODEL_MAGIC			"ALM1"
#define MODEL_CACHE_SIZE	16
#define MODEL_MAX_CLASSES	32767
#define MODEL_MAX_FEATURES	1000000
#define MODEL_MAX_MEMBERS	1000

/* A cached version, and a cached "latest version of name" answer. */
typedef struct CachedModel
{
	AlModel    *model;
	uint64		last_used;
} CachedModel;

typedef struct CachedName
{
	char	   *name;
	int64		id;
	uint64		generation;
} CachedName;

static MemoryContext cache_cxt = NULL;
static CachedModel cached_models[MODEL_CACHE_SIZE];
static CachedName cached_names[MODEL_CACHE_SIZE];
static uint64 cache_clock = 0;
static uint64 store_generation = 1;

/* Relcache callback: any change of al.model_store makes names stale. */
static void
store_inval_callback(Datum arg, Oid relid)
{
	store_generation++;
}

/* The cache's memory context, created (and the callback registered) once. */
static MemoryContext
model_cache_context(void)
{
	if (cache_cxt == NULL)
	{
		cache_cxt = AllocSetContextCreate(TopMemoryContext, "al_ext model cache",
										  ALLOCSET_DEFAULT_SIZES);
		CacheRegisterRelcacheCallback(store_inval_callback, (Datum) 0);
	}
	return cache_cxt;
}

/* Oid of al.model_store (ERROR if the extension's table is missing). */
Oid
model_store_relid(void)
{
	Oid			nsp = get_namespace_oid("al", false);
	Oid			relid = get_relname_relid("model_store", nsp);

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table al.model_store does not exist"),
				 errhint("Is the al_ext extension installed in this database?")));
	return relid;
}

/* Tell every backend (at commit) that the store changed. */
void
model_store_changed(void)
{
	CacheInvalidateRelcacheByRelid(model_store_relid());
}

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

/* ERROR for a stored model whose weights do not fit its header. */
static void
report_corrupt(int64 id, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("stored weights of model id " INT64_FORMAT " are corrupted: %s", id, why)));
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
		report_corrupt(model->id, "bad header");
	k = get_int32(p + 4);
	d = get_int32(p + 8);
	m = get_int32(p + 12);
	flags = get_int32(p + 16);
	if (k < 2 || k > MODEL_MAX_CLASSES || d < 1 || d > MODEL_MAX_FEATURES ||
		m < 1 || m > MODEL_MAX_MEMBERS || (flags & ~1) != 0 ||
		k != model->k || d != model->d || m != model->members)
		report_corrupt(model->id, "header does not match the model row");
	doubles = (flags ? 2 * (Size) d : 0) + (Size) m * ((Size) k * d + k);
	if (len != 20 + doubles * sizeof(double))
		report_corrupt(model->id, "wrong length");
	vals = (double *) palloc_extended(Max(doubles, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	for (i = 0; i < (int) doubles; i++)
		vals[i] = get_double(p + 20 + (Size) i * sizeof(double));
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

/* Run a one-parameter query on the store as its owner; returns SPI status. */
static int
store_query(const char *sql, Oid argtype, Datum arg)
{
	AlIdentity	save;
	int			ret;

	al_become_store_owner(&save);
	ret = SPI_execute_with_args(sql, 1, &argtype, &arg, NULL, true, 0);
	al_restore(&save);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "SPI query on al.model_store failed: %d", ret);
	return ret;
}

/* Build a cached AlModel from the store row of id; NULL if there is none. */
static AlModel *
model_load(int64 id)
{
	MemoryContext cxt = model_cache_context();
	AlModel    *model = NULL;

	SPI_connect();
	store_query("SELECT name, version, owner::oid, classes, n_features, members, weights "
				"FROM al.model_store WHERE id = $1", INT8OID, Int64GetDatum(id));
	if (SPI_processed == 1)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		MemoryContext old = MemoryContextSwitchTo(cxt);
		Datum	   *labels;
		int			nlabels,
					i;

		model = (AlModel *) palloc0(sizeof(AlModel));
		model->id = id;
		model->name = TextDatumGetCString(SPI_getbinval(tup, desc, 1, &isnull));
		model->version = DatumGetInt32(SPI_getbinval(tup, desc, 2, &isnull));
		model->owner = DatumGetObjectId(SPI_getbinval(tup, desc, 3, &isnull));
		deconstruct_array(DatumGetArrayTypeP(SPI_getbinval(tup, desc, 4, &isnull)),
						  TEXTOID, -1, false, TYPALIGN_INT, &labels, NULL, &nlabels);
		model->k = nlabels;
		model->classes = (char **) palloc(sizeof(char *) * nlabels);
		for (i = 0; i < nlabels; i++)
			model->classes[i] = TextDatumGetCString(labels[i]);
		model->d = DatumGetInt32(SPI_getbinval(tup, desc, 5, &isnull));
		model->members = DatumGetInt32(SPI_getbinval(tup, desc, 6, &isnull));
		model_weights_unpack(model, DatumGetByteaPP(SPI_getbinval(tup, desc, 7, &isnull)));
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return model;
}

/* ERROR unless the current role has the privileges of the model's owner. */
static void
model_check_use(const AlModel *model)
{
	if (!has_privs_of_role(GetUserId(), model->owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for model \"%s\"", model->name),
				 errdetail("Only roles with the privileges of the model's owner, %s, may use it.",
						   GetUserNameFromId(model->owner, false))));
}

/* Find id in the version cache, or load it (evicting the least used). */
static AlModel *
model_cached(int64 id)
{
	int			i,
				victim = 0;

	for (i = 0; i < MODEL_CACHE_SIZE; i++)
	{
		if (cached_models[i].model && cached_models[i].model->id == id)
		{
			cached_models[i].last_used = ++cache_clock;
			return cached_models[i].model;
		}
		if (cached_models[i].last_used < cached_models[victim].last_used)
			victim = i;
	}
	{
		AlModel    *model = model_load(id);

		if (model == NULL)
			return NULL;
		/* an evicted model's memory stays in the cache context: small, rare */
		cached_models[victim].model = model;
		cached_models[victim].last_used = ++cache_clock;
		return model;
	}
}

/* A stored model version by id; ERROR if unknown or not permitted. */
AlModel *
model_get_by_id(int64 id)
{
	AlModel    *model = model_cached(id);

	if (model == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model with id " INT64_FORMAT " does not exist", id)));
	model_check_use(model);
	return model;
}

/* The id of name's latest version from the store, or 0 if none. */
static int64
model_latest_id(const char *name)
{
	int64		id = 0;

	SPI_connect();
	store_query("SELECT id FROM al.model_store WHERE name = $1 ORDER BY version DESC LIMIT 1",
				TEXTOID, CStringGetTextDatum(name));
	if (SPI_processed == 1)
	{
		bool		isnull;

		id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}
	SPI_finish();
	return id;
}

/*
 * The latest version of a model by name; ERROR if unknown or not
 * permitted.  The name -> id answer is cached until the store changes.
 */
AlModel *
model_get_latest(const char *name)
{
	int			i,
				victim = 0;
	int64		id;

	model_cache_context();
	for (i = 0; i < MODEL_CACHE_SIZE; i++)
	{
		CachedName *c = &cached_names[i];

		if (c->name && c->generation == store_generation && strcmp(c->name, name) == 0)
			return model_get_by_id(c->id);
		if (c->generation < cached_names[victim].generation)
			victim = i;
	}
	id = model_latest_id(name);
	if (id == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name)));
	if (cached_names[victim].name)
		pfree(cached_names[victim].name);
	cached_names[victim].name = MemoryContextStrdup(cache_cxt, name);
	cached_names[victim].id = id;
	cached_names[victim].generation = store_generation;
	return model_get_by_id(id);
}

/* A given version of a model by name; ERROR if unknown or not permitted. */
AlModel *
model_get_version(const char *name, int32 version)
{
	int64		id = 0;

	SPI_connect();
	{
		Oid			types[2] = {TEXTOID, INT4OID};
		Datum		args[2] = {CStringGetTextDatum(name), Int32GetDatum(version)};
		AlIdentity	save;

		al_become_store_owner(&save);
		if (SPI_execute_with_args("SELECT id FROM al.model_store WHERE name = $1 AND version = $2",
								  2, types, args, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "SPI query on al.model_store failed");
		al_restore(&save);
		if (SPI_processed == 1)
		{
			bool		isnull;

			id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		}
	}
	SPI_finish();
	if (id == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" has no version %d", name, version)));
	return model_get_by_id(id);
}

/*
 * ERROR unless the current role may add versions to (or drop) name: a new
 * name is anyone's; an existing one needs the privileges of its owner.
 */
void
model_check_write_access(const char *name)
{
	int64		id = model_latest_id(name);

	if (id != 0)
	{
		AlModel    *model = model_cached(id);

		if (model && !has_privs_of_role(GetUserId(), model->owner))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("must be owner of model \"%s\"", name)));
	}
}
