/*
 * topk.c - the al.top_k aggregates and their state type al.top_k_state.
 *
 * al.top_k(id, score, k) keeps the k best (score DESC, id ASC) rows in a
 * bounded heap (src/core/topk.c).  The state is a real varlena type so that
 * parallel query and Citus can ship it between processes and nodes: it has
 * text and binary I/O that round-trip exactly.  See doc/topk.md.
 *
 * In memory (and on disk) a state is:
 *
 *	 TopkState header | TopkEntry entries[capacity] | id area[area_size]
 *
 * bigint ids live in the entries; text and uuid ids live in the id area
 * (entry.id = offset, entry.len = length).  Evicted text/uuid ids leave
 * garbage in the area; it is compacted away when the area fills up.
 *
 * When called as an aggregate, the transition and combine functions modify
 * the state in place and return the same pointer (as float8_accum does),
 * so most rows cost one comparison with the worst kept score.  When the
 * state must grow they build a larger copy in the per-call memory context
 * and return it; the executor copies it into the aggregate context.
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "parser/scansup.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"
#include "utils/pg_locale.h"
#include "utils/uuid.h"
#include "utils/varlena.h"

#include "topk.h"

/* Id types: the tag stored in every state and in its binary form. */
#define TOPK_BIGINT		1
#define TOPK_TEXT		2
#define TOPK_UUID		3

/* Binary format version written by send, checked by recv. */
#define TOPK_BINARY_VERSION 1

/* Entry flag of the glue: id is a pointer to bytes outside the state. */
#define TOPK_ID_EXTERNAL 0x2u

/* Entry slots of a new state; it doubles up to k as rows arrive. */
#define TOPK_INITIAL_CAPACITY 8

typedef struct TopkState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		idtype;			/* TOPK_BIGINT, TOPK_TEXT or TOPK_UUID */
	uint8		unused1;		/* reserved, 0 */
	uint16		unused2;		/* reserved, 0 */
	int32		k;				/* 1 .. TOPK_MAX_K */
	int32		count;			/* entries in use, <= capacity */
	int32		capacity;		/* entry slots allocated, <= k */
	Oid			collation;		/* text ids: collation of the heap order */
	uint32		area_used;		/* id area bytes in use (live + garbage) */
	uint32		area_size;		/* id area bytes allocated */
	uint32		area_live;		/* id area bytes of kept ids */
	uint32		unused3;		/* reserved, 0 (keeps entries 8-aligned) */
	TopkEntry	entries[FLEXIBLE_ARRAY_MEMBER];
} TopkState;

#define TOPK_HDRSZ			offsetof(TopkState, entries)
#define TOPK_SIZE(cap, area) \
	(TOPK_HDRSZ + (Size) (cap) * sizeof(TopkEntry) + (Size) (area))
#define TOPK_AREA(s) \
	((char *) (s) + TOPK_HDRSZ + (Size) (s)->capacity * sizeof(TopkEntry))

StaticAssertDecl(TOPK_HDRSZ % 8 == 0, "top-k entries must be 8-aligned");
StaticAssertDecl(sizeof(TopkEntry) == 24, "unexpected TopkEntry size");

/* What an id comparator needs: the id area and the collation. */
typedef struct TopkCmpArg
{
	const char *area;
	Oid			collation;
} TopkCmpArg;

/* A comparison context: the order and its argument, kept together. */
typedef struct TopkCtx
{
	TopkOrder	order;
	TopkCmpArg	arg;
} TopkCtx;

PG_FUNCTION_INFO_V1(al_top_k_trans_bigint);
PG_FUNCTION_INFO_V1(al_top_k_trans_text);
PG_FUNCTION_INFO_V1(al_top_k_trans_uuid);
PG_FUNCTION_INFO_V1(al_top_k_combine);
PG_FUNCTION_INFO_V1(al_top_k_final_bigint);
PG_FUNCTION_INFO_V1(al_top_k_final_text);
PG_FUNCTION_INFO_V1(al_top_k_final_uuid);
PG_FUNCTION_INFO_V1(al_top_k_state_in);
PG_FUNCTION_INFO_V1(al_top_k_state_out);
PG_FUNCTION_INFO_V1(al_top_k_state_recv);
PG_FUNCTION_INFO_V1(al_top_k_state_send);

/* ---------------------------------------------------------------------
 * Id comparators
 * --------------------------------------------------------------------- */

/* The SQL name of an id type tag (for messages and the text form). */
static const char *
topk_idtype_name(int idtype)
{
	switch (idtype)
	{
		case TOPK_BIGINT:
			return "bigint";
		case TOPK_TEXT:
			return "text";
		case TOPK_UUID:
			return "uuid";
	}
	return "unknown";
}

/* bigint ids: numeric order. */
static int
topk_cmp_bigint(const TopkEntry *a, const TopkEntry *b, void *arg)
{
	int64		x = (int64) a->id;
	int64		y = (int64) b->id;

	return (x > y) - (x < y);
}

/* Where an entry's id bytes are: outside the state, or in its area. */
static inline const char *
topk_id_bytes(const TopkEntry *e, const char *area)
{
	if (e->flags & TOPK_ID_EXTERNAL)
		return (const char *) (uintptr_t) e->id;
	return area + e->id;
}

