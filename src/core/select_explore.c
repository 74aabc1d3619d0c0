/*
 * select_explore.c - exploration keys: a per-row key that depends only on
 * (seed, id), so that ORDER BY key DESC is a seeded weighted sample without
 * replacement (Gumbel-top-k; Vieira 2014, Kool et al. 2019).  See select.h
 * and doc/selection.md.
 */
#include <math.h>
#include <stddef.h>

#include "al_rng.h"
#include "select.h"

/* FNV-1a over the bytes; al_sel_key_uniform mixes it further. */
uint64_t
al_sel_hash_bytes(const void *bytes, size_t len)
{
	const unsigned char *b = bytes;
	uint64_t	h = UINT64_C(0xcbf29ce484222325);

	for (size_t i = 0; i < len; i++)
	{
		h ^= b[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/*
 * The first output of al_rng stream `id` of `seed`, as (bits + 1/2) / 2^53:
 * strictly inside (0, 1), so both logarithms of the Gumbel draw are finite.
 */
double
al_sel_key_uniform(uint64_t seed, uint64_t id)
{
	al_rng		r;

	al_rng_seed_stream(&r, seed, id);
	return ((double) (al_rng_next(&r) >> 11) + 0.5) * 0x1.0p-53;
}

/* A standard Gumbel draw -ln(-ln U) for (seed, id). */
static double
gumbel(uint64_t seed, uint64_t id)
{
	return -log(-log(al_sel_key_uniform(seed, id)));
}

al_sel_status
al_sel_gumbel_key(double score, double temperature, uint64_t seed,
				  uint64_t id, double *key)
{
	double		z;

	if (key == NULL)
		return AL_SEL_NULL_ARG;
	if (!isfinite(score))
		return AL_SEL_NONFINITE_SCORE;
	if (!(temperature > 0) || !isfinite(temperature))
		return AL_SEL_BAD_PARAM;
	z = score / temperature;
	if (!isfinite(z))
		return AL_SEL_BAD_PARAM;
	*key = z + gumbel(seed, id);
	return AL_SEL_OK;
}

al_sel_status
al_sel_gumbel_power_key(double score, double power, uint64_t seed,
						uint64_t id, double *key)
{
	if (key == NULL)
		return AL_SEL_NULL_ARG;
	if (!isfinite(score))
		return AL_SEL_NONFINITE_SCORE;
	if (score < 0)
		return AL_SEL_NEGATIVE_SCORE;
	if (!(power >= 0) || !isfinite(power))
		return AL_SEL_BAD_PARAM;
	if (power == 0)
		*key = gumbel(seed, id);
	else if (score == 0)
		*key = -INFINITY;
	else
		*key = power * log(score) + gumbel(seed, id);
	return AL_SEL_OK;
}
