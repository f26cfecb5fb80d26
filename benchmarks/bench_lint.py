"""Benchmark: `lint` over generated libraries of 500, 5,000 and 50,000 clauses (targets: 5,000 in at most 3 s
on 2 cores; 50,000 within 10x the time of 5,000, i.e. linear).

Generates clause files shaped like the real ones (when, uses, alternatives,
Jinja text reading case fields, cross-references) into a temporary folder and
times `lint_library` in-process (min / median / max of 3; one run at 50,000)
and the whole `mediation-agreement lint` process once at 5,000.  Set
``BENCH_LINT_SIZES=500,5000`` to skip the 50,000 (about a minute).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from varied import spread

from docassemble.MediationAgreement.library.clauses import TOPICS
from docassemble.MediationAgreement.library.lint import _parse, _resolve, lint_library

CLAUSES = 5000
SIZES = tuple(int(n) for n in os.environ.get("BENCH_LINT_SIZES", "500,5000,50000").split(","))

TEMPLATE = """id: {topic}.generated_{n}
title: Generated clause {n}
topic: {topic}
order: {n}
version: 1
when: case.child_support is not none and not case.safety.finding
uses: [case.child_support, case.safety, case.provisions, case.children]
notes: Generated for the lint benchmark.
{body}
"""

TEXT = """text: |
  Clause {n}: {{{{ party(case.child_support.payer).name }}}} will pay {{{{ case.child_support.amount|money }}}} for {{{{ kids.the }}}}.
  {{% if case.provisions.right_of_first_refusal %}}
  The right of first refusal applies after {{{{ case.provisions.right_of_first_refusal_hours|words }}}} hours.
  {{% endif %}}

  {{% for child in case.children %}}
  - {{{{ child.full_name }}}}, born {{{{ child.date_of_birth|longdate }}}}
  {{% endfor %}}

  See {{{{ ref('{ref}') }}}}.
"""

ALTERNATIVES = """select: case.child_support.payment_method
alternatives:
  income_withholding:
    label: Income withholding
    help: Taken from each paycheck.
    text: Clause {n}. Support is withheld from {{{{ party(case.child_support.payer).their }}}} pay, as in {{{{ ref('{ref}') }}}}.
  direct:
    label: Direct
    when: not case.safety.finding
    text: Support is paid directly to {{{{ other(case.child_support.payer).name }}}}.
"""


PACKAGE_SIGNATURES = Path(__file__).resolve().parents[1] / "clauses" / "signatures"


def generate(folder: Path, count: int = CLAUSES) -> None:
    # Every library needs each signer's line once (lint checks it): the package's own two blocks.
    (folder / "signatures").mkdir(parents=True, exist_ok=True)
    for name in ("parents.yml", "mediator.yml"):
        shutil.copy(PACKAGE_SIGNATURES / name, folder / "signatures" / name)
    for n in range(count):
        topic = TOPICS[n % len(TOPICS)]
        ref = f"{TOPICS[0]}.generated_0"
        body = (ALTERNATIVES if n % 4 == 0 else TEXT).format(ref=ref, n=n)
        path = folder / topic / f"clause_{n:05d}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TEMPLATE.format(topic=topic, n=n, body=body))


def in_process(library: Path, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        _parse.cache_clear()  # every run parses every text afresh
        _resolve.cache_clear()
        start = time.perf_counter()
        report = lint_library([library])
        timings.append(time.perf_counter() - start)
        assert not report, [str(p) for p in report.problems[:5]]
    return timings


def main() -> None:
    medians = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            library = Path(tmp) / f"generated-{size}"
            generate(library, size)
            timings = in_process(library, 1 if size > 10_000 else 3)
            medians[size] = statistics.median(timings)
            line = f"lint, {size:>6,} clauses, in-process s: {spread(timings)}"
            if size == CLAUSES:
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "docassemble.MediationAgreement", "lint", "--no-default-library", "--library", str(library)], check=True, capture_output=True)
                line += f"; whole process {time.perf_counter() - start:.2f} s (target <= 3 s)"
            print(line, flush=True)
            shutil.rmtree(library)
    if CLAUSES in medians and max(medians) > CLAUSES:
        ratio = medians[max(medians)] / medians[CLAUSES]
        print(f"lint at {max(medians):,} / at {CLAUSES:,} clauses = {ratio:.1f}x (target <= {max(medians) / CLAUSES * 1.0:.0f}x: linear)")


if __name__ == "__main__":
    main()
