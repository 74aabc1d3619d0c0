/*
 * blas_glue.c - opening OpenBLAS in a backend, on first use.
 *
 * GUCs al_ext.openblas_library (which shared object) and
 * al_ext.blas_coretype ('auto', 'default' or a kernel name) are read when a
 * backend first needs BLAS; see src/core/al_blas.h for why the library is
 * opened lazily and how 'auto' proves the CPU supports the kernel it picks.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "al_blas.h"
#include "al_ext.h"

PG_FUNCTION_INFO_V1(al_blas_info);

static char *openblas_library = NULL;
static char *blas_coretype = NULL;

/* Define the BLAS GUCs (called from _PG_init). */
void
al_blas_define_gucs(void)
{
	DefineCustomStringVariable("al_ext.openblas_library",
							   "OpenBLAS shared library that al_ext opens on first use.",
							   NULL, &openblas_library, AL_OPENBLAS_LIB,
							   PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("al_ext.blas_coretype",
							   "OpenBLAS kernel: auto (best the CPU provably supports), default (OpenBLAS's own choice) or a kernel name.",
							   "Read once per backend, when BLAS is first used.",
							   &blas_coretype, "auto",
							   PGC_SUSET, 0, NULL, NULL, NULL);
}

/* Open BLAS single-threaded in this backend if not done yet; ERROR if it fails. */
void
al_blas_ensure(void)
{
	char		errbuf[256];

	if (al_blas_loaded())
		return;
	if (al_blas_load(openblas_library, blas_coretype, errbuf, sizeof(errbuf)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("could not load BLAS library \"%s\": %s",
						openblas_library ? openblas_library : "", errbuf),
				 errhint("Check al_ext.openblas_library and al_ext.blas_coretype.")));
}

/*
 * al.blas_info(): the library, the kernel OpenBLAS runs, the coretype al_ext
 * forced (if any) and what 'auto' would pick on this CPU.  Loads BLAS.
 */
Datum
al_blas_info(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	const char *forced;
	const char *best;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	al_blas_ensure();
	forced = al_blas_coretype_forced();
	best = al_blas_cpu_best_coretype();
	values[0] = CStringGetTextDatum(openblas_library);
	values[1] = CStringGetTextDatum(al_blas_corename());
	values[2] = forced ? CStringGetTextDatum(forced) : (Datum) 0;
	nulls[2] = (forced == NULL);
	values[3] = best ? CStringGetTextDatum(best) : (Datum) 0;
	nulls[3] = (best == NULL);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
