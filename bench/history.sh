#!/usr/bin/env bash
# Benchmark: `sessions history` over a store of N finished sessions (default 1,000,000, one
# target, 30 days; bench/history_fill.py) against sqlite3 reading the same rows: the listing as
# TSV (`--since 30d -o tsv` against `sqlite3 -tabs`) and viewers over time (`--every 1h -o tsv`
# against a GROUP BY of the sessions that ended per hour, which is less than `--every` computes:
# it has no peak). farm-bench runs each pair in turn and prints the medians.
# Needs python3, sqlite3 and farm-bench; builds the release binary unless BIN names one.
# Usage: bench/history.sh [N] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${2:-5}
out=$PWD/bench/out/history
mkdir -p "$out"
if [[ -z ${BIN:-} ]]; then
    cargo build --release --quiet --bin sessions
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/sessions
fi
db=$out/history.sqlite3
if [[ ! -s $db || $(sqlite3 "$db" 'SELECT count(*) FROM finished') != "$n" ]]; then
    python3 bench/history_fill.py "$db" "$n" 30 studio
fi
home=$out/home
mkdir -p "$home/.config/sessions"
printf '[contexts.studio]\nurl = "http://127.0.0.1:9"\n' >"$home/.config/sessions/config.toml"
chmod 600 "$home/.config/sessions/config.toml"
since=$(($(date +%s) - 30 * 86400))
sessions="env -i HOME=$home $BIN --context studio history --db $db --since 30d"
echo "== history --since 30d -o tsv: $n rows"
farm-bench -n "$runs" --timeout 600 --vs "sqlite3 -tabs $db \"SELECT target, collector, session_id, reference, local, remote, created_at, rx_bytes, tx_bytes, closed_at FROM finished WHERE target = 'studio' AND closed_at >= $since ORDER BY closed_at DESC, created_at DESC\"" \
    -- $sessions -o tsv
echo "== history --since 30d --every 1h -o tsv"
farm-bench -n "$runs" --timeout 600 --vs "sqlite3 -tabs $db \"SELECT closed_at / 3600, count(*), sum(rx_bytes), sum(tx_bytes) FROM finished WHERE target = 'studio' AND closed_at >= $since GROUP BY 1 ORDER BY 1\"" \
    -- $sessions --every 1h -o tsv
