/*
 * topk_agg.c - the al.top_k aggregates: transition, combine and final
 * functions over the al.top_k_state value (topk_glue.h, topk_mem.c).
 *
 * al.top_k(id, score, k) keeps the k best (score DESC, id ASC) rows in a
 * bounded heap (src/core/topk.c).  When called as an aggregate, the
 * transition and combine functions modify the state in place and return
 * the same pointer (as float8_accum does), so most rows cost one comparison
 * with the worst kept score.  When the state must grow they build a larger
 * copy in the per-call memory context and return it; the executor copies it
 * into the aggregate context.  See doc/topk.md.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/uuid.h"

#include "sql_args.h"
#include "topk_glue.h"

PG_FUNCTION_INFO_V1(al_top_k_trans_bigint);
PG_FUNCTION_INFO_V1(al_top_k_trans_text);
PG_FUNCTION_INFO_V1(al_top_k_trans_uuid);
PG_FUNCTION_INFO_V1(al_top_k_combine);
PG_FUNCTION_INFO_V1(al_top_k_final_bigint);
PG_FUNCTION_INFO_V1(al_top_k_final_text);
PG_FUNCTION_INFO_V1(al_top_k_final_uuid);

/*
 * The state of a transition call (args: state, id, score, k) on the full
 * path: a new one on the first row (NULL state), taking the call's
 * collation for text ids, else the argument detoasted, aligned and checked
 * against the id type, this row's k and the call's collation.
 * *fresh: the state is new or a private copy.
 */
static TopkState *
topk_trans_state(FunctionCallInfo fcinfo, int idtype, bool *fresh)
{
	int32		k = al_arg_k(fcinfo, 3);
	TopkState  *s;

	if (PG_ARGISNULL(0))
	{
		*fresh = true;
		return topk_alloc(idtype, k, Min(k, TOPK_INITIAL_CAPACITY),
						  idtype == TOPK_IDTYPE_BIGINT ? 0 :
						  (Size) Min(k, TOPK_INITIAL_CAPACITY) * UUID_LEN,
						  topk_new_state_collation(fcinfo, idtype));
	}
	s = topk_arg_state(fcinfo, 0, fresh);
	topk_check_idtype(s, idtype);
	if (s->k != k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be the same for every row"),
				 errdetail("k was %d in an earlier row and is %d now.", s->k, k)));
	(void) topk_state_collation(fcinfo, s);
	return s;
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

