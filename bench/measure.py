#!/usr/bin/env python3
"""Runs shell commands N times each; prints the median and best wall time and the peak RSS.

Usage: measure.py RUNS LABEL 'shell command' [LABEL 'shell command' ...]
Several commands are alternated (A B A B ...), so that a machine that gets busier or quieter
during the measurement affects them alike.
With MEASURE_TSV=1 it prints `LABEL<TAB>median ms<TAB>peak RSS KiB` instead (bench/all.sh).
Peak RSS is the largest resident set of any process in the command (for a pipeline, the largest
stage), as GNU time reports it (it waits for bash, whose usage includes its children's). GNU time
forks the command itself, so python's own memory is not counted.
"""
import os
import statistics
import subprocess
import sys
import time

runs, pairs = int(sys.argv[1]), sys.argv[2:]
if not pairs or len(pairs) % 2:
    sys.exit(__doc__)
jobs = list(zip(pairs[::2], pairs[1::2]))


def run(label, cmd):
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", "bash", "-c", cmd], capture_output=True, text=True)
    took = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"{label}: exit {out.returncode}: {out.stderr.strip()}")
    return took, int(out.stderr.strip().splitlines()[-1])


times = {label: [] for label, _ in jobs}
peaks = {label: [] for label, _ in jobs}
for _ in range(runs):
    for label, cmd in jobs:
        took, peak = run(label, cmd)
        times[label].append(took)
        peaks[label].append(peak)
# Starting time and bash costs every sample alike; subtract the best of a few empty runs.
base = min(run("true", "true")[0] for _ in range(5))
for label, _ in jobs:
    med = (statistics.median(times[label]) - base) * 1000
    best = (min(times[label]) - base) * 1000
    if os.environ.get("MEASURE_TSV"):
        print(f"{label}\t{med:.2f}\t{max(peaks[label])}")
    else:
        print(f"{label:<34} median {med:8.1f} ms   best {best:8.1f} ms   peak RSS {max(peaks[label]) / 1024:7.1f} MiB")
