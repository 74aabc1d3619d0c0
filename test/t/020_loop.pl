# The loop with the background worker: retraining after retrain_every labels,
# readers never see two model versions mixed, eight concurrent annotators
# never get the same item and lose no label, an immediate shutdown loses no
# committed label, and the worker reads the pool as the learner's owner.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $node = PostgreSQL::Test::Cluster->new('loop');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'al_ext'
al_ext.databases = 'postgres'
al_ext.naptime = '100ms'
max_worker_processes = 16
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS
	SELECT i::bigint AS id,
	       ARRAY[(i % 4) + random() * 0.8, (i % 3) - random() * 0.8, random()]::real[] AS x,
	       (i % 4)::text AS truth
	FROM generate_series(1, 30000) i;
	ALTER TABLE pool ADD PRIMARY KEY (id);
	SELECT al.create_learner('l', 'pool', 'id', 'x', ARRAY['0', '1', '2', '3'], 'entropy',
	                         '{"retrain_every": 20, "batch_size": 3, "seed": 1}');
});
ok($node->poll_query_until('postgres',
		q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'al_ext worker'}),
	'the preloaded worker runs');

sub version
{
	return $node->safe_psql('postgres',
		q{SELECT coalesce(model_version, 0) FROM al.learners WHERE name = 'l'});
}

# 1. retrain_every: 19 labels leave the learner without a model, the 20th trains one
$node->safe_psql('postgres', q{SELECT al.label('l', id, truth) FROM pool WHERE id <= 19});
sleep(1);
is(version(), '0', 'no model after 19 labels (retrain_every 20)');
$node->safe_psql('postgres', q{SELECT al.label('l', 20, truth) FROM pool WHERE id = 20});
ok($node->poll_query_until('postgres',
		q{SELECT model_version = 1 FROM al.learners WHERE name = 'l'}),
	'the worker published version 1 after the 20th label');
is($node->safe_psql('postgres', q{SELECT count(*) FROM al.scores}),
	'29980', 'every unlabeled item is ranked');

# 2. a reader polling the ranking while the worker retrains twice sees one
# complete version at a time
$node->safe_psql('postgres', q{CREATE TABLE poll_log (versions bigint, rows bigint, version int)});
my $reader_sql = q{
DO $$
DECLARE
	t0 timestamptz := clock_timestamp();
	v int := 0;
BEGIN
	WHILE v < 3 AND clock_timestamp() < t0 + interval '60 seconds' LOOP
		INSERT INTO poll_log
		SELECT count(DISTINCT model_version), count(*), max(model_version) FROM al.scores;
		SELECT max(version) INTO v FROM poll_log;
		PERFORM pg_sleep(0.002);
	END LOOP;
END $$;
};
my ($rout, $rerr) = ('', '');
my $reader = IPC::Run::start(
	[ 'psql', '-XAtq', '-d', $node->connstr('postgres'), '-c', $reader_sql ],
	'>', \$rout, '2>', \$rerr);
$node->safe_psql('postgres', q{SELECT al.label('l', id, truth) FROM pool WHERE id BETWEEN 21 AND 40});
$node->poll_query_until('postgres', q{SELECT model_version = 2 FROM al.learners WHERE name = 'l'});
$node->safe_psql('postgres', q{SELECT al.label('l', id, truth) FROM pool WHERE id BETWEEN 41 AND 60});
$reader->finish;
is($rerr, '', 'reader ran without error');
is($node->safe_psql('postgres', q{SELECT max(version) FROM poll_log}), '3', 'reader saw version 3 arrive');
is($node->safe_psql('postgres', q{SELECT count(*) FROM poll_log WHERE versions <> 1}),
	'0', 'no poll saw two model versions mixed (or none)');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM poll_log WHERE rows <> 30000 - 20 * version}),
	'0', 'each poll saw the complete ranking of its version');
cmp_ok($node->safe_psql('postgres', q{SELECT count(*) FROM poll_log}), '>', 10, 'the reader polled many times');

# 3. eight concurrent annotators take and label batches for five seconds
$node->safe_psql('postgres', q{CREATE TABLE handed (client int, item_id text)});
$node->pgbench(
	'--no-vacuum --client=8 --jobs=2 --time=5',
	0,
	[qr{processed: [1-9]}],
	[qr{^$}],
	'eight annotators take and label batches',
	{
		'annotate' => q{
SET client_min_messages = warning;
BEGIN;
CREATE TEMP TABLE IF NOT EXISTS batch (item_id text) ON COMMIT DELETE ROWS;
INSERT INTO batch SELECT item_id FROM al.next_batch('l', 3, 'ann' || :client_id);
INSERT INTO handed SELECT :client_id, item_id FROM batch;
SELECT count(*) FROM (SELECT al.label('l', b.item_id, p.truth, 'ann' || :client_id)
                      FROM batch b JOIN pool p ON p.id = b.item_id::bigint) s;
COMMIT;
}
	});
