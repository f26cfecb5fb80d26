"""Golden text: each example's agreement, as normalised plain text.

The golden files in tests/golden/ are the reviewed wording of every example.
After a deliberate change to the clause library, run `make golden` (pytest
--update-golden), then read `git diff tests/golden` before committing.  Each
example is assembled as the CLI does it: with its court.state's overlay
(clauses/overlays/<state>/) when the package has one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from docassemble.MediationAgreement.assembly.assemble import assemble
from docassemble.MediationAgreement.assembly.document import to_plain_text
from docassemble.MediationAgreement.case.model import load_case
from docassemble.MediationAgreement.library.clauses import load_case_library

from .conftest import ROOT, example_cases

GOLDEN = ROOT / "tests" / "golden"
FIXED_TODAY = date(2026, 11, 20)


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_example_matches_golden_text(path: Path, request: pytest.FixtureRequest) -> None:
    case = load_case(path)
    doc = assemble(case, load_case_library(None, case.court.state), draft=True, today=FIXED_TODAY)
    text = to_plain_text(doc)
    golden = GOLDEN / f"{path.stem}.txt"
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text)
    assert golden.exists(), f"no golden file for {path.name}: run `make golden` and read the diff"
    assert text == golden.read_text(), f"{path.name} differs from {golden.name}; if intended, `make golden` and review the diff"
