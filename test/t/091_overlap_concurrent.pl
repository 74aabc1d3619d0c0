# Overlap under concurrency, with several annotator roles: six annotator
# roles, two sessions each, take batches of a learner with overlap 3 at the
# same time and label most of what they get (some in disagreement), leaving
# the rest leased.  Afterwards no item has more than 3 labels and live
# leases together, no annotator was handed an item twice (not even across
# its two sessions), none holds an item it labeled and no item of the
# evaluation sample went to two annotators.  Then the
# adjudicator roles get the disagreements first, each once, and only they
# may adjudicate (42501 for an annotator).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $node = PostgreSQL::Test::Cluster->new('overlap');
$node->init;
$node->start;
my @annotators = map { "ann$_" } 1 .. 6;
$node->safe_psql('postgres', join('', map { "CREATE ROLE $_ LOGIN;\n" } @annotators) . q{
	CREATE ROLE seniors;
	CREATE ROLE adj1 LOGIN IN ROLE seniors;
	CREATE ROLE adj2 LOGIN IN ROLE seniors;
	CREATE EXTENSION al_ext;
	CREATE TABLE pool AS
	SELECT g::bigint AS id, ARRAY[(g % 2) + (g % 7) * 0.01, (g % 3) * 0.1]::real[] AS x,
	       (ARRAY['a', 'b'])[g % 2 + 1] AS truth
	FROM generate_series(1, 150) g;
	GRANT SELECT ON pool TO PUBLIC;
	CREATE TABLE handed (who text, item_id text, taken_at timestamptz DEFAULT clock_timestamp());
	GRANT INSERT, SELECT ON handed TO PUBLIC;
	SELECT al.create_learner('ov', 'pool', 'id', 'x', ARRAY['a', 'b'], 'entropy',
	                         '{"overlap": 3, "batch_size": 4, "lease": "1 hour", "retrain_every": 100000,
	                           "adjudicator": "seniors", "eval_size": 24, "eval_rate": 0.25}');
} . join('', map { "SELECT al.grant_learner('ov', '$_', 'annotate');\n" } (@annotators, 'adj1', 'adj2')));

# each transaction takes a batch and labels about 90% of it (a fifth of
# those against the truth), leaving the rest leased
my $script = PostgreSQL::Test::Utils::tempdir() . '/annotate.sql';
PostgreSQL::Test::Utils::append_to_file($script, q{
SET client_min_messages = warning;
BEGIN;
CREATE TEMP TABLE IF NOT EXISTS batch (item_id text) ON COMMIT DELETE ROWS;
INSERT INTO batch SELECT item_id FROM al.next_batch('ov');
INSERT INTO handed (who, item_id) SELECT current_user, item_id FROM batch;
SELECT count(al.label('ov', b.item_id, CASE WHEN random() < 0.8 THEN p.truth ELSE 'b' END))
FROM batch b JOIN pool p ON p.id = b.item_id::bigint WHERE random() < 0.9;
COMMIT;
});

# all annotators at once, two sessions each
my @runs;
foreach my $who (@annotators)
{
	my ($out, $err) = ('', '');
	my $h = IPC::Run::start(
		[ 'pgbench', '--no-vacuum', '--client=2', '--jobs=1', '--time=4', '-f', $script,
		  '-h', $node->host, '-p', $node->port, '-U', $who, 'postgres' ],
		'>', \$out, '2>', \$err);
	push @runs, [ $who, $h, \$out, \$err ];
}
foreach my $r (@runs)
{
	my ($who, $h, $out, $err) = @$r;
	$h->finish;
	like($$out, qr/processed: [1-9]/, "$who took batches");
	unlike($$err, qr/ERROR|FATAL/, "$who saw no error");
}

my $handed = $node->safe_psql('postgres', q{SELECT count(*) FROM handed});
cmp_ok($handed, '>', 100, "the annotators were handed $handed items");
is($node->safe_psql('postgres', q{SELECT count(*) - count(DISTINCT (who, item_id)) FROM handed}),
	'0', 'no annotator was handed an item twice, across its sessions');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM (SELECT item_id FROM handed GROUP BY item_id HAVING count(*) > 3) s}),
	'0', 'no item was handed to more than 3 annotators');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM (
		SELECT item_id FROM (
			SELECT item_id FROM al.labels
			UNION ALL SELECT item_id FROM al.leases WHERE expires_at > now()) t
		GROUP BY item_id HAVING count(*) > 3) s}),
	'0', 'no item has more than 3 labels and live leases together');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM al.labels b JOIN al.leases x USING (learner_id, item_id, annotator)}),
	'0', 'nobody holds an item it labeled');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM handed h
	WHERE NOT EXISTS (SELECT 1 FROM al.labels b WHERE b.item_id = h.item_id AND b.annotator = h.who)
	AND NOT EXISTS (SELECT 1 FROM al.leases x WHERE x.item_id = h.item_id AND x.annotator = h.who)}),
	'0', 'every item handed out is labeled or still held by its annotator');
