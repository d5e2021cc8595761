#!/usr/bin/env python3
"""Serves an SRS 7 clients API and a MediaMTX v3 control API on one loopback port, paged as the
real servers page them, for bench/streaming.sh.

Usage: streaming_server.py PORT SRS_CLIENTS MEDIAMTX_CONNECTIONS

SRS (srs_app_http_api.cpp): GET /api/v1/clients/?start=S&count=N gives clients sorted by id
from max(0, atoi(S)), max(10, atoi(N)) of them (10 without `count`), in the {"code":0,...}
envelope, with no total; /api/v1/clients without the slash is a 302 to it.
MediaMTX (internal/api/paginate.go): GET /v3/K/list?page=P&itemsPerPage=N (default 0 and 100;
0 or garbage is a 400) gives {"itemCount","pageCount","items"}; the RTMP connections are all
there, the other kinds are empty, and rtmpsconns/rtspssessions answer gin's plain 404 (switched
off, as by default). Bodies are compact JSON with a Content-Length, as both servers send them.
Every item is rendered once at start-up; a page is a join of ready strings.
"""
import json
import math
import re
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

port, n_srs, n_mtx = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])


def base36(n):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        out = digits[n % 36] + out
        n //= 36
        if n == 0:
            return out


def srs_client(n):
    publish = n % 100 == 0
    return json.dumps({
        "id": base36(n).rjust(8, "0"), "vhost": "vid-971j771", "stream": f"vid-{n % 100:07d}",
        "ip": f"198.51.{n // 250 % 256}.{n % 250 + 1}", "pageUrl": "", "swfUrl": "",
        "tcUrl": "rtmp://127.0.0.1:1935/live", "url": f"/live/cam{n % 100}",
        "name": f"cam{n % 100}", "type": "fmle-publish" if publish else "rtmp-play",
        "publish": publish, "alive": round(5 + n % 6000 / 100, 2),
        "send_bytes": 5_000_000_000 + n * 13, "recv_bytes": 3471 + n,
        "kbps": {"recv_30s": 375 if publish else 0, "send_30s": 0 if publish else 376},
    }, separators=(",", ":"))


def mtx_conn(n):
    return json.dumps({
        "id": f"00000002-0000-4000-8000-{n:012x}",
        "created": f"2026-11-30T{(12 + n // 3600) % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}.{n:09d}Z",
        "remoteAddr": f"203.0.{n // 250 % 256}.{n % 250 + 1}:{40000 + n % 20000}",
        "state": "publish" if n % 10 == 0 else "read", "path": f"cam{n % 100}",
        "query": "token=abc" if n % 7 == 0 else "", "user": "", "userAgent": "",
        "inboundBytes": 4_000_000_000 + n * 7, "outboundBytes": 5_000_000_000 + n * 11,
        "outboundFramesDiscarded": 0,
        "bytesReceived": 4_000_000_000 + n * 7, "bytesSent": 5_000_000_000 + n * 11,
    }, separators=(",", ":"))


SRS = sorted((base36(n).rjust(8, "0"), srs_client(n)) for n in range(n_srs))
SRS = [text for _, text in SRS]
KINDS = {k: [] for k in ["rtspsessions", "srtconns", "webrtcsessions", "hlssessions", "moqsessions"]}
KINDS["rtmpconns"] = [mtx_conn(n) for n in range(n_mtx)]
ENVELOPE = '"code":0,"server":"vid-htk9716","service":"q6x90jdl","pid":"17538"'


def atoi(text):
    m = re.match(r"\s*([+-]?\d+)", text or "")
    return int(m.group(1)) if m else 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # As Go's net/http does: without it, a body written after its headers waits for the
        # client's delayed ACK (40 ms a reply), which the real servers never make anyone wait.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="application/json", extra=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if url.path == "/api/v1/clients":
            where = "/api/v1/clients/" + ("?" + url.query if url.query else "")
            return self.send(302, "", "text/plain", [("Location", where)])
        if url.path == "/api/v1/clients/":
            start = max(0, atoi(query.get("start")))
            count = max(10, atoi(query.get("count")))
            page = ",".join(SRS[start:start + count])
            return self.send(200, f'{{{ENVELOPE},"clients":[{page}]}}')
        m = re.fullmatch(r"/v3/([a-z]+)/list", url.path)
        if m and m.group(1) in KINDS:
            items = KINDS[m.group(1)]
            try:
                per_page = int(query.get("itemsPerPage") or 100)
                page = int(query.get("page") or 0)
            except ValueError:
                return self.send(400, '{"status":"error","error":"invalid syntax"}')
            if per_page <= 0 or page < 0:
                return self.send(400, '{"status":"error","error":"invalid items per page"}')
            shown = ",".join(items[page * per_page:(page + 1) * per_page])
            pages = math.ceil(len(items) / per_page)
            return self.send(200, f'{{"itemCount":{len(items)},"pageCount":{pages},"items":[{shown}]}}')
        self.send(404, "404 page not found", "text/plain")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that exits while its kept-alive connection idles resets it: nothing wrong.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


Server(("127.0.0.1", port), Handler).serve_forever()
