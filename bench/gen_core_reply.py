#!/usr/bin/env python3
"""Writes a datarhei Core /api/v3/session/active reply with N sessions, shaped like the captured
v16.16.0 replies (compact JSON, %.3f rates, each list sorted by created_at as Core sorts it), split
over the rtmp, hls and srt collectors."""
import json
import sys

n, path = int(sys.argv[1]), sys.argv[2]
names = ["hls", "rtmp", "srt"]
out = {c: [] for c in names}
for i in range(n):
    c = names[i % 3]
    out[c].append({
        "id": f"{i:022d}" if c == "hls" else f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}:{1024 + i % 60000}",
        "reference": f"stream{i % 50}",
        "created_at": 1795494198 + i % 3600,
        "local": f"/memfs/stream{i % 50}.m3u8" if c == "hls" else f"play:/live/stream{i % 50}",
        "remote": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}:{1024 + i % 60000}",
        "extra": "[10.0.0.0] Mozilla/5.0 (X11; Linux x86_64)" if c == "hls" else "",
        "bytes_rx": i * 37 % 1000003,
        "bytes_tx": i * 7919 % 100000007,
        "bandwidth_rx_kbit": round(i % 1000 * 0.731, 3),
        "bandwidth_tx_kbit": round(i % 997 * 5.113, 3),
    })
for sessions in out.values():
    sessions.sort(key=lambda s: s["created_at"])
with open(path, "w") as f:
    f.write(json.dumps(out, separators=(",", ":")))
