"""The small words the schedule text is built from.

Weekdays and dates as the agreement writes them, counts in words and figures
(``fourteen (14) days``), the time zone's everyday name, and :class:`CaseWords`:
one case's parent names, the children's pronouns, and verbs that agree with them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from ..case.schedule import WEEKDAYS, Party
from ..wording.formats import clock, join_and, longdate, words

if TYPE_CHECKING:
    from ..case.model import Case, Child


ZONE_NAMES: dict[str, str] = {
    "America/New_York": "Eastern time",
    "America/Chicago": "Central time",
    "America/Denver": "Mountain time",
    "America/Phoenix": "Arizona time",
    "America/Los_Angeles": "Pacific time",
    "America/Anchorage": "Alaska time",
    "Pacific/Honolulu": "Hawaii time",
}
"""Plain names for the zones whose everyday name is unambiguous (America/Phoenix is
"Arizona time": Arizona does not observe daylight saving time, so "Mountain time" would be wrong
half the year).  Any other zone is named by its IANA name."""


def day_name(index: int) -> str:
    """The weekday's name, Monday 0; the index wraps round (``7`` is Monday again)."""
    return WEEKDAYS[index % 7].capitalize()


def dated(day: date) -> str:
    """A date with its weekday, as the agreement writes it."""
    return f"{day_name(day.weekday())}, {longdate(day)}"


def tidy(text: str) -> str:
    """Collapse the doubled full stop after 'a.m.'/'p.m.' at the end of a sentence."""
    return re.sub(r"\b([ap])\.m\.\.", r"\1.m.", text)


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``counted(1, 'day')`` -> ``one (1) day``; ``counted(14, 'day')`` -> ``fourteen (14) days``."""
    return f"{words(n)} {singular if n == 1 else (plural or singular + 's')}"


def figure(n: float) -> str:
    """A count of nights as a figure: ``182.5``, ``183`` (no ``.0``)."""
    return f"{n:.0f}" if float(n).is_integer() else f"{n:.1f}"


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def zone_phrase(zone: str, kids: str = "the children") -> str:
    """``America/Phoenix`` -> ``Arizona time``; an unlisted zone -> ``local time where the children live (Europe/Berlin)``."""
    if zone in ZONE_NAMES:
        return ZONE_NAMES[zone]
    verb = "lives" if kids == "the child" else "live"
    return f"local time where {kids} {verb} ({zone})"


_OBJECT = {"she": "her", "he": "him", "they": "them"}


def find_child(case: Case, name: str) -> Child | None:
    """The case's child a rule means by ``name`` (its name, full name or first name), or None."""
    wanted = name.strip().casefold()
    for child in case.children:
        if wanted in {child.name.casefold(), child.full_name.casefold(), child.full_name.split()[0].casefold()}:
            return child
    return None


def child_names(case: Case, names: list[str]) -> list[str]:
    """The children a rule names, by the names the agreement uses (in the case's order)."""
    found = [c for n in names if (c := find_child(case, n)) is not None]
    return [c.name for c in case.children if any(c is f for f in found)]


class CaseWords:
    """Names and phrases for one case."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.names = {"a": case.parent_a.short_name, "b": case.parent_b.short_name}
        plural = len(case.children) != 1
        self.plural = plural
        self.kids = "the children" if plural else "the child"
        self.them = "them" if plural else _OBJECT[case.children[0].pronouns]
        self.exchange = clock(case.parenting_time.exchange_time)

    def name(self, party: Party) -> str:
        return self.names[party]

    def verb(self, subject: str, singular: str, plural: str) -> str:
        """The verb form for ``subject``: 'the children' takes the plural, a child or a name the singular."""
        return plural if subject == self.kids and self.plural else singular

    def object_of(self, subject: str) -> str:
        """The pronoun standing for ``subject`` as an object: 'them', or a named child's 'her'/'him'/'them'."""
        if subject == self.kids:
            return self.them
        child = find_child(self.case, subject)
        return _OBJECT[child.pronouns] if child is not None else "them"

    def who(self, names: list[str]) -> tuple[str, str]:
        """The children a rule moves, as a phrase and its object pronoun (all children when ``names`` is empty)."""
        if not names:
            return self.kids, self.them
        if len(names) == 1:
            return names[0], self.object_of(names[0])
        return join_and(names), "them"


__all__ = [
    "ZONE_NAMES",
    "CaseWords",
    "child_names",
    "counted",
    "dated",
    "day_name",
    "figure",
    "find_child",
    "tidy",
    "upper_first",
    "zone_phrase",
]
