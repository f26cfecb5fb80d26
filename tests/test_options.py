"""Exploring options: up to three schedules side by side — overnights, holidays and the guideline support each gives."""

from __future__ import annotations

import io
import json
from pathlib import Path

import yaml
from pypdf import PdfReader

from docassemble.MediationAgreement.case.model import case_from_data, load_case
from docassemble.MediationAgreement.support import compute_terms
from docassemble.MediationAgreement.support.options import compare_options, load_option, option_case

from .conftest import EXAMPLES, ROOT, run_cli
from .filing_fixtures import pdftotext

WI = EXAMPLES / "support-wi-shared.yml"
OPTIONS = sorted((ROOT / "examples" / "options").glob("*.yml"))


def test_three_options_side_by_side_with_a_one_page_handout(tmp_path: Path) -> None:
    out = tmp_path / "options.pdf"
    result = run_cli("options", WI.relative_to(ROOT), *(p.relative_to(ROOT) for p in OPTIONS), "--json", "--out", out)
    assert result.code == 0, result.err
    figures = json.loads(result.out)
    assert [f["label"] for f in figures] == ["Every other weekend with Father", "2-2-5-5", "Week on, week off"]
    for f in figures:
        assert abs(f["overnights"]["a"] + f["overnights"]["b"] - 365) <= 1
        assert f["support"]["guideline"] == "wi-dcf-150" and f["support"]["payer"] == "b"
        assert {h["holiday"] for h in f["holidays"]} >= {"Thanksgiving", "Winter break"}
    eow, two_two, _alt = figures
    assert eow["overnights"]["a"] > 250 and eow["support"]["monthly_amount"] == 750.0  # not shared placement: 25% of 3,000
    assert two_two["support"]["monthly_amount"] < eow["support"]["monthly_amount"]  # shared placement lowers it
    pdf = out.read_bytes()
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = " ".join(pdftotext(pdf).split())
    assert "Every other weekend with Father" in text and "$750.00" in text and "Wisconsin" in text


def test_each_option_gives_what_the_agreement_would_say_under_it() -> None:
    """An option is the case with its schedule: the same engine, the same figures the chosen agreement would state."""
    case = load_case(WI)
    for path in OPTIONS:
        option = load_option(path, case)
        (figures,) = compare_options(case, [option])
        variant = option_case(case, option)
        assert figures.support.monthly_amount == compute_terms(variant).monthly_amount
        assert variant.child_support.guideline.overnights is None, "overnights given by hand belong to one schedule only"


def test_the_case_file_can_list_its_own_options() -> None:
    data = yaml.safe_load(WI.read_text(encoding="utf-8"))
    data["options"] = [{"label": "As proposed", "parenting_time": data["parenting_time"]}]
    case = case_from_data(data)
    (figures,) = compare_options(case)
    assert figures.label == "As proposed"


def test_bad_options_are_named_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "options.pdf"
    bad = tmp_path / "bad.yml"
    bad.write_text("label: Typo\nparenting_time:\n  patern:\n    kind: alternating_weeks\n", encoding="utf-8")
    result = run_cli("options", WI.relative_to(ROOT), bad, "--out", out)
    assert result.code == 2 and "Traceback" not in result.err
    assert f"{bad}:3: parenting_time.patern: unknown field 'patern'; did you mean 'pattern'?" in result.err
    assert not out.exists()
    four = run_cli("options", WI.relative_to(ROOT), *OPTIONS, OPTIONS[0], "--out", out)
    assert four.code == 2 and "compare at most 3 at a time" in four.err and not out.exists()
    none = run_cli("options", WI.relative_to(ROOT))
    assert none.code == 2 and "no schedules to compare" in none.err
