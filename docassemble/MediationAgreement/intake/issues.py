"""The issues a parent can name at intake (data: ``data/sources/intake/issues.yml``).

Labels come in the parent's language: English, or the ``es:`` beside each label
(``es: {label: ...}`` on an issue and on each of its choices).  The ids, choice
values and what each choice ``sets`` are the same in every language; a missing
``es`` label is refused, naming the file, the line and the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from ..case.yamlsource import LineMap, load_with_lines
from ..errors import CaseFileError
from .files import own_words


@dataclass(frozen=True)
class IssueChoice:
    value: str
    label: str
    sets: tuple[tuple[str, str], ...]
    """(case-file path, value), with ``{me}`` / ``{other}`` for the parent who picked it and the other one."""

    def resolved(self, party: str) -> tuple[tuple[str, str], ...]:
        """What the choice means in the case file, when ``party`` picked it."""
        other = "b" if party == "a" else "a"
        return tuple(sorted((path, value.replace("{me}", party).replace("{other}", other)) for path, value in self.sets))


@dataclass(frozen=True)
class IssueKind:
    id: str
    label: str
    sections: tuple[str, ...]
    choices: tuple[IssueChoice, ...] = ()

    def choice(self, value: str | None) -> IssueChoice | None:
        return next((c for c in self.choices if c.value == value), None)


def _source() -> str:
    return str(files("docassemble.MediationAgreement") / "data" / "sources" / "intake" / "issues.yml")


def _label(holder: dict[str, Any], where: tuple[Any, ...], language: str, source: str, lines: LineMap) -> str:
    if language == "en":
        return str(holder["label"])
    refusal = f"has no '{language}' label: add `{language}: {{label: ...}}` beside the English one"
    return own_words(holder, "label", language, where, source=source, lines=lines, refusal=refusal)


@cache
def issue_kinds(language: str = "en") -> tuple[IssueKind, ...]:
    """The issues, labelled in ``language`` (``en``, or the file's ``es:`` forms)."""
    source = _source()
    data, lines = load_with_lines(source, error=CaseFileError)
    return tuple(
        IssueKind(
            str(i["id"]),
            _label(i, ("issues", n), language, source, lines),
            tuple(i.get("sections") or ()),
            tuple(
                IssueChoice(str(c["value"]), _label(c, ("issues", n, "choices", m), language, source, lines), tuple((str(k), str(v)) for k, v in (c.get("sets") or {}).items()))
                for m, c in enumerate(i.get("choices") or ())
            ),
        )
        for n, i in enumerate(data["issues"])
    )


def issue_kind(issue_id: str, language: str = "en") -> IssueKind | None:
    return next((k for k in issue_kinds(language) if k.id == issue_id), None)


def issue_ids() -> list[str]:
    return [k.id for k in issue_kinds()]


def issue_label(issue_id: str, language: str = "en") -> str:
    return next((k.label for k in issue_kinds(language) if k.id == issue_id), issue_id)
