#!/usr/bin/env bash
# Start (or stop) a throwaway three-node Citus cluster on loopback from the
# private tree that bench/citus/build.sh installed: a coordinator on port
# CITUS_PORT (9700) and workers on the next two ports, owned by the OS user
# postgres when run as root.  Every node gets citus and al_ext.
#
#   bash bench/citus/cluster.sh start|stop
set -euo pipefail
CITUS_PG=${CITUS_PG:-/tmp/citus-pg}
DIR=${CITUS_CLUSTER:-/tmp/citus-cluster}
PORT=${CITUS_PORT:-9700}
BIN=$CITUS_PG/usr/lib/postgresql/15/bin
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- env LC_ALL=C.UTF-8 "$@"; else env LC_ALL=C.UTF-8 "$@"; fi
}
nodes="c:$PORT w1:$((PORT + 1)) w2:$((PORT + 2))"

if [ "${1:-start}" = stop ]; then
	for n in $nodes; do
		as_pg "$BIN/pg_ctl" -D "$DIR/${n%%:*}" -m fast stop || true
	done
	exit 0
fi

mkdir -p "$DIR"; chmod 755 "$DIR"
[ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
for n in $nodes; do
	name=${n%%:*} port=${n##*:}
	if [ ! -f "$DIR/$name/PG_VERSION" ]; then
		as_pg "$BIN/initdb" -D "$DIR/$name" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
		cat >>"$DIR/$name/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
shared_preload_libraries = 'citus'
max_connections = 100
shared_buffers = 128MB
max_worker_processes = 16
fsync = off
CONF
	fi
	as_pg "$BIN/pg_ctl" -D "$DIR/$name" status >/dev/null ||
		as_pg "$BIN/pg_ctl" -D "$DIR/$name" -l "$DIR/$name.log" -w start >/dev/null
	# (once a worker is in the cluster, Citus refuses extension DDL there, even IF NOT EXISTS)
	as_pg "$BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -At -c \
		"SELECT 'CREATE EXTENSION ' || e || ';' FROM unnest(ARRAY['citus', 'al_ext']) e
		 WHERE NOT EXISTS (SELECT FROM pg_extension WHERE extname = e)" | \
		as_pg "$BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1
done
as_pg "$BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 <<SQL
SELECT citus_set_coordinator_host('127.0.0.1', $PORT);
SELECT citus_add_node('127.0.0.1', $((PORT + 1))) WHERE NOT EXISTS (SELECT FROM pg_dist_node WHERE nodeport = $((PORT + 1)));
SELECT citus_add_node('127.0.0.1', $((PORT + 2))) WHERE NOT EXISTS (SELECT FROM pg_dist_node WHERE nodeport = $((PORT + 2)));
SQL
as_pg "$BIN/psql" -X -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c \
	"SELECT citus_version(), (SELECT extversion FROM pg_extension WHERE extname = 'al_ext') AS al_ext; SELECT nodename, nodeport, noderole FROM pg_dist_node ORDER BY nodeport;"
