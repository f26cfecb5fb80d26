"""A Spanish-speaking parent's intake, from the first screen to the last (docs/translation.md, "Intake").

``parent_intake.yml`` is driven through docassemble's own engine (tests/da_harness.py) for a parent whose
language is es in the intake setup: every screen is a ``language: es`` one (its id ends in " (es)"), no
common English word is left in what it says, each has the quick exit, each reads "fairly easy" or easier
on the Fernández-Huerta scale, and the answers are stored exactly as an English-speaking parent's same
answers are.  The words that come from data (the agreement to mediate, the screening questions, the
issues) are the data files' ``es:`` forms; a missing one is refused, naming its file and key.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("docassemble.base")

from . import da_harness as h  # noqa: E402 - first: it stubs the NLTK download docassemble attempts at import

# isort: split

import yaml  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from docassemble.MediationAgreement.errors import CaseFileError  # noqa: E402
from docassemble.MediationAgreement.intake import (  # noqa: E402
    board_lines,
    instrument,
    intake_record,
    issue_kinds,
    issues_board,
    load_agreement,
    open_intake,
    own_agreement_pdf,
    signed_agreement_pdf,
)
from docassemble.MediationAgreement.store import generate_key, open_store  # noqa: E402

from .conftest import ROOT  # noqa: E402
from .test_parent_intake import INTERVIEW, MARIA_ANSWERS, Intake, answers_for, load_setup, screen_text, setup_server, walk  # noqa: E402
from .test_spanish import ENGLISH_WORDS  # noqa: E402

SOURCES = ROOT / "docassemble/MediationAgreement/data/sources/intake"
NAMES = ("Maricopa County Child Support Mediation Program", "Maria Elena Lopez", "Jordan Ellis", "Maria", "David")
"""What the setup itself holds (the office, the mediator, the parents): printed as typed, in any language."""


class SpanishIntake(Intake):
    """A case opened for intake in a temporary store, Maria's language being es (David's stays English)."""

    def __init__(self, tmp_path: Path) -> None:
        self.key = generate_key()
        self.url = f"sqlite:///{tmp_path / 'cases.db'}"
        self.store = open_store(self.url, self.key)
        setup = load_setup()
        setup = setup.model_copy(update={"parent_a": setup.parent_a.model_copy(update={"language": "es"})})
        self.opened = open_intake(self.store, setup)
        self.case_id = self.opened.case_id


def driver(intake: Intake, party: str, **extra: str) -> h.InterviewDriver:
    return h.InterviewDriver(INTERVIEW, url_args={"case": intake.case_id, "token": intake.token(party), **extra})


def marias_answers() -> dict[str, Any]:
    """Maria's answers (a positive screen), also picking a choice on an issue that has choices; keyed by English id."""
    answers = answers_for("a", positive=True)
    chosen = [e["issue"] for e in MARIA_ANSWERS["issues"]] + ["decision_making"]
    answers["issues"] = {"chosen_issues": chosen}
    english_details = answers["issue details"]

    def details(screen: h.Screen) -> dict[str, Any]:
        if "issue_choice['decision_making']" not in screen.variables:
            return english_details(screen)
        if screen.id.endswith(" (es)"):
            labels = dict(screen.field("issue_choice['decision_making']").choices)
            assert labels == {"joint": "Decidimos juntos", "me": "Yo decido, después de avisarle a David", "other": "David decide, después de avisarme"}
        return {"issue_importance['decision_making']": 2, "issue_choice['decision_making']": "other", "issue_could_accept['decision_making']": "Decidir juntos la escuela"}

    answers["issue details"] = details
    return answers


def in_spanish(answers: dict[str, Any]) -> dict[str, Any]:
    return {f"{screen_id} (es)": given for screen_id, given in answers.items()}


