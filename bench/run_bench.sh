#!/usr/bin/env bash
# make bench: build and install al_ext, start a throwaway cluster, generate the
# deterministic data, time every query serial and with 2 parallel workers,
# run the numpy comparison, print the tables (also written to
# bench/results/latest.txt), stop the cluster.  See bench/README.md.
#
# Knobs (environment):
#   AL_DESTDIR=/tmp/x        install into a private server tree (.ci/lib.sh)
#   AL_BENCH_SECTIONS="models loop"   run only these sections (default: all):
#                            scores (= pool groups committee egl c100 numpy
#                            checks, each also selectable alone), models, loop,
#                            eer (expected error reduction: bench/eer.sql,
#                            bench/eer_sklearn.py, bench/eer_accuracy.c)
#                            backtest, external (an external-prediction
#                            learner: ranking a version, al.next_batch vs
#                            plain SQL: bench/external.sql), ingest (jsonb to
#                            al.probvec vs plain SQL: bench/ingest.sql),
#                            annotators (al.next_batch under 1, 4, 16, 64
#                            concurrent pgbench clients)
#                            models13 (model families: one-vs-rest and ridge
#                            in the store beside scikit-learn, bench/models13.py)
#                            rounds (one learner round vs pool size beside a
#                            plain scan of the feature column, and with option
#                            rescore_sample: bench/rounds.sql)
#                            parallel (one learner round serial and with
#                            al_ext.parallel_rounds and 2 workers: bench/parallel.sql)
#                            perlearner (a 15-row learner's round and
#                            al.next_batch with 0, 100k and 1m rows of another
#                            learner in al.scores, and that learner's own
#                            round of 1m rows: bench/perlearner.sql)
#   AL_BENCH_PARALLEL_POOLS="1m:64 100k:768"  pools of section parallel (rows:features)
#   AL_BENCH_ROUND_POOLS="100k:64 1m:64 100k:768"  pools of section rounds, as
#                            rows:features (rows 100k, 1m, 10m; the issue's full
#                            set adds 10m:64 and 1m:768, several GB each:
#                            AL_BENCH_ROUND_POOLS="100k:64 1m:64 10m:64 100k:768 1m:768")
#   AL_BENCH_ROUND_RUNS=3    timed rounds (and scans) per pool, after a warm-up round
#   AL_BENCH_M13_OVR_ROWS=100000     rows of the models13 one-vs-rest fit
#   AL_BENCH_M13_RIDGE_ROWS=1000000  rows of the models13 ridge fit
#   AL_BENCH_M13_ROUNDS=3            timed runs of each models13 fit (after a warm-up)
#                            curves13 (regression and multi-label learning curves
#                            against random on make demo part 5's data, bench/curves13.sql)
#   AL_BENCH_C13_SEEDS=10            seeds of every curves13 strategy
#   AL_BENCH_C13_WINE_ROUNDS=20      batches of 5 wines per regression learner
#   AL_BENCH_C13_TAG_ROUNDS=30       batches of 10 images per multi-label learner
#   AL_BENCH_LOOP_POOLS="100k"        pools of the loop section (100k 1m)
#   AL_BENCH_ROWS=1000000    rows of pool and committee
#   AL_BENCH_ROWS100=200000  rows of the 100-class pool
#   AL_BENCH_MEMBERS=5       committee members
#   AL_BENCH_FEATURES=64     features per row (expected gradient length)
#   AL_BENCH_CASES="2 14"    run only these cases (ids of bench/bench.sql)
#   AL_BENCH_SHARED_BUFFERS=3GB
#   AL_BENCH_EXT_ROWS=1000000  rows of the external-prediction pool
#                            (sections external and annotators)
#   AL_BENCH_EXT_BATCHES=50  consecutive batches timed by section external
#   AL_BENCH_INGEST_ROWS=1000000  JSON rows of section ingest
#   AL_BENCH_ANNOTATORS="1 4 16 64"  concurrent annotators (section annotators)
#   AL_BENCH_ANN_BATCHES=800  transactions per annotator count and workload
#                            (pgbench -t N/count, at least 2 per annotator)
#   AL_BENCH_PRELOAD=0       leave al_ext out of shared_preload_libraries (the
#                            annotators' sessions then keep their own hints)
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

# sections: the word "scores" stands for the seven sections of the first
# version of this harness (their cases are in bench/bench.sql)
SCORE_SECTIONS="pool groups committee egl c100 numpy checks"
SEL=" "
OTHER_SECTIONS="models loop eer backtest models13 curves13 external ingest annotators rounds parallel perlearner"
for s in ${AL_BENCH_SECTIONS:-scores $OTHER_SECTIONS}; do
	case " $SCORE_SECTIONS $OTHER_SECTIONS " in
	*" $s "*) SEL+="$s " ;;
	*) [ "$s" = scores ] && SEL+="$SCORE_SECTIONS " || { say "unknown section '$s' (known: scores $SCORE_SECTIONS $OTHER_SECTIONS)"; exit 2; } ;;
	esac
done
want() { [[ "$SEL" == *" $1 "* ]]; }
want_scores() { local s; for s in $SCORE_SECTIONS; do want "$s" && return 0; done; return 1; }
LOOP_POOLS=${AL_BENCH_LOOP_POOLS:-100k 1m}
EXT_ROWS=${AL_BENCH_EXT_ROWS:-1000000}
EXT_BATCHES=${AL_BENCH_EXT_BATCHES:-50}
INGEST_ROWS=${AL_BENCH_INGEST_ROWS:-1000000}
ANNOTATORS=${AL_BENCH_ANNOTATORS:-1 4 16 64}
ANN_BATCHES=${AL_BENCH_ANN_BATCHES:-800}
# annotators of the run past the hot rows: the most of AL_BENCH_ANNOTATORS
ANN_DEEP_N=$(for n in $ANNOTATORS; do echo "$n"; done | sort -n | tail -1)
ROUND_POOLS=${AL_BENCH_ROUND_POOLS:-100k:64 1m:64 100k:768}
ROUND_RUNS=${AL_BENCH_ROUND_RUNS:-3}
PARALLEL_POOLS=${AL_BENCH_PARALLEL_POOLS:-1m:64 100k:768}

say "== dependencies (Debian packages)"
if ! AL_EXTRA_PKGS="python3-numpy python3-psycopg2 python3-sklearn" bash .ci/install-deps.sh; then
	say "  could not install python3-numpy/python3-psycopg2/python3-sklearn; trying without them"
	bash .ci/install-deps.sh
fi

