# Review of 596d407 (option rescore_sample's draw in the round's one query)
# and 74364dd (al.label, al.label_many and al.release end leases by the
# tids item_probe finds, DELETE ... WHERE ctid = ANY(tids)).
#
# FINDING (medium, mended): a lease renewed concurrently was left live.
#   The tids were found with a snapshot of their own (GetLatestSnapshot)
#   and the DELETE ran with another, and a renewed lease
#   (al.next_batch's INSERT ... ON CONFLICT DO UPDATE of an expired lease)
#   has a new tid:
#   (1) the renewal in progress: the DELETE waits for its row, then
#       EvalPlanQual rechecks the new version, whose ctid is not in the
#       list (a sequential scan rechecks the ctid condition): the labeling
#       annotator keeps a live lease of the item it just labeled, and
#       al.release answers 0 for a lease it holds;
#   (2) the renewal committed between the probe and the DELETE's snapshot
#       (here the DELETE waits for its table lock behind a LOCK ... SHARE):
#       the old tid is no longer visible, the new one was not found;
#   (3) REPEATABLE READ: the probe saw the renewed version, the DELETE's
#       transaction snapshot does not: no error, the lease stays (the
#       statements joined before, and failed to serialize).
#   Now item_probe_end_leases probes with the DELETE's own snapshot and
#   runs the DELETE with it (SPI_execute_snapshot), then probes again with
#   a new snapshot until no tid is new.  Every check of sections 1-3 fails
#   on 74364dd and passes on its parent and with the fix.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use AlNode;

my $node = al_preloaded_node('review17');

sub sq { my ($sql) = @_; return $node->safe_psql('postgres', $sql); }

sq(q{
	CREATE EXTENSION al_ext;
	CREATE TABLE rl_pool AS SELECT i::bigint AS id, ARRAY[i % 7, i % 5]::real[] AS x FROM generate_series(1, 200) i;
	ALTER TABLE rl_pool ADD PRIMARY KEY (id);
	SELECT al.create_learner('rl', 'rl_pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"lease": "1 hour"}');
	-- the live leases of annotator ann on item
	CREATE FUNCTION live(ann text, item text) RETURNS bigint LANGUAGE sql AS $$
		SELECT count(*) FROM al.leases WHERE annotator = ann AND item_id = item AND expires_at > now() $$;
});

# Annotator $ann takes an item, its lease expires, and a session renews it
# (al.next_batch, not committed): returns (item, that session).
sub renewing
{
	my ($ann) = @_;
	my $item = sq(qq{SELECT item_id FROM al.next_batch('rl', 1, '$ann')});
	sq(qq{UPDATE al.leases SET expires_at = now() - interval '1 second' WHERE annotator = '$ann'});
	my $b = $node->background_psql('postgres');
	is($b->query_safe(qq{BEGIN; SELECT item_id FROM al.next_batch('rl', 1, '$ann')}), $item,
		"$ann: another session of $ann renews its expired lease of item $item");
	return ($item, $b);
}

# The statement that ends annotator $ann's lease of $item: $fn is label,
# label_many or release.
sub ending
{
	my ($fn, $ann, $item) = @_;
	return qq{SELECT al.label('rl', '$item', 'a', '$ann') IS NULL AS labeled} if $fn eq 'label';
	return qq{SELECT al.label_many('rl', jsonb_build_array(jsonb_build_object('item', '$item', 'label', 'a', 'annotator', '$ann'))) AS labeled}
	  if $fn eq 'label_many';
	return qq{SELECT al.release('rl', ARRAY['$item'], '$ann') AS released};
}

# ---- 1. the renewal in progress while the lease ends ----
for my $fn (qw(label label_many release))
{
	my $ann = "r1_$fn";
	my ($item, $b) = renewing($ann);
	my $a = $node->background_psql('postgres', on_error_stop => 0);
	my $pid = $a->query_safe('SELECT pg_backend_pid()');
	$a->query_until(qr/ending/, "\\echo ending\n" . ending($fn, $ann, $item) . ";\n");
	ok($node->poll_query_until('postgres', qq{SELECT wait_event = 'transactionid' FROM pg_stat_activity WHERE pid = $pid}),
		"1 $fn: waits for the renewal's row");
	$b->query_safe('COMMIT');
	my $out = $a->query_safe(q{SELECT 'after'});
	is(sq(qq{SELECT live('$ann', '$item')}), '0', "1 $fn: the renewed lease ended");
	like($out, qr/^1$/m, '1 release: answers 1') if $fn eq 'release';
	$a->quit;
	$b->quit;
}

