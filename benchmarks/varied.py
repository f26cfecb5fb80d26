"""Case files that differ from run to run, so no cache hides work a real office pays for.

Each generated case is one of the examples with other names (parents and
children) and another support amount; the schedule and every other answer stay
valid.  Used by the batch, start-up and comparison benchmarks.
"""

from __future__ import annotations

import copy
import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "cases"
FIRST = ["Ana", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonah", "Kira", "Luis", "Mara", "Nico", "Olga", "Pavel"]
LAST = ["Alvarez", "Brooks", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jensen", "Khan", "Lopez", "Moreau", "Novak", "Okafor", "Perez"]


def examples() -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.yml"))]


def varied_case(base: dict[str, Any], n: int) -> dict[str, Any]:
    """The ``n``-th variation of ``base``: new names for everyone; support moved by a few dollars where no
    guideline worksheet computes it (where one does, the agreed amount must match it)."""
    data = copy.deepcopy(base)
    names = itertools.islice(itertools.cycle(itertools.product(FIRST, LAST)), n * 7, None)
    initial = chr(ord("A") + (n * 7 // (len(FIRST) * len(LAST))) % 26)  # past 256 names: a middle initial keeps them new
    for key in ("parent_a", "parent_b"):
        first, last = next(names)
        data[key]["full_name"] = f"{first} {initial}. {last}"
        data[key]["short_name"] = first
    for child in data["children"]:
        first, last = next(names)
        child["full_name"] = f"{first} {initial}. {last}"
        if child.get("short_name"):
            child["short_name"] = first
    support = data.get("child_support")
    if support and not support.get("guideline"):  # a computed guideline amount must stay what the worksheet gives
        step = Decimal(n % 50)
        support["amount"] = float(Decimal(str(support["amount"])) + step)
        if support.get("guideline_amount") is not None:
            support["guideline_amount"] = float(Decimal(str(support["guideline_amount"])) + step)
    return data


def write_cases(folder: Path, count: int, *, start: int = 0) -> list[Path]:
    """``count`` varied case files in ``folder`` (cycling through the examples)."""
    folder.mkdir(parents=True, exist_ok=True)
    bases = examples()
    paths = []
    for i in range(start, start + count):
        path = folder / f"case-{i:05d}.yml"
        path.write_text(yaml.safe_dump(varied_case(bases[i % len(bases)], i), sort_keys=False, allow_unicode=True), encoding="utf-8")
        paths.append(path)
    return paths


def spread(values: list[float]) -> str:
    """min/median/max, as every benchmark here reports them."""
    import statistics

    return f"min {min(values):.3f}, median {statistics.median(values):.3f}, max {max(values):.3f}"


def ensure_bytecode() -> None:
    """Compile the package's modules to ``.pyc`` before timing whole processes, as ``pip install`` does for an
    installed package: an editable checkout run with ``PYTHONDONTWRITEBYTECODE`` would otherwise compile
    every module again in every process."""
    import compileall

    compileall.compile_dir(str(EXAMPLES.parents[1] / "docassemble" / "MediationAgreement"), quiet=1)
