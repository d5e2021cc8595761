#!/usr/bin/env python3
"""The peer `sessions clients -o tsv` is measured against: the same job done by hand with the
Python standard library (a WebSocket client in a few lines, json, one TSV row per client), as an
operator without `sessions` would script it. Usage: tchmi_peer.py ws://HOST:PORT/"""
import base64
import json
import os
import socket
import struct
import sys
from urllib.parse import urlparse

url = urlparse(sys.argv[1])
sock = socket.create_connection((url.hostname, url.port))
key = base64.b64encode(os.urandom(16)).decode()
sock.sendall((f"GET {url.path or '/'} HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\n"
              f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
stream = sock.makefile("rb")
while stream.readline() not in (b"\r\n", b""):
    pass

request = json.dumps({"requestType": "ReadWrite", "id": 2,
                      "commands": [{"symbol": "ListActiveSessions", "commandOptions": ["SendErrorMessage"]}]}).encode()
mask = os.urandom(4)
sock.sendall(bytes([0x81, 0x80 | 126]) + struct.pack(">H", len(request)) + mask
             + bytes(b ^ mask[i % 4] for i, b in enumerate(request)))

def frames():
    while True:
        b0, b1 = stream.read(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", stream.read(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", stream.read(8))[0]
        yield b0 & 0x80, b0 & 0x0F, stream.read(n)

message = b""
for fin, opcode, payload in frames():
    if opcode in (0x1, 0x0):
        message += payload
        if fin:
            reply = json.loads(message)
            message = b""
            if reply.get("id") == 2:
                break

out = sys.stdout
for client, sockets in reply["commands"][0]["readValue"]["clients"].items():
    for s in sockets or []:
        symbols = ",".join(f"{c.get('symbol', '')} ({c.get('id', '')})" for c in s.get("commands") or [])
        out.write(f"{client}\t{s.get('sessionId', '')}\t{s.get('userName', '')}\t{symbols}\n")
