# al_ext preloaded into the postmaster: the server starts, the postmaster
# stays single-threaded without OpenBLAS mapped, the al_ext.* GUC prefix is
# reserved, and the extension works in every backend, parallel workers too.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('preload');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'al_ext'
max_parallel_workers_per_gather = 2
parallel_setup_cost = 0
parallel_tuple_cost = 0
min_parallel_table_scan_size = 0
});
$node->start;

# the postmaster's pid is the first line of postmaster.pid
my ($pm_pid) = split /\n/, slurp_file($node->data_dir . '/postmaster.pid');
like(slurp_file("/proc/$pm_pid/status"), qr/^Threads:\s+1$/m,
	'postmaster has one thread after loading al_ext');
unlike(slurp_file("/proc/$pm_pid/maps"), qr/openblas/,
	'postmaster has not loaded OpenBLAS');

$node->safe_psql('postgres', 'CREATE EXTENSION al_ext');
is($node->safe_psql('postgres', q{SELECT '[0.25,0.75]'::al.probvec}),
	'[0.25,0.75]', 'probvec works with the library preloaded');

my ($ret, $out, $err) = $node->psql('postgres', 'SET al_ext.no_such_setting = 1');
isnt($ret, 0, 'unknown al_ext.* setting is refused');
like($err, qr/invalid configuration parameter name "al_ext.no_such_setting"/,
	'the al_ext prefix is reserved');

# a parallel scan evaluates probvec input and output in the workers
$node->safe_psql('postgres', q{
	CREATE TABLE t AS
	SELECT i, ('[' || (i % 4) / 4.0 || ',' || 1 - (i % 4) / 4.0 || ']')::al.probvec AS p
	FROM generate_series(1, 100000) i;
	ALTER TABLE t SET (parallel_workers = 2);
	ANALYZE t;
});
like($node->safe_psql('postgres',
		'EXPLAIN (COSTS OFF) SELECT count(*) FROM t WHERE p::text LIKE $$[0.25%$$'),
	qr/Parallel Seq Scan/, 'plan is parallel');
is($node->safe_psql('postgres', 'SELECT count(*) FROM t WHERE p::text LIKE $$[0.25%$$'),
	'25000', 'parallel workers read probvecs');

# the server restarts cleanly with the library preloaded
$node->restart;
is($node->safe_psql('postgres', q{SELECT '[1]'::al.probvec}), '[1]', 'works after restart');

$node->stop;
done_testing();
