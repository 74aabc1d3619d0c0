# Multi-label and regression learners with the worker (doc/loop.md "Model
# families of learners"): labels committed by annotators wake the worker,
# which retrains and ranks each learner within its naptime (no
# al.run_learner) and NOTIFYs the new version on the learner's channel;
# a label set that is not one is refused before anything is stored.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('family');
$node->init;
$node->append_conf('postgresql.conf', qq{
al_ext.naptime = '100ms'
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS
	SELECT g::bigint AS id, ARRAY[sin(g), cos(g * 0.7), (g % 5) / 4.0]::real[] AS x,
	       ARRAY(SELECT t FROM (VALUES ('a', sin(g) > 0), ('b', cos(g * 0.7) > 0.2)) v(t, has) WHERE has)::text AS tags,
	       (2 * sin(g) - cos(g * 0.7))::text AS amount
	FROM generate_series(1, 120) g;
	SELECT al.create_learner('tags', 'pool', 'id', 'x', '{a,b}', 'mean_max_loss',
	                         '{"family": "ovr", "retrain_every": 10}');
	SELECT al.create_learner('amounts', 'pool', 'id', 'x', '{}', 'emcm',
	                         '{"family": "ridge", "committee": 3, "retrain_every": 10}');
});
my $channel = $node->safe_psql('postgres', q{SELECT channel FROM al.learners WHERE name = 'tags'});
my $listener = $node->background_psql('postgres');
$listener->query_safe(qq{LISTEN "$channel"});
$node->safe_psql('postgres', 'SELECT al.start_worker()');

# an annotator's session: a batch, answered from the pool's columns, in one transaction
sub label_batch
{
	my ($learner, $column) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT al.label_many('$learner', jsonb_agg(jsonb_build_object('item', b.item_id, 'label', p.$column)))
		FROM al.next_batch('$learner', 10) b JOIN pool p ON p.id::text = b.item_id});
}

is(label_batch('tags', 'tags'), '10', 'ten label sets recorded');
is(label_batch('amounts', 'amount'), '10', 'ten numbers recorded');
ok($node->poll_query_until('postgres', q{SELECT count(*) = 2 FROM al.learners WHERE model_version = 1}),
	'the worker trained version 1 of both learners without al.run_learner');
like($listener->query_safe('SELECT 1'), qr/payload "\{"learner": "tags", "learner_id": \d+, "version": 1\}"/,
	'version 1 of the multi-label learner announced');
is($node->safe_psql('postgres', q{
	SELECT string_agg(l.name || ' ' || m.family || ' ' || count_ranked, ', ' ORDER BY l.name)
	FROM al.learners l JOIN al.models m ON m.name = 'learner/' || l.name,
	     LATERAL (SELECT count(*) AS count_ranked FROM al.scores s WHERE s.learner_id = l.id) c}),
	'amounts ridge 110, tags ovr 110', 'each ranked the 110 unlabeled rows with a model of its family');
is($node->safe_psql('postgres', q{
	SELECT count(*) FILTER (WHERE abs(s.score - (SELECT avg(1 - abs(2 * p - 1)) FROM unnest(s.outputs) p)) > 1e-12)
	FROM al.scores s JOIN al.learners l ON l.id = s.learner_id AND l.name = 'tags'}),
	'0', 'the worker\'s multi-label scores are the mean max loss of the outputs');

# a bad set is refused whole: nothing recorded, nothing retrained
my ($rc, $out, $err) = $node->psql('postgres', q{
	SELECT al.label_many('tags', '[{"item": 1, "label": ["a"]}, {"item": 2, "label": ["a", "z"]}]')});
like($err, qr/"z" in label "\{a,z\}" \(element 2 of labels\) is not a class of learner "tags"/, 'an unknown class is refused');
is($node->safe_psql('postgres', q{SELECT count(*) FROM al.labels l JOIN al.learners n ON n.id = l.learner_id
	WHERE n.name = 'tags' AND l.item_id IN ('1', '2')}), '0', 'all or nothing: the good element is not recorded either');

is(label_batch('tags', 'tags'), '10', 'ten more label sets');
ok($node->poll_query_until('postgres', q{SELECT model_version = 2 FROM al.learners WHERE name = 'tags'}),
	'the worker trained version 2');
like($listener->query_safe('SELECT 1'), qr/"version": 2\}/, 'version 2 announced');
is($node->safe_psql('postgres', q{SELECT labels_used FROM al.learning_curve WHERE learner = 'tags' ORDER BY model_version DESC LIMIT 1}),
	'20', 'version 2 trained on the 20 labeled items');
$listener->quit;

done_testing();
