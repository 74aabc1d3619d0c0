/*
 * learner_pool.c - a learner's pool table: what it may be, what it holds
 * now, and reading item ids in the pool's id type.
 *
 * A learner records its pool's id and feature columns by name at creation,
 * but the pool's owner may drop, retype or replace them at any time.  So
 * every use of the pool first locks it (AccessShareLock, held to the end of
 * the transaction: no ALTER TABLE can run meanwhile) and only then reads
 * the columns' current types from the catalog; what it finds is what the
 * statements that follow are built for.
 */
#include "postgres.h"

#include <errno.h>
#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"

#include "feature_cast.h"
#include "learner_api.h"

PG_FUNCTION_INFO_V1(al_item_key);

static void check_locked_pool(Learner *l);

/* Whether an id column of this type is accepted. */
static bool
id_type_ok(Oid type)
{
	return type == INT8OID || type == INT4OID || type == TEXTOID || type == UUIDOID;
}


/* The hint of every error about a learner whose pool changed under it. */
#define POOL_CHANGED_HINT \
	"The pool changed since the learner was created: restore it, or drop the learner with al.drop_learner and create it again."

/*
 * Column name of relid: its number and type now; ERROR if there is none.
 * learner names the learner whose pool it is (NULL at creation).
 */
static AttrNumber
pool_column(Oid relid, const char *name, const char *learner, Oid *type)
{
	AttrNumber	att = get_attnum(relid, name);

	if (att == InvalidAttrNumber || att < 0)
	{
		if (learner)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of the pool of learner \"%s\" does not exist",
							name, learner),
					 errhint(POOL_CHANGED_HINT)));
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						name, get_rel_name(relid))));
	}
	*type = get_atttype(relid, att);
	return att;
}

/* ERROR naming what a column of the wrong type must be. */
static void
wrong_column_type(const char *what, const char *name, const char *must, Oid type,
				  const char *learner, const char *detail)
{
	if (learner)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s column \"%s\" of the pool of learner \"%s\" must be %s, not %s",
						what, name, learner, must, format_type_be(type)),
				 detail ? errdetail("%s", detail) : 0,
				 errhint(POOL_CHANGED_HINT)));
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("%s column \"%s\" must be %s, not %s", what, name, must, format_type_be(type)),
			 detail ? errdetail("%s", detail) : 0));
}

/*
 * The pool's id and feature columns as the catalog has them now; ERROR if
 * one is missing or of a type the loop cannot read.  The caller holds a
 * lock on the pool.
 */
void
pool_columns(Oid relid, const char *id_column, const char *features_column,
			 const char *learner, PoolColumns *out)
{
	out->id_att = pool_column(relid, id_column, learner, &out->id_type);
	out->features_att = pool_column(relid, features_column, learner, &out->features_type);
	if (!id_type_ok(out->id_type))
		wrong_column_type("id", id_column, "bigint, integer, text or uuid", out->id_type, learner,
						  NULL);
	/* (a column of predictions: external_check_column says whether it suits the learner) */
	if (!OidIsValid(al_feature_read_type(out->features_type)) && !external_column_type_ok(out->features_type))
		wrong_column_type("feature", features_column, AL_FEATURE_TYPES, out->features_type,
						  learner, al_feature_refusal(out->features_type));
}

/*
 * ERROR unless relid can be a learner's pool: a table, view, materialized
 * view or foreign table that outlives the session.
 */
void
pool_check_kind(Oid relid)
{
	char		kind = get_rel_relkind(relid);

	if (kind != RELKIND_RELATION && kind != RELKIND_PARTITIONED_TABLE && kind != RELKIND_VIEW &&
		kind != RELKIND_MATVIEW && kind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table, view, materialized view or foreign table",
						get_rel_name(relid))));
	if (get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("a learner's pool cannot be a temporary relation: \"%s\" is one",
						get_rel_name(relid)),
				 errhint("A learner outlives the session and its temporary tables: use a regular or unlogged table.")));
}

/*
 * Lock the learner's pool (AccessShareLock, to the end of the transaction)
 * and check, from the catalog under that lock, that it still exists and
 * that its id and feature columns still have types the loop can read.
 * Records the current types in l.  ERROR (for this learner only) otherwise.
 */
void
learner_lock_pool(Learner *l)
{
	LockRelationOid(l->pool, AccessShareLock);
	check_locked_pool(l);
}

