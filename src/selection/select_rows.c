/*
 * select_rows.c - the rows of a selection aggregate (SelRows, see
 * select_glue.h): reading and checking each row's arguments, growing the
 * arrays, sorting the rows into an input-independent order, and turning
 * the kernels' status codes into errors.  See doc/selection.md.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "al_ext.h"
#include "sql_args.h"
#include "probvec.h"
#include "scores.h"
#include "select_glue.h"

/* Rows allocated by the first row; doubled as needed. */
#define SEL_INITIAL_ROWS 16

/*
 * Bytes per row that the final function may need beyond the row itself:
 * the kernels' workspace (BADGE, the largest: 4 doubles, an int and a
 * float), the sort (an int and a flag) and the result (an int, a Datum and
 * the array element).
 */
#define SEL_WORK_BYTES_PER_ROW 72

/* al_ext.selection_max_memory, in kB. */
static int	sel_max_memory_kb = 1024 * 1024;

/* Define al_ext.selection_max_memory (called from _PG_init). */
void
al_selection_define_gucs(void)
{
	DefineCustomIntVariable("al_ext.selection_max_memory",
							"The most memory a selection aggregate (al.kcenter, al.ranked_batch, al.badge, al.balanced_top_k, al.epsilon_greedy, the greedy sampling aggregates) may use for its rows and its work.",
							"Beyond it the aggregate fails with a clear error instead of exhausting the server's memory.",
							&sel_max_memory_kb, 1024 * 1024, 64, MAX_KILOBYTES,
							PGC_USERSET, GUC_UNIT_KB, NULL, NULL, NULL);
}

/* al_ext.selection_max_memory in bytes (al.backtest bounds its rows by it). */
int64
sel_max_memory_bytes(void)
{
	return (int64) sel_max_memory_kb * 1024;
}

/* A new, empty row set of `kind` living in cxt (the aggregate's context). */
SelRows *
sel_rows_new(const SelKind *kind, MemoryContext cxt)
{
	SelRows    *s = MemoryContextAllocZero(cxt, sizeof(SelRows));

	s->kind = kind;
	s->cxt = cxt;
	s->d = -1;
	s->c = -1;
	s->k = -1;
	return s;
}

/* "id 5", or "a labeled row" for a labeled row without id (messages). */
static char *
sel_whose(bool id_null, int64 id)
{
	if (id_null)
		return pstrdup("a labeled row");
	return psprintf("id " INT64_FORMAT, id);
}

/*
 * The double parameter (class_cap in (0, 1], epsilon in [0, 1]): not NULL,
 * in range.
 */
static double
sel_arg_param(SelRows *s, FunctionCallInfo fcinfo)
{
	const char *name = s->kind->param_name;
	double		v;
	bool		zero_ok = strcmp(name, "epsilon") == 0;

	if (PG_ARGISNULL(s->kind->param_arg))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be null", name)));
	v = PG_GETARG_FLOAT8(s->kind->param_arg);
	if (!((zero_ok ? v >= 0 : v > 0) && v <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(zero_ok ? "%s must be between 0 and 1" :
						"%s must be greater than 0 and at most 1", name),
				 errdetail("%s is %s.", name, float8out_internal(v))));
	return v;
}

/* The seed: not NULL. */
static int64
sel_arg_seed(SelRows *s, FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(s->kind->seed_arg))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("seed must not be null")));
	return PG_GETARG_INT64(s->kind->seed_arg);
}

/*
 * k, the parameter and the seed of s (from earlier rows) equal these, as
 * they must on every row; ERROR naming the one that changed.
 */
static void
sel_settings_agree(const SelRows *s, int32 k, double param, int64 seed)
{
	const char *name = s->kind->param_name;

	if (s->k != k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be the same for every row"),
				 errdetail("k was %d in an earlier row and is %d now.", s->k, k)));
	if (s->kind->param_arg >= 0 && s->param != param)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be the same for every row", name),
				 errdetail("%s was %s in an earlier row and is %s now.", name,
						   float8out_internal(s->param), float8out_internal(param))));
	if (s->kind->seed_arg >= 0 && s->seed != seed)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("seed must be the same for every row"),
				 errdetail("seed was " INT64_FORMAT " in an earlier row and is " INT64_FORMAT " now.",
						   s->seed, seed)));
}

/*
 * Check the per-call parameters of a transition (every row): valid, and
 * the same as on the earlier rows.
 */
