#!/usr/bin/env bash
# make bench: build and install al_ext, start a throwaway cluster, generate the
# deterministic data, time every query serial and with 2 parallel workers,
# run the numpy comparison, print the tables (also written to
# bench/results/latest.txt), stop the cluster.  See bench/README.md.
#
# Knobs (environment):
#   AL_DESTDIR=/tmp/x        install into a private server tree (.ci/lib.sh)
#   AL_BENCH_ROWS=1000000    rows of pool and committee
#   AL_BENCH_ROWS100=200000  rows of the 100-class pool
#   AL_BENCH_MEMBERS=5       committee members
#   AL_BENCH_FEATURES=64     features per row (expected gradient length)
#   AL_BENCH_CASES="2 14"    run only these cases (ids of bench/bench.sql)
#   AL_BENCH_SHARED_BUFFERS=3GB
#   AL_BENCH_KEEP=1          leave the cluster running and its directory
#   AL_BENCH_EXTRA_SQL=file  development only: SQL run after CREATE EXTENSION
#                            (e.g. stand-ins); the report then says so
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

ROWS=${AL_BENCH_ROWS:-1000000}
ROWS100=${AL_BENCH_ROWS100:-200000}
MEMBERS=${AL_BENCH_MEMBERS:-5}
FEATURES=${AL_BENCH_FEATURES:-64}
SHARED_BUFFERS=${AL_BENCH_SHARED_BUFFERS:-3GB}
PY=/usr/bin/python3
RESULTS=bench/results
START=$(date +%s)

say() { echo "$@" >&2; }

say "== dependencies (Debian packages)"
if ! AL_EXTRA_PKGS="python3-numpy python3-psycopg2" bash .ci/install-deps.sh; then
	say "  could not install python3-numpy/python3-psycopg2; trying without them"
	bash .ci/install-deps.sh
fi

say "== build and install al_ext"
build_and_install
mkdir -p build/bench "$RESULTS"
${CC:-gcc} -O2 -Wall -Wextra -o build/bench/gen_data bench/gen_data.c -lm

W=$(al_workdir bench)
PORT=$(al_free_port)
cleanup() {
	if [ -n "${AL_BENCH_KEEP:-}" ]; then
		say "cluster left running: psql -h $W -p $PORT -U postgres postgres   (stop: pg_ctl -D $W/data stop)"
	else
		cluster_stop "$W"
		rm -rf "$W"
	fi
}
trap cleanup EXIT

say "== throwaway cluster in $W (port $PORT)"
cluster_start "$W" "$PORT" \
	"shared_buffers = $SHARED_BUFFERS" \
	"work_mem = '256MB'" \
	"maintenance_work_mem = '1GB'" \
	"jit = off" \
	"autovacuum = off" \
	"max_worker_processes = 8" \
	"max_parallel_workers = 8" \
	"max_parallel_workers_per_gather = 0" \
	"max_wal_size = '8GB'" \
	"checkpoint_timeout = '1h'" \
	"wal_level = minimal" \
	"max_wal_senders = 0"

psql_() { cluster_psql "$W" "$PORT" -d postgres "$@"; }

psql_ -c "CREATE EXTENSION al_ext" -c "CREATE EXTENSION pg_prewarm"
STANDINS=""
if [ -n "${AL_BENCH_EXTRA_SQL:-}" ]; then
	say "  loading $AL_BENCH_EXTRA_SQL (development stand-ins: NOT al_ext's numbers)"
	psql_ <"$AL_BENCH_EXTRA_SQL"
	STANDINS=$AL_BENCH_EXTRA_SQL
fi
psql_ <bench/bench.sql >/dev/null

say "== data: pool $ROWS x 10, committee $ROWS x $MEMBERS members x 10 + $FEATURES features, pool100 $ROWS100 x 100"
T0=$(date +%s)
psql_ <bench/data.sql
PV_OID=$(psql_ -At -c "SELECT 'al.probvec'::regtype::oid")
build/bench/gen_data pool "$ROWS" 10 1 | psql_ -c "COPY pool FROM STDIN (FORMAT binary)"
build/bench/gen_data committee "$ROWS" 10 "$MEMBERS" "$FEATURES" 1 "$PV_OID" |
	psql_ -c "COPY committee FROM STDIN (FORMAT binary)"
build/bench/gen_data pool "$ROWS100" 100 2 | psql_ -c "COPY pool100 FROM STDIN (FORMAT binary)"
psql_ <bench/derive.sql
T1=$(date +%s)
DATA_SECS=$((T1 - T0))
say "  data ready in ${DATA_SECS} s"

say "== timings (median of 5 runs, 3 if a run takes > 1.5 s; serial, then 2 workers)"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
CASES=${AL_BENCH_CASES:-$(psql_ -At -c "SELECT id FROM bench.cases WHERE section <> 'numpy' ORDER BY id")}
for id in $CASES; do
	[ "$id" -ge 90 ] && continue
	for w in 0 2; do
		psql_ -At -c "CALL bench.measure($id, $w)" -c "SELECT bench.progress($id, $w)" >&2
	done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

say "== numpy"
if [ -n "${AL_BENCH_CASES:-}" ] && [[ " $AL_BENCH_CASES " != *" 92 "* ]]; then
	say "  (not selected)"
elif "$PY" -c 'import numpy, psycopg2' 2>/dev/null; then
	"$PY" bench/numpy_bench.py "$W" "$PORT" || say "  numpy comparison failed"
else
	say "  skipped: $PY lacks numpy or psycopg2"
	psql_ -c "INSERT INTO bench.results (case_id, workers, status)
	          SELECT id, 0, 'skipped: $PY lacks numpy or psycopg2' FROM bench.cases WHERE section = 'numpy'"
fi

say "== consistency checks"
if [ -z "${AL_BENCH_CASES:-}" ]; then
	psql_ <bench/checks.sql || say "  checks failed"
fi

END=$(date +%s)
OUT=$RESULTS/latest.txt
{
	echo "al_ext benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "commit $(git rev-parse --short HEAD) ($(git rev-parse --abbrev-ref HEAD))$(git diff --quiet HEAD -- src sql || echo ', with uncommitted changes in src/ or sql/')"
	if [ -n "$STANDINS" ]; then
		echo "*** DEVELOPMENT RUN WITH STAND-INS FROM $STANDINS: these are not al_ext's numbers ***"
	fi
	psql_ -At -c "SELECT version()"
	echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; load average before timings $LOAD_BEFORE, after $LOAD_AFTER"
	echo "server: shared_buffers=$SHARED_BUFFERS work_mem=256MB jit=off autovacuum=off; serial = max_parallel_workers_per_gather 0,"
	echo "        2 workers = max_parallel_workers_per_gather 2 (\"launched\" = workers really launched; \"serial plan\" = the"
	echo "        planner chose no parallel plan, the serial times stand for both); max() rows are timed serial only"
	echo "timing: inside the server, plpgsql EXECUTE between clock_timestamp() calls, warm cache, 1 warm-up run"
	echo "        then the median of 5 runs (3 when a run takes > 1.5 s); spread = (max - min) / median of the serial runs;"
	echo "        x scan = median / median of the reference scan timed alternately with the case (same parallelism)"
	echo "data (bench/gen_data.c, generated + loaded + derived in ${DATA_SECS} s):"
	psql_ -At -F ': ' -c "SELECT key, value FROM bench.info ORDER BY key" | sed 's/^/  /'
	psql_ <bench/report.sql
	echo "total time of make bench: $((END - START)) s"
} | tee "$OUT"
say "written to $OUT"
