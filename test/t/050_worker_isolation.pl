# The worker never runs a learner owner's code with more rights than the
# owner's, whatever the owner's pool does to the session, and no pool can
# stall the worker for the other learners (issue 8, items 2 and 6).
#
# mallory owns database "shop" (so she can set its search_path, which the
# worker's session inherits) and a learner whose pool is a view that calls
# her function: it points search_path at her schema of look-alikes (an
# operator = for bigint, count, ...) whose code tries to make her a
# superuser.  The worker must train her learner without ever running them.
# Then her pool stays locked, and then its reads sleep: her learner fails
# (lock timeout, round timeout) and is backed off, while alice's learner in
# the same database keeps being served by the same worker process.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Time::HiRes qw(usleep);
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('isolation');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'al_ext'
al_ext.naptime = '100ms'
al_ext.lock_timeout = '300ms'
al_ext.round_timeout = '2s'
max_worker_processes = 16
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE ROLE mallory LOGIN;
	CREATE ROLE alice LOGIN;
	CREATE DATABASE shop OWNER mallory;
});
$node->safe_psql('shop', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE public.hijack_log (what text, run_as name, as_superuser boolean);
	GRANT INSERT, SELECT ON public.hijack_log TO PUBLIC;
	CREATE SCHEMA m AUTHORIZATION mallory;
	CREATE SCHEMA a AUTHORIZATION alice;
});

# mallory's trap, built as mallory: the look-alikes of every function,
# aggregate, operator and type al_ext's SQL uses, exactly those of the
# regression test hostile_search_path.sql (read from it, so the two never
# drift apart), in her schema m
my $hostile = slurp_file("$ENV{AL_REPO}/test/sql/hostile_search_path.sql");
my ($lookalikes) = $hostile =~ /\n(-- the spy:.*?)\n-- look-alike tables/s;
ok(defined $lookalikes && $lookalikes =~ /CREATE OPERATOR/, 'the look-alikes of hostile_search_path.sql');
$lookalikes =~ s/\bevil\./m./g;
$lookalikes =~ s/al_attacker/mallory/g;
$node->safe_psql('shop', "SET ROLE mallory;\n$lookalikes");
is($node->safe_psql('shop', q{
	SELECT (SELECT count(*) FROM pg_proc WHERE pronamespace = 'm'::regnamespace) >= 50
	   AND (SELECT count(*) FROM pg_operator WHERE oprnamespace = 'm'::regnamespace) >= 61
	   AND (SELECT count(*) FROM pg_type WHERE typnamespace = 'm'::regnamespace AND typtype = 'd') >= 17}),
	't', 'mallory has all of them: at least 50 functions, 61 operators, 17 types');
$node->safe_psql('shop', q{
	SET ROLE mallory;
	CREATE TABLE m.mode (sleep boolean NOT NULL);
	INSERT INTO m.mode VALUES (false);
	-- the pool's reader: moves search_path to the look-alikes, sleeps on demand
	CREATE FUNCTION m.features(x real[]) RETURNS real[] LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM pg_catalog.set_config('search_path', 'm, pg_catalog, public', false);
		IF (SELECT sleep FROM m.mode) THEN
			PERFORM pg_catalog.pg_sleep(3600);
		END IF;
		RETURN x;
	END $$;
	CREATE TABLE m.base AS
	SELECT i::bigint AS id, ARRAY[(i % 2) * 3 + (i % 5) * 0.1, (i % 3) * 0.2]::real[] AS x
	FROM generate_series(1, 200) i;
	CREATE VIEW m.pool AS SELECT id, m.features(x) AS x FROM m.base;
	SELECT al.create_learner('trap', 'm.pool', 'id', 'x', ARRAY['even', 'odd'], 'entropy',
	                         '{"retrain_every": 4}');
});
$node->safe_psql('shop', q{
	SET ROLE alice;
	CREATE TABLE a.pool AS
	SELECT i::bigint AS id, ARRAY[(i % 2) * 3, (i % 7) * 0.1]::real[] AS x FROM generate_series(1, 200) i;
	SELECT al.create_learner('honest', 'a.pool', 'id', 'x', ARRAY['even', 'odd'], 'entropy',
	                         '{"retrain_every": 4}');
});