/*
 * learner_lock_pool for the worker: false, without waiting, if another
 * transaction holds (or waits for) a lock on the pool that conflicts, such
 * as an ALTER TABLE in progress; the worker then skips the learner this
 * pass instead of waiting on it.
 */
bool
learner_try_lock_pool(Learner *l)
{
	if (!ConditionalLockRelationOid(l->pool, AccessShareLock))
		return false;
	check_locked_pool(l);
	return true;
}

/* The checks of learner_lock_pool, the pool locked. */
static void
check_locked_pool(Learner *l)
{
	PoolColumns cols;

	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(l->pool)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("the pool of learner \"%s\" no longer exists", l->name),
				 errhint("Drop the learner with al.drop_learner, or create it again on a new pool.")));
	pool_columns(l->pool, l->id_column, l->features_column, l->name, &cols);
	external_check_column(l->name, l->features_column, cols.features_type, l->strategy,
						  l->options.predictions);
	l->id_type = cols.id_type;
	l->features_type = cols.features_type;
	l->id_att = cols.id_att;
	learner_check_pool_reader(l, l->owner, &cols);
}

/* May role SELECT column att of relid (or the whole table)? */
bool
pool_column_readable(Oid relid, AttrNumber att, Oid role)
{
	return pg_class_aclcheck(relid, role, ACL_SELECT) == ACLCHECK_OK ||
		pg_attribute_aclcheck(relid, att, role, ACL_SELECT) == ACLCHECK_OK;
}

/*
 * ERROR unless role (the learner's owner, or its next one) may read the
 * pool's id and feature columns: everything that reads the pool for the
 * learner does so as its owner.
 */
void
learner_check_pool_reader(const Learner *l, Oid role, const PoolColumns *cols)
{
	if (pool_column_readable(l->pool, cols->id_att, role) &&
		pool_column_readable(l->pool, cols->features_att, role))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("role \"%s\" may not read the pool of learner \"%s\"",
					GetUserNameFromId(role, false), l->name),
			 errdetail("The pool, its learner's rounds, labels and batches are read as the learner's owner, which needs SELECT on the columns \"%s\" and \"%s\" of %s.",
					   l->id_column, l->features_column, learner_pool_name(l)),
			 errhint("Grant it SELECT on them, or give the learner to a role that may read them.")));
}

/*
 * Whether a unique index guarantees distinct values of column att of
 * relid: a valid unique index on that column alone, without predicate, on a
 * relation whose scan reads no other table (no inheritance children).  The
 * caller holds a lock on relid.
 */
static bool
ids_unique_by_index(Oid relid, AttrNumber att)
{
	Relation	rel = table_open(relid, NoLock);
	List	   *indexes = NIL;
	ListCell   *lc;
	bool		unique = false;

	if (rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE ||
		(rel->rd_rel->relkind == RELKIND_RELATION && !rel->rd_rel->relhassubclass))
		indexes = RelationGetIndexList(rel);
	foreach(lc, indexes)
	{
		HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index index;

		if (!HeapTupleIsValid(tup))
			continue;
		index = (Form_pg_index) GETSTRUCT(tup);
		if (index->indisunique && index->indisvalid && index->indnkeyatts == 1 &&
			index->indkey.values[0] == att && heap_attisnull(tup, Anum_pg_index_indpred, NULL))
			unique = true;
		ReleaseSysCache(tup);
	}
	list_free(indexes);
	table_close(rel, NoLock);
	return unique;
}

/*
 * ERROR (naming one) if the pool holds an item id twice: the ranking and
 * the leases hold one row per item.  Cheap when a unique index on the id
 * column guarantees it; otherwise one grouping scan of the pool, run with
 * the current identity (the caller's switch).  Ids are compared in their
 * text form, the form al_ext keeps them in.  The caller holds a lock on the
 * pool.
 */
void
pool_check_duplicates(Oid relid, const char *id_column, AttrNumber id_att, const char *learner)
{
	const char *id = quote_identifier(id_column);
	char	   *sql;
	char	   *dup;

	if (ids_unique_by_index(relid, id_att))
		return;
	sql = psprintf("SELECT (%s::pg_catalog.text) COLLATE pg_catalog.\"C\" FROM %s WHERE %s IS NOT NULL "
				   "GROUP BY 1 HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1 LIMIT 1",
				   id, quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
												  get_rel_name(relid)), id);
	if (SPI_execute(sql, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not check the ids of %s for duplicates", get_rel_name(relid));
	if (SPI_processed == 0)
		return;
	dup = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (learner)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("the pool of learner \"%s\" holds item id \"%s\" more than once", learner, dup),
				 errdetail("A learner ranks, leases and labels each item once, by its id."),
				 errhint("Remove the duplicates, or give column \"%s\" a unique index.", id_column)));
	ereport(ERROR,
			(errcode(ERRCODE_UNIQUE_VIOLATION),
			 errmsg("column \"%s\" of relation \"%s\" holds item id \"%s\" more than once",
					id_column, get_rel_name(relid), dup),
			 errdetail("A learner ranks, leases and labels each item once, by its id."),
			 errhint("Remove the duplicates, or give column \"%s\" a unique index.", id_column)));
}

