"""Fillable PDFs: reading fields, refusing what cannot be filled, checking values, filling, flattening.

Values are read back twice: with pypdf (the field values) and with poppler
(``pdftotext``, ``pdftoppm``), which shows what a reader of the PDF sees.
"""

from __future__ import annotations

import io

import pytest
from filing_fixtures import (
    GENERIC_PDF,
    MARICOPA_SENSITIVE,
    MARICOPA_WORKSHEET,
    MICHIGAN_MC21,
    encrypted_pdf,
    ink,
    pdf_without_fields,
    pdftotext,
    real_form,
    sealed_pdf,
    truncated_pdf,
)
from pypdf import PdfReader

from docassemble.MediationAgreement.errors import FormError, FormProblems, MediationError
from docassemble.MediationAgreement.forms.fields import read_form, read_values, signed_signature_fields
from docassemble.MediationAgreement.forms.filling import fill_form
from docassemble.MediationAgreement.forms.flattening import flatten_pdf
from docassemble.MediationAgreement.forms.values import check_values, unprintable_characters, value_problems

GENERIC_FIELDS = {
    "court_name": "text", "county": "text", "state": "text", "case_number": "text",
    "petitioner_name": "text", "respondent_name": "text",
    "type_dissolution_children": "checkbox", "type_paternity": "checkbox", "type_custody": "checkbox",
    "type_modification": "checkbox", "type_support_iv_d": "checkbox", "type_support_non_iv_d": "checkbox",
    "type_mediated_agreement": "checkbox", "type_other": "checkbox", "type_other_text": "text",
    "related_cases": "text", "interpreter_needed": "radio", "interpreter_language": "text",
    "number_of_children": "text", "filer_name": "text", "filer_role": "choice", "representation": "radio",
    "attorney_name": "text", "bar_number": "text", "signature": "text", "signature_date": "text",
}  # fmt: skip


@pytest.fixture(scope="module")
def generic():
    return read_form(GENERIC_PDF)


# --------------------------------------------------------------------------- reading


def test_generic_form_has_every_field_the_issue_lists(generic) -> None:
    assert {name: f.kind for name, f in generic.fields.items()} == GENERIC_FIELDS
    assert generic.page_count == 1
    assert generic.fields["state"].max_length == 2
    assert generic.fields["case_number"].max_length == 30
    assert generic.fields["related_cases"].multiline
    assert generic.fields["type_support_iv_d"].on_states == ("/Yes",)
    assert generic.fields["interpreter_needed"].on_states == ("/yes", "/no")
    assert generic.fields["representation"].on_states == ("/self", "/attorney")
    assert generic.fields["filer_role"].options[:2] == ("Petitioner", "Respondent")
    assert generic.fields["filer_role"].value is None  # no placeholder left behind by the build script
    # every field sits on the page, inside it
    for f in generic.fields.values():
        for w in f.widgets:
            assert w.page == 1 and 0 <= w.rect[0] < w.rect[2] <= 612 and 0 <= w.rect[1] < w.rect[3] <= 792, f.name


def test_position_order_reads_the_page_top_to_bottom(generic) -> None:
    names = [f.name for f in generic.in_position_order()]
    assert names.index("court_name") < names.index("petitioner_name") < names.index("related_cases") < names.index("signature")
    assert names.index("court_name") < names.index("county") < names.index("state")


@pytest.mark.parametrize(
    ("name", "count", "text", "checkboxes"),
    [(MARICOPA_SENSITIVE, 68, 45, 23), (MARICOPA_WORKSHEET, 69, 59, 10), (MICHIGAN_MC21, 49, 25, 24)],
)
def test_real_court_forms_are_read_whole(name: str, count: int, text: int, checkboxes: int) -> None:
    form = read_form(real_form(name))
    kinds = [f.kind for f in form.fields.values()]
    assert (len(form.fields), kinds.count("text"), kinds.count("checkbox")) == (count, text, checkboxes)
    for f in form.fields.values():
        if f.kind == "checkbox":
            assert len(f.on_states) == 1 and "/Off" not in f.on_states, f.name


def test_quirky_names_and_on_states_of_the_real_forms() -> None:
    maricopa = read_form(real_form(MARICOPA_SENSITIVE))
    assert "Petitioner  Party A" in maricopa.fields  # two spaces
    assert "Child Date of Birth 2#0 DRSDS10f-c" in maricopa.fields
    assert maricopa.fields["Self without a Lawyer"].on_states == ("/no",)  # lower-case "no" means ON
    assert maricopa.fields["PetitionerGenderFemale DRSDS10f-c"].on_states == ("/No",)
    worksheet = read_form(real_form(MARICOPA_WORKSHEET))
    assert worksheet.fields["Petitioner OR"].on_states == ("/No",)
    assert len(worksheet.fields["Case No"].widgets) == 2  # printed on both pages
    mc21 = read_form(real_form(MICHIGAN_MC21))
    # the field has no states; /Yes lives only on its child widget
    assert mc21.fields["family_cases0_court_same"].on_states == ("/Yes",)
    assert mc21.fields["family_cases0_court_other"].on_states == ("/Yes",)


