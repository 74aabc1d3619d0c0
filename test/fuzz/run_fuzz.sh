#!/usr/bin/env bash
# Run every libFuzzer harness of test/fuzz (built by `make fuzz-build`) for
# a bounded time, seeded from test/fuzz/corpus/<harness>/.
#
#   run_fuzz.sh SECONDS          short run (make test): new inputs go to a
#                                scratch directory, fixed seed
#   run_fuzz.sh --long SECONDS   long run (make fuzz): new inputs are kept in
#                                build/fuzz/work/<harness> for the next run
#
# Prints "ok - <harness> ..." or "not ok - <harness> ..." per harness (a
# crash, a sanitizer report or a failed invariant; the input that did it is
# saved under build/fuzz/artifacts/ and replays with build/fuzz/<harness> FILE).
set -uo pipefail
cd "$(dirname "$0")/../.."

long=0
[ "${1:-}" = "--long" ] && { long=1; shift; }
seconds=${1:-10}
failed=0
mkdir -p build/fuzz/artifacts
scratch=$(mktemp -d /tmp/al_ext.fuzz.XXXXXX)

for bin in build/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	h=$(basename "$bin")
	if [ "$long" -eq 1 ]; then
		work=build/fuzz/work/$h
		seed=()
	else
		work=$scratch/$h
		seed=(-seed=1)
	fi
	mkdir -p "$work"
	log=$scratch/$h.log
	"$bin" "${seed[@]}" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$h-" \
		"$work" "test/fuzz/corpus/$h" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		echo "ok - $h: ${runs:-?} inputs in ${seconds} s, ${cov:-cov: ?}, corpus $(ls "$work" | wc -l) new"
	else
		failed=$((failed + 1))
		echo "not ok - $h: exit $rc after ${runs:-?} inputs"
		grep -E 'ERROR|runtime error|invariant failed|Test unit written' "$log" | head -10 | sed 's/^/#   /'
		cp "$log" "build/fuzz/artifacts/$h.log"
		echo "#   full log: build/fuzz/artifacts/$h.log"
	fi
done
rm -rf "$scratch"
[ "$failed" -eq 0 ]
