# Review of 596d407 (option rescore_sample's draw in the round's one query)
# and 74364dd (al.label, al.label_many and al.release end leases by the
# tids item_probe finds, DELETE ... WHERE ctid = ANY(tids)).
#
# FINDING (medium, mended): a lease renewed concurrently was left live.
#   The tids were found with a snapshot of their own (GetLatestSnapshot)
#   and the DELETE ran with another, and a renewed lease
#   (al.next_batch's INSERT ... ON CONFLICT DO UPDATE of an expired lease)
#   has a new tid:
#   (1) the renewal in progress: the DELETE waits for its row, then
#       EvalPlanQual rechecks the new version, whose ctid is not in the
#       list (a sequential scan rechecks the ctid condition): the labeling
#       annotator keeps a live lease of the item it just labeled, and
#       al.release answers 0 for a lease it holds;
#   (2) the renewal committed between the probe and the DELETE's snapshot
#       (here the DELETE waits for its table lock behind a LOCK ... SHARE):
#       the old tid is no longer visible, the new one was not found;
#   (3) REPEATABLE READ: the probe saw the renewed version, the DELETE's
#       transaction snapshot does not: no error, the lease stays (the
#       statements joined before, and failed to serialize).
#   Now item_probe_end_leases probes with the DELETE's own snapshot and
#   runs the DELETE with it (SPI_execute_snapshot), then probes again with
#   a new snapshot until no tid is new.  Every check of sections 1-3 fails
#   on 74364dd and passes on its parent and with the fix.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use AlNode;

my $node = al_preloaded_node('review17');

sub sq { my ($sql) = @_; return $node->safe_psql('postgres', $sql); }

sq(q{
	CREATE EXTENSION al_ext;
	CREATE TABLE rl_pool AS SELECT i::bigint AS id, ARRAY[i % 7, i % 5]::real[] AS x FROM generate_series(1, 200) i;
	ALTER TABLE rl_pool ADD PRIMARY KEY (id);
	SELECT al.create_learner('rl', 'rl_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"lease": "1 hour"}');
	-- the live leases of annotator ann on item
	CREATE FUNCTION live(ann text, item text) RETURNS bigint LANGUAGE sql AS $$
		SELECT count(*) FROM al.leases WHERE annotator = ann AND item_id = item AND expires_at > now() $$;
});

# Annotator $ann takes an item, its lease expires, and a session renews it
# (al.next_batch, not committed): returns (item, that session).
sub renewing
{
	my ($ann) = @_;
	my $item = sq(qq{SELECT item_id FROM al.next_batch('rl', 1, '$ann')});
	sq(qq{UPDATE al.leases SET expires_at = now() - interval '1 second' WHERE annotator = '$ann'});
	my $b = $node->background_psql('postgres');
	is($b->query_safe(qq{BEGIN; SELECT item_id FROM al.next_batch('rl', 1, '$ann')}), $item,
		"$ann: another session of $ann renews its expired lease of item $item");
	return ($item, $b);
}

# The statement that ends annotator $ann's lease of $item: $fn is label,
# label_many or release.
sub ending
{
	my ($fn, $ann, $item) = @_;
	return qq{SELECT al.label('rl', '$item', 'a', '$ann') IS NULL AS labeled} if $fn eq 'label';
	return qq{SELECT al.label_many('rl', jsonb_build_array(jsonb_build_object('item', '$item', 'label', 'a', 'annotator', '$ann'))) AS labeled}
	  if $fn eq 'label_many';
	return qq{SELECT al.release('rl', ARRAY['$item'], '$ann') AS released};
}

# ---- 1. the renewal in progress while the lease ends ----
for my $fn (qw(label label_many release))
{
	my $ann = "r1_$fn";
	my ($item, $b) = renewing($ann);
	my $a = $node->background_psql('postgres', on_error_stop => 0);
	my $pid = $a->query_safe('SELECT pg_backend_pid()');
	$a->query_until(qr/ending/, "\\echo ending\n" . ending($fn, $ann, $item) . ";\n");
	ok($node->poll_query_until('postgres', qq{SELECT wait_event = 'transactionid' FROM pg_stat_activity WHERE pid = $pid}),
		"1 $fn: waits for the renewal's row");
	$b->query_safe('COMMIT');
	my $out = $a->query_safe(q{SELECT 'after'});
	is(sq(qq{SELECT live('$ann', '$item')}), '0', "1 $fn: the renewed lease ended");
	like($out, qr/^1$/m, '1 release: answers 1') if $fn eq 'release';
	$a->quit;
	$b->quit;
}

