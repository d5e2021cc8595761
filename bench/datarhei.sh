#!/usr/bin/env bash
# Benchmark: `sessions active` against curl + jq doing the same job, on a datarhei Core reply with
# 100,000 sessions served on loopback. Needs python3, curl and jq; builds the release binary.
# Usage: bench/datarhei.sh [SESSIONS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${2:-10}
out=bench/out/datarhei
mkdir -p "$out/api/v3/session"
cargo build --release --quiet
bin=$PWD/target/release/sessions

python3 bench/gen_core_reply.py "$n" "$out/api/v3/session/active"
size=$(stat -c %s "$out/api/v3/session/active")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
url="http://127.0.0.1:$port"
q="api/v3/session/active?collectors=hls,hlsingress,http,https,rtmp,srt,ffmpeg"

tsv_jq='to_entries[] | .key as $c | .value[] | [$c, .id, .reference, .local, .remote, (.created_at | todate), .bytes_rx, .bytes_tx, (.bandwidth_rx_kbit * 1024), (.bandwidth_tx_kbit * 1024), .extra] | @tsv'
json_jq='[to_entries[] | .key as $c | .value[] | {collector: $c, id, reference, local, remote, created_at: (.created_at | todate), rx_bytes: .bytes_rx, tx_bytes: .bytes_tx, rx_bit_s: (.bandwidth_rx_kbit * 1024), tx_bit_s: (.bandwidth_tx_kbit * 1024), extra}]'

# Same rows out of both (sanity check, not timed).
a=$("$bin" --url "$url" active -o tsv --no-headers | wc -l)
b=$(curl -s "$url/$q" | jq -r "$tsv_jq" | wc -l)
[ "$a" = "$n" ] && [ "$b" = "$n" ] || { echo "row counts differ: sessions $a, jq $b, want $n" >&2; exit 1; }

echo "reply: $n sessions, $size bytes ($(( size / 1048576 )) MiB), $runs runs each"
m=bench/measure.py
python3 $m "$runs" "sessions active -o tsv" "'$bin' --url '$url' active -o tsv > /dev/null"
python3 $m "$runs" "curl | jq -r @tsv" "curl -s '$url/$q' | jq -r '$tsv_jq' > /dev/null"
python3 $m "$runs" "sessions active -o json" "'$bin' --url '$url' active -o json > /dev/null"
python3 $m "$runs" "curl | jq (same JSON rows)" "curl -s '$url/$q' | jq -c '$json_jq' > /dev/null"
python3 $m "$runs" "curl -s > /dev/null (transfer only)" "curl -s '$url/$q' > /dev/null"
python3 $m "$runs" "sessions --version (start-up)" "'$bin' --version > /dev/null"
