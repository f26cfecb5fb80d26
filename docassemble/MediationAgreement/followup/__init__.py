"""After the agreement: scheduled check-ins with each parent, privately (:mod:`.checkins`); each parent's next-steps
sheet (:mod:`.next_steps`); filing as the office records it (:mod:`.filing`); a case's life in one list (:mod:`.timeline`)."""

from __future__ import annotations

from .checkins import (
    DEFAULT_DAYS,
    CheckIn,
    CheckinRun,
    CheckinSent,
    answer_checkin,
    checkin_language,
    checkins,
    followup_lines,
    followups,
    hand_out_checkin,
    open_checkin,
    questions,
    schedule_checkins,
    send_due_checkins,
)
from .filing import Filing, filing_in, record_filing
from .next_steps import NextSteps, build_next_steps, my_next_steps, next_steps_for, next_steps_html, next_steps_pdf
from .timeline import Moment, amendments_of, timeline

__all__ = [
    "DEFAULT_DAYS",
    "Filing",
    "Moment",
    "NextSteps",
    "amendments_of",
    "build_next_steps",
    "filing_in",
    "my_next_steps",
    "next_steps_for",
    "next_steps_html",
    "next_steps_pdf",
    "record_filing",
    "CheckIn",
    "CheckinRun",
    "CheckinSent",
    "answer_checkin",
    "checkin_language",
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
