"""The agreement to mediate: its text (data an office can replace), and the signed PDF.

The default wording is ``data/sources/intake/agreement_to_mediate.yml``; an
office gives its own file of the same shape.  Its text is rendered in the
clause sandbox (Jinja2, StrictUndefined) with ``office``, ``mediator`` and
``parent``; a file that drops one of the points it lists as ``required`` is
refused, naming the file and the point, so a required part never disappears
silently.

A parent whose language is not English reads the same file's ``es:`` forms
(``language="es"``): beside each text its own words (a point's ``es: {heading,
text}``, ``signing: es: statement``, the top-level ``es: title``).  The points
and what is required are the English file's; a missing ``es`` text is refused,
naming the file, the line and the key, never shown in English instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from ..case.yamlsource import load_with_lines
from ..errors import CaseFileError, RenderError
from ..signing.signatures import SignatureCapture, sha256_hex
from .files import own_words

DEFAULT_FILE = "agreement_to_mediate.yml"


@dataclass(frozen=True)
class Point:
    id: str
    heading: str
    text: str


@dataclass(frozen=True)
class AgreementToMediate:
    """The agreement as one parent reads it: every name filled in."""

    title: str
    version: str
    points: tuple[Point, ...]
    statement: str
    language: str = "en"
    """The language of the words (the file's English, or its ``es:`` forms)."""

    @property
    def text(self) -> str:
        """The whole agreement as plain text: what the parent is shown and what the signature binds to."""
        body = "\n\n".join(f"{p.heading}\n{p.text}" for p in self.points)
        return f"{self.title}\n\n{body}\n\n{self.statement}"

    @property
    def sha256(self) -> str:
        return sha256_hex(self.text)


def default_source() -> Any:
    return files("docassemble.MediationAgreement") / "data" / "sources" / "intake" / DEFAULT_FILE


def load_agreement(*, office: str, mediator: str, parent: str, path: str | Path | None = None, language: str = "en") -> AgreementToMediate:
    """Read the agreement to mediate (the office's file, else the default) and fill in the names, in ``language``."""
    from ..library.templating import sandbox_environment

    source = str(path) if path is not None else str(default_source())
    data, lines = load_with_lines(source, error=CaseFileError)
    if not isinstance(data, dict) or not isinstance(data.get("points"), list):
        raise CaseFileError("an agreement to mediate needs `title`, `points` (a list) and `signing.statement`", path=source, line=1)
    names = {"office": office, "mediator": mediator, "parent": parent}
    env = sandbox_environment()

    def render(text: Any, where: tuple[Any, ...]) -> str:
        if not isinstance(text, str) or not text.strip():
            raise CaseFileError("must be text", path=source, line=lines.line_for(where), field_path=".".join(str(p) for p in where))
        try:
            return " ".join(env.from_string(text).render(names).split())
        except TemplateError as exc:
            raise CaseFileError(f"cannot be filled in: {exc}", path=source, line=lines.line_for(where), field_path=".".join(str(p) for p in where)) from None

    def words(holder: Any, key: str, where: tuple[Any, ...]) -> str:
        """``holder[key]`` in English, else ``holder[language][key]``; refused, naming the key, when missing."""
        if language == "en":
            return render(holder.get(key) if isinstance(holder, dict) else None, (*where, key))
        refusal = f"has no '{language}' text: add `{language}: {{{key}: ...}}` beside the English (a parent whose language is {language} reads it)"
        return render(own_words(holder, key, language, where, source=source, lines=lines, refusal=refusal), (*where, language, key))

    points = []
    for n, point in enumerate(data["points"]):
        if not isinstance(point, dict) or not isinstance(point.get("id"), str):
            raise CaseFileError("each point needs an `id`, a `heading` and a `text`", path=source, line=lines.line_for(("points", n)), field_path=f"points[{n}]")
        points.append(Point(point["id"], words(point, "heading", ("points", n)), words(point, "text", ("points", n))))
    present = {p.id for p in points}
    for required in data.get("required") or ():
        if required not in present:
            raise CaseFileError(f"the point '{required}' is required and missing: every agreement to mediate must keep it", path=source, line=lines.line_for(("required",)), field_path="required")
    signing = data.get("signing") if isinstance(data.get("signing"), dict) else {}
    statement = words(signing, "statement", ("signing",))
    return AgreementToMediate(words(data, "title", ()), str(data.get("version") or ""), tuple(points), statement, language)


def agreement_pdf(agreement: AgreementToMediate, capture: SignatureCapture, *, signed_at: datetime, printed_name: str, office: str) -> bytes:
    """The signed agreement to mediate as PDF/A: the text, the signature and when it was made."""
    from ..render.typesetting import typeset
    from ..signing.signatures import trimmed_signature_png

    if capture.consent_sha256 != agreement.sha256:
        raise RenderError("the signature was made on a different text of the agreement to mediate")
    from ..assembly.words import agreement_words
    from ..wording.formats import longdate, longdate_es

    png = trimmed_signature_png(capture.image_png) if capture.image_png is not None else None
    language = agreement.language if agreement.language in ("en", "es") else "en"
    words = agreement_words(language)
    day = longdate_es(signed_at.date()) if language == "es" else longdate(signed_at.date())
    when = words["at_time_utc"].format(date=day, time=signed_at.strftime("%H:%M"))
    data = {
        "title": agreement.title,
        "office": office,
        "version": agreement.version,
        "points": [{"heading": p.heading, "text": p.text} for p in agreement.points],
        "statement": agreement.statement,
        "printed_name": printed_name,
        "typed_name": capture.typed_name,
        "image_png": list(png) if png is not None else None,
        "signed_at": when,
        "sha256": agreement.sha256,
        "language": language,
        "footer": words["atm_footer"].format(office=office, version=agreement.version),
        "signed_line": words["atm_drawn" if png is not None else "atm_typed"].format(when=when),
        "sha256_line": words["atm_sha256"].format(sha256=agreement.sha256),
        "signature_of": words["signature_of"].format(name=printed_name),
    }
    return typeset("agreement_to_mediate.typ", {"data": data}, what="the agreement to mediate", timestamp=int(signed_at.timestamp()))
