# Sharded pools without Citus: a coordinator and two shards on loopback TCP,
# a pool partitioned (declaratively) over two postgres_fdw foreign tables.
# 1. al_ext's immutable scores are shipped to the shards when the server
#    lists al_ext in its `extensions` option (Remote SQL in EXPLAIN VERBOSE),
#    and not without it;
# 2. a two-level top-k (al.top_k_state pushed down to each shard, the states
#    merged by al.top_k_merge on the coordinator) equals al.top_k and the
#    array_agg oracle over a local copy of the rows, for bigint ids and text
#    ids (default and ICU collations), k = 1, 10, 1000, with ties, NULL and
#    NaN scores;
# 3. a learner over the sharded pool ranks, leases and labels exactly as a
#    learner with the same options over the local copy.
# The local copy is generated on the coordinator from the same formulas,
# independently of the shards.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# the rows, from their id alone: ties (40 distinct scores), ~3% NULL and
# ~2% NaN scores, -0 and +0, text ids in mixed case with ties between
# shards, features in three clusters (class = id % 3)
my $rows_sql = q{
SELECT i::bigint AS id,
	CASE WHEN h % 3 = 0 THEN upper(substr(md5(i::text), 1, 6)) ELSE substr(md5(i::text), 1, 6) END AS tid,
	al.softmax(ARRAY[(h % 97) / 30.0, (h % 89) / 30.0, (h % 83) / 30.0]::double precision[]) AS p,
	ARRAY[(i % 3) + ((h % 1000) / 1250.0), ((i / 3) % 3) - ((h % 701) / 900.0), (h % 503) / 503.0]::real[] AS x,
	(ARRAY['a', 'b', 'c'])[i % 3 + 1] AS truth,
	CASE WHEN h % 33 = 0 THEN NULL
		WHEN h % 50 = 1 THEN 'NaN'::float8
		WHEN h % 50 = 2 THEN '-0'::float8
		ELSE ((h / 50) % 40)::float8 / 8 END AS score
FROM (SELECT i, hashint8(i) & 2147483647 AS h FROM generate_series(1, 4000) i) g
};
my $columns = q{(id bigint NOT NULL, tid text, p al.probvec, x real[], truth text, score double precision)};

# the shards: rows 1-2000 and 2001-4000; ICU text ids in a second column
my %shard;
for my $n (1, 2)
{
	my $node = PostgreSQL::Test::Cluster->new("shard$n");
	$node->init;
	$node->append_conf('postgresql.conf', "listen_addresses = '127.0.0.1'");
	$node->start;
	my ($lo, $hi) = $n == 1 ? (1, 2000) : (2001, 4000);
	$node->safe_psql('postgres', qq{
		CREATE EXTENSION al_ext;
		CREATE TABLE items $columns;
		INSERT INTO items SELECT * FROM ($rows_sql) r WHERE id BETWEEN $lo AND $hi;
		ALTER TABLE items ADD PRIMARY KEY (id), ADD COLUMN tid_icu text COLLATE "en-x-icu";
		UPDATE items SET tid_icu = tid;
		ANALYZE items;
	});
	$shard{$n} = $node;
}

