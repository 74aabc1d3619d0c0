/*
 * gen_data.c - deterministic benchmark data for al_ext, as PostgreSQL binary
 * COPY on stdout.  Every value is a pure function of (stream tag, row id,
 * index) through the splitmix64 finalizer, so the data do not depend on row
 * order, on the machine or on how many times the program runs.
 *
 *   u(tag, id, j)      = (splitmix64(splitmix64(tag * 2^32 + id) + j) >> 11
 *                         + 0.5) / 2^53                 uniform in (0, 1)
 *   n(tag, id, j)      = sqrt(-2 ln u(tag,id,2j)) cos(2 pi u(tag,id,2j+1))
 *                                                        standard normal
 *   logits z_c         = 2 n(tag, id, c)                 N(0, 2^2)
 *   p                  = softmax(z), rounded to float4   peaked, like a
 *                                                        classifier's output
 *
 * Usage:
 *   gen_data pool N CLASSES TAG
 *       rows (id bigint, grp int, p al.probvec), id = 1..N, grp = id % 100
 *   gen_data committee N CLASSES MEMBERS FEATURES TAG PROBVEC_OID
 *       rows (id bigint, p al.probvec, members al.probvec[], x real[]):
 *       p is the pool's distribution (same TAG as the pool: same base logits
 *       z), member m has logits z + n(TAG + 100 m, id, c) (a committee that
 *       mostly agrees), x are FEATURES values n(TAG + 1000, id, j).
 *   gen_data mixture N FEATURES CLASSES SEP SEED
 *       rows (id bigint, x real[], y int): the Gaussian mixture of
 *       bench/bench_train.c, exactly (same generator, src/core/al_rng.c,
 *       linked in): CLASSES means with each feature SEP * N(0, 1), then per
 *       row in id order a uniform class y (al_rng_below) and features =
 *       mean[y] + N(0, 1) (al_rng_normal), rounded to float4.  Unlike the
 *       modes above this is ONE sequential stream: row id depends on the
 *       rows before it, so the first n rows of a run with N > n are the
 *       rows of a run with N = n (1..100,000 of `mixture 1000000 64 10 0.35
 *       42` are bench_train's reference data set, doc/models.md).
 *       Build: add -Isrc/core src/core/al_rng.c to the compile line.
 *
 * Binary COPY: "PGCOPY\n\377\r\n\0", int32 flags, int32 header extension
 * length, then per row int16 field count and per field int32 length + value,
 * then int16 -1; everything big-endian.  al.probvec's binary form is int16
 * classes, int16 0, float4 values (src/probvec.c, probvec_send); an array is
 * int32 ndim, int32 has-nulls, oid element type, per dimension int32 size and
 * int32 lower bound, then per element int32 length + value.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "al_rng.h"

#define MAX_CLASSES 1000
#define MAX_MEMBERS 64
#define MAX_FEATURES 4096

static unsigned char *obuf;
static size_t olen, ocap;

static void
put(const void *p, size_t n)
{
	if (olen + n > ocap)
	{
		fwrite(obuf, 1, olen, stdout);
		olen = 0;
	}
	memcpy(obuf + olen, p, n);
	olen += n;
}

static void
put16(int v)
{
	unsigned char b[2] = {(unsigned char) (v >> 8), (unsigned char) v};

	put(b, 2);
}

static void
put32(uint32_t v)
{
	unsigned char b[4] = {v >> 24, v >> 16, v >> 8, v};

	put(b, 4);
}

static void
put64(uint64_t v)
{
	put32((uint32_t) (v >> 32));
	put32((uint32_t) v);
}

static void
putf4(float f)
{
	uint32_t	u;

	memcpy(&u, &f, 4);
	put32(u);
}

static uint64_t
splitmix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

static double
unif(uint64_t tag, uint64_t id, uint64_t j)
{
	uint64_t	h = splitmix64(splitmix64((tag << 32) + id) + j);

	return ((double) (h >> 11) + 0.5) / 9007199254740992.0;
}

static double
normal(uint64_t tag, uint64_t id, uint64_t j)
{
	double		u1 = unif(tag, id, 2 * j);
	double		u2 = unif(tag, id, 2 * j + 1);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static void
softmax(const double *z, int k, float *p)
{
	double		m = z[0], s = 0, e[MAX_CLASSES];
	int			c;

	for (c = 1; c < k; c++)
		if (z[c] > m)
			m = z[c];
	for (c = 0; c < k; c++)
		s += (e[c] = exp(z[c] - m));
	for (c = 0; c < k; c++)
		p[c] = (float) (e[c] / s);
}

static void
put_probvec(const float *p, int k)
{
	int			c;

	put32(4 + 4 * k);
	put16(k);
	put16(0);
	for (c = 0; c < k; c++)
		putf4(p[c]);
}

static void
header(void)
{
	put("PGCOPY\n\377\r\n\0", 11);
	put32(0);
	put32(0);
}

static void
trailer(void)
{
	put16(-1);
	fwrite(obuf, 1, olen, stdout);
	olen = 0;
}

static void
base_logits(uint64_t tag, uint64_t id, int k, double *z)
{
	int			c;

	for (c = 0; c < k; c++)
		z[c] = 2.0 * normal(tag, id, c);
}

static int
arg(char **argv, int i, long lo, long hi)
{
	char	   *end;
	long		v = strtol(argv[i], &end, 10);

	if (*end || v < lo || v > hi)
	{
		fprintf(stderr, "gen_data: argument %d (%s) must be in [%ld, %ld]\n", i, argv[i], lo, hi);
		exit(2);
	}
	return (int) v;
}

int
main(int argc, char **argv)
{
	double		z[MAX_CLASSES], zm[MAX_CLASSES];
	float		p[MAX_CLASSES];
	long		id, n;
	int			k, c;

	ocap = 1 << 20;
	obuf = malloc(ocap);
	if (argc == 5 && strcmp(argv[1], "pool") == 0)
	{
		int			tag;

		n = arg(argv, 2, 1, 100000000);
		k = arg(argv, 3, 2, MAX_CLASSES);
		tag = arg(argv, 4, 1, 100000);
		header();
		for (id = 1; id <= n; id++)
		{
			base_logits(tag, id, k, z);
			softmax(z, k, p);
			put16(3);
			put32(8);
			put64((uint64_t) id);
			put32(4);
			put32((uint32_t) (id % 100));
			put_probvec(p, k);
		}
		trailer();
	}
	else if (argc == 8 && strcmp(argv[1], "committee") == 0)
	{
		int			mem, nf, tag, m, j;
		uint32_t	pv_oid;

		n = arg(argv, 2, 1, 100000000);
		k = arg(argv, 3, 2, MAX_CLASSES);
		mem = arg(argv, 4, 1, MAX_MEMBERS);
		nf = arg(argv, 5, 1, MAX_FEATURES);
		tag = arg(argv, 6, 1, 100000);
		pv_oid = (uint32_t) strtoul(argv[7], NULL, 10);
		header();
		for (id = 1; id <= n; id++)
		{
			base_logits(tag, id, k, z);
			softmax(z, k, p);
			put16(4);
			put32(8);
			put64((uint64_t) id);
			put_probvec(p, k);
			/* members: array of probvec */
			put32(20 + mem * (4 + 4 + 4 * k));
			put32(1);			/* ndim */
			put32(0);			/* no nulls */
			put32(pv_oid);
			put32(mem);			/* size */
			put32(1);			/* lower bound */
			for (m = 1; m <= mem; m++)
			{
				for (c = 0; c < k; c++)
					zm[c] = z[c] + normal(tag + 100 * m, id, c);
				softmax(zm, k, p);
				put_probvec(p, k);
			}
			/* features: real[] */
			put32(20 + nf * 8);
			put32(1);
			put32(0);
			put32(700);			/* float4 */
			put32(nf);
			put32(1);
			for (j = 0; j < nf; j++)
			{
				put32(4);
				putf4((float) normal(tag + 1000, id, j));
			}
		}
		trailer();
	}
	else if (argc == 7 && strcmp(argv[1], "mixture") == 0)
	{
		int			nf, j, y;
		double		sep, *mu;
		al_rng		r;

		n = arg(argv, 2, 1, 100000000);
		nf = arg(argv, 3, 1, MAX_FEATURES);
		k = arg(argv, 4, 2, MAX_CLASSES);
		sep = atof(argv[5]);
		al_rng_seed(&r, strtoull(argv[6], NULL, 10));
		mu = malloc(sizeof(double) * k * nf);
		/* the order of the draws is bench_train.c's make_mixture */
		for (j = 0; j < k * nf; j++)
			mu[j] = sep * al_rng_normal(&r);
		header();
		for (id = 1; id <= n; id++)
		{
			y = (int) al_rng_below(&r, (uint64_t) k);
			put16(3);
			put32(8);
			put64((uint64_t) id);
			put32(20 + nf * 8);
			put32(1);
			put32(0);
			put32(700);			/* float4 */
			put32(nf);
			put32(1);
			for (j = 0; j < nf; j++)
			{
				put32(4);
				putf4((float) (mu[(size_t) y * nf + j] + al_rng_normal(&r)));
			}
			put32(4);
			put32((uint32_t) y);
		}
		trailer();
		free(mu);
	}
	else
	{
		fprintf(stderr,
				"usage: gen_data pool N CLASSES TAG\n"
				"       gen_data committee N CLASSES MEMBERS FEATURES TAG PROBVEC_OID\n"
				"       gen_data mixture N FEATURES CLASSES SEP SEED\n");
		return 2;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
