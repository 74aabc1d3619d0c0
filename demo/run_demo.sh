#!/usr/bin/env bash
# make demo: on a fresh Debian 12 machine, install what is needed, build and
# install al_ext, start a throwaway PostgreSQL, then
#  1. on the breast-cancer data: which biopsies an expert should label next
#     under every score;
#  2. on the digits data: the whole loop with the background worker, entropy
#     sampling against random sampling, as learning curves;
#  3. which strategy the backtest would have chosen;
#  4. an LLM team's loop: predictions written by an external model (a stand-in,
#     said so), ingested from JSON, two experts, fine-tuning pulls, stop rules;
#  5. a regression learner (wine) and a multi-label learner (digit tags), each
#     against random sampling.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

bash .ci/install-deps.sh
echo "== building and installing al_ext"
build_and_install

W=$(al_workdir demo)
PORT=$(al_free_port)
trap 'cluster_stop "$W"; rm -rf "$W"' EXIT
echo "== starting a throwaway PostgreSQL 15 in $W"
cluster_start "$W" "$PORT" "max_parallel_workers_per_gather = 2" "al_ext.naptime = 200ms" >/dev/null

psql_demo() { cluster_psql "$W" "$PORT" -d postgres "$@"; }

psql_demo -c "CREATE EXTENSION al_ext" \
	-c "CREATE TABLE biopsy_raw (n serial, line text)"
# the data are piped in, so the server's OS user need not read this tree
tail -n +2 data/breast_cancer.csv | psql_demo -c "\copy biopsy_raw (line) FROM STDIN"
psql_demo -f - < demo/demo.sql
source demo/run_digits.sh
source demo/run_llm.sh
source demo/run_families.sh
