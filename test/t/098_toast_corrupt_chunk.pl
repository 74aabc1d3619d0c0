# The corruption errors of a round that reads out-of-line features in one
# sequential scan of their TOAST table (src/loop/toast_batch.c, take_chunk;
# al_ext.toast_scan).  Two pools of 64 rows of random features stored out
# of line uncompressed: p1 768 (3,096 bytes, two chunks), p2 1,200 (4,824
# bytes, three chunks of 1,996, 1,996 and 832); a learner over each, labeled
# on 12 rows, so a round wants 52 of the 64 values: one scan.  pageinspect
# finds each row's TOAST pointer and each chunk's tuple; the node is stopped
# and the TOAST tables' files are patched in place (as PostgreSQL's
# src/bin/pg_amcheck/t/004_verify_heapam.pl corrupts tuples):
#
# 1. p1: the chunk of value B lying right after the last chunk of value A
#    (B: the next row's value) gets A's chunk_id.  The scan has handed A on
#    when that chunk comes: XX001 "unexpected chunk for toast value A in
#    pg_toast_N".  With al_ext.toast_scan = off the round detoasts each
#    value through the TOAST index, which still holds the damaged tuple
#    under B's key and points at it by TID (PostgreSQL does not compare a
#    fetched chunk's chunk_id): that round succeeds with the ranking of
#    before, and REINDEX of the TOAST table fails (23505, the key (A, s)
#    twice).
# 2. p2: chunk 1 of value C (full size) gets chunk_seq 0, so the scan sees
#    chunk 0 of C twice while assembling C: it gives C up and reads it alone
#    after the scan with detoast_attr, whose check refuses it: XX001
#    "unexpected chunk number 0 (expected 1) for toast value C in
#    pg_toast_M", the same error as with the scan off.
# 3. p1 again: B's damaged chunk also gets chunk_seq 2 (A has chunks 0 and
#    1), REINDEX succeeds, and the rebuilt index gives A a third chunk:
#    with the scan off PostgreSQL refuses A, XX001 "unexpected chunk number
#    2 (out of range 0..1) for toast value A in pg_toast_N"; the scan still
#    raises its own error first.
#
# Before the damage every round succeeds and reads the 52 values in one
# scan (DEBUG1), with the same ranking scan on and off; a failed round
# leaves the ranking as it was; after each error the server still answers
# and its log shows no crashed backend.  Without the check of a chunk for a
# value already handed on the backend crashes (its chunk bitmap is freed);
# without the check of a chunk number seen twice, C is assembled from the
# wrong chunks ("cache lookup failed for type ..."): both make this test fail.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Fcntl qw(SEEK_SET);

my $node = PostgreSQL::Test::Cluster->new('toastcorrupt');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\n");
$node->start;

my ($rc, $out, $err) = $node->psql('postgres', 'CREATE EXTENSION pageinspect');
if ($rc != 0)
{
	plan skip_all => "pageinspect is not available: $err";
}

$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	SELECT setseed(0.37);
	CREATE TABLE p1 (id bigint, x real[]);
	INSERT INTO p1 SELECT i, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 768) WHERE i > 0)
	FROM generate_series(1, 64) i;
	CREATE TABLE p2 (id bigint, x real[]);
	INSERT INTO p2 SELECT i, ARRAY(SELECT (random() * 6 - 3)::real FROM generate_series(1, 1200) WHERE i > 0)
	FROM generate_series(1, 64) i;
	SELECT al.create_learner(l, l::regclass, 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
		'{"retrain_every": 100000, "seed": 3}') FROM unnest(ARRAY['p1', 'p2']) l;
	SELECT count(al.label(l, id, (ARRAY['a', 'b', 'c'])[id % 3 + 1]))
	FROM generate_series(1, 12) id, unnest(ARRAY['p1', 'p2']) l;
	SELECT al.retrain('p1'), al.retrain('p2');
});

# the TOAST table of a pool, as pg_toast.pg_toast_N, and its bare name
sub toast_of
{
	my ($pool) = @_;
	my $name = $node->safe_psql('postgres',
		qq{SELECT relname FROM pg_class WHERE oid = (SELECT reltoastrelid FROM pg_class WHERE oid = '$pool'::regclass)});
	return ("pg_toast.$name", $name);
}
my ($t1, $t1name) = toast_of('p1');
my ($t2, $t2name) = toast_of('p2');
like($t1name, qr/^pg_toast_[0-9]+$/, "p1's TOAST table is $t1name");

