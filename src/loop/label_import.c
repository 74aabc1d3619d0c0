/*
 * label_import.c - the option label_column: labels a pool already holds in
 * one of its columns become the learner's labels, in the name of the
 * annotator "import:<column>", at creation, when the option is set, and at
 * every round (so values that appear later are imported too).
 *
 * The import mirrors the column: an item whose value is a class has that
 * label; a changed value changes the label (a new serial: it waits for a
 * retrain); a value set to NULL, changed to a value that is no class, or a
 * row gone from the pool withdraws the import's label (kept in
 * al.withdrawn_labels, withdrawn by "import:<column>").  Values that are no
 * class of the learner are not imported: a WARNING names the first and
 * counts them.  The pool is read as the learner's owner; the column is
 * checked in the catalog under the pool's lock.  See doc/loop.md,
 * "Labels from a pool column".
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "batch.h"
#include "learner_api.h"
#include "round.h"

/* The values of the label column, split into classes and others. */
typedef struct ImportedValues
{
	Datum	   *items;			/* text ids of the rows whose value is a class */
	Datum	   *labels;			/* their values */
	int			n;
	int			not_classes;	/* rows whose value is no class */
	char	   *first_item;		/* the first of those, and its value (clipped) */
	char	   *first_value;
} ImportedValues;

/* The most bytes of a pool value (or id) a WARNING shows. */
#define SHOWN_VALUE_BYTES 64

/* s for a message: at most SHOWN_VALUE_BYTES (whole characters), then "...". */
static char *
shown_value(const char *s)
{
	int			len = strlen(s);
	int			clip = pg_mbcliplen(s, len, SHOWN_VALUE_BYTES);

	return clip < len ? psprintf("%s...", pnstrdup(s, clip)) : pstrdup(s);
}

/* The annotator name the import of column records its labels under. */
static char *
import_annotator(const char *column)
{
	return psprintf(LABEL_IMPORT_PREFIX "%s", column);
}

/*
 * ERROR unless column is a column of the (locked) pool that role may
 * SELECT: 42703 if there is none, 42501 without the privilege.
 */
void
learner_check_label_column(Oid pool, const char *column, const char *learner, Oid role)
{
	AttrNumber	att = get_attnum(pool, column);

	if (att == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("label column \"%s\" of the pool of learner \"%s\" does not exist", column, learner),
				 errhint("Set the option \"label_column\" to a column of the pool, or to null to import no labels.")));
	if (!pool_column_readable(pool, att, role))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("role \"%s\" may not read the label column \"%s\" of the pool of learner \"%s\"",
						GetUserNameFromId(role, false), column, learner),
				 errhint("Grant it SELECT on the column, or set the option \"label_column\" to null.")));
}

/*
 * Read the label column's non-NULL values as the owner, split into classes
 * and others; a value whose text form is NULL counts as NULL.
 */
static void
read_values(const Learner *l, ImportedValues *v)
{
	const char *id = quote_identifier(l->id_column);
	const char *col = quote_identifier(l->options.label_column);
	char	   *sql = psprintf("SELECT p.%s::pg_catalog.text, p.%s::pg_catalog.text FROM %s p "
							   "WHERE p.%s IS NOT NULL AND p.%s IS NOT NULL",
							   id, col, learner_pool_name(l), id, col);
	uint64		r;

	round_pool_query(l, sql, 0, NULL, NULL);
	v->items = (Datum *) palloc_extended(sizeof(Datum) * Max(SPI_processed, 1), MCXT_ALLOC_HUGE);
	v->labels = (Datum *) palloc_extended(sizeof(Datum) * Max(SPI_processed, 1), MCXT_ALLOC_HUGE);
	v->n = 0;
	v->not_classes = 0;
	v->first_item = v->first_value = NULL;
	for (r = 0; r < SPI_processed; r++)
	{
		char	   *item = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
		char	   *value = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2);

		/*
		 * A value whose text form is NULL (a cast to text of the column's
		 * type may return NULL) is no value: its item's import is withdrawn.
		 */
		if (item == NULL || value == NULL)
			continue;
		if (learner_class_index(l, value) < 0)
		{
			if (v->not_classes++ == 0)
			{
				v->first_item = shown_value(item);
				v->first_value = shown_value(value);
			}
			continue;
		}
		v->items[v->n] = CStringGetTextDatum(item);
		v->labels[v->n++] = CStringGetTextDatum(value);
		pfree(value);
		pfree(item);
	}
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Record the values as the import's labels (new and changed ones only; a
 * label unchanged keeps its row) and end the leases of the items labeled
 * now; withdraw the import's labels of items the column no longer gives a
 * class.  As the store owner.  Returns the number of rows changed.
 */
