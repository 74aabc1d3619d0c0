/*
 * test_probvec_ingest.c - unit tests of the ingestion kernels: tolerant
 * acceptance with renormalization, class lists, label-token
 * log-probabilities.  Expected values are computed by hand (in comments)
 * or by a separate formula in the test.
 */
#include <float.h>
#include <stdlib.h>

#include "probvec_ingest.h"
#include "unit.h"

/* Accept doubles (rounded to float as the glue does) with a tolerance. */
static al_pv_status
accept(const double *d, int n, double tol, int renorm, float *out, al_pv_error *err)
{
	float	   *r = malloc(sizeof(float) * (n > 0 ? n : 1));
	al_pv_status st;
	int			i;

	for (i = 0; i < n; i++)
		r[i] = (float) d[i];
	st = al_pv_accept(d, r, n, tol, renorm, out, err);
	free(r);
	return st;
}

/* Tolerances: [0, 1), finite. */
static void
test_tolerance(void)
{
	UNIT_CHECK(al_pv_tolerance_valid(0.0) && al_pv_tolerance_valid(0.05) &&
			   al_pv_tolerance_valid(0.999), "tolerances 0, 0.05, 0.999 are valid");
	UNIT_CHECK(!al_pv_tolerance_valid(1.0) && !al_pv_tolerance_valid(-0.01) &&
			   !al_pv_tolerance_valid(NAN) && !al_pv_tolerance_valid(INFINITY),
			   "tolerances 1, -0.01, NaN, Infinity are not");
}

/* Values that almost sum to 1: renormalized within the tolerance, refused beyond. */
static void
test_accept(void)
{
	double		thirds[] = {0.33, 0.33, 0.33};
	double		exact[] = {0.25, 0.75};
	double		edge[] = {0.7, 0.29};
	double		close[] = {0.5, 0.4995};
	double		one[] = {0.97};
	double		neg[] = {0.5, -0.01, 0.51};
	double		big[] = {0.5, 1.5};
	double		nan[] = {NAN, 1.0};
	double		huge[] = {1e300, 0.0};
	double		denorm[] = {1.0, 1.4e-45, 0.0};
	double		zeros[] = {0.0, 0.0};
	float		out[4];
	al_pv_error err;
	double		s;

	/* 0.33f * 3 in double: 0.99000003933906555 */
	s = 3.0 * (double) 0.33f;
	UNIT_CHECK(accept(thirds, 3, 0.05, 1, out, &err) == AL_PV_OK, "0.33 x 3 within 0.05");
	UNIT_CHECK(out[0] == (float) ((double) 0.33f / s) && out[0] == out[2],
			   "each renormalized to 0.33f / sum");
	UNIT_CHECK(fabs((double) out[0] - 1.0 / 3.0) < 1e-7, "which is 1/3 to float precision");
	UNIT_CHECK(accept(thirds, 3, 0.001, 1, out, &err) == AL_PV_BAD_SUM &&
			   err.value == s, "beyond 0.001: bad sum naming the sum");
	/*
	 * the sum is of the float4-rounded values: 0.7f + 0.29f =
	 * 0.98999997973, 0.0100000203 off, beyond 0.01 (the decimals are at it)
	 */
	UNIT_CHECK(accept(edge, 2, 0.01, 1, out, &err) == AL_PV_BAD_SUM &&
			   err.value == (double) 0.7f + (double) 0.29f && err.value < 0.99,
			   "the boundary is decided by the sum of the stored floats");
	UNIT_CHECK(accept(edge, 2, 0.0101, 1, out, &err) == AL_PV_OK, "and accepted just beyond it");
	UNIT_CHECK(accept(exact, 2, 0.05, 0, out, &err) == AL_PV_OK && out[0] == 0.25f && out[1] == 0.75f,
			   "without renormalize the values are kept");
	UNIT_CHECK(accept(close, 2, 0.05, 1, out, &err) == AL_PV_OK && out[0] == 0.5f && out[1] == 0.4995f,
			   "a sum within 1e-3 (0.9995) is kept as given, bit for bit");
	UNIT_CHECK(accept(one, 1, 0.05, 1, out, &err) == AL_PV_OK && out[0] == 1.0f, "1 class: 0.97 becomes 1");
	UNIT_CHECK(accept(one, 1, 0.01, 1, out, &err) == AL_PV_BAD_SUM, "1 class: 0.97 refused at 0.01");
	UNIT_CHECK(accept(neg, 3, 0.05, 1, out, &err) == AL_PV_OUT_OF_RANGE && err.position == 2 &&
			   err.value == -0.01, "negative: out of range at 2");
	UNIT_CHECK(accept(big, 2, 0.05, 1, out, &err) == AL_PV_OUT_OF_RANGE && err.position == 2 &&
			   err.value == 1.5, "above 1: out of range at 2");
	UNIT_CHECK(accept(nan, 2, 0.05, 1, out, &err) == AL_PV_NOT_FINITE && err.position == 1, "NaN: not finite");
	UNIT_CHECK(accept(huge, 2, 0.05, 1, out, &err) == AL_PV_OUT_OF_RANGE && err.value == 1e300,
			   "1e300: out of range, named in double");
	UNIT_CHECK(accept(denorm, 3, 0.0, 1, out, &err) == AL_PV_OK && out[1] == 1.4e-45f && out[1] > 0.0f,
			   "a denormal value survives renormalization by a sum of 1");
	UNIT_CHECK(accept(zeros, 2, 0.999, 1, out, &err) == AL_PV_BAD_SUM && err.value == 0.0,
			   "all zeros: bad sum 0, never a division by 0");
	UNIT_CHECK(accept(zeros, 0, 0.05, 1, out, &err) == AL_PV_EMPTY, "no value: empty");
}

