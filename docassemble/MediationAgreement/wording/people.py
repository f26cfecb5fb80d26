"""How agreements say people: names, pronouns, and the grammar of one child or several.

Clause text (through :mod:`..library.templating`) and the schedule's wording
(:mod:`..schedule.words`) both speak of the parents and the children through
these views, so "the child lives" / "the children live" and *they* / *their*
come out the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .formats import join_and

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