def visible(screen: h.Screen) -> str:
    """What the parent reads on a screen, without markup and without the setup's own names."""
    text = screen_text(screen).replace("no label", " ")  # docassemble's keyword for a field shown without a label
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>|[*_`#]|\$\{[^}]*\}", " ", text)
    for name in NAMES:
        text = text.replace(name, " ")
    return text


def english_left(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH_WORDS}


@pytest.fixture
def walked(tmp_path: Path) -> tuple[SpanishIntake, list[h.Screen], Intake]:
    """Maria walks her intake in Spanish; in another case, an English-speaking Maria gives the same answers."""
    (tmp_path / "es").mkdir()
    (tmp_path / "en").mkdir()
    english = Intake(tmp_path / "en")
    setup_server(english)
    walk(driver(english, "a"), marias_answers())
    spanish = SpanishIntake(tmp_path / "es")
    setup_server(spanish)
    screens: list[h.Screen] = []
    walk(driver(spanish, "a"), in_spanish(marias_answers()), until="done (es)", screens=screens)
    return spanish, screens, english


def test_a_spanish_speaking_parent_does_the_whole_intake_on_spanish_screens(walked: tuple[SpanishIntake, list[h.Screen], Intake]) -> None:
    intake, screens, english = walked
    ids = [s.id for s in screens]
    assert all(i.endswith(" (es)") for i in ids), ids
    assert ids[:4] == ["welcome (es)", "agreement to mediate (es)", "typed signature (es)", "screening intro (es)"]
    assert {"screening same room (es)", "contact (es)", "child (es)", "money (es)", "issues (es)", "issue details (es)", "note to mediator (es)"} <= set(ids)
    assert screens[0].question_text == "Hola, Maria" and screens[-1].question_text == "Gracias, Maria"
    control = next(s for s in screens if s.id == "screening control (es)")
    assert "¿Le preocupa estar en el mismo cuarto que David para la mediación?" in [f.label for f in control.fields]
    assert {label for f in control.fields for _value, label in f.choices} == {"Sí", "No", "Prefiero no decirlo"}
    # The same answers as the English-speaking parent's, stored the same way (keys, values, the screening's result).
    maria = intake_record(intake.store, intake.case_id).parents["a"]
    same = intake_record(english.store, english.case_id).parents["a"]
    assert maria.done and same.done
    assert maria.answers == same.answers and maria.screening == same.screening and maria.result == same.result
    assert maria.result is not None and maria.result.positive
    assert [(e.issue, e.choice) for e in maria.answers.issues if e.choice] == [("decision_making", "other")]  # type: ignore[union-attr]
    # The mediator's board stays in English, with the question as the mediator reads it.
    assert "Do you ever feel afraid of David?" in "\n".join(board_lines(issues_board(intake_record(intake.store, intake.case_id))))


def test_no_english_is_left_on_the_spanish_screens_and_each_has_the_quick_exit(walked: tuple[SpanishIntake, list[h.Screen], Intake]) -> None:
    _, screens, _ = walked
    for screen in screens:
        assert not english_left(visible(screen)), (screen.id, english_left(visible(screen)), visible(screen))
        pre = screen.status.extras.get("pre text") or ""
        assert "Salida rápida" in pre and "location.replace" in pre and "Quick exit" not in pre, screen.id
        titles = {k: v for k, v in screen.status.extras.items() if k in ("title text", "full text", "short title text", "tab title text", "back button label text")}
        assert titles == {"title text": "Antes de su mediación", "full text": "Antes de su mediación", "short title text": "Mediación", "tab title text": "Antes de su mediación", "back button label text": "Atrás"}, screen.id


def test_the_spanish_screens_read_fairly_easy_or_easier(walked: tuple[SpanishIntake, list[h.Screen], Intake]) -> None:
    """Fernández-Huerta (textstat, Spanish syllables): 60-70 is "fairly easy", 70-80 "easy", above 80 "very easy"."""
    textstat = pytest.importorskip("textstat")
    _, screens, _ = walked
    textstat.set_lang("es")
    try:
        scores = {s.id: float(textstat.fernandez_huerta(visible(s))) for s in screens}
        combined = float(textstat.fernandez_huerta("\n".join(visible(s) for s in screens)))
    finally:
        textstat.set_lang("en")
    low = {i: round(score, 1) for i, score in scores.items() if score < 60}
    assert not low, low
    assert combined >= 70, combined


def test_the_signed_agreement_to_mediate_is_the_spanish_text(walked: tuple[SpanishIntake, list[h.Screen], Intake]) -> None:
    """The PDF is rendered from the words the parent read and signed: for a Spanish-speaking parent, the Spanish
    text (the one copy is both the parent's download and the office's record)."""
    intake, screens, _ = walked
    agreement = next(s for s in screens if s.id == "agreement to mediate (es)")
    assert "La mediación es voluntaria." in agreement.subquestion_text and "Taking part" not in agreement.subquestion_text
    assert "acuerdo para mediar (PDF)" in screens[-1].subquestion_text
    mine = own_agreement_pdf(intake.store, intake.case_id, intake.token("a"))
    assert mine == signed_agreement_pdf(intake.store, intake.case_id, "a")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(mine)).pages)
    assert "Acuerdo para mediar" in text and "Usted decide si participa" in text
    assert "Yo, Maria Elena Lopez, leí este acuerdo para mediar." in text and "Taking part is your choice" not in text
    # the PDF's own words too: the signature line, the SHA-256 line and every page's footer
    assert re.search(r"Firma electrónica (escrita|dibujada), \d{1,2} de [a-z]+ de \d{4} a las \d{2}:\d{2} UTC", text), text
    assert "SHA-256 del texto firmado:" in text and "acuerdo para mediar, versión" in text
    assert not any(w in text for w in ("electronic signature", "agreement to mediate", "text signed"))


def test_the_spanish_agreement_to_mediate_covers_every_promised_point() -> None:
    """The same promises as the English (tests/test_parent_intake.py), in Spanish."""
    agreement = load_agreement(office="Test Office", mediator="Jordan Ellis", parent="Maria Elena Lopez", language="es")
    english = load_agreement(office="Test Office", mediator="Jordan Ellis", parent="Maria Elena Lopez")
    text = agreement.text.lower()
    for words in ("voluntaria", "parar en cualquier momento", "privado", "abuso", "amenaza con hacer daño", "neutral", "no es abogado", "asesoría legal", "hablar con un abogado", "electrónica"):
        assert words in text, words
    assert "Maria Elena Lopez" in agreement.statement and agreement.language == "es"
    assert [p.id for p in agreement.points] == [p.id for p in english.points] and agreement.version == english.version
    assert agreement.sha256 != english.sha256 and english.title == "Agreement to mediate"


def test_a_missing_spanish_text_is_refused_naming_the_file_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docassemble.MediationAgreement.intake import issues, screening

    data = yaml.safe_load((SOURCES / "agreement_to_mediate.yml").read_text(encoding="utf-8"))
    del data["points"][2]["es"]
    mine = tmp_path / "office.yml"
    mine.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_agreement(office="O", mediator="M", parent="P", path=mine).points[2].id == "neutral"  # the English is still whole
    with pytest.raises(CaseFileError, match="has no 'es' text") as caught:
        load_agreement(office="O", mediator="M", parent="P", path=mine, language="es")
    assert (caught.value.path, caught.value.field_path) == (str(mine), "points[2].es.heading") and caught.value.line is not None

    data = yaml.safe_load((SOURCES / "issues.yml").read_text(encoding="utf-8"))
    del data["issues"][3]["choices"][1]["es"]
    broken = tmp_path / "issues.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(issues, "_source", lambda: str(broken))
    issue_kinds.cache_clear()
    try:
        assert issue_kinds()[3].choices[1].label == "At the curb outside each home"
        with pytest.raises(CaseFileError, match="has no 'es' label") as caught:
            issue_kinds("es")
        assert (caught.value.path, caught.value.field_path) == (str(broken), "issues[3].choices[1].es.label")
    finally:
        issue_kinds.cache_clear()

    data = yaml.safe_load((SOURCES / "screening.yml").read_text(encoding="utf-8"))
    del data["items"][11]["es"]
    broken = tmp_path / "screening.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(screening, "_path", lambda: broken)
    instrument.cache_clear()
    try:
        with pytest.raises(CaseFileError, match="'afraid' has no 'es' wording") as caught:
            instrument("es")
        assert (caught.value.path, caught.value.field_path) == (str(broken), "items[11].es.ask") and caught.value.line is not None
    finally:
        instrument.cache_clear()


def test_every_screening_question_and_issue_has_its_spanish_form() -> None:
    english, spanish = instrument(), instrument("es")
    assert [(i.id, i.kind, i.source, i.flags, i.only_if, i.screen) for i in english.items] == [(i.id, i.kind, i.source, i.flags, i.only_if, i.screen) for i in spanish.items]
    assert all(i.ask != e.ask and "Form F" not in i.ask for i, e in zip(spanish.items, english.items, strict=True))
    assert spanish.item("hurt").question("David") == "¿Alguna vez David le empujó, le dio empujones, le pegó, le dio patadas o le apretó el cuello?"  # type: ignore[union-attr]
    assert [(k.id, [c.value for c in k.choices]) for k in issue_kinds("es")] == [(k.id, [c.value for c in k.choices]) for k in issue_kinds()]
    assert issue_kinds("es")[5].label == "Manutención de los hijos"  # the glossary's term


def test_refusals_on_the_spanish_screens_are_in_spanish(tmp_path: Path) -> None:
    intake = SpanishIntake(tmp_path)
    setup_server(intake)
    d = driver(intake, "a")
    answers = in_spanish(answers_for("a", positive=False))
    walk(d, answers, until="agreement to mediate (es)")
    with pytest.raises(h.Rejected) as caught:
        d.answer({"agree_to_mediate": False, "sign_method": "typed"})
    assert caught.value.field == "agree_to_mediate" and caught.value.message.startswith("Marque esta casilla para seguir.")
    d.answer({"agree_to_mediate": True, "sign_method": "typed"})
    with pytest.raises(h.Rejected) as caught:
        d.answer({"typed_signature": "Mickey Mouse"})
    assert caught.value.message == "Escriba su nombre completo como aparece en el acuerdo: Maria Elena Lopez."
    walk(d, answers, until="contact (es)")
    with pytest.raises(h.Rejected) as caught:
        d.answer({**answers["contact (es)"], "contact.phone": "abc"})
    assert caught.value.field == "contact.phone" and "código de área" in caught.value.message
    with pytest.raises(h.Rejected) as caught:
        d.answer({**answers["contact (es)"], "contact.street": "1 Main St", "contact.city": "", "contact.state": "", "contact.postal_code": ""})
    assert "toda la dirección" in caught.value.message
    walk(d, answers, until="issues (es)")
    with pytest.raises(h.Rejected) as caught:
        d.answer({"chosen_issues": []})
    assert caught.value.message == "Marque por lo menos un tema."
    messages = d.interview.default_validation_messages["es"]
    assert messages["required"] == "Necesita llenar esto." and "%s" in messages["max"]  # docassemble's own checks, in Spanish


def test_the_language_comes_from_the_setup_or_the_link_and_the_other_parent_stays_in_english(tmp_path: Path) -> None:
    from docassemble.MediationAgreement.case.model import load_case
    from docassemble.MediationAgreement.review import issue_draft

    intake = SpanishIntake(tmp_path)
    setup_server(intake)
    david = driver(intake, "b").screen()
    assert (david.id, david.question_text) == ("welcome", "Hello, David") and "Quick exit" in (david.status.extras.get("pre text") or "")
    asked = driver(intake, "b", lang="es").screen()  # `lang=es` in the link switches an English parent's pages too
    assert (asked.id, asked.question_text) == ("welcome (es)", "Hola, David")
    broken = h.InterviewDriver(INTERVIEW, url_args={"case": intake.case_id, "token": intake.token("a")[:-2] + "xx", "lang": "es"}).screen()
    assert broken.id == "link problem (es)" and "Este enlace no funciona" in broken.subquestion_text
    cut = h.InterviewDriver(INTERVIEW, url_args={"case": intake.case_id, "lang": "es"}).screen()
    assert cut.id == "link problem (es)" and "Este enlace no está completo" in cut.subquestion_text
    assert not english_left(visible(broken)) and not english_left(visible(cut))
    case = load_case(ROOT / "examples/cases/joint-two-children.yml")
    issue_draft(intake.store, intake.case_id, case=case.model_copy(update={"parent_a": case.parent_a.model_copy(update={"language": "es"})}))
    ready = driver(intake, "a").screen()  # the draft's case file says Maria reads Spanish: so does her intake link
    assert ready.id == "draft ready (es)" and "parent_review.yml" in ready.subquestion_text and "lang=es" in ready.subquestion_text
    assert driver(intake, "b").screen().id == "draft ready"
