#!/usr/bin/env python3
"""Fills a history store as `collect` writes it (schema 2) with N finished sessions of one target
over the last DAYS days, closed in order as a collector commits them, for bench/history.sh.

Usage: history_fill.py DB N [DAYS] [TARGET]
Each session lasts 30 s to 2 h, comes from one of 5,000 addresses, watches one of 50 streams and
moves up to 1 GB; the store is rebuilt from nothing on every call.
"""
import os
import random
import sqlite3
import sys
import time

SCHEMA = """
CREATE TABLE finished (
    collector TEXT NOT NULL, session_id TEXT NOT NULL, reference TEXT NOT NULL,
    local TEXT NOT NULL, remote TEXT NOT NULL, created_at INTEGER NOT NULL,
    closed_at INTEGER NOT NULL, rx_bytes INTEGER NOT NULL, tx_bytes INTEGER NOT NULL,
    extra TEXT NOT NULL, target TEXT NOT NULL DEFAULT 'local',
    source TEXT NOT NULL DEFAULT 'local', role TEXT, rx_peak_bit_s REAL, tx_peak_bit_s REAL);
CREATE INDEX finished_by_collector ON finished (collector, closed_at);
CREATE INDEX finished_by_target_time ON finished (target, closed_at, created_at);
CREATE VIEW daily AS
    SELECT date(closed_at, 'unixepoch') AS day, collector, local, remote, reference,
           count(*) AS sessions, sum(rx_bytes) AS rx_bytes, sum(tx_bytes) AS tx_bytes
    FROM finished GROUP BY day, collector, local, remote, reference;
CREATE TABLE open (
    target TEXT NOT NULL, source TEXT NOT NULL, collector TEXT NOT NULL,
    session_id TEXT NOT NULL, reference TEXT NOT NULL, local TEXT NOT NULL,
    remote TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL,
    rx_bytes INTEGER, tx_bytes INTEGER, carried_rx INTEGER NOT NULL,
    carried_tx INTEGER NOT NULL, rx_peak_bit_s REAL, tx_peak_bit_s REAL, extra TEXT NOT NULL);
CREATE INDEX open_by_target ON open (target);
PRAGMA user_version = 2;
"""


def main():
    db, n = sys.argv[1], int(sys.argv[2])
    days = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    target = sys.argv[4] if len(sys.argv) > 4 else "studio"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    rng = random.Random(1)
    now = int(time.time())
    start = now - days * 86400
    closes = sorted(rng.randrange(start, now) for _ in range(n))
    conn = sqlite3.connect(db)
    conn.executescript(SCHEMA)
    collectors = ["rtmp", "hls", "srt", "webrtc"]
    rows = []
    for i, closed in enumerate(closes):
        created = closed - rng.randrange(30, 7200)
        rows.append((
            rng.choice(collectors), f"{i:08x}-{rng.getrandbits(64):016x}",
            f"live/stream{rng.randrange(50)}", "10.0.0.1:1935",
            f"192.0.2.{rng.randrange(250)}:{40000 + rng.randrange(5000)}", created, closed,
            rng.randrange(10**6), rng.randrange(10**9), "{}", target, "core",
            "player", rng.random() * 8e6, rng.random() * 8e6))
    conn.executemany(
        "INSERT INTO finished (collector, session_id, reference, local, remote, created_at, "
        "closed_at, rx_bytes, tx_bytes, extra, target, source, role, rx_peak_bit_s, tx_peak_bit_s) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.commit()
    conn.close()
    print(f"{db}: {n} sessions of {target} over {days} days, {os.path.getsize(db)} bytes")


main()
