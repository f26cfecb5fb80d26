"""One worksheet: a guideline applied to a family's figures on the agreement date."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .context import Context
from .data import Guideline
from .guideline import load_guideline
from .inputs import SupportInputs
from .registry import MODELS
from .worksheet import Worksheet


def compute_worksheet(guideline: Guideline | str | Path, inputs: SupportInputs, *, overrides: Mapping[str, Any] | None = None) -> Worksheet:
    """Apply ``guideline`` (loaded, or a folder to load) to ``inputs``.

    ``inputs.as_of`` (the agreement date) must fall inside the guideline's
    effective dates, and every table and parameter the method reads must have
    a value in force on it.  ``overrides`` supplies parameter values for this
    calculation only (a figure the guideline file leaves out, e.g. a poverty
    guideline not yet published); each one used is named in ``worksheet.notes``.
    """
    loaded = guideline if isinstance(guideline, Guideline) else load_guideline(guideline)
    checked = inputs.validated()
    loaded.check_in_force(checked.as_of)
    context = Context(guideline=loaded, inputs=checked, overrides=dict(overrides or {}))
    return MODELS[loaded.model].compute(context)
