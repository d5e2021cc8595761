#!/usr/bin/env python3
"""Measures `sessions top` on a pseudo-terminal (120x40) against a server URL: the time to the
first screen (the session count in the header), how long keys take to show (j, G, > which
re-sorts every row, /filter), the CPU used while idle between two refreshes, and the peak memory.

Usage: top.py BIN URL SESSIONS   (prints one `name: value` line per figure)
"""
import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time

bin_, url, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
master, slave = os.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
started = time.monotonic()
child = subprocess.Popen(
    [bin_, "--url", url, "top", "--interval", "60s"],
    stdin=slave, stdout=slave, stderr=subprocess.DEVNULL, start_new_session=True,
    env={"PATH": os.environ.get("PATH", "")},
)
os.close(slave)
seen = b""


def until(needle, limit=60.0):
    """Seconds until `needle` appears in what the terminal got since the last call."""
    global seen
    t0 = time.monotonic()
    seen = b""
    while needle not in seen:
        left = limit - (time.monotonic() - t0)
        if left <= 0:
            sys.exit(f"no {needle!r} after {limit}s")
        r, _, _ = select.select([master], [], [], left)
        if r:
            seen += os.read(master, 1 << 20)
    return time.monotonic() - t0


def key(keys):
    """Milliseconds from the key to the frame it changed: ratatui writes a frame's changed cells
    in one flush, so the first bytes back are that frame."""
    t0 = time.monotonic()
    os.write(master, keys)
    select.select([master], [], [], 60)
    took = time.monotonic() - t0
    time.sleep(0.2)
    while select.select([master], [], [], 0)[0]:
        os.read(master, 1 << 20)
    return took * 1000


def cpu_ticks():
    with open(f"/proc/{child.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


# The rows' remote addresses (10.x.y.z) are on the screen only once the reply is.
print(f"first screen: {until(b' 10.'):.3f} s after start")
time.sleep(0.5)
for name, keys in [
    ("j", b"j"),
    ("G (last row)", b"G"),
    ("> (sort every row by collector)", b">"),
    ("> (sort every row by id)", b">"),
    ("I (reverse every row)", b"I"),
]:
    print(f"key {name}: {key(keys):.1f} ms")
key(b"/stream7")
print(f"key Enter (filter every row by text): {key(bytes([13])):.1f} ms")
print(f"key Esc (filter cleared): {key(bytes([27])):.1f} ms")
before = cpu_ticks()
time.sleep(5)
idle = cpu_ticks() - before
print(f"CPU while idle for 5 s: {idle * 1000 // os.sysconf('SC_CLK_TCK')} ms")
with open(f"/proc/{child.pid}/status") as f:
    peak = next(line.split()[1] for line in f if line.startswith("VmHWM"))
print(f"peak memory: {int(peak) // 1024} MiB")
os.write(master, b"q")
child.wait(10)
print(f"exit: {child.returncode}, total {time.monotonic() - started:.1f} s")
