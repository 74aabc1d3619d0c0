# Attack (review of main): the per-backend model cache is keyed by model id
# alone and only asks the store whether that id still exists.  After DROP
# EXTENSION al_ext / CREATE EXTENSION al_ext the ids start again at 1, so a
# backend (or the worker) that cached model 1 of the old installation keeps
# using it for the new model 1:
#  1. silently wrong results: al.predict answers a class of the old learner;
#  2. a crash: a round that rescores the pool with the "published" model
#     gets the old model (5 classes) for a learner of 2 classes, writes 5
#     probabilities per row into a buffer sized for 2 (heap overflow; glibc
#     aborts with "free(): invalid size", signal 6, the server restarts);
#  3. the same in the worker, which survives a DROP + CREATE EXTENSION done
#     in one transaction (it never sees the extension missing).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('reinstall');
$node->init;
$node->append_conf('postgresql.conf', qq{
restart_after_crash = on
al_ext.naptime = '100ms'
});
$node->start;

# The old installation: learner L (id 1) of 5 classes, its model 1 trained.
my $old_learner = q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pa (id bigint PRIMARY KEY, x real[]);
	INSERT INTO pa SELECT g, ARRAY[(g % 5) + (g % 7) * 0.01, (g % 3) * 0.1]::real[]
	FROM generate_series(1, 200) g;
	SELECT al.create_learner('L', 'pa', 'id', 'x', ARRAY['c0', 'c1', 'c2', 'c3', 'c4'],
	                         'entropy', '{"retrain_every": 1}');
	SELECT al.label_many('L', (SELECT jsonb_agg(jsonb_build_object('item', g, 'label', 'c' || (g % 5)))
	                           FROM generate_series(1, 50) g));
};
# The new installation: learner L again (id 1 again), 2 classes.
my $new_learner = q{
	DROP EXTENSION al_ext CASCADE;
	DROP TABLE pa;
	CREATE EXTENSION al_ext;
	CREATE TABLE pb (id bigint PRIMARY KEY, x real[]);
	INSERT INTO pb SELECT g, ARRAY[(g % 2) + (g % 7) * 0.01, (g % 3) * 0.1]::real[]
	FROM generate_series(1, 20000) g;
	SELECT al.create_learner('L', 'pb', 'id', 'x', ARRAY['no', 'yes'], 'entropy', '{"retrain_every": 1}');
	SELECT al.label_many('L', (SELECT jsonb_agg(jsonb_build_object('item', g, 'label', (ARRAY['no', 'yes'])[g % 2 + 1]))
	                           FROM generate_series(1, 50) g));
};

# Whether the server log shows a process killed by a signal since offset.
sub crashed_since
{
	my ($offset) = @_;
	my $log = slurp_file($node->logfile, $offset);
	return $log =~ /terminated by signal/ ? 1 : 0;
}

# 1. one session, prediction: the new model's classes, not the old one's
$node->safe_psql('postgres', 'CREATE DATABASE d1');
my ($ret, $out, $err) = $node->psql('d1', qq{
	$old_learner
	SELECT al.run_learner('L');
	SELECT al.predict('learner/L', '{1,0}'::real[]);
	$new_learner
	SELECT al.run_learner('L');
	SELECT 'predicted=' || al.predict('learner/L', '{1,0}'::real[]);
});
like($out, qr/^predicted=(no|yes)$/m,
	'after DROP/CREATE EXTENSION a session predicts with the new model 1, not the one it cached');

# 2. one session, a round that rescores with the published model
$node->safe_psql('postgres', 'CREATE DATABASE d2');
my $offset = -s $node->logfile;
($ret, $out, $err) = $node->psql('d2', qq{
	$old_learner
	SELECT al.run_learner('L');
	SELECT al.predict('learner/L', '{1,0}'::real[]);
	$new_learner
	SELECT al.run_learner('L');
	INSERT INTO pb VALUES (100000, '{1,1}');
	SELECT 'round=' || al.run_learner('L');
});
is(crashed_since($offset), 0, 'a rescoring round after DROP/CREATE EXTENSION does not crash the backend');
like($out, qr/^round=rescored$/m, 'and rescores with the new model')
  or diag("stderr: $err");
$node->poll_query_until('postgres', 'SELECT true') or die 'server did not come back';

# 3. the worker: it cached model 1 while rescoring the old learner; the
# extension is dropped and created again in one transaction
$node->safe_psql('postgres', 'CREATE DATABASE d3');
$node->safe_psql('d3', $old_learner . q{ SELECT al.start_worker() > 0;});
$node->poll_query_until('d3', q{SELECT model_version = 1 FROM al.learner_status})
  or die 'the worker did not train the old learner';
$node->safe_psql('d3', q{INSERT INTO pa VALUES (1000, '{1,1}')});
$node->poll_query_until('d3', q{SELECT pool_rows = 201 FROM al.ranking_state})
  or die 'the worker did not rescore the old learner';
$offset = -s $node->logfile;
$node->safe_psql('d3', "BEGIN; $new_learner COMMIT;");
$node->poll_query_until('d3', q{SELECT model_version = 1 FROM al.learner_status})
  or die 'the worker did not train the new learner';
$node->safe_psql('d3', q{INSERT INTO pb VALUES (100000, '{1,1}')});
my $rescored = $node->poll_query_until('d3',
	q{SELECT pool_rows = 20001 FROM al.ranking_state WHERE learner_id = 1});
is(crashed_since($offset), 0, 'the worker does not crash after DROP + CREATE EXTENSION in one transaction');
ok($rescored, 'and rescores the new learner');
is($node->safe_psql('d3', q{SELECT string_agg(DISTINCT predicted, ',' ORDER BY predicted) FROM al.scores}),
	'no,yes', 'with the new model');

$node->stop('immediate');
done_testing();
