"""Shared pieces for the form, cover-sheet and packet tests.

- :func:`make_case`: a valid :class:`Case` built in code, with nested overrides;
- :func:`real_form`: one of the real court PDFs in ``../shared/forms`` (skips if absent);
- :func:`pdftotext` / :func:`ink`: read a PDF the way viewers do (poppler), not only with pypdf;
- small PDFs made with pypdf: no fields, encrypted, damaged, digitally "sealed".
"""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from docassemble.MediationAgreement.case.model import Case, case_from_data
from docassemble.MediationAgreement.forms.pdf_files import text_page_pdf

ROOT = Path(__file__).resolve().parents[1]
SHARED_FORMS = Path(__file__).resolve().parents[2] / "shared" / "forms"
TEST_MAPPINGS = ROOT / "tests" / "forms"
GENERIC_PDF = ROOT / "templates" / "cover_sheets" / "generic.pdf"
GENERIC_MAP = ROOT / "templates" / "cover_sheets" / "generic.yml"

MARICOPA_SENSITIVE = "az-maricopa-DRSDS10f-c-family-sensitive-data-cover-sheet.pdf"
MARICOPA_WORKSHEET = "az-maricopa-DRS12f-child-support-worksheet.pdf"
MICHIGAN_MC21 = "mi-scao-MC21-confidential-case-inventory.pdf"

CONFIDENTIAL_STREET = "1420 W Elm St"

BASE: dict[str, Any] = {
    "case_format": 1,
    "agreement_date": "2026-11-20",
    "office": {"name": "County Child Support Mediation Office"},
    "mediator": {"full_name": "Dana Whitfield", "organization": "County Child Support Mediation Office"},
    "court": {
        "name": "Superior Court of Arizona",
        "county": "Maricopa",
        "state": "AZ",
        "case_number": "FC2026-000123",
        "judge": "Hon. R. Ortiz",
        "related_cases": ["FC2024-000999", "DR2023-0042"],
        "iv_d": True,
    },
    "parent_a": {
        "full_name": "Alex Muñoz Rivera",
        "short_name": "Mother",
        "role": "mother",
        "pronouns": "she",
        "interpreter_language": "Spanish",
        "address": {"street": CONFIDENTIAL_STREET, "city": "Phoenix", "state": "AZ", "postal_code": "85015", "confidential": True},
    },
    "parent_b": {
        "full_name": "Sam Rivera",
        "short_name": "Father",
        "role": "father",
        "pronouns": "he",
        "represented_by_counsel": True,
        "attorney_name": "Pat Lee",
        "attorney_bar_number": "012345",
        "address": {"street": "88 N Central Ave", "city": "Phoenix", "state": "AZ", "postal_code": "85004"},
    },
    "children": [
        {"full_name": "Maya Rivera", "date_of_birth": "2016-04-12", "pronouns": "she"},
        {"full_name": "Leo Rivera", "date_of_birth": "2019-09-03", "pronouns": "he"},
    ],
    "decision_making": {"kind": "joint", "tie_breaker": "a"},
    "parenting_time": {"pattern": {"kind": "alternating_weeks", "anchor": "2026-11-30", "starts_with": "a"}, "exchange_time": "18:00"},
    "exchanges": {"method": "school"},
    "child_support": {
        "payer": "b",
        "amount": "412.50",
        "start_date": "2026-12-01",
        "payment_method": "income_withholding",
        "health_insurance": {"provider": "a"},
        "uninsured_medical": {"parent_a_percent": 50, "parent_b_percent": 50},
        "tax_dependency": "a",
    },
    "communication": {"channel": "email"},
    "dispute_resolution": {"method": "mediation"},
}


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def make_case(**changes: Any) -> Case:
    """The base case with nested ``changes`` (a ``None`` value removes a key)."""
    return case_from_data(_merge(BASE, changes), source="<test case>")


def real_form(name: str) -> Path:
    path = SHARED_FORMS / name
    if not path.exists():
        pytest.skip(f"the real court form {name} is not in {SHARED_FORMS} (shared test data)")
    return path


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed: run scripts/install-system-packages.sh")
    return found


def pdftotext(data: bytes, *, layout: bool = False) -> str:
    """The PDF's text as poppler extracts it (form field appearances included)."""
    args = [_poppler("pdftotext"), *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(args, input=data, capture_output=True, check=True, timeout=60).stdout.decode("utf-8")


def ink(data: bytes, rect: tuple[float, float, float, float], *, page: int = 1, dpi: int = 144) -> float:
    """Share of dark pixels inside ``rect`` (PDF points, bottom-left origin) as pdftoppm renders the page."""
    from PIL import Image

    reader = PdfReader(io.BytesIO(data))
    height = float(reader.pages[page - 1].mediabox.height)
    scale = dpi / 72
    x0, y0, x1, y1 = rect
    crop = ["-x", str(int(x0 * scale)), "-y", str(int((height - y1) * scale)), "-W", str(max(1, int((x1 - x0) * scale))), "-H", str(max(1, int((y1 - y0) * scale)))]
    out = subprocess.run(
        [_poppler("pdftoppm"), "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), *crop, "-"],
        input=data, capture_output=True, check=True, timeout=60,
    ).stdout
    histogram = Image.open(io.BytesIO(out)).convert("L").histogram()
    return sum(histogram[:128]) / max(1, sum(histogram))


def pdf_without_fields(lines: list[str] | None = None) -> bytes:
    return text_page_pdf(lines or ["A flat PDF", "with no form fields"])


def encrypted_pdf(*, user_password: str = "") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(GENERIC_PDF))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = GENERIC_PDF.read_bytes()
    return data[: len(data) // 3]


def sealed_pdf(pages: list[list[str]] | None = None) -> bytes:
    """A PDF with a signature field holding a signature value (a stand-in for a PAdES seal:
    enough for detection; the bytes are not a valid signature)."""
    writer = PdfWriter()
    for lines in pages or [["Agreement", "page one"], ["Agreement", "page two"]]:
        writer.append(io.BytesIO(text_page_pdf(lines)))
    sig_value = DictionaryObject({
        NameObject("/Type"): NameObject("/Sig"),
        NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
        NameObject("/SubFilter"): NameObject("/ETSI.CAdES.detached"),
        NameObject("/Contents"): ByteStringObject(b"\x00" * 64),
        NameObject("/ByteRange"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(0), NumberObject(0)]),
    })
    widget = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Sig"),
        NameObject("/T"): TextStringObject("OfficeSeal"),
        NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(0), NumberObject(0)]),
        NameObject("/F"): NumberObject(132),
        NameObject("/V"): writer._add_object(sig_value),
        NameObject("/P"): writer.pages[0].indirect_reference,
    })
    ref = writer._add_object(widget)
    writer.pages[0][NameObject("/Annots")] = ArrayObject([ref])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): ArrayObject([ref]),
        NameObject("/SigFlags"): NumberObject(3),
    })
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def outline(data: bytes) -> list[tuple[str, int]]:
    """Top-level bookmarks of a PDF as (title, 0-based page number)."""
    reader = PdfReader(io.BytesIO(data))
    return [(item.title, reader.get_destination_page_number(item)) for item in reader.outline if not isinstance(item, list)]