say "== build and install al_ext"
build_and_install
mkdir -p build/bench "$RESULTS"
# OpenBLAS headers and library for the benchmark's C programs (as the Makefile)
OPENBLAS_CFLAGS_BENCH="$(pkg-config --cflags openblas) -DAL_OPENBLAS_LIB=\"$(pkg-config --variable=libdir openblas)/libopenblas.so.0\""
${CC:-gcc} -O2 -Wall -Wextra -Isrc/core -o build/bench/gen_data bench/gen_data.c src/core/al_rng.c -lm

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
	"max_wal_senders = 0" \
	"al_ext.naptime = '100ms'" \
	"shared_preload_libraries = 'pg_stat_statements$([ "${AL_BENCH_PRELOAD:-1}" = 0 ] || echo ', al_ext')'" \
	"pg_stat_statements.track = 'none'"

psql_() { cluster_psql "$W" "$PORT" -d postgres "$@"; }

psql_ -c "CREATE EXTENSION al_ext" -c "CREATE EXTENSION pg_prewarm"
STANDINS=""
if [ -n "${AL_BENCH_EXTRA_SQL:-}" ]; then
	say "  loading $AL_BENCH_EXTRA_SQL (development stand-ins: NOT al_ext's numbers)"
	psql_ <"$AL_BENCH_EXTRA_SQL"
	STANDINS=$AL_BENCH_EXTRA_SQL
fi
psql_ <bench/bench.sql >/dev/null
psql_ <bench/models.sql >/dev/null
psql_ <bench/loop.sql >/dev/null
psql_ <bench/rounds.sql >/dev/null
psql_ <bench/parallel.sql >/dev/null

T0=$(date +%s)
if want_scores; then
	say "== data: pool $ROWS x 10, committee $ROWS x $MEMBERS members x 10 + $FEATURES features, pool100 $ROWS100 x 100"
	psql_ <bench/data.sql
	PV_OID=$(psql_ -At -c "SELECT 'al.probvec'::regtype::oid")
	build/bench/gen_data pool "$ROWS" 10 1 | psql_ -c "COPY pool FROM STDIN (FORMAT binary)"
	build/bench/gen_data committee "$ROWS" 10 "$MEMBERS" "$FEATURES" 1 "$PV_OID" |
		psql_ -c "COPY committee FROM STDIN (FORMAT binary)"
	build/bench/gen_data pool "$ROWS100" 100 2 | psql_ -c "COPY pool100 FROM STDIN (FORMAT binary)"
	psql_ <bench/derive.sql
fi
if want models || want loop || want eer; then
	# the eer section alone needs only the first 100,000 rows (one stream:
	# the same rows, see bench/gen_data.c)
	MIX_ROWS=1000000
	want models || want loop || MIX_ROWS=100000
	say "== data: mix_1m $MIX_ROWS x 64 features x 10 classes (+ mix_100k, train100k), digits"
	psql_ <bench/mix.sql
	build/bench/gen_data mixture $MIX_ROWS 64 10 0.35 42 | psql_ -c "COPY mix_1m FROM STDIN (FORMAT binary)"
	# data/digits.csv.gz: 64 pixel values, then the digit
	gzip -dc data/digits.csv.gz |
		awk -F, '{ s = "{" $1; for (i = 2; i <= 64; i++) s = s "," $i; print s "}\t" $65 }' |
		psql_ -c "COPY digits FROM STDIN"
	psql_ <bench/mix_derive.sql
elif want backtest; then
	say "== data: digits"
	psql_ -c "CREATE TABLE digits (x real[] NOT NULL, y int NOT NULL)"
	gzip -dc data/digits.csv.gz |
		awk -F, '{ s = "{" $1; for (i = 2; i <= 64; i++) s = s "," $i; print s "}\t" $65 }' |
		psql_ -c "COPY digits FROM STDIN"
fi
if want eer; then
	# digits again, with the line number as id (bench/eer_sklearn.py reads the file)
	psql_ -c "CREATE TABLE eer_digits (id integer PRIMARY KEY, x real[] NOT NULL, y integer NOT NULL)"
	gzip -dc data/digits.csv.gz |
		awk -F, '{ s = "{" $1; for (i = 2; i <= 64; i++) s = s "," $i; print NR "\t" s "}\t" $65 }' |
		psql_ -c "COPY eer_digits FROM STDIN"
fi
M13_OVR_ROWS=${AL_BENCH_M13_OVR_ROWS:-100000}
M13_RIDGE_ROWS=${AL_BENCH_M13_RIDGE_ROWS:-1000000}
if want models13; then
	M13_ROWS=$((M13_OVR_ROWS > M13_RIDGE_ROWS ? M13_OVR_ROWS : M13_RIDGE_ROWS))
	say "== data: models13 m13_ovr $M13_OVR_ROWS x 64 x 10 labels, m13_ridge $M13_RIDGE_ROWS x 64 (bench/models13.sql)"
	psql_ -c "CREATE TABLE m13_src (id bigint NOT NULL, x real[] NOT NULL, y int NOT NULL)"
	build/bench/gen_data mixture "$M13_ROWS" 64 10 0.35 13 | psql_ -c "COPY m13_src FROM STDIN (FORMAT binary)"
	psql_ -v ovr_rows="$M13_OVR_ROWS" -v ridge_rows="$M13_RIDGE_ROWS" <bench/models13.sql >/dev/null
	psql_ -c "DROP TABLE m13_src" >/dev/null
fi
if want external || want annotators; then
	# the stand-in external model's predictions: gen_data's pool streams 3
	# (versions 1 and 3) and 4 (version 2), 10 classes
	say "== data: ext_pool $EXT_ROWS x 10 classes (external-prediction learners)"
	psql_ -c "CREATE TABLE ext_pool (id bigint NOT NULL, grp int NOT NULL, p al.probvec)"
	build/bench/gen_data pool "$EXT_ROWS" 10 3 | psql_ -c "COPY ext_pool FROM STDIN (FORMAT binary)"
	psql_ -c "ALTER TABLE ext_pool ADD PRIMARY KEY (id)" -c "VACUUM (FREEZE, ANALYZE) ext_pool"
	if want external; then
		psql_ -c "CREATE TABLE ext_v2 (id bigint NOT NULL, grp int NOT NULL, p al.probvec)"
		build/bench/gen_data pool "$EXT_ROWS" 10 4 | psql_ -c "COPY ext_v2 FROM STDIN (FORMAT binary)"
	fi
