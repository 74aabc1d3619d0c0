# A learner whose pool's feature column changes type under it (issue 7,
# defect 3: the round read a bigint as a float array, the backend died with
# signal 11, and with the worker the server restarted hundreds of times).
# Now its round fails with a clear error, the worker logs it and backs the
# learner off, the server never restarts, and another learner is served.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Time::HiRes qw(usleep);
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('pool_change');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'al_ext'
al_ext.databases = 'postgres'
al_ext.naptime = '100ms'
restart_after_crash = on
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool_broken AS SELECT i::bigint AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 200) i;
	CREATE TABLE pool_sound AS SELECT i::bigint AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 200) i;
	SELECT al.create_learner('broken', 'pool_broken', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 2}');
	SELECT al.create_learner('sound', 'pool_sound', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 2}');
	SELECT al.label('broken', 1, 'odd'), al.label('broken', 2, 'even');
	SELECT al.label('sound', 1, 'odd'), al.label('sound', 2, 'even');
});
ok($node->poll_query_until('postgres',
		q{SELECT count(*) = 2 FROM al.learners WHERE model_version = 1}),
	'the worker trained both learners');
my $checkpointer = $node->safe_psql('postgres', q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'});
my $broken = $node->safe_psql('postgres', q{SELECT id FROM al.learners WHERE name = 'broken'});

# the owner retypes the feature column and adds rows: the next round of
# 'broken' must rescore, with a column that no longer holds features
my $offset = -s $node->logfile;
$node->safe_psql('postgres', q{
	ALTER TABLE pool_broken ALTER COLUMN x TYPE bigint USING 12345;
	INSERT INTO pool_broken VALUES (1000, 7);
});
$node->wait_for_log(
	qr/ERROR:  feature column "x" of the pool of learner "broken" must be real\[\], double precision\[\] or a type with a cast to real\[\], not bigint/,
	$offset);
pass('the broken learner\'s round fails with a clear error');
like(slurp_file($node->logfile, $offset), qr/CONTEXT:  al_ext worker: learner $broken: round/,
	'the error names the learner\'s round');

# the other learner is still served while the broken one keeps failing
$node->safe_psql('postgres', q{SELECT al.label('sound', id, CASE WHEN id % 2 = 1 THEN 'odd' ELSE 'even' END) FROM pool_sound WHERE id BETWEEN 3 AND 4});
ok($node->poll_query_until('postgres', q{SELECT model_version = 2 FROM al.learners WHERE name = 'sound'}),
	'the sound learner got version 2 after the break');
$node->safe_psql('postgres', q{INSERT INTO pool_sound SELECT i, ARRAY[i % 2, 1]::real[] FROM generate_series(201, 210) i});
ok($node->poll_query_until('postgres', q{
	SELECT count(*) = 206 FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'sound'}),
	'and its new pool rows were ranked');

# backed off: at most 5 failed rounds of it in 1.5 s at naptime 100ms
$offset = -s $node->logfile;
usleep(1_500_000);
my $tail = slurp_file($node->logfile, $offset);
my @failures = $tail =~ /al_ext worker: learner $broken: round/g;
ok(@failures >= 1 && @failures <= 5, scalar(@failures) . ' failed rounds of the broken learner in 1.5 s');

# never a crash: no process died, the server was never reinitialized
my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal/, 'no process was terminated by a signal');
unlike($log, qr/all server processes terminated; reinitializing/, 'the server never restarted');
is($node->safe_psql('postgres', q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'}),
	$checkpointer, 'the same checkpointer runs: no crash restart');

# a transaction that holds the broken learner's pool (an ALTER TABLE in
# progress) does not stall the worker: it skips that learner and goes on
my $locker = $node->background_psql('postgres');
$locker->query_safe('BEGIN; LOCK TABLE pool_broken IN ACCESS EXCLUSIVE MODE');
$node->safe_psql('postgres', q{SELECT al.label('sound', id, CASE WHEN id % 2 = 1 THEN 'odd' ELSE 'even' END) FROM pool_sound WHERE id BETWEEN 5 AND 6});
ok($node->poll_query_until('postgres', q{SELECT model_version = 3 FROM al.learners WHERE name = 'sound'}),
	'with the broken learner\'s pool locked, the sound learner still got version 3');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
	WHERE a.backend_type = 'al_ext worker' AND NOT l.granted}), '0', 'the worker waits for no lock');
$locker->query_safe('COMMIT');
$locker->quit;

# in a session too: a clean error for run_learner, and for the id column
my ($ret, $out, $err) = $node->psql('postgres', q{SELECT al.run_learner('broken')});
like($err, qr/ERROR:  feature column "x" of the pool of learner "broken" must be real\[\], double precision\[\] or a type with a cast to real\[\], not bigint/,
	'al.run_learner: the same error');
$node->safe_psql('postgres', q{
	ALTER TABLE pool_broken ALTER COLUMN x TYPE real[] USING ARRAY[id % 2, 1]::real[];
	ALTER TABLE pool_broken ALTER COLUMN id TYPE numeric;
});
($ret, $out, $err) = $node->psql('postgres', q{SELECT al.run_learner('broken')});
like($err, qr/ERROR:  id column "id" of the pool of learner "broken" must be bigint, integer, text or uuid, not numeric/,
	'a retyped id column: a clear error too');

# restored, the learner is served again
$node->safe_psql('postgres', q{ALTER TABLE pool_broken ALTER COLUMN id TYPE bigint});
ok($node->poll_query_until('postgres', q{
	SELECT count(*) = 199 FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'broken'}),
	'once the columns are restored, the worker ranks the learner\'s pool again');
unlike(slurp_file($node->logfile), qr/terminated by signal/, 'still no crash');

$node->stop;
done_testing();