/* uuid ids and text ids in the C collation: memcmp, shorter first. */
static int
topk_cmp_bytes(const TopkEntry *a, const TopkEntry *b, void *arg)
{
	const char *area = ((TopkCmpArg *) arg)->area;
	int			c = memcmp(topk_id_bytes(a, area), topk_id_bytes(b, area),
						   Min(a->len, b->len));

	if (c != 0)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

/*
 * text ids in a real collation: varstr_cmp, as ORDER BY does; strings a
 * nondeterministic collation calls equal are ordered by their bytes so that
 * the result never depends on the order of the input.
 */
static int
topk_cmp_text(const TopkEntry *a, const TopkEntry *b, void *arg)
{
	TopkCmpArg *ca = (TopkCmpArg *) arg;
	int			c = varstr_cmp(topk_id_bytes(a, ca->area), a->len,
							   topk_id_bytes(b, ca->area), b->len,
							   ca->collation);

	return c != 0 ? c : topk_cmp_bytes(a, b, arg);
}

/*
 * Set up the order of a state's entries: by id type, and for text by the
 * collation (InvalidOid for the collation-free canonical byte order).
 */
static void
topk_ctx_init(TopkCtx *ctx, const TopkState *s, Oid collation)
{
	ctx->arg.area = TOPK_AREA(s);
	ctx->arg.collation = collation;
	ctx->order.arg = &ctx->arg;
	if (s->idtype == TOPK_BIGINT)
		ctx->order.id_cmp = topk_cmp_bigint;
	else if (s->idtype == TOPK_UUID || !OidIsValid(collation) ||
			 lc_collate_is_c(collation))
		ctx->order.id_cmp = topk_cmp_bytes;
	else
		ctx->order.id_cmp = topk_cmp_text;
}

/* ---------------------------------------------------------------------
 * State allocation, checks and growth
 * --------------------------------------------------------------------- */

/* Error out when a state of this shape would exceed palloc's limit. */
static void
topk_check_size(Size cap, Size area)
{
	if (cap > TOPK_MAX_K || area > MaxAllocSize ||
		TOPK_SIZE(cap, area) > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("top_k state would exceed the maximum size of %zu bytes",
						(Size) MaxAllocSize),
				 errhint("Use a smaller k or shorter ids.")));
}

/* A new empty state in the current memory context. */
static TopkState *
topk_alloc(int idtype, int32 k, int32 capacity, Size area)
{
	TopkState  *s;

	topk_check_size(capacity, area);
	s = palloc0(TOPK_SIZE(capacity, area));
	SET_VARSIZE(s, TOPK_SIZE(capacity, area));
	s->idtype = idtype;
	s->k = k;
	s->capacity = capacity;
	s->area_size = area;
	s->collation = InvalidOid;
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
		s->idtype < TOPK_BIGINT || s->idtype > TOPK_UUID ||
		s->k < 1 || s->k > TOPK_MAX_K ||
		s->count < 0 || s->count > s->capacity || s->capacity > s->k ||
		s->area_live > s->area_used || s->area_used > s->area_size ||
		VARSIZE(s) != TOPK_SIZE(s->capacity, s->area_size))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt top_k_state value")));
}

/*
 * Fetch a state argument: detoasted, 8-aligned and header-checked.
 * *fresh says whether it is a private copy made here (which the caller
 * may modify).
 */
static TopkState *
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
	if (fresh)
		*fresh = (Pointer) s != DatumGetPointer(d);
	return s;
}

/*
 * A copy of s with room for `capacity` entries and `area` id bytes, its ids
 * packed (the garbage dropped).  Allocated in the current memory context.
 */
static TopkState *
topk_rebuild(const TopkState *s, int32 capacity, Size area)
{
	TopkState  *n = topk_alloc(s->idtype, s->k, capacity, area);

	n->count = s->count;
	n->collation = s->collation;
	memcpy(n->entries, s->entries, sizeof(TopkEntry) * s->count);
	if (s->idtype != TOPK_BIGINT)
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
 * Make s writable (*owned) with room for one more entry and `bytes` more id
 * bytes: in place when possible, else a larger copy.  Entry slots double up
 * to k; the id area doubles over the live bytes, so that garbage costs
 * amortized O(1) per stored byte.
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
	if (need_entry)
		cap = Min(s->k, Max(TOPK_INITIAL_CAPACITY, cap * 2));
	if (need_bytes)
	{
		area = 2 * ((Size) s->area_live + bytes);
		if (TOPK_SIZE(cap, area) > MaxAllocSize)
			area = (Size) s->area_live + bytes;
	}
	*owned = true;
	return topk_rebuild(s, cap, area);
}

/*
 * Make sure a writable state's heap is ordered by this collation: text
 * states built elsewhere (text or binary input, another collation) are
 * re-heapified, O(k).  bigint and uuid orders need no collation.
 */
static TopkState *
topk_ensure_order(TopkState *s, bool *owned, Oid collation)
{
	TopkCtx		ctx;

	if (s->idtype != TOPK_TEXT || s->collation == collation)
		return s;
	if (!*owned)
	{
		s = topk_rebuild(s, s->capacity, s->area_size);
		*owned = true;
	}
	topk_ctx_init(&ctx, s, collation);
	topk_heapify(s->entries, s->count, &ctx.order);
	s->collation = collation;
	return s;
}

