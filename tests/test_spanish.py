"""Spanish for the parent who reads it (issue 18, first part): that parent's e-mails (a real SMTP server on
127.0.0.1), next-steps sheet (the PDF read back) and referrals are in Spanish, with no English sentence left
in the sheet's own words; the other parent's stay in English; every message exists in every language."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

pytest.importorskip("docassemble.base")

from . import da_harness as h  # noqa: E402, F401 - first: it stubs the NLTK download docassemble attempts at import

# isort: split

from docassemble.MediationAgreement.case.model import load_case  # noqa: E402
from docassemble.MediationAgreement.errors import CaseFileError, CaseValidationError  # noqa: E402
from docassemble.MediationAgreement.followup import build_next_steps, next_steps_html, next_steps_pdf  # noqa: E402
from docassemble.MediationAgreement.intake import open_intake  # noqa: E402
from docassemble.MediationAgreement.notices import send_link  # noqa: E402
from docassemble.MediationAgreement.notices.messages import _wording, compose  # noqa: E402
from docassemble.MediationAgreement.referrals import load_directory  # noqa: E402
from docassemble.MediationAgreement.wording.formats import longdate_es  # noqa: E402

from .conftest import ROOT  # noqa: E402
from .smtp_mailbox import SmtpServer  # noqa: E402
from .test_notices import DAVID, MARIA, Office, link_for, mailer  # noqa: E402
from .test_parent_intake import load_setup  # noqa: E402

MADE = datetime(2026, 12, 4, tzinfo=UTC)
ENGLISH_WORDS = {"the", "and", "you", "your", "will", "with", "this", "that", "for", "from", "pay", "court", "agreement", "if", "is", "are", "to", "of", "help", "please", "when"}
"""Common English words that are not also Spanish ("a" is both): none may stand in the Spanish sheet's own
sentences (names and addresses aside)."""


def spanish(case_file: Path = ROOT / "examples/cases/joint-two-children.yml"):  # type: ignore[no-untyped-def]
    case = load_case(case_file)
    return case.model_copy(update={"parent_a": case.parent_a.model_copy(update={"language": "es"})})


def english_left(text: str, keep: tuple[str, ...]) -> set[str]:
    for name in keep:
        text = text.replace(name, " ")
    text = re.sub(r"\S+@\S+|https?://\S+|\(\d{3}\) \d{3}-\d{4}", " ", text)
    return {w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH_WORDS}


def test_the_spanish_parents_sheet_is_in_spanish_and_the_other_parents_in_english() -> None:
    case = spanish()
    everything = list(load_directory().resources.values())
    sheet = build_next_steps(case, "a", everything, checkin_days=[30, 90], made=MADE)
    assert sheet.language == "es" and sheet.title == "Sus próximos pasos"
    words = "\n".join([sheet.title, sheet.now_heading, *sheet.now, sheet.referrals_heading, sheet.referrals_intro, sheet.private_intro, sheet.help_heading, *sheet.help])
    assert "Daniel James Ortega aceptó pagarle $612.00 al mes de manutención de los hijos, a partir del 1 de diciembre de 2026." in words
    assert "7 días hábiles" in words and "30 días y 90 días" in words and "por correo electrónico a" in words
    names = (case.court.name, case.office.name, case.mediator.organization, case.mediator.full_name, case.parent_a.full_name, case.parent_b.full_name)
    assert not english_left(words, names), english_left(words, names)
    # The referrals' own words, where their files give them: the hotline in Spanish, its number as it is.
    hotline = next(r for r in sheet.private_referrals if "Violencia" in r.name)
    assert ("Horario", "Las 24 horas del día, todos los días") in hotline.lines and ("Idiomas", "inglés y español") in hotline.lines
    pdf = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(next_steps_pdf(sheet))).pages)
    assert "Sus próximos pasos" in pdf and "Lo que pasa ahora" in pdf and "Solo para usted" in pdf
    html = next_steps_html(sheet)
    assert '<html lang="es">' in html and "Si necesita ayuda más adelante" in html
    other = build_next_steps(case, "b", [], made=MADE)
    assert other.language == "en" and "You agreed to pay $612.00 a month" in other.text


def test_spanish_dates_and_a_language_the_model_does_not_know(tmp_path: Path) -> None:
    assert longdate_es("2026-12-01") == "1 de diciembre de 2026" and longdate_es("2027-03-15") == "15 de marzo de 2027"
    text = (ROOT / "examples/cases/joint-two-children.yml").read_text().replace("  full_name: Elena Marisol Ortega\n", "  full_name: Elena Marisol Ortega\n  language: fr\n", 1)
    path = tmp_path / "french-parent.yml"
    path.write_text(text)
    with pytest.raises(CaseValidationError) as caught:
        load_case(path)
    assert any(p.field_path == "parent_a.language" for p in caught.value.problems)


def test_every_message_exists_in_every_language_and_a_missing_one_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    english, spanish_messages = _wording("en")[1], _wording("es")[1]
    assert set(english) == set(spanish_messages)
    message = compose("checkin", office="Oficina", link="https://x.example/l", expires=datetime(2026, 12, 18, tzinfo=UTC), language="es")
    assert message.subject == "Un mensaje de Oficina" and "Funciona hasta el 18 de diciembre de 2026." in message.text
    from docassemble.MediationAgreement.notices import messages

    broken = tmp_path / "notices.yml"
    source = messages._source().read_text(encoding="utf-8")
    broken.write_text(source.replace("    checkin: |\n      Tiene un mensaje", "    checkin_old: |\n      Tiene un mensaje"))
    monkeypatch.setattr(messages, "_source", lambda: broken)
    messages._wording.cache_clear()
    try:
        with pytest.raises(CaseFileError, match="the 'es' messages lack checkin"):
            messages._wording("es")
    finally:
        messages._wording.cache_clear()


def test_a_spanish_speaking_parent_is_emailed_in_spanish(tmp_path: Path, smtp_server: SmtpServer) -> None:
    office = Office(tmp_path, now=datetime(2026, 12, 4, 15, 0, tzinfo=UTC))
    setup = load_setup()
    setup = setup.model_copy(update={"parent_a": setup.parent_a.model_copy(update={"language": "es"})})
    opened = open_intake(office.store, setup, token_days=14)
    for party in ("a", "b"):
        send_link(office.store, opened.case_id, party, mailer=mailer(smtp_server), link_for=link_for)
    (to_maria,) = smtp_server.mailbox.to(MARIA)
    (to_david,) = smtp_server.mailbox.to(DAVID)
    assert to_maria.message["Subject"].startswith("Un mensaje de ") and "Por favor, abra su enlace privado" in to_maria.text
    expires = longdate_es((office.now + timedelta(days=14)).date())
    assert f"Funciona hasta el {expires}." in to_maria.text
    assert to_david.message["Subject"].startswith("A message from ") and "Please open your private link" in to_david.text


def test_a_spanish_speaking_parents_check_in_is_in_spanish_from_the_email_to_the_last_screen(tmp_path: Path, smtp_server: SmtpServer) -> None:
    """Through docassemble's own engine: the e-mail, the screens (docassemble's `language: es` blocks), the questions."""
    from urllib.parse import parse_qs, urlsplit

    from docassemble.MediationAgreement.followup import followups, schedule_checkins, send_due_checkins
    from docassemble.MediationAgreement.notices import SmtpMailer

    from .test_followup import HOW_IT_GOES, Sealed
    from .test_followup import link_for as checkin_link

    def david_reads_spanish(case):  # type: ignore[no-untyped-def]
        return case.model_copy(update={"parent_b": case.parent_b.model_copy(update={"language": "es"})})

    sealed = Sealed(tmp_path, adjust=david_reads_spanish)
    h.setup({"mediation agreement": {"store url": sealed.url, "store key": sealed.key}})
    try:
        schedule_checkins(sealed.store, sealed.case_id, (30,))
        sealed.later(30)
        send_due_checkins(sealed.store, mailer=SmtpMailer(smtp_server.url, "office@example.org"), link_for=checkin_link)
        (message,) = smtp_server.mailbox.received
        assert message.message["Subject"].startswith("Un mensaje de ") and "un breve seguimiento" in message.text
        url = re.search(r"https://\S+", message.text).group(0)  # type: ignore[union-attr]
        query = parse_qs(urlsplit(url).query)
        assert query["lang"] == ["es"]
        driver = h.InterviewDriver("parent_checkin.yml", url_args={"case": query["case"][0], "token": query["token"][0], "lang": "es"})
        screen = driver.screen()
        assert screen.id == "check-in questions in Spanish" and screen.question_text == "¿Cómo van las cosas?"
        labels = [f.label for f in screen.fields]
        assert "¿Está funcionando el horario de crianza?" in labels and "¿Algo más para la oficina? Solo la oficina lo leerá. (opcional)" in labels
        choices = {label for f in screen.fields for _value, label in f.choices}
        assert {"Sí", "En general, sí", "Tarde o en parte", "Una llamada de la oficina"} <= choices
        assert "Salida rápida" in (screen.status.extras.get("pre text") or "")
        driver.answer({**{f"checkin_answers['{k}']": v for k, v in HOW_IT_GOES.items()}, "checkin_note": ""})
        done = driver.screen()
        assert done.id == "check-in done in Spanish" and done.question_text == "Gracias"
        (davids,) = [c for c in followups(sealed.store, sealed.case_id) if c.party == "b"]
        assert davids.answers == HOW_IT_GOES  # the same answer keys, whatever the words
        broken = h.InterviewDriver("parent_checkin.yml", url_args={"case": sealed.case_id, "token": "mat_not-a-token", "lang": "es"})
        problem = broken.screen()
        assert problem.question_text == "No pudimos abrir esta página" and "Este enlace no funciona" in problem.subquestion_text
        english = h.InterviewDriver("parent_checkin.yml", url_args={"case": sealed.case_id, "token": "mat_not-a-token"})
        assert english.screen().question_text == "We could not open this page"
        assert all(score >= 60 for score in _reading_ease(screen, done, problem).values()), _reading_ease(screen, done, problem)
    finally:
        h.setup()


def _reading_ease(*screens: h.Screen) -> dict[str, float]:
    """Fernández-Huerta (textstat's Spanish syllables) of each screen's own words: 60-70 "fairly easy", 70-80 "easy", over 80 "very easy"."""
    textstat = pytest.importorskip("textstat")
    textstat.set_lang("es")
    try:
        return {screen.id: float(textstat.fernandez_huerta(_own_words(screen))) for screen in screens}
    finally:
        textstat.set_lang("en")


def _own_words(screen: h.Screen) -> str:
    """What a review screen says in its own words: the question, the text around the agreement, the field labels."""
    text = re.sub(r'<div class="(mediation-agreement-[a-z]+|signing-consent)".*?</div>\s*(</details>)?', " ", screen.subquestion_text, flags=re.DOTALL)
    text = re.sub(r"<details.*?</details>", " ", text, flags=re.DOTALL)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    labels = " ".join(f.label for f in screen.fields if getattr(f, "label", None))
    return re.sub(r"<[^>]+>|[*_`#]", " ", f"{screen.question_text}. {text} {labels}")


def test_a_spanish_speaking_parent_reviews_and_signs_on_spanish_screens(tmp_path: Path) -> None:
    """parent_review.yml through docassemble's engine for a parent whose language is es: every screen the
    parent passes is a Spanish one (parent_review_es.yml), the answers and the signature are recorded as in English."""
    from docassemble.MediationAgreement.review import approve, case_state, issue_draft, open_case
    from docassemble.MediationAgreement.store import generate_key, open_store

    key = generate_key()
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    store = open_store(url, key)
    case = load_case(ROOT / "examples/cases/joint-two-children.yml")
    case = case.model_copy(update={"parent_b": case.parent_b.model_copy(update={"language": "es"})})
    opened = open_case(store, case)
    issue_draft(store, opened.case_id)
    approve(store, opened.case_id, opened.tokens["a"].token, draft=1)
    h.setup({"mediation agreement": {"store url": url, "store key": key}})
    try:
        driver = h.InterviewDriver("parent_review.yml", url_args={"case": opened.case_id, "token": opened.tokens["b"].token})
        answers = {
            "welcome (es)": {},
            "read the draft (es)": {},
            "any comments (es)": {"parent_comments.there_are_any": True},
            "comment (es)": {"parent_comments[0].section": "5.1", "parent_comments[0].text": "¿Podemos cambiar la hora?", "parent_comments[0].private": False},
            "another comment (es)": {"parent_comments.there_is_another": False},
            "decision (es)": {"decision": "approve"},
            "sign intent (es)": {"sign_intent": True, "sign_method": "typed"},
            "typed signature (es)": {"typed_signature": "Daniel James Ortega"},
        }
        seen = []
        shown: dict[str, h.Screen] = {}
        for _ in range(12):
            screen = driver.screen()
            seen.append((screen.id, screen.question_text))
            shown[screen.id] = screen
            if screen.id in ("signed (es)", "signed"):
                break
            if screen.id == "read the draft (es)":  # the Spanish reading copy, then the English draft that is signed
                text = screen.subquestion_text
                assert "Traducción de cortesía" in text and "Manutención de los hijos" in text, text[:2000]
                assert text.index("Traducción de cortesía") < text.index("El borrador en inglés (el que se firma)") < text.index("Reached in mediation")
                assert "Descargar la traducción en PDF" in text
            if screen.id == "comment (es)":  # the parts titled in Spanish; the engine's refusal in Spanish too
                assert {"value": "5.1", "label": "5.1 Calendario de días festivos y vacaciones escolares"} in [
                    {"value": v, "label": label} for v, label in next(f for f in screen.fields if f.variable == "parent_comments[0].section").choices
                ]
                with pytest.raises(h.Rejected) as refused:
                    driver.answer({**answers[screen.id], "parent_comments[0].text": " "})
                assert refused.value.message == "Escriba su comentario.", refused.value.message
                screen = driver.screen()
            if screen.id == "sign intent (es)":  # the English consent the signer agrees to, and its Spanish beside it
                text = screen.subquestion_text
                assert "I have read the whole agreement" in text and "Traducción de cortesía:" in text and "Leí todo el acuerdo" in text
            driver.answer(answers[screen.id])
        assert [i for i, _q in seen] == [*answers, "signed (es)"], seen
        # Each screen's own words (not the agreement or the consent, which are legal text) read "fairly easy" or easier.
        scores = _reading_ease(*shown.values())
        assert not {i: round(v, 1) for i, v in scores.items() if v < 60}, scores
        assert seen[0][1] == "Hola, Daniel" and seen[-1][1] == "Usted firmó el acuerdo"
        state = case_state(store, opened.case_id)
        assert "b" in state.signatures and "b" in state.approved_by
        english = h.InterviewDriver("parent_review.yml", url_args={"case": opened.case_id, "token": opened.tokens["a"].token})
        assert english.screen().question_text.startswith("Hello,")  # the other parent's pages stay in English
        chosen = h.InterviewDriver("parent_review.yml", url_args={"case": opened.case_id, "token": opened.tokens["a"].token, "lang": "es"})
        assert chosen.screen().question_text.startswith("Hola,")  # ...unless that parent's link asks for Spanish (?lang=es)
    finally:
        h.setup()
