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
#include "select_eer.h"
#include "topk.h"

/* The uncertainty score that picks the candidates. */
typedef enum EerUncertainty
{
	EER_ENTROPY,
	EER_MARGIN,					/* margin confidence, 1 - (p1 - p2) */
	EER_LEAST_CONFIDENCE		/* 1 - max p */
} EerUncertainty;

/* A kept pool row; a heap entry's id is its slot number. */
typedef struct EerRow
{
	uint64		key;			/* seeded hash of the id: the sample's order */
	char	   *id;				/* the id as text */
	double		score;			/* the uncertainty score */
} EerRow;

/*
 * The k best pool rows under an order (topk.h: score DESC, then key, then
 * id): the candidates (score = uncertainty) or the sample (score 0, so the
 * k smallest keys).  Slot k is the scratch slot of the row on offer.
 */
typedef struct EerHeap
{
	int			k;
	int			count;
	TopkEntry  *heap;			/* count entries */
	EerRow	   *rows;			/* k + 1 slots */
	float	   *x;				/* k x d features, by slot */
	TopkOrder	order;
	MemoryContext cxt;			/* where kept ids live */
} EerHeap;

/* What the pass keeps. */
typedef struct EerRows
{
	float	   *lx;				/* labeled rows: n x d */
	int		   *ly;				/* their classes, model's numbering */
	int			n;
	int			cap;
	EerHeap		cand;
	EerHeap		sample;
	int64		pool_rows;		/* unlabeled rows seen */
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
extern void eer_read_rows(const AlModel *model, const EerSourceSpec *spec, EerRows *out);

#endif							/* AL_EER_GLUE_H */
