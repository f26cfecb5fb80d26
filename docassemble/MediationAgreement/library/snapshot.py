"""A loaded clause library kept on disk between processes (in :mod:`..kept`'s folder).

Reading the package's library — about a hundred YAML files, each parsed with
its line numbers and checked against the clause shape — is about 30 ms of
every command that assembles an agreement, paid again by each process.  A
strict load is therefore also kept, pickled, one file per stack of folders
and language.  It is given again only when both of these are unchanged:

* the stack's stamp (:func:`~.folders.stack_stamp`: the names and contents of
  every YAML file in it, read each time), so an edited clause is read afresh;
* the loader (:func:`loader_fingerprint`: the package's Python code and the
  versions of Python, pydantic and PyYAML), so an upgrade or a new check never
  answers with a library the new code would have read differently.

A damaged or unreadable file is a miss: the library is read from its files and
kept again.  The folder keeps the newest 32 libraries.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from .. import kept

_KIND = "library"


@cache
def loader_fingerprint() -> bytes | None:
    """The package's code (:func:`..kept.package_stamp`) and the versions of Python, pydantic and PyYAML, once
    per process.  None when a source cannot be looked at: then no snapshot is read or written."""
    import pydantic
    import yaml

    code = kept.package_stamp()
    if code is None:
        return None
    return hashlib.blake2b(f"{sys.version}\0{pydantic.VERSION}\0{yaml.__version__}\0".encode() + code, digest_size=32).digest()


def _key(folders: Sequence[Path], language: str) -> str:
    return kept.key(language, *map(str, folders))


def load_snapshot(folders: Sequence[Path], language: str, stamp: bytes) -> object | None:
    """The library last kept for this stack and language, if its stamp and the loader's code still match
    (the caller checks it is a library)."""
    fingerprint = loader_fingerprint()
    if fingerprint is None:
        return None
    payload = kept.read(_KIND, _key(folders, language), stamp + fingerprint)
    if payload is None:
        return None
    try:
        return pickle.loads(payload)  # noqa: S301 - our own file, in a folder only this user can write to
    except Exception:  # noqa: BLE001 - a damaged or foreign file is a miss, never an error
        return None


def save_snapshot(folders: Sequence[Path], language: str, stamp: bytes, library: object) -> None:
    """Keep the library for the next process."""
    fingerprint = loader_fingerprint()
    if fingerprint is None or kept.folder() is None:
        return
    try:
        payload = pickle.dumps(library, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - something in it cannot be pickled: keep it in this process only
        return
    kept.write(_KIND, _key(folders, language), stamp + fingerprint, payload)
