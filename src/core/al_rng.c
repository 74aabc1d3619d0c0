/*
 * al_rng.c - xoshiro256** seeded with splitmix64.  See al_rng.h.
 */
#include "al_rng.h"

#include <math.h>

/* One splitmix64 step: advance *x and return the mixed output. */
static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t	z;

	*x += UINT64_C(0x9E3779B97F4A7C15);
	z = *x;
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Rotate left by k bits (0 < k < 64). */
static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/*
 * Fill the four state words from consecutive splitmix64 outputs, as the
 * xoshiro authors recommend; the state is never all zero in practice.
 */
void
al_rng_seed(al_rng *r, uint64_t seed)
{
	uint64_t	x = seed;
	int			i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

/*
 * Stream m of seed s: the seed word is splitmix64(s) xor m * an odd
 * constant, a bijection in m, so distinct streams start from distinct seeds.
 */
void
al_rng_seed_stream(al_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t	x = seed;
	uint64_t	h = splitmix64(&x);

	al_rng_seed(r, h ^ (stream * UINT64_C(0xD1B54A32D192ED03)));
}

/* xoshiro256**: output from s[1], then advance the linear state. */
uint64_t
al_rng_next(al_rng *r)
{
	uint64_t   *s = r->s;
	uint64_t	result = rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Top 53 bits scaled to [0, 1). */
double
al_rng_uniform(al_rng *r)
{
	return (double) (al_rng_next(r) >> 11) * 0x1.0p-53;
}

/*
 * Unbiased integer below n: reject draws under 2^64 mod n, so that the
 * accepted range is a whole number of copies of 0..n-1.
 */
uint64_t
al_rng_below(al_rng *r, uint64_t n)
{
	uint64_t	threshold,
				x;

	if (n == 0)
		return 0;
	threshold = (0 - n) % n;	/* == 2^64 mod n */
	for (;;)
	{
		x = al_rng_next(r);
		if (x >= threshold)
			return x % n;
	}
}

/* Marsaglia's polar method; the second deviate is discarded (no state). */
double
al_rng_normal(al_rng *r)
{
	double		u,
				v,
				s;

	do
	{
		u = 2.0 * al_rng_uniform(r) - 1.0;
		v = 2.0 * al_rng_uniform(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	return u * sqrt(-2.0 * log(s) / s);
}

/* Fisher-Yates: position i takes a uniform pick of positions 0..i. */
void
al_rng_shuffle_int(al_rng *r, int *a, size_t n)
{
	size_t		i,
				j;
	int			t;

	for (i = n; i > 1; i--)
	{
		j = (size_t) al_rng_below(r, (uint64_t) i);
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/*
 * Selection sampling: index t is taken with probability
 * (still needed) / (still available), drawn exactly as an integer.
 */
size_t
al_rng_sample(al_rng *r, size_t n, size_t k, int *out)
{
	size_t		t,
				m = 0;

	if (k > n)
		k = n;
	for (t = 0; t < n && m < k; t++)
	{
		if (al_rng_below(r, (uint64_t) (n - t)) < (uint64_t) (k - m))
			out[m++] = (int) t;
	}
	return m;
}