/*
 * Offer one candidate to a state ordered under ctx's collation.  A
 * text/uuid candidate is TOPK_ID_EXTERNAL (its bytes outside the state);
 * once accepted its bytes are copied into the id area.  Returns the state,
 * which may have moved (ctx is kept pointing at its area).
 */
static TopkState *
topk_offer_entry(TopkState *s, bool *owned, TopkEntry cand, TopkCtx *ctx)
{
	TopkEntry	evicted;
	bool		bytes = s->idtype != TOPK_BIGINT && !(cand.flags & TOPK_ID_NULL);

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

/* ---------------------------------------------------------------------
 * Transition, combine and final functions
 * --------------------------------------------------------------------- */

/* k from argument argno, checked: not NULL, 1 .. TOPK_MAX_K. */
static int32
topk_arg_k(FunctionCallInfo fcinfo, int argno)
{
	int32		k;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must not be null")));
	k = PG_GETARG_INT32(argno);
	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be at least 1"),
				 errdetail("k is %d.", k)));
	if (k > TOPK_MAX_K)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be at most %d", TOPK_MAX_K),
				 errdetail("k is %d.", k)));
	return k;
}

/* Error unless a state holds ids of the type the function expects. */
static void
topk_check_idtype(const TopkState *s, int idtype)
{
	if (s->idtype != idtype)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("top_k state has %s ids, not %s ids",
						topk_idtype_name(s->idtype), topk_idtype_name(idtype))));
}

/*
 * The state of a transition call (args: state, id, score, k) on the full
 * path: a new one on the first row (NULL state), else the argument
 * detoasted, aligned and checked against the id type and this row's k.
 * *fresh: the state is new or a private copy.
 */
static TopkState *
topk_trans_state(FunctionCallInfo fcinfo, int idtype, bool *fresh)
{
	int32		k = topk_arg_k(fcinfo, 3);
	TopkState  *s;

	if (PG_ARGISNULL(0))
	{
		*fresh = true;
		return topk_alloc(idtype, k, Min(k, TOPK_INITIAL_CAPACITY),
						  idtype == TOPK_BIGINT ? 0 :
						  (Size) Min(k, TOPK_INITIAL_CAPACITY) * UUID_LEN);
	}
	s = topk_arg_state(fcinfo, 0, fresh);
	topk_check_idtype(s, idtype);
	if (s->k != k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be the same for every row"),
				 errdetail("k was %d in an earlier row and is %d now.", s->k, k)));
	return s;
}

/*
 * The collation that orders text ids in this call: the aggregate's (the
 * collation of its id argument).  Direct calls of the state functions on
 * text states without one (their arguments are not collatable) use the
 * database default, as ORDER BY would.  bigint and uuid ids have none.
 */
static Oid
topk_call_collation(FunctionCallInfo fcinfo, const TopkState *s)
{
	Oid			collation = PG_GET_COLLATION();

	if (s->idtype != TOPK_TEXT)
		return InvalidOid;
	return OidIsValid(collation) ? collation : DEFAULT_COLLATION_OID;
}

/*
 * May this call modify state s?  Yes if it is a private copy, or if we are
 * called as an aggregate and s is the transition value itself (modifying it
 * in place is sanctioned there, see float8_accum).
 */
static bool
topk_may_modify(FunctionCallInfo fcinfo, bool fresh)
{
	return fresh || AggCheckCallContext(fcinfo, NULL) != 0;
}

/*
 * A candidate entry.  A text/uuid id is TOPK_ID_EXTERNAL: its bytes stay
 * where they are until the heap accepts it.  bytes NULL: a NULL id.
 */
static TopkEntry
topk_external_entry(double score, const char *bytes, Size len)
{
	TopkEntry	cand;

	cand.score = score;
	cand.id = (uint64) (uintptr_t) bytes;
	cand.len = (uint32) len;
	cand.flags = bytes ? TOPK_ID_EXTERNAL : TOPK_ID_NULL;
	return cand;
}

