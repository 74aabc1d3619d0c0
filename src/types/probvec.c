/*
 * probvec.c - PostgreSQL glue of the al.probvec type: text and binary I/O,
 * the typmod, casts to arrays, and the shared read and check helpers
 * declared in probvec.h.  Parsing, formatting and the value rules live in
 * src/core/al_probvec.c; the casts from arrays and JSON in probvec_ingest.c,
 * the messages in probvec_problem.c.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "probvec.h"

PG_FUNCTION_INFO_V1(probvec_in);
PG_FUNCTION_INFO_V1(probvec_out);
PG_FUNCTION_INFO_V1(probvec_recv);
PG_FUNCTION_INFO_V1(probvec_send);
PG_FUNCTION_INFO_V1(probvec_typmod_in);
PG_FUNCTION_INFO_V1(probvec_typmod_out);
PG_FUNCTION_INFO_V1(probvec_coerce);
PG_FUNCTION_INFO_V1(probvec_to_float4_array);
PG_FUNCTION_INFO_V1(probvec_to_float8_array);

/* ereport a value-check failure found by the core (never returns). */
static void
report_value_error(const al_pv_error *err)
{
	probvec_report(err, false, AL_PROBVEC_SUM_TOLERANCE, NULL);
}

/* ereport a text-input failure of the core parser (never returns). */
static void
report_parse_error(const al_pv_error *err, const char *text)
{
	if (err->status == AL_PV_SYNTAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type probvec: \"%s\"", text),
				 errdetail("At character %d: %s", err->offset + 1, err->detail)));
	if (err->status == AL_PV_FLOAT_RANGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("\"%.*s\" is out of range for type real",
						err->length, text + err->offset)));
	report_value_error(err);
}

/* Check a class count is valid for a probvec; ERROR if not. */
void
probvec_check_dim(int dim)
{
	al_pv_error err;

	if (al_pv_check_count(dim, &err) != AL_PV_OK)
		report_value_error(&err);
}

/* Check finite values in [0, 1] summing to 1; ERROR naming the culprit. */
void
probvec_check_values(const float4 *x, int dim)
{
	al_pv_error err;

	if (al_pv_check_values(x, dim, &err) != AL_PV_OK)
		report_value_error(&err);
}

/* Check dim against a typmod al.probvec(n); -1 means no constraint. */
void
probvec_check_typmod(int dim, int32 typmod)
{
	if (typmod >= 0 && dim != typmod)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("probvec must have %d classes, not %d", typmod, dim)));
}

/* Allocate a zeroed probvec of dim classes. */
ProbVec *
probvec_new(int dim)
{
	ProbVec    *p;

	probvec_check_dim(dim);
	p = (ProbVec *) palloc0(PROBVEC_SIZE(dim));
	SET_VARSIZE(p, PROBVEC_SIZE(dim));
	p->dim = (int16) dim;
	return p;
}

/* Validate values and typmod, then build a probvec holding a copy of x. */
ProbVec *
probvec_from_floats(const float4 *x, int dim, int32 typmod)
{
	ProbVec    *p;

	probvec_check_values(x, dim);
	probvec_check_typmod(dim, typmod);
	p = probvec_new(dim);
	memcpy(p->x, x, sizeof(float4) * dim);
	return p;
}

/*
 * Give aligned read access to a probvec's values.  Out-of-line, compressed
 * and expanded datums are detoasted (PG_DETOAST_DATUM_PACKED); a
 * short-header datum is not copied whole: only its values are copied, into
 * the view's stack buffer (or palloc'd memory for many classes), when they
 * are not float4-aligned.  Stored values were validated on the way in; only
 * the size is re-checked here (before the class count is read), against
 * corruption.
 */
void
probvec_read(Datum d, ProbVecView *view)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);
	const char *data = VARDATA_ANY(v);
	const char *values = data + PROBVEC_HEADER_SIZE - VARHDRSZ;
	int16		dim;

	if (VARSIZE_ANY_EXHDR(v) < PROBVEC_HEADER_SIZE - VARHDRSZ)
		dim = 0;
	else
		memcpy(&dim, data, sizeof(int16));
	if (dim < 1 || VARSIZE_ANY_EXHDR(v) != PROBVEC_SIZE(dim) - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted probvec value: %d classes in %zu bytes",
						(int) dim, (size_t) VARSIZE_ANY_EXHDR(v))));
	view->dim = dim;
	if (((uintptr_t) values % sizeof(float4)) == 0)
		view->x = (const float4 *) values;
	else
	{
		float4	   *dst = (dim <= PROBVEC_STACK_CLASSES) ? view->buf :
			(float4 *) palloc(sizeof(float4) * dim);

		memcpy(dst, values, sizeof(float4) * dim);
		view->x = dst;
	}
}

/* Text input: '[0.1,0.2,0.7]' or '{0.1, 0.2, 0.7}'. */
Datum
probvec_in(PG_FUNCTION_ARGS)
{
	char	   *text = PG_GETARG_CSTRING(0);
	int32		typmod = PG_GETARG_INT32(2);
	int			capacity = Min(al_pv_count_bound(text), AL_PROBVEC_MAX_CLASSES);
	float4	   *x = (float4 *) palloc(sizeof(float4) * capacity);
	al_pv_error err;
	int			dim = 0;

	if (al_pv_parse(text, x, capacity, &dim, &err) != AL_PV_OK)
		report_parse_error(&err, text);
	PG_RETURN_PROBVEC_P(probvec_from_floats(x, dim, typmod));
}

