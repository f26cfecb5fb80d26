"""After the agreement: scheduled check-ins with each parent, privately (see :mod:`.checkins`)."""

from __future__ import annotations

from .checkins import DEFAULT_DAYS, CheckIn, CheckinSent, answer_checkin, checkins, followup_lines, followups, open_checkin, questions, schedule_checkins, send_due_checkins

__all__ = [
    "DEFAULT_DAYS",
    "CheckIn",
    "CheckinSent",
    "answer_checkin",
    "checkins",
    "followup_lines",
    "followups",
    "open_checkin",
    "questions",
    "schedule_checkins",
    "send_due_checkins",
]
