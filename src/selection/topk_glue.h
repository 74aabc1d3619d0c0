/*
 * topk_glue.h - the al.top_k_state value shared by the top-k glue files:
 * topk_mem.c (the state in memory: allocation, checks, growth, order),
 * topk_agg.c (transition, combine and final functions) and topk_io.c (the
 * type's text and binary I/O, parsed and formatted by src/core/topk_state.c).
 *
 * In memory (and on disk) a state is:
 *
 *	 TopkState header | TopkEntry entries[capacity] | id area[area_size]
 *
 * bigint ids live in the entries; text and uuid ids live in the id area
 * (entry.id = offset, entry.len = length).  Evicted text/uuid ids leave
 * garbage in the area; it is compacted away when the area fills up.
 * See doc/topk.md.
 */
#ifndef AL_TOPK_GLUE_H
#define AL_TOPK_GLUE_H

#include "postgres.h"
#include "fmgr.h"

#include "topk.h"
#include "topk_state.h"

/* Entry slots of a new state; it doubles up to k as rows arrive. */
#define TOPK_INITIAL_CAPACITY 8

typedef struct TopkState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		idtype;			/* TOPK_IDTYPE_BIGINT, _TEXT or _UUID */
	uint8		unused1;		/* reserved, 0 */
	uint16		unused2;		/* reserved, 0 */
	int32		k;				/* 1 .. TOPK_MAX_K */
	int32		count;			/* entries in use, <= capacity */
	int32		capacity;		/* entry slots allocated, <= k */
	Oid			collation;		/* text ids: their collation (always valid),
								 * which orders the heap; else InvalidOid */
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

/* A comparison context: the order and its argument, kept together. */
typedef struct TopkCtx
{
	TopkOrder	order;
	TopkIdCmpArg arg;
} TopkCtx;

/* topk_mem.c */
extern void topk_ctx_init(TopkCtx *ctx, const TopkState *s, Oid collation);
extern TopkState *topk_alloc(int idtype, int32 k, int32 capacity, Size area,
							 Oid collation);
extern TopkState *topk_arg_state(FunctionCallInfo fcinfo, int argno, bool *fresh);
extern TopkState *topk_rebuild(const TopkState *s, int32 capacity, Size area);
extern TopkState *topk_offer_entry(TopkState *s, bool *owned, TopkEntry cand,
								   TopkCtx *ctx);
extern TopkEntry topk_external_entry(double score, const char *bytes, Size len);
extern TopkEntry *topk_sorted_entries(const TopkState *s, Oid collation);
extern char *topk_collation_label(Oid collation);
extern Oid	topk_new_state_collation(FunctionCallInfo fcinfo, int idtype);
extern Oid	topk_state_collation(FunctionCallInfo fcinfo, const TopkState *s);
extern void topk_check_idtype(const TopkState *s, int idtype);

/* topk_io.c (also used by the consensus state, src/scores/consensus.c) */
extern void al_report_form_error(const TopkFormError *err, const char *typname,
								 const char *text);

#endif							/* AL_TOPK_GLUE_H */
