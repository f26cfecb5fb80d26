"""The Spanish reading copy of the agreement (issue 18, part 2) and ``lint --language es`` (part 3).

Each example is assembled in Spanish by the CLI and read back: the PDF's text
has the courtesy notice on every page and no English sentence left (the case's
own typed text aside), the DOCX and HTML say the same, and the fonts embed
every Spanish character.  Translation files are checked with their file and
line: missing, stale, extra alternatives, orphans.  The golden Spanish text of
every example is in tests/golden/es/ (``make golden``, then read the diff).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx import Document
from pypdf import PdfReader

from docassemble.MediationAgreement.assembly.assemble import assemble
from docassemble.MediationAgreement.assembly.document import Paragraph, to_plain_text
from docassemble.MediationAgreement.case.model import load_case
from docassemble.MediationAgreement.errors import AssemblyError
from docassemble.MediationAgreement.library.clauses import load_case_library, load_library
from docassemble.MediationAgreement.library.lint import lint_library
from docassemble.MediationAgreement.render.pdf import render_pdf
from docassemble.MediationAgreement.wording.formats import money
from docassemble.MediationAgreement.wording.people import ChildView
from docassemble.MediationAgreement.wording.spanish import ChildrenViewEs, PersonViewEs, clock_es, contract, join_y, words_es

from .conftest import EXAMPLES, ROOT, example_cases, run_cli

NOTICE = "Traducción de cortesía — la versión en inglés es la que se presenta al tribunal"
GOLDEN_ES = ROOT / "tests" / "golden" / "es"
FIXED_TODAY = date(2026, 11, 20)

ENGLISH_WORDS = frozenset(
    "the and with will shall of to is are this that for from each be by or in on any their his her who which when "
    "would should must may than then there these those after before under until within about between parent parents "
    "child children support court agreement schedule week weeks day days".split()
)
"""Words that are English and not Spanish ("a", "no", "he", "son", "has" are both): none may be left in the copy."""


def typed_text(case_file: Path) -> list[str]:
    """Every text the case file itself holds (names, places, a reason typed by the mediator): printed as typed."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and len(value) > 3:
            found.append(value)

    walk(yaml.safe_load(case_file.read_text(encoding="utf-8")))
    return sorted(found, key=len, reverse=True)


def english_left(text: str, case_file: Path) -> list[str]:
    """The English words in ``text`` once the case's own typed text is taken out."""
    for typed in typed_text(case_file):
        text = text.replace(typed, " ")
    text = re.sub(r"\s+", " ", text)
    return sorted({w for w in re.findall(r"[A-Za-z]+", text) if w.casefold() in ENGLISH_WORDS and w != w.upper()})


# --------------------------------------------------------------------------- the grammar helpers


def test_spanish_numbers_dates_money_and_times() -> None:
    assert words_es(60) == "sesenta (60)"
    assert words_es(1) == "un (1)" and words_es(1, "f") == "una (1)"
    assert words_es(21) == "veintiún (21)" and words_es(31, "f") == "treinta y una (31)"
    assert words_es(100) == "cien (100)" and words_es(115) == "ciento quince (115)"
    assert money(612) == "$612.00"
    assert clock_es("18:00") == "6:00 p. m." and clock_es("12:00") == "12:00 del mediodía"
    assert join_y(["Maya", "Isabel"]) == "Maya e Isabel" and join_y(["Ana", "Leo", "Sam"]) == "Ana, Leo y Sam"
    assert contract("La casa de el Padre, a el niño; a él no.") == "La casa del Padre, al niño; a él no."


@pytest.mark.parametrize(
    ("pronouns", "the", "them", "agreed"),
    [
        (("he",), "el niño", "lo", "inscrito"),
        (("she",), "la niña", "la", "inscrita"),
        (("she", "he"), "los niños", "los", "inscritos"),
        (("she", "she"), "las niñas", "las", "inscritas"),
        (("they",), "el niño", "lo", "inscrito"),
    ],
)
def test_the_children_take_article_and_agreement_from_their_pronouns(pronouns: tuple[str, ...], the: str, them: str, agreed: str) -> None:
    kids = ChildrenViewEs(tuple(ChildView(f"N{i}", f"N{i} X", date(2018, 1, 1), p) for i, p in enumerate(pronouns)))
    assert (kids.the, kids.them, kids.agree("inscrito")) == (the, them, agreed)


