# The privilege matrix (issue 8): the owner of a learner and of a model, an
# annotator, a proxy (annotates in others' names), a viewer, a stranger and a
# superuser each try every al_ext function and view on them; what each may
# do must be exactly what the table "Who may do what" in README.md's
# Security section says.  The table is read from README.md, so the two
# cannot drift apart: a row the test does not know, or an action missing
# from the table, fails too.
#
# Every cell runs in its own transaction, rolled back, so each starts from
# the same state.  "yes" = it succeeds; "no" = it fails with 42501
# (insufficient_privilege); for reads, "sees" / "hidden" = the learner's (or
# model's) rows are visible or not.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my @roles = qw(owner annotator proxy viewer stranger superuser);
my %login = (
	owner => 'al_owner', annotator => 'al_annotator', proxy => 'al_proxy',
	viewer => 'al_viewer', stranger => 'al_stranger', superuser => 'postgres');

# what each row of the table does (the learner is "m", the model "mm")
my %action = (
	'al.create_learner on the owner\'s pool' =>
	  q{SELECT al.create_learner('m2', 'o.pool', 'id', 'x', ARRAY['a', 'b'])},
	'al.alter_learner' => q{SELECT al.alter_learner('m', 'margin_confidence')},
	'al.retrain' => q{SELECT al.retrain('m')},
	'al.run_learner' => q{SELECT al.run_learner('m')},
	'al.drop_learner' => q{SELECT al.drop_learner('m')},
	'al.pin_version, al.unpin, al.rollback' =>
	  q{SELECT al.pin_version('m', 1), al.unpin('m'), al.rollback('m')},
	'al.grant_learner' => q{SELECT al.grant_learner('m', 'al_stranger', 'view')},
	'al.revoke_learner' => q{SELECT al.revoke_learner('m', 'al_viewer', 'view')},
	'al.alter_learner_owner' => q{SELECT al.alter_learner_owner('m', 'al_owner')},
	'al.next_batch in its own name' => q{SELECT pg_catalog.count(*) FROM al.next_batch('m', 2)},
	'al.next_batch for another annotator' =>
	  q{SELECT pg_catalog.count(*) FROM al.next_batch('m', 2, 'expert_7')},
	'al.label in its own name' => q{SELECT al.label('m', 40, 'a')},
	'al.label for another annotator' => q{SELECT al.label('m', 40, 'a', 'expert_7')},
	'al.label_many in its own name' => q{SELECT al.label_many('m', '[{"item": 41, "label": "b"}]')},
	'al.label_many for another annotator' =>
	  q{SELECT al.label_many('m', '[{"item": 41, "label": "b", "annotator": "expert_7"}]')},
	'al.release in its own name' => q{SELECT al.release('m', ARRAY['1', '2'])},
	'al.release for another annotator' => q{SELECT al.release('m', ARRAY['1', '2'], 'expert_7')},
	'al.unlabel in its own name' => q{SELECT al.unlabel('m', 1::bigint)},
	'al.unlabel for another annotator' => q{SELECT al.unlabel('m', 1::bigint, 'expert_7')},
	'al.my_batch in its own name' => q{SELECT pg_catalog.count(*) FROM al.my_batch('m')},
	'al.my_batch for another annotator' => q{SELECT pg_catalog.count(*) FROM al.my_batch('m', 'expert_7')},
	'al.adjudicate (no adjudicator role set: the owner adjudicates)' => q{SELECT al.adjudicate('m', 40, 'a')},
	'al.learners' => q{SELECT pg_catalog.count(*) FROM al.learners WHERE name = 'm'},
	'al.learner_status' => q{SELECT pg_catalog.count(*) FROM al.learner_status WHERE learner = 'm'},
	'al.learning_curve' => q{SELECT pg_catalog.count(*) FROM al.learning_curve WHERE learner = 'm'},
	'al.serving_history' => q{SELECT pg_catalog.count(*) FROM al.serving_history WHERE learner = 'm'},
	'the learner\'s labels, leases and ranking (al.labels, al.leases, al.scores)' =>
	  q{SELECT (SELECT pg_catalog.count(*) FROM al.labels) + (SELECT pg_catalog.count(*) FROM al.leases)
	           + (SELECT pg_catalog.count(*) FROM al.scores)},
	'the learner\'s withdrawn labels (al.withdrawn_labels)' =>
	  q{SELECT pg_catalog.count(*) FROM al.withdrawn_labels},
	'the learner\'s agreement (al.item_agreement, al.annotator_agreement, al.annotator_pairs, al.learner_agreement)' =>
	  q{SELECT (SELECT pg_catalog.count(*) FROM al.item_agreement WHERE learner = 'm')
	           + (SELECT pg_catalog.count(*) FROM al.annotator_agreement WHERE learner = 'm')
	           + (SELECT pg_catalog.count(*) FROM al.annotator_pairs WHERE learner = 'm')
	           + (SELECT pg_catalog.count(*) FROM al.learner_agreement WHERE learner = 'm')},
	'al.cohen_kappa, al.fleiss_kappa' =>
	  q{SELECT al.cohen_kappa('{a,b}', '{a,a}'), al.fleiss_kappa('{{2,0},{1,1}}')},
	'al.predict_proba with the learner\'s model' =>
	  q{SELECT al.predict_proba('learner/m', ARRAY[1, 0]::real[])},
	'al.model_coefficients of the learner\'s model' =>
	  q{SELECT pg_catalog.count(*) FROM al.model_coefficients('learner/m')},
	'al.drop_model of the learner\'s model' => q{SELECT al.drop_model('learner/m')},
	'al.train_model: a new version of the owner\'s model' =>
	  q{SELECT al.train_model('mm', 'o.train', 'x', 'y')},
	'al.predict_proba, al.predict, al.predict_committee with the owner\'s model' =>
	  q{SELECT al.predict_proba('mm', ARRAY[1, 0]::real[]), al.predict('mm', ARRAY[1, 0]::real[]),
	           al.predict_committee('mm', ARRAY[1, 0]::real[])},
	'al.expected_error_reduction with the learner\'s model' =>
	  q{SELECT pg_catalog.count(*) FROM al.expected_error_reduction('learner/m', 'o.eer', 'id', 'x', 'y', '{"steps": 1}')},
	'al.expected_error_reduction with the owner\'s model' =>
	  q{SELECT pg_catalog.count(*) FROM al.expected_error_reduction('mm', 'o.eer', 'id', 'x', 'y', '{"steps": 1}')},
	'al.model_coefficients of the owner\'s model' =>
	  q{SELECT pg_catalog.count(*) FROM al.model_coefficients('mm')},
	'al.models' => q{SELECT pg_catalog.count(*) FROM al.models WHERE name = 'mm'},
	'al.drop_model of the owner\'s model' => q{SELECT al.drop_model('mm')},
	'al.start_worker, al.stop_worker, al.wake_worker' => q{SELECT al.wake_worker()},
	'al.worker_status, al.worker_processes' =>
	  q{SELECT (SELECT pg_catalog.count(*) FROM al.worker_status) + (SELECT pg_catalog.count(*) FROM al.worker_processes())},
	'scores, committee scores, al.top_k, al.consensus, probvec functions, selection aggregates, density and keys' =>
	  q{SELECT al.entropy('[0.5,0.5]'), al.bald(ARRAY['[0.5,0.5]'::al.probvec]),
	           (SELECT al.top_k(i::bigint, i::double precision, 2) FROM pg_catalog.generate_series(1, 5) i),
	           (SELECT al.kcenter(i::bigint, ARRAY[i, 0]::double precision[], 2) FROM pg_catalog.generate_series(1, 5) i),
	           al.gumbel_key(0.5, 1, 1, 1::bigint), al.cosine_density(ARRAY[1, 0]::double precision[], ARRAY[1, 0]::double precision[])},
);
# rows read back as visible/hidden rather than succeeded/refused
my %reads = map { $_ => 1 } ('al.learners', 'al.learner_status', 'al.learning_curve', 'al.serving_history',
	'the learner\'s labels, leases and ranking (al.labels, al.leases, al.scores)',
	'the learner\'s withdrawn labels (al.withdrawn_labels)', 'al.models',
	'the learner\'s agreement (al.item_agreement, al.annotator_agreement, al.annotator_pairs, al.learner_agreement)');

