"""Run every benchmark in this folder and print its figures, each with its target (quoted in the README).

A benchmark that fails is named at the end and the run exits 1; the others still run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

failed = []
for script in sorted(HERE.glob("bench_*.py")):
    print(f"== {script.name}", flush=True)
    if subprocess.run([sys.executable, str(script)]).returncode != 0:
        failed.append(script.name)
if failed:
    print(f"failed: {', '.join(failed)}", file=sys.stderr)
    sys.exit(1)
