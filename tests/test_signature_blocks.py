"""Signature, acknowledgment and order blocks as clause-library templates (issue 12, part 6).

The blocks are clauses of topic ``signatures`` (clauses/signatures/): the
parents, counsel when a parent has one, the mediator, the child support
agency in IV-D cases, a notary acknowledgment when the office requires one,
and the court's approval and order.  Each test assembles a real case, renders
it for real (PDF read back with pdftotext, DOCX with python-docx, HTML) and,
for signing, seals an executed agreement: the parents' and the mediator's
signatures land on their lines, the paper lines stay blank.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import run_cli
from docx import Document as open_docx
from pypdf import PdfReader

from docassemble.MediationAgreement.assembly import assemble, assemble_agreement
from docassemble.MediationAgreement.assembly.document import AgreementDocument, to_plain_text
from docassemble.MediationAgreement.case.model import case_from_data
from docassemble.MediationAgreement.errors import AssemblyError
from docassemble.MediationAgreement.render.docx import render_docx
from docassemble.MediationAgreement.render.html import render_html
from docassemble.MediationAgreement.render.pdf import render_pdf

ROOT = Path(__file__).resolve().parents[1]
JOINT = ROOT / "examples" / "cases" / "joint-two-children.yml"
SMALL = ROOT / "tests" / "cases" / "bad" / "percent-not-100" / "case.yml"
OFFICE = ROOT / "tests" / "libraries" / "signatures-office"
NO_PARENTS = ROOT / "tests" / "libraries" / "signatures-no-parents"


def small_case(**changes: Any) -> dict[str, Any]:
    """The smallest valid case (Alex Rivera, Sam Rivera, mediator Dana Whitfield), with ``changes`` per section."""
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["child_support"]["uninsured_medical"] = {"parent_a_percent": 50, "parent_b_percent": 50}
    for section, values in changes.items():
        data[section] = {**data[section], **values}
    return data


def assembled(data: dict[str, Any], libraries: list[Path] | None = None) -> AgreementDocument:
    return assemble_agreement(case_from_data(data), None if libraries is None else [ROOT / "clauses", *libraries])


def blocks(doc: AgreementDocument) -> list[tuple[str, list[str]]]:
    return [(blk.block_id if blk else "", [line.party for line in lines]) for blk, lines in doc.signature_groups()]


def test_the_base_library_gives_the_blocks_the_case_calls_for() -> None:
    plain = blocks(assembled(small_case()))
    assert plain == [("signatures.parents", ["a", "b"]), ("signatures.mediator", ["mediator"]), ("signatures.court_order", ["judge"])]
    iv_d = blocks(assembled(small_case(court={"iv_d": True})))
    assert ("signatures.agency", ["agency"]) in iv_d
    memo = blocks(assembled(small_case(office={"document_kind": "memorandum"})))
    assert [b for b, _ in memo] == ["signatures.parents", "signatures.mediator"]


def test_an_attorney_signs_for_the_parent_who_has_one() -> None:
    data = small_case(parent_a={"represented_by_counsel": True, "attorney_name": "Jordan Lee", "attorney_bar_number": "031234"})
    doc = assembled(data)
    assert ("signatures.counsel", ["attorney_a"]) in blocks(doc)
    text = to_plain_text(doc)
    assert "Approved as to form by counsel. Counsel's signature does not make counsel a party to this agreement." in text
    assert "Jordan Lee, Attorney for Mother, Bar No. 031234" in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_when_both_parents_have_attorneys_each_attorney_has_a_line(language: str) -> None:
    """Found in the Spanish translation's review: the first attorney's line ran into the second's and lost its name."""
    from docassemble.MediationAgreement.library.clauses import load_case_library

    data = small_case(
        parent_a={"represented_by_counsel": True, "attorney_name": "Jordan Lee", "attorney_bar_number": "031234"},
        parent_b={"represented_by_counsel": True, "attorney_name": "Robin Park"},
    )
    case = case_from_data(data)
    doc = assemble(case, load_case_library(None, case.court.state, language=language))
    assert ("signatures.counsel", ["attorney_a", "attorney_b"]) in blocks(doc)
    lines = {line.party: line for line in doc.signatures}
    assert (lines["attorney_a"].printed_name, lines["attorney_b"].printed_name) == ("Jordan Lee", "Robin Park")
    assert "031234" in lines["attorney_a"].role and "031234" not in lines["attorney_b"].role


def test_a_notary_acknowledges_both_parents_when_the_office_requires_it() -> None:
    doc = assembled(small_case(office={"notary_acknowledgment": True}))
    block = next(blk for blk, _ in doc.signature_groups() if blk and blk.block_id == "signatures.notary")
    before = " ".join(getattr(b, "text", "") for b in block.before)
    assert "personally appeared Alex Rivera and Sam Rivera" in before
    assert [getattr(b, "text", "") for b in block.after] == ["My commission expires: ____________________ (seal)"]


def test_the_judge_is_named_when_the_case_names_one() -> None:
    doc = assembled(small_case(court={"judge": "Hon. Maria Chen"}))
    order = next(line for line in doc.signatures if line.party == "judge")
    assert (order.printed_name, order.role) == ("Hon. Maria Chen", "Judge or Commissioner, Superior Court of Arizona")


