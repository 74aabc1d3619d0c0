# The background worker's round selects as al.run_learner does (the same
# round code): a BADGE learner ranked by the worker gets, from al.run_learner
# on the same model, the same ranks; and a new selection (al.alter_learner)
# makes the worker rank the pool again without a retrain.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('round_select');
$node->init;
$node->append_conf('postgresql.conf', qq{
al_ext.naptime = '100ms'
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS
	SELECT i::bigint AS id,
	       ARRAY[(i % 3) * 3 + sin(i * 12.9898) * 1.6, cos(i * 78.233) * 1.6 - (i % 3)]::real[] AS x,
	       (ARRAY['a', 'b', 'c'])[i % 3 + 1] AS truth
	FROM generate_series(1, 200) i;
	SELECT al.create_learner('w', 'pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
	                         '{"batch": "badge", "candidates": 50, "retrain_every": 6, "seed": 3}');
	SELECT al.label('w', id, truth) FROM pool WHERE id <= 6;
	SELECT al.start_worker();
});

# the ranks of the learner's ranking, rank 1 first
my $ranks_sql = q{
	SELECT string_agg(item_id, ',' ORDER BY rank) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
	WHERE l.name = 'w' AND rank IS NOT NULL};

ok($node->poll_query_until('postgres', q{
	SELECT count(*) = 50 FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
	WHERE l.name = 'w' AND l.model_version = 1 AND s.rank IS NOT NULL}),
	'the worker trained the learner and ranked its 50 candidates');
my $worker_ranks = $node->safe_psql('postgres', $ranks_sql);

# a new seed: the worker ranks again with the same model (no retrain)
$node->safe_psql('postgres', q{SELECT al.alter_learner('w', NULL, '{"seed": 4}')});
ok($node->poll_query_until('postgres', q[
	SELECT selection LIKE '{"seed": 4,%' FROM al.ranking_state]),
	'a new selection: the worker ranks the pool again');
is($node->safe_psql('postgres', q{SELECT model_version FROM al.learners WHERE name = 'w'}), '1',
	'without a retrain');
my $worker_ranks_4 = $node->safe_psql('postgres', $ranks_sql);
isnt($worker_ranks_4, $worker_ranks, 'another seed, another BADGE order');

# stop the worker; al.run_learner ranks the same model again: the same ranks
$node->safe_psql('postgres', q{SELECT al.stop_worker()});
ok($node->poll_query_until('postgres', q{
	SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'al_ext worker'}),
	'the worker stopped');
is($node->safe_psql('postgres', q{
	DELETE FROM al.ranking_state;
	SELECT al.run_learner('w')}), 'rescored', 'al.run_learner ranks the pool again');
is($node->safe_psql('postgres', $ranks_sql), $worker_ranks_4,
	'al.run_learner gives the ranks the worker gave');
$node->safe_psql('postgres', q{SELECT al.alter_learner('w', NULL, '{"seed": 3}')});
is($node->safe_psql('postgres', q{SELECT al.run_learner('w')}), 'rescored', 'back to seed 3');
is($node->safe_psql('postgres', $ranks_sql), $worker_ranks, 'the worker\'s seed-3 ranks too');

$node->stop;
done_testing();
