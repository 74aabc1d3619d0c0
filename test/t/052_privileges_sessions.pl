# Issue 8 with several sessions: no role can stall another role's batches
# (item 6), LISTEN tells a stranger nothing while a viewer hears new
# versions on the learner's channel (item 7), and owners, rights and
# channels survive pg_dump / pg_restore.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('sessions');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE ROLE owner1 LOGIN;
	CREATE ROLE ann LOGIN;
	CREATE ROLE viewer LOGIN;
	CREATE ROLE eve LOGIN;
	CREATE SCHEMA o AUTHORIZATION owner1;
	SET ROLE owner1;
	CREATE TABLE o.pool AS
	SELECT i::bigint AS id, ARRAY[(i % 2) * 2 + (i % 5) * 0.1, (i % 3) * 0.3]::real[] AS x
	FROM generate_series(1, 50) i;
	SELECT al.create_learner('l', 'o.pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 4}');
	SELECT al.grant_learner('l', 'ann', 'annotate');
	SELECT al.grant_learner('l', 'viewer', 'view');
});
my $id = $node->safe_psql('postgres', q{SELECT id FROM al.learners WHERE name = 'l'});
my $channel = $node->safe_psql('postgres', q{SELECT channel FROM al.learners WHERE name = 'l'});

# psql as a role (in database postgres, or $db); returns (stdout, stderr)
sub as_role
{
	my ($role, $sql, $db) = @_;
	my ($ret, $out, $err) = $node->psql($db // 'postgres', $sql,
		extra_params => [ '-U', $role, '-v', 'VERBOSITY=verbose' ]);
	return ($out, $err);
}

# 1. eve holds every lock she can think of; the annotator's batch does not wait
my $eve = $node->background_psql('postgres', on_error_stop => 0,
	extra_params => [ '-U', 'eve' ]);
$eve->query_safe('BEGIN');
$eve->query_safe("SELECT pg_advisory_xact_lock(hashtextextended('al_ext.learner', $id))");
$eve->query_safe("SELECT pg_advisory_xact_lock($id)");
$eve->query_safe("SELECT pg_advisory_xact_lock(0, ${id}::int)");
$eve->query('SELECT 1 FROM al.learner_store FOR KEY SHARE');
like($eve->{stderr}, qr/permission denied for table learner_store/, 'eve cannot row-lock al.learner_store');
$eve->{stderr} = '';
$eve->query('ROLLBACK; BEGIN');
$eve->query('LOCK TABLE al.leases IN EXCLUSIVE MODE');
like($eve->{stderr}, qr/permission denied for table leases/, 'eve cannot lock al.leases');
$eve->{stderr} = '';
$eve->query('ROLLBACK; BEGIN');
$eve->query_safe("SELECT pg_advisory_xact_lock(hashtextextended('al_ext.learner', $id))");
my ($out, $err) = as_role('ann', q{SET lock_timeout = '3s'; SELECT count(*) FROM al.next_batch('l', 3)});
is("$out|$err", '3|', 'the annotator gets its batch while eve holds advisory locks');
($out, $err) = as_role('ann', q{SET lock_timeout = '3s'; SELECT al.label('l', 1, 'b'), al.label('l', 2, 'a')});
is($err, '', 'and labels');
$eve->query_safe('ROLLBACK');
$eve->quit;

# 2. LISTEN: eve hears nothing (she cannot even learn the channel); the
# viewer hears the new version on the learner's channel
my $viewer = $node->background_psql('postgres', extra_params => [ '-U', 'viewer' ]);
my $snoop = $node->background_psql('postgres', extra_params => [ '-U', 'eve' ]);
is($snoop->query_safe(q{SELECT count(*) FROM al.learners}), '0', 'eve sees no learner, so no channel');
$snoop->query_safe('LISTEN al_ext');
is($viewer->query_safe(q{SELECT channel FROM al.learners WHERE name = 'l'}), $channel,
	'the viewer reads the channel');
$viewer->query_safe(qq{LISTEN "$channel"});
$node->safe_psql('postgres', q{SET ROLE owner1; SELECT al.label('l', 3, 'b'), al.label('l', 4, 'a'); SELECT al.run_learner('l')});
like($viewer->query_safe('SELECT 1'), qr/Asynchronous notification "\Q$channel\E" with payload "\{"learner": "l", "learner_id": $id, "version": 1\}" received/,
	'the viewer is told of version 1');
unlike($snoop->query_safe('SELECT 1'), qr/Asynchronous notification/, 'eve is told nothing');
$viewer->quit;
$snoop->quit;

# 3. dump and restore: owner, rights and channel come back
$node->safe_psql('postgres', q{CREATE DATABASE restored});
my $dump = $node->basedir . '/priv.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('postgres'), '-f', $dump ], 'pg_dump -Fc');
$node->command_ok([ 'pg_restore', '-d', $node->connstr('restored'), $dump ], 'pg_restore');
my $state = q{SELECT name, owner, channel, (SELECT relacl FROM pg_class WHERE oid = handle)
              FROM al.learners ORDER BY name};
is($node->safe_psql('restored', $state), $node->safe_psql('postgres', $state),
	'owner, channel and rights are the same after the restore');
($out, $err) = as_role('ann', q{SELECT count(*) FROM al.next_batch('l', 2)}, 'restored');
is("$out|$err", '2|', 'the annotator takes a batch in the restored database');
($out, $err) = as_role('eve', q{SELECT count(*) FROM al.next_batch('l', 2)}, 'restored');
like($err, qr/ERROR:  42501: permission denied for learner "l"/, 'eve still may not');
($out, $err) = as_role('postgres', q{DROP ROLE ann}, 'restored');
like($err, qr/ERROR:  2BP01: role "ann" cannot be dropped because some objects depend on it\nDETAIL:  privileges for view al."learner \d+"/,
	'DROP ROLE of an annotator names the learner\'s handle');

$node->stop;
done_testing();
