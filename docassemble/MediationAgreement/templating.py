"""The sandbox clause text runs in, and the words it can use.

Clause text is data written by staff, so it is rendered by Jinja2's
:class:`~jinja2.sandbox.SandboxedEnvironment` with :class:`~jinja2.StrictUndefined`:
a misspelt name is an error, never a blank, and ``{{ ''.__class__ }}``-style
access is refused.  :func:`case_context` builds the names documented in
``docs/clause-format.md`` (``case``, ``a``, ``b``, ``kids``, ``party()``...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

if TYPE_CHECKING:
    from .case import Case, Child, Parent

PRONOUNS: dict[str, tuple[str, str, str, str, str]] = {
    # subject, object, possessive adjective, possessive pronoun, reflexive
    "she": ("she", "her", "her", "hers", "herself"),
    "he": ("he", "him", "his", "his", "himself"),
    "they": ("they", "them", "their", "theirs", "themself"),
}


@dataclass(frozen=True)
class PersonView:
    """A person as clause text speaks of them (a parent or a child)."""

    name: str
    full_name: str
    pronouns: str
    letter: str = ""
    role: str = "parent"

    def _form(self, index: int) -> str:
        return PRONOUNS[self.pronouns][index]

    @property
    def they(self) -> str:
        return self._form(0)

    @property
    def them(self) -> str:
        return self._form(1)

    @property
    def their(self) -> str:
        return self._form(2)

    @property
    def theirs(self) -> str:
        return self._form(3)

    @property
    def themself(self) -> str:
        return self._form(4)

    @property
    def They(self) -> str:  # noqa: N802 - capitalised form used at the start of a sentence
        return self.they.capitalize()

    @property
    def Their(self) -> str:  # noqa: N802
        return self.their.capitalize()

    def verb(self, singular: str, plural: str) -> str:
        """``a.verb('has', 'have')``: agrees with the pronoun (singular *they* takes the plural form)."""
        return plural if self.pronouns == "they" else singular

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ChildView:
    name: str
    full_name: str
    date_of_birth: date
    pronouns: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ChildrenView:
    """The children, with the grammar of one child or several."""

    list: tuple[ChildView, ...]

    @property
    def count(self) -> int:
        return len(self.list)

    @property
    def plural(self) -> bool:
        return len(self.list) != 1

    @property
    def names(self) -> str:
        return join_and([c.name for c in self.list])

    @property
    def full_names(self) -> str:
        return join_and([c.full_name for c in self.list])

    @property
    def noun(self) -> str:
        return "children" if self.plural else "child"

    @property
    def the(self) -> str:
        return f"the {self.noun}"

    @property
    def The(self) -> str:  # noqa: N802
        return f"The {self.noun}"

    @property
    def each(self) -> str:
        return "each child" if self.plural else "the child"

    @property
    def possessive(self) -> str:
        return "the children's" if self.plural else "the child's"

    def _pronoun(self, index: int) -> str:
        if self.plural:
            return PRONOUNS["they"][index]
        return PRONOUNS[self.list[0].pronouns][index]

    @property
    def they(self) -> str:
        return self._pronoun(0)

    @property
    def them(self) -> str:
        return self._pronoun(1)

    @property
    def their(self) -> str:
        return self._pronoun(2)

    def verb(self, singular: str, plural: str) -> str:
        """Agrees with the noun (``kids.The``): "the child lives", "the children live".

        A single child who uses *they* is still "the child", a singular noun; use
        ``kids.they`` with a plural verb form when the pronoun is the subject.
        """
        return plural if self.plural else singular

    def __str__(self) -> str:
        return self.names


# --------------------------------------------------------------------------- filters


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


FILTERS: dict[str, Callable[..., Any]] = {
    "money": money,
    "longdate": longdate,
    "clock": clock,
    "words": words,
    "join_and": join_and,
    "capfirst": capfirst,
}


@cache
def sandbox_environment() -> SandboxedEnvironment:
    """The one Jinja2 environment every clause, mapping and `when` is rendered in."""
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        keep_trailing_newline=False,
    )
    env.filters.update(FILTERS)
    return env


# --------------------------------------------------------------------------- context


def person(parent: Parent, letter: str) -> PersonView:
    return PersonView(
        name=parent.short_name,
        full_name=parent.full_name,
        pronouns=parent.pronouns,
        letter=letter,
        role=parent.role,
    )


def children_view(children: Iterable[Child]) -> ChildrenView:
    return ChildrenView(
        tuple(ChildView(c.name, c.full_name, c.date_of_birth, c.pronouns) for c in children)
    )


def redacted(case: Case) -> Case:
    """A copy of the case with every confidential address replaced by a stand-in.

    Clause text never sees a confidential address, so no clause can print one
    by mistake; :func:`.assembly.assert_no_confidential_text` checks the result too.
    """
    from .case import Address

    updates: dict[str, Any] = {}
    for key in ("parent_a", "parent_b"):
        parent = getattr(case, key)
        if parent.address is not None and parent.address.confidential:
            stand_in = Address.model_construct(
                street="(confidential)", unit=None, city="(confidential)", state="", postal_code="", confidential=True
            )
            updates[key] = parent.model_copy(update={"address": stand_in})
    return case.model_copy(update=updates) if updates else case


class _LazySchedule:
    """``schedule`` in clause text: computed on first use (most clauses never ask)."""

    def __init__(self, case: Case) -> None:
        self._case = case
        self._summary: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._summary is None:
            from .schedule_text import summarize_schedule

            self._summary = summarize_schedule(self._case)
        return getattr(self._summary, name)


def case_context(case: Case, *, ref: Callable[[str], str] | None = None) -> dict[str, Any]:
    """The names clause text, ``when`` conditions and form mappings can use."""
    safe = redacted(case)

    def party(letter: str) -> PersonView:
        if letter not in ("a", "b"):
            raise ValueError(f"party() takes 'a' or 'b', not {letter!r}")
        return person(safe.parent(letter), letter)  # type: ignore[arg-type]

    def other(letter: str) -> PersonView:
        return party("b" if letter == "a" else "a")

    def no_ref(clause_id: str) -> str:
        raise ValueError(f"ref({clause_id!r}) is only available while assembling an agreement")

    return {
        "case": safe,
        "a": person(safe.parent_a, "a"),
        "b": person(safe.parent_b, "b"),
        "party": party,
        "other": other,
        "kids": children_view(safe.children),
        "mediator": safe.mediator,
        "court": safe.court,
        "office": safe.office,
        "schedule": _LazySchedule(case),
        "ref": ref or no_ref,
    }


CONTEXT_NAMES = frozenset(
    {"case", "a", "b", "party", "other", "kids", "mediator", "court", "office", "schedule", "ref"}
)
"""Names always defined in clause text (``lint`` checks every other name is local)."""