fi
if want ingest; then
	say "== data: ing_src $INGEST_ROWS x 10 classes, as JSON (bench/ingest.sql)"
	psql_ -c "CREATE TABLE ing_src (id bigint NOT NULL, grp int NOT NULL, p al.probvec)"
	build/bench/gen_data pool "$INGEST_ROWS" 10 5 | psql_ -c "COPY ing_src FROM STDIN (FORMAT binary)"
fi
T1=$(date +%s)
DATA_SECS=$((T1 - T0))
say "  data ready in ${DATA_SECS} s"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
if want_scores; then
	say "== timings (median of 5 runs, 3 if a run takes > 1.5 s; serial, then 2 workers)"
	CASES=${AL_BENCH_CASES:-$(psql_ -At -c "SELECT id FROM bench.cases
		WHERE section = ANY (string_to_array(trim('$SEL'), ' ')) AND id < 90 ORDER BY id")}
	for id in $CASES; do
		[ "$id" -ge 90 ] && continue
		for w in 0 2; do
			psql_ -At -c "CALL bench.measure($id, $w)" -c "SELECT bench.progress($id, $w)" >&2
		done
	done
fi

if ! want numpy; then
	:
elif [ -n "${AL_BENCH_CASES:-}" ] && [[ " $AL_BENCH_CASES " != *" 92 "* ]]; then
	say "== numpy"
	say "  (not selected)"
elif "$PY" -c 'import numpy, psycopg2' 2>/dev/null; then
	say "== numpy"
	"$PY" bench/numpy_bench.py "$W" "$PORT" || say "  numpy comparison failed"
else
	say "== numpy"
	say "  skipped: $PY lacks numpy or psycopg2"
	psql_ -c "INSERT INTO bench.results (case_id, workers, status)
	          SELECT id, 0, 'skipped: $PY lacks numpy or psycopg2' FROM bench.cases WHERE section = 'numpy'"
fi

if want checks && [ -z "${AL_BENCH_CASES:-}" ]; then
	say "== consistency checks"
	psql_ <bench/checks.sql || say "  checks failed"
fi

# ---- round-robin timing (models and loop sections; bench/bench.sql) ----

HAVE_PG2=0; "$PY" -c 'import numpy, psycopg2' 2>/dev/null && HAVE_PG2=1
HAVE_SK=0; [ $HAVE_PG2 = 1 ] && "$PY" -c 'import sklearn.linear_model' 2>/dev/null && HAVE_SK=1

# run_one CASE ROUND: one run of a case (setup, the run, cleanup); prints
# the progress line of bench.record
run_one() {
	local id=$1 r=$2 client setup cleanup query out ms
	IFS=$'\x1f' read -r client setup cleanup query < <(psql_ -At -F $'\x1f' -c "SELECT coalesce(client, ''),
		coalesce(setup, ''), coalesce(cleanup, ''), replace(query, E'\n', ' ') FROM bench.cases WHERE id = $id")
	[ -n "$setup" ] && psql_ -c "$setup" >/dev/null
	case "$client" in
	sklearn)
		if [ $HAVE_SK = 1 ]; then
			"$PY" bench/sklearn_bench.py fit "$W" "$PORT" "$id" "$r" 2>&1 ||
				psql_ -At -c "SELECT bench.record($id, 0, $r, NULL, NULL, 'error: bench/sklearn_bench.py failed')"
		else
			psql_ -At -c "SELECT bench.record($id, 0, $r, NULL, NULL, 'skipped: $PY lacks scikit-learn, numpy or psycopg2')"
		fi ;;
	psql)
		# client-side \timing, for what cannot run in a function (VACUUM)
		if out=$(psql_ -c '\timing on' -c "$query" 2>&1); then
			ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -1)
			psql_ -At -c "SELECT bench.record($id, 0, $r, ${ms:-NULL}, NULL, 'ok')"
		else
			psql_ -At -c "SELECT bench.record($id, 0, $r, NULL, NULL, 'error: ' || \$e\$$out\$e\$)"
		fi ;;
	pgss)
		# alone in its session; the time and the statements it ran come from
		# pg_stat_statements (bench/loop.sql, bench.save_statements)
		if out=$(psql_ -c "$query" 2>&1 >/dev/null); then
			psql_ -At -c "SELECT bench.save_statements($id, $r)"
		else
			psql_ -At -c "SELECT bench.record($id, 0, $r, NULL, NULL, 'error: ' || \$e\$$out\$e\$)"
		fi ;;
	*)
		psql_ -At -c "SELECT bench.run_case($id, 0, $r)" ;;
	esac
	[ -n "$cleanup" ] && psql_ -c "$cleanup" >/dev/null
	return 0
}

