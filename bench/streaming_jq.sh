#!/usr/bin/env bash
# The peer of `sessions active -o tsv` in bench/streaming.sh: curl + jq doing the same paging job
# as a shell script would, one curl and one jq per page, the same columns as `sessions`' TSV
# (collector, id, reference, local, remote, created_at, age_s, rx/tx bit/s, rx/tx bytes, extra).
# Usage: bench/streaming_jq.sh srs|mediamtx URL
set -euo pipefail
what=$1
url=$2

# SRS: 500 clients a page (SRS gives 10 unless asked), until a page comes back short.
srs_tsv='
def collector: {"rtmp-play":"rtmp","flash-publish":"rtmp","fmle-publish":"rtmp",
  "haivision-publish":"rtmp","flv-play":"http","hls-play":"hls","rtc-play":"webrtc",
  "rtc-publish":"webrtc","srt-play":"srt","srt-publish":"srt"}[.type];
def rate(k): if .alive >= 30 then k * 1000 else "" end;
now as $now | .clients[] | select(collector) |
[collector, .id, (.url | ltrimstr("/")), "", .ip, ($now - .alive | round | todate),
 (.alive | floor), rate(.kbps.recv_30s), rate(.kbps.send_30s), .recv_bytes, .send_bytes,
 ({type, publish, name, tcUrl, vhost, stream, pageUrl, swfUrl}
  | with_entries(select(.value != "")) | to_entries | sort_by(.key) | from_entries | tojson)] | @tsv'

srs() {
    local start=0 out rows
    while :; do
        out=$(curl -sf "$url/api/v1/clients/?start=$start&count=500" | jq -r "$srs_tsv")
        [ -z "$out" ] || printf '%s\n' "$out"
        rows=$(printf '%s' "$out" | grep -c '' || true)
        [ "$rows" -eq 500 ] || break
        start=$((start + rows))
    done
}

# MediaMTX: every kind, 1,000 a page (MediaMTX gives 100 unless asked), pages 0 … pageCount-1;
# a kind whose server is switched off answers 404 and has no sessions.
mtx_tsv='
def utc: sub("\\.[0-9]+"; "");
def mbps(r): if r then r * 1000000 else "" end;
.pageCount, (.items[] |
[$c, .id, .path, "", .remoteAddr, (.created | utc), (now - (.created | utc | fromdate) | floor),
 mbps(.mbpsReceiveRate), mbps(.mbpsSendRate), (.inboundBytes // .bytesReceived // ""),
 (.outboundBytes // .bytesSent // ""),
 ({state, user, userAgent, transport, query} | with_entries(select(.value != null and .value != ""))
  | to_entries | sort_by(.key) | from_entries | tojson)] | @tsv)'

declare -A collector=([hlssessions]=hls [rtmpconns]=rtmp [rtmpsconns]=rtmps [rtspsessions]=rtsp
    [rtspssessions]=rtsps [srtconns]=srt [webrtcsessions]=webrtc)

mediamtx() {
    local kind page pages out
    for kind in "${!collector[@]}"; do
        page=0
        while :; do
            out=$(curl -sf "$url/v3/$kind/list?page=$page&itemsPerPage=1000" |
                jq -r --arg c "${collector[$kind]}" "$mtx_tsv") || break
            pages=${out%%$'\n'*}
            [ "$out" = "$pages" ] || printf '%s\n' "${out#*$'\n'}"
            page=$((page + 1))
            [ "$page" -lt "$pages" ] || break
        done
    done
}

"$what"