# every feature value stored out of line, uncompressed, two chunks each in
# p1 (3,096 bytes), three in p2 (4,824 bytes: 1,996, 1,996 and 832)
for my $p (['p1', $t1, 128], ['p2', $t2, 192])
{
	my ($pool, $toast, $n) = @$p;
	is($node->safe_psql('postgres', qq{
		SELECT count(*) FILTER (WHERE pg_column_compression(x) IS NULL
				AND pg_column_size(x) = pg_column_size((x::text)::real[]) - 4),
			(SELECT count(DISTINCT chunk_id) || ' ' || count(*) FROM $toast)
		FROM $pool}),
		"64|64 $n", "$pool: 64 values out of line, uncompressed, $n chunks");
}

# The value id of each row's TOAST pointer, read from the pool's heap pages
# with pageinspect: the attribute is an external on-disk pointer (header
# 0x01, tag 18) whose struct varatt_external holds va_rawsize, va_extinfo,
# va_valueid, va_toastrelid (little-endian).  Returns rows "id|valueid".
sub value_ids
{
	my ($pool) = @_;
	return $node->safe_psql('postgres', qq{
		WITH a AS (
			SELECT format('(%s,%s)', b, i.lp)::tid AS ctid, i.t_attrs[2] AS p
			FROM generate_series(0, pg_relation_size('$pool') / current_setting('block_size')::int - 1) b,
				heap_page_item_attrs(get_raw_page('$pool', b::int), '$pool'::regclass) i
			WHERE i.t_attrs IS NOT NULL)
		SELECT t.id, get_byte(a.p, 10)::bigint + get_byte(a.p, 11)::bigint * 256
			+ get_byte(a.p, 12)::bigint * 65536 + get_byte(a.p, 13)::bigint * 16777216
		FROM a JOIN $pool t ON t.ctid = a.ctid
		WHERE get_byte(a.p, 0) = 1 AND get_byte(a.p, 1) = 18 AND length(a.p) = 18
			AND get_byte(a.p, 14)::bigint + get_byte(a.p, 15)::bigint * 256 + get_byte(a.p, 16)::bigint * 65536
				+ get_byte(a.p, 17)::bigint * 16777216 = (SELECT reltoastrelid::bigint FROM pg_class WHERE oid = '$pool'::regclass)
		ORDER BY t.id});
}
my %vid1 = map { split /\|/ } split /\n/, value_ids('p1');
my %vid2 = map { split /\|/ } split /\n/, value_ids('p2');
is(scalar(keys %vid1) . ' ' . scalar(keys %vid2), '64 64', 'pageinspect finds the TOAST pointer of every row');
is($node->safe_psql('postgres', "SELECT string_agg(DISTINCT chunk_id::text, ',' ORDER BY chunk_id::text) FROM $t1"),
	join(',', sort values %vid1), "the pointers' value ids are the chunk ids of $t1name");

# The file offset of a TOAST chunk's tuple data (lp_off + t_hoff in its
# block), its chunk_id and chunk_seq: rows "offset|chunk_id|chunk_seq|ctid"
# of every chunk, in physical order.
sub chunks
{
	my ($toast) = @_;
	my @rows = map { [split /\|/] } split /\n/, $node->safe_psql('postgres', qq{
		SELECT b::bigint * current_setting('block_size')::int + i.lp_off + i.t_hoff, c.chunk_id, c.chunk_seq, c.ctid
		FROM generate_series(0, pg_relation_size('$toast') / current_setting('block_size')::int - 1) b,
			heap_page_items(get_raw_page('$toast', b::int)) i, $toast c
		WHERE c.ctid = format('(%s,%s)', b, i.lp)::tid
		ORDER BY b, i.lp});
	return @rows;
}
my @c1 = chunks($t1);
my @c2 = chunks($t2);
is(scalar(@c1) . ' ' . scalar(@c2), '128 192', 'every chunk located on its page');

# rounds: the learner's ranking (item, score bits, probabilities)
sub ranking
{
	my ($l) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT string_agg(s.item_id || ':' || float8send(s.score)::text || ':' || s.probs::text, ' ' ORDER BY s.item_id)
		FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = '$l'});
}

