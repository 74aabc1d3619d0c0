# al.drop_learner while a round of that learner runs (issue 7, defect 8: the
# round's ranking rows were left behind in al.scores forever).  Now the
# round holds the learner's row and the drop waits for it, then removes
# everything the round wrote.  A pool view with a gate (an advisory lock
# the test holds) keeps the round inside its pool scan for as long as the
# test needs, without timing assumptions.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('drop_round');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'al_ext'
al_ext.databases = 'postgres'
al_ext.naptime = '100ms'
# the test holds the worker on a lock inside the pool for as long as it needs
al_ext.lock_timeout = 0
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS SELECT i::bigint AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 1000) i;
	-- the gate: reading row 1 waits while someone holds advisory lock 4242
	CREATE FUNCTION gate(id bigint) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
	BEGIN
		IF id = 1 THEN
			PERFORM pg_advisory_xact_lock_shared(4242);
		END IF;
		RETURN true;
	END $$;
	CREATE VIEW gated_pool AS SELECT id, x FROM pool WHERE gate(id);
	-- for the worker: the gate only while a round reads its labeled rows
	-- (its idle rounds, which count the pool, pass)
	CREATE FUNCTION training_gate(id bigint) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
	BEGIN
		IF id = 1 THEN
			PERFORM pg_stat_clear_snapshot();
			IF (SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid()) LIKE '%reading labels%' THEN
				PERFORM pg_advisory_xact_lock_shared(4242);
			END IF;
		END IF;
		RETURN true;
	END $$;
	CREATE VIEW training_gated_pool AS SELECT id, x FROM pool WHERE training_gate(id);
	SELECT al.create_learner('w', 'training_gated_pool', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 2}');
});
ok($node->poll_query_until('postgres',
		q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'al_ext worker'}),
	'the worker runs');

my $gate = $node->background_psql('postgres');
my $dropper = $node->background_psql('postgres', on_error_stop => 0);
my $dropper_pid = $dropper->query_safe('SELECT pg_backend_pid()');

# the dropper's session: waiting on a lock, or done
sub dropper_waits_or_done
{
	$node->poll_query_until('postgres', qq{
		SELECT state = 'idle' OR wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $dropper_pid});
	return $node->safe_psql('postgres', qq{SELECT wait_event_type FROM pg_stat_activity WHERE pid = $dropper_pid});
}

# what is left of a learner id in al_ext's tables
sub left_of
{
	my ($id) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT (SELECT count(*) FROM al.learner_store WHERE id = $id) || ' ' ||
		       (SELECT count(*) FROM al.scores WHERE learner_id = $id) || ' ' ||
		       (SELECT count(*) FROM al.ranking_state WHERE learner_id = $id) || ' ' ||
		       (SELECT count(*) FROM al.labels WHERE learner_id = $id) || ' ' ||
		       (SELECT count(*) FROM al.curve_store WHERE learner_id = $id)});
}

# 1. the worker trains the learner; it is dropped in the middle of the round
my $w = $node->safe_psql('postgres', q{SELECT id FROM al.learners WHERE name = 'w'});
$gate->query_safe('SELECT pg_advisory_lock(4242)');
my $offset = -s $node->logfile;
$node->safe_psql('postgres', q{SELECT al.label('w', 1, 'odd'), al.label('w', 2, 'even')});
ok($node->poll_query_until('postgres', q{
	SELECT count(*) = 1 FROM pg_stat_activity
	WHERE backend_type = 'al_ext worker' AND wait_event = 'advisory' AND query LIKE '%(w): reading labels'}),
	'the worker\'s retraining round is held at the gate, reading the labeled rows');
$dropper->query_until(qr/dropping/, "\\echo dropping\nSELECT al.drop_learner('w');\n");
is(dropper_waits_or_done(), 'Lock', 'al.drop_learner waits for the round');
$gate->query_safe('SELECT pg_advisory_unlock(4242)');
$dropper->query_safe(q{SELECT 'done'});
is(left_of($w), '0 0 0 0 0', 'the drop removed the learner and all that the round wrote (ranking, state, labels, curve)');
is($node->safe_psql('postgres', q{SELECT count(*) FROM al.model_store WHERE name = 'learner/w'}), '0',
	'the model version the round committed went with the learner');
