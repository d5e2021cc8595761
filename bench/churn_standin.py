#!/usr/bin/env python3
"""A datarhei Core stand-in whose N active sessions churn: every second RATE of them end and as
many new ones start, and every session's byte counters grow, so each poll of
/api/v3/session/active is a fresh reply of the shape of the captured v16.16.0 ones (compact
JSON, %.3f rates, each collector's list in created_at order), for bench/collect.sh.
/api/v3/session (the totals) answers {} per collector.

Usage: churn_standin.py N RATE   (prints the port it listens on 127.0.0.1, then serves)
"""
import http.server
import json
import sys
import threading
import time

N, RATE = int(sys.argv[1]), int(sys.argv[2])
NAMES = ["hls", "rtmp", "srt"]
START = time.time()
lock = threading.Lock()


def session(i, now):
    c = NAMES[i % 3]
    created = int(START) + i // RATE - N // RATE
    age = max(1, now - created)
    return c, {
        "id": f"{i:022d}" if c == "hls" else f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}:{1024 + i % 60000}",
        "reference": f"stream{i % 50}",
        "created_at": created,
        "local": f"/memfs/stream{i % 50}.m3u8" if c == "hls" else f"play:/live/stream{i % 50}",
        "remote": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}:{1024 + i % 60000}",
        "extra": "",
        "bytes_rx": age * 1000,
        "bytes_tx": age * 250000,
        "bandwidth_rx_kbit": 8.0,
        "bandwidth_tx_kbit": 2000.0,
    }


def reply():
    now = int(time.time())
    # Sessions first..first+N are open: the window slides RATE a second.
    first = int((time.time() - START) * RATE)
    out = {c: [] for c in NAMES}
    for i in range(first, first + N):
        c, s = session(i, now)
        out[c].append(s)
    return json.dumps(out, separators=(",", ":")).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = reply() if self.path.startswith("/api/v3/session/active") else \
            json.dumps({c: {} for c in NAMES}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
