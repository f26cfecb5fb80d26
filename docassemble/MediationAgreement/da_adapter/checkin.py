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


def checkin_status(url_args: Mapping[str, Any]) -> CheckinStatus:
    from ..followup import open_checkin

    case_id, token = _link_args(url_args)
    if not case_id or not token:
        return CheckinStatus("problem", problem="This link is not complete. Please use the whole link from your message.")
    try:
        waiting = open_checkin(review_store(), case_id, token)
    except MediationError as exc:
        return CheckinStatus("problem", problem=plain(exc.message) + (f" ({exc.hint})" if exc.hint else ""))
    return CheckinStatus("open", waiting.number) if waiting is not None else CheckinStatus("done")


def checkin_fields() -> list[dict[str, Any]]:
    """One radio per question (``fields: code:``), then the optional private note."""
    from ..followup import questions

    out: list[dict[str, Any]] = [
        {"label": q.ask, "field": f"checkin_answers[{q.id!r}]", "datatype": "radio", "choices": [{"value": k, "label": v} for k, v in q.answers.items()]}
        for q in questions()
    ]
    out.append({"label": "Anything else for the office? Only the office will read it. (optional)", "field": "checkin_note", "datatype": "area", "rows": 3, "required": False})
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
