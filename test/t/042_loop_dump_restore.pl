# pg_dump / pg_restore of a database with learners (issue 7, defect 9:
# after a restore al.next_batch returned nothing and the learner counted as
# idle until someone called al.retrain).  Every al_ext table comes back
# equal; the ranking (derived, not dumped) is rebuilt by the next round,
# with al.run_learner or with the worker, without any manual step, and
# equals the one before the dump.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('restore');
$node->init;
$node->append_conf('postgresql.conf', qq{
al_ext.naptime = '100ms'
max_worker_processes = 16
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS
	SELECT i::bigint AS id, ARRAY[(i % 3) * 2 + (i % 7) / 7.0, -(i % 3) + (i % 5) / 5.0]::real[] AS x,
	       (ARRAY['red', 'green', 'blue'])[i % 3 + 1] AS truth
	FROM generate_series(1, 500) i;
	ALTER TABLE pool ADD PRIMARY KEY (id);
	CREATE TABLE docs AS SELECT 'doc-' || i AS id, ARRAY[i % 2, 1]::float8[] AS x FROM generate_series(1, 50) i;
	-- trained, with two versions (a curve with a kappa), labels of two annotators, leases
	SELECT al.create_learner('trained', 'pool', 'id', 'x', ARRAY['red', 'green', 'blue'], 'entropy',
	                         '{"retrain_every": 6, "seed": 3, "holdout": 0.2}');
	SELECT al.label('trained', id, truth) FROM pool WHERE id <= 9;
	SELECT al.run_learner('trained');
	SELECT al.label('trained', id, truth, 'ann2') FROM pool WHERE id BETWEEN 10 AND 16;
	SELECT al.label('trained', 1, truth, 'ann3') FROM pool WHERE id = 1;
	SELECT al.run_learner('trained');
	-- a withdrawn label (item 1 keeps its first label), waiting for a retrain
	SELECT al.unlabel('trained', 1, 'ann3');
	SELECT count(*) FROM al.next_batch('trained', 4, 'holder');
	-- a committee learner over text ids
	SELECT al.create_learner('committee', 'docs', 'id', 'x', ARRAY['odd', 'even'], 'bald',
	                         '{"committee": 3, "retrain_every": 2}');
	SELECT al.label('committee', 'doc-1', 'odd'), al.label('committee', 'doc-2', 'even');
	SELECT al.run_learner('committee');
	-- cold: no model yet, a lease from a random batch
	SELECT al.create_learner('cold', 'pool', 'id', 'x', ARRAY['red', 'green', 'blue']);
	SELECT al.label('cold', 1, 'green');
	SELECT count(*) FROM al.next_batch('cold', 3, 'holder');
});
is($node->safe_psql('postgres', q{SELECT string_agg(name || ':' || coalesce(model_version, 0), ' ' ORDER BY name) FROM al.learners}),
	'cold:0 committee:1 trained:2', 'three learners, two trained');

# every table of al_ext, as one text per table (ordered rows), and the sequences
my @tables = qw(learner_store labels withdrawn_labels leases curve_store model_store);
sub contents
{
	my ($db) = @_;
	my %c;
	for my $t (@tables)
	{
		$c{$t} = $node->safe_psql($db,
			"SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '-') FROM al.$t t");
	}
	$c{sequences} = $node->safe_psql($db, q{
		SELECT string_agg(sequencename || '=' || coalesce(last_value, 0), ' ' ORDER BY sequencename)
		FROM pg_sequences WHERE schemaname = 'al'});
	return \%c;
}

# the ranking of a learner: items, version, score, prediction, probabilities
sub ranking
{
	my ($db, $learner) = @_;
	return $node->safe_psql($db, qq{
		SELECT count(*) || ' ' || coalesce(md5(string_agg(s.item_id || ' ' || s.model_version || ' ' || s.score
		                                        || ' ' || s.predicted || ' ' || s.probs::text, E'\\n' ORDER BY s.item_id)), '-')
		FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = '$learner'});
}

my $before = contents('postgres');
my %ranked = map { $_ => ranking('postgres', $_) } qw(trained committee);
like($ranked{trained}, qr/^484 /, 'the trained learner ranks its 484 unlabeled items before the dump');

