/*
 * agreement.c - al.cohen_kappa and al.fleiss_kappa, the SQL faces of the
 * agreement kernels (src/core/agreement.c) that the agreement views call
 * (doc/loop.md, "Overlap and agreement").
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "agreement.h"
#include "item_map.h"

PG_FUNCTION_INFO_V1(al_cohen_kappa_sql);
PG_FUNCTION_INFO_V1(al_fleiss_kappa_sql);

/* The elements of a one-dimensional text[] (empty: none); ERROR on NULL elements or more dimensions. */
static Datum *
text_elements(ArrayType *a, const char *what, int *n)
{
	Datum	   *v;
	bool	   *nulls;
	int			i;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &v, &nulls, n);
	for (i = 0; i < *n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("element %d of %s is NULL", i + 1, what)));
	return v;
}

/* Each label's category index, numbering labels as they first appear in map. */
static void
categories(Datum *labels, int n, ItemMap *map, int *out)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		char	   *label = TextDatumGetCString(labels[i]);

		out[i] = item_map_find(map, label);
		if (out[i] < 0)
		{
			out[i] = (int) item_map_count(map);
			item_map_add(map, label, out[i]);
		}
	}
}

/*
 * al.cohen_kappa(a text[], b text[]) -> double precision: Cohen's kappa of
 * two labelings of the same items (element i of both is item i); NULL for
 * no items.
 */
Datum
al_cohen_kappa_sql(PG_FUNCTION_ARGS)
{
	int			n,
				m;
	Datum	   *a = text_elements(PG_GETARG_ARRAYTYPE_P(0), "labels_a", &n);
	Datum	   *b = text_elements(PG_GETARG_ARRAYTYPE_P(1), "labels_b", &m);
	ItemMap    *map;
	int		   *ca,
			   *cb;
	double		kappa;

	if (n != m)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("labels_a and labels_b must have the same length, not %d and %d", n, m)));
	if (n == 0)
		PG_RETURN_NULL();
	map = item_map_create("al_ext kappa labels", 16);
	ca = (int *) palloc(sizeof(int) * n);
	cb = (int *) palloc(sizeof(int) * n);
	categories(a, n, map, ca);
	categories(b, n, map, cb);
	kappa = al_cohen_kappa(ca, cb, n, (int) item_map_count(map),
						   (double *) palloc(sizeof(double) * 2 * item_map_count(map)));
	PG_RETURN_FLOAT8(kappa);
}

/*
 * al.fleiss_kappa(counts integer[][]) -> double precision: Fleiss' kappa
 * of items x categories rating counts (varying raters per item allowed;
 * items with fewer than two ratings are left out); NULL when no item has
 * two.
 */
Datum
al_fleiss_kappa_sql(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *v;
	bool	   *nulls;
	int		   *counts;
	int			n,
				i,
				k;
	double		kappa;

	if (ARR_NDIM(a) == 0)
		PG_RETURN_NULL();
	if (ARR_NDIM(a) != 2)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("counts must be a two-dimensional array (items x categories), not %d-dimensional",
						ARR_NDIM(a))));
	k = ARR_DIMS(a)[1];
	deconstruct_array(a, INT4OID, 4, true, TYPALIGN_INT, &v, &nulls, &n);
	counts = (int *) palloc(sizeof(int) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("counts must not contain NULL")));
		counts[i] = DatumGetInt32(v[i]);
		if (counts[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("counts must not be negative, not %d", counts[i])));
	}
	kappa = al_fleiss_kappa(counts, n / k, k, (double *) palloc(sizeof(double) * k));
	if (isnan(kappa))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(kappa);
}