# rr ROUNDS WARMUP CASE...: the cases in ROUNDS rounds (after WARMUP rounds
# numbered 0, not counted), each case once per round in the given order; a
# case that is skipped or fails is dropped from the next rounds
rr() {
	local rounds=$1 warm=$2 id r line
	shift 2
	local active=("$@") next
	for ((r = 1 - warm; r <= rounds; r++)); do
		next=()
		for id in "${active[@]}"; do
			line=$(run_one "$id" "$r")
			say "$line"
			case "$line" in *" skipped: "* | *" error: "*) continue ;; esac
			next+=("$id")
		done
		active=("${next[@]}")
		[ ${#active[@]} -eq 0 ] && break
	done
	psql_ -c "SELECT bench.summarize()" >/dev/null
}

# cpu_ticks: the machine's busy CPU time so far (USER_HZ ticks, all cores)
cpu_ticks() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

# ann_run WORKLOAD N: N pgbench clients, ANN_BATCHES transactions in all,
# each client its own annotator; WORKLOAD handout (al.next_batch of 10,
# never labeled) or label (issue 12's: al.next_batch of 5, then
# al.label_many of those 5, the worker running).  The learner's leases and
# labels are cleared first.  Loads the per-transaction log, the throughput
# and the machine's CPU time per transaction into bench.ann_*.
ann_run() {
	local wl=$1 n=$2 total=${3:-$ANN_BATCHES} j t c0 c1 tps
	psql_ -q -c "DELETE FROM al.leases WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'ann')" \
		-c "DELETE FROM al.labels WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'ann')" \
		-c "VACUUM (ANALYZE) al.leases, al.labels"
	j=$((n < 2 ? n : 2))
	t=$(((total + n - 1) / n)); [ "$t" -lt 2 ] && t=2
	rm -f "$W"/ann_log*
	c0=$(cpu_ticks)
	as_pg env PGOPTIONS="-c al_ext.batch_lock_timeout=0" pgbench -n -h "$W" -p "$PORT" -U postgres \
		-f "$W/ann_$wl.sql" -c "$n" -j "$j" -t "$t" -l --log-prefix="$W/ann_log" postgres \
		>"$W/pgbench_${wl}_$n.txt" 2>&1 || echo "   pgbench $wl -c $n failed: $(tail -3 "$W/pgbench_${wl}_$n.txt")"
	c1=$(cpu_ticks)
	# log lines: client transaction latency_us script epoch epoch_us
	cat "$W"/ann_log* 2>/dev/null | awk -v w="$wl" -v n="$n" '$3 ~ /^[0-9]+$/ { print w "\t" n "\t" $1 "\t" $2 "\t" $3 }' |
		psql_ -c "\\copy bench.ann_tx FROM pstdin"
	psql_ -q -c "INSERT INTO bench.ann_leases SELECT '$wl', $n, count(x.item_id), count(DISTINCT x.item_id),
		(SELECT count(*) FROM al.labels WHERE learner_id = l.id), (SELECT count(DISTINCT item_id) FROM al.labels WHERE learner_id = l.id)
		FROM al.learners l LEFT JOIN al.leases x ON x.learner_id = l.id WHERE l.name = 'ann' GROUP BY l.id"
	grep -E 'aborted|failed|error' "$W/pgbench_${wl}_$n.txt" | grep -v 'failed transactions: 0 ' | sed "s/^/   pgbench $wl -c $n: /" | head -5
	tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$W/pgbench_${wl}_$n.txt" | head -1)
	psql_ -q -c "INSERT INTO bench.ann_tps VALUES ('$wl', $n, ${tps:-NULL}, $(( (c1 - c0) * 1000 / $(getconf CLK_TCK) )), $((n * t)))"
	say "   $wl, $n annotators: ${tps:-?} batches/s"
}

# bench_annotators: al.next_batch under 1, 4, 16 and 64 concurrent
# annotators (AL_BENCH_ANNOTATORS), each a pgbench client with its own
# annotator name, on an external-prediction learner over ext_pool (no
# training: the fastest way to rank a 1,000,000-row pool): first handing
# out only, then issue 12's workload (label what was handed out, the
# worker running).  Prints the report part.
bench_annotators() {
	local n ms
	echo "== annotators (issue 12): N pgbench clients at once, each its own annotator, $ANN_BATCHES transactions in all"
	echo "   (-c N -j min(N, 2) -t $ANN_BATCHES / N, at least 2), in autocommit; an external-prediction learner (entropy,"
	echo "   10 classes) over ext_pool ($EXT_ROWS rows); its leases and labels cleared before each N;"
	echo "   al_ext.batch_lock_timeout = 0 (no limit) for the clients, so that a wait longer than its default 5 s is"
	echo "   measured rather than an error. Workloads:"
	echo "     handout: SELECT count(*) FROM al.next_batch('ann', 10, 'annotator_' || client)  (never labeled: the leases pile up)"
	echo "     label:   issue 12's: al.next_batch('ann', 5, ...) then al.label_many of those 5, in one statement, the worker running"
	echo "   latency = pgbench's per-transaction log (client side, lock wait included); batches/s = pgbench's tps (without"
	echo "   connection time, with each session's first call); CPU ms = the whole machine's busy time during the run"
	echo "   (server, pgbench, worker, connections) / transactions; ceiling = what $(nproc) cores give at the 1-annotator CPU"
	echo "   cost, in batches/s and as a multiple of 1 annotator's rate"
	if [ "${AL_BENCH_PRELOAD:-1}" = 0 ]; then
		echo "   al_ext is NOT preloaded (AL_BENCH_PRELOAD=0; shared_preload_libraries: $(psql_ -At -c 'SHOW shared_preload_libraries')):"
		echo "   each session keeps its own hints"
	else
		echo "   al_ext is preloaded (shared_preload_libraries: $(psql_ -At -c 'SHOW shared_preload_libraries')), as in production:"
		echo "   the sessions share where the next batch starts (doc/loop.md, \"Hints the sessions share\")"
	fi
	psql_ -At -c "SELECT al.create_learner('ann', 'ext_pool', 'id', 'p',
		'{billing,bug,feature,account,refund,login,shipping,spam,praise,other}', 'entropy',
		'{\"predictions\": true, \"batch_size\": 10}')" -c "SELECT al.predictions_updated('ann', 'v1')" >/dev/null
	ms=$(psql_ -At -c "SELECT round(bench.time_query('SELECT al.run_learner(''ann'')'))")
	psql_ -c "VACUUM (ANALYZE) al.scores"
	echo "   learner ann ranked in $ms ms (al.run_learner); rows in al.scores: $(psql_ -At -c "SELECT count(*) FROM al.scores")"
	echo "SELECT count(*) FROM al.next_batch('ann', 10, 'annotator_' || :client_id);" >"$W/ann_handout.sql"
	echo "SELECT al.label_many('ann', (SELECT jsonb_agg(jsonb_build_object('item', b.item_id, 'label', b.predicted,
		'annotator', 'annotator_' || :client_id)) FROM al.next_batch('ann', 5, 'annotator_' || :client_id) b));" |
		tr -d '\n\t' >"$W/ann_label.sql"
	chmod 644 "$W"/ann_*.sql
	psql_ -q -c "CREATE TABLE bench.ann_tx (workload text, clients int, client int, tx int, us bigint)" \
		-c "CREATE TABLE bench.ann_leases (workload text, clients int, leases bigint, items bigint, labels bigint, labeled_items bigint)" \
		-c "CREATE TABLE bench.ann_tps (workload text, clients int, tps float8, cpu_ms bigint, transactions int)"
	for n in $ANNOTATORS; do ann_run handout "$n"; done
	psql_ -At -c "SELECT 'al_ext worker started, pid ' || al.start_worker()"
	for n in $ANNOTATORS; do ann_run label "$n"; done
	psql_ -At -c "SELECT al.stop_worker()" >/dev/null
	# past the 10,000 hot rows (last: it leaves 50,000 hot rows and the dead rows of its
	# markings): the batches mark the next 10,000 as they run out
	cp "$W/ann_handout.sql" "$W/ann_past_hot.sql"
	ann_run past_hot "$ANN_DEEP_N" 4000
	ANN_HOT=$(psql_ -At -c "SELECT count(*) FROM al.scores WHERE learner_id = (SELECT id FROM al.learners WHERE name = 'ann') AND hot")
	bench_annotators_report
}

