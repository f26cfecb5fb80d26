"""Run every benchmark in this folder and print its figures, each with its target (quoted in the README).

A benchmark that fails is named at the end and the run exits 1; the others still run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent



def reference_ms() -> float:
    """A fixed piece of pure Python (summing ten million integers), median of five: the machine's speed today,
    printed beside the figures so runs on different days or machines can be compared."""
    import statistics
    import time

    times = []
    for _ in range(5):
        start = time.perf_counter()
        sum(range(10_000_000))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


print(f"== machine reference: summing ten million integers in Python takes {reference_ms():.0f} ms (the README's figures give theirs)", flush=True)
failed = []
for script in sorted(HERE.glob("bench_*.py")):
    print(f"== {script.name}", flush=True)
    if subprocess.run([sys.executable, str(script)]).returncode != 0:
        failed.append(script.name)
if failed:
    print(f"failed: {', '.join(failed)}", file=sys.stderr)
    sys.exit(1)
