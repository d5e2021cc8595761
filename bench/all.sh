#!/usr/bin/env bash
# The performance record in one markdown table: start-up (`sessions --version`), datarhei Core's
# 100,000-session reply against curl + jq (TSV and JSON; the table against jq + column,
# bench/table.sh), the TcHmi 10,000-client reply against a Python standard-library client, the
# local collector with 10,000 connections against ss; each peer measured in the same run, with
# the ratio and peak memory.
# Needs python3, curl, jq, ss, column, script and GNU time (/usr/bin/time); perf for start-up if
# it works here.
# GZIP_ADDR (see bench/datarhei.sh) adds the rows of `sessions` inflating gzip itself.
# Usage: bench/all.sh [RUNS]   (RUNS per measurement, default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release --quiet --bin sessions --example tchmi_bench_server
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/sessions
rows=$(mktemp)
trap 'rm -f "$rows" "$rows.perf"' EXIT

# Mean wall time in ms of a tiny command: `perf stat -r 500` where perf works, else a loop.
startup_ms() {
    if perf stat -r 500 --null -- "$@" >/dev/null 2>"$rows.perf"; then
        awk '/seconds time elapsed/ { printf "%.2f", $1 * 1000 }' "$rows.perf"
    else
        local start end
        start=$(date +%s%N)
        for _ in $(seq 500); do "$@" >/dev/null; done
        end=$(date +%s%N)
        awk -v ns=$((end - start)) 'BEGIN { printf "%.2f", ns / 500 / 1e6 }'
    fi
}
peak_kib() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

for cmd in "$bin" curl jq; do
    printf '%s --version\t%s\t%s\n' "$(basename "$cmd")" "$(startup_ms "$cmd" --version)" \
        "$(peak_kib "$cmd" --version)" >>"$rows"
done
export MEASURE_TSV=1
BIN=$bin bench/datarhei.sh 100000 "$runs" | tee /dev/stderr | grep -P '\t' >>"$rows"
BIN=$bin bench/table.sh 100000 "$runs" | tee /dev/stderr | grep -P '\t' >>"$rows"
bench/tchmi.sh "$runs" 10000 | tee /dev/stderr | grep -P '\t' >>"$rows"
N=10000 RUNS="$runs" BIN="$bin" bench/local.sh | tee /dev/stderr | grep -P '\t' >>"$rows"
size=$(stat -c %s bench/out/datarhei/active.json)

# label -> "ms<TAB>KiB"
declare -A got
while IFS=$'\t' read -r label ms kib; do got[$label]="$ms"$'\t'"$kib"; done <"$rows"
row() { # what, ours, peer
    local o_ms o_kib p_ms p_kib
    IFS=$'\t' read -r o_ms o_kib <<<"${got[$2]}"
    IFS=$'\t' read -r p_ms p_kib <<<"${got[$3]}"
    awk -v w="$1" -v o="$2" -v p="$3" -v om="$o_ms" -v ok="$o_kib" -v pm="$p_ms" -v pk="$p_kib" 'BEGIN {
        gsub(/\|/, "\\|", p)  # a pipeline is a cell, not two
        printf "| %s | `%s` | %.1f ms | %.1f MiB | `%s` | %.1f ms | %.1f MiB | **%.1f×** |\n",
            w, o, om, ok / 1024, p, pm, pk / 1024, pm / om }'
}
echo
echo "$(date -u +%F), $(nproc) cores, $runs runs per row (median), datarhei reply $((size / 1048576)) MiB:"
echo
echo "| job | sessions | time | peak RSS | peer | time | peak RSS | peer ÷ sessions |"
echo "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |"
row "start-up" "sessions --version" "curl --version"
row "start-up" "sessions --version" "jq --version"
row "datarhei, 100,000 sessions, TSV (Core gzips when asked)" "sessions active -o tsv (gzip)" "curl --compressed | jq -r @tsv (gzip)"
row "datarhei, 100,000 sessions, JSON (Core gzips when asked)" "sessions active -o json (gzip)" "curl --compressed | jq JSON rows (gzip)"
row "datarhei, transfer only (gzip: the floor)" "sessions active -o tsv (gzip)" "curl --compressed > /dev/null (gzip)"
if [[ -n ${got["sessions active -o tsv (gzip asked)"]:-} ]]; then
    row "datarhei, TSV, gzip asked for (as from a remote Core)" "sessions active -o tsv (gzip asked)" "curl --compressed | jq -r @tsv (gzip asked)"
    row "datarhei, JSON, gzip asked for (as from a remote Core)" "sessions active -o json (gzip asked)" "curl --compressed | jq JSON rows (gzip asked)"
fi
row "datarhei, 100,000 sessions, TSV (plain)" "sessions active -o tsv (plain)" "curl | jq -r @tsv (plain)"
row "datarhei, 100,000 sessions, JSON (plain)" "sessions active -o json (plain)" "curl | jq JSON rows (plain)"
row "datarhei, transfer only (plain: the floor)" "sessions active -o tsv (plain)" "curl > /dev/null (plain)"
row "datarhei, 100,000 sessions, table (piped)" "sessions active (table, piped)" "curl | jq -r @tsv | column -t (same table)"
row "datarhei, 100,000 sessions, table (200-column terminal)" "sessions active (table, 200-column terminal)" "curl | jq -r @tsv | column -t (same table)"
row "TcHmi, 10,000 clients, TSV" "sessions clients -o tsv" "python3 WebSocket + json (peer)"
row "local, 10,000 connections" "sessions active --sample 0s (local)" "ss -tinH"
row "local, 10,000 connections, with processes" "sessions active --sample 0s (local)" "ss -tinpH"
