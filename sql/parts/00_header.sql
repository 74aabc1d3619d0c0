-- al_ext: active learning inside PostgreSQL
-- This install script is assembled by the Makefile from sql/parts/*.sql.

\echo Use "CREATE EXTENSION al_ext" to load this file. \quit

-- Schema al is created here, by the script, rather than named in the
-- control file: so it is a member of the extension (DROP EXTENSION drops it)
-- and belongs to the role the script runs as -- the bootstrap superuser
-- when al_ext is installed as a trusted extension by a role with CREATE on
-- the database, who therefore can neither plant objects in al nor swap
-- al_ext's tables for its own (README.md, Security).  A schema al that
-- exists already, with whatever it may hold, makes the installation fail.
CREATE SCHEMA al;
COMMENT ON SCHEMA al IS 'al_ext: active learning inside PostgreSQL';

-- the extension's objects are for everyone who may connect
GRANT USAGE ON SCHEMA al TO PUBLIC;