# The report of bench_annotators: the table of its runs, one annotator's
# batches as its leases or labels pile up, the run past the hot rows.
bench_annotators_report() {
	psql_ <<-SQL
	\\pset footer off
	WITH t AS (
		SELECT workload, clients, count(*) AS batches,
		       percentile_cont(0.5) WITHIN GROUP (ORDER BY us) / 1000 AS med,
		       percentile_cont(0.9) WITHIN GROUP (ORDER BY us) / 1000 AS p90,
		       max(us) / 1000 AS worst, count(*) FILTER (WHERE us > 5000000) AS over5s
		FROM bench.ann_tx GROUP BY workload, clients),
	r AS (SELECT t.*, p.tps AS bps, p.cpu_ms::float8 / p.transactions AS cpu
	      FROM t LEFT JOIN bench.ann_tps p USING (workload, clients)),
	one AS (SELECT workload, bps AS bps1, cpu AS cpu1 FROM r WHERE clients = 1)
	SELECT r.workload, r.clients AS annotators, r.batches, round(r.bps::numeric, 1) AS "batches/s",
	       round((r.bps / one.bps1)::numeric, 2) AS "x 1 annotator",
	       round(r.med::numeric, 1) AS "median ms", round(r.p90::numeric, 1) AS "p90 ms", round(r.worst::numeric) AS "max ms",
	       r.over5s AS "> 5 s", round(r.cpu::numeric, 2) AS "CPU ms",
	       CASE WHEN r.clients = 1 THEN round(($(nproc) * 1000 / one.cpu1)::numeric) END AS "ceiling b/s",
	       CASE WHEN r.clients = 1 THEN round(($(nproc) * 1000 / one.cpu1 / one.bps1)::numeric, 2) END AS "ceiling x",
	       l.leases, l.labels, l.leases = l.items AND l.labels = l.labeled_items AS "no item twice",
	       CASE WHEN r.clients = 1 AND r.workload = 'handout' THEN CASE WHEN r.med < 10 THEN 'PASS' ELSE 'MISS' END || ' (median < 10 ms)'
	            WHEN r.clients = 16 THEN CASE WHEN r.bps >= 8 * one.bps1 THEN 'PASS' ELSE 'MISS' END
	                                     || ' (>= 8x 1 annotator)' END AS "issue 12 target"
	FROM r JOIN one USING (workload) LEFT JOIN bench.ann_leases l USING (workload, clients)
	WHERE r.workload <> 'past_hot'
	ORDER BY r.workload DESC, r.clients;
	SQL
	echo "   (\"> 5 s\": batches that waited longer than al_ext.batch_lock_timeout's default and would have failed with it;"
	echo "    \"no item twice\": every lease is of a distinct item, and every label too)"
	echo "   one annotator's batches as the leases (handout) or labels (label) pile up: median ms per 100 transactions"
	psql_ -c "SELECT workload, tx / 100 * 100 + 1 AS from_tx, tx / 100 * 100 + 100 AS to_tx,
		round((percentile_cont(0.5) WITHIN GROUP (ORDER BY us) / 1000)::numeric, 2) AS \"median ms\"
		FROM bench.ann_tx WHERE clients = 1 GROUP BY workload, tx / 100 ORDER BY workload DESC, tx / 100"
	echo "   past the hot rows: $ANN_DEEP_N annotators hand out 40,000 items (4,000 batches of 10) from the 10,000 hot"
	echo "   rows on; the batches that find them taken mark the next 10,000 (one at a time, the others waiting:"
	echo "   doc/loop.md, \"When the hot rows run out\"); hot rows after the run: $ANN_HOT"
	psql_ -c "SELECT t.clients AS annotators, count(*) AS batches, round(p.tps::numeric, 1) AS \"batches/s\",
		round((p.tps / h.tps)::numeric, 2) AS \"x handout within the hot rows\",
		round((percentile_cont(0.5) WITHIN GROUP (ORDER BY t.us) / 1000)::numeric, 1) AS \"median ms\",
		round((percentile_cont(0.9) WITHIN GROUP (ORDER BY t.us) / 1000)::numeric, 1) AS \"p90 ms\",
		round(max(t.us) / 1000.0) AS \"max ms\", l.leases, l.leases = l.items AS \"no item twice\"
		FROM bench.ann_tx t JOIN bench.ann_tps p ON p.workload = t.workload AND p.clients = t.clients
		JOIN bench.ann_leases l ON l.workload = t.workload AND l.clients = t.clients
		LEFT JOIN bench.ann_tps h ON h.workload = 'handout' AND h.clients = t.clients
		WHERE t.workload = 'past_hot' GROUP BY t.clients, p.tps, h.tps, l.leases, l.items"
}

# round_pool PREFIX SPEC: make the pool PREFIX_<rows>_<features> of SPEC
# (rows:features, rows 100k, 1m or 10m; gen_data mixture, binary COPY, a
# primary key, analyzed) and set POOL_T, POOL_ROWS and POOL_D; returns 1
# for an unknown size, 2 if loading failed
round_pool() {
	local prefix=$1 spec=$2 n
	n=${spec%%:*}
	POOL_D=${spec##*:}
	case $n in
	100k) POOL_ROWS=100000 ;;
	1m) POOL_ROWS=1000000 ;;
	10m) POOL_ROWS=10000000 ;;
	*) say "unknown pool size '$n' in '$spec' (100k, 1m, 10m)"; return 1 ;;
	esac
	POOL_T=${prefix}_${n}_$POOL_D
	psql_ -c "DROP TABLE IF EXISTS $POOL_T" -c "CREATE TABLE $POOL_T (id bigint NOT NULL, x real[] NOT NULL, y int NOT NULL)" >/dev/null
	build/bench/gen_data mixture "$POOL_ROWS" "$POOL_D" 10 0.35 42 | psql_ -c "COPY $POOL_T FROM STDIN (FORMAT binary)" >/dev/null || return 2
	psql_ -c "ALTER TABLE $POOL_T ADD PRIMARY KEY (id)" -c "VACUUM (ANALYZE) $POOL_T" >/dev/null
}

