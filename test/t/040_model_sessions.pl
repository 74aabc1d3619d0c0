# Models across sessions: a concurrent ALTER TABLE during al.train_model
# (issue 7 defect 4), a drop seen by a session that cached the model
# (defect 10), two trainings of one name at once (defect 14), two roles
# claiming a new name at once and DROP OWNED during a training (issue 8
# item 4), two rounds of a learner at once, al.expected_error_reduction
# (its snapshot, its lock).  Every step is
# ordered by waiting for the other session to block on a lock, never by
# sleeping.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('models');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION al_ext;
	CREATE TABLE data AS
	SELECT i AS id, ARRAY[(i % 3) + (i % 7) * 0.1, (i % 3) * -1 + (i % 5) * 0.1]::real[] AS x,
	       (i % 3)::text AS y
	FROM generate_series(1, 300) i;
	CREATE FUNCTION wait_for(key bigint) RETURNS boolean LANGUAGE sql
		AS 'SELECT pg_advisory_lock(key) IS NOT NULL AND pg_advisory_unlock(key)';
});

# A session whose errors do not end it, reporting SQLSTATEs.
sub session
{
	my $s = $node->background_psql('postgres', on_error_stop => 0);
	$s->query_safe('\\set VERBOSITY verbose');
	return $s;
}

# Send a statement to a session without waiting for it to finish.
sub start_query
{
	my ($s, $sql) = @_;
	$s->{stdin} .= "$sql;\n\\echo '--done--'\n";
	$s->{run}->pump_nb();
}

# Wait until a started statement has finished; its output and errors.
sub finish_query
{
	my ($s) = @_;
	# a crashed backend ends psql: report it instead of dying
	eval {
		$s->{run}->pump() until $s->{stdout} =~ /--done--/ || $s->{timeout}->is_expired;
	};
	my ($out, $err) = ($s->{stdout}, $s->{stderr} . ($@ ? "psql died: $@" : ''));
	$out =~ s/\n?--done--\n//;
	($s->{stdout}, $s->{stderr}) = ('', '');
	return ($out, $err);
}

# Wait until the backend of a session waits for a lock.
sub wait_until_blocked
{
	my ($pid, $what) = @_;
	ok($node->poll_query_until('postgres',
			qq{SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $pid}),
		"$what waits for the lock");
}

# The pid of a session's backend.
sub backend_pid
{
	my ($s) = @_;
	return $s->query_safe('SELECT pg_backend_pid()');
}

my $a = session();
my $b = session();
my $pid_b = backend_pid($b);
my ($out, $err);

# ---- defect 4: the feature column changes type while train_model waits ----
$a->query_safe('BEGIN');
$a->query_safe('ALTER TABLE data DROP COLUMN x, ADD COLUMN x bigint DEFAULT 12345');
start_query($b, q{SELECT al.train_model('race', 'data', 'x', 'y')});
wait_until_blocked($pid_b, 'train_model');
$a->query_safe('COMMIT');
($out, $err) = finish_query($b);
like($err, qr/ERROR:  42804: feature column "x" must be real\[\], double precision\[\] or a type with a cast to real\[\], not bigint/,
	'train_model checks the column under the lock: a clean error, no crash');
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server is up');
unlike(slurp_file($node->logfile), qr/terminated by signal/, 'no backend crashed');
$node->safe_psql('postgres', q{
	ALTER TABLE data DROP COLUMN x;
	ALTER TABLE data ADD COLUMN x real[];
	UPDATE data SET x = ARRAY[(id % 3) + (id % 7) * 0.1, (id % 3) * -1 + (id % 5) * 0.1]::real[];
});

# the other way round: the column becomes a valid feature column meanwhile
$node->safe_psql('postgres', 'ALTER TABLE data ADD COLUMN z bigint DEFAULT 1');
$a->query_safe('BEGIN');
$a->query_safe('ALTER TABLE data DROP COLUMN z, ADD COLUMN z real[]');
$a->query_safe('UPDATE data SET z = x');
start_query($b, q{SELECT al.train_model('race', 'data', 'z', 'y') > 0});
wait_until_blocked($pid_b, 'train_model');
$a->query_safe('COMMIT');
($out, $err) = finish_query($b);
is("$out|$err", 't|', 'train_model reads the new real[] column once the ALTER commits');
is($node->safe_psql('postgres', q{SELECT n_features FROM al.models WHERE name = 'race'}), '2',
	'the model has the features of the new column');

