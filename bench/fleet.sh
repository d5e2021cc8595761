#!/usr/bin/env bash
# bench/fleet.sh: `sessions --all-contexts active` against a fleet of datarhei Core stand-ins on
# loopback (one process, many ports: bench/fleet_standin.py), under the usual soft open-file
# limit of 1024, against curl + jq fetching the same URLs with the same parallelism. Then peak
# memory for the same total of sessions spread over fewer targets, and for empty answers: memory
# follows the answers, not the number of targets. Not a test: prints timings.
#
#   TARGETS=2000 RUNS=5 BIN=target/release/sessions bash bench/fleet.sh
#
# Needs python3, curl (7.66 or later, for --parallel), jq, GNU time, and `ulimit -Hn` of at
# least TARGETS + 1024 for the stand-ins.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=${TARGETS:-2000}
RUNS=${RUNS:-5}
PARALLEL=${PARALLEL:-64}
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/sessions}
[ -x "$BIN" ] || { echo "bench: build first (cargo build --release), or set BIN" >&2; exit 1; }
for tool in python3 curl jq; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }
done
want=$((TARGETS + 1024))
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] || [ "$hard" -ge "$want" ] || { echo "bench: ulimit -Hn is $hard; $TARGETS targets need $want" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# A fleet of $1 targets answering $2 sessions each, its config in $work/$3.toml.
fleet() {
    (ulimit -n "$want"; exec python3 bench/fleet_standin.py "$1" "$2" "$work/$3.toml" "$work/$3.ready") &
    pids+=($!)
    while [ ! -e "$work/$3.ready" ]; do sleep 0.1; done
}
fleet "$TARGETS" 1 main
fleet "$((TARGETS / 10))" 10 tenth
fleet "$TARGETS" 0 empty
echo "bench: $TARGETS targets (1 session each) on 127.0.0.1, $PARALLEL at a time; binary $BIN"

# Both sides under the soft limit most systems start with (sessions raises it to the hard
# limit itself, and asks within it).
limit="ulimit -Sn 1024;"
ours() { echo "$limit $BIN --config $work/$1.toml --all-contexts --parallel $PARALLEL active -o tsv --no-headers"; }
peer="$limit curl -s --no-progress-meter --parallel --parallel-max $PARALLEL -K $work/main.toml.urls | jq -r '.rtmp[] | [.id, .reference, .local, .remote, .created_at, .bytes_rx, .bytes_tx, .bandwidth_rx_kbit, .bandwidth_tx_kbit] | @tsv'"
rows=$(bash -c "$(ours main)" | wc -l)
[ "$rows" = "$TARGETS" ] || { echo "bench: sessions printed $rows rows, not $TARGETS" >&2; exit 1; }
[ "$(bash -c "$peer" | wc -l)" = "$TARGETS" ] || { echo "bench: curl | jq did not get every row" >&2; exit 1; }

if [ -n "${MEASURE_TSV:-}" ]; then
    python3 bench/alternate.py "$RUNS" "sessions --all-contexts active ($TARGETS targets)=$(ours main)" \
        "curl --parallel | jq ($TARGETS targets)=$peer"
    exit 0
fi
python3 bench/alternate.py "$RUNS" \
    "sessions, $TARGETS targets × 1 session=$(ours main)" \
    "curl --parallel | jq, $TARGETS targets × 1=$peer"
python3 bench/alternate.py "$RUNS" \
    "sessions, $((TARGETS / 10)) targets × 10 sessions=$(ours tenth)" \
    "sessions, $TARGETS targets × 0 sessions=$(ours empty)"