void
sel_rows_check_params(SelRows *s, FunctionCallInfo fcinfo)
{
	int32		k = al_arg_k(fcinfo, s->kind->k_arg);
	double		param = s->kind->param_arg >= 0 ? sel_arg_param(s, fcinfo) : 0;
	int64		seed = s->kind->seed_arg >= 0 ? sel_arg_seed(s, fcinfo) : 0;

	if (s->n > 0)
		sel_settings_agree(s, k, param, seed);
	s->k = k;
	s->param = param;
	s->seed = seed;
}

/*
 * Two partial states of one aggregate (combine): k, the parameter, the
 * seed and the class count agree, as they would row by row.
 */
void
sel_rows_check_same(const SelRows *s, const SelRows *other)
{
	sel_settings_agree(s, other->k, other->param, other->seed);
	if (s->kind->p_arg >= 0 && s->c != other->c)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("probabilities have %d classes in some rows and %d in others",
						other->c, s->c)));
}

/*
 * The length of a vector argument (a one-dimensional, non-empty array of
 * double precision or real); `what` names it ("features"), `whose` the row
 * ("id 5") or NULL.
 */
int
sel_vector_length(ArrayType *a, const char *what, const char *whose)
{
	int			n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));

	if (ARR_ELEMTYPE(a) != FLOAT8OID && ARR_ELEMTYPE(a) != FLOAT4OID)
		elog(ERROR, "%s of type %s where double precision[] was expected",
			 what, format_type_be(ARR_ELEMTYPE(a)));
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 whose ? errmsg("%s of %s must not be empty", what, whose)
				 : errmsg("%s must not be empty", what)));
	if (ARR_NDIM(a) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 whose ? errmsg("%s of %s must be a one-dimensional array", what, whose)
				 : errmsg("%s must be a one-dimensional array", what),
				 errdetail("The array has %d dimensions.", ARR_NDIM(a))));
	return n;
}

/* ERROR for element i (0-based) of a vector: NULL, not finite, or beyond float. */
static void
sel_bad_element(const char *elem, int i, const char *whose, bool isnull,
				double v)
{
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 whose ? errmsg("%s %d of %s is null", elem, i + 1, whose)
				 : errmsg("%s %d is null", elem, i + 1)));
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 whose ? errmsg("%s %d of %s is not finite: %s", elem, i + 1, whose,
								float8out_internal(v))
				 : errmsg("%s %d is not finite: %s", elem, i + 1, float8out_internal(v))));
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 whose ? errmsg("%s %d of %s is out of range for type real: %s", elem,
							i + 1, whose, float8out_internal(v))
			 : errmsg("%s %d is out of range for type real: %s", elem, i + 1,
					  float8out_internal(v))));
}

/*
 * Convert the elements of a vector (checked by sel_vector_length) to float,
 * refusing NULL elements, NaN, infinities and values beyond float's range.
 */
void
sel_vector_floats(ArrayType *a, float *out, const char *elem, const char *whose)
{
	int			n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	bits8	   *nulls = ARR_NULLBITMAP(a);
	bool		single = ARR_ELEMTYPE(a) == FLOAT4OID;
	const char *data = ARR_DATA_PTR(a);

	for (int i = 0, at = 0; i < n; i++)
	{
		double		v;

		if (nulls && !(nulls[i / 8] & (1 << (i % 8))))
			sel_bad_element(elem, i, whose, true, 0);
		v = single ? ((const float4 *) data)[at] : ((const float8 *) data)[at];
		at++;
		if (!isfinite(v) || !isfinite((float) v))
			sel_bad_element(elem, i, whose, false, v);
		out[i] = (float) v;
	}
}

/*
 * The bytes one row of s takes in the state (id, flags, features, score,
 * probabilities) plus what the final function may need for it.
 */
static int64
sel_row_bytes(const SelRows *s)
{
	int64		bytes = sizeof(int64) + 2 * sizeof(bool) + SEL_WORK_BYTES_PER_ROW;

	if (s->kind->x_arg >= 0)
		bytes += (int64) sizeof(float) * s->d;
	if (s->kind->score_arg >= 0)
		bytes += sizeof(double);
	if (s->kind->class_only)
		bytes += sizeof(int32);
	else if (s->kind->p_arg >= 0)
		bytes += (int64) sizeof(float) * s->c;
	if (s->kind->keyed)
		bytes += sizeof(double);
	return bytes;
}

/* The rows al_ext.selection_max_memory holds, at the bytes of a row of s. */
static int64
sel_rows_fit(const SelRows *s)
{
	return (int64) sel_max_memory_kb * 1024 / sel_row_bytes(s);
}

