"""A loaded clause library kept on disk between processes, beside the compiled clause texts.

Reading the package's library — about a hundred YAML files, each parsed with
its line numbers and checked against the clause shape — is about 30 ms of
every command that assembles an agreement, paid again by each process.  A
strict load is therefore also written, pickled, to the private folder that
:mod:`.bytecode` keeps compiled clause texts in, one file per stack of folders
and language.  It is given again only when both of these are unchanged:

* the stack's stamp (:func:`~.folders.stack_stamp`: the names and contents of
  every YAML file in it, read each time), so an edited clause is read afresh;
* the loader's code (:func:`loader_fingerprint`: the modules that read and
  check a library, by name, size and modification time as Python checks its
  own ``.pyc`` files, and the versions of Python, pydantic and PyYAML), so an
  upgrade or a new check never answers with a library the new code would have
  read differently.

The folder's rules are the compiled texts' (a per-user folder no one else can
write to; ``$MEDIATION_TEMPLATE_CACHE=off`` turns both off).  A damaged or
unreadable file is a miss: the library is read from its files and the
snapshot written again.  The folder keeps the newest 32 snapshots.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from ..outputs import write_atomically
from .bytecode import bytecode_cache

_LOADER_MODULES = ("library", "case", "errors.py")
"""What decides how a library is read and checked, relative to the package: these folders' and files' Python sources."""
_KEEP = 32
"""Snapshots kept in the folder at most (the oldest written go first): one per stack and language in use."""


@cache
def loader_fingerprint() -> bytes | None:
    """A digest of the loader's Python sources — each file's name, size and modification time, the rule Python
    itself uses for its ``.pyc`` files — and the versions of Python, pydantic and PyYAML (once per process).
    None when a source cannot be looked at: then no snapshot is read or written."""
    import pydantic
    import yaml

    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(f"{sys.version}\0{pydantic.VERSION}\0{yaml.__version__}\0".encode(), digest_size=32)
    try:
        for name in _LOADER_MODULES:
            where = package / name
            for path in sorted(where.rglob("*.py")) if where.is_dir() else [where]:
                info = path.stat()
                digest.update(f"{path.relative_to(package)}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    except OSError:
        return None
    return digest.digest()


def _snapshot_path(folders: Sequence[Path], language: str) -> Path | None:
    cache_folder = getattr(bytecode_cache(), "directory", None)
    if cache_folder is None or loader_fingerprint() is None:
        return None
    key = hashlib.blake2b("\0".join([language, *map(str, folders)]).encode(errors="surrogateescape"), digest_size=16).hexdigest()
    return Path(cache_folder) / f"__mediation_library_{key}.pickle"


def load_snapshot(folders: Sequence[Path], language: str, stamp: bytes) -> object | None:
    """The library last written for this stack and language, if its stamp and the loader's code still match
    (the caller checks it is a library)."""
    path = _snapshot_path(folders, language)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = stamp + (loader_fingerprint() or b"")
    if not data.startswith(head):
        return None
    try:
        return pickle.loads(data[len(head):])  # noqa: S301 - our own file, in a folder only this user can write to
    except Exception:  # noqa: BLE001 - a damaged or foreign file is a miss, never an error
        return None


def save_snapshot(folders: Sequence[Path], language: str, stamp: bytes, library: object) -> None:
    """Write the library for the next process (whole or not at all; a full or read-only disk is not an error)."""
    path = _snapshot_path(folders, language)
    if path is None:
        return
    try:
        data = stamp + (loader_fingerprint() or b"") + pickle.dumps(library, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - something in it cannot be pickled: keep it in this process only
        return
    try:
        write_atomically(path, data, mode=0o600)
        _prune(path.parent)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    """Keep the :data:`_KEEP` newest snapshots (libraries in temporary folders would otherwise pile up)."""
    found = []
    for entry in os.scandir(folder):
        if entry.name.startswith("__mediation_library_") and entry.name.endswith(".pickle"):
            try:
                found.append((entry.stat().st_mtime_ns, entry.path))
            except OSError:
                continue
    for _when, old in sorted(found, reverse=True)[_KEEP:]:
        try:
            os.unlink(old)
        except OSError:
            pass