my ($handed, $distinct) = split /\|/, $node->safe_psql('postgres',
	q{SELECT count(*), count(DISTINCT item_id) FROM handed});
cmp_ok($handed, '>', 100, "annotators were handed $handed items");
is($distinct, $handed, 'no item was handed out twice');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM handed h
	WHERE NOT EXISTS (SELECT 1 FROM al.labels b
	                  WHERE b.item_id = h.item_id AND b.annotator = 'ann' || h.client)}),
	'0', 'no label was lost');
is($node->safe_psql('postgres', q{SELECT count(*) FROM al.leases WHERE expires_at > now()}),
	'0', 'labeling released every lease');
ok($node->poll_query_until('postgres', q{
	SELECT count(*) < 20 FROM al.labels b, al.learner_store l
	WHERE l.name = 'l' AND b.learner_id = l.id AND b.trained_in IS NULL}),
	'the worker caught up: fewer than retrain_every labels wait for a retrain');

# 4. an immediate shutdown in the middle of a storm of labels loses none that committed
my $storm = join('', map { "SELECT $_ FROM (SELECT al.label('l', $_, truth, 'storm') FROM pool WHERE id = $_) s;\n" }
	  (20001 .. 24000));
my $storm_file = PostgreSQL::Test::Utils::tempdir() . '/storm.sql';
PostgreSQL::Test::Utils::append_to_file($storm_file, $storm);
my ($sout, $serr) = ('', '');
my $storm_run = IPC::Run::start(
	[ 'psql', '-XAtq', '-d', $node->connstr('postgres'), '-f', $storm_file ],
	'>', \$sout, '2>', \$serr);
$node->poll_query_until('postgres', q{SELECT count(*) > 500 FROM al.labels WHERE annotator = 'storm'});
$node->stop('immediate');
$storm_run->finish;
my @acknowledged = grep { /^\d+$/ } split /\n/, $sout;
cmp_ok(scalar(@acknowledged), '>', 500, scalar(@acknowledged) . ' labels were acknowledged before the shutdown');
cmp_ok(scalar(@acknowledged), '<', 4000, 'the shutdown interrupted the storm');
$node->start;
my $ack_list = join(',', map { "'$_'" } @acknowledged);
is($node->safe_psql('postgres', qq{
	SELECT count(*) FROM unnest(ARRAY[$ack_list]::text[]) a(item)
	WHERE NOT EXISTS (SELECT 1 FROM al.labels WHERE item_id = a.item AND annotator = 'storm')}),
	'0', 'every acknowledged label survived the immediate shutdown');
ok($node->poll_query_until('postgres',
		q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'al_ext worker'}),
	'the worker is back after the restart');

# 5. the worker reads the pool as the learner's owner: row-level security
# hides half of the pool from her, and only her rows get ranked
$node->safe_psql('postgres', q{
	CREATE ROLE alice;
	CREATE TABLE secret_pool AS
	SELECT i::bigint AS id, ARRAY[i % 2, random()]::real[] AS x, (i % 2)::text AS truth,
	       CASE WHEN i <= 500 THEN 'alice' ELSE 'bob' END AS visible_to
	FROM generate_series(1, 1000) i;
	ALTER TABLE secret_pool ENABLE ROW LEVEL SECURITY;
	CREATE POLICY mine ON secret_pool USING (visible_to = current_user);
	GRANT SELECT ON secret_pool TO alice;
	SET ROLE alice;
	SELECT al.create_learner('alices', 'secret_pool', 'id', 'x', ARRAY['0', '1'], 'entropy', '{"retrain_every": 4}');
	SELECT al.label('alices', id, truth) FROM secret_pool WHERE id <= 4;
});
ok($node->poll_query_until('postgres', q{SELECT model_version = 1 FROM al.learners WHERE name = 'alices'}),
	'the worker trained alice\'s learner');
is($node->safe_psql('postgres', q{
	SELECT count(*) || ' ' || max(item_id::bigint) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
	WHERE l.name = 'alices'}),
	'496 500', 'only the 496 unlabeled rows alice may see were ranked: the worker read as alice');
is($node->safe_psql('postgres', q{SELECT owner FROM al.models WHERE name = 'learner/alices'}),
	'alice', 'the learner\'s model belongs to alice');

$node->stop;
done_testing();