# bench_rounds: per pool of AL_BENCH_ROUND_POOLS (rows:features), make it
# (gen_data mixture, binary COPY), a learner on it (bench/rounds.sql), a
# warm-up round, then AL_BENCH_ROUND_RUNS times a plain scan of the feature
# column and a round alternately (al.scores vacuumed before each: autovacuum
# is off), then as many rounds with rescore_sample 0.1, serial and with
# al_ext.parallel_rounds and 2 workers alternately, then as many with
# ranking_rows 10000 (the whole pool scored, the best 10,000 rows written);
# drop it all
bench_rounds() {
	local spec d rows t r rc
	for spec in $ROUND_POOLS; do
		say "== rounds: pool $spec: generate, then $ROUND_RUNS scans and rounds, then $ROUND_RUNS with rescore_sample 0.1 (serial and 2 workers), then $ROUND_RUNS with ranking_rows 10000"
		round_pool rounds "$spec" && rc=0 || rc=$?
		[ $rc = 1 ] && continue
		[ $rc = 2 ] && return 1
		t=$POOL_T rows=$POOL_ROWS d=$POOL_D
		say "   $(psql_ -At -c "SELECT pg_size_pretty(pg_total_relation_size('$t'))") on disk; warm-up scan and round"
		psql_ -At -c "SELECT bench.time_scan('$t', $rows, $d, 0)" >/dev/null
		psql_ -At -c "SELECT bench.round_learner('$t', '$t')" -c "SELECT al.run_learner('$t')" >/dev/null || return 1
		for ((r = 1; r <= ROUND_RUNS; r++)); do
			psql_ -c "VACUUM al.scores"
			say "   scan $(psql_ -At -c "SELECT round(bench.time_scan('$t', $rows, $d, $r))") ms," \
				"TOAST scan $(psql_ -At -c "SELECT coalesce(round(bench.time_toast_scan('$t', $rows, $d, $r))::text || ' ms', 'none')")," \
				"round $(psql_ -At -c "SELECT round(bench.time_round('$t', '$t', $rows, $d, 'round', $r))") ms"
		done
		# a changed selection option ranks the whole pool once (the warm-up)
		psql_ -At -c "SELECT al.alter_learner('$t', NULL, '{\"rescore_sample\": 0.1}')" \
			-c "SELECT al.run_learner('$t')" >/dev/null
		for ((r = 1; r <= ROUND_RUNS; r++)); do
			psql_ -c "VACUUM al.scores"
			say "   round with rescore_sample 0.1:" \
				"$(psql_ -At -c "SELECT round(bench.time_round('$t', '$t', $rows, $d, 'round, rescore_sample 0.1', $r))") ms," \
				"with 2 workers $(psql_ -At -c "VACUUM al.scores" -c "SET al_ext.parallel_rounds = on" \
					-c "SET max_parallel_workers_per_gather = 2" \
					-c "SELECT round(bench.time_round('$t', '$t', $rows, $d, 'round, rescore_sample 0.1, 2 workers', $r))") ms"
		done
		# option ranking_rows: every row scored, the best 10,000 written
		psql_ -At -c "SELECT al.alter_learner('$t', NULL, '{\"rescore_sample\": null, \"ranking_rows\": 10000}')" \
			-c "SELECT al.run_learner('$t')" >/dev/null
		for ((r = 1; r <= ROUND_RUNS; r++)); do
			psql_ -c "VACUUM al.scores"
			say "   round with ranking_rows 10000:" \
				"$(psql_ -At -c "SELECT round(bench.time_round('$t', '$t', $rows, $d, 'round, ranking_rows 10000', $r))") ms"
		done
		psql_ -At -c "SELECT al.drop_learner('$t')" -c "DROP TABLE $t" -c "VACUUM al.scores" >/dev/null
	done
	echo "== rounds: one learner round (retrain on 100 labels, entropy, score every unlabeled row, write"
	echo "   the ranking) vs one plain scan of the feature column that detoasts every array"
	echo "   (SELECT sum(cardinality(x))), medians of $ROUND_RUNS runs each, alternating, after a warm-up;"
	echo "   al.scores vacuumed before each round; pools: bench/gen_data.c mixture, x real[] (bench/rounds.sql);"
	echo "   TOAST scan: one sequential scan of the pool's TOAST table (SELECT sum(length(chunk_data)); none"
	echo "   when the features are stored inline), which the round does instead of detoasting each array alone"
	echo "   (al_ext.toast_scan, on by default)"
	psql_ -c "SELECT * FROM bench.rounds_report"
	echo "   linear in the pool size when the time per row stays the same (1.00):"
	psql_ -c "SELECT * FROM bench.rounds_linearity"
}

# section parallel: per pool of AL_BENCH_PARALLEL_POOLS, a learner on it
# (bench.round_learner), a warm-up scan and round of each kind, then
# AL_BENCH_ROUND_RUNS times a plain scan, a serial round, a round of
# al_ext.parallel_rounds with 0 and with 2 workers alternately (al.scores
# vacuumed before each round); one more parallel round under auto_explain
# shows the workers the round's query launched
bench_parallel() {
	local spec d rows t r w rc launched
	for spec in $PARALLEL_POOLS; do
		say "== parallel: pool $spec: generate, then $ROUND_RUNS scans, serial rounds and rounds of one query with 0 and 2 workers"
		round_pool parallel "$spec" && rc=0 || rc=$?
		[ $rc = 1 ] && continue
		[ $rc = 2 ] && return 1
		t=$POOL_T rows=$POOL_ROWS d=$POOL_D
		psql_ -At -c "SELECT bench.time_scan('$t', $rows, $d, 0)" -c "SELECT bench.round_learner('$t', '$t')" >/dev/null
		for w in -1 0 2; do
			psql_ -At -c "SELECT bench.time_parallel_round('$t', '$t', $rows, $d, $w, 0)" >/dev/null || return 1
		done
		for ((r = 1; r <= ROUND_RUNS; r++)); do
			say "   scan $(psql_ -At -c "SELECT round(bench.time_scan('$t', $rows, $d, $r))") ms," \
				"serial round $(psql_ -At -c "VACUUM al.scores" -c "SELECT round(bench.time_parallel_round('$t', '$t', $rows, $d, -1, $r))") ms," \
				"query 0 workers $(psql_ -At -c "VACUUM al.scores" -c "SELECT round(bench.time_parallel_round('$t', '$t', $rows, $d, 0, $r))") ms," \
				"2 workers $(psql_ -At -c "VACUUM al.scores" -c "SELECT round(bench.time_parallel_round('$t', '$t', $rows, $d, 2, $r))") ms"
		done
		launched=$(psql_ -At -c "LOAD 'auto_explain'" -c "SET auto_explain.log_min_duration = 0" \
			-c "SET auto_explain.log_nested_statements = on" -c "SET auto_explain.log_analyze = on" \
			-c "SET auto_explain.log_timing = off" -c "SET auto_explain.log_level = notice" \
			-c "SET client_min_messages = notice" -c "SET al_ext.parallel_rounds = on" \
			-c "SET max_parallel_workers_per_gather = 2" -c "SELECT al.retrain('$t')" -c "SELECT al.run_learner('$t')" 2>&1 |
			grep -A3 'Query Text: SELECT p.id::pg_catalog.text, al._round_row' | grep -o 'Workers Launched: [0-9]*' | head -1)
		echo "   $t: the parallel round's query under auto_explain: ${launched:-no Gather}"
		psql_ -At -c "SELECT al.drop_learner('$t')" -c "DROP TABLE $t" -c "VACUUM al.scores" >/dev/null
	done
	echo "== parallel: one learner round (retrain on 100 labels, entropy, score every unlabeled row, write"
	echo "   the ranking): serial (the pool read through a cursor), and with al_ext.parallel_rounds = on (one query"
	echo "   calling al._round_row per row) with max_parallel_workers_per_gather = 0 and 2,"
	echo "   beside one serial plain scan of the feature column (SELECT sum(cardinality(x))); medians of $ROUND_RUNS"
	echo "   runs each, alternating, after a warm-up; rankings: md5 of both rankings as text, scores bit for bit"
	psql_ -c "SELECT * FROM bench.parallel_report"
}

