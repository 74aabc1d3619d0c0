# Attack (review of main): README "Nothing to stall" and issue 8 item 6 say
# no role can make another role's al.next_batch hang.  But the batch lock of
# a learner (class 16717) is a transaction lock: an annotator who calls
# al.next_batch in a transaction and leaves it open (idle in transaction, a
# forgotten BEGIN in a client, a PREPARE TRANSACTION) holds it until that
# transaction ends, and every other annotator's al.next_batch of that
# learner waits for it, without limit by default.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('batchlock');
$node->init;
$node->append_conf('postgresql.conf', 'max_prepared_transactions = 2');
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE ROLE owner1 LOGIN;
	CREATE ROLE ann LOGIN;
	CREATE ROLE mallory LOGIN;
	CREATE SCHEMA o AUTHORIZATION owner1;
	SET ROLE owner1;
	CREATE TABLE o.pool AS
	SELECT i::bigint AS id, ARRAY[(i % 2) * 2 + (i % 5) * 0.1, (i % 3) * 0.3]::real[] AS x
	FROM generate_series(1, 50) i;
	SELECT al.create_learner('l', 'o.pool', 'id', 'x', ARRAY['a', 'b']);
	SELECT al.grant_learner('l', 'ann', 'annotate');
	SELECT al.grant_learner('l', 'mallory', 'annotate');
});

# psql as a role; returns (stdout, stderr)
sub as_role
{
	my ($role, $sql) = @_;
	my ($ret, $out, $err) = $node->psql('postgres', $sql, extra_params => [ '-U', $role ]);
	return ($out, $err);
}

# 1. mallory takes a batch in a transaction and keeps it open
my $mallory = $node->background_psql('postgres', extra_params => [ '-U', 'mallory' ]);
$mallory->query_safe('BEGIN');
$mallory->query_safe(q{SELECT count(*) FROM al.next_batch('l', 1)});
my ($out, $err) = as_role('ann', q{SET lock_timeout = '3s'; SELECT count(*) FROM al.next_batch('l', 3)});
is("$out|$err", '3|', 'an annotator gets a batch while another annotator idles in a transaction');
$mallory->query_safe('COMMIT');

# 2. the same through a prepared transaction, which outlives mallory's session
$mallory->query_safe('BEGIN');
$mallory->query_safe(q{SELECT count(*) FROM al.next_batch('l', 1)});
$mallory->query_safe(q{PREPARE TRANSACTION 'keep'});
$mallory->quit;
($out, $err) = as_role('ann', q{SET lock_timeout = '3s'; SELECT count(*) FROM al.next_batch('l', 3)});
is("$out|$err", '3|', 'an annotator gets a batch while a prepared transaction holds a batch');
$node->safe_psql('postgres', q{ROLLBACK PREPARED 'keep'});

$node->stop;
done_testing();
