/*
 * topk_mem.c - the al.top_k_state value in memory: its order (id
 * comparators under its collation), allocation, the header check, growth
 * and compaction of the id area, offering a candidate to the heap, and the
 * collation a call orders text ids by.  See topk_glue.h for the layout and
 * doc/topk.md for the design.
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/pg_locale.h"
#include "utils/syscache.h"
#include "utils/varlena.h"

#include "topk_glue.h"

StaticAssertDecl(TOPK_HDRSZ % 8 == 0, "top-k entries must be 8-aligned");
StaticAssertDecl(sizeof(TopkEntry) == 24, "unexpected TopkEntry size");

/*
 * text ids in a real collation: varstr_cmp, as ORDER BY does; strings a
 * nondeterministic collation calls equal are ordered by their bytes so that
 * the result never depends on the order of the input.
 */
static int
topk_cmp_text(const TopkEntry *a, const TopkEntry *b, void *arg)
{
	TopkIdCmpArg *ca = (TopkIdCmpArg *) arg;
	int			c = varstr_cmp(topk_id_bytes(a, ca->area), a->len,
							   topk_id_bytes(b, ca->area), b->len,
							   ca->collation);

	return c != 0 ? c : topk_cmp_id_bytes(a, b, arg);
}

/*
 * Set up the order of a state's entries: by id type, and for text by the
 * collation (InvalidOid for the collation-free canonical byte order).
 */
void
topk_ctx_init(TopkCtx *ctx, const TopkState *s, Oid collation)
{
	ctx->arg.area = TOPK_AREA(s);
	ctx->arg.collation = collation;
	ctx->order.arg = &ctx->arg;
	if (s->idtype == TOPK_IDTYPE_BIGINT)
		ctx->order.id_cmp = topk_cmp_id_int64;
	else if (s->idtype == TOPK_IDTYPE_UUID || !OidIsValid(collation) ||
			 lc_collate_is_c(collation))
		ctx->order.id_cmp = topk_cmp_id_bytes;
	else
		ctx->order.id_cmp = topk_cmp_text;
}

/* Error out when a state of this shape would exceed palloc's limit. */
static void
topk_check_size(Size cap, Size area)
{
	if (area > MaxAllocSize || TOPK_SIZE(cap, area) > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("top_k state would exceed the maximum size of %zu bytes",
						(Size) MaxAllocSize),
				 errhint("Use a smaller k or shorter ids.")));
}

/*
 * A new empty state in the current memory context; collation: the one of
 * text ids (InvalidOid for bigint and uuid ids).
 */
TopkState *
topk_alloc(int idtype, int32 k, int32 capacity, Size area, Oid collation)
{
	TopkState  *s;

	topk_check_size(capacity, area);
	s = palloc0(TOPK_SIZE(capacity, area));
	SET_VARSIZE(s, TOPK_SIZE(capacity, area));
	s->idtype = idtype;
	s->k = k;
	s->capacity = capacity;
	s->area_size = area;
	s->collation = collation;
	return s;
}

/*
 * Sanity of a state's header (O(1)): states are built only by this file, so
 * this catches corruption, not user input (in and recv validate fully).
 */
static void
topk_check_state(const TopkState *s)
{
	if (VARSIZE(s) < TOPK_HDRSZ ||
		s->idtype < TOPK_IDTYPE_BIGINT || s->idtype > TOPK_IDTYPE_UUID ||
		s->k < 1 ||
		s->count < 0 || s->count > s->capacity || s->capacity > s->k ||
		s->area_live > s->area_used || s->area_used > s->area_size ||
		VARSIZE(s) != TOPK_SIZE(s->capacity, s->area_size) ||
		OidIsValid(s->collation) != (s->idtype == TOPK_IDTYPE_TEXT))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt top_k_state value")));
}

/*
 * Error unless the collation of a text state still exists (a state kept in
 * a table may outlive it).  The built-in ones always do.
 */
static void
topk_check_collation_exists(Oid collation)
{
	if (collation == DEFAULT_COLLATION_OID || collation == C_COLLATION_OID ||
		collation == POSIX_COLLATION_OID)
		return;
	if (!SearchSysCacheExists1(COLLOID, ObjectIdGetDatum(collation)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("collation %u of a top_k state does not exist", collation)));
}

