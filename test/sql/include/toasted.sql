-- pg_temp.toasted_values(tbl): how many values of tbl are stored out of
-- line, the distinct value ids in its TOAST table.  Load with \getenv
-- abs_srcdir PG_ABS_SRCDIR, then \set toasted :abs_srcdir
-- '/sql/include/toasted.sql' and \i :toasted
CREATE FUNCTION pg_temp.toasted_values(tbl regclass) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	EXECUTE format('SELECT count(DISTINCT chunk_id) FROM %s',
				   (SELECT reltoastrelid::regclass FROM pg_class WHERE oid = tbl)) INTO n;
	RETURN n;
END $$;
