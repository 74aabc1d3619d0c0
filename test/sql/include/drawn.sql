-- Option rescore_sample's draw, independently of the C code: the top 53
-- bits of the unsigned 64-bit hashtextextended(id, seed + version * 2^32)
-- (of the id's bytes: collation "C"), over 2^53, in numeric, below f.
-- Load with \getenv abs_srcdir PG_ABS_SRCDIR, then
-- \set drawn :abs_srcdir '/sql/include/drawn.sql' and \i :drawn
CREATE FUNCTION pg_temp.drawn(id text, seed bigint, version int, f double precision) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT floor((h + CASE WHEN h < 0 THEN 18446744073709551616 ELSE 0 END) / 2048)
	       / 9007199254740992 < f::numeric
	FROM (SELECT hashtextextended(id COLLATE "C", seed + version::bigint * 4294967296)::numeric AS h) s
$$;
