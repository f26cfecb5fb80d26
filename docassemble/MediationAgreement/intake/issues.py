"""The issues a parent can name at intake (data: ``data/sources/intake/issues.yml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from ..case.yamlsource import load_with_lines
from ..errors import CaseFileError


@dataclass(frozen=True)
class IssueKind:
    id: str
    label: str
    sections: tuple[str, ...]


@cache
def issue_kinds() -> tuple[IssueKind, ...]:
    source = files("docassemble.MediationAgreement") / "data" / "sources" / "intake" / "issues.yml"
    data, _ = load_with_lines(str(source), error=CaseFileError)
    return tuple(IssueKind(str(i["id"]), str(i["label"]), tuple(i.get("sections") or ())) for i in data["issues"])


def issue_ids() -> list[str]:
    return [k.id for k in issue_kinds()]


def issue_label(issue_id: str) -> str:
    return next((k.label for k in issue_kinds() if k.id == issue_id), issue_id)
