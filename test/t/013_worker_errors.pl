# The worker survives a cancel, errors of its own queries and of learners'
# rounds without spinning (a failing learner is retried with a growing
# delay while the others go on), and a worker started with al.start_worker
# ends when the extension is dropped.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Time::HiRes qw(usleep);
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('errors');
$node->init;
# debug1: the worker logs one line per pass over the learners
$node->append_conf('postgresql.conf', qq{
log_min_messages = debug1
al_ext.naptime = '100ms'
});
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION al_ext');
my $pid = $node->safe_psql('postgres', 'SELECT al.start_worker()');

# number of log lines after $offset that match $re
sub count_log
{
	my ($re, $offset) = @_;
	my @m = slurp_file($node->logfile, $offset) =~ /$re/g;
	return scalar @m;
}

my $pass = qr/\[$pid\] DEBUG:  al_ext worker for database "postgres" checked \d+ learners/;

# passes of the worker during $secs seconds
sub passes_during
{
	my ($secs) = @_;
	my $offset = -s $node->logfile;
	usleep($secs * 1_000_000);
	return count_log($pass, $offset);
}

# the worker is still the same process
sub same_worker
{
	my ($what) = @_;
	is($node->safe_psql('postgres',
			"SELECT string_agg(pid::text, ',') FROM al.worker_status"),
		$pid, "$what: the worker is still running");
}

# a cancel does not stop the worker
$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)");
usleep(300_000);
same_worker('after pg_cancel_backend');
ok(passes_during(0.5) >= 2, 'after pg_cancel_backend: passes go on');

# an error in the worker's own query: logged, not fatal, no hot loop
my $offset = -s $node->logfile;
$node->safe_psql('postgres', 'ALTER TABLE al.learner_store RENAME TO learner_store_away');
$node->wait_for_log(qr/\[$pid\] ERROR:  relation "al.learner_store" does not exist/, $offset);
$offset = -s $node->logfile;
usleep(1_000_000);
my $n = count_log(qr/\[$pid\] ERROR:  relation "al.learner_store" does not exist/, $offset);
ok($n >= 3 && $n <= 15, "failing listing retried every naptime: $n errors in 1 s");
like(slurp_file($node->logfile, $offset), qr/CONTEXT:  al_ext worker: listing learners/,
	'the error says what the worker was doing');
same_worker('after errors');
$node->safe_psql('postgres', 'ALTER TABLE al.learner_store_away RENAME TO learner_store');
$offset = -s $node->logfile;
$node->wait_for_log(qr/\[$pid\] DEBUG:  al_ext worker for database "postgres" checked 0 learners/, $offset);
pass('the worker recovers once the table is back');

# a learner whose round cannot work (its pool is gone) next to a sound one:
# the worker goes on with the other learner, and retries the broken one
# with a growing delay (at most 5 rounds of it in 1.5 s at naptime 100ms)
$node->safe_psql('postgres', q{
	CREATE TABLE pool_ok (id bigint PRIMARY KEY, x real[]);
	INSERT INTO pool_ok SELECT i, ARRAY[i, -i]::real[] FROM generate_series(1, 20) i;
	CREATE TABLE pool_gone (id bigint PRIMARY KEY, x real[]);
	SELECT al.create_learner('gone', 'pool_gone', 'id', 'x', ARRAY['a', 'b']);
	SELECT al.create_learner('ok', 'pool_ok', 'id', 'x', ARRAY['a', 'b']);
	DROP TABLE pool_gone;
});
my $gone = $node->safe_psql('postgres', q{SELECT id FROM al.learner_store WHERE name = 'gone'});
$offset = -s $node->logfile;
usleep(1_500_000);
my $tail = slurp_file($node->logfile, $offset);
my @rounds_failed = $tail =~ /al_ext worker: learner $gone: round/g;
ok(@rounds_failed <= 5, scalar(@rounds_failed) . ' failed rounds of the broken learner in 1.5 s');
ok(count_log(qr/\[$pid\] DEBUG:  al_ext worker for database "postgres" checked 2 learners/, $offset) >= 5,
	'passes over both learners go on');
same_worker('with a broken learner');
unlike($tail, qr/exited with exit code|terminated by signal/, 'no worker exit');

# DROP EXTENSION ends a worker started with al.start_worker
$offset = -s $node->logfile;
$node->safe_psql('postgres', 'DROP EXTENSION al_ext CASCADE');
$node->wait_for_log(qr/al_ext worker for database "postgres" exiting: extension "al_ext" was dropped/, $offset);
$node->wait_for_log(qr/background worker "al_ext worker" \(PID $pid\) exited with exit code 0/, $offset);
$node->poll_query_until('postgres',
	q{SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'al_ext worker'});
pass('the worker exits once its extension is dropped');

$node->stop;
done_testing();
