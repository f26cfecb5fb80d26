"""What the office's messages to a parent say (data: ``data/sources/notices.yml``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from jinja2 import TemplateError

from ..case.yamlsource import load_with_lines
from ..errors import CaseFileError

NoticeKind = Literal["intake_link", "draft_ready", "other_approved", "final", "link_expiring", "checkin"]
WITH_LINK: tuple[NoticeKind, ...] = ("intake_link", "draft_ready")
"""The messages that ask the parent to act, each with a new link of its own."""


@dataclass(frozen=True)
class Message:
    subject: str
    text: str


def _source() -> Any:
    return files("docassemble.MediationAgreement") / "data" / "sources" / "notices.yml"


@cache
def _wording() -> tuple[str, dict[str, str]]:
    data, _ = load_with_lines(str(_source()), error=CaseFileError)
    return str(data["subject"]), {str(k): str(v) for k, v in data["messages"].items()}


def day_words(when: datetime) -> str:
    return f"{when:%B} {when.day}, {when.year}"


def compose(kind: NoticeKind, *, office: str, link: str | None = None, expires: datetime | None = None) -> Message:
    """The message of ``kind`` for one parent, every name filled in (refused if the wording needs a name not given)."""
    from ..library.templating import sandbox_environment

    subject, messages = _wording()
    if kind not in messages:
        raise CaseFileError(f"there is no message '{kind}'", path=str(_source()))
    names: dict[str, str] = {"office": office}
    if link is not None:
        names["link"] = link
    if expires is not None:
        names["expires"] = day_words(expires)
    env = sandbox_environment()
    try:
        return Message(" ".join(env.from_string(subject).render(names).split()), env.from_string(messages[kind]).render(names).strip() + "\n")
    except TemplateError as exc:
        raise CaseFileError(f"message '{kind}' cannot be filled in: {exc}", path=str(_source())) from None