# mallory owns the database: she points its search_path at her look-alikes
$node->safe_psql('shop', q{
	SET ROLE mallory;
	ALTER DATABASE shop SET search_path = m, pg_catalog, public;
});

# The superuser's own sessions in shop would inherit mallory's search_path
# too: every query of this test pins its own.
sub su
{
	my ($sql) = @_;
	return $node->safe_psql('shop', "SET search_path = pg_catalog, public; $sql");
}

# poll a superuser query until it returns 't' (at most 60 s)
sub su_poll
{
	my ($sql) = @_;
	for (1 .. 600)
	{
		return 1 if su($sql) eq 't';
		usleep(100_000);
	}
	return 0;
}

# the worker's session starts with mallory's database search_path
my $pid = su('SELECT al.start_worker()');
ok($pid > 0, 'worker started in shop');

# label 4 items of each learner; wait for a published version of each
sub label_and_wait
{
	my ($role, $learner, $version) = @_;
	my $from = ($version - 1) * 4 + 1;
	my $to = $from + 3;
	su(qq{
		SET ROLE $role;
		SELECT al.label('$learner', i::bigint, CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END)
		FROM pg_catalog.generate_series($from, $to) i;
	});
	return su_poll(qq{SELECT model_version >= $version FROM al.learners WHERE name = '$learner'});
}

ok(label_and_wait('mallory', 'trap', 1), "the worker trained mallory's learner");
ok(label_and_wait('alice', 'honest', 1), "the worker trained alice's learner");
is(su('SELECT count(*) FROM public.hijack_log'), '0',
	"none of mallory's look-alikes ever ran");
is(su("SELECT rolsuper FROM pg_roles WHERE rolname = 'mallory'"), 'f',
	'mallory is still a plain role');

# mallory holds her pool locked: her round times out on the lock, alice's goes on
my $offset = -s $node->logfile;
my $locker = $node->background_psql('shop');
$locker->query_safe('SET search_path = pg_catalog; BEGIN; LOCK TABLE m.base IN ACCESS EXCLUSIVE MODE;');
# (al.retrain asks for a round without reading the pool, which would wait)
su("SET ROLE mallory; SELECT al.retrain('trap')");
ok($node->wait_for_log(qr/ERROR:  canceling statement due to lock timeout/, $offset),
	'the locked pool fails its round with a lock timeout');
ok(label_and_wait('alice', 'honest', 2), 'alice is served while mallory holds her pool locked');
$locker->query_safe('COMMIT');
$locker->quit;
ok(su_poll(q{SELECT model_version >= 2 FROM al.learners WHERE name = 'trap'}),
	"mallory's learner catches up once her lock is gone");

# mallory's pool now sleeps when read: the round is cancelled at round_timeout
$offset = -s $node->logfile;
su('UPDATE m.mode SET sleep = true');
su("SET ROLE mallory; SELECT al.retrain('trap')");
ok($node->wait_for_log(qr/al_ext worker: learner \d+: round cancelled after al_ext.round_timeout/, $offset),
	'a pool that never answers is cancelled after al_ext.round_timeout');
ok(label_and_wait('alice', 'honest', 3), 'alice is served while mallory\'s pool sleeps');
is(su('SELECT string_agg(pid::text, \',\') FROM al.worker_status'), $pid,
	'the same worker process throughout');
su('UPDATE m.mode SET sleep = false');

is(su('SELECT count(*) FROM public.hijack_log'), '0',
	"none of mallory's look-alikes ran at any point");
is(su("SELECT rolsuper FROM pg_roles WHERE rolname = 'mallory'"), 'f',
	'mallory is still a plain role at the end');

$node->stop;
done_testing();
