"""Benchmark: `lint` over a generated 5,000-clause library (target <= 3 s on 2 cores).

Generates clause files shaped like the real ones (when, uses, alternatives,
Jinja text reading case fields, cross-references) into a temporary folder and
times `lint_library` in-process (median of 3) and the whole `mediation-agreement
lint` process once.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docassemble.MediationAgreement.library.clauses import TOPICS
from docassemble.MediationAgreement.library.lint import _parse, _resolve, lint_library

CLAUSES = 5000

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


def generate(folder: Path, count: int = CLAUSES) -> None:
    for n in range(count):
        topic = TOPICS[n % len(TOPICS)]
        ref = f"{TOPICS[0]}.generated_0"
        body = (ALTERNATIVES if n % 4 == 0 else TEXT).format(ref=ref, n=n)
        path = folder / topic / f"clause_{n:05d}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TEMPLATE.format(topic=topic, n=n, body=body))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        library = Path(tmp) / "generated"
        generate(library)
        timings = []
        for _ in range(3):
            _parse.cache_clear()  # every run parses every text afresh
            _resolve.cache_clear()
            start = time.perf_counter()
            report = lint_library([library])
            timings.append(time.perf_counter() - start)
        assert not report, [str(p) for p in report.problems[:5]]
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "docassemble.MediationAgreement", "lint", "--no-default-library", "--library", str(library)], check=True, capture_output=True)
        whole = time.perf_counter() - start
    print(f"lint, {CLAUSES} clauses: in-process median {statistics.median(timings):.2f} s; whole process {whole:.2f} s (target <= 3 s)")


if __name__ == "__main__":
    main()
