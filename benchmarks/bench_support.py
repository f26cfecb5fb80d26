"""Benchmark: one child support worksheet (target <= 5 ms in-process).

The guideline is loaded once (as a server process would), then one worksheet
is computed per run: Washington's income-shares table (479-row 2026 economic
table, deductions, the RCW 26.19.065 limits, health care, day care and
transportation shares), which is the heaviest of the three methods.  Prints
min / median / max of 200 runs after a warm-up, and the time to load and check
the guideline folder (every table row and its SHA-256).
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from docassemble.MediationAgreement.support import Child, ParentInputs, SupportInputs, compute_worksheet, load_guideline

TARGET_MS = 5.0
RUNS = 200
GUIDELINES = Path(__file__).resolve().parents[1] / "guidelines"


def family() -> SupportInputs:
    return SupportInputs(
        as_of=date(2026, 12, 1),
        a=ParentInputs(Decimal("7350.00"), {"federal_and_state_income_taxes": Decimal("912.40"), "fica": Decimal("562.28")}, health_insurance_premium=Decimal("212.00"), annual_overnights=110),
        b=ParentInputs(Decimal("4180.00"), {"fica": Decimal("319.77")}, child_care=Decimal("640.00"), long_distance_transportation=Decimal("45.00"), annual_overnights=255),
        children=(Child(date(2015, 4, 12)), Child(date(2019, 9, 30))),
    )


def main() -> None:
    began = time.perf_counter()
    guideline = load_guideline(GUIDELINES / "wa-rcw-26.19")
    load_ms = (time.perf_counter() - began) * 1000
    inputs = family()
    sheet = compute_worksheet(guideline, inputs)  # warm-up
    timings = []
    for _ in range(RUNS):
        began = time.perf_counter()
        sheet = compute_worksheet(guideline, inputs)
        timings.append((time.perf_counter() - began) * 1000)
    figure = statistics.median(timings)
    print(
        f"support worksheet ({guideline.id}, {sheet.bracket}, parent {sheet.payer} pays {sheet.monthly_amount}): "
        f"in-process min {min(timings):.3f} / median {figure:.3f} / max {max(timings):.3f} ms over {RUNS} runs "
        f"(target <= {TARGET_MS:.0f} ms); loading and checking the guideline folder {load_ms:.1f} ms"
    )
    if figure > TARGET_MS:
        raise SystemExit(f"too slow: {figure:.3f} ms > {TARGET_MS:.0f} ms")


if __name__ == "__main__":
    main()
