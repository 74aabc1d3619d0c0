# Attack (review of b659bf0, WIP): al.next_batch's probes of al.leases and
# al.labels in C (item_probe.c), the kept plans of the hot rows on the
# learner's partition (batch_hot_plans.c), per-learner reopenings in shared
# memory, PREPARE refusal and the store_dml_depth flag of the trigger.
#
# The open checks compare al.next_batch with the semantics of the SQL the
# WIP replaced (old open_items: an item is open to annotator X when X has no
# label and no live lease of it, it has no adjudicated label, and its labels
# plus live leases are fewer than overlap; an evaluation item when it has no
# label and no live lease; a disagreement for the adjudicator when it has no
# live lease and no label of the adjudicator or adjudicated).  The same file
# run on the parent commit 0fb12e5 gives the same results, except for the
# PREPARE checks (no refusal there).
#
# FINDING (low, mended): a release rolled back to a savepoint still
#   refused PREPARE TRANSACTION (0A000): reopened_in_xact was kept at
#   subtransaction abort (now each note has its subtransaction's level).
#
# Holds (passing checks): overlap 1, 2, 3 on random states of labels (some
# adjudicated) and live/ended leases, read from a hint: only items open by
# the old rule, batches as full as it allows; evaluation items (e) and an
# adjudicator's disagreements (a, exactly the open ones); 10 kB ids out of
# line in the TOAST table, 6 kB ids compressed inline, multibyte ids, ids
# under a nondeterministic ICU collation (byte equality as before); kept
# plans over 18 learners in one session, across a round, ALTER of
# al.scores, a learner dropped and made again, a partition dropped by hand,
# DROP/CREATE EXTENSION in one session; a plain role gets no batch of a
# learner it may not annotate nor in another's name; a caught error inside
# a store statement leaves store_dml_depth at 0 (a later DELETE reopens);
# al.label and al.drop_learner can be prepared, al.release cannot; no leak
# warning after batches failing in lease_items, cancelled by
# statement_timeout at random points (savepoints, plpgsql handlers, top);
# REPEATABLE READ still refused; pgbench stresses (4-6 clients, labels,
# releases, unlabels) keep every item within its overlap.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use AlNode;
use IPC::Run;

my $node = al_preloaded_node('attackprobe');

