"""When support ends for each child: the birth date and the state's rule, as data.

The rule per state is ``guidelines/support_end.yml`` (the age, and the longer
time some states allow while a child is still in school), each quoted with its
source.  A state that file does not have gets no dates: the agreement then
says "the age when support ends under <state> law", as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..case.model import Case
from ..case.yamlsource import load_with_lines
from ..errors import GuidelineError

RULES_FILE = "support_end.yml"


@dataclass(frozen=True)
class SchoolRule:
    until_age: int
    while_text: str


@dataclass(frozen=True)
class SupportEndRule:
    """One state's rule: ``age`` (None when only the school rule could be quoted) and the school extension."""

    state: str
    state_name: str
    law: str
    age: int | None
    school: SchoolRule | None
    source: str


@dataclass(frozen=True)
class ChildSupportEnd:
    """One child's dates: ``ends`` at the age; ``school_until`` the latest date while still in school."""

    name: str
    full_name: str
    ends: date | None
    school_until: date | None


def birthday(born: date, age: int) -> date:
    """The day a child born on ``born`` reaches ``age`` (February 29 -> February 28 in a common year)."""
    year = born.year + age
    try:
        return born.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def rules_file() -> Path:
    """The package's rules (``data/sources/guidelines/support_end.yml``, i.e. ``guidelines/`` in the repository)."""
    return Path(str(resources.files("docassemble.MediationAgreement") / "data" / "sources" / "guidelines" / RULES_FILE))


@lru_cache(maxsize=4)
def load_rules(path: Path) -> dict[str, SupportEndRule]:
    """Read and check the rules file; a mistake is a GuidelineError naming its line."""
    data, lines = load_with_lines(path, error=GuidelineError)
    if not isinstance(data, dict):
        raise GuidelineError("the support-end rules must be a mapping of state codes", path=path, line=1)
    rules: dict[str, SupportEndRule] = {}
    for state, raw in data.items():
        line = lines.line_for((state,))
        if not (isinstance(state, str) and len(state) == 2 and isinstance(raw, dict)):
            raise GuidelineError("each entry is a two-letter state code with law, age, quote and source", path=path, line=line)
        missing = [k for k in ("state_name", "law", "quote", "source", "source_kind", "retrieved") if not raw.get(k)]
        if missing:
            raise GuidelineError(f"{state}: missing {', '.join(missing)} (every rule is quoted, with its source)", path=path, line=line)
        age = raw.get("age")
        school_raw = raw.get("school")
        school = None
        if school_raw is not None:
            if not isinstance(school_raw, dict) or not isinstance(school_raw.get("until_age"), int) or not school_raw.get("while"):
                raise GuidelineError(f"{state}: school needs until_age (a whole number) and while", path=path, line=lines.line_for((state, "school")))
            school = SchoolRule(school_raw["until_age"], str(school_raw["while"]))
        if age is not None and not (isinstance(age, int) and 16 <= age <= 26):
            raise GuidelineError(f"{state}: age must be a whole number from 16 to 26, or null", path=path, line=lines.line_for((state, "age")))
        if age is None and school is None:
            raise GuidelineError(f"{state}: give age, school, or both", path=path, line=line)
        rules[state.upper()] = SupportEndRule(state.upper(), str(raw["state_name"]), str(raw["law"]), age, school, str(raw["source"]))
    return rules


def end_rule(state: str, path: Path | None = None) -> SupportEndRule | None:
    """The rule for ``state``, or None when no quoted rule was found for it."""
    return load_rules(path or rules_file()).get(state.upper())


def support_ends(case: Case, path: Path | None = None) -> tuple[SupportEndRule | None, tuple[ChildSupportEnd, ...]]:
    """The state's rule and each child's dates (empty when the state has no rule here)."""
    rule = end_rule(case.court.state, path)
    if rule is None or case.child_support is None:
        return rule, ()
    ends = tuple(
        ChildSupportEnd(
            name=child.name,
            full_name=child.full_name,
            ends=birthday(child.date_of_birth, rule.age) if rule.age is not None else None,
            school_until=birthday(child.date_of_birth, rule.school.until_age) if rule.school is not None else None,
        )
        for child in case.children
    )
    return rule, ends