/* The candidate of a transition row from its id argument (arg 1). */
static TopkEntry
topk_arg_candidate(FunctionCallInfo fcinfo, int idtype, double score)
{
	TopkEntry	cand;
	text	   *t;

	if (PG_ARGISNULL(1))
		return topk_external_entry(score, NULL, 0);
	if (idtype == TOPK_UUID)
		return topk_external_entry(score, (const char *) PG_GETARG_UUID_P(1)->data,
								   UUID_LEN);
	if (idtype == TOPK_TEXT)
	{
		t = PG_GETARG_TEXT_PP(1);
		return topk_external_entry(score, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	cand.score = score;
	cand.id = (uint64) PG_GETARG_INT64(1);
	cand.len = 0;
	cand.flags = 0;
	return cand;
}

/*
 * The full path of a transition: first row, checks of k and of the state,
 * and rows whose score does not lose to the worst kept score outright.
 * Orders the state under the call's collation and offers the candidate.
 * The id is fetched (detoasted) only here.
 */
static pg_noinline Datum
topk_trans_full(FunctionCallInfo fcinfo, int idtype)
{
	bool		fresh;
	TopkState  *s = topk_trans_state(fcinfo, idtype, &fresh);
	bool		owned;
	Oid			collation;
	double		score;
	TopkCtx		ctx;

	if (PG_ARGISNULL(2))
		PG_RETURN_POINTER(s);
	score = PG_GETARG_FLOAT8(2);
	if (topk_fast_reject(s->entries, s->count, s->k, score))
		PG_RETURN_POINTER(s);
	owned = topk_may_modify(fcinfo, fresh);
	collation = topk_call_collation(fcinfo, s);
	s = topk_ensure_order(s, &owned, collation);
	topk_ctx_init(&ctx, s, collation);
	s = topk_offer_entry(s, &owned, topk_arg_candidate(fcinfo, idtype, score), &ctx);
	PG_RETURN_POINTER(s);
}

/*
 * The hot path of every transition, taken by most rows: the state is our
 * own plain aligned varlena of this id type and k (so already checked),
 * and the row's score is NULL or below the worst kept score.  Returns the
 * state when the row needs nothing more, else NULL (take the full path).
 */
static inline TopkState *
topk_trans_fast(FunctionCallInfo fcinfo, int idtype)
{
	TopkState  *s;

	if (unlikely(PG_ARGISNULL(0) || PG_ARGISNULL(3)))
		return NULL;
	s = (TopkState *) PG_GETARG_POINTER(0);
	if (unlikely(VARATT_IS_EXTENDED(s) || (uintptr_t) s % MAXIMUM_ALIGNOF != 0 ||
				 s->idtype != idtype || s->k != PG_GETARG_INT32(3)))
		return NULL;
	if (PG_ARGISNULL(2) ||
		topk_fast_reject(s->entries, s->count, s->k, PG_GETARG_FLOAT8(2)))
		return s;
	return NULL;
}

/*
 * al.top_k_trans(state, bigint, double precision, integer): transition of
 * al.top_k for bigint ids.  NULL scores are skipped; NULL ids are kept.
 */
Datum
al_top_k_trans_bigint(PG_FUNCTION_ARGS)
{
	TopkState  *s = topk_trans_fast(fcinfo, TOPK_BIGINT);

	if (likely(s != NULL))
		PG_RETURN_POINTER(s);
	return topk_trans_full(fcinfo, TOPK_BIGINT);
}

/*
 * al.top_k_trans(state, text, double precision, integer): transition for
 * text ids, ordered by the collation of the aggregate call.
 */
Datum
al_top_k_trans_text(PG_FUNCTION_ARGS)
{
	TopkState  *s = topk_trans_fast(fcinfo, TOPK_TEXT);

	if (likely(s != NULL))
		PG_RETURN_POINTER(s);
	return topk_trans_full(fcinfo, TOPK_TEXT);
}

/* al.top_k_trans(state, uuid, double precision, integer): uuid ids. */
Datum
al_top_k_trans_uuid(PG_FUNCTION_ARGS)
{
	TopkState  *s = topk_trans_fast(fcinfo, TOPK_UUID);

	if (likely(s != NULL))
		PG_RETURN_POINTER(s);
	return topk_trans_full(fcinfo, TOPK_UUID);
}

/*
 * al.top_k_combine(state, state): merge two partial states (parallel
 * workers, Citus nodes) by offering every entry of the second to the first.
 * The result depends only on the multiset of rows, not on the order.
 */
Datum
al_top_k_combine(PG_FUNCTION_ARGS)
{
	bool		fresh;
	TopkState  *s1 = topk_arg_state(fcinfo, 0, &fresh);
	TopkState  *s2 = topk_arg_state(fcinfo, 1, NULL);
	Oid			collation = topk_call_collation(fcinfo, s1);
	bool		owned;
	TopkCtx		ctx;
	int			i;

	if (s1->idtype != s2->idtype)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine top_k states of different id types"),
				 errdetail("One state has %s ids and the other %s ids.",
						   topk_idtype_name(s1->idtype),
						   topk_idtype_name(s2->idtype))));
	if (s1->k != s2->k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be the same for every row"),
				 errdetail("k is %d in one partial state and %d in another.",
						   s1->k, s2->k)));
	if (s2->count == 0)
		PG_RETURN_POINTER(s1);
	owned = s1 != s2 && topk_may_modify(fcinfo, fresh);
	s1 = topk_ensure_order(s1, &owned, collation);
	topk_ctx_init(&ctx, s1, collation);
	for (i = 0; i < s2->count; i++)
	{
		TopkEntry	cand = s2->entries[i];

		if (s2->idtype != TOPK_BIGINT && !(cand.flags & TOPK_ID_NULL))
			cand = topk_external_entry(cand.score, TOPK_AREA(s2) + cand.id, cand.len);
		s1 = topk_offer_entry(s1, &owned, cand, &ctx);
	}
	PG_RETURN_POINTER(s1);
}

/* A copy of a state's entries sorted best first under the given order. */
static TopkEntry *
topk_sorted_entries(const TopkState *s, Oid collation)
{
	TopkEntry  *e = palloc(sizeof(TopkEntry) * Max(s->count, 1));
	TopkCtx		ctx;

	memcpy(e, s->entries, sizeof(TopkEntry) * s->count);
	topk_ctx_init(&ctx, s, collation);
	topk_sort(e, s->count, &ctx.order);
	return e;
}

/*
 * The result array of a final function: ids best first, NULL ids as NULL
 * elements.  NULL for an empty state (no row had a score), as the
 * array_agg oracle gives.
 */
