#!/usr/bin/env bash
# Benchmark: `sessions summary --by reference` (a view per stream now: sessions, bytes and rates
# per stream and collector) against curl + jq grouping the same datarhei Core reply, SESSIONS
# sessions over 50 streams (bench/gen_core_reply.py), served as Core serves it
# (bench/core_standin.py, which answers /api/v3/session with a summary of the three collectors).
# Needs python3, curl and jq; builds the release binary unless BIN names one.
# Usage: bench/per_stream.sh [SESSIONS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${2:-10}
out=bench/out/per_stream
mkdir -p "$out"
if [[ -z ${BIN:-} ]]; then
    cargo build --release --quiet --bin sessions
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/sessions
fi
bin=$BIN
python3 bench/gen_core_reply.py "$n" "$out/active.json"
# Core's summary: per collector its active figures and an empty history.
python3 - "$out/summary.json" <<'PY'
import json, sys
empty = {"remote": {}, "local": {}, "reference": {}, "sessions": 0, "traffic_rx_mb": 0, "traffic_tx_mb": 0}
active = {"list": [], "sessions": 0, "bandwidth_rx_mbit": 0.0, "bandwidth_tx_mbit": 0.0,
          "max_sessions": 0, "max_bandwidth_rx_mbit": 0.0, "max_bandwidth_tx_mbit": 0.0}
json.dump({c: {"active": active, "summary": empty} for c in ["hls", "rtmp", "srt"]}, open(sys.argv[1], "w"))
PY
portfile=$out/port
rm -f "$portfile"
SUMMARY_FILE=$out/summary.json python3 bench/core_standin.py "$out/active.json" >"$portfile" &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do [[ -s $portfile ]] && break; sleep 0.1; done
base="http://127.0.0.1:$(cat "$portfile")"
q="api/v3/session/active?collectors=hls,rtmp,srt"
# The same rows as `-o tsv`: collector, key, sessions, whole MiB, bytes, bit/s.
jq_tsv='to_entries[] | .key as $c | .value | group_by(.reference)[]
  | [$c, .[0].reference, length, ((map(.bytes_rx) | add) / 1048576 | floor), ((map(.bytes_tx) | add) / 1048576 | floor),
     (map(.bytes_rx) | add), (map(.bytes_tx) | add), (map(.bandwidth_rx_kbit) | add * 1024), (map(.bandwidth_tx_kbit) | add * 1024)] | @tsv'
a=$("$bin" --url "$base" summary --by reference --collectors hls,rtmp,srt -o tsv --no-headers | wc -l)
b=$(curl -s --compressed "$base/$q" | jq -r "$jq_tsv" | wc -l)
[[ $a == "$b" && $a == 150 ]] || { echo "row counts differ: sessions $a, jq $b, want 150" >&2; exit 1; }
echo "reply: $n sessions, $(stat -c %s "$out/active.json") bytes, 50 streams × 3 collectors, $runs runs each, alternated"
python3 bench/measure.py "$runs" \
    "sessions summary --by reference -o tsv" "'$bin' --url '$base' summary --by reference --collectors hls,rtmp,srt -o tsv > /dev/null" \
    "curl --compressed | jq group_by @tsv" "curl -s --compressed '$base/$q' | jq -r '$jq_tsv' > /dev/null"
