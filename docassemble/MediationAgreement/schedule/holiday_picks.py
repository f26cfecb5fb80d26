"""Holidays picked from a list: the usual window of each, the ways of sharing it, and what still needs a screen.

The interview asks three short questions instead of one long screen per
holiday: which holidays (a list), who has each (one choice per holiday, such as
"Alternate years: Maria in even years"), and which of the usual windows should
change.  This module is the engine's half: the list and the usual windows are
data (``data/sources/holidays_usual.yml``), each pick becomes the same
:class:`~..case.schedule.HolidayRule` data a case file would hold, and
:func:`needs_details` says which picks cannot be complete without their own
screen (a split needs its split point, a parent's birthday its date).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml
from pydantic import ValidationError

from ..case.schedule import HolidayName, HolidayRule, Party
from ..errors import LibraryError
from ..wording.formats import clock
from .holiday_text import offset_phrase, weekday_of
from .words import counted

USUAL_FILE = "holidays_usual.yml"

# Sharing codes: "<assignment>:<parent>" ("alternate:a": parent a in even years;
# "fixed:b": parent b every year; "split:a": parent a has the first part in
# even years) or "with_weekend".
SPLITTABLE = frozenset({HolidayName.THANKSGIVING, HolidayName.WINTER_BREAK, HolidayName.SPRING_BREAK})
"""Periods of several days, which can be divided between the parents."""

_WEEKEND_DAYS = (0, 4)  # Monday and Friday holidays can go with the weekend next to them


@lru_cache(maxsize=1)
def _usual() -> dict[str, Any]:
    path = files("docassemble.MediationAgreement") / "data" / "sources" / USUAL_FILE
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name in data["offered"]:
        if name not in HolidayName.__members__.values():
            raise LibraryError(f"{USUAL_FILE}: offered: '{name}' is not a holiday the engine knows")
    for part, sharing in (("usual", {"assignment": "fixed", "parent": "a"}), ("usual_split", {"assignment": "split", "even_years": "a"})):
        for name, window in (data.get(part) or {}).items():
            try:
                HolidayRule.model_validate({"holiday": name, **sharing, **(data["usual"].get(name) or {}), **window})
            except ValidationError as exc:
                raise LibraryError(f"{USUAL_FILE}: {part}: {name}: {exc.errors()[0]['msg']}") from None
    return data


def offered_holidays() -> tuple[HolidayName, ...]:
    """The holidays the list offers, in the order shown."""
    return tuple(HolidayName(name) for name in _usual()["offered"])


def sharing_codes(holiday: HolidayName | str) -> tuple[str, ...]:
    """The ways ``holiday`` can be shared, as codes (see the module's comment)."""
    name = HolidayName(holiday)
    codes = ["alternate:a", "alternate:b", "fixed:a", "fixed:b"]
    if name in SPLITTABLE:
        codes += ["split:a", "split:b"]
    if weekday_of(name) in _WEEKEND_DAYS:
        codes.append("with_weekend")
    return tuple(codes)


def default_sharing(holiday: HolidayName | str, position: int, roles: Mapping[Party, str | None]) -> str:
    """The choice a holiday starts with: Mother's/Father's Day with that parent, otherwise alternating, the first even year going to a, b, a… down the list."""
    name = HolidayName(holiday)
    role = {HolidayName.MOTHERS_DAY: "mother", HolidayName.FATHERS_DAY: "father"}.get(name)
    if role is not None:
        for party, parent_role in roles.items():
            if parent_role == role:
                return f"fixed:{party}"
    return "alternate:a" if position % 2 == 0 else "alternate:b"


def usual_rule(holiday: HolidayName | str, sharing: str) -> dict[str, Any]:
    """The case data of a picked holiday: its usual window and the sharing chosen (times as ``datetime.time``)."""
    name = HolidayName(holiday)
    if sharing not in sharing_codes(name):
        raise LibraryError(f"holiday '{name.value}' cannot be shared as '{sharing}' (choose one of: {', '.join(sharing_codes(name))})")
    data: dict[str, Any] = {"holiday": name.value}
    if sharing == "with_weekend":
        data["assignment"] = "with_weekend"
    else:
        assignment, party = sharing.split(":")
        data["assignment"] = assignment
        data["parent" if assignment == "fixed" else "even_years"] = party
    usual = dict(_usual()["usual"].get(name.value) or {})
    if data["assignment"] == "split":
        usual.update(_usual().get("usual_split", {}).get(name.value) or {})
    for key, value in usual.items():
        data[key] = time.fromisoformat(value) if key.endswith("_time") else value
    return data


def sharing_of(rule: Mapping[str, Any], roles: Mapping[Party, str | None] | None = None) -> str:
    """The sharing code of a holiday's case data (the inverse of :func:`usual_rule`'s ``sharing``).

    A Mother's or Father's Day kept ``fixed`` without a ``parent`` goes to the
    parent with that role (``roles``: each parent's role), as the engine decides.
    """
    assignment = rule.get("assignment", "alternate")
    if assignment == "with_weekend":
        return "with_weekend"
    party = rule.get("parent") if assignment == "fixed" else rule.get("even_years")
    if party is None and assignment == "fixed":
        wanted = "mother" if rule.get("holiday") == HolidayName.MOTHERS_DAY.value else "father"
        party = next((p for p, role in (roles or {}).items() if role == wanted), "a")
    return f"{assignment}:{party}"


def needs_details(rule: Mapping[str, Any]) -> bool:
    """Whether a picked holiday cannot be complete without its own screen: a split needs its split point, a parent's birthday its date."""
    if rule.get("assignment") == "split" and rule.get("split_after_days") is None and rule.get("split_date") is None:
        return True
    return rule.get("holiday") == HolidayName.PARENT_BIRTHDAY.value and (rule.get("month") is None or rule.get("day") is None)


def window_words(rule: Mapping[str, Any]) -> str:
    """When a holiday runs, in words, without the rest of the case ("From the day before at 6:00 p.m. to the Sunday after at 6:00 p.m.")."""
    defaults = HolidayRule.model_fields
    value = {k: rule.get(k, defaults[k].default) for k in ("start_offset_days", "start_time", "end_offset_days", "end_time", "attach_to_weekend")}
    model = HolidayRule.model_construct(holiday=HolidayName(rule["holiday"]), school_break=bool(rule.get("school_break")), **value)
    text = _window(model)
    if rule.get("assignment") == "split" and (rule.get("split_date") or rule.get("split_after_days")):
        at = f"at {clock(rule['split_time'])} " if rule.get("split_time") else ""
        if rule.get("split_date"):
            month, day = (int(x) for x in str(rule["split_date"]).split("-"))
            text += f"; divided {at}on {date(2000, month, day):%B} {day}"
        else:
            text += f"; divided {at}{counted(int(rule['split_after_days']), 'day')} after the first day"
        if not rule.get("split_time"):
            text += " (at the exchange time)"
    return text


def _window(model: HolidayRule) -> str:
    start_time, end_time = clock(model.start_time), clock(model.end_time)
    start = offset_phrase(model, model.start_offset_days, True)
    end = offset_phrase(model, model.end_offset_days, False)
    weekday = weekday_of(model.holiday)
    if model.attach_to_weekend and weekday == 0:
        return f"With the weekend before it, to {end or 'the day itself'} at {end_time}"
    if model.attach_to_weekend and weekday == 4:
        return f"From {start or 'the day itself'} at {start_time}, with the weekend after it"
    if model.is_school_break:
        return f"From {start or 'the first day of the break'} at {start_time} to {end or 'the last day of the break'} at {end_time}"
    if not start and not end:
        return f"On the day, {start_time} to {end_time}"
    return f"From {start or 'the day itself'} at {start_time} to {end or 'the day itself'} at {end_time}"


__all__ = [
    "SPLITTABLE",
    "default_sharing",
    "needs_details",
    "offered_holidays",
    "sharing_codes",
    "sharing_of",
    "usual_rule",
    "window_words",
]