static Datum
topk_final(FunctionCallInfo fcinfo, int idtype, Oid elemtype, int16 elemlen,
		   bool elembyval, char elemalign)
{
	TopkState  *s = topk_arg_state(fcinfo, 0, NULL);
	TopkEntry  *e;
	Datum	   *elems;
	bool	   *nulls;
	int			dims[1];
	int			lbs[1] = {1};
	int			i;

	topk_check_idtype(s, idtype);
	if (s->count == 0)
		PG_RETURN_NULL();
	e = topk_sorted_entries(s, topk_call_collation(fcinfo, s));
	elems = palloc(sizeof(Datum) * s->count);
	nulls = palloc(sizeof(bool) * s->count);
	for (i = 0; i < s->count; i++)
	{
		nulls[i] = (e[i].flags & TOPK_ID_NULL) != 0;
		if (nulls[i])
			elems[i] = (Datum) 0;
		else if (idtype == TOPK_BIGINT)
			elems[i] = Int64GetDatum((int64) e[i].id);
		else if (idtype == TOPK_TEXT)
			elems[i] = PointerGetDatum(cstring_to_text_with_len(TOPK_AREA(s) + e[i].id,
																e[i].len));
		else
			elems[i] = PointerGetDatum(TOPK_AREA(s) + e[i].id);
	}
	dims[0] = s->count;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, 1, dims, lbs, elemtype,
											 elemlen, elembyval, elemalign));
}

