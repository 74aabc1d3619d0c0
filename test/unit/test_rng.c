/*
 * test_rng.c - unit tests of al_rng: published test vectors, determinism,
 * rough uniformity, shuffle and sampling.
 */
#include "al_rng.h"
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>

/*
 * xoshiro256** from the state {1, 2, 3, 4}: the first outputs of the
 * reference implementation (worked by hand from the published algorithm:
 * 2*5 = 10, rotl 7 = 1280, *9 = 11520; the second output is 0 because the
 * state word s[1] becomes 0 after one step).
 */
static void
test_reference_state(void)
{
	al_rng		r;

	r.s[0] = 1;
	r.s[1] = 2;
	r.s[2] = 3;
	r.s[3] = 4;
	UNIT_CHECK(al_rng_next(&r) == UINT64_C(11520), "xoshiro256** {1,2,3,4} output 1");
	UNIT_CHECK(al_rng_next(&r) == UINT64_C(0), "xoshiro256** {1,2,3,4} output 2");
	UNIT_CHECK(al_rng_next(&r) == UINT64_C(1509978240), "xoshiro256** {1,2,3,4} output 3");
}

/*
 * Seeding: the state is four splitmix64 outputs; for seed 0 these are the
 * published splitmix64 values.  The first outputs for seeds 0 and 42 were
 * computed by an independent implementation (Python big integers).
 */
static void
test_seeded_outputs(void)
{
	al_rng		r;

	al_rng_seed(&r, 0);
	UNIT_CHECK(r.s[0] == UINT64_C(0xe220a8397b1dcdaf) &&
			   r.s[1] == UINT64_C(0x6e789e6aa1b965f4) &&
			   r.s[2] == UINT64_C(0x06c45d188009454f) &&
			   r.s[3] == UINT64_C(0xf88bb8a8724c81ec),
			   "seed 0 state is splitmix64(0) outputs 1-4");
	UNIT_CHECK(al_rng_next(&r) == UINT64_C(0x99ec5f36cb75f2b4) &&
			   al_rng_next(&r) == UINT64_C(0xbf6e1f784956452a) &&
			   al_rng_next(&r) == UINT64_C(0x1a5f849d4933e6e0),
			   "seed 0 first outputs");
	al_rng_seed(&r, 42);
	UNIT_CHECK(al_rng_next(&r) == UINT64_C(0x15780b2e0c2ec716) &&
			   al_rng_next(&r) == UINT64_C(0x6104d9866d113a7e) &&
			   al_rng_next(&r) == UINT64_C(0xae17533239e499a1),
			   "seed 42 first outputs");
}

/* Same seed, same stream; different seed or stream, different stream. */
static void
test_determinism(void)
{
	al_rng		a,
				b,
				c;
	int			i,
				same = 1,
				diff = 0;

	al_rng_seed(&a, 7);
	al_rng_seed(&b, 7);
	al_rng_seed(&c, 8);
	for (i = 0; i < 1000; i++)
	{
		uint64_t	x = al_rng_next(&a);

		same &= (x == al_rng_next(&b));
		diff += (x != al_rng_next(&c));
	}
	UNIT_CHECK(same, "same seed gives the same 1000 outputs");
	UNIT_CHECK(diff > 990, "another seed gives another stream");

	same = 1;
	al_rng_seed_stream(&a, 5, 3);
	al_rng_seed_stream(&b, 5, 3);
	for (i = 0; i < 100; i++)
		same &= (al_rng_next(&a) == al_rng_next(&b));
	UNIT_CHECK(same, "same (seed, stream) gives the same outputs");
	diff = 0;
	for (i = 0; i < 64; i++)
	{
		al_rng_seed_stream(&a, 5, (uint64_t) i);
		al_rng_seed_stream(&b, 5, (uint64_t) i + 1);
		diff += (al_rng_next(&a) != al_rng_next(&b));
	}
	UNIT_CHECK(diff == 64, "neighbouring streams differ");
}

/* Uniform doubles: range, mean 1/2, variance 1/12, and a 10-bin chi-square. */
static void
test_uniform(void)
{
	al_rng		r;
	int			i,
				n = 200000,
				bins[10] = {0},
				in_range = 1;
	double		sum = 0,
				sumsq = 0,
				chi2 = 0;

	al_rng_seed(&r, 123);
	for (i = 0; i < n; i++)
	{
		double		u = al_rng_uniform(&r);

		in_range &= (u >= 0.0 && u < 1.0);
		sum += u;
		sumsq += u * u;
		bins[(int) (u * 10)]++;
	}
	for (i = 0; i < 10; i++)
		chi2 += (bins[i] - n / 10.0) * (bins[i] - n / 10.0) / (n / 10.0);
	UNIT_CHECK(in_range, "uniform in [0,1)");
	UNIT_CLOSE(sum / n, 0.5, 0.005, "uniform mean");
	UNIT_CLOSE(sumsq / n - (sum / n) * (sum / n), 1.0 / 12, 0.002, "uniform variance");
	/* 9 degrees of freedom: P(chi2 > 27.9) = 0.001 */
	UNIT_CHECK(chi2 < 27.9, "uniform 10-bin chi-square");
}

