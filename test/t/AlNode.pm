# AlNode.pm - what the TAP tests of al.next_batch share: the cluster the
# tests of the shared hints start (al_ext preloaded, for its shared memory;
# no autovacuum: the tests read pg_stat counters and rely on stale
# statistics; room for prepared transactions, pgbench clients and the
# claims of large transactions), the class probabilities of their pools,
# and the open items of a learner in the hand-out order (what a batch must
# take first).
package AlNode;

use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use Exporter 'import';

our @EXPORT = qw(al_preloaded_node al_pv_function al_open_order_view);

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

# SQL: pv(i bigint), two class probabilities that vary with i (97 distinct
# entropies, so the ranking has ties the item ids order).
sub al_pv_function
{
	return q{
	CREATE OR REPLACE FUNCTION pv(i bigint) RETURNS al.probvec LANGUAGE sql IMMUTABLE AS $$
		SELECT ARRAY[0.3 + (i % 97) / 400.0, 0.7 - (i % 97) / 400.0]::float8[]::al.probvec $$;
};
}

# SQL: view $view, the items of learner $learner's ranking that have no live
# lease and no label, with their positions in the hand-out order (rank,
# score DESC, item id): an independent statement of what al.next_batch
# must hand out first under overlap 1.
sub al_open_order_view
{
	my ($view, $learner) = @_;
	return qq{
	CREATE VIEW $view AS
	SELECT item_id, row_number() OVER (ORDER BY rank, score DESC, item_id) AS pos
	FROM al.scores s WHERE learner_id = (SELECT id FROM al.learners WHERE name = '$learner')
	AND NOT EXISTS (SELECT 1 FROM al.leases x WHERE x.learner_id = s.learner_id AND x.item_id = s.item_id
	                AND x.expires_at > now())
	AND NOT EXISTS (SELECT 1 FROM al.labels x WHERE x.learner_id = s.learner_id AND x.item_id = s.item_id);
};
}

1;