/* al.top_k_final_bigint(state) -> bigint[]: final function for bigint ids. */
Datum
al_top_k_final_bigint(PG_FUNCTION_ARGS)
{
	return topk_final(fcinfo, TOPK_BIGINT, INT8OID, sizeof(int64),
					  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/* al.top_k_final_text(state) -> text[]: final function for text ids. */
Datum
al_top_k_final_text(PG_FUNCTION_ARGS)
{
	return topk_final(fcinfo, TOPK_TEXT, TEXTOID, -1, false, TYPALIGN_INT);
}

/* al.top_k_final_uuid(state) -> uuid[]: final function for uuid ids. */
Datum
al_top_k_final_uuid(PG_FUNCTION_ARGS)
{
	return topk_final(fcinfo, TOPK_UUID, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR);
}

/* ---------------------------------------------------------------------
 * Text form: <idtype> k=<k> [(<score>,<id>),...]
 *
 * Entries best first (text ids by bytes, since no collation is known
 * here); scores in shortest round-trip form (NaN, Infinity, -0 included);
 * bigint ids in decimal, uuids in canonical form, text ids in double quotes
 * with " and \ escaped by a backslash; NULL ids as NULL.
 * --------------------------------------------------------------------- */

/* Append a uuid in canonical lower-case form. */
static void
topk_append_uuid(StringInfo buf, const unsigned char *u)
{
	static const char hex[] = "0123456789abcdef";
	int			i;

	for (i = 0; i < UUID_LEN; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			appendStringInfoChar(buf, '-');
		appendStringInfoChar(buf, hex[u[i] >> 4]);
		appendStringInfoChar(buf, hex[u[i] & 0xF]);
	}
}

/* Append a text id in double quotes, escaping " and \. */
static void
topk_append_quoted(StringInfo buf, const char *p, uint32 len)
{
	uint32		i;

	appendStringInfoChar(buf, '"');
	for (i = 0; i < len; i++)
	{
		if (p[i] == '"' || p[i] == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, p[i]);
	}
	appendStringInfoChar(buf, '"');
}

/* Append one entry as (score,id). */
static void
topk_append_entry(StringInfo buf, const TopkState *s, const TopkEntry *e)
{
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(e->score, num);
	appendStringInfo(buf, "(%s,", num);
	if (e->flags & TOPK_ID_NULL)
		appendStringInfoString(buf, "NULL");
	else if (s->idtype == TOPK_BIGINT)
		appendStringInfo(buf, INT64_FORMAT, (int64) e->id);
	else if (s->idtype == TOPK_UUID)
		topk_append_uuid(buf, (const unsigned char *) TOPK_AREA(s) + e->id);
	else
		topk_append_quoted(buf, TOPK_AREA(s) + e->id, e->len);
	appendStringInfoChar(buf, ')');
}

/* al.top_k_state_out(state) -> cstring: the text form above. */
Datum
al_top_k_state_out(PG_FUNCTION_ARGS)
{
	TopkState  *s = topk_arg_state(fcinfo, 0, NULL);
	TopkEntry  *e = topk_sorted_entries(s, InvalidOid);
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s k=%d [", topk_idtype_name(s->idtype), s->k);
	for (i = 0; i < s->count; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		topk_append_entry(&buf, s, &e[i]);
	}
	appendStringInfoChar(&buf, ']');
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Entries being read by in or recv: an array that grows as they come (so
 * a lying count cannot make us allocate much), and the id bytes.
 */
typedef struct TopkBuilder
{
	int			idtype;
	int32		k;
	int32		count;
	int32		alloc;
	TopkEntry  *entries;
	StringInfoData bytes;
} TopkBuilder;

/* Start collecting entries of a state with this id type and k. */
static void
topk_builder_init(TopkBuilder *b, int idtype, int32 k)
{
	b->idtype = idtype;
	b->k = k;
	b->count = 0;
	b->alloc = Min(k, 64);
	b->entries = palloc(sizeof(TopkEntry) * b->alloc);
	initStringInfo(&b->bytes);
}

/* Add an entry (false if there are already k); id bytes may be NULL. */
static bool
topk_builder_add(TopkBuilder *b, double score, int64 ival, const char *bytes,
				 int len, bool isnull)
{
	TopkEntry  *e;

	if (b->count >= b->k)
		return false;
	if (b->count == b->alloc)
	{
		b->alloc = Min(b->k, b->alloc * 2);
		b->entries = repalloc(b->entries, sizeof(TopkEntry) * b->alloc);
	}
	e = &b->entries[b->count++];
	e->score = score;
	e->flags = isnull ? TOPK_ID_NULL : 0;
	e->len = 0;
	e->id = isnull ? 0 : (uint64) ival;
	if (!isnull && b->idtype != TOPK_BIGINT)
	{
		e->id = b->bytes.len;
		e->len = len;
		appendBinaryStringInfo(&b->bytes, bytes, len);
	}
	return true;
}

/*
 * The state of collected entries, heap-ordered: text ids by their bytes
 * (the C collation; a later call under another collation re-heapifies).
 */
static TopkState *
topk_builder_finish(TopkBuilder *b)
{
	TopkState  *s = topk_alloc(b->idtype, b->k, b->count, b->bytes.len);
	TopkCtx		ctx;

	s->count = b->count;
	memcpy(s->entries, b->entries, sizeof(TopkEntry) * b->count);
	memcpy(TOPK_AREA(s), b->bytes.data, b->bytes.len);
	s->area_used = s->area_live = b->bytes.len;
	s->collation = b->idtype == TOPK_TEXT ? C_COLLATION_OID : InvalidOid;
	topk_ctx_init(&ctx, s, InvalidOid);
	topk_heapify(s->entries, s->count, &ctx.order);
	return s;
}

/* The text being parsed by al.top_k_state_in and the read position. */
typedef struct TopkParser
{
	const char *str;
	const char *p;
} TopkParser;

static void topk_syntax_error(const TopkParser *ps, const char *detail) pg_attribute_noreturn();

/* Report malformed text: 22P02 with the whole input and what is wrong. */
static void
topk_syntax_error(const TopkParser *ps, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"",
					"top_k_state", ps->str),
			 errdetail_internal("%s", detail)));
}

/* Skip white space. */
static void
topk_skip_ws(TopkParser *ps)
{
	while (*ps->p && scanner_isspace(*ps->p))
		ps->p++;
}

/*
 * Consume the character c (after white space) or report what was expected
 * where (a format taking the entry number n, built only on error).
 */
static void
topk_expect(TopkParser *ps, char c, const char *where, int n)
{
	topk_skip_ws(ps);
	if (*ps->p != c)
		topk_syntax_error(ps, psprintf("Expected \"%c\" %s.", c,
									   psprintf(where, n)));
	ps->p++;
}

/* Does the input continue with the word w (case-insensitive)? Consume it. */
static bool
topk_accept_word(TopkParser *ps, const char *w)
{
	size_t		n = strlen(w);

	if (pg_strncasecmp(ps->p, w, n) != 0 || isalnum((unsigned char) ps->p[n]))
		return false;
	ps->p += n;
	return true;
}

/* Parse an optionally signed decimal integer into *v; false on overflow. */
static bool
topk_parse_int64(TopkParser *ps, int64 *v)
{
	bool		neg = false;
	int64		acc = 0;
	const char *start;

	if (*ps->p == '+' || *ps->p == '-')
		neg = *ps->p++ == '-';
	start = ps->p;
	while (isdigit((unsigned char) *ps->p))
	{
		/* accumulate negatively so that INT64_MIN fits */
		if (pg_mul_s64_overflow(acc, 10, &acc) ||
			pg_sub_s64_overflow(acc, *ps->p - '0', &acc))
			return false;
		ps->p++;
	}
	if (ps->p == start)
		return false;
	if (!neg && acc == PG_INT64_MIN)
		return false;
	*v = neg ? acc : -acc;
	return true;
}

/* Is s (NUL-terminated) a plain decimal number: [+-]d[.d][e[+-]d]? */
static bool
topk_is_decimal(const char *s)
{
	int			digits = 0;

	if (*s == '+' || *s == '-')
		s++;
	for (; isdigit((unsigned char) *s); s++)
		digits++;
	if (*s == '.')
		for (s++; isdigit((unsigned char) *s); s++)
			digits++;
	if (digits == 0)
		return false;
	if (*s == 'e' || *s == 'E')
	{
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char) *s))
			return false;
		while (isdigit((unsigned char) *s))
			s++;
	}
	return *s == '\0';
}

/*
 * Parse a score token: NaN, [+-]Infinity/inf, or a decimal number in the
 * range of double precision (what float8in accepts, minus hex forms).
 */
static bool
topk_parse_score(const char *tok, double *v)
{
	char	   *end;

	if (pg_strcasecmp(tok, "NaN") == 0)
		*v = get_float8_nan();
	else if (pg_strcasecmp(tok, "Infinity") == 0 || pg_strcasecmp(tok, "+Infinity") == 0 ||
			 pg_strcasecmp(tok, "inf") == 0 || pg_strcasecmp(tok, "+inf") == 0)
		*v = get_float8_infinity();
	else if (pg_strcasecmp(tok, "-Infinity") == 0 || pg_strcasecmp(tok, "-inf") == 0)
		*v = -get_float8_infinity();
	else
	{
		if (!topk_is_decimal(tok))
			return false;
		errno = 0;
		*v = strtod(tok, &end);
		if (*end != '\0' || (errno == ERANGE && (*v == 0.0 || isinf(*v))))
			return false;
	}
	return true;
}

