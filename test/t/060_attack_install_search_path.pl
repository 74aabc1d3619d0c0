# Attack (review of issue 8): a database owner who installs al_ext as a
# trusted extension must not become a superuser.
#
# CREATE EXTENSION runs the install script as the bootstrap superuser with
# search_path = public, pg_temp (al_ext.control names no schema, so the
# extension's schema is public).  The database owner owns schema public.
# The column default of al.labels.serial is written unqualified,
# DEFAULT nextval('al.label_serial_seq'): its argument is an unknown-type
# literal, so a public.nextval(text) planted beforehand beats
# pg_catalog.nextval(regclass) (the string category wins for unknown
# arguments, as in CVE-2018-1058) and is bound into the default for good.
# Every label is then inserted by al_ext as the owner of its tables, the
# bootstrap superuser, and runs the planted function with its rights.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('install_path');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE ROLE dbo LOGIN;
	CREATE DATABASE shop OWNER dbo;
});

# psql as dbo; returns (stdout, stderr)
sub as_dbo
{
	my ($sql) = @_;
	my ($ret, $out, $err) = $node->psql('shop', $sql, extra_params => [ '-U', 'dbo' ]);
	return ($out, $err);
}

# Look-alikes of every function the install script calls, taking text
# (what an unknown-type literal prefers): any call the script leaves
# unqualified would bind to one of them (the pg_depend check below).
my ($script) = glob("$ENV{AL_REPO}/sql/al_ext--*.sql");
my %called = map { $_ => 1 } (slurp_file($script) =~ /\bpg_catalog\.([a-z_0-9]+)\s*\(/g);
ok(scalar(keys %called) >= 5, 'the install script\'s functions: ' . join(', ', sort keys %called));
foreach my $f (sort keys %called)
{
	next if $f eq 'nextval';			# planted below, with its escalation
	my ($ret, $o, $e) = $node->psql('shop',
		"CREATE FUNCTION public.$f(text) RETURNS text LANGUAGE sql AS \$\$ SELECT 'look-alike' \$\$",
		extra_params => [ '-U', 'dbo' ]);
}

# the owner of database shop plants look-alikes in its schema public, then installs
my ($out, $err) = as_dbo(q{
	CREATE FUNCTION public.nextval(text) RETURNS bigint LANGUAGE plpgsql AS $$
	BEGIN
		IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
			EXECUTE 'ALTER ROLE dbo SUPERUSER';
		END IF;
		RETURN pg_catalog.nextval($1::pg_catalog.regclass);
	END $$;
	CREATE EXTENSION al_ext;
});
is($err, '', 'the database owner installs al_ext');

# no object may refer to a function or operator of schema public (only dbo's
# look-alike lives there)
is($node->safe_psql('shop', q{
	SELECT coalesce(string_agg(DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid) || ' -> ' ||
	                           pg_describe_object(d.refclassid, d.refobjid, 0), '; '), '')
	FROM pg_depend d
	LEFT JOIN pg_proc p ON d.refclassid = 'pg_proc'::regclass AND p.oid = d.refobjid
	LEFT JOIN pg_operator o ON d.refclassid = 'pg_operator'::regclass AND o.oid = d.refobjid
	WHERE coalesce(p.pronamespace, o.oprnamespace) = 'public'::regnamespace}),
	'', 'nothing in al_ext resolved a name through the installer\'s schema public');

# using al_ext as dbo: a learner, a label
($out, $err) = as_dbo(q{
	CREATE TABLE public.pool AS SELECT i::bigint AS id, ARRAY[i, i % 3]::real[] AS x
	FROM generate_series(1, 10) i;
	SELECT al.create_learner('l', 'public.pool', 'id', 'x', ARRAY['a', 'b']);
	SELECT al.label('l', 1, 'a');
});
is($err, '', 'dbo creates a learner and labels');
is($node->safe_psql('postgres', q{SELECT rolsuper FROM pg_roles WHERE rolname = 'dbo'}), 'f',
	'the database owner did not become a superuser');

done_testing();
