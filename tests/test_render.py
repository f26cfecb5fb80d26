"""The three renderers, checked by reading their output back.

PDFs are read with pypdf and with poppler (``pdftotext``, ``pdffonts``) the way a
viewer would; Word files are opened again with python-docx and their XML
inspected; HTML is parsed with :mod:`html.parser`.  Every expected value comes
from the document built in ``doc_fixtures``, never from a stored copy of the output.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from doc_fixtures import HOSTILE_NAME, HOSTILE_PIECES, sample_agreement
from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.shared import Inches
from pypdf import PdfReader

from docassemble.MediationAgreement.assembly.document import (
    AgreementDocument,
    ClauseBlock,
    Paragraph,
    Table,
)
from docassemble.MediationAgreement.errors import MediationError, RenderError
from docassemble.MediationAgreement.render.docx import (
    DRAFT_MARK,
    render_docx,
    uses_word_numbering,
)
from docassemble.MediationAgreement.render.formats import render_outputs
from docassemble.MediationAgreement.render.html import (
    clause_anchor,
    html_stylesheet,
    render_html,
    render_html_fragment,
)
from docassemble.MediationAgreement.render.pdf import render_pdf

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"


def squash(text: str) -> str:
    """Collapse runs of whitespace: line breaks in PDF text fall anywhere."""
    return re.sub(r"\s+", " ", text).strip()


def pdftotext(pdf: bytes, tmp_path: Path, *pages: int) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    page_args = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(["pdftotext", *page_args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_texts(pdf: bytes) -> list[str]:
    return [squash(page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


# --------------------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def long_draft() -> AgreementDocument:
    return sample_agreement(extra_sections=6)


@pytest.fixture(scope="module")
def long_draft_pdf(long_draft: AgreementDocument) -> bytes:
    return render_pdf(long_draft)


@pytest.fixture(scope="module")
def final_pdf() -> bytes:
    return render_pdf(sample_agreement(draft=False, initials_each_page=False))


def test_pdf_numbers_every_page_of_a_long_document(long_draft_pdf: bytes) -> None:
    pages = page_texts(long_draft_pdf)
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text


def test_pdf_is_us_letter(long_draft_pdf: bytes) -> None:
    for page in PdfReader(io.BytesIO(long_draft_pdf)).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_pdf_holds_every_heading_clause_and_name(long_draft: AgreementDocument, long_draft_pdf: bytes) -> None:
    text = " ".join(page_texts(long_draft_pdf))
    for line in long_draft.court_caption:
        assert line.upper() in text
    assert long_draft.title.upper() in text
    assert squash(long_draft.parties_line) in text
    for section in long_draft.sections:
        assert f"{section.number}. {section.heading.upper()}" in text
        for clause in section.clauses:
            assert f"{clause.number} {clause.title}." in text
    for name in ("Alex Rivera", "Sam Rivera", "Dana Whitfield"):
        assert name in text


def test_pdf_draft_mark_on_every_page_and_absent_when_final(long_draft_pdf: bytes, final_pdf: bytes) -> None:
    draft_pages = page_texts(long_draft_pdf)
    assert all("DRAFT — not for signature" in text for text in draft_pages)
    assert "DRAFT" not in " ".join(page_texts(final_pdf))


def test_pdf_initials_line_only_when_asked(long_draft: AgreementDocument, long_draft_pdf: bytes, final_pdf: bytes) -> None:
    labels = long_draft.initials_labels
    for text in page_texts(long_draft_pdf):
        assert "Initials:" in text
        for label in labels:
            assert re.search(rf"{re.escape(label)} _+", text), label
    assert "Initials:" not in " ".join(page_texts(final_pdf))


def test_pdf_text_is_searchable_with_poppler(long_draft: AgreementDocument, long_draft_pdf: bytes, tmp_path: Path) -> None:
    text = squash(pdftotext(long_draft_pdf, tmp_path))
    clause = long_draft.sections[2].clauses[0]
    assert squash(clause.blocks[0].text) in text  # type: ignore[union-attr]
    assert "Alex Rivera" in text


def test_pdf_embeds_every_font(long_draft_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "doc.pdf"
    path.write_bytes(long_draft_pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows, listing
    for row in rows:
        # name type... encoding emb sub uni id gen: "emb" is the 5th field from the end.
        assert row.split()[-5] == "yes", row


def test_pdf_declares_pdfa_2b_title_and_tags(long_draft: AgreementDocument, long_draft_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(long_draft_pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"<pdfaid:part>2</pdfaid:part>|pdfaid:part=\"2\"", xmp), xmp[:500]
    assert re.search(r"<pdfaid:conformance>B</pdfaid:conformance>|pdfaid:conformance=\"B\"", xmp)
    assert reader.metadata is not None and reader.metadata.title == long_draft.title
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    tags = set(_structure_tags(root["/StructTreeRoot"]))
    assert {"/H1", "/H2", "/P", "/L", "/Table", "/TH"} <= tags


def _structure_tags(node: object) -> Iterator[str]:
    node = node.get_object()  # type: ignore[attr-defined]
    if not hasattr(node, "get"):
        return
    if "/S" in node:
        yield str(node["/S"])
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        yield from _structure_tags(kid)


def test_pdf_dates_come_from_the_agreement_not_the_clock(long_draft_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(long_draft_pdf))
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"].startswith("D:20261120")
    undated = render_pdf(sample_agreement(date_iso=None))
    undated_meta = PdfReader(io.BytesIO(undated)).metadata
    assert undated_meta is not None and undated_meta["/CreationDate"].startswith("D:1970")


def test_pdf_is_deterministic(long_draft: AgreementDocument, long_draft_pdf: bytes) -> None:
    assert render_pdf(long_draft) == long_draft_pdf
    assert render_pdf(replace(long_draft, title="Another title")) != long_draft_pdf


def test_pdf_prints_markup_in_a_name_literally(tmp_path: Path) -> None:
    doc = sample_agreement(parent_a_name=HOSTILE_NAME, draft=False)
    pdf = render_pdf(doc)
    text = squash(pdftotext(pdf, tmp_path))
    assert squash(HOSTILE_NAME) in text  # in the parties line, the first recital and the signature block
    assert text.count(squash(HOSTILE_NAME)) >= 3
    for piece in HOSTILE_PIECES:
        assert piece in text
    # `#set page(width: 1pt)` would have changed the page; `#set text(red)` the colour of later text.
    first = PdfReader(io.BytesIO(pdf)).pages[0]
    assert round(float(first.mediabox.width)) == 612


def test_pdf_page_settings_in_a_name_change_nothing() -> None:
    plain = sample_agreement(draft=False)
    hostile = sample_agreement(draft=False, parent_b_name="#set page(width: 1pt, height: 1pt)")
    plain_pages = PdfReader(io.BytesIO(render_pdf(plain))).pages
    hostile_pages = PdfReader(io.BytesIO(render_pdf(hostile))).pages
    assert len(hostile_pages) == len(plain_pages)
    assert all(round(float(p.mediabox.width)) == 612 for p in hostile_pages)


def test_pdf_signature_blocks_are_complete_and_never_split() -> None:
    # Several document lengths move the signatures to different places on the page.
    for extra in range(4):
        doc = sample_agreement(extra_sections=extra, draft=False)
        pages = page_texts(render_pdf(doc))
        assert "SIGNATURES" in " ".join(pages)
        for signature in doc.signatures:
            found = [text for text in pages if signature.printed_name in text and signature.role in text]
            assert found, signature.printed_name
            page = found[-1]  # the parents' names also appear earlier, in the recitals
            assert squash(signature.statement or "") in page
            after = page.split(signature.role, 1)[1]
            assert re.match(r"\s*Date: _+", after), (extra, signature.party, after[:60])


def test_pdf_repeats_a_table_header_on_each_page() -> None:
    rows = tuple((f"Exchange {i}", "Mother", "Father") for i in range(1, 91))
    big = Table(("Occasion", "Even years", "Odd years"), rows)
    doc = sample_agreement(draft=False)
    first = doc.sections[0]
    clause = ClauseBlock("recitals.calendar", "1.4", "Calendar", (Paragraph("Every exchange:"), big))
    doc = replace(doc, sections=(replace(first, clauses=(*first.clauses, clause)), *doc.sections[1:]))
    pages = page_texts(render_pdf(doc))
    holding_rows = [text for text in pages if re.search(r"Exchange \d+ Mother Father", text)]
    assert len(holding_rows) >= 2
    assert all("Occasion Even years Odd years" in text for text in holding_rows)


def test_pdf_script_without_a_bundled_font_is_a_readable_error() -> None:
    doc = sample_agreement(parent_b_name="王小明")
    with pytest.raises(RenderError) as caught:
        render_pdf(doc)
    message = str(caught.value)
    assert "cannot show" in message and "--font-path" in message
    assert isinstance(caught.value, MediationError)


NOTO = Path("/usr/share/fonts/opentype/noto")  # fonts-noto-cjk, installed by scripts/install-system-packages.sh


def test_pdf_font_paths_add_a_script(tmp_path: Path) -> None:
    doc = sample_agreement(parent_b_name="王小明", draft=False)
    text = pdftotext(render_pdf(doc, font_paths=[NOTO]), tmp_path)
    assert "王小明" in text


def test_pdf_bad_agreement_date_names_the_field() -> None:
    doc = replace(sample_agreement(), metadata={"date_iso": "20 November"})
    with pytest.raises(RenderError) as caught:
        render_pdf(doc)
    assert caught.value.field_path == "metadata.date_iso"


def test_pdf_layout_error_names_the_template_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from docassemble.MediationAgreement.render import pdf as module
    from docassemble.MediationAgreement.render import typesetting

    broken = b"#let d = json(bytes(sys.inputs.doc))\n#d.no_such_field\n"
    monkeypatch.setattr(typesetting, "template_source", lambda name: broken)
    with pytest.raises(RenderError) as caught:
        module.render_pdf(sample_agreement())
    assert caught.value.path == "templates/agreement.typ" and caught.value.line == 2
    assert "no_such_field" in str(caught.value)


def test_typst_template_never_turns_text_into_markup() -> None:
    source = (TEMPLATES / "agreement.typ").read_text(encoding="utf-8")
    code = "\n".join(line.split("//", 1)[0] for line in source.splitlines())
    for forbidden in ("eval(", "read(", "include ", "import ", "raw("):
        assert forbidden not in code, forbidden


# --------------------------------------------------------------------------- DOCX


@pytest.fixture(scope="module")
def draft_docx() -> bytes:
    return render_docx(sample_agreement())


def _headings(data: bytes, style: str) -> list[str]:
    return [p.text for p in open_docx(io.BytesIO(data)).paragraphs if p.style is not None and p.style.name == style]


def test_docx_sections_and_clauses_are_word_headings(draft_docx: bytes) -> None:
    doc = sample_agreement()
    assert _headings(draft_docx, "Heading 1") == [s.heading.upper() for s in doc.sections] + ["SIGNATURES"]
    assert _headings(draft_docx, "Heading 2") == [f"{c.title}." for s in doc.sections for c in s.clauses]


def test_docx_numbers_headings_with_word_numbering(draft_docx: bytes) -> None:
    word = open_docx(io.BytesIO(draft_docx))
    numbering = word.part.numbering_part.element
    linked: dict[str, tuple[str, str]] = {}
    for style_id, level in (("Heading1", "0"), ("Heading2", "1")):
        style = word.styles.element.get_by_id(style_id)
        num_pr = style.pPr.find(qn("w:numPr"))
        assert num_pr is not None, style_id
        assert num_pr.find(qn("w:ilvl")).get(qn("w:val")) == level
        linked[style_id] = (num_pr.find(qn("w:numId")).get(qn("w:val")), level)
    (num_id, _), (num_id_2, _) = linked.values()
    assert num_id == num_id_2
    num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    levels = {lvl.get(qn("w:ilvl")): lvl for lvl in abstract.findall(qn("w:lvl"))}
    assert levels["0"].find(qn("w:lvlText")).get(qn("w:val")) == "%1."
    assert levels["1"].find(qn("w:lvlText")).get(qn("w:val")) == "%1.%2"
    assert levels["0"].find(qn("w:pStyle")).get(qn("w:val")) == "Heading1"
    # Schema order: no abstractNum after the first num.
    tags = [child.tag for child in numbering]
    assert max(i for i, t in enumerate(tags) if t == qn("w:abstractNum")) < tags.index(qn("w:num"))
    # The SIGNATURES heading switches numbering off.
    signatures = next(p for p in word.paragraphs if p.text == "SIGNATURES")
    assert signatures._p.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val")) == "0"


def test_docx_writes_numbers_when_word_could_not_reproduce_them() -> None:
    doc = sample_agreement()
    first = doc.sections[0]
    skipped = replace(first, clauses=(first.clauses[0], replace(first.clauses[2], number="1.3")))
    doc = replace(doc, sections=(skipped, *doc.sections[1:]))
    assert not uses_word_numbering(doc)
    assert uses_word_numbering(sample_agreement())
    data = render_docx(doc)
    assert _headings(data, "Heading 2")[:2] == ["1.1 The parents.", "1.3 Best interests."]
    assert _headings(data, "Heading 1")[0] == "1. RECITALS"
    styles = open_docx(io.BytesIO(data)).styles.element.get_by_id("Heading1")
    assert styles.pPr.find(qn("w:numPr")) is None


def test_docx_footer_has_page_fields_and_initials(draft_docx: bytes) -> None:
    section = open_docx(io.BytesIO(draft_docx)).sections[0]
    footer_xml = section.footer._element.xml
    instructions = [el.text.strip() for el in section.footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer_xml.count('w:fldCharType="begin"') == 2
    text = section.footer.paragraphs[0].text
    assert text.startswith("Initials: Mother ______")
    assert "Father ______" in text
    assert "Page " in text and " of " in text


def test_docx_draft_header_only_on_drafts(draft_docx: bytes) -> None:
    draft_header = open_docx(io.BytesIO(draft_docx)).sections[0].header
    assert DRAFT_MARK in " ".join(p.text for p in draft_header.paragraphs)
    final = open_docx(io.BytesIO(render_docx(sample_agreement(draft=False, initials_each_page=False))))
    assert "DRAFT" not in " ".join(p.text for p in final.sections[0].header.paragraphs)
    assert "Initials" not in " ".join(p.text for p in final.sections[0].footer.paragraphs)


def test_docx_page_setup_and_properties(draft_docx: bytes) -> None:
    word = open_docx(io.BytesIO(draft_docx))
    section = word.sections[0]
    assert (section.page_width, section.page_height) == (Inches(8.5), Inches(11))
    assert {section.left_margin, section.right_margin, section.top_margin, section.bottom_margin} == {Inches(1)}
    props = word.core_properties
    assert props.title == sample_agreement().title
    assert props.created is not None and props.created.date().isoformat() == "2026-11-20"
    assert props.modified == props.created


def test_docx_signature_blocks_are_borderless_unbreakable_tables(draft_docx: bytes) -> None:
    word = open_docx(io.BytesIO(draft_docx))
    doc = sample_agreement()
    blocks = [t for t in word.tables if len(t.columns) == 1]
    assert len(blocks) == len(doc.signatures)
    for table, signature in zip(blocks, doc.signatures, strict=True):
        text = [p.text for p in table.rows[0].cells[0].paragraphs]
        assert signature.statement in text and signature.printed_name in text and signature.role in text
        assert text[-1].startswith("Date: ___")
        assert table.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {b.get(qn("w:val")) for b in borders} == {"nil"}


def test_docx_tables_repeat_their_header_row(draft_docx: bytes) -> None:
    word = open_docx(io.BytesIO(draft_docx))
    holiday = next(t for t in word.tables if t.rows[0].cells[0].text == "Holiday")
    assert holiday.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert holiday.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None


def test_docx_keeps_markup_in_a_name_as_text() -> None:
    data = render_docx(sample_agreement(parent_a_name=HOSTILE_NAME))
    word = open_docx(io.BytesIO(data))
    text = "\n".join(p.text for p in word.paragraphs)
    assert HOSTILE_NAME in text


def test_docx_keeps_tabs_line_breaks_and_edge_spaces_and_refuses_control_characters() -> None:
    from dataclasses import replace

    doc = sample_agreement()
    odd = replace(doc, preamble=(Paragraph("Column\tnext\nsecond line"), Paragraph("  spaced  "), Paragraph("")))
    word = open_docx(io.BytesIO(render_docx(odd)))
    texts = [p.text for p in word.paragraphs]
    assert "Column\tnext\nsecond line" in texts  # <w:tab/> and <w:br/>, read back as python-docx reads them
    assert "  spaced  " in texts  # xml:space="preserve"
    for bad in ("A\x01B", "nul\x00", "half \ud800 a pair"):
        with pytest.raises(RenderError, match="cannot write the DOCX"):
            render_docx(replace(doc, preamble=(Paragraph(bad),)))


def test_render_outputs_typesets_the_pdf_beside_the_others_giving_the_same_files() -> None:
    doc = sample_agreement()
    together = render_outputs(doc, ["docx", "pdf", "html"])  # the PDF on Typst's thread while the DOCX and HTML are built
    assert list(together) == ["agreement.docx", "agreement.pdf", "agreement.html"]
    assert together["agreement.pdf"] == render_pdf(doc)
    assert together["agreement.docx"] == render_docx(doc)
    broken = replace(doc, preamble=(Paragraph("A\x01B"),))
    with pytest.raises(RenderError):
        render_outputs(broken, ["pdf", "docx"])
    assert render_outputs(doc, ["pdf", "txt"])["agreement.pdf"] == together["agreement.pdf"]  # the thread is still there


def test_docx_parts_are_well_formed_each_once_and_its_own_parts_follow_the_shared_ones() -> None:
    from lxml import etree

    for doc in (sample_agreement(), sample_agreement(parent_a_name="Ana <b>&amp; Zoë", extra_sections=2)):
        archive = zipfile.ZipFile(io.BytesIO(render_docx(doc)))
        names = archive.namelist()
        assert len(names) == len(set(names))
        assert names[0] == "[Content_Types].xml"
        for name in names:
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))  # strict: raises on anything not well-formed
        listed = etree.fromstring(archive.read("[Content_Types].xml"))
        overrides = {el.get("PartName").lstrip("/") for el in listed if el.get("PartName")}
        assert {"word/document.xml", "word/footer1.xml", "docProps/core.xml"} <= overrides <= set(names)
        assert names[-4:] == ["docProps/core.xml", "word/document.xml", "word/header1.xml", "word/footer1.xml"]  # a draft: header and footer
    final = zipfile.ZipFile(io.BytesIO(render_docx(sample_agreement(draft=False)))).namelist()
    assert "word/header1.xml" not in final and final[-3:] == ["docProps/core.xml", "word/document.xml", "word/footer1.xml"]


def test_docx_is_deterministic(draft_docx: bytes) -> None:
    assert render_docx(sample_agreement()) == draft_docx
    times = {info.date_time for info in zipfile.ZipFile(io.BytesIO(draft_docx)).infolist()}
    assert times == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (libreoffice-writer-nogui)")
def test_docx_numbering_and_page_fields_lay_out_in_libreoffice(tmp_path: Path) -> None:
    doc = sample_agreement(extra_sections=2)
    source = tmp_path / "agreement.docx"
    source.write_bytes(render_docx(doc))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        check=True,
        timeout=240,
    )
    pages = page_texts((tmp_path / "agreement.pdf").read_bytes())
    text = " ".join(pages)
    assert "1. RECITALS" in text and "1.1 The parents." in text and "3.3 Holidays and special days." in text
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert "DRAFT — not for signature" in pages[-1]


# --------------------------------------------------------------------------- all formats


def test_every_format_renders_an_agreement_without_clauses_or_statements(tmp_path: Path) -> None:
    doc = sample_agreement(draft=False)
    bare = replace(
        doc,
        preamble=(),
        sections=(),
        signatures=tuple(replace(s, statement=None) for s in doc.signatures),
        initials_labels=(),
    )
    pdf_text = squash(pdftotext(render_pdf(bare), tmp_path))
    assert "Page 1 of 1" in pdf_text and "Initials" not in pdf_text
    assert all(s.printed_name in pdf_text for s in bare.signatures)
    assert "I have read" not in pdf_text
    word = open_docx(io.BytesIO(render_docx(bare)))
    assert [p.text for p in word.paragraphs if p.style is not None and p.style.name == "Heading 1"] == ["SIGNATURES"]
    assert all(s.printed_name in [p.text for t in word.tables for p in t.rows[0].cells[0].paragraphs] for s in bare.signatures)
    parsed = outline(render_html(bare))
    assert [h for h in parsed.headings if h[0] != "h1"] == [("h2", "Signatures")]
    assert not parsed.all("nav")


# --------------------------------------------------------------------------- HTML


class Outline(HTMLParser):
    """What the tests need from a page: tags with attributes, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self._heading: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in {"h1", "h2", "h3"}:
            self._heading, self._buffer = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self.headings.append((tag, squash("".join(self._buffer))))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading:
            self._buffer.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def outline(markup: str) -> Outline:
    parser = Outline()
    parser.feed(markup)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(sample_agreement())


