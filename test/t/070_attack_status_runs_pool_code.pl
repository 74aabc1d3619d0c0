# Attack (review of issue 8): reading al.learner_status must not let a
# learner's owner act on the reader's session.
#
# al.learner_status counts every pool the reader may view, in the reader's
# own backend, as the pool's owner (a security-restricted operation).  The
# owner chooses who may view her learner (al.grant_learner needs nothing
# from the grantee), and superusers view every learner, so mallory's pool
# code runs in the session of whoever reads the view, even one who asks only
# about another learner:
#  - what a security-restricted operation does not undo stays: her
#    pg_advisory_unlock_all() releases the reader's session-level advisory
#    locks (an application's leader or migration lock);
#  - the reader's transaction keeps the AccessShareLock on her pool that the
#    count took, though the reader has no privilege on it: an idle
#    transaction of a viewer blocks the pool owner's ALTER TABLE, TRUNCATE or
#    DROP (and, queued behind those, every other reader of the pool), which
#    LOCK TABLE would refuse him.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('status_pool_code');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'al_ext'");
$node->start;
$node->safe_psql('postgres', q{
	CREATE ROLE mallory LOGIN;
	CREATE ROLE bob LOGIN;
	CREATE DATABASE shop;
});
$node->safe_psql('shop', q{
	CREATE EXTENSION al_ext;
	CREATE SCHEMA m AUTHORIZATION mallory;
	CREATE SCHEMA b AUTHORIZATION bob;
});
$node->safe_psql('shop', q{
	SET ROLE mallory;
	CREATE FUNCTION m.meddle() RETURNS boolean LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM pg_advisory_unlock_all();
		RETURN true;
	END $$;
	CREATE TABLE m.base AS SELECT i::bigint AS id, ARRAY[i % 2, i % 3]::real[] AS x FROM generate_series(1, 20) i;
	CREATE VIEW m.pool AS SELECT * FROM m.base WHERE m.meddle();
	SELECT al.create_learner('meddler', 'm.pool', 'id', 'x', ARRAY['0', '1']);
	SELECT al.grant_learner('meddler', 'bob', 'view');
	CREATE TABLE m.plain AS SELECT i::bigint AS id, ARRAY[i % 2, i % 3]::real[] AS x FROM generate_series(1, 20) i;
	SELECT al.create_learner('plain', 'm.plain', 'id', 'x', ARRAY['0', '1']);
	SELECT al.grant_learner('plain', 'bob', 'view');
});
$node->safe_psql('shop', q{
	SET ROLE bob;
	CREATE TABLE b.pool AS SELECT i::bigint AS id, ARRAY[i % 2, i % 3]::real[] AS x FROM generate_series(1, 20) i;
	SELECT al.create_learner('mine', 'b.pool', 'id', 'x', ARRAY['0', '1']);
});

# (al.learner_status shows the pool counts of the last round, which reads
# the pool as its owner: one round of each learner first)
$node->safe_psql('shop', q{SET ROLE bob; SELECT al.run_learner('mine')});
$node->safe_psql('shop', q{SET ROLE mallory; SELECT al.run_learner('plain')});

# bob (and a superuser) hold a session advisory lock and look at bob's learner only
for my $reader ('bob', 'postgres')
{
	is($node->safe_psql('shop', qq{
		SET ROLE $reader;
		SELECT pg_advisory_lock(4242);
		SELECT pool_size FROM al.learner_status WHERE learner = 'mine';
		SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objid = 4242;
	}), "\n20\n1", "$reader keeps its advisory lock after reading al.learner_status");
}

# bob has no privilege on m.plain; reading the status must leave no lock on it
is($node->safe_psql('shop', q{
	SET ROLE bob;
	BEGIN;
	SELECT pool_size FROM al.learner_status WHERE learner = 'plain';
	SELECT count(*) FROM pg_locks WHERE relation = (SELECT pool FROM al.learners WHERE name = 'plain') AND pid = pg_backend_pid();
	COMMIT;
}), "20\n0", 'a viewer\'s transaction holds no lock on a pool it may not read');

done_testing();
