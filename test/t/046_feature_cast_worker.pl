# The worker reads a pool whose feature column is a user type with a cast to
# real[] (a stand-in for pgvector's vector: a composite type whose cast
# function belongs to an unprivileged role and logs who runs it).  The cast
# runs as the learner's owner, never as the worker's superuser; the ranking
# equals that of a learner over the same values in a real[] column; and
# when the cast is dropped between rounds, that learner's round fails
# cleanly while the other learner goes on (issue 11, item 4).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('feature_cast');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'al_ext'
al_ext.naptime = '100ms'
max_worker_processes = 16
});
$node->start;
# the type and its logging cast: those of the regression test
# feature_types.sql (read from it, so the two never drift apart)
my $regress = slurp_file("$ENV{AL_REPO}/test/sql/feature_types.sql");
my ($type) = $regress =~ /\n(CREATE TYPE ft\.emb AS .*?;)\n/s;
my ($cast) = $regress =~ /\n(CREATE FUNCTION ft\.emb_to_real.*?AS ASSIGNMENT;)\n/s;
ok(defined $type && defined $cast && $cast =~ /current_user/, 'the logging cast of feature_types.sql');
$node->safe_psql('postgres', qq{
	CREATE EXTENSION al_ext;
	CREATE ROLE typeowner;
	CREATE ROLE alice;
	CREATE TABLE public.cast_log (run_as name, as_superuser boolean);
	GRANT INSERT, SELECT ON public.cast_log TO PUBLIC;
	CREATE SCHEMA ft AUTHORIZATION typeowner;
	GRANT USAGE ON SCHEMA ft TO PUBLIC;
	CREATE SCHEMA a AUTHORIZATION alice;
	SET ROLE typeowner;
	$type
	$cast
});
$node->safe_psql('postgres', q{
	SET ROLE alice;
	CREATE TABLE a.rpool AS
	SELECT i::bigint AS id, ARRAY[(i % 2) * 3 + (i % 5) * 0.1, (i % 7) * 0.2]::real[] AS x
	FROM generate_series(1, 100) i;
	CREATE TABLE a.vpool AS SELECT id, ROW(x)::ft.emb AS x FROM a.rpool;
	SELECT al.create_learner('real', 'a.rpool', 'id', 'x', ARRAY['even', 'odd'], 'entropy',
	                         '{"retrain_every": 4, "seed": 2}');
	SELECT al.create_learner('vec', 'a.vpool', 'id', 'x', ARRAY['even', 'odd'], 'entropy',
	                         '{"retrain_every": 4, "seed": 2}');
});

# label items 1..8 of both learners (as alice, in one transaction)
$node->safe_psql('postgres', q{
	SET ROLE alice;
	SELECT al.label(l, i::bigint, CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END)
	FROM unnest(ARRAY['real', 'vec']) l, generate_series(1, 8) i;
});
$node->safe_psql('postgres', 'TRUNCATE public.cast_log');
my $pid = $node->safe_psql('postgres', 'SELECT al.start_worker()');
ok($pid > 0, 'worker started');
ok($node->poll_query_until('postgres',
		q{SELECT bool_and(model_version = 1) AND count(*) = 2 FROM al.learners}),
	'the worker trained both learners');
is($node->safe_psql('postgres',
		q{SELECT string_agg(DISTINCT run_as || ':' || as_superuser, ',') FROM public.cast_log}),
	'alice:false', "the worker's round ran the cast as alice, the learner's owner, never as a superuser");
ok($node->safe_psql('postgres', 'SELECT count(*) FROM public.cast_log') >= 100,
	'the round cast every pool row');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM al.scores r JOIN al.scores v USING (item_id)
	WHERE r.learner_id = (SELECT id FROM al.learners WHERE name = 'real')
	  AND v.learner_id = (SELECT id FROM al.learners WHERE name = 'vec')
	  AND ROW(r.model_version, r.score, r.predicted, r.probs::text, r.rank)
	      IS NOT DISTINCT FROM ROW(v.model_version, v.score, v.predicted, v.probs::text, v.rank)}),
	'92', 'the two learners rank the 92 unlabeled items the same');

# the cast is dropped in the transaction that labels both learners: the
# next round of "vec" fails, "real" goes on; labels of "vec" are refused
# meanwhile (they read the features too)
my $vec = $node->safe_psql('postgres', q{SELECT id FROM al.learners WHERE name = 'vec'});
my $offset = -s $node->logfile;
$node->safe_psql('postgres', q{
	BEGIN;
	SET ROLE alice;
	SELECT al.label(l, i::bigint, CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END)
	FROM unnest(ARRAY['real', 'vec']) l, generate_series(9, 12) i;
	SET ROLE typeowner;
	DROP CAST (ft.emb AS real[]);
	COMMIT;
});
my ($ret, $out, $err) = $node->psql('postgres', q{SET ROLE alice; SELECT al.label('vec', 13::bigint, 'odd')});
like($err, qr/ERROR:  feature column "x" of the pool of learner "vec" must be real\[\], double precision\[\] or a type with a cast to real\[\], not ft\.emb/,
	'without the cast, a label of the learner is refused');
ok($node->wait_for_log(
		qr/ERROR:  feature column "x" of the pool of learner "vec" must be real\[\], double precision\[\] or a type with a cast to real\[\], not ft\.emb/,
		$offset),
	"without the cast, the worker's round of the learner fails");
# (the label refused above logs the same ERROR, without this context: wait
# for the worker's own)
ok($node->wait_for_log(qr/CONTEXT:  al_ext worker: learner $vec: round/, $offset),
	'the error names the learner and the round');
ok($node->poll_query_until('postgres', q{SELECT model_version = 2 FROM al.learners WHERE name = 'real'}),
	'the other learner is retrained');
is($node->safe_psql('postgres', q{SELECT model_version FROM al.learners WHERE name = 'vec'}), '1',
	'the failed learner keeps its published model');

# the cast is back: the learner catches up
$node->safe_psql('postgres', q{
	SET ROLE typeowner;
	CREATE CAST (ft.emb AS real[]) WITH FUNCTION ft.emb_to_real(ft.emb) AS ASSIGNMENT;
});
ok($node->poll_query_until('postgres', q{SELECT model_version = 2 FROM al.learners WHERE name = 'vec'}),
	'with its cast back, the learner is retrained');
is($node->safe_psql('postgres', q{SELECT count(*) FROM public.cast_log WHERE as_superuser OR run_as <> 'alice'}),
	'0', 'no one but alice ever ran the cast');

$node->stop;
done_testing();
