"""Benchmark: case file -> PDF as whole processes, against the paths docassemble users already have.

For each round a new varied case (other names and amounts, so no cache hides
work) is written; then, interleaved in the same round:

* ours: ``mediation-agreement assemble CASE --format pdf`` (case file -> PDF);
* LibreOffice alone converting our DOCX of that case to PDF
  (``soffice --headless --convert-to pdf``) with its user profile kept between
  runs, as docassemble's server keeps the web user's (its ``word_to_pdf`` runs
  ``libreoffice --headless`` with that profile's conversion macro): the target
  is judged against this, LibreOffice's quicker case;
* the same with a fresh user profile each time (what a process with nowhere to
  keep one pays), for comparison;
* pandoc + LaTeX alone rendering our HTML of that case to PDF
  (``pandoc agreement.html -o agreement.pdf --pdf-engine=xelatex``).

Prints min / median / max seconds of each and the ratios of the medians
(targets: at least 4x faster than LibreOffice, 3x than pandoc + LaTeX).  A tool
that is not installed, or fails, is skipped with a message (``apt-get install
libreoffice-writer-nogui pandoc texlive-xetex texlive-fonts-recommended``
installs them; xelatex needs the last for hyperref's fonts).  docassemble can
also convert through a LibreOffice kept running (unoserver, with ``enable
unoconv``), which a command line cannot use; this compares whole processes, as
the issue asks.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from varied import ensure_bytecode, spread, write_cases

ROUNDS = 9
EXAMPLE = "joint-two-children.yml (new names and amounts)"
CLI = [sys.executable, "-m", "docassemble.MediationAgreement"]


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=cwd)
    return time.perf_counter() - start


def main() -> None:
    ensure_bytecode()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pandoc = shutil.which("pandoc")
    latex = shutil.which("xelatex")
    times: dict[str, list[float]] = {"ours": [], "libreoffice": [], "libreoffice-fresh": [], "pandoc": []}
    failed: dict[str, str] = {}

    def other(name: str, command: list[str], cwd: Path) -> None:
        """Time another tool; one that fails (a missing LaTeX font) is reported and left out, not a crash."""
        try:
            times[name].append(timed(command, cwd))
        except subprocess.CalledProcessError as error:
            last = (error.stderr or b"").decode(errors="replace").strip().splitlines()[-3:]
            failed[name] = f"exit {error.returncode}: {' / '.join(last)[:300]}"

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in range(ROUNDS):
            folder = work / f"round-{n}"
            (case,) = write_cases(folder, 1, start=5 * n)  # every fifth is the joint example, renamed
            # Our DOCX and HTML of this case, for the other two (not timed).
            subprocess.run([*CLI, "assemble", str(case), "--out", str(folder / "src"), "--format", "docx,html"], check=True, capture_output=True)
            times["ours"].append(timed([*CLI, "assemble", str(case), "--out", str(folder / "ours"), "--format", "pdf"], folder))
            if soffice and "libreoffice" not in failed:
                for name, profile in (("libreoffice", work / "lo-profile"), ("libreoffice-fresh", folder / "lo-profile")):
                    convert = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                               "--outdir", str(folder / name), str(folder / "src" / "agreement.docx")]
                    if name == "libreoffice" and n == 0:
                        subprocess.run(convert, capture_output=True, cwd=folder)  # makes the kept profile (not timed)
                    other(name, convert, folder)
            if pandoc and latex and "pandoc" not in failed:
                other("pandoc", [pandoc, str(folder / "src" / "agreement.html"), "-o", str(folder / "pandoc.pdf"), "--pdf-engine=xelatex"], folder)
    ours = statistics.median(times["ours"])
    print(f"case file -> PDF, whole processes, {ROUNDS} interleaved rounds, each on a new variation of {EXAMPLE}, seconds:")
    print(f"  mediation-agreement assemble --format pdf: {spread(times['ours'])}")
    for name, label, target in (
        ("libreoffice", "LibreOffice converting our DOCX, its profile kept (as docassemble's server)", 4.0),
        ("libreoffice-fresh", "LibreOffice converting our DOCX, a fresh profile each time", None),
        ("pandoc", "pandoc + xelatex rendering our HTML", 3.0),
    ):
        if name in failed:
            print(f"  {label}: failed ({failed[name]}); skipped")
            continue
        if not times[name]:
            print(f"  {label}: skipped (not installed: apt-get install libreoffice-writer-nogui pandoc texlive-xetex texlive-fonts-recommended)")
            continue
        ratio = statistics.median(times[name]) / ours
        verdict = "" if target is None else f" (target >= {target:.0f}x: {'met' if ratio >= target else 'NOT met'})"
        print(f"  {label}: {spread(times[name])}; ours is {ratio:.1f}x faster{verdict}")


if __name__ == "__main__":
    main()