# al.scores is partitioned by learner; the partitions are extension members
my $partitions = q{SELECT count(*) FROM pg_inherits WHERE inhparent = 'al.scores'::regclass};
is($node->safe_psql('postgres', $partitions), '3', 'a partition of al.scores per learner');
my $dump = PostgreSQL::Test::Utils::tempdir() . '/al.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('postgres') ], 'pg_dump -Fc');
my ($toc) = run_command([ 'pg_restore', '-l', $dump ]);
like($toc, qr/TABLE DATA al learner_store/, 'the dump holds the learners');
unlike($toc, qr/scores/, 'and neither al.scores nor its partitions');

foreach my $db (qw(restored restored_worker))
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->command_ok([ 'pg_restore', '-d', $node->connstr($db), $dump ], "pg_restore into $db");
	my $after = contents($db);
	for my $k (@tables, 'sequences')
	{
		is($after->{$k}, $before->{$k}, "$db: al.$k is equal after the restore");
	}
	is($node->safe_psql($db, q{SELECT count(*) FROM al.scores}), '0', "$db: the ranking is not dumped");
	is($node->safe_psql($db, $partitions), '0', "$db: nor are the partitions");
	is($node->safe_psql($db, q{SELECT labels_waiting FROM al.learner_status WHERE learner = 'trained'}), '1',
		"$db: the withdrawn label still waits for a retrain");
}

# with al.run_learner: the next round rebuilds the ranking, with no retrain
is($node->safe_psql('restored', q{SELECT al.run_learner('trained')}), 'rescored',
	'al.run_learner rebuilds the trained learner\'s ranking');
is($node->safe_psql('restored', q{SELECT al.run_learner('committee')}), 'rescored', 'and the committee\'s');
is($node->safe_psql('restored', q{SELECT al.run_learner('cold')}), 'idle', 'the cold learner has nothing to rebuild');
is($node->safe_psql('restored', q{
	SELECT string_agg(l.name, ',' ORDER BY l.name) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
	JOIN al.learners l ON c.relname = 'scores_' || l.id
	JOIN pg_depend d ON d.objid = c.oid AND d.deptype = 'e'
	WHERE i.inhparent = 'al.scores'::regclass}), 'cold,committee,trained',
	'the rounds made each learner\'s partition again, members of the extension');
is(ranking('restored', 'trained'), $ranked{trained}, 'the rebuilt ranking equals the one before the dump');
is(ranking('restored', 'committee'), $ranked{committee}, 'the committee\'s too');
is($node->safe_psql('restored', q{SELECT string_agg(model_version::text, ',' ORDER BY model_version) FROM al.learning_curve WHERE learner = 'trained'}),
	'1,2', 'no new model version was trained');
is($node->safe_psql('restored', q{SELECT count(*) || ' ' || count(score) FROM al.next_batch('trained', 5, 'ann3')}),
	'5 5', 'al.next_batch hands out 5 scored items');
is($node->safe_psql('restored', q{SELECT al.run_learner('trained')}), 'idle', 'the next round is idle again');
is($node->safe_psql('restored', q{
	SELECT count(*) FROM al.next_batch('trained', 500, 'ann4') b
	JOIN al.leases l ON l.item_id = b.item_id JOIN al.learners n ON n.id = l.learner_id
	WHERE n.name = 'trained' AND l.annotator = 'holder'}), '0', 'the restored leases still hold their items');

# with the worker: it rebuilds the ranking by itself
$node->safe_psql('restored_worker', q{SELECT al.start_worker()});
ok($node->poll_query_until('restored_worker', q{
	SELECT count(DISTINCT learner_id) = 2 FROM al.scores}),
	'the worker rebuilt the rankings of both trained learners');
ok($node->poll_query_until('restored_worker', qq{
	SELECT count(*) = 484 FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'trained'}),
	'the whole ranking');
is(ranking('restored_worker', 'trained'), $ranked{trained}, 'equal to the one before the dump');
is($node->safe_psql('restored_worker', q{SELECT count(*) || ' ' || count(score) FROM al.next_batch('trained', 5, 'ann3')}),
	'5 5', 'al.next_batch hands out 5 scored items');
is($node->safe_psql('restored_worker', q{SELECT count(*) FROM al.models WHERE name = 'learner/trained'}),
	'2', 'without training a new version');

$node->stop;
done_testing();
