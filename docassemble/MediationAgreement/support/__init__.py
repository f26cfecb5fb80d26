"""Child support guideline engine: a guideline is data plus a small, named method.

Each guideline is a folder under ``guidelines/`` at the top of the repository
(``guideline.yml`` and its CSV tables); :func:`load_guideline` reads and checks
one, :func:`compute_worksheet` applies it to a family's figures::

    guideline = load_guideline("guidelines/wi-dcf-150")
    worksheet = compute_worksheet(guideline, SupportInputs(...))
    worksheet.payer, worksheet.monthly_amount, worksheet.to_json()

Every problem is a :class:`~docassemble.MediationAgreement.errors.GuidelineError`
naming the file and line (or the input field).  See ``docs/support.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .case_support import SupportTerms, compute_terms, default_guidelines_dir, find_guideline, guideline_dirs, support_terms
    from .compute import compute_worksheet
    from .context import Context, Model
    from .data import Guideline, Parameter, Period, Source, Table, TableEdition
    from .guideline import load_guideline, load_guidelines
    from .inputs import Child, ParentInputs, SupportInputs
    from .registry import MODELS
    from .worksheet import Worksheet, WorksheetLine

_WHERE = {
    "case_support": ("SupportTerms", "compute_terms", "default_guidelines_dir", "find_guideline", "guideline_dirs", "support_terms"),
    "compute": ("compute_worksheet",),
    "context": ("Context", "Model"),
    "data": ("Guideline", "Parameter", "Period", "Source", "Table", "TableEdition"),
    "guideline": ("load_guideline", "load_guidelines"),
    "inputs": ("Child", "ParentInputs", "SupportInputs"),
    "registry": ("MODELS",),
    "worksheet": ("Worksheet", "WorksheetLine"),
}
"""Each name this package offers, by the module that defines it: imported on first use, so that an agreement
whose support needs no guideline (an amount the parents give) does not load the guideline engine."""
__all__ = [
    "Child",
    "Context",
    "Guideline",
    "MODELS",
    "Model",
    "Parameter",
    "ParentInputs",
    "Period",
    "Source",
    "SupportInputs",
    "SupportTerms",
    "Table",
    "TableEdition",
    "Worksheet",
    "WorksheetLine",
    "compute_terms",
    "compute_worksheet",
    "default_guidelines_dir",
    "find_guideline",
    "guideline_dirs",
    "load_guideline",
    "load_guidelines",
    "support_terms",
]


def __getattr__(name: str) -> Any:
    for module, names in _WHERE.items():
        if name in names:
            value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
