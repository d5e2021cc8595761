#!/usr/bin/env python3
"""A stand-in for datarhei Core's HTTP API that sends one prepared reply the way Core sends it.

Core puts every /api/v3 reply through echo's gzip middleware (level BestSpeed, bodies over 1000
bytes): when the request says `Accept-Encoding: gzip`, the body is compressed as it is written and
goes out chunked, with no Content-Length. Without that header it goes out plain, also chunked (Go's
net/http chunks a body it has not seen the end of). This server does the same for FILE on every
GET, whatever the path, except that a path under /plain/ is always answered plain: a base URL of
http://127.0.0.1:PORT/plain stands for a Core whose client did not ask for gzip. With
SUMMARY_FILE set, `/api/v3/session` (the summary, not `/api/v3/session/active`) gets that file.

Usage: core_standin.py FILE [ADDRESS]   (prints the port it listens on, on ADDRESS, by default
127.0.0.1, then serves)
"""
import http.server
import os
import sys
import zlib

PIECE = 64 * 1024  # what Go's flate writer takes in before it emits a block at BestSpeed


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    body = b""
    summary = None

    def do_GET(self):
        path = self.path.split("?")[0].removeprefix("/plain")
        body = self.summary if self.summary and path == "/api/v3/session" else self.body
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        gzip = wants_gzip and not self.path.startswith("/plain/") and len(body) > 1000
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Vary", "Accept-Encoding")
        if gzip:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        # wbits 31: a gzip header and trailer around the deflate stream.
        deflate = zlib.compressobj(1, zlib.DEFLATED, 31) if gzip else None
        for at in range(0, len(body), PIECE):
            piece = body[at:at + PIECE]
            self.chunk(deflate.compress(piece) if deflate else piece)
        if deflate:
            self.chunk(deflate.flush())
        self.wfile.write(b"0\r\n\r\n")

    def chunk(self, data):
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def log_message(self, *args):
        pass


def main():
    with open(sys.argv[1], "rb") as f:
        Handler.body = f.read()
    if os.environ.get("SUMMARY_FILE"):
        with open(os.environ["SUMMARY_FILE"], "rb") as f:
            Handler.summary = f.read()
    address = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    server = http.server.ThreadingHTTPServer((address, 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