/*
 * An item id given as text, read as a value of the learner's id type
 * (l->id_type, as learner_lock_pool found it).  A malformed id is an ERROR
 * that names the id, the type and the learner (and the element of a
 * batch, if element > 0), without the input function's own words.
 */
Datum
learner_parse_item(const Learner *l, const char *item, int element)
{
	MemoryContext cxt = CurrentMemoryContext;
	Oid			typinput,
				typioparam;
	Datum		value = (Datum) 0;

	if (l->id_type == TEXTOID)
		return CStringGetTextDatum(item);
	getTypeInputInfo(l->id_type, &typinput, &typioparam);
	PG_TRY();
	{
		value = OidInputFunctionCall(typinput, unconstify(char *, item), typioparam, -1);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION)
			PG_RE_THROW();
		/* the transaction aborts with the error below: nothing to clean up */
		FlushErrorState();
		if (element > 0)
			ereport(ERROR,
					(errcode(edata->sqlerrcode),
					 errmsg("item id \"%s\" (element %d of labels) is not a valid %s, the id type of learner \"%s\"",
							item, element, format_type_be(l->id_type), l->name)));
		ereport(ERROR,
				(errcode(edata->sqlerrcode),
				 errmsg("item id \"%s\" is not a valid %s, the id type of learner \"%s\"",
						item, format_type_be(l->id_type), l->name)));
	}
	PG_END_TRY();
	return value;
}

/*
 * Whether s is the text the id type prints for some value of it: for
 * integers an optional minus and digits without a leading zero, in range;
 * for uuids 36 lower-case hex digits and dashes; any text for text.  Item
 * ids are stored in that form, so a stored id that is not (one stored when
 * the pool's id column had another type) matches no pool row.
 */
static bool
canonical_id_text(Oid type, const char *s)
{
	const char *digits = s + (s[0] == '-');
	size_t		len = strlen(digits);
	size_t		i;
	char	   *end;
	long long	v;

	if (type == TEXTOID)
		return true;
	if (type == UUIDOID)
	{
		if (strlen(s) != 36)
			return false;
		for (i = 0; i < 36; i++)
			if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' :
				!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
				return false;
		return true;
	}
	if (len == 0 || len > 19 || strspn(digits, "0123456789") != len ||
		(digits[0] == '0' && (len > 1 || digits != s)))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE || *end != '\0')
		return false;
	return type == INT8OID || (v >= PG_INT32_MIN && v <= PG_INT32_MAX);
}

/*
 * Stored item ids (text) as an array of the learner's current id type, for
 * lookups that an index on the pool's ids serves; an id that is not the
 * type's text of a value (or NULL) becomes NULL: it matches no row.  The caller has
 * locked the pool (learner_lock_pool).
 */
Datum
learner_typed_items(const Learner *l, char **items, int n)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Oid			typinput,
				typioparam;
	Datum	   *values = (Datum *) palloc_extended(sizeof(Datum) * Max(n, 1), MCXT_ALLOC_HUGE);
	bool	   *nulls = (bool *) palloc_extended(sizeof(bool) * Max(n, 1), MCXT_ALLOC_HUGE);
	int			dims[1] = {n};
	int			lbs[1] = {1};
	int			i;

	getTypeInputInfo(l->id_type, &typinput, &typioparam);
	get_typlenbyvalalign(l->id_type, &typlen, &typbyval, &typalign);
	for (i = 0; i < n; i++)
	{
		nulls[i] = items[i] == NULL || !canonical_id_text(l->id_type, items[i]);
		values[i] = nulls[i] ? (Datum) 0 :
			OidInputFunctionCall(typinput, items[i], typioparam, -1);
	}
	return PointerGetDatum(construct_md_array(values, nulls, 1, dims, lbs, l->id_type,
											  typlen, typbyval, typalign));
}