# ---- 2. the renewal commits between the probe and the DELETE's snapshot ----
# (the DELETE waits for its lock on al.leases behind a LOCK ... IN SHARE
# MODE that waits for the renewal)
for my $fn (qw(label release))
{
	my $ann = "r2_$fn";
	my ($item, $b) = renewing($ann);
	my $c = $node->background_psql('postgres');
	my $cpid = $c->query_safe('SELECT pg_backend_pid()');
	$c->query_until(qr/locking/, "\\echo locking\nBEGIN; LOCK al.leases IN SHARE MODE;\n");
	ok($node->poll_query_until('postgres', qq{SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $cpid}),
		"2 $fn: the LOCK waits for the renewal");
	my $a = $node->background_psql('postgres', on_error_stop => 0);
	my $pid = $a->query_safe('SELECT pg_backend_pid()');
	$a->query_until(qr/ending/, "\\echo ending\n" . ending($fn, $ann, $item) . ";\n");
	ok($node->poll_query_until('postgres', qq{SELECT wait_event = 'relation' FROM pg_stat_activity WHERE pid = $pid}),
		"2 $fn: the DELETE waits for its lock on al.leases");
	$b->query_safe('COMMIT');
	$c->query_safe(q{SELECT 'locked'});
	$c->query_safe('COMMIT');
	my $out = $a->query_safe(q{SELECT 'after'});
	is(sq(qq{SELECT live('$ann', '$item')}), '0', "2 $fn: the renewed lease ended");
	like($out, qr/^1$/m, '2 release: answers 1') if $fn eq 'release';
	$a->quit;
	$b->quit;
	$c->quit;
}

# ---- 3. REPEATABLE READ: a renewal committed after the transaction's snapshot ----
for my $fn (qw(label release))
{
	my $ann = "r3_$fn";
	my $item = sq(qq{SELECT item_id FROM al.next_batch('rl', 1, '$ann')});
	sq(qq{UPDATE al.leases SET expires_at = now() - interval '1 second' WHERE annotator = '$ann'});
	my $a = $node->background_psql('postgres', on_error_stop => 0);
	$a->query_safe(q{BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM al.leases});
	is(sq(qq{SELECT item_id FROM al.next_batch('rl', 1, '$ann')}), $item, "3 $fn: the lease is renewed and committed");
	$a->query(ending($fn, $ann, $item));
	like($a->{stderr}, qr/could not serialize access due to concurrent update/,
		"3 $fn: the DELETE fails to serialize (the renewed version is not the one it sees)");
	$a->{stderr} = '';
	$a->query_safe('ROLLBACK');
	$a->quit;
	is(sq(qq{SELECT count(*) FROM al.labels WHERE annotator = '$ann'}) . ' ' . sq(qq{SELECT live('$ann', '$item')}),
		'0 1', "3 $fn: nothing labeled, the renewed lease live");
}

# ---- 4. without concurrency: every lease of the items, NULL and repeated elements ----
{
	my $items = sq(q{SELECT string_agg(item_id, ',' ORDER BY item_id) FROM al.next_batch('rl', 5, 'r4')});
	my @items = split /,/, $items;
	is(sq(qq{SELECT al.release('rl', ARRAY[NULL, '$items[0]', '$items[0]', NULL, '$items[1]'], 'r4')}), '2',
		'4: a release of 2 items among NULLs and repeats ends 2 leases');
	is(sq(qq{SELECT al.release('rl', ARRAY[['$items[2]', '$items[3]'], ['$items[4]', NULL]], 'r4')}), '3',
		'4: a two-dimensional array releases its 3 items');
	is(sq(q{SELECT count(*) FROM al.leases WHERE annotator = 'r4'}), '0', '4: none left');
}

# ---- 5. a release in progress, committed or rolled back, while the annotator labels ----
for my $end (qw(COMMIT ROLLBACK))
{
	my $ann = "r5_$end";
	my $item = sq(qq{SELECT item_id FROM al.next_batch('rl', 1, '$ann')});
	my $b = $node->background_psql('postgres');
	is($b->query_safe(qq{BEGIN; SELECT al.release('rl', ARRAY['$item'], '$ann')}), '1', "5 $end: a session releases item $item");
	my $a = $node->background_psql('postgres', on_error_stop => 0);
	my $pid = $a->query_safe('SELECT pg_backend_pid()');
	$a->query_until(qr/ending/, "\\echo ending\n" . ending('label', $ann, $item) . ";\n");
	ok($node->poll_query_until('postgres', qq{SELECT wait_event = 'transactionid' FROM pg_stat_activity WHERE pid = $pid}),
		"5 $end: the label waits for the release's row");
	$b->query_safe($end);
	$a->query_safe(q{SELECT 'after'});
	is(sq(qq{SELECT count(*) FROM al.leases WHERE annotator = '$ann'}) . ' '
		. sq(qq{SELECT count(*) FROM al.labels WHERE annotator = '$ann' AND item_id = '$item'}),
		'0 1', "5 $end: labeled, no lease left");
	$a->quit;
	$b->quit;
}