/*
 * The most rows s may hold: al_ext.selection_max_memory over the bytes of
 * a row, and the kernels' int positions.  ERROR (53400) when the row about
 * to be added would exceed it.
 */
static int64
sel_rows_max(const SelRows *s)
{
	int64		row_bytes = sel_row_bytes(s);
	int64		max_rows = sel_rows_fit(s);

	if (s->n >= SEL_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s cannot select among more than %d rows", s->kind->name,
						SEL_MAX_ROWS)));
	if (s->n >= max_rows)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("%s needs more than al_ext.selection_max_memory (%s) for its rows",
						s->kind->name,
						GetConfigOptionByName("al_ext.selection_max_memory", NULL, false)),
				 errdetail("A row takes about " INT64_FORMAT " bytes; " INT64_FORMAT " rows fit.",
						   row_bytes, max_rows),
				 errhint("Give it fewer rows (for example the best candidates by score, "
						 "ORDER BY score DESC LIMIT n in a subquery) or raise "
						 "al_ext.selection_max_memory.")));
	return Min(max_rows, SEL_MAX_ROWS);
}

/*
 * Room for one more row: the arrays double, in the aggregate's context, up
 * to the most rows allowed (sel_rows_max).  A kind that splits first drops
 * the rows it can no longer pick, when it holds twice what it needs or
 * has reached the limit (sel_split_prune_at).
 */
void
sel_rows_reserve(SelRows *s)
{
	int64		cap = s->cap ? s->cap * 2 : SEL_INITIAL_ROWS;
	int64		max_rows;
	MemoryContext old;

	if (s->kind->split &&
		(s->n >= sel_split_prune_at(s) || s->n >= sel_rows_fit(s)))
		sel_rows_prune(s);
	max_rows = sel_rows_max(s);
	if (s->n < s->cap)
		return;
	cap = Min(cap, max_rows);
	old = MemoryContextSwitchTo(s->cxt);
#define SEL_GROW(arr, per) \
	(s->arr = s->arr ? repalloc_huge(s->arr, (Size) cap * (per) * sizeof(*s->arr)) \
	 : MemoryContextAllocHuge(s->cxt, (Size) cap * (per) * sizeof(*s->arr)))
	SEL_GROW(ids, 1);
	SEL_GROW(id_null, 1);
	SEL_GROW(labeled, 1);
	if (s->kind->x_arg >= 0)
		SEL_GROW(x, s->d);
	if (s->kind->score_arg >= 0)
		SEL_GROW(score, 1);
	if (s->kind->class_only)
		SEL_GROW(cls, 1);
	else if (s->kind->p_arg >= 0)
		SEL_GROW(p, s->c);
	if (s->kind->keyed)
		SEL_GROW(key, 1);
#undef SEL_GROW
	MemoryContextSwitchTo(old);
	s->cap = cap;
}

/* Whether this row is labeled (the optional boolean argument). */
static bool
sel_arg_labeled(SelRows *s, FunctionCallInfo fcinfo, const char *whose)
{
	int			a = s->kind->labeled_arg;

	if (s->kind->label_arg >= 0)
		return !PG_ARGISNULL(s->kind->label_arg);
	if (a < 0 || PG_NARGS() <= a)
		return false;
	if (PG_ARGISNULL(a))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("labeled flag of %s must not be null", whose)));
	return PG_GETARG_BOOL(a);
}

/*
 * The row's features, detoasted and checked (the first row sets the
 * length); returns them as floats in a palloc'd buffer.
 */
static float *
sel_arg_features(SelRows *s, FunctionCallInfo fcinfo, const char *whose)
{
	ArrayType  *a;
	int			n;
	float	   *x;

	if (PG_ARGISNULL(s->kind->x_arg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("features of %s must not be null", whose)));
	a = PG_GETARG_ARRAYTYPE_P(s->kind->x_arg);
	n = sel_vector_length(a, "features", whose);
	if (s->d >= 0 && n != s->d)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features of %s have %d values, earlier rows have %d",
						whose, n, s->d)));
	x = palloc(sizeof(float) * n);
	sel_vector_floats(a, x, "feature", whose);
	s->d = n;
	return x;
}

/*
 * The row's score (or prediction): required (and finite) on unlabeled rows
 * only.  A labeled row of a kind with a label argument gives its label
 * instead (not NULL, since that makes it labeled; finite).
 */
