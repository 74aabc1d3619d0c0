# Models survive pg_dump and pg_restore with their owners and grants
# (issue 8, items 4 and 8): the handles (views of schema al, not members of
# the extension) are dumped with owner and grants before the data of
# al.model_store, which names them (handle regclass).  Then DROP EXTENSION:
# refused while models exist, CASCADE drops their handles, and a new
# installation starts afresh.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE ROLE alice;
	CREATE ROLE bob;
	CREATE ROLE carol;
	CREATE ROLE eve;
	CREATE DATABASE src;
});
$node->safe_psql('src', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE data AS
	SELECT i AS id, ARRAY[(i % 3) + (i % 7) * 0.1, (i % 3) * -1 + (i % 5) * 0.1]::real[] AS x,
	       (i % 3)::text AS y
	FROM generate_series(1, 300) i;
	ALTER TABLE data ADD PRIMARY KEY (id);
	GRANT SELECT ON data TO alice, bob, carol, eve;
	SET ROLE alice;
	SELECT al.train_model('alices', 'data', 'x', 'y');
	SELECT al.train_model('alices', 'data', 'x', 'y', '{"c": 0.01}');
	SELECT al.create_learner('als', 'data', 'id', 'x', ARRAY['0', '1', '2'], 'entropy', '{"retrain_every": 5}');
	SELECT al.label('als', id, y) FROM data WHERE id <= 30;
	SELECT al.run_learner('als');
	SET ROLE bob;
	SELECT al.train_model('bobs', 'data', 'x', 'y', '{"members": 2}');
	RESET ROLE;
});
# models of the other families (issue 13): one-vs-rest (a committee, a
# class every row has: intercept +inf in the weights) and ridge
$node->safe_psql('src', q{
	CREATE TABLE fam AS
	SELECT id, x, CASE WHEN id % 2 = 0 THEN '{a,b}' ELSE '{b}' END::text[] AS tags, 2 * x[1] + id % 3 AS v
	FROM data;
	SELECT al.train_model('fam_ovr', 'fam', 'x', 'tags', '{"family": "ovr", "members": 2}');
	SELECT al.train_model('fam_ridge', 'fam', 'x', 'v', '{"family": "ridge", "standardize": true}');
});
my $families = q{
	SELECT al.predict_label_probs('fam_ovr', '{1,0.5}')::text || ' ' || al.predict_labels('fam_ovr', '{1,0.5}')::text
	       || ' ' || al.predict_value('fam_ridge', '{1,0.5}')::text || ' '
	       || (SELECT string_agg(name || ':' || family || ':' || classes::text, ',' ORDER BY name)
	           FROM al.models WHERE name LIKE 'fam%')};
my $families_before = $node->safe_psql('src', $families);
like($families_before, qr/^\{[0-9.e-]+,1\} \{(a,)?b\} [0-9.e-]+ fam_ovr:ovr:\{a,b\},fam_ridge:ridge:\{\}$/,
	'one-vs-rest and ridge models before the dump') or diag($families_before);
# alice shares her model with carol
$node->safe_psql('src', q{
	SET ROLE alice;
	DO $$ BEGIN EXECUTE format('GRANT SELECT ON %s TO carol',
	                           (SELECT DISTINCT handle FROM al.models WHERE name = 'alices')); END $$;
});

# what each role gets, as one line per call (errors by SQLSTATE)
my @calls = (
	[alice => q{al.predict_proba('alices', ARRAY[0.5, -0.5]::real[])::text}],
	[carol => q{al.predict_proba('alices', ARRAY[0.5, -0.5]::real[])::text}],
	[eve   => q{al.predict_proba('alices', ARRAY[0.5, -0.5]::real[])::text}],
	[bob   => q{al.predict_proba('alices', ARRAY[0.5, -0.5]::real[])::text}],
	[bob   => q{al.predict_committee('bobs', ARRAY[0.5, -0.5]::real[])::text}],
	[carol => q{al.predict_committee('bobs', ARRAY[0.5, -0.5]::real[])::text}],
	[alice => q{al.predict('learner/als', ARRAY[0.5, -0.5]::real[])}],
	[eve   => q{al.predict('learner/als', ARRAY[0.5, -0.5]::real[])}],
	[alice => q{(SELECT string_agg(name || ' ' || version, ',' ORDER BY name, version) FROM al.models)}],
	[carol => q{(SELECT string_agg(name || ' ' || version, ',' ORDER BY name, version) FROM al.models)}],
	[eve   => q{(SELECT string_agg(name || ' ' || version, ',' ORDER BY name, version) FROM al.models)}],
);
sub uses
{
	my ($db) = @_;
	my @out;
	for my $c (@calls)
	{
		my ($role, $expr) = @$c;
		my ($ret, $stdout, $stderr) = $node->psql($db, "SET ROLE $role; SELECT $expr",
			extra_params => [ '-v', 'VERBOSITY=verbose' ]);
		my ($state) = $stderr =~ /ERROR:  (\w{5}):/;
		push @out, "$role: " . ($ret == 0 ? $stdout : "error $state");
	}
	return join("\n", @out);
}
my $before = uses('src');
like($before, qr/^alice: \[.*\]\ncarol: \[.*\]\neve: error 42501\nbob: error 42501\nbob: \{.*\}\ncarol: error 42501\nalice: \d\neve: error 42501\nalice: alices 1,alices 2,learner\/als 1\ncarol: alices 1,alices 2\neve: $/,
	'before the dump: owners, the grantee and strangers get what they should')
  or diag($before);
