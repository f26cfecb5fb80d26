"""Parenting time: who has the children at every moment, each night, each year, and the schedule in words.

Rooms: :mod:`.compute` (the four layers resolved into one timeline and the
overnight figures), :mod:`.timeline`, :mod:`.periods`, :mod:`.regular`,
:mod:`.overlays`, :mod:`.holidays` (holiday dates by rule), :mod:`.checks`
(conflicts and gaps), and the wording: :mod:`.text` (the summary clause text
reads), :mod:`.words`, :mod:`.pattern_text`, :mod:`.holiday_text`.  The
schedule as data is :mod:`..case.schedule`; the calendar PDF and ``.ics`` are
renderers (:mod:`..render.calendar`).
"""

from __future__ import annotations

from .compute import OvernightFigures, compute_case, compute_nights, compute_year, default_year, overnight_figures
from .text import ScheduleSummary, summarize_schedule

__all__ = [
    "OvernightFigures",
    "ScheduleSummary",
    "compute_case",
    "compute_nights",
    "compute_year",
    "default_year",
    "overnight_figures",
    "summarize_schedule",
]
