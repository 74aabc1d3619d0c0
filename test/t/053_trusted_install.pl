# al_ext is a trusted extension: a role with CREATE on a database (not a
# superuser) may install it.  That must give the installer nothing beyond
# using al_ext: schema al and every object of al_ext belong to the bootstrap
# superuser, so the installer can neither plant objects in al nor swap
# al_ext's tables, nor start workers; a schema al prepared beforehand is
# refused, empty or not.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('trusted');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE ROLE dbo LOGIN;
	CREATE DATABASE shop OWNER dbo;
	CREATE DATABASE trap OWNER dbo;
	CREATE DATABASE empty OWNER dbo;
});

# psql as dbo in a database; returns (stdout, stderr)
sub as_dbo
{
	my ($db, $sql) = @_;
	my ($ret, $out, $err) = $node->psql($db, $sql,
		extra_params => [ '-U', 'dbo', '-v', 'VERBOSITY=verbose' ]);
	return ($out, $err);
}

my ($out, $err) = as_dbo('shop', 'CREATE EXTENSION al_ext');
is($err, '', 'the database owner installs al_ext without being a superuser');
is($node->safe_psql('shop', q{
	SELECT e.extowner::regrole || ' ' || n.nspowner::regrole || ' ' ||
	       (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid AND c.relowner <> 10)
	FROM pg_extension e JOIN pg_namespace n ON n.nspname = 'al' WHERE e.extname = 'al_ext'}),
	'dbo postgres 0', 'the extension is dbo\'s; schema al and all its tables belong to the bootstrap superuser');

($out, $err) = as_dbo('shop', 'CREATE FUNCTION al.planted() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$');
like($err, qr/ERROR:  42501: permission denied for schema al/, 'the installer cannot plant objects in al');
($out, $err) = as_dbo('shop', 'DROP TABLE al.labels CASCADE');
like($err, qr/ERROR:  42501: must be owner of table labels/, 'nor drop al_ext\'s tables');
($out, $err) = as_dbo('shop', 'ALTER EXTENSION al_ext DROP TABLE al.labels');
like($err, qr/ERROR:  42501: must be owner of table labels/, 'nor take them out of the extension');
($out, $err) = as_dbo('shop', 'SELECT al.start_worker()');
like($err, qr/ERROR:  42501: permission denied for function start_worker/, 'nor start a worker');

# and uses al_ext like anyone
($out, $err) = as_dbo('shop', q{
	CREATE TABLE pool AS SELECT i::bigint AS id, ARRAY[(i % 2) * 2, i % 3]::real[] AS x,
	                            (i % 2)::text AS y FROM generate_series(1, 40) i;
	SELECT al.create_learner('l', 'pool', 'id', 'x', ARRAY['0', '1'], 'entropy', '{"retrain_every": 2}');
	SELECT al.label('l', 1, '1'), al.label('l', 2, '0');
	SELECT al.run_learner('l');
	SELECT al.train_model('m', 'pool', 'x', 'y') > 0;
	SELECT count(*) FROM al.next_batch('l', 3)});
is("$out|$err", "1\n|\nretrained\nt\n3|", 'dbo trains, labels and takes batches');
# the learner's partition of al.scores (doc/loop.md "One partition per learner")
my $part = $node->safe_psql('shop', q{SELECT format('al.scores_%s', id) FROM al.learners WHERE name = 'l'});
is($node->safe_psql('shop', qq{SELECT relowner::regrole FROM pg_class WHERE oid = '$part'::regclass}), 'postgres',
	'the learner\'s partition of al.scores belongs to the bootstrap superuser too');
($out, $err) = as_dbo('shop', "SELECT count(*) FROM $part");
like($err, qr/ERROR:  42501: permission denied for table scores_\d+/, 'dbo cannot read it directly');
($out, $err) = as_dbo('shop', "ALTER EXTENSION al_ext DROP TABLE $part");
like($err, qr/ERROR:  42501: must be owner of table scores_\d+/, 'nor take it out of the extension');
($out, $err) = as_dbo('shop', q{SELECT count(*) FROM al.scores});
is("$out|$err", "38|", 'but reads the ranking of its learner through al.scores');
($out, $err) = as_dbo('shop', 'DROP EXTENSION al_ext CASCADE');
unlike($err, qr/ERROR/, 'and may drop it (with its learners and models)');
is($node->safe_psql('shop', q{SELECT count(*) FROM pg_extension WHERE extname = 'al_ext'}) . ' ' .
   $node->safe_psql('shop', q{SELECT count(*) FROM pg_namespace WHERE nspname = 'al'}), '0 0',
	'extension and schema are gone');

# a schema al prepared beforehand (planted objects or not): refused
($out, $err) = as_dbo('trap', q{
	CREATE SCHEMA al;
	CREATE FUNCTION al.nothing_to_see() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
	CREATE EXTENSION al_ext});
like($err, qr/ERROR:  42P06: schema "al" already exists/, 'a schema al prepared by the installer is refused');
is($node->safe_psql('trap', q{SELECT count(*) FROM pg_extension WHERE extname = 'al_ext'}), '0',
	'and nothing is installed');
($out, $err) = as_dbo('empty', q{CREATE SCHEMA al; CREATE EXTENSION al_ext});
like($err, qr/ERROR:  42P06: schema "al" already exists/, 'an empty one too');

$node->stop;
done_testing();
