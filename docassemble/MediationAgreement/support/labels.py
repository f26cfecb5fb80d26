"""The support engine's English in another language, for a translated reading copy.

The worksheet's line labels and notes, the state's rule for when support ends
and the guideline's title are written in English by the engine and the
guideline files.  ``data/sources/engine_text.<language>.yml`` gives each
whole string's translation; ``{name}`` in an entry stands for a part the
engine fills in (a percentage, an amount), carried into the translation.
A string the catalogue does not know is left as it is (the tests check that
every example's copy has no English left).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..case.yamlsource import load_with_lines
from ..errors import GuidelineError


def catalog_path(language: str) -> Path:
    return Path(str(files("docassemble.MediationAgreement") / "data" / "sources" / f"engine_text.{language}.yml"))


@cache
def _catalog(language: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    path = catalog_path(language)
    if not path.is_file():
        return ()
    data, lines = load_with_lines(path, error=GuidelineError)
    if not isinstance(data, list):
        raise GuidelineError("the engine's translated text must be a list of {en, es} entries", path=path, line=1)
    entries = []
    for index, entry in enumerate(data):
        if not (isinstance(entry, dict) and set(entry) == {"en", language} and all(isinstance(v, str) for v in entry.values())):
            raise GuidelineError(f"each entry has exactly 'en' and '{language}' text", path=path, line=lines.line_for((index,)))
        names = set(re.findall(r"\{(\w+)\}", entry["en"]))
        if set(re.findall(r"\{(\w+)\}", entry[language])) != names:
            raise GuidelineError(f"'{language}' must use the same {{names}} as 'en' ({', '.join(sorted(names)) or 'none'})", path=path, line=lines.line_for((index,)))
        pattern = "".join(f"(?P<{part[1:-1]}>.+?)" if re.fullmatch(r"\{\w+\}", part) else re.escape(part) for part in re.split(r"(\{\w+\})", entry["en"]))
        entries.append((re.compile(pattern, re.DOTALL), entry[language]))
    return tuple(entries)


def translated_label(text: str, language: str) -> str:
    """``text`` in ``language`` from the catalogue, or ``text`` itself when the catalogue has no entry for it."""
    for pattern, template in _catalog(language):
        match = pattern.fullmatch(text)
        if match:
            return template.format(**match.groupdict())
    return text


_PLAIN = (str, int, float, Decimal, date, Enum, bool, type(None), dict)


class TranslatedView:
    """An object of the support computation whose text attributes read in ``language`` (numbers and dates as they are)."""

    def __init__(self, target: Any, language: str) -> None:
        self._target = target
        self._language = language

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return translated_value(getattr(self._target, name), self._language)

    def __iter__(self) -> Iterator[Any]:
        return (translated_value(item, self._language) for item in self._target)

    def __len__(self) -> int:
        return len(self._target)

    def __bool__(self) -> bool:
        return bool(self._target)


def unwrap(value: Any) -> Any:
    """The object a :class:`TranslatedView` shows (anything else as it is)."""
    return value._target if isinstance(value, TranslatedView) else value


def translated_value(value: Any, language: str) -> Any:
    if isinstance(value, str) and not isinstance(value, Enum):
        return translated_label(value, language)
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(translated_value(item, language) for item in value)
    if is_dataclass(value) or hasattr(value, "__dict__"):
        return TranslatedView(value, language)
    return value


__all__ = ["TranslatedView", "catalog_path", "translated_label", "translated_value", "unwrap"]
