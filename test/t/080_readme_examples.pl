# Every SQL example of README.md works as written (issue 7, defect 15).  The
# models example dropped model triage, which the sharing example after it
# grants; the untyped literal it now shows (as drivers send parameters) was
# "not unique" while predictions had real[] and double precision[] overloads.
#
# The ```sql blocks of README.md are read from the file itself, so an example
# edited there is tested as edited, and run in order, each block as one psql
# script that stops at the first error, on a fresh database holding the
# tables the examples assume (created below, right after the first block's
# CREATE EXTENSION).  Everything runs twice: with real[] and with double
# precision[] features (items.features, tickets.embedding), as the README
# says both work.  A block must run without an ERROR or a WARNING.  The loop
# example's al.start_worker() really starts the worker; nothing below waits
# for it (the examples only hand out, label and retrain).  Then a few
# results that the examples' comments state are checked.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# The tables the examples read, with data shaped as they expect; FEATURES is
# the feature array type.
my $fixture = q{
-- member_outputs: three committee members' distributions per item
CREATE TABLE member_outputs (item bigint, member int, p al.probvec);
INSERT INTO member_outputs
SELECT i, m, al.softmax(ARRAY[sin(i * 3 + m), cos(i + m * 2), sin(i * m)])
FROM generate_series(1, 5) i, generate_series(1, 3) m;
-- items: a prediction and the item's features
CREATE TABLE items (id bigint, p al.probvec, features FEATURES);
INSERT INTO items
SELECT i, al.softmax(ARRAY[sin(i), cos(i), sin(2 * i)]), ARRAY[sin(i * 7), cos(i * 5), i * 0.1]
FROM generate_series(1, 10) i;
-- pairs of distributions (a q with a 0 where p is not: KL is infinite)
CREATE TABLE pairs (p al.probvec, q al.probvec);
INSERT INTO pairs VALUES ('[0.5,0.5]', '[0.9,0.1]'), ('[0.2,0.8]', '[0,1]'), ('[1,0]', '[0,1]');
-- pool: predictions of items in four groups, their features, one in ten labeled
CREATE TABLE pool (id bigint, grp int, p al.probvec, x FEATURES, labeled boolean);
INSERT INTO pool SELECT i, i % 4, al.softmax(ARRAY[sin(i), cos(i * 3), sin(i * 5)]),
       ARRAY[sin(i * 7), cos(i * 5), i * 0.01], i % 10 = 0
FROM generate_series(1, 200) i;
-- docs and events: text and uuid ids with a score
CREATE TABLE docs (doc_name text, score double precision);
INSERT INTO docs SELECT 'doc ' || i, sin(i) FROM generate_series(1, 20) i;
CREATE TABLE events (uuid_id uuid, score double precision);
INSERT INTO events SELECT md5(i::text)::uuid, cos(i) FROM generate_series(1, 20) i;
-- tickets: 1,000 support tickets (ids 4001 to 5000, so 4711 to 4714 exist)
-- with an 8-value embedding; one in four has a category, the others await one
CREATE TABLE tickets (id bigint PRIMARY KEY, embedding FEATURES, category text);
INSERT INTO tickets
SELECT i, ARRAY(SELECT (CASE WHEN j % 3 = i % 3 THEN 1.5 ELSE 0 END) + sin(i * 12.9898 + j * 78.233)
                FROM generate_series(1, 8) j),
       CASE WHEN i % 4 = 0 THEN (ARRAY['billing', 'bug', 'feature'])[i % 3 + 1] END
FROM generate_series(4001, 5000) i;
-- triage_gold: a gold set labeled earlier, the evaluation table of the loop's example
CREATE TABLE triage_gold (id bigint, embedding FEATURES, gold text);
INSERT INTO triage_gold
SELECT i, ARRAY(SELECT (CASE WHEN j % 3 = i % 3 THEN 1.5 ELSE 0 END) + cos(i * 12.9898 + j * 78.233)
                FROM generate_series(1, 8) j), (ARRAY['billing', 'bug', 'feature'])[i % 3 + 1]
FROM generate_series(1, 60) i;
-- digits: a labeled table for the backtest examples, 500 rows of 8 features
-- in 10 classes
CREATE TABLE digits (id bigint, x FEATURES, y int);
INSERT INTO digits
SELECT i, ARRAY(SELECT (CASE WHEN j = i % 10 OR j = (i % 10 + 3) % 10 THEN 2 ELSE 0 END)
                       + sin(i * 12.9898 + j * 78.233) FROM generate_series(0, 7) j), i % 10
FROM generate_series(1, 500) i;
-- answers: generated answers, the log-probabilities of their 5 to 8 tokens
-- and each token's top 3 alternatives (tokens x 3, within probability 1)
CREATE TABLE answers (id bigint, token_logprobs FEATURES, top_logprobs FEATURES);
INSERT INTO answers
SELECT i, ARRAY(SELECT -0.3 - abs(sin(i * 7 + t)) FROM generate_series(1, 5 + i % 4) t),
       ARRAY(SELECT ARRAY[-0.3 - abs(sin(i * 7 + t)), -2 - abs(cos(t)), -3] FROM generate_series(1, 5 + i % 4) t)
FROM generate_series(1, 10) i;
-- vector: a stand-in for pgvector's type (not packaged here), with casts
-- to and from real[] as pgvector declares them
CREATE TYPE vector AS (v real[]);
CREATE FUNCTION vector_to_real(vector) RETURNS real[] LANGUAGE sql IMMUTABLE AS 'SELECT ($1).v';
CREATE FUNCTION real_to_vector(real[]) RETURNS vector LANGUAGE sql IMMUTABLE AS 'SELECT ROW($1)::vector';
CREATE CAST (vector AS real[]) WITH FUNCTION vector_to_real(vector) AS IMPLICIT;
CREATE CAST (real[] AS vector) WITH FUNCTION real_to_vector(real[]) AS ASSIGNMENT;
-- the first model trained gets id 17, the id the examples use (al."model 17")
SELECT setval('al.model_store_id_seq', 16);
};

