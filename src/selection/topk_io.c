/*
 * topk_io.c - text and binary I/O of al.top_k_state.
 *
 * The forms are parsed and written by the plain-C core
 * (src/core/topk_state.c, topk_state_text.c), which is unit-tested and
 * fuzzed; this file only moves bytes between it and PostgreSQL: memory,
 * error reports, the encoding of text ids, and the state's layout.
 * Parsing is untrusted: the core validates everything, text ids are checked
 * (or converted from the client encoding) here, and the heap order is
 * re-established, so a hand-written state need not be a heap.  The
 * collation of text ids travels by schema and name (oids differ between
 * servers) and is looked up here.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "nodes/value.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

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
 * Report input that a core parser of state forms rejected (shared with
 * the consensus state, src/scores/consensus.c): 22P02 for text (with the
 * whole input), 22P03 for binary, 08P01 for binary data that ends early
 * (as PostgreSQL's own binary input does), 54000 when it would not fit in
 * memory.
 */
void
al_report_form_error(const TopkFormError *err, const char *typname, const char *text)
{
	switch (err->status)
	{
		case TOPK_FORM_SYNTAX:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"", typname, text),
					 errdetail_internal("%s", err->detail)));
			break;
		case TOPK_FORM_BINARY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary data for type %s", typname),
					 errdetail_internal("%s", err->detail)));
			break;
		case TOPK_FORM_SHORT:
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("insufficient data left in message")));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s value would exceed the maximum size of %zu bytes",
							typname, (Size) MaxAllocSize)));
	}
}

/* Report rejected top-k state input (al_report_form_error, top-k's size error). */
static void
topk_report_form_error(const TopkFormError *err, const char *text)
{
	if (err->status == TOPK_FORM_NOMEM)
		topk_check_form_size((size_t) MaxAllocSize + 1);
	al_report_form_error(err, "top_k_state", text);
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

/* Bytes in the server encoding left as they are (text output). */
static char *
topk_same_text(const char *bytes, int len)
{
	return (char *) bytes;
}

/*
 * The collation a form names for its text ids, looked up in this database
 * (42704 if it does not exist here), its schema and name first passed
 * through conv; a form of text ids that names none (written before
 * collations were recorded) means the database default.  InvalidOid for
 * bigint and uuid ids.
 */
static Oid
topk_form_collation(const TopkForm *f, TopkIdConvert conv)
{
	char	   *schema;
	char	   *name;

	if (f->idtype != TOPK_IDTYPE_TEXT)
		return InvalidOid;
	if (!f->has_collation)
		return DEFAULT_COLLATION_OID;
	schema = conv(f->coll_schema, strlen(f->coll_schema));
	name = conv(f->coll_name, strlen(f->coll_name));
	return get_collation_oid(list_make2(makeString(schema), makeString(name)), false);
}

/*
 * Name the collation of a state's text ids in its form: schema and name
 * from the catalog, passed through conv.
 */
static void
topk_form_name_collation(TopkForm *f, Oid collation, TopkIdConvert conv)
{
	HeapTuple	tup = SearchSysCache1(COLLOID, ObjectIdGetDatum(collation));
	Form_pg_collation coll;
	char	   *schema;
	char	   *name;

	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("collation %u of a top_k state does not exist", collation)));
	coll = (Form_pg_collation) GETSTRUCT(tup);
	schema = get_namespace_name(coll->collnamespace);
	name = pstrdup(NameStr(coll->collname));
	ReleaseSysCache(tup);
	if (schema == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("schema of collation \"%s\" does not exist", name)));
	schema = conv(schema, strlen(schema));
	name = conv(name, strlen(name));
	if (!topk_form_set_collation(f, schema, name))
		ereport(ERROR,
				(errcode(ERRCODE_NAME_TOO_LONG),
				 errmsg("collation name \"%s.%s\" is too long for a top_k state",
						schema, name)));
}

/*
 * A state holding a form's entries, text ids under the form's collation
 * (conv: for its name), heap-ordered by it.
 */
static TopkState *
topk_state_from_form(const TopkForm *f, TopkIdConvert conv)
{
	TopkState  *s = topk_alloc(f->idtype, f->k, f->count, f->area_used,
							   topk_form_collation(f, conv));
	TopkCtx		ctx;

	s->count = f->count;
	if (f->count > 0)
		memcpy(s->entries, f->entries, sizeof(TopkEntry) * f->count);
	if (f->area_used > 0)
		memcpy(TOPK_AREA(s), f->area, f->area_used);
	s->area_used = s->area_live = f->area_used;
	topk_ctx_init(&ctx, s, s->collation);
	topk_heapify(s->entries, s->count, &ctx.order);
	return s;
}

/*
 * A form viewing a state: its entries copied and sorted best first in the
 * canonical order (text ids by bytes, whatever their collation), its ids
 * where they are, so equal states print identically; the collation of text
 * ids named, passed through conv.
 */
static void
topk_form_of_state(const TopkState *s, TopkForm *f, TopkIdConvert conv)
{
	topk_form_init(f, topk_grow);
	f->idtype = s->idtype;
	f->k = s->k;
	f->count = s->count;
	f->entries = topk_sorted_entries(s, InvalidOid);
	f->area = TOPK_AREA(s);
	f->area_used = s->area_used;
	if (s->idtype == TOPK_IDTYPE_TEXT)
		topk_form_name_collation(f, s->collation, conv);
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
	PG_RETURN_POINTER(topk_state_from_form(&f, topk_verify_server_text));
}

/* al.top_k_state_out(state) -> cstring: entries best first. */
Datum
al_top_k_state_out(PG_FUNCTION_ARGS)
{
	TopkForm	f;
	size_t		size;
	char	   *buf;

	topk_form_of_state(topk_arg_state(fcinfo, 0, NULL), &f, topk_same_text);
	size = topk_text_size(&f);
	topk_check_form_size(size);
	buf = palloc(size);
	topk_format_text(&f, buf, topk_format_score);
	PG_RETURN_CSTRING(buf);
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
	PG_RETURN_POINTER(topk_state_from_form(&f, topk_client_to_server));
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

	topk_form_of_state(topk_arg_state(fcinfo, 0, NULL), &f, topk_server_to_client);
	topk_form_convert_ids(&f, topk_server_to_client);
	size = topk_binary_size(&f);
	topk_check_form_size(size + VARHDRSZ);
	result = palloc(size + VARHDRSZ);
	SET_VARSIZE(result, size + VARHDRSZ);
	topk_format_binary(&f, (unsigned char *) VARDATA(result));
	PG_RETURN_BYTEA_P(result);
}
