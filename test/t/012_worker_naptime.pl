# The worker's loop honours al_ext.naptime and a SIGHUP reload of it, and
# wakes up right after a committed al.wake_worker (learner_wake_worker),
# not after an aborted one and not before the commit.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Time::HiRes qw(time usleep);
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('naptime');
$node->init;
# debug1: the worker logs one line per pass over the learners
$node->append_conf('postgresql.conf', qq{
log_min_messages = debug1
al_ext.naptime = '200ms'
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

# set al_ext.naptime in the configuration file and reload
sub set_naptime
{
	my ($value) = @_;
	$node->append_conf('postgresql.conf', "al_ext.naptime = '$value'");
	$node->reload;
	usleep(300_000);
}

# naptime 200ms: about 5 passes a second
my $n = passes_during(1.5);
ok($n >= 4 && $n <= 11, "naptime 200ms: $n passes in 1.5 s");

# SIGHUP: the new naptime applies without a restart
set_naptime('1h');
$n = passes_during(1);
ok($n <= 1, "naptime 1h after reload: $n passes in 1 s");

# wake-up: not after an abort, not before commit, at once after commit
$node->safe_psql('postgres', 'BEGIN; SELECT al.wake_worker(); ROLLBACK');
is(passes_during(0.3), 0, 'aborted wake_worker does not wake the worker');
my $session = $node->background_psql('postgres');
$session->query_safe('BEGIN');
$session->query_safe('SELECT al.wake_worker()');
is(passes_during(0.3), 0, 'wake_worker waits for the commit');
my $offset = -s $node->logfile;
my $t0 = time();
$session->query_safe('COMMIT');
$node->wait_for_log($pass, $offset);
my $delay = time() - $t0;
ok($delay < 5, sprintf('committed wake_worker wakes the worker at once (%.2f s, naptime 1h)', $delay));
$session->quit;

# a reload wakes a worker sleeping a long naptime
set_naptime('100ms');
$n = passes_during(0.8);
ok($n >= 3, "naptime 100ms after reload: $n passes in 0.8 s");

$node->stop;
done_testing();
