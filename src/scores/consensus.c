/*
 * consensus.c - the al.consensus aggregate (the mean of distributions over
 * rows) and its state type al.consensus_state.
 *
 * The state is a concrete type, {classes, row count, per-class sums of the
 * rows' probabilities}, updated in place when called as an aggregate.  It
 * has a combine function, so it runs as Partial/Finalize Aggregate in
 * parallel plans and Citus splits it across nodes; Citus ships the state as
 * text, so its text form (like its binary form) is exact and independent of
 * every setting: sums in shortest round-trip decimal, whatever
 * extra_float_digits says.  The forms are parsed and written by the plain-C
 * core (src/core/consensus_state.c), which validates untrusted input.  See
 * doc/scores.md.
 */
#include "postgres.h"

#include "common/int.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/memutils.h"

#include "consensus_state.h"
#include "probvec.h"
#include "scores.h"
#include "topk_glue.h"

PG_FUNCTION_INFO_V1(consensus_state_in);
PG_FUNCTION_INFO_V1(consensus_state_out);
PG_FUNCTION_INFO_V1(consensus_state_recv);
PG_FUNCTION_INFO_V1(consensus_state_send);
PG_FUNCTION_INFO_V1(consensus_transfn);
PG_FUNCTION_INFO_V1(consensus_combinefn);
PG_FUNCTION_INFO_V1(consensus_finalfn);

/* The value of al.consensus_state (8-aligned: ALIGNMENT = double). */
typedef struct ConsensusState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int32		classes;		/* 1 .. AL_PROBVEC_MAX_CLASSES */
	int64		rows;			/* rows counted, >= 1 */
	float8		sums[FLEXIBLE_ARRAY_MEMBER];	/* per class */
} ConsensusState;

#define CONSENSUS_SIZE(n)	(offsetof(ConsensusState, sums) + sizeof(float8) * (Size) (n))

/* A zeroed state of n classes in the current memory context. */
static ConsensusState *
consensus_state_new(int n)
{
	ConsensusState *s = palloc0(CONSENSUS_SIZE(n));

	SET_VARSIZE(s, CONSENSUS_SIZE(n));
	s->classes = n;
	return s;
}

/*
 * Fetch state argument argno: detoasted, 8-aligned, its header checked
 * (states come only from validated input and from these functions, so a
 * bad header is corruption).  copy: always a private copy (for a direct
 * call that must not modify its argument).
 */
static ConsensusState *
consensus_arg_state(FunctionCallInfo fcinfo, int argno, bool copy)
{
	Datum		d = PG_GETARG_DATUM(argno);
	ConsensusState *s = (ConsensusState *) PG_DETOAST_DATUM(d);

	if (copy || (uintptr_t) s % MAXIMUM_ALIGNOF != 0)
	{
		ConsensusState *c = palloc(VARSIZE(s));

		memcpy(c, s, VARSIZE(s));
		s = c;
	}
	if (VARSIZE(s) < offsetof(ConsensusState, sums) ||
		s->classes < 1 || s->classes > AL_PROBVEC_MAX_CLASSES || s->rows < 1 ||
		VARSIZE(s) != CONSENSUS_SIZE(s->classes))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt al.consensus state")));
	return s;
}

/* ERROR for consensus inputs of different class counts. */
static void
consensus_dim_mismatch(int state_dim, int other_dim, const char *other)
{
	ereport(ERROR,
			(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
			 errmsg("al.consensus rows must have the same number of classes"),
			 errdetail("Earlier rows have %d classes, %s has %d.",
					   state_dim, other, other_dim)));
}

/* s->rows += n, refusing a count past int64 (only input states get there). */
static void
consensus_add_rows(ConsensusState *s, int64 n)
{
	if (pg_add_s64_overflow(s->rows, n, &s->rows))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("al.consensus row count is out of range")));
}

/*
 * Transition: count the row and add its values to the sums.  NULL rows are
 * skipped; the first row sizes the state.  Called as an aggregate, the
 * state belongs to the aggregate and is modified in place (as float8_accum
 * does); called directly, a copy is modified.
 */
Datum
consensus_transfn(PG_FUNCTION_ARGS)
{
	ConsensusState *s;
	ProbVecView p;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	probvec_read(PG_GETARG_DATUM(1), &p);
	if (PG_ARGISNULL(0))
		s = consensus_state_new(p.dim);
	else
	{
		s = consensus_arg_state(fcinfo, 0, AggCheckCallContext(fcinfo, NULL) == 0);
		if (s->classes != p.dim)
			consensus_dim_mismatch(s->classes, p.dim, "this row");
	}
	consensus_add_rows(s, 1);
	al_accumulate(s->sums, p.x, p.dim);
	PG_RETURN_POINTER(s);
}

