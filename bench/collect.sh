#!/usr/bin/env bash
# Benchmark: `sessions collect` of one datarhei Core stand-in with N live sessions (default
# 10,000) that churn RATE a second (default 20; bench/churn_standin.py) at --interval 1s for
# SECONDS (default 60): the CPU it takes as a share of one core, its peak memory (GNU time), and
# the sessions it recorded as ended against those that ended.
# Needs python3 and GNU time (/usr/bin/time); builds the release binary unless BIN names one.
# Usage: bench/collect.sh [N] [RATE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
rate=${2:-20}
secs=${3:-60}
out=$PWD/bench/out/collect
mkdir -p "$out"
if [[ -z ${BIN:-} ]]; then
    cargo build --release --quiet --bin sessions
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/sessions
fi
rm -f "$out"/store.sqlite3* "$out"/port
python3 bench/churn_standin.py "$n" "$rate" >"$out/port" &
server=$!
trap 'kill "$server" 2>/dev/null' EXIT
for _ in $(seq 50); do [[ -s $out/port ]] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$out/port")"
# SIGINT after SECONDS: collect stores what it saw and exits 0.
/usr/bin/time -f "%e %U %S %M" -o "$out/time" \
    timeout -s INT "$secs" env -i HOME="$out" "$BIN" --url "$url" collect --interval 1s \
    --db "$out/store.sqlite3" >"$out/lines.ndjson" 2>"$out/stderr" || true
read -r wall user sys peak < <(tail -1 "$out/time")
stored=$(sqlite3 "$out/store.sqlite3" 'SELECT count(*) FROM finished')
awk -v w="$wall" -v u="$user" -v s="$sys" -v p="$peak" -v n="$n" -v r="$rate" -v l="$(wc -l <"$out/lines.ndjson")" -v st="$stored" 'BEGIN {
    printf "collect: %d sessions churning %d/s, --interval 1s, %.0f s: CPU %.1f %% of one core (user %.1f s, sys %.1f s), peak %.1f MiB; %d ended sessions printed, %d stored\n",
        n, r, w, (u + s) / w * 100, u, s, p / 1024, l, st }'
