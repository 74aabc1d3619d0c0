-- The option cold_start: the batches before a learner's first model.
-- kcenter is checked against picks worked out on paper; query runs the
-- owner's query as the owner (never with the caller's or more rights).
\getenv abs_srcdir PG_ABS_SRCDIR
\set try :abs_srcdir '/sql/include/try.sql'
\i :try

-- six points in the plane, and item 7 without features
--   1 (0,0)  2 (1,0)  3 (0,1.2)  4 (10,0)  5 (0,10)  6 (10,10)
CREATE TABLE cs_pool (id bigint PRIMARY KEY, x real[], body text);
INSERT INTO cs_pool VALUES
	(1, '{0,0}', 'refund please'), (2, '{1,0}', 'app crashes'), (3, '{0,1.2}', 'Refund not received'),
	(4, '{10,0}', 'feature idea'), (5, '{0,10}', 'billing question'), (6, '{10,10}', 'crash on login'),
	(7, NULL, 'refund twice');
CREATE TABLE cs_secret (id bigint);
CREATE TABLE cs_log_ids (id bigint);
-- functions a query may call that write: the query must stay read-only
CREATE TABLE cs_log (who text);
CREATE FUNCTION public.cs_log_row() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	INSERT INTO public.cs_log VALUES (current_user);
	RETURN true;
END $$;
CREATE FUNCTION public.cs_nested_batch() RETURNS boolean LANGUAGE sql VOLATILE AS $$
SELECT count(*) >= 0 FROM al.next_batch('csq', 2, 'regress_cs_owner')
$$;
CREATE ROLE regress_cs_owner;
CREATE ROLE regress_cs_ann;
GRANT SELECT ON cs_pool TO regress_cs_owner;
GRANT SELECT, INSERT ON cs_log TO regress_cs_owner;
GRANT SELECT ON cs_log_ids TO regress_cs_owner;
-- the batches in the order they are handed out
CREATE FUNCTION pg_temp.batch(learner text, k int, annotator text DEFAULT current_user) RETURNS text LANGUAGE sql AS $$
SELECT array_agg(b.item_id ORDER BY b.o)::text
FROM al.next_batch(learner, k, annotator) WITH ORDINALITY b(item_id, score, predicted, probs, o)
$$;

SET ROLE regress_cs_owner;
-- ---- kcenter ----
-- Worked on paper (squared distances): the centroid is (21/6, 21.2/6) =
-- (3.5, 3.533); nearest: 3 (12.25 + 5.44 = 17.69; 2: 6.25 + 12.48 = 18.73).
-- Farthest from {3}: 6 (100 + 77.44 = 177.44; 4: 101.44, 5: 77.44).
-- From {3, 6}: 4 (min(101.44, 100) = 100; 5: 77.44, 2: 2.44, 1: 1.44).
-- From {3, 6, 4}: 5 (77.44), then 2 (2.44), then 1 (1.44).
SELECT al.create_learner('cs', 'cs_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
                         '{"cold_start": "kcenter", "seed": 5}') > 0 AS created;
SELECT options->'cold_start' AS cold_start FROM al.learners WHERE name = 'cs';
-- leased items are centers for the next batch, as labeled ones are
SELECT pg_temp.batch('cs', 2) AS first, pg_temp.batch('cs', 2) AS second, pg_temp.batch('cs', 2) AS third;
-- the same picks as the SQL aggregate over the same rows
SELECT al.kcenter(id, x::float8[], 6)::text AS aggregate FROM cs_pool WHERE x IS NOT NULL;
-- with the picks exhausted, the random sample fills the batch (item 7 has no features)
SELECT al.release('cs', (SELECT array_agg(item_id) FROM al.leases), 'regress_cs_owner') AS released;
SELECT pg_temp.batch('cs', 7) AS all_seven;
SELECT al.release('cs', (SELECT array_agg(item_id) FROM al.leases), 'regress_cs_owner') AS released;
-- a labeled item is a center: label 3, then from {3}: 6, 4, 5
SELECT al.label('cs', 3, 'a');
SELECT pg_temp.batch('cs', 3) AS around_labeled_3;
SELECT al.drop_learner('cs');

-- ---- query: the owner's query, in its order, then the random sample ----
SELECT al.create_learner('csq', 'cs_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
       '{"cold_start": "query", "cold_start_query": "SELECT id FROM public.cs_pool WHERE body ILIKE ''%refund%'' UNION ALL SELECT 999 UNION ALL SELECT NULL ORDER BY 1 DESC NULLS FIRST"}') > 0 AS created;
SELECT options->'cold_start_query' AS query FROM al.learners WHERE name = 'csq';
-- NULL and 999 (not in the pool) are no items, 3 is labeled: 7, 1, then the random sample
SELECT al.label('csq', 3, 'b');
SELECT pg_temp.batch('csq', 2) AS first, pg_temp.batch('csq', 3) AS second;
-- the random sample of seed 0 over the rest, as al.next_batch's cold start orders it
SELECT array_agg(id ORDER BY hashtextextended(id::text, 0), id)::text AS random_sample FROM (
	SELECT id FROM cs_pool WHERE id NOT IN (7, 1, 3) ORDER BY hashtextextended(id::text, 0), id LIMIT 3) s;
