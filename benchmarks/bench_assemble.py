"""Benchmark: the standard example assembled to PDF + DOCX + HTML.

(a) in-process: load the case, assemble with the package's clause library and
render all three formats; median of 10 runs after one warm-up (target <= 0.3 s);
(b) whole process: `mediation-agreement assemble` from a cold start, median of 3.
"""

from __future__ import annotations

import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

from docassemble.MediationAgreement.assembly.assemble import assemble
from docassemble.MediationAgreement.case.model import load_case
from docassemble.MediationAgreement.library.clauses import load_library
from docassemble.MediationAgreement.render.formats import render_outputs

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "cases" / "joint-two-children.yml"


def once() -> dict[str, bytes]:
    case = load_case(EXAMPLE)
    doc = assemble(case, load_library())
    return render_outputs(doc, ["pdf", "docx", "html"])


def main() -> None:
    files = once()  # warm-up: first Typst compile loads fonts
    timings = []
    for _ in range(10):
        start = time.perf_counter()
        once()
        timings.append(time.perf_counter() - start)
    whole = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "docassemble.MediationAgreement", "assemble", str(EXAMPLE), "--out", out], check=True, capture_output=True)
            whole.append(time.perf_counter() - start)
    pages = len(PdfReader(io.BytesIO(files["agreement.pdf"])).pages)
    print(
        f"assemble {EXAMPLE.name} ({pages}-page PDF) to PDF+DOCX+HTML: in-process median {statistics.median(timings) * 1000:.0f} ms "
        f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}; target <= 300 ms); "
        f"whole process median {statistics.median(whole):.2f} s"
    )


if __name__ == "__main__":
    main()