/* Read the score of entry n. */
static double
topk_read_score(TopkParser *ps, int n)
{
	const char *start;
	char	   *tok;
	double		v;

	topk_skip_ws(ps);
	start = ps->p;
	while (isalnum((unsigned char) *ps->p) || *ps->p == '.' ||
		   *ps->p == '+' || *ps->p == '-')
		ps->p++;
	tok = pnstrdup(start, ps->p - start);
	if (!topk_parse_score(tok, &v))
		topk_syntax_error(ps, psprintf("Entry %d has an invalid score \"%s\".", n, tok));
	pfree(tok);
	return v;
}

/* Value of a hex digit, or -1. */
static int
topk_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse a uuid, 32 hex digits with or without the canonical hyphens. */
static bool
topk_parse_uuid(TopkParser *ps, unsigned char *u)
{
	bool		hyphens = strnlen(ps->p, 9) == 9 && ps->p[8] == '-';
	int			i;

	for (i = 0; i < UUID_LEN; i++)
	{
		int			hi,
					lo;

		if (hyphens && (i == 4 || i == 6 || i == 8 || i == 10))
		{
			if (*ps->p != '-')
				return false;
			ps->p++;
		}
		hi = topk_hex(ps->p[0]);
		if (hi < 0)
			return false;
		lo = topk_hex(ps->p[1]);
		if (lo < 0)
			return false;
		u[i] = (unsigned char) (hi << 4 | lo);
		ps->p += 2;
	}
	return !isalnum((unsigned char) *ps->p) && *ps->p != '-';
}

/* Parse a double-quoted text id, undoing backslash escapes, into buf. */
static bool
topk_parse_quoted(TopkParser *ps, StringInfo buf)
{
	if (*ps->p != '"')
		return false;
	for (ps->p++; *ps->p != '"'; ps->p++)
	{
		if (*ps->p == '\\')
			ps->p++;
		if (*ps->p == '\0')
			return false;
		appendStringInfoChar(buf, *ps->p);
	}
	ps->p++;
	return true;
}

/* Read the id of entry n and add the entry to the builder. */
static void
topk_read_id(TopkParser *ps, TopkBuilder *b, double score, int n)
{
	int64		ival = 0;
	unsigned char u[UUID_LEN];
	StringInfoData t;
	bool		ok;

	topk_skip_ws(ps);
	if (topk_accept_word(ps, "NULL"))
		ok = topk_builder_add(b, score, 0, NULL, 0, true);
	else if (b->idtype == TOPK_BIGINT)
	{
		if (!topk_parse_int64(ps, &ival))
			topk_syntax_error(ps, psprintf("Entry %d has an invalid bigint id.", n));
		ok = topk_builder_add(b, score, ival, NULL, 0, false);
	}
	else if (b->idtype == TOPK_UUID)
	{
		if (!topk_parse_uuid(ps, u))
			topk_syntax_error(ps, psprintf("Entry %d has an invalid uuid id.", n));
		ok = topk_builder_add(b, score, 0, (const char *) u, UUID_LEN, false);
	}
	else
	{
		initStringInfo(&t);
		if (!topk_parse_quoted(ps, &t))
			topk_syntax_error(ps, psprintf("Entry %d has an invalid text id (it must be double-quoted, with \\\" and \\\\ escaped).", n));
		pg_verifymbstr(t.data, t.len, false);
		ok = topk_builder_add(b, score, 0, t.data, t.len, false);
		pfree(t.data);
	}
	if (!ok)
		topk_syntax_error(ps, psprintf("There are more entries than k (%d).", b->k));
}

/* Read "<idtype> k=<k>" and start the builder. */
static void
topk_read_header(TopkParser *ps, TopkBuilder *b)
{
	int			idtype;
	int64		k;

	topk_skip_ws(ps);
	if (topk_accept_word(ps, "bigint"))
		idtype = TOPK_BIGINT;
	else if (topk_accept_word(ps, "text"))
		idtype = TOPK_TEXT;
	else if (topk_accept_word(ps, "uuid"))
		idtype = TOPK_UUID;
	else
		topk_syntax_error(ps, "The text must start with the id type: bigint, text or uuid.");
	topk_skip_ws(ps);
	if (!topk_accept_word(ps, "k"))
		topk_syntax_error(ps, "Expected \"k=\" after the id type.");
	topk_expect(ps, '=', "after \"k\"", 0);
	topk_skip_ws(ps);
	if (!topk_parse_int64(ps, &k) || k < 1 || k > TOPK_MAX_K)
		topk_syntax_error(ps, psprintf("k must be an integer between 1 and %d.", TOPK_MAX_K));
	topk_builder_init(b, idtype, (int32) k);
}

/*
 * al.top_k_state_in(cstring): parse the text form.  Untrusted: validates
 * everything and re-establishes the heap order.
 */
