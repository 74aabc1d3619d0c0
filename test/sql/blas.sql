-- OpenBLAS is opened at first use in a backend; a kernel name it cannot
-- prove the CPU supports is an ERROR, not a crash, and leaves the backend
-- able to load BLAS once the setting is fixed.  (This file must be the
-- first thing to use BLAS in its session.)
SET al_ext.blas_coretype = 'NoSuchCore';
DO $$ BEGIN PERFORM * FROM al.blas_info();
EXCEPTION WHEN others THEN
	RAISE NOTICE '%: %', SQLSTATE, regexp_replace(SQLERRM, '"/[^"]*"', '"<library>"');
END $$;
RESET al_ext.blas_coretype;
-- now it loads: the library configured, a kernel OpenBLAS names, and with
-- 'auto' the forced coretype is what auto picks (or none, when the
-- environment already sets OPENBLAS_CORETYPE)
SELECT library = current_setting('al_ext.openblas_library') AS configured_library,
       core NOT IN ('', 'unknown') AS kernel_named,
       forced_coretype IS NULL OR forced_coretype = auto_coretype AS auto_forced_consistently
FROM al.blas_info();
-- a later bad setting does not matter: the first successful load wins
SET al_ext.blas_coretype = 'NoSuchCore';
SELECT count(*) AS loaded_already FROM al.blas_info();
RESET al_ext.blas_coretype;
