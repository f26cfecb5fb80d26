"""The guideline worksheet from a case: ``mediation-agreement support``, the agreement's worksheet, deviations.

The figures checked here are the ones worked by hand, from the official text,
in each example's comments (examples/cases/support-*.yml and
long-distance-summer.yml); the engine's own tests are in test_support_guidelines.py.
"""

from __future__ import annotations

import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from docx import Document

from docassemble.MediationAgreement.assembly.assemble import assemble
from docassemble.MediationAgreement.assembly.document import to_plain_text
from docassemble.MediationAgreement.case.model import case_from_data, load_case
from docassemble.MediationAgreement.errors import CaseValidationError
from docassemble.MediationAgreement.library.clauses import load_library
from docassemble.MediationAgreement.render.formats import render_outputs
from docassemble.MediationAgreement.support import support_terms

from .conftest import EXAMPLES, ROOT, run_cli
from .filing_fixtures import pdftotext

WI = EXAMPLES / "support-wi-shared.yml"
NY = EXAMPLES / "support-ny-cssa.yml"
WA = EXAMPLES / "long-distance-summer.yml"
HAND_WORKED = {WI: ("b", "375.00"), NY: ("b", "1872.12"), WA: ("b", "1489.60")}


def test_the_dcf_150_035_note_through_the_command_line() -> None:
    """Wis. Admin. Code DCF 150.035, Note: "...Parent B would pay Parent A $375 per month."."""
    result = run_cli("support", WI.relative_to(ROOT), "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["guideline"] == "wi-dcf-150"
    assert data["payer"] == "b"
    assert f"{data['monthly_amount']:.2f}" == "375.00"
    assert [line["label"] for line in data["lines"]][:2] == ["Monthly income available for child support", "Court-ordered overnights (or equivalent care) a year"]


@pytest.mark.parametrize("case_file", list(HAND_WORKED), ids=lambda p: p.stem)
def test_each_model_gives_the_figure_worked_by_hand(case_file: Path) -> None:
    payer, amount = HAND_WORKED[case_file]
    terms = support_terms(load_case(case_file))
    assert terms.worksheet is not None
    assert (terms.payer, terms.monthly_amount) == (payer, Decimal(amount))


def test_the_worksheet_prints_line_by_line_with_the_parents_names() -> None:
    result = run_cli("support", WA.relative_to(ROOT))
    assert result.code == 0, result.err
    assert "Jordan (A)" in result.out and "Marcus (B)" in result.out and "Combined" in result.out
    assert "Monthly net income" in result.out and "$9,786.05" in result.out
    assert "Basic support obligation per child, from the economic table" in result.out and "$867.00" in result.out
    assert "Marcus (parent b) pays Jordan $1,489.60 a month." in result.out
    assert "note: table 'economic_table'" in result.out, "a figure from a secondary source is always named"


def test_overnights_come_from_the_schedule_unless_given() -> None:
    """The NY example gives no overnights: they are the schedule's own two-year average, adding up to the year."""
    case = load_case(NY)
    terms = support_terms(case)
    assert terms.overnights is not None and sum(terms.overnights.values()) == 365
    assert terms.overnights["a"] > terms.overnights["b"] > 52  # every other weekend plus Wednesday evenings is not overnights
    assert "schedule" in (terms.overnights_source or "")
    wi = support_terms(load_case(WI))
    assert wi.overnights == {"a": 219, "b": 146} and "mediator" in (wi.overnights_source or "")


@pytest.mark.parametrize("case_file", list(HAND_WORKED), ids=lambda p: p.stem)
def test_the_agreement_carries_the_worksheet_in_every_format(case_file: Path) -> None:
    case = load_case(case_file)
    doc = assemble(case, load_library())
    files = render_outputs(doc, ["pdf", "docx", "html", "txt"])
    amount = f"${Decimal(HAND_WORKED[case_file][1]):,.2f}"
    pdf = " ".join(pdftotext(files["agreement.pdf"]).split())
    docx = "\n".join(cell.text for table in Document(io.BytesIO(files["agreement.docx"])).tables for row in table.rows for cell in row.cells)
    html = files["agreement.html"].decode()
    text = files["agreement.txt"].decode()
    for output in (pdf, docx, html, text):
        assert amount in output
    assert "Child Support Guideline Worksheet" in pdf and "Child Support Guideline Worksheet" in html
    guideline = support_terms(case).guideline
    assert guideline is not None and guideline.title in text, "the support clauses name the guideline"


def test_cases_without_a_guideline_file_keep_their_typed_in_amount() -> None:
    """Arizona and Oregon have no guideline file (their tables were not reachable): no worksheet, the typed-in amount stands."""
    for name in ("joint-two-children", "safety-sole-supervised"):
        case = load_case(EXAMPLES / f"{name}.yml")
        terms = support_terms(case)
        assert terms.worksheet is None
        text = to_plain_text(assemble(case, load_library()))
        assert "Guideline Worksheet" not in text


def _wi_data() -> dict:
    return yaml.safe_load(WI.read_text(encoding="utf-8"))


def test_an_amount_other_than_the_guideline_needs_a_reason() -> None:
    data = _wi_data()
    data["child_support"]["amount"] = 300
    case = case_from_data(data, source="wi.yml")
    with pytest.raises(CaseValidationError) as info:
        support_terms(case)
    assert "child_support.amount: the guideline amount is 375.00 a month; 300.00 differs: give deviation_reason" in str(info.value)
    data["child_support"]["deviation_reason"] = "Father also pays the children's school fees"
    text = to_plain_text(assemble(case_from_data(data), load_library()))
    assert "call for Father to pay $375.00 a month" in text and "will pay $300.00 a month instead" in text


def test_a_payer_other_than_the_guideline_payer_needs_a_reason() -> None:
    data = _wi_data()
    data["child_support"]["payer"] = "a"
    data["child_support"].pop("cash_medical_support", None)  # a provides the insurance, so a could not also pay cash medical support
    with pytest.raises(CaseValidationError) as info:
        support_terms(case_from_data(data, source="wi.yml"))
    assert "child_support.payer: the guideline worksheet has parent b paying, not parent a" in str(info.value)


def test_a_weekly_payment_is_compared_at_its_own_frequency() -> None:
    data = _wi_data()
    data["child_support"]["frequency"] = "weekly"
    data["child_support"]["amount"] = "86.54"  # 375.00 x 12 / 52
    terms = support_terms(case_from_data(data))
    assert terms.guideline_amount == Decimal("86.54") and terms.monthly_amount == Decimal("375.00")


def test_a_guideline_for_another_state_is_refused() -> None:
    data = _wi_data()
    data["child_support"]["guideline"]["id"] = "ny-cssa"
    with pytest.raises(CaseValidationError) as info:
        support_terms(case_from_data(data, source="wi.yml"))
    assert "child_support.guideline.id: guideline 'ny-cssa' is NY's; the court is in WI" in str(info.value)


def test_an_office_folder_replaces_a_guideline_without_python(tmp_path: Path) -> None:
    """An office lays its own folder over ours (--guidelines); a guideline with the same id wins."""
    office = tmp_path / "office-guidelines"
    shutil.copytree(ROOT / "guidelines" / "wi-dcf-150", office / "wi-dcf-150")
    file = office / "wi-dcf-150" / "guideline.yml"
    file.write_text(file.read_text(encoding="utf-8").replace("title: Wisconsin child support standard", "title: Office copy of the Wisconsin standard"), encoding="utf-8")
    result = run_cli("support", WI.relative_to(ROOT), "--guidelines", office)
    assert result.code == 0, result.err
    assert result.out.startswith("Office copy of the Wisconsin standard")
    bad = tmp_path / "broken"
    shutil.copytree(ROOT / "guidelines" / "wi-dcf-150", bad / "wi-dcf-150")
    (bad / "wi-dcf-150" / "guideline.yml").write_text("id: wi-dcf-150\nmodel: nonsense\n", encoding="utf-8")
    broken = run_cli("support", WI.relative_to(ROOT), "--guidelines", bad)
    assert broken.code == 2 and "Traceback" not in broken.err
    assert f"{bad / 'wi-dcf-150' / 'guideline.yml'}:2:" in broken.err


def test_support_without_incomes_is_named(tmp_path: Path) -> None:
    result = run_cli("support", (EXAMPLES / "joint-two-children.yml").relative_to(ROOT))
    assert result.code == 2
    assert result.err.strip() == "error: examples/cases/joint-two-children.yml: has no child_support.guideline (each parent's income and costs); add it to compute the worksheet"


def test_a_form_mapping_can_read_the_worksheet(tmp_path: Path) -> None:
    """A court's worksheet form is filled by a mapping file: the worksheet is `support` there, as in clause text."""
    from docassemble.MediationAgreement.forms.coversheet import fill_cover_sheet
    from docassemble.MediationAgreement.forms.fields import read_values

    generic = ROOT / "templates" / "cover_sheets" / "generic.pdf"
    mapping = tmp_path / "worksheet-map.yml"
    mapping.write_text(
        f"form: {generic}\ntitle: Worksheet values\nfields:\n"
        '  court_name: "{{ court.name }}"\n'
        "  case_number: \"{{ support.worksheet.line('income').combined|money }}\"\n"
        "  related_cases: \"{{ party(support.payer).name }} pays {{ support.monthly_amount|money }}\"\n",
        encoding="utf-8",
    )
    values = read_values(fill_cover_sheet(load_case(WI), mapping=mapping).data)
    assert values["case_number"] == "$5,000.00"
    assert values["related_cases"] == "Father pays $375.00"


def test_the_support_package_offers_each_name_it_lists_from_the_module_that_defines_it() -> None:
    """`support/__init__.py` imports its names on first use: the list it publishes and the modules it looks
    them up in name the same things, and each is the defining module's own object."""
    import importlib

    import docassemble.MediationAgreement.support as support

    assert sorted(support.__all__) == sorted(name for names in support._WHERE.values() for name in names)
    for module, names in support._WHERE.items():
        defining = importlib.import_module(f"docassemble.MediationAgreement.support.{module}")
        for name in names:
            assert getattr(support, name) is getattr(defining, name), name
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = support.Nope
