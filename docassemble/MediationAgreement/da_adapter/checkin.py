"""A parent's check-in after the agreement (``parent_checkin.yml``): a few private questions.

The engine (:mod:`..followup`) decides which check-in the link answers and
records the answers (once, for the mediator only); a refusal comes back on
the screen's field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docassemble.base.util import validation_error

from ..errors import CaseValidationError, MediationError
from .parent import STAFF_REFUSAL, _link_args, staff_session
from .server import plain, review_store


@dataclass(frozen=True)
class CheckinStatus:
    """``open`` (check-in ``number`` waits for answers), ``done`` (nothing to answer now) or ``problem``."""

    stage: str
    number: int = 0
    problem: str = ""
    language: str = "en"


INCOMPLETE = {
    "en": "This link is not complete. Please use the whole link from your message.",
    "es": "Este enlace no está completo. Por favor, use el enlace completo de su mensaje.",
}
NOT_OPENED_ES = "Este enlace no funciona: puede que haya vencido o que ya no sea válido."
NOTE_LABEL = {
    "en": "Anything else for the office? Only the office will read it. (optional)",
    "es": "¿Algo más para la oficina? Solo la oficina lo leerá. (opcional)",
}


def checkin_status(url_args: Mapping[str, Any]) -> CheckinStatus:
    """Which check-in the link answers, in the parent's language (``lang=es`` in the link says it when the link fails)."""
    from ..followup import checkin_language, open_checkin

    asked = str(url_args.get("lang") or "en")
    asked = asked if asked in NOTE_LABEL else "en"
    case_id, token = _link_args(url_args)
    if not case_id or not token:
        return CheckinStatus("problem", problem=INCOMPLETE[asked], language=asked)
    try:
        waiting = open_checkin(review_store(), case_id, token)
        language = checkin_language(review_store(), case_id, token)
    except MediationError as exc:
        detail = plain(exc.message) + (f" ({exc.hint})" if exc.hint else "")
        return CheckinStatus("problem", problem=NOT_OPENED_ES if asked == "es" else detail, language=asked)
    return CheckinStatus("open", waiting.number, language=language) if waiting is not None else CheckinStatus("done", language=language)


def checkin_fields(language: str = "en") -> list[dict[str, Any]]:
    """One radio per question (``fields: code:``), then the optional private note, in the parent's language."""
    from ..followup import questions

    language = language if language in NOTE_LABEL else "en"
    out: list[dict[str, Any]] = [
        {"label": q.ask, "field": f"checkin_answers[{q.id!r}]", "datatype": "radio", "choices": [{"value": k, "label": v} for k, v in q.answers.items()]}
        for q in questions(language)
    ]
    out.append({"label": NOTE_LABEL[language], "field": "checkin_note", "datatype": "area", "rows": 3, "required": False})
    return out


def post_checkin(url_args: Mapping[str, Any], number: int, answers: Mapping[str, Any], note: Any, *, field: str | None = None) -> bool:
    """``validation code``: record the answers (once)."""
    from ..followup import answer_checkin

    if staff_session():
        validation_error(STAFF_REFUSAL, field=field)
    case_id, token = _link_args(url_args)
    try:
        answer_checkin(review_store(), case_id, token, number, {str(k): str(v) for k, v in answers.items()}, note if isinstance(note, str) else None)
    except CaseValidationError as exc:
        validation_error(plain(exc.problems[0].message), field=field)
    except MediationError as exc:
        validation_error(plain(exc.message), field=field)
    return True
