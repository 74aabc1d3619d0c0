# Preloaded workers (shared_preload_libraries + al_ext.databases) run after a
# restart without al.start_worker, and after kill -9 of a worker the
# postmaster's crash restart brings back both the preloaded workers and a
# dynamic one started with al.start_worker.  A database in al_ext.databases
# that does not exist does not disturb the others.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
$node->append_conf('postgresql.conf', qq{
restart_after_crash = on
al_ext.naptime = '100ms'
});
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION al_ext; CREATE DATABASE db2; CREATE DATABASE db3');
$node->safe_psql($_, 'CREATE EXTENSION al_ext') for ('db2', 'db3');

# "database=pid" of every al_ext worker, by database
sub workers
{
	return $node->safe_psql('postgres', q{
		SELECT coalesce(string_agg(database || '=' || pid, ' ' ORDER BY database), '')
		FROM al.worker_status});
}

# wait until the worker databases are exactly @dbs; returns workers()
sub wait_workers
{
	my @dbs = @_;
	my $want = join(' ', map { "$_=" } @dbs);
	$node->poll_query_until('postgres', qq{
		SELECT coalesce(string_agg(database || '=', ' ' ORDER BY database), '')
		FROM al.worker_status}, $want)
	  or die "timed out waiting for workers of @dbs";
	return workers();
}

# pid of the worker of $db in a workers() string
sub pid_of
{
	my ($list, $db) = @_;
	return $list =~ /\b$db=(\d+)/ ? $1 : undef;
}

is(workers(), '', 'no worker before preloading');

# preload: one worker per listed database, nothing else to do
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'al_ext'
al_ext.databases = 'postgres, db2, no_such_db, postgres'
});
$node->restart;
my $before = wait_workers('db2', 'postgres');
pass('preloaded workers run without start_worker');
is($node->safe_psql('postgres', 'SHOW al_ext.databases'), 'postgres, db2, no_such_db, postgres',
	'al_ext.databases is set');
my ($ret, $out, $err) = $node->psql('postgres', 'SELECT al.start_worker()');
is($out, pid_of($before, 'postgres'), 'start_worker finds the preloaded worker');
like($err, qr/already running/, 'and says so');
$node->wait_for_log(qr/FATAL:  database "no_such_db" does not exist/);
pass('a missing database fails only its own worker');
ok(!$node->log_contains(qr/another al_ext worker runs/), 'a database listed twice gets one worker');

# a dynamic worker next to them
my $pid3 = $node->safe_psql('db3', 'SELECT al.start_worker()');
$before = wait_workers('db2', 'db3', 'postgres');

# kill -9 of a preloaded worker: crash restart, every worker comes back
my $log = -s $node->logfile;
kill 'KILL', pid_of($before, 'postgres');
$node->wait_for_log(qr/all server processes terminated; reinitializing/, $log);
my $after = wait_workers('db2', 'db3', 'postgres');
for my $db ('postgres', 'db2', 'db3')
{
	isnt(pid_of($after, $db), pid_of($before, $db), "worker of $db came back after the crash");
}
like(slurp_file($node->logfile, $log),
	qr/background worker "al_ext worker" \(PID \d+\) was terminated by signal 9/,
	'the postmaster saw the crash');

# kill -9 of the dynamic worker: it is restarted too
$before = $after;
$log = -s $node->logfile;
kill 'KILL', pid_of($before, 'db3');
$node->wait_for_log(qr/all server processes terminated; reinitializing/, $log);
$after = wait_workers('db2', 'db3', 'postgres');
for my $db ('postgres', 'db2', 'db3')
{
	isnt(pid_of($after, $db), pid_of($before, $db), "worker of $db came back after its crash");
}

# a preloaded worker stopped on purpose stays stopped, even across a crash
is($node->safe_psql('db2', 'SELECT al.stop_worker()'), 't', 'stop a preloaded worker');
$before = wait_workers('db3', 'postgres');
$log = -s $node->logfile;
kill 'KILL', pid_of($before, 'db3');
$node->wait_for_log(qr/all server processes terminated; reinitializing/, $log);
$after = wait_workers('db3', 'postgres');
pass('after another crash the stopped worker stays stopped, the others come back');
isnt(pid_of($after, 'postgres'), pid_of($before, 'postgres'), 'postgres worker is new');

# a restart brings the preloaded worker back; the dynamic one is gone
$node->restart;
wait_workers('db2', 'postgres');
pass('restart: preloaded workers run, the dynamic one is not restarted');

$node->stop;
done_testing();