# the ```sql blocks of README.md, with the line each starts on
my $readme = slurp_file("$ENV{AL_REPO}/README.md");
my @blocks;
while ($readme =~ /^```sql\n(.*?)^```/msg)
{
	my $line = 1 + (substr($readme, 0, $-[1]) =~ tr/\n//);
	push @blocks, { sql => $1, line => $line };
}
cmp_ok(scalar @blocks, '>=', 9, 'README.md has its SQL examples');
like($blocks[0]{sql}, qr/^CREATE EXTENSION al_ext;/, 'the first example installs al_ext');

my $node = PostgreSQL::Test::Cluster->new('readme');
$node->init;
$node->start;
# the roles the examples grant to (roles are shared by the databases)
$node->safe_psql('postgres',
	'CREATE ROLE ann; CREATE ROLE labeling_app; CREATE ROLE bi_reader; CREATE ROLE analysts; CREATE ROLE seniors');

# run one script in database $db; it must pass with no ERROR or WARNING
sub run_script
{
	my ($db, $sql, $what) = @_;
	my ($ret, $out, $err) = $node->psql($db, $sql, on_error_stop => 1);
	ok($ret == 0 && $err !~ /(ERROR|WARNING):/, $what)
	  or diag("exit code $ret\n$err");
}

# the result of a query in database $db, or its error
sub query
{
	my ($db, $sql) = @_;
	my ($ret, $out, $err) = $node->psql($db, $sql);
	return $ret == 0 ? $out : "exit code $ret: $err";
}

foreach my $features ('real[]', 'double precision[]')
{
	(my $db = "readme_$features") =~ s/\W+/_/g;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	(my $tables = $fixture) =~ s/FEATURES/$features/g;
	for my $i (0 .. $#blocks)
	{
		run_script($db, $tables, "the examples' tables, $features features")
		  if $i == 1;
		run_script($db, $blocks[$i]{sql},
			"README.md example at line $blocks[$i]{line} runs as written ($features features)");
	}

	# what the examples' comments say
	is(query($db, 'SELECT al.normalize(ARRAY[3, 1])'),
		'[0.75,0.25]', "al.normalize(ARRAY[3, 1]) is [0.75,0.25] ($features)");
	is(query($db, q{SELECT DISTINCT handle FROM al.models WHERE name = 'triage'}),
		'al."model 17"', "model triage's handle is al.\"model 17\" ($features)");
	is(query($db, q{
		SELECT count(*) FILTER (WHERE al.predict_proba(17, embedding)::text <> al.predict_proba('triage', embedding)::text)
		FROM tickets}),
		'0', "model id 17 is the version of triage ($features)");
	is(query($db, q{SELECT count(*) FROM al.models WHERE name = 'triage_bag'}),
		'0', "al.drop_model dropped every version of triage_bag ($features)");
	like(query($db, q{SELECT channel FROM al.learners WHERE name = 'triage'}),
		qr/^al_ext_[0-9a-f]{32}$/, "the learner's channel is al_ext_ and 128 random bits ($features)");
	is(query($db, q{
		SELECT string_agg(item_id || ' ' || label || ' ' || annotator
		                  || CASE WHEN adjudicated THEN ' (adjudicated)' ELSE '' END, ', ' ORDER BY item_id)
		FROM al.labels WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'triage')}),
		'4711 bug postgres (adjudicated), 4712 billing ann',
		"the examples' labels are recorded, in the annotators' names ($features)");
	is(query($db, q{
		SELECT string_agg(item_id || ' ' || label || ' ' || annotator || ' by ' || withdrawn_by, ', ' ORDER BY serial)
		FROM al.withdrawn_labels WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'triage')}),
		'4711 bug postgres by postgres, 4711 bug dr_smith by postgres',
		"the examples' withdrawn labels are kept, with who withdrew them ($features)");
	is(query($db, q{
		SELECT count(*) FROM al.labels b JOIN al.learners l ON l.id = b.learner_id
		WHERE l.name = 'routing_import' AND b.annotator = 'import:category'}),
		'251', "the 250 categories are imported, then the one set later ($features)");
	is(query($db, q{
		SELECT string_agg(item_id, ',' ORDER BY item_id) FROM al.leases
		WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'sevens')}),
		'4011,4018,4025,4039,4046', "the cold-start query's ids are handed out first ($features)");
	is(query($db, q{
		SELECT string_agg(reason, ',' ORDER BY period) FROM al.serving_history WHERE learner = 'routing'}),
		'latest,latest,pinned,rollback,latest', "the serving history of the deployment example ($features)");
}

done_testing();
