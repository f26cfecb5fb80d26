"""The sandbox clause text runs in, and the names it can use.

Clause text is data written by staff, so it is rendered by Jinja2's sandbox
with :class:`~jinja2.StrictUndefined`: a misspelt name is an error, never a
blank, and ``{{ ''.__class__ }}``-style access is refused.  The sandbox is
:class:`.bounded.BoundedSandbox`: texts, lists and numbers, loop iterations,
calls and time are limited, and only documented names of the case model can be
used.  :func:`case_context` builds the names documented in
``docs/clause-format.md`` (``case``, ``a``, ``b``, ``kids``, ``party()``...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from jinja2 import StrictUndefined, Template

from ..wording.formats import FILTERS
from ..wording.people import ChildrenView, ChildView, PersonView
from .bounded import BoundedSandbox

if TYPE_CHECKING:
    from ..case.model import Case, Child, Parent


@cache
def sandbox_environment(language: str = "en") -> BoundedSandbox:
    """The Jinja2 environment every clause, mapping and `when` is rendered in.

    One per language: the same filter names give that language's words
    (``|longdate`` is "March 5, 2026" in English, "5 de marzo de 2026" in Spanish).
    """
    env = BoundedSandbox(
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        keep_trailing_newline=False,
    )
    env.filters.update(filters_for(language))
    return env


def filters_for(language: str) -> dict[str, Callable[..., Any]]:
    """The filters clause text in ``language`` uses (``en`` and ``es``; see :data:`LANGUAGES`)."""
    if language == "en":
        return FILTERS
    if language == "es":
        from ..wording.spanish import FILTERS_ES

        return FILTERS_ES
    raise ValueError(f"no clause wording for language {language!r} (known: {', '.join(LANGUAGES)})")


LANGUAGES = ("en", "es")
"""Languages clause text can be written in: the engine's words for people, numbers and dates exist for these."""


def compile_sandboxed(source: str, language: str = "en") -> Template:
    """A clause text compiled in the sandbox, its bytecode kept on disk between processes (:mod:`.bytecode`)."""
    from .bytecode import template_from_cache

    env = sandbox_environment(language)
    return template_from_cache(env, "text", source, lambda: env.compile(source))


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
    from ..case.model import Address

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
    """``schedule`` in clause text: computed on first use (most clauses never ask), in the text's language."""

    def __init__(self, case: Case, language: str = "en") -> None:
        self._case = case
        self._language = language
        self._summary: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._summary is None:
            from ..schedule.text import summarize_schedule

            self._summary = summarize_schedule(self._case, language=self._language)
        return getattr(self._summary, name)


class _LazySupport:
    """``support`` in clause text when no one computed it first: the guideline terms, computed on first use."""

    def __init__(self, case: Case, language: str = "en") -> None:
        self._case = case
        self._language = language
        self._terms: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._terms is None:
            from ..support.case_support import support_terms

            self._terms = support_terms(self._case)
        if self._language != "en":
            from ..support.labels import translated_value

            return translated_value(getattr(self._terms, name), self._language)
        return getattr(self._terms, name)


def case_context(case: Case, *, ref: Callable[[str], str] | None = None, support: Any = None, language: str = "en") -> dict[str, Any]:
    """The names clause text, ``when`` conditions and form mappings can use.

    ``language`` is the text's: in ``es`` the parents, the children and the
    schedule speak Spanish (:mod:`..wording.spanish`); the case is the same.

    ``support`` is the case's :class:`~..support.case_support.SupportTerms` when
    the caller computed them (assembly does, so that a guideline problem is
    reported as itself); otherwise they are computed when clause text first asks.
    """
    safe = redacted(case)
    filters_for(language)  # refuses a language the engine has no words for
    speak: Callable[[Parent, str], Any] = person
    kids: Any = children_view(safe.children)
    if language == "es":
        from ..wording.spanish import ChildrenViewEs, PersonViewEs

        def speak(parent: Parent, letter: str) -> Any:
            return PersonViewEs(parent.short_name, parent.full_name, parent.pronouns, letter, parent.role)

        kids = ChildrenViewEs(kids.list)
        if support is not None:
            from ..support.labels import TranslatedView

            support = TranslatedView(support, language)

    def party(letter: str) -> Any:
        if letter not in ("a", "b"):
            raise ValueError(f"party() takes 'a' or 'b', not {letter!r}")
        return speak(safe.parent(letter), letter)  # type: ignore[arg-type]

    def other(letter: str) -> Any:
        return party("b" if letter == "a" else "a")

    def no_ref(clause_id: str) -> str:
        raise ValueError(f"ref({clause_id!r}) is only available while assembling an agreement")

    return {
        "case": safe,
        "a": speak(safe.parent_a, "a"),
        "b": speak(safe.parent_b, "b"),
        "party": party,
        "other": other,
        "kids": kids,
        "mediator": safe.mediator,
        "court": safe.court,
        "office": safe.office,
        "schedule": _LazySchedule(case, language),
        "support": support if support is not None else _LazySupport(case, language),
        "ref": ref or no_ref,
    }


CONTEXT_NAMES = frozenset(
    {"case", "a", "b", "party", "other", "kids", "mediator", "court", "office", "schedule", "support", "ref"}
)
"""Names always defined in clause text (``lint`` checks every other name is local)."""
