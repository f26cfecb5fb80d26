"""Word-level redlines of two drafts: the diff, clause matching, comments answered, HTML and PDF."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest
from doc_fixtures import HOSTILE_NAME, HOSTILE_PIECES, sample_agreement
from hypothesis import given, settings
from hypothesis import strategies as st

from docassemble.MediationAgreement.assembly.document import (
    AgreementDocument,
    ClauseBlock,
    Paragraph,
    Section,
)
from docassemble.MediationAgreement.review.redline import (
    RedlineComment,
    Segment,
    compare,
    diff_words,
    document_from_data,
    redline_html,
    redline_pdf,
)


def _old(segments: tuple[Segment, ...]) -> str:
    return "".join(s.text for s in segments if s.op != "insert")


def _new(segments: tuple[Segment, ...]) -> str:
    return "".join(s.text for s in segments if s.op != "delete")


def test_word_level_replacement() -> None:
    segs = diff_words("Exchanges take place at 6:00 p.m. on Fridays.", "Exchanges take place at 5:00 p.m. on Fridays.")
    assert [s.op for s in segs] == ["equal", "delete", "insert", "equal"]
    assert segs[1].text.strip() == "6:00" and segs[2].text == "5:00"


def test_insertion_and_deletion_of_words() -> None:
    segs = diff_words("Father will pay support.", "Father will pay child support monthly.")
    assert [s for s in segs if s.op != "equal"] == [Segment("insert", "child"), Segment("insert", "monthly")]  # "support." is still "support"
    assert _new(segs) == "Father will pay child support monthly."
    segs = diff_words("The parents may sign separate copies.", "The parents sign copies.")
    assert [s.text.strip() for s in segs if s.op == "delete"] == ["may", "separate"]


def test_no_change_is_one_equal_segment() -> None:
    assert diff_words("same text", "same text") == (Segment("equal", "same text"),)
    assert diff_words("", "") == ()


ALPHABET = st.sampled_from(list("ab 5:.,()“”\n"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60), st.text(alphabet=ALPHABET, max_size=60))
def test_diff_reproduces_both_texts(old: str, new: str) -> None:
    """Invariant: unchanged + deleted text is the old text, unchanged + inserted the new
    (whitespace aside: a change of spacing alone is not a change)."""
    segs = diff_words(old, new)
    assert "".join(_old(segs).split()) == "".join(old.split())
    assert "".join(_new(segs).split()) == "".join(new.split())
    assert all(s.text for s in segs)
    assert all(a.op != b.op for a, b in pairwise(segs))


def test_a_deleted_word_stays_apart_from_its_neighbour() -> None:
    assert diff_words("5 5", "5") == (Segment("equal", "5 "), Segment("delete", "5"))
    assert _old(diff_words("pay 6 now", "pay now")).split() == ["pay", "6", "now"]


def _doc(*clauses: tuple[str, str, str], title: str = "Agreement") -> AgreementDocument:
    base = sample_agreement()
    sections = []
    for n, (cid, ctitle, body) in enumerate(clauses, start=1):
        sections.append(Section(f"t{n}", n, f"Topic {n}", (ClauseBlock(cid, f"{n}.1", ctitle, (Paragraph(body),)),)))
    return replace(base, title=title, sections=tuple(sections))


def test_clauses_are_matched_by_id_even_when_renumbered() -> None:
    old = _doc(("a", "Alpha", "One."), ("x", "Gone", "Removed text."), ("b", "Beta", "Exchange at 6:00 p.m."))
    new = _doc(("a", "Alpha", "One."), ("b", "Beta", "Exchange at 5:00 p.m."), ("c", "Gamma", "New clause."))
    comments = [
        RedlineComment(7, "Mother (Alex Rivera)", 1, "3.1", "Could it be 5 p.m.?"),
        RedlineComment(8, "Father (Sam Rivera)", 1, "1.1", "Fine with me."),
        RedlineComment(9, "Father (Sam Rivera)", 1, "2.1", "Please drop this."),
    ]
    red = compare(old, new, comments=comments, old_label="draft 1", new_label="draft 2")
    by_key = {p.key: p for p in red.parts}
    beta = by_key["clause:b"]
    assert (beta.status, beta.old_number, beta.new_number, beta.renumbered) == ("changed", "3.1", "2.1", True)
    assert [c.comment_id for c in beta.answers] == [7]  # comment on 3.1 in draft 1 follows the clause to 2.1
    assert by_key["clause:x"].status == "removed" and [c.comment_id for c in by_key["clause:x"].answers] == [9]
    assert by_key["clause:c"].status == "added"
    assert [c.comment_id for c in red.unanswered] == [8]  # on an unchanged clause: listed, not lost
    keys = [p.key for p in red.parts if p.kind == "clause"]
    assert keys == ["clause:a", "clause:x", "clause:b", "clause:c"]  # removed clause stays where it was
    assert red.summary() == "1 clause changed; 1 clause added; 1 clause removed"


def test_comment_on_a_section_number_no_clause_had_is_kept() -> None:
    doc = _doc(("a", "Alpha", "One."))
    red = compare(doc, doc, comments=[RedlineComment(3, "Mother", 1, "9.9", "?")])
    assert red.changes == [] and [c.section for c in red.unanswered] == ["9.9"]


def test_html_marks_insertions_and_deletions_and_escapes_text() -> None:
    old = _doc(("b", "Beta", f"Exchange at 6:00 p.m. with {HOSTILE_NAME}."))
    new = _doc(("b", "Beta", f"Exchange at 5:00 p.m. with {HOSTILE_NAME}."))
    red = compare(old, new, comments=[RedlineComment(1, "<script>alert(1)</script>", 1, "1.1", "5 p.m. & not 6?")], old_sha256="a" * 64, new_sha256="b" * 64)
    page = redline_html(red)
    assert "<del>6:00 </del><ins>5:00</ins>" in page
    assert '<meta name="viewport"' in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "5 p.m. &amp; not 6?" in page and "This change answers" in page
    assert "<b>x</b>" not in page  # the hostile name's markup is text
    assert "a" * 64 in page


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
def test_pdf_shows_both_versions_of_each_change_literally(tmp_path: Path) -> None:
    old = _doc(("b", "Beta", f"Exchange at 6:00 p.m. with {HOSTILE_NAME}."))
    new = _doc(("b", "Beta", f"Exchange at 5:00 p.m. with {HOSTILE_NAME}."))
    red = compare(old, new, comments=[RedlineComment(4, "Mother (Alex Rivera)", 1, "1.1", "Could it be 5 p.m.?")], old_label="draft 1", new_label="draft 2")
    pdf = redline_pdf(red)
    assert pdf.startswith(b"%PDF-")
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "6:00" in text and "5:00" in text
    assert "Changes in draft 2 compared with draft 1" in text
    assert "Could it be 5 p.m.?" in text
    for piece in HOSTILE_PIECES:
        assert piece in text.replace("\n", " "), piece


def test_stored_documents_come_back_equal() -> None:
    doc = sample_agreement()
    assert document_from_data(doc.to_data()) == doc
    signed = replace(doc, signatures=tuple(replace(s, signature_png=b"\x89PNG fake", signed_at_text="today") for s in doc.signatures))
    assert document_from_data(signed.to_data()) == signed


def test_a_bar_in_a_paragraph_stays_text() -> None:
    red = compare(_doc(("b", "Beta", "Pick-up | drop-off at 6:00 p.m.")), _doc(("b", "Beta", "Pick-up | drop-off at 5:00 p.m.")))
    page = redline_html(red)
    assert "Pick-up | drop-off at <del>6:00 </del><ins>5:00</ins> p.m." in page
    assert "redline-table" not in page.split("<style>", 1)[1].split("</style>", 1)[1]


def test_a_changed_table_is_shown_as_a_table_cell_by_cell() -> None:
    """Issue 13, defect 3: the overnight table's changed figures, in their cells (not a line of pipes)."""
    from docassemble.MediationAgreement.assembly.assemble import assemble
    from docassemble.MediationAgreement.case.model import case_from_data, dump_case, load_case
    from docassemble.MediationAgreement.library.clauses import load_case_library
    from docassemble.MediationAgreement.review.redline import changes_fragment

    from .conftest import EXAMPLES

    case = load_case(EXAMPLES / "safety-sole-supervised.yml")
    data = dump_case(case)
    data["parenting_time"]["pattern"]["visits"][0]["end"] = "14:00"  # one more hour each Saturday
    library = load_case_library(None, "OR")
    red = compare(assemble(case, library, draft=True), assemble(case_from_data(data), library, draft=True))
    for page in (changes_fragment(red), redline_html(red)):
        assert '<table class="redline-table">' in page
        assert "<td>Father </td><td>0 </td><td>0 </td><td>0 </td><td>0.0% </td><td><del>162 </del><ins>214 </ins></td>" in page
        assert "| " not in page.split('<table class="redline-table">', 1)[1].split("</table>", 1)[0]
    import io

    from pypdf import PdfReader

    printed = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(redline_pdf(red))).pages).split())
    assert "Father 0 0 0 0.0% 162 214" in printed  # the redline PDF: a table, its old and new figures in the cell
    assert "0.0% | 162" not in printed
