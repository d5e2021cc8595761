#!/usr/bin/env python3
"""datarhei Core stand-ins for bench/fleet.sh: TARGETS listening ports served by this one process
(asyncio), each answering every request with SESSIONS rtmp sessions (ids made of its port), and a
config file with one context per port.

Usage: fleet_standin.py TARGETS SESSIONS CONFIG_PATH READY_PATH
Writes CONFIG_PATH (contexts t0 … tN-1) and CONFIG_PATH.urls (one `url = "…/api/v3/session/active"`
line per port, for `curl -K`), then READY_PATH, then serves until killed.
"""
import asyncio
import json
import sys

targets, sessions, config_path, ready_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]


def body(port):
    rows = [
        {
            "id": f"{port}-{i}",
            "reference": "live",
            "created_at": 1795494198,
            "local": f"publish:/live/{port}-{i}",
            "remote": f"10.0.{i % 250}.9:{50000 + i}",
            "extra": "",
            "bytes_rx": port * 1000 + i,
            "bytes_tx": 3622,
            "bandwidth_rx_kbit": 501.89,
            "bandwidth_tx_kbit": 0,
        }
        for i in range(sessions)
    ]
    text = json.dumps({"rtmp": rows}, separators=(",", ":")).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(text)}\r\nConnection: close\r\n\r\n"
    return head.encode() + text


async def main():
    replies = {}

    async def handle(reader, writer):
        port = writer.get_extra_info("sockname")[1]
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(replies[port])
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        writer.close()

    servers = [await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024) for _ in range(targets)]
    ports = [s.sockets[0].getsockname()[1] for s in servers]
    for port in ports:
        replies[port] = body(port)
    with open(config_path, "w") as f:
        for i, port in enumerate(ports):
            f.write(f'[contexts.t{i}]\nurl = "http://127.0.0.1:{port}"\n')
    with open(config_path + ".urls", "w") as f:
        for port in ports:
            f.write(f'url = "http://127.0.0.1:{port}/api/v3/session/active"\n')
    open(ready_path, "w").close()
    await asyncio.Event().wait()


asyncio.run(main())