def test_every_renderer_prints_every_block_and_line(tmp_path: Path) -> None:
    data = small_case(court={"iv_d": True}, office={"notary_acknowledgment": True}, parent_b={"represented_by_counsel": True, "attorney_name": "Robin Park"})
    doc = assembled(data)
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(render_pdf(doc))
    pdf_text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    word = open_docx(io.BytesIO(render_docx(doc)))
    docx_text = " ".join(
        [p.text for p in word.paragraphs] + [p.text for t in word.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    )
    html = render_html(doc)
    for expected in ("The Parents", "Counsel", "The Mediator", "Child Support Agency", "Acknowledgment Before a Notary", "Approval and Order of the Court",
                     "Robin Park", "Attorney for Father", "Notary Public", "IT IS ORDERED"):
        assert expected in pdf_text, expected
        assert expected in docx_text, expected
        assert expected in html, expected
    assert len(PdfReader(pdf).pages) > 1


def test_an_office_overlay_removes_rewords_and_adds_blocks() -> None:
    doc = assembled(small_case(), [OFFICE])
    assert blocks(doc) == [
        ("signatures.parents", ["a", "b"]),
        ("signatures.mediator", ["mediator"]),
        ("signatures.interpreter", ["interpreter"]),
    ]
    text = to_plain_text(doc)
    assert "MEDIATOR'S CERTIFICATE" in text and "I certify that the parents reached this agreement in mediation" in text
    assert "IT IS ORDERED" not in text
    assert "______________________________, Court-certified interpreter" in text


def test_an_overlay_that_removes_a_parents_line_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AssemblyError) as caught:
        assembled(small_case(), [NO_PARENTS])
    assert caught.value.clause_id == "signatures.parents"
    assert "exactly one signature line for parent a" in caught.value.message
    out = tmp_path / "out"
    result = run_cli("assemble", JOINT, "--library", NO_PARENTS, "--out", out, "--format", "txt")
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.startswith("error: clause 'signatures.parents': the agreement needs exactly one signature line for parent a")
    assert not out.exists()


def test_signing_fills_the_parents_and_mediator_and_leaves_paper_lines_blank(tmp_path: Path) -> None:
    from pki import make_pki
    from signing_fixtures import signed_case

    from docassemble.MediationAgreement.signing.certificate import SealIdentity, completion_record
    from docassemble.MediationAgreement.signing.seal import build_executed_pdf, executed_document
    from docassemble.MediationAgreement.signing.signatures import SigningConfig

    data = small_case(court={"iv_d": True}, parent_a={"represented_by_counsel": True, "attorney_name": "Jordan Lee"})
    doc = assembled(data)
    caps, events = signed_case()
    record = completion_record(doc, caps, events, SealIdentity("CN=Test Office Seal", "00" * 32))
    executed = executed_document(doc, record, caps)
    by_party = {line.party: line for line in executed.signatures}
    assert by_party["a"].signature_png is not None
    assert by_party["b"].typed_signature == "Sam Rivera"
    assert by_party["mediator"].signed_at_text
    for paper in ("attorney_a", "agency", "judge"):
        line = by_party[paper]
        assert (line.signature_png, line.typed_signature, line.signed_at_text) == (None, None, None)
    text = to_plain_text(executed)
    assert "Sam Rivera, Father and Respondent\nSignature: /s/ Sam Rivera" in text
    assert "Jordan Lee, Attorney for Mother\nSignature: ____________________  Date: __________" in text
    assert [s.party for s in record.signers] == ["a", "b", "mediator"]
    # The whole sealed PDF: the typed signature is on Sam Rivera's line, counsel's line is printed unsigned.
    paths = make_pki().write(tmp_path)
    sealed = build_executed_pdf(doc, caps, events, SigningConfig.from_paths(paths["key"], paths["cert"], paths["ca"]))
    (tmp_path / "executed.pdf").write_bytes(sealed)
    pdf_text = subprocess.run(["pdftotext", str(tmp_path / "executed.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "Jordan Lee" in pdf_text and "Attorney for Mother" in pdf_text and "For the child support agency (IV-D)" in pdf_text
    assert pdf_text.count("Sam Rivera") >= 2  # the printed name and the typed signature


def test_preview_shows_a_signature_block_as_the_agreement_prints_it() -> None:
    result = run_cli("preview", "signatures.counsel", "--case", ROOT / "examples" / "cases" / "long-distance-summer.yml")
    assert result.code == 0, result.err
    assert "Karen Ostrowski, Attorney for Marcus, Bar No. UT 11482\nSignature (attorney_b): ____________________  Date: __________" in result.out
    assert "[[signature:" not in result.out


def test_lint_names_an_overlay_that_drops_a_line_the_signing_flow_needs() -> None:
    result = run_cli("lint", "--library", NO_PARENTS.relative_to(ROOT), cwd=ROOT)
    assert result.code == 1
    where = "tests/libraries/signatures-no-parents/signatures/parents.yml:1"
    assert result.out.splitlines()[:2] == [
        f"{where}: the signature blocks have no `[[signature:a]]` line for parent a; the signing flow needs exactly one (signatures.parents is disabled here)",
        f"{where}: the signature blocks have no `[[signature:b]]` line for parent b; the signing flow needs exactly one (signatures.parents is disabled here)",
    ]
    assert run_cli("lint", "--library", OFFICE).code == 0