# evaluation items get one label each, whoever waited for the batch lock
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM (SELECT item_id FROM handed
	                      WHERE item_id = ANY ((SELECT eval_items FROM al.learners WHERE name = 'ov')::text[])
	                      GROUP BY item_id HAVING count(*) > 1) s}),
	'0', 'no evaluation item was handed to two annotators');
cmp_ok($node->safe_psql('postgres', q{
	SELECT count(*) FROM handed WHERE item_id = ANY ((SELECT eval_items FROM al.learners WHERE name = 'ov')::text[])}),
	'>=', 20, 'most of the evaluation sample was handed out');
my $full = $node->safe_psql('postgres', q{
	SELECT count(*) FROM (SELECT item_id FROM al.labels GROUP BY item_id HAVING count(*) = 3) s});
cmp_ok($full, '>', 0, "$full items got their 3 labels");

# the disagreements, as an adjudicator should get them: oldest first
my $disagreements = q{
	SELECT item_id FROM al.labels GROUP BY item_id
	HAVING count(*) >= 3 AND count(DISTINCT label) > 1 AND NOT bool_or(adjudicated)
	ORDER BY max(serial), item_id};
my @expected = split /\n/, $node->safe_psql('postgres', $disagreements);
cmp_ok(scalar(@expected), '>=', 2, scalar(@expected) . ' items have 3 labels that disagree');

# two adjudicators in turn: the first gets the oldest two, the second the
# next two, then each gets ordinary items
my $adj1 = $node->safe_psql('postgres', q{SELECT string_agg(item_id, ',' ORDER BY o)
	FROM al.next_batch('ov', 2) WITH ORDINALITY b(item_id, s, p, q, o)}, extra_params => [ '-U', 'adj1' ]);
is($adj1, join(',', @expected[0 .. 1]), 'adj1 gets the two oldest disagreements first');
my $adj2 = $node->safe_psql('postgres', q{SELECT string_agg(item_id, ',' ORDER BY o)
	FROM al.next_batch('ov', 2) WITH ORDINALITY b(item_id, s, p, q, o)}, extra_params => [ '-U', 'adj2' ]);
my @rest = grep { defined } @expected[2 .. 3];
is(scalar(grep { index(",$adj1,", ",$_,") >= 0 } split(/,/, $adj2)), 0, 'adj2 gets none of the items adj1 holds');
is(join(',', (split /,/, $adj2)[0 .. $#rest]), join(',', @rest), 'adj2 gets the next disagreements');

# an annotator may not adjudicate (42501); the adjudicator may
my ($ret, $out, $err) = $node->psql('postgres',
	"\\set VERBOSITY sqlstate\nSELECT al.adjudicate('ov', '$expected[0]', 'a')",
	extra_params => [ '-U', 'ann1' ]);
like($err, qr/42501/, 'an annotator cannot adjudicate: 42501');
$node->safe_psql('postgres', "SELECT al.adjudicate('ov', '$expected[0]', 'a')", extra_params => [ '-U', 'adj1' ]);
is($node->safe_psql('postgres', qq{SELECT annotator || ' ' || label FROM al.labels
	WHERE item_id = '$expected[0]' AND adjudicated}), 'adj1 a', 'the adjudication is recorded in adj1\'s name');
is($node->safe_psql('postgres', qq{SELECT count(*) FROM al.leases WHERE item_id = '$expected[0]'}),
	'0', 'the adjudicated item is held by nobody');
# an annotator's batch never holds a disagreement
is($node->safe_psql('postgres', qq{
	SELECT count(*) FROM al.next_batch('ov', 200) b
	WHERE b.item_id IN ($disagreements)}, extra_params => [ '-U', 'ann1' ]),
	'0', 'annotators are not handed disagreements');

$node->stop;
done_testing();