static double
sel_arg_score(SelRows *s, FunctionCallInfo fcinfo, const char *whose,
			  bool labeled)
{
	const char *name = s->kind->score_name ? s->kind->score_name : "score";
	double		v;

	if (labeled && s->kind->label_arg >= 0)
	{
		v = PG_GETARG_FLOAT8(s->kind->label_arg);
		if (!isfinite(v))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("label of %s is not finite: %s", whose, float8out_internal(v))));
		return v;
	}
	if (PG_ARGISNULL(s->kind->score_arg))
	{
		if (labeled)
			return 0;
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s of %s must not be null", name, whose)));
	}
	v = PG_GETARG_FLOAT8(s->kind->score_arg);
	if (!isfinite(v) && !labeled)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s of %s is not finite: %s", name, whose, float8out_internal(v))));
	return isfinite(v) ? v : 0;
}

/* Copy the row's probabilities to dst (the first row sets the class count). */
static void
sel_arg_probs(SelRows *s, FunctionCallInfo fcinfo, const char *whose,
			  ProbVecView *view)
{
	if (PG_ARGISNULL(s->kind->p_arg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("probabilities of %s must not be null", whose)));
	probvec_read(PG_GETARG_DATUM(s->kind->p_arg), view);
	if (s->c >= 0 && view->dim != s->c)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("probabilities of %s have %d classes, earlier rows have %d",
						whose, view->dim, s->c)));
	s->c = view->dim;
}

/*
 * Append the row of a transition call (its parameters already checked):
 * read and check every input first, then store it.  Unlabeled rows need
 * an id; labeled rows may have a NULL id and a NULL score (unused).
 */
void
sel_rows_add(SelRows *s, FunctionCallInfo fcinfo)
{
	bool		id_null = PG_ARGISNULL(1);
	int64		id = id_null ? 0 : PG_GETARG_INT64(1);
	const char *whose = sel_whose(id_null, id);
	bool		labeled = sel_arg_labeled(s, fcinfo, whose);
	float	   *x = NULL;
	double		score = 0;
	ProbVecView probs;

	if (id_null && !labeled)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("id must not be null"),
				 errdetail("Only labeled rows may have a null id.")));
	if (s->kind->x_arg >= 0)
		x = sel_arg_features(s, fcinfo, whose);
	if (s->kind->score_arg >= 0)
		score = sel_arg_score(s, fcinfo, whose, labeled);
	if (s->kind->p_arg >= 0)
		sel_arg_probs(s, fcinfo, whose, &probs);
	sel_rows_reserve(s);
	s->ids[s->n] = id;
	s->id_null[s->n] = id_null;
	s->labeled[s->n] = labeled;
	if (x)
		memcpy(s->x + s->n * s->d, x, sizeof(float) * s->d);
	if (s->kind->score_arg >= 0)
		s->score[s->n] = score;
	if (s->kind->class_only)
		s->cls[s->n] = al_argmax(probs.x, s->c);
	else if (s->kind->p_arg >= 0)
		memcpy(s->p + s->n * s->c, probs.x, sizeof(float) * s->c);
	if (s->kind->keyed)
		s->key[s->n] = al_sel_key_uniform((uint64) s->seed, (uint64) id);
	s->nlabeled += labeled;
	s->n++;
	s->sorted = false;
}

/*
 * Rows of one id (only kinds that split keep an id twice: their rows
 * count as given, like al.top_k's): by score descending, then class, then
 * key descending, so equal rows are the only ties.
 */
static int
sel_same_id_cmp(const SelRows *s, int i, int j)
{
	if (s->score && s->score[i] != s->score[j])
		return s->score[i] > s->score[j] ? -1 : 1;
	if (s->cls && s->cls[i] != s->cls[j])
		return s->cls[i] < s->cls[j] ? -1 : 1;
	if (s->key && s->key[i] != s->key[j])
		return s->key[i] > s->key[j] ? -1 : 1;
	return 0;
}

/*
 * Row order for the kernels: unlabeled rows first, by id; then labeled
 * rows by the bytes of their features, then their target (any fixed order
 * will do: it only has to be the same whatever order the rows came in).
 */
static int
sel_row_cmp(const void *a, const void *b, void *arg)
{
	const SelRows *s = arg;
	int			i = *(const int *) a;
	int			j = *(const int *) b;

	if (s->labeled[i] != s->labeled[j])
		return s->labeled[i] ? 1 : -1;
	if (!s->labeled[i] && s->ids[i] != s->ids[j])
		return s->ids[i] < s->ids[j] ? -1 : 1;
	if (!s->labeled[i])
		return sel_same_id_cmp(s, i, j);
	if (s->x != NULL)
	{
		int			c = memcmp(s->x + (Size) i * s->d, s->x + (Size) j * s->d,
							   sizeof(float) * s->d);

		if (c != 0)
			return c;
	}
	/* labeled rows of greedy sampling also carry their target */
	if (s->kind->label_arg >= 0 && s->score[i] != s->score[j])
		return s->score[i] < s->score[j] ? -1 : 1;
	return 0;
}

