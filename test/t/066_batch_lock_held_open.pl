# Attack (review of main): README "Nothing to stall" and issue 8 item 6 say
# no role can make another role's al.next_batch hang.  But the batch lock of
# a learner (class 16717) is a transaction lock: an annotator who calls
# al.next_batch in a transaction and leaves it open (idle in transaction, a
# forgotten BEGIN in a client, a PREPARE TRANSACTION) holds it until that
# transaction ends, and every other annotator's al.next_batch of that
# learner waited for it, without limit by default.
#
# Since then small batches (at most 64 items) take the lock in share mode
# and claim their items one by one, so an open one stalls no other small
# batch (it hides its own items); a large batch takes the lock exclusively
# and still waits for the open batches, and one annotator's batches wait for
# each other (batch_lock.c).  Every such wait is bounded: after
# al_ext.batch_lock_timeout (default 5s), or lock_timeout if shorter,
# al.next_batch fails with 55P03 saying why; and a transaction that holds
# the lock cannot be prepared (it would hold it beyond any session).
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
	FROM generate_series(1, 200) i;
	SELECT al.create_learner('l', 'o.pool', 'id', 'x', ARRAY['a', 'b']);
	SELECT al.grant_learner('l', 'ann', 'annotate');
	SELECT al.grant_learner('l', 'mallory', 'annotate');
});

# psql as a role with SQLSTATEs in messages; a statement_timeout of 60s
# turns the old unbounded wait into a failure instead of a hang.
# Returns (stdout, stderr).
sub as_role
{
	my ($role, $sql) = @_;
	my ($ret, $out, $err) = $node->psql('postgres', "SET statement_timeout = '60s';\n$sql",
		extra_params => [ '-U', $role, '-v', 'VERBOSITY=verbose' ]);
	return ($out, $err);
}

my $held_msg = qr/ERROR:  55P03: could not take a batch of learner "l": the transaction of another batch of it is still open/;
my $held_hint = qr/HINT:  A transaction left open \(or prepared\) after al.next_batch blocks the learner's other annotators: commit al.next_batch promptly/;

# 1. mallory takes a batch in a transaction and keeps it open
my $mallory = $node->background_psql('postgres', on_error_stop => 0,
	extra_params => [ '-U', 'mallory', '-v', 'VERBOSITY=verbose' ]);
$mallory->query_safe('BEGIN');
my $mallorys = $mallory->query_safe(q{SELECT item_id FROM al.next_batch('l', 1)});

# small batches run side by side: another annotator's comes at once, without
# the item mallory's open batch claimed
my ($out, $err) = as_role('ann', q{SET al_ext.batch_lock_timeout = '100ms'; SELECT string_agg(item_id, ',') FROM al.next_batch('l', 3)});
my @small = split /,/, $out;
is(scalar(@small) . "|$err", '3|', 'an open small batch stalls no other small batch');
ok(!grep({ $_ eq $mallorys } @small), 'which skips the item of the open batch');

