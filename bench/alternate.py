#!/usr/bin/env python3
"""Runs labelled shell commands in alternation, ROUNDS times each, so that a shared machine's load
falls on all of them alike; prints per command the median and best wall time, the median CPU time
(user + system, of the command and the children it waited for) and the peak RSS.

Usage: alternate.py ROUNDS 'LABEL=shell command' ...
With MEASURE_TSV=1 it prints `LABEL<TAB>median ms<TAB>peak RSS KiB` rows (as bench/measure.py).
Each command runs as `/usr/bin/time -f %M bash -c COMMAND` with stdout to /dev/null (GNU time
reports the largest RSS of the processes it waited for; a child forked from python itself would
start with python's RSS as its peak). The median wall time of `true` run the same way is
subtracted. A command that fails stops the script with its stderr.
"""
import os
import statistics
import subprocess
import sys
import time

rounds = int(sys.argv[1])
jobs = [arg.split("=", 1) for arg in sys.argv[2:]]


def run(label, cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(
        ["/usr/bin/time", "-f", "%M", "bash", "-c", cmd],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{label}: exit {proc.returncode}: {err.strip()[:500]}")
    return took, usage.ru_utime + usage.ru_stime, int(err.strip().splitlines()[-1])


samples = {label: [] for label, _ in jobs}
base = []
for _ in range(rounds):
    base.append(run("true", "true")[0])
    for label, cmd in jobs:
        samples[label].append(run(label, cmd))
zero = statistics.median(base)
for label, _ in jobs:
    walls = [(s[0] - zero) * 1000 for s in samples[label]]
    cpus = [s[1] * 1000 for s in samples[label]]
    peak = max(s[2] for s in samples[label])
    if os.environ.get("MEASURE_TSV"):
        print(f"{label}\t{statistics.median(walls):.2f}\t{peak}")
    else:
        print(
            f"{label:<44} median {statistics.median(walls):8.1f} ms  best {min(walls):8.1f} ms"
            f"  CPU {statistics.median(cpus):8.1f} ms  peak RSS {peak / 1024:7.1f} MiB"
        )
