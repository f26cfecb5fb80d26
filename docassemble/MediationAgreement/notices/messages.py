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


LANGUAGES = ("en", "es")


@cache
def _wording(language: str = "en") -> tuple[str, dict[str, str]]:
    """The subject and messages in ``language`` (English at the top of the file; each other language under its code)."""
    data, _ = load_with_lines(str(_source()), error=CaseFileError)
    block = data if language == "en" else data.get(language)
    if not isinstance(block, dict) or not isinstance(block.get("messages"), dict):
        raise CaseFileError(f"the messages have no '{language}' version", path=str(_source()))
    english = {str(k) for k in data["messages"]}
    missing = sorted(english - {str(k) for k in block["messages"]})
    if missing:
        raise CaseFileError(f"the '{language}' messages lack {', '.join(missing)}: every message needs every language", path=str(_source()))
    return str(block["subject"]), {str(k): str(v) for k, v in block["messages"].items()}


def day_words(when: datetime, language: str = "en") -> str:
    if language == "es":
        from ..wording.formats import longdate_es

        return longdate_es(when.date())
    return f"{when:%B} {when.day}, {when.year}"


def compose(kind: NoticeKind, *, office: str, link: str | None = None, expires: datetime | None = None, language: str = "en") -> Message:
    """The message of ``kind`` for one parent, in their language, every name filled in (refused if the wording needs a name not given)."""
    from ..library.templating import sandbox_environment

    subject, messages = _wording(language if language in LANGUAGES else "en")
    if kind not in messages:
        raise CaseFileError(f"there is no message '{kind}'", path=str(_source()))
    names: dict[str, str] = {"office": office}
    if link is not None:
        names["link"] = link
    if expires is not None:
        names["expires"] = day_words(expires, language)
    env = sandbox_environment()
    try:
        return Message(" ".join(env.from_string(subject).render(names).split()), env.from_string(messages[kind]).render(names).strip() + "\n")
    except TemplateError as exc:
        raise CaseFileError(f"message '{kind}' cannot be filled in: {exc}", path=str(_source())) from None
