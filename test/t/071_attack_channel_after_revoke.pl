# Attack (review of issue 8, item 7): a role whose view right was revoked,
# or a learner's former owner, must hear nothing more of the learner.
#
# A learner's NOTIFY channel (al.learners.channel) is fixed at its creation
# and readable with the view right.  It changes neither when the right is
# revoked nor when the learner changes hands, so a role that once read it
# keeps hearing every new version (the payload names the learner, its id
# and the version number) of a learner it may no longer view.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('channel_revoke');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE ROLE owner1 LOGIN;
	CREATE ROLE ex_viewer LOGIN;
	CREATE SCHEMA o AUTHORIZATION owner1;
	SET ROLE owner1;
	CREATE TABLE o.pool AS
	SELECT i::bigint AS id, ARRAY[(i % 2) * 2 + (i % 5) * 0.1, (i % 3) * 0.3]::real[] AS x
	FROM generate_series(1, 50) i;
	SELECT al.create_learner('l', 'o.pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 2}');
	SELECT al.grant_learner('l', 'ex_viewer', 'view');
});

# while it may view the learner, ex_viewer notes its channel; then loses the right
my $ex = $node->background_psql('postgres', extra_params => [ '-U', 'ex_viewer' ]);
my $channel = $ex->query_safe(q{SELECT channel FROM al.learners WHERE name = 'l'});
$node->safe_psql('postgres', q{SET ROLE owner1; SELECT al.revoke_learner('l', 'ex_viewer', 'view')});
is($ex->query_safe(q{SELECT count(*) FROM al.learners}), '0', 'ex_viewer no longer sees the learner');

$ex->query_safe(qq{LISTEN "$channel"});
$node->safe_psql('postgres', q{SET ROLE owner1; SELECT al.label('l', 1, 'b'), al.label('l', 2, 'a'); SELECT al.run_learner('l')});
unlike($ex->query_safe('SELECT 1'), qr/Asynchronous notification/,
	'ex_viewer is told nothing of a learner it may no longer view');
$ex->quit;

done_testing();
