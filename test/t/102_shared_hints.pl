# The hints the sessions of a learner share when al_ext is preloaded
# (src/loop/batch_hint_shared.c): a small batch tells the other sessions at
# once where its claims end, and every way items before that point reopen
# (a rolled back batch, a rolled back savepoint, a release, an unlabel, an
# administrator's DELETE, UPDATE or TRUNCATE, a lease expiring) makes the next
# batch of any session read from the top again.  Each batch here is run in a
# new connection (which has no hint of its own) and compared with the open
# items of the ranking in the hand-out order.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use AlNode;

my $node = al_preloaded_node('sharedhints');

# a learner of 300 text ids whose entropies all differ; $db2 the same in a
# second database (the same learner id there)
my $setup = q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS SELECT 'i' || lpad(g::text, 3, '0') AS id,
		ARRAY[0.5 - g / 1000.0, 0.5 + g / 1000.0]::float8[]::al.probvec AS p
	FROM generate_series(1, 300) g;
	ALTER TABLE pool ADD PRIMARY KEY (id);
	SELECT al.create_learner('sh', 'pool', 'id', 'p', ARRAY['a', 'b'], 'entropy', '{"predictions": true}');
	SELECT al.predictions_updated('sh', 'v1');
	SELECT al.run_learner('sh');
} . al_open_order_view('open_order', 'sh') . q{
};
$node->safe_psql('postgres', $setup);
$node->safe_psql('postgres', 'CREATE DATABASE db2');
$node->safe_psql('db2', $setup);
is($node->safe_psql('postgres', q{SELECT id FROM al.learners WHERE name = 'sh'}),
	$node->safe_psql('db2', q{SELECT id FROM al.learners WHERE name = 'sh'}), 'the learners of both databases have one id');

