# Shared helpers for test/run_tests.sh, demo/run_demo.sh and bench/run_bench.sh.
# Source it from the repository root.

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGXS_DIR=${PGXS_DIR:-/usr/lib/postgresql/15/lib/pgxs}
PG_REGRESS_BIN=$PGXS_DIR/src/test/regress/pg_regress
PG_TAP_LIB=$PGXS_DIR/src/test/perl
MAKE=${MAKE:-make}

# The OS user that owns throwaway clusters: initdb refuses root, so root uses
# the 'postgres' account that Debian's server package creates.
if [ "$(id -u)" -eq 0 ]; then
	AL_PG_OSUSER=postgres
else
	AL_PG_OSUSER=$(id -un)
fi

# Run a command as the cluster's OS user, keeping PATH and a few variables.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$AL_PG_OSUSER" -- env PATH="$PGBIN:$PATH" LC_ALL=C.UTF-8 "$@"
	else
		env PATH="$PGBIN:$PATH" LC_ALL=C.UTF-8 "$@"
	fi
}

# A fresh scratch directory the cluster's OS user can write; prints its path.
al_workdir() {
	local d
	d=$(mktemp -d "/tmp/al_ext.$1.XXXXXX")
	chmod 755 "$d"
	[ "$(id -u)" -eq 0 ] && chown "$AL_PG_OSUSER" "$d"
	echo "$d"
}

# AL_DESTDIR=/some/dir: install al_ext into a private copy of the server tree
# there instead of the system directories (PostgreSQL finds its share and lib
# directories relative to its binaries, so the copy is self-contained).  Lets
# a non-root developer, or several work trees at once, test side by side.
if [ -n "${AL_DESTDIR:-}" ]; then
	PGBIN=$AL_DESTDIR/usr/lib/postgresql/15/bin
	PG_REGRESS_BIN=$AL_DESTDIR/usr/lib/postgresql/15/lib/pgxs/src/test/regress/pg_regress
fi

al_private_tree() {
	[ -x "$AL_DESTDIR/usr/lib/postgresql/15/bin/postgres" ] && return 0
	mkdir -p "$AL_DESTDIR/usr/lib/postgresql" "$AL_DESTDIR/usr/share/postgresql"
	cp -a /usr/lib/postgresql/15 "$AL_DESTDIR/usr/lib/postgresql/"
	cp -a /usr/share/postgresql/15 "$AL_DESTDIR/usr/share/postgresql/"
	chmod 755 "$AL_DESTDIR"
}

# Build with -Wall -Wextra -Werror and install into the server's directories
# (or into the private tree of AL_DESTDIR).
build_and_install() {
	local bc
	$MAKE -s all || return 1
	[ -n "${AL_DESTDIR:-}" ] && { al_private_tree || return 1; }
	# a stale JIT bitcode copy of al_ext (older builds) would be inlined
	bc="$($PGBIN/pg_config --pkglibdir)/bitcode"
	rm -rf "$bc/al_ext" "$bc/al_ext.index.bc" 2>/dev/null || sudo rm -rf "$bc/al_ext" "$bc/al_ext.index.bc"
	if [ -n "${AL_DESTDIR:-}" ]; then
		al_private_tree && $MAKE -s install DESTDIR="$AL_DESTDIR" >/dev/null
		return
	fi
	if [ -w "$($PGBIN/pg_config --pkglibdir)" ]; then
		$MAKE -s install >/dev/null || return 1
	else
		sudo $MAKE -s install >/dev/null || return 1
	fi
}

# cluster_start DIR PORT [conf lines...]: initdb and start a throwaway cluster
# listening only on a Unix socket in DIR.
cluster_start() {
	local dir=$1 port=$2
	shift 2
	as_pg initdb -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2; return 1; }
	{
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$dir'"
		echo "port = $port"
		echo "fsync = off"
		for line in "$@"; do echo "$line"; done
	} | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
	as_pg pg_ctl -D "$dir/data" -l "$dir/server.log" -w start >/dev/null || {
		cat "$dir/server.log" >&2; return 1; }
}

# cluster_stop DIR: stop a cluster started by cluster_start.
cluster_stop() {
	as_pg pg_ctl -D "$1/data" -m fast -w stop >/dev/null 2>&1 || true
}

# cluster_psql DIR PORT [psql args...]: psql as the cluster superuser.
cluster_psql() {
	local dir=$1 port=$2
	shift 2
	as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres "$@"
}

# A free TCP port number to name the socket (nothing listens on TCP).
al_free_port() {
	local p=$(( 20000 + RANDOM % 20000 ))
	while [ -e "/tmp/.s.PGSQL.$p" ]; do p=$((p + 1)); done
	echo $p
}