Datum
al_top_k_state_in(PG_FUNCTION_ARGS)
{
	TopkParser	ps;
	TopkBuilder b;
	int			n = 0;

	ps.str = PG_GETARG_CSTRING(0);
	ps.p = ps.str;
	topk_read_header(&ps, &b);
	topk_expect(&ps, '[', "before the entries", 0);
	topk_skip_ws(&ps);
	if (*ps.p == ']')
		ps.p++;
	else
		for (;;)
		{
			double		score;

			n++;
			topk_expect(&ps, '(', "at the start of entry %d", n);
			score = topk_read_score(&ps, n);
			topk_expect(&ps, ',', "after the score of entry %d", n);
			topk_read_id(&ps, &b, score, n);
			topk_expect(&ps, ')', "after the id of entry %d", n);
			topk_skip_ws(&ps);
			if (*ps.p == ']')
			{
				ps.p++;
				break;
			}
			topk_expect(&ps, ',', "or \"]\" after entry %d", n);
		}
	topk_skip_ws(&ps);
	if (*ps.p != '\0')
		topk_syntax_error(&ps, "Unexpected text after \"]\".");
	PG_RETURN_POINTER(topk_builder_finish(&b));
}

/* ---------------------------------------------------------------------
 * Binary form: int8 version, int8 id type, int32 k, int32 count, then per
 * entry (best first): float8 score, int8 isnull, and unless NULL the id:
 * int64 (bigint), 16 bytes (uuid), or int32 length + text in the client
 * encoding (text, as textsend does).
 * --------------------------------------------------------------------- */

static void topk_binary_error(const char *detail) pg_attribute_noreturn();

/* Report malformed binary input: 22P03 with what is wrong. */
static void
topk_binary_error(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary data for type %s", "top_k_state"),
			 errdetail_internal("%s", detail)));
}

/* al.top_k_state_send(state) -> bytea: the binary form above. */
Datum
al_top_k_state_send(PG_FUNCTION_ARGS)
{
	TopkState  *s = topk_arg_state(fcinfo, 0, NULL);
	TopkEntry  *e = topk_sorted_entries(s, InvalidOid);
	StringInfoData buf;
	int			i;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, TOPK_BINARY_VERSION);
	pq_sendbyte(&buf, s->idtype);
	pq_sendint32(&buf, s->k);
	pq_sendint32(&buf, s->count);
	for (i = 0; i < s->count; i++)
	{
		bool		isnull = (e[i].flags & TOPK_ID_NULL) != 0;

		pq_sendfloat8(&buf, e[i].score);
		pq_sendbyte(&buf, isnull ? 1 : 0);
		if (isnull)
			continue;
		if (s->idtype == TOPK_BIGINT)
			pq_sendint64(&buf, (int64) e[i].id);
		else if (s->idtype == TOPK_UUID)
			pq_sendbytes(&buf, TOPK_AREA(s) + e[i].id, UUID_LEN);
		else
			pq_sendcountedtext(&buf, TOPK_AREA(s) + e[i].id, e[i].len, false);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read one entry of the binary form into the builder. */
static void
topk_recv_entry(StringInfo msg, TopkBuilder *b)
{
	double		score = pq_getmsgfloat8(msg);
	int			isnull = pq_getmsgbyte(msg);
	char		u[UUID_LEN];
	int			len,
				nbytes;
	char	   *t;

	if (isnull != 0 && isnull != 1)
		topk_binary_error("An entry has an invalid NULL flag.");
	if (isnull)
		topk_builder_add(b, score, 0, NULL, 0, true);
	else if (b->idtype == TOPK_BIGINT)
		topk_builder_add(b, score, pq_getmsgint64(msg), NULL, 0, false);
	else if (b->idtype == TOPK_UUID)
	{
		pq_copymsgbytes(msg, u, UUID_LEN);
		topk_builder_add(b, score, 0, u, UUID_LEN, false);
	}
	else
	{
		len = pq_getmsgint(msg, 4);
		if (len < 0 || len > msg->len - msg->cursor)
			topk_binary_error("A text id has an invalid length.");
		t = pq_getmsgtext(msg, len, &nbytes);
		topk_builder_add(b, score, 0, t, nbytes, false);
		pfree(t);
	}
}

/*
 * al.top_k_state_recv(internal): read the binary form.  Untrusted:
 * validates the header, every length and the text encoding, and
 * re-establishes the heap order.
 */
Datum
al_top_k_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	TopkBuilder b;
	int			version = pq_getmsgbyte(msg);
	int			idtype = pq_getmsgbyte(msg);
	int32		k = pq_getmsgint(msg, 4);
	int32		count = pq_getmsgint(msg, 4);
	int			i;

	if (version != TOPK_BINARY_VERSION)
		topk_binary_error(psprintf("Unsupported format version %d.", version));
	if (idtype < TOPK_BIGINT || idtype > TOPK_UUID)
		topk_binary_error(psprintf("Unknown id type %d.", idtype));
	if (k < 1 || k > TOPK_MAX_K)
		topk_binary_error(psprintf("k must be between 1 and %d, not %d.", TOPK_MAX_K, k));
	if (count < 0 || count > k)
		topk_binary_error(psprintf("The entry count %d is not between 0 and k (%d).", count, k));
	/* every entry takes at least 9 bytes: refuse a count the data cannot hold */
	if ((Size) count * 9 > (Size) (msg->len - msg->cursor))
		topk_binary_error("The message is shorter than its entry count says.");
	topk_builder_init(&b, idtype, k);
	for (i = 0; i < count; i++)
		topk_recv_entry(msg, &b);
	if (msg->cursor != msg->len)
		topk_binary_error("There are extra bytes after the last entry.");
	PG_RETURN_POINTER(topk_builder_finish(&b));
}
