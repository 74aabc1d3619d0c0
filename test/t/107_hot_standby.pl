# al_ext on a streaming hot standby (a read replica serving predictions):
# 1. what only reads works and equals the primary: scores, the stored
#    model's predictions (the model store replicated, loaded into the
#    standby's cache), al.models, a learner's ranking and status;
# 2. every function that writes refuses at once, naming itself (25006, as in
#    any read-only transaction), never a crash: all 20 of them;
#    al.start_worker says why (55000, during recovery);
# 3. the worker named in al_ext.databases does not start on the standby,
#    and starts once it is promoted; the promoted server runs the loop.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'al_ext'
al_ext.databases = 'postgres'
al_ext.naptime = '100ms'
});
$primary->start;
$primary->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS
	SELECT i::bigint AS id, ARRAY[(i % 3) + sin(i) / 3, ((i / 3) % 3) + cos(i) / 3]::real[] AS x,
		(ARRAY['a', 'b', 'c'])[i % 3 + 1] AS truth
	FROM generate_series(1, 300) i;
	CREATE TABLE train AS SELECT x, truth FROM pool WHERE id <= 60;
	SELECT al.train_model('m', 'train', 'x', 'truth', '{"seed": 3}');
	SELECT al.create_learner('l', 'pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy', '{"retrain_every": 1, "seed": 4}');
	SELECT count(al.label('l', id, truth)) FROM pool WHERE id <= 30;
	SELECT al.run_learner('l');
});

# what the replica must answer alike: a score, predictions, the ranking, the status
my $reads = q{
	SELECT al.entropy('[0.25,0.75]') || ' | '
		|| (SELECT string_agg(al.predict('m', x) || ':' || al.predict_proba('m', x)::text, ',' ORDER BY id)
			FROM pool WHERE id IN (1, 150, 299)) || ' | '
		|| (SELECT string_agg(item_id || ':' || float8send(score)::text, ',' ORDER BY score DESC, item_id)
			FROM (SELECT s.item_id, s.score FROM al.scores s JOIN al.learners r ON r.id = s.learner_id
				WHERE r.name = 'l' ORDER BY s.score DESC, s.item_id LIMIT 5) t) || ' | '
		|| (SELECT labeled || '/' || unlabeled || '/' || model_version FROM al.learner_status WHERE learner = 'l') || ' | '
		|| (SELECT string_agg(name, ',' ORDER BY name) FROM al.models) || ' | '
		|| (SELECT count(*) FROM al.my_batch('l', 'ann')) || ' | '
		|| (SELECT al.top_k(id, al.entropy(al.predict_proba('m', x)), 5)::text FROM pool) || ' | '
		|| (SELECT string_agg(class || ':' || float8send(intercept)::text, ',' ORDER BY class) FROM al.model_coefficients('m')) || ' | '
		|| (SELECT string_agg(strategy || ':' || runs || ':' || float8send(final_accuracy)::text, ',' ORDER BY strategy)
			FROM al.backtest_summary('pool', 'id', 'x', 'truth', ARRAY['margin', 'random'], ARRAY[10], 60, 10, ARRAY[1, 2]::bigint[], 0.3))
};
my $on_primary = $primary->safe_psql('postgres', $reads);
like($on_primary, qr/ \| 30\/270\/1 \| learner\/l,m \| 0 \| \{\d+(,\d+){4}\} \| a:.* \| margin:2:.*,random:2:/,
	'the primary has a model, a learner with 30 labels and its ranking, a top-k, a backtest');

$primary->backup('b');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'b', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby);

# 1. reads
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'), 't', 'the standby is in recovery');
is($standby->safe_psql('postgres', $reads), $on_primary,
	'scores, predictions from the replicated model store, ranking, status, models, my_batch, top_k, coefficients and a backtest equal the primary');

# 2. writes: the read-only error, never a crash
my @writes = (
	[next_batch => q{SELECT count(*) FROM al.next_batch('l', 3, 'ann')}],
	[release => q{SELECT al.release('l', ARRAY[100]::bigint[], 'ann')}],
	[label => q{SELECT al.label('l', 100, 'a')}],
	[label_many => q{SELECT al.label_many('l', '[{"item": 100, "label": "a"}]')}],
	[unlabel => q{SELECT al.unlabel('l', 1, current_user)}],
	[adjudicate => q{SELECT al.adjudicate('l', 1, 'a')}],
	[create_learner => q{SELECT al.create_learner('l2', 'pool', 'id', 'x', ARRAY['a', 'b'])}],
	[alter_learner => q{SELECT al.alter_learner('l', 'margin_confidence')}],
	[drop_learner => q{SELECT al.drop_learner('l')}],
	[retrain => q{SELECT al.retrain('l')}],
	[run_learner => q{SELECT al.run_learner('l')}],
	[pin_version => q{SELECT al.pin_version('l', 1)}],
	[unpin => q{SELECT al.unpin('l')}],
	[rollback => q{SELECT al.rollback('l')}],
	[grant_learner => q{SELECT al.grant_learner('l', 'pg_monitor', 'view')}],
	[revoke_learner => q{SELECT al.revoke_learner('l', 'pg_monitor', 'view')}],
	[alter_learner_owner => q{SELECT al.alter_learner_owner('l', current_user::text::regrole)}],
	[predictions_updated => q{SELECT al.predictions_updated('l', 'v2')}],
	[train_model => q{SELECT al.train_model('m2', 'train', 'x', 'truth')}],
	[drop_model => q{SELECT al.drop_model('m')}]);
