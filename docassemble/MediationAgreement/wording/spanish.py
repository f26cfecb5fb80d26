"""How the Spanish reading copy says people, numbers, money, dates and times.

The same names as in English clause text (``a.name``, ``kids.the``, ``|money``...)
give Spanish words: "la Madre", "los niños", "1 de diciembre de 2026", "sesenta (60)".
Gender comes from pronouns (she -> feminine; he, they -> masculine, the generic
form of legal Spanish); plural feminine only when every child uses *she*.
``docs/translation.md`` lists every name with its Spanish forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from .formats import MONTHS_ES, capfirst, longdate_es, money
from .people import ChildView

WEEKDAYS_ES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")

ROLE_WORDS_ES: dict[str, tuple[str, str]] = {
    # an English short name that is a role word -> (Spanish noun, article)
    "mother": ("Madre", "la"),
    "father": ("Padre", "el"),
    "mom": ("Madre", "la"),
    "dad": ("Padre", "el"),
    "parent": ("Progenitor", "el"),
}
ROLES_ES = {"mother": "madre", "father": "padre", "parent": "progenitor"}


def join_y(items: Iterable[Any]) -> str:
    """``['A', 'B', 'C']`` -> ``A, B y C``; ``e`` before a word that starts with an i-sound (``Maya e Isabel``)."""
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    last = words[-1]
    conjunction = "e" if re.match(r"(?i)h?[ií](?![aeiouáéó])", last) else "y"
    return f"{', '.join(words[:-1])} {conjunction} {last}"


def clock_es(value: time | str) -> str:
    """``18:00`` -> ``6:00 p. m.``; noon and midnight by name."""
    if isinstance(value, str):
        value = time.fromisoformat(value)
    if value == time(12, 0):
        return "12:00 del mediodía"
    if value == time(0, 0):
        return "12:00 de la medianoche"
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'a. m.' if value.hour < 12 else 'p. m.'}"


_UNITS = (
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis diecisiete "
    "dieciocho diecinueve veinte veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete "
    "veintiocho veintinueve"
).split()
_TENS = "_ _ _ treinta cuarenta cincuenta sesenta setenta ochenta noventa".split()
_HUNDREDS = "_ ciento doscientos trescientos cuatrocientos quinientos seiscientos setecientos ochocientos novecientos".split()


def number_words_es(n: int) -> str:
    """0-999 in Spanish words (``uno``, ``veintiuno``, ``ciento cinco``, ``cien``)."""
    if n < 0 or n > 999:
        return str(n)
    if n < 30:
        return _UNITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f" y {_UNITS[ones]}" if ones else "")
    if n == 100:
        return "cien"
    hundreds, rest = divmod(n, 100)
    return _HUNDREDS[hundreds] + (f" {number_words_es(rest)}" if rest else "")


def words_es(n: int, gender: str = "m") -> str:
    """``60`` -> ``sesenta (60)``; a count before a noun: ``1`` -> ``un (1)``, ``21`` -> ``veintiún (21)``; ``gender='f'``: ``una (1)``."""
    text = number_words_es(int(n))
    if text.endswith("uno"):
        if gender == "f":
            text = text[:-3] + "una"
        else:
            text = "veintiún" if text == "veintiuno" else text[:-3] + "un"
    return f"{text} ({int(n)})"


def ordinal_es(number: int) -> str:
    """``18`` -> ``18.º``."""
    return f"{int(number)}.º"


def longdate_filter(value: date | datetime | str) -> str:
    return longdate_es(value)


def weekday_es(index: int) -> str:
    return WEEKDAYS_ES[index % 7]


def month_day_es(month: int, day: int) -> str:
    """``(12, 26)`` -> ``26 de diciembre``."""
    return f"{day} de {MONTHS_ES[month - 1]}"


def contract(text: str) -> str:
    """Spanish text after rendering: ``de el`` -> ``del``, ``a el`` -> ``al`` (the article, never ``él``),
    and one full stop after ``p. m.`` at the end of a sentence."""
    text = re.sub(r"\b([Dd])e\s+el\b", r"\1el", text)
    text = re.sub(r"\b([Aa])\s+el\b", r"\1l", text)
    return re.sub(r"\b([ap])\. m\.\.", r"\1. m.", text)


FILTERS_ES: dict[str, Callable[..., Any]] = {
    "ordinal": ordinal_es,
    "money": money,
    "longdate": longdate_filter,
    "clock": clock_es,
    "words": words_es,
    "join_and": join_y,
    "capfirst": capfirst,
}


def agree(word: str, feminine: bool, plural: bool = False) -> str:
    """``agree('obligado', True)`` -> ``obligada``; ``-or`` -> ``-ora``; other endings only take the plural."""
    if feminine and word.endswith("o"):
        word = word[:-1] + "a"
    elif feminine and word.endswith("or"):
        word = word + "a"
    if plural:
        word = word + ("s" if word[-1] in "aeiouáéó" else "es")
    return word


@dataclass(frozen=True)
class PersonViewEs:
    """A parent as the Spanish copy speaks of them (see ``docs/translation.md``)."""

    short_name: str
    full_name: str
    pronouns: str
    letter: str = ""
    english_role: str = "parent"

    @property
    def feminine(self) -> bool:
        return self.pronouns == "she"

    @property
    def name(self) -> str:
        """A role word becomes the Spanish role with its article ("Mother" -> "la Madre"); a first name stays."""
        role = ROLE_WORDS_ES.get(self.short_name.strip().casefold())
        if role is None:
            return self.short_name
        noun, article = role
        if noun == "Progenitor" and self.feminine:
            noun, article = "Progenitora", "la"
        return f"{article} {noun}"

    @property
    def role(self) -> str:
        role = ROLES_ES.get(self.english_role, "progenitor")
        return "progenitora" if role == "progenitor" and self.feminine else role

    @property
    def el(self) -> str:
        if self.pronouns == "she":
            return "ella"
        if self.pronouns == "he":
            return "él"
        return self.name

    def agree(self, word: str) -> str:
        return agree(word, self.feminine)

    def verb(self, singular: str, plural: str) -> str:
        return singular

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ChildrenViewEs:
    """The children, with Spanish number and gender (see ``docs/translation.md``)."""

    list: tuple[ChildView, ...]

    @property
    def count(self) -> int:
        return len(self.list)

    @property
    def plural(self) -> bool:
        return len(self.list) != 1

    @property
    def feminine(self) -> bool:
        return bool(self.list) and all(c.pronouns == "she" for c in self.list)

    @property
    def names(self) -> str:
        return join_y(c.name for c in self.list)

    @property
    def full_names(self) -> str:
        return join_y(c.full_name for c in self.list)

    def _noun(self, stem: str) -> str:
        return stem + ("a" if self.feminine else "o") + ("s" if self.plural else "")

    def _article(self) -> str:
        return {(False, False): "el", (True, False): "la", (False, True): "los", (True, True): "las"}[(self.feminine, self.plural)]

    @property
    def noun(self) -> str:
        return self._noun("niñ")

    @property
    def the(self) -> str:
        return f"{self._article()} {self.noun}"

    @property
    def The(self) -> str:  # noqa: N802 - capitalised form used at the start of a sentence
        return capfirst(self.the)

    @property
    def hijos(self) -> str:
        return f"{self._article()} {self._noun('hij')}"

    @property
    def Hijos(self) -> str:  # noqa: N802
        return capfirst(self.hijos)

    @property
    def each(self) -> str:
        return f"cada {self._noun('niñ').removesuffix('s')}" if self.plural else self.the

    @property
    def possessive(self) -> str:
        return contract(f"de {self.the}")

    @property
    def they(self) -> str:
        return ("ellas" if self.feminine else "ellos") if self.plural else ("ella" if self.feminine else "él")

    @property
    def them(self) -> str:
        return ("las" if self.feminine else "los") if self.plural else ("la" if self.feminine else "lo")

    def agree(self, word: str) -> str:
        return agree(word, self.feminine, self.plural)

    def verb(self, singular: str, plural: str) -> str:
        return plural if self.plural else singular

    def __str__(self) -> str:
        return self.names


__all__ = [
    "FILTERS_ES",
    "WEEKDAYS_ES",
    "ChildrenViewEs",
    "PersonViewEs",
    "agree",
    "clock_es",
    "contract",
    "join_y",
    "month_day_es",
    "number_words_es",
    "ordinal_es",
    "weekday_es",
    "words_es",
]
