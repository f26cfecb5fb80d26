"""The filing packet: parts as separate files, merged in order with bookmarks, and what it refuses."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from filing_fixtures import (
    CONFIDENTIAL_STREET,
    MARICOPA_SENSITIVE,
    MARICOPA_WORKSHEET,
    MICHIGAN_MC21,
    TEST_MAPPINGS,
    make_case,
    outline,
    pdftotext,
    real_form,
    sealed_pdf,
)
from pypdf import PdfReader, PdfWriter

from docassemble.MediationAgreement.cli import main
from docassemble.MediationAgreement.errors import FormError
from docassemble.MediationAgreement.forms.coversheet import fill_cover_sheet
from docassemble.MediationAgreement.forms.fields import read_form, read_values, signed_signature_fields
from docassemble.MediationAgreement.forms.packet import PACKET_FILE, README_FILE, build_packet
from docassemble.MediationAgreement.forms.pdf_files import text_page_pdf


def pages_pdf(*titles: str) -> bytes:
    """A PDF with one page per title, each page showing its title."""
    writer = PdfWriter()
    for title in titles:
        writer.append(io.BytesIO(text_page_pdf([title, "Text of this page."])))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def case():
    return make_case()


AGREEMENT = pages_pdf("Agreement page 1", "Agreement page 2", "Agreement page 3")
CALENDAR = pages_pdf("Calendar 2026", "Calendar 2027")
EXHIBIT = pages_pdf("Exhibit: school calendar")


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


# --------------------------------------------------------------------------- parts, order, bookmarks


def test_packet_files_pages_and_bookmarks_match_its_parts(case) -> None:
    files = build_packet(case, AGREEMENT, [("school-calendar.pdf", EXHIBIT), ("parenting-time-calendar.pdf", CALENDAR)])
    assert list(files) == [
        "01-cover-sheet.pdf", "02-agreement.pdf", "03-parenting-time-calendar.pdf", "04-school-calendar.pdf", PACKET_FILE, README_FILE,
    ]  # fmt: skip
    assert files["02-agreement.pdf"] == AGREEMENT
    assert files["03-parenting-time-calendar.pdf"] == CALENDAR and files["04-school-calendar.pdf"] == EXHIBIT
    assert read_values(files["01-cover-sheet.pdf"])["petitioner_name"] == "Alex Muñoz Rivera"
    merged = files[PACKET_FILE]
    assert page_count(merged) == 1 + 3 + 2 + 1 == sum(page_count(files[n]) for n in list(files)[:4])
    assert outline(merged) == [
        ("Family Court Cover Sheet (generic)", 0),
        ("Agreement", 1),
        ("Parenting-time calendar", 4),
        ("School calendar", 6),
    ]
    text = pdftotext(merged)
    assert text.index("FAMILY COURT COVER SHEET") < text.index("Agreement page 1") < text.index("Agreement page 3") < text.index("Calendar 2026") < text.index("Exhibit: school calendar")
    assert "Alex Muñoz Rivera" in text  # the cover sheet's field values survive the merge
    readme = files[README_FILE].decode()
    for name in list(files)[:5]:
        assert name in readme
    assert "convenience copy" not in readme


def test_required_and_refused_attachments(tmp_path: Path, case) -> None:
    mapping = tmp_path / "court.yml"
    base = (TEST_MAPPINGS.parent.parent / "templates" / "cover_sheets" / "generic.yml").read_text(encoding="utf-8")
    mapping.write_text(
        base.replace("form: generic.pdf", f"form: {TEST_MAPPINGS.parent.parent / 'templates' / 'cover_sheets' / 'generic.pdf'}")
        .replace("    - {name: parenting-time-calendar, title: \"Parenting-time calendar\"}", "    - {name: parenting-time-calendar, title: \"Exhibit A\", required: true}")
        .replace("other_attachments: allow", "other_attachments: refuse"),
        encoding="utf-8",
    )
    with pytest.raises(FormError) as caught:
        build_packet(case, AGREEMENT, [], mapping=mapping)
    assert "requires the attachment 'parenting-time-calendar' (Exhibit A)" in str(caught.value)
    assert str(caught.value).startswith(f"{mapping}:") and "--attach parenting-time-calendar.pdf" in str(caught.value)
    with pytest.raises(FormError, match=r"school-calendar are not in this court's list \(other_attachments: refuse\)"):
        build_packet(case, AGREEMENT, [("parenting-time-calendar.pdf", CALENDAR), ("school-calendar.pdf", EXHIBIT)], mapping=mapping)
    files = build_packet(case, AGREEMENT, [("Parenting-Time-Calendar.PDF", CALENDAR)], mapping=mapping)
    assert outline(files[PACKET_FILE])[-1] == ("Exhibit A", 4)


@pytest.mark.parametrize(
    ("attachments", "expected"),
    [
        ([("calendar.docx", CALENDAR)], "attachments must be PDF files"),
        ([("calendar.pdf", CALENDAR), ("calendar.pdf", EXHIBIT)], "two attachments are named 'calendar'"),
        ([("calendar.pdf", b"not a pdf")], "calendar.pdf: is not a PDF file"),
    ],
)
def test_bad_attachments_are_refused(case, attachments, expected) -> None:
    with pytest.raises(FormError, match=expected):
        build_packet(case, AGREEMENT, attachments)


def test_a_filled_form_attachment_keeps_its_values(case) -> None:
    real_form(MARICOPA_WORKSHEET)
    worksheet = fill_cover_sheet(case, mapping=TEST_MAPPINGS / "az-maricopa-child-support-worksheet.yml").data
    files = build_packet(case, AGREEMENT, [("child-support-worksheet.pdf", worksheet)])
    merged = files[PACKET_FILE]
    assert outline(merged)[-1] == ("Child support worksheet", 4)
    assert page_count(merged) == 1 + 3 + 2
    assert "$412.50" in pdftotext(merged)
    assert set(read_form(merged).fields) == set(read_form(files["01-cover-sheet.pdf"]).fields) | set(read_form(worksheet).fields)


def test_parts_with_the_same_field_names_do_not_share_values(case) -> None:
    other_cover = fill_cover_sheet(make_case(court={"name": "Another Court"})).data
    files = build_packet(case, AGREEMENT, [("earlier-cover.pdf", other_cover)])
    merged = files[PACKET_FILE]
    text = pdftotext(merged)
    assert "Superior Court of Arizona" in text and "Another Court" in text
    assert read_values(merged)["court_name"] == "Superior Court of Arizona"  # the attachment was flattened


# --------------------------------------------------------------------------- a digitally sealed agreement


def test_a_sealed_agreement_is_kept_byte_for_byte_and_the_merged_copy_says_so(case) -> None:
    sealed = sealed_pdf()
    files = build_packet(case, sealed, [("parenting-time-calendar.pdf", CALENDAR)])
    assert files["02-agreement.pdf"] == sealed
    merged = files[PACKET_FILE]
    assert page_count(merged) == 1 + 1 + 2 + 2  # cover, note page, agreement, calendar
    assert outline(merged) == [
        ("Family Court Cover Sheet (generic)", 0),
        ("Agreement (convenience copy; the sealed original is 02-agreement.pdf)", 1),
        ("Parenting-time calendar", 4),
    ]
    note = pdftotext(merged).split("\f")[1]
    assert "Convenience copy" in note and "02-agreement.pdf" in note and "digitally sealed" in note
    assert signed_signature_fields(merged) == []  # no broken signature in the copy
    readme = files[README_FILE].decode()
    assert "digitally sealed (signature field: OfficeSeal)" in readme
    assert "02-agreement.pdf is the sealed original, byte for byte" in readme and "convenience copy only" in readme


def test_a_real_pades_seal_survives_the_packet(tmp_path: Path, case) -> None:
    pytest.importorskip("pyhanko")
    from asn1crypto import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pki import make_pki
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from docassemble.MediationAgreement.signing.seal import seal_pdf
    from docassemble.MediationAgreement.signing.signatures import SigningConfig

    pki = make_pki()
    paths = pki.write(tmp_path / "pki")
    sealed = seal_pdf(AGREEMENT, SigningConfig.from_paths(paths["key"], paths["cert"], paths["ca"]))
    files = build_packet(case, sealed, [])
    kept = files["02-agreement.pdf"]
    assert kept == sealed
    (embedded,) = PdfFileReader(io.BytesIO(kept)).embedded_signatures
    root = x509.Certificate.load(pki.root.cert.public_bytes(Encoding.DER))
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid
    assert outline(files[PACKET_FILE])[1][0].startswith("Agreement (convenience copy")


# --------------------------------------------------------------------------- confidential information


def test_a_confidential_court_only_form_never_goes_in_a_packet(case) -> None:
    real_form(MARICOPA_SENSITIVE)
    with pytest.raises(FormError) as caught:
        build_packet(case, AGREEMENT, [], mapping=TEST_MAPPINGS / "az-maricopa-sensitive-data.yml")
    assert "confidential court-only form (confidential: true)" in str(caught.value)
    assert str(caught.value).startswith(f"{TEST_MAPPINGS / 'az-maricopa-sensitive-data.yml'}:")


@pytest.mark.parametrize("name", [MARICOPA_SENSITIVE, MICHIGAN_MC21])
def test_a_confidential_form_given_as_an_attachment_is_refused(case, name: str) -> None:
    data = real_form(name).read_bytes()
    with pytest.raises(FormError, match=r"sensitive-data\.pdf: looks like a court-only confidential form"):
        build_packet(case, AGREEMENT, [("sensitive-data.pdf", data)])


def test_a_confidential_form_used_as_cover_without_the_flag_is_still_refused(tmp_path: Path, case) -> None:
    real_form(MICHIGAN_MC21)
    mapping = tmp_path / "mc21.yml"
    text = (TEST_MAPPINGS / "mi-mc21.yml").read_text(encoding="utf-8")
    text = text.replace("confidential: true", "confidential: false").replace("form: ../../../shared/", f"form: {TEST_MAPPINGS.parents[2]}/shared/")
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(FormError, match="looks like a court-only confidential form"):
        build_packet(case, AGREEMENT, [], mapping=mapping)


@pytest.mark.parametrize("where", ["agreement", "attachment"])
def test_a_confidential_address_anywhere_stops_the_packet(case, where: str) -> None:
    leaky = pages_pdf("Exchanges", f"Mother lives at {CONFIDENTIAL_STREET}, Phoenix")
    agreement, attachments = (leaky, []) if where == "agreement" else (AGREEMENT, [("parenting-time-calendar.pdf", leaky)])
    with pytest.raises(FormError, match="contains parent_a's confidential address; the packet was not written"):
        build_packet(case, agreement, attachments)


def test_the_packet_never_shows_a_confidential_address(case) -> None:
    files = build_packet(case, AGREEMENT, [("parenting-time-calendar.pdf", CALENDAR)])
    for name, data in files.items():
        text = data.decode() if name == README_FILE else pdftotext(data)
        assert CONFIDENTIAL_STREET not in text and "85015" not in text, name


# --------------------------------------------------------------------------- the command


def test_packet_command_writes_every_file(tmp_path: Path) -> None:
    case_file = TEST_MAPPINGS.parent / "cases" / "minimal.yml"
    agreement = tmp_path / "agreement.pdf"
    agreement.write_bytes(AGREEMENT)
    calendar = tmp_path / "parenting-time-calendar.pdf"
    calendar.write_bytes(CALENDAR)
    out = tmp_path / "packet"
    result = CliRunner().invoke(main, ["packet", str(case_file), "--agreement", str(agreement), "--attach", str(calendar), "--out", str(out), "--flatten"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(["01-cover-sheet.pdf", "02-agreement.pdf", "03-parenting-time-calendar.pdf", PACKET_FILE, README_FILE])
    assert result.stdout.splitlines() == [str(out / n) for n in ["01-cover-sheet.pdf", "02-agreement.pdf", "03-parenting-time-calendar.pdf", PACKET_FILE, README_FILE]]
    assert (out / "02-agreement.pdf").read_bytes() == AGREEMENT
    assert "/AcroForm" not in PdfReader(out / "01-cover-sheet.pdf").trailer["/Root"]  # --flatten


def test_packet_command_writes_nothing_when_refused(tmp_path: Path) -> None:
    case_file = TEST_MAPPINGS.parent / "cases" / "minimal.yml"
    agreement = tmp_path / "agreement.pdf"
    agreement.write_bytes(AGREEMENT)
    out = tmp_path / "packet"
    missing = tmp_path / "calendar.pdf"
    result = CliRunner().invoke(main, ["packet", str(case_file), "--agreement", str(agreement), "--attach", str(missing), "--out", str(out)])
    assert result.exit_code == 2 and f"error: {missing}: file not found" in result.stderr
    assert not out.exists()


def test_attachment_names_may_be_patterns(case) -> None:
    files = build_packet(case, AGREEMENT, [("calendar-2027.pdf", EXHIBIT), ("notes.pdf", EXHIBIT), ("calendar-2026.pdf", CALENDAR)])
    assert list(files)[2:5] == ["03-calendar-2027.pdf", "04-calendar-2026.pdf", "05-notes.pdf"]
    assert [title for title, _page in outline(files[PACKET_FILE])[2:]] == [
        "Parenting-time calendar: calendar-2027",
        "Parenting-time calendar: calendar-2026",
        "Notes",
    ]