SELECT al.release('csq', (SELECT array_agg(item_id) FROM al.leases), 'regress_cs_owner') AS released;
SELECT al.grant_learner('csq', 'regress_cs_ann', 'annotate');
-- the query runs as the owner, whoever takes the batch: an annotator gets
-- the rows a query sees only as the owner
SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELECT id FROM public.cs_pool WHERE current_user = ''regress_cs_owner'' AND id IN (5, 6) ORDER BY id"}');
RESET ROLE;
SET ROLE regress_cs_ann;
SELECT pg_temp.batch('csq', 2) AS annotator_batch;
-- and only the owner may set it
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELECT id FROM public.cs_pool"}')::text$$) AS annotator_sets_query;
RESET ROLE;

-- ---- errors ----
SET ROLE regress_cs_owner;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELEC id FROM public.cs_pool"}')::text$$) AS syntax_error;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELECT id, body FROM public.cs_pool"}')::text$$) AS two_columns;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELECT body FROM public.cs_pool"}')::text$$) AS text_column;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELECT id::int FROM public.cs_pool"}')::text$$) AS integer_column;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELECT 1::bigint; SELECT 2::bigint"}')::text$$) AS two_statements;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "DELETE FROM public.cs_pool RETURNING id"}')::text$$) AS not_a_select;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "WITH d AS (DELETE FROM public.cs_pool RETURNING id) SELECT id FROM d"}')::text$$) AS writing_cte;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELECT id FROM (WITH d AS (DELETE FROM public.cs_pool RETURNING id) SELECT id FROM d) s"}')::text$$) AS nested_writing_cte;
-- nor through a volatile function it calls: a write (25006, nothing
-- written), or al.next_batch of the learner itself (which would lease the
-- items the outer batch hands out again)
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELECT id FROM public.cs_pool WHERE public.cs_log_row()"}')::text$$) AS writing_function;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELECT id FROM public.cs_pool WHERE public.cs_nested_batch()"}')::text$$) AS nested_batch;
SELECT count(*) AS pool_rows_kept FROM cs_pool;
SELECT count(*) AS log_rows FROM cs_log;
-- the owner's rights, no more: a table it may not read, an unqualified name
-- (the query runs with search_path pg_catalog, pg_temp)
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELECT id FROM public.cs_secret"}')::text$$) AS not_readable;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELECT id FROM cs_pool"}')::text$$) AS unqualified;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELECT id FROM public.cs_pool WHERE pg_catalog.set_config(''role'', ''postgres'', true) IS NOT NULL"}')::text$$) AS set_role;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start": "query", "cold_start_query": null}')::text$$) AS query_without_text;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start": "random"}')::text$$) AS text_without_query;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start": "diverse"}')::text$$) AS unknown_cold_start;
SELECT pg_temp.try($$SELECT al.alter_learner('csq', NULL, '{"cold_start_query": ""}')::text$$) AS empty_query;
-- a new owner must be able to run it too, or every cold-start batch fails
-- (checked as for the pool and a label column; the owner stays)
RESET ROLE;
CREATE ROLE regress_cs_heir;
GRANT SELECT ON cs_pool TO regress_cs_heir;
GRANT regress_cs_heir TO regress_cs_owner;
SET ROLE regress_cs_owner;
SELECT al.alter_learner('csq', NULL, '{"cold_start_query": "SELECT id FROM public.cs_log_ids"}');
SELECT pg_temp.try($$SELECT al.alter_learner_owner('csq', 'regress_cs_heir')::text$$) AS heir_cannot_run_query;
SELECT owner FROM al.learners WHERE name = 'csq';
-- back to random: both options together
SELECT al.alter_learner('csq', NULL, '{"cold_start": "random", "cold_start_query": null}');
SELECT options ? 'cold_start' AS has_cold_start, options ? 'cold_start_query' AS has_query FROM al.learners WHERE name = 'csq';
SELECT al.drop_learner('csq');
RESET ROLE;

-- features whose squares pass 1e30: the k-center cold start names the item (22003)
CREATE TABLE cs_huge (id bigint, x real[]);
INSERT INTO cs_huge VALUES (1, '{0,0}'), (2, '{1e30,-1e30}'), (3, '{1,1}');
SELECT al.create_learner('cs_huge', 'cs_huge', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"cold_start": "kcenter"}') > 0 AS created;
SELECT pg_temp.try($$SELECT pg_temp.batch('cs_huge', 2)$$) AS too_large;
SELECT al.drop_learner('cs_huge');
DROP TABLE cs_huge;
DROP FUNCTION public.cs_log_row(), public.cs_nested_batch();
DROP TABLE cs_pool, cs_secret, cs_log, cs_log_ids;
DROP ROLE regress_cs_owner, regress_cs_ann, regress_cs_heir;
