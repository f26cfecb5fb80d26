"""Benchmark: start-up, as whole processes.

* import time of what a command loads (``python -X importtime``, summed over the
  top-level imports): the command list alone (``--help``), and ``assemble``;
* ``mediation-agreement --help``, min / median / max of 7 (target <= 0.15 s);
* ``mediation-agreement assemble CASE --format pdf`` on a new variation of the
  joint example each run (other names and amounts), min / median / max of 5
  (target <= 0.4 s).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from varied import ensure_bytecode, spread, write_cases

CLI = [sys.executable, "-m", "docassemble.MediationAgreement"]
ENV = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": "__all__"}  # as the CLI sets it for itself


def import_ms(module: str) -> float:
    """Milliseconds spent importing ``module`` and everything it pulls in (top-level entries of -X importtime)."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True, check=True, env=ENV)
    total = 0
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if match and not match.group(2).startswith(" "):
            total += int(match.group(1))
    return total / 1000


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    ensure_bytecode()
    print(f"imports: the command list {import_ms('docassemble.MediationAgreement.cli.app'):.0f} ms; "
          f"assemble's modules {import_ms('docassemble.MediationAgreement.cli.core'):.0f} ms")
    helps = [timed([*CLI, "--help"]) for _ in range(7)]
    print(f"mediation-agreement --help, whole process, s: {spread(helps)} (target <= 0.15 s)")
    with tempfile.TemporaryDirectory() as tmp:
        cases = write_cases(Path(tmp) / "cases", 25)[::5]  # the joint example, five times renamed
        runs = [timed([*CLI, "assemble", str(case), "--out", str(Path(tmp) / case.stem), "--format", "pdf"]) for case in cases]
    print(f"mediation-agreement assemble --format pdf (joint example, varied), whole process, s: {spread(runs)} (target <= 0.4 s)")


if __name__ == "__main__":
    main()
