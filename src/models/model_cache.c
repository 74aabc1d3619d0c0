/*
 * model_cache.c - the per-backend cache of loaded model versions, and the
 * lookups by name, by version and by id.
 *
 * A loaded version (weights unpacked into doubles) lives in its own memory
 * context under "al_ext model cache".  Up to MODEL_CACHE_SIZE versions are
 * kept across transactions, the least recently used is freed first.  A
 * version handed out in the current transaction is never freed before the
 * transaction ends (a caller may still hold it while user code, a view of
 * a learner's pool say, looks up other models); within one transaction the
 * cache therefore holds at most the distinct versions that transaction used.
 *
 * Every lookup sees the store as the current (active) snapshot sees it: an
 * entry records the snapshot under which it was last found in the store,
 * and is checked again (one indexed query) whenever the snapshot differs.
 * So a version dropped, or a new latest version trained, by a committed
 * transaction is seen by every statement whose snapshot sees that commit,
 * by name and by id, without waiting for an invalidation message; a
 * statement (or a REPEATABLE READ transaction) keeps what its snapshot saw.
 * See doc/models.md.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "model.h"

#define MODEL_CACHE_SIZE	16

/* A loaded version. */
typedef struct CachedModel
{
	AlModel    *model;			/* in its own context */
	Oid			store;			/* the al.model_store it was read from */
	bool		dead;			/* gone from the store: never found again */
	uint64		last_used;
	LocalTransactionId used_in; /* the last transaction it was handed to */
	SnapshotMark seen;			/* a snapshot that saw it in the store */
} CachedModel;

/* A "latest version of name" answer. */
typedef struct CachedName
{
	char	   *name;			/* NULL: free slot */
	Oid			store;			/* the al.model_store that gave the answer */
	int64		id;
	uint64		last_used;
	SnapshotMark seen;			/* the snapshot that gave this answer */
} CachedName;

static MemoryContext cache_cxt = NULL;
static CachedModel *models = NULL;
static int	n_models = 0;
static int	max_models = 0;
static CachedName names[MODEL_CACHE_SIZE];
static uint64 cache_clock = 0;
static LocalTransactionId trimmed_in = InvalidLocalTransactionId;

/* The cache's memory context, created once per backend. */
static MemoryContext
model_cache_context(void)
{
	if (cache_cxt == NULL)
		cache_cxt = AllocSetContextCreate(TopMemoryContext, "al_ext model cache",
										  ALLOCSET_SMALL_SIZES);
	return cache_cxt;
}

/* The mark of the active snapshot (invalid without an MVCC one). */
void
model_snapshot_mark(SnapshotMark *m)
{
	memset(m, 0, sizeof(*m));
	if (ActiveSnapshotSet())
	{
		Snapshot	s = GetActiveSnapshot();

		if (s->snapshot_type != SNAPSHOT_MVCC)
			return;
		m->valid = true;
		m->lxid = MyProc->lxid;
		m->subxid = GetCurrentSubTransactionId();
		m->xmin = s->xmin;
		m->xmax = s->xmax;
		m->xcnt = s->xcnt;
		m->subxcnt = s->subxcnt;
		m->suboverflowed = s->suboverflowed;
		m->curcid = s->curcid;
	}
}

/* Whether two marks are of snapshots that see the store the same way. */
bool
model_same_snapshot(const SnapshotMark *a, const SnapshotMark *b)
{
	return a->valid && b->valid && a->lxid == b->lxid && a->subxid == b->subxid &&
		a->xmin == b->xmin && a->xmax == b->xmax &&
		a->xcnt == b->xcnt && a->subxcnt == b->subxcnt &&
		a->suboverflowed == b->suboverflowed && a->curcid == b->curcid;
}

/* Push a snapshot if none is active (the store queries need one); whether it did. */
static bool
ensure_snapshot(void)
{
	if (ActiveSnapshotSet())
		return false;
	PushActiveSnapshot(GetTransactionSnapshot());
	return true;
}

/* Whether no caller of the current transaction holds entry e. */
static bool
entry_unused(const CachedModel *e)
{
	return e->used_in != MyProc->lxid;
}

/* Free entry i (its whole memory context) and fill its slot with the last. */
static void
free_entry(int i)
{
	MemoryContextDelete(models[i].model->cxt);
	models[i] = models[--n_models];
}

/*
 * Free the dead entries no caller holds, then the least recently used live
 * ones no caller holds until at most `keep` are live.
 */
static void
trim_cache(int keep)
{
	int			i,
				live = 0;

	for (i = n_models - 1; i >= 0; i--)
		if (models[i].dead && entry_unused(&models[i]))
			free_entry(i);
	for (i = 0; i < n_models; i++)
		live += !models[i].dead;
	while (live > keep)
	{
		int			victim = -1;

		for (i = 0; i < n_models; i++)
			if (!models[i].dead && entry_unused(&models[i]) &&
				(victim < 0 || models[i].last_used < models[victim].last_used))
				victim = i;
		if (victim < 0)
			break;
		free_entry(victim);
		live--;
	}
}

/* Once per transaction: give back what the last one held beyond the limit. */
static void
trim_once_per_transaction(void)
{
	if (trimmed_in == MyProc->lxid)
		return;
	trimmed_in = MyProc->lxid;
	trim_cache(MODEL_CACHE_SIZE);
}

/*
 * The oid of the al.model_store the cache serves now.  Ids start again at 1
 * when the extension is dropped and created again (a restore with --clean
 * does that), so an id alone does not name a stored version: every entry
 * also remembers the store it came from, and entries of another store are
 * never found.
 */
