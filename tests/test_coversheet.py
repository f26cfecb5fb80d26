"""Cover sheets: mapping files checked against the PDF and the case, then filled.

Every failure a careless mapping can cause must be an error naming the field
and the mapping file's line, never a silently wrong form.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from filing_fixtures import (
    CONFIDENTIAL_STREET,
    GENERIC_MAP,
    GENERIC_PDF,
    MARICOPA_SENSITIVE,
    MARICOPA_WORKSHEET,
    MICHIGAN_MC21,
    ROOT,
    TEST_MAPPINGS,
    ink,
    make_case,
    pdftotext,
    real_form,
)
from pypdf import PdfReader

from docassemble.MediationAgreement.case.model import load_case
from docassemble.MediationAgreement.cli import main
from docassemble.MediationAgreement.errors import FormError, FormProblems
from docassemble.MediationAgreement.forms.coversheet import (
    check_mapping,
    default_mapping_path,
    fill_cover_sheet,
    load_mapping,
    starter_mapping,
)
from docassemble.MediationAgreement.forms.fields import read_form, read_values

from .conftest import example_cases, run_cli


@pytest.fixture(scope="module")
def case():
    return make_case()


def write_mapping(folder: Path, body: str, *, form: Path = GENERIC_PDF) -> Path:
    """A mapping file in ``folder`` naming ``form``; ``body`` is the ``fields:`` block, indented."""
    path = folder / "map.yml"
    path.write_text(f"form: {form}\ntitle: Test mapping\nfields:\n{body}", encoding="utf-8")
    return path


def problems_of(caught: pytest.ExceptionInfo[FormProblems]) -> dict[str, tuple[int | None, str]]:
    return {p.field_path or "": (p.line, p.message) for p in caught.value.problems}


# --------------------------------------------------------------------------- the generic cover sheet


def test_the_package_ships_the_generic_form_and_mapping() -> None:
    assert default_mapping_path().resolve() == GENERIC_MAP.resolve()
    mapping = load_mapping(default_mapping_path())
    assert mapping.form_path is not None and mapping.form_path.resolve() == GENERIC_PDF.resolve()
    assert check_mapping(mapping, read_form(mapping.form_path)) == []
    assert not mapping.confidential


def test_generic_cover_sheet_filled_from_a_case(case) -> None:
    sheet = fill_cover_sheet(case)
    values = read_values(sheet.data)
    assert values["court_name"] == "Superior Court of Arizona"
    assert (values["county"], values["state"], values["case_number"]) == ("Maricopa", "AZ", "FC2026-000123")
    assert (values["petitioner_name"], values["respondent_name"]) == ("Alex Muñoz Rivera", "Sam Rivera")
    assert values["type_custody"] == values["type_mediated_agreement"] == values["type_support_iv_d"] == "/Yes"
    assert values["type_support_non_iv_d"] == values["type_paternity"] == "/Off"
    assert values["related_cases"] == "FC2024-000999; DR2023-0042"
    assert (values["interpreter_needed"], values["interpreter_language"]) == ("/yes", "Spanish")
    assert values["number_of_children"] == "2"
    assert (values["filer_name"], values["filer_role"], values["representation"]) == ("Alex Muñoz Rivera", "Petitioner", "/self")
    assert values["attorney_name"] == values["bar_number"] == values["signature"] == ""
    text = pdftotext(sheet.data)
    for shown in ("Superior Court of Arizona", "Maricopa", "FC2026-000123", "Alex Muñoz Rivera", "Sam Rivera", "FC2024-000999; DR2023-0042", "Spanish"):
        assert shown in text
    assert CONFIDENTIAL_STREET not in text and "85015" not in text
    assert sheet.notes == []


def test_generic_cover_sheet_for_a_represented_petitioner() -> None:
    case = make_case(court={"petitioner": "b", "iv_d": False}, parent_a={"interpreter_language": None})
    values = read_values(fill_cover_sheet(case).data)
    assert (values["petitioner_name"], values["respondent_name"]) == ("Sam Rivera", "Alex Muñoz Rivera")
    assert (values["representation"], values["attorney_name"], values["bar_number"]) == ("/attorney", "Pat Lee", "012345")
    assert (values["type_support_iv_d"], values["type_support_non_iv_d"]) == ("/Off", "/Yes")
    assert (values["interpreter_needed"], values["interpreter_language"]) == ("/no", "")


def test_flattened_cover_sheet_cannot_be_edited_and_still_shows_the_values(case) -> None:
    sheet = fill_cover_sheet(case, flatten=True)
    assert "/AcroForm" not in PdfReader(io.BytesIO(sheet.data)).trailer["/Root"]
    text = pdftotext(sheet.data)
    assert "Superior Court of Arizona" in text and "Alex Muñoz Rivera" in text
    form = read_form(GENERIC_PDF)
    assert ink(sheet.data, form.fields["type_custody"].widgets[0].rect) > ink(sheet.data, form.fields["type_paternity"].widgets[0].rect) + 0.05


@pytest.mark.parametrize("case_file", example_cases(), ids=lambda p: p.stem)
def test_generic_cover_sheet_for_every_example_case(case_file: Path) -> None:
    case = load_case(case_file)
    sheet = fill_cover_sheet(case)
    text = pdftotext(sheet.data)
    assert case.court.name in text and case.parent_a.full_name in text and case.parent_b.full_name in text
    for parent in (case.parent_a, case.parent_b):
        if parent.address is not None and parent.address.confidential:
            assert parent.address.street not in text


def test_the_committed_form_matches_its_source(tmp_path: Path) -> None:
    pytest.importorskip("reportlab", reason="reportlab builds the form (a build-time tool only)")
    out = tmp_path / "generic.pdf"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_cover_sheet.py"), "--out", str(out)], check=True, capture_output=True, timeout=120)
    built, committed = read_form(out), read_form(GENERIC_PDF)

    def shape(form):
        return {
            n: (f.kind, f.max_length, f.multiline, f.on_states, f.options, [tuple(round(v) for v in w.rect) for w in f.widgets])
            for n, f in form.fields.items()
        }

    assert shape(built) == shape(committed), "templates/cover_sheets/generic.pdf is stale: run scripts/build_cover_sheet.py"
    assert pdftotext(out.read_bytes()) == pdftotext(GENERIC_PDF.read_bytes())


# --------------------------------------------------------------------------- mistakes in a mapping


def test_unknown_field_is_named_with_its_line_and_a_did_you_mean(tmp_path: Path, case) -> None:
    path = write_mapping(tmp_path, '  court_name: "{{ court.name }}"\n  case_numbr: "{{ court.case_number }}"\n')
    with pytest.raises(FormProblems) as caught:
        fill_cover_sheet(case, mapping=path)
    assert str(caught.value) == f"{path}:5: case_numbr: no such field in generic.pdf; did you mean 'case_number'?"


def test_wrong_checkbox_state_is_refused(tmp_path: Path, case) -> None:
    path = write_mapping(tmp_path, "  type_custody: {checked: true, on_state: /On}\n  type_paternity:\n    checked: true\n    on_state: /yes\n")
    with pytest.raises(FormProblems) as caught:
        fill_cover_sheet(case, mapping=path)
    found = problems_of(caught)
    assert found["type_custody"][0] == 4 and "'/On' is not in generic.pdf" in found["type_custody"][1] and "'/Yes'" in found["type_custody"][1]
    assert found["type_paternity"][0] == 7 and "did you mean '/Yes'? names are case-sensitive" in found["type_paternity"][1]


def test_real_form_checkbox_state_no_versus_No(tmp_path: Path, case) -> None:
    form = real_form(MARICOPA_SENSITIVE)
    path = write_mapping(tmp_path, '  "Self without a Lawyer": {checked: true, on_state: /No}\n', form=form)
    with pytest.raises(FormProblems) as caught:
        fill_cover_sheet(case, mapping=path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field_path) == (4, "Self without a Lawyer")
    assert "on-state is '/no'" in problem.message and "did you mean '/no'?" in problem.message


def test_over_long_value_is_refused(tmp_path: Path, case) -> None:
    path = write_mapping(tmp_path, '  state: "{{ court.name }}"\n  case_number: "{{ court.case_number * 3 }}"\n')
    with pytest.raises(FormProblems) as caught:
        fill_cover_sheet(case, mapping=path)
    found = problems_of(caught)
    assert found["state"] == (4, "value is 25 characters; the field holds at most 2 ('Su'...)")
    assert found["case_number"][0] == 5 and "at most 30" in found["case_number"][1]


def test_missing_required_value_is_refused(tmp_path: Path) -> None:
    case = make_case(court={"case_number": None, "judge": None})
    path = write_mapping(tmp_path, '  case_number: {value: "{{ court.case_number }}", required: true}\n  signature_date:\n    value: "{{ court.judge }}"\n    required: true\n')
    with pytest.raises(FormProblems) as caught:
        fill_cover_sheet(case, mapping=path)
    found = problems_of(caught)
    assert found["case_number"] == (4, "is required by the mapping but has no value for this case")
    assert found["signature_date"][0] == 6


def test_every_problem_is_reported_at_once(tmp_path: Path, case) -> None:
    path = write_mapping(
        tmp_path,
        '  state: "{{ court.name }}"\n'
        '  bar_number: "{{ cuort.name }}"\n'
        '  filer_role: "Judge"\n'
        '  interpreter_needed: "{{ \'Yes\' }}"\n'
        '  county: "{{ court.county }}"\n',
    )
    with pytest.raises(FormProblems) as caught:
        fill_cover_sheet(case, mapping=path)
    found = problems_of(caught)
    assert set(found) == {"state", "bar_number", "filer_role", "interpreter_needed"}
    assert found["bar_number"] == (5, "expression failed: 'cuort' is undefined; did you mean 'court'?")
    assert "not one of the options" in found["filer_role"][1]
    assert "did you mean '/yes'?" in found["interpreter_needed"][1]


@pytest.mark.parametrize(
    ("body", "line", "expected"),
    [
        ('  type_custody: "{{ true }}"\n', 4, "is a checkbox: write `checked: <condition>`"),
        ("  court_name: {checked: true}\n", 4, "is a text field, not a checkbox"),
        ("  court_name: court.name\n", 4, "would be printed as it is; to print the case's value write \"{{ court.name }}\""),
        ('  court_name: "{{ court.name }"\n', 4, "template error: unexpected '}'"),
        ("  court_name: |\n    {{ court.name }}\n    {{ court.county }\n", 6, "template error"),
        ("  type_custody: {checked: 'court.iv_d and'}\n", 4, "checked: is not a valid condition"),
        ("  court_name: {value: x, on_state: /Yes}\n", 4, "on_state: is only for checkboxes"),
        ('  type_custody: {checked: "\'no\'"}\n', 4, "gave the text 'no', which would count as checked"),
        ('  court_name: "{{ court.nmae }}"\n', 4, "has no attribute 'nmae'"),
        ('  court_name: "{{ \'\'.__class__.__mro__ }}"\n', 4, "expression refused by the sandbox"),
    ],
    ids=["value-on-checkbox", "checked-on-text", "bare-path", "syntax", "syntax-in-block", "bad-condition", "on-state-on-text", "falsy-text", "no-attribute", "sandbox"],
)
def test_mapping_mistakes_name_field_and_line(tmp_path: Path, case, body: str, line: int, expected: str) -> None:
    path = write_mapping(tmp_path, body)
    with pytest.raises(FormProblems) as caught:
        fill_cover_sheet(case, mapping=path)
    (problem,) = caught.value.problems
    assert problem.path == str(path) and problem.line == line and expected in problem.message, str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("form: generic.pdf\nfeilds:\n  court_name: x\n", "map.yml:2: feilds: unknown field 'feilds'; did you mean 'fields'?"),
        ("form: generic.pdf\nfields: {}\n", "map.yml:2: fields:"),
        ("form: generic.pdf\nfields:\n  court_name: x\n  court_name: y\n", "map.yml:4: field 'fields.court_name': key 'court_name' appears twice"),
        ("form: generic.pdf\nfields:\n  court_name: [x\n", "map.yml:4: malformed YAML"),
        ("form: generic.pdf\nfields:\n  court_name: {valeu: x}\n", "map.yml:3: fields.court_name.valeu: unknown field 'valeu'; did you mean 'value'?"),
        ("- just a list\n", "map.yml:1: a mapping file must be a mapping"),
    ],
    ids=["typo-top", "no-fields", "duplicate", "malformed", "typo-entry", "not-a-mapping"],
)
def test_malformed_mapping_files(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "map.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormError) as caught:
        load_mapping(path)
    assert any(line.startswith(f"{tmp_path}/{expected}") for line in str(caught.value).splitlines()), str(caught.value)


def test_a_mapping_must_name_its_form(tmp_path: Path, case) -> None:
    path = tmp_path / "map.yml"
    path.write_text("fields:\n  court_name: x\n", encoding="utf-8")
    with pytest.raises(FormError, match="the mapping names no form"):
        fill_cover_sheet(case, mapping=path)
    assert read_values(fill_cover_sheet(case, mapping=path, form=GENERIC_PDF).data)["court_name"] == "x"


# --------------------------------------------------------------------------- confidential addresses


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("{{ case.parent_a.address.street }}", "reads a confidential address (case.parent_a.address.street)"),
        ("{{ case.parent_a.address.postal_code }}", "reads a confidential address (case.parent_a.address.postal_code)"),
        ("{{ case.parent_a.address }}", "prints a confidential address (case.parent_a.address)"),
        ("{{ case.parent_a }}", "holds a confidential address"),
        ("{{ party('a') }} {{ case.parent_a.address.city }}", "reads a confidential address (case.parent_a.address.city)"),
        ("Lives at " + CONFIDENTIAL_STREET, "the value contains parent_a's confidential address"),
        ("Phoenix, AZ 85015", "the value contains parent_a's confidential address"),
    ],
)
def test_a_confidential_address_is_refused_not_blanked(tmp_path: Path, case, expression: str, expected: str) -> None:
    path = write_mapping(tmp_path, f"  related_cases: {yaml.safe_dump(expression).splitlines()[0]}\n")
    with pytest.raises(FormProblems) as caught:
        fill_cover_sheet(case, mapping=path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field_path) == (4, "related_cases") and expected in problem.message, problem.message


def test_a_mapping_may_ask_whether_an_address_is_confidential(tmp_path: Path, case) -> None:
    path = write_mapping(
        tmp_path,
        "  related_cases: \"{{ case.parent_a.address.one_line() }}\"\n"
        "  type_other_text: \"{{ 'withheld' if case.parent_a.address.confidential else case.parent_a.address.street }}\"\n"
        "  county: \"{{ case.parent_b.address.street if not case.parent_b.address.confidential else '' }}\"\n"
        "  type_other: {checked: case.parent_a.address.confidential}\n",
    )
    sheet = fill_cover_sheet(case, mapping=path)
    values = read_values(sheet.data)
    assert (values["related_cases"], values["type_other_text"], values["county"], values["type_other"]) == (
        "address kept confidential", "withheld", "88 N Central Ave", "/Yes",
    )
    text = pdftotext(sheet.data)
    assert CONFIDENTIAL_STREET not in text and "85015" not in text and "88 N Central Ave" in text


# --------------------------------------------------------------------------- the real court forms


def test_maricopa_sensitive_data_sheet_from_its_mapping(case) -> None:
    real_form(MARICOPA_SENSITIVE)
    sheet = fill_cover_sheet(case, mapping=TEST_MAPPINGS / "az-maricopa-sensitive-data.yml")
    values = read_values(sheet.data)
    assert values["Petitioner  Party A"] == values["Person Filing"] == "Alex Muñoz Rivera"
    assert values["Respondent  Party B"] == "Sam Rivera"
    assert values["Self without a Lawyer"] == values["Petitioner"] == "/no"  # the lower-case on-state
    assert values["Attorney for"] == "/Off"
    assert values["PetitionerGenderFemale DRSDS10f-c"] == values["RespondentGenderMale DRSDS10f-c"] == "/No"
    assert values["PetitionerGenderMale DRSDS10f-c"] == "/Off"
    assert values["Child Date of Birth 2#0 DRSDS10f-c"] == "09/03/2019"
    assert values["Child Date of Birth  3 DRSDS10f-c"] == ""
    assert values["Interpreter needed yes_10 DRSDS10f-c"] == "/no" and values["No interpreter12 DRSDS10f-c"] == "/Off"
    assert values["DO NOT COPY this document  DO NOT SERVE THIS DOCUMENT to the other party DRSDS10f-c"] == "Spanish"
    text = pdftotext(sheet.data)
    for shown in ("Alex Muñoz Rivera", "Sam Rivera", "Maya Rivera", "04/12/2016", "FC2026-000123", "Spanish"):
        assert shown in text
    assert sheet.confidential and any("confidential court-only record" in n for n in sheet.notes)
    form = read_form(real_form(MARICOPA_SENSITIVE))
    assert ink(sheet.data, form.fields["Self without a Lawyer"].widgets[0].rect) > ink(sheet.data, form.fields["Attorney for"].widgets[0].rect) + 0.05


def test_maricopa_child_support_worksheet_from_its_mapping(case) -> None:
    real_form(MARICOPA_WORKSHEET)
    sheet = fill_cover_sheet(case, mapping=TEST_MAPPINGS / "az-maricopa-child-support-worksheet.yml")
    values = read_values(sheet.data)
    assert values["Self without a Lawyer OR"] == values["Petitioner OR"] == "/No"
    assert values["Total Number of Children DRS12f"] == "2"
    assert (values["Monthly Child Support to be Paid by DRS12f"], values["to DRS12f"]) == ("Sam Rivera", "Alex Muñoz Rivera")
    assert (values["undefined_36 DRS12f"], values["undefined_37 DRS12f"]) == ("", "$412.50")
    text = pdftotext(sheet.data)
    assert text.count("FC2026-000123") == 2  # one field, a widget on each page
    assert "$412.50" in text and not sheet.confidential


def test_michigan_mc21_from_its_mapping(case) -> None:
    real_form(MICHIGAN_MC21)
    sheet = fill_cover_sheet(case, mapping=TEST_MAPPINGS / "mi-mc21.yml")
    values = read_values(sheet.data)
    assert values["family_cases0_court_same"] == "/Yes"  # on-state only on the child widget
    assert values["family_cases0_court_other"] == "/Off"
    assert values["family_cases0_docket_number"] == "FC2024-000999"
    assert values["trial_court_address_county"] == "Maricopa"
    text = pdftotext(sheet.data)
    assert "Alex Muñoz Rivera" in text and "FC2024-000999" in text and "Maricopa" in text
    form = read_form(real_form(MICHIGAN_MC21))
    same, other = form.fields["family_cases0_court_same"], form.fields["family_cases0_court_other"]
    assert ink(sheet.data, same.widgets[0].rect) > ink(sheet.data, other.widgets[0].rect) + 0.05
    assert sheet.confidential


@pytest.mark.parametrize("name", [MARICOPA_SENSITIVE, MARICOPA_WORKSHEET, MICHIGAN_MC21])
def test_starter_mapping_for_a_real_form_loads_and_fits(tmp_path: Path, name: str) -> None:
    form = read_form(real_form(name))
    path = tmp_path / "starter.yml"
    path.write_text(starter_mapping(form, form_ref=str(real_form(name))), encoding="utf-8")
    mapping = load_mapping(path)
    assert set(mapping.rules) == {n for n, f in form.fields.items() if f.kind not in ("button", "signature")}
    assert check_mapping(mapping, form) == []
    for f in form.fields.values():
        if f.kind == "checkbox":
            assert mapping.rules[f.name].on_state == f.on_states[0]


# --------------------------------------------------------------------------- the commands


def test_fields_command_lists_names_types_values_and_positions() -> None:
    result = CliRunner().invoke(main, ["fields", str(GENERIC_PDF)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["NAME", "TYPE", "ALLOWED", "VALUES"]
    row = next(line for line in lines if line.startswith("state "))
    assert row.split()[:6] == ["state", "text", "max", "2", "chars", "1"]
    assert any(line.startswith("interpreter_needed") and "one of: /yes, /no" in line for line in lines)
    assert any(line.startswith("type_custody") and "on: /Yes" in line for line in lines)
    assert "26 field(s) on 1 page(s)" in result.stderr


def test_fields_command_json_and_quirky_names() -> None:
    result = CliRunner().invoke(main, ["fields", str(real_form(MARICOPA_SENSITIVE)), "--json"])
    assert result.exit_code == 0, result.output
    import json

    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["Self without a Lawyer"]["on_states"] == ["/no"]
    assert rows["Petitioner  Party A"]["page"] == 1 and rows["Petitioner  Party A"]["x"] == pytest.approx(36, abs=1)


def test_starter_written_by_fields_then_filled_by_coversheet(tmp_path: Path) -> None:
    starter = tmp_path / "court.yml"
    runner = CliRunner()
    result = runner.invoke(main, ["fields", str(GENERIC_PDF), "--starter", str(starter)])
    assert result.exit_code == 0 and starter.exists()
    again = runner.invoke(main, ["fields", str(GENERIC_PDF), "--starter", str(starter)])
    assert again.exit_code == 2 and "already exists; not overwritten" in again.stderr
    text = starter.read_text(encoding="utf-8").replace('"court_name": ""', '"court_name": "{{ court.name }}"')
    starter.write_text(text, encoding="utf-8")
    out = tmp_path / "cover.pdf"
    result = runner.invoke(main, ["coversheet", str(ROOT / "tests" / "cases" / "minimal.yml"), "--map", str(starter), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert read_values(out.read_bytes())["court_name"] == "Superior Court of Arizona"


def test_coversheet_command_defaults_to_the_generic_form(tmp_path: Path) -> None:
    out = tmp_path / "cover.pdf"
    result = CliRunner().invoke(main, ["coversheet", str(ROOT / "tests" / "cases" / "minimal.yml"), "--out", str(out), "--flatten"])
    assert result.exit_code == 0, result.output
    assert "Alex Rivera" in pdftotext(out.read_bytes())
    check = CliRunner().invoke(main, ["coversheet", str(ROOT / "tests" / "cases" / "minimal.yml"), "--check"])
    assert check.exit_code == 0 and check.stdout.startswith("ok: 20 field(s) of generic.pdf")


def test_coversheet_command_reports_problems_without_a_traceback(tmp_path: Path) -> None:
    path = write_mapping(tmp_path, '  case_numbr: "{{ court.case_number }}"\n  state: "{{ court.name }}"\n')
    out = tmp_path / "cover.pdf"
    result = run_cli("coversheet", ROOT / "tests" / "cases" / "minimal.yml", "--map", path, "--out", out)
    assert result.code == 2 and not out.exists()
    assert result.err.splitlines() == [
        f"error: {path}:4: case_numbr: no such field in generic.pdf; did you mean 'case_number'?",
        f"error: {path}:5: state: value is 25 characters; the field holds at most 2 ('Su'...)",
    ]
    assert "Traceback" not in result.err


def test_coversheet_command_refuses_an_encrypted_form(tmp_path: Path) -> None:
    from filing_fixtures import encrypted_pdf

    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted_pdf())
    result = CliRunner().invoke(main, ["coversheet", str(ROOT / "tests" / "cases" / "minimal.yml"), "--form", str(locked), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and f"error: {locked}: is encrypted" in result.stderr
