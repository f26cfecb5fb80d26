"""Renderers: the document model to PDF, DOCX and HTML; the calendar to PDF and ``.ics``.

Rooms: :mod:`.formats` (every requested format in one call),
:mod:`.pdf`, :mod:`.docx`, :mod:`.html`, :mod:`.calendar`, and
:mod:`.typesetting` (the one place Typst turns a layout and data into a PDF).
The face imports only :mod:`.formats`; the renderers load their libraries
(Typst, python-docx) when first used.
"""

from __future__ import annotations

from .formats import FORMATS, render_outputs

__all__ = [
    "FORMATS",
    "render_outputs",
]