# ---- 6. option rescore_sample in the round's one query: twins ----
# Three learners on one pool, the same seed and labels: serial (reading
# the features), al_ext.parallel_rounds, score_in "pool".  Ids under a
# nondeterministic collation ('ID1' equals 'id1', 'é' equals 'e' + U+0301),
# multibyte, empty, NULL; NULL, short and NaN features; versions 1-4, one
# in hash buckets.  Their rankings are the same bit for bit, model
# versions, hot rows and ranks included.  (Holds on 596d407; uuid and
# negative bigint ids, fractions 1e-6 and 0.999999, row counts 1, 5, 2999
# and 3004 of 3005 rows, seeds 0 and 2147483647, committees of 1-3 held in
# a scratch cluster.)
sq(q{
	CREATE COLLATION tw_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
	CREATE TABLE tw_pool (id text COLLATE tw_ci, x real[]);
	INSERT INTO tw_pool SELECT CASE g % 6 WHEN 0 THEN 'id' || g WHEN 1 THEN 'ID' || g WHEN 2 THEN 'é' || g
		WHEN 3 THEN 'e' || chr(769) || g WHEN 4 THEN '日本' || g ELSE '🙂' || g END,
		ARRAY[(g % 7) * 0.3, (g % 5) * 0.2, ((g * 37) % 11) * 0.1]::real[] FROM generate_series(1, 3000) g;
	INSERT INTO tw_pool VALUES ('', ARRAY[1, 2, 3]), (NULL, ARRAY[1, 1, 1]), ('nullx', NULL), ('short', ARRAY[1, 2]),
		('nan', ARRAY['NaN', 1, 1]::real[]);
	SELECT al.create_learner(l, 'tw_pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'bald',
		format('{"retrain_every": 100000, "seed": 5, "committee": 2, "rescore_sample": 0.3, "score_in": "%s"}',
			CASE WHEN l = 'tw_pool' THEN 'pool' ELSE 'coordinator' END)::jsonb)
	FROM unnest(ARRAY['tw_ser', 'tw_par', 'tw_pool']) l;
	CREATE FUNCTION tw_ranking(learner text)
	RETURNS TABLE (item_id text, score bytea, predicted text, probs text, hot boolean, rank integer, model_version integer)
	LANGUAGE sql AS $$
		SELECT s.item_id, float8send(s.score), s.predicted, s.probs::text, s.hot, s.rank, s.model_version
		FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = learner $$;
	CREATE FUNCTION tw_differ(a text, b text) RETURNS bigint LANGUAGE sql AS $$
		SELECT (SELECT count(*) FROM (SELECT * FROM tw_ranking(a) EXCEPT ALL SELECT * FROM tw_ranking(b)) d)
		     + (SELECT count(*) FROM (SELECT * FROM tw_ranking(b) EXCEPT ALL SELECT * FROM tw_ranking(a)) d) $$;
	-- label the ids lo..hi (in byte order) in the three, run each one's round
	CREATE FUNCTION tw_step(lo int, hi int) RETURNS text LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM count(al.label(l, id::text, CASE WHEN x[1] + x[2] > 1 THEN 'a' WHEN x[3] > 0.5 THEN 'b' ELSE 'c' END))
		FROM (SELECT id, x FROM tw_pool WHERE id IS NOT NULL AND array_length(x, 1) = 3
		      ORDER BY id COLLATE "C" OFFSET lo LIMIT hi - lo) s, unnest(ARRAY['tw_ser', 'tw_par', 'tw_pool']) l;
		PERFORM set_config('al_ext.parallel_rounds', 'off', true);
		PERFORM al.retrain('tw_ser'), al.run_learner('tw_ser'), al.retrain('tw_pool'), al.run_learner('tw_pool');
		PERFORM set_config('al_ext.parallel_rounds', 'on', true);
		PERFORM al.retrain('tw_par'), al.run_learner('tw_par');
		RETURN (SELECT count(*) FROM tw_ranking('tw_ser')) || ' '
			|| (SELECT string_agg(v || ':' || n, ',' ORDER BY v) FROM (SELECT model_version AS v, count(*) AS n
				FROM tw_ranking('tw_ser') GROUP BY 1) c) || ' '
			|| tw_differ('tw_ser', 'tw_par') || ' ' || tw_differ('tw_ser', 'tw_pool');
	END $$;
});
like(sq(q{SELECT tw_step(0, 40)}), qr/^\d+ 1:\d+ 0 0$/, '6: version 1 (every row): the twins rank the same');
like(sq(q{SELECT tw_step(40, 70)}), qr/^\d+ 1:\d+,2:\d+ 0 0$/, '6: version 2 (the rows drawn): the same');
{
	my ($ret, $out, $err) = $node->psql('postgres',
		q{SET al_ext.selection_max_memory = '64kB'; SET client_min_messages = debug1; SELECT tw_step(70, 90)});
	like($out, qr/^\d+ 1:\d+,2:\d+,3:\d+ 0 0$/, '6: version 3 in hash buckets: the same');
	like($err, qr/"tw_par": scoring the pool in 2 hash buckets.*"tw_par": scoring in one query the rows option rescore_sample draws/s,
		'6: al_ext.parallel_rounds scored the rows drawn in 2 buckets');
	like($err, qr/"tw_pool": scoring in the pool's query.*"tw_pool": scoring in one query the rows option rescore_sample draws/s,
		'6: score_in "pool" scored the rows drawn in the pool\'s query');
}
like(sq(q{SELECT tw_step(90, 95)}), qr/^\d+ 1:\d+,2:\d+,3:\d+,4:\d+ 0 0$/, '6: version 4: the same');

$node->stop;
done_testing();
