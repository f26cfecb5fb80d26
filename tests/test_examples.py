"""Every example assembled through the real CLI, and each output read back as a reader would."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from docassemble.MediationAgreement.case.model import Case, load_case

from .conftest import example_cases, run_cli


def confidential_fragments(case: Case) -> list[str]:
    fragments = []
    for parent in (case.parent_a, case.parent_b):
        if parent.address is not None and parent.address.confidential:
            fragments += [parent.address.street, parent.address.postal_code]
    return fragments


@pytest.fixture(scope="module", params=example_cases(), ids=lambda p: p.stem)
def assembled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Case, Path]:
    out = tmp_path_factory.mktemp(request.param.stem)
    result = run_cli("assemble", request.param, "--out", out)
    assert result.code == 0, result.err
    return load_case(request.param), out


def test_pdf_reads_back_with_names_pages_footer_and_draft_mark(assembled: tuple[Case, Path]) -> None:
    case, out = assembled
    reader = PdfReader(out / "agreement.pdf")
    pages = len(reader.pages)
    assert pages >= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert case.parent_a.full_name in text and case.parent_b.full_name in text
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "DRAFT" in text
    for child in case.children:
        assert child.full_name in text


def test_pdf_text_as_a_viewer_sees_it_has_no_confidential_address(assembled: tuple[Case, Path]) -> None:
    case, out = assembled
    text = subprocess.run(["pdftotext", "-layout", str(out / "agreement.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    html = (out / "agreement.html").read_text()
    docx_text = "\n".join(p.text for p in Document(str(out / "agreement.docx")).paragraphs)
    for fragment in confidential_fragments(case):
        assert fragment not in text and fragment not in html and fragment not in docx_text


def test_docx_has_real_headings(assembled: tuple[Case, Path]) -> None:
    case, out = assembled
    document = Document(str(out / "agreement.docx"))
    styles = {p.style.name for p in document.paragraphs if p.text.strip()}
    assert {"Heading 1", "Heading 2"} <= styles
    body = "\n".join(p.text for p in document.paragraphs)
    assert case.parent_a.full_name in body or case.parent_a.full_name in "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)


def test_html_preview_is_a_whole_page(assembled: tuple[Case, Path]) -> None:
    case, out = assembled
    html = (out / "agreement.html").read_text()
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert case.parent_b.full_name in html


def test_final_has_no_draft_mark(tmp_path: Path) -> None:
    example = example_cases()[0]
    result = run_cli("assemble", example, "--out", tmp_path, "--final", "--format", "pdf")
    assert result.code == 0, result.err
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "agreement.pdf").pages)
    assert "DRAFT" not in text
