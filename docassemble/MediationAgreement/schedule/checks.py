"""Checks on a case's schedule that need the case itself.

Every date in the schedule lies near the agreement date, the children named in
rules exist, and Mother's and Father's Day have a parent.  The computation
itself checks wall times and splits.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..case.schedule import HolidayName
from ..errors import ScheduleError
from .overlays import rule_children
from .timeline import ROOT, child_infos

if TYPE_CHECKING:
    from ..case.model import Case


ANCHOR_MAX_PAST = timedelta(days=2 * 365 + 1)
"""An anchor (or any schedule date) more than about two years before the agreement date is refused."""

ANCHOR_MAX_FUTURE = timedelta(days=5 * 365 + 2)
"""An anchor (or any schedule date) more than about five years after the agreement date is refused."""


def schedule_reference_date(case: Case) -> date:
    """The date schedule dates are judged against: the agreement date, else today."""
    return case.agreement_date or date.today()


def check_case_schedule(case: Case, reference: date | None = None) -> None:
    """Refuse a schedule that cannot be what the parents meant; raise :class:`ScheduleError` naming the field.

    Checks: every date in the schedule (anchors, school years, summer blocks,
    one-off changes) lies between two years before and five years after the
    reference date (the agreement date); child names in rules exist; Mother's and
    Father's Day have a parent.  The computation itself checks wall times and splits.
    """
    ref = reference or schedule_reference_date(case)
    low, high = ref - ANCHOR_MAX_PAST, ref + ANCHOR_MAX_FUTURE
    s = case.parenting_time

    def within(value: date, field_path: str, what: str) -> None:
        if value < low:
            raise ScheduleError(f"{what} {value} is more than two years before the agreement date {ref}", field_path=field_path, hint="check the year")
        if value > high:
            raise ScheduleError(f"{what} {value} is more than five years after the agreement date {ref}", field_path=field_path, hint="check the year")

    within(s.pattern.anchor, f"{ROOT}.pattern.anchor", "anchor")
    for i, cp in enumerate(s.child_patterns):
        within(cp.pattern.anchor, f"{ROOT}.child_patterns[{i}].pattern.anchor", "anchor")
    for i, sy in enumerate(s.school_years):
        within(sy.first_day, f"{ROOT}.school_years[{i}].first_day", "first day of school")
    for i, block in enumerate(s.summer.blocks):
        within(block.start, f"{ROOT}.summer.blocks[{i}].start", "summer block start")
    for i, change in enumerate(s.one_off_changes):
        within(change.start, f"{ROOT}.one_off_changes[{i}].start", "one-off change start")
    kids = child_infos(case.children)
    for i, cp in enumerate(s.child_patterns):
        rule_children([cp.child], kids, f"{ROOT}.child_patterns[{i}].child")
    for i, rule in enumerate(s.holidays):
        rule_children(rule.children, kids, f"{ROOT}.holidays[{i}].children")
        if rule.assignment == "fixed" and rule.parent is None:
            role = "mother" if rule.holiday is HolidayName.MOTHERS_DAY else "father"
            if [str(case.parent_a.role), str(case.parent_b.role)].count(role) != 1:
                raise ScheduleError(f"holiday '{rule.holiday.value}' is assigned to nobody: no single parent has role '{role}'; set parent", field_path=f"{ROOT}.holidays[{i}].parent")
    for i, change in enumerate(s.one_off_changes):
        rule_children(change.children, kids, f"{ROOT}.one_off_changes[{i}].children")


__all__ = [
    "ANCHOR_MAX_FUTURE",
    "ANCHOR_MAX_PAST",
    "check_case_schedule",
    "schedule_reference_date",
]
