"""Signatures, the Certificate of Completion, the office's PAdES seal, and verification.

Rooms: :mod:`.signatures` (capturing a drawn or typed signature; the seal
configuration), :mod:`.certificate` (the Certificate of Completion and the
record it carries), :mod:`.seal` (the executed, sealed PDF), :mod:`.verify`
(checking a sealed agreement and its record), :mod:`.devcert` (development-only
certificates).
"""

from __future__ import annotations

from .signatures import SignatureCapture, SigningConfig, capture_signature

__all__ = [
    "SignatureCapture",
    "SigningConfig",
    "capture_signature",
]
