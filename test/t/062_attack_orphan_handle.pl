# Attack (review of issue 8): a learner or model must never outlive its
# handle.
#
# The owner of a handle may move it to a schema of hers (ALTER VIEW ... SET
# SCHEMA, which doc/security.md allows) and there redefine it (CREATE OR
# REPLACE VIEW may add columns): a column that calls a function of her
# session's temporary schema makes the view depend on that function.  When
# her session ends, PostgreSQL drops its temporary objects with CASCADE,
# without firing event triggers: the handle goes, al.drop_orphans never
# runs, and the learner's and model's rows stay with a bare OID in their
# handle column.  Such a learner exists for nobody (al.drop_learner says it
# does not exist, even to a superuser) yet keeps its labels and its name
# (al.create_learner says it already exists); the bare OID is dumped as a
# number and names whatever relation gets that OID later.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('orphan_handle');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'al_ext'");
$node->start;
$node->safe_psql('postgres', q{
	CREATE ROLE alice LOGIN;
	CREATE DATABASE shop;
});
$node->safe_psql('shop', q{
	CREATE EXTENSION al_ext;
	CREATE SCHEMA a AUTHORIZATION alice;
});

# psql as alice, in a session of its own (ends when the call returns); returns stderr
sub as_alice
{
	my ($sql) = @_;
	my ($ret, $out, $err) = $node->psql('shop', $sql, extra_params => [ '-U', 'alice' ]);
	return $err;
}

is(as_alice(q{
	CREATE TABLE a.pool AS
	SELECT i::bigint AS id, ARRAY[i % 2, i % 3]::real[] AS x, (i % 2)::text AS y
	FROM generate_series(1, 20) i;
	SELECT al.create_learner('orph', 'a.pool', 'id', 'x', ARRAY['0', '1']);
	SELECT al.label('orph', 1, '1');
	SELECT al.train_model('orphm', 'a.pool', 'x', 'y');
}), '', 'alice creates a learner, labels, trains a model');

# the attack, in one session; each step may be refused
as_alice(q{
	CREATE FUNCTION pg_temp.tf() RETURNS int LANGUAGE sql AS 'SELECT 1';
	SELECT format('ALTER VIEW %s SET SCHEMA a', handle) FROM al.learners WHERE name = 'orph'
	UNION ALL
	SELECT DISTINCT format('ALTER VIEW %s SET SCHEMA a', handle) FROM al.models WHERE name = 'orphm' \gexec
	SELECT DISTINCT format('CREATE OR REPLACE VIEW a.%I AS SELECT %s::al.handle_id AS %s_id, pg_temp.tf() AS x',
	                       c.relname, split_part(c.relname, ' ', 2), split_part(c.relname, ' ', 1))
	FROM pg_class c WHERE c.oid IN (SELECT handle FROM al.learners WHERE name = 'orph'
	                                UNION SELECT handle FROM al.models WHERE name = 'orphm') \gexec
});

is($node->safe_psql('shop', q{
	SELECT (SELECT count(*) FROM al.learner_store l WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = l.handle))
	    || ' ' ||
	       (SELECT count(*) FROM al.model_store m WHERE m.handle IS NOT NULL
	          AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = m.handle))}),
	'0 0', 'no learner or model is left with a handle that no longer exists');

# the name is either still alice's working learner, or free again
my $visible = $node->safe_psql('shop', q{SET ROLE alice; SELECT count(*) FROM al.learners WHERE name = 'orph'});
my $err = $visible eq '1' ? '' : as_alice(q{SELECT al.create_learner('orph', 'a.pool', 'id', 'x', ARRAY['0', '1'])});
is($err, '', 'the learner name is alice\'s learner or free, not held by an invisible leftover');

done_testing();
