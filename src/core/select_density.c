/*
 * select_density.c - information density (Settles and Craven 2008): a
 * row's mean similarity to the pool, cosine through the pool's mean
 * direction (one pass), euclidean against a sample (BLAS).  See select.h
 * and doc/selection.md.
 */
#include <math.h>
#include <stddef.h>

#include "select_int.h"

/* Squared norms in double (exact products of floats, rounded sums). */
void
al_sel_sqnorms(const float *x, int n, int d, double *out)
{
	for (int i = 0; i < n; i++)
		out[i] = sel_dot(x + (size_t) i * d, x + (size_t) i * d, d);
}

void
al_sel_direction_add(const float *x, int d, double *sum)
{
	double		n2 = sel_dot(x, x, d);
	double		inv;

	if (n2 == 0)
		return;
	inv = 1.0 / sqrt(n2);
	for (int j = 0; j < d; j++)
		sum[j] += x[j] * inv;
}

double
al_sel_cosine_density(const float *x, int d, const double *dir)
{
	double		n2 = sel_dot(x, x, d),
				dot = 0,
				v;

	if (n2 == 0)
		return 0;
	for (int j = 0; j < d; j++)
		dot += x[j] * dir[j];
	v = dot / sqrt(n2);
	return v < 0 ? 0 : (v > 1 ? 1 : v);
}

/* Rows of x per block of dot products with the s sample rows. */
static int
density_block_rows(int m, int s)
{
	return sel_block_rows(s, m);
}

size_t
al_sel_density_work(int m, int s, int d)
{
	int			b = density_block_rows(m > 0 ? m : 1, s > 0 ? s : 1);

	return SEL_DOUBLES_FOR((size_t) b * (s > 0 ? s : 1)) + (size_t) b + 1;
}

/*
 * out[i] for one block of nb rows xb from their dot products with the
 * sample; near pairs are recomputed in double (SEL_REFINE).
 */
static void
density_block(const float *xb, const double *xn, int nb, const float *sample,
			  const double *sn, int s, int d, const float *dots, double *out)
{
	for (int i = 0; i < nb; i++)
	{
		double		sum = 0;

		for (int j = 0; j < s; j++)
		{
			double		v = xn[i] + sn[j] - 2.0 * (double) dots[(size_t) i * s + j];

			if (v < SEL_REFINE * (xn[i] + sn[j]))
				v = sel_exact_sqdist(xb + (size_t) i * d, sample + (size_t) j * d, d);
			sum += 1.0 / (1.0 + sqrt(v));
		}
		out[i] = sum / s;
	}
}

al_sel_status
al_sel_euclidean_density(const float *x, int m, int d, const float *sample,
						 int s, const double *sample_sqnorms, double *out,
						 double *work, al_sel_where *where)
{
	const al_blas_api *blas;
	al_sel_status st;
	int			b;
	double	   *xn = work;
	float	   *dots;

	sel_set_where(where, -1, -1, 0);
	if (m < 0 || d < 1 || s < 1)
		return AL_SEL_BAD_SIZE;
	if (m == 0)
		return AL_SEL_OK;
	if (x == NULL || sample == NULL || sample_sqnorms == NULL || out == NULL ||
		work == NULL)
		return AL_SEL_NULL_ARG;
	st = sel_check_rows(x, m, d, 0, where);
	if (st == AL_SEL_OK)
		st = sel_check_rows(sample, s, d, 1, where);
	if (st != AL_SEL_OK)
		return st;
	blas = al_blas_get();
	if (blas == NULL)
		return AL_SEL_NO_BLAS;
	b = density_block_rows(m, s);
	dots = (float *) (xn + b);
	for (int i0 = 0; i0 < m; i0 += b)
	{
		int			nb = m - i0 < b ? m - i0 : b;
		const float *xb = x + (size_t) i0 * d;

		al_sel_sqnorms(xb, nb, d, xn);
		blas->sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nb, s, d, 1.0f,
					xb, d, sample, d, 0.0f, dots, s);
		density_block(xb, xn, nb, sample, sample_sqnorms, s, d, dots, out + i0);
	}
	return AL_SEL_OK;
}

al_sel_status
al_sel_information_density(double score, double density, double beta,
						   double *out)
{
	if (out == NULL)
		return AL_SEL_NULL_ARG;
	if (!isfinite(score))
		return AL_SEL_NONFINITE_SCORE;
	if (score < 0)
		return AL_SEL_NEGATIVE_SCORE;
	if (!(density >= 0 && density <= 1) || !(beta >= 0) || !isfinite(beta))
		return AL_SEL_BAD_PARAM;
	*out = score * pow(density, beta);
	return AL_SEL_OK;
}
