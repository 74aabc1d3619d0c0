# AlNode.pm - the cluster the TAP tests of al.next_batch's shared hints
# start: al_ext preloaded (its shared memory), no autovacuum (the tests
# read pg_stat counters and rely on stale statistics), room for prepared
# transactions, pgbench clients and the claims of large transactions.
package AlNode;

use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use Exporter 'import';

our @EXPORT = qw(al_preloaded_node);

# A started node named $name, configured as above.
sub al_preloaded_node
{
	my ($name) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'al_ext'
autovacuum = off
max_prepared_transactions = 4
max_connections = 40
max_locks_per_transaction = 4000
});
	$node->start;
	return $node;
}

1;