/*
 * Combine two partial states by adding counts and sums (order-independent
 * up to floating-point rounding).  A NULL state (no row seen) is neutral.
 */
Datum
consensus_combinefn(PG_FUNCTION_ARGS)
{
	ConsensusState *a;
	ConsensusState *b;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = consensus_arg_state(fcinfo, 1, false);
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(AggCheckCallContext(fcinfo, NULL) ? b :
						  consensus_arg_state(fcinfo, 1, true));
	a = consensus_arg_state(fcinfo, 0, AggCheckCallContext(fcinfo, NULL) == 0);
	if (a->classes != b->classes)
		consensus_dim_mismatch(a->classes, b->classes, "another partial state");
	consensus_add_rows(a, b->rows);
	for (int i = 0; i < a->classes; i++)
		a->sums[i] += b->sums[i];
	PG_RETURN_POINTER(a);
}

/*
 * Final: the mean distribution, rounded to float4 and validated like every
 * other way into al.probvec.  Never modifies the state.
 */
Datum
consensus_finalfn(PG_FUNCTION_ARGS)
{
	ConsensusState *s = consensus_arg_state(fcinfo, 0, false);
	ProbVec    *result = probvec_new(s->classes);

	al_mean_to_float(s->sums, (double) s->rows, s->classes, result->x);
	probvec_check_values(result->x, s->classes);
	PG_RETURN_PROBVEC_P(result);
}

/* ---- type I/O ---- */

/* The parsers' allocator: palloc/repalloc, refusing what palloc cannot. */
static void *
consensus_grow(void *ptr, size_t size)
{
	if (size > MaxAllocSize)
		return NULL;
	return ptr ? repalloc(ptr, size) : palloc(size);
}

/* A state holding a parsed (validated) form. */
static ConsensusState *
consensus_state_from_form(const ConsensusForm *f)
{
	ConsensusState *s = consensus_state_new(f->classes);

	s->rows = f->rows;
	memcpy(s->sums, f->sums, sizeof(float8) * f->classes);
	return s;
}

/* A form viewing a state. */
static ConsensusForm
consensus_form_of_state(ConsensusState *s)
{
	ConsensusForm f;

	f.classes = s->classes;
	f.rows = s->rows;
	f.sums = s->sums;
	return f;
}

/* The server's shortest round-trip decimal of a sum (ryu). */
static int
consensus_format_value(double v, char *buf)
{
	return double_to_shortest_decimal_bufn(v, buf);
}

/*
 * al.consensus_state_in(cstring): parse the text form (untrusted): the
 * core checks the syntax and every value.
 */
Datum
consensus_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	ConsensusForm f;
	TopkFormError err;

	if (consensus_parse_text(str, AL_PROBVEC_MAX_CLASSES, consensus_grow, &f, &err) != TOPK_FORM_OK)
		al_report_form_error(&err, "consensus_state", str);
	PG_RETURN_POINTER(consensus_state_from_form(&f));
}

/* al.consensus_state_out(state) -> cstring: rows=<n> sums=[...], exact. */
Datum
consensus_state_out(PG_FUNCTION_ARGS)
{
	ConsensusState *s = consensus_arg_state(fcinfo, 0, false);
	ConsensusForm f = consensus_form_of_state(s);
	char	   *buf = palloc(consensus_text_size(s->classes));

	consensus_format_text(&f, buf, consensus_format_value);
	PG_RETURN_CSTRING(buf);
}

/*
 * al.consensus_state_recv(internal): read the binary form (untrusted): the
 * core checks the length against the class count, then every value.
 */
Datum
consensus_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	ConsensusForm f;
	TopkFormError err;

	if (consensus_parse_binary((const unsigned char *) msg->data + msg->cursor,
							   (size_t) (msg->len - msg->cursor), AL_PROBVEC_MAX_CLASSES,
							   consensus_grow, &f, &err) != TOPK_FORM_OK)
		al_report_form_error(&err, "consensus_state", NULL);
	msg->cursor = msg->len;
	PG_RETURN_POINTER(consensus_state_from_form(&f));
}

/* al.consensus_state_send(state) -> bytea: the binary form. */
Datum
consensus_state_send(PG_FUNCTION_ARGS)
{
	ConsensusState *s = consensus_arg_state(fcinfo, 0, false);
	ConsensusForm f = consensus_form_of_state(s);
	Size		size = consensus_binary_size(s->classes);
	bytea	   *result = palloc(size + VARHDRSZ);

	SET_VARSIZE(result, size + VARHDRSZ);
	consensus_format_binary(&f, (unsigned char *) VARDATA(result));
	PG_RETURN_BYTEA_P(result);
}
