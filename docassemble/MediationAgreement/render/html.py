"""The agreement as HTML: a complete page, or a fragment for a docassemble screen.

The markup comes from ``templates/agreement.html`` (Jinja2, autoescape on, so
a name like ``<b>x</b>`` or ``{{x}}`` shows as typed).  The page is built for
a parent reading on a phone: one column, a viewport meta tag, a contents list,
headings in order (``h1`` title, ``h2`` sections, ``h3`` clauses), tables that
scroll sideways inside their own box, inline CSS and no external resources.
Each clause has an anchor ``id="clause-4-2"`` (clause 4.2) so a review screen
or an e-mail can link straight to it.

>>> page = render_html(doc)                 # doctest: +SKIP
>>> part = render_html_fragment(doc)        # doctest: +SKIP  (an <article>, for embedding)
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from jinja2 import Environment, StrictUndefined, Template, TemplateError

from ..assembly.document import AgreementDocument
from ..errors import RenderError

__all__ = ["DRAFT_MARK", "TEMPLATE_NAME", "clause_anchor", "html_stylesheet", "render_html", "render_html_fragment"]

TEMPLATE_NAME = "agreement.html"
"""File name of the markup inside the package's ``data/templates`` folder."""

DRAFT_MARK = "DRAFT — not for signature"
"""Text of the banner at the top of a draft."""

_TEMPLATE_LABEL = f"templates/{TEMPLATE_NAME}"


def clause_anchor(number: str) -> str:
    """The ``id`` of a clause's element: ``"4.2"`` -> ``"clause-4-2"``."""
    return "clause-" + number.replace(".", "-")


def _with_stop(title: str) -> str:
    """A clause title ending in a full stop, as headings in the agreement do."""
    title = title.strip()
    return title if title.endswith((".", "?", "!", ":")) else f"{title}."


@lru_cache(maxsize=1)
def _template() -> Template:
    """The compiled template, read once from the installed package."""
    resource = files("docassemble.MediationAgreement") / "data" / "templates" / TEMPLATE_NAME
    try:
        source = resource.read_text(encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"cannot read the HTML template: {exc.strerror or exc}", path=_TEMPLATE_LABEL) from None
    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["with_stop"] = _with_stop
    try:
        return env.from_string(source)
    except TemplateError as exc:
        raise RenderError(f"the HTML template is invalid: {exc}", path=_TEMPLATE_LABEL, line=getattr(exc, "lineno", None)) from None


def _render(doc: AgreementDocument, *, fragment: bool) -> str:
    try:
        return _template().render(doc=doc, fragment=fragment)
    except TemplateError as exc:
        raise RenderError(f"cannot render the HTML: {exc}", path=_TEMPLATE_LABEL, line=getattr(exc, "lineno", None)) from None


def render_html(doc: AgreementDocument) -> str:
    """A complete, self-contained HTML5 page of the agreement."""
    return _render(doc, fragment=False)


def render_html_fragment(doc: AgreementDocument) -> str:
    """The same markup as :func:`render_html`, without ``<html>``, ``<head>`` or styles.

    One ``<article class="agreement">`` element, to place inside a docassemble
    screen; add :func:`html_stylesheet` to the page (for example in the
    interview's ``css`` file) for the same look as the full page.
    """
    return _render(doc, fragment=True)


def html_stylesheet() -> str:
    """The CSS the full page inlines, scoped to ``.agreement``."""
    try:
        return str(_template().module.stylesheet())  # type: ignore[attr-defined]
    except TemplateError as exc:
        raise RenderError(f"cannot render the HTML stylesheet: {exc}", path=_TEMPLATE_LABEL) from None