/*
 * Whether an SPI result column of this type holds features the loop reads
 * (what learner_features_sql reads them as).
 */
bool
pool_features_type_ok(Oid type)
{
	return type == FLOAT4ARRAYOID || type == FLOAT8ARRAYOID;
}

/*
 * The SQL expression that reads the learner's feature column (prefixed by
 * alias, if not NULL) as real[] or double precision[]: the column itself,
 * or a CAST (src/feature_cast.c).  The pool is locked (learner_lock_pool:
 * l->features_type is the column's type under that lock).
 */
char *
learner_features_sql(const Learner *l, const char *alias)
{
	const char *column = quote_identifier(l->features_column);

	if (!OidIsValid(l->features_type))
		elog(ERROR, "the pool of learner \"%s\" is read before it is locked", l->name);
	if (l->options.predictions)
		return external_features_sql(l, alias);
	return al_feature_select(alias ? psprintf("%s.%s", alias, column) : column, l->features_type);
}

/* 1 if the float with bits u is infinite or NaN (its exponent all ones). */
#define FLOAT_BITS_NOT_FINITE(u) ((~(u) & 0x7f800000) == 0)

/*
 * Whether n floats are all finite: eight lanes at a time, a fixed-length
 * loop the compiler turns into vector instructions at -O2 even with
 * -fwrapv (a plain loop runs scalar: a tenth of a round on 768-feature
 * rows).
 */
static bool
floats_finite(const float *x, int n)
{
	uint32		lanes[8] = {0};
	uint32		bad = 0;
	int			j = 0;

	for (; j + 8 <= n; j += 8)
	{
		uint32		w[8];

		memcpy(w, &x[j], sizeof(w));
		for (int i = 0; i < 8; i++)
			lanes[i] |= FLOAT_BITS_NOT_FINITE(w[i]);
	}
	for (int i = 0; i < 8; i++)
		bad |= lanes[i];
	for (; j < n; j++)
	{
		uint32		u;

		memcpy(&u, &x[j], sizeof(u));
		bad |= FLOAT_BITS_NOT_FINITE(u);
	}
	return bad == 0;
}

/*
 * Whether n floats are all finite, copying each as its exact double into
 * x: the check of floats_finite and the conversion the prediction would
 * do, in one pass over the array; four floats per step with SSE2 (every
 * x86_64 has it: GCC turns neither a plain loop nor vector extensions into
 * packed conversions at -O2), plain C elsewhere.
 */
static bool
floats_finite_to_doubles(const float *f, int n, double *x)
{
	uint32		bad = 0;
	int			j = 0;

#ifdef __SSE2__
	const __m128i exponent = _mm_set1_epi32(0x7f800000);
	__m128i		bad4 = _mm_setzero_si128();

	for (; j + 4 <= n; j += 4)
	{
		__m128		v = _mm_loadu_ps(&f[j]);
		__m128i		e = _mm_and_si128(_mm_castps_si128(v), exponent);

		bad4 = _mm_or_si128(bad4, _mm_cmpeq_epi32(e, exponent));
		_mm_storeu_pd(&x[j], _mm_cvtps_pd(v));
		_mm_storeu_pd(&x[j + 2], _mm_cvtps_pd(_mm_movehl_ps(v, v)));
	}
	bad = (uint32) _mm_movemask_epi8(bad4);
#endif
	for (; j < n; j++)
	{
		uint32		u;

		memcpy(&u, &f[j], sizeof(u));
		bad |= FLOAT_BITS_NOT_FINITE(u);
		x[j] = (double) f[j];
	}
	return bad == 0;
}

/*
 * The shape checks of a feature array a (dim < 0: any length), or
 * FEATURES_OK: ERROR if it is not real[] or double precision[].
 */
static FeatureProblem
features_shape(ArrayType *a, int dim, int *n)
{
	if (ARR_ELEMTYPE(a) != FLOAT4OID && ARR_ELEMTYPE(a) != FLOAT8OID)
		elog(ERROR, "features of type %s where real[] or double precision[] was expected",
			 format_type_be(ARR_ELEMTYPE(a)));
	*n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	if (ARR_NDIM(a) != 1)
		return FEATURES_SHAPE;
	if (dim >= 0 && *n != dim)
		return FEATURES_LENGTH;
	if (array_contains_nulls(a))
		return FEATURES_NULL_ELEMENT;
	return FEATURES_OK;
}

