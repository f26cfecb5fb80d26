"""Benchmark: the joint example assembled to PDF + DOCX + HTML, a new variation each run.

Each run assembles another variation of the joint example (other names and
amounts, ``varied.py``), so neither Typst's cache nor any other hides work a
real office pays for.

(a) in-process: load the case, assemble with the package's clause library and
render all three formats; min / median / max of 10 runs after one warm-up
(target <= 80 ms);
(b) the assembly step of those runs alone (the library as this process keeps
it, checked unchanged, then ``assemble``: choosing the clauses and rendering
their texts into the document model, the case already read; target <= 30 ms), with reading the case and rendering the three formats beside it;
(c) whole process: ``mediation-agreement assemble`` from a cold start, 3 runs.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader
from varied import ensure_bytecode, spread, write_cases

from docassemble.MediationAgreement.assembly.assemble import assemble
from docassemble.MediationAgreement.case.model import load_case
from docassemble.MediationAgreement.library.clauses import load_library
from docassemble.MediationAgreement.render.formats import render_outputs


def once(case_file: Path) -> tuple[dict[str, bytes], dict[str, float]]:
    """The three files for ``case_file``, and the seconds each step took."""
    start = time.perf_counter()
    case = load_case(case_file)
    read = time.perf_counter()
    doc = assemble(case, load_library())
    assembled = time.perf_counter()
    files = render_outputs(doc, ["pdf", "docx", "html"])
    end = time.perf_counter()
    return files, {"whole": end - start, "case": read - start, "assemble": assembled - read, "render": end - assembled}


def main() -> None:
    ensure_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        cases = write_cases(Path(tmp) / "cases", 70)[::5]  # the joint example, fourteen times renamed
        files, _ = once(cases[0])  # warm-up: first Typst compile loads fonts
        steps: dict[str, list[float]] = {}
        for case_file in cases[1:11]:
            for step, seconds in once(case_file)[1].items():
                steps.setdefault(step, []).append(seconds * 1000)
        whole = []
        for case_file in cases[11:14]:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "docassemble.MediationAgreement", "assemble", str(case_file), "--out", str(Path(tmp) / case_file.stem)], check=True, capture_output=True)
            whole.append(time.perf_counter() - start)
    pages = len(PdfReader(io.BytesIO(files["agreement.pdf"])).pages)
    print(f"assemble the joint example ({pages}-page PDF, varied each run) to PDF+DOCX+HTML, in-process ms: "
          f"{spread(steps['whole'])} (target <= 80 ms)")
    print(f"same runs, the assembly step alone (library checked, clauses chosen and rendered; the case already read), ms: {spread(steps['assemble'])} (target <= 30 ms); "
          f"reading the case {spread(steps['case'])}, rendering the three formats {spread(steps['render'])}")
    print(f"same, whole `mediation-agreement assemble` process, s: {spread(whole)}")


if __name__ == "__main__":
    main()