/* below(n): in range, every value hit about equally, n = 0 and 1 safe. */
static void
test_below(void)
{
	al_rng		r;
	int			i,
				counts[7] = {0},
				ok = 1;
	double		chi2 = 0;

	al_rng_seed(&r, 99);
	for (i = 0; i < 70000; i++)
	{
		uint64_t	x = al_rng_below(&r, 7);

		if (x >= 7)
			ok = 0;
		else
			counts[x]++;
	}
	for (i = 0; i < 7; i++)
		chi2 += (counts[i] - 10000.0) * (counts[i] - 10000.0) / 10000.0;
	UNIT_CHECK(ok, "below(7) in range");
	/* 6 degrees of freedom: P(chi2 > 22.5) = 0.001 */
	UNIT_CHECK(chi2 < 22.5, "below(7) chi-square");
	UNIT_CHECK(al_rng_below(&r, 0) == 0 && al_rng_below(&r, 1) == 0, "below(0) and below(1) are 0");
	ok = 1;
	for (i = 0; i < 1000; i++)
		ok &= (al_rng_below(&r, UINT64_C(0x8000000000000001)) < UINT64_C(0x8000000000000001));
	UNIT_CHECK(ok, "below(2^63+1) in range (rejection path)");
}

/* Normal deviates: mean 0, variance 1. */
static void
test_normal(void)
{
	al_rng		r;
	int			i,
				n = 100000;
	double		sum = 0,
				sumsq = 0;

	al_rng_seed(&r, 5);
	for (i = 0; i < n; i++)
	{
		double		z = al_rng_normal(&r);

		sum += z;
		sumsq += z * z;
	}
	UNIT_CLOSE(sum / n, 0.0, 0.02, "normal mean");
	UNIT_CLOSE(sumsq / n, 1.0, 0.02, "normal variance");
}

/* A shuffle is a permutation, deterministic, and every position is mixed. */
static void
test_shuffle(void)
{
	al_rng		r;
	int			a[50],
				b[50],
				seen[50] = {0},
				i,
				t,
				perm = 1,
				moved = 0,
				first_counts[5] = {0};

	for (i = 0; i < 50; i++)
		a[i] = b[i] = i;
	al_rng_seed(&r, 1);
	al_rng_shuffle_int(&r, a, 50);
	al_rng_seed(&r, 1);
	al_rng_shuffle_int(&r, b, 50);
	for (i = 0; i < 50; i++)
	{
		if (a[i] < 0 || a[i] >= 50 || seen[a[i]]++)
			perm = 0;
		moved += (a[i] != i);
	}
	UNIT_CHECK(perm, "shuffle gives a permutation");
	UNIT_CHECK(memcmp(a, b, sizeof(a)) == 0, "shuffle is deterministic");
	UNIT_CHECK(moved > 40, "shuffle moves most elements");

	/* each of 5 elements lands first about 1/5 of the time */
	al_rng_seed(&r, 2);
	for (t = 0; t < 50000; t++)
	{
		int			c[5] = {0, 1, 2, 3, 4};

		al_rng_shuffle_int(&r, c, 5);
		first_counts[c[0]]++;
	}
	perm = 1;
	for (i = 0; i < 5; i++)
		perm &= (abs(first_counts[i] - 10000) < 500);
	UNIT_CHECK(perm, "shuffle first position is uniform");
	al_rng_shuffle_int(&r, a, 0);
	al_rng_shuffle_int(&r, a, 1);
	UNIT_CHECK(1, "shuffle of 0 and 1 elements is safe");
}

/* Sampling k of n: sorted, distinct, k clamped, each index equally likely. */
static void
test_sample(void)
{
	al_rng		r;
	int			out[100],
				hits[20] = {0},
				i,
				t,
				ok = 1;
	size_t		m;

	al_rng_seed(&r, 3);
	m = al_rng_sample(&r, 100, 30, out);
	for (i = 1; i < (int) m; i++)
		ok &= (out[i] > out[i - 1]);
	UNIT_CHECK(m == 30 && ok && out[0] >= 0 && out[29] < 100, "sample 30 of 100: sorted distinct in range");
	m = al_rng_sample(&r, 10, 25, out);
	ok = (m == 10);
	for (i = 0; i < 10; i++)
		ok &= (out[i] == i);
	UNIT_CHECK(ok, "sample k > n returns all n");
	UNIT_CHECK(al_rng_sample(&r, 10, 0, out) == 0 && al_rng_sample(&r, 0, 3, out) == 0, "sample of 0 is empty");

	for (t = 0; t < 20000; t++)
	{
		m = al_rng_sample(&r, 20, 5, out);
		for (i = 0; i < (int) m; i++)
			hits[out[i]]++;
	}
	/* each index: 20000 * 5/20 = 5000 expected, sd about 61 */
	ok = 1;
	for (i = 0; i < 20; i++)
		ok &= (abs(hits[i] - 5000) < 300);
	UNIT_CHECK(ok, "sample includes every index equally often");
}

/* Run every check and print the TAP plan. */
int
main(void)
{
	test_reference_state();
	test_seeded_outputs();
	test_determinism();
	test_uniform();
	test_below();
	test_normal();
	test_shuffle();
	test_sample();
	return unit_done();
}
