-- pg_temp.try(sql): run a statement that returns one value; 'ok: value',
-- or 'SQLSTATE: message' of its error (the pattern of the suites' error
-- cases).  Load with \getenv abs_srcdir PG_ABS_SRCDIR, then
-- \set try :abs_srcdir '/sql/include/try.sql' and \i :try
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
BEGIN
	EXECUTE sql INTO r;
	RETURN 'ok: ' || coalesce(r, 'NULL');
EXCEPTION WHEN others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