# the first k open items in the hand-out order
sub first_open
{
	my ($k, $db) = @_;
	return $node->safe_psql($db // 'postgres', "SELECT string_agg(item_id, ',' ORDER BY pos) FROM open_order WHERE pos <= $k");
}

# a batch of k in a new session: (its items in order, where it read from)
sub batch
{
	my ($k, $ann, $db) = @_;
	my ($out, $err) = ('', '');
	$node->psql($db // 'postgres',
		"SET client_min_messages = debug1; SELECT string_agg(item_id, ',' ORDER BY o) "
		  . "FROM al.next_batch('sh', $k, '$ann') WITH ORDINALITY b(item_id, s, p, q, o)",
		stdout => \$out, stderr => \$err, on_error_die => 1);
	my ($from) = $err =~ /reads its hot rows (from the top|from a hint)/;
	return ($out, $from // 'nowhere');
}

# ---- 1. a new session starts where the others' batches ended ----
my ($want, $got, $from) = (first_open(5));
($got, $from) = batch(5, 'ann1');
is("$got|$from", "$want|from the top", 'the first batch reads from the top');
my $in_order = 1;
my $from_hint = 0;
for my $i (1 .. 12)
{
	$want = first_open(5);
	($got, $from) = batch(5, 'ann' . ($i % 3));
	$in_order &&= $got eq $want;
	$from_hint++ if $from eq 'from a hint';
}
ok($in_order, 'twelve batches in new sessions each give the first five open items');
is($from_hint, 12, 'each starts from the hint the batch before shared');

# ---- 2. an open batch's claims are skipped; rolled back, they are open again ----
my $a = $node->background_psql('postgres', on_error_stop => 0);
$want = first_open(10);
$a->query_safe('BEGIN');
my $held = $a->query_safe(q{SELECT string_agg(item_id, ',' ORDER BY o) FROM al.next_batch('sh', 5, 'held') WITH ORDINALITY b(item_id, s, p, q, o)});
($got, $from) = batch(5, 'ann1');
is("$held,$got|$from", "$want|from a hint", 'a batch beside an open one takes the five after its claims, from its hint');
$want = $held;
$a->query_safe('ROLLBACK');
($got, $from) = batch(5, 'ann2');
is("$got|$from", "$want|from the top", 'once the open batch rolls back, the next batch reads from the top and takes its items');

# the same with a savepoint rolled back while the transaction goes on
$want = first_open(5);
$a->query_safe('BEGIN');
$a->query_safe('SAVEPOINT s');
$held = $a->query_safe(q{SELECT string_agg(item_id, ',' ORDER BY o) FROM al.next_batch('sh', 5, 'held') WITH ORDINALITY b(item_id, s, p, q, o)});
is($held, $want, 'a batch in a savepoint takes the first five');
$a->query_safe('ROLLBACK TO SAVEPOINT s');
($got, $from) = batch(5, 'ann1');
is("$got|$from", "$want|from the top", 'rolled back to the savepoint, its items go to the next batch');
$a->query_safe('COMMIT');

# a batch rolled back to a savepoint, then the transaction prepared: its
# claims went with the savepoint, the next batch of another session takes
# its items, and the session goes on
$want = first_open(5);
$a->query_safe('BEGIN');
$a->query_safe('SAVEPOINT s');
$held = $a->query_safe(q{SELECT string_agg(item_id, ',' ORDER BY o) FROM al.next_batch('sh', 5, 'held') WITH ORDINALITY b(item_id, s, p, q, o)});
$a->query_safe('ROLLBACK TO SAVEPOINT s');
$a->query_safe(q{PREPARE TRANSACTION 'after_batch'});
$node->safe_psql('postgres', q{COMMIT PREPARED 'after_batch'});
($got, $from) = batch(5, 'ann1');
is("$held|$got", "$want|$want", 'a batch rolled back to a savepoint, the transaction prepared: its items go to the next batch');
is($a->query_safe(q{SELECT count(*) FROM al.next_batch('sh', 2, 'held')}), '2', 'and the session takes batches again');

# ---- 3. a release or an unlabel in another session ----
my ($first) = batch(5, 'ann1');
batch(5, 'ann2');
$node->safe_psql('postgres', "SELECT al.release('sh', string_to_array('$first', ','), 'ann1')");
($got, $from) = batch(5, 'ann3');
is("$got|$from", "$first|from the top", 'released items go to the next batch of another session');
($first) = batch(1, 'ann1');
$node->safe_psql('postgres', "SELECT al.label('sh', '$first', 'a', 'ann1')");
($got, $from) = batch(1, 'ann2');
isnt($got, $first, 'a labeled item is not handed out again');
is($from, 'from a hint', 'a label reopens nothing: the next batch reads from the hint');
$node->safe_psql('postgres', "SELECT al.unlabel('sh', '$first', 'ann1')");
($got, $from) = batch(1, 'ann3');
is("$got|$from", "$first|from the top", 'an unlabeled item goes to the next batch of another session');

# ---- 4. an administrator's changes to al.leases and al.labels ----
($first) = batch(5, 'ann1');
batch(5, 'ann2');
$node->safe_psql('postgres', "DELETE FROM al.leases WHERE item_id = ANY (string_to_array('$first', ','))");
($got, $from) = batch(5, 'ann3');
is("$got|$from", "$first|from the top", 'after a DELETE of leases their items go to the next batch');
($first) = batch(2, 'ann1');
batch(5, 'ann2');
$node->safe_psql('postgres', "UPDATE al.leases SET expires_at = now() WHERE item_id = ANY (string_to_array('$first', ','))");
($got, $from) = batch(2, 'ann3');
is("$got|$from", "$first|from the top", 'after an UPDATE that ends leases their items go to the next batch');
($first) = batch(1, 'ann1');
$node->safe_psql('postgres', "SELECT al.label('sh', '$first', 'b', 'ann1')");
batch(5, 'ann2');
$node->safe_psql('postgres', "DELETE FROM al.labels WHERE item_id = '$first'");
($got, $from) = batch(1, 'ann3');
is("$got|$from", "$first|from the top", 'after a DELETE of a label its item goes to the next batch');
$node->safe_psql('postgres', 'TRUNCATE al.leases');
$want = first_open(5);
like($want, qr/^i001,/, 'after a TRUNCATE of the leases the whole ranking is open');
($got, $from) = batch(5, 'ann3');
is("$got|$from", "$want|from the top", 'and the next batch reads it from the top');

# ---- 5. a lease expiring before the hint ends ----
$node->safe_psql('postgres', q{SELECT al.alter_learner('sh', NULL, '{"lease": "2 seconds"}')});
$node->safe_psql('postgres', "SELECT al.release('sh', ARRAY(SELECT item_id FROM al.leases), a) FROM (SELECT DISTINCT annotator a FROM al.leases) t");
($first) = batch(5, 'ann1');
($got, $from) = batch(5, 'ann2');
is($from, 'from a hint', 'within the lease the next batch reads from the hint');
sleep(3);
($got, $from) = batch(5, 'ann3');
is("$got|$from", "$first|from the top", 'once the first leases expire, their items go to the next batch (not 10 s later)');
$node->safe_psql('postgres', q{SELECT al.alter_learner('sh', NULL, '{"lease": "1 hour"}')});

# ---- 6. two databases, one learner id: their hints are apart ----
$node->safe_psql('postgres', 'TRUNCATE al.leases');
my $apart = 1;
for my $i (1 .. 6)
{
	for my $db ('postgres', 'db2')
	{
		$want = first_open(4, $db);
		($got) = batch(4, "ann$i", $db);
		$apart &&= $got eq $want;
	}
}
ok($apart, 'batches alternating between two databases each give their first open items');

# ---- 7. no item twice among concurrent sessions, with rollbacks ----
$node->safe_psql('postgres', 'TRUNCATE al.leases');
my @s = map { $node->background_psql('postgres', on_error_stop => 0) } 1 .. 4;
for my $round (1 .. 10)
{
	for my $i (0 .. 3)
	{
		$s[$i]->query_safe('BEGIN');
		$s[$i]->query_safe("SELECT count(*) FROM al.next_batch('sh', 3, 'c$i')");
	}
	# one of them rolls back each round
	for my $i (0 .. 3)
	{
		$s[$i]->query_safe(($i == $round % 4) ? 'ROLLBACK' : 'COMMIT');
	}
}
is($node->safe_psql('postgres', q{SELECT count(*) || ' ' || count(DISTINCT item_id) FROM al.leases}), '90 90',
	'30 committed batches of 3 hold 90 distinct items');
$want = first_open(5);
($got, $from) = batch(5, 'last');
is($got, $want, 'the next batch takes the first open items, the rolled back ones among them');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM (SELECT item_id, row_number() OVER (ORDER BY rank, score DESC, item_id) AS pos
	                      FROM al.scores s WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'sh')) o
	WHERE pos <= 95 AND NOT EXISTS (SELECT 1 FROM al.leases x WHERE x.item_id = o.item_id)
	AND NOT EXISTS (SELECT 1 FROM al.labels x WHERE x.item_id = o.item_id)}), '0',
	'the 95 items handed out are the first 95 of the ranking');

$_->quit for (@s, $a);
unlike(slurp_file($node->logfile), qr/terminated by signal|PANIC/, 'no backend crashed');
$node->stop;
done_testing();
