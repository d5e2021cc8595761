#!/usr/bin/env python3
"""Seeds corpus/ for the fuzz targets without fixtures: the local collector's and the config
file's, with the inline samples of their unit tests (src/source/local/{sockets,procs,ffmpeg,
classify}.rs, src/config_file.rs), the renderers' and stderr's, with the characters they must
escape, and the streaming servers', with their fixtures behind the byte that picks the parser.
Run from fuzz/; rewrites only its own seed files."""
import os
import struct


def write(target, name, data):
    os.makedirs(f"corpus/{target}", exist_ok=True)
    with open(f"corpus/{target}/seed-{name}", "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# local_sockets: first byte 0 = TCP, 1 = UDP; then a /proc/net table or a netlink datagram.
PROC = """  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:078F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0
   1: 0100007F:078F 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 31338 1 0000000000000000 20 4 30 10 -1
"""
write("local_sockets", "proc_tcp", b"\0" + PROC.encode())
write("local_sockets", "proc_tcp6", b"\1header\n   0: 00000000000000000000000001000000:1F90 "
      b"00000000000000000000000001000000:C350 01 0:0 0:0 0 0 0 42 1\n")


def nlmsg(kind, payload):
    b = struct.pack("=IH", 16 + len(payload), kind) + b"\0" * 10 + payload
    return b + b"\0" * ((-len(b)) % 4)


def diag(sport, dport, inode, info=None, family=2):
    m = bytearray(72)
    m[0], m[1] = family, 1
    m[4:6] = struct.pack(">H", sport)
    m[6:8] = struct.pack(">H", dport)
    m[8:12] = bytes([127, 0, 0, 1])
    m[24:28] = bytes([10, 1, 2, 3])
    m[64:68] = struct.pack("=I", 1000)
    m[68:72] = struct.pack("=I", inode)
    if info is not None:
        m += struct.pack("=HH", 4 + len(info), 2) + info
    return bytes(m)


info = bytearray(232)
info[68:72] = struct.pack("=I", 250)
info[120:128] = struct.pack("=Q", 10**6)
info[128:136] = struct.pack("=Q", 4096)
write("local_sockets", "netlink", b"\0" + nlmsg(20, diag(1935, 50000, 7, bytes(info)))
      + nlmsg(20, diag(1935, 50001, 8, bytes(info[:104]))) + nlmsg(20, b"\1\2\3")
      + nlmsg(3, b"\0" * 4))
write("local_sockets", "netlink6", b"\0" + nlmsg(20, diag(443, 1, 9, None, 10))
      + nlmsg(2, struct.pack("=i", -13)))

# local_ffmpeg: a /proc/PID/cmdline.
COMMANDS = [
    ["ffmpeg", "-hide_banner", "-re", "-f", "flv", "-i", "rtmp://127.0.0.1:1935/live/in", "-c",
     "copy", "-f", "flv", "rtmp://ingest.example/app/key", "-y", "backup file.mp4"],
    ["/usr/bin/ffmpeg", "-f", "rawvideo", "-i", "-", "-i", "pipe:3", "-i",
     "srt://[::1]:6000?mode=caller&passphrase=hunter2hunter2", "-map", "0", "-f", "mpegts",
     "pipe:1"],
    ["ffmpeg", "-i", "in.mp4", "-f", "tee", "-map", "0:v",
     "[f=flv:onfail=ignore]rtmp://a.example/live/x|[f=mpegts]udp://239.0.0.1:1234|local\\|odd.ts"],
    ["ffmpeg", "-i", "rtmp://user:pw@host:1935/app/stream?token=abc&x=1", "http://u@h/p",
     "/tmp/a?b"],
    ["ffmpeg", "-i", "http://[::1", "a:b://c@:x/"],
]
for i, command in enumerate(COMMANDS):
    write("local_ffmpeg", f"cmd{i}", "\0".join(command) + "\0")
write("local_ffmpeg", "link", "socket:[31337]")

# port_map: one --port-map value.
for i, value in enumerate(["rtmp=1935,1936", "srt=6000/udp, 8890", "http=80/tcp", "rtmp",
                           "rtmp=x", "rtmp=0", "rtmp=70000", "bogus=1", "ffmpeg=1", "hls=8888,"]):
    write("port_map", f"s{i}", value)

# config_file: the file's text.
CONFIGS = [
    'current-context = "a"\n[contexts.a]\nurl = "http://h:1"\nsource = "datarhei"\n'
    'port_map = ["rtmp=1935,1936"]\n',
    '[contexts.a]\nurl = "x"\nurll = "y"\n',
    '[contexts.a]\npassword = "hunter2"\ntoken = "tok-9"\n',
    'current-context = "a"\n[contexts.a]\nurl = "ws://h:1/"\npassword_command = "pass show x"\n',
    '[contexts."b c"]\nsource = "tchmi"\nuser = "u"\npassword_env = "P"\ntoken_env = "T"\n'
    'ca_cert = "ca.pem"\ninsecure = true\ntimeout = "5s"\n',
]
for i, text in enumerate(CONFIGS):
    write("config_file", f"c{i}", text)

# render: text fields split at 0xFF bytes (five per session), with every kind of character the
# renderers must escape: C0, C1, DEL, bidi overrides and isolates, line separators, backslashes.
FIELDS = ["s1", "r\u202eevil\u2066", "l\tx\ny", "1.2.3.4:5\u20286\u2029", "ua\\\r\0",
          "\x1b[2J\x07\x7f\u0085\u009b31m", "plain", "\\u001b", "caf\u00e9 \u20ac", ""]
write("render", "nasty", b"\xff".join(f.encode() for f in FIELDS))
write("render", "one", "only")

# stderr_line: the secret, then the pieces of text it is echoed between.
write("stderr_line", "echo", b"\xff".join([b'pw"Zq-91/s3cr\\et', b"bad password '",
                                          b"' json {\"password\":\"", b"\"}"]))
write("stderr_line", "short", b"\xff".join([b"1", b"code 4101: '", b"' is wrong"]))

# streaming: the first byte picks the parser (src/fuzzing/mod.rs, `streaming`), the fixture follows.
PARSERS = [("mediamtx", "v3-", 0), ("srs", "api-v1-clients", 1), ("nginx_rtmp", "stat", 2),
           ("icecast", "admin-listclients", 3), ("icecast", "admin-listmounts", 4),
           ("icecast", "admin-killclient", 5), ("icecast", "admin-stats", 6)]
for server, prefix, pick in PARSERS:
    folder = f"../tests/fixtures/{server}"
    for name in sorted(os.listdir(folder)):
        if name.startswith(prefix):
            with open(f"{folder}/{name}", "rb") as f:
                write("streaming", f"{pick}-{name}", bytes([pick]) + f.read())