unlike(slurp_file($node->logfile, $offset), qr/ERROR/, 'the worker logged no error');

# 2. a rescoring round in a session (al.run_learner), the worker stopped
$node->safe_psql('postgres', q{
	SELECT al.stop_worker();
	SELECT al.create_learner('s', 'gated_pool', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 2}');
	SELECT al.label('s', 1, 'odd'), al.label('s', 2, 'even');
});
my $runner = $node->background_psql('postgres', on_error_stop => 0);
my $runner_pid = $runner->query_safe('SELECT pg_backend_pid()');
is($runner->query_safe(q{SELECT al.run_learner('s')}), 'retrained', 'learner s trained in a session');
my $s = $node->safe_psql('postgres', q{SELECT id FROM al.learners WHERE name = 's'});
$node->safe_psql('postgres', q{INSERT INTO pool SELECT i, ARRAY[i % 2, 1]::real[] FROM generate_series(1001, 1100) i});
$gate->query_safe('SELECT pg_advisory_lock(4242)');
$runner->query_until(qr/running/, "\\echo running\nSELECT al.run_learner('s');\n");
ok($node->poll_query_until('postgres', qq{
	SELECT wait_event = 'advisory' FROM pg_stat_activity WHERE pid = $runner_pid}),
	'the rescoring round is held at the gate');
$dropper->query_until(qr/dropping/, "\\echo dropping\nSELECT al.drop_learner('s');\n");
is(dropper_waits_or_done(), 'Lock', 'al.drop_learner waits for the session\'s round');
$gate->query_safe('SELECT pg_advisory_unlock(4242)');
like($runner->query_safe(q{SELECT 'after'}), qr/rescored/, 'the round finished: rescored');
$dropper->query_safe(q{SELECT 'done'});
is(left_of($s), '0 0 0 0 0', 'nothing of the rescoring round is left');

# 3. the other way round: a drop holding the row first, a round then finds no learner
$node->safe_psql('postgres', q{
	SELECT al.create_learner('t', 'gated_pool', 'id', 'x', ARRAY['even', 'odd']);
	SELECT al.label('t', 1, 'odd'), al.label('t', 2, 'even');
	SELECT al.retrain('t');
});
my $t = $node->safe_psql('postgres', q{SELECT id FROM al.learners WHERE name = 't'});
$dropper->query_safe(q{BEGIN; SELECT al.drop_learner('t')});
$runner->query_until(qr/running/, "\\echo running\nSELECT al.run_learner('t');\n");
ok($node->poll_query_until('postgres', qq{
	SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $runner_pid}),
	'a round waits for an uncommitted drop');
$dropper->query_safe('COMMIT');
my ($ret, $out, $err) = ('', '', '');
$out = $runner->query(q{SELECT 'after'});
like($out, qr/idle/, 'then sees the learner gone and does nothing');
is(left_of($t), '0 0 0 0 0', 'nothing left');

# 4. two rounds of one learner never overlap (issue 7, defect 14, the loop's
# side): al.run_learner waits for the worker's round of the same learner,
# then finds nothing left to do; one model version, no error.  (The gate
# holds only the retraining round: the worker's rounds that count the pool
# of the cold learner hold its row while they read, so al.retrain would wait
# behind a gated count.)
$node->safe_psql('postgres', q{
	SELECT al.start_worker();
	SELECT al.create_learner('u', 'training_gated_pool', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 100}');
	SELECT al.label('u', 1, 'odd'), al.label('u', 2, 'even');
});
$offset = -s $node->logfile;
$gate->query_safe('SELECT pg_advisory_lock(4242)');
$node->safe_psql('postgres', q{SELECT al.retrain('u')});
ok($node->poll_query_until('postgres', q{
	SELECT count(*) = 1 FROM pg_stat_activity
	WHERE backend_type = 'al_ext worker' AND wait_event = 'advisory' AND query LIKE '%(u): reading labels'}),
	'the worker\'s round of u is held at the gate');
