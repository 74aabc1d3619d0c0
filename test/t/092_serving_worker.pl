# The worker ranks with the served version (issue 10, item 5): with a
# version pinned, the worker's retrain records the new version's curve point
# but the ranking (al.scores) stays the pinned version's, its probabilities
# those of that version's model; with serve "best", the worker switches to
# the version of highest evaluation accuracy at its next pass.  And the
# worker imports a label column's new values by itself.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('serving');
$node->init;
$node->append_conf('postgresql.conf', qq{
al_ext.naptime = '100ms'
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS
	SELECT g::bigint AS id, ARRAY[(g % 2) * 2 + (g % 7) * 0.1, (g % 3) * 0.3]::real[] AS x,
	       CASE WHEN g <= 6 THEN (ARRAY['a', 'b'])[g % 2 + 1] END AS cat
	FROM generate_series(1, 80) g;
	SELECT al.create_learner('l', 'pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
	                         '{"retrain_every": 2, "label_column": "cat"}');
	SELECT al.run_learner('l');
	SELECT al.label('l', 7, 'b'), al.label('l', 8, 'a');
	SELECT al.run_learner('l');
	SELECT al.pin_version('l', 1);
});

# the served version, the versions of al.scores, and the rows whose
# probabilities differ from the served version's model
sub ranking
{
	return $node->safe_psql('postgres', q{
		SELECT l.model_version || ' ' || string_agg(DISTINCT s.model_version::text, ',') || ' '
		       || count(*) FILTER (WHERE s.probs::text <> al.predict_proba_real(l.model_id, p.x)::text)
		FROM al.learner_store l JOIN al.scores s ON s.learner_id = l.id JOIN pool p ON p.id::text = s.item_id
		GROUP BY l.model_version});
}

is(ranking(), '1 1 0', 'version 1 pinned: the ranking is version 1\'s');
$node->safe_psql('postgres', 'SELECT al.start_worker()');
# new values of the label column: the worker imports them and retrains
$node->safe_psql('postgres', q{UPDATE pool SET cat = 'a' WHERE id IN (10, 12)});
ok($node->poll_query_until('postgres', q{SELECT max(model_version) = 3 FROM al.learning_curve}),
	'the worker imported the new labels and trained version 3');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM al.labels WHERE annotator = 'import:cat' AND item_id IN ('10', '12')}),
	'2', 'the two new values are imported labels');
is(ranking(), '1 1 0', 'the pin holds: the worker ranked with version 1 again');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM al.scores WHERE item_id IN ('10', '12')}), '0',
	'the ranking leaves out the items labeled since');

# serve best: the worker switches at its next pass
$node->safe_psql('postgres', q{
	SELECT al.unpin('l');
	SELECT al.alter_learner('l', NULL, '{"serve": "best"}');
	UPDATE al.curve_store SET eval_accuracy = CASE model_version WHEN 2 THEN 0.9 ELSE 0.5 END;
});
ok($node->poll_query_until('postgres', q{
	SELECT model_version = 2 FROM al.learner_store WHERE name = 'l'}),
	'serve best: the worker serves version 2, the one of highest evaluation accuracy');
ok($node->poll_query_until('postgres', q{
	SELECT bool_and(model_version = 2) FROM al.scores}), 'and ranks with it');
is(ranking(), '2 2 0', 'the ranking is version 2\'s');
is($node->safe_psql('postgres', q{
	SELECT string_agg(model_version || ' ' || reason, ',' ORDER BY period) FROM al.serving_history}),
	'1 latest,2 latest,1 pinned,3 latest,2 best', 'the serving history');
like($node->safe_psql('postgres', q{
	SELECT string_agg(DISTINCT changed_by, ',') FROM al.serving_history WHERE reason = 'best'}),
	qr/\S/, 'each period says who began it');

$node->safe_psql('postgres', 'SELECT al.stop_worker()');
$node->stop;
done_testing();
