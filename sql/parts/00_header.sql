-- al_ext: active learning inside PostgreSQL
-- This install script is assembled by the Makefile from sql/parts/*.sql.

\echo Use "CREATE EXTENSION al_ext" to load this file. \quit

-- the extension's objects are for everyone who may connect
GRANT USAGE ON SCHEMA al TO PUBLIC;
