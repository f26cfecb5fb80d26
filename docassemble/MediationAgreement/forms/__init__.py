"""Fillable PDF forms (AcroForm): read a form's fields, check values, fill, flatten.

pypdf's own ``update_page_form_field_values`` silently skips a field name it
does not find and takes any value for a checkbox.  Everything here checks
first and fills second: :func:`read_form` lists every field with its type,
allowed values and position; :func:`.form_values.value_problems` says why a value does not
fit a field; :func:`fill_form` refuses bad values, fills with pypdf, draws an
appearance for every filled widget (so values show in any viewer, including
poppler's ``pdftotext``), reads the result back and refuses to return a PDF
whose fields did not take their values.

Forms found in the wild have quirks this module handles: checkbox on-states
named ``/no`` or ``/No`` (any name but ``/Off`` means *on*), field names with
double spaces, on-states that exist only on a child widget and not on the
field, fonts named in ``/DA`` but missing from ``/DR``.

Rooms: :mod:`.fields` (reading the fields), :mod:`.values` (checking
values), :mod:`.filling`, :mod:`.flattening`, :mod:`.pdf_files` (opening PDFs
safely), :mod:`.coversheet` (mapping a case onto a court's form) and
:mod:`.packet` (the filing packet).
"""

from .fields import FormField, PdfForm, read_form, signed_signature_fields
from .filling import FilledForm, fill_form
from .flattening import flatten_pdf
from .pdf_files import open_pdf

__all__ = [
    "FilledForm",
    "FormField",
    "PdfForm",
    "fill_form",
    "flatten_pdf",
    "open_pdf",
    "read_form",
    "signed_signature_fields",
]