def test_a_parent_named_by_role_gets_the_spanish_role_and_its_article() -> None:
    assert PersonViewEs("Mother", "Ana Ruiz", "she", "a", "mother").name == "la Madre"
    assert PersonViewEs("Father", "Luis Ruiz", "he", "b", "father").name == "el Padre"
    assert PersonViewEs("Elena", "Elena Ortega", "she", "a", "mother").name == "Elena"
    assert PersonViewEs("Elena", "Elena Ortega", "she", "a", "mother").agree("obligado") == "obligada"


# --------------------------------------------------------------------------- the shipped library


def test_lint_in_spanish_passes_for_the_shipped_library() -> None:
    report = lint_library(language="es")
    assert not report, "\n".join(str(p) for p in report.problems)
    result = run_cli("lint", "--language", "es")
    assert result.code == 0 and result.out.startswith("ok:"), result.out + result.err


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_each_example_has_a_spanish_reading_copy_with_no_english_left(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "es"
    result = run_cli("assemble", path, "--language", "es", "--out", out)
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == ["agreement.docx", "agreement.html", "agreement.pdf"]
    reader = PdfReader(out / "agreement.pdf")
    pages = [page.extract_text() or "" for page in reader.pages]
    assert all(NOTICE in " ".join(page.split()) for page in pages), "the courtesy notice is missing from a page"
    text = " ".join(" ".join(pages).split())
    assert english_left(text, path) == [], f"English left in the Spanish copy of {path.name}"
    assert "Sección" in text or "Caso N.º" in text
    docx = Document(str(out / "agreement.docx"))
    assert NOTICE in " ".join(p.text for p in docx.sections[0].header.paragraphs)
    body = " ".join(p.text for p in docx.paragraphs)
    assert english_left(body, path) == []
    html = (out / "agreement.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in html and NOTICE in html
    case = load_case(path)
    for parent in (case.parent_a, case.parent_b):  # a confidential address reaches no output, in Spanish either
        if parent.address is not None and parent.address.confidential:
            for secret in (parent.address.street, parent.address.postal_code):
                assert secret not in text and secret not in body and secret not in html, f"{path.name}: a confidential address in the Spanish copy"
    english = run_cli("assemble", path, "--format", "pdf", "--out", tmp_path / "en")
    assert english.code == 0 and NOTICE not in (PdfReader(tmp_path / "en" / "agreement.pdf").pages[0].extract_text() or "")


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_the_spanish_copy_matches_its_golden_text(path: Path, request: pytest.FixtureRequest) -> None:
    case = load_case(path)
    doc = assemble(case, load_case_library(None, case.court.state, language="es"), draft=True, today=FIXED_TODAY)
    english = assemble(case, load_case_library(None, case.court.state), draft=True, today=FIXED_TODAY)
    assert [c.number for s in doc.sections for c in s.clauses] == [c.number for s in english.sections for c in s.clauses]
    text = to_plain_text(doc)
    golden = GOLDEN_ES / f"{path.stem}.txt"
    if request.config.getoption("--update-golden"):
        GOLDEN_ES.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no Spanish golden file for {path.name}: run `make golden` and read the diff"
    assert text == golden.read_text(encoding="utf-8"), f"{path.name}'s Spanish copy differs from {golden}; if intended, `make golden` and review the diff"


def test_the_fonts_embed_and_extract_every_spanish_character(tmp_path: Path) -> None:
    case = load_case(EXAMPLES / "joint-two-children.yml")
    doc = assemble(case, load_case_library(None, case.court.state, language="es"), draft=True, today=FIXED_TODAY)
    letters = "ñ Ñ á é í ó ú ü Á É Í Ó Ú Ü ¿Qué? ¡Sí! «comillas»"
    doc = replace(doc, preamble=(Paragraph(letters),))
    pdf = tmp_path / "es.pdf"
    pdf.write_bytes(render_pdf(doc))
    text = " ".join((PdfReader(pdf).pages[0].extract_text() or "").split())
    assert letters in text
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert listing and all(row.split()[-5] == "yes" for row in listing), "every font is embedded"
        assert not any("Type 3" in row for row in listing)


# --------------------------------------------------------------------------- translation files, checked


def _library(tmp_path: Path, translation: str | None, *, version: int = 1) -> Path:
    lib = tmp_path / "lib"
    (lib / "general").mkdir(parents=True)
    (lib / "library.yml").write_text("name: office\n")
    (lib / "general" / "pay.yml").write_text(textwrap.dedent(f"""\
        id: general.pay
        title: Payment
        topic: general
        version: {version}
        default: check
        alternatives:
          check:
            label: By check
            help: Mailed each month.
            text: |
              {{{{ a.name }}}} pays {{{{ 30|words }}}} dollars.
          cash:
            label: In cash
            text: |
              In cash.
        """))
    es = lib / "translations" / "es"
    (es / "general").mkdir(parents=True)
    (es / "library.yml").write_text(f"language: es\ncourtesy_notice: {NOTICE}\nheadings:\n  general: Disposiciones generales\n")
    if translation is not None:
        (es / "general" / "pay.yml").write_text(textwrap.dedent(translation))
    return lib


GOOD = """\
    id: general.pay
    version: 1
    title: Pago
    alternatives:
      check:
        label: Con cheque
        help: Se envía cada mes.
        text: |
          {{ a.name|capfirst }} paga {{ 30|words }} dólares a {{ b.name }}.
      cash:
        label: En efectivo
        text: |
          En efectivo.
    """


def test_a_translated_clause_keeps_the_english_conditions_and_says_it_in_spanish(tmp_path: Path) -> None:
    lib = _library(tmp_path, GOOD)
    library = load_library([lib], language="es")
    clause = library.get("general.pay")
    assert clause.title == "Pago" and clause.default == "check" and clause.alternatives["check"].label == "Con cheque"
    assert clause.text_path.name == "pay.yml" and "translations" in clause.text_path.parts
    assert library.headings["general"] == "Disposiciones generales" and library.courtesy_notice == NOTICE
    assert not library.untranslated


@pytest.mark.parametrize(
    ("translation", "version", "expected"),
    [
        (None, 1, r"lib/general/pay.yml:\d+: clause 'general.pay' has no Spanish text: add .*lib/translations/es/general/pay.yml"),
        (GOOD, 2, r"translations/es/general/pay.yml:2: clause 'general.pay': the Spanish text translates version 1, but the clause is now version 2"),
        (GOOD.replace("      cash:\n        label: En efectivo\n        text: |\n          En efectivo.\n", ""), 1, r"pay.yml:\d+: clause 'general.pay': alternative\(s\) 'cash' have no Spanish text"),
        (GOOD.replace("      cash:", "      wire:"), 1, r"pay.yml:\d+: clause 'general.pay': alternative\(s\) 'cash' have no Spanish text"),
        (GOOD.replace("        help: Se envía cada mes.\n", ""), 1, r"pay.yml:\d+: clause 'general.pay': alternative 'check' has help in English but none in Spanish"),
        (GOOD.replace("{{ b.name }}", "{{ b.nombre }}"), 1, r"translations/es/general/pay.yml:9: clause 'general.pay': alternative 'check' text: .*nombre"),
    ],
    ids=["missing", "stale", "missing-alternative", "renamed-alternative", "missing-help", "bad-name"],
)
def test_lint_in_spanish_names_each_gap_with_its_file_and_line(tmp_path: Path, translation: str | None, version: int, expected: str) -> None:
    lib = _library(tmp_path, translation, version=version)
    case = tmp_path / "case.yml"
    shutil.copy(EXAMPLES / "joint-two-children.yml", case)
    result = run_cli("lint", "--no-default-library", "--library", lib, "--language", "es", "--case", case, "--no-state-overlay")
    assert result.code == 1, result.out + result.err
    assert re.search(expected, result.out + result.err), result.out + result.err
    assert "Traceback" not in result.err


def test_an_agreement_with_a_clause_still_in_english_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    lib = tmp_path / "office"
    (lib / "general").mkdir(parents=True)
    (lib / "library.yml").write_text("name: office\n")
    (lib / "general" / "extra.yml").write_text("id: general.office_extra\ntitle: Office term\ntopic: general\ntext: |\n  The parents agree.\n")
    case = load_case(EXAMPLES / "joint-two-children.yml")
    with pytest.raises(AssemblyError, match=r"general.office_extra.*has no Spanish text"):
        assemble(case, load_case_library([lib], case.court.state, language="es"))
    from docassemble.MediationAgreement.library.clauses import default_library_dir

    out = tmp_path / "out"
    result = run_cli("assemble", EXAMPLES / "joint-two-children.yml", "--library", lib, "--language", "es", "--out", out)
    assert result.code != 0 and "general.office_extra" in result.err and "Traceback" not in result.err
    assert not out.exists() or not any(out.iterdir())
    assert default_library_dir().is_dir()


# --------------------------------------------------------------------------- in review


def test_review_gives_each_draft_a_spanish_copy_and_its_own_redline(tmp_path: Path) -> None:
    from docassemble.MediationAgreement.review import changes_fragment, draft_version, issue_draft, open_case, reading_copy, reading_redline
    from docassemble.MediationAgreement.store import generate_key, open_store

    store = open_store(f"sqlite:///{tmp_path / 'cases.db'}", generate_key())
    case = load_case(EXAMPLES / "joint-two-children.yml")
    opened = open_case(store, case)
    issue_draft(store, opened.case_id)
    travel = case.provisions.travel.model_copy(update={"notice_days_domestic": 10})
    revised = case.model_copy(update={"provisions": case.provisions.model_copy(update={"travel": travel})})
    issue_draft(store, opened.case_id, case=revised)
    copy = reading_copy(store, opened.case_id, 2)
    english = draft_version(store, opened.case_id, 2).document
    assert copy.language == "es" and copy.notice == NOTICE and copy.date_text.endswith(english.date_text[-4:])
    assert [c.number for s in copy.sections for c in s.clauses] == [c.number for s in english.sections for c in s.clauses]
    fragment = changes_fragment(reading_redline(store, opened.case_id, 2), "es")
    assert "Qué cambió desde el borrador 1" in fragment and "1 cláusula cambió" in fragment
    assert "<del>siete </del><ins>diez</ins> (<del>7</del><ins>10</ins>) días" in fragment, fragment
    assert english_left(re.sub(r"<[^>]+>", " ", fragment), EXAMPLES / "joint-two-children.yml") == []
    from docassemble.MediationAgreement.assembly.words import agreement_words
    from docassemble.MediationAgreement.review import SIGNER_ACKNOWLEDGEMENT, consent_text, reading_consent

    assert agreement_words("en")["signer_acknowledgement"] == SIGNER_ACKNOWLEDGEMENT
    consent = reading_consent(store, opened.case_id)
    assert consent is not None and consent.endswith(agreement_words("es")["signer_acknowledgement"])
    assert english_left(consent, EXAMPLES / "joint-two-children.yml") == [] and consent_text(store, opened.case_id).endswith(SIGNER_ACKNOWLEDGEMENT)


# --------------------------------------------------------------------------- the engine's refusals, as a parent reads them


def test_every_refusal_a_parent_can_meet_has_its_spanish_and_english_stays_the_engines() -> None:
    from docassemble.MediationAgreement.wording.parent_messages import CATALOG, for_parent

    catalog = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    assert all(entry.get("es") for entry in catalog["messages"])
    assert for_parent("the comment is empty; nothing was stored", "en") is None
    assert for_parent("the comment is empty; nothing was stored", "es") == "Escriba su comentario."
    assert for_parent("Type your full name exactly as it appears in the agreement: Ana Ruiz", "es", full_name="Ana Ruiz") == (
        "Escriba su nombre completo como aparece en el acuerdo: Ana Ruiz."
    )
    assert for_parent("something the catalogue does not know", "es") == catalog["otherwise"]["es"]
    assert for_parent("the comment is empty", "fr") is None  # a language the catalogue lacks: the engine's words


def test_the_intakes_own_screen_words_are_data_for_every_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The screening's answer choices and the issue screens' labels come from data/sources/intake/screen_words.yml:
    a new language is a block there; one that lacks a key is refused, naming the file, line and key."""
    from docassemble.MediationAgreement.errors import CaseFileError
    from docassemble.MediationAgreement.intake import words

    assert words.screen_words("es")["answers"] == {"yes": "Sí", "no": "No", "prefer_not": "Prefiero no decirlo"}
    assert set(words.screen_words("es")["issue"]) == set(words.screen_words("en")["issue"]) and "contact" not in words.screen_words("en")
    broken = tmp_path / "screen_words.yml"
    broken.write_text(words.WORDS_FILE.read_text(encoding="utf-8").replace('    more: "¿Algo más? (opcional)"\n', ""), encoding="utf-8")
    monkeypatch.setattr(words, "WORDS_FILE", broken)
    words.screen_words.cache_clear()
    try:
        with pytest.raises(CaseFileError) as caught:
            words.screen_words("es")
        assert "issue.more" in caught.value.message and caught.value.path is not None and str(caught.value.path).endswith("screen_words.yml") and caught.value.line
    finally:
        words.screen_words.cache_clear()