/*
 * The n values of a well-shaped feature array a into x (floats; NULL: only
 * check) or, with xd not NULL, into xd as the exact doubles of those
 * floats; FEATURES_NOT_FINITE if one is not a finite real.
 */
static FeatureProblem
copy_features(ArrayType *a, int n, float *x, double *xd)
{
	bool		single = ARR_ELEMTYPE(a) == FLOAT4OID;

	/* real[]: check and widen in one pass, or copy and check the copy */
	if (single && xd != NULL)
		return floats_finite_to_doubles((float4 *) ARR_DATA_PTR(a), n, xd) ? FEATURES_OK : FEATURES_NOT_FINITE;
	if (single && x != NULL)
	{
		memcpy(x, ARR_DATA_PTR(a), sizeof(float) * n);
		return floats_finite(x, n) ? FEATURES_OK : FEATURES_NOT_FINITE;
	}
	for (int j = 0; j < n; j++)
	{
		double		v = single ? ((float4 *) ARR_DATA_PTR(a))[j] : ((float8 *) ARR_DATA_PTR(a))[j];

		/* a finite double beyond float's range would become infinite */
		if (!isfinite(v) || !isfinite((float) v))
			return FEATURES_NOT_FINITE;
		/* features are reals: a double is rounded to one */
		if (xd)
			xd[j] = (double) (float) v;
		else if (x)
			x[j] = (float) v;
	}
	return FEATURES_OK;
}

/*
 * Read one feature array (a real[] or double precision[] datum, any storage
 * form) into x or xd (copy_features).  dim < 0 accepts any length.  Returns
 * what makes the features unusable, or FEATURES_OK.  A detoasted copy is
 * freed before returning: a round reads a whole pool through here, and
 * freed chunks are reused instead of new pages.
 */
static FeatureProblem
read_features(Datum d, bool isnull, int dim, float *x, double *xd)
{
	ArrayType  *a;
	FeatureProblem problem;
	int			n;

	if (isnull)
		return FEATURES_NULL;
	a = DatumGetArrayTypeP(d);
	problem = features_shape(a, dim, &n);
	if (problem == FEATURES_OK)
		problem = copy_features(a, n, x, xd);
	if ((Pointer) a != DatumGetPointer(d))
		pfree(a);
	return problem;
}

/* Read one feature array into dim floats x (NULL: only check); see read_features. */
FeatureProblem
pool_read_features(Datum d, bool isnull, int dim, float *x)
{
	return read_features(d, isnull, dim, x, NULL);
}

/*
 * Read one feature array into dim doubles xd, each the exact double of the
 * float pool_read_features would give: a round that predicts from doubles
 * skips the float copy and its conversion (al_softmax_predict_doubles_ws).
 */
FeatureProblem
pool_read_features_double(Datum d, bool isnull, int dim, double *xd)
{
	return read_features(d, isnull, dim, NULL, xd);
}

/* What is wrong with features, for messages (dim: the expected length). */
const char *
pool_feature_problem_text(FeatureProblem problem, int dim)
{
	switch (problem)
	{
		case FEATURES_OK:
			return "none";
		case FEATURES_NULL:
			return "its features are null";
		case FEATURES_SHAPE:
			return "its features are not a one-dimensional array";
		case FEATURES_LENGTH:
			return psprintf("its features do not have %d values, the length the learner's model was trained on", dim);
		case FEATURES_NULL_ELEMENT:
			return "its features have a null element";
		case FEATURES_NOT_FINITE:
			return "its features have a value that is infinite, NaN or beyond real's range";
	}
	return "unknown";
}

/*
 * al.item_key(text) -> bytea: the SHA-256 of an item id's text, the key
 * al.labels and al.leases are indexed by (a btree holds keys of at most
 * about 2.7 kB; an item id may be longer).
 */
Datum
al_item_key(PG_FUNCTION_ARGS)
{
	text	   *item = PG_GETARG_TEXT_PP(0);
	bytea	   *key = (bytea *) palloc(VARHDRSZ + PG_SHA256_DIGEST_LENGTH);
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);

	if (pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) VARDATA_ANY(item), VARSIZE_ANY_EXHDR(item)) < 0 ||
		pg_cryptohash_final(ctx, (uint8 *) VARDATA(key), PG_SHA256_DIGEST_LENGTH) < 0)
		elog(ERROR, "could not compute the key of an item id: %s", pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
	SET_VARSIZE(key, VARHDRSZ + PG_SHA256_DIGEST_LENGTH);
	PG_RETURN_BYTEA_P(key);
}
