/*
 * select_keys.c - exploration keys in SQL: al.gumbel_key(score,
 * temperature, seed, id) and al.gumbel_power_key(score, power, seed, id),
 * for bigint, text and uuid ids.  ORDER BY key DESC LIMIT k is a seeded
 * sample without replacement with probabilities proportional to
 * softmax(score / temperature) or score^power (src/core/select_explore.c).
 * A key depends only on (score, parameter, seed, id): IMMUTABLE.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/uuid.h"

#include "select_glue.h"

PG_FUNCTION_INFO_V1(al_gumbel_key_bigint);
PG_FUNCTION_INFO_V1(al_gumbel_key_text);
PG_FUNCTION_INFO_V1(al_gumbel_key_uuid);
PG_FUNCTION_INFO_V1(al_gumbel_power_key_bigint);
PG_FUNCTION_INFO_V1(al_gumbel_power_key_text);
PG_FUNCTION_INFO_V1(al_gumbel_power_key_uuid);

/* The 64-bit id of argument 3: the bigint itself, or a hash of the bytes. */
static uint64
key_id(FunctionCallInfo fcinfo, char idtype)
{
	if (idtype == 'b')
		return (uint64) PG_GETARG_INT64(3);
	if (idtype == 'u')
		return al_sel_hash_bytes(PG_GETARG_UUID_P(3)->data, UUID_LEN);
	{
		text	   *t = PG_GETARG_TEXT_PP(3);

		return al_sel_hash_bytes(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
}

/*
 * The key of one row (power: score^power weights, else softmax with a
 * temperature); errors name the offending value.
 */
static Datum
key_common(FunctionCallInfo fcinfo, char idtype, bool power)
{
	double		score = PG_GETARG_FLOAT8(0);
	double		param = PG_GETARG_FLOAT8(1);
	uint64		seed = (uint64) PG_GETARG_INT64(2);
	double		key;
	al_sel_status st;

	st = power ? al_sel_gumbel_power_key(score, param, seed, key_id(fcinfo, idtype), &key)
		: al_sel_gumbel_key(score, param, seed, key_id(fcinfo, idtype), &key);
	if (st == AL_SEL_OK)
		PG_RETURN_FLOAT8(key);
	if (st == AL_SEL_NONFINITE_SCORE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("score is not finite: %s", float8out_internal(score))));
	if (st == AL_SEL_NEGATIVE_SCORE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a power key needs a score of at least 0"),
				 errdetail("score is %s.", float8out_internal(score))));
	if (power)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("power must be a finite number of at least 0"),
				 errdetail("power is %s.", float8out_internal(param))));
	if (param > 0 && isfinite(param))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("score / temperature is out of range for type double precision"),
				 errdetail("score is %s and temperature %s.", float8out_internal(score),
						   float8out_internal(param))));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("temperature must be a finite number greater than 0"),
			 errdetail("temperature is %s.", float8out_internal(param))));
	PG_RETURN_NULL();			/* not reached */
}

/* al.gumbel_key(score, temperature, seed, id bigint). */
Datum
al_gumbel_key_bigint(PG_FUNCTION_ARGS)
{
	return key_common(fcinfo, 'b', false);
}

/* al.gumbel_key(score, temperature, seed, id text): id hashed by its bytes. */
Datum
al_gumbel_key_text(PG_FUNCTION_ARGS)
{
	return key_common(fcinfo, 't', false);
}

/* al.gumbel_key(score, temperature, seed, id uuid). */
Datum
al_gumbel_key_uuid(PG_FUNCTION_ARGS)
{
	return key_common(fcinfo, 'u', false);
}

/* al.gumbel_power_key(score, power, seed, id bigint). */
Datum
al_gumbel_power_key_bigint(PG_FUNCTION_ARGS)
{
	return key_common(fcinfo, 'b', true);
}

/* al.gumbel_power_key(score, power, seed, id text). */
Datum
al_gumbel_power_key_text(PG_FUNCTION_ARGS)
{
	return key_common(fcinfo, 't', true);
}

/* al.gumbel_power_key(score, power, seed, id uuid). */
Datum
al_gumbel_power_key_uuid(PG_FUNCTION_ARGS)
{
	return key_common(fcinfo, 'u', true);
}
