/*
 * topk_io.c - text and binary I/O of al.top_k_state.
 *
 * The forms are parsed and written by the plain-C core
 * (src/core/topk_state.c, topk_state_text.c), which is unit-tested and
 * fuzzed; this file only moves bytes between it and PostgreSQL: memory,
 * error reports, the encoding of text ids, and the state's layout.
 * Parsing is untrusted: the core validates everything, text ids are checked
 * (or converted from the client encoding) here, and the heap order is
 * re-established, so a hand-written state need not be a heap.
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"

#include "topk_glue.h"

PG_FUNCTION_INFO_V1(al_top_k_state_in);
PG_FUNCTION_INFO_V1(al_top_k_state_out);
PG_FUNCTION_INFO_V1(al_top_k_state_recv);
PG_FUNCTION_INFO_V1(al_top_k_state_send);

/* Converts len bytes of a text id; returns them, or a palloc'd new copy. */
typedef char *(*TopkIdConvert) (const char *bytes, int len);

/* The parsers' allocator: palloc/repalloc, refusing what palloc cannot. */
static void *
topk_grow(void *ptr, size_t size)
{
	if (size > MaxAllocSize)
		return NULL;
	return ptr ? repalloc(ptr, size) : palloc(size);
}

/* Error out when a form would exceed palloc's limit (54000). */
static void
topk_check_form_size(size_t size)
{
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("top_k state would exceed the maximum size of %zu bytes",
						(Size) MaxAllocSize),
				 errhint("Use a smaller k or shorter ids.")));
}

/*
 * Report input the core rejected: 22P02 for text (with the whole input),
 * 22P03 for binary, 08P01 for binary data that ends early (as PostgreSQL's
 * own binary input does), 54000 when it would not fit in memory.
 */
static void
topk_report_form_error(const TopkFormError *err, const char *text)
{
	switch (err->status)
	{
		case TOPK_FORM_SYNTAX:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"",
							"top_k_state", text),
					 errdetail_internal("%s", err->detail)));
			break;
		case TOPK_FORM_BINARY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary data for type %s", "top_k_state"),
					 errdetail_internal("%s", err->detail)));
			break;
		case TOPK_FORM_SHORT:
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("insufficient data left in message")));
			break;
		default:
			topk_check_form_size((size_t) MaxAllocSize + 1);
	}
}

/*
 * Pass every text id of f through conv (encoding check or conversion).
 * When conv changes any, the id area is rebuilt with the new bytes.
 */
static void
topk_form_convert_ids(TopkForm *f, TopkIdConvert conv)
{
	char	  **out;
	size_t		total = 0;
	int32		i;
	bool		changed = false;

	if (f->idtype != TOPK_IDTYPE_TEXT || f->count == 0)
		return;
	out = palloc(sizeof(char *) * f->count);
	for (i = 0; i < f->count; i++)
	{
		TopkEntry  *e = &f->entries[i];
		const char *bytes = f->area + e->id;

		if (e->flags & TOPK_ID_NULL)
			continue;
		out[i] = conv(bytes, (int) e->len);
		if (out[i] != bytes)
		{
			changed = true;
			e->len = strlen(out[i]);
		}
		total += e->len;
	}
	if (!changed)
		return;
	topk_check_form_size(total);
	f->area = palloc(Max(total, 1));
	f->area_used = 0;
	for (i = 0; i < f->count; i++)
	{
		TopkEntry  *e = &f->entries[i];

		if (e->flags & TOPK_ID_NULL)
			continue;
		memcpy(f->area + f->area_used, out[i], e->len);
		e->id = f->area_used;
		f->area_used += e->len;
	}
}

/* Text ids of text input are in the server encoding: only check them. */
static char *
topk_verify_server_text(const char *bytes, int len)
{
	pg_verifymbstr(bytes, len, false);
	return (char *) bytes;
}