my $node = PostgreSQL::Test::Cluster->new('matrix');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE ROLE al_owner LOGIN;
	CREATE ROLE al_annotator LOGIN;
	CREATE ROLE al_proxy LOGIN;
	CREATE ROLE al_viewer LOGIN;
	CREATE ROLE al_stranger LOGIN;
	CREATE SCHEMA o AUTHORIZATION al_owner;
	GRANT USAGE ON SCHEMA o TO PUBLIC;
	SET ROLE al_owner;
	CREATE TABLE o.pool AS
	SELECT i::bigint AS id, ARRAY[(i % 2) * 2 + (i % 5) * 0.1, (i % 3) * 0.3]::real[] AS x
	FROM generate_series(1, 60) i;
	CREATE TABLE o.train AS
	SELECT x, CASE WHEN id % 2 = 0 THEN 'a' ELSE 'b' END AS y FROM o.pool;
	GRANT SELECT ON o.train TO PUBLIC;
	CREATE TABLE o.eer AS
	SELECT id, x, CASE WHEN id > 10 THEN NULL WHEN id % 2 = 0 THEN 'a' ELSE 'b' END AS y
	FROM o.pool WHERE id <= 20;
	GRANT SELECT ON o.eer TO PUBLIC;
	SELECT al.create_learner('m', 'o.pool', 'id', 'x', ARRAY['a', 'b'], 'entropy', '{"retrain_every": 4}');
	SELECT al.label('m', i::bigint, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END) FROM generate_series(1, 6) i;
	SELECT al.run_learner('m');
	SELECT al.retrain('m');
	SELECT al.run_learner('m');
	SELECT al.label('m', 7, 'a'), al.unlabel('m', 7);
	SELECT al.label('m', 1, 'a', 'expert_9');
	SELECT pg_catalog.count(*) FROM al.next_batch('m', 2);
	SELECT al.train_model('mm', 'o.train', 'x', 'y');
	SELECT al.grant_learner('m', 'al_annotator', 'annotate');
	SELECT al.grant_learner('m', 'al_proxy', 'proxy');
	SELECT al.grant_learner('m', 'al_viewer', 'view');
});

