/*
 * probvec_ingest.h - plain-C kernels that turn outside predictions into
 * probvec values: values that almost sum to 1 (checked, then optionally
 * renormalized), class lists (sorted for lookup, duplicates found), and
 * label-token log-probabilities (what LLM APIs return as top logprobs).
 * No PostgreSQL header: the glue (src/types/probvec_json.c) walks the
 * arrays and JSON and turns the status codes into messages.
 */
#ifndef AL_CORE_PROBVEC_INGEST_H
#define AL_CORE_PROBVEC_INGEST_H

#include "al_probvec.h"

/* Default tolerance of al.to_probvec and al.logprobs_to_probvec. */
#define AL_PROBVEC_LOOSE_TOLERANCE 0.05

/* One name of a class list, with its 0-based position in the list. */
typedef struct al_class_name
{
	const char *name;			/* not NUL-terminated */
	int			len;
	int			index;
} al_class_name;

/* Where the probability of log-probability tokens that are no class goes. */
typedef enum al_pv_rest
{
	AL_REST_RENORMALIZE,		/* dropped: renormalize over the classes */
	AL_REST_OTHER,				/* to one named class */
	AL_REST_ABSENT				/* the unseen tail to classes without token */
} al_pv_rest;

extern int	al_pv_tolerance_valid(double tolerance);
extern al_pv_status al_pv_class_names_sort(al_class_name *names, int n,
										   al_pv_error *err);
extern int	al_pv_class_find(const al_class_name *sorted, int n,
							 const char *key, int len, int trim);
extern al_pv_status al_pv_from_logprobs(const double *logprob, const int *class_of,
										int n_tokens, int k, al_pv_rest rest,
										int other, double tolerance, double *mass,
										float *out, al_pv_error *err);

#endif							/* AL_CORE_PROBVEC_INGEST_H */