$runner->query_until(qr/running/, "\\echo running\nSELECT al.run_learner('u');\n");
ok($node->poll_query_until('postgres', qq{
	SELECT wait_event_type = 'Lock' AND wait_event <> 'advisory' FROM pg_stat_activity WHERE pid = $runner_pid}),
	'al.run_learner waits for the worker\'s round of the same learner');
$gate->query_safe('SELECT pg_advisory_unlock(4242)');
like($runner->query_safe(q{SELECT 'after'}), qr/idle/, 'then finds the retrain done: idle');
is($node->safe_psql('postgres', q{SELECT string_agg(version::text, ',') FROM al.models WHERE name = 'learner/u'}),
	'1', 'one model version was trained');
unlike(slurp_file($node->logfile, $offset), qr/ERROR/, 'no error anywhere');

# 5. learners created and dropped while another learner's batch (or round)
# holds al.scores: neither waits.  al.scores is partitioned by learner
# (doc/loop.md "One partition per learner"): creating a partition locks it
# SHARE UPDATE EXCLUSIVE (no conflict with rows read or written); dropping
# one would need ACCESS EXCLUSIVE, so al.drop_learner then deletes the
# learner's rows and leaves its empty partition, which a later drop that
# gets the lock removes
$node->safe_psql('postgres', q{
	SELECT al.stop_worker();
	CREATE TABLE pool2 AS SELECT i::bigint AS id, ARRAY[i % 2, 1]::real[] AS x FROM generate_series(1, 300) i;
	SELECT al.create_learner('p', 'pool2', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 2}');
	SELECT al.create_learner('q', 'pool2', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 2}');
	SELECT al.label(l, 1, 'odd'), al.label(l, 2, 'even') FROM unnest(ARRAY['p', 'q']) l;
	SELECT al.run_learner('p'), al.run_learner('q');
});
my $q = $node->safe_psql('postgres', q{SELECT id FROM al.learners WHERE name = 'q'});
my $p_rows = q{SELECT count(*) || ' ' || md5(string_agg(s.item_id || s.score || coalesce(s.rank, 0), ',' ORDER BY s.item_id))
	FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'p'};
my $p_before = $node->safe_psql('postgres', $p_rows);
like($p_before, qr/^298 /, 'learner p ranks its 298 unlabeled items');
# (a batch reads its learner's partition only, so the holder also reads the
# ranking through al.scores, as a dashboard would)
$gate->query_safe(q{BEGIN; SELECT count(*) FROM al.next_batch('p', 3, 'holder');
	SELECT count(*) FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = 'p'});
$dropper->query_until(qr/creating/, "\\echo creating\nSELECT al.create_learner('r', 'pool2', 'id', 'x', ARRAY['even', 'odd']);\n");
is(dropper_waits_or_done(), 'Client', 'al.create_learner does not wait for a batch of another learner (done, idle)');
$dropper->query_until(qr/dropping/, "\\echo dropping\nSELECT al.drop_learner('q');\n");
is(dropper_waits_or_done(), 'Client', 'nor does al.drop_learner');
is(left_of($q), '0 0 0 0 0', 'learner q and its rows are gone');
is($node->safe_psql('postgres', qq{SELECT to_regclass('al.scores_$q') IS NOT NULL}), 't',
	'its empty partition is left while al.scores is in use');
$gate->query_safe('COMMIT');
is($node->safe_psql('postgres', $p_rows), $p_before, 'learner p\'s ranking is as it was');
$node->safe_psql('postgres', q{SELECT al.drop_learner('r')});
is($node->safe_psql('postgres', qq{SELECT to_regclass('al.scores_$q') IS NULL}), 't',
	'the next al.drop_learner with al.scores free drops it');
is($node->safe_psql('postgres', q{
	SELECT string_agg(coalesce(l.name, c.relname), ',' ORDER BY coalesce(l.name, c.relname))
	FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid LEFT JOIN al.learners l ON c.relname = 'scores_' || l.id
	WHERE i.inhparent = 'al.scores'::regclass}),
	'p,u', 'the partitions left are those of the learners left, p and u');