# --------------------------------------------------------------------------- refusing


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (pdf_without_fields(), "has no fillable form fields"),
        (encrypted_pdf(), "is encrypted"),
        (encrypted_pdf(user_password="open-sesame"), "is encrypted"),
        (truncated_pdf(), "the PDF is damaged"),
        (b"%PDF-1.7\n" + b"\x00 not really a pdf " * 50, "the PDF is damaged"),
        (b"Hello, I am a text file.\n", "is not a PDF file"),
    ],
    ids=["no-fields", "encrypted-owner-password", "encrypted-user-password", "truncated", "garbage", "not-a-pdf"],
)
def test_unfillable_pdfs_are_refused_with_a_reason(data: bytes, expected: str) -> None:
    with pytest.raises(FormError) as caught:
        read_form(data, label="court-form.pdf")
    message = str(caught.value)
    assert message.startswith("court-form.pdf: ") and expected in message


def test_missing_file_is_named(tmp_path) -> None:
    with pytest.raises(FormError, match=r"nope\.pdf: file not found"):
        read_form(tmp_path / "nope.pdf")


# --------------------------------------------------------------------------- checking values


def test_unknown_field_gets_a_did_you_mean(generic) -> None:
    problems = check_values(generic, {"case_numbr": "FC1", "Court_Name": "x"})
    assert [p.field_path for p in problems] == ["case_numbr", "Court_Name"]
    assert "did you mean 'case_number'?" in problems[0].message
    assert "did you mean 'court_name'?" in problems[1].message


def test_a_name_with_wrong_spacing_is_explained() -> None:
    maricopa = read_form(real_form(MARICOPA_SENSITIVE))
    (problem,) = check_values(maricopa, {"Petitioner Party A": "x"})
    assert "did you mean 'Petitioner  Party A'?" in problem.message and "spacing" in problem.message


def test_values_that_do_not_fit_are_named(generic) -> None:
    f = generic.fields
    assert "at most 2" in value_problems(f["state"], "Arizona")[0]
    assert "single-line" in value_problems(f["county"], "Maricopa\nCounty")[0]
    assert value_problems(f["related_cases"], "one\ntwo") == []
    assert "not in the PDF" in value_problems(f["type_paternity"], "/On")[0]
    assert value_problems(f["type_paternity"], "Yes") == value_problems(f["type_paternity"], "/Yes") == []
    assert "not one of this radio group's export values" in value_problems(f["interpreter_needed"], "maybe")[0]
    assert "did you mean '/yes'" in value_problems(f["interpreter_needed"], "Yes")[0]
    assert "not one of the options" in value_problems(f["filer_role"], "Petitoner")[0]
    assert "did you mean 'Petitioner'" in value_problems(f["filer_role"], "Petitoner")[0]
    assert "give text" in value_problems(f["county"], True)[0]


def test_checkbox_states_are_case_sensitive() -> None:
    maricopa = read_form(real_form(MARICOPA_SENSITIVE))
    (message,) = value_problems(maricopa.fields["Self without a Lawyer"], "/No")
    assert "'/No' is not in the PDF" in message and "did you mean '/no'" in message


def test_characters_the_form_font_cannot_show_are_refused(generic) -> None:
    assert unprintable_characters("José Muñoz “Ærø” €5 — ok") == []
    assert unprintable_characters("Nguyễn Văn") == ["ễ", "ă"]
    (message,) = value_problems(generic.fields["petitioner_name"], "Nguyễn Văn An")
    assert "'ễ'" in message and "print '?'" in message


def test_fill_form_refuses_everything_at_once(generic) -> None:
    with pytest.raises(FormProblems) as caught:
        fill_form(generic, {"state": "Arizona", "nope": "x", "type_custody": "/Checked"})
    assert [p.field_path for p in caught.value.problems] == ["state", "nope", "type_custody"]
    assert isinstance(caught.value, MediationError)


# --------------------------------------------------------------------------- filling


VALUES = {
    "court_name": "Superior Court of Arizona",
    "county": "Maricopa",
    "state": "AZ",
    "case_number": "FC2026-000123",
    "petitioner_name": "José Muñoz",
    "type_custody": True,
    "type_support_iv_d": "/Yes",
    "type_paternity": False,
    "related_cases": "FC2024-000999\nDR2023-0042",
    "interpreter_needed": "yes",
    "filer_role": "Petitioner",
}


