# al.learner_status says whether an al_ext worker serves the learner's
# database (worker_running) and how long the oldest waiting label has
# waited (oldest_waiting_label_age): false before al.start_worker and after
# al.stop_worker, per database, readable by a role with the view right only.
# And al.unlabel across sessions: a withdrawal that commits after a round
# read the labels keeps waiting, as a late label does
# (test/t/067_label_serial_commit_order.pl).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('team');
$node->init;
$node->append_conf('postgresql.conf', qq{
al_ext.naptime = '100ms'
});
$node->start;
$node->safe_psql('postgres', q{CREATE ROLE viewer; CREATE DATABASE other});
foreach my $db (qw(postgres other))
{
	$node->safe_psql($db, q{
		CREATE EXTENSION al_ext;
		CREATE TABLE pool AS
		SELECT g::bigint AS id, ARRAY[(g % 2) + (g % 7) * 0.01, (g % 3) * 0.1]::real[] AS x
		FROM generate_series(1, 100) g;
		SELECT al.create_learner('l', 'pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 100}');
		SELECT al.grant_learner('l', 'viewer', 'view');
	});
}

# worker_running and labels_waiting of learner l, as role viewer
sub status
{
	my ($db) = @_;
	return $node->safe_psql($db, q{
		SET ROLE viewer;
		SELECT worker_running || ' ' || labels_waiting FROM al.learner_status WHERE learner = 'l'});
}

# the age of the oldest waiting label, in seconds
sub waited
{
	return $node->safe_psql('postgres', q{
		SELECT extract(epoch FROM oldest_waiting_label_age) FROM al.learner_status WHERE learner = 'l'});
}

is($node->safe_psql('postgres', q{SELECT oldest_waiting_label_age IS NULL FROM al.learner_status}), 't',
	'nothing waits: no age');
$node->safe_psql('postgres', q{SELECT al.label('l', 1, 'b'), al.label('l', 2, 'a')});
is(status('postgres'), 'false 2', 'no worker started: worker_running is false, the labels wait');
my $age1 = waited();
$node->safe_psql('postgres', q{SELECT pg_sleep(0.2)});
my $age2 = waited();
ok($age1 >= 0 && $age2 > $age1, "the oldest label's wait grows ($age1 s, then $age2 s)");
# the age is that of the oldest of the waiting labels
$node->safe_psql('postgres', q{SELECT al.label('l', 3, 'b')});
is($node->safe_psql('postgres', q{
	SELECT oldest_waiting_label_age = now() - (SELECT min(labeled_at) FROM al.labels)
	   AND oldest_waiting_label_age > now() - (SELECT max(labeled_at) FROM al.labels)
	FROM al.learner_status}), 't', 'the age is the oldest waiting label\'s, not the newest');

# a worker for database postgres
my $pid = $node->safe_psql('postgres', 'SELECT al.start_worker()');
ok($node->poll_query_until('postgres', q{SELECT worker_running FROM al.learner_status WHERE learner = 'l'}),
	'with the worker running: worker_running is true');
like(status('postgres'), qr/^true /, 'also for a role with the view right only');
is($node->safe_psql('postgres', q{SELECT count(*) FROM al.worker_processes() WHERE pid = } . $pid), '1',
	'that is the worker al.start_worker started');
is(status('other'), 'false 0', 'the other database has no worker: false there');
# the worker serves the learner: a retrain request is done, nothing waits
$node->safe_psql('postgres', q{SELECT al.retrain('l')});
ok($node->poll_query_until('postgres', q{
	SELECT labels_waiting = 0 AND oldest_waiting_label_age IS NULL AND model_version = 1
	FROM al.learner_status WHERE learner = 'l'}),
	'the worker trained on the waiting labels: nothing waits, no age');

# stopped: false again
is($node->safe_psql('postgres', 'SELECT al.stop_worker()'), 't', 'stop_worker');
$node->safe_psql('postgres', q{SELECT al.label('l', 4, 'a')});
ok($node->poll_query_until('postgres', q{SELECT NOT worker_running FROM al.learner_status}),
	'worker stopped: worker_running is false');
is(status('postgres'), 'false 1', 'and the new label waits');
ok(waited() >= 0, 'and has an age');

# the other database's worker serves only it
$node->safe_psql('other', 'SELECT al.start_worker()');
ok($node->poll_query_until('other', q{SELECT worker_running FROM al.learner_status}),
	'a worker for the other database: true there');
is(status('postgres'), 'false 1', 'still false in postgres');
$node->safe_psql('other', 'SELECT al.stop_worker()');

# ---- a withdrawal committed after a round read the labels ----
$node->safe_psql('postgres', q{SELECT al.alter_learner('l', NULL, '{"retrain_every": 1}')});
is($node->safe_psql('postgres', q{SELECT al.run_learner('l')}), 'retrained', 'a round trains on labels 1 to 4');
# session 1 withdraws label 3 but has not committed
my $s1 = $node->background_psql('postgres');
$s1->query_safe('BEGIN');
is($s1->query_safe(q{SELECT al.unlabel('l', 3)}), 't', 'session 1 withdraws label 3 (not committed)');
# session 2 labels item 5; a round trains on labels 1 to 5 (3 included: not withdrawn yet)
is($node->safe_psql('postgres', q{SET statement_timeout = '60s'; SELECT al.label('l', 5, 'b'); SELECT al.run_learner('l')}),
	"\nretrained", 'a round trains meanwhile, without waiting for session 1');
is($node->safe_psql('postgres', q{SELECT max(labels_used) FROM al.learning_curve WHERE learner = 'l'}),
	'5', 'on 5 labels, label 3 included');
$s1->query_safe('COMMIT');
$s1->quit;
is($node->safe_psql('postgres', q{SELECT labeled || '/' || labels_waiting FROM al.learner_status}),
	'4/1', 'the withdrawal, committed after that round, waits');
is($node->safe_psql('postgres', q{SELECT al.run_learner('l')}), 'retrained',
	'and the next round (retrain_every 1) trains without label 3');
is($node->safe_psql('postgres', q{
	SELECT labels_used || ' ' || (SELECT string_agg(item_id || ':' || trained_in || '>' || retrained_in, ' ')
	                              FROM al.withdrawn_labels)
	FROM al.learning_curve WHERE learner = 'l' ORDER BY model_version DESC LIMIT 1}),
	'4 3:1>4', 'on 4 labels; the withdrawal names the version trained with the label and the first without it');
is($node->safe_psql('postgres', q{SELECT labels_waiting FROM al.learner_status}), '0', 'nothing waits');

$node->stop;
done_testing();
