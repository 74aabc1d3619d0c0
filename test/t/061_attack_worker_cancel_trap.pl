# Attack (review of issue 8): a learner owner's pool must not stall the
# worker, nor keep it from stopping.
#
# al_ext.round_timeout and SIGTERM (al.stop_worker, pg_terminate_backend,
# a fast shutdown) both reach a round as a query cancel (QueryCancelPending,
# SQLSTATE 57014).  Code in the pool runs inside the round and can catch a
# cancel like any error: a PL/pgSQL block with EXCEPTION WHEN query_canceled
# swallows it and keeps going.  So mallory's pool, whose reader loops and
# catches cancels, holds the worker for as long as she likes: no other
# learner of the database is served, al.stop_worker does not stop the
# worker, and a fast shutdown waits for it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Time::HiRes qw(usleep);
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('cancel_trap');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'al_ext'
al_ext.naptime = '100ms'
al_ext.lock_timeout = '300ms'
al_ext.round_timeout = '1s'
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE ROLE mallory LOGIN;
	CREATE ROLE alice LOGIN;
	CREATE DATABASE shop;
});
$node->safe_psql('shop', q{
	CREATE EXTENSION al_ext;
	CREATE SCHEMA m AUTHORIZATION mallory;
	CREATE SCHEMA a AUTHORIZATION alice;
});

# mallory's learner first (it has the lower id, so each pass reaches it first)
$node->safe_psql('shop', q{
	SET ROLE mallory;
	CREATE TABLE m.mode (stall boolean NOT NULL, grab boolean NOT NULL);
	INSERT INTO m.mode VALUES (false, false);
	-- while m.mode says so (for at most 60 s), sleep and swallow every cancel
	CREATE FUNCTION m.trap() RETURNS boolean LANGUAGE plpgsql AS $$
	DECLARE
		t0 timestamptz := clock_timestamp();
	BEGIN
		-- a session-level advisory lock would outlive the round's transaction
		IF (SELECT grab FROM m.mode) THEN
			PERFORM pg_advisory_lock(4242);
			RAISE LOG 'mallory grabbed an advisory lock';
		END IF;
		WHILE (SELECT stall FROM m.mode) AND clock_timestamp() < t0 + interval '60 s' LOOP
			BEGIN
				PERFORM pg_sleep(0.1);
			EXCEPTION WHEN query_canceled THEN
				RAISE LOG 'mallory swallowed a cancel';
			END;
		END LOOP;
		RETURN true;
	END $$;
	CREATE TABLE m.base AS
	SELECT i::bigint AS id, ARRAY[(i % 2) * 3, (i % 3) * 0.2]::real[] AS x FROM generate_series(1, 50) i;
	CREATE VIEW m.pool AS SELECT * FROM m.base WHERE (SELECT m.trap());
	SELECT al.create_learner('trap', 'm.pool', 'id', 'x', ARRAY['0', '1']);
});
$node->safe_psql('shop', q{
	SET ROLE alice;
	CREATE TABLE a.pool AS
	SELECT i::bigint AS id, ARRAY[(i % 2) * 3, (i % 3) * 0.2]::real[] AS x FROM generate_series(1, 50) i;
	SELECT al.create_learner('ok', 'a.pool', 'id', 'x', ARRAY['0', '1'], 'entropy', '{"retrain_every": 2}');
});

# poll sql (as the superuser) until it returns want, for at most $secs seconds
sub poll
{
	my ($sql, $want, $secs) = @_;
	for (my $i = 0; $i < $secs * 10; $i++)
	{
		return 1 if $node->safe_psql('shop', $sql) eq $want;
		usleep(100_000);
	}
	return 0;
}

$node->safe_psql('shop', 'SELECT al.start_worker()');
$node->safe_psql('shop', q{SET ROLE alice; SELECT al.label('ok', 1, '1'), al.label('ok', 2, '0')});
ok(poll(q{SELECT model_version FROM al.learners WHERE name = 'ok'}, '1', 30),
	'the worker serves alice\'s learner');

# mallory's pool takes a session advisory lock in the worker's process: the
# worker releases it after the round, so whoever waits on that key is not
# stalled for the worker's lifetime
my $offset = -s $node->logfile;
$node->safe_psql('shop', q{UPDATE m.mode SET grab = true});
$node->safe_psql('shop', q{SELECT al.wake_worker()});
ok($node->wait_for_log(qr/mallory grabbed an advisory lock/, $offset),
	'a round of mallory\'s learner took the advisory lock');
$node->safe_psql('shop', q{UPDATE m.mode SET grab = false});
ok(poll(q{SELECT pg_try_advisory_lock(4242) AND pg_advisory_unlock(4242)}, 't', 20),
	'the worker does not keep the advisory lock a pool took');

# mallory's pool now traps cancels
$node->safe_psql('shop', q{UPDATE m.mode SET stall = true});
$node->safe_psql('shop', q{SET ROLE alice; SELECT al.label('ok', 3, '1'), al.label('ok', 4, '0')});
ok(poll(q{SELECT model_version FROM al.learners WHERE name = 'ok'}, '2', 20),
	'alice\'s learner is still served while mallory\'s pool swallows cancels');
my $swallowed = () = slurp_file($node->logfile) =~ /mallory swallowed a cancel/g;
diag("cancels mallory's pool swallowed: $swallowed");

$node->safe_psql('shop', 'SELECT al.stop_worker()');
ok(poll(q{SELECT count(*) FROM al.worker_processes()}, '0', 10),
	'al.stop_worker stops the worker whatever the pool does');

$node->safe_psql('shop', q{UPDATE m.mode SET stall = false});
done_testing();