# the table is dropped while train_model waits for it
$node->safe_psql('postgres', 'CREATE TABLE doomed AS SELECT * FROM data');
$a->query_safe('BEGIN');
$a->query_safe('DROP TABLE doomed');
start_query($b, q{SELECT al.train_model('race', 'doomed', 'x', 'y')});
wait_until_blocked($pid_b, 'train_model of a table being dropped');
$a->query_safe('COMMIT');
($out, $err) = finish_query($b);
like($err, qr/ERROR:  42P01: relation with OID \d+ does not exist/,
	'a clean error when the table is dropped meanwhile');

# ---- defect 10: a drop in one session, a cached model in another ----
$node->safe_psql('postgres', q{SELECT al.train_model('m', 'data', 'x', 'y')});
my $id = $node->safe_psql('postgres', q{SELECT id FROM al.models WHERE name = 'm'});
my $p = q{al.predict_proba('m', ARRAY[1, 1]::real[])::text};
my $pid = qq{al.predict_proba($id, ARRAY[1, 1]::real[])::text};
isnt($b->query_safe("SELECT $p, $pid"), '', 'session B caches model m by name and by id');
$a->query_safe(q{SELECT al.drop_model('m')});
($out, $err) = $b->query("SELECT $p");
like($b->{stderr}, qr/ERROR:  42704: model "m" does not exist/, 'B sees the drop by name');
$b->{stderr} = '';
$b->query("SELECT $pid");
like($b->{stderr}, qr/ERROR:  42704: model with id $id does not exist/, 'B sees the drop by id');
$b->{stderr} = '';

# a long-running statement (a procedure's loop) sees a drop committed
# between two of its statements
$node->safe_psql('postgres', q{SELECT al.train_model('m', 'data', 'x', 'y')});
$id = $node->safe_psql('postgres', q{SELECT id FROM al.models WHERE name = 'm'});
$a->query_safe('SELECT pg_advisory_lock(1)');
start_query($b, qq{
	DO \$\$
	DECLARE r text;
	BEGIN
		PERFORM al.predict_proba('m', ARRAY[1, 1]::real[]);
		PERFORM al.predict_proba($id, ARRAY[1, 1]::real[]);
		PERFORM wait_for(1);
		BEGIN
			PERFORM al.predict_proba($id, ARRAY[1, 1]::real[]);
			RAISE NOTICE 'by id: still predicts';
		EXCEPTION WHEN undefined_object THEN
			RAISE NOTICE 'by id: %', SQLERRM;
		END;
		BEGIN
			PERFORM al.predict_proba('m', ARRAY[1, 1]::real[]);
			RAISE NOTICE 'by name: still predicts';
		EXCEPTION WHEN undefined_object THEN
			RAISE NOTICE 'by name: %', SQLERRM;
		END;
	END \$\$});
wait_until_blocked($pid_b, 'the procedure');
$node->safe_psql('postgres', q{SELECT al.drop_model('m')});
$a->query_safe('SELECT pg_advisory_unlock(1)');
($out, $err) = finish_query($b);
like($err, qr/NOTICE:  00000: by id: model with id $id does not exist/,
	'a later statement of the same procedure sees the drop by id');
like($err, qr/NOTICE:  00000: by name: model "m" does not exist/,
	'a later statement of the same procedure sees the drop by name');

# a REPEATABLE READ transaction keeps seeing the store as of its snapshot;
# the next transaction sees the drop
$node->safe_psql('postgres', q{SELECT al.train_model('m', 'data', 'x', 'y')});
$b->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
my $before = $b->query_safe("SELECT $p");
$a->query_safe(q{SELECT al.drop_model('m')});
is($b->query_safe("SELECT $p"), $before,
	'inside REPEATABLE READ the dropped model is still the snapshot\'s');
$b->query_safe('COMMIT');
$b->query("SELECT $p");
like($b->{stderr}, qr/ERROR:  42704: model "m" does not exist/, 'the next transaction sees the drop');
$b->{stderr} = '';

# a new version committed elsewhere is used by the next statement
$node->safe_psql('postgres', q{SELECT al.train_model('m', 'data', 'x', 'y')});
$b->query_safe("SELECT $p");
$a->query_safe(q{SELECT al.train_model('m', 'data', 'x', 'y', '{"c": 0.001}')});
is($b->query_safe("SELECT $p"),
	$node->safe_psql('postgres', qq{SELECT al.predict_proba((SELECT id FROM al.models WHERE name = 'm' AND version = 2), ARRAY[1, 1]::real[])::text}),
	'B predicts with the new version');

# ---- defect 14: two trainings of one name at once ----
sub concurrent_trainings
{
	my ($name, $iso, $what) = @_;
	$a->query_safe('BEGIN');
	$a->query_safe("SELECT al.train_model('$name', 'data', 'x', 'y')");
	$b->query_safe("BEGIN ISOLATION LEVEL $iso");
	start_query($b, "SELECT al.train_model('$name', 'data', 'x', 'y') > 0");
	wait_until_blocked($pid_b, "the second training ($what)");
	$a->query_safe('COMMIT');
	my ($o, $e) = finish_query($b);
	$b->query('COMMIT');
	$b->{stderr} = '';
	return "$o|$e";
}
is(concurrent_trainings('twice', 'READ COMMITTED', 'new name'), 't|',
	'the second training of a new name waits and succeeds');
