"""Benchmark: three parenting-time options compared over two years (target <= 150 ms in-process).

For each run the Wisconsin example gets other incomes (so no cache hides the
worksheet) and the three options in examples/options/ are compared: each
option's schedule computed over two calendar years (overnights, holidays) and
the guideline worksheet under it.  Prints min / median / max of 20 runs after
a warm-up.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

from varied import spread

from docassemble.MediationAgreement.case.model import load_case
from docassemble.MediationAgreement.support.options import compare_options, load_option

TARGET_MS = 150.0
RUNS = 20
ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    case = load_case(ROOT / "examples" / "cases" / "support-wi-shared.yml")
    options = [load_option(p, case) for p in sorted((ROOT / "examples" / "options").glob("*.yml"))]
    compare_options(case, options)  # warm-up
    timings = []
    for n in range(RUNS):
        support = case.child_support
        assert support is not None and support.guideline is not None
        guideline = support.guideline.model_copy(update={"parent_b": support.guideline.parent_b.model_copy(update={"monthly_gross_income": Decimal(3000 + 37 * n)})})
        variant = case.model_copy(update={"child_support": support.model_copy(update={"guideline": guideline})})
        start = time.perf_counter()
        results = compare_options(variant, options)
        timings.append((time.perf_counter() - start) * 1000)
        assert len(results) == 3
    print(f"options: three schedules compared over two years with the guideline under each, in-process ms: {spread(timings)} (target <= {TARGET_MS:.0f} ms)")


if __name__ == "__main__":
    main()
