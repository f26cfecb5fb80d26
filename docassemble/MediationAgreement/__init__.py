"""Mediated parenting agreements assembled from a clause library.

The engine is plain Python: load a case, load clause libraries, assemble an
:class:`AgreementDocument`, render it.  Nothing here imports docassemble;
``docassemble.MediationAgreement.da_adapter`` is the one module that does.
"""

from .case.model import Case, load_case
from .errors import MediationError

__all__ = ["Case", "MediationError", "load_case"]
__version__ = "0.1.0"