/*
 * Rearrange n elements of `size` bytes in place so that position r holds
 * what was at perm[r] (cycle by cycle; done: n flags, tmp: size bytes).
 */
static void
sel_permute(char *base, Size size, const int *perm, int64 n, bool *done,
			char *tmp)
{
	memset(done, 0, n);
	for (int64 i = 0; i < n; i++)
	{
		int64		j = i;

		if (done[i])
			continue;
		memcpy(tmp, base + i * size, size);
		for (;;)
		{
			int64		from = perm[j];

			done[j] = true;
			if (from == i)
			{
				memcpy(base + j * size, tmp, size);
				break;
			}
			memcpy(base + j * size, base + from * size, size);
			j = from;
		}
	}
}

/*
 * Sort the rows in place (sel_row_cmp) and, for the kinds that keep every
 * row, refuse a candidate id that appears twice: the picks would depend on
 * which copy came first.  (The kinds that split cannot see every id: they
 * keep only the rows they can pick, and count an id given twice as two
 * rows.)
 */
void
sel_rows_sort(SelRows *s)
{
	int		   *perm;
	bool	   *done;
	char	   *tmp;
	int64		m = s->n - s->nlabeled;

	if (s->sorted)
		return;
	perm = palloc_extended(sizeof(int) * s->n, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < s->n; i++)
		perm[i] = (int) i;
	qsort_arg(perm, s->n, sizeof(int), sel_row_cmp, s);
	for (int64 r = 1; r < m && !s->kind->split; r++)
		if (s->ids[perm[r]] == s->ids[perm[r - 1]])
			ereport(ERROR,
					(errcode(ERRCODE_CARDINALITY_VIOLATION),
					 errmsg("%s got id " INT64_FORMAT " more than once",
							s->kind->name, s->ids[perm[r]]),
					 errdetail("Each unlabeled row must have its own id.")));
	done = palloc_extended(s->n, MCXT_ALLOC_HUGE);
	tmp = palloc(sizeof(float) * Max(Max(s->d, s->c), 2));
	sel_permute((char *) s->ids, sizeof(int64), perm, s->n, done, tmp);
	sel_permute((char *) s->id_null, sizeof(bool), perm, s->n, done, tmp);
	sel_permute((char *) s->labeled, sizeof(bool), perm, s->n, done, tmp);
	if (s->x)
		sel_permute((char *) s->x, sizeof(float) * s->d, perm, s->n, done, tmp);
	if (s->score)
		sel_permute((char *) s->score, sizeof(double), perm, s->n, done, tmp);
	if (s->p)
		sel_permute((char *) s->p, sizeof(float) * s->c, perm, s->n, done, tmp);
	if (s->cls)
		sel_permute((char *) s->cls, sizeof(int32), perm, s->n, done, tmp);
	if (s->key)
		sel_permute((char *) s->key, sizeof(double), perm, s->n, done, tmp);
	pfree(perm);
	pfree(done);
	pfree(tmp);
	s->sorted = true;
}

/* The kernels' tick: lets a long selection be cancelled. */
int
sel_tick_interrupts(void *arg)
{
	CHECK_FOR_INTERRUPTS();
	return 0;
}

/* A zeroed-free workspace of `doubles` doubles (huge allocations allowed). */
double *
sel_alloc_work(size_t doubles)
{
	return palloc_extended(sizeof(double) * Max(doubles, 1), MCXT_ALLOC_HUGE);
}

/*
 * ERROR for a kernel status.  Inputs were checked row by row, so only
 * what the kernel checks over whole rows (norms) is expected here.
 */
void
sel_report(const SelRows *s, al_sel_status st, const al_sel_where *where)
{
	int64		row = where->row + (where->labeled ? s->n - s->nlabeled : 0);

	if (st == AL_SEL_X_TOO_LARGE && where->row >= 0 && row < s->n)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("features of %s are too large",
						sel_whose(s->id_null[row], s->ids[row])),
				 errdetail("The sum of their squares exceeds %g.", AL_SEL_MAX_SQNORM)));
	elog(ERROR, "%s failed: %s", s->kind->name, al_sel_status_message(st));
	pg_unreachable();
}