for my $w (@writes)
{
	my ($fn, $sql) = @$w;
	my ($ret, $out, $err) = $standby->psql('postgres', $sql, extra_params => ['-v', 'VERBOSITY=verbose']);
	like($err, qr/ERROR:  25006: cannot execute al\.$fn\(\) in a read-only transaction/,
		"al.$fn on the standby: 25006, naming the function");
}
my ($ret, $out, $err) = $standby->psql('postgres', 'SELECT al.start_worker()', extra_params => ['-v', 'VERBOSITY=verbose']);
like($err, qr/ERROR:  55000: cannot start the al_ext worker during recovery/,
	'al.start_worker says why on a standby (55000)');
is($standby->safe_psql('postgres', 'SELECT 1'), '1', 'the standby still serves after the refusals');

# 3. the worker: running on the primary, not on the standby
ok($primary->poll_query_until('postgres',
	q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'al_ext worker'}),
	'the primary runs its al_ext worker');
sleep(1);
is($standby->safe_psql('postgres',
	q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'al_ext worker'}),
	'0', 'no al_ext worker on the standby');

# labels on the primary reach the standby's ranking once the primary's worker has retrained
$primary->safe_psql('postgres', q{SELECT count(al.label('l', id, truth)) FROM pool WHERE id BETWEEN 31 AND 40});
ok($primary->poll_query_until('postgres',
	q{SELECT model_version = 2 FROM al.learner_status WHERE learner = 'l'}),
	'the primary worker retrains on the new labels');
$primary->wait_for_catchup($standby);
is($standby->safe_psql('postgres',
	q{SELECT labeled || '/' || model_version FROM al.learner_status WHERE learner = 'l'}),
	'40/2', 'the standby shows version 2 and its labels');

# promotion: the worker starts, the loop runs on the new primary
$primary->stop;
$standby->promote;
ok($standby->poll_query_until('postgres',
	q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'al_ext worker'}),
	'the promoted server starts its al_ext worker');
is($standby->safe_psql('postgres', q{
	SELECT count(*) FROM (SELECT al.label('l', b.item_id, p.truth)
		FROM al.next_batch('l', 5, 'ann') b JOIN pool p ON p.id::text = b.item_id) t}),
	'5', 'the promoted server hands out and labels a batch');
ok($standby->poll_query_until('postgres',
	q{SELECT model_version = 3 AND labeled = 45 FROM al.learner_status WHERE learner = 'l'}),
	'its worker retrains on them');

# default_transaction_read_only on (a read-only database, or a server a nearly
# full disk made read-only): the worker pauses, saying so once, instead of
# failing every learner's round at each naptime; it resumes when it is off
my $offset = -s $standby->logfile;
$standby->safe_psql('postgres', q{ALTER SYSTEM SET default_transaction_read_only = on; SELECT pg_reload_conf()});
$standby->wait_for_log(qr/(al_ext worker for database "postgres" paused|read-only transaction)/, $offset);
like(slurp_file($standby->logfile, $offset),
	qr/LOG:  al_ext worker for database "postgres" paused: default_transaction_read_only is on/,
	'the worker says it pauses while default_transaction_read_only is on');
$standby->safe_psql('postgres', q{
	SET default_transaction_read_only = off;
	SELECT count(al.label('l', b.item_id, p.truth))
	FROM al.next_batch('l', 5, 'ann') b JOIN pool p ON p.id::text = b.item_id});
$standby->safe_psql('postgres', q{SET default_transaction_read_only = off; ALTER SYSTEM RESET default_transaction_read_only; SELECT pg_reload_conf()});
$standby->wait_for_log(qr/al_ext worker for database "postgres" resumed: default_transaction_read_only is off/, $offset);
ok($standby->poll_query_until('postgres',
	q{SELECT model_version = 4 AND labeled = 50 FROM al.learner_status WHERE learner = 'l'}),
	'it retrains once default_transaction_read_only is off again');
unlike(slurp_file($standby->logfile, $offset), qr/read-only transaction/,
	'no round failed on the read-only default');

$standby->stop;
done_testing();
