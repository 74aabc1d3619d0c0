-- the extension installs into schema al and nothing else is needed
SELECT extname, extversion, nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'al_ext';