/* float4out's shortest exact decimal, as the core's formatter callback. */
int
probvec_format_float4(float value, char *buf)
{
	return float_to_shortest_decimal_bufn(value, buf);
}

/* Text output: the shortest decimal of each value, so text round-trips. */
Datum
probvec_out(PG_FUNCTION_ARGS)
{
	ProbVecView view;
	char	   *buf;

	probvec_read(PG_GETARG_DATUM(0), &view);
	buf = palloc((Size) view.dim * AL_PROBVEC_VALUE_CHARS + 3);
	al_pv_format(view.x, view.dim, buf, probvec_format_float4);
	PG_RETURN_CSTRING(buf);
}

/* ereport a binary-input failure found by the core (never returns). */
static void
report_binary_error(const al_pv_error *err)
{
	switch (err->status)
	{
		case AL_PV_BIN_SHORT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("external probvec value is too short: %d bytes",
							(int) err->value)));
			break;
		case AL_PV_BIN_COUNT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid class count in external probvec value: %d",
							err->position)));
			break;
		case AL_PV_BIN_RESERVED:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("reserved field of external probvec value must be 0, not %d",
							(int) err->value)));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("external probvec value of %d classes has %d bytes of values, not %d",
							err->position, (int) err->value,
							(int) sizeof(float4) * err->position)));
	}
}

/*
 * Binary input: int16 class count, int16 reserved (0), float4 values.
 * Untrusted like text: the core checks the header and the length before
 * anything is allocated, then every value is validated.
 */
Datum
probvec_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		typmod = PG_GETARG_INT32(2);
	const unsigned char *data = (const unsigned char *) buf->data + buf->cursor;
	al_pv_error err;
	int			dim;
	float4	   *x;

	if (al_pv_binary_header(data, buf->len - buf->cursor, &dim, &err) != AL_PV_OK)
		report_binary_error(&err);
	x = (float4 *) palloc(sizeof(float4) * dim);
	al_pv_binary_values(data, dim, x);
	buf->cursor = buf->len;
	PG_RETURN_PROBVEC_P(probvec_from_floats(x, dim, typmod));
}

/* Binary output, the format probvec_recv reads. */
Datum
probvec_send(PG_FUNCTION_ARGS)
{
	ProbVecView view;
	StringInfoData buf;
	int			i;

	probvec_read(PG_GETARG_DATUM(0), &view);
	pq_begintypsend(&buf);
	pq_sendint16(&buf, (int16) view.dim);
	pq_sendint16(&buf, 0);
	for (i = 0; i < view.dim; i++)
		pq_sendfloat4(&buf, view.x[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Typmod input: al.probvec(n), 1 <= n <= AL_PROBVEC_MAX_CLASSES. */
Datum
probvec_typmod_in(PG_FUNCTION_ARGS)
{
	ArrayType  *ta = PG_GETARG_ARRAYTYPE_P(0);
	int32	   *mods;
	int			n;

	mods = ArrayGetIntegerTypmods(ta, &n);
	if (n != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid type modifier: al.probvec takes one number of classes")));
	if (mods[0] < 1 || mods[0] > AL_PROBVEC_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of classes for type probvec must be between 1 and %d, not %d",
						AL_PROBVEC_MAX_CLASSES, mods[0])));
	PG_RETURN_INT32(mods[0]);
}

/* Typmod output: "(n)". */
Datum
probvec_typmod_out(PG_FUNCTION_ARGS)
{
	int32		typmod = PG_GETARG_INT32(0);

	PG_RETURN_CSTRING(typmod < 0 ? pstrdup("") : psprintf("(%d)", typmod));
}

/* Length coercion al.probvec -> al.probvec(n): only checks the count. */
Datum
probvec_coerce(PG_FUNCTION_ARGS)
{
	ProbVec    *p = PG_GETARG_PROBVEC_P(0);

	probvec_check_typmod(p->dim, PG_GETARG_INT32(1));
	PG_RETURN_PROBVEC_P(p);
}

/* Cast al.probvec -> real[]. */
Datum
probvec_to_float4_array(PG_FUNCTION_ARGS)
{
	ProbVecView view;
	Datum	   *elems;
	int			i;

	probvec_read(PG_GETARG_DATUM(0), &view);
	elems = (Datum *) palloc(sizeof(Datum) * view.dim);
	for (i = 0; i < view.dim; i++)
		elems[i] = Float4GetDatum(view.x[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, view.dim, FLOAT4OID,
										  sizeof(float4), true, TYPALIGN_INT));
}

/* Cast al.probvec -> double precision[] (exact widening). */
Datum
probvec_to_float8_array(PG_FUNCTION_ARGS)
{
	ProbVecView view;
	Datum	   *elems;
	int			i;

	probvec_read(PG_GETARG_DATUM(0), &view);
	elems = (Datum *) palloc(sizeof(Datum) * view.dim);
	for (i = 0; i < view.dim; i++)
		elems[i] = Float8GetDatum((double) view.x[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, view.dim, FLOAT8OID,
										  sizeof(float8), FLOAT8PASSBYVAL,
										  TYPALIGN_DOUBLE));
}
