#!/usr/bin/env bash
# Benchmark: `sessions active` against curl + jq doing the same job, on a datarhei Core reply with
# SESSIONS sessions served on loopback the way Core serves it (bench/core_standin.py): gzipped at
# level 1 as it streams, chunked, when the client asks for gzip (as curl --compressed does), and
# plain from a base URL under /plain (a Core whose client does not ask). Every row of one call is
# measured in alternation (bench/measure.py), so the ratios come from the same moments.
# `sessions` asks a server on loopback for the plain body (docs/performance.md); with GZIP_ADDR set
# to an address of this machine that is not loopback, a second stand-in listens there and rows for
# `sessions` asking for gzip, as it does from a remote Core, are added (the bytes still go through
# the kernel's loopback path, so the network costs nothing).
# BASELINE=path/to/an/older/sessions adds its rows to every group, in the same alternation.
# Needs python3, curl and jq; builds the release binary unless BIN names one.
# Usage: bench/datarhei.sh [SESSIONS] [RUNS]   (MEASURE_TSV=1: tab-separated rows for bench/all.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${2:-10}
out=bench/out/datarhei
mkdir -p "$out"
if [[ -z ${BIN:-} ]]; then
    cargo build --release --quiet --bin sessions
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/sessions
fi
bin=$BIN

body=$out/active.json
python3 bench/gen_core_reply.py "$n" "$body"
size=$(stat -c %s "$body")
servers=()
trap 'kill "${servers[@]}" 2>/dev/null' EXIT
# standin ADDRESS: starts a stand-in there; its base URL goes into $base.
standin() {
    local portfile=$out/port.$1
    rm -f "$portfile"
    python3 bench/core_standin.py "$body" "$1" >"$portfile" &
    servers+=($!)
    for _ in $(seq 50); do [[ -s $portfile ]] && break; sleep 0.1; done
    base="http://$1:$(cat "$portfile")"
}
standin 127.0.0.1
gz=$base
plain="$gz/plain"
q="api/v3/session/active?collectors=hls,hlsingress,http,https,rtmp,srt,ffmpeg"

# The fields and order of `sessions active -o tsv` / `-o json` (jq keeps Core's order, which is
# ours but for ties; it does not sort).
tsv_jq='now as $now | to_entries[] | .key as $c | .value[] | [$c, .id, .reference, .local, .remote, (.created_at | todate), ($now - .created_at | floor), (.bandwidth_rx_kbit * 1024), (.bandwidth_tx_kbit * 1024), .bytes_rx, .bytes_tx, .extra] | @tsv'
json_jq='now as $now | [to_entries[] | .key as $c | .value[] | {collector: $c, id, reference, local, remote, created_at: (.created_at | todate), age_s: ($now - .created_at | floor), rx_bytes: .bytes_rx, tx_bytes: .bytes_tx, rx_bit_s: (.bandwidth_rx_kbit * 1024), tx_bit_s: (.bandwidth_tx_kbit * 1024), rx_kibit_s: .bandwidth_rx_kbit, tx_kibit_s: .bandwidth_tx_kbit, extra}]'

# Same rows out of both, and the stand-in really compresses (sanity checks, not timed).
a=$("$bin" --url "$gz" active -o tsv --no-headers | wc -l)
b=$(curl -s --compressed "$gz/$q" | jq -r "$tsv_jq" | wc -l)
[[ $a == "$n" && $b == "$n" ]] || { echo "row counts differ: sessions $a, jq $b, want $n" >&2; exit 1; }
zsize=$(curl -s -H 'Accept-Encoding: gzip' "$gz/$q" | wc -c)
(( zsize < size / 2 )) || { echo "the stand-in did not compress ($zsize of $size bytes)" >&2; exit 1; }

echo "reply: $n sessions, $size bytes ($((size / 1048576)) MiB; gzip level 1: $zsize bytes), $runs runs each, alternated"
m=bench/measure.py
# baseline SUFFIX URL: the BASELINE binary's rows for one group, as measure.py arguments.
baseline() {
    [[ -n ${BASELINE:-} ]] || return 0
    printf '%s\0' "baseline active -o tsv ($1)" "'$BASELINE' --url '$2' active -o tsv > /dev/null" \
        "baseline active -o json ($1)" "'$BASELINE' --url '$2' active -o json > /dev/null"
}
echo "-- gzip when asked (as Core sends it)"
mapfile -d '' extra < <(baseline gzip "$gz")
python3 $m "$runs" "${extra[@]}" \
    "sessions active -o tsv (gzip)" "'$bin' --url '$gz' active -o tsv > /dev/null" \
    "curl --compressed | jq -r @tsv (gzip)" "curl -s --compressed '$gz/$q' | jq -r '$tsv_jq' > /dev/null" \
    "sessions active -o json (gzip)" "'$bin' --url '$gz' active -o json > /dev/null" \
    "curl --compressed | jq JSON rows (gzip)" "curl -s --compressed '$gz/$q' | jq -c '$json_jq' > /dev/null" \
    "curl --compressed > /dev/null (gzip)" "curl -s --compressed '$gz/$q' > /dev/null"
if [[ -n ${GZIP_ADDR:-} ]]; then
    standin "$GZIP_ADDR"
    net=$base
    echo "-- gzip asked for and inflated by sessions (the stand-in at $GZIP_ADDR, not loopback)"
    mapfile -d '' extra < <(baseline "gzip asked" "$net")
    python3 $m "$runs" "${extra[@]}" \
        "sessions active -o tsv (gzip asked)" "'$bin' --url '$net' active -o tsv > /dev/null" \
        "curl --compressed | jq -r @tsv (gzip asked)" "curl -s --compressed '$net/$q' | jq -r '$tsv_jq' > /dev/null" \
        "sessions active -o json (gzip asked)" "'$bin' --url '$net' active -o json > /dev/null" \
        "curl --compressed | jq JSON rows (gzip asked)" "curl -s --compressed '$net/$q' | jq -c '$json_jq' > /dev/null" \
        "curl --compressed > /dev/null (gzip asked)" "curl -s --compressed '$net/$q' > /dev/null"
fi
echo "-- plain (a client that does not ask for gzip)"
mapfile -d '' extra < <(baseline plain "$plain")
python3 $m "$runs" "${extra[@]}" \
    "sessions active -o tsv (plain)" "'$bin' --url '$plain' active -o tsv > /dev/null" \
    "curl | jq -r @tsv (plain)" "curl -s '$plain/$q' | jq -r '$tsv_jq' > /dev/null" \
    "sessions active -o json (plain)" "'$bin' --url '$plain' active -o json > /dev/null" \
    "curl | jq JSON rows (plain)" "curl -s '$plain/$q' | jq -c '$json_jq' > /dev/null" \
    "curl > /dev/null (plain)" "curl -s '$plain/$q' > /dev/null"
