# External-prediction learners with the worker (doc/loop.md
# "External-prediction learners"): the application rewrites its predictions
# column and calls al.predictions_updated; the worker ranks the new version
# within its naptime (no al.run_learner), NOTIFYs it on the learner's
# channel, and until then al.next_batch hands out by the previous version.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('external');
$node->init;
$node->append_conf('postgresql.conf', qq{
al_ext.naptime = '100ms'
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	-- version v of item i: a distribution whose uncertainty grows with i for v = 1
	-- and falls with i for v = 2
	CREATE FUNCTION pv(i bigint, v integer) RETURNS al.probvec LANGUAGE sql AS $$
		SELECT CASE WHEN v = 1 THEN ARRAY[1 - i * 0.01, i * 0.01]::float8[]
		            ELSE ARRAY[0.5 + i * 0.01, 0.5 - i * 0.01]::float8[] END::al.probvec $$;
	CREATE TABLE pool AS SELECT g::bigint AS id, pv(g, 1) AS p FROM generate_series(1, 40) g;
	SELECT al.create_learner('ext', 'pool', 'id', 'p', ARRAY['a', 'b'], 'entropy', '{"predictions": true}');
});
my $channel = $node->safe_psql('postgres', q{SELECT channel FROM al.learners WHERE name = 'ext'});
my $listener = $node->background_psql('postgres');
$listener->query_safe(qq{LISTEN "$channel"});

# What the listener was told since the last call.
sub heard
{
	my $out = $listener->query_safe('SELECT 1');
	return join("\n", grep { /Asynchronous notification/ } split /\n/, $out);
}

# The served version and whether every ranked score is al.entropy of the column now.
sub ranking
{
	return $node->safe_psql('postgres', q{
		SELECT l.model_version || ' ' || count(*) || ' '
		       || count(*) FILTER (WHERE abs(s.score - al.entropy(p.p)) > 1e-12)
		FROM al.learner_store l JOIN al.scores s ON s.learner_id = l.id JOIN pool p ON p.id::text = s.item_id
		GROUP BY l.model_version});
}

$node->safe_psql('postgres', 'SELECT al.start_worker()');
$node->safe_psql('postgres', q{SELECT al.predictions_updated('ext', 'v1')});
ok($node->poll_query_until('postgres', q{SELECT model_version = 1 FROM al.learner_store WHERE name = 'ext'}),
	'the worker ranked version 1 without al.run_learner');
is(ranking(), '1 40 0', 'version 1: all 40 rows ranked by al.entropy of the column');
like(heard(), qr/payload "\{"learner": "ext", "learner_id": \d+, "version": 1\}"/, 'version 1 announced');
is($node->safe_psql('postgres', q{SELECT string_agg(item_id, ',' ORDER BY item_id::int) FROM al.next_batch('ext', 3, 'ann1')}),
	'38,39,40', 'the most uncertain of version 1 first');

# the application writes version 2 in one transaction and declares it in another
$node->safe_psql('postgres', q{UPDATE pool SET p = pv(id, 2)});
is($node->safe_psql('postgres', q{SELECT string_agg(item_id, ',' ORDER BY item_id::int) FROM al.next_batch('ext', 3, 'ann2')}),
	'35,36,37', 'not declared yet: batches still follow version 1');
$node->safe_psql('postgres', q{SELECT al.predictions_updated('ext', 'v2')});
ok($node->poll_query_until('postgres', q{SELECT model_version = 2 FROM al.learner_store WHERE name = 'ext'}),
	'the worker ranked version 2');
is(ranking(), '2 40 0', 'version 2: the ranking follows the rewritten column');
like(heard(), qr/"version": 2\}/, 'version 2 announced');
is($node->safe_psql('postgres', q{SELECT string_agg(item_id, ',' ORDER BY item_id::int) FROM al.next_batch('ext', 3, 'ann3')}),
	'1,2,3', 'version 2\'s most uncertain come first now');
is($node->safe_psql('postgres', q{SELECT count(*) FROM al.learning_curve WHERE learner = 'ext'}), '2',
	'one curve point per version');
$listener->quit;

# Labels do not wake the worker for an external-prediction learner: its rounds
# follow the versions (and the pool's row count, at each naptime), so a wake at
# each label only made the worker count the pool, a core's worth under many
# annotators.  With a naptime of an hour, a label and a new pool row: no round
# (the recorded pool size stays 40) until something else wakes the worker.
$node->safe_psql('postgres', q{ALTER SYSTEM SET al_ext.naptime = '1h'; SELECT pg_reload_conf();});
sleep(1);
$node->safe_psql('postgres', q{INSERT INTO pool VALUES (41, pv(41, 2))});
$node->safe_psql('postgres', q{SELECT al.label('ext', '1', 'a', 'ann1')});
$node->safe_psql('postgres', q{SELECT al.label_many('ext', '[{"item": 2, "label": "b", "annotator": "ann1"}]')});
$node->safe_psql('postgres', q{SELECT al.unlabel('ext', '1', 'ann1')});
sleep(1.5);
is($node->safe_psql('postgres', q{SELECT pool_size FROM al.learner_status WHERE learner = 'ext'}), '40',
	'labels, a label_many and an unlabel of an external-prediction learner did not wake the worker');
$node->safe_psql('postgres', q{SELECT al.wake_worker()});
ok($node->poll_query_until('postgres', q{SELECT pool_size = 41 FROM al.learner_status WHERE learner = 'ext'}),
	'a wake-up re-ranks the grown pool');

done_testing();