my $coord = PostgreSQL::Test::Cluster->new('coordinator');
$coord->init;
$coord->start;
my $user = $coord->safe_psql('postgres', 'SELECT current_user');
my $setup = qq{
	CREATE EXTENSION al_ext;
	CREATE EXTENSION postgres_fdw;
	CREATE TABLE pool $columns PARTITION BY RANGE (id);
	CREATE TABLE pool_local AS $rows_sql;
	ALTER TABLE pool_local ADD PRIMARY KEY (id), ADD COLUMN tid_icu text COLLATE "en-x-icu";
	UPDATE pool_local SET tid_icu = tid;
	ANALYZE pool_local;
};
for my $n (1, 2)
{
	my ($port, $range) = ($shard{$n}->port, $n == 1 ? 'FOR VALUES FROM (1) TO (2001)' : 'FOR VALUES FROM (2001) TO (MAXVALUE)');
	$setup .= qq{
	CREATE SERVER shard$n FOREIGN DATA WRAPPER postgres_fdw
		OPTIONS (host '127.0.0.1', port '$port', dbname 'postgres', extensions 'al_ext');
	CREATE USER MAPPING FOR CURRENT_USER SERVER shard$n OPTIONS (user '$user');
	CREATE FOREIGN TABLE pool_s$n PARTITION OF pool $range
		SERVER shard$n OPTIONS (schema_name 'public', table_name 'items');
	-- the ICU text ids, for the two-level top-k
	CREATE FOREIGN TABLE icu_s$n (id bigint, tid_icu text COLLATE "en-x-icu", score double precision)
		SERVER shard$n OPTIONS (schema_name 'public', table_name 'items');
	-- the same shard through a server that does not list al_ext
	CREATE SERVER plain$n FOREIGN DATA WRAPPER postgres_fdw
		OPTIONS (host '127.0.0.1', port '$port', dbname 'postgres');
	CREATE USER MAPPING FOR CURRENT_USER SERVER plain$n OPTIONS (user '$user');
	CREATE FOREIGN TABLE plain_s$n $columns SERVER plain$n OPTIONS (schema_name 'public', table_name 'items');
	};
}
$coord->safe_psql('postgres', $setup);

is($coord->safe_psql('postgres', q{
	SELECT count(*), count(*) FILTER (WHERE score IS NULL) > 50, count(*) FILTER (WHERE score = 'NaN') > 40,
		count(DISTINCT score) FROM pool}),
	'4000|t|t|41', 'the sharded pool holds the 4,000 rows, with NULL and NaN scores and ties');
is($coord->safe_psql('postgres', q{
	SELECT count(*) FROM (SELECT id, tid, p::text, x, truth, score FROM pool
		EXCEPT SELECT id, tid, p::text, x, truth, score FROM pool_local) d}),
	'0', 'the shards hold the rows of the local copy (generated independently)');

# 1. scores shipped to the shards: in WHERE and ORDER BY (a scan's target
# list ships columns only: expressions there are computed locally, unless
# inside an aggregate that is pushed down, see 2.)
my $plan = $coord->safe_psql('postgres', q{
	EXPLAIN (VERBOSE, COSTS OFF)
	SELECT id, al.entropy(p) FROM pool WHERE al.margin_confidence(p) > 0.9});
