"""After the agreement: scheduled check-ins with each parent, privately (:mod:`.checkins`); a case's life in one list (:mod:`.timeline`)."""

from __future__ import annotations

from .checkins import (
    DEFAULT_DAYS,
    CheckIn,
    CheckinRun,
    CheckinSent,
    answer_checkin,
    checkins,
    followup_lines,
    followups,
    hand_out_checkin,
    open_checkin,
    questions,
    schedule_checkins,
    send_due_checkins,
)
from .timeline import Moment, timeline

__all__ = [
    "DEFAULT_DAYS",
    "Moment",
    "CheckIn",
    "CheckinRun",
    "CheckinSent",
    "answer_checkin",
    "checkins",
    "followup_lines",
    "followups",
    "hand_out_checkin",
    "open_checkin",
    "questions",
    "schedule_checkins",
    "send_due_checkins",
    "timeline",
]
