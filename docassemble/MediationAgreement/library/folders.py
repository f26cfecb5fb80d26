"""Where a clause library's files are: its folder stack, its clause files, and a stamp of them all.

:func:`~.clauses.load_library` reads the stack; it keeps what it read for the
rest of the process while :func:`stack_stamp` is unchanged.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

__all__ = ["LIBRARY_FILE", "TRANSLATIONS", "clause_files", "default_library_dir", "library_stack", "same_folder", "stack_stamp"]

LIBRARY_FILE = "library.yml"
TRANSLATIONS = "translations"
"""A library folder's translations: ``translations/<language>/``, one file per clause at the English file's relative path."""


@cache
def default_library_dir() -> Path:
    """The clause library shipped inside the package (``data/sources/clauses``)."""
    return Path(str(resources.files("docassemble.MediationAgreement") / "data" / "sources" / "clauses"))


def library_stack(dirs: Sequence[str | Path] | None) -> list[Path]:
    """The folders to read, in order, each once (``None``: the package's own library)."""
    folders: list[Path] = []
    for d in dirs or [default_library_dir()]:
        folder = Path(d)
        if not any(same_folder(folder, seen) for seen in folders):
            folders.append(folder)
    return folders


def stack_stamp(folders: Sequence[Path]) -> bytes | None:
    """A digest of every YAML file under the stack's folders, names and contents (None if one cannot be read).

    Contents, not modification times: a file rewritten within the clock's
    granularity (a few milliseconds) keeps its time.  Reading the package's
    library (about 200 small files) for this takes about 3 ms.
    """
    digest = hashlib.blake2b(digest_size=32)
    try:
        for folder in folders:
            if not folder.is_dir():
                return None
            for where, subfolders, names in os.walk(folder):
                subfolders.sort()
                for name in sorted(names):
                    if not name.endswith((".yml", ".yaml")):  # what the loader reads: clauses, library.yml, translations
                        continue
                    path = os.path.join(where, name)
                    with open(path, "rb") as handle:
                        content = handle.read()
                    digest.update(f"{path}\0{len(content)}\0".encode(errors="surrogateescape"))
                    digest.update(content)
    except OSError:
        return None
    return digest.digest()


def clause_files(folder: Path) -> list[Path]:
    """The library's clause files, in order: every ``.yml`` then every ``.yaml`` file under ``folder`` except
    its ``library.yml``, its ``translations/`` and any sub-folder with a ``library.yml`` of its own (a separate
    library: ``overlays/az``).  Walked once with :func:`os.walk`, pruning as it goes (pathlib's
    ``relative_to`` and ``parents`` were most of a library load)."""
    top = str(folder)
    found: dict[str, list[Path]] = {".yml": [], ".yaml": []}
    for where, subfolders, names in os.walk(top):
        if where == top:
            names = [n for n in names if n != LIBRARY_FILE]
            subfolders[:] = [d for d in subfolders if d != TRANSLATIONS]
        elif LIBRARY_FILE in names:
            subfolders[:] = []  # a library of its own, laid over this one separately
            continue
        for name in names:
            suffix = os.path.splitext(name)[1]
            if suffix in found:
                found[suffix].append(Path(where, name))
    return sorted(found[".yml"]) + sorted(found[".yaml"])


def same_folder(one: Path, two: Path) -> bool:
    """Whether two paths name the same folder (False when either cannot be resolved)."""
    try:
        return one.resolve() == two.resolve()
    except OSError:
        return False