def test_filled_values_read_back_with_pypdf_and_show_in_pdftotext(generic) -> None:
    filled = fill_form(generic, VALUES)
    values = read_values(filled.data)
    assert values["court_name"] == "Superior Court of Arizona"
    assert values["petitioner_name"] == "José Muñoz"
    assert values["type_custody"] == "/Yes" and values["type_support_iv_d"] == "/Yes" and values["type_paternity"] == "/Off"
    assert values["interpreter_needed"] == "/yes"
    assert values["filer_role"] == "Petitioner"
    assert values["respondent_name"] == ""  # not given: as the PDF had it
    text = pdftotext(filled.data)
    for shown in ("Superior Court of Arizona", "FC2026-000123", "José Muñoz", "FC2024-000999", "DR2023-0042", "Petitioner"):
        assert shown in text
    # each widget of a button shows its state
    reader = PdfReader(io.BytesIO(filled.data))
    states = {}
    for ref in reader.pages[0]["/Annots"]:
        annot = ref.get_object()
        parent = annot.get("/Parent")
        name = annot.get("/T") or parent.get_object()["/T"]
        if "/AS" in annot:
            states.setdefault(str(name), []).append(str(annot["/AS"]))
    assert states["interpreter_needed"] == ["/yes", "/Off"]
    assert states["type_custody"] == ["/Yes"]


def test_checked_boxes_are_drawn(generic) -> None:
    filled = fill_form(generic, {"type_custody": True, "interpreter_needed": "no"})
    custody = generic.fields["type_custody"].widgets[0].rect
    paternity = generic.fields["type_paternity"].widgets[0].rect
    yes, no = (w.rect for w in generic.fields["interpreter_needed"].widgets)
    assert ink(filled.data, custody) > ink(filled.data, paternity) + 0.05
    assert ink(filled.data, no) > ink(filled.data, yes) + 0.05


def test_flatten_paints_values_and_removes_the_form(generic) -> None:
    filled = fill_form(generic, VALUES, flatten=True)
    reader = PdfReader(io.BytesIO(filled.data))
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert not [a for a in reader.pages[0].get("/Annots", []) if a.get_object().get("/Subtype") == "/Widget"]
    assert read_form(filled.data, require_fields=False).fields == {}
    text = pdftotext(filled.data)
    assert "Superior Court of Arizona" in text and "José Muñoz" in text and "FAMILY COURT COVER SHEET" in text
    assert ink(filled.data, generic.fields["type_custody"].widgets[0].rect) > ink(filled.data, generic.fields["type_paternity"].widgets[0].rect) + 0.05
    # flattening an already-filled file gives the same picture
    assert pdftotext(flatten_pdf(fill_form(generic, VALUES).data)) == text


def test_real_form_with_lower_case_no_on_state() -> None:
    form = read_form(real_form(MARICOPA_SENSITIVE))
    filled = fill_form(form, {"Self without a Lawyer": True, "Petitioner": "/no", "Attorney for": False, "Petitioner  Party A": "Alex Rivera"})
    values = read_values(filled.data)
    assert values["Self without a Lawyer"] == "/no" and values["Petitioner"] == "/no" and values["Attorney for"] == "/Off"
    assert "Alex Rivera" in pdftotext(filled.data)
    box = form.fields["Self without a Lawyer"].widgets[0].rect
    other = form.fields["Attorney for"].widgets[0].rect
    assert ink(filled.data, box) > ink(filled.data, other) + 0.05


def test_real_form_with_on_state_only_on_the_child_widget() -> None:
    form = read_form(real_form(MICHIGAN_MC21))
    filled = fill_form(form, {"family_cases0_court_same": True, "family_cases0_court_other": False, "docket_number": "FC2026-000123"})
    reader = PdfReader(io.BytesIO(filled.data))
    fields = reader.get_fields()
    assert fields["family_cases0_court_same"]["/V"] == "/Yes"
    widget = next(
        a.get_object() for a in reader.pages[0]["/Annots"]
        if a.get_object().get("/Parent") is not None and a.get_object()["/Parent"].get_object().get("/T") == "family_cases0_court_same"
    )
    assert widget["/AS"] == "/Yes"
    assert ink(filled.data, form.fields["family_cases0_court_same"].widgets[0].rect) > ink(filled.data, form.fields["family_cases0_court_other"].widgets[0].rect) + 0.05
    assert "FC2026-000123" in pdftotext(filled.data)


# --------------------------------------------------------------------------- signatures


def test_a_sealed_pdf_is_recognised() -> None:
    assert signed_signature_fields(sealed_pdf()) == ["OfficeSeal"]
    assert signed_signature_fields(pdf_without_fields()) == []
    assert signed_signature_fields(GENERIC_PDF.read_bytes()) == []
