# The selection aggregates (al.kcenter, al.ranked_batch, al.badge, the
# greedy sampling aggregates, ...) hold their rows in memory and can run
# long: their memory is bounded by al_ext.selection_max_memory (refused
# with 53400 before the rows exhaust the server), and their final function
# can be cancelled while it selects.
#
# Memory: each call runs in a fresh session whose peak resident memory
# (VmHWM of /proc/self/status, read by the same backend) is compared with
# that of an idle session.  Cancellation: the final function logs a DEBUG1
# line when it starts selecting; the test waits for that line, cancels the
# backend and waits for it to go idle.  The selections would take hours
# (k-center, ranked batch, BADGE, iGS and GSy with as many picks as points
# on a line of 1,000,000), so a final function that ignored the cancel
# would fail the wait's timeout; no other timing is assumed.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('selection');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_buffers = '16MB'
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE line AS
	SELECT i::bigint AS id, ARRAY[i::float8] AS x, i::float8 AS score,
		'[0.25,0.75]'::al.probvec AS p
	FROM generate_series(1, 1000000) i;
});

# peak resident memory (kB) of a session that ran $sql, and $sql's result
# or error
sub peak_after
{
	my ($sql) = @_;
	my ($rc, $out, $err) = $node->psql('postgres', qq{
		SET client_min_messages = warning;
		$sql;
		\\echo peak
		SELECT substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\\s*([0-9]+) kB');
	}, on_error_stop => 0);
	my @lines = split /\n/, $out;
	return ($lines[-1], $err ne '' ? $err : $lines[0]);
}

my ($idle) = peak_after('SELECT 1');
note("peak of an idle session: $idle kB");

# 1,000,000 rows of 16 features: 1,000,000 x (82 + 64) bytes = 146 MB of
# rows.  With al_ext.selection_max_memory = 8MB the aggregate refuses the
# row after the first 8,388,608 / 146 = 57,456; without, it holds them all
# (which shows what the bound is worth).
my $rows16 = q{SELECT al.kcenter(i, array_fill(i::float8, ARRAY[16]), 1) FROM generate_series(1, 1000000) i};
my $bound_kb = $idle + 32 * 1024;
my ($peak, $res) = peak_after("SET al_ext.selection_max_memory = '8MB'; $rows16");
like($res, qr/al.kcenter needs more than al_ext.selection_max_memory \(8MB\) for its rows/,
	'1,000,000 rows of 16 features refused under an 8 MB limit');
cmp_ok($peak, '<', $bound_kb, "refused with a peak of $peak kB (idle $idle kB)");
($peak, $res) = peak_after($rows16);
is($res, '{500000}', 'under the default limit (1GB) they are selected: the row nearest the centroid');
cmp_ok($peak, '>', $bound_kb, "peaking at $peak kB");

# al.balanced_top_k and al.epsilon_greedy keep only the rows they can pick
# (k per class; the k best scores and k largest keys): 2,000,000 rows with
# k = 10 stay near an idle session, where keeping them all would take
# 2,000,000 x 22 bytes (id, flags, score, class) = 44 MB of arrays
($peak, $res) = peak_after(q{SELECT al.balanced_top_k(i, i % 1000, (ARRAY['[0.2,0.8]', '[0.7,0.3]'])[i % 2 + 1]::al.probvec, 10, 0.5) FROM generate_series(1, 2000000) i});
# (scores 999 are odd ids, class 1; 998 even ids, class 2: with a cap of
# one half the classes alternate, ties to the lowest id)
is($res, '{999,998,1999,1998,2999,2998,3999,3998,4999,4998}',
	'al.balanced_top_k over 2,000,000 rows: the classes alternate, ties to the lowest id');
cmp_ok($peak, '<', $bound_kb, "peaking at $peak kB");
($peak, $res) = peak_after(q{SELECT al.epsilon_greedy(i, i % 1000, 10, 0, 1) FROM generate_series(1, 2000000) i});
is($res, '{999,1999,2999,3999,4999,5999,6999,7999,8999,9999}',
	'al.epsilon_greedy over 2,000,000 rows, epsilon 0: the best 10 scores, ties to the lowest id');
cmp_ok($peak, '<', $bound_kb, "peaking at $peak kB");

# cancel each long-running kernel while it selects
my $offset = -s $node->logfile;
my $session = $node->background_psql('postgres', on_error_stop => 0);
my $pid = $session->query_safe('SELECT pg_backend_pid()');
$session->query_safe(q{SET log_min_messages = debug1});
foreach my $case (
	[ 'al.kcenter',      q{SELECT al.kcenter(id, x, 1000000) FROM line} ],
	[ 'al.ranked_batch', q{SELECT al.ranked_batch(id, x, score, 1000000) FROM line} ],
	[ 'al.badge',        q{SELECT al.badge(id, x, p, 1000000, 1) FROM line} ],
	# greedy sampling for regression: the score stands for a prediction
	[ 'al.improved_greedy_sampling', q{SELECT al.improved_greedy_sampling(id, x, score, NULL, 1000000) FROM line} ],
	[ 'al.greedy_sampling_y', q{SELECT al.greedy_sampling_y(id, score, NULL, 1000000) FROM line} ])
{
	my ($name, $sql) = @$case;
	my $started = qr/\Q$name\E: selecting 1000000 of 1000000 candidates/;

	$session->{stderr} = '';
	$session->query_until(qr/started/, "\\echo started\n$sql;\n");
	$offset = $node->wait_for_log($started, $offset);
	ok($node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)") eq 't',
		"$name: cancel sent while it selects");
	ok($node->poll_query_until('postgres',
			"SELECT state = 'idle' FROM pg_stat_activity WHERE pid = $pid"),
		"$name: the selection stops");
	$session->query('SELECT 1');
	like($session->{stderr}, qr/canceling statement due to user request/,
		"$name: the statement was cancelled");
}
$session->quit;

$node->stop;
done_testing();