/* 32767 classes (the limit) and 32768. */
static void
test_accept_limits(void)
{
	int			n = AL_PROBVEC_MAX_CLASSES + 1;
	double	   *d = malloc(sizeof(double) * n);
	float	   *out = malloc(sizeof(float) * n);
	al_pv_error err;
	double		sum = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		d[i] = 0.00003;			/* 32767 * 0.00003 = 0.98301 */
	UNIT_CHECK(accept(d, n - 1, 0.02, 1, out, &err) == AL_PV_OK, "32767 classes of 0.00003 within 0.02");
	for (i = 0; i < n - 1; i++)
		sum += out[i];
	UNIT_CHECK(fabs(sum - 1.0) < 1e-4 && fabs(out[0] - 1.0 / 32767) < 1e-9, "renormalized to 1/32767 each");
	UNIT_CHECK(accept(d, n, 0.02, 1, out, &err) == AL_PV_TOO_MANY, "32768 classes: too many");
	free(d);
	free(out);
}

/* Fill names from C strings. */
static void
make_names(al_class_name *names, const char *const *s, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		names[i].name = s[i];
		names[i].len = (int) strlen(s[i]);
		names[i].index = i;
	}
}

/* Class lists: lookup, case, trim, prefixes, duplicates. */
static void
test_class_names(void)
{
	const char *const list[] = {"bug", "billing", "b", "Bug", "", "feature request"};
	const char *const dup[] = {"a", "b", "c", "b", "a"};
	al_class_name names[6];
	al_pv_error err;

	make_names(names, list, 6);
	UNIT_CHECK(al_pv_class_names_sort(names, 6, &err) == AL_PV_OK, "distinct names sort");
	UNIT_CHECK(al_pv_class_find(names, 6, "bug", 3, 0) == 0 && al_pv_class_find(names, 6, "billing", 7, 0) == 1 &&
			   al_pv_class_find(names, 6, "b", 1, 0) == 2 && al_pv_class_find(names, 6, "Bug", 3, 0) == 3 &&
			   al_pv_class_find(names, 6, "", 0, 0) == 4 &&
			   al_pv_class_find(names, 6, "feature request", 15, 0) == 5, "each name found at its position");
	UNIT_CHECK(al_pv_class_find(names, 6, "BUG", 3, 0) == -1 && al_pv_class_find(names, 6, "bu", 2, 0) == -1 &&
			   al_pv_class_find(names, 6, "bugs", 4, 0) == -1, "case-sensitive, no prefix match");
	UNIT_CHECK(al_pv_class_find(names, 6, " bug", 4, 0) == -1 && al_pv_class_find(names, 6, " bug", 4, 1) == 0,
			   "a leading space matches only with trim");
	UNIT_CHECK(al_pv_class_find(names, 6, "\t billing\n ", 11, 1) == 1 &&
			   al_pv_class_find(names, 6, " feature request ", 17, 1) == 5, "trim: both ends, inner space kept");
	UNIT_CHECK(al_pv_class_find(names, 6, "   ", 3, 1) == 4, "trim: white space alone is the empty class");
	make_names(names, dup, 5);
	UNIT_CHECK(al_pv_class_names_sort(names, 5, &err) == AL_PV_DUP_CLASS && err.name_len == 1 &&
			   err.name[0] == 'a' && err.position == 5 && err.value == 1, "duplicate \"a\" at 5, first at 1");
	make_names(names, dup, 4);
	UNIT_CHECK(al_pv_class_names_sort(names, 4, &err) == AL_PV_DUP_CLASS && err.name[0] == 'b' &&
			   err.position == 4 && err.value == 2, "duplicate \"b\" at 4, first at 2");
	make_names(names, dup, 1);
	UNIT_CHECK(al_pv_class_names_sort(names, 1, &err) == AL_PV_OK && al_pv_class_find(names, 1, "a", 1, 0) == 0,
			   "one class");
	UNIT_CHECK(al_pv_class_find(names, 0, "a", 1, 0) == -1, "no class: nothing found");
}

