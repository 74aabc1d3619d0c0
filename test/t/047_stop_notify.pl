# The NOTIFY when a stopping rule first fires for a learner (doc/loop.md
# "Stopping rules"): on the learner's channel, at the commit of the version
# it first fires at, a payload naming the version and the rules that fire
# for the first time; a rule that fires again later sends nothing more (the
# version's own notification still comes).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('stop_notify');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS
	SELECT i::bigint AS id, ARRAY[(i % 2) * 2 + (i % 5) * 0.1, (i % 3) * 0.3]::real[] AS x
	FROM generate_series(1, 60) i;
	SELECT al.create_learner('l', 'pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
	                         '{"retrain_every": 1000, "label_budget": 6, "stop_kappa": 0.9, "stop_window": 1}');
});
my $channel = $node->safe_psql('postgres', q{SELECT channel FROM al.learners WHERE name = 'l'});
my $listener = $node->background_psql('postgres');
$listener->query_safe(qq{LISTEN "$channel"});

# Read what the listener was told since the last call (psql prints the
# notifications it received before the next query's result).
sub heard
{
	my $out = $listener->query_safe('SELECT 1');
	return join("\n", grep { /Asynchronous notification/ } split /\n/, $out);
}

# version 1: 4 labels, under the budget; its first kappa has no predecessor
$node->safe_psql('postgres', q{
	SELECT al.label('l', id, CASE WHEN id % 2 = 1 THEN 'b' ELSE 'a' END) FROM pool WHERE id <= 4;
	SELECT al.retrain('l'); SELECT al.run_learner('l');
});
my $told = heard();
like($told, qr/payload "\{"learner": "l", "learner_id": \d+, "version": 1\}"/, 'version 1 announced');
unlike($told, qr/stop_rules/, 'no rule fired at version 1: no stop notification');

# version 2: 6 labels (the budget) and the same predictions (kappa 1 >= 0.9)
$node->safe_psql('postgres', q{
	SELECT al.label('l', id, CASE WHEN id % 2 = 1 THEN 'b' ELSE 'a' END) FROM pool WHERE id IN (5, 6);
	SELECT al.retrain('l'); SELECT al.run_learner('l');
});
$told = heard();
is($node->safe_psql('postgres', q{SELECT stop_rules FROM al.learning_curve WHERE learner = 'l' AND model_version = 2}),
	'{stabilizing_predictions,label_budget}', 'both rules fire at version 2 (the curve)');
like($told,
	qr/payload "\{"learner": "l", "learner_id": \d+, "version": 2, "stop_rules": \["stabilizing_predictions", "label_budget"\]\}"/,
	'the first firing of the rules is announced, naming them');
like($told, qr/payload "\{"learner": "l", "learner_id": \d+, "version": 2\}"/, 'and the version itself');

# version 3: the budget fires again, nothing new: only the version
$node->safe_psql('postgres', q{SELECT al.retrain('l'); SELECT al.run_learner('l');});
$told = heard();
like($told, qr/"version": 3\}/, 'version 3 announced');
unlike($told, qr/stop_rules/, 'rules that fired before are not announced again');

# a rule configured later fires for the first time at version 4
$node->safe_psql('postgres', q{
	SELECT al.alter_learner('l', options => '{"stop_uncertainty": 1}');
	SELECT al.retrain('l'); SELECT al.run_learner('l');
});
like(heard(), qr/"version": 4, "stop_rules": \["overall_uncertainty"\]\}/, 'only the newly firing rule is named');

# nothing is sent for a version that rolls back
$node->safe_psql('postgres', q{BEGIN; SELECT al.retrain('l'); SELECT al.run_learner('l'); ROLLBACK;});
is(heard(), '', 'a rolled back version tells nothing');
$listener->quit;

done_testing();