# a large batch (more than 64 items) waits for the open batches: the default
# bound (5s), then an error that says why, not an endless wait
($out, $err) = as_role('ann', q{SELECT count(*) FROM al.next_batch('l', 100)});
like($err, $held_msg, 'a large batch waits a bounded time, then gets 55P03 naming the learner');
like($err, $held_hint, 'with a hint: a transaction left open after al.next_batch blocks the others');
like($err, qr/DETAIL:  al.next_batch waited 5000 ms \(al_ext.batch_lock_timeout/, 'the default bound is 5s');

# the bound is al_ext.batch_lock_timeout, or lock_timeout if shorter
($out, $err) = as_role('ann', q{SET al_ext.batch_lock_timeout = '200ms'; SELECT count(*) FROM al.next_batch('l', 100)});
like($err, qr/waited 200 ms/, 'al_ext.batch_lock_timeout sets the bound');
like($err, $held_msg, 'and the same error');
($out, $err) = as_role('ann', q{SET lock_timeout = '300ms'; SELECT count(*) FROM al.next_batch('l', 100)});
like($err, qr/$held_msg.*waited 300 ms/s, 'a shorter lock_timeout bounds it too, with the same error');

# mallory's own batches wait for her open one (her cap counts her leases), bounded too
($out, $err) = as_role('mallory', q{SET al_ext.batch_lock_timeout = '200ms'; SELECT count(*) FROM al.next_batch('l', 1)});
like($err, qr/ERROR:  55P03: could not take a batch of learner "l" for annotator "mallory": another transaction took one for it and is still open/,
	'a second session of the same annotator waits a bounded time, then gets 55P03 naming the annotator');

# the learner's rounds do not wait for mallory's open transaction: the owner
# labels, retrains and the round publishes a model
($out, $err) = as_role('owner1', q{SELECT al.label('l', 1, 'a'), al.label('l', 2, 'b'), al.retrain('l'); SELECT al.run_learner('l')});
is("$out|$err", "||\nretrained|", 'a round of the learner trains and publishes meanwhile');

# a wait that ends in time is a real wait in the lock's queue: the batch comes
my $ann = $node->background_psql('postgres', on_error_stop => 0, extra_params => [ '-U', 'ann' ]);
my $ann_pid = $ann->query_safe(q{SET al_ext.batch_lock_timeout = '10min'; SET statement_timeout = '10min'; SELECT pg_backend_pid()});
$ann->query_until(qr/asking/, "\\echo asking\nSELECT string_agg(item_id, ',') FROM al.next_batch('l', 100);\n");
ok($node->poll_query_until('postgres', qq{
	SELECT count(*) = 1 FROM pg_locks
	WHERE pid = $ann_pid AND locktype = 'advisory' AND objsubid = 16717 AND NOT granted}),
	'a large batch waits in the queue of the batch lock while a small one is open');
$mallory->query_safe('COMMIT');
my ($batch, $failed) = $ann->query(q{SELECT 'done'});
my @items = split /,/, (split /\n/, $batch)[0];
is(scalar(@items) . " $failed", '100 0',
	'once mallory commits, the waiting annotator gets its 100 items');
ok(!grep({ $_ eq $mallorys } @items), 'none of them is the item leased to mallory');
$ann->quit;

# 2. a prepared transaction would hold the lock beyond any session: refused
# (two batches in it: the second finds the lock already taken)
$mallory->query_safe('BEGIN');
$mallory->query_safe(q{SELECT count(*) FROM al.next_batch('l', 1)});
is($mallory->query_safe(q{SELECT count(*) FROM al.next_batch('l', 2)}), '2',
	'a second batch in the same transaction comes at once');
$mallory->query(q{PREPARE TRANSACTION 'keep'});
like($mallory->{stderr},
	qr/ERROR:  0A000: cannot PREPARE a transaction that took a batch of learner "l" with al.next_batch/,
	'PREPARE TRANSACTION of a transaction that took a batch is refused (0A000)');
$mallory->{stderr} = '';
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_prepared_xacts}), '0', 'nothing was prepared');
is($node->safe_psql('postgres', q{SELECT count(*) FROM al.leases WHERE annotator = 'mallory'}), '1',
	'and its batch was rolled back (mallory keeps only her committed lease)');
($out, $err) = as_role('ann', q{SELECT count(*) FROM al.next_batch('l', 3)});
is("$out|$err", '3|', 'another annotator gets a batch at once');

# a batch taken in a subtransaction that was rolled back holds no lock: preparing is fine,
# and so is preparing a transaction that took no batch
$mallory->query_safe(q{BEGIN; SAVEPOINT s});
$mallory->query_safe(q{SELECT count(*) FROM al.next_batch('l', 1)});
$mallory->query_safe(q{ROLLBACK TO SAVEPOINT s; PREPARE TRANSACTION 'fine'});
is($node->safe_psql('postgres', q{SELECT gid FROM pg_prepared_xacts}), 'fine',
	'a transaction whose batch was rolled back to a savepoint can be prepared');
$node->safe_psql('postgres', q{COMMIT PREPARED 'fine'});
$mallory->query_safe(q{BEGIN; SELECT count(*) FROM al.leases; PREPARE TRANSACTION 'plain'});
is($node->safe_psql('postgres', q{SELECT gid FROM pg_prepared_xacts}), 'plain',
	'and so can one that took no batch');
$node->safe_psql('postgres', q{ROLLBACK PREPARED 'plain'});
($out, $err) = as_role('ann', q{SELECT count(*) FROM al.next_batch('l', 3)});
is("$out|$err", '3|', 'the batches still flow');
$mallory->quit;

$node->stop;
done_testing();