sub sq { my ($sql, $db) = @_; return $node->safe_psql($db // 'postgres', $sql); }

sq(q{
	CREATE EXTENSION al_ext;
} . al_pv_function() . q{
	-- the old open rule for a ranked item (kinds s, r)
	CREATE FUNCTION old_open(l bigint, item text, ann text, overlap int) RETURNS boolean LANGUAGE sql AS $$
		SELECT lb.mine = 0 AND ls.mine = 0 AND lb.n + ls.n < overlap
		FROM (SELECT count(*) AS n, count(*) FILTER (WHERE b.annotator = ann OR b.adjudicated) AS mine
		      FROM al.labels b WHERE b.learner_id = l AND b.item_id = item) lb,
		     (SELECT count(*) AS n, count(*) FILTER (WHERE x.annotator = ann) AS mine
		      FROM al.leases x WHERE x.learner_id = l AND x.item_id = item AND x.expires_at > now()) ls $$;
	-- the old open rule for an evaluation item (kind e)
	CREATE FUNCTION old_open_eval(l bigint, item text) RETURNS boolean LANGUAGE sql AS $$
		SELECT NOT EXISTS (SELECT 1 FROM al.labels b WHERE b.learner_id = l AND b.item_id = item)
		   AND NOT EXISTS (SELECT 1 FROM al.leases x WHERE x.learner_id = l AND x.item_id = item AND x.expires_at > now()) $$;
	CREATE FUNCTION lid(n text) RETURNS bigint LANGUAGE sql AS $$ SELECT id FROM al.learners WHERE name = n $$;
});

# make learner name over n bigint ids, with options, and publish a ranking
sub make_learner
{
	my ($name, $n, $opts) = @_;
	sq(qq{
	CREATE TABLE ${name}_pool AS SELECT g::bigint AS id, pv(g) AS p FROM generate_series(1, $n) g;
	ALTER TABLE ${name}_pool ADD PRIMARY KEY (id);
	SELECT al.create_learner('$name', '${name}_pool', 'id', 'p', ARRAY['a', 'b'], 'entropy', '$opts');
	SELECT al.predictions_updated('$name', 'v1');
	SELECT al.run_learner('$name');
	});
}

# a random state of learner l's labels and leases (annotators a1..a5, some
# adjudicated, leases live and over), seeded
sub random_state
{
	my ($l, $seed) = @_;
	sq(qq{
	DELETE FROM al.leases WHERE learner_id = lid('$l');
	DELETE FROM al.labels WHERE learner_id = lid('$l');
	SELECT setseed($seed);
	CREATE TEMP TABLE st AS
	  SELECT s.item_id, 'a' || a AS ann, random() AS r
	  FROM al.scores s, generate_series(1, 5) a WHERE s.learner_id = lid('$l');
	INSERT INTO al.labels (learner_id, item_id, annotator, label, recorded_by, adjudicated)
	  SELECT lid('$l'), item_id, ann, 'a', 'x', r < 0.01 FROM st WHERE r < 0.08;
	INSERT INTO al.leases (learner_id, item_id, annotator, expires_at)
	  SELECT lid('$l'), item_id, ann, CASE WHEN r < 0.12 THEN now() - interval '1 hour' ELSE now() + interval '1 hour' END
	  FROM st WHERE r >= 0.08 AND r < 0.16;
	});
}

# a batch of k of learner l for ann in a transaction that is rolled back,
# after a batch of 1 for another annotator (so that the big one may read
# from a hint: the probes of item_probe.c); returns (items of the big batch
# not open by the old rule, number of items, number open by the old rule)
sub batch_vs_old
{
	my ($l, $k, $ann, $overlap) = @_;
	my $out = sq(qq{
	BEGIN;
	SELECT count(*) FROM al.next_batch('$l', 1, 'zz');
	CREATE TEMP TABLE want AS SELECT s.item_id FROM al.scores s
	  WHERE s.learner_id = lid('$l') AND old_open(lid('$l'), s.item_id, '$ann', $overlap);
	CREATE TEMP TABLE got AS SELECT item_id FROM al.next_batch('$l', $k, '$ann');
	SELECT (SELECT coalesce(string_agg(item_id, ',' ORDER BY item_id), '') FROM got WHERE item_id NOT IN (SELECT item_id FROM want))
	  || '|' || (SELECT count(*) FROM got) || '|' || (SELECT count(*) FROM want);
	ROLLBACK;
	});
	my @l = split /\n/, $out;
	return split /\|/, $l[-1], -1;
}

# ---- (a) overlap 1, 2, 3 on random states vs the old rule ----
for my $ov (1, 2, 3)
{
	make_learner("ov$ov", 150, qq({"predictions": true, "lease": "1 hour", "overlap": $ov}));
	my ($bad_total, $short_total) = ('', 0);
	for my $seed (1 .. 6)
	{
		random_state("ov$ov", $seed / 10.0);
		for my $ann ('a1', 'a3', 'new')
		{
			my ($bad, $n, $want) = batch_vs_old("ov$ov", 20, $ann, $ov);
			$bad_total .= "seed $seed $ann: $bad; " if $bad ne '';
			my $exp = $want < 20 ? $want : 20;
			# the batch of 1 (zz) may take one open item
			$short_total++ if $n < $exp - 1;
		}
	}
	is($bad_total, '', "overlap $ov: every item handed out is open by the old rule");
	is($short_total, 0, "overlap $ov: batches are as full as the old rule allows");
}

# the same state with concurrent-style sequences: repeated small batches of
# several annotators in separate sessions (the hint path), then the count of
# annotators per item must stay within the overlap
for my $ov (1, 2, 3)
{
	random_state("ov$ov", 0.77);
	for my $i (1 .. 12)
	{
		sq("SELECT count(*) FROM al.next_batch('ov$ov', 3, 'b" . ($i % 4) . "')");
	}
	my $over = sq(qq{
	SELECT count(*) FROM (
	  SELECT item_id FROM (
	    SELECT item_id, annotator FROM al.labels WHERE learner_id = lid('ov$ov')
	    UNION ALL SELECT item_id, annotator FROM al.leases WHERE learner_id = lid('ov$ov') AND expires_at > now()) t
	  GROUP BY item_id HAVING count(*) > $ov
	     AND bool_or(annotator LIKE 'b%')) z});
	# (the random state itself may be over the overlap; only items the b's took count)
	my $b_over = sq(qq{
	SELECT count(*) FROM al.leases x WHERE x.learner_id = lid('ov$ov') AND x.annotator LIKE 'b%'
	  AND (SELECT count(*) FROM al.labels b WHERE b.learner_id = x.learner_id AND b.item_id = x.item_id)
	    + (SELECT count(*) FROM al.leases y WHERE y.learner_id = x.learner_id AND y.item_id = x.item_id AND y.expires_at > now()) > $ov
	  AND NOT EXISTS (SELECT 1 FROM al.labels b WHERE b.learner_id = x.learner_id AND b.item_id = x.item_id AND b.adjudicated)});
	# an item over the overlap only because the random state put it there is
	# not handed out: check that each b-lease's item was open when taken by
	# recounting without the b leases taken after it is too costly; instead:
	# no b-lease of an item with an adjudicated label, or with a label of the same b
	my $b_bad = sq(qq{
	SELECT count(*) FROM al.leases x WHERE x.learner_id = lid('ov$ov') AND x.annotator LIKE 'b%'
	  AND EXISTS (SELECT 1 FROM al.labels b WHERE b.learner_id = x.learner_id AND b.item_id = x.item_id
	              AND (b.adjudicated OR b.annotator = x.annotator))});
	is($b_bad, 0, "overlap $ov: no lease of an adjudicated item or of an item the annotator labeled");
	if ($ov == 1)
	{
		is($over, 0, "overlap 1: no item the b annotators took has a second label or lease");
	}
	note("overlap $ov: items over the overlap with a b lease: $b_over");
}

# ---- (a) evaluation items (kind e) and adjudication (kind a) ----
make_learner('ev', 200, q({"predictions": true, "lease": "1 hour", "overlap": 2, "eval_size": 40, "eval_rate": 1}));
{
	my $bad = '';
	for my $seed (1 .. 4)
	{
		random_state('ev', $seed / 7.0);
		my $out = sq(q{
		BEGIN;
		CREATE TEMP TABLE ev_open AS SELECT e AS item_id, old_open_eval(lid('ev'), e) AS open
		  FROM unnest((SELECT eval_items FROM al.learner_store WHERE id = lid('ev'))::text[]) e;
		CREATE TEMP TABLE got AS SELECT item_id FROM al.next_batch('ev', 30, 'a2');
		SELECT coalesce(string_agg(g.item_id, ','), '') FROM got g JOIN ev_open o USING (item_id) WHERE NOT o.open
		  UNION ALL SELECT 'open eval items not handed: ' || string_agg(o.item_id, ',') FROM ev_open o
		  WHERE o.open AND o.item_id NOT IN (SELECT item_id FROM got) HAVING count(*) > 0;
		ROLLBACK;});
		$out =~ s/^BEGIN\n|SELECT \d+\n|ROLLBACK\n?//mg;
		$out =~ s/^\s+|\s+$//g;
		$bad .= "seed $seed: $out; " if $out ne '';
	}
	is($bad, '', 'evaluation items handed out have no label and no live lease (old rule e)');
}

sq(q{CREATE ROLE seniors; CREATE ROLE senior LOGIN IN ROLE seniors;});
make_learner('adj', 100, q({"predictions": true, "lease": "1 hour", "overlap": 2, "adjudicator": "seniors"}));
{
	my $bad = '';
	for my $seed (1 .. 4)
	{
		sq(qq{
		DELETE FROM al.leases WHERE learner_id = lid('adj');
		DELETE FROM al.labels WHERE learner_id = lid('adj');
		SELECT setseed($seed / 9.0);
		-- disagreements on items 1..40: a1 says a, a2 says b; some adjudicated, some leased, some labeled by senior
		INSERT INTO al.labels (learner_id, item_id, annotator, label, recorded_by)
		  SELECT lid('adj'), g::text, 'a1', 'a', 'x' FROM generate_series(1, 40) g;
		INSERT INTO al.labels (learner_id, item_id, annotator, label, recorded_by)
		  SELECT lid('adj'), g::text, 'a2', 'b', 'x' FROM generate_series(1, 40) g;
		CREATE TEMP TABLE rr AS SELECT g, random() AS r FROM generate_series(1, 40) g;
		UPDATE al.labels SET adjudicated = true WHERE learner_id = lid('adj') AND annotator = 'a1'
		  AND item_id IN (SELECT g::text FROM rr WHERE r < 0.15);
		INSERT INTO al.leases (learner_id, item_id, annotator, expires_at)
		  SELECT lid('adj'), g::text, 'a3', CASE WHEN r < 0.3 THEN now() - interval '1 hour' ELSE now() + interval '1 hour' END
		  FROM rr WHERE r >= 0.15 AND r < 0.45;
		INSERT INTO al.labels (learner_id, item_id, annotator, label, recorded_by)
		  SELECT lid('adj'), g::text, 'senior', 'a', 'x' FROM rr WHERE r >= 0.45 AND r < 0.55;
		});
		my $out = sq(q{
		BEGIN;
		CREATE TEMP TABLE want AS SELECT g::text AS item_id FROM generate_series(1, 40) g
		  WHERE NOT EXISTS (SELECT 1 FROM al.leases x WHERE x.learner_id = lid('adj') AND x.item_id = g::text AND x.expires_at > now())
		    AND NOT EXISTS (SELECT 1 FROM al.labels b WHERE b.learner_id = lid('adj') AND b.item_id = g::text
		                    AND (b.annotator = 'senior' OR b.adjudicated));
		CREATE TEMP TABLE got AS SELECT item_id FROM al.next_batch('adj', 60, 'senior');
		SELECT (SELECT coalesce(string_agg(item_id, ','), '') FROM got WHERE item_id::int <= 40 AND item_id NOT IN (SELECT item_id FROM want))
		  || '|' || (SELECT coalesce(string_agg(item_id, ','), '') FROM want WHERE item_id NOT IN (SELECT item_id FROM got));
		ROLLBACK;});
		my @l = split /\n/, $out;
		my ($extra, $missing) = split /\|/, $l[-1], -1;
		$bad .= "seed $seed: handed but not open: $extra, open but not handed: $missing; "
		  if $extra ne '' || $missing ne '';
	}
	is($bad, '', 'adjudicator batches: the open disagreements, exactly (old rule a)');
}

# ---- (b) long (10 kB, TOASTed), multibyte and collated ids ----
sq(q{
	CREATE TABLE long_pool AS
	  SELECT (SELECT string_agg(md5(g::text || '-' || h::text), '' ORDER BY h) FROM generate_series(1, 320) h) || ':' || g AS id,
	         pv(g) AS p FROM generate_series(1, 60) g;
	CREATE TABLE mb_pool AS
	  SELECT repeat('é', g % 5 + 1) || '😀' || g || repeat('ж', g % 3) AS id, pv(g) AS p FROM generate_series(1, 60) g;
	ALTER TABLE mb_pool ADD PRIMARY KEY (id);
	-- 6 kB ids that compress well: inline compressed in al.labels and al.leases
	CREATE TABLE cmp_pool AS SELECT repeat('ab', 3000) || g AS id, pv(g) AS p FROM generate_series(1, 60) g;
});
my $long_len = sq(q{SELECT min(octet_length(id)) FROM long_pool});
cmp_ok($long_len, '>', 10000, 'long ids are over 10 kB');
my $toast_before = sq(q{SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE oid = 'al.leases'::regclass});
for my $spec (['lng1', 'long_pool', 1], ['lng2', 'long_pool', 2], ['mb1', 'mb_pool', 1], ['mb3', 'mb_pool', 3],
	['cmp1', 'cmp_pool', 1], ['cmp2', 'cmp_pool', 2])
{
	my ($name, $pool, $ov) = @$spec;
	my ($ret, $out, $err) = $node->psql('postgres', qq{
	SELECT al.create_learner('$name', '$pool', 'id', 'p', ARRAY['a', 'b'], 'entropy', '{"predictions": true, "lease": "1 hour", "overlap": $ov}');
	SELECT al.predictions_updated('$name', 'v1');
	SELECT al.run_learner('$name');});
	is($ret, 0, "$name: a learner over $pool") or diag($err);
	next if $ret != 0;
	# labels of a1 on 10 items, then batches of several annotators in their own sessions
	sq(qq{SELECT al.label('$name', item_id, 'a', 'a1') FROM (SELECT item_id FROM al.scores WHERE learner_id = lid('$name') ORDER BY rank, score DESC, item_id LIMIT 10) s});
	my $errs = '';
	for my $i (1 .. 10)
	{
		my ($r, $o, $e) = $node->psql('postgres', "SELECT count(*) FROM al.next_batch('$name', 4, 'c" . ($i % 3) . "')");
		$errs .= $e if $r != 0;
	}
	is($errs, '', "$name: batches of 4 by 3 annotators run");
	my $over = sq(qq{
	SELECT count(*) FROM (
	  SELECT item_id FROM (
	    SELECT item_id, annotator FROM al.labels WHERE learner_id = lid('$name')
	    UNION ALL SELECT item_id, annotator FROM al.leases WHERE learner_id = lid('$name') AND expires_at > now()) t
	  GROUP BY item_id HAVING count(*) > $ov OR count(DISTINCT annotator) < count(*)) z});
	is($over, 0, "$name: no item beyond overlap $ov, none twice to one annotator");
	my ($bad) = (batch_vs_old($name, 8, 'a1', $ov))[0];
	is($bad, '', "$name: a batch of a1 after a hint hands only open items (old rule)");
	my $held = sq(qq{SELECT count(*) FROM al.leases WHERE learner_id = lid('$name') AND annotator LIKE 'c%'});
	note("$name: " . sq(qq{SELECT count(*) FILTER (WHERE pg_column_size(item_id) < octet_length(item_id)) || ' of ' || count(*) FROM al.leases WHERE learner_id = lid('$name')})
	  . " lease ids stored compressed");
	cmp_ok($held, '>', 0, "$name: the annotators got items");
}

cmp_ok(sq(q{SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE oid = 'al.leases'::regclass}), '>', $toast_before,
	'the 10 kB ids went out of line into the TOAST table of al.leases');

# collation of the pool id column (nondeterministic when ICU is there):
# ids equal under the collation, distinct bytes, are distinct items
{
	my ($r, $o, $e) = $node->psql('postgres',
		q{CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)});
	SKIP:
	{
		skip 'no ICU', 3 if $r != 0;
		sq(q{
		CREATE TABLE ci_pool (id text COLLATE ci, p al.probvec);
		INSERT INTO ci_pool SELECT CASE WHEN g % 2 = 0 THEN 'item' || (g / 2) ELSE 'ITEM' || (g / 2) END, pv(g) FROM generate_series(1, 40) g;
		});
		my ($ret, $out, $err) = $node->psql('postgres', q{
		SELECT al.create_learner('ci1', 'ci_pool', 'id', 'p', ARRAY['a', 'b'], 'entropy', '{"predictions": true, "lease": "1 hour"}');
		SELECT al.predictions_updated('ci1', 'v1');
		SELECT al.run_learner('ci1');});
		note("ci1: $err") if $ret != 0;
		skip 'ci learner refused', 3 if $ret != 0;
		for my $i (1 .. 8)
		{
			sq("SELECT count(*) FROM al.next_batch('ci1', 3, 'd" . ($i % 2) . "')");
		}
		is(sq(q{SELECT count(*) FROM (SELECT item_id FROM al.leases WHERE learner_id = lid('ci1') GROUP BY item_id HAVING count(*) > 1) z}),
			0, 'ci1: no item id leased twice');
		my ($bad, $n) = batch_vs_old('ci1', 5, 'd9', 1);
		is($bad, '', 'ci1: only open ids (byte equality, as the old SQL)');
		is($n, 5, 'ci1: a full batch');
	}
}

# ---- hot plans: >16 learners in one session, a round, a drop, ALTER of al.scores, a missing partition ----
for my $i (1 .. 18)
{
	make_learner("hp$i", 30, q({"predictions": true, "lease": "1 hour"}));
}
{
	my $sql = "";
	for my $pass (1 .. 3)
	{
		for my $i (1 .. 18)
		{
			$sql .= "SELECT count(*) FROM al.next_batch('hp$i', 2, 'e$pass');\n";
		}
	}
	my ($r, $o, $e) = $node->psql('postgres', $sql);
	is($r, 0, '54 batches over 18 learners in one session (plans evicted and made again)') or diag($e);
	is(sq(q{SELECT count(*) FROM (SELECT learner_id, item_id FROM al.leases WHERE learner_id IN (SELECT id FROM al.learners WHERE name LIKE 'hp%')
	        GROUP BY 1, 2 HAVING count(*) > 1) z}), 0, 'hp: no item leased twice');
	is(sq(q{SELECT count(*) FROM al.leases WHERE learner_id IN (SELECT id FROM al.learners WHERE name LIKE 'hp%')}), 108,
		'hp: every batch full');
}
{
	# one session: batches, a round (ranking rewritten), drop and recreate, ALTER, DROP of the partition
	my $hp1 = sq(q{SELECT lid('hp1')});
	my ($r, $o, $e) = $node->psql('postgres', qq{
	\\set ON_ERROR_STOP 1
	SELECT 'n=' || count(*) FROM al.next_batch('hp1', 2, 'f1');
	SELECT 'n=' || count(*) FROM al.next_batch('hp1', 2, 'f2');
	SELECT al.predictions_updated('hp1', 'v2');
	SELECT al.run_learner('hp1');
	SELECT 'n=' || count(*) FROM al.next_batch('hp1', 2, 'f3');
	SELECT 'n=' || count(*) FROM al.next_batch('hp1', 2, 'f4');
	ALTER TABLE al.scores ADD COLUMN zz integer;
	SELECT 'n=' || count(*) FROM al.next_batch('hp1', 2, 'f5');
	ALTER TABLE al.scores DROP COLUMN zz;
	SELECT 'n=' || count(*) FROM al.next_batch('hp1', 2, 'f6');
	SELECT al.drop_learner('hp2');
	SELECT al.create_learner('hp2', 'hp2_pool', 'id', 'p', ARRAY['a', 'b'], 'entropy', '{"predictions": true, "lease": "1 hour"}');
	SELECT al.predictions_updated('hp2', 'v1');
	SELECT al.run_learner('hp2');
	SELECT 'n=' || count(*) FROM al.next_batch('hp2', 2, 'f7');
	SELECT 'n=' || count(*) FROM al.next_batch('hp2', 2, 'f8');
	});
	is($r, 0, 'one session: batches across a round, ALTER of al.scores, a learner dropped and made again') or diag($e);
	my @n = map { /^n=(\d+)$/ ? $1 : () } split /\n/, $o;
	is(join(',', @n), '2,2,2,2,2,2,2,2', 'each of those batches full');
	is(sq(q{SELECT count(*) FROM (SELECT learner_id, item_id FROM al.leases WHERE learner_id IN (SELECT id FROM al.learners WHERE name LIKE 'hp%')
	        GROUP BY 1, 2 HAVING count(*) > 1) z}), 0, 'hp: still no item leased twice');
	# the partition dropped by hand (as after a restore, where it is not dumped) in the session that kept its plan
	($r, $o, $e) = $node->psql('postgres', qq{
	\\set ON_ERROR_STOP 1
	SELECT count(*) FROM al.next_batch('hp3', 2, 'g1');
	SELECT count(*) FROM al.next_batch('hp3', 2, 'g2');
	ALTER EXTENSION al_ext DROP TABLE al.scores_$hp1;
	DROP TABLE al.scores_$hp1;
	SELECT count(*) FROM al.next_batch('hp1', 2, 'g3');
	SELECT al.run_learner('hp1');
	SELECT count(*) FROM al.next_batch('hp1', 2, 'g4');
	SELECT count(*) FROM al.next_batch('hp1', 2, 'g5');
	});
	is($r, 0, 'a learner whose partition was dropped: batches, then a round makes it again') or diag($e);
	note("missing partition: $o");
}

# ---- (a) a batch in a REPEATABLE READ transaction whose snapshot predates another's batch ----
make_learner('rr', 100, q({"predictions": true, "lease": "1 hour"}));
{
	my ($in, $out, $err) = ('', '', '');
	my $h = IPC::Run::start([ 'psql', '-XAtq', '-d', $node->connstr('postgres') ], '<', \$in, '>', \$out, '2>', \$err);
	$in .= "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 'snap' || count(*) FROM al.leases;\n";
	$h->pump until $out =~ /snap/;
	my $b = sq(q{SELECT string_agg(item_id, ',') FROM al.next_batch('rr', 5, 'rr_b')});
	$in .= "SELECT 'got:' || coalesce(string_agg(item_id, ','), '') FROM al.next_batch('rr', 5, 'rr_a'); COMMIT;\n";
	$h->pump until $out =~ /got:.*\n/ || $err =~ /ERROR/;
	$in .= "\\q\n";
	$h->finish;
	my ($a) = $out =~ /got:(.*)/;
	note("rr: b=$b a=" . ($a // "(error: $err)"));
	my %bs = map { $_ => 1 } split /,/, $b;
	my @both = grep { $bs{$_} } split /,/, ($a // '');
	is(join(',', @both), '', 'REPEATABLE READ: no item of the batch committed after the snapshot is handed again');
	like($err, qr/cannot run in a REPEATABLE READ or SERIALIZABLE transaction/, 'REPEATABLE READ: al.next_batch refuses (as before)');
}

# write to file a pgbench script of an annotator 'w' || a (a: a pgbench
# expression) of learner l: a batch of 2-4 and a label of one of its leases
# in a transaction, then a release of one lease in two, an unlabel in ten
sub stress_script
{
	my ($file, $l, $a) = @_;
	open my $fh, '>', $file or die;
	print $fh qq{\\set a $a
\\set r random(1, 10)
BEGIN;
SELECT count(*) FROM al.next_batch('$l', 2 + :r % 3, 'w' || :a);
SELECT al.label('$l', item_id, 'a', 'w' || :a) FROM (SELECT item_id FROM al.leases WHERE learner_id = lid('$l') AND annotator = 'w' || :a ORDER BY random() LIMIT 1) s;
COMMIT;
SELECT al.release('$l', ARRAY(SELECT item_id FROM al.leases WHERE learner_id = lid('$l') AND annotator = 'w' || :a ORDER BY random() LIMIT (:r % 2)), 'w' || :a);
SELECT al.unlabel('$l', item_id, 'w' || :a) FROM (SELECT item_id FROM al.labels WHERE learner_id = lid('$l') AND annotator = 'w' || :a LIMIT 1) s WHERE :r = 7;
};
	close $fh;
}

# ---- (a) concurrent stress: 6 sessions take batches, label, release, under overlap 1, 2, 3 ----
{
	my $dir = PostgreSQL::Test::Utils::tempdir;
	for my $ov (1, 2, 3)
	{
		make_learner("st$ov", 600, qq({"predictions": true, "lease": "1 hour", "overlap": $ov}));
		stress_script("$dir/st$ov.sql", "st$ov", ':client_id');
	}
	my (@pg, %pgo, %pge);
	for my $ov (1, 2, 3)
	{
		push @pg, IPC::Run::start([ 'pgbench', '--no-vacuum', '--client=4', '--jobs=1', '--time=8', '-f', "$dir/st$ov.sql",
			$node->connstr('postgres') ], '>', \$pgo{$ov}, '2>', \$pge{$ov});
	}
	my @pgout;
	$_->finish for @pg;
	for my $ov (1, 2, 3)
	{
		my $over = sq(qq{
		SELECT coalesce(string_agg(item_id || ':' || n, ','), '') FROM (
		  SELECT item_id, count(*) AS n, count(DISTINCT annotator) AS d FROM (
		    SELECT item_id, annotator FROM al.labels WHERE learner_id = lid('st$ov')
		    UNION ALL SELECT item_id, annotator FROM al.leases WHERE learner_id = lid('st$ov') AND expires_at > now()) t
		  GROUP BY item_id HAVING count(*) > $ov OR count(DISTINCT annotator) < count(*)) z});
		my @errs = grep { /ERROR|abort/ } split /\n/, $pge{$ov} // '';
		note("stress overlap $ov pgbench: " . join(' ', grep { /transactions|failed/ } split /\n/, $pgo{$ov} // ''));
		is(join("\n", @errs[0 .. ($#errs < 4 ? $#errs : 4)]), '', "stress overlap $ov: no client failed");
		is($over, '', "stress overlap $ov: no item beyond the overlap or twice to one annotator");
		if ($over ne '')
		{
			my ($it) = $over =~ /^([^:]+):/;
			diag(sq(qq{SELECT 'label ' || annotator || ' at ' || labeled_at || ' lease from ' || coalesce(leased_at::text, '-') FROM al.labels WHERE learner_id = lid('st$ov') AND item_id = '$it'
			  UNION ALL SELECT 'lease ' || annotator || ' from ' || leased_at || ' to ' || expires_at FROM al.leases WHERE learner_id = lid('st$ov') AND item_id = '$it'
			  UNION ALL SELECT 'withdrawn ' || annotator FROM al.withdrawn_labels WHERE learner_id = lid('st$ov') AND item_id = '$it'}));
		}
		my $n = sq(qq{SELECT count(*) FROM al.labels WHERE learner_id = lid('st$ov')});
		cmp_ok($n, '>', 10, "stress overlap $ov: labels were made ($n)");
	}
}

# ---- the same under overlap 1 with 6 clients sharing 3 annotator names ----
# (a client may label an item that another client of the same name just
# released and a third annotator took: al.label does not check leases, so
# a label beside another's lease is the script's race, not al.next_batch's;
# two live leases of one item are al.next_batch's)
{
	my $dir = PostgreSQL::Test::Utils::tempdir;
	make_learner('sr1', 3000, q({"predictions": true, "lease": "1 hour"}));
	stress_script("$dir/sr1.sql", 'sr1', 'random(1, 3)');
	my ($o, $e);
	my $pg = IPC::Run::start([ 'pgbench', '--no-vacuum', '--client=6', '--jobs=1', '--time=8', '-f', "$dir/sr1.sql",
		$node->connstr('postgres') ], '>', \$o, '2>', \$e);
	$pg->finish;
	note("sr1 pgbench: " . join(' ', grep { /transactions/ } split /\n/, $o));
	my $two_leases = sq(q{SELECT coalesce(string_agg(item_id, ','), '') FROM (SELECT item_id FROM al.leases WHERE learner_id = lid('sr1') AND expires_at > now()
	  GROUP BY item_id HAVING count(*) > 1) z});
	is($two_leases, '', 'sr1: no item under two live leases (overlap 1)');
	my $label_lease = sq(q{SELECT count(*) || ' (labeled without a lease: ' || count(*) FILTER (WHERE b.leased_at IS NULL) || ')'
	  FROM al.labels b JOIN al.leases x ON x.learner_id = b.learner_id AND x.item_id = b.item_id AND x.annotator <> b.annotator AND x.expires_at > now()
	  WHERE b.learner_id = lid('sr1')});
	note("sr1: items with a label and another annotator's live lease: $label_lease");
	my $label_lease_leased = sq(q{SELECT count(*) FROM al.labels b JOIN al.leases x ON x.learner_id = b.learner_id AND x.item_id = b.item_id
	  AND x.annotator <> b.annotator AND x.expires_at > now() AND x.leased_at > b.labeled_at
	  WHERE b.learner_id = lid('sr1') AND b.leased_at IS NOT NULL});
	# (not a check: seen once on the parent commit 0fb12e5 too, where one
	# client's al.label raced another client's al.release of the same
	# annotator's lease; not the WIP's)
	note("sr1: items leased to another annotator after a label made under a lease: $label_lease_leased");
}

# ---- (c) a plain role: only its learner, only its own name ----
sq(q{CREATE ROLE ann LOGIN; SELECT al.grant_learner('ov1', 'ann', 'annotate');});
{
	my ($r, $o, $e) = $node->psql('postgres', q{SET ROLE ann; SELECT count(*) FROM al.next_batch('ov2', 2, 'ann')});
	like($e, qr/permission denied for learner "ov2"/, 'ann: no batch of a learner it may not annotate');
	($r, $o, $e) = $node->psql('postgres', q{SET ROLE ann; SELECT count(*) FROM al.next_batch('ov1', 2, 'a1')});
	isnt($r, 0, 'ann: no batch in another annotator\'s name (it would probe their labels)');
	($r, $o, $e) = $node->psql('postgres', q{SET ROLE ann; SELECT count(*) FROM al.next_batch('ov1', 2, 'ann')});
	is($r, 0, 'ann: its own batch') or diag($e);
	($r, $o, $e) = $node->psql('postgres', q{SET ROLE ann; SELECT al.batch_hints_reopen()});
	isnt($r, 0, 'ann: cannot call the trigger function');
}

# ---- (d) store_dml_depth after an error in a store statement caught by plpgsql ----
make_learner('dd', 200, q({"predictions": true, "lease": "1 hour"}));
sq(q{
	CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN IF NEW.annotator = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$;
	CREATE TRIGGER boom BEFORE INSERT ON al.labels FOR EACH ROW EXECUTE FUNCTION boom();
	CREATE TRIGGER boom BEFORE INSERT ON al.leases FOR EACH ROW EXECUTE FUNCTION boom();
});
sub batch_src
{
	my ($learner, $k, $ann) = @_;
	my ($ret, $out, $err) = $node->psql('postgres',
		"SET client_min_messages = debug1; SELECT string_agg(item_id, ',' ORDER BY o) "
		  . "FROM al.next_batch('$learner', $k, '$ann') WITH ORDINALITY b(item_id, s, p, q, o)");
	die "batch failed: $err" if $ret != 0;
	my $src = $err =~ /reads its hot rows from (the top|a hint)/ ? ($1 eq 'a hint' ? 'hint' : 'top') : '';
	return ($src, $out);
}
{
	my (undef, $items) = batch_src('dd', 5, 'h1');
	my @h1 = split /,/, $items;
	my ($src) = batch_src('dd', 2, 'h2');
	is($src, 'hint', 'dd: a second session reads from the shared hint');
	# error inside al.label's store statement (the trigger), caught; then a direct DELETE in the same session
	my ($r, $o, $e) = $node->psql('postgres', qq{
	DO \$\$ BEGIN PERFORM al.label('dd', '$h1[1]', 'a', 'boom'); EXCEPTION WHEN others THEN RAISE NOTICE 'caught %', SQLERRM; END \$\$;
	DO \$\$ BEGIN PERFORM count(*) FROM al.next_batch('dd', 3, 'boom'); EXCEPTION WHEN others THEN RAISE NOTICE 'caught %', SQLERRM; END \$\$;
	DELETE FROM al.leases WHERE learner_id = lid('dd') AND item_id = '$h1[0]';
	});
	like($e, qr/caught boom.*caught boom/s, 'dd: both store statements failed inside and were caught');
	my ($src2, $got) = batch_src('dd', 1, 'h3');
	is($got, $h1[0], 'dd: the DELETE after the caught errors reopened the item (store_dml_depth back at 0)');
}

# ---- PREPARE: a batch and a label may be prepared; a release may not ----
{
	my (undef, $items) = batch_src('dd', 3, 'p1');
	my @p = split /,/, $items;
	my ($r, $o, $e) = $node->psql('postgres', qq{
	BEGIN; SELECT al.label('dd', '$p[0]', 'a', 'p1');
	PREPARE TRANSACTION 'pp1';});
	is($r, 0, 'a transaction with a label (its lease deleted by al_ext) can be prepared') or diag($e);
	$node->psql('postgres', "ROLLBACK PREPARED 'pp1'");
	($r, $o, $e) = $node->psql('postgres', qq{
	BEGIN; SELECT al.release('dd', ARRAY['$p[1]'], 'p1'); PREPARE TRANSACTION 'pp2';});
	like($e, qr/cannot PREPARE a transaction that gave items/, 'a release cannot be prepared');
	$node->psql('postgres', "ROLLBACK PREPARED 'pp2'");
	# al.drop_learner deletes leases and labels by cascade (al_ext's own statement)
	($r, $o, $e) = $node->psql('postgres', q{
	BEGIN; SELECT al.drop_learner('hp5'); PREPARE TRANSACTION 'pd'; COMMIT PREPARED 'pd';});
	is($r, 0, 'al.drop_learner (leases deleted by cascade) can be prepared') or diag($e);
	# a release rolled back to a savepoint gave nothing back
	($r, $o, $e) = $node->psql('postgres', qq{
	BEGIN; SAVEPOINT s; SELECT al.release('dd', ARRAY['$p[1]'], 'p1'); ROLLBACK TO SAVEPOINT s; PREPARE TRANSACTION 'pp3';});
	is($r, 0, 'a transaction whose release was rolled back to a savepoint can be prepared') or diag($e);
	$node->psql('postgres', "ROLLBACK PREPARED 'pp3'");
	# a release in a savepoint released (committed into its parent) is still a release
	($r, $o, $e) = $node->psql('postgres', qq{
	BEGIN; SAVEPOINT s; SELECT al.release('dd', ARRAY['$p[1]'], 'p1'); RELEASE SAVEPOINT s; PREPARE TRANSACTION 'pp4';},
		extra_params => [ '-v', 'VERBOSITY=verbose' ]);
	like($e, qr/0A000: cannot PREPARE a transaction that gave items of an al_ext learner back/,
		'a release in a released savepoint still refuses PREPARE');
	$node->psql('postgres', "ROLLBACK PREPARED 'pp4'");
}

# ---- (e) leaks after batches that fail midway ----
{
	my $log_start = -s $node->logfile;
	# an error in lease_items (after the probes), caught and committed
	my ($r, $o, $e) = $node->psql('postgres', q{
	BEGIN;
	DO $$ BEGIN PERFORM count(*) FROM al.next_batch('ov1', 3, 'boom'); EXCEPTION WHEN others THEN NULL; END $$;
	SELECT count(*) FROM al.next_batch('ov1', 3, 'q1');
	COMMIT;});
	is($r, 0, 'a batch after a failed one in the same transaction') or diag($e);
	# a statement_timeout during lease_items
	sq(q{CREATE OR REPLACE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN IF NEW.annotator = 'boom' THEN RAISE EXCEPTION 'boom'; END IF;
	      IF NEW.annotator = 'slow' THEN PERFORM pg_sleep(2); END IF; RETURN NEW; END $$;});
	($r, $o, $e) = $node->psql('postgres', q{
	SET statement_timeout = '300ms';
	BEGIN;
	SAVEPOINT s;
	SELECT count(*) FROM al.next_batch('ov1', 3, 'slow');
	ROLLBACK TO SAVEPOINT s;
	SELECT count(*) FROM al.next_batch('ov1', 2, 'q2');
	COMMIT;
	SELECT count(*) FROM al.next_batch('ov2', 3, 'slow');
	SELECT count(*) FROM al.next_batch('ov2', 3, 'q3');
	SELECT count(*) FROM al.next_batch('ov1', 1, 'q3');});
	like($e, qr/statement timeout/, 'the slow batches were cancelled');
	# a batch cancelled in a hint read of many rows: many taken rows after a hint
	my $log = slurp_file($node->logfile, $log_start);
	my @leaks = grep { /leak|not closed|still referenced|resource was not/i } split /\n/, $log;
	is(scalar(@leaks), 0, 'no reference leak warnings in the log') or diag(join("\n", @leaks));
}
sq(q{DROP TRIGGER boom ON al.labels; DROP TRIGGER boom ON al.leases;});
# batches interrupted at random points (statement_timeout from 1 to 40 ms)
# on a larger ranking, half of it taken, in savepoints and at the top,
# under overlap 1 (hint reads, kept plans) and 2 (open_items)
make_learner('big1', 6000, q({"predictions": true, "lease": "1 hour"}));
make_learner('big2', 6000, q({"predictions": true, "lease": "1 hour", "overlap": 2}));
sq(q{
	INSERT INTO al.labels (learner_id, item_id, annotator, label, recorded_by)
	  SELECT l, item_id, 'x1', 'a', 'x' FROM (SELECT learner_id AS l, item_id, row_number() OVER (PARTITION BY learner_id ORDER BY rank, score DESC, item_id) AS o
	  FROM al.scores WHERE learner_id IN (lid('big1'), lid('big2'))) s WHERE o % 3 <> 0 AND o < 4000;
});
{
	my $log_start = -s $node->logfile;
	my $sql = "";
	for my $t (1 .. 40)
	{
		my $l = $t % 2 ? 'big1' : 'big2';
		$sql .= "SET statement_timeout = '" . (1 + $t % 15) . "ms';\n";
		$sql .= "BEGIN; SAVEPOINT s; SELECT count(*) FROM al.next_batch('$l', 500, 'y$t'); ROLLBACK TO SAVEPOINT s; SELECT count(*) FROM al.next_batch('$l', 5, 'z$t'); COMMIT;\n";
		$sql .= "DO \$\$ BEGIN PERFORM count(*) FROM al.next_batch('$l', 300, 'v$t'); RAISE EXCEPTION 'undo'; EXCEPTION WHEN query_canceled OR raise_exception THEN NULL; END \$\$;\n";
		$sql .= "SELECT count(*) FROM al.next_batch('$l', 1, 'u$t');\n";
	}
	$sql .= "RESET statement_timeout; SELECT 'alive', count(*) FROM al.next_batch('big1', 3, 'final');\n";
	my ($r, $o, $e) = $node->psql('postgres', $sql, on_error_stop => 0);
	like($o, qr/alive\|3/, 'after 160 batches cancelled at random points the session hands a full batch');
	my $cancels = () = $e =~ /statement timeout/g;
	note("random cancels: $cancels statement timeouts");
	my $log = slurp_file($node->logfile, $log_start);
	my @bad = grep { /leak|not closed|still active|TRAP|PANIC|server process .* was terminated|not owned by resource owner/i } split /\n/, $log;
	is(join("\n", @bad[0 .. ($#bad < 5 ? $#bad : 5)]), '', 'no leak warnings, assertion failures or crashes after the cancelled batches');
	my $dup = sq(q{SELECT count(*) FROM (SELECT learner_id, item_id FROM (
	  SELECT learner_id, item_id FROM al.labels WHERE learner_id = lid('big1')
	  UNION ALL SELECT learner_id, item_id FROM al.leases WHERE learner_id = lid('big1') AND expires_at > now()) t GROUP BY 1, 2 HAVING count(*) > 1) z});
	is($dup, 0, 'big1: no item taken twice after the cancelled batches');
}

# the extension dropped and made again in one session: the kept plans of learner ids that come back
{
	my ($r, $o, $e) = $node->psql('postgres', q{
	\set ON_ERROR_STOP 1
	SELECT 'n=' || count(*) FROM al.next_batch('big1', 1, 'k1');
	SELECT 'n=' || count(*) FROM al.next_batch('ov1', 1, 'k1');
	DROP EXTENSION al_ext CASCADE;
	CREATE EXTENSION al_ext;
} . al_pv_function() . q{
	CREATE TABLE again_pool AS SELECT g::bigint AS id, pv(g) AS p FROM generate_series(1, 50) g;
	ALTER TABLE again_pool ADD PRIMARY KEY (id);
	SELECT al.create_learner('again', 'again_pool', 'id', 'p', ARRAY['a', 'b'], 'entropy', '{"predictions": true, "lease": "1 hour"}');
	SELECT al.predictions_updated('again', 'v1');
	SELECT al.run_learner('again');
	SELECT 'n=' || count(*) FROM al.next_batch('again', 3, 'k1');
	SELECT 'n=' || count(*) FROM al.next_batch('again', 3, 'k2');
	SELECT 'n=' || count(*) FROM al.next_batch('again', 3, 'k3');
	});
	is($r, 0, 'batches after DROP and CREATE EXTENSION in the same session') or diag($e);
	my @n = map { /^n=(\d+)$/ ? $1 : () } split /\n/, $o;
	is(join(',', @n), '1,1,3,3,3', 'full batches before and after');
	is(sq(q{SELECT count(*) FROM (SELECT item_id FROM al.leases GROUP BY item_id HAVING count(*) > 1) z}), 0,
		'again: no item leased twice');
}


$node->stop;
done_testing();