is($node->safe_psql('postgres', $p_rows), $p_before, 'and learner p\'s ranking is still as it was');

# 6. al.scores free when al.drop_learner runs, busy for a moment at its
# commit (a statement elsewhere still holding it, as a round the drop
# waited for may while it releases its locks): the commit asks again
# without queueing, and drops the partition once the lock is free
$node->safe_psql('postgres', q{
	SELECT al.create_learner('v', 'pool2', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 2}');
	SELECT al.label('v', 1, 'odd'), al.label('v', 2, 'even');
	SELECT al.run_learner('v');
});
my $v = $node->safe_psql('postgres', q{SELECT id FROM al.learners WHERE name = 'v'});
is($node->safe_psql('postgres', qq{SELECT count(*) FROM al.scores WHERE learner_id = $v}), '298',
	'learner v ranks its 298 unlabeled items');
$dropper->query_safe(q{BEGIN; SELECT al.drop_learner('v')});
$gate->query_safe(q{BEGIN; LOCK TABLE al.scores IN ACCESS SHARE MODE});
$dropper->query_until(qr/committing/, "\\echo committing\nCOMMIT;\n");
# the commit asks every 10 ms for a second; the holder lets go after 0.3 s
# (before the fix the commit gave up at once: the partition and its 298
# rows stayed)
$gate->query_safe(q{SELECT pg_sleep(0.3)});
$gate->query_safe('COMMIT');
$dropper->query_safe(q{SELECT 'done'});
is(left_of($v), '0 0 0 0 0', 'learner v and its rows are gone');
is($node->safe_psql('postgres', qq{SELECT to_regclass('al.scores_$v') IS NULL}), 't',
	'its partition was dropped once al.scores was free');

# 7. the same, but the dropping session's COMMIT is cancelled while it asks
# (pg_cancel_backend; statement_timeout does not cover a COMMIT): the
# COMMIT fails and rolls back (the learner stays, whole), rather than
# sleeping up to a second per relation past the cancel
$node->safe_psql('postgres', q{
	SELECT al.create_learner('w', 'pool2', 'id', 'x', ARRAY['even', 'odd'], 'entropy', '{"retrain_every": 2}');
	SELECT al.label('w', 1, 'odd'), al.label('w', 2, 'even');
	SELECT al.run_learner('w');
});
my $w = $node->safe_psql('postgres', q{SELECT id FROM al.learners WHERE name = 'w'});
my $d2 = $node->background_psql('postgres', on_error_stop => 0);
my $d2_pid = $d2->query_safe('SELECT pg_backend_pid()');
$d2->query_safe(q{BEGIN; SELECT al.drop_learner('w')});
$gate->query_safe(q{BEGIN; LOCK TABLE al.scores IN ACCESS SHARE MODE});
$d2->query_until(qr/committing/, "\\echo committing\nCOMMIT;\n");
# cancel once its COMMIT runs (a cancel while it is idle would be ignored)
$node->poll_query_until('postgres', qq{SELECT state = 'active' AND query LIKE 'COMMIT%' FROM pg_stat_activity WHERE pid = $d2_pid})
	or die 'the COMMIT did not start';
$node->safe_psql('postgres', "SELECT pg_cancel_backend($d2_pid)");
$d2->query('SELECT 1');
like($d2->{stderr}, qr/canceling statement due to user request/,
	'a COMMIT of al.drop_learner waiting for al.scores is cancelled by pg_cancel_backend');
$gate->query_safe('COMMIT');
is($node->safe_psql('postgres', qq{SELECT count(*) FROM al.learners WHERE name = 'w'}), '1',
	'the drop rolled back: learner w is still there');
is($node->safe_psql('postgres', qq{SELECT count(*) FROM al.scores WHERE learner_id = $w}), '298',
	'with its 298 rows');
$node->safe_psql('postgres', q{SELECT al.drop_learner('w')});
is(left_of($w), '0 0 0 0 0', 'dropped again with al.scores free, it is gone');
$d2->quit;

$gate->quit;
$dropper->quit;
$runner->quit;
$node->stop;
done_testing();