static int64
apply_values(const Learner *l, const ImportedValues *v)
{
	static const char *upsert =
		"WITH up AS ("
		"  INSERT INTO al.labels AS b (learner_id, item_id, annotator, label, recorded_by) "
		"  SELECT DISTINCT ON (u.i) $1, u.i, $4, u.lb, $5 "
		"  FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.text[])) u(i, lb) "
		"  ORDER BY u.i "
		"  ON CONFLICT (learner_id, (al.item_key(item_id)), annotator) DO UPDATE "
		"  SET label = EXCLUDED.label, labeled_at = pg_catalog.now(), serial = EXCLUDED.serial, "
		"      recorded_by = EXCLUDED.recorded_by, trained_in = NULL "
		"  WHERE b.label IS DISTINCT FROM EXCLUDED.label "
		"  RETURNING b.item_id), "
		"gone AS (DELETE FROM al.leases x USING up WHERE x.learner_id = $1 "
		"  AND al.item_key(x.item_id) = al.item_key(up.item_id) AND x.item_id = up.item_id) "
		"SELECT pg_catalog.count(*) FROM up";
	static const char *withdraw =
		"WITH w AS ("
		"  DELETE FROM al.labels b WHERE b.learner_id = $1 AND b.annotator = $4 "
		"  AND b.item_id OPERATOR(pg_catalog.<>) ALL ($2::pg_catalog.text[]) "
		"  RETURNING b.item_id, b.annotator, b.label, b.labeled_at, b.recorded_by, b.serial, b.trained_in) "
		"INSERT INTO al.withdrawn_labels (learner_id, item_id, annotator, label, labeled_at, recorded_by, "
		"                                 label_serial, trained_in, withdrawn_by) "
		"SELECT $1, w.item_id, w.annotator, w.label, w.labeled_at, w.recorded_by, w.serial, w.trained_in, $4 "
		"FROM w";
	Oid			types[5] = {INT8OID, TEXTARRAYOID, TEXTARRAYOID, TEXTOID, TEXTOID};
	Datum		args[5];
	bool		isnull;
	int64		changed;

	args[0] = Int64GetDatum(l->id);
	args[1] = PointerGetDatum(construct_array(v->items, v->n, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = PointerGetDatum(construct_array(v->labels, v->n, TEXTOID, -1, false, TYPALIGN_INT));
	args[3] = CStringGetTextDatum(import_annotator(l->options.label_column));
	args[4] = CStringGetTextDatum(GetUserNameFromId(l->owner, false));
	learner_store_exec(upsert, 5, types, args, false, 0);
	changed = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	learner_store_exec(withdraw, 5, types, args, false, 0);
	/*
	 * Items may be open again: to this session's next batches at once, to the
	 * others' once it commits (batch_hint.c).
	 */
	if (SPI_processed > 0)
		batch_hint_reopened(l->id);
	return changed + (int64) SPI_processed;
}

/*
 * Import the labels of learner l's label column (if it has one), its pool
 * locked and checked: the column is checked in the catalog now, under that
 * lock.  Values that are no class are reported with a WARNING when
 * warn_always (al.create_learner, al.alter_learner) or when the import
 * changed labels (so the worker's rounds do not repeat it every pass).
 * Returns whether any label changed.
 */
bool
learner_import_labels(const Learner *l, bool warn_always)
{
	ImportedValues v;
	bool		changed;

	if (l->options.label_column[0] == '\0')
		return false;
	learner_check_label_column(l->pool, l->options.label_column, l->name, l->owner);
	read_values(l, &v);
	changed = apply_values(l, &v) > 0;
	if (v.not_classes > 0 && (changed || warn_always))
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg_plural("%d value of the label column \"%s\" of learner \"%s\" is not a class: \"%s\" of item \"%s\" is not imported",
							   "%d values of the label column \"%s\" of learner \"%s\" are not classes; the first, \"%s\" of item \"%s\", is not imported",
							   v.not_classes, v.not_classes, l->options.label_column, l->name, v.first_value, v.first_item),
				 errdetail("Values that are not one of the learner's classes (%s) are not imported, and an earlier import of such an item is withdrawn.",
						   learner_classes_text(l)),
				 errhint("Map the column's values to the classes (e.g. a view over the pool), or set the option \"label_column\" to null.")));
	return changed;
}
