/*
 * al_rng.h - small deterministic random number generator for src/core.
 *
 * xoshiro256** (Blackman and Vigna) seeded through splitmix64.  The same
 * seed gives the same stream on every platform, which is what makes
 * bootstrap committees and holdout splits reproducible.  Not for
 * cryptography.
 */
#ifndef AL_RNG_H
#define AL_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct al_rng
{
	uint64_t	s[4];
} al_rng;

/* Seed from one 64-bit value (expanded with splitmix64). */
extern void al_rng_seed(al_rng *r, uint64_t seed);

/*
 * Seed stream number `stream` of `seed`: distinct streams of one seed get
 * distinct states (used for committee member m of seed s).
 */
extern void al_rng_seed_stream(al_rng *r, uint64_t seed, uint64_t stream);

/* Next 64 random bits. */
extern uint64_t al_rng_next(al_rng *r);

/* Uniform double in [0, 1) with 53 random bits. */
extern double al_rng_uniform(al_rng *r);

/* Uniform integer in [0, n), unbiased (rejection); returns 0 when n == 0. */
extern uint64_t al_rng_below(al_rng *r, uint64_t n);

/* Standard normal deviate (polar Box-Muller, one value per call). */
extern double al_rng_normal(al_rng *r);

/* Fisher-Yates shuffle of a[0..n-1] in place. */
extern void al_rng_shuffle_int(al_rng *r, int *a, size_t n);

/*
 * Choose k distinct indices of 0..n-1 uniformly (every k-subset equally
 * likely), written to out[0..k-1] in increasing order; k is clamped to n.
 * Returns the number written.  O(n) time, no extra memory (selection
 * sampling, Knuth's Algorithm S).
 */
extern size_t al_rng_sample(al_rng *r, size_t n, size_t k, int *out);

#endif							/* AL_RNG_H */