is($node->safe_psql('postgres', q{SELECT string_agg(version::text, ',' ORDER BY version) FROM al.models WHERE name = 'twice'}),
	'1,2', 'as consecutive versions 1 and 2');
is(concurrent_trainings('twice', 'READ COMMITTED', 'existing name'), 't|',
	'the second training of an existing name waits and succeeds');
is($node->safe_psql('postgres', q{SELECT string_agg(version::text, ',' ORDER BY version) FROM al.models WHERE name = 'twice'}),
	'1,2,3,4', 'as versions 3 and 4');
like(concurrent_trainings('twice', 'REPEATABLE READ', 'repeatable read'),
	qr/^\|psql:\S+ ERROR:  40001: could not serialize access due to a concurrent change of model "twice"/,
	'in REPEATABLE READ the second training is a serialization failure (40001)');
is($node->safe_psql('postgres', q{SELECT string_agg(version::text, ',' ORDER BY version) FROM al.models WHERE name = 'twice'}),
	'1,2,3,4,5', 'one version more');

# ---- issue 8 item 4: two roles train a new name at once ----
# The ownership check runs under the name's lock with a snapshot taken after
# it: one role owns the name, the other gets a clean 42501.
$node->safe_psql('postgres', q{
	CREATE ROLE alice;
	CREATE ROLE bob;
	GRANT SELECT ON data TO alice, bob;
});
$a->query_safe('SET ROLE alice');
$b->query_safe('SET ROLE bob');
$a->query_safe('BEGIN');
$a->query_safe(q{SELECT al.train_model('contested', 'data', 'x', 'y')});
start_query($b, q{SELECT al.train_model('contested', 'data', 'x', 'y') > 0});
wait_until_blocked($pid_b, 'bob\'s training of the new name alice is training');
$a->query_safe('COMMIT');
($out, $err) = finish_query($b);
like($err, qr/ERROR:  42501: must be owner of model "contested"/,
	'the second role to train a new name gets 42501, not a version of its own');
is($node->safe_psql('postgres', q{SELECT string_agg(version || ' ' || owner, ',') FROM al.models WHERE name = 'contested'}),
	'1 alice', 'one version, owned by the first role');

# DROP OWNED waits for a training that holds the handle, then drops the new
# version too
my $old_handle = $node->safe_psql('postgres', q{SELECT DISTINCT handle::oid FROM al.models WHERE name = 'contested'});
$a->query_safe('BEGIN');
$a->query_safe(q{SELECT al.train_model('contested', 'data', 'x', 'y')});
start_query($b, q{RESET ROLE; DROP OWNED BY alice});
wait_until_blocked($pid_b, 'DROP OWNED BY alice during her training');
$a->query_safe('COMMIT');
($out, $err) = finish_query($b);
is($err, '', 'DROP OWNED succeeds once the training committed');
is($node->safe_psql('postgres', q{SELECT count(*) FROM al.model_store WHERE name = 'contested'}),
	'0', 'and the version committed meanwhile went with the handle');

# the other way round: a training waits for an uncommitted DROP OWNED and
# then finds the name free
$node->safe_psql('postgres', q{GRANT SELECT ON data TO alice});
$a->query_safe(q{SELECT al.train_model('contested', 'data', 'x', 'y')});
$old_handle = $node->safe_psql('postgres', q{SELECT DISTINCT handle::oid FROM al.models WHERE name = 'contested'});
$b->query_safe('BEGIN');
$b->query_safe('DROP OWNED BY alice');
$b->query_safe('GRANT SELECT ON data TO alice');
my $pid_a = backend_pid($a);
start_query($a, q{SELECT al.train_model('contested', 'data', 'x', 'y') > 0});
wait_until_blocked($pid_a, 'alice\'s training during DROP OWNED BY alice');
$b->query_safe('COMMIT');
($out, $err) = finish_query($a);
is("$out|$err", 't|', 'the training goes on once the handle is gone');
is($node->safe_psql('postgres', qq{
	SELECT string_agg(version || ' ' || owner || ' ' || (handle::oid <> $old_handle), ',')
	FROM al.models WHERE name = 'contested'}),
	'1 alice true', 'as version 1 of a new model with a new handle, never a row without a handle');
$a->query_safe(q{SELECT al.drop_model('contested')});
$a->query_safe('RESET ROLE');

