/*
 * agreement.h - agreement between two labelings, and among several raters
 * (plain C).
 */
#ifndef AL_AGREEMENT_H
#define AL_AGREEMENT_H

extern double al_cohen_kappa(const int *a, const int *b, int n, int k, double *work);
extern double al_fleiss_kappa(const int *counts, int n_items, int k, double *work);

#endif							/* AL_AGREEMENT_H */
