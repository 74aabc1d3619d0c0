/*
 * feature_cast.c - feature columns of any type with a cast to real[].
 *
 * Training, expected error reduction, backtests and learners read a
 * feature column as real[] or double precision[].  A column of another type
 * is read through its cast: a domain over real[] or double precision[] as
 * its base type (a relabeling, no code runs), any other type T (pgvector's
 * vector and halfvec, a user's composite type) by the statement
 * CAST(col AS pg_catalog.float4[]), which runs T's cast to real[] (the
 * function its owner declared, found by PostgreSQL from the two types'
 * oids, never through a search_path) on every row read.
 *
 * That cast is code of the type's owner, so it runs only where al_ext
 * already reads the table as a user: as the caller of al.train_model,
 * al.expected_error_reduction and al.backtest (al_become_caller), as the
 * learner's owner in rounds and labeling (al_become), never as the
 * extension's owner or the worker's superuser, always in a
 * security-restricted operation with a pinned search_path.  What it returns
 * is checked by the readers like any real[] (one dimension, length, no NULL
 * element, finite values).
 *
 * Refused: a cast WITHOUT FUNCTION from a type that is not an array of
 * floats, which would reinterpret the type's bytes as an array unchecked;
 * and PostgreSQL's automatic conversion of text (and other string types)
 * through real[]'s input function, which is no declared cast: a text
 * column passed as features is a mistake to report, not to parse.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "feature_cast.h"

/*
 * Whether pg_cast declares a cast from source (a domain: its base type) to
 * target (WITH FUNCTION, WITH INOUT or WITHOUT FUNCTION).
 */
static bool
cast_declared(Oid source, Oid target)
{
	return SearchSysCacheExists2(CASTSOURCETARGET, ObjectIdGetDatum(getBaseType(source)),
								 ObjectIdGetDatum(target));
}

/*
 * How PostgreSQL would convert a value of type source to target in an
 * explicit CAST, leaving out its automatic conversion of a string type
 * through target's input function (no cast is declared): a text column of
 * labels given as features is a mistake to report, not to parse.  An array
 * is converted element by element: its element type must have such a cast.
 */
static CoercionPathType
declared_path(Oid target, Oid source)
{
	Oid			funcid;
	CoercionPathType path = find_coercion_pathway(target, source, COERCION_EXPLICIT, &funcid);

	if (path == COERCION_PATH_COERCEVIAIO && !cast_declared(source, target))
		return COERCION_PATH_NONE;
	if (path == COERCION_PATH_ARRAYCOERCE &&
		declared_path(get_element_type(target), get_element_type(getBaseType(source))) ==
		COERCION_PATH_NONE)
		return COERCION_PATH_NONE;
	return path;
}

/*
 * The array type (real[] or double precision[]) al_ext's statements read a
 * feature column of this type as, or InvalidOid if it cannot read it.
 */
Oid
al_feature_read_type(Oid type)
{
	Oid			base = getBaseType(type);

	if (base == FLOAT4ARRAYOID || base == FLOAT8ARRAYOID)
		return base;
	switch (declared_path(FLOAT4ARRAYOID, type))
	{
		case COERCION_PATH_FUNC:
		case COERCION_PATH_ARRAYCOERCE:
		case COERCION_PATH_COERCEVIAIO:
			return FLOAT4ARRAYOID;
		case COERCION_PATH_NONE:
		case COERCION_PATH_RELABELTYPE:
			break;
	}
	return InvalidOid;
}

/*
 * Why a type that has a cast to real[] is refused anyway (for an error's
 * detail), or NULL.
 */
const char *
al_feature_refusal(Oid type)
{
	if (OidIsValid(al_feature_read_type(type)))
		return NULL;
	if (declared_path(FLOAT4ARRAYOID, type) == COERCION_PATH_RELABELTYPE)
		return "Its cast to real[] is binary-coercible (WITHOUT FUNCTION): it would reinterpret the type's bytes as an array unchecked.";
	return NULL;
}

/*
 * The read type of a feature column of this type; ERROR (42804) naming the
 * column if al_ext cannot read it.
 */
Oid
al_feature_check(const char *column, Oid type)
{
	Oid			read = al_feature_read_type(type);
	const char *refusal;

	if (OidIsValid(read))
		return read;
	refusal = al_feature_refusal(type);
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("feature column \"%s\" must be " AL_FEATURE_TYPES ", not %s",
					column, format_type_be(type)),
			 refusal ? errdetail("%s", refusal) : 0));
	return InvalidOid;			/* not reached */
}

/*
 * The SQL expression that reads expr (a quoted column reference of this
 * type, one al_feature_read_type accepts) as its read type: expr itself
 * for real[] and double precision[], else a CAST to the schema-qualified
 * read type.
 */
char *
al_feature_select(const char *expr, Oid type)
{
	Oid			read = al_feature_read_type(type);

	if (read == type)
		return pstrdup(expr);
	if (read == FLOAT4ARRAYOID)
		return psprintf("CAST(%s AS pg_catalog.float4[])", expr);
	if (read == FLOAT8ARRAYOID)
		return psprintf("CAST(%s AS pg_catalog.float8[])", expr);
	elog(ERROR, "features of type %s cannot be read", format_type_be(type));
	return NULL;				/* not reached */
}