my $store = q{
	SELECT string_agg(format('%s %s %s %s %s %s', m.name, m.version, m.handle, m.learner_id IS NOT NULL,
	                         c.relowner::regrole, coalesce(c.relacl, acldefault('r', c.relowner))), ', ' ORDER BY m.id)
	FROM al.model_store m LEFT JOIN pg_class c ON c.oid = m.handle};
my $store_before = $node->safe_psql('src', $store);

# (an ACL equal to the default is dumped as the default: relacl NULL, the
# same rights, hence acldefault above)

# dump, restore into a fresh database
my $dump = $node->basedir . '/src.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('src'), '-f', $dump ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
my ($stdout, $stderr);
my $ok = IPC::Run::run([ 'pg_restore', '-d', $node->connstr('dst'), $dump ], '>', \$stdout, '2>', \$stderr);
ok($ok, 'pg_restore succeeds');
is($stderr, '', 'without errors or warnings');

is($node->safe_psql('dst', $store), $store_before,
	'every version points to its restored handle, with its owner and grants');
is(uses('dst'), $before, 'owners, the grantee and strangers get the same after the restore');
is($node->safe_psql('dst', $families), $families_before,
	'one-vs-rest and ridge models predict the same after the restore, with their family');
is($node->safe_psql('dst', q{SELECT count(*) FROM al.learners WHERE name = 'als'}), '1',
	'the learner came back with its model');

# the restored sequence: a new model's handle does not collide with a restored one
is($node->safe_psql('dst', q{
	SET ROLE eve;
	SELECT al.train_model('eves', 'data', 'x', 'y') > 0;
	SELECT string_agg(DISTINCT owner::text, ',') FROM al.models WHERE name = 'eves'}),
	"t\neve", 'a new model after the restore gets a handle of its own');
is($node->safe_psql('dst', q{SET ROLE alice; SELECT al.drop_model('alices')}), '2',
	'the owner drops her restored model');
is($node->safe_psql('dst', q{SELECT count(*) FROM pg_class WHERE relname LIKE 'model %' AND relowner = 'alice'::regrole}),
	'0', 'with its handle');

# DROP EXTENSION: refused while handles exist; CASCADE drops them (the
# event trigger runs during the drop and must not fail)
my ($ret, $out, $err) = $node->psql('dst', 'DROP EXTENSION al_ext', extra_params => [ '-v', 'VERBOSITY=verbose' ]);
like($err, qr/ERROR:  2BP01: cannot drop extension al_ext because other objects depend on it\nDETAIL:  view al."(model|learner) \d+" depends on type al.handle_id/,
	'DROP EXTENSION refuses while models or learners exist');
($ret, $out, $err) = $node->psql('dst', 'DROP EXTENSION al_ext CASCADE');
is($ret, 0, 'DROP EXTENSION al_ext CASCADE succeeds') or diag($err);
is($node->safe_psql('dst', q{SELECT count(*) FROM pg_class WHERE relname LIKE 'model %'}), '0',
	'and drops the handles');
is($node->safe_psql('dst', q{
	CREATE EXTENSION al_ext;
	SET ROLE bob;
	SELECT al.train_model('bobs', 'data', 'x', 'y');}), '1',
	'a new installation starts afresh: model id 1, handle al."model 1"');
($ret, $out, $err) = $node->psql('dst', 'DROP ROLE bob');
like($err, qr/\nowner of view al."model 1"\n/, 'DROP ROLE names the handle that keeps the role');

$node->stop;
done_testing();
