#!/usr/bin/env bash
# End-to-end timing of `sessions` against a TwinCAT HMI stand-in on loopback:
# ListActiveSessions with CLIENTS clients and SUBS subscriptions, rendered as JSON and as a table.
# Not a test: prints figures. Usage: bench/tchmi.sh [RUNS] [CLIENTS] [SUBS]
# PROFILE=debug bench/tchmi.sh measures a debug build instead of the release one.
set -euo pipefail

runs=${1:-20}
clients=${2:-10000}
subs=${3:-5000}
profile=${PROFILE:-release}
cd "$(dirname "$0")/.."

flag=()
[[ $profile == release ]] && flag=(--release)
cargo build --quiet "${flag[@]}" --bin sessions --example tchmi_bench_server
target=${CARGO_TARGET_DIR:-target}
bin=$target/$profile/sessions
server=$target/$profile/examples/tchmi_bench_server
out=bench/out
mkdir -p "$out"

"$server" "$clients" "$subs" >"$out/port" 2>"$out/server.log" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do [[ -s $out/port ]] && break; sleep 0.1; done
url="ws://127.0.0.1:$(cat "$out/port")/"
cat "$out/server.log"

# min / median / max wall time in ms over $runs runs of the command, output to a file.
measure() {
    local label=$1; shift
    local times=()
    "$bin" --url "$url" "$@" >"$out/last" # warm-up, and a check that it works
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N)
        "$bin" --url "$url" "$@" >"$out/last"
        end=$(date +%s%N)
        times+=($(((end - start) / 1000000)))
    done
    local sorted
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    local rss
    rss=$( { /usr/bin/time -f %M "$bin" --url "$url" "$@" >/dev/null; } 2>&1 | tail -1)
    printf '%-42s min %4d ms  median %4d ms  max %4d ms  peak RSS %6d KiB  output %8d bytes\n' \
        "$label" "$(head -1 <<<"$sorted")" "$(sed -n "$(((runs + 1) / 2))p" <<<"$sorted")" \
        "$(tail -1 <<<"$sorted")" "$rss" "$(stat -c %s "$out/last")"
}

echo "profile: $profile, runs: $runs, clients: $clients, subscriptions: $subs"
# With MEASURE_TSV=1 (bench/all.sh) only the comparison with the peer, as tab-separated rows.
if [[ -z ${MEASURE_TSV:-} ]]; then
    measure "clients -o json" clients -o json
    measure "clients (table)" clients
    measure "subscriptions --lengths --durations -o json" subscriptions --lengths --durations -o json
    measure "subscriptions --lengths --durations (table)" subscriptions --lengths --durations
    measure "active -o json" active -o json
fi
m=bench/measure.py
python3 $m "$runs" "sessions clients -o tsv" "'$bin' --url '$url' clients -o tsv > /dev/null"
python3 $m "$runs" "python3 WebSocket + json (peer)" "python3 bench/tchmi_peer.py '$url' > /dev/null"
