# kill -9 of the worker in the middle of a retrain: nothing of the killed
# round becomes visible (no model version, no mixed ranking), the postmaster
# restarts the worker, and the worker does the work again to the end.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'al_ext'
al_ext.databases = 'postgres'
al_ext.naptime = '100ms'
restart_after_crash = on
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS
	SELECT i::bigint AS id,
	       ARRAY(SELECT ((i % 5) * (j % 3) + random())::real FROM generate_series(1, 32) j) AS x,
	       (i % 5)::text AS truth
	FROM generate_series(1, 300000) i;
	ALTER TABLE pool ADD PRIMARY KEY (id);
	SELECT al.create_learner('l', 'pool', 'id', 'x', ARRAY['0', '1', '2', '3', '4'], 'entropy',
	                         '{"retrain_every": 10}');
	SELECT al.label('l', id, truth) FROM pool WHERE id <= 10;
});
ok($node->poll_query_until('postgres', q{SELECT model_version = 1 FROM al.learners WHERE name = 'l'}),
	'version 1 published');

# ten more labels start a retrain; kill the worker while it scores the pool
$node->safe_psql('postgres', q{SELECT al.label('l', id, truth) FROM pool WHERE id BETWEEN 11 AND 20});
ok($node->poll_query_until('postgres', q{
	SELECT count(*) = 1 FROM pg_stat_activity
	WHERE backend_type = 'al_ext worker' AND query ~ 'scoring [0-9]+/300000'}, 't'),
	'the worker is scoring the pool for version 2');
my $pid = $node->safe_psql('postgres',
	q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'al_ext worker'});
my $offset = -s $node->logfile;
kill 'KILL', $pid;
$node->wait_for_log(qr/all server processes terminated; reinitializing/, $offset);
ok($node->poll_query_until('postgres', 'SELECT true'), 'the server is back after the crash');

# whatever the worker had done in the killed round is gone; the new worker
# redoes it and publishes a complete version 2
ok($node->poll_query_until('postgres', q{SELECT model_version = 2 FROM al.learners WHERE name = 'l'}),
	'the restarted worker finished the retrain');
is($node->safe_psql('postgres', q{SELECT string_agg(version::text, ',' ORDER BY version) FROM al.models WHERE name = 'learner/l'}),
	'1,2', 'exactly versions 1 and 2 of the model exist: the killed round stored nothing');
is($node->safe_psql('postgres', q{SELECT count(*) || ' ' || count(DISTINCT model_version) || ' ' || max(model_version) FROM al.scores}),
	'299980 1 2', 'the ranking is complete and all of version 2');
is($node->safe_psql('postgres', q{SELECT string_agg(labels_used::text, ',' ORDER BY model_version) FROM al.learning_curve}),
	'10,20', 'one curve point per published version');
isnt($node->safe_psql('postgres', q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'al_ext worker'}),
	$pid, 'a new worker process runs');
like(slurp_file($node->logfile, $offset), qr/\(PID $pid\) was terminated by signal 9/,
	'the log shows the worker was killed');

$node->stop;
done_testing();