/*
 * Fetch a state argument: detoasted, 8-aligned and header-checked.
 * *fresh says whether it is a private copy made here (which the caller
 * may modify).
 */
TopkState *
topk_arg_state(FunctionCallInfo fcinfo, int argno, bool *fresh)
{
	Datum		d = PG_GETARG_DATUM(argno);
	TopkState  *s = (TopkState *) PG_DETOAST_DATUM(d);

	if ((uintptr_t) s % MAXIMUM_ALIGNOF != 0)
	{
		TopkState  *copy = palloc(VARSIZE(s));

		memcpy(copy, s, VARSIZE(s));
		s = copy;
	}
	topk_check_state(s);
	if (s->idtype == TOPK_IDTYPE_TEXT)
		topk_check_collation_exists(s->collation);
	if (fresh)
		*fresh = (Pointer) s != DatumGetPointer(d);
	return s;
}

/*
 * A copy of s with room for `capacity` entries and `area` id bytes, its ids
 * packed (the garbage dropped).  Allocated in the current memory context.
 */
TopkState *
topk_rebuild(const TopkState *s, int32 capacity, Size area)
{
	TopkState  *n = topk_alloc(s->idtype, s->k, capacity, area, s->collation);

	n->count = s->count;
	memcpy(n->entries, s->entries, sizeof(TopkEntry) * s->count);
	if (s->idtype != TOPK_IDTYPE_BIGINT)
		n->area_used = n->area_live =
			topk_pack_ids(n->entries, n->count, TOPK_AREA(s), TOPK_AREA(n));
	return n;
}

/* Drop the garbage of the id area in place (the state is writable). */
static void
topk_compact(TopkState *s)
{
	char	   *tmp = palloc(Max(s->area_live, 1));

	s->area_used = topk_pack_ids(s->entries, s->count, TOPK_AREA(s), tmp);
	memcpy(TOPK_AREA(s), tmp, s->area_used);
	s->area_live = s->area_used;
	pfree(tmp);
}

/*
 * Entry slots after growth: twice as many (at least TOPK_INITIAL_CAPACITY),
 * never more than k, and never more than fit in one palloc'd state beside
 * `area` id bytes, so that the rows that still fit are taken before the
 * size error (topk_check_size) comes.
 */
static int32
topk_grown_capacity(const TopkState *s, Size area)
{
	int64		cap = Min((int64) s->k,
						  Max((int64) TOPK_INITIAL_CAPACITY, (int64) s->capacity * 2));
	int64		fits = ((int64) MaxAllocSize - (int64) TOPK_HDRSZ - (int64) area) /
		(int64) sizeof(TopkEntry);

	if (cap > fits)
		cap = Max(fits, (int64) s->count + 1);
	return (int32) cap;
}

/*
 * Make s writable (*owned) with room for one more entry and `bytes` more id
 * bytes: in place when possible, else a larger copy.  Entry slots double up
 * to k; the id area doubles over the live bytes, so that garbage costs
 * amortized O(1) per stored byte.  Memory follows the entries kept, never
 * k: a state of k = 2^31-1 over 10 rows has 16 slots.
 */
static TopkState *
topk_reserve(TopkState *s, bool *owned, Size bytes)
{
	bool		need_entry = s->count == s->capacity && s->count < s->k;
	bool		need_bytes = s->area_used + bytes > s->area_size;
	int32		cap = s->capacity;
	Size		area = s->area_size;

	if (*owned && !need_entry && !need_bytes)
		return s;
	if (*owned && !need_entry && s->area_live + bytes <= s->area_size / 2)
	{
		topk_compact(s);
		return s;
	}
	if (need_bytes)
		area = 2 * ((Size) s->area_live + bytes);
	if (need_entry)
		cap = topk_grown_capacity(s, need_bytes ? (Size) s->area_live + bytes : area);
	if (need_bytes && TOPK_SIZE(cap, area) > MaxAllocSize)
		area = (Size) s->area_live + bytes;
	*owned = true;
	return topk_rebuild(s, cap, area);
}

/*
 * Offer one candidate to a state ordered under ctx's collation.  A
 * text/uuid candidate is TOPK_ID_EXTERNAL (its bytes outside the state);
 * once accepted its bytes are copied into the id area.  Returns the state,
 * which may have moved (ctx is kept pointing at its area).
 */
