"""How much the mediator fills in: screens and fields of the mediator interview, per example (issue 13, "Measure it").

    .venv/bin/python benchmarks/bench_screens.py

Each example case file is answered screen by screen with docassemble's own
parser and engine (the test harness, ``tests/da_harness.py``), from the first
screen to the draft, as a mediator copying the file would, two ways: holidays
ticked from the list (their usual times kept, a screen only for the ones that
differ: how the interview is meant to be used) and each holiday typed on its own
screen (nothing ticked: how every holiday was entered before the list).  Counted: the
screens shown, and the fields on them a person could fill in (a field hidden
by a server-side ``show if`` is not counted; fields hidden by JavaScript
``show if`` are, since the harness does not run JavaScript, so the count is an
upper bound).  Needs the test extras (``make install-test``): docassemble.base.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

try:
    from tests import da_harness as h  # stubs the NLTK download docassemble attempts at import
except ImportError as exc:  # pragma: no cover - docassemble.base is a test extra
    sys.exit(f"bench_screens needs docassemble.base (make install-test): {exc}")

import yaml  # noqa: E402

MAIN = "mediation_agreement.yml"


def count(path: Path, holidays: str) -> tuple[int, int]:
    """(screens, fields) of the mediator interview for the case file at ``path``."""
    h.setup()
    driver = h.InterviewDriver(MAIN)
    answers = h.CaseFileAnswers(yaml.safe_load(path.read_text(encoding="utf-8")), driver, extra={"start": {"start_from": "new"}}, holidays=holidays)
    screens = fields = 0
    for _ in range(400):
        screen = driver.screen()
        if screen.id == "draft":
            return screens, fields
        screens += 1
        fields += sum(1 for f in screen.fields if f.variable and not f.hidden)
        driver.answer(answers(screen))
    raise SystemExit(f"{path.name}: no draft screen after 400 screens")


def main() -> None:
    paths = sorted((ROOT / "examples" / "cases").glob("*.yml"))
    rows = [(path.stem, *count(path, "list"), *count(path, "one by one")) for path in paths]
    width = max(len(row[0]) for row in rows)
    print(f"{'example':<{width}}  screens  fields  (holidays one by one: screens  fields)")
    for name, screens, fields, screens_1, fields_1 in rows:
        print(f"{name:<{width}}  {screens:>7}  {fields:>6}  {screens_1:>28}  {fields_1:>6}  ({1 - fields / fields_1:.0%} fewer fields)")


if __name__ == "__main__":
    main()
