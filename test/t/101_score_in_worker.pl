# The al_ext worker's round of a learner with option score_in "pool" (issue
# 12, item 2): the background worker's round predicts in the pool's query
# (auto_explain, preloaded, logs the worker's nested query with
# al._round_probs and the model as a literal), and its ranking is the one a
# round that reads the features gives with the same version, bit for bit.
# The same for a ridge committee learner (emcm), whose round predicts with
# al._round_outputs.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('score_in_worker');
$node->init;
$node->append_conf('postgresql.conf', qq{
al_ext.naptime = '100ms'
max_worker_processes = 8
shared_preload_libraries = 'auto_explain'
auto_explain.log_min_duration = 0
auto_explain.log_nested_statements = on
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE ROLE si_owner;
	CREATE TABLE pool AS
	SELECT g::bigint AS id, ARRAY[sin(g * 1.3), cos(g * 0.7), (g % 7) / 4.0, sin(g * 0.11)]::real[] AS x
	FROM generate_series(1, 6000) g;
	INSERT INTO pool VALUES (6001, NULL), (6002, '{1,NaN,2,3}');
	GRANT SELECT ON pool TO si_owner;
	SET ROLE si_owner;
	SELECT al.create_learner('sw', 'pool', 'id', 'x', '{a,b,c}', 'bald',
		'{"retrain_every": 20, "seed": 1, "committee": 2, "score_in": "pool"}');
	SELECT al.create_learner('swr', 'pool', 'id', 'x', '{}', 'emcm',
		'{"family": "ridge", "retrain_every": 20, "seed": 2, "committee": 2, "score_in": "pool"}');
	RESET ROLE;
	SELECT count(al.label('sw', id, CASE WHEN x[1] > 0.3 THEN 'a' WHEN x[2] > 0 THEN 'b' ELSE 'c' END))
	FROM pool WHERE id <= 20;
	SELECT count(al.label('swr', id, (2 * x[1] - x[3] + id % 3)::float8::text)) FROM pool WHERE id <= 20;
});

my $log_offset = -s $node->logfile;
$node->safe_psql('postgres', 'SELECT al.start_worker()');
ok($node->poll_query_until('postgres',
		q{SELECT count(*) = 2 FROM al.ranking_state r JOIN al.learner_store l ON l.id = r.learner_id
		  WHERE l.name IN ('sw', 'swr') AND r.model_version = 1 AND r.pool_rows = 6002}, 't'),
	'the worker trained and ranked the learners');
$node->safe_psql('postgres', 'SELECT al.stop_worker()');

# the worker's round predicted in the pool's query, with the model as a value
my $log = slurp_file($node->logfile, $log_offset);
like($log, qr/Query Text: SELECT p\.id::pg_catalog\.text, al\._round_probs\(E?'\\\\?\\?x414c5831[0-9a-f]+'::pg_catalog\.bytea, p\.x\) FROM public\.pool p/,
	'the worker\'s round ran the pool query with the exported model');
like($log, qr/Query Text: SELECT p\.id::pg_catalog\.text, al\._round_outputs\(E?'\\\\?\\?x414c5831[0-9a-f]+'::pg_catalog\.bytea, p\.x\) FROM public\.pool p/,
	'the worker\'s round of the ridge learner ran the pool query with al._round_outputs');

# the same version ranked by a round that reads the features: the same ranking, bit for bit
my $ranking = q{SELECT l.name, s.item_id, float8send(s.score) AS score, s.predicted, s.probs::text AS probs,
	s.outputs::text AS outputs, s.hot, s.model_version
	FROM al.scores s JOIN al.learner_store l ON l.id = s.learner_id WHERE l.name IN ('sw', 'swr')};
$node->safe_psql('postgres', qq{
	SET extra_float_digits = 3;
	CREATE TABLE by_worker AS $ranking;
	SELECT al.alter_learner(n, NULL, '{"score_in": "coordinator"}') FROM unnest(ARRAY['sw', 'swr']) n;
	DELETE FROM al.ranking_state;
	SET ROLE si_owner;
	SELECT al.run_learner('sw'), al.run_learner('swr');
	RESET ROLE;
	CREATE TABLE coordinator AS $ranking;
});
foreach my $name ('sw', 'swr')
{
	is($node->safe_psql('postgres', qq{
		SELECT (SELECT count(*) FROM coordinator WHERE name = '$name') || ' '
		|| (SELECT count(*) FILTER (WHERE hot) FROM coordinator WHERE name = '$name') || ' '
		|| (SELECT count(*) FROM (SELECT * FROM coordinator WHERE name = '$name'
			EXCEPT ALL SELECT * FROM by_worker) d) || ' '
		|| (SELECT count(*) FROM (SELECT * FROM by_worker WHERE name = '$name'
			EXCEPT ALL SELECT * FROM coordinator) d)}),
		'5980 5980 0 0', "the worker's ranking of $name in the pool is the coordinator's");
}

done_testing();
