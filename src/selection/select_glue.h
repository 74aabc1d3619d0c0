/*
 * select_glue.h - the rows of a selection aggregate (al.kcenter,
 * al.ranked_batch, al.badge, al.balanced_top_k, al.epsilon_greedy, the
 * greedy sampling aggregates for regression) and the
 * helpers the selection glue files share:
 *   select_rows.c     the rows in memory: reading, checking, growing,
 *                     sorting, and the kernels' errors;
 *   select_split.c    the aggregates that split across parallel workers
 *                     (al.balanced_top_k, al.epsilon_greedy): pruning to
 *                     the rows that can be picked, combining, serializing;
 *   select_agg.c      transition, final, combine, serialize and
 *                     deserialize functions of the aggregates;
 *   select_density.c  al.mean_direction, al.cosine_density,
 *                     al.euclidean_density, al.information_density;
 *   select_keys.c     al.gumbel_key, al.gumbel_power_key.
 * The kernels are in src/core/select.h.  See doc/selection.md.
 */
#ifndef AL_SELECT_GLUE_H
#define AL_SELECT_GLUE_H

#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "utils/array.h"

#include "select.h"

/* Rows an aggregate may hold: the kernels index rows with int. */
#define SEL_MAX_ROWS (INT_MAX - 1)

/* What an aggregate reads: the argument positions of its inputs (-1: none). */
typedef struct SelKind
{
	const char *name;			/* "al.kcenter" */
	int			x_arg;			/* features, double precision[] */
	int			score_arg;		/* double precision */
	int			p_arg;			/* al.probvec */
	int			k_arg;			/* integer */
	int			labeled_arg;	/* boolean, when the call has that many args */
	int			param_arg;		/* double precision parameter */
	const char *param_name;		/* "class_cap", "epsilon" */
	int			seed_arg;		/* bigint */
	bool		split;			/* keeps only the rows that can be picked
								 * (sel_rows_prune), combinable */
	bool		class_only;		/* keeps argmax p, not p (al.balanced_top_k) */
	bool		keyed;			/* keeps the key of (seed, id)
								 * (al.epsilon_greedy) */
	int			label_arg;		/* double precision target: the row is
								 * labeled when it is not NULL, and its
								 * target is kept in score (greedy
								 * sampling); -1: none */
	const char *score_name;		/* what score_arg is called in messages
								 * (NULL: "score") */
} SelKind;

/*
 * The rows aggregated so far, in the aggregate's memory context.  Unlabeled
 * rows are the candidates; labeled rows (k-center, ranked batch) only move
 * the distances.  The final function sorts the rows in place (unlabeled by
 * id, then labeled by their feature bytes): the same multiset of rows, in
 * an order that does not depend on the order they came in.
 */
typedef struct SelRows
{
	const SelKind *kind;
	MemoryContext cxt;
	int32		k;
	int			d;				/* features per row, -1 before the first */
	int			c;				/* classes per row, -1 before the first */
	int64		n;				/* rows */
	int64		nlabeled;		/* of which labeled */
	int64		cap;			/* rows allocated */
	int64	   *ids;
	bool	   *id_null;		/* labeled rows may have a NULL id */
	bool	   *labeled;
	float	   *x;				/* n x d */
	double	   *score;			/* n (greedy sampling: a candidate's
								 * prediction, a labeled row's target) */
	float	   *p;				/* n x c */
	int32	   *cls;			/* n: argmax p (class_only kinds) */
	double	   *key;			/* n: al_sel_key_uniform(seed, id) (keyed) */
	double		param;
	int64		seed;
	bool		sorted;
} SelRows;

/* select_rows.c */
extern SelRows *sel_rows_new(const SelKind *kind, MemoryContext cxt);
extern void sel_rows_check_params(SelRows *s, FunctionCallInfo fcinfo);
extern void sel_rows_check_same(const SelRows *s, const SelRows *other);
extern void sel_rows_add(SelRows *s, FunctionCallInfo fcinfo);
extern void sel_rows_reserve(SelRows *s);
extern void sel_rows_sort(SelRows *s);
extern int	sel_tick_interrupts(void *arg);
extern void sel_report(const SelRows *s, al_sel_status st,
					   const al_sel_where *where) pg_attribute_noreturn();
extern int	sel_vector_length(ArrayType *a, const char *what, const char *whose);
extern void sel_vector_floats(ArrayType *a, float *out, const char *elem,
							  const char *whose);
extern double *sel_alloc_work(size_t doubles);

/* select_split.c */
extern int64 sel_split_prune_at(const SelRows *s);
extern void sel_rows_prune(SelRows *s);
extern void sel_rows_combine(SelRows *into, const SelRows *from);
extern bytea *sel_rows_serialize(const SelRows *s);
extern SelRows *sel_rows_deserialize(const SelKind *kind, bytea *b,
									 MemoryContext cxt);
extern int64 sel_max_memory_bytes(void);

#endif							/* AL_SELECT_GLUE_H */
