#!/usr/bin/env bash
# The table rows of the performance record: `sessions active` as a table (piped, on a 200-column
# terminal, and -o wide) against -o tsv (the goal) and against curl + jq doing the same job (the
# table's ten columns picked by jq, aligned by `column -t`), on a datarhei Core reply with
# SESSIONS sessions served on loopback. Each row is bench/measure.py's median of RUNS runs, the
# rows alternated.
# BASELINE=path/to/an/older/sessions adds its table rows (before/after).
# Needs python3, curl, jq, column (bsdextrautils), script (util-linux) and GNU time; builds the
# release binary unless BIN names one.
# Usage: bench/table.sh [SESSIONS] [RUNS]   (MEASURE_TSV=1: tab-separated rows for bench/all.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${2:-10}
out=bench/out/table
mkdir -p "$out/api/v3/session"
if [[ -z ${BIN:-} ]]; then
    cargo build --release --quiet --bin sessions
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/sessions
fi
bin=$BIN

body=$out/api/v3/session/active
python3 bench/gen_core_reply.py "$n" "$body"
size=$(stat -c %s "$body")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
url="http://127.0.0.1:$port"
q="api/v3/session/active?collectors=hls,hlsingress,http,https,rtmp,srt,ffmpeg"

# The default table's columns, in its order; jq leaves the units raw, `column` aligns them.
table_jq='now as $now | ["COLLECTOR","ID","REFERENCE","LOCAL","REMOTE","AGE","RX RATE","TX RATE","RX","TX"], (to_entries[] | .key as $c | .value[] | [$c, .id, .reference, .local, .remote, ($now - .created_at | floor), (.bandwidth_rx_kbit * 1024), (.bandwidth_tx_kbit * 1024), .bytes_rx, .bytes_tx]) | @tsv'
peer="curl -s '$url/$q' | jq -r '$table_jq' | column -t -s \$'\\t'"
# On a terminal of 200 columns: `script` gives the binary one (its relay is part of the cost).
terminal() { printf "COLUMNS=200 script -qec \"'%s' --url '%s' active\" /dev/null > /dev/null" "$1" "$url"; }

# Same rows out of all of them (sanity check, not timed).
a=$("$bin" --url "$url" active | wc -l)
b=$(eval "$peer" | wc -l)
c=$(COLUMNS=200 script -qec "'$bin' --url '$url' active" /dev/null | wc -l)
[[ $a == $((n + 1)) && $b == $((n + 1)) && $c == $((n + 1)) ]] ||
    { echo "line counts differ: table $a, terminal $c, jq + column $b, want $((n + 1))" >&2; exit 1; }

[[ -n ${MEASURE_TSV:-} ]] || echo "reply: $n sessions, $size bytes ($((size / 1048576)) MiB), $runs runs each, alternated"
rows=()
if [[ -n ${BASELINE:-} ]]; then
    rows+=("baseline active (table, piped)" "'$BASELINE' --url '$url' active > /dev/null"
        "baseline active (table, 200-column terminal)" "$(terminal "$BASELINE")"
        "baseline active -o wide" "'$BASELINE' --url '$url' active -o wide > /dev/null")
fi
# One call: measure.py alternates the rows, so their ratios hold on a shared machine.
python3 bench/measure.py "$runs" "${rows[@]}" \
    "sessions active (table, piped)" "'$bin' --url '$url' active > /dev/null" \
    "sessions active (table, 200-column terminal)" "$(terminal "$bin")" \
    "sessions active -o wide" "'$bin' --url '$url' active -o wide > /dev/null" \
    "sessions active -o tsv" "'$bin' --url '$url' active -o tsv > /dev/null" \
    "curl | jq -r @tsv | column -t (same table)" "$peer > /dev/null"