TopkState *
topk_offer_entry(TopkState *s, bool *owned, TopkEntry cand, TopkCtx *ctx)
{
	TopkEntry	evicted;
	bool		bytes = s->idtype != TOPK_IDTYPE_BIGINT && !(cand.flags & TOPK_ID_NULL);

	if (!topk_accepts(s->entries, s->count, s->k, &cand, &ctx->order))
		return s;
	s = topk_reserve(s, owned, bytes ? cand.len : 0);
	ctx->arg.area = TOPK_AREA(s);
	if (bytes)
	{
		memcpy(TOPK_AREA(s) + s->area_used, topk_id_bytes(&cand, NULL), cand.len);
		cand.id = s->area_used;
		cand.flags &= ~TOPK_ID_EXTERNAL;
		s->area_used += cand.len;
		s->area_live += cand.len;
	}
	if (topk_insert(s->entries, &s->count, s->k, &cand, &ctx->order, &evicted))
		s->area_live -= evicted.len;
	return s;
}

/* Error unless a state holds ids of the type the function expects. */
void
topk_check_idtype(const TopkState *s, int idtype)
{
	if (s->idtype != idtype)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("top_k state has %s ids, not %s ids",
						topk_idtype_name(s->idtype), topk_idtype_name(idtype))));
}

/* A collation's name for messages (its oid if it has none any more). */
char *
topk_collation_label(Oid collation)
{
	char	   *name = get_collation_name(collation);

	return name ? name : psprintf("%u", collation);
}

/*
 * The collation of a new state of this id type: for text ids the call's
 * (the collation of the aggregate's id argument), which the state then
 * keeps; none for bigint and uuid ids.  A call without one cannot order
 * text ids: Citus's worker_partial_agg, for one, passes none.
 */
Oid
topk_new_state_collation(FunctionCallInfo fcinfo, int idtype)
{
	Oid			collation = PG_GET_COLLATION();

	if (idtype != TOPK_IDTYPE_TEXT)
		return InvalidOid;
	if (!OidIsValid(collation))
		ereport(ERROR,
				(errcode(ERRCODE_INDETERMINATE_COLLATION),
				 errmsg("could not determine which collation to use for top_k text ids"),
				 errhint("al.top_k orders text ids by the collation of its id argument, which this call does not pass (as Citus's worker_partial_agg does not); use bigint or uuid ids there.")));
	return collation;
}

/*
 * The collation that orders the text ids of state s in this call: the
 * state's own, which every text state records (the transition takes it
 * from the aggregate call; text and binary input carry it by name).  A call
 * with a collation must agree with it; a call without one (combine and
 * final functions called directly or by Citus) uses it.  None for bigint
 * and uuid ids.
 */
Oid
topk_state_collation(FunctionCallInfo fcinfo, const TopkState *s)
{
	Oid			collation = PG_GET_COLLATION();

	if (s->idtype != TOPK_IDTYPE_TEXT)
		return InvalidOid;
	if (OidIsValid(collation) && collation != s->collation)
		ereport(ERROR,
				(errcode(ERRCODE_COLLATION_MISMATCH),
				 errmsg("collation mismatch between a top_k state and its call"),
				 errdetail("The state orders text ids by collation \"%s\", the call by \"%s\".",
						   topk_collation_label(s->collation),
						   topk_collation_label(collation))));
	return s->collation;
}

/*
 * A candidate entry.  A text/uuid id is TOPK_ID_EXTERNAL: its bytes stay
 * where they are until the heap accepts it.  bytes NULL: a NULL id.
 */
TopkEntry
topk_external_entry(double score, const char *bytes, Size len)
{
	TopkEntry	cand;

	cand.score = score;
	cand.id = (uint64) (uintptr_t) bytes;
	cand.len = (uint32) len;
	cand.flags = bytes ? TOPK_ID_EXTERNAL : TOPK_ID_NULL;
	return cand;
}

/* A copy of a state's entries sorted best first under the given order. */
TopkEntry *
topk_sorted_entries(const TopkState *s, Oid collation)
{
	TopkEntry  *e = palloc(sizeof(TopkEntry) * Max(s->count, 1));
	TopkCtx		ctx;

	memcpy(e, s->entries, sizeof(TopkEntry) * s->count);
	topk_ctx_init(&ctx, s, collation);
	topk_sort(e, s->count, &ctx.order);
	return e;
}