if want models; then
	say "== models: train100k (100,000 x 64, 10 classes): 1 warm-up round, then 3 rounds"
	[ $HAVE_SK = 1 ] && "$PY" bench/sklearn_bench.py info "$W" "$PORT"
	rr 3 1 100 101 102 103 104
	say "== models: digits (1797 x 64): 1 warm-up round, then 5 rounds"
	rr 5 1 110 111 112 113 114 115 116 117
	if [ $HAVE_PG2 = 1 ]; then
		"$PY" bench/sklearn_bench.py stats "$W" "$PORT" || say "  fit statistics (numpy) failed"
	fi
	say "== models: batch prediction over mix_1m (median of 5 runs, 3 if a run takes > 1.5 s; serial, then 2 workers)"
	for id in 120 121 122; do
		for w in 0 2; do
			psql_ -At -c "CALL bench.measure($id, $w)" -c "SELECT bench.progress($id, $w)" >&2
		done
	done
fi

if want loop; then
	psql_ -At -c "SELECT 'al_ext worker started, pid ' || al.start_worker()" >&2
	for P in $LOOP_POOLS; do
		case $P in
		100k) base=200 rounds=5 rounds2=5 ;;
		1m) base=240 rounds=3 rounds2=3 ;;
		*) say "unknown pool '$P' in AL_BENCH_LOOP_POOLS (100k, 1m)"; continue ;;
		esac
		L=loop_$P
		say "== loop: pool mix_$P, learner $L: first model, then $rounds rounds of 10 labels (commit -> NOTIFY)"
		psql_ -At -c "SELECT al.start_worker()" >/dev/null 2>&1
		psql_ -At -c "SELECT bench.loop_learner('$L', 'mix_$P')" >/dev/null
		if [ $HAVE_PG2 = 1 ]; then
			"$PY" bench/loop_bench.py "$W" "$PORT" "$L" "mix_$P" "$base" "$rounds" ||
				say "  latency rounds failed"
		else
			say "  (no psycopg2: in-server client, bench.label_and_wait, polls the published version)"
			for ((r = 0; r <= rounds; r++)); do
				psql_ -c "CALL bench.label_and_wait($base, '$L', 'mix_$P', $([ $r = 0 ] && echo 20 || echo 10), $r)" 2>&1 |
					sed -n 's/^NOTICE:  //p' >&2
				psql_ -c "VACUUM (ANALYZE) al.scores"
			done
		fi
		psql_ -At -c "SELECT al.stop_worker()" >/dev/null
		say "== loop: pool mix_$P: the round synchronously and its parts, $rounds2 rounds (worker stopped)"
		psql_ -At -c "SELECT bench.loop_cases('$L', 'mix_$P', $base)" >/dev/null
		# pg_stat_statements sees every statement of the round (bench/loop.sql)
		psql_ -c "ALTER ROLE postgres SET pg_stat_statements.track = 'all'" \
			-c "ALTER ROLE postgres SET pg_stat_statements.track_planning = on"
		rr "$rounds2" 0 $(seq $((base + 1)) $((base + 6))) $((base + 12)) $((base + 13))
		psql_ -c "ALTER ROLE postgres RESET pg_stat_statements.track" \
			-c "ALTER ROLE postgres RESET pg_stat_statements.track_planning"
		# the next pool's rounds should not also check this learner
		[ "$P" != "${LOOP_POOLS##* }" ] && psql_ -At -c "SELECT al.drop_learner('$L')" >/dev/null
	done
	psql_ -At -c "SELECT al.stop_worker()" >/dev/null
fi
if want eer; then
	say "== eer: expected error reduction on mix_100k and digits (bench/eer.sql)"
	psql_ -X <bench/eer.sql >"$W/eer.txt" 2>&1 || say "  bench/eer.sql failed (see the report)"
	psql_ -At -c "\\copy (SELECT id FROM eer_digits WHERE label IS NOT NULL ORDER BY id) TO '$W/eer_labeled.txt'"
	psql_ -At -c "\\copy (SELECT item_id, expected_error FROM eer_digits_ranking ORDER BY rank) TO '$W/eer_ranking.txt'"
	EER_SECS=$(psql_ -At -c "SELECT seconds FROM eer_digits_seconds")
	if "$PY" -c 'import numpy, sklearn.linear_model' 2>/dev/null; then
		say "  scikit-learn: a refit per candidate and class (bench/eer_sklearn.py)"
		"$PY" bench/eer_sklearn.py data/digits.csv.gz "$W/eer_labeled.txt" "$W/eer_ranking.txt" "$EER_SECS" \
			>>"$W/eer.txt" 2>&1 || echo "bench/eer_sklearn.py failed" >>"$W/eer.txt"
	else
		echo "== scikit-learn comparison skipped: $PY lacks numpy or scikit-learn" >>"$W/eer.txt"
	fi
	say "  the warm-started updates against the brute force (bench/eer_accuracy.c, about a minute)"
	${CC:-gcc} -O2 -Wall -Wextra -Isrc/core $OPENBLAS_CFLAGS_BENCH -o build/bench/eer_accuracy bench/eer_accuracy.c \
		src/core/al_blas.c src/core/al_rng.c src/core/lbfgs.c src/core/softmax_model.c src/core/softmax_train.c \
		src/core/select_eer.c src/core/scores.c -lm -ldl
	gzip -dc data/digits.csv.gz >"$W/digits.csv"
	{
		echo "== the warm-started updates against the brute force (a fit from scratch per candidate and class, to"
		echo "   convergence) on digits, raw pixels (bench/eer_accuracy.c; concordance = pairs of candidates in the same order)"
		build/bench/eer_accuracy "$W/digits.csv" 30 100 1000 2 log | sed 's/^/   /'
	} >>"$W/eer.txt" 2>&1
