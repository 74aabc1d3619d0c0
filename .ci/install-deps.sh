#!/usr/bin/env bash
# Install the Debian packages al_ext needs to build, test and run its demo,
# but only those that are missing.  Debian packages only.
set -euo pipefail

# clang and its compiler-rt (libFuzzer, sanitizer runtimes) build the fuzz
# harnesses; gcc's own sanitizer runtimes come with gcc.
PKGS=(postgresql-15 postgresql-server-dev-15 postgresql-contrib libopenblas-dev libipc-run-perl
      pkg-config gcc make perl clang libclang-rt-14-dev)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# optional extra packages requested by the caller (e.g. the benchmark's numpy)
for p in ${AL_EXTRA_PKGS:-}; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
