/*
 * model_source.c - the table a training reads (al.train_model, al.ridge_fit,
 * a learner's models): the table locked (AccessShareLock, to the end of
 * the transaction) before its columns are looked up, so no ALTER TABLE can
 * change them between the check and the read; the types of the feature,
 * label and id columns checked; the key that names a bad row in errors
 * (the primary key when the caller may read it, else the ctid).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"

#include "feature_cast.h"
#include "model.h"

/* The type of column colname of relid; ERROR naming it if missing. */
Oid
model_column_type(Oid relid, const char *colname)
{
	AttrNumber	att = get_attnum(relid, colname);

	if (att == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						colname, get_rel_name(relid))));
	return get_atttype(relid, att);
}

/*
 * ERROR unless a feature column of this type can be read (real[], double
 * precision[] or a type with a cast to real[]: src/feature_cast.c);
 * returns the type it is read as (real[] or double precision[]).
 */
Oid
model_check_feature_type(const char *column, Oid type)
{
	return al_feature_check(column, type);
}

/* ERROR unless a statement returned features of the type it reads them as. */
void
model_check_read_type(Oid read_type, Oid got)
{
	if (got != read_type)
		elog(ERROR, "features read as %s where %s was expected",
			 format_type_be(got), format_type_be(read_type));
}

/* ERROR unless type is smallint, integer or bigint (an id column). */
static void
check_id_type(const char *column, Oid type)
{
	if (type != INT2OID && type != INT4OID && type != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("id column \"%s\" must be smallint, integer or bigint, not %s",
						column, format_type_be(type))));
}

/* Whether the current role may read column att of relid. */
static bool
column_readable(Oid relid, AttrNumber att)
{
	return pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK ||
		pg_attribute_aclcheck(relid, att, GetUserId(), ACL_SELECT) == ACLCHECK_OK;
}

/*
 * Name rows by the primary key of rel if it has one and the current role
 * may read its columns; returns whether it did.
 */
static bool
use_primary_key(TrainSource *src, Relation rel)
{
	Oid			pk = RelationGetPrimaryKeyIndex(rel);
	HeapTuple	tup;
	Form_pg_index index;
	StringInfoData list;
	int			i;

	if (!OidIsValid(pk))
		return false;
	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(pk));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for index %u", pk);
	index = (Form_pg_index) GETSTRUCT(tup);
	src->nkeys = index->indnkeyatts;
	src->keys = (char **) palloc(sizeof(char *) * src->nkeys);
	initStringInfo(&list);
	for (i = 0; i < src->nkeys; i++)
	{
		AttrNumber	att = index->indkey.values[i];

		if (!column_readable(src->relid, att))
		{
			ReleaseSysCache(tup);
			return false;
		}
		src->keys[i] = pstrdup(quote_identifier(get_attname(src->relid, att, false)));
		appendStringInfo(&list, ", %s", src->keys[i]);
	}
	ReleaseSysCache(tup);
	src->key = ROWKEY_PRIMARY;
	src->key_list = list.data;
	return true;
}

/* Decide how errors name the rows of the (locked) table. */
static void
choose_row_key(TrainSource *src)
{
	Relation	rel = table_open(src->relid, NoLock);
	char		kind = rel->rd_rel->relkind;

	if (!use_primary_key(src, rel))
	{
		bool		has_ctid = (kind == RELKIND_RELATION || kind == RELKIND_MATVIEW ||
								kind == RELKIND_PARTITIONED_TABLE);

		if (has_ctid && pg_class_aclcheck(src->relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK)
		{
			src->key = ROWKEY_CTID;
			src->key_list = ", ctid, tableoid";
		}
		else
		{
			src->key = ROWKEY_POSITION;
			src->key_list = "";
		}
	}
	table_close(rel, NoLock);
}

/*
 * ERROR unless a target column (al.ridge_fit's, a ridge model's label) is
 * of a number type.
 */
void
model_check_target_type(const char *column, Oid type)
{
	if (type != INT2OID && type != INT4OID && type != INT8OID && type != FLOAT4OID &&
		type != FLOAT8OID && type != NUMERICOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("target column \"%s\" must be smallint, integer, bigint, real, double precision or numeric, not %s",
						column, format_type_be(type))));
}

/* ERROR unless the label column's type suits the family being trained. */
static void
check_label_type(const TrainSource *src, const char *label, Oid type)
{
	if (src->family == MODEL_RIDGE)
		model_check_target_type(label, type);
	else if (src->family == MODEL_OVR && type != TEXTARRAYOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("label column \"%s\" of a one-vs-rest model must be text[], not %s",
						label, format_type_be(type)),
				 errhint("Each row's labels are a set of classes, e.g. '{billing,urgent}'.")));
}

/*
 * Lock the table, then resolve and check its columns: nothing can change
 * them until the end of the transaction.  Also used for the target column
 * of al.ridge_fit (src/models/ridge_fit.c), as label.
 */
void
model_resolve_source(TrainSource *src, Oid relid, const char *id, const char *features,
					 const char *label)
{
	Oid			ftype;

	LockRelationOid(relid, AccessShareLock);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	src->relid = relid;
	src->relname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
											  get_rel_name(relid));
	ftype = model_column_type(relid, features);
	src->read_type = model_check_feature_type(features, ftype);
	check_label_type(src, label, model_column_type(relid, label));
	if (id != NULL)
	{
		check_id_type(id, model_column_type(relid, id));
		src->id = pstrdup(quote_identifier(id));
	}
	src->features = al_feature_select(quote_identifier(features), ftype);
	src->label = pstrdup(quote_identifier(label));
	choose_row_key(src);
}