/* Log-probabilities, renormalized over the classes (the default). */
static void
test_logprobs_renormalize(void)
{
	/* tokens: billing -0.2, bug -2.3, "The" -3 (no class), " bug" -4 (bug) */
	double		lp[] = {-0.2, -2.3, -3.0, -4.0};
	int			cls[] = {0, 1, -1, 1};
	double		mass[3];
	float		out[3];
	al_pv_error err;
	double		b = exp(-0.2),
				g = exp(-2.3) + exp(-4.0);

	UNIT_CHECK(al_pv_from_logprobs(lp, cls, 4, 3, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) == AL_PV_OK,
			   "renormalize");
	UNIT_CLOSE(out[0], b / (b + g), 1e-7, "billing: e^-0.2 / (e^-0.2 + e^-2.3 + e^-4)");
	UNIT_CLOSE(out[1], g / (b + g), 1e-7, "bug: both of its tokens add up");
	UNIT_CHECK(out[2] == 0.0f, "a class without token gets 0");
	{
		double		far[] = {-1000.0, -1001.0};
		int			fc[] = {0, 1};

		UNIT_CHECK(al_pv_from_logprobs(far, fc, 2, 2, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) == AL_PV_OK,
				   "log-probabilities of -1000 (exp underflows) still renormalize");
		UNIT_CLOSE(out[0], 1.0 / (1.0 + exp(-1.0)), 1e-7, "-1000 vs -1001: 1 / (1 + e^-1)");
	}
	{
		double		inf[] = {-INFINITY, -0.5};
		int			ic[] = {0, 1};

		UNIT_CHECK(al_pv_from_logprobs(inf, ic, 2, 2, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) == AL_PV_OK &&
				   out[0] == 0.0f && out[1] == 1.0f, "-Infinity is probability 0");
		inf[1] = -INFINITY;
		UNIT_CHECK(al_pv_from_logprobs(inf, ic, 2, 2, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) ==
				   AL_PV_ZERO_MASS, "all -Infinity: zero mass");
	}
	{
		double		none[] = {-0.1, -2.0};
		int			nc[] = {-1, -1};

		UNIT_CHECK(al_pv_from_logprobs(none, nc, 2, 2, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) ==
				   AL_PV_NO_CLASS_TOKEN && err.position == 2, "no token is a class: names the 2 tokens");
		UNIT_CHECK(al_pv_from_logprobs(none, nc, 0, 2, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) ==
				   AL_PV_NO_CLASS_TOKEN && err.position == 0, "no token at all");
	}
	{
		double		bad[] = {-0.1, 0.2};
		int			bc[] = {0, 1};

		UNIT_CHECK(al_pv_from_logprobs(bad, bc, 2, 2, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) ==
				   AL_PV_LOGPROB_RANGE && err.position == 2 && err.value == 0.2, "a positive log-probability");
		bad[1] = NAN;
		UNIT_CHECK(al_pv_from_logprobs(bad, bc, 2, 2, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) ==
				   AL_PV_LOGPROB_RANGE && err.position == 2, "a NaN log-probability");
		bad[1] = INFINITY;
		UNIT_CHECK(al_pv_from_logprobs(bad, bc, 2, 2, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) ==
				   AL_PV_LOGPROB_RANGE, "+Infinity");
		bad[1] = -0.0;
		UNIT_CHECK(al_pv_from_logprobs(bad, bc, 2, 2, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) == AL_PV_OK,
				   "-0 is log-probability 0");
		bad[1] = -DBL_MIN / 4;
		UNIT_CHECK(al_pv_from_logprobs(bad, bc, 2, 2, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) == AL_PV_OK,
				   "a denormal log-probability");
	}
}

