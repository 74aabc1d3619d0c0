#!/usr/bin/env bash
# Build Citus from its public source against Debian's PostgreSQL 15 and
# install it, with al_ext from this checkout, into a private copy of the
# server tree (CITUS_PG, default /tmp/citus-pg), so the system PostgreSQL
# that `make test` uses is never touched.  Not part of `make test`.
#
#   CITUS_GIT=/path/to/citus.git bash bench/citus/build.sh
#
# CITUS_GIT: a git directory of https://github.com/citusdata/citus (a bare
# clone is enough); CITUS_TAG: the release (v13.2.2 supports PostgreSQL 15).
set -euo pipefail
cd "$(dirname "$0")/../.."
CITUS_GIT=${CITUS_GIT:?set CITUS_GIT to a git directory of github.com/citusdata/citus}
CITUS_TAG=${CITUS_TAG:-v13.2.2}
CITUS_PG=${CITUS_PG:-/tmp/citus-pg}
SRC=${CITUS_SRC:-/tmp/citus-src-$CITUS_TAG}
JOBS=${JOBS:-2}

# Debian build dependencies of Citus (libkrb5-dev: the server headers include
# gssapi.h; libcurl is only for its
# anonymous statistics: built without it)
need=()
for p in postgresql-server-dev-15 libpq-dev libkrb5-dev liblz4-dev libzstd-dev make gcc; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi

# the private server tree: a copy of Debian's (PostgreSQL finds its share
# and lib directories relative to its binaries)
if [ ! -x "$CITUS_PG/usr/lib/postgresql/15/bin/postgres" ]; then
	mkdir -p "$CITUS_PG/usr/lib/postgresql" "$CITUS_PG/usr/share/postgresql"
	cp -a /usr/lib/postgresql/15 "$CITUS_PG/usr/lib/postgresql/"
	cp -a /usr/share/postgresql/15 "$CITUS_PG/usr/share/postgresql/"
	chmod 755 "$CITUS_PG"
fi

# Citus source at the tag
if [ ! -f "$SRC/configure" ]; then
	rm -rf "$SRC"; mkdir -p "$SRC"
	git --git-dir="$CITUS_GIT" archive "$CITUS_TAG" | tar -x -C "$SRC"
fi
# Debian's PostgreSQL 15.20 exports have_createdb_privilege() (declared in
# commands/dbcommands.h), which Citus's pg_version_compat.h defines again as a
# static inline for PostgreSQL 15: use the server's and drop the copy.
if grep -q 'extern bool have_createdb_privilege' /usr/include/postgresql/15/server/commands/dbcommands.h; then
	python3 - "$SRC/src/include/pg_version_compat.h" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s2 = re.sub(r'static inline bool\nhave_createdb_privilege\(void\)\n\{.*?\n\}\n',
            '#include "commands/dbcommands.h"\n', s, count=1, flags=re.S)
if s2 != s:
    open(p, 'w').write(s2)
PY
fi
(
	cd "$SRC"
	[ -f Makefile.global ] || ./configure PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config \
		--without-libcurl >configure.log 2>&1 || { tail -30 configure.log; exit 1; }
	make -j"$JOBS" >make.log 2>&1 || { tail -40 make.log; exit 1; }
	make install DESTDIR="$CITUS_PG" >install.log 2>&1 || { tail -40 install.log; exit 1; }
)

# al_ext from this checkout, into the same tree
make -s -j"$JOBS" all
make -s install DESTDIR="$CITUS_PG" >/dev/null
ls -l "$CITUS_PG/usr/lib/postgresql/15/lib/citus.so" "$CITUS_PG/usr/lib/postgresql/15/lib/al_ext.so"
echo "citus $CITUS_TAG and al_ext installed under $CITUS_PG"
