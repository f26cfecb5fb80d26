"""The issues a parent can name at intake (data: ``data/sources/intake/issues.yml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from ..case.yamlsource import load_with_lines
from ..errors import CaseFileError


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


@cache
def issue_kinds() -> tuple[IssueKind, ...]:
    source = files("docassemble.MediationAgreement") / "data" / "sources" / "intake" / "issues.yml"
    data, _ = load_with_lines(str(source), error=CaseFileError)
    return tuple(
        IssueKind(
            str(i["id"]),
            str(i["label"]),
            tuple(i.get("sections") or ()),
            tuple(IssueChoice(str(c["value"]), str(c["label"]), tuple((str(k), str(v)) for k, v in (c.get("sets") or {}).items())) for c in i.get("choices") or ()),
        )
        for i in data["issues"]
    )


def issue_kind(issue_id: str) -> IssueKind | None:
    return next((k for k in issue_kinds() if k.id == issue_id), None)


def issue_ids() -> list[str]:
    return [k.id for k in issue_kinds()]


def issue_label(issue_id: str) -> str:
    return next((k.label for k in issue_kinds() if k.id == issue_id), issue_id)
