# Memory of the learner API is bounded by its real data (issue 7, defect 7:
# al.create_learner with 8,000 classes peaked at 1.5 GB, al.label_many of
# 80,000 labels at 881 MB), and a round or a batch of a learner with 32,767
# classes by a block of rows.  Each call runs in a fresh session, whose peak
# resident memory (VmHWM of /proc/self/status, read by the same backend)
# must stay below a generous bound.  shared_buffers is small, so the shared
# pages a backend touches add little to its resident memory.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('memory');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_buffers = '16MB'
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS SELECT i::bigint AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 100000) i;
	ALTER TABLE pool ADD PRIMARY KEY (id);
});

my $bound_kb = 200 * 1024;

# peak resident memory (kB) of a session that ran $sql, and $sql's result
sub peak_after
{
	my ($sql) = @_;
	my $out = $node->safe_psql('postgres', qq{
		$sql;
		SELECT substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\\s*([0-9]+) kB');
	});
	my @lines = split /\n/, $out;
	return ($lines[-1], $lines[0]);
}

my ($idle) = peak_after('SELECT 1');
note("peak of an idle session: $idle kB");

my ($peak, $res) = peak_after(q{SELECT al.create_learner('c8000', 'pool', 'id', 'x',
	ARRAY(SELECT 'class number ' || i FROM generate_series(1, 8000) i))});
ok($res > 0, 'a learner with 8,000 classes');
cmp_ok($peak, '<', $bound_kb, "create_learner with 8,000 classes peaks at $peak kB");

($peak, $res) = peak_after(q{SELECT al.create_learner('c32767', 'pool', 'id', 'x',
	ARRAY(SELECT 'class number ' || i FROM generate_series(1, 32767) i))});
ok($res > 0, 'a learner with 32,767 classes');
cmp_ok($peak, '<', $bound_kb, "create_learner with 32,767 classes peaks at $peak kB");

# 80,000 labels in one call, 8,000 of them by a second annotator (the JSON
# is built beforehand, so the peak is that of label_many)
$node->safe_psql('postgres', q{
	SELECT al.create_learner('l', 'pool', 'id', 'x', ARRAY['even', 'odd']);
	CREATE TABLE batch AS
	SELECT jsonb_agg(jsonb_build_object('item', i, 'label', CASE WHEN i % 2 = 1 THEN 'odd' ELSE 'even' END,
	                                    'annotator', CASE WHEN i % 10 = 0 THEN 'ann2' ELSE 'ann1' END)) AS labels
	FROM generate_series(1, 80000) i;
	CREATE TABLE batch8000 AS
	SELECT jsonb_agg(jsonb_build_object('item', i, 'label', 'class number ' || (i % 8000 + 1))) AS labels
	FROM generate_series(1, 80000) i;
});
($peak, $res) = peak_after(q{SELECT al.label_many('l', labels) FROM batch});
is($res, '80000', 'label_many recorded 80,000 labels');
cmp_ok($peak, '<', $bound_kb, "label_many of 80,000 labels peaks at $peak kB");
is($node->safe_psql('postgres', q{
	SELECT count(*) || ' ' || count(*) FILTER (WHERE label = CASE WHEN item_id::bigint % 2 = 1 THEN 'odd' ELSE 'even' END)
	       || ' ' || count(*) FILTER (WHERE annotator = 'ann2')
	FROM al.labels}), '80000 80000 8000', 'every label is there, right, with its annotator');

# the same labels again (idempotent), then 80,000 labels on a learner of 8,000 classes
($peak, $res) = peak_after(q{SELECT al.label_many('l', labels) FROM batch});
cmp_ok($peak, '<', $bound_kb, "label_many of the same 80,000 labels again peaks at $peak kB");
is($node->safe_psql('postgres', q{SELECT count(*) || ' ' || count(DISTINCT serial) FROM al.labels}), '80000 80000',
	'repeating labels changed nothing');
($peak, $res) = peak_after(q{SELECT al.label_many('c8000', labels) FROM batch8000});
is($res, '80000', 'label_many of 80,000 labels on a learner of 8,000 classes');
cmp_ok($peak, '<', $bound_kb, "peaks at $peak kB");

# a round and a batch of a learner with 32,767 classes (a probvec of 128 kB
# per item): memory is bounded by a block of rows, not by the pool or the
# batch (3,000 items: 390 MB of probabilities)
$node->safe_psql('postgres', q{
	CREATE TABLE wide_pool AS SELECT i::bigint AS id, ARRAY[i % 7, i % 11]::real[] AS x FROM generate_series(1, 3000) i;
	ALTER TABLE wide_pool ADD PRIMARY KEY (id);
	SELECT al.create_learner('wide', 'wide_pool', 'id', 'x', ARRAY(SELECT 'c' || i FROM generate_series(1, 32767) i),
	                         'entropy', '{"retrain_every": 3, "max_iter": 20}');
	SELECT al.label('wide', 1, 'c1'), al.label('wide', 2, 'c2'), al.label('wide', 3, 'c32767');
});
($peak, $res) = peak_after(q{SELECT al.run_learner('wide')});
is($res, 'retrained', 'a round of a learner with 32,767 classes');
cmp_ok($peak, '<', 2 * $bound_kb, "peaks at $peak kB");
is($node->safe_psql('postgres', q{
	SELECT count(*) || ' ' || min(al.num_classes(probs)) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
	WHERE l.name = 'wide'}), '2997 32767', 'it ranked the 2,997 unlabeled items with 32,767 probabilities each');
($peak, $res) = peak_after(q{SELECT count(*) || ' ' || min(al.num_classes(probs)) FROM al.next_batch('wide', 3000)});
is($res, '2997 32767', 'a batch of all of them');
cmp_ok($peak, '<', $bound_kb, "peaks at $peak kB");

$node->stop;
done_testing();