# ---- 2. the renewal commits between the probe and the DELETE's snapshot ----
# (the DELETE waits for its lock on al.leases behind a LOCK ... IN SHARE
# MODE that waits for the renewal)
for my $fn (qw(label release))
{
	my $ann = "r2_$fn";
	my ($item, $b) = renewing($ann);
	my $c = $node->background_psql('postgres');
	my $cpid = $c->query_safe('SELECT pg_backend_pid()');
	$c->query_until(qr/locking/, "\\echo locking\nBEGIN; LOCK al.leases IN SHARE MODE;\n");
	ok($node->poll_query_until('postgres', qq{SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $cpid}),
		"2 $fn: the LOCK waits for the renewal");
	my $a = $node->background_psql('postgres', on_error_stop => 0);
	my $pid = $a->query_safe('SELECT pg_backend_pid()');
	$a->query_until(qr/ending/, "\\echo ending\n" . ending($fn, $ann, $item) . ";\n");
	ok($node->poll_query_until('postgres', qq{SELECT wait_event = 'relation' FROM pg_stat_activity WHERE pid = $pid}),
		"2 $fn: the DELETE waits for its lock on al.leases");
	$b->query_safe('COMMIT');
	$c->query_safe(q{SELECT 'locked'});
	$c->query_safe('COMMIT');
	my $out = $a->query_safe(q{SELECT 'after'});
	is(sq(qq{SELECT live('$ann', '$item')}), '0', "2 $fn: the renewed lease ended");
	like($out, qr/^1$/m, '2 release: answers 1') if $fn eq 'release';
	$a->quit;
	$b->quit;
	$c->quit;
}

# ---- 3. REPEATABLE READ: a renewal committed after the transaction's snapshot ----
for my $fn (qw(label release))
{
	my $ann = "r3_$fn";
	my $item = sq(qq{SELECT item_id FROM al.next_batch('rl', 1, '$ann')});
	sq(qq{UPDATE al.leases SET expires_at = now() - interval '1 second' WHERE annotator = '$ann'});
	my $a = $node->background_psql('postgres', on_error_stop => 0);
	$a->query_safe(q{BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM al.leases});
	is(sq(qq{SELECT item_id FROM al.next_batch('rl', 1, '$ann')}), $item, "3 $fn: the lease is renewed and committed");
	$a->query(ending($fn, $ann, $item));
	like($a->{stderr}, qr/could not serialize access due to concurrent update/,
		"3 $fn: the DELETE fails to serialize (the renewed version is not the one it sees)");
	$a->{stderr} = '';
	$a->query_safe('ROLLBACK');
	$a->quit;
	is(sq(qq{SELECT count(*) FROM al.labels WHERE annotator = '$ann'}) . ' ' . sq(qq{SELECT live('$ann', '$item')}),
		'0 1', "3 $fn: nothing labeled, the renewed lease live");
}

# ---- 4. without concurrency: every lease of the items, NULL and repeated elements ----
{
	my $items = sq(q{SELECT string_agg(item_id, ',' ORDER BY item_id) FROM al.next_batch('rl', 5, 'r4')});
	my @items = split /,/, $items;
	is(sq(qq{SELECT al.release('rl', ARRAY[NULL, '$items[0]', '$items[0]', NULL, '$items[1]'], 'r4')}), '2',
		'4: a release of 2 items among NULLs and repeats ends 2 leases');
	is(sq(qq{SELECT al.release('rl', ARRAY[['$items[2]', '$items[3]'], ['$items[4]', NULL]], 'r4')}), '3',
		'4: a two-dimensional array releases its 3 items');
	is(sq(q{SELECT count(*) FROM al.leases WHERE annotator = 'r4'}), '0', '4: none left');
}

$node->stop;
done_testing();