/* A state holding a form's entries, heap-ordered by bytes (canonical). */
static TopkState *
topk_state_from_form(const TopkForm *f)
{
	TopkState  *s = topk_alloc(f->idtype, f->k, f->count, f->area_used);
	TopkCtx		ctx;

	s->count = f->count;
	if (f->count > 0)
		memcpy(s->entries, f->entries, sizeof(TopkEntry) * f->count);
	if (f->area_used > 0)
		memcpy(TOPK_AREA(s), f->area, f->area_used);
	s->area_used = s->area_live = f->area_used;
	s->collation = f->idtype == TOPK_IDTYPE_TEXT ? C_COLLATION_OID : InvalidOid;
	topk_ctx_init(&ctx, s, InvalidOid);
	topk_heapify(s->entries, s->count, &ctx.order);
	return s;
}

/*
 * A form viewing a state: its entries copied and sorted best first in the
 * canonical order (text ids by bytes: an output function has no
 * collation), its ids where they are, so equal states print identically.
 */
static void
topk_form_of_state(const TopkState *s, TopkForm *f)
{
	topk_form_init(f, topk_grow);
	f->idtype = s->idtype;
	f->k = s->k;
	f->count = s->count;
	f->entries = topk_sorted_entries(s, InvalidOid);
	f->area = TOPK_AREA(s);
	f->area_used = s->area_used;
}

/* The server's shortest round-trip decimal of a score (ryu). */
static int
topk_format_score(double score, char *buf)
{
	return double_to_shortest_decimal_bufn(score, buf);
}

StaticAssertDecl(DOUBLE_SHORTEST_DECIMAL_LEN <= TOPK_SCORE_CHARS,
				 "a score must fit in TOPK_SCORE_CHARS");

/*
 * al.top_k_state_in(cstring): parse the text form (untrusted): the core
 * validates the syntax, here text ids are checked against the encoding.
 */
Datum
al_top_k_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	TopkForm	f;
	TopkFormError err;

	topk_form_init(&f, topk_grow);
	if (topk_parse_text(str, &f, &err) != TOPK_FORM_OK)
		topk_report_form_error(&err, str);
	topk_form_convert_ids(&f, topk_verify_server_text);
	PG_RETURN_POINTER(topk_state_from_form(&f));
}

/* al.top_k_state_out(state) -> cstring: entries best first. */
Datum
al_top_k_state_out(PG_FUNCTION_ARGS)
{
	TopkForm	f;
	size_t		size;
	char	   *buf;

	topk_form_of_state(topk_arg_state(fcinfo, 0, NULL), &f);
	size = topk_text_size(&f);
	topk_check_form_size(size);
	buf = palloc(size);
	topk_format_text(&f, buf, topk_format_score);
	PG_RETURN_CSTRING(buf);
}

/* pg_client_to_server with the core's conversion signature. */
static char *
topk_client_to_server(const char *bytes, int len)
{
	return pg_client_to_server(bytes, len);
}

/* pg_server_to_client with the core's conversion signature. */
static char *
topk_server_to_client(const char *bytes, int len)
{
	return pg_server_to_client(bytes, len);
}

/*
 * al.top_k_state_recv(internal): read the binary form (untrusted): the
 * core validates every field and length; text ids are converted from the
 * client encoding (which checks them), as textrecv does.
 */
Datum
al_top_k_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	TopkForm	f;
	TopkFormError err;

	topk_form_init(&f, topk_grow);
	if (topk_parse_binary((const unsigned char *) msg->data + msg->cursor,
						  (size_t) (msg->len - msg->cursor), &f, &err) != TOPK_FORM_OK)
		topk_report_form_error(&err, NULL);
	msg->cursor = msg->len;
	topk_form_convert_ids(&f, topk_client_to_server);
	PG_RETURN_POINTER(topk_state_from_form(&f));
}

/*
 * al.top_k_state_send(state) -> bytea: the binary form, entries best
 * first, text ids in the client encoding (as textsend does).
 */
Datum
al_top_k_state_send(PG_FUNCTION_ARGS)
{
	TopkForm	f;
	size_t		size;
	bytea	   *result;

	topk_form_of_state(topk_arg_state(fcinfo, 0, NULL), &f);
	topk_form_convert_ids(&f, topk_server_to_client);
	size = topk_binary_size(&f);
	topk_check_form_size(size + VARHDRSZ);
	result = palloc(size + VARHDRSZ);
	SET_VARSIZE(result, size + VARHDRSZ);
	topk_format_binary(&f, (unsigned char *) VARDATA(result));
	PG_RETURN_BYTEA_P(result);
}