# One round of learner $l (its ranking forgotten first, so it rescores the
# pool) with al_ext.toast_scan $scan: (exit code, stderr), stderr with DEBUG1
# lines and the SQLSTATE of an error (VERBOSITY verbose).
sub round
{
	my ($l, $scan) = @_;
	my ($rc, $out, $err) = $node->psql('postgres', qq{
		\\set VERBOSITY verbose
		DELETE FROM al.ranking_state WHERE learner_id = (SELECT id FROM al.learners WHERE name = '$l');
		SET al_ext.toast_scan = $scan;
		SET jit = off;
		SET client_min_messages = debug1;
		SELECT al.run_learner('$l');
	});
	return ($rc, $err);
}

# the server still answers, and no backend died
my $log_start = 0;
sub still_up
{
	my ($what) = @_;
	is($node->safe_psql('postgres', 'SELECT 1'), '1', "$what: the server still answers");
	unlike(slurp_file($node->logfile, $log_start), qr/terminated by signal|PANIC|terminating any other active server processes/,
		"$what: no backend crashed");
}

# 0. Before the damage: rounds succeed, one scan, the same ranking either way
my %before;
for my $l ('p1', 'p2')
{
	my ($rc, $err) = round($l, 'on');
	is($rc, 0, "$l: a round succeeds before the damage");
	like($err, qr/read 52 out-of-line values in one scan of their TOAST table, 0 of them alone/,
		"$l: the round reads the 52 unlabeled rows' values in one scan");
	$before{$l} = ranking($l);
	is(scalar(() = $before{$l} =~ /:/g), 2 * 52, "$l: 52 rows ranked");
	($rc, $err) = round($l, 'off');
	is($rc, 0, "$l: a round with al_ext.toast_scan off succeeds");
	unlike($err, qr/in one scan/, "$l: ... and reads no TOAST table in one scan");
	is(ranking($l), $before{$l}, "$l: the same ranking with the scan off");
}

