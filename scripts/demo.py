"""`make demo`: run every example through the command-line tool into out/.

For each case in examples/cases/ it assembles the agreement (PDF, DOCX, HTML),
the parenting-time calendar and iCalendar files, the court cover sheet and the
filing packet; then it runs the review-and-signing demonstration (two drafts
with a redline, approvals, signatures, sealed final PDF).  Every step is a real
`mediation-agreement` command, so this is exactly what a user would type.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from docassemble.MediationAgreement.cli import run

ROOT = Path(__file__).resolve().parents[1]


def step(title: str, argv: list[str]) -> None:
    print(f"\n▶ {title}\n  $ mediation-agreement {' '.join(shlex.quote(a) for a in argv)}", flush=True)
    started = time.perf_counter()
    code = run(argv)
    if code != 0:
        print(f"✗ failed (exit {code})", file=sys.stderr)
        raise SystemExit(code)
    print(f"  done in {time.perf_counter() - started:.2f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "out", help="folder for everything the demo writes")
    args = parser.parse_args()
    out: Path = args.out
    cases = sorted((ROOT / "examples" / "cases").glob("*.yml"))
    if not cases:
        raise SystemExit("no example cases in examples/cases/")
    step("Checking the clause library", ["lint"])
    for case in cases:
        folder = out / case.stem
        rel = str(case.relative_to(ROOT)) if case.is_relative_to(ROOT) else str(case)
        step(f"{case.stem}: agreement (PDF, DOCX, HTML)", ["assemble", rel, "--out", str(folder)])
        step(f"{case.stem}: parenting-time calendar and .ics files", ["schedule", rel, "--out", str(folder / "schedule")])
        step(f"{case.stem}: court cover sheet", ["coversheet", rel, "--out", str(folder / "cover-sheet.pdf")])
        argv = ["packet", rel, "--agreement", str(folder / "agreement.pdf"), "--out", str(folder / "filing-packet")]
        for calendar in sorted((folder / "schedule").glob("calendar-*.pdf")):
            argv += ["--attach", str(calendar)]
        step(f"{case.stem}: filing packet", argv)
    step("Review rounds and signatures (joint example)", ["demo", "--out", str(out / "review-demo")])
    print(f"\nEverything is in {out}/:")
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        print(f"  {path.relative_to(out.parent) if out.is_relative_to(out.parent) else path}")


if __name__ == "__main__":
    main()
