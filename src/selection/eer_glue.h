/*
 * eer_glue.h - reading a table for al.expected_error_reduction: its labeled
 * rows, and from its unlabeled rows (the pool) the most uncertain ones (the
 * candidates) and a seeded sample, in one pass with bounded memory.  See
 * eer_rows.c, eer.c and doc/selection.md.
 */
#ifndef AL_EER_GLUE_H
#define AL_EER_GLUE_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "model.h"
#include "row_heap.h"
#include "select_eer.h"

/* The uncertainty score that picks the candidates. */
typedef enum EerUncertainty
{
	EER_ENTROPY,
	EER_MARGIN,					/* margin confidence, 1 - (p1 - p2) */
	EER_LEAST_CONFIDENCE		/* 1 - max p */
} EerUncertainty;

/* What the pass keeps. */
typedef struct EerRows
{
	float	   *lx;				/* labeled rows: n x d */
	int		   *ly;				/* their classes, model's numbering */
	int			n;
	int			cap;
	RowHeap		cand;			/* by uncertainty, then the key */
	RowHeap		sample;			/* score 0: the smallest keys */
	int64		pool_rows;		/* unlabeled rows seen */
	double		bytes;			/* counted against al_ext.selection_max_memory
								 * (al.expected_error_reduction) */
	Size		long_ids;		/* of it, the heaps' long_id_bytes */
} EerRows;

/* What to read, and how to choose. */
typedef struct EerSourceSpec
{
	Oid			relid;
	const char *id_column;
	const char *features;
	const char *label;
	int			candidates;		/* M */
	int			sample;			/* S */
	uint64		seed;
	EerUncertainty uncertainty;
} EerSourceSpec;

extern al_eer_loss eer_loss_option(const char *key, JsonbValue *v);
extern void eer_charge(EerRows *rows, double bytes, const char *what, const char *hint);
extern void eer_read_rows(const AlModel *model, const EerSourceSpec *spec, EerRows *out);
extern double eer_uncertainty(EerUncertainty u, const float *p, int k);
extern int *eer_rank(const al_softmax_model *model, double c, EerRows *rows, al_eer_options *opt,
					 double **expected_error, double **reduction);

#endif							/* AL_EER_GLUE_H */
