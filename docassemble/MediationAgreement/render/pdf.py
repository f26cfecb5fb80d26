"""The agreement as a PDF/A-2b file, typeset by Typst.

The layout lives in ``templates/agreement.typ``; this module hands it the
:class:`~.document.AgreementDocument` as JSON through ``sys.inputs`` and never
writes party or clause text into Typst source, so whatever a name contains
(``#set page(width: 1pt)``, ``*bold*``, ``$x$``) is printed literally.

Only the fonts bundled inside the ``typst`` wheel are used by default
(Libertinus Serif, with New Computer Modern and DejaVu Sans Mono as fallbacks),
so the same document gives the same bytes on every machine.  Text those fonts
cannot show (Chinese, for example) raises :class:`~.errors.RenderError`;
pass ``font_paths`` naming a folder of fonts that cover it.

>>> pdf = render_pdf(doc)                                   # doctest: +SKIP
>>> pdf = render_pdf(doc, font_paths=["/usr/share/fonts/truetype/droid"])  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ..assembly.document import AgreementDocument
from ..errors import RenderError
from .typesetting import PDF_STANDARD, date_timestamp, typeset

__all__ = ["PDF_STANDARD", "TEMPLATE_NAME", "pdf_timestamp", "render_pdf"]

TEMPLATE_NAME = "agreement.typ"
"""File name of the layout inside the package's ``data/templates`` folder."""


def pdf_timestamp(doc: AgreementDocument) -> int:
    """Seconds since the epoch written as the PDF's creation date.

    The agreement's own date (``metadata["date_iso"]``) at midnight UTC, or the
    epoch when the document has none: never the clock, so bytes repeat.
    """
    value = doc.metadata.get("date_iso")
    if not value:
        return 0
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise RenderError(f"not a date (YYYY-MM-DD): {value!r}", field_path="metadata.date_iso") from None
    return date_timestamp(day)


def render_pdf(doc: AgreementDocument, *, font_paths: Sequence[str | Path] = ()) -> bytes:
    """Typeset ``doc`` as a tagged PDF/A-2b file and return its bytes.

    The same document always gives the same bytes.  ``font_paths`` adds
    folders of fonts to the bundled ones (for scripts they do not cover).
    Raises :class:`RenderError` when Typst cannot typeset the document; the
    message says what failed and where in the layout.
    """
    return typeset(
        TEMPLATE_NAME,
        {"doc": doc.to_data()},
        what="the agreement",
        timestamp=pdf_timestamp(doc),
        font_paths=font_paths,
    )