# a learner's round (al.run_learner, or the worker) trains "learner/<name>"
# through the same path: two rounds at once store consecutive versions;
# nobody can train that name with al.train_model (squatting, issue 8 item 4)
$node->safe_psql('postgres', q{
	CREATE TABLE pool AS SELECT id::bigint AS id, x, y AS truth FROM data;
	ALTER TABLE pool ADD PRIMARY KEY (id);
	SELECT al.create_learner('l', 'pool', 'id', 'x', ARRAY['0', '1', '2'], 'entropy',
	                         '{"retrain_every": 5}');
	SELECT al.label('l', id, truth) FROM pool WHERE id <= 30;
});
$a->query('SELECT al.train_model(\'learner/l\', \'data\', \'x\', \'y\')');
like($a->{stderr}, qr/ERROR:  42501: model name "learner\/l" is reserved for the models of learner "l"/,
	'al.train_model refuses a learner\'s model name');
$a->{stderr} = '';
$a->query_safe('BEGIN');
is($a->query_safe(q{SELECT al.run_learner('l')}), 'retrained', 'a round trains version 1');
# (and asks for another, so that the waiting round below has work once it runs)
$a->query_safe(q{SELECT al.retrain('l')});
start_query($b, q{SELECT al.run_learner('l')});
wait_until_blocked($pid_b, 'the second round');
$a->query_safe('COMMIT');
($out, $err) = finish_query($b);
is("$out|$err", 'retrained|', 'the second round waits for the first and retrains');
is($node->safe_psql('postgres', q{SELECT string_agg(version || ' ' || learner || ' ' || (handle IS NULL), ',' ORDER BY version) FROM al.models WHERE name = 'learner/l'}),
	'1 l true,2 l true', 'versions 1 and 2, both the learner\'s');
is($node->safe_psql('postgres', q{SELECT model_version FROM al.learners WHERE name = 'l'}),
	'2', 'and the second is published');

unlike(slurp_file($node->logfile), qr/duplicate key value/, 'never a duplicate-key error');

# ---- al.expected_error_reduction across sessions ----
# It is STABLE: it reads the table under the calling statement's snapshot,
# as it reads the model.  A row committed while the call waited for the
# table's lock is not read; the next statement reads it.
$node->safe_psql('postgres', q{
	CREATE TABLE epool AS SELECT id, x, CASE WHEN id <= 30 THEN y END AS y FROM data WHERE id <= 60;
	SELECT al.train_model('e', 'epool', 'x', 'y');
});
my $eer_sees_new = q{SELECT pg_catalog.count(*) FILTER (WHERE item_id = '1000') || ' of ' || pg_catalog.count(*)
	FROM al.expected_error_reduction('e', 'epool', 'id', 'x', 'y', '{"steps": 2}')};
$a->query_safe('BEGIN');
$a->query_safe(q{INSERT INTO epool VALUES (1000, ARRAY[0.5, 0.5]::real[], NULL)});
$a->query_safe('LOCK TABLE epool IN ACCESS EXCLUSIVE MODE');
start_query($b, $eer_sees_new);
wait_until_blocked($pid_b, 'expected_error_reduction');
$a->query_safe('COMMIT');
($out, $err) = finish_query($b);
is("$out|$err", '0 of 30|',
	'expected_error_reduction does not read a row committed after its statement began');
is($b->query_safe($eer_sees_new), '1 of 31', 'the next statement reads it');

# the table is locked before its columns are resolved: a feature column
# retyped while the call waits is a clean error
$a->query_safe('BEGIN');
$a->query_safe('ALTER TABLE epool DROP COLUMN x, ADD COLUMN x bigint DEFAULT 7');
start_query($b, $eer_sees_new);
wait_until_blocked($pid_b, 'expected_error_reduction of a table being altered');
$a->query_safe('COMMIT');
($out, $err) = finish_query($b);
like($err, qr/ERROR:  42804: feature column "x" must be real\[\], double precision\[\] or a type with a cast to real\[\], not bigint/,
	'expected_error_reduction checks the column under the lock: a clean error');

# the table is dropped while the call waits
$a->query_safe('BEGIN');
$a->query_safe('DROP TABLE epool');
start_query($b, $eer_sees_new);
wait_until_blocked($pid_b, 'expected_error_reduction of a table being dropped');
$a->query_safe('COMMIT');
($out, $err) = finish_query($b);
like($err, qr/ERROR:  42P01: relation with OID \d+ does not exist/,
	'expected_error_reduction: a clean error when the table is dropped meanwhile');
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server is up');
unlike(slurp_file($node->logfile), qr/terminated by signal/, 'no backend crashed');

$a->quit;
$b->quit;
$node->stop;
done_testing();