static Oid
current_store(void)
{
	Oid			nsp = get_namespace_oid("al", true);

	return OidIsValid(nsp) ? get_relname_relid("model_store", nsp) : InvalidOid;
}

/* Index of the live entry of version id of the current store, or -1. */
static int
find_model(int64 id)
{
	Oid			store = current_store();
	int			i;

	for (i = 0; i < n_models; i++)
		if (!models[i].dead && models[i].model->id == id && models[i].store == store)
			return i;
	return -1;
}

/* Hand out entry e in this transaction, seen in the store by `now`. */
static AlModel *
use_entry(CachedModel *e, const SnapshotMark *now)
{
	e->seen = *now;
	e->last_used = ++cache_clock;
	e->used_in = MyProc->lxid;
	return e->model;
}

/* Load version id into a new cache entry; NULL if the snapshot does not see it. */
static AlModel *
load_entry(int64 id, const SnapshotMark *now)
{
	AlModel    *model;

	SPI_connect();
	model = model_store_load(id);
	if (model)
		MemoryContextSetParent(model->cxt, model_cache_context());
	SPI_finish();
	if (model == NULL)
		return NULL;
	trim_cache(MODEL_CACHE_SIZE - 1);
	if (n_models == max_models)
	{
		max_models = Max(MODEL_CACHE_SIZE, 2 * max_models);
		models = models == NULL
			? MemoryContextAlloc(model_cache_context(), sizeof(CachedModel) * max_models)
			: repalloc(models, sizeof(CachedModel) * max_models);
	}
	models[n_models].model = model;
	models[n_models].store = current_store();
	models[n_models].dead = false;
	return use_entry(&models[n_models++], now);
}

/*
 * Version id as the current snapshot sees it, loaded or from the cache;
 * NULL if the snapshot does not see it.  exists_now: the caller has just
 * found id in the store under the current snapshot.
 */
static AlModel *
cached_model(int64 id, bool exists_now)
{
	SnapshotMark now;
	int			i;
	bool		exists;

	model_snapshot_mark(&now);
	trim_once_per_transaction();
	i = find_model(id);
	if (i < 0)
		return load_entry(id, &now);
	exists = exists_now || model_same_snapshot(&models[i].seen, &now);
	if (!exists)
	{
		SPI_connect();
		exists = model_store_exists(id);
		SPI_finish();
	}
	if (exists)
		return use_entry(&models[i], &now);
	models[i].dead = true;
	trim_cache(MODEL_CACHE_SIZE);
	return NULL;
}

/* A stored model version by id; ERROR if unknown or not permitted. */
AlModel *
model_get_by_id(int64 id)
{
	bool		pushed = ensure_snapshot();
	AlModel    *model = cached_model(id, false);

	if (model == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model with id " INT64_FORMAT " does not exist", id)));
	model_check_use(model);
	if (pushed)
		PopActiveSnapshot();
	return model;
}

/* The cached "latest version of name" slot, or NULL. */
static CachedName *
find_name(const char *name)
{
	Oid			store = current_store();
	int			i;

	for (i = 0; i < MODEL_CACHE_SIZE; i++)
		if (names[i].name && names[i].store == store && strcmp(names[i].name, name) == 0)
			return &names[i];
	return NULL;
}

/* Remember id as name's latest version under `now` (in c, or the LRU slot). */
static void
remember_name(CachedName *c, const char *name, int64 id, const SnapshotMark *now)
{
	int			i;

	if (c == NULL)
	{
		c = &names[0];
		for (i = 1; i < MODEL_CACHE_SIZE; i++)
			if (names[i].last_used < c->last_used)
				c = &names[i];
		if (c->name)
			pfree(c->name);
		c->name = MemoryContextStrdup(model_cache_context(), name);
	}
	c->id = id;
	c->store = current_store();
	c->seen = *now;
	c->last_used = ++cache_clock;
}

/* The id of name's latest version under the current snapshot, or 0. */
static int64
latest_id(const char *name)
{
	SnapshotMark now;
	CachedName *c = find_name(name);
	int64		id;

	model_snapshot_mark(&now);
	if (c && model_same_snapshot(&c->seen, &now))
	{
		c->last_used = ++cache_clock;
		return c->id;
	}
	SPI_connect();
	id = model_store_latest_id(name);
	SPI_finish();
	if (id != 0)
		remember_name(c, name, id, &now);
	else if (c)
	{
		pfree(c->name);
		memset(c, 0, sizeof(*c));
	}
	return id;
}

/*
 * The latest version of a model by name; ERROR if unknown or not
 * permitted.
 */
AlModel *
model_get_latest(const char *name)
{
	bool		pushed = ensure_snapshot();
	int64		id = latest_id(name);
	AlModel    *model = id ? cached_model(id, true) : NULL;

	if (model == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name)));
	model_check_use(model);
	if (pushed)
		PopActiveSnapshot();
	return model;
}

/* A given version of a model by name; ERROR if unknown or not permitted. */
AlModel *
model_get_version(const char *name, int32 version)
{
	bool		pushed = ensure_snapshot();
	int64		id;
	AlModel    *model;

	SPI_connect();
	id = model_store_version_id(name, version);
	SPI_finish();
	model = id ? cached_model(id, true) : NULL;
	if (model == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" has no version %d", name, version)));
	model_check_use(model);
	if (pushed)
		PopActiveSnapshot();
	return model;
}