# the outcome of one cell: yes / no / sees / hidden, or the unexpected error
sub outcome
{
	my ($role, $row) = @_;
	my $sql = $action{$row};
	my ($ret, $out, $err) = $node->psql('postgres',
		"\\set VERBOSITY verbose\nBEGIN;\nSET search_path = pg_catalog;\n$sql;\nROLLBACK;",
		extra_params => [ '-U', $login{$role}, '-v', 'ON_ERROR_STOP=1', '-At' ]);
	if ($ret != 0)
	{
		return 'no' if $err =~ /ERROR:  42501:/;
		$err =~ s/\n.*//s;
		return "error: $err";
	}
	my @lines = grep { /\S/ } split /\n/, $out;
	return ($lines[-1] // '') =~ /^[1-9]/ ? 'sees' : 'hidden' if $reads{$row};
	return 'yes';
}

# the table "Who may do what" of README.md's Security section
my $readme = slurp_file("$ENV{AL_REPO}/README.md");
my ($table) = $readme =~ /### Who may do what\n.*?\n(\|.*?)\n\n/s;
ok(defined $table, 'README.md has the table "Who may do what"');
my @lines = split /\n/, $table // '';
my @header = map { s/^\s+|\s+$//gr } split /\|/, shift @lines;
shift @header;
is_deeply([ @header[1 .. $#header] ], \@roles, 'the table has a column per role');
shift @lines;							# the |---| line
my %seen;
foreach my $line (@lines)
{
	my @cells = map { s/^\s+|\s+$//gr } split /\|/, $line;
	shift @cells;
	my $row = shift @cells;
	$row =~ s/`//g;
	$seen{$row} = 1;
	if (!exists $action{$row})
	{
		fail("README row \"$row\" is known to the test");
		next;
	}
	for my $i (0 .. $#roles)
	{
		my $want = $cells[$i];
		$want =~ s/\s*\(.*\)$//;		# a remark in parentheses
		is(outcome($roles[$i], $row), $want, "$row: $roles[$i]");
	}
}
foreach my $row (sort keys %action)
{
	ok($seen{$row}, "README's table has a row for \"$row\"");
}

$node->stop;
done_testing();
