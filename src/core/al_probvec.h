/*
 * al_probvec.h - plain-C core of the probvec type: limits, the text parser,
 * the text formatter and the value checks.  No PostgreSQL header here: the
 * glue (src/probvec.c) turns the status codes into ereport calls.
 */
#ifndef AL_CORE_PROBVEC_H
#define AL_CORE_PROBVEC_H

#include <stddef.h>

/* A probvec has 1 to 32767 classes (its class count is an int16). */
#define AL_PROBVEC_MAX_CLASSES	32767
/* The values must sum to 1 within this tolerance. */
#define AL_PROBVEC_SUM_TOLERANCE 1e-3
/* Bytes of the binary form's header: int16 class count, int16 reserved. */
#define AL_PROBVEC_BINARY_HEADER 4
/* Bytes one formatted value takes at most, separator included. */
#define AL_PROBVEC_VALUE_CHARS	20

typedef enum al_pv_status
{
	AL_PV_OK = 0,
	AL_PV_SYNTAX,				/* malformed text */
	AL_PV_EMPTY,				/* no class at all */
	AL_PV_TOO_MANY,				/* more than AL_PROBVEC_MAX_CLASSES */
	AL_PV_FLOAT_RANGE,			/* a number outside float4's range */
	AL_PV_NOT_FINITE,			/* NaN or infinity */
	AL_PV_OUT_OF_RANGE,			/* below 0 or above 1 */
	AL_PV_BAD_SUM,				/* sum not within the tolerance of 1 */
	AL_PV_BIN_SHORT,			/* binary: shorter than its header */
	AL_PV_BIN_COUNT,			/* binary: class count out of range */
	AL_PV_BIN_RESERVED,			/* binary: reserved field not 0 */
	AL_PV_BIN_LENGTH,			/* binary: values do not match the count */
	/* ingestion of arrays and JSON (probvec_ingest.h and the glue) */
	AL_PV_NULL,					/* a NULL element or JSON null */
	AL_PV_NOT_NUMBER,			/* a JSON value that is not a number */
	AL_PV_NOT_ARRAY,			/* JSON probabilities that are not an array */
	AL_PV_NOT_OBJECT,			/* JSON keyed input that is not an object */
	AL_PV_DIMENSIONS,			/* a multi-dimensional array */
	AL_PV_UNKNOWN_KEY,			/* a JSON key that is no class */
	AL_PV_DUP_CLASS,			/* a class twice in a class list */
	AL_PV_BAD_TOKEN,			/* a top log-probability entry of bad shape */
	AL_PV_LOGPROB_RANGE,		/* a log-probability NaN or above 0 */
	AL_PV_NO_CLASS_TOKEN,		/* no token is a class */
	AL_PV_ZERO_MASS,			/* every class has probability 0 */
	AL_PV_MASS_OVER				/* token probabilities sum beyond 1 */
} al_pv_status;

/* Where and why input was rejected; filled by the parser and the checks. */
typedef struct al_pv_error
{
	al_pv_status status;
	int			position;		/* 1-based class position, 0 if none; the
								 * class count of binary errors */
	double		value;			/* offending value, or the sum; the byte
								 * count or field of binary errors */
	int			offset;			/* byte offset into the text (syntax) */
	int			length;			/* length of the offending token */
	const char *detail;			/* static text describing a syntax error */
	const char *name;			/* class or token concerned (caller's
								 * memory, name_len bytes), or NULL */
	int			name_len;
	const char *kind;			/* static: the JSON type found, for
								 * AL_PV_NOT_NUMBER and AL_PV_NOT_ARRAY */
} al_pv_error;

/* Formats one float into buf (at least 16 bytes); returns its length. */
typedef int (*al_float_formatter) (float value, char *buf);

extern int	al_pv_count_bound(const char *text);
extern al_pv_status al_pv_parse(const char *text, float *out, int capacity,
								int *count, al_pv_error *err);
extern al_pv_status al_pv_binary_header(const unsigned char *data, size_t len,
										int *count, al_pv_error *err);
extern void al_pv_binary_values(const unsigned char *data, int count,
								float *out);
extern al_pv_status al_pv_check_value(double v, int position, al_pv_error *err);
extern al_pv_status al_pv_check_sum(double sum, double tolerance, al_pv_error *err);
extern al_pv_status al_pv_check_values(const float *x, int n, al_pv_error *err);
extern al_pv_status al_pv_accept(const double *given, const float *rounded, int n,
								 double tolerance, int renormalize, float *out,
								 al_pv_error *err);
extern al_pv_status al_pv_check_count(int n, al_pv_error *err);
extern int	al_float_shortest(float value, char *buf);
extern size_t al_pv_format(const float *x, int n, char *buf,
						   al_float_formatter format_value);

#endif							/* AL_CORE_PROBVEC_H */
