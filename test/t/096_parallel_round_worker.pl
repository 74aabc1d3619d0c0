# The al_ext worker's rounds with al_ext.parallel_rounds (issue 12, item 4):
# the background worker's round runs the pool's query with parallel
# workers (auto_explain, preloaded, logs the worker's plan with "Workers
# Launched"), and its ranking is the serial round's bit for bit.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('parallel_worker');
$node->init;
$node->append_conf('postgresql.conf', qq{
al_ext.naptime = '100ms'
al_ext.parallel_rounds = on
parallel_setup_cost = 0
parallel_tuple_cost = 0
min_parallel_table_scan_size = 0
max_parallel_workers_per_gather = 2
max_worker_processes = 8
shared_preload_libraries = 'auto_explain'
auto_explain.log_min_duration = 0
auto_explain.log_nested_statements = on
auto_explain.log_analyze = on
auto_explain.log_timing = off
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS
	SELECT g::bigint AS id, ARRAY[sin(g * 1.3), cos(g * 0.7), (g % 7) / 4.0, sin(g * 0.11)]::real[] AS x
	FROM generate_series(1, 6000) g;
	SELECT al.create_learner('pw', 'pool', 'id', 'x', '{a,b,c}', 'margin_confidence',
		'{"retrain_every": 20, "seed": 1, "committee": 2}');
	SELECT count(al.label('pw', id, CASE WHEN x[1] > 0.3 THEN 'a' WHEN x[2] > 0 THEN 'b' ELSE 'c' END))
	FROM pool WHERE id <= 20;
});

my $log_offset = -s $node->logfile;
$node->safe_psql('postgres', 'SELECT al.start_worker()');
ok($node->poll_query_until('postgres',
		q{SELECT count(*) = 1 FROM al.ranking_state r JOIN al.learner_store l ON l.id = r.learner_id
		  WHERE l.name = 'pw' AND r.model_version = 1 AND r.pool_rows = 6000}),
	'the worker trained and ranked the learner');
$node->safe_psql('postgres', 'SELECT al.stop_worker()');

# the worker's round ran the pool's query with parallel workers
my $log = slurp_file($node->logfile, $log_offset);
my ($launched) = $log =~ /Query Text: SELECT p\.id::pg_catalog\.text, al\._round_row\(.*?\n(?:.*\n){0,3}?\s*Workers Launched: (\d+)/;
ok(defined $launched && $launched > 0, 'the worker\'s round launched parallel workers')
  or diag("workers launched: " . ($launched // 'no Gather'));

# the same version ranked by a serial round in a session: the same ranking, bit for bit
my $ranking = q{SELECT s.item_id, float8send(s.score) AS score, s.predicted, s.probs::text AS probs, s.hot
	FROM al.scores s JOIN al.learner_store l ON l.id = s.learner_id WHERE l.name = 'pw'};
$node->safe_psql('postgres', qq{
	CREATE TABLE by_worker AS $ranking;
	SET al_ext.parallel_rounds = off;
	DELETE FROM al.ranking_state;
	SELECT al.run_learner('pw');
	CREATE TABLE serial AS $ranking;
});
is($node->safe_psql('postgres', q{
	SELECT (SELECT count(*) FROM serial) || ' ' || (SELECT count(*) FILTER (WHERE hot) FROM serial) || ' '
	|| (SELECT count(*) FROM (SELECT * FROM serial EXCEPT ALL SELECT * FROM by_worker) d) || ' '
	|| (SELECT count(*) FROM (SELECT * FROM by_worker EXCEPT ALL SELECT * FROM serial) d)}),
	'5980 5980 0 0', 'the worker\'s parallel ranking is the serial one');

done_testing();
