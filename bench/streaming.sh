#!/usr/bin/env bash
# Benchmark: `sessions active -o tsv` against curl + jq doing the same paging job, on 10,000 SRS
# clients and 10,000 MediaMTX RTMP connections served paged, as the real servers page them, by
# bench/streaming_server.py on loopback. Runs alternate (sessions, curl + jq, sessions, …); each
# figure is the median, peak RSS the largest of any run. Prints one markdown table.
# Needs python3, curl, jq and GNU time (/usr/bin/time); builds the release binary once.
# Usage: bench/streaming.sh [RUNS] [SRS_CLIENTS] [MEDIAMTX_CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
n_srs=${2:-10000}
n_mtx=${3:-10000}
cargo build --release --quiet --bin sessions
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/sessions

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 bench/streaming_server.py "$port" "$n_srs" "$n_mtx" &
server=$!
rows=$(mktemp)
trap 'kill $server 2>/dev/null; rm -f "$rows"' EXIT
url="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf -o /dev/null "$url/v3/rtmpconns/list" && break; sleep 0.1; done

# The same rows out of both, every cell but the clock's (created_at, age_s): a check, not timed.
for source in srs mediamtx; do
    want=$n_srs
    [ "$source" = srs ] || want=$n_mtx
    ours=$("$bin" --source "$source" --url "$url" active -o tsv --no-headers | cut -f1-5,8- | sort)
    theirs=$(bash bench/streaming_jq.sh "$source" "$url" | cut -f1-5,8- | sort)
    [ "$ours" = "$theirs" ] && [ "$(wc -l <<<"$ours")" = "$want" ] ||
        { echo "$source: sessions and curl + jq differ (want $want rows each)" >&2; exit 1; }
done
# The requests `sessions` makes (`-v`), for the floor: one curl fetching just those, no parsing.
requests() { "$bin" -v --source "$1" --url "$url" active -o tsv 2>&1 >/dev/null | sed -n 's/^sessions: GET \([^ ]*\) .*/\1/p'; }
srs_urls=$(requests srs | sed "s/.*/'&'/" | tr '\n' ' ')
mtx_urls=$(requests mediamtx | sed "s/.*/'&'/" | tr '\n' ' ')
srs_pages=$(wc -w <<<"$srs_urls")
mtx_pages=$(wc -w <<<"$mtx_urls")
srs_bytes=$(curl -s "$url/api/v1/clients/?count=$n_srs" | wc -c)
mtx_bytes=$(curl -s "$url/v3/rtmpconns/list?itemsPerPage=$n_mtx" | wc -c)

export MEASURE_TSV=1
for source in srs mediamtx; do
    urls=$srs_urls
    [ "$source" = srs ] || urls=$mtx_urls
    python3 bench/measure.py "$runs" \
        "$source sessions" "'$bin' --source $source --url '$url' active -o tsv > /dev/null" \
        "$source jq" "bash bench/streaming_jq.sh $source '$url' > /dev/null" \
        "$source curl" "curl -s $urls > /dev/null" | tee -a "$rows" >&2
done

declare -A got
while IFS=$'\t' read -r label ms kib; do got[$label]="$ms"$'\t'"$kib"; done <"$rows"
row() { # what, source
    local o_ms o_kib p_ms p_kib f_ms f_kib
    IFS=$'\t' read -r o_ms o_kib <<<"${got[$2 sessions]}"
    IFS=$'\t' read -r p_ms p_kib <<<"${got[$2 jq]}"
    IFS=$'\t' read -r f_ms f_kib <<<"${got[$2 curl]}"
    awk -v w="$1" -v om="$o_ms" -v ok="$o_kib" -v pm="$p_ms" -v pk="$p_kib" -v fm="$f_ms" 'BEGIN {
        printf "| %s | %.1f ms | %.1f MiB | %.1f ms | %.1f MiB | **%.1f×** | %.1f ms |\n",
            w, om, ok / 1024, pm, pk / 1024, pm / om, fm }'
}
echo
echo "$(date -u +%F), $(nproc) cores, median of $runs alternated runs each, release build:"
echo
echo "| job | \`sessions active -o tsv\` | peak RSS | curl + jq (bench/streaming_jq.sh) | peak RSS | curl + jq ÷ sessions | one curl, the same requests, no parsing |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
row "SRS, $n_srs clients ($((srs_bytes / 1024)) KiB in all; $srs_pages requests of 500, overlapping)" srs
row "MediaMTX, $n_mtx RTMP connections ($((mtx_bytes / 1024)) KiB in all; $mtx_pages requests: 7 kinds, 1,000 a page)" mediamtx