/* The candidate of a transition row from its id argument (arg 1). */
static TopkEntry
topk_arg_candidate(FunctionCallInfo fcinfo, int idtype, double score)
{
	TopkEntry	cand;
	text	   *t;

	if (PG_ARGISNULL(1))
		return topk_external_entry(score, NULL, 0);
	if (idtype == TOPK_IDTYPE_UUID)
		return topk_external_entry(score, (const char *) PG_GETARG_UUID_P(1)->data,
								   UUID_LEN);
	if (idtype == TOPK_IDTYPE_TEXT)
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
 * Offers the candidate under the state's collation.
 * The id is fetched (detoasted) only here.
 */
static pg_noinline Datum
topk_trans_full(FunctionCallInfo fcinfo, int idtype)
{
	bool		fresh;
	TopkState  *s = topk_trans_state(fcinfo, idtype, &fresh);
	bool		owned;
	double		score;
	TopkCtx		ctx;

	if (PG_ARGISNULL(2))
		PG_RETURN_POINTER(s);
	score = PG_GETARG_FLOAT8(2);
	if (topk_fast_reject(s->entries, s->count, s->k, score))
		PG_RETURN_POINTER(s);
	owned = topk_may_modify(fcinfo, fresh);
	topk_ctx_init(&ctx, s, s->collation);
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
	TopkState  *s = topk_trans_fast(fcinfo, TOPK_IDTYPE_BIGINT);

	if (likely(s != NULL))
		PG_RETURN_POINTER(s);
	return topk_trans_full(fcinfo, TOPK_IDTYPE_BIGINT);
}

/*
 * al.top_k_trans(state, text, double precision, integer): transition for
 * text ids, ordered by the collation of the aggregate call, which the state
 * records.
 */
Datum
al_top_k_trans_text(PG_FUNCTION_ARGS)
{
	TopkState  *s = topk_trans_fast(fcinfo, TOPK_IDTYPE_TEXT);

	if (likely(s != NULL))
		PG_RETURN_POINTER(s);
	return topk_trans_full(fcinfo, TOPK_IDTYPE_TEXT);
}

/* al.top_k_trans(state, uuid, double precision, integer): uuid ids. */
Datum
al_top_k_trans_uuid(PG_FUNCTION_ARGS)
{
	TopkState  *s = topk_trans_fast(fcinfo, TOPK_IDTYPE_UUID);

	if (likely(s != NULL))
		PG_RETURN_POINTER(s);
	return topk_trans_full(fcinfo, TOPK_IDTYPE_UUID);
}

/*
 * al.top_k_combine(state, state): merge two partial states (parallel
 * workers, Citus nodes) by offering every entry of the second to the first,
 * under their collation (text ids: both must have the same).  The result
 * depends only on the multiset of rows, not on the order.
 */
Datum
al_top_k_combine(PG_FUNCTION_ARGS)
{
	bool		fresh;
	TopkState  *s1 = topk_arg_state(fcinfo, 0, &fresh);
	TopkState  *s2 = topk_arg_state(fcinfo, 1, NULL);
	Oid			collation = topk_state_collation(fcinfo, s1);
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
	if (s1->collation != s2->collation)
		ereport(ERROR,
				(errcode(ERRCODE_COLLATION_MISMATCH),
				 errmsg("cannot combine top_k states of different collations"),
				 errdetail("One state orders text ids by collation \"%s\" and the other by \"%s\".",
						   topk_collation_label(s1->collation),
						   topk_collation_label(s2->collation))));
	if (s2->count == 0)
		PG_RETURN_POINTER(s1);
	owned = s1 != s2 && topk_may_modify(fcinfo, fresh);
	topk_ctx_init(&ctx, s1, collation);
	for (i = 0; i < s2->count; i++)
	{
		TopkEntry	cand = s2->entries[i];

		if (s2->idtype != TOPK_IDTYPE_BIGINT && !(cand.flags & TOPK_ID_NULL))
			cand = topk_external_entry(cand.score, TOPK_AREA(s2) + cand.id, cand.len);
		s1 = topk_offer_entry(s1, &owned, cand, &ctx);
	}
	PG_RETURN_POINTER(s1);
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
	e = topk_sorted_entries(s, topk_state_collation(fcinfo, s));
	elems = palloc(sizeof(Datum) * s->count);
	nulls = palloc(sizeof(bool) * s->count);
	for (i = 0; i < s->count; i++)
	{
		nulls[i] = (e[i].flags & TOPK_ID_NULL) != 0;
		if (nulls[i])
			elems[i] = (Datum) 0;
		else if (idtype == TOPK_IDTYPE_BIGINT)
			elems[i] = Int64GetDatum((int64) e[i].id);
		else if (idtype == TOPK_IDTYPE_TEXT)
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
	return topk_final(fcinfo, TOPK_IDTYPE_BIGINT, INT8OID, sizeof(int64),
					  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/* al.top_k_final_text(state) -> text[]: final function for text ids. */
Datum
al_top_k_final_text(PG_FUNCTION_ARGS)
{
	return topk_final(fcinfo, TOPK_IDTYPE_TEXT, TEXTOID, -1, false, TYPALIGN_INT);
}

/* al.top_k_final_uuid(state) -> uuid[]: final function for uuid ids. */
Datum
al_top_k_final_uuid(PG_FUNCTION_ARGS)
{
	return topk_final(fcinfo, TOPK_IDTYPE_UUID, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR);
}
