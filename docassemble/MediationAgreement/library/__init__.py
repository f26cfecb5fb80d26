"""Clause libraries: loading, overlays, the sandbox clause text runs in, and lint.

Rooms: :mod:`.clauses` (clause files, libraries laid one over another),
:mod:`.templating` (the Jinja2 sandbox and the names clause text can use),
:mod:`.bounded` (the sandbox's limits: sizes, steps, time, documented names only),
:mod:`.evaluation` (running clause text and expressions, every failure a message),
:mod:`.lint` (static checks of a library, ``path:line: message``).
"""

from __future__ import annotations

from .clauses import Clause, ClauseLibrary, default_library_dir, load_case_library, load_library, state_overlays, with_state_overlay
from .templating import CONTEXT_NAMES, case_context, sandbox_environment

__all__ = [
    "CONTEXT_NAMES",
    "Clause",
    "ClauseLibrary",
    "case_context",
    "default_library_dir",
    "lint_library",
    "load_case_library",
    "load_library",
    "sandbox_environment",
    "state_overlays",
    "with_state_overlay",
]


def __getattr__(name: str) -> object:
    """``lint_library`` is imported when first asked for: assembling never needs lint's checks."""
    if name == "lint_library":
        from .lint import lint_library

        return lint_library
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
