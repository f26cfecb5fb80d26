"""Benchmark: ``mediation-agreement batch`` over 10, 100 and 1,000 varied cases, whole process, on all cores.

The cases cycle through the five examples, each with other names and amounts
(``varied.py``), so no cache hides work a real office pays for; every case
becomes PDF, DOCX and HTML.  Prints seconds and milliseconds per case at each
size (target: 100 cases in at most 8 s on 2 cores, growing linearly).
Set ``BENCH_BATCH_SIZES=10,100`` to skip the 1,000 (about a minute).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from varied import ensure_bytecode, write_cases

CLI = [sys.executable, "-m", "docassemble.MediationAgreement"]
SIZES = tuple(int(n) for n in os.environ.get("BENCH_BATCH_SIZES", "10,100,1000").split(","))


def main() -> None:
    ensure_bytecode()
    per_case = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            folder = Path(tmp) / f"cases-{size}"
            write_cases(folder, size, start=size)
            start = time.perf_counter()
            result = subprocess.run([*CLI, "batch", str(folder), "--out", str(Path(tmp) / f"out-{size}")], capture_output=True, text=True)
            seconds = time.perf_counter() - start
            if result.returncode != 0:
                print(result.stdout[-2000:] + result.stderr[-2000:], file=sys.stderr)
                raise SystemExit(f"batch of {size} failed")
            per_case[size] = seconds / size
            target = " (target <= 8 s)" if size == 100 else ""
            print(f"batch, {size:>5,} cases to PDF+DOCX+HTML on {os.cpu_count()} cores: {seconds:6.1f} s, {per_case[size] * 1000:.0f} ms per case{target}")
    if len(per_case) > 1:
        small, large = min(per_case), max(per_case)
        print(f"per-case time at {large:,} / at {small:,} = {per_case[large] / per_case[small]:.2f}x (linear: about 1x or less)")


if __name__ == "__main__":
    main()
