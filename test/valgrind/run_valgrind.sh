#!/usr/bin/env bash
# make test-valgrind: run the whole pg_regress suite (test/sql) against a
# throwaway server that runs under valgrind memcheck, backends and parallel
# workers included (forked, so traced; --trace-children=yes also follows
# anything exec'd), then sort every error valgrind reports:
#   - al_ext errors: a frame of the error's stack, or of the origin of
#     uninitialised bytes, in al_ext's code (a source file under src/ of
#     this tree: al_ext.so has debug information; or al_ext.so itself).
#     Each is printed whole and the run fails.
#   - PostgreSQL's own (Debian's server is not built with USE_VALGRIND):
#     suppressed by test/valgrind/postgres.supp when known, else counted and
#     listed by their first frames, but they do not fail the run.
# Also fails when a regression test fails under valgrind.
#
# Environment: AL_DESTDIR (private install tree, as for make test),
# AL_TESTS="probvec topk" (only those regression files), VALGRIND_EXTRA
# (more valgrind options).  Slow: see README.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
source .ci/lib.sh

AL_EXTRA_PKGS="valgrind ${AL_EXTRA_PKGS:-}" bash .ci/install-deps.sh || exit 1
echo "== build and install"
build_and_install || exit 1

W=$(al_workdir valgrind)
port=$(al_free_port)
mkdir -p "$W/vg" "$W/in" "$W/out"
cp -r test/sql "$W/in/sql"
cp -r expected "$W/in/expected"
cp test/valgrind/postgres.supp "$W/postgres.supp"
[ "$(id -u)" -eq 0 ] && chown -R "$AL_PG_OSUSER" "$W"

echo "== initdb, then start the server under valgrind ($W)"
as_pg initdb -D "$W/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$W/initdb.log" 2>&1 || {
	cat "$W/initdb.log"; exit 1; }
{
	echo "listen_addresses = ''"
	echo "unix_socket_directories = '$W'"
	echo "port = $port"
	cat test/regress.conf
	# not al_ext's code, and slow under valgrind
	echo "autovacuum = off"
	echo "jit = off"
} | as_pg tee -a "$W/data/postgresql.conf" >/dev/null

# The server's own (Debian) binary, under memcheck.  No leak check: a
# backend frees nothing at exit, and al_ext allocates through palloc.
# shellcheck disable=SC2086
as_pg valgrind --tool=memcheck --trace-children=yes --leak-check=no \
	--num-callers=40 --error-limit=no --read-var-info=no --track-origins=yes \
	--fullpath-after= \
	--suppressions="$W/postgres.supp" \
	--error-markers=VALGRINDERROR-BEGIN,VALGRINDERROR-END \
	--log-file="$W/vg/%p.log" ${VALGRIND_EXTRA:-} \
	"$PGBIN/postgres" -D "$W/data" >"$W/server.log" 2>&1 &
for _ in $(seq 1 240); do
	as_pg "$PGBIN/pg_isready" -q -h "$W" -p "$port" && break
	sleep 1
done
as_pg "$PGBIN/pg_isready" -q -h "$W" -p "$port" || {
	echo "server did not start under valgrind"; tail -20 "$W/server.log"; exit 1; }

tests=${AL_TESTS:-$(ls test/sql/*.sql | xargs -n1 basename | sed 's/\.sql$//' | sort)}
echo "== pg_regress under valgrind: $(echo $tests | wc -w) files (slow)"
start=$(date +%s)
as_pg "$PG_REGRESS_BIN" --bindir="$PGBIN" --host="$W" --port="$port" \
	--inputdir="$W/in" --outputdir="$W/out" --load-extension=al_ext \
	--dbname=al_regression $tests >"$W/regress.log" 2>&1
regress_rc=$?
sed -n '/^test \|^     \|^ok \|^not ok /p' "$W/regress.log" | sed 's/^/  /'
echo "  ($(( $(date +%s) - start )) s)"
as_pg "$PGBIN/pg_ctl" -D "$W/data" -m fast -w -t 600 stop >/dev/null 2>&1
wait

echo "== valgrind errors"
perl test/valgrind/sort_errors.pl "$PWD/src/" "$W/vg"/*.log
vg_rc=$?
echo "  logs: $W/vg, server log: $W/server.log"
if [ "$regress_rc" -ne 0 ]; then
	echo "FAILED: regression tests failed under valgrind ($W/out/regression.diffs)"
fi
[ "$vg_rc" -eq 0 ] && [ "$regress_rc" -eq 0 ]