/* The mass not on a class into an explicit class. */
static void
test_logprobs_other(void)
{
	/* classes billing, bug, other; tokens billing -0.2, "The" -3, bug -2.3 */
	double		lp[] = {-0.2, -3.0, -2.3};
	int			cls[] = {0, -1, 1};
	double		mass[3];
	float		out[3];
	al_pv_error err;

	UNIT_CHECK(al_pv_from_logprobs(lp, cls, 3, 3, AL_REST_OTHER, 2, 0.05, mass, out, &err) == AL_PV_OK, "other");
	UNIT_CLOSE(out[0], exp(-0.2), 1e-7, "billing keeps e^-0.2");
	UNIT_CLOSE(out[1], exp(-2.3), 1e-7, "bug keeps e^-2.3");
	UNIT_CLOSE(out[2], 1.0 - exp(-0.2) - exp(-2.3), 1e-7, "other: 1 - e^-0.2 - e^-2.3");
	{
		int			with_other[] = {0, 2, 1};	/* "The" is now the other class' token */

		UNIT_CHECK(al_pv_from_logprobs(lp, with_other, 3, 3, AL_REST_OTHER, 2, 0.05, mass, out, &err) == AL_PV_OK,
				   "the other class' own token");
		UNIT_CLOSE(out[2], 1.0 - exp(-0.2) - exp(-2.3), 1e-7, "is inside the rest, not counted twice");
	}
	{
		double		inf[] = {-INFINITY, -INFINITY};
		int			ic[] = {0, 1};

		UNIT_CHECK(al_pv_from_logprobs(inf, ic, 2, 3, AL_REST_OTHER, 2, 0.05, mass, out, &err) == AL_PV_OK &&
				   out[2] == 1.0f && out[0] == 0.0f, "all -Infinity: everything is other");
		UNIT_CHECK(al_pv_from_logprobs(inf, ic, 0, 3, AL_REST_OTHER, 0, 0.05, mass, out, &err) == AL_PV_OK &&
				   out[0] == 1.0f, "no token: everything is other (class 1 here)");
	}
	{
		double		over[] = {-0.01, -0.5};
		int			oc[] = {0, 1};

		/* e^-0.01 + e^-0.5 = 0.990 + 0.607 = 1.597 */
		UNIT_CHECK(al_pv_from_logprobs(over, oc, 2, 3, AL_REST_OTHER, 2, 0.05, mass, out, &err) == AL_PV_MASS_OVER &&
				   fabs(err.value - (exp(-0.01) + exp(-0.5))) < 1e-12, "tokens over 1 + tolerance: refused");
		over[1] = -4.0;			/* 0.99005 + 0.01832 = 1.00837 */
		UNIT_CHECK(al_pv_from_logprobs(over, oc, 2, 3, AL_REST_OTHER, 2, 0.05, mass, out, &err) == AL_PV_OK &&
				   out[2] == 0.0f, "a sum just over 1 (within tolerance): other gets 0");
		UNIT_CLOSE(out[0], exp(-0.01) / (exp(-0.01) + exp(-4.0)), 1e-7, "and the classes are renormalized");
	}
}

