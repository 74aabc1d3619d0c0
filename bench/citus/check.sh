#!/usr/bin/env bash
# The Citus check: start the three-node cluster (cluster.sh), run
# check_partitions.sql, check_aggregates.sql, check_learner.sql,
# check_rescore.sql, check_ranking_rows.sql, check_views.sql and
# check_families.sql on the
# coordinator, and list
# the queries the workers received for the learners (their logs), into
# bench/citus/results.txt (appended: one dated section a run).  Needs
# bench/citus/build.sh first.  Not part of
# `make test`.
set -uo pipefail
cd "$(dirname "$0")"
CITUS_PG=${CITUS_PG:-/tmp/citus-pg}
DIR=${CITUS_CLUSTER:-/tmp/citus-cluster}
PORT=${CITUS_PORT:-9700}
OUT=${CITUS_RESULTS:-results.txt}
psql_c() {
	local cmd=("$CITUS_PG/usr/lib/postgresql/15/bin/psql" -X -h 127.0.0.1 -p "$PORT" -U postgres -d postgres "$@")
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- env LC_ALL=C.UTF-8 "${cmd[@]}"; else "${cmd[@]}"; fi
}
bash cluster.sh start >/dev/null || exit 1
{
	echo "# Citus check, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
	psql_c -At -c "SELECT citus_version()"
	psql_c -At -c "SELECT 'al_ext ' || extversion FROM pg_extension WHERE extname = 'al_ext'"
	echo "al_ext checkout: $(git log -1 --format='%h %s' 2>/dev/null | cut -c1-100)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
	psql_c -At -c "SELECT count(*) || ' nodes: ' || string_agg(nodeport::text, ', ' ORDER BY nodeport) FROM pg_dist_node"
	echo
	echo "## 0. the extension and al.scores' per-learner partitions (check_partitions.sql)"
	psql_c -f check_partitions.sql 2>&1
	echo
	echo "## 1. aggregates (check_aggregates.sql)"
	psql_c -f check_aggregates.sql 2>&1
	echo
	echo "## 2 and 3. a learner over a distributed pool; scoring on the workers (check_learner.sql)"
	for n in 1 2; do
		: >"$DIR/w$n.log.mark"
		wc -c <"$DIR/w$n.log" >"$DIR/w$n.log.mark"
	done
	psql_c -q -c "SELECT run_command_on_workers(\$\$ALTER SYSTEM SET log_statement = 'all'\$\$), run_command_on_workers('SELECT pg_reload_conf()')" >/dev/null
	psql_c -f check_learner.sql 2>&1
	echo
	echo "## 2d. option rescore_sample on a distributed pool (check_rescore.sql)"
	psql_c -f check_rescore.sql 2>&1 | grep -av 'DEBUG:  \(Plan [0-9]* query\|push down\|recursively planning\|Wrapping relation\|generating subplan\)'
	echo
	echo "## 2e. option ranking_rows on a distributed pool (check_ranking_rows.sql)"
	psql_c -f check_ranking_rows.sql 2>&1 | grep -av 'DEBUG:  \(Plan [0-9]* query\|push down\|recursively planning\|Wrapping relation\|generating subplan\)'
	echo
	echo "## 2c. score_in \"auto\" over a view of the distributed pool (check_views.sql)"
	psql_c -f check_views.sql 2>&1 | grep -av 'DEBUG:  \(Plan [0-9]* query\|push down\|recursively planning\|Creating router\|Plan is router\|query has a single\|Distributed planning\|assigned task\|generating subplan\|join\)'
	echo
	echo "## 3b. ovr and ridge models by value on the workers (check_families.sql)"
	psql_c -f check_families.sql 2>&1
	psql_c -q -c "SELECT run_command_on_workers('ALTER SYSTEM RESET log_statement'), run_command_on_workers('SELECT pg_reload_conf()')" >/dev/null
	echo
	echo "## what the workers received during check_learner.sql, check_rescore.sql, check_ranking_rows.sql, check_views.sql and check_families.sql (shard numbers as N, constants elided, counts)"
	for n in 1 2; do
		tail -c +"$(( $(cat "$DIR/w$n.log.mark") + 1 ))" "$DIR/w$n.log"
	done | grep -aoE '(execute [^:]*|statement): .*pool_[0-9]+.*' \
		| sed -E "s/^(execute [^:]*|statement): //; s/pool_[0-9]+/pool_N/g; s/'\\\\x[0-9a-f]+'/'\\\\x...'/g; s/\(([0-9]+(, )?)+\)/(...)/g; s/ARRAY\[[^]]*\]/ARRAY[...]/g; s/'\{[^}]*\}'/'{...}'/g" \
		| cut -c1-300 | sort | uniq -c | sort -rn
} >>"$OUT"
echo "results in $(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
