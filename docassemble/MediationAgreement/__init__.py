"""Mediated parenting agreements assembled from a clause library.

The engine is plain Python: load a case, load clause libraries, assemble an
:class:`~.assembly.document.AgreementDocument`, render it.  Nothing here
imports docassemble; ``docassemble.MediationAgreement.da_adapter`` is the one
package that does.  Each concept has its own folder (``case/``, ``schedule/``,
``library/``, ``assembly/``, ``render/``...; see README.md).

``Case`` and ``load_case`` are loaded on first use, so that importing any part
of the package (the command line's ``--help``, say) does not pay for the case
model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import MediationError

if TYPE_CHECKING:
    from .case.model import Case, load_case

__all__ = ["Case", "MediationError", "load_case"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in ("Case", "load_case"):
        from .case import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