def test_html_is_a_complete_mobile_page(page: str) -> None:
    parsed = outline(page)
    assert page.startswith("<!DOCTYPE html>")
    assert parsed.all("html") == [{"lang": "en"}]
    metas = parsed.all("meta")
    assert {"charset": "utf-8"} in metas
    assert any(m.get("name") == "viewport" and "width=device-width" in (m.get("content") or "") for m in metas)
    assert len(parsed.all("title")) == 1 and len(parsed.all("main")) == 1


def test_html_headings_follow_the_outline(page: str) -> None:
    doc = sample_agreement()
    headings = outline(page).headings
    assert headings[0] == ("h1", doc.title)
    assert [h for h in headings if h[0] == "h2"] == [("h2", f"{s.number}. {s.heading}") for s in doc.sections] + [("h2", "Signatures")]
    assert [h for h in headings if h[0] == "h3"] == [("h3", f"{c.number} {c.title}.") for s in doc.sections for c in s.clauses]


def test_html_sections_and_clause_anchors(page: str) -> None:
    doc = sample_agreement()
    parsed = outline(page)
    ids = [attrs["id"] for _, attrs in parsed.tags if attrs.get("id")]
    assert len(ids) == len(set(ids))
    sections = parsed.all("section")
    for clause in (c for s in doc.sections for c in s.clauses):
        anchor = clause_anchor(clause.number)
        assert anchor == "clause-" + clause.number.replace(".", "-")
        assert {"class": "clause", "id": anchor, "data-clause-id": clause.clause_id, "aria-labelledby": f"{anchor}-heading"} in sections
    assert clause_anchor("4.2") == "clause-4-2"
    # Every in-page link lands somewhere.
    for link in parsed.all("a"):
        href = link["href"] or ""
        assert href.startswith("#") and href[1:] in ids


