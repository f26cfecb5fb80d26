"""The holiday screens of the mediator's interview: a list to tick, who has each, and only the exceptions by hand.

The engine (:mod:`..schedule.holiday_picks`) owns the list, the usual windows
and the ways of sharing; this module turns them into docassemble fields and
puts each pick into ``case.parenting_time.holidays`` as the same answers the
one-holiday screen would have given, so everything downstream (validation,
the review screen, the case file) is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docassemble.base.util import DAObject

from ..case.schedule import HolidayName
from ..schedule.holiday_picks import (
    SPLITTABLE,
    default_sharing,
    needs_details,
    offered_holidays,
    sharing_codes,
    sharing_of,
    usual_rule,
    window_words,
)
from ..schedule.holiday_text import weekday_of
from ..schedule.holidays import HOLIDAY_LABELS
from .answers import answers_to_data
from .markup import html_table

_LIST_LABELS = {
    HolidayName.CHILD_BIRTHDAY: "Each child's birthday",
    HolidayName.PARENT_BIRTHDAY: "A parent's birthday",
}


def holiday_label(holiday: str) -> str:
    """A holiday's name on the screens ("Each child's birthday")."""
    name = HolidayName(holiday)
    return _LIST_LABELS.get(name, HOLIDAY_LABELS[name])


def holiday_names(answers: DAObject) -> list[str]:
    """The holidays in the list so far, by the names the mediator gave or the list's (a picked holiday has no ``label``)."""
    return [vars(h).get("label") or holiday_label(h.holiday) for h in answers.parenting_time.holidays.elements if "holiday" in vars(h)]


def holiday_pick_choices() -> list[dict[str, str]]:
    """The list of common holidays, for a ``checkboxes`` field."""
    return [{"value": h.value, "label": holiday_label(h.value)} for h in offered_holidays()]


def _sharing_label(code: str, a: str, b: str) -> str:
    names = {"a": a, "b": b}
    if code == "with_weekend":
        return "With whoever has the weekend next to it"
    assignment, party = code.split(":")
    first = names[party]
    if assignment == "alternate":
        return f"Alternate years: {first} in even years"  # the other parent in odd years, as the screen says
    if assignment == "fixed":
        return f"Every year: {first}"
    return f"Split, swapping each year: {first} first in even years"


def holiday_sharing_fields(answers: DAObject, picks: Iterable[str]) -> list[dict[str, Any]]:
    """One choice per picked holiday (who has it), for a ``fields: code:``; each sets ``holiday_sharing['<holiday>']``."""
    a, b = answers.parent_a.label, answers.parent_b.label
    roles = {"a": vars(answers.parent_a).get("role"), "b": vars(answers.parent_b).get("role")}
    fields = []
    for position, holiday in enumerate(_in_list_order(picks)):
        fields.append({
            "label": holiday_label(holiday),
            "field": f"holiday_sharing[{holiday!r}]",
            "datatype": "dropdown",
            "label above field": True,  # the whole width for choices that name both parents
            "choices": [{"value": code, "label": _sharing_label(code, a, b)} for code in sharing_codes(holiday)],
            "default": default_sharing(holiday, position, roles),
        })
    return fields


def _in_list_order(picks: Iterable[str]) -> list[str]:
    chosen = set(picks)
    return [h.value for h in offered_holidays() if h.value in chosen]


def add_picked_holidays(answers: DAObject, picks: Iterable[str], sharing: Any) -> None:
    """Append each picked holiday to ``case.parenting_time.holidays`` with its usual window and the sharing chosen."""
    holidays = answers.parenting_time.holidays
    for holiday in _in_list_order(picks):
        item = holidays.appendObject()
        for key, value in usual_rule(holiday, sharing[holiday]).items():
            setattr(item, key, value)


def holiday_times_table(answers: DAObject) -> str:
    """The picked holidays' windows and sharing, as an HTML table for the "Holiday times" screen."""
    a, b = answers.parent_a.label, answers.parent_b.label
    rows = [(holiday_label(rule["holiday"]), window_words(rule), _sharing_label(sharing_of(rule), a, b)) for rule in _holiday_data(answers)]
    return html_table(("Holiday", "When", "Who"), rows)


def holiday_adjust_choices(answers: DAObject) -> list[dict[str, str]]:
    """The picked holidays, for "which need different times or days"; a split or a parent's birthday says it will be asked anyway."""
    choices = []
    for rule in _holiday_data(answers):
        label = holiday_label(rule["holiday"])
        if needs_details(rule):
            label += " (asked anyway: " + ("where it is split" if rule.get("assignment") == "split" else "the date") + ")"
        choices.append({"value": rule["holiday"], "label": label})
    return choices


def holidays_to_detail(answers: DAObject, adjust: Iterable[str]) -> list[int]:
    """The positions in the holiday list that get their own screen: the ones ticked to change, and the ones that cannot be complete without it."""
    wanted = set(adjust)
    rules = list(enumerate(_holiday_data(answers)))
    # Incomplete ones first: each screen checks the whole list, which they would otherwise fail.
    return [i for i, rule in rules if needs_details(rule)] + [i for i, rule in rules if rule["holiday"] in wanted and not needs_details(rule)]


def detail_shows(answers: DAObject, index: int, field: str) -> bool:
    """Whether the one-holiday details screen shows ``field`` for the holiday at ``index`` (its kind and sharing are known by then)."""
    item = answers.parenting_time.holidays[index]
    holiday = HolidayName(item.holiday)
    assignment = vars(item).get("assignment")
    if field in ("month", "day"):
        return holiday in (HolidayName.CUSTOM, HolidayName.PARENT_BIRTHDAY)
    if field == "school_break":
        return holiday is HolidayName.THANKSGIVING
    if field in ("split_after_days", "split_date", "split_time"):
        return assignment == "split" and holiday in SPLITTABLE
    if field == "attach_to_weekend":
        return holiday not in SPLITTABLE and weekday_of(holiday) not in (3, 6)
    return True


def _holiday_data(answers: DAObject) -> list[dict[str, Any]]:
    data = answers_to_data(answers)
    return list((data.get("parenting_time") or {}).get("holidays") or [])


__all__ = [
    "add_picked_holidays",
    "detail_shows",
    "holiday_adjust_choices",
    "holiday_label",
    "holiday_names",
    "holiday_pick_choices",
    "holiday_sharing_fields",
    "holiday_times_table",
    "holidays_to_detail",
]
