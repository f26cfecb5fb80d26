"""The schedule as a year calendar (PDF, for the agreement packet) and as iCalendar files (one per parent).

The PDF is drawn by ``templates/calendar.typ``; this module only computes the
days and hands them over as JSON in ``sys.inputs`` (nothing is spliced into
Typst markup).  Parent A's days are a solid tint and parent B's a diagonal
hatch, and every day carries the night parent's letter, so the page reads in
black and white.  An exchange day is split on the diagonal: the upper-left
half is the parent the day starts with, the lower-right half the parent who has
that night.  A day with a visit of a few hours (no overnight) carries the
visiting parent's letter and the hours, and the page adds the hours each
parent has in the year: visits count as time, not overnights.

The .ics files hold one event per stretch of time a parent has the children,
in the family's time zone (with its VTIMEZONE), and are parsed back with the
``icalendar`` package before they are returned.
"""

from __future__ import annotations

import calendar as monthcal
import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..case.schedule import Party
from ..errors import RenderError
from ..schedule.checks import check_case_schedule
from ..schedule.compute import compute_case, compute_year
from ..schedule.text import guard_confidential
from ..schedule.timeline import ChildTimeline, Conflict, HolidayOccurrence, Layer, ParentingTimeline, Period
from ..schedule.words import tidy
from ..wording.formats import clock, join_and
from .typesetting import date_timestamp, typeset

if TYPE_CHECKING:
    from ..case.model import Case

PRODID = "-//docassemble-MediationAgreement//Parenting time//EN"
WEEKDAY_HEADINGS = ("S", "M", "T", "W", "T", "F", "S")  # US calendars start on Sunday


def parent_marks(case: Case) -> dict[Party, str]:
    """One letter per parent for the calendar: the short names' initials, else A and B."""
    a, b = case.parent_a.short_name[:1].upper(), case.parent_b.short_name[:1].upper()
    if a == b or not a.isalpha() or not b.isalpha():
        return {"a": "A", "b": "B"}
    return {"a": a, "b": b}


def _names(case: Case) -> dict[Party, str]:
    return {"a": case.parent_a.short_name, "b": case.parent_b.short_name}


def _children_heading(case: Case, group: ChildTimeline, timeline: ParentingTimeline) -> str:
    names = [c.name for c in case.children if c.name in group.children] or list(group.children)
    if timeline.uniform:
        return f"Schedule for {join_and(c.name for c in case.children)}"
    return f"Schedule for {join_and(names)}"


def _span_text(start: datetime, end: datetime) -> str:
    last = (end - timedelta(microseconds=1)).date()
    first = start.date()
    if first == last:
        return f"{first:%b} {first.day}"
    if first.month == last.month and first.year == last.year:
        return f"{first:%b} {first.day}–{last.day}"
    return f"{first:%b} {first.day}–{last:%b} {last.day}"


def _holders(periods: tuple[Period, ...], start: datetime, end: datetime) -> list[Party]:
    out: list[Party] = []
    for p in periods:
        if p.end <= start or p.start >= end:
            continue
        if not out or out[-1] != p.parent:
            out.append(p.parent)
    return out


def _occurrence_rows(case: Case, group: ChildTimeline, occurrences: tuple[HolidayOccurrence, ...], year: int) -> list[dict[str, str]]:
    names = _names(case)
    rows = []
    for occ in occurrences:
        if occ.children and not set(occ.children) & set(group.children):
            continue
        if occ.start.year > year or occ.end.date() < date(year, 1, 1):
            continue
        parents = list(occ.parents) or _holders(group.periods, occ.start, occ.end)
        who = ", then ".join(names[p] for p in parents) or "—"
        rows.append({"dates": _span_text(occ.start, occ.end), "label": occ.label, "who": who, "day": occ.day.isoformat()})
    return rows


def _notes(conflicts: list[Conflict]) -> list[str]:
    """Short notes under the calendar: what is not placed, and clashes (overrides are by design)."""
    missing = [c.message.split(" is not placed")[0] for c in conflicts if c.kind == "missing_dates"]
    notes = []
    if missing:
        notes.append(f"Not shown, because the school calendar does not give their dates: {', '.join(m[0].upper() + m[1:] for m in missing)}.")
    overlaps = [c for c in conflicts if c.kind == "overlap"]
    for clash in overlaps[:3]:
        notes.append(f"{clash.message}.")
    if len(overlaps) > 3:
        notes.append(f"{len(overlaps) - 3} more overlaps: run `mediation-agreement schedule` to list them.")
    return notes