fi
if want backtest; then
	say "== backtest: digits, 10 strategies x batches 10 and 50 x 10 seeds; selectors on 100,000 x 64"
	psql_ -q <bench/backtest.sql >build/bench/backtest.txt
	say "== backtest against a real learner on the same splits (bench/backtest_learner.sql)"
	{
		echo "SET bl.strategies = '${AL_BENCH_BL_STRATEGIES:-margin,entropy}';"
		echo "SET bl.seeds = '10'; SET bl.batch = '10'; SET bl.budget = '300';"
		cat bench/backtest_learner.sql
	} | psql_ -q >>build/bench/backtest.txt
	say "== one learner round per batch option on 100,000 x 64 (bench/round_select.sql)"
	psql_ -q <bench/round_select.sql >>build/bench/backtest.txt
fi
if want models13; then
	say "== models13: one-vs-rest and ridge in the store beside scikit-learn (bench/models13.py)"
	if [ $HAVE_SK = 1 ]; then
		( cd bench && "$PY" models13.py "$W" "$PORT" "${AL_BENCH_M13_ROUNDS:-3}" ) >"$W/models13.txt" 2>&1 ||
			echo "bench/models13.py failed" >>"$W/models13.txt"
	else
		echo "== models13 skipped: $PY lacks numpy, psycopg2 or scikit-learn" >"$W/models13.txt"
	fi
fi
if want curves13; then
	say "== curves13: regression and multi-label learning curves against random (bench/curves13.sql, its own database)"
	c13() { cluster_psql "$W" "$PORT" -d curves13 "$@"; }
	psql_ -q -c "CREATE DATABASE curves13"
	c13 -q -c "CREATE EXTENSION al_ext" -c "CREATE TABLE digits_raw (n serial, line text)" \
		-c "CREATE TABLE wine_raw (n serial, line text)"
	zcat data/digits.csv.gz | c13 -q -c "\copy digits_raw (line) FROM STDIN"
	tail -n +2 data/wine.csv | c13 -q -c "\copy wine_raw (line) FROM STDIN"
	c13 -q -v seeds="${AL_BENCH_C13_SEEDS:-10}" -v wine_rounds="${AL_BENCH_C13_WINE_ROUNDS:-20}" \
		-v tag_rounds="${AL_BENCH_C13_TAG_ROUNDS:-30}" -f - <bench/curves13.sql >"$W/curves13.txt" 2>&1 ||
		say "  bench/curves13.sql failed (see the report)"
	psql_ -q -c "DROP DATABASE curves13"
fi
if want external || want annotators; then
	# the learners of the sections before (loop, backtest) go first, so
	# that their rankings' rows do not weigh on these timings
	n=$(psql_ -At -c "SELECT count(al.drop_learner(name)) FROM al.learners")
	[ "$n" != 0 ] && say "  dropped the $n learners of the sections before"
	psql_ -c "VACUUM (ANALYZE) al.scores"
fi
if want external; then
	say "== external: ranking 3 prediction versions of $EXT_ROWS rows, then $EXT_BATCHES batches (bench/external.sql)"
	psql_ -v batches="$EXT_BATCHES" <bench/external.sql >"$W/external.txt" 2>&1 ||
		say "  bench/external.sql failed (see the report)"
	# the next section's batches should not scan this learner's ranking too
	psql_ -At -c "SELECT al.drop_learner('ext')" -c "VACUUM (ANALYZE) al.scores" >/dev/null 2>&1 || true
fi
if want ingest; then
	say "== ingest: jsonb to al.probvec, $INGEST_ROWS rows (bench/ingest.sql)"
	psql_ <bench/ingest.sql >"$W/ingest.txt" 2>&1 || say "  bench/ingest.sql failed (see the report)"
fi
if want annotators; then
	say "== annotators: al.next_batch from $EXT_ROWS rows with $ANNOTATORS concurrent annotators, $ANN_BATCHES transactions each (pgbench)"
	bench_annotators >"$W/annotators.txt" 2>&1 || say "  annotators failed (see the report)"
fi
if want rounds; then
	say "== rounds: pools $ROUND_POOLS, $ROUND_RUNS runs each (bench/rounds.sql)"
	bench_rounds >"$W/rounds.txt" 2>&1 || say "  rounds failed (see the report)"
fi
if want parallel; then
	say "== parallel: pools $PARALLEL_POOLS, $ROUND_RUNS runs each (bench/parallel.sql)"
	bench_parallel >"$W/parallel.txt" 2>&1 || say "  parallel failed (see the report)"
fi
if want perlearner; then
	say "== perlearner: a small learner's round beside 0, 100k and 1m rows of another learner, $ROUND_RUNS runs each (bench/perlearner.sql)"
	psql_ -v runs="$ROUND_RUNS" <bench/perlearner.sql >"$W/perlearner.txt" 2>&1 ||
		say "  bench/perlearner.sql failed (see the report)"
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

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
	echo "sections:$SEL(AL_BENCH_SECTIONS)"
	echo "models, loop: round-robin timing (bench/run_bench.sh rr): every case of a group once per round, in order,"
	echo "        each in its own session, timed in the server like the rest (scikit-learn: fit() alone, client clock);"
	echo "        medians of the rounds after a warm-up round; the loop's latency: client wall clock (bench/loop_bench.py)"
	echo "data (bench/gen_data.c, generated + loaded + derived in ${DATA_SECS} s):"
	psql_ -At -F ': ' -c "SELECT key, value FROM bench.info ORDER BY key" | sed 's/^/  /'
	SECVARS=()
	for s in $SCORE_SECTIONS; do want "$s" && SECVARS+=(-v "sec_$s=true") || SECVARS+=(-v "sec_$s=false"); done
	want_scores && psql_ "${SECVARS[@]}" <bench/report.sql
	want models && psql_ <bench/report_models.sql
	want loop && psql_ <bench/report_loop.sql
	want eer && cat "$W/eer.txt"
	want backtest && cat build/bench/backtest.txt
	want models13 && cat "$W/models13.txt"
	want curves13 && cat "$W/curves13.txt"
	want external && cat "$W/external.txt"
	want ingest && cat "$W/ingest.txt"
	want annotators && cat "$W/annotators.txt"
	want rounds && cat "$W/rounds.txt"
	want parallel && cat "$W/parallel.txt"
	want perlearner && cat "$W/perlearner.txt"
	echo "total time of make bench: $((END - START)) s"
} | tee "$OUT"
say "written to $OUT"
