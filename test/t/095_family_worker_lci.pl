# Multi-label and regression learners with the worker (doc/loop.md "Model
# families of learners"): the worker trains and ranks them within its
# naptime (no al.run_learner), with the family's scores; a new pool row is
# ranked by the same version with the same scores (LCI: the label
# cardinality the version trained on, not the labels waiting since).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('family_worker');
$node->init;
$node->append_conf('postgresql.conf', qq{
al_ext.naptime = '100ms'
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS
	SELECT g::bigint AS id, ARRAY[sin(g * 1.3), cos(g * 0.7), (g % 7) / 4.0]::real[] AS x
	FROM generate_series(1, 60) g;
	SELECT al.create_learner('tags', 'pool', 'id', 'x', '{a,b,c}', 'label_cardinality_inconsistency',
		'{"family": "ovr", "retrain_every": 20, "holdout": 0.3, "seed": 1}');
	SELECT al.create_learner('price', 'pool', 'id', 'x', '{}', 'committee_std',
		'{"family": "ridge", "committee": 3, "retrain_every": 20, "seed": 2}');
	SELECT count(al.label('tags', id, CASE WHEN id % 4 = 0 THEN '{a,b,c}' WHEN id % 2 = 0 THEN '{a}' ELSE '{b}' END)),
	       count(al.label('price', id, (1 + 2 * x[1] - x[2])::text))
	FROM pool WHERE id <= 20;
});

# Per learner: version, rows ranked, rows whose score is not the family's formula.
sub ranking
{
	my ($name) = @_;
	my $formula = $name eq 'tags'
	  ? q{abs((SELECT count(*) FROM unnest(s.outputs) p WHERE p >= 0.5) - c.label_cardinality)}
	  : q{(SELECT sqrt(avg((o - m) * (o - m))) FROM unnest(s.outputs) o,
	       (SELECT avg(q) AS m FROM unnest(s.outputs) q) mm)};
	return $node->safe_psql('postgres', qq{
		SELECT l.model_version || ' ' || count(*) || ' '
		       || count(*) FILTER (WHERE abs(s.score - $formula) > 1e-9)
		FROM al.learner_store l JOIN al.scores s ON s.learner_id = l.id
		JOIN al.curve_store c ON c.learner_id = l.id AND c.model_version = l.model_version
		WHERE l.name = '$name' GROUP BY l.model_version});
}

$node->safe_psql('postgres', 'SELECT al.start_worker()');
ok($node->poll_query_until('postgres',
		q{SELECT count(*) = 2 FROM al.learner_store WHERE name IN ('tags', 'price') AND model_version = 1}),
	'the worker trained both learners without al.run_learner');
is(ranking('tags'), '1 40 0', 'multi-label: the 40 unlabeled rows ranked by LCI');
is(ranking('price'), '1 40 0', 'regression: the 40 unlabeled rows ranked by the committee std');
is($node->safe_psql('postgres', q{SELECT string_agg(measured_on || ' ' || measured_items, ',') FROM al.learning_curve WHERE learner = 'tags'}),
	'holdout 6', 'multi-label: measured on its holdout');

# a waiting label (a big set) and new pool rows: the same version ranks them, old scores unchanged
$node->safe_psql('postgres', q{
	CREATE TABLE before AS SELECT learner_id, item_id, score FROM al.scores;
	SELECT al.label('tags', 21, '{a,b,c}');
	INSERT INTO pool SELECT g, ARRAY[0.1 * g, 0.5, 0.5]::real[] FROM generate_series(61, 65) g;
});
ok($node->poll_query_until('postgres',
		q{SELECT count(*) = 2 FROM al.ranking_state r JOIN al.learner_store l ON l.id = r.learner_id
		  WHERE l.name IN ('tags', 'price') AND r.pool_rows = 65}),
	'the worker ranked the new rows');
is(ranking('tags'), '1 44 0', 'multi-label: 44 rows, still version 1 and LCI of its cardinality');
is(ranking('price'), '1 45 0', 'regression: 45 rows, still version 1');
is($node->safe_psql('postgres', q{
	SELECT count(*) || ' ' || count(*) FILTER (WHERE abs(a.score - b.score) > 1e-12)
	FROM before b JOIN al.scores a USING (learner_id, item_id)}),
	'79 0', 'the rows ranked before keep their scores');

done_testing();
