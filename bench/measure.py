#!/usr/bin/env python3
"""Runs shell commands N times each, alternating them; prints the median and best wall time, the
median CPU time and the peak RSS of each.

Usage: measure.py RUNS LABEL 'shell command' [LABEL 'shell command' ...]
Alternating (A B C A B C …) spreads a noisy neighbour's load over every command alike, so the
ratios between rows of one call hold even on a shared machine.
With MEASURE_TSV=1 it prints `LABEL<TAB>median ms<TAB>peak RSS KiB` lines instead (bench/all.sh).
Peak RSS is the largest resident set of any process in the command (for a pipeline, the largest
stage), as GNU time reports it (it waits for bash, whose usage includes its children's). GNU time
forks the command itself, so python's own memory is not counted. CPU time is user + system of
every process of the command.
"""
import os
import statistics
import subprocess
import sys
import time


def run(label, cmd):
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "bash", "-c", cmd],
                         capture_output=True, text=True)
    took = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"{label}: exit {out.returncode}: {out.stderr.strip()}")
    peak, user, system = out.stderr.strip().splitlines()[-1].split()
    return took, int(peak), float(user) + float(system)


def main():
    runs = int(sys.argv[1])
    pairs = list(zip(sys.argv[2::2], sys.argv[3::2]))
    if not pairs or len(sys.argv) % 2:
        sys.exit(__doc__)
    samples = {label: [] for label, _ in pairs}
    for label, cmd in pairs:  # warm-up: page cache, first connection
        run(label, cmd)
    for _ in range(runs):
        for label, cmd in pairs:
            samples[label].append(run(label, cmd))
    # Starting time and bash costs every sample alike; subtract the best of a few empty runs.
    base = min(run("true", "true")[0] for _ in range(5))
    for label, _ in pairs:
        times = [s[0] for s in samples[label]]
        med = (statistics.median(times) - base) * 1000
        best = (min(times) - base) * 1000
        cpu = statistics.median(s[2] for s in samples[label]) * 1000
        peak = max(s[1] for s in samples[label])
        if os.environ.get("MEASURE_TSV"):
            print(f"{label}\t{med:.2f}\t{peak}")
        else:
            print(f"{label:<44} median {med:7.1f} ms  best {best:7.1f} ms  "
                  f"cpu {cpu:6.0f} ms  peak RSS {peak / 1024:6.1f} MiB")


if __name__ == "__main__":
    main()