def calendar_data(case: Case, year: int) -> dict[str, Any]:
    """Everything ``calendar.typ`` draws, as plain JSON-ready data."""
    check_case_schedule(case)
    timeline = compute_year(case, year)
    names = _names(case)
    marks = parent_marks(case)
    pages = []
    for group in timeline.groups:
        child = group.children[0]
        days = {d.day: d for d in timeline.days(child if not timeline.uniform else None)}
        occurrences = _occurrence_rows(case, group, timeline.holidays, year)
        marked = {date.fromisoformat(r["day"]) for r in occurrences}
        months = []
        for month in range(1, 13):
            weeks = []
            for week in monthcal.Calendar(firstweekday=6).monthdatescalendar(year, month):
                row: list[dict[str, Any] | None] = []
                for day in week:
                    if day.month != month:
                        row.append(None)
                        continue
                    record = days[day]
                    row.append({"d": day.day, "m": record.morning, "n": record.night, "h": day in marked, "v": _visit(record)})
                weeks.append(row)
            months.append({"name": monthcal.month_name[month], "weeks": weeks})
        counts = timeline.overnights(child if not timeline.uniform else None)
        total = sum(counts.values())
        visits = any(d["v"] for m in months for w in m["weeks"] for d in w if d)
        hours = timeline.hours(child if not timeline.uniform else None) if visits else None
        notes = _notes([c for c in timeline.conflicts if not c.children or child in c.children])
        pages.append({
            "heading": _children_heading(case, group, timeline),
            "months": months,
            "overnights": {p: counts[p] for p in ("a", "b")},
            "hours": {p: f"{round(hours[p]):,}" for p in ("a", "b")} if hours else None,
            "percent": {p: f"{100 * counts[p] / total:.1f}%" for p in ("a", "b")},
            "holidays": [{k: v for k, v in r.items() if k != "day"} for r in occurrences],
            "notes": notes,
        })
    court = case.court
    subtitle = f"{court.name}, {court.county} County" + (f" · Case {court.case_number}" if court.case_number else "")
    return {
        "title": f"Parenting-Time Calendar {year}",
        "subtitle": subtitle,
        "office": case.office.name,
        "footer": f"{case.office.name} · {names['a']} and {names['b']} · parenting-time calendar {year}",
        "year": str(year),
        "weekdays": list(WEEKDAY_HEADINGS),
        "parents": [{"key": p, "name": names[p], "mark": marks[p]} for p in ("a", "b")],
        "legend_note": (
            "Each date is shaded for the parent who has the children for the night that begins on that date. "
            f"Exchange times and places are set out in the agreement; all times are local ({case.parenting_time.time_zone.replace('_', ' ')})."
        ),
        "pages": pages,
    }


def _visit(record: Any) -> dict[str, str] | None:
    """A visit of a few hours on a day whose morning and night are the other parent's: who, and for how long."""
    if record.morning != record.night:
        return None
    visitor = "b" if record.night == "a" else "a"
    hours = record.hours_with(visitor)
    return {"p": visitor, "hrs": f"{hours:g}"} if hours > 0 else None


TEMPLATE_NAME = "calendar.typ"


def render_calendar_pdf(case: Case, year: int) -> bytes:
    """The year calendar page(s) for the agreement packet, as PDF/A-2b bytes.

    One page per group of children who share a schedule.  The same case gives
    the same bytes (the PDF's date is the agreement date, never the clock).
    """
    data = calendar_data(case, year)
    guard_confidential(case, json.dumps(data, ensure_ascii=False))
    return typeset(
        TEMPLATE_NAME,
        {"data": data},
        what="the parenting-time calendar",
        timestamp=date_timestamp(case.agreement_date or date(year, 1, 1)),
    )


# --------------------------------------------------------------------------- iCalendar


def _stretches(periods: tuple[Period, ...]) -> list[list[Period]]:
    """Consecutive periods with the same parent, whatever their layer."""
    out: list[list[Period]] = []
    for p in periods:
        if out and out[-1][-1].parent == p.parent and out[-1][-1].end == p.start:
            out[-1].append(p)
        else:
            out.append([p])
    return out


def _transport_sentence(case: Case) -> str:
    return {
        "receiving_parent": "The parent whose time is beginning provides transportation.",
        "delivering_parent": "The parent whose time is ending provides transportation.",
        "shared": "The parent whose time is ending brings the children; the parent whose time is beginning collects them.",
    }[case.exchanges.transport]