/* The unseen tail to the classes without a token. */
static void
test_logprobs_absent(void)
{
	/* classes billing, bug, feature; tokens billing -0.1, "The" -2.5 */
	double		lp[] = {-0.1, -2.5};
	int			cls[] = {0, -1};
	double		mass[4];
	float		out[4];
	al_pv_error err;
	double		tail = 1.0 - exp(-0.1) - exp(-2.5);
	double		sum = exp(-0.1) + tail;

	UNIT_CHECK(al_pv_from_logprobs(lp, cls, 2, 3, AL_REST_ABSENT, -1, 0.05, mass, out, &err) == AL_PV_OK, "absent");
	UNIT_CLOSE(out[0], exp(-0.1) / sum, 1e-7, "billing: e^-0.1 / (e^-0.1 + tail)");
	UNIT_CLOSE(out[1], tail / 2 / sum, 1e-7, "bug: half the tail 1 - e^-0.1 - e^-2.5");
	UNIT_CHECK(out[1] == out[2], "feature: the other half");
	{
		double		all[] = {-0.1, -2.5, -3.0};
		int			ac[] = {0, 1, 2};
		float		soft[3];

		UNIT_CHECK(al_pv_from_logprobs(all, ac, 3, 3, AL_REST_ABSENT, -1, 0.05, mass, out, &err) == AL_PV_OK &&
				   al_pv_from_logprobs(all, ac, 3, 3, AL_REST_RENORMALIZE, -1, 0.05, mass, soft, &err) == AL_PV_OK &&
				   memcmp(out, soft, sizeof(soft)) == 0, "every class has a token: as renormalize");
	}
	{
		double		inf[] = {-INFINITY};
		int			ic[] = {0};

		UNIT_CHECK(al_pv_from_logprobs(inf, ic, 1, 3, AL_REST_ABSENT, -1, 0.05, mass, out, &err) == AL_PV_OK &&
				   out[0] == 0.0f && out[1] == 0.5f && out[2] == 0.5f,
				   "a -Infinity token is present with 0: the tail goes to the two others");
		UNIT_CHECK(al_pv_from_logprobs(inf, ic, 0, 4, AL_REST_ABSENT, -1, 0.05, mass, out, &err) == AL_PV_OK &&
				   out[0] == 0.25f && out[3] == 0.25f, "no token: uniform");
	}
	{
		double		full[] = {0.0};
		int			fc[] = {-1};

		UNIT_CHECK(al_pv_from_logprobs(full, fc, 1, 2, AL_REST_ABSENT, -1, 0.05, mass, out, &err) ==
				   AL_PV_NO_CLASS_TOKEN && err.position == 1, "a non-class token of probability 1: no class token");
	}
	{
		double		over[] = {-0.01, -0.5};
		int			oc[] = {0, -1};

		UNIT_CHECK(al_pv_from_logprobs(over, oc, 2, 2, AL_REST_ABSENT, -1, 0.05, mass, out, &err) ==
				   AL_PV_MASS_OVER, "tokens over 1 + tolerance: refused");
	}
}

/* 32767 classes, one token. */
static void
test_logprobs_limits(void)
{
	int			k = AL_PROBVEC_MAX_CLASSES;
	double	   *mass = malloc(sizeof(double) * (k + 1));
	float	   *out = malloc(sizeof(float) * (k + 1));
	double		lp[] = {-0.7};
	int			cls[] = {k - 1};
	al_pv_error err;

	UNIT_CHECK(al_pv_from_logprobs(lp, cls, 1, k, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) == AL_PV_OK &&
			   out[k - 1] == 1.0f && out[0] == 0.0f, "32767 classes: the one token's class gets 1");
	UNIT_CHECK(al_pv_from_logprobs(lp, cls, 1, k, AL_REST_ABSENT, -1, 0.05, mass, out, &err) == AL_PV_OK &&
			   fabs(out[0] - (1 - exp(-0.7)) / (k - 1)) < 1e-9, "absent: the tail over 32766 classes");
	UNIT_CHECK(al_pv_from_logprobs(lp, cls, 1, k + 1, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) ==
			   AL_PV_TOO_MANY, "32768 classes: too many");
	UNIT_CHECK(al_pv_from_logprobs(lp, cls, 1, 0, AL_REST_RENORMALIZE, -1, 0.05, mass, out, &err) == AL_PV_EMPTY,
			   "no class: empty");
	free(mass);
	free(out);
}

int
main(void)
{
	test_tolerance();
	test_accept();
	test_accept_limits();
	test_class_names();
	test_logprobs_renormalize();
	test_logprobs_other();
	test_logprobs_absent();
	test_logprobs_limits();
	return unit_done();
}
