"""Numbers, money, dates, times and lists the way agreements write them.

``money(412.5)`` -> ``$412.50``; ``longdate('2026-03-05')`` -> ``March 5, 2026``;
``clock('18:00')`` -> ``6:00 p.m.``; ``words(60)`` -> ``sixty (60)``;
``join_and(['A', 'B', 'C'])`` -> ``A, B and C``.  :data:`FILTERS` is what clause
text can use as Jinja filters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any


def join_and(items: Iterable[Any], conjunction: str = "and") -> str:
    """``['A', 'B', 'C']`` -> ``A, B and C``."""
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def money(value: Decimal | float | int) -> str:
    """``412.5`` -> ``$412.50``."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    return f"${amount:,.2f}"


def longdate(value: date | datetime | str) -> str:
    """``2026-03-05`` -> ``March 5, 2026``."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value:%B} {value.day}, {value.year}"


MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre")


def longdate_es(value: date | datetime | str) -> str:
    """``2026-12-01`` -> ``1 de diciembre de 2026`` (Spanish)."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value.day} de {MONTHS_ES[value.month - 1]} de {value.year}"


def clock(value: time | str) -> str:
    """``18:00`` -> ``6:00 p.m.``; noon and midnight by name."""
    if isinstance(value, str):
        value = time.fromisoformat(value)
    if value == time(12, 0):
        return "12:00 noon"
    if value == time(0, 0):
        return "12:00 midnight"
    hour = value.hour % 12 or 12
    suffix = "a.m." if value.hour < 12 else "p.m."
    return f"{hour}:{value.minute:02d} {suffix}"


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """Spell out 0-999 in words."""
    if n < 0 or n > 999:
        return str(n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} hundred" + (f" {number_words(rest)}" if rest else "")


def words(n: int) -> str:
    """``60`` -> ``sixty (60)``, the way agreements state numbers."""
    return f"{number_words(int(n))} ({int(n)})"


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def ordinal(number: int) -> str:
    """``21`` -> ``21st``, ``18`` -> ``18th`` (a birthday, a day of the month)."""
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


FILTERS: dict[str, Callable[..., Any]] = {
    "ordinal": ordinal,
    "money": money,
    "longdate": longdate,
    "clock": clock,
    "words": words,
    "join_and": join_and,
    "capfirst": capfirst,
}
