#!/usr/bin/env bash
# Run every test of al_ext: C unit tests of src/core (plain, then under ASan
# and UBSan), a short run of the libFuzzer harnesses, pg_regress on a
# temporary instance, TAP tests with PostgreSQL::Test::Cluster.  Ends with the line
# "N passed, N failed".  --accept copies regression results over expected/.
set -uo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

ACCEPT=0
[ "${1:-}" = "--accept" ] && ACCEPT=1
pass=0
fail=0

bash .ci/install-deps.sh || exit 1
echo "== build (-Wall -Wextra -Werror) and install"
build_and_install || { echo "0 passed, 1 failed"; exit 1; }

# AL_SKIP="unit san fuzz regress tap" skips parts; AL_TESTS="probvec scores" runs only
# those regression tests, AL_TAP="t/020_loop.pl" only those TAP files (for
# quick iterations; CI runs everything).
skip() { [[ " ${AL_SKIP:-} " == *" $1 "* ]]; }

# run_unit_bins DIR: run every test binary in DIR, count its TAP lines;
# a binary that dies (a sanitizer report aborts it) counts as a failure.
run_unit_bins() {
	local bin out rc ok nok
	for bin in "$1"/test_*; do
		out=$("$bin" 2>&1)
		rc=$?
		ok=$(grep -cE '^ok [0-9]+' <<<"$out")
		nok=$(grep -cE '^not ok [0-9]+' <<<"$out")
		if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then nok=1; fi
		pass=$((pass + ok)); fail=$((fail + nok))
		printf '  %-28s %4d ok, %d failed\n' "$(basename "$bin")" "$ok" "$nok"
		[ "$nok" -gt 0 ] && grep -E -A3 '^not ok' <<<"$out" | head -40
		[ "$rc" -ne 0 ] && grep -E -A12 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error' <<<"$out" | head -40
	done
}

echo "== C unit tests (src/core)"
if skip unit; then
	echo "  (skipped)"
elif $MAKE -s unit; then
	run_unit_bins build/unit
else
	echo "  unit tests did not build"; fail=$((fail + 1))
fi

# The same tests on src/core built with AddressSanitizer and
# UndefinedBehaviorSanitizer (gcc): any report aborts the binary.
echo "== C unit tests under ASan + UBSan (src/core built again)"
if skip san; then
	echo "  (skipped)"
elif $MAKE -s unit-san; then
	ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1 run_unit_bins build/unit-san
else
	echo "  sanitizer build failed"; fail=$((fail + 1))
fi

# A short bounded run of every libFuzzer harness (clang); `make fuzz` runs
# them longer.
echo "== fuzzing (libFuzzer, ${AL_FUZZ_SECONDS:-10} s per harness)"
if skip fuzz; then
	echo "  (skipped)"
elif $MAKE -s fuzz-build; then
	out=$(bash test/fuzz/run_fuzz.sh "${AL_FUZZ_SECONDS:-10}")
	sed 's/^/  /' <<<"$out"
	pass=$((pass + $(grep -cE '^ok - ' <<<"$out")))
	fail=$((fail + $(grep -cE '^not ok - ' <<<"$out")))
else
	echo "  fuzz harnesses did not build (clang with libFuzzer needed: .ci/install-deps.sh)"
	fail=$((fail + 1))
fi

echo "== pg_regress (test/sql vs expected/)"
if skip regress; then echo "  (skipped)"; else
W=$(al_workdir regress)
mkdir -p "$W/in" "$W/out"
cp -r test/sql "$W/in/sql"
cp -r expected "$W/in/expected"
cp test/regress.conf "$W/in/regress.conf"
[ "$(id -u)" -eq 0 ] && chown -R "$AL_PG_OSUSER" "$W"
tests=${AL_TESTS:-$(ls test/sql/*.sql 2>/dev/null | xargs -n1 basename | sed 's/\.sql$//' | sort)}
as_pg "$PG_REGRESS_BIN" --temp-instance="$W/tmp" --bindir="$PGBIN" \
	--inputdir="$W/in" --outputdir="$W/out" --temp-config="$W/in/regress.conf" \
	--load-extension=al_ext --dbname=al_regression --port="$(al_free_port)" \
	$tests >"$W/regress.log" 2>&1
rc=$?
sed -n '/^test \|^     \|^ok \|^not ok /p' "$W/regress.log" | sed 's/^/  /'
ok=$(grep -cE ' \.\.\. ok' "$W/regress.log")
nok=$(grep -cE ' \.\.\. FAILED' "$W/regress.log")
if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then nok=1; tail -20 "$W/regress.log"; fi
pass=$((pass + ok)); fail=$((fail + nok))
if [ -s "$W/out/regression.diffs" ]; then
	echo "  --- regression.diffs (first 80 lines; full file: $W/out/regression.diffs)"
	head -80 "$W/out/regression.diffs"
fi
if [ "$ACCEPT" -eq 1 ]; then
	cp "$W"/out/results/*.out expected/ && echo "  accepted: results copied to expected/ (review with git diff)"
fi
fi

echo "== TAP (test/t, PostgreSQL::Test::Cluster)"
if skip tap; then
	echo "  (skipped)"
elif ls test/t/*.pl >/dev/null 2>&1; then
	T=$(al_workdir tap)
	cp -r test/t "$T/t"
	# the repository files TAP tests read (the cluster's OS user may not
	# be able to read the checkout itself): AL_REPO points at these copies
	mkdir -p "$T/test/sql"
	cp README.md "$T/README.md"
	cp test/sql/hostile_search_path.sql test/sql/feature_types.sql "$T/test/sql/"
	mkdir -p "$T/sql" && cp sql/al_ext--*.sql "$T/sql/"
	[ "$(id -u)" -eq 0 ] && chown -R "$AL_PG_OSUSER" "$T"
	( cd "$T" && as_pg env TESTDIR="$T" PG_REGRESS="$PG_REGRESS_BIN" AL_REPO="$T" \
		prove -v -I "$PG_TAP_LIB" -I t ${AL_TAP:-t/*.pl} ) >"$T/prove.log" 2>&1
	rc=$?
	ok=$(grep -cE '^\s*ok [0-9]+' "$T/prove.log")
	nok=$(grep -cE '^\s*not ok [0-9]+' "$T/prove.log")
	if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then nok=1; fi
	pass=$((pass + ok)); fail=$((fail + nok))
	grep -E '^t/.*\.pl|^\s*not ok|^Files=|^Result' "$T/prove.log" | sed 's/^/  /'
	[ "$rc" -ne 0 ] && { echo "  --- prove log tail ($T/prove.log)"; tail -30 "$T/prove.log"; }
else
	echo "  (no TAP tests)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
