# Attack (review of demo11): before the first model, al.next_batch reads a
# seeded random sample of the pool, need + slack rows, leaving out the items
# labeled or leased.  Items claimed by other open batches are not leased yet,
# so the query cannot leave them out, and they come first in the seeded
# order: with two 64-item batches open, a batch of 4 read 16, 28, 52 and 100
# rows in its four passes, found them all claimed and came back empty (which
# reads as "nothing left to label") while 1,872 items were open.  Now the
# cold start reads on, leaving out the rows it passed over, until the batch
# is full or the pool runs out.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('coldclaims');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS
	SELECT i::bigint AS id, ARRAY[i % 7, i % 5]::real[] AS x FROM generate_series(1, 2000) i;
	SELECT al.create_learner('l', 'pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
	                         '{"retrain_every": 100000, "lease": "1 hour"}');
});

# two annotators take 64-item batches and keep their transactions open
my @open;
my %held;
foreach my $who ('ann1', 'ann2')
{
	my $s = $node->background_psql('postgres', on_error_stop => 1);
	$s->query_safe('BEGIN');
	my $items = $s->query_safe(qq{SELECT string_agg(item_id, ',') FROM al.next_batch('l', 64, '$who')});
	$held{$_} = 1 foreach split /,/, $items;
	push @open, $s;
}
is(scalar(keys %held), 128, 'two open batches hold 128 distinct items');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 16718}),
	'128', 'as claims, not yet as leases');

# a third annotator's small batches are full, and skip the claimed items
foreach my $k (1, 4, 10)
{
	my $got = $node->safe_psql('postgres',
		qq{SELECT string_agg(item_id, ',') FROM al.next_batch('l', $k, 'ann3')});
	my @items = split /,/, $got;
	is(scalar(@items), $k, "a cold-start batch of $k beside the open ones is full");
	is(scalar(grep { $held{$_} } @items), 0, "and holds none of their items");
}

$_->query_safe('ROLLBACK') foreach @open;
$_->quit foreach @open;
# the pool runs out: the batches get what is left, then nothing
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM generate_series(1, 40) g, LATERAL al.next_batch('l', 60, 'x' || g)}),
	'1985', 'batches after the others ended take the rest of the pool, then nothing');

$node->stop;
done_testing();
