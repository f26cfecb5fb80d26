"""A parent's intake (``parent_intake.yml``): the agreement to mediate, the private screening, their facts.

Every step is the intake engine's (:mod:`..intake`); a refusal comes back as
the engine's message on the screen's field.  Office staff who open a parent's
link see the screens read-only and nothing is recorded as the parent's
(:func:`.parent.staff_session`).

Language: a parent whose language is ``es`` (the intake setup's ``language``,
or ``lang=es`` in their link) gets ``parent_intake_es.yml``'s screens, and what
this module words for them (the screening's and the issues' questions and
choices, the agreement to mediate, the refusals) in Spanish: :func:`intake_language`
decides, and ``ParentView.language`` carries it.  The engine's own messages are
English; a Spanish-speaking parent is shown a Spanish sentence for each one a
parent can meet (``data/sources/parent_messages.yml``, :func:`..wording.parent_messages.for_parent`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docassemble.base.util import DAFile, validation_error

from ..case.fields import in_words
from ..errors import CaseValidationError, MediationError
from .answers import ticked
from .checkin import INCOMPLETE, NOT_OPENED_ES
from .mail import parent_link
from .parent import STAFF_REFUSAL, _link_args, client_info, page_language, staff_session
from .server import plain, review_store, server_settings

QUICK_EXIT_URL = "https://www.weather.gov/"
"""Where the quick-exit button goes (a neutral page); ``mediation agreement: quick exit url`` changes it."""


@dataclass(frozen=True)
class IntakeStatus:
    """Where a parent's intake link stands: ``problem`` (with the reason in plain words), ``open``,
    or ``review`` (the mediator has written a draft: the same link now opens it, at ``review_url``)."""

    stage: str
    problem: str = ""
    review_url: str = ""


LANGUAGES = ("en", "es")


def intake_language(url_args: Mapping[str, Any]) -> str:
    """The language of this parent's intake pages: ``lang=`` in the link when it names one we have, else the
    parent's own (the intake setup's ``language``; :func:`.parent.page_language`), else English."""
    asked = str(url_args.get("lang") or "").strip().lower()
    return asked if asked in LANGUAGES else page_language(url_args)


def quick_exit_url() -> str:
    return str(server_settings().get("quick exit url") or QUICK_EXIT_URL)


def _agreement_path() -> str | None:
    named = server_settings().get("agreement to mediate")
    return str(named) if named else None


def intake_link_status(url_args: Mapping[str, Any], language: str = "en") -> IntakeStatus:
    """Whether the link opens an intake (never raises: a bad link's reason is in ``problem``, in ``language``)."""
    from ..intake import intake_for_token
    from ..notices.delivery import with_language

    case_id, token = _link_args(url_args)
    if not case_id or not token:
        return IntakeStatus("problem", INCOMPLETE["es" if language == "es" else "en"])
    from ..review import link_status

    try:
        if link_status(review_store(), case_id, token).stage in ("review", "signed", "final"):
            return IntakeStatus("review", review_url=with_language(parent_link(case_id, token, "review"), language if language in LANGUAGES else "en"))
        intake_for_token(review_store(), case_id, token)
    except MediationError as exc:
        return IntakeStatus("problem", NOT_OPENED_ES if language == "es" else plain(exc.message) + (f" ({exc.hint})" if exc.hint else ""))
    return IntakeStatus("open")


def open_intake_link(url_args: Mapping[str, Any], language: str | None = None) -> Any:
    """The parent's own view (``intake.ParentView``), in ``language`` (default: the parent's own); marked as a
    staff preview for signed-in staff."""
    from ..intake import intake_for_token

    case_id, token = _link_args(url_args)
    view = intake_for_token(review_store(), case_id, token)
    return replace(view, staff_preview=staff_session(), language=language if language in LANGUAGES else view.language)


def _token(url_args: Mapping[str, Any]) -> str:
    return _link_args(url_args)[1]


def agreement_to_mediate(view: Any) -> Any:
    """The agreement to mediate this parent reads (the office's wording if configured), in their language."""
    from ..intake import agreement_for

    return agreement_for(view, path=_agreement_path(), language=view.language)


def agreement_points(view: Any) -> list[tuple[str, str]]:
    return [(p.heading, p.text) for p in agreement_to_mediate(view).points]


def _refuse_staff(view: Any, field: str | None) -> None:
    if view.staff_preview or staff_session():
        validation_error(STAFF_REFUSAL, field=field)


def post_agreement(view: Any, url_args: Mapping[str, Any], *, method: str, intent: bool, image: Any = None, typed_name: str | None = None, field: str | None = None) -> bool:
    """``validation code``: sign the agreement to mediate; a refusal is shown on the signature field."""
    from ..intake import agree_to_mediate
    from ..signing.signatures import capture_signature

    _refuse_staff(view, field)
    try:
        agreement = agreement_to_mediate(view)
        png = Path(image.path()).read_bytes() if image is not None else None
        capture = capture_signature(
            view.party, method=method, image_png=png, typed_name=typed_name, intent_confirmed=intent is True, consent_text=agreement.text, intent_statement=agreement.statement
        )
        agree_to_mediate(review_store(), view.case_id, _token(url_args), capture, agreement_path=_agreement_path(), client=client_info(), language=view.language)
    except MediationError as exc:
        validation_error(_refusal(exc, view), field=field)
    return True


def _refusal(exc: MediationError, view: Any) -> str:
    """The engine's refusal as the parent reads it: its own words in English, the catalogue's in their language."""
    from ..wording.parent_messages import for_parent

    return for_parent(exc.message, getattr(view, "language", "en"), full_name=getattr(view, "full_name", "")) or plain(exc.message)


def answer_choices(language: str) -> list[dict[str, str]]:
    """The screening's yes / no / rather-not-say choices in ``language`` (``data/sources/intake/screen_words.yml``).

    In ``fields: code:`` a choice is ``{"value": …, "label": …}`` (a ``{value: label}`` mapping there would post the label)."""
    from ..intake.words import screen_words

    return [{"value": value, "label": label} for value, label in screen_words(language)["answers"].items()]


def screening_fields(view: Any, screen: str) -> list[dict[str, Any]]:
    """The fields of one screening screen (``fields: code:``): each question naming the other parent.

    Answers go to ``screening_answers[id]`` (yes/no) and ``screening_texts[id]``
    (written, optional).  Follow-ups have a screen of their own, asked only
    after their question is answered yes (``parent_intake.yml``).
    """
    from ..intake import instrument

    out: list[dict[str, Any]] = []
    for item in instrument(view.language).items:
        if item.screen != screen:
            continue
        if item.kind == "yes_no":
            entry: dict[str, Any] = {"label": item.question(view.other), "field": f"screening_answers['{item.id}']", "datatype": "radio", "choices": answer_choices(view.language)}
        else:
            entry = {"label": item.question(view.other), "field": f"screening_texts['{item.id}']", "datatype": "area", "rows": 3, "required": False}
        out.append(entry)
    return out


def post_screening(view: Any, url_args: Mapping[str, Any], answers: Mapping[str, Any], texts: Mapping[str, Any], *, support_person: bool, field: str | None = None) -> bool:
    """``validation code``: record the private screening (once)."""
    from ..intake import ScreeningAnswers, submit_screening

    _refuse_staff(view, field)
    given = ScreeningAnswers(
        answers={str(k): str(v) for k, v in answers.items() if v in ("yes", "no", "prefer_not")},  # type: ignore[misc]
        texts={str(k): str(v).strip() for k, v in texts.items() if isinstance(v, str) and v.strip()},
        wants_support_person=bool(support_person),
    )
    try:
        submit_screening(review_store(), view.case_id, _token(url_args), given)
    except MediationError as exc:
        validation_error(_refusal(exc, view), field=field)
    return True


def issue_choices(language: str = "en") -> list[dict[str, str]]:
    from ..intake import issue_kinds

    return [{kind.id: kind.label} for kind in issue_kinds(language)]


def issue_fields(view: Any, issue_id: str) -> list[dict[str, Any]]:
    """The rest of an issue's screen (``fields: code:``): its choices, if it has any, then the parent's own words."""
    from ..intake import issue_kind
    from ..intake.words import screen_words

    kind = issue_kind(issue_id, view.language)
    words = screen_words(view.language)["issue"]
    key = repr(str(issue_id))
    out: list[dict[str, Any]] = []
    if kind is not None and kind.choices:
        choices = [{"value": c.value, "label": c.label.replace("the other parent", view.other).replace("The other parent", view.other).replace("{other}", view.other)} for c in kind.choices]
        out.append({"label": words["choice"], "field": f"issue_choice[{key}]", "datatype": "radio", "choices": choices, "required": False})
    out += [
        {"label": words["proposal"] if not out else words["more"], "field": f"issue_proposal[{key}]", "datatype": "area", "rows": 3, "required": False},
        {"label": words["for_children"], "field": f"issue_for_children[{key}]", "datatype": "area", "rows": 2, "required": False},
        {"label": words["could_accept"], "field": f"issue_could_accept[{key}]", "datatype": "area", "rows": 2, "required": False},
    ]
    return out


def issue_details(choice: Mapping[str, Any], proposal: Mapping[str, Any], for_children: Mapping[str, Any], could_accept: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each issue's answers besides how much it matters: issue id -> {choice, proposal, for_children, could_accept}."""
    out: dict[str, dict[str, Any]] = {}
    for name, answers in (("choice", choice), ("proposal", proposal), ("for_children", for_children), ("could_accept", could_accept)):
        for issue, value in answers.items():
            if isinstance(value, str) and value.strip() and value.strip() != "None":
                out.setdefault(str(issue), {})[name] = value.strip()
    return out


def issue_words(issue_id: str, language: str = "en") -> str:
    from ..intake import issue_label

    return issue_label(issue_id, language)


def post_intake(view: Any, url_args: Mapping[str, Any], data: Mapping[str, Any], *, field: str | None = None) -> bool:
    """``validation code``: record the parent's facts, issues and proposals; each problem is shown on its field."""
    from ..intake import IntakeAnswers, parse_answers, submit_intake

    _refuse_staff(view, field)
    try:
        answers = parse_answers(IntakeAnswers, dict(data), source="your answers")
        submit_intake(review_store(), view.case_id, _token(url_args), answers)
    except CaseValidationError as exc:
        first = exc.problems[0]
        if view.language == "es":
            part = ES_ANSWER_PARTS.get((first.field_path or "").split(".")[0].split("[")[0], "sus respuestas")
            validation_error(f"No pudimos guardar {part}. Revise lo que escribió (por ejemplo, un texto muy largo) e intente otra vez.", field=field)
        validation_error(plain(f"{first.field_path}: {first.message}" if first.field_path else first.message), field=field)
    except MediationError as exc:
        validation_error(_refusal(exc, view), field=field)
    return True


ES_ANSWER_PARTS = {
    "contact": "sus datos de contacto",
    "children": "los datos de los niños",
    "money": "los datos de dinero",
    "current_arrangements": "cómo funcionan las cosas ahora",
    "issues": "los temas que eligió",
    "note_to_mediator": "su nota al mediador",
}
"""Where a refused answer is, in Spanish (by the intake model's top-level field)."""


def agreement_pdf_file(view: Any, url_args: Mapping[str, Any]) -> DAFile:
    """The parent's signed agreement to mediate, to download."""
    from ..intake import own_agreement_pdf

    pdf = own_agreement_pdf(review_store(), view.case_id, _token(url_args))
    the_file = DAFile("agreement_pdf")
    the_file.initialize(filename="acuerdo-para-mediar.pdf" if view.language == "es" else "agreement-to-mediate.pdf")
    the_file.write(pdf, binary=True)
    the_file.commit()
    return the_file


def own_progress(url_args: Mapping[str, Any]) -> Any:
    """The parent's steps as the log has them now (so a step done in another tab is not asked again)."""
    from ..intake import intake_for_token

    case_id, token = _link_args(url_args)
    return intake_for_token(review_store(), case_id, token).own


# --------------------------------------------------------------------------- the parent's facts, as intake data

CONTACT_FIELDS = {"email": "contact.email", "phone": "contact.phone", "address": "contact.street"}


def _given(obj: Any, name: str) -> Any:
    """An answer from the screen, or None when left empty (or never asked)."""
    value = getattr(obj, name, None) if obj is not None else None
    if isinstance(value, str):
        value = value.strip()
    return None if value in ("", None) else value


def contact_data(contact: Any) -> dict[str, Any]:
    """The contact screen's answers as the intake model's ``contact`` part."""
    data: dict[str, Any] = {
        "email": _given(contact, "email"),
        "phone": _given(contact, "phone"),
        "share_email": bool(_given(contact, "share_email")),
        "share_phone": bool(_given(contact, "share_phone")),
        "share_address": bool(_given(contact, "share_address")),
        "safe_to_email": bool(_given(contact, "safe_to_email")),
    }
    parts = {k: _given(contact, k) for k in ("street", "city", "state", "postal_code")}
    if any(parts.values()):
        data["address"] = {k: (str(v).upper() if k == "state" and v else v) for k, v in parts.items()}
    return {k: v for k, v in data.items() if v is not None}


def check_contact(contact: Any, language: str = "en") -> bool:
    """``validation code``: check the contact screen now (a bad phone number is shown on the phone field)."""
    from ..intake import ContactFacts, parse_answers
    from ..intake.words import screen_words

    plain_words = screen_words(language).get("contact")  # a language's own refusals; else the engine's
    try:
        parse_answers(ContactFacts, contact_data(contact), source="contact")
    except CaseValidationError as exc:
        first = exc.problems[0]
        top = (first.field_path or "").split(".")[0].split("[")[0]
        if top == "address":
            message = _address_message(first.field_path or "", contact)
            if plain_words:
                part = (first.field_path or "").split(".")[-1]
                message = plain_words[part] if part in ("postal_code", "state") and _given(contact, part) else plain_words["address"]
            validation_error(message, field=_address_field(first.field_path or ""))
        if plain_words:
            validation_error(plain_words.get(top, plain_words["email"]), field=CONTACT_FIELDS.get(top, "contact.email"))
        validation_error(plain(in_words(first.message)), field=CONTACT_FIELDS.get(top, "contact.email"))
    return True


def _address_field(path: str) -> str:
    part = path.split(".")[-1]
    return {"postal_code": "contact.postal_code", "state": "contact.state", "city": "contact.city"}.get(part, "contact.street")


def _address_message(path: str, contact: Any) -> str:
    part = path.split(".")[-1]
    if part == "postal_code" and _given(contact, "postal_code"):
        return "A ZIP code has 5 digits, like 85201."
    if part == "state" and _given(contact, "state"):
        return "Give the state as 2 letters, like AZ."
    return "Give the street, city, state and ZIP code, or leave the whole address out."


def intake_answers_data(
    contact: Any, children: Any, money: Any, arrangements: Any, chosen: Any, importance: Mapping[str, Any], details: Mapping[str, Mapping[str, Any]], note: Any
) -> dict[str, Any]:
    """Every intake screen's answers as one ``IntakeAnswers`` mapping (the engine validates it)."""
    issues = [{"issue": str(issue), "priority": int(importance[issue]), **details.get(str(issue), {})} for issue in ticked(chosen)]
    data: dict[str, Any] = {
        "contact": contact_data(contact),
        "children": [{"full_name": c.full_name, "date_of_birth": _iso(c.date_of_birth), "lives_with": c.lives_with} for c in children],
        "money": {k: v for k in ("monthly_gross_income", "health_insurance_premium", "child_care_monthly") if (v := _given(money, k)) is not None},
        "issues": issues,
    }
    if isinstance(arrangements, str) and arrangements.strip():
        data["current_arrangements"] = arrangements.strip()
    if isinstance(note, str) and note.strip():
        data["note_to_mediator"] = note.strip()
    return data


def _iso(value: Any) -> str:
    if isinstance(value, datetime):  # docassemble's DADate
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, date) else str(value)
