"""What the engine keeps on disk between processes, in one private folder per user.

A command is a process of its own, and some of its work comes out the same
every time the code and the data it reads are unchanged.  Four such results
are kept, each to spare the next process that work:

* the clause texts compiled to Python code (:mod:`.library.bytecode`);
* a clause library as read and checked (:mod:`.library.snapshot`);
* the case model's validator, as pydantic's core schema (:mod:`.case.prebuilt`);
* what Python itself compiles while the executable imports a command: the
  methods ``dataclasses`` writes as source, string annotations, and regular
  expressions (:mod:`.cli.startup`).

Each is used only while what it came from is unchanged.  Every file starts with
a header its reader compares (:func:`read`): the versions of what made it, and
for what the package's own code decides (the validator, a library as read) the
package's Python code too (:func:`package_stamp`); entries in a :class:`Pack`
are keyed by the very text they were made from.  So an upgrade or an edit never
answers with something the new code would have made differently.  A checksum
follows the header: a damaged, cut short or unreadable file is a miss, never an
error.

The folder is ``_jinja2-cache-<uid>`` in the temporary directory (the one
Jinja2 itself uses; it must be a real folder this user owns that no one else
can read or write), or the folder ``$MEDIATION_TEMPLATE_CACHE`` names (this
user's own, writable by no one else).  ``MEDIATION_TEMPLATE_CACHE=off`` keeps
nothing.  Code is loaded from this folder, hence the ownership rules.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import tempfile
import zlib
from collections.abc import Hashable
from functools import cache
from pathlib import Path
from types import CodeType

from .outputs import write_atomically

CACHE_ENV = "MEDIATION_TEMPLATE_CACHE"
"""``off``: keep nothing (everything is made afresh in each process); a folder: keep things there."""
_KEEP = 32
"""Files of one kind (:func:`write`'s ``kind``) kept at most; the oldest written go first."""
_PACKAGE = Path(__file__).resolve().parent


@cache
def folder() -> Path | None:
    """The folder things are kept in, made if need be; None when ``off`` or when no safe folder is to be had."""
    setting = os.environ.get(CACHE_ENV, "").strip()
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    try:
        if setting:
            os.makedirs(setting, mode=0o700, exist_ok=True)
            info = os.stat(setting)
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None  # code is loaded from here: only a folder no one else can write to will do
            return Path(setting)
        path = Path(tempfile.gettempdir()) / f"_jinja2-cache-{os.getuid()}"
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return None  # a file, a link, or someone else's folder under the shared temporary directory
        if stat.S_IMODE(info.st_mode) != stat.S_IRWXU:
            os.chmod(path, stat.S_IRWXU)
        return path
    except (OSError, RuntimeError):
        return None


@cache
def package_stamp() -> bytes | None:
    """A digest of the package's Python sources — each file's name, size and modification time, the rule
    Python itself uses for its ``.pyc`` files — computed once per process.  None when one cannot be looked at."""
    digest = hashlib.blake2b(digest_size=32)
    top = str(_PACKAGE)
    try:
        for root, dirs, files in os.walk(top, onerror=_raise):
            dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "data"))
            for name in sorted(files):
                if name.endswith(".py"):
                    info = os.stat(os.path.join(root, name))
                    digest.update(f"{root[len(top) :]}/{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    except OSError:
        return None
    return digest.digest()


def _raise(error: OSError) -> None:
    raise error


def key(*parts: str) -> str:
    """A file's key for ``parts`` and this copy of the package (two installs for one user keep apart)."""
    return hashlib.blake2b("\0".join([str(_PACKAGE), *parts]).encode(errors="surrogateescape"), digest_size=16).hexdigest()


def _path(kind: str, key: str, where: Path | None) -> Path | None:
    where = where or folder()
    return None if where is None else where / f"__mediation_{kind}_{key}.pickle"


def read(kind: str, key: str, head: bytes, *, where: Path | None = None) -> bytes | None:
    """What :func:`write` kept under ``kind`` and ``key``, after its header, if that header is ``head`` and the
    checksum after it matches; else None.  ``where`` is a folder :func:`folder` gave (by default the one it
    gives now)."""
    path = _path(kind, key, where)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(head):
        return None
    payload = data[len(head) + 4 :]
    return payload if data[len(head) : len(head) + 4] == _checksum(payload) else None


def _checksum(payload: bytes) -> bytes:
    """Four bytes that change when any byte of ``payload`` does (CRC-32: damage, not tampering; the folder is private)."""
    return zlib.crc32(payload).to_bytes(4, "big")


def write(kind: str, key: str, head: bytes, payload: bytes, *, where: Path | None = None) -> None:
    """Keep ``head``, a checksum and ``payload`` (whole or not at all; a full or read-only disk is not an error),
    and only the newest :data:`_KEEP` files of this ``kind``."""
    path = _path(kind, key, where)
    if path is None:
        return
    try:
        write_atomically(path, head + _checksum(payload) + payload, mode=0o600)
        _prune(path.parent, f"__mediation_{kind}_")
    except OSError:
        pass


def _prune(where: Path, prefix: str) -> None:
    found = []
    for entry in os.scandir(where):
        if entry.name.startswith(prefix) and entry.name.endswith(".pickle"):
            try:
                found.append((entry.stat().st_mtime_ns, entry.path))
            except OSError:
                continue
    for _when, old in sorted(found, reverse=True)[_KEEP:]:
        try:
            os.unlink(old)
        except OSError:
            pass


class Pack:
    """Many small things of one ``kind`` kept in one file: read whole when made, each entry decoded by its
    user only when used, written again only when this process added to it.

    Entries are bytes under keys ``marshal`` can write (strings, numbers, tuples of them).  ``part`` names one
    pack among several of a kind; the header is part of the file's name, so two Pythons sharing an install
    do not overwrite each other's.  When the file would hold more than ``most`` entries, or always when
    ``only_used`` (a pack whose user asks for the same entries every time, so that an entry it did not ask
    for is left over from older code), it is made again from what this process used and added, so it does
    not grow without bound.
    """

    def __init__(self, kind: str, head: bytes, *, where: Path | None = None, most: int = 2000, part: str = "", only_used: bool = False) -> None:
        self.kind, self.head, self.where, self.most, self.only_used = kind, head, where, most, only_used
        self.key = key(kind, part, head.hex())
        self.loaded: dict[Hashable, bytes] = {}
        self.used: set[Hashable] = set()
        self.added: dict[Hashable, bytes] = {}
        payload = read(kind, self.key, head, where=where)
        if payload is not None:
            try:
                loaded = marshal.loads(payload)
            except Exception:  # noqa: BLE001 - whatever a damaged file makes marshal raise, it is a miss
                loaded = None
            if isinstance(loaded, dict) and all(isinstance(data, bytes) for data in loaded.values()):
                self.loaded = loaded

    def get(self, name: Hashable) -> bytes | None:
        """The entry kept under ``name``, or None."""
        data = self.loaded.get(name)
        if data is not None:
            self.used.add(name)
        return data

    def code(self, name: Hashable) -> CodeType | None:
        """The code object kept under ``name`` (marshalled), or None; an entry that does not decode to one is
        forgotten, so it is made again and added."""
        data = self.get(name)
        if data is None:
            return None
        try:
            code = marshal.loads(data)
        except Exception:  # noqa: BLE001 - whatever a damaged entry makes marshal raise (SystemError too), it is a miss
            code = None
        if not isinstance(code, CodeType):
            self.forget(name)
            return None
        return code

    def add(self, name: Hashable, data: bytes) -> None:
        """Add an entry to what :meth:`write` keeps for the next process."""
        self.added[name] = data

    def forget(self, name: Hashable) -> None:
        """Drop an entry its user found damaged (it is made again and added)."""
        self.loaded.pop(name, None)
        self.used.discard(name)

    def write(self) -> None:
        """Keep the pack with what this process added; nothing is written when it added nothing."""
        if not self.added:
            return
        if self.only_used or len(self.loaded) + len(self.added) > self.most:
            merged = {**{name: self.loaded[name] for name in self.used if name in self.loaded}, **self.added}
        else:
            merged = {**self.loaded, **self.added}
        try:
            payload = marshal.dumps(merged)
        except ValueError:  # a key marshal cannot write: keep nothing rather than fail a command
            return
        write(self.kind, self.key, self.head, payload, where=self.where)
        self.used |= set(self.added)
        self.loaded, self.added = merged, {}
