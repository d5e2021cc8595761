#!/usr/bin/env bash
# bench/local.sh: `sessions active -o tsv` against `ss -tinH` and `ss -tinpH` with N established
# loopback connections (2N sockets), on the same machine at the same moment, run in alternation.
# Not a test: prints timings.
#
#   N=10000 RUNS=10 BIN=target/release/sessions bash bench/local.sh
#   BASELINE=/path/to/older/sessions …   adds that binary's row, measured in the same alternation
#
# Needs python3 (to hold the connections), ss (iproute2), and `ulimit -Hn` of at least N + 1024.
set -euo pipefail

N=${N:-10000}
RUNS=${RUNS:-10}
BIN=${BIN:-target/release/sessions}
[ -x "$BIN" ] || BIN=target/debug/sessions
[ -x "$BIN" ] || { echo "bench: build first (cargo build --release)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: python3 is needed to hold the connections" >&2; exit 1; }
command -v ss >/dev/null || { echo "bench: ss (iproute2) is needed" >&2; exit 1; }

# Each end lives in its own process: N descriptors each, within a typical hard limit of 20,000.
want=$((N + 1024))
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] || [ "$hard" -ge "$want" ] || { echo "bench: ulimit -Hn is $hard; N=$N needs $want" >&2; exit 1; }
ulimit -n "$want"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# The server end: accepts N connections, reads 100 bytes from each and answers 100 bytes.
python3 - "$N" "$work/port" <<'PY' &
import os, socket, sys, time
n, portfile = int(sys.argv[1]), sys.argv[2]
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4096)
open(portfile + ".tmp", "w").write(str(srv.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
held = []
for _ in range(n):
    a, _ = srv.accept()
    a.recv(100)
    a.sendall(b"y" * 100)
    held.append(a)
open(portfile + ".done", "w").close()
time.sleep(3600)
PY
pids+=($!)
while [ ! -s "$work/port" ]; do sleep 0.1; done
port=$(cat "$work/port")

# The client end: N connections, 100 bytes each way.
python3 - "$N" "$port" <<'PY' &
import socket, sys, time
n, port = int(sys.argv[1]), int(sys.argv[2])
held = []
for _ in range(n):
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(b"x" * 100)
    c.recv(100)
    held.append(c)
time.sleep(3600)
PY
pids+=($!)
while [ ! -e "$work/port.done" ]; do sleep 0.2; done
echo "bench: $N connections to 127.0.0.1:$port ($((2 * N)) sockets); binary $BIN"

# The peers and `sessions` in alternation (bench/alternate.py): median and best wall time, median
# CPU time (both threads of `sessions`), peak RSS. `ss -p` maps sockets to processes as
# `sessions` does; plain `ss` does not.
ours="$BIN active -o tsv --no-headers --port-map http=$port --sample 0s"
if [ -n "${MEASURE_TSV:-}" ]; then
    # bench/all.sh: only the comparisons, as `label<TAB>ms<TAB>KiB` rows.
    python3 bench/alternate.py "$RUNS" "ss -tinH=ss -tinH" "ss -tinpH=ss -tinpH" \
        "sessions active --sample 0s (local)=$ours"
    exit 0
fi
echo "rows: $($ours | wc -l) from sessions, $(ss -tinH | wc -l) from ss -tinH (which prints each socket on two lines)"
baseline=()
if [ -n "${BASELINE:-}" ]; then
    baseline=("baseline: $BASELINE active -o tsv --sample 0s=$BASELINE active -o tsv --no-headers --port-map http=$port --sample 0s")
fi
python3 bench/alternate.py "$RUNS" \
    "ss -tinH=ss -tinH" \
    "ss -tinpH=ss -tinpH" \
    "sessions active -o tsv --sample 0s=$ours" \
    "sessions active -o json --sample 0s=$BIN active -o json --port-map http=$port --sample 0s" \
    "${baseline[@]}"
python3 bench/alternate.py 3 \
    "sessions active -o tsv (500ms window)=$BIN active -o tsv --no-headers --port-map http=$port"
