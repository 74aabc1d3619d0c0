# The al_ext worker started without a server restart: al.start_worker starts
# exactly one per database (also when called concurrently), it shows in
# pg_stat_activity, al.stop_worker and SIGTERM stop it cleanly for good, and
# only privileged roles may start or stop it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use IPC::Run;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('worker');
$node->init;
# debug1: the postmaster logs a worker's exit code 0 at that level only
$node->append_conf('postgresql.conf', qq{
log_min_messages = debug1
al_ext.naptime = '100ms'
});
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION al_ext; CREATE DATABASE db2');
$node->safe_psql('db2', 'CREATE EXTENSION al_ext');

# pids of the al_ext workers of a database
sub worker_pids
{
	my ($db) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT coalesce(string_agg(pid::text, ',' ORDER BY pid), '')
		FROM pg_stat_activity WHERE backend_type = 'al_ext worker' AND datname = '$db'});
}

# wait until database $db has no worker
sub wait_no_worker
{
	my ($db) = @_;
	return $node->poll_query_until('postgres', qq{
		SELECT count(*) = 0 FROM pg_stat_activity
		WHERE backend_type = 'al_ext worker' AND datname = '$db'});
}

is(worker_pids('postgres'), '', 'no worker before start_worker');

# start: one worker, visible under a clear name
my $pid = $node->safe_psql('postgres', 'SELECT al.start_worker()');
like($pid, qr/^[1-9][0-9]*$/, 'start_worker returns a pid');
is(worker_pids('postgres'), $pid, 'exactly one worker runs, with that pid');
is($node->safe_psql('postgres', qq{
	SELECT backend_type || ' | ' || datname || ' | ' || application_name
	FROM pg_stat_activity WHERE pid = $pid}),
	'al_ext worker | postgres | al_ext worker for database postgres',
	'pg_stat_activity shows type, database and name');
like(slurp_file("/proc/$pid/cmdline"), qr/al_ext worker for database postgres/,
	'process title names the worker');
is($node->safe_psql('postgres', 'SELECT pid || $$ $$ || database FROM al.worker_status'),
	"$pid postgres", 'al.worker_status lists it');

# a second call starts no second worker
my ($ret, $out, $err) = $node->psql('postgres', 'SELECT al.start_worker()');
is($out, $pid, 'second start_worker returns the running worker');
like($err, qr/NOTICE:  al_ext worker for database "postgres" is already running/,
	'second start_worker says so');
is(worker_pids('postgres'), $pid, 'still exactly one worker');

# another database gets its own
my $pid2 = $node->safe_psql('db2', 'SELECT al.start_worker()');
isnt($pid2, $pid, 'db2 gets its own worker');
is(worker_pids('db2'), $pid2, 'one worker in db2');

# stop: gone, and not restarted
my $log = -s $node->logfile;
is($node->safe_psql('postgres', 'SELECT al.stop_worker()'), 't', 'stop_worker stops it');
is(worker_pids('postgres'), '', 'worker gone when stop_worker returns');
is($node->safe_psql('postgres', 'SELECT al.stop_worker()'), 'f',
	'stop_worker without a worker returns false');
$node->wait_for_log(qr/background worker "al_ext worker" \(PID $pid\) exited with exit code 0/, $log);
sleep(1);
is(worker_pids('postgres'), '', 'stopped worker does not come back');
is(worker_pids('db2'), $pid2, 'the worker of db2 is untouched');
ok($node->log_contains(qr/al_ext worker for database "postgres" stopped/, $log),
	'worker logs its stop');

# SIGTERM (kill -TERM, pg_terminate_backend): a clean exit, no crash restart
$pid = $node->safe_psql('postgres', 'SELECT al.start_worker()');
$log = -s $node->logfile;
kill 'TERM', $pid;
wait_no_worker('postgres');
$node->wait_for_log(qr/background worker "al_ext worker" \(PID $pid\) exited with exit code 0/, $log);
sleep(1);
is(worker_pids('postgres'), '', 'worker stopped by SIGTERM does not come back');
is(worker_pids('db2'), $pid2, 'other backends were not reset');
my $tail = slurp_file($node->logfile, $log);
like($tail, qr/al_ext worker for database "postgres" stopped/, 'SIGTERM: clean stop logged');
unlike($tail, qr/terminated by signal|terminating any other active server processes|reinitializing/,
	'SIGTERM: no crash restart');

# pg_terminate_backend works the same way
$pid = $node->safe_psql('postgres', 'SELECT al.start_worker()');
$node->safe_psql('postgres', "SELECT pg_terminate_backend($pid)");
wait_no_worker('postgres');
sleep(1);
is(worker_pids('postgres'), '', 'pg_terminate_backend stops it for good');

# DROP DATABASE ... WITH (FORCE) stops the worker of that database cleanly
$log = -s $node->logfile;
$node->safe_psql('postgres', 'DROP DATABASE db2 WITH (FORCE)');
$node->wait_for_log(qr/background worker "al_ext worker" \(PID $pid2\) exited with exit code 0/, $log);
is(worker_pids('db2'), '', 'DROP DATABASE WITH (FORCE) stops its worker');

# concurrent start_worker calls: exactly one worker, all report its pid
my (@h, @out, @err);
for my $i (0 .. 3)
{
	push @h, IPC::Run::start(
		[ 'psql', '-XAtq', '-d', $node->connstr('postgres'), '-c', 'SELECT al.start_worker()' ],
		'>', \$out[$i], '2>', \$err[$i]);
}
$_->finish for @h;
chomp @out;
my $running = worker_pids('postgres');
like($running, qr/^[0-9]+$/, 'concurrent start_worker: exactly one worker');
is(join(',', @out), join(',', ($running) x 4), 'concurrent start_worker: all return its pid')
	or diag("their errors: " . join(' | ', map { $_ // '' } @err));

# privileges: EXECUTE is revoked from PUBLIC
$node->safe_psql('postgres', 'CREATE ROLE alice LOGIN');
for my $f ('start_worker', 'stop_worker', 'wake_worker')
{
	($ret, $out, $err) = $node->psql('postgres', "SELECT al.$f()",
		extra_params => [ '-U', 'alice', '-v', 'VERBOSITY=verbose' ]);
	like($err, qr/ERROR:  42501: permission denied for function $f/, "$f refused to a plain role");
}
is(worker_pids('postgres'), $running, 'refused stop_worker left the worker running');
$node->safe_psql('postgres', 'GRANT EXECUTE ON FUNCTION al.stop_worker(), al.start_worker() TO alice');
is($node->safe_psql('postgres', 'SELECT al.stop_worker()', extra_params => [ '-U', 'alice' ]),
	't', 'a role granted EXECUTE may stop it');
like($node->safe_psql('postgres', 'SELECT al.start_worker()', extra_params => [ '-U', 'alice' ]),
	qr/^[0-9]+$/, 'and start it');
is($node->safe_psql('postgres',
		"SELECT count(*), count(state) FROM al.worker_status WHERE database = 'postgres'",
		extra_params => [ '-U', 'alice' ]),
	'1|0', 'al.worker_status tells a plain role that a worker runs, not what it does');
$node->safe_psql('postgres', 'GRANT pg_read_all_stats TO alice');
is($node->safe_psql('postgres',
		"SELECT count(state) FROM al.worker_status WHERE database = 'postgres'",
		extra_params => [ '-U', 'alice' ]),
	'1', 'pg_read_all_stats shows its state too');

# the server shuts down cleanly with workers running
$node->stop;
unlike(slurp_file($node->logfile), qr/terminated by signal|exited with exit code [^01]/,
	'no worker ever crashed');
done_testing();