# 1. p1: A is the value of row 30; B's chunk is the one right after A's
# last chunk (the value of row 31, inserted next).
my $a_id = $vid1{30};
my %row_of1 = reverse %vid1;
my ($last_a) = grep { $c1[$_][1] == $a_id } reverse 0 .. $#c1;
my $victim = $c1[$last_a + 1];
my ($b_off, $b_id, $b_seq) = @$victim;
isnt($b_id, $a_id, 'the chunk after A\'s last one is another value\'s');
ok(defined $row_of1{$b_id} && $row_of1{$b_id} > 12,
	"that value (B, of row " . ($row_of1{$b_id} // '?') . ") is wanted by the round (unlabeled)");
ok(!grep({ $c1[$_][1] == $a_id } $last_a + 1 .. $#c1), 'no chunk of A lies after B\'s chunk');

# 2. p2: chunk 1 of C, the value of row 40
my $c_id = $vid2{40};
my ($c_at0) = grep { $c2[$_][1] == $c_id && $c2[$_][2] == 0 } 0 .. $#c2;
my ($c_at1) = grep { $c2[$_][1] == $c_id && $c2[$_][2] == 1 } 0 .. $#c2;
my ($c_at2) = grep { $c2[$_][1] == $c_id && $c2[$_][2] == 2 } 0 .. $#c2;
my $c_chunk1 = $c2[$c_at1];
ok($c_at0 < $c_at1 && $c_at1 < $c_at2, 'the chunks 0, 1, 2 of C lie in this order (block, line pointer)');

my $f1 = $node->data_dir . '/' . $node->safe_psql('postgres', "SELECT pg_relation_filepath('$t1')");
my $f2 = $node->data_dir . '/' . $node->safe_psql('postgres', "SELECT pg_relation_filepath('$t2')");
my $checksums = $node->safe_psql('postgres', 'SHOW data_checksums');
$node->stop;
if ($checksums eq 'on')
{
	# a patched page would fail its checksum before any TOAST check runs
	command_ok([ 'pg_checksums', '--disable', '-D', $node->data_dir ], 'data checksums disabled');
}

# overwrite the 4-byte integer at $off of $file, which must hold $old, with $new
sub patch_int4
{
	my ($file, $off, $old, $new) = @_;
	open(my $fh, '+<', $file) or die "open $file: $!";
	binmode $fh;
	sysseek($fh, $off, SEEK_SET) or die "seek: $!";
	sysread($fh, my $buf, 4) == 4 or die "read: $!";
	my $found = unpack('l<', $buf);
	sysseek($fh, $off, SEEK_SET) or die "seek: $!";
	syswrite($fh, pack('l<', $new)) == 4 or die "write: $!";
	close($fh) or die "close: $!";
	return $found == $old;
}
ok(patch_int4($f1, $b_off, $b_id, $a_id), "p1: chunk $b_seq of B ($b_id) now says chunk_id $a_id (A)");
ok(patch_int4($f2, $c_chunk1->[0] + 4, 1, 0), "p2: chunk 1 of C ($c_id) now says chunk_seq 0");
$node->start;
$log_start = -s $node->logfile;

is($node->safe_psql('postgres', "SET enable_indexscan = off; SET enable_bitmapscan = off;
		SELECT count(*) FROM $t1 WHERE chunk_id = $a_id"), '3',
	"$t1name now holds three chunks under A's id");

# 1a. the scan: the chunk of B arrives for A, handed on whole
my ($rc1, $err1) = round('p1', 'on');
isnt($rc1, 0, 'p1: the round over the damaged TOAST table fails');
like($err1, qr/ERROR:  XX001: unexpected chunk for toast value $a_id in $t1name\n/,
	"p1: XX001 unexpected chunk for toast value $a_id (A) in $t1name");
is(ranking('p1'), $before{p1}, 'p1: the failed round left the ranking as it was');
still_up('p1, scan');

# 1b. scan off, index unchanged: PostgreSQL finds B's chunk by TID under B's
# key and does not compare its chunk_id: the values are those of before
($rc1, $err1) = round('p1', 'off');
is($rc1, 0, 'p1: with al_ext.toast_scan off the round detoasts through the old index entries');
is(ranking('p1'), $before{p1}, 'p1: ... and ranks with the undamaged values');

# 1c. REINDEX of the TOAST table refuses the damage: A's chunk $b_seq twice
my ($rcx, $outx, $errx) = $node->psql('postgres', "\\set VERBOSITY verbose\nREINDEX TABLE $t1");
like($errx, qr/ERROR:  23505: could not create unique index "${t1name}_index"\nDETAIL:  Key \(chunk_id, chunk_seq\)=\($a_id, $b_seq\) is duplicated\./,
	"p1: REINDEX of $t1name fails: key ($a_id, $b_seq) duplicated");
still_up('p1, reindex');

# 2. p2: C's chunk 0 twice while C is assembled: C is read alone, and
# detoast_attr's check refuses it, the same as with the scan off
for my $scan ('on', 'off')
{
	my ($rc2, $err2) = round('p2', $scan);
	isnt($rc2, 0, "p2, al_ext.toast_scan $scan: the round fails");
	like($err2, qr/ERROR:  XX001: unexpected chunk number 0 \(expected 1\) for toast value $c_id in $t2name\n/,
		"p2, al_ext.toast_scan $scan: PostgreSQL's XX001 unexpected chunk number 0 (expected 1) for toast value C");
	is(ranking('p2'), $before{p2}, "p2, al_ext.toast_scan $scan: the ranking is unchanged");
	still_up("p2, scan $scan");
}

# 3. p1 again: B's chunk now also says chunk_seq 2 (A has chunks 0 and 1),
# a key REINDEX accepts; the rebuilt index gives A a third chunk, which
# PostgreSQL's detoasting refuses, and the scan still refuses it first
my $a_chunks = grep { $_->[1] == $a_id } @c1;
is($a_chunks, 2, 'A has two chunks');
$node->stop;
ok(patch_int4($f1, $b_off + 4, $b_seq, $a_chunks), "p1: B's damaged chunk now says chunk_seq $a_chunks");
$node->start;
$log_start = -s $node->logfile;
$node->safe_psql('postgres', "REINDEX TABLE $t1");
my $last = $a_chunks - 1;
($rc1, $err1) = round('p1', 'off');
isnt($rc1, 0, 'p1 reindexed: the round with al_ext.toast_scan off fails');
like($err1, qr/ERROR:  XX001: unexpected chunk number $a_chunks \(out of range 0\.\.$last\) for toast value $a_id in $t1name\n/,
	"p1 reindexed, scan off: PostgreSQL's XX001 unexpected chunk number $a_chunks (out of range 0..$last) for toast value A");
still_up('p1 reindexed, scan off');
($rc1, $err1) = round('p1', 'on');
isnt($rc1, 0, 'p1 reindexed: the round with the scan fails');
like($err1, qr/ERROR:  XX001: unexpected chunk for toast value $a_id in $t1name\n/,
	"p1 reindexed, scan on: still the scan's XX001 unexpected chunk for toast value A");
is(ranking('p1'), $before{p1}, 'p1: no failed round changed the ranking');
still_up('p1 reindexed, scan on');

$node->stop;
done_testing();