def render_ics(case: Case, party: Party, start: date, end: date) -> bytes:
    """An iCalendar file of ``party``'s parenting time from ``start`` to ``end`` (inclusive).

    One event per stretch of time with that parent (stretches running over the
    range's edges are kept whole), in the schedule's time zone.  The result is
    parsed back with ``icalendar`` and refused (:class:`RenderError`) if it does not read.
    """
    from icalendar import Calendar, Event

    if party not in ("a", "b"):
        raise RenderError(f"party must be 'a' or 'b', not {party!r}")
    check_case_schedule(case)
    zone_name = case.parenting_time.time_zone
    zone = ZoneInfo(zone_name)
    margin = timedelta(days=120)
    timeline = compute_case(case, start - margin, end + margin)
    names = _names(case)
    lo = datetime.combine(start, datetime.min.time())
    hi = datetime.combine(end + timedelta(days=1), datetime.min.time())
    stamp = datetime.combine(case.agreement_date or start, datetime.min.time(), tzinfo=UTC)
    identity = "|".join((case.court.case_number or "", case.parent_a.full_name, case.parent_b.full_name))

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Parenting time with {names[party]}")
    cal.add("x-wr-timezone", zone_name)
    location = case.exchanges.location
    exchange = {"school": "at school (school days) or as the agreement says", "curbside": f"curbside at {location}", "exchange_center": f"at {location}"}[case.exchanges.method]
    count = 0
    for group in timeline.groups:
        kids = join_and(c.name for c in case.children if c.name in group.children) if not timeline.uniform else join_and(c.name for c in case.children)
        for stretch in _stretches(group.periods):
            first, last = stretch[0], stretch[-1]
            if first.parent != party or last.end <= lo or first.start >= hi:
                continue
            if first.start <= group.periods[0].start or last.end >= group.periods[-1].end:
                continue  # runs off the computed margin: cannot say when it starts or ends
            special = [p.label for p in stretch if p.layer > Layer.REGULAR]
            summary = f"{kids} with {names[party]}" + (f" ({', '.join(dict.fromkeys(special))})" if special else "")
            begins, ends = first.start.replace(tzinfo=zone), last.end.replace(tzinfo=zone)
            event = Event()
            digest = hashlib.sha256(f"{identity}|{party}|{kids}|{first.start.isoformat()}".encode()).hexdigest()[:32]
            event.add("uid", f"{digest}@mediation-agreement")
            event.add("dtstamp", stamp)
            event.add("dtstart", begins)
            event.add("dtend", ends)
            event.add("summary", summary)
            event.add("transp", "TRANSPARENT")
            description = (
                f"{kids} with {names[party]} from {first.start:%A, %B} {first.start.day} at {clock(first.start.time())} "
                f"to {last.end:%A, %B} {last.end.day} at {clock(last.end.time())}. "
                f"Exchanges {exchange}. {_transport_sentence(case)}"
            )
            if special:
                description += f" Includes: {', '.join(dict.fromkeys(special))}."
            event.add("description", tidy(description))
            if location:
                event.add("location", location)
            cal.add_component(event)
            count += 1
    cal.add_missing_timezones(first_date=start - timedelta(days=400), last_date=end + timedelta(days=400))
    payload = cal.to_ical()
    guard_confidential(case, payload.decode("utf-8"))
    _check_ics(payload, count, zone_name)
    return bytes(payload)


def _check_ics(payload: bytes, expected_events: int, zone_name: str) -> None:
    """Parse the file back; refuse it unless every event reads with its time zone."""
    from icalendar import Calendar

    try:
        parsed = Calendar.from_ical(payload)
    except ValueError as exc:  # pragma: no cover - would be a bug in this module
        raise RenderError(f"the .ics file does not parse: {exc}") from exc
    events = parsed.walk("VEVENT")
    if len(events) != expected_events:
        raise RenderError(f"the .ics file holds {len(events)} events, expected {expected_events}")
    for event in events:
        begins: Any = event["dtstart"].dt  # type: ignore[union-attr]
        ends: Any = event["dtend"].dt  # type: ignore[union-attr]
        if getattr(begins.tzinfo, "key", None) != zone_name or ends <= begins:
            raise RenderError(f"event {event['uid']} in the .ics file has a bad time ({begins} to {ends})")


__all__ = ["calendar_data", "parent_marks", "render_calendar_pdf", "render_ics"]
