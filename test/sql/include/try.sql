-- pg_temp.try(sql): run one statement, return 'ok: <its first value>' or
-- its error as '<SQLSTATE>: <message>' (for tables of error cases)
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
BEGIN
	EXECUTE sql INTO r;
	RETURN 'ok: ' || coalesce(r, 'NULL');
EXCEPTION WHEN others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