def test_html_tables_have_scoped_header_cells(page: str) -> None:
    parsed = outline(page)
    headers = parsed.all("th")
    assert headers
    assert all(th.get("scope") in {"col", "row"} for th in headers)
    doc = sample_agreement()
    tables = [b for s in doc.sections for c in s.clauses for b in c.blocks if isinstance(b, Table)]
    assert sum(th["scope"] == "col" for th in headers) == sum(len(t.header) for t in tables)
    assert sum(th["scope"] == "row" for th in headers) == sum(len(t.rows) for t in tables)


def test_html_draft_banner_only_on_drafts(page: str) -> None:
    assert "DRAFT — not for signature" in "".join(outline(page).text)
    final = render_html(sample_agreement(draft=False))
    assert "DRAFT" not in final


def test_html_escapes_markup_in_a_name() -> None:
    markup = render_html(sample_agreement(parent_a_name=HOSTILE_NAME))
    assert "<b>x</b>" not in markup
    assert "&lt;b&gt;x&lt;/b&gt;" in markup and "&lt;label&gt;" in markup and "&amp; Co" in markup
    parsed = outline(markup)
    assert not parsed.all("b") and not parsed.all("label")
    text = "".join(parsed.text)
    assert text.count(HOSTILE_NAME) >= 3
    assert "{{x}}" in text


def test_html_loads_nothing_from_outside(page: str) -> None:
    parsed = outline(page)
    assert not parsed.all("link") and not parsed.all("script") and not parsed.all("img")
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "@import" not in page and "url(" not in page


def test_html_fragment_is_the_same_article(page: str) -> None:
    fragment = render_html_fragment(sample_agreement())
    assert fragment.startswith('<article class="agreement"')
    assert fragment.rstrip().endswith("</article>")
    assert "<html" not in fragment and "<style" not in fragment
    # The same article, its headings one level down: on a docassemble screen the question is the page's one h1.
    assert "<h1" not in fragment and '<h2 class="agreement-title">' in fragment
    one_level_up = re.sub(r"<(/?)h([2-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) - 1}", fragment.strip())
    assert one_level_up in page
    assert ".agreement" in html_stylesheet() and html_stylesheet() in page


def test_html_is_deterministic(page: str) -> None:
    assert render_html(sample_agreement()) == page
