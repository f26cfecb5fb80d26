"""Flattening: paint every form field's current appearance into its page and remove the form.

A flattened copy shows the same values but can no longer be edited.  The work
is qpdf's, through pikepdf (a docassemble dependency): ``flatten_annotations``
draws each widget's appearance stream into its page and drops the widget;
widgets that are hidden or not for viewing ("screen" mode) and widgets with
nothing to paint are dropped unpainted; links and other annotations stay.  The
interactive form itself is then removed, so no viewer offers empty fields
over the painted values.
"""

from __future__ import annotations

import io

from ..errors import FormError


def flatten_pdf(data: bytes) -> bytes:
    """A copy of ``data`` with every form field painted into the page and the form removed."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if "/AcroForm" in pdf.Root:
                pdf.generate_appearance_streams()  # fields whose appearance the filler left to the viewer (NeedAppearances)
            pdf.flatten_annotations(mode="screen")
            for page in pdf.pages:  # widgets with nothing to paint (hidden, or an unsigned signature field) go too
                annots = page.obj.get("/Annots")
                if annots is not None:
                    kept = [a for a in annots if a.get("/Subtype") != "/Widget"]
                    if not kept:
                        del page.obj["/Annots"]
                    elif len(kept) != len(annots):
                        page.obj["/Annots"] = pikepdf.Array(kept)
            if "/AcroForm" in pdf.Root:
                del pdf.Root["/AcroForm"]
            buffer = io.BytesIO()
            pdf.save(buffer)
    except pikepdf.PdfError as exc:
        raise FormError(f"the filled form could not be flattened: {exc}") from None
    return buffer.getvalue()


__all__ = ["flatten_pdf"]