my @remote = grep { /Remote SQL:/ } split /\n/, $plan;
is(scalar(@remote), 2, 'one remote query per shard');
is(scalar(grep { /SELECT id, p FROM public\.items WHERE \(\(al\.margin_confidence\(p\) > 0\.9/ } @remote),
	2, 'both shards filter on al.margin_confidence')
  or diag($plan);
unlike($plan, qr/^\s*Filter:/m, 'no filter left on the coordinator');
$plan = $coord->safe_psql('postgres', q{
	EXPLAIN (VERBOSE, COSTS OFF)
	SELECT id FROM pool ORDER BY al.entropy(p) DESC, id LIMIT 10});
note($plan);
is(scalar(grep { /Remote SQL: SELECT id, p FROM public\.items ORDER BY al\.entropy\(p\) DESC NULLS FIRST, id ASC NULLS LAST/ }
		split /\n/, $plan),
	2, 'both shards sort by al.entropy (merged on the coordinator)')
  or diag($plan);
is($coord->safe_psql('postgres', q{
	SELECT (SELECT array_agg(id) FROM (SELECT id FROM pool ORDER BY al.entropy(p) DESC, id LIMIT 10) a)
		= (SELECT array_agg(id) FROM (SELECT id FROM pool_local ORDER BY al.entropy(p) DESC, id LIMIT 10) b)}),
	't', 'the shards\' sorted rows merge into the local order');
$plan = $coord->safe_psql('postgres', q{
	EXPLAIN (VERBOSE, COSTS OFF)
	SELECT id, al.entropy(p) FROM plain_s1 WHERE al.margin_confidence(p) > 0.9});
like($plan, qr/Filter: \(al\.margin_confidence\(plain_s1\.p\) > '0\.9'/,
	'without the extensions option the coordinator filters itself');
unlike($plan, qr/Remote SQL:.*al\./, 'and nothing of al_ext is shipped');
is($coord->safe_psql('postgres', q{
	SELECT (SELECT array_agg(ARRAY[id, al.entropy(p)] ORDER BY id) FROM pool WHERE al.margin_confidence(p) > 0.9)
		= (SELECT array_agg(ARRAY[id, al.entropy(p)] ORDER BY id) FROM pool_local WHERE al.margin_confidence(p) > 0.9),
		(SELECT count(*) FROM pool WHERE al.margin_confidence(p) > 0.9)}) =~ /^t\|(\d+)$/ && $1 > 100 ? 'ok' : 'no',
	'ok', 'scores computed on the shards equal the local ones');

# 2. two-level top-k: per-shard states merged on the coordinator
sub two_level
{
	my ($id, $k, $final, $shard_table) = @_;
	return qq{
	SELECT al.$final(al.top_k_merge(s)) FROM (
		SELECT al.top_k_state($id, score, $k) AS s FROM ${shard_table}1
		UNION ALL
		SELECT al.top_k_state($id, score, $k) FROM ${shard_table}2) t};
}
$plan = $coord->safe_psql('postgres', 'EXPLAIN (VERBOSE, COSTS OFF) ' . two_level('id', 10, 'top_k_final_bigint', 'pool_s'));
is(scalar(grep { /Remote SQL: SELECT al\.top_k_state\(id, score, 10\) FROM public\.items/ } split /\n/, $plan),
	2, 'the state aggregate runs on each shard') or diag($plan);
my $entropy_top = q{
	SELECT al.top_k_final_bigint(al.top_k_merge(s)) FROM (
		SELECT al.top_k_state(id, al.entropy(p), 100) AS s FROM pool_s1
		UNION ALL SELECT al.top_k_state(id, al.entropy(p), 100) FROM pool_s2) t};
$plan = $coord->safe_psql('postgres', "EXPLAIN (VERBOSE, COSTS OFF) $entropy_top");
note($plan);
is(scalar(grep { /Remote SQL: SELECT al\.top_k_state\(id, al\.entropy\(p\), 100\) FROM public\.items/ } split /\n/, $plan),
	2, 'the shards score their rows with al.entropy and keep their 100 best') or diag($plan);
is($coord->safe_psql('postgres', qq{
	SELECT ($entropy_top) = (SELECT al.top_k(id, al.entropy(p), 100) FROM pool_local)}),
	't', 'the merged entropy top-100 equals the local one');
for my $k (1, 10, 1000)
{
	for my $case (['id', 'top_k_final_bigint', 'pool_s', 'id', 'bigint'],
		['tid', 'top_k_final_text', 'pool_s', 'tid', 'text (default collation)'],
		['tid_icu', 'top_k_final_text', 'icu_s', 'tid_icu', 'text (en-x-icu)'])
	{
		my ($id, $final, $table, $local_id, $what) = @$case;
		my $sql = two_level($id, $k, $final, $table);
		is($coord->safe_psql('postgres', qq{
			SELECT ($sql) = (SELECT al.top_k($local_id, score, $k) FROM pool_local),
				($sql) = (SELECT (array_agg($local_id ORDER BY score DESC, $local_id)
								  FILTER (WHERE score IS NOT NULL))[1:$k] FROM pool_local),
				cardinality(($sql))}),
			"t|t|$k", "two-level top-k over $what ids, k = $k, equals the local run and the oracle");
	}
}
like($coord->safe_psql('postgres', q{
	SELECT al.top_k_state(tid_icu, score, 2)::text FROM icu_s1}),
	qr/^text k=2 collation=\("pg_catalog","en-x-icu"\) \[\(NaN,/,
	'a shard state names its collation and travels as text');
is($coord->safe_psql('postgres', q{
	SELECT (SELECT al.top_k(tid, score, 1000) FROM pool) = (SELECT al.top_k(tid, score, 1000) FROM pool_local)}),
	't', 'al.top_k over the partitioned table (rows fetched) equals the local run too');
my ($rc, $out, $err) = $coord->psql('postgres', q{
	SELECT al.top_k_merge(s) FROM (SELECT al.top_k_state(tid, score, 5) AS s FROM pool_s1
		UNION ALL SELECT al.top_k_state(tid_icu, score, 5) FROM icu_s2) t});
like($err, qr/cannot combine top_k states of different collations/,
	'states of different collations from two shards are refused');

# 3. a learner over the sharded pool and one over the local copy, with the
# same options and labels: the same rankings, batches and errors
$coord->safe_psql('postgres', q{
	SELECT al.create_learner('sharded', 'pool', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
		'{"batch_size": 5, "retrain_every": 50, "seed": 7}');
	SELECT al.create_learner('local', 'pool_local', 'id', 'x', ARRAY['a', 'b', 'c'], 'entropy',
		'{"batch_size": 5, "retrain_every": 50, "seed": 7}');
	CREATE ROLE ann1;
	CREATE ROLE ann2;
});
sub batch
{
	my ($learner, $annotator) = @_;
	return $coord->safe_psql('postgres',
		qq{SELECT string_agg(item_id || ':' || coalesce(score::text, '-'), ',') FROM al.next_batch('$learner', 5, '$annotator')});
}
my $first = batch('sharded', 'ann1');
is($first, batch('local', 'ann1'), 'before any model, the seeded sample is the same');
is(scalar(split /,/, $first), 5, 'five items handed out');
# label 60 items spread over both shards, in both learners
my $labels = $coord->safe_psql('postgres', q{
	SELECT jsonb_agg(jsonb_build_object('item', id, 'label', truth, 'annotator', 'ann1'))
	FROM pool_local WHERE id % 67 = 5});
for my $l ('sharded', 'local')
{
	$coord->safe_psql('postgres', qq{SELECT al.label_many('$l', '$labels')});
	is($coord->safe_psql('postgres', qq{SELECT al.run_learner('$l')}), 'retrained', "learner $l retrained");
}
sub ranking
{
	my ($learner) = @_;
	return $coord->safe_psql('postgres', qq{
		SELECT count(*), md5(string_agg(s.item_id || ':' || float8send(s.score)::text || ':' || s.predicted || ':'
			|| coalesce(s.rank::text, '-'), ',' ORDER BY s.score DESC, s.item_id))
		FROM al.scores s JOIN al.learners l ON l.id = s.learner_id WHERE l.name = '$learner'});
}
my $ranking = ranking('sharded');
like($ranking, qr/^39\d\d\|/, 'the sharded learner ranked the unlabeled pool');
is($ranking, ranking('local'), 'its ranking (items, bit-exact scores, predictions) equals the local learner\'s');
my ($b1, $b2) = (batch('sharded', 'ann1'), batch('sharded', 'ann2'));
is($b1, batch('local', 'ann1'), 'annotator 1 gets the same batch from both learners');
is($b2, batch('local', 'ann2'), 'annotator 2 too');
my %seen;
$seen{ (split /:/)[0] }++ for split(/,/, $b1), split(/,/, $b2);
is(scalar(keys %seen), 10, 'the two annotators hold ten different items');
is($coord->safe_psql('postgres', q{
	SELECT string_agg(item_id, ',' ORDER BY score DESC, item_id) FROM (
		SELECT s.item_id, s.score FROM al.scores s JOIN al.learners l ON l.id = s.learner_id
		WHERE l.name = 'sharded' ORDER BY s.score DESC, s.item_id LIMIT 10) t}),
	join(',', map { (split /:/)[0] } split(/,/, $b1), split(/,/, $b2)),
	'and they are the ten best of the ranking, in order');
my @held = map { (split /:/)[0] } split /,/, $b1;
$coord->safe_psql('postgres', qq{
	SELECT al.label('sharded', $held[0]::bigint, 'a', 'ann1'), al.label('local', $held[0]::bigint, 'a', 'ann1')});
is($coord->safe_psql('postgres', q{
	SELECT count(*) FROM al.labels lb JOIN al.learners l ON l.id = lb.learner_id WHERE l.name = 'sharded'}),
	'61', 'a label on an item of a shard is recorded');
for my $l ('sharded', 'local')
{
	($rc, $out, $err) = $coord->psql('postgres', qq{SELECT al.label('$l', 4001::bigint, 'a')});
	like($err, qr/item "4001" is not in the pool of learner "$l"/, "$l: an item in no shard is refused");
}
$coord->safe_psql('postgres', q{SELECT al.retrain('sharded'), al.retrain('local')});
is($coord->safe_psql('postgres', q{SELECT al.run_learner('sharded') || ',' || al.run_learner('local')}),
	'retrained,retrained', 'a second round on both learners');
is(ranking('sharded'), ranking('local'), 'after the second round the rankings are still equal');

# a shard does not enforce its partition's bounds: an id that two shards
# hold is a repeated id of the pool, found by the round's check
$shard{2}->safe_psql('postgres', q{INSERT INTO items SELECT 5, tid, p, x, truth, score FROM items WHERE id = 2001});
$coord->safe_psql('postgres', q{SELECT al.retrain('sharded')});
($rc, $out, $err) = $coord->psql('postgres', q{SELECT al.run_learner('sharded')},
	extra_params => [ '-v', 'VERBOSITY=verbose' ]);
like($err, qr/ERROR:  23505: the pool of learner "sharded" holds item id "5" more than once/,
	'an id held by two shards is refused (23505)');
$shard{2}->safe_psql('postgres', q{DELETE FROM items WHERE id = 5});
is($coord->safe_psql('postgres', q{SELECT al.run_learner('sharded')}), 'retrained', 'and the round runs again once it is gone');

# 4. the README's example ("Sharded pools with postgres_fdw"), as written
# but for the shards' addresses and the credentials, in fresh databases
my $readme = slurp_file("$ENV{AL_REPO}/README.md");
ok($readme =~ /^### Sharded pools with postgres_fdw\n.*?^```sql fdw\n(.*?)^```/ms, 'README.md has the example');
my ($on_shard, $on_coord) = split /^-- on the coordinator\n/m, $1;
for my $n (1, 2)
{
	my $port = $shard{$n}->port;
	$on_coord =~ s/host 'shard$n\.internal', port '5432', dbname 'app'/host '127.0.0.1', port '$port', dbname 'readme'/;
	$shard{$n}->safe_psql('postgres', 'CREATE DATABASE readme');
	$shard{$n}->safe_psql('readme', $on_shard);
	$shard{$n}->safe_psql('readme', qq{
		INSERT INTO items SELECT id + ($n - 1) * 1000000, p, x FROM ($rows_sql) r WHERE id % 2 = $n - 1});
}
$on_coord =~ s/FOR app_owner SERVER/FOR CURRENT_USER SERVER/g;
$on_coord =~ s/OPTIONS \(user 'app_reader', password '...'\)/OPTIONS (user '$user')/g;
unlike($on_coord, qr/internal|app_/, 'every address and credential was put in');
$coord->safe_psql('postgres', 'CREATE DATABASE readme');
($rc, $out, $err) = $coord->psql('readme', $on_coord, on_error_stop => 1);
ok($rc == 0 && $err !~ /ERROR|WARNING/, 'the example runs on the coordinator') or diag($err);
# the plan lines its comments show are in the plans (the example explains
# its first query; the two-level one is explained here)
$out .= $coord->safe_psql('readme', q{EXPLAIN (VERBOSE)
	SELECT al.top_k_final_bigint(al.top_k_merge(s)) FROM (
		SELECT al.top_k_state(id, al.entropy(p), 100) AS s FROM pool_s1
		UNION ALL SELECT al.top_k_state(id, al.entropy(p), 100) FROM pool_s2) t});
for my $remote ($on_coord =~ /^--\s+(Remote SQL: .*?)(?:\s{2,}\(.*\))?$/mg)
{
	ok(index($out, $remote) >= 0, "the example's plan shows \"$remote\"") or diag($out);
}
is($coord->safe_psql('readme', q{
	SELECT (SELECT al.top_k_final_bigint(al.top_k_merge(s)) FROM (
		SELECT al.top_k_state(id, al.entropy(p), 100) AS s FROM pool_s1
		UNION ALL SELECT al.top_k_state(id, al.entropy(p), 100) FROM pool_s2) t)
		= (SELECT (array_agg(id ORDER BY al.entropy(p) DESC, id))[1:100] FROM pool),
		(SELECT count(*) FROM pool)}),
	't|4000', 'the example\'s two-level top-k equals the oracle over its rows');

done_testing();
