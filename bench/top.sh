#!/usr/bin/env bash
# Benchmark: `sessions top` with SESSIONS sessions (default 100,000) from one datarhei Core
# stand-in (bench/core_standin.py): the first screen, how soon keys show, the CPU of an idle
# minute between refreshes, and the peak memory against the reply's size (bench/top.py drives it
# on a pseudo-terminal). For reference, the time of `active -o tsv` on the same reply.
# Needs python3; builds the release binary unless BIN names one.
# Usage: bench/top.sh [SESSIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
out=bench/out/top
mkdir -p "$out"
if [[ -z ${BIN:-} ]]; then
    cargo build --release --quiet --bin sessions
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/sessions
fi
body=$out/active.json
python3 bench/gen_core_reply.py "$n" "$body"
portfile=$out/port
rm -f "$portfile"
python3 bench/core_standin.py "$body" >"$portfile" &
server=$!
trap 'kill "$server" 2>/dev/null' EXIT
for _ in $(seq 50); do [[ -s $portfile ]] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$portfile")"
echo "reply: $n sessions, $(stat -c %s "$body") bytes"
start=$(date +%s.%N)
"$BIN" --url "$url" active -o tsv >/dev/null
echo "active -o tsv (for reference): $(echo "$(date +%s.%N) - $start" | bc) s"
python3 bench/top.py "$BIN" "$url" "$n"
